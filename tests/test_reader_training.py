"""The shipped reader weights are what the training script makes from the labelled corpus (issue 9: "the
training script in the repository reproducing the shipped weights from the labelled data"). A change to the
features, the word lists the model reads or the labels that is not followed by retraining fails here."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DIR = REPO / "simulator" / "data" / "reader"


@pytest.mark.parametrize(("script", "weights"), [("train_reader.py", "model.json.gz"), ("train_kinds.py", "kinds.json.gz")])
def test_training_reproduces_the_shipped_weights(script: str, weights: str, tmp_path: Path) -> None:
    """The unit model's weights and the question-kind model's (analysis/kinds.py)."""
    pytest.importorskip("sklearn", reason="training needs scikit-learn: pip install -e '.[test]'")
    out = tmp_path / weights
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    trained = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress((SHIPPED_DIR / weights).read_bytes()))
    differ = sorted(key for key in set(trained) | set(shipped) if trained.get(key) != shipped.get(key))
    assert not differ, f"retrain and ship the weights (python benchmarks/{script}): {differ} differ"

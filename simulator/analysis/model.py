"""The learned part of the turn reader: a linear model over hashed unit features, one score per code.

Weights live in simulator/data/reader/model.json.gz, made by benchmarks/train_reader.py from the
labelled turns in benchmarks/turnset/ (docs/codebook.md). Pure Python at run time: a feature is hashed
(CRC-32) into a bucket, each bucket holds one small integer weight per code, and a unit's score for a
code is the bias plus the sum of its buckets' weights.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from simulator import resources

MODEL_FILE = "reader/model.json.gz"
_CACHE_LIMIT = 200_000


def bucket_of(feature: str, buckets: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) % buckets


@dataclass
class UnitModel:
    codes: tuple[str, ...]
    bias: tuple[float, ...]
    thresholds: dict[str, float]  # probability at or above which a unit carries the code
    policy: dict[str, str]  # per code: model | rules | either (see benchmarks/train_reader.py)
    rows: dict[int, tuple[float, ...]]
    buckets: int
    feature_version: int
    form_bias: float = 1.0  # a unit that asks is open when P(open) >= form_bias * P(closed) ...
    form_rule_vote: float = 0.0  # ... each side raised by this much when the rules read that form

    def __post_init__(self) -> None:
        self._row_of: dict[str, tuple[float, ...] | None] = {}

    @classmethod
    def from_dict(cls, data: dict) -> UnitModel:
        scale = data["scale"]
        rows = {int(b): tuple(q * scale for q in row) for b, row in data["rows"].items()}
        return cls(
            codes=tuple(data["codes"]),
            bias=tuple(data["bias"]),
            thresholds=dict(data["thresholds"]),
            policy=dict(data["policy"]),
            rows=rows,
            buckets=data["buckets"],
            feature_version=data["feature_version"],
            form_bias=data.get("form_bias", 1.0),
            form_rule_vote=data.get("form_rule_vote", 0.0),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> UnitModel:
        path = path or resources.DATA_DIR / MODEL_FILE
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def logits(self, features: Iterable[str]) -> list[float]:
        row_of, rows, buckets = self._row_of, self.rows, self.buckets
        found = []
        for feature in features:
            row = row_of.get(feature, False)
            if row is False:
                row = rows.get(zlib.crc32(feature.encode("utf-8")) % buckets)
                if len(row_of) > _CACHE_LIMIT:
                    row_of.clear()
                row_of[feature] = row
            if row is not None:
                found.append(row)
        if not found:
            return list(self.bias)
        return [b + s for b, s in zip(self.bias, map(sum, zip(*found)))]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        return {code: _sigmoid(z) for code, z in zip(self.codes, self.logits(features))}


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))

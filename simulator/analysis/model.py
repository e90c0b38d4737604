"""The learned part of the turn reader: a linear model over hashed unit features, one score per code.

Weights live in simulator/data/reader/model.json.gz, made by benchmarks/train_reader.py from the
labelled turns in benchmarks/turnset/ (docs/codebook.md). Pure Python at run time: a feature is hashed
(CRC-32) into a bucket, each bucket holds one small integer weight per code, and a unit's score for a
code is the bias plus the sum of its buckets' weights.

For speed a bucket's weights are packed into one integer, a lane of LANE bits per code, each weight
offset to be non-negative, so that summing a unit's buckets is one integer addition per feature rather
than one per feature and code; the lanes are unpacked once per unit.
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
LANE = 20  # bits per code in a packed row: room for 4,000 features of the largest weight in a unit
OFFSET = 128  # quantised weights are -127..127; stored as weight + OFFSET


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

    scale: float = 1.0  # a quantised weight times this is the real weight
    quantised: dict[int, tuple[int, ...]] | None = None

    def __post_init__(self) -> None:
        self._row_of: dict[str, int | None] = {}
        self._mask = (1 << LANE) - 1
        self._packed = {b: _pack(row) for b, row in (self.quantised or {}).items()}
        self._unit_offset = _pack((0,) * len(self.codes))  # OFFSET in every lane: one feature's offsets
        self.logit_thresholds = {c: _logit(t) for c, t in self.thresholds.items()}

    @classmethod
    def from_dict(cls, data: dict) -> UnitModel:
        scale = data["scale"]
        quantised = {int(b): tuple(row) for b, row in data["rows"].items()}
        rows = {b: tuple(q * scale for q in row) for b, row in quantised.items()}
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
            scale=scale,
            quantised=quantised,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> UnitModel:
        path = path or resources.DATA_DIR / MODEL_FILE
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def logits(self, features: Iterable[str]) -> list[float]:
        """Each code's score (log-odds) for a unit with these features."""
        row_of, packed, buckets = self._row_of, self._packed, self.buckets
        total = count = 0
        for feature in features:
            row = row_of.get(feature, False)
            if row is False:
                row = packed.get(zlib.crc32(feature.encode("utf-8")) % buckets)
                if len(row_of) > _CACHE_LIMIT:
                    row_of.clear()
                row_of[feature] = row
            if row is not None:
                total += row
                count += 1
        if not count:
            return list(self.bias)
        mask, scale, offset = self._mask, self.scale, OFFSET * count
        return [b + scale * (((total >> (LANE * k)) & mask) - offset) for k, b in enumerate(self.bias)]

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        return dict(zip(self.codes, self.logits(features)))

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        return {code: sigmoid(z) for code, z in zip(self.codes, self.logits(features))}


def _pack(row: tuple[int, ...]) -> int:
    packed = 0
    for k, weight in enumerate(row):
        packed |= (weight + OFFSET) << (LANE * k)
    return packed


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))

"""The learned part of the turn reader: a linear model over hashed unit features, one score per code.

Weights live in simulator/data/reader/model.json.gz, made by benchmarks/train_reader.py from the
labelled turns in benchmarks/turnset/ (docs/codebook.md). Pure Python at run time: a feature is hashed
(CRC-32) into a bucket, each bucket holds one small integer weight per code, and a unit's score for a
code is the bias plus the sum of its buckets' weights.

For speed a bucket's weights are packed into one integer, a lane of LANE bits per code, each weight
offset to be non-negative, and a one in a last lane of its own, so that a unit's buckets and how many of
them it hit are one sum (in C: sum(map(...))) rather than one addition per feature and code; the lanes
are unpacked once per unit, by struct.
"""

from __future__ import annotations

import array
import gzip
import hashlib
import json
import math
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from simulator import resources

MODEL_FILE = resources.READER_MODEL
_CACHE_LIMIT = 200_000
LANE = 32  # bits per code in a packed row (whole bytes, for struct): no carry below 16 million features in a unit
OFFSET = 128  # quantised weights are -127..127; stored as weight + OFFSET


def bucket_of(feature: str, buckets: int) -> int:
    return zlib.crc32(feature.encode("utf-8")) % buckets


class _FeatureRows(dict):
    """Each feature's packed row (0: its bucket has none), looked up at its first use and remembered (up to
    _CACHE_LIMIT features, then afresh)."""

    def __init__(self, rows: PackedRows, buckets: int):
        super().__init__()
        self._get, self._buckets = rows.get, buckets

    def __missing__(self, feature: str) -> int:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        row = self[feature] = self._get(zlib.crc32(feature.encode("utf-8")) % self._buckets) or 0
        return row


class PackedRows:
    """Each bucket's weights packed into one integer (see above): a dict, or rows read from a packed file
    one at a time as features first hit them (the reader remembers each feature's row)."""

    def __init__(self, packed: dict[int, int] | None = None, index: dict[int, int] | None = None, blob: bytes = b"", width: int = 0):
        self._packed, self._index, self._blob, self._width = packed, index, memoryview(blob), width

    def get(self, bucket: int) -> int | None:
        if self._packed is not None:
            return self._packed.get(bucket)
        position = self._index.get(bucket) if self._index is not None else None
        if position is None:
            return None
        start = position * self._width
        return int.from_bytes(self._blob[start : start + self._width], "little")

    def __len__(self) -> int:
        return len(self._packed if self._packed is not None else self._index or ())


@dataclass
class UnitModel:
    codes: tuple[str, ...]
    bias: tuple[float, ...]
    thresholds: dict[str, float]  # probability at or above which a unit carries the code
    policy: dict[str, str]  # per code: model | rules | either (see benchmarks/train_reader.py)
    rows: PackedRows
    buckets: int
    feature_version: int
    form_bias: float = 1.0  # a unit that asks is open when P(open) >= form_bias * P(closed) ...
    form_rule_vote: float = 0.0  # ... each side raised by this much when the rules read that form
    scale: float = 1.0  # a quantised weight times this is the real weight

    def __post_init__(self) -> None:
        self._row_of = _FeatureRows(self.rows, self.buckets)
        self._unpack = struct.Struct(f"<{len(self.codes) + 1}I").unpack
        self._width = _width(len(self.codes))
        self.logit_thresholds = {c: _logit(t) for c, t in self.thresholds.items()}

    @classmethod
    def from_dict(cls, data: dict) -> UnitModel:
        rows = PackedRows({int(b): _pack(row) for b, row in data["rows"].items()})
        return cls(rows=rows, **_header(data))

    @classmethod
    def load(cls, path: Path | None = None, cache_dir: Path | None = None) -> UnitModel:
        """The weights file, through a packed copy in the cache folder: parsing and packing the JSON takes
        most of a second, the packed copy a few milliseconds. Without a writable cache, only slower."""
        path = path or resources.DATA_DIR / MODEL_FILE
        raw = path.read_bytes()
        cached = _cache_file(raw, cache_dir)
        try:
            return cls._from_packed(cached.read_bytes())
        except (OSError, ValueError, KeyError):
            pass  # absent or damaged: made again below
        data = json.loads(gzip.decompress(raw))
        _write_packed(cached, data)
        return cls.from_dict(data)

    @classmethod
    def _from_packed(cls, blob: bytes) -> UnitModel:
        head_end = blob.index(b"\n")
        header = json.loads(blob[:head_end])
        count, width = header["count"], header["width"]
        ids = array.array("I")
        if ids.itemsize != 4:
            raise ValueError("bucket ids are 4 bytes")
        start = head_end + 1
        ids.frombytes(blob[start : start + 4 * count])
        rows_blob = blob[start + 4 * count :]
        if len(ids) != count or len(rows_blob) != count * width or header["lane"] != LANE or header["offset"] != OFFSET:
            raise ValueError("a packed model that does not fit its header")
        index = dict(zip(ids, range(count)))
        return cls(rows=PackedRows(index=index, blob=rows_blob, width=width), **_header(header))

    def logits(self, features: Iterable[str]) -> list[float]:
        """Each code's score (log-odds) for a unit with these features."""
        features = features if isinstance(features, (list, tuple)) else list(features)
        *lanes, count = self._unpack(sum(map(self._row_of.__getitem__, features)).to_bytes(self._width, "little"))
        if not count:
            return list(self.bias)
        scale, offset = self.scale, OFFSET * count
        return [b + scale * (lane - offset) for lane, b in zip(lanes, self.bias)]

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        return dict(zip(self.codes, self.logits(features)))

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        return {code: sigmoid(z) for code, z in zip(self.codes, self.logits(features))}


def _header(data: dict) -> dict:
    return {
        "codes": tuple(data["codes"]),
        "bias": tuple(data["bias"]),
        "thresholds": dict(data["thresholds"]),
        "policy": dict(data["policy"]),
        "buckets": data["buckets"],
        "feature_version": data["feature_version"],
        "form_bias": data.get("form_bias", 1.0),
        "form_rule_vote": data.get("form_rule_vote", 0.0),
        "scale": data["scale"],
    }


def _cache_file(raw: bytes, cache_dir: Path | None) -> Path:
    """Where the packed copy of these weights lives, named by their digest."""
    from simulator.paths import home

    # the lane width in the name: a packed copy from a version that packs otherwise is left to it
    return (cache_dir or home() / "cache") / f"reader-model-{hashlib.sha256(raw).hexdigest()[:16]}-{LANE}.bin"


def _write_packed(path: Path, data: dict) -> None:
    """Header (JSON, one line), bucket ids (uint32), then each bucket's packed row in `width` bytes."""
    import os
    import tempfile

    from simulator.paths import make_private_dir

    ids = array.array("I", sorted(int(b) for b in data["rows"]))
    width = _width(len(data["codes"]))
    header = {k: data[k] for k in ("codes", "bias", "thresholds", "policy", "buckets", "feature_version", "scale")}
    header |= {k: data[k] for k in ("form_bias", "form_rule_vote") if k in data}
    header |= {"count": len(ids), "width": width, "lane": LANE, "offset": OFFSET}
    rows = b"".join(_pack(data["rows"][str(b)]).to_bytes(width, "little") for b in ids)
    temporary = None
    try:
        make_private_dir(path.parent)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(header).encode("utf-8") + b"\n" + ids.tobytes() + rows)
        os.replace(temporary, path)  # whole or not at all
    except OSError:  # a cache that cannot be written only costs time
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _pack(row: tuple[int, ...] | list[int]) -> int:
    packed = 1 << (LANE * len(row))  # the lane that counts
    for k, weight in enumerate(row):
        packed |= (weight + OFFSET) << (LANE * k)
    return packed


def _width(codes: int) -> int:
    return LANE * (codes + 1) // 8


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))

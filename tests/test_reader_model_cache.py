"""The reader's weights read through their packed copy score every unit exactly as the JSON does."""

from __future__ import annotations

from pathlib import Path

from simulator.analysis import TurnReader
from simulator.analysis.model import UnitModel

TURNS = [
    ("Hello, what brings you in today?", None),
    ("It sounds like the tablets have been a worry. What do you make of them?", "I keep forgetting the evening ones, to be honest."),
    ("You should really take your metformin twice a day, and your HbA1c is high.", "Right."),
    ("Mm.", "And then the dog got out."),
]


def test_the_packed_copy_scores_like_the_json(tmp_path: Path) -> None:
    first = UnitModel.load(cache_dir=tmp_path)  # from the JSON, writing the packed copy
    assert list(tmp_path.glob("reader-model-*.bin"))
    second = UnitModel.load(cache_dir=tmp_path)  # from the packed copy
    reader = TurnReader(model=first)
    for text, previous in TURNS:
        for reading in reader.read_units(text, previous)[1]:
            assert first.logits(reading.features) == second.logits(reading.features)
    assert len(first.rows) == len(second.rows) and first.codes == second.codes and first.policy == second.policy


def test_a_damaged_packed_copy_is_made_again(tmp_path: Path) -> None:
    UnitModel.load(cache_dir=tmp_path)
    (packed,) = tmp_path.glob("reader-model-*.bin")
    packed.write_bytes(packed.read_bytes()[:1000])
    model = UnitModel.load(cache_dir=tmp_path)
    assert len(model.rows) > 1000 and packed.stat().st_size > 1000


def test_a_unit_with_thousands_of_features_scores_each_one_without_carry(tmp_path: Path) -> None:
    """Packed lanes hold each code's sum apart however many features a unit has (the first packing, in 20-bit lanes,
    carried from one code into the next: 20,000 of a feature overflow a lane for most weights)."""
    model = UnitModel.load(cache_dir=tmp_path)
    feature = "w=tablets"
    bias, one = model.logits([]), model.logits([feature])
    many = model.logits([feature] * 20_000)
    for b, single, total in zip(bias, one, many):
        assert abs((total - b) - 20_000 * (single - b)) < 1e-6 * max(1.0, abs(total))

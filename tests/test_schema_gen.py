"""The marks file and the review export have schemas made from their records (simulator/schema_gen.py):
the shipped files equal what the records give today, and what consultsim writes passes them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from cohort_maker import make_cohort

from simulator import resources
from simulator.cli import main
from simulator.review.marks import MarkStore, new_mark
from simulator.schema_gen import generated, type_schema


@pytest.mark.parametrize("stem", sorted(generated()))
def test_the_shipped_schema_is_the_one_the_records_give(stem: str) -> None:
    shipped = resources.schema(stem)
    assert shipped == generated()[stem], f"simulator/schemas/{stem}.json is out of date: run python -m simulator.schema_gen"
    jsonschema.Draft202012Validator.check_schema(shipped)


def test_type_hints_become_schemas() -> None:
    assert type_schema(int | None) == {"type": ["integer", "null"]}
    assert type_schema(tuple[str, ...]) == {"type": "array", "items": {"type": "string"}}
    assert type_schema(dict[str, bool | None]) == {"type": "object", "additionalProperties": {"type": ["boolean", "null"]}}
    with pytest.raises(TypeError):
        type_schema(set[int])


def test_what_consultsim_writes_passes_its_schema(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, consultsim_home: Path) -> None:
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(tmp_path / "none.toml"))
    folder = tmp_path / "cohort"
    ids = make_cohort(folder, 3)
    store = MarkStore(consultsim_home / "marks")
    store.add(new_mark(ids[0], "Dr Ames", tasks={"build_relationship": 4}, criteria={"beliefs": "met"}, coproduction="recognisable"))
    store.add(new_mark(ids[0], "Dr Ng", tasks={"open_discussion": 2}, final=True, reason="the plan was the patient's"))
    marks_file = json.loads((consultsim_home / "marks" / f"{ids[0]}.json").read_text(encoding="utf-8"))
    jsonschema.validate(marks_file, resources.schema("marks-v1"))
    assert main(["review", str(folder), "--format", "json"]) == 0
    review = json.loads(capsys.readouterr().out)
    jsonschema.validate(review, resources.schema("review-v1"))
    bad = json.loads(json.dumps(marks_file))
    bad["marks"][0]["tasks"]["build_relationship"] = 6
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, resources.schema("marks-v1"))

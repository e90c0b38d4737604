"""Real consultations from ../shared/data (PriMock57, ACI-Bench) grade without error, through the
transcript format and the command line as a course lead would use them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from datasets import SHARED_DATA, aci_bench, primock57  # noqa: E402

from simulator.cli import main  # noqa: E402
from simulator.rubric import RulesJudge  # noqa: E402
from simulator.rubric.conversation import Conversation  # noqa: E402

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"the shared data folder is not at {SHARED_DATA}")


def test_every_primock57_and_aci_bench_consultation_grades() -> None:
    judge = RulesJudge()
    corpus = list(primock57()) + list(aci_bench())
    assert len(corpus) == 57 + 207 - 10  # the ten kept aside for independent measurement are never read
    for source, turns in corpus:
        report = judge.grade(Conversation.build(source, turns))
        assert len(report.kalamazoo) == 7 and len(report.self_management) == 8, source
        assert all(r.value is None or 1 <= r.value <= 5 for r in report.kalamazoo.values())


def test_primock57_as_transcript_files_through_the_command_line(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "primock"
    folder.mkdir()
    for source, turns in list(primock57())[:10]:
        lines = [f"{'Doctor' if speaker == 'clinician' else 'Patient'}: {text}" for speaker, text in turns]
        (folder / f"{source.split('/')[-1]}.txt").write_text("\n".join(lines), encoding="utf-8")
    assert main(["grade", str(folder), "--format", "json"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 10

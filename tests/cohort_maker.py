"""A made-up cohort for the review's tests and benchmark: the shipped test consultations (good and closed
questions) played by several learners over several weeks, each session saved as a learner's machine saves it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent / "consultations"
LEARNERS = ("Ana Lima", "Ben Okafor", "Chloe Wright", "Dev Patel", "Erin Walsh")


def make_cohort(folder: Path, count: int, learners: tuple[str, ...] = LEARNERS, seed: int = 1) -> list[str]:
    """`count` sessions in `folder` (ids returned): learner, script and day vary; all ended."""
    from simulator.consultation import Consultation
    from simulator.scenario import resolve
    from simulator.session.store import write_private_json

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    scripts = sorted(SCRIPTS.glob("*/*.txt"))
    scenarios = {path.parent.name: resolve(path.parent.name) for path in scripts}
    lines = {p: [s for s in (r.strip() for r in p.read_text(encoding="utf-8").splitlines()) if s and not s.startswith("#")] for p in scripts}
    start = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    ids = []
    for number in range(count):
        script = scripts[rng.randrange(len(scripts))]
        learner = learners[number % len(learners)]
        consultation = Consultation.start(scenarios[script.parent.name], seed=number, autosave=False, learner=learner)
        for line in lines[script]:
            consultation.say(line)
            if consultation.ended:
                break
        session = consultation.session
        when = start + timedelta(days=number * 60 // max(1, count), minutes=number)
        shift = when - datetime.fromisoformat(session.created)
        session.created = when.isoformat(timespec="milliseconds")
        for turn in session.turns:
            turn.timestamp = (datetime.fromisoformat(turn.timestamp) + shift).isoformat(timespec="milliseconds")
        session.updated = session.turns[-1].timestamp if session.turns else session.created
        session.id = f"{when:%Y%m%d-%H%M%S}-{number:06x}"
        session.status = "ended"
        write_private_json(folder / f"{session.id}.json", session.to_dict())
        ids.append(session.id)
    return ids

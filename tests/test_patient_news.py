"""How news lands (issue 10): asked "how does that sit with you?" after being told something, the patient is eased
by news that eases and worried by news that worries, the last framing deciding; asked "does that surprise you?", they
say whether it did. Before, three lines answered every such question alike ("Okay. It helps to hear it put like
that." to "Does that surprise you?"). Wording is my own, in several voices."""

from __future__ import annotations

import pytest

from simulator.analysis.lexicon import shared_lexicon
from simulator.patient.asking import news_in

from conftest import play, pool, starts_with_one_of

JADE = "asthma-young-adult"
JADE_OPENS = ["Hiya Jade, come on in. What's brought you in today?", "Talk me through a normal week with your blue inhaler."]


@pytest.mark.parametrize("told, news", [
    ("Your sugar's gone up from 58 to 71 over the year.", None),
    ("So your peak flow's running a fair bit under your best, and the questionnaire's on the low side.", "bad"),
    ("Your blood pressure was 154 over 90 today, which is higher than we'd like.", "bad"),
    ("It's gone up a fair bit and it's damaging the little vessels. The good news is none of it means insulin.", "good"),
    ("Most folk at your stage never need dialysis, but I'm afraid the ibuprofen is hard on the kidneys.", "bad"),
    ("It's a tiny dose straight onto the lungs, nothing like the tablets your mam had.", "good"),
    ("The bloods came back fine.", "good"),
])
def test_the_last_framing_of_the_news_decides_how_it_runs(told: str, news: str | None) -> None:
    assert news_in(told, shared_lexicon()) == news


MARTIN_OPENS = ["Morning Martin, come in. What can I do for you?"]


@pytest.mark.parametrize("scenario_id, opening, turn, pool_name", [
    (JADE, JADE_OPENS, "Your peak flow's 360 and your best is 460, so you're running a good bit under your best. How does that land?",
     "reaction_bad"),
    ("hypertension-proactive", MARTIN_OPENS, "Your kidney, sugar and urine tests all came back fine, which is good news. How does "
     "that sit with you?", "reaction_good"),
    ("hypertension-proactive", MARTIN_OPENS, "your clinic reading today was 152 over 95, which is higher than we'd like. does that "
     "surprise you", "surprised_bad"),
])
def test_asked_how_news_lands_the_reaction_fits_the_news(scenario_id: str, opening: list[str], turn: str, pool_name: str) -> None:
    _, replies = play(scenario_id, [*opening, turn])
    last = replies[-1]
    assert last.decision.reacting and last.decision.disclosed == (), last.text
    assert starts_with_one_of(last.text, pool(pool_name, scenario_id)), (pool_name, last.text)


def test_news_after_a_hint_does_not_take_the_hint_up() -> None:
    # told something and asked how it lands, the patient's hint is not explored: the cat stays unsaid (issue 10: a cue is
    # missed when the clinician "gives advice instead"); an open question about the hint's subject still explores it
    opens = ["Hiya Jade, come on in. What's brought you in today?", "Has anything changed lately?"]
    _, replies = play(JADE, opens)
    assert replies[-1].decision.cue is not None and replies[-1].decision.cue.id == "since_things_changed"
    told = "Your breathing tubes get swollen and twitchy, and the brown one calms that down over a few weeks. How does that sound?"
    engine, after = play(JADE, [*opens, told])
    assert after[-1].decision.cue_outcome is None or after[-1].decision.cue_outcome[0] != "taken_up", after[-1].decision.cue_outcome
    assert "boyfriends_cat" not in engine.state.disclosed
    explored = "Sounds like things have been a bit up in the air. What's changed at home?"
    _, asked = play(JADE, [*opens, explored])
    assert asked[-1].decision.cue_outcome is not None and asked[-1].decision.cue_outcome[0] == "taken_up"

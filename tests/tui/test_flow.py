"""The terminal UI driven with Pilot: pick, brief, consult, end, read feedback, jump to evidence, export, resume."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList

from simulator.scenario import load_scenario
from simulator.session import sessions_dir
from simulator.session.index import find_session
from simulator.tui.screens.briefing import BriefingModal, BriefingScreen
from simulator.tui.screens.confirm import ConfirmScreen
from simulator.tui.screens.consultation import ConsultationScreen
from simulator.tui.screens.feedback import FeedbackScreen
from simulator.tui.screens.history import HistoryScreen
from simulator.tui.screens.picker import PickerScreen
from simulator.tui.widgets.chat_input import ChatInput
from simulator.tui.widgets.transcript import Transcript, TurnView

from tuihelpers import GOOD, T2D, frozen_app, saved_session, send, settle, shown_text, type_text

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def session_files() -> list[Path]:
    return sorted(sessions_dir().glob("*.json"))


def on_disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


async def test_the_whole_flow_pick_brief_consult_end_feedback_evidence_export_history(tmp_path: Path) -> None:
    app = frozen_app(export_dir=tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen) and isinstance(app.focused, Input)

        # type to filter, then enter opens the briefing of the one left
        await type_text(pilot, "diabetes")
        await pilot.pause()
        assert [s.id for s in picker.shown] == ["t2d-hypo-fear"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and app.screen.scenario.id == "t2d-hypo-fear"

        # start: the consultation, with the input focused
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsultationScreen) and isinstance(app.focused, ChatInput)
        path = screen.consultation.path
        for number, line in enumerate(GOOD[:6], start=1):
            await send(pilot, line, keys=number == 1)
            # saved after every turn: clinician and patient
            assert len(on_disk(path)["turns"]) == 2 * number
        views = list(screen.query(TurnView))
        assert [v.speaker for v in views] == ["clinician", "patient"] * 6
        assert [v.index for v in views] == list(range(12))
        assert views[0].words == GOOD[0] and views[1].words == screen.consultation.session.turns[1].text
        assert views[0].has_class("clinician") and views[1].has_class("patient")
        assert app.focused.text == ""

        # ctrl+e asks first; "n" keeps the consultation going
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and not screen.consultation.ended

        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        feedback = app.screen
        assert isinstance(feedback, FeedbackScreen) and feedback.report is not None
        assert on_disk(path)["status"] == "ended"

        # the list: seven Kalamazoo tasks, eight self-management criteria, co-production, metrics
        assert len(feedback.report.kalamazoo) == 7 and len(feedback.report.self_management) == 8
        ids = [item.id for item in feedback.items if not isinstance(item, str)]
        assert sum(i.startswith("kalamazoo.") for i in ids) == 7
        assert sum(i.startswith("self_management.") for i in ids) == 8
        assert "coproduction" in ids and any(i.startswith("metric.") for i in ids)
        assert shown_text(feedback.query_one("#headline")).strip().startswith("mean ")
        assert shown_text(feedback.query_one("#headline")).strip().endswith(feedback.report.coproduction_level)

        # the feedback opens with the patient's side: how they left, and what they would say
        assert feedback.current is not None and feedback.current.id == "outcome.state"
        assert any(i.startswith("outcome.prem.") for i in ids) and any(i.startswith("outcome.plan") for i in ids)
        for _ in range(len(ids)):  # down to the first Kalamazoo task
            if feedback.current is not None and feedback.current.id == "kalamazoo.build_relationship":
                break
            await pilot.press("down")
            await pilot.pause()
        # enter opens the evidence of the first task; enter on a turn scrolls the transcript to it and highlights it
        first = feedback.current
        assert first is not None and first.id == "kalamazoo.build_relationship" and first.evidence
        await pilot.press("enter")
        await pilot.pause()
        evidence = feedback.query_one("#evidence", OptionList)
        assert app.focused is evidence and evidence.option_count == len(first.evidence)
        await pilot.press("down", "enter")
        await pilot.pause()
        await pilot.pause()
        transcript = feedback.query_one(Transcript)
        wanted = first.evidence[1][0]
        assert transcript.highlighted == wanted
        target = transcript.query_one(f"#turn-{wanted}")
        assert target.has_class("-highlight") and transcript.display
        assert transcript.scrollable_content_region.overlaps(target.region)  # on screen, not just highlighted
        assert app.focused is transcript

        # escape goes back to the evidence, then the list
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is evidence and not feedback.has_class("-transcript")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is feedback.query_one("#items")

        # export to HTML and Markdown, private files
        await pilot.press("h", "m")
        await pilot.pause()
        session_id = screen.consultation.session.id
        html, markdown = tmp_path / "exports" / f"{session_id}.html", tmp_path / "exports" / f"{session_id}.md"
        assert "<html" in html.read_text(encoding="utf-8").lower() and "Builds a relationship" in html.read_text(encoding="utf-8")
        assert "Builds a relationship" in markdown.read_text(encoding="utf-8")
        assert stat.S_IMODE(html.stat().st_mode) == 0o600

        # back to the picker, then history lists the session with its scores
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        assert table.row_count == 1
        row = table.get_row(session_id)
        assert row[1].startswith("Type 2 diabetes") and row[3] == "ended" and row[4].count("/") == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen) and app.screen.session.id == session_id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_resume_from_history_carries_on_with_the_transcript_and_the_same_file() -> None:
    path = saved_session(GOOD[:3])
    before = on_disk(path)
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "open" in str(app.screen.query_one(DataTable).get_row(before["id"])[3])
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsultationScreen)
        assert [v.words for v in screen.query(TurnView)] == [t["text"] for t in before["turns"]]
        assert screen.consultation.path == path
        # the patient's state carried over: the next reply is what an unbroken consultation would give
        await send(pilot, GOOD[3])
        after = on_disk(path)
        assert after["turns"][: len(before["turns"])] == before["turns"]
        assert len(after["turns"]) == len(before["turns"]) + 2
        assert after["disclosures"][: len(before["disclosures"])] == before["disclosures"]


async def test_resume_gives_the_same_replies_as_an_unbroken_consultation() -> None:
    from simulator.consultation import Consultation

    unbroken = Consultation.start(load_scenario(T2D), seed=0, autosave=False)
    for line in GOOD[:5]:
        unbroken.say(line)
    saved_session(GOOD[:3])
    app = frozen_app(saved=find_session(None))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for line in GOOD[3:5]:
            await send(pilot, line)
        turns = app.screen.consultation.session.turns
        assert [t.text for t in turns] == [t.text for t in unbroken.session.turns]


class FailingReplies:
    """A patient engine that fails (a network error from a language model, say)."""

    def stream(self, consultation, text):
        async def fail():
            raise ConnectionError("the model did not answer")
            yield ""  # pragma: no cover

        return fail()


async def test_a_failed_reply_gives_the_words_back_and_records_nothing() -> None:
    app = frozen_app(scenario=load_scenario(T2D), replies=FailingReplies())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "Hello Gary")
        await pilot.press("ctrl+j")
        await type_text(pilot, "what brings you in?")
        await pilot.press("enter")
        await settle(pilot)
        entry = screen.query_one(ChatInput)
        assert entry.text == "Hello Gary\nwhat brings you in?" and not entry.waiting
        assert screen.consultation.session.turns == []
        assert not list(screen.query(TurnView))
        assert "could not answer" in shown_text(screen.query_one("#status"))
        assert any("the model did not answer" in str(n.message) for n in app._notifications)


class GatedReplies:
    """A streaming engine whose chunks the test lets out one at a time."""

    def __init__(self) -> None:
        self.gate: asyncio.Queue[str | None] = asyncio.Queue()

    def stream(self, consultation, text):
        from simulator.patient import ReplyChunk

        async def chunks():
            consultation.say(text)
            while (chunk := await self.gate.get()) is not None:
                yield ReplyChunk(chunk)

        return chunks()


async def test_the_reply_appears_as_it_streams_and_the_clinician_can_type_on_meanwhile() -> None:
    replies = GatedReplies()
    app = frozen_app(scenario=load_scenario(T2D), replies=replies)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, "Hello Gary, what brings you in today?")
        await pilot.press("enter")
        await pilot.pause()
        entry = screen.query_one(ChatInput)
        assert entry.waiting and entry.has_class("-waiting")
        for chunk in ("Got ", "the ", "letter."):
            await replies.gate.put(chunk)
            await pilot.pause()
        streaming = screen.query_one(".-streaming", TurnView)
        assert streaming.words == "Got the letter."
        # typing goes on while the patient speaks; Enter does not send yet
        await type_text(pilot, "Go on")
        await pilot.press("enter")
        await pilot.pause()
        assert entry.text == "Go on" and len(screen.consultation.session.turns) == 2
        await replies.gate.put(None)
        await settle(pilot)
        assert not entry.waiting and not screen.query(".-streaming")
        patient = screen.query(TurnView)[1]
        assert patient.index == 1 and patient.words == screen.consultation.session.turns[1].text


async def test_the_natural_pace_shows_a_reply_word_by_word() -> None:
    from simulator.tui.replies import PacedReplies

    app = frozen_app(scenario=load_scenario(T2D), replies=PacedReplies(pace=1.0, think=0.05, per_word=0.02))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Hello Gary, what brings you in today?")
        app.screen.query_one(ChatInput).action_send()  # not pilot.press: it would wait until the reply is complete
        seen: set[str] = set()
        for _ in range(200):
            await asyncio.sleep(0.01)
            views = app.screen.query(".-streaming")
            if views:
                seen.add(views.first(TurnView).words)
            elif seen:
                break
        full = app.screen.consultation.session.turns[1].text
        assert len(seen) > 3 and all(full.startswith(part) for part in seen if part)


async def test_enter_sends_and_ctrl_j_adds_a_line() -> None:
    app = frozen_app(scenario=load_scenario(T2D))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "one")
        await pilot.press("ctrl+j")
        await type_text(pilot, "two")
        entry = app.screen.query_one(ChatInput)
        assert entry.text == "one\ntwo"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.consultation.session.turns[0].text == "one two"


async def test_quitting_mid_consultation_asks_first() -> None:
    app = frozen_app(scenario=load_scenario(T2D))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, GOOD[0])
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultationScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert find_session(None).session.status == "in_progress"  # still there to resume


async def test_quitting_from_the_picker_does_not_ask() -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_when_the_patient_says_goodbye_the_input_closes_and_ctrl_e_opens_feedback_directly() -> None:
    app = frozen_app(scenario=load_scenario(T2D))
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, GOOD[0])
        await send(pilot, "Thanks Gary, take care, bye for now.")
        screen = app.screen
        assert screen.consultation.ended and screen.query_one(ChatInput).read_only
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)


async def test_the_briefing_can_be_reread_during_the_consultation() -> None:
    app = frozen_app(scenario=load_scenario(T2D))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "draft")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BriefingModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultationScreen) and app.screen.query_one(ChatInput).text == "draft"


async def test_a_filter_that_matches_nothing_says_so(tmp_path: Path) -> None:
    app = frozen_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "zzzz")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and app.screen.shown == []
        assert "No scenario matches" in shown_text(app.screen.query_one("#scenario-detail"))
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.shown) == 6


async def test_a_scenario_folder_of_ones_own_is_offered(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "gary-copy.yaml").write_text(T2D.read_text(encoding="utf-8").replace("id: t2d-hypo-fear", "id: my-gary"), encoding="utf-8")
    app = frozen_app(dirs=[mine])
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "my-gary")
        await pilot.pause()
        assert [s.id for s in app.screen.shown] == ["my-gary"]
        detail = "".join(shown_text(app.screen.query_one("#scenario-detail")).split())  # a long path wraps
        assert f"{mine.name}/gary-copy.yaml" in detail


async def test_every_key_in_the_footer_has_a_command_palette_entry() -> None:
    app = frozen_app(scenario=load_scenario(T2D))

    def palette_titles() -> list[str]:
        return [command.title for command in app.get_system_commands(app.screen)]

    def footer_keys() -> list[str]:
        return [a.binding.description for a in app.screen.active_bindings.values() if a.binding.show and a.binding.description]

    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, GOOD[0])
        screens_seen = []
        for _ in range(3):
            titles = palette_titles()
            for description in footer_keys():
                assert any(title.startswith(description) for title in titles), (type(app.screen).__name__, description, titles)
            screens_seen.append(type(app.screen).__name__)
            if isinstance(app.screen, ConsultationScreen):
                await pilot.press("ctrl+e", "y")
            elif isinstance(app.screen, FeedbackScreen):
                await pilot.press("ctrl+o")
            await settle(pilot)
        assert screens_seen == ["ConsultationScreen", "FeedbackScreen", "HistoryScreen"]
        # and the palette runs them: ctrl+p, type, enter
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Back (escape)")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_jumping_to_evidence_shows_the_turn_at_both_sizes(size: tuple[int, int]) -> None:
    saved_session(GOOD[:12], end=True)
    app = frozen_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        feedback = app.screen
        transcript = feedback.query_one(Transcript)
        assert transcript.display == (size[0] >= 110)  # wide terminals show it beside the details
        last = max(i for item in feedback.items if not isinstance(item, str) for i, *_ in item.evidence)
        feedback.jump_to(last)
        await pilot.pause()
        await pilot.pause()
        target = transcript.query_one(f"#turn-{last}")
        assert transcript.display and target.has_class("-highlight")
        assert transcript.scrollable_content_region.overlaps(target.region)


async def test_unsent_words_are_kept_and_come_back_when_the_consultation_is_resumed() -> None:
    from simulator.session.store import draft_path
    from simulator.tui.screens.consultation import DRAFT_PAUSE

    app = frozen_app(scenario=load_scenario(T2D))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await send(pilot, GOOD[0])
        path = app.screen.consultation.path
        await type_text(pilot, "And how is the driving")
        await pilot.press("ctrl+j")
        await type_text(pilot, "going")
        await asyncio.sleep(DRAFT_PAUSE + 0.3)
        await pilot.pause()
        draft = draft_path(path)
        assert draft.read_text(encoding="utf-8") == "And how is the driving\ngoing"
        assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert [p.name for p in sessions_dir().iterdir() if p.suffix == ".json"] == [path.name]  # not listed as a session

    app = frozen_app(saved=find_session(None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        entry = app.screen.query_one(ChatInput)
        assert entry.text == "And how is the driving\ngoing"
        assert any("not sent is back in the box" in str(n.message) for n in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.consultation.session.turns[-2].text == "And how is the driving going"
        await asyncio.sleep(DRAFT_PAUSE + 0.3)  # the emptied box is kept too: no file
        await pilot.pause()
        assert not draft.exists()
        await type_text(pilot, "One more thing")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
    assert not draft.exists(), "an ended consultation keeps no unsent words"

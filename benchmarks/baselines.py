"""Baselines the turn reader is measured against, in the same run.

- `regex_baseline`: about sixty lines of regular expressions, the kind anyone would write first: a
  question mark or a question word makes a question, a wh-word makes it open, "sounds like"/"so you"
  makes a reflection, "should"/"need to" makes advice, any other statement is information.
- `first_wave_codes`: the first wave's keyword reader (commit FIRST_WAVE), run from a copy of that
  commit's package extracted with `git archive` into a temporary folder, in a subprocess.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIRST_WAVE = "826edc4"

_Q_WORD = re.compile(
    r"^\W*(?:so |and |okay |ok |right |well |um |uh )*"
    r"(what|how|why|when|where|who|which|do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|any|anything|tell me)\b",
    re.I,
)
_OPEN = re.compile(
    r"^\W*(?:so |and |okay |ok |right |well |um |uh )*"
    r"(what|how|why|tell me|describe|can you tell me|could you tell me)\b(?! (many|much|often|long|old|time)\b)",
    re.I,
)
_REFLECT = re.compile(r"\b(sounds like|it sounds|so you('re| are|'ve| have)?|you feel|you're feeling|you seem|it seems)\b", re.I)
_ADVICE = re.compile(
    r"\b(you should|you need to|you must|you have to|i'd recommend|i recommend|i suggest|try to|make sure|you could try|it's best to|i want you to)\b",
    re.I,
)
_EMPATHY = re.compile(r"\b(i'm sorry|that must be|sounds (hard|difficult|tough|awful)|i understand|i can imagine)\b", re.I)
_GREETING = re.compile(r"\b(hello|hi|good (morning|afternoon|evening)|nice to meet)\b", re.I)
_CLOSING = re.compile(r"\b(bye|goodbye|take care|see you)\b", re.I)
_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
_BACKCHANNEL = re.compile(r"^\W*(mm+|mhm|mm-hmm|uh-huh|okay|ok|right|yeah|yes|i see|sure|great|good|alright)\W*$", re.I)


def regex_baseline(text: str) -> set[str]:
    """The codes a first-try regular-expression reader gives a turn."""
    codes: set[str] = set()
    if _BACKCHANNEL.match(text):
        return {"backchannel"}
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if not sentence:
            continue
        if sentence.endswith("?") or _Q_WORD.match(sentence):
            if _REFLECT.search(sentence) and not _Q_WORD.match(sentence):
                codes.add("reflection")
            else:
                codes.add("open_question" if _OPEN.match(sentence) else "closed_question")
        elif _REFLECT.search(sentence):
            codes.add("reflection")
        elif _ADVICE.search(sentence):
            codes.add("advice")
        elif len(sentence.split()) >= 5:
            codes.add("information")
    for pattern, code in ((_EMPATHY, "empathy"), (_GREETING, "greeting"), (_CLOSING, "closing")):
        if pattern.search(text):
            codes.add(code)
    return codes


_RUNNER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from simulator.analysis import TurnAnalyser
reader = TurnAnalyser()
out = []
for line in sys.stdin:
    text, previous = json.loads(line)
    out.append(list(reader.analyse(text, previous).codes))
json.dump(out, sys.stdout)
"""


def first_wave_codes(turns: list[tuple[str, str | None]]) -> list[set[str]]:
    """The first wave's reader on these (text, previous patient turn) pairs."""
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "first-wave.tar"
        subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), FIRST_WAVE, "simulator"], check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
        feed = "".join(json.dumps(t) + "\n" for t in turns)
        done = subprocess.run([sys.executable, "-c", _RUNNER, folder], input=feed, capture_output=True, text=True, check=True)
    return [set(codes) for codes in json.loads(done.stdout)]

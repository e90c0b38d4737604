"""Read through speech: transcriber tags, fillers, stutters and false starts out, spans kept.

A clinician turn typed in the app is usually clean; a transcript of speech is not ("um so uh what-
what's been happening <UNSURE>lately</UNSURE>"). The reader works on the cleaned words and maps every
span it finds back to the original text, so evidence quotes the turn as it was said.

The cleaned text is the kept tokens joined by single spaces, without a space before punctuation
("hi , martha ." reads as "hi, martha."). See docs/codebook.md, "Reading speech transcripts".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tags and notes that are not speech: <UNSURE>, <UNIN/>, [laughs], (pause), [inaudible].
_NOTE_WORDS = (
    r"laugh\w*|chuckl\w*|pause\w*|long pause|sigh\w*|inaudible|unclear|unintelligible|crosstalk|silence|"
    r"cough\w*|overlapping|overtalk|background noise|noise|indistinct|break|interruption|interrupted|sniff\w*|smil\w*|nod\w*|"
    r"clears throat|typing|phone rings|door|writing|examin\w*|\.\.\.|…"
)
_TOKEN = re.compile(
    r"<[^<>]{0,60}>"  # transcriber tags
    r"|\[[^\[\]]{0,60}\]"  # bracketed notes
    rf"|\((?:{_NOTE_WORDS})[^()]{{0,30}}\)"  # stage notes in parentheses
    r"|\d+(?:[.,:/]\d+)+%?"  # numbers: 1.5, 10,000, 6:30, 138/84
    r"|(?:mr|mrs|ms|dr|st|e\.g|i\.e|vs|etc|approx)\.(?=\s|$)"  # abbreviations keep their full stop
    r"|[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*(?:-[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*)*-?"  # words, cut-offs
    r"|[^\sA-Za-z0-9\u00c0-\u024f]",  # punctuation and symbols, one at a time
    re.I,
)
FILLERS = frozenset("um umm ummm uh uhh uhm erm er err ah ahh eh hmm hmmm mmm ehm".split())
BACKCHANNEL_WORDS = frozenset(
    "mm mmm mhm mm-hmm mm-mm uh-huh uh huh hmm ok okay okey right yeah yep yes yeh ya aye sure alright "
    "i see oh ah gotcha got it cool great good fine lovely perfect brilliant excellent fair enough go on "
    "and so true indeed absolutely exactly totally definitely no dear really wow".split()
)
# After a false start, a question starts again with one of these: "so how long have- when did it start".
_RESTART = frozenset(
    "what how when where why who which whose do does did is are was were have has had can could will would "
    "should shall may might any anything tell so and".split()
)
_PUNCT_NO_SPACE_BEFORE = frozenset(",.?!;:%)")
_BOUNDARY = frozenset(".?!;")


@dataclass(frozen=True)
class Speech:
    """A turn read through its speech artefacts."""

    original: str
    clean: str
    # For each kept token: (start in clean, end in clean, start in original, end in original).
    tokens: tuple[tuple[int, int, int, int], ...]
    fillers_only: bool  # nothing but fillers, tags or back-channel noises ("um", "<UNIN/>", "Mm-hmm.")

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A span of the clean text as a span of the original."""
        first = last = None
        for c_start, c_end, o_start, o_end in self.tokens:
            if c_end <= start:
                continue
            if c_start >= end:
                break
            if first is None:
                first = o_start
            last = o_end
        if first is None or last is None:
            return (0, 0)
        return first, last


def read_speech(text: str) -> Speech:
    raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [(t, s, e) for t, s, e in raw if not _is_note(t)]
    only_noise = all(_norm(t) in FILLERS or _norm(t) in BACKCHANNEL_WORDS or not t[0].isalnum() for t, _, _ in words)
    kept = _drop_fillers(words)
    kept = _drop_false_starts(kept)
    kept = _drop_repeats(kept)
    pieces: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    at = 0
    for token, start, end in kept:
        token = token.replace("\u2019", "'")
        if pieces and not (token in _PUNCT_NO_SPACE_BEFORE or pieces[-1] in ("(", "'") and len(token) > 0):
            pieces.append(" ")
            at += 1
        pieces.append(token)
        spans.append((at, at + len(token), start, end))
        at += len(token)
    return Speech(text, "".join(pieces), tuple(spans), only_noise)


def _is_note(token: str) -> bool:
    return token[0] in "<[(" and len(token) > 1


def _norm(token: str) -> str:
    return token.lower().replace("\u2019", "'")


def _drop_fillers(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Fillers go, with a comma that only set them off ("um, so" -> "so")."""
    out: list[tuple[str, int, int]] = []
    skip_comma = False
    for token, start, end in tokens:
        low = _norm(token)
        if low in FILLERS:
            skip_comma = True
            continue
        if skip_comma and token == "," :
            skip_comma = False
            continue
        skip_comma = False
        out.append((token, start, end))
    return out


def _drop_false_starts(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """A cut-off word ("have-", "th-") is dropped; if a new question starts straight after it, the
    abandoned words of the same clause go too: "so how long have- when did it start" -> "so when did it start"."""
    out: list[tuple[str, int, int]] = []
    for i, (token, start, end) in enumerate(tokens):
        if len(token) > 1 and token.endswith("-") and token[0].isalnum():
            following = _norm(tokens[i + 1][0]) if i + 1 < len(tokens) else ""
            if following in _RESTART and following not in ("so", "and"):
                cut = len(out)
                while cut > 0 and out[cut - 1][0] not in _BOUNDARY and out[cut - 1][0] != ",":
                    cut -= 1
                lead = cut
                while lead < len(out) and _norm(out[lead][0]) in ("so", "and", "but", "okay", "ok", "right", "now", "then", "well"):
                    lead += 1  # keep the discourse marker the clause began with
                del out[lead:]
            continue
        out.append((token, start, end))
    return out


def _drop_repeats(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Stutters and restarts of the same words: "I I I think", "the the", "is that, is that all"."""
    out: list[tuple[str, int, int]] = []
    for token in tokens:
        out.append(token)
        for size in (3, 2, 1):
            # the same `size` words twice in a row, perhaps with a comma between them
            if len(out) < 2 * size:
                continue
            tail = [_norm(t) for t, _, _ in out[-size:]]
            if not all(w[0].isalnum() for w in tail):
                continue
            before = out[-2 * size : -size]
            gap = 0
            if len(out) >= 2 * size + 1 and out[-size - 1][0] == ",":
                before, gap = out[-2 * size - 1 : -size - 1], 1
            if [_norm(t) for t, _, _ in before] == tail and not (size == 1 and tail[0] in _LEGIT_DOUBLES):
                del out[-2 * size - gap : -size]
                break
    return out


# Words that can rightly come twice: "I had had enough", "that that", "no no" (a firm no is still a no).
_LEGIT_DOUBLES = frozenset({"had", "that", "very", "really", "so", "no", "bye", "there", "well"})

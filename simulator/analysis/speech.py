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

from simulator import resources

_DATA = resources.data_file("lexicon/speech.yaml")  # the word lists, read once
# Tags and notes that are not speech: <UNSURE>, <UNIN/>, [laughs], (pause), [inaudible].
_NOTE_WORDS = "|".join(_DATA["note_words"])
_WORD = r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*(?:-[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*)*-?"
_TOKEN = re.compile(
    _WORD  # words and cut-offs ("have-") first: most tokens are words
    + r"|<[^<>]{0,60}>"  # transcriber tags
    + r"|\[[^\[\]]{0,60}\]"  # bracketed notes
    + rf"|\((?:{_NOTE_WORDS})[^()]{{0,30}}\)"  # stage notes in parentheses
    + r"|[^\sA-Za-z0-9\u00c0-\u024f]",  # punctuation and symbols, one at a time
    re.I,
)
# Tokens joined back after the split: "1.5", "6:30", "138/84"; "Dr." keeps its full stop.
_JOINS_NUMBERS = frozenset(".,:/")
_ABBREVIATIONS = frozenset(_DATA["abbreviations"])
FILLERS = frozenset(_DATA["fillers"])
BACKCHANNEL_WORDS = frozenset(_DATA["backchannel_words"])
_RESTART = frozenset(_DATA["restart_words"])
_LEGIT_DOUBLES = frozenset(_DATA["legit_doubles"])
_G_DROPPED = frozenset(_DATA["spoken_forms"]["g_dropped"])
_SPOKEN_FORMS = {
    **_DATA["spoken_forms"]["words"],
    **{bare: bare[:-1] + "'s" for bare in _DATA["spoken_forms"]["missing_s"]},
    **{bare: bare[:-2] + "n't" for bare in _DATA["spoken_forms"]["missing_nt"]},
    **{dropped: dropped + "g" for dropped in _G_DROPPED},
}
_TEXTING = _DATA["spoken_forms"]["texting"]
_H_DROPPED = frozenset(_DATA["h_dropped"])
_CONTRACTED_BEFORE = {bare: (spec["as"], frozenset(spec["before"])) for bare, spec in _DATA["contractions_before"].items()}
_YER_IS_YOU = frozenset(_DATA["yer_is_you"])
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
    tokens = _joined([(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)])
    # (token, start, end, lower-cased) for the tokens that are speech
    words = [(t, s, e, t.lower().replace("\u2019", "'")) for t, s, e in tokens if not (t[0] in "<[(" and len(t) > 1)]
    only_noise = all(w in FILLERS or w in BACKCHANNEL_WORDS or not w[0].isalnum() for _, _, _, w in words)
    kept = _drop_fillers(words)
    if "-" in text:  # a cut-off word ends with one
        kept = _drop_false_starts(kept)
    kept = _drop_repeats(kept)
    pieces: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    at = 0
    before = ""  # the word before, lower-cased: "are yer" is "are you", "yer chest" is "your chest"
    for i, (token, start, end, low) in enumerate(kept):
        if "\u2019" in token:
            token = token.replace("\u2019", "'")
        if low in _CONTRACTED_BEFORE and i + 1 < len(kept) and kept[i + 1][3] in _CONTRACTED_BEFORE[low][1]:
            token = _CONTRACTED_BEFORE[low][0]  # "id like" is "I'd like"
        elif low in _SPOKEN_FORMS:
            standard = "you" if low == "yer" and before in _YER_IS_YOU else _SPOKEN_FORMS[low]
            token = standard[:1].upper() + standard[1:] if token[0].isupper() else standard
        elif token in _TEXTING:
            token = _TEXTING[token]
        if pieces and not (token in _PUNCT_NO_SPACE_BEFORE or pieces[-1] in ("(", "'")):
            pieces.append(" ")
            at += 1
        pieces.append(token)
        spans.append((at, at + len(token), start, end))
        at += len(token)
        before = low
    return Speech(text, "".join(pieces), tuple(spans), only_noise)


Token = tuple[str, int, int, str]  # text, start, end, lower-cased


def _joined(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Numbers split at their points ("1", ".", "5") and abbreviations split from their full stop
    ("Dr", ".") are put back together."""
    out: list[tuple[str, int, int]] = []
    for token, start, end in tokens:
        if out:
            prev, p_start, p_end = out[-1]
            if p_end == start and token in ("'", "\u2019") and prev.lower() in _G_DROPPED:
                out[-1] = (prev, p_start, end)  # "keepin'": the apostrophe is the word's own
                continue
            if p_end == start and prev in ("'", "\u2019") and token.lower() in _H_DROPPED and (len(out) < 2 or out[-2][2] < p_start):
                out[-1] = (("H" if token[0].isupper() else "h") + token.lower(), p_start, end)  # "'ow" is "how"
                continue
            if p_end == start and (
                (token.isdigit() and len(out) >= 2 and prev in _JOINS_NUMBERS and out[-2][2] == p_start and out[-2][0][-1:].isdigit())
                or (token == "." and prev.lower() in _ABBREVIATIONS)
            ):
                if token.isdigit():
                    before, b_start, _ = out[-2]
                    out[-2:] = [(before + prev + token, b_start, end)]
                else:
                    out[-1] = (prev + token, p_start, end)
                continue
        out.append((token, start, end))
    return out


def _drop_fillers(tokens: list[Token]) -> list[Token]:
    """Fillers go, with a comma that only set them off ("um, so" -> "so")."""
    if not any(w in FILLERS for _, _, _, w in tokens):
        return tokens
    out: list[Token] = []
    skip_comma = False
    for token in tokens:
        if token[3] in FILLERS:
            skip_comma = True
            continue
        if skip_comma and token[0] == ",":
            skip_comma = False
            continue
        skip_comma = False
        out.append(token)
    return out


def _drop_false_starts(tokens: list[Token]) -> list[Token]:
    """A cut-off word ("have-", "th-") is dropped; if a new question starts straight after it, the
    abandoned words of the same clause go too: "so how long have- when did it start" -> "so when did it start"."""
    if not any(len(t) > 1 and t.endswith("-") for t, _, _, _ in tokens):
        return tokens
    out: list[Token] = []
    for i, token in enumerate(tokens):
        text = token[0]
        if len(text) > 1 and text.endswith("-") and text[0].isalnum():
            following = tokens[i + 1][3] if i + 1 < len(tokens) else ""
            if following in _RESTART and following not in ("so", "and"):
                cut = len(out)
                while cut > 0 and out[cut - 1][0] not in _BOUNDARY and out[cut - 1][0] != ",":
                    cut -= 1
                lead = cut
                while lead < len(out) and out[lead][3] in ("so", "and", "but", "okay", "ok", "right", "now", "then", "well"):
                    lead += 1  # keep the discourse marker the clause began with
                del out[lead:]
            continue
        out.append(token)
    return out


def _drop_repeats(tokens: list[Token]) -> list[Token]:
    """Stutters and restarts of the same words: "I I I think", "the the", "is that, is that all"."""
    out: list[Token] = []
    low: list[str] = []
    for token in tokens:
        out.append(token)
        low.append(token[3])
        word = token[3]
        # a repeat can end here only if this word came up one to four tokens back
        if not word[0].isalnum() or word not in low[-6:-1]:
            continue
        n = len(low)
        for size in (3, 2, 1):
            for gap in (0, 1):
                if n < 2 * size + gap or (gap and low[n - size - 1] != ","):
                    continue
                tail = low[n - size :]
                before = low[n - 2 * size - gap : n - size - gap]
                if before == tail and all(w[0].isalnum() for w in tail) and not (size == 1 and word in _LEGIT_DOUBLES):
                    del out[n - 2 * size - gap : n - size]
                    del low[n - 2 * size - gap : n - size]
                    break
            else:
                continue
            break
    return out


"""Cheap repair of Thai text damaged by PDF export (lost SARA AM, Private Use Area glyphs)."""

from __future__ import annotations

import math
import re
from functools import cache

from nlp.tokenize import dictionary_words, segmenter  # pythainlp's words plus the agency names

# Thai fonts (Microsoft / Adobe convention) keep positional variants of marks in U+F700..U+F71A;
# text layers that expose glyph codes instead of characters carry them. Each maps to its base character.
PUA_THAI: dict[int, str] = {
    0xF700: "\u0e10",  # THO THAN without descender
    0xF701: "\u0e34",  # SARA I, shifted left
    0xF702: "\u0e35",  # SARA II, left
    0xF703: "\u0e36",  # SARA UE, left
    0xF704: "\u0e37",  # SARA UEE, left
    0xF705: "\u0e48",  # MAI EK, low left
    0xF706: "\u0e49",  # MAI THO, low left
    0xF707: "\u0e4a",  # MAI TRI, low left
    0xF708: "\u0e4b",  # MAI CHATTAWA, low left
    0xF709: "\u0e4c",  # THANTHAKHAT, low left
    0xF70A: "\u0e48",  # MAI EK, low
    0xF70B: "\u0e49",  # MAI THO, low
    0xF70C: "\u0e4a",  # MAI TRI, low
    0xF70D: "\u0e4b",  # MAI CHATTAWA, low
    0xF70E: "\u0e4c",  # THANTHAKHAT, low
    0xF70F: "\u0e0d",  # YO YING without descender
    0xF710: "\u0e31",  # MAI HAN-AKAT, left
    0xF711: "\u0e4d",  # NIKHAHIT, left
    0xF712: "\u0e47",  # MAITAIKHU, left
    0xF713: "\u0e48",  # MAI EK, left
    0xF714: "\u0e49",  # MAI THO, left
    0xF715: "\u0e4a",  # MAI TRI, left
    0xF716: "\u0e4b",  # MAI CHATTAWA, left
    0xF717: "\u0e4c",  # THANTHAKHAT, left
    0xF718: "\u0e38",  # SARA U, low
    0xF719: "\u0e39",  # SARA UU, low
    0xF71A: "\u0e3a",  # PHINTHU, low
}

_TONE = "\u0e48-\u0e4b"
# NIKHAHIT (+ tone, typed in either order) + SARA AA is the decomposed SARA AM.
_NIKHAHIT_AA = re.compile(f"\u0e4d([{_TONE}]?)\u0e32")
# Word's PDF export maps the NIKHAHIT part of SARA AM to a zero-width space: "ท าหน้าที่".
# No Thai syllable starts with SARA AA, so a consonant (+ tone) + space + SARA AA is always this defect.
_LOST_AM = re.compile(f"([\u0e01-\u0e2e][{_TONE}]?)[ \u00a0\u200b]\u0e32")


def repair_thai(text: str) -> str:
    """Undo common PDF-export damage: PUA glyphs, NIKHAHIT+SARA AA, and "ท า" for "ทำ"."""
    text = text.translate(PUA_THAI)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    return _LOST_AM.sub("\\1\u0e33", text)


# --- dictionary-guided repair of marks a text layer mapped wrongly -------------------------------
# Some PDF fonts map the glyph of a lower vowel to a tone mark ("ผ้้" for "ผู้", "ภ้" for "ภู") or
# put a tone mark on the next consonant ("ไมถ่ึง" for "ไม่ถึง"). Where a run of Thai reads as
# non-words, the edit that turns it into dictionary words is taken.
_CONSONANT = "\u0e01-\u0e2e"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"
_LOST = "\ufffd"  # stands for an unmapped glyph while the repair decides what it was
_THAI_RUN = re.compile("[\u0e01-\u0e4e\ufffd]+")
_MARKS_TO_TRY = "\u0e48\u0e49\u0e4a\u0e4b\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e4c\u0e33"
REPAIRED_COVERAGE = 1.0  # an edit is taken only if every character then lies in a dictionary word
_DETACHED_MARK = re.compile("[ \u00a0](?=[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])")  # "ไมถ่ ึง": no space before a mark
_UNMAPPED = re.compile(r"\(cid:\d+\)")  # a glyph the font maps to no character at all
MAX_RUN = 40  # longer runs are left alone (cost; and real text that long is rarely all broken)


def _coverage(run: str) -> float:
    words = dictionary_words()
    return sum(len(w) for w in segmenter()(run) if w in words) / len(run) if run else 0.0


@cache
def _frequencies() -> dict[str, int]:
    from pythainlp.corpus import tnc  # Thai National Corpus word counts, bundled with pythainlp

    return dict(tnc.word_freqs())


def _plausibility(run: str) -> tuple[float, int, float]:
    """Dictionary coverage, then fewer (longer) words, then how common they are (ซื้อ over ซื่อ)."""
    tokens = segmenter()(run)
    freq = _frequencies()
    return _coverage(run), -len(tokens), sum(math.log1p(freq.get(t, 0)) for t in tokens)


def _edits(run: str) -> list[str]:
    """Runs one mark-edit away: a tone mark read for a lower vowel (ู/ุ) or for the other tone,
    or a tone moved onto the consonant before."""
    out = []
    for i, ch in enumerate(run):
        if ch not in _TONES or not i:
            continue
        for other in ("\u0e39", "\u0e38", *_TONES):  # ู, ุ, or another tone
            if other != ch:
                out.append(run[:i] + other + run[i + 1 :])
        j = i - 2
        if j >= 0 and re.match(f"[{_CONSONANT}]", run[i - 1]) and re.match(f"[{_CONSONANT}]", run[j]):
            out.append(run[: j + 1] + ch + run[j + 1 : i] + run[i + 1 :])
    return out


def repair_marks(text: str) -> str:
    """Fix mis-mapped Thai marks where the dictionary says how (text layers of PDFs only).

    A run of Thai that does not read as dictionary words is searched one and then two mark-edits
    away; the first edit set that makes it read entirely as words is taken, otherwise it stays.
    """

    def fix(m: re.Match[str]) -> str:
        run = m.group()
        if _LOST in run:  # an unmapped glyph: the mark that makes the run read as words, else nothing
            fills = [run.replace(_LOST, mark, 1) for mark in _MARKS_TO_TRY]
            best = max(fills, key=_plausibility)
            run = best if _coverage(best) > _coverage(run.replace(_LOST, "")) else run.replace(_LOST, "")
            return fix(re.match(".*", run, re.S)) if _LOST in run else run  # type: ignore[arg-type]
        if len(run) > MAX_RUN or not any(t in run for t in _TONES) or _coverage(run) >= REPAIRED_COVERAGE:
            return run
        singles = _edits(run)
        for candidate in singles:
            if _coverage(candidate) >= REPAIRED_COVERAGE:
                return candidate
        for single in singles:
            for candidate in _edits(single):
                if _coverage(candidate) >= REPAIRED_COVERAGE:
                    return candidate
        return run

    text = _THAI_RUN.sub(fix, _UNMAPPED.sub(_LOST, _DETACHED_MARK.sub("", text)))
    return text.replace(_LOST, "")

"""Sentence and clause spans for minutes.

Thai has no full stop: a sentence ends at a line break, at a numbered item, or at a space
before a word that opens a new sentence (ทั้งนี้, นอกจากนี้, ที่ประชุมมีมติ ...). A clause also
ends at a space before a connective (โดย, เพื่อ, ซึ่ง ...). Dots never end anything here, so
abbreviations (อ.ก.พ.ร.ฯ, ก.พ., สป.มท.) stay inside their sentence — pythainlp's crfcut breaks
at them.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

SENTENCE_STARTERS = (
    "ทั้งนี้", "นอกจากนี้", "อย่างไรก็ตาม", "อย่างไรก็ดี", "อนึ่ง", "ต่อมา", "จากนั้น", "ในการนี้", "สำหรับ",
    "ที่ประชุม", "โดยที่ประชุม", "ในส่วนของ", "ส่วน", "พร้อมกันนี้", "ทั้งนี้ได้", "ดังนั้น", "จึง",
)
CLAUSE_STARTERS = ("โดย", "เพื่อ", "ซึ่ง", "และให้", "รวมทั้ง", "รวมถึง", "แต่", "หรือให้", "ตลอดจน", "พร้อมทั้ง")
_ITEM = r"\(?\d{1,2}[.)]\s"  # "2) ..." inside a line; lettered items (ก.) only start lines


def _breaks(starters: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(sorted(map(re.escape, starters), key=len, reverse=True))
    return re.compile(rf"\n+|(?<=\S) +(?=(?:{words})|{_ITEM})")


_STARTERS = frozenset(SENTENCE_STARTERS + CLAUSE_STARTERS)
_SENTENCE = _breaks(SENTENCE_STARTERS)
_CLAUSE = _breaks(SENTENCE_STARTERS + CLAUSE_STARTERS)


def _spans(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[Span]:
    out, at = [], start
    for m in pattern.finditer(text, start, end):
        piece = text[at : m.start()].strip()
        if piece in _STARTERS:  # "ทั้งนี้ ที่ประชุม...": an opening word stays with what it opens
            continue
        if piece:
            out.append(_trimmed(text, at, m.start()))
        at = m.end()
    if text[at:end].strip():
        out.append(_trimmed(text, at, end))
    return out


def _trimmed(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of ``text[start:end]``."""
    return _spans(text, _SENTENCE, start, len(text) if end is None else end)


def clauses(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Clause spans: sentences further cut before connectives (โดย, เพื่อ, ซึ่ง ...)."""
    return _spans(text, _CLAUSE, start, len(text) if end is None else end)


def around(spans: list[Span], at: int) -> Span | None:
    """The span that contains offset ``at``."""
    return next(((s, e) for s, e in spans if s <= at < e), None)

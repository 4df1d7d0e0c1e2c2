"""Word automatic numbering: the label ("1.", "1)", "๑.", "ก.") a numbered paragraph shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def _val(el: etree._Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _letters(n: int, alphabet: str) -> str:
    """1 → a, 26 → z, 27 → aa (Word repeats the letter)."""
    n = max(n, 1)
    return alphabet[(n - 1) % len(alphabet)] * ((n - 1) // len(alphabet) + 1)


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """``n`` in a Word numFmt; formats we do not know fall back to decimal."""
    if fmt == "thaiNumbers":
        return str(n).translate(THAI_DIGITS)
    if fmt == "thaiLetters":
        return _letters(n, THAI_LETTERS)
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerRoman" and n > 0:
        return _roman(n)
    if fmt == "upperRoman" and n > 0:
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    """One level of a list definition."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False


def _levels(parent: etree._Element) -> dict[int, Level]:
    levels = {}
    for lvl in parent.findall(qn("w:lvl")):
        ilvl = _int(lvl.get(qn("w:ilvl")), 0)
        levels[ilvl] = Level(
            fmt=_val(lvl, "w:numFmt") or "decimal",
            text=_val(lvl, "w:lvlText") if _val(lvl, "w:lvlText") is not None else "",
            start=_int(_val(lvl, "w:start"), 1),
            legal=lvl.find(qn("w:isLgl")) is not None,
        )
    return levels


@dataclass
class Numbering:
    """Counters for every list instance (w:num) of one document, advanced paragraph by paragraph."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, numbering: etree._Element | None) -> Numbering:
        """Read numbering.xml (``None`` when the document has no lists)."""
        self = cls()
        if numbering is None:
            return self
        abstract = {a.get(qn("w:abstractNumId")): _levels(a) for a in numbering.findall(qn("w:abstractNum"))}
        for num in numbering.findall(qn("w:num")):
            levels = dict(abstract.get(_val(num, "w:abstractNumId"), {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl")), 0)
                if override.find(qn("w:lvl")) is not None:
                    levels.update(_levels(override))
                start = _val(override, "w:startOverride")
                if start is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = Level(base.fmt, base.text, _int(start, base.start), base.legal)
            levels_id = num.get(qn("w:numId"))
            if levels_id is not None:
                self.levels[levels_id] = levels
        return self

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of list ``num_id`` at level ``ilvl`` and return the label shown."""
        levels = self.levels.get(num_id)
        if not levels or num_id == "0":
            return ""
        ilvl = min(max(ilvl, 0), 8)
        counters = self.counters.setdefault(num_id, [None] * 9)
        level = levels.get(ilvl, Level())
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1  # type: ignore[operator]
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt == "bullet":
            return level.text if level.text and level.text.isprintable() and not _is_pua(level.text) else "•"
        text = level.text
        for n in range(9, 0, -1):
            placeholder = f"%{n}"
            if placeholder in text:
                ref = levels.get(n - 1, Level())
                value = counters[n - 1] if counters[n - 1] is not None else ref.start
                fmt = "decimal" if level.legal and ref.fmt != "none" else ref.fmt
                text = text.replace(placeholder, format_number(value, fmt))  # type: ignore[arg-type]
        return text.strip()


def _is_pua(text: str) -> bool:
    return any(0xE000 <= ord(ch) <= 0xF8FF for ch in text)

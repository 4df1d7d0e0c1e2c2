"""Cheap repair of Thai text damaged by PDF export (lost SARA AM, Private Use Area glyphs)."""

from __future__ import annotations

import re

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

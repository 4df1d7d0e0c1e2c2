"""Thai text normalisation: one cleaned text that every span points into."""

from __future__ import annotations

import re
import unicodedata

from pythainlp.util import normalize as _thai_normalize

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def clean(text: str) -> str:
    """The document text as stored: NFC, Thai-normalised line by line, paragraphs kept.

    pythainlp's ``normalize`` fixes doubled vowels, tone-mark order and stray spaces
    before marks; it also collapses newlines, so it is applied to each line.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).replace("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa = sara am
    lines = [_thai_normalize(_SPACES.sub(" ", line)).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def trigrams(text: str) -> set[str]:
    """Character trigrams of ``text`` without its whitespace (for near-duplicate names and texts)."""
    flat = _WHITESPACE.sub("", text)
    return {flat[i : i + 3] for i in range(max(1, len(flat) - 2))}


def digits(text: str) -> str:
    """Thai digits as Arabic; same length, so spans in the result are spans in ``text``."""
    return text.translate(THAI_DIGITS)

"""The result of reading a document, and text tidying shared by every reader."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from mati.record import Page

from .thai_repair import repair_thai

PLAIN = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Reading:
    """A document's text and what the reader learned about it."""

    text: str
    media_type: str
    title: str = ""
    published: datetime.date | None = None
    pages: list[Page] = field(default_factory=list)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")
_TRAILING_WS = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
_MANY_BLANKS = re.compile(r"\n(?:[ \t]*\n){2,}")


def tidy(text: str) -> str:
    """NFC, Thai defect repair, unified newlines, no control chars, at most one blank line in a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\v", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = repair_thai(unicodedata.normalize("NFC", text))
    text = _CONTROL.sub("", text)
    text = _TRAILING_WS.sub("", text)
    text = _MANY_BLANKS.sub("\n\n", text)
    return text.strip("\n").rstrip()


def first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line of ``text``, stripped and cut to ``limit`` characters."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""

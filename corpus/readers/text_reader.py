"""Plain text: decode, tidy, drop pasted web boilerplate."""

from __future__ import annotations

from .boilerplate import strip_boilerplate
from .reading import PLAIN, Reading, first_line, tidy


def read_text(text: str) -> Reading:
    """A Reading of already-decoded plain text."""
    body = tidy(strip_boilerplate(tidy(text)))
    return Reading(text=body, media_type=PLAIN, title=first_line(body))

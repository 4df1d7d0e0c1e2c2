"""Page lines → reading text: running headers, footers and page numbers dropped, wrapped lines rejoined.

A PDF (or an OCR'd page) gives one line per printed line. A line that ran into the right margin
was wrapped by the layout, so it is joined to the next one (Thai wraps between words with no
space: the two are joined without one); any other line ends its paragraph; a numbered item
always starts a new line. The text layer knows where each line ends on the page
(``pdf_reader``); for OCR text, wrapping is guessed from line lengths (``guess_wrapped``).
"""

from __future__ import annotations

import re
from collections import Counter

Line = tuple[str, bool]  # text, and whether the layout wrapped it (it ran into the right margin)

_ZERO_WIDTH = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_ITEM = re.compile(r"^\s*(?:\(?\d{1,3}[.)]|\(?[ก-ฮ][.)]|ข้อ\s*\d|[-•●▪]\s)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–(]\s*)?(?:หน้า|page)?\s*[\d๐-๙]{1,4}\s*(?:[-–)]|/\s*[\d๐-๙]{1,4})?\s*$", re.I)
_THAI_END = re.compile(r"[ก-๛]$")
_THAI_START = re.compile(r"^[ก-ฮเ-ไ]")
WRAPPED = 0.88  # a line reaching this share of the text column ran into the margin
MIN_LINES_TO_GUESS = 8  # with fewer lines, line lengths say nothing about wrapping
EDGE_LINES = 2  # running headers/footers are among the first/last lines of a page


def width(line: str) -> int:
    """Display width: Thai vowel and tone marks above/below a letter take no room."""
    return len(_ZERO_WIDTH.sub("", line.rstrip()))


def guess_wrapped(text: str) -> list[Line]:
    """Lines of ``text`` with wrapping guessed from their lengths (for OCR text, which has no geometry)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    widths = sorted(width(ln) for ln in lines)
    if len(widths) < MIN_LINES_TO_GUESS:
        return [(ln, False) for ln in lines]
    full = widths[int(0.9 * (len(widths) - 1))]
    return [(ln, width(ln) >= WRAPPED * full) for ln in lines]


def _normalised(line: str) -> str:
    return re.sub(r"[\d๐-๙]+", "#", line.strip())


def drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without page numbers and without header/footer lines repeated on most pages."""
    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({_normalised(t) for t, _ in lines[:EDGE_LINES] + lines[-EDGE_LINES:]})
    running = {k for k, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) // 2) and k}
    out = []
    for lines in pages:
        edge = {t for t, _ in lines[:EDGE_LINES] + lines[-EDGE_LINES:]}
        out.append([
            (t, w) for t, w in lines
            if not (t in edge and (_PAGE_NUMBER.match(t) or _normalised(t) in running))
        ])
    return out


def page_text(pages: list[list[Line]]) -> str:
    """The reading text of a paged document: running lines dropped, wraps rejoined (also across a
    page break, which otherwise ends a paragraph)."""
    out: list[str] = []
    wrapped = False
    for number, lines in enumerate(drop_running_lines(pages)):
        for index, (text, ends_wrapped) in enumerate(lines):
            text = text.strip()
            if out and wrapped and not _ITEM.match(text):
                glue = "" if _THAI_END.search(out[-1]) and _THAI_START.match(text) else " "
                out[-1] += glue + text
            else:
                out.append(("\n" if number and index == 0 and out else "") + text)
            wrapped = ends_wrapped
    return "\n".join(out)

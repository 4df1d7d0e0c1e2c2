"""PDF: the text layer page by page with pdfplumber; OCR for pages whose layer is missing or junk.

A page is OCR'd when its text layer is empty or scores below ``QUALITY_THRESHOLD`` (legacy-font
junk, broken marks); the OCR text replaces the layer only if it scores better.
"""

from __future__ import annotations

import io
import itertools
import logging
import statistics

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.text import chars_to_textmap

from mati.config import settings
from mati.errors import ReaderLimitExceeded, UnreadableDocument
from mati.record import Page

from .layout import WRAPPED, Line, guess_wrapped, page_text
from .ocr import OcrUnavailable, ocr_pdf_pages
from .quality import QUALITY_THRESHOLD, page_quality
from .reading import PDF, Reading, tidy
from .thai_repair import repair_marks

log = logging.getLogger(__name__)
X_TOLERANCE = 1.5  # points; Thai marks sit at zero width on their base letter, so no spurious spaces
Y_TOLERANCE = 3
PARAGRAPH_GAP = 1.5  # times the usual gap between lines
GUTTER = 12  # points of empty page between two text columns
MIN_COLUMN_CHARS = 200
MIN_COLUMN_SHARE = 0.2  # each column holds at least this share of the page's characters
_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
_SARA_AM, _NIKHAHIT, _SARA_AA = "\u0e33", "\u0e4d", "\u0e32"


def _on_baseline(chars: list[dict]) -> list[dict]:
    """Chars whose ``top`` is their baseline, so letters from fonts with different ascents share a line.

    (LibreOffice writes Thai in the Thai font and digits in a Latin one: grouped by the top of their
    font boxes, "ครั้งที่ 2/2567" splits into two lines.)
    """
    out = []
    for char in chars:
        matrix = char.get("matrix")
        if matrix and len(matrix) == 6 and matrix[1] == 0 and matrix[2] == 0 and char.get("upright", True):
            char = {**char, "top": char["bottom"] + char["y0"] - matrix[5]}
        out.append(char)
    return out


def _seat_thai_marks(chars: list[dict]) -> list[dict]:
    """Put zero-width Thai marks on the letter drawn just before them, so sorting by x keeps their order.

    Some exporters (LibreOffice) draw an above/below mark at the right edge of its consonant, where it
    sorts after the next letter ("ครงั้" for "ครั้ง"), and split SARA AM into a zero-width "ำ" (its
    NIKHAHIT) and a SARA AA glyph ("สำา"): that "ำ" is read as NIKHAHIT, which ``repair_thai`` joins.
    """
    fixed: list[dict] = []
    base: dict | None = None
    for index, char in enumerate(chars):
        text = char.get("text", "")
        zero_width = char["x1"] - char["x0"] < 0.5
        if (
            zero_width
            and text == _SARA_AM
            and _SARA_AA in "".join(c.get("text", "") for c in chars[index + 1 : index + 3])
        ):
            text = _NIKHAHIT
        if zero_width and text in _MARKS and base is not None:
            near = base["x0"] - 1 <= char["x0"] <= base["x1"] + 1 and abs(base["top"] - char["top"]) < 20
            if near:
                middle = (base["x0"] + base["x1"]) / 2 + 0.01 * (index - base["index"])
                fixed.append({**char, "text": text, "x0": middle, "x1": base["x1"]})
                continue
        fixed.append({**char, "text": text} if text != char.get("text") else char)
        if text not in _MARKS:
            base = {**char, "index": index}
    return fixed


def _is_encryption_error(exc: BaseException | None) -> bool:
    """True if ``exc`` or anything it wraps (pdfplumber wraps pdfminer's errors) is about encryption."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(exc).lower():
            return True
        wrapped = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = exc.__cause__ or exc.__context__ or wrapped
    return False


def _title(metadata: dict) -> str:
    value = metadata.get("Title")
    if isinstance(value, bytes):
        utf16 = value.startswith((b"\xfe\xff", b"\xff\xfe"))
        value = value.decode("utf-16" if utf16 else "latin-1", "replace")
    return tidy(value) if isinstance(value, str) else ""


def read_pdf(data: bytes, *, first_pages: int | None = None) -> Reading:
    """A Reading of a PDF's text layer; ``first_pages`` reads only that many pages (previews, tests)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        if _is_encryption_error(exc):
            raise UnreadableDocument("file is encrypted: the PDF needs a password") from exc
        raise UnreadableDocument(f"corrupt PDF: {exc or type(exc).__name__}") from exc
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:
            reason = exc or type(exc).__name__
            raise UnreadableDocument(f"corrupt PDF: cannot list its pages ({reason})") from exc
        limit = settings().max_pages
        if count > limit:
            raise ReaderLimitExceeded(f"the PDF has {count} pages; the limit is {limit}")
        if count == 0:
            raise UnreadableDocument("corrupt PDF: no pages found")
        layers: list[list[Line]] = []
        for number, page in enumerate(pdf.pages[:first_pages], start=1):
            try:
                layers.append(_lines(page))
            except Exception as exc:  # one broken page should not lose the others
                log.warning("PDF page %d unreadable: %s", number, exc)
                layers.append([])
            finally:
                page.close()
        title = _title(pdf.metadata or {})
    layers, pages = _with_ocr(data, layers)
    return Reading(text=page_text(layers), media_type=PDF, title=title, pages=pages)


def _gutter(chars: list[dict], width: float) -> float | None:
    """The x of the empty strip between two text columns, if the page has two."""
    if len(chars) < MIN_COLUMN_CHARS:
        return None
    used = bytearray(int(width) + 2)
    for char in chars:
        for x in range(max(0, int(char["x0"])), min(len(used), int(char["x1"]) + 1)):
            used[x] = 1
    best, run_start = (0, 0), None
    for x in range(int(width * 0.3), int(width * 0.7)):
        if not used[x]:
            run_start = x if run_start is None else run_start
            if x - run_start > best[1] - best[0]:
                best = (run_start, x)
        else:
            run_start = None
    if best[1] - best[0] < GUTTER:
        return None
    middle = (best[0] + best[1]) / 2
    left = sum(1 for c in chars if c["x1"] <= middle)
    return middle if MIN_COLUMN_SHARE * len(chars) <= left <= (1 - MIN_COLUMN_SHARE) * len(chars) else None


def _lines(page: pdfplumber.page.Page) -> list[Line]:
    """The page's text lines in reading order (left column, then right), each marked wrapped when it
    reaches the right edge of its text column."""
    chars = _seat_thai_marks(_on_baseline(page.chars))
    if not chars:
        return []  # no text layer on this page (a scan)
    gutter = _gutter(chars, page.width)
    if gutter is not None:
        left = [c for c in chars if c["x1"] <= gutter]
        right = [c for c in chars if c["x1"] > gutter]
        return _column_lines(left, page.width, gutter) + _column_lines(right, page.width, page.width)
    return _column_lines(chars, page.width, page.width)


def _column_lines(chars: list[dict], page_width: float, column_right: float) -> list[Line]:
    if not chars:
        return []
    lines = chars_to_textmap(chars, x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE).extract_text_lines(
        strip=True, return_chars=False
    )
    if not lines:
        return []
    left = min(line["x0"] for line in lines)
    widest = max(line["x1"] for line in lines)
    # margins at least symmetric on a page; a left column ends where its own lines do
    right = max(widest, page_width - left) if column_right >= page_width else widest
    reach = left + WRAPPED * (right - left)
    # a wider gap than the usual line spacing before the next line starts a new paragraph
    gaps = [b["top"] - a["bottom"] for a, b in itertools.pairwise(lines)]
    usual = statistics.median(gaps) if gaps else 0.0
    out = []
    for i, line in enumerate(lines):
        text = repair_marks(tidy(line["text"]))
        spaced = i < len(gaps) and gaps[i] > usual * PARAGRAPH_GAP + 1
        if text:
            out.append((text, line["x1"] >= reach and not spaced))
    return out


def _text(lines: list[Line]) -> str:
    return "\n".join(text for text, _ in lines)


def _with_ocr(data: bytes, layers: list[list[Line]]) -> tuple[list[list[Line]], list[Page]]:
    """OCR the pages whose text layer is empty or junk; keep whichever reading of each page scores better."""
    pages = [Page(number=number, method="text") for number in range(1, len(layers) + 1)]
    texts = [_text(lines) for lines in layers]
    scores = [page_quality(text).score if text.strip() else 0.0 for text in texts]
    weak = [number for number, score in enumerate(scores, start=1) if score < QUALITY_THRESHOLD]
    if not weak:
        return layers, pages
    try:
        results = ocr_pdf_pages(data, weak)
    except OcrUnavailable as exc:
        if any(text.strip() for text in texts) and len(weak) < len(texts):
            log.warning("%d PDF page(s) need OCR, which is unavailable: %s", len(weak), exc)
            return layers, pages
        what = "no text layer (scanned PDF?)" if not any(texts) else "an unreadable text layer (legacy font?)"
        raise UnreadableDocument(f"the PDF has {what} and OCR is not available: {exc}") from exc
    except Exception as exc:  # a page pdfium cannot render: keep what the text layer gave
        if not any(text.strip() for text in texts):
            raise UnreadableDocument(f"no text layer, and the pages cannot be rendered for OCR: {exc}") from exc
        log.warning("PDF pages could not be rendered for OCR: %s", exc)
        return layers, pages
    for number, (raw, confidence) in zip(weak, results, strict=True):
        text = tidy(raw)
        if text.strip() and page_quality(text).score > scores[number - 1]:
            layers[number - 1] = guess_wrapped(text)
            pages[number - 1] = Page(number=number, method="ocr", confidence=confidence)
    if not any(lines for lines in layers):
        raise UnreadableDocument("no text layer (scanned PDF?), and OCR found no text on any page")
    return layers, pages

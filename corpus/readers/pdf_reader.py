"""PDF: the text layer page by page with pdfplumber (no OCR yet)."""

from __future__ import annotations

import io
import logging

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from mati.config import settings
from mati.errors import ReaderLimitExceeded, UnreadableDocument
from mati.record import Page

from .reading import PDF, Reading, tidy

log = logging.getLogger(__name__)
X_TOLERANCE = 1.5  # points; Thai marks sit at zero width on their base letter, so no spurious spaces
Y_TOLERANCE = 3


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
        texts: list[str] = []
        pages: list[Page] = []
        for number, page in enumerate(pdf.pages[:first_pages], start=1):
            try:
                text = page.extract_text(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE) or ""
            except Exception as exc:  # one broken page should not lose the others
                log.warning("PDF page %d unreadable: %s", number, exc)
                text = ""
            finally:
                page.close()
            texts.append(tidy(text))
            pages.append(Page(number=number, method="text"))
        if not any(t.strip() for t in texts):
            raise UnreadableDocument("no text layer (scanned PDF?); OCR is not available yet")
        title = _title(pdf.metadata or {})
    return Reading(text="\n\n".join(t for t in texts if t), media_type=PDF, title=title, pages=pages)

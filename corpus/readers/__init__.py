"""Document readers: bytes in, text out (``read``), with the type detected from the bytes.

``read(data, filename, media_type)`` returns a :class:`Reading`; every failure is a ``MatiError``
(EmptyDocument, UnsupportedType, DocumentTooLarge, UnreadableDocument, ReaderLimitExceeded).
"""

from __future__ import annotations

import logging

from mati.config import settings
from mati.errors import DocumentTooLarge, EmptyDocument, MatiError, UnreadableDocument

from .boilerplate import strip_boilerplate
from .docx_reader import read_docx
from .html_reader import read_html
from .image_reader import read_image
from .pdf_reader import read_pdf
from .reading import DOCX, HTML, PDF, PLAIN, Reading
from .sniff import IMAGE_TYPES, ZIP, hinted_type, looks_like_html, sniff_binary, zip_kind
from .text_reader import read_text
from .textcodec import decode_bytes
from .thai_repair import repair_thai

__all__ = ["DOCX", "HTML", "PDF", "PLAIN", "Reading", "read", "repair_thai", "strip_boilerplate"]

log = logging.getLogger(__name__)
_NAMES = {PLAIN: "text file", HTML: "HTML", PDF: "PDF", DOCX: "DOCX", ZIP: "DOCX/ZIP"} | {
    kind: kind.split("/")[1].upper() + " image" for kind in IMAGE_TYPES
}


def _read(data: bytes, hint: str) -> tuple[str, Reading]:
    kind = sniff_binary(data)
    if kind == PDF:
        return PDF, read_pdf(data)
    if kind in IMAGE_TYPES:
        return kind, read_image(data, kind)
    if kind == ZIP:
        kind, archive = zip_kind(data)
        with archive:
            return DOCX, read_docx(data, archive)
    if not data.strip(b" \t\r\n\f\v\x00"):
        raise EmptyDocument("empty file: only whitespace")
    text = decode_bytes(data, html=hint == HTML or b"<" in data[:4096])
    if looks_like_html(text, hint):
        return HTML, read_html(text)
    return PLAIN, read_text(text)


def read(data: bytes, filename: str = "", media_type: str | None = None) -> Reading:
    """Read a document of any supported type; the filename and ``media_type`` are only hints.

    PNG, JPEG and TIFF images, and PDF pages without a usable text layer, are read by OCR (Tesseract).
    Raises DocumentTooLarge before parsing, EmptyDocument when there is no text, UnsupportedType for
    other images, executables, archives and other non-documents, UnreadableDocument
    (ReaderLimitExceeded) for corrupt, encrypted or dangerous files, or when OCR is needed but missing.
    """
    limit = settings().max_upload_bytes
    if len(data) > limit:
        raise DocumentTooLarge(f"file too large: {len(data)} bytes (limit {limit})")
    if not data:
        raise EmptyDocument("empty file")
    hint = hinted_type(filename, media_type)
    kind = ""
    try:
        kind, reading = _read(data, hint)
    except MatiError:
        raise
    except RecursionError as exc:
        raise UnreadableDocument("document too deeply nested to read") from exc
    except MemoryError as exc:
        raise UnreadableDocument("document too large to read in memory") from exc
    except Exception as exc:
        what = _NAMES.get(kind or sniff_type_name(data), "document")
        log.exception("reader failed on %s", filename or "<bytes>")
        raise UnreadableDocument(f"corrupt {what}: {type(exc).__name__}: {exc}") from exc
    if not reading.text.strip():
        raise EmptyDocument(f"empty document: no text found in this {_NAMES.get(kind, 'document')}")
    if hint and hint != reading.media_type:
        log.info("%s declared as %s but read as %s", filename or "<bytes>", hint, reading.media_type)
    return reading


def sniff_type_name(data: bytes) -> str:
    """Best-effort type for error messages, never raising."""
    try:
        return sniff_binary(data) or PLAIN
    except MatiError:
        return ""

"""The pipeline: read → normalise → tokenise → extract, giving one Record per document."""

from __future__ import annotations

import hashlib
import mimetypes

from corpus.readers import read
from mati.errors import EmptyDocument
from mati.record import Document, Record
from nlp.extract import extract
from nlp.normalize import clean


def document_of(data: bytes, source_name: str = "", media_type: str | None = None) -> Document:
    """Read and normalise uploaded bytes into a Document (raises a MatiError on bad input)."""
    hint = media_type or (mimetypes.guess_type(source_name)[0] if source_name else None)
    reading = read(data, source_name, hint)
    text = clean(reading.text)
    if not text:
        raise EmptyDocument(f"{source_name or 'document'}: no text after reading")
    return Document(
        id=hashlib.sha256(data).hexdigest(),
        source_name=source_name,
        media_type=reading.media_type,
        title=clean(reading.title).split("\n")[0] if reading.title else "",
        published=reading.published,
        text=text,
        pages=reading.pages,
    )


def process(data: bytes, source_name: str = "", media_type: str | None = None) -> Record:
    """The whole record of one uploaded document."""
    return extract(document_of(data, source_name, media_type))

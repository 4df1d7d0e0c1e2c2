"""Ingestion: a file on disk → the pipeline → the store, skipping bytes already stored."""

from __future__ import annotations

import hashlib
from pathlib import Path

from corpus.store import Store
from mati.pipeline import process


def ingest_bytes(store: Store, data: bytes, source_name: str, media_type: str | None = None) -> bool:
    """Store the record of ``data``; False when the same bytes were already stored."""
    if store.has(hashlib.sha256(data).hexdigest()):
        return False
    _, created = store.add(process(data, source_name, media_type))
    return created


def ingest_file(store: Store, path: Path) -> bool:
    """Ingest one file (True if newly stored)."""
    return ingest_bytes(store, path.read_bytes(), path.name)

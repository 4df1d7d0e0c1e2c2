"""Ingestion: files on disk → the pipeline → the store, skipping bytes already stored.

``ingest_files`` is the batch path: documents are processed in worker processes (``corpus.worker``)
while this process, the store's single writer, hashes files, skips known ones and stores records.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from corpus.store import Store
from corpus.worker import Workers, completed
from mati.errors import MatiError, UnreadableDocument
from mati.record import Record


def file_id(path: Path) -> str:
    """The document id of a file: the sha256 of its bytes, read in chunks."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What became of one file: stored, present (same bytes stored before or earlier in the batch) or failed."""

    path: Path
    status: Literal["stored", "present", "failed"]
    error: MatiError | None = None


def ingest_files(store: Store, paths: Iterable[Path], workers: Workers) -> Iterator[Outcome]:
    """Ingest ``paths`` through ``workers``, yielding each file's Outcome as it completes.

    Each file is hashed here first: ids already stored, or met earlier in this batch, never reach a
    worker. Records are stored here, one transaction each, so a batch that is interrupted (even by
    kill -9) loses at most the documents in flight and resumes by running it again (the search
    index commits in groups; what a kill leaves out of it is caught up when the store next opens).
    """
    with store.grouped_indexing():
        for path, future in completed(_submitted(store, paths, workers), 2 * workers.n):
            try:
                record = future.result()
            except MatiError as e:
                yield Outcome(path, "failed", e)
                continue
            with _interrupt_held():  # a record committed is also reported, whatever Ctrl-C interrupts
                created = record is not None and store.add(record)[1]
                yield Outcome(path, "stored" if created else "present")


@contextmanager
def _interrupt_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then raise it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def _submitted(store: Store, paths: Iterable[Path], workers: Workers) -> Iterator[tuple[Path, Future[Record | None]]]:
    """Each path with its future: a worker's Record, or at once None (known bytes) or the read error."""
    seen: set[str] = set()
    for path in paths:
        try:
            doc_id = file_id(path)
        except OSError as e:
            failed: Future[Record | None] = Future()
            failed.set_exception(UnreadableDocument(f"cannot read the file: {e.strerror or e}"))
            yield path, failed
            continue
        if doc_id in seen or store.has(doc_id):
            known: Future[Record | None] = Future()
            known.set_result(None)
            yield path, known
            continue
        seen.add(doc_id)
        yield path, workers.submit(path, path.name)  # type: ignore[misc]

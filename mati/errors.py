"""Errors a user can act on. Each carries an HTTP status and a CLI exit code."""

from __future__ import annotations


class MatiError(Exception):
    """Base of every error Mati reports to a user instead of crashing."""

    status: int = 422
    exit_code: int = 3
    title: str = "Unprocessable document"


class EmptyDocument(MatiError):
    title = "Empty document"


class UnsupportedType(MatiError):
    status = 415
    title = "Unsupported media type"


class DocumentTooLarge(MatiError):
    status = 413
    title = "Document too large"


class UnreadableDocument(MatiError):
    """Corrupt, encrypted, truncated or otherwise unreadable input."""

    title = "Unreadable document"


class ReaderLimitExceeded(UnreadableDocument):
    """Reading would exceed a safety limit (decompressed size, pages, time)."""

    title = "Document exceeds a reading limit"


class ProcessingTimeout(ReaderLimitExceeded):
    """Reading and extracting one document took longer than the per-document time limit."""

    title = "Document took too long to process"


class ProcessingLimit(ReaderLimitExceeded):
    """Reading and extracting one document needed more memory than the per-document limit."""

    title = "Document needed too much memory"


class WorkerFailed(UnreadableDocument):
    """The worker process died (crash, signal) or failed unexpectedly while processing a document."""

    title = "Document processing failed"

"""Settings from the environment (``MATI_*``), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir


def _default_database_url() -> str:
    data_dir = Path(os.environ.get("MATI_DATA_DIR") or user_data_dir("mati", appauthor=False))
    return f"sqlite:///{data_dir / 'mati.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("MATI_DATABASE_URL") or _default_database_url())
    max_upload_bytes: int = field(
        default_factory=lambda: int(os.environ.get("MATI_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
    )
    max_pages: int = field(default_factory=lambda: int(os.environ.get("MATI_MAX_PAGES", "2000")))
    doc_timeout: float = field(default_factory=lambda: float(os.environ.get("MATI_DOC_TIMEOUT") or 120))
    doc_memory_mb: int = field(default_factory=lambda: int(os.environ.get("MATI_DOC_MEMORY_MB") or 2048))


def settings() -> Settings:
    """Current settings (re-read each call so tests and CLI flags can change the environment)."""
    return Settings()

"""The embedded full-text index moves out of SQLite; syllable pairs join the index fields.

SQLite: ``resolutions_fts`` is dropped; ``corpus.textindex`` (tantivy, beside the
database file) holds the term fields plus the filter and facet fields, and ``Store``
fills it from the stored resolutions when it opens, so an upgraded database is
re-indexed on first use. PostgreSQL: the ``search`` tsvectors are rewritten with the
new ``pairs`` field (``corpus.search.IndexDoc``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _v2() -> ModuleType:
    """Revision 0002 (its FTS5 table and its back-fill of the index fields)."""
    spec = importlib.util.spec_from_file_location("v0002", Path(__file__).with_name("0002_search_fields.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS resolutions_fts")
    elif conn.dialect.name == "postgresql":
        _v2()._backfill(conn, "postgresql")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        v2 = _v2()
        op.execute(v2.FTS5)
        v2._backfill(conn, "sqlite")

"""SQLite: the full-text index moves out of SQLite into a tantivy index beside it.

``resolutions_fts`` is dropped; ``corpus.textindex`` holds the same three term fields
plus the filter and facet fields, and ``Store`` fills it from the stored resolutions
when it opens (so an upgraded database is re-indexed on first use). PostgreSQL keeps
its ``tsvector`` column: nothing changes there.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS resolutions_fts")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        import importlib.util
        from pathlib import Path

        spec = importlib.util.spec_from_file_location("v0002", Path(__file__).with_name("0002_search_fields.py"))
        assert spec is not None and spec.loader is not None
        v2 = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(v2)
        op.execute(v2.FTS5)
        v2._backfill(conn, "sqlite")

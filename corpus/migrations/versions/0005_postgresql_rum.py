"""PostgreSQL: a RUM index on ``resolutions.search`` so the best matches come ordered from the index.

GIN stores no positions or weights: ranking (and weighted or phrase matching) reads every
matching tsvector from the table, ~1.3 s p95 at 100k resolutions for common words. RUM
(extension ``rum``, Debian ``postgresql-NN-rum``) keeps them in the index and answers
``ORDER BY search <=> query LIMIT k`` from it. Where the extension is not available the GIN
index stays and the store ranks as before. SQLite: nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS rum"))
    except sa.exc.DBAPIError as e:
        log.warning("PostgreSQL extension rum not available (%s): search keeps the GIN index", e.orig)
        return
    op.execute("CREATE INDEX ix_resolutions_search_rum ON resolutions USING rum (search rum_tsvector_ops)")
    op.execute("DROP INDEX IF EXISTS ix_resolutions_search")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_resolutions_search ON resolutions USING gin (search)")
    op.execute("DROP INDEX IF EXISTS ix_resolutions_search_rum")

"""Search at archive scale: words + syllables + agency names indexed, on SQLite and PostgreSQL.

SQLite: ``resolutions_fts`` is rebuilt with three columns (``words``, ``subwords``,
``agencies``; see ``corpus.search.IndexDoc``). PostgreSQL: ``resolutions.search`` is a
positional ``tsvector`` of the same fields (weights A/B/C) with a GIN index. Both are
back-filled from the stored resolutions. Also an index for the open-actions filter.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS5 = (
    "CREATE VIRTUAL TABLE resolutions_fts USING fts5("
    "words, subwords, agencies, tokenize=\"unicode61 categories 'L* N* Co M*' remove_diacritics 0\")"
)
FTS5_V1 = (
    "CREATE VIRTUAL TABLE resolutions_fts USING fts5("
    "terms, tokenize=\"unicode61 categories 'L* N* Co M*' remove_diacritics 0\")"
)
FTS5_FIELDS = ("words", "subwords", "agencies")
BATCH = 2000


def _backfill(conn: sa.Connection, dialect: str) -> None:
    """Index every stored resolution (the same code path as ``Store.add``)."""
    from corpus import search as sq

    named: dict[int, list[str]] = defaultdict(list)
    for rid, agency_id, name, abbreviation in conn.execute(
        sa.text("SELECT resolution_id, agency_id, name, abbreviation FROM resolution_agencies")
    ):
        named[rid].extend(sq.agency_forms(agency_id, name, abbreviation))
    rows = conn.execute(sa.text("SELECT id, text FROM resolutions ORDER BY id")).all()
    for start in range(0, len(rows), BATCH):
        docs = [(rid, sq.index_document(body, named.get(rid, ()))) for rid, body in rows[start : start + BATCH]]
        if dialect == "sqlite":
            conn.execute(
                sa.text(
                    "INSERT INTO resolutions_fts(rowid, words, subwords, agencies) "
                    "VALUES (:rowid, :words, :subwords, :agencies)"
                ),
                [{"rowid": rid, **{name: " ".join(d.field(name)) for name in FTS5_FIELDS}} for rid, d in docs],
            )
        else:
            conn.execute(
                sa.text("UPDATE resolutions SET search = CAST(:v AS tsvector) WHERE id = :id"),
                [{"id": rid, "v": sq.tsvector_literal(d)} for rid, d in docs],
            )


def upgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    op.create_index("ix_actions_document_resolution", "actions", ["document_id", "resolution"])
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS resolutions_fts")
        op.execute(FTS5)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE resolutions ADD COLUMN search tsvector")
    _backfill(conn, dialect)
    if dialect == "postgresql":
        # GIN + ts_rank_cd; see corpus/search.py for why not RUM
        op.execute("CREATE INDEX ix_resolutions_search ON resolutions USING gin (search)")


def downgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS resolutions_fts")
        op.execute(FTS5_V1)
        from nlp.tokenize import index_terms

        rows = conn.execute(sa.text("SELECT id, text FROM resolutions")).all()
        if rows:
            conn.execute(
                sa.text("INSERT INTO resolutions_fts(rowid, terms) VALUES (:rowid, :terms)"),
                [{"rowid": rid, "terms": " ".join(index_terms(body))} for rid, body in rows],
            )
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_resolutions_search")
        op.execute("ALTER TABLE resolutions DROP COLUMN IF EXISTS search")
    op.drop_index("ix_actions_document_resolution", table_name="actions")

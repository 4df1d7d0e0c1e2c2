"""Initial schema: documents, resolutions, agencies, actions, and the FTS5 index.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Thai vowel and tone marks are category M: keep them inside tokens (see corpus/search.py)
FTS5 = (
    "CREATE VIRTUAL TABLE resolutions_fts USING fts5("
    "terms, tokenize=\"unicode61 categories 'L* N* Co M*' remove_diacritics 0\")"
)


def _document_fk() -> sa.Column:
    return sa.Column(
        "document_id", sa.String(64), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("source_name", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False, server_default=""),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("body_name", sa.String(), nullable=True),
        sa.Column("body_abbreviation", sa.String(), nullable=True),
        sa.Column("body_agency_id", sa.String(), nullable=True),
        sa.Column("session", sa.String(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.Column("record_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_documents_meeting_date", "documents", ["meeting_date"])
    op.create_index("ix_documents_ingested_at", "documents", ["ingested_at"])

    op.create_table(
        "resolutions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _document_fk(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("body_name", sa.String(), nullable=True),
        sa.Column("body_abbreviation", sa.String(), nullable=True),
        sa.Column("body_agency_id", sa.String(), nullable=True),
        sa.Column("session", sa.String(), nullable=True),
        sa.UniqueConstraint("document_id", "position", name="uq_resolutions_document_position"),
    )
    op.create_index("ix_resolutions_meeting_date", "resolutions", ["meeting_date"])
    op.create_index("ix_resolutions_kind", "resolutions", ["kind"])
    op.create_index("ix_resolutions_body_agency_id", "resolutions", ["body_agency_id"])

    op.create_table(
        "resolution_agencies",
        sa.Column(
            "resolution_id",
            sa.Integer(),
            sa.ForeignKey("resolutions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("agency_id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("abbreviation", sa.String(), nullable=True),
    )
    op.create_index("ix_resolution_agencies_agency_id", "resolution_agencies", ["agency_id"])

    op.create_table(
        "document_agencies",
        sa.Column(
            "document_id",
            sa.String(64),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("agency_id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("abbreviation", sa.String(), nullable=True),
        sa.Column("mentions", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_index("ix_document_agencies_agency_id", "document_agencies", ["agency_id"])

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _document_fk(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("agency_id", sa.String(), nullable=True),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
    )
    op.create_index("ix_actions_agency_id", "actions", ["agency_id"])
    op.create_index("ix_actions_due", "actions", ["due"])
    op.create_index("ix_actions_document_id", "actions", ["document_id"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS5)
    # PostgreSQL: full-text search comes later (a tsvector column over the same pre-split
    # index terms with a GIN index). Until then Store.search falls back to substring matching.


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS resolutions_fts")
    for table in ("actions", "document_agencies", "resolution_agencies", "resolutions", "documents"):
        op.drop_table(table)

"""The store's tables (SQLAlchemy ORM) and the rows, index fields and index entries made from a Record.

``documents.record_json`` is the source of truth; every other table is derived from it for
filters, listings and search. See ``corpus.store`` for how they are written and read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from corpus import search as sq
from corpus.search import IndexDoc
from corpus.textindex import Entry
from mati.record import Record


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_name: Mapped[str] = mapped_column(String)
    media_type: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(String, default="")
    published: Mapped[dt.date | None] = mapped_column(Date)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    body_name: Mapped[str | None] = mapped_column(String)
    body_abbreviation: Mapped[str | None] = mapped_column(String)
    body_agency_id: Mapped[str | None] = mapped_column(String)
    session: Mapped[str | None] = mapped_column(String)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    record_json: Mapped[str] = mapped_column(Text)

    resolutions: Mapped[list[ResolutionRow]] = relationship(cascade="all, delete-orphan")
    agencies: Mapped[list[DocumentAgencyRow]] = relationship(cascade="all, delete-orphan")
    actions: Mapped[list[ActionRow]] = relationship(cascade="all, delete-orphan")


class ResolutionRow(Base):
    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    body_name: Mapped[str | None] = mapped_column(String)
    body_abbreviation: Mapped[str | None] = mapped_column(String)
    body_agency_id: Mapped[str | None] = mapped_column(String, index=True)
    session: Mapped[str | None] = mapped_column(String)

    agencies: Mapped[list[ResolutionAgencyRow]] = relationship(cascade="all, delete-orphan")


class ResolutionAgencyRow(Base):
    __tablename__ = "resolution_agencies"

    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String, primary_key=True, index=True)
    name: Mapped[str | None] = mapped_column(String)
    abbreviation: Mapped[str | None] = mapped_column(String)


class DocumentAgencyRow(Base):
    __tablename__ = "document_agencies"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(String, primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String)
    abbreviation: Mapped[str | None] = mapped_column(String)
    mentions: Mapped[int] = mapped_column(Integer, default=0)


class EmbeddingRow(Base):
    __tablename__ = "embeddings"

    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolutions.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class ActionRow(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    resolution: Mapped[str | None] = mapped_column(String)
    agency: Mapped[str] = mapped_column(String)
    agency_id: Mapped[str | None] = mapped_column(String, index=True)
    task: Mapped[str] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date, index=True)


def body_label(name: str | None, abbreviation: str | None) -> str | None:
    """A meeting body as shown: its name, else its abbreviation."""
    return name or abbreviation


# --- rows from a record ------------------------------------------------------------------


def document_row(record: Record) -> DocumentRow:
    doc, meeting = record.document, record.meeting
    body = meeting.body
    return DocumentRow(
        id=doc.id,
        source_name=doc.source_name,
        media_type=doc.media_type,
        title=doc.title,
        published=doc.published,
        meeting_date=meeting.date,
        body_name=body.name if body else None,
        body_abbreviation=body.abbreviation if body else None,
        body_agency_id=body.agency if body else None,
        session=meeting.session,
        ingested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        record_json=record.to_json(),
    )


def resolution_rows(record: Record, doc: DocumentRow) -> list[ResolutionRow]:
    named = {a.id: a for a in record.agencies}
    rows = []
    for position, res in enumerate(record.resolutions):
        row = ResolutionRow(
            position=position,
            number=res.number,
            kind=res.kind.value,
            text=res.text,
            meeting_date=doc.meeting_date,
            body_name=doc.body_name,
            body_abbreviation=doc.body_abbreviation,
            body_agency_id=doc.body_agency_id,
            session=doc.session,
        )
        for agency_id in dict.fromkeys(res.agencies):
            agency = named.get(agency_id)
            row.agencies.append(
                ResolutionAgencyRow(
                    agency_id=agency_id,
                    name=agency.name if agency else None,
                    abbreviation=agency.abbreviation if agency else None,
                )
            )
        rows.append(row)
    return rows


def agency_rows(record: Record) -> list[DocumentAgencyRow]:
    rows: dict[str, DocumentAgencyRow] = {}
    for a in record.agencies:
        if a.id in rows:
            rows[a.id].mentions += len(a.mentions)
        else:
            rows[a.id] = DocumentAgencyRow(
                agency_id=a.id, name=a.name, abbreviation=a.abbreviation, mentions=len(a.mentions)
            )
    return list(rows.values())


def action_rows(record: Record) -> list[ActionRow]:
    return [
        ActionRow(
            position=position,
            resolution=a.resolution,
            agency=a.agency,
            agency_id=a.agency_id,
            task=a.task,
            due=a.due,
        )
        for position, a in enumerate(record.actions)
    ]


def index_docs(record: Record) -> list[IndexDoc]:
    """The full-text index fields of each resolution of a record (CPU work, done outside transactions)."""
    named = {a.id: a for a in record.agencies}
    docs = []
    for res in record.resolutions:
        forms: list[str] = []
        for agency_id in dict.fromkeys(res.agencies):
            a = named.get(agency_id)
            forms += sq.agency_forms(agency_id, a.name if a else None, a.abbreviation if a else None)
        docs.append(sq.index_document(res.text, forms))
    return docs


def row_index_doc(row: ResolutionRow) -> IndexDoc:
    """The index fields of a stored resolution (as ``index_docs`` made them from its record)."""
    forms = [f for a in row.agencies for f in sq.agency_forms(a.agency_id, a.name, a.abbreviation)]
    return sq.index_document(row.text, list(dict.fromkeys(forms)))


def write_tsvectors(session: Session, rows: Sequence[ResolutionRow], docs: Sequence[IndexDoc]) -> None:
    """PostgreSQL: write the resolutions' ``search`` tsvectors (in the record's transaction)."""
    if rows:
        session.execute(
            text("UPDATE resolutions SET search = CAST(:v AS tsvector) WHERE id = :id"),
            [{"id": row.id, "v": sq.tsvector_literal(d)} for row, d in zip(rows, docs, strict=True)],
        )


def entries(rows: Sequence[ResolutionRow], docs: Sequence[IndexDoc], actions: Iterable[ActionRow]) -> list[Entry]:
    """The embedded index entries of resolutions (their agencies loaded) and the actions of their documents."""
    open_until: dict[tuple[str, str | None], dt.date] = {}
    for a in actions:
        key = (a.document_id, a.resolution)
        open_until[key] = max(open_until.get(key, dt.date.min), a.due or dt.date.max)
    return [
        Entry(
            rid=row.id,
            document_id=row.document_id,
            kind=row.kind,
            body=body_label(row.body_name, row.body_abbreviation),
            body_names=[n for n in (row.body_name, row.body_abbreviation) if n],
            body_id=row.body_agency_id,
            meeting_date=row.meeting_date,
            agency_ids=[a.agency_id for a in row.agencies],
            agency_names=[n for a in row.agencies for n in (a.name, a.abbreviation) if n],
            open_until=open_until.get((row.document_id, row.number)) if row.number is not None else None,
            terms=doc,
        )
        for row, doc in zip(rows, docs, strict=True)
    ]

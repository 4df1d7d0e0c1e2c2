"""Storage of meeting records: SQLAlchemy 2 over SQLite (PostgreSQL-ready schema).

``documents.record_json`` is the source of truth (the full Record JSON); the other
tables denormalise what search and filters need. The schema is managed by Alembic
(``corpus/migrations``) and upgraded to head whenever a Store opens.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    and_,
    create_engine,
    event,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker
from sqlalchemy.pool import StaticPool

from corpus import search as sq
from corpus.search import ActionHit, AgencyCount, DocumentSummary, Filters, Hit, Match, Page
from mati.config import settings
from mati.record import Kind, Record
from nlp.tokenize import index_terms

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
_WRITE = "mati_write"  # execution option: open the transaction with BEGIN IMMEDIATE


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

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolutions.id", ondelete="CASCADE"), primary_key=True
    )
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


# --- rows from a record ------------------------------------------------------------------


def _document_row(record: Record) -> DocumentRow:
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


def _resolution_rows(record: Record, doc: DocumentRow) -> list[ResolutionRow]:
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


def _agency_rows(record: Record) -> list[DocumentAgencyRow]:
    rows: dict[str, DocumentAgencyRow] = {}
    for a in record.agencies:
        if a.id in rows:
            rows[a.id].mentions += len(a.mentions)
        else:
            rows[a.id] = DocumentAgencyRow(
                agency_id=a.id, name=a.name, abbreviation=a.abbreviation, mentions=len(a.mentions)
            )
    return list(rows.values())


def _action_rows(record: Record) -> list[ActionRow]:
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


def _index_resolutions(session: Session, rows: Sequence[ResolutionRow], terms: Sequence[str]) -> None:
    """Add the resolutions' pre-split index terms to the FTS5 table (SQLite only)."""
    if not rows or session.get_bind().dialect.name != "sqlite":
        return  # nothing to index (news without resolutions) / PostgreSQL full-text search comes later
    session.execute(
        text(f"INSERT INTO {sq.FTS_TABLE}(rowid, terms) VALUES (:rowid, :terms)"),
        [{"rowid": row.id, "terms": t} for row, t in zip(rows, terms, strict=True)],
    )


# --- engine ------------------------------------------------------------------------------


def _in_memory(url: str) -> bool:
    return url.startswith("sqlite") and make_url(url).database in (None, "", ":memory:")


def _sqlite_engine(url: str) -> Engine:
    """SQLite with WAL, foreign keys, a busy timeout and real (transactional) BEGINs."""
    parsed = make_url(url)
    memory = _in_memory(url)
    if not memory:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # pysqlite must not manage transactions; we BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    return _sqlite_engine(url) if url.startswith("sqlite") else create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (one write transaction)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


# --- the store ---------------------------------------------------------------------------


class Store:
    """Stored records: add once per document id, list, search, filter."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or settings().database_url
        self.engine = make_engine(self.url)
        upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # an in-memory database is one shared connection: one user at a time
        self._lock: AbstractContextManager[Any] = threading.RLock() if _in_memory(self.url) else nullcontext()

    @property
    def fts(self) -> bool:
        """Whether the FTS5 index is available (SQLite)."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._lock, self._sessions() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite): committed whole or not at all."""
        with self._lock, self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # documents

    def add(self, record: Record) -> tuple[Record, bool]:
        """Store a record; ``(stored record, False)`` when its document id is already present."""
        doc_id = record.document.id
        existing = self.get(doc_id)
        if existing is not None:
            return existing, False
        terms = [" ".join(index_terms(r.text)) for r in record.resolutions]  # CPU work before locking
        try:
            with self._writing() as session:
                created = session.get(DocumentRow, doc_id) is None  # another writer may have won
                if created:
                    self._write(session, record, terms)
        except IntegrityError:
            created = False
        if created:
            return record, True
        existing = self.get(doc_id)
        if existing is None:
            raise RuntimeError(f"document {doc_id} neither stored nor present")
        return existing, False

    @staticmethod
    def _write(session: Session, record: Record, terms: Sequence[str]) -> None:
        doc = _document_row(record)
        doc.resolutions = _resolution_rows(record, doc)
        doc.agencies = _agency_rows(record)
        session.add(doc)
        session.flush()  # resolution ids for the index
        _index_resolutions(session, doc.resolutions, terms)
        doc.actions = _action_rows(record)
        session.flush()

    def get(self, doc_id: str) -> Record | None:
        with self._reading() as session:
            raw = session.scalar(select(DocumentRow.record_json).where(DocumentRow.id == doc_id))
        return Record.model_validate_json(raw) if raw is not None else None

    def has(self, doc_id: str) -> bool:
        with self._reading() as session:
            return session.scalar(select(DocumentRow.id).where(DocumentRow.id == doc_id)) is not None

    def documents(self, limit: int = 50, offset: int = 0) -> Page[DocumentSummary]:
        """Stored documents, newest meeting first."""
        count = (
            select(func.count(ResolutionRow.id))
            .where(ResolutionRow.document_id == DocumentRow.id)
            .correlate(DocumentRow)
            .scalar_subquery()
        )
        stmt = select(DocumentRow, count).order_by(
            DocumentRow.meeting_date.desc().nulls_last(), DocumentRow.ingested_at.desc(), DocumentRow.id
        )
        with self._reading() as session:
            total = session.scalar(select(func.count(DocumentRow.id))) or 0
            rows = session.execute(sq.paged(stmt, limit, offset)).all()
        return Page(items=[_summary(d, n) for d, n in rows], total=total, limit=limit, offset=offset)

    # resolutions

    def search(
        self,
        query: str | None = None,
        filters: Filters | None = None,
        *,
        match: Match = "all",
        limit: int = 20,
        offset: int = 0,
    ) -> Page[Hit]:
        """Resolutions matching ``query`` (bm25, best first) and ``filters``.

        With no query: filters only, newest meeting first.
        """
        filters = filters or Filters()
        if not query or not query.strip():
            return self.resolutions(filters, limit=limit, offset=offset)
        terms = sq.query_terms(query)
        if not terms:
            return Page(items=[], total=0, limit=limit, offset=offset)
        if self.fts:
            m = sq.fts_matches(sq.fts_expression(terms, match))
            stmt = (
                select(ResolutionRow, DocumentRow.source_name, m.c.score)
                .select_from(m)
                .join(ResolutionRow, ResolutionRow.id == m.c.rid)
                .join(DocumentRow, DocumentRow.id == ResolutionRow.document_id)
                .where(_resolution_filters(filters))
                .order_by(m.c.score, ResolutionRow.id)
            )
        else:  # no FTS yet outside SQLite: substring match on the text, unranked
            contains = [ResolutionRow.text.contains(t, autoescape=True) for t in terms]
            stmt = (
                select(ResolutionRow, DocumentRow.source_name, literal(None).label("score"))
                .join(DocumentRow, DocumentRow.id == ResolutionRow.document_id)
                .where((or_ if match == "any" else and_)(*contains), _resolution_filters(filters))
                .order_by(*_newest_first())
            )
        return self._hits(stmt, terms, limit, offset)

    def resolutions(
        self,
        filters: Filters | None = None,
        *,
        document_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Hit]:
        """Resolutions by filters only (optionally of one document), newest meeting first."""
        clause = _resolution_filters(filters or Filters())
        if document_id is not None:
            clause = and_(clause, ResolutionRow.document_id == document_id)
        stmt = (
            select(ResolutionRow, DocumentRow.source_name, literal(None).label("score"))
            .join(DocumentRow, DocumentRow.id == ResolutionRow.document_id)
            .where(clause)
            .order_by(*_newest_first())
        )
        return self._hits(stmt, [], limit, offset)

    def _hits(self, stmt: Select[Any], terms: Sequence[str], limit: int, offset: int) -> Page[Hit]:
        with self._reading() as session:
            total = session.scalar(sq.count_of(stmt)) or 0
            rows = session.execute(sq.paged(stmt, limit, offset)).all()
        items = [_hit(r, source, score, terms) for r, source, score in rows]
        return Page(items=items, total=total, limit=limit, offset=offset)

    # actions and agencies

    def actions(
        self,
        agency: str | None = None,
        due_before: dt.date | None = None,
        due_after: dt.date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[ActionHit]:
        """Actions, soonest due first (undated last); due bounds are inclusive."""
        clauses = sq.date_clauses(ActionRow.due, due_after, due_before)
        if agency:
            clauses.append(sq.agency_clause(agency, ActionRow.agency_id, [ActionRow.agency]))
        stmt = (
            select(ActionRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == ActionRow.document_id)
            .where(sq.combine(clauses))
            .order_by(
                ActionRow.due.asc().nulls_last(),
                DocumentRow.meeting_date.desc().nulls_last(),
                ActionRow.document_id,
                ActionRow.position,
            )
        )
        with self._reading() as session:
            total = session.scalar(sq.count_of(stmt)) or 0
            rows = session.execute(sq.paged(stmt, limit, offset)).all()
        return Page(items=[_action_hit(a, d) for a, d in rows], total=total, limit=limit, offset=offset)

    def agencies(self) -> list[AgencyCount]:
        """Agencies named in stored records, most mentioned first."""
        mentions = func.sum(DocumentAgencyRow.mentions)
        stmt = (
            select(
                DocumentAgencyRow.agency_id,
                func.max(DocumentAgencyRow.name),
                func.max(DocumentAgencyRow.abbreviation),
                mentions,
                func.count(func.distinct(DocumentAgencyRow.document_id)),
            )
            .group_by(DocumentAgencyRow.agency_id)
            .order_by(mentions.desc(), DocumentAgencyRow.agency_id)
        )
        with self._reading() as session:
            rows = session.execute(stmt).all()
        return [
            AgencyCount(id=i, name=n, abbreviation=a, mentions=m or 0, documents=d) for i, n, a, m, d in rows
        ]


# --- rows to models ----------------------------------------------------------------------


def _resolution_filters(f: Filters) -> Any:
    clauses = sq.date_clauses(ResolutionRow.meeting_date, f.date_from, f.date_to)
    if f.kind is not None:
        clauses.append(ResolutionRow.kind == Kind(f.kind).value)
    if f.body:
        clauses.append(
            sq.body_clause(
                f.body, ResolutionRow.body_agency_id, ResolutionRow.body_name, ResolutionRow.body_abbreviation
            )
        )
    if f.agency:
        linked = select(ResolutionAgencyRow.resolution_id).where(
            sq.agency_clause(
                f.agency,
                ResolutionAgencyRow.agency_id,
                [ResolutionAgencyRow.name, ResolutionAgencyRow.abbreviation],
            )
        )
        clauses.append(ResolutionRow.id.in_(linked))
    return sq.combine(clauses)


def _newest_first() -> list[Any]:
    return [ResolutionRow.meeting_date.desc().nulls_last(), ResolutionRow.document_id, ResolutionRow.position]


def _body(name: str | None, abbreviation: str | None) -> str | None:
    return name or abbreviation


def _hit(r: ResolutionRow, source_name: str, score: float | None, terms: Sequence[str]) -> Hit:
    return Hit(
        document_id=r.document_id,
        source_name=source_name,
        number=r.number,
        kind=Kind(r.kind),
        text=r.text,
        snippet=sq.snippet(r.text, terms),
        body=_body(r.body_name, r.body_abbreviation),
        session=r.session,
        meeting_date=r.meeting_date,
        score=score,
    )


def _action_hit(a: ActionRow, d: DocumentRow) -> ActionHit:
    return ActionHit(
        document_id=a.document_id,
        source_name=d.source_name,
        resolution=a.resolution,
        agency=a.agency,
        agency_id=a.agency_id,
        task=a.task,
        due=a.due,
        meeting_date=d.meeting_date,
        body=_body(d.body_name, d.body_abbreviation),
        session=d.session,
    )


def _summary(d: DocumentRow, resolutions: int) -> DocumentSummary:
    return DocumentSummary(
        id=d.id,
        source_name=d.source_name,
        media_type=d.media_type,
        title=d.title,
        published=d.published,
        meeting_date=d.meeting_date,
        body=_body(d.body_name, d.body_abbreviation),
        session=d.session,
        resolutions=resolutions,
        ingested_at=d.ingested_at.replace(tzinfo=dt.UTC),
    )

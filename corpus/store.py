"""Storage of meeting records: SQLAlchemy 2 over SQLite (embedded) or PostgreSQL (a server).

``documents.record_json`` is the source of truth (the full Record JSON); the other
tables (``corpus.tables``) denormalise what search and filters need, and the full-text index holds the
pre-split Thai terms: on SQLite a tantivy index in the directory ``<database>.index``
beside the file (``corpus.textindex``; in memory for an in-memory database), filled
after each commit and caught up from the tables when the store opens; on PostgreSQL
the ``resolutions.search`` tsvector (``corpus.search``), written in the same transaction.
The schema is managed by Alembic (``corpus/migrations``) and upgraded to head whenever
a Store opens. The backend is chosen by the URL (``MATI_DATABASE_URL``): ``sqlite:///…`` or ``postgresql+psycopg://…``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Date,
    Engine,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    create_engine,
    event,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.pool import StaticPool

from corpus import search as sq
from corpus import semantic, tables
from corpus.search import ActionHit, AgencyCount, DocumentSummary, Filters, Hit, IndexDoc, Match, Page
from corpus.tables import (
    ActionRow,
    DocumentAgencyRow,
    DocumentRow,
    EmbeddingRow,
    ResolutionAgencyRow,
    ResolutionRow,
)
from corpus.textindex import Entry, TextIndex
from mati.config import settings
from mati.record import Kind, Record

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 64 * 1024  # page cache per connection
SQLITE_MMAP_BYTES = 1 << 30  # read the index through the OS page cache
_WRITE = "mati_write"  # execution option: open the transaction with BEGIN IMMEDIATE
SIMILAR_TERMS = 24  # a resolution's most telling words that look for similar ones
SIMILAR_CANDIDATES = 50  # best matches of those words, re-ranked by TF-IDF cosine
SYNC_BATCH = 5000  # resolutions indexed per commit when catching up
SEMANTIC_POOL = 500  # nearest resolutions by meaning, before filters
HYBRID_POOL = 50  # best of each ranking fused in hybrid mode
INDEX_GROUP = 2000  # grouped_indexing: resolutions per index commit
INDEX_GROUP_SECONDS = 5.0  # … or this long after the last commit
TOTAL_CAP = 1000  # PostgreSQL with RUM: matches counted (and faceted) at most (each costs a heap recheck)
RUM_INDEX = "ix_resolutions_search_rum"
RUM_WORK_MEM = "64MB"  # per search transaction: the match bitmap of a common word stays exact (-25% at 1M)
Mode = Literal["lexical", "semantic", "hybrid"]


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
        cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine


def _index_path(url: str) -> Path | None:
    """Where the embedded index of a SQLite database lives: ``<database file>.index``; None in memory."""
    if _in_memory(url):
        return None
    db = Path(make_url(url).database or "").expanduser()
    return db.with_name(db.name + ".index")


def database_url(url: str) -> str:
    """``url`` with psycopg 3 as the PostgreSQL driver when none is named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(database_url(url), pool_pre_ping=True, pool_size=10, max_overflow=10)


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
        self.index = TextIndex(_index_path(self.url)) if self.dialect == "sqlite" else None
        self._rum = self.dialect == "postgresql" and self._has_index(RUM_INDEX)
        self._vectors = semantic.Vectors()
        self._vectors_seen = -1  # highest embedded resolution id when the matrix was loaded
        self._stale = True
        self._pending: list[Entry] = []
        self._group_until: float | None = None  # inside grouped_indexing: when to commit the pending entries
        self.sync()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _has_index(self, name: str) -> bool:
        with self._reading() as session:
            return session.scalar(text("SELECT 1 FROM pg_indexes WHERE indexname = :n"), {"n": name}) is not None

    def sync(self) -> int:
        """Index the stored resolutions the embedded index lacks (after a crash, an upgrade); how many."""
        if self.index is None:
            return 0
        with self._reading() as session:
            stored = session.scalar(select(func.count(ResolutionRow.id))) or 0
        added = 0
        if stored != len(self.index):
            have = self.index.ids()
            with self._reading() as session:
                missing = [
                    i for i in session.scalars(select(ResolutionRow.id).order_by(ResolutionRow.id)) if i not in have
                ]
            for start in range(0, len(missing), SYNC_BATCH):
                added += self.index.add(self._stored_entries(missing[start : start + SYNC_BATCH]), bulk=True)
        self._stale = False
        return added

    def reindex(self) -> int:
        """Rebuild the embedded index from the stored resolutions; how many were indexed."""
        if self.index is None:
            return 0
        self.index.clear()
        return self.sync()

    def _stored_entries(self, ids: Sequence[int]) -> list[Entry]:
        with self._reading() as session:
            rows = session.scalars(
                select(ResolutionRow).options(selectinload(ResolutionRow.agencies)).where(ResolutionRow.id.in_(ids))
            ).all()
            documents = {r.document_id for r in rows}
            actions = session.scalars(select(ActionRow).where(ActionRow.document_id.in_(documents))).all()
        return tables.entries(rows, [tables.row_index_doc(r) for r in rows], actions)

    def _index(self, entries: list[Entry]) -> None:
        """Add freshly committed resolutions to the embedded index (grouped inside ``grouped_indexing``)."""
        if self.index is None or not entries:
            return
        self._pending += entries
        if self._group_until is None or len(self._pending) >= INDEX_GROUP or time.monotonic() > self._group_until:
            self._flush_index()

    def _flush_index(self) -> None:
        """Commit the pending index entries; a failure is caught up by ``sync``."""
        entries, self._pending = self._pending, []
        if self._group_until is not None:
            self._group_until = time.monotonic() + INDEX_GROUP_SECONDS
        if self.index is None or not entries:
            return
        try:
            self.index.add(entries, bulk=len(entries) > 1000)
        except Exception:
            self._stale = True
            log.exception("search index not updated; it is caught up at the next search")

    @contextmanager
    def grouped_indexing(self) -> Iterator[None]:
        """Within: the embedded index commits every ``INDEX_GROUP`` resolutions or ``INDEX_GROUP_SECONDS``
        (one commit costs ~17 ms, more than storing a record); records are still committed one by one,
        and entries lost to a crash are caught up by ``sync`` when the store next opens."""
        self._group_until = time.monotonic() + INDEX_GROUP_SECONDS
        try:
            yield
        finally:
            self._group_until = None
            self._flush_index()

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
        docs = tables.index_docs(record)  # CPU work before locking
        entries: list[Entry] = []
        try:
            with self._writing() as session:
                created = session.get(DocumentRow, doc_id) is None  # another writer may have won
                if created:
                    entries = self._write(session, record, docs)
        except IntegrityError:
            created = False
        if created:
            self._index(entries)
            return record, True
        existing = self.get(doc_id)
        if existing is None:
            raise RuntimeError(f"document {doc_id} neither stored nor present")
        return existing, False

    def add_many(self, records: Iterable[Record]) -> int:
        """Store many records in one transaction (bulk loading); those already present are skipped.

        Returns how many were stored.
        """
        todo = {r.document.id: r for r in records}
        with self._reading() as session:
            present = set(session.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(list(todo)))))
        fresh = [(r, tables.index_docs(r)) for i, r in todo.items() if i not in present]
        entries: list[Entry] = []
        with self._writing() as session:
            for record, docs in fresh:
                entries += self._write(session, record, docs)
        self._index(entries)
        return len(fresh)

    @staticmethod
    def _write(session: Session, record: Record, docs: Sequence[IndexDoc]) -> list[Entry]:
        """Add a record's rows (and, on PostgreSQL, their tsvectors); its embedded index entries."""
        doc = tables.document_row(record)
        doc.resolutions = tables.resolution_rows(record, doc)
        doc.agencies = tables.agency_rows(record)
        session.add(doc)
        session.flush()  # resolution ids for the index
        if session.get_bind().dialect.name == "postgresql":
            tables.write_tsvectors(session, doc.resolutions, docs)
        doc.actions = tables.action_rows(record)
        session.flush()
        return tables.entries(doc.resolutions, docs, doc.actions)

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
        prefer_recent: bool = False,
        facets: bool = False,
        expand: bool = True,
        mode: Mode = "lexical",
    ) -> Page[Hit]:
        """Resolutions matching ``query`` (best first) and ``filters``.

        With no query: filters only, newest meeting first. ``prefer_recent`` scales the
        score down with the meeting's age (half at ``RECENCY_HALF_LIFE_DAYS``);
        ``facets`` adds counts per kind, body, year and agency over all matches;
        ``expand=False`` matches whole words only (no syllables, no agency names).
        ``mode``: ``semantic`` ranks by meaning (embeddings, see ``embed``), ``hybrid`` fuses
        both rankings; those two return no facets and count at most ``SEMANTIC_POOL`` matches.
        """
        filters = filters or Filters()
        if not query or not query.strip():
            return self.resolutions(filters, limit=limit, offset=offset, facets=facets)
        if mode != "lexical":
            return self._by_meaning(query, filters, mode, match, limit, offset, facets)
        p = sq.plan(query, match, expand=expand)
        if not p:
            return Page(items=[], total=0, limit=limit, offset=offset, facets=_no_facets() if facets else None)
        if self.index is not None:
            return self._indexed(p, filters, limit, offset, prefer_recent, facets)
        if self._rum:
            return self._ranked_by_rum(p, filters, limit, offset, facets, prefer_recent)
        m = sq.matches(self.dialect, p)
        score = (m.c.score * self._recency() if prefer_recent else m.c.score).label("score")
        base = (
            select(ResolutionRow.id, score)
            .select_from(m)
            .join(ResolutionRow, ResolutionRow.id == m.c.rid)
            .where(_resolution_filters(filters))
        )
        return self._hits(base, [score, ResolutionRow.id], p.terms, limit, offset, facets)

    def resolutions(
        self,
        filters: Filters | None = None,
        *,
        document_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
        facets: bool = False,
    ) -> Page[Hit]:
        """Resolutions by filters only (optionally of one document), newest meeting first."""
        if self.index is not None and document_id is None:
            return self._indexed(None, filters or Filters(), limit, offset, False, facets)
        clause = _resolution_filters(filters or Filters())
        if document_id is not None:
            clause = and_(clause, ResolutionRow.document_id == document_id)
        base = select(ResolutionRow.id, literal(None).label("score")).where(clause)
        return self._hits(base, _newest_first(), [], limit, offset, facets)

    def similar(self, resolution: int | tuple[str, str | None], limit: int = 10) -> list[Hit]:
        """Earlier resolutions (other documents, meeting on or before its date) most like ``resolution``.

        ``resolution`` is a resolution id or ``(document id, number)``. Its most frequent
        content words are searched (any of them, best ``SIMILAR_CANDIDATES`` by the
        backend's ranking), then re-ranked by TF-IDF cosine over index terms; ``score``
        is the negated cosine (lower is better). Unknown resolution: ``KeyError``.
        """
        with self._reading() as session:
            row = session.scalar(_resolution_by(resolution))
        if row is None:
            raise KeyError(resolution)
        own = sq.keys(row.text)
        top = _telling_terms(own, SIMILAR_TERMS)
        if not top:
            return []
        if self.index is not None:
            self._catch_up()
            found = self.index.similar(
                top, exclude_document=row.document_id, on_or_before=row.meeting_date, limit=SIMILAR_CANDIDATES
            )
            with self._reading() as session:
                by_id = self._rows([rid for rid, _ in found], session)
            rows = [(*by_id[rid], score) for rid, score in found if rid in by_id]
            return self._ranked_similar(own, top, rows, limit)
        p = sq.QueryPlan(tuple(sq.TermGroup(t) for t in top), "any")
        clauses = [ResolutionRow.id != row.id, ResolutionRow.document_id != row.document_id]
        if row.meeting_date is not None:
            clauses.append(ResolutionRow.meeting_date <= row.meeting_date)
        if self._rum:
            match, score = _rum_match(p)
            stmt = select(ResolutionRow, DocumentRow.source_name, score).where(match).order_by(score)
        else:
            m = sq.matches(self.dialect, p)
            score = m.c.score
            stmt = (
                select(ResolutionRow, DocumentRow.source_name, score)
                .select_from(m)
                .join(ResolutionRow, ResolutionRow.id == m.c.rid)
                .order_by(score, ResolutionRow.id)
            )
        stmt = (
            stmt.join(DocumentRow, DocumentRow.id == ResolutionRow.document_id)
            .where(*clauses)
            .limit(SIMILAR_CANDIDATES)
        )
        with self._reading() as session:
            rows = session.execute(stmt).all()
        return self._ranked_similar(own, top, rows, limit)

    @staticmethod
    def _ranked_similar(own: list[str], top: list[str], rows: Sequence[Any], limit: int) -> list[Hit]:
        """Candidate (row, source name, score) re-ranked by TF-IDF cosine with ``own``."""
        if not rows:
            return []
        cosine = _cosines(own, [sq.keys(r.text) for r, _, _ in rows])
        ranked = sorted(zip(rows, cosine, strict=True), key=lambda rc: (-rc[1], rc[0][0].id))[:limit]
        return [_hit(r, source, -c, top) for (r, source, _), c in ranked]

    # meaning-based search

    def embed(self, batch: int = 64) -> int:
        """Embed the stored resolutions that have no embedding yet (needs ``mati[semantic]``); how many."""
        from nlp import embed

        done = 0
        while True:
            with self._reading() as session:
                todo = session.execute(
                    select(ResolutionRow.id, ResolutionRow.text)
                    .where(
                        ~select(EmbeddingRow.resolution_id)
                        .where(EmbeddingRow.resolution_id == ResolutionRow.id)
                        .exists()
                    )
                    .order_by(ResolutionRow.id)
                    .limit(batch)
                ).all()
            if not todo:
                return done
            vectors = embed.embed_passages([t for _, t in todo])
            with self._writing() as session:
                session.add_all(
                    EmbeddingRow(resolution_id=rid, model=embed.MODEL, vector=semantic.to_blob(v))
                    for (rid, _), v in zip(todo, vectors, strict=True)
                )
            done += len(todo)

    def _nearest(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` stored resolutions nearest ``query`` in meaning (the matrix reloaded when it grew).

        ``mati embed`` adds embeddings in id order, so the highest id tells whether more were stored:
        an index lookup, where counting would read the whole table of vectors on every query.
        """
        from nlp import embed

        vector = embed.embed_query(query)
        with self._reading() as session:
            stored = session.scalar(select(func.max(EmbeddingRow.resolution_id))) or 0
            if stored != self._vectors_seen:
                self._vectors.replace(
                    [(rid, v) for rid, v in session.execute(select(EmbeddingRow.resolution_id, EmbeddingRow.vector))]
                )
                self._vectors_seen = stored
        return self._vectors.nearest(vector, k)

    def _by_meaning(
        self, query: str, filters: Filters, mode: Mode, match: Match, limit: int, offset: int, facets: bool
    ) -> Page[Hit]:
        """Semantic or hybrid ranking: nearest by meaning within the filters, fused with lexical in hybrid;
        total and facets count the ranked pool."""
        near = self._nearest(query, SEMANTIC_POOL)
        with self._reading() as session:
            allowed = (
                set(
                    session.scalars(
                        select(ResolutionRow.id).where(
                            ResolutionRow.id.in_([rid for rid, _ in near]), _resolution_filters(filters)
                        )
                    )
                )
                if near
                else set()
            )
        near = [(rid, c) for rid, c in near if rid in allowed]
        if mode == "semantic":
            ranked = [(rid, -c) for rid, c in near]
        else:
            lexical = self.search(query, filters, match=match, limit=HYBRID_POOL)
            fused = semantic.fuse([[h.id for h in lexical.items], [rid for rid, _ in near[:HYBRID_POOL]]])
            ranked = [(rid, -f) for rid, f in fused]
        page = ranked[offset : offset + limit]
        with self._reading() as session:
            rows = self._rows([rid for rid, _ in page], session)
            pool = select(ResolutionRow.id).where(ResolutionRow.id.in_([rid for rid, _ in ranked]))
            counts = (_facet_counts(session, pool) if ranked else _no_facets()) if facets else None
        terms = sq.plan(query, match).terms
        items = [_hit(*rows[rid], score, terms) for rid, score in page if rid in rows]
        return Page(items=items, total=len(ranked), limit=limit, offset=offset, facets=counts, total_exact=False)

    def _recency(self) -> Any:
        """A factor in (0, 1]: 1 for a meeting today, 1/2 at the half-life, smaller when older or undated."""
        today = dt.date.today()
        if self.dialect == "sqlite":
            age: Any = func.julianday(today.isoformat()) - func.julianday(ResolutionRow.meeting_date)
        else:
            age = cast(literal(today, Date) - ResolutionRow.meeting_date, Float)
        age = func.coalesce(case((age < 0, 0.0), else_=age), 5 * sq.RECENCY_HALF_LIFE_DAYS)
        return 1.0 / (1.0 + age / float(sq.RECENCY_HALF_LIFE_DAYS))

    def _hits(
        self,
        base: Select[Any],
        order: Sequence[Any],
        terms: Sequence[str],
        limit: int,
        offset: int,
        facets: bool = False,
    ) -> Page[Hit]:
        """One page of ``base`` (selecting resolution id and score) in ``order``, with total and facets.

        Counting, sorting and paging run over (id, score) only; whole rows are read for the page alone.
        """
        with self._reading() as session:
            counts = _facet_counts(session, base) if facets else None
            total = sum(counts["kind"].values()) if counts else (session.scalar(sq.count_of(base)) or 0)
            page = session.execute(sq.paged(base.order_by(*order), limit, offset)).all() if total else []
            rows = self._rows([rid for rid, _ in page], session)
        items = [_hit(*rows[rid], score, terms) for rid, score in page]
        return Page(items=items, total=total, limit=limit, offset=offset, facets=counts)

    def _indexed(
        self, p: sq.QueryPlan | None, filters: Filters, limit: int, offset: int, prefer_recent: bool, facets: bool
    ) -> Page[Hit]:
        """One page from the embedded index (query, filters, total, facets), rows read from SQLite."""
        assert self.index is not None
        self._catch_up()
        found = self.index.search(p, filters, limit=limit, offset=offset, prefer_recent=prefer_recent, facets=facets)
        with self._reading() as session:
            rows = self._rows([rid for rid, _ in found.hits], session)
        terms = p.terms if p is not None else ()
        items = [_hit(*rows[rid], score, terms) for rid, score in found.hits if rid in rows]
        return Page(items=items, total=found.total, limit=limit, offset=offset, facets=found.facets)

    def _ranked_by_rum(
        self, p: sq.QueryPlan, filters: Filters, limit: int, offset: int, facets: bool, prefer_recent: bool
    ) -> Page[Hit]:
        """PostgreSQL with RUM: the best matches ordered from the index (``prefer_recent``: the best
        ``RECENT_POOL`` re-ranked by age, as the embedded index does); counts capped at ``TOTAL_CAP``."""
        match, distance = _rum_match(p)
        clause = _resolution_filters(filters)
        capped = select(ResolutionRow.id).where(match, clause).limit(TOTAL_CAP + 1)
        pool = max(sq.RECENT_POOL, offset + limit) if prefer_recent else limit
        page_stmt = (  # ordered by the distance alone: a second key would sort every match (6 s at 1M)
            select(ResolutionRow.id, distance.label("score"), ResolutionRow.meeting_date)
            .where(match, clause)
            .order_by(distance)
            .limit(pool)
            .offset(0 if prefer_recent else offset)
        )
        with self._reading() as session:
            session.execute(text("SET LOCAL enable_seqscan = off"))  # count from the index, never a table scan
            session.execute(text(f"SET LOCAL work_mem = '{RUM_WORK_MEM}'"))  # exact bitmaps: fewer rechecks
            counts = _facet_counts(session, capped) if facets else None
            total = sum(counts["kind"].values()) if counts else (session.scalar(sq.count_of(capped)) or 0)
            found = session.execute(page_stmt).all() if total and limit else []
            if prefer_recent:
                today = dt.date.today()
                ranked = sorted(
                    ((rid, d / sq.recency(day, today)) for rid, d, day in found), key=lambda rs: (rs[1], rs[0])
                )
                page = ranked[offset : offset + limit]
            else:
                page = [(rid, d) for rid, d, _ in found]
            rows = self._rows([rid for rid, _ in page], session)
        items = [_hit(*rows[rid], score, p.terms) for rid, score in page]
        exact = total <= TOTAL_CAP
        return Page(
            items=items, total=min(total, TOTAL_CAP), limit=limit, offset=offset, facets=counts, total_exact=exact
        )

    def _catch_up(self) -> None:
        if self._stale:
            try:
                self.sync()
            except Exception:
                log.exception("search index could not catch up")

    @staticmethod
    def _rows(ids: Sequence[int], session: Session) -> dict[int, tuple[ResolutionRow, str]]:
        """Resolution rows by id with their document's source name."""
        if not ids:
            return {}
        stmt = (
            select(ResolutionRow, DocumentRow.source_name)
            .join(DocumentRow, DocumentRow.id == ResolutionRow.document_id)
            .where(ResolutionRow.id.in_(list(ids)))
        )
        return {r.id: (r, source) for r, source in session.execute(stmt)}

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
        return [AgencyCount(id=i, name=n, abbreviation=a, mentions=m or 0, documents=d) for i, n, a, m, d in rows]


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
    if f.open_actions is not None:
        still_open = (
            select(ActionRow.id)
            .where(
                ActionRow.document_id == ResolutionRow.document_id,
                ActionRow.resolution == ResolutionRow.number,
                or_(ActionRow.due.is_(None), ActionRow.due >= dt.date.today()),
            )
            .exists()
        )
        clauses.append(still_open if f.open_actions else ~still_open)
    return sq.combine(clauses)


def _rum_match(p: sq.QueryPlan) -> tuple[Any, Any]:
    """PostgreSQL: the plan's match (``search @@ q``) and RUM distance (``search <=> q``, lower is better)."""
    query = cast(literal(sq.tsquery(p)), TSQUERY)
    search = literal_column("resolutions.search")
    return search.op("@@", is_comparison=True)(query), search.op("<=>", return_type=Float)(query)


def _no_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in ("kind", "body", "year", "agency")}


def _facet_counts(session: Session, stmt: Select[Any]) -> dict[str, dict[str, int]]:
    """Counts per kind, body, year and agency (top ``FACET_TOP_AGENCIES``) over all rows of ``stmt``.

    One statement: the matches (and the MATCH) are materialised once and grouped four ways.
    """
    hits = (
        stmt.with_only_columns(
            ResolutionRow.id,
            ResolutionRow.kind,
            func.coalesce(ResolutionRow.body_name, ResolutionRow.body_abbreviation).label("body"),
            ResolutionRow.meeting_date,
        )
        .order_by(None)
        .cte("facet_hits")
        .prefix_with("MATERIALIZED")
    )
    n = func.count().label("n")
    year = extract("year", hits.c.meeting_date)
    by_agency = (
        select(literal_column("'agency'").label("facet"), ResolutionAgencyRow.agency_id.label("value"), n)
        .join(hits, hits.c.id == ResolutionAgencyRow.resolution_id)
        .group_by(ResolutionAgencyRow.agency_id)
        .order_by(n.desc(), ResolutionAgencyRow.agency_id)
        .limit(sq.FACET_TOP_AGENCIES)
        .subquery()
    )
    stmt_all = union_all(
        select(literal_column("'kind'"), hits.c.kind, n).group_by(hits.c.kind),
        select(literal_column("'body'"), hits.c.body, n).where(hits.c.body.is_not(None)).group_by(hits.c.body),
        select(literal_column("'year'"), cast(year, String), n).where(hits.c.meeting_date.is_not(None)).group_by(year),
        select(by_agency.c.facet, by_agency.c.value, by_agency.c.n),
    )
    out = _no_facets()
    for facet, value, count in session.execute(stmt_all):
        out[facet][str(value)] = count
    out["agency"] = dict(sorted(out["agency"].items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _resolution_by(resolution: int | tuple[str, str | None]) -> Select[tuple[ResolutionRow]]:
    if isinstance(resolution, int):
        return select(ResolutionRow).where(ResolutionRow.id == resolution)
    doc_id, number = resolution
    same_number = ResolutionRow.number.is_(None) if number is None else ResolutionRow.number == number
    return (
        select(ResolutionRow)
        .where(ResolutionRow.document_id == doc_id, same_number)
        .order_by(ResolutionRow.position)
        .limit(1)
    )


def _telling_terms(terms: Sequence[str], n: int) -> list[str]:
    """The ``n`` most frequent content words (no stop words, numbers or single letters), longer first on ties."""
    from collections import Counter

    from pythainlp.corpus import thai_stopwords

    stop = thai_stopwords()
    counts = Counter(t for t in terms if len(t) > 1 and not t.isdigit() and t not in stop)
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[:n]]


def _cosines(own: list[str], others: list[list[str]]) -> list[float]:
    """TF-IDF cosine of ``own`` with each of ``others`` (IDF over these documents; scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    vectorizer = TfidfVectorizer(analyzer=lambda terms: terms, sublinear_tf=True)
    matrix = vectorizer.fit_transform([own, *others])
    return [float(x) for x in linear_kernel(matrix[0:1], matrix[1:]).ravel()]


def _newest_first() -> list[Any]:
    return [ResolutionRow.meeting_date.desc().nulls_last(), ResolutionRow.document_id, ResolutionRow.position]


def _hit(r: ResolutionRow, source_name: str, score: float | None, terms: Sequence[str]) -> Hit:
    return Hit(
        id=r.id,
        document_id=r.document_id,
        source_name=source_name,
        number=r.number,
        kind=Kind(r.kind),
        text=r.text,
        snippet=sq.snippet(r.text, terms),
        body=tables.body_label(r.body_name, r.body_abbreviation),
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
        body=tables.body_label(d.body_name, d.body_abbreviation),
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
        body=tables.body_label(d.body_name, d.body_abbreviation),
        session=d.session,
        resolutions=resolutions,
        ingested_at=d.ingested_at.replace(tzinfo=dt.UTC),
    )

"""The embedded full-text index: resolutions in a tantivy index beside the SQLite store.

SQLite keeps the records (the truth); this index is derived from them and can be
rebuilt at any time (``Store.reindex``). It holds, per resolution, the three
pre-split term fields of ``corpus.search.IndexDoc`` (whitespace-tokenised, positions
kept for phrases) and the metadata every filter and facet needs as fast fields, so a
query, its filters, its total and its facets are answered by the index alone; SQLite
then reads the page's rows by id. Tantivy ranks with BM25 and collects the top
results without scoring every match of a common word, which is what keeps p95 low at
a million resolutions (see ``bench/search_scale.py``).

One writer at a time per index (a lock file): writers from other processes are waited
for up to ``LOCK_WAIT_S``. Readers reload before each search, so commits of other
processes (a second API worker, ``mati ingest``) are seen at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy as tv

from corpus import search as sq
from corpus.search import Filters, IndexDoc, QueryPlan
from mati.errors import MatiError
from mati.record import Kind

log = logging.getLogger(__name__)

WRITER_HEAP = 64 * 1024 * 1024
BULK_WRITER_HEAP = 512 * 1024 * 1024
LOCK_WAIT_S = 30.0
NO_DATE = 0  # the ``day`` of an undated meeting (sorts last, newest first)
FOREVER = dt.date.max.toordinal()  # ``open_until`` of an action with no due date
_KEY_BITS = 32  # ``order`` = day << 32 | (2**32 - 1 - rid): newest meeting first, then stored order


class IndexBusy(MatiError):
    """Another process held the index writer for longer than ``LOCK_WAIT_S``."""

    status = 503


@dataclass(frozen=True, slots=True)
class Entry:
    """One resolution as the index holds it."""

    rid: int
    document_id: str
    kind: str
    body: str | None  # the meeting body as shown: its name, else its abbreviation
    body_names: Sequence[str]  # its written name and abbreviation (for the body filter)
    body_id: str | None  # its registry id
    meeting_date: dt.date | None
    agency_ids: Sequence[str]
    agency_names: Sequence[str]  # stored names and abbreviations (for agencies unknown to the registry)
    open_until: dt.date | None  # latest due date of its actions (``date.max`` if one has none); no actions: None
    terms: IndexDoc


@dataclass(frozen=True, slots=True)
class Found:
    """Resolution ids (with score, ``None`` when not ranked) for one page, the total and facets."""

    hits: list[tuple[int, float | None]]
    total: int
    facets: dict[str, dict[str, int]] | None


def _schema() -> tv.Schema:
    b = tv.SchemaBuilder()
    b.add_unsigned_field("rid", stored=False, indexed=True, fast=True)
    b.add_text_field("doc", stored=False, tokenizer_name="raw", index_option="basic")
    for name in sq.FIELDS:
        b.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="position")
    for name in ("kind", "body", "body_name", "body_id", "agency", "agency_name"):
        b.add_text_field(name, stored=False, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("day", "year", "open_until", "order"):
        b.add_integer_field(name, stored=False, indexed=True, fast=True)
    return b.build()


SCHEMA = _schema()


def _document(e: Entry) -> tv.Document:
    d = tv.Document()
    d.add_unsigned("rid", e.rid)
    d.add_text("doc", e.document_id)
    for name in sq.FIELDS:
        terms = e.terms.field(name)
        if terms:
            d.add_text(name, " ".join(terms))
    d.add_text("kind", e.kind)
    if e.body:
        d.add_text("body", e.body)
    for n in dict.fromkeys(e.body_names):
        d.add_text("body_name", n)
    if e.body_id:
        d.add_text("body_id", e.body_id)
    for a in dict.fromkeys(e.agency_ids):
        d.add_text("agency", a)
    for n in dict.fromkeys(e.agency_names):
        d.add_text("agency_name", n)
    day = e.meeting_date.toordinal() if e.meeting_date else NO_DATE
    d.add_integer("day", day)
    if e.meeting_date:
        d.add_integer("year", e.meeting_date.year)
    if e.open_until:
        d.add_integer("open_until", e.open_until.toordinal())
    d.add_integer("order", (day << _KEY_BITS) | ((1 << _KEY_BITS) - 1 - e.rid))
    return d


class TextIndex:
    """A tantivy index of resolutions at ``path`` (a directory), or in memory when ``path`` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is None:
            self._index = tv.Index(SCHEMA)
        else:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self._index = tv.Index(SCHEMA, path=str(path), reuse=True)
            except ValueError as e:  # written by another version of Mati: start afresh, the store refills it
                if "schema does not match" not in str(e):
                    raise
                log.warning("search index at %s has another schema: rebuilding it", path)
                for old in path.iterdir():
                    shutil.rmtree(old) if old.is_dir() else old.unlink()
                self._index = tv.Index(SCHEMA, path=str(path), reuse=True)
        self._lock = threading.Lock()
        self._labels: tuple[int, dict[str, list[str]]] | None = None  # (num_docs, distinct labels per field)

    # writing

    @contextmanager
    def _writer(self, heap: int) -> Iterator[Any]:
        """The index writer (waiting for another process's), committed on success, rolled back on error."""
        with self._lock:
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    writer = self._index.writer(heap_size=heap, num_threads=1)
                    break
                except ValueError as e:
                    if "LockBusy" not in str(e) or time.monotonic() > deadline:
                        raise IndexBusy(f"search index is locked by another writer: {e}") from e
                    time.sleep(0.05)
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            self._index.reload()

    def add(self, entries: Iterable[Entry], *, bulk: bool = False) -> int:
        """Index ``entries`` in one commit, replacing any entry of the same resolution; returns how many.

        Replacing matters: another process may catch an entry up (``Store.sync``) between the
        commit of its record and this call.
        """
        todo = list(entries)
        if not todo:
            return 0
        with self._writer(BULK_WRITER_HEAP if bulk else WRITER_HEAP) as w:
            w.delete_documents_by_query(tv.Query.term_set_query(SCHEMA, "rid", [e.rid for e in todo]))
            for e in todo:
                w.add_document(_document(e))
        return len(todo)

    def clear(self) -> None:
        with self._writer(WRITER_HEAP) as w:
            w.delete_all_documents()

    # reading

    def _searcher(self) -> Any:
        self._index.reload()
        return self._index.searcher()

    def __len__(self) -> int:
        return int(self._searcher().num_docs)

    def ids(self) -> set[int]:
        """Every indexed resolution id."""
        s = self._searcher()
        n = s.num_docs
        if not n:
            return set()
        found = s.search(tv.Query.all_query(), n, count=False, order_by_field="rid")
        return set(s.fast_field_values("rid", [a for _, a in found.hits]))

    def search(
        self,
        plan: QueryPlan | None,
        filters: Filters,
        *,
        limit: int,
        offset: int,
        prefer_recent: bool = False,
        facets: bool = False,
        today: dt.date | None = None,
    ) -> Found:
        """Matches of ``plan`` (BM25, best first; None: all, newest meeting first) within ``filters``."""
        s = self._searcher()
        today = today or dt.date.today()
        clauses = self._filters(s, filters, today)
        text_q = _text_query(plan) if plan is not None else None
        if text_q is None:
            query = _all_of(clauses)
            found = s.search(query, max(limit, 1), count=True, order_by_field="order", offset=offset)
            hits = [(rid, None) for rid in s.fast_field_values("rid", [a for _, a in found.hits])]
        elif prefer_recent:
            query = _all_of([(tv.Occur.Must, text_q), *clauses])
            pool = max(sq.RECENT_POOL, offset + limit)
            found = s.search(query, pool, count=True)
            addrs = [a for _, a in found.hits]
            rids = s.fast_field_values("rid", addrs)
            days = s.fast_field_values("day", addrs)
            ranked = sorted(
                (
                    (rid, score * sq.recency(dt.date.fromordinal(day) if day else None, today))
                    for (score, _), rid, day in zip(found.hits, rids, days, strict=True)
                ),
                key=lambda rs: (-rs[1], rs[0]),
            )
            hits = [(rid, -score) for rid, score in ranked[offset : offset + limit]]
        else:
            query = _all_of([(tv.Occur.Must, text_q), *clauses])
            found = s.search(query, max(limit, 1), count=True, offset=offset)
            rids = s.fast_field_values("rid", [a for _, a in found.hits])
            hits = sorted(((rid, -score) for (score, _), rid in zip(found.hits, rids, strict=True)), key=_best)
        counts = _facets(s, query) if facets and found.count else (_empty_facets() if facets else None)
        return Found(hits[:limit], found.count, counts)  # tantivy wants a limit of at least 1

    def similar(
        self, terms: Sequence[str], *, exclude_document: str, on_or_before: dt.date | None, limit: int
    ) -> list[tuple[int, float]]:
        """Best matches of any of ``terms`` in other documents, meetings on or before a date."""
        if not terms:
            return []
        s = self._searcher()
        clauses: list[tuple[Any, Any]] = [(tv.Occur.Should, tv.Query.term_query(SCHEMA, "words", t)) for t in terms]
        query = tv.Query.boolean_query(
            [
                (tv.Occur.Must, tv.Query.boolean_query(clauses)),
                (tv.Occur.MustNot, tv.Query.term_query(SCHEMA, "doc", exclude_document)),
                *([(tv.Occur.Must, _range("day", 1, on_or_before.toordinal()))] if on_or_before is not None else []),
            ]
        )
        found = s.search(query, max(limit, 1), count=False)
        rids = s.fast_field_values("rid", [a for _, a in found.hits])
        return [(rid, -score) for (score, _), rid in zip(found.hits, rids, strict=True)]

    # filters

    def _filters(self, s: Any, f: Filters, today: dt.date) -> list[tuple[Any, Any]]:
        """Filter clauses (scoring nothing)."""
        out: list[tuple[Any, Any]] = []
        if f.date_from is not None or f.date_to is not None:
            lo = f.date_from.toordinal() if f.date_from else 1
            hi = f.date_to.toordinal() if f.date_to else None
            out.append(_filter(_range("day", lo, hi)))
        if f.kind is not None:
            out.append(_filter(tv.Query.term_query(SCHEMA, "kind", Kind(f.kind).value)))
        if f.body:
            needle = f.body.strip()
            entry = sq.registry_entry(needle)
            either = [_term_set("body_name", self._labels_with(s, "body_name", needle))]
            if entry is not None:
                either.append(tv.Query.term_query(SCHEMA, "body_id", entry.id))
            out.append(_filter(_any_of(either)))
        if f.agency:
            ids = sorted(sq.agency_ids(f.agency))
            either = [_term_set("agency", ids)]
            if sq.registry_entry(f.agency) is None:
                either.append(_term_set("agency_name", self._labels_with(s, "agency_name", f.agency.strip())))
            out.append(_filter(_any_of(either)))
        if f.open_actions is not None:
            still_open = _range("open_until", today.toordinal(), None)
            out.append((tv.Occur.Must, still_open) if f.open_actions else (tv.Occur.MustNot, still_open))
        return out

    def _labels_with(self, s: Any, field: str, needle: str) -> list[str]:
        """Distinct stored values of a label field containing ``needle`` (cached per index size)."""
        n = s.num_docs
        if self._labels is None or self._labels[0] != n:
            self._labels = (n, {})
        cache = self._labels[1]
        if field not in cache:
            agg = s.aggregate(tv.Query.all_query(), {"v": {"terms": {"field": field, "size": 100_000}}})
            cache[field] = [b["key"] for b in agg["v"]["buckets"]]
        return [v for v in cache[field] if needle and needle in v]


def _best(hit: tuple[int, float]) -> tuple[float, int]:
    """Best first (lower score), ties by id: the order of the SQL backends."""
    return hit[1], hit[0]


def _range(field: str, lo: int | None, hi: int | None) -> Any:
    return tv.Query.range_query(SCHEMA, field, tv.FieldType.Integer, lo, hi)


def _term_set(field: str, values: Sequence[str]) -> Any:
    return tv.Query.term_set_query(SCHEMA, field, list(values)) if values else tv.Query.empty_query()


def _filter(q: Any) -> tuple[Any, Any]:
    return (tv.Occur.Must, tv.Query.const_score_query(q, 0.0))


def _any_of(queries: Sequence[Any]) -> Any:
    return queries[0] if len(queries) == 1 else tv.Query.boolean_query([(tv.Occur.Should, q) for q in queries])


def _all_of(clauses: Sequence[tuple[Any, Any]]) -> Any:
    if not any(occur == tv.Occur.Must for occur, _ in clauses):
        clauses = [(tv.Occur.Must, tv.Query.all_query()), *clauses]
    return tv.Query.boolean_query(list(clauses))


def _phrase(field: str, toks: Sequence[str]) -> Any:
    q = (
        tv.Query.term_query(SCHEMA, field, toks[0])
        if len(toks) == 1
        else tv.Query.phrase_query(SCHEMA, field, list(toks))
    )
    return tv.Query.boost_query(q, sq.WEIGHTS[field])  # type: ignore[index]


def _text_query(p: QueryPlan) -> Any | None:
    """The plan as a tantivy query: groups AND-ed (or OR-ed); adjacent words and the whole agency name add."""
    groups = [_any_of([_phrase(name, toks) for name, toks in g.alternatives()]) for g in p.groups]
    occur = tv.Occur.Should if p.match == "any" else tv.Occur.Must
    parts: list[Any] = []
    if groups:
        parts.append(groups[0] if len(groups) == 1 else tv.Query.boolean_query([(occur, q) for q in groups]))
    if p.phrase:
        parts.append(_phrase("words", p.phrase))
    if p.agency:
        parts.append(_phrase("agencies", p.agency))
    if not parts:
        return None
    return _any_of(parts)


def _facets(s: Any, query: Any) -> dict[str, dict[str, int]]:
    """Counts per kind, body, year and agency (top ``FACET_TOP_AGENCIES``) over all matches."""
    aggs = {
        "kind": {"terms": {"field": "kind", "size": len(Kind)}},
        "body": {"terms": {"field": "body", "size": 1000}},
        "year": {"terms": {"field": "year", "size": 1000}},
        "agency": {"terms": {"field": "agency", "size": sq.FACET_TOP_AGENCIES}},
    }
    result = s.aggregate(query, aggs)
    out = _empty_facets()
    for name in aggs:
        for b in result[name]["buckets"]:
            key = b["key"]
            out[name][str(int(key)) if isinstance(key, float) else str(key)] = b["doc_count"]
    out["agency"] = dict(sorted(out["agency"].items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in ("kind", "body", "year", "agency")}

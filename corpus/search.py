"""Searching stored resolutions: the query models, the SQL, and snippets in real Thai.

The full-text index (SQLite FTS5, table ``resolutions_fts``) holds each resolution's
index terms (``nlp.tokenize.index_terms``) joined by spaces, because FTS5 cannot
segment Thai itself. The table is declared with
``tokenize="unicode61 categories 'L* N* Co M*' remove_diacritics 0"`` so Thai vowel
and tone marks (category M) stay inside tokens instead of splitting words apart.

Queries go through the same ``index_terms``; each term is quoted (so it is a literal,
never FTS5 syntax) and terms are AND-ed (or OR-ed with ``match="any"``). The MATCH runs
in a materialised CTE and metadata filters are joined afterwards: letting the planner
start from a filter index instead can be ~50x slower.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Float, Integer, Select, and_, func, literal, or_, select, text
from sqlalchemy.orm import InstrumentedAttribute

from mati.record import Kind
from nlp.normalize import digits
from nlp.registry import registry
from nlp.tokenize import index_terms, tokens

T = TypeVar("T")
Match = Literal["all", "any"]

FTS_TABLE = "resolutions_fts"
FTS_TOKENIZE = "unicode61 categories 'L* N* Co M*' remove_diacritics 0"
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 160


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Filters(_Model):
    """Metadata filters; all optional, combined with AND."""

    agency: str | None = Field(default=None, description="agency id or any written form; sub-units included")
    body: str | None = Field(default=None, description="the meeting body: id, name or abbreviation")
    kind: Kind | None = None
    date_from: dt.date | None = Field(default=None, description="meeting date on or after")
    date_to: dt.date | None = Field(default=None, description="meeting date on or before")


class Hit(_Model):
    """One matching resolution."""

    document_id: str
    source_name: str
    number: str | None = None
    kind: Kind
    text: str
    snippet: str = Field(description="HTML-escaped text around the first match, terms in <mark>…</mark>")
    body: str | None = None
    session: str | None = None
    meeting_date: dt.date | None = None
    score: float | None = Field(default=None, description="bm25, lower is better; null without a query")


class Page(_Model, Generic[T]):
    """One page of results."""

    items: list[T]
    total: int
    limit: int
    offset: int


class DocumentSummary(_Model):
    """A stored document in a listing."""

    id: str
    source_name: str
    media_type: str
    title: str = ""
    published: dt.date | None = None
    meeting_date: dt.date | None = None
    body: str | None = None
    session: str | None = None
    resolutions: int = 0
    ingested_at: dt.datetime


class ActionHit(_Model):
    """One stored action with where it came from."""

    document_id: str
    source_name: str
    resolution: str | None = None
    agency: str
    agency_id: str | None = None
    task: str
    due: dt.date | None = None
    meeting_date: dt.date | None = None
    body: str | None = None
    session: str | None = None


class AgencyCount(_Model):
    """An agency named in stored records."""

    id: str
    name: str
    abbreviation: str | None = None
    mentions: int = Field(description="mentions across all stored documents")
    documents: int = Field(description="documents naming it")


# --- query terms -------------------------------------------------------------------------


def fts_key(term: str) -> str:
    """What FTS5 keeps of a term: letters, numbers, marks and private-use characters."""
    return "".join(ch for ch in term if _kept(unicodedata.category(ch)))


def _kept(category: str) -> bool:
    return category[0] in "LNM" or category == "Co"


def query_terms(q: str) -> list[str]:
    """Distinct index terms of a query, in order, keeping only those FTS5 can match."""
    return list(dict.fromkeys(t for t in index_terms(q) if fts_key(t)))


def fts_expression(terms: Sequence[str], match: Match = "all") -> str:
    """An FTS5 MATCH expression: each term a quoted string, AND-ed (or OR-ed)."""
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    return (" OR " if match == "any" else " AND ").join(quoted)


def fts_matches(expression: str) -> Any:
    """CTE of (rid, score) for resolutions matching, materialised so the MATCH runs first."""
    stmt = text(
        f"SELECT rowid AS rid, bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query"
    ).bindparams(fts_query=expression)
    return stmt.columns(rid=Integer, score=Float).cte("fts_hits").prefix_with("MATERIALIZED")


# --- filters -----------------------------------------------------------------------------


def agency_ids(agency: str) -> set[str]:
    """Registry ids an agency filter stands for: the agency and every unit under it."""
    reg = registry()
    entry = reg.get(agency) or reg.lookup(agency)
    return reg.descendants(entry.id) if entry else {agency}


def agency_clause(agency: str, id_col: InstrumentedAttribute[Any], name_cols: Iterable[Any]) -> Any:
    """Rows whose agency id is among ``agency_ids`` or (unknown names) whose stored name matches."""
    ids = agency_ids(agency)
    clauses = [id_col.in_(sorted(ids))]
    entry = registry().get(agency) or registry().lookup(agency)
    if entry is None:
        needle = agency.strip()
        for col in name_cols:
            clauses.append(col == needle)
            clauses.append(col.contains(needle, autoescape=True))
    return or_(*clauses)


def body_clause(body: str, id_col: Any, name_col: Any, abbr_col: Any) -> Any:
    """Meeting body by registry id, written name or abbreviation (partial names match)."""
    needle = body.strip()
    entry = registry().get(needle) or registry().lookup(needle)
    clauses = [name_col.contains(needle, autoescape=True), abbr_col == needle]
    if entry is not None:
        clauses.append(id_col == entry.id)
    return or_(*clauses)


def date_clauses(col: Any, start: dt.date | None, end: dt.date | None) -> list[Any]:
    """``start <= col <= end`` for the bounds given."""
    out = []
    if start is not None:
        out.append(col >= start)
    if end is not None:
        out.append(col <= end)
    return out


def always() -> Any:
    """A true clause (for ``and_`` with nothing in it)."""
    return literal(True)


def combine(clauses: Sequence[Any]) -> Any:
    return and_(*clauses) if clauses else always()


def paged(stmt: Select[Any], limit: int, offset: int) -> Select[Any]:
    return stmt.limit(limit).offset(offset)


def count_of(stmt: Select[Any]) -> Select[Any]:
    """``SELECT count(*)`` over a statement (its ordering dropped)."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


# --- snippets ----------------------------------------------------------------------------


def _term_spans(text_: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of the words of ``text_`` whose index term is one of ``terms``."""
    keys = {fts_key(t) for t in terms}
    spans = [(t.start, t.end) for t in tokens(text_) if fts_key(digits(t.text).lower()) in keys]
    if spans:
        return spans
    # the text segmented differently than the index did: fall back to plain substrings
    lowered = digits(text_).lower()
    found = []
    for term in terms:
        at = lowered.find(term)
        while at >= 0 and term:
            found.append((at, at + len(term)))
            at = lowered.find(term, at + len(term))
    return sorted(found)


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one (two marked words in a row read as one mark)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def snippet(text_: str, terms: Sequence[str]) -> str:
    """HTML-escaped text around the first matched term, matched words in ``<mark>``."""
    spans = _merged(_term_spans(text_, terms)) if terms else []
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_BEFORE)
    end = min(len(text_), first + SNIPPET_AFTER)
    start = _soft_boundary(text_, start, backward=True)
    end = _soft_boundary(text_, end, backward=False)
    out, pos = [], start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(html.escape(text_[pos:s]))
        out.append(f"<mark>{html.escape(text_[s:e])}</mark>")
        pos = e
    out.append(html.escape(text_[pos:end]))
    body = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text_) else "")


def _soft_boundary(text_: str, at: int, *, backward: bool) -> int:
    """Move ``at`` to a nearby space (within 20 chars) so a snippet does not cut a word."""
    if at <= 0 or at >= len(text_):
        return at
    rng = range(at, max(0, at - 20), -1) if backward else range(at, min(len(text_), at + 20))
    for i in rng:
        if text_[i].isspace():
            return i + 1 if backward else i
    return at

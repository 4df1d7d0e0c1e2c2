"""Searching stored resolutions: the query models, the index fields, the SQL, and snippets in real Thai.

Thai is segmented in Python (``nlp.tokenize.index_terms``) and every backend indexes the
same three fields of pre-split terms (``IndexDoc``):

- ``words``: the newmm words (Thai digits as Arabic, lower case, punctuation dropped
  so ``สป.มท.`` is the one term ``สปมท``);
- ``subwords``: the syllables of every Thai word, so a one-syllable query word found
  only inside a compound (``น้ำ`` in ``แหล่งน้ำ``) matches;
- ``pairs``: every two adjacent syllables as one term, so a longer query word found
  only inside a compound (``บริหาร`` in ``การบริหาร``, ``ประชุม`` in ``ห้องประชุม``) or
  split differently by the segmenter matches as one pair term or a phrase of pairs:
  a phrase of single syllables (all very common) costs ~100x more to match;
- ``agencies``: the registry name, abbreviation and aliases of every agency linked to
  the resolution, so ``สำนักงานปลัดกระทรวงมหาดไทย`` finds text that only says ``สป.มท.``
  and the reverse (a query term that is an agency surface also matches its canonical
  name there).

A query becomes a ``QueryPlan`` (one ``TermGroup`` per query word: the word, its
syllables, its agency name) rendered per backend: a tantivy query ranked by BM25 with
the filters inside it (embedded default, ``corpus.textindex``), or a ``tsquery`` over
``resolutions.search`` (a positional ``tsvector``, GIN index) ranked by ``ts_rank_cd``
(PostgreSQL), whose match runs in a materialised CTE with the metadata filters joined
afterwards: letting the planner start from a filter index instead can be ~50x slower.
Scores are "lower is better" on both.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Float, Integer, Select, and_, func, literal, or_, select, text
from sqlalchemy.orm import InstrumentedAttribute

from mati.record import Kind
from nlp.normalize import digits
from nlp.registry import Entry, registry
from nlp.tokenize import index_terms, tokens

T = TypeVar("T")
Match = Literal["all", "any"]
Field_ = Literal["words", "subwords", "pairs", "agencies"]

FIELDS: tuple[Field_, ...] = ("words", "subwords", "pairs", "agencies")
# relative weight of a match in each field (an exact word counts most)
WEIGHTS: dict[Field_, float] = {"words": 1.0, "subwords": 0.4, "pairs": 0.4, "agencies": 0.6}
PG_WEIGHT_LETTER: dict[Field_, str] = {"words": "A", "subwords": "B", "pairs": "B", "agencies": "C"}
PG_MAX_POSITION = 16383
RECENCY_HALF_LIFE_DAYS = 2 * 365  # prefer_recent: a meeting this old counts half
RECENT_POOL = 200  # prefer_recent on an index that ranks by itself: its best matches re-ranked by age
FACET_TOP_AGENCIES = 20
_THAI_WORD = re.compile(r"^[\u0e01-\u0e4e]+$")
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 160
SNIPPET_MARGIN = 40  # characters segmented beyond the snippet, so its edge words are whole


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Filters(_Model):
    """Metadata filters; all optional, combined with AND."""

    agency: str | None = Field(default=None, description="agency id or any written form; sub-units included")
    body: str | None = Field(default=None, description="the meeting body: id, name or abbreviation")
    kind: Kind | None = None
    date_from: dt.date | None = Field(default=None, description="meeting date on or after")
    date_to: dt.date | None = Field(default=None, description="meeting date on or before")
    open_actions: bool | None = Field(
        default=None,
        description="true: resolutions with an action still open (due today or later, or no due date); "
        "false: resolutions without one",
    )


class Hit(_Model):
    """One matching resolution."""

    id: int | None = Field(default=None, description="the resolution's id (for /resolutions/{id}/similar)")
    document_id: str
    source_name: str
    number: str | None = None
    kind: Kind
    text: str
    snippet: str = Field(description="HTML-escaped text around the first match, terms in <mark>…</mark>")
    body: str | None = None
    session: str | None = None
    meeting_date: dt.date | None = None
    score: float | None = Field(
        default=None,
        description="bm25 (SQLite) or -ts_rank_cd (PostgreSQL): lower is better; null without a query",
    )


class Page(_Model, Generic[T]):
    """One page of results."""

    items: list[T]
    total: int
    limit: int
    offset: int
    facets: dict[str, dict[str, int]] | None = Field(
        default=None,
        description="counts over all matches: kind, body, year, agency (top 20 agency ids)",
    )
    total_exact: bool = Field(
        default=True,
        description="false: ``total`` and ``facets`` count only the first matches found (a lower bound: "
        "the server backend stops counting at 1,000; meaning-based modes rank a fixed pool)",
    )


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


@lru_cache(maxsize=100_000)
def fts_key(term: str) -> str:
    """What the index keeps of a term: letters, numbers, marks and private-use characters."""
    return "".join(ch for ch in term if _kept(unicodedata.category(ch)))


def _kept(category: str) -> bool:
    return category[0] in "LNM" or category == "Co"


def query_terms(q: str) -> list[str]:
    """Distinct index terms of a query, in order, keeping only those FTS5 can match."""
    return list(dict.fromkeys(t for t in index_terms(q) if fts_key(t)))


# --- the index fields --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the full-text index holds for one resolution: lists of keyed terms per field."""

    words: list[str]
    subwords: list[str]
    agencies: list[str]

    @property
    def pairs(self) -> list[str]:
        """Each two adjacent syllables as one term."""
        return syllable_pairs(self.subwords)

    def field(self, name: Field_) -> list[str]:
        return getattr(self, name)  # type: ignore[no-any-return]


@lru_cache(maxsize=200_000)
def syllables(word: str) -> tuple[str, ...]:
    """The syllables of a Thai word (pythainlp's offline syllable tokenizer); other words: none."""
    if not _THAI_WORD.match(word):
        return ()
    from pythainlp.tokenize import syllable_tokenize

    return tuple(k for k in (fts_key(x) for x in syllable_tokenize(word, keep_whitespace=False)) if k)


def syllable_pairs(syl: Sequence[str]) -> list[str]:
    """Each two adjacent syllables joined: ``ห้อง ประ ชุม`` → ``ห้องประ ประชุม``."""
    return [a + b for a, b in pairwise(syl)]


def keys(text_: str) -> list[str]:
    """The index terms of ``text_`` as the index stores them (``fts_key`` of each, empty ones dropped)."""
    return [k for k in (fts_key(t) for t in index_terms(text_)) if k]


@lru_cache(maxsize=8192)
def name_keys(form: str) -> tuple[str, ...]:
    """``keys`` of an agency's written form (cached: the same names recur in every record)."""
    return tuple(keys(form))


def agency_forms(agency_id: str, name: str | None = None, abbreviation: str | None = None) -> list[str]:
    """Every written form of an agency: the registry's when it knows the id, else those given."""
    entry = registry().get(agency_id)
    forms = list(entry.surfaces) if entry else [f for f in (name, abbreviation) if f]
    return list(dict.fromkeys(forms))


def index_document(text_: str, forms: Iterable[str] = ()) -> IndexDoc:
    """The index fields of a resolution's text and the written forms of its agencies."""
    words = keys(text_)
    subwords = [syl for w in words for syl in syllables(w)]
    agencies = [k for form in forms for k in name_keys(form)]
    return IndexDoc(words, subwords, agencies)


def tsvector_literal(doc: IndexDoc) -> str:
    """A PostgreSQL ``tsvector`` literal of the fields: positions kept (phrases), weight per field."""
    positions: dict[str, list[str]] = defaultdict(list)
    at = 0
    for name in FIELDS:
        letter = PG_WEIGHT_LETTER[name]
        at += 1  # a gap: a phrase never runs from one field into the next
        for term in doc.field(name):
            at += 1
            positions[term].append(f"{min(at, PG_MAX_POSITION)}{letter}")
    return " ".join(f"{_pg_quote(t)}:{','.join(ps[:256])}" for t, ps in positions.items())


def _pg_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# --- query plans -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermGroup:
    """One query word and what else may stand for it: its syllables, an agency's canonical name."""

    word: str
    subwords: tuple[str, ...] = ()
    agency: tuple[str, ...] = ()

    def alternatives(self) -> list[tuple[Field_, tuple[str, ...]]]:
        """(field, terms to match as a phrase) for each way the word can be found."""
        out: list[tuple[Field_, tuple[str, ...]]] = [("words", (self.word,))]
        syl = self.subwords
        if len(syl) == 1:
            out.append(("subwords", syl))
        elif syl:
            out.append(("pairs", tuple(syllable_pairs(syl))))
        if self.agency:
            out.append(("agencies", self.agency))
        return out


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What to match: term groups AND-ed (or OR-ed), or-else the whole query as an agency name."""

    groups: tuple[TermGroup, ...]
    match: Match = "all"
    agency: tuple[str, ...] = ()
    phrase: tuple[str, ...] = ()  # the words in order: matching them adjacent ranks higher
    terms: tuple[str, ...] = field(default=(), compare=False)  # for snippets

    def __bool__(self) -> bool:
        return bool(self.groups or self.agency)


def _agency_keys(surface: str) -> tuple[str, ...]:
    entry = registry().lookup(surface)
    return name_keys(entry.name) if entry else ()


def plan(query: str, match: Match = "all", *, expand: bool = True) -> QueryPlan:
    """The plan of a query; ``expand=False`` matches the words field only (the words-only baseline)."""
    terms = query_terms(query)
    groups: dict[str, TermGroup] = {}
    for term in terms:
        key = fts_key(term)
        if key in groups:
            continue
        if not expand:
            groups[key] = TermGroup(key)
            continue
        syl = syllables(key)
        groups[key] = TermGroup(key, syl if syl else (), _agency_keys(term))
    whole = _agency_keys(query) if expand and len(groups) > 1 else ()
    phrase = tuple(fts_key(t) for t in terms) if len(groups) > 1 else ()
    return QueryPlan(tuple(groups.values()), match, whole, phrase, tuple(terms))


def tsquery(p: QueryPlan) -> str:
    """The plan as a PostgreSQL ``tsquery`` literal (phrases with ``<->``, weights per field)."""

    def phrase(name: Field_, toks: tuple[str, ...]) -> str:
        letter = PG_WEIGHT_LETTER[name]
        return " <-> ".join(f"{_pg_quote(t)}:{letter}" for t in toks)

    def group(g: TermGroup) -> str:
        return "(" + " | ".join(phrase(n, toks) for n, toks in g.alternatives()) + ")"

    expr = (" | " if p.match == "any" else " & ").join(group(g) for g in p.groups)
    if p.phrase:
        expr = f"({expr}) | ({phrase('words', p.phrase)})"
    if p.agency:
        whole = "(" + phrase("agencies", p.agency) + ")"
        expr = f"({expr}) | {whole}" if expr else whole
    return expr


def pg_weights() -> str:
    """``ts_rank_cd`` weights array literal, ordered {D, C, B, A}."""
    by_letter = {PG_WEIGHT_LETTER[n]: WEIGHTS[n] for n in FIELDS}
    return "{" + ", ".join(str(by_letter.get(letter, 0.1)) for letter in "DCBA") + "}"


def matches(dialect: str, p: QueryPlan) -> Any:
    """PostgreSQL: CTE of (rid, score) for resolutions matching the plan, materialised so the match runs first."""
    if dialect != "postgresql":
        raise NotImplementedError(f"SQL full-text search on {dialect}: the embedded index answers there")
    stmt = text(
        "SELECT id AS rid, -ts_rank_cd(CAST(:weights AS float4[]), search, q, 1) AS score "
        "FROM resolutions, CAST(:fts_query AS tsquery) AS q WHERE search @@ q"
    ).bindparams(fts_query=tsquery(p), weights=pg_weights())
    return stmt.columns(rid=Integer, score=Float).cte("fts_hits").prefix_with("MATERIALIZED")


def recency(meeting_date: dt.date | None, today: dt.date) -> float:
    """1 for a meeting today, 1/2 at the half-life, smaller when older; undated as five half-lives."""
    age = (today - meeting_date).days if meeting_date else 5 * RECENCY_HALF_LIFE_DAYS
    return 1.0 / (1.0 + max(age, 0) / RECENCY_HALF_LIFE_DAYS)


# --- filters -----------------------------------------------------------------------------


def registry_entry(name: str) -> Entry | None:
    """The registry entry a filter names: by id, else by any written form."""
    reg = registry()
    return reg.get(name) or reg.lookup(name)


def agency_ids(agency: str) -> set[str]:
    """Registry ids an agency filter stands for: the agency and every unit under it."""
    entry = registry_entry(agency)
    return registry().descendants(entry.id) if entry else {agency}


def agency_clause(agency: str, id_col: InstrumentedAttribute[Any], name_cols: Iterable[Any]) -> Any:
    """Rows whose agency id is among ``agency_ids`` or (unknown names) whose stored name matches."""
    ids = agency_ids(agency)
    clauses = [id_col.in_(sorted(ids))]
    if registry_entry(agency) is None:
        needle = agency.strip()
        for col in name_cols:
            clauses.append(col == needle)
            clauses.append(col.contains(needle, autoescape=True))
    return or_(*clauses)


def body_clause(body: str, id_col: Any, name_col: Any, abbr_col: Any) -> Any:
    """Meeting body by registry id, written name or abbreviation (partial names match)."""
    needle = body.strip()
    entry = registry_entry(needle)
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
    wanted = {fts_key(t) for t in terms}
    spans, seen = [], set()
    lowered = digits(text_).lower()
    aligned = len(lowered) == len(text_)  # lower() may change the length of rare letters
    for t in tokens(text_):
        k = fts_key(lowered[t.start : t.end] if aligned else digits(t.text).lower())
        if k in wanted:
            spans.append((t.start, t.end))
            seen.add(k)
    # terms inside longer words (matched by their syllables) or segmented differently: substrings
    spans += _substring_spans(lowered, [t for t in terms if fts_key(t) not in seen])
    return sorted(spans)


def _substring_spans(lowered: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence of each term in ``lowered`` (the text with Arabic digits, lower case)."""
    spans = []
    for term in terms:
        at = lowered.find(term)
        while at >= 0 and term:
            spans.append((at, at + len(term)))
            at = lowered.find(term, at + len(term))
    return spans


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one (two marked words in a row read as one mark)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _spans_near_first(text_: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Spans of the terms in ``text_``: where each is written as such (fast), else by ``_term_spans``
    of the stretch a snippet can show (only that much is segmented)."""
    lowered = digits(text_).lower()
    first = {t: lowered.find(t) for t in terms if t}
    if len(lowered) == len(text_) and all(at >= 0 for at in first.values()):
        return _substring_spans(lowered, first)
    found = [at for at in first.values() if at >= 0]
    if not found:  # e.g. an abbreviation written with dots: segment it all
        return _term_spans(text_, terms)
    lo = max(0, min(found) - SNIPPET_BEFORE - SNIPPET_MARGIN)
    hi = min(len(text_), min(found) + SNIPPET_AFTER + SNIPPET_MARGIN)
    return [(s + lo, e + lo) for s, e in _term_spans(text_[lo:hi], terms)]


def snippet(text_: str, terms: Sequence[str]) -> str:
    """HTML-escaped text around the first matched term, matched words in ``<mark>``."""
    spans = _merged(_spans_near_first(text_, terms)) if terms else []
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

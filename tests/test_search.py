"""corpus.search: Thai full-text search with filters, ranking and snippets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from corpus.search import Filters, fts_key, query_terms, snippet
from corpus.store import Store
from mati.record import Kind, Record


def _ids(page: object) -> list[tuple[str, str | None]]:
    return [(h.document_id[0], h.number) for h in page.items]  # type: ignore[attr-defined]


def test_thai_words_are_found(corpus_filled: Store) -> None:
    page = corpus_filled.search("ถอดบทเรียน")
    assert sorted(_ids(page)) == [("a", "1"), ("b", "1")]
    assert page.total == 2
    assert all(h.score is not None for h in page.items)
    assert page.items[0].score <= page.items[1].score  # bm25: lower is better


def test_terms_are_anded_by_default_or_ored(corpus_filled: Store) -> None:
    assert _ids(corpus_filled.search("ถอดบทเรียน งบประมาณ")) == [("a", "1")]
    either = corpus_filled.search("ถอดบทเรียน งบประมาณ", match="any")
    assert sorted(_ids(either)) == [("a", "1"), ("a", "2"), ("b", "1")]


def test_thai_and_arabic_digits_match_each_other(corpus_filled: Store) -> None:
    # resolution a/1 writes ๒๕๖๓, a/2 writes 2563
    assert sorted(_ids(corpus_filled.search("๒๕๖๓"))) == [("a", "1"), ("a", "2")]
    assert sorted(_ids(corpus_filled.search("2563"))) == [("a", "1"), ("a", "2")]


def test_index_keeps_thai_marks_inside_terms(corpus_filled: Store) -> None:
    """A tokenizer splitting at vowel marks would index "บทเรียน" as "บทเร"+"ยน"; terms stay whole."""
    assert corpus_filled.search("บทเรียน", expand=False).total == 2
    assert corpus_filled.search("ยน", expand=False).total == 0
    assert corpus_filled.search("บทเร", expand=False).total == 0


def test_ranking_prefers_more_matches(
    corpus_store: Store, corpus_records: list[Record], corpus_make_record: Callable[..., Record]
) -> None:
    dense = corpus_make_record(
        "d" * 64,
        [("1", Kind.other, "งบประมาณ งบประมาณ งบประมาณ การใช้งบประมาณ", [])],
        date=dt.date(2019, 1, 1),
    )
    for r in [*corpus_records, dense]:
        corpus_store.add(r)
    page = corpus_store.search("งบประมาณ")
    assert page.items[0].document_id == "d" * 64


def test_filters_with_a_query(corpus_filled: Store) -> None:
    q = "ถอดบทเรียน"
    assert _ids(corpus_filled.search(q, Filters(kind=Kind.assign))) == [("b", "1")]
    assert _ids(corpus_filled.search(q, Filters(date_to=dt.date(2020, 12, 31)))) == [("a", "1")]
    assert _ids(corpus_filled.search(q, Filters(date_from=dt.date(2021, 6, 1)))) == [("b", "1")]
    assert _ids(corpus_filled.search(q, Filters(agency="สำนักงาน ก.พ.ร."))) == [("b", "1")]
    assert _ids(corpus_filled.search(q, Filters(body="ก.พ.ร."))) == [("a", "1")]
    assert _ids(corpus_filled.search(q, Filters(body="อนุกรรมการ"))) == [("b", "1")]
    assert corpus_filled.search(q, Filters(kind=Kind.reject)).total == 0


def test_agency_filter_includes_units_and_written_forms(corpus_filled: Store) -> None:
    ministry = corpus_filled.resolutions(Filters(agency="กระทรวงมหาดไทย"))
    assert sorted(_ids(ministry)) == [("a", "1"), ("a", "2")]
    assert sorted(_ids(corpus_filled.resolutions(Filters(agency="moi")))) == [("a", "1"), ("a", "2")]
    assert _ids(corpus_filled.resolutions(Filters(agency="ปค."))) == [("a", "2")]
    assert _ids(corpus_filled.resolutions(Filters(agency="สป.มท"))) == [("a", "1")]  # no final dot
    # unknown to the registry: falls back to the stored agency names
    assert _ids(corpus_filled.resolutions(Filters(agency="ศูนย์ปฏิบัติการพิเศษ"))) == [("c", "1")]
    assert corpus_filled.resolutions(Filters(agency="กรมที่ไม่มีอยู่จริง")).total == 0


def test_no_query_lists_newest_meeting_first(corpus_filled: Store) -> None:
    page = corpus_filled.search(None)
    assert _ids(page) == [("b", "1"), ("b", "2"), ("a", "1"), ("a", "2"), ("c", "1")]
    assert all(h.score is None for h in page.items)
    assert _ids(corpus_filled.search("   ", Filters(kind=Kind.acknowledge))) == [("a", "2")]
    paged = corpus_filled.search(None, limit=2, offset=2)
    assert paged.total == 5 and _ids(paged) == [("a", "1"), ("a", "2")]


def test_hit_fields(corpus_filled: Store) -> None:
    hit = corpus_filled.search("เบิกจ่าย").items[0]
    assert hit.kind is Kind.acknowledge
    assert hit.body == "คณะกรรมการพัฒนาระบบราชการ"
    assert hit.session == "2/2563"
    assert hit.meeting_date == dt.date(2020, 3, 17)
    assert hit.source_name == "aaaaaaaa.txt"
    assert hit.text.startswith("2. รับทราบ")


def test_snippet_marks_real_thai_text(corpus_filled: Store) -> None:
    hit = corpus_filled.search("ถอดบทเรียน", Filters(kind=Kind.approve)).items[0]
    assert "<mark>ถอดบทเรียน</mark>" in hit.snippet
    assert "การบริหาร" in hit.snippet  # the original words, not the space-separated index text
    digits = corpus_filled.search("2563", Filters(kind=Kind.approve)).items[0]
    assert "<mark>๒๕๖๓</mark>" in digits.snippet  # marked as written


@pytest.mark.parametrize(
    "query",
    ['"', "NEAR(a b)", "ถอด* OR", "AND", "-บทเรียน", "(", "col:ถอด", "'; DROP TABLE documents; --"],
)
def test_query_syntax_is_never_interpreted(corpus_filled: Store, query: str) -> None:
    corpus_filled.search(query)  # no FTS5 syntax error
    assert corpus_filled.documents().total == 3


def test_punctuation_only_query_finds_nothing(corpus_filled: Store) -> None:
    assert corpus_filled.search("...!?").total == 0


def test_query_terms_and_expression() -> None:
    assert fts_key("สป.มท.") == "สปมท"
    assert fts_key("เรียน") == "เรียน"


def test_query_terms_use_index_terms(corpus_registry: object) -> None:
    assert query_terms("ถอดบทเรียน ๒๕๖๓ ถอดบทเรียน") == ["ถอด", "บทเรียน", "2563"]


def test_snippet_escapes_html_and_windows_long_text(corpus_registry: object) -> None:
    assert snippet("ข้อเสนอ <ทดลอง> & อื่น", []) == "ข้อเสนอ &lt;ทดลอง&gt; &amp; อื่น"
    long_text = "ก" * 300 + " ที่ประชุมมีมติให้ถอดบทเรียน " + "ข" * 300
    s = snippet(long_text, ["ถอด", "บทเรียน"])
    assert s.startswith("…") and s.endswith("…")
    assert "<mark>ถอดบทเรียน</mark>" in s
    assert len(s) < 300


# --- recall: words inside compounds, agencies by any written form ---------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("บริหาร", [("a", "1")]),  # inside การบริหาร
        ("ประชุม", [("c", "1")]),  # inside ที่ประชุม
        ("ทำงาน", [("b", "1")]),  # inside การทำงาน
        ("สำนักงานปลัดกระทรวงมหาดไทย", [("a", "1")]),  # the text says สป.มท.
        ("สป.มท.", [("a", "1")]),
        ("ปค.", [("a", "2")]),  # the text says กรมการปกครอง
        ("สำนักงานคณะกรรมการพัฒนาระบบราชการ", [("b", "1")]),  # the text says สำนักงาน ก.พ.ร.
    ],
)
def test_words_inside_compounds_and_agency_forms_are_found(
    corpus_filled: Store, query: str, expected: list[tuple[str, str]]
) -> None:
    assert _ids(corpus_filled.search(query)) == expected


def test_words_only_baseline_misses_compounds(corpus_filled: Store) -> None:
    assert corpus_filled.search("บริหาร", expand=False).total == 0
    assert corpus_filled.search("สป.มท.", expand=False).total == 1  # written as such


def test_exact_words_rank_before_syllable_matches(
    corpus_store: Store, corpus_make_record: Callable[..., Record]
) -> None:
    inside = corpus_make_record("e" * 64, [("1", Kind.other, "ปรับปรุงห้องประชุมใหม่", [])])
    exact = corpus_make_record("f" * 64, [("1", Kind.other, "ขอเลื่อนประชุมออกไป", [])])
    for r in (inside, exact):
        corpus_store.add(r)
    assert [h.document_id[0] for h in corpus_store.search("ประชุม").items] == ["f", "e"]


def test_snippet_marks_a_word_found_inside_a_compound(corpus_filled: Store) -> None:
    assert "<mark>บริหาร</mark>" in corpus_filled.search("บริหาร").items[0].snippet


# --- facets, open actions, recency ------------------------------------------------------------


def test_facets_count_all_matches(corpus_filled: Store) -> None:
    page = corpus_filled.search("ถอดบทเรียน", facets=True, limit=1)
    assert len(page.items) == 1 and page.total == 2
    assert page.facets == {
        "kind": {"approve": 1, "assign": 1},
        "body": {"คณะกรรมการพัฒนาระบบราชการ": 1, "คณะอนุกรรมการด้านการบริหารงานบุคคล": 1},
        "year": {"2020": 1, "2021": 1},
        "agency": {"moi-ops": 1, "opdc": 1},
    }
    assert corpus_filled.search("ถอดบทเรียน").facets is None  # only when asked


def test_facets_without_a_query_and_with_filters(corpus_filled: Store) -> None:
    page = corpus_filled.search(None, facets=True)
    assert page.total == 5
    assert page.facets is not None
    assert page.facets["year"] == {"2020": 2, "2021": 2}  # c has no date
    assert sum(page.facets["kind"].values()) == 5
    assert page.facets["agency"] == {"dopa": 1, "local-center": 1, "moi-ops": 1, "opdc": 1}
    ministry = corpus_filled.search(None, Filters(agency="มท."), facets=True)
    assert ministry.facets is not None and ministry.facets["agency"] == {"dopa": 1, "moi-ops": 1}
    none = corpus_filled.search("ไม่มีคำนี้เลยแน่นอน", facets=True)
    assert none.total == 0 and none.facets == {"kind": {}, "body": {}, "year": {}, "agency": {}}


def test_open_actions_filter(corpus_filled: Store, corpus_make_record: Callable[..., Record]) -> None:
    # in corpus_records every dated action is past; c/1's action has no due date (still open)
    assert _ids(corpus_filled.search(None, Filters(open_actions=True))) == [("c", "1")]
    closed = corpus_filled.search(None, Filters(open_actions=False))
    assert sorted(_ids(closed)) == [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2")]
    future = corpus_make_record(
        "f" * 64,
        [("1", Kind.assign, "มอบหมายให้ สป.มท. ถอดบทเรียนโครงการ", ["moi-ops"])],
        date=dt.date(2022, 1, 5),
        actions=[("1", "moi-ops", "ถอดบทเรียนโครงการ", dt.date(2999, 1, 1))],
    )
    corpus_filled.add(future)
    assert _ids(corpus_filled.search("ถอดบทเรียน", Filters(open_actions=True))) == [("f", "1")]


def test_prefer_recent_meetings(corpus_store: Store, corpus_make_record: Callable[..., Record]) -> None:
    text_ = "เห็นชอบโครงการพัฒนาแหล่งน้ำ"
    old = corpus_make_record("e" * 64, [("1", Kind.approve, text_, [])], date=dt.date(2005, 1, 1))
    new = corpus_make_record("f" * 64, [("1", Kind.approve, text_, [])], date=dt.date(2024, 1, 1))
    for r in (old, new):
        corpus_store.add(r)
    assert [h.document_id[0] for h in corpus_store.search("แหล่งน้ำ").items] == ["e", "f"]  # a tie: by id
    recent = corpus_store.search("แหล่งน้ำ", prefer_recent=True).items
    assert [h.document_id[0] for h in recent] == ["f", "e"]
    assert recent[0].score is not None and recent[1].score is not None
    assert recent[0].score < recent[1].score


# --- similar resolutions ----------------------------------------------------------------------


def test_similar_earlier_resolutions(corpus_filled: Store) -> None:
    b1 = next(h for h in corpus_filled.search("ถอดบทเรียน").items if h.document_id[0] == "b")
    assert b1.id is not None
    similar = corpus_filled.similar(b1.id)
    assert [(h.document_id[0], h.number) for h in similar] == [("a", "1")]  # earlier, another meeting
    assert similar[0].score is not None and -1 <= similar[0].score < 0
    assert corpus_filled.similar(("b" * 64, "1")) == similar
    a1 = next(h for h in corpus_filled.search("ถอดบทเรียน").items if h.document_id[0] == "a")
    assert a1.id is not None and corpus_filled.similar(a1.id) == []  # nothing earlier
    with pytest.raises(KeyError):
        corpus_filled.similar(10_000)


def test_similar_ranks_the_closest_first(corpus_store: Store, corpus_make_record: Callable[..., Record]) -> None:
    texts = {
        "d": "อนุมัติงบประมาณโครงการป้องกันน้ำท่วมในพื้นที่ลุ่มน้ำเจ้าพระยา",
        "e": "รับทราบรายงานการประชุมคณะทำงานด้านการท่องเที่ยว",
        "f": "อนุมัติงบประมาณโครงการป้องกันน้ำท่วมและภัยแล้งในพื้นที่ลุ่มน้ำเจ้าพระยาตอนล่าง",
    }
    dates = {"d": dt.date(2020, 1, 1), "e": dt.date(2021, 1, 1), "f": dt.date(2022, 1, 1)}
    for key, body in texts.items():
        corpus_store.add(corpus_make_record(key * 64, [("1", Kind.approve, body, [])], date=dates[key]))
    similar = corpus_store.similar(("f" * 64, "1"))
    assert similar and similar[0].document_id == "d" * 64


def test_limit_zero_counts_without_items(corpus_filled: Store) -> None:
    page = corpus_filled.search("ถอดบทเรียน", limit=0)
    assert page.total == 2 and page.items == []
    assert corpus_filled.resolutions(limit=0).total == 5


def test_server_counts_stop_at_a_cap(corpus_filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL ranks from its RUM index and counts at most TOTAL_CAP matches (a lower bound, flagged)."""
    import corpus.store as store_module

    monkeypatch.setattr(store_module, "TOTAL_CAP", 1)
    page = corpus_filled.search("ถอดบทเรียน", facets=True)
    if corpus_filled.dialect == "postgresql":
        assert corpus_filled._rum, "the rum extension is installed by scripts/install.sh --dev"
        assert (page.total, page.total_exact) == (1, False)
        assert sum(page.facets["kind"].values()) == 2  # type: ignore[index]  # counted over the cap + 1
    else:
        assert (page.total, page.total_exact) == (2, True)
    assert len(page.items) == 2  # ranking is never capped

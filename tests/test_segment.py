"""Sentence and clause spans for minutes."""

from __future__ import annotations

from nlp.segment import around, clauses, sentences

TEXT = (
    "มอบหมายให้ สป.มท. คัดเลือกจังหวัด และเสนอ อ.ก.พ.ร.ฯ พิจารณา โดยให้ ก.พ. ดำเนินการ ภายในวันที่ 1 ก.พ. 2565 "
    "ทั้งนี้ ที่ประชุมเห็นว่า ควรหารือ\n1) ข้อแรก 2) ข้อสอง"
)


def _texts(spans: list[tuple[int, int]]) -> list[str]:
    return [TEXT[s:e] for s, e in spans]


def test_sentences_break_at_lines_items_and_openers_never_at_dots() -> None:
    assert _texts(sentences(TEXT)) == [
        "มอบหมายให้ สป.มท. คัดเลือกจังหวัด และเสนอ อ.ก.พ.ร.ฯ พิจารณา โดยให้ ก.พ. ดำเนินการ ภายในวันที่ 1 ก.พ. 2565",
        "ทั้งนี้ ที่ประชุมเห็นว่า ควรหารือ",
        "1) ข้อแรก",
        "2) ข้อสอง",
    ]


def test_clauses_also_break_before_connectives() -> None:
    parts = _texts(clauses(TEXT))
    assert parts[:2] == [
        "มอบหมายให้ สป.มท. คัดเลือกจังหวัด และเสนอ อ.ก.พ.ร.ฯ พิจารณา",
        "โดยให้ ก.พ. ดำเนินการ ภายในวันที่ 1 ก.พ. 2565",
    ]


def test_spans_of_a_slice_and_around() -> None:
    start = TEXT.index("ทั้งนี้")
    spans = sentences(TEXT, start)
    assert spans[0][0] == start
    assert around(spans, start + 3) == spans[0]
    assert around(spans, 0) is None

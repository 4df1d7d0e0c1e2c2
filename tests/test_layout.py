"""Page lines → reading text: wrapped lines rejoined, running headers and page numbers dropped."""

from __future__ import annotations

from corpus.readers.layout import drop_running_lines, guess_wrapped, page_text


def test_wrapped_lines_are_rejoined_thai_without_a_space() -> None:
    page = [
        ("ที่ประชุมมีมติเห็นชอบแผนการดำเนินงานของสำนักงาน", True),
        ("ปลัดกระทรวงมหาดไทย ดังนี้", False),
        ("1. เห็นชอบแนวทาง", False),
        ("2. มอบหมายให้กรมการปกครองจัดทำรายงาน", True),
        ("3. รับทราบ", False),  # a numbered item always starts its own line
    ]
    assert page_text([page]) == (
        "ที่ประชุมมีมติเห็นชอบแผนการดำเนินงานของสำนักงานปลัดกระทรวงมหาดไทย ดังนี้\n"
        "1. เห็นชอบแนวทาง\n2. มอบหมายให้กรมการปกครองจัดทำรายงาน\n3. รับทราบ"
    )


def test_a_paragraph_continues_across_a_page_break_only_when_wrapped() -> None:
    pages = [[("หน้าแรกจบย่อหน้า", False)], [("ย่อหน้าใหม่ที่ยาว", True)], [("ต่อจากหน้าก่อน", False)]]
    assert page_text(pages) == "หน้าแรกจบย่อหน้า\n\nย่อหน้าใหม่ที่ยาวต่อจากหน้าก่อน"


def test_latin_words_are_joined_with_a_space() -> None:
    assert page_text([[("meeting of the", True), ("board", False)]]) == "meeting of the board"


def test_running_headers_and_page_numbers_are_dropped() -> None:
    body = ["วาระที่ 1 เรื่องแจ้ง", "วาระที่ 2 รับรองรายงาน", "วาระที่ 3 เรื่องพิจารณา", "วาระที่ 4 อื่น ๆ"]
    pages = [
        [("รายงานการประชุม ครั้งที่ 2/2567", False), (text, False), (f"- {n} -", False)]
        for n, text in enumerate(body, start=1)
    ]
    kept = drop_running_lines(pages)
    assert [[t for t, _ in lines] for lines in kept] == [[text] for text in body]


def test_guessing_needs_enough_lines() -> None:
    short = "บรรทัดหนึ่งยาวมาก\nสอง"
    assert [w for _, w in guess_wrapped(short)] == [False, False]
    long_lines = "\n".join(["ก" * 60] * 8 + ["ข" * 10])
    assert [w for _, w in guess_wrapped(long_lines)] == [True] * 8 + [False]

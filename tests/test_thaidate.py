"""Thai dates, periods and durations → ISO dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.thaidate import MONTHS, WEEKDAYS, fiscal_year, parse, periods, times, year_ce

ANCHOR = date(2021, 6, 8)


@pytest.mark.parametrize(
    ("text", "start", "end", "basis"),
    [
        ("ประชุมเมื่อวันพุธที่ 9 มิถุนายน 2564", date(2021, 6, 9), date(2021, 6, 9), "date"),
        ("ภายในวันที่ 15 ธ.ค. 2565", date(2022, 12, 15), date(2022, 12, 15), "date"),
        ("ภายในเดือนสิงหาคม 2564", date(2021, 8, 1), date(2021, 8, 31), "month"),
        ("ในช่วงเดือนกรกฎาคม – กันยายน 2564", date(2021, 7, 1), date(2021, 9, 30), "month_range"),
        ("ระหว่างวันที่ 1 - 15 ตุลาคม 2564", date(2021, 10, 1), date(2021, 10, 15), "day_range"),
        ("ตั้งแต่ 20 ก.ย. ถึง 5 ต.ค. 2564", date(2021, 9, 20), date(2021, 10, 5), "day_range"),
        ("ปีงบประมาณ พ.ศ. 2566", date(2022, 10, 1), date(2023, 9, 30), "fiscal_year"),
        ("ปีงบประมาณ 2566 - 2567", date(2022, 10, 1), date(2024, 9, 30), "fiscal_year"),
        ("ไตรมาสที่ 1 ของปีงบประมาณ 2565", date(2021, 10, 1), date(2021, 12, 31), "fiscal_quarter"),
        ("ภายในปี 2567", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("แผนปฏิบัติการ ปี 2566-2570", date(2023, 1, 1), date(2027, 12, 31), "year_range"),
        ("ภายใน 30 วัน", date(2021, 7, 8), date(2021, 7, 8), "duration"),
        ("ภายใน ๒ สัปดาห์", date(2021, 6, 22), date(2021, 6, 22), "duration"),
        ("ภายใน 3 เดือน", date(2021, 9, 8), date(2021, 9, 8), "duration"),
        ("วันที่ ๓๑ มีนาคม ๒๕๖๕", date(2022, 3, 31), date(2022, 3, 31), "date"),
        ("15 ก.พ. 65", date(2022, 2, 15), date(2022, 2, 15), "date"),
        ("1 มกราคม ค.ศ. 2022", date(2022, 1, 1), date(2022, 1, 1), "date"),
        ("ก่อนสิ้นปีงบประมาณ 2565", date(2022, 9, 30), date(2022, 9, 30), "fiscal_year_end"),
        ("ให้แล้วเสร็จภายในสิ้นปีงบประมาณ", date(2021, 9, 30), date(2021, 9, 30), "fiscal_year_end"),
        ("ปีงบฯ 66", date(2022, 10, 1), date(2023, 9, 30), "fiscal_year"),
        ("งบประมาณรายจ่ายประจำปี พ.ศ. 2567-2568", date(2023, 10, 1), date(2025, 9, 30), "fiscal_year"),
        ("ไตรมาสที่ 1 และ 2 ของปีงบประมาณรายจ่ายประจำปี พ.ศ. 2567", date(2023, 10, 1), date(2024, 3, 31),
         "fiscal_quarter"),
        ("ไตรมาสที่ 3 ปี 2566", date(2023, 7, 1), date(2023, 9, 30), "quarter"),
        ("ภายใน 5 วันทำการ", date(2021, 6, 15), date(2021, 6, 15), "duration"),  # Tue 8 June + 5 working days
    ],
)
def test_forms(text: str, start: date, end: date, basis: str) -> None:
    p = parse(text, ANCHOR)
    assert p is not None, text
    assert (p.start, p.end, p.basis) == (start, end, basis)
    assert text[p.span[0] : p.span[1]] == p.text


def test_no_date_in_session_numbers_or_terms() -> None:
    assert periods("การประชุมครั้งที่ 3/2564 วาระดำรงตำแหน่งอย่างน้อย 2 ปี", ANCHOR) == []


def test_duration_needs_an_anchor() -> None:
    assert periods("ภายใน 30 วัน") == []


def test_year_without_era_is_taken_from_the_anchor() -> None:
    assert parse("ภายในวันที่ 20 ธันวาคม", ANCHOR).end == date(2021, 12, 20)  # type: ignore[union-attr]


def test_fiscal_year_and_years() -> None:
    assert fiscal_year(2564) == (date(2020, 10, 1), date(2021, 9, 30))
    assert year_ce("2563") == 2020
    assert year_ce("ค.ศ. 2020") == 2020
    assert year_ce("63") == 2020


def test_times() -> None:
    assert [t for t, _ in times("เวลา 13.30 น. ถึง ๑๖.๐๐ น.")] == ["13:30", "16:00"]
    assert [t for t, _ in times("เวลา 09.30 - 12.00 น.")] == ["09:30", "12:00"]
    assert times("ข้อ 13.30 ของระเบียบ") == []


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    abbreviated=st.booleans(),
    thai_digits=st.booleans(),
    weekday=st.booleans(),
    era=st.sampled_from(["", "พ.ศ. ", "ปี "]),
)
def test_rendered_dates_parse_back(day: date, abbreviated: bool, thai_digits: bool, weekday: bool,
                                   era: str) -> None:
    month = MONTHS[day.month - 1][1 if abbreviated else 0]
    prefix = f"วัน{WEEKDAYS[day.weekday()]}ที่ " if weekday else ""
    text = f"{prefix}{day.day} {month} {era}{day.year + 543}"
    if thai_digits:
        text = text.translate(THAI_DIGITS)
    p = parse(f"ให้แล้วเสร็จ{text} นี้")
    assert p is not None
    assert (p.start, p.end) == (day, day)


@given(
    first=st.integers(min_value=1, max_value=12),
    length=st.integers(min_value=0, max_value=11),
    year=st.integers(min_value=2530, max_value=2600),
)
def test_rendered_month_ranges_parse_back(first: int, length: int, year: int) -> None:
    last = min(12, first + length)
    text = f"ในช่วงเดือน{MONTHS[first - 1][0]} - {MONTHS[last - 1][0]} {year}"
    p = parse(text)
    assert p is not None
    assert p.start == date(year - 543, first, 1)
    assert p.end.month == last and p.end.year == year - 543 and (p.end.day >= 28)


@given(year=st.integers(min_value=2500, max_value=2600), quarter=st.integers(min_value=1, max_value=4))
def test_fiscal_quarters_tile_the_fiscal_year(year: int, quarter: int) -> None:
    p = parse(f"ไตรมาสที่ {quarter} ปีงบประมาณ {year}")
    start, end = fiscal_year(year)
    assert p is not None and start <= p.start <= p.end <= end
    if quarter == 1:
        assert p.start == start
    if quarter == 4:
        assert p.end == end

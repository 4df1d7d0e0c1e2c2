"""Thai dates, periods and time limits → ISO dates.

One scanner for the forms officials write: full and abbreviated months (มกราคม / ม.ค.),
Buddhist-era and Gregorian years (2563 / ค.ศ. 2020 / two-digit 63), Thai digits, weekday
prefixes, day and month ranges, fiscal years (ปีงบประมาณ 2564 = 2020-10-01 .. 2021-09-30)
and their quarters, calendar years and year ranges, durations ("ภายใน 30 วัน") anchored
to a reference date, and clock times ("13.30 น.").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from nlp.normalize import digits

MONTHS: tuple[tuple[str, str], ...] = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def _abbr_pattern(abbr: str) -> str:
    return r"\.\s?".join(re.escape(p) for p in abbr.rstrip(".").split(".")) + r"\.?"


_MONTH_INDEX: dict[str, int] = {}
for _i, (_full, _abbr) in enumerate(MONTHS, start=1):
    _MONTH_INDEX[_full] = _i
    _MONTH_INDEX[_abbr.replace(".", "")] = _i
_MONTH = "(?:" + "|".join(
    [re.escape(f) for f, _ in MONTHS] + [_abbr_pattern(a) for _, a in MONTHS]
) + ")"
_ERA = r"(?:(?:พ\.\s?ศ\.|ค\.\s?ศ\.|ปี)\s*)"
_YEAR = rf"(?:{_ERA}?(?:[12]\d{{3}}|\d{{2}}(?!\d)))"
_WEEKDAY = r"(?:วัน(?:" + "|".join(WEEKDAYS) + r")(?:ที่)?\s*)"
_DAY = r"(?:[0-3]?\d)(?!\d)"
# "ปีงบประมาณ", and the annual budget it names: "งบประมาณรายจ่ายประจำปี(งบประมาณ) พ.ศ. 2567"
_FISCAL = r"(?:(?:ปี)?งบประมาณรายจ่ายประจำปี(?:งบประมาณ)?|ปีงบประมาณ(?:รายจ่าย)?|ปีงบฯ)"
_FY = r"(?:\d{4}|\d{2}(?!\d))"  # fiscal years are also written with two digits: ปีงบฯ 66
_RANGE_SEP = r"\s*(?:-|–|—|ถึง|จนถึง|ถึงวันที่)\s*"

# the order matters: longer forms first
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fiscal_year_end", re.compile(rf"สิ้นปีงบประมาณ(?:\s*(?:พ\.\s?ศ\.\s*)?(?P<y1>{_FY}))?")),
    ("fiscal_quarter", re.compile(
        rf"ไตรมาส(?:ที่)?\s*(?P<q>[1-4])(?:\s*(?:และ|-|–|ถึง)\s*(?:ไตรมาส(?:ที่)?\s*)?(?P<q2>[1-4]))?\s*(?:ของ\s*)?"
        rf"{_FISCAL}\s*(?:พ\.\s?ศ\.\s*)?(?P<y1>{_FY})")),
    ("quarter", re.compile(
        r"ไตรมาส(?:ที่)?\s*(?P<q>[1-4])\s*(?:ของ\s*)?(?:ปี\s*)?(?:พ\.\s?ศ\.\s*|ค\.\s?ศ\.\s*)?(?P<y1>[12]\d{3})")),
    ("fiscal_year", re.compile(
        rf"{_FISCAL}\s*(?:พ\.\s?ศ\.\s*)?(?P<y1>{_FY})(?:{_RANGE_SEP}(?:พ\.\s?ศ\.\s*)?(?P<y2>{_FY}))?")),
    ("day_range", re.compile(
        rf"{_WEEKDAY}?(?:วันที่\s*)?(?P<d1>{_DAY})\s*(?:(?P<m1>{_MONTH})\s*(?P<y1>{_YEAR})?)?{_RANGE_SEP}"
        rf"{_WEEKDAY}?(?:วันที่\s*)?(?P<d2>{_DAY})\s*(?P<m2>{_MONTH})\s*(?P<y2>{_YEAR})?")),
    ("date", re.compile(
        rf"{_WEEKDAY}?(?:วันที่\s*)?(?P<d1>{_DAY})\s*(?P<m1>{_MONTH})\s*(?P<y1>{_YEAR})?")),
    ("month_range", re.compile(
        rf"(?:เดือน\s*)?(?P<m1>{_MONTH})\s*(?P<y1>{_YEAR})?{_RANGE_SEP}(?:เดือน\s*)?(?P<m2>{_MONTH})\s*(?P<y2>{_YEAR})")),
    ("month", re.compile(rf"เดือน\s*(?P<m1>{_MONTH})\s*(?P<y1>{_YEAR})?")),
    ("month", re.compile(rf"(?<![ก-๛])(?P<m1>{_MONTH})\s*(?P<y1>{_ERA}?[12]\d{{3}})")),
    ("year_range", re.compile(
        rf"(?:ปี|พ\.\s?ศ\.|ค\.\s?ศ\.)\s*(?:พ\.\s?ศ\.\s*)?(?P<y1>[12]\d{{3}}){_RANGE_SEP}(?:พ\.\s?ศ\.\s*)?(?P<y2>[12]\d{{3}})")),
    ("year", re.compile(r"(?:ปี|พ\.\s?ศ\.|ค\.\s?ศ\.)\s*(?:พ\.\s?ศ\.\s*)?(?P<y1>[12]\d{3})(?!\d)")),
    ("duration", re.compile(
        r"(?:ภายใน|ในระยะเวลา|ไม่เกิน|ภายในระยะเวลา)\s*(?P<n>\d{1,3})\s*(?P<unit>วันทำการ|วัน|สัปดาห์|อาทิตย์|เดือน|ปี)")),
]
TIME = re.compile(
    r"(?:เวลา\s*)?(?P<h>[0-2]?\d)[.:](?P<m>[0-5]\d)\s*(?:น\.|นาฬิกา"
    r"|(?=\s*(?:-|–|ถึง)\s*[0-2]?\d[.:][0-5]\d\s*(?:น\.|นาฬิกา)))"
)


@dataclass(frozen=True)
class Period:
    """A date expression found in text: [start, end] in ISO dates, plus where it was."""

    text: str
    span: tuple[int, int]
    start: date
    end: date
    basis: str


def month_number(name: str) -> int:
    return _MONTH_INDEX[re.sub(r"[\s.]", "", name)]


def year_ce(raw: str | None, default: int | None = None) -> int | None:
    """Gregorian year of a written year: 2563 → 2020, ค.ศ. 2020 → 2020, 63 → 2020."""
    if not raw:
        return default
    gregorian = "ค." in raw
    y = int(re.sub(r"\D", "", raw))
    if y < 100:  # two-digit Buddhist-era year (ก.พ. 65)
        y += 2500
    if y >= 2400 and not gregorian:
        y -= 543
    return y


def fiscal_year(year_be_or_ce: int) -> tuple[date, date]:
    """Thai fiscal year N runs 1 October N-1 .. 30 September N."""
    y = year_ce(str(year_be_or_ce)) or year_be_or_ce
    return date(y - 1, 10, 1), date(y, 9, 30)


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def add_duration(anchor: date, n: int, unit: str) -> date:
    if unit == "วันทำการ":  # working days: weekends skipped (public holidays are not known here)
        day = anchor
        while n > 0:
            day += timedelta(days=1)
            n -= day.weekday() < 5
        return day
    if unit == "วัน":
        return anchor + timedelta(days=n)
    if unit in ("สัปดาห์", "อาทิตย์"):
        return anchor + timedelta(weeks=n)
    months = n * 12 if unit == "ปี" else n
    y, m = divmod(anchor.month - 1 + months, 12)
    y, m = anchor.year + y, m + 1
    return date(y, m, min(anchor.day, calendar.monthrange(y, m)[1]))


def _resolve(basis: str, g: dict[str, str | None], anchor: date | None) -> tuple[date, date] | None:
    default_year = anchor.year if anchor else None
    if basis == "fiscal_year_end":
        if g.get("y1"):
            end = fiscal_year(year_ce(g["y1"]) + 543)[1]  # type: ignore[operator]
        elif anchor:
            end = date(anchor.year + (anchor.month >= 10), 9, 30)  # the fiscal year the meeting is in
        else:
            return None
        return end, end
    if basis == "quarter":
        y, q = year_ce(g["y1"]), int(g["q"])  # type: ignore[arg-type]
        return date(y, 3 * q - 2, 1), month_end(y, 3 * q)  # type: ignore[arg-type]
    if basis in ("fiscal_year", "fiscal_quarter"):
        start, end = fiscal_year(year_ce(g["y1"]) + 543)  # type: ignore[operator]
        if g.get("y2"):
            end = fiscal_year(year_ce(g["y2"]) + 543)[1]  # type: ignore[operator]
        if basis == "fiscal_quarter":
            q, q2 = int(g["q"]), int(g.get("q2") or g["q"])  # type: ignore[arg-type]
            first = add_duration(start, 3 * (q - 1), "เดือน")
            last = add_duration(start, 3 * q2, "เดือน") - timedelta(days=1)
            return first, last
        return start, end
    if basis in ("year", "year_range"):
        y1 = year_ce(g["y1"])
        y2 = year_ce(g.get("y2")) or y1
        return date(y1, 1, 1), date(y2, 12, 31)  # type: ignore[arg-type]
    if basis == "duration":
        if anchor is None:
            return None
        due = add_duration(anchor, int(g["n"]), g["unit"])  # type: ignore[arg-type]
        return due, due
    y2 = year_ce(g.get("y2"), None) if "y2" in g else None
    y1 = year_ce(g.get("y1"), y2 or default_year)
    y2 = y2 or y1
    if y1 is None:
        return None
    m1 = month_number(g["m1"]) if g.get("m1") else None
    m2 = month_number(g["m2"]) if g.get("m2") else m1
    if basis == "month":
        return date(y1, m1, 1), month_end(y1, m1)  # type: ignore[arg-type]
    if basis == "month_range":
        return date(y1, m1, 1), month_end(y2, m2)  # type: ignore[arg-type]
    if basis == "date":
        return (d := date(y1, m1, int(g["d1"]))), d  # type: ignore[arg-type]
    if basis == "day_range":
        m1 = m1 or m2
        return date(y1, m1, int(g["d1"])), date(y2, m2, int(g["d2"]))  # type: ignore[arg-type]
    return None


def periods(text: str, anchor: date | None = None) -> list[Period]:
    """Every date expression in ``text``, longest first where two overlap, in text order.

    ``anchor`` (the meeting date) gives the year to dates written without one and the
    start of durations; durations are skipped without it.
    """
    shadow = digits(text)
    taken: list[tuple[int, int]] = []
    found: list[Period] = []
    for basis, pattern in PATTERNS:
        for m in pattern.finditer(shadow):
            s, e = m.span()
            while e > s and shadow[e - 1].isspace():
                e -= 1
            if any(s < te and ts < e for ts, te in taken):
                continue
            try:
                resolved = _resolve(basis, m.groupdict(), anchor)
            except (ValueError, KeyError, TypeError):
                continue
            if resolved is None or resolved[0] > resolved[1]:
                continue
            taken.append((s, e))
            found.append(Period(text[s:e], (s, e), resolved[0], resolved[1], basis))
    return sorted(found, key=lambda p: p.span)


def parse(text: str, anchor: date | None = None) -> Period | None:
    """The first date expression in ``text`` (or None)."""
    found = periods(text, anchor)
    return found[0] if found else None


def times(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Clock times as HH:MM with their spans: "13.30 น." → "13:30"."""
    out = []
    for m in TIME.finditer(digits(text)):
        h, mi = int(m["h"]), int(m["m"])
        if h < 24:
            out.append((f"{h:02d}:{mi:02d}", m.span()))
    return out

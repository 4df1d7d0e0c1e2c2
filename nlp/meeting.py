"""The meeting a document reports: body, session, date, time, venue or platform, chair, participants."""

from __future__ import annotations

import re
from datetime import date

from mati.record import Agency, Meeting, Named
from nlp.normalize import digits
from nlp.thaidate import Period, periods, times

HEADER_CHARS = 1500  # the meeting is introduced in the title and first paragraphs
SESSION = re.compile(r"ครั้ง\s?ที่?\s*(\d{1,3})\s*(?:/\s*(?:พ\.\s?ศ\.\s*)?(\d{4})(?!\d))?")
# OCR reads the slash of "2/2563" as 1 or 7 ("272563"): a number, a stroke, a Buddhist-era year
OCR_SESSION = re.compile(r"ครั้ง\s?ที่?\s*(\d{1,2})[17|l](25\d\d)(?!\d)")
SESSION_YEAR = re.compile(r"^\s*(?:ประจำปี|ปี)\s*(?:งบประมาณ\s*)?(?:พ\.\s?ศ\.\s*)?(\d{4})")
TITLE = (
    r"(?:ว่าที่\s?)?(?:พล|พัน|ร้อย|จ่า|สิบ)(?:ตำรวจ|อากาศ|เรือ)?(?:เอก|โท|ตรี)"
    r"|(?:พล|พ|ร|จ)\.(?:[ตอร]\.)?[อทต]\.|นางสาว|นาย|นาง|น\.ส\.|ดร\.|ศ\.|รศ\.|ผศ\.|ศาสตราจารย์|รองศาสตราจารย์"
    r"|ผู้ช่วยศาสตราจารย์|นายแพทย์|แพทย์หญิง|นพ\.|พญ\.|หม่อมราชวงศ์|หม่อมหลวง|ม\.ร\.ว\.|ม\.ล\."
)
# นายกรัฐมนตรี, นายอำเภอ ... are positions, not "นาย" + a name; a surname is not a function word
_NOT_A_NAME = r"(?!ก(?:รัฐมนตรี|เทศมนตรี|องค์การ|สมาคม|สภา)|อำเภอ|ทะเบียน|ช่าง|ด่าน|ท่า|ทหาร|ตำรวจ|จ้าง|ประกัน|ก\s)"
_NOT_A_SURNAME = r"(?!(?:เป็น|และ|ได้|ที่|ซึ่ง|โดย|ใน|จะ|กับ|ให้|ว่า|ร่วม|พร้อม|ประธาน|รอง)(?![ก-๛]))"
PERSON = rf"(?:(?:{TITLE})\s?)+{_NOT_A_NAME}[ก-๛]+\s{_NOT_A_SURNAME}[ก-๛]+"
CHAIR = [
    re.compile(rf"(?P<name>{PERSON})\s*(?:\([^)]*\)\s*)?(?:ทำหน้าที่|ใน(?:ฐานะ|ตำแหน่ง))?\s*(?:เป็น)?ประธาน(?!กรรมการ\S)"),
    re.compile(rf"\((?P<name>{PERSON})\)\s*(?:ทำหน้าที่|ใน(?:ฐานะ|ตำแหน่ง))?\s*(?:เป็น)?ประธาน"),
    re.compile(rf"ประธาน(?:ในที่ประชุม|การประชุม)?\s*(?:คือ|ได้แก่)?\s*(?P<name>{PERSON})"),
]
PRESIDED = re.compile(r"(?:เป็น|ทำหน้าที่)ประธาน(?!กรรมการ\S)")
PERSON_RE = re.compile(PERSON)
TITLE_GAP = 160  # "พลเอก ประยุทธ์ จันทร์โอชา นายกรัฐมนตรีและรัฐมนตรีว่าการ... (รมว.กห.) เป็นประธาน"
PARTICIPANT = re.compile(
    rf"(?P<name>{PERSON})\s*(?:\)\s*)?(?:[^()\n]{{0,40}}?)(?:ในฐานะ|เป็น)\s*"
    r"(?P<role>รองประธาน(?:กรรมการ)?|กรรมการและเลขานุการ|เลขานุการ|ผู้ช่วยเลขานุการ|กรรมการ)"
)
VENUE = re.compile(
    r"(?:^|\s)ณ\s*(?P<venue>[^\n]{3,80}?)"
    r"(?=\s+(?:โดย|โดยมี|ผ่าน|เพื่อ|ได้|และ|ร่วมกับ|ว่า|เมื่อ|เวลา|วันที่|ซึ่ง|พร้อม|ทั้งนี้)|\s*[(\n]|$)"
)
PLATFORMS = (
    ("Zoom", re.compile(r"zoom", re.I)),
    ("Microsoft Teams", re.compile(r"(?:microsoft|ms)\s*teams|ไมโครซอฟท์\s*ทีม", re.I)),
    ("Webex", re.compile(r"webex", re.I)),
    ("Google Meet", re.compile(r"google\s*meet", re.I)),
    ("Video Conference", re.compile(r"video\s*conference|วีดิทัศน์ทางไกล|ประชุมทางไกล", re.I)),
    ("ระบบอิเล็กทรอนิกส์", re.compile(r"(?:ผ่าน|ทาง)ระบบ(?:การประชุม)?(?:ทาง)?(?:สื่อ)?อิเล็กทรอนิก", re.I)),
)
BODY_KINDS = {"committee", "subcommittee", "working_group", "council", "cabinet", "legislature"}
_PAST = re.compile(r"(?:เมื่อ|ประชุม(?:ครั้งที่\s*\S+)?|วันนี้\s*\()\s*$")
DEADLINE_CUE = re.compile(r"(?:ภายใน|ถึง|ก่อน|ไม่เกิน|ตั้งแต่)\s*$")


def _alone_on_line(header: str, p: Period) -> bool:
    line_start = header.rfind("\n", 0, p.span[0]) + 1
    line_end = header.find("\n", p.span[1])
    return header[line_start : line_end if line_end >= 0 else len(header)].strip() == p.text.strip()


def _date(header: str, found: list[Period]) -> Period | None:
    """The meeting date among the header's dates: the one said to be when the meeting was held,
    not the publication line."""
    for p in found:
        before = header[max(0, p.span[0] - 25) : p.span[0]]
        if _PAST.search(before) or "ประชุม" in before:
            return p
    return next((p for p in found if not _alone_on_line(header, p)
                 and (p.text.startswith("วัน") or header.rfind("\n", 0, p.span[0]) + 1 == p.span[0])
                 and not DEADLINE_CUE.search(header[max(0, p.span[0] - 15) : p.span[0]])), None)


def _chair(header: str) -> Named | None:
    """The person said to chair: named right before "เป็นประธาน", or the nearest name before it
    on its line (past a position title), or in brackets, or after "ประธาน คือ"."""
    if m := CHAIR[0].search(header):
        return _person(m, "ประธาน")
    for presided in PRESIDED.finditer(header):
        line_start = header.rfind("\n", 0, presided.start()) + 1
        start = max(line_start, presided.start() - TITLE_GAP)
        people = list(PERSON_RE.finditer(header, start, presided.start()))
        if people:
            return _person(people[-1], "ประธาน")
    for pattern in CHAIR[1:]:
        if m := pattern.search(header):
            return _person(m, "ประธาน")
    return None


def _person(m: re.Match[str], role: str | None = None) -> Named:
    group = "name" if "name" in m.re.groupindex else 0
    return Named(name=m[group].strip(), role=role, span=m.span(group))


def find_meeting(text: str, agencies: list[Agency]) -> tuple[Meeting, Period | None, date | None]:
    """The meeting record, the span of its date (not a deadline) and the publication date if seen."""
    header = text[:HEADER_CHARS]
    shadow = digits(header)
    meeting = Meeting()
    if m := OCR_SESSION.search(shadow):
        meeting.session = f"{m.group(1)}/{m.group(2)}"
    elif m := SESSION.search(shadow):
        year = m.group(2) or (y.group(1) if (y := SESSION_YEAR.match(shadow[m.end():])) else None)
        meeting.session = f"{m.group(1)}/{year}" if year else m.group(1)
    dates = [p for p in periods(header) if p.basis == "date"]
    when = _date(header, dates)
    published = next((p.start for p in dates if p != when
                      and _alone_on_line(header, p)), None)
    if when:
        meeting.date = when.start
        line_end = header.find("\n", when.span[1])
        clock = times(header[when.span[1] : line_end if line_end >= 0 else len(header)])
        if clock:
            meeting.start_time = clock[0][0]
            if len(clock) > 1:
                meeting.end_time = clock[1][0]
    if m := VENUE.search(header):
        meeting.venue = m["venue"].strip()
    for name, pattern in PLATFORMS:
        if pattern.search(header):
            meeting.online_platform = name
            break
    meeting.chair = _chair(header)
    meeting.participants = [
        _person(m, m["role"]) for m in PARTICIPANT.finditer(header)
        if not meeting.chair or m["name"].strip() != meeting.chair.name
    ]
    body = next(
        (a for a in agencies if a.kind in BODY_KINDS and a.mentions and a.mentions[0][0] < HEADER_CHARS),
        None,
    )
    if body:
        meeting.body = Named(name=body.name, abbreviation=body.abbreviation, agency=body.id,
                             span=body.mentions[0])
    if meeting.date is None and published:
        meeting.date = published  # news that names no other date reports a meeting of its publication day
    return meeting, when, published

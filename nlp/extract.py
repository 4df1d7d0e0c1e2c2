"""Extraction: a normalised Document in, the whole Record out."""

from __future__ import annotations

import re
from datetime import date

from mati.record import Deadline, Document, Record
from nlp.actions import find_actions
from nlp.agencies import find_agencies
from nlp.meeting import find_meeting
from nlp.resolutions import find_resolutions
from nlp.thaidate import Period, periods

# a single date or year is a deadline only when the text says so
CUE = re.compile(r"(?:ภายใน|ก่อน|ไม่เกิน|ให้แล้วเสร็จ|แล้วเสร็จ|ถึง|จนถึง|ตั้งแต่|ใน(?:ช่วง)?|ระหว่าง|กำหนด)\s*$")
PAST = re.compile(r"(?:เมื่อ|ที่ผ่านมา|ได้มีการ)\s*(?:วัน\S*\s*)?$")
ALWAYS = {"month_range", "day_range", "fiscal_year", "fiscal_quarter", "fiscal_year_end", "quarter", "year_range",
          "duration", "month"}


def _deadlines(text: str, anchor: date | None, not_deadlines: list[tuple[int, int]]) -> list[Deadline]:
    out = []
    for p in periods(text, anchor):
        if any(s <= p.span[0] < e for s, e in not_deadlines):
            continue
        before = text[max(0, p.span[0] - 20) : p.span[0]]
        if PAST.search(before):
            continue
        if p.basis not in ALWAYS and not CUE.search(before):
            continue
        if anchor and p.end < anchor:
            continue  # a date or period over before the meeting is a past event
        out.append(_deadline(text, p))
    return out


def _deadline(text: str, p: Period) -> Deadline:
    # keep the "ใน(ช่วง)/ภายใน" that makes it a time limit in the quoted text
    s = p.span[0]
    if m := re.search(r"(?:ภายใน|ในช่วง|ใน)\s*$", text[max(0, s - 10) : s]):
        s -= len(m.group())
    return Deadline(text=text[s : p.span[1]], start=p.start, end=p.end, span=(s, p.span[1]), basis=p.basis)


def extract(document: Document) -> Record:
    """Meeting, resolutions, agencies, deadlines and actions of one document."""
    text = document.text
    agencies = find_agencies(text)
    meeting, when, published = find_meeting(text, agencies)
    if published and not document.published:
        document = document.model_copy(update={"published": published})
    body = next((a for a in agencies if meeting.body and a.id == meeting.body.agency), None)
    resolutions = find_resolutions(text, tuple([body.name, body.abbreviation or "", *body.aliases]) if body else ())
    header_dates = [when.span] if when else []
    header_dates += [p.span for p in periods(text[:1500]) if p.basis == "date" and p.start == published]
    deadlines = _deadlines(text, meeting.date, header_dates)
    for res in resolutions:
        s, e = res.span
        res.agencies = [a.id for a in agencies if any(s <= ms and me <= e for ms, me in a.mentions)]
        res.deadlines = [i for i, d in enumerate(deadlines) if s <= d.span[0] < e]
    actions = find_actions(text, resolutions, agencies, deadlines)
    return Record(document=document, meeting=meeting, resolutions=resolutions, agencies=agencies,
                  deadlines=deadlines, actions=actions)

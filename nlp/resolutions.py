"""The decisions of the meeting: numbered items after "มีมติ ... ดังนี้", or decision sentences."""

from __future__ import annotations

import re

from mati.record import Kind, Resolution
from nlp.normalize import digits

ITEM = re.compile(r"^[ \t]*(?:ข้อ\s*)?(?P<num>\d{1,2})(?P<style>[.)])(?!\d)\s*", re.M)
SUB_ITEM = re.compile(r"^[ \t]*(?:\(?\d{1,2}\)|[ก-ฮ][.)])\s*", re.M)
# the decision section starts after one of these (the last one before the first item wins)
SECTION_START = re.compile(r"มีมติ|สรุป(?:ผล|ประเด็น)การประชุม|ผลการประชุม|ที่ประชุมได้พิจารณา|ดังนี้")
SECTION_LEAD = re.compile(r"มีมติ|ที่ประชุม(?:ได้|ยัง)?")
# a paragraph that is not part of the item before it
CLOSING = re.compile(r"^(?:ผลการประชุม|ที่ประชุมมีมติ|ปิดประชุม|เลิกประชุม|ผู้จด|ที่มา\s*:|ข่าว|.*/\s*จัดทำ\s*$)")
DECISION_SENTENCE = re.compile(
    r"(?:ที่ประชุม(?:ได้)?(?:มีมติ|เห็นชอบ|รับทราบ|อนุมัติ|มอบหมาย)|มีมติ(?:ให้|เห็นชอบ|อนุมัติ|รับทราบ)?)"
)
KIND_CUES: list[tuple[Kind, re.Pattern[str]]] = [
    (Kind.reject, re.compile(r"ไม่(?:ให้ความ)?(?:เห็นชอบ|อนุมัติ|เห็นด้วย)|ไม่รับ(?:ทราบ|หลักการ)|ยกเลิก|ตกไป")),
    (Kind.approve, re.compile(r"เห็นชอบ|อนุมัติ|รับรอง(?:รายงาน|ผล)|เห็นควร|ให้ความเห็นชอบ|เห็นด้วย")),
    (Kind.defer, re.compile(r"เลื่อน(?:การ)?พิจารณา|ชะลอ|นำกลับมาเสนอ(?:ใหม่)?|ให้ทบทวน|ถอนเรื่อง")),
    (Kind.acknowledge, re.compile(r"รับทราบ|^(?:รายงาน|ผลการ|ความก้าวหน้า)|เพื่อทราบ")),
    (Kind.assign, re.compile(r"มอบหมาย|มอบให้")),
]
CUE_WINDOW = 160  # a decision verb counts when it comes early in the item


def classify(text: str) -> Kind:
    """The kind of a decision from its first words (approve wins over assign)."""
    head = text[:CUE_WINDOW]
    hits = [(m.start(), kind) for kind, pattern in KIND_CUES if (m := pattern.search(head))]
    if not hits:
        return Kind.other
    for kind in (Kind.reject, Kind.approve):
        if any(k == kind for _, k in hits):
            return kind
    return min(hits)[1]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _numbered(text: str, shadow: str) -> list[Resolution]:
    items = list(ITEM.finditer(shadow))
    if not items:
        return []
    style = items[0]["style"]
    tops = [m for m in items if m["style"] == style]
    # keep an increasing run 1, 2, 3 ... starting from the first "1"
    run: list[re.Match[str]] = []
    for m in tops:
        if int(m["num"]) == len(run) + 1:
            run.append(m)
    # "มีมติเห็นชอบ ... ดังนี้ 1) ... 2) ...": items without a verb of their own take the lead-in's kind
    window = text[max(0, run[0].start() - 600) : run[0].start()] if run else ""
    leads = list(SECTION_LEAD.finditer(window))
    lead_kind = classify(window[leads[-1].end() :]) if leads else Kind.other
    out = []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(text)
        start = m.end()
        # a closing paragraph after the last item is not part of it
        body_end = end
        for para in re.finditer(r"\n\s*\n\s*(?P<p>[^\n]+)", text[start:end]):
            if CLOSING.match(para["p"].strip()):
                body_end = start + para.start()
                break
        s, e = _trim(text, start, body_end)
        if e <= s:
            continue
        chunk = text[s:e]
        subs = [_flat(x) for x in re.split(r"\n(?=[ \t]*\(?\d{1,2}\))", chunk)[1:]]
        kind = classify(_flat(chunk))
        out.append(Resolution(number=m["num"], kind=kind if kind != Kind.other else lead_kind, text=chunk,
                              span=(s, e),
                              items=[x for x in subs if x]))
        # a closing "ผลการประชุม ... เพื่อทราบ และแจ้งให้ ..." paragraph is itself an outcome
        if body_end < end:
            tail = text[body_end:end]
            p = re.search(r"ผลการประชุม[^\n]+", tail)
            if p:
                ps, pe = _trim(text, body_end + p.start(), body_end + p.end())
                out.append(Resolution(number=None, kind=Kind.other, text=text[ps:pe], span=(ps, pe)))
    return out


def _sentences(text: str) -> list[Resolution]:
    out = []
    for para in re.finditer(r"[^\n]+", text):
        for m in DECISION_SENTENCE.finditer(para.group()):
            s = para.start() + m.start()
            e = para.end()
            nxt = DECISION_SENTENCE.search(para.group(), m.end())
            if nxt:
                e = para.start() + nxt.start()
            s, e = _trim(text, s, e)
            chunk = text[s:e]
            verb = re.sub(r"^ที่ประชุม(?:ได้)?(?:มีมติ)?", "", chunk)
            out.append(Resolution(kind=classify(verb or chunk), text=chunk, span=(s, e)))
            break
    return out


def find_resolutions(text: str) -> list[Resolution]:
    """Each decision with its kind, whole text (sub-items included) and span."""
    shadow = digits(text)
    first_item = ITEM.search(shadow)
    if first_item:
        numbered = _numbered(text, shadow)
        if numbered:
            return numbered
    return _sentences(text)

"""The decisions of the meeting: numbered items after "มีมติ ... ดังนี้", or decision sentences."""

from __future__ import annotations

import re

from mati.record import Kind, Resolution
from nlp.normalize import digits, trigrams

ITEM = re.compile(r"^[ \t]*(?:ข้อ\s*)?(?P<num>\d{1,2})(?P<style>[.)])(?!\d)\s*", re.M)
SUB_ITEM = re.compile(r"^[ \t]*(?:\(?\d{1,2}\)|[ก-ฮ][.)])\s*", re.M)
# the decision section starts after one of these (the last one before the first item wins)
SECTION_START = re.compile(r"มีมติ|สรุป(?:ผล|ประเด็น)การประชุม|ผลการประชุม|ที่ประชุมได้พิจารณา|ดังนี้")
SECTION_LEAD = re.compile(r"มีมติ|ที่ประชุม(?:ได้|ยัง)?")
# a paragraph that is not part of the item before it
CLOSING = re.compile(r"^(?:ผลการประชุม|ที่ประชุมมีมติ|ปิดประชุม|เลิกประชุม|ผู้จด|ที่มา\s*:|ข่าว|.*/\s*จัดทำ\s*$)")
# a decision verb, as it opens the text of a decision ("มีมติเห็นชอบ", "ได้เห็นชอบ", "ได้มีการพิจารณา")
_STRONG = r"(?:ให้ความ)?(?:ไม่)?(?:เห็นชอบ|อนุมัติ|รับทราบ|มอบหมาย|รับรอง|เลื่อน(?:การพิจารณา)?)"
_WEAK = r"(?:มีการ)?(?:พิจารณา|หารือ)"  # considered/discussed: a decision only if nothing stronger follows
VERB = rf"(?:(?:ได้|ยัง|จึง)\s*)?(?:มีมติ\s*)?(?:{_STRONG}|{_WEAK})"
# a further decision in the same sentence: "... รวมทั้งเห็นชอบ ..."
_JOIN = r"(?:รวมทั้ง|รวมถึง|พร้อมทั้ง|พร้อม|ทั้งยัง|อีกทั้ง|และ)"
# "... รวมทั้งเห็นชอบ B": a second decision; "เห็นชอบ A และมอบหมายให้ ..." is one (the assignment carries A out)
CHAIN = re.compile(
    rf"{_JOIN}\s*(?:ได้|ยัง)?\s*(?P<verb>(?:มีมติ\s*)?(?:ให้ความ)?(?:ไม่)?(?:เห็นชอบ|อนุมัติ|รับทราบ|รับรอง))"
)
# where a decision's text ends inside its paragraph: reported speech and emphasis that follow it
DECISION_END = re.compile(r"\s(?:โดย)?(?:เน้นย้ำ|กล่าวว่า|กล่าวเพิ่มเติม|ระบุว่า|เปิดเผยว่า)")
MIN_DECISION = 8  # characters
CHAIN_CUT = re.compile(rf"\s*{_JOIN}\s*(?:ได้|ยัง)?\s*")
# a paragraph that goes on with the decisions of the one before
CONTINUED = re.compile(
    rf"\s*(?:รวมทั้ง|นอกจากนี้|พร้อมกันนี้|ทั้งนี้|อีกทั้ง)\s*(?:ที่ประชุม\S*\s*)?(?:ยัง)?\s*(?P<verb>(?:ได้)?{_STRONG})"
)
SAME_DECISION = 0.8  # share of the shorter text's trigrams in the longer: one decision told twice
# considered and nothing more: "ได้พิจารณา X" (but "พิจารณาให้ความเห็นชอบ X" is an approval)
WEAK_ONLY = re.compile(rf"(?:(?:ได้|ยัง|จึง)\s*)?(?:มีมติ\s*)?{_WEAK}(?!\s*{_STRONG})")
PAST = re.compile(r"เมื่อ(?:วันที่|คราว)|ที่ผ่านมา")
KIND_CUES: list[tuple[Kind, re.Pattern[str]]] = [
    (Kind.reject, re.compile(r"ไม่(?:ให้ความ)?(?:เห็นชอบ|อนุมัติ|เห็นด้วย)|ไม่รับ(?:ทราบ|หลักการ)|ยกเลิก|ตกไป")),
    # not the passive "ที่ได้รับการอนุมัติ" (that was approved) nor a request "ขออนุมัติ"
    (Kind.approve, re.compile(r"(?<!ได้รับการ)(?<!ได้รับความ)(?<!ได้รับ)(?<!ขอ)(?<!ขอความ)(?:เห็นชอบ|อนุมัติ)"
                              r"|รับรอง(?:รายงาน|ผล)|เห็นควร|เห็นด้วย")),
    (Kind.defer, re.compile(r"เลื่อน(?:การ)?พิจารณา|ชะลอ|นำกลับมาเสนอ(?:ใหม่)?|ให้ทบทวน|ถอนเรื่อง")),
    (Kind.acknowledge, re.compile(r"รับทราบ|^(?:รายงาน|ผลการ|ความก้าวหน้า)|เพื่อทราบ")),
    (Kind.assign, re.compile(r"มอบหมาย|มอบให้")),
]
CUE_WINDOW = 160
LEAD_IN = 400  # "มีมติ ... ดังนี้" comes at most this far before item 1


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
    if not items or not SECTION_START.search(shadow[max(0, items[0].start() - LEAD_IN) : items[0].start()]):
        return []  # a numbered list that no decision introduces is not the decisions
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
    kinds = [classify(window[lead.end() :]) for lead in reversed(leads)]
    lead_kind = next((k for k in kinds if k != Kind.other), Kind.other)
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


def _anchor_pattern(subjects: tuple[str, ...]) -> re.Pattern[str]:
    names = "".join("|" + re.escape(x) for x in sorted(subjects, key=len, reverse=True) if x)
    subject = rf"ที่ประชุม(?:ฯ)?|คณะ(?:อนุ)?กรรมการ\S{{0,60}}|บอร์ด\S{{0,20}}|กรรมการฯ{names}"
    return re.compile(
        rf"(?:{subject})(?:[^\n]{{0,30}}?)(?P<verb>{VERB})"
        rf"|ได้ประชุม\s*(?P<verb2>พิจารณา(?=\s*{_STRONG})|{_STRONG})"  # "... ได้ประชุมพิจารณาให้ความเห็นชอบ"
    )


def _verb_start(m: re.Match[str]) -> int:
    return m.start("verb") if m.group("verb") else m.start("verb2")


def _prose(text: str, subjects: tuple[str, ...]) -> list[Resolution]:
    """Decisions written as sentences: "ที่ประชุม (กพช.) ได้เห็นชอบ A รวมทั้งรับทราบ B" → A, B."""
    anchor = _anchor_pattern(subjects)
    out: list[Resolution] = []
    seen_lines: set[str] = set()
    decided = False  # did the paragraph before report a decision? ("รวมทั้ง ยังได้รับทราบ ..." goes on)
    for para in re.finditer(r"[^\n]+", text):
        line = para.group().strip()
        if line in seen_lines:  # news repeats its headline
            continue
        seen_lines.add(line)
        found: list[tuple[int, int]] = []  # (where the sentence reporting it starts, where its text starts)
        if decided and (m := CONTINUED.match(text, para.start())):
            found.append((m.start(), m.start("verb")))
        for m in anchor.finditer(text, para.start(), para.end()):
            verb = _verb_start(m)
            if PAST.search(text[max(para.start(), m.start() - 40) : verb]) or text[:verb].endswith("เพื่อ"):
                continue  # background (เมื่อวันที่ ...) or a purpose (เพื่อพิจารณา), not a decision
            found.append((m.start(), verb))
        found += [(c.start(), c.start("verb")) for _, v in list(found) for c in CHAIN.finditer(text, v + 1, para.end())]
        decided = bool(found)
        found = sorted(set(found), key=lambda f: f[1])
        for i, (_, s) in enumerate(found):
            e = found[i + 1][0] if i + 1 < len(found) else para.end()
            if cut := DECISION_END.search(text, s, e):
                e = cut.start()
            weak = WEAK_ONLY.match(text, s)
            if weak and i + 1 < len(found):
                continue  # "ได้พิจารณา X และมีมติอนุมัติ": the decision is the one that follows
            s, e = _trim(text, s, e)
            if e - s >= MIN_DECISION:
                _add_unique(out, Resolution(kind=classify(text[s:e]), text=text[s:e], span=(s, e)))
    return sorted(out, key=lambda r: r.span)


def _add_unique(found: list[Resolution], new: Resolution) -> None:
    """Add ``new`` unless it repeats one already found (a lede repeating the body); keep the longer."""
    grams = trigrams(new.text)
    for i, old in enumerate(found):
        other = trigrams(old.text)
        if len(grams & other) / min(len(grams), len(other)) >= SAME_DECISION:
            if len(new.text) > len(old.text):
                found[i] = new
            return
    found.append(new)


def find_resolutions(text: str, subjects: tuple[str, ...] = ()) -> list[Resolution]:
    """Each decision with its kind, whole text (sub-items included) and span.

    ``subjects`` are the ways the document writes the meeting's body (กพช., คณะกรรมการ...), which
    say a sentence reports one of its decisions.
    """
    shadow = digits(text)
    if ITEM.search(shadow):
        numbered = _numbered(text, shadow)
        if numbered:
            return numbered
    return _prose(text, subjects)

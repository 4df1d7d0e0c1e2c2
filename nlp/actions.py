"""Actions: which agency the meeting tells to do what, and by when.

An agency is told to act when it follows an assignment cue (มอบหมายให้, แจ้งให้, ให้), when it
is the subject of a numbered sub-item ("1) สำนักงบประมาณ กำหนด..."), or when it is the subject
of a future clause ("สำนักงาน ก.พ.ร. ร่วมกับกระทรวงมหาดไทย ... จะจัดทำ..."). Agencies joined by
และ / ร่วมกับ share the task.
"""

from __future__ import annotations

import re

from mati.record import Action, Agency, Deadline, Resolution
from nlp.segment import around, sentences

CUE_BEFORE = re.compile(r"(?:มอบหมาย(?:ให้)?|แจ้งให้|ขอให้|ขอความร่วมมือ(?:ให้)?|(?<!เสนอ)(?<!กำหนด)ให้)\s*$")
SUB_ITEM_START = re.compile(r"(?:^|\n)[ \t]*(?:\(?\d{1,2}\)|[ก-ฮ]\))[ \t]*$")
JOINER = re.compile(r"\s*(?:,|และ|ร่วมกับ|กับ)\s*")
GENERIC = re.compile(r"\s*(?:,|และ)?\s*(?:หน่วยงาน|ส่วนราชการ)(?:ที่เกี่ยวข้อง|อื่น ?ๆ|ต่าง ?ๆ)\s*")
FUTURE = re.compile(r"\s*(?:จะ(?:ได้)?|ได้|ควร(?:จะ)?|ต้อง|ไป)\s*")
NOT_A_TASK = re.compile(r"^(?:เป็น|ใน(?:ฐานะ|การ)?|ที่|ซึ่ง|ของ|เพื่อทราบ|ทราบ)")
TASK_MIN, TASK_MAX = 8, 160
TASK_BREAK = re.compile(r"\n|\s(?:โดย|เพื่อ|ทั้งนี้|ซึ่ง|ในช่วง|ภายใน|ตั้งแต่|ตาม|อย่างน้อย|หรือ|และให้|รวมทั้ง)|\s{2,}")


def _task(text: str, start: int, limit: int) -> tuple[int, int]:
    """Span of the task phrase from ``start`` up to the first clause break (โดย, เพื่อ, ทั้งนี้, a time frame)."""
    while start < limit and text[start].isspace():
        start += 1
    stop = min(limit, start + TASK_MAX)
    m = TASK_BREAK.search(text, start + TASK_MIN, stop) if start + TASK_MIN < stop else None
    end = m.start() if m else stop
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _chain(mentions: list[tuple[int, int, Agency]], i: int, text: str) -> tuple[list[Agency], int]:
    """The agencies joined to mention ``i`` by และ / ร่วมกับ, and where the chain ends."""
    chain, end = [mentions[i][2]], mentions[i][1]
    j = i + 1
    while True:
        if g := GENERIC.match(text, end):
            end = g.end()
        if j < len(mentions) and (jm := JOINER.match(text, end)) and jm.end() == mentions[j][0]:
            chain.append(mentions[j][2])
            end = mentions[j][1]
            j += 1
            continue
        if g := GENERIC.match(text, end):
            end = g.end()
        return chain, end


def find_actions(
    text: str, resolutions: list[Resolution], agencies: list[Agency], deadlines: list[Deadline]
) -> list[Action]:
    """One action per agency told to do something in a resolution."""
    out: list[Action] = []
    mentions = sorted((s, e, a) for a in agencies for s, e in a.mentions)
    for res in resolutions:
        rs, re_ = res.span
        inside = [m for m in mentions if rs <= m[0] and m[1] <= re_]
        i = 0
        while i < len(inside):
            s, _e, _a = inside[i]
            chain, end = _chain(inside, i, text)
            line_start = text.rfind("\n", 0, s) + 1
            before = text[max(line_start, s - 30) : s]
            future = FUTURE.match(text, end)
            told = (
                CUE_BEFORE.search(before)
                or SUB_ITEM_START.search(text[max(0, s - 12) : s])
                or (future and future.group().strip().startswith("จะ"))
            )
            i += len(chain)
            if not told:
                continue
            task_start = future.end() if future else end
            line_end = text.find("\n", task_start)
            ts, te = _task(text, task_start, min(re_, line_end if line_end >= 0 else re_))
            task = text[ts:te]
            if not task or NOT_A_TASK.match(task):
                continue
            sentence = around(sentences(text, rs, re_), ts) or (ts, te)
            # the time limit after the task in its sentence, else the one before it
            in_sentence = [d for d in deadlines if sentence[0] <= d.span[0] < sentence[1]]
            due = next((d for d in in_sentence if d.span[0] >= ts), in_sentence[-1] if in_sentence else None)
            for agency in chain:
                out.append(Action(
                    agency=agency.abbreviation or agency.name, agency_id=agency.id, task=task,
                    due=due.end if due else None, resolution=res.number, span=(s, te),
                ))
    return out

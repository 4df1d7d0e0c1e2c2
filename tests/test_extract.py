"""Normalisation, tokenisation and each extraction stage, on Thai minutes written for these tests."""

from __future__ import annotations

from datetime import date

from mati.record import Document, Kind
from nlp.agencies import find_agencies
from nlp.extract import extract
from nlp.meeting import find_meeting
from nlp.normalize import clean, digits
from nlp.resolutions import classify, find_resolutions
from nlp.tokenize import index_terms, words

MINUTES = """สรุปผลการประชุมคณะอนุกรรมการติดตามการแก้ไขปัญหาภัยแล้ง (อ.ก.ภ.ล.) ครั้งที่ ๔/๒๕๖๕

เมื่อวันพฤหัสบดีที่ 10 กุมภาพันธ์ 2565 เวลา 09.30 น. อ.ก.ภ.ล. ได้ประชุม ณ ห้องประชุมกรมชลประทาน ชั้น 3 \
โดยมี นายสมชาย ใจดี เป็นประธาน พร้อมด้วย นางสาววิไล รักษ์น้ำ ในฐานะรองประธาน ที่ประชุมมีมติ ดังนี้

1. เห็นชอบแผนการจัดสรรน้ำฤดูแล้ง ปีงบประมาณ พ.ศ. 2565 โดยมอบหมายให้ กรมชลประทาน จัดทำรายงานปริมาณน้ำรายสัปดาห์ ภายในวันที่ 31 มีนาคม 2565

2. รับทราบรายงานสถานการณ์ภัยแล้งของสำนักงานทรัพยากรน้ำแห่งชาติ (สทนช.) ทั้งนี้ ให้ สทนช. ประสานกระทรวงมหาดไทย ภายใน 30 วัน

3. เลื่อนการพิจารณาโครงการขุดลอกคลองออกไปเป็นการประชุมครั้งต่อไป
"""


def _record(text: str = MINUTES):
    return extract(Document(id="x", source_name="t.txt", media_type="text/plain", text=clean(text)))


def test_clean_keeps_paragraphs_and_fixes_thai() -> None:
    text = clean("เเละ  การ\r\n\r\n\r\n ประชุม\u200b ก\u0e4d\u0e32หนด")
    assert text == "และ การ\n\nประชุม กำหนด"
    assert digits("๒/๒๕๖๓") == "2/2563"


def test_tokens_keep_abbreviations_whole() -> None:
    toks = words("มอบหมายให้ สป.มท. และ อ.ก.พ.ร.ฯ ร่วมกับ ก.พ.ร. และ ศบค. ดำเนินการ")
    for abbreviation in ("สป.มท.", "อ.ก.พ.ร.ฯ", "ก.พ.ร.", "ศบค."):
        assert abbreviation in toks
    assert "กระทรวงมหาดไทย" in words("ให้กระทรวงมหาดไทยพิจารณา")
    assert index_terms("ครั้งที่ ๒/๒๕๖๓") == ["ครั้ง", "ที่", "2", "2563"]


def test_agencies_from_registry_definitions_and_committees() -> None:
    text = clean(MINUTES)
    found = {a.name: a for a in find_agencies(text)}
    assert "กรมชลประทาน" in found
    assert "กระทรวงมหาดไทย" in found
    # a definition in the document teaches the abbreviation and links later mentions
    water = found["สำนักงานทรัพยากรน้ำแห่งชาติ"]
    assert water.abbreviation == "สทนช." or "สทนช." in water.aliases
    assert len(water.mentions) == 3  # name and abbreviation in the definition, one later use
    assert water.kind == "office"
    committee = next(a for a in found.values() if a.name.startswith("คณะอนุกรรมการติดตาม"))
    assert committee.kind == "subcommittee"
    assert "อ.ก.ภ.ล." in [committee.abbreviation, *committee.aliases]
    assert len(committee.mentions) >= 3
    for a in found.values():
        for s, e in a.mentions:
            assert text[s:e].replace(" ", "") in {x.replace(" ", "") for x in [a.name, a.abbreviation, *a.aliases]}


def test_bare_province_names_and_glued_abbreviations_are_not_agencies() -> None:
    names = {a.name for a in find_agencies("ไม่เลยสักครั้ง ทั้งที่ตากแดด และน่านน้ำ")}
    assert not any(n.startswith("จังหวัด") for n in names)
    assert {a.name for a in find_agencies("เดินทางไปจังหวัดน่าน")} == {"จังหวัดน่าน"}


def test_meeting() -> None:
    text = clean(MINUTES)
    meeting, when, _ = find_meeting(text, find_agencies(text))
    assert meeting.session == "4/2565"
    assert meeting.date == date(2022, 2, 10)
    assert meeting.start_time == "09:30"
    assert meeting.venue == "ห้องประชุมกรมชลประทาน ชั้น 3"
    assert meeting.chair is not None and meeting.chair.name == "นายสมชาย ใจดี"
    assert [(p.name, p.role) for p in meeting.participants] == [("นางสาววิไล รักษ์น้ำ", "รองประธาน")]
    assert meeting.body is not None and meeting.body.name.startswith("คณะอนุกรรมการติดตาม")
    assert when is not None and text[when.span[0] : when.span[1]].endswith("2565")


def test_online_platform() -> None:
    text = clean("การประชุมครั้งที่ 1/2566 เมื่อวันที่ 3 มีนาคม 2566 ผ่านระบบ Microsoft Teams")
    meeting, _, _ = find_meeting(text, [])
    assert meeting.online_platform == "Microsoft Teams"
    assert meeting.session == "1/2566"


def test_resolutions_and_kinds() -> None:
    text = clean(MINUTES)
    res = find_resolutions(text)
    assert [r.number for r in res] == ["1", "2", "3"]
    assert [r.kind for r in res] == [Kind.approve, Kind.acknowledge, Kind.defer]
    assert res[0].text.startswith("เห็นชอบแผนการจัดสรรน้ำ")
    assert text[res[1].span[0] : res[1].span[1]] == res[1].text


def test_sub_items_belong_to_their_item() -> None:
    text = clean("มีมติ ดังนี้\n1. เห็นชอบแนวทาง ดังนี้\n1) ข้อแรก\n2) ข้อสอง\n2. รับทราบผลการดำเนินงาน")
    res = find_resolutions(text)
    assert [r.number for r in res] == ["1", "2"]
    assert res[0].items == ["1) ข้อแรก", "2) ข้อสอง"]


def test_unnumbered_decision_sentences() -> None:
    text = clean("วันนี้ ที่ประชุมได้พิจารณาร่างระเบียบ และที่ประชุมมีมติอนุมัติร่างระเบียบดังกล่าว")
    res = find_resolutions(text)
    assert len(res) == 1 and res[0].kind == Kind.approve


def test_classify() -> None:
    assert classify("ไม่เห็นชอบข้อเสนอ") == Kind.reject
    assert classify("มอบหมายให้กรมชลประทานดำเนินการ") == Kind.assign
    assert classify("เห็นชอบและมอบหมายให้กรมชลประทานดำเนินการ") == Kind.approve
    assert classify("ข้อสังเกตทั่วไป") == Kind.other


def test_deadlines_and_actions() -> None:
    record = _record()
    got = {(d.start, d.end) for d in record.deadlines}
    assert (date(2021, 10, 1), date(2022, 9, 30)) in got  # ปีงบประมาณ พ.ศ. 2565
    assert (date(2022, 3, 31), date(2022, 3, 31)) in got
    assert (date(2022, 3, 12), date(2022, 3, 12)) in got  # ภายใน 30 วัน from the meeting
    assert date(2022, 2, 10) not in {d.end for d in record.deadlines}  # the meeting date is not a deadline
    actions = {(a.agency_id, a.due) for a in record.actions}
    irrigation = next(a for a in record.agencies if a.name == "กรมชลประทาน")
    assert any(a.agency_id == irrigation.id and a.task.startswith("จัดทำรายงานปริมาณน้ำ")
               and a.due == date(2022, 3, 31) for a in record.actions)
    water = next(a for a in record.agencies if a.name == "สำนักงานทรัพยากรน้ำแห่งชาติ")
    assert (water.id, date(2022, 3, 12)) in actions
    assert record.resolutions[0].agencies and irrigation.id in record.resolutions[0].agencies
    for item in [*record.deadlines, *record.actions, *record.resolutions]:
        s, e = item.span
        assert 0 <= s < e <= len(record.document.text)


def test_the_ner_model_finds_state_bodies_the_registry_does_not_know() -> None:
    found = find_agencies("ที่ประชุมมอบหมายให้สำนักงานส่งเสริมนวัตกรรมข้าวไทย จัดทำแผนงาน ภายในเดือนมีนาคม 2567")
    assert [(a.name, a.kind) for a in found] == [("สำนักงานส่งเสริมนวัตกรรมข้าวไทย", "office")]
    assert found[0].id.startswith("doc.")  # a document-local entry, not a registry one
    assert find_agencies("บริษัท ไทยพัฒนา จำกัด ได้เข้าร่วมประชุม") == []  # a firm is not an agency


def test_an_abbreviation_after_a_number_is_a_unit_and_a_cut_name_is_the_full_one() -> None:
    assert find_agencies("ลูกสุกรขนาด 3 - 7 กก. จำนวน 450,000 ตัว ระยะทาง 10 กม.") == []
    found = find_agencies("กระทรวงเกษตรและสหกรณ์ร่วมกับกระทรวงเกษตร จัดงาน")
    assert [a.name for a in found] == ["กระทรวงเกษตรและสหกรณ์"]


def test_experts_of_a_committee_are_people_not_a_body() -> None:
    names = [a.name for a in find_agencies("รวมทั้งคณะกรรมการผู้ทรงคุณวุฒิเข้าร่วมประชุม และคณะกรรมการกลั่นกรองการใช้จ่ายเงินกู้ ได้ประชุม")]
    assert names == ["คณะกรรมการกลั่นกรองการใช้จ่ายเงินกู้"]


def test_a_body_named_only_in_position_titles_is_not_named() -> None:
    text = "พลเอก ประยุทธ์ นายกรัฐมนตรีและรัฐมนตรีว่าการกระทรวงกลาโหม เป็นประธาน โดยมีปลัดกระทรวงมหาดไทย และกระทรวงมหาดไทยรายงาน"
    assert [a.name for a in find_agencies(text)] == ["กระทรวงมหาดไทย"]  # named once on its own


def test_a_unit_under_its_ministry_written_short() -> None:
    found = find_agencies("โดยให้กรมป่าไม้ กระทรวงทรัพยากรธรรมชาติฯ ดำเนินการสำรวจพื้นที่")
    assert [a.name for a in found] == ["กรมป่าไม้", "กระทรวงทรัพยากรธรรมชาติและสิ่งแวดล้อม"]
    assert found[0].parent == found[1].id


def test_ocr_noise_session_slash_and_loose_letters() -> None:
    meeting, _, _ = find_meeting(clean("ได้มีการประชุม ครั้งที่ 272563 ณ ห้องประชุม"), [])
    assert meeting.session == "2/2563"  # the slash read as 7
    assert find_agencies("ข้อความ ร ง ที่แยกกัน") == []  # loose letters are not the abbreviation รง.


def test_a_long_name_misspelt_is_the_same_body_but_a_sibling_level_is_not() -> None:
    text = clean(
        "คณะอนุกรรมการพัฒนาระบบราชการเกี่ยวกับการส่งเสริมและพัฒนาระบบการบริหารราชการในส่วนภูมิภาคและท้องถิ่น ได้ประชุม\n"
        "คณะอนุกรรมการพัฒนาระบบราชการเกี่ยวกับการส่งเสริมและพัฒนาระบบการบริหารราชการในส่วนภูมิภาคและท้องถิน รับทราบ\n"
        "ศูนย์อำนวยการปฏิบัติการขจัดความยากจนและพัฒนาคนทุกช่วงวัยอำเภอ (ศจพ.อ.) และ"
        "ศูนย์อำนวยการปฏิบัติการขจัดความยากจนและพัฒนาคนทุกช่วงวัยเขต (ศจพ.ข.)"
    )
    found = find_agencies(text)
    committee = [a for a in found if a.name.startswith("คณะอนุกรรมการ")]
    assert len(committee) == 1 and len(committee[0].mentions) == 2  # "ท้องถิน" is a slip of "ท้องถิ่น"
    assert {a.abbreviation for a in found if a.name.startswith("ศูนย์")} == {"ศจพ.อ.", "ศจพ.ข."}


def test_considered_and_approved_is_an_approval() -> None:
    text = clean("คณะกรรมการฯ ได้ร่วมกันพิจารณาให้ความเห็นชอบการดำเนินงานของกองทุนฯ และรับทราบสรุปภาพรวมโครงการ")
    res = find_resolutions(text)
    assert [r.kind for r in res] == [Kind.approve, Kind.acknowledge]
    assert res[0].text.startswith("พิจารณาให้ความเห็นชอบ") and res[1].text.startswith("รับทราบสรุปภาพรวม")

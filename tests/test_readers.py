"""Readers: type detection, encodings, HTML boilerplate, DOCX numbering, PDF text layer, bad inputs."""

from __future__ import annotations

import codecs
import contextlib
import datetime
import io
import shutil
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from corpus.readers import DOCX, HTML, PDF, PLAIN, Reading, read, repair_thai, strip_boilerplate
from corpus.readers.docx_numbering import format_number
from corpus.readers.pdf_reader import read_pdf
from corpus.readers.zipguard import check_zip
from mati.errors import (
    DocumentTooLarge,
    EmptyDocument,
    MatiError,
    ReaderLimitExceeded,
    UnreadableDocument,
    UnsupportedType,
)

try:
    from tests import badfiles
except ImportError:  # tests/ is not a package: pytest put it on sys.path
    import badfiles  # type: ignore[no-redef]

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared beside the project
CDC_PDF = SHARED / "data" / "pdf" / "cdc-draft-constitution-2558-word.pdf"
SCAN_PDF = SHARED / "data" / "pdf" / "house-bill-2563-scan.pdf"
DEV_TXT = SHARED / "eval" / "dev" / "opdc-subcommittee-2564-03.txt"

MINUTES = (
    "รายงานการประชุมคณะกรรมการพัฒนาระบบบริการประชาชน ครั้งที่ 2/2567\n"
    "วันพฤหัสบดีที่ 8 กุมภาพันธ์ 2567 เวลา 13.30 น. ณ ห้องประชุมชั้น 3\n\n"
    "ระเบียบวาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ\n"
    "มติ ที่ประชุมรับทราบ และมอบหมายให้สำนักงานเลขานุการติดตามผลภายใน 30 วัน\n\n"
    "1. เห็นชอบแผนการดำเนินงาน\n"
    "1) ให้กองคลังจัดทำประมาณการงบประมาณ\n"
    "2) ให้ศูนย์สารสนเทศปรับปรุงฐานข้อมูลกลาง"
)


# ---------------------------------------------------------------- plain text and encodings


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
    ],
)
def test_plain_text_unicode_encodings_and_boms(encoding: str, prefix: bytes) -> None:
    reading = read(prefix + MINUTES.encode(encoding), "minutes.txt")
    assert isinstance(reading, Reading)
    assert reading.media_type == PLAIN
    assert reading.text == MINUTES
    assert not reading.text.startswith("\ufeff")
    assert reading.title.startswith("รายงานการประชุม")
    assert reading.pages == []


@pytest.mark.parametrize("encoding", ["cp874", "tis-620"])
def test_plain_text_legacy_thai_encodings(encoding: str) -> None:
    reading = read(MINUTES.encode(encoding), "minutes.txt")
    assert reading.media_type == PLAIN
    assert reading.text == MINUTES


@pytest.mark.parametrize("encoding", ["cp874", "tis-620"])
def test_short_legacy_thai_snippet(encoding: str) -> None:
    """A few bytes of TIS-620 are too short for statistics; they must still come out as Thai."""
    assert read("มติที่ประชุม".encode(encoding)).text == "มติที่ประชุม"


def test_plain_text_crlf_nfc_and_pasted_cookie_banner() -> None:
    body = MINUTES.replace("\n", "\r\n")
    banner = (
        "\r\n\r\nเราใช้คุกกี้เพื่อพัฒนาประสิทธิภาพ และประสบการณ์ที่ดีในการใช้เว็บไซต์ของท่าน\r\n\r\n"
        "ยอมรับทั้งหมด\r\nตั้งค่าความเป็นส่วนตัว\r\n\r\nบันทึกการตั้งค่า\r\n"
    )
    reading = read((body + banner).encode("utf-8"), "pasted.txt")
    assert reading.text == MINUTES
    assert "\r" not in reading.text


def test_dev_text_loses_its_cookie_block_but_keeps_items() -> None:
    if not DEV_TXT.exists():
        pytest.skip("shared dev data absent")
    raw = DEV_TXT.read_text(encoding="utf-8")
    text = read(raw.encode("utf-8"), DEV_TXT.name).text
    assert "คุกกี้" in raw and "คุกกี้" not in text
    assert "บันทึกการตั้งค่า" not in text and "ยอมรับทั้งหมด" not in text
    for item in ("1. การพัฒนารูปแบบ", "2. การพัฒนากลไก", "3. รายงานความก้าวหน้า", "4) จังหวัดและกลุ่มจังหวัด"):
        assert item in text
    assert text.rstrip().endswith("เพื่อพิจารณาต่อไป")


# ---------------------------------------------------------------- boilerplate filter


def test_strip_boilerplate_keeps_policy_paragraphs() -> None:
    content = (
        "ที่ประชุมพิจารณานโยบายการพัฒนาระบบราชการ และเห็นชอบนโยบายความเป็นส่วนตัวของสำนักงานฉบับปรับปรุง\n\n"
        "นโยบายด้านการเงินการคลังของรัฐบาลจะนำเสนอในการประชุมครั้งต่อไป\n\n"
        "2. ให้ศูนย์เทคโนโลยีสารสนเทศปรับปรุงการใช้คุกกี้บนเว็บไซต์ให้เป็นไปตามกฎหมายคุ้มครองข้อมูลส่วนบุคคล"
    )
    assert strip_boilerplate(content) == content


def test_strip_boilerplate_drops_banner_share_and_policy_links() -> None:
    content = "1. ที่ประชุมมีมติเห็นชอบ\n\n2. มอบหมายให้กรมบัญชีกลางดำเนินการ"
    text = (
        "แชร์หน้านี้\n\n" + content + "\n\nแชร์หน้านี้ Facebook LINE\n\n"
        "นโยบายความเป็นส่วนตัว | นโยบายคุ้กกี้\n\n"
        "เว็บไซต์นี้ใช้คุ้กกี้เพื่อมอบประสบการณ์ที่ดีแก่ผู้ใช้งาน\n\n"
        "ยอมรับ\n\nWe use cookies to improve your experience.\nAccept all"
    )
    assert strip_boilerplate(text) == content


def test_strip_boilerplate_needs_a_banner_phrase() -> None:
    """Paragraphs about cookies without any banner button are someone's content, not a banner."""
    text = "คุกกี้คือไฟล์ข้อความขนาดเล็กที่เว็บไซต์บันทึกไว้ในเครื่องของผู้ใช้\n\nคุกกี้บางประเภทจำเป็นต่อการให้บริการ"
    assert strip_boilerplate(text) == text


# ---------------------------------------------------------------- HTML

NEWS_PAGE = """<!DOCTYPE html>
<html lang="th"><head><meta charset="{charset}">
<title>ผลการประชุมคณะทำงานพัฒนาระบบบริการภาครัฐ ครั้งที่ 4/2566 | สำนักงานตัวอย่าง</title>
<meta property="og:title" content="ผลการประชุมคณะทำงานพัฒนาระบบบริการภาครัฐ ครั้งที่ 4/2566">
<meta property="article:published_time" content="2023-08-15T10:30:00+07:00">
</head><body>
<header><nav class="menu"><ul>
<li><a href="/">หน้าแรก</a></li><li><a href="/about">เกี่ยวกับเรา</a></li>
<li><a href="/news">ข่าวประชาสัมพันธ์</a></li><li><a href="/contact">ติดต่อเรา</a></li></ul></nav></header>
<main><article>
<h1>ผลการประชุมคณะทำงานพัฒนาระบบบริการภาครัฐ ครั้งที่ 4/2566</h1>
<div class="share"><span>แชร์หน้านี้</span> <a href="#">Facebook</a> <a href="#">LINE</a></div>
<p>เมื่อวันอังคารที่ 15 สิงหาคม 2566 เวลา 09.30 น. คณะทำงานพัฒนาระบบบริการภาครัฐได้ประชุมครั้งที่ 4/2566
ณ ห้องประชุมชั้น 5 โดยมีผู้อำนวยการกองพัฒนาระบบเป็นประธาน ที่ประชุมมีมติดังนี้</p>
<p>1. เห็นชอบแนวทางการเชื่อมโยงข้อมูลระหว่างหน่วยงาน โดยให้กรมการปกครองจัดทำมาตรฐานข้อมูลกลาง<br>
1) ให้กองนโยบายและแผนจัดทำรายงานความก้าวหน้าเสนอภายใน 30 วัน<br>
2) ให้ศูนย์เทคโนโลยีสารสนเทศทดสอบระบบกับจังหวัดนำร่อง 3 จังหวัด</p>
<p>2. รับทราบผลการดำเนินงานตามนโยบายรัฐบาลดิจิทัล ประจำปีงบประมาณ พ.ศ. 2566</p>
<p>3. มอบหมายให้ฝ่ายเลขานุการสรุปข้อเสนอแนะของที่ประชุมและแจ้งหน่วยงานที่เกี่ยวข้องทราบต่อไป</p>
<table><tr><th>หน่วยงาน</th><th>กำหนดส่ง</th></tr><tr><td>กรมการปกครอง</td><td>30 กันยายน 2566</td></tr></table>
<p>แชร์หน้านี้</p>
<p>เราใช้คุกกี้เพื่อพัฒนาประสิทธิภาพ และประสบการณ์ที่ดีในการใช้เว็บไซต์ของท่าน</p>
<p>ยอมรับทั้งหมด</p><p>ตั้งค่าความเป็นส่วนตัว</p>
<p>คุกกี้ที่จำเป็น เปิดใช้งานตลอด</p>
</article></main>
<aside><h3>ข่าวล่าสุด</h3><ul><li><a href="/n1">ประกาศรับสมัครงาน</a></li>
<li><a href="/n2">กิจกรรมวันแม่</a></li></ul></aside>
<footer><p>สำนักงานตัวอย่าง 123 ถนนพิษณุโลก กรุงเทพฯ 10300 โทร 02-000-0000</p>
<p><a href="/privacy">นโยบายความเป็นส่วนตัว</a> | <a href="/cookie">นโยบายคุ้กกี้</a></p></footer>
<div id="cookie-consent" class="cookie-banner"><p>เว็บไซต์นี้ใช้คุ้กกี้ ท่านสามารถศึกษารายละเอียดได้ที่นโยบายคุ้กกี้</p>
<button>ยอมรับทั้งหมด</button> <button>ตั้งค่าความเป็นส่วนตัว</button></div>
</body></html>"""


def _check_news(reading: Reading) -> None:
    assert reading.media_type == HTML
    assert reading.title == "ผลการประชุมคณะทำงานพัฒนาระบบบริการภาครัฐ ครั้งที่ 4/2566"
    assert reading.published == datetime.date(2023, 8, 15)
    lines = reading.text.splitlines()
    for item in (
        "1. เห็นชอบแนวทางการเชื่อมโยงข้อมูลระหว่างหน่วยงาน โดยให้กรมการปกครองจัดทำมาตรฐานข้อมูลกลาง",
        "1) ให้กองนโยบายและแผนจัดทำรายงานความก้าวหน้าเสนอภายใน 30 วัน",
        "2) ให้ศูนย์เทคโนโลยีสารสนเทศทดสอบระบบกับจังหวัดนำร่อง 3 จังหวัด",
        "2. รับทราบผลการดำเนินงานตามนโยบายรัฐบาลดิจิทัล ประจำปีงบประมาณ พ.ศ. 2566",
    ):
        assert item in lines  # each numbered item on its own line
    assert "ที่ประชุมมีมติดังนี้" in reading.text
    assert "กรมการปกครอง | 30 กันยายน 2566" in lines
    for junk in (
        "แชร์หน้านี้",
        "คุกกี้",
        "คุ้กกี้",
        "ยอมรับทั้งหมด",
        "ความเป็นส่วนตัว",
        "หน้าแรก",
        "ติดต่อเรา",
        "ข่าวล่าสุด",
        "Facebook",
        "ถนนพิษณุโลก",
    ):
        assert junk not in reading.text, junk
    assert "\n\n" in reading.text


def test_html_news_page_main_text_only() -> None:
    _check_news(read(NEWS_PAGE.format(charset="utf-8").encode("utf-8"), "news.html"))


def test_html_in_windows_874_with_meta_charset() -> None:
    _check_news(read(NEWS_PAGE.format(charset="windows-874").encode("cp874"), "news.htm"))


def test_html_sniffed_despite_txt_name_and_published_from_json_ld() -> None:
    page = (
        "<html><head><title>ประกาศผลการประชุม</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2567-03-01"}</script>'
        "</head><body><article><p>ที่ประชุมมีมติอนุมัติโครงการพัฒนาระบบบริการประชาชนตามที่ฝ่ายเลขานุการเสนอ"
        "โดยให้ดำเนินการให้แล้วเสร็จภายในปีงบประมาณ</p></article></body></html>"
    )
    reading = read(page.encode("utf-8"), "looks-like.txt", "text/plain")
    assert reading.media_type == HTML
    assert reading.title == "ประกาศผลการประชุม"
    assert reading.published == datetime.date(2024, 3, 1)  # Buddhist-era year converted
    assert reading.text.startswith("ที่ประชุมมีมติอนุมัติ")


def test_xhtml_with_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>สรุปผลการประชุม</title>'
        '<meta name="date" content="2024-01-05"/></head><body><div><p>ที่ประชุมมีมติเห็นชอบให้ดำเนินโครงการ'
        "ตามที่เสนอ และมอบหมายให้กองแผนงานติดตามผลการดำเนินงานต่อไป</p></div></body></html>"
    )
    reading = read(page.encode("utf-8"), "page.xhtml")
    assert (reading.media_type, reading.title, reading.published) == (
        HTML,
        "สรุปผลการประชุม",
        datetime.date(2024, 1, 5),
    )
    assert reading.text.startswith("ที่ประชุมมีมติเห็นชอบ")


def test_page_with_only_navigation_is_empty() -> None:
    with pytest.raises(EmptyDocument, match="HTML"):
        read(b"<html><body><nav><a href='/'>home</a></nav></body></html>", "nav.html")


def test_text_mentioning_tags_stays_plain() -> None:
    text = "บันทึก: ใช้แท็ก <p> สำหรับย่อหน้า\nและ <br> สำหรับขึ้นบรรทัดใหม่"
    reading = read(text.encode("utf-8"), "note.txt")
    assert reading.media_type == PLAIN
    assert reading.text == text


# ---------------------------------------------------------------- DOCX

CUSTOM_NUMBERING = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2)"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="thaiLetters"/><w:lvlText w:val="(%3)"/></w:lvl>'
    "</w:abstractNum>"
)
THAI_NUMBERING = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="thaiNumbers"/><w:lvlText w:val="ข้อ %1"/></w:lvl>'
    "</w:abstractNum>"
)


def _number(paragraph: docx.text.paragraph.Paragraph, num_id: int, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _minutes_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "รายงานการประชุมคณะทำงาน ครั้งที่ 5/2567"
    document.sections[0].header.paragraphs[0].text = "เอกสารประกอบการประชุม (ร่าง)"
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(CUSTOM_NUMBERING))
    numbering.insert(0, parse_xml(THAI_NUMBERING))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))

    document.add_paragraph("รายงานการประชุมคณะทำงานพัฒนาระบบบริการ ครั้งที่ 5/2567")
    document.add_paragraph("ผู้มาประชุม")
    table = document.add_table(rows=3, cols=2)
    people = [("ชื่อ", "ตำแหน่ง"), ("นางสาวกานดา ใจดี", "ประธาน"), ("นายสมชาย รักงาน", "เลขานุการ")]
    for row, (name, role) in enumerate(people):
        table.cell(row, 0).text = name
        table.cell(row, 1).text = role
    document.add_paragraph("มติที่ประชุม")
    for text, ilvl in [
        ("เห็นชอบแผนงานประจำปี", 0),
        ("ให้กองคลังจัดสรรงบประมาณ", 1),
        ("ให้กองการเจ้าหน้าที่จัดอบรม", 1),
        ("หลักสูตรผู้บริหาร", 2),
        ("หลักสูตรผู้ปฏิบัติงาน", 2),
        ("รับทราบรายงานผลการดำเนินงาน", 0),
        ("ให้ติดตามผลทุกไตรมาส", 1),
    ]:
        _number(document.add_paragraph(text), 90, ilvl)
    document.add_paragraph("ระเบียบวาระอื่น ๆ")
    for text in ("ไม่มี", "ปิดประชุม"):
        _number(document.add_paragraph(text), 91, 0)
    document.add_paragraph("ข้อแรกแบบสไตล์", style="List Number")
    document.add_paragraph("ข้อสองแบบสไตล์", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_numbering_tables_header_and_title() -> None:
    reading = read(_minutes_docx(), "minutes.docx")
    assert reading.media_type == DOCX
    assert reading.title == "รายงานการประชุมคณะทำงาน ครั้งที่ 5/2567"
    text = reading.text
    assert text.startswith("เอกสารประกอบการประชุม (ร่าง)\n\n")
    assert text.count("เอกสารประกอบการประชุม") == 1
    expected_list = (
        "1. เห็นชอบแผนงานประจำปี\n"
        "1) ให้กองคลังจัดสรรงบประมาณ\n"
        "2) ให้กองการเจ้าหน้าที่จัดอบรม\n"
        "(ก) หลักสูตรผู้บริหาร\n"
        "(ข) หลักสูตรผู้ปฏิบัติงาน\n"
        "2. รับทราบรายงานผลการดำเนินงาน\n"
        "1) ให้ติดตามผลทุกไตรมาส"
    )
    assert expected_list in text
    assert "ข้อ ๑ ไม่มี\nข้อ ๒ ปิดประชุม" in text
    assert "1. ข้อแรกแบบสไตล์\n2. ข้อสองแบบสไตล์" in text
    # the table sits between its neighbours, row by row
    table = "ชื่อ | ตำแหน่ง\nนางสาวกานดา ใจดี | ประธาน\nนายสมชาย รักงาน | เลขานุการ"
    assert text.index("ผู้มาประชุม") < text.index(table) < text.index("มติที่ประชุม")
    assert "\n\nมติที่ประชุม\n\n1. เห็นชอบ" in text


def test_docx_title_falls_back_to_first_line_and_extension_lies() -> None:
    reading = read(badfiles.docx_bytes(), "scan.pdf", "application/pdf")
    assert reading.media_type == DOCX
    assert reading.title == "รายงานการประชุมคณะกรรมการ ครั้งที่ 1/2567"
    assert reading.text == "รายงานการประชุมคณะกรรมการ ครั้งที่ 1/2567\n\nที่ประชุมมีมติเห็นชอบ"


def test_docx_with_no_text_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        read(badfiles.docx_bytes(["", "   "]), "blank.docx")


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (3, "decimal", "3"),
        (3, "thaiNumbers", "๓"),
        (12, "thaiNumbers", "๑๒"),
        (1, "thaiLetters", "ก"),
        (4, "thaiLetters", "ง"),
        (2, "lowerLetter", "b"),
        (28, "upperLetter", "BB"),
        (4, "lowerRoman", "iv"),
        (9, "upperRoman", "IX"),
        (5, "cardinalText", "5"),
    ],
)
def test_format_number(n: int, fmt: str, label: str) -> None:
    assert format_number(n, fmt) == label


class _FakeZip:
    def __init__(self, sizes: list[tuple[int, int]]) -> None:
        self.members = []
        for i, (unpacked, packed) in enumerate(sizes):
            info = zipfile.ZipInfo(f"m{i}")
            info.file_size, info.compress_size = unpacked, packed
            self.members.append(info)

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.members


def test_zip_guard_limits() -> None:
    check_zip(_FakeZip([(5 * 2**20, 4 * 2**20), (30 * 2**20, 25 * 2**20)]))  # big but plausible: fine
    check_zip(_FakeZip([(2**20, 1000)]))  # tiny but extremely compressible: fine
    with pytest.raises(ReaderLimitExceeded, match="unpacks to 210 MB"):
        check_zip(_FakeZip([(210 * 2**20, 150 * 2**20)]))
    with pytest.raises(ReaderLimitExceeded, match="times its packed size"):
        check_zip(_FakeZip([(20 * 2**20, 2**16)]))


# ---------------------------------------------------------------- PDF


def test_pdf_text_layer_pages_and_title() -> None:
    data = badfiles.minimal_pdf(
        [
            ["Minutes of the board, meeting 1/2024", "1. Approved the budget (draft)"],
            [],
            ["2. Assigned the office"],
        ],
        title="Board minutes",
    )
    reading = read(data, "minutes.bin")
    assert reading.media_type == PDF
    assert reading.title == "Board minutes"
    assert [p.number for p in reading.pages] == [1, 2, 3]
    assert all(p.method == "text" for p in reading.pages)
    assert reading.text == (
        "Minutes of the board, meeting 1/2024\n1. Approved the budget (draft)\n\n2. Assigned the office"
    )


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATI_MAX_PAGES", "2")
    with pytest.raises(ReaderLimitExceeded, match="3 pages; the limit is 2"):
        read(badfiles.minimal_pdf([["a"], ["b"], ["c"]]))


@pytest.fixture(scope="module")
def reader_cdc_pages() -> tuple[str, str, float]:
    """Raw pdfplumber text and repaired reader text of the first 10 pages of the real Word-exported PDF."""
    if not CDC_PDF.exists():
        pytest.skip("shared PDF absent")
    import pdfplumber

    from corpus.readers.pdf_reader import read_pdf

    with pdfplumber.open(CDC_PDF) as pdf:
        raw = "\n".join(page.extract_text() or "" for page in pdf.pages[:10])
    started = time.perf_counter()
    reading = read_pdf(CDC_PDF.read_bytes(), first_pages=10)
    return raw, reading.text, (time.perf_counter() - started) / 10


def test_real_word_pdf_sara_am_repaired(reader_cdc_pages: tuple[str, str, float]) -> None:
    raw, text, seconds_per_page = reader_cdc_pages
    assert "ท า" in raw  # the defect is really there
    assert "ท า" not in text and " าแหน่ง" not in text
    assert "ทำ" in text and "ตำแหน่ง" in text and "อำนาจ" in text
    assert "รัฐธรรมนูญแห่งราชอาณาจักรไทย" in text
    assert seconds_per_page < 1.0


@pytest.mark.slow
def test_real_word_pdf_whole_document() -> None:
    if not CDC_PDF.exists():
        pytest.skip("shared PDF absent")
    reading = read(CDC_PDF.read_bytes(), CDC_PDF.name)
    assert reading.media_type == PDF
    assert len(reading.pages) == 131
    assert "ท า" not in reading.text


def test_scanned_pdf_without_text_layer_is_read_by_ocr() -> None:
    if not SCAN_PDF.exists():
        pytest.skip("shared PDF absent")
    if shutil.which("tesseract") is None:
        with pytest.raises(UnreadableDocument, match=r"no text layer|OCR"):
            read(SCAN_PDF.read_bytes(), SCAN_PDF.name)
        return
    reading = read_pdf(SCAN_PDF.read_bytes(), first_pages=2)
    assert [p.method for p in reading.pages] == ["ocr", "ocr"]
    assert all(p.confidence and p.confidence > 0.5 for p in reading.pages)
    assert "รัฐธรรมนูญ" in reading.text


# ---------------------------------------------------------------- Thai repair


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ท าหน้าที่", "ทำหน้าที่"),
        ("ด าเนินการ", "ดำเนินการ"),
        ("พ้นจากต าแหน่ง", "พ้นจากตำแหน่ง"),
        ("น้ าท่วม", "น้ำท่วม"),
        ("ทํางาน", "ทำงาน"),  # NIKHAHIT + SARA AA
        ("น้ํา", "น้ำ"),  # tone before NIKHAHIT
        ("นํ้า", "น้ำ"),  # tone after NIKHAHIT
        ("\u0e1b\uf70b\u0e32", "ป้า"),  # MAI THO, low (PUA)
        ("\u0e1b\uf714\u0e32", "ป้า"),  # MAI THO, left (PUA)
        ("\u0e01\uf710\u0e1a", "กับ"),  # MAI HAN-AKAT, left
        ("\uf700\u0e32\u0e19", "ฐาน"),  # THO THAN without descender
        ("\u0e1b\uf701", "ปิ"),
        ("\u0e01\uf718", "กุ"),
    ],
)
def test_repair_thai(broken: str, fixed: str) -> None:
    assert repair_thai(broken) == fixed


def test_repair_thai_leaves_good_text_alone() -> None:
    text = "ที่ประชุมมีมติให้ดำเนินการ ภายใน 30 วัน ณ ห้องประชุม (ก) ข้อ ๒ ABC a"
    assert repair_thai(text) == text


# ---------------------------------------------------------------- bad inputs


@pytest.fixture(scope="module")
def reader_bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return badfiles.generate(tmp_path_factory.mktemp("badfiles"))


BAD_CASES = [
    ("empty.txt", EmptyDocument, "empty file"),
    ("whitespace.txt", EmptyDocument, "empty"),
    ("bom-whitespace.txt", EmptyDocument, "empty"),
    ("random.bin", UnreadableDocument, "binary data"),
    ("random.txt", UnreadableDocument, "binary data"),
    ("truncated.pdf", UnreadableDocument, "corrupt PDF"),
    ("encrypted.pdf", UnreadableDocument, "encrypted"),
    ("blank-pages.pdf", UnreadableDocument, "no text layer"),
    ("truncated.docx", UnreadableDocument, "corrupt or truncated"),
    ("bomb.docx", ReaderLimitExceeded, "zip bomb"),
    ("image.pdf", UnsupportedType, "PNG image"),
    ("program.docx", UnsupportedType, "executable"),
    ("archive.docx", UnsupportedType, "not a DOCX"),
    ("legacy.doc", UnsupportedType, "legacy Office"),
]


@pytest.mark.parametrize(("name", "error", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_inputs_raise_the_right_error(
    reader_bad_files: dict[str, Path], name: str, error: type[MatiError], message: str
) -> None:
    data = reader_bad_files[name].read_bytes()
    with pytest.raises(error, match=message) as caught:
        read(data, name)
    assert type(caught.value) is error  # exactly, not a broader or narrower class


def test_bad_corpus_is_small_on_disk(reader_bad_files: dict[str, Path]) -> None:
    assert sum(p.stat().st_size for p in reader_bad_files.values()) < 2 * 2**20


def test_oversize_checked_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATI_MAX_UPLOAD_BYTES", "100")
    with pytest.raises(DocumentTooLarge, match="limit 100"):
        read(b"\x89PNG" + bytes(200), "big.png")  # too large wins over the unsupported type
    assert read("ประชุม".encode()).text == "ประชุม"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        b"%PDF-",
        b"PK\x03\x04" + bytes(100),
        b"PK\x05\x06" + bytes(18),
        b"<html><body>" + b"<div>" * 5000,
        b"\xff\xfe" + b"\x00\xd8" * 50,  # UTF-16 BOM, lone surrogates
        bytes(range(256)) * 8,
    ],
)
def test_pathological_inputs_only_raise_mati_errors(data: bytes) -> None:
    with contextlib.suppress(MatiError):  # anything else fails the test
        assert isinstance(read(data, "x"), Reading)

"""Reading order of real LibreOffice PDFs: two text columns are read left column first."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from corpus.readers import read
from tests.office import docx_to_pdf

LEFT = "คอลัมน์ซ้าย ที่ประชุมมีมติเห็นชอบแผนงานการพัฒนาระบบราชการ และมอบหมายให้สำนักงานปลัดกระทรวงมหาดไทยดำเนินการ "
RIGHT = "คอลัมน์ขวา รับทราบรายงานผลการดำเนินงานของกรมบัญชีกลางประจำปีงบประมาณ พ.ศ. 2566 และให้นำเสนอครั้งต่อไป "


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    document = docx.Document()
    cols = document.sections[0]._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        document.sections[0]._sectPr.append(cols)
    cols.set(qn("w:num"), "2")
    cols.set(qn("w:space"), "720")
    document.add_paragraph(LEFT * 6)
    right = document.add_paragraph(RIGHT * 6)
    column_break = OxmlElement("w:br")
    column_break.set(qn("w:type"), "column")
    right.runs[0]._r.insert(0, column_break)
    text = read(docx_to_pdf(document, tmp_path), "columns.pdf").text
    assert text.count("คอลัมน์ซ้าย") == 6 and text.count("คอลัมน์ขวา") == 6
    assert text.rindex("คอลัมน์ซ้าย") < text.index("คอลัมน์ขวา")  # all of the left column first
    assert "รับทราบรายงานผลการดำเนินงานของกรมบัญชีกลาง" in text.replace("\n", "")

"""DOCX: paragraphs and tables in document order, Word list numbers written out, page headers once."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from lxml import etree

from .docx_numbering import Numbering
from .reading import DOCX, Reading, first_line, tidy
from .zipguard import check_zip

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {qn("w:delText"), qn("w:instrText"), _MC_FALLBACK, qn("w:pict")}


def _run_text(p: etree._Element) -> str:
    """Visible text of a w:p: w:t, tabs and breaks; skips deleted text, field codes, VML fallbacks."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == qn("w:t"):
                parts.append(child.text or "")
            elif tag == qn("w:tab"):
                parts.append("\t")
            elif tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            elif tag == qn("w:noBreakHyphen"):
                parts.append("-")
            elif tag == qn("w:p"):  # a text box inside the paragraph
                parts.append("\n")
                walk(child)
            else:
                walk(child)

    walk(p)
    return "".join(parts)


class _Styles:
    """Paragraph styles' inherited numbering (w:numPr in styles.xml, following w:basedOn)."""

    def __init__(self, styles: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        if styles is not None:
            for style in styles.findall(qn("w:style")):
                if style.get(qn("w:styleId")):
                    self.by_id[style.get(qn("w:styleId"))] = style

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                if num_id is None and num_pr.find(qn("w:numId")) is not None:
                    num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
                if ilvl is None and num_pr.find(qn("w:ilvl")) is not None:
                    ilvl = int(num_pr.find(qn("w:ilvl")).get(qn("w:val"), "0"))
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return num_id, ilvl


class _Writer:
    """Walks the body and collects blocks; consecutive list items are joined by single newlines."""

    def __init__(self, numbering: Numbering, styles: _Styles) -> None:
        self.numbering = numbering
        self.styles = styles
        self.blocks: list[tuple[str, bool]] = []  # (text, is_list_item)

    def label(self, p: etree._Element) -> str:
        ppr = p.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        num_id, ilvl = self.styles.num_pr(style.get(qn("w:val")) if style is not None else None)
        if num_pr is not None:
            el = num_pr.find(qn("w:numId"))
            num_id = el.get(qn("w:val")) if el is not None else num_id
            el = num_pr.find(qn("w:ilvl"))
            ilvl = int(el.get(qn("w:val"), "0")) if el is not None else ilvl
        if num_id is None or num_id == "0":
            return ""
        return self.numbering.label(num_id, ilvl or 0)

    def paragraph(self, p: etree._Element) -> None:
        text = _run_text(p).strip()
        label = self.label(p)
        if text:
            self.blocks.append((f"{label} {text}" if label else text, bool(label)))

    def table(self, tbl: etree._Element) -> None:
        rows = []
        for tr in tbl.iterchildren(qn("w:tr")):
            cells = []
            for tc in tr.iterchildren(qn("w:tc")):
                inner = _Writer(self.numbering, self.styles)
                inner.body(tc)
                cells.append(" ".join(" ".join(t.split()) for t, _ in inner.blocks))
            if any(cells):
                rows.append(" | ".join(cells))
        if rows:
            self.blocks.append(("\n".join(rows), False))

    def body(self, el: etree._Element) -> None:
        for child in el.iterchildren():
            if child.tag == qn("w:p"):
                self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                self.table(child)
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")):
                self.body(child)

    def text(self) -> str:
        out: list[str] = []
        prev_item = False
        for text, item in self.blocks:
            if out:
                out.append("\n" if item and prev_item else "\n\n")
            out.append(text)
            prev_item = item
        return "".join(out)


def _headers(document: docx.document.Document, numbering: Numbering, styles: _Styles) -> str:
    """Text of the page headers, each distinct header once."""
    seen: list[str] = []
    for section in document.sections:
        parts = [section.header]
        if section.different_first_page_header_footer:
            parts.append(section.first_page_header)
        for part in parts:
            if part.is_linked_to_previous and seen:
                continue
            writer = _Writer(numbering, styles)
            writer.body(part._element)
            text = writer.text().strip()
            if text and text not in seen:
                seen.append(text)
    return "\n\n".join(seen)


def read_docx(data: bytes, archive: zipfile.ZipFile) -> Reading:
    """A Reading of a DOCX whose archive was already opened and found to hold word/document.xml."""
    check_zip(archive)
    document = docx.Document(io.BytesIO(data))
    part = document.part
    numbering_el = None
    try:
        numbering_el = part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering_el = None
    styles_el = None
    try:
        styles_el = part.styles.element
    except (KeyError, NotImplementedError):
        styles_el = None
    numbering = Numbering.from_xml(numbering_el)
    styles = _Styles(styles_el)
    writer = _Writer(numbering, styles)
    writer.body(document.element.body)
    headers = _headers(document, Numbering.from_xml(numbering_el), styles)
    text = tidy("\n\n".join(t for t in (headers, writer.text()) if t))
    title = tidy(document.core_properties.title or "") or first_line(writer.text())
    return Reading(text=text, media_type=DOCX, title=title)

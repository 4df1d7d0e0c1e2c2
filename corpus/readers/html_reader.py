"""HTML: main text with trafilatura, paragraph structure kept, metadata from <meta> tags."""

from __future__ import annotations

import datetime
import re

import lxml.html
import trafilatura
from lxml import etree

from .boilerplate import strip_boilerplate
from .reading import HTML, Reading, first_line, tidy

_BLOCKS = {"p", "head", "quote", "code", "table", "div"}
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "date",
)
_LB = "\u2063"  # stands for <lb/> while whitespace is collapsed
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _raw_inline(el: etree._Element) -> str:
    parts = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append(_LB)
        elif child.tag == "list":
            parts.append(_LB + _list(child).replace("\n", _LB))
        else:
            parts.append(_raw_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _inline(el: etree._Element) -> str:
    """Text of an inline element: source whitespace collapsed as a browser does, <lb/> as a newline."""
    text = _SPACES.sub(" ", _raw_inline(el))
    return "\n".join(line.strip() for line in text.split(_LB))


def _list(el: etree._Element) -> str:
    return "\n".join(_inline(item).strip() for item in el if item.tag == "item" and _inline(item).strip())


def _table(el: etree._Element) -> str:
    rows = []
    for row in el.iter("row"):
        cells = [" ".join(_inline(c).split()) for c in row if c.tag == "cell"]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def _blocks(el: etree._Element) -> list[str]:
    """Paragraph texts from trafilatura's XML, in order."""
    out: list[str] = []
    for child in el:
        if child.tag == "list":
            out.append(_list(child))
        elif child.tag == "table":
            out.append(_table(child))
        elif child.tag == "graphic":
            continue
        elif any(c.tag in _BLOCKS for c in child):
            out.extend(_blocks(child))
        else:
            out.append(_inline(child))
    return [b.strip() for b in out if b.strip()]


def _parse_date(value: str) -> datetime.date | None:
    m = _ISO_DATE.search(value)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if year > 2400:  # Buddhist era
        year -= 543
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _metadata(html: str) -> tuple[str, datetime.date | None]:
    """Title (og:title, <title>, <h1>) and published date (meta tags, JSON-LD) from the page head."""
    try:
        tree = lxml.html.fromstring(_XML_DECL.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return "", None
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key and meta.get("content") and key not in metas:
            metas[key] = meta.get("content", "").strip()
    title = metas.get("og:title") or ""
    if not title:
        for tag in ("title", "h1"):
            el = next(tree.iter(tag), None)
            if el is not None and el.text_content().strip():
                title = " ".join(el.text_content().split())
                break
    published = None
    for key in _DATE_KEYS:
        if key in metas and (published := _parse_date(metas[key])):
            break
    if published is None:
        for script in tree.iter("script"):
            if (script.get("type") or "").lower() == "application/ld+json" and script.text:
                m = re.search(r'"datePublished"\s*:\s*"([^"]+)"', script.text)
                if m and (published := _parse_date(m.group(1))):
                    break
    return title, published


def read_html(html: str) -> Reading:
    """A Reading of an HTML page's main text."""
    xml = trafilatura.extract(
        html,
        output_format="xml",
        favor_recall=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    paragraphs: list[str] = []
    if xml:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, huge_tree=False))
        main = root.find("main")
        paragraphs = _blocks(main if main is not None else root)
    text = tidy(strip_boilerplate(tidy("\n\n".join(paragraphs))))
    title, published = _metadata(html)
    return Reading(text=text, media_type=HTML, title=tidy(title) or first_line(text), published=published)

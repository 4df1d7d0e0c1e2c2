"""Bytes to str for text and HTML: BOMs, declared charset, UTF-8, then charset-normalizer."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from mati.errors import UnreadableDocument

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Legacy Thai encodings: windows-874 is a superset of TIS-620 / ISO 8859-11.
_ALIASES = dict.fromkeys(("tis-620", "tis620", "iso-8859-11", "windows-874", "x-cp874"), "cp874")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.IGNORECASE)
_THAI_LETTER = re.compile(r"[\u0e01-\u0e5b]")
MAX_BAD_SHARE = 0.10


def _bad_share(text: str) -> float:
    """Share of characters that no real text is made of: controls, unassigned, surrogates, U+FFFD."""
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        if ch in "\t\n\r\f\v":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cn", "Cs") or ch == "\ufffd" or (cat == "Co" and not 0xF700 <= ord(ch) <= 0xF71A):
            bad += 1
    return bad / len(text)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(_ALIASES.get(encoding.lower(), encoding))
    except (UnicodeDecodeError, LookupError):
        return None


def _thai_fallback(data: bytes) -> str | None:
    """Short legacy-Thai snippets may be guessed as a CJK codec: keep cp874 if it reads as Thai."""
    high = sum(1 for b in data if b >= 0x80)
    text = _try(data, "cp874")
    if not high or text is None:
        return None
    thai = len(_THAI_LETTER.findall(text))
    return text if thai >= 0.9 * high else None


def decode_bytes(data: bytes, *, html: bool = False) -> str:
    """Decode text bytes; raise UnreadableDocument when they are binary data rather than text."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try(data[len(bom) :], encoding)
            if text is None:
                raise UnreadableDocument(
                    f"text with a {encoding} byte-order mark does not decode as {encoding}"
                )
            break
    if text is None and html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            text = _try(data, m.group(1).decode("ascii"))
    if text is None:
        text = _try(data, "utf-8")
    if text is None:
        best = from_bytes(data).best()
        guess = str(best) if best is not None else None
        if guess is None or not _THAI_LETTER.search(guess):
            guess = _thai_fallback(data) or guess
        if guess is None:
            raise UnreadableDocument("binary data, not text: no character encoding fits these bytes")
        text = guess
    if _bad_share(text) > MAX_BAD_SHARE:
        raise UnreadableDocument("binary data, not text: too many control or undecodable characters")
    return text

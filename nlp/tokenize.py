"""Thai word tokenisation that keeps agency names and dotted abbreviations whole.

Dictionary segmentation (nlpo3 by default, pythainlp's newmm as the alternative) over
pythainlp's word list plus every registry name; dotted abbreviations the registry does not
know (ก.ค.ศ., สป.อว.) are protected by a pattern before the dictionary sees them. Text is fed
paragraph by paragraph (newmm slows down badly on whole documents). The engines were chosen
by ``bench/tokenize_bench.py``: same accuracy, nlpo3 3.7x faster.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie

from nlp.normalize import digits
from nlp.registry import registry

# a dotted Thai abbreviation standing on its own: ก.พ.ร. / สป.มท. / อ.ก.พ.ร.ฯ / ศบค.
ABBREVIATION = re.compile(
    r"(?<![ก-๛])(?:[ก-ฮ][ก-ฮะ-ฺ็-๎]{0,4}\.){1,6}(?:[ก-ฮ]{1,4}(?![ก-๛]))?ฯ?"
    r"|(?<![ก-๛])[ก-ฮ]{2,5}\.ฯ?"
)
ENGINE = "nlpo3"  # 3.7x newmm with the same dictionary and accuracy: bench/tokenize_bench.py
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


@cache
def dictionary_words() -> frozenset[str]:
    """pythainlp's Thai words plus every registry name and abbreviation (split at spaces)."""
    words = set(thai_words())
    for form, _ in registry().surfaces():
        words.update(form.split())
    return frozenset(words)


@cache
def dictionary() -> Trie:
    return Trie(dictionary_words())


@cache
def segmenter() -> Callable[[str], list[str]]:
    """nlpo3 with Mati's dictionary (written once per process to a temporary file it loads)."""
    import nlpo3

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write("\n".join(sorted(dictionary_words())))
    nlpo3.load_dict(f.name, "mati")
    Path(f.name).unlink()
    return lambda piece: nlpo3.segment(piece, "mati")


def _segment(piece: str, engine: str) -> list[str]:
    if engine == "nlpo3":
        return segmenter()(piece)
    return word_tokenize(piece, custom_dict=dictionary(), engine="newmm", keep_whitespace=True)


def tokens(text: str, engine: str = ENGINE) -> Iterator[Token]:
    """Word tokens with their spans (whitespace dropped)."""
    for para in _PARAGRAPH.finditer(text):
        base, chunk = para.start(), para.group()
        pos = 0
        pieces: list[tuple[int, str, bool]] = []
        for m in ABBREVIATION.finditer(chunk):
            if m.start() > pos:
                pieces.append((pos, chunk[pos : m.start()], False))
            pieces.append((m.start(), m.group(), True))
            pos = m.end()
        if pos < len(chunk):
            pieces.append((pos, chunk[pos:], False))
        for offset, piece, whole in pieces:
            words = [piece] if whole else _segment(piece, engine)
            at = base + offset
            for w in words:
                if not w.isspace():
                    yield Token(w, at, at + len(w))
                at += len(w)


def words(text: str) -> list[str]:
    """Word strings only."""
    return [t.text for t in tokens(text)]


def index_terms(text: str) -> list[str]:
    """Terms for the full-text index and for queries: words, Thai digits as Arabic, lower case."""
    return [digits(t.text).lower() for t in tokens(text) if _WORD.search(t.text)]

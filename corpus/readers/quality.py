"""How much a page's text looks like real Thai (or English): decides whether a PDF text layer needs OCR.

A text layer can be present and still useless: legacy Thai fonts (pre-Unicode, glyphs mapped onto
Latin code points) export as "~lslin i uimi", and broken exports leave marks with no consonant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Below this score a page's text layer is treated as unusable and the page is OCR'd.
QUALITY_THRESHOLD = 0.5

_THAI_LETTER = re.compile("[\u0e01-\u0e4e]")
_CONSONANT = "\u0e01-\u0e2e"
# Above/below vowels, tone marks and signs that must sit on a consonant (possibly via another mark).
_MARKS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_DANGLING = re.compile(f"(?:^|(?<=[^{_CONSONANT}{_MARKS}]))[{_MARKS}]+|(?<=[{_MARKS}]{{3}})[{_MARKS}]")
_THAI_RUN = re.compile("[\u0e01-\u0e4e]+")
_LATIN_TOKEN = re.compile(r"\S*[A-Za-z]\S*")
_EDGE_PUNCT = "\"'()[]<>.,;:!?“”‘’«»-–—/"  # quotes and dashes that wrap real words
_WORDLIKE = re.compile(
    r"[A-Za-z]+(?:['’.-][A-Za-z]+)*\.?|[0-9][0-9.,:/-]*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|[0-9]+\([a-z0-9]\)"
)
_VOWEL = re.compile("[aeiouyAEIOUY]")
_CASE_FLIP = re.compile("[a-z][A-Z]")


@dataclass(frozen=True)
class Quality:
    """A page's text quality: ``score`` in [0, 1] and the signals it is made of."""

    score: float
    thai_share: float  # Thai letters among all letters
    dangling: float  # Thai marks with no consonant to sit on, per Thai letter
    dict_rate: float  # share of Thai characters in dictionary words (newmm + PyThaiNLP's word list)
    latin_junk: float = 0.0  # share of Latin-script text in tokens that do not look like words


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def thai_dict_rate(text: str) -> float:
    """Share of Thai characters that fall in tokens found in the dictionary."""
    from pythainlp.tokenize import word_tokenize

    words = _dictionary()
    total = found = 0
    for run in _THAI_RUN.findall(text):
        for token in word_tokenize(run, engine="newmm", keep_whitespace=False):
            total += len(token)
            # a lone consonant (e.g. the conjunction "ณ", list labels "ก") is a word; short runs of
            # other single characters are mostly OCR or font-mapping noise, which the dictionary rejects
            if token in words or (len(token) == 1 and token in "ณกขคงจ"):
                found += len(token)
    return found / total if total else 0.0


def _latin_junk(text: str) -> float:
    """Share of Latin-token characters in tokens that are not plausible words (symbols, no vowel...)."""
    tokens = _LATIN_TOKEN.findall(text)
    total = sum(len(t) for t in tokens)
    if not total:
        return 0.0
    junk = 0
    for raw in tokens:
        token = raw.strip(_EDGE_PUNCT)
        letters = sum(c.isalpha() for c in token)
        plausible = (
            bool(_WORDLIKE.fullmatch(token))
            and (bool(_VOWEL.search(token)) or letters <= 4 or token.isupper())
            and not _CASE_FLIP.search(token.rstrip("s"))
        )
        junk += 0 if plausible else len(raw)
    return junk / total


def page_quality(text: str) -> Quality:
    """Score a page of extracted text: 1.0 reads like Thai or English, 0.0 is empty or junk.

    The Thai part scores its dictionary-hit rate, less a penalty for dangling marks; the Latin part
    scores the share of plausible words; the two are weighted by their share of the letters.
    """
    thai = len(_THAI_LETTER.findall(text))
    letters = thai + sum(1 for c in text if c.isalpha() and not _THAI_LETTER.match(c))
    if not letters:
        return Quality(score=0.0, thai_share=0.0, dangling=0.0, dict_rate=0.0)
    thai_share = thai / letters
    dangling = sum(len(m.group()) for m in _DANGLING.finditer(text)) / thai if thai else 0.0
    dict_rate = thai_dict_rate(text) if thai else 0.0
    junk = _latin_junk(text) if thai < letters else 0.0
    thai_score = max(0.0, dict_rate - 5 * dangling)
    score = thai_share * thai_score + (1 - thai_share) * (1 - junk)
    return Quality(
        score=round(score, 4),
        thai_share=round(thai_share, 4),
        dangling=round(dangling, 4),
        dict_rate=round(dict_rate, 4),
        latin_junk=round(junk, 4),
    )


def usable(text: str) -> bool:
    """True if ``text`` scores at least :data:`QUALITY_THRESHOLD`."""
    return page_quality(text).score >= QUALITY_THRESHOLD

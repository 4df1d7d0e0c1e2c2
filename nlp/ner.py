"""Statistical Thai named-entity recognition: a CRF trained on ThaiNER 1.5.

The model (``models/ner-crf/thainer-crf.crfsuite``, built by ``scripts/train_ner.py``) tags
pythainlp newmm word tokens with BIO labels for the ThaiNER 1.5 types (ORGANIZATION, DATE,
PERSON, LOCATION, ...). Training and inference share this module: the ThaiNER inline-tag
reader, the tokeniser, the feature function and the BIO decoder all live here.

Data: ThaiNER 1.5 by Wannaphong Phatthiyaphaibun, CC BY 3.0.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pythainlp.tokenize import word_tokenize

if TYPE_CHECKING:
    import pycrfsuite

# the repository's models/ (a checkout, an editable install) or the copy a wheel carries in nlp/models/
_MODELS = next(
    (d for d in (Path(__file__).resolve().parent / "models", Path(__file__).resolve().parent.parent / "models")
     if d.is_dir()),
    Path(__file__).resolve().parent.parent / "models",
)
MODEL = _MODELS / "ner-crf" / "thainer-crf.crfsuite"

# ThaiNER types kept as labels; anything else (a stray ``[T]`` tag) is read as plain text.
TYPES: tuple[str, ...] = (
    "ORGANIZATION", "LOCATION", "PERSON", "DATE", "TIME", "FACILITY", "MONEY", "LAW",
    "PERCENT", "LEN", "URL", "PHONE", "AGO", "ZIP", "EMAIL",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity: ``text == source[start:end]``."""

    label: str
    text: str
    start: int
    end: int


# --- ThaiNER inline tags <-> BIO -------------------------------------------------------------

_TAG = re.compile(r"\[(/?)([A-Z_]+)\]")
_PARAGRAPH = re.compile(r"[^\n]+")


def parse_tagged(line: str) -> list[tuple[str, str | None]]:
    """Split a ThaiNER line into ``(text, label or None)`` segments, dropping the inline tags.

    Unbalanced or unknown tags are tolerated: an opening tag closes any open entity, a stray
    closing tag is ignored, and types outside :data:`TYPES` become plain text.
    """
    line = line.replace("\ufeff", "").rstrip("\r\n")
    out: list[tuple[str, str | None]] = []
    label: str | None = None
    pos = 0
    for m in _TAG.finditer(line):
        if m.start() > pos:
            out.append((line[pos : m.start()], label))
        closing, name = m.group(1) == "/", m.group(2)
        if not closing:
            label = name if name in TYPES else None
        elif name == label or label is None:
            label = None
        pos = m.end()
    if pos < len(line):
        out.append((line[pos:], label))
    return [(t, lab) for t, lab in out if t]


# brackets and quotes newmm glues onto a neighbouring number or word: "(5" -> "(", "5"
_EDGE_PUNCT = re.compile(r"^([(\[{<\"'“‘]*)(.*?)([)\]}>\"'”’,;!?]*)$", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """pythainlp newmm word tokens, whitespace kept (``"".join(tokens) == text``).

    Brackets and quotes at the edges of a token are split off, so that a paragraph and its
    ThaiNER segments tokenised one by one give the same tokens around an entity.
    """
    out: list[str] = []
    for tok in word_tokenize(text, engine="newmm", keep_whitespace=True) if text else []:
        m = _EDGE_PUNCT.match(tok)
        if m is None or len(tok) == 1 or (not m.group(1) and not m.group(3)):
            out.append(tok)
            continue
        out += [*m.group(1), *([m.group(2)] if m.group(2) else []), *m.group(3)]
    return out


def to_bio(line: str) -> tuple[list[str], list[str]]:
    """Tokens and BIO tags of a ThaiNER line; each tagged/untagged segment is tokenised alone.

    Whitespace at the edges of an entity is tagged ``O``.
    """
    tokens: list[str] = []
    tags: list[str] = []
    for text, label in parse_tagged(line):
        words = tokenize(text)
        if label is None:
            tokens += words
            tags += ["O"] * len(words)
            continue
        inside = [i for i, w in enumerate(words) if not w.isspace()]
        first, last = (inside[0], inside[-1]) if inside else (len(words), -1)
        for i, w in enumerate(words):
            tokens.append(w)
            tags.append("O" if i < first or i > last else ("B-" if i == first else "I-") + label)
    return tokens, tags


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, first token, end token)`` chunks of a BIO sequence, conlleval style.

    An ``I-X`` after ``O`` or after another type starts a new chunk.
    """
    spans: list[tuple[str, int, int]] = []
    label: str | None = None
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if label is not None and (prefix != "I" or kind != label):
            spans.append((label, start, i))
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, start = kind, i
    return spans


def to_tagged(tokens: Sequence[str], tags: Sequence[str]) -> str:
    """Inverse of :func:`to_bio`: the ThaiNER inline-tagged line."""
    pieces = list(tokens)
    for label, s, e in reversed(bio_spans(tags)):
        pieces[s:e] = [f"[{label}]" + "".join(pieces[s:e]) + f"[/{label}]"]
    return "".join(pieces)


# --- features --------------------------------------------------------------------------------

_MONTHS = frozenset((
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
))  # fmt: skip
_DATE_WORDS = frozenset((
    "วันที่", "วัน", "เดือน", "ปี", "พ.ศ.", "ค.ศ.", "พศ.", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี",
    "พฤหัสฯ", "ศุกร์", "เสาร์", "อาทิตย์", "วันนี้", "เมื่อวาน", "เมื่อวานนี้", "พรุ่งนี้", "ปีงบประมาณ", "ศักราช",
))  # fmt: skip
_ORG_CUES = (
    "กระทรวง", "กรม", "สำนักงาน", "สำนัก", "กอง", "สถาบัน", "มหาวิทยาลัย", "บริษัท", "ธนาคาร",
    "คณะ", "องค์การ", "องค์กร", "การไฟฟ้า", "การประปา", "การท่า", "การรถไฟ", "ศาล", "สภา",
    "ศูนย์", "โรงพยาบาล", "รพ.", "โรงเรียน", "สมาคม", "มูลนิธิ", "พรรค", "กลุ่ม", "ชมรม",
    "สหกรณ์", "สหภาพ", "ตำรวจ", "กองทัพ", "กองบัญชาการ", "เทศบาล", "อบต.", "อบจ.", "จังหวัด",
)  # fmt: skip
_ABBREV = re.compile(r"^(?:[ก-ฮ][ก-ฮะ-ฺ็-๎]{0,3}\.)+(?:[ก-ฮ]{1,4})?ฯ?$")
_ABBREV_HEAD = re.compile(r"^[ก-ฮ]{1,4}\.")
_YEAR = re.compile(r"^(?:25[0-9]{2}|19[0-9]{2}|20[0-9]{2}|[๒][๕][๐-๙]{2})$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# token features not copied onto the neighbours (their words are features already)
_LOCAL_ONLY = ("w=", "len=", "p1=", "p2=", "p3=", "p4=", "s1=", "s2=", "s3=", "s4=")


def _char_class(c: str) -> str:
    if "ก" <= c <= "ฮ":
        return "C"
    if "\u0e30" <= c <= "\u0e4e":
        return "v"
    if c.isdigit():
        return "9"
    if c.isspace():
        return "_"
    if c.isalpha():
        return "A" if c.isupper() else "a"
    return c if c in ".,:;/-()%\"'" else "p"


def _shape(word: str) -> str:
    """Character-class shape, vowels and tone marks dropped, runs collapsed: ``ก.พ.`` -> ``C.C.``."""
    out: list[str] = []
    for c in word:
        k = _char_class(c)
        if k == "v":
            continue
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out)


@cache
def _word_features(word: str) -> tuple[str, ...]:
    """Context-free features of one token (cached: the vocabulary is small)."""
    w = word.lower()
    f = [f"w={w}", f"sh={_shape(word)}", f"len={min(len(word), 8)}"]
    if word.isspace():
        f.append("space")
        return tuple(f)
    for k in (1, 2, 3, 4):
        if len(word) > k:
            f += [f"p{k}={w[:k]}", f"s{k}={w[-k:]}"]
    if any("ก" <= c <= "๛" for c in word):
        f.append("thai")
    d = word.translate(_THAI_DIGITS)
    if d.isdecimal():  # not isdigit(): "³" is a digit int() cannot read
        f.append(f"digit{min(len(d), 5)}")
        if _YEAR.match(d):
            f.append("year")
        elif len(d) <= 2 and 1 <= int(d) <= 31:
            f.append("day")
    if all(not c.isalnum() for c in word):
        f.append("punct")
    if "." in word:
        f.append("dot")
    if _ABBREV.match(word):
        f.append("abbr")
    elif _ABBREV_HEAD.match(word):
        f.append("abbrhead")
    if word in _MONTHS:
        f.append("month")
    if word in _DATE_WORDS:
        f.append("dateword")
    if word.startswith(_ORG_CUES):
        f.append("orgcue")
    return tuple(f)


def features(tokens: Sequence[str]) -> list[list[str]]:
    """CRF attributes for every token: its own features, words ±2, nearest non-space words ±1."""
    n = len(tokens)
    own = [_word_features(t) for t in tokens]
    words = [t.lower() if not t.isspace() else "_" for t in tokens]
    out: list[list[str]] = []
    for i in range(n):
        f = ["bias", *own[i]]
        for d in (-2, -1, 1, 2):
            j = i + d
            f.append(f"w[{d}]={words[j]}" if 0 <= j < n else f"w[{d}]=<pad>")
        for d in (-1, 1):
            j = i + d
            if 0 <= j < n:
                f += [f"[{d}]{x}" for x in own[j] if not x.startswith(_LOCAL_ONLY)]
            # nearest token that is not whitespace
            while 0 <= j < n and tokens[j].isspace():
                j += d
            if 0 <= j < n and j != i + d:
                f.append(f"nw[{d}]={words[j]}")
        if i > 0:
            f.append(f"w[-1:0]={words[i - 1]}|{words[i]}")
        if i < n - 1:
            f.append(f"w[0:1]={words[i]}|{words[i + 1]}")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        out.append(f)
    return out


# --- inference -------------------------------------------------------------------------------

_lock = threading.Lock()


@cache
def tagger(path: Path = MODEL) -> pycrfsuite.Tagger:
    """The CRF tagger, opened once."""
    import pycrfsuite

    if not path.exists():
        raise FileNotFoundError(f"NER model not found at {path}; build it with scripts/train_ner.py")
    t = pycrfsuite.Tagger()
    t.open(str(path))
    return t


def tag(tokens: Sequence[str]) -> list[str]:
    """BIO labels for a token sequence."""
    if not tokens:
        return []
    xseq = features(tokens)
    t = tagger()
    with _lock:
        return list(t.tag(xseq))


def entities(text: str) -> list[Entity]:
    """Named entities in ``text`` with character spans into it, paragraph by paragraph."""
    out: list[Entity] = []
    for para in _PARAGRAPH.finditer(text):
        chunk = para.group()
        if chunk.isspace():
            continue
        tokens = tokenize(chunk)
        offsets: list[int] = []
        at = 0
        for tok in tokens:
            found = chunk.find(tok, at)
            at = found if found >= 0 else at
            offsets.append(at)
            at += len(tok)
        for label, s, e in bio_spans(tag(tokens)):
            start = para.start() + offsets[s]
            end = para.start() + offsets[e - 1] + len(tokens[e - 1])
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append(Entity(label, text[start:end], start, end))
    return out


# --- scoring ---------------------------------------------------------------------------------


def prf(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], types: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Entity-level precision/recall/F1 of BIO sequences (exact span and type, like conlleval).

    Returns one row per type plus ``micro`` (over ``types`` if given, else every type seen).
    """
    return prf_spans([set(bio_spans(g)) for g in gold], [set(bio_spans(p)) for p in pred], types)


def prf_spans(
    gold: Sequence[set[tuple[str, int, int]]],
    pred: Sequence[set[tuple[str, int, int]]],
    types: Sequence[str] | None = None,
) -> dict[str, dict[str, float]]:
    """Like :func:`prf` on ``(label, start, end)`` span sets, one set per sequence."""
    tp: dict[str, int] = {}
    ng: dict[str, int] = {}
    np_: dict[str, int] = {}
    for gs, ps in zip(gold, pred, strict=True):
        for label, *_ in gs:
            ng[label] = ng.get(label, 0) + 1
        for label, *_ in ps:
            np_[label] = np_.get(label, 0) + 1
        for label, *_ in gs & ps:
            tp[label] = tp.get(label, 0) + 1
    kinds = list(types) if types is not None else sorted(set(ng) | set(np_))

    def row(t: int, g: int, p: int) -> dict[str, float]:
        pr, rc = (t / p if p else 0.0), (t / g if g else 0.0)
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        return {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f1, 4), "support": g}

    out = {k: row(tp.get(k, 0), ng.get(k, 0), np_.get(k, 0)) for k in kinds}
    out["micro"] = row(*(sum(d.get(k, 0) for k in kinds) for d in (tp, ng, np_)))
    return out

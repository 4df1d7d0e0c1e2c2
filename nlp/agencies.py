"""Find the government organisations a document names and link each to one canonical entry.

Three sources of mentions, longest first where they overlap:
1. the registry: every written form of every known agency (Aho-Corasick over the text);
2. definitions in the document: "ชื่อเต็ม (ชื่อย่อ)" teaches a name and its abbreviation;
3. committees, sub-committees and working groups named in full (คณะอนุกรรมการ ... เกี่ยวกับ ...)
   and later shortened (อ.ก.พ.ร.ฯ, อ.ก.พ.ร. ภูมิภาค, คณะกรรมการปฏิรูปประเทศฯ).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache

import ahocorasick

from mati.record import Agency
from nlp.normalize import trigrams
from nlp.registry import Entry, key, letters_in_order, registry
from nlp.tokenize import words

COMMITTEE_HEADS = ("คณะอนุกรรมการ", "คณะกรรมาธิการ", "คณะกรรมการ", "คณะทำงาน", "อนุกรรมการ")
# general Thai shorthand for committee heads: the shortened head stands for the full one
HEAD_ABBREVIATIONS = {
    "อ.ก.พ.ร.": "คณะอนุกรรมการพัฒนาระบบราชการ",
    "คกก.": "คณะกรรมการ",
    "คณะอนุฯ": "คณะอนุกรรมการ",
    "กมธ.": "คณะกรรมาธิการ",
}
ORG_HEADS = (
    *COMMITTEE_HEADS, "สำนักงาน", "สำนัก", "กระทรวง", "กรม", "ศูนย์", "สถาบัน", "องค์การ", "องค์กร",
    "ธนาคาร", "กองทุน", "สภา", "การไฟฟ้า", "การประปา", "การรถไฟ", "การท่าเรือ", "การทาง", "การเคหะ",
    "กอง", "มหาวิทยาลัย", "ศาล",
)
KIND_BY_HEAD = (
    ("คณะอนุกรรมการ", "subcommittee"), ("อนุกรรมการ", "subcommittee"), ("คณะกรรมาธิการ", "committee"),
    ("คณะกรรมการ", "committee"), ("คณะทำงาน", "working_group"), ("กระทรวง", "ministry"),
    ("กรม", "department"), ("สำนัก", "office"), ("ศูนย์", "center"), ("สภา", "council"),
    ("องค์การ", "public_organization"), ("สถาบัน", "public_organization"),
)
# words that continue a committee's name after a space
CONTINUATIONS = ("เกี่ยวกับ", "ด้าน", "ว่าด้วย", "ประจำ", "วุฒิสภา", "สภาผู้แทนราษฎร", "แห่งชาติ", "ระดับ")
# words that end a name written without spaces ("คณะกรรมการปฏิรูปประเทศต่อไป")
NAME_STOPS = frozenset({
    "ต่อไป", "ได้", "จะ", "เป็น", "โดย", "ซึ่ง", "มีมติ", "ได้มี", "ประชุม", "เสนอ",
    "รับทราบ", "เห็นชอบ", "มอบหมาย", "ครั้งที่", "ที่ประชุม", "ร่วมกับ", "แล้ว", "นั้น", "ดังกล่าว", "ทั้งนี้",
    "อีก", "ต่อ", "ในการ", "หรือ", "ไป", "ดำเนินการ", "กำหนด", "พร้อม", "เข้าร่วม", "และเลขานุการ",
    "ร่วม", "กล่าว", "เปิดเผย", "มี", "ยัง",
})
# position titles an agency name can end: the person holds a post, the body is not itself named
POSITION = re.compile(
    r"(?:รัฐมนตรีว่าการ|รัฐมนตรีช่วยว่าการ|รัฐมนตรี|ปลัด|รองปลัด|อธิบดี|รองอธิบดี|เลขาธิการ|รองเลขาธิการ"
    r"|ผู้อำนวยการ|ผู้ว่าราชการ|ผู้ว่าการ|ผู้ตรวจราชการ|หัวหน้า|ประธาน|รองประธาน|โฆษก|ผู้ช่วย)\s?$"
)
PEOPLE = ("ผู้ทรงคุณวุฒิ", "ผู้แทน", "ผู้เข้าร่วม", "ผู้บริหาร", "ทุกคน", "ทั้งหมด")
NAME_TAIL = frozenset({"ของ", "ที่", "และ", "ใน", "ให้", "กับ", "แก่", "การ"})
# an abbreviation is consonants and dots (สป.มท., อ.ก.พ.ร.ฯ, สทนช.) or an English acronym (OPDC)
_ABBR_SHAPE = re.compile(r"^(?:สำนักงาน\s?)?(?:[ก-ฮ]{1,5}\.?){1,6}ฯ?$|^[A-Z][A-Z&]{1,7}$")
MAX_NAME_SPACES = 3
_AFTER_NUMBER = re.compile(r"[\d๐-๙][\d๐-๙,.]*\s*$")
_NER_GOVERNMENT = re.compile(
    r"^(?:กระทรวง|กรม|สำนักงาน|สำนัก|คณะกรรมการ|คณะอนุกรรมการ|ศูนย์|สถาบัน|องค์การ|การไฟฟ้า|การประปา|การรถไฟ"
    r"|การท่าเรือ|การเคหะ|กองทุน|สภา|ธนาคาร|กอง|ศาล)"
)
_DOTTED = re.compile(r"^(?:[ก-ฮ]{1,5}\.){2,4}$")
MIN_NAME_AFTER_HEAD = 3
MIN_PREFIX = 10  # characters of a cut-short name before it may stand for a registry entry
LONG_NAME = 30  # characters: names this long that differ in a few letters are one name misspelt
SPELLED_ALIKE = 0.9  # trigram overlap
_NER_NOT_STATE = re.compile(r"^(?:บริษัท|ห้าง|พรรค|มูลนิธิ|สมาคม|ธนาคาร(?!แห่งประเทศไทย|เพื่อ|ออมสิน|อาคาร|อิสลาม))")
_DEFINITION = re.compile(r"\(\s*([^()\n]{2,24}?)\s*\)")
_THAI_LETTER = re.compile(r"[ก-ฮะ-ฺเ-ๅ็-๎]")
_NAME_END = re.compile(r"[\s()\[\],;:\"'“”/]")


@dataclass
class Found:
    """One organisation found in a document, with every mention."""

    id: str
    name: str
    kind: str | None = None
    abbreviation: str | None = None
    english: str | None = None
    parent: str | None = None
    forms: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def to_agency(self) -> Agency:
        aliases = [f for f in dict.fromkeys(self.forms) if f not in (self.name, self.abbreviation)]
        return Agency(
            id=self.id, name=self.name, abbreviation=self.abbreviation, aliases=aliases,
            english=self.english, kind=self.kind, parent=self.parent, mentions=sorted(self.mentions),
        )


def _matchable(form: str, entry: Entry) -> bool:
    # a bare province name (เลย, ตาก, น่าน) is an ordinary word: only "จังหวัด..." forms count
    if entry.kind == "province" and not form.startswith("จังหวัด"):
        return False
    return len(key(form)) >= 2


@cache
def _automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for form, entry in registry().surfaces():
        if not _matchable(form, entry):
            continue
        variants = {form.replace(" ", "")}
        if form.endswith(".") and form.count(".") >= 1:
            variants.add(form.replace(" ", "").rstrip("."))
        for v in variants:
            if not auto.exists(v):
                auto.add_word(v, (v, entry.id, " " in form))
    auto.make_automaton()
    return auto


def _compact(text: str) -> tuple[str, list[int]]:
    """Text without spaces and tabs, and the original offset of each kept character."""
    keep = [i for i, c in enumerate(text) if c not in " \t\u00a0"]
    return "".join(text[i] for i in keep), keep


def _is_abbreviation(form: str) -> bool:
    return "." in form or len(key(form)) <= 5


def _registry_mentions(text: str) -> list[tuple[int, int, str]]:
    compact, where = _compact(text)
    out = []
    for end, (form, agency_id, spaced) in _automaton().iter(compact):
        start = end - len(form) + 1
        s, e = where[start], where[end] + 1
        if "\n" in text[s:e] or (not spaced and _is_abbreviation(form) and " " in text[s:e]):
            continue  # across lines, or loose letters ("ร ง") read as an abbreviation
        if _is_abbreviation(form):
            # an abbreviation must not be glued to Thai letters on the left, nor (without its dot) on the right
            if s > 0 and _THAI_LETTER.match(text[s - 1]):
                continue
            if _AFTER_NUMBER.search(text, max(0, s - 12), s):
                continue  # "3 - 7 กก." is kilograms, "10 กม." kilometres: a unit after a number
            if not form.endswith((".", "ฯ")) and e < len(text) and _THAI_LETTER.match(text[e]):
                continue
        out.append((s, e, agency_id))
    return out


def _abbreviates(abbr: str, name: str) -> bool:
    """Could ``abbr`` abbreviate ``name``? An English acronym (PDP, OPDC) is taken only after a name
    written in one run, since its letters cannot be checked against the Thai."""
    return " " not in name if abbr.isascii() else letters_in_order(abbr, name)


def _name_before(text: str, end: int, abbr: str) -> int | None:
    """Start of the organisation name that ends at ``end`` and that ``abbr`` abbreviates."""
    line_start = text.rfind("\n", 0, end) + 1
    window_start = max(line_start, end - 200)
    window = text[window_start:end]
    heads = {(m.start(), m.end()) for h in ORG_HEADS for m in re.finditer(re.escape(h), window)}
    # a head inside a longer one (อนุกรรมการ in คณะอนุกรรมการ) is not a start
    starts = sorted(
        {s for s, e in heads if not any(hs <= s and e <= he and (hs, he) != (s, e) for hs, he in heads)},
        reverse=True,
    )
    for s in starts:
        name = window[s:].strip()
        if name.count(" ") > MAX_NAME_SPACES:
            break
        if _abbreviates(abbr, name):
            return window_start + s
    return None


def _trim_name(run: str, head: int = 0) -> str:
    """Cut a name written without spaces at the first function word after its ``head`` characters,
    and drop a function word it ends with ("คณะกรรมการ...ระดับจังหวัดของ")."""
    run = _NAME_END.split(run, maxsplit=1)[0]
    out: list[str] = []
    for w in words(run):
        if w in NAME_STOPS and len("".join(out)) > head:
            break
        out.append(w)
    while len(out) > 1 and out[-1] in NAME_TAIL and len("".join(out[:-1])) >= head:
        out.pop()
    return "".join(out)


def _committee_runs(text: str) -> list[tuple[int, int]]:
    heads = "|".join(re.escape(h) for h in (*COMMITTEE_HEADS, *HEAD_ABBREVIATIONS))
    out = []
    for m in re.finditer(rf"(?:{heads})", text):
        s = m.start()
        e = s + len(_trim_name(text[s : s + 200], len(m.group())))
        while True:
            nxt = re.match(r" ?((?:" + "|".join(CONTINUATIONS) + r")[^\s()]*)", text[e:])
            if not nxt:
                break
            e = e + nxt.start(1) + len(_trim_name(nxt.group(1)))
        if e == m.end() and m.group() in HEAD_ABBREVIATIONS:
            # "อ.ก.พ.ร. ภูมิภาค ฯ": an abbreviated head and one word stand for a committee named in full
            short = re.match(r" ?([ก-๛]+)(?: ?ฯ)?", text[e:])
            if short and short.group(0).endswith("ฯ"):
                e += short.end()
        if text[e : e + 2].strip() == "ฯ":
            e = text.index("ฯ", e) + 1
        if text.startswith(PEOPLE, m.end()):
            continue  # "คณะกรรมการผู้ทรงคุณวุฒิ": members who are experts, not a body's name
        if e - s > len(m.group()) + 1 or text[s:e].endswith("ฯ"):
            out.append((s, e))
    return out


def _expand(name: str) -> str:
    for short, full in HEAD_ABBREVIATIONS.items():
        if name.startswith(short):
            return full + name[len(short):]
    return name


def _local_id(name: str) -> str:
    return "doc." + hashlib.sha1(key(_expand(name)).encode()).hexdigest()[:10]


class _Collector:
    def __init__(self) -> None:
        self.found: dict[str, Found] = {}
        self.by_key: dict[str, str] = {}
        self.spans: list[tuple[int, int, str]] = []

    def entity_for_registry(self, agency_id: str) -> Found:
        if agency_id not in self.found:
            e = registry().get(agency_id)
            assert e is not None
            self.found[agency_id] = Found(
                e.id, e.name, e.kind, e.abbreviation, e.english, e.parent, forms=list(e.surfaces)
            )
            for form in e.surfaces:
                self.by_key.setdefault(key(_expand(form)), agency_id)
        return self.found[agency_id]

    def entity_for_name(self, name: str, abbreviation: str | None = None) -> Found:
        entry = registry().lookup(name) or registry().lookup(_expand(name))
        if entry:
            return self.entity_for_registry(entry.id)
        k = key(_expand(name))
        if k in self.by_key:
            return self.found[self.by_key[k]]
        twin = self._spelled_alike(k)
        if twin and not (abbreviation and twin.abbreviation and key(abbreviation) != key(twin.abbreviation)):
            return twin  # the same long name with a typo or an OCR slip ("ท้องถิน"), not a sibling (ศจพ.อ./ศจพ.ข.)
        agency_id = _local_id(name)
        kind = next((k for prefix, k in KIND_BY_HEAD if _expand(name).startswith(prefix)), "other")
        self.found[agency_id] = Found(agency_id, _expand(name).rstrip("ฯ").strip(), kind, forms=[name])
        self.by_key[k] = agency_id
        return self.found[agency_id]

    def _spelled_alike(self, k: str) -> Found | None:
        if len(k) < LONG_NAME:
            return None
        grams = trigrams(k)
        for known, agency_id in self.by_key.items():
            if len(known) >= LONG_NAME and agency_id.startswith("doc."):
                other = trigrams(known)
                if len(grams & other) / len(grams | other) >= SPELLED_ALIKE:
                    return self.found[agency_id]
        return None

    def alias(self, f: Found, form: str, abbreviation: bool = False) -> None:
        f.forms.append(form)
        self.by_key.setdefault(key(_expand(form)), f.id)
        if abbreviation and not f.abbreviation:
            f.abbreviation = form


def _shortened(c: _Collector, form: str) -> Found | None:
    """A shortened committee name (อ.ก.พ.ร.ฯ, อ.ก.พ.ร. ภูมิภาค, คณะกรรมการฯ) → the one committee it stands for."""
    k = key(_expand(form))
    if k in c.by_key:
        return c.found[c.by_key[k]]
    head = next((h for h in (*HEAD_ABBREVIATIONS.values(), *COMMITTEE_HEADS) if k.startswith(h)), None)
    if head is None:
        return None
    rest = k[len(head):]
    candidates = [
        f for f in c.found.values()
        if f.id.startswith("doc.") and key(f.name).startswith(head) and rest in key(f.name)[len(head):]
    ]
    if len(candidates) == 1 or (candidates and not rest):
        return candidates[0]  # "คณะกรรมการฯ" alone: the first committee the document named (its own)
    return None


def _ner_mentions(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """ORGANIZATION entities of the NER model that nothing else found and that look like a state body:
    a government head word (กรม, สำนักงาน, ศูนย์ ...) or a dotted abbreviation (ศจพ.จ.)."""
    from nlp.ner import entities  # the model loads on first use

    out = []
    for ent in entities(text):
        if ent.label != "ORGANIZATION" or any(ent.start < te and ts < ent.end for ts, te in taken):
            continue
        form = ent.text.strip()
        head = _NER_GOVERNMENT.match(form)
        named = head and len(form) - head.end() >= MIN_NAME_AFTER_HEAD and not re.search(r"[\d:\n]", form)
        if (named and not _NER_NOT_STATE.match(form)) or _DOTTED.match(form):
            out.append((ent.start, ent.end, form))
    return out


def _shortening_of(c: _Collector, form: str) -> Found | None:
    """A name cut short of one already found ("กระทรวงเกษตร" for กระทรวงเกษตรและสหกรณ์) is that one;
    failing that, of the one registry entry it begins ("กระทรวงทรัพยากรธรรมชาติฯ")."""
    k = key(form)
    matches = [f for f in c.found.values() if f.mentions and key(f.name).startswith(k) and key(f.name) != k]
    if len(matches) == 1:
        return matches[0]
    if len(k) >= MIN_PREFIX and not matches:
        entries = [e for e in registry() if key(e.name).startswith(k) and e.kind != "province"]
        if len(entries) == 1:
            return c.entity_for_registry(entries[0].id)
    return None


def _level_of(c: _Collector, form: str) -> Found | None:
    """A dotted abbreviation extending a known one names a level of it: ศจพ.จ., ศจพ.อ. → ศจพ."""
    levels = [f for f in c.found.values() if f.abbreviation and "." in f.abbreviation
              and form.startswith(f.abbreviation) and form != f.abbreviation]
    return max(levels, key=lambda f: len(f.abbreviation or ""), default=None)


Candidate = tuple[int, int, str | None]  # start, end, agency id (None: a committee run, resolved later)


def _definitions(text: str, c: _Collector) -> list[Candidate]:
    """Mentions taught by "ชื่อเต็ม (ชื่อย่อ)", and every later use of what they taught."""
    out: list[Candidate] = []
    for m in _DEFINITION.finditer(text):
        abbr = m.group(1)
        if not _ABBR_SHAPE.match(abbr) or ("." not in abbr and len(abbr) < 3):
            continue  # (นม), (ร่าง): words in brackets, not abbreviations
        start = _name_before(text, m.start(), abbr)
        if start is None:
            continue
        name = text[start : m.start()].strip()
        f = c.entity_for_name(name, abbr)
        c.alias(f, abbr, abbreviation=True)
        out += [(start, start + len(name), f.id), (m.start(1), m.end(1), f.id)]
    learned = {form: c.by_key[key(_expand(form))] for f in list(c.found.values()) for form in f.forms}
    for form, agency_id in learned.items():
        for m in re.finditer(re.escape(form), text):
            if not (_is_abbreviation(form) and m.start() > 0 and _THAI_LETTER.match(text[m.start() - 1])):
                out.append((m.start(), m.end(), agency_id))
    return out


def _longest_first(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, a longer one winning over any shorter one it overlaps, in text order."""
    chosen: list[Candidate] = []
    for s, e, agency_id in sorted(candidates, key=lambda t: (-(t[1] - t[0]), t[0])):
        if not any(s < ce and cs < e for cs, ce, _ in chosen):
            chosen.append((s, e, agency_id))
    return sorted(chosen)


def _mention(c: _Collector, f: Found, form: str, s: int, e: int) -> None:
    c.alias(f, form)
    f.mentions.append((s, e))


def find_agencies(text: str) -> list[Agency]:
    """Every organisation named in ``text`` with its mentions (spans into ``text``)."""
    c = _Collector()
    candidates = _definitions(text, c)
    candidates += [(s, e, None) for s, e in _committee_runs(text)]
    candidates += _registry_mentions(text)
    chosen = _longest_first(candidates)
    # first full names, then shortened forms, so a short form can find the full name defined anywhere
    pending = []
    for s, e, agency_id in chosen:
        form = text[s:e]
        if agency_id is not None:
            f = c.entity_for_registry(agency_id) if registry().get(agency_id) else c.found[agency_id]
        elif form.endswith("ฯ") or (_expand(form) == form and not form.startswith(COMMITTEE_HEADS)):
            pending.append((s, e))
            continue
        else:
            f = _shortened(c, form) or c.entity_for_name(form)
        _mention(c, f, form, s, e)
    for s, e in pending:
        form = text[s:e]
        _mention(c, _shortened(c, form) or c.entity_for_name(form), form, s, e)
    # organisations only the statistical model recognises
    for s, e, form in _ner_mentions(text, [(s, e) for s, e, _ in chosen]):
        found = _level_of(c, form) or _shortening_of(c, form)
        if found is None and _DOTTED.match(form):
            continue  # an unknown dotted abbreviation (กม., หน.ผตร.) is as often a unit or a title
        _mention(c, found or c.entity_for_name(form), form, s, e)
    # a body named only inside people's position titles (รัฐมนตรีว่าการกระทรวงกลาโหม) is not itself named
    named = [f for f in c.found.values() if any(not _in_title(text, s) for s, _ in f.mentions)]
    return [f.to_agency() for f in sorted(named, key=lambda f: min(f.mentions))]


def _in_title(text: str, start: int) -> bool:
    """Is the mention at ``start`` the tail of a position title ("ปลัดกระทรวง...", "อธิบดีกรม...")?"""
    return bool(POSITION.search(text, max(0, start - 20), start))

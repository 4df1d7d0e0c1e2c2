"""Build ``nlp/data/agencies.jsonl``, the agency registry, from its three sources.

1. ``nlp/data/registry_seed.txt``: hand-curated organisations (ids, kinds, parents, official names,
   abbreviations, English names). Every organisation of the registry except the provinces is here.
2. ``../shared/data/agencies/abbreviations-mined-from-cabinet-summaries.tsv``: ``count<TAB>abbr<TAB>name``
   pairs mined from the cabinet-meeting summaries of thaigov.go.th. Pairs seen at least twice are
   matched to seed entries (the left edge of a mined name is noisy: "ตามที่กระทรวงสาธารณสุข"); they
   add attested abbreviations and the usage counts recorded as ``mined:N``.
3. pythainlp's ``corpus/thailand_provinces_th.csv``: the 76 provinces and Bangkok.
4. ``nlp/data/registry_evidence.tsv`` (committed, written by ``scripts/registry_evidence.py`` from the
   thaigov corpus): the number of news items that name each entry in full, recorded as ``corpus:N``.

Standard library and pythainlp only, no network; the output is sorted and byte-for-byte reproducible.
The generated file is committed, so a normal install never runs this script.

    python scripts/build_registry.py [--out PATH] [--shared PATH] [-v]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nlp.registry import key, letters_in_order

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "nlp" / "data" / "registry_seed.txt"
OUT = ROOT / "nlp" / "data" / "agencies.jsonl"
EVIDENCE = ROOT / "nlp" / "data" / "registry_evidence.tsv"
SHARED = ROOT.parent / "shared"
MINED = Path("data") / "agencies" / "abbreviations-mined-from-cabinet-summaries.tsv"
MIN_COUNT = 2
# a mined abbreviation claimed by two entries goes to the first only if it is used this many times more
DOMINANCE = 2.0

KINDS = frozenset({
    "cabinet", "ministry", "department", "office", "committee", "subcommittee", "council", "working_group",
    "province", "state_enterprise", "public_organization", "independent_organization", "legislature",
    "court", "local_government", "center", "other",
})
# words an organisation's name starts with; a mined name without one is not an organisation
ORG_HEADS = (
    "กระทรวง", "กรม", "สำนักงาน", "สำนัก", "คณะกรรมการ", "คณะอนุกรรมการ", "คณะรัฐมนตรี", "ธนาคาร",
    "องค์การ", "องค์กร", "สถาบัน", "ศูนย์", "กองทุน", "กองบัญชาการ", "กองบังคับการ", "กองอำนวยการ",
    "กองทัพ", "สภา", "ศาล", "บริษัท", "บรรษัท", "การไฟฟ้า", "การประปา", "การท่าเรือ", "การรถไฟ",
    "การทาง", "การเคหะ", "การท่องเที่ยวแห่ง", "การกีฬาแห่ง", "การยาง", "การยาสูบ", "การนิคม", "ผู้ตรวจการ",
    "วุฒิสภา", "รัฐสภา", "เทศบาล",
)
# generic words an abbreviation may skip at the start of a name (กรมการปกครอง → ปค., สำนักงานตำรวจ → ตร.)
SKIPPABLE = (
    "สำนักงาน", "สำนัก", "คณะกรรมการ", "คณะอนุกรรมการ", "กระทรวง", "กรม", "การ", "ศูนย์", "สถาบัน",
    "องค์การ", "องค์กร", "กองทุน", "ธนาคาร", "กองบัญชาการ", "กองบังคับการ", "กองอำนวยการ", "บริษัท",
    "บรรษัท", "ปลัด", "เลขาธิการ",
)
_CONSONANT = re.compile(r"[ก-ฮ]")


@dataclass
class Agency:
    id: str
    name: str
    kind: str
    parent: str | None
    abbreviation: str | None
    english: str | None
    aliases: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    abbreviation_from_mined: bool = False  # seed left the abbreviation field empty
    mined_locked: bool = False  # seed wrote "-": no abbreviation, not even a mined one
    mined: int = 0
    corpus: int = 0  # news items of the thaigov corpus that write a full name of the entry

    def lookup_keys(self) -> set[str]:
        return {key(s) for s in self.surfaces()}

    def surfaces(self) -> list[str]:
        forms = [self.name, *([self.abbreviation] if self.abbreviation else []), *self.aliases]
        return list(dict.fromkeys(forms))

    def add_alias(self, form: str) -> None:
        if key(form) not in self.lookup_keys():
            self.aliases.append(form)

    def row(self) -> dict:
        sources = list(self.sources)
        at = 1 if sources[:1] == ["seed"] else 0
        if self.corpus:
            sources.insert(at, f"corpus:{self.corpus}")
        if self.mined:
            sources.insert(at, f"mined:{self.mined}")
        return {
            "id": self.id,
            "name": self.name,
            "abbreviation": self.abbreviation,
            "aliases": self.aliases,
            "english": self.english,
            "kind": self.kind,
            "parent": self.parent,
            "sources": sources,
        }


class BuildError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"build_registry: {message}")


# --- seed -------------------------------------------------------------------------------------------


def read_seed(path: Path) -> dict[str, Agency]:
    agencies: dict[str, Agency] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) != 7:
            raise BuildError(f"{path.name}:{n}: expected 7 fields, got {len(cells)}")
        ident, kind, parent, abbr, name, english, aliases = (unicodedata.normalize("NFC", c) for c in cells)
        if not re.fullmatch(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*", ident):
            raise BuildError(f"{path.name}:{n}: bad id {ident!r}")
        if ident in agencies:
            raise BuildError(f"{path.name}:{n}: duplicate id {ident!r}")
        if kind not in KINDS:
            raise BuildError(f"{path.name}:{n}: unknown kind {kind!r}")
        a = Agency(
            id=ident, name=name, kind=kind, parent=None if parent == "-" else parent,
            abbreviation=None if abbr in ("", "-") else abbr, english=None if english == "-" else english,
            sources=["seed"], abbreviation_from_mined=abbr == "", mined_locked=abbr == "-",
        )
        for alias in ("" if aliases == "-" else aliases).split(";"):
            if alias.strip():
                a.add_alias(alias.strip())
        agencies[ident] = a
    return agencies


# --- mined pairs ------------------------------------------------------------------------------------


def read_mined(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for cells in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cells) != 3 or not cells[0].strip().isdigit():
                continue
            count = int(cells[0])
            if count >= MIN_COUNT:
                rows.append((count, unicodedata.normalize("NFC", cells[1].strip()),
                             unicodedata.normalize("NFC", cells[2].strip())))
    return rows


def _initials(name: str) -> set[str]:
    """First consonants an abbreviation of ``name`` may start with (after skipping generic heads)."""
    out, rest = set(), key(name)
    while rest:
        m = _CONSONANT.search(rest)
        if m:
            out.add(m.group())
        if rest.startswith(("คณะกรรมการ", "คณะอนุกรรมการ")):
            out.add("ก")  # committees are shortened from กรรมการ: กนช., กพช., ก.พ.ร.
        for head in SKIPPABLE:
            if rest.startswith(head) and len(rest) > len(head):
                rest = rest[len(head):]
                break
        else:
            break
    return out


def plausible(abbr: str, name: str) -> bool:
    """Is ``abbr`` a plausible Thai abbreviation of ``name`` (its letters in order, a sensible first one)?"""
    letters = _CONSONANT.findall(key(abbr).removeprefix("สำนักงาน"))
    return bool(letters) and letters[0] in _initials(name) and letters_in_order(abbr, key(name))


def clean_name(raw: str, abbr: str) -> str | None:
    """The organisation at the end of a noisy mined name: the shortest suffix starting with an
    organisation head word that ``abbr`` plausibly abbreviates (None when there is none)."""
    text = key(raw)
    starts = sorted({m.start() for h in ORG_HEADS for m in re.finditer(re.escape(h), text)}, reverse=True)
    for start in starts:
        if plausible(abbr, text[start:]):
            return text[start:]
    return None


@dataclass
class MinedReport:
    used: list[tuple[int, str, str, str]] = field(default_factory=list)
    skipped: dict[str, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))


def merge_mined(agencies: dict[str, Agency], rows: list[tuple[int, str, str]]) -> MinedReport:
    report = MinedReport()
    by_key: dict[str, list[tuple[str, Agency]]] = defaultdict(list)  # full names and aliases
    for a in agencies.values():
        for form in [a.name, *a.aliases]:
            if len(key(form)) >= 4:
                by_key[key(form)].append((key(form), a))
    surfaces = sorted(by_key, key=len, reverse=True)
    seed_keys: dict[str, str] = {}
    for a in agencies.values():
        for k in a.lookup_keys():
            seed_keys.setdefault(k, a.id)

    proposals: dict[str, Counter[str]] = defaultdict(Counter)  # abbreviation key -> entry id -> count
    spelled: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (entry, key) -> written forms
    pending: list[tuple[int, str, str, list[Agency]]] = []
    for count, abbr, raw in rows:
        text, k = key(raw), key(abbr)
        if not any(h in text for h in ORG_HEADS) and not any(text in s for s in surfaces):
            report.skipped["not an organisation"].append((count, abbr, raw))
            continue
        # 1. a known name at the end of the mined one (noise on the left)
        whole = next((s for s in surfaces if text.endswith(s)), None)
        if whole is not None:
            cands = {a.id: a for _, a in by_key[whole]}
            holders = [a for a in cands.values() if k in a.lookup_keys()]
            if len(holders) == 1:
                report.used.append((count, abbr, raw, holders[0].id))
                holders[0].mined += count
                continue
            fits = [a for a in cands.values() if plausible(abbr, a.name) and not a.mined_locked]
            if len(fits) == 1:
                proposals[k][fits[0].id] += count
                spelled[(fits[0].id, k)][abbr] += count
                pending.append((count, abbr, raw, fits))
                continue
            reason = "abbreviation does not fit the name" if not fits else "ambiguous name"
            if len(cands) == 1 and next(iter(cands.values())).mined_locked:
                reason = "entry takes no abbreviation (seed)"
            report.skipped[reason].append((count, abbr, raw))
            continue
        # 2. the left edge cut into a known name ("การต่างประเทศ" for กระทรวงการต่างประเทศ)
        if len(text) >= 8:
            holders = {a.id: a for s in surfaces if s.endswith(text) for _, a in by_key[s] if k in a.lookup_keys()}
            if len(holders) == 1:
                a = next(iter(holders.values()))
                report.used.append((count, abbr, raw, a.id))
                a.mined += count
                continue
        if clean_name(raw, abbr) is None:
            report.skipped["no organisation name fits the abbreviation"].append((count, abbr, raw))
        else:
            report.skipped["organisation not in the seed"].append((count, abbr, raw))

    # resolve the proposed abbreviations: attested, unambiguous, not another entry's form
    accepted: dict[str, str] = {}
    for k, claims in sorted(proposals.items()):
        ranked = claims.most_common()
        if k in seed_keys:
            continue  # another entry's written form: never shared
        if len(ranked) > 1 and ranked[0][1] < DOMINANCE * ranked[1][1]:
            continue
        accepted[k] = ranked[0][0]
    for count, abbr, raw, fits in pending:
        a, k = fits[0], key(abbr)
        if accepted.get(k) != a.id:
            reason = "abbreviation belongs to another entry" if k in seed_keys else "ambiguous abbreviation"
            report.skipped[reason].append((count, abbr, raw))
            continue
        report.used.append((count, abbr, raw, a.id))
        a.mined += count
    for k, ident in sorted(accepted.items()):
        a = agencies[ident]
        form = sorted(spelled[(ident, k)].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        if a.abbreviation is None and a.abbreviation_from_mined:
            a.abbreviation = form
        else:
            a.add_alias(form)
    # with several mined abbreviations, the most used one is the abbreviation
    for a in agencies.values():
        if a.abbreviation_from_mined and a.abbreviation:
            mine = {form: n for (i, _), c in spelled.items() if i == a.id for form, n in c.items()
                    if accepted.get(key(form)) == a.id}
            best = sorted(mine.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if best != a.abbreviation:
                a.aliases = [x for x in a.aliases if x != best] + [a.abbreviation]
                a.abbreviation = best
    return report


# --- provinces --------------------------------------------------------------------------------------


def provinces_csv() -> Path:
    try:
        import pythainlp
    except ImportError as e:  # pragma: no cover
        raise BuildError("pythainlp is not installed") from e
    path = Path(pythainlp.__file__).parent / "corpus" / "thailand_provinces_th.csv"
    if not path.exists():
        raise BuildError(f"{path} is missing")
    return path


def add_provinces(agencies: dict[str, Agency], path: Path) -> list[str]:
    """Add the 76 provinces (and merge Bangkok into the seed's ``bma``); returns the dropped abbreviations."""
    taken = {k for a in agencies.values() for k in a.lookup_keys()}
    dropped = []
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if len(r) >= 3 and r[0].strip()]
    for row in rows:
        name, abbr, english = (unicodedata.normalize("NFC", c.strip()) for c in row[:3])
        if name == "กรุงเทพมหานคร":
            bma = agencies.get("bma")
            if bma is None:
                raise BuildError("the seed must define 'bma' (กรุงเทพมหานคร)")
            if key(abbr) not in taken:
                bma.add_alias(abbr)
            bma.sources.append("pythainlp:provinces")
            continue
        slug = re.sub(r"[^a-z0-9]+", "_", english.lower()).strip("_")
        a = Agency(id=f"province.{slug}", name=f"จังหวัด{name}", kind="province", parent=None,
                   abbreviation=None, english=english, sources=["pythainlp:provinces"])
        if a.id in agencies:
            raise BuildError(f"province id {a.id} is already in the seed")
        a.add_alias(name)
        a.add_alias(f"จ.{name}")
        if abbr and key(abbr) not in taken:
            a.add_alias(abbr)
        elif abbr:
            dropped.append(f"{abbr} ({name})")
        agencies[a.id] = a
        taken |= a.lookup_keys()
    return dropped


# --- corpus evidence --------------------------------------------------------------------------------


def add_evidence(agencies: dict[str, Agency], path: Path) -> None:
    """``corpus:N`` from the ``*`` rows of registry_evidence.tsv (absent file: no corpus counts)."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) != 4 or cells[1] != "*":
            continue
        if cells[0] in agencies and cells[2].isdigit():
            agencies[cells[0]].corpus = int(cells[2])


# --- checks and output ------------------------------------------------------------------------------


def check(agencies: dict[str, Agency]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for a in agencies.values():
        if a.parent is not None and a.parent not in agencies:
            raise BuildError(f"{a.id}: unknown parent {a.parent!r}")
        if not a.id.isascii():
            raise BuildError(f"{a.id}: id is not ascii")
        for k in a.lookup_keys():
            owners[k].add(a.id)
    shared = {k: sorted(ids) for k, ids in owners.items() if len(ids) > 1}
    if shared:
        raise BuildError(f"written forms shared by several entries: {shared}")
    for a in agencies.values():  # no cycles
        seen, p = {a.id}, a.parent
        while p:
            if p in seen:
                raise BuildError(f"{a.id}: parent cycle")
            seen.add(p)
            p = agencies[p].parent


def build(shared: Path) -> tuple[list[dict], MinedReport, list[str]]:
    mined_path = shared / MINED
    if not mined_path.exists():
        raise BuildError(
            f"{mined_path} not found: the shared data folder (../shared beside the project) is needed "
            "to rebuild the registry; the committed nlp/data/agencies.jsonl is used otherwise"
        )
    agencies = read_seed(SEED)
    report = merge_mined(agencies, read_mined(mined_path))
    dropped = add_provinces(agencies, provinces_csv())
    add_evidence(agencies, EVIDENCE)
    check(agencies)
    return [agencies[i].row() for i in sorted(agencies)], report, dropped


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every skipped mined pair")
    args = ap.parse_args(argv)
    rows, report, dropped = build(args.shared)
    text = "".join(json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) + "\n" for r in rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")

    kinds = Counter(r["kind"] for r in rows)
    log = sys.stderr
    print(f"wrote {len(rows)} agencies to {args.out}", file=log)
    print("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), file=log)
    n_skipped = sum(len(v) for v in report.skipped.values())
    print(f"  mined pairs (count >= {MIN_COUNT}): {len(report.used)} used, {n_skipped} skipped", file=log)
    for reason, items in sorted(report.skipped.items()):
        print(f"    skipped, {reason}: {len(items)}", file=log)
        if args.verbose:
            for count, abbr, raw in items:
                print(f"      {count}\t{abbr}\t{raw}", file=log)
    if dropped:
        print(f"  province abbreviations left out (another agency's form): {', '.join(dropped)}", file=log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

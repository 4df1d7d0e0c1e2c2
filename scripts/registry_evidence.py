"""Count how the thaigov corpus uses every written form of the agency registry.

Writes ``nlp/data/registry_evidence.tsv`` (``id<TAB>form<TAB>docs<TAB>defined``), read by
``scripts/build_registry.py`` for the ``corpus:N`` source of each entry (N = the ``docs`` of the entry's
``*`` row: news items that write any of its full names):

- ``docs``: news items of the corpus that contain the form (spaces ignored; an abbreviation, i.e. a form
  with a dot or of at most five letters, only where no Thai letter touches it on the left, nor on the
  right unless it ends with a dot);
- ``defined``: news items that write one of the entry's full names followed by the form in brackets,
  "ชื่อเต็ม (ชื่อย่อ)", the confirmation that the form abbreviates that entry (empty for full names).

The corpus is PyThaiNLP's thaigov-v2 (63k news items of thaigov.go.th), kept in the shared data
folder as ``data/thaigov/thaigov-v2.jsonl.zst``. Needs ``pyahocorasick`` and ``zstandard`` (or the
``zstd`` program); run it after changing the seed, then rebuild the registry:

    python scripts/build_registry.py && python scripts/registry_evidence.py && python scripts/build_registry.py
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import ahocorasick

from nlp.registry import Registry, key

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "nlp" / "data" / "registry_evidence.tsv"
SHARED = ROOT.parent / "shared"
CORPUS = Path("data") / "thaigov" / "thaigov-v2.jsonl.zst"
_THAI_LETTER = re.compile(r"[ก-ฮะ-ฺเ-ๅ็-๎]")
_SPACE = re.compile(r"[\s\u200b\u00a0]+")
NAMES = "*"  # the form column of the row counting news items that write any full name of the entry


def is_abbreviation(form: str) -> bool:
    """A short form (สป.มท., สำนักงาน ก.พ.ร., OPDC), not a full name that happens to hold dots."""
    core = key(form).removeprefix("สำนักงาน")
    return ("." in core or len(core) <= 5) and len(core) <= 10


def compact(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return _SPACE.sub("", text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))


def documents(path: Path) -> Iterator[str]:
    try:
        import zstandard

        with path.open("rb") as raw:
            reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
            for line in reader:
                if line.strip():
                    yield json.loads(line)["text"]
    except ImportError:
        proc = subprocess.Popen(["zstd", "-dc", str(path)], stdout=subprocess.PIPE, text=True, encoding="utf-8")
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip():
                yield json.loads(line)["text"]
        proc.wait()


def count(registry: Registry, docs: Iterator[str]) -> dict[tuple[str, str], list[int]]:
    auto = ahocorasick.Automaton()
    words: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # word -> (id, form, "use"/"def")
    for e in registry:
        if e.kind == "province":
            continue
        long_forms = [f for f in e.surfaces if not is_abbreviation(f)]
        for form in e.surfaces:
            # an abbreviation is counted as written, with its dots (``key`` would drop the last one)
            words[compact(form) if is_abbreviation(form) else key(form)].append((e.id, form, "use"))
            if is_abbreviation(form):
                for name in long_forms:
                    words[f"{key(name)}({key(form)}"].append((e.id, form, "def"))
    for w, targets in words.items():
        auto.add_word(w, (w, targets))
    auto.make_automaton()
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    full = {(e.id, f) for e in registry if e.kind != "province" for f in e.surfaces if not is_abbreviation(f)}
    for text in docs:
        c = compact(text)
        seen: set[tuple[str, str, str]] = set()
        for end, (w, targets) in auto.iter(c):
            start = end - len(w) + 1
            for ident, form, what in targets:
                if (ident, form, what) in seen:
                    continue
                if what == "use" and is_abbreviation(form):
                    if start > 0 and _THAI_LETTER.match(c[start - 1]):
                        continue
                    if not form.endswith((".", "ฯ")) and end + 1 < len(c) and _THAI_LETTER.match(c[end + 1]):
                        continue
                seen.add((ident, form, what))
        for ident, form, what in seen:
            counts[(ident, form)][0 if what == "use" else 1] += 1
        for ident in {i for i, f, w in seen if w == "use" and (i, f) in full}:
            counts[(ident, NAMES)][0] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args(argv)
    corpus = args.shared / CORPUS
    if not corpus.exists():
        raise SystemExit(f"registry_evidence: {corpus} not found (the shared data folder is needed)")
    reg = Registry.load()
    counts = count(reg, documents(corpus))
    lines = ["# id\tform\tdocs\tdefined  (see scripts/registry_evidence.py)"]
    for e in sorted(reg, key=lambda e: e.id):
        if e.kind == "province":
            continue
        lines.append(f"{e.id}\t{NAMES}\t{counts.get((e.id, NAMES), (0, 0))[0]}\t")
        for form in e.surfaces:
            docs, defined = counts.get((e.id, form), (0, 0))
            lines.append(f"{e.id}\t{form}\t{docs}\t{defined if is_abbreviation(form) else ''}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} forms to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

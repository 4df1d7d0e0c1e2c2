"""How well does the agency registry link the abbreviation pairs mined from the cabinet summaries?

Takes the mined ``count<TAB>abbr<TAB>name`` pairs seen at least twice
(``../shared/data/agencies/abbreviations-mined-from-cabinet-summaries.tsv``), draws a fixed random
sample of 100, and gives each a verdict:

- ``correct link``: ``lookup(abbr)`` and ``lookup(cleaned name)`` are the same entry;
- ``wrong link``: the abbreviation resolves, but not to the entry the name resolves to (or the name
  resolves to nothing, so the link cannot be confirmed);
- ``missing``: the abbreviation does not resolve;
- ``not an organisation``: the mined name holds no organisation head word (project, law, area...).

The cleaned name is the longest tail of the noisy mined name that starts with an organisation head
word and that the registry knows, else the build's ``clean_name`` (the shortest tail the abbreviation
plausibly shortens). The sample goes to ``bench/registry_links_sample.tsv`` with a ``hand`` column:
a hand verdict already in that file is kept on a rerun (matched on abbreviation and mined name),
so disagreements between the script and the reader stay visible.

    python bench/registry_links.py [--shared ../shared] [--seed 20250101] [--n 100]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.registry import Entry, Registry, key  # noqa: E402

SAMPLE = ROOT / "bench" / "registry_links_sample.tsv"
MINED = Path("data") / "agencies" / "abbreviations-mined-from-cabinet-summaries.tsv"
VERDICTS = ("correct link", "wrong link", "missing", "not an organisation")
COLUMNS = ("count", "abbr", "mined_name", "cleaned_name", "abbr_entry", "name_entry", "script", "hand", "note")


def _build_module():
    spec = importlib.util.spec_from_file_location("build_registry", ROOT / "scripts" / "build_registry.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_registry"] = module
    spec.loader.exec_module(module)
    return module


def read_pairs(path: Path, min_count: int) -> list[tuple[int, str, str]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for cells in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(cells) == 3 and cells[0].strip().isdigit() and int(cells[0]) >= min_count:
                rows.append((int(cells[0]), cells[1].strip(), cells[2].strip()))
    return sorted(rows, key=lambda r: (-r[0], r[1], r[2]))


def cleaned(build, reg: Registry, raw: str, abbr: str) -> tuple[str | None, Entry | None]:
    text = key(raw)
    starts = sorted({0} | {m.start() for h in build.ORG_HEADS for m in re.finditer(re.escape(h), text)})
    for start in starts:  # longest known tail first
        e = reg.lookup(text[start:])
        if e is not None:
            return text[start:], e
    name = build.clean_name(raw, abbr)
    return name, (reg.lookup(name) if name else None)


def verdict(build, reg: Registry, abbr: str, raw: str) -> tuple[str, str | None, Entry | None, Entry | None]:
    name, by_name = cleaned(build, reg, raw, abbr)
    by_abbr = reg.lookup(abbr)
    if by_name is None and not any(h in key(raw) for h in build.ORG_HEADS):
        return "not an organisation", name, by_abbr, by_name
    if by_abbr is None:
        return "missing", name, by_abbr, by_name
    if by_abbr is by_name:
        return "correct link", name, by_abbr, by_name
    return "wrong link", name, by_abbr, by_name


def read_hand(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {(r["abbr"], r["mined_name"]): (r.get("hand", ""), r.get("note", "")) for r in rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", type=Path, default=SAMPLE)
    args = ap.parse_args(argv)
    mined = args.shared / MINED
    if not mined.exists():
        raise SystemExit(f"registry_links: {mined} not found (the shared data folder is needed)")
    build, reg = _build_module(), Registry.load()
    pairs = read_pairs(mined, args.min_count)
    sample = sorted(random.Random(args.seed).sample(pairs, min(args.n, len(pairs))), key=lambda r: (-r[0], r[1], r[2]))
    hand = read_hand(args.out)

    out_rows = []
    for count, abbr, raw in sample:
        v, name, by_abbr, by_name = verdict(build, reg, abbr, raw)
        h, note = hand.get((abbr, raw), ("", ""))
        out_rows.append({
            "count": str(count), "abbr": abbr, "mined_name": raw, "cleaned_name": name or "",
            "abbr_entry": by_abbr.id if by_abbr else "", "name_entry": by_name.id if by_name else "",
            "script": v, "hand": h, "note": note,
        })
    with args.out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        w.writeheader()
        w.writerows(out_rows)

    script = Counter(r["script"] for r in out_rows)
    judged = [r for r in out_rows if r["hand"]]
    by_hand = Counter(r["hand"] for r in judged)
    print(f"{len(pairs)} mined pairs with count >= {args.min_count}; sample of {len(out_rows)} (seed {args.seed})")
    print(f"{'':22}{'script':>8}{'hand':>8}")
    for v in VERDICTS:
        print(f"{v:22}{script[v]:>8}{by_hand[v] if judged else '-':>8}")
    if judged:
        disagree = sum(r["script"] != r["hand"] for r in judged)
        print(f"hand-judged {len(judged)}/{len(out_rows)}; script and hand disagree on {disagree}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: Thai word tokenisers on speed and on the segmentation accuracy measurable here.

    python bench/tokenize_bench.py [--items 2000]

Engines, all offline: pythainlp newmm (its own dictionary), nlpo3 (its default dictionary),
and the same two with Mati's dictionary (pythainlp words + every registry name) and Mati's
dotted-abbreviation protection, i.e. what ``nlp.tokenize`` does.

Speed: characters/s on thaigov news, fed paragraph by paragraph, and whole documents.
Accuracy on ThaiNER 1.5 test (not word-separated, but its entity spans are gold boundaries):
- boundary agreement: share of entity starts/ends that fall on a token boundary;
- abbreviation integrity: share of dotted abbreviations tagged as entities (สธ., ก.พ.ร.) kept as one token.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nlpo3  # noqa: E402
from pythainlp.tokenize import word_tokenize  # noqa: E402

from nlp import tokenize as mati_tokenize  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
TAG = re.compile(r"\[(/?)([A-Z_]+)\]")
DOTTED = re.compile(r"^[ก-ฮ]{1,5}\.(?:[ก-ฮ]{1,4}\.)*ฯ?$|^(?:[ก-ฮ]\.){2,}ฯ?$")

Tokenizer = Callable[[str], list[str]]


def thainer(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Lines of ThaiNER as (plain text, entity spans)."""
    out = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        plain, spans, stack, pos = [], [], [], 0
        for m in TAG.finditer(line):
            piece = line[pos : m.start()]
            plain.append(piece)
            at = sum(map(len, plain))
            if m.group(1):
                if stack:
                    start, label = stack.pop()
                    spans.append((start, at, label))
            else:
                stack.append((at, m.group(2)))
            pos = m.end()
        plain.append(line[pos:])
        text = "".join(plain)
        if text.strip():
            out.append((text, spans))
    return out


def news(n: int) -> list[str]:
    import zstandard

    texts = []
    with (SHARED / "thaigov" / "thaigov-v2.jsonl.zst").open("rb") as raw:
        for line in io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8"):
            text = json.loads(line)["text"]
            if len(text) < 20000:
                texts.append(text)
            if len(texts) >= n:
                break
    return texts


def engines() -> dict[str, Tokenizer]:
    words = sorted(mati_tokenize.dictionary_words())
    folder = Path(tempfile.mkdtemp())
    (folder / "mati.txt").write_text("\n".join(words), encoding="utf-8")
    nlpo3.load_dict(str(folder / "mati.txt"), "mati")
    from pythainlp.corpus import thai_words

    (folder / "default.txt").write_text("\n".join(sorted(thai_words())), encoding="utf-8")
    nlpo3.load_dict(str(folder / "default.txt"), "default")
    return {
        "newmm": lambda t: word_tokenize(t, engine="newmm"),
        "nlpo3": lambda t: nlpo3.segment(t, "default"),
        "newmm + Mati dictionary (nlp.tokenize)": lambda t: [x.text for x in mati_tokenize.tokens(t)],
        "nlpo3 + Mati dictionary": lambda t: [x.text for x in mati_tokenize.tokens(t, engine="nlpo3")],
    }


def boundaries(tokens: list[str], text: str) -> set[int]:
    out, pos = {0}, 0
    for tok in tokens:
        found = text.find(tok, pos)
        if found < 0:
            continue
        out.update((found, found + len(tok)))
        pos = found + len(tok)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=2000)
    args = ap.parse_args()
    docs = news(args.items)
    paragraphs = [p for d in docs for p in d.split("\n") if p.strip()]
    chars = sum(map(len, paragraphs))
    gold = thainer(SHARED / "thainer-1.5" / "test.txt")
    rows = []
    for name, tok in engines().items():
        tok("อุ่นเครื่อง")  # load dictionaries outside the timing
        t0 = time.perf_counter()
        for p in paragraphs:
            tok(p)
        per_paragraph = chars / (time.perf_counter() - t0)
        sample = docs[:100]
        t0 = time.perf_counter()
        for d in sample:
            tok(d)
        whole = sum(map(len, sample)) / (time.perf_counter() - t0)
        hit = total = abbr_ok = abbr_total = 0
        for text, spans in gold:
            tokens = tok(text)
            cuts = boundaries(tokens, text)
            for s, e, _ in spans:
                total += 2
                hit += (s in cuts) + (e in cuts)
                if DOTTED.match(text[s:e].strip()):
                    abbr_total += 1
                    abbr_ok += text[s:e].strip() in tokens
        rows.append((name, per_paragraph, whole, hit / total, abbr_ok / max(1, abbr_total), abbr_total))
    print(f"{len(paragraphs)} paragraphs, {chars / 1e6:.2f} M chars of thaigov news; ThaiNER test: {len(gold)} lines\n")
    print("| engine | chars/s per paragraph | chars/s whole document | entity boundary agreement | "
          "dotted abbreviations whole |")
    print("|---|---:|---:|---:|---:|")
    for name, pp, wd, agree, abbr, n_abbr in rows:
        print(f"| {name} | {pp / 1e6:.2f} M | {wd / 1e6:.2f} M | {agree:.3f} | {abbr:.3f} (of {n_abbr}) |")
    sentence_splitters(docs[:300])
    return 0


def _crfcut_ends(text: str) -> set[int]:
    from pythainlp.tokenize import sent_tokenize

    ends, at = set(), 0
    for sentence in sent_tokenize(text, engine="crfcut"):
        at = text.find(sentence, at) + len(sentence)
        ends.add(at)
    return ends


def sentence_splitters(docs: list[str]) -> None:
    """Breaks right after a dotted abbreviation (ก.พ.ร. | ...), a known crfcut error, and speed."""
    from nlp.segment import sentences

    abbreviation = re.compile(r"(?<![ก-๛])(?:[ก-ฮ]{1,4}\.){1,5}ฯ?")
    splitters: dict[str, Callable[[str], set[int]]] = {
        "pythainlp crfcut": _crfcut_ends,
        "nlp.segment.sentences": lambda t: {e for _, e in sentences(t)},
    }
    print("\n| sentence splitter | breaks right after an abbreviation | abbreviations | chars/s |")
    print("|---|---:|---:|---:|")
    for name, split in splitters.items():
        bad = total = chars = 0
        t0 = time.perf_counter()
        for para in (p for doc in docs for p in doc.split("\n") if p.strip()):
            chars += len(para)
            ends = split(para)
            for m in abbreviation.finditer(para):
                total += 1
                bad += m.end() in ends and m.end() < len(para.rstrip())
        took = time.perf_counter() - t0
        print(f"| {name} | {bad} ({bad / max(1, total):.1%}) | {total} | {chars / took / 1e6:.2f} M |")


if __name__ == "__main__":
    sys.exit(main())

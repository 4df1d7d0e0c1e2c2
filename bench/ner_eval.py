"""Benchmark: Mati's NER CRF vs the ThaiNER 1.5.1 CRF bundled with pythainlp, on ThaiNER 1.5 test.

    PYTHAINLP_OFFLINE=1 python bench/ner_eval.py [--data ../shared/data/thainer-1.5] [--split test]

Two settings, both scored at entity level (exact span and type, like conlleval/seqeval):

* ``gold-seg``: every model tags the same tokens, newmm run on each tagged/untagged segment
  alone (``nlp.ner.to_bio``), so entity edges are token edges. This is the usual setting of
  ThaiNER papers.
* ``raw``: each model tokenises the untagged line itself and entities are compared as
  character spans (Mati's real use: ``nlp.ner.entities``).

The bundled model (``pythainlp/corpus/thainer_crf_1_5_1.model``) is run offline through
pycrfsuite with the features it was trained with (pythainlp 2.x ``_doc2features``: words,
stop words, Thai/space/digit flags, LST20 POS tags of the word and its neighbours). Its LST20
POS tagger is not bundled, so POS tags come from a bundled pythainlp perceptron tagger mapped
to LST20: ORCHID (default; finer tags, maps better, micro F1 0.885 vs 0.845 on val) or UD
(``--pos pud``). The mapping costs the baseline some accuracy. Caveat: the ThaiNER 1.5 test
split may overlap the data 1.5.1 was trained on, which would flatter it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402
from pythainlp.corpus import thai_stopwords  # noqa: E402
from pythainlp.tag import pos_tag  # noqa: E402
from pythainlp.util import is_thai  # noqa: E402

from nlp import ner  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "thainer-1.5"
SHOWN = ("ORGANIZATION", "DATE", "PERSON", "LOCATION")

# Universal POS -> LST20 (the tag set ThaiNER 1.5.1 was trained with)
UD_TO_LST20 = {
    "NOUN": "NN", "PROPN": "NN", "VERB": "VV", "AUX": "AX", "ADJ": "AJ", "ADV": "AV",
    "ADP": "PS", "CCONJ": "CC", "SCONJ": "CC", "PART": "PA", "DET": "AJ", "PRON": "PR",
    "NUM": "NU", "PUNCT": "PU", "SYM": "PU", "INTJ": "IJ", "X": "XX",
}  # fmt: skip
# ORCHID -> LST20
ORCHID_TO_LST20 = {
    "NPRP": "NN", "NCMN": "NN", "NTTL": "NN", "NLBL": "NN", "NCNM": "NU", "NONM": "NU", "DCNM": "NU",
    "DONM": "NU", "PPRS": "PR", "PDMN": "PR", "PNTR": "PR", "PREL": "PR", "VACT": "VV", "VSTA": "VV",
    "VATT": "AJ", "XVBM": "AX", "XVAM": "AX", "XVMM": "AX", "XVBB": "AX", "XVAE": "AX", "DDAN": "AJ",
    "DDAC": "AJ", "DDBQ": "AJ", "DDAQ": "AJ", "DIAC": "AJ", "DIBQ": "AJ", "DIAQ": "AJ", "ADVN": "AV",
    "ADVI": "AV", "ADVP": "AV", "ADVS": "AV", "CNIT": "CL", "CLTV": "CL", "CMTR": "CL", "CFQC": "CL",
    "CVBL": "CL", "JCRG": "CC", "JCMP": "CC", "JSBR": "CC", "RPRE": "PS", "INT": "IJ", "FIXN": "FX",
    "FIXV": "FX", "EAFF": "PA", "EITT": "PA", "NEG": "NG", "PUNC": "PU",
}  # fmt: skip
LST20_WORDS = {"ไม่": "NG", "มิ": "NG", "ไม่ได้": "NG", "การ": "FX", "ความ": "FX"}
POS_SOURCE = {"orchid": ORCHID_TO_LST20, "pud": UD_TO_LST20}
_pos = ["orchid"]  # the bundled tagger whose tags are mapped (set by --pos)

Tagger = Callable[[list[str]], list[str]]


# --- the bundled ThaiNER 1.5.1 CRF -----------------------------------------------------------


def bundled_path() -> Path:
    """Where pythainlp keeps the ThaiNER 1.5.1 CRF."""
    import pythainlp

    return Path(pythainlp.__file__).parent / "corpus" / "thainer_crf_1_5_1.model"


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(thai_stopwords())


def lst20_pos(tokens: list[str]) -> list[str]:
    """LST20-like POS tags from a bundled pythainlp tagger (whitespace is punctuation)."""
    mapping = POS_SOURCE[_pos[0]]
    tags = pos_tag(tokens, engine="perceptron", corpus=_pos[0])
    return ["PU" if w.isspace() else LST20_WORDS.get(w, mapping.get(t, "XX")) for w, t in tags]


def bundled_features(tokens: list[str]) -> list[dict[str, str | bool]]:
    """pythainlp 2.x ThaiNER features, attribute names as stored in the 1.5.1 model."""
    doc = list(zip(tokens, lst20_pos(tokens), strict=True))
    sw = _stopwords()
    out: list[dict[str, str | bool]] = []
    for i, (word, pos) in enumerate(doc):
        f: dict[str, str | bool] = {
            "word.word": word,
            "word.stopword": word in sw,
            "word.isthai": is_thai(word),
            "word.isspace": word.isspace(),
            "postag": pos,
            "word.isdigit()": word.isdigit(),
        }
        if word.isdigit() and len(word) == 5:
            f["word.islen5"] = True
        if i > 0:
            pw, pp = doc[i - 1]
            f.update({
                "word.prevword": pw, "word.previsspace": pw.isspace(), "word.previsthai": is_thai(pw),
                "word.prevstopword": pw in sw, "word.prepostag": pp, "word.prevwordisdigit": pw.isdigit(),
            })  # fmt: skip
        else:
            f["BOS"] = True
        if i < len(doc) - 1:
            nw, npos = doc[i + 1]
            f.update({
                "word.nextword": nw, "word.nextisspace": nw.isspace(), "word.nextpostag": npos,
                "word.nextisthai": is_thai(nw), "word.nextstopword": nw in sw,
                "word.nextwordisdigit": nw.isdigit(),
            })  # fmt: skip
        else:
            f["EOS"] = True
        out.append(f)
    return out


@cache
def _bundled_tagger() -> pycrfsuite.Tagger:
    t = pycrfsuite.Tagger()
    t.open(str(bundled_path()))
    return t


def bundled_tag(tokens: list[str]) -> list[str]:
    """BIO labels from the bundled ThaiNER 1.5.1 CRF."""
    return list(_bundled_tagger().tag(bundled_features(tokens))) if tokens else []


# --- evaluation ------------------------------------------------------------------------------


def char_spans(tokens: Sequence[str], tags: Sequence[str]) -> set[tuple[str, int, int]]:
    """BIO chunks as character spans over ``"".join(tokens)``, whitespace trimmed."""
    starts = [0]
    for t in tokens:
        starts.append(starts[-1] + len(t))
    text = "".join(tokens)
    out = set()
    for label, s, e in ner.bio_spans(tags):
        a, b = starts[s], starts[e]
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.add((label, a, b))
    return out


def run(tagger: Tagger, seqs: list[list[str]]) -> tuple[list[list[str]], float]:
    """Labels for every sequence and tokens tagged per second."""
    t0 = time.perf_counter()
    labels = [tagger(s) for s in seqs]
    return labels, sum(map(len, seqs)) / (time.perf_counter() - t0)


def table(rows: list[tuple[str, dict[str, dict[str, float]], float]], kinds: Sequence[str]) -> str:
    """Markdown table: P/R/F1 per entity type and micro, plus throughput."""
    head = "| model | " + " | ".join(f"{k} P / R / F1" for k in kinds) + " | tokens/s |"
    lines = [head, "|" + "---|" * (len(kinds) + 2)]
    for name, sc, speed in rows:
        cells = ["{precision:.3f} / {recall:.3f} / **{f1:.3f}**".format(**sc[k]) if k in sc else "-" for k in kinds]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {speed:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", default="test")
    ap.add_argument("--pos", choices=sorted(POS_SOURCE), default="orchid", help="POS source for 1.5.1")
    args = ap.parse_args()
    _pos[0] = args.pos

    lines = [ln for ln in (args.data / f"{args.split}.txt").read_text(encoding="utf-8").split("\n")]
    lines = [ln for ln in lines if ner.parse_tagged(ln)]
    bio = [ner.to_bio(ln) for ln in lines]
    tokens = [t for t, _ in bio]
    gold = [y for _, y in bio]
    bundled_labels = {lab.partition("-")[2] for lab in _bundled_tagger().labels() if lab != "O"}
    types = sorted({lab.partition("-")[2] for y in gold for lab in y if lab != "O"})
    shared = [t for t in types if t in bundled_labels]
    kinds = [*SHOWN, "micro", "micro (shared types)"]
    print(f"ThaiNER 1.5 {args.split}: {len(lines)} lines, {sum(map(len, tokens)):,} tokens, "
          f"{sum(t.startswith('B-') for y in gold for t in y):,} entities; types {types}")  # fmt: skip

    def scores(pred: list[list[str]]) -> dict[str, dict[str, float]]:
        sc = ner.prf(gold, pred, types)
        sc["micro (shared types)"] = ner.prf(gold, pred, shared)["micro"]
        return sc

    ner.tag(["x"])  # load the model before timing
    _bundled_tagger()
    ours, ours_speed = run(ner.tag, tokens)
    theirs, theirs_speed = run(bundled_tag, tokens)
    print("\n### gold-segment tokenisation (same tokens for both models)\n")
    baseline = f"ThaiNER 1.5.1 CRF (bundled, {args.pos}->LST20 POS)"
    rows = [("Mati CRF (nlp.ner)", scores(ours), ours_speed), (baseline, scores(theirs), theirs_speed)]
    print(table(rows, kinds))

    # raw text: each model tokenises the whole line; compare character spans
    texts = ["".join(t) for t in tokens]
    gold_spans = [char_spans(t, y) for t, y in bio]
    t0 = time.perf_counter()
    ours_raw = [{(e.label, e.start, e.end) for e in ner.entities(x)} for x in texts]
    ours_raw_speed = sum(map(len, tokens)) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    theirs_raw = []
    for x in texts:
        toks = ner.tokenize(x)
        theirs_raw.append(char_spans(toks, bundled_tag(toks)))
    theirs_raw_speed = sum(map(len, tokens)) / (time.perf_counter() - t0)

    def span_scores(pred: list[set[tuple[str, int, int]]]) -> dict[str, dict[str, float]]:
        sc = ner.prf_spans(gold_spans, pred, types)
        sc["micro (shared types)"] = ner.prf_spans(gold_spans, pred, shared)["micro"]
        return sc

    print("\n### raw text (each model tokenises the line itself; character spans; speed incl. tokenising)\n")
    rows = [
        ("Mati CRF (nlp.ner.entities)", span_scores(ours_raw), ours_raw_speed),
        (baseline, span_scores(theirs_raw), theirs_raw_speed),
    ]
    print(table(rows, kinds))
    print(
        f"\nmicro = all {len(types)} gold types; shared types = {shared} "
        "(the bundled model has no FACILITY/AGO labels). tokens/s on this machine, one process."
    )


if __name__ == "__main__":
    main()

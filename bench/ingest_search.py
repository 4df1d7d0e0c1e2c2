"""Benchmark: ingest throughput and search latency on items of the thaigov corpus.

    python bench/ingest_search.py --items 5000 [--corpus ../shared/data/thaigov/thaigov-v2.jsonl.zst]

Ingests the first N items (cabinet-summary giants skipped) into a fresh SQLite store in a
temporary folder, one process, then runs 1-3 word queries drawn from the ingested text
(with and without a filter) and prints documents/s, characters/s and query p50/p95.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.search import Filters  # noqa: E402
from corpus.store import Store  # noqa: E402
from mati.pipeline import process  # noqa: E402
from nlp.tokenize import words  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "thaigov" / "thaigov-v2.jsonl.zst"


def items(path: Path, n: int, max_chars: int) -> Iterator[tuple[str, str]]:
    """The first ``n`` corpus items no longer than ``max_chars``: (name, text)."""
    import zstandard

    with path.open("rb") as raw:
        stream = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        count = 0
        for line in stream:
            item = json.loads(line)
            if len(item["text"]) > max_chars:
                continue
            yield item["path"], item["text"]
            count += 1
            if count >= n:
                return


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--max-chars", type=int, default=20000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        texts: list[str] = []
        chars = failed = 0
        t0 = time.perf_counter()
        with store.grouped_indexing():  # as ``mati ingest`` does
            for name, text in items(args.corpus, args.items, args.max_chars):
                try:
                    store.add(process(text.encode("utf-8"), Path(name).name))
                except Exception as e:  # report and go on, as ingest does
                    failed += 1
                    print(f"failed {name}: {e}", file=sys.stderr)
                    continue
                chars += len(text)
                if len(texts) < 500:
                    texts.append(text)
        took = time.perf_counter() - t0
        n = args.items - failed
        db_size = sum(f.stat().st_size for f in Path(tmp).glob("bench.db*"))
        resolutions = store.resolutions(Filters(), limit=1).total
        print(f"ingest: {n} documents ({resolutions} resolutions) in {took:.1f} s = {n / took:.1f} docs/s, "
              f"{chars / took / 1e6:.3f} M chars/s, "
              f"{failed} failed, database {db_size / 1e6:.1f} MB")

        vocabulary = [w for t in texts for w in words(t[:2000]) if len(w) >= 3 and not w.isascii()]
        queries = [" ".join(rng.sample(vocabulary, rng.randint(1, 3))) for _ in range(args.queries)]
        for label, filters in (("text only", Filters()), ("text + kind filter", Filters(kind="approve"))):
            lat, hits = [], 0
            for q in queries:
                t = time.perf_counter()
                page = store.search(q, filters, limit=10)
                lat.append((time.perf_counter() - t) * 1000)
                hits += bool(page.items)
            print(f"search ({label}): {len(queries)} queries, p50 {statistics.median(lat):.1f} ms, "
                  f"p95 {percentile(lat, 0.95):.1f} ms, max {max(lat):.1f} ms, {hits / len(queries):.0%} with hits")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

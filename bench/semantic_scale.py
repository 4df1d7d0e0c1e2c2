"""Meaning-based search at scale: the cost of ``corpus.semantic.Vectors.nearest`` over n embeddings.

    python bench/semantic_scale.py [--sizes 100000,1000000] [--queries 50]

The cost of an exact cosine search does not depend on what the vectors mean, so the matrix is
random unit vectors of the model's size (384), loaded from float16 blobs as the store does;
embedding the real text of a million resolutions would take ~12 h on this machine (see RESULTS).
Reports load time, resident memory and query latency (median, p95) per size.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import semantic

DIM = 384


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    for n in (int(s) for s in args.sizes.split(",")):
        m = rng.standard_normal((n, DIM), dtype=np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        rows = [(i, semantic.to_blob(v)) for i, v in enumerate(m)]
        del m
        vectors = semantic.Vectors()
        t0 = time.perf_counter()
        vectors.replace(rows)
        load = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        ms = []
        for _ in range(args.queries):
            q = rng.standard_normal(DIM).astype(np.float32)
            q /= np.linalg.norm(q)
            t0 = time.perf_counter()
            vectors.nearest(q, 500)
            ms.append(1000 * (time.perf_counter() - t0))
        ms.sort()
        print(f"{n:>9} vectors: load {load:.1f} s, peak RSS {rss:.0f} MB, "
              f"nearest 500: p50 {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * len(ms))]:.1f} ms", flush=True)
        del rows, vectors
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

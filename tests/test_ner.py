"""The ThaiNER-trained CRF: model file, entity spans, ThaiNER tag <-> BIO conversion."""

from __future__ import annotations

import pytest

from nlp import ner

pytestmark = pytest.mark.skipif(not ner.MODEL.exists(), reason="NER model not built")


def test_model_loads_with_thainer_labels() -> None:
    labels = set(ner.tagger().labels())
    assert {"O", "B-ORGANIZATION", "I-ORGANIZATION", "B-DATE", "I-DATE"} <= labels
    assert ner.MODEL.stat().st_size < 15 * 1024 * 1024


def test_finds_ministry_and_date_with_exact_spans() -> None:
    text = "กระทรวงสาธารณสุขแถลงข่าวเมื่อวันที่ 5 มีนาคม 2564"
    found = ner.entities(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    orgs = [e for e in found if e.label == "ORGANIZATION"]
    assert [e.text for e in orgs] == ["กระทรวงสาธารณสุข"]
    assert orgs[0].start == 0
    dates = [e for e in found if e.label == "DATE"]
    assert dates and any("5 มีนาคม 2564" in e.text for e in dates)


def test_spans_index_multi_paragraph_input() -> None:
    text = "  ที่ประชุมมอบหมายให้กรมบัญชีกลางดำเนินการ\n\nภายในวันที่ 30 กันยายน 2567 ให้สำนักงบประมาณรายงานผล\n"
    found = ner.entities(text)
    assert found
    for e in found:
        assert text[e.start : e.end] == e.text
        assert e.text == e.text.strip() and "\n" not in e.text
    assert any(e.label == "ORGANIZATION" for e in found)
    assert any(e.label == "DATE" and "30 กันยายน 2567" in e.text for e in found)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "   \n  "])
def test_empty_text(text: str) -> None:
    assert ner.entities(text) == []


def test_bio_round_trip() -> None:
    line = (
        "[DATE]วันนี้[/DATE] ([DATE]3 ก.ย.[/DATE]) [PERSON]พล.ต.อ.อดุลย์ แสงสิงแก้ว[/PERSON] "
        "รัฐมนตรีว่าการ[ORGANIZATION]กระทรวงแรงงาน[/ORGANIZATION] เป็นประธาน"
    )
    tokens, tags = ner.to_bio(line)
    assert len(tokens) == len(tags)
    assert "".join(tokens) == "วันนี้ (3 ก.ย.) พล.ต.อ.อดุลย์ แสงสิงแก้ว รัฐมนตรีว่าการกระทรวงแรงงาน เป็นประธาน"
    assert ner.to_tagged(tokens, tags) == line
    assert tags[tokens.index("กระทรวง")] == "B-ORGANIZATION"
    labels = [label for label, _, _ in ner.bio_spans(tags)]
    assert labels == ["DATE", "DATE", "PERSON", "ORGANIZATION"]


def test_bio_keeps_edge_spaces_outside_entities_and_tolerates_stray_tags() -> None:
    tokens, tags = ner.to_bio("ที่[ORGANIZATION] กรมป่าไม้ [/ORGANIZATION]และ[/DATE]ป่า")
    assert ner.to_tagged(tokens, tags) == "ที่ [ORGANIZATION]กรมป่าไม้[/ORGANIZATION] และป่า"
    assert [t for t, y in zip(tokens, tags, strict=True) if y != "O" and t.isspace()] == []


def test_prf_counts_exact_spans_only() -> None:
    gold = [["B-ORGANIZATION", "I-ORGANIZATION", "O", "B-DATE"]]
    pred = [["B-ORGANIZATION", "O", "O", "B-DATE"]]
    scores = ner.prf(gold, pred)
    assert scores["DATE"]["f1"] == 1.0
    assert scores["ORGANIZATION"]["f1"] == 0.0
    assert scores["micro"]["precision"] == 0.5

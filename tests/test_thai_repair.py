"""Dictionary-guided repair of Thai marks that a PDF text layer mapped wrongly."""

from __future__ import annotations

import pytest

from corpus.readers.thai_repair import repair_marks


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("ผ้้ช่วยรัฐมนตรี", "ผู้ช่วยรัฐมนตรี"),  # SARA UU's glyph mapped to MAI THO
        ("ประต้ระบายน้ำ", "ประตูระบายน้ำ"),
        ("ไมถ่ ึงเป้าหมาย", "ไม่ถึงเป้าหมาย"),  # tone on the wrong consonant, mark detached
        ("ด้แลรักษา", "ดูแลรักษา"),
    ],
)
def test_broken_marks_are_restored(broken: str, fixed: str) -> None:
    assert repair_marks(broken) == fixed


@pytest.mark.parametrize("text", ["น้ำท่วมขัง", "นายชัยวุฒิ ธนาคมานุสรณ์", "ก้าวไกล", "สป.มท. 2/2563"])
def test_sound_text_and_unknown_names_are_left_alone(text: str) -> None:
    assert repair_marks(text) == text


def test_an_unmapped_glyph_becomes_the_mark_that_makes_common_words() -> None:
    assert repair_marks("การรับซื(cid:28)อไฟฟ้า") == "การรับซื้อไฟฟ้า"  # ซื้อ (buy), not ซื่อ (honest)
    assert "(cid:" not in repair_marks("ข้อความ (cid:7) อื่น")

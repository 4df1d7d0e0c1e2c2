"""OCR (Tesseract, Thai + English), the text-quality score that decides when to OCR, image uploads.

Tests that run Tesseract skip when it is not installed; CI installs tesseract-ocr and tesseract-ocr-tha.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from PIL import Image, ImageDraw, ImageFont

from corpus.readers import PDF, read
from corpus.readers import ocr as ocr_module
from corpus.readers.ocr import ocr_image, ocr_pdf_pages, tesseract_available, without_noise
from corpus.readers.quality import QUALITY_THRESHOLD, page_quality
from corpus.readers.reading import tidy
from mati.errors import EmptyDocument, UnreadableDocument
from tests.office import docx_to_pdf

LEGACY_PDF = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdf" / "cdc-2558-legacy-font-capture.pdf"
FONT = Path("/usr/share/fonts/truetype/tlwg/Loma.ttf")
LINES = [
    "รายงานการประชุมคณะกรรมการพัฒนาระบบบริการประชาชน ครั้งที่ 2/2567",
    "วันพฤหัสบดีที่ 8 กุมภาพันธ์ 2567 เวลา 13.30 น. ณ ห้องประชุมชั้น 3",
    "มติ ที่ประชุมรับทราบ และมอบหมายให้สำนักงานเลขานุการติดตามผลภายใน 30 วัน",
    "ให้กองคลังจัดทำประมาณการงบประมาณ และให้ศูนย์สารสนเทศปรับปรุงฐานข้อมูลกลาง",
]
# Measured with Tesseract 5.3 + Debian's tha data: rendered Loma 40 px ≈ 0.02, LibreOffice PDF → OCR ≈ 0.01.
IMAGE_CER = 0.08
ROUND_TRIP_OCR_CER = 0.08

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(), reason="tesseract with Thai data not installed (apt: tesseract-ocr-tha)"
)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate, ignoring whitespace (Thai spacing is a layout choice, not content)."""
    ref, hyp = "".join(reference.split()), "".join(hypothesis.split())
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(1, len(ref))


def test_cer() -> None:
    assert cer("ทำงาน", "ทำ งาน") == 0.0
    assert cer("abcd", "abed") == 0.25


# ---------------------------------------------------------------- quality


GOOD_THAI = "\n".join(LINES)


def test_quality_of_good_thai() -> None:
    quality = page_quality(GOOD_THAI)
    assert quality.score > 0.9
    assert quality.thai_share > 0.9 and quality.dangling == 0.0 and quality.dict_rate > 0.9


def test_quality_of_broken_thai() -> None:
    # marks detached from their consonants, as from a text layer with misplaced combining glyphs
    broken = "ร ายง านก ารป ระช ุมคณ ะกร รมก าร ท ี่ ป ระช ุม ม ีมต ิ ใ ห ้ด ำเน ินก าร ต ่อไป ภ ายใน ส ิบ ว ัน"
    quality = page_quality(broken)
    assert quality.dangling > 0.05
    assert quality.score < QUALITY_THRESHOLD < page_quality(GOOD_THAI).score


def test_quality_of_legacy_font_junk() -> None:
    junk = (
        "~lslin i uimi @ss (c)G iii \"(a)~ ~~~6a~Gi%~invi'iw\"~iqn~mu'b6w\"u~wv~~i~~'b8iZ~aiu~~iau\n"
        '16~uradab~~u?2auiuunra nlun~iulm~d~nszw"iFmud~nzauiiuwiim aylnw ~ ? a\nn2iu~n2iuw~udszui"w'
    )
    quality = page_quality(junk)
    assert quality.thai_share == 0.0 and quality.latin_junk > 0.7
    assert quality.score < QUALITY_THRESHOLD


def test_quality_of_english_and_empty() -> None:
    english = "The committee approved the budget for fiscal year 2024 and asked the OPDC to report back."
    assert page_quality(english).score > 0.9
    assert page_quality("").score == 0.0
    assert page_quality("12 / 34").score == 0.0


# ---------------------------------------------------------------- OCR


@pytest.fixture(scope="module")
def rendered_page() -> Image.Image:
    """The Thai lines drawn with a TLWG font, about 12 pt at 300 dpi."""
    if not FONT.exists():
        pytest.skip("Thai font Loma not installed (apt: fonts-thai-tlwg)")
    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (1900, 120 + 90 * len(LINES)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(LINES):
        draw.text((60, 60 + 90 * index), line, font=font, fill=0)
    return image


@needs_tesseract
def test_ocr_of_rendered_thai(rendered_page: Image.Image) -> None:
    text, confidence = ocr_image(rendered_page, dpi=300)
    assert cer(GOOD_THAI, tidy(text)) < IMAGE_CER
    assert 0.8 < confidence <= 1.0


@needs_tesseract
def test_image_upload_is_read_by_ocr(rendered_page: Image.Image) -> None:
    buffer = io.BytesIO()
    rendered_page.save(buffer, format="PNG", dpi=(300, 300))
    reading = read(buffer.getvalue(), "minutes.png")
    assert reading.media_type == "image/png"
    assert [(p.number, p.method) for p in reading.pages] == [(1, "ocr")]
    assert reading.pages[0].confidence is not None and reading.pages[0].confidence > 0.8
    assert cer(GOOD_THAI, reading.text) < IMAGE_CER
    assert "สำนักงาน" in reading.text  # Tesseract's NIKHAHIT + SARA AA is repaired


@needs_tesseract
def test_blank_image_is_empty() -> None:
    buffer = io.BytesIO()
    Image.new("L", (300, 200), 255).save(buffer, format="TIFF")
    with pytest.raises(EmptyDocument, match="no text found"):
        read(buffer.getvalue(), "blank.tif")


def test_image_without_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_module, "_languages", lambda: frozenset())
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, format="JPEG")
    with pytest.raises(UnreadableDocument, match="OCR needs tesseract-ocr and tesseract-ocr-tha") as caught:
        read(buffer.getvalue(), "photo.jpg")
    assert type(caught.value) is UnreadableDocument


@needs_tesseract
def test_legacy_font_pdf_is_ocred() -> None:
    if not LEGACY_PDF.exists():
        pytest.skip("shared PDF absent")
    reading = read(LEGACY_PDF.read_bytes(), LEGACY_PDF.name)
    assert reading.media_type == PDF
    assert reading.pages[0].method == "ocr" and (reading.pages[0].confidence or 0) > 0.8
    assert "รัฐธรรมนูญแห่งราชอาณาจักรไทย" in reading.text
    assert "~" not in reading.text
    assert page_quality(reading.text).score > 0.8


# ---------------------------------------------------------------- round trip through LibreOffice


@pytest.fixture(scope="module")
def libreoffice_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The Thai lines written to DOCX with python-docx and converted to PDF by LibreOffice."""
    document = docx.Document()
    for line in LINES:
        run = document.add_paragraph().add_run(line)
        run.font.name, run.font.size = "Loma", Pt(14)
    return docx_to_pdf(document, tmp_path_factory.mktemp("roundtrip"))


@pytest.mark.slow
def test_round_trip_text_layer(libreoffice_pdf: bytes) -> None:
    reading = read(libreoffice_pdf, "minutes.pdf")
    assert all(p.method == "text" for p in reading.pages)
    assert cer(GOOD_THAI, reading.text) == 0.0
    assert reading.text.splitlines()[0] == LINES[0]  # digits in a Latin font stay on their line


@pytest.mark.slow
@needs_tesseract
def test_round_trip_ocr(libreoffice_pdf: bytes) -> None:
    [(text, confidence)] = ocr_pdf_pages(libreoffice_pdf, [1])
    assert cer(GOOD_THAI, tidy(text)) < ROUND_TRIP_OCR_CER
    assert confidence > 0.8


def test_scraps_read_into_blank_areas_are_dropped() -> None:
    noisy = "เห็นชอบแผนการจัง       Haw   we      9%      จหวัดฯ ในพื้นที่\n%      ok     yu   a\nDe W\nและ\n1) การคัดเลือก ZOOM HPP"
    assert without_noise(noisy) == "เห็นชอบแผนการจัง จหวัดฯ ในพื้นที่\nและ\n1) การคัดเลือก ZOOM HPP"

"""OCR with the Tesseract command line (Thai + English), and PDF page rendering with pypdfium2.

The ``tesseract`` binary is run once per page with both ``txt`` (the text, spaced by Tesseract's own
layout analysis) and ``tsv`` (per-word confidences) outputs. Pages run in parallel processes, each
single-threaded (``OMP_THREAD_LIMIT=1``): Tesseract's own threading is slower on small machines.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from PIL import Image

from mati.errors import UnreadableDocument

log = logging.getLogger(__name__)

LANGUAGES = "tha+eng"
PSM = 3  # fully automatic page segmentation without orientation detection: whole pages, columns, tables
DPI = 300  # render resolution for PDF pages; Tesseract is trained on text of about this size
MAX_PIXELS = 60_000_000  # a rendered page is scaled down to stay under this (A4 at 300 dpi is 8.7 MP)
PAGE_TIMEOUT = 180  # seconds of Tesseract per page before the page counts as unreadable
WORKERS = max(1, min(4, os.cpu_count() or 1))
NEEDS = "OCR needs tesseract-ocr and tesseract-ocr-tha (Thai language data) installed"


class OcrUnavailable(UnreadableDocument):
    """Tesseract or its Thai/English language data is not installed."""


_WIDE_GAP = re.compile(r" {3,}")  # text does not space words this far apart; blank page between scraps does
# scraps: up to three non-Thai signs, or one Thai letter (a short Thai word like "และ" is kept)
_SCRAP = re.compile(r"(?:[^\sก-๛]{1,3}|[ก-๛])(?:\s+(?:[^\sก-๛]{1,3}|[ก-๛]))*")


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:] if line.strip())


def tesseract_available() -> bool:
    """True if the ``tesseract`` binary and its Thai and English data are installed."""
    return {"tha", "eng"} <= _languages()


def require_tesseract() -> None:
    """Raise :class:`OcrUnavailable` unless OCR can run."""
    if not tesseract_available():
        missing = "tesseract" if not _languages() else "its Thai or English language data"
        raise OcrUnavailable(f"{NEEDS} (missing: {missing})")


def _confidence(tsv: str) -> float:
    """Mean word confidence in [0, 1], weighted by word length; 0.0 when no word was found."""
    total = weight = 0.0
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        try:
            conf = float(row.get("conf") or -1)
        except ValueError:
            continue
        if word and conf >= 0:
            total += conf * len(word)
            weight += len(word)
    return round(total / weight / 100, 4) if weight else 0.0


def _as_png(image: bytes | Image.Image) -> tuple[bytes, int | None]:
    """PNG bytes of ``image`` (grayscale) and its resolution in dpi when known."""
    if isinstance(image, bytes):
        with Image.open(io.BytesIO(image)) as opened:
            return _as_png(opened)
    dpi = image.info.get("dpi")
    resolution = round(float(dpi[0])) if dpi and dpi[0] and float(dpi[0]) > 1 else None
    if image.mode not in ("L", "1"):
        image = image.convert("L")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), resolution


def ocr_image(image: bytes | Image.Image, dpi: int | None = None) -> tuple[str, float]:
    """OCR one image (encoded bytes or a PIL image): its text and mean word confidence in [0, 1]."""
    require_tesseract()
    png, own_dpi = _as_png(image)
    dpi = dpi or own_dpi
    with tempfile.TemporaryDirectory(prefix="mati-ocr-") as tmp:
        source, base = Path(tmp, "page.png"), Path(tmp, "page")
        source.write_bytes(png)
        command = ["tesseract", str(source), str(base), "-l", LANGUAGES, "--psm", str(PSM)]
        if dpi:
            command += ["--dpi", str(dpi)]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(
                [*command, "txt", "tsv"], capture_output=True, timeout=PAGE_TIMEOUT, env=env, check=False
            )
        except FileNotFoundError as exc:
            raise OcrUnavailable(NEEDS) from exc
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(f"OCR took longer than {PAGE_TIMEOUT} s on one page") from exc
        if done.returncode != 0:
            reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise UnreadableDocument(f"OCR failed: {reason[0]}")
        text = base.with_suffix(".txt").read_text("utf-8", "replace")
        tsv = base.with_suffix(".tsv").read_text("utf-8", "replace")
    return without_noise(text), _confidence(tsv)


def without_noise(text: str) -> str:
    """Drop what Tesseract reads into blank page areas: scraps of 1-3 letters or signs standing apart
    ("%      ok     yu   a"), inside a line or as a whole line; words and Thai stay."""
    lines = []
    for line in text.split("\n"):
        parts = [p for p in _WIDE_GAP.split(line) if p.strip() and not _SCRAP.fullmatch(p.strip())]
        if parts or not line.strip():
            lines.append(" ".join(p.strip() for p in parts))
    return "\n".join(lines)


def render_pdf_pages(data: bytes, page_numbers: Iterable[int], dpi: int = DPI) -> Iterator[Image.Image]:
    """Grayscale images of the given 1-based pages of a PDF, at ``dpi`` (less for huge pages)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for number in page_numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()  # points
                scale = dpi / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (width * height)) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil()
                image.info["dpi"] = (round(scale * 72), round(scale * 72))
            finally:
                page.close()
            yield image
    finally:
        pdf.close()


def _ocr_or_empty(image: Image.Image) -> tuple[str, float]:
    """OCR one page; a page Tesseract fails on reads as empty (missing Tesseract still raises)."""
    try:
        return ocr_image(image)
    except OcrUnavailable:
        raise
    except UnreadableDocument as exc:
        log.warning("OCR of one page failed: %s", exc)
        return "", 0.0


def ocr_images(images: Iterable[Image.Image]) -> list[tuple[str, float]]:
    """OCR images in parallel (a few at a time, so only a few rendered pages are held in memory)."""
    require_tesseract()
    results: list[tuple[str, float]] = []
    batch: list[Image.Image] = []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for image in images:
            batch.append(image)
            if len(batch) == WORKERS:
                results.extend(pool.map(_ocr_or_empty, batch))
                batch = []
        results.extend(pool.map(_ocr_or_empty, batch))
    return results


def ocr_pdf_pages(data: bytes, page_numbers: Sequence[int]) -> list[tuple[str, float]]:
    """Render the given 1-based PDF pages at 300 dpi and OCR them: (text, confidence) per page."""
    require_tesseract()
    return ocr_images(render_pdf_pages(data, page_numbers))

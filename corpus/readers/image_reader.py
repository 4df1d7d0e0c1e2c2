"""Images (PNG, JPEG, TIFF): scanned or photographed pages, read by OCR, one page per image frame."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from mati.config import settings
from mati.errors import ReaderLimitExceeded, UnreadableDocument, UnsupportedType
from mati.record import Page

from .layout import guess_wrapped, page_text
from .ocr import OcrUnavailable, ocr_images
from .reading import Reading, tidy
from .sniff import IMAGE_TYPES

MIN_SIDE = 16  # pixels; smaller images cannot hold a line of text
MAX_PIXELS = 100_000_000  # per frame; an A3 page at 600 dpi is 35 MP


def _frames(image: Image.Image, count: int) -> list[Image.Image]:
    """Every frame of a (multi-page TIFF) image, upright (EXIF orientation applied), in grayscale."""
    frames = []
    for index in range(count):
        image.seek(index)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ReaderLimitExceeded(f"image page {index + 1} has {width}×{height} pixels; too large to read")
        frame = ImageOps.exif_transpose(image).convert("L")
        frame.info["dpi"] = image.info.get("dpi", frame.info.get("dpi"))
        frames.append(frame)
    return frames


def read_image(data: bytes, media_type: str) -> Reading:
    """OCR an image file; a multi-frame TIFF gives one page per frame."""
    what = IMAGE_TYPES.get(media_type, "an image")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ReaderLimitExceeded(f"{what} too large to read: {exc}") from exc
    except Exception as exc:
        raise UnreadableDocument(f"corrupt image: {what} that cannot be decoded ({exc})") from exc
    with image:
        width, height = image.size
        if min(width, height) < MIN_SIDE:
            raise UnsupportedType(f"unsupported file type: {what} of {width}×{height} pixels, too small for text")
        count = getattr(image, "n_frames", 1)
        limit = settings().max_pages
        if count > limit:
            raise ReaderLimitExceeded(f"the image has {count} pages; the limit is {limit}")
        try:
            results = ocr_images(_frames(image, count))
        except OcrUnavailable as exc:
            raise UnreadableDocument(f"{what} can only be read by OCR: {exc}") from exc
    texts = [tidy(text) for text, _ in results]
    pages = [Page(number=number, method="ocr", confidence=conf) for number, (_, conf) in enumerate(results, 1)]
    return Reading(text=page_text([guess_wrapped(t) for t in texts]), media_type=media_type, pages=pages)

"""Tell a document's real type from its bytes; the filename and declared type are only hints."""

from __future__ import annotations

import io
import re
import zipfile

from mati.errors import UnreadableDocument, UnsupportedType

from .reading import DOCX, HTML, PDF, PLAIN

ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
IMAGE_TYPES = {PNG: "a PNG image", JPEG: "a JPEG image", TIFF: "a TIFF image"}

# Images we read by OCR.
_IMAGES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
]

# Binary formats we recognise only to refuse them clearly.
_REFUSED: list[tuple[bytes, str]] = [
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF file (WebP image, audio or video)"),
    (b"\x00\x00\x01\x00", "an icon image"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls); save it as DOCX or PDF"),
    (b"{\\rtf", "an RTF document; save it as DOCX or PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh91AY&SY", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"%!PS", "a PostScript file"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an Ogg media file"),
    (b"ID3\x03", "an MP3 audio file"),
    (b"ID3\x04", "an MP3 audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska/WebM video"),
]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ZIP_KINDS: list[tuple[str, str]] = [
    ("xl/workbook.xml", "an Excel spreadsheet (XLSX)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (PPTX)"),
    ("content.xml", "an OpenDocument file (ODT/ODS); save it as DOCX or PDF"),
]
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(
    r"<(?:html|head|body|title|meta|div|p|table|article|main|section|br|h[1-6]|ul|ol|li|span|a)\b[^>]*>", re.I
)


def sniff_binary(data: bytes) -> str | None:
    """PDF, ZIP, an image type (PNG/JPEG/TIFF, read by OCR), or None for possibly-text bytes.

    Raises UnsupportedType for other known non-document formats.
    """
    if b"%PDF-" in data[:1024]:
        return PDF
    for magic, kind in _IMAGES:
        if data.startswith(magic):
            return kind
    if data.startswith(_ZIP_MAGIC):
        return ZIP
    if data.startswith(b"MZ") and b"\x00" in data[2:64]:
        raise UnsupportedType("unsupported file type: a Windows executable")
    if data[4:8] == b"ftyp":
        raise UnsupportedType("unsupported file type: an MP4/HEIC media file")
    for magic, what in _REFUSED:
        if data.startswith(magic):
            raise UnsupportedType(f"unsupported file type: {what}")
    return None


def zip_kind(data: bytes) -> tuple[str, zipfile.ZipFile]:
    """Open a ZIP, check it is a DOCX: UnsupportedType for other archives, UnreadableDocument if corrupt."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableDocument(f"corrupt or truncated ZIP/DOCX file: {exc}") from exc
    if "word/document.xml" in names:
        return DOCX, archive
    for marker, what in _ZIP_KINDS:
        if marker in names:
            raise UnsupportedType(f"unsupported file type: {what}")
    raise UnsupportedType("unsupported file type: a ZIP archive that is not a DOCX document")


def looks_like_html(text: str, hint: str = "") -> bool:
    """Markup sniffing: a document that starts like HTML, or carries tags and is declared HTML."""
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    tags = len(_HTML_TAG.findall(head))
    if hint == HTML:
        return tags >= 1
    return head.lstrip().startswith("<") and tags >= 3


_EXTENSIONS = {
    "txt": PLAIN,
    "text": PLAIN,
    "htm": HTML,
    "html": HTML,
    "xhtml": HTML,
    "pdf": PDF,
    "docx": DOCX,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "tif": TIFF,
    "tiff": TIFF,
}


def hinted_type(filename: str, media_type: str | None) -> str:
    """The type the caller claims (from the declared media type, else the extension)."""
    declared = (media_type or "").split(";")[0].strip().lower()
    if declared in (PLAIN, HTML, PDF, DOCX, *IMAGE_TYPES):
        return declared
    if declared == "application/xhtml+xml":
        return HTML
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    return _EXTENSIONS.get(ext, "")

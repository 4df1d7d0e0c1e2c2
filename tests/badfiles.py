"""Generate test inputs, good and bad, as bytes or files in a temporary directory (no binaries committed).

``minimal_pdf`` hand-writes a valid PDF with a Helvetica (ASCII) text layer; the rest build the inputs a
reader must refuse cleanly: empty, whitespace, random bytes, truncated/encrypted PDF, truncated DOCX,
zip bomb, PNG named .pdf, executable, a ZIP that is not a DOCX.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import docx


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def minimal_pdf(pages: list[list[str]], *, title: str | None = None, encrypted: bool = False) -> bytes:
    """A valid PDF, one page per item of ``pages``, each a list of ASCII lines in Helvetica.

    ``encrypted`` adds a Standard security handler whose user password is not empty, as a
    password-protected file looks to a reader that has no password.
    """
    objects: list[bytes] = []  # object i+1

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # filled in below
    pages_obj = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
        ops += [f"{_pdf_string(line)} Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(f"<< /Title {_pdf_string(title)} /Producer (badfiles) >>") if title else None
    encrypt = None
    if encrypted:
        rng = random.Random(7)
        o, u = rng.randbytes(32).hex(), rng.randbytes(32).hex()
        encrypt = add(f"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{o}> /U <{u}> /P -44 >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R"
    if info:
        trailer += f" /Info {info} 0 R"
    if encrypt:
        trailer += f" /Encrypt {encrypt} 0 R /ID [<{'ab' * 16}> <{'ab' * 16}>]"
    out.write(f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def truncated_pdf() -> bytes:
    """A PDF cut off before its page tree and cross-reference table."""
    data = minimal_pdf([["Meeting minutes", "1. Approved the budget"]] * 3)
    return data[: data.index(b"3 0 obj")]


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def elf_bytes() -> bytes:
    """The start of an ELF executable."""
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)


def random_bytes(n: int = 4096, seed: int = 1234) -> bytes:
    """Deterministic noise that matches no file signature."""
    data = random.Random(seed).randbytes(n)
    return b"\x00\x13" + data  # a fixed start no format's magic begins with


def docx_bytes(paragraphs: list[str] | None = None) -> bytes:
    """A small real DOCX made with python-docx."""
    document = docx.Document()
    for text in paragraphs or ["รายงานการประชุมคณะกรรมการ ครั้งที่ 1/2567", "ที่ประชุมมีมติเห็นชอบ"]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def truncated_docx() -> bytes:
    """A DOCX cut in half: no central directory."""
    data = docx_bytes()
    return data[: len(data) // 2]


def zip_not_docx() -> bytes:
    """A ZIP archive holding a CSV and a readme."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", "วันที่,เรื่อง\n2567-01-01,ประชุม\n")
        archive.writestr("readme.txt", "not a word document")
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def write_zip_bomb_docx(path: Path, unpacked_mb: int = 24) -> Path:
    """A DOCX whose word/document.xml inflates to ``unpacked_mb`` MB of empty paragraphs (file ~ tens of KB).

    Written in streaming fashion, never holding the inflated document in memory.
    """
    chunk = b"<w:p/>" * (1 << 16)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?><w:document '
                b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            written = 0
            while written < unpacked_mb * 2**20:
                member.write(chunk)
                written += len(chunk)
            member.write(b"</w:body></w:document>")
    return path


def generate(directory: Path) -> dict[str, Path]:
    """Write the whole bad-input corpus into ``directory``; names carry the (possibly lying) extension."""
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "whitespace.txt": b" \n\t  \r\n   \n",
        "bom-whitespace.txt": b"\xef\xbb\xbf  \n\n ",
        "random.bin": random_bytes(),
        "random.txt": random_bytes(seed=99),
        "truncated.pdf": truncated_pdf(),
        "encrypted.pdf": minimal_pdf([["Secret minutes"]], encrypted=True),
        "blank-pages.pdf": minimal_pdf([[], []]),
        "truncated.docx": truncated_docx(),
        "image.pdf": png_bytes(),
        "program.docx": elf_bytes(),
        "archive.docx": zip_not_docx(),
        "legacy.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = directory / name
        paths[name].write_bytes(data)
    paths["bomb.docx"] = write_zip_bomb_docx(directory / "bomb.docx")
    return paths

"""Benchmark: how well the PDF reader reads the real Thai PDFs, before and after repair and OCR.

    PYTHAINLP_OFFLINE=1 python bench/read_pdfs.py [PDF ...]

For each PDF (default: the three in ../shared/data/pdf): the share of Thai characters in dictionary
words (newmm + PyThaiNLP's word list) of the raw pdfplumber text layer and of ``corpus.readers.read``
(Thai repair, OCR of empty or junk pages), the pages OCR'd, and seconds per page; a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from corpus.readers import read  # noqa: E402
from corpus.readers.quality import thai_dict_rate  # noqa: E402

PDF_DIR = ROOT.parent / "shared" / "data" / "pdf"
DEFAULT_PDFS = [
    PDF_DIR / "cdc-draft-constitution-2558-word.pdf",
    PDF_DIR / "cdc-2558-legacy-font-capture.pdf",
    PDF_DIR / "house-bill-2563-scan.pdf",
]


def raw_text(path: Path) -> tuple[str, int, float]:
    """The plain pdfplumber text layer, the page count and seconds per page."""
    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    return "\n".join(texts), len(texts), (time.perf_counter() - started) / max(1, len(texts))


def row(path: Path) -> str:
    """One markdown table row for ``path``."""
    raw, pages, raw_seconds = raw_text(path)
    started = time.perf_counter()
    reading = read(path.read_bytes(), path.name)
    seconds = (time.perf_counter() - started) / max(1, pages)
    ocr = sum(page.method == "ocr" for page in reading.pages)
    cells = [
        path.name,
        str(pages),
        f"{thai_dict_rate(raw):.1%}",
        f"{thai_dict_rate(reading.text):.1%}",
        str(ocr),
        f"{raw_seconds:.3f}",
        f"{seconds:.3f}",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT_PDFS)
    args = parser.parse_args()
    read("ประชุม".encode())  # load the dictionary and tokenizer outside the timings
    thai_dict_rate("ประชุม")
    print("| file | pages | dict share, raw | dict share, read | pages OCR'd | s/page raw | s/page read |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in args.pdfs:
        if not path.exists():
            print(f"| {path.name} | absent | | | | | |")
            continue
        print(row(path), flush=True)


if __name__ == "__main__":
    main()

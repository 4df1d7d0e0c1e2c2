"""Benchmark: extraction scores of the same gold documents as text, DOCX, PDF and scan.

    python bench/formats.py [--gold ../shared/eval/dev] [--formats txt,docx,pdf,scan]

Each gold text is written to DOCX (python-docx, one paragraph per line), converted to PDF by
LibreOffice headless (a Thai font from fonts-thai-tlwg), and the PDF rendered at 200 dpi to a
multi-page TIFF "scan"; the shared scorer then runs on each variant and the summary lines are
printed side by side. Needs soffice and tesseract on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
MATI = ROOT / ".venv" / "bin" / "mati"


def to_docx(text: str, out: Path) -> None:
    document = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(str(out))


def to_pdf(docx_path: Path, folder: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    return folder / (docx_path.stem + ".pdf")


def to_scan(pdf_path: Path, out: Path) -> None:
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    images = [page.render(scale=200 / 72, grayscale=True).to_pil() for page in pdf]
    images[0].save(str(out), save_all=True, append_images=images[1:], compression="tiff_deflate")


def score(folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(folder), "--cmd", f"{MATI} extract {{path}} --format json"],
        capture_output=True, text=True, timeout=1800,
    )
    lines = done.stdout.strip().splitlines()
    return "\n".join(ln for ln in lines if ln.startswith(("agencies", "resolutions", "deadlines", "actions",
                                                           "documents")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    ap.add_argument("--formats", default="txt,docx,pdf,scan")
    args = ap.parse_args()
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folders = {f: base / f for f in formats}
        for folder in folders.values():
            folder.mkdir()
        for gold in sorted(args.gold.glob("*.gold.json")):
            stem = gold.name.removesuffix(".gold.json")
            source = next(p for p in args.gold.glob(stem + ".*") if p != gold)
            text = source.read_text(encoding="utf-8")
            work = base / "work" / stem
            work.mkdir(parents=True)
            to_docx(text, work / f"{stem}.docx")
            pdf = to_pdf(work / f"{stem}.docx", work)
            made = {"txt": source, "docx": work / f"{stem}.docx", "pdf": pdf}
            if "scan" in formats:
                to_scan(pdf, work / f"{stem}.tiff")
                made["scan"] = work / f"{stem}.tiff"
            for f, folder in folders.items():
                shutil.copy(made[f], folder / made[f].name)
                shutil.copy(gold, folder / gold.name)
        for f, folder in folders.items():
            print(f"## {f}\n{score(folder)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

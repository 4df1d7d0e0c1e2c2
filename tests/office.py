"""Make real office documents for tests: DOCX with python-docx, PDF through LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest


def docx_to_pdf(document: docx.document.Document, folder: Path, name: str = "minutes") -> bytes:
    """Save ``document`` in ``folder`` and return the PDF LibreOffice makes of it (skip the test without it)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed")
    document.save(folder / f"{name}.docx")
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    convert = ["--convert-to", "pdf", "--outdir", str(folder), str(folder / f"{name}.docx")]
    subprocess.run([soffice, "--headless", "--norestore", profile, *convert], check=True, capture_output=True,
                   timeout=180)
    return (folder / f"{name}.pdf").read_bytes()

"""The ``mati`` command line: extract, ingest, search."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mati.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "documents"
MINUTES = """การประชุมคณะกรรมการพัฒนาระบบราชการ ครั้งที่ 5/2566
เมื่อวันศุกร์ที่ 8 กันยายน 2566 เวลา 10.00 น. ณ ห้องประชุม 501 โดยมี นายทดสอบ ระบบดี เป็นประธาน
ที่ประชุมมีมติ ดังนี้
1. เห็นชอบแนวทางการถอดบทเรียนการบริหารจัดการภาครัฐ และมอบหมายให้ สำนักงาน ก.พ.ร. จัดทำรายงานสรุป ภายในเดือนธันวาคม 2566
2. รับทราบผลการดำเนินงานของกระทรวงมหาดไทย
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MATI_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)  # a failure report lands here, not in the checkout
    return CliRunner()


@pytest.fixture
def minutes(tmp_path: Path) -> Path:
    path = tmp_path / "minutes-5-2566.txt"
    path.write_text(MINUTES, encoding="utf-8")
    return path


def test_extract_json_is_the_record(runner: CliRunner, minutes: Path) -> None:
    result = runner.invoke(main, ["extract", str(minutes), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert set(record) >= {"document", "meeting", "resolutions", "agencies", "deadlines", "actions"}
    assert record["meeting"]["session"] == "5/2566"
    assert record["meeting"]["date"] == "2023-09-08"
    assert [r["kind"] for r in record["resolutions"]] == ["approve", "acknowledge"]
    assert {"end": "2023-12-31", "start": "2023-12-01"}.items() <= record["deadlines"][0].items()
    text = record["document"]["text"]
    for action in record["actions"]:
        s, e = action["span"]
        assert action["task"] in text[s:e] or text[s:e].endswith(action["task"])


def test_extract_text_is_a_thai_summary(runner: CliRunner, minutes: Path) -> None:
    result = runner.invoke(main, ["extract", str(minutes), "--format", "text"])
    assert result.exit_code == 0
    assert "ครั้งที่: 5/2566" in result.stdout
    assert "[approve]" in result.stdout


def test_extract_empty_file_fails_clearly(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["extract", str(empty)])
    assert result.exit_code == 3
    assert "empty" in result.stderr.lower()


def test_ingest_skips_duplicates_reports_failures_and_search_finds(
    runner: CliRunner, minutes: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(minutes, folder / "sub" / minutes.name)
    shutil.copy(minutes, folder / "copy-of-the-same-bytes.txt")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    first = runner.invoke(main, ["ingest", "--quiet", str(folder)])
    assert first.exit_code == 1  # one file failed, the others went in
    assert "broken.pdf" in first.stderr
    assert "stored 1, already present 1, failed 1" in first.stderr
    again = runner.invoke(main, ["ingest", "--quiet", str(folder / "sub")])
    assert again.exit_code == 0
    assert "stored 0, already present 1, failed 0" in again.stderr

    found = runner.invoke(main, ["search", "ถอดบทเรียน"])
    assert found.exit_code == 0
    assert "ถอดบทเรียน" in found.stdout and "5/2566" in found.stdout
    filtered = runner.invoke(main, ["search", "ถอดบทเรียน", "--kind", "acknowledge"])
    assert "ถอดบทเรียน" not in filtered.stdout
    by_agency = runner.invoke(main, ["search", "ถอดบทเรียน", "--agency", "สำนักงานคณะกรรมการพัฒนาระบบราชการ"])
    assert "ถอดบทเรียน" in by_agency.stdout
    too_late = runner.invoke(main, ["search", "ถอดบทเรียน", "--from", "2024-01-01"])
    assert "ถอดบทเรียน" not in too_late.stdout

    shutil.rmtree(tmp_path / "cli.db.index")  # the search index is derived: rebuilt from the database
    rebuilt = runner.invoke(main, ["reindex"])
    assert rebuilt.exit_code == 0 and "indexed 2 resolution(s)" in rebuilt.stderr
    assert "ถอดบทเรียน" in runner.invoke(main, ["search", "ถอดบทเรียน"]).stdout


def test_console_script_runs_on_a_sample() -> None:
    mati = Path(sys.executable).parent / "mati"
    if not mati.exists():
        pytest.skip("console script not installed")
    sample = SAMPLES / "opdc-subcommittee-2563-02.txt"
    done = subprocess.run([str(mati), "extract", str(sample)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["meeting"]["session"] == "2/2563"

"""Isolated processing and batch ingest: time and memory limits, dying workers, parallel folders of
good and bad files with a failure report, duplicates skipped before processing, kill -9/Ctrl-C and resume."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# every worker running `fake` imports this module: the store, the CLI and their SQLAlchemy, Alembic
# and click are imported inside the tests that need them, so that a worker starts in ~0.1 s
from corpus.worker import Workers
from mati.errors import ProcessingLimit, ProcessingTimeout, UnreadableDocument, WorkerFailed
from mati.record import Document, Record

try:
    from tests import badfiles
except ImportError:  # tests/ is not a package: pytest put it on sys.path
    import badfiles  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
AGENCIES = ["กระทรวงมหาดไทย", "สำนักงาน ก.พ.ร.", "กรมการปกครอง", "กระทรวงการคลัง"]


def fake(data: bytes, name: str, media_type: str | None) -> Record:
    """A stand-in for the pipeline (run in the worker) that misbehaves as its document's name says."""
    action = name.split(".")[0]
    if action == "slow":
        time.sleep(60)
    elif action == "nap":
        time.sleep(0.2)
    elif action in ("hog", "hog-wrapped"):
        try:
            bytearray(2 << 30)
        except MemoryError as e:
            if action == "hog":
                raise
            raise UnreadableDocument("document too large to read in memory") from e  # as the readers do
    elif action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "segfault":
        ctypes.string_at(0)
    elif action == "bug":
        raise ValueError("a bug")
    elif action == "bad":
        raise UnreadableDocument("corrupt minutes")
    doc = Document(id=hashlib.sha256(data).hexdigest(), source_name=f"{name}@{os.getpid()}",
                   media_type="text/plain", text=data.decode(errors="replace") or "-")
    return Record(document=doc)


def pid_of(record: Record) -> int:
    return int(record.document.source_name.rsplit("@", 1)[1])


def minutes(i: int) -> str:
    """A Thai meeting minutes text with 2-6 resolutions, different for every ``i``."""
    lines = [
        f"การประชุมคณะกรรมการพัฒนาระบบราชการ ครั้งที่ {i % 12 + 1}/2566",
        f"เมื่อวันศุกร์ที่ {i % 27 + 1} กันยายน 2566 เวลา 10.00 น. ณ ห้องประชุม {500 + i} โดยมี นายทดสอบ ระบบดี เป็นประธาน",
        "ที่ประชุมมีมติ ดังนี้",
    ]
    for k in range(1, 3 + i % 5):
        lines.append(f"{k}. เห็นชอบแนวทางการดำเนินงานเรื่องที่ {i}-{k} และมอบหมายให้ {AGENCIES[(i + k) % 4]} "
                     "จัดทำรายงานสรุป ภายในเดือนธันวาคม 2566")
    return "\n".join(lines) + "\n"


def write_minutes(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"minutes-{i:03d}.txt" for i in range(n)]
    for i, path in enumerate(paths):
        path.write_text(minutes(i), encoding="utf-8")
    return paths


@pytest.fixture
def workers() -> Iterator[Callable[..., Workers]]:
    """Make Workers running ``fake``; all closed after the test."""
    made: list[Workers] = []

    def make(n: int = 1, **kwargs: object) -> Workers:
        made.append(Workers(n, function=fake, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for w in made:
        w.close()


def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


# --- one document, isolated ------------------------------------------------------------------


def test_a_slow_document_times_out_and_its_worker_is_killed_and_replaced(workers: Callable[..., Workers]) -> None:
    w = workers(timeout=0.5)
    before = pid_of(w.submit(b"first", "ok").result())
    started = time.monotonic()
    with pytest.raises(ProcessingTimeout, match=r"took longer than 0\.5 s") as e:
        w.submit(b"second", "slow.txt").result()
    assert time.monotonic() - started < 5
    assert e.value.status == 422 and isinstance(e.value, UnreadableDocument)
    assert gone(before)
    assert pid_of(w.submit(b"third", "ok").result()) != before


@pytest.mark.parametrize("name", ["hog", "hog-wrapped"])
def test_a_document_needing_too_much_memory_fails_and_the_worker_is_replaced(
    workers: Callable[..., Workers], name: str
) -> None:
    w = workers(memory_mb=400)
    before = pid_of(w.submit(b"first", "ok").result())
    with pytest.raises(ProcessingLimit, match="needed more than 400 MB") as e:
        w.submit(b"second", name).result()
    assert e.value.status == 422
    assert pid_of(w.submit(b"third", "ok").result()) != before


@pytest.mark.parametrize(("name", "signal_name"), [("kill", "SIGKILL"), ("segfault", "SIGSEGV")])
def test_a_worker_dying_mid_document_is_an_error_not_a_crash(
    workers: Callable[..., Workers], name: str, signal_name: str
) -> None:
    w = workers()
    with pytest.raises(WorkerFailed, match=signal_name):
        w.submit(b"doc", name).result()
    assert w.submit(b"next", "ok").result().document.text == "next"


def test_errors_of_the_processing_come_back_as_mati_errors(workers: Callable[..., Workers]) -> None:
    w = workers()
    with pytest.raises(UnreadableDocument, match=r"^corrupt minutes$"):
        w.submit(b"doc", "bad").result()
    with pytest.raises(WorkerFailed, match="ValueError: a bug"):
        w.submit(b"doc", "bug").result()


def test_a_worker_killed_while_idle_is_replaced(workers: Callable[..., Workers]) -> None:
    w = workers()
    pid = pid_of(w.submit(b"first", "ok").result())
    os.kill(pid, signal.SIGKILL)
    assert gone(pid)
    time.sleep(0.2)  # the fork server reports the exit status
    assert pid_of(w.submit(b"second", "ok").result()) != pid


def test_map_spreads_documents_over_the_workers_and_returns_errors(
    workers: Callable[..., Workers], tmp_path: Path
) -> None:
    w = workers(2)
    (tmp_path / "nap.txt").write_bytes(b"from a file")
    tasks = [(b"nap %d" % i, "nap", None) for i in range(6)] + [(b"x", "bad", None), (tmp_path / "nap.txt", "nap", None)]
    results = dict(w.map(tasks))
    assert set(results) == set(tasks)
    assert isinstance(results[(b"x", "bad", None)], UnreadableDocument)
    records = [r for r in results.values() if isinstance(r, Record)]
    assert len(records) == 7 and len({pid_of(r) for r in records}) == 2
    assert results[(tmp_path / "nap.txt", "nap", None)].document.text == "from a file"  # type: ignore[union-attr]


# --- batch ingest ----------------------------------------------------------------------------


def test_duplicates_are_skipped_before_reaching_a_worker(workers: Callable[..., Workers], tmp_path: Path,
                                                         corpus_db_url: str) -> None:
    from corpus.ingest import file_id, ingest_files
    from corpus.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"same bytes")
    (folder / "kill.txt").write_bytes(b"same bytes")  # would kill its worker if processed
    (folder / "bad.txt").write_bytes(b"stored before")  # would fail if processed
    with Store(corpus_db_url) as store:
        store.add(fake(b"stored before", "earlier.txt", None))
        assert file_id(folder / "bad.txt") == hashlib.sha256(b"stored before").hexdigest()
        outcomes = list(ingest_files(store, sorted(folder.iterdir()), workers(2)))
        assert {o.path.name: o.status for o in outcomes} == {"a.txt": "stored", "bad.txt": "present",
                                                             "kill.txt": "present"}
        assert store.documents().total == 2


def test_parallel_ingest_of_good_and_bad_files_counts_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from mati.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    bad = badfiles.generate(folder)
    good = write_minutes(folder / "good", 3)
    (folder / "good" / "copy.txt").write_bytes(good[0].read_bytes())
    monkeypatch.setenv("MATI_DATABASE_URL", f"sqlite:///{tmp_path}/ingest.db")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    first = runner.invoke(main, ["ingest", "--quiet", "--workers", "2", str(folder)])
    assert first.exit_code == 1, first.output
    assert f"stored 3, already present 1, failed {len(bad)}" in first.stderr
    report = tmp_path / "mati-ingest-failures.jsonl"
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(x["path"]).name for x in lines) == sorted(bad)
    assert all(x["error"] and x["message"] for x in lines)

    again = runner.invoke(main, ["ingest", "--quiet", "--workers", "2", "--report", "again.jsonl", str(folder)])
    assert again.exit_code == 1
    assert f"stored 0, already present 4, failed {len(bad)}" in again.stderr
    assert len((tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()) == len(bad)

    clean = runner.invoke(main, ["ingest", "--quiet", "--report", "none.jsonl", str(folder / "good")])
    assert clean.exit_code == 0 and "stored 0, already present 4, failed 0" in clean.stderr
    assert not (tmp_path / "none.jsonl").exists()


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet


def _processes_with(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


RESUMED_FILES = 120  # enough that a busy machine's polling still stops each run mid-way


def test_an_interrupted_ingest_resumes_without_losing_or_duplicating(tmp_path: Path) -> None:
    """kill -9 mid-way, then Ctrl-C mid-way, then a run to the end: every document stored exactly once."""
    from corpus.ingest import file_id

    files = write_minutes(tmp_path / "in", RESUMED_FILES)
    db = tmp_path / "resume.db"
    marker = uuid.uuid4().hex
    env = {**os.environ, "MATI_DATABASE_URL": f"sqlite:///{db}", "PYTHAINLP_OFFLINE": "1",
           "PYTHONPATH": str(ROOT), "MATI_TEST_RUN": marker}
    command = [sys.executable, "-m", "mati.cli", "ingest", "--quiet", "--workers", "2", str(tmp_path / "in")]

    def interrupt(sig: signal.Signals, after: int) -> tuple[int, str]:
        run = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while _stored(db) < after and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        run.send_signal(sig)
        _, stderr = run.communicate(timeout=30)
        assert _stored(db) < RESUMED_FILES, "the run should have been stopped mid-way"
        return run.returncode, stderr

    code, _ = interrupt(signal.SIGKILL, after=3)
    assert code == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while _processes_with(f"MATI_TEST_RUN={marker}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _processes_with(f"MATI_TEST_RUN={marker}"), "worker processes outlived the ingest"
    killed = _stored(db)

    code, stderr = interrupt(signal.SIGINT, after=killed + 3)
    assert code == 130, stderr
    interrupted = _stored(db)
    assert f"interrupted: stored {interrupted - killed}, already present {killed}," in stderr

    rerun = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"stored {RESUMED_FILES - interrupted}, already present {interrupted}, failed 0" in rerun.stderr
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM documents")]
        per_doc = dict(conn.execute("SELECT document_id, count(*) FROM resolutions GROUP BY document_id").fetchall())
        records = [json.loads(row[0]) for row in conn.execute("SELECT record_json FROM documents")]
    assert sorted(ids) == sorted(file_id(f) for f in files)
    assert all(per_doc[r["document"]["id"]] == len(r["resolutions"]) > 0 for r in records)
    # the search index (committed in groups, so the kill left it behind) has caught up: each resolution once
    from corpus.store import Store

    with Store(f"sqlite:///{db}") as store:
        assert store.index is not None and len(store.index) == sum(per_doc.values())
        assert len(store.index.ids()) == len(store.index)  # no resolution indexed twice

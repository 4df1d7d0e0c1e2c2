"""Shared fixtures. Storage/search/API fixtures are prefixed ``corpus_`` and ``api_``."""

from __future__ import annotations

import datetime as dt
import glob
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mati.record import Action, Agency, Document, Kind, Meeting, Named, Record, Resolution

if TYPE_CHECKING:
    from corpus.store import Store

# --- a tiny agency registry (tests never depend on nlp/data/agencies.jsonl) ------------

CORPUS_AGENCIES = [
    {"id": "moi", "name": "กระทรวงมหาดไทย", "kind": "ministry", "abbreviation": "มท."},
    {
        "id": "moi-ops",
        "name": "สำนักงานปลัดกระทรวงมหาดไทย",
        "kind": "office",
        "abbreviation": "สป.มท.",
        "parent": "moi",
    },
    {"id": "dopa", "name": "กรมการปกครอง", "kind": "department", "abbreviation": "ปค.", "parent": "moi"},
    {
        "id": "opdc",
        "name": "สำนักงานคณะกรรมการพัฒนาระบบราชการ",
        "kind": "office",
        "abbreviation": "สำนักงาน ก.พ.ร.",
        "aliases": ["ก.พ.ร."],
    },
]


def _clear_registry_caches() -> None:
    import nlp.registry

    nlp.registry.registry.cache_clear()
    agencies = sys.modules.get("nlp.agencies")
    if agencies is not None and hasattr(agencies, "_automaton"):
        agencies._automaton.cache_clear()


_TINY_DICTIONARY: list[object] = []


def _tiny_dictionary() -> object:
    """The tokeniser dictionary for the tiny registry, built once per test session (~1.5 s)."""
    return _TINY_DICTIONARY[0]


@pytest.fixture
def corpus_registry(tmp_path: Path) -> Iterator[Path]:
    """Point ``nlp.registry`` (and the tokeniser's dictionary) at a four-entry registry in tmp_path."""
    import nlp.registry
    import nlp.tokenize

    path = tmp_path / "agencies.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in CORPUS_AGENCIES), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setattr(nlp.registry, "DATA", path)
    _clear_registry_caches()
    if not _TINY_DICTIONARY:
        _TINY_DICTIONARY.append(nlp.tokenize.dictionary.__wrapped__())  # uncached: uses the tiny registry
    mp.setattr(nlp.tokenize, "dictionary", _tiny_dictionary)
    try:
        yield path
    finally:
        mp.undo()
        _clear_registry_caches()


# --- records built by hand --------------------------------------------------------------

_AGENCY = {a["id"]: a for a in CORPUS_AGENCIES} | {
    "local-center": {"id": "local-center", "name": "ศูนย์ปฏิบัติการพิเศษจังหวัด", "kind": "other"}
}


def corpus_record(
    doc_id: str,
    resolutions: list[tuple[str, Kind, str, list[str]]],
    *,
    date: dt.date | None = None,
    body: tuple[str, str | None, str | None] | None = None,
    session: str | None = None,
    actions: Sequence[tuple[str, str, str, dt.date | None]] = (),
) -> Record:
    """A Record whose text is its resolutions one per line; spans point into that text.

    ``resolutions``: (number, kind, text, agency ids); ``actions``: (resolution number,
    agency id, task, due); ``body``: (name, abbreviation, agency id).
    """
    lines, spans, at = [], [], 0
    for number, _, text, _ in resolutions:
        line = f"{number}. {text}"
        spans.append((at, at + len(line)))
        lines.append(line)
        at += len(line) + 1
    doc_text = "\n".join(lines)
    agency_ids = list(dict.fromkeys(a for *_, ids in resolutions for a in ids))
    agencies = []
    for agency_id in agency_ids:
        info = _AGENCY[agency_id]
        form = info.get("abbreviation") or info["name"]
        found = [(i, i + len(form)) for i in range(len(doc_text)) if doc_text.startswith(form, i)]
        agencies.append(
            Agency(
                id=agency_id,
                name=info["name"],
                abbreviation=info.get("abbreviation"),
                parent=info.get("parent"),
                mentions=found or [(0, 1)],
            )
        )
    return Record(
        document=Document(id=doc_id, source_name=f"{doc_id[:8]}.txt", media_type="text/plain", text=doc_text),
        meeting=Meeting(
            date=date,
            session=session,
            body=Named(name=body[0], abbreviation=body[1], agency=body[2]) if body else None,
        ),
        resolutions=[
            Resolution(number=n, kind=k, text=f"{n}. {t}", span=s, agencies=ids)
            for (n, k, t, ids), s in zip(resolutions, spans, strict=True)
        ],
        agencies=agencies,
        actions=[
            Action(
                agency=_AGENCY[a].get("abbreviation") or _AGENCY[a]["name"],
                agency_id=a,
                task=task,
                due=due,
                resolution=n,
                span=(0, 1),
            )
            for n, a, task, due in actions
        ],
    )


@pytest.fixture
def corpus_make_record() -> Callable[..., Record]:
    """The ``corpus_record`` builder, for tests that need records of their own."""
    return corpus_record


@pytest.fixture
def corpus_records() -> list[Record]:
    """Three meetings: 2020 (two resolutions), 2021 (two), and one without a date."""
    a = corpus_record(
        "a" * 64,
        [
            (
                "1",
                Kind.approve,
                "เห็นชอบแผนการถอดบทเรียนการบริหารงบประมาณ และมอบหมายให้ สป.มท. ดำเนินการภายในเดือนพฤษภาคม ๒๕๖๓",
                ["moi-ops"],
            ),
            ("2", Kind.acknowledge, "รับทราบรายงานผลการเบิกจ่ายงบประมาณประจำปี 2563 ของกรมการปกครอง", ["dopa"]),
        ],
        date=dt.date(2020, 3, 17),
        body=("คณะกรรมการพัฒนาระบบราชการ", "ก.พ.ร.", "opdc"),
        session="2/2563",
        actions=[
            ("1", "moi-ops", "ถอดบทเรียนการบริหารงบประมาณ", dt.date(2020, 5, 31)),
            ("2", "dopa", "รายงานผลการเบิกจ่าย", dt.date(2020, 6, 30)),
        ],
    )
    b = corpus_record(
        "b" * 64,
        [
            ("1", Kind.assign, "มอบหมายให้สำนักงาน ก.พ.ร. ถอดบทเรียนการทำงานจากที่บ้าน", ["opdc"]),
            ("2", Kind.reject, "ไม่เห็นชอบข้อเสนอการขยายระยะเวลาโครงการ <ทดลอง> & อื่น ๆ", []),
        ],
        date=dt.date(2021, 6, 1),
        body=("คณะอนุกรรมการด้านการบริหารงานบุคคล", "อ.ก.พ.", None),
        session="1/2564",
        actions=[("1", "opdc", "ถอดบทเรียนการทำงานจากที่บ้าน", dt.date(2021, 9, 30))],
    )
    c = corpus_record(
        "c" * 64,
        [("1", Kind.other, "ที่ประชุมขอให้ศูนย์ปฏิบัติการพิเศษจังหวัดรายงานสถานการณ์น้ำ", ["local-center"])],
        actions=[("1", "local-center", "รายงานสถานการณ์น้ำ", None)],
    )
    return [a, b, c]


@pytest.fixture
def corpus_db_url(tmp_path: Path, pg_backend: str, request: pytest.FixtureRequest) -> str:
    """The store's database: a SQLite file under tmp_path (never the user's data directory), or a
    fresh database on the throw-away PostgreSQL server (``pg_backend`` parametrises every test using it).
    """
    if pg_backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'db' / 'mati.db'}"


# --- both backends: every store test runs on SQLite and on a throw-away PostgreSQL --------

PG_BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a store test about SQLite itself (not run on PostgreSQL)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``pg_backend`` (hence ``corpus_db_url``, ``corpus_store``…) over both backends."""
    if "pg_backend" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("pg_backend", ["sqlite"] if sqlite_only else list(PG_BACKENDS), indirect=True)


@pytest.fixture
def pg_backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql`` (set by ``pytest_generate_tests``)."""
    return str(getattr(request, "param", "sqlite"))


def pg_binaries() -> Path | None:
    """The newest Debian PostgreSQL bin directory with initdb and pg_ctl, if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A PostgreSQL cluster in a temporary directory: 127.0.0.1 only, unix socket in the directory."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="mati-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "mati"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self._as = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self._ids = itertools.count()

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        name = f"mati_test_{next(self._ids)}"
        self.execute(f"CREATE DATABASE {name}")
        return name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throw-away PostgreSQL server for the session (skips when the Debian binaries are absent)."""
    bindir = pg_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql postgresql-15-rum)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed (pip install 'psycopg[binary]')")
    server = PgServer(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on ``pg_server`` (dropped afterwards)."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def corpus_store(corpus_registry: Path, corpus_db_url: str) -> Iterator[Store]:
    """An empty Store on a tmp SQLite file, with the tiny registry."""
    from corpus.store import Store

    store = Store(corpus_db_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def corpus_filled(corpus_store: Store, corpus_records: list[Record]) -> Store:
    """The store holding ``corpus_records``."""
    for r in corpus_records:
        corpus_store.add(r)
    return corpus_store


# --- a real HTTP server -----------------------------------------------------------------


@pytest.fixture
def api_serve() -> Iterator[Callable[..., str]]:
    """Start ``create_app(**kwargs)`` under uvicorn on 127.0.0.1 (free port); returns the base URL."""
    import uvicorn

    from api.app import create_app

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def serve(**kwargs: object) -> str:
        app = create_app(**kwargs)  # type: ignore[arg-type]
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        running.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)

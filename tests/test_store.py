"""corpus.store: storing records once, atomically, and reading them back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

import corpus.store as store_module
from corpus import tables
from corpus.store import Store
from mati.record import Record

TABLES = (
    "documents",
    "resolutions",
    "resolution_agencies",
    "document_agencies",
    "actions",
)


def _counts(store: Store) -> dict[str, int]:
    """Rows per table, and the resolutions in the full-text index as ``index``."""
    with store.engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
        if store.index is not None:
            counts["index"] = len(store.index)
        else:
            counts["index"] = conn.execute(text("SELECT count(*) FROM resolutions WHERE search IS NOT NULL")).scalar()
    return counts


def test_add_then_get_round_trips(corpus_store: Store, corpus_records: list[Record]) -> None:
    record = corpus_records[0]
    stored, created = corpus_store.add(record)
    assert created and stored == record
    assert corpus_store.has(record.document.id)
    assert corpus_store.get(record.document.id) == record


def test_same_document_id_is_stored_once(corpus_store: Store, corpus_records: list[Record]) -> None:
    first = corpus_records[0]
    corpus_store.add(first)
    changed = first.model_copy(update={"resolutions": []})
    stored, created = corpus_store.add(changed)
    assert not created
    assert stored == first  # the record already stored, not the new one
    assert _counts(corpus_store)["documents"] == 1
    assert _counts(corpus_store)["resolutions"] == 2


def test_missing_document(corpus_store: Store) -> None:
    assert corpus_store.get("0" * 64) is None
    assert not corpus_store.has("0" * 64)


def test_rows_and_index_are_written(corpus_filled: Store) -> None:
    counts = _counts(corpus_filled)
    assert counts == {
        "documents": 3,
        "resolutions": 5,
        "resolution_agencies": 4,
        "document_agencies": 4,
        "actions": 4,
        "index": 5,
    }


def test_failure_mid_write_leaves_nothing(
    corpus_store: Store, corpus_records: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(record: Record) -> list[tables.ActionRow]:
        raise RuntimeError("disk on fire")

    # actions are written after the document, resolutions, agencies and index fields
    monkeypatch.setattr(tables, "action_rows", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        corpus_store.add(corpus_records[0])
    assert set(_counts(corpus_store).values()) == {0}
    assert not corpus_store.has(corpus_records[0].document.id)

    monkeypatch.undo()
    _, created = corpus_store.add(corpus_records[0])
    assert created
    assert corpus_store.search("ถอดบทเรียน").total == 1


def test_documents_newest_meeting_first(corpus_filled: Store) -> None:
    page = corpus_filled.documents(limit=2, offset=0)
    assert page.total == 3
    assert [d.id[0] for d in page.items] == ["b", "a"]
    assert [d.resolutions for d in page.items] == [2, 2]
    assert page.items[1].body == "คณะกรรมการพัฒนาระบบราชการ"
    assert page.items[1].session == "2/2563"
    rest = corpus_filled.documents(limit=2, offset=2)
    assert [d.id[0] for d in rest.items] == ["c"]  # no meeting date: last
    assert rest.items[0].ingested_at.tzinfo is not None


def test_actions_by_agency_and_due(corpus_filled: Store) -> None:
    everything = corpus_filled.actions()
    assert everything.total == 4
    assert [a.due for a in everything.items] == [
        dt.date(2020, 5, 31),
        dt.date(2020, 6, 30),
        dt.date(2021, 9, 30),
        None,
    ]
    # the ministry, by its abbreviation, includes its units
    moi = corpus_filled.actions(agency="มท.")
    assert {a.agency_id for a in moi.items} == {"moi-ops", "dopa"}
    # a unit by id, by full name, by abbreviation
    for form in ("moi-ops", "สำนักงานปลัดกระทรวงมหาดไทย", "สป.มท."):
        assert [a.agency_id for a in corpus_filled.actions(agency=form).items] == ["moi-ops"]
    # an agency not in the registry: matched by the stored name
    local = corpus_filled.actions(agency="ศูนย์ปฏิบัติการพิเศษ")
    assert [a.task for a in local.items] == ["รายงานสถานการณ์น้ำ"]
    # due bounds are inclusive
    window = corpus_filled.actions(due_after=dt.date(2020, 5, 31), due_before=dt.date(2020, 6, 30))
    assert [a.agency_id for a in window.items] == ["moi-ops", "dopa"]
    assert corpus_filled.actions(due_before=dt.date(2020, 1, 1)).total == 0
    second = corpus_filled.actions(limit=1, offset=1)
    assert second.total == 4 and second.items[0].agency_id == "dopa"
    assert second.items[0].meeting_date == dt.date(2020, 3, 17)
    assert second.items[0].source_name.endswith(".txt")


def test_agencies_with_mention_counts(corpus_filled: Store) -> None:
    agencies = {a.id: a for a in corpus_filled.agencies()}
    assert set(agencies) == {"moi-ops", "dopa", "opdc", "local-center"}
    assert agencies["moi-ops"].abbreviation == "สป.มท."
    assert agencies["moi-ops"].mentions == 1
    assert agencies["opdc"].name == "สำนักงานคณะกรรมการพัฒนาระบบราชการ"
    assert all(a.documents == 1 for a in agencies.values())


@pytest.mark.sqlite_only
def test_schema_is_migrated_once_and_sqlite_is_tuned(corpus_registry: Path, corpus_db_url: str) -> None:
    first = Store(corpus_db_url)
    first.close()
    again = Store(corpus_db_url)  # upgrading an up-to-date database is a no-op
    try:
        with again.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0005"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == store_module.BUSY_TIMEOUT_MS
    finally:
        again.close()


def test_default_url_comes_from_the_environment(
    corpus_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_records: list[Record]
) -> None:
    db = tmp_path / "env" / "nested" / "mati.db"
    monkeypatch.setenv("MATI_DATABASE_URL", f"sqlite:///{db}")
    with Store() as store:
        store.add(corpus_records[2])
    assert db.exists()


def test_concurrent_adds_of_the_same_document(corpus_store: Store, corpus_records: list[Record]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: corpus_store.add(corpus_records[1])[1], range(4)))
    assert results.count(True) == 1
    assert _counts(corpus_store)["documents"] == 1


def test_in_memory_store_is_safe_across_threads(corpus_registry: Path, corpus_records: list[Record]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with Store("sqlite://") as store, ThreadPoolExecutor(4) as pool:
        created = list(pool.map(lambda r: store.add(r)[1], corpus_records))
        totals = list(pool.map(lambda _: store.search("ถอดบทเรียน").total, range(8)))
    assert created == [True, True, True]
    assert totals == [2] * 8


def test_a_document_without_resolutions_is_stored(corpus_store: Store, corpus_make_record) -> None:
    """News that reports no decision is still a document of the archive."""
    record = corpus_make_record("e" * 64, [])
    stored, created = corpus_store.add(record)
    assert created and corpus_store.has("e" * 64)
    assert corpus_store.get("e" * 64) == stored


@pytest.mark.sqlite_only
def test_upgrade_from_0001_indexes_stored_resolutions(corpus_registry: Path, corpus_db_url: str) -> None:
    """An upgraded database is indexed from its stored resolutions when the store opens (and downgrades)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    engine = create_engine(corpus_db_url.replace("/db/", "/"))
    cfg = Config()
    cfg.set_main_option("script_location", str(store_module.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO documents VALUES ('d1', 'x.txt', 'text/plain', '', NULL, '2020-01-01', "
                "NULL, NULL, NULL, NULL, '2020-01-01 00:00:00', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO resolutions(id, document_id, position, number, kind, text, meeting_date) VALUES "
                "(1, 'd1', 0, '1', 'approve', 'เห็นชอบแผนการบริหารงบประมาณ ให้ สป.มท. ดำเนินการ', '2020-01-01')"
            )
        )
        conn.execute(text("INSERT INTO resolution_agencies VALUES (1, 'moi-ops', NULL, NULL)"))
    engine.dispose()
    with Store(corpus_db_url.replace("/db/", "/")) as store:
        assert store.search("บริหาร").total == 1
        assert store.search("สำนักงานปลัดกระทรวงมหาดไทย").total == 1  # registry forms of the linked agency
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        assert conn.execute(text("SELECT count(*) FROM resolutions_fts WHERE terms MATCH 'งบประมาณ'")).scalar() == 1
    engine.dispose()


@pytest.mark.sqlite_only
def test_index_failure_after_commit_is_caught_up(
    corpus_store: Store, corpus_records: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is committed first; an index that fails then is filled before the next search."""
    assert corpus_store.index is not None

    def broken(*args: object, **kwargs: object) -> int:
        raise OSError("index disk full")

    monkeypatch.setattr(corpus_store.index, "add", broken)
    _stored, created = corpus_store.add(corpus_records[0])
    assert created and corpus_store.has(corpus_records[0].document.id)
    monkeypatch.undo()
    assert corpus_store.search("ถอดบทเรียน").total == 1
    assert _counts(corpus_store)["index"] == 2


def _stored_then_closed(url: str, records: list[Record]) -> Path:
    """Store ``records`` in a SQLite store at ``url``, close it; the path of its index."""
    with Store(url) as store:
        for r in records:
            store.add(r)
        assert store.index is not None and store.index.path is not None
        assert store.reindex() == 5 and len(store.index) == 5
        return store.index.path


@pytest.mark.sqlite_only
def test_lost_index_is_rebuilt_when_the_store_opens(corpus_registry: Path, corpus_db_url: str, corpus_records) -> None:
    import shutil

    path = _stored_then_closed(corpus_db_url, corpus_records)
    shutil.rmtree(path)
    with Store(corpus_db_url) as store:
        assert _counts(store)["index"] == 5
        assert store.search("ถอดบทเรียน").total == 2


@pytest.mark.sqlite_only
def test_two_stores_on_one_database_share_the_index(
    corpus_registry: Path, corpus_db_url: str, corpus_records: list[Record]
) -> None:
    """Like two API workers: one waits for the other's index writer, each sees the other's records."""
    import threading
    import time

    with Store(corpus_db_url) as a, Store(corpus_db_url) as b:
        assert a.index is not None
        held = threading.Event()

        def hold_writer() -> None:
            assert a.index is not None
            with a.index._writer(16 * 1024 * 1024):
                held.set()
                time.sleep(0.5)

        holder = threading.Thread(target=hold_writer)
        holder.start()
        held.wait()
        b.add(corpus_records[0])  # waits for a's writer
        holder.join()
        a.add(corpus_records[1])
        assert a.search("ถอดบทเรียน").total == 2
        assert b.search("ถอดบทเรียน").total == 2


@pytest.mark.sqlite_only
def test_an_index_of_another_schema_is_rebuilt(corpus_registry: Path, corpus_db_url: str, corpus_records) -> None:
    """An index left by another version of Mati (other fields) is replaced and refilled, not an error."""
    import shutil

    import tantivy

    path = _stored_then_closed(corpus_db_url, corpus_records)
    shutil.rmtree(path)
    path.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True)
    tantivy.Index(builder.build(), path=str(path))
    with Store(corpus_db_url) as store:
        assert store.search("ถอดบทเรียน").total == 2


@pytest.mark.sqlite_only
def test_grouped_indexing_commits_once_for_many_records(corpus_store: Store, corpus_records: list[Record]) -> None:
    assert corpus_store.index is not None
    with corpus_store.grouped_indexing():
        for r in corpus_records:
            corpus_store.add(r)
        assert len(corpus_store.index) == 0  # pending until the group commits
    assert len(corpus_store.index) == 5
    assert corpus_store.search("ถอดบทเรียน").total == 2


@pytest.mark.sqlite_only
def test_an_entry_indexed_twice_is_held_once(corpus_store: Store, corpus_records: list[Record]) -> None:
    """Another process may catch a record up before its own writer indexes it: the second add replaces."""
    assert corpus_store.index is not None
    corpus_store.add(corpus_records[0])
    entries = corpus_store._stored_entries(sorted(corpus_store.index.ids()))
    corpus_store.index.add(entries)
    assert len(corpus_store.index) == 2
    assert corpus_store.search("ถอดบทเรียน").total == 1

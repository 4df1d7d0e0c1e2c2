"""The ``mati`` command: extract, ingest, search, embed, reindex, serve, up."""

from __future__ import annotations

import html
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TextIO

import click

from mati.errors import MatiError
from mati.record import Kind, Record

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")  # never let pythainlp reach for the network


def _fail(message: str, code: int) -> None:
    click.echo(f"mati: {message}", err=True)
    sys.exit(code)


def render_text(record: Record) -> str:
    """A readable Thai summary of a record."""
    m = record.meeting
    lines = [f"เอกสาร: {record.document.source_name}  ({record.document.media_type})"]
    if record.document.title:
        lines.append(f"เรื่อง: {record.document.title}")
    lines.append("การประชุม")
    if m.body:
        lines.append(f"  คณะ: {m.body.name}" + (f" ({m.body.abbreviation})" if m.body.abbreviation else ""))
    for label, value in (("ครั้งที่", m.session), ("วันที่", m.date), ("เวลา", m.start_time),
                         ("สถานที่", m.venue), ("ระบบออนไลน์", m.online_platform),
                         ("ประธาน", m.chair.name if m.chair else None)):
        if value:
            lines.append(f"  {label}: {value}")
    for p in m.participants:
        lines.append(f"  ผู้เข้าร่วม: {p.name}" + (f" ({p.role})" if p.role else ""))
    lines.append(f"มติ ({len(record.resolutions)})")
    for r in record.resolutions:
        text = " ".join(r.text.split())
        lines.append(f"  {r.number or '-'}. [{r.kind.value}] {text[:300]}{'…' if len(text) > 300 else ''}")
    lines.append(f"หน่วยงาน ({len(record.agencies)})")
    for a in record.agencies:
        lines.append(f"  {a.name}" + (f" ({a.abbreviation})" if a.abbreviation else "") + f"  [{a.id}]")
    lines.append(f"กำหนดเวลา ({len(record.deadlines)})")
    for d in record.deadlines:
        lines.append(f"  {d.text}: {d.start} – {d.end}" if d.start and d.start != d.end else f"  {d.text}: {d.end}")
    lines.append(f"การดำเนินการ ({len(record.actions)})")
    for a in record.actions:
        lines.append(f"  {a.agency}: {a.task}" + (f" (ภายใน {a.due})" if a.due else ""))
    return "\n".join(lines)


@click.group()
@click.version_option(package_name="mati")
def main() -> None:
    """Mati (มติ): Thai meeting minutes in, structured resolutions out."""


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def extract(file: Path, fmt: str) -> None:
    """Print the record of one document."""
    from mati.pipeline import process

    try:
        record = process(file.read_bytes(), file.name)
    except MatiError as e:
        _fail(f"{file}: {e}", e.exit_code)
    click.echo(record.to_json(indent=1) if fmt == "json" else render_text(record))


def _files(paths: tuple[Path, ...]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            yield p


def ingest_paths(
    paths: tuple[Path, ...], database: str | None, quiet: bool = False, workers: int = 1, report: Path | None = None
) -> tuple[int, int, int]:
    """Ingest files and folders in ``workers`` processes (0: one per CPU); (stored, already present, failed).

    Failures go to ``report`` (JSON lines: path, error, message), created only when a file fails. On
    Ctrl-C the documents in flight are abandoned and KeyboardInterrupt propagates; what was stored stays.
    """
    from tqdm import tqdm

    from corpus.ingest import ingest_files
    from corpus.store import Store
    from corpus.worker import Workers

    store = Store(database)
    files = list(_files(paths))
    counts: Counter[str] = Counter()
    failures: TextIO | None = None
    pool = Workers(workers)

    def summary() -> str:
        return f"stored {counts['stored']}, already present {counts['present']}, failed {counts['failed']}"

    try:
        with tqdm(total=len(files), unit="doc", disable=quiet or not files, file=sys.stderr) as bar:
            for outcome in ingest_files(store, files, pool):
                counts[outcome.status] += 1
                bar.update()
                if outcome.error is None:
                    continue
                tqdm.write(f"failed: {outcome.path}: {outcome.error}", file=sys.stderr)
                if report is not None:
                    failures = failures or report.open("w", encoding="utf-8")
                    line = {"path": str(outcome.path), "error": type(outcome.error).__name__,
                            "message": str(outcome.error)}
                    failures.write(json.dumps(line, ensure_ascii=False) + "\n")
                    failures.flush()
    except KeyboardInterrupt:
        click.echo(f"\ninterrupted: {summary()}; documents in flight abandoned, run again to resume", err=True)
        raise
    finally:
        pool.close()
        store.close()
        if failures is not None:
            failures.close()
            click.echo(f"failures written to {report}", err=True)
    return counts["stored"], counts["present"], counts["failed"]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--database", envvar="MATI_DATABASE_URL", help="SQLAlchemy URL (default: MATI_DATABASE_URL)")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=0),
              help="worker processes (0: one per CPU)")
@click.option("--report", default=Path("mati-ingest-failures.jsonl"), show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="failure report (JSON lines), only if any fail")
@click.option("--quiet", is_flag=True, help="no progress bar")
def ingest(paths: tuple[Path, ...], database: str | None, workers: int, report: Path, quiet: bool) -> None:
    """Ingest files and folders (recursively); already ingested files are skipped.

    Each document is processed in a worker process under the MATI_DOC_TIMEOUT / MATI_DOC_MEMORY_MB
    limits. Exit status: 0 all stored, 1 some failed, 130 interrupted (run again to resume).
    """
    try:
        stored, skipped, failed = ingest_paths(paths, database, quiet, workers, report)
    except KeyboardInterrupt:
        sys.exit(130)
    click.echo(f"stored {stored}, already present {skipped}, failed {failed}", err=True)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("query", required=False, default="")
@click.option("--agency", help="agency id, name or abbreviation (sub-units included)")
@click.option("--body", help="the meeting body")
@click.option("--kind", type=click.Choice([k.value for k in Kind]))
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--limit", default=10, show_default=True)
@click.option("--mode", type=click.Choice(["lexical", "semantic", "hybrid"]), default="lexical", show_default=True,
              help="semantic and hybrid rank by meaning too (after `mati embed`; needs mati[semantic])")
@click.option("--database", envvar="MATI_DATABASE_URL")
def search(query: str, agency: str | None, body: str | None, kind: str | None, date_from: object,
           date_to: object, limit: int, mode: str, database: str | None) -> None:
    """Search past resolutions, best first."""
    from corpus.search import Filters
    from corpus.store import Store

    def day(v: object) -> date | None:
        return v.date() if v is not None else None  # type: ignore[attr-defined]

    store = Store(database)
    try:
        filters = Filters(agency=agency, body=body, kind=Kind(kind) if kind else None,
                          date_from=day(date_from), date_to=day(date_to))
        page = store.search(query or None, filters, limit=limit, mode=mode)  # type: ignore[arg-type]
    except MatiError as e:
        _fail(str(e), e.exit_code)
    finally:
        store.close()
    if not page.items:
        click.echo("ไม่พบมติที่ตรงกับคำค้น (no matching resolutions)", err=True)
    for hit in page.items:
        head = " ".join(str(x) for x in (hit.meeting_date or "", hit.body or "", hit.session or "") if x)
        click.echo(f"[{hit.kind}] {head}  ({hit.source_name} #{hit.number or '-'})")
        snippet = html.unescape(hit.snippet.replace("<mark>", "\x1b[1m").replace("</mark>", "\x1b[0m"))
        click.echo(f"    {snippet}")
    click.echo(f"{page.total} resolution(s)", err=True)


@main.command()
@click.option("--database", envvar="MATI_DATABASE_URL")
def embed(database: str | None) -> None:
    """Embed stored resolutions for meaning-based search (those not embedded yet; needs mati[semantic])."""
    from corpus.store import Store

    with Store(database) as store:
        try:
            n = store.embed()
        except MatiError as e:
            _fail(str(e), e.exit_code)
    click.echo(f"embedded {n} resolution(s)", err=True)


@main.command()
@click.option("--database", envvar="MATI_DATABASE_URL")
def reindex(database: str | None) -> None:
    """Rebuild the embedded search index from the stored resolutions (SQLite; PostgreSQL needs none)."""
    from corpus.store import Store

    with Store(database) as store:
        if store.index is None:
            click.echo(f"the {store.dialect} backend indexes inside the database: nothing to rebuild", err=True)
            return
        n = store.reindex()
    click.echo(f"indexed {n} resolution(s)", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=1, show_default=True)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and the web page."""
    import uvicorn

    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
def up(paths: tuple[Path, ...], host: str, port: int) -> None:
    """The main job: ingest samples/documents (or PATHS), then serve on http://HOST:PORT."""
    paths = paths or (Path("samples") / "documents",)
    stored, skipped, failed = ingest_paths(paths, None)
    from nlp import embed as embedding

    if embedding.available():  # semantic search over the samples too (a few seconds)
        from corpus.store import Store

        with Store() as store:
            store.embed()
    click.echo(f"stored {stored}, already present {skipped}, failed {failed}; serving http://{host}:{port}",
               err=True)
    serve.callback(host=host, port=port, workers=1)  # type: ignore[misc]


if __name__ == "__main__":
    main()

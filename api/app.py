"""The HTTP service: upload minutes, read records, search past resolutions, list actions.

Errors are RFC 9457 problem details (``application/problem+json``). Uploads are read
as a stream and refused with 413 as soon as they pass ``settings().max_upload_bytes``,
so no more than the limit is ever held in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corpus.search import ActionHit, AgencyCount, DocumentSummary, Filters, Hit, Match, Page
from corpus.store import Mode, Store
from mati.config import settings
from mati.errors import DocumentTooLarge, EmptyDocument, MatiError, UnsupportedType
from mati.record import Kind, Record

log = logging.getLogger("mati.api")

Process = Callable[[bytes, str, str | None], Record]
STATIC = Path(__file__).parent / "static"
PROBLEM = "application/problem+json"
MULTIPART_OVERHEAD = 64 * 1024  # headers, boundaries and small fields around the file part
GENERIC_TYPES = {"application/octet-stream", ""}

_PROBLEM_SCHEMA = {
    "content": {
        PROBLEM: {
            "schema": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            }
        }
    }
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


# --- problem details ---------------------------------------------------------------------


class BadUpload(MatiError):
    """The request is not a usable multipart upload."""

    status = 422
    title = "Bad upload"


def problem(status: int, title: str, detail: str = "", type_: str = "about:blank") -> JSONResponse:
    """An RFC 9457 problem details response."""
    body = {"type": type_, "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


async def _mati_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, MatiError)
    return problem(exc.status, exc.title, str(exc), f"urn:mati:problem:{_slug(type(exc).__name__)}")


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    response = problem(exc.status_code, title, str(exc.detail or ""))
    for k, v in (exc.headers or {}).items():
        response.headers[k] = v
    return response


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()
    )
    return problem(422, HTTPStatus(422).phrase, detail)


class CatchAll:
    """ASGI middleware: an unexpected exception becomes a 500 problem and the connection stays usable.

    (Starlette's own handler for ``Exception`` answers but then re-raises, so the server
    drops the connection.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            detail = "an unexpected error occurred; nothing was stored"
            await problem(500, "Internal Server Error", detail)(scope, receive, send)


# --- streaming upload --------------------------------------------------------------------


@dataclass
class Upload:
    """The file part of a multipart upload."""

    data: bytes
    filename: str
    content_type: str | None


@dataclass
class _FilePart:
    """python-multipart callbacks keeping only the ``file`` part, refusing it past ``limit``."""

    limit: int
    field_name: str = "file"
    found: Upload | None = None
    _headers: dict[bytes, bytes] = field(default_factory=dict)
    _name: bytes = b""
    _value: bytes = b""
    _wanted: bool = False
    _buffer: bytearray = field(default_factory=bytearray)

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._headers, self._wanted, self._buffer = {}, False, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.lower()] = self._value
        self._name, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._wanted = options.get(b"name") == self.field_name.encode() and self.found is None

    def _data(self, data: bytes, start: int, end: int) -> None:
        if not self._wanted:
            return
        if len(self._buffer) + (end - start) > self.limit:
            raise DocumentTooLarge(f"the upload is larger than {self.limit} bytes")
        self._buffer += data[start:end]

    def _end(self) -> None:
        if not self._wanted:
            return
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        ctype = self._headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        filename = options.get(b"filename", b"").decode("utf-8", "replace")
        self.found = Upload(
            bytes(self._buffer), Path(filename).name, None if ctype in GENERIC_TYPES else ctype
        )
        self._wanted = False


async def read_upload(stream: AsyncIterator[bytes], content_type: str, limit: int) -> Upload:
    """The ``file`` part of a multipart body read chunk by chunk; DocumentTooLarge past ``limit``."""
    mime, params = parse_options_header(content_type)
    if mime != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedType("send the document as multipart/form-data in a field named 'file'")
    part = _FilePart(limit)
    parser = MultipartParser(params[b"boundary"], part.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > limit + MULTIPART_OVERHEAD:
                raise DocumentTooLarge(f"the upload is larger than {limit} bytes")
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise BadUpload(f"malformed multipart body: {exc}") from exc
    if part.found is None:
        raise BadUpload("no file in the upload (expected a multipart field named 'file')")
    return part.found


# --- the app -----------------------------------------------------------------------------


def _default_process(data: bytes, source_name: str, media_type: str | None) -> Record:
    """The pipeline in a worker process that is killed past the per-document time or memory limit."""
    from corpus.worker import process_isolated  # imported late: the workers load the NLP models

    return process_isolated(data, source_name, media_type)


def _with_id(record: Record, doc_id: str) -> Record:
    """The record with the document id the contract asks for: the sha256 of the bytes."""
    if record.document.id == doc_id:
        return record
    return record.model_copy(update={"document": record.document.model_copy(update={"id": doc_id})})


def _record_response(record: Record, status: int) -> JSONResponse:
    headers = {"Location": f"/documents/{record.document.id}"}
    return JSONResponse(record.model_dump(mode="json"), status_code=status, headers=headers)


def create_app(store: Store | None = None, process: Process | None = None) -> FastAPI:
    """The Mati service over ``store`` (default: the configured database) using ``process``."""
    owns_store = store is None
    the_store = store if store is not None else Store(settings().database_url)
    run: Process = process or _default_process

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            the_store.close()

    app = FastAPIOffline(  # /docs served from the installed package, not a CDN
        title="Mati",
        summary="Thai meeting minutes in, structured resolutions out.",
        version="0.1.0",
        lifespan=lifespan,
        responses={422: {"description": "Problem", **_PROBLEM_SCHEMA}},
    )
    app.state.store = the_store
    app.add_exception_handler(MatiError, _mati_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(CatchAll)
    _routes(app, the_store, run)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _routes(app: FastAPI, store: Store, run: Process) -> None:
    problems: dict[int | str, dict[str, Any]] = {
        s: {"description": d, **_PROBLEM_SCHEMA}
        for s, d in ((413, "Too large"), (415, "Unsupported type"), (422, "Unprocessable document"))
    }

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        return {"status": "ok", "documents": store.documents(limit=1).total}

    @app.post(
        "/documents",
        status_code=201,
        response_model=Record,
        tags=["documents"],
        openapi_extra=_UPLOAD_BODY,
        responses={200: {"description": "Already stored: the stored record", "model": Record}, **problems},
    )
    async def upload(request: Request) -> Response:
        """Upload minutes (PDF, DOCX, HTML, text); the record is extracted and stored once."""
        limit = settings().max_upload_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
            raise DocumentTooLarge(f"the upload is larger than {limit} bytes")
        got = await read_upload(request.stream(), request.headers.get("content-type", ""), limit)
        return await _ingest(store, run, got)

    @app.get("/documents", response_model=Page[DocumentSummary], tags=["documents"])
    def list_documents(
        limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0
    ) -> Page[DocumentSummary]:
        return store.documents(limit=limit, offset=offset)

    @app.get(
        "/documents/{doc_id}",
        response_model=Record,
        tags=["documents"],
        responses={404: {"description": "Not found", **_PROBLEM_SCHEMA}},
    )
    def get_document(doc_id: str) -> Record:
        record = store.get(doc_id)
        if record is None:
            raise HTTPException(404, f"no document {doc_id}")
        return record

    @app.get("/resolutions", response_model=Page[Hit], tags=["search"])
    def resolutions(
        q: str | None = None,
        agency: str | None = None,
        body: str | None = None,
        kind: Kind | None = None,
        date_from: Annotated[dt.date | None, Query(alias="from")] = None,
        date_to: Annotated[dt.date | None, Query(alias="to")] = None,
        open_actions: bool | None = None,
        match: Match = "all",
        mode: Annotated[
            Mode,
            Query(description="lexical (BM25); semantic (by meaning) or hybrid need `mati embed` and mati[semantic]"),
        ] = "lexical",
        recent: Annotated[bool, Query(description="prefer recent meetings in the ranking")] = False,
        facets: Annotated[bool, Query(description="counts per kind, body, year and agency")] = True,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Page[Hit]:
        """Past resolutions: full-text (best first) with filters, or filters only (newest first)."""
        filters = Filters(
            agency=agency or None,
            body=body or None,
            kind=kind,
            date_from=date_from,
            date_to=date_to,
            open_actions=open_actions,
        )
        return store.search(
            q, filters, match=match, limit=limit, offset=offset, prefer_recent=recent, facets=facets, mode=mode
        )

    @app.get(
        "/resolutions/{resolution_id}/similar",
        response_model=list[Hit],
        tags=["search"],
        responses={404: {"description": "Not found", **_PROBLEM_SCHEMA}},
    )
    def similar(resolution_id: int, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[Hit]:
        """Earlier resolutions of other meetings most like this one (``score``: negated TF-IDF cosine)."""
        try:
            return store.similar(resolution_id, limit=limit)
        except KeyError:
            raise HTTPException(404, f"no resolution {resolution_id}") from None

    @app.get("/actions", response_model=Page[ActionHit], tags=["search"])
    def actions(
        agency: str | None = None,
        due_before: dt.date | None = None,
        due_after: dt.date | None = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Page[ActionHit]:
        """Actions assigned to agencies, soonest due first; due bounds are inclusive."""
        return store.actions(agency or None, due_before, due_after, limit=limit, offset=offset)

    @app.get("/agencies", response_model=list[AgencyCount], tags=["search"])
    def agencies() -> list[AgencyCount]:
        return store.agencies()


async def _ingest(store: Store, run: Process, got: Upload) -> Response:
    """Stored record (200) or process → store → 201; a failure stores nothing."""
    doc_id = hashlib.sha256(got.data).hexdigest()
    existing = await run_in_threadpool(store.get, doc_id)
    if existing is not None:
        return _record_response(existing, 200)
    if not got.data:
        raise EmptyDocument(f"{got.filename or 'the upload'} is empty")
    record = _with_id(await run_in_threadpool(run, got.data, got.filename, got.content_type), doc_id)
    stored, created = await run_in_threadpool(store.add, record)
    return _record_response(stored, 201 if created else 200)

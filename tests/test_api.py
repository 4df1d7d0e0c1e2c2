"""The HTTP service, through a real uvicorn server on 127.0.0.1 and httpx."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from api.app import read_upload
from corpus import tables
from corpus.store import Store
from mati.errors import DocumentTooLarge, EmptyDocument, UnsupportedType
from mati.record import Action, Agency, Document, Kind, Meeting, Record, Resolution
from nlp.registry import registry

MINUTES = """การประชุมคณะกรรมการพัฒนาระบบราชการ ครั้งที่ 2/2563
date: 2020-03-17
1. เห็นชอบแผนการถอดบทเรียนการบริหารงบประมาณ โดยให้ สป.มท. ดำเนินการ due: 2020-05-31
2. รับทราบรายงานผลการเบิกจ่ายงบประมาณของกรมการปกครอง
3. มอบหมายให้ สำนักงาน ก.พ.ร. ถอดบทเรียนการทำงานจากที่บ้าน due: 2020-09-30
"""
_ITEM = re.compile(r"^(\d+)\.\s*(.+)$", re.M)
_KINDS = {"เห็นชอบ": Kind.approve, "รับทราบ": Kind.acknowledge, "มอบหมาย": Kind.assign}


def fake_process(data: bytes, source_name: str, media_type: str | None) -> Record:
    """A stand-in for the pipeline: numbered lines are resolutions, registry names are agencies."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedType(f"{source_name}: not UTF-8 text") from exc
    if not text.strip():
        raise EmptyDocument(f"{source_name}: no text")
    date = re.search(r"date: (\d{4}-\d\d-\d\d)", text)
    resolutions, actions, agencies = [], [], {}
    for m in _ITEM.finditer(text):
        number, body = m.group(1), m.group(2)
        found = []
        for form, entry in registry().surfaces():
            hit = re.compile(r"(?<![.])" + re.escape(form)).search(text, m.start(), m.end())
            at = hit.start() if hit else -1
            if at >= 0 and entry.id not in found:
                found.append(entry.id)
                agencies.setdefault(
                    entry.id, Agency(id=entry.id, name=entry.name, abbreviation=entry.abbreviation)
                )
                agencies[entry.id].mentions.append((at, at + len(form)))
        kind = next((k for word, k in _KINDS.items() if body.startswith(word)), Kind.other)
        resolutions.append(
            Resolution(number=number, kind=kind, text=m.group(0), span=m.span(), agencies=found)
        )
        due = re.search(r"due: (\d{4}-\d\d-\d\d)", body)
        for agency_id in found if kind in (Kind.approve, Kind.assign) else ():
            entry = registry().get(agency_id)
            assert entry is not None
            actions.append(
                Action(
                    agency=entry.abbreviation or entry.name,
                    agency_id=agency_id,
                    task=body[:40],
                    due=dt.date.fromisoformat(due.group(1)) if due else None,
                    resolution=number,
                    span=m.span(),
                )
            )
    return Record(
        document=Document(
            id=hashlib.sha256(data).hexdigest(),
            source_name=source_name,
            media_type=media_type or "text/plain",
            title=text.splitlines()[0],
            text=text,
        ),
        meeting=Meeting(date=dt.date.fromisoformat(date.group(1)) if date else None),
        resolutions=resolutions,
        agencies=list(agencies.values()),
        actions=actions,
    )


@pytest.fixture
def api_calls() -> list[str]:
    return []


@pytest.fixture
def api_client(
    corpus_store: Store, api_serve: Callable[..., str], api_calls: list[str]
) -> Iterator[httpx.Client]:
    """httpx against a live server using ``fake_process`` (calls recorded in ``api_calls``)."""

    def process(data: bytes, source_name: str, media_type: str | None) -> Record:
        api_calls.append(source_name)
        return fake_process(data, source_name, media_type)

    base = api_serve(store=corpus_store, process=process)
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


def _upload(client: httpx.Client, data: bytes, name: str = "minutes.txt", ctype: str = "text/plain"):
    return client.post("/documents", files={"file": (name, data, ctype)})


def _is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= set(body)
    return body


def _stored(client: httpx.Client) -> int:
    return client.get("/documents").json()["total"]


def test_upload_then_same_bytes_again(api_client: httpx.Client, api_calls: list[str]) -> None:
    data = MINUTES.encode()
    first = _upload(api_client, data)
    assert first.status_code == 201, first.text
    record = first.json()
    doc_id = hashlib.sha256(data).hexdigest()
    assert record["document"]["id"] == doc_id
    assert first.headers["location"] == f"/documents/{doc_id}"
    assert [r["kind"] for r in record["resolutions"]] == ["approve", "acknowledge", "assign"]
    assert record["meeting"]["date"] == "2020-03-17"

    again = _upload(api_client, data, name="renamed.txt")
    assert again.status_code == 200
    assert again.json() == record
    assert api_calls == ["minutes.txt"]  # not processed twice

    got = api_client.get(f"/documents/{doc_id}")
    assert got.status_code == 200 and got.json() == record
    listing = api_client.get("/documents").json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == doc_id
    assert listing["items"][0]["resolutions"] == 3


def test_missing_document_is_a_problem(api_client: httpx.Client) -> None:
    body = _is_problem(api_client.get("/documents/" + "0" * 64), 404)
    assert body["title"] == "Not Found"


def test_search_with_filters(api_client: httpx.Client) -> None:
    assert _upload(api_client, MINUTES.encode()).status_code == 201
    page = api_client.get("/resolutions", params={"q": "ถอดบทเรียน"}).json()
    assert page["total"] == 2
    assert {h["number"] for h in page["items"]} == {"1", "3"}
    assert all("<mark>ถอดบทเรียน</mark>" in h["snippet"] for h in page["items"])

    def numbers(**params: str) -> list[str]:
        response = api_client.get("/resolutions", params=params)
        assert response.status_code == 200, response.text
        return [h["number"] for h in response.json()["items"]]

    assert numbers(q="ถอดบทเรียน", kind="assign") == ["3"]
    assert numbers(q="ถอดบทเรียน", agency="กระทรวงมหาดไทย") == ["1"]
    assert numbers(agency="มท.") == ["1", "2"]
    assert numbers(q="งบประมาณ", **{"from": "2020-03-01", "to": "2020-03-31"}) in (["1", "2"], ["2", "1"])
    assert numbers(q="งบประมาณ", **{"from": "2021-01-01"}) == []
    assert numbers(q="ถอดบทเรียน งบประมาณ") == ["1"]
    assert sorted(numbers(q="ถอดบทเรียน งบประมาณ", match="any")) == ["1", "2", "3"]
    assert numbers(limit="1", offset="1", agency="moi") == ["2"]
    _is_problem(api_client.get("/resolutions", params={"kind": "maybe"}), 422)
    _is_problem(api_client.get("/resolutions", params={"from": "17/03/2563"}), 422)


def test_actions_and_agencies(api_client: httpx.Client) -> None:
    assert _upload(api_client, MINUTES.encode()).status_code == 201
    everything = api_client.get("/actions").json()
    assert [a["agency"] for a in everything["items"]] == ["สป.มท.", "สำนักงาน ก.พ.ร."]
    assert everything["items"][0]["due"] == "2020-05-31"

    def agencies_of(**params: str) -> list[str]:
        return [a["agency_id"] for a in api_client.get("/actions", params=params).json()["items"]]

    assert agencies_of(agency="มท.") == ["moi-ops"]
    assert agencies_of(agency="opdc") == ["opdc"]
    assert agencies_of(due_before="2020-06-01") == ["moi-ops"]
    assert agencies_of(due_after="2020-06-01") == ["opdc"]
    assert agencies_of(due_after="2020-05-31", due_before="2020-09-30") == ["moi-ops", "opdc"]

    agencies = {a["id"]: a for a in api_client.get("/agencies").json()}
    assert set(agencies) == {"moi-ops", "dopa", "opdc"}
    assert agencies["dopa"]["name"] == "กรมการปกครอง"


def test_oversize_upload_is_refused_and_nothing_stored(
    api_client: httpx.Client, api_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MATI_MAX_UPLOAD_BYTES", "1000")
    data = ("ก" * 2000).encode()
    body = _is_problem(_upload(api_client, data), 413)
    assert body["title"] == "Document too large"

    # streamed without a Content-Length: refused while reading, not after
    boundary = "mati-test-boundary"

    def chunks() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        for _ in range(10):
            yield b"x" * 500
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = api_client.post(
        "/documents", content=chunks(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    _is_problem(streamed, 413)
    assert api_calls == []
    assert _stored(api_client) == 0

    small = _upload(api_client, MINUTES.encode()[:900])
    assert small.status_code == 201, small.text


def test_upload_reader_stops_at_the_limit() -> None:
    boundary = b"b0und"
    consumed = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal consumed
        consumed += 1
        yield b'--b0und\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        for _ in range(1000):
            consumed += 1
            yield b"%" * 1024
        yield b"\r\n--b0und--\r\n"

    with pytest.raises(DocumentTooLarge):
        asyncio.run(read_upload(stream(), f"multipart/form-data; boundary={boundary.decode()}", 4096))
    assert consumed <= 6  # stopped as soon as the file part passed 4 KiB


def test_upload_reader_keeps_only_the_file_field() -> None:
    async def stream() -> AsyncIterator[bytes]:
        yield (
            b'--xx\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            b'--xx\r\nContent-Disposition: form-data; name="file"; filename="dir/\xe0\xb8\x81.txt"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\nDATA\r\n--xx--\r\n"
        )

    got = asyncio.run(read_upload(stream(), "multipart/form-data; boundary=xx", 100))
    assert (got.data, got.filename, got.content_type) == (b"DATA", "ก.txt", None)


def test_bad_uploads_are_problems_and_store_nothing(api_client: httpx.Client) -> None:
    assert _is_problem(_upload(api_client, b"\xff\xfe\x00binary"), 415)["title"] == "Unsupported media type"
    assert _is_problem(_upload(api_client, b""), 422)["title"] == "Empty document"
    assert _is_problem(_upload(api_client, b"   \n"), 422)["title"] == "Empty document"
    _is_problem(api_client.post("/documents", content=b"raw", headers={"content-type": "text/plain"}), 415)
    _is_problem(api_client.post("/documents", files={"other": ("a.txt", b"x")}), 422)
    assert _stored(api_client) == 0


def test_processing_failure_stores_nothing(corpus_store: Store, api_serve: Callable[..., str]) -> None:
    def half_done(data: bytes, source_name: str, media_type: str | None) -> Record:
        fake_process(data, source_name, media_type)
        raise RuntimeError("extraction crashed")

    with httpx.Client(base_url=api_serve(store=corpus_store, process=half_done)) as client:
        body = _is_problem(_upload(client, MINUTES.encode()), 500)
        assert "extraction crashed" not in body["detail"]  # internals are not leaked
        assert _stored(client) == 0


def test_store_failure_mid_write_stores_nothing(
    api_client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(record: Record) -> list[tables.ActionRow]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tables, "action_rows", boom)
    _is_problem(_upload(api_client, MINUTES.encode()), 500)
    monkeypatch.undo()
    assert _stored(api_client) == 0
    assert api_client.get("/resolutions", params={"q": "ถอดบทเรียน"}).json()["total"] == 0
    assert _upload(api_client, MINUTES.encode()).status_code == 201


def test_page_docs_and_health(api_client: httpx.Client) -> None:
    page = api_client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "มติ" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from the network
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert api_client.get(asset).status_code == 200, asset
    docs = api_client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # Swagger UI assets come from the installed package
    for asset in re.findall(r"""(?:src|href)=['"](/[^'"]+)['"]""", docs.text):
        assert api_client.get(asset).status_code == 200, asset
    spec = api_client.get("/openapi.json").json()
    assert {"/documents", "/documents/{doc_id}", "/resolutions", "/actions", "/agencies", "/health"} <= set(
        spec["paths"]
    )
    assert "multipart/form-data" in spec["paths"]["/documents"]["post"]["requestBody"]["content"]
    assert api_client.get("/health").json() == {"status": "ok", "documents": 0}


def _extract_importable() -> bool:
    try:
        import corpus.readers  # noqa: F401
        import nlp.extract  # noqa: F401
    except Exception:
        return False
    return True


REGISTRY_DATA = Path(__file__).resolve().parents[1] / "nlp" / "data" / "agencies.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not _extract_importable(), reason="nlp.extract (or the readers) not importable yet")
def test_real_pipeline_on_plain_thai_text(
    corpus_db_url: str, api_serve: Callable[..., str], request: pytest.FixtureRequest
) -> None:
    if not REGISTRY_DATA.exists():
        request.getfixturevalue("corpus_registry")  # the registry data is still being built
    text = (
        "การประชุมคณะกรรมการพัฒนาระบบราชการ ครั้งที่ 5/2566\n"
        "เมื่อวันศุกร์ที่ 8 กันยายน 2566 เวลา 10.00 น. ณ ห้องประชุม 501\n"
        "ที่ประชุมมีมติ ดังนี้\n"
        "1. เห็นชอบแนวทางการถอดบทเรียนการบริหารงบประมาณ และมอบหมายให้สำนักงาน ก.พ.ร. "
        "จัดทำรายงานเสนอภายในวันที่ 30 พฤศจิกายน 2566\n"
        "2. รับทราบรายงานผลการดำเนินงานประจำปีงบประมาณ พ.ศ. 2566\n"
    ).encode()
    with Store(corpus_db_url) as store, httpx.Client(base_url=api_serve(store=store), timeout=120) as client:
        response = client.post("/documents", files={"file": ("minutes.txt", text, "text/plain")})
        assert response.status_code == 201, response.text
        record = Record.model_validate(response.json())
        assert record.document.id == hashlib.sha256(text).hexdigest()
        assert "ถอดบทเรียน" in record.document.text
        again = client.post("/documents", files={"file": ("minutes.txt", text, "text/plain")})
        assert again.status_code == 200
        assert client.get(f"/documents/{record.document.id}").status_code == 200
        if record.resolutions:
            assert client.get("/resolutions", params={"q": "ถอดบทเรียน"}).json()["total"] >= 1


def test_search_facets_open_actions_and_similar(api_client: httpx.Client) -> None:
    assert _upload(api_client, MINUTES.encode()).status_code == 201
    later = MINUTES.replace("2/2563", "5/2565").replace("date: 2020-03-17", "date: 2022-06-01")
    later = later.replace("due: 2020-09-30", "due: 2999-09-30")
    assert _upload(api_client, later.encode(), name="later.txt").status_code == 201

    page = api_client.get("/resolutions", params={"q": "ถอดบทเรียน"}).json()
    assert page["total"] == 4
    assert page["facets"]["kind"] == {"approve": 2, "assign": 2}
    assert page["facets"]["year"] == {"2020": 2, "2022": 2}
    assert page["facets"]["agency"] == {"moi-ops": 2, "opdc": 2}
    assert api_client.get("/resolutions", params={"q": "ถอดบทเรียน", "facets": "false"}).json()["facets"] is None
    recent = api_client.get("/resolutions", params={"q": "ถอดบทเรียน", "recent": "true"}).json()["items"]
    assert [h["meeting_date"][:4] for h in recent[:2]] == ["2022", "2022"]
    # the later meeting's resolution 3 has an action due in 2999; its 1 has a past due date
    open_ = api_client.get("/resolutions", params={"open_actions": "true"}).json()
    assert [(h["meeting_date"], h["number"]) for h in open_["items"]] == [("2022-06-01", "3")]

    newest = next(h for h in recent if h["number"] == "3" and h["meeting_date"] == "2022-06-01")
    similar = api_client.get(f"/resolutions/{newest['id']}/similar", params={"limit": "3"})
    assert similar.status_code == 200, similar.text
    hits = similar.json()
    assert hits[0]["meeting_date"] == "2020-03-17" and hits[0]["number"] == "3"  # the same decision, earlier
    _is_problem(api_client.get("/resolutions/999999/similar"), 404)

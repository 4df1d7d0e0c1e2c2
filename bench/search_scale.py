"""Search at archive scale: index build time and size, query latency, HTTP throughput.

    python bench/search_scale.py --sizes 100000,1000000 --backends sqlite,postgresql [--work DIR]

Pseudo-resolutions are the real paragraphs (80-1,500 characters) of the thaigov items that
report meetings (up to ``--unique`` distinct ones), ten to a document, cycled with the
meeting dates moved back three years per cycle until the size is reached; kinds and
bodies rotate, each document has one action due 90 days after its meeting. Thai is
segmented once per distinct paragraph (2 processes, cached in ``--work``) and the
records are loaded with ``Store.add_many`` (PostgreSQL: search index dropped during the
load and rebuilt after, counted in the build time: RUM when the extension is there, else GIN).

Queries: 1-3 consecutive content words (no stop words) of a random paragraph; run plain,
with filters (a kind and a 3-year date range), and with filters + facets. ``--load``
also serves the largest store with ``uvicorn --workers 2`` and drives
``GET /resolutions?q=`` with ``wrk`` (16 connections) from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pgserver  # noqa: E402  (bench/pgserver.py, beside this script)

import corpus.store as store_module  # noqa: E402
from corpus import search as sq  # noqa: E402
from corpus import tables  # noqa: E402
from corpus.search import Filters  # noqa: E402
from corpus.store import Store  # noqa: E402
from mati.record import Action, Document, Kind, Meeting, Named, Record, Resolution  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "thaigov" / "thaigov-v2.jsonl.zst"
PER_DOCUMENT = 10
BATCH_DOCUMENTS = 500
KINDS = list(Kind)
BODIES = [
    ("คณะรัฐมนตรี", "ครม."),
    ("คณะกรรมการพัฒนาระบบราชการ", "ก.พ.ร."),
    ("คณะกรรมการนโยบายการเงิน", "กนง."),
    ("คณะกรรมการส่งเสริมการลงทุน", None),
    ("คณะกรรมการทรัพยากรน้ำแห่งชาติ", "กนช."),
    ("คณะกรรมการนโยบายพลังงานแห่งชาติ", "กพช."),
]
_DATE = re.compile(r"data/(\d{4})/(\d\d)/(\d\d)/")


def paragraphs(path: Path, limit: int) -> list[tuple[str, dt.date]]:
    """Distinct paragraphs of meeting items with the item's date, in corpus order."""
    import zstandard

    seen: set[str] = set()
    out: list[tuple[str, dt.date]] = []
    with path.open("rb") as raw:
        stream = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        for line in stream:
            item = json.loads(line)
            text, m = item["text"], _DATE.search(item["path"])
            if "ประชุม" not in text or m is None:
                continue
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
            for para in text.split("\n"):
                para = para.strip()
                if 80 <= len(para) <= 1500 and re.search("[ก-๙]", para) and para not in seen:
                    seen.add(para)
                    out.append((para, date))
                    if len(out) >= limit:
                        return out
    return out


def _index(text: str) -> sq.IndexDoc:
    return sq.index_document(text, ())


def index_docs(texts: list[str], cache: Path) -> dict[str, sq.IndexDoc]:
    """Index fields of every paragraph (2 processes), cached on disk."""
    if cache.exists():
        with cache.open("rb") as f:
            done: dict[str, sq.IndexDoc] = pickle.load(f)
        if all(t in done for t in texts):
            return done
    with Pool(2) as pool:
        docs = pool.map(_index, texts, chunksize=200)
    done = dict(zip(texts, docs, strict=True))
    with cache.open("wb") as f:
        pickle.dump(done, f, protocol=pickle.HIGHEST_PROTOCOL)
    return done


def records(paras: list[tuple[str, dt.date]], size: int) -> Iterator[Record]:
    """``size`` pseudo-resolutions, ``PER_DOCUMENT`` to a record, cycling with dates moved back."""
    made = 0
    doc_no = 0
    while made < size:
        cycle, start = divmod(doc_no * PER_DOCUMENT, len(paras))
        chunk = [paras[(start + i) % len(paras)] for i in range(min(PER_DOCUMENT, size - made))]
        date = chunk[0][1] - dt.timedelta(days=3 * 365 * cycle)
        body = BODIES[doc_no % len(BODIES)]
        lines, resolutions, at = [], [], 0
        for i, (text, _) in enumerate(chunk):
            resolutions.append(
                Resolution(
                    number=str(i + 1), kind=KINDS[(doc_no + i) % len(KINDS)], text=text, span=(at, at + len(text))
                )
            )
            lines.append(text)
            at += len(text) + 1
        doc_id = hashlib.sha256(f"{doc_no}".encode()).hexdigest()
        yield Record(
            document=Document(id=doc_id, source_name=f"{doc_no}.txt", media_type="text/plain", text="\n".join(lines)),
            meeting=Meeting(date=date, body=Named(name=body[0], abbreviation=body[1]), session=f"{doc_no % 12 + 1}"),
            resolutions=resolutions,
            actions=[
                Action(
                    agency="ครม.", task=chunk[0][0][:60], due=date + dt.timedelta(days=90), resolution="1", span=(0, 1)
                )
            ],
        )
        made += len(chunk)
        doc_no += 1


def build(url: str, paras: list[tuple[str, dt.date]], docs: dict[str, sq.IndexDoc], size: int) -> float:
    """Load ``size`` resolutions into a fresh store at ``url``; seconds taken (index rebuild included)."""
    original = tables.index_docs
    tables.index_docs = lambda record: [docs[r.text] for r in record.resolutions]  # segmented once
    try:
        with Store(url) as store:
            t0 = time.perf_counter()
            pg = store.dialect == "postgresql"
            if pg:
                with store.engine.begin() as conn:
                    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_resolutions_search")
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {store_module.RUM_INDEX}")
            batch: list[Record] = []
            for r in records(paras, size):
                batch.append(r)
                if len(batch) >= BATCH_DOCUMENTS:
                    store.add_many(batch)
                    batch = []
            if batch:
                store.add_many(batch)
            with store.engine.begin() as conn:
                if pg:
                    conn.exec_driver_sql("SET maintenance_work_mem = '1GB'")
                    if store._rum:
                        conn.exec_driver_sql(
                            f"CREATE INDEX {store_module.RUM_INDEX} ON resolutions USING rum (search rum_tsvector_ops)"
                        )
                    else:
                        conn.exec_driver_sql("CREATE INDEX ix_resolutions_search ON resolutions USING gin (search)")
                    conn.exec_driver_sql("ANALYZE")
                else:
                    conn.exec_driver_sql("ANALYZE")
            if not pg:
                with store.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return time.perf_counter() - t0
    finally:
        tables.index_docs = original


def stored_resolutions(url: str) -> int:
    with Store(url) as store, store.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM resolutions").scalar_one())


def size_mb(url: str, store: Store) -> float:
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one() / 1e6
    path = Path(url.removeprefix("sqlite:///"))
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    files += [p for p in path.parent.glob(path.name + ".index/*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def queries(paras: list[tuple[str, dt.date]], docs: dict[str, sq.IndexDoc], n: int, seed: int) -> list[str]:
    """``n`` queries of 1-3 consecutive content words of random paragraphs."""
    from pythainlp.corpus import thai_stopwords

    stop = thai_stopwords()
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        words = docs[rng.choice(paras)[0]].words
        k = rng.choice((1, 2, 3))
        if len(words) < k:
            continue
        at = rng.randrange(len(words) - k + 1)
        picked = words[at : at + k]
        if all(len(w) > 1 and w not in stop and not w.isdigit() for w in picked):
            out.append(" ".join(picked))
    return out


def percentiles(ms: list[float]) -> str:
    s = sorted(ms)

    def q(p: float) -> float:
        return s[min(len(s) - 1, int(p * len(s)))]

    return f"p50 {q(0.5):6.1f}  p95 {q(0.95):6.1f}  p99 {q(0.99):6.1f} ms"


def latency(store: Store, qs: list[str], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    filters = []
    for _ in qs:
        year = rng.randrange(2005, 2024)
        filters.append(
            Filters(kind=rng.choice(KINDS), date_from=dt.date(year, 1, 1), date_to=dt.date(year + 2, 12, 31))
        )
    runs: dict[str, Callable[[int], object]] = {
        "text": lambda i: store.search(qs[i], limit=20),
        "text+filters": lambda i: store.search(qs[i], filters[i], limit=20),
        "text+filters+facets": lambda i: store.search(qs[i], filters[i], limit=20, facets=True),
        "text+facets": lambda i: store.search(qs[i], limit=20, facets=True),
    }
    out = {}
    for name, run in runs.items():
        for i in range(min(20, len(qs))):
            run(i)  # warm the caches
        ms = []
        for i in range(len(qs)):
            t0 = time.perf_counter()
            run(i)
            ms.append(1000 * (time.perf_counter() - t0))
        out[name] = percentiles(ms)
    return out


WRK_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("p50 %%.1f ms  p95 %%.1f ms  p99 %%.1f ms  errors %%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def load_test(url: str, qs: list[str], seconds: int, work: Path) -> str:
    """``wrk`` against ``uvicorn --workers 2`` serving the store at ``url``: req/s and latency."""
    if shutil.which("wrk") is None:
        return "skipped (wrk not installed: apt-get install wrk)"
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    paths = work / "paths.txt"
    paths.write_text("\n".join("/resolutions?" + urllib.parse.urlencode({"q": q}) for q in qs) + "\n")
    script = work / "queries.lua"
    script.write_text(WRK_LUA % paths)
    env = {**os.environ, "MATI_DATABASE_URL": url, "PYTHAINLP_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--workers", "2",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                return "skipped (uvicorn did not start)"
            time.sleep(0.5)
        for q in qs[:20]:  # warm both workers' tokenisers
            httpx.get(f"http://127.0.0.1:{port}/resolutions", params={"q": q}, timeout=60)
        out = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        tail = out.strip().splitlines()[-1]
        return f"{float(rps[1]) if rps else 0:.0f} req/s  {tail}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--unique", type=int, default=150_000, help="distinct paragraphs to cycle")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--work", type=Path, default=None, help="keep databases and caches here")
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: a throw-away server)")
    ap.add_argument("--load", type=int, default=20, help="seconds of wrk load on the largest store (0: none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reuse", action="store_true", help="query a store of this size built by an earlier run "
                    "(SQLite: in --work; PostgreSQL: at --pg-url)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="mati-scale-"))
    work.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    paras = paragraphs(args.corpus, args.unique)
    docs = index_docs([p for p, _ in paras], work / f"index-{len(paras)}.pickle")
    print(f"{len(paras)} distinct paragraphs segmented in {time.perf_counter() - t0:.0f} s", flush=True)
    qs = queries(paras, docs, args.queries, args.seed)

    server = None
    try:
        for backend in args.backends.split(","):
            for size in [int(s) for s in args.sizes.split(",")]:
                reused = False
                if backend == "sqlite":
                    url = f"sqlite:///{work}/scale-{size}.db"
                    reused = args.reuse and (work / f"scale-{size}.db").exists()
                    for p in [] if reused else work.glob(f"scale-{size}.db*"):
                        shutil.rmtree(p) if p.is_dir() else p.unlink()
                else:
                    if server is None and args.pg_url is None:
                        server = pgserver.start()
                        if server is None:
                            break
                    url = args.pg_url or server.url(server.new_database())  # type: ignore[union-attr]
                    reused = args.reuse and args.pg_url is not None and stored_resolutions(url) == size
                seconds = None if reused else build(url, paras, docs, size)
                with Store(url) as store:
                    mb = size_mb(url, store)
                    built = "reused" if seconds is None else f"built in {seconds:.0f} s"
                    print(f"{backend} {size}: {built}, {mb:.0f} MB", flush=True)
                    for name, line in latency(store, qs, args.seed).items():
                        print(f"{backend} {size} {name:20} {line}", flush=True)
                if args.load and size == max(int(s) for s in args.sizes.split(",")):
                    print(f"{backend} {size} GET /resolutions?q= (2 workers, 16 connections): "
                          f"{load_test(url, qs, args.load, work)}", flush=True)  # fmt: skip
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

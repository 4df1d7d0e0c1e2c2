"""Search quality: recall@10, nDCG@10 (and recall over all matches) per backend and index variant.

    python bench/search_quality.py [--backends sqlite,postgresql] [--pg-url URL] [--judge]

The slice: the first 2,000 items of the thaigov corpus that report a meeting (Thai text
naming ``ประชุม``), read by the real pipeline (for agencies and dates); each paragraph
becomes one resolution, linked to the agencies mentioned in it. Queries and the items
judged relevant are in ``bench/search_queries.json``; ``--judge`` recomputes the
relevant items from each query's ``evidence``: some indexed paragraph of the item holds
every group (any written form of it; Thai digits as Arabic; abbreviations, names and
numbers not as part of a longer one) — candidates found that way were read for a sample
of queries. A hit counts for its item (first occurrence); variants: ``words-only``
(whole newmm words, the old index) and ``final`` (words + syllables + agency names).
PostgreSQL: ``--pg-url`` or a throw-away server started with the Debian binaries.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pgserver  # noqa: E402  (bench/pgserver.py, beside this script)

from corpus.store import Store  # noqa: E402
from mati.record import Agency, Document, Kind, Meeting, Record, Resolution  # noqa: E402
from nlp.normalize import digits  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "thaigov" / "thaigov-v2.jsonl.zst"
QUERIES = ROOT / "bench" / "search_queries.json"
SLICE_ITEMS = 2000
MIN_PARAGRAPH = 40
_DATE = re.compile(r"data/(\d{4})/(\d\d)/(\d\d)/")


def meeting_items(path: Path, n: int = SLICE_ITEMS) -> Iterator[tuple[str, str]]:
    """The first ``n`` items whose Thai text reports a meeting: (path, text)."""
    import zstandard

    with path.open("rb") as raw:
        stream = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        count = 0
        for line in stream:
            item = json.loads(line)
            text = item["text"]
            if "ประชุม" in text and re.search("[ก-๙]", text[:200]):
                yield item["path"], text
                count += 1
                if count >= n:
                    return


def paragraph_record(path: str, text: str) -> Record:
    """The item read by the pipeline, its paragraphs as resolutions (agencies mentioned in each)."""
    from mati.pipeline import process

    record = process(text.encode("utf-8"), path)
    body = record.document.text
    resolutions = []
    for m in re.finditer(r"[^\n]+", body):
        if len(m.group().strip()) < MIN_PARAGRAPH:
            continue
        inside = [a.id for a in record.agencies if any(m.start() <= s < m.end() for s, _ in a.mentions)]
        resolutions.append(
            Resolution(
                number=str(len(resolutions) + 1), kind=Kind.other, text=m.group(), span=m.span(), agencies=inside
            )
        )
    date = record.meeting.date
    if date is None and (d := _DATE.search(path)):
        import datetime as dt

        date = dt.date(int(d[1]), int(d[2]), int(d[3]))
    return Record(
        document=Document(id=record.document.id, source_name=path, media_type="text/plain", text=body),
        meeting=Meeting(date=date, body=record.meeting.body),
        resolutions=resolutions,
        agencies=[Agency(**a.model_dump()) for a in record.agencies],
    )


BOUNDED = {"abbreviation", "full-name", "thai-digits"}  # evidence must not continue a longer name or number


def _evidence(variant: str, bounded: bool) -> re.Pattern[str]:
    v = re.escape(digits(variant).lower())
    return re.compile(rf"(?<![ก-ฮ0-9,.]){v}(?![0-9])" if bounded else v)


def judge(queries: list[dict], records: list[Record]) -> None:
    """Relevant items of each query (in place): some indexed paragraph holds every evidence group."""
    units = [(r.document.source_name, [digits(x.text).lower() for x in r.resolutions]) for r in records]
    for q in queries:
        groups = [[_evidence(v, q["type"] in BOUNDED) for v in g] for g in q["evidence"]]
        q["relevant"] = [
            path for path, paras in units if any(all(any(v.search(t) for v in g) for g in groups) for t in paras)
        ]


def ranked_items(store: Store, query: str, expand: bool) -> list[str]:
    page = store.search(query, limit=20000, expand=expand)
    return list(dict.fromkeys(h.source_name for h in page.items))


def scores(ranking: list[str], relevant: set[str], k: int = 10) -> tuple[float, float, float]:
    """recall@k (of min(k, |relevant|)), nDCG@k (binary gains), recall over the whole ranking."""
    top = ranking[:k]
    got = sum(1 for p in top if p in relevant)
    ideal = min(k, len(relevant))
    dcg = sum(1 / math.log2(i + 2) for i, p in enumerate(top) if p in relevant)
    idcg = sum(1 / math.log2(i + 2) for i in range(ideal))
    return got / ideal, dcg / idcg, len(relevant & set(ranking)) / len(relevant)


def evaluate(store: Store, queries: list[dict]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for variant, expand in (("words-only", False), ("final", True)):
        rows, per_type = [], {}
        t0 = time.perf_counter()
        for q in queries:
            s = scores(ranked_items(store, q["q"], expand), set(q["relevant"]))
            rows.append(s)
            per_type.setdefault(q["type"], []).append(s[0])
        elapsed = time.perf_counter() - t0
        n = len(rows)
        out[variant] = {
            "recall@10": sum(r[0] for r in rows) / n,
            "ndcg@10": sum(r[1] for r in rows) / n,
            "recall@all": sum(r[2] for r in rows) / n,
            "ms/query": 1000 * elapsed / n,
            **{f"recall@10 {t}": sum(v) / len(v) for t, v in sorted(per_type.items())},
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--judge", action="store_true", help="recompute relevant items from the evidence")
    args = ap.parse_args()

    spec = json.loads(QUERIES.read_text(encoding="utf-8"))
    queries = spec["queries"]
    items = list(meeting_items(args.corpus))
    t0 = time.perf_counter()
    records = [paragraph_record(p, t) for p, t in items]
    if args.judge:
        judge(queries, records)
        QUERIES.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    queries = [q for q in queries if q["relevant"]]
    n_res = sum(len(r.resolutions) for r in records)
    took = time.perf_counter() - t0
    print(f"slice: {len(items)} items, {n_res} paragraph resolutions, read in {took:.0f} s; {len(queries)} queries")

    server = None
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/quality.db"
            else:
                url = args.pg_url
                if url is None:
                    server = pgserver.start()
                    if server is None:
                        continue
                    url = server.url(server.new_database())
            try:
                with Store(url) as store:
                    t0 = time.perf_counter()
                    store.add_many(records)
                    built = time.perf_counter() - t0
                    for variant, m in evaluate(store, queries).items():
                        cells = "  ".join(f"{k} {v:.3f}" if "ms" not in k else f"{k} {v:.1f}" for k, v in m.items())
                        print(f"{backend:10} {variant:10} (indexed in {built:.0f} s)  {cells}")
            finally:
                if server is not None:
                    server.stop()
                    server = None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: batch ingest (``mati ingest --workers W``) of thaigov items with 1 and 2 worker processes.

    python bench/ingest_batch.py --items 20000 [--workers 1,2] [--corpus ../shared/data/thaigov/thaigov-v2.jsonl.zst]

Writes the first N items (items over 20k characters skipped) as .txt files into a temporary folder,
then, for each W, runs the real command on that folder into a fresh SQLite store and prints a
markdown table: documents/s (wall time of the command, start-up included) and peak memory: of the
whole process tree (ingest process + fork server + workers, sum of VmRSS sampled every 0.2 s), of
the ingest process alone and of the largest worker (their VmHWM). Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from ingest_search import DEFAULT_CORPUS, items  # noqa: E402


def _status_kb(pid: int, key: str) -> int:
    """A ``VmRSS``/``VmHWM`` line of /proc/PID/status in kB (0 when the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return pids


@dataclass
class Memory:
    """Peak memory of a process tree, sampled from another thread."""

    root: int
    total_kb: int = 0  # largest sum of VmRSS over the tree
    hwm_kb: dict[int, int] = field(default_factory=dict)  # each process's VmHWM, last seen
    done: threading.Event = field(default_factory=threading.Event)

    def sample(self, every: float = 0.2) -> None:
        while not self.done.is_set():
            pids = _tree(self.root)
            self.total_kb = max(self.total_kb, sum(_status_kb(p, "VmRSS") for p in pids))
            for p in pids:
                self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), _status_kb(p, "VmHWM"))
            self.done.wait(every)


def write_items(folder: Path, n: int, corpus: Path, max_chars: int) -> int:
    """Write the first ``n`` items as files; how many were written."""
    count = 0
    for name, text in items(corpus, n, max_chars):
        (folder / Path(name).name).write_text(text, encoding="utf-8")
        count += 1
    return count


def run(folder: Path, workers: int, work: Path) -> dict[str, float]:
    """Ingest ``folder`` with ``workers`` into a fresh store; wall time, counts and peak memory."""
    env = {**os.environ, "MATI_DATABASE_URL": f"sqlite:///{work}/bench-{workers}.db", "PYTHAINLP_OFFLINE": "1",
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "mati.cli", "ingest", "--quiet", "--workers", str(workers),
               "--report", str(work / f"failures-{workers}.jsonl"), str(folder)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=work, stderr=subprocess.PIPE, text=True)
    memory = Memory(proc.pid)
    sampler = threading.Thread(target=memory.sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - started
    memory.done.set()
    sampler.join()
    counts = re.search(r"stored (\d+), already present (\d+), failed (\d+)", stderr)
    if proc.returncode not in (0, 1) or counts is None:
        raise SystemExit(f"ingest with {workers} worker(s) failed ({proc.returncode}):\n{stderr[-2000:]}")
    stored, present, failed = (int(x) for x in counts.groups())
    workers_hwm = [kb for pid, kb in memory.hwm_kb.items() if pid != proc.pid]
    return {"workers": workers, "stored": stored, "failed": failed, "wall": wall,
            "rate": (stored + present + failed) / wall, "total_mb": memory.total_kb / 1024,
            "parent_mb": memory.hwm_kb.get(proc.pid, 0) / 1024, "worker_mb": max(workers_hwm, default=0) / 1024}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--max-chars", type=int, default=20000)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "items"
        folder.mkdir()
        n = write_items(folder, args.items, args.corpus, args.max_chars)
        print(f"{n} thaigov items written to {folder}", file=sys.stderr, flush=True)
        rows = []
        for w in (int(x) for x in args.workers.split(",")):
            rows.append(run(folder, w, work))
            print(f"{w} worker(s): {rows[-1]}", file=sys.stderr, flush=True)
    base = rows[0]["rate"]
    print(f"\nbatch ingest of {n} thaigov items (≤ {args.max_chars} chars), {os.cpu_count()} CPUs\n")
    print("| workers | stored | failed | wall s | docs/s | speed-up | peak RSS all | ingest process | largest worker |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['workers']} | {r['stored']} | {r['failed']} | {r['wall']:.1f} | {r['rate']:.1f} | "
              f"{r['rate'] / base:.2f}x | {r['total_mb']:.0f} MB | {r['parent_mb']:.0f} MB | {r['worker_mb']:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

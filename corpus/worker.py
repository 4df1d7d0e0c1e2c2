"""Isolated processing: each document is read and extracted in a worker process that can be killed.

A worker is one child process with a pipe of its own. The parent sends it one document at a time
and waits for whichever comes first: the answer, the child's death, or the per-document deadline.
A document that runs out of time or memory, or kills its worker (segfault, kill -9), becomes a
MatiError and the worker is replaced; the caller never crashes. Children are forked from a fork
server that has the pipeline imported (cheap to start, never a fork of the threaded parent); each
limits its address space (RLIMIT_AS), runs in its own process group (a timeout also kills its OCR
subprocesses), ignores Ctrl-C (the parent decides) and dies with the fork server, hence with the parent.

Limits: ``MATI_DOC_TIMEOUT`` (seconds, default 120) and ``MATI_DOC_MEMORY_MB`` (default 2048); 0 = none.

Why not pebble's ProcessPool: its workers share one task channel, and a worker that dies right
after taking a task can break the whole pool ("All workers expired"; reproduced with a busy parent),
one killed while holding the channel lock deadlocks it. One pipe per worker has neither problem.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import suppress
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar

from mati.config import settings
from mati.errors import MatiError, ProcessingLimit, ProcessingTimeout, WorkerFailed
from mati.record import Record

Source = bytes | Path  # the document's bytes, or a file the worker reads itself
Task = tuple[Source, str, str | None]  # (source, source name, media type)
Processor = Callable[[bytes, str, str | None], Record]  # a picklable top-level function
K = TypeVar("K")
R = TypeVar("R")

_MEMORY_EXIT = 86  # a worker's exit status after running out of memory
_START_TIMEOUT = 60.0  # seconds for a new worker to be ready (not counted in a document's time)
_PRELOAD = ["nlp.warm"]  # imported once in the fork server: every model loaded, shared by the workers


def limits() -> tuple[float | None, int | None]:
    """(seconds, MB) per document from ``MATI_DOC_TIMEOUT`` / ``MATI_DOC_MEMORY_MB``; None = no limit."""
    current = settings()
    return current.doc_timeout or None, current.doc_memory_mb or None


def pipeline(data: bytes, source_name: str, media_type: str | None) -> Record:
    """The default processor: ``mati.pipeline.process``."""
    from mati.pipeline import process

    return process(data, source_name, media_type)


# --- the child -------------------------------------------------------------------------------


def _out_of_memory(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised while handling, a MemoryError (readers wrap it)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent (the fork server) exits."""
    with suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def _serve(conn: Connection, function: Processor, memory_mb: int | None, env: dict[str, str]) -> None:
    """The worker's loop: answer each task with ("ok", Record) or ("error", MatiError) until the pipe closes."""
    os.setpgrp()
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.clear()
    os.environ.update(env)  # the fork server's environment is the one of its start
    if memory_mb:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = memory_mb * 2**20 if hard == resource.RLIM_INFINITY else min(memory_mb * 2**20, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    conn.send("ready")
    while True:
        try:
            source, name, media_type = conn.recv()
        except EOFError:
            return
        try:
            data = source.read_bytes() if isinstance(source, Path) else source
            answer: tuple[str, object] = ("ok", function(data, name, media_type))
        except Exception as exc:
            if _out_of_memory(exc):
                os._exit(_MEMORY_EXIT)
            answer = ("error", exc if isinstance(exc, MatiError) else WorkerFailed(f"{type(exc).__name__}: {exc}"))
        try:
            conn.send(answer)
        except MemoryError:
            os._exit(_MEMORY_EXIT)
        except Exception as exc:  # an answer that does not pickle
            conn.send(("error", WorkerFailed(f"cannot return the result: {type(exc).__name__}: {exc}")))


# --- the parent ------------------------------------------------------------------------------


@cache
def _context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        with suppress(ValueError):
            return f"the worker process was killed by {signal.Signals(-code).name} while processing it"
    return f"the worker process exited with status {code} while processing it"


class _Worker:
    """One child process and its pipe, (re)started when needed: at first use, after dying or being killed."""

    def __init__(self, start: Callable[[], tuple[BaseProcess, Connection]]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._closed = False
        self._child: tuple[BaseProcess, Connection] | None = None

    def run(self, task: Task, timeout: float | None, memory_mb: int | None) -> Record:
        """Process one task; raises its MatiError, or ProcessingTimeout/ProcessingLimit/WorkerFailed."""
        if self._child is None or not self._child[0].is_alive():
            self._replace()  # first use, or died while idle
        process, conn = self._child  # type: ignore[misc]
        try:
            conn.send(task)
            ready = wait_ready([conn, process.sentinel], timeout)  # the clock starts with a ready worker
        except OSError:  # the pipe broke: it died just now
            ready = [process.sentinel]
        if conn in ready:
            try:
                status, value = conn.recv()
            except (EOFError, OSError):
                pass  # died before answering
            except Exception as exc:  # an answer that does not unpickle here
                raise WorkerFailed(f"cannot read the worker's answer: {type(exc).__name__}: {exc}") from exc
            else:
                if status == "ok":
                    return value
                raise value
        code = self._replace()
        if not ready:
            raise ProcessingTimeout(f"took longer than {timeout:g} s")
        if code == _MEMORY_EXIT:
            raise ProcessingLimit(f"needed more than {memory_mb} MB")
        raise WorkerFailed(_death(code))

    def _kill(self) -> None:
        if self._child is None:
            return
        process = self._child[0]
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # type: ignore[arg-type]
        process.kill()  # in case it had not made its own group yet

    def _reap(self) -> int | None:
        if self._child is None:
            return None
        self._kill()
        process, conn = self._child
        process.join()
        conn.close()
        self._child = None
        return process.exitcode

    def _replace(self) -> int | None:
        """Kill and reap the child, start a fresh one unless closed; the old child's exit code."""
        with self._lock:
            code = self._reap()
            if self._closed:
                raise WorkerFailed("processing was stopped")
            try:
                self._child = self._start()
                started = self._child[1].poll(_START_TIMEOUT) and self._child[1].recv() == "ready"
            except (EOFError, OSError):
                started = False
            if not started:
                self._reap()
                raise WorkerFailed("the worker process did not start")
        return code

    def stop(self) -> None:
        """Kill the child (a run in progress ends with WorkerFailed); start no other."""
        with self._lock:
            self._closed = True
            self._kill()

    def reap(self) -> None:
        """Wait for the stopped child (call once no run is in progress)."""
        with self._lock:
            self._reap()


def completed(futures: Iterable[tuple[K, Future[R]]], window: int) -> Iterator[tuple[K, Future[R]]]:
    """Done futures in completion order, taking the next from ``futures`` only while fewer than ``window`` wait."""
    pending: dict[Future[R], K] = {}
    items = iter(futures)
    more = True
    while more or pending:
        while more and len(pending) < window:
            try:
                key, future = next(items)
            except StopIteration:
                more = False
            else:
                pending[future] = key
        if pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future


def outcome(future: Future[Record]) -> Record | MatiError:
    """The Record of a done future, or its MatiError (other exceptions propagate)."""
    try:
        return future.result()
    except MatiError as e:
        return e


class Workers:
    """``n`` worker processes (0: one per CPU) that process documents under time and memory limits.

    ``timeout`` (s) and ``memory_mb`` default to the MATI_DOC_* settings, 0 = no limit; ``function``
    (a picklable top-level function like ``mati.pipeline.process``) is what a worker runs.
    """

    def __init__(
        self,
        n: int = 1,
        timeout: float | None = None,
        memory_mb: int | None = None,
        function: Processor = pipeline,
    ) -> None:
        default_timeout, default_memory = limits()
        self.n = n if n > 0 else os.cpu_count() or 1
        self.timeout = (default_timeout if timeout is None else timeout) or None
        self.memory_mb = (default_memory if memory_mb is None else memory_mb) or None
        self._function = function
        self._threads = ThreadPoolExecutor(self.n, thread_name_prefix="mati-worker")
        self._local = threading.local()  # each thread drives one worker process
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, source: Source, name: str = "", media_type: str | None = None) -> Future[Record]:
        """Process one document; the future gives its Record or raises a MatiError."""
        return self._threads.submit(self._run, (source, name, media_type))

    def map(self, tasks: Iterable[Task], window: int | None = None) -> Iterator[tuple[Task, Record | MatiError]]:
        """Each task with its Record or MatiError, in completion order; at most ``window`` (2n) in flight."""
        submitted = ((task, self.submit(*task)) for task in tasks)
        for task, future in completed(submitted, window or 2 * self.n):
            yield task, outcome(future)

    def close(self) -> None:
        """Stop: queued documents are dropped, running ones abandoned, the worker processes killed."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
        for worker in workers:
            worker.stop()
        self._threads.shutdown(wait=True, cancel_futures=True)
        for worker in workers:
            worker.reap()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, task: Task) -> Record:
        worker: _Worker | None = getattr(self._local, "worker", None)
        if worker is None:
            with self._lock:
                if self._closed:
                    raise WorkerFailed("processing was stopped")
                worker = self._local.worker = _Worker(self._start)
                self._workers.append(worker)
        return worker.run(task, self.timeout, self.memory_mb)

    def _start(self) -> tuple[BaseProcess, Connection]:
        ctx = _context()
        parent, child = ctx.Pipe()
        process = ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self._function, self.memory_mb, dict(os.environ)), daemon=True
        )
        process.start()
        child.close()
        return process, parent


_shared: list[Workers] = []
_shared_lock = threading.Lock()


def process_isolated(data: bytes, source_name: str = "", media_type: str | None = None) -> Record:
    """``mati.pipeline.process`` in a worker process under the MATI_DOC_* limits (raises a MatiError).

    The workers (one per CPU, at most 4) are shared by all callers and threads of this process and
    started on first use, with the limits in force then.
    """
    with _shared_lock:
        if not _shared:
            _shared.append(Workers(min(4, os.cpu_count() or 1)))
            atexit.register(_shared[0].close)
    return _shared[0].submit(data, source_name, media_type).result()

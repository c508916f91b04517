"""The local engine's reader pool: ``n`` reader processes fed from one priority queue.

Read jobs wait in one queue ordered by application, so applications finish roughly in
input order and the pool never idles while work is left. :func:`read_files_pooled` reads
one application's files through it, big scans as page-range parts (``review.batch_parts``).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Any

from extractor.read import sha256_bytes, sniff
from models.page import ReadResult
from review.batch_parts import SPLIT_MIN_OCR_PAGES, WORKER_META, merge_parts, plan_ranges
from review.batch_progress import BatchStats
from review.pipeline import FileRead


class BatchStopped(Exception):
    """The batch is shutting down (interrupt); the job was not run."""


class ReaderPool:
    """``n`` reader processes fed from one priority queue of read jobs."""

    def __init__(
        self,
        n: int,
        make_reader: Callable[[], Any],
        on_read: Callable[[ReadResult, dict[str, Any] | None], None] | None = None,
        warm: bool = True,
    ) -> None:
        self.readers = [make_reader() for _ in range(n)]
        self.warm = warm
        self._q: queue.PriorityQueue = queue.PriorityQueue()
        self._seq = itertools.count()
        self._stopping = threading.Event()
        self._on_read = on_read
        self.busy_seconds = 0.0
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, args=(r,), name=f"reader-{i}", daemon=True)
            for i, r in enumerate(self.readers)
        ]
        for t in self._threads:
            t.start()

    def submit(self, priority: tuple, data: bytes, name: str, opts: dict[str, Any] | None) -> Future:
        fut: Future = Future()
        if self._stopping.is_set():
            fut.set_exception(BatchStopped())
            return fut
        self._q.put((priority, next(self._seq), (data, name, opts, fut)))
        return fut

    def _loop(self, reader: Any) -> None:
        if self.warm:  # boot the worker and load its extraction stack right away
            with contextlib.suppress(Exception):
                reader.read(b"", "warm-up", opts={"warm": True})
        while True:
            _prio, _seq, job = self._q.get()
            if job is None:
                return
            data, name, opts, fut = job
            if self._stopping.is_set():
                fut.set_exception(BatchStopped())
                continue
            t0 = time.monotonic()
            try:
                res = reader.read(data, name, opts=opts)
            except Exception as exc:  # the reader itself never raises for bad input
                fut.set_exception(exc)
                continue
            if self._stopping.is_set():  # killed by close(): not a property of the file
                fut.set_exception(BatchStopped())
                continue
            with self._lock:
                self.busy_seconds += time.monotonic() - t0
            if self._on_read is not None and "split_plan" not in res.meta:
                self._on_read(res, opts)
            fut.set_result(res)

    def pids(self) -> list[int]:
        return [p for p in (getattr(r, "pid", None) for r in self.readers) if p]

    @property
    def restarts(self) -> int:
        return sum(getattr(r, "restarts", 0) for r in self.readers)

    def close(self, kill: bool = False) -> None:
        if kill:
            self._stopping.set()
            for pid in self.pids():  # the threads waiting on these workers see EOF at once
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
        for _ in self._threads:
            self._q.put(((math.inf,), next(self._seq), None))
        for t in self._threads:
            t.join(timeout=10)
        # jobs still queued after the sentinels: fail them so nobody waits forever
        with contextlib.suppress(queue.Empty):
            while True:
                _p, _s, job = self._q.get_nowait()
                if job is not None:
                    job[3].set_exception(BatchStopped())
        for r in self.readers:
            with contextlib.suppress(Exception):
                r.close()


def read_files_pooled(
    pool: ReaderPool,
    app_index: int,
    files: list[tuple[str, bytes]],
    cache: Any | None,
    workers: int,
    stats: BatchStats,
    stats_lock: threading.Lock,
    split_min: int = SPLIT_MIN_OCR_PAGES,
    cache_db: str | None = None,
    profile: Any = None,
) -> tuple[list[Any], list[list[Any] | None]]:
    """Read an application's files through the pool (all at once), big scans split.

    Returns ``(FileReads, documents)``: ``documents[i]`` is what the worker extracted
    from file ``i`` (None: extract in this process).
    """
    out: list[Any] = [None] * len(files)
    documents: list[list[Any] | None] = [None] * len(files)
    pending: dict[Future, tuple] = {}
    parts: dict[int, list[tuple[int, int, ReadResult]]] = {}
    expected: dict[int, tuple[int, int]] = {}
    digests: list[str] = []

    def finish(i: int, res: ReadResult) -> None:
        rel = files[i][0]
        res.file = rel
        res.sha256 = res.sha256 or digests[i]
        done_by_worker = res.meta.pop(WORKER_META, None) or {}
        documents[i] = done_by_worker.get("documents")
        if cache is not None and not done_by_worker.get("cached") and not res.meta.get("isolation_failure"):
            cache.put(res)
        out[i] = FileRead(rel, res)

    for i, (rel, data) in enumerate(files):
        digest = sha256_bytes(data)
        digests.append(digest)
        hit = cache.get(digest) if cache is not None else None
        if hit is not None:
            hit.file = rel
            out[i] = FileRead(rel, hit, cached=True)
            with stats_lock:
                stats.add_cached(hit)
            continue
        opts: dict[str, Any] = {"sha256": digest, "extract": True}
        if profile is not None:
            opts["profile"] = profile  # the workers read with the call's directions and doc types
        if cache is not None and cache_db:
            opts["cache_db"] = cache_db
        if split_min and sniff(data) == "pdf":
            opts["plan_min_pages"] = split_min
        pending[pool.submit((app_index, 0, i, 0), data, rel, opts)] = ("file", i)
    while pending:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for fut in done:
            kind, i, *span = pending.pop(fut)
            res = fut.result()  # BatchStopped propagates
            if kind == "file":
                plan = res.meta.get("split_plan")
                if not plan:
                    finish(i, res)
                    continue
                rel, data = files[i]
                ranges = plan_ranges(plan, workers)
                parts[i] = []
                expected[i] = (len(ranges), int(plan["page_count"]))
                for c, (a, b) in enumerate(ranges):
                    f = pool.submit((app_index, 1, i, c), data, rel, {"sha256": digests[i], "pages": [a, b]})
                    pending[f] = ("part", i, a, b)
            else:
                parts[i].append((span[0], span[1], res))
                if len(parts[i]) == expected[i][0]:
                    merged = merge_parts(files[i][0], digests[i], expected[i][1], parts.pop(i))
                    with stats_lock:
                        stats.files_read += 1
                        stats.split_files += 1
                        stats.split_parts += expected[i][0]
                    finish(i, merged)
    return out, documents

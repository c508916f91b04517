"""Batch statistics, the progress bar and the readers' peak memory (RSS)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil
from tqdm import tqdm

from models.page import ReadResult


@dataclass
class BatchStats:
    applications: int = 0
    resumed: int = 0  # already done in an earlier run, not verified again
    verified: int = 0
    files: int = 0
    files_read: int = 0
    cache_hits: int = 0
    pages: int = 0
    ocr_pages: int = 0
    text_pages: int = 0
    split_files: int = 0
    split_parts: int = 0
    isolation_failures: int = 0
    worker_restarts: int = 0
    read_seconds: float = 0.0  # summed worker time
    seconds: float = 0.0
    workers: int = 0
    ocr_threads: int | None = None
    engine: str = "local"
    peak_rss_mb: dict[str, float] = field(default_factory=dict)

    def add_read(self, res: ReadResult, part: bool = False) -> None:
        self.files_read += 0 if part else 1
        self.pages += len(res.pages)
        self.ocr_pages += sum(1 for p in res.pages if p.method == "ocr")
        self.text_pages += sum(1 for p in res.pages if p.method == "text")
        if res.meta.get("isolation_failure"):
            self.isolation_failures += 1

    def add_cached(self, res: ReadResult) -> None:
        self.cache_hits += 1
        self.pages += len(res.pages)


class Progress:
    """tqdm bar: applications done (with ETA), pages and OCR pages read, pages/s."""

    def __init__(self, total: int, initial: int, stats: BatchStats, enabled: bool) -> None:
        self.stats = stats
        self._lock = threading.Lock()
        self._t0 = time.monotonic()
        self.bar = None
        if enabled and total:
            self.bar = tqdm(total=total, initial=initial, desc="申报材料", unit="份", dynamic_ncols=True)

    def _postfix(self) -> None:
        s = self.stats
        rate = s.pages / max(time.monotonic() - self._t0, 1e-6)
        self.bar.set_postfix_str(f"页 {s.pages}（OCR {s.ocr_pages}）{rate:.1f} 页/秒", refresh=False)  # type: ignore[union-attr]

    def pages_changed(self) -> None:
        if self.bar is not None:
            with self._lock:
                self._postfix()

    def app_done(self) -> None:
        if self.bar is not None:
            with self._lock:
                self.bar.update(1)
                self._postfix()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class RssMonitor:
    """Samples the resident memory of the reader processes (psutil) to report the peak."""

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.25) -> None:
        self._pids = pids
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-monitor", daemon=True)
        self._interval = interval

    def __enter__(self) -> RssMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        procs: dict[int, Any] = {}
        children: dict[int, list[Any]] = {}
        tick = 0
        while not self._stop.wait(self._interval):
            # finding a process's children scans every process of the machine: the
            # helpers a reader spawned are looked up every 8th sample only
            rescan = tick % 8 == 0
            tick += 1
            for pid in self._pids():
                with contextlib.suppress(psutil.Error):
                    proc = procs.get(pid)
                    if proc is None:
                        proc = procs[pid] = psutil.Process(pid)
                    rss = proc.memory_info().rss
                    if rescan or pid not in children:
                        children[pid] = proc.children(recursive=True)
                    for child in children[pid]:
                        with contextlib.suppress(psutil.Error):
                            rss += child.memory_info().rss
                    self.peak[pid] = max(self.peak.get(pid, 0), rss)

    def peak_mb(self) -> dict[str, float]:
        return {str(pid): round(v / 2**20, 1) for pid, v in sorted(self.peak.items())}

"""Batch verification of a whole intake (``evreview batch ROOT --out DIR``).

Design
------
* **Reader pool.** ``workers`` isolated reader processes (``review.worker.IsolatedReader``:
  memory cap, own process group, per-task time limit, killed and replaced when they
  die), each loading the OCR model once. With more than one worker every process runs
  onnxruntime with one thread (``EVREVIEW_OCR_THREADS=1``) so they don't oversubscribe
  the cores. Read jobs wait in one priority queue ordered by application, so
  applications finish roughly in input order and the pool never idles while work is left.
* **Applications.** ``workers + 1`` coordinator threads each take one application:
  list its files (``iter_package``), look every file up in the read cache (sha256 +
  ``EXTRACTOR_VERSION``), submit all misses to the pool at once, then classify, extract
  and run the rules (``review.pipeline.assemble``) while the pool reads the next ones.
* **Big scans.** A PDF job first asks the worker for a *split plan*: a PDF with at least
  ``SPLIT_MIN_OCR_PAGES`` pages that will need OCR comes back as a plan instead of a
  read; its pages are then read as page ranges by whichever workers are free
  (:func:`read_part`) and merged in page order (:func:`merge_parts`). A single 40-page
  scan therefore uses every worker, and each range gets the full per-file time limit.
* **Resumable, atomic.** Every output is written to a temporary file and renamed.
  ``DIR/.evreview-batch/journal.jsonl`` records ``start``/``done`` events; a ``done``
  record (input fingerprint + sha256 of the JSON) is appended and fsynced *before*
  the application's JSON is renamed into place. On a re-run an application is skipped
  when its JSON exists, hashes to the journalled value and its inputs' fingerprint is
  unchanged; anything else (killed mid-way, inputs changed) is verified again, and the
  read cache makes that cheap for files already read.
* **Engines.** ``engine="local"`` is described above; ``engine="ray"`` runs the same
  per-application work as Ray tasks (``review.ray_engine``), with the same journal.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import math
import os
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extractor.read import ReadContext, read_bytes, sha256_bytes, sniff
from extractor.version import code_version
from models.contract import ApplicationResult, Finding
from models.page import ReadResult
from review.atomic import write_text_atomic
from review.pipeline import assemble

log = logging.getLogger("evreview.batch")

JOURNAL_DIR = ".evreview-batch"
JOURNAL_NAME = "journal.jsonl"
# A PDF with at least this many pages needing OCR is read as page ranges in parallel.
SPLIT_MIN_OCR_PAGES = int(os.environ.get("EVREVIEW_SPLIT_MIN_OCR_PAGES", "4"))
# Pages needing OCR per range (bounds a range's time well under the per-file limit).
SPLIT_MAX_OCR_PAGES = 6
SPLIT_MIN_TEXT_CHARS = 200  # a page with less text and an image is probably a scan


# -- intake ----------------------------------------------------------------------------


def find_applications(root: Path) -> list[Path]:
    """Application folders and zips directly under ROOT (CONTRACT section 1)."""
    apps = []
    for p in sorted(root.iterdir()):
        if p.name.startswith((".", "_", "~$")):
            continue
        if p.is_dir() or (p.is_file() and p.suffix.lower() == ".zip"):
            apps.append(p)
    return apps


# What an application's result depends on besides its files: the reading, extraction,
# rule and report code (a digest of their sources, so an upgrade never reuses a result).
RESULTS_VERSION = code_version("extractor", "models", "verifiers", "review")


def fingerprint(app_path: Path, policy_name: str | None, direction: str | None = None) -> str:
    """Cheap fingerprint of an application's inputs (names, sizes, mtimes) and settings."""
    h = hashlib.sha256()
    h.update(f"{RESULTS_VERSION}|{policy_name}|{direction}".encode())
    files = [app_path] if app_path.is_file() else sorted(q for q in app_path.rglob("*") if q.is_file())
    for q in files:
        st = q.stat()
        h.update(f"{q.relative_to(app_path.parent)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- splitting big scans (runs inside the reader worker) ------------------------------


def _split_plan(data: bytes, ctx: ReadContext, min_ocr_pages: int) -> dict[str, Any] | None:
    """Pages of a PDF that will probably need OCR, when there are enough to split."""
    import pymupdf

    if len(data) > ctx.limits.max_file_bytes:
        return None
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        if doc.needs_pass or doc.page_count < min_ocr_pages or doc.page_count > ctx.limits.max_pages:
            return None
        ocr_pages = []
        for i in range(doc.page_count):
            page = doc[i]
            if ctx.force_ocr:
                ocr_pages.append(i)
                continue
            chars = len(page.get_text("text").strip())
            if chars == 0 or (chars < SPLIT_MIN_TEXT_CHARS and page.get_images()):
                ocr_pages.append(i)
        if len(ocr_pages) < min_ocr_pages:
            return None
        return {"page_count": doc.page_count, "ocr_pages": ocr_pages}


_PAGE_REF = re.compile(r"第\s*([0-9][0-9、,，\-–]*)\s*页")


def _shift_page_refs(text: str, offset: int) -> str:
    """Renumber "第 N 页" / "第 1-3、5 页" in a message by ``offset``.

    >>> _shift_page_refs("第 2 页无法读取；第 1-3、5 页需要 OCR", 10)
    '第 12 页无法读取；第 11-13、15 页需要 OCR'
    """
    if not offset:
        return text

    def fix(m: re.Match[str]) -> str:
        inner = re.sub(r"[0-9]+", lambda d: str(int(d.group()) + offset), m.group(1))
        return m.group(0).replace(m.group(1), inner, 1)

    return _PAGE_REF.sub(fix, text)


def _read_range(data: bytes, name: str, ctx: ReadContext, start: int, stop: int, digest: str) -> ReadResult:
    """Read pages ``start..stop-1`` (0-based) of a PDF; pages keep their numbers in the file."""
    import pymupdf

    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            total = doc.page_count
            doc.select(list(range(start, min(stop, total))))
            sub = doc.tobytes(garbage=1)
    except Exception as exc:
        return ReadResult(
            file=name,
            sha256=digest,
            kind="pdf",
            errors=[f"第 {start + 1}-{stop} 页无法读取（{type(exc).__name__}）"],
        )
    # the rewritten page range is no longer the signed file: check the signature once, on
    # the whole file, with the first range
    check, ctx.check_signatures = ctx.check_signatures, False
    try:
        res = read_bytes(sub, name, ctx)
    finally:
        ctx.check_signatures = check
    if check and start == 0 and sniff(data) == "pdf":
        from extractor.read import signature_meta

        res.meta["signature"] = signature_meta(data, "pdf", ctx.limits)
    for page in res.pages:
        page.number += start
        page.warnings = [_shift_page_refs(w, start) for w in page.warnings]
    res.warnings = [_shift_page_refs(w, start) for w in res.warnings]
    res.errors = [_shift_page_refs(e, start) for e in res.errors]
    for info in res.meta.get("pages", []):
        if isinstance(info, dict) and "number" in info:
            info["number"] += start
    res.meta["page_count"] = total
    res.sha256 = digest
    return res


def read_part(data: bytes, name: str, ctx: ReadContext, opts: dict[str, Any]) -> ReadResult:
    """Reader-worker entry for batch jobs. Never raises for bad input.

    ``opts["pages"] = [start, stop]`` reads that 0-based page range of a PDF.
    ``opts["plan_min_pages"] = k`` returns, for a PDF with ≥ k pages needing OCR, an
    empty ReadResult whose ``meta["split_plan"]`` lists them; otherwise reads the file.
    """
    if opts.get("warm"):
        return _warm_up()
    digest = opts.get("sha256") or sha256_bytes(data)
    if opts.get("pages"):
        start, stop = (int(x) for x in opts["pages"])
        return _read_range(data, name, ctx, start, stop, digest)
    min_pages = int(opts.get("plan_min_pages") or 0)
    if min_pages and sniff(data) == "pdf":
        try:
            plan = _split_plan(data, ctx, min_pages)
        except Exception:
            plan = None  # the normal read reports what is wrong with the file
        if plan:
            return ReadResult(file=name, sha256=digest, kind="pdf", meta={"split_plan": plan})
    res = read_bytes(data, name, ctx)
    if opts.get("extract"):
        _finish_in_worker(res, opts.get("cache_db"), opts.get("profile"))
    return res


_WORKER_CACHE: dict[str, Any] = {}
WORKER_META = "_batch_worker"  # meta key of what the worker did besides reading


def _warm_up() -> ReadResult:
    """Load the reading and extraction stack in a reader worker before the first real job
    (a no-op in a reader forked from the warmed fork server; see ``review.reader_stack``)."""
    from review import reader_stack

    reader_stack.warm()
    return ReadResult(file="warm-up", sha256="", kind="unknown")


def close_worker_caches() -> None:
    """Close the cache connections a reader worker opened (before it exits)."""
    while _WORKER_CACHE:
        _, cache = _WORKER_CACHE.popitem()
        with contextlib.suppress(Exception):
            cache.close()


def _finish_in_worker(res: ReadResult, cache_db: str | None, profile: Any = None) -> None:
    """In the reader worker: extract the documents and cache the ReadResult.

    The documents travel back in ``res.meta[WORKER_META]``; when the worker cached
    the full result, the page lines are dropped from what is sent back (the parent
    needs only the documents, page counts and messages), which keeps the parent — the
    one process that cannot run in parallel — out of text extraction entirely.
    ``profile``: the policy's direction words and added doc types (``Policy.extraction``).
    """
    from extractor.extract import extract_documents

    try:
        docs = extract_documents(res, profile)
    except Exception:
        docs = None  # the parent extracts again and reports the error in context
    cached = False
    if cache_db and not res.meta.get("isolation_failure"):
        try:
            cache = _WORKER_CACHE.get(cache_db)
            if cache is None:
                from review.cache import ReadCache

                cache = _WORKER_CACHE[cache_db] = ReadCache(cache_db)
            cache.put(res)
            cached = True
        except Exception:
            cached = False  # the parent caches it
    if docs is not None and cached:
        res.pages = [p.model_copy(update={"lines": [], "tables": [], "barcodes": []}) for p in res.pages]
    res.meta[WORKER_META] = {"documents": docs, "cached": cached}


def plan_ranges(
    plan: dict[str, Any], workers: int, max_ocr_pages: int = SPLIT_MAX_OCR_PAGES
) -> list[tuple[int, int]]:
    """Contiguous page ranges covering the file, each with a similar number of OCR pages.

    >>> plan_ranges({"page_count": 10, "ocr_pages": list(range(10))}, workers=2)
    [(0, 2), (2, 5), (5, 8), (8, 10)]
    >>> plan_ranges({"page_count": 5, "ocr_pages": [1, 2, 3, 4]}, workers=8)
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    n = int(plan["page_count"])
    ocr = sorted(int(i) for i in plan["ocr_pages"])
    k = len(ocr)
    if k == 0:
        return [(0, n)]
    chunks = max(min(k, 2 * max(workers, 1)), math.ceil(k / max_ocr_pages))
    cuts = [0]
    for c in range(1, chunks):
        cut = ocr[round(c * k / chunks)]  # each range starts at an OCR page
        if cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(n)
    return list(itertools.pairwise(cuts))


def merge_parts(
    name: str, digest: str, page_count: int, parts: list[tuple[int, int, ReadResult]]
) -> ReadResult:
    """One ReadResult from page-range reads, in page order."""
    merged = ReadResult(
        file=name, sha256=digest, kind="pdf", meta={"page_count": page_count, "split_parts": len(parts)}
    )
    page_meta: list[Any] = []
    for start, stop, res in sorted(parts, key=lambda t: t[0]):
        merged.pages.extend(res.pages)
        merged.ocr_calls += res.ocr_calls
        if res.meta.get("isolation_failure"):
            merged.meta["isolation_failure"] = True
            merged.errors.extend(f"第 {start + 1}-{stop} 页：{e}" for e in res.errors)
        else:
            merged.errors.extend(e for e in res.errors if e not in merged.errors)
        merged.warnings.extend(w for w in res.warnings if w not in merged.warnings)
        page_meta.extend(res.meta.get("pages", []))
        for key, value in res.meta.items():
            if key not in ("pages", "page_count", "isolation_failure", "elapsed_s"):
                merged.meta.setdefault(key, value)
        if res.structured and merged.structured is None:
            merged.structured = res.structured
    if page_meta:
        merged.meta["pages"] = page_meta
    return merged


# -- journal ---------------------------------------------------------------------------


class Journal:
    """Append-only JSON-lines log of a batch; the record of what is done."""

    def __init__(self, out: Path) -> None:
        self.path = out / JOURNAL_DIR / JOURNAL_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def records(self) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        out = []
        for line in lines:
            with contextlib.suppress(ValueError):
                rec = json.loads(line)
                if isinstance(rec, dict):
                    out.append(rec)
        return out  # a line cut short by a kill is simply ignored

    def append(self, event: str, sync: bool = False, **data: Any) -> None:
        rec = {"event": event, "t": round(time.time(), 3), "pid": os.getpid(), **data}
        line = json.dumps(rec, ensure_ascii=False) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())

    def done(self) -> dict[str, dict[str, Any]]:
        """Last ``done`` record per application (``rewritten``: its JSON written again with
        the batch findings that name it)."""
        return {r["app"]: r for r in self.records() if r.get("event") in ("done", "rewritten") and "app" in r}


def failed_result(app_id: str, exc: BaseException, direction: str | None, policy: Any) -> ApplicationResult:
    """An application whose processing raised: a ``review`` result that says so."""
    from review.pipeline import assemble

    msg = f"申报材料处理出错（{type(exc).__name__}: {str(exc)[:200]}），请人工复核"
    return assemble(app_id, [], [msg], direction, policy)


def _own_findings(app: ApplicationResult) -> ApplicationResult:
    if all(f.applications is None for f in app.findings):
        return app
    from models.contract import compute_verdict

    own = [f for f in app.findings if f.applications is None]
    return app.model_copy(update={"findings": own, "verdict": compute_verdict(own)})


def _rewrite_named(
    out: Path, journal: Journal, apps: list[ApplicationResult], batch_findings: list[Finding]
) -> None:
    """Write again ``<id>.json`` of every application a batch finding names: the finding is
    among its findings and counts in its verdict; the journal gets the new digest so that a
    resumed batch still recognises the file."""
    from review.reports import attach_batch_findings

    done = journal.done()
    for before, after in zip(apps, attach_batch_findings(apps, batch_findings), strict=True):
        if after is before:
            continue
        text, digest = result_json(after)
        record = done.get(after.application_id)
        if record is not None:
            journal.append(
                "rewritten",
                sync=True,
                **{
                    **{k: v for k, v in record.items() if k not in ("event", "t", "pid")},
                    "sha256": digest,
                    "verdict": after.verdict,
                },
            )
        write_text_atomic(out / f"{after.application_id}.json", text)


def result_json(app: ApplicationResult) -> tuple[str, str]:
    text = app.to_json()
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _done_bytes(path: Path, record: dict[str, Any] | None, fp: str) -> bytes | None:
    """The JSON of an application an earlier run finished, if still valid for ``fp``."""
    if not record or record.get("fp") != fp:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return raw if hashlib.sha256(raw).hexdigest() == record.get("sha256") else None


OUTPUT_FILES = (
    "summary.json",
    "discrepancies.csv",
    "discrepancies.xlsx",
    "推荐汇总表.docx",
    "推荐汇总表.xlsx",
)


# -- statistics and progress -------------------------------------------------------------


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
            from tqdm import tqdm

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


class _RssMonitor:
    """Samples the resident memory of the reader processes (psutil) to report the peak."""

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.25) -> None:
        self._pids = pids
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-monitor", daemon=True)
        self._interval = interval

    def __enter__(self) -> _RssMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
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


# -- local engine: reader pool -------------------------------------------------------------


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
            import signal

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
    from review.pipeline import FileRead

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


def run_batch(
    root: Path,
    out: Path,
    workers: int | None = None,
    engine: str = "local",
    address: str | None = None,
    direction: str | None = None,
    policy_name: str | None = None,
    use_cache: bool = True,
    db: str | None = None,
    isolation: bool = True,
    show_progress: bool = True,
    on_result: Callable[[ApplicationResult], None] | None = None,
    resume: bool | None = None,
    ocr_threads: int | None = None,
    split_min_pages: int | None = None,
) -> dict[str, Any]:
    """Verify every application under ``root``; write CONTRACT section 5 into ``out``.

    ``resume`` (default: ``use_cache``) skips applications already done by an earlier
    run with unchanged inputs; ``use_cache=False`` (``--no-cache``) re-reads and
    re-verifies everything. ``ocr_threads`` defaults to ``EVREVIEW_OCR_THREADS`` or, with
    more than one worker, 1. Returns ``summary.json``'s content plus ``seconds``.
    """
    from review.pipeline import application_id_of
    from review.reports import write_batch_outputs
    from verifiers import DEFAULT_POLICY, load_policy, run_batch_rules

    started = time.monotonic()
    if engine == "local" and isolation:
        from review.worker import start_reader_server

        start_reader_server()  # loads the readers' stack while this process plans the batch
    apps = find_applications(root)
    out.mkdir(parents=True, exist_ok=True)
    policy = load_policy(policy_name or DEFAULT_POLICY)
    workers = max(1, workers or default_workers())
    if not isolation:
        workers = 1  # one OCR engine in this process: no concurrent reads
    if ocr_threads is None:
        env = os.environ.get("EVREVIEW_OCR_THREADS", "").strip()
        ocr_threads = int(env) if env.isdigit() and int(env) > 0 else (1 if workers > 1 else None)
    resume = use_cache if resume is None else resume
    split_min = SPLIT_MIN_OCR_PAGES if split_min_pages is None else split_min_pages

    stats = BatchStats(applications=len(apps), workers=workers, ocr_threads=ocr_threads, engine=engine)
    journal = Journal(out)
    done_records = journal.done() if resume else {}
    results: dict[int, ApplicationResult] = {}
    prior: dict[int, bytes] = {}  # JSON of applications done by an earlier run
    digests: dict[int, str] = {}  # sha256 of every application's JSON
    todo: list[tuple[int, Path, str]] = []
    for idx, app_path in enumerate(apps):
        fp = fingerprint(app_path, f"{policy.name}@{policy.digest}", direction)
        app_id = application_id_of(app_path)
        raw = _done_bytes(out / f"{app_id}.json", done_records.get(app_id), fp) if resume else None
        if raw is not None:
            prior[idx] = raw
            digests[idx] = done_records[app_id]["sha256"]
            stats.resumed += 1
        else:
            todo.append((idx, app_path, fp))
    journal.append(
        "batch_start", root=str(root), todo=len(todo), resumed=stats.resumed, engine=engine, workers=workers
    )

    progress = Progress(len(apps), stats.resumed, stats, show_progress)
    stats_lock = threading.Lock()

    def record(
        idx: int, app_path: Path, fp: str, res: ApplicationResult, seconds: float, final: bool = True
    ) -> None:
        """Persist one finished application: journal first (fsync), then its JSON.

        ``final=False`` (processing failed): the JSON is written but the application
        is not journalled as done, so the next run tries it again.
        """
        text, digest = result_json(res)
        journal.append(
            "done" if final else "error",
            sync=True,
            app=res.application_id,
            fp=fp,
            sha256=digest,
            verdict=res.verdict,
            seconds=round(seconds, 2),
        )
        write_text_atomic(out / f"{res.application_id}.json", text)
        with stats_lock:
            results[idx] = res
            if final:
                digests[idx] = digest
            stats.verified += 1
        progress.app_done()
        if on_result is not None:
            on_result(res)

    try:
        if engine == "ray":
            from review.ray_engine import run_ray

            run_ray(
                todo,
                record=record,
                journal=journal,
                stats=stats,
                progress=progress,
                address=address,
                direction=direction,
                policy_name=policy_name or DEFAULT_POLICY,
                db=(db or "data/evreview.db") if use_cache else None,
                split_min=split_min,
            )
        else:
            _run_local(
                todo,
                record,
                journal,
                stats,
                stats_lock,
                progress,
                workers,
                ocr_threads,
                direction,
                policy,
                use_cache,
                db,
                isolation,
                split_min,
            )
    finally:
        progress.close()
        stats.seconds = round(time.monotonic() - started, 2)
        journal.append("batch_end", complete=len(results) + len(prior) == len(apps), stats=asdict(stats))

    # Batch outputs depend only on the applications' results and the policy: when none
    # changed since the outputs were last written, they are up to date.
    outputs_key = hashlib.sha256(
        json.dumps(
            [policy.name, policy.digest, RESULTS_VERSION, [digests.get(i) for i in range(len(apps))]]
        ).encode()
    ).hexdigest()
    last = [r for r in journal.records() if r.get("event") == "outputs"]
    if (
        resume
        and len(digests) == len(apps)
        and last
        and last[-1].get("key") == outputs_key
        and all((out / name).is_file() for name in OUTPUT_FILES)
    ):
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        elapsed = time.monotonic() - started
        summary["seconds"] = elapsed
        summary["stats"] = {**asdict(stats), "seconds": round(elapsed, 3), "outputs_unchanged": True}
        return summary
    for idx, raw in prior.items():
        results[idx] = ApplicationResult.model_validate_json(raw)
    # results of an earlier run carry the batch findings attached then: start from their own
    ordered = [_own_findings(results[i]) for i in sorted(results)]
    batch_findings = run_batch_rules(ordered, policy)
    _rewrite_named(out, journal, ordered, batch_findings)
    elapsed = time.monotonic() - started
    stats.seconds = round(elapsed, 2)
    write_batch_outputs(
        out,
        ordered,
        batch_findings,
        extra={"seconds": round(elapsed, 2), "policy": policy.name, "stats": asdict(stats)},
    )
    journal.append("outputs", sync=True, key=outputs_key)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["seconds"] = elapsed
    return summary


def _run_local(
    todo: list[tuple[int, Path, str]],
    record: Callable[[int, Path, str, ApplicationResult, float], None],
    journal: Journal,
    stats: BatchStats,
    stats_lock: threading.Lock,
    progress: Progress,
    workers: int,
    ocr_threads: int | None,
    direction: str | None,
    policy: Any,
    use_cache: bool,
    db: str | None,
    isolation: bool,
    split_min: int,
) -> None:
    if not todo:
        return
    from extractor.zipsafe import iter_package
    from review.cache import ReadCache
    from review.pipeline import application_id_of
    from review.worker import InProcessReader, IsolatedReader

    cache_db = str(Path(db or "data/evreview.db").resolve()) if use_cache else None
    cache = ReadCache(cache_db) if cache_db else None
    n_readers = workers
    profile = getattr(policy, "extraction", None)
    if profile is not None and profile.is_builtin():
        profile = None
    # load the rules/extraction stack here while the workers boot
    warm = threading.Thread(target=_warm_parent, args=(policy,), daemon=True)
    warm.start()
    if isolation:
        # the OCR runtime probe (once per machine) before the first scanned page
        from extractor.ocr import prepare_runtime_choice

        threading.Thread(target=prepare_runtime_choice, args=(ocr_threads or -1,), daemon=True).start()

    def on_read(res: ReadResult, opts: dict[str, Any] | None) -> None:
        with stats_lock:
            stats.add_read(res, part=bool(opts and opts.get("pages")))
        progress.pages_changed()

    def make_reader() -> Any:
        return IsolatedReader(ocr_threads=ocr_threads) if isolation else InProcessReader()

    pool = ReaderPool(n_readers, make_reader, on_read=on_read)
    stopping = threading.Event()

    def one(idx: int, app_path: Path, fp: str) -> None:
        if stopping.is_set():
            return
        t0 = time.monotonic()
        app_id = application_id_of(app_path)
        journal.append("start", app=app_id, fp=fp)
        try:
            files, package_errors = iter_package(app_path)
            with stats_lock:
                stats.files += len(files)
            reads, documents = read_files_pooled(
                pool,
                idx,
                files,
                cache,
                workers,
                stats,
                stats_lock,
                split_min,
                cache_db=cache_db,
                profile=profile,
            )
            res = assemble(app_id, reads, package_errors, direction, policy, documents=documents)
        except BatchStopped:
            return
        except Exception as exc:  # a bug must cost one application, not the batch
            if stopping.is_set():
                return
            log.exception("application %s failed", app_id)
            res = failed_result(app_id, exc, direction, policy)
            record(idx, app_path, fp, res, time.monotonic() - t0, final=False)
            return
        if stopping.is_set():
            return  # reads may have been cut short by the shutdown: don't record
        record(idx, app_path, fp, res, time.monotonic() - t0)

    monitor = _RssMonitor(pool.pids)
    clean = False
    try:
        with (
            monitor,
            ThreadPoolExecutor(max_workers=min(len(todo), workers + 1), thread_name_prefix="app") as ex,
        ):
            futures = [ex.submit(one, idx, p, fp) for idx, p, fp in todo]
            try:
                for fut in futures:
                    fut.result()
                clean = True
            except BaseException:
                stopping.set()
                for f in futures:
                    f.cancel()
                pool.close(kill=True)
                raise
    finally:
        if clean:
            pool.close()
        stats.worker_restarts = pool.restarts
        stats.read_seconds = round(pool.busy_seconds, 2)
        stats.peak_rss_mb = monitor.peak_mb()
        if cache is not None:
            cache.close()


def _warm_parent(policy: Any) -> None:
    """Load the rules and the report writers in this process while the readers start
    (the fork server keeps one core busy for about a second; this uses the other)."""
    with contextlib.suppress(Exception):
        assemble("warm-up", [], [], None, policy)
    with contextlib.suppress(Exception):
        import docx  # noqa: F401  (附件2 as Word)
        import openpyxl  # noqa: F401  (problem list, 附件2 as Excel)

        import review.reports  # noqa: F401


def format_summary(summary: dict[str, Any], out: Path | str) -> str:
    """The closing lines ``evreview batch`` prints (Chinese)."""
    apps = summary.get("applications", [])
    counts = Counter(a.get("verdict") for a in apps)
    st = summary.get("stats") or {}
    lines = [
        f"完成：{len(apps)} 份申报，通过 {counts['pass']}，不通过 {counts['fail']}，需人工复核 {counts['review']}；"
        f"用时 {float(summary.get('seconds', 0)):.1f} 秒；结果目录 {out}"
    ]
    if st:
        lines.append(
            f"本次核验 {st.get('verified', 0)} 份、沿用上次结果 {st.get('resumed', 0)} 份；"
            f"读取文件 {st.get('files_read', 0)} 个、缓存命中 {st.get('cache_hits', 0)} 个；"
            f"页数 {st.get('pages', 0)}（OCR {st.get('ocr_pages', 0)}）；"
            f"读取失败（超时/崩溃）{st.get('isolation_failures', 0)} 个；"
            f"{st.get('engine', 'local')} · {st.get('workers', 0)} 个读取进程"
        )
    return "\n".join(lines)

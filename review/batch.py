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

The rooms: ``review.batch_intake`` (the applications, their fingerprint),
``review.batch_parts`` (page-range parts: planned and read inside a reader worker, merged
here), ``review.batch_journal`` (the journal, the outputs' files), ``review.batch_pool``
(the reader pool), ``review.batch_progress`` (statistics, progress bar, RSS); this module
orchestrates them. One :class:`BatchRun` carries a run's settings to either engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from extractor.ocr import prepare_runtime_choice
from extractor.zipsafe import iter_package
from models import settings
from models.contract import ApplicationResult
from models.page import ReadResult
from models.vocab import DEFAULT_DB
from review.atomic import write_text_atomic
from review.batch_intake import RESULTS_VERSION, default_workers, find_applications, fingerprint
from review.batch_journal import (
    JOURNAL_DIR,
    JOURNAL_NAME,
    OUTPUT_FILES,
    Journal,
    done_bytes,
    result_json,
    rewrite_named,
)
from review.batch_parts import (
    SPLIT_MAX_OCR_PAGES,
    SPLIT_MIN_OCR_PAGES,
    WORKER_META,
    close_worker_caches,
    merge_parts,
    plan_ranges,
    read_part,
)
from review.batch_pool import BatchStopped, ReaderPool, read_files_pooled
from review.batch_progress import BatchStats, Progress, RssMonitor
from review.batch_run import BatchRun, RunState
from review.cache import ReadCache
from review.pipeline import application_id_of, assemble, failed_result, own_findings
from review.ray_engine import run_ray
from review.reports import write_batch_outputs
from review.worker import InProcessReader, IsolatedReader, start_reader_server
from verifiers import DEFAULT_POLICY, load_policy, run_batch_rules

log = logging.getLogger("evreview.batch")

__all__ = [  # what callers and tests import from here (the rooms hold the code)
    "JOURNAL_DIR",
    "JOURNAL_NAME",
    "OUTPUT_FILES",
    "RESULTS_VERSION",
    "SPLIT_MAX_OCR_PAGES",
    "SPLIT_MIN_OCR_PAGES",
    "WORKER_META",
    "BatchRun",
    "BatchStats",
    "BatchStopped",
    "Journal",
    "Progress",
    "ReaderPool",
    "close_worker_caches",
    "default_workers",
    "failed_result",
    "find_applications",
    "fingerprint",
    "format_summary",
    "merge_parts",
    "plan_ranges",
    "read_files_pooled",
    "read_part",
    "result_json",
    "run_batch",
]


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
    started = time.monotonic()
    if engine == "local" and isolation:
        start_reader_server()  # loads the readers' stack while this process plans the batch
    apps = find_applications(root)
    out.mkdir(parents=True, exist_ok=True)
    policy = load_policy(policy_name or DEFAULT_POLICY)
    workers = max(1, workers or default_workers())
    if not isolation:
        workers = 1  # one OCR engine in this process: no concurrent reads
    if ocr_threads is None:
        ocr_threads = settings.current().ocr_threads or (1 if workers > 1 else None)
    resume = use_cache if resume is None else resume
    run = BatchRun(
        workers=workers,
        ocr_threads=ocr_threads,
        direction=direction,
        policy=policy,
        policy_name=policy_name or DEFAULT_POLICY,
        cache_db=str(Path(db or DEFAULT_DB).resolve()) if use_cache else None,
        isolation=isolation,
        split_min=SPLIT_MIN_OCR_PAGES if split_min_pages is None else split_min_pages,
        engine=engine,
        address=address,
    )

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
        raw = done_bytes(out / f"{app_id}.json", done_records.get(app_id), fp) if resume else None
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
        state = RunState(
            record=record, journal=journal, stats=stats, stats_lock=stats_lock, progress=progress
        )
        if engine == "ray":
            run_ray(todo, run, state)
        else:
            _run_local(todo, run, state)
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
    ordered = [own_findings(results[i]) for i in sorted(results)]
    batch_findings = run_batch_rules(ordered, policy)
    rewrite_named(out, journal, ordered, batch_findings)
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


def _run_local(todo: list[tuple[int, Path, str]], run: BatchRun, state: RunState) -> None:
    """The local engine: a reader pool and ``workers + 1`` coordinator threads."""
    if not todo:
        return
    cache = ReadCache(run.cache_db) if run.cache_db else None
    profile = getattr(run.policy, "extraction", None)
    if profile is not None and profile.is_builtin():
        profile = None
    # load the rules/extraction stack here while the workers boot
    warm = threading.Thread(target=_warm_parent, args=(run.policy,), daemon=True)
    warm.start()
    if run.isolation:
        # the OCR runtime probe (once per machine) before the first scanned page
        threading.Thread(target=prepare_runtime_choice, args=(run.ocr_threads or -1,), daemon=True).start()

    def on_read(res: ReadResult, opts: dict[str, Any] | None) -> None:
        with state.stats_lock:
            state.stats.add_read(res, part=bool(opts and opts.get("pages")))
        state.progress.pages_changed()

    def make_reader() -> Any:
        return IsolatedReader(ocr_threads=run.ocr_threads) if run.isolation else InProcessReader()

    pool = ReaderPool(run.workers, make_reader, on_read=on_read)
    stopping = threading.Event()

    def one(idx: int, app_path: Path, fp: str) -> None:
        if stopping.is_set():
            return
        t0 = time.monotonic()
        app_id = application_id_of(app_path)
        state.journal.append("start", app=app_id, fp=fp)
        try:
            files, package_errors = iter_package(app_path)
            with state.stats_lock:
                state.stats.files += len(files)
            reads, documents = read_files_pooled(
                pool,
                idx,
                files,
                cache,
                run.workers,
                state.stats,
                state.stats_lock,
                run.split_min,
                cache_db=run.cache_db,
                profile=profile,
            )
            res = assemble(app_id, reads, package_errors, run.direction, run.policy, documents=documents)
        except BatchStopped:
            return
        except Exception as exc:  # a bug must cost one application, not the batch
            if stopping.is_set():
                return
            log.exception("application %s failed", app_id)
            res = failed_result(app_id, exc, run.direction, run.policy)
            state.record(idx, app_path, fp, res, time.monotonic() - t0, final=False)
            return
        if stopping.is_set():
            return  # reads may have been cut short by the shutdown: don't record
        state.record(idx, app_path, fp, res, time.monotonic() - t0)

    monitor = RssMonitor(pool.pids)
    clean = False
    try:
        with (
            monitor,
            ThreadPoolExecutor(max_workers=min(len(todo), run.workers + 1), thread_name_prefix="app") as ex,
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
        state.stats.worker_restarts = pool.restarts
        state.stats.read_seconds = round(pool.busy_seconds, 2)
        state.stats.peak_rss_mb = monitor.peak_mb()
        if cache is not None:
            cache.close()


def _warm_parent(policy: Any) -> None:
    """Load the rules and the report writers in this process while the readers start
    (the fork server keeps one core busy for about a second; this uses the other)."""
    with contextlib.suppress(Exception):
        assemble("warm-up", [], [], None, policy)
    with contextlib.suppress(Exception):
        # late on purpose: loaded in a background thread while the readers start, not on
        # the way to the first read (python-docx and openpyxl: about 0.3 s here)
        import docx  # noqa: F401  (附件2 as Word)
        import openpyxl  # noqa: F401  (problem list, 附件2 as Excel)


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

"""Scale-out engine: the batch's per-application work as tasks on a Ray cluster.

``evreview batch ROOT --out DIR --engine ray [--address auto|HOST:6379]`` submits one
task per application (``num_cpus=1``). A task runs in a Ray worker process that keeps
one isolated reader (``review.worker.IsolatedReader``, one OCR thread) for every task
it runs: it reads the application's files, extracts and runs the rules, and returns
the result JSON. A PDF with many pages to OCR is split into page ranges read by nested
tasks on any free worker (same :func:`review.batch_parts.read_part` / ``merge_parts`` as the
local engine). The read cache lives in one actor on the driver's node, which owns the
SQLite file; the driver writes every output (journal, JSON, summary), so only the
driver needs ``OUT``. Every node must see ``ROOT`` at the same path (shared storage)
and have evreview installed. Without ``--address`` Ray starts on this machine.
Ray is optional: ``pip install "evreview[ray]"``; that is why every ``import ray`` here is
inside a function (this module is imported by ``review.batch`` whether Ray is installed or not).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from extractor.read import sha256_bytes, sniff
from models.contract import ApplicationResult
from models.page import ReadResult
from review.batch_parts import merge_parts, plan_ranges
from review.batch_run import BatchRun, RunState
from review.cache import ReadCache
from review.pipeline import application_id_of, assemble, failed_result, read_application_files
from review.worker import IsolatedReader
from verifiers import load_policy

_READER: Any = None  # one isolated reader per Ray worker process
_REMOTES: dict[str, Any] = {}


def _worker_reader() -> Any:
    global _READER
    if _READER is None:
        _READER = IsolatedReader(ocr_threads=1)
    return _READER


class _CacheProxy:
    """ReadCache interface over the cache actor (``get``/``put``)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    def get(self, sha256: str) -> ReadResult | None:
        import ray

        raw = ray.get(self.actor.get.remote(sha256))
        return ReadResult.model_validate_json(raw) if raw else None

    def put(self, result: ReadResult) -> None:
        import ray

        if not result.meta.get("isolation_failure"):
            ray.get(self.actor.put.remote(result.model_dump_json()))


class _CacheActor:
    def __init__(self, db: str) -> None:
        self.cache = ReadCache(db)

    def get(self, sha256: str) -> str | None:
        hit = self.cache.get(sha256)
        return hit.model_dump_json() if hit is not None else None

    def put(self, raw: str) -> None:
        self.cache.put(ReadResult.model_validate_json(raw))

    def close(self) -> None:
        self.cache.close()


class _SplittingReader:
    """Reader for a Ray task: whole files locally, big scans as page-range tasks."""

    def __init__(self, split_min: int, parallel: int) -> None:
        self.split_min = split_min
        self.parallel = parallel
        self.reads: list[ReadResult] = []
        self.split_files = 0
        self.split_parts = 0

    def read(
        self, data: bytes | None, name: str, path: str | Path | None = None, force_ocr: bool = False
    ) -> ReadResult:
        import ray

        if data is None:
            data = Path(str(path)).read_bytes()
        digest = sha256_bytes(data)
        opts: dict[str, Any] = {"sha256": digest}
        if self.split_min and sniff(data) == "pdf":
            opts["plan_min_pages"] = self.split_min
        res = _worker_reader().read(data, name, force_ocr=force_ocr, opts=opts)
        plan = res.meta.get("split_plan")
        if plan:
            ranges = plan_ranges(plan, self.parallel)
            ref = ray.put(data)
            part = _remotes(ray)["part"]
            refs = [part.remote(ref, name, digest, a, b) for a, b in ranges]
            parts = ray.get(refs)  # Ray lends this task's CPU to the parts while it waits
            res = merge_parts(
                name,
                digest,
                int(plan["page_count"]),
                [(a, b, p) for (a, b), p in zip(ranges, parts, strict=True)],
            )
            self.split_files += 1
            self.split_parts += len(ranges)
        self.reads.append(res)
        return res


def _part_task(data: bytes, name: str, digest: str, start: int, stop: int) -> ReadResult:
    return _worker_reader().read(data, name, opts={"sha256": digest, "pages": [start, stop]})


def _app_task(
    app_path: str, direction: str | None, policy_name: str, cache: Any, split_min: int, parallel: int
) -> tuple[str, dict[str, Any]]:
    """Runs inside a Ray worker: verify one application; return (result JSON, stats)."""
    path = Path(app_path)
    policy = load_policy(policy_name)
    reader = _SplittingReader(split_min, parallel)
    proxy = _CacheProxy(cache) if cache is not None else None
    t0 = time.monotonic()
    try:
        reads, package_errors = read_application_files(path, reader, cache=proxy)
        result = assemble(application_id_of(path), reads, package_errors, direction, policy)
        ok = True
    except Exception as exc:  # a bug costs one application, not the batch
        result, reads, ok = failed_result(application_id_of(path), exc, direction, policy), [], False
    stats = {
        "ok": ok,
        "files": len(reads),
        "cache_hits": sum(1 for r in reads if r.cached),
        "reads": [
            {
                "pages": len(r.pages),
                "ocr": sum(1 for p in r.pages if p.method == "ocr"),
                "text": sum(1 for p in r.pages if p.method == "text"),
                "failed": bool(r.meta.get("isolation_failure")),
            }
            for r in reader.reads
        ],
        "cached_pages": sum(len(r.result.pages) for r in reads if r.cached),
        "split_files": reader.split_files,
        "split_parts": reader.split_parts,
        "restarts": _worker_reader().restarts,
        "seconds": round(time.monotonic() - t0, 2),
    }
    return result.to_json(), stats


def _remotes(ray: Any) -> dict[str, Any]:
    if not _REMOTES:
        _REMOTES["app"] = ray.remote(num_cpus=1, max_retries=1)(_app_task)
        _REMOTES["part"] = ray.remote(num_cpus=1, max_retries=1)(_part_task)
        _REMOTES["cache"] = ray.remote(num_cpus=0)(_CacheActor)
    return _REMOTES


def run_ray(todo: list[tuple[int, Path, str]], run: BatchRun, state: RunState) -> None:
    """Run ``todo`` (index, application path, fingerprint) as Ray tasks; ``state.record`` each result."""
    try:
        import ray
    except ImportError as exc:  # depends on the optional extra
        raise FileNotFoundError('未安装 Ray：请先执行 pip install "evreview[ray]"') from exc
    if not todo:
        return
    started_here = not ray.is_initialized()
    if started_here:
        try:
            ray.init(
                address=run.address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True
            )
        except ConnectionError as exc:
            raise FileNotFoundError(f"无法连接 Ray 集群（{run.address}）：{exc}") from exc
    cache_actor = None
    try:
        remotes = _remotes(ray)
        if run.cache_db is not None:
            from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

            here = ray.get_runtime_context().get_node_id()  # the SQLite file is on this node
            cache_actor = (
                remotes["cache"]
                .options(scheduling_strategy=NodeAffinitySchedulingStrategy(node_id=here, soft=False))
                .remote(run.cache_db)
            )
        parallel = max(1, int(ray.cluster_resources().get("CPU", 1)))
        stats = state.stats
        stats.workers = parallel
        stats.ocr_threads = 1
        meta: dict[Any, tuple[int, Path, str, float]] = {}
        for idx, app_path, fp in todo:
            state.journal.append("start", app=application_id_of(app_path), fp=fp, engine="ray")
            ref = remotes["app"].remote(
                str(app_path.resolve()), run.direction, run.policy_name, cache_actor, run.split_min, parallel
            )
            meta[ref] = (idx, app_path, fp, time.monotonic())
        pending = list(meta)
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                idx, app_path, fp, t0 = meta.pop(ref)
                text, st = ray.get(ref)
                res = ApplicationResult.model_validate_json(text)
                stats.files += st["files"]
                stats.cache_hits += st["cache_hits"]
                stats.pages += st["cached_pages"]
                for r in st["reads"]:
                    stats.files_read += 1
                    stats.pages += r["pages"]
                    stats.ocr_pages += r["ocr"]
                    stats.text_pages += r["text"]
                    stats.isolation_failures += int(r["failed"])
                stats.split_files += st["split_files"]
                stats.split_parts += st["split_parts"]
                stats.read_seconds += st["seconds"]
                state.record(idx, app_path, fp, res, time.monotonic() - t0, final=st["ok"])
    except BaseException:
        for ref in list(meta) if "meta" in locals() else []:
            with contextlib.suppress(Exception):
                ray.cancel(ref, force=True)
        raise
    finally:
        if cache_actor is not None:
            with contextlib.suppress(Exception):
                ray.get(cache_actor.close.remote(), timeout=30)
        if started_here:
            ray.shutdown()

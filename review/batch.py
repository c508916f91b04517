"""Batch verification of a whole intake (``evreview batch ROOT --out DIR``).

Shape: N isolated reader processes (each loads the OCR model once, runs under
memory and time limits and is replaced when it dies) fed by N dispatcher
threads, one application per thread at a time. Reading, the expensive part,
runs in the reader processes in parallel; extraction and rules are cheap.
Each finished application's JSON is written atomically at once, so an
interrupted batch resumes where it stopped (an application whose JSON exists
and whose input fingerprint is unchanged is not verified again).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from extractor.read import EXTRACTOR_VERSION
from models.contract import ApplicationResult
from review.atomic import write_text_atomic
from review.pipeline import application_id_of, verify_application
from review.reports import write_batch_outputs

STATE_KEY = "input_fingerprint"


def find_applications(root: Path) -> list[Path]:
    """Application folders and zips directly under ROOT (CONTRACT section 1)."""
    apps = []
    for p in sorted(root.iterdir()):
        if p.name.startswith((".", "_", "~$")):
            continue
        if p.is_dir() or (p.is_file() and p.suffix.lower() == ".zip"):
            apps.append(p)
    return apps


def fingerprint(app_path: Path, policy_name: str | None) -> str:
    """Cheap fingerprint of an application's inputs (names, sizes, mtimes)."""
    h = hashlib.sha256()
    h.update(f"{EXTRACTOR_VERSION}|{policy_name}".encode())
    files = [app_path] if app_path.is_file() else sorted(q for q in app_path.rglob("*") if q.is_file())
    for q in files:
        st = q.stat()
        h.update(f"{q.relative_to(app_path.parent)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _load_done(path: Path, fp: str) -> ApplicationResult | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if raw.pop(STATE_KEY, None) != fp:
        return None
    try:
        return ApplicationResult.model_validate(raw)
    except ValueError:
        return None


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
) -> dict[str, Any]:
    from verifiers import load_policy, run_batch_rules

    started = time.monotonic()
    apps = find_applications(root)
    out.mkdir(parents=True, exist_ok=True)
    policy = load_policy(policy_name)
    workers = max(1, workers or os.cpu_count() or 1)

    if engine == "ray":
        from review.ray_engine import run_ray

        results = run_ray(apps, address=address, direction=direction, policy_name=policy_name)
    else:
        results = _run_local(apps, out, workers, direction, policy, policy_name, use_cache, db, isolation, show_progress)
    for r in results:
        if on_result:
            on_result(r)
    batch_findings = run_batch_rules(results, policy)
    elapsed = time.monotonic() - started
    write_batch_outputs(out, results, batch_findings, extra={"seconds": round(elapsed, 2), "policy": policy.name})
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["seconds"] = elapsed
    return summary


def _run_local(
    apps: list[Path],
    out: Path,
    workers: int,
    direction: str | None,
    policy: Any,
    policy_name: str | None,
    use_cache: bool,
    db: str | None,
    isolation: bool,
    show_progress: bool,
) -> list[ApplicationResult]:
    from review.cache import ReadCache
    from review.worker import InProcessReader, IsolatedReader

    cache = ReadCache(db or "data/evreview.db") if use_cache else None
    results: dict[str, ApplicationResult] = {}
    todo: list[tuple[Path, str]] = []
    for app_path in apps:
        fp = fingerprint(app_path, policy.name)
        done = _load_done(out / f"{application_id_of(app_path)}.json", fp)
        if done is not None:
            results[done.application_id] = done
        else:
            todo.append((app_path, fp))

    readers: queue.Queue = queue.Queue()
    for _ in range(min(workers, max(1, len(todo)))):
        readers.put(IsolatedReader(ocr_threads=1 if workers > 1 else None) if isolation else InProcessReader())

    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=len(apps), initial=len(results), desc="申报材料", unit="份")
    lock = threading.Lock()

    def one(app_path: Path, fp: str) -> ApplicationResult:
        reader = readers.get()
        try:
            res = verify_application(app_path, reader, cache=cache, direction=direction, policy=policy)
        finally:
            readers.put(reader)
        payload = json.loads(res.to_json())
        payload[STATE_KEY] = fp
        write_text_atomic(out / f"{res.application_id}.json", json.dumps(payload, ensure_ascii=False, indent=2))
        return res

    try:
        with ThreadPoolExecutor(max_workers=readers.qsize() or 1) as pool:
            futures = {pool.submit(one, p, fp): p for p, fp in todo}
            for fut in as_completed(futures):
                res = fut.result()
                with lock:
                    results[res.application_id] = res
                    if bar is not None:
                        bar.update(1)
                        bar.set_postfix_str(res.application_id)
    finally:
        if bar is not None:
            bar.close()
        while not readers.empty():
            readers.get().close()
        if cache is not None:
            cache.close()
    return [results[application_id_of(p)] for p in apps if application_id_of(p) in results]

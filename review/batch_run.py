"""What one batch run is: its settings (:class:`BatchRun`, frozen) and the shared objects
its engines report to (:class:`RunState`). Both engines (``review.batch._run_local`` and
``review.ray_engine.run_ray``) take these two values instead of long argument lists."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from review.batch_journal import Journal
from review.batch_progress import BatchStats, Progress


@dataclass(frozen=True)
class BatchRun:
    """A batch run's settings, fixed before the first application starts."""

    workers: int
    ocr_threads: int | None
    direction: str | None
    policy: Any  # verifiers.policy.Policy
    policy_name: str
    cache_db: str | None  # absolute path of the read cache; None: --no-cache
    isolation: bool = True
    split_min: int = 4  # a PDF with this many pages to OCR is read as page ranges (0: never)
    engine: str = "local"
    address: str | None = None  # Ray cluster address (engine "ray")


# record(index, application path, fingerprint, result, seconds, final=True)
RecordFn = Callable[..., None]


@dataclass
class RunState:
    """The run's shared, changing objects: the journal, statistics, progress bar, and
    ``record`` (persist one finished application: journal first, then its JSON)."""

    record: RecordFn
    journal: Journal
    stats: BatchStats
    stats_lock: threading.Lock
    progress: Progress

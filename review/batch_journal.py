"""The batch journal and the files a batch writes.

``DIR/.evreview-batch/journal.jsonl`` records ``start``/``done`` events; a ``done`` record
(input fingerprint + sha256 of the JSON) is appended and fsynced *before* the
application's JSON is renamed into place, so a re-run recognises what is done.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from models.contract import ApplicationResult, Finding
from review.atomic import write_text_atomic
from review.reports import attach_batch_findings

JOURNAL_DIR = ".evreview-batch"
JOURNAL_NAME = "journal.jsonl"


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


def rewrite_named(
    out: Path, journal: Journal, apps: list[ApplicationResult], batch_findings: list[Finding]
) -> None:
    """Write again ``<id>.json`` of every application a batch finding names: the finding is
    among its findings and counts in its verdict; the journal gets the new digest so that a
    resumed batch still recognises the file."""
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


def done_bytes(path: Path, record: dict[str, Any] | None, fp: str) -> bytes | None:
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

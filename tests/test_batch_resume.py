"""An interrupted batch (SIGKILL, Ctrl-C) resumes where it stopped: no application is
verified twice, every output is complete, valid JSON (written atomically)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from models.contract import ApplicationResult
from review.batch import JOURNAL_DIR, JOURNAL_NAME

ROOT = Path(__file__).resolve().parents[1]
N_APPS = 10


@pytest.fixture(scope="module")
def intake(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_intake import SAMPLES, build_intake
    finally:
        sys.path.pop(0)
    if not SAMPLES.is_dir():
        pytest.skip(f"sample applications {SAMPLES} are absent")
    root = tmp_path_factory.mktemp("intake") / "root"
    build_intake(root, apps=N_APPS, scanned_apps=0)
    return root


def _batch_cmd(root: Path, out: Path, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "review.cli",
        "batch",
        str(root),
        "--out",
        str(out),
        "--db",
        str(db),
        "--workers",
        "1",
        "-q",
    ]


def _journal(out: Path) -> list[dict]:
    lines = (out / JOURNAL_DIR / JOURNAL_NAME).read_text(encoding="utf-8").splitlines()
    recs = []
    for line in lines:
        with contextlib.suppress(ValueError):
            recs.append(json.loads(line))
    return recs


def _as_background_job() -> None:
    """Start the batch as a non-interactive shell starts `cmd &`: with SIGINT ignored. The CLI
    must still stop on SIGINT (it re-installs the handler), whatever started it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt_after_first_result(root: Path, out: Path, db: Path, sig: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        _batch_cmd(root, out, db),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_as_background_job,
    )
    deadline = time.monotonic() + 240
    while not list(out.glob("bench-*.json")):
        assert proc.poll() is None, proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        assert time.monotonic() < deadline, "no application finished in time"
        time.sleep(0.01)
    helpers = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    proc.send_signal(sig)
    proc.wait(timeout=60)
    for pid in helpers:  # reader processes notice the dead parent by themselves; don't wait on it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    return proc


def _check_complete(root: Path, out: Path) -> None:
    apps = sorted(p.name for p in root.iterdir() if p.is_dir())
    for name in apps:
        res = ApplicationResult.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))
        assert res.application_id == name and res.documents and res.findings
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [a["application_id"] for a in summary["applications"]] == apps
    assert not list(out.glob(".*.tmp")), "a temporary file was left behind"


# SIGKILL is the harder interruption but the slower test (20 s): it runs with `make test-slow`,
# Ctrl-C (the reviewer's interruption) in every run; tests/test_store_kill.py kills with SIGKILL there
@pytest.mark.parametrize(
    "sig",
    [pytest.param(signal.SIGKILL, marks=pytest.mark.slow), signal.SIGINT],
    ids=["sigkill", "ctrl-c"],
)
def test_interrupted_batch_resumes_without_redoing_work(intake: Path, tmp_path: Path, sig: int) -> None:
    out, db = tmp_path / "out", tmp_path / "c.db"
    proc = _interrupt_after_first_result(intake, out, db, sig)
    if sig == signal.SIGINT:
        assert proc.returncode == 130  # the CLI's "已中断"
    else:
        assert proc.returncode == -signal.SIGKILL
    first = _journal(out)
    done_first = [r["app"] for r in first if r["event"] == "done"]
    assert 1 <= len(done_first) < N_APPS, "the interrupt came too late to test anything"
    for name in done_first:  # whatever was journalled as done is complete on disk
        ApplicationResult.model_validate_json((out / f"{name}.json").read_text(encoding="utf-8"))

    rerun = subprocess.run(_batch_cmd(intake, out, db), cwd=ROOT, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode(errors="replace")
    records = _journal(out)
    second = records[len(first) :]
    done = Counter(r["app"] for r in records if r["event"] == "done")
    assert set(done) == {p.name for p in intake.iterdir()}
    assert max(done.values()) == 1, f"applications verified twice: {[a for a, n in done.items() if n > 1]}"
    assert not {r["app"] for r in second if r["event"] == "start"} & set(done_first)
    start_end = [r for r in second if r["event"] == "batch_start"]
    assert start_end and start_end[0]["resumed"] == len(done_first)
    _check_complete(intake, out)

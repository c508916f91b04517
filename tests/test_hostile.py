"""Hostile and broken inputs: a clear Chinese answer for every one, bounded time and memory.

Every case of tests/hostile/cases.py goes through ``evreview extract`` (a separate
process, reading isolated in a worker with limits; two such processes run at a time) and all
of them together through a
whole-application ``evreview verify``. Asserted per case: no traceback, the calling
process survives, the time stays under the per-file limit, a Chinese message explains
what happened, nothing is written outside the run's temp dir, and the peak RSS of the
process tree stays under 2 GB.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.cases import APP_CASES, CASES, Case, build_all

PER_FILE_SECONDS = 20
CJK = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def hostile_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    build_all(out)
    return out


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "EVREVIEW_LIMIT_PER_FILE_SECONDS": str(PER_FILE_SECONDS),
            "TMPDIR": str(tmp),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _run(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run an evreview command; returns (process, seconds, peak RSS of the tree in MB)."""
    cmd = [sys.executable, "-c", "import sys; from review.cli import main; sys.exit(main())", *args]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    try:
        import psutil

        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
                peak = max(peak, rss / 1e6)
            except psutil.Error:
                pass
            if time.monotonic() - started > timeout:
                proc.kill()
                break
            time.sleep(0.05)
    finally:
        out, err = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), time.monotonic() - started, peak


def _case_ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


RESULTS: dict[str, dict] = {}


@dataclass
class _ExtractRun:
    proc: subprocess.CompletedProcess
    seconds: float
    peak_mb: float
    work: Path
    tmp: Path
    out_json: Path


@pytest.fixture(scope="module")
def extract_runs(hostile_dir: Path, tmp_path_factory) -> dict[str, _ExtractRun]:
    """Every case through ``evreview extract``, two processes at a time: each run is its own
    process tree, timed and measured on its own (its RSS is sampled per tree), and two at once
    halve the wall time on two cores (most of a run is the process starting)."""
    dirs = {}
    for case in CASES:
        base = tmp_path_factory.mktemp(case.name)
        (base / "cwd").mkdir()
        (base / "tmp").mkdir()
        dirs[case.name] = base

    def one(case: Case) -> tuple[str, _ExtractRun]:
        base = dirs[case.name]
        src = next((hostile_dir / case.name).iterdir())
        out_json = base / "out.json"
        args = ["extract", str(src), "--json", str(out_json)]
        proc, seconds, peak = _run(args, base / "cwd", _env(base / "tmp"), timeout=PER_FILE_SECONDS + 40)
        return case.name, _ExtractRun(proc, seconds, peak, base / "cwd", base / "tmp", out_json)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, CASES))


@pytest.mark.parametrize("case", CASES, ids=_case_ids(CASES))
def test_extract_answers_every_hostile_file(case: Case, extract_runs: dict[str, _ExtractRun]):
    run = extract_runs[case.name]
    proc, seconds, peak_mb = run.proc, run.seconds, run.peak_mb
    work, tmp, out_json = run.work, run.tmp, run.out_json
    text = proc.stdout + proc.stderr
    RESULTS[case.name] = {
        "rc": proc.returncode,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak_mb),
        "out": text.strip()[-300:],
    }
    assert "Traceback" not in text, text
    assert proc.returncode in (0, 2), f"calling process died: rc={proc.returncode}\n{text}"
    assert seconds < PER_FILE_SECONDS + 25, f"took {seconds:.1f}s"
    assert peak_mb < 2000, f"peak RSS {peak_mb:.0f} MB"
    assert not list(work.iterdir()), "files written into the working directory"
    assert not list(tmp.iterdir()), "files left in the temp dir"
    if case.expect == "error":
        assert proc.returncode == 2, text
        assert CJK.search(proc.stderr), f"no Chinese message: {text}"
    else:
        assert proc.returncode in (0, 2)
        data = json.loads(out_json.read_text(encoding="utf-8")) if out_json.exists() else {}
        if case.expect == "flag":
            messages = (
                " ".join(
                    data.get("errors", [])
                    + [
                        e
                        for d in data.get("documents", [])
                        for e in d.get("errors", []) + d.get("warnings", [])
                    ]
                )
                + proc.stderr
            )
            assert CJK.search(messages), f"no Chinese flag for {case.name}: {text}"


def test_verify_application_of_hostile_files(hostile_dir: Path, tmp_path: Path):
    """All cases as one application: the batch goes on and every bad file gets a finding."""
    app = tmp_path / "app-hostile"
    app.mkdir()
    for case in CASES:
        src = next((hostile_dir / case.name).iterdir())
        shutil.copy(src, app / f"{case.name}{Path(src.name).suffix or '.bin'}")
    work = tmp_path / "cwd"
    tmp = tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    out_json = tmp_path / "result.json"
    proc, _seconds, peak_mb = _run(
        ["verify", str(app), "--json", str(out_json), "--no-cache"],
        work,
        _env(tmp),
        timeout=len(CASES) * (PER_FILE_SECONDS + 5),
    )
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text, text
    assert proc.returncode == 0, text
    assert peak_mb < 2000
    assert not list(work.iterdir()) and not list(tmp.iterdir())
    result = json.loads(out_json.read_text(encoding="utf-8"))
    readable = [f for f in result["findings"] if f["rule"] == "evidence.readable" and f["status"] == "review"]
    files_flagged = {e["file"] for f in readable for e in f.get("evidence", [])}
    for case in CASES:
        if case.expect == "error":
            name = f"{case.name}{Path(case.filename).suffix or '.bin'}"
            assert name in files_flagged, f"{name} has no evidence.readable finding"
    for f in readable:
        assert CJK.search(f["message"])


@pytest.mark.parametrize("case", APP_CASES, ids=_case_ids(APP_CASES))
def test_verify_hostile_application_zip(case: Case, hostile_dir: Path, tmp_path: Path):
    src = next((hostile_dir / case.name).iterdir())
    work = tmp_path / "cwd"
    tmp = tmp_path / "tmp"
    work.mkdir()
    tmp.mkdir()
    out_json = tmp_path / "result.json"
    proc, _seconds, _peak = _run(
        ["verify", str(src), "--json", str(out_json), "--no-cache"], work, _env(tmp), timeout=120
    )
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and proc.returncode == 0, text
    assert not list(work.iterdir()) and not list(tmp.iterdir())
    assert not (hostile_dir / "escape.pdf").exists() and not Path("/abs/evil.pdf").exists()
    result = json.loads(out_json.read_text(encoding="utf-8"))
    messages = [
        f["message"]
        for f in result["findings"]
        if f["rule"] == "evidence.readable" and f["status"] == "review"
    ]
    assert any(".." in m or "不安全" in m for m in messages), messages


def test_hostile_suite_is_big_enough():
    assert len(CASES) + len(APP_CASES) >= 30

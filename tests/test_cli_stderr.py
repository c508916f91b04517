"""Every CLI command run as a user runs it: stderr holds only messages meant for a person.

CONTRACT §2: "Every command writes to stderr only messages meant for a person: never a
traceback." Each command runs as a separate process through the installed ``evreview``
console script (or ``python -m review.cli`` where the script is not installed), on
ordinary and on broken files, and its stderr is checked line by line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs" / "applications"
TRUTH = ROOT / "sample_docs" / "truth"
CJK = re.compile(r"[\u4e00-\u9fff]")
# tqdm's progress bar of `batch` (a person reads it) is the one non-message line allowed.
PROGRESS = re.compile(r"^(申报材料|文件|页)[:：]|\d+/\d+ \[")


def _command() -> list[str]:
    script = Path(sys.executable).with_name("evreview")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "review.cli"]


def _run(args: list[str], tmp_path: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["TMPDIR"] = str(tmp_path)
    env.pop("EVREVIEW_DB", None)
    return subprocess.run(
        [*_command(), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout
    )


def _stderr_lines(proc: subprocess.CompletedProcess) -> list[str]:
    lines = []
    for raw in proc.stderr.replace("\r", "\n").splitlines():
        line = raw.strip()
        if line and not PROGRESS.search(line):
            lines.append(line)
    return lines


def _assert_only_messages(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    in_usage = False
    for line in _stderr_lines(proc):
        # argparse's usage block (it may wrap) is allowed; everything else is a Chinese message
        in_usage = line.startswith("usage:") or (in_usage and not CJK.search(line))
        assert in_usage or CJK.search(line), f"not a message for a person: {line!r}"


@pytest.fixture()
def work() -> Iterator[Path]:
    # A short TMPDIR, as users have: with a long one (pytest's tmp_path) the readers are
    # spawned instead of forked from the fork server, which is not the path users take.
    path = Path(tempfile.mkdtemp(prefix="evcli-", dir="/tmp" if os.path.isdir("/tmp") else None))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_extract_ordinary_file_has_empty_stderr(work: Path) -> None:
    pdf = SAMPLES / "app-001" / "01营业执照.pdf"
    proc = _run(["extract", str(pdf), "--json", str(work / "out.json")], work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "", proc.stderr
    assert (work / "out.json").read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize(
    "name, data",
    [
        ("损坏.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf"),
        ("空文件.pdf", b""),
        ("乱码.jpg", os.urandom(2048)),
    ],
)
def test_extract_broken_file_gives_a_chinese_message(work: Path, name: str, data: bytes) -> None:
    bad = work / name
    bad.write_bytes(data)
    proc = _run(["extract", str(bad)], work)
    assert proc.returncode == 2
    _assert_only_messages(proc)
    assert _stderr_lines(proc), "an unreadable file must be explained on stderr"


def test_extract_missing_file_and_bad_usage(work: Path) -> None:
    proc = _run(["extract", str(work / "不存在.pdf")], work)
    assert proc.returncode == 2
    _assert_only_messages(proc)
    proc = _run(["verify"], work)
    assert proc.returncode == 2
    _assert_only_messages(proc)


def test_verify_has_empty_stderr(work: Path) -> None:
    proc = _run(["verify", str(SAMPLES / "app-001"), "--json", str(work / "r.json"), "--no-cache"], work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "", proc.stderr
    assert "app-001" in proc.stdout


def test_batch_and_eval_have_only_progress_on_stderr(work: Path) -> None:
    root = work / "intake"
    shutil.copytree(SAMPLES / "app-001", root / "app-001")
    (root / "app-broken").mkdir()
    (root / "app-broken" / "扫描件.pdf").write_bytes(b"%PDF-1.4 broken")
    proc = _run(["batch", str(root), "--out", str(work / "out"), "--workers", "1", "--no-cache"], work)
    assert proc.returncode == 0, proc.stderr
    _assert_only_messages(proc)
    assert (work / "out" / "summary.json").exists()

    evaldir = work / "eval"
    shutil.copytree(SAMPLES / "app-001", evaldir / "applications" / "app-001")
    (evaldir / "truth").mkdir()
    shutil.copy(TRUTH / "app-001.json", evaldir / "truth" / "app-001.json")
    proc = _run(["eval", str(evaldir), "--no-cache"], work)
    assert proc.returncode == 0, proc.stderr
    _assert_only_messages(proc)
    assert "评估 1/1：app-001" in proc.stderr and "评估完成：1 份申报" in proc.stderr
    quiet = _run(["eval", str(evaldir), "--quiet"], work)
    assert quiet.returncode == 0 and "评估" not in quiet.stderr, quiet.stderr

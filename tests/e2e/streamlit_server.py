"""The real app under ``streamlit run`` for the browser tests: one way to start it, wait for
it and stop it (its whole process group), and to find Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def chromium() -> str:
    """Path of the system's Chromium; skips the test (with the reason) when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "Chromium 未安装（/usr/bin/chromium）：以 root 运行 `apt-get install -y chromium` 后再运行 make e2e"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_health(port: int, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError("streamlit did not become healthy")


@contextlib.contextmanager
def streamlit_app(
    db: Path, apps: Path, *, extra_args: tuple[str, ...] = (), log: Path | None = None
) -> Iterator[str]:
    """Serve app.py on a free local port with ``db`` and the intake folder ``apps`` (no
    password); yields the base URL; at the end the server's process group is stopped."""
    port = free_port()
    env = dict(os.environ, EVREVIEW_DB=str(db), EVREVIEW_INTAKE=str(apps))
    env.pop("EVREVIEW_PASSWORD", None)
    env.pop("EVREVIEW_SAMPLES", None)
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1", *extra_args]
    with contextlib.ExitStack() as stack:
        stderr = stack.enter_context(open(log, "wb")) if log is not None else subprocess.DEVNULL
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
        try:
            wait_health(port, proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()

"""Batch intake: the applications under a root folder, their input fingerprint, the pool size."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from extractor.version import code_version


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

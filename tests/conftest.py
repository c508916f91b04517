"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# tests live in /work/main/tests, so parents[2] is /work; EVREVIEW_REALDOCS overrides
# (a worktree elsewhere, e.g. /work/wt/<name>)
REALDOCS = Path(os.environ.get("EVREVIEW_REALDOCS") or Path(__file__).resolve().parents[2] / "shared" / "realdocs")


@pytest.fixture(scope="session")
def realdocs() -> Path:
    """Folder of real public documents (read-only); skips when it is absent."""
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS

"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# tests live in /work/main/tests, so parents[2] is /work
# (EVREVIEW_REALDOCS overrides, e.g. for a checkout elsewhere); in a git worktree
# (/work/wt/<name>/tests) the shared folder sits one level higher
REALDOCS = Path(
    os.environ.get("EVREVIEW_REALDOCS") or Path(__file__).resolve().parents[2] / "shared" / "realdocs"
)
if not os.environ.get("EVREVIEW_REALDOCS"):
    REALDOCS = next(
        (
            p / "shared" / "realdocs"
            for p in Path(__file__).resolve().parents
            if (p / "shared" / "realdocs").is_dir()
        ),
        REALDOCS,
    )


@pytest.fixture(scope="session")
def realdocs() -> Path:
    """Folder of real public documents (read-only); skips when it is absent."""
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS

"""A private temporary directory per run, always removed.

Some libraries write into TMPDIR on import (onnxruntime's telemetry session file, for
one). Every evreview process points TMPDIR at its own directory, inherited by the
reading workers it spawns, and removes it when the run ends, so that nothing is left
outside it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator


@contextlib.contextmanager
def private_tmpdir(prefix: str = "evreview-run-") -> Iterator[str]:
    previous_env = os.environ.get("TMPDIR")
    previous_tempdir = tempfile.tempdir
    path = tempfile.mkdtemp(prefix=prefix)
    os.environ["TMPDIR"] = path
    tempfile.tempdir = path
    try:
        yield path
    finally:
        if previous_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous_env
        tempfile.tempdir = previous_tempdir
        shutil.rmtree(path, ignore_errors=True)


def install_private_tmpdir(prefix: str = "evreview-run-") -> str:
    """For long-lived processes (the UI): a private TMPDIR removed at interpreter exit."""
    if os.environ.get("EVREVIEW_TMPDIR_SET"):
        return os.environ["TMPDIR"]
    path = tempfile.mkdtemp(prefix=prefix)
    os.environ["TMPDIR"] = path
    os.environ["EVREVIEW_TMPDIR_SET"] = "1"
    tempfile.tempdir = path
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path

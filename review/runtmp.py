"""A private temporary directory per run, always removed.

Some libraries write into TMPDIR on import (onnxruntime's telemetry session file, for
one). Every evreview process points TMPDIR at its own directory, inherited by the
reading workers it spawns, and removes it when the run ends, so that nothing is left
outside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from multiprocessing import process, util


def _remove_after_multiprocessing(path: str) -> None:
    """Remove ``path`` now, or at exit after multiprocessing has removed its own folder in it.

    multiprocessing keeps its sockets and semaphores in a ``pymp-*`` folder under TMPDIR and
    removes it at interpreter exit with a finaliser (exit priority -100) that raises when the
    folder is already gone. When that folder lies in ``path``, ``path`` is removed by a
    finaliser that runs right after it (exit priority -101) instead of now.
    """
    mp_dir = process.current_process()._config.get("tempdir")
    if mp_dir and os.path.abspath(mp_dir).startswith(os.path.abspath(path) + os.sep):
        util.Finalize(None, shutil.rmtree, args=(path,), kwargs={"ignore_errors": True}, exitpriority=-101)
    else:
        shutil.rmtree(path, ignore_errors=True)


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
        _remove_after_multiprocessing(path)

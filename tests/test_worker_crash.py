"""A reader that crashes after reading other files reads the file once more in a fresh reader
(review.worker.read_again_after_crash); a fresh reader's crash is kept. The child below
segfaults for real (SIGSEGV) on files named ``crash-*`` once it has answered another file, or on
``always-*`` every time."""

from __future__ import annotations

import os
import signal

from models.page import ReadResult
from review.worker import IsolatedReader


def _crashing_child(conn, *_args) -> None:
    answered = 0
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        _payload, name, _force_ocr, _opts = msg
        if name.startswith("always-") or (name.startswith("crash-") and answered > 0):
            os.kill(os.getpid(), signal.SIGSEGV)
        conn.send(ReadResult(file=name, sha256="", kind="unknown"))
        answered += 1


class _CrashingReader(IsolatedReader):
    def _target(self):
        return _crashing_child, ()


def test_a_crash_after_other_files_is_read_again_in_a_fresh_reader():
    reader = _CrashingReader()
    try:
        assert not reader.read(b"x", "first.txt").errors
        res = reader.read(b"y", "crash-once.txt")  # crashes in the used reader, reads whole alone
        assert not res.errors and res.file == "crash-once.txt"
        assert reader.restarts == 1
        res = reader.read(b"z", "always-bad.txt")  # crashes in the used reader and in a fresh one
        assert res.errors and "段错误" in res.errors[0] and res.meta["crashed"]
        assert reader.restarts == 3
        fresh = _CrashingReader()
        res = fresh.read(b"v", "always-bad3.txt")  # a fresh reader's crash is not read again
        assert res.errors and fresh.restarts == 1
        fresh.close()
    finally:
        reader.close()

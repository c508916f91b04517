"""Process isolation for reading untrusted files.

Parsing, rendering and OCR of applicant files run in a separate worker process
that has an address-space limit and runs in its own process group. The parent
waits with a wall-time limit; on a timeout, a crash (segfault, killed by the
kernel) or a MemoryError the whole process group is killed, the worker is
replaced, and the file comes back as a ``ReadResult`` whose error says, in
Chinese, what happened. The OCR model is loaded once per worker (lazily) and
reused for every file that worker reads.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

from extractor.limits import Limits
from extractor.read import ReadContext, read_bytes, sha256_bytes
from models import settings
from models.page import ReadResult
from review.batch_parts import close_worker_caches, read_part

log = logging.getLogger("evreview.worker")


def enter_child(memory_bytes: int) -> None:
    """Set-up of every helper process: its own process group (so the parent can kill
    whatever it starts too) and an address-space cap (``memory_bytes``; 0 = none)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    try:
        import resource  # POSIX only (not on Windows): imported where it is used

        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass


# Environment a reader takes from the process that starts it. A reader forked from the
# fork server would otherwise see the environment of the moment the server started.
_INHERITED_ENV = ("TMPDIR", "OMP_NUM_THREADS")


def _child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("EVREVIEW_") or k in _INHERITED_ENV}


def _adopt_env(env: dict[str, str] | None) -> None:
    if env is None:
        return
    for key in [k for k in os.environ if k.startswith("EVREVIEW_") or k in _INHERITED_ENV]:
        if key not in env:
            del os.environ[key]
    os.environ.update(env)
    tempfile.tempdir = None  # recomputed from TMPDIR on next use


def _child_main(
    conn: Connection, limits_kw: dict, ocr_threads: int | None, env: dict[str, str] | None = None
) -> None:
    """Worker loop: receive (data|path, name, force_ocr), send back a ReadResult."""
    _adopt_env(env)
    limits = Limits(**limits_kw)
    enter_child(limits.memory_bytes)
    if ocr_threads:
        os.environ["EVREVIEW_OCR_THREADS"] = str(ocr_threads)
        os.environ.setdefault("OMP_NUM_THREADS", str(ocr_threads))  # OpenCV/numpy helpers too
    answered = 0  # files this reader has answered (0: a fresh reader)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            _quit()
        if msg is None:
            _quit()
        payload, name, force_ocr, opts = msg
        try:
            data = Path(payload).read_bytes() if isinstance(payload, str) else payload
            ctx = ReadContext(limits=limits, force_ocr=force_ocr)
            if opts:  # page ranges / split planning of large scans (review.batch_parts)
                result = read_part(data, name, ctx, opts)
            else:
                result = read_bytes(data, name, ctx)
        except MemoryError:
            result = ReadResult(
                file=name,
                sha256="",
                kind="unknown",
                errors=[
                    f"读取时超出内存上限（{limits.memory_bytes // (1024 * 1024)} MB，limits.memory_bytes），文件可能过大或已损坏"
                ],
                meta={"memory_failure": True},
            )
        # OpenVINO gave up part-way, or memory ran out: this reader's address space may be
        # spent or fragmented by the files it read before
        fell_back = _engine_fell_back() or bool(result.meta.get("memory_failure"))
        retire = bool(result.meta.get("engine_failure")) or fell_back
        if retire:
            # the OCR runtime failed in this process (its memory is spent or fragmented):
            # answer, then leave; the parent starts a fresh reader for the next file
            result.meta["reader_retired"] = True
        if read_again_fresh(fell_back, answered):
            result.meta["read_again_fresh"] = True
        answered += 1
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            _quit()
        if retire:
            _quit()


def read_again_fresh(fell_back: bool, answered_before: int) -> bool:
    """Whether a file whose reading made OpenVINO give up (and onnxruntime take over from
    that page on), or ran out of memory, is to be read once more in a fresh reader.

    OpenVINO runs out of the reader's address space only after the reader has read other
    files (memory left fragmented); the same file alone in a fresh reader reads whole on
    OpenVINO. Which page fails therefore depends on which files the reader happened to
    read before, and two reads of one intake differed (two runtimes read a poor photo
    differently). Read again in a fresh reader, a file gets the same runtime on every
    page whatever came before. A read that ran out of memory in a reader that had read
    other files is tried alone too (a 12-megapixel licence photo failed so in one eval and
    read whole in the next). A file that fails even in a fresh reader fails there the same
    way each time, so its result is kept.

    >>> read_again_fresh(True, 3), read_again_fresh(True, 0), read_again_fresh(False, 3)
    (True, False, False)
    """
    return fell_back and answered_before > 0


def read_again_after_crash(meta: dict, answered_before: int) -> bool:
    """Whether a file whose reader crashed (a segfault, an abnormal exit, killed for memory) is
    to be read once more in a fresh reader: only when the reader that crashed had read other
    files before. A native crash there may come of what it read before (its address space
    spent under the memory cap, a runtime that fell back): a real e-invoice screenshot crashed
    so twice in one long-lived reader and read whole alone. A fresh reader's crash is the
    file's own and is kept (a hostile file is not read twice); a timeout is not read again.

    >>> read_again_after_crash({"isolation_failure": True, "crashed": True}, 3)
    True
    >>> read_again_after_crash({"isolation_failure": True, "crashed": True}, 0)
    False
    >>> read_again_after_crash({"isolation_failure": True, "crashed": False}, 3), read_again_after_crash({}, 3)
    (False, False)
    """
    return bool(meta.get("isolation_failure") and meta.get("crashed")) and answered_before > 0


def _engine_fell_back() -> bool:
    """Whether this process's OCR engine gave up OpenVINO while reading
    (:func:`extractor.ocr.engine_fell_back_at_run`); a reader that never ran OCR has not
    imported the OCR stack and does not import it here."""
    mod = sys.modules.get("extractor.ocr")
    return mod is not None and mod.engine_fell_back_at_run()


def _quit() -> None:
    """Leave the worker at once. A spawned child otherwise runs the interpreter's full
    shutdown (tearing down spaCy, PyMuPDF, onnxruntime …), about 0.3 s the parent would
    wait for at the end of every batch. Nothing is pending: every answer was sent, every
    cache row committed (``review.batch_parts`` closes its connections first)."""
    close_worker_caches()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@contextlib.contextmanager
def plain_main() -> Iterator[None]:
    """Start spawned workers without re-running the caller's main script.

    ``multiprocessing``'s spawn start method re-imports ``__main__`` from its ``__file__``
    in the child. Under ``streamlit run`` (and AppTest) ``__main__`` is the app script, so
    every worker start would run the whole app in the worker. For the moment of the start,
    ``__main__`` is replaced with an empty module (the running script keeps its globals).
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not getattr(main, "__file__", None):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


# What a reader's fork server imports once, in this order (see ``review.reader_stack``), so
# that every reader forked from it starts with the reading and extraction stack loaded and
# warmed, and with this module (its entry point) and the batch jobs (review.batch_parts).
READER_PRELOAD = ("review.reader_stack", "review.worker")


def reader_context() -> Any:
    """The multiprocessing context reader workers start from.

    Where the platform has it (Linux, macOS), a *fork server*: one clean process, started
    by exec'ing Python, that imports (and warms) :data:`READER_PRELOAD` once; each reader
    is then a fork of it. A reader starts in milliseconds instead of about a second, and a reader
    killed for a bad file is replaced as fast. The server never loads the OCR model,
    OpenCV or onnxruntime and runs a single thread (NumPy's OpenBLAS pool is kept to one;
    tests/test_worker.py checks this), so forking it is safe.
    Elsewhere (Windows): spawn.
    ``EVREVIEW_READER_START=spawn`` forces the spawn method.
    """
    method = settings.current().reader_start
    # the server listens on a Unix socket under TMPDIR, whose path is limited to 107 bytes
    sock = os.path.join(tempfile.gettempdir(), "pymp-xxxxxxxx", "listener-xxxxxxxx")
    if method != "spawn" and len(os.fsencode(sock)) < 100 and "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(list(READER_PRELOAD))
        return ctx
    return mp.get_context("spawn")


def start_reader_server() -> None:
    """Start the readers' fork server now, if readers use one, without waiting for it.

    It loads the reading stack (about a second) in the background while the caller does
    other work; the first reader started later forks from it at once. Never raises.
    """
    try:
        if reader_context().get_start_method() == "forkserver":
            forkserver.ensure_running()
    except Exception:  # the first reader starts it (or falls back to spawn) instead
        log.debug("reader fork server not started early", exc_info=True)


class WorkerProcess:
    """A long-lived helper process, never forked from this (threaded) process, in its own
    process group: spawned, or forked from a single-threaded fork server
    (:func:`reader_context`).

    Subclasses name the child's entry point in :meth:`_target`; the child gets one end of
    a pipe as its first argument. ``_kill`` kills the whole process group (anything the
    child started too); ``close`` asks the child to stop first.
    """

    def __init__(self, context: Any = None) -> None:
        self._ctx = context or mp.get_context("spawn")
        self._proc: mp.Process | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _target(self) -> tuple[Callable[..., None], tuple[Any, ...]]:
        raise NotImplementedError

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        target, args = self._target()
        proc = self._ctx.Process(target=target, args=(child, *args), daemon=True)
        with plain_main():
            try:
                proc.start()
            except OSError:
                if self._ctx.get_start_method() == "spawn":
                    raise
                # the fork server could not start (socket path, file limits): spawn instead
                self._ctx = mp.get_context("spawn")
                parent.close()
                child.close()
                self._start()
                return
        child.close()
        self._proc, self._conn = proc, parent

    def _ensure_started(self) -> Connection:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        assert self._conn is not None
        return self._conn

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.join(timeout=5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                self._conn.send(None)
            self._proc.join(timeout=2)
        self._kill()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """Process id of the current worker process (None before the first call)."""
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None


class IsolatedReader(WorkerProcess):
    """One long-lived worker process that reads files under limits.

    Use as a context manager. ``read()`` never raises for bad input.
    """

    def __init__(self, limits: Limits | None = None, ocr_threads: int | None = None) -> None:
        super().__init__(reader_context())
        self.limits = limits or Limits.from_env()
        self.ocr_threads = ocr_threads
        self._answered = 0  # files the current reader process answered

    def _start(self) -> None:
        super()._start()
        self._answered = 0

    def _target(self) -> tuple[Callable[..., None], tuple[Any, ...]]:
        return _child_main, (asdict(self.limits), self.ocr_threads, _child_env())

    # -- work ------------------------------------------------------------------
    def read(
        self,
        data: bytes | None,
        name: str,
        path: str | Path | None = None,
        force_ocr: bool = False,
        opts: dict | None = None,
    ) -> ReadResult:
        """Read one file (bytes, or a path the worker opens itself).

        ``opts`` (see ``review.batch_parts.read_part``) reads a page range of a PDF or asks
        for a split plan; ``opts["sha256"]`` spares hashing the bytes again.
        """
        answered_before = self._answered if self._proc is not None and self._proc.is_alive() else 0
        result = self._read_once(data, name, path, force_ocr, opts)
        if (
            result.meta.get("engine_failure")
            or result.meta.get("read_again_fresh")
            or read_again_after_crash(result.meta, answered_before)
        ):
            # the OCR runtime failed in that reader, not the file: once more in a fresh one
            # (see read_again_fresh; the reader that answered has left)
            result = self._read_once(data, name, path, force_ocr, opts)
        return result

    def _read_once(
        self,
        data: bytes | None,
        name: str,
        path: str | Path | None,
        force_ocr: bool,
        opts: dict | None,
    ) -> ReadResult:
        conn = self._ensure_started()
        payload: bytes | str = str(path) if path is not None else (data or b"")
        digest = (opts or {}).get("sha256") or (
            sha256_bytes(data) if data is not None else sha256_bytes(Path(str(path)).read_bytes())
        )
        timeout = self.limits.per_file_seconds
        started = time.monotonic()
        crashed = False  # the reader died (not a timeout, not an unreadable answer)
        try:
            conn.send((payload, name, force_ocr, opts))
            if conn.poll(timeout):
                result = conn.recv()
                if isinstance(result, ReadResult):
                    result.sha256 = result.sha256 or digest
                    self._answered += 1
                    if result.meta.get("reader_retired"):
                        self._kill()  # it is leaving; the next file starts a fresh reader
                        self.restarts += 1
                    return result
                reason = "读取进程返回了无法识别的结果"
            else:
                reason = (
                    f"读取超时：超过单个文件时间上限 {timeout:.0f} 秒（limits.per_file_seconds），"
                    "读取进程已终止"
                )
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
            crashed = True
            code = self._proc.exitcode if self._proc is not None else None
            if self._proc is not None and code is None:
                self._proc.join(timeout=1)
                code = self._proc.exitcode
            if code is not None and code < 0:
                sig = -code
                if sig == signal.SIGKILL:
                    reason = "读取进程被系统终止（可能超出内存上限），文件可能过大或已损坏"
                elif sig == signal.SIGSEGV:
                    reason = "读取进程崩溃（段错误），文件可能已损坏或为恶意构造"
                else:
                    reason = f"读取进程异常退出（信号 {sig}），文件可能已损坏"
            else:
                reason = f"读取进程异常退出（退出码 {code}），文件可能已损坏或超出内存上限"
        elapsed = time.monotonic() - started
        self._kill()
        self.restarts += 1
        return ReadResult(
            file=name,
            sha256=digest,
            kind="unknown",
            errors=[reason],
            meta={"isolation_failure": True, "crashed": crashed, "elapsed_s": round(elapsed, 2)},
        )


class InProcessReader:
    """Same interface without isolation (tests, trusted debugging)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits.from_env()

    def read(
        self,
        data: bytes | None,
        name: str,
        path: str | Path | None = None,
        force_ocr: bool = False,
        opts: dict | None = None,
    ) -> ReadResult:
        if data is None:
            data = Path(str(path)).read_bytes()
        ctx = ReadContext(limits=self.limits, force_ocr=force_ocr)
        if opts:
            return read_part(data, name, ctx, opts)
        return read_bytes(data, name, ctx)

    def close(self) -> None:
        pass

    def __enter__(self) -> InProcessReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

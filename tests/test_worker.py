"""Reader processes: forked from a warmed fork server, fallbacks, environment, exit."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from review import worker
from review.batch import read_part
from review.cache import ReadCache
from review.worker import READER_PRELOAD, InProcessReader, IsolatedReader, reader_context

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "sample_docs" / "applications" / "app-001"
INVOICE = APP / "04发票" / "发票1.pdf"
AUDIT = APP / "02审计报告2023.pdf"


def _texts(res) -> list[list[str]]:
    return [[ln.text for ln in p.lines] for p in res.pages]


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_readers_fork_from_one_server_and_read_like_the_in_process_reader() -> None:
    assert reader_context().get_start_method() == "forkserver"
    data = AUDIT.read_bytes()
    expected = InProcessReader().read(data, AUDIT.name)
    with IsolatedReader() as a, IsolatedReader() as b:
        ra, rb = a.read(data, AUDIT.name), b.read(INVOICE.read_bytes(), INVOICE.name)
        parents = {psutil.Process(a.pid).ppid(), psutil.Process(b.pid).ppid()}
    # both readers are children of the same fork server, not of this process
    assert len(parents) == 1 and os.getpid() not in parents
    assert _texts(ra) == _texts(expected) and ra.errors == []
    assert any("发票" in ln.text for p in rb.pages for ln in p.lines)


def test_a_tmpdir_too_long_for_the_server_socket_falls_back_to_spawn(tmp_path: Path, monkeypatch) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert reader_context().get_start_method() == "spawn"
    with IsolatedReader() as reader:
        res = reader.read(INVOICE.read_bytes(), INVOICE.name)
    assert res.errors == [] and res.pages and res.pages[0].method == "text"


def test_spawn_can_be_forced(monkeypatch) -> None:
    monkeypatch.setenv("EVREVIEW_READER_START", "spawn")
    assert reader_context().get_start_method() == "spawn"


def test_a_reader_takes_the_environment_of_its_caller_not_of_the_server(monkeypatch) -> None:
    monkeypatch.setenv("EVREVIEW_PROBE", "server-time")
    worker.start_reader_server()
    monkeypatch.setenv("EVREVIEW_PROBE", "now")
    env = worker._child_env()
    assert env["EVREVIEW_PROBE"] == "now"
    monkeypatch.setenv("EVREVIEW_STALE", "x")
    worker._adopt_env(env)  # what a reader does first
    assert os.environ["EVREVIEW_PROBE"] == "now" and "EVREVIEW_STALE" not in os.environ


def test_a_reader_leaving_at_once_keeps_every_cached_row(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    files = [AUDIT, INVOICE, APP / "01营业执照.pdf"]
    reader = IsolatedReader()
    digests = []
    for f in files:
        res = reader.read(f.read_bytes(), f.name, opts={"extract": True, "cache_db": str(db)})
        assert res.errors == []
        digests.append(res.sha256)
    pid = reader.pid
    reader.close()
    assert pid is not None
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    cache = ReadCache(db)
    try:
        assert all(cache.get(d) is not None for d in digests)
    finally:
        cache.close()


def test_pymupdf_companions_and_onnxruntime_stay_unloaded_until_ocr() -> None:
    code = (
        "import sys, extractor.readers.pdf, extractor.extract, review.batch\n"
        "print(sys.modules.get('pymupdf.layout') is not None, 'pymupdf4llm' in sys.modules and "
        "sys.modules['pymupdf4llm'] is not None, 'onnxruntime' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["False", "False", "False"]


def test_warm_up_job_answers_without_reading() -> None:
    res = read_part(b"", "warm-up", None, {"warm": True})  # type: ignore[arg-type]
    assert res.kind == "unknown" and res.pages == [] and res.errors == []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads via /proc")
def test_the_fork_servers_stack_starts_no_thread_and_loads_no_ocr() -> None:
    """Forking is safe only from a process with one thread: the fork server imports the
    warmed stack first thing, and ends up with its main thread alone (NumPy's OpenBLAS
    pool is kept to one thread, cv2 and onnxruntime are not loaded)."""
    code = (
        "import os, sys\n"
        "import review.reader_stack, review.worker\n"  # READER_PRELOAD, in its order
        "print(len(os.listdir('/proc/self/task')), "
        "[m for m in ('cv2', 'onnxruntime', 'rapidocr') if m in sys.modules], 'numpy' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    ).stdout.strip()
    assert out == "1 [] True"
    assert READER_PRELOAD == ("review.reader_stack", "review.worker")


def test_an_ocr_runtime_failure_retires_the_reader_and_is_read_again_not_cached(
    tmp_path: Path, monkeypatch
) -> None:
    """The OCR runtime failing inside a reader (here: too little address space for
    onnxruntime's arena) is the reader's fault, not the file's: the reader leaves after
    answering, the file is tried once more in a fresh reader, and the failed result is never
    cached (a transient failure pinned in the cache would hide the file until the next version)."""
    monkeypatch.setenv("EVREVIEW_OCR_RUNTIME", "onnxruntime")
    monkeypatch.setenv("EVREVIEW_LIMIT_MEMORY_BYTES", str(1150 * 1024 * 1024))
    photo = ROOT / "sample_docs" / "applications" / "app-002" / "IMG_2231.JPG"
    with IsolatedReader() as reader:
        res = reader.read(None, photo.name, path=photo)
        assert reader.restarts == 2  # read twice, each reader retired after its answer
        assert reader.pid is None
    assert res.meta.get("engine_failure") and "ONNXRuntimeError" in res.errors[0], res.errors
    assert _not_cached(res, tmp_path)


def test_a_file_whose_read_made_openvino_give_up_is_read_again_in_a_fresh_reader(monkeypatch) -> None:
    """A reader that had read other files and gave up OpenVINO part-way through a file
    answers with ``read_again_fresh``: the file is read once more in a fresh reader, so
    which runtime read which page does not depend on the files read before it."""
    from models.page import ReadResult

    answers = [
        ReadResult(
            file="a.jpg", sha256="x", kind="image", meta={"reader_retired": True, "read_again_fresh": True}
        ),
        ReadResult(file="a.jpg", sha256="x", kind="image", meta={"fresh": True}),
    ]
    calls: list[str] = []

    def fake_read_once(self, data, name, path, force_ocr, opts):
        calls.append(name)
        return answers[len(calls) - 1]

    monkeypatch.setattr(IsolatedReader, "_read_once", fake_read_once)
    res = IsolatedReader().read(b"...", "a.jpg")
    assert calls == ["a.jpg", "a.jpg"] and res.meta == {"fresh": True}
    # a fresh reader's own fall-back is kept: reading it again would give the same
    assert not worker.read_again_fresh(True, 0) and worker.read_again_fresh(True, 1)


def test_a_read_that_ran_out_of_memory_is_marked_and_never_cached(tmp_path: Path, monkeypatch) -> None:
    """A MemoryError inside a reader says the reader's memory ran out, possibly spent by
    the files it read before: the result carries ``memory_failure`` (the worker reads the
    file again in a fresh reader) and the cache does not pin it."""
    from extractor import read as read_mod

    def out_of_memory(data, name, ctx):
        raise MemoryError

    monkeypatch.setattr(read_mod, "reader_for", lambda kind: out_of_memory)
    res = read_mod.read_bytes(b"%PDF-1.7\n%%EOF\n", "a.pdf")
    assert res.errors == ["读取时内存不足，文件可能过大或已损坏"] and res.meta.get("memory_failure")
    assert res.sha256
    assert _not_cached(res, tmp_path)


def _not_cached(res, tmp_path: Path) -> bool:
    """Whether the read cache refuses to keep ``res`` (a transient failure)."""
    cache = ReadCache(tmp_path / "c.db")
    try:
        cache.put(res)
        return cache.get(res.sha256) is None
    finally:
        cache.close()

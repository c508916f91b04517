"""The OCR engine's settings and the choice of its inference runtime (OpenVINO or onnxruntime).

The settings come from :func:`models.settings.current` (``EVREVIEW_OCR_THREADS``,
``EVREVIEW_OCR_RUNTIME``, ``EVREVIEW_OCR_PRECISION``, ``EVREVIEW_OCR_DET_MAX_SIDE``,
``EVREVIEW_OCR_OV_CACHE``, ``EVREVIEW_OCR_PROBE_CACHE``; see :mod:`extractor.ocr` for what each
does); a value that does not parse is logged and the default applies. ``auto`` runtime takes
OpenVINO only when a short measured probe (:func:`probe_runtimes`, run once per machine in a
child process, its figures cached in a small JSON file) finds it faster here. The engine
itself and the page OCR are :mod:`extractor.ocr`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

from models.settings import Settings, current

log = logging.getLogger(__name__)

THREADS_ENV = "EVREVIEW_OCR_THREADS"
RUNTIME_ENV = "EVREVIEW_OCR_RUNTIME"
PRECISION_ENV = "EVREVIEW_OCR_PRECISION"
DET_SIDE_ENV = "EVREVIEW_OCR_DET_MAX_SIDE"
PROBE_CACHE_ENV = "EVREVIEW_OCR_PROBE_CACHE"
# OpenVINO's CPU_RUNTIME_CACHE_CAPACITY (-1: OpenVINO's default, 5000 shapes): kernels kept
# per input shape; every page size and text-line width is a new shape, and the cache grows
# the address space of a long-running reader towards its 4 GiB cap (limits.memory_bytes)
OV_CACHE_ENV = "EVREVIEW_OCR_OV_CACHE"
OV_CACHE = 0

RUNTIMES = ("onnxruntime", "openvino")
PRECISIONS = ("bf16", "f32")
DET_MAX_SIDE = 0  # cap of the detection input's long side: off (1280/1600 lost fields)
# OpenVINO must beat onnxruntime by this factor in the probe to be chosen
PROBE_MARGIN = 0.9


def _settings(*names: str) -> Settings:
    """The current settings; a problem with one of ``names`` is logged (its default applies)."""
    s = current()
    for problem in s.problems:
        if any(problem.startswith(f"环境变量 {name}=") for name in names):
            log.warning("%s", problem)
    return s


def threads_setting() -> int:
    """Inference threads (``EVREVIEW_OCR_THREADS``); -1: the runtime's default (all cores)."""
    return _settings(THREADS_ENV).ocr_threads or -1


def runtime_setting() -> str:
    """``auto`` | ``openvino`` | ``onnxruntime`` (``EVREVIEW_OCR_RUNTIME``)."""
    return _settings(RUNTIME_ENV).ocr_runtime


def precision_setting() -> str:
    """``auto`` | ``bf16`` | ``f32`` (``EVREVIEW_OCR_PRECISION``)."""
    return _settings(PRECISION_ENV).ocr_precision


def det_max_side_setting() -> int:
    """Cap of the detection input's long side (``EVREVIEW_OCR_DET_MAX_SIDE``; 0: off)."""
    n = _settings(DET_SIDE_ENV).ocr_det_max_side
    return DET_MAX_SIDE if n is None else n


def ov_cache_setting() -> int:
    """OpenVINO's kernel cache capacity (``EVREVIEW_OCR_OV_CACHE``; -1: OpenVINO's default)."""
    n = _settings(OV_CACHE_ENV).ocr_ov_cache
    return OV_CACHE if n is None else n


def openvino_version() -> str | None:
    """Version of the installed OpenVINO runtime, or None when it cannot be imported."""
    try:
        # late: importing OpenVINO costs about 0.3 s and only the auto/openvino runtime needs it
        import openvino

        return str(openvino.get_version()).split("-")[0]
    except Exception:  # not installed, or a broken install
        return None


def native_bf16() -> bool:
    """True when OpenVINO reports bf16 among the CPU's capabilities (AVX512_BF16 / AMX)."""
    try:
        import openvino  # late: see openvino_version

        caps = openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        return "BF16" in [str(c) for c in caps]
    except Exception:
        return False


def version_of(module: str) -> str:
    """The installed version of a distribution, ``?`` when unknown."""
    try:
        return version(module)
    except Exception:
        return "?"


def probe_image() -> np.ndarray:
    """A small printed image (about 700×300 px, five lines of Chinese and digits)."""
    import pymupdf  # late: the probe's child process is the only caller (PyMuPDF import ~0.15 s)

    doc = pymupdf.open()
    page = doc.new_page(width=380, height=160)
    rows = (
        "福建省人工智能产业发展专项资金申报材料",
        "统一社会信用代码 91350503MA2Y0XXX1K",
        "设备购置费 860,000.00 元 软件开发费 390,000.00 元",
        "开户银行 中国工商银行泉州分行 账号 1408010109000123456",
        "日期 2024年06月30日 泉州市工业和信息化局",
    )
    for i, row in enumerate(rows):
        page.insert_text((12, 26 + 28 * i), row, fontname="china-s", fontsize=10.5)
    pix = page.get_pixmap(dpi=130, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


def _probe_key(threads: int) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(("model name", "flags")):
                    cpu += "|" + line.split(":", 1)[1].strip()
                if line.startswith("flags"):
                    break
    except OSError:
        pass
    parts = [cpu, version_of("onnxruntime"), str(openvino_version()), version_of("rapidocr"), str(threads)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _probe_cache_path() -> Path:
    path = _settings(PROBE_CACHE_ENV).ocr_probe_cache
    if path is not None:
        return path
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "evreview" / "ocr-runtime-probe.json"


def _probe_cached(key: str, path: Path) -> dict[str, float] | None:
    try:
        cached = json.loads(path.read_text(encoding="utf-8")).get(key)
        if cached and all(r in cached for r in RUNTIMES):
            return {r: float(cached[r]) for r in RUNTIMES}
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    return None


def _probe_store(key: str, path: Path, figures: dict[str, float]) -> None:
    try:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            data = {}
        data[key] = figures
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.info("OCR runtime probe not cached: %s", exc)


def probe_runtimes(threads: int = -1, *, reps: int = 1, use_cache: bool = True) -> dict[str, float] | None:
    """CPU seconds of one OCR pass on a small printed image, per runtime (best of ``reps``).

    Both runtimes run the same models with the same settings (threads, precision
    ``auto``); each is warmed up once first. The measurement runs in a child process
    (so the caller never holds both runtimes in memory), once per machine: the figures
    are cached (CPU model and flags, runtime versions, threads as the key) in
    :func:`_probe_cache_path`, and processes starting together wait for the first one's
    probe (a file lock). ``None`` when the probe cannot run.
    """
    key = _probe_key(threads)
    path = _probe_cache_path()
    if use_cache and (hit := _probe_cached(key, path)):
        return hit
    lock = None
    try:
        if use_cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(path.with_name(path.name + ".lock"), "a")
            try:
                import fcntl  # late: POSIX only

                fcntl.flock(lock, fcntl.LOCK_EX)
            except ImportError:  # Windows: no lock, two first probes may both run
                pass
            if hit := _probe_cached(key, path):
                return hit
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
        code = "import json, sys; from extractor.ocr import measure_runtimes; " + (
            f"print(json.dumps(measure_runtimes({int(threads)}, {int(reps)})))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env, cwd=root
        )
        if proc.returncode != 0:
            raise RuntimeError(
                proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode
            )
        figures = {r: float(v) for r, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}
        if use_cache:
            _probe_store(key, path, figures)
        return figures
    except Exception as exc:  # no runtime, a crash, a timeout, an unwritable cache
        log.warning("OCR runtime probe failed: %s", exc)
        return None
    finally:
        if lock is not None:
            lock.close()


def prepare_runtime_choice(threads: int = -1) -> None:
    """Run the runtime probe now if ``auto`` will need it and it is not cached yet.

    For a process that starts OCR workers (``review.batch``): called in a background
    thread at start, the probe (a child process) is done or under way before the first
    scanned page, and the workers wait for it (file lock) instead of each probing
    inside a file's time limit. Never raises.
    """
    try:
        if runtime_setting() != "auto" or openvino_version() is None:
            return
        if _probe_cached(_probe_key(threads), _probe_cache_path()) is None:
            probe_runtimes(threads)
    except Exception as exc:  # a background convenience: never fail the caller
        log.info("OCR runtime probe not prepared: %s", exc)

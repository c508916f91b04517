"""OCR engine of the reading layer (RapidOCR, PP-OCRv6 models shipped in the wheel).

* :func:`get_engine` returns the one engine of this process, created lazily.
  It never downloads anything: model paths are given explicitly from the wheel.
* ``EVREVIEW_OCR_THREADS`` sets the inference runtime's thread count (onnxruntime's
  intra-op pool, OpenVINO's ``INFERENCE_NUM_THREADS``), and OpenCV's (default: all
  cores; batch workers running several processes set 1).
* ``EVREVIEW_OCR_RUNTIME`` = ``auto`` (default) | ``openvino`` | ``onnxruntime`` picks the
  inference runtime under the same models. ``auto`` takes OpenVINO only when it is
  installed *and* a short measured probe (CPU time of both runtimes on one small
  printed image, see :func:`probe_runtimes`) finds it faster on this machine; the
  probe's result is kept in a small JSON file (``EVREVIEW_OCR_PROBE_CACHE``, default
  ``~/.cache/evreview/ocr-runtime-probe.json``) keyed by CPU, versions and threads, so
  it runs once per machine (:mod:`extractor.ocr_runtime`: the settings, the probe).
  OpenVINO that fails to load falls back to onnxruntime.
* ``EVREVIEW_OCR_PRECISION`` = ``auto`` | ``bf16`` | ``f32`` pins OpenVINO's inference
  precision (``INFERENCE_PRECISION_HINT``); ``auto`` = bf16 where the CPU has native
  bf16 (OpenVINO reports ``BF16`` among the CPU's optimisation capabilities: AVX512_BF16
  or AMX), f32 elsewhere. onnxruntime always runs f32.
* ``EVREVIEW_OCR_DET_MAX_SIDE`` caps the long side of the text-detection input
  (e.g. 1280; default 0 = off, RapidOCR's own sizing). Images whose short side is below
  RapidOCR's 736 px are still scaled up; recognition always reads crops of the
  full-resolution image. Off by default: measured (bench/ocr_variants.py) a cap of
  1280 or 1600 px loses fields (a scanned contract's GPU model and count, a scanned
  report's audit firm) against full-size detection.
* :attr:`OcrEngine.info` (runtime, its version, precision, how it was chosen) is put in
  every :class:`OcrPage` and from there in each OCR'd page's entry of
  ``ReadResult.meta["pages"]`` (key ``ocr_engine``).
* :meth:`OcrEngine.recognize` reads an image as it is.
  :meth:`OcrEngine.read_upright` also finds the page orientation (0/90/180/270)
  and a small skew, and returns lines in the frame of the upright page.
  Both take **RGB** ``uint8`` arrays (H×W×3; gray H×W is accepted too).
* :func:`ocr_page` is what readers call: it counts the call in ``ctx.ocr_calls``.

Orientation detection costs almost nothing for upright pages: one normal OCR pass
(detection + 0/180 line classifier + recognition) is run on the image as given; the
geometry of the detected boxes (tall boxes → the page lies on its side) and the
classifier's per-line 0/180 votes give the page orientation. Only when the page is
not upright is the image turned and read once more (detection and recognition are
trained on level text, and reading the turned image proved more accurate than
re-recognising crops of the sideways boxes). Residual skew (up to ±10°) is measured from the angle of
long text boxes; recognition already works on perspective-corrected crops, so the
skew is removed from the coordinates only (see :class:`OcrPage`).
"""

from __future__ import annotations

import gc
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from extractor import ocr_gaps
from extractor.ocr_alts import keep_unsure_glyphs
from extractor.ocr_geometry import (
    _rot90_cw,
    _rotate_about_centre,
    estimate_skew,
    page_orientation,
    reading_order,
)
from extractor.ocr_runtime import (
    PROBE_MARGIN,
    RUNTIMES,
    det_max_side_setting,
    native_bf16,
    openvino_version,
    ov_cache_setting,
    precision_setting,
    prepare_runtime_choice,  # noqa: F401  (moved to extractor.ocr_runtime; re-exported for callers outside extractor)
    probe_image,
    probe_runtimes,
    runtime_setting,
    threads_setting,
    version_of,
)
from extractor.readers.context import ReadContext
from models.page import Line

log = logging.getLogger(__name__)


# a wrapped row's lost tail (_read_lost_wraps) is kept only read this surely, this short, and
# holding Chinese or digits (not a mark or a stroke of the next row read as a letter)
WRAP_MIN_SCORE = 0.9
WRAP_MAX_GLYPHS = 6
_WRAP_TEXT_RE = re.compile(r"[\u4e00-\u9fff0-9０-９]")
DET_MIN_SIDE = 736  # RapidOCR's detection default: short sides below it are scaled up
# Recognition batch per runtime (RapidOCR's default is 6): measured in bench/read.py
REC_BATCH = {"onnxruntime": 6, "openvino": 6}


@dataclass
class OcrPage:
    """OCR result of one page image.

    ``lines`` carry pixel bboxes (x0, y0, x1, y1), origin top-left, in the frame of
    the *upright* image: the input turned clockwise by ``rotation`` degrees and then
    turned by ``-skew`` degrees about its centre (same canvas size, so
    ``width``/``height`` are those of the image after the 90° turns).
    """

    lines: list[Line] = field(default_factory=list)
    width: int = 0
    height: int = 0
    rotation: int = 0  # clockwise degrees applied to the input (0, 90, 180, 270)
    skew: float = 0.0  # degrees removed from the coordinates (positive: text ran downhill)
    seconds: float = 0.0
    engine: dict[str, Any] = field(default_factory=dict)  # OcrEngine.info: runtime, version, precision


@dataclass
class _Raw:
    quads: np.ndarray  # (n, 4, 2) float32, in the input image's pixels
    texts: list[str]
    scores: list[float]
    cls: list[tuple[str, float]]


def det_input_side(h: int, w: int, cap: int) -> tuple[str, int]:
    """RapidOCR detection sizing (``limit_type``, ``limit_side_len``) for an h×w image.

    Short sides below 736 px keep RapidOCR's own rule (scaled up so the short side is
    736); otherwise a long side above ``cap`` is scaled down to ``cap`` (but not so far
    that the short side falls below 736); ``cap`` 0 = RapidOCR's own rule always.

    >>> det_input_side(2339, 1654, 1280)   # A4 at 200 dpi: capped
    ('max', 1280)
    >>> det_input_side(534, 911, 1280)     # small scan: scaled up as before
    ('min', 736)
    >>> det_input_side(800, 1200, 1280)    # already small enough: as it is
    ('min', 736)
    >>> det_input_side(800, 3000, 1280)    # wide strip: the short side stays 736
    ('max', 2760)
    >>> det_input_side(2339, 1654, 0)
    ('min', 736)
    """
    short, long_ = min(h, w), max(h, w)
    if cap <= 0 or short < DET_MIN_SIDE or long_ <= cap:
        return "min", DET_MIN_SIDE
    scale = max(cap / long_, DET_MIN_SIDE / short)
    return "max", round(long_ * scale)


class OcrEngine:
    """RapidOCR with the PP-OCRv6 det/rec models and the PP-OCR v2.0 mobile text-direction
    classifier (``ch_ppocr_mobile_v2.0_cls``) inside the wheel.

    ``runtime`` / ``precision`` / ``det_max_side`` / ``rec_batch`` default to the
    settings in the environment (see the module doc); pass them to pin a variant
    (the benchmarks and tests do).
    """

    name = "rapidocr"

    def __init__(
        self,
        threads: int | None = None,
        *,
        runtime: str | None = None,
        precision: str | None = None,
        det_max_side: int | None = None,
        rec_batch: int | None = None,
        spin: bool = False,
        ov_cache: int | None = None,
        fill_holes: bool = True,
        small_print: bool = True,
        enlarge: bool = True,
    ) -> None:
        self.threads = threads_setting() if threads is None else threads
        self.runtime_setting = runtime or runtime_setting()
        self.precision_setting = precision or precision_setting()
        self.det_max_side = det_max_side_setting() if det_max_side is None else det_max_side
        self.rec_batch = rec_batch
        self.spin = spin  # onnxruntime's spinning thread pools (RapidOCR's default: on)
        # OpenVINO CPU_RUNTIME_CACHE_CAPACITY: kernels kept per input shape (None: OpenVINO's)
        self.ov_cache = ov_cache_setting() if ov_cache is None else ov_cache
        # read again the lines page-wide detection missed inside a paragraph (extractor.ocr_gaps)
        self.fill_holes = fill_holes
        # read again the band of big print (a title), where small print beside it may be lost
        self.small_print = small_print
        # read again enlarged a page whose print is too small for the models (extractor.ocr_gaps)
        self.enlarge = enlarge
        self.holes_read = 0  # local reads made so far (bench/ocr_variants.py reports them)
        self.pages_enlarged = 0
        # OpenVINO failed while reading and onnxruntime took over in this process
        self.fell_back_at_run = False
        self.info: dict[str, Any] = {}
        self._ocr: Any = None
        self._error: str | None = None
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._frames_lock = threading.Lock()  # one recognition at a time while frames are kept

    # -- set-up -------------------------------------------------------------
    def _params(self, runtime: str = "onnxruntime") -> dict[str, Any]:
        # Late imports of the OCR stack (rapidocr ~0.8 s, onnxruntime ~0.05 s, OpenVINO ~0.15 s
        # measured on this machine): they load only when a page is OCR'd, so a text-only
        # intake and the readers' fork server never load them.
        import rapidocr
        from rapidocr import EngineType

        models = Path(rapidocr.__file__).resolve().parent / "models"
        engine = EngineType.OPENVINO if runtime == "openvino" else EngineType.ONNXRUNTIME
        batch = self.rec_batch or REC_BATCH[runtime]
        return {
            "Global.log_level": "error",
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            "Det.engine_type": engine,
            "Cls.engine_type": engine,
            "Rec.engine_type": engine,
            "Rec.rec_batch_num": batch,
            "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1 if self.threads == 1 else -1,
            "EngineConfig.openvino.inference_num_threads": self.threads,
        }

    def _build(self, runtime: str) -> tuple[Any, dict[str, Any]]:
        """A RapidOCR object on ``runtime`` with its three models loaded, and its info."""
        from rapidocr import RapidOCR  # late: the OCR stack (see _params)

        params = self._params(runtime)
        for key in ("Det.model_path", "Rec.model_path", "Cls.model_path"):
            if not Path(params[key]).is_file():
                raise FileNotFoundError(params[key])
        ocr = RapidOCR(params=params)
        info: dict[str, Any] = {"runtime": runtime}
        if runtime == "onnxruntime":
            self._ort_sessions(ocr)
            info.update(runtime_version=version_of("onnxruntime"), precision="f32")
        else:
            info.update(runtime_version=openvino_version(), precision=self._ov_sessions(ocr))
        keep_unsure_glyphs(ocr)
        info.update(
            rapidocr=version_of("rapidocr"),
            threads=self.threads,
            det_max_side=self.det_max_side,
            rec_batch=int(params["Rec.rec_batch_num"]),
        )
        return ocr, info

    def _ort_sessions(self, ocr: Any) -> None:
        """Give RapidOCR onnxruntime sessions made here (RapidOCR accepts a ready session):
        the same options as its own, plus the spinning setting of the thread pools."""
        import onnxruntime as ort  # late: the OCR stack (see _params)

        ocr.cfg._set_flag("allow_objects", True)
        for part in ("Det", "Cls", "Rec"):
            cfg = ocr.cfg[part]
            opts = ort.SessionOptions()
            opts.log_severity_level = 4
            opts.enable_cpu_mem_arena = False
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            if self.threads >= 1:
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1 if self.threads == 1 else opts.inter_op_num_threads
            if not self.spin:
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
            cfg.session = ort.InferenceSession(cfg.model_path, opts, providers=["CPUExecutionProvider"])
        ocr._load_det_model(), ocr._load_cls_model(), ocr._load_rec_model()

    def _ov_sessions(self, ocr: Any) -> str:
        """Load the OpenVINO models, compiled with the inference precision pinned; returns it."""
        import openvino  # late: the OCR stack (see _params)

        want = self.precision_setting
        if want == "auto":
            want = "bf16" if native_bf16() else "f32"
        # No CPU pinning: OpenVINO pins each process's inference threads to the first cores,
        # so two reader processes with one thread each ran on ONE core (each 2× slower; with
        # pinning off they run 1.9× as fast together, measured by bench/batch.py's workers row)
        config: dict[str, Any] = {"INFERENCE_PRECISION_HINT": want, "ENABLE_CPU_PINNING": False}
        if self.ov_cache >= 0:
            config["CPU_RUNTIME_CACHE_CAPACITY"] = str(self.ov_cache)
        if self.threads >= 1:
            config["INFERENCE_NUM_THREADS"] = str(self.threads)
        core = openvino.Core()
        got: set[str] = set()
        for part in (ocr._load_det_model(), ocr._load_cls_model(), ocr._load_rec_model()):
            sess = part.session
            # RapidOCR compiles with the threads only; compile again with the precision pinned
            compiled = core.compile_model(sess.model, "CPU", config)
            sess.session = compiled.create_infer_request()
            hint = compiled.get_property("INFERENCE_PRECISION_HINT")
            got.add(hint.to_string() if hasattr(hint, "to_string") else str(hint))
        return ",".join(sorted(got))  # the precision actually compiled: "bf16" or "f32"

    def _resolve(self) -> tuple[str, str, dict[str, float] | None]:
        """(runtime, how it was chosen, probe figures) from the settings and the machine."""
        setting = self.runtime_setting
        if setting == "onnxruntime":
            return "onnxruntime", "setting", None
        if openvino_version() is None:
            return "onnxruntime", "fallback: openvino not installed", None
        if setting == "openvino":
            return "openvino", "setting", None
        probe = probe_runtimes(self.threads)
        if probe is None:
            return "onnxruntime", "fallback: probe failed", None
        best = "openvino" if probe["openvino"] <= PROBE_MARGIN * probe["onnxruntime"] else "onnxruntime"
        return best, "probe", probe

    def _load(self) -> Any:
        if self._ocr is None and self._error is None:
            with self._lock:
                if self._ocr is None and self._error is None:
                    try:
                        runtime, chosen_by, probe = self._resolve()
                        try:
                            self._ocr, self.info = self._build(runtime)
                        except Exception as exc:
                            if runtime == "onnxruntime":
                                raise
                            log.warning("OpenVINO could not load the OCR models (%s): onnxruntime", exc)
                            chosen_by = f"fallback: openvino failed ({type(exc).__name__})"
                            self._ocr, self.info = self._build("onnxruntime")
                        self.info["chosen_by"] = chosen_by
                        if probe:
                            self.info["probe_cpu_s"] = probe
                        if self.threads >= 1:
                            # OpenCV's own pool (resizing, crops of each text box) would
                            # otherwise use every core in each of several batch workers
                            import cv2  # late: see _to_bgr

                            cv2.setNumThreads(self.threads)
                    except Exception as exc:  # missing package or model
                        self._error = f"{type(exc).__name__}: {exc}"
                        log.warning("OCR engine unavailable: %s", self._error)
        return self._ocr

    def is_available(self) -> bool:
        return self._load() is not None

    # -- low level ----------------------------------------------------------
    def _run(self, img_rgb: np.ndarray, max_side: int | None = None) -> _Raw:
        """One full RapidOCR pass (det → cls → rec) on an RGB image; ``max_side``: the long
        side RapidOCR may read it at (default: its own, an image longer is shrunk first)."""
        from rapidocr.utils.process_img import map_boxes_to_original  # late: the OCR stack (see _params)

        ocr = self._load()
        if ocr is None:
            raise RuntimeError(f"OCR engine unavailable: {self._error}")
        bgr = _to_bgr(img_rgb)
        h, w = bgr.shape[:2]
        # one pass at a time: the detection size is set per image, and an OpenVINO
        # infer request is not thread-safe
        with self._run_lock:
            own = ocr.max_side_len
            if max_side:
                ocr.max_side_len = max(own, max_side)
            try:
                img, op_record = ocr.preprocess_img(bgr)
            finally:
                ocr.max_side_len = own
            failed = ""
            try:
                det, cls, rec = self._steps(ocr, img, op_record)
            except Exception as exc:
                if self.info.get("runtime") != "openvino":
                    raise
                # e.g. the reader's address-space cap reached: go on with onnxruntime
                first = next((ln for ln in str(exc).splitlines() if "Failed to allocate" in ln), "")
                log.warning(
                    "OpenVINO 识别此页失败（%s%s），本读取进程改用 onnxruntime 继续",
                    type(exc).__name__,
                    "：内存不足" if first else "",
                )
                failed = type(exc).__name__
            if failed:  # outside the except block: the traceback no longer holds OpenVINO
                self._ocr = ocr = None

                gc.collect()
                self._ocr, self.info = self._build("onnxruntime")
                self.info["chosen_by"] = f"fallback: openvino failed at run ({failed})"
                self.fell_back_at_run = True
                ocr = self._ocr
                det, cls, rec = self._steps(ocr, img, op_record)
        if det.boxes is None or rec.txts is None or len(det.boxes) == 0:
            return _Raw(np.zeros((0, 4, 2), np.float32), [], [], [])
        quads = map_boxes_to_original(np.array(det.boxes, dtype=np.float32), op_record, h, w)
        n = len(quads)
        labels = list(cls.cls_res) if cls.cls_res is not None else [("0", 1.0)] * n
        return _Raw(quads, list(rec.txts), [float(s) for s in rec.scores], labels)

    def _steps(self, ocr: Any, img: np.ndarray, op_record: dict[str, Any]) -> tuple[Any, Any, Any]:
        det = ocr.text_det
        det.limit_type, det.limit_side_len = det_input_side(*img.shape[:2], self.det_max_side)
        det_res, cls_res, rec_res, _ = ocr.run_ocr_steps(img, op_record)
        return det_res, cls_res, rec_res

    def bare(self, bgr: np.ndarray) -> Any:
        """RapidOCR's own call on a BGR image with this engine's settings (benchmarks)."""
        ocr = self._load()
        with self._run_lock:
            img, _ = ocr.preprocess_img(bgr)
            det = ocr.text_det
            det.limit_type, det.limit_side_len = det_input_side(*img.shape[:2], self.det_max_side)
            return ocr(bgr)

    def _lines(self, quads: np.ndarray, texts: list[str], scores: list[float]) -> list[Line]:
        ocr = self._load()
        min_score = float(ocr.cfg.Global.text_score)
        lines = []
        for q, t, s in zip(quads, texts, scores, strict=False):
            if not t.strip() or s < min_score:
                continue
            bbox = (
                float(q[:, 0].min()),
                float(q[:, 1].min()),
                float(q[:, 0].max()),
                float(q[:, 1].max()),
            )
            alts = list(getattr(t, "alts", ()))
            lines.append(Line(text=str(t), bbox=bbox, confidence=round(s, 4), method="ocr", alts=alts))
        return reading_order(lines)

    def _read_enlarged(self, img: np.ndarray, raw: _Raw) -> _Raw:
        """The page read again enlarged when its print is too small for the models
        (:func:`extractor.ocr_gaps.enlargement`); the enlarged read is kept unless it reads
        less text, with the first read's lines it lost (:func:`extractor.ocr_gaps.uncovered`)."""
        if not self.enlarge:
            return raw
        import cv2  # late: see _to_bgr

        min_score = float(self._load().cfg.Global.text_score)
        h, w = img.shape[:2]
        scale = ocr_gaps.enlargement(raw.quads, raw.texts, raw.scores, h, w, min_score)
        if not scale:
            return raw
        size = (round(w * scale), round(h * scale))
        self.pages_enlarged += 1
        big = self._run(cv2.resize(img, size, interpolation=cv2.INTER_CUBIC), max_side=max(size))

        def read(r: _Raw) -> int:
            return sum(len(t) for t, sc in zip(r.texts, r.scores, strict=False) if sc >= min_score)

        if read(big) < read(raw):
            return raw
        # a row the enlarged read lost (its recognition came back empty) keeps its first reading
        kept = [i for i, sc in enumerate(big.scores) if sc >= min_score]
        quads = big.quads[kept] / np.float32(scale) if kept else np.zeros((0, 4, 2), np.float32)
        first = [i for i in ocr_gaps.uncovered(raw.quads, quads) if raw.scores[i] >= min_score]
        return _Raw(
            np.concatenate([quads, raw.quads[first]]).astype(np.float32).reshape(-1, 4, 2),
            [big.texts[i] for i in kept] + [raw.texts[i] for i in first],
            [big.scores[i] for i in kept] + [raw.scores[i] for i in first],
            [big.cls[i] if i < len(big.cls) else ("0", 1.0) for i in kept] + [raw.cls[i] for i in first],
        )

    def _fill_holes(self, img: np.ndarray, raw: _Raw) -> _Raw:
        """Lines the page-wide detection missed inside a paragraph, read again from a cut-out
        of their region (:mod:`extractor.ocr_gaps`)."""
        if not self.fill_holes:
            return raw
        min_score = float(self._load().cfg.Global.text_score)
        h, w = img.shape[:2]
        return self._read_again(
            img,
            raw,
            ocr_gaps.holes(raw.quads, raw.texts, raw.scores, min_score),
            inked=ocr_gaps.has_ink,
            crop=lambda hole: ocr_gaps.crop_box(hole, w, h),
            keep=lambda hole, quads, local, _known: ocr_gaps.lines_in_hole(
                hole, quads, local.texts, local.scores, min_score
            ),
        )

    def _read_beside_big_print(self, img: np.ndarray, raw: _Raw) -> _Raw:
        """Small print the detector swallowed into a big-print box (a licence's credit-code
        line under 营业执照), read again from the big print's band across the whole page
        (small print beside big print may run on far): :func:`extractor.ocr_gaps.under_big_print`."""
        if not self.small_print:
            return raw
        min_score = float(self._load().cfg.Global.text_score)
        h, w = img.shape[:2]

        def band(region: ocr_gaps.Hole) -> tuple[int, int, int, int]:
            _x0, y0, _x1, y1 = ocr_gaps.crop_box(region, w, h)
            return 0, y0, w, y1

        return self._read_again(
            img,
            raw,
            ocr_gaps.under_big_print(raw.quads, raw.texts, raw.scores, w, min_score),
            inked=lambda gray, region: ocr_gaps.unread_ink(gray, region, raw.quads),
            crop=band,
            keep=lambda region, quads, local, known: ocr_gaps.small_print_in(
                region, quads, local.texts, local.scores, known, min_score
            ),
        )

    def _read_lost_heads(self, img: np.ndarray, raw: _Raw) -> _Raw:
        """Paragraph rows whose head the page-wide detection lost (a red seal stamped over
        the first words), read again whole from the row's red-suppressed cut-out; the row's
        whole reading replaces the tail read before (:func:`extractor.ocr_gaps.lost_heads`)."""
        if not self.fill_holes:
            return raw
        min_score = float(self._load().cfg.Global.text_score)
        h, w = img.shape[:2]
        return self._read_again(
            ocr_gaps.without_red(img),
            raw,
            ocr_gaps.lost_heads(raw.quads, raw.texts, raw.scores, min_score),
            inked=ocr_gaps.has_ink,
            crop=lambda head: ocr_gaps.crop_box(head, w, h),
            keep=lambda head, quads, local, _known: ocr_gaps.whole_row(
                head, quads, local.texts, local.scores, min_score
            ),
            replace=True,
        )

    def _read_lost_wraps(self, img: np.ndarray, raw: _Raw) -> _Raw:
        """A wrapped row's last glyphs left alone under the row's start, which the page-wide
        detection lost (:func:`extractor.ocr_gaps.lost_wraps`): the ink there is recognised
        alone, and a short, sure reading of Chinese or digits is added as a line."""
        if not self.fill_holes:
            return raw
        min_score = float(self._load().cfg.Global.text_score)
        holes = ocr_gaps.lost_wraps(raw.quads, raw.texts, raw.scores, min_score)
        if not holes:
            return raw
        gray = img if img.ndim == 2 else img[:, :, :3].mean(axis=2).astype(np.uint8)
        added: list[tuple[np.ndarray, str, float]] = []
        for hole in holes:
            boxes = ocr_gaps.wrap_ink(gray, hole)
            if not boxes:
                continue
            self.holes_read += 1
            reads = [
                (self.recognize_line(np.ascontiguousarray(img[b[1] : b[3], b[0] : b[2]])), b) for b in boxes
            ]
            (text, score), (x0, y0, x1, y1) = max(reads, key=lambda r: r[0][1])
            if (
                score < WRAP_MIN_SCORE
                or not 0 < len(text.replace(" ", "")) <= WRAP_MAX_GLYPHS
                or not _WRAP_TEXT_RE.search(text)
            ):
                continue
            added.append((np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32), text, score))
            if len(added) >= ocr_gaps.MAX_WRAPS_PER_PAGE:
                break
        if not added:
            return raw
        return _Raw(
            np.concatenate([raw.quads.reshape(-1, 4, 2), np.stack([a[0] for a in added])]).astype(np.float32),
            list(raw.texts) + [a[1] for a in added],
            list(raw.scores) + [a[2] for a in added],
            list(raw.cls) + [("0", 1.0)] * len(added),
        )

    def _read_again(
        self,
        img: np.ndarray,
        raw: _Raw,
        regions: list[ocr_gaps.Hole],
        *,
        inked: Callable[[np.ndarray, ocr_gaps.Hole], bool],
        crop: Callable[[ocr_gaps.Hole], tuple[int, int, int, int]],
        keep: Callable[[ocr_gaps.Hole, np.ndarray, _Raw, np.ndarray], list[int]],
        replace: bool = False,
    ) -> _Raw:
        """A second, local read of each region that holds ink (``inked``): the ``crop`` of
        the page is read alone, and the lines ``keep`` picks (in page pixels) are added.
        With ``replace``, a line read before that lies mostly inside an added one goes."""
        if not regions:
            return raw
        gray = img if img.ndim == 2 else img[:, :, :3].mean(axis=2).astype(np.uint8)
        quads, texts, scores, cls = list(raw.quads), list(raw.texts), list(raw.scores), list(raw.cls)
        for region in regions:
            if not inked(gray, region):
                continue
            x0, y0, x1, y1 = crop(region)
            self.holes_read += 1
            local = self._run(np.ascontiguousarray(img[y0:y1, x0:x1]))
            if not len(local.quads):
                continue
            shifted = local.quads + np.array([x0, y0], np.float32)
            known = np.array(quads, np.float32).reshape(-1, 4, 2)
            for i in keep(region, shifted, local, known):
                if replace:
                    gone = set(ocr_gaps.covered_by(shifted[i], known))
                    quads, texts, scores, cls = (
                        [v for k, v in enumerate(seq) if k not in gone] for seq in (quads, texts, scores, cls)
                    )
                quads.append(shifted[i])
                texts.append(local.texts[i])
                scores.append(local.scores[i])
                cls.append(local.cls[i] if i < len(local.cls) else ("0", 1.0))
        if texts == raw.texts:
            return raw
        return _Raw(np.array(quads, np.float32).reshape(-1, 4, 2), texts, scores, cls)

    # -- public -------------------------------------------------------------
    def recognize(self, img: np.ndarray) -> list[Line]:
        """OCR an RGB image as it is; bboxes in pixels of ``img``, origin top-left."""
        raw = self._run(img)
        return self._lines(raw.quads, raw.texts, raw.scores)

    def recognize_line(self, img: np.ndarray, *, frames: bool = False) -> tuple[str, float]:
        """Recognition only (no detection) of an RGB image holding one line of text, e.g. a
        seal's unwrapped ring; returns the text (an :class:`extractor.ocr_alts.ReadText`: with
        its unsure glyphs, and with ``frames`` the model's view at every step) and its score."""
        ocr = self._load()
        if ocr is None:
            raise RuntimeError(f"OCR engine unavailable: {self._error}")
        with self._frames_lock:
            decoder = keep_unsure_glyphs(ocr)
            decoder.keep_frames = frames
            try:
                rec = ocr.recognize_txt([_to_bgr(img)])
            finally:
                decoder.keep_frames = False
        if rec.txts is None or not len(rec.txts):
            return "", 0.0
        return rec.txts[0], float(rec.scores[0])

    def read_upright(self, img: np.ndarray, *, deskew: bool = True) -> OcrPage:
        """OCR an RGB image, turning it upright first if needed (see module doc)."""
        t0 = time.perf_counter()
        h, w = img.shape[:2]
        raw = self._run(img)
        rotation = page_orientation(raw.quads, raw.texts, raw.scores, raw.cls)
        upright = img
        if rotation:
            # Detection and recognition both work best on level text: read again upright.
            upright = _rot90_cw(img, rotation)
            raw = self._run(upright)
            if rotation in (90, 270):
                w, h = h, w
        raw = self._read_enlarged(upright, raw)
        raw = self._read_lost_heads(upright, self._fill_holes(upright, raw))
        raw = self._read_beside_big_print(upright, self._read_lost_wraps(upright, raw))
        quads, texts, scores = raw.quads, raw.texts, raw.scores
        skew = 0.0
        if deskew and len(quads):
            skew = estimate_skew(quads)
            if skew:
                quads = _rotate_about_centre(quads, -skew, w, h)
        lines = self._lines(quads, texts, scores)
        return OcrPage(
            lines=lines,
            width=w,
            height=h,
            rotation=rotation,
            skew=round(skew, 2),
            seconds=round(time.perf_counter() - t0, 3),
            engine=self.engine_info(),
        )

    def engine_info(self) -> dict[str, Any]:
        """Provenance of this engine's results: runtime, version, precision, choice."""
        keys = (
            "runtime",
            "runtime_version",
            "precision",
            "chosen_by",
            "rapidocr",
            "det_max_side",
            "rec_batch",
        )
        return {k: self.info[k] for k in keys if k in self.info}


_ENGINE: OcrEngine | None = None
_ENGINE_LOCK = threading.Lock()


def get_engine() -> OcrEngine:
    """The process-wide OCR engine (models load on first use)."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = OcrEngine()
    return _ENGINE


def engine_fell_back_at_run() -> bool:
    """Whether this process's engine, if one was made, gave up OpenVINO while reading (a
    MemoryError under the reader's address-space cap): onnxruntime then runs beside what
    OpenVINO left in memory (review.worker retires such a reader)."""
    return _ENGINE is not None and _ENGINE.fell_back_at_run


# -- runtime probe ------------------------------------------------------------------


def measure_runtimes(threads: int = -1, reps: int = 2) -> dict[str, float]:
    """CPU seconds of one OCR pass on :func:`probe_image`, per runtime (best of ``reps``),
    measured in this process (both runtimes stay loaded until it returns)."""
    bgr = _to_bgr(probe_image())
    out: dict[str, float] = {}
    for runtime in RUNTIMES:
        engine = OcrEngine(threads, runtime=runtime, precision="auto")
        if engine._load() is None or engine.info.get("runtime") != runtime:
            raise RuntimeError(f"{runtime}: {engine._error or 'not loaded'}")
        engine.bare(bgr)  # warm-up
        best = math.inf
        for _ in range(reps):
            t = time.process_time()
            engine.bare(bgr)
            best = min(best, time.process_time() - t)
        out[runtime] = round(best, 4)
    return out


def ocr_page(img: np.ndarray, ctx: ReadContext | None = None) -> OcrPage:
    """OCR one page image (RGB) upright; counts the call in ``ctx.ocr_calls``."""
    if ctx is not None:
        ctx.ocr_calls += 1
    return get_engine().read_upright(img)


# -- geometry helpers ---------------------------------------------------------


def _to_bgr(img: np.ndarray) -> np.ndarray:
    # late: OpenCV must not be loaded in the readers' fork server, which imports this module
    # (tests/test_worker.py); it loads with the first OCR'd page
    import cv2

    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_RGBA2BGR)
    return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)

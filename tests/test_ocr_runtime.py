"""OCR runtime choice (OpenVINO / onnxruntime): settings, probe, precision, provenance.

Fast tests load the engines (about a second each) and OCR one small real screenshot
per runtime; the probe itself and the heavier documents on both runtimes are slow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import extractor.ocr as ocr_mod
import extractor.ocr_runtime as runtime_mod
from extractor.ocr import OcrEngine
from extractor.ocr_runtime import (
    DET_SIDE_ENV,
    PRECISION_ENV,
    RUNTIME_ENV,
    THREADS_ENV,
    _probe_key,
    native_bf16,
    openvino_version,
    probe_runtimes,
)
from extractor.read import ReadContext, read_path

HAVE_OPENVINO = openvino_version() is not None
RUNTIMES = [
    "onnxruntime",
    pytest.param("openvino", marks=pytest.mark.skipif(not HAVE_OPENVINO, reason="openvino is not installed")),
]


@pytest.fixture
def probe_cache(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "probe.json"
    monkeypatch.setenv("EVREVIEW_OCR_PROBE_CACHE", str(path))
    return path


@pytest.fixture
def use_engine(monkeypatch):
    """Make ``engine`` the process-wide OCR engine for the test."""

    def put(engine: OcrEngine) -> OcrEngine:
        monkeypatch.setattr(ocr_mod, "_ENGINE", engine)
        return engine

    return put


# -- settings and choice -----------------------------------------------------------


def test_settings_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(RUNTIME_ENV, " OpenVINO ")
    monkeypatch.setenv(PRECISION_ENV, "f32")
    monkeypatch.setenv(DET_SIDE_ENV, "1600")
    monkeypatch.setenv(THREADS_ENV, "1")
    e = OcrEngine()
    assert (e.runtime_setting, e.precision_setting, e.det_max_side, e.threads) == ("openvino", "f32", 1600, 1)
    monkeypatch.setenv(RUNTIME_ENV, "tensorflow")  # unknown: the default, not an error
    monkeypatch.setenv(PRECISION_ENV, "int4")
    monkeypatch.setenv(DET_SIDE_ENV, "many")
    monkeypatch.delenv(THREADS_ENV)
    e = OcrEngine()
    assert (e.runtime_setting, e.precision_setting, e.det_max_side, e.threads) == ("auto", "auto", 0, -1)
    # arguments win over the environment
    e = OcrEngine(1, runtime="onnxruntime", precision="bf16", det_max_side=1280)
    assert (e.runtime_setting, e.precision_setting, e.det_max_side, e.threads) == (
        "onnxruntime",
        "bf16",
        1280,
        1,
    )


def test_a_setting_chooses_without_a_probe(probe_cache) -> None:
    assert OcrEngine(runtime="onnxruntime")._resolve() == ("onnxruntime", "setting", None)
    if HAVE_OPENVINO:
        assert OcrEngine(runtime="openvino")._resolve() == ("openvino", "setting", None)
    assert not probe_cache.exists()


def test_openvino_missing_falls_back_to_onnxruntime(monkeypatch, probe_cache) -> None:
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino → ImportError
    assert openvino_version() is None
    for setting in ("openvino", "auto"):
        runtime, chosen_by, _ = OcrEngine(runtime=setting)._resolve()
        assert (runtime, chosen_by) == ("onnxruntime", "fallback: openvino not installed")
    assert not probe_cache.exists()


@pytest.mark.skipif(not HAVE_OPENVINO, reason="openvino is not installed")
@pytest.mark.parametrize(
    "figures,expected",
    [
        ({"onnxruntime": 2.0, "openvino": 0.9}, "openvino"),
        ({"onnxruntime": 1.0, "openvino": 0.95}, "onnxruntime"),  # not clearly faster
        ({"onnxruntime": 1.0, "openvino": 1.4}, "onnxruntime"),
    ],
)
def test_auto_follows_the_measured_probe(probe_cache, figures, expected) -> None:
    # the probe's figures for this machine, CPU and versions, as a previous run stored them
    probe_cache.write_text(json.dumps({_probe_key(1): figures}))
    runtime, chosen_by, probe = OcrEngine(1, runtime="auto")._resolve()
    assert (runtime, chosen_by, probe) == (expected, "probe", figures)
    # figures of another thread count are not this machine's answer for 1 thread
    assert _probe_key(1) != _probe_key(-1)


# -- loading, precision, threads, provenance ----------------------------------------


@pytest.mark.skipif(not HAVE_OPENVINO, reason="openvino is not installed")
def test_openvino_precision_and_threads_are_pinned() -> None:
    e = OcrEngine(1, runtime="openvino", precision="f32")
    assert e.is_available()
    assert e.info["precision"] == "f32" and e.info["runtime"] == "openvino"
    for part in (e._ocr.text_det, e._ocr.text_cls, e._ocr.text_rec):
        compiled = part.session.session.get_compiled_model()
        assert compiled.get_property("INFERENCE_PRECISION_HINT").to_string() == "f32"
        # batch workers (EVREVIEW_OCR_THREADS=1) run OpenVINO on one thread
        assert int(compiled.get_property("INFERENCE_NUM_THREADS")) == 1
    auto = OcrEngine(1, runtime="openvino", precision="auto")
    assert auto.is_available()
    assert auto.info["precision"] == ("bf16" if native_bf16() else "f32")


def test_onnxruntime_threads_and_spinning() -> None:
    e = OcrEngine(1, runtime="onnxruntime")
    assert e.is_available() and e.info["precision"] == "f32"
    for part in (e._ocr.text_det, e._ocr.text_cls, e._ocr.text_rec):
        sess = part.session.session
        assert sess.get_session_options().intra_op_num_threads == 1
        entries = sess.get_session_options().get_session_config_entry("session.intra_op.allow_spinning")
        assert entries == "0"


@pytest.mark.ocr
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_small_real_image_per_runtime(realdocs, use_engine, runtime) -> None:
    """One real screenshot (980×575) read on each runtime: fields found, runtime recorded."""
    from extractor.fields.invoice import extract

    engine = use_engine(OcrEngine(runtime=runtime))
    path = next((realdocs / "invoices").glob("inv22_*.png"))
    rr = read_path(path, ctx=ReadContext())
    assert not rr.errors and rr.pages[0].method == "ocr"
    fields = extract(rr.pages)
    assert fields["seller_tax_id"].value == "91120222079642398Y"
    assert str(fields["total_incl_tax"].value) == "52.70"
    assert fields["invoice_number"].value == "33207675"
    # provenance: the runtime, its version and the precision, on the page's entry
    prov = rr.meta["pages"][0]["ocr_engine"]
    assert prov == engine.engine_info()
    assert prov["runtime"] == runtime and prov["chosen_by"] == "setting"
    assert prov["runtime_version"] == (openvino_version() if runtime == "openvino" else _ort_version())
    assert prov["precision"] in ({"bf16", "f32"} if runtime == "openvino" else {"f32"})
    json.dumps(rr.model_dump(mode="json"))  # still JSON-serialisable (cache, reports)


def _ort_version() -> str:
    import onnxruntime

    return onnxruntime.__version__


# -- slow: the probe itself, heavier documents on both runtimes ----------------------


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.skipif(not HAVE_OPENVINO, reason="openvino is not installed")
def test_probe_measures_both_runtimes_once(probe_cache, monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe decides only when no runtime is set (the suite may run with one forced)
    monkeypatch.delenv("EVREVIEW_OCR_RUNTIME", raising=False)
    figures = probe_runtimes(1)
    assert figures is not None and set(figures) == {"onnxruntime", "openvino"}
    assert all(v > 0 for v in figures.values())
    assert json.loads(probe_cache.read_text())[_probe_key(1)] == figures
    assert probe_runtimes(1) == figures  # from the cache
    e = OcrEngine(1)
    assert e.is_available()
    best = min(figures, key=lambda k: figures[k] / (runtime_mod.PROBE_MARGIN if k == "openvino" else 1))
    assert e.info["chosen_by"] == "probe" and e.info["runtime"] == best


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("prefix", ["lic01", "lic02", "lic03", "lic04", "inv19", "inv20", "inv21"])
def test_real_images_on_both_runtimes(realdocs, use_engine, runtime, prefix) -> None:
    from extractor.fields import invoice, license
    from tests.test_fields_invoice import EXPECTED as INVOICES
    from tests.test_fields_license import EXPECTED as LICENCES

    use_engine(OcrEngine(runtime=runtime))
    folder, expected, extract = (
        ("licenses", LICENCES, license.extract)
        if prefix.startswith("lic")
        else ("invoices", INVOICES, invoice.extract)
    )
    path = next(p for p in sorted((realdocs / folder).glob(f"{prefix}_*")) if p.suffix in {".png", ".jpg"})
    rr = read_path(path, ctx=ReadContext())
    fields = extract(rr.pages)
    wrong = {
        k: (fields[k].value if k in fields else None, v)
        for k, v in expected[prefix].items()
        if k not in fields or fields[k].value != v
    }
    assert not wrong, wrong
    assert rr.meta["pages"][0]["ocr_engine"]["runtime"] == runtime


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_scanned_report_on_both_runtimes(realdocs, use_engine, runtime) -> None:
    from datetime import date

    from extractor.fields.audit import extract

    use_engine(OcrEngine(runtime=runtime))
    rr = read_path(realdocs / "reports" / "rpt01_cpa-capital-verification_scan_changsha-shensuan_2025.pdf")
    f = extract(rr.pages)
    assert f["report_no"].value == "中武验字[2025]ZW-5504号"
    assert f["audited_entity"].value == "长沙深算科技有限公司"
    assert f["report_date"].value == date(2025, 9, 11)
    assert {p["ocr_engine"]["runtime"] for p in rr.meta["pages"]} == {runtime}


@pytest.mark.skipif(not HAVE_OPENVINO, reason="openvino is not installed")
def test_openvino_failing_while_reading_falls_back_and_marks_the_reader(use_engine, monkeypatch) -> None:
    """OpenVINO failing on a page (a MemoryError under the reader's cap) hands the page to
    onnxruntime, and the process's engine says so: review.worker retires such a reader."""
    from review import worker

    engine = use_engine(OcrEngine(threads=1, runtime="openvino"))
    assert engine.is_available() and engine.info["runtime"] == "openvino"
    assert not ocr_mod.engine_fell_back_at_run() and not worker._engine_fell_back()
    steps = engine._steps

    def fail_once_on_openvino(ocr, img, op_record):
        if engine.info["runtime"] == "openvino":
            raise MemoryError("Failed to allocate")
        return steps(ocr, img, op_record)

    monkeypatch.setattr(engine, "_steps", fail_once_on_openvino)
    img = np.full((120, 400, 3), 255, np.uint8)
    engine._run(img)
    assert engine.info["runtime"] == "onnxruntime" and engine.fell_back_at_run
    assert ocr_mod.engine_fell_back_at_run() and worker._engine_fell_back()

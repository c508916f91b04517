"""Batch verification (review.batch): parallel reading, page-range splitting, bad files,
the read cache and re-runs. No OCR: splitting is exercised with pages whose short text
layer plus a small picture makes them split candidates that are still read as text."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pymupdf
import pytest
from PIL import Image

from extractor.read import ReadContext, read_bytes, sha256_bytes
from models.contract import ApplicationResult, compute_verdict
from review import batch
from review.batch import find_applications, merge_parts, plan_ranges, read_part, run_batch
from review.cache import ReadCache
from review.pipeline import verify_application
from review.worker import InProcessReader
from tests.hostile.cases import path_ops_pdf
from verifiers import DEFAULT_POLICY, load_policy

SAMPLES = Path(__file__).resolve().parents[1] / "sample_docs" / "applications"
TEXT_APPS = ("app-004", "app-007")  # sample applications whose files all have a text layer


def logo_pdf(pages: int, tag: str = "") -> bytes:
    """Pages with a few lines of text and a small picture: split candidates, read as text."""
    buf = io.BytesIO()
    Image.new("RGB", (60, 60), (200, 30, 30)).save(buf, "PNG")
    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_image(pymupdf.Rect(480, 40, 540, 100), stream=buf.getvalue())
        page.insert_text((60, 90), f"银行电子回单 第{i + 1}联 {tag}", fontname="china-s", fontsize=12)
        page.insert_text((60, 120), f"交易流水号：{20240000 + i}", fontname="china-s", fontsize=11)
        page.insert_text((60, 150), "付款人户名：泉州智算科技有限公司", fontname="china-s", fontsize=11)
    return doc.tobytes()


def copy_apps(dst: Path, names: tuple[str, ...] = TEXT_APPS) -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"sample applications {SAMPLES} are absent")
    for name in names:
        if not (SAMPLES / name).is_dir():
            pytest.skip(f"sample application {name} is absent")
        shutil.copytree(SAMPLES / name, dst / name)
    return dst


def sequential(app: Path) -> ApplicationResult:
    return verify_application(app, InProcessReader(), cache=None, policy=load_policy(DEFAULT_POLICY))


# -- splitting ------------------------------------------------------------------------


def test_page_ranges_merge_into_the_whole_read() -> None:
    data = logo_pdf(7)
    ctx = ReadContext()
    plan_res = read_part(data, "回单.pdf", ctx, {"plan_min_pages": 4})
    plan = plan_res.meta["split_plan"]
    assert plan == {"page_count": 7, "ocr_pages": list(range(7))}
    assert plan_res.pages == []

    ranges = plan_ranges(plan, workers=2)
    assert ranges[0][0] == 0 and ranges[-1][1] == 7 and len(ranges) == 4
    assert all(a < b for a, b in ranges) and all(
        ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1)
    )
    digest = sha256_bytes(data)
    parts = [(a, b, read_part(data, "回单.pdf", ctx, {"pages": [a, b], "sha256": digest})) for a, b in ranges]
    merged = merge_parts("回单.pdf", digest, 7, list(reversed(parts)))  # order restored by page
    whole = read_bytes(data, "回单.pdf", ReadContext())

    assert [p.number for p in merged.pages] == list(range(1, 8))
    assert [p.text for p in merged.pages] == [p.text for p in whole.pages]
    assert [p.method for p in merged.pages] == [p.method for p in whole.pages] == ["text"] * 7
    assert [ln.bbox for p in merged.pages for ln in p.lines] == [
        ln.bbox for p in whole.pages for ln in p.lines
    ]
    assert merged.sha256 == digest and merged.meta["page_count"] == 7 and merged.ocr_calls == 0


def test_small_or_text_pdfs_are_read_at_once() -> None:
    few = logo_pdf(3)
    res = read_part(few, "a.pdf", ReadContext(), {"plan_min_pages": 4})
    assert "split_plan" not in res.meta and len(res.pages) == 3
    text = pymupdf.open()
    for _ in range(6):
        text.new_page().insert_text((72, 72), "合同正文" * 80, fontname="china-s", fontsize=9)
    res = read_part(text.tobytes(), "b.pdf", ReadContext(), {"plan_min_pages": 4})
    assert "split_plan" not in res.meta and len(res.pages) == 6


def test_range_of_a_broken_pdf_is_an_error_not_an_exception() -> None:
    res = read_part(b"%PDF-1.7 garbage", "x.pdf", ReadContext(), {"pages": [0, 3], "sha256": "abc"})
    assert res.errors and "第 1-3 页" in res.errors[0] and res.sha256 == "abc"


# -- the batch --------------------------------------------------------------------------


def test_batch_matches_sequential_verification_and_splits_big_files(tmp_path: Path) -> None:
    root = copy_apps(tmp_path / "in")
    (root / "app-007" / "回单合集.pdf").write_bytes(logo_pdf(8, "app-007"))
    out = tmp_path / "out"
    summary = run_batch(
        root, out, workers=2, db=str(tmp_path / "c.db"), show_progress=False, split_min_pages=4
    )

    st = summary["stats"]
    assert st["workers"] == 2 and st["ocr_threads"] == 1
    assert st["split_files"] == 1 and st["split_parts"] >= 2
    assert st["ocr_pages"] == 0 and st["isolation_failures"] == 0
    assert [a["application_id"] for a in summary["applications"]] == [p.name for p in find_applications(root)]
    for app in find_applications(root):
        got = ApplicationResult.model_validate_json((out / f"{app.name}.json").read_text(encoding="utf-8"))
        want = sequential(app)
        # the batch findings naming the application are among its findings and in its verdict
        own = [f for f in got.findings if f.applications is None]
        named = [f for f in summary["batch_findings"] if app.name in (f.get("applications") or [])]
        assert len(got.findings) - len(own) == len(named), app.name
        if any(f["status"] == "fail" for f in named):
            assert got.verdict == "fail", app.name
        assert (
            got.model_copy(update={"findings": own, "verdict": compute_verdict(own)}).model_dump()
            == want.model_dump()
        ), app.name
    for name in (
        "summary.json",
        "discrepancies.csv",
        "discrepancies.xlsx",
        "推荐汇总表.docx",
        "推荐汇总表.xlsx",
    ):
        assert (out / name).stat().st_size > 0
    assert not list(out.glob(".*.tmp"))


def test_rerun_reads_nothing_and_a_changed_file_alone_is_read_again(tmp_path: Path) -> None:
    root = copy_apps(tmp_path / "in")
    out, db = tmp_path / "out", str(tmp_path / "c.db")
    first = run_batch(root, out, workers=2, db=db, show_progress=False)["stats"]
    n_files = first["files"]
    assert first["verified"] == 2 and first["files_read"] == n_files and first["cache_hits"] == 0

    again = run_batch(root, out, workers=2, db=db, show_progress=False)["stats"]
    assert again["resumed"] == 2 and again["verified"] == 0 and again["files_read"] == 0

    changed = root / "app-004" / "新增回单.pdf"
    changed.write_bytes(logo_pdf(1, "new"))
    third = run_batch(root, out, workers=2, db=db, show_progress=False)["stats"]
    app004_files = sum(1 for p in (root / "app-004").rglob("*") if p.is_file())
    assert third["resumed"] == 1 and third["verified"] == 1
    assert third["files_read"] == 1 and third["cache_hits"] == app004_files - 1
    result = json.loads((out / "app-004.json").read_text(encoding="utf-8"))
    assert "新增回单.pdf" in {d["file"] for d in result["documents"]}

    forced = run_batch(root, out, workers=2, db=db, show_progress=False, use_cache=False)["stats"]
    assert forced["verified"] == 2 and forced["files_read"] == n_files + 1 and forced["cache_hits"] == 0


def test_a_file_that_hangs_is_killed_and_becomes_a_review_finding(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EVREVIEW_LIMIT_PER_FILE_SECONDS", "10")
    root = tmp_path / "in"
    (root / "a-slow").mkdir(parents=True)
    (root / "b-fine").mkdir()
    slow = path_ops_pdf(150_000)  # no text layer; rendering it for OCR takes minutes
    (root / "a-slow" / "扫描件.pdf").write_bytes(slow)
    (root / "a-slow" / "回单.pdf").write_bytes(logo_pdf(1, "a"))
    (root / "b-fine" / "回单.pdf").write_bytes(logo_pdf(2, "b"))
    out, db = tmp_path / "out", tmp_path / "c.db"
    summary = run_batch(root, out, workers=1, db=str(db), show_progress=False)

    st = summary["stats"]
    assert st["isolation_failures"] == 1 and st["worker_restarts"] >= 1
    slow_app = ApplicationResult.model_validate_json((out / "a-slow.json").read_text(encoding="utf-8"))
    readable = [f for f in slow_app.findings if f.rule == "evidence.readable" and f.status == "review"]
    assert len(readable) == 1 and "扫描件.pdf" in readable[0].message and "读取超时" in readable[0].message
    assert slow_app.verdict != "pass"
    assert {d.file for d in slow_app.documents} == {"扫描件.pdf", "回单.pdf"}
    fine = ApplicationResult.model_validate_json((out / "b-fine.json").read_text(encoding="utf-8"))
    assert sorted(n for d in fine.documents if d.file == "回单.pdf" for n in d.pages) == [1, 2]
    cache = ReadCache(db)
    assert cache.get(sha256_bytes(slow)) is None  # a timeout is not pinned in the cache
    cache.close()


def test_an_application_that_crashes_costs_only_itself(tmp_path: Path, monkeypatch) -> None:
    root = copy_apps(tmp_path / "in")
    real = batch.assemble

    def flaky(app_id: str, *args, **kw):
        if app_id == "app-004":
            raise RuntimeError("simulated extractor bug")
        return real(app_id, *args, **kw)

    monkeypatch.setattr(batch, "assemble", flaky)
    out = tmp_path / "out"
    summary = run_batch(root, out, workers=2, db=str(tmp_path / "c.db"), show_progress=False)
    verdicts = {a["application_id"]: a["verdict"] for a in summary["applications"]}
    assert verdicts["app-004"] == "review" and set(verdicts) == {"app-004", "app-007"}
    broken = json.loads((out / "app-004.json").read_text(encoding="utf-8"))
    assert any("simulated extractor bug" in f["message"] for f in broken["findings"])
    # not journalled as done: the next run tries it again
    monkeypatch.setattr(batch, "assemble", real)
    st = run_batch(root, out, workers=2, db=str(tmp_path / "c.db"), show_progress=False)["stats"]
    assert st["verified"] == 1 and st["resumed"] == 1
    got = ApplicationResult.model_validate_json((out / "app-004.json").read_text(encoding="utf-8"))
    own = [f for f in got.findings if f.applications is None]  # + the batch findings naming it
    assert json.loads(
        got.model_copy(update={"findings": own, "verdict": compute_verdict(own)}).to_json()
    ) == json.loads(sequential(root / "app-004").to_json())

"""Every page of the review UI driven with Streamlit's AppTest (streamlit 1.67 supports
``file_uploader.upload``; ``data_editor`` edits are seeded through session state).

The application is generated in the test (text-layer PDFs + a DOCX 申报表: no OCR).
Reading goes through the real isolated reader process; the store is a temp database.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_sample import build_application  # noqa: E402

APP = str(ROOT / "app.py")
TIMEOUT = 180


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    apps = tmp_path / "applications"
    app = build_application(apps, "app-ui-001")
    db = tmp_path / "data" / "evreview.db"
    monkeypatch.setenv("EVREVIEW_DB", str(db))
    monkeypatch.setenv("EVREVIEW_SAMPLES", str(apps))
    monkeypatch.delenv("EVREVIEW_INTAKE", raising=False)
    monkeypatch.delenv("EVREVIEW_PASSWORD", raising=False)
    return {"apps": apps, "app": app, "db": db}


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.success] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def test_full_review_flow(env: dict[str, Path]) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    assert "还没有导入任何申报材料" in _texts(at)
    at.sidebar.text_input(key="reviewer").set_value("张审核")
    _ok(at.run())

    # --- intake: upload the three files of one application
    at.switch_page("app_pages/intake.py")
    _ok(at.run())
    uploader = at.file_uploader(key="intake_files")
    for f in sorted(env["app"].iterdir()):
        uploader.upload(f.name, f.read_bytes())
    at.text_input(key="intake_app_id").set_value("app-ui-001")
    at.button(key="intake_upload_go").click()
    _ok(at.run())
    # the generated invoice does not add up: a 不通过 result is shown as an error, not a green box
    assert any("app-ui-001" in e.value and "已导入" in e.value and "不通过" in e.value for e in at.error), (
        _texts(at)
    )
    assert not any("已导入" in s.value for s in at.success)

    # the same files again through the server-folder tab: 已存在, nothing read or stored again
    at.text_input(key="intake_folder").set_value(str(env["apps"]))
    _ok(at.run())
    at.button(key="intake_folder_go").click()
    _ok(at.run())
    assert any(i.value.startswith("已存在：app-ui-001") for i in at.info), _texts(at)

    from review.store import Store

    store = Store(env["db"])
    try:
        (row,) = store.list_applications()
        assert row.id == "app-ui-001" and row.source == "上传：app-ui-001"
        assert {f["file"] for f in store.files("app-ui-001")} == {"申报表.docx", "发票.pdf", "营业执照.pdf"}
        assert row.n_fail >= 1  # the generated invoice's 大写 and 小写 disagree
    finally:
        store.close()

    # --- list page
    at.switch_page("app_pages/applications.py")
    _ok(at.run())
    table = at.dataframe[0].value
    assert list(table["申报编号"]) == ["app-ui-001"]
    assert int(table["不符合"][0]) >= 1 and table["审核状态"][0] == "未审"

    # --- review page: pick the 大写/小写 finding, see its page, confirm it
    at.session_state["review_app"] = "app-ui-001"
    at.switch_page("app_pages/review.py")
    _ok(at.run())
    radio = at.radio(key="finding_app-ui-001")
    assert radio.options[0].startswith("1. 🔴【不符合】"), radio.options  # fail first
    store = Store(env["db"])
    try:
        target = next(
            f.finding_id
            for f in store.findings("app-ui-001")
            if f.finding.status == "fail" and "大写" in f.finding.message
        )
    finally:
        store.close()
    radio.set_value(target)
    _ok(at.run())
    assert len(at.image) == 1  # the invoice page, rendered with its evidence boxes
    assert "价税合计" in _texts(at)
    fid_key = next(b.key for b in at.button if b.key and b.key.startswith("confirm_"))
    at.text_input(key="reason_app-ui-001_" + fid_key[len("confirm_") :]).set_value("大写与小写确实不一致")
    at.button(key=fid_key).click()
    _ok(at.run())
    assert any("已记录：确认问题" in s.value for s in at.success)

    # open a document page from the side panel (licence, no evidence selected)
    at.button(key="open_go_app-ui-001").click()
    _ok(at.run())
    assert len(at.image) == 1 or "页面" in _texts(at)
    at.button(key="close_override").click()
    _ok(at.run())

    # --- correct an extracted value (the invoice's buyer): the rules re-run at once
    store = Store(env["db"])
    try:
        inv = next(
            i for i, d in enumerate(store.current_result("app-ui-001").documents) if d.doc_type == "invoice"
        )
        assert not any(
            f.finding.rule == "invoice.buyer_is_applicant" and f.finding.status == "fail"
            for f in store.findings("app-ui-001")
        )
    finally:
        store.close()
    at.radio(key="corr_target_app-ui-001").set_value("document")
    _ok(at.run())
    at.selectbox(key="corr_doc_app-ui-001").set_value(inv)
    _ok(at.run())
    next(s for s in at.selectbox if any("（buyer_name）" in o for o in s.options)).set_value("buyer_name")
    next(t for t in at.text_input if t.label == "更正为").set_value("厦门另一家贸易有限公司")
    next(t for t in at.text_input if t.label == "更正理由").set_value("票面购买方实为另一家公司")
    next(b for b in at.button if b.label == "保存更正并重新核验").click()
    _ok(at.run())
    assert any("已更正" in s.value and "规则已重新运行" in s.value for s in at.success), _texts(at)
    store = Store(env["db"])
    try:
        # the invoice no longer names the applicant as buyer: a new 不符合
        assert any(
            f.finding.rule == "invoice.buyer_is_applicant" and f.finding.status == "fail"
            for f in store.findings("app-ui-001")
        )
    finally:
        store.close()

    # --- and a declared value (the direction on the form)
    at.radio(key="corr_target_app-ui-001").set_value("declared")
    _ok(at.run())
    next(s for s in at.selectbox if any("（direction）" in o for o in s.options)).set_value("direction")
    next(t for t in at.text_input if t.label == "更正为").set_value("lingyan_software")
    next(t for t in at.text_input if t.label == "更正理由").set_value("测试：改为领雁方向")
    next(b for b in at.button if b.label == "保存更正并重新核验").click()
    _ok(at.run())

    store = Store(env["db"])
    try:
        current = store.current_result("app-ui-001")
        assert current.documents[inv].fields["buyer_name"].value == "厦门另一家贸易有限公司"
        assert current.documents[inv].fields["buyer_name"].method == "manual"
        row = store.get_application("app-ui-001")
        assert row.direction == "lingyan_software"
        # the 领雁 direction has no compute rules
        assert not any(f.finding.rule.startswith("compute.") for f in store.findings("app-ui-001"))
        kinds = [d.decision for d in store.decisions("app-ui-001")]
        assert kinds == ["confirmed", "corrected", "corrected"]
        assert all(d.reviewer == "张审核" for d in store.decisions("app-ui-001"))
        # back to the compute direction for the rest of the flow
        from review.service import correct_value

        correct_value(store, "app-ui-001", "张审核", "declared", "direction", "compute_subsidy", "恢复")
    finally:
        store.close()

    # --- recommendation order through the data editor (edit state seeded, as AppTest allows)
    at.switch_page("app_pages/applications.py")
    _ok(at.run())
    assert len(at.data_editor) == 1
    editor_key = at.data_editor[0].key
    at.session_state[editor_key] = {"edited_rows": {0: {"推荐顺序": 1}}, "added_rows": [], "deleted_rows": []}
    _ok(at.run())
    assert any("已保存 1 条推荐顺序" in s.value for s in at.success), _texts(at)
    store = Store(env["db"])
    try:
        assert store.order() == {"app-ui-001": 1}
    finally:
        store.close()

    # --- exports: all four downloads plus the printable report
    at.switch_page("app_pages/exports.py")
    _ok(at.run())
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_disc_xlsx", "dl_disc_csv", "dl_rec_docx", "dl_rec_xlsx"} <= keys
    at.button(key="export_printable").click()
    _ok(at.run())
    assert "dl_printable" in {b.key for b in at.get("download_button")}
    html = at.session_state["printable"][1]
    assert "data:image/png;base64," in html and "大写" in html and "确认问题" in html
    assert "13812345678" not in html  # personal data masked in exports


def test_password_gate(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVREVIEW_PASSWORD", "s3cret-口令")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    assert [t.label for t in at.text_input] == ["访问口令"]
    at.text_input[0].set_value("wrong")
    at.button[0].click()
    _ok(at.run())
    assert any("口令不正确" in e.value for e in at.error)
    at.text_input[0].set_value("s3cret-口令")
    at.button[0].click()
    _ok(at.run())
    assert any(t.key == "reviewer" for t in at.sidebar.text_input)
    assert "还没有导入任何申报材料" in _texts(at)


def test_damaged_database_shows_chinese_error(env: dict[str, Path]) -> None:
    env["db"].parent.mkdir(parents=True, exist_ok=True)
    env["db"].write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    assert any("停止一切写入" in e.value for e in at.error), _texts(at)
    for page in ("app_pages/intake.py", "app_pages/review.py", "app_pages/exports.py"):
        at.switch_page(page)
        _ok(at.run())
        assert any("停止一切写入" in e.value for e in at.error), page
        assert not any(b.key == "intake_upload_go" for b in at.button)


def test_intake_outcomes_refusals_damage_and_progress(env: dict[str, Path]) -> None:
    """Two packages in one upload: a zip with an unsafe member path and a damaged PDF, and
    the generated application; each outcome in its colour, refusals as errors here."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(env["app"].iterdir()):
            zf.write(f, f"app-bad/{f.name}")
        zf.writestr("app-bad/../../escape.pdf", b"%PDF-1.4 x")
    dmg = io.BytesIO()
    with zipfile.ZipFile(dmg, "w") as zf:
        for f in sorted(env["app"].iterdir()):
            zf.write(f, f"app-dmg/{f.name}")
        zf.writestr("app-dmg/发票2.pdf", b"\x00\x13garbage that is no pdf at all" * 40)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    at.sidebar.text_input(key="reviewer").set_value("张审核")
    at.switch_page("app_pages/intake.py")
    _ok(at.run())
    uploader = at.file_uploader(key="intake_files")
    uploader.upload("app-bad.zip", buf.getvalue())
    uploader.upload("app-dmg.zip", dmg.getvalue())
    for f in sorted(env["app"].iterdir()):
        uploader.upload(f.name, f.read_bytes())
    at.text_input(key="intake_app_id").set_value("app-ui-001")
    at.button(key="intake_upload_go").click()
    _ok(at.run())
    errors = "\n".join(e.value for e in at.error)
    assert "app-bad" in errors and "被拒绝或无法读取" in errors, _texts(at)
    assert "escape.pdf" in errors  # the unsafe path, with its reason, on this page
    assert "发票2.pdf：文件已损坏：扩展名为 .pdf" in errors
    assert "无法识别的文件格式" not in errors
    bars = [p.proto.text for p in at.get("progress")]
    assert any(t.startswith("第 1/3 份（app-bad）") for t in bars) and any(
        t.startswith("第 3/3 份（app-ui-001）") for t in bars
    ), bars
    # the same upload again: both 已存在
    at.button(key="intake_upload_go").click()
    _ok(at.run())
    assert sum(1 for i in at.info if i.value.startswith("已存在")) == 3, _texts(at)
    # archive the bad one from the list page: it leaves the list, stays in the audit trail
    at.switch_page("app_pages/applications.py")
    _ok(at.run())
    at.multiselect(key="archive_pick").set_value(["app-bad"])
    _ok(at.run())
    at.button(key="archive_go").click()
    _ok(at.run())
    assert sorted(at.dataframe[0].value["申报编号"]) == ["app-dmg", "app-ui-001"]
    from review.store import Store

    store = Store(env["db"])
    try:
        assert store.get_application("app-bad").archived
        assert [a["action"] for a in store.audit_log("app-bad")][-1] == "archive"
        from review import service

        _x, csv = service.export_discrepancies(store)
        assert "app-bad" not in csv.decode("utf-8-sig")
    finally:
        store.close()


def test_intake_picks_the_call(env: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The 导入材料 page offers the shipped calls; the folder intake verifies with the picked one."""
    monkeypatch.setenv(
        "EVREVIEW_INTAKE", str(ROOT / "sample_calls" / "quanzhou-digital-2025" / "applications" / "q25-001")
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    at.sidebar.text_input(key="reviewer").set_value("张审核")
    at.switch_page("app_pages/intake.py")
    _ok(at.run())
    picker = at.selectbox(key="policy_name")
    assert picker.value == "fujian-ai-2024"
    assert any(o.endswith("（quanzhou-digital-2025）") for o in picker.options)
    picker.set_value("quanzhou-digital-2025")
    _ok(at.run())
    assert "本通知的申报方向：市外项目招标奖励" in _texts(at)
    at.button(key="intake_folder_go").click()
    _ok(at.run())
    assert "q25-001（市外项目招标奖励）已导入：系统结论「通过」" in _texts(at)

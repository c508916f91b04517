"""The reviewer's work is never lost or silently changed (issue 13), driven with AppTest.

One generated application (text-layer PDFs + DOCX form, no OCR) is taken in with the
service the 导入材料 page calls; then each case clicks through the 审核 page and checks the
database and the exports.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_sample import build_application, intake_for_ui  # noqa: E402

from review import service  # noqa: E402
from review.rulenames import rule_info  # noqa: E402
from review.store import Store  # noqa: E402
from review.view import review_view  # noqa: E402
from review.worker import InProcessReader  # noqa: E402

APP = str(ROOT / "app.py")
AID = "app-ui-001"
TIMEOUT = 180


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    apps = tmp_path / "applications"
    app = build_application(apps, AID)
    db = tmp_path / "data" / "evreview.db"
    intake_for_ui(monkeypatch, db, app, AID)
    return {"apps": apps, "app": app, "db": db}


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.success] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def _review_page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    at.sidebar.text_input(key="reviewer").set_value(name)
    at.session_state["review_app"] = AID
    at.switch_page("app_pages/review.py")
    return _ok(at.run())


def _open(db: Path):
    return Store(db)


def _problem_ids(db: Path) -> list[str]:
    """The non-pass findings in the order the page lists them."""
    s = _open(db)
    try:
        view = review_view(s, AID)
        return [f.finding_id for _st, items in view.grouped() for f in items if f.finding.status != "pass"]
    finally:
        s.close()


def _history(db: Path, fid: str) -> list[tuple[str, str]]:
    s = _open(db)
    try:
        sf = next(f for f in s.findings(AID) + s.retired_findings(AID) if f.finding_id == fid)
        return [(d.reviewer, d.decision) for d in sf.history]
    finally:
        s.close()


def test_changing_your_mind_on_a_later_finding_is_never_dropped(env) -> None:
    fids = _problem_ids(env["db"])
    assert len(fids) >= 3, "the sample needs several problems"
    fid = fids[1]  # not the first in the list
    at = _review_page("张审核")
    at.radio(key=f"finding_{AID}").set_value(fid)
    _ok(at.run())
    at.text_input(key=f"reason_{AID}_{fid}").set_value("票面金额无误")
    at.button(key=f"fp_{fid}").click()
    _ok(at.run())
    assert at.radio(key=f"finding_{AID}").value == fid  # the selection stays on the finding
    assert any(s.value.startswith("已记录：误报（忽略）") for s in at.success), _texts(at)
    at.button(key=f"confirm_{fid}").click()  # change of mind
    _ok(at.run())
    assert at.radio(key=f"finding_{AID}").value == fid
    assert any(s.value.startswith("已记录：确认问题") for s in at.success), _texts(at)
    assert _history(env["db"], fid) == [("张审核", "false_positive"), ("张审核", "confirmed")]
    # the label in the list shows the decision
    # the decision shows under the option; the option's label (its value) did not change
    radio = at.radio(key=f"finding_{AID}")
    assert radio.proto.captions[1] == "✔ 确认问题（张审核）" and radio.options[1].startswith("2. ")


def test_false_positive_without_reason_is_refused_visibly(env) -> None:
    fid = _problem_ids(env["db"])[2]
    at = _review_page("张审核")
    at.radio(key=f"finding_{AID}").set_value(fid)
    _ok(at.run())
    at.button(key=f"fp_{fid}").click()
    _ok(at.run())
    assert any("未保存" in e.value and "误报必须填写理由" in e.value for e in at.error), _texts(at)
    assert _history(env["db"], fid) == []


def test_no_reviewer_name_is_refused_visibly(env) -> None:
    fid = _problem_ids(env["db"])[0]
    at = _review_page("")
    at.button(key=f"confirm_{fid}").click()
    _ok(at.run())
    assert any("未保存" in e.value and "审核人" in e.value for e in at.error), _texts(at)
    assert _history(env["db"], fid) == []


def test_two_reviewers_stale_decision_is_refused_then_overridden(env) -> None:
    fid = _problem_ids(env["db"])[0]
    chen = _review_page("陈复核")
    zhang = _review_page("张审核")  # both now show the finding undecided
    chen.text_input(key=f"reason_{AID}_{fid}").set_value("与原件核对无误")
    chen.button(key=f"fp_{fid}").click()
    _ok(chen.run())
    assert any(s.value.startswith("已记录：误报") for s in chen.success)
    # 张 typed a reason first, then clicks on the page loaded before 陈's decision
    zhang.text_input(key=f"reason_{AID}_{fid}").set_value("金额确有问题")
    _ok(zhang.run())  # typing re-runs the page: the click still names the version 张 opened
    assert any("陈复核 已将其标为误报" in i.value for i in zhang.info), _texts(zhang)
    zhang.button(key=f"confirm_{fid}").click()
    _ok(zhang.run())
    prompt = [w.value for w in zhang.warning if "是否覆盖" in w.value]
    assert prompt and prompt[0].startswith("陈复核刚将此项标为误报（忽略）"), _texts(zhang)
    assert _history(env["db"], fid) == [("陈复核", "false_positive")]  # nothing overwritten
    zhang.button(key=f"override_{fid}").click()
    _ok(zhang.run())
    assert any(s.value.startswith("覆盖为：确认问题") for s in zhang.success), _texts(zhang)
    assert _history(env["db"], fid) == [("陈复核", "false_positive"), ("张审核", "confirmed")]
    s = _open(env["db"])
    try:
        last = s.decisions(AID)[-1]
        assert last.supersedes == s.decisions(AID)[0].id and last.reason == "金额确有问题"
    finally:
        s.close()
    # 陈's page is stale now too: keeping the other's decision changes nothing
    chen.button(key=f"confirm_{fid}").click()
    _ok(chen.run())
    assert any("张审核刚将此项标为确认问题" in w.value for w in chen.warning), _texts(chen)
    chen.button(key=f"keep_{fid}").click()
    _ok(chen.run())
    assert any("已保留对方的决定" in i.value for i in chen.info)
    assert len(_history(env["db"], fid)) == 2


def _amount_words_fid(db: Path) -> str:
    s = _open(db)
    try:
        return next(
            f.finding_id
            for f in s.findings(AID)
            if f.finding.rule == "invoice.amount_words" and f.finding.status == "fail"
        )
    finally:
        s.close()


def test_correction_that_retires_a_confirmed_finding_warns_and_keeps_it(env) -> None:
    fid = _amount_words_fid(env["db"])
    at = _review_page("张审核")
    at.radio(key=f"finding_{AID}").set_value(fid)
    _ok(at.run())
    # rule name, notice clause and the compared values are shown
    text = _texts(at)
    assert rule_info("invoice.amount_words").name in text and "通知条款" in text
    assert any("360100.00" in c.value for c in at.code), [c.value for c in at.code]
    at.button(key=f"confirm_{fid}").click()
    _ok(at.run())
    # correct the invoice's 价税合计 so that 大写 and 小写 agree: the confirmed finding stops firing
    s = _open(env["db"])
    try:
        inv = next(i for i, d in enumerate(s.current_result(AID).documents) if d.doc_type == "invoice")
    finally:
        s.close()
    at.radio(key=f"corr_target_{AID}").set_value("document")
    _ok(at.run())
    at.selectbox(key=f"corr_doc_{AID}").set_value(inv)
    _ok(at.run())
    next(s for s in at.selectbox if any("（total_incl_tax）" in o for o in s.options)).set_value(
        "total_incl_tax"
    )
    next(t for t in at.text_input if t.label == "更正为").set_value("360000.00")
    next(t for t in at.text_input if t.label == "更正理由").set_value("小写识别有误")
    next(b for b in at.button if b.label == "保存更正并重新核验").click()
    _ok(at.run())
    assert any("将影响" in w.value and "已作决定的问题" in w.value for w in at.warning), _texts(at)
    s = _open(env["db"])
    try:
        assert s.corrections(AID) == []  # nothing saved before the reviewer confirms
    finally:
        s.close()
    at.button(key=f"corr_confirm_{AID}").click()
    _ok(at.run())
    assert any("已更正 价税合计" in x.value for x in at.success), _texts(at)
    s = _open(env["db"])
    try:
        (c,) = s.corrections(AID)
        assert c.correction["previous"] == "360100.00" and c.correction["value"] == "360000.00"
        (kept,) = [f for f in s.retired_findings(AID) if f.finding_id == fid]
        assert kept.decision.decision == "confirmed"
        assert s.get_application(AID).verdict == "fail"  # a confirmed problem still counts
        audit = [a for a in s.audit_log(AID) if a["action"] == "decision:corrected"]
        assert audit and audit[0]["detail"]["affected"][0]["finding_id"] == fid
        _xlsx, csv = service.export_discrepancies(s)
    finally:
        s.close()
    text = csv.decode("utf-8-sig")
    assert "更正后规则不再触发" in text and "invoice.amount_words" in text
    assert "审核更正" in text and "「360100.00」→「360000.00」" in text
    # the page lists it as no longer fired, with its decision
    radio = at.radio(key=f"finding_{AID}")
    pairs = list(zip(radio.options, radio.proto.captions, strict=True))
    assert any(
        f"⚪【已不再触发】{rule_info('invoice.amount_words').name}" in o and c == "✔ 确认问题（张审核）"
        for o, c in pairs
    ), pairs
    # the audit log reads in Chinese with old → new values, in Beijing time
    audit_df = next(d.value for d in at.dataframe if "操作" in d.value.columns)
    ops = list(audit_df["操作"])
    assert "确认问题" in ops and "更正数值" in ops and "导入" in ops
    assert any("「360100.00」→「360000.00」" in d for d in audit_df["详情"])
    assert all(len(t) == 19 for t in audit_df["时间"])  # 2026-12-06 09:10:00


def test_cancelled_correction_changes_nothing(env) -> None:
    fid = _amount_words_fid(env["db"])
    at = _review_page("张审核")
    at.radio(key=f"finding_{AID}").set_value(fid)
    _ok(at.run())
    at.button(key=f"confirm_{fid}").click()
    _ok(at.run())
    # a declared value that no decided finding depends on is saved at once
    next(s for s in at.selectbox if any("（contact_name）" in o for o in s.options)).set_value("contact_name")
    next(t for t in at.text_input if t.label == "更正为").set_value("李四")
    next(b for b in at.button if b.label == "保存更正并重新核验").click()
    _ok(at.run())
    assert any("已更正 联系人" in x.value for x in at.success), _texts(at)
    assert not any("将影响" in w.value for w in at.warning)
    # one that would retire the confirmed finding warns; cancelling leaves everything as it was
    s = _open(env["db"])
    try:
        inv = next(i for i, d in enumerate(s.current_result(AID).documents) if d.doc_type == "invoice")
    finally:
        s.close()
    at.radio(key=f"corr_target_{AID}").set_value("document")
    _ok(at.run())
    at.selectbox(key=f"corr_doc_{AID}").set_value(inv)
    _ok(at.run())
    next(s for s in at.selectbox if any("（total_incl_tax）" in o for o in s.options)).set_value(
        "total_incl_tax"
    )
    next(t for t in at.text_input if t.label == "更正为").set_value("360000.00")
    next(b for b in at.button if b.label == "保存更正并重新核验").click()
    _ok(at.run())
    assert any("将影响 1 条已作决定的问题" in w.value for w in at.warning), _texts(at)
    at.button(key=f"corr_cancel_{AID}").click()
    _ok(at.run())
    assert any("已取消更正" in x.value for x in at.success), _texts(at)
    s = _open(env["db"])
    try:
        assert len(s.corrections(AID)) == 1 and s.retired_findings(AID) == []
    finally:
        s.close()


def test_signed_in_identity_is_not_editable() -> None:
    def page() -> None:
        import streamlit as st

        from app_pages.common import reviewer, sidebar_reviewer

        sidebar_reviewer("王登录")
        st.write("当前审核人：" + reviewer())

    at = AppTest.from_function(page, default_timeout=60)
    _ok(at.run())
    (box,) = at.sidebar.text_input
    assert box.disabled and box.value == "王登录"
    assert any("当前审核人：王登录" in m.value for m in at.markdown)
    at.session_state["reviewer"] = "冒名者"  # a name typed elsewhere does not count under login
    _ok(at.run())
    assert any("当前审核人：王登录" in m.value for m in at.markdown)


def test_batch_findings_reach_list_and_review_page(env) -> None:
    # a second application from the same company with the same invoice
    twin = env["apps"] / "app-ui-002"
    shutil.copytree(env["app"], twin)
    s = _open(env["db"])
    try:
        service.intake_path(s, twin, InProcessReader(), application_id="app-ui-002")
        found = service.refresh_batch_findings(s)
        assert {f.rule for f in found} >= {"invoice.duplicate", "batch.one_per_direction"}
        for aid in (AID, "app-ui-002"):
            assert any(f.is_batch and f.finding.rule == "invoice.duplicate" for f in s.findings(aid))
            assert s.get_application(aid).verdict == "fail"
        results = service.reviewed_results(s)
        assert all(any(f.rule == "invoice.duplicate" for f in r.findings) for r in results)
    finally:
        s.close()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    _ok(at.run())
    table = at.dataframe[0].value
    assert set(table["审核后结论"]) == {"不通过"} and int(table["不符合"].min()) >= 2
    at.session_state["review_app"] = "app-ui-002"
    at.switch_page("app_pages/review.py")
    _ok(at.run())
    assert any(
        f"〔跨申报〕{rule_info('invoice.duplicate').name}" in o
        for o in at.radio(key="finding_app-ui-002").options
    )

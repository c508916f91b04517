"""The review store: decisions are durable, append-only, audited, and drive the verdict;
corrections re-run the real rules without reading files again."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from models.contract import ApplicationResult, Document, EvidenceRef, FieldValue, Finding
from review import service, view
from review.store import Store, StoreError, finding_id, reviewed_verdict

COMPANY = "泉州智算科技有限公司"


def _invoice(total: str = "107") -> Document:
    return Document(
        file="发票/扫描件001.pdf",
        sha256="a" * 64,
        doc_type="invoice",
        pages=[1],
        fields={
            "invoice_number": FieldValue(value="12345678", page=1, bbox=[100, 100, 200, 115]),
            "amount_excl_tax": FieldValue(value=Decimal("100"), page=1, bbox=[100, 300, 160, 315]),
            "tax_amount": FieldValue(value=Decimal("6"), page=1, bbox=[200, 300, 260, 315]),
            "total_incl_tax": FieldValue(value=Decimal(total), page=1, bbox=[300, 340, 380, 355]),
            "issue_date": FieldValue(value="2023-05-01", page=1),
            "buyer_name": FieldValue(value=COMPANY, page=1, bbox=[100, 130, 260, 145]),
        },
    )


def _app(app_id: str = "app-001", direction: str = "compute_subsidy") -> ApplicationResult:
    """A machine result produced by the real rules on a constructed invoice."""
    base = ApplicationResult(
        application_id=app_id,
        direction=direction,
        declared={"company_name": COMPANY, "direction": direction, "contact_name": "李四"},
        documents=[_invoice()],
    )
    return service.run_rules_on(base)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "evreview.db")
    yield s
    s.close()


def _fid(store: Store, app_id: str, rule: str) -> str:
    return next(f.finding_id for f in store.findings(app_id) if f.finding.rule == rule)


def test_save_and_list(store: Store) -> None:
    app = _app()
    store.save_application(app, {"发票/扫描件001.pdf": b"%PDF-1.4 fake"}, source="/x/app-001")
    rows = store.list_applications()
    assert [r.id for r in rows] == ["app-001"]
    row = rows[0]
    assert row.company == COMPANY and row.direction == "compute_subsidy"
    assert row.machine_verdict == "fail" and row.verdict == "fail" and row.status == "todo"
    assert row.n_fail == sum(1 for f in app.findings if f.status == "fail") >= 1
    assert store.file_bytes("app-001", "发票/扫描件001.pdf") == b"%PDF-1.4 fake"
    assert store.current_result("app-001") == store.machine_result("app-001")
    assert [d["doc_type"] for d in store.documents("app-001")] == ["invoice"]
    assert store.integrity_check() == "ok"


def test_decisions_drive_the_verdict_and_latest_wins(store: Store) -> None:
    store.save_application(_app())
    arith = _fid(store, "app-001", "invoice.arithmetic")
    # dismiss every fail and missing as a false positive → only pass/review remain
    for f in store.findings("app-001"):
        if f.finding.status in ("fail", "missing"):
            store.record_decision("app-001", f.finding_id, "张审核", "false_positive", "测试")
    row = store.get_application("app-001")
    assert row.n_fail == 0 and row.n_missing == 0
    assert row.verdict in ("pass", "review") and row.status == "in_progress"
    # the reviewer changes their mind on one: the latest decision is the effective one
    store.record_decision("app-001", arith, "李审核", "confirmed", "复核后确认金额不符")
    sf = next(f for f in store.findings("app-001") if f.finding_id == arith)
    assert sf.decision.decision == "confirmed" and sf.decision.reviewer == "李审核"
    assert [d.decision for d in sf.history] == ["false_positive", "confirmed"]
    assert store.get_application("app-001").verdict == "fail"
    assert reviewed_verdict(store.findings("app-001")) == "fail"


def test_confirmed_review_counts_as_fail() -> None:
    f = Finding(rule="evidence.readable", status="review", message="无法读取")
    from review.store import Decision, StoredFinding

    d = Decision(1, "a", "x", "张", "t", "confirmed", "")
    assert reviewed_verdict([StoredFinding("x", f)]) == "review"
    assert reviewed_verdict([StoredFinding("x", f, d, [d])]) == "fail"
    fp = Decision(2, "a", "x", "张", "t", "false_positive", "")
    assert reviewed_verdict([StoredFinding("x", f, fp, [fp])]) == "pass"


def test_decisions_are_append_only_and_audited(store: Store) -> None:
    store.save_application(_app())
    arith = _fid(store, "app-001", "invoice.arithmetic")
    did = store.record_decision("app-001", arith, "张审核", "confirmed", "金额不符")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE decisions SET decision='false_positive' WHERE id=?", (did,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM decisions WHERE id=?", (did,))
    audit = [a for a in store.audit_log("app-001") if a["decision_id"] == did]
    assert len(audit) == 1 and audit[0]["actor"] == "张审核" and audit[0]["action"] == "decision:confirmed"


def test_reviewer_required_and_unknown_finding_refused(store: Store) -> None:
    store.save_application(_app())
    arith = _fid(store, "app-001", "invoice.arithmetic")
    with pytest.raises(StoreError, match="审核人"):
        store.record_decision("app-001", arith, "  ", "confirmed")
    with pytest.raises(StoreError, match="不存在"):
        store.record_decision("app-001", "0000000000000000", "张审核", "confirmed")
    assert store.decisions("app-001") == []
    # a refused write leaves no audit row behind either
    assert [a["action"] for a in store.audit_log("app-001")] == ["intake"]


def test_correction_reruns_rules_and_survives_reintake(store: Store) -> None:
    store.save_application(_app())
    before = {f.finding.rule for f in store.findings("app-001") if f.finding.status == "fail"}
    assert "invoice.arithmetic" in before
    key = store.documents("app-001")[0]["key"]
    new = service.correct_value(
        store,
        "app-001",
        "张审核",
        "document",
        "total_incl_tax",
        "106.00",
        "原识别错误，票面为106.00",
        doc=key,
    )
    assert not any(f.rule == "invoice.arithmetic" and f.status == "fail" for f in new.findings)
    stored = store.current_result("app-001")
    assert stored.documents[0].fields["total_incl_tax"].value == "106.00"
    assert stored.documents[0].fields["total_incl_tax"].method == "manual"
    assert not any(
        f.finding.rule == "invoice.arithmetic" and f.finding.status == "fail"
        for f in store.findings("app-001")
    )
    # the machine result is untouched; the correction is a decision with its old value
    assert store.machine_result("app-001").documents[0].fields["total_incl_tax"].value == "107.00"
    (c,) = store.corrections("app-001")
    assert (
        c.correction["previous"] == "107.00" and c.correction["value"] == "106.00" and c.reviewer == "张审核"
    )
    # a declared value correction
    service.correct_value(
        store, "app-001", "张审核", "declared", "company_name", "泉州另一家科技有限公司", "笔误"
    )
    assert store.current_result("app-001").declared["company_name"] == "泉州另一家科技有限公司"
    assert store.get_application("app-001").company == "泉州另一家科技有限公司"
    # re-reading the application keeps the corrections, the order and the status
    store.set_order({"app-001": 2}, "张审核")
    machine = _app()
    current = service.run_rules_on(
        service.apply_corrections(machine, [d.correction for d in store.corrections("app-001")])
    )
    store.save_application(machine, current=current)
    row = store.get_application("app-001")
    assert row.review_order == 2 and row.status == "in_progress" and row.company == "泉州另一家科技有限公司"
    assert len(store.decisions("app-001")) == 2


def test_finding_ids_stable_across_reruns(store: Store) -> None:
    a, b = _app(), _app()
    assert [finding_id(f) for f in a.findings] == [finding_id(f) for f in b.findings]
    store.save_application(a)
    arith = _fid(store, "app-001", "invoice.arithmetic")
    store.record_decision("app-001", arith, "张审核", "false_positive", "复核无误")
    store.save_application(b)  # read again: the decision still applies
    sf = next(f for f in store.findings("app-001") if f.finding_id == arith)
    assert sf.decision is not None and sf.decision.decision == "false_positive"


def test_order_and_status(store: Store) -> None:
    store.save_application(_app("app-001"))
    store.save_application(_app("app-002"))
    assert store.set_order({"app-001": 2, "app-002": 1}, "张审核") == 2
    assert store.set_order({"app-001": 2}, "张审核") == 0  # unchanged: no write, no audit
    assert store.order() == {"app-001": 2, "app-002": 1}
    store.set_status("app-002", "done", "张审核")
    assert store.get_application("app-002").status == "done"
    with pytest.raises(StoreError):
        store.set_status("app-002", "whatever", "张审核")


def test_damaged_database_opens_read_only(tmp_path: Path) -> None:
    db = tmp_path / "evreview.db"
    s = Store(db)
    s.save_application(_app())
    s.close()
    raw = bytearray(db.read_bytes())
    # wreck every page after the header page: the schema can still be found, the data cannot
    for i in range(4096 + 100, len(raw), 97):
        raw[i] = (raw[i] + 0x5A) % 256
    db.write_bytes(bytes(raw))
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    damaged = Store(db)
    assert damaged.read_only and "数据库" in (damaged.integrity_error or "")
    with pytest.raises(StoreError, match="停止一切写入"):
        damaged.record_decision("app-001", "x", "张审核", "confirmed")
    with pytest.raises(StoreError):
        damaged.save_application(_app("app-009"))
    damaged.close()


def test_exports_reflect_decisions(store: Store) -> None:
    store.save_application(_app())
    arith = _fid(store, "app-001", "invoice.arithmetic")
    xlsx, csv = service.export_discrepancies(store)
    assert "invoice.arithmetic" in csv.decode("utf-8-sig") and xlsx[:2] == b"PK"
    store.record_decision("app-001", arith, "张审核", "false_positive", "票面金额正确")
    _xlsx, csv2 = service.export_discrepancies(store)
    assert "invoice.arithmetic" not in csv2.decode("utf-8-sig")
    store.record_decision("app-001", arith, "张审核", "confirmed", "确认")
    _xlsx, csv3 = service.export_discrepancies(store)
    assert "审核确认：张审核" in csv3.decode("utf-8-sig")
    docx, rxlsx = service.export_recommendation(store, unit="泉州市工业和信息化局")
    assert service.docx_bytes_ok(docx) and service.docx_bytes_ok(rxlsx)


def test_evidence_boxes_fall_back_to_fields() -> None:
    app = _app()
    arith = next(f for f in app.findings if f.rule == "invoice.arithmetic")
    boxes = view.evidence_boxes(app, arith)
    assert boxes and all(b.file == "发票/扫描件001.pdf" and b.page == 1 for b in boxes)
    assert any(b.bbox == (300.0, 340.0, 380.0, 355.0) for b in boxes)
    bare = Finding(
        rule="x",
        status="fail",
        message="m",
        evidence=[EvidenceRef(file="发票/扫描件001.pdf", field="tax_amount")],
    )
    (box,) = view.evidence_boxes(app, bare)
    assert box.bbox == (200.0, 300.0, 260.0, 315.0) and box.page == 1 and box.label == "税额"


def test_recommendation_export_lists_only_what_is_recommended(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    store.save_application(_app("app-001"))  # fails (金额+税额≠价税合计)
    ok = ApplicationResult(
        application_id="app-002",
        direction="compute_subsidy",
        declared={
            "company_name": "泉州乙科技有限公司",
            "project_name": "智算平台算力采购",
            "contact_name": "王五",
        },
        findings=[Finding(rule="identity.name_match", status="pass", message="一致")],
        verdict="pass",
    )
    store.save_application(ok)

    def listed() -> list[list]:
        _docx, xlsx = service.export_recommendation(store, unit="泉州市工业和信息化局")
        p = tmp_path / "r.xlsx"
        p.write_bytes(xlsx)
        return [[c.value for c in r] for r in load_workbook(p).active.iter_rows() if r[2].value]

    rows = listed()
    assert [r[2] for r in rows if r[2] not in ("企业名称",)] == ["泉州乙科技有限公司"]
    assert next(r for r in rows if r[2] == "泉州乙科技有限公司")[1] == "智算平台算力采购"
    # recommended despite its finding, with the reason recorded; in the reviewer's order
    store.set_recommendation("app-001", "张审核", True, "金额差异系开票尾差，已核实")
    store.set_order({"app-001": 1, "app-002": 2}, "张审核")
    rows = [r for r in listed() if r[2] != "企业名称"]
    assert [r[2] for r in rows] == [COMPANY, "泉州乙科技有限公司"]
    assert rows[0][5] == "审核推荐（张审核）：金额差异系开票尾差，已核实" and rows[0][1] == "算力服务补助"
    store.set_recommendation("app-001", "张审核", False, "")
    assert [r[2] for r in listed() if r[2] != "企业名称"] == ["泉州乙科技有限公司"]

"""Batch exports (CONTRACT section 5) built from result models."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook

from models.contract import ApplicationResult, EvidenceRef, Finding, compute_verdict
from review.reports import discrepancy_rows, recommendation_groups, write_batch_outputs
from review.rulenames import rule_info


def _app(app_id: str, direction: str, company: str, findings: list[Finding], **declared) -> ApplicationResult:
    app = ApplicationResult(
        application_id=app_id,
        direction=direction,
        declared={"company_name": company, **declared},
        findings=findings,
    )
    app.verdict = compute_verdict(findings)
    return app


@pytest.fixture
def apps() -> list[ApplicationResult]:
    fail = Finding(
        rule="invoice.arithmetic",
        status="fail",
        message="发票 24352000000012345678：金额 100,000.00 + 税额 6,000.00 = 106,000.00，票面价税合计 116,000.00，不一致",
        evidence=[EvidenceRef(file="发票/inv1.pdf", page=1, field="total_incl_tax", value=Decimal("116000"))],
    )
    ok = Finding(rule="identity.name_match", status="pass", message="单位名称一致")
    missing = Finding(rule="evidence.required_present", status="missing", message="缺少审计报告")
    return [
        _app("app-002", "compute_subsidy", "泉州乙科技有限公司", [ok, missing], contact_name="李四",
             contact_phone="13800000002", contact_email="b@example.cn"),
        _app("app-001", "compute_subsidy", "泉州甲科技有限公司", [fail, ok], contact_name="张三",
             contact_phone="13800000001", contact_email="a@example.cn"),
        _app("app-003", "software_product", "泉州丙软件有限公司", [ok], project_name="丙智能质检系统",
             contact_name="王五", contact_phone="0595-28383879"),
    ]


def test_discrepancy_rows_skip_pass_and_order_by_status(apps):
    rows = discrepancy_rows(apps)
    assert [r[3] for r in rows] == ["evidence.required_present", "invoice.arithmetic"]
    arith = rows[1]
    assert arith[0] == "app-001" and arith[4] == "不符合" and arith[6] == "发票/inv1.pdf" and arith[7] == 1


def test_batch_outputs_written_and_readable(tmp_path, apps):
    batch = [
        Finding(rule="batch.one_per_direction", status="fail", message="同一单位重复申报", applications=["app-001", "app-002"])
    ]
    write_batch_outputs(tmp_path, apps, batch, order={"app-001": 1, "app-002": 2})
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    # the batch finding counts in the verdict of both applications it names (CONTRACT §3)
    assert {a["application_id"]: a["verdict"] for a in summary["applications"]} == {
        "app-001": "fail",
        "app-002": "fail",
        "app-003": "pass",
    }
    assert summary["applications"][1]["fail"] == 2 and summary["applications"][0]["fail"] == 1
    assert summary["batch_findings"][0]["applications"] == ["app-001", "app-002"]

    with open(tmp_path / "discrepancies.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["申报编号", "单位名称", "申报方向", "规则"]
    assert sum(1 for r in rows if r[3] == "batch.one_per_direction") == 2
    ws = load_workbook(tmp_path / "discrepancies.xlsx").active
    assert ws.max_row == len(rows)

    doc = DocxDocument(str(tmp_path / "推荐汇总表.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "项目推荐汇总表" in text and "附件2" in text
    table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["序号", "项目", "企业名称", "联系人", "联系方式（手机与邮箱）", "备注"]
    flat = [row[2] for row in cells]
    # only what is recommended (verdict 通过): the two failed applications are not listed
    assert "泉州甲科技有限公司" not in flat and "泉州乙科技有限公司" not in flat
    assert any(row[1] == "丙智能质检系统" and row[2] == "泉州丙软件有限公司" for row in cells)
    assert next(row for row in cells if row[2] == "泉州丙软件有限公司")[-1] == "核验：通过"
    # all five directions appear as group rows, in the notice's order
    groups = [row[1] for row in cells if row[1] == row[-1] and row[1]]
    assert groups == ["算力服务补助", "“领雁”软件企业", "软件优质产品", "硬件优质产品", "典型应用场景"]
    wb = load_workbook(tmp_path / "推荐汇总表.xlsx").active
    values = [c.value for c in wb["C"]]
    assert "泉州丙软件有限公司" in values and "泉州甲科技有限公司" not in values


def test_recommendation_order_defaults_to_id(apps):
    everyone = {a.application_id: "" for a in apps}
    groups = dict(recommendation_groups(apps, recommended=everyone))
    assert [a.application_id for a in groups["compute_subsidy"]] == ["app-001", "app-002"]
    groups = dict(recommendation_groups(apps, {"app-002": 1, "app-001": 2}, everyone))
    assert [a.application_id for a in groups["compute_subsidy"]] == ["app-002", "app-001"]
    assert groups["hardware_product"] == []
    # by default only the applications whose verdict is 通过
    assert [a.application_id for _d, m in recommendation_groups(apps) for a in m] == ["app-003"]


def test_recommended_despite_a_finding_with_its_reason(tmp_path, apps):
    write_batch_outputs(tmp_path, apps, [])
    from review.reports import write_recommendation_xlsx

    out = tmp_path / "r.xlsx"
    write_recommendation_xlsx(out, apps, {"app-002": 1}, "泉州市工业和信息化局", {"app-002": "审核推荐（张审核）：已补交审计报告"})
    ws = load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    listed = [r for r in rows if r[2] == "泉州乙科技有限公司"]
    assert listed and listed[0][1] == "算力服务补助" and listed[0][5] == "审核推荐（张审核）：已补交审计报告"
    assert not any(r[2] in ("泉州甲科技有限公司", "泉州丙软件有限公司") for r in rows)


def test_problem_list_names_the_rule_and_its_clause(tmp_path, apps):
    write_batch_outputs(tmp_path, apps, [])
    with open(tmp_path / "discrepancies.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][-2:] == ["规则名称", "通知条款"]
    arith = next(r for r in rows if r[3] == "invoice.arithmetic")
    # no clause on the finding: the default call's (policy data), "—（…）" for a rule that cites none
    assert arith[-2:] == [rule_info("invoice.arithmetic").name, "—（发票金额+税额=价税合计）"]
    missing = next(r for r in rows if r[3] == "evidence.required_present")
    assert missing[-2] == rule_info("evidence.required_present").name and "佐证材料" in missing[-1]
    ws = load_workbook(tmp_path / "discrepancies.xlsx").active
    assert [c.value for c in ws[1]][-2:] == ["规则名称", "通知条款"]

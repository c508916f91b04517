"""No applicant text becomes a live formula in the exported sheets (xlsx and csv)."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from models.contract import ApplicationResult, EvidenceRef, Finding, compute_verdict
from review.reports import write_batch_outputs

EVIL_NAME = '=HYPERLINK("http://evil.example.com","点击")'
EVIL_FILE = "@SUM(1+1)*cmd.pdf"
EVIL_CONTACT = "+连接"
EVIL_EMAIL = "-2+3@example.cn"


def _app(app_id: str, findings: list[Finding], **declared) -> ApplicationResult:
    app = ApplicationResult(
        application_id=app_id, direction="compute_subsidy", declared=declared, findings=findings
    )
    app.verdict = compute_verdict(findings)
    return app


@pytest.fixture
def outputs(tmp_path):
    bad = Finding(
        rule="identity.name_match",
        status="fail",
        message=f"=单位名称不一致：{EVIL_NAME}",
        evidence=[EvidenceRef(file=EVIL_FILE, page=3, field="buyer_name", value=EVIL_NAME)],
    )
    ok = Finding(rule="identity.credit_code_valid", status="pass", message="信用代码校验位正确")
    apps = [
        _app(
            "app-001", [bad], company_name=EVIL_NAME, contact_name=EVIL_CONTACT, contact_phone="13800000001"
        ),
        _app(
            "app-002",
            [ok],
            company_name=EVIL_NAME,
            contact_name=EVIL_CONTACT,
            contact_phone="13800000002",
            contact_email=EVIL_EMAIL,
        ),
    ]
    batch = [
        Finding(
            rule="batch.one_per_direction", status="fail", message="\t=1+1 重复申报", applications=["app-001"]
        )
    ]
    write_batch_outputs(tmp_path, apps, batch, order={"app-001": 1, "app-002": 2})
    return tmp_path


def _cells(path):
    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("name", ["discrepancies.xlsx", "推荐汇总表.xlsx"])
def test_xlsx_holds_no_formula_and_keeps_the_text(outputs, name):
    cells = _cells(outputs / name)
    assert cells
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(EVIL_NAME in t for t in texts)  # shown as text, unchanged
    numbers = [c.value for c in cells if isinstance(c.value, int)]
    assert numbers  # page numbers / 序号 stay numbers


def test_discrepancy_xlsx_cells_from_applicants_are_quoted_text(outputs):
    cells = _cells(outputs / "discrepancies.xlsx")
    evil = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "@", "+", "\t"))]
    assert {c.value for c in evil} >= {EVIL_NAME, EVIL_FILE}
    assert all(c.quotePrefix and c.data_type == "s" for c in evil)
    pages = [c.value for c in cells if c.column == 8 and c.row > 1]
    assert 3 in pages


def test_csv_escapes_formula_starts(outputs):
    with open(outputs / "discrepancies.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [v for row in rows[1:] for v in row]
    assert f"'{EVIL_NAME}" in cells and f"'{EVIL_FILE}" in cells
    assert not [v for v in cells if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "3" in cells  # the page number is written as a number

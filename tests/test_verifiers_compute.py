"""compute.total_threshold: one purchase counted once, exclusions with reasons, statuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from models import compute_verdict
from verifiers import load_policy, run_rules
from verifiers.accounting import purchases
from verifiers.base import RuleContext
from verifiers.testing import (
    APPLICANT_CODE,
    STRANGER,
    STRANGER_CODE,
    SUPPLIER2,
    SUPPLIER2_CODE,
    as_stored,
    compute_app,
    doc,
    invoice,
    receipt,
    with_docs,
)

RULE = "compute.total_threshold"
INVOICES = ("发票/发票1.pdf", "发票/发票2.pdf", "发票/发票3.pdf")
RECEIPTS = ("回单/回单1.pdf", "回单/回单2.pdf", "回单/回单3.pdf")


def threshold(app):
    fs = [f for f in run_rules(app) if f.rule == RULE]
    assert len(fs) == 1, [f.message for f in fs]
    return fs[0]


def reasons(f) -> list[str]:
    return [e["reason"] for e in f.details["excluded"]]


def test_invoice_contract_and_receipts_are_one_purchase():
    f = threshold(compute_app())
    assert f.status == "pass"
    assert f.message == "2023年算力采购计入合计 360,000.00 元（发票 3 张），达到 300,000.00 元门槛"
    assert [c["basis"] for c in f.details["counted"]] == ["invoice"] * 3
    assert f.details["total"] == D("360000.00")
    # the contract and the three receipts are listed as not counted again, with the reason
    assert sum("不重复计入" in r for r in reasons(f)) == 4
    assert {r.field for r in f.evidence} >= {"invoice_number", "total_incl_tax"}


def test_same_invoice_in_pdf_ofd_xml_counts_once():
    copies = (
        invoice(1, file="发票/发票1.ofd"),
        invoice(1, file="发票/发票1.xml"),
        invoice(2, file="发票/发票2.ofd"),
    )
    f = threshold(with_docs(compute_app(), add=copies))
    assert f.status == "pass" and f.details["total"] == D("360000.00")
    assert f.details["counted"][0]["note"].startswith("（同一发票 3 份")
    assert sum("副本" in r for r in reasons(f)) == 3


def test_below_threshold_fails_with_numbers():
    app = with_docs(
        compute_app(compute_purchase_total=D("240000.00")), drop=("发票/发票3.pdf", "回单/回单3.pdf")
    )
    f = threshold(app)
    assert f.status == "fail"
    assert "计入合计 240,000.00 元（发票 2 张），未达到 300,000.00 元门槛" in f.message
    assert compute_verdict(run_rules(app)) == "fail"


def test_red_letter_invoice_and_its_original_are_excluded():
    red = invoice(
        4,
        "-120000.00",
        red_letter=True,
        original_invoice_number="23352000000000000003",
        issue_date=dt.date(2023, 12, 20),
        total_in_words="（负数）壹拾贰万元整",
    )
    f = threshold(with_docs(compute_app(), add=(red,)))
    assert f.details["total"] == D("240000.00") and f.status == "fail"
    r = reasons(f)
    assert any("红字" in x for x in r) and any("已被红字发票冲销" in x for x in r)


def test_out_of_period_and_foreign_buyer_and_non_compute_items_excluded():
    late = invoice(4, issue_date=dt.date(2024, 2, 1))
    foreign = invoice(5, buyer_name=STRANGER, buyer_tax_id=STRANGER_CODE)
    # realdocs inv02: a restaurant invoice (餐饮服务) is not compute
    meal = invoice(
        6,
        "526.00",
        seller_name="兰溪市悦济舫餐厅",
        seller_tax_id="92330781MA2EDMFU50",
        item_names=["*餐饮服务*餐费"],
        tax_rate="0.03",
    )
    f = threshold(with_docs(compute_app(), add=(late, foreign, meal)))
    assert f.details["total"] == D("360000.00") and f.status == "pass"
    r = " | ".join(reasons(f))
    assert "开票日期 2024-02-01 不在2023年度内" in r
    assert f"购买方「{STRANGER}」不是申报单位" in r
    assert "品名「*餐饮服务*餐费」不是算力/云服务" in r


def test_generic_item_counted_through_contract_content():
    generic = [invoice(n, item_names=["*信息技术服务*技术服务费"]) for n in (1, 2, 3)]
    app = with_docs(compute_app(), drop=INVOICES, add=tuple(generic))
    f = threshold(app)
    assert f.status == "pass" and f.details["total"] == D("360000.00")
    assert "据合同 HLSL-2023-0217内容认定为算力服务" in f.details["counted"][0]["note"]
    # without the compute contract, the same invoices are not compute purchases
    bare = with_docs(app, drop=("合同/算力服务合同.pdf",))
    f2 = threshold(bare)
    assert f2.status == "fail" and f2.details["total"] == D("0")


def test_applicant_sales_invoice_is_not_a_purchase():
    sale = invoice(
        7,
        "400000.00",
        buyer_name=STRANGER,
        buyer_tax_id=STRANGER_CODE,
        seller_name="泉州智算科技有限公司",
        seller_tax_id=APPLICANT_CODE,
    )
    f = threshold(with_docs(compute_app(), drop=INVOICES[1:], add=(sale,)))
    assert f.details["total"] == D("120000.00") and f.status == "fail"
    assert any("销售方" in r for r in reasons(f))


def test_contract_only_purchase_counts_with_warn():
    app = with_docs(compute_app(), drop=INVOICES)
    f = threshold(app)
    assert f.status == "warn"
    assert f.details["counted"][0]["basis"] == "contract"
    assert f.details["total"] == D("360000.00")  # paid by three receipts of 120,000.00
    assert "仅有合同 1 份" in f.message and "需核对" in f.message
    no_receipts = threshold(with_docs(app, drop=RECEIPTS))
    assert no_receipts.status == "warn" and "按合同金额计入" in no_receipts.details["counted"][0]["note"]


def test_receipt_only_purchase_counts_with_warn():
    cloud = receipt(4, "200000.00", payee_name=SUPPLIER2, purpose="GPU云服务器租用费")
    app = with_docs(compute_app(), drop=INVOICES[1:], add=(cloud,))
    f = threshold(app)
    assert f.status == "warn" and f.details["total"] == D("320000.00")
    assert "仅有付款凭证 1 笔" in f.message
    office = receipt(5, "200000.00", payee_name="泉州市丰泽区某某物业管理有限公司", purpose="房租")
    f2 = threshold(with_docs(compute_app(), drop=INVOICES[1:], add=(office,)))
    assert f2.status == "fail" and any("无法认定为算力服务" in r for r in reasons(f2))


def test_two_suppliers_counted_separately():
    inv = invoice(
        8,
        "90000.00",
        seller_name=SUPPLIER2,
        seller_tax_id=SUPPLIER2_CODE,
        item_names=["*信息技术服务*云计算服务费（GPU云主机 H800）"],
    )
    f = threshold(with_docs(compute_app(), add=(inv,)))
    assert f.details["total"] == D("450000.00")
    assert {c["seller"] for c in f.details["counted"]} == {"北京互联三六五科技有限公司", SUPPLIER2}


def test_unreadable_purchase_document_turns_fail_into_review():
    broken = invoice(
        3,
        errors=["第1页 OCR 识别失败"],
        total_incl_tax=None,
        amount_excl_tax=None,
        tax_amount=None,
        total_in_words=None,
    )
    f = threshold(with_docs(compute_app(), replace={"发票/发票3.pdf": broken}))
    assert f.status == "review" and "未能完整读取" in f.message


def test_stored_json_values_count_the_same():
    f = threshold(as_stored(compute_app()))
    assert f.status == "pass" and f.details["total"] == D("360000.00")


def test_no_purchase_documents_fails():
    app = with_docs(compute_app(), drop=(*INVOICES, *RECEIPTS, "合同/算力服务合同.pdf"))
    f = threshold(app)
    assert f.status == "fail" and "300,000.00" in f.message


def test_accounting_is_computed_once_per_context():
    ctx = RuleContext.build(compute_app(), load_policy())
    assert purchases(ctx) is purchases(ctx)
    assert purchases(ctx).total == D("360000.00")


def test_details_serialise_to_contract_formats():
    f = threshold(compute_app())
    dumped = f.model_dump(mode="json")
    assert dumped["details"]["total"] == "360000.00"
    assert dumped["details"]["counted"][0]["amount"] == "120000.00"
    assert dumped["details"]["excluded"][0]["what"]


def test_non_applicant_buyer_document_shape():
    # an invoice built with doc() directly (no factory defaults) still flows through
    d = doc(
        "invoice",
        "发票/手工.pdf",
        {
            "invoice_number": "23352000000000000099",
            "total_incl_tax": "50000.00",
            "buyer_name": STRANGER,
            "issue_date": "2023-05-05",
            "item_names": "算力服务",
        },
    )
    f = threshold(with_docs(compute_app(), add=(d,)))
    assert f.details["total"] == D("360000.00")

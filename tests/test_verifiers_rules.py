"""Every per-application rule: at least one application that breaks it and one that satisfies it.

Applications are built in code (verifiers.testing) with realistic values: the suppliers are
real companies and credit codes from /work/shared/realdocs/MANIFEST.tsv.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from models import compute_verdict
from models.contract import Finding
from verifiers import run_rules
from verifiers.testing import (
    APPLICANT,
    APPLICANT_CODE,
    OTHER_APPLICANT,
    OTHER_APPLICANT_CODE,
    STRANGER,
    STRANGER_CODE,
    SUPPLIER,
    SUPPLIER_CODE,
    as_stored,
    audit,
    compute_app,
    contract,
    doc,
    form,
    fv,
    invoice,
    licence,
    product_app,
    receipt,
    simple,
    with_docs,
)

NON_LOCAL_CODE = "91350100MA2XN4HT74"  # valid code registered in 福州市 (350100)


def of(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def statuses(app, rule: str) -> list[str]:
    return [f.status for f in of(run_rules(app), rule)]


def only(app, rule: str) -> Finding:
    fs = of(run_rules(app), rule)
    assert len(fs) == 1, [f.message for f in fs]
    return fs[0]


# ------------------------------------------------------------------ clean applications


@pytest.mark.parametrize("stored", [False, True], ids=["python-values", "json-strings"])
def test_clean_compute_application_passes_everything(stored):
    app = compute_app()
    app = as_stored(app) if stored else app
    fs = run_rules(app)
    assert [f for f in fs if f.status != "pass"] == []
    assert compute_verdict(fs) == "pass"
    assert len({f.rule for f in fs}) >= 18
    for f in fs:
        assert f.evidence, f"{f.rule} has no evidence: {f.message}"
        assert any(r.file for r in f.evidence)


@pytest.mark.parametrize("direction", ["software_product", "hardware_product"])
def test_clean_product_application_passes(direction):
    fs = run_rules(product_app(direction=direction))
    assert [f.message for f in fs if f.status != "pass"] == []
    assert compute_verdict(fs) == "pass"
    assert of(fs, "contract.seller_is_applicant")[0].status == "pass"


def test_evidence_refs_carry_page_bbox_and_value():
    app = compute_app()
    inv = next(d for d in app.documents if d.file == "发票/发票1.pdf")
    inv.fields["total_incl_tax"] = fv(D("116000.00"), page=1, bbox=[400.0, 520.0, 520.0, 540.0])
    inv.fields["amount_excl_tax"] = fv(D("100000.00"))
    inv.fields["tax_amount"] = fv(D("6000.00"))
    bad = [x for x in of(run_rules(app), "invoice.arithmetic") if x.status == "fail"]
    assert len(bad) == 1
    msg = bad[0].message
    assert "发票 23352000000000000001" in msg
    assert "金额 100,000.00 + 税额 6,000.00 = 106,000.00，票面价税合计 116,000.00，不一致" in msg
    total_ref = next(r for r in bad[0].evidence if r.field == "total_incl_tax")
    assert (total_ref.file, total_ref.page, total_ref.bbox) == (
        "发票/发票1.pdf",
        1,
        [400.0, 520.0, 520.0, 540.0],
    )
    assert total_ref.value == D("116000.00") and total_ref.model_dump()["value"] == "116000.00"
    assert compute_verdict(run_rules(app)) == "fail"


# ------------------------------------------------------------------ evidence


def test_readable_reports_unreadable_file_as_review():
    broken = doc("other", "扫描件001.pdf", {}, errors=["文件已加密，无法读取"])
    fs = run_rules(with_docs(compute_app(), add=(broken,)))
    r = of(fs, "evidence.readable")
    assert [f.status for f in r] == ["review"]
    assert "扫描件001.pdf" in r[0].message and "已加密" in r[0].message
    assert compute_verdict(fs) == "review"


def test_required_present_one_missing_per_kind():
    app = with_docs(compute_app(), drop=("2023年度审计报告.pdf", "承诺书.pdf"))
    fs = of(run_rules(app), "evidence.required_present")
    missing = [f for f in fs if f.status == "missing"]
    assert sorted(f.details["doc_type"] for f in missing) == ["audit_report", "integrity_pledge"]
    assert any("审计报告" in f.message for f in missing)
    assert compute_verdict(run_rules(app)) == "review"
    assert sum(f.status == "pass" for f in fs) == 5


def test_required_present_notes_supporting_material_and_unknown_direction():
    patent = simple("patent_certificate", "专利/发明专利证书.pdf", "发明专利证书")
    fs = of(run_rules(with_docs(compute_app(), add=(patent,))), "evidence.required_present")
    assert any(f.status == "pass" and "专利证书 1 份" in f.message for f in fs)
    app = compute_app().model_copy(update={"direction": None})
    assert statuses(app, "evidence.required_present") == ["review"]
    # scenario requires only the form and the licence
    scen = with_docs(
        product_app(direction="application_scenario"), drop=("2023年度审计报告.pdf", "合同/算力服务合同.pdf")
    )
    assert set(statuses(scen, "evidence.required_present")) == {"pass"}


# ------------------------------------------------------------------ identity


def test_credit_code_valid_fail_on_invoice_and_warn_when_licence_prints_it():
    bad_seller = invoice(1, seller_tax_id="91110108690017781C")
    app = with_docs(compute_app(), replace={"发票/发票1.pdf": bad_seller})
    fs = of(run_rules(app), "identity.credit_code_valid")
    fail = [f for f in fs if f.status == "fail"]
    assert len(fail) == 1 and "91110108690017781C" in fail[0].message and "校验" in fail[0].message

    misprint = "91350503MA2Y3K6W8B"  # fails its check character
    app2 = compute_app(credit_code=misprint)
    app2 = with_docs(app2, replace={"营业执照.jpg": licence(credit_code=misprint)})
    fs2 = of(run_rules(app2), "identity.credit_code_valid")
    assert [f.status for f in fs2 if misprint in f.message] == ["warn"]


def test_credit_code_valid_low_confidence_becomes_review_and_short_code_fails():
    low = invoice(1, seller_tax_id=fv("91110108690017781C", confidence=0.55))
    fs = of(
        run_rules(with_docs(compute_app(), replace={"发票/发票1.pdf": low})), "identity.credit_code_valid"
    )
    r = [f for f in fs if "91110108690017781C" in f.message]
    assert [f.status for f in r] == ["review"] and "0.55" in r[0].message
    short = compute_app(credit_code="91350503MA2Y3K6W8")
    assert "fail" in statuses(short, "identity.credit_code_valid")


def test_credit_code_match_fails_on_other_buyer_code():
    app = with_docs(compute_app(), replace={"发票/发票2.pdf": invoice(2, buyer_tax_id=OTHER_APPLICANT_CODE)})
    fs = of(run_rules(app), "identity.credit_code_match")
    fail = [f for f in fs if f.status == "fail"]
    assert len(fail) == 1 and OTHER_APPLICANT_CODE in fail[0].message and APPLICANT_CODE in fail[0].message
    assert any(f.status == "pass" for f in fs)
    lic = with_docs(compute_app(), replace={"营业执照.jpg": licence(credit_code=OTHER_APPLICANT_CODE)})
    assert "fail" in statuses(lic, "identity.credit_code_match")


def test_name_match_normalises_and_scores():
    # 有限责任公司 vs 有限公司 and full-width brackets: the same name
    same = with_docs(
        compute_app(), replace={"营业执照.jpg": licence(company_name="泉州智算科技有限责任公司")}
    )
    assert set(statuses(same, "identity.name_match")) == {"pass"}
    # one character misread: near → warn with the score, never pass
    near = with_docs(
        compute_app(), replace={"2023年度审计报告.pdf": audit(audited_entity="泉州智算科枝有限公司")}
    )
    w = [f for f in of(run_rules(near), "identity.name_match") if f.status == "warn"]
    assert len(w) == 1 and "相似度 90" in w[0].message and w[0].details["score"] == 90.0
    # a branch is not the legal person itself
    branch = with_docs(
        compute_app(), replace={"回单/回单1.pdf": receipt(1, payer_name="泉州智算科技有限公司厦门分公司")}
    )
    assert "warn" in statuses(branch, "identity.name_match")
    # another company
    other = with_docs(compute_app(), replace={"2023年度审计报告.pdf": audit(audited_entity=OTHER_APPLICANT)})
    assert "fail" in statuses(other, "identity.name_match")


def test_name_match_with_brackets():
    name = "泉州智算（福建）科技有限公司"
    app = compute_app(company_name=name)
    app = with_docs(app, replace={"营业执照.jpg": licence(company_name="泉州智算(福建)科技有限责任公司")})
    fs = of(run_rules(app), "identity.name_match")
    lic = [f for f in fs if any(r.file == "营业执照.jpg" for r in f.evidence)]
    assert lic and lic[0].status == "pass"


def test_legal_rep_match():
    bad = with_docs(compute_app(), replace={"营业执照.jpg": licence(legal_representative="陈智明")})
    f = only(bad, "identity.legal_rep_match")
    assert f.status == "fail" and "陈志明" in f.message and "陈智明" in f.message
    low = with_docs(
        compute_app(), replace={"营业执照.jpg": licence(legal_representative=fv("陈智明", confidence=0.6))}
    )
    assert only(low, "identity.legal_rep_match").status == "review"
    assert only(compute_app(), "identity.legal_rep_match").status == "pass"


# ------------------------------------------------------------------ jurisdiction


def test_jurisdiction_outside_fails_code_only_warns():
    fuzhou = "福建省福州市鼓楼区五四路158号"
    out = with_docs(compute_app(address=fuzhou), replace={"营业执照.jpg": licence(address=fuzhou)})
    f = only(out, "jurisdiction.local")
    assert f.status == "fail" and fuzhou in f.message
    qingdao = with_docs(
        compute_app(address="山东省青岛市市南区泉州路8号"),
        replace={"营业执照.jpg": licence(address="山东省青岛市市南区泉州路8号")},
    )
    assert only(qingdao, "jurisdiction.local").status == "fail"
    moved = compute_app(credit_code=NON_LOCAL_CODE, address="福建省晋江市经济开发区（五里园）裕源路8号")
    moved = with_docs(
        moved,
        replace={
            "营业执照.jpg": licence(
                credit_code=NON_LOCAL_CODE, address="福建省晋江市经济开发区（五里园）裕源路8号"
            )
        },
    )
    f = only(moved, "jurisdiction.local")
    assert f.status == "warn" and "350100" in f.message and "晋江市" in f.message


def test_jurisdiction_pass_and_unknown_address():
    taishang = "福建省泉州台商投资区东园镇阳光大道1号"
    ok = with_docs(compute_app(address=taishang), replace={"营业执照.jpg": licence(address=taishang)})
    assert only(ok, "jurisdiction.local").status == "pass"
    no_addr = with_docs(compute_app(address=None), replace={"营业执照.jpg": licence(address=None)})
    no_addr.declared.pop("address", None)
    assert only(no_addr, "jurisdiction.local").status == "review"


# ------------------------------------------------------------------ invoices


def test_invoice_arithmetic_line_items_and_tax_free():
    inv = invoice(1)
    inv.line_items = [
        {
            "name": "*信息技术服务*GPU云算力服务费",
            "amount": D("100000.00"),
            "tax_rate": "0.06",
            "tax_amount": D("6000.00"),
        }
    ]
    app = with_docs(compute_app(), replace={"发票/发票1.pdf": inv})
    fail = [f for f in of(run_rules(app), "invoice.arithmetic") if f.status == "fail"]
    assert len(fail) == 1 and "明细金额合计 100,000.00" in fail[0].message
    free = invoice(1, "120000.00", tax_rate="免税", amount_excl_tax=D("120000.00"), tax_amount=None)
    fs = of(run_rules(with_docs(compute_app(), replace={"发票/发票1.pdf": free})), "invoice.arithmetic")
    assert [f.status for f in fs] == ["pass"] * 3


def test_invoice_amount_words():
    bad = with_docs(compute_app(), replace={"发票/发票3.pdf": invoice(3, total_in_words="壹拾壹万元整")})
    f = [x for x in of(run_rules(bad), "invoice.amount_words") if x.status == "fail"]
    assert (
        len(f) == 1
        and "壹拾壹万元整" in f[0].message
        and "110,000.00" in f[0].message
        and "120,000.00" in f[0].message
    )
    assert set(statuses(compute_app(), "invoice.amount_words")) == {"pass"}


def test_invoice_buyer_is_applicant():
    stranger = invoice(2, buyer_name=STRANGER, buyer_tax_id=STRANGER_CODE)
    fs = of(
        run_rules(with_docs(compute_app(), replace={"发票/发票2.pdf": stranger})),
        "invoice.buyer_is_applicant",
    )
    assert sorted(f.status for f in fs) == ["fail", "pass", "pass"]
    assert STRANGER in next(f.message for f in fs if f.status == "fail")
    near = invoice(2, buyer_name="泉州智算科枝有限公司", buyer_tax_id=None)
    assert "warn" in statuses(
        with_docs(compute_app(), replace={"发票/发票2.pdf": near}), "invoice.buyer_is_applicant"
    )
    # the applicant's own sales invoice is supporting material, not a purchase: not checked
    sale = invoice(
        9,
        buyer_name=STRANGER,
        buyer_tax_id=STRANGER_CODE,
        seller_name=APPLICANT,
        seller_tax_id=APPLICANT_CODE,
    )
    fs = of(run_rules(with_docs(compute_app(), add=(sale,))), "invoice.buyer_is_applicant")
    assert len(fs) == 3 and {f.status for f in fs} == {"pass"}


def test_invoice_in_period():
    late = invoice(3, issue_date=dt.date(2024, 1, 5))
    fs = of(run_rules(with_docs(compute_app(), replace={"发票/发票3.pdf": late})), "invoice.in_period")
    fail = [f for f in fs if f.status == "fail"]
    assert len(fail) == 1 and "2024-01-05" in fail[0].message and fail[0].evidence[0].field == "issue_date"
    early = invoice(3, issue_date="2022-12-31")
    assert "fail" in statuses(
        with_docs(compute_app(), replace={"发票/发票3.pdf": early}), "invoice.in_period"
    )
    assert set(statuses(compute_app(), "invoice.in_period")) == {"pass"}


def test_invoice_duplicate_within_application():
    copies = (invoice(1, file="发票/发票1.ofd"), invoice(1, file="发票/发票1.xml"))
    fs = of(run_rules(with_docs(compute_app(), add=copies)), "invoice.duplicate")
    assert {f.status for f in fs} == {"pass"}
    multi = [f for f in fs if "多种格式" in f.message]
    assert (
        len(multi) == 1
        and "PDF" in multi[0].message
        and "OFD" in multi[0].message
        and "XML" in multi[0].message
    )
    twice = (invoice(1, file="扫描件/发票1副本.pdf"),)
    fs = of(run_rules(with_docs(compute_app(), add=twice)), "invoice.duplicate")
    warn = [f for f in fs if f.status == "warn"]
    assert len(warn) == 1 and "23352000000000000001" in warn[0].message


def test_invoice_qr_matches():
    good = invoice(1, qr="01,32,,23352000000000000001,120000.00,20230315,,A1B2")
    ok = of(run_rules(with_docs(compute_app(), replace={"发票/发票1.pdf": good})), "invoice.qr_matches")
    assert [f.status for f in ok] == ["pass"]
    bad = invoice(1, qr="01,32,,23352000000000000001,12000.00,20230316,,A1B2")
    f = of(run_rules(with_docs(compute_app(), replace={"发票/发票1.pdf": bad})), "invoice.qr_matches")
    assert [x.status for x in f] == ["fail"] and "12,000.00" in f[0].message and "2023-03-16" in f[0].message
    assert of(run_rules(compute_app()), "invoice.qr_matches") == []


# ------------------------------------------------------------------ contracts


def test_contract_buyer_is_applicant():
    bad = with_docs(
        compute_app(),
        replace={"合同/算力服务合同.pdf": contract(buyer_name=STRANGER, buyer_credit_code=STRANGER_CODE)},
    )
    f = only(bad, "contract.buyer_is_applicant")
    assert f.status == "fail" and STRANGER in f.message
    assert only(compute_app(), "contract.buyer_is_applicant").status == "pass"


def test_contract_seller_is_applicant_in_product_direction():
    app = product_app()
    c = next(d for d in app.documents if d.doc_type == "contract")
    c.fields["seller_name"] = fv(OTHER_APPLICANT)
    c.fields["seller_credit_code"] = fv(OTHER_APPLICANT_CODE)
    f = only(app, "contract.seller_is_applicant")
    assert f.status == "fail" and OTHER_APPLICANT_CODE in f.message


def test_contract_covers_period():
    old = contract(service_start=dt.date(2022, 1, 1), service_end=dt.date(2022, 12, 31))
    f = only(with_docs(compute_app(), replace={"合同/算力服务合同.pdf": old}), "contract.covers_period")
    assert f.status == "fail" and "2022-01-01 至 2022-12-31" in f.message
    signed = contract(service_start=None, service_end=None, sign_date=dt.date(2023, 5, 8))
    assert (
        only(
            with_docs(compute_app(), replace={"合同/算力服务合同.pdf": signed}), "contract.covers_period"
        ).status
        == "pass"
    )
    later = contract(service_start=None, service_end=None, sign_date=dt.date(2024, 2, 1))
    assert (
        only(
            with_docs(compute_app(), replace={"合同/算力服务合同.pdf": later}), "contract.covers_period"
        ).status
        == "fail"
    )
    blank = contract(service_start=None, service_end=None, sign_date=None)
    assert (
        only(
            with_docs(compute_app(), replace={"合同/算力服务合同.pdf": blank}), "contract.covers_period"
        ).status
        == "review"
    )
    spanning = contract(service_start=dt.date(2022, 10, 1), service_end=dt.date(2023, 9, 30))
    assert (
        only(
            with_docs(compute_app(), replace={"合同/算力服务合同.pdf": spanning}), "contract.covers_period"
        ).status
        == "pass"
    )


def test_contract_amount_words():
    bad = with_docs(
        compute_app(), replace={"合同/算力服务合同.pdf": contract(amount_in_words="人民币叁拾伍万元整")}
    )
    f = only(bad, "contract.amount_words")
    assert f.status == "fail" and "350,000.00" in f.message and "360,000.00" in f.message
    assert only(compute_app(), "contract.amount_words").status == "pass"


# ------------------------------------------------------------------ payments


def test_payment_payer_not_applicant_fails():
    bad = with_docs(compute_app(), replace={"回单/回单2.pdf": receipt(2, payer_name=STRANGER)})
    fs = of(run_rules(bad), "payment.matches_invoice")
    assert sorted(f.status for f in fs) == ["fail", "pass", "pass"]
    assert STRANGER in next(f.message for f in fs if f.status == "fail")


def test_payment_amount_or_payee_mismatch_warns():
    odd = with_docs(compute_app(), replace={"回单/回单2.pdf": receipt(2, "100000.00")})
    w = [f for f in of(run_rules(odd), "payment.matches_invoice") if f.status == "warn"]
    assert len(w) == 1 and "100,000.00" in w[0].message and "120,000.00" in w[0].message
    unknown = with_docs(
        compute_app(),
        replace={"回单/回单3.pdf": receipt(3, "95000.00", payee_name="泉州市丰泽区某某装修工程部")},
    )
    w = [f for f in of(run_rules(unknown), "payment.matches_invoice") if f.status == "warn"]
    assert len(w) == 1 and "未找到" in w[0].message


def test_payment_to_a_third_company_for_an_invoice_amount_fails_naming_both():
    """The notice asks for payment to the compute-service company: a receipt for exactly an
    invoice's amount that pays another company is a ``fail`` naming both companies."""
    third = "泉州市丰泽区某某装修工程部"
    app = with_docs(compute_app(), replace={"回单/回单3.pdf": receipt(3, payee_name=third)})
    bad = [f for f in of(run_rules(app), "payment.matches_invoice") if f.status != "pass"]
    assert [f.status for f in bad] == ["fail"]
    assert third in bad[0].message and SUPPLIER in bad[0].message


def test_payment_with_a_misread_payee_is_one_purchase_sent_to_review():
    """A scanned receipt whose payee OCR reads as a label (「业务(产品)种类」) but whose amount is
    an invoice's: counted once (not a second purchase) and the doubt goes to ``review``."""
    app = with_docs(
        compute_app(compute_purchase_total=D("360000.00")),
        replace={"回单/回单3.pdf": receipt(3, payee_name="业务(产品)种类")},
    )
    findings = run_rules(app)
    pay = [f for f in of(findings, "payment.matches_invoice") if f.status != "pass"]
    assert [f.status for f in pay] == ["review"] and "业务(产品)种类" in pay[0].message
    total = only(app, "compute.total_threshold")
    assert total.details["total"] == D("360000.00")  # three invoices, the receipt not counted again
    assert only(app, "compute.declared_total_match").status == "pass"


def test_payment_instalments_sum_to_contract():
    app = with_docs(
        compute_app(),
        drop=(
            "发票/发票1.pdf",
            "发票/发票2.pdf",
            "发票/发票3.pdf",
            "回单/回单1.pdf",
            "回单/回单2.pdf",
            "回单/回单3.pdf",
        ),
        add=(receipt(1, "180000.00"), receipt(2, "180000.00")),
    )
    fs = of(run_rules(app), "payment.matches_invoice")
    assert [f.status for f in fs] == ["pass", "pass"] and "2 笔付款合计 360,000.00" in fs[0].message


def test_payment_in_product_direction_payee_is_applicant():
    app = product_app()
    v = next(d for d in app.documents if d.doc_type == "payment_voucher")
    v.fields["payee_name"] = fv(OTHER_APPLICANT)
    f = only(app, "payment.matches_invoice")
    assert f.status == "fail" and OTHER_APPLICANT in f.message


# ------------------------------------------------------------------ compute: GPU configuration


def test_gpu_config_missing_model():
    c = contract(
        gpu_model=None, gpu_count=None, service_content="云服务器租用服务，按月计费", title="云服务合同"
    )
    app = with_docs(compute_app(), replace={"合同/算力服务合同.pdf": c})
    f = only(app, "compute.gpu_config_present")
    assert f.status == "missing" and "显卡机型配置" in f.message and "用量" not in f.details["absent"]
    assert only(compute_app(), "compute.gpu_config_present").status == "pass"


def test_gpu_config_from_text_without_fields():
    c = contract(gpu_model=None, gpu_count=None, service_content="昇腾910B 智算集群 2000卡时 训练服务")
    f = only(with_docs(compute_app(), replace={"合同/算力服务合同.pdf": c}), "compute.gpu_config_present")
    assert f.status == "pass" and "910B" in f.message and "2000卡时" in f.message


# ------------------------------------------------------------------ compute: declared total


def test_declared_total_match():
    assert only(compute_app(), "compute.declared_total_match").status == "pass"
    over = compute_app(compute_purchase_total=D("500000.00"))
    f = only(over, "compute.declared_total_match")
    assert (
        f.status == "fail"
        and "500,000.00" in f.message
        and "360,000.00" in f.message
        and "140,000.00" in f.message
    )
    under = compute_app(compute_purchase_total=D("300000.00"))
    assert only(under, "compute.declared_total_match").status == "warn"
    close = compute_app(compute_purchase_total="36万元")
    assert only(close, "compute.declared_total_match").status == "pass"
    suppliers = compute_app(
        compute_suppliers=[
            {"name": SUPPLIER, "amount": "240000.00"},
            {"name": "泉州算力中心有限公司", "amount": "120000.00"},
        ]
    )
    f = only(suppliers, "compute.declared_total_match")
    assert f.status == "warn" and "泉州算力中心有限公司" in f.message


# ------------------------------------------------------------------ audit


def test_audit_covers_last_year():
    assert only(compute_app(), "audit.covers_last_year").status == "pass"
    old = with_docs(compute_app(), replace={"2023年度审计报告.pdf": audit(fiscal_year="2022年度")})
    f = only(old, "audit.covers_last_year")
    assert f.status == "fail" and "2022" in f.message
    other = with_docs(compute_app(), replace={"2023年度审计报告.pdf": audit(audited_entity=STRANGER)})
    assert only(other, "audit.covers_last_year").status == "fail"
    both = with_docs(
        old,
        add=(
            doc(
                "audit_report", "财务报表2023.pdf", {"audited_entity": APPLICANT, "fiscal_year": "2023-12-31"}
            ),
        ),
    )
    assert only(both, "audit.covers_last_year").status == "pass"
    unknown = with_docs(compute_app(), replace={"2023年度审计报告.pdf": audit(fiscal_year=None)})
    assert only(unknown, "audit.covers_last_year").status == "review"


# ------------------------------------------------------------------ scenario


def test_consortium_size():
    app = product_app(direction="application_scenario")
    app.declared["consortium_members"] = [
        {"name": APPLICANT, "role": "技术提供方"},
        {"name": "泉州市第一医院", "role": "应用方"},
        {"name": SUPPLIER, "role": "协作单位"},
    ]
    assert only(app, "scenario.consortium_size").status == "pass"
    app.declared["consortium_members"].append({"name": OTHER_APPLICANT, "role": "协作单位"})
    f = only(app, "scenario.consortium_size")
    assert f.status == "fail" and "4 家" in f.message
    plain = product_app(direction="application_scenario")
    assert of(run_rules(plain), "scenario.consortium_size") == []


def test_supplier_code_constant_is_real_and_valid():
    # guard: the factories use codes whose check character is right (from realdocs)
    from extractor.normalize.uscc import is_valid

    for code in (APPLICANT_CODE, OTHER_APPLICANT_CODE, SUPPLIER_CODE, STRANGER_CODE, NON_LOCAL_CODE):
        assert is_valid(code), code


def test_form_factory_is_used():
    # form() and licence() stay in sync with the applicant constants
    assert form().fields["company_name"].value == licence().fields["company_name"].value == APPLICANT


def test_garbled_values_never_crash_a_rule():
    weird = doc(
        "invoice",
        "扫描件002.pdf",
        {
            "invoice_number": 123,
            "total_incl_tax": "NaN",
            "amount_excl_tax": ["a"],
            "tax_amount": {"x": 1},
            "issue_date": "not a date",
            "buyer_name": 5,
            "buyer_tax_id": "",
            "qr": "1,2",
        },
    )
    c = doc(
        "contract",
        "扫描件003.pdf",
        {"amount_total": "abc", "amount_in_words": 12, "service_start": "2023-13-01"},
    )
    v = doc("payment_voucher", "扫描件004.pdf", {"amount": "Infinity", "payer_name": APPLICANT})
    fs = run_rules(with_docs(compute_app(), add=(weird, c, v)))
    assert not [f.message for f in fs if "执行出错" in f.message]
    assert [f.status for f in of(fs, "invoice.in_period") if "扫描件002" in str(f.evidence)] == ["review"]

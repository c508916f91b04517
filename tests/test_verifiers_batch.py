"""Batch rules across applications and verdict computation over findings."""

from __future__ import annotations

from models import compute_verdict
from models.contract import Finding
from verifiers import load_policy, run_batch_rules, run_rules
from verifiers.testing import (
    OTHER_APPLICANT,
    OTHER_APPLICANT_CODE,
    audit,
    compute_app,
    contract,
    form,
    invoice,
    licence,
    product_app,
    receipt,
    with_docs,
)


def other_company_app(app_id: str, direction: str = "compute_subsidy"):
    """A second applicant (晋江) buying from the same supplier."""
    app = compute_app(
        app_id,
        company_name=OTHER_APPLICANT,
        credit_code=OTHER_APPLICANT_CODE,
        address="福建省晋江市经济开发区（五里园）裕源路8号",
    )
    swap = {
        "营业执照.jpg": licence(
            company_name=OTHER_APPLICANT,
            credit_code=OTHER_APPLICANT_CODE,
            address="福建省晋江市经济开发区（五里园）裕源路8号",
        ),
        "合同/算力服务合同.pdf": contract(
            contract_no="HLSL-2023-0388", buyer_name=OTHER_APPLICANT, buyer_credit_code=OTHER_APPLICANT_CODE
        ),
        "2023年度审计报告.pdf": audit(audited_entity=OTHER_APPLICANT),
    }
    for n in (1, 2, 3):
        swap[f"发票/发票{n}.pdf"] = invoice(
            n + 10, buyer_name=OTHER_APPLICANT, buyer_tax_id=OTHER_APPLICANT_CODE, file=f"发票/发票{n}.pdf"
        )
        swap[f"回单/回单{n}.pdf"] = receipt(n, payer_name=OTHER_APPLICANT)
    app = with_docs(app, replace=swap)
    app.direction = direction
    return app


def by_rule(fs: list[Finding], rule: str) -> list[Finding]:
    return [f for f in fs if f.rule == rule]


def test_second_company_is_clean_on_its_own():
    app = other_company_app("app-002")
    fs = run_rules(app)
    assert [f.message for f in fs if f.status != "pass"] == []


def test_invoice_claimed_by_two_applications_fails():
    a = compute_app("app-001")
    b = other_company_app("app-002")
    # app-002 also attaches app-001's first invoice
    b = with_docs(b, add=(invoice(1, file="附件/借用发票.pdf"),))
    fs = by_rule(run_batch_rules([a, b], load_policy()), "invoice.duplicate")
    assert len(fs) == 1
    f = fs[0]
    assert f.status == "fail" and f.applications == ["app-001", "app-002"]
    assert "23352000000000000001" in f.message
    assert {r.application_id for r in f.evidence} == {"app-001", "app-002"}
    assert compute_verdict(fs) == "fail"


def test_no_cross_application_duplicates():
    fs = run_batch_rules([compute_app("app-001"), other_company_app("app-002")])
    assert by_rule(fs, "invoice.duplicate") == []
    assert [f.status for f in by_rule(fs, "batch.one_per_direction")] == ["pass"]


def test_one_per_direction():
    a = compute_app("app-001")
    b = compute_app("app-007")
    c = other_company_app("app-002")
    fs = by_rule(run_batch_rules([a, b, c]), "batch.one_per_direction")
    assert len(fs) == 1 and fs[0].status == "fail"
    assert fs[0].applications == ["app-001", "app-007"]
    assert "泉州智算科技有限公司" in fs[0].message and "算力服务补助" in fs[0].message
    # same unit, different directions: allowed
    d = product_app("app-101", "hardware_product")
    assert [f.status for f in by_rule(run_batch_rules([a, d]), "batch.one_per_direction")] == ["pass"]


def test_product_scenario_exclusive():
    sw = product_app("app-101", "software_product")
    scen = product_app("app-201", "application_scenario")
    fs = by_rule(run_batch_rules([sw, scen]), "batch.product_scenario_exclusive")
    assert len(fs) == 1 and fs[0].status == "fail" and fs[0].applications == ["app-101", "app-201"]
    other_scen = product_app("app-202", "application_scenario")
    other_scen = with_docs(
        other_scen,
        replace={
            "申报表.docx": form(
                company_name=OTHER_APPLICANT,
                credit_code=OTHER_APPLICANT_CODE,
                direction="application_scenario",
            )
        },
    )
    other_scen.declared.update(company_name=OTHER_APPLICANT, credit_code=OTHER_APPLICANT_CODE)
    ok = by_rule(run_batch_rules([sw, other_scen]), "batch.product_scenario_exclusive")
    assert [f.status for f in ok] == ["pass"]


def test_unit_identified_by_name_when_code_missing():
    a = compute_app("app-001")
    b = compute_app("app-009", credit_code=None)
    b.declared.pop("credit_code", None)
    b = with_docs(b, replace={"营业执照.jpg": licence(credit_code=None)})
    b = with_docs(b, drop=tuple(d.file for d in b.documents if d.doc_type in ("invoice", "contract")))
    fs = by_rule(run_batch_rules([a, b]), "batch.one_per_direction")
    # app-001 is keyed by its code, app-009 by name: different keys, so no false duplicate
    assert [f.status for f in fs] == ["pass"]


def test_rule_errors_become_review_findings(monkeypatch):
    from verifiers import registry
    from verifiers.base import Rule

    def boom(ctx):
        raise RuntimeError("bad input")

    broken = Rule("invoice.arithmetic", boom, "invoice")
    rules = tuple(
        broken if r.id == "invoice.arithmetic" else r for r in registry.RULES_BY_DIRECTION["compute_subsidy"]
    )
    monkeypatch.setitem(registry.RULES_BY_DIRECTION, "compute_subsidy", rules)
    fs = run_rules(compute_app())
    err = by_rule(fs, "invoice.arithmetic")
    assert [f.status for f in err] == ["review"] and "bad input" in err[0].message
    assert compute_verdict(fs) == "review"


# ---------------------------------------------------------------- safety nets of batch rules


def test_batch_rule_that_raises_becomes_review_and_the_batch_goes_on(monkeypatch):
    from verifiers import registry
    from verifiers.base import BATCH_REGISTRY, BatchRule

    def boom(ctxs, params=None):
        raise KeyError("invoice_number")

    monkeypatch.setitem(BATCH_REGISTRY, "invoice.duplicate", BatchRule("invoice.duplicate", boom))
    monkeypatch.setattr(registry, "_BOUND", {})  # bind the policy's batch rules again
    a = compute_app("app-001")
    b = compute_app("app-007")  # same unit, same direction: one_per_direction must still fail
    fs = run_batch_rules([a, b])
    err = by_rule(fs, "invoice.duplicate")
    assert [f.status for f in err] == ["review"]
    assert "invoice.duplicate" in err[0].message and "KeyError" in err[0].message
    assert err[0].applications == ["app-001", "app-007"]
    assert [f.status for f in by_rule(fs, "batch.one_per_direction")] == ["fail"]
    assert compute_verdict(fs) == "fail"


def test_application_whose_context_fails_is_reported_not_fatal():
    a = compute_app("app-001")
    bad = compute_app("app-007")
    bad.documents[0].fields = None  # what a broken store row looks like: no field mapping at all
    fs = run_batch_rules([a, bad])
    ctx_err = by_rule(fs, "batch.context")
    assert [f.status for f in ctx_err] == ["review"] and ctx_err[0].applications == ["app-007"]
    # app-001 is still compared (alone: nothing duplicated)
    assert [f.status for f in by_rule(fs, "batch.one_per_direction")] == ["pass"]


def test_duplicate_invoice_resting_on_a_low_confidence_number_is_review():
    a = compute_app("app-001")
    b = other_company_app("app-002")
    borrowed = invoice(1, file="附件/借用发票.pdf")
    num = borrowed.fields["invoice_number"]
    borrowed.fields["invoice_number"] = num.model_copy(update={"confidence": 0.41, "method": "ocr"})
    b = with_docs(b, add=(borrowed,))
    fs = by_rule(run_batch_rules([a, b], load_policy()), "invoice.duplicate")
    assert len(fs) == 1 and fs[0].status == "review"
    assert "0.41" in fs[0].message and "需人工复核" in fs[0].message
    # the same duplicate read from the text layer stays a fail
    exact = invoice(1, file="附件/借用发票.pdf")
    exact.fields["invoice_number"] = num.model_copy(update={"confidence": 0.41, "method": "text"})
    b2 = with_docs(other_company_app("app-002"), add=(exact,))
    assert [f.status for f in by_rule(run_batch_rules([a, b2]), "invoice.duplicate")] == ["fail"]


def test_one_per_direction_on_a_low_confidence_credit_code_is_review():
    a = compute_app("app-001")
    b = compute_app("app-007")
    fs = by_rule(run_batch_rules([a, b]), "batch.one_per_direction")
    assert [f.status for f in fs] == ["fail"]
    from verifiers.base import RuleContext

    form_doc = RuleContext.build(b, load_policy()).form  # the 申报表 the declared code is read from
    code = form_doc.fields["credit_code"]
    form_doc.fields["credit_code"] = code.model_copy(update={"confidence": 0.3, "method": "ocr"})
    fs = by_rule(run_batch_rules([a, b]), "batch.one_per_direction")
    assert [f.status for f in fs] == ["review"] and "0.30" in fs[0].message

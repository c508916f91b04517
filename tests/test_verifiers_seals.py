"""Seal rules (verifiers/seals.py): for each rule, applications that break it and one that
satisfies it, built with verifiers.testing factories plus seals as the reading layer reports them."""

from __future__ import annotations

from models import compute_verdict
from models.page import Seal
from verifiers import load_policy, run_rules
from verifiers.policy import Policy
from verifiers.seals import seal_score, tax_id_matches
from verifiers.testing import (
    APPLICANT,
    OTHER_APPLICANT,
    STRANGER,
    SUPPLIER,
    SUPPLIER_CODE,
    compute_app,
    contract,
    invoice,
    licence,
    simple,
    with_docs,
)

PLEDGE = "承诺书.pdf"
CONTRACT = "合同/算力服务合同.pdf"


def seal(
    text: str,
    *,
    page: int = 1,
    conf: float = 0.95,
    colour: float = 0.9,
    tax: str | None = None,
    shape: str = "round",
    grey: bool = False,
) -> Seal:
    return Seal(
        box=(300.0, 320.0, 410.0, 430.0),
        shape=shape,  # type: ignore[arg-type]
        colour="grey" if grey else "red",
        colour_confidence=0.15 if grey else colour,
        text=text,
        text_confidence=conf,
        tax_id=tax,
        page=page,
    )


def pledge(*seals: Seal, checked: bool = True):
    d = simple("integrity_pledge", PLEDGE, "无涉黑（失信）承诺书")
    return d.model_copy(update={"seals": list(seals) if checked else None})


def with_pledge(*seals: Seal, checked: bool = True):
    return with_docs(compute_app(), replace={PLEDGE: pledge(*seals, checked=checked)})


def of(app, rule: str, policy: Policy | None = None):
    return [f for f in run_rules(app, policy) if f.rule == rule]


# ------------------------------------------------------------------ evidence.applicant_seal


def test_applicant_seal_present_passes_with_the_seal_box_as_evidence():
    fs = of(with_pledge(seal("州智算科技有限公司")), "evidence.applicant_seal")  # first char lost by OCR
    assert [f.status for f in fs] == ["pass"]
    ev = fs[0].evidence[0]
    assert ev.bbox == [300.0, 320.0, 410.0, 430.0] and ev.page == 1 and ev.file == PLEDGE


def test_applicant_seal_missing_warns_and_the_status_is_policy():
    fs = of(with_pledge(), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["warn"]
    assert "未发现申报单位" in fs[0].message and APPLICANT in fs[0].message
    base = load_policy()
    lenient = base.model_copy(update={"seals": base.seals.model_copy(update={"missing_status": "review"})})
    assert [f.status for f in of(with_pledge(), "evidence.applicant_seal", lenient)] == ["review"]


def test_applicant_seal_of_another_company_fails_naming_it():
    fs = of(with_pledge(seal(OTHER_APPLICANT)), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["fail"]
    assert OTHER_APPLICANT in fs[0].message and fs[0].evidence[0].bbox is not None
    assert compute_verdict(run_rules(with_pledge(seal(OTHER_APPLICANT)))) == "fail"


def test_applicant_seal_undecidable_is_review():
    unreadable = of(with_pledge(seal("泉木科右", conf=0.4)), "evidence.applicant_seal")
    grey = of(with_pledge(seal("", conf=0.0, grey=True)), "evidence.applicant_seal")
    pale = of(with_pledge(seal(APPLICANT, colour=0.3)), "evidence.applicant_seal")
    assert [f.status for f in unreadable + grey + pale] == ["review"] * 3
    assert "灰色" in grey[0].message and "颜色" in pale[0].message


def test_no_finding_where_no_seal_is_expected_by_nature():
    # a pledge never searched for seals (docx original, OFD/XML): nothing to say
    assert of(with_pledge(checked=False), "evidence.applicant_seal") == []
    app = compute_app()  # form is docx, factory documents carry no seal data
    assert of(app, "evidence.applicant_seal") == []


def test_licence_seal_of_the_registration_authority_is_not_another_company():
    lic = licence().model_copy(update={"seals": [seal("泉州市丰泽区市场监督管理局")]})
    app = with_docs(compute_app(), replace={"营业执照.jpg": lic})
    fs = of(app, "evidence.applicant_seal")
    # no applicant seal on the licence copy: warn (「上述材料复印件均需加盖申报单位公章」), never fail
    assert [f.status for f in fs] == ["warn"] and "未发现" in fs[0].message
    assert "复印件均需加盖申报单位公章" in fs[0].message
    lic2 = licence().model_copy(update={"seals": [seal("泉州市丰泽区市场监督管理局"), seal(STRANGER)]})
    fs2 = of(with_docs(compute_app(), replace={"营业执照.jpg": lic2}), "evidence.applicant_seal")
    assert [f.status for f in fs2] == ["fail"] and STRANGER in fs2[0].message


# ------------------------------------------------------------------ contract.party_seals


def _contract(*seals: Seal):
    return contract().model_copy(update={"seals": list(seals)})


def test_contract_with_both_parties_seals_passes():
    app = with_docs(
        compute_app(), replace={CONTRACT: _contract(seal(APPLICANT, page=4), seal(SUPPLIER, page=4))}
    )
    fs = of(app, "contract.party_seals")
    assert [f.status for f in fs] == ["pass", "pass"]
    assert all(any(e.field == "seal" and e.bbox for e in f.evidence) for f in fs)


def test_contract_missing_the_sellers_seal_warns():
    app = with_docs(compute_app(), replace={CONTRACT: _contract(seal(APPLICANT + "合同专用章", page=4))})
    fs = of(app, "contract.party_seals")
    assert sorted(f.status for f in fs) == ["pass", "warn"]
    assert SUPPLIER in next(f for f in fs if f.status == "warn").message


def test_contract_sealed_by_a_third_company_fails():
    app = with_docs(compute_app(), replace={CONTRACT: _contract(seal(APPLICANT), seal(STRANGER))})
    fs = of(app, "contract.party_seals")
    assert sorted(f.status for f in fs) == ["fail", "pass"]
    assert STRANGER in next(f for f in fs if f.status == "fail").message


def test_contract_as_docx_gets_no_seal_finding():
    assert of(compute_app(), "contract.party_seals") == []  # seals None: never searched


# ------------------------------------------------------------------ invoice.seller_seal


def _paper_invoice(*seals: Seal, **over):
    inv = invoice(
        1, invoice_kind="增值税专用发票", invoice_code="3500231130", invoice_number="01234567", **over
    )
    return inv.model_copy(update={"seals": list(seals), "method": "ocr"})


def _with_invoice(inv):
    return with_docs(compute_app(), replace={"发票/发票1.pdf": inv})


def test_paper_invoice_with_the_sellers_seal_passes():
    s = seal(SUPPLIER, shape="oval", tax=SUPPLIER_CODE)
    bureau = seal("全国统一发票监制章国家税务总局福建省税务局", shape="oval")
    fs = of(_with_invoice(_paper_invoice(bureau, s)), "invoice.seller_seal")
    assert [f.status for f in fs] == ["pass"] and "税号" in fs[0].message
    # the ring unreadable, the tax number across the middle identifies the seller (one slip allowed)
    fs = of(
        _with_invoice(_paper_invoice(seal("", conf=0.1, tax=SUPPLIER_CODE[:-1] + "8"))), "invoice.seller_seal"
    )
    assert [f.status for f in fs] == ["pass"]


def test_paper_invoice_without_seller_seal_warns_and_bureau_seal_does_not_count():
    bureau = seal("全国统一发票监制章国家税务总局福建省税务局", shape="oval")
    fs = of(_with_invoice(_paper_invoice(bureau)), "invoice.seller_seal")
    assert [f.status for f in fs] == ["warn"]


def test_paper_invoice_with_another_companys_seal_fails():
    fs = of(_with_invoice(_paper_invoice(seal(STRANGER, shape="oval"))), "invoice.seller_seal")
    assert [f.status for f in fs] == ["fail"] and STRANGER in fs[0].message


def test_seller_seal_with_another_tax_number_fails_and_a_few_slips_are_review():
    fs = of(_with_invoice(_paper_invoice(seal(SUPPLIER, tax="91350200MA2XXXXXX1"))), "invoice.seller_seal")
    assert [f.status for f in fs] == ["fail"] and "91350200MA2XXXXXX1" in fs[0].message
    # three characters off (no OCR confusion among them): not provably another number
    near = SUPPLIER_CODE[:-3] + "XYZ"
    fs = of(_with_invoice(_paper_invoice(seal(SUPPLIER, tax=near))), "invoice.seller_seal")
    assert [f.status for f in fs] == ["review"]
    # I/1 and O/0 confusions of the condensed number are no difference at all
    fs = of(
        _with_invoice(_paper_invoice(seal(SUPPLIER, tax=SUPPLIER_CODE.replace("1", "I").replace("0", "O")))),
        "invoice.seller_seal",
    )
    assert [f.status for f in fs] == ["pass"]


def test_shudian_invoice_gets_no_seller_seal_finding():
    inv = invoice(1).model_copy(update={"seals": []})  # 电子发票（增值税专用发票）: no seal by nature
    assert of(_with_invoice(inv), "invoice.seller_seal") == []


# ------------------------------------------------------------------ matching helpers


def test_seal_score_and_tax_id_tolerance():
    assert seal_score("深圳市门云航空旅游有限公司", "深圳市白云航空旅游有限公司") >= 82  # one OCR slip
    assert seal_score("北京智算云科技有限公司", "泉州智算科技有限公司") < 82  # another company
    assert seal_score("", APPLICANT) == 0.0
    assert tax_id_matches("91440300192478382", "91440300192478382J") is True
    assert tax_id_matches("91440300192478999", "91440300192478382J") is False
    assert tax_id_matches(None, "91440300192478382J") is None


def test_partly_read_seal_of_a_scan_is_the_expected_company_but_a_rival_is_never_wrong():
    # a scan loses characters at the ends of the ring: still the applicant's seal
    fs = of(with_pledge(seal("智算科技有")), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["pass"] and "部分识别" in fs[0].message
    # the seller's seal misread (上海临港 → 上海低港) is the seller's, not a third company's
    rival = contract(seller_name="上海临港算力网络有限公司", seller_credit_code=None)
    rival = rival.model_copy(update={"seals": [seal(APPLICANT), seal("上海低港美力网络有限公司")]})
    fs = of(with_docs(compute_app(), replace={CONTRACT: rival}), "contract.party_seals")
    assert "fail" not in [f.status for f in fs]


def _licence_needs_no_seal() -> Policy:
    """A policy that, unlike 2024's, does not ask for the applicant's seal on a licence copy."""
    base = load_policy()
    by_type = {"business_license": "pass"}
    return base.model_copy(
        update={"seals": base.seals.model_copy(update={"missing_status_by_doc_type": by_type})}
    )


def test_unreadable_seal_on_a_licence_is_review_or_noted_where_the_policy_needs_none():
    lic = licence().model_copy(update={"seals": [seal("海亞市市場嵐語普隆超", conf=0.6)]})
    app = with_docs(compute_app(), replace={"营业执照.jpg": lic})
    # 2024: the licence copy must be stamped, an unreadable seal may or may not be the applicant's
    assert [f.status for f in of(app, "evidence.applicant_seal")] == ["review"]
    fs = of(app, "evidence.applicant_seal", _licence_needs_no_seal())
    assert [f.status for f in fs] == ["pass"] and "不作要求" in fs[0].message


def test_missing_status_per_doc_type_is_policy_data():
    lic = licence().model_copy(update={"seals": [seal("泉州市丰泽区市场监督管理局")]})
    app = with_docs(compute_app(), replace={"营业执照.jpg": lic})
    assert load_policy().seals.missing_status_by_doc_type == {}  # 2024: every copy is stamped
    assert [f.status for f in of(app, "evidence.applicant_seal")] == ["warn"]
    assert [f.status for f in of(app, "evidence.applicant_seal", _licence_needs_no_seal())] == ["pass"]
    # only the licence is exempted there: a pledge without seal still warns
    assert [f.status for f in of(with_pledge(), "evidence.applicant_seal", _licence_needs_no_seal())] == [
        "warn"
    ]


def test_unreadable_second_seal_of_a_two_party_contract_is_presumed_by_policy():
    blur = seal("單州海柱程船科技离限公司", conf=0.7)
    app = with_docs(compute_app(), replace={CONTRACT: _contract(blur, seal(SUPPLIER))})
    fs = of(app, "contract.party_seals")
    assert sorted(f.status for f in fs) == ["pass", "pass"]
    assert any("推定" in f.message for f in fs)
    base = load_policy()
    strict = base.model_copy(update={"seals": base.seals.model_copy(update={"presume_party_seal": False})})
    assert sorted(f.status for f in of(app, "contract.party_seals", strict)) == ["pass", "review"]
    # a third seal: no presumption
    app3 = with_docs(compute_app(), replace={CONTRACT: _contract(blur, seal(SUPPLIER), seal("", conf=0.1))})
    assert "review" in [f.status for f in of(app3, "contract.party_seals")]


# ------------------------------------------------------------------ readings of scans (issue 15)


def test_a_surely_read_name_differing_by_a_word_is_another_company():
    # 泉州智算科技 → 泉州智慧网络: read surely and completely, two words differ: another company
    fs = of(with_pledge(seal("泉州智算网络有限公司", conf=0.97)), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["fail"] and "泉州智算网络有限公司" in fs[0].message
    # the same reading from a poor scan (unsure OCR): undecidable, never a fail
    fs = of(with_pledge(seal("泉州智算网络有限公司", conf=0.8)), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["review"]


def test_a_partial_reading_with_single_slips_names_the_company():
    # 智算 → 督算 and 科 → 料: single characters misread here and there, conf of a scan
    fs = of(with_pledge(seal("泉州督算料技有限公司", conf=0.83)), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["pass"] and "部分识别" in fs[0].message
    # too little of the name left: undecidable
    fs = of(with_pledge(seal("泉督有限公司", conf=0.83)), "evidence.applicant_seal")
    assert [f.status for f in fs] == ["review"]


def test_the_invoice_forms_header_seal_is_never_the_sellers():
    # the 全国统一发票监制章 printed above the parties, read as noise: the seller's seal is missing
    header = seal("公电制章", conf=0.6, shape="oval").model_copy(update={"box": (250.0, 20.0, 350.0, 90.0)})
    fs = of(_with_invoice(_paper_invoice(header)), "invoice.seller_seal")
    assert [f.status for f in fs] == ["warn"]
    # the same unreadable seal by the seller's block is undecidable
    fs = of(_with_invoice(_paper_invoice(seal("公电制章", conf=0.6, shape="oval"))), "invoice.seller_seal")
    assert [f.status for f in fs] == ["review"]


def test_grey_unreadable_seal_on_a_licence_is_review_even_where_a_missing_seal_is_not():
    lic = licence().model_copy(update={"seals": [seal("泉州智能1年有", conf=0.8, grey=True)]})
    app = with_docs(compute_app(), replace={"营业执照.jpg": lic})
    for policy in (None, _licence_needs_no_seal()):
        fs = of(app, "evidence.applicant_seal", policy)
        assert [f.status for f in fs] == ["review"] and "灰色" in fs[0].message

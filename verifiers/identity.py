"""Identity rules: credit codes valid and consistent, applicant name and legal representative agree."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.normalize.names import normalize_name
from models.contract import Document, EvidenceRef, FieldValue, Finding
from verifiers.base import (
    PARTY_KEYS,
    RuleContext,
    applicant_side,
    as_code,
    as_text,
    doc_label,
    ref,
    rule,
    uscc_valid,
)

# doc_type -> credit-code / tax-id field keys
CODE_KEYS: dict[str, tuple[str, ...]] = {
    "application_form": ("credit_code",),
    "business_license": ("credit_code",),
    "invoice": ("buyer_tax_id", "seller_tax_id"),
    "contract": ("buyer_credit_code", "seller_credit_code"),
}
# keys that must hold an 18-character unified social credit code (tax ids may be old 15/20-char ones)
_STRICT = {"credit_code"}


@dataclass
class _Occ:
    doc: Document | None
    key: str
    fv: FieldValue | None
    ref: EvidenceRef


def _code_occurrences(ctx: RuleContext) -> dict[str, list[_Occ]]:
    occ: dict[str, list[_Occ]] = {}
    for doc in ctx.app.documents:
        for key in CODE_KEYS.get(doc.doc_type, ()):
            fv = doc.fields.get(key)
            code = as_code(fv)
            if code:
                occ.setdefault(code, []).append(_Occ(doc, key, fv, ref(doc, key)))
    declared = as_code(ctx.app.declared.get("credit_code"))
    if declared and ctx.form is None:
        occ.setdefault(declared, []).append(_Occ(None, "credit_code", None, ctx.declared_ref("credit_code")))
    return occ


def _where(occs: list[_Occ]) -> str:
    names = []
    for o in occs:
        label = "申报表" if o.doc is None else doc_label(o.doc)
        if label not in names:
            names.append(label)
    return "、".join(names)


@rule(
    "identity.credit_code_valid",
    name="统一社会信用代码校验位正确",
    summary="各处统一社会信用代码的校验位符合 GB 32100-2015",
)
def credit_code_valid(ctx: RuleContext) -> list[Finding]:
    """「具有独立法人资格」: every unified social credit code passes its GB 32100-2015 check digit.

    An invalid code is ``fail``; when the business licence itself prints that same code the
    finding is ``warn`` (the reviewer compares with the original). Old 15/20-character tax ids
    on invoices are not unified codes and are not checked.
    """
    out: list[Finding] = []
    for code, occs in _code_occurrences(ctx).items():
        where = _where(occs)
        refs = [o.ref for o in occs]
        values = [o.fv for o in occs]
        if len(code) != 18:
            if any(o.key in _STRICT for o in occs):
                out.append(
                    ctx.finding(
                        "identity.credit_code_valid",
                        "fail",
                        f"统一社会信用代码 {code} 长度为 {len(code)} 位，应为 18 位（见{where}）",
                        refs,
                        values=values,
                    )
                )
            continue
        if uscc_valid(code):
            out.append(
                ctx.finding(
                    "identity.credit_code_valid",
                    "pass",
                    f"统一社会信用代码 {code} 校验位正确（见{where}）",
                    refs,
                )
            )
            continue
        on_licence = any(o.doc is not None and o.doc.doc_type == "business_license" for o in occs)
        if on_licence:
            out.append(
                ctx.finding(
                    "identity.credit_code_valid",
                    "warn",
                    f"统一社会信用代码 {code} 未通过 GB 32100-2015 校验位检查，但营业执照上印有同一代码，请核对原件（见{where}）",
                    refs,
                )
            )
        else:
            out.append(
                ctx.finding(
                    "identity.credit_code_valid",
                    "fail",
                    f"统一社会信用代码 {code} 未通过 GB 32100-2015 校验位检查（见{where}）",
                    refs,
                    values=values,
                )
            )
    return out


def _party_fields(ctx: RuleContext, doc: Document) -> tuple[str, str | None, str]:
    """(name key, code key, Chinese party label) of the applicant's side of a document."""
    side, _how = applicant_side(ctx, doc)
    nk, ck = PARTY_KEYS[doc.doc_type][side]
    labels = {
        ("invoice", "buyer"): "购买方",
        ("invoice", "seller"): "销售方",
        ("contract", "buyer"): "甲方（买方）",
        ("contract", "seller"): "乙方（卖方）",
        ("payment_voucher", "buyer"): "付款人",
        ("payment_voucher", "seller"): "收款人",
    }
    return nk, ck, labels[(doc.doc_type, side)]


@rule(
    "identity.credit_code_match",
    name="统一社会信用代码前后一致",
    summary="申报表、营业执照、发票、合同上申报单位的统一社会信用代码一致",
)
def credit_code_match(ctx: RuleContext) -> list[Finding]:
    """「具有独立法人资格」: the applicant's credit code agrees across the form, the licence,
    the invoices (buyer tax id) and the contracts (buyer code); for directions where the
    applicant sells (销售合同以及付款凭证) its seller-side code is compared.
    """
    a = ctx.applicant
    if not a.credit_code or a.code_ref is None:
        return []
    rid = "identity.credit_code_match"
    out: list[Finding] = []
    agreed: list[EvidenceRef] = []
    agreed_where: list[str] = []
    targets: list[tuple[Document, str, str]] = []
    lic = ctx.licence
    if lic is not None and a.code_ref.file != lic.file and "credit_code" in lic.fields:
        targets.append((lic, "credit_code", "营业执照"))
    form = ctx.form
    if form is not None and a.code_ref.file != form.file and "credit_code" in form.fields:
        # the applicant was identified by the licence (the form's code is mistyped)
        targets.append((form, "credit_code", "申报表"))
    for doc in ctx.docs("invoice") + ctx.docs("contract"):
        _nk, ck, label = _party_fields(ctx, doc)
        if ck and ck in doc.fields:
            targets.append((doc, ck, label))
    for doc, key, label in targets:
        fv = doc.fields[key]
        code = as_code(fv)
        if not code:
            continue
        if code == a.credit_code:
            agreed.append(ref(doc, key))
            agreed_where.append(doc_label(doc))
        else:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{doc_label(doc)} {label}代码 {code} 与申报单位统一社会信用代码 {a.credit_code} 不一致",
                    [ref(doc, key), a.code_ref],
                    values=[fv, a.code_fv],
                )
            )
    if agreed:
        out.append(
            ctx.finding(
                rid,
                "pass",
                f"统一社会信用代码 {a.credit_code} 一致：" + "、".join(dict.fromkeys(agreed_where)),
                [a.code_ref, *agreed],
            )
        )
    return out


@rule(
    "identity.name_match",
    name="单位名称前后一致",
    summary="申报单位名称在申报表、营业执照、发票、合同、回单、审计报告中一致",
)
def name_match(ctx: RuleContext) -> list[Finding]:
    """「具有独立法人资格」: the applicant's name agrees across the form, licence, invoices,
    contracts, payment receipts and audit report. Names are compared after normalisation
    (full/half-width brackets, 有限责任公司 = 有限公司); a near-but-not-equal name or a branch
    (分公司) is ``warn``, never ``pass``; the similarity score is in the message.
    """
    a = ctx.applicant
    if not a.name or a.name_ref is None:
        return []
    rid = "identity.name_match"
    targets: list[tuple[Document, str, str]] = []
    lic = ctx.licence
    if lic is not None and a.name_ref.file != lic.file and "company_name" in lic.fields:
        targets.append((lic, "company_name", "企业名称"))
    for doc in ctx.docs("audit_report"):
        if "audited_entity" in doc.fields:
            targets.append((doc, "audited_entity", "被审计单位"))
    for doc in ctx.docs("invoice") + ctx.docs("contract") + ctx.docs("payment_voucher"):
        nk, _ck, label = _party_fields(ctx, doc)
        if nk in doc.fields:
            targets.append((doc, nk, label))
    out: list[Finding] = []
    agreed: list[EvidenceRef] = []
    agreed_where: list[str] = []
    for doc, key, label in targets:
        fv = doc.fields[key]
        name = as_text(fv)
        if not name:
            continue
        m = ctx.name_match(name)
        if m.kind == "same":
            agreed.append(ref(doc, key))
            agreed_where.append(doc_label(doc))
            continue
        if m.kind == "near":
            msg = (
                f"{doc_label(doc)} {label}「{name}」与申报单位「{a.name}」{m.note or '名称近似'}"
                f"（相似度 {m.score:.0f}），请核对是否为同一法人"
            )
            out.append(ctx.finding(rid, "warn", msg, [ref(doc, key), a.name_ref], details={"score": m.score}))
        else:
            msg = f"{doc_label(doc)} {label}「{name}」与申报单位「{a.name}」不一致（相似度 {m.score:.0f}）"
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    msg,
                    [ref(doc, key), a.name_ref],
                    values=[fv, a.name_fv],
                    details={"score": m.score},
                )
            )
    if agreed:
        out.append(
            ctx.finding(
                rid,
                "pass",
                f"申报单位名称「{a.name}」一致：" + "、".join(dict.fromkeys(agreed_where)),
                [a.name_ref, *agreed],
            )
        )
    return out


@rule("identity.legal_rep_match", name="法定代表人前后一致", summary="申报表与营业执照的法定代表人一致")
def legal_rep_match(ctx: RuleContext) -> list[Finding]:
    """附件1「法定代表人」: the legal representative on the form is the one on the business licence."""
    lic = ctx.licence
    declared = as_text(ctx.declared("legal_representative"))
    if lic is None or not declared or "legal_representative" not in lic.fields:
        return []
    fv = lic.fields["legal_representative"]
    on_lic = as_text(fv)
    if not on_lic:
        return []
    refs = [ctx.declared_ref("legal_representative"), ref(lic, "legal_representative")]
    rid = "identity.legal_rep_match"
    if normalize_name(declared) == normalize_name(on_lic):
        return [ctx.finding(rid, "pass", f"法定代表人「{declared}」与营业执照一致", refs)]
    score = fuzz.ratio(normalize_name(declared), normalize_name(on_lic))
    return [
        ctx.finding(
            rid,
            "fail",
            f"申报表法定代表人「{declared}」与营业执照法定代表人「{on_lic}」不一致（相似度 {score:.0f}）",
            refs,
            values=[fv, ctx.declared_fv("legal_representative")],
        )
    ]

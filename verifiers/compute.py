"""Compute-subsidy rules: GPU configuration stated, 2023 purchases counted honestly, declared total.

Counting (:func:`verifiers.accounting.account_purchases`): an invoice, its contract and its bank receipt are one
purchase, not three. Invoices are preferred; a contract with no invoice of that supplier, or a
receipt to a payee with no invoice or contract, is counted too but marked ``warn``. Excluded,
each with its reason: red-letter invoices and the originals they cancel, invoices outside the
period, invoices whose buyer is not the applicant (or on which the applicant is the seller),
items that are not compute/cloud services (by item name and the contract's content), and extra
copies of the same invoice (PDF + OFD + XML count once).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from models.contract import Document, Finding
from verifiers.accounting import Accounting, contract_text, items_text, purchases, same_party
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_date,
    as_decimal,
    as_text,
    doc_label,
    fmt_money,
    ref,
    rule,
)
from verifiers.params import ThresholdParams


def _summary(acc: Accounting) -> str:
    parts = []
    for basis, word, unit in (
        ("invoice", "发票", "张"),
        ("contract", "仅有合同", "份"),
        ("receipt", "仅有付款凭证", "笔"),
    ):
        n = acc.count_by_basis(basis)
        if n:
            parts.append(f"{word} {n} {unit}")
    return "、".join(parts) or "无"


@rule(
    "compute.total_threshold",
    name="算力采购年度总额达到门槛",
    summary="期内算力采购（每笔真实采购只计一次）合计达到门槛",
    params=ThresholdParams,
)
def total_threshold(ctx: RuleContext) -> list[Finding]:
    """「向算力服务企业直接购买算力服务年度总额30万元（含）以上，起止时间为2023年1月1日至12月31日」:
    the year's compute purchases, counted once per real purchase, reach the policy threshold.

    ``pass`` when invoice-backed purchases reach it; ``warn`` when reaching it needs a purchase
    backed only by a contract or receipts (or a value to verify); ``fail`` below it, ``review``
    instead of ``fail`` when a purchase document could not be read completely.
    """
    rid = "compute.total_threshold"
    acc = purchases(ctx)
    purchase_docs = ctx.docs("invoice") + ctx.docs("contract") + ctx.docs("payment_voucher")
    if not purchase_docs:
        return [
            ctx.finding(
                rid,
                "fail",
                f"未提供{ctx.policy.period.label}算力采购的发票、合同或付款凭证，无法达到 "
                f"{fmt_money(ctx.param('threshold', ctx.policy.compute.threshold))} 元门槛",
                [],
                details={
                    "total": Decimal(0),
                    "threshold": ctx.param("threshold", ctx.policy.compute.threshold),
                    "counted": [],
                    "excluded": [],
                },
            )
        ]
    thr = ctx.param("threshold", ctx.policy.compute.threshold)
    total = acc.total
    details = {
        "total": total,
        "threshold": thr,
        "counted": [c.as_dict() for c in acc.counted],
        "excluded": acc.excluded,
    }
    refs = [r for c in acc.counted for r in c.refs]
    head = f"{ctx.policy.period.label}算力采购计入合计 {fmt_money(total)} 元（{_summary(acc)}）"
    if total >= thr:
        warned = [c for c in acc.counted if c.warn]
        if warned:
            msg = f"{head}，达到 {fmt_money(thr)} 元门槛；其中需核对：" + "；".join(
                f"{c.what}（{c.note}）" for c in warned
            )
            return [ctx.finding(rid, "warn", msg, refs, details=details)]
        return [ctx.finding(rid, "pass", f"{head}，达到 {fmt_money(thr)} 元门槛", refs, details=details)]
    msg = f"{head}，未达到 {fmt_money(thr)} 元门槛"
    if acc.excluded:
        msg += f"；未计入 {len(acc.excluded)} 项（见明细）"
    if acc.uncertain_docs:
        files = "、".join(sorted({d.file for d in acc.uncertain_docs}))
        return [
            ctx.finding(
                rid,
                "review",
                msg + f"；部分采购材料未能完整读取（{files}），需人工复核",
                refs,
                details=details,
            )
        ]
    return [ctx.finding(rid, "fail", msg, refs, details=details)]


@rule(
    "compute.declared_total_match",
    name="申报算力采购总额与佐证一致",
    summary="申报表填报的算力采购总额与佐证材料核实的合计一致",
)
def declared_total_match(ctx: RuleContext) -> list[Finding]:
    """「填报信息应真实可靠」: the compute purchase total declared on the form agrees with the
    evidenced total (policy tolerance: absolute or relative, whichever is larger). Declared above
    the evidence → ``fail`` (``review`` when some purchase document was unreadable); declared below
    it → ``warn``. Declared suppliers (compute_suppliers) without any evidence are ``warn``.
    """
    rid = "compute.declared_total_match"
    declared_raw = ctx.declared("compute_purchase_total")
    declared = as_decimal(declared_raw)
    if declared is None:
        if ctx.form is None:
            return []
        return [
            ctx.finding(
                rid,
                "review",
                "申报表未识别“算力采购总额”，无法与佐证材料核对",
                [ctx.declared_ref("compute_purchase_total")],
            )
        ]
    acc = purchases(ctx)
    total = acc.total
    c = ctx.policy.compute
    tol = max(c.declared_tolerance_absolute, c.declared_tolerance_relative * abs(declared))
    diff = declared - total
    refs = [ctx.declared_ref("compute_purchase_total"), *(r for x in acc.counted for r in x.refs)]
    details: dict[str, Any] = {"declared": declared, "evidenced": total, "difference": diff, "tolerance": tol}
    # declared suppliers without evidence
    suppliers = ctx.declared("compute_suppliers") or []
    unmatched = []
    if isinstance(suppliers, list):
        for s in suppliers:
            name = as_text(s.get("name")) if isinstance(s, dict) else as_text(s)
            if name and not any(same_party(ctx, name, x.seller) for x in acc.counted):
                unmatched.append(name)
    if unmatched:
        details["suppliers_without_evidence"] = unmatched
    base = f"申报算力采购总额 {fmt_money(declared)} 元，佐证材料计入 {fmt_money(total)} 元"
    if abs(diff) <= tol:
        if unmatched:
            return [
                ctx.finding(
                    rid,
                    "warn",
                    f"{base}，金额相符；但申报的供应商「{'、'.join(unmatched)}」未见对应佐证",
                    refs,
                    details=details,
                )
            ]
        return [ctx.finding(rid, "pass", f"{base}，相符", refs, details=details)]
    if diff > 0:
        msg = f"{base}，申报额高出 {fmt_money(diff)} 元"
        if acc.uncertain_docs:
            return [
                ctx.finding(
                    rid, "review", msg + "；部分采购材料未能完整读取，需人工复核", refs, details=details
                )
            ]
        return [
            ctx.finding(
                rid, "fail", msg, refs, values=[ctx.declared_fv("compute_purchase_total")], details=details
            )
        ]
    return [
        ctx.finding(
            rid, "warn", f"{base}，申报额低于佐证 {fmt_money(-diff)} 元，请核对", refs, details=details
        )
    ]


_NUM = r"\d+(?:\.\d+)?\s*"


@rule(
    "compute.gpu_config_present",
    name="算力合同载明产品类型、用量和显卡机型",
    summary="算力合同或发票载明产品类型、用量和显卡机型",
)
def gpu_config_present(ctx: RuleContext) -> list[Finding]:
    """「与算力服务公司签订的合同以及付款凭证，包含产品类型、用量、显卡机型配置」: each compute
    purchase contract (with the invoices of the same supplier) states the product type, the usage
    (quantity or service period) and the GPU model; what is absent is reported as ``missing``.
    """
    rid = "compute.gpu_config_present"
    pol = ctx.policy.compute
    contracts = [
        c
        for c in ctx.docs("contract")
        if not (applicant_side(ctx, c)[0] == "seller" and applicant_side(ctx, c)[1] != "no")
    ]
    invoices = [i for i in ctx.docs("invoice") if applicant_side(ctx, i)[0] == "buyer"]
    subjects: list[tuple[str, list[Document]]] = []
    for c in contracts:
        seller = as_text(c.fields.get("seller_name"))
        linked = [i for i in invoices if same_party(ctx, as_text(i.fields.get("seller_name")), seller)]
        subjects.append((doc_label(c), [c, *linked]))
    if not contracts and invoices:
        subjects.append((f"{len(invoices)} 张采购发票", invoices))
    units = "|".join(re.escape(u) for u in sorted(pol.usage_units, key=len, reverse=True))
    usage_re = re.compile(rf"{_NUM}(?:{units})") if units else None
    out: list[Finding] = []
    for label, docs in subjects:
        texts = []
        for d in docs:
            texts += [contract_text(d), items_text(d)]
        blob = "；".join(t for t in texts if t)
        up = blob.upper()
        product = ctx.keyword_hits(blob)
        model = next((as_text(d.fields.get("gpu_model")) for d in docs if d.fields.get("gpu_model")), "")
        if not model:
            model = next((m for m in pol.gpu_models if m.upper() in up), "")
        count = next((as_text(d.fields.get("gpu_count")) for d in docs if d.fields.get("gpu_count")), "")
        usage = f"{count} 卡" if count else ""
        if not usage and usage_re is not None:
            m = usage_re.search(blob)
            usage = m.group(0) if m else ""
        if not usage:
            c0 = docs[0]
            s, e = as_date(c0.fields.get("service_start")), as_date(c0.fields.get("service_end"))
            if s and e:
                usage = f"服务期 {s.isoformat()} 至 {e.isoformat()}"
        refs = [
            ref(d, k)
            for d in docs
            for k in ("gpu_model", "gpu_count", "service_content", "item_names")
            if k in d.fields
        ]
        refs = refs or [ref(docs[0], "title")]
        absent = [w for w, v in (("产品类型", product), ("用量", usage), ("显卡机型配置", model)) if not v]
        found = f"产品类型「{'、'.join(product) or '—'}」、用量「{usage or '—'}」、显卡机型「{model or '—'}」"
        if absent:
            out.append(
                ctx.finding(
                    rid,
                    "missing",
                    f"{label}：未载明{'、'.join(absent)}（已识别：{found}）",
                    refs,
                    details={"absent": absent},
                )
            )
        else:
            out.append(ctx.finding(rid, "pass", f"{label}：载明{found}", refs))
    return out

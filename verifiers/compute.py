"""Compute-subsidy rules: GPU configuration stated, 2023 purchases counted honestly, declared total.

Counting (:func:`account_purchases`): an invoice, its contract and its bank receipt are one
purchase, not three. Invoices are preferred; a contract with no invoice of that supplier, or a
receipt to a payee with no invoice or contract, is counted too but marked ``warn``. Excluded,
each with its reason: red-letter invoices and the originals they cancel, invoices outside the
period, invoices whose buyer is not the applicant (or on which the applicant is the seller),
items that are not compute/cloud services (by item name and the contract's content), and extra
copies of the same invoice (PDF + OFD + XML count once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.contract import Document, EvidenceRef, Finding
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_date,
    as_decimal,
    as_text,
    compare_names,
    doc_label,
    fmt_money,
    ref,
    rule,
)
from verifiers.invoice import invoice_key, invoice_number, is_red_letter, source_rank
from verifiers.params import ThresholdParams


@dataclass
class Counted:
    what: str
    seller: str
    amount: Decimal
    basis: str  # invoice | contract | receipt
    refs: list[EvidenceRef]
    note: str = ""
    warn: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "seller": self.seller,
            "amount": self.amount,
            "basis": self.basis,
            "files": sorted({r.file for r in self.refs if r.file}),
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class Accounting:
    counted: list[Counted] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    uncertain_docs: list[Document] = field(default_factory=list)  # purchase docs with read errors

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.counted), Decimal(0))

    def count_by_basis(self, basis: str) -> int:
        return sum(1 for c in self.counted if c.basis == basis)


def _items_text(doc: Document) -> str:
    parts = [as_text(doc.fields.get("item_names"))]
    parts += [as_text(i.get("name")) for i in doc.line_items]
    return "；".join(p for p in parts if p)


def _contract_text(doc: Document) -> str:
    return "；".join(
        as_text(doc.fields.get(k)) for k in ("title", "service_content", "gpu_model") if doc.fields.get(k)
    )


def _same_party(ctx: RuleContext, a: str, b: str) -> bool:
    return bool(a and b) and compare_names(a, b, ctx.policy.names.near).kind != "different"


def _in_period_or_unknown(ctx: RuleContext, day: Any) -> bool:
    d = as_date(day)
    return d is None or ctx.policy.period.contains(d)


def _contract_overlaps(ctx: RuleContext, doc: Document) -> bool:
    p = ctx.policy.period
    s, e = as_date(doc.fields.get("service_start")), as_date(doc.fields.get("service_end"))
    signed = as_date(doc.fields.get("sign_date"))
    if s or e:
        lo, hi = s or e, e or s
        return bool(lo and hi and lo <= p.end and hi >= p.start)
    return signed is None or p.contains(signed)


def account_purchases(ctx: RuleContext) -> Accounting:
    """Count the applicant's compute purchases in the period once per real purchase."""
    acc = Accounting()

    # 1. invoices: one per code+number, red letters and what they cancel removed
    groups: dict[str, list[Document]] = {}
    for d in ctx.docs("invoice"):
        groups.setdefault(invoice_key(d) or f"{d.file}#{d.pages}", []).append(d)
    cancelled: set[str] = set()
    for docs in groups.values():
        for d in docs:
            if is_red_letter(d):
                orig = "".join(ch for ch in as_text(d.fields.get("original_invoice_number")) if ch.isalnum())
                if orig:
                    cancelled.add(orig)
    contracts = [
        c
        for c in ctx.docs("contract")
        if not (applicant_side(ctx, c)[0] == "seller" and applicant_side(ctx, c)[1] != "no")
    ]
    compute_contracts = [c for c in contracts if ctx.keyword_hits(_contract_text(c))]

    invoiced_sellers: list[str] = []  # every seller with an invoice (counted or not)
    for key, docs in groups.items():
        d = max(docs, key=source_rank)  # the most exact copy
        label = doc_label(d)
        copies = (
            f"（同一发票 {len(docs)} 份：{'、'.join(x.file for x in docs)}，计一次）" if len(docs) > 1 else ""
        )
        seller = as_text(d.fields.get("seller_name"))
        if seller:
            invoiced_sellers.append(seller)
        if any(x.errors for x in docs):
            acc.uncertain_docs.extend(docs)
        if copies:
            acc.excluded.extend(
                {"what": f"{doc_label(x)}（{x.file}）", "reason": "同一发票的其他格式副本，只计一次"}
                for x in docs
                if x is not d
            )
        if is_red_letter(d):
            acc.excluded.append({"what": label, "reason": "红字（负数）发票，连同其冲销的原发票不计入"})
            continue
        if invoice_number(d) and any(invoice_number(d) == c or key == c for c in cancelled):
            acc.excluded.append({"what": label, "reason": "已被红字发票冲销"})
            continue
        side, how = applicant_side(ctx, d)
        if side == "seller" and how != "no":
            acc.excluded.append({"what": label, "reason": "申报单位为销售方（对外服务发票），不属算力采购"})
            continue
        buyer = ctx.is_applicant(d.fields.get("buyer_name"), d.fields.get("buyer_tax_id"))
        if buyer == "no":
            acc.excluded.append(
                {"what": label, "reason": f"购买方「{as_text(d.fields.get('buyer_name'))}」不是申报单位"}
            )
            continue
        day = as_date(d.fields.get("issue_date"))
        if day is not None and not ctx.policy.period.contains(day):
            acc.excluded.append(
                {"what": label, "reason": f"开票日期 {day.isoformat()} 不在{ctx.policy.period.span_word}内"}
            )
            continue
        amount = as_decimal(d.fields.get("total_incl_tax"))
        if amount is None:
            acc.excluded.append({"what": label, "reason": "未识别价税合计，无法计入"})
            acc.uncertain_docs.append(d)
            continue
        items = _items_text(d)
        hits = ctx.keyword_hits(items)
        note = ""
        if not hits:
            linked = [
                c for c in compute_contracts if _same_party(ctx, as_text(c.fields.get("seller_name")), seller)
            ]
            if linked:
                note = f"品名「{items or '—'}」据{doc_label(linked[0])}内容认定为算力服务"
            else:
                acc.excluded.append({"what": label, "reason": f"品名「{items or '未识别'}」不是算力/云服务"})
                continue
        warn = False
        if buyer == "near" or buyer == "unknown":
            warn = True
            note = "；".join(
                x for x in (note, "购买方名称需核对" if buyer == "near" else "未识别购买方，需核对") if x
            )
        if day is None:
            warn = True
            note = "；".join(x for x in (note, "未识别开票日期，需核对") if x)
        refs = [
            ref(d, k)
            for k in ("invoice_number", "seller_name", "total_incl_tax", "issue_date")
            if k in d.fields
        ]
        acc.counted.append(Counted(label, seller, amount, "invoice", refs, note + copies, warn))

    # 2. contracts with no invoice of that supplier: a contract-only purchase (warn)
    vouchers = [
        v
        for v in ctx.docs("payment_voucher")
        if applicant_side(ctx, v) == ("buyer", "yes") or applicant_side(ctx, v) == ("buyer", "near")
    ]
    for c in contracts:
        label = doc_label(c)
        seller = as_text(c.fields.get("seller_name"))
        if any(_same_party(ctx, seller, s) for s in invoiced_sellers):
            acc.excluded.append(
                {"what": label, "reason": f"与「{seller}」的发票为同一采购，按发票计入，合同不重复计入"}
            )
            continue
        if c not in compute_contracts:
            acc.excluded.append(
                {"what": label, "reason": f"合同内容「{_contract_text(c) or '未识别'}」不是算力/云服务"}
            )
            continue
        if ctx.is_applicant(c.fields.get("buyer_name"), c.fields.get("buyer_credit_code")) == "no":
            acc.excluded.append(
                {"what": label, "reason": f"甲方「{as_text(c.fields.get('buyer_name'))}」不是申报单位"}
            )
            continue
        if not _contract_overlaps(ctx, c):
            acc.excluded.append({"what": label, "reason": f"合同期限不在{ctx.policy.period.span_word}内"})
            continue
        paid = [
            v
            for v in vouchers
            if _same_party(ctx, as_text(v.fields.get("payee_name")), seller)
            and _in_period_or_unknown(ctx, v.fields.get("pay_date"))
            and as_decimal(v.fields.get("amount")) is not None
        ]
        if paid:
            amount = sum((as_decimal(v.fields.get("amount")) or Decimal(0) for v in paid), Decimal(0))
            note = f"无发票，按 {len(paid)} 笔付款凭证合计计入"
            refs = [ref(c, "amount_total")] + [ref(v, "amount") for v in paid]
        else:
            amount = as_decimal(c.fields.get("amount_total"))
            if amount is None:
                acc.excluded.append({"what": label, "reason": "无发票且未识别合同金额"})
                continue
            note = "无发票及付款凭证，按合同金额计入"
            refs = [ref(c, "amount_total")]
        if c.errors:
            acc.uncertain_docs.append(c)
        acc.counted.append(Counted(label, seller, amount, "contract", refs, note, warn=True))

    # 3. receipts to a payee with neither invoice nor contract: a receipt-only purchase (warn)
    contract_sellers = [as_text(c.fields.get("seller_name")) for c in contracts]
    tol = ctx.policy.tolerance.payment_amount
    for v in vouchers:
        label = doc_label(v)
        payee = as_text(v.fields.get("payee_name"))
        if any(_same_party(ctx, payee, s) for s in invoiced_sellers + contract_sellers):
            acc.excluded.append(
                {"what": label, "reason": f"付给「{payee}」，与其发票/合同为同一采购，不重复计入"}
            )
            continue
        paid = as_decimal(v.fields.get("amount"))
        twin = next(
            (
                c
                for c in acc.counted
                if c.basis != "receipt" and paid is not None and abs(c.amount - paid) <= tol
            ),
            None,
        )
        if twin is not None:
            # the same purchase whoever the receipt's payee reads as: counted once; the
            # payee itself is checked by payment.matches_invoice
            acc.excluded.append(
                {
                    "what": label,
                    "reason": f"金额与{twin.what}（{twin.seller}）相同，视为同一采购，不重复计入；"
                    f"回单收款人读作「{payee or '未识别'}」，需核对",
                }
            )
            continue
        if not _in_period_or_unknown(ctx, v.fields.get("pay_date")):
            acc.excluded.append(
                {
                    "what": label,
                    "reason": f"付款日期 {as_text(v.fields.get('pay_date'))} 不在{ctx.policy.period.span_word}内",
                }
            )
            continue
        if not ctx.keyword_hits(v.fields.get("purpose"), payee):
            acc.excluded.append(
                {
                    "what": label,
                    "reason": f"付给「{payee or '未识别'}」，用途「{as_text(v.fields.get('purpose')) or '未识别'}」无法认定为算力服务",
                }
            )
            continue
        amount = as_decimal(v.fields.get("amount"))
        if amount is None:
            acc.excluded.append({"what": label, "reason": "未识别付款金额"})
            continue
        if v.errors:
            acc.uncertain_docs.append(v)
        refs = [ref(v, k) for k in ("payee_name", "amount", "purpose") if k in v.fields]
        acc.counted.append(
            Counted(label, payee, amount, "receipt", refs, "仅有付款凭证，无发票及合同", warn=True)
        )
    return acc


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
    acc = ctx.purchases
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
    acc = ctx.purchases
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
            if name and not any(_same_party(ctx, name, x.seller) for x in acc.counted):
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
        linked = [i for i in invoices if _same_party(ctx, as_text(i.fields.get("seller_name")), seller)]
        subjects.append((doc_label(c), [c, *linked]))
    if not contracts and invoices:
        subjects.append((f"{len(invoices)} 张采购发票", invoices))
    units = "|".join(re.escape(u) for u in sorted(pol.usage_units, key=len, reverse=True))
    usage_re = re.compile(rf"{_NUM}(?:{units})") if units else None
    out: list[Finding] = []
    for label, docs in subjects:
        texts = []
        for d in docs:
            texts += [_contract_text(d), _items_text(d)]
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

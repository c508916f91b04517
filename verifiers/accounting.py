"""Compute purchase accounting, shared by the compute rules (and any rule that needs it).

Counting (:func:`account_purchases`): an invoice, its contract and its bank receipt are one
purchase, not three. Invoices are preferred; a contract with no invoice of that supplier, or a
receipt to a payee with no invoice or contract, is counted too but marked ``warn``. Excluded,
each with its reason: red-letter invoices and the originals they cancel, invoices outside the
period, invoices whose buyer is not the applicant (or on which the applicant is the seller),
items that are not compute/cloud services (by item name and the contract's content), and extra
copies of the same invoice (PDF + OFD + XML count once). :func:`purchases` computes it once
per rule context (the rule framework, ``verifiers.base``, knows nothing of it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.contract import Document, EvidenceRef
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_date,
    as_decimal,
    as_text,
    compare_names,
    doc_label,
    ref,
)
from verifiers.invoice import invoice_key, invoice_number, is_red_letter, source_rank


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


def items_text(doc: Document) -> str:
    parts = [as_text(doc.fields.get("item_names"))]
    parts += [as_text(i.get("name")) for i in doc.line_items]
    return "；".join(p for p in parts if p)


def contract_text(doc: Document) -> str:
    return "；".join(
        as_text(doc.fields.get(k)) for k in ("title", "service_content", "gpu_model") if doc.fields.get(k)
    )


def same_party(ctx: RuleContext, a: str, b: str) -> bool:
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
    compute_contracts = [c for c in contracts if ctx.keyword_hits(contract_text(c))]

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
        items = items_text(d)
        hits = ctx.keyword_hits(items)
        note = ""
        if not hits:
            linked = [
                c for c in compute_contracts if same_party(ctx, as_text(c.fields.get("seller_name")), seller)
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
        if any(same_party(ctx, seller, s) for s in invoiced_sellers):
            acc.excluded.append(
                {"what": label, "reason": f"与「{seller}」的发票为同一采购，按发票计入，合同不重复计入"}
            )
            continue
        if c not in compute_contracts:
            acc.excluded.append(
                {"what": label, "reason": f"合同内容「{contract_text(c) or '未识别'}」不是算力/云服务"}
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
            if same_party(ctx, as_text(v.fields.get("payee_name")), seller)
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
        if any(same_party(ctx, payee, s) for s in invoiced_sellers + contract_sellers):
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


def purchases(ctx: RuleContext) -> Accounting:
    """The application's compute purchase accounting, computed once per rule context."""
    acc = ctx.memo.get("purchases")
    if acc is None:
        acc = ctx.memo["purchases"] = account_purchases(ctx)
    return acc

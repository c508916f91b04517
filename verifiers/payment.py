"""Payment rule: each bank receipt was paid by the applicant to a supplier of an invoice or contract."""

from __future__ import annotations

from decimal import Decimal

from extractor.fields.parties import org_shape
from models.contract import Document, EvidenceRef, Finding
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_decimal,
    as_text,
    compare_names,
    doc_label,
    fmt_money,
    ref,
    rule,
)
from verifiers.invoice import invoice_key


def counterpart_docs(ctx: RuleContext, name: str, side: str) -> tuple[list[Document], list[Document], str]:
    """Invoices and contracts whose other party (seller when the applicant pays, buyer when it is
    paid) is ``name``; plus the best match kind (``same``/``near``/``different``)."""
    other = "seller" if side == "buyer" else "buyer"
    kinds: set[str] = set()
    invoices: list[Document] = []
    contracts: list[Document] = []
    for d in ctx.docs("invoice") + ctx.docs("contract"):
        s, _how = applicant_side(ctx, d)
        if s != side:
            continue
        m = compare_names(as_text(d.fields.get(f"{other}_name")), name, ctx.policy.names.near)
        if m.kind == "different":
            continue
        kinds.add(m.kind)
        (invoices if d.doc_type == "invoice" else contracts).append(d)
    best = "same" if "same" in kinds else ("near" if kinds else "different")
    return invoices, contracts, best


def _amount_candidates(
    ctx: RuleContext, invoices: list[Document], contracts: list[Document]
) -> list[tuple[Decimal, str, list[EvidenceRef]]]:
    cands: list[tuple[Decimal, str, list[EvidenceRef]]] = []
    seen: dict[str, Document] = {}
    for d in invoices:
        k = invoice_key(d) or d.file
        if k in seen:
            continue
        seen[k] = d
        t = as_decimal(d.fields.get("total_incl_tax"))
        if t is not None:
            cands.append((t, f"{doc_label(d)} 价税合计", [ref(d, "total_incl_tax")]))
    totals = [(as_decimal(d.fields.get("total_incl_tax")), d) for d in seen.values()]
    totals = [(t, d) for t, d in totals if t is not None]
    if len(totals) > 1:
        s = sum((t for t, _d in totals), Decimal(0))
        cands.append((s, f"{len(totals)} 张发票价税合计之和", [ref(d, "total_incl_tax") for _t, d in totals]))
    for d in contracts:
        t = as_decimal(d.fields.get("amount_total"))
        if t is not None:
            cands.append((t, f"{doc_label(d)} 合同金额", [ref(d, "amount_total")]))
    return cands


def _same_amount_elsewhere(
    ctx: RuleContext, side: str, amount: Decimal, tol: Decimal
) -> tuple[str, str, list[EvidenceRef]] | None:
    """An invoice or contract of the application (on the applicant's side) for exactly this
    amount, whoever its counterpart: (counterpart, label, evidence)."""
    other = "seller" if side == "buyer" else "buyer"
    for key, d in [("total_incl_tax", d) for d in ctx.docs("invoice")] + [
        ("amount_total", d) for d in ctx.docs("contract")
    ]:
        if applicant_side(ctx, d)[0] != side:
            continue
        t = as_decimal(d.fields.get(key))
        if t is not None and abs(t - amount) <= tol:
            return (
                as_text(d.fields.get(f"{other}_name")),
                doc_label(d),
                [ref(d, key), ref(d, f"{other}_name")],
            )
    return None


def _paid_elsewhere(
    ctx: RuleContext,
    v: Document,
    side: str,
    other: str,
    other_word: str,
    amount: Decimal,
    same: tuple[str, str, list[EvidenceRef]],
    refs: list[EvidenceRef],
) -> Finding:
    """A receipt whose amount is that of an invoice/contract of another company: the payment
    went to a third company (``fail``, naming both), or the payee was misread (``review``)."""
    counterpart, label, evidence = same
    f = v.fields
    if org_shape(other) <= 0:
        return ctx.finding(
            "payment.matches_invoice",
            "review",
            f"{doc_label(v)}：{other_word}读作「{other}」，不像单位名称；付款金额 {fmt_money(amount)} 与"
            f"「{counterpart}」的{label}金额相同，可能为同一笔采购，请核对回单上的{other_word}",
            refs + evidence,
        )
    return ctx.finding(
        "payment.matches_invoice",
        "fail",
        f"{doc_label(v)}：付款 {fmt_money(amount)} 的{other_word}是「{other}」，而金额相同的{label}"
        f"的对方是「{counterpart}」：款项未付给该算力服务企业（通知要求向算力服务企业直接购买并付款）",
        refs + evidence,
        values=[f.get(f"{'payee' if side == 'buyer' else 'payer'}_name")],
    )


@rule(
    "payment.matches_invoice",
    name="付款凭证与发票或合同相符",
    summary="每张回单的付款人、收款人和金额与发票或合同相符",
)
def matches_invoice(ctx: RuleContext) -> list[Finding]:
    """「付款凭证」(与算力服务公司签订的合同以及付款凭证): each receipt's payer is the applicant and
    its payee and amount match an invoice or contract of that supplier. In the product directions
    (销售合同以及付款凭证) the applicant is the payee and the payer is the customer.

    A receipt whose amount matches no invoice/contract of that supplier, alone or as the sum of
    several receipts (instalments), is ``warn``; a receipt not paid by (to) the applicant is ``fail``.
    """
    rid = "payment.matches_invoice"
    a = ctx.applicant
    vouchers = ctx.docs("payment_voucher")
    if not vouchers or not (a.name or a.credit_code):
        return []
    tol = ctx.policy.tolerance.payment_amount
    out: list[Finding] = []
    used: set[str] = set()
    for v in vouchers:
        f = v.fields
        side, how = applicant_side(ctx, v)
        own_key, other_key = ("payer_name", "payee_name") if side == "buyer" else ("payee_name", "payer_name")
        own_word, other_word = ("付款人", "收款人") if side == "buyer" else ("收款人", "付款人")
        own, other = as_text(f.get(own_key)), as_text(f.get(other_key))
        amount = as_decimal(f.get("amount"))
        refs = [ref(v, k) for k in (own_key, other_key, "amount") if k in f]
        if ctx.role == "buyer" and side == "seller":
            continue  # the applicant was paid: a sales receipt, supporting material only
        if how == "no":
            if not own:
                continue
            m = ctx.name_match(own)
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{doc_label(v)}：{own_word}「{own}」不是申报单位「{a.name}」（相似度 {m.score:.0f}）",
                    [*refs, *(r for r in (a.name_ref,) if r)],
                    values=[f.get(own_key)],
                )
            )
            continue
        if not other or amount is None:
            continue
        invoices, contracts, kind = counterpart_docs(ctx, other, side)
        if not invoices and not contracts:
            same_amount = _same_amount_elsewhere(ctx, side, amount, tol)
            if same_amount is not None:
                out.append(_paid_elsewhere(ctx, v, side, other, other_word, amount, same_amount, refs))
                continue
            out.append(
                ctx.finding(
                    rid,
                    "warn",
                    f"{doc_label(v)}：{other_word}「{other}」金额 {fmt_money(amount)}，未找到该单位的发票或合同",
                    refs,
                )
            )
            continue
        cands = _amount_candidates(ctx, invoices, contracts)
        payer_word = f"「{as_text(f.get('payer_name'))}」向「{as_text(f.get('payee_name'))}」"
        # one receipt per invoice where possible: prefer a candidate no earlier receipt used
        exact = [c for c in cands if abs(c[0] - amount) <= tol]
        hit = next((c for c in exact if c[1] not in used), exact[0] if exact else None)
        if hit is not None:
            used.add(hit[1])
        if hit is None:
            # instalments: all receipts to the same counterpart together
            same = [
                w
                for w in vouchers
                if compare_names(as_text(w.fields.get(other_key)), other, ctx.policy.names.near).kind
                != "different"
            ]
            paid = sum((as_decimal(w.fields.get("amount")) or Decimal(0) for w in same), Decimal(0))
            if len(same) > 1:
                hit = next((c for c in cands if abs(c[0] - paid) <= tol), None)
                if hit is not None:
                    hit = (hit[0], f"{hit[1]}（{len(same)} 笔付款合计 {fmt_money(paid)}）", hit[2])
        if hit is None:
            listed = "、".join(f"{c[1]} {fmt_money(c[0])}" for c in cands) or "无金额"
            out.append(
                ctx.finding(
                    rid,
                    "warn",
                    f"{doc_label(v)}：付款金额 {fmt_money(amount)} 与{other_word}「{other}」的{listed}均不一致",
                    refs + [r for c in cands for r in c[2]],
                )
            )
            continue
        status = "warn" if (how == "near" or kind == "near") else "pass"
        note = "（名称近似，请核对）" if status == "warn" else ""
        out.append(
            ctx.finding(
                rid,
                status,
                f"{doc_label(v)}：{payer_word}付款 {fmt_money(amount)}，与{hit[1]} {fmt_money(hit[0])} 相符{note}",
                refs + hit[2],
            )
        )
    return out

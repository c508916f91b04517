"""Contract rules: the applicant is the buyer (or, for product directions, the seller), the
service period covers the year, 大写 equals 小写."""

from __future__ import annotations

from models.contract import Document, Finding
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_date,
    doc_label,
    party_findings,
    ref,
    rule,
    words_findings,
)
from verifiers.params import PeriodParams


def purchase_contracts(ctx: RuleContext) -> list[Document]:
    """Contracts on which the applicant is not the seller (its sales contracts are supporting
    material in the compute direction: 对外提供开放服务的相关证明材料)."""
    out = []
    for d in ctx.docs("contract"):
        side, how = applicant_side(ctx, d)
        if side == "seller" and how in ("yes", "near"):
            continue
        out.append(d)
    return out


def _party_check(ctx: RuleContext, rid: str, side: str, word: str) -> list[Finding]:
    nk, ck = ("buyer_name", "buyer_credit_code") if side == "buyer" else ("seller_name", "seller_credit_code")
    docs = purchase_contracts(ctx) if side == "buyer" else ctx.docs("contract")
    return party_findings(ctx, rid, docs, nk, ck, word)


@rule("contract.buyer_is_applicant", name="合同甲方为申报单位", summary="合同甲方（买方）为申报单位")
def buyer_is_applicant(ctx: RuleContext) -> list[Finding]:
    """「向算力服务企业直接购买」: the contract's 甲方/buyer is the applicant itself."""
    return _party_check(ctx, "contract.buyer_is_applicant", "buyer", "甲方（买方）")


@rule("contract.seller_is_applicant", name="合同乙方为申报单位", summary="合同乙方（卖方）为申报单位")
def seller_is_applicant(ctx: RuleContext) -> list[Finding]:
    """「销售合同以及付款凭证」: in the product directions the sales contract's seller (乙方) is
    the applicant. (Added rule: the applicant sells its own product.)"""
    return _party_check(ctx, "contract.seller_is_applicant", "seller", "乙方（卖方）")


@rule(
    "contract.covers_period",
    name="合同服务期覆盖申报期间",
    summary="合同服务期与申报期间有重叠（无服务期时看签订日期）",
    params=PeriodParams,
)
def covers_period(ctx: RuleContext) -> list[Finding]:
    """「起止时间为2023年1月1日至12月31日」: the contract's service period overlaps the period.

    Without a service period the signing date decides: signed within the period → ``pass``;
    signed after it → ``fail``; signed before it → ``review`` (it may or may not run into the year).
    """
    rid = "contract.covers_period"
    p = ctx.window()
    span = f"{p.start.isoformat()} 至 {p.end.isoformat()}"
    out: list[Finding] = []
    for d in purchase_contracts(ctx):
        f = d.fields
        start, end, signed = (
            as_date(f.get("service_start")),
            as_date(f.get("service_end")),
            as_date(f.get("sign_date")),
        )
        if start or end:
            s, e = start, end
            refs = [ref(d, k) for k in ("service_start", "service_end") if k in f]
            lo, hi = s or e, e or s
            assert lo is not None and hi is not None
            shown = f"{s.isoformat() if s else '—'} 至 {e.isoformat() if e else '—'}"
            if lo <= p.end and hi >= p.start:
                out.append(ctx.finding(rid, "pass", f"{doc_label(d)}：服务期 {shown} 与 {span} 有重叠", refs))
            else:
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{doc_label(d)}：服务期 {shown} 与 {span} 无重叠",
                        refs,
                        values=[f.get("service_start"), f.get("service_end")],
                    )
                )
        elif signed:
            r = [ref(d, "sign_date")]
            if p.contains(signed):
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{doc_label(d)}：未载明服务期，签订日期 {signed.isoformat()} 在 {span} 期间内",
                        r,
                    )
                )
            elif signed > p.end:
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{doc_label(d)}：签订日期 {signed.isoformat()} 晚于 {p.end.isoformat()}，不能覆盖 {span}",
                        r,
                        values=[f.get("sign_date")],
                    )
                )
            else:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{doc_label(d)}：签订日期 {signed.isoformat()} 早于期间且未识别服务期，请核对是否覆盖 {span}",
                        r,
                    )
                )
        else:
            out.append(
                ctx.finding(
                    rid,
                    "review",
                    f"{doc_label(d)}：未识别签订日期或服务期，请人工核对是否覆盖 {span}",
                    [ref(d, "title")],
                )
            )
    return out


@rule("contract.amount_words", name="合同金额大小写一致", summary="合同金额大写与小写一致")
def amount_words(ctx: RuleContext) -> list[Finding]:
    """Contract total in words (大写) equals the figure (小写) where both are printed.

    No notice clause: an inconsistent contract amount is not reliable evidence.
    """
    return words_findings(
        ctx, "contract.amount_words", ctx.docs("contract"), "amount_in_words", "amount_total", "合同金额大写", "小写"
    )

"""General checks a call configures with parameters (vocabulary: ``docs/policy.md``).

* ``amount.threshold`` — an amount field of documents of given types, summed or each,
  at least ``min`` / at most ``max`` (documents filtered by keywords);
* ``date.window`` — a date field (issue, sign, pay date, or the service period) inside a
  window;
* ``ratio.paid_to_contract`` — payments of one purchase ÷ its contract amount, counting
  payments up to a date;
* ``party.region`` — the applicant, buyer or seller inside (or outside) the call's region;
* ``count.at_least`` — at least N documents of a type (distinct, held by the applicant).

Each finding cites the clause its policy entry names (``run_rules`` fills ``clause``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.contract import Document, Finding
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_code,
    as_date,
    as_decimal,
    as_text,
    compare_names,
    doc_label,
    doc_ref,
    fmt_money,
    ref,
    rule,
)
from verifiers.jurisdiction import party_in_region
from verifiers.params import (
    AmountParams,
    CountParams,
    DateParams,
    RatioParams,
    RegionParams,
    field_label,
)


def _label(ctx: RuleContext, d: Document) -> str:
    return doc_label(d, ctx.policy.doc_type_labels)


def _docs(ctx: RuleContext, doc_types: tuple[str, ...]) -> list[Document]:
    return [d for t in doc_types for d in ctx.docs(t)]


def _type_names(ctx: RuleContext, doc_types: tuple[str, ...]) -> str:
    return "、".join(ctx.policy.doc_type_label(t) for t in doc_types)


@rule(
    "amount.threshold",
    name="金额达到（不超过）规定数额",
    summary="指定材料的金额字段（合计或逐份，可按关键词筛选）不低于/不超过规定数额",
    params=AmountParams,
)
def amount_threshold(ctx: RuleContext) -> list[Finding]:
    """An amount ``field`` of the documents of ``doc_types`` (only those naming one of
    ``keywords`` when given), summed (``mode = "sum"``) or each (``"each"``), is at least
    ``min`` and at most ``max``; an unreadable amount is ``review``.
    """
    p: AmountParams = ctx.params
    rid = "amount.threshold"
    what = p.label or field_label(p.field)
    docs = _docs(ctx, p.doc_types)
    if p.keywords:
        kws = [k.upper() for k in p.keywords]
        docs = [
            d
            for d in docs
            if any(k in " ".join(as_text(d.fields.get(f)) for f in p.keyword_fields).upper() for k in kws)
        ]
    bounds = "、".join(
        x
        for x in (
            f"不低于 {fmt_money(p.min)} 元" if p.min is not None else "",
            f"不超过 {fmt_money(p.max)} 元" if p.max is not None else "",
        )
        if x
    )

    def ok(v: Decimal) -> bool:
        return (p.min is None or v >= p.min) and (p.max is None or v <= p.max)

    out: list[Finding] = []
    if p.mode == "each":
        for d in docs:
            fv = d.fields.get(p.field)
            v = as_decimal(fv)
            if v is None:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{_label(ctx, d)}：未识别{what}，无法核对是否{bounds}",
                        [ref(d, p.field)],
                    )
                )
            elif ok(v):
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{_label(ctx, d)}：{what} {fmt_money(v)} 元，{bounds}",
                        [ref(d, p.field)],
                    )
                )
            else:
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{_label(ctx, d)}：{what} {fmt_money(v)} 元，未达到要求（{bounds}）",
                        [ref(d, p.field)],
                        values=[fv],
                        details={"amount": v, "min": p.min, "max": p.max},
                    )
                )
        return out
    if not docs:
        return [
            ctx.finding(
                rid,
                "fail",
                f"未提供{_type_names(ctx, p.doc_types)}，{what}合计无法达到要求（{bounds}）",
                [],
                details={"total": Decimal(0)},
            )
        ]
    values = [(d, as_decimal(d.fields.get(p.field))) for d in docs]
    unread = [d for d, v in values if v is None]
    total = sum((v for _d, v in values if v is not None), Decimal(0))
    refs = [ref(d, p.field) for d in docs]
    head = f"{len(docs)} 份{_type_names(ctx, p.doc_types)}{what}合计 {fmt_money(total)} 元"
    if ok(total):
        return [ctx.finding(rid, "pass", f"{head}，{bounds}", refs, details={"total": total})]
    if unread and (p.min is not None and total < p.min):
        return [
            ctx.finding(rid, "review", f"{head}，另有 {len(unread)} 份未识别{what}，请核对是否{bounds}", refs)
        ]
    return [
        ctx.finding(
            rid,
            "fail",
            f"{head}，未达到要求（{bounds}）",
            refs,
            values=[d.fields.get(p.field) for d in docs],
            details={"total": total, "min": p.min, "max": p.max},
        )
    ]


@rule(
    "date.window",
    name="日期在规定期间内",
    summary="指定材料的日期字段（开票、签订、付款日期或服务期）在规定期间内",
    params=DateParams,
)
def date_window(ctx: RuleContext) -> list[Finding]:
    """A date ``field`` of the documents of ``doc_types`` lies in the window ``start``..``end``
    (the policy's period when neither is given); ``field = "service_period"`` asks the
    service period (service_start..service_end) to overlap the window. A missing date is
    ``review``; a date outside is ``outside`` (default ``fail``).
    """
    p: DateParams = ctx.params
    rid = "date.window"
    start, end = p.start, p.end
    if start is None and end is None:
        start, end = ctx.policy.period.start, ctx.policy.period.end
    span = (
        f"{start.isoformat()} 至 {end.isoformat()}"
        if start and end
        else (f"{start.isoformat()} 及以后" if start else f"{end.isoformat()} 及以前" if end else "")
    )
    what = p.label or field_label(p.field)

    def inside(lo, hi) -> bool:
        return (start is None or hi >= start) and (end is None or lo <= end)

    out: list[Finding] = []
    for d in _docs(ctx, p.doc_types):
        f = d.fields
        if p.field == "service_period":
            s, e = as_date(f.get("service_start")), as_date(f.get("service_end"))
            keys = [k for k in ("service_start", "service_end") if k in f]
            if s is None and e is None:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{_label(ctx, d)}：未识别{what}，请核对是否在 {span}",
                        [ref(d, "title")],
                    )
                )
                continue
            lo, hi = s or e, e or s
            shown = f"{s.isoformat() if s else '—'} 至 {e.isoformat() if e else '—'}"
        else:
            day = as_date(f.get(p.field))
            keys = [p.field]
            if day is None:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{_label(ctx, d)}：未识别{what}，请核对是否在 {span}",
                        [ref(d, p.field)],
                    )
                )
                continue
            lo = hi = day
            shown = day.isoformat()
        assert lo is not None and hi is not None
        refs = [ref(d, k) for k in keys]
        if inside(lo, hi):
            out.append(ctx.finding(rid, "pass", f"{_label(ctx, d)}：{what} {shown} 在 {span}", refs))
        else:
            out.append(
                ctx.finding(
                    rid,
                    p.outside,
                    f"{_label(ctx, d)}：{what} {shown} 不在 {span}",
                    refs,
                    values=[f.get(k) for k in keys],
                )
            )
    return out


def _other_party(ctx: RuleContext, d: Document) -> str:
    side, _how = applicant_side(ctx, d)
    return as_text(d.fields.get("seller_name" if side == "buyer" else "buyer_name"))


@rule(
    "ratio.paid_to_contract",
    name="已付款占合同金额比例",
    summary="每份合同在截止日期前的已收（付）款占合同金额的比例不低于规定值",
    params=RatioParams,
)
def paid_to_contract(ctx: RuleContext) -> list[Finding]:
    """For each contract, the payments between the applicant and the contract's other party
    (dated on or before ``by`` when given) reach ``min_ratio`` of the contract amount.
    """
    p: RatioParams = ctx.params
    rid = "ratio.paid_to_contract"
    vouchers = _docs(ctx, p.payment_types)
    out: list[Finding] = []
    for c in _docs(ctx, p.contract_types):
        total = as_decimal(c.fields.get(p.contract_field))
        if total is None or total <= 0:
            out.append(
                ctx.finding(
                    rid,
                    "review",
                    f"{_label(ctx, c)}：未识别合同金额，无法核对付款比例",
                    [ref(c, p.contract_field)],
                )
            )
            continue
        other = _other_party(ctx, c)
        paid = Decimal(0)
        used: list[Document] = []
        late: list[str] = []
        undated = 0
        for v in vouchers:
            names = [as_text(v.fields.get(k)) for k in ("payer_name", "payee_name")]
            if other and not any(
                n and compare_names(n, other, ctx.policy.names.near).kind != "different" for n in names
            ):
                continue
            amount = as_decimal(v.fields.get(p.payment_field))
            if amount is None:
                continue
            day = as_date(v.fields.get(p.date_field))
            if p.by is not None and day is not None and day > p.by:
                late.append(f"{_label(ctx, v)} {day.isoformat()}")
                continue
            undated += day is None
            paid += amount
            used.append(v)
        ratio = (paid / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        pct = f"{ratio * 100:.1f}%"
        by = f"（截至 {p.by.isoformat()}）" if p.by else ""
        refs = [ref(c, p.contract_field)] + [ref(v, p.payment_field) for v in used]
        head = (
            f"{_label(ctx, c)}：合同金额 {fmt_money(total)} 元，{len(used)} 笔付款{by}合计 {fmt_money(paid)} 元，"
            f"占 {pct}，要求不低于 {p.min_ratio * 100:.0f}%"
        )
        tail = f"（另有 {len(late)} 笔晚于截止日期未计入：{'、'.join(late)}）" if late else ""
        details = {"contract": total, "paid": paid, "ratio": ratio, "min_ratio": p.min_ratio}
        if ratio >= p.min_ratio:
            status = "review" if undated else "pass"
            note = f"（{undated} 笔付款未识别日期，请核对）" if undated else ""
            out.append(ctx.finding(rid, status, head + note + tail, refs, details=details))
        else:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    head + "，付款比例不足" + tail,
                    refs,
                    values=[c.fields.get(p.contract_field)] + [v.fields.get(p.payment_field) for v in used],
                    details=details,
                )
            )
    return out


@rule(
    "party.region",
    name="当事方所在地区",
    summary="申报单位或合同买方/卖方位于（或不在）本地区",
    params=RegionParams,
)
def party_region(ctx: RuleContext) -> list[Finding]:
    """The applicant (address on the form/licence and credit code), or the ``buyer``/``seller``
    of the documents of ``doc_types`` (credit code, else a place in the name), lies inside
    the call's region (``inside = true``) or outside it (``inside = false``); a party whose
    place cannot be told is ``review``.
    """
    p: RegionParams = ctx.params
    rid = "party.region"
    region = ctx.policy.region.name
    want = "位于" + region if p.inside else f"位于{region}以外"
    parties: list[tuple[str, str, str | None, str, list]] = []  # (who, name, code, address, refs)
    if p.party == "applicant":
        a = ctx.applicant
        address = as_text(ctx.declared("address"))
        refs = [r for r in (a.name_ref, a.code_ref) if r is not None]
        if a.name or a.credit_code:
            parties.append(("申报单位", a.name or "", a.credit_code, address, refs))
    else:
        word = {"buyer": "买方（甲方）", "seller": "卖方（乙方）"}[p.party]
        for d in _docs(ctx, p.doc_types):
            name = as_text(d.fields.get(f"{p.party}_name"))
            code_key = next(
                (k for k in (f"{p.party}_credit_code", f"{p.party}_tax_id") if k in d.fields), None
            )
            code = as_code(d.fields.get(code_key)) if code_key else None
            if not name and not code:
                continue
            refs = [ref(d, k) for k in (f"{p.party}_name", code_key) if k and k in d.fields]
            parties.append((f"{_label(ctx, d)} {word}", name, code, "", refs))
    out: list[Finding] = []
    for who, name, code, address, refs in parties:
        inside, reason = party_in_region(ctx, name, code, address)
        shown = f"「{name}」" if name else ""
        if inside is None:
            out.append(ctx.finding(rid, "review", f"{who}{shown}：{reason}，请核对是否{want}", refs))
        elif inside == p.inside:
            out.append(ctx.finding(rid, "pass", f"{who}{shown}{want}（{reason}）", refs))
        else:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{who}{shown}{'位于' + region if inside else '不在' + region}（{reason}），要求{want}",
                    refs,
                )
            )
    return out


@rule(
    "count.at_least",
    name="材料数量达到要求",
    summary="指定类型的材料（可要求不重复、权利人为申报单位）不少于规定份数",
    params=CountParams,
)
def count_at_least(ctx: RuleContext) -> list[Finding]:
    """At least ``min`` documents of ``doc_type`` — distinct by ``distinct_field`` when given,
    and only those whose ``holder_field`` names the applicant when given.
    """
    p: CountParams = ctx.params
    rid = "count.at_least"
    label = ctx.policy.doc_type_label(p.doc_type)
    docs = ctx.docs(p.doc_type)
    counted: list[Document] = []
    notes: list[str] = []
    keys: set[str] = set()
    for d in docs:
        if p.holder_field:
            holder = as_text(d.fields.get(p.holder_field))
            if holder and ctx.is_applicant(holder, None) == "no":
                notes.append(f"{_label(ctx, d)}：权利人/当事人「{holder}」不是申报单位，不计入")
                continue
        if p.distinct_field:
            k = as_text(d.fields.get(p.distinct_field)).strip() or d.sha256 or d.file
            if k in keys:
                notes.append(f"{_label(ctx, d)}：与已计入的材料重复，不计入")
                continue
            keys.add(k)
        counted.append(d)
    tail = ("；" + "；".join(notes)) if notes else ""
    refs = [doc_ref(d) for d in docs]
    details = {"doc_type": p.doc_type, "count": len(counted), "min": p.min}
    if len(counted) >= p.min:
        return [
            ctx.finding(
                rid, "pass", f"「{label}」{len(counted)} 份，不少于 {p.min} 份{tail}", refs, details=details
            )
        ]
    return [
        ctx.finding(
            rid,
            "fail",
            f"「{label}」{len(counted)} 份，少于要求的 {p.min} 份{tail}",
            refs,
            details=details,
        )
    ]

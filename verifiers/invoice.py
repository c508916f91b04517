"""Invoice rules: arithmetic, 大写 amount, buyer, period and duplicates (增值税发票 incl. 数电票)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePosixPath

from extractor.normalize.names import normalize_name
from models.contract import Document, Finding
from verifiers.base import (
    RuleContext,
    applicant_side,
    as_date,
    as_decimal,
    as_text,
    doc_label,
    fmt_money,
    party_findings,
    ref,
    rule,
    words_findings,
)
from verifiers.params import PeriodParams

_TAX_FREE = ("免税", "不征税", "***", "＊＊＊")


def invoice_key(doc: Document) -> str | None:
    """Identity of an invoice: ``code-number`` (old invoices) or the 20-digit 数电 number.

    >>> from models.contract import FieldValue
    >>> d = Document(file="a.pdf", sha256="0", doc_type="invoice",
    ...              fields={"invoice_code": FieldValue(value="033002000211"),
    ...                      "invoice_number": FieldValue(value="No 83089647")})
    >>> invoice_key(d)
    '033002000211-83089647'
    """
    number = "".join(ch for ch in normalize_name(as_text(doc.fields.get("invoice_number"))) if ch.isalnum())
    number = number.removeprefix("No").removeprefix("NO").removeprefix("no")
    if not number:
        return None
    code = "".join(ch for ch in normalize_name(as_text(doc.fields.get("invoice_code"))) if ch.isalnum())
    return f"{code}-{number}" if code else number


def invoice_number(doc: Document) -> str:
    key = invoice_key(doc)
    return key.split("-")[-1] if key else ""


def is_red_letter(doc: Document) -> bool:
    """A red-letter (红字/负数) invoice: flagged by the extractor or with a negative total."""
    flag = doc.fields.get("red_letter")
    if flag is not None and flag.value in (True, "true", "True", 1):
        return True
    total = as_decimal(doc.fields.get("total_incl_tax"))
    return total is not None and total < 0


def file_format(doc: Document) -> str:
    """File format of a document's source: ``pdf``, ``ofd``, ``xml``, ``jpg``…"""
    suffix = PurePosixPath(doc.file).suffix.lower().lstrip(".")
    return {"jpeg": "jpg", "tiff": "tif"}.get(suffix, suffix or "?")


def purchase_invoices(ctx: RuleContext) -> list[Document]:
    """Invoices on which the applicant is not the seller (its own sales are supporting material)."""
    out = []
    for d in ctx.docs("invoice"):
        side, how = applicant_side(ctx, d)
        if side == "seller" and how in ("yes", "near"):
            continue
        out.append(d)
    return out


@rule(
    "invoice.arithmetic",
    name="发票金额+税额=价税合计",
    summary="发票金额 + 税额 = 价税合计（允差 0.01 元）",
)
def arithmetic(ctx: RuleContext) -> list[Finding]:
    """金额 + 税额 = 价税合计 (±0.01, policy ``tolerance.arithmetic``); where the extractor read the
    line items (销货清单), their amounts and taxes add up to the printed totals too.

    No notice clause: an invoice that does not add up is not reliable evidence.
    """
    rid = "invoice.arithmetic"
    tol = ctx.policy.tolerance.arithmetic
    out: list[Finding] = []
    for d in ctx.docs("invoice"):
        f = d.fields
        amount, total = as_decimal(f.get("amount_excl_tax")), as_decimal(f.get("total_incl_tax"))
        tax = as_decimal(f.get("tax_amount"))
        if tax is None and any(t in as_text(f.get("tax_rate")) for t in _TAX_FREE):
            tax = Decimal("0")
        if amount is None or total is None or tax is None:
            continue
        refs = [ref(d, k) for k in ("amount_excl_tax", "tax_amount", "total_incl_tax") if k in f]
        values = [f.get(k) for k in ("amount_excl_tax", "tax_amount", "total_incl_tax")]
        calc = amount + tax
        problems = []
        if abs(calc - total) > tol:
            problems.append(
                f"金额 {fmt_money(amount)} + 税额 {fmt_money(tax)} = {fmt_money(calc)}，票面价税合计 {fmt_money(total)}，不一致"
            )
        items = [i for i in d.line_items if as_decimal(i.get("amount")) is not None]
        if items:
            n = len(items)
            s_amount = sum((as_decimal(i.get("amount")) or Decimal(0) for i in items), Decimal(0))
            if abs(s_amount - amount) > tol * n:
                problems.append(
                    f"明细金额合计 {fmt_money(s_amount)}（{n} 行）与票面金额 {fmt_money(amount)} 不一致"
                )
            taxes = [as_decimal(i.get("tax_amount")) for i in items]
            if all(t is not None for t in taxes):
                s_tax = sum((t for t in taxes if t is not None), Decimal(0))
                if abs(s_tax - tax) > tol * n:
                    problems.append(f"明细税额合计 {fmt_money(s_tax)} 与票面税额 {fmt_money(tax)} 不一致")
        if problems:
            out.append(
                ctx.finding(rid, "fail", f"{doc_label(d)}：" + "；".join(problems), refs, values=values)
            )
        else:
            extra = f"，{len(items)} 行明细合计相符" if items else ""
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"{doc_label(d)}：金额 {fmt_money(amount)} + 税额 {fmt_money(tax)} = 价税合计 {fmt_money(total)}{extra}",
                    refs,
                )
            )
    return out


@rule("invoice.amount_words", name="发票价税合计大小写一致", summary="发票价税合计大写与小写一致")
def amount_words(ctx: RuleContext) -> list[Finding]:
    """价税合计（大写）equals 价税合计（小写）.

    No notice clause: a mismatch between the two printed amounts marks an altered invoice.
    """
    return words_findings(
        ctx, "invoice.amount_words", ctx.docs("invoice"), "total_in_words", "total_incl_tax", "大写", "小写价税合计"
    )


@rule(
    "invoice.buyer_is_applicant",
    name="发票购买方为申报单位",
    summary="发票购买方名称和纳税人识别号为申报单位",
)
def buyer_is_applicant(ctx: RuleContext) -> list[Finding]:
    """「向算力服务企业直接购买」: the invoice's buyer name and tax id are the applicant's.

    Invoices on which the applicant is the seller (对外提供开放服务的相关证明材料) are not
    purchases and are not checked here.
    """
    return party_findings(
        ctx,
        "invoice.buyer_is_applicant",
        purchase_invoices(ctx),
        "buyer_name",
        "buyer_tax_id",
        "购买方",
        code_word="税号",
        consequence="，不属于申报单位直接购买",
    )


@rule(
    "invoice.in_period",
    name="开票日期在申报期间内",
    summary="采购发票开票日期在申报期间内",
    params=PeriodParams,
)
def in_period(ctx: RuleContext) -> list[Finding]:
    """「起止时间为2023年1月1日至12月31日」: purchase invoices are issued within the period
    (policy ``[period]``); an invoice outside it is never counted toward the total.
    """
    rid = "invoice.in_period"
    p = ctx.window()
    span = f"{p.start.isoformat()} 至 {p.end.isoformat()}"
    out: list[Finding] = []
    for d in purchase_invoices(ctx):
        fv = d.fields.get("issue_date")
        day = as_date(fv)
        if day is None:
            if fv is not None:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{doc_label(d)}：开票日期「{as_text(fv)}」无法识别",
                        [ref(d, "issue_date")],
                    )
                )
            continue
        if p.contains(day):
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"{doc_label(d)}：开票日期 {day.isoformat()} 在 {span} 期间内",
                    [ref(d, "issue_date")],
                )
            )
        else:
            out.append(
                ctx.finding(
                    rid,
                    p.invoice_out_of_period_status,
                    f"{doc_label(d)}：开票日期 {day.isoformat()} 不在 {span} 期间内，不计入年度算力采购",
                    [ref(d, "issue_date")],
                    values=[fv],
                )
            )
    return out


def source_rank(d: Document) -> tuple[int, int]:
    """How exact an invoice copy is: XML/XBRL > OFD structured data > OFD text > PDF text
    > OCR; ties go to the copy with more fields."""
    methods = {fv.method or "" for fv in d.fields.values()}
    if any(m.startswith(("structured:xml", "structured:xbrl")) for m in methods):
        rank = 6 if d.file.lower().endswith(".xml") else 5  # the data file itself first
    elif any(m.startswith("structured:ofd") for m in methods):
        rank = 4
    elif d.file.lower().endswith(".ofd"):
        rank = 3
    elif d.method in {"text", "docx"}:
        rank = 2
    else:
        rank = 1
    return rank, len(d.fields)


@rule(
    "invoice.duplicate",
    name="发票未重复使用",
    summary="同一发票在一份申报内只计一次；不同格式的副本视为同一张",
)
def duplicate(ctx: RuleContext) -> list[Finding]:
    """The same invoice (code + number) is counted once. Inside one application, copies in other
    formats (PDF + OFD + XML) are expected and pass; two copies in the same format are ``warn``.
    Across applications see :func:`verifiers.batch.run_batch_rules` (``fail``).

    No notice clause (the basis is 「填报信息应真实可靠」).
    """
    rid = "invoice.duplicate"
    groups: dict[str, list[Document]] = {}
    for d in ctx.docs("invoice"):
        k = invoice_key(d)
        if k:
            groups.setdefault(k, []).append(d)
    if not groups:
        return []
    out: list[Finding] = []
    multi_format: list[str] = []
    for k, docs in groups.items():
        if len(docs) == 1:
            continue
        formats = [file_format(d) for d in docs]
        refs = [ref(d, "invoice_number") for d in docs]
        files = "、".join(d.file for d in docs)
        repeated = sorted({f for f in formats if formats.count(f) > 1})
        if repeated:
            out.append(
                ctx.finding(
                    rid,
                    "warn",
                    f"发票 {k} 在本申报中以同一格式（{'/'.join(x.upper() for x in repeated)}）重复提供 {len(docs)} 次：{files}；只计一次",
                    refs,
                    details={"invoice": k, "files": [d.file for d in docs]},
                )
            )
        else:
            multi_format.append(k)
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"发票 {k} 以 {'、'.join(x.upper() for x in formats)} 多种格式提供（{files}），计为一张",
                    refs,
                    details={"invoice": k, "files": [d.file for d in docs]},
                )
            )
    singles = [k for k, docs in groups.items() if len(docs) == 1]
    if singles:
        out.append(
            ctx.finding(
                rid,
                "pass",
                f"本申报 {len(groups)} 张发票号码无重复"
                if len(singles) == len(groups)
                else f"其余 {len(singles)} 张发票号码无重复",
                [ref(groups[k][0], "invoice_number") for k in singles],
            )
        )
    return out

"""Rules ``invoice.qr_matches`` and ``evidence.license_qr_matches``: a QR code names the same
invoice, or the same registered company, as the printed text.

The QR printed on a VAT invoice is issued with it and carries its type, code, number,
amount and date (payload and per-type amount in :mod:`extractor.qr`, docs/QR.md). An
invoice whose printed number, date or amount was edited afterwards (a PDF retouched
before upload) still carries the original QR, so a disagreement flags an altered copy.

The extractor stores the parsed payload in the invoice's ``qr`` field (a dict, see
:func:`extractor.qr.qr_field`; after a store round-trip its amount/date are strings); a raw
payload string is accepted too.

A business licence's QR holds the registry's record of the company (or only a link); the
extractor keeps whom it registers in the licence's ``qr`` field
(:func:`extractor.fields.license_qr.qr_identity`). A licence whose QR registers another company
(a QR pasted from another licence onto an edited image) is reported.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from extractor.fields.license_qr import codes_far, names_far, qr_code_for
from extractor.qr import parse_invoice_qr, qr_amount_field
from models.contract import Document, FieldValue, Finding
from verifiers.base import (
    REGISTRY,
    Rule,
    RuleContext,
    as_date,
    as_decimal,
    as_text,
    doc_label,
    fmt_money,
    ref,
)
from verifiers.invoice import invoice_number

RULE_ID = "invoice.qr_matches"
CENT = Decimal("0.005")  # a QR amount is exact: any difference of a cent or more counts
AMOUNT_LABELS = {"amount_excl_tax": "票面金额", "total_incl_tax": "票面价税合计"}


def qr_payload(value: Any) -> dict[str, Any] | None:
    """The parsed QR of a ``qr`` field value: a dict from :func:`extractor.qr.parse_invoice_qr`
    (Python or JSON-round-tripped values) or the raw payload string.

    >>> qr_payload("01,10,034012000211,75505018,29.43,20210428,5794,34F1,")["amount"]
    Decimal('29.43')
    >>> qr_payload({"type": "31", "invoice_number": "25317000002228021821", "amount": "35559.69",
    ...             "issue_date": "2025-10-20"})["issue_date"]
    datetime.date(2025, 10, 20)
    >>> qr_payload("https://example.org") is None
    True
    """
    if isinstance(value, FieldValue):
        value = value.value
    if isinstance(value, str):
        return parse_invoice_qr(value)
    if not isinstance(value, dict):
        return None
    if not value.get("raw") and value.get("invoice_number") is None:
        return None
    out = dict(value)
    out["type"] = as_text(value.get("type"))
    out["invoice_code"] = as_text(value.get("invoice_code")).strip()
    out["invoice_number"] = as_text(value.get("invoice_number")).strip()
    out["amount"] = as_decimal(value.get("amount"))
    out["issue_date"] = as_date(value.get("issue_date"))
    return out


def _digits(value: Any) -> str:
    return "".join(ch for ch in as_text(value) if ch.isdigit())


def _compare(d: Document, qr: dict[str, Any]) -> tuple[list[str], list[str], list[str], str | None]:
    """(problems, printed fields compared, printed fields that disagree, amount field used)."""
    problems: list[str] = []
    compared: list[str] = []
    wrong: list[str] = []
    # a value the extractor took from the QR itself (the printed one was not read) is no
    # printed value: comparing it with the QR would report an agreement nobody saw
    f = {k: v for k, v in d.fields.items() if v.method != "qr"}

    printed_no = invoice_number(d) if "invoice_number" in f else None
    if printed_no and qr.get("invoice_number"):
        compared.append("invoice_number")
        if _digits(printed_no) != _digits(qr["invoice_number"]):
            wrong.append("invoice_number")
            problems.append(f"二维码发票号码 {qr['invoice_number']}，票面发票号码 {printed_no}")
    printed_code = _digits(f.get("invoice_code"))
    if printed_code and qr.get("invoice_code"):
        compared.append("invoice_code")
        if printed_code != _digits(qr["invoice_code"]):
            wrong.append("invoice_code")
            problems.append(f"二维码发票代码 {qr['invoice_code']}，票面发票代码 {printed_code}")

    day = as_date(f.get("issue_date"))
    if day and qr.get("issue_date"):
        compared.append("issue_date")
        if day != qr["issue_date"]:
            wrong.append("issue_date")
            problems.append(f"二维码开票日期 {qr['issue_date'].isoformat()}，票面开票日期 {day.isoformat()}")

    amount = qr.get("amount")
    field = qr_amount_field(qr)
    if amount is not None:
        if field is not None:
            printed = as_decimal(f.get(field))
            if printed is not None:
                compared.append(field)
                if abs(abs(printed) - abs(amount)) >= CENT:
                    wrong.append(field)
                    problems.append(
                        f"二维码金额 {fmt_money(amount)}，{AMOUNT_LABELS[field]} {fmt_money(printed)}"
                    )
        else:
            # type not established: the QR amount must be one of the two printed amounts
            cands = {k: as_decimal(f.get(k)) for k in AMOUNT_LABELS}
            cands = {k: v for k, v in cands.items() if v is not None}
            if cands:
                hit = [k for k, v in cands.items() if abs(abs(v) - abs(amount)) < CENT]
                compared.extend(hit or list(cands))
                if not hit:
                    wrong.extend(cands)
                    shown = "，".join(f"{AMOUNT_LABELS[k]} {fmt_money(v)}" for k, v in cands.items())
                    problems.append(f"二维码金额 {fmt_money(amount)}，{shown}")
                field = hit[0] if hit else None
    return problems, compared, wrong, field


def _qr_matches(ctx: RuleContext) -> list[Finding]:
    """The QR printed on each invoice names the same number, date and amount as the printed
    (extracted) invoice; the amount compared is the one the QR carries for the invoice type
    (pre-tax amount for 增值税发票, total incl. tax for 数电票, see extractor.qr.qr_amount_field).

    Notice clause: — (none; the notice asks for authentic invoices as evidence). Purpose: a
    printed value edited after issue no longer matches the QR, so a disagreement flags a
    possibly altered invoice copy (fail; review when the printed value was read by OCR with
    low confidence). No finding for an invoice whose QR was not decoded.
    """
    out: list[Finding] = []
    for d in ctx.docs("invoice"):
        fv = d.fields.get("qr")
        qr = qr_payload(fv) if fv is not None else None
        if qr is None:
            continue
        problems, compared, wrong, field = _compare(d, qr)
        if not compared:
            continue
        label = doc_label(d)
        if label.startswith("发票（") and qr.get("invoice_number"):
            label = f"发票 {qr['invoice_number']}"
        details = {"qr": qr.get("raw") or as_text(fv), "amount_field": field, "compared": compared}
        if problems:
            refs = [ref(d, "qr")] + [ref(d, k) for k in wrong]
            out.append(
                ctx.finding(
                    RULE_ID,
                    "fail",
                    f"{label}：" + "；".join(problems) + "，不一致，票面可能被改动",
                    refs,
                    values=[d.fields.get(k) for k in wrong],
                    details=details,
                )
            )
        else:
            what = "、".join(
                {"invoice_number": "号码", "invoice_code": "代码", "issue_date": "日期"}.get(k, "金额")
                for k in compared
            )
            amount = qr.get("amount")
            shown = f"（金额 {fmt_money(amount)}）" if field and amount is not None else ""
            out.append(
                ctx.finding(
                    RULE_ID,
                    "pass",
                    f"{label}：二维码{what}{shown}与票面一致",
                    [ref(d, "qr")] + [ref(d, k) for k in compared],
                    details=details,
                )
            )
    return out


qr_matches = Rule(
    RULE_ID,
    _qr_matches,
    RULE_ID.split(".", 1)[0],
    name="发票二维码与票面一致",
    summary="发票二维码中的号码、日期、金额与票面一致",
)
REGISTRY.setdefault(RULE_ID, qr_matches)


LICENSE_RULE_ID = "evidence.license_qr_matches"


def _license_qr_matches(ctx: RuleContext) -> list[Finding]:
    """The QR record printed on each business licence registers the company the licence
    prints: the same code (credit code, or an old licence's 注册号; a glyph or two off is OCR's
    misreading) and a like name.

    Notice clause: — (none; the notice asks for the licence as evidence). Purpose: a QR that
    registers another company shows a licence image assembled from two (fail; review when the
    printed values were read with low confidence). No finding where no QR record was decoded
    (a link names nobody but by the credit code it may hold), or where the printed values were themselves taken
    from the QR (nothing printed was read to compare).
    """
    out: list[Finding] = []
    for d in ctx.docs("business_license"):
        fv = d.fields.get("qr")
        qr = fv.value if fv is not None and isinstance(fv.value, dict) else None
        if not qr:
            continue
        printed = {k: v for k, v in d.fields.items() if v.method != "qr"}
        code = as_text(printed.get("credit_code")).strip()
        theirs = qr_code_for(qr, code) if code else None
        name = as_text(printed.get("company_name")).strip()
        compared: list[str] = []
        wrong: list[str] = []
        if code and theirs:
            compared.append("credit_code")
            if codes_far(theirs, code):
                wrong.append("credit_code")
        if name and qr.get("company_name"):
            compared.append("company_name")
            if names_far(as_text(qr["company_name"]), name):
                wrong.append("company_name")
        if not compared:
            continue
        said = "，".join(
            as_text(qr[k]) for k in ("company_name", "credit_code", "registration_no") if qr.get(k)
        )
        shown = "，".join(v for v in (name, code) if v)
        details = {"qr": as_text(qr.get("raw")), "compared": compared}
        refs = [ref(d, "qr")] + [ref(d, k) for k in compared]
        if wrong:
            out.append(
                ctx.finding(
                    LICENSE_RULE_ID,
                    "fail",
                    f"营业执照二维码登记的是另一主体（二维码：{said}；执照印刷：{shown}），执照可能经拼接或改动",
                    refs,
                    values=[d.fields.get(k) for k in wrong],
                    details=details,
                )
            )
        else:
            what = "、".join({"credit_code": "代码"}.get(k, "名称") for k in compared)
            out.append(
                ctx.finding(
                    LICENSE_RULE_ID, "pass", f"营业执照二维码所载{what}与执照印刷一致", refs, details=details
                )
            )
    return out


license_qr_matches = Rule(
    LICENSE_RULE_ID,
    _license_qr_matches,
    LICENSE_RULE_ID.split(".", 1)[0],
    name="营业执照二维码与执照一致",
    summary="营业执照二维码登记的主体（代码、名称）与执照印刷一致",
)
REGISTRY.setdefault(LICENSE_RULE_ID, license_qr_matches)

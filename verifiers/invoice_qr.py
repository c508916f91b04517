"""Invoice QR rule: the QR payload names the same invoice, date and amount as the printed text.

The QR of a VAT invoice (incl. 数电票) is a comma-separated payload:
``01,<kind>,<invoice_code>,<invoice_number>,<amount>,<YYYYMMDD>,<check_code>,<crc>``
(the 数电 form leaves the code empty). The amount is the pre-tax amount on older invoices and
the total on 数电票, so either printed amount is accepted. The extractor stores the decoded
payload in the invoice's ``qr`` field (a string, or an already parsed dict).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models.contract import Document, Finding
from verifiers.base import RuleContext, as_date, as_decimal, as_text, doc_label, fmt_money, ref, rule
from verifiers.invoice import invoice_number


def parse_qr(value: Any) -> dict[str, Any] | None:
    """Parse a VAT-invoice QR payload into code, number, amount and date.

    >>> parse_qr("01,10,033002000211,83089647,510.68,20200723,16197833567414507415,9A2B,")
    {'invoice_code': '033002000211', 'invoice_number': '83089647', 'amount': Decimal('510.68'), 'issue_date': datetime.date(2020, 7, 23)}
    >>> parse_qr("not a qr") is None
    True
    """
    if isinstance(value, dict):
        return {
            "invoice_code": as_text(value.get("invoice_code")),
            "invoice_number": as_text(value.get("invoice_number")),
            "amount": as_decimal(value.get("amount")),
            "issue_date": as_date(value.get("issue_date")),
        }
    parts = [p.strip() for p in as_text(value).split(",")]
    if len(parts) < 6 or not parts[3].isdigit():
        return None
    return {
        "invoice_code": parts[2],
        "invoice_number": parts[3],
        "amount": as_decimal(parts[4]),
        "issue_date": as_date(parts[5]),
    }


def _check(ctx: RuleContext, d: Document, qr: dict[str, Any]) -> list[str]:
    problems = []
    num = invoice_number(d)
    if num and qr["invoice_number"] and qr["invoice_number"] != num:
        problems.append(f"二维码发票号码 {qr['invoice_number']} ≠ 票面 {num}")
    day = as_date(d.fields.get("issue_date"))
    if day and qr["issue_date"] and qr["issue_date"] != day:
        problems.append(f"二维码开票日期 {qr['issue_date'].isoformat()} ≠ 票面 {day.isoformat()}")
    amounts = [as_decimal(d.fields.get(k)) for k in ("amount_excl_tax", "total_incl_tax")]
    amounts = [a for a in amounts if a is not None]
    tol = ctx.policy.tolerance.arithmetic
    if (
        qr["amount"] is not None
        and amounts
        and not any(abs(abs(a) - abs(qr["amount"])) <= tol for a in amounts)
    ):
        shown = " / ".join(fmt_money(a) for a in amounts)
        problems.append(f"二维码金额 {fmt_money(qr['amount'])} ≠ 票面金额 {shown}")
    return problems


@rule("invoice.qr_matches")
def qr_matches(ctx: RuleContext) -> list[Finding]:
    """The QR payload names the same number, date and amount as the printed/extracted values; no
    finding where no QR was decoded. No notice clause: a QR that disagrees marks an altered invoice.
    """
    rid = "invoice.qr_matches"
    out: list[Finding] = []
    for d in ctx.docs("invoice"):
        fv = d.fields.get("qr")
        qr = parse_qr(fv.value) if fv is not None else None
        if qr is None:
            continue
        refs = [ref(d, k) for k in ("qr", "invoice_number", "issue_date", "total_incl_tax") if k in d.fields]
        problems = _check(ctx, d, qr)
        if problems:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{doc_label(d)}：" + "；".join(problems),
                    refs,
                    values=[d.fields.get(k) for k in ("invoice_number", "issue_date", "total_incl_tax")],
                )
            )
        else:
            amount = qr["amount"] if isinstance(qr["amount"], Decimal) else None
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"{doc_label(d)}：二维码号码、日期、金额 {fmt_money(amount)} 与票面一致",
                    refs,
                )
            )
    return out

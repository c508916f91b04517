"""Values of structured e-invoice data, whatever the source (XML, XBRL, OFD tags).

Money is :class:`~decimal.Decimal`, dates :class:`datetime.date`, rates a decimal string
(``"6%"`` → ``"0.06"``), names and codes NFKC without inner spaces (CONTRACT value formats).
:func:`line_item` builds one line item, :func:`finish` derives item names, the tax rate and
the red-letter flag and drops empty values; :func:`structured_lines` prints the result as
``label：value`` lines under :data:`PRINTED_LABELS`.

>>> normalize_rate("13.00%"), normalize_rate("0.06"), normalize_rate("免税")
('0.13', '0.06', '0')
>>> str(parse_money("¥1,052,000,000.00")), parse_money("***")
('1052000000.00', None)
>>> parse_date("2020年07月23日").isoformat(), parse_date("20230707").isoformat()
('2020-07-23', '2023-07-07')
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from extractor.normalize import parse_date as _parse_date
from extractor.normalize import parse_money as _parse_money
from extractor.normalize import round_money

# the labels an invoice prints next to each value (Chinese), in the order structured_lines
# writes them; the reviewer-facing names of CONTRACT fields live elsewhere (they differ:
# 「合计金额」 here is the invoice's own word)
PRINTED_LABELS: dict[str, str] = {
    "invoice_kind": "发票类型",
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "check_code": "校验码",
    "buyer_name": "购买方名称",
    "buyer_tax_id": "购买方纳税人识别号",
    "seller_name": "销售方名称",
    "seller_tax_id": "销售方纳税人识别号",
    "item_names": "项目名称",
    "tax_rate": "税率",
    "amount_excl_tax": "合计金额",
    "tax_amount": "合计税额",
    "total_incl_tax": "价税合计（小写）",
    "total_in_words": "价税合计（大写）",
    "red_letter": "红字发票",
    "original_invoice_code": "原发票代码",
    "original_invoice_number": "原发票号码",
}


_MONEY_RE = re.compile(r"[-−－]?\d+(?:\.\d+)?")


def parse_money(text: str | None) -> Decimal | None:
    """Decimal yuan from '¥1,234.50', '-100', '１００' (None when absent or '***')."""
    return None if text is None else _parse_money(str(text))


def parse_decimal(text: str | None) -> Decimal | None:
    """Decimal without rounding (quantities, unit prices)."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).replace(",", "").strip()
    m = _MONEY_RE.search(s)
    if not m:
        return None
    try:
        return Decimal(m.group(0))
    except InvalidOperation:
        return None


def parse_date(text: str | None) -> _dt.date | None:
    return _parse_date(str(text)) if text else None


def normalize_rate(text: str | None) -> str | None:
    """'6%' → '0.06'; '0.13' stays; 免税/不征税 → '0'."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if not s or s in {"***", "*"}:
        return None
    if any(w in s for w in ("免税", "不征税", "免征")):
        return "0"
    m = re.search(r"\d+(?:\.\d+)?", s)
    if not m:
        return None
    try:
        value = Decimal(m.group(0))
    except InvalidOperation:
        return None
    if "%" in s or value > 1:
        value = value / 100
    out = format(value.normalize(), "f")
    return "0" if out in {"0", "0.0"} else out


def clean_text(text: str | None) -> str | None:
    if text is None:
        return None
    s = text.strip()
    return s or None


def clean_name(text: str | None) -> str | None:
    """Names, ids and codes: NFKC, no inner spaces (CONTRACT value formats); None when empty."""
    s = clean_text(text)
    if s is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)) or None


def clean_id(text: str | None) -> str | None:
    s = clean_name(text)
    return s.upper() if s else None


def is_exempt(text: str | None) -> bool:
    return bool(text) and (text.strip().startswith("*") or "免税" in text or "不征税" in text)


# --------------------------------------------------------------------------- finishing


_RED_REMARK_RE = re.compile(
    r"(?:对应正数发票代码|原发票代码)[:：]?\s*(?P<code>\d{10,12})\s*(?:号码|原发票号码)[:：]?\s*(?P<num>\d{8,20})"
)
_RED_SHUDIAN_RE = re.compile(r"被红冲蓝字(?:数电)?发票号码[:：]?\s*(?P<num>\d{20})")


def finish(d: dict[str, Any], remark: str | None = None) -> dict[str, Any]:
    """Derive item_names / tax_rate / red_letter from line items and remarks; drop empties."""
    items: list[dict[str, Any]] = d.get("line_items") or []
    if items and not d.get("item_names"):
        names = []
        for it in items:
            n = it.get("name")
            if n and n not in names:
                names.append(n)
        if names:
            d["item_names"] = names
    if not d.get("tax_rate") and items:
        rates = [it.get("tax_rate") for it in items if it.get("tax_rate")]
        if rates:
            uniq = sorted(set(rates))
            if len(uniq) == 1:
                d["tax_rate"] = uniq[0]
            else:
                # several rates: the rate of the largest line, and all of them
                best = max(items, key=lambda it: abs(it.get("amount") or Decimal(0)))
                d["tax_rate"] = best.get("tax_rate") or uniq[0]
                d["tax_rates"] = uniq
    if remark:
        d.setdefault("remark", remark)
        m = _RED_REMARK_RE.search(unicodedata.normalize("NFKC", remark))
        if m:
            d.setdefault("original_invoice_code", m.group("code"))
            d.setdefault("original_invoice_number", m.group("num"))
            d["red_letter"] = True
        m2 = _RED_SHUDIAN_RE.search(unicodedata.normalize("NFKC", remark))
        if m2:
            d.setdefault("original_invoice_number", m2.group("num"))
            d["red_letter"] = True
    total = d.get("total_incl_tax")
    if isinstance(total, Decimal) and total < 0:
        d["red_letter"] = True
    d.setdefault("red_letter", False)
    return {k: v for k, v in d.items() if v not in (None, "", [])}


def line_item(
    name: str | None,
    spec: str | None = None,
    unit: str | None = None,
    quantity: str | None = None,
    unit_price: str | None = None,
    amount: str | None = None,
    tax_rate: str | None = None,
    tax_amount: str | None = None,
) -> dict[str, Any]:
    it = {
        "name": clean_text(name),
        "spec": clean_text(spec),
        "unit": clean_text(unit),
        "quantity": parse_decimal(quantity),
        "unit_price": parse_decimal(unit_price),
        "amount": parse_money(amount),
        "tax_rate": normalize_rate(tax_rate),
        "tax_amount": parse_money(tax_amount),
    }
    if tax_amount and is_exempt(tax_amount):
        it["tax_amount"] = Decimal("0.00")
    return {k: v for k, v in it.items() if v is not None}


def structured_lines(d: dict[str, Any]) -> list[str]:
    """'label：value' text lines for a structured invoice (what a human or classifier reads)."""
    out: list[str] = []
    title = d.get("invoice_kind") or "电子发票"
    out.append(f"{title}（结构化数据）")
    for key, label in PRINTED_LABELS.items():
        if key == "invoice_kind" or key not in d:
            continue
        v = d[key]
        if key == "red_letter":
            if v:
                out.append(f"{label}：是")
            continue
        if isinstance(v, Decimal):
            s = f"¥{round_money(v):f}"
        elif isinstance(v, _dt.date):
            s = f"{v.year}年{v.month:02d}月{v.day:02d}日"
        elif isinstance(v, list):
            s = "；".join(str(x) for x in v)
        elif key == "tax_rate":
            try:
                s = f"{(Decimal(v) * 100).normalize():f}%"
            except InvalidOperation:
                s = str(v)
        else:
            s = str(v)
        out.append(f"{label}：{s}")
    for i, it in enumerate(d.get("line_items") or [], 1):
        parts = [f"{i}. {it.get('name', '')}"]
        for k, lab in (("spec", "规格"), ("unit", "单位"), ("quantity", "数量"), ("unit_price", "单价")):
            if k in it:
                parts.append(f"{lab} {it[k]}")
        if "amount" in it:
            parts.append(f"金额 {round_money(it['amount']):f}")
        if "tax_rate" in it:
            parts.append(f"税率 {it['tax_rate']}")
        if "tax_amount" in it:
            parts.append(f"税额 {round_money(it['tax_amount']):f}")
        out.append("明细 " + " ".join(parts))
    return out

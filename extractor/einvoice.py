"""Structured e-invoice data: the XML that travels with (or inside) an electronic invoice.

Four sources are understood, all mapped onto the CONTRACT section 4 invoice keys
(``invoice_kind, invoice_code, invoice_number, issue_date, buyer_name, buyer_tax_id,
seller_name, seller_tax_id, item_names, tax_rate, amount_excl_tax, tax_amount,
total_incl_tax, total_in_words, check_code``) plus ``red_letter``,
``original_invoice_code``/``original_invoice_number``, ``line_items`` and ``source``:

* ``xml`` – the 2019 tax-bureau e-invoice XML (``original_invoice.xml``, namespace
  ``http://www.edrm.org.cn/schema/e-invoice/2019``: ``InvoiceNo``, ``Buyer/BuyerTaxID`` …);
* ``xml`` – the 数电票 (fully digitalised e-invoice) XML, root ``EInvoice``:
  ``TaxSupervisionInfo/InvoiceNumber``, ``IssueTime``, ``EInvoiceData/BuyerInformation``,
  ``BasicInformation/TotalAmWithoutTax|TotalTaxAm|TotalTax-includedAmount`` (the
  invoice totals — never the per-line ``TotaltaxIncludedAmount``), ``IssuItemInformation``;
* ``xbrl`` – 财政部 e-voucher XBRL instances (taxonomy ``xbrl.mof.gov.cn/.../inv``);
* ``ofd_tags`` – an OFD's ``CustomTag`` file, which maps semantic names (``InvoiceNo``,
  ``TaxInclusiveTotalAmount`` …) to TextObject ids on the page; plus the OFD.xml
  ``CustomData`` pairs (``发票号码`` …) as a last resort (``ofd_customdata``).

Money is :class:`~decimal.Decimal`, dates :class:`datetime.date`, rates a decimal string
(``"6%"`` → ``"0.06"``). A tax printed as ``***`` (tax-exempt) becomes ``tax_amount = 0``
with ``tax_exempt = True`` and ``tax_rate = "0"``, so arithmetic checks still work.

All XML is parsed without entity expansion, DTD loading or network access
(:func:`safe_xml`); a document type declaration with entities is refused.

>>> d = parse_einvoice_xml(
...     "<EInvoice><EInvoiceData><BasicInformation><TotalAmWithoutTax>100</TotalAmWithoutTax>"
...     "<TotalTaxAm>6</TotalTaxAm><TotalTax-includedAmount>106</TotalTax-includedAmount>"
...     "</BasicInformation></EInvoiceData><TaxSupervisionInfo><InvoiceNumber>24350000000000000001"
...     "</InvoiceNumber><IssueTime>2024-03-01 10:00:00</IssueTime></TaxSupervisionInfo></EInvoice>".encode())
>>> d["invoice_number"], d["issue_date"].isoformat(), str(d["total_incl_tax"]), d["source"]
('24350000000000000001', '2024-03-01', '106.00', 'xml')
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
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from lxml import etree

from extractor.normalize import parse_date as _parse_date
from extractor.normalize import parse_money as _parse_money
from extractor.normalize import round_money
from extractor.ofd_page import OfdDocument
from extractor.qr import QR_TYPE_NAMES

# XmlRefused and safe_xml moved to extractor.safexml; re-exported for callers outside extractor
from extractor.safexml import XmlRefused, local, safe_xml

if TYPE_CHECKING:
    from extractor.zipsafe import SafeZip

__all__ = [
    "FIELD_LABELS",
    "XmlRefused",
    "einvoice_from_ofd",
    "normalize_rate",
    "parse_date",
    "parse_einvoice_xml",
    "parse_money",
    "safe_xml",
    "structured_lines",
]

EDRM_NS = "http://www.edrm.org.cn/schema/e-invoice/2019"
XBRL_INV_NS_PREFIX = "http://xbrl.mof.gov.cn/taxonomy/"

# Chinese labels used when structured data is shown as text (and by the reviewer UI).
FIELD_LABELS: dict[str, str] = {
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

# GraphCode / QR "type" field → printed invoice kind (one table, in extractor.qr)
_TYPE_CODES = QR_TYPE_NAMES


# --------------------------------------------------------------------------- value parsing

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


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    s = text.strip()
    return s or None


def _clean_name(text: str | None) -> str | None:
    """Names/ids: NFKC, no inner spaces (CONTRACT value formats)."""
    s = _clean(text)
    if s is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _clean_id(text: str | None) -> str | None:
    s = _clean_name(text)
    return s.upper() if s else None


def _clean_digits(text: str | None) -> str | None:
    s = _clean_name(text)
    return s if s else None


def _is_exempt(text: str | None) -> bool:
    return bool(text) and (text.strip().startswith("*") or "免税" in text or "不征税" in text)


# --------------------------------------------------------------------------- finishing


_RED_REMARK_RE = re.compile(
    r"(?:对应正数发票代码|原发票代码)[:：]?\s*(?P<code>\d{10,12})\s*(?:号码|原发票号码)[:：]?\s*(?P<num>\d{8,20})"
)
_RED_SHUDIAN_RE = re.compile(r"被红冲蓝字(?:数电)?发票号码[:：]?\s*(?P<num>\d{20})")


def _finish(d: dict[str, Any], remark: str | None = None) -> dict[str, Any]:
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


def _item(
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
        "name": _clean(name),
        "spec": _clean(spec),
        "unit": _clean(unit),
        "quantity": parse_decimal(quantity),
        "unit_price": parse_decimal(unit_price),
        "amount": parse_money(amount),
        "tax_rate": normalize_rate(tax_rate),
        "tax_amount": parse_money(tax_amount),
    }
    if tax_amount and _is_exempt(tax_amount):
        it["tax_amount"] = Decimal("0.00")
    return {k: v for k, v in it.items() if v is not None}


# --------------------------------------------------------------------------- edrm 2019 XML


def _children_by_local(el: etree._Element) -> dict[str, etree._Element]:
    out: dict[str, etree._Element] = {}
    for ch in el:
        name = local(ch.tag)
        if name and name not in out:
            out[name] = ch
    return out


def _first_text(root: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of ``names`` (in priority order)."""
    wanted = {n.lower(): i for i, n in enumerate(names)}
    best: tuple[int, str] | None = None
    for el in root.iter():
        ln = local(el.tag).lower()
        if ln in wanted:
            txt = _clean("".join(el.itertext()))
            if txt is None:
                continue
            rank = wanted[ln]
            if best is None or rank < best[0]:
                best = (rank, txt)
                if rank == 0:
                    break
    return best[1] if best else None


def _kind_from_graphcode(graph: str | None) -> str | None:
    if not graph:
        return None
    parts = [p.strip() for p in graph.split(",")]
    if len(parts) > 1:
        return _TYPE_CODES.get(parts[1])
    return None


def _parse_edrm(root: etree._Element) -> dict[str, Any]:
    def t(*names: str) -> str | None:
        return _first_text(root, *names)

    items = []
    for gi in root.iter():
        if local(gi.tag) != "GoodsInfo":
            continue
        c = {k: _clean("".join(v.itertext())) for k, v in _children_by_local(gi).items()}
        items.append(
            _item(
                c.get("Item"),
                c.get("Specification"),
                c.get("MeasurementDimension"),
                c.get("Quantity"),
                c.get("Price"),
                c.get("Amount"),
                c.get("TaxScheme"),
                c.get("TaxAmount"),
            )
        )
    tax_text = t("TaxTotalAmount")
    d: dict[str, Any] = {
        "source": "xml",
        "format": "edrm-2019",
        "invoice_kind": _kind_from_graphcode(t("GraphCode")),
        "invoice_code": _clean_digits(t("InvoiceCode")),
        "invoice_number": _clean_digits(t("InvoiceNo")),
        "issue_date": parse_date(t("IssueDate")),
        "check_code": _clean_digits(t("InvoiceCheckCode")),
        "buyer_name": _clean_name(t("BuyerName")),
        "buyer_tax_id": _clean_id(t("BuyerTaxID")),
        "seller_name": _clean_name(t("SellerName")),
        "seller_tax_id": _clean_id(t("SellerTaxID")),
        "amount_excl_tax": parse_money(t("TaxExclusiveTotalAmount")),
        "tax_amount": parse_money(tax_text),
        "total_incl_tax": parse_money(t("TaxInclusiveTotalAmount")),
        "machine_no": _clean_digits(t("MachineNo")),
        "line_items": [i for i in items if i],
    }
    if tax_text and _is_exempt(tax_text):
        d["tax_amount"] = Decimal("0.00")
        d["tax_exempt"] = True
        d["tax_rate"] = "0"
    type_code = t("TypeCode")
    if type_code and type_code.strip() == "1":
        d["red_letter"] = True
    return _finish(d, t("Note"))


# --------------------------------------------------------------------------- 数电 EInvoice


def _parse_shudian(root: etree._Element) -> dict[str, Any]:
    def under(container: str, *names: str) -> str | None:
        for el in root.iter():
            if local(el.tag) == container:
                v = _first_text(el, *names)
                if v is not None:
                    return v
        return None

    basic = next((el for el in root.iter() if local(el.tag) == "BasicInformation"), None)

    def b(*names: str) -> str | None:
        return _first_text(basic, *names) if basic is not None else None

    items = []
    for el in root.iter():
        if local(el.tag) != "IssuItemInformation":
            continue
        c = {k: _clean("".join(v.itertext())) for k, v in _children_by_local(el).items()}
        items.append(
            _item(
                c.get("ItemName"),
                c.get("SpecMod"),
                c.get("MeaUnits"),
                c.get("Quantity"),
                c.get("UnPrice"),
                c.get("Amount"),
                c.get("TaxRate"),
                c.get("ComTaxAm"),
            )
        )
    label = under("GeneralOrSpecialVAT", "LabelName")
    kind = None
    if label:
        kind = label if label.startswith("电子发票") else f"电子发票（{label}）"
    number = under("TaxSupervisionInfo", "InvoiceNumber") or _first_text(root, "EIid", "InvoiceNumber")
    d: dict[str, Any] = {
        "source": "xml",
        "format": "shudian",
        "invoice_kind": kind,
        "invoice_number": _clean_digits(number),
        "issue_date": parse_date(under("TaxSupervisionInfo", "IssueTime") or b("RequestTime")),
        "buyer_name": _clean_name(under("BuyerInformation", "BuyerName")),
        "buyer_tax_id": _clean_id(under("BuyerInformation", "BuyerIdNum")),
        "seller_name": _clean_name(under("SellerInformation", "SellerName")),
        "seller_tax_id": _clean_id(under("SellerInformation", "SellerIdNum")),
        "amount_excl_tax": parse_money(b("TotalAmWithoutTax")),
        "tax_amount": parse_money(b("TotalTaxAm")),
        "total_incl_tax": parse_money(b("TotalTax-includedAmount", "TotalTaxincludedAmount")),
        "total_in_words": _clean(
            b(
                "TotalTax-includedAmountInChinese",
                "TotalTaxIncludedAmountInChinese",
                "TotalTax-includedAmountInWords",
            )
        ),
        "line_items": [i for i in items if i],
    }
    # red-letter (红字) invoices: any element named like Red*/OriginalInvoice*/BlueInvoice*
    for el in root.iter():
        ln = local(el.tag)
        low = ln.lower()
        text = _clean("".join(el.itertext())) if len(el) == 0 else None
        if low.startswith(("redeinvoice", "redinvoice")) or low in {"redletter", "redflag"}:
            if len(el) or (text and text.upper() not in {"N", "0", "FALSE", "否"}):
                d["red_letter"] = True
        if text and (low.startswith(("originalinvoice", "originaleinvoice", "blueinvoice", "origininvoice"))):
            if low.endswith(("code", "dm")) and not low.endswith("checkcode"):
                d["original_invoice_code"] = _clean_digits(text)
                d["red_letter"] = True
            elif low.endswith(("number", "no", "num", "eiid", "hm")):
                d["original_invoice_number"] = _clean_digits(text)
                d["red_letter"] = True
    return _finish(d, _first_text(root, "Remark", "Note"))


# --------------------------------------------------------------------------- XBRL


def _parse_xbrl(root: etree._Element) -> dict[str, Any]:
    def t(*names: str) -> str | None:
        return _first_text(root, *names)

    items = []
    for el in root.iter():
        if not local(el.tag).startswith("InformationOfTaxableGoodsOrServices"):
            continue
        c = {k: _clean("".join(v.itertext())) for k, v in _children_by_local(el).items()}
        items.append(
            _item(
                c.get("NameOfTaxableGoodsOrServices"),
                c.get("Specification"),
                c.get("UnitOfGoodsOrServices"),
                c.get("QuantityOfGoodsOrServices"),
                c.get("UnitPriceOfGoodsOrServices"),
                c.get("AmountExcludingTax"),
                c.get("TaxRate"),
                c.get("TaxAmount"),
            )
        )
    tax_text = t("TotalTaxAmount")
    d: dict[str, Any] = {
        "source": "xbrl",
        "format": "mof-xbrl",
        "invoice_kind": _clean(t("TypeOfInvoice")),
        "invoice_code": _clean_digits(t("CodeOfInvoice")),
        "invoice_number": _clean_digits(t("NumberOfInvoice")),
        "issue_date": parse_date(t("DateOfIssue")),
        "check_code": _clean_digits(t("IdentifyingCode")),
        "buyer_name": _clean_name(t("NameOfPurchaser")),
        "buyer_tax_id": _clean_id(t("TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfPurchaser")),
        "seller_name": _clean_name(t("NameOfSeller")),
        "seller_tax_id": _clean_id(t("TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfSeller")),
        "amount_excl_tax": parse_money(t("TotalAmountExcludingTax")),
        "tax_amount": parse_money(tax_text),
        "total_incl_tax": parse_money(t("TaxIncludedAmountInFigures")),
        "total_in_words": _clean(t("TaxIncludedAmountInWords")),
        "unique_code": _clean_digits(t("UniqueCodeOfInvoice")),
        "line_items": [i for i in items if i],
    }
    special = t("SpecialInvoiceType", "InvoiceIssuingSign")
    if special and "红" in special:
        d["red_letter"] = True
    return _finish(d, t("Remarks"))


# --------------------------------------------------------------------------- public


def _detect(root: etree._Element) -> Callable[[etree._Element], dict[str, Any]] | None:
    name = local(root.tag)
    nsmap = {v for v in (root.nsmap or {}).values() if v}
    if name == "xbrl" and any(str(v).startswith(XBRL_INV_NS_PREFIX) for v in nsmap):
        return _parse_xbrl
    if name == "xbrl":
        # XBRL without the inv taxonomy namespace declared on the root: look at the facts
        if any(local(el.tag) in {"NumberOfInvoice", "TypeOfInvoice"} for el in root.iter()):
            return _parse_xbrl
        return None
    if name == "EInvoice" and any(
        local(el.tag) in {"EInvoiceData", "TaxSupervisionInfo", "BasicInformation"} for el in root.iter()
    ):
        return _parse_shudian
    if name.lower() == "einvoice" or EDRM_NS in nsmap:
        if any(
            local(el.tag) in {"InvoiceNo", "InvoiceCode", "TaxInclusiveTotalAmount"} for el in root.iter()
        ):
            # a CustomTag file has the same names but ObjectRef children: not data
            if any(local(el.tag) == "ObjectRef" for el in root.iter()):
                return None
            return _parse_edrm
    return None


def is_einvoice_root(root: etree._Element) -> bool:
    return _detect(root) is not None


def parse_einvoice_root(root: etree._Element) -> dict[str, Any] | None:
    fn = _detect(root)
    if fn is None:
        return None
    d = fn(root)
    return d if any(k in d for k in ("invoice_number", "total_incl_tax", "seller_name")) else None


def parse_einvoice_xml(data: bytes, max_bytes: int = 50 * 1024 * 1024) -> dict[str, Any] | None:
    """Structured invoice data from e-invoice XML bytes, or None when it is not one.

    Raises nothing for bad input: unparsable or refused XML gives None (callers that need
    the reason call :func:`safe_xml` themselves).
    """
    try:
        root = safe_xml(data, max_bytes)
    except XmlRefused:
        return None
    return parse_einvoice_root(root)


# --------------------------------------------------------------------------- OFD tags

# tag local name → (key, kind)
_TAG_KEYS: dict[str, tuple[str, str]] = {
    "InvoiceCode": ("invoice_code", "digits"),
    "InvoiceNo": ("invoice_number", "digits"),
    "InvoiceNumber": ("invoice_number", "digits"),
    "IssueDate": ("issue_date", "date"),
    "InvoiceCheckCode": ("check_code", "digits"),
    "BuyerName": ("buyer_name", "name"),
    "BuyerTaxID": ("buyer_tax_id", "id"),
    "SellerName": ("seller_name", "name"),
    "SellerTaxID": ("seller_tax_id", "id"),
    "TaxExclusiveTotalAmount": ("amount_excl_tax", "money"),
    "TaxTotalAmount": ("tax_amount", "money"),
    "TaxInclusiveTotalAmount": ("total_incl_tax", "money"),
    "TaxInclusiveTotalAmountInWords": ("total_in_words", "text"),
    "MachineNo": ("machine_no", "digits"),
}
_TAG_ITEM_KEYS = {
    "Item": "name",
    "Specification": "spec",
    "MeasurementDimension": "unit",
    "Quantity": "quantity",
    "Price": "unit_price",
    "Amount": "amount",
    "TaxScheme": "tax_rate",
    "TaxAmount": "tax_amount",
}

_CUSTOMDATA_KEYS: dict[str, tuple[str, str]] = {
    "发票代码": ("invoice_code", "digits"),
    "发票号码": ("invoice_number", "digits"),
    "开票日期": ("issue_date", "date"),
    "校验码": ("check_code", "digits"),
    "购买方名称": ("buyer_name", "name"),
    "购买方纳税人识别号": ("buyer_tax_id", "id"),
    "销售方名称": ("seller_name", "name"),
    "销售方纳税人识别号": ("seller_tax_id", "id"),
    "合计金额": ("amount_excl_tax", "money"),
    "合计税额": ("tax_amount", "money"),
    "价税合计": ("total_incl_tax", "money"),
}


def _convert(kind: str, text: str | None) -> Any:
    if text is None:
        return None
    if kind == "digits":
        return _clean_digits(text)
    if kind == "date":
        return parse_date(text)
    if kind == "name":
        return _clean_name(text)
    if kind == "id":
        return _clean_id(text)
    if kind == "money":
        return parse_money(text)
    return _clean(text)


def _refs_text(el: etree._Element, texts: dict[tuple[str, str], str], any_page: dict[str, str]) -> str | None:
    parts = []
    for ref in el.iter():
        if local(ref.tag) != "ObjectRef":
            continue
        oid = (ref.text or "").strip()
        page = (ref.get("PageRef") or "").strip()
        val = texts.get((page, oid))
        if val is None:
            val = any_page.get(oid)
        if val is not None:
            parts.append(val)
    if not parts:
        return None
    return "".join(parts)


def _from_tags(tag_root: etree._Element, texts: dict[tuple[str, str], str]) -> dict[str, Any]:
    any_page = {oid: v for (_p, oid), v in texts.items()}
    d: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    loose: dict[str, Any] = {}
    tax_text: str | None = None
    for el in tag_root.iter():
        name = local(el.tag)
        if name == "GoodsInfo":
            raw = {}
            for ch in el:
                cname = local(ch.tag)
                if cname in _TAG_ITEM_KEYS:
                    raw[_TAG_ITEM_KEYS[cname]] = _refs_text(ch, texts, any_page)
            items.append(_item(**raw))
            continue
        in_goods = any(local(a.tag) == "GoodsInfo" for a in el.iterancestors())
        if in_goods:
            continue
        if name in _TAG_KEYS:
            key, kind = _TAG_KEYS[name]
            txt = _refs_text(el, texts, any_page)
            if name == "TaxTotalAmount":
                tax_text = txt
            val = _convert(kind, txt)
            if val is not None and key not in d:
                d[key] = val
        elif name in _TAG_ITEM_KEYS:
            txt = _refs_text(el, texts, any_page)
            if txt is not None:
                loose[_TAG_ITEM_KEYS[name]] = txt
    if loose:
        items.insert(0, _item(**loose))
    if tax_text and _is_exempt(tax_text):
        d["tax_amount"] = Decimal("0.00")
        d["tax_exempt"] = True
        d["tax_rate"] = "0"
    d["line_items"] = [i for i in items if i]
    return d


def _customdata(ofd_root: etree._Element) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for el in ofd_root.iter():
        if local(el.tag) != "CustomData":
            continue
        name = (el.get("Name") or "").strip()
        if name in _CUSTOMDATA_KEYS:
            key, kind = _CUSTOMDATA_KEYS[name]
            val = _convert(kind, el.text)
            if val is not None:
                d.setdefault(key, val)
    return d


_COMPARE_KEYS = (
    "invoice_code",
    "invoice_number",
    "issue_date",
    "buyer_tax_id",
    "seller_tax_id",
    "amount_excl_tax",
    "tax_amount",
    "total_incl_tax",
)


def einvoice_from_ofd(
    z: SafeZip,
    object_texts: dict[tuple[str, str], str] | None = None,
    *,
    max_xml_bytes: int = 50 * 1024 * 1024,
    warnings: list[str] | None = None,
) -> dict[str, Any] | None:
    """Structured invoice data of an OFD package (None when it carries none).

    Priority: an embedded e-invoice XML/XBRL attachment, then the CustomTag file
    (semantic tags resolved to the TextObjects they point at), then OFD.xml CustomData.
    Lower sources fill keys the higher one lacks; a disagreement between the
    attachment and the visible tagged text is recorded in ``mismatches`` (the printed
    layer and the embedded data should never differ).

    ``object_texts`` maps ``(page ID, object ID) → text``; computed from the package
    when omitted.
    """
    warnings = warnings if warnings is not None else []
    pkg = OfdDocument(z, max_xml_bytes=max_xml_bytes, warnings=warnings)
    candidates: list[dict[str, Any]] = []
    for name, data in pkg.attachment_xmls():
        d = parse_einvoice_xml(data, max_xml_bytes)
        if d:
            d["attachment"] = name
            candidates.append(d)
    tag_data: dict[str, Any] = {}
    tag_roots = pkg.custom_tag_roots()
    if tag_roots:
        if object_texts is None:
            object_texts = pkg.object_texts()
        for root in tag_roots:
            got = _from_tags(root, object_texts)
            for k, v in got.items():
                tag_data.setdefault(k, v)
        tag_data = _finish({"source": "ofd_tags", **tag_data})
    custom = pkg.custom_data()
    cd = _customdata(custom) if custom is not None else {}
    # attachments: prefer the edrm/shudian XML over XBRL when both exist
    candidates.sort(key=lambda d: 0 if d["source"] == "xml" else 1)
    result: dict[str, Any] | None = None
    sources: list[str] = []
    for cand in candidates:
        if result is None:
            result = dict(cand)
        else:
            for k, v in cand.items():
                result.setdefault(k, v)
        sources.append(cand["source"])
    has_tag_values = any(k in tag_data for k in _COMPARE_KEYS)
    if has_tag_values:
        if result is None:
            result = dict(tag_data)
        else:
            mismatches = []
            for k in _COMPARE_KEYS:
                if k in result and k in tag_data and result[k] != tag_data[k]:
                    mismatches.append({"field": k, "embedded": result[k], "printed": tag_data[k]})
            if mismatches:
                result["mismatches"] = mismatches
            for k, v in tag_data.items():
                if k not in {"source", "red_letter"}:
                    result.setdefault(k, v)
        sources.append("ofd_tags")
    if cd:
        if result is None:
            result = _finish({"source": "ofd_customdata", **cd})
        else:
            for k, v in cd.items():
                result.setdefault(k, v)
        sources.append("ofd_customdata")
    if result is None:
        return None
    result["sources"] = sources
    return result


def structured_lines(d: dict[str, Any]) -> list[str]:
    """'label：value' text lines for a structured invoice (what a human or classifier reads)."""
    out: list[str] = []
    title = d.get("invoice_kind") or "电子发票"
    out.append(f"{title}（结构化数据）")
    for key, label in FIELD_LABELS.items():
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

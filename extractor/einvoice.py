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

Each source is a table from its tags to CONTRACT keys (``EDRM``, ``SHUDIAN``, ``XBRL``,
``_TAG_KEYS``, ``_CUSTOMDATA_KEYS``) read by one converter per kind of source; the values
themselves (:mod:`extractor.einvoice_values`): money is :class:`~decimal.Decimal`, dates
:class:`datetime.date`, rates a decimal string (``"6%"`` → ``"0.06"``). A tax printed as ``***`` (tax-exempt) becomes ``tax_amount = 0``
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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree

from extractor.einvoice_values import (
    PRINTED_LABELS,
    clean_id,
    clean_name,
    clean_text,
    finish,
    is_exempt,
    line_item,
    normalize_rate,
    parse_date,
    parse_money,
    structured_lines,
)
from extractor.ofd_page import OfdDocument
from extractor.qr import QR_TYPE_NAMES

# XmlRefused and safe_xml moved to extractor.safexml; re-exported for callers outside extractor
from extractor.safexml import XmlRefused, local, safe_xml

if TYPE_CHECKING:
    from extractor.zipsafe import SafeZip

__all__ = [
    "PRINTED_LABELS",
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

# GraphCode / QR "type" field → printed invoice kind (one table, in extractor.qr)
_TYPE_CODES = QR_TYPE_NAMES


# --------------------------------------------------------------------------- XML formats
#
# One mapping per format: CONTRACT key → where its text is (element local names, in
# priority order, optionally only inside a container element) and how the text converts.
# :func:`_parse_format` is the one converter of the three formats; what a format does
# beyond the mapping (red-letter flags, the 数电 invoice kind) is its ``extra`` hook.


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
            txt = clean_text("".join(el.itertext()))
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


def _shudian_kind(label: str | None) -> str | None:
    if not label:
        return None
    return label if label.startswith("电子发票") else f"电子发票（{label}）"


# how the text of a field becomes its value (the OFD CustomTag/CustomData tables use them too)
CONVERTERS: dict[str, Callable[[str | None], Any]] = {
    "code": clean_name,
    "name": clean_name,
    "id": clean_id,
    "date": parse_date,
    "money": parse_money,
    "text": clean_text,
    "graphcode": _kind_from_graphcode,
    "shudian_kind": _shudian_kind,
}


@dataclass(frozen=True)
class Find:
    """Where a value's text is: the first element named one of ``names`` (priority order),
    anywhere, inside any ``within`` element (the first that has it), or only inside the
    first ``within`` element (``first_within``)."""

    names: tuple[str, ...]
    within: str | None = None
    first_within: bool = False

    def text(self, root: etree._Element) -> str | None:
        if self.within is None:
            return _first_text(root, *self.names)
        for el in root.iter():
            if local(el.tag) == self.within:
                v = _first_text(el, *self.names)
                if v is not None or self.first_within:
                    return v
        return None


def _f(*names: str, within: str | None = None, first_within: bool = False) -> Find:
    return Find(names, within, first_within)


@dataclass(frozen=True)
class XmlFormat:
    source: str  # ``source`` of the result: xml | xbrl
    name: str  # ``format`` of the result
    # CONTRACT key → (converter name, where to look: alternatives tried in order)
    fields: dict[str, tuple[str, tuple[Find, ...]]]
    items_tag: str  # local name (or its start, ``items_prefix``) of a line-item element
    # the line item's child for each of name, spec, unit, quantity, unit_price, amount,
    # tax_rate, tax_amount
    item_children: tuple[str, str, str, str, str, str, str, str]
    remark: tuple[str, ...]
    items_prefix: bool = False
    tax_exempt: bool = False  # a tax printed as ``***``/免税 makes tax_amount 0 and tax_rate "0"
    extra: Callable[[etree._Element, dict[str, Any]], None] | None = None


def _edrm_red(root: etree._Element, d: dict[str, Any]) -> None:
    type_code = _first_text(root, "TypeCode")
    if type_code and type_code.strip() == "1":
        d["red_letter"] = True


def _shudian_red(root: etree._Element, d: dict[str, Any]) -> None:
    """Red-letter (红字) invoices: any element named like Red*/OriginalInvoice*/BlueInvoice*."""
    for el in root.iter():
        ln = local(el.tag)
        low = ln.lower()
        text = clean_text("".join(el.itertext())) if len(el) == 0 else None
        if low.startswith(("redeinvoice", "redinvoice")) or low in {"redletter", "redflag"}:
            if len(el) or (text and text.upper() not in {"N", "0", "FALSE", "否"}):
                d["red_letter"] = True
        if text and (low.startswith(("originalinvoice", "originaleinvoice", "blueinvoice", "origininvoice"))):
            if low.endswith(("code", "dm")) and not low.endswith("checkcode"):
                d["original_invoice_code"] = clean_name(text)
                d["red_letter"] = True
            elif low.endswith(("number", "no", "num", "eiid", "hm")):
                d["original_invoice_number"] = clean_name(text)
                d["red_letter"] = True


def _xbrl_red(root: etree._Element, d: dict[str, Any]) -> None:
    special = _first_text(root, "SpecialInvoiceType", "InvoiceIssuingSign")
    if special and "红" in special:
        d["red_letter"] = True


# the 2019 tax-bureau e-invoice XML (namespace EDRM_NS)
EDRM = XmlFormat(
    source="xml",
    name="edrm-2019",
    fields={
        "invoice_kind": ("graphcode", (_f("GraphCode"),)),
        "invoice_code": ("code", (_f("InvoiceCode"),)),
        "invoice_number": ("code", (_f("InvoiceNo"),)),
        "issue_date": ("date", (_f("IssueDate"),)),
        "check_code": ("code", (_f("InvoiceCheckCode"),)),
        "buyer_name": ("name", (_f("BuyerName"),)),
        "buyer_tax_id": ("id", (_f("BuyerTaxID"),)),
        "seller_name": ("name", (_f("SellerName"),)),
        "seller_tax_id": ("id", (_f("SellerTaxID"),)),
        "amount_excl_tax": ("money", (_f("TaxExclusiveTotalAmount"),)),
        "tax_amount": ("money", (_f("TaxTotalAmount"),)),
        "total_incl_tax": ("money", (_f("TaxInclusiveTotalAmount"),)),
        "machine_no": ("code", (_f("MachineNo"),)),
    },
    items_tag="GoodsInfo",
    item_children=(
        "Item",
        "Specification",
        "MeasurementDimension",
        "Quantity",
        "Price",
        "Amount",
        "TaxScheme",
        "TaxAmount",
    ),
    remark=("Note",),
    tax_exempt=True,
    extra=_edrm_red,
)

# the 数电票 (fully digitalised e-invoice) XML, root EInvoice: the invoice totals of
# BasicInformation, never the per-line TotaltaxIncludedAmount
SHUDIAN = XmlFormat(
    source="xml",
    name="shudian",
    fields={
        "invoice_kind": ("shudian_kind", (_f("LabelName", within="GeneralOrSpecialVAT"),)),
        "invoice_number": (
            "code",
            (_f("InvoiceNumber", within="TaxSupervisionInfo"), _f("EIid", "InvoiceNumber")),
        ),
        "issue_date": (
            "date",
            (
                _f("IssueTime", within="TaxSupervisionInfo"),
                _f("RequestTime", within="BasicInformation", first_within=True),
            ),
        ),
        "buyer_name": ("name", (_f("BuyerName", within="BuyerInformation"),)),
        "buyer_tax_id": ("id", (_f("BuyerIdNum", within="BuyerInformation"),)),
        "seller_name": ("name", (_f("SellerName", within="SellerInformation"),)),
        "seller_tax_id": ("id", (_f("SellerIdNum", within="SellerInformation"),)),
        "amount_excl_tax": (
            "money",
            (_f("TotalAmWithoutTax", within="BasicInformation", first_within=True),),
        ),
        "tax_amount": ("money", (_f("TotalTaxAm", within="BasicInformation", first_within=True),)),
        "total_incl_tax": (
            "money",
            (
                _f(
                    "TotalTax-includedAmount",
                    "TotalTaxincludedAmount",
                    within="BasicInformation",
                    first_within=True,
                ),
            ),
        ),
        "total_in_words": (
            "text",
            (
                _f(
                    "TotalTax-includedAmountInChinese",
                    "TotalTaxIncludedAmountInChinese",
                    "TotalTax-includedAmountInWords",
                    within="BasicInformation",
                    first_within=True,
                ),
            ),
        ),
    },
    items_tag="IssuItemInformation",
    item_children=("ItemName", "SpecMod", "MeaUnits", "Quantity", "UnPrice", "Amount", "TaxRate", "ComTaxAm"),
    remark=("Remark", "Note"),
    extra=_shudian_red,
)

# 财政部 e-voucher XBRL instances (taxonomy xbrl.mof.gov.cn/.../inv)
XBRL = XmlFormat(
    source="xbrl",
    name="mof-xbrl",
    fields={
        "invoice_kind": ("text", (_f("TypeOfInvoice"),)),
        "invoice_code": ("code", (_f("CodeOfInvoice"),)),
        "invoice_number": ("code", (_f("NumberOfInvoice"),)),
        "issue_date": ("date", (_f("DateOfIssue"),)),
        "check_code": ("code", (_f("IdentifyingCode"),)),
        "buyer_name": ("name", (_f("NameOfPurchaser"),)),
        "buyer_tax_id": ("id", (_f("TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfPurchaser"),)),
        "seller_name": ("name", (_f("NameOfSeller"),)),
        "seller_tax_id": ("id", (_f("TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfSeller"),)),
        "amount_excl_tax": ("money", (_f("TotalAmountExcludingTax"),)),
        "tax_amount": ("money", (_f("TotalTaxAmount"),)),
        "total_incl_tax": ("money", (_f("TaxIncludedAmountInFigures"),)),
        "total_in_words": ("text", (_f("TaxIncludedAmountInWords"),)),
        "unique_code": ("code", (_f("UniqueCodeOfInvoice"),)),
    },
    items_tag="InformationOfTaxableGoodsOrServices",
    items_prefix=True,
    item_children=(
        "NameOfTaxableGoodsOrServices",
        "Specification",
        "UnitOfGoodsOrServices",
        "QuantityOfGoodsOrServices",
        "UnitPriceOfGoodsOrServices",
        "AmountExcludingTax",
        "TaxRate",
        "TaxAmount",
    ),
    remark=("Remarks",),
    extra=_xbrl_red,
)


def _field_text(root: etree._Element, finds: tuple[Find, ...]) -> str | None:
    for find in finds:
        v = find.text(root)
        if v is not None:
            return v
    return None


def _parse_format(fmt: XmlFormat, root: etree._Element) -> dict[str, Any]:
    """The CONTRACT invoice keys of one e-invoice XML document in format ``fmt``."""
    items = []
    for el in root.iter():
        ln = local(el.tag)
        if not (ln.startswith(fmt.items_tag) if fmt.items_prefix else ln == fmt.items_tag):
            continue
        c = {k: clean_text("".join(v.itertext())) for k, v in _children_by_local(el).items()}
        items.append(line_item(*(c.get(name) for name in fmt.item_children)))
    d: dict[str, Any] = {"source": fmt.source, "format": fmt.name}
    texts: dict[str, str | None] = {}
    for key, (conv, finds) in fmt.fields.items():
        texts[key] = _field_text(root, finds)
        d[key] = CONVERTERS[conv](texts[key])
    d["line_items"] = [i for i in items if i]
    tax_text = texts.get("tax_amount")
    if fmt.tax_exempt and tax_text and is_exempt(tax_text):
        d["tax_amount"] = Decimal("0.00")
        d["tax_exempt"] = True
        d["tax_rate"] = "0"
    if fmt.extra is not None:
        fmt.extra(root, d)
    return finish(d, _first_text(root, *fmt.remark))


def _parse_edrm(root: etree._Element) -> dict[str, Any]:
    return _parse_format(EDRM, root)


def _parse_shudian(root: etree._Element) -> dict[str, Any]:
    return _parse_format(SHUDIAN, root)


def _parse_xbrl(root: etree._Element) -> dict[str, Any]:
    return _parse_format(XBRL, root)


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
    "InvoiceCode": ("invoice_code", "code"),
    "InvoiceNo": ("invoice_number", "code"),
    "InvoiceNumber": ("invoice_number", "code"),
    "IssueDate": ("issue_date", "date"),
    "InvoiceCheckCode": ("check_code", "code"),
    "BuyerName": ("buyer_name", "name"),
    "BuyerTaxID": ("buyer_tax_id", "id"),
    "SellerName": ("seller_name", "name"),
    "SellerTaxID": ("seller_tax_id", "id"),
    "TaxExclusiveTotalAmount": ("amount_excl_tax", "money"),
    "TaxTotalAmount": ("tax_amount", "money"),
    "TaxInclusiveTotalAmount": ("total_incl_tax", "money"),
    "TaxInclusiveTotalAmountInWords": ("total_in_words", "text"),
    "MachineNo": ("machine_no", "code"),
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
    "发票代码": ("invoice_code", "code"),
    "发票号码": ("invoice_number", "code"),
    "开票日期": ("issue_date", "date"),
    "校验码": ("check_code", "code"),
    "购买方名称": ("buyer_name", "name"),
    "购买方纳税人识别号": ("buyer_tax_id", "id"),
    "销售方名称": ("seller_name", "name"),
    "销售方纳税人识别号": ("seller_tax_id", "id"),
    "合计金额": ("amount_excl_tax", "money"),
    "合计税额": ("tax_amount", "money"),
    "价税合计": ("total_incl_tax", "money"),
}


def _convert(kind: str, text: str | None) -> Any:
    return None if text is None else CONVERTERS[kind](text)


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
            items.append(line_item(**raw))
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
        items.insert(0, line_item(**loose))
    if tax_text and is_exempt(tax_text):
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
        tag_data = finish({"source": "ofd_tags", **tag_data})
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
            result = finish({"source": "ofd_customdata", **cd})
        else:
            for k, v in cd.items():
                result.setdefault(k, v)
        sources.append("ofd_customdata")
    if result is None:
        return None
    result["sources"] = sources
    return result

"""From a read file to contract Documents: classify, split, extract fields.

Pure over the page model: ``ReadResult -> list[Document]``; no I/O, no OCR.
Structured e-invoice data (OFD tags, XML, XBRL) overrides text-derived invoice
fields, because it is exact (most exact source wins: XML > OFD structured > text).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from extractor.classify import Segment, classify_pages
from extractor.fields import extract_fields
from extractor.glyph_choice import chosen_glyphs
from extractor.profile import ExtractionProfile
from extractor.qr import qr_amount_field, qr_field
from extractor.script import printed_fields, printed_map, simplified_view
from models.contract import CONTRACT_FIELDS, Document, FieldValue
from models.page import Page, ReadResult
from models.signature import SignatureCheck

STRUCTURED_SOURCE_CONFIDENCE = {"xml": 1.0, "xbrl": 1.0, "ofd_tags": 0.99}
# structured e-invoice data fills the contract's invoice fields and the red-letter links
INVOICE_KEYS = (*CONTRACT_FIELDS["invoice"], "red_letter", "original_invoice_code", "original_invoice_number")


def _doc_method(pages: list[Page]) -> str:
    methods = {p.method for p in pages}
    if not methods:
        return "text"
    if len(methods) == 1:
        return next(iter(methods))
    return "mixed" if "ocr" in methods else sorted(methods)[0]


MONEY_KEYS = {"amount_excl_tax", "tax_amount", "total_incl_tax"}
DATE_KEYS = {"issue_date"}


def _coerce(key: str, value: Any) -> Any:
    """Structured values come back as strings after a JSON round-trip (the read cache)."""
    if isinstance(value, str):
        if key in MONEY_KEYS:
            try:
                return Decimal(value)
            except ArithmeticError:
                return value
        if key in DATE_KEYS:
            try:
                return _dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
    return value


def _structured_fields(data: dict[str, Any], page: int | None) -> dict[str, FieldValue]:
    source = str(data.get("source") or "xml")
    conf = STRUCTURED_SOURCE_CONFIDENCE.get(source, 0.98)
    out: dict[str, FieldValue] = {}
    for key in INVOICE_KEYS:
        value = data.get(key)
        if value is None or value == "" or value == []:
            continue
        out[key] = FieldValue(
            value=_coerce(key, value),
            page=page,
            confidence=conf,
            method=f"structured:{source}",
            source_text=str(value)[:200],
        )
    return out


def extract_documents(read: ReadResult, profile: ExtractionProfile | None = None) -> list[Document]:
    """Split one read file into logical documents with their fields.

    ``profile``: a call's direction words and added document types (None: the built-in ones).
    """
    if read.errors and not read.pages:
        return [
            Document(
                file=read.file,
                sha256=read.sha256,
                doc_type="other",
                pages=[],
                method="text",
                errors=list(read.errors),
            )
        ]
    docs: list[Document] = []
    # traditional pages are classified and read in a simplified view (extractor.script)
    view, traditional = simplified_view(read.pages)
    # the OCR's unsure glyphs chosen again by the words around them (not on traditional pages)
    view = chosen_glyphs(view, skip=traditional)
    by_number = {p.number: p for p in view}
    printed = {p.number: p for p in read.pages}
    extra = profile.doc_types if profile is not None else ()
    segments = classify_pages(view, extra) if view else []
    if read.structured and not any(s.doc_type == "invoice" for s in segments):
        # A structured e-invoice (XML) is an invoice whatever its text looks like.

        segments = [
            Segment(doc_type="invoice", pages=[p.number for p in read.pages], confidence=1.0, title=None)
        ]
    for seg in segments:
        pages = [by_number[n] for n in seg.pages if n in by_number]
        errors: list[str] = []
        try:
            fields = extract_fields(seg.doc_type, pages, profile)
        except Exception as exc:  # an extractor bug must not lose the document
            fields = {}
            errors.append(f"字段提取失败：{type(exc).__name__}")
        trad = [n for n in seg.pages if n in traditional]
        if trad:
            table = printed_map([printed[n] for n in trad], [by_number[n] for n in trad])
            fields = printed_fields(fields, table)
        if seg.doc_type == "invoice" and "qr" not in fields:
            qr = qr_field(pages)
            if qr is not None:
                fields["qr"] = qr
        _missing_from_qr(fields)
        line_items: list[dict[str, Any]] = []
        items_fv = fields.pop("line_items", None)
        if items_fv is not None and isinstance(items_fv.value, list):
            line_items = items_fv.value
        if seg.doc_type == "invoice" and read.structured:
            structured = _structured_fields(read.structured, seg.pages[0] if seg.pages else None)
            for key, fv in structured.items():
                printed = fields.get(key)
                if printed is not None and fv.bbox is None:
                    # keep the printed position for highlighting, take the exact value
                    fv = fv.model_copy(update={"bbox": printed.bbox, "page": printed.page})
                fields[key] = fv
            if read.structured.get("line_items"):
                line_items = read.structured["line_items"]
        seals = None
        if any(p.seals_checked for p in pages):
            seals = [s.model_copy(update={"page": p.number}) for p in pages for s in p.seals]
        title = seg.title
        if title is None and "title" in fields:
            title = str(fields["title"].value)
        docs.append(
            Document(
                file=read.file,
                sha256=read.sha256,
                doc_type=seg.doc_type,
                pages=list(seg.pages),
                method="structured" if read.kind == "xml" else _doc_method(pages),
                fields=fields,
                errors=errors,
                title=title,
                classification_confidence=round(seg.confidence, 3),
                line_items=line_items,
                seals=seals,
            )
        )
    if not docs:
        docs.append(
            Document(
                file=read.file,
                sha256=read.sha256,
                doc_type="other",
                pages=[p.number for p in read.pages],
                method=read.method,
                errors=list(read.errors) or ["文件中未读出任何文字"],
            )
        )
    else:
        if read.errors:
            docs[0].errors = list(read.errors) + docs[0].errors
        if read.warnings:
            docs[0].warnings = list(read.warnings) + docs[0].warnings
        # page-level problems (an undecodable page, OCR unavailable) belong to the document
        # holding that page: its text is missing, so a reviewer must look
        for doc in docs:
            for n in doc.pages:
                page = by_number.get(n)
                if page is not None and page.warnings:
                    doc.errors.extend(page.warnings)
        _attach_signature(read, docs)
    return docs


def _missing_from_qr(fields: dict[str, FieldValue]) -> None:
    """What an invoice's face did not give, taken from its QR (method ``qr``, confidence at
    most 0.8): the kind from the QR's type when the printed title could not be read (a seal
    over it, a cut photo: 10 → 增值税电子普通发票), and number, code, date, check code and
    the QR's amount when their printed values were not read. A printed value read is kept,
    and verifiers.qr compares only printed values with the QR."""
    qr = fields.get("qr")
    if qr is None or not isinstance(qr.value, dict):
        return
    q = qr.value
    confidence = min(qr.confidence, 0.8)
    if "invoice_kind" not in fields and q.get("type_name"):
        fields["invoice_kind"] = qr.model_copy(update={"value": q["type_name"], "confidence": confidence})
    values = {key: q.get(key) for key in ("invoice_code", "invoice_number", "issue_date", "check_code")}
    amount_key = qr_amount_field(q)
    if amount_key is not None:
        values[amount_key] = q.get("amount")
    for key, value in values.items():
        if key not in fields and value not in (None, ""):
            fields[key] = qr.model_copy(
                update={"value": value, "confidence": confidence, "source_text": q.get("raw")}
            )


def _attach_signature(read: ReadResult, docs: list[Document]) -> None:
    """The file's signature check (read by ``extractor.read``) goes on its invoices, and on
    every document of a file that carries a signature."""
    raw = read.meta.get("signature")
    if not isinstance(raw, dict):
        return
    try:
        check = SignatureCheck.model_validate(raw)
    except ValueError:
        return
    for doc in docs:
        if doc.doc_type == "invoice" or check.status != "unsigned":
            doc.signature = check

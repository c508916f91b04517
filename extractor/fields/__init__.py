"""Field extraction: one module per document type, each exposing
``extract(pages: list[Page]) -> dict[str, FieldValue]``.

Pages are the pages of ONE logical document (after splitting), each carrying its
1-based page number of the file. Values are Python types (Decimal money,
datetime.date dates, str codes/names, bool, list of dicts); provenance (page, bbox,
source_text, method, confidence) comes from the lines the value was read from.
"""

from __future__ import annotations

from collections.abc import Callable

from extractor.fields import audit, contract, declared, form, invoice, license, titles, voucher
from extractor.profile import ExtractionProfile
from models.contract import FieldValue
from models.page import Page

Extractor = Callable[[list[Page]], dict[str, FieldValue]]

# doc_type -> its field extractor (types without one get titles.extract)
EXTRACTORS: dict[str, Extractor] = {
    "invoice": invoice.extract,
    "payment_voucher": voucher.extract,
    "business_license": license.extract,
    "contract": contract.extract,
    "audit_report": audit.extract,
    "application_form": form.extract,
}


def extractor_for(doc_type: str) -> Extractor:
    """The field extractor of a doc_type (titles only for types without one)."""
    return EXTRACTORS.get(doc_type, titles.extract)


def extract_fields(
    doc_type: str, pages: list[Page], profile: ExtractionProfile | None = None
) -> dict[str, FieldValue]:
    """Fields of one document; ``profile`` (a call's directions and added doc types) reaches
    the form reader and the reader of declared types."""
    if profile is not None:
        spec = next((t for t in profile.doc_types if t.key == doc_type), None)
        if spec is not None:
            return declared.extract(pages, spec)
        if doc_type == "application_form" and profile.directions:
            return form.extract(pages, profile.directions)
    return extractor_for(doc_type)(pages)

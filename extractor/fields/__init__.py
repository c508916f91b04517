"""Field extraction: one module per document type, each exposing
``extract(pages: list[Page]) -> dict[str, FieldValue]``.

Pages are the pages of ONE logical document (after splitting), each carrying its
1-based page number of the file. Values are Python types (Decimal money,
datetime.date dates, str codes/names, bool, list of dicts); provenance (page, bbox,
source_text, method, confidence) comes from the lines the value was read from.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from extractor.profile import ExtractionProfile
from models.contract import FieldValue
from models.page import Page

Extractor = Callable[[list[Page]], dict[str, FieldValue]]

# doc_type -> module under extractor.fields
_MODULES = {
    "invoice": "invoice",
    "payment_voucher": "voucher",
    "business_license": "license",
    "contract": "contract",
    "audit_report": "audit",
    "application_form": "form",
}


def extractor_for(doc_type: str) -> Extractor:
    """The field extractor of a doc_type (titles only for types without one)."""
    name = _MODULES.get(doc_type, "titles")
    return import_module(f"extractor.fields.{name}").extract


def extract_fields(
    doc_type: str, pages: list[Page], profile: ExtractionProfile | None = None
) -> dict[str, FieldValue]:
    """Fields of one document; ``profile`` (a call's directions and added doc types) reaches
    the form reader and the reader of declared types."""
    if profile is not None:
        spec = next((t for t in profile.doc_types if t.key == doc_type), None)
        if spec is not None:
            from extractor.fields import declared

            return declared.extract(pages, spec)
        if doc_type == "application_form" and profile.directions:
            from extractor.fields import form

            return form.extract(pages, profile.directions)
    return extractor_for(doc_type)(pages)

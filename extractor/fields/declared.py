"""Fields of a document type a policy declares (``extractor.profile.DocTypeDef``).

The title as for every certificate (:mod:`extractor.fields.titles`), then each declared
field read after one of its printed labels (same line, right, below or the next table
cell) and normalised by its kind: ``date`` (ISO date), ``money`` (Decimal yuan), ``code``
(credit code), ``name`` (organisation name, NFKC) or ``text``.
"""

from __future__ import annotations

from typing import Any

import extractor.fields.layout as L
from extractor.fields.prose import field, is_blank, prepare_pages
from extractor.fields.titles import extract as extract_title
from extractor.normalize import normalize_credit_code, normalize_name, parse_date, parse_money
from extractor.profile import DocTypeDef, FieldKind
from models.contract import FieldValue
from models.page import Page

_SENTENCE = "。，,；;！？"


def _labelled(text: str) -> bool:
    """A value printed after its label (``中标人：甲公司``), not a label word inside a
    sentence (``确定贵单位为中标人。请…``)."""
    t = (text or "").lstrip()
    return bool(t) and t[0] not in _SENTENCE


def convert(kind: FieldKind, text: str) -> Any:
    """The value of ``text`` as a field of ``kind``; None when it is not one.

    >>> convert("date", "2024年3月5日"), convert("money", "贰佰叁拾万元整"), convert("text", " 甲 ")
    (datetime.date(2024, 3, 5), Decimal('2300000.00'), '甲')
    """
    t = L.clean_value(text)
    if is_blank(t):
        return None
    try:
        if kind == "date":
            return parse_date(t)
        if kind == "money":
            return parse_money(t)
        if kind == "code":
            return normalize_credit_code(t)
        if kind == "name":
            if any(ch in t for ch in _SENTENCE) or len(t) > 60:
                return None
            return normalize_name(t) or None
    except Exception:  # a value that does not parse is not this field
        return None
    return t


def extract(pages: list[Page], spec: DocTypeDef) -> dict[str, FieldValue]:
    """Title and the declared fields of one document of an added type; only what was found."""
    out = extract_title(pages)
    pages = prepare_pages(pages)
    if not pages:
        return out
    stop = [lab for f in spec.fields for lab in f.labels]
    for f in spec.fields:
        sp = L.find_value(
            pages,
            list(f.labels),
            validate=lambda s, k=f.kind: _labelled(s) and convert(k, s) is not None,
            stop=stop,
        )
        if sp is None:
            continue
        value = convert(f.kind, sp.match or sp.text)
        if value is not None:
            out[f.key] = field(value, sp)
    return out

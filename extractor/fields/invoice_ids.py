"""The parties' tax ids of an invoice where their labels were not read: the seller's printed
in its 发票专用章, and codes whose labels OCR garbled, told apart by where they are printed. Only
a code whose check digit holds is taken, at a lower confidence."""

from __future__ import annotations

import re

import extractor.fields.layout as L
from extractor.normalize import uscc
from models.contract import FieldValue
from models.page import Page


def _field(value: str, span: L.Span, penalty: float) -> FieldValue:
    return L.make_field(value, span, confidence_penalty=penalty)


def seal_tax_id(page: Page, out: dict[str, FieldValue]) -> None:
    """A paper invoice without a labelled seller tax id (通用机打发票): the seller's 发票专用章
    prints it across its middle, read by OCR as a line of its own just above 「发票专用章」.
    Only a code whose check digit holds is taken, at a lower confidence."""
    refs = list(L.iter_refs([page]))
    for seal in (r for r in refs if r.line.bbox and "发票专用章" in L.norm(r.line.text)):
        sb = seal.line.bbox
        h = sb[3] - sb[1]
        for r in refs:
            b = r.line.bbox
            code = L.norm(r.line.text).upper()
            if b is None or not (sb[1] - 3 * h <= b[1] < sb[1]) or L.h_overlap(b, sb) <= 0:
                continue
            if len(code) == 18 and uscc.is_valid(code):
                out["seller_tax_id"] = _field(code, L.span_of_line(r), 0.3)
                return


# a line holding a party's code after a label OCR garbled (「人识号：9137…」, 「纳代入识系书：9112…」):
# a short head of no digits, then the code; a 代开 invoice's remark names a third company
_UNLABELLED_ID_RE = re.compile(r"^(?P<head>[^0-9]{0,8}?)[:：]?(?P<code>[0-9A-Z]{18})$")


def unlabelled_tax_ids(page: Page, out: dict[str, FieldValue]) -> None:
    """The parties' codes whose labels OCR garbled beyond reading: lines of a code whose check
    digit holds after a short head (:data:`_UNLABELLED_ID_RE`). Two such codes and no party's
    code found: the buyer's is above (or left of) the seller's, as every invoice prints them;
    one code and the other party's found: it is the missing side's if it sits where that side
    prints. Taken at a lower confidence."""
    found = {str(out[k].value) for k in ("buyer_tax_id", "seller_tax_id") if k in out}
    cands: dict[str, L.Ref] = {}  # each code not found yet → the first line holding it
    for r in L.iter_refs([page]):
        m = _UNLABELLED_ID_RE.match(L.norm(r.line.text).upper())
        if (
            r.line.bbox is None
            or m is None
            or "代开" in m.group("head")
            or not uscc.is_valid(m.group("code"))
            or m.group("code") in found
        ):
            continue
        cands.setdefault(m.group("code"), r)

    def first(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
        """Whether ``a`` is printed before ``b``: left of it on its row, else above it."""
        return a[0] < b[0] if L.v_overlap(a, b) >= 0.5 else a[1] < b[1]

    lines = list(cands.items())
    if not found and len(lines) == 2:
        (ca, a), (cb, b) = lines if first(lines[0][1].line.bbox, lines[1][1].line.bbox) else lines[::-1]
        out["buyer_tax_id"] = _field(ca, L.span_of_line(a), 0.3)
        out["seller_tax_id"] = _field(cb, L.span_of_line(b), 0.3)
    elif len(found) == 1 and len(lines) == 1:
        side, other = ("seller", "buyer") if "buyer_tax_id" in out else ("buyer", "seller")
        ob = out[f"{other}_tax_id"].bbox
        code, ref = lines[0]
        if ob is not None and first(ref.line.bbox, tuple(ob)) == (side == "buyer"):
            out[f"{side}_tax_id"] = _field(code, L.span_of_line(ref), 0.3)

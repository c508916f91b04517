"""Positional label → value toolkit shared by every field extractor.

The toolkit lives in three modules, re-exported here under one name (``L``):
:mod:`extractor.fields.spans` (the vocabulary below, text normalisation, geometry),
:mod:`extractor.fields.label_search` and :mod:`extractor.fields.value_search`.

Vocabulary
----------
* :class:`Ref` — one line of one page (``ref.page``, ``ref.line``, ``ref.index``).
* :class:`Hit` — a label found inside a line (char range ``start:end`` of ``line.text``).
* :class:`Span` — a value: its text plus the line(s) / char range it came from; turn it
  into a :class:`~models.contract.FieldValue` with :func:`make_field`.
* :class:`Region` — an area of one page (or of every page) to restrict a search to.

Typical use in an extractor::

    import extractor.fields.layout as L

    span = L.find_value(pages, ["纳税人识别号", "统一社会信用代码"], pattern=L.CREDIT_CODE_RE,
                        region=L.Region(page=1, bbox=(0, 0, 300, 200)))
    if span:
        fields["buyer_tax_id"] = L.make_field(span.match.upper(), span)

Label matching is done on a *normalised* text (NFKC, whitespace removed, ``：``→``:``),
so ``"名                   称:"`` matches ``"名称"``; OCR lines (or any line when
``fuzzy=True``) are also matched fuzzily with rapidfuzz ``partial_ratio_alignment``
(labels of ≥ 4 chars tolerate one wrong char, ≥ 9 chars two).

Value search order for a label (:func:`value_candidates`, ``order=``): ``same_line`` —
the rest of the label's line (after ``:``/``：``); ``right`` — the nearest line to the
right at the same height; ``below`` — the nearest line below; ``cell`` — for DOCX the
next table cell in the row (then the cell below). Optional ``row`` — all lines to the
right on the same row joined with spaces (e.g. a date printed as ``2021 04 28`` + ``年`` +
``月日`` fragments); ``line_row`` — the rest of the label's line plus that row
(``开票日期：2019`` + ``05 08``). Candidates are cut at the first ``stop`` label and must match
``pattern`` / pass ``validate`` if given.
"""

from __future__ import annotations

from extractor.fields.label_search import (
    cut_at_stop,
    find_all_in_line,
    find_in_line,
    find_labels,
)
from extractor.fields.spans import (
    CREDIT_CODE_RE,
    MONEY_RE,
    SEPARATORS,
    Hit,
    Ref,
    Region,
    Span,
    all_norm_text,
    band,
    bbox_union,
    center,
    clean_value,
    glyph_fragmented,
    h_overlap,
    iter_refs,
    lines_in,
    make_field,
    merge_glyph_lines,
    norm,
    norm_with_map,
    page_norm_text,
    page_refs,
    reading_order,
    span_of_line,
    sub_bbox,
    v_overlap,
)
from extractor.fields.value_search import (
    accept_value,
    below,
    extend_above,
    extend_below,
    find_pattern,
    find_value,
    find_values,
    next_cells,
    right_of,
    value_candidates,
    value_for,
)

__all__ = [
    "CREDIT_CODE_RE",
    "MONEY_RE",
    "SEPARATORS",
    "Hit",
    "Ref",
    "Region",
    "Span",
    "accept_value",
    "all_norm_text",
    "band",
    "bbox_union",
    "below",
    "center",
    "clean_value",
    "cut_at_stop",
    "extend_above",
    "extend_below",
    "find_all_in_line",
    "find_in_line",
    "find_labels",
    "find_pattern",
    "find_value",
    "find_values",
    "glyph_fragmented",
    "h_overlap",
    "iter_refs",
    "lines_in",
    "make_field",
    "merge_glyph_lines",
    "next_cells",
    "norm",
    "norm_with_map",
    "page_norm_text",
    "page_refs",
    "reading_order",
    "right_of",
    "span_of_line",
    "sub_bbox",
    "v_overlap",
    "value_candidates",
    "value_for",
]

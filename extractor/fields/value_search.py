"""Value search: the value that belongs to a label found by :mod:`extractor.fields.label_search`.

Search order for a label (:func:`value_candidates`, ``order=``): ``same_line`` — the rest of
the label's line (after ``:``/``：``); ``right`` — the nearest line to the right at the same
height; ``below`` — the nearest line below; ``cell`` — for DOCX the next table cell in the
row (then the cell below). Optional ``row`` and ``line_row`` join fragments of one row.
Candidates are cut at the first ``stop`` label and must match ``pattern`` / pass
``validate`` if given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from extractor.fields.label_search import cut_at_stop, find_all_in_line, find_labels
from extractor.fields.spans import (
    Hit,
    Ref,
    Region,
    Span,
    bbox_union,
    clean_value,
    h_overlap,
    iter_refs,
    v_overlap,
)
from models.page import BBox, Line, Page

# ----------------------------------------------------------------- value search


def right_of(
    ref: Ref,
    pool: Sequence[Ref],
    *,
    max_gap: float | None = None,
    x_from: float | None = None,
    min_overlap: float = 0.3,
) -> list[Ref]:
    """Lines to the right of ``ref`` on the same row (vertical overlap ≥ ``min_overlap`` of
    the smaller height: values are often printed in a taller font than their label and
    slightly shifted), nearest first."""
    b = ref.line.bbox
    if b is None:
        return []
    x_start = b[2] if x_from is None else x_from
    h = b[3] - b[1]
    gap = max_gap if max_gap is not None else max(ref.page.width * 0.5, 20 * h)
    out = []
    for r in pool:
        if r.page is not ref.page or r.index == ref.index or r.line.bbox is None:
            continue
        rb = r.line.bbox
        # a value typeset right after its label's colon may start inside the label's last
        # glyph box (text-layer e-invoices): up to one line height of overlap
        if rb[0] < x_start - 1.0 * h or rb[0] - x_start > gap:
            continue
        if v_overlap(b, rb) < min_overlap:
            continue
        out.append(r)
    out.sort(key=lambda r: r.line.bbox[0])
    return _top_row_first(out, b)


def _top_row_first(refs: list[Ref], label: BBox) -> list[Ref]:
    """Lines sorted left to right, where lines starting in one column (left edges within half
    a line height: a value wrapped over two rows beside a tall label) come top row first
    among those level with the label (half their height or more beside it): a value starts
    on its label's row, its wrapped rest lies below."""
    out: list[Ref] = []
    i = 0
    while i < len(refs):
        x0 = refs[i].line.bbox[0]
        h = refs[i].line.bbox[3] - refs[i].line.bbox[1]
        j = i + 1
        while j < len(refs) and refs[j].line.bbox[0] - x0 < 0.5 * h:
            j += 1
        out.extend(
            sorted(refs[i:j], key=lambda r: (v_overlap(label, r.line.bbox) < 0.5, r.line.bbox[1]))
            if j - i > 1
            else refs[i:j]
        )
        i = j
    return out


def below(ref: Ref, pool: Sequence[Ref], *, max_lines: float = 2.5, x_from: float | None = None) -> list[Ref]:
    """Lines just below ``ref`` (within ``max_lines`` line heights) that overlap its
    horizontal extent (from ``x_from`` if given), nearest first."""
    b = ref.line.bbox
    if b is None:
        return []
    h = max(b[3] - b[1], 1.0)
    probe = (b[0] if x_from is None else x_from, b[1], b[2], b[3])
    out = []
    for r in pool:
        if r.page is not ref.page or r.index == ref.index or r.line.bbox is None:
            continue
        rb = r.line.bbox
        dy = rb[1] - b[3]
        if dy < -0.3 * h or dy > max_lines * h:
            continue
        if v_overlap(b, rb) >= 0.5:
            continue
        if h_overlap(probe, rb) <= 0 and not (probe[0] - h <= rb[0] <= probe[2] + h):
            continue
        out.append(r)
    out.sort(key=lambda r: (r.line.bbox[1], r.line.bbox[0]))
    return out


def next_cells(ref: Ref, pool: Sequence[Ref]) -> list[Ref]:
    """DOCX table neighbours of a cell line: cells right in the same row (nearest col
    first), then the cell below in the same column."""
    ln = ref.line
    if ln.table is None or ln.row is None or ln.col is None:
        return []
    same = [
        r
        for r in pool
        if r.page is ref.page
        and r.line.table == ln.table
        and r.line.row == ln.row
        and (r.line.col or 0) > ln.col
    ]
    same.sort(key=lambda r: (r.line.col, r.index))
    down = [
        r
        for r in pool
        if r.page is ref.page
        and r.line.table == ln.table
        and r.line.col == ln.col
        and r.line.row == ln.row + 1
    ]
    return same + down


def _accept(
    text: str,
    pattern: re.Pattern[str] | str | None,
    validate: Callable[[str], bool] | None,
    squash: bool = False,
) -> tuple[bool, str, int, int]:
    """(ok, match text, match start, match end) for a candidate text. With ``squash`` the
    pattern is searched in the text without whitespace and the span is the whole text."""
    if squash:
        sq = re.sub(r"\s+", "", text)
        if pattern is not None:
            pat = re.compile(pattern) if isinstance(pattern, str) else pattern
            m = pat.search(sq)
            if not m:
                return False, "", 0, 0
            mt = m.group(0)
        else:
            mt = clean_value(sq)
            if not mt:
                return False, "", 0, 0
        if validate is not None and not validate(mt):
            return False, "", 0, 0
        c = text.strip()
        s0 = text.find(c) if c else 0
        return True, mt, s0, s0 + len(c)
    if pattern is not None:
        pat = re.compile(pattern) if isinstance(pattern, str) else pattern
        m = pat.search(text)
        if not m:
            return False, "", 0, 0
        s, e, mt = m.start(), m.end(), m.group(0)
    else:
        c = clean_value(text)
        if not c:
            return False, "", 0, 0
        s = text.find(c)
        e = s + len(c)
        mt = c
    if validate is not None and not validate(mt):
        return False, "", 0, 0
    return True, mt, s, e


def accept_value(
    text: str,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    squash: bool = False,
) -> tuple[bool, str, int, int]:
    """Public form of the candidate test of :func:`value_for`: (ok, match text, match
    start, match end) of ``text`` against ``pattern`` / ``validate``."""
    return _accept(text, pattern, validate, squash)


def _without_seam_glyph(left: Ref, right: Ref, text: str) -> str:
    """``text`` (of ``right``) without its first glyph when OCR boxed two pieces of one line
    overlapping and read the glyph at the seam in both (「深圳市市场」 + 「场监督管理局」)."""
    lb, rb = left.line.bbox, right.line.bbox
    prev = left.line.text.strip()
    if lb is None or rb is None or not prev or len(text) < 2 or prev[-1] != text[0]:
        return text
    glyph = (lb[2] - lb[0]) / max(len(prev), 1)
    return text[1:] if lb[2] - rb[0] >= 0.4 * glyph else text


def value_candidates(
    hit: Hit,
    pool: Sequence[Ref],
    *,
    stop: Sequence[str] | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
) -> Iterator[Span]:
    """Candidate value spans for a label hit, in ``order`` of preference (unfiltered
    except that the stop-label cut must leave some text)."""
    line = hit.ref.line
    for how in order:
        if how == "same_line":
            rest = line.text[hit.end :]
            kept, _ = cut_at_stop(rest, stop)
            if clean_value(kept):
                yield Span(kept, [hit.ref], hit.end, hit.end + len(kept), label=hit, how=how)
        elif how == "right":
            hb = hit.bbox
            for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)
                elif re.fullmatch(r"[\s:：;；,，.。]*", r.line.text):
                    continue  # the label's colon read as a line of its own
                else:
                    break  # another label sits between: stop looking right
        elif how == "line_row":
            rest, cut = cut_at_stop(line.text[hit.end :], stop)
            parts = [clean_value(rest)] if clean_value(rest) else []
            refs = [hit.ref]
            if cut >= len(line.text) - hit.end:
                hb = line.bbox
                for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                    kept, c2 = cut_at_stop(r.line.text, stop)
                    if clean_value(kept):
                        parts.append(_without_seam_glyph(refs[-1], r, kept.strip()))
                        refs.append(r)
                    if c2 < len(r.line.text):
                        break
            if parts:
                yield Span(" ".join(parts), refs, label=hit, how=how)
        elif how == "row":
            hb = hit.bbox
            parts: list[Ref] = []
            for r in right_of(hit.ref, pool, max_gap=max_gap, x_from=hb[2] if hb else None):
                kept, cut = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    parts.append(r)
                if cut < len(r.line.text):
                    break
            if parts:
                text = " ".join(cut_at_stop(r.line.text, stop)[0] for r in parts)
                yield Span(text, parts, label=hit, how=how)
        elif how == "below":
            hb = hit.bbox
            for r in below(hit.ref, pool, max_lines=below_lines, x_from=hb[0] if hb else None)[:2]:
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)
        elif how == "cell":
            for r in next_cells(hit.ref, pool):
                kept, _ = cut_at_stop(r.line.text, stop)
                if clean_value(kept):
                    yield Span(kept, [r], 0, len(kept), label=hit, how=how)


def value_for(
    hit: Hit,
    pool: Sequence[Ref],
    *,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    stop: Sequence[str] | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
    squash: bool = False,
) -> Span | None:
    """The first candidate of :func:`value_candidates` that matches ``pattern`` / passes
    ``validate``; the returned span is narrowed to the match (``span.match``).
    ``squash=True`` matches against the candidate with whitespace removed (letter-spaced
    codes, ``¥ 36 0,000.00``); the span then covers the whole candidate text."""
    for cand in value_candidates(hit, pool, stop=stop, order=order, max_gap=max_gap, below_lines=below_lines):
        ok, mt, s, e = _accept(cand.text, pattern, validate, squash)
        if not ok:
            continue
        base = cand.start or 0
        return Span(mt, cand.refs, base + s, base + e, match=mt, label=hit, how=cand.how)
    return None


def find_values(
    pages: Sequence[Page],
    labels: Sequence[str] | str,
    *,
    pattern: re.Pattern[str] | str | None = None,
    validate: Callable[[str], bool] | None = None,
    stop: Sequence[str] | None = None,
    region: Region | None = None,
    fuzzy: bool | None = None,
    threshold: float | None = None,
    order: Sequence[str] = ("same_line", "right", "below", "cell"),
    max_gap: float | None = None,
    below_lines: float = 2.5,
    squash: bool = False,
    exclude: Sequence[str] | None = None,
) -> list[Span]:
    """Values of every occurrence of a label (see module doc), in page/reading order.

    ``region`` limits both the labels and the lines a value may come from; ``exclude``
    as in :func:`find_labels`; ``squash`` as in :func:`value_for`.
    """
    pool = list(iter_refs(pages, region))
    out = []
    for hit in find_labels(pages, labels, region=region, fuzzy=fuzzy, threshold=threshold, exclude=exclude):
        sp = value_for(
            hit,
            pool,
            pattern=pattern,
            validate=validate,
            stop=stop,
            order=order,
            max_gap=max_gap,
            below_lines=below_lines,
            squash=squash,
        )
        if sp is not None:
            out.append(sp)
    return out


def find_value(pages: Sequence[Page], labels: Sequence[str] | str, **kw) -> Span | None:
    """The first value found by :func:`find_values` (same keyword arguments); values of
    exact label matches win over fuzzy ones."""
    vals = find_values(pages, labels, **kw)
    if not vals:
        return None
    return max(vals, key=lambda v: v.label.score if v.label else 0.0)


def find_pattern(
    pages: Sequence[Page],
    pattern: re.Pattern[str] | str,
    *,
    region: Region | None = None,
    validate: Callable[[str], bool] | None = None,
) -> list[Span]:
    """Every match of ``pattern`` in any line (no label), as spans (``how='line'``)."""
    pat = re.compile(pattern) if isinstance(pattern, str) else pattern
    out = []
    for ref in iter_refs(pages, region):
        for m in pat.finditer(ref.line.text):
            if validate is not None and not validate(m.group(0)):
                continue
            out.append(Span(m.group(0), [ref], m.start(), m.end(), match=m.group(0), how="line"))
    return out


_OPEN, _CLOSE = "(（[［", ")）]］"


def _closing_line(
    texts: list[str], row: list[Ref], x0: float, x1: float, last: BBox, gap: float
) -> Ref | None:
    """The line of ``row`` in the column ``x0..x1`` that closes a bracket ``texts`` left open
    (its first bracket closes), at most ``gap`` below ``last``; None when nothing is open."""
    joined = "".join(texts)
    if sum(joined.count(c) for c in _OPEN) <= sum(joined.count(c) for c in _CLOSE):
        return None
    for r in sorted(row, key=lambda r: r.line.bbox[0]):
        if not (x0 <= r.line.bbox[0] < x1) or r.line.bbox[1] - last[3] > gap:
            continue
        first = next((c for c in r.line.text if c in _OPEN + _CLOSE), None)
        if first is not None and first in _CLOSE:
            return r
    return None


# how a list's next item starts or ends on the next row: a number, a letter (a room, a block),
# a building's part; not a person's name (the legal representative beside 法定代表人)
_RUN_ON_RE = re.compile(r"[0-9A-Za-z]|[号室座楼层幢栋间户]$")
# the rest of a number an address's row cut: a few figures or letters and the room's word
_ROOM_END_RE = re.compile(r"[0-9A-Za-z-]{0,4}[号室房座楼层幢栋间户]")
# what an address ends with: a number's unit, a building's part, a place's word, a bracket
_ADDRESS_END_RE = re.compile(r"[号室房座楼层幢栋间户村组院内处口铺厂场园区镇乡城路街道巷弄)）]$")
# the rest of a street's name and its place on it (「路交叉口」, 「路东侧」, 「大道88号」)
_STREET_REST_RE = re.compile(r"(?:大道|[路街巷弄])[\u4e00-\u9fff0-9A-Za-z-]{0,10}")


def _run_on_line(
    texts: list[str], row: list[Ref], x0: float, x1: float, last: BBox, gap: float, stop: Sequence[str]
) -> Ref | None:
    """The line of ``row`` in the column ``x0..x1`` that goes on with a value ``texts`` left
    hanging on a list's separator (「…SOHO楼1601、」 over 「1602」 printed up against the next
    field's row): the first such line, no label, that reads as a list's next item
    (:data:`_RUN_ON_RE`), at most ``gap`` below ``last``; None when the value ends whole.

    >>> a = Ref(None, Line(text="1602", bbox=(161, 344, 198, 358)), 0)
    >>> lab = Ref(None, Line(text="法定代表人", bbox=(74, 351, 142, 368)), 1)
    >>> _run_on_line(["西永大道28-2号SOHO楼1601、"], [a, lab], 150, 500, (166, 330, 415, 345), 18, ["法定代表人"]) is a
    True
    >>> name = Ref(None, Line(text="国王", bbox=(107, 294, 146, 310)), 2)
    >>> _run_on_line(["二期15幢2层160、"], [name], 100, 500, (109, 274, 346, 288), 18, ["法定代表人"]) is None
    True

    A room number cut at the row's end goes on in a short line under the value's start:

    >>> room = Ref(None, Line(text="1房", bbox=(822, 1518, 907, 1580)), 3)
    >>> lab2 = Ref(None, Line(text="法定代表人", bbox=(396, 1548, 793, 1662)), 4)
    >>> _run_on_line(["军民东路四巷18号40"], [room, lab2], 800, 2000, (825, 1465, 1908, 1526), 70, ["法定代表人"]) is room
    True
    >>> _run_on_line(["军民东路四巷18号"], [room, lab2], 800, 2000, (825, 1465, 1908, 1526), 70, ["法定代表人"]) is None
    True

    A street's name cut before its 路 goes on in the line under it that starts with 路:

    >>> rest = Ref(None, Line(text="路交叉口", bbox=(582, 1352, 757, 1419)), 5)
    >>> lab3 = Ref(None, Line(text="法定代表人", bbox=(331, 1391, 536, 1442)), 6)
    >>> _run_on_line(["齐河县经济开发区纬五路与名嘉西"], [rest, lab3], 570, 1500, (589, 1323, 1417, 1368), 70,
    ...              ["法定代表人"]) is rest
    True
    >>> _run_on_line(["齐河县经济开发区纬五路18号"], [rest, lab3], 570, 1500, (589, 1323, 1417, 1368), 70,
    ...              ["法定代表人"]) is None
    True
    """
    joined = "".join(texts).rstrip()
    listed = joined.endswith(("、", "，", ","))
    # a number cut at the row's end (「…18号40」 over 「1房」): a short line ending the room
    cut = bool(re.search(r"[0-9A-Za-z]$", joined))
    # a street's name cut before its 路 (「…纬五路与名嘉西」 over 「路交叉口」)
    street = bool(re.search(r"[\u4e00-\u9fff]$", joined)) and not _ADDRESS_END_RE.search(joined)
    if not (listed or cut or street):
        return None
    for r in sorted(row, key=lambda r: r.line.bbox[1]):
        t = r.line.text.strip()
        if not (x0 <= r.line.bbox[0] < x1) or r.line.bbox[1] - last[3] > gap:
            continue
        if (m := find_all_in_line(t, stop)) and m[0][0] == 0:
            continue
        if (
            (listed and _RUN_ON_RE.search(t))
            or (cut and _ROOM_END_RE.fullmatch(t))
            or (street and _STREET_REST_RE.fullmatch(t))
        ):
            return r
    return None


def _split_label(row: list[Ref], stop: Sequence[str]) -> bool:
    """Whether a row starts with the rest of a letter-spaced label whose first glyph OCR lost,
    its glyphs boxed apart (「营」 「者傅万仙」: 经营者 without 经): the next field's row.

    >>> row = [Ref(None, Line(text="营", bbox=(604, 898, 640, 953)), 0),
    ...        Ref(None, Line(text="者傅万仙", bbox=(783, 899, 943, 950)), 1)]
    >>> _split_label(row, ["经营者", "住所"]), _split_label(row[1:], ["经营者"])
    (True, False)
    """
    lines = sorted(row, key=lambda r: r.line.bbox[0])
    first = "".join(lines[0].line.text.split())
    if not 1 <= len(first) <= 2 or len(lines) < 2:
        return False
    joined = "".join("".join(r.line.text.split()) for r in lines)
    return any(
        len(lab) >= 3 and len(lab) - k >= 2 and lab[k:].startswith(first) and joined.startswith(lab[k:])
        for lab in stop
        for k in range(1, len(lab) - 1)
    )


def _left_run(row: list[Ref], h: float, max_gap: float = 4.0) -> list[Ref]:
    """The lines of a row (sorted left to right) up to the first gap wider than ``max_gap``
    line heights: beyond it is another column's text (an old licence's 须知 notes level with
    the last row of a wrapped address)."""
    for k in range(1, len(row)):
        if row[k].line.bbox[0] - row[k - 1].line.bbox[2] > max_gap * h:
            return row[:k]
    return row


def glyph_height(line: Line) -> float:
    """The print height of a line of Chinese text told by its glyphs' width (square glyphs):
    its box width over its characters; the box height for short or mostly Latin lines.

    >>> glyph_height(Line(text="计算机软件开发：销售：通讯器材（不含卫星地面接收设备）、其他化工产品（不含危险化学", bbox=(185, 340, 774, 379)))
    14.37
    >>> glyph_height(Line(text="9号3幢354", bbox=(100, 100, 200, 120)))   # figures: the box
    20.0
    """
    b = line.bbox
    if b is None:
        return 0.0
    t = "".join(line.text.split())
    han = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff" or ch in "（），；：、。")
    if len(t) < 6 or han < 0.6 * len(t):
        return float(b[3] - b[1])
    return round(float(b[2] - b[0]) / len(t), 2)


def extend_below(
    span: Span,
    pages: Sequence[Page],
    *,
    stop: Sequence[str] | None = None,
    x_limit: float | None = None,
    max_gap: float = 1.2,
    x_tol: float = 2.0,
    max_rows: int = 40,
) -> Span:
    """Continue a multi-line value (经营范围, 住所, 服务内容 …) downwards: rows right below
    the value whose lines start in the value's column (from the value's x0 − ``x_tol``
    line heights up to ``x_limit``), each row at most ``max_gap`` line heights below the
    previous one, until a row starting with a ``stop`` label. Returns a new span whose
    text joins the rows (no separator: CJK text), refs = all lines used; lines over twice the
    value's height (slanted watermark or seal text) are passed over."""
    if not span.refs or span.refs[0].line.bbox is None:
        return span
    first = span.refs[-1]
    page = first.page
    vb = span.bbox or first.line.bbox
    x_left = vb[0]
    last = first.line.bbox
    h = max(last[3] - last[1], 1.0)
    limit = x_limit if x_limit is not None else (page.width or 1e9)
    used = {r.index for r in span.refs}
    if span.label is not None and span.label.ref.page is page:
        # the value's own label, level with its second row when the value starts above it
        # (经营场所 beside a two-row address), neither ends nor continues the value
        used.add(span.label.ref.index)
    # a skewed photo's rows are boxed taller than their print: the next row's box starts less
    # than half a box height lower; the print's height is told by the glyphs' width
    gh = min(h, glyph_height(first.line))
    cands = [
        r
        for r in iter_refs([page])
        if r.line.bbox is not None
        and r.index not in used
        and r.line.bbox[1] > last[1] + 0.4 * gh  # OCR boxes of tight rows overlap
        # a line over twice the value's height is slanted text over the page (a watermark
        # 「此复印件仅用于…」, a seal's ring), not the next row of the value
        and r.line.bbox[3] - r.line.bbox[1] <= 2.2 * h
    ]
    cands.sort(key=lambda r: r.line.bbox[1])
    refs = list(span.refs)
    # keep the first line's trailing punctuation (；) that the value match dropped
    texts = [
        first.line.text[span.start :].strip() if len(span.refs) == 1 and span.start is not None else span.text
    ]
    rows = 0
    taken: set[int] = set()
    for i, first_of_row in enumerate(cands):
        if rows >= max_rows:
            break
        if first_of_row.index in taken:
            continue
        top = first_of_row.line.bbox
        # a row: the lines beside the top one; a line under it in the same column that OCR
        # boxed tall enough to overlap it (skewed photo) is the next row, not part of this one
        row = [first_of_row] + [
            r
            for r in cands[i + 1 :]
            if r.index not in taken
            and v_overlap(top, r.line.bbox) >= 0.5
            and h_overlap(top, r.line.bbox) < 0.5
        ]
        taken.update(r.index for r in row)
        # a label of the value's own column block ends the value (the next field's row): a
        # label line that reaches to within 4 line heights of the value's left edge; a label
        # ending further left belongs to another column's row, beside the value, not below it
        if stop and (
            _split_label(row, stop)
            or any(
                r.line.bbox[2] >= x_left - 4 * h
                # a label starting right of the value's first row is beside the value (登记机关
                # in the right column, level with the scope's last rows), not below it
                and r.line.bbox[0] < min(limit, vb[2] + h)
                and (m := find_all_in_line(r.line.text, stop))
                and m[0][0] == 0
                for r in row
            )
        ):
            # a value whose bracket is still open runs on into the next field's row (a long
            # 住所 wrapping beside 法定代表人): the line of its column that closes it ends it
            tail = _closing_line(texts, row, x_left - x_tol * h, limit, last, max_gap * h)
            if tail is None:
                # a value left hanging on a list's 、 (「…楼1601、」) runs on there as well
                tail = _run_on_line(texts, row, x_left - x_tol * h, limit, last, max_gap * h, stop)
            if tail is not None:
                refs.append(tail)
                texts.append(tail.line.text.strip())
            break
        row = [r for r in row if x_left - x_tol * h <= r.line.bbox[0] < limit]
        if not row or min(r.line.bbox[0] for r in row) > x_left + 2 * x_tol * h:
            continue  # nothing starts near the value's left edge: another column's text
        rb = bbox_union(r.line.bbox for r in row)
        if rb[1] - last[3] > max_gap * h:
            break
        row.sort(key=lambda r: r.line.bbox[0])
        row = _left_run(row, h)
        refs.extend(row)
        texts.extend(r.line.text.strip() for r in row)
        last = rb
        rows += 1
    if len(refs) == len(span.refs):
        return span
    text = "".join(texts)
    return Span(text, refs, match=text, label=span.label, how=span.how + "+below")


def extend_above(
    span: Span, pages: Sequence[Page], *, stop: Sequence[str] | None = None, max_rows: int = 6
) -> Span:
    """Continue a paragraph value found right of its label upwards: a label printed level with
    the block's second row (or centred on the block) leaves the first rows above it. A row
    above belongs to the value when it is one line that starts at the value's left edge,
    ends at its right edge (a justified paragraph), sits one line pitch higher, has nothing
    left of it on its row (another field's row has its label there) and is no label itself."""
    if not span.refs or span.refs[0].line.bbox is None or span.how.split("+")[0] != "right":
        return span
    first = span.refs[0]
    page = first.page
    top = first.line.bbox
    h = max(top[3] - top[1], 1.0)
    x0, x1 = top[0], top[2]
    used = {r.index for r in span.refs}
    if span.label is not None:
        used.add(span.label.ref.index)
    pool = [r for r in iter_refs([page]) if r.line.bbox is not None and r.index not in used]
    above: list[Ref] = []
    for _ in range(max_rows):
        row = [
            r
            for r in pool
            if r.line.bbox[3] <= top[1] + 0.5 * h
            and top[1] - r.line.bbox[3] <= 0.8 * h
            and r.line.bbox[0] < x1 - h
            and r.line.bbox[2] > x0 + h
            and r.line.bbox[1] >= top[1] - 2.2 * h
        ]
        if len(row) != 1:
            break
        b = row[0].line.bbox
        if abs(b[0] - x0) > h or abs(b[2] - x1) > h or not 0.7 * h <= b[3] - b[1] <= 1.4 * h:
            break
        if any(r.line.bbox[2] <= b[0] and v_overlap(b, r.line.bbox) >= 0.3 for r in pool if r is not row[0]):
            break
        if stop and (m := find_all_in_line(row[0].line.text, stop)) and m[0][0] == 0:
            break
        above.insert(0, row[0])
        top = b
    if not above:
        return span
    text = "".join(r.line.text.strip() for r in above) + span.text
    return Span(text, above + list(span.refs), match=text, label=span.label, how=span.how + "+above")

"""A contract read as one stream of text, and the searches the contract readers share.

:class:`Doc` holds the document's lines in reading order as one
:class:`~extractor.fields.prose.Stream`; :func:`label_hits` finds labels in it (clause
numbering allowed before them), :func:`after_label` the text a label introduces;
:func:`line_wrapped` and :func:`sentence_end` follow a sentence over wrapped lines;
:func:`row_cells` gives the cells of a table row. Used by :mod:`~extractor.fields.contract`,
:mod:`~extractor.fields.contract_money`, :mod:`~extractor.fields.contract_gpu` and
:mod:`~extractor.fields.audit`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import extractor.fields.layout as L
import extractor.fields.parties as P
from extractor.fields.prose import CLAUSE_START_RE, SENTENCE_END_RE, Stream, prepare_pages
from models.page import BBox, Page


class Doc:
    """The contract's lines in reading order as one stream."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = prepare_pages(pages)
        refs: list[L.Ref] = []
        for p in self.pages:
            prs = list(L.iter_refs([p]))
            refs.extend(column_order(L.reading_order(prs)) if all(r.line.bbox for r in prs) else prs)
        self.refs = refs
        self.stream = Stream.of(refs)
        self.pos = {(id(r.page), r.index): k for k, r in enumerate(refs)}
        self._left_column_right: dict[int, float | None] = {}  # per page (this Doc holds them)

    def k(self, ref: L.Ref) -> int:
        return self.pos[(id(ref.page), ref.index)]

    def column_right(self, r: L.Ref) -> float | None:
        """The right edge of the left column, for a line in the left column of a page printed
        in two columns (:func:`two_columns`); None for other lines."""
        page = r.page
        width = page.width or 0.0
        if not width or r.line.bbox is None or r.line.bbox[2] > width / 2:
            return None
        if id(page) not in self._left_column_right:
            boxes = [x.line.bbox for x in L.page_refs(page) if x.line.bbox is not None]
            left, right = two_columns(boxes, width)
            edges = sorted(b[2] for b in left)
            self._left_column_right[id(page)] = edges[(3 * len(edges)) // 4] if left and right else None
        return self._left_column_right[id(page)]


MIN_COLUMN_LINES = 6  # lines on each side of a gutter before a band reads as two columns


def two_columns(boxes: list[BBox], width: float) -> tuple[list[BBox], list[BBox]]:
    """The paragraph lines (wider than 0.3 of the page, not a table's short cells) wholly left
    and wholly right of the page's middle, when each side has at least ``MIN_COLUMN_LINES``
    (text printed in two columns); else two empty lists."""
    mid = width / 2
    prose = [b for b in boxes if b[2] - b[0] > 0.3 * width]
    left = [b for b in prose if b[2] <= mid]
    right = [b for b in prose if b[0] >= mid]
    if len(left) < MIN_COLUMN_LINES or len(right) < MIN_COLUMN_LINES:
        return [], []
    return left, right


def column_order(refs: list[L.Ref]) -> list[L.Ref]:
    """Lines in reading order (rows top to bottom) with the bands printed in two columns read
    column by column: between lines that cross the page's middle (a title, a full-width
    paragraph, a footer), a band that :func:`two_columns` finds printed in two columns is read
    left column first. A table's label and number columns, and side-by-side signature
    blocks, keep their row order."""
    if len(refs) < 2 * MIN_COLUMN_LINES:
        return refs
    width = refs[0].page.width or max(r.line.bbox[2] for r in refs)
    mid = width / 2
    out: list[L.Ref] = []
    band: list[L.Ref] = []

    def flush() -> None:
        if two_columns([r.line.bbox for r in band], width)[0]:
            out.extend(
                [r for r in band if r.line.bbox[2] <= mid] + [r for r in band if r.line.bbox[0] >= mid]
            )
        else:
            out.extend(band)
        band.clear()

    for r in refs:
        b = r.line.bbox
        if b[0] < mid < b[2]:
            flush()
            out.append(r)
        else:
            band.append(r)
    flush()
    return out


@lru_cache(maxsize=64)
def label_re(labels: tuple[str, ...], line_start: bool, need_sep: bool) -> re.Pattern[str]:
    pre = (
        r"(?:^|(?<=\n))\s*(?:第[一二三四五六七八九十\d]+[条章][、.．\s]*|[\d.．]+[、\s]*"
        r"|[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?(?:本合同|本协议)?"  # 「3.1本合同项目内容：」
        if line_start
        else ""
    )
    sep = r"(?:[:：]|为|是|\s*(?=\n|$))" if need_sep else r"[:：为是]?"
    alt = "|".join(P.spaced(lab) for lab in sorted(labels, key=len, reverse=True))
    return re.compile(rf"{pre}(?P<lab>{alt})\s*(?:[（(][^()（）\n]{{0,8}}[)）])?\s*{sep}")


def label_hits(
    doc: Doc, labels: Sequence[str], *, line_start: bool = False, need_sep: bool = False
) -> list[tuple[int, int, str]]:
    """(label start, label end incl. colon, label) in the stream, sorted by the label's
    priority (its place in ``labels``) then document order. ``line_start``: only labels at a
    line start (after clause numbering); ``need_sep``: the label must be followed by a
    colon, 为/是, or the end of its line (a heading whose value is on the next line)."""
    rank = {re.sub(r"\s", "", lab): i for i, lab in enumerate(labels)}
    out: list[tuple[int, int, int, str]] = []
    for m in label_re(tuple(labels), line_start, need_sep).finditer(doc.stream.text):
        lab = re.sub(r"\s", "", m.group("lab"))
        out.append((rank.get(lab, len(rank)), m.start("lab"), m.end(), lab))
    out.sort(key=lambda x: (x[0], x[1]))
    return [(s, e, lab) for _, s, e, lab in out]


def after_label(doc: Doc, pos: int, *, max_chars: int = 120, extend_heading: bool = True) -> tuple[int, int]:
    """Text after a label: to the end of its sentence on that line; a label that ends its
    line (a heading) extends to the next line."""
    text = doc.stream.text
    nl = text.find("\n", pos)
    nl = len(text) if nl < 0 else nl
    end = nl
    rest = text[pos:nl]
    if extend_heading and not re.search(r"[\u4e00-\u9fff\d]", rest):
        nl2 = text.find("\n", nl + 1)
        end = len(text) if nl2 < 0 else nl2
    end = min(end, pos + max_chars)
    stop = text.find("。", pos, end)
    if stop >= 0:
        end = stop
    return pos, end


def row_cells(doc: Doc, r: L.Ref) -> list[L.Ref]:
    """The other cells of a line's table row: DOCX cells of the same row, or positioned
    lines side by side with it (vertical overlap ≥ 0.5)."""
    if r.line.table is not None:
        return [
            x for x in doc.refs if x.line.table == r.line.table and x.line.row == r.line.row and x is not r
        ]
    b = r.line.bbox
    if b is None:
        return []
    return [
        x
        for x in L.page_refs(r.page)
        if x is not r and x.line.bbox is not None and L.v_overlap(b, x.line.bbox) >= 0.3
    ]


def right_margin(page: Page) -> float:
    """The right edge of the body text: the upper quartile of the right edges of long lines
    (a header or a table that reaches further right does not move it)."""
    width = page.width or 0.0
    edges = sorted(
        x.line.bbox[2]
        for x in L.page_refs(page)
        if x.line.bbox is not None and x.line.bbox[2] - x.line.bbox[0] > 0.5 * width
    )
    if not edges:
        return max((x.line.bbox[2] for x in L.page_refs(page) if x.line.bbox is not None), default=0.0)
    return edges[(3 * len(edges)) // 4 if len(edges) > 1 else 0]


def line_wrapped(doc: Doc, k: int) -> bool:
    """Whether line ``k`` runs on into line ``k + 1`` (a wrapped paragraph line): it
    reaches the right margin and the next line (on the page, or at the top of the next page
    when this one does not end its sentence) is not a new clause."""
    if k + 1 >= len(doc.refs):
        return False
    r, nx = doc.refs[k], doc.refs[k + 1]
    if r.line.bbox is None or nx.line.bbox is None:
        return False
    right = doc.column_right(r) or right_margin(r.page)
    h = max(r.line.bbox[3] - r.line.bbox[1], 1.0)
    if nx.page is not r.page:
        # the page's last line runs on at the top of the next page (「（大写：人民币壹万捌」 /
        # 「仟壹佰元整）」) unless it ends its sentence
        wide = r.line.bbox[2] - r.line.bbox[0] >= 0.5 * (r.page.width or 0)  # a paragraph line, not a stamp
        if not wide or r.line.bbox[2] < right - 2 * h or SENTENCE_END_RE.search(r.line.text):
            return False
    elif (
        r.line.bbox[2] < right - 2 * h - _unbreakable_width(r, nx)
        or nx.line.bbox[1] - r.line.bbox[3] > 1.2 * h
    ):
        return False
    return not CLAUSE_START_RE.match(nx.line.text)


def _unbreakable_width(r: L.Ref, nx: L.Ref) -> float:
    """The width of the Latin word or number the next line starts with (「80GB，共32卡」), in
    this line's glyph widths: a line breaks before a word that does not fit, and stops short
    of the margin by up to that much."""
    m = re.match(r"\s*([A-Za-z0-9.%]+)", nx.line.text)
    text = r.line.text.strip()
    if not m or not text or r.line.bbox is None:
        return 0.0
    glyph = (r.line.bbox[2] - r.line.bbox[0]) / len(text)
    return len(m.group(1)) * glyph


def joined(doc: Doc, a: int, b: int) -> tuple[str, list[int]]:
    """Stream text ``[a, b)`` with the line breaks of wrapped lines removed (an amount in
    words may wrap: 「（大写：捌拾肆万伍」 / 「仟元整）」), and each char's stream position."""
    text = doc.stream.text
    chars: list[str] = []
    pos: list[int] = []
    for i in range(a, min(b, len(text))):
        ch = text[i]
        if ch == "\n" and line_wrapped(doc, doc.stream.ref_at(i - 1 if i > 0 else 0)):
            continue
        chars.append(ch)
        pos.append(i)
    return "".join(chars), pos


def sentence_end(doc: Doc, pos: int, max_chars: int = 160) -> int:
    """End of the sentence starting at ``pos``: the first 。；; or a line end that is not
    a wrap."""
    text = doc.stream.text
    limit = min(len(text), pos + max_chars)
    k = doc.stream.ref_at(pos)
    i = pos
    while i < limit:
        ch = text[i]
        if ch in "。；;":
            return i
        if ch == "\n":
            if not line_wrapped(doc, k):
                return i
            k += 1
        i += 1
    return limit

"""Compute hardware in a contract: the GPU model (``gpu_model``: A100, H800, 910B …) and
the number of cards (``gpu_count``), from prose near the model or from a table whose
header names the model and count columns; a stated total of cards wins over summed rows.
"""

from __future__ import annotations

import re

import extractor.fields.layout as L
from extractor.fields.contract_text import Doc, line_wrapped, row_cells
from extractor.fields.prose import field, nfkc
from models.contract import FieldValue

_GPU_CONTEXT = re.compile(r"GPU|显卡|算力|加速卡|服务器|云主机|型号|配置|NVIDIA|英伟达|昇腾|卡", re.I)


_GPU_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<brand>NVIDIA|Nvidia|nvidia|英伟达|华为)\s*)?(?:Tesla\s*|GeForce\s*)?"
    r"(?P<model>(?:RTX\s*)?(?:A100|A800|H100|H800|H200|H20|L20|L40S|L40|A6000|A5000|A40|A30|A10|V100S?|"
    r"P100|T4|L4)(?:(?![0-9])|(?=\d{2,3}\s*G))"  # 「L40S48GB」: the memory glued on
    r"|(?:GeForce\s*)?RTX\s*(?:4090D?|3090|5090)|(?<![0-9])(?:4090D?|3090)(?=\s*(?:显卡|GPU|卡|24G|\s*\*|\s*[×xX]))"
    r"|(?:昇腾|Ascend)\s*910\s*[ABC]?|MLU\s*\d{3}|(?:海光\s*)?DCU\s*K100(?:[_\s-]*AI)?)"
    r"(?:\s*(?:[-/（(]|SXM\d?|PCIe|NVLink)?\s*(?P<mem>\d{2,3})\s*G(?:B)?(?![A-Za-z]))?",
)


_GPU_HINT = re.compile(r"[AHLVTP]\d|910|MLU|DCU|[34]090|5090|A[56]000", re.I)


_COUNT_PATTERNS = [
    # 8卡×4台 / 4台8卡 → product
    (re.compile(r"(?P<a>\d{1,4})\s*(?:卡|张卡|GPU)\s*[×xX*＊]\s*(?P<b>\d{1,4})\s*(?:台|节点)"), "prod"),
    (
        re.compile(r"(?P<b>\d{1,4})\s*(?:台|节点)\s*(?:[×xX*＊]\s*)?(?P<a>\d{1,4})\s*(?:卡|张卡)(?!时)"),
        "prod",
    ),
    (re.compile(r"[×xX*＊]\s*(?P<a>\d{1,4})(?![\d.])(?!\s*(?:G|小时|h|H|个月|月|年|天))"), "one"),
    (re.compile(r"(?P<a>\d{1,4})\s*(?:卡|张|块|片|颗)(?!时|·时|小时|\d)"), "one"),
    (re.compile(r"数\s*量\s*[:：为]?\s*(?P<a>\d{1,4})(?![\d.])"), "one"),
    (re.compile(r"(?P<a>\d{1,4})\s*(?:台|节点)(?!时)"), "one"),
]


_MACHINE_RE_ONE = _COUNT_PATTERNS[-1][0]


_COUNT_HEADERS = (
    "数量",
    "卡数",
    "GPU数量",
    "显卡数量",
    "台数",
    "数量(台)",
    "数量(卡)",
    "数量（台）",
    "数量（卡）",
)


def _gpu_model_text(m: re.Match[str]) -> str:
    parts = []
    if m.group("brand"):
        parts.append(nfkc(m.group("brand")).upper() if m.group("brand").isascii() else m.group("brand"))
    parts.append(re.sub(r"\s+", " ", nfkc(m.group("model"))).strip())
    if m.group("mem"):
        unit = "GB" if re.search(r"\d\s*GB", m.group(0), re.I) else "G"
        parts.append(f"{m.group('mem')}{unit}")
    return " ".join(parts)


_MACHINE_RE = re.compile(r"(?P<a>\d{1,4})\s*(?:台|节点)(?!时)")


def _count_in(text: str, lo: int, hi: int, skip: tuple[int, int]) -> tuple[int, int, int] | None:
    """A unit count in text[lo:hi] outside ``skip`` → (count, start, end): cards, times
    machines when both are printed apart (``×8卡，共2台``, ``4台，每台8卡``)."""
    best = None
    for pat, kind in _COUNT_PATTERNS:
        for m in pat.finditer(text, lo, hi):
            if m.start() < skip[1] and m.end() > skip[0]:
                continue
            n = int(m.group("a")) * (int(m.group("b")) if kind == "prod" else 1)
            if n <= 0 or n > 100000:
                continue
            dist = min(abs(m.start() - skip[1]), abs(skip[0] - m.end()))
            if best is None or dist < best[4]:
                best = (n, m.start(), m.end(), kind, dist, pat)
        if best is not None:
            break
    if best is None:
        return None
    n, s, e, kind, _, pat = best
    if kind == "one" and pat is not _MACHINE_RE_ONE:
        for m in _MACHINE_RE.finditer(text, lo, hi):
            if m.end() <= s or m.start() >= e:
                if not (m.start() < skip[1] and m.end() > skip[0]):
                    return n * int(m.group("a")), min(s, m.start()), max(e, m.end())
    return n, s, e


_COUNT_CELL_RE = re.compile(r"(\d{1,5})\s*(卡|张|块|片|颗|台|个|套|节点)?")


class _GpuHit:
    def __init__(self, ref: L.Ref, m: re.Match[str], in_row: bool, cont: L.Ref | None = None) -> None:
        self.ref = ref
        self.m = m
        self.in_row = in_row  # a table row (DOCX cells or positioned cells side by side)
        self.cont = cont  # the wrapped line the match runs on into (``NVIDIA`` / ``A800 80GB``)

    def span(self) -> L.Span:
        t, m = self.ref.line.text, self.m
        if self.cont is None:
            return L.Span(t[m.start() : m.end()], [self.ref], m.start(), m.end())
        return L.Span((t + self.cont.line.text)[m.start() : m.end()], [self.ref, self.cont])

    @property
    def score(self) -> int:
        return 2 * bool(self.m.group("mem")) + bool(self.m.group("brand")) + self.in_row

    @property
    def model(self) -> str:
        return re.sub(r"\s+", "", nfkc(self.m.group("model"))).upper()


def _header_columns(doc: Doc, r: L.Ref, words: set[str]) -> list[tuple[float, float] | int]:
    """Columns whose header (a row above ``r``) is one of ``words``: DOCX column indices,
    or the x ranges of positioned header cells (the nearest such header above)."""
    if r.line.table is not None:
        return [
            x.line.col
            for x in doc.refs
            if x.line.table == r.line.table
            and x.line.row is not None
            and x.line.row < (r.line.row or 0)
            and x.line.col is not None
            and L.norm(x.line.text) in words
        ]
    b = r.line.bbox
    if b is None:
        return []
    h = max(b[3] - b[1], 1.0)
    above = [
        x
        for x in L.page_refs(r.page)
        if x.line.bbox is not None
        and x.line.bbox[3] <= b[1] + 0.2 * h
        and b[1] - x.line.bbox[3] <= 8 * h
        and L.norm(x.line.text) in words
    ]
    if not above:
        return []
    nearest = max(x.line.bbox[3] for x in above)
    return [(x.line.bbox[0], x.line.bbox[2]) for x in above if x.line.bbox[3] >= nearest - 0.5 * h]


def _in_column(x: L.Ref, cols: list) -> bool:
    if x.line.table is not None:
        return x.line.col in cols
    b = x.line.bbox
    return b is not None and any(L.h_overlap(b, (c[0], b[1], c[1], b[3])) > 0.3 for c in cols)


_COUNT_WORDS = {L.norm(h) for h in _COUNT_HEADERS}


_GPU_HEADER_RE = re.compile(r"型号|配置|显卡|GPU|加速卡|规格", re.I)


def _gpu_hits(doc: Doc) -> list[_GpuHit]:
    hits: list[_GpuHit] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        row = None
        for m in _GPU_RE.finditer(t) if _GPU_HINT.search(t) else ():
            if row is None:
                row = row_cells(doc, r)
            ctx = m.group("brand") or _GPU_CONTEXT.search(t)
            if not ctx:
                # a bare model in a table cell under a 型号/配置 header
                near = " ".join(x.line.text for x in row) + " ".join(
                    doc.refs[kk].line.text for kk in range(max(0, k - 8), k)
                )
                ctx = _GPU_HEADER_RE.search(near)
            if ctx:
                hits.append(_GpuHit(r, m, in_row=len(row) >= 2))
        if re.search(r"(?:NVIDIA|Nvidia|英伟达|华为|昇腾|[AHLVT]\d{2,4}[A-Z]?)\s*$", t) and line_wrapped(
            doc, k
        ):
            # a model cut by the line wrap: 「…资源配置为NVIDIA」 / 「A800 80GB GPU共32卡」
            nxt = doc.refs[k + 1]
            joined = t + nxt.line.text
            for m in _GPU_RE.finditer(joined):
                if m.start() < len(t) < m.end() and (m.group("brand") or m.group("mem")):
                    hits.append(_GpuHit(r, m, in_row=False, cont=nxt))
    return hits


def _count_near(doc: Doc, hit: _GpuHit) -> tuple[int, L.Span, float] | None:
    r, m = hit.ref, hit.m
    t = r.line.text + (hit.cont.line.text if hit.cont is not None else "")
    got = _count_in(t, max(0, m.start() - 25), min(len(t), m.end() + 30), (m.start(), m.end()))
    if got is not None:
        n, s, e = got
        if not _MACHINE_RE.search(t[s:e]):
            # cards per server (``H800 80GB×8``) times the servers in the row's 数量 cell (``2台``)
            for x in row_cells(doc, r):
                mm = re.fullmatch(r"\s*(\d{1,4})\s*(?:台|节点)\s*", x.line.text)
                if mm:
                    return n * int(mm.group(1)), L.Span(t[s:e], [r, x], s, e), 0.05
        if e > len(r.line.text) and hit.cont is not None:
            return n, L.Span(t[s:e], [r, hit.cont]), 0.0
        return n, L.Span(t[s:e], [r], s, e), 0.0
    row = row_cells(doc, r)
    if row:
        cols = _header_columns(doc, r, _COUNT_WORDS)
        cells = sorted(row, key=lambda x: (x.line.col or 0) if x.line.table is not None else x.line.bbox[0])
        for x in cells:
            xt = x.line.text.strip()
            mm = _COUNT_CELL_RE.fullmatch(xt)
            if not mm:
                prod = _COUNT_PATTERNS[0][0].fullmatch(xt) or _COUNT_PATTERNS[1][0].fullmatch(xt)
                if prod and (not cols or _in_column(x, cols)):  # 「8台×8卡」 in the 数量 cell
                    return int(prod.group("a")) * int(prod.group("b")), L.span_of_line(x), 0.0
                continue
            if cols:
                if not _in_column(x, cols):
                    continue
            elif mm.group(2) not in ("卡", "张", "块", "片", "颗") and not (
                x.line.table is not None and len(row) <= 2
            ):
                continue  # without a 数量 header only a unit makes a number a card count
            return int(mm.group(1)), L.span_of_line(x), 0.0
    # the next line (a table printed as lines) or the previous one
    k = doc.k(r)
    for kk in (k + 1, k - 1):
        if 0 <= kk < len(doc.refs):
            t2 = doc.refs[kk].line.text
            got = _count_in(t2, 0, len(t2), (0, 0))
            if got is not None and len(t2) < 40:
                n, s, e = got
                return n, L.Span(t2[s:e], [doc.refs[kk]], s, e), 0.2
    return None


def _gpu(doc: Doc, out: dict[str, FieldValue]) -> None:
    """gpu_model: the accelerator model as printed (brand, model, memory: ``NVIDIA A100 80GB``).
    Of all mentions the most specific wins (memory, brand, in a configuration table row);
    a brand printed with the same model elsewhere in the contract is added.

    gpu_count counts accelerator cards: ``8卡``/``×8``/``8张``/``数量：8`` next to the model,
    the 数量/卡数 column of the model's table row; when both cards per server and servers
    are printed (``8卡×4台``, ``4台8卡``) their product; when only machines are printed
    (``8台``), that number (the contract then counts servers, which a reviewer reads as
    such). Card-hours (``1000卡时``) are not a count.
    """
    if not _GPU_HINT.search(doc.stream.text):
        return
    hits = _gpu_hits(doc)
    if not hits:
        return
    best = max(hits, key=lambda h: h.score)  # max keeps the first of equal scores
    text = _gpu_model_text(best.m)
    penalty = 0.0
    if not best.m.group("brand"):
        branded = [h for h in hits if h.m.group("brand") and h.model == best.model]
        if branded:
            b = branded[0].m.group("brand")
            text = f"{nfkc(b).upper() if b.isascii() else b} {text}"
            penalty = 0.05
    out["gpu_model"] = field(text, best.span(), penalty)
    total = _stated_total(doc) or _total_row(doc)
    if total is not None:
        n, span = total
        out["gpu_count"] = field(n, span)
        return
    order = [best] + [h for h in hits if h is not best and h.model == best.model]
    for h in order:
        got = _count_near(doc, h)
        if got is not None:
            n, span, pen = got
            out["gpu_count"] = field(n, span, pen)
            return


# an explicit total of cards: 「共计16张GPU加速卡」「合计32卡」「GPU卡共64张」「加速卡数量：64张」
_TOTAL_CARDS_RE = re.compile(
    r"(?:(?:共计|合计|总计|总共|共)\s*(?P<a>\d{1,5})\s*(?:张|块|片|颗)?\s*(?:GPU|显卡|加速卡|算力卡|卡)(?!时|·时|小时)"
    r"|(?:GPU|显卡|加速卡|算力卡)(?:卡)?\s*(?:数量|总数|卡数)?\s*(?:共计|合计|总计|共|为|[:：])\s*(?P<b>\d{1,5})\s*(?:张|块|片|颗|卡)(?!时))",
    re.I,
)


def _stated_total(doc: Doc) -> tuple[int, L.Span] | None:
    """The number of cards the contract states as a total (one value, or the same value
    each time it is stated), which beats counting per row."""
    found = [(int(m.group("a") or m.group("b")), m) for m in _TOTAL_CARDS_RE.finditer(doc.stream.text)]
    found = [(n, m) for n, m in found if 0 < n <= 100000]
    if not found or len({n for n, _ in found}) != 1:
        return None
    n, m = found[0]
    return n, doc.stream.span(m.start(), m.end())


# a table row that states the total cards: 「GPU总卡数 | 单节点8卡 | 64卡」
_TOTAL_ROW_RE = re.compile(r"(?:GPU|显卡|加速卡|算力卡)?\s*(?:总卡数|卡数合计|卡总数|总数量|合计卡数)", re.I)


def _total_row(doc: Doc) -> tuple[int, L.Span] | None:
    """The count in the row labelled as the total of cards: its cell under a 数量 header, else
    its last cell that counts cards."""
    for r in doc.refs:
        if not _TOTAL_ROW_RE.fullmatch(L.norm(r.line.text)):
            continue
        cells = [x for x in row_cells(doc, r) if x is not r]
        cols = _header_columns(doc, r, _COUNT_WORDS)
        if cols:
            cells = [x for x in cells if _in_column(x, cols)] or cells
        for x in reversed(
            sorted(cells, key=lambda x: x.line.col or 0 if x.line.table is not None else x.line.bbox[0])
        ):
            mm = _COUNT_CELL_RE.fullmatch(x.line.text.strip())
            if mm and mm.group(2) in (None, "卡", "张", "块", "片", "颗"):
                return int(mm.group(1)), L.span_of_line(x)
    return None

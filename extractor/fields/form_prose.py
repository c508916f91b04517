"""What the 申报表's prose (项目介绍 and the sections around it) declares: the compute
purchase total and suppliers (also from a purchase table), last year's revenue, the
and the project name (the consortium members: extractor/fields/consortium.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

import extractor.fields.layout as L
from extractor.entities import find_entities
from extractor.fields.consortium import ITEM_NO_RE
from extractor.fields.form_cells import SECTION_LABELS, Form, label_hits, next_cell_ref, starts_with_any_label
from extractor.fields.parties import clean_org as _clean_org
from extractor.fields.prose import Stream, field, is_blank, nfkc
from extractor.normalize import (
    find_money,
    normalize_name,
    round_money,
)
from models.contract import FieldValue
from models.page import Page

_SUM_WORDS = re.compile(r"(?:合计|共计|总计|累计|总额|总金额|总共|共|总计金额)\s*(?:为|约|达|:|：)?\s*$")


_PURCHASE_ANCHOR = re.compile(
    r"算力采购|采购算力|算力服务采购|购买算力|算力租赁|租用算力|采购了?算力|算力服务费|向[^。]{2,40}?(?:采购|购买)"
)


_SECTION_END = re.compile(
    r"(?:^|[\s。；;])(?:[2-9２-９][、.．]|[（(][二三四五六七八九][)）]|[二三四五六七八九][、.．])\s*\S"
)


def prose_stream(form: Form) -> Stream:
    return Stream.of(form.refs)


def purchases(form: Form, stream: Stream, out: dict[str, FieldValue]) -> None:
    text = stream.text
    m = _PURCHASE_ANCHOR.search(text)
    suppliers: list[dict] = []
    spans: list[L.Span] = []
    total: tuple[Decimal, L.Span] | None = None
    if m:
        a = max(0, text.rfind("。", 0, m.start()) + 1, text.rfind("\n", 0, m.start()) + 1)
        end_m = _SECTION_END.search(text, m.end())
        b = min(end_m.start() if end_m else len(text), a + 1500)
        seg = text[a:b]
        ents = find_entities(seg)
        cur_org: tuple[str, int, int] | None = None
        for e in ents:
            if e.label == "ORG":
                name = _clean_org(e.text)
                if len(name) >= 4:
                    cur_org = (name, e.start, e.end)
                continue
            if e.label != "MONEY":
                continue
            before = seg[max(0, e.start - 8) : e.start]
            if _SUM_WORDS.search(before):
                total = (e.value, stream.span(a + e.start, a + e.end))
                cur_org = None
                continue
            if cur_org is not None and not re.search(r"[。；;]", seg[cur_org[2] : e.start]):
                suppliers.append({"name": cur_org[0], "amount": e.value})
                spans.append(stream.span(a + cur_org[1], a + e.end))
                cur_org = None
    if not suppliers:
        got = _purchase_table(form)
        if got:
            suppliers, spans, tab_total = got
            if tab_total is not None:
                total = tab_total
    if suppliers:
        out["compute_suppliers"] = field(suppliers, spans)
    if total is not None:
        out["compute_purchase_total"] = field(total[0], total[1])
    elif suppliers:
        s = sum((x["amount"] for x in suppliers), Decimal("0"))
        out["compute_purchase_total"] = field(s, spans, 0.1)


def _purchase_table(form: Form):
    """A small supplier table (DOCX): header with 供应商/服务商/单位 and 金额 columns."""
    for p in form.pages:
        for ti, t in enumerate(p.tables):
            grid = t.grid()
            for hi, row in enumerate(grid):
                cells = [L.norm(c) for c in row]
                ncol = next(
                    (
                        j
                        for j, c in enumerate(cells)
                        if re.search(r"供应商|服务商|算力服务企业|公司名称|单位名称|服务方", c)
                    ),
                    None,
                )
                acol = next((j for j, c in enumerate(cells) if "金额" in c or "费用" in c), None)
                if ncol is None or acol is None or ncol == acol:
                    continue
                unit = Decimal(10000) if "万元" in cells[acol] else Decimal(1)
                sup: list[dict] = []
                spans: list[L.Span] = []
                total = None
                for ri, r2 in enumerate(grid[hi + 1 :], start=hi + 1):
                    name, amt = r2[ncol].strip(), r2[acol].strip()
                    val = table_money(amt, unit)
                    if val is None:
                        continue
                    ref = _cell_ref(form, p, ti, ri, acol)
                    sp = L.span_of_line(ref) if ref else None
                    if re.search(r"合计|总计|小计", "".join(r2)):
                        if sp is not None:
                            total = (val, sp)
                        continue
                    nm = normalize_name(name)
                    if len(nm) >= 2:
                        sup.append({"name": nm, "amount": val})
                        if sp is not None:
                            spans.append(sp)
                if sup:
                    return sup, spans, total
    return None


def table_money(text: str, unit: Decimal) -> Decimal | None:
    t = nfkc(text).replace(",", "").replace("，", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return round_money(Decimal(t) * unit)
    found = find_money(text)
    return found[0][0] if found else None


def _cell_ref(form: Form, page: Page, table: int, row: int, col: int) -> L.Ref | None:
    for r in form.refs:
        if r.page is page and r.line.table == table and r.line.row == row and r.line.col == col:
            return r
    return None


_REVENUE_RE = re.compile(r"(?P<yr>上一?年度|(?P<y>20\d{2})\s*年度?)?[^。；;，,\n]{0,12}?营业(?:总)?收入")


def revenue(stream: Stream, out: dict[str, FieldValue]) -> None:
    text = stream.text
    best: tuple[int, Decimal, L.Span] | None = None
    for m in _REVENUE_RE.finditer(text):
        win = text[m.end() : m.end() + 24]
        found = find_money(win)
        if not found:
            continue
        val, s, e = found[0]
        if re.search(r"[。；;]", win[:s]) or s > 14:
            continue
        if re.search(r"占|比例|增长|同比", win[:s]):
            continue
        year = 9999 if m.group("yr") and not m.group("y") else int(m.group("y") or 0)
        if best is None or year > best[0]:
            best = (year, val, stream.span(m.end() + s, m.end() + e))
    if best is not None:
        out["revenue_last_year"] = field(best[1], best[2])


_ITEM_NO_RE = ITEM_NO_RE  # list-item numbers (1、 / (2) / 三、), shared with the consortium chain


_PROJECT_RE = re.compile(
    r"(?:产品名称|场景名称|项目名称|软件名称|解决方案名称)\s*[:：]\s*(?P<v>[^，,。；;\n（(]{2,60})"
)


# an introduction whose first clause is the name: "一、产品简介：刺桐智能视觉质检平台V3.0，基于…"
_INTRO_RE = re.compile(
    r"(?:产品简介|场景简介|项目简介|产品介绍|场景介绍|项目概况|产品概况)\s*[:：]\s*(?P<v>[^，,。；;\n]{2,60})[，,。；;\n]"
)


_NOT_NAME_RE = re.compile(r"^(?:本|我|该|公司|企业|主要|基于|通过|利用|针对|面向|以|为|是|见)|[:：]")


def _clean_project(v: str) -> str:
    return re.sub(r"\s+", " ", nfkc(v)).strip().strip("《》“”\"' ")


def project_name(form: Form, stream: Stream, out: dict[str, FieldValue]) -> None:
    """The product / scenario name: ``产品名称：…``/``场景名称：…``; else the first clause
    of ``产品简介：…``/``场景简介：…`` when it reads as a name; else the first heading of
    the 项目介绍 (a short line without sentence punctuation)."""
    for m in _PROJECT_RE.finditer(stream.text):
        v = _clean_project(m.group("v"))
        if is_blank(v) or len(v) < 2:
            continue
        out["project_name"] = field(v, stream.span(m.start("v"), m.end("v")))
        return
    for m in _INTRO_RE.finditer(stream.text):
        v = _clean_project(m.group("v"))
        if is_blank(v) or not (2 <= len(v) <= 40) or _NOT_NAME_RE.search(v):
            continue
        out["project_name"] = field(v, stream.span(m.start("v"), m.end("v")), 0.1)
        return
    for hit in label_hits(form, ["项目介绍", "项目简介"]):
        if hit.ref.line.table is not None:
            nxt = next_cell_ref(form, hit.ref)
            cands = [L.span_of_line(nxt)] if nxt is not None else []
        else:
            cands = list(L.value_candidates(hit, form.refs, order=("same_line", "right", "below")))
        for cand in cands:
            if starts_with_any_label(cand.text) or L.norm(cand.text).startswith(tuple(SECTION_LABELS)):
                continue
            first = next((ln for ln in re.split(r"[\n]", cand.text) if ln.strip()), "")
            v = _clean_project(first)
            if (
                2 <= len(v) <= 30
                and not re.search(r"[，,。；;:：、]", v)
                and not _ITEM_NO_RE.match(v)
                and not v.endswith("方向")
                and not is_blank(v)
            ):
                out["project_name"] = field(v, cand, 0.2)
                return
        return

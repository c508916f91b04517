"""申报表 (附件1 of the notice) fields: the declared company data, the ticked options and
what the 项目介绍 prose declares.

Keys: company_name, address, credit_code, listed, ownership, established_date,
legal_representative, legal_rep_phone, contact_name, contact_phone, contact_email,
direction, compute_purchase_total, compute_suppliers, revenue_last_year, and two
additions for the batch rules and the 附件2 summary: consortium_members (典型应用场景
联合体), project_name (产品名称 / 场景名称).

The form is a table. In a DOCX each cell is a line with ``table/row/col`` (merged cells
once, at their first position): a label cell's value is the next cell of its row. In a
PDF the value is on the label's line after a colon or the nearest line to its right.
Labels split over two lines inside a cell (``统一社会`` / ``信用代码``) are matched by
their second half too.

Ticked options (是否上市, 单位性质, 申报方向): the text of the cells right of the label
(DOCX: following rows while the label cell spans them; PDF: the block of lines right of
the label that hold options) is read as a sequence of marks and option names. A mark
(☑ √ ■ ✓ ✔ ● ☒, bracketed ``(√)``; empty □ ○ ☐ ``( )``) belongs to the option it
touches: before the option when the group starts with a mark, after it otherwise.
Exactly one ticked option gives the value; several ticks give nothing (a reviewer must
look). A group without any mark that names exactly one option (the applicant deleted the
others) gives that option with confidence 0.8.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

import extractor.fields.layout as L
from extractor.entities import find_entities
from extractor.fields.parties import clean_org as _clean_org
from extractor.fields.prose import Stream, extend_legal_form, field, is_blank, nfkc, prepare_pages
from extractor.normalize import (
    find_money,
    normalize_credit_code,
    normalize_name,
    normalize_phone,
    parse_date,
    round_money,
)
from extractor.normalize import uscc as _uscc
from extractor.profile import BUILTIN_DIRECTIONS
from models.contract import FieldValue
from models.page import Page

DIRECTIONS: dict[str, str] = BUILTIN_DIRECTIONS  # the 2024 form; a policy passes its own words
OWNERSHIP = ("国有", "合资", "民营", "其他")
LISTED = {"是": True, "否": False}

# label variants per field, in preference order
LABELS: dict[str, list[str]] = {
    "company_name": ["单位名称", "单位全称", "企业名称", "企业全称", "申报单位名称", "公司名称", "申报单位"],
    "address": ["单位地址", "企业地址", "通讯地址", "注册地址", "地址"],
    "credit_code": ["统一社会信用代码", "社会信用代码", "信用代码", "统一社会"],
    "listed": ["是否上市"],
    "ownership": ["单位性质", "企业性质", "所有制性质"],
    "established_date": ["注册成立时间", "成立时间", "注册时间", "成立日期", "注册日期"],
    "legal_representative": ["法定代表人姓名", "法人代表姓名", "法定代表人", "法人代表", "法人姓名"],
    "legal_rep_phone": ["联系电话"],
    "contact_name": ["申报联系人", "项目联系人", "联系人姓名", "联系人"],
    "contact_phone": ["电话", "手机", "联系方式"],
    # labels that name whose phone it is
    "legal_rep_phone_own": [
        "法定代表人联系电话",
        "法定代表人电话",
        "法定代表人手机",
        "法人代表电话",
        "法人代表手机",
        "法人电话",
        "法人手机",
        "法人联系电话",
    ],
    "contact_phone_own": ["联系人电话", "联系人手机", "联系人联系电话", "联系人联系方式"],
    "contact_email": ["电子邮箱", "电子邮件", "邮箱", "E-mail", "Email"],
    "direction": ["申报方向"],
}
# every label of the form (values are cut where another label starts)
_STOP = sorted(
    {lab for labs in LABELS.values() for lab in labs if len(lab) >= 3}
    | {
        "单位简介",
        "项目介绍",
        "材料真实性承诺",
        "上市板块",
        "联系方式",
        "电子邮箱",
        "联系电话",
        "填报日期",
        "申报日期",
        "填表日期",
    },
    key=len,
    reverse=True,
)
_SECTION_LABELS = ["单位简介", "申报方向", "项目介绍", "材料真实性承诺", "推荐意见"]

TICK = "☑"
EMPTY = "□"
_TICK_CHARS = "☑☒■✓✔√●⊠▣◉⦿"
_EMPTY_CHARS = "□☐○〇◯❏❑"
_MARKS_RE = re.compile(rf"[{_TICK_CHARS}]")
_EMPTY_RE = re.compile(rf"[{_EMPTY_CHARS}]")


def normalize_marks(text: str) -> str:
    """Unify tick marks to ☑ / □ (bracketed ``(√)`` / ``( )`` too); drop quotes.

    >>> normalize_marks("（√）国有 （ ）民营 ✔“领雁”")
    '☑国有 □民营 ☑领雁'
    """
    t = nfkc(text)
    t = re.sub(rf"[(\[【]\s*[{_TICK_CHARS}Xx×]\s*[)\]】]", TICK, t)
    t = re.sub(r"[(\[【]\s*[)\]】]", EMPTY, t)
    t = _MARKS_RE.sub(TICK, t)
    t = _EMPTY_RE.sub(EMPTY, t)
    return re.sub(r"[“”\"'‘’「」『』]", "", t)


def ticked_option(text: str, options: Sequence[str]) -> tuple[str, float] | None:
    """The one ticked option of a group → (option, confidence); None if none or several.

    >>> ticked_option("□国有 □合资 ☑民营 □其他", ["国有", "合资", "民营", "其他"])
    ('民营', 1.0)
    >>> ticked_option("国有□ 合资□ 民营√ 其他□", ["国有", "合资", "民营", "其他"])
    ('民营', 1.0)
    >>> ticked_option("☑是，上市板块：科创板 □否", ["是", "否"])
    ('是', 1.0)
    >>> ticked_option("□国有□合资 民营□其他", ["国有", "合资", "民营", "其他"]) is None
    True
    >>> ticked_option("民营", ["国有", "合资", "民营", "其他"])
    ('民营', 0.8)
    """
    t = normalize_marks(text)
    pos: dict[str, int] = {}
    for opt in options:
        k = t.find(normalize_marks(opt))
        if k >= 0:
            pos[opt] = k
    if not pos:
        return None
    has_marks = TICK in t or EMPTY in t
    if not has_marks:
        if len(pos) == 1:
            return next(iter(pos)), 0.8
        return None
    skip = " \t\n　:：,，、;；"
    starts = {k: opt for opt, k in pos.items()}
    ends = {k + len(normalize_marks(opt)): opt for opt, k in pos.items()}
    votes_before = votes_after = 0
    for k, ch in enumerate(t):
        if ch not in (TICK, EMPTY):
            continue
        j = k + 1
        while j < len(t) and t[j] in skip:
            j += 1
        i = k
        while i > 0 and t[i - 1] in skip:
            i -= 1
        nxt, prv = j in starts, i in ends
        if nxt and not prv:
            votes_before += 1
        elif prv and not nxt:
            votes_after += 1
    if votes_before == votes_after:
        before = t.lstrip(skip)[:1] in (TICK, EMPTY)
    else:
        before = votes_before > votes_after

    def mark_near(opt: str) -> str | None:
        k = pos[opt]
        if before:
            j = k - 1
            while j >= 0 and t[j] in " \t\n　:：,，、;；":
                j -= 1
            return t[j] if j >= 0 and t[j] in (TICK, EMPTY) else None
        j = k + len(normalize_marks(opt))
        while j < len(t) and t[j] in " \t\n　:：,，、;；":
            j += 1
        return t[j] if j < len(t) and t[j] in (TICK, EMPTY) else None

    ticked = [opt for opt in pos if mark_near(opt) == TICK]
    if len(ticked) == 1:
        return ticked[0], 1.0
    return None


# ----------------------------------------------------------------- label search


class _Form:
    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = prepare_pages(pages)
        self.refs = list(L.iter_refs(self.pages))
        self.is_docx = any(r.line.table is not None for r in self.refs) or all(
            r.line.bbox is None for r in self.refs
        )


@lru_cache(maxsize=512)
def _label_pattern(label: str) -> re.Pattern[str]:
    pat = r"\s*".join(re.escape(c) for c in label)
    return re.compile(
        rf"(?:^|(?<=\s)|(?<=[:：;；,，。]))\s*(?P<l>{pat})\s*(?:[（(][^()（）]{{0,12}}[)）])?\s*[:：]?"
    )


def _starts_with_label(text: str, label: str) -> tuple[int, int] | None:
    """(start, end) of ``label`` when it starts the text or follows a blank; the end
    skips a following colon."""
    if label[0] not in text:
        return None
    m = _label_pattern(label).search(text)
    if not m:
        return None
    # "电话" inside "联系电话" is preceded by a CJK char: excluded by the lookbehinds
    return m.start("l"), m.end()


def _label_hits(form: _Form, labels: Sequence[str]) -> list[L.Hit]:
    hits: list[L.Hit] = []
    for lab in labels:
        for r in form.refs:
            got = _starts_with_label(r.line.text, lab)
            if got is None and r.line.method == "ocr" and len(lab) >= 4:
                m = L.find_in_line(r.line.text, [lab], fuzzy=True)
                if m and L.norm(r.line.text[: m[0]]) == "":
                    got = (m[0], m[1])
            if got is not None:
                hits.append(L.Hit(r, got[0], got[1], lab, 100.0))
    return hits  # by label variant (preference), then document order


def _next_cell_ref(form: _Form, ref: L.Ref) -> L.Ref | None:
    """The DOCX cell right after a label cell in its row (None when that cell is empty)."""
    ln = ref.line
    if ln.table is None or ln.table >= len(ref.page.tables):
        nxt = L.next_cells(ref, form.refs)
        return nxt[0] if nxt and nxt[0].line.row == ln.row else None
    cells = sorted(
        (c for c in ref.page.tables[ln.table].cells if c.row == ln.row and c.col > (ln.col or 0)),
        key=lambda c: c.col,
    )
    if not cells:
        return None
    c = cells[0]
    for r in form.refs:
        if r.page is ref.page and r.line.table == ln.table and r.line.row == c.row and r.line.col == c.col:
            return r
    return None


def _value(form: _Form, hit: L.Hit, validate) -> L.Span | None:
    """A label's value: the rest of its line, else the next cell / the line right of it."""
    order = ("same_line",) if hit.ref.line.table is not None else ("same_line", "right", "below")
    pool = form.refs
    cands = list(L.value_candidates(hit, pool, stop=_STOP, order=order, below_lines=1.6))
    if hit.ref.line.table is not None:
        nxt = _next_cell_ref(form, hit.ref)
        if nxt is None:
            if not cands:
                return None
        else:
            cands.append(L.Span(nxt.line.text, [nxt], 0, len(nxt.line.text), label=hit, how="cell"))
    for cand in cands:
        text = cand.text
        c = L.clean_value(text)
        if not c or is_blank(c):
            if cand.how == "same_line":
                continue
            return None  # the value cell is empty: do not look further
        if cand.how != "same_line" and _starts_with_any_label(c):
            if cand.how == "below":
                continue
            return None
        got = validate(c)
        if got is None:
            if cand.how == "same_line":
                continue
            return None
        s = (cand.start or 0) + text.find(c)
        return L.Span(c, cand.refs, s, s + len(c), match=c, label=hit, how=cand.how, extra={"value": got})
    return None


_SHORT_LABELS = {"电话", "手机", "邮箱", "地址", "电子邮箱", "联系人", "联系方式"}


def _starts_with_any_label(text: str) -> bool:
    n = L.norm(text).rstrip(":")
    return n in _SHORT_LABELS or any(n.startswith(L.norm(s)) for s in _STOP)


def _find(form: _Form, key: str, validate) -> tuple[object, L.Span] | None:
    for hit in _label_hits(form, LABELS[key]):
        sp = _value(form, hit, validate)
        if sp is not None:
            return sp.extra["value"], sp
    return None


_PHONE_LABELS = ["联系电话", "联系方式", "电话", "手机", "移动电话", "手机号码", "办公电话"]


def _row_refs(form: _Form, hit: L.Hit) -> list[L.Ref]:
    """The lines on a label's row to its right: DOCX cells of the same table row with a
    higher column, or positioned lines side by side with it; the label's own line first."""
    r = hit.ref
    ln = r.line
    if ln.table is not None:
        row = [
            x
            for x in form.refs
            if x.page is r.page
            and x.line.table == ln.table
            and x.line.row == ln.row
            and (x.line.col or 0) > (ln.col or 0)
        ]
        return [r, *sorted(row, key=lambda x: x.line.col or 0)]
    if ln.bbox is None:
        return [r]
    row = [
        x
        for x in form.refs
        if x.page is r.page
        and x is not r
        and x.line.bbox is not None
        and x.line.bbox[0] > ln.bbox[0]
        and L.v_overlap(x.line.bbox, ln.bbox) >= 0.5
    ]
    return [r, *sorted(row, key=lambda x: x.line.bbox[0])]


def _phone_in_row(form: _Form, key: str) -> tuple[object, L.Span] | None:
    """The phone printed on the same table row as a person's label (``法定代表人 | 王振东 |
    法人电话 | 138…``, ``联系人：郑丽娟  手机：138…``): a phone label right of the person's
    label whose value is a phone number."""
    person = "legal_representative" if key == "legal_rep_phone" else "contact_name"
    labels = LABELS[f"{key}_own"] + _PHONE_LABELS
    for hit in _label_hits(form, LABELS[person]):
        for x in _row_refs(form, hit):
            t = x.line.text
            lo = hit.end if x is hit.ref else 0
            found = [
                (m[0], m[1], m[2])
                for m in L.find_all_in_line(t[lo:], labels)
                if (lo + m[0] == 0 or not re.match(r"[\u4e00-\u9fff]", t[lo + m[0] - 1]))
                or m[2] in LABELS[f"{key}_own"]
            ]
            for s0, e0, lab in found:
                ph = L.Hit(x, lo + s0, lo + e0, lab, 100.0)
                sp = _value(form, ph, _v_phone)
                if sp is not None:
                    return sp.extra["value"], sp
    return None


# ----------------------------------------------------------------- validators


def _v_name(t: str):
    n = normalize_name(re.sub(r"[（(]\s*(?:盖章|公章)\s*[)）]", "", t))
    return n if len(n) >= 2 and re.search(r"[\u4e00-\u9fffA-Za-z]", n) else None


def _v_person(t: str):
    n = normalize_name(t)
    if not (2 <= len(n) <= 20) or re.search(r"\d{3}", n):
        return None
    return n


def _v_text(t: str):
    s = re.sub(r"\s+", " ", nfkc(t)).strip()
    return s if len(s) >= 2 else None


def _v_code(t: str):
    code = normalize_credit_code(t)
    if code and L.CREDIT_CODE_RE.fullmatch(code):
        return code
    return None


def _v_date(t: str):
    return parse_date(t)


def _v_phone(t: str):
    m = re.search(r"[+\d][\d\s\-()（）转]{6,}\d", nfkc(t))
    return normalize_phone(m.group(0)) if m else None


def _v_email(t: str):
    m = re.search(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", nfkc(t).replace(" ", ""))
    return m.group(0).lower() if m else None


# ----------------------------------------------------------------- option groups


def _option_refs(form: _Form, hit: L.Hit, options: Sequence[str]) -> list[L.Ref]:
    """The lines holding a label's options (see the module doc)."""
    r = hit.ref
    words = [L.norm(normalize_marks(o)) for o in options]

    def relevant(x: L.Ref) -> bool:
        t = L.norm(normalize_marks(x.line.text))
        return any(w in t for w in words) or TICK in t or EMPTY in t

    rest = r.line.text[hit.end :]
    out: list[L.Ref] = []
    if L.clean_value(rest) and relevant(L.span_of_line(r).refs[0]):
        out.append(r)
    if r.line.table is not None:
        t, row, col = r.line.table, r.line.row or 0, r.line.col or 0
        rows: dict[int, list[L.Ref]] = {}
        for x in form.refs:
            if x.line.table == t and x.line.row is not None and x.line.row >= row:
                rows.setdefault(x.line.row, []).append(x)
        for rr in sorted(rows):
            cells = rows[rr]
            if rr > row and any((x.line.col or 0) <= col for x in cells):
                break  # the next label row
            right = [x for x in cells if (x.line.col or 0) > col]
            if rr > row and not any(relevant(x) for x in right):
                break
            # stop at another label cell on the same row (e.g. 注册成立时间)
            right.sort(key=lambda x: x.line.col or 0)
            for x in right:
                if _starts_with_any_label(x.line.text) and not relevant(x):
                    break
                out.append(x)
        return out
    if r.line.bbox is None:
        return out
    hb = hit.bbox or r.line.bbox
    h = max(hb[3] - hb[1], 1.0)
    cand = [
        x
        for x in form.refs
        if x.page is r.page and x.line.bbox is not None and x is not r and x.line.bbox[0] >= hb[2] - 0.5 * h
    ]
    # the nearest label to the right on the label's row bounds the group
    stops = [
        x.line.bbox[0]
        for x in cand
        if L.v_overlap(x.line.bbox, hb) >= 0.5 and _starts_with_any_label(x.line.text) and not relevant(x)
    ]
    x_max = min(stops) if stops else float("inf")
    cand = [x for x in cand if x.line.bbox[0] < x_max and relevant(x)]
    cand.sort(key=lambda x: x.line.bbox[1])
    seed = [x for x in cand if abs(L.center(x.line.bbox)[1] - L.center(hb)[1]) <= 1.5 * h]
    if not seed:
        return out
    group = list(seed)
    lo = min(x.line.bbox[1] for x in group)
    hi = max(x.line.bbox[3] for x in group)
    changed = True
    while changed:
        changed = False
        for x in cand:
            if x in group:
                continue
            b = x.line.bbox
            if lo - 1.8 * h <= b[3] <= lo + 0.1 * h or hi - 0.1 * h <= b[1] <= hi + 1.8 * h:
                group.append(x)
                lo, hi = min(lo, b[1]), max(hi, b[3])
                changed = True
    return out + sorted(group, key=lambda x: (x.line.bbox[1], x.line.bbox[0]))


def _option_field(form: _Form, key: str, options: Sequence[str]) -> tuple[str, float, list[L.Ref]] | None:
    for hit in _label_hits(form, LABELS[key]):
        refs = _option_refs(form, hit, options)
        if not refs:
            continue
        parts = []
        for x in refs:
            t = x.line.text
            if x is hit.ref:
                t = t[hit.end :]
            parts.append(t)
        got = ticked_option(" ".join(parts), options)
        if got is not None:
            return got[0], got[1], refs
    return None


# ----------------------------------------------------------------- prose

_SUM_WORDS = re.compile(r"(?:合计|共计|总计|累计|总额|总金额|总共|共|总计金额)\s*(?:为|约|达|:|：)?\s*$")
_PURCHASE_ANCHOR = re.compile(
    r"算力采购|采购算力|算力服务采购|购买算力|算力租赁|租用算力|采购了?算力|算力服务费|向[^。]{2,40}?(?:采购|购买)"
)
_SECTION_END = re.compile(
    r"(?:^|[\s。；;])(?:[2-9２-９][、.．]|[（(][二三四五六七八九][)）]|[二三四五六七八九][、.．])\s*\S"
)


def _prose_stream(form: _Form) -> Stream:
    return Stream.of(form.refs)


def _purchases(form: _Form, stream: Stream, out: dict[str, FieldValue]) -> None:
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


def _purchase_table(form: _Form):
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
                    val = _table_money(amt, unit)
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


def _table_money(text: str, unit: Decimal) -> Decimal | None:
    t = nfkc(text).replace(",", "").replace("，", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return round_money(Decimal(t) * unit)
    found = find_money(text)
    return found[0][0] if found else None


def _cell_ref(form: _Form, page: Page, table: int, row: int, col: int) -> L.Ref | None:
    for r in form.refs:
        if r.page is page and r.line.table == table and r.line.row == row and r.line.col == col:
            return r
    return None


_REVENUE_RE = re.compile(r"(?P<yr>上一?年度|(?P<y>20\d{2})\s*年度?)?[^。；;，,\n]{0,12}?营业(?:总)?收入")


def _revenue(stream: Stream, out: dict[str, FieldValue]) -> None:
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


_CONSORTIUM_RE = re.compile(
    r"联合体(?:成员(?:单位)?|单位|各方)(?:包括|为|有|共\s*\d\s*家)?\s*[:：]?[ \t]*(?P<v>[^。；;\n]{0,200})"
)
_ORG_END_RE = re.compile(
    r"(?:公司|研究院|研究所|中心|大学|学院|医院|集团|事务所|合作社|协会|银行|厂|局|院|所)$"
)
_REMARK_RE = re.compile(r"[（(][^()（）]{1,10}[)）]$")
_ITEM_NO_RE = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.．、]|[一二三四五六七八九十][、.．])\s*")


def _member_names(part: str) -> list[tuple[str, int, int]]:
    """Organisation names in one list item → (name, start, end) in ``part``: the whole
    item when it is a name (``泉州海丝工业互联网研究院有限公司（牵头单位）``), else the
    entity layer's ORGs (extended over a legal form it stopped before)."""
    m = _ITEM_NO_RE.match(part)
    s0 = m.end() if m else 0
    item = part[s0:].strip()
    s0 = part.find(item, s0) if item else s0
    core = item
    while _REMARK_RE.search(core) and not re.search(r"[（(](?:特殊普通合伙|普通合伙|有限合伙)[)）]$", core):
        core = _REMARK_RE.sub("", core).rstrip()
    name = normalize_name(core)
    if 4 <= len(name) <= 40 and _ORG_END_RE.search(name) and not re.search(r"[，,。:：]", core):
        return [(name, s0, s0 + len(core))]
    out = []
    for e in find_entities(part):
        if e.label != "ORG":
            continue
        end = extend_legal_form(part, e.end)
        n = _clean_org(part[e.start : end])
        if len(n) >= 4:
            out.append((n, e.start, end))
    return out


def _consortium(stream: Stream, out: dict[str, FieldValue]) -> None:
    """联合体成员: a list after the label on its line (``A、B、C``) or as numbered lines
    below it (``1. A（牵头单位）`` / ``2. B``)."""
    text = stream.text
    m = _CONSORTIUM_RE.search(text)
    if not m:
        return
    items: list[tuple[int, int]] = []  # (start, end) of each list item in the stream
    if L.clean_value(m.group("v")):
        a = m.start("v")
        for pm in re.finditer(r"[^、，,；;]+", m.group("v")):
            items.append((a + pm.start(), a + pm.end()))
    else:
        pos = m.end() + 1
        while pos < len(text):
            nl = text.find("\n", pos)
            nl = len(text) if nl < 0 else nl
            line = text[pos:nl]
            if not _ITEM_NO_RE.match(line):
                break
            items.append((pos, nl))
            pos = nl + 1
    seen: list[str] = []
    spans: list[L.Span] = []
    for a, b in items:
        for name, s0, e0 in _member_names(text[a:b]):
            if name not in seen:
                seen.append(name)
                spans.append(stream.span(a + s0, a + e0))
    if seen:
        out["consortium_members"] = field(seen, spans)


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


def _project_name(form: _Form, stream: Stream, out: dict[str, FieldValue]) -> None:
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
    for hit in _label_hits(form, ["项目介绍", "项目简介"]):
        if hit.ref.line.table is not None:
            nxt = _next_cell_ref(form, hit.ref)
            cands = [L.span_of_line(nxt)] if nxt is not None else []
        else:
            cands = list(L.value_candidates(hit, form.refs, order=("same_line", "right", "below")))
        for cand in cands:
            if _starts_with_any_label(cand.text) or L.norm(cand.text).startswith(tuple(_SECTION_LABELS)):
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


# ----------------------------------------------------------------- entry point


def extract(pages: list[Page], directions: Mapping[str, str] | None = None) -> dict[str, FieldValue]:
    """Fields of a 申报表 (see the module doc); only what was found.

    ``directions`` maps the direction words printed on the form to direction keys (a
    policy's directions); default: the 2024 form's :data:`DIRECTIONS`.
    """
    dirs = dict(directions) if directions else DIRECTIONS
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    form = _Form(pages)
    if not form.refs:
        return out
    simple = [
        ("company_name", _v_name),
        ("address", _v_text),
        ("credit_code", _v_code),
        ("established_date", _v_date),
        ("legal_representative", _v_person),
        ("legal_rep_phone", _v_phone),
        ("contact_name", _v_person),
        ("contact_phone", _v_phone),
        ("contact_email", _v_email),
    ]
    for key, validate in simple:
        got = None
        if key in ("legal_rep_phone", "contact_phone"):
            # whose phone: a label naming the person, then the phone on the person's row
            got = _find(form, f"{key}_own", validate) or _phone_in_row(form, key)
        if got is None:
            got = _find(form, key, validate)
        if got is None:
            continue
        value, sp = got
        penalty = 0.0
        if key == "credit_code":
            if _uscc.compact(sp.match) != value:
                penalty += 0.1
            if not _uscc.is_valid(value):
                penalty += 0.3
        out[key] = field(value, sp, penalty)
    if "contact_email" not in out:
        for sp in L.find_pattern(form.pages, r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"):
            out["contact_email"] = field(sp.match.lower(), sp, 0.2)
            break
    for key, options, mapping in (
        ("listed", list(LISTED), LISTED),
        ("ownership", list(OWNERSHIP), {o: o for o in OWNERSHIP}),
        ("direction", list(dirs), dirs),
    ):
        got = _option_field(form, key, options)
        if got is not None:
            opt, conf, refs = got
            fv = field(mapping[opt], refs)
            fv.confidence = round(min(fv.confidence, conf), 3)
            out[key] = fv
    stream = _prose_stream(form)
    _purchases(form, stream, out)
    _revenue(stream, out)
    _consortium(stream, out)
    _project_name(form, stream, out)
    return out

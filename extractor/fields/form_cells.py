"""The 申报表 as a table: where each label is printed and the cell that holds its value.

``LABELS`` are the printed labels of each key; :class:`Form` is the form's lines;
:func:`label_hits` finds a key's labels (also split over two lines of a cell),
:func:`find_field` the validated value next to them (DOCX: the next cell of the row; PDF:
after the colon or right of the label), :func:`phone_in_row` the phone printed on a
person's row. The validators ``v_*`` turn a candidate text into a value or reject it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import extractor.fields.layout as L
from extractor.fields.prose import is_blank, nfkc, prepare_pages
from extractor.normalize import (
    normalize_credit_code,
    normalize_name,
    normalize_phone,
    parse_date,
)
from models.page import Page

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


SECTION_LABELS = ["单位简介", "申报方向", "项目介绍", "材料真实性承诺", "推荐意见"]


class Form:
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


def label_hits(form: Form, labels: Sequence[str]) -> list[L.Hit]:
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


def next_cell_ref(form: Form, ref: L.Ref) -> L.Ref | None:
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


def _value(form: Form, hit: L.Hit, validate) -> L.Span | None:
    """A label's value: the rest of its line, else the next cell / the line right of it."""
    order = ("same_line",) if hit.ref.line.table is not None else ("same_line", "right", "below")
    pool = form.refs
    cands = list(L.value_candidates(hit, pool, stop=_STOP, order=order, below_lines=1.6))
    if hit.ref.line.table is not None:
        nxt = next_cell_ref(form, hit.ref)
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
        if cand.how != "same_line" and starts_with_any_label(c):
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


def starts_with_any_label(text: str) -> bool:
    n = L.norm(text).rstrip(":")
    return n in _SHORT_LABELS or any(n.startswith(L.norm(s)) for s in _STOP)


def find_field(form: Form, key: str, validate) -> tuple[object, L.Span] | None:
    for hit in label_hits(form, LABELS[key]):
        sp = _value(form, hit, validate)
        if sp is not None:
            return sp.extra["value"], sp
    return None


_PHONE_LABELS = ["联系电话", "联系方式", "电话", "手机", "移动电话", "手机号码", "办公电话"]


def _row_refs(form: Form, hit: L.Hit) -> list[L.Ref]:
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


def phone_in_row(form: Form, key: str) -> tuple[object, L.Span] | None:
    """The phone printed on the same table row as a person's label (``法定代表人 | 王振东 |
    法人电话 | 138…``, ``联系人：郑丽娟  手机：138…``): a phone label right of the person's
    label whose value is a phone number."""
    person = "legal_representative" if key == "legal_rep_phone" else "contact_name"
    labels = LABELS[f"{key}_own"] + _PHONE_LABELS
    for hit in label_hits(form, LABELS[person]):
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
                sp = _value(form, ph, v_phone)
                if sp is not None:
                    return sp.extra["value"], sp
    return None


def v_name(t: str):
    n = normalize_name(re.sub(r"[（(]\s*(?:盖章|公章)\s*[)）]", "", t))
    return n if len(n) >= 2 and re.search(r"[\u4e00-\u9fffA-Za-z]", n) else None


def v_person(t: str):
    n = normalize_name(t)
    if not (2 <= len(n) <= 20) or re.search(r"\d{3}", n):
        return None
    return n


def v_text(t: str):
    s = re.sub(r"\s+", " ", nfkc(t)).strip()
    return s if len(s) >= 2 else None


def v_code(t: str):
    code = normalize_credit_code(t)
    if code and L.CREDIT_CODE_RE.fullmatch(code):
        return code
    return None


def v_date(t: str):
    return parse_date(t)


def v_phone(t: str):
    m = re.search(r"[+\d][\d\s\-()（）转]{6,}\d", nfkc(t))
    return normalize_phone(m.group(0)) if m else None


def v_email(t: str):
    m = re.search(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", nfkc(t).replace(" ", ""))
    return m.group(0).lower() if m else None

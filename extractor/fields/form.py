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

import extractor.fields.layout as L
from extractor.fields.consortium import extract_consortium
from extractor.fields.form_cells import (
    LABELS,
    Form,
    find_field,
    label_hits,
    phone_in_row,
    starts_with_any_label,
    v_code,
    v_date,
    v_email,
    v_name,
    v_person,
    v_phone,
    v_text,
)
from extractor.fields.form_prose import project_name, prose_stream, purchases, revenue
from extractor.fields.prose import field, nfkc
from extractor.normalize import uscc as _uscc
from extractor.profile import BUILTIN_DIRECTIONS
from models.contract import FieldValue
from models.page import Page

DIRECTIONS: dict[str, str] = BUILTIN_DIRECTIONS  # the 2024 form; a policy passes its own words
OWNERSHIP = ("国有", "合资", "民营", "其他")
LISTED = {"是": True, "否": False}


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


# ----------------------------------------------------------------- validators


# ----------------------------------------------------------------- option groups


def _option_refs(form: Form, hit: L.Hit, options: Sequence[str]) -> list[L.Ref]:
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
                if starts_with_any_label(x.line.text) and not relevant(x):
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
        if L.v_overlap(x.line.bbox, hb) >= 0.5 and starts_with_any_label(x.line.text) and not relevant(x)
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


def _option_field(form: Form, key: str, options: Sequence[str]) -> tuple[str, float, list[L.Ref]] | None:
    for hit in label_hits(form, LABELS[key]):
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
    form = Form(pages)
    if not form.refs:
        return out
    simple = [
        ("company_name", v_name),
        ("address", v_text),
        ("credit_code", v_code),
        ("established_date", v_date),
        ("legal_representative", v_person),
        ("legal_rep_phone", v_phone),
        ("contact_name", v_person),
        ("contact_phone", v_phone),
        ("contact_email", v_email),
    ]
    for key, validate in simple:
        got = None
        if key in ("legal_rep_phone", "contact_phone"):
            # whose phone: a label naming the person, then the phone on the person's row
            got = find_field(form, f"{key}_own", validate) or phone_in_row(form, key)
        if got is None:
            got = find_field(form, key, validate)
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
    stream = prose_stream(form)
    purchases(form, stream, out)
    revenue(stream, out)
    extract_consortium(stream, out)
    project_name(form, stream, out)
    return out

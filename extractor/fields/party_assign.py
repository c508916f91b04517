"""Steps 2 and 3 of reading a contract's parties (step 1, the mentions, and the vocabulary
are :mod:`extractor.fields.parties`).

2. **Roles** (:func:`slot_roles`): what 甲方/乙方 mean in this contract, from what the
   contract says, with 甲方 = buyer only as the default.
3. **Assignment** (:func:`assign`): one buyer and one seller for the whole document, each
   with the credit code printed in its block (:func:`code_in_block`) and a confidence
   penalty when the choice was made against a doubt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

import extractor.fields.layout as L
from extractor.fields.contract_text import Doc
from extractor.fields.parties import CODE_LABEL_RE, PARTY_RE, ROLE_ALT, ROLE_OF, Mention, org_shape
from extractor.normalize import find_credit_codes, normalize_name
from extractor.normalize import uscc as _uscc
from models.contract import FieldValue
from models.page import Page, Seal

_SLOT = r"(?P<a>甲\s*方|乙\s*方)"


_OTHER = r"(?P<b>甲\s*方|乙\s*方)"


# (pattern, role of a) — what the contract says its slots do
_VERB_CUES = [
    (
        re.compile(
            rf"{_SLOT}(?:同意|愿意|拟|决定|现)?(?:向|从){_OTHER}(?:处)?(?:采购|购买|购置|租用|租赁|订购|购进|定制)"
        ),
        "buyer",
    ),
    (re.compile(rf"{_SLOT}委托{_OTHER}"), "buyer"),
    (
        re.compile(rf"{_SLOT}(?:同意|负责|愿意)?(?:向|为){_OTHER}(?:提供|交付|供应|出售|销售|供货|出租)"),
        "seller",
    ),
    (
        re.compile(rf"{_SLOT}(?:应|须|需|应当|同意)?[^，。；;\n]{{0,16}}?向{_OTHER}(?:支付|付款|付清|结算)"),
        "buyer",
    ),
    (re.compile(rf"{_SLOT}(?:应|须|需|应当)?(?:向|为){_OTHER}开具"), "seller"),
    (re.compile(rf"{_SLOT}(?:将|把)[^，。；;\n]{{0,20}}?(?:出售|销售|出租)给{_OTHER}"), "seller"),
]


_ALIAS_CUES = [
    # 采购方（以下简称“甲方”） / 卖方，下称乙方
    re.compile(
        rf"(?P<r>{ROLE_ALT})\s*[）)]?[^，。；;\n]{{0,30}}?(?:以下|下文)?(?:简称|称为|称)\s*[“\"'「『]?\s*(?P<s>甲方|乙方)"
    ),
    # 甲方（采购方） / 甲方(卖方)
    re.compile(rf"(?P<s>甲\s*方|乙\s*方)\s*[（(]\s*(?P<r>{ROLE_ALT})\s*[)）]"),
    # 采购方（甲方）
    re.compile(rf"(?P<r>{ROLE_ALT})\s*[（(]\s*(?P<s>甲\s*方|乙\s*方)\s*[)）]"),
]


_OPPOSITE = {"buyer": "seller", "seller": "buyer"}


@dataclass
class SlotRoles:
    roles: dict[str, str] = field(default_factory=lambda: {"甲方": "buyer", "乙方": "seller"})
    votes: dict[str, dict[str, int]] = field(default_factory=dict)
    stated: bool = False  # the contract states the slots' roles (alias or verb cues)
    contested: bool = False  # cues point both ways


def slot_roles(text: str) -> SlotRoles:
    """What 甲方 and 乙方 mean in this contract.

    >>> slot_roles("甲方：甲公司 乙方：乙公司 乙方向甲方提供算力服务").roles
    {'甲方': 'buyer', '乙方': 'seller'}
    >>> r = slot_roles("卖方（以下简称“甲方”）：甲公司 买方（以下简称“乙方”）：乙公司 乙方应向甲方支付货款")
    >>> r.roles, r.stated, r.contested
    ({'甲方': 'seller', '乙方': 'buyer'}, True, False)
    >>> slot_roles("甲方向乙方销售服务器，乙方向甲方付款").roles["甲方"]
    'seller'
    """
    votes: dict[str, dict[str, int]] = {"甲方": {"buyer": 0, "seller": 0}, "乙方": {"buyer": 0, "seller": 0}}
    for pat in _ALIAS_CUES:
        for m in pat.finditer(text):
            slot = re.sub(r"\s+", "", m.group("s"))
            votes[slot][ROLE_OF[m.group("r")]] += 3
    for pat, role in _VERB_CUES:
        for m in pat.finditer(text):
            a, b = re.sub(r"\s+", "", m.group("a")), re.sub(r"\s+", "", m.group("b"))
            if a == b:
                continue
            votes[a][role] += 1
            votes[b][_OPPOSITE[role]] += 1
    score = (
        votes["甲方"]["buyer"] + votes["乙方"]["seller"] - votes["甲方"]["seller"] - votes["乙方"]["buyer"]
    )
    for_default = votes["甲方"]["buyer"] + votes["乙方"]["seller"]
    against = votes["甲方"]["seller"] + votes["乙方"]["buyer"]
    out = SlotRoles(votes=votes, stated=bool(for_default or against))
    out.contested = bool(
        for_default and against and min(for_default, against) * 3 > max(for_default, against)
    )
    if score < 0:
        out.roles = {"甲方": "seller", "乙方": "buyer"}
    return out


def _code_in_lines(refs: Sequence[L.Ref]) -> tuple[str, L.Span, bool] | None:
    for r in refs:
        t = r.line.text
        labelled = CODE_LABEL_RE.search(t)
        for code, s, e in find_credit_codes(t):
            valid = _uscc.is_valid(code)
            if valid or (labelled and labelled.start() < s and L.CREDIT_CODE_RE.fullmatch(code)):
                return code, L.Span(t[s:e], [r], s, e), valid
    return None


def _column_below(party: Mention, max_lines: int = 8) -> list[L.Ref]:
    """Positioned lines under a party's name in its column, up to the next party label."""
    last = party.span.refs[-1]
    if last.line.bbox is None or last.line.table is not None:
        return []
    out: list[L.Ref] = []
    cur = last
    x0 = party.span.refs[0].line.bbox[0] if party.span.refs[0].line.bbox else last.line.bbox[0]
    for _ in range(max_lines):
        h = max(cur.line.bbox[3] - cur.line.bbox[1], 1.0)
        nxt = [
            x
            for x in L.below(cur, L.page_refs(cur.page), max_lines=2.5)
            if x.line.bbox is not None and abs(x.line.bbox[0] - x0) <= 4 * h
        ]
        if not nxt:
            break
        cur = nxt[0]
        pm = PARTY_RE.match(cur.line.text.strip())
        if pm and pm.group("label") and pm.group("colon"):
            break
        if _other_company_paragraph(cur.line.text, party):
            break
        out.append(cur)
    return out


# a line that starts with a company's name: a paragraph about that company
_LEADING_ORG_RE = re.compile(r"([\u4e00-\u9fa5()（）]{2,30}?(?:股份有限公司|有限责任公司|有限公司))")


def _other_company_paragraph(text: str, party: Mention) -> bool:
    """Whether a line opens a paragraph about another company (「黑河龙江化工有限公司是经…」):
    the end of ``party``'s block."""
    lead = _LEADING_ORG_RE.match(text.strip())
    return bool(lead) and normalize_name(lead.group(1)) != normalize_name(party.name)


def code_in_block(doc, party: Mention) -> tuple[str, L.Span, bool] | None:
    """The credit code printed in a party's block → (code, span, valid): in the stream
    lines of the block, else in the lines under the name in its column."""
    if party.code is not None:
        return party.code
    got = _code_in_table_column(doc, party)
    if got is not None:
        return got
    got = _code_in_stream_block(doc, party)
    return got if got is not None else _code_in_lines(_column_below(party))


def _code_in_table_column(doc, party: Mention) -> tuple[str, L.Span, bool] | None:
    """A party named in a table cell (「需方（甲方）| XX公司 | 供方（乙方）| YY公司」): its code is
    the valid code in a cell of the same column in the rows below (each party its column)."""
    first = party.span.refs[0] if party.span.refs else None
    cell = first.line if first is not None else None
    if cell is None or cell.table is None or cell.col is None or cell.row is None:
        return None
    for r in doc.refs:
        ln = r.line
        if (
            r.page is not first.page
            or ln.table != cell.table
            or ln.col != cell.col
            or ln.row is None
            or not 0 < ln.row - cell.row <= 6
        ):
            continue
        for code, s, e in find_credit_codes(ln.text):
            if _uscc.is_valid(code):
                return code, L.Span(ln.text[s:e], [r], s, e), True
    return None


def _code_in_stream_block(doc, party: Mention) -> tuple[str, L.Span, bool] | None:
    start_k = party.k
    first_ref = doc.refs[start_k]
    for kk in range(start_k, max(party.block_end, start_k + 1)):
        r = doc.refs[kk]
        t = r.line.text
        if kk > start_k and _other_company_paragraph(t, party):
            break
        lo = 0
        if kk == start_k and party.code_from is not None:
            lo = party.code_from
        elif kk == start_k and party.span.end is not None and party.span.refs[0] is first_ref:
            lo = party.span.end
        labelled = CODE_LABEL_RE.search(t, lo)
        if kk == start_k:
            m_other = [m for m in PARTY_RE.finditer(t, lo) if m.group("colon")]
            hi = m_other[0].start() if m_other else len(t)
        else:
            hi = len(t)
        for code, s, e in find_credit_codes(t[lo:hi]):
            s, e = s + lo, e + lo
            valid = _uscc.is_valid(code)
            if not valid and not (labelled and labelled.start() < s):
                continue
            if not valid and not L.CREDIT_CODE_RE.fullmatch(code):
                continue
            return code, L.Span(t[s:e], [r], s, e), valid
    return None


@dataclass
class Party:
    role: str
    mention: Mention
    penalty: float
    code: tuple[str, L.Span, bool] | None


def _norm(name: str) -> str:
    return normalize_name(name)


def _support(name: str, pool: Sequence[Mention]) -> int:
    """How many mentions name this party (the same name, or a form cut at its start)."""
    n = _norm(name)
    return sum(1 for m in pool if _norm(m.name) == n or (len(m.name) >= 4 and n.endswith(_norm(m.name))))


def assign(doc, found: Sequence[Mention], roles: SlotRoles) -> dict[str, Party]:
    """One buyer and one seller for the document (see the module doc)."""
    for m in found:
        own = m.own_role
        m.role = own if own is not None else roles.roles.get(m.slot or "", None)
    chosen: dict[str, Party] = {}
    ranked: dict[str, list[tuple[tuple, Mention]]] = {}
    for role in ("buyer", "seller"):
        pool = [m for m in found if m.role == role and org_shape(m.name) > 0]
        scored = []
        for m in pool:
            shape = org_shape(m.name)
            # a longer form of the same name (the first character restored) is preferred
            longer = [
                x for x in pool if _norm(x.name) != _norm(m.name) and _norm(x.name).endswith(_norm(m.name))
            ]
            scored.append(((shape, not longer, _support(m.name, found), -m.order), m))
        scored.sort(key=lambda x: x[0], reverse=True)
        ranked[role] = scored
    for role in ("buyer", "seller"):
        if not ranked[role]:
            continue
        m = ranked[role][0][1]
        penalty = 0.0
        if org_shape(m.name) < 2:
            penalty += 0.1
        if m.slot and m.own_role is None and roles.contested:
            penalty += 0.25  # the contract's cues for 甲方/乙方 contradict each other
        chosen[role] = Party(role, m, penalty, None)
    b, s = chosen.get("buyer"), chosen.get("seller")
    if b and s and _norm(b.mention.name) == _norm(s.mention.name):
        # two distinct parties: the role with a second candidate gives way
        for role in ("seller", "buyer"):
            alt = [m for _, m in ranked[role] if _norm(m.name) != _norm(b.mention.name)]
            if alt:
                chosen[role] = Party(role, alt[0], chosen[role].penalty + 0.2, None)
                break
        else:
            for p in chosen.values():
                p.penalty += 0.3
    for role, p in chosen.items():
        same = [p.mention] + [
            m for _, m in ranked[role] if m is not p.mention and _norm(m.name) == _norm(p.mention.name)
        ]
        for m in same:
            got = code_in_block(doc, m)
            if got is not None:
                p.code = got
                break
    return chosen


def code_under_name(
    doc: Doc, name: str, taken: set[str], others: list[str] = ()
) -> tuple[str, L.Span] | None:
    """A party's code printed away from its block, under a line that names it again (the
    payment details: 「单位名称：XX公司」 … 「税务登记证号：9112…」; a party described in prose:
    「XX公司是经…注册登记成立的…营业执照注册号：9123…」): a labelled, valid code within eight
    lines below the name, before a line naming another party."""
    n = normalize_name(name)
    if len(n) < 4:
        return None
    other_names = [o for o in (normalize_name(x) for x in others) if len(o) >= 4 and o != n]
    text = doc.stream.text
    for k, r in enumerate(doc.refs):
        if n not in normalize_name(r.line.text):
            continue
        for kk in range(k + 1, min(k + 9, len(doc.refs))):
            t = doc.refs[kk].line.text
            pm = PARTY_RE.match(t.strip())
            if pm and pm.group("label"):
                break  # the next party's block
            if any(o in normalize_name(t) for o in other_names):
                break  # the other party's description
            for code, s, e in find_credit_codes(t):
                before = text[max(0, doc.stream.starts[kk] + s - 16) : doc.stream.starts[kk] + s]
                if (
                    code not in taken
                    and _uscc.is_valid(code)
                    and re.search(r"代码|识别号|登记证号|税号|注册号", before)
                ):
                    return code, L.Span(t[s:e], [doc.refs[kk]], s, e)
    return None


# the label of a credit code in a signature block's column (「税号：9150…」)
_COLUMN_CODE_RE = re.compile(r"税号|信用代码|识别号|注册号")


def code_in_role_column(doc: Doc, word: str, taken: set[str]) -> tuple[str, L.Span] | None:
    """A party's code in the signature block under its role word, in the role's column
    (「甲方：…有限」/「公司」 … 「税号：9150…」 left, 「乙方」 … 「税号：9150…」 right): a
    labelled, valid code below the role label, starting within two line heights of the
    label's left edge, before another role label in that column. The last such block wins
    (the signature page follows the body)."""
    found = None
    for r in doc.refs:
        rb = r.line.bbox
        m = PARTY_RE.match(r.line.text.strip())
        if rb is None or not m or not m.group("label") or re.sub(r"\s+", "", m.group("label")) != word:
            continue
        h = max(rb[3] - rb[1], 1.0)
        below = sorted(
            (x for x in doc.refs if x.page is r.page and x.line.bbox is not None and x.line.bbox[1] > rb[1]),
            key=lambda x: x.line.bbox[1],
        )
        for x in below:
            xb = x.line.bbox
            if abs(xb[0] - rb[0]) > 2 * h:
                continue
            pm = PARTY_RE.match(x.line.text.strip())
            if pm and pm.group("label"):
                break  # the next block of this column
            if not _COLUMN_CODE_RE.search(x.line.text):
                continue
            codes = [c for c in find_credit_codes(x.line.text) if c[0] not in taken and _uscc.is_valid(c[0])]
            if codes:
                code, s, e = codes[0]
                found = (code, L.Span(x.line.text[s:e], [x], s, e))
                break
    return found


# a seal's ring read this alike (rapidfuzz ratio, 0-100) names the same party
_SAME_PARTY = 80


def party_from_seals(pages: Sequence[Page], known: str) -> FieldValue | None:
    """The other party's name from the seals when only one party's name could be read (the
    other's printed name lies under its own seal on a signature page): the one organisation
    a seal names, besides ``known`` (method ``seal``, confidence 0.5). Two such names, or
    none: nothing (a third party, a witness, may seal too)."""
    names: dict[str, tuple[Seal, int]] = {}
    known = normalize_name(known)
    for page in pages:
        for seal in page.seals:
            t = normalize_name(seal.text)
            if org_shape(t) < 2 or fuzz.ratio(t, known) >= _SAME_PARTY:
                continue
            if not any(fuzz.ratio(t, n) >= _SAME_PARTY for n in names):
                names[t] = (seal, page.number)
    if len(names) != 1:
        return None
    name, (seal, number) = next(iter(names.items()))
    return FieldValue(
        value=name, page=number, bbox=list(seal.box), confidence=0.5, source_text=seal.text, method="seal"
    )

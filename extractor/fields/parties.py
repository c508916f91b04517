"""The two parties of a contract: candidates, validators, one assignment for the document.

Contracts name their parties in many ways: ``甲方：…`` lines, ``采购方（甲方）`` headings
with ``名称：…`` below, a two-column table whose column heads are the roles (采购方 |
服务方) and whose rows are 名称 / 统一社会信用代码 / 住所, signature blocks
(``甲方（盖章）：…``). And the role words differ: 甲方/乙方 are *slots* whose meaning
the contract defines (in a sales contract written by the seller 甲方 is the seller),
while 采购方, 委托方, 需方, 买方, 发包方, 客户 … name the buyer and 服务方, 受托方, 供方,
卖方, 承包方, 服务商 … the provider.

So the parties are found in three steps (each a small pure function; this module holds
the vocabulary, the name checks and step 1, :mod:`extractor.fields.party_assign` steps 2 and 3):

1. **Mentions** (:func:`mentions`): every place a role word introduces a party, with the
   name candidate found next to it (same line, the cell to the right or below, a
   ``名称：`` line under a heading, the column under a role head), its provenance and a
   name that continues on the next line joined.
2. **Roles** (:func:`~extractor.fields.party_assign.slot_roles`): what 甲方/乙方 mean in this contract, from what the
   contract says — ``甲方（卖方）``, ``采购方（以下简称“甲方”）``, ``甲方向乙方采购``,
   ``乙方向甲方提供``, ``甲方应向乙方支付`` — with 甲方 = buyer only as the default.
3. **Assignment** (:func:`~extractor.fields.party_assign.assign`): candidates are checked (an organisation-name shape,
   not a label word; a credit code with a valid check digit in the same block) and one
   buyer and one seller are chosen for the whole document: two distinct parties, the name
   most mentions agree on (a name cut at its first character loses to its full form).
   A choice made against a doubt (roles contradicted, names that are not organisation
   names, one name for both roles) carries a confidence penalty, so that a rule turns it
   into ``review`` rather than a wrong ``fail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import extractor.fields.layout as L
from extractor.entities import find_entities
from extractor.fields.prose import is_blank
from extractor.normalize import find_credit_codes, normalize_name
from extractor.normalize import uscc as _uscc

# 甲方/乙方/丙方: slots whose meaning the contract itself defines
SLOT_WORDS = ("甲方", "乙方", "丙方")
BUYER_WORDS = (
    "采购方", "采购人", "委托方", "委托人", "买方", "需方", "客户", "客户方", "发包人", "发包方",
    "承租方", "承租人", "租用方", "用户方", "用户", "购买方", "买受人", "订购方", "订货方", "招标人",
    "需求方", "使用方", "采购单位", "委托单位", "建设单位",
)  # fmt: skip
SELLER_WORDS = (
    "服务方", "服务提供方", "服务提供商", "受托方", "受托人", "供应商", "卖方", "供方", "服务商",
    "承包人", "承包方", "出租方", "出租人", "销售方", "出卖人", "供货方", "承接方", "中标人", "服务单位",
    "提供方", "供应方", "成交供应商", "中标供应商", "成交人", "供货单位", "受托单位", "施工单位", "承建单位",
)  # fmt: skip
ROLE_OF = {w: "buyer" for w in BUYER_WORDS} | {w: "seller" for w in SELLER_WORDS}
# kept for callers that list every party label with its default role
BUYER_LABELS = ("甲方", *BUYER_WORDS)
SELLER_LABELS = ("乙方", *SELLER_WORDS)


def spaced(word: str) -> str:
    """Regex for a label whose chars may be separated by blanks (``甲    方``)."""
    return r"\s*".join(re.escape(c) for c in word)


_ALL_WORDS = sorted((*SLOT_WORDS, *ROLE_OF), key=len, reverse=True)
LABEL_ALT = "|".join(spaced(x) for x in _ALL_WORDS)
ROLE_ALT = "|".join(re.escape(x) for x in sorted(ROLE_OF, key=len, reverse=True))
_STAMP_WORDS = (
    r"盖章|签章|公章|签字|签名|章|签字盖章|盖章处|签字或盖章|盖章或签字|单位盖章|公章或合同专用章|合同专用章"
)
# the caption after a name, its closing bracket sometimes lost by OCR at the line's end (「（盖章」)
_STAMP_RE = re.compile(rf"[（(]\s*(?:{_STAMP_WORDS})\s*(?:[)）]|$)")
ORG_TAIL_RE = re.compile(
    r"(?:公司|研究院|研究所|中心|大学|学院|学校|中学|小学|幼儿园|医院|集团|事务所|合作社|分行|支行|厂|局|委员会|管理处|办公室|"
    r"协会|学会|基金会|银行|合伙\)|合伙）|商行|经营部|门市部|工作室|店|馆|所|院|站|社|部)$"
)

# a party label at a line start or after a blank / sentence end, optionally numbered, with
# an optional "(乙方)" and "(盖章)" and then a colon (or nothing at all: a heading)
PARTY_RE = re.compile(
    r"(?:^|(?<=[\s。；;]))(?:[\d.]+\s*|[（(][一二三四五六七八九十\d]+[)）]\s*|[一二三四五六七八九十]+[、.]\s*)?"
    # 「项目依托单位（甲方）：」: a descriptive label with the role in brackets
    r"(?P<desc>[\u4e00-\u9fff]{2,10}?(?:单位|机构|方|人)\s*[（(]\s*)?"
    rf"(?P<label>{LABEL_ALT})(?(desc)\s*[)）])(?:\s*(?:名称|单位名称|单位|全称))?"
    r"\s*(?:[（(](?P<alt>[^()（）]{1,10})[)）])?"
    rf"\s*(?:[（(]\s*(?:{_STAMP_WORDS})\s*[)）])?"
    r"\s*(?P<colon>[:：])?"
)
# labels that end a value printed on the same line
NEXT_LABEL_RE = re.compile(
    r"(?:统一社会信用代码|社会信用代码|信用代码|纳税人识别号|税号|地\s*址|住\s*所(?:\s*地)?|法定代表人|"
    r"法人代表|授权代表|委托代理人|代理人|联\s*系\s*人|联系电话|电\s*话|传\s*真|开户(?:银)?行|账\s*号|"
    r"邮\s*编|电子(?:信箱|邮箱)|邮\s*箱|签订日期|签署日期|签约日期|签订时间|日\s*期|项目经理|负责人|"
    rf"通讯地址|{LABEL_ALT})\s*(?:[（(][^()（）]{{0,8}}[)）]\s*){{0,2}}[:：]"
)
_SUB_NAME_RE = re.compile(r"^\s*(?:单\s*位|名\s*称|单位名称|公司名称|企业名称|全\s*称)\s*[:：]?\s*(?P<v>.*)$")
_NAME_ROW_RE = re.compile(r"^\s*(?:单\s*位|名\s*称|单位名称|公司名称|企业名称|全\s*称|单位全称)\s*[:：]?\s*$")
_CODE_ROW_RE = re.compile(r"^\s*(?:统一社会信用代码|社会信用代码|信用代码|纳税人识别号|税号)\s*[:：]?\s*$")
_SENTENCE_PUNCT = "，。；;！？!?、"
CODE_LABEL_RE = re.compile(r"(?:统一)?社会信用代码|信用代码|纳税人识别号|识别号|税\s*号|注册号")
# words that make a "name" a label or a header, not a party
_LABELISH_RE = re.compile(
    r"^(?:[（(]?(?:名称|单位|种类|业务|产品|项目|地址|住所|电话|账号|开户行|代表|盖章|签字|日期|"
    r"服务|内容|规格|型号|数量|单价|金额|合计|备注|说明|类别|类型|编号|方|甲|乙|丙)[)）]?)+$"
)


def clean_org(name: str) -> str:
    """Normalise an organisation name and drop what the entity layer may leave in front
    (a year ``2023年``, a preposition ``向``) or behind (``（盖章）``).

    >>> clean_org("2023年向北京智算云科技有限公司")
    '北京智算云科技有限公司'
    >>> clean_org(" 长沙深算科技有限公司（盖章） "), clean_org("中国工商银行股份有限公司牡丹卡中心（盖章")
    ('长沙深算科技有限公司', '中国工商银行股份有限公司牡丹卡中心')
    >>> clean_org("张某某（身份证号：110105199003071239）")
    '张某某'
    """
    s = _STAMP_RE.sub("", name or "")
    # a bracketed note with its own label is not part of the name: 「张某某（身份证号：…）」
    s = re.sub(r"[（(][^()（）]{0,12}[:：][^()（）]*[)）]", "", s)
    s = normalize_name(s)
    s = re.sub(r"^(?:\d{4}年度?|上年度|本年度)", "", s)
    s = re.sub(r"^(?:向|与|和|及|由|经|对|给|从|自|在)", "", s)
    s = re.sub(r"^(?:[•·●○◆■□▪\-*]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*", "", s)
    s = s.strip(":：")
    if s.startswith("(") and ")" not in s[1:]:
        s = s[1:]
    if s.endswith("(") or (s.endswith(")") and "(" not in s):
        s = s[:-1]
    return s


def org_shape(name: str) -> int:
    """How much ``name`` looks like an organisation's name: 2 with an organisation
    suffix, 1 for a plausible name without one, ≤ 0 for a label word or a fragment.

    >>> org_shape("泉州智算科技有限公司"), org_shape("李四"), org_shape("业务(产品)种类"), org_shape("采购方")
    (2, 1, -5, -5)
    >>> org_shape("公司印章"), org_shape("电子签名专用")
    (-5, 1)
    """
    n = normalize_name(name or "")
    if len(n) < 2 or n in ROLE_OF or n in SLOT_WORDS or _LABELISH_RE.match(n) or re.search(r"[:：]", n):
        return -5
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", n) or len(n) > 60:
        return -5
    if re.match(rf"(?:{LABEL_ALT})\s*(?:[(（:：]|$)", n):
        return -5  # 乙方(买方)…: a label, not a name
    if re.search(r"(?:印章|盖章|签章|签字|公章|专用章|签名|代表|日期|地址|电话|账号|名称)$", n):
        return -5  # 「公司印章」「授权代表」: the caption of a blank, not a party
    if ORG_TAIL_RE.search(n) and len(n) >= 4:
        return 2
    return 1


def name_from_text(text: str) -> tuple[str, int, int] | None:
    """A party name at the start of ``text`` → (name, start, end) in ``text``; None for blanks.

    >>> name_from_text("  长沙深算科技有限公司  ")[0]
    '长沙深算科技有限公司'
    >>> name_from_text("中国中材国际工程股份有限公司（南京） 鉴于甲乙双方签订总承包合同，")[0]
    '中国中材国际工程股份有限公司(南京)'
    >>> name_from_text("_______________") is None, name_from_text("（盖章）") is None
    (True, True)
    """
    m = NEXT_LABEL_RE.search(text)
    cut = m.start() if m else len(text)
    head = text[:cut]
    gap = re.search(r"\S(\s{2,}|\t)\S", head)
    if gap:
        head = head[: gap.start() + 1]
    raw = _STAMP_RE.sub(lambda mm: " " * len(mm.group(0)), head)
    if is_blank(raw):
        return None
    s0 = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    if not any(p in stripped for p in _SENTENCE_PUNCT) and len(stripped) <= 40:
        name = clean_org(stripped)
        if len(name) >= 2 and not is_blank(name) and re.search(r"[\u4e00-\u9fffA-Za-z]", name):
            return name, s0, s0 + len(stripped)
    # prose after the name: let the entity layer delimit it
    for ent in find_entities(head):
        if ent.label != "ORG" or ent.start > s0 + 2:
            continue
        end = ent.end
        br = re.match(r"\s*[（(][\u4e00-\u9fff]{2,6}[)）]", head[end:])
        if br and not _STAMP_RE.match(br.group(0).strip()):
            end += len(br.group(0))
        name = clean_org(head[ent.start : end])
        if len(name) >= 4:
            return name, ent.start, end
    return None


# ----------------------------------------------------------------- mentions


@dataclass
class Mention:
    """A role word introducing a party, with the name candidate found for it."""

    word: str  # the role word as printed, without blanks: 甲方, 采购方 …
    alt: str | None  # the word in brackets after it: 甲方（采购方） → 采购方
    name: str
    span: L.Span
    k: int  # stream index of the line holding the name
    block_end: int  # stream index after the party's block (its credit code is inside)
    how: str  # line | cell | below | column
    code: tuple[str, L.Span, bool] | None = None  # a credit code read with the name (tables)
    role: str | None = None  # buyer | seller, once resolved
    order: int = 0
    code_from: int | None = None  # where on the name's line its credit code may start

    @property
    def slot(self) -> str | None:
        return self.word if self.word in SLOT_WORDS else None

    @property
    def own_role(self) -> str | None:
        """The role the mention's words state by themselves (not a slot)."""
        if self.word in ROLE_OF:
            return ROLE_OF[self.word]
        if self.alt:
            a = re.sub(r"\s+", "", self.alt)
            if a in ROLE_OF:
                return ROLE_OF[a]
        return None


def _continuation(doc, k: int) -> L.Ref | None:
    """The line that continues line ``k`` of the stream: the next line of the same DOCX
    cell, or the line right below it starting at about the same x (positioned lines)."""
    r = doc.refs[k]
    if r.line.table is not None:
        nxt = doc.refs[k + 1] if k + 1 < len(doc.refs) else None
        if nxt is not None and (nxt.line.table, nxt.line.row, nxt.line.col) == (
            r.line.table,
            r.line.row,
            r.line.col,
        ):
            return nxt
        return None
    b = r.line.bbox
    if b is None:
        return doc.refs[k + 1] if k + 1 < len(doc.refs) else None
    h = max(b[3] - b[1], 1.0)
    for x in L.below(r, L.page_refs(r.page), max_lines=1.6):
        xb = x.line.bbox
        if xb is not None and abs(xb[0] - b[0]) <= 1.5 * h:
            return x
    return None


def _join_wrapped(doc, k: int, name: str, span: L.Span) -> tuple[str, L.Span]:
    """A name cut at a line wrap goes on at the start of the next line(s): join them when
    the name alone has no organisation suffix and the joined one has."""
    refs = list(span.refs)
    joined = name
    cur = k
    for _ in range(2):
        if org_shape(joined) == 2:
            break
        nxt = _continuation(doc, cur)
        if nxt is None:
            break
        t = nxt.line.text.strip()
        if not t or len(t) > 30 or re.search(r"[:：，,。；;]", t) or PARTY_RE.match(t):
            break
        m = re.match(r"[\u4e00-\u9fffA-Za-z0-9（）()]+", t)
        if not m:
            break
        joined = clean_org(joined + m.group(0))
        refs.append(nxt)
        cur = doc.k(nxt)
    if joined == name or org_shape(joined) != 2:
        return name, span
    return joined, L.Span(joined, refs, how="wrapped")


def _heads(doc) -> list[tuple[int, re.Match[str]]]:
    heads: list[tuple[int, re.Match[str]]] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        for m in PARTY_RE.finditer(t):
            rest = t[m.end() :]
            if m.group("colon") is None and rest.strip():
                continue  # "甲方委托乙方…" is prose, not a label
            heads.append((k, m))
    return heads


def label_mentions(doc, skip: frozenset[int] = frozenset()) -> list[Mention]:
    """Mentions of the ``甲方：name`` kinds: same line, the cell right of or below the
    label, or a ``名称：`` line under a heading. ``skip``: stream indices of the column
    heads of a party table (read by :func:`column_mentions`)."""
    refs = doc.refs
    heads = _heads(doc)
    out: list[Mention] = []
    for n, (k, m) in enumerate(heads):
        if k in skip:
            continue
        r = refs[k]
        word = re.sub(r"\s+", "", m.group("label"))
        alt = m.group("alt")
        nxt = [kk for kk, mm in heads[n + 1 :] if kk > k or mm.start() > m.start()]
        block_end = min([*nxt[:1], k + 9, len(refs)]) if nxt else min(k + 9, len(refs))
        block_end = max(block_end, k + 1)
        t = r.line.text

        def add(name: str, span: L.Span, kk: int, how: str, word=word, alt=alt, block_end=block_end) -> None:
            name, span = _join_wrapped(doc, kk, name, span)
            out.append(Mention(word, alt, name, span, kk, block_end, how, order=len(out)))

        later = [mm.start() for kk, mm in heads if kk == k and mm.start() > m.start()]
        seg_end = min(later) if later else len(t)
        got = name_from_text(t[m.end() : seg_end])
        if got is not None:
            name, s, e = got
            add(
                name,
                L.Span(t[m.end() + s : m.end() + e], [r], m.end() + s, m.end() + e, how="same_line"),
                k,
                "line",
            )
            continue
        cands: list[L.Ref] = []
        if r.line.table is not None:
            cands = L.next_cells(r, refs)[:1]
        elif r.line.bbox is not None:
            cands = L.right_of(r, refs)[:1]
        for c in cands:
            pm = PARTY_RE.match(c.line.text.strip())
            if pm and pm.group("label"):
                continue  # the other party's label beside this one
            got = name_from_text(c.line.text)
            if got is not None and org_shape(got[0]) > 0:
                add(got[0], L.Span(c.line.text, [c], got[1], got[2]), doc.k(c), "cell")
                break
        else:
            below_refs = _lines_below(doc, k)
            for kk in below_refs:
                if any(hk == kk for hk, _ in heads):
                    break
                sub = _SUB_NAME_RE.match(refs[kk].line.text)
                if not sub:
                    t2 = refs[kk].line.text
                    if m.group("colon") is not None and kk == below_refs[0] and not re.search(r"[:：]", t2):
                        # "甲方（采购方）：" ending its line, the name on the line(s) below
                        got = name_from_text(t2)
                        if got is not None and org_shape(got[0]) > 0:
                            add(got[0], L.Span(t2[got[1] : got[2]], [refs[kk]], got[1], got[2]), kk, "below")
                            break
                    if kk == below_refs[0] and m.group("colon") is None:
                        # a heading (甲方) with the bare name on the next line
                        t2 = refs[kk].line.text
                        got = name_from_text(t2)
                        if got is not None and ORG_TAIL_RE.search(got[0]) and not re.search(r"[:：]", t2):
                            add(got[0], L.Span(t2[got[1] : got[2]], [refs[kk]], got[1], got[2]), kk, "below")
                            break
                    continue
                got = name_from_text(sub.group("v"))
                if got is None:
                    # "名称" alone in a cell: the value is the next cell
                    nc = L.next_cells(refs[kk], refs)[:1] or (
                        L.right_of(refs[kk], refs)[:1] if refs[kk].line.bbox is not None else []
                    )
                    for c in nc:
                        got2 = name_from_text(c.line.text)
                        if got2 is not None and org_shape(got2[0]) > 0:
                            add(got2[0], L.Span(c.line.text, [c], got2[1], got2[2]), doc.k(c), "cell")
                    break
                off = sub.start("v")
                t2 = refs[kk].line.text
                add(
                    got[0],
                    L.Span(t2[off + got[1] : off + got[2]], [refs[kk]], off + got[1], off + got[2]),
                    kk,
                    "below",
                )
                break
    return out


_BULLET_RE = re.compile(r"^\s*[■□●○◆◇▪•·\-—*]+\s*$")


def _lines_below(doc, k: int) -> list[int]:
    """Stream indices of the (up to 3) lines under line ``k``: the lines right below it for
    positioned lines (bullets skipped), else the next lines of the stream."""
    r = doc.refs[k]
    if r.line.bbox is None or r.line.table is not None:
        return list(range(k + 1, min(k + 4, len(doc.refs))))
    out: list[int] = []
    cur = r
    for _ in range(4):
        nxt = [
            x for x in L.below(cur, L.page_refs(cur.page), max_lines=1.8) if (id(x.page), x.index) in doc.pos
        ]
        if not nxt:
            break
        cur = nxt[0]
        if _BULLET_RE.match(cur.line.text):
            continue
        out.append(doc.k(cur))
        if len(out) == 3:
            break
    return out


def _is_head_cell(text: str) -> re.Match[str] | None:
    """A table cell that is only a role word (``采购方``, ``甲方（采购方）``, ``乙方：``)."""
    t = text.strip()
    m = PARTY_RE.match(t)
    return m if m and m.start() == 0 and m.end() == len(t) and m.group("label") else None


def _row_of(doc, r: L.Ref) -> list[L.Ref]:
    """The cells of ``r``'s row (``r`` included), left to right."""
    if r.line.table is not None:
        row = [
            x
            for x in doc.refs
            if x.page is r.page and x.line.table == r.line.table and x.line.row == r.line.row
        ]
        return sorted(row, key=lambda x: (x.line.col or 0, x.index))
    b = r.line.bbox
    if b is None:
        return [r]
    row = [x for x in L.page_refs(r.page) if x.line.bbox is not None and L.v_overlap(b, x.line.bbox) >= 0.5]
    return sorted(row, key=lambda x: x.line.bbox[0])


def _cell_under(doc, head: L.Ref, row_label: L.Ref, next_head_x: float | None) -> list[L.Ref]:
    """Lines of the cell in ``row_label``'s row and ``head``'s column (a name may wrap to a
    second line inside its cell). Positioned tables: the row spans from halfway to the row
    label above to halfway to the row label below (labels of the first column)."""
    if head.line.table is not None:
        return [
            x
            for x in doc.refs
            if x.page is row_label.page
            and x.line.table == row_label.line.table
            and x.line.row == row_label.line.row
            and x.line.col == head.line.col
        ]
    hb, rb = head.line.bbox, row_label.line.bbox
    if hb is None or rb is None:
        return []
    h = max(rb[3] - rb[1], 1.0)
    label_col = sorted(
        (
            x
            for x in L.page_refs(row_label.page)
            if x.line.bbox is not None
            and x.line.bbox[2] <= hb[0] - 0.3 * h
            and L.h_overlap(x.line.bbox, rb) > 0
            and x.line.bbox[1] > hb[3]
        ),
        key=lambda x: x.line.bbox[1],
    )
    cy = (rb[1] + rb[3]) / 2
    above = [(x.line.bbox[1] + x.line.bbox[3]) / 2 for x in label_col if x.line.bbox[3] <= rb[1]]
    under = [(x.line.bbox[1] + x.line.bbox[3]) / 2 for x in label_col if x.line.bbox[1] >= rb[3]]
    top = (max(above) + cy) / 2 if above else hb[3]
    bottom = (min(under) + cy) / 2 if under else rb[3] + 1.5 * h
    x0 = hb[0] - 2 * h
    x1 = next_head_x - 0.5 * h if next_head_x is not None else head.page.width or 1e9
    cells = []
    for x in L.page_refs(row_label.page):
        xb = x.line.bbox
        if xb is None or x is row_label:
            continue
        xc, yc = (xb[0] + xb[2]) / 2, (xb[1] + xb[3]) / 2
        if x0 <= xb[0] and xc <= x1 and top < yc < bottom:
            cells.append(x)
    return sorted(cells, key=lambda x: (x.line.bbox[1], x.line.bbox[0]))


def column_mentions(doc, used: set[int] | None = None) -> list[Mention]:
    """Mentions from a table whose column heads are the roles (采购方 | 服务方) and whose
    rows are 名称 / 统一社会信用代码 / …: the name (and code) under each head. The stream
    indices of the heads read are added to ``used``."""
    out: list[Mention] = []
    seen_rows: set[tuple] = set()
    for k, r in enumerate(doc.refs):
        if not _is_head_cell(r.line.text):
            continue
        row = _row_of(doc, r)
        heads = [x for x in row if _is_head_cell(x.line.text)]
        key = tuple(id(x.line) for x in heads)
        if len(heads) < 2 or key in seen_rows:
            continue
        seen_rows.add(key)
        # the row-label lines below the head row, within the table (≤ 12 lines)
        below = [doc.refs[kk] for kk in range(k + 1, min(k + 40, len(doc.refs)))]
        name_row = next((x for x in below if _NAME_ROW_RE.match(x.line.text)), None)
        code_row = next((x for x in below if _CODE_ROW_RE.match(x.line.text)), None)
        if name_row is None:
            continue
        xs = [x.line.bbox[0] if x.line.bbox is not None else None for x in heads]
        for i, head in enumerate(heads):
            hm = _is_head_cell(head.line.text)
            nxt_x = xs[i + 1] if i + 1 < len(xs) else None
            cell = _cell_under(doc, head, name_row, nxt_x)
            if not cell:
                continue
            text = "".join(x.line.text.strip() for x in cell)
            got = name_from_text(text)
            if got is None or org_shape(got[0]) <= 0:
                continue
            span = L.Span(got[0], cell, how="column")
            code = None
            if code_row is not None:
                ccell = _cell_under(doc, head, code_row, nxt_x)
                for c in ccell:
                    for cd, s, e in find_credit_codes(c.line.text):
                        code = (cd, L.Span(c.line.text[s:e], [c], s, e), _uscc.is_valid(cd))
                        break
                    if code:
                        break
            word = re.sub(r"\s+", "", hm.group("label"))
            out.append(
                Mention(
                    word, hm.group("alt"), got[0], span, doc.k(cell[0]), doc.k(cell[0]) + 1, "column", code
                )
            )
            if used is not None:
                used.add(doc.k(head))
    return out


# a name followed by its role in brackets: 「XX有限公司（采购人，以下简称“甲方”）」,
# 「XX公司（以下简称乙方）」, 「XX公司（甲方）」
_TRAILING_ROLE_RE = re.compile(
    rf"[（(]\s*(?:(?P<role>{ROLE_ALT})\s*[，,、]?\s*)?(?:(?:以下|下文)?\s*(?:简称|称为|称)?\s*[“\"'「『]?\s*"
    rf"(?P<slot>甲\s*方|乙\s*方|丙\s*方)\s*[”\"'」』]?)?\s*[)）]"
)
_NAME_BEFORE_RE = re.compile(r"([^，,。；;：:、\s“”\"]{2,60})\s*$")


def _after_unopened_bracket(text: str) -> str:
    """The part after the last closing bracket that nothing before it opened: the end of the
    previous party's brackets (「下简称甲方）与XX公司」 when a wrap cut 「（以」 off).

    >>> _after_unopened_bracket("下简称甲方)与广州粤华物业有限公司"), _after_unopened_bracket("粤华(集团)有限公司")
    ('与广州粤华物业有限公司', '粤华(集团)有限公司')
    """
    depth, cut = 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            if depth == 0:
                cut = i + 1
            else:
                depth -= 1
    return text[cut:]


def trailing_mentions(doc) -> list[Mention]:
    """Mentions where the name comes first and its role follows in brackets."""
    out: list[Mention] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        if "(" not in t and "（" not in t:
            continue
        probe = t
        if k + 1 < len(doc.refs) and re.search(r"[（(][^)）]{0,6}$", t):
            # the brackets wrap to the next line: 「XX公司（以」 / 「下简称甲方）与…」
            nxt = doc.refs[k + 1].line.text
            close = re.search(r"[)）]", nxt)
            if close and close.start() <= 12:
                probe = t + nxt[: close.end()]
        for m in _TRAILING_ROLE_RE.finditer(probe):
            if m.start() >= len(t):
                break
            if not (m.group("role") or m.group("slot")):
                continue
            before = t[: m.start()]
            nm = _NAME_BEFORE_RE.search(before)
            if not nm:
                continue
            raw = _after_unopened_bracket(nm.group(1))
            raw = re.sub(r"^(?:\d{1,2}[.、．)）]\s*|[（(]\d{1,2}[)）]\s*)", "", raw)
            # 「本合同由XX公司（以下简称“甲方”）与…」: the preamble's opening words
            raw = re.sub(r"^(?:本|该)(?:合同|协议|契约)书?(?:系|是)?由", "", raw)
            if org_shape(clean_org(raw[1:])) == 2:
                raw = re.sub(r"^[与和及由同]", "", raw)  # 「…（以下简称甲方）与XX公司（以下简称乙方）」
            raw = (
                re.sub(r"^.*?(?:由|与|和|及|甲方|乙方)(?=[\u4e00-\u9fff]{4})", "", raw)
                if org_shape(clean_org(raw)) < 2
                else raw
            )
            name = clean_org(raw)
            if org_shape(name) != 2:
                continue
            s0 = nm.start(1) + (len(nm.group(1)) - len(raw))
            span = L.Span(t[s0 : nm.end(1)], [r], s0, nm.end(1), how="trailing")
            slot = re.sub(r"\s+", "", m.group("slot") or "")
            role = m.group("role")
            word, alt = (slot, role) if slot else (role, None)
            # its credit code: after the brackets on this line or in the lines below
            out.append(
                Mention(word, alt, name, span, k, min(k + 6, len(doc.refs)), "trailing", code_from=m.end())
            )
    # a block ends where the next mention starts
    for a, b in pairwise(out):
        if b.k > a.k:
            a.block_end = min(a.block_end, b.k)
    return out


def mentions(doc) -> list[Mention]:
    used: set[int] = set()
    found = column_mentions(doc, used)
    found += label_mentions(doc, frozenset(used))
    found += trailing_mentions(doc)
    found.sort(key=lambda m: m.k)
    for i, m in enumerate(found):
        m.order = i
    return found


# ----------------------------------------------------------------- roles


# ----------------------------------------------------------------- assignment

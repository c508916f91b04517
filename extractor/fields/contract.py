"""Contract fields (compute-service contracts and any other contract).

Keys: contract_no, title, buyer_name, buyer_credit_code, seller_name, seller_credit_code,
sign_date, service_start, service_end, amount_total, amount_in_words, tax_rate, gpu_model,
gpu_count, service_content.

Parties are read from party blocks: a line that starts with a party label — buyer
甲方/采购方/委托方/买方/需方/客户/发包人…, seller 乙方/服务方/受托方/供应商/卖方/供方/
服务商/承包人… — optionally followed by the other name of the role in brackets
(``发包人（甲方）``) and a colon, then the name; or a heading line (``2.1 发包人（甲方）``)
followed by ``单位：…``/``名称：…``; or a DOCX cell next to the label cell. The credit
code is the one printed in the block (until the next party label). Template blanks
(``甲方：______``) give nothing.

Running text (amounts, periods, dates) is searched over a :class:`~extractor.fields.prose.Stream`
of all lines (:class:`~extractor.fields.contract_text.Doc`), so a value may sit on the line
after its label (``9.1 合同总价`` / next line ``人民币壹拾亿…``); the entity layer
(:func:`extractor.entities.find_entities`) delimits organisation names inside prose.
Amounts and the tax rate are read by :mod:`~extractor.fields.contract_money`, the GPU model
and count by :mod:`~extractor.fields.contract_gpu`, what is bought by
:mod:`~extractor.fields.contract_content`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import extractor.fields.layout as L
import extractor.fields.parties as P
from extractor.fields.contract_content import service_content, without_enumerator
from extractor.fields.contract_gpu import _gpu
from extractor.fields.contract_money import _amount, _tax_rate
from extractor.fields.contract_text import Doc, after_label, joined, label_hits, sentence_end
from extractor.fields.party_assign import (
    assign,
    code_in_role_column,
    code_under_name,
    party_from_seals,
    slot_roles,
)
from extractor.fields.prose import field, find_title, is_blank, nfkc
from extractor.normalize import find_dates, parse_date
from extractor.normalize import uscc as _uscc
from models.contract import FieldValue
from models.page import Page

_NEXT_LABEL_RE = P.NEXT_LABEL_RE


# ----------------------------------------------------------------- parties


def _parties(doc: Doc, out: dict[str, FieldValue]) -> None:
    """buyer/seller names and credit codes: mentions → slot roles → one assignment
    (:mod:`extractor.fields.parties`)."""
    found = P.mentions(doc)
    if not found:
        return
    chosen = assign(doc, found, slot_roles(doc.stream.text))
    taken = {p.code[0] for p in chosen.values() if p.code is not None}
    if len(chosen) == 1:
        # the other party's printed name hidden under its seal: the seal names it
        ((role, party),) = chosen.items()
        sealed = party_from_seals(doc.pages, party.mention.name)
        if sealed is not None:
            out["seller_name" if role == "buyer" else "buyer_name"] = sealed
    for role, party in chosen.items():
        out[f"{role}_name"] = field(party.mention.name, party.mention.span, party.penalty)
        if party.code is not None:
            code, span, valid = party.code
            repaired = _uscc.compact(span.text) != code
            penalty = (0.1 if repaired else 0.0) + (0.0 if valid else 0.3)
            out[f"{role}_credit_code"] = field(code, span, penalty)
        else:
            others = [p.mention.name for r, p in chosen.items() if r != role]
            words = [w for w in (party.mention.word, party.mention.alt) if w]
            got = code_under_name(doc, party.mention.name, taken, others) or next(
                (c for w in words if (c := code_in_role_column(doc, w, taken)) is not None), None
            )
            if got is not None:
                taken.add(got[0])
                out[f"{role}_credit_code"] = field(got[0], got[1], 0.2)


# ----------------------------------------------------------------- labelled values


def _contract_no(doc: Doc, out: dict[str, FieldValue]) -> None:
    head_k = min(len(doc.refs), 60)
    limit = doc.stream.starts[head_k - 1] + len(doc.refs[head_k - 1].line.text) if head_k else 0
    strong = label_hits(doc, ["合同编号", "合同号", "协议编号", "合同编码", "订单编号", "订单号"])
    weak = label_hits(doc, ["编号", "NO.", "No.", "项目编号", "采购编号"], line_start=True)
    for s, e, _lab in strong + weak:
        if s > limit:
            continue
        text = doc.stream.text
        nl = text.find("\n", e)
        nl = len(text) if nl < 0 else nl
        seg = text[e:nl]
        m = re.match(r"\s*([^\s：:，,；;。]+(?:\s[^\s：:，,；;。\u4e00-\u9fff]+)*(?:\s*号)?)", seg)
        if not m:
            continue
        val = m.group(1)
        if is_blank(val) or not re.search(r"[0-9A-Za-z]", val) or len(val) > 40:
            continue
        if re.fullmatch(r"[\d\s年月日号./\-]+", val) and parse_date(val) is not None:
            continue  # a date printed after 编号 (not a code that merely holds one)
        vs = e + m.start(1)
        sp = doc.stream.span(vs, vs + len(val))
        out["contract_no"] = field(re.sub(r"\s+", "", nfkc(val)), sp)
        return


_TITLE_ENDS = ("合同", "协议", "协议书", "合同书", "订单", "采购单", "确认书", "合同(协议)", "服务单")
_PARTY_START_RE = re.compile(rf"^\s*(?:合同双方|(?:{P.LABEL_ALT})\s*(?:[（(][^()（）]{{1,8}}[)）])?\s*[:：])")


def _title_key(text: str) -> str:
    return re.sub(r"[\s《》“”\"'()（）]", "", nfkc(text))


def _title(doc: Doc, out: dict[str, FieldValue]) -> None:
    """The contract's title: the title line (see ``find_title``), with

    * a first line of the same size above it joined (「肇新合同管理系统」/「源码销售合同」);
    * with a cover page, the title printed right above the parties (the cover often
      shortens it: 「电信计费系统开发合同」 on the cover, 「电信计费系统软件开发合同」 above 甲方);
    * failing those, a short first line naming a 合同/协议 (「测 试 合 同 文 档」)."""
    refs = [r for r in doc.refs[:60] if r.line.text.strip()]
    sp = find_title(doc.pages, ends=_TITLE_ENDS, max_len=50)
    if sp is not None and sp.refs:
        cand = [
            r
            for r in refs[:40]
            if _title_key(r.line.text).endswith(_TITLE_ENDS) and 4 <= len(_title_key(r.line.text)) <= 50
        ]
        party = next((i for i, r in enumerate(refs) if _PARTY_START_RE.match(nfkc(r.line.text))), None)
        if party is not None and len(cand) > 1:
            before = [r for r in cand if refs.index(r) < party and party - refs.index(r) <= 3]
            if before and before[-1].index != sp.refs[0].index:
                sp = L.span_of_line(before[-1])
        first = sp.refs[0]
        above = _line_above(doc, first)
        t = re.sub(r"\s+", " ", sp.text).strip()
        if above is not None:
            t = re.sub(r"\s+", "", above.line.text) + t
            sp = L.Span(text=t, refs=[above, *sp.refs], match=t)
            # a title naming both parties over three lines: 「朴道征信有限公司与」 / 「智慧足迹…公司」
            # / 「业务合作协议」: a line ending with 与/和/及 above the first half joins it too
            # (a line of the title's own size above that joins it too: three lines of one title,
            # 「北源公司2025年度10kV及以下土」 / 「建工程施工专业分包」 / 「服务框架采购协议」)
            # (and so on up a cover's title of five lines: 「甲公司」 / 「与」 / 「乙公司」 / 「之」 /
            # 「…协议」, each line joined by the one glyph that links the parties)
            top = above
            while len(sp.refs) < 6:
                higher = _line_above(doc, top, size=0.25)
                if higher is None or not (
                    re.search(r"[与和及暨之]$", _title_key(higher.line.text))
                    or _title_key(top.line.text) in _LINKS
                    or _line_above(doc, top) is higher
                ):
                    break
                t = re.sub(r"\s+", "", higher.line.text) + t
                sp = L.Span(text=t, refs=[higher, *sp.refs], match=t)
                top = higher
        out["title"] = field(_without_template_brackets(t), sp)
        return
    for r in refs[:5]:
        key = _title_key(r.line.text)
        if 4 <= len(key) <= 30 and re.search(r"合同|协议", key) and not re.search(r"[:：，,。；;]", key):
            out["title"] = field(_printed_title(r.line.text), L.span_of_line(r), 0.2)
            return


# the glyph alone on a cover's line between two parties' names or a name and what they agree
_LINKS = ("与", "和", "及", "暨", "之")


def _without_template_brackets(title: str) -> str:
    """A title filled into a template's blanks (「[智慧足迹数据科技有限公司]之[大数据]产品服务合作协议」)
    without the blanks' square brackets.

    >>> _without_template_brackets("[大数据]产品服务合作协议"), _without_template_brackets("服务协议[2024]")
    ('大数据产品服务合作协议', '服务协议2024')
    """
    return re.sub(r"[\[［]([^\[\]［］]{1,30})[\]］]", r"\1", title)


def _printed_title(text: str) -> str:
    """A title as printed, without blanks and without 《》 wrapped round all of it; an inner
    contract's name keeps its marks.

    >>> _printed_title("关于《大数据风控产品服务合同》的补充协议二"), _printed_title("《测 试 合 同》")
    ('关于《大数据风控产品服务合同》的补充协议二', '测试合同')
    """
    t = re.sub(r"\s+", "", text)
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        t = t[1:-1]
    return t


def _line_above(doc: Doc, ref: L.Ref, size: float = 0.15) -> L.Ref | None:
    """The first half of a title printed over two lines: the line right above, of the same
    height (± ``size``), horizontally overlapping, short or centred over it, with no punctuation
    or label."""
    b = ref.line.bbox
    if b is None:
        return None
    h = b[3] - b[1]
    best = None
    for r in doc.refs:
        rb = r.line.bbox
        if r.page is not ref.page or rb is None or r.index == ref.index:
            continue
        gap = b[1] - rb[3]
        if not (-0.2 * h <= gap <= 2.5 * h) or abs((rb[3] - rb[1]) - h) > size * h:
            continue
        if min(rb[2], b[2]) - max(rb[0], b[0]) <= 0:
            continue
        key = _title_key(r.line.text)
        # short, or centred over the title like a title's line (「…有限责任公司办公室零星装修工程」)
        centred = abs((rb[0] + rb[2]) - (b[0] + b[2])) / 2 <= h
        if not (2 <= len(key) <= 20 or (centred and len(key) <= 40)) or key.endswith(_TITLE_ENDS):
            continue
        # no punctuation or label; figures only inside words (「2025年度10kV」, not a bare number)
        if re.search(r"[:：，,。；;、]", key) or (
            re.search(r"\d", key) and len(re.findall(r"[\u4e00-\u9fa5]", key)) < 4
        ):
            continue
        if best is None or rb[3] > best.line.bbox[3]:
            best = r
    return best


# ----------------------------------------------------------------- dates

_SIGN_LABELS = [
    "签订日期",
    "签约日期",
    "签署日期",
    "签订时间",
    "签约时间",
    "签署时间",
    "合同签订日期",
    "签订日",
]
_SIGNED_RE = re.compile(
    r"于\s*(?P<d>[^，,。；;]{6,24}?)\s*(?:在[^，,。]{0,12}?)?(?:就[^，,。]{0,30}?)?(?:正式)?(?:签(?:订|署|约)|订立|缔结)"
)
# a date whose 日 a seal or the OCR lost, at the end of a signing-date line (「签订日期：2024年2 月26」)
_OPEN_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*$")


# a figure filled into a blank of a date (「2021年[3]月[16]日」, 「2021年__3__月」)
_BLANK_RE = re.compile(r"[\[【［_]+\s*(\d{1,4})\s*[\]】］_]+(?=\s*[年月日])")


def _unblanked(t: str) -> str:
    """A date with its filled-in blanks' brackets or rules dropped.

    >>> _unblanked("2021年[3]月[16]日"), _unblanked("2021年__3__月__16__日")
    ('2021年3月16日', '2021年3月16日')
    """
    return _BLANK_RE.sub(r"\1", t)


def _sign_date(doc: Doc, out: dict[str, FieldValue]) -> None:
    text = doc.stream.text
    for _s, e, _lab in label_hits(doc, _SIGN_LABELS):
        a, b = after_label(doc, e, max_chars=30, extend_heading=False)
        found = find_dates(text[a:b])
        if found:
            d, ds, de = found[0]
            out["sign_date"] = field(d, doc.stream.span(a + ds, a + de))
            return
        seg = text[a:b].split("\n", 1)[0]
        m = _OPEN_DATE_RE.search(seg)
        if m:
            try:
                d = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            out["sign_date"] = field(d, doc.stream.span(a + m.start(), a + m.end()), 0.2)
            return
    for m in _SIGNED_RE.finditer(text):
        d = parse_date(_unblanked(m.group("d")))
        if d is not None:
            out["sign_date"] = field(d, doc.stream.span(m.start("d"), m.end("d")))
            return
    # the dates by the signatures: last quarter of the document, after 盖章/签字
    n = len(doc.refs)
    marks = [k for k in range(n) if re.search(r"盖章|签字|签章|签名", doc.refs[k].line.text)]
    if marks:
        # the signature block of the last page signed: from its first mark (甲方 signs above 乙方,
        # each with its own 盖章 / 签名 and date)
        last = doc.refs[marks[-1]].page
        first = min(k for k in marks if k >= marks[-1] - 12 and doc.refs[k].page is last)
        tail_from = max(0, first - 3)
    else:
        tail_from = max(0, n - n // 4 - 1)
    best: tuple[date, L.Span] | None = None
    for k in range(tail_from, n):
        r = doc.refs[k]
        for d, ds, de in find_dates(r.line.text):
            if (
                re.search(r"日\s*期|签|盖章|^\s*$", r.line.text[:ds])
                or len(r.line.text.strip()) <= de - ds + 4
            ):
                if best is None or d > best[0]:
                    best = (d, L.Span(r.line.text[ds:de], [r], ds, de))
    if best is not None:
        out["sign_date"] = field(best[0], best[1], 0.1)
        return
    # no date by the signatures (the 签订时间 left blank): a date printed alone on the
    # cover, under the title, is when the parties dated the contract — a guess to check
    for r in doc.refs[:15]:
        found = find_dates(r.line.text)
        if len(found) == 1 and r.page is doc.refs[0].page:
            d, ds, de = found[0]
            if len(re.sub(r"\s+", "", r.line.text)) <= len(re.sub(r"\s+", "", r.line.text[ds:de])) + 2:
                out["sign_date"] = field(d, L.Span(r.line.text[ds:de], [r], ds, de), 0.3)
                return


_PERIOD_LABELS = [
    "服务期限", "租赁期限", "服务期", "服务时间", "服务周期", "租赁期", "租用期限", "使用期限", "合同期限",
    "合同有效期", "有效期限", "有效期", "合作期限", "履行期限", "租期", "合作开发时间", "开发时间",
    "服务期间", "租赁期间", "租用期间", "使用期间", "合作期间", "服务起止时间", "服务起止日期", "起止时间",
    "起止日期", "托管期限", "托管期", "托管期间", "运维期限", "维保期限",
]  # fmt: skip
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_DURATION_RE = re.compile(
    r"(?:为期|共计|期限为?|租期|服务期)\s*(?P<n>\d{1,3}|十[一二]?|[一二两三四五六七八九])\s*(?P<u>个月|个自然月|月|年)"
)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _duration_months(text: str) -> int | None:
    m = _DURATION_RE.search(text)
    if not m:
        return None
    n = m.group("n")
    val = (
        int(n)
        if n.isdigit()
        else (10 + _CN_NUM.get(n[1:], 0) if n.startswith("十") and len(n) > 1 else _CN_NUM.get(n, 0))
    )
    if not val:
        return None
    return val * 12 if m.group("u") == "年" else val


def _period_in(doc: Doc, a: int, b: int, penalty: float = 0.0) -> dict[str, FieldValue] | None:
    seg, pos = joined(doc, a, b)  # a date may wrap: 「有效期至2025年12」 / 「月31日」

    def span(s: int, e: int) -> L.Span:
        return doc.stream.span(pos[s], pos[e - 1] + 1)

    found = find_dates(seg)
    if not found:
        return None
    d1, s1, e1 = found[0]
    if re.search(r"(?:本)?合同(?:签订|签署|生效|签字盖章)之日起\s*(?:至|到)\s*$", seg[:s1]):
        # 「自合同签订之日起至2020年6月5日」: the end only; the start is the signing day
        return {"service_end": field(d1, span(s1, e1), penalty + 0.1)}
    if re.fullmatch(r"\s*[:：]?\s*[^\d，,。；;：:自从]{0,6}?(?:至|到|截至|截止至?)\s*", seg[:s1]):
        # 「有效期至2025年12月31日」「有效期延期两年至2025年5月30日」 after a period label: the end only
        return {"service_end": field(d1, span(s1, e1), penalty + 0.1)}
    sep = re.match(r"\s*(?:起|开始)?\s*[，,]?\s*(?:至|到|-|~|—|–|－|―|〜|～)\s*", seg[e1:])
    if sep and sep.group(0).strip():
        tail = seg[e1 + sep.end() :]
        if len(found) >= 2 and found[1][1] == e1 + sep.end():
            d2, _s2, e2 = found[1]
            sp = span(s1, e2)
            return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty)}
        # the end's 日 misread (「至2025年12月31且。」): year, month and day are enough
        mf = re.match(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})(?![\d日号])", tail)
        d2 = parse_date(mf.group(0) + "日") if mf else None  # its 日 restored
        if d2 is not None and d2 >= d1:
            sp = span(s1, e1 + sep.end() + mf.end())
            return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty + 0.1)}
        md = re.match(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", tail)
        if md:
            try:
                d2 = date(d1.year, int(md.group(1)), int(md.group(2)))
            except ValueError:
                d2 = None
            if d2 is not None:
                sp = span(s1, e1 + sep.end() + md.end())
                return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty)}
    months = _duration_months(seg)
    if months:
        d2 = _add_months(d1, months) - timedelta(days=1)
        sp = span(s1, e1)
        return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty + 0.1)}
    if re.search(r"(?:起|开始)", seg[e1 : e1 + 4]):
        return {"service_start": field(d1, span(s1, e1), penalty)}
    return None


def _period(doc: Doc, out: dict[str, FieldValue]) -> None:
    """The service period: after a period label, else in a sentence about the service; a
    period whose start is only 「合同签订之日」 counts when no full period is printed."""
    partial: dict[str, FieldValue] | None = None
    for _s, e, _lab in label_hits(doc, _PERIOD_LABELS):
        a, b = after_label(doc, e, max_chars=80)
        b = max(b, sentence_end(doc, a, max_chars=80))  # the period may wrap onto the next line
        got = _period_in(doc, a, b)
        if got and "service_start" not in got:
            partial = partial or got
        elif got:
            out.update(got)
            return
    text = doc.stream.text
    for m in re.finditer(r"[^。\n]+", text):
        sent = m.group(0)
        if not re.search(r"服务|租|使用|提供|托管", sent) or not re.search(r"\d{4}\s*[年.\-/]", sent):
            continue
        got = _period_in(doc, m.start(), m.end(), 0.1)
        if got and "service_end" in got:
            if "service_start" not in got:
                partial = partial or got
                continue
            out.update(got)
            return
    if partial:
        out.update(partial)


# ----------------------------------------------------------------- entry point


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Fields of a contract (see the module doc); only what was found."""
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    doc = Doc(pages)
    if not doc.refs:
        return out
    _contract_no(doc, out)
    _title(doc, out)
    _parties(doc, out)
    _sign_date(doc, out)
    _period(doc, out)
    _amount(doc, out)
    _tax_rate(doc, out)
    _gpu(doc, out)
    service_content(doc, out)
    without_enumerator(out, "service_content")
    return out

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
and count by :mod:`~extractor.fields.contract_gpu`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import extractor.fields.layout as L
import extractor.fields.parties as P
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
            higher = _line_above(doc, above, size=0.25)
            if higher is not None and (
                re.search(r"[与和及暨]$", _title_key(higher.line.text)) or _line_above(doc, above) is higher
            ):
                t = re.sub(r"\s+", "", higher.line.text) + t
                sp = L.Span(text=t, refs=[higher, *sp.refs], match=t)
        out["title"] = field(t, sp)
        return
    for r in refs[:5]:
        key = _title_key(r.line.text)
        if 4 <= len(key) <= 30 and re.search(r"合同|协议", key) and not re.search(r"[:：，,。；;]", key):
            out["title"] = field(_printed_title(r.line.text), L.span_of_line(r), 0.2)
            return


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


# ----------------------------------------------------------------- money


# ----------------------------------------------------------------- GPU


# ----------------------------------------------------------------- content

_CONTENT_LABELS = [
    "服务内容", "服务项目", "服务名称", "产品名称", "采购内容", "租赁内容", "采购标的", "合同标的",
    "技术服务的内容", "技术内容", "标的", "项目名称", "项目工作内容", "工作内容", "开发内容", "项目内容",
    "合作内容", "委托内容", "委托事项", "服务事项", "采购事项",
]  # fmt: skip
_CONTENT_WORDS = re.compile(r"算力服务|算力|GPU|云服务器|云主机|卡时|智算|服务器租赁|裸金属")


def _short(text: str, n: int = 100) -> str:
    """The first sentence of a text (what is bought), at most ``n`` chars.

    >>> _short("GPU云服务器租赁服务，用于大模型训练。具体配置如下：")
    'GPU云服务器租赁服务,用于大模型训练'
    >>> _short("裸金属服务器租用；运维支持")
    '裸金属服务器租用'
    """
    t = re.split(r"[。；;]|\s\d+(?:\.\d+)+\s", text.strip())[0]
    t = re.sub(r"\s+", " ", nfkc(t)).strip(" ：:，,")
    return t[:n]


def _content_at(doc: Doc, pos: int) -> tuple[str, int, int] | None:
    """The content sentence starting at ``pos`` → (value, start, end) or None."""
    text = doc.stream.text
    end = sentence_end(doc, pos)
    raw = text[pos:end]
    lead = len(raw) - len(raw.lstrip(" ：:，,"))
    val = _short(raw.replace("\n", ""))
    # a clause number is not content: 「第一条 供应商向采购方提供…」
    val = re.sub(r"^第[一二三四五六七八九十百\d]+条\s*(?:之\d+)?[：:、]?\s*", "", val)
    if (
        is_blank(val)
        or len(val) < 2
        or _NEXT_LABEL_RE.match(raw)
        or re.match(r"^[^:：]{1,12}[:：]", raw.strip())
    ):
        return None
    return val, pos + lead, end


# what the provider provides: 「乙方向甲方提供GPU算力租赁服务，…」「服务商为客户提供…」
_PROVIDES_RE = re.compile(
    rf"(?:{P.LABEL_ALT})\s*(?:同意|负责|应|将)?\s*(?:(?:使用|利用|以|通过)[^，,。；;：:\n]{{2,30}}?)?"
    rf"(?:(?:向|为)\s*(?:{P.LABEL_ALT})|委托\s*(?:{P.LABEL_ALT}))\s*(?:提供|出售|销售|交付|出租)(?:的)?\s*"
    r"(?P<x>[^，,。；;：:\n（(]{2,40})"
)


# what the provider makes for the buyer: 「为甲方开发电信计费系统」「委托乙方开发…」
# 「将…委托给乙方制作」「乙方承接制作甲方…项目」
_MAKES_RE = re.compile(
    rf"(?:(?:为|向|给)\s*(?:{P.LABEL_ALT})|委托\s*(?:{P.LABEL_ALT}))\s*(?:负责)?\s*"
    r"(?P<verb>开发|设计|制作|建设|研发|定制|实施)(?:的)?\s*(?P<x>[^，,。；;：:\n（(并]{2,40})"
    rf"|将\s*(?:所(?:开发|需)的)?\s*(?P<x2>[^，,。；;：:\n（(将]{{2,40}}?)\s*委托给?\s*(?:{P.LABEL_ALT})"
    rf"|承接\s*(?:制作|开发|设计)?\s*(?:{P.LABEL_ALT})?\s*(?P<x3>[^，,。；;：:\n（(]{{2,40}}?)(?:项目)"
)
_DEV_VERBS = ("开发", "建设", "研发", "定制")
# what a contract also hands over without buying it: invoices, payments, documents
_NOT_BOUGHT_RE = re.compile(
    r"发票|收据|凭证|款项|费用|价款|(?:文件|文档|资料|材料|手册|清单|说明书?)(?:等)?$"
)


def _not_the_purchase(text: str, pos: int) -> bool:
    """Whether a provider sentence at ``pos`` only defines or recites: a relative clause
    「由乙方向甲方提供的…」, a 「鉴于…」 recital or a definition (「“服务”指…」) — the general
    intent, not the purchase the articles state."""
    if pos > 0 and text[pos - 1] == "由":
        return True
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    return bool(re.match(r"\s*(?:鉴于|[“\"][^”\"]{1,12}[”\"]\s*(?:指|是指))", text[start:pos]))


# a heading's paragraph that starts a numbered section (「一、常态化服务内容」, 「（一）开展日常…」)
# lists duties; it does not say what is bought
_SUBHEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")

# the preamble's subject: 「…就2019年北京亦庄政务微博与管理项目开展合作」
_ABOUT_RE = re.compile(
    r"就\s*(?P<x>[^，,。；;：:（(\n]{4,40}?)\s*(?:(?:有关)?(?:事宜|事项)?"
    # 「就X及有关事项按照招标文件要求及投标响应文件签订合同」: what follows the matters is no subject
    r"|(?:及|等)(?:有关|相关)?(?:事宜|事项)[^，,。；;\n]{0,30}?)"
    r"\s*(?:开展合作|进行合作|达成|签订|订立|经友好协商|协商一致)"
)


# ... or in a filled-in bracket: 「双方经友好协商就（鲁南高铁…电力远动设备）采购事宜达成一致」
_ABOUT_BRACKET_RE = re.compile(
    r"就\s*[（(](?P<x>[^（()）\n]{4,60}?)[)）]\s*(?:的)?(?:采购|购买|供货|供应|服务|建设|实施|合作)?"
    r"(?:有关|相关)?(?:事宜|事项)?\s*(?:开展合作|进行合作|达成|签订|订立|经友好协商|协商一致)"
)


def _about(text: str) -> tuple[str, int, int] | None:
    """The subject a preamble names after 就 (「双方就X项目开展合作」) → (value, start, end).

    >>> _about("甲方与乙方就2019年北京亦庄政务微博与管理项目开展合作，内容涵盖…")[0]
    '2019年北京亦庄政务微博与管理项目'
    >>> _about("双方就本合同有关事宜达成如下协议") is None, _about("双方就甲方采购乙方算力服务相关事宜达成如下协议") is None
    (True, True)
    >>> _about("双方就沙坪坝图书馆低压线路抢修服务 及有关事项按照招标文件要求及投标响应文件签订合同")[0]
    '沙坪坝图书馆低压线路抢修服务'
    >>> _about("双方经友好协商就（鲁南高铁QHZF-2标段菏泽东站电力远动设备）采购事宜达成一致，签订本合同")[0]
    '鲁南高铁QHZF-2标段菏泽东站电力远动设备'
    """
    matches = sorted([*_ABOUT_RE.finditer(text), *_ABOUT_BRACKET_RE.finditer(text)], key=lambda m: m.start())
    for m in matches:
        val = re.sub(r"\s+", "", nfkc(m.group("x")))
        if (
            len(val) < 4
            or re.match(r"^(?:本|上述|以下|下列|相关|有关)", val)
            or val.endswith(("合同", "协议"))
            # 「就甲方采购乙方算力服务相关事宜」: a sentence about the parties, not a subject
            or re.search(rf"{P.LABEL_ALT}|双方", val)
        ):
            continue
        return val, m.start("x"), m.end("x")
    return None


def _made(text: str) -> tuple[str, int, int] | None:
    """What the provider develops or makes for the buyer → (value, start, end).

    >>> _made("乙方将在甲方规定的时间内，根据甲方要求分三阶段为甲方开发电信计费系统。")[0]
    '电信计费系统开发'
    >>> _made("甲方有意愿将所开发的保险产品平台应用界面设计及VI设计委托给乙方制作完成。")[0]
    '保险产品平台应用界面设计及VI设计'
    >>> _made("双方经友好协商订立本合同") is None
    True
    """
    for m in _MAKES_RE.finditer(text):
        if _not_the_purchase(text, m.start()):
            continue
        g = "x" if m.group("x") else ("x2" if m.group("x2") else "x3")
        val = re.sub(r"\s+", " ", nfkc(m.group(g))).strip()
        val = re.sub(r"(?:等|相关|项目|工作)$", "", val)
        if len(val) < 3 or val.endswith(("合同", "协议")) or _NOT_BOUGHT_RE.search(val):
            continue  # 「为甲方开发软件并…」: a bare kind, not what is bought
        verb = m.group("verb") if g == "x" else None
        if verb in _DEV_VERBS and not val.endswith(verb):
            val += verb
        return val, m.start(g), m.end(g)
    return None


def _provided(text: str) -> tuple[str, int, int] | None:
    """The object of the provider's verb in ``text`` → (value, start, end).

    >>> _provided("乙方向甲方提供人工智能算力技术服务，配置NVIDIA A100 GPU 48卡")[0]
    '人工智能算力技术服务'
    >>> _provided("供应商向采购方提供GPU智算云服务，用于大模型预训练，按月计费")[0]
    'GPU智算云服务,用于大模型预训练'
    >>> _provided("双方经友好协商订立本合同") is None, _provided("乙方为甲方提供服务应达到以下标准：") is None
    (True, True)
    """
    m = _PROVIDES_RE.search(text)
    if not m:
        return None
    val = re.sub(r"\s+", " ", nfkc(m.group("x"))).strip()
    val = re.sub(r"(?:等|相关|事宜)$", "", val)  # 「就乙方为甲方提供X服务事宜，订立本合同」
    if re.search(r"(?:应|须|需|必须)(?:达到|符合|满足|按照|遵守)|以下|如下", val):
        return None  # 「乙方为甲方提供服务应达到以下标准」: a requirement, not what is bought
    if len(val) < 2 or val.endswith(("合同", "协议")):
        return None
    end = m.start("x") + len(m.group("x"))
    purpose = re.match(r"\s*[，,]\s*(用于[^，,。；;\n]{2,40})", text[end:])
    if purpose:
        # what it is for belongs to the content: 「GPU智算云服务，用于大模型预训练…」
        val = f"{val},{nfkc(purpose.group(1)).strip()}"
        end += purpose.end()
    return val, m.start("x"), end


_ENUMERATOR_RE = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}、)\s*"
)


def _without_enumerator(out: dict[str, FieldValue], key: str) -> None:
    """A value without the clause number it was printed after (「1. 甲乙双方共同成立新公司」).

    >>> from models.contract import FieldValue as F
    >>> o = {"k": F(value="1. 甲乙双方共同成立新公司", page=1, confidence=0.9, method="ocr")}
    >>> _without_enumerator(o, "k"); o["k"].value
    '甲乙双方共同成立新公司'
    >>> o = {"k": F(value="2024年度算力服务", page=1, confidence=0.9, method="ocr")}
    >>> _without_enumerator(o, "k"); o["k"].value
    '2024年度算力服务'
    >>> o = {"k": F(value="12.5万卡时算力", page=1, confidence=0.9, method="ocr")}
    >>> _without_enumerator(o, "k"); o["k"].value
    '12.5万卡时算力'
    """
    fv = out.get(key)
    if fv is None or not isinstance(fv.value, str):
        return
    rest = _ENUMERATOR_RE.sub("", fv.value, count=1)
    if rest != fv.value and len(rest) >= 2:
        out[key] = fv.model_copy(update={"value": rest})


_CONTRACT_ENDINGS = ("合同", "协议", "合同书", "协议书")  # a title, not what is bought


def _service_content(doc: Doc, out: dict[str, FieldValue]) -> None:
    _service_content_labelled(doc, out)
    fv = out.get("service_content")
    text = doc.stream.text
    if fv is not None and not str(fv.value).endswith(_CONTRACT_ENDINGS):
        head = re.match(r"([^:：，,。；;]{2,30})[:：]", str(fv.value))
        if head and not re.search(r"包括|如下|为|是", head.group(1)):
            # 「模型训练算力技术服务：乙方为甲方提供…」: the content is named before its details
            out["service_content"] = fv.model_copy(update={"value": head.group(1).strip()})
            return
        got = _provided(str(fv.value))
        if got is not None:
            # a labelled sentence that says who provides what: keep what is provided
            out["service_content"] = fv.model_copy(update={"value": got[0]})
            return
        named = re.search(r"(?:为|是)[:：]\s*(?P<x>[^:：]{4,60})$", str(fv.value))
        if named:
            # 「甲方委托乙方开发的软件产品（以下简称：软件）为：隆泽丰投移动APP及后台管理系统」
            out["service_content"] = fv.model_copy(update={"value": named.group("x").strip()})
        return
    # the first sentence saying what the provider provides or makes for the buyer; a
    # relative clause 「由乙方向甲方提供的…」 (a definition) is not that sentence
    found: list[tuple[int, str, int, int]] = []
    flat, pos = joined(doc, 0, len(text))  # the object may wrap: 「提供广东人社“湾」 / 「区技能+”…」
    for m in _PROVIDES_RE.finditer(flat):
        if _not_the_purchase(flat, m.start()):
            continue
        got = _provided(flat[m.start() :])
        if got is not None and not _NOT_BOUGHT_RE.search(got[0]):
            a, b = m.start() + got[1], m.start() + got[2]
            found.append((pos[m.start()], got[0], pos[a], pos[b - 1] + 1))
            break
    got = _made(text)
    if got is not None:
        found.append((got[1], *got))
    about = _about(flat)  # the preamble's subject, when it comes before any such sentence
    if about is not None:
        found.append((pos[about[1]], about[0], pos[about[1]], pos[about[2] - 1] + 1))
    if found:
        _pos, val, a, b = min(found)
        out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
        return
    if fv is None:
        # no label, no sentence saying what is provided: a sentence naming compute services
        _content_words_sentence(doc, out)
        fv = out.get("service_content")
        if fv is not None and not str(fv.value).endswith(_CONTRACT_ENDINGS):
            got = _provided(str(fv.value))
            if got is not None:
                out["service_content"] = fv.model_copy(update={"value": got[0]})
            return
    if fv is not None and str(fv.value).endswith(_CONTRACT_ENDINGS):
        rest = re.sub(r"(?:合同|协议)书?$", "", str(fv.value))
        if len(rest) >= 8 and rest.endswith(("项目", "服务", "工程", "系统")):
            # a labelled project name run into the next line's 「合同」: the project is bought
            out["service_content"] = fv.model_copy(
                update={"value": rest, "confidence": min(fv.confidence, 0.7)}
            )
            return
        del out["service_content"]  # the contract's title is not what it buys
    title = out.get("title")
    if "service_content" not in out and title is not None:
        # last resort: the title names what is bought (「电信计费系统开发合同」)
        obj = re.sub(r"(?:技术服务|服务|委托|购销|销售|采购|合作)?(?:合同书?|协议书?)$", "", str(title.value))
        obj = re.sub(r"[-—_ ]+$", "", obj).strip()
        specific = re.sub(
            r"技术|服务|软件|开发|设计|采购|销售|购销|委托|合作|项目|产品|框架|买卖|租赁|[-—_ ]", "", obj
        )
        if len(obj) >= 4 and obj != str(title.value) and len(specific) >= 2:  # not a bare kind (软件开发)
            out["service_content"] = title.model_copy(
                update={"value": obj, "confidence": min(title.confidence, 0.5)}
            )


def _service_content_labelled(doc: Doc, out: dict[str, FieldValue]) -> None:
    """What is bought: the sentence after a content label — ``服务内容：…`` at a line
    start, then ``服务内容为…`` inside prose, then a heading (``一、服务内容``) whose
    paragraph follows — else the first sentence that names compute services."""
    text = doc.stream.text
    headings: list[int] = []
    for in_prose, hits in (
        (False, label_hits(doc, _CONTENT_LABELS, line_start=True, need_sep=True)),
        (True, label_hits(doc, _CONTENT_LABELS[:5], need_sep=True)),
    ):
        for _s, e, _lab in hits:
            nl = text.find("\n", e)
            nl = len(text) if nl < 0 else nl
            if not text[e:nl].strip():
                if text[e - 1] not in ":：为是":
                    headings.append(nl + 1)  # a heading: its paragraph follows
                    continue
                # 「项目名称：」 with its value OCR'd as a line of its own to the right
                ref = doc.refs[doc.stream.ref_at(e - 1)]
                right = [x for x in L.right_of(ref, doc.refs) if (id(x.page), x.index) in doc.pos]
                if right:
                    got = _content_at(doc, doc.stream.starts[doc.k(right[0])])
                    if got is not None:
                        val, a, b = got
                        out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
                        return
                continue  # "项目名称：" left blank
            if in_prose and text[e - 1 : e] not in ("为", "是", ":", "："):
                continue
            got = _content_at(doc, e)
            if got is not None:
                val, a, b = got
                out["service_content"] = field(val, doc.stream.span(a, b))
                return
    for pos in headings:
        hm = re.match(r"[ \t]*([^:：，,。；;\n]{2,30})[:：]", text[pos:])
        if hm and re.search(r"服务|算力|租赁|云", hm.group(1)) and not re.search(r"包括|如下", hm.group(1)):
            # the heading's paragraph names the content before its details: 「GPU算力租赁服务：乙方负责…」
            a = pos + hm.start(1)
            out["service_content"] = field(hm.group(1).strip(), doc.stream.span(a, a + len(hm.group(1))), 0.1)
            return
        if pos < len(text):
            got = _content_at(doc, pos)
            if got is not None and len(got[0]) <= 6 and not _CONTENT_WORDS.search(got[0]):
                got = None  # a table's header row (产品名称 | 配置说明 | 数量), not a paragraph
            if got is not None and _SUBHEADING_RE.match(got[0]):
                got = None  # 「第二条 服务内容」 / 「一、常态化服务内容」: a sub-heading, not content
            if got is not None:
                val, a, b = got
                out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
                return


def _content_words_sentence(doc: Doc, out: dict[str, FieldValue]) -> None:
    """Last resort: the first sentence that names compute services (算力, GPU, 云主机 …)."""
    text = doc.stream.text
    m = _CONTENT_WORDS.search(text)
    if m:
        s = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        got = _content_at(doc, s)
        if got is not None:
            val, a, b = got
            out["service_content"] = field(val, doc.stream.span(a, b), 0.2)


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
    _service_content(doc, out)
    _without_enumerator(out, "service_content")
    return out

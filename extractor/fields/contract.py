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

Running text (amounts, periods, dates) is searched over a :class:`~extractor.fields.titles.Stream`
of all lines, so a value may sit on the line after its label (``9.1 合同总价`` / next
line ``人民币壹拾亿…``); the entity layer (:func:`extractor.entities.find_entities`)
delimits organisation names inside prose.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import extractor.fields.layout as L
import extractor.fields.parties as P
from extractor.fields.prose import Stream, field, find_title, is_blank, nfkc, prepare_pages
from extractor.normalize import find_dates, find_money, parse_date
from extractor.normalize import uscc as _uscc
from models.contract import FieldValue
from models.page import Page

_spaced = P._spaced
_NEXT_LABEL_RE = P.NEXT_LABEL_RE
_clean_org = P.clean_org  # used by the form and audit readers


class _Doc:
    """The contract's lines in reading order as one stream."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = prepare_pages(pages)
        refs: list[L.Ref] = []
        for p in self.pages:
            prs = list(L.iter_refs([p]))
            refs.extend(L.reading_order(prs) if all(r.line.bbox for r in prs) else prs)
        self.refs = refs
        self.stream = Stream.of(refs)
        self.pos = {(id(r.page), r.index): k for k, r in enumerate(refs)}

    def k(self, ref: L.Ref) -> int:
        return self.pos[(id(ref.page), ref.index)]


# ----------------------------------------------------------------- parties


def _parties(doc: _Doc, out: dict[str, FieldValue]) -> None:
    """buyer/seller names and credit codes: mentions → slot roles → one assignment
    (:mod:`extractor.fields.parties`)."""
    found = P.mentions(doc)
    if not found:
        return
    chosen = P.assign(doc, found, P.slot_roles(doc.stream.text))
    for role, party in chosen.items():
        out[f"{role}_name"] = field(party.mention.name, party.mention.span, party.penalty)
        if party.code is not None:
            code, span, valid = party.code
            repaired = _uscc.compact(span.text) != code
            penalty = (0.1 if repaired else 0.0) + (0.0 if valid else 0.3)
            out[f"{role}_credit_code"] = field(code, span, penalty)


# ----------------------------------------------------------------- labelled values


@lru_cache(maxsize=64)
def _label_re(labels: tuple[str, ...], line_start: bool, need_sep: bool) -> re.Pattern[str]:
    pre = (
        r"(?:^|(?<=\n))\s*(?:第[一二三四五六七八九十\d]+[条章][、.．\s]*|[\d.．]+[、\s]*"
        r"|[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?"
        if line_start
        else ""
    )
    sep = r"(?:[:：]|为|是|\s*(?=\n|$))" if need_sep else r"[:：为是]?"
    alt = "|".join(_spaced(lab) for lab in sorted(labels, key=len, reverse=True))
    return re.compile(rf"{pre}(?P<lab>{alt})\s*(?:[（(][^()（）\n]{{0,8}}[)）])?\s*{sep}")


def _label_hits(
    doc: _Doc, labels: Sequence[str], *, line_start: bool = False, need_sep: bool = False
) -> list[tuple[int, int, str]]:
    """(label start, label end incl. colon, label) in the stream, sorted by the label's
    priority (its place in ``labels``) then document order. ``line_start``: only labels at a
    line start (after clause numbering); ``need_sep``: the label must be followed by a
    colon, 为/是, or the end of its line (a heading whose value is on the next line)."""
    rank = {re.sub(r"\s", "", lab): i for i, lab in enumerate(labels)}
    out: list[tuple[int, int, int, str]] = []
    for m in _label_re(tuple(labels), line_start, need_sep).finditer(doc.stream.text):
        lab = re.sub(r"\s", "", m.group("lab"))
        out.append((rank.get(lab, len(rank)), m.start("lab"), m.end(), lab))
    out.sort(key=lambda x: (x[0], x[1]))
    return [(s, e, lab) for _, s, e, lab in out]


def _window(doc: _Doc, pos: int, *, max_chars: int = 120, extend_heading: bool = True) -> tuple[int, int]:
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


def _contract_no(doc: _Doc, out: dict[str, FieldValue]) -> None:
    head_k = min(len(doc.refs), 60)
    limit = doc.stream.starts[head_k - 1] + len(doc.refs[head_k - 1].line.text) if head_k else 0
    strong = _label_hits(doc, ["合同编号", "合同号", "协议编号", "合同编码", "订单编号", "订单号"])
    weak = _label_hits(doc, ["编号", "NO.", "No.", "项目编号", "采购编号"], line_start=True)
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


def _title(doc: _Doc, out: dict[str, FieldValue]) -> None:
    ends = ("合同", "协议", "协议书", "合同书", "订单", "采购单", "确认书", "合同(协议)", "服务单")
    sp = find_title(doc.pages, ends=ends, max_len=50)
    if sp is not None:
        t = re.sub(r"\s+", " ", sp.text).strip()
        out["title"] = field(t, sp)


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
_SIGNED_RE = re.compile(r"于\s*(?P<d>[^，,。；;]{6,24}?)\s*(?:在[^，,。]{0,12})?(?:正式)?签(?:订|署|约)")


def _sign_date(doc: _Doc, out: dict[str, FieldValue]) -> None:
    text = doc.stream.text
    for _s, e, _lab in _label_hits(doc, _SIGN_LABELS):
        a, b = _window(doc, e, max_chars=30, extend_heading=False)
        found = find_dates(text[a:b])
        if found:
            d, ds, de = found[0]
            out["sign_date"] = field(d, doc.stream.span(a + ds, a + de))
            return
    for m in _SIGNED_RE.finditer(text):
        d = parse_date(m.group("d"))
        if d is not None:
            out["sign_date"] = field(d, doc.stream.span(m.start("d"), m.end("d")))
            return
    # the dates by the signatures: last quarter of the document, after 盖章/签字
    n = len(doc.refs)
    tail_from = 0
    for k in range(n - 1, -1, -1):
        if re.search(r"盖章|签字|签章|签名", doc.refs[k].line.text):
            tail_from = max(0, k - 3)
            break
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


_PERIOD_LABELS = [
    "服务期限", "租赁期限", "服务期", "服务时间", "服务周期", "租赁期", "租用期限", "使用期限", "合同期限",
    "合同有效期", "有效期限", "有效期", "合作期限", "履行期限", "租期", "合作开发时间", "开发时间",
    "服务期间", "租赁期间", "租用期间", "使用期间", "合作期间", "服务起止时间", "服务起止日期", "起止时间",
    "起止日期",
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


def _period_in(doc: _Doc, a: int, b: int, penalty: float = 0.0) -> dict[str, FieldValue] | None:
    text = doc.stream.text
    seg = text[a:b]
    found = find_dates(seg)
    if not found:
        return None
    d1, s1, e1 = found[0]
    sep = re.match(r"\s*(?:起)?\s*(?:至|到|-|~|—|–|－|―|〜|～)\s*", seg[e1:])
    if sep and sep.group(0).strip():
        tail = seg[e1 + sep.end() :]
        if len(found) >= 2 and found[1][1] == e1 + sep.end():
            d2, _s2, e2 = found[1]
            sp = doc.stream.span(a + s1, a + e2)
            return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty)}
        md = re.match(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", tail)
        if md:
            try:
                d2 = date(d1.year, int(md.group(1)), int(md.group(2)))
            except ValueError:
                d2 = None
            if d2 is not None:
                sp = doc.stream.span(a + s1, a + e1 + sep.end() + md.end())
                return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty)}
    months = _duration_months(seg)
    if months:
        d2 = _add_months(d1, months) - timedelta(days=1)
        sp = doc.stream.span(a + s1, a + e1)
        return {"service_start": field(d1, sp, penalty), "service_end": field(d2, sp, penalty + 0.1)}
    if re.search(r"(?:起|开始)", seg[e1 : e1 + 4]):
        return {"service_start": field(d1, doc.stream.span(a + s1, a + e1), penalty)}
    return None


def _period(doc: _Doc, out: dict[str, FieldValue]) -> None:
    for _s, e, _lab in _label_hits(doc, _PERIOD_LABELS):
        a, b = _window(doc, e, max_chars=80)
        got = _period_in(doc, a, b)
        if got:
            out.update(got)
            return
    text = doc.stream.text
    for m in re.finditer(r"[^。\n]+", text):
        sent = m.group(0)
        if not ("服务" in sent or "租" in sent or "使用" in sent) or not re.search(r"\d{4}\s*[年.\-/]", sent):
            continue
        got = _period_in(doc, m.start(), m.end(), 0.1)
        if got and "service_end" in got:
            out.update(got)
            return


# ----------------------------------------------------------------- money

_AMOUNT_LABELS = [
    "合同总金额", "合同总价款", "合同总价", "合同总额", "合同金额", "合同价款", "总价款", "含税总价",
    "含税总金额", "价税合计", "服务费总额", "技术服务费总额", "租赁费总额", "费用总额", "总费用", "总金额",
    "总价", "总计", "合计",
]  # fmt: skip
_WEAK_AMOUNT_LABELS = ["服务费", "租赁费", "技术服务费", "费用为", "价款", "金额"]
_CN_MONEY_CHARS = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正一二三四五六七八九十百千两")


def _is_words(t: str) -> bool:
    return bool(re.search("[壹贰叁肆伍陆柒捌玖拾佰仟]", t))


def _joined(doc: _Doc, a: int, b: int) -> tuple[str, list[int]]:
    """Stream text ``[a, b)`` with the line breaks of wrapped lines removed (an amount in
    words may wrap: 「（大写：捌拾肆万伍」 / 「仟元整）」), and each char's stream position."""
    text = doc.stream.text
    chars: list[str] = []
    pos: list[int] = []
    for i in range(a, min(b, len(text))):
        ch = text[i]
        if ch == "\n" and _wrapped(doc, doc.stream.ref_at(i - 1 if i > 0 else 0)):
            continue
        chars.append(ch)
        pos.append(i)
    return "".join(chars), pos


def _money_at(doc: _Doc, a: int, b: int) -> list[tuple[Decimal, int, int, bool]]:
    """Amounts in stream ``[a, b)`` (wraps joined) → (value, start, end, in words)."""
    t, pos = _joined(doc, a, b)
    out = []
    for v, s, e in find_money(t):
        if v > 0 and e > s:
            out.append((v, pos[s], pos[e - 1] + 1, _is_words(t[s:e])))
    return out


def _row_money(doc: _Doc, k: int) -> list[tuple[Decimal, int, int, bool]]:
    """Amounts in the other cells of line ``k``'s table row (a 合计 label cell)."""
    r = doc.refs[k]
    if r.line.table is None and r.line.bbox is None:
        return []
    out = []
    for x in sorted(
        _row_cells(doc, r), key=lambda x: (x.line.col or 0) if x.line.table is not None else x.line.bbox[0]
    ):
        kk = doc.pos.get((id(x.page), x.index))
        if kk is None:
            continue
        a = doc.stream.starts[kk]
        out += _money_at(doc, a, a + len(x.line.text))
    return out


def _pick(found: list[tuple[Decimal, int, int, bool]]):
    digits = [f for f in found if not f[3]]
    words = [f for f in found if f[3]]
    return (digits[0] if digits else words[0]), words


def _amount(doc: _Doc, out: dict[str, FieldValue]) -> None:
    """amount_total / amount_in_words: the value after a total label (its sentence, wraps
    joined; or the cells of its table row), else the figures that a 大写 amount confirms,
    else a lone 大写 amount (a total printed only in words)."""
    text = doc.stream.text
    hits = _label_hits(doc, _AMOUNT_LABELS) + _label_hits(doc, _WEAK_AMOUNT_LABELS)
    for _s, e, _lab in hits:
        found = _money_at(doc, e, _sentence_end(doc, e, max_chars=160))
        if not any(not f[3] for f in found):
            found += _row_money(doc, doc.stream.ref_at(e - 1))
        if not found:
            continue
        main, words = _pick(found)
        if not words:
            words = _confirming_words(doc, main[0])
        _set_amount(doc, out, main, words, 0.0 if not main[3] else 0.05)
        return
    # OCR: a label with a wrong character (fuzzy, via the layout toolkit)
    for hit in L.find_labels(doc.pages, _AMOUNT_LABELS[:12]):
        k = doc.pos.get((id(hit.ref.page), hit.ref.index))
        if k is None:
            continue
        a = doc.stream.starts[k] + hit.end
        found = _money_at(doc, a, _sentence_end(doc, a, max_chars=160))
        if found:
            main, words = _pick(found)
            _set_amount(doc, out, main, words, 0.1)
            return
    # no label: figures confirmed by the same amount in words, the largest such
    everything = _money_at(doc, 0, len(text))
    words = [f for f in everything if f[3]]
    confirmed = [f for f in everything if not f[3] and any(w[0] == f[0] for w in words)]
    if confirmed:
        main = max(confirmed, key=lambda f: f[0])
        _set_amount(doc, out, main, [w for w in words if w[0] == main[0]], 0.2)
    elif len({w[0] for w in words}) == 1:
        _set_amount(doc, out, words[0], words, 0.2)  # the total printed only in words


def _confirming_words(doc: _Doc, value: Decimal) -> list[tuple[Decimal, int, int, bool]]:
    """The same amount in words anywhere in the contract (a 大写 row under a price table)."""
    return [f for f in _money_at(doc, 0, len(doc.stream.text)) if f[3] and f[0] == value][:1]


def _set_amount(doc: _Doc, out: dict[str, FieldValue], main, words, penalty: float) -> None:
    text = doc.stream.text
    if words and words[0][0] != main[0]:
        penalty += 0.2  # 大写 and 小写 disagree: keep the figures, flag the doubt
    out["amount_total"] = field(main[0], doc.stream.span(main[1], main[2]), penalty)
    if words:
        ws, we = words[0][1], words[0][2]
        if text[max(0, ws - 3) : ws] == "人民币":
            ws -= 3
        printed = re.sub(r"\s+", "", nfkc(text[ws:we]))
        out["amount_in_words"] = field(printed, doc.stream.span(ws, we))


_RATE_RE = re.compile(r"税\s*率\s*(?:为|是|按|:|：)?\s*(?P<n>\d{1,2}(?:\.\d{1,2})?)\s*[%％]")
_RATE_WEAK_RE = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d{1,2})?)\s*[%％]\s*(?:的)?\s*(?:增值税|[\u4e00-\u9fff]{0,6}(?:专票|专用发票|普票|普通发票|发票))"
)


def _rate_str(n: str) -> str:
    """'6' → '0.06', '13' → '0.13', '1.5' → '0.015'."""
    d = (Decimal(n) / 100).normalize()
    s = format(d, "f")
    return s if "." in s and len(s.split(".")[1]) >= 2 else format(d.quantize(Decimal("0.01")), "f")


def _tax_rate(doc: _Doc, out: dict[str, FieldValue]) -> None:
    text = doc.stream.text
    for m in _RATE_RE.finditer(text):
        if "所得税" in text[max(0, m.start() - 8) : m.start()]:
            continue  # income tax, not the VAT rate of the contract
        out["tax_rate"] = field(_rate_str(m.group("n")), doc.stream.span(m.start(), m.end()))
        return
    weak = list(_RATE_WEAK_RE.finditer(text))
    if weak and len({m.group("n") for m in weak}) == 1:
        m = weak[0]
        out["tax_rate"] = field(_rate_str(m.group("n")), doc.stream.span(m.start(), m.end()), 0.1)
        return
    got = _rate_in_table(doc)
    if got is not None:
        out["tax_rate"] = field(_rate_str(got[0]), got[1], 0.05)


_PERCENT_CELL_RE = re.compile(r"\s*(\d{1,2}(?:\.\d{1,2})?)\s*[%％]\s*")


def _rate_in_table(doc: _Doc) -> tuple[str, L.Ref] | None:
    """A 税率 column: the percentage in the cell under (or right of) a header cell holding
    税率 — one value, or the same value in every row."""
    found: list[tuple[str, L.Ref]] = []
    for r in doc.refs:
        t = r.line.text.strip()
        if "税率" not in t or len(t) > 12:
            continue
        if r.line.table is not None:
            cells = [
                x
                for x in doc.refs
                if x.line.table == r.line.table
                and x.line.col == r.line.col
                and (x.line.row or 0) > (r.line.row or 0)
            ]
            cells += L.next_cells(r, doc.refs)[:1]
        elif r.line.bbox is not None:
            cells = L.below(r, L.page_refs(r.page), max_lines=6)
        else:
            cells = []
        for x in cells:
            m = _PERCENT_CELL_RE.fullmatch(x.line.text)
            if m:
                found.append((m.group(1), x))
    if found and len({n for n, _ in found}) == 1:
        return found[0]
    return None


# ----------------------------------------------------------------- GPU

_GPU_CONTEXT = re.compile(r"GPU|显卡|算力|加速卡|服务器|云主机|型号|配置|NVIDIA|英伟达|昇腾|卡", re.I)
_GPU_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<brand>NVIDIA|Nvidia|nvidia|英伟达|华为)\s*)?(?:Tesla\s*|GeForce\s*)?"
    r"(?P<model>(?:RTX\s*)?(?:A100|A800|H100|H800|H200|H20|L20|L40S|L40|A6000|A5000|A40|A30|A10|V100S?|"
    r"P100|T4|L4)(?![0-9])"
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


def _row_cells(doc: _Doc, r: L.Ref) -> list[L.Ref]:
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


def _header_columns(doc: _Doc, r: L.Ref, words: set[str]) -> list[tuple[float, float] | int]:
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


def _gpu_hits(doc: _Doc) -> list[_GpuHit]:
    hits: list[_GpuHit] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        row = None
        for m in _GPU_RE.finditer(t) if _GPU_HINT.search(t) else ():
            if row is None:
                row = _row_cells(doc, r)
            ctx = m.group("brand") or _GPU_CONTEXT.search(t)
            if not ctx:
                # a bare model in a table cell under a 型号/配置 header
                near = " ".join(x.line.text for x in row) + " ".join(
                    doc.refs[kk].line.text for kk in range(max(0, k - 8), k)
                )
                ctx = _GPU_HEADER_RE.search(near)
            if ctx:
                hits.append(_GpuHit(r, m, in_row=len(row) >= 2))
        if re.search(r"(?:NVIDIA|Nvidia|英伟达|华为|昇腾|[AHLVT]\d{2,4}[A-Z]?)\s*$", t) and _wrapped(doc, k):
            # a model cut by the line wrap: 「…资源配置为NVIDIA」 / 「A800 80GB GPU共32卡」
            nxt = doc.refs[k + 1]
            joined = t + nxt.line.text
            for m in _GPU_RE.finditer(joined):
                if m.start() < len(t) < m.end() and (m.group("brand") or m.group("mem")):
                    hits.append(_GpuHit(r, m, in_row=False, cont=nxt))
    return hits


def _count_near(doc: _Doc, hit: _GpuHit) -> tuple[int, L.Span, float] | None:
    r, m = hit.ref, hit.m
    t = r.line.text + (hit.cont.line.text if hit.cont is not None else "")
    got = _count_in(t, max(0, m.start() - 25), min(len(t), m.end() + 30), (m.start(), m.end()))
    if got is not None:
        n, s, e = got
        if not _MACHINE_RE.search(t[s:e]):
            # cards per server (``H800 80GB×8``) times the servers in the row's 数量 cell (``2台``)
            for x in _row_cells(doc, r):
                mm = re.fullmatch(r"\s*(\d{1,4})\s*(?:台|节点)\s*", x.line.text)
                if mm:
                    return n * int(mm.group(1)), L.Span(t[s:e], [r, x], s, e), 0.05
        if e > len(r.line.text) and hit.cont is not None:
            return n, L.Span(t[s:e], [r, hit.cont]), 0.0
        return n, L.Span(t[s:e], [r], s, e), 0.0
    row = _row_cells(doc, r)
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


def _gpu(doc: _Doc, out: dict[str, FieldValue]) -> None:
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
    total = _stated_total(doc)
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


def _stated_total(doc: _Doc) -> tuple[int, L.Span] | None:
    """The number of cards the contract states as a total (one value, or the same value
    each time it is stated), which beats counting per row."""
    found = [(int(m.group("a") or m.group("b")), m) for m in _TOTAL_CARDS_RE.finditer(doc.stream.text)]
    found = [(n, m) for n, m in found if 0 < n <= 100000]
    if not found or len({n for n, _ in found}) != 1:
        return None
    n, m = found[0]
    return n, doc.stream.span(m.start(), m.end())


# ----------------------------------------------------------------- content

_CONTENT_LABELS = [
    "服务内容", "服务项目", "服务名称", "产品名称", "采购内容", "租赁内容", "采购标的", "合同标的",
    "技术服务的内容", "技术内容", "标的", "项目名称",
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


def _right_margin(page: Page) -> float:
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


def _wrapped(doc: _Doc, k: int) -> bool:
    """Whether line ``k`` runs on into line ``k + 1`` (a wrapped paragraph line): it
    reaches the right margin and the next line on the page is not a new clause."""
    if k + 1 >= len(doc.refs):
        return False
    r, nx = doc.refs[k], doc.refs[k + 1]
    if r.line.bbox is None or nx.line.bbox is None or nx.page is not r.page:
        return False
    right = _right_margin(r.page)
    h = max(r.line.bbox[3] - r.line.bbox[1], 1.0)
    if r.line.bbox[2] < right - 2 * h or nx.line.bbox[1] - r.line.bbox[3] > 1.2 * h:
        return False
    return not re.match(
        r"\s*(?:第[一二三四五六七八九十\d]+[条章]|[\d.．]+[、.．\s]|[（(]?[一二三四五六七八九十\d]+[)）、.．])",
        nx.line.text,
    )


def _sentence_end(doc: _Doc, pos: int, max_chars: int = 160) -> int:
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
            if not _wrapped(doc, k):
                return i
            k += 1
        i += 1
    return limit


def _content_at(doc: _Doc, pos: int) -> tuple[str, int, int] | None:
    """The content sentence starting at ``pos`` → (value, start, end) or None."""
    text = doc.stream.text
    end = _sentence_end(doc, pos)
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
    rf"(?:{P._LABEL_ALT})\s*(?:同意|负责|应|将)?\s*(?:(?:向|为)\s*(?:{P._LABEL_ALT})|委托\s*(?:{P._LABEL_ALT}))\s*(?:提供|出售|销售|交付|出租)(?:的)?\s*"
    r"(?P<x>[^，,。；;：:\n（(]{2,40})"
)


def _provided(text: str) -> tuple[str, int, int] | None:
    """The object of the provider's verb in ``text`` → (value, start, end).

    >>> _provided("乙方向甲方提供人工智能算力技术服务，配置NVIDIA A100 GPU 48卡")[0]
    '人工智能算力技术服务'
    >>> _provided("供应商向采购方提供GPU智算云服务，用于大模型预训练，按月计费")[0]
    'GPU智算云服务,用于大模型预训练'
    >>> _provided("双方经友好协商订立本合同") is None
    True
    """
    m = _PROVIDES_RE.search(text)
    if not m:
        return None
    val = re.sub(r"\s+", " ", nfkc(m.group("x"))).strip()
    val = re.sub(r"(?:等|相关)$", "", val)
    if len(val) < 2 or val.endswith(("合同", "协议")):
        return None
    end = m.start("x") + len(m.group("x"))
    purpose = re.match(r"\s*[，,]\s*(用于[^，,。；;\n]{2,40})", text[end:])
    if purpose:
        # what it is for belongs to the content: 「GPU智算云服务，用于大模型预训练…」
        val = f"{val},{nfkc(purpose.group(1)).strip()}"
        end += purpose.end()
    return val, m.start("x"), end


def _service_content(doc: _Doc, out: dict[str, FieldValue]) -> None:
    _service_content_labelled(doc, out)
    fv = out.get("service_content")
    text = doc.stream.text
    if fv is not None and not str(fv.value).endswith(("合同", "协议", "合同书", "协议书")):
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
    for m in _PROVIDES_RE.finditer(text):
        got = _provided(text[m.start() :])
        if got is not None:
            val, a, b = got
            out["service_content"] = field(val, doc.stream.span(m.start() + a, m.start() + b), 0.1)
            return
    if fv is not None and str(fv.value).endswith(("合同", "协议", "合同书", "协议书")):
        del out["service_content"]  # the contract's title is not what it buys


def _service_content_labelled(doc: _Doc, out: dict[str, FieldValue]) -> None:
    """What is bought: the sentence after a content label — ``服务内容：…`` at a line
    start, then ``服务内容为…`` inside prose, then a heading (``一、服务内容``) whose
    paragraph follows — else the first sentence that names compute services."""
    text = doc.stream.text
    headings: list[int] = []
    for in_prose, hits in (
        (False, _label_hits(doc, _CONTENT_LABELS, line_start=True, need_sep=True)),
        (True, _label_hits(doc, _CONTENT_LABELS[:5], need_sep=True)),
    ):
        for _s, e, _lab in hits:
            nl = text.find("\n", e)
            nl = len(text) if nl < 0 else nl
            if not text[e:nl].strip():
                if text[e - 1] not in ":：为是":
                    headings.append(nl + 1)  # a heading: its paragraph follows
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
            if got is not None:
                val, a, b = got
                out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
                return
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
    doc = _Doc(pages)
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
    return out

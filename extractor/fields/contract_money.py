"""Contract amounts: the total (``amount_total``, in figures, confirmed by the amount in
words ``amount_in_words`` when printed) and the tax rate (``tax_rate``), from labelled
running text or a table row.
"""

from __future__ import annotations

import re
from decimal import Decimal

import extractor.fields.layout as L
from extractor.fields.contract_text import Doc, joined, label_hits, row_cells, sentence_end
from extractor.fields.prose import field, nfkc
from extractor.normalize import find_money
from extractor.normalize.money import amount_in_words
from models.contract import FieldValue

_AMOUNT_LABELS = [
    "合同总金额", "合同总价款", "合同总价", "合同总额", "合同金额", "合同价款", "总价款", "含税总价",
    "含税总金额", "价税合计", "服务费总额", "技术服务费总额", "租赁费总额", "费用总额", "经费总额", "总费用",
    "签约合同价", "合同价格", "成交金额", "成交价格", "中标金额", "中标价格", "项目总价", "服务费用合计",
    "总金额", "总价", "总计", "合计",
]  # fmt: skip


_WEAK_AMOUNT_LABELS = ["费用共计", "服务费", "租赁费", "技术服务费", "费用为", "价款", "金额"]

# 「总费用的40%即16800元」: an instalment stated as a share of the total is not the total
_SHARE_RE = re.compile(
    r"\d+(?:\.\d+)?\s*[%％][\u4e00-\u9fff]{0,4}\s*[，,]?\s*(?:即|计|为|合)?\s*(?:人民币|RMB|¥|￥)?\s*$"
)


# 「总价：1000元/吨×1000吨=1000，000元」: a price per unit is not the total
_PER_UNIT_RE = re.compile(r"\s*(?:[/／]\s*[\u4e00-\u9fffA-Za-z]|每)")


_CN_MONEY_CHARS = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正一二三四五六七八九十百千两")


def _is_words(t: str) -> bool:
    return bool(re.search("[壹贰叁肆伍陆柒捌玖拾佰仟]", t))


def _without_gaps_in_words(t: str, pos: list[int]) -> tuple[str, list[int]]:
    """Blanks between money words dropped (a fill-in line: 「大写：   肆仟     元整」).

    >>> _without_gaps_in_words("大写：  肆仟   元整 共 3 项", list(range(20)))[0]
    '大写：  肆仟元整 共 3 项'
    """
    keep = [
        i
        for i, c in enumerate(t)
        if not (
            c.isspace()
            and t[:i].rstrip()[-1:] in _CN_MONEY_CHARS
            and t[i:].lstrip()[:1] in _CN_MONEY_CHARS
            and _is_words(t[max(0, i - 12) : i + 12])
        )
    ]
    if len(keep) == len(t):
        return t, pos
    return "".join(t[i] for i in keep), [pos[i] for i in keep]


def _money_at(doc: Doc, a: int, b: int) -> list[tuple[Decimal, int, int, bool]]:
    """Amounts in stream ``[a, b)`` (wraps joined) → (value, start, end, in words)."""
    t, pos = _without_gaps_in_words(*joined(doc, a, b))
    out = []
    for v, s, e in find_money(t):
        if v > 0 and e > s:
            out.append((v, pos[s], pos[e - 1] + 1, _is_words(t[s:e])))
    return out


def _row_money(doc: Doc, k: int) -> list[tuple[Decimal, int, int, bool]]:
    """Amounts in the other cells of line ``k``'s table row (a 合计 label cell)."""
    r = doc.refs[k]
    if r.line.table is None and r.line.bbox is None:
        return []
    out = []
    for x in sorted(
        row_cells(doc, r), key=lambda x: (x.line.col or 0) if x.line.table is not None else x.line.bbox[0]
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


def _amount(doc: Doc, out: dict[str, FieldValue]) -> None:
    """amount_total / amount_in_words: the value after a total label (its sentence, wraps
    joined; or the cells of its table row), else the figures that a 大写 amount confirms,
    else a lone 大写 amount (a total printed only in words)."""
    text = doc.stream.text
    hits = label_hits(doc, _AMOUNT_LABELS) + label_hits(doc, _WEAK_AMOUNT_LABELS)
    for _s, e, _lab in hits:
        found = [
            f
            for f in _money_at(doc, e, sentence_end(doc, e, max_chars=160))
            if not _SHARE_RE.search(text[max(e, f[1] - 12) : f[1]]) and not _PER_UNIT_RE.match(text, f[2])
        ]
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
        found = _money_at(doc, a, sentence_end(doc, a, max_chars=160))
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


def _confirming_words(doc: Doc, value: Decimal) -> list[tuple[Decimal, int, int, bool]]:
    """The same amount in words anywhere in the contract (a 大写 row under a price table)."""
    return [f for f in _money_at(doc, 0, len(doc.stream.text)) if f[3] and f[0] == value][:1]


_WORDS_AFTER_RE = re.compile(
    r"大写\s*(?:人民币)?\s*[:：]?\s*(?:人民币)?\s*[:：]?\s*(?P<w>[\u4e00-\u9fff]{2,24}?[元圆]"
    r"(?:整|正|[壹贰叁肆伍陆柒捌玖]角(?:[壹贰叁肆伍陆柒捌玖]分)?|零?[壹贰叁肆伍陆柒捌玖]分)?)"
)


def _misread_words(text: str, start: int, value: Decimal) -> tuple[str, int, int] | None:
    """A 大写 amount right after the figures that OCR misread by one glyph (「捌拾伍万叁仟摇佰元整」
    for 853800): the printed words with that glyph restored from the figures → (words, start, end).

    >>> t = "服务费RMB853800元（大写人民币：捌拾伍万叁仟摇佰元整）"
    >>> _misread_words(t, 0, Decimal("853800"))[0]
    '捌拾伍万叁仟捌佰元整'
    >>> _misread_words("合计36万元（大写：叁拾伍万元整）", 0, Decimal("360000")) is None  # a real disagreement
    True
    >>> _misread_words("服务费RMB853800元（大写人民币：捌拾伍万叁任捌佰元整", 0, Decimal("853800"))[0]
    '捌拾伍万叁仟捌佰元整'

    with 角 and 分, the words wrapped onto the next row (a scanned contract's reading):

    >>> _misread_words("金额为人民币￥409390.86（大写：\\n肆拾万玖任叁佰玖拾元捌角陆分）", 0, Decimal("409390.86"))[0]
    '肆拾万玖仟叁佰玖拾元捌角陆分'
    """
    m = _WORDS_AFTER_RE.search(text, start, start + 60)
    if not m:
        return None
    printed = m.group("w")
    expected = amount_in_words(value)
    if printed[-1] in "元圆" and expected.endswith("整"):
        expected = expected[:-1]
    if len(printed) != len(expected):
        return None
    diff = [
        i for i, (a, b) in enumerate(zip(printed, expected, strict=True)) if a != b and {a, b} != {"元", "圆"}
    ]
    if len(diff) != 1 or printed[diff[0]] in _CN_MONEY_CHARS:
        return None  # no glyph or a real numeral differs: the words disagree, nothing to repair
    i = diff[0]
    return printed[:i] + expected[i] + printed[i + 1 :], m.start("w"), m.end("w")


def _set_amount(doc: Doc, out: dict[str, FieldValue], main, words, penalty: float) -> None:
    text = doc.stream.text
    if (not words and not main[3]) or (words and words[0][0] != main[0]):
        # no words read, or only their tail after a misread glyph (「捌拾伍万叁任捌佰元整」 read
        # as 「捌佰元整」): the words restored from the figures where one glyph differs
        got = _misread_words(text, main[2], main[0])
        if got is not None:
            out["amount_in_words"] = field(got[0], doc.stream.span(got[1], got[2]), 0.3)
            words = []
    if words and words[0][0] != main[0]:
        penalty += 0.2  # 大写 and 小写 disagree: keep the figures, flag the doubt
    out["amount_total"] = field(main[0], doc.stream.span(main[1], main[2]), penalty)
    if words:
        ws, we = words[0][1], words[0][2]
        if text[max(0, ws - 3) : ws] == "人民币":
            ws -= 3
        printed = re.sub(r"\s+", "", nfkc(text[ws:we]))
        out["amount_in_words"] = field(printed, doc.stream.span(ws, we))


# 「税率为6%」「增值税率为：13%」, a filled-in blank 「税率【1%】」, colloquial 「已含税6个点」 「税点6%」
_RATE_RE = re.compile(
    r"税\s*率\s*(?:为|是|按)?\s*[:：]?\s*[【\[（(]?\s*(?P<n>\d{1,2}(?:\.\d{1,2})?)\s*[%％]"
    r"|(?:含税|税点)\s*(?P<n2>\d{1,2}(?:\.\d{1,2})?)\s*(?:个点|[%％])"
)


_RATE_WEAK_RE = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d{1,2})?)\s*[%％]\s*(?:的)?\s*(?:增值税|[\u4e00-\u9fff]{0,6}(?:专票|专用发票|普票|普通发票|发票))"
)


def _rate_str(n: str) -> str:
    """'6' → '0.06', '13' → '0.13', '1.5' → '0.015'."""
    d = (Decimal(n) / 100).normalize()
    s = format(d, "f")
    return s if "." in s and len(s.split(".")[1]) >= 2 else format(d.quantize(Decimal("0.01")), "f")


def _tax_rate(doc: Doc, out: dict[str, FieldValue]) -> None:
    text = doc.stream.text
    for m in _RATE_RE.finditer(text):
        if "所得税" in text[max(0, m.start() - 8) : m.start()]:
            continue  # income tax, not the VAT rate of the contract
        out["tax_rate"] = field(_rate_str(m.group("n") or m.group("n2")), doc.stream.span(m.start(), m.end()))
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


def _rate_in_table(doc: Doc) -> tuple[str, L.Ref] | None:
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

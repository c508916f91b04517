"""Money amounts: parse printed amounts (小写 and 大写), format, find in running text.

Every amount becomes a :class:`~decimal.Decimal` in yuan, quantized to 0.01
(ROUND_HALF_UP); the contract's string form is :func:`format_money`.

>>> parse_money("¥360,000.00")
Decimal('360000.00')
>>> parse_money("叁拾陆万元整")
Decimal('360000.00')
>>> format_money(parse_money("36万元"))
'360000.00'
>>> amount_in_words(Decimal("360000"))
'叁拾陆万元整'
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from extractor.normalize.names import map_span, nfkc_with_offsets

__all__ = ["amount_in_words", "find_money", "format_money", "parse_money", "words_match"]

CENT = Decimal("0.01")

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "壹": 1, "一": 1, "幺": 1,
    "贰": 2, "貳": 2, "二": 2, "两": 2, "兩": 2,
    "叁": 3, "叄": 3, "参": 3, "參": 3, "三": 3,
    "肆": 4, "四": 4,
    "伍": 5, "五": 5,
    "陆": 6, "陸": 6, "六": 6,
    "柒": 7, "七": 7,
    "捌": 8, "八": 8,
    "玖": 9, "九": 9,
}  # fmt: skip
_CN_SMALL = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_NUM_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "".join(_CN_BIG)
_CN_DIGIT_CHARS = "".join(_CN_DIGITS)
_CN_NONZERO_DIGITS = "".join(k for k, v in _CN_DIGITS.items() if v)

# groups of three after a comma; the first group may be longer (「1000，000元」 printed for 1,000,000)
_NUM = r"(?:\d+(?:,\d{3})+|\d+)(?:\.\d+)?"
_ARABIC_RE = re.compile(rf"^(?P<num>{_NUM})(?P<unit>万亿|亿|万|千|百)?(?:元|圆)?(?:整|正)?$")
_CN_RE = re.compile(
    rf"^(?:(?P<yuan>[{_CN_NUM_CHARS}]+)(?P<yuan_mark>[元圆])?)?"
    rf"(?:零)?(?:(?P<jiao>[{_CN_DIGIT_CHARS}])角)?"
    rf"(?:零)?(?:(?P<fen>[{_CN_DIGIT_CHARS}])分)?"
    r"(?:[元圆]?(?:整|正))?$"  # 「元整」, and the doubled 「伍万捌仟元圆整」 of some contracts
)
_LABELS_RE = re.compile(
    r"(?:人民币|RMB|CNY|金额|价税合计|合计|总计|\(?大写\)?|\(?小写\)?|\((?:不?含(?:增值)?税|人民币|元)\)|[¥$:⊗ⓧ⨂])",
    re.I,
)
_UNIT_LABEL_RE = re.compile(r"\((万元|亿元)\)")
_NEGATIVE_RE = re.compile(r"\(?负数?\)?")


def _cn_integer(s: str, positional: bool = True) -> int | None:
    """Value of a Chinese-numeral integer such as 壹拾万零伍佰, 贰亿, 拾万, 二〇二三.

    ``positional`` allows the digit-by-digit form (二〇二三, for years).

    >>> _cn_integer("贰仟零佰零拾伍", False), _cn_integer("壹万零伍拾", False), _cn_integer("拾万", False)
    (2005, 10050, 100000)
    >>> _cn_integer("伍伍", False) is None
    True
    """
    if not s:
        return None
    if positional and all(c in _CN_DIGITS for c in s):
        # digit-by-digit form (二〇二三); a lone 零 is 0
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total = section = 0
    num: int | None = None  # the digit before the next unit; None: no digit (拾 = 壹拾)
    for ch in s:
        if ch in _CN_DIGITS:
            if num:  # two digits without a unit between them (伍伍元) is no numeral
                return None
            num = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            # 零佰 / 零拾 (every place written, as in a per-digit grid) is zero of that unit
            section += (1 if num is None else num) * _CN_SMALL[ch]
            num = None
        elif ch in _CN_BIG:
            unit = _CN_BIG[ch]
            if unit == 10**8:
                total = (total + section + (num or 0)) * unit
            else:
                total += (section + (num or 0)) * unit
            section, num = 0, None
        else:
            return None
    return total + section + (num or 0)


def round_money(value: Decimal | int | float | str) -> Decimal:
    """The project's one rounding rule for money: half-up to the cent (0.01 yuan).

    Every module that rounds an amount calls this (``Decimal.quantize`` without a rounding
    mode, ``round()`` and ``f"{x:.2f}"`` all round half-even: ``0.125 → 0.12``).

    >>> round_money(Decimal("0.125")), round_money("4197.165"), round_money(-2.675), round_money(5)
    (Decimal('0.13'), Decimal('4197.17'), Decimal('-2.68'), Decimal('5.00'))
    """
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


_quantize = round_money


def parse_money(text: str | None) -> Decimal | None:
    """Parse one printed amount into yuan; None when the text is not an amount.

    Accepts 小写 (¥360,000.00, ￥360000, 360000元, 36万元, 36.5万, full-width
    digits, spaces left by OCR) and 大写 (叁拾陆万元整, 壹拾万零伍佰元伍角), with
    labels such as 人民币 / (大写) / (小写) around them. Negative: a leading minus,
    (负数), 负, or an accounting-style parenthesised number.

    >>> parse_money("￥360000")
    Decimal('360000.00')
    >>> parse_money("36.5万")
    Decimal('365000.00')
    >>> parse_money("人民币伍拾肆万伍仟元")
    Decimal('545000.00')
    >>> parse_money("壹拾万零伍佰元伍角")
    Decimal('100500.50')
    >>> parse_money("叁仟零伍拾元零伍分")
    Decimal('3050.05')
    >>> parse_money("壹佰万元整"), parse_money("拾万元"), parse_money("贰亿")
    (Decimal('1000000.00'), Decimal('100000.00'), Decimal('200000000.00'))
    >>> parse_money("¥ 36 0,000.00"), parse_money("３６０，０００．００元")
    (Decimal('360000.00'), Decimal('360000.00'))
    >>> parse_money("1000，000元")   # a separator misplaced in print
    Decimal('1000000.00')
    >>> parse_money("-100.00"), parse_money("（负数）壹佰元整"), parse_money("(1,234.50)")
    (Decimal('-100.00'), Decimal('-100.00'), Decimal('-1234.50'))
    >>> parse_money("价税合计（大写）：肆仟肆佰肆拾玖圆整")
    Decimal('4449.00')
    >>> parse_money("（36万元）"), parse_money("(大写:叁拾陆万元整)")
    (Decimal('360000.00'), Decimal('360000.00'))
    >>> parse_money("金额（万元）：36"), parse_money("36万元（含税）"), parse_money("金额(元):360000")
    (Decimal('360000.00'), Decimal('360000.00'), Decimal('360000.00'))
    >>> parse_money("伍仟元零角零分"), parse_money("万元") is None, parse_money("伍伍元") is None
    (Decimal('5000.00'), True, True)
    >>> parse_money("2023年3月1日") is None, parse_money("") is None, parse_money("12%") is None
    (True, True, True)
    >>> parse_money("伍万捌仟元圆整")
    Decimal('58000.00')
    >>> parse_money("⊗壹万圆整"), parse_money("ⓧ贰仟零佰零拾伍元整"), parse_money("捌仟柒佰叁拾零圆整")
    (Decimal('10000.00'), Decimal('2005.00'), Decimal('8730.00'))
    """
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"\s+", "", s)
    s = s.replace("−", "-").replace("—", "-").replace("–", "-")
    negative = False
    if _NEGATIVE_RE.search(s) and "负" in s:
        negative = True
        s = _NEGATIVE_RE.sub("", s)
    scale = 1
    unit_label = _UNIT_LABEL_RE.search(s)
    if unit_label:  # a column/label unit: 金额（万元）：36
        scale = 10**4 if unit_label.group(1) == "万元" else 10**8
        s = _UNIT_LABEL_RE.sub("", s)
    s = _LABELS_RE.sub("", s)
    # the crossed circle printed before an e-invoice's 大写 (⊗, or ⓧ that NFKC turns into x)
    s = re.sub(rf"^[xX×](?=[{_CN_NUM_CHARS}])", "", s)
    if s.count("(") != s.count(")"):  # a bracket half-eaten by a label: (大写:…)
        s = s.replace("(", "").replace(")", "")
    if s.startswith("-"):
        negative, s = True, s[1:]
    elif s.startswith("(") and s.endswith(")") and len(s) > 2:
        # accounting style (1,234.50) is negative; (36万元) is only bracketed
        negative, s = bool(re.fullmatch(_NUM, s[1:-1])), s[1:-1]
    s = s.lstrip("¥")
    if not s:
        return None
    m = _ARABIC_RE.match(s)
    value: Decimal | None = None
    if m:
        try:
            value = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
            return None
        unit = m.group("unit")
        if unit:
            value *= {"万亿": 10**12, "亿": 10**8, "万": 10**4, "千": 1000, "百": 100}[unit]
        else:
            value *= scale
    else:
        value = _parse_chinese_money(s)
    if value is None:
        return None
    value = _quantize(value)
    return -value if negative else value


def _parse_chinese_money(s: str) -> Decimal | None:
    # mixed form: Arabic number then 万/亿, e.g. "36万元" is handled by _ARABIC_RE;
    # here only Chinese numerals with 元/角/分.
    m = _CN_RE.match(s)
    if not m or not any(m.group(g) for g in ("yuan", "jiao", "fen")):
        return None
    yuan = m.group("yuan")
    if yuan and not any(c in _CN_DIGITS or c in _CN_SMALL for c in yuan):
        return None  # "万元" alone
    if yuan and yuan.endswith("零") and len(yuan) > 1:
        yuan = yuan.rstrip("零")
    integer = _cn_integer(yuan, positional=False) if yuan else 0
    if integer is None:
        return None
    value = Decimal(integer)
    if m.group("jiao"):
        value += Decimal(_CN_DIGITS[m.group("jiao")]) / 10
    if m.group("fen"):
        value += Decimal(_CN_DIGITS[m.group("fen")]) / 100
    return value


def format_money(d: Decimal | int | float | str) -> str:
    """The contract's money string: yuan with exactly two decimals.

    >>> format_money(Decimal("360000")), format_money(Decimal("4197.165")), format_money(-5)
    ('360000.00', '4197.17', '-5.00')
    """
    return format(_quantize(Decimal(str(d))), "f")


def amount_in_words(d: Decimal | int | str) -> str:
    """The standard 大写 form of an amount (as printed on invoices and vouchers).

    >>> amount_in_words(Decimal("360000.00"))
    '叁拾陆万元整'
    >>> amount_in_words(Decimal("3050.05"))
    '叁仟零伍拾元零伍分'
    >>> amount_in_words(Decimal("100500.5"))
    '壹拾万零伍佰元伍角'
    >>> amount_in_words(Decimal("0"))
    '零元整'
    """
    q = _quantize(Decimal(str(d)))
    if q == 0:
        return "零元整"
    return cn2an.an2cn(format(q, "f"), "rmb")


def words_match(words: str, amount: Decimal | int | str) -> bool:
    """Whether a printed 大写 amount states exactly ``amount``.

    Tolerates 圆/元, 整/正, a missing 整 and surrounding labels; the words must
    contain Chinese numerals (a 小写 string never "matches").

    >>> words_match("叁拾陆万元整", Decimal("360000.00"))
    True
    >>> words_match("人民币叁拾陆万圆正", Decimal("360000"))
    True
    >>> words_match("叁拾陆万元整", Decimal("36000.00"))
    False
    >>> words_match("360000.00", Decimal("360000.00"))
    False
    """
    if not words or not any(c in _CN_NUM_CHARS for c in words):
        return False
    parsed = parse_money(words)
    return parsed is not None and parsed == _quantize(Decimal(str(amount)))


_BOUND_L = r"(?<![0-9A-Za-z.,_/\-])"
_BOUND_R = r"(?![0-9A-Za-z%‰])"
_PRE_RE = re.compile(
    rf"(?:-\s*)?(?:¥|人民币|RMB|CNY)\s*[:]?\s*-?\s*{_NUM}(?:\s*(?:万元|亿元|万|元))?(?:整)?{_BOUND_R}"
)
_FIND_RE = re.compile(
    # 0. currency prefix then an OCR-spaced grouped number: ¥ 36 0,000.00
    rf"(?P<spaced>(?:¥|人民币)\s*[:]?\s*\d(?:[\d,]|\s(?=[\d,]))*\d\.\d{{2}}(?:\s*元)?(?![0-9]))"
    # 1. currency prefix then a number (unit optional)
    rf"|(?P<pre>(?:-\s*)?(?:¥|人民币|RMB|CNY)\s*[:]?\s*-?\s*{_NUM}(?:\s*(?:万元|亿元|万|元))?(?:整)?{_BOUND_R})"
    # 2. a number followed by 元 / 万元 / 亿元
    rf"|(?P<suf>{_BOUND_L}-?{_NUM}\s*(?:万元|亿元|元)(?:整)?)"
    # 3. Chinese numerals with 元/圆 and optional 角/分 (大写 or 小写 Chinese)
    rf"|(?P<cn>[{_CN_NUM_CHARS}]+[元圆](?:零?[{_CN_NONZERO_DIGITS}]角)?(?:零?[{_CN_NONZERO_DIGITS}]分)?"
    rf"(?:[元圆]?(?:整|正))?"
    rf"|[{_CN_NONZERO_DIGITS}]角(?:零?[{_CN_NONZERO_DIGITS}]分)?(?:整|正)?"
    rf"|[{_CN_NONZERO_DIGITS}]分(?:整|正)?)",
    re.I,
)


def find_money(text: str) -> list[tuple[Decimal, int, int]]:
    """Find money mentions in running text: ``(amount, start, end)`` with offsets into ``text``.

    Only numbers with money context count (¥/人民币 before, 元/万元/亿元 after, or
    Chinese numerals with 元); dates, percentages, phone numbers and codes do not.

    >>> find_money("向北京智算云科技有限公司采购算力服务36万元，另付￥1,500.50及叁仟零伍拾元零伍分。")
    [(Decimal('360000.00'), 18, 22), (Decimal('1500.50'), 25, 34), (Decimal('3050.05'), 35, 44)]
    >>> find_money("2023年3月1日签订，税率6%，电话13812345678，代码91460300MAA92DJN95")
    []
    >>> find_money("价税合计 ¥ 36 0,000.00")
    [(Decimal('360000.00'), 5, 18)]
    >>> [str(a) for a, _, _ in find_money("合同总价：人民币360,000.00元（大写：叁拾陆万元整）")]
    ['360000.00', '360000.00']
    """
    norm, origin = nfkc_with_offsets(text)
    found: list[tuple[Decimal, int, int]] = []
    for m in _FIND_RE.finditer(norm):
        raw = m.group(0)
        if m.group("cn") and not any(c in _CN_NONZERO_DIGITS or c in "拾十" for c in raw):
            continue  # "零元" alone, or 万元 with no digit
        value = parse_money(raw)
        m_start, m_end = m.start(), m.end()
        if m.group("spaced") and value is None:
            strict = _PRE_RE.match(norm, m_start)  # the unspaced reading, if any
            if strict is None:
                continue
            value, m_end = parse_money(strict.group(0)), strict.end()
        if value is None:
            continue
        start, end = map_span(origin, m_start, m_end)
        found.append((value, start, end))
    return found

"""The 营业期限 (business term) of a licence: its end read from the term's text, with what OCR
does to it (a lost 「日」, a digit added to the year, 「至…」 in a box of its own)."""

from __future__ import annotations

import datetime as dt
import re

import extractor.fields.layout as L
from extractor.normalize import parse_date
from models.page import Page

# a date printed in figures: 2015年12月23日
_FIGURE_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"


def licence_date(text: str) -> dt.date | None:
    """A date as a licence prints it, in figures or in Chinese numerals, where OCR may read the
    numeral 一 as a dash (「二〇——年十一月一日」: 二〇一一年).

    >>> licence_date("二〇——年十一月一日"), licence_date("2015年01月 27日")
    (datetime.date(2011, 11, 1), datetime.date(2015, 1, 27))
    >>> licence_date("2015-01-27至2035-01-26") is None, licence_date("二〇一—年") is None
    (True, True)
    >>> licence_date("二〇-二年四月廿五日")   # a hyphen for 一, the day in 廿
    datetime.date(2012, 4, 25)

    A year's leading 二 lost before 〇 (「〇〇六年」: a licence of this century); a 「+」 may be
    十 or 廿, so a date holding one is not read:

    >>> licence_date("〇〇六年二月十三日"), licence_date("〇一五年五月+五日")
    (datetime.date(2006, 2, 13), None)
    """
    t = re.sub(r"\s+", "", text)
    d = parse_date(t)
    if d is None and re.fullmatch(
        r"(?:[〇○零一二三四五六七八九十—–－‐-]{4}|[〇○][〇○零一二—–－‐-][〇○零一二三四五六七八九—–－‐-])年"
        r"[一二三四五六七八九十—–－‐-]{1,3}月[一二三四五六七八九十廿卅—–－‐-]{1,4}日",
        t,
    ):
        t = "二" + t if t.index("年") == 3 else t
        d = parse_date(re.sub(r"[—–－‐-]", "一", t))
    return d


# a term without an end: 长期, and its other wordings (至永久, 至无限期, 不约定期限 …)
OPEN_END_RE = re.compile(r"长期|永久|不约定|无固定|无限期|无期限")


def term_end(sp: L.Span) -> tuple[object, float] | None:
    """(the end of a 营业期限 value, a confidence penalty); 长期 for a term without an end.

    >>> from models.page import Line
    >>> ref = L.Ref(0, 0, Line(text="2016年01月07日至无限期", bbox=(0, 0, 10, 10)))
    >>> term_end(L.Span("2016年01月07日至无限期", [ref], 0, 15))
    ('长期', 0.0)
    >>> term_end(L.Span("二〇三〇年十一月十四日止", [ref], 0, 12))   # 「执照有效期限：…止」
    (datetime.date(2030, 11, 14), 0.0)
    >>> term_end(L.Span("自2010年11月15日至2030年11月14日止", [ref], 0, 22))
    (datetime.date(2030, 11, 14), 0.0)
    """
    t = L.norm(sp.text)
    if re.search(r"日止$", t):  # 「…十一月十四日止」: until that day, the end alone
        t = t[:-1] if re.search(r"至|到", t) else "至" + t[:-1]
    two = re.fullmatch(f"({_FIGURE_DATE})({_FIGURE_DATE})", t)
    if two and _later_date(two.group(1), two.group(2)):
        return parse_date(two.group(2)), 0.1  # the start and the end, the 至 between them not read
    parts = re.split(r"至|到|—|--|-(?=\D)", t, maxsplit=1)
    if len(parts) == 1 and (
        t.startswith("自") or (parse_date(t) is not None and not re.search(r"长期|永久", t))
    ):
        return None  # 「(自)2011年8月23日」: the start only (its 至 is on the next row, not read)
    tail = parts[1] if len(parts) > 1 else t
    if OPEN_END_RE.search(tail):
        return "长期", 0.0
    d = parse_date(tail)
    if d is not None:
        return d, 0.0
    d = licence_date(tail)
    if d is not None:
        return d, 0.1
    return term_end_misread(parts[0] if len(parts) > 1 else "", tail)


_END_RE = re.compile(r"(?P<y>\d{4,5})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?")


def term_end_misread(start: str, tail: str) -> tuple[object, float] | None:
    """A term's end date as OCR misread it: its last 「日」 lost at the row's end, the registry's
    「9999年09月09日」 printed for no end, or a digit added to its year (「20419年」) — the year
    one digit fewer that ends a term of whole years counted in fives from its start.

    >>> term_end_misread("2010年01月29日", "2030年01月28")
    (datetime.date(2030, 1, 28), 0.1)
    >>> term_end_misread("2021年01月07日", "9999年09月09日")
    (datetime.date(9999, 9, 9), 0.0)
    >>> term_end_misread("2019年04月22日", "20419年04月21日")
    (datetime.date(2049, 4, 21), 0.3)
    >>> term_end_misread("2019年04月22日", "2041年13月21日") is None
    True
    """
    m = _END_RE.fullmatch(tail)
    if not m:
        return None
    y, mo, d = m.group("y"), int(m.group("m")), int(m.group("d"))
    try:
        if y == "9999":
            return dt.date(9999, mo, d), 0.0
        if len(y) == 4:
            return dt.date(int(y), mo, d), 0.1
        begun = parse_date(start)
        if begun is None:
            return None
        shorter = {int(y[:i] + y[i + 1 :]) for i in range(len(y))}
        years = {v for v in shorter if 0 < v - begun.year <= 100 and (v - begun.year) % 5 == 0}
        return (dt.date(years.pop(), mo, d), 0.3) if len(years) == 1 else None
    except ValueError:  # no such day
        return None


def _later_date(start: str, text: str) -> bool:
    """Whether ``text`` is only a date later than the date ``start`` (a term's end whose 至 was
    not read: 「2015年12月23日」 「2035年12月22日」).

    >>> _later_date("2015年12月23日", "2035年12月22日"), _later_date("2015年12月23日", "2015年12月23日")
    (True, False)
    """
    a, b = parse_date(L.norm(start)), parse_date(L.norm(text))
    return a is not None and b is not None and b > a and bool(re.fullmatch(_FIGURE_DATE, L.norm(text)))


def term_continued(sp: L.Span, pages: list[Page]) -> L.Span:
    """A term read as its start only whose 「至…」 is a box of its own to the right on the same
    row (「自二〇一四年二月二十五日」 「至（长期）」), or whose end is, its 至 not read."""
    last = sp.refs[-1]
    pool = list(L.iter_refs([last.page]))
    b = last.line.bbox
    if b is None:
        return sp
    nxt = next(iter(L.right_of(last, pool, max_gap=4 * (b[3] - b[1]))), None)
    if nxt is None or not (re.match(r"[至到]", L.norm(nxt.line.text)) or _later_date(sp.text, nxt.line.text)):
        return sp
    text = sp.text + nxt.line.text
    return L.Span(text, [*sp.refs, nxt], match=text, label=sp.label, how=sp.how)

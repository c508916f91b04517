"""Dates and periods as printed in Chinese documents → :class:`datetime.date`.

>>> parse_date("2023年3月1日")
datetime.date(2023, 3, 1)
>>> parse_date("二〇二三年三月一日").isoformat()
'2023-03-01'
>>> parse_period("自2023年3月1日起至2024年2月29日止")
(datetime.date(2023, 3, 1), datetime.date(2024, 2, 29))
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from extractor.normalize.money import _cn_integer
from extractor.normalize.names import map_span, nfkc_with_offsets

__all__ = ["find_dates", "parse_date", "parse_period"]

_CN_Y = "〇零○一二三四五六七八九"
_CN_MD = "一二三四五六七八九十廿卅〇零"
_TIME = r"(?:\s*T?\s*\d{1,2}\s*[:时]\s*\d{1,2}(?:\s*[:分]\s*\d{1,2}(?:\.\d+)?\s*秒?)?(?:\s*分)?)?"

_DATE_RE = re.compile(
    # 2023年3月1日 / 二〇二三年三月一日 / 2023 年 03 月 01 日
    # (a year in Chinese numerals whose 〇 OCR read as 0 or O: 二00九)
    rf"(?P<cy>(?<!\d)\d{{4}}|(?=[0O]*[{_CN_Y}])[{_CN_Y}0O]{{4}})\s*年\s*(?P<cm>\d{{1,2}}|[{_CN_MD}]{{1,3}})\s*月\s*"
    rf"(?P<cd>\d{{1,2}}|[{_CN_MD}]{{1,3}})\s*[日号]"
    # 2023-03-01 / 2023.3.1 / 2023/3/1 (same separator twice)
    r"|(?<![0-9A-Za-z.])(?P<sy>\d{4})\s*(?P<sep>[-./])\s*(?P<sm>\d{1,2})\s*(?P=sep)\s*(?P<sd>\d{1,2})(?![0-9])"
    r"(?!(?P=sep)\d)"
    # 20230301
    r"|(?<![0-9A-Za-z])(?P<ky>(?:19|20)\d{2})(?P<km>[01]\d)(?P<kd>[0-3]\d)(?![0-9A-Za-z])"
)


def _num(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    s = s.replace("廿", "二十").replace("卅", "三十")
    return _cn_integer(s)


def _make_date(y: str, m: str, d: str) -> date | None:
    yy, mm, dd = _num(y), _num(m), _num(d)
    if yy is None or mm is None or dd is None or not 1900 <= yy <= 2100:
        return None
    try:
        return date(yy, mm, dd)
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> date | None:
    if m.group("cy"):
        y = m.group("cy")
        if not y.isdigit():
            y = y.replace("0", "〇").replace("O", "〇")
        return _make_date(y, m.group("cm"), m.group("cd"))
    if m.group("sy"):
        return _make_date(m.group("sy"), m.group("sm"), m.group("sd"))
    return _make_date(m.group("ky"), m.group("km"), m.group("kd"))


def parse_date(text: str | None) -> date | None:
    """Parse a printed date; None for anything else, including impossible dates.

    A trailing time (10:22:33, 10时22分) is ignored. If the text carries a label
    (开票日期：...) and exactly one date, that date is returned.

    >>> parse_date("2023-03-01"), parse_date("2023.3.1"), parse_date("2023/3/1")
    (datetime.date(2023, 3, 1), datetime.date(2023, 3, 1), datetime.date(2023, 3, 1))
    >>> parse_date("20230301"), parse_date("2023年03月01日"), parse_date("２０２３年３月１日")
    (datetime.date(2023, 3, 1), datetime.date(2023, 3, 1), datetime.date(2023, 3, 1))
    >>> parse_date("2023-03-01 10:22:33"), parse_date("开票日期：2024年05月28日")
    (datetime.date(2023, 3, 1), datetime.date(2024, 5, 28))
    >>> parse_date("二〇二四年十二月三十一日"), parse_date("成立日期二00九年一月二十一日")   # 〇 read as 0
    (datetime.date(2024, 12, 31), datetime.date(2009, 1, 21))
    >>> parse_date("2023年2月30日"), parse_date("2023-13-01"), parse_date("12345678"), parse_date("")
    (None, None, None, None)
    """
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text).strip()
    m = _DATE_RE.match(s)
    if m and re.fullmatch(_TIME + r"\s*", s[m.end() :]):
        return _from_match(m)
    found = find_dates(s)
    if len(found) == 1:
        return found[0][0]
    return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """All valid dates in ``text`` as ``(date, start, end)`` with offsets into ``text``.

    Eight-digit dates (20230301) count only as a standalone token; invoice numbers
    and codes that merely contain digits are not dates.

    >>> find_dates("于2023年3月1日签订，有效期至2024.02.29，编号20230301。")
    [(datetime.date(2023, 3, 1), 1, 10), (datetime.date(2024, 2, 29), 17, 27), (datetime.date(2023, 3, 1), 30, 38)]
    >>> find_dates("发票号码24112000000048542163，代码033002000211，电话0595-28383879")
    []
    >>> find_dates("签订日期：2 0 2 3 年0 9 月1 2 日，至202 4 年7 月26 日")
    [(datetime.date(2023, 9, 12), 5, 24), (datetime.date(2024, 7, 26), 26, 40)]
    >>> find_dates("日期：2.022.7.15"), find_dates("版本 1.234.5.6.7")
    ([(datetime.date(2022, 7, 15), 3, 13)], [])
    """
    norm, origin = nfkc_with_offsets(text)
    out: list[tuple[date, int, int]] = []
    for m in _DATE_RE.finditer(norm):
        d = _from_match(m)
        if d is not None:
            start, end = map_span(origin, m.start(), m.end())
            out.append((d, start, end))
    # OCR puts blanks between the digits of a date (「2 0 2 3 年0 9 月1 2 日」)
    for m in _SPACED_DATE_RE.finditer(norm):
        if " " not in m.group(0) or any(s < m.end() and m.start() < e for _d, s, e in out):
            continue
        y, mo, dd = (int(re.sub(r"\s", "", g)) for g in m.groups())
        try:
            d = date(y, mo, dd)
        except ValueError:
            continue
        if 1900 <= y <= 2100:
            start, end = map_span(origin, m.start(), m.end())
            out.append((d, start, end))
    # a handwritten dotted date whose year OCR broke with a stray dot (「2.022.7.15」)
    for m in _BROKEN_YEAR_RE.finditer(norm):
        if any(s < m.end() and m.start() < e for _d, s, e in out):
            continue
        d = _make_date(m.group(1) + m.group(2), m.group(3), m.group(4))
        if d is not None:
            start, end = map_span(origin, m.start(), m.end())
            out.append((d, start, end))
    out.sort(key=lambda x: x[1])
    return out


_BROKEN_YEAR_RE = re.compile(r"(?<![0-9A-Za-z.])([12])\.(\d{3})\.(\d{1,2})\.(\d{1,2})(?![0-9.])")


_SPACED_DATE_RE = re.compile(r"(?<!\d)(\d ?\d ?\d ?\d) ?年 ?(\d ?\d?) ?月 ?(\d ?\d?) ?[日号]")


_PERIOD_SEP = re.compile(r"\s*(?:起)?\s*(?:至|到|-|~|—|–|－|―|〜|～)\s*")
_MONTH_DAY = re.compile(rf"(\d{{1,2}}|[{_CN_MD}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_CN_MD}]{{1,3}})\s*[日号]")


def parse_period(text: str | None) -> tuple[date, date] | None:
    """Parse a period "start 至 end" into ``(start, end)``; None if not a period.

    The end may omit its year (2023年1月1日至12月31日). The order is not checked:
    an end before the start is returned as printed so that callers can flag it.

    >>> parse_period("2023年1月1日至2023年12月31日")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_period("2023.01.01-2023.12.31")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_period("服务期限：2023年1月1日至12月31日")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_period("2023年1月1日") is None, parse_period("2023年1月1日和2023年5月1日") is None
    (True, True)
    """
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text)
    found = find_dates(s)
    if not found:
        return None
    d1, _, e1 = found[0]
    sep = _PERIOD_SEP.match(s, e1)
    if not sep or not sep.group(0).strip():
        return None
    if len(found) >= 2 and found[1][1] == sep.end():
        return d1, found[1][0]
    md = _MONTH_DAY.match(s, sep.end())
    if md:
        d2 = _make_date(str(d1.year), md.group(1), md.group(2))
        if d2 is not None:
            return d1, d2
    return None

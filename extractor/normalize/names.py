"""Names of companies and people: NFKC clean-up, matching keys, branch splitting.

Also home of :func:`nfkc_with_offsets`, the shared helper the ``find_*`` functions
use to search an NFKC-normalised copy of a text while reporting offsets into the
original text.

>>> normalize_name(" 泉州智算 科技有限公司（泉州） ：")
'泉州智算科技有限公司(泉州)'
>>> company_key("泉州智算科技有限责任公司")
'泉州智算科技有限公司'
>>> split_branch("中国移动通信集团四川有限公司成都分公司")
('中国移动通信集团四川有限公司', '成都分公司')
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["company_key", "nfkc_with_offsets", "normalize_name", "split_branch"]


def nfkc_with_offsets(text: str) -> tuple[str, list[int]]:
    """NFKC-normalise ``text`` character by character, keeping an offset map.

    Returns ``(normalised, origin)`` where ``origin[i]`` is the index in ``text`` of
    the character that produced ``normalised[i]``; ``origin`` has one extra final
    entry equal to ``len(text)`` so that an exclusive end offset maps too.

    >>> s, m = nfkc_with_offsets("￥３６万元")
    >>> s, m
    ('¥36万元', [0, 1, 2, 3, 4, 5])
    >>> s, m = nfkc_with_offsets("㈱A½")
    >>> s, m
    ('(株)A½', [0, 0, 0, 1, 2, 3])
    """
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text) + 1))
    parts = [ch if ch.isascii() else _nfkc_char(ch) for ch in text]
    norm = "".join(parts)
    if len(norm) == len(text):  # every character maps to exactly one character
        return norm, list(range(len(text) + 1))
    origin: list[int] = []
    for i, part in enumerate(parts):
        origin.extend([i] * len(part))
    origin.append(len(text))
    return norm, origin


@functools.lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    norm = unicodedata.normalize("NFKC", ch)
    # vulgar fractions (½ → 1⁄2) would put stray digits into amounts and names
    return ch if "\u2044" in norm else norm


def map_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a ``[start, end)`` span of the normalised text back to the original text.

    >>> s, m = nfkc_with_offsets("ａ㈱ｂ")
    >>> map_span(m, 1, 4)
    (1, 2)
    """
    if end <= start:
        o = origin[start]
        return o, o
    return origin[start], origin[end - 1] + 1


_WS = re.compile(r"\s+")
_EDGE_PUNCT = ":;,.、。，：；!?！？·"


@functools.lru_cache(maxsize=16384)  # the rules compare the same few names many times
def normalize_name(text: str) -> str:
    """NFKC-normalise a name, drop all whitespace, strip edge punctuation.

    Full-width brackets become ASCII ones (NFKC does this), 【】 and 〔〕 become
    ``[]`` and ``()``.

    >>> normalize_name("北京智算云科技 有限公司")
    '北京智算云科技有限公司'
    >>> normalize_name("致同会计师事务所（特殊普通合伙）。")
    '致同会计师事务所(特殊普通合伙)'
    >>> normalize_name("：　ＡＢＣ科技有限公司；")
    'ABC科技有限公司'
    >>> normalize_name("")
    ''
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = _WS.sub("", s)
    s = s.replace("【", "[").replace("】", "]").replace("〔", "(").replace("〕", ")")
    return s.strip(_EDGE_PUNCT)


@functools.lru_cache(maxsize=16384)
def company_key(name: str) -> str:
    """A conservative key for comparing company names printed in different documents.

    On top of :func:`normalize_name` it only
    - treats 有限责任公司 and 有限公司 as the same legal form (both are LLCs under the
      Company Law; printers abbreviate freely),
    - upper-cases Latin letters.

    It does NOT drop 股份 (a 股份有限公司 is a different legal form and usually a
    different registration), nor the branch part (use :func:`split_branch`), nor
    bracketed place names.

    >>> company_key("泉州智算科技有限责任公司") == company_key("泉州智算科技 有限公司")
    True
    >>> company_key("龙腾半导体股份有限公司") == company_key("龙腾半导体有限公司")
    False
    >>> company_key("abc（泉州）科技有限公司")
    'ABC(泉州)科技有限公司'
    """
    s = normalize_name(name)
    s = s.replace("有限责任公司", "有限公司")
    return s.upper()


_BRANCH_SUFFIX = r"(?:分公司|分行|支行|分理处|营业部|营业所|分所|办事处|分部|分中心|分院|分厂|分店)"
_PARENT_END = r"(?:公司|集团|银行|事务所(?:\([^()]*\))?|研究院|研究所)"
_BRANCH_RE = re.compile(rf"^(.+{_PARENT_END})(.+{_BRANCH_SUFFIX})$")


def split_branch(name: str) -> tuple[str, str | None]:
    """Split a branch name into (parent, branch); (name, None) when it is no branch.

    The input is normalised with :func:`normalize_name` first.

    >>> split_branch("中国工商银行股份有限公司泉州丰泽支行")
    ('中国工商银行股份有限公司', '泉州丰泽支行')
    >>> split_branch("招商银行泉州分行")
    ('招商银行', '泉州分行')
    >>> split_branch("致同会计师事务所（特殊普通合伙）福建分所")
    ('致同会计师事务所(特殊普通合伙)', '福建分所')
    >>> split_branch("北京智算云科技有限公司")
    ('北京智算云科技有限公司', None)
    >>> split_branch("国网福建省电力有限公司泉州供电公司")
    ('国网福建省电力有限公司泉州供电公司', None)
    """
    s = normalize_name(name)
    m = _BRANCH_RE.match(s)
    if not m:
        return s, None
    return m.group(1), m.group(2)


def complete_legal_form(name: str) -> str:
    """A company name whose last glyph was cut (page edge, a seal, a line end) completed when
    the cut is inside 公司: 「…有限公」/「…分公」 → 「…有限公司」/「…分公司」.

    >>> complete_legal_form("内蒙古广播电视网络集团有限公司根河分公"), complete_legal_form("泉州智算科技有限公")
    ('内蒙古广播电视网络集团有限公司根河分公司', '泉州智算科技有限公司')
    >>> complete_legal_form("泉州公"), complete_legal_form("泉州智算科技有限公司")
    ('泉州公', '泉州智算科技有限公司')
    """
    if len(name) >= 6 and re.search(r"(?:有限|责任|分|总)公$", name):
        return name + "司"
    return name

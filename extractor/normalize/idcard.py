"""居民身份证号 (GB 11643-1999) validation, finding and masking of personal data.

Validation is :mod:`stdnum.cn.ric` (birth date and check character).
:func:`mask_personal_data` hides every valid ID number and mobile number in a text,
for exports and logs.

>>> is_valid_id_number("11010519491231002X")
True
>>> mask_personal_data("身份证11010519491231002X，手机13812345678")
'身份证110105********002X，手机138****5678'
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import ric as _stdnum_ric

from extractor.normalize.names import map_span, nfkc_with_offsets
from extractor.normalize.phone import find_phones, is_mobile

__all__ = ["find_id_numbers", "is_valid_id_number", "mask_id_number", "mask_mobile", "mask_personal_data"]


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).upper()


def is_valid_id_number(s: str | None) -> bool:
    """True for an 18-character ID number with a valid birth date and check character.

    >>> is_valid_id_number("110105 19491231 002x"), is_valid_id_number("110105194912310021")
    (True, False)
    >>> is_valid_id_number("91110108690017781B"), is_valid_id_number(None)
    (False, False)
    """
    if not s:
        return False
    c = _compact(s)
    return len(c) == 18 and bool(_stdnum_ric.is_valid(c))


_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def find_id_numbers(text: str) -> list[tuple[str, int, int]]:
    """Valid ID numbers in ``text`` as ``(number, start, end)``; invalid 18-digit runs are skipped.

    >>> find_id_numbers("张三，身份证号：11010519491231002x；账号622202100112345678")
    [('11010519491231002X', 8, 26)]
    """
    norm, origin = nfkc_with_offsets(text)
    out: list[tuple[str, int, int]] = []
    for m in _ID_RE.finditer(norm):
        num = m.group(0).upper()
        if _stdnum_ric.is_valid(num):
            start, end = map_span(origin, m.start(), m.end())
            out.append((num, start, end))
    return out


def mask_id_number(s: str) -> str:
    """Keep the first 6 and last 4 characters of an ID number, mask the rest.

    >>> mask_id_number("11010519491231002X")
    '110105********002X'
    """
    c = _compact(s)
    if len(c) <= 10:
        return "*" * len(c)
    return c[:6] + "*" * (len(c) - 10) + c[-4:]


def mask_mobile(s: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number.

    >>> mask_mobile("138 1234 5678")
    '138****5678'
    """
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", s))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_personal_data(text: str) -> str:
    """Mask every valid ID number and every mobile number in ``text``.

    Landlines, credit codes and amounts are left alone.

    >>> mask_personal_data("法定代表人张三（11010519491231002X），电话0595-28383879，手机+86 138-1234-5678。")
    '法定代表人张三（110105********002X），电话0595-28383879，手机138****5678。'
    >>> mask_personal_data("代码91110108690017781B")
    '代码91110108690017781B'
    """
    spans: list[tuple[int, int, str]] = []
    for num, start, end in find_id_numbers(text):
        spans.append((start, end, mask_id_number(num)))
    for num, start, end in find_phones(text):
        if is_mobile(num) and not any(s < end and start < e for s, e, _ in spans):
            spans.append((start, end, mask_mobile(num)))
    out = text
    for start, end, repl in sorted(spans, reverse=True):
        out = out[:start] + repl + out[end:]
    return out

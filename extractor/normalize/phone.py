"""Telephone numbers (mainland China): mobiles, landlines with area code, 400/800.

>>> normalize_phone("+86 138-1234-5678")
'13812345678'
>>> normalize_phone("（0595）28383879")
'0595-28383879'
"""

from __future__ import annotations

import re
import unicodedata

from extractor.normalize.names import map_span, nfkc_with_offsets

__all__ = ["find_phones", "is_mobile", "normalize_phone"]

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"[48]00\d{7}")


def _area_len(digits: str) -> int:
    # 010 and 02x are the only 3-digit area codes (incl. the 0); all others have 4
    return 3 if digits[:2] in ("01", "02") else 4


def normalize_phone(text: str | None) -> str | None:
    """Normalise a phone number; None if it is not one.

    Mobiles become 11 digits; landlines ``AREA-LOCAL`` (an extension is kept as
    ``-EXT``); 400/800 numbers ``400-xxx-xxxx``; a bare 7/8-digit local number is
    returned as its digits.

    >>> normalize_phone("138 1234 5678"), normalize_phone("0086-13812345678")
    ('13812345678', '13812345678')
    >>> normalize_phone("0595-28383879"), normalize_phone("059528383879"), normalize_phone("010 6552 9988")
    ('0595-28383879', '0595-28383879', '010-65529988')
    >>> normalize_phone("0595-28383879转801"), normalize_phone("400-810-8888")
    ('0595-28383879-801', '400-810-8888')
    >>> normalize_phone("+86 595 2838 3879"), normalize_phone("86835555"), normalize_phone("8613812345678")
    ('0595-28383879', '86835555', '13812345678')
    >>> normalize_phone("12812345678") is None, normalize_phone("2023-03-01") is None
    (True, True)
    """
    if not text:
        return None
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"^(?:电话|手机|联系电话|Tel|TEL|Mobile)\s*[:]?\s*", "", s)
    ext = None
    m = re.search(r"(?:转|分机|ext\.?|EXT\.?|x)\s*(\d{1,6})$", s)
    if m:
        ext, s = m.group(1), s[: m.start()]
    # country code: +86 / 0086 always, a bare 86 only before a separator or a mobile
    cc = re.match(r"^(?:\(?\+\s*86\)?|0086|86(?=[\s\-])|86(?=1[3-9]\d{9}$))[\s\-]*", s)
    if cc:
        s = s[cc.end() :]
    if not re.fullmatch(r"[\d\s\-()]+", s):
        return None
    digits = re.sub(r"\D", "", s)
    if cc and digits[:1] in tuple("23456789") and len(digits) >= 9:
        digits = "0" + digits  # international form drops the trunk 0: +86 595 2838 3879
    if _MOBILE.fullmatch(digits):
        return digits if ext is None else None
    if _SERVICE.fullmatch(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if digits.startswith("0") and not digits.startswith("00"):
        n = _area_len(digits)
        local = digits[n:]
        if 7 <= len(local) <= 8 and local[0] not in "01":
            out = f"{digits[:n]}-{local}"
            return f"{out}-{ext}" if ext else out
        # a dashed extension: 0595-28383879-801
        parts = [p for p in re.split(r"[\s\-()]+", s) if p]
        if len(parts) == 3 and parts[0] == digits[:n] and 7 <= len(parts[1]) <= 8:
            return f"{parts[0]}-{parts[1]}-{parts[2]}"
        return None
    groups = tuple(len(p) for p in re.split(r"[\s\-()]+", s) if p)
    if 7 <= len(digits) <= 8 and digits[0] not in "01" and groups in ((7,), (8,), (3, 4), (4, 4)):
        return digits
    return None


def is_mobile(s: str | None) -> bool:
    """True for a mainland mobile number (after normalisation).

    >>> is_mobile("138-1234-5678"), is_mobile("0595-28383879"), is_mobile("")
    (True, False, False)
    """
    n = normalize_phone(s)
    return n is not None and bool(_MOBILE.fullmatch(n))


_FIND_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)?86[\s\-]?)?"
    r"(?:1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}"  # mobile
    r"|\(?0\d{2,3}\)?[\s\-]?[2-9]\d{2,3}[\s\-]?\d{4}(?:[\s\-]\d{1,5}(?![\d\-.]))?"  # landline
    r"|[48]00[\s\-]?\d{3}[\s\-]?\d{4})"  # service
    r"(?![0-9A-Za-z])"
)


def find_phones(text: str) -> list[tuple[str, int, int]]:
    """Phone numbers in running text as ``(normalised, start, end)`` (offsets into ``text``).

    >>> find_phones("联系人：张三，手机138 1234 5678，电话（0595）28383879。")
    [('13812345678', 9, 22), ('0595-28383879', 25, 39)]
    >>> find_phones("代码91460300MAA92DJN95，日期2023-03-01，账号6222021001123456789")
    []
    """
    norm, origin = nfkc_with_offsets(text)
    out: list[tuple[str, int, int]] = []
    for m in _FIND_RE.finditer(norm):
        n = normalize_phone(m.group(0))
        if n is None:
            continue
        start, end = map_span(origin, m.start(), m.end())
        out.append((n, start, end))
    return out

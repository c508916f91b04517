"""Normalisation of OCR (and other extracted) text before matching.

Readers keep ``Line.text`` exactly as printed / recognised; field extractors and
verifiers call :func:`normalize_ocr_text` when they compare or search text.
"""

from __future__ import annotations

import re
import unicodedata

# A chain of at least two tokens of ASCII digits / upper-case letters (no '.', '-' or
# lower case) separated by single blanks, starting with a digit: "9135 0503 MA2Y", "57948 81670 27402", "9 1 4 4 0 3 0 0 MA 5 H".
_CODE_CHAIN = re.compile(r"(?<![0-9A-Za-z.\-])[0-9][0-9A-Z]*(?: [0-9A-Z]+)+(?![0-9A-Za-z.\-])")
_YEN = str.maketrans({"￥": "¥"})
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def normalize_ocr_text(s: str) -> str:
    """Normalise recognised text for matching.

    NFKC (full-width digits, letters and punctuation become half-width), one yen
    sign (``¥``), blanks collapsed, and blanks removed inside digit runs and
    alphanumeric codes that OCR tends to split.

    >>> normalize_ocr_text("9135 0503 MA2Y")
    '91350503MA2Y'
    >>> normalize_ocr_text("统一社会信用代码 9 1 4 4 0 3 0 0 MA 5 H 3 E0")
    '统一社会信用代码 91440300MA5H3E0'
    >>> normalize_ocr_text("金额：￥１９３．００")
    '金额:¥193.00'
    >>> normalize_ocr_text("校验码 57948 81670 27402 09571")
    '校验码 57948816702740209571'
    >>> normalize_ocr_text("（小写）¥182.08  10.92")
    '(小写)¥182.08 10.92'
    >>> normalize_ocr_text("CZ8866 Y50 20K")
    'CZ8866 Y50 20K'
    >>> normalize_ocr_text("2025 年 11月07 日")
    '2025 年 11月07 日'
    """
    s = unicodedata.normalize("NFKC", s).translate(_YEN)
    s = _SPACES.sub(" ", s).strip()
    return _CODE_CHAIN.sub(lambda m: m.group(0).replace(" ", ""), s)


def one_glyph_apart(a: str, b: str) -> bool:
    """Whether two readings of one length differ in exactly one glyph (OCR misread one).

    >>> one_glyph_apart("中渥建设银行", "中国建设银行"), one_glyph_apart("中国建设银行", "中国建设银行")
    (True, False)
    >>> one_glyph_apart("钦南区", "坎北区"), one_glyph_apart("钦北区", "钦北区分")
    (False, False)
    """
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1

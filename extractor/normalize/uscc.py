"""统一社会信用代码 (USCC, GB 32100-2015) and tax ids: compact, validate, repair OCR confusions.

Validation is :mod:`stdnum.cn.uscc` (structure + mod-31 check character).
A code read by OCR often has letters in digit-only positions (O for 0, I for 1);
:func:`normalize_credit_code` repairs those, and one further common confusion, but
only returns a repaired code when the check character then validates.

>>> is_valid("91460300MAA92DJN95")
True
>>> normalize_credit_code("9146O3OOMAA92DJN95")
'91460300MAA92DJN95'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from stdnum.cn import ric as _stdnum_ric
from stdnum.cn import uscc as _stdnum_uscc

from extractor.normalize.names import map_span, nfkc_with_offsets

__all__ = ["compact", "find_credit_codes", "is_valid", "normalize_credit_code", "normalize_tax_id"]

_DIGITS = "0123456789"
# GB 32100 code alphabet: digits and upper-case letters except I, O, Z, S, V
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# OCR confusions: letter read for a digit, and digit read for a letter
_TO_DIGIT = {
    "O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1", "T": "7", "J": "1",
    "Z": "2", "S": "5", "B": "8", "G": "6", "A": "4",
}  # fmt: skip
_TO_LETTER = {"0": "DQ", "1": "LT", "2": "Z", "5": "", "8": "B", "6": "G", "4": "A", "7": "T"}
# characters of the alphabet OCR reads for one another (ring-bound scans: F for E, 3 for J;
# small print: N for H)
_LOOKALIKE = {"E": "F", "F": "E", "J": "3", "3": "J", "N": "H", "H": "N"}
# letters outside the alphabet that OCR produces for an alphabet letter
_FIX_LETTER = {"O": "0DQ", "I": "1L", "Z": "2", "S": "59", "V": "UY"}


def compact(code: str | None) -> str:
    """NFKC, drop spaces, dashes and dots, upper-case.

    >>> compact(" ９１４６ ０３００-maa92djn95 ")
    '91460300MAA92DJN95'
    """
    if not code:
        return ""
    s = unicodedata.normalize("NFKC", code)
    s = re.sub(r"[\s\-_.·:]+", "", s)
    return s.upper()


def is_valid(code: str | None) -> bool:
    """Check an 18-character USCC (structure and check character).

    >>> is_valid("91110108690017781B"), is_valid("91110108690017781C"), is_valid("")
    (True, False, False)
    """
    if not code:
        return False
    return bool(_stdnum_uscc.is_valid(compact(code)))


def _allowed(pos: int) -> str:
    # stdnum requires the first 8 characters to be digits (registration authority,
    # organisation type and 6-digit division code), the rest from the code alphabet.
    return _DIGITS if pos < 8 else _ALPHABET


def _options(pos: int, ch: str) -> tuple[list[str], bool]:
    """Candidate characters at ``pos`` and whether ``ch`` itself is impossible there."""
    allowed = _allowed(pos)
    if ch in allowed:
        alts = [ch]
        if pos < 8:
            return alts, False
        alts += [
            c for c in _TO_DIGIT.get(ch, "") + _TO_LETTER.get(ch, "") + _LOOKALIKE.get(ch, "") if c in allowed
        ]
        return alts, False
    repl = _TO_DIGIT.get(ch, "") if pos < 8 else _TO_DIGIT.get(ch, "") + _FIX_LETTER.get(ch, "")
    return [c for c in dict.fromkeys(repl) if c in allowed], True


def _repair(code: str, one_more: bool = True) -> str | None:
    """Repair an 18-character code; None unless exactly one minimal repair validates.

    Step 1 replaces characters impossible at their position; step 2 (``one_more``)
    also tries one confusion of a possible character (e.g. 8 read for B).
    """
    forced: list[list[str]] = []
    optional: list[tuple[int, str]] = []
    for pos, ch in enumerate(code):
        opts, impossible = _options(pos, ch)
        if impossible:
            if not opts:
                return None
            forced.append(opts)
        else:
            forced.append([ch])
            optional.extend((pos, c) for c in opts[1:])
    # 1a. each impossible character replaced by its most likely reading (O→0, I→1)
    first = "".join(opts[0] for opts in forced)
    if _stdnum_uscc.is_valid(first):
        return first
    # 1b. all readings of the impossible characters; accepted only if unambiguous
    n_combos = 1
    for opts in forced:
        n_combos *= len(opts)
    if n_combos > 256:
        return None
    bases = ["".join(p) for p in product(*forced)]
    hits = {b for b in bases if _stdnum_uscc.is_valid(b)}
    if len(hits) == 1:
        return hits.pop()
    if hits or not one_more:
        return None
    # 2. plus one confusion of a possible character
    hits = set()
    for b in bases:
        for pos, c in optional:
            cand = b[:pos] + c + b[pos + 1 :]
            if _stdnum_uscc.is_valid(cand):
                hits.add(cand)
    if len(hits) == 1:
        return hits.pop()
    return None


@lru_cache(maxsize=8192)  # verifiers ask for the same few codes thousands of times
def normalize_credit_code(text: str | None) -> str | None:
    """The 18-character credit code in ``text``, repaired if OCR confused characters.

    Returns the valid (possibly repaired) code; an 18-character string that cannot be
    repaired is returned compacted but unchanged (check with :func:`is_valid`);
    None when no 18-character candidate is present.

    >>> normalize_credit_code("9111 0108 6900 1778 1B")
    '91110108690017781B'
    >>> normalize_credit_code("91410821MA4485283F"), normalize_credit_code("91310120MA130Y455U")  # F for E, 3 for J
    ('91410821MA4485283E', '91310120MA1J0Y455U')
    >>> normalize_credit_code("91310115MA1N912685")  # N for H
    '91310115MA1H912685'
    >>> normalize_credit_code("统一社会信用代码：91460300MAA92DJN95")
    '91460300MAA92DJN95'
    >>> normalize_credit_code("9I11O1O869OO17781B")
    '91110108690017781B'
    >>> normalize_credit_code("92411102MASLUPTMSQ"), normalize_credit_code("92331002MA2D1C1D61")  # S for 9, 1 for T
    ('92411102MA9LUPTM9Q', '92331002MA2DTC1D61')
    >>> normalize_credit_code("91350503MA2Y3K6W8B")  # fails its check character, stays as printed
    '91350503MA2Y3K6W8B'
    >>> normalize_credit_code("12345") is None
    True
    """
    s = compact(text)
    if len(s) != 18:
        found = _CANDIDATE_RE.findall(s)
        if len(found) != 1:
            return None
        s = found[0]
    if _stdnum_uscc.is_valid(s):
        return s
    return _repair(s) or s


def normalize_tax_id(text: str | None) -> str | None:
    """纳税人识别号: an 18-character USCC, an old 15-digit id, or a 17/20-character id.

    Returns the compacted id (18-character ones repaired like credit codes), or None if
    the length fits none of these. Only the 18-character form has a check character;
    callers validate with :func:`is_valid`.

    >>> normalize_tax_id("91110108690017781b"), normalize_tax_id("350503123456789")
    ('91110108690017781B', '350503123456789')
    >>> normalize_tax_id("35050319800101123400"), normalize_tax_id("123") is None
    ('35050319800101123400', True)
    """
    s = compact(text)
    if len(s) == 18:
        return normalize_credit_code(s)
    if len(s) in (15, 17, 20) and re.fullmatch(r"[0-9A-Z]+", s):
        return s
    return None


_CANDIDATE_RE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")
_SPACED_RE = re.compile(r"(?<![0-9A-Z])(?:[0-9A-Z] ?){17}[0-9A-Z](?![0-9A-Z])")
_SHAPE_RE = re.compile(r"[0-9][0-9]\d{6}[0-9A-Z]{10}")


def find_credit_codes(text: str, valid_only: bool = False) -> list[tuple[str, int, int]]:
    """Credit codes in running text as ``(code, start, end)`` (offsets into ``text``).

    Each 18-character alphanumeric token is repaired like :func:`normalize_credit_code`.
    Valid codes are returned; with ``valid_only=False`` (default) an invalid token is
    returned too when it looks like a credit code (digits where digits belong and at
    least one letter) so that callers can report a wrong check character. Pure
    18-digit tokens that fail the check (bank accounts) and valid ID-card numbers are
    skipped.

    >>> find_credit_codes("买方：海南麒麟云服科技有限公司 91460300MAA92DJN95，卖方税号91110108690017781B")
    [('91460300MAA92DJN95', 16, 34), ('91110108690017781B', 39, 57)]
    >>> find_credit_codes("代码 91350503MA2Y3K6W8B"), find_credit_codes("代码 91350503MA2Y3K6W8B", valid_only=True)
    ([('91350503MA2Y3K6W8B', 3, 21)], [])
    >>> find_credit_codes("身份证 11010519491231002X 账号 622202100112345678")
    []
    >>> find_credit_codes("统一社会信用代码：91350 581MAG491 2 2 RQ")
    [('91350581MAG49122RQ', 9, 31)]
    """
    norm, origin = nfkc_with_offsets(text)
    upper = norm.upper()
    out: list[tuple[str, int, int]] = []
    for m in _CANDIDATE_RE.finditer(upper):
        raw = m.group(0)
        # in free text only impossible characters are repaired: one more substitution
        # could turn an unrelated 18-character number into a "valid" code
        code = raw if _stdnum_uscc.is_valid(raw) else _repair(raw, one_more=False)
        if code is None:
            if valid_only or raw.isdigit() or not _SHAPE_RE.fullmatch(raw) or _stdnum_ric.is_valid(raw):
                continue
            code = raw
        start, end = map_span(origin, m.start(), m.end())
        out.append((code, start, end))
    if not out:
        # OCR puts blanks inside long numbers (「91350 581MAG491 2 2 RQ」): a spaced token
        # counts only when its check character validates as printed (no repair)
        for m in _SPACED_RE.finditer(upper):
            code = re.sub(r"\s", "", m.group(0))
            if " " in m.group(0) and _stdnum_uscc.is_valid(code):
                start, end = map_span(origin, m.start(), m.end())
                out.append((code, start, end))
    return out

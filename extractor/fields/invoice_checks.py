"""Checks of an invoice's fields against each other: what one printed value says of another.

An invoice code is allocated by year (GB/T invoice codes: digits 5–6 of a 10-digit code, 6–7 of
a 12-digit one), so an invoice cannot be issued before its code's year; a year read earlier
than that is a misread digit (「2003年」 for 2023 on a small e-invoice scan).
"""

from __future__ import annotations

import datetime as dt

from models.contract import FieldValue

# an invoice is issued within a few years of its code's allocation (the corpus: 0–3 years)
ISSUE_WITHIN_YEARS = 3


def code_year(code: str) -> int | None:
    """The year an invoice code was allocated in.

    >>> code_year("012002200211"), code_year("4200163130"), code_year("133021835001")
    (2022, 2016, 2018)
    >>> code_year("15107165G001") is None, code_year("") is None
    (True, True)
    """
    if not code.isdigit():
        return None
    if len(code) == 10:
        return 2000 + int(code[4:6])
    if len(code) == 12:
        return 2000 + int(code[5:7])
    return None


def year_by_code(issued: dt.date, code: str) -> dt.date | None:
    """The issue date with its year mended when read earlier than the code's year: the one
    year one digit away that lies within ``ISSUE_WITHIN_YEARS`` of it (None: nothing to mend,
    or no single such year).

    >>> year_by_code(dt.date(2003, 5, 6), "012002200211")
    datetime.date(2023, 5, 6)
    >>> year_by_code(dt.date(2023, 5, 6), "012002200211") is None   # a year the code allows
    True
    >>> year_by_code(dt.date(2011, 5, 6), "012002200211") is None   # no year one digit away
    True
    """
    year = code_year(code)
    if year is None or issued.year >= year:
        return None
    read = f"{issued.year:04d}"
    one_off = {int(read[:i] + d + read[i + 1 :]) for i in range(4) for d in "0123456789" if d != read[i]}
    near = {v for v in one_off if year <= v <= year + ISSUE_WITHIN_YEARS}
    if len(near) != 1:
        return None
    try:
        return issued.replace(year=near.pop())
    except ValueError:  # 29 February
        return None


def mend_issue_year(out: dict[str, FieldValue]) -> None:
    """An OCR-read issue date earlier than its invoice code's year, mended (lower confidence)."""
    date, code = out.get("issue_date"), out.get("invoice_code")
    if date is None or code is None or date.method != "ocr" or not isinstance(date.value, dt.date):
        return
    mended = year_by_code(date.value, str(code.value))
    if mended is not None:
        out["issue_date"] = date.model_copy(update={"value": mended, "confidence": min(date.confidence, 0.6)})

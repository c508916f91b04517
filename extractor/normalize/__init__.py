"""Normalisers: pure functions from printed text to the contract's value formats.

Each kind follows the python-stdnum pattern compact → validate → format:

- money: :func:`parse_money`, :func:`format_money`, :func:`amount_in_words`,
  :func:`words_match`, :func:`find_money`, :func:`round_money` (the one rounding rule: half-up to 0.01)
- dates: :func:`parse_date`, :func:`find_dates`, :func:`parse_period`
- credit codes / tax ids: :func:`compact_code`, :func:`is_valid_credit_code`,
  :func:`normalize_credit_code`, :func:`normalize_tax_id`, :func:`find_credit_codes`
- names: :func:`normalize_name`, :func:`company_key`, :func:`split_branch`
- phones: :func:`normalize_phone`, :func:`is_mobile`, :func:`find_phones`
- administrative divisions (GB/T 2260): :mod:`extractor.normalize.region` (``compact``,
  ``validate``, ``format``, ``resolve(address)``, ``locality(code, region_codes)``)
- ID numbers / personal data: :func:`is_valid_id_number`, :func:`find_id_numbers`,
  :func:`mask_id_number`, :func:`mask_mobile`, :func:`mask_personal_data`

``find_*`` functions return ``(value, start, end)`` tuples with offsets into the text
they were given (they search an NFKC copy internally).

>>> format_money(parse_money("叁拾陆万元整"))
'360000.00'
>>> parse_date("2023年3月1日").isoformat()
'2023-03-01'
"""

from extractor.normalize import uscc
from extractor.normalize.dates import find_dates, parse_date, parse_period
from extractor.normalize.idcard import (
    find_id_numbers,
    is_valid_id_number,
    mask_id_number,
    mask_mobile,
    mask_personal_data,
)
from extractor.normalize.money import (
    amount_in_words,
    find_money,
    format_money,
    parse_money,
    round_money,
    words_match,
)
from extractor.normalize.names import (
    company_key,
    complete_legal_form,
    map_span,
    nfkc_with_offsets,
    normalize_name,
    split_branch,
)
from extractor.normalize.phone import find_phones, is_mobile, normalize_phone
from extractor.normalize.uscc import find_credit_codes, normalize_credit_code, normalize_tax_id

compact_code = uscc.compact
is_valid_credit_code = uscc.is_valid

__all__ = [
    "amount_in_words",
    "compact_code",
    "company_key",
    "complete_legal_form",
    "find_credit_codes",
    "find_dates",
    "find_id_numbers",
    "find_money",
    "find_phones",
    "format_money",
    "is_mobile",
    "is_valid_credit_code",
    "is_valid_id_number",
    "map_span",
    "mask_id_number",
    "mask_mobile",
    "mask_personal_data",
    "nfkc_with_offsets",
    "normalize_credit_code",
    "normalize_name",
    "normalize_phone",
    "normalize_tax_id",
    "parse_date",
    "parse_money",
    "parse_period",
    "round_money",
    "split_branch",
    "uscc",
    "words_match",
]

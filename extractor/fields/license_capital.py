"""A licence's registered capital (注册资本 / 出资额): an amount in figures or in words, with the
look-alikes small photos' OCR reads for its glyphs restored."""

from __future__ import annotations

import re

import extractor.fields.layout as L
from extractor.normalize.money import parse_money
from models.contract import FieldValue
from models.page import Page


def licence_capital(text: str):
    """The registered capital, with 圆 restored where a small photo's OCR read a look-alike
    (周, 園, 园, 图) between the amount's words and 整,

    >>> licence_capital("壹亿周整"), licence_capital("伍佰万园整"), licence_capital("100万元人民币"), licence_capital("壹佰万图整")
    (Decimal('100000000.00'), Decimal('5000000.00'), Decimal('1000000.00'), Decimal('1000000.00'))

    and 佰 read as 伯 after a numeral (「人民币壹伯万元」):

    >>> licence_capital("人民币壹伯万元")
    Decimal('1000000.00')
    """
    t = re.sub(r"(?<=[壹贰叁肆伍陆柒捌玖])伯", "佰", L.norm(text))
    return parse_money(re.sub(r"(?<=[亿万仟佰拾])[周園园图](?=整|$)", "圆", t))


# a line that is only an amount of money (「82000万元」, 「人民币伍佰万元整」)
_AMOUNT_ONLY_RE = re.compile(
    r"(?:人民币)?(?:[\d.,，]+\s*万?元|[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[元圆](?:整)?)(?:人民币)?(?:整)?"
)


def unlabelled_capital(pages: list[Page], out: dict[str, FieldValue]) -> None:
    """The registered capital when its 注册资本 label was not read: the one line on the licence
    that is only an amount of money (an old layout's 实收资本 is a second one: then nothing)."""
    found = [
        (ref, v)
        for ref in L.iter_refs(pages)
        if _AMOUNT_ONLY_RE.fullmatch(L.norm(ref.line.text))
        and (v := licence_capital(ref.line.text)) is not None
    ]
    if len({v for _ref, v in found}) == 1:
        ref, v = found[0]
        out["registered_capital"] = L.make_field(v, ref, confidence_penalty=0.2)

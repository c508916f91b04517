"""The 类型 line of a business licence: the legal forms it may print (a closed vocabulary),
their glyphs restored where OCR misread one, and a name cut inside its legal form completed
from it."""

from __future__ import annotations

import re

from extractor.normalize import normalize_name

# the legal form printed on the 类型 line (有限责任公司(自然人投资或控股), 个体工商户 …): a
# value of this shape is the company's type, never its name
COMPANY_TYPE_RE = re.compile(
    r"^(?:其他)?(?:一人)?(?:有限责任公司|股份有限公司|个体工商户|个人独资企业|(?:特殊)?普通合伙企业|有限合伙企业|"
    r"全民所有制|集体所有制|股份合作制|农民专业合作社|外商投资企业|内资企业|港澳台)[^\u4e00-\u9fa5]*"
    r"(?:[(（][^()（）]*[)）])?(?:分公司|分支机构)?$"
)

# a legal form that no company name ends with: a line of only this is the 类型 value
ONLY_TYPE_RE = re.compile(
    r"(?:有限责任公司|股份有限公司)[(（][^()（）]{2,20}[)）]|个体工商户|个人独资企业|农民专业合作社|(?:特殊)?普通合伙企业"
)


def repair_type(t: str) -> str:
    """The type line with a glyph OCR drops on a watermark restored (一 of 一人有限责任公司),
    and without the label's last glyph OCR glued to it (型 of a letter-spaced 类 型).

    >>> repair_type("人有限责任公司(自然人独资)"), repair_type("有限责任公司(自然人独资)")
    ('一人有限责任公司(自然人独资)', '有限责任公司(自然人独资)')
    >>> repair_type("型有限责任公司(自然人独资)"), repair_type("责任公司(自然人投资或控股)")
    ('有限责任公司(自然人独资)', '有限责任公司(自然人投资或控股)')

    A legal form is a closed set of words: one glyph misread in it is restored.

    >>> repair_type("有限资任公司(自然人投资或控股)"), repair_type("股份有限公同")
    ('有限责任公司(自然人投资或控股)', '股份有限公司')

    A round bracket read as 《 (a type line holds no book title):

    >>> repair_type("有限责任公司《自然人投资或控股的法人独资)")
    '有限责任公司(自然人投资或控股的法人独资)'
    """
    if "《" in t and "》" not in t:
        t = t.replace("《", "(")
    if t.startswith("型") and COMPANY_TYPE_RE.match(normalize_name(t[1:])):
        t = t[1:]
    if t.startswith("责任公司"):
        t = "有限" + t  # 有限 lost under a seal or a fold
    t = _legal_form_glyphs(t)
    return "一" + t if t.startswith("人有限责任公司") else t


# legal forms that start a 类型 line (COMPANY_TYPE_RE), longest first
_LEGAL_FORMS = (
    "个人独资企业",
    "普通合伙企业",
    "有限合伙企业",
    "有限责任公司",
    "股份有限公司",
    "农民专业合作社",
    "个体工商户",
)


def _legal_form_glyphs(t: str) -> str:
    """``t`` with one misread glyph of the legal form it starts with restored, when the
    whole line then has the shape of a type (COMPANY_TYPE_RE) and did not before."""
    if COMPANY_TYPE_RE.match(normalize_name(t)):
        return t
    for form in _LEGAL_FORMS:
        head = t[: len(form)]
        if len(head) == len(form) and sum(a != b for a, b in zip(head, form, strict=True)) == 1:
            fixed = form + t[len(form) :]
            if COMPANY_TYPE_RE.match(normalize_name(fixed)):
                return fixed
    return t


def complete_name(name: str, ctype: str | None) -> str:
    """A company name cut inside its legal form (a seal or a fold over 限公司) completed from
    the type line: a 有限责任公司 / 股份有限公司 is named …有限公司 / …股份有限公司.

    >>> complete_name("北京律行天下科技有", "有限责任公司(自然人独资)")
    '北京律行天下科技有限公司'
    >>> complete_name("泉州智算科技有限", "有限责任公司"), complete_name("泉州智算科技", "有限责任公司")
    ('泉州智算科技有限公司', '泉州智算科技')

    「有限公」 can only end 「有限公司」, type or not (the type line may be hidden as well):

    >>> complete_name("山西泽佑达智控科技有限公", None)
    '山西泽佑达智控科技有限公司'
    """
    if name.endswith("有限公") and len(name) > 6:
        return name + "司"
    if not ctype or not re.search(r"有限责任公司|股份有限公司", ctype):
        return name
    for cut in ("有限公", "有限", "有"):
        if name.endswith(cut) and len(name) > len(cut) + 3:
            return name[: -len(cut)] + "有限公司"
    return name

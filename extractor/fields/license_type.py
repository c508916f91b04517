"""The 类型 line of a business licence: the legal forms it may print (a closed vocabulary),
their glyphs restored where OCR misread one, and a name cut inside its legal form completed
from it."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

import extractor.fields.layout as L
from extractor.normalize import complete_legal_form, normalize_name
from extractor.textnorm import one_glyph_apart
from models.contract import FieldValue
from models.page import Page

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

    What the brackets hold is a closed set of words too (自然人独资, 法人独资 …): one glyph
    misread in it is restored, and a closing bracket lost at the line's end is put back:

    >>> repair_type("有限责任公司(法人报资)"), repair_type("有限责任公司(自然人投资或控股")
    ('有限责任公司(法人独资)', '有限责任公司(自然人投资或控股)')
    >>> repair_type("有限责任公司(台港澳法人独资)")   # in the set: kept
    '有限责任公司(台港澳法人独资)'

    One glyph lost or added in them is restored too, and an opening bracket lost:

    >>> repair_type("股份有限公司(中外合资上市)"), repair_type("有限责任公司(国内合资")
    ('股份有限公司(中外合资、上市)', '有限责任公司(国内合资)')
    >>> repair_type("有限责任公司非自然人投资或控股的法人独资)")
    '有限责任公司(非自然人投资或控股的法人独资)'

    A mark read before the type is no part of it:

    >>> repair_type("☑有限责任公司")
    '有限责任公司'

    Square brackets on a type line are 【】 read as ASCII (「法人商事主体【有限责任公司…】」):

    >>> repair_type("法人商事主体[有限责任公司(自然人投资或控股)]")
    '法人商事主体【有限责任公司(自然人投资或控股)】'
    """
    t = re.sub(r"^[^\u4e00-\u9fa5\[【(（]+", "", t)  # a mark OCR read before it (「☑有限责任公司」)
    if "《" in t and "》" not in t:
        t = t.replace("《", "(")
    t = t.replace("[", "【").replace("]", "】")
    t = _ownership_glyphs(_open_bracket_lost(t))
    if t.startswith("型") and COMPANY_TYPE_RE.match(normalize_name(t[1:])):
        t = t[1:]
    if t.startswith("责任公司"):
        t = "有限" + t  # 有限 lost under a seal or a fold
    t = _legal_form_glyphs(t)
    t = _without_text_after_owners(t)
    return "一" + t if t.startswith("人有限责任公司") else t


# a legal form and its owners in brackets, then glyphs that are no part of a type (a seal's
# name read into the line: 「有限责任公司(自然人投资或控股)西如高电气有限公司」)
_AFTER_OWNERS_RE = re.compile(
    r"^(?P<type>.*?(?:公司|企业)[(（][^()（）]{2,24}[)）])(?P<rest>[\u4e00-\u9fa5].*)$"
)


def _without_text_after_owners(t: str) -> str:
    """The type without what follows its owners' bracket, where that is a name's glyphs and
    not a branch's words (「…(自然人投资或控股)分公司」 keeps them).

    >>> _without_text_after_owners("有限责任公司(自然人投资或控股)西如高电气有限公司")
    '有限责任公司(自然人投资或控股)'
    >>> _without_text_after_owners("有限责任公司(自然人投资或控股)分公司")
    '有限责任公司(自然人投资或控股)分公司'
    """
    m = _AFTER_OWNERS_RE.match(t)
    if m is None or re.match(r"分公司|分支机构|分店|非法人", m.group("rest")):
        return t
    return m.group("type")


# what a 类型 line's brackets say of the owners (有限责任公司(自然人独资) …)
_OWNERSHIPS = (
    "自然人独资", "自然人投资或控股", "法人独资", "非自然人投资或控股的法人独资",
    "自然人投资或控股的法人独资", "国有独资", "国有控股", "外商投资", "外商独资", "外国法人独资",
    "中外合资", "中外合作", "台港澳法人独资", "台港澳自然人独资", "台港澳与境内合资",
    "台港澳与境内合作", "台港澳投资", "港澳台投资", "港澳台自然人独资", "港澳台法人独资",
    "外商投资企业法人独资", "外商投资企业投资",
    "非上市", "上市", "非上市、自然人投资或控股", "非上市、国有控股", "上市、国有控股",
    "上市、自然人投资或控股", "国内合资", "外商投资、非独资", "外国自然人独资", "外商投资企业与内资合资",
    "外商投资企业合资", "台港澳与外国投资者合资", "港澳台投资、非独资", "台港澳投资、非独资",
    "中外合资、上市", "中外合资、未上市", "外商投资、上市", "外商投资、未上市",
    "台港澳与境内合资、上市", "台港澳与境内合资、未上市",
)  # fmt: skip
# words this short are one edit from each other (上市, 非上市): only read whole
_FUZZY_MIN_LEN = 4
# words this long are two edits or more from every other word of the set
_TWO_EDITS_MIN_LEN = 7
_BRACKETED = re.compile(r"(?P<head>.*?[(（])(?P<words>[^()（）]+)(?P<close>[)）]?)(?P<tail>.*)$")


def _ownership_glyphs(t: str) -> str:
    """``t`` with one misread glyph of its bracketed owners' words restored (only when a single
    word of the set is one glyph away), and the bracket closed when the line ends inside it."""
    m = _BRACKETED.match(t)
    if not m:
        return t
    words = _ownership(m.group("words"))
    if words is None:
        return t
    close = m.group("close") or ("" if m.group("tail") else ")")
    return m.group("head") + words + close + m.group("tail")


def _ownership(words: str) -> str | None:
    """The owners' words of the set that ``words`` reads as: itself, or the one word one edit
    away (a glyph misread, lost or added: 「法人报资」, 「中外合资上市」 with its 、 lost).

    >>> _ownership("中外合资上市"), _ownership("法人报资"), _ownership("国内合资")
    ('中外合资、上市', '法人独资', '国内合资')
    >>> _ownership("韭上市") is None, _ownership("自然人") is None
    (True, True)
    >>> _ownership("自然人价或控股"), _ownership("法人投资独资") is None
    ('自然人投资或控股', True)
    """
    if words in _OWNERSHIPS:
        return words
    if len(words) < _FUZZY_MIN_LEN - 1:
        return None
    # a long word survives two glyphs misread (「自然人价或控股」: 投资 read as one glyph)
    for edits in (1, 2) if len(words) >= _TWO_EDITS_MIN_LEN else (1,):
        near = [
            w for w in _OWNERSHIPS if len(w) >= _FUZZY_MIN_LEN and Levenshtein.distance(w, words) == edits
        ]
        if near:
            return near[0] if len(near) == 1 else None
    return None


def _open_bracket_lost(t: str) -> str:
    """A type line whose opening bracket OCR lost (「有限责任公司非自然人投资或控股的法人独资)」):
    the legal form, then owners' words of the set closed by a bracket.

    >>> _open_bracket_lost("有限责任公司非自然人投资或控股的法人独资)")
    '有限责任公司(非自然人投资或控股的法人独资)'
    >>> _open_bracket_lost("有限责任公司分公司")
    '有限责任公司分公司'
    """
    for form in _LEGAL_FORMS:
        m = re.fullmatch(re.escape(form) + r"([^()（）]+)[)）]", t)
        if m and _ownership(m.group(1)):
            return f"{form}({m.group(1)})"
    return t


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
        if one_glyph_apart(head, form):
            fixed = form + t[len(form) :]
            if COMPANY_TYPE_RE.match(normalize_name(fixed)):
                return fixed
    return t


# 有限公司 with one glyph read as a look-alike (限 as 很/根/阻…, 司 as 可/同/问)
_LOOKALIKE_FORM_RE = re.compile(r"有[很恨狠根跟眼银垠阻]公司$|有限公[可同问]$")


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

    No name ends with 「有限」 either: it is cut before 公司 (the usual name of both legal forms):

    >>> complete_name("山西泽佑达智控科技有限", None)
    '山西泽佑达智控科技有限公司'

    A branch's name cut inside 分公司 too (:func:`extractor.normalize.complete_legal_form`):

    >>> complete_name("广西南宁维通运输有限责任公司宾阳分公", None)
    '广西南宁维通运输有限责任公司宾阳分公司'

    A glyph of 有限公司 read as a look-alike (ue-021: 「有很公司」):

    >>> complete_name("长安融资租赁(深圳)有很公司", None), complete_name("泉州智算科技有限公可", None)
    ('长安融资租赁(深圳)有限公司', '泉州智算科技有限公司')
    """
    name = _LOOKALIKE_FORM_RE.sub("有限公司", name)  # 「…有很公司」: a glyph of 有限公司 misread
    done = complete_legal_form(name)  # 「…有限公」/「…分公」: the cut is inside 公司
    if done != name:
        return done
    if name.endswith("有限") and len(name) > 6:
        return name + "公司"
    if not ctype or not re.search(r"有限责任公司|股份有限公司", ctype):
        return name
    for cut in ("有限公", "有限", "有"):
        if name.endswith(cut) and len(name) > len(cut) + 3:
            return name[: -len(cut)] + "有限公司"
    return name


# what may follow a company's legal form inside its name: a branch or unit of it
# (「…股份有限公司泉州分公司」, 「…有限公司营业部」) or a place in brackets
_UNIT_TAIL_RE = re.compile(
    r"(?:分公司|公司|分店|分厂|分部|分所|分行|支行|营业部|营业所|办事处|经营部|门市部|服务部|分中心|中心|"
    r"研究院|研究所|店|厂|站|处|部|所)$|^[（(][^（）()]{2,10}[)）]$"
)
_LEGAL_FORM_HEAD_RE = re.compile(r"^(?P<head>.{2,}?(?:股份有限公司|有限责任公司|有限公司))(?P<tail>.+)$")


def without_noise_after_form(name: str) -> str:
    """A name read with glyphs run on after its legal form that name no unit of it (a stamp's
    or a watermark's glyphs on the same line): cut at the legal form.

    >>> without_noise_after_form("武汉力源信息技术股份有限公司科优商心办业之司")
    '武汉力源信息技术股份有限公司'
    >>> without_noise_after_form("广西南宁维通运输有限责任公司宾阳分公司")
    '广西南宁维通运输有限责任公司宾阳分公司'
    >>> without_noise_after_form("中国电信股份有限公司泉州分公司营业部"), without_noise_after_form("泉州智算科技有限公司")
    ('中国电信股份有限公司泉州分公司营业部', '泉州智算科技有限公司')
    """
    m = _LEGAL_FORM_HEAD_RE.match(name)
    if m is None or _UNIT_TAIL_RE.search(m.group("tail")):
        return name
    return m.group("head")


def unlabelled_type(pages: list[Page], out: dict[str, FieldValue]) -> str | None:
    """The type when its 类型 label was not read: a line that is only a legal form no name can
    end with (「有限责任公司(自然人投资或控股)」, not a bare 「股份有限公司」 that may be a
    wrapped name's tail: :func:`type_under_name` decides that one by the name above it)."""
    for ref in L.iter_refs(pages):
        t = normalize_name(ref.line.text)
        if ONLY_TYPE_RE.fullmatch(t):
            out["company_type"] = L.make_field(repair_type(t), ref, confidence_penalty=0.15)
            return str(out["company_type"].value)
    # a 个体工商户's own form is titled so (「个体工商户营业执照」) and prints no 类型 row
    for ref in L.iter_refs(pages):
        if normalize_name(ref.line.text) == "个体工商户营业执照":
            out["company_type"] = L.make_field("个体工商户", ref, confidence_penalty=0.15)
            return "个体工商户"
    return None


# a legal form printed bare, as a name may end: the type only where no name can continue on it
_BARE_FORM_RE = re.compile(r"有限责任公司|股份有限公司")


def type_under_name(name_sp: L.Span, name: str) -> L.Ref | None:
    """The 类型 value whose label was lost, printed bare (「有限责任公司」): the line of only a legal
    form right under a name that is complete (it ends 公司, so the line cannot be its tail) and
    starting where the name starts (the form's value column), within four rows of it."""
    nb = name_sp.bbox
    if nb is None or not name_sp.refs or not name.endswith("公司"):
        return None
    h = nb[3] - nb[1]
    for ref in L.iter_refs([name_sp.refs[0].page]):
        b = ref.line.bbox
        if b is None or ref in name_sp.refs or not _BARE_FORM_RE.fullmatch(normalize_name(ref.line.text)):
            continue
        if 0 <= b[1] - nb[3] <= 4 * h and abs(b[0] - nb[0]) <= 1.5 * h:
            return ref
    return None

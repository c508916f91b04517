"""Business licence (营业执照) fields: electronic prints, scans and photos.

Labels are letter-spaced on licences (``名      称``); OCR often splits them into two
boxes (``名`` + ``称 湖北省…``) — :func:`extractor.fields.layout.find_labels` joins those.
Values sit right of their label (both the 2016 and the 2019+ layouts have two label
columns); 经营范围 runs over several lines below its first one; the credit code is
printed right of or under its label, and is repaired with
:func:`extractor.normalize.normalize_credit_code` only when the check character then
validates.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from stdnum.cn import uscc as _stdnum_uscc

import extractor.fields.layout as L
from extractor.fields.license_address import (
    cleaned_address,
    foreign_rows,
    unlabelled_address,
    unlabelled_rows,
    with_code_divisions,
)
from extractor.fields.license_authority import (
    AUTHORITY_RE,
    FRAGMENT_RE,
    ORGAN_RE,
    authority_by_candidates,
    authority_candidates,
    authority_from_seal,
    in_inspection_stamp,
    one_glyph_fixed,
)
from extractor.fields.license_capital import licence_capital, unlabelled_capital
from extractor.fields.license_places import fragment_place
from extractor.fields.license_qr import apply_qr, names_another, qr_identity, qr_record
from extractor.fields.license_term import licence_date, term_continued, term_end
from extractor.fields.license_type import (
    COMPANY_TYPE_RE,
    complete_name,
    repair_type,
    type_under_name,
    unlabelled_type,
    without_noise_after_form,
)
from extractor.fields.ring_lattice import best_name
from extractor.normalize import (
    find_credit_codes,
    normalize_credit_code,
    normalize_name,
    parse_date,
    parse_money,
    uscc,
)
from extractor.normalize.scope import (
    drop_microprint,
    fix_closing_clause,
    fix_confusable_glyphs,
    fix_list_commas,
    fix_ocr_separators,
    match_bracket_widths,
    restore_clause_glyphs,
    strip_trailing_noise,
)
from models.contract import FieldValue
from models.page import Page, Seal

LABELS: dict[str, list[str]] = {
    "company_name": ["名称", "企业名称", "名 称"],
    # 经济性质: an old licence's type row (「经济性质 个人独资企业」)
    "company_type": ["类型", "企业类型", "主体类型", "经济性质"],
    # 个体工商户: 类型 个体工商户 / 组成形式 个人经营 — 类型 is the company type, 组成形式 only
    # stands in when no 类型 is read
    "company_form": ["组成形式"],
    "legal_representative": [
        "法定代表人姓名",
        "法定代表人",
        "负责人",
        "经营者",
        "执行事务合伙人",
        "投资人",
        "法人代表",
    ],
    "registered_capital": ["注册资本", "注册资金", "出资额", "出资总额"],
    # 原发照日期: an old 个体工商户 licence dates the business by its first licence
    "established_date": ["成立日期", "注册日期", "设立日期", "原发照日期"],
    "business_term": ["营业期限", "经营期限", "合伙期限", "执照有效期"],
    "address": ["住所", "经营场所", "主要经营场所", "营业场所", "企业住所"],
    "business_scope": ["经营范围及方式", "经营范围", "业务范围"],  # 及方式: an old 个体工商户 licence
    "registration_authority": ["登记机关", "发照机关"],
    "credit_code": ["统一社会信用代码", "社会信用代码", "注册号", "信用代码"],
}
ALL_LABELS = [lab for labs in LABELS.values() for lab in labs]
STOPS = [
    "名称",
    "类型",
    "法定代表人",
    "注册资本",
    "成立日期",
    "营业期限",
    "住所",
    "经营范围",
    "登记机关",
    "统一社会信用代码",
    "负责人",
    "经营者",
    "经营场所",
]
CODE_RE = re.compile(r"[0-9A-Z]{18}|\d{15}")


def _stops_except(key: str) -> list[str]:
    own = set(LABELS[key])
    return [s for s in STOPS if s not in own]


_LABELS_LONGEST_FIRST = sorted({lab.replace(" ", "") for lab in ALL_LABELS}, key=len, reverse=True)


def only_labels(t: str) -> bool:
    """Whether a value read beside a label is only label words (the next label, or its own
    label read again where the value itself is blurred): no value.

    >>> only_labels("经营场所"), only_labels("经营范围："), only_labels("经营场所 住所")
    (True, True, True)
    >>> only_labels("泉州市丰泽区东海街道"), only_labels("")
    (False, False)
    """
    n = re.sub(r"[\s\W_]+", "", t)
    if not n:
        return False
    for lab in _LABELS_LONGEST_FIRST:
        n = n.replace(lab, "")
    return not n


# what an address names: a place, a street, a building, a number
_ADDRESS_WORD_RE = re.compile(r"[省市区县镇乡村路街道巷弄号室楼幢栋层园场厦苑里]|\d")


def _valid_address(t: str) -> bool:
    """An address, not the rest of a notice sentence that holds the word 住所 (「正本应当置于住所的
    醒目位置」), a label or a page of run-together text.

    >>> _valid_address("东丽区津塘公路务本一村"), _valid_address("的醒目位置"), _valid_address("经营场所")
    (True, False, False)
    >>> _valid_address("4.《企业法人营业执照》不得伪造、涂改、出租、出借、转让。")
    False
    """
    n = normalize_name(t)
    return (
        4 <= len(n) <= 90
        and bool(_ADDRESS_WORD_RE.search(n))
        and not only_labels(t)
        # a numbered notice line (「4.《企业法人营业执照》不得伪造…」) below such a sentence
        and not re.search(r"[《》]|^\d{1,2}[.、．]\D", n)
    )


def _valid_name(t: str) -> bool:
    n = normalize_name(t)
    return len(n) >= 2 and not re.fullmatch(r"[\d\W_A-Za-z]+", n)


def _valid_type(t: str) -> bool:
    """A 类型 / 组成形式 value names a legal form, never a place: an address on the next row
    is not the type a seal or a watermark hid.

    >>> _valid_type("有限责任公司(自然人独资)"), _valid_type("个人经营"), _valid_type("北京市房山区长阳镇225号")
    (True, True, False)

    It is judged as :func:`repair_type` restores it (a glyph of 公司 misread: 「有限责任公可(…)」):

    >>> _valid_type("有限责任公可(自然人投资或控股)"), _valid_type("有限责任会司（自然人投资或控股)")
    (True, True)
    """
    n = repair_type(normalize_name(t))
    return (
        _valid_name(t)
        and bool(
            re.search(r"公司|企业|个体|合伙|独资|全民|集体|外商|外资|港澳台|分支机构|合作社|经营|联营", n)
        )
        and not re.search(r"\d+号|[路街道巷村镇]\d|[省市区县]\S*[路街镇]", n)
    )


def _valid_company_name(t: str) -> bool:
    """A name, not the type line a misplaced label points at.

    >>> _valid_company_name("北京智医仁爱科技有限公司"), _valid_company_name("有限责任公司(自然人投资或控股)")
    (True, False)
    >>> _valid_company_name("个体工商户"), _valid_company_name("呈贡区人面竹纸伞工艺品店")
    (False, True)
    >>> _valid_company_name("注册号321302600291771"), _valid_company_name("组成形式个人经营")  # other rows
    (False, False)
    """
    n = normalize_name(t)
    return (
        _valid_name(t)
        and len(n) >= 3  # 「型所」: the tails of stacked label glyphs (名称/类型/住所), not a name
        and not COMPANY_TYPE_RE.match(n)
        and not re.search(r"注册号|信用代码|编号|\d{8}", n)
        and not any(n.startswith(lab) for lab in ALL_LABELS)  # 「组成形式个人经营」: another row
    )


# OCR that loses the middle of a spaced label keeps its last glyph on the value:
# 「经 … 者董书念」 for 经营者 董书念, 「人张三」 for 负责人 张三
_LABEL_TAIL_RE = re.compile(r"^[者人](?=[\u4e00-\u9fa5]{2,4}$)")


def clean_person(t: str) -> str:
    """A person's name without a label's last glyph glued in front.

    >>> clean_person("者董书念"), clean_person("人王五"), clean_person("董书念")
    ('董书念', '王五', '董书念')
    """
    n = normalize_name(t)
    return _LABEL_TAIL_RE.sub("", n) if len(n) <= 5 else n


def _simple(pages: list[Page], key: str, **kw) -> L.Span | None:
    sp = L.find_value(pages, LABELS[key], stop=_stops_except(key), **kw)
    if sp is not None and sp.label is not None and _is_stacked_column(sp.label.ref):
        sp = None  # 「称型所」: a column of label glyphs spans three rows; its glyphs are read one by one
    if sp is None:
        kw.pop("exclude", None)
        kw.pop("order", None)
        sp = _lone_glyph(pages, key, **kw)
    if sp is None:
        sp = _glued_tail(pages, key, kw.get("validate"))
    return sp


def _credit_code(pages: list[Page], out: dict[str, FieldValue]) -> None:
    sp = L.find_value(
        pages,
        LABELS["credit_code"],
        pattern=CODE_RE,
        squash=True,
        order=("same_line", "right", "below"),
        below_lines=3.0,
        exclude=["注册号码"],
    )
    raw = uscc.compact(sp.match) if sp else None
    if sp is None:
        # no label found (OCR missed it): any valid credit code on the page
        for ref in L.iter_refs(pages):
            for code, _s, _e in find_credit_codes(ref.line.text, valid_only=True):
                out["credit_code"] = L.make_field(code, ref, confidence_penalty=0.1)
                return
        _code_without_check_character(pages, out)
        return
    if len(raw) == 15:
        out["credit_code"] = L.make_field(raw, sp, confidence_penalty=0.05)
        return
    code = normalize_credit_code(raw)
    if code is None:
        return
    penalty = 0.0
    if code != raw:
        penalty = 0.15  # repaired: the check character validates only after the repair
    elif not uscc.is_valid(code):
        penalty = 0.4  # printed (or read) code fails its check character
    out["credit_code"] = L.make_field(code, sp, confidence_penalty=penalty)


# 17 characters of a credit code: all but its check character (lost at the line's end)
_CODE17_RE = re.compile(r"(?<![0-9A-Z])\d{8}[0-9A-HJ-NP-RTUWXY]{9}(?![0-9A-Z])")


def _code_without_check_character(pages: list[Page], out: dict[str, FieldValue]) -> None:
    """A credit code read by its label without its last character (the check character lost
    at the end of a small photo's line): the check character is computed from the other 17
    (GB 32100), low confidence — a code missing another character would validate too."""
    sp = L.find_value(
        pages, LABELS["credit_code"], pattern=_CODE17_RE, squash=True, order=("same_line", "right", "below")
    )
    if sp is not None:
        first17 = uscc.compact(sp.match)
        code = first17 + _stdnum_uscc.calc_check_digit(first17)
        out["credit_code"] = L.make_field(code, sp, confidence_penalty=0.35)


def _column_limit(span: L.Span, pages: list[Page]) -> float | None:
    """x where the next label column starts, right of a value (two-column layouts)."""
    b = span.bbox or (span.refs[0].line.bbox if span.refs else None)
    if b is None:
        return None
    page = span.refs[0].page
    h = b[3] - b[1]
    xs = [
        h2.bbox[0]
        for h2 in L.find_labels([page], ALL_LABELS)
        if h2.bbox is not None
        and h2.bbox[0] > b[0] + 2 * h
        and h2.bbox[3] > b[1] - 4 * h
        and h2.bbox[1] < b[3] + 4 * h
    ]
    return min(xs) if xs else None


def _multiline(pages: list[Page], key: str, **kw) -> L.Span | None:
    sp = _simple(pages, key, **kw)
    if sp is None:
        sp = _lone_glyph(pages, key, **kw)
    if sp is None:
        return None
    return L.extend_below(sp, pages, stop=ALL_LABELS, x_limit=_column_limit(sp, pages))


def _scope(pages: list[Page], out: dict[str, FieldValue]) -> None:
    sp = _multiline(pages, "business_scope", order=("same_line", "right", "below"))
    if sp is None:
        return
    sp = L.extend_above(sp, pages, stop=ALL_LABELS)
    text = re.sub(r"\s+", "", L.clean_value(sp.text))
    if only_labels(text):
        return  # 「经营范围」 read where the value is blurred or cut off: no scope
    if any(r.line.method == "ocr" for r in sp.refs):
        # OCR reads 「；」 as 「：」 and glyphs of a seal or watermark after the closing clause
        text = fix_list_commas(fix_closing_clause(fix_ocr_separators(drop_microprint(text))))
        text = fix_confusable_glyphs(strip_trailing_noise(restore_clause_glyphs(text)))
        text = match_bracket_widths(text)
    if text:
        out["business_scope"] = L.make_field(text, sp)


def _lone_glyph(pages: list[Page], key: str, **kw) -> L.Span | None:
    """OCR of a letter-spaced label may keep only its first glyph (``成`` of 成立日期,
    ``住`` of 住所): such a lone glyph counts as the label when a valid value is right of it."""
    firsts = {L.norm(lab)[0]: lab for lab in LABELS[key] if len(L.norm(lab)) >= 2}
    validate = kw.get("validate")
    for page in pages:
        pool = list(L.iter_refs([page]))
        glyphs = [_stacked_glyphs(ref, L.norm(ref.line.text).rstrip(":")) for ref in pool]
        # a second stacked column (「名类住」 beside 「称型所」) holds label glyphs, not values
        values = [r for r, g in zip(pool, glyphs, strict=True) if len(g) < 2]
        for ref, ref_glyphs in zip(pool, glyphs, strict=True):
            for glyph_ref in ref_glyphs:
                g = L.norm(glyph_ref.line.text)
                # a lone last glyph stands for its label when the value is checked by shape
                # (称: a name, 型: a legal form, 所: an address that starts with a place)
                last_ok = glyph_ref is not ref or g in _LONE_LASTS
                label = firsts.get(g) or (_LASTS.get(g) if last_ok else None)
                if label not in LABELS[key]:
                    continue
                hit = L.Hit(glyph_ref, 0, len(glyph_ref.line.text), label, 80.0)
                cands = values
                if glyph_ref is not ref:
                    # a glyph's row band: its value is centred in the band (the next row's
                    # value, boxed taller by OCR, may overlap it too)
                    gb = glyph_ref.line.bbox
                    cands = [
                        r for r in values if r.line.bbox is None or gb[1] <= L.center(r.line.bbox)[1] <= gb[3]
                    ]
                sp = L.value_for(hit, cands, stop=_stops_except(key), validate=validate, order=("right",))
                if sp is not None and g == "所" and not firsts.get(g) and not _PLACE_START_RE.match(sp.text):
                    continue  # a lone 所 stands for 住所 only before an address that starts with a place
                if sp is not None:
                    return _without_label_rest(sp, label, g)
    return None


def _without_label_rest(sp: L.Span, label: str, glyph: str) -> L.Span:
    """The value without the rest of its label glued in front (住 | 「所山东省济宁市…」: the
    label's glyphs boxed apart, its second glyph read with the value)."""
    lab = L.norm(label)
    rest = lab[lab.index(glyph) + 1 :] if glyph in lab else ""
    text = sp.match or sp.text
    if not rest or not text.startswith(rest) or len(text) <= len(rest) + 1:
        return sp
    start = (sp.start or 0) + len(rest)
    return L.Span(
        text[len(rest) :], sp.refs, start, sp.end, match=text[len(rest) :], label=sp.label, how=sp.how
    )


_ALL_FIRSTS = {L.norm(lab)[0] for lab in ALL_LABELS}
# the last glyph of a label, where only one label ends with it (称 → 名称, 型 → 类型); a
# stacked column may keep the last glyphs instead of the first (「称型」)
_TWO_GLYPH_LABELS = {L.norm(lab) for lab in ALL_LABELS if len(L.norm(lab)) == 2}
_LASTS = {
    lab[-1]: lab
    for lab in _TWO_GLYPH_LABELS
    if sum(1 for other in _TWO_GLYPH_LABELS if other[-1] == lab[-1]) == 1
}


_LONE_LASTS = {"称", "型", "所"}
_PLACE_START_RE = re.compile(r"^[\u4e00-\u9fa5]{2,8}?[省市区县]")
_TERM_SHAPE_RE = re.compile(r"\d{4}\s*[年\-./]|长期|永久|^[自至].|[〇零一二][〇零一二三四五六七八九○0]{3}年")


def _term_shaped(t: str) -> bool:
    """A 营业期限 value holds a date or 长期; a lone 经 (of 经营场所) matched as 经营期限 points
    at an address.

    >>> _term_shaped("2010年08月02日至长期"), _term_shaped("长期"), _term_shaped("第三城映象欣城C区C3幢7层")
    (True, True, False)
    >>> _term_shaped("自")   # the label's 自 (「营业期限自」): its dates are in the boxes right of it
    False
    """
    return bool(_TERM_SHAPE_RE.search(L.norm(t)))


# The tail OCR may read glued to a value when it lost the start of a letter-spaced label
# (longest first), per field: the last glyph of a two-glyph label that no other label ends
# with (称 of 名称, 型 of 类型, 所 of 住所), and 营 业 期 限 read as 「期」 + 「限2010年…至长期」.
_TAIL_OF = {lab: glyph for glyph, lab in _LASTS.items()}
_GLUED_TAILS = {
    key: tuple(dict.fromkeys(_TAIL_OF[L.norm(lab)] for lab in labs if L.norm(lab) in _TAIL_OF))
    for key, labs in LABELS.items()
}
_GLUED_TAILS["business_term"] = ("期限", "限")
_GLUED_TAILS["company_type"] += ("性质", "质")
# what the rest of such a line must look like besides the field's own check: an address
# starts with a place (「所」 starts other words too); a term runs to an end (a date is not
# enough after a lone 「限」)
_GLUED_SHAPES = {
    "address": _PLACE_START_RE,
    "business_term": re.compile(r"^(?:自)?\d{4}\s*年.*[至到]|长期|永久"),
}


def _glued_tail(pages: list[Page], key: str, validate=None) -> L.Span | None:
    """The value of a letter-spaced label whose start OCR lost and whose tail it read glued
    to the value (名 称 → 「称古浪乡助优选便利店」, 类 型 → 「型个体工商户」), when no label of
    the field was found: the line without that tail (:data:`_GLUED_TAILS`)."""
    tails = _GLUED_TAILS.get(key)
    if not tails:
        return None
    shape = _GLUED_SHAPES.get(key)
    for ref in L.iter_refs(pages):
        raw = ref.line.text.lstrip()
        tail = next((t for t in tails if raw.startswith(t)), None)
        if len(L.norm(raw)) < 4 or tail is None:
            continue
        start = len(ref.line.text) - len(raw) + len(tail)
        while start < len(ref.line.text) and ref.line.text[start] in " :：":
            start += 1
        rest = ref.line.text[start:].rstrip()
        if shape is not None and not shape.search(L.norm(rest)):
            continue
        if any(L.norm(rest).startswith(L.norm(lab)) for lab in ALL_LABELS):
            continue
        if validate is not None and not validate(rest):
            continue
        return L.Span(rest, [ref], start, start + len(rest), how="glued")
    return None


def _is_stacked_column(ref: L.Ref) -> bool:
    return len(_stacked_glyphs(ref, L.norm(ref.line.text).rstrip(":"))) >= 2


def _stacked_glyphs(ref: L.Ref, t: str) -> list[L.Ref]:
    """A lone label glyph as it is; a tall line of 2-4 label glyphs (OCR of a column of
    letter-spaced labels read top-down: 「名类住」 for 名称 / 类型 / 住所) split into one
    glyph per row band of its box."""
    if len(t) == 1:
        return [ref]
    b = ref.line.bbox
    if not (2 <= len(t) <= 4) or b is None or any(c not in _ALL_FIRSTS and c not in _LASTS for c in t):
        return []
    w, h = b[2] - b[0], b[3] - b[1]
    if h < 1.5 * w:  # printed across, not a column
        return []
    step = h / len(t)
    return [
        L.Ref(
            ref.page,
            ref.line.model_copy(
                update={"text": c, "bbox": (b[0], b[1] + i * step, b[2], b[1] + (i + 1) * step)}
            ),
            ref.index,
        )
        for i, c in enumerate(t)
    ]


def _names_authority(t: str) -> bool:
    return bool(AUTHORITY_RE.search(L.norm(t)))


def _authority(pages: list[Page], out: dict[str, FieldValue]) -> None:
    sp = _simple(pages, "registration_authority", validate=_names_authority)
    if sp is None:
        # the name boxed in two pieces beside the label (「深圳市市场」 + 「场监督管理局龙岗分局」)
        sp = L.find_value(
            pages, LABELS["registration_authority"], order=("line_row",), validate=_names_authority
        )
    wrapped = _wrapped_authority(pages)
    if sp is None or (
        wrapped is not None
        and len(L.norm(wrapped.text)) > len(L.norm(sp.text))
        and L.norm(wrapped.text).endswith(L.norm(sp.text))
    ):
        # the name over two rows: the line read first is only its second row's tail
        # (「郑州市高新技术产业」 / 「开发区市场监督管理局」)
        sp = wrapped
    code = out["credit_code"].value if "credit_code" in out else None
    addr = out["address"].value if "address" in out else None
    if sp is not None:
        m = AUTHORITY_RE.search(L.norm(sp.text))
        name = one_glyph_fixed(m.group(0), code, addr)
        out["registration_authority"] = L.make_field(
            name, sp, confidence_penalty=0.1 if name != m.group(0) else 0.0
        )
        return
    # printed in or next to the seal, usually in the lower part of the page; not the footer's
    # sentence that sends the reader to an authority's website (「请登录…市场监督管理局…平台」)
    stamps = [r for r in L.iter_refs(pages) if re.search(r"年度验|验讫|年检", r.line.text)]
    for ref in L.iter_refs(pages):
        t = L.norm(ref.line.text)
        if re.search(r"监制|总局|公示系统|登录|网址|平台|网站", t) or in_inspection_stamp(ref, stamps):
            continue
        m = AUTHORITY_RE.search(t)
        if m and (ref.line.bbox is None or not ref.page.height or ref.line.bbox[1] > ref.page.height * 0.5):
            name = one_glyph_fixed(m.group(0), code, addr)
            out["registration_authority"] = L.make_field(name, ref, confidence_penalty=0.15)
            return
    # a fragment by 登记机关 (「区市场监督管理局」: the seal hid the place): the place is the
    # credit code's division, or the division above it that the fragment ends like (「市市场监督
    # 管理局」 of a Shenzhen district's company: the city's bureau), named as authorities name
    # themselves (no province before a city)
    for ref in L.iter_refs(pages):
        m = FRAGMENT_RE.fullmatch(L.norm(ref.line.text))
        if (
            m
            and (place := fragment_place(code, m.group("p")))
            and (ref.line.bbox is None or not ref.page.height or ref.line.bbox[1] > ref.page.height * 0.5)
        ):
            out["registration_authority"] = L.make_field(
                place + m.group("organ"), ref, confidence_penalty=0.3
            )
            return
    # only inside the seal (the authority's round seal over 登记机关): a deliberate,
    # low-confidence source, its place name checked against the credit code's division
    # An old licence carries an annual-inspection stamp too (「北京市工商局 年检专用章」, the
    # organ abbreviated): of several seals the one that names the organ in full, read best,
    # is the authority's.
    cands = []
    for page in pages:
        for seal in page.seals:
            name = _ring_authority(seal.text, code, addr)
            if name:
                exact = ORGAN_RE.search(L.norm(seal.text)) is not None
                cands.append(((exact, not name.endswith("工商局"), seal.text_confidence), name, seal, page))
    if cands:
        (exact, _full, _read), name, seal, page = max(cands, key=lambda c: c[0])
        out["registration_authority"] = _seal_field(name, seal, page, seal.text, 0.6 if exact else 0.5)
        return
    # no seal's first reading names it: the rings read again at other sizes; a reading counts
    # only when the name explains most of it (not an organ read alone, not a place cut short of
    # the glyphs read after it), and the name that explains its reading best is taken
    # (「苏州市民山…」 gives 苏州市…局 with 民山 unexplained; 「苏州市昆山…」 is explained whole)
    alts = []
    for page in pages:
        for seal in page.seals:
            for k, text in enumerate(seal.alt_texts):
                name = _ring_authority(text, code, addr)
                if name and (ratio := fuzz.ratio(L.norm(text), name)) >= ALT_READING_MIN:
                    alts.append((ratio, -k, name, seal, page, text))
    if alts:
        _ratio, _k, name, seal, page, text = max(alts, key=lambda a: a[:2])
        out["registration_authority"] = _seal_field(name, seal, page, text, 0.4)
        return
    # no reading names it: each authority the company can have is scored on what the
    # recogniser weighed along each ring (extractor.fields.ring_lattice); a clear winner is taken
    names = authority_candidates(code, addr)
    lattice = [
        (got[2], got[0], seal, page)
        for page in pages
        for seal in page.seals
        if (got := best_name(seal.ring_frames, _lattice_names(names, seal.text)))
    ]
    if lattice:
        _lead, name, seal, page = max(lattice, key=lambda c: c[0])
        out["registration_authority"] = _seal_field(name, seal, page, seal.text, 0.35)


def _ring_authority(text: str, code: str | None, addr: str | None) -> str | None:
    """The authority a seal's ring reading names: an organ told in the ring (its place
    checked), else the candidate it reads as."""
    return authority_from_seal(text, code, addr) or authority_by_candidates(text, code, addr)


def _lattice_names(names: list[str], ring_text: str) -> list[str]:
    """The authorities a ring's steps are scored against: the organ's short form 市场监管局 only
    where the ring reads it (a worn 市场监督管理局, 「市场监修售局」, is matched more cheaply by
    the shorter word).

    >>> _lattice_names(["梅州市市场监督管理局", "梅州市市场监管局"], "市场监修售局")
    ['梅州市市场监督管理局']
    """
    return [n for n in names if not n.endswith("市场监管局") or "监管局" in ring_text]


def _seal_field(name: str, seal: Seal, page: Page, text: str, confidence: float) -> FieldValue:
    """The authority ``name`` read from ``text``, one reading of ``seal`` on ``page``."""
    return FieldValue(
        value=name,
        page=page.number,
        bbox=list(seal.box),
        confidence=confidence,
        source_text=text,
        method="seal",
    )


# how alike (rapidfuzz ratio) a ring's second reading and the authority it gives must be
ALT_READING_MIN = 75


def _wrapped_authority(pages: list[Page]) -> L.Span | None:
    """The authority printed right of 登记机关 over two rows (「济宁市兖州」 / 「区市场监督管理局」,
    the second boxed a little left of the first): the lines right of the label from its row to
    the next, top to bottom."""
    for hit in L.find_labels(pages, LABELS["registration_authority"]):
        hb = hit.bbox
        if hb is None:
            continue
        h = hb[3] - hb[1]
        rows = [
            r
            for r in L.iter_refs([hit.ref.page])
            if r.line.bbox is not None
            and r.index != hit.ref.index
            and r.line.bbox[0] >= hb[2] - h
            and r.line.bbox[0] - hb[2] < 10 * h
            and hb[1] - 0.3 * h <= L.center(r.line.bbox)[1] <= hb[3] + 1.2 * h
        ]
        rows.sort(key=lambda r: r.line.bbox[1])
        text = "".join(L.norm(r.line.text) for r in rows[:2])
        m = AUTHORITY_RE.search(text)
        if m and len(rows) >= 2:
            return L.Span(m.group(0), rows[:2], match=m.group(0), label=hit, how="rows")
    return None


# a date range: a start date, 至, the rest (an end date or 长期)
_RANGE_RE = re.compile(r"(?P<start>(?:\d{4}|[〇○零一二三四五六七八九]{4})年[^至到]{2,8}?日)[至到](?P<end>.+)")


def _unlabelled_term(pages: list[Page], out: dict[str, FieldValue]) -> L.Span | None:
    """The business term when its label was misread (「骨业期日2008年06月12日至…」): a line
    holding a date range that starts on the established date; a licence prints no other
    range starting that day."""
    est = out.get("established_date")
    if est is None:
        return None
    for ref in L.iter_refs(pages):
        t = L.norm(ref.line.text)
        m = _RANGE_RE.search(t)
        if m and parse_date(m.group("start")) == est.value:
            return L.Span(m.group(0), [ref], how="range")
    return None


# the 组成形式 of a 个体工商户 (the only licences that print one)
_INDIVIDUAL_FORMS = ("个人经营", "家庭经营")


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Fields of one business licence (CONTRACT section 4)."""
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    _credit_code(pages, out)
    code = str(out["credit_code"].value) if "credit_code" in out else None
    name_sp = _simple(pages, "company_name", validate=_valid_company_name, exclude=["企业名称预先核准"])
    sp = _simple(pages, "company_type", validate=_valid_type)
    form = None
    if sp is None:
        sp = form = _simple(pages, "company_form", validate=_valid_type)
    ctype = repair_type(normalize_name(sp.match)) if sp is not None else None
    if form is not None and ctype and any(f.endswith(ctype[-3:]) for f in _INDIVIDUAL_FORMS):
        # only a 个体工商户's licence prints a 组成形式 (个人经营 / 家庭经营): with no 类型 row
        # read (an old form has none), the form read tells the type, its first glyph lost too
        ctype = "个体工商户"
    if sp is not None:
        penalty = 0.1 if ctype != normalize_name(sp.match) else 0.0
        out["company_type"] = L.make_field(ctype, sp, confidence_penalty=penalty)
    else:
        ctype = unlabelled_type(pages, out)
    if name_sp is not None:
        name = normalize_name(name_sp.match)
        # a division name the name starts with, one glyph misread (「平项山市…」), as in addresses
        fixed = without_noise_after_form(with_code_divisions(name, code))
        full = complete_name(fixed, ctype)
        # a name completed from its type (a seal over 限公司) is a guess a reviewer checks
        penalty = 0.3 if full != fixed else 0.1 if fixed != name else 0.0
        out["company_name"] = L.make_field(full, name_sp, confidence_penalty=penalty)
        if ctype is None:
            ref = type_under_name(name_sp, full)
            if ref is not None:
                out["company_type"] = L.make_field(normalize_name(ref.line.text), ref, confidence_penalty=0.2)
    sp = _simple(
        pages,
        "legal_representative",
        # digits or an amount are a wrapped address or the next row's value, never a name
        validate=lambda t: (
            2 <= len(normalize_name(t)) <= 40
            and _valid_name(t)
            and not re.search(r"\d", t)
            and parse_money(t) is None
        ),
    )
    if sp is not None:
        name = clean_person(sp.match)
        out["legal_representative"] = L.make_field(
            name, sp, confidence_penalty=0.1 if name != normalize_name(sp.match) else 0.0
        )
    sp = _simple(
        pages,
        "registered_capital",
        # a 15-digit 注册号 or a credit code beside the label is no amount
        validate=lambda t: licence_capital(t) is not None and not CODE_RE.fullmatch(re.sub(r"\s+", "", t)),
    )
    if sp is not None:
        out["registered_capital"] = L.make_field(licence_capital(sp.match), sp)
    else:
        unlabelled_capital(pages, out)
    sp = _simple(pages, "established_date", validate=lambda t: licence_date(t) is not None)
    if sp is not None:
        out["established_date"] = L.make_field(licence_date(sp.match), sp)
    sp = _simple(pages, "business_term", order=("same_line", "right", "row"), validate=_term_shaped)
    if sp is not None and not re.search(r"至|到|长期|永久", sp.text):
        # 「执照有效期：(自)2008年12月5日」 / 「至2018年12月4日」 on the row below
        longer = L.extend_below(sp, pages, max_rows=1)
        rest = L.norm(longer.text)[len(L.norm(sp.text)) :]
        if re.match(r"[至到]", rest):
            sp = longer
        else:
            sp = term_continued(sp, pages)
    if sp is None:
        sp = _unlabelled_term(pages, out)
    if sp is not None:
        term = term_end(sp)
        if term is not None:
            penalty = term[1] + (0.2 if sp.how == "range" else 0.0)
            out["business_term_end"] = L.make_field(term[0], sp, confidence_penalty=penalty)
        if "established_date" not in out and not (sp.label and "有效期" in sp.label.label):
            # the term starts on the day the company was established (营业期限自成立之日起);
            # a licence's 执照有效期 starts when the licence was issued
            start = re.split(r"至|到", L.norm(sp.text), maxsplit=1)[0]
            d = parse_date(start)
            if d is not None:
                out["established_date"] = L.make_field(d, sp, confidence_penalty=0.2)
    # 「（临时经营场所有效期至…）」 inside an address, wrapped after 临, is the address's text
    sp = _multiline(pages, "address", validate=_valid_address, exclude=["临时经营场所", "时经营场所"])
    penalty = 0.0
    if sp is None:
        taken = {str(v.value) for v in out.values()}
        # under the type's value, else under the name's (an old form prints its type row
        # below the address: 「经济性质」)
        ref = unlabelled_address(pages, out.get("company_type"), taken) or unlabelled_address(
            pages, out.get("company_name"), taken
        )
        if ref is not None and _valid_address(ref.line.text):
            # no label read on its row: an address found by its place in the table is checked,
            # and wraps onto the rows below it like a labelled one
            sp = L.Span(ref.line.text.strip(), [ref], how="line")
            sp = L.extend_below(sp, pages, stop=ALL_LABELS, x_limit=_column_limit(sp, pages))
            keep = unlabelled_rows([r.line.text for r in sp.refs])
            if keep < len(sp.refs):
                sp = L.Span("".join(r.line.text.strip() for r in sp.refs[:keep]), sp.refs[:keep], how="line")
            penalty = 0.2
    if sp is not None and len(sp.refs) > 1:
        name = str(out["company_name"].value) if "company_name" in out else None
        drop = foreign_rows([r.line.text for r in sp.refs], name)
        if drop:
            tail = "".join(r.line.text.strip() for r in sp.refs[-drop:])
            if sp.text.endswith(tail):
                keep = sp.text[: len(sp.text) - len(tail)]
                sp = L.Span(keep, sp.refs[:-drop], match=keep, label=sp.label, how=sp.how)
    if sp is not None:
        addr = normalize_name(sp.text)
        if any(r.line.method == "ocr" for r in sp.refs):
            addr = drop_microprint(addr)
        fixed = cleaned_address(addr, code)
        penalty = max(penalty, 0.1 if fixed != addr else 0.0)
        out["address"] = L.make_field(fixed, sp, confidence_penalty=penalty)
    ident = qr_identity(pages)
    if ident is not None:
        out["qr"] = ident
    # the registry's record in the QR, where the licence prints one; a QR of another company's
    # record (pasted from another licence) mends nothing
    foreign = ident is not None and names_another(ident.value, out)
    record = {} if foreign else qr_record(pages)
    apply_qr(record, out)  # before the authority: it is read against the code and the address
    _scope(pages, out)
    _authority(pages, out)
    apply_qr(record, out, ("registration_authority",))  # the 登记机关 too, over a seal's reading
    return out

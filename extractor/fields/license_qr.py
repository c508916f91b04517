"""What a business licence's QR code states, read like an e-invoice's XML.

Many licences print a QR code that holds the registry's own record as text (the rest hold a
link only): 「统一社会信用代码：…|名称：…|类型：…|住所：…|成立日期：…」, with ``|``, ``；``,
``;`` or ``,`` between the items and ``:`` or ``：`` after each label; the labels differ by
province (主体名称, 企业名称, 名称 …). Some payloads are GBK bytes a decoder read as Latin-1.

Each item is read by its label (:func:`qr_items`), its value checked like the printed one
(a credit code by its check character, a date by the calendar), and given in the licence's
field keys (:func:`qr_fields`). A scope is cut short in most payloads (「…***」): not taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming, Levenshtein

from extractor.normalize import normalize_name, parse_date, parse_money, round_money
from extractor.normalize import uscc as _uscc
from models.contract import FieldValue
from models.page import Barcode, Page

# label → field key, longest labels first where one ends another (企业名称 before 名称)
_LABELS: tuple[tuple[str, str], ...] = (
    ("统一社会信用代码", "credit_code"),
    ("企业信用代码", "credit_code"),
    ("企业注册号", "registration_no"),
    ("注册号", "registration_no"),
    ("主体名称", "company_name"),
    ("企业名称", "company_name"),
    ("名称", "company_name"),
    ("主体类型", "company_type"),
    ("公司类型", "company_type"),
    ("类型", "company_type"),
    ("经营场所", "address"),
    ("住所", "address"),
    ("认缴注册资本", "registered_capital"),
    ("注册资本", "registered_capital"),
    ("成立日期", "established_date"),
    ("注册日期", "established_date"),
    ("营业期限", "business_term"),
    ("登记机关", "registration_authority"),
    # labels whose values are not taken, so that they end the value before them
    ("法定代表人", ""),
    ("经营者", ""),
    ("执行事务合伙人", ""),
    ("组成形式", ""),
    ("经营范围", ""),
    ("登记日期", ""),
    ("登记时间", ""),
    ("主营项目类别", ""),
    ("组织机构代码", ""),
    ("税务登记号", ""),
    ("多证合一", ""),
)
_LABEL_RE = re.compile(
    r"(?:^|(?<=[|；;，,\s…。]))(?P<label>" + "|".join(re.escape(lab) for lab, _ in _LABELS) + r")\s*[:：]"
)
_KEY = dict(_LABELS)
# what ends a value besides the next label: an item separator, or a link
_VALUE_END_RE = re.compile(
    r"[|；;\n]|…|[，,]\s*(?=\S+[:：])|\s{2,}|(?:企业)?信用(?:信息)?公示|数据查询链接|信用网址|https?:|www\."
)


def readable(payload: str) -> str:
    """The payload as text: GBK bytes a decoder read as Latin-1 are read again as GBK.

    >>> readable("Ãû³Æ£º")
    '名称：'
    >>> readable("名称：泉州智算科技有限公司")
    '名称：泉州智算科技有限公司'
    """
    if payload and all(ord(c) < 256 for c in payload) and any(ord(c) >= 0x80 for c in payload):
        try:
            return payload.encode("latin-1").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return payload
    return payload


def qr_items(payload: str) -> dict[str, str]:
    """The labelled items of a licence QR's text, by field key (the first of each), as printed.

    >>> qr_items("统一社会信用代码：91350503MA2Y3K6W8B|名称：泉州智算科技有限公司|类型：有限责任公司|成立日期：2018-05-02")
    {'credit_code': '91350503MA2Y3K6W8B', 'company_name': '泉州智算科技有限公司', 'company_type': '有限责任公司', 'established_date': '2018-05-02'}
    >>> qr_items("统一社会信用代码：91330106MA2B1NYK91,企业注册号:330106000105294;企业名称:杭州某某科技有限公司;登记机关:杭州市西湖区市场监督管理局;登记时间:2016-12-06")
    {'credit_code': '91330106MA2B1NYK91', 'registration_no': '330106000105294', 'company_name': '杭州某某科技有限公司', 'registration_authority': '杭州市西湖区市场监督管理局'}
    >>> qr_items("注册号：320404000015749 名称：常州某某玻璃有限公司 企业信用信息公示系统网址：www.jsgsj.gov.cn")
    {'registration_no': '320404000015749', 'company_name': '常州某某玻璃有限公司'}
    >>> qr_items("https://www.gsxt.gov.cn/index.html?uniscid=91350503MA2Y3K6W8B")
    {}
    """
    text = readable(payload).replace("\ufeff", "")
    hits = list(_LABEL_RE.finditer(text))
    out: dict[str, str] = {}
    for i, m in enumerate(hits):
        key = _KEY[m.group("label")]
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        raw = text[m.end() : end]
        cut = _VALUE_END_RE.search(raw)
        value = (raw[: cut.start()] if cut else raw).strip(" ，,。")
        if key and value and key not in out:
            out[key] = value
    return out


def _capital(value: str) -> Decimal | None:
    """「10万元整」, 「人民币伍拾万元整」, 「1.0（万元）人民币」 → yuan.

    >>> _capital("1.0（万元）人民币"), _capital("人民币伍拾万元整"), _capital("200万元")
    (Decimal('10000.00'), Decimal('500000.00'), Decimal('2000000.00'))
    """
    v = re.sub(r"\s+", "", value)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[（(]万元[)）](?:人民币)?", v)
    if m:
        return round_money(Decimal(m.group(1)) * 10000)
    got = parse_money(re.sub(r"^人民币|人民币$", "", v))
    return got if got is not None and got > 0 else None


def qr_fields(payload: str) -> dict[str, object]:
    """The licence fields a QR's text states, checked and in the field formats (a credit code
    with a valid check character, names NFKC, dates and money parsed).

    >>> f = qr_fields("统一社会信用代码：91350503MA2Y3K6W8C|名称：泉州智算科技有限公司|成立日期：2018年05月02日|营业期限：长期")
    >>> sorted(f.items())
    [('business_term_end', '长期'), ('company_name', '泉州智算科技有限公司'), ('established_date', datetime.date(2018, 5, 2))]
    """
    items = qr_items(payload)
    out: dict[str, object] = {}
    code = _uscc.compact(items.get("credit_code", ""))
    if code and _uscc.is_valid(code):
        out["credit_code"] = code
    for key in ("company_name", "company_type", "address", "registration_authority"):
        v = items.get(key)
        if v and len(v) >= 2 and not v.endswith(("…", "*")):
            out[key] = normalize_name(v)
    if "established_date" in items:
        d = parse_date(re.sub(r"\s+", "", items["established_date"]))
        if d is not None:
            out["established_date"] = d
    if "registered_capital" in items:
        cap = _capital(items["registered_capital"])
        if cap is not None:
            out["registered_capital"] = cap
    term = items.get("business_term", "")
    if re.fullmatch(r"长期|永久|自?[\d\-年月日]+至(?:长期|永久)", term):
        out["business_term_end"] = "长期"
    else:
        end = re.fullmatch(r"自?[\d\-年月日]+至([\d\-年月日]+)", term)
        d = parse_date(end.group(1)) if end else None
        if d is not None:
            out["business_term_end"] = d
    return out


def _is_link(payload: str) -> bool:
    return bool(re.match(r"\s*(?:https?://|www\.)", payload, re.I))


def link_code(payload: str) -> str | None:
    """The credit code a registry link names (gsxt's ``uniscid=``, Shenzhen's ``cid=``), where it
    names one in clear with a valid check character (some sites encode it: nothing).

    >>> link_code("http://www.gsxt.gov.cn/index.html?uniscid=91500107305160603W")
    '91500107305160603W'
    >>> link_code("http://www.gsxt.gov.cn/index.html?uniscid=amJqcG95eXFeVXNGW3") is None
    True
    """
    if not _is_link(payload):
        return None
    m = re.search(r"(?:uniscid|cid)=([0-9A-Z]{18})(?![0-9A-Za-z])", payload)
    return m.group(1) if m and _uscc.is_valid(m.group(1)) else None


# what the registry's record may word otherwise than the print: its type in the short form
# (「一人有限责任公司」 for a printed 「有限责任公司(自然人独资)」), its authority as it is now
# called (an office renamed since the licence was issued)
_PRINT_FIRST = ("company_type", "registration_authority")


def _replaces(key: str, read: object, stated: object) -> bool:
    """Whether the QR's value replaces the value read from the print: always for what OCR
    misreads in small print (codes, names, addresses, dates, money); for a type or an
    authority only where the print was read in part or one glyph off.

    >>> _replaces("company_name", "泉州智算科枝有限公司", "泉州智算科技有限公司")
    True
    >>> _replaces("registration_authority", "重庆市工商行政管理局", "重庆市工商行政管理局九龙坡区分局")
    True
    >>> _replaces("registration_authority", "重庆市工商行政管理局九龙城区分局", "重庆市工商行政管理局九龙坡区分局")
    True
    >>> _replaces("registration_authority", "成都市工商行政管理局", "成都市高新工商行政管理局")
    False
    """
    a, b = str(read), str(stated)
    if a == b:
        return False
    return key not in _PRINT_FIRST or a in b or Levenshtein.distance(a, b) == 1


def qr_record(pages: list[Page]) -> dict[str, FieldValue]:
    """The fields the licence's QR codes state (method ``qr``), read once per licence; a QR
    holding a link states only the credit code the link names in clear (:func:`link_code`)."""
    out: dict[str, FieldValue] = {}
    for page, bc, code in _stating(pages):
        fields = {"credit_code": code} if code else qr_fields(bc.text)
        for key, value in fields.items():
            if key in out and not _replaces(key, out[key].value, value):
                continue  # a second QR replaces the first as it would a print
            out[key] = _qr_value(value, page, bc)
    return out


def _stating(pages: list[Page]) -> Iterator[tuple[Page, Barcode, str | None]]:
    """The licence's QR codes that state something: (page, code, the credit code it names if it
    is a registry link); a link naming nobody in clear is left out."""
    for page in pages:
        for bc in page.barcodes:
            code = link_code(bc.text)
            if not _is_link(bc.text) or code is not None:
                yield page, bc, code


def _qr_value(value: object, page: Page, bc: Barcode, source: str | None = None) -> FieldValue:
    return FieldValue(
        value=value,
        page=page.number,
        bbox=list(bc.bbox) if bc.bbox else None,
        confidence=0.97,
        source_text=(source if source is not None else readable(bc.text))[:200],
        method="qr",
    )


def apply_qr(
    record: dict[str, FieldValue], out: dict[str, FieldValue], keys: tuple[str, ...] | None = None
) -> None:
    """The QR's ``record`` (of ``keys``, default all) in ``out``: where the print was not read,
    or was read otherwise (:func:`_replaces`) — the QR is the registry's record, OCR's reading
    of small print the weaker witness."""
    for key, fv in record.items():
        if keys is not None and key not in keys:
            continue
        have = out.get(key)
        if have is None or _replaces(key, have.value, fv.value):
            out[key] = fv


def qr_identity(pages: list[Page]) -> FieldValue | None:
    """Whom the licence's QR record registers: its credit code and/or 注册号 and its name, with
    the payload as read (``raw``) — the licence's ``qr`` field (method ``qr``), for
    :func:`names_another` here and the rule ``evidence.license_qr_matches``. A registry link names
    the company's credit code where it holds it in clear (:func:`link_code`); another link names
    nobody: None.

    >>> from models.page import Barcode
    >>> page = Page(number=1, width=600, height=800, method="ocr", lines=[], barcodes=[Barcode(
    ...     text="注册号:410702000021739; 名称:新乡市某某网络科技有限公司; 成立日期:2012年04月09日")])
    >>> v = qr_identity([page]).value
    >>> v["registration_no"], v["company_name"]
    ('410702000021739', '新乡市某某网络科技有限公司')
    """
    for page, bc, linked in _stating(pages):
        items = {"credit_code": linked} if linked else qr_items(bc.text)
        ident: dict[str, str] = {}
        code = _uscc.compact(items.get("credit_code", ""))
        if code and _uscc.is_valid(code):
            ident["credit_code"] = code
        reg = re.sub(r"\s+", "", items.get("registration_no", ""))
        if re.fullmatch(r"\d{13,15}", reg):
            ident["registration_no"] = reg
        if len(items.get("company_name", "")) >= 2:
            ident["company_name"] = normalize_name(items["company_name"])
        if ident:
            ident["raw"] = readable(bc.text)[:300]
            return _qr_value(ident, page, bc, ident["raw"])
    return None


# OCR misreads a glyph or two of a printed code; a QR code of another registration differs in more
CODE_FAR = 3
NAME_FAR = 50  # rapidfuzz ratio below which two names are of two companies, not one misread


def qr_code_for(ident: dict, printed: str) -> str | None:
    """The QR's code to compare with a printed one: the credit code for an 18-glyph code, the
    注册号 for an old number.

    >>> qr_code_for({"credit_code": "91350503MA2Y3K6W8B", "registration_no": "350503000012345"}, "350503000012346")
    '350503000012345'
    """
    key = "credit_code" if len(printed) == 18 else "registration_no"
    return ident.get(key)


def codes_far(theirs: str, printed: str) -> bool:
    """Whether a QR's code and a printed one name two registrations: other lengths, or
    ``CODE_FAR`` glyphs or more apart (OCR misreads one or two).

    >>> codes_far("131024000000879", "131024000000870"), codes_far("410702000021739", "131024000000870")
    (False, True)
    """
    return len(theirs) != len(printed) or Hamming.distance(theirs, printed) >= CODE_FAR


def names_far(theirs: str, printed: str) -> bool:
    """Whether a QR's name and a printed one are two companies' (ratio below ``NAME_FAR``), not
    one name misread."""
    return fuzz.ratio(theirs, printed) < NAME_FAR


def names_another(ident: dict, out: dict[str, FieldValue]) -> bool:
    """Whether the QR registers another company than the licence prints: its code of the print's
    kind differs in ``CODE_FAR`` glyphs or more (or none to compare) and its name is unlike the
    printed one (or none to compare), at least one of the two compared. Such a QR (one pasted
    from another licence) mends nothing; the rule ``evidence.license_qr_matches`` reports it.

    >>> out = {"credit_code": FieldValue(value="131024000000870"),
    ...        "company_name": FieldValue(value="香河某某金属制品有限责任公司")}
    >>> names_another({"registration_no": "410702000021739", "company_name": "新乡市某某网络科技有限公司"}, out)
    True
    >>> names_another({"registration_no": "131024000000879", "company_name": "香河某某金属制品有限责任公司"}, out)
    False
    """
    printed = str(out["credit_code"].value) if "credit_code" in out else ""
    theirs = qr_code_for(ident, printed) if printed else None
    name = str(out["company_name"].value) if "company_name" in out else ""
    code_far = bool(theirs) and codes_far(theirs, printed)
    name_far = bool(name and ident.get("company_name")) and names_far(ident["company_name"], name)
    compared = bool(theirs) or bool(name and ident.get("company_name"))
    return compared and (code_far or not theirs) and (name_far or not (name and ident.get("company_name")))

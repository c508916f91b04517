"""A licence's address (住所 / 经营场所) cleaned after reading: print OCR ran into its end is cut
off, and a division name misread in one glyph is restored from the credit code's division.

Each step is small and pure: :func:`foreign_rows`, :func:`without_tail`, :func:`with_code_divisions`.
An address whose row label was not read is found under the type or the name
(:func:`unlabelled_address`).
"""

from __future__ import annotations

import re

import extractor.fields.layout as L
from extractor.fields.license_places import division_code, province_short
from extractor.normalize import region
from extractor.textnorm import one_glyph_apart
from models.contract import FieldValue
from models.page import Page

# what never belongs to an address: a web address (a watermark: 「Made-in-China.com」 printed
# over the page). A date may (「临时经营场所有效期至2017年4月8日」).
_TAIL_RE = re.compile(r"(?:www\.|https?:|[A-Za-z-]*\.(?:com|cn|net)\b).*$")


def without_tail(addr: str) -> str:
    """The address without a web address read on after it.

    >>> without_tail("深圳市龙华区大浪街道新石社区浪荣路28号宝利华大厦308ade-in-China.com")
    '深圳市龙华区大浪街道新石社区浪荣路28号宝利华大厦308'
    >>> without_tail("重庆市永川区和顺大道799号(永川区软件与信息服务外包产业园B区3号楼4层)")
    '重庆市永川区和顺大道799号(永川区软件与信息服务外包产业园B区3号楼4层)'
    """
    cut = _TAIL_RE.sub("", addr)
    return cut if len(cut) >= 4 else addr


def _division_names(credit_code: str | None) -> list[str]:
    """The division path's names of a credit code (chars 3-8) or an old 15-digit 注册号 (chars 1-6).

    >>> _division_names("91310120MA1J0Y455U"), _division_names("440106000832441")
    (['上海市', '奉贤区'], ['广东省', '广州市', '天河区'])
    """
    div = division_code(credit_code)
    d = region.lookup(div) if div else None
    return [n for _c, n in d.path] if d is not None else []


def with_code_divisions(addr: str, credit_code: str | None) -> str:
    """The address with a division name of the credit code's division restored where OCR misread
    one glyph of it (「上海市泰贤区」 for 奉贤区, code 310120). Only where the misread name sits
    right after the name before it on the division's path (or starts the address), ends with
    the same level word, and is itself no division name (a company that moved to another real
    district keeps it).

    >>> with_code_divisions("上海市泰贤区南桥镇国顺路936号5幢", "91310120MA1J0Y455U")
    '上海市奉贤区南桥镇国顺路936号5幢'
    >>> with_code_divisions("天津市河西区友谊路", "91120102MA05XXXXXX")   # 河东区's code, 河西区 real
    '天津市河西区友谊路'
    >>> with_code_divisions("深圳市福用区华强北路1号", "91440304MA5XXXXXXX")   # the province not printed
    '深圳市福田区华强北路1号'
    >>> with_code_divisions("上海市奉贤区南桥镇", "91310120MA1J0Y455U"), with_code_divisions("奉贤区", None)
    ('上海市奉贤区南桥镇', '奉贤区')
    """
    at = 0
    for name in _division_names(credit_code):
        k = addr.find(name, at)
        if k == at or (k >= 0 and at == 0):
            at = k + len(name)
            continue
        sub = addr[at : at + len(name)]
        if (
            len(name) >= 3
            and one_glyph_apart(sub, name)
            and sub[-1] == name[-1]
            and not any(n == sub for n, _c, _s in region.find_divisions(sub))
        ):
            addr = addr[:at] + name + addr[at + len(name) :]
            at += len(name)
    return addr


# a pilot free-trade zone's name, as every address in one starts: 「中国(上海)自由贸易试验区」
_FTZ_RE = re.compile(r"^(?P<head>[^\d]{0,10}?)试验区")
_FTZ_HEAD_ENDS = ("贸易", "易")


def with_free_trade_zone(addr: str, credit_code: str | None) -> str:
    """An address in a pilot free-trade zone with the zone's name restored where OCR lost or
    misread its start (「白面贸易试验区浦明路160号」, 「试验区华京路8号」): the name is fixed
    (中国, the province of the credit code's division, 自由贸易试验区), so the glyphs before
    「试验区」 are replaced when there are none, or when they end like the name (…贸易).

    >>> with_free_trade_zone("白面贸易试验区浦明路160号财富广场F幢", "913100007178520166")
    '中国(上海)自由贸易试验区浦明路160号财富广场F幢'
    >>> with_free_trade_zone("试验区华京路8号三层317室", "913101151322268960")
    '中国(上海)自由贸易试验区华京路8号三层317室'
    >>> with_free_trade_zone("中国（福建）自由贸易试验区福州片区", "91350105MA2XXXXXXX")
    '中国（福建）自由贸易试验区福州片区'
    >>> with_free_trade_zone("长株潭两型社会综合配套改革试验区", "91430100MA4XXXXXXX")
    '长株潭两型社会综合配套改革试验区'
    >>> with_free_trade_zone("中国(福建)自由贸易试验区厦门片区", "91310115MA1XXXXXXX")  # moved
    '中国(福建)自由贸易试验区厦门片区'
    >>> with_free_trade_zone("试验区华京路8号", None)
    '试验区华京路8号'
    """
    m = _FTZ_RE.match(addr)
    names = _division_names(credit_code)
    if m is None or not names:
        return addr
    head = m.group("head")
    if re.search(r"[（(][\u4e00-\u9fa5]{2,3}[)）]", head):
        return addr  # a province printed in its brackets is the zone's, whatever the code's
    name = f"中国({province_short(names[0])})自由贸易试验区"
    if head and not head.endswith(_FTZ_HEAD_ENDS):
        return addr
    if L.norm(head + "试验区").replace("（", "(").replace("）", ")") == name:
        return addr
    return name + addr[m.end() :]


def cleaned_address(addr: str, credit_code: str | None) -> str:
    """The steps above, in order: a web address cut off, a label's glyph dropped, the code's
    division names and a free-trade zone's name restored.

    >>> cleaned_address("白面贸易试验区浦明路160号www.xx.com", "913100007178520166")
    '中国(上海)自由贸易试验区浦明路160号'
    """
    addr = without_label_glyph(without_tail(addr))
    return with_free_trade_zone(with_code_divisions(addr, credit_code), credit_code)


# a row of an address holds one of these: a unit (号, 室, 楼 …), a figure or a letter
_ADDRESS_MARK_RE = re.compile(
    r"[号楼室层栋幢座区路街道村镇乡巷弄门铺户组园场院里坊苑城期段房间侧旁内外口处店厅馆部所屋厦站"
    r"东西南北中\dA-Za-z]"
)
# a date written in words (「二〇一五年五月廿九日」: a licence's issue date)
_WORD_DATE_RE = re.compile(
    r"[〇○零一二三四五六七八九十]{2,4}年[〇○零一二三四五六七八九十]{1,2}月[〇○零一二三四五六七八九十廿卅]{1,3}日"
)


def foreign_rows(rows: list[str], company: str | None = None) -> int:
    """How many of an address's last rows (never its first) belong to other fields: the
    company's name (printed again as a watermark), a row holding a date written in words (the
    issue date), or a row of only two or three Chinese glyphs naming no unit, side or place
    (a person's name whose 法定代表人 label was not read).

    >>> foreign_rows(["珠海市吉大景园路6号5楼V2", "王小明"]), foreign_rows(["福建省福州市仓山区盖山镇则徐大道625号4", "号楼"])
    (1, 0)
    >>> foreign_rows(["浦东新区万祥镇宏祥北路83弄1-42号20幢118室", "上海荆戈工业控制设备有限公司"], "上海荆戈工业控制设备有限公司")
    1
    >>> foreign_rows(["深圳市龙岗区龙城街道回龙埔工业区B栋215", "李某某二〇一五年五月廿九日"])
    1
    >>> foreign_rows(["内黄县城产业集聚区工业西路", "东侧"]), foreign_rows(["鲁谷南路26号6层621、622", "房间"])
    (0, 0)
    """
    n = 0
    for row in reversed(rows[1:]):
        t = "".join(row.split())
        short = re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", t) is not None and not _ADDRESS_MARK_RE.search(t)
        if (company and t == "".join(company.split())) or _WORD_DATE_RE.search(t) or short:
            n += 1
            continue
        break
    return n


# what only an address holds (a street, a number, a building), unlike a name or a date
_STREET_RE = re.compile(r"[路街巷弄号室楼幢栋层村镇乡组]|大道|大厦|广场")
# what only a name, an amount or a date ends with
_NOT_ADDRESS_END_RE = re.compile(r"(?:公司|店|厂|部|中心|社|所|行|馆|院|元|整|日)$")


def looks_like_address(text: str) -> bool:
    """Whether a line read without its label can only be an address.

    >>> looks_like_address("盛泽镇东方大街北侧"), looks_like_address("吴江区盛泽镇美拉美甲店")
    (True, False)
    >>> looks_like_address("2017年11月01日"), looks_like_address("个人经营"), looks_like_address("壹佰万元整")
    (False, False, False)
    """
    return (
        4 <= len(text) <= 60
        and bool(_STREET_RE.search(text))
        and not _NOT_ADDRESS_END_RE.search(text)
        and not re.search(r"\d{4}\s*年", text)
    )


def unlabelled_address(pages: list[Page], anchor: FieldValue | None, taken: set[str]) -> L.Ref | None:
    """The address when its row label (住所 / 经营场所) was not read: the first line under the
    ``anchor`` value (the type's, else the name's) in the same value column, within three line
    heights, that can only be an address and is no other field's value."""
    if anchor is None or anchor.bbox is None or anchor.page is None:
        return None
    x0, _y0, _x1, y1 = anchor.bbox
    h = max(anchor.bbox[3] - anchor.bbox[1], 1.0)
    below = [
        r
        for r in L.iter_refs([p for p in pages if p.number == anchor.page])
        if r.line.bbox is not None
        and r.line.bbox[1] > y1 - 0.2 * h
        and r.line.bbox[1] - y1 < 3 * h
        and abs(r.line.bbox[0] - x0) < h
    ]
    if not below:
        return None
    first = min(below, key=lambda r: r.line.bbox[1])
    text = first.line.text.strip()
    return first if looks_like_address(text) and text not in taken else None


def unlabelled_rows(rows: list[str]) -> int:
    """How many rows of an address found without its label are the address: the first, and
    each next one that goes on naming a street, number or room (「1346号」) and ends as no name,
    amount or date does. With no label read, the rows below may be other rows whose labels were
    lost too (「人范志超」 of 负责人): those end it.

    >>> unlabelled_rows(["山东省青岛市即墨市北安办事处烟青路", "1346号"])
    2
    >>> unlabelled_rows(["东阿县姚寨镇范集", "人范志超", "质个人独资企业"])
    1
    """
    n = 1
    for row in rows[1:]:
        t = "".join(row.split())
        if not (_STREET_RE.search(t) or re.fullmatch(r"[\d、,，.\-]+", t)) or _NOT_ADDRESS_END_RE.search(t):
            break
        if re.search(r"\d{4}\s*年", t):
            break
        n += 1
    return n


def without_label_glyph(addr: str) -> str:
    """The address without the last glyph of a letter-spaced label read onto it (住 址 → 「址…」).

    >>> without_label_glyph("址东阿县姚寨镇范集"), without_label_glyph("所在地工业园3号")
    ('东阿县姚寨镇范集', '所在地工业园3号')
    """
    if addr[:1] in "址所":
        found = region.find_divisions(addr[1:])
        if found and found[0][2] == 0:
            return addr[1:]
    return addr

"""A licence's registration authority (登记机关) checked against the places it can name.

An authority is named after a place and an organ (泉州市丰泽区市场监督管理局, 北京市工商行政
管理局海淀分局, 郑州高新技术产业开发区市场监督管理局). Read from the licence's seal, a curved
ring of glyphs OCR often gets partly wrong, the place is corrected to the nearest division the
credit code's division code or the licence's address names (GB/T 2260 via
:mod:`extractor.normalize.region`), and an organ misread is matched fuzzily. A place that no
candidate supports is not this company's authority: nothing is returned.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

import extractor.fields.layout as L
from extractor.fields.license_places import (
    _MUNICIPALITIES,
    _named,
    _own_county,
    _paths,
    _place_names,
    _place_of,
    _runs_of,
    _same_slots,
    _short_places,
    _sibling_place,
    authority_place,
    division_code,
    province_short,
)
from extractor.normalize import region
from extractor.textnorm import one_glyph_apart

# the organs that register companies, longest first where one word holds another
_ORGAN_WORDS = (
    "市场监督管理局", "工商行政管理局", "市场和质量监督管理局", "市场监督管理委员会", "行政审批服务管理局",
    "政务服务管理和行政审批局", "行政审批服务局", "审批服务管理局",
    "行政审批局", "市场监管局", "工商局",
)  # fmt: skip
# a branch of the organ: 北京市工商行政管理局海淀分局, 深圳市市场监督管理局福田监管局
_BRANCH = r"(?:分局|监管局)"
# a place's glyphs, or a district in brackets after a zone (「常州国家高新技术产业开发区(新北区)」)
_PLACE_GLYPH = r"(?:[\u4e00-\u9fa5]|[(（][\u4e00-\u9fa5]{2,6}[)）])"
AUTHORITY_RE = re.compile(
    _PLACE_GLYPH + r"{2,20}(?:" + "|".join(_ORGAN_WORDS) + r")(?:[\u4e00-\u9fa5]{0,10}?" + _BRANCH + ")?"
)
ORGAN_RE = re.compile(
    r"(?P<place>" + _PLACE_GLYPH + r"{0,20}?)"
    rf"(?P<organ>{'|'.join(_ORGAN_WORDS)})"
    r"(?P<branch>[\u4e00-\u9fa5]{1,8}?" + _BRANCH + ")?"
)


FRAGMENT_RE = re.compile(r"(?P<p>[\u4e00-\u9fa5]{1,3})(?P<organ>市场监督管理局|工商行政管理局)")


def _in_own_address(place: str, address: str | None, min_len: int = 5) -> bool:
    """Whether the licence's address names ``place`` (a city and its district, two names or
    more: ``min_len`` glyphs or more), as printed.

    >>> _in_own_address("杭州市下城区", "浙江省杭州市下城区新天地街124号"), _in_own_address("杭州市", "杭州市下城区")
    (True, False)
    """
    return bool(address) and len(place) >= min_len and place in L.norm(address or "")


def _abolished_own(place: str, credit_code: str | None, address: str | None) -> bool:
    """Whether ``place`` is the code's own county abolished since (即墨市, 370282, a district of
    青岛 since 2017: the table no longer knows the code), read whole on the seal and printed in
    the licence's address.

    >>> _abolished_own("即墨市", "370282228012762", "青岛即墨市马山镇陈家河工业园")
    True
    >>> _abolished_own("即墨市", "370215228012762", "青岛即墨市马山镇"), _abolished_own("即墨市", "370282228012762", "青岛市")
    (False, False)
    """
    div = division_code(credit_code)
    return (
        div is not None
        and region.lookup(div) is None
        and place[-1:] in ("市", "县", "区", "旗")
        and _in_own_address(place, address, min_len=3)
    )


def _real_place_in_province(place: str, credit_code: str | None) -> bool:
    """Whether ``place`` is made only of real division names, inside the credit code's province
    (two names or more), or one county inside the code's prefecture (a company coded by its
    city, registered by its county: 「海盐县」 under 嘉兴市).

    >>> _real_place_in_province("海盐县", "9133040079856842X4"), _real_place_in_province("海盐县", "91350503MA2Y3K6W8C")
    (True, False)
    >>> _real_place_in_province("莆田市城阳区", "92350302MABTYKY0XM")
    False
    >>> authority_from_seal("莆田市城阳区市场监督管理局", "92350302MABTYKY0XM")
    '莆田市城厢区市场监督管理局'
    """
    found = region.find_divisions(place)
    if not found or "".join(n for n, _c, _s in found) != place or not credit_code:
        return False
    d = region.resolve(place)
    div = division_code(credit_code)
    if d is None or div is None or d.code[:2] != div[:2]:
        return False
    if d.code not in found[-1][1]:
        return False  # the names are not one path (「莆田市城阳区」: 城阳区 is Qingdao's, 城厢区 misread)
    return len(found) >= 2 or (div[4:] == "00" and d.code[:4] == div[:4])


def authority_from_seal(text: str, credit_code: str | None, address: str | None = None) -> str | None:
    """The registration authority a seal names, its place corrected to the nearest division
    name of the credit code's area (seal text is OCR of a curved ring).

    >>> authority_from_seal("南京市栖廣区市场监督管理局", "91320113MA1XXXXXXX")
    '南京市栖霞区市场监督管理局'
    >>> authority_from_seal("深遺店市场监督管理局", "91440300MA5XXXXXXX")
    '深圳市市场监督管理局'
    >>> authority_from_seal("太原市晋源区行政审批服务管理局", "91140110MA0LWELP73")  # the organ whole
    '太原市晋源区行政审批服务管理局'
    >>> authority_from_seal("成都市金牛区政务服务管理和行政审批局", "91510106MA6CXXXXXX")  # Sichuan's districts
    '成都市金牛区政务服务管理和行政审批局'
    >>> authority_from_seal("银川币审批服务管理局用", "9164000006476312X9", "宁夏银川市西夏区")  # without 行政
    '银川市审批服务管理局'
    >>> authority_from_seal("鹿城区市场监督管理局", "91330302MAE9XJ897G")   # a district names its city
    '温州市鹿城区市场监督管理局'
    >>> authority_from_seal("北京市工商行政管理局海淀分局", "91110108MA01XXXXXX")
    '北京市工商行政管理局海淀分局'
    >>> authority_from_seal("广州市工商行政管理局天间分局", "440106000832441")  # its branch misread
    '广州市工商行政管理局天河分局'
    >>> authority_from_seal("北京市工商行政管理局经济技术开发区分局", "110302000000000")  # a zone's branch
    '北京市工商行政管理局经济技术开发区分局'
    >>> authority_from_seal("钦州市坎北区工商行政管理局", "91450702MA5XXXXXXX")  # another district of the city
    '钦州市钦北区工商行政管理局'
    >>> authority_from_seal("北京市延庆区市场监督管理局", "911101115923791213")  # moved from 房山区
    '北京市延庆区市场监督管理局'
    >>> authority_from_seal("泉州智算科技有限公司", "91350503MA2Y3K6W8B") is None
    True
    >>> authority_from_seal("郑州高新技术产业开发区市场监督管理局", "91410100MAKH4D2W0H")  # a zone's bureau
    '郑州高新技术产业开发区市场监督管理局'
    >>> authority_from_seal("济南高新技术产业开发区管委会市场监管局", "91370100689487305H")
    '济南高新技术产业开发区管委会市场监管局'
    >>> authority_from_seal("常州国家高新技术产业开发区（新北区）行政审批局", "913204116776474397")  # its district in brackets
    '常州国家高新技术产业开发区(新北区)行政审批局'

    A district merged away since (杭州市下城区, 2021) is still the one the licence's address names:

    >>> authority_from_seal("杭州市下城区市场监督管理局", "91330103MA2B1NYK91", "浙江省杭州市下城区新天地街124号")
    '杭州市下城区市场监督管理局'

    A ring whose organ is misread too (「莱西市行政事批服务易」) is matched fuzzily; a place read
    as other glyphs of its length (「荣物雨」) is the code's own division:

    >>> authority_from_seal("莱西市行政事批服务易", "9137028535030571XX")
    '莱西市行政审批服务局'
    >>> authority_from_seal("荣物雨市场监督管典层", "91440300MA5DC0273T")
    '深圳市市场监督管理局'
    >>> authority_from_seal("益越通市市场监量管理局", "360200210067973")  # an old 注册号
    '景德镇市市场监督管理局'
    >>> authority_from_seal("c&haAfEY1平果市市场监备管理局", "91451023MA5QDH082P", "百色市平果市马头镇")  # noise
    '平果市市场监督管理局'

    A place read wrong but for a glyph in its own slot is the code's own; a place lost
    whole is the code's (its division is the authority's), named as :func:`own_authority` says:

    >>> authority_from_seal("徐圳本市场监督管理局", "914403003117923591")
    '深圳市市场监督管理局'
    >>> authority_from_seal("自康水县工商行政管理局", "130623004006033")   # a glyph before the place
    '涞水县工商行政管理局'
    >>> authority_from_seal("工商行政管理局", "431300000026471")
    '娄底市工商行政管理局'
    >>> authority_from_seal("场监督管理局", "91370112MA3DDPDR7H")   # the organ read in part
    '济南市历城区市场监督管理局'
    >>> authority_from_seal("市场监修售局", "91441400MA52XE5675") is None   # too unsure alone
    True
    """
    t = L.norm(text)
    m = ORGAN_RE.search(t)
    if not m:
        return _zone_committee(t, credit_code, address) or _authority_fuzzy(t, credit_code, address)
    place = m.group("place")
    branch = _own_branch(m.group("branch"), credit_code) or _misread_branch(t[m.end() :], credit_code) or ""
    if len(place) < 2 and m.start() == 0:
        return own_authority(credit_code, m.group("organ"), branch or None)
    cands = _place_names(credit_code, address)
    if _zone_of_known_city(place, cands) or place in _short_places(credit_code, address):
        return place + m.group("organ") + branch
    if (
        cands
        and place not in cands
        and (
            _real_place_in_province(place, credit_code)
            or _in_own_address(place, address)
            or _abolished_own(place, credit_code, address)
        )
    ):
        # read whole and real (the company moved within its province since it was coded), or
        # named by the licence's own address (a district since merged away: 杭州市下城区)
        cands = []
    if cands and place not in cands and (sib := _sibling_place(place, credit_code, cands)):
        return sib + m.group("organ") + branch
    if cands and place not in cands:
        best = max(cands, key=lambda c: (fuzz.ratio(place, c), -abs(len(c) - len(place))))
        if _renamed_division(place, best):
            return place + m.group("organ") + branch
        # a curved ring misreads whole glyphs (深遺店 for 深圳市): the same length and first
        # glyph within the code's own area is enough
        close = fuzz.ratio(place, best) >= 60 or (len(place) == len(best) and place[:1] == best[:1])
        own = authority_place(credit_code)
        if not close and own is not None and _same_slots(place, own):
            return own + m.group("organ") + branch
        if not close and len(place) >= 4:
            # a ring's reading starts anywhere: a glyph of its edge or star read before the
            # place (「自康水县」 for 涞水县) is no part of it
            rest = place[1:]
            near = max(cands, key=lambda c: (fuzz.ratio(rest, c), -abs(len(c) - len(rest))))
            if len(rest) == len(near) and fuzz.ratio(rest, near) >= 60:
                return _with_city(near, credit_code) + m.group("organ") + branch
        if not close:
            return None  # a place the credit code does not know: not this company's authority
        place = best
    elif not cands and len(place) < 2:
        return None
    return _with_city(place, credit_code) + m.group("organ") + branch


def _misread_branch(tail: str, credit_code: str | None) -> str | None:
    """A city bureau's branch read after its organ with its place and 局 misread (「南公分司」 for
    雨花分局): the branch of the code's own county, when the place read has its length.

    >>> _misread_branch("南公分司", "91430111MA4L6KXL2L"), _misread_branch("南分司", "91430111MA4L6KXL2L")
    ('雨花分局', None)
    >>> _misread_branch("", "91430111MA4L6KXL2L"), _misread_branch("南公分司", "91430100MA4L6KXL2L")
    (None, None)
    """
    m = re.fullmatch(r"(?P<p>[\u4e00-\u9fa5]{1,4})分[\u4e00-\u9fa5]", tail)
    own = _own_county(credit_code) if m else None
    if own is None:
        return None
    short = own[1]
    return short + "分局" if len(short) == len(m.group("p")) else None


def _own_branch(branch: str | None, credit_code: str | None) -> str | None:
    """A branch read whole after its organ, its place checked against the code's own county: a
    place of that length sharing a glyph in its slot and naming no division is the county's
    misread (「天间分局」 for 天河分局, code 440106); a real place is kept as read.

    >>> _own_branch("天间分局", "440106000832441"), _own_branch("海淀分局", "91110108MA01XXXXXX")
    ('天河分局', '海淀分局')
    >>> _own_branch("越秀分局", "440106000832441"), _own_branch(None, "440106000832441")
    ('越秀分局', None)
    """
    m = re.fullmatch(r"(?P<p>[\u4e00-\u9fa5]+?)(?P<s>分局|监管局)", branch or "")
    own = _own_county(credit_code) if m else None
    if m is None or own is None:
        return branch
    name, short = own
    p = m.group("p")
    if p in (short, name) or not _same_slots(p, short) or any(region.find_divisions(p + w) for w in "区县市"):
        return branch
    return short + m.group("s")


def own_authority(credit_code: str | None, organ: str, branch: str | None = None) -> str | None:
    """The authority of the code's own division with ``organ``, named as authorities name
    themselves: a city's bureau by the city (娄底市工商行政管理局), a county's or a county-level
    city's by itself alone (泊头市市场监督管理局, 馆陶县行政审批局), a district's by its city
    and itself (济南市历城区市场监督管理局) — but a district's 工商行政管理局 may have been its
    city's branch (北京市工商行政管理局海淀分局): nothing then, unless the branch was read.

    >>> own_authority("130981600205609", "市场监督管理局"), own_authority("91370112MA3DDPDR7H", "市场监督管理局")
    ('泊头市市场监督管理局', '济南市历城区市场监督管理局')
    >>> own_authority("91370112MA3DDPDR7H", "工商行政管理局") is None
    True
    >>> own_authority("431300000026471", "工商行政管理局"), own_authority("430111000287680", "工商行政管理局", "雨花分局")
    ('娄底市工商行政管理局', '长沙市工商行政管理局雨花分局')
    """
    div = division_code(credit_code)
    if div is None:
        return None
    if branch:
        place = _place_of(div[:4] + "00")
        return place + organ + branch if place else None
    if div.endswith("00"):
        place = _place_of(div)
        return place + organ if place else None
    d = region.lookup(div)
    if d is None or d.name[-1] not in "区县市旗":
        return None
    if d.name.endswith("区"):
        return _named(d) + organ if organ != "工商行政管理局" else None
    return d.name + organ


# an organ read without its place is taken only this alike (0-100): nothing else supports it
LOST_PLACE_ORGAN_MIN = 80


# a development zone's own bureau (郑州高新技术产业开发区市场监督管理局): the zone is named
# after its city, with or without the city's 市, and is no GB/T 2260 division
_ZONE_RE = re.compile(
    r"(?P<city>[\u4e00-\u9fa5]{2,8}?)市?[\u4e00-\u9fa5]{0,10}?"
    r"(?:高新技术产业开发区|经济技术开发区|经济开发区|高新区|开发区|新区|工业园区|园区|保税区|试验区|实验区)"
    r"(?:[(（][\u4e00-\u9fa5]{2,6}[)）])?(?:管委会|管理委员会)?"
)


def _zone_of_known_city(place: str, cands: list[str]) -> bool:
    """Whether ``place`` is a development zone of a city the credit code or address names.

    >>> _zone_of_known_city("郑州高新技术产业开发区", ["河南省", "河南省郑州市", "郑州市"])
    True
    >>> _zone_of_known_city("苏州工业园区", ["河南省", "郑州市"]), _zone_of_known_city("郑州市", ["郑州市"])
    (False, False)
    >>> _zone_of_known_city("常州国家高新技术产业开发区（新北区）", ["江苏省", "常州市", "新北区"])  # its district too
    True
    >>> _zone_of_known_city("四川天府新区", ["四川省", "成都市"]), _zone_of_known_city("江苏苏州工业园区", ["江苏省", "常州市"])
    (True, False)
    """
    m = _ZONE_RE.fullmatch(place)
    if not m:
        return False
    cities = {c[:-1] for c in cands if c.endswith("市")} | {c for c in cands if c.endswith("市")}
    if any(place.startswith(c) for c in cities if len(c) >= 2):
        return True
    # a national new area is named after its province (四川天府新区, spanning two cities)
    provinces = {province_short(c) for c in cands if re.search(r"省$|自治区$", c)}
    return place.endswith("新区") and any(place.startswith(pr) for pr in provinces if len(pr) >= 2)


def _zone_committee(t: str, credit_code: str | None, address: str | None = None) -> str | None:
    """A development zone's management committee that registers its companies itself, read
    whole (its name may start with the province's: 「江苏常州经济开发区管理委员会」), when the
    zone is one of a city the credit code or the address names.

    >>> _zone_committee("江苏常州经济开发区管理委员会", "91320412MA1WBLRK0R")
    '江苏常州经济开发区管理委员会'
    >>> _zone_committee("江苏常州经济开发区管理委员会", "91410100MAKH4D2W0H") is None  # another city's
    True
    >>> _zone_committee("泉州智算科技管理委员会", "91350503MA2Y3K6W8B") is None
    True
    """
    m = re.fullmatch(r"(?P<zone>[\u4e00-\u9fa5()（）]{4,30}?)(?:管理委员会|管委会)", t)
    if m is None:
        return None
    cands = _place_names(credit_code, address)
    zone = m.group("zone")
    for prov in (c for c in cands if c.endswith(("省", "自治区"))):
        short = province_short(prov)
        for name in (prov, short):
            if zone.startswith(name) and not zone.startswith(name + "省"):
                zone = zone[len(name) :]
                break
    return t if _zone_of_known_city(zone, cands) else None


def _renamed_division(place: str, known: str) -> bool:
    """Whether a seal's place is a division the table knows under a later name: the same name
    with the level word of before (长垣县 became 长垣市 in 2019, 海门市 海门区 in 2020); an old
    licence's seal keeps the old name.

    >>> _renamed_division("长垣县", "长垣市"), _renamed_division("新乡市长垣县", "新乡市长垣市")
    (True, True)
    >>> _renamed_division("长垣市", "长垣市"), _renamed_division("长坦县", "长垣市")
    (False, False)
    """
    return (
        len(place) == len(known) >= 3
        and place[:-1] == known[:-1]
        and place[-1] != known[-1]
        and {place[-1], known[-1]} <= {"县", "市", "区", "旗"}
    )


def _with_city(place: str, credit_code: str | None) -> str:
    """A district's bureau names its city too (温州市鹿城区市场监督管理局): a ring read from
    the district on (the city lost in the ring's gap) gets the city of the code's division.

    >>> _with_city("鹿城区", "91330302MAE9XJ897G"), _with_city("海盐县", "9133042479856842X4")
    ('温州市鹿城区', '海盐县')
    """
    own = authority_place(credit_code)
    if place.endswith("区") and own and own.endswith(place) and len(own) > len(place):
        return own
    return place


# organs long enough to be recognised with a misread glyph: the 局 ones of five glyphs or more
_FUZZY_ORGANS = tuple(o for o in _ORGAN_WORDS if o.endswith("局") and len(o) >= 5)


def _authority_fuzzy(t: str, credit_code: str | None, address: str | None = None) -> str | None:
    """An authority's seal read with its organ's glyphs misread: the organ found at the end of
    the text (≥ 70 % alike), the place before it taken as the nearest division name of the code's area, or
    as the code's own division when it was read as other glyphs of the same length."""
    best = None
    for organ in _FUZZY_ORGANS:
        # the organ ends the ring's text: compare it with the text's tail (± one glyph)
        for n in (len(organ) - 1, len(organ), len(organ) + 1):
            if len(t) - n < 0 or n < 4:
                continue
            score = fuzz.ratio(organ, t[-n:])
            if score >= 70 and (best is None or score > best[0]):
                best = (score, organ, len(t) - n)
    if best is None:
        return None
    _score, organ, start = best
    # letters and figures a ring's noise reads before the name are no place's
    place = re.sub(r"^[^\u4e00-\u9fa5]+", "", t[:start])
    if len(place) < 2:
        # the place lost on the ring's curve: only an organ read nearly whole names it
        return own_authority(credit_code, organ) if _score >= LOST_PLACE_ORGAN_MIN else None
    cands = _place_names(credit_code, address)
    if place in cands:
        return _with_city(place, credit_code) + organ
    near = max(cands, key=lambda c: (fuzz.ratio(place, c), -len(c)), default=None)
    if near is not None and _renamed_division(place, near):
        return place + organ
    if near is not None and fuzz.ratio(place, near) >= 60:
        if place.startswith(near) and len(place) > len(near):
            # glyphs after a whole place name (「西安市滤」: 灞桥区 misread, its 区 lost): the
            # deeper division the candidates know below it
            deeper = [c for c in cands if c.startswith(near) and len(c) > len(near)]
            if deeper:
                near = min(deeper, key=lambda c: (abs(len(c) - len(place)), -fuzz.ratio(place, c)))
        return near + organ
    own = authority_place(credit_code)
    if own is not None and len(own) == len(place):
        return own + organ
    return None


# The organs a candidate authority is built with (the names registration authorities carry)
_CANDIDATE_ORGANS = (
    "市场监督管理局", "工商行政管理局", "行政审批局", "行政审批服务局", "市场监管局", "市场和质量监督管理局",
    "数据局", "审批服务管理局",
)  # fmt: skip
CANDIDATE_MIN = 70  # a ring read this alike (mean of whole and partial likeness, 0-100) names it
CANDIDATE_MARGIN = 3  # ... and this much more alike than any other candidate


_ZONE_WORD_RE = re.compile(r"(?:国家)?(?:高新技术产业开发区|经济技术开发区|经济开发区|高新区|工业园区)")


def _zones_of(address: str | None) -> list[str]:
    """The development zone a licence's address lies in, named after its city with and without
    市 (a zone's own bureau registers its companies; no GB/T 2260 division names it).

    >>> _zones_of("聊城市高新技术产业开发区黄河路16号"), _zones_of("山东省聊城市东昌府区")
    (['聊城高新技术产业开发区', '聊城市高新技术产业开发区'], [])
    """
    a = L.norm(address or "")
    m = _ZONE_WORD_RE.search(a)
    c = re.search(r"([\u4e00-\u9fa5]{2,4}?)市$", a[: m.start()]) if m else None
    if m is None or c is None:
        return []
    return [c.group(1) + m.group(0), c.group(1) + "市" + m.group(0)]


def authority_candidates(credit_code: str | None, address: str | None = None) -> list[str]:
    """Every name a registration authority of this company can carry: each run of consecutive
    names on the division path of the credit code (or of the address, in the code's province)
    with each organ (「无锡市梁溪区行政审批局」), and a county's branch of its city's bureau
    (「长沙市工商行政管理局雨花分局」, 「深圳市市场监督管理局福田监管局」).

    >>> c = authority_candidates("91430105183760159X")
    >>> "长沙市工商行政管理局开福分局" in c, "长沙市开福区市场监督管理局" in c, "开福区数据局" in c
    (True, True, True)
    >>> "深圳市市场监督管理局福田监管局" in authority_candidates("92440300L15034601Q", "深圳市福田区华强北路")
    True
    >>> authority_candidates(None)
    []
    """
    out: set[str] = set()
    for zone in _zones_of(address):
        out.update(zone + organ for organ in _CANDIDATE_ORGANS)
    for p in _paths(credit_code, address):
        names = [n for _c, n in p.path]
        for run in _runs_of(p):
            out.update(run + organ for organ in _CANDIDATE_ORGANS)
        if len(names) >= 3 or (len(names) == 2 and names[0] in _MUNICIPALITIES):
            city, county = names[-2], names[-1]
            short = county[:-1] if len(county) > 2 and county[-1] in "区县市旗" else county
            out.update(
                (
                    f"{city}工商行政管理局{short}分局",
                    f"{city}市场监督管理局{short}分局",
                    f"{city}市场监督管理局{county}分局",
                    f"{city}市场监督管理局{short}监管局",
                )
            )
    return sorted(out)


def ring_starts(t: str, cands: list[str]) -> list[str]:
    """A ring's reading, and the same glyphs read from each point where a candidate's name
    starts: OCR unrolls a round seal from where it guesses the text begins, and may start
    mid-name (「服务局聊城市东昌府区行政」).

    >>> ring_starts("服务局聊城市东昌府区行政", ["聊城市东昌府区行政审批局"])
    ['服务局聊城市东昌府区行政', '聊城市东昌府区行政服务局']
    """
    heads = {c[:2] for c in cands}
    return [t] + [t[i:] + t[:i] for i in range(1, len(t) - 1) if t[i : i + 2] in heads]


def _organ_glyphs(cand: str) -> set[str]:
    """The glyphs of a candidate authority's organ (and branch) that its place does not hold.

    >>> sorted(_organ_glyphs("昆山市市场监管局")), sorted(_organ_glyphs("南安市数据局"))
    (['场', '局', '监', '管'], ['局', '据', '数'])
    """
    m = ORGAN_RE.search(cand)
    if m is not None:
        return set(m.group("organ") + (m.group("branch") or "")) - set(m.group("place"))
    organ = next((o for o in sorted(_CANDIDATE_ORGANS, key=len, reverse=True) if o in cand), "")
    return set(organ) - set(cand[: cand.find(organ)]) if organ else set()


def authority_by_candidates(text: str, credit_code: str | None, address: str | None = None) -> str | None:
    """The candidate authority (:func:`authority_candidates`) a seal's ring reads as, when no
    organ could be told in the reading (none read whole): the one most alike, if alike enough and clearly ahead
    of every other. A ring misread in several glyphs or read in part is still its authority's;
    a company's own seal is like none.

    >>> authority_by_candidates("长沙市痛政管理同雨花分局", "430111000287680")
    '长沙市工商行政管理局雨花分局'
    >>> authority_by_candidates("督管理局福田监管局", "92440300L15034601Q", "深圳市福田区华强北路")
    '深圳市市场监督管理局福田监管局'
    >>> authority_by_candidates("孟村回族自治县行", "91130930MA0DG0WT7K")
    '孟村回族自治县行政审批局'
    >>> authority_by_candidates("无锡市梁溪区数据局", "9132020033111271X4", "无锡市梁溪区中山路")
    '无锡市梁溪区数据局'
    >>> authority_by_candidates("无锡市梁溪区数据局", "9132020033111271X4") is None   # 梁溪区 unknown
    True
    >>> authority_by_candidates("深圳市讯嘉电子科技有限公司", "440301102800041") is None
    True

    A ring with its organ read whole is left to :func:`authority_from_seal` (a zone of another
    city is not this company's authority):

    >>> authority_by_candidates("苏州工业园区市场监督管理局", "91410100MAKH4D2W0H") is None
    True

    A ring read at the length of a branch's name names the branch, not its city's bureau that
    the branch's name contains; a zone's bureau is a candidate where the address lies in it:

    >>> authority_by_candidates("北京市商行政管理局套城分局", "110101012603428", "北京市东城区安德路甲61号三层")
    '北京市工商行政管理局东城分局'
    >>> authority_by_candidates("眺城高新技术二业开发区行政再地服务局", "91371500575463962Y", "聊城市高新技术产业开发区黄河路16号")
    '聊城高新技术产业开发区行政审批服务局'

    A ring unrolled from a point inside the name is read from where a candidate starts:

    >>> authority_by_candidates("服务局聊城市东昌府区行政", "91371502MA3WLE6P75")
    '聊城市东昌府区行政审批服务局'

    A ring read with no glyph of any organ names a place, not its authority: which of the
    place's organs registered the company is not read (the shortest is no answer):

    >>> authority_by_candidates("H昆山市市", "91320583593931880X") is None
    True

    Two candidates alike within the margin (泸州市生胎力教管理局: 市场监督 or 工商行政?) give
    nothing:

    >>> authority_by_candidates("泸州市生胎力教管理局", "915105007422843485") is None
    True
    """
    t = L.norm(text)
    if len(t) < 4 or ORGAN_RE.search(t):
        return None  # an organ read whole: its place decides (:func:`authority_from_seal`)
    scored = []
    cands = authority_candidates(credit_code, address)
    readings = ring_starts(t, cands)
    for cand in cands:
        if not set(t) & _organ_glyphs(cand):
            continue  # the place read alone (「昆山市市」): which organ it names is not read
        whole, part = max((fuzz.ratio(r, cand), fuzz.partial_ratio(r, cand)) for r in readings)
        scored.append(((whole + part) / 2, whole, cand))
    if not scored:
        return None
    scored.sort(reverse=True)
    best = scored[0]
    if best[0] < CANDIDATE_MIN:
        return None
    if len(scored) > 1 and best[0] - scored[1][0] < CANDIDATE_MARGIN:
        # alike within the margin: a city's bureau and its branch (北京市工商行政管理局 and
        # …东城分局) are told apart by the reading's whole length; anything else gives nothing
        second = scored[1]
        short, long_ = sorted((best[2], second[2]), key=len)
        nested = long_.startswith(short) and re.search(_BRANCH + "$", long_) is not None
        # a zone named after its city with or without 市 is one bureau: the nearer reading
        same = short.replace("市", "") == long_.replace("市", "")
        if not (same or (nested and abs(best[1] - second[1]) >= CANDIDATE_MARGIN)):
            return None
        if len(scored) > 2 and best[0] - scored[2][0] < CANDIDATE_MARGIN:
            return None
        if nested:
            best = max(best, second, key=lambda c: c[1])
    return best[2]


def one_glyph_fixed(printed: str, code: str | None, addr: str | None) -> str:
    """A printed authority with one glyph of its place misread (「湖圳市市场监督管理局」) restored
    as a seal's reading is (:func:`authority_from_seal`); only a single glyph is changed, so a
    name printed whole, or printed without its city, stays as printed. A place that names no
    division at all is mended further (:func:`_unplaced_fixed`).

    >>> one_glyph_fixed("湖圳市市场监督管理局", "440301104194898", None)
    '深圳市市场监督管理局'
    >>> one_glyph_fixed("鹿城区市场监督管理局", "91330302MAE9XJ897G", None)
    '鹿城区市场监督管理局'
    """
    fixed = authority_from_seal(printed, code, addr)
    if fixed and one_glyph_apart(fixed, printed):
        return fixed
    return _unplaced_fixed(printed, code, addr) or printed


# how many glyphs a place that names no division may differ from the code's place it stands for
UNPLACED_MAX_EDITS = 2


def _unplaced_fixed(printed: str, code: str | None, addr: str | None) -> str | None:
    """A printed authority whose place names no division at all (「圳市市场监督管理局」, its first
    glyph lost; 「城市…」) is the one candidate of the code's places of the same
    level (the same last glyph: 市, 区, 县) with the same organ within two glyphs of it. A real
    place (「鹿城区」) is never replaced, nor a place two candidates are as near to.

    >>> _unplaced_fixed("圳市市场监督管理局", "440301106184536", "深圳市罗湖区宝安北路")
    '深圳市市场监督管理局'
    >>> _unplaced_fixed("城市市场监督管理局", "440301106815252", "深圳市福田中心区益田路")
    '深圳市市场监督管理局'
    >>> _unplaced_fixed("鹿城区市场监督管理局", "91330302MAE9XJ897G", None) is None
    True
    >>> _unplaced_fixed("天河市场监督管理局", "440106000832441", None) is None  # 区 lost: no level
    True
    """
    m = ORGAN_RE.fullmatch(L.norm(printed))
    if m is None or m.group("branch"):
        return None
    place, organ = m.group("place"), m.group("organ")
    level = place[-1:] if place[-1:] in "市区县旗" else ""
    if len(place) < 2 or not level or region.find_divisions(place):
        return None
    scored = []
    for cand in authority_candidates(code, addr):
        if not cand.endswith(organ) or (cp := cand[: -len(organ)])[-1:] != level or not cp:
            continue
        if region.find_divisions(cp) and (d := Levenshtein.distance(place, cp)) <= UNPLACED_MAX_EDITS:
            scored.append((d, cand))
    scored.sort()
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def in_inspection_stamp(ref: L.Ref, stamps: list[L.Ref]) -> bool:
    """Whether a line is the office printed in an annual-inspection stamp (「东莞市工商局」 /
    「虎门分局」 over 「2010年度验讫」), not the registration authority: a 验讫/年检 line under it,
    within three of its line heights, and across within two (a stamp's lines are centred)."""
    b = ref.line.bbox
    if b is None:
        return False
    h = b[3] - b[1]
    return any(
        s.page is ref.page
        and s.line.bbox is not None
        and 0 <= s.line.bbox[1] - b[1] <= 3 * h
        and min(s.line.bbox[2], b[2]) > max(s.line.bbox[0], b[0]) - 2 * h
        for s in stamps
    )

"""The places a licence's registration authority can be named after: the divisions of the
credit code (chars 3-8, GB/T 2260) and of the licence's address (:mod:`extractor.normalize.region`),
as authorities name them (no province before a city; a county's branch by its short name).
"""

from __future__ import annotations

import re

from extractor.normalize import region
from extractor.textnorm import one_glyph_apart

_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# a province's level word, as its short name drops it (广西壮族自治区: 广西; 上海市: 上海)
_PROVINCE_LEVEL_RE = re.compile(r"(?:壮族|回族|维吾尔)?(?:自治区|省|市)$")


def province_short(name: str) -> str:
    """A province's name as zones and bureaus print it, without its level word.

    >>> province_short("广西壮族自治区"), province_short("福建省"), province_short("上海市"), province_short("省")
    ('广西', '福建', '上海', '省')
    """
    return _PROVINCE_LEVEL_RE.sub("", name) or name


def division_code(code: str | None) -> str | None:
    """The GB/T 2260 division in a credit code (chars 3-8) or an old 15-digit 注册号 (chars 1-6).

    >>> division_code("91440300MA5DC0273T"), division_code("360200210067973"), division_code("123")
    ('440300', '360200', None)
    """
    if code and len(code) == 18:
        return code[2:8]
    if code and len(code) == 15 and code.isdigit():
        return code[:6]
    return None


def authority_place(credit_code: str | None) -> str | None:
    """The place an authority of the credit code's division puts in its name: the division
    path without the province, except for the four municipalities.

    >>> authority_place("91310116MADCMKPL7J"), authority_place("91370203MA3XXXXXXX")
    ('上海市金山区', '青岛市市北区')
    >>> authority_place("91350000MA3XXXXXXX"), authority_place(None)
    ('福建省', None)
    """
    div = division_code(credit_code)
    return _place_of(div) if div else None


def fragment_place(credit_code: str | None, fragment: str) -> str | None:
    """The place of the credit code's division, or of a division above it, that ends with
    ``fragment`` (the glyphs a seal left before the organ: 「区」, 「市」), as an authority names
    it; the division itself first.

    >>> fragment_place("91440306MA5XXXXXXX", "区"), fragment_place("440306104414963", "市")
    ('深圳市宝安区', '深圳市')
    >>> fragment_place("91440306MA5XXXXXXX", "县") is None, fragment_place(None, "市") is None
    (True, True)
    """
    div = division_code(credit_code)
    d = region.lookup(div) if div else None
    if d is None or not fragment:
        return None
    names = [n for _c, n in d.path]
    for k in range(len(names), 0, -1):
        place = _named_path(names[:k])
        if place.endswith(fragment):
            return place
    return None


def _place_of(div: str) -> str | None:
    """:func:`authority_place` of a six-digit division code."""
    d = region.lookup(div)
    return _named(d) if d is not None else None


def _named(d: region.Division) -> str:
    """A division's place as an authority names it (see :func:`authority_place`)."""
    return _named_path([n for _c, n in d.path])


def _named_path(names: list[str]) -> str:
    """The names of a division path, province down, as an authority names the place: without
    the province, except for the four municipalities."""
    if len(names) > 1 and names[0] not in _MUNICIPALITIES:
        names = names[1:]
    return "".join(names)


def _runs_of(d) -> list[str]:
    names = [n for _c, n in d.path]
    return ["".join(names[i:j]) for i in range(len(names)) for j in range(i + 1, len(names) + 1)]


def _short_places(credit_code: str | None, address: str | None = None) -> set[str]:
    """The code's (or address's) county run written without the county's 县/市/区, as old
    authorities name it (「苏州市吴江工商行政管理局」, 「成都市武侯工商行政管理局」): a place
    that counts only when read exactly so (a misread 区 is no missing one).

    >>> sorted(_short_places("91510107MA61XXXX0X"))
    ['四川省成都市武侯', '成都市武侯']
    """
    out: set[str] = set()
    for d in _paths(credit_code, address):
        names = [n for _c, n in d.path]
        last = names[-1]
        if d.level == "county" and len(names) >= 2 and len(last) >= 3 and last[-1] in "县市区":
            out.update("".join(names[i:-1]) + last[:-1] for i in range(len(names) - 1))
    return out


def _place_names(credit_code: str | None, address: str | None = None) -> list[str]:
    """The division names a registration authority of this credit code can carry: every run
    of consecutive names on the path of the code's division (chars 3-8, GB/T 2260), and on the
    path of the division the licence's address names when that lies in the code's province
    (a company is registered where it sits; its code may keep the division it was first
    registered in, or a development zone's code the table does not know).

    >>> "西安市灞桥区" in _place_names("91611103MA6THK4E1D", "陕西省西安市灞桥区纺织城五环集团合作区13号楼")
    True
    >>> "福州市鼓楼区" in _place_names("91350503MA2Y3K6W8B", "福建省福州市鼓楼区五四路")   # another city of the province
    True
    >>> _place_names("91350503MA2Y3K6W8B", "广东省广州市天河区")[:2]   # another province: not used
    ['福建省', '福建省泉州市']
    """
    out: list[str] = []
    for path in _paths(credit_code, address):
        out += [n for n in _runs_of(path) if n not in out]
    return out


def _successors(div: str | None) -> list:
    """The counties of a county code's city when the table no longer knows the code (a county
    abolished or renamed since: 吴江市 320584 is 苏州市吴江区 320509 now): the authority that
    registered it carries one of their names.

    >>> [d.name for d in _successors("320584")][:3], _successors("320509"), _successors("320500")
    (['虎丘区', '吴中区', '相城区'], [], [])
    """
    if not div or div[4:] == "00" or region.lookup(div) is not None:
        return []
    return _counties_of_city(div)


def _counties_of_city(div: str) -> list:
    """The counties the table knows under the city of a six-digit division code."""
    found = (region.lookup(f"{div[:4]}{i:02d}") for i in range(1, 100))
    return [d for d in found if d is not None and d.level == "county"]


def _paths(credit_code: str | None, address: str | None = None) -> list:
    """The divisions an authority of this company can be named after: the credit code's (chars
    3-8, GB/T 2260), and the one the licence's address names when it lies in the code's
    province."""
    div = division_code(credit_code)
    d = region.lookup(div) if div else None
    # a county abolished since: its own name first (章丘市 370181), then its city's counties
    former = [f for f in [region.former(div)] if f is not None] if div and d is None else []
    out = [d] if d is not None else former + _successors(div)
    at = region.resolve(address) if address else None
    if at is not None and (div is None or at.code[:2] == div[:2]):
        out.append(at)
    return out


def _sibling_place(place: str, credit_code: str | None, own: list[str]) -> str | None:
    """Another county of the code's city that a ring's place misreads in one glyph while no
    place of the code's own is that near (「钦州市坎北区」: 钦北区, where the code keeps 钦南区,
    the district the company was first registered in).

    >>> _sibling_place("钦州市坎北区", "91450702MA5XXXXXXX", ["广西壮族自治区", "钦州市", "钦州市钦南区", "钦南区"])
    '钦州市钦北区'
    >>> _sibling_place("钦州市钦男区", "91450702MA5XXXXXXX", ["钦州市", "钦州市钦南区", "钦南区"]) is None
    True
    """
    div = division_code(credit_code)
    if not div or div[4:] == "00" or any(one_glyph_apart(place, c) for c in own):
        return None
    near = set()
    for d in _counties_of_city(div):
        names = [n for _c, n in d.path]
        for n in (names[-1], "".join(names[-2:])):
            if one_glyph_apart(place, n):
                near.add(n)
    return near.pop() if len(near) == 1 else None


def _own_county(credit_code: str | None) -> tuple[str, str] | None:
    """The code's own county as a branch names it: (its name, the name without 区/县/市/旗);
    None where the code names no county.

    >>> _own_county("440106000832441"), _own_county("91430100MA4L6KXL2L")
    (('天河区', '天河'), None)
    """
    div = division_code(credit_code)
    d = region.lookup(div) if div and not div.endswith("00") else None
    if d is None or d.level != "county":
        return None
    return d.name, d.name[:-1] if len(d.name) > 2 and d.name[-1] in "区县市旗" else d.name


def _same_slots(place: str, own: str) -> bool:
    """Whether a place read on a ring is the code's own one misread in whole glyphs: the same
    length, and a glyph in the same slot (「徐圳本」 for 「深圳市」; 「荣物雨」 shares none).

    >>> _same_slots("徐圳本", "深圳市"), _same_slots("荣物雨", "深圳市"), _same_slots("圳市", "深圳市")
    (True, False, False)
    """
    return len(place) == len(own) and any(a == b for a, b in zip(place, own, strict=True))

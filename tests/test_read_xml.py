"""XML reader: real e-invoice XML/XBRL, unknown XML, hostile and broken XML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor.limits import Limits
from extractor.read import ReadContext, read_bytes

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


@pytest.fixture
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS


def test_real_xml_files(realdocs: Path) -> None:
    files = sorted((realdocs / "invoices").glob("*.xml"))
    assert len(files) >= 2
    for f in files:
        r = read_bytes(f.read_bytes(), f.name)
        assert r.kind == "xml" and r.errors == []
        assert r.structured is not None
        assert r.pages[0].method == "structured" and r.pages[0].unit == "none"
        assert all(ln.bbox is None and ln.method == "structured" for ln in r.pages[0].lines)


def test_inv02_original_invoice_lines(realdocs: Path) -> None:
    f = next((realdocs / "invoices").glob("inv02_*.original_invoice.xml"))
    r = read_bytes(f.read_bytes(), f.name)
    texts = [ln.text for ln in r.pages[0].lines]
    assert "发票号码：83089647" in texts
    assert "销售方纳税人识别号：92330781MA2EDMFU50" in texts
    assert "价税合计（小写）：¥526.00" in texts
    assert r.structured["total_incl_tax"] == Decimal("526.00")


def test_inv05_xbrl(realdocs: Path) -> None:
    f = next((realdocs / "invoices").glob("inv05_*.xbrl.xml"))
    r = read_bytes(f.read_bytes(), f.name)
    assert r.structured["source"] == "xbrl"
    assert r.structured["buyer_tax_id"] == "913202133140424571"
    assert "价税合计（大写）：壹拾壹圆贰角" in r.text


def test_unknown_xml_text_nodes() -> None:
    r = read_bytes(
        "<root><title>项目申报书</title><p>企业名称：泉州某某公司</p> 尾巴 </root>".encode(), "a.xml"
    )
    assert r.structured is None
    assert [ln.text for ln in r.pages[0].lines] == ["项目申报书", "企业名称：泉州某某公司", "尾巴"]


def test_billion_laughs_refused() -> None:
    ents = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">{ents}]><lolz>&l9;</lolz>'.encode()
    r = read_bytes(bomb, "bomb.xml")
    assert r.structured is None and not r.pages
    assert r.errors and "billion laughs" in r.errors[0] and "实体" in r.errors[0]


def test_external_entity_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    r = read_bytes(xxe, "x.xml")
    assert r.errors and "实体" in r.errors[0]
    assert "root:" not in r.text


def test_broken_and_oversized_xml() -> None:
    r = read_bytes(b"<a><b>unterminated", "broken.xml")
    assert r.errors and "XML" in r.errors[0]
    ctx = ReadContext(limits=Limits(max_xml_bytes=1000))
    big = b"<a>" + b"<b>x</b>" * 500 + b"</a>"
    r2 = read_bytes(big, "big.xml", ctx)
    assert r2.errors and "max_xml_bytes" in r2.errors[0]


def test_deep_nesting_refused() -> None:
    deep = b"<a>" * 100_000 + b"</a>" * 100_000
    r = read_bytes(deep, "deep.xml")
    assert r.errors  # libxml2 depth limit (huge_tree=False) → Chinese parse error
    assert "XML" in r.errors[0]

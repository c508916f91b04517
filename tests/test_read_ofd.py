"""OFD reader and preview renderer on the real invoices, plus hostile/broken packages."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pymupdf
import pytest

from extractor.ofd_render import OfdRenderError, render_ofd_page
from extractor.read import ReadContext, read_bytes
from extractor.readers.ofd import MM_TO_PT, read_ofd

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


@pytest.fixture
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS


def _inv(realdocs: Path, prefix: str) -> Path:
    found = sorted((realdocs / "invoices").glob(f"{prefix}_*.ofd"))
    assert found
    return found[0]


def _read(realdocs: Path, prefix: str):
    p = _inv(realdocs, prefix)
    return read_bytes(p.read_bytes(), p.name)


def test_every_real_ofd_reads(realdocs: Path) -> None:
    files = sorted((realdocs / "invoices").glob("*.ofd"))
    assert len(files) >= 6
    for f in files:
        r = read_bytes(f.read_bytes(), f.name)
        assert r.kind == "ofd", f.name
        assert r.errors == [], (f.name, r.errors)
        assert r.pages and all(p.unit == "pt" and p.method == "text" for p in r.pages)
        assert len(r.text) > 100, f.name


def test_inv01_lines_and_geometry(realdocs: Path) -> None:
    r = _read(realdocs, "inv01")
    page = r.pages[0]
    # PhysicalBox 0 0 210 140 mm
    assert page.width == pytest.approx(210 * MM_TO_PT, abs=0.05)
    assert page.height == pytest.approx(140 * MM_TO_PT, abs=0.05)
    texts = [ln.text for ln in page.lines]
    # template labels and page values on one baseline become one line
    assert "发票号码：24112000000048542163" in texts
    assert "开票日期：2024年05月28日" in texts
    assert "名称：海南麒麟云服科技有限公司" in texts
    assert "电子发票（增值税专用发票）" in texts
    assert "购买方信息" in texts  # vertical label column
    num = next(ln for ln in page.lines if ln.text == "发票号码：24112000000048542163")
    _x0, y0, x1, y1 = num.bbox
    # TextObject Boundary x=170 mm; baseline ≈ 10.3 + 3.64 mm
    assert x1 == pytest.approx((170 + 19 * 1.5875 + 1.5875) * MM_TO_PT, abs=3)
    assert y0 < (10.3 + 3.64) * MM_TO_PT < y1
    # text placed off the page (a duplicate clerk name at y=285 mm) is not returned
    assert all(ln.bbox[1] < page.height for ln in page.lines)
    assert r.structured["invoice_kind"] == "电子发票（增值税专用发票）"
    assert r.structured["total_incl_tax"] == Decimal("4449.00")


def test_inv04_nonstandard_layout(realdocs: Path) -> None:
    r = _read(realdocs, "inv04")
    assert len(r.pages) == 1 and r.errors == []
    assert "发票号码：04875996" in r.text  # value in Doc_0/Content_0.xml, label in TPLS/
    assert r.structured["invoice_number"] == "04875996"
    assert r.structured["printed_title"] == "上海增值税电子普通发票"


def test_inv05_reads_page_and_warns_about_unreferenced_page(realdocs: Path) -> None:
    r = _read(realdocs, "inv05")
    assert len(r.pages) == 1  # Document.xml lists only Page_0
    assert any("未被文档引用" in w for w in r.warnings)
    assert "名 称:杭州融运科技有限公司" in r.text
    assert r.structured["source"] == "xbrl"
    assert r.meta["signed"] is True


def test_inv06_five_pages(realdocs: Path) -> None:
    r = _read(realdocs, "inv06")
    assert len(r.pages) == 5
    assert [p.number for p in r.pages] == [1, 2, 3, 4, 5]
    assert r.pages[0].height == pytest.approx(140 * MM_TO_PT, abs=0.05)
    assert r.pages[1].height == pytest.approx(297 * MM_TO_PT, abs=0.05)
    assert "销售货物或者提供应税劳务、服务清单" in r.pages[1].text
    # 100 list lines of 100.00 over pages 2-5
    count = sum(1 for p in r.pages[1:] for ln in p.lines if ln.text == "100.00")
    assert count == 100
    assert r.structured["total_incl_tax"] == Decimal("10600.00")


def test_inv08_text_layer_has_manifest_values(realdocs: Path) -> None:
    r = _read(realdocs, "inv08")
    assert r.structured is None  # no tags / attachment in this minimal package
    texts = [ln.text for ln in r.pages[0].lines]
    for expected in [
        "电子发票（普通发票）",
        "发票号码：23512000000058396237",
        "开票日期：2023年07月07日",
        "名称：中国移动通信集团四川有限公司成都分公司",
        "名称：武侯区极客火锅店",
        "统一社会信用代码/纳税人识别号：91510000765055994P",
        "统一社会信用代码/纳税人识别号：92510107MA634W4K90",
        "¥1455.45",
        "¥14.55",
        "（小写）¥ 1470.00",
        "壹仟肆佰柒拾圆整",
        "1%",
    ]:
        assert expected in texts, expected
    # Kangxi-radical code points (⼦ U+2F26) are mapped to the ideograph
    assert "⼦" not in r.text
    # the seal ring (rotated glyphs) is one line
    assert "全国统一发票监制章四川省税务局" in texts


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def test_unresolvable_and_escaping_references_are_warnings() -> None:
    data = _zip(
        {
            "OFD.xml": f"<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>".encode(),
            "Doc_0/Document.xml": (
                f"<ofd:Document {NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 100 50</ofd:PhysicalBox>"
                "</ofd:PageArea><ofd:TemplatePage ID='9' BaseLoc='../../etc/passwd'/></ofd:CommonData>"
                "<ofd:Pages><ofd:Page ID='1' BaseLoc='Pages/Page_0/Content.xml'/>"
                "<ofd:Page ID='2' BaseLoc='/nowhere/Content.xml'/></ofd:Pages></ofd:Document>"
            ).encode(),
            "Doc_0/Pages/Page_0/Content.xml": (
                f"<ofd:Page {NS}><ofd:Template TemplateID='9'/><ofd:Content><ofd:Layer ID='3'>"
                "<ofd:TextObject ID='4' Boundary='10 10 50 5' Font='1' Size='4'>"
                "<ofd:TextCode X='0' Y='4' DeltaX='g 2 4'>测试文</ofd:TextCode></ofd:TextObject>"
                "</ofd:Layer></ofd:Content></ofd:Page>"
            ).encode(),
        }
    )
    r = read_ofd(data, "t.ofd", ReadContext())
    assert r.errors == []
    assert len(r.pages) == 1
    assert r.pages[0].lines[0].text == "测试文"
    assert r.pages[0].width == pytest.approx(100 * MM_TO_PT, abs=0.05)
    joined = " ".join(r.warnings)
    assert "/nowhere/Content.xml" in joined and "../../etc/passwd" in joined


def test_ofd_with_entity_member_and_missing_root() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    r = read_ofd(_zip({"OFD.xml": bomb}), "b.ofd", ReadContext())
    assert r.errors and "实体" in r.errors[0]
    r2 = read_ofd(_zip({"ofd.txt": b"x"}), "c.ofd", ReadContext())
    assert r2.errors and "OFD" in r2.errors[0]


def test_render_inv01_png(realdocs: Path) -> None:
    png = render_ofd_page(_inv(realdocs, "inv01").read_bytes(), 1, zoom=2.0)
    pix = pymupdf.Pixmap(png)
    assert (pix.width, pix.height) == (round(210 * MM_TO_PT * 2), round(140 * MM_TO_PT * 2))
    # not blank: a real share of dark (text/lines) pixels
    samples = pix.samples
    n = pix.n
    dark = sum(1 for i in range(0, len(samples), n * 7) if samples[i] < 128)
    assert dark > 500
    with pytest.raises(OfdRenderError):
        render_ofd_page(_inv(realdocs, "inv01").read_bytes(), 2)

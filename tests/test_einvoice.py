"""Structured e-invoice parsing: real OFD tags/attachments/XBRL and generated 数电票 XML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.einvoice import einvoice_from_ofd, parse_einvoice_xml, structured_lines
from extractor.zipsafe import open_zip

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


@pytest.fixture
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS


def _inv(realdocs: Path, prefix: str, suffix: str = ".ofd") -> Path:
    found = sorted((realdocs / "invoices").glob(f"{prefix}_*{suffix}"))
    assert found, f"{prefix}*{suffix} missing"
    return found[0]


# MANIFEST.tsv printed values
EXPECTED = {
    "inv01": dict(
        invoice_number="24112000000048542163",
        issue_date=dt.date(2024, 5, 28),
        buyer_name="海南麒麟云服科技有限公司",
        buyer_tax_id="91460300MAA92DJN95",
        seller_name="北京互联三六五科技有限公司",
        seller_tax_id="91110108690017781B",
        tax_rate="0.06",
        amount_excl_tax=Decimal("4197.17"),
        tax_amount=Decimal("251.83"),
        total_incl_tax=Decimal("4449.00"),
    ),
    "inv02": dict(
        invoice_code="033002000211",
        invoice_number="83089647",
        issue_date=dt.date(2020, 7, 23),
        buyer_name="江苏京利华新材料有限公司",
        buyer_tax_id="91320115MA202UKD7X",
        seller_name="兰溪市悦济舫餐厅",
        seller_tax_id="92330781MA2EDMFU50",
        tax_rate="0.03",
        amount_excl_tax=Decimal("510.68"),
        tax_amount=Decimal("15.32"),
        total_incl_tax=Decimal("526.00"),
        check_code="16197833567414507415",
        item_names=["*餐饮服务*餐费"],
    ),
    "inv04": dict(
        invoice_code="031001900511",
        invoice_number="04875996",
        issue_date=dt.date(2020, 4, 20),
        buyer_name="上海浪潮云计算服务有限公司",
        buyer_tax_id="91310108342080987A",
        seller_name="上海阿金大白餐饮管理有限公司",
        seller_tax_id="91310110MA1G8YNR76",
        total_incl_tax=Decimal("57.00"),
        amount_excl_tax=Decimal("57.00"),
        tax_amount=Decimal("0.00"),  # printed "***" (tax-exempt)
        tax_exempt=True,
    ),
    "inv05": dict(
        invoice_code="033002200211",
        invoice_number="99934328",
        issue_date=dt.date(2022, 9, 1),
        buyer_name="江苏中电创新环境科技有限公司",
        buyer_tax_id="913202133140424571",
        seller_name="杭州融运科技有限公司",
        seller_tax_id="91330106MA7GAL1299",
        tax_rate="0.13",
        amount_excl_tax=Decimal("9.91"),
        tax_amount=Decimal("1.29"),
        total_incl_tax=Decimal("11.20"),
        total_in_words="壹拾壹圆贰角",
        invoice_kind="增值税电子普通发票",
    ),
    "inv06": dict(
        invoice_code="050001700111",
        invoice_number="12235358",
        issue_date=dt.date(2020, 8, 5),
        buyer_name="个人",
        seller_name="财天下科技有限公司",
        seller_tax_id="91500102563638729E",
        amount_excl_tax=Decimal("10000.00"),
        tax_amount=Decimal("600.00"),
        total_incl_tax=Decimal("10600.00"),
    ),
}


def _check(d: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert d.get(key) == value, f"{key}: {d.get(key)!r} != {value!r}"
    assert d["red_letter"] is False


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_einvoice_from_real_ofd(realdocs: Path, prefix: str) -> None:
    data = _inv(realdocs, prefix).read_bytes()
    with open_zip(data) as z:
        d = einvoice_from_ofd(z)
    assert d is not None
    _check(d, EXPECTED[prefix])
    assert "mismatches" not in d  # printed layer agrees with the embedded data


def test_sources_of_real_ofds(realdocs: Path) -> None:
    def src(prefix: str) -> str:
        with open_zip(_inv(realdocs, prefix).read_bytes()) as z:
            d = einvoice_from_ofd(z)
        assert d is not None
        return d["source"]

    assert src("inv01") == "ofd_tags"  # CustomTag.xml only
    assert src("inv02") == "xml"  # original_invoice.xml
    assert src("inv05") == "xbrl"


def test_inv01_tags_join_split_objects(realdocs: Path) -> None:
    # the item name is split over two TextObjects ("…技术服务" + "费")
    with open_zip(_inv(realdocs, "inv01").read_bytes()) as z:
        d = einvoice_from_ofd(z)
    assert d is not None
    assert d["item_names"] == ["*信息技术服务*技术服务费"]


def test_inv06_line_items_from_attachment(realdocs: Path) -> None:
    with open_zip(_inv(realdocs, "inv06").read_bytes()) as z:
        d = einvoice_from_ofd(z)
    assert d is not None
    items = d["line_items"]
    assert len(items) == 100
    assert sum(i["amount"] for i in items) == Decimal("10000.00")
    assert sum(i["tax_amount"] for i in items) == Decimal("600.00")


def test_inv08_has_no_structured_data(realdocs: Path) -> None:
    # minimal package: no tags, no attachment, no CustomData → nothing structured
    with open_zip(_inv(realdocs, "inv08").read_bytes()) as z:
        assert einvoice_from_ofd(z) is None


def test_real_original_invoice_xml(realdocs: Path) -> None:
    d = parse_einvoice_xml(_inv(realdocs, "inv02", ".original_invoice.xml").read_bytes())
    assert d is not None and d["source"] == "xml"
    _check(d, EXPECTED["inv02"])
    assert d["invoice_kind"] == "增值税电子普通发票"  # from GraphCode type 10


def test_real_xbrl(realdocs: Path) -> None:
    d = parse_einvoice_xml(_inv(realdocs, "inv05", ".xbrl.xml").read_bytes())
    assert d is not None and d["source"] == "xbrl"
    _check(d, EXPECTED["inv05"])
    item = d["line_items"][0]
    assert item["name"] == "*金属制品*A系列一字形螺丝批3.2x75MM"
    assert item["unit"] == "批" and item["unit_price"] == Decimal("9.91150442")


# ---------------------------------------------------------------- generated 数电票 XML


def shudian_xml(
    number: str = "24352000000012345678",
    total: str = "106000.00",
    amount: str = "100000.00",
    tax: str = "6000.00",
    red: str = "",
    remark: str = "",
) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<EInvoice>
  <Header><EIid>{number}</EIid><EInvoiceTag>SWEI3500</EInvoiceTag><Version>0.1</Version></Header>
  <EInvoiceData>
    <SellerInformation><SellerIdNum>91350503MA2Y3K6W8B</SellerIdNum><SellerName>泉州智算科技有限公司</SellerName>
      <SellerAddr>泉州市丰泽区</SellerAddr></SellerInformation>
    <BuyerInformation><BuyerIdNum>91350500MA34XYZ12K</BuyerIdNum><BuyerName>福建某某人工智能有限公司</BuyerName>
    </BuyerInformation>
    <BasicInformation>
      <TotalAmWithoutTax>{amount}</TotalAmWithoutTax><TotalTaxAm>{tax}</TotalTaxAm>
      <TotalTax-includedAmount>{total}</TotalTax-includedAmount>
      <TotalTax-includedAmountInChinese>壹拾万零陆仟圆整</TotalTax-includedAmountInChinese>
      <RequestTime>2024-03-15 10:20:30</RequestTime><Drawer>张三</Drawer>
    </BasicInformation>
    <IssuItemInformation><ItemName>*信息技术服务*算力租赁服务费</ItemName><SpecMod>A100</SpecMod>
      <MeaUnits>月</MeaUnits><Quantity>2</Quantity><UnPrice>25000</UnPrice><Amount>50000.00</Amount>
      <TaxRate>0.06</TaxRate><ComTaxAm>3000.00</ComTaxAm><TotaltaxIncludedAmount>53000.00</TotaltaxIncludedAmount>
    </IssuItemInformation>
    <IssuItemInformation><ItemName>*信息技术服务*算力租赁服务费</ItemName><SpecMod>H800</SpecMod>
      <MeaUnits>月</MeaUnits><Quantity>1</Quantity><UnPrice>50000</UnPrice><Amount>50000.00</Amount>
      <TaxRate>0.06</TaxRate><ComTaxAm>3000.00</ComTaxAm><TotaltaxIncludedAmount>53000.00</TotaltaxIncludedAmount>
    </IssuItemInformation>
    <SpecificInformation/>
    <AdditionalInformation><Remark>{remark}</Remark></AdditionalInformation>
    {red}
  </EInvoiceData>
  <TaxSupervisionInfo><InvoiceNumber>{number}</InvoiceNumber><IssueTime>2024-03-15</IssueTime>
    <TaxBureauCode>13500000000</TaxBureauCode><TaxBureauName>国家税务总局福建省税务局</TaxBureauName>
  </TaxSupervisionInfo>
  <GeneralOrSpecialVAT><LabelCode>01</LabelCode><LabelName>增值税专用发票</LabelName></GeneralOrSpecialVAT>
</EInvoice>""".encode()


def test_generated_shudian_blue_invoice() -> None:
    d = parse_einvoice_xml(shudian_xml())
    assert d is not None
    assert d["source"] == "xml" and d["format"] == "shudian"
    assert d["invoice_number"] == "24352000000012345678"
    assert d["issue_date"] == dt.date(2024, 3, 15)
    assert d["seller_name"] == "泉州智算科技有限公司" and d["seller_tax_id"] == "91350503MA2Y3K6W8B"
    assert d["buyer_name"] == "福建某某人工智能有限公司" and d["buyer_tax_id"] == "91350500MA34XYZ12K"
    # the invoice totals, not a line's TotaltaxIncludedAmount (53000.00)
    assert d["total_incl_tax"] == Decimal("106000.00")
    assert d["amount_excl_tax"] == Decimal("100000.00") and d["tax_amount"] == Decimal("6000.00")
    assert d["total_in_words"] == "壹拾万零陆仟圆整"
    assert d["tax_rate"] == "0.06"
    assert d["invoice_kind"] == "电子发票（增值税专用发票）"
    assert d["item_names"] == ["*信息技术服务*算力租赁服务费"]
    assert [i["spec"] for i in d["line_items"]] == ["A100", "H800"]
    assert d["red_letter"] is False and "original_invoice_number" not in d
    lines = structured_lines(d)
    assert "发票号码：24352000000012345678" in lines
    assert "价税合计（小写）：¥106000.00" in lines


def test_generated_shudian_red_invoice_structural() -> None:
    red = (
        "<RedEInvoiceInformation><OriginalInvoiceNumber>24352000000000000999</OriginalInvoiceNumber>"
        "<RedInvoiceConfirmationNo>3501000000000001</RedInvoiceConfirmationNo></RedEInvoiceInformation>"
    )
    d = parse_einvoice_xml(
        shudian_xml(
            number="24352000000012340001", total="-106000.00", amount="-100000.00", tax="-6000.00", red=red
        )
    )
    assert d is not None
    assert d["red_letter"] is True
    assert d["original_invoice_number"] == "24352000000000000999"
    assert d["total_incl_tax"] == Decimal("-106000.00")
    assert "红字发票：是" in structured_lines(d)


def test_generated_shudian_red_invoice_from_remark() -> None:
    remark = "被红冲蓝字数电发票号码：24352000000000000888 红字发票信息确认单编号：35010000000000000002"
    d = parse_einvoice_xml(shudian_xml(remark=remark))
    assert d is not None
    assert d["red_letter"] is True
    assert d["original_invoice_number"] == "24352000000000000888"


def test_non_invoice_xml_is_none() -> None:
    assert parse_einvoice_xml(b"<root><a>1</a></root>") is None
    assert parse_einvoice_xml(b"not xml at all") is None

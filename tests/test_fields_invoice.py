"""Invoice fields: real text-layer PDFs and OCR'd images from /work/shared/realdocs
(values asserted as printed, per its MANIFEST.tsv), plus synthetic layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.fields.invoice import extract, normalize_kind
from models.page import Line, Page

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
INVOICES = REALDOCS / "invoices"

# file prefix -> printed values (MANIFEST.tsv)
EXPECTED = {
    "inv10": dict(
        invoice_kind="电子发票（增值税专用发票）",
        invoice_number="25317000002228021821",
        issue_date=date(2025, 10, 20),
        buyer_name="龙腾半导体股份有限公司",
        buyer_tax_id="91610132688983884K",
        seller_name="上海积塔半导体有限公司",
        seller_tax_id="91310115MA1H9HD02E",
        amount_excl_tax=Decimal("31468.75"),
        tax_amount=Decimal("4090.94"),
        total_incl_tax=Decimal("35559.69"),
        tax_rate="0.13",
    ),
    "inv12": dict(
        invoice_kind="增值税电子普通发票",
        invoice_code="034012000211",
        invoice_number="75505018",
        issue_date=date(2021, 4, 28),
        buyer_name="深圳市拓保软件有限公司",
        buyer_tax_id="91440300799214981G",
        seller_name="安徽好马科技有限公司",
        seller_tax_id="91340100MA2NFR8P2R",
        amount_excl_tax=Decimal("29.43"),
        tax_amount=Decimal("0.88"),
        total_incl_tax=Decimal("30.31"),
        tax_rate="0.03",
        check_code="57948816702740209571",
    ),
    "inv15": dict(  # no ToUnicode map: read by OCR
        buyer_tax_id="91330106599555490T",
        seller_tax_id="91330100673964613D",
        amount_excl_tax=Decimal("182.08"),
        tax_amount=Decimal("10.92"),
        total_incl_tax=Decimal("193.00"),
    ),
    "inv16": dict(
        invoice_kind="电子发票（增值税专用发票）",
        invoice_number="23512000000005197325",
        issue_date=date(2023, 1, 30),
        buyer_name="中国移动通信集团四川有限公司成都分公司",
        buyer_tax_id="91510000765055994P",
        seller_name="郫都区星讯通讯设备经营部",
        seller_tax_id="92510124MA6B1BBY1G",
        amount_excl_tax=Decimal("2129.34"),
        tax_amount=Decimal("21.29"),
        total_incl_tax=Decimal("2150.63"),
        tax_rate="0.01",
    ),
    "inv17": dict(
        invoice_kind="电子发票（航空运输电子客票行程单）",
        invoice_number="9223372036854775807",
        buyer_name="北京XXX公司",
    ),
    "inv19": dict(
        invoice_code="044031800104",
        invoice_number="41108527",
        issue_date=date(2019, 3, 19),
        buyer_name="深圳市华云中盛科技有限公司",
        buyer_tax_id="91440300708436854B",
        seller_name="深圳市南山区江南百货商场",
        seller_tax_id="92440300L08175019R",
        amount_excl_tax=Decimal("96.72"),
        tax_amount=Decimal("15.48"),
        total_incl_tax=Decimal("112.20"),
    ),
    "inv20": dict(
        invoice_number="87654321",
        issue_date=date(2010, 11, 18),
        buyer_name="测试购方企业",
        buyer_tax_id="410305123456789",
        seller_name="测试销方企业",
        amount_excl_tax=Decimal("5999.00"),
        tax_amount=Decimal("1019.83"),
        total_incl_tax=Decimal("7018.83"),
    ),
    "inv21": dict(
        invoice_code="044031900211",
        invoice_number="37820761",
        issue_date=date(2020, 7, 6),
        buyer_name="深圳市骏合商贸有限公司",
        buyer_tax_id="914403003597744087",
        seller_name="深圳市白云航空旅游有限公司",
        seller_tax_id="91440300192478382J",
        amount_excl_tax=Decimal("37990.57"),
        tax_amount=Decimal("2279.43"),
        total_incl_tax=Decimal("40270.00"),
    ),
    "inv22": dict(
        invoice_code="012001800311",
        invoice_number="33207675",
        issue_date=date(2019, 5, 8),
        buyer_name="个人",
        seller_name="天津瑞佳讯贸易有限公司",
        seller_tax_id="91120222079642398Y",
        amount_excl_tax=Decimal("46.62"),
        tax_amount=Decimal("6.08"),
        total_incl_tax=Decimal("52.70"),
    ),
    "inv23": dict(
        invoice_kind="电子发票（普通发票）",
        invoice_number="23442000000010967536",
        issue_date=date(2023, 2, 7),
        buyer_name="中国移动通信集团广东有限公司河源分公司",
        buyer_tax_id="91441600707924573M",
        seller_name="和平县启航通讯店",
        seller_tax_id="92441624MA55G8UD71",
        amount_excl_tax=Decimal("7816.09"),
        tax_amount=Decimal("78.16"),
        total_incl_tax=Decimal("7894.25"),
    ),
}


def _file(prefix: str) -> Path:
    if not INVOICES.is_dir():
        pytest.skip(f"realdocs folder absent: {INVOICES}")
    found = sorted(INVOICES.glob(f"{prefix}_*"))
    found = [f for f in found if f.suffix in {".pdf", ".png", ".jpg"}]
    if not found:
        pytest.skip(f"{prefix} not in {INVOICES}")
    return found[0]


def _read(prefix: str) -> list[Page]:
    from extractor.read import read_path

    rr = read_path(_file(prefix))
    assert not rr.errors, rr.errors
    return rr.pages


def _check(prefix: str) -> dict:
    pages = _read(prefix)
    fields = extract(pages)
    wrong = {
        k: (fields[k].value if k in fields else None, v)
        for k, v in EXPECTED[prefix].items()
        if k not in fields or fields[k].value != v
    }
    assert not wrong, wrong
    for fv in fields.values():
        assert fv.page == 1
    return fields


@pytest.mark.parametrize("prefix", ["inv10", "inv12", "inv16", "inv17"])
def test_text_layer_invoices(prefix):
    fields = _check(prefix)
    for key in EXPECTED[prefix]:
        assert fields[key].method == "text"
        assert fields[key].bbox is not None and fields[key].source_text


def test_inv10_line_items_and_words():
    fields = _check("inv10")
    items = fields["line_items"].value
    assert items == [
        {
            "name": "*微电子组件*芯片",
            "amount": Decimal("31468.75"),
            "tax_rate": "0.13",
            "tax_amount": Decimal("4090.94"),
            "quantity": Decimal("25.00"),
            "unit_price": Decimal("1258.75"),
        }
    ]
    assert fields["item_names"].value == ["*微电子组件*芯片"]
    assert fields["total_in_words"].value == "叁万伍仟伍佰伍拾玖圆陆角玖分"
    assert fields["red_letter"].value is False
    # provenance: the buyer name sits in the left (buyer) half, the seller's in the right
    assert fields["buyer_name"].bbox[2] < 300 < fields["seller_name"].bbox[0]


def test_inv23_ocr_render():
    """One OCR'd image in the default suite (a clean 953x635 rendering, ~5 s)."""
    fields = _check("inv23")
    assert fields["buyer_name"].method == "ocr"
    assert 0.5 < fields["invoice_number"].confidence <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["inv15", "inv19", "inv20", "inv21", "inv22"])
def test_ocr_invoice_images(prefix):
    _check(prefix)


# ---------------------------------------------------------------- synthetic pages


def _page(rows, *, ocr=False, width=600.0, height=400.0) -> Page:
    lines = [
        Line(
            text=t,
            bbox=(x, y, x + 9 * len(t), y + 9),
            confidence=0.9 if ocr else 1.0,
            method="ocr" if ocr else "text",
        )
        for t, x, y in rows
    ]
    return Page(number=3, width=width, height=height, method="ocr" if ocr else "text", lines=lines)


SHUDIAN_OCR = [
    ("电子发票(普通发票)", 200, 10),
    ("发票号码:24352000000012345678", 420, 20),
    ("开票日期:2024年05月28日", 420, 35),
    ("购", 10, 60),
    ("买", 10, 72),
    ("方", 10, 84),
    ("名称:泉州智算科技有限公司", 30, 60),
    ("统一社会信用代码/纳税入识别号:91350503MA2Y3K6W8C", 30, 85),
    ("销", 300, 60),
    ("售", 300, 72),
    ("方", 300, 84),
    ("名称:福建算力云服务有限公司", 320, 60),
    ("统一社会信用代码/纳税人识别号:91350100M000100Y43", 320, 85),
    ("项目名称", 40, 120),
    ("规格型号", 150, 120),
    ("数量", 240, 120),
    ("单价", 290, 120),
    ("金额", 360, 120),
    ("税率/征收率", 430, 120),
    ("税额", 540, 120),
    ("*信息技术服务*算力租赁服务", 5, 135),
    ("1", 245, 135),
    ("339622.64", 290, 135),
    ("339622.64", 350, 135),
    ("6%", 440, 135),
    ("20377.36", 530, 135),
    ("合计", 40, 250),
    ("¥339622.64", 340, 250),
    ("¥20377.36", 520, 250),
    ("价税合计(大写)", 40, 270),
    ("⊗叁拾陆万圆整", 170, 270),
    ("(小写)¥360000.00", 420, 270),
]


def test_shudian_layout_ocr_lines():
    fields = extract([_page(SHUDIAN_OCR, ocr=True)])
    assert fields["invoice_kind"].value == "电子发票（普通发票）"
    assert fields["invoice_number"].value == "24352000000012345678"
    assert "invoice_code" not in fields
    assert fields["issue_date"].value == date(2024, 5, 28)
    assert fields["buyer_name"].value == "泉州智算科技有限公司"
    assert fields["seller_name"].value == "福建算力云服务有限公司"
    # the OCR-garbled label (纳税入识别号) is still found fuzzily
    assert fields["buyer_tax_id"].value == "91350503MA2Y3K6W8C"
    assert fields["buyer_tax_id"].bbox[0] < 300
    assert fields["seller_tax_id"].value.startswith("91350100")
    assert fields["seller_tax_id"].bbox[0] > 300
    assert fields["item_names"].value == ["*信息技术服务*算力租赁服务"]
    assert fields["tax_rate"].value == "0.06"
    assert fields["amount_excl_tax"].value == Decimal("339622.64")
    assert fields["tax_amount"].value == Decimal("20377.36")
    assert fields["total_incl_tax"].value == Decimal("360000.00")
    assert fields["total_in_words"].value == "叁拾陆万圆整"
    assert fields["buyer_name"].method == "ocr" and fields["buyer_name"].page == 3
    assert fields["buyer_name"].confidence <= 0.9


def test_repaired_code_lowers_confidence():
    rows = [r for r in SHUDIAN_OCR if "纳税" not in r[0]]
    rows.append(("纳税人识别号:9111O1O869OO17781B", 30, 85))  # O read for 0
    fields = extract([_page(rows, ocr=True)])
    assert fields["buyer_tax_id"].value == "91110108690017781B"
    assert fields["buyer_tax_id"].confidence < 0.9


def test_old_layout_buyer_top_seller_bottom_and_label_below():
    rows = [
        ("福建增值税专用发票", 200, 10),
        ("发票代码:", 420, 10),
        ("035002200111", 480, 10),
        ("发票号码:", 420, 25),
        ("01234567", 480, 25),
        ("开票日期:", 420, 40),
        ("2022 03 01", 480, 40),
        ("名    称:", 30, 60),
        ("泉州智算科技有限公司", 100, 60),
        ("纳税人识别号:", 30, 75),
        ("91350503MA2Y3K6W8C", 100, 75),
        ("货物或应税劳务、服务名称", 20, 110),
        ("金  额", 360, 110),
        ("税率", 430, 110),
        ("税  额", 520, 110),
        ("*现代服务*技术服务费", 10, 125),
        ("1000.00", 360, 125),
        ("6%", 440, 125),
        ("60.00", 520, 125),
        ("合      计", 40, 250),
        ("¥1000.00", 360, 250),
        ("¥60.00", 520, 250),
        ("价税合计(大写)", 40, 270),
        ("壹仟零陆拾圆整", 170, 270),
        ("(小写)", 400, 270),
        ("¥1060.00", 460, 270),
        ("名    称:", 30, 300),
        ("厦门云计算有限公司", 100, 300),
        ("纳税人识别号:", 30, 315),
        ("91350200MA0000000X", 100, 315),
    ]
    fields = extract([_page(rows)])
    assert fields["invoice_kind"].value == "增值税专用发票"
    assert fields["invoice_code"].value == "035002200111"
    assert fields["invoice_number"].value == "01234567"
    assert fields["issue_date"].value == date(2022, 3, 1)
    assert fields["buyer_name"].value == "泉州智算科技有限公司"
    assert fields["seller_name"].value == "厦门云计算有限公司"
    assert fields["buyer_tax_id"].value == "91350503MA2Y3K6W8C"
    assert fields["seller_tax_id"].value == "91350200MA0000000X"
    assert fields["amount_excl_tax"].value == Decimal("1000.00")
    assert fields["tax_amount"].value == Decimal("60.00")
    assert fields["total_incl_tax"].value == Decimal("1060.00")


def test_red_letter_invoice():
    rows = [r for r in SHUDIAN_OCR if not r[0].startswith(("(小写)", "⊗"))]
    rows += [
        ("⊗(负数)叁拾陆万圆整", 170, 270),
        ("(小写)-¥360000.00", 420, 270),
        ("被红冲蓝字数电票号码:24352000000011112222", 40, 300),
    ]
    fields = extract([_page(rows)])
    assert fields["red_letter"].value is True
    assert fields["original_invoice_number"].value == "24352000000011112222"
    assert fields["total_incl_tax"].value == Decimal("-360000.00")
    assert fields["total_in_words"].value.startswith("负")


def test_normalize_kind():
    assert normalize_kind("电子发票（增值税专用发票）") == "电子发票（增值税专用发票）"
    assert normalize_kind("福建增值税电子专用发票") == "增值税电子专用发票"
    assert normalize_kind("发票号码：123") is None


def test_empty_input():
    assert extract([]) == {}
    assert extract([Page(number=1)]) == {}


def test_title_split_into_two_ocr_lines_with_a_lost_bracket():
    # OCR reads the 数电票 title as two boxes and drops the opening bracket; the number
    # label follows on the same row
    rows = [r for r in SHUDIAN_OCR if not r[0].startswith(("电子发票", "发票号码"))]
    rows += [("电子发票", 150, 12), ("增值税专用发票）", 190, 10), ("发票号码:24352000000012345678", 270, 12)]
    fields = extract([_page(rows, ocr=True)])
    assert fields["invoice_kind"].value == "电子发票（增值税专用发票）"
    assert fields["invoice_number"].value == "24352000000012345678"
    assert normalize_kind("电子发票普通发票)") == "电子发票（普通发票）"


def test_amount_run_into_its_rate_is_split_and_rates_must_exist():
    # the text layer joins the amount column and the rate column: "¥169,811.326%"
    rows = [r for r in SHUDIAN_OCR if r[0] not in {"339622.64", "6%"}]
    rows += [("339622.64", 290, 135), ("¥339,622.646%", 350, 135)]
    fields = extract([_page(rows)])
    assert fields["tax_rate"].value == "0.06"
    items = fields["line_items"].value
    assert items[0]["amount"] == Decimal("339622.64") and items[0]["tax_rate"] == "0.06"


@pytest.mark.parametrize(
    "remark",
    [
        "被红冲蓝字数电发票号码：23642000000039557660 红字发票信息确认单编号：844681810001",
        "被红冲蓝字数电票号码:23642000000039557660",
        "对应正数发票号码 23642000000039557660",
    ],
)
def test_red_letter_remark_names_the_original(remark):
    from extractor.fields.invoice import RED_ORIGINAL_RE

    m = RED_ORIGINAL_RE.search(remark)
    assert m and m.group(1) == "23642000000039557660"


def test_railway_e_ticket_total_is_its_fare():
    """电子发票（铁路电子客票）: an invoice whose total is printed as 票价 (the layout of a 2025
    railway e-ticket: kind, number, dates, fare, buyer with its credit code)."""
    page = _page(
        [
            ("电子发票（铁路电子客票）", 180, 17),
            ("发票号码:25429165818000355594", 26, 47),
            ("开票日期:2025年03月03日", 432, 45),
            ("2025年02月20日", 26, 133),
            ("票价:￥377.00", 26, 163),
            ("购买方名称:", 26, 303),
            ("泉州智算科技有限公司", 92, 303),
            ("统一社会信用代码:91350503MA2Y3K6W8C", 360, 303),
        ]
    )
    f = extract([page])
    assert f["invoice_kind"].value == "电子发票（铁路电子客票）"
    assert f["total_incl_tax"].value == Decimal("377.00")
    assert f["issue_date"].value == date(2025, 3, 3)
    # an ordinary invoice does not take a 票价 line for its total
    plain = _page([("电子发票(普通发票)", 200, 10), ("票价:￥377.00", 26, 163)])
    assert "total_incl_tax" not in extract([plain])


def _variant(drop: set[str] = frozenset(), replace: dict | None = None, extra=()) -> list:
    """SHUDIAN_OCR with lines left out, replaced ({old text: new text}) or added."""
    rows = [(replace or {}).get(t, t) for t, _x, _y in SHUDIAN_OCR]
    return [(t, x, y) for t, (_o, x, y) in zip(rows, SHUDIAN_OCR, strict=True) if t not in drop] + list(extra)


def test_item_name_ends_at_the_next_header_whatever_it_says():
    # a toll invoice: 车牌号 and 通行日期 columns where 规格型号 and 数量 usually are
    rows = _variant(
        replace={
            "规格型号": "车牌号",
            "数量": "通行日期起",
            "*信息技术服务*算力租赁服务": "*经营租赁*通行费",
        },
        extra=[("闽C12345", 140, 135), ("20240501", 232, 135)],
    )
    rows = [r for r in rows if r[0] != "1"]
    fields = extract([_page(rows, ocr=True)])
    assert fields["item_names"].value == ["*经营租赁*通行费"]


def test_lost_amount_header_and_misread_total_row():
    # OCR lost 金额 (the column is between 单价 and 税率) and read 合计 as 「可 计」
    rows = _variant(drop={"金额"}, replace={"合计": "可 计"})
    fields = extract([_page(rows, ocr=True)])
    assert fields["item_names"].value == ["*信息技术服务*算力租赁服务"]
    assert fields["amount_excl_tax"].value == Decimal("339622.64")
    assert fields["tax_amount"].value == Decimal("20377.36")


def test_kind_from_the_qr_code_when_the_title_is_unreadable():
    from extractor.extract import _missing_from_qr
    from models.contract import FieldValue

    qr = FieldValue(value={"type": "10", "type_name": "增值税电子普通发票"}, page=1, method="qr")
    fields = {"qr": qr}
    _missing_from_qr(fields)
    assert fields["invoice_kind"].value == "增值税电子普通发票"
    assert fields["invoice_kind"].method == "qr" and fields["invoice_kind"].confidence <= 0.8
    printed = {"qr": qr, "invoice_kind": FieldValue(value="增值税普通发票", method="ocr")}
    _missing_from_qr(printed)
    assert printed["invoice_kind"].value == "增值税普通发票"  # the printed title wins


def test_machine_printed_paper_invoice_seal_tax_id_and_blank_customer():
    """A 通用机打发票 photo: the customer name is blank (the items' head 「项目」 sits below its
    label), the seller's tax id is printed only in the 发票专用章, read as a line above it, and
    the kind is the whole printed title with its issuing bureau."""
    rows = [
        ("广东省广州市国家税务局通用机打发票", 100, 10),
        ("发票代码144011620721", 400, 40),
        ("发票号码07050923", 400, 55),
        ("开票日期：2016年8月21日", 40, 80),
        ("顾客名称：", 40, 95),
        ("项目", 50, 108),
        ("单价", 250, 108),
        ("数量", 320, 108),
        ("金额", 400, 108),
        ("91440101664041243T", 300, 300),
        ("合计(小写)：879.00", 40, 315),
        ("发票专用章", 310, 318),
    ]
    fields = extract([_page(rows, ocr=True)])
    assert fields["invoice_kind"].value == "广东省广州市国家税务局通用机打发票"
    assert "buyer_name" not in fields
    assert fields["seller_tax_id"].value == "91440101664041243T"
    assert fields["seller_tax_id"].confidence < 0.8
    # a code that fails its check digit is not taken from the seal
    bad = [r if r[0] != "91440101664041243T" else ("91440101664041243X", 300, 300) for r in rows]
    assert "seller_tax_id" not in extract([_page(bad, ocr=True)])


def test_parties_codes_whose_labels_ocr_garbled_are_told_by_their_place():
    """A tiny photo of a toll e-invoice (realcorpus wc-002): 纳税人识别号 read as 「人识号」 and
    「纳代入识系书」. Two codes whose check digits hold, the buyer's printed above the seller's;
    a code that fails its check, or a 代开 remark's, is no party's."""
    rows = [
        ("天津增值税电子普通发票", 150, 10),
        ("发票号码：06071016", 400, 25),
        ("：烟台杰瑞石油服务集团股份有限公司", 40, 60),
        ("人识号：91370000720717309H", 20, 72),
        ("项目名称", 40, 110),
        ("金额", 330, 110),
        ("价税合计（大写）", 25, 210),
        ("：天津鑫宇高速公路有限责任公司", 40, 228),
        ("纳代入识系书：9112011876126529X3", 20, 240),
    ]
    fields = extract([_page(rows, ocr=True)])
    assert fields["buyer_tax_id"].value == "91370000720717309H"
    assert fields["seller_tax_id"].value == "9112011876126529X3"
    assert fields["seller_tax_id"].confidence < 0.8
    upside = [(t, x, 300 - y) for t, x, y in rows]
    assert extract([_page(upside, ocr=True)])["buyer_tax_id"].value == "9112011876126529X3"
    bad = [(t.replace("309H", "309X"), x, y) for t, x, y in rows]
    assert "buyer_tax_id" not in extract([_page(bad, ocr=True)])
    remark = [(t.replace("纳代入识系书", "代开企业税号"), x, y) for t, x, y in rows]
    assert "seller_tax_id" not in extract([_page(remark, ocr=True)])


def test_a_bracketed_caption_is_no_party_name():
    rows = [*SHUDIAN_OCR]
    rows = [r if not r[0].startswith("名称:泉州") else ("名称:", 30, 60) for r in rows]
    rows.append(("(代开机关)", 80, 60))
    fields = extract([_page(rows, ocr=True)])
    assert fields.get("buyer_name") is None or fields["buyer_name"].value != "(代开机关)"


def test_paper_vat_invoice_whose_title_a_seal_hides_takes_its_kind_from_the_code():
    """The 8th digit of a paper VAT invoice's 10-digit code is its kind (1/5 专用, 3/6 普通);
    used only when the title is not read, at a reviewer's confidence."""
    rows = [r for r in SHUDIAN_OCR if r[0] not in {"电子发票(普通发票)"}]
    rows = [("发票号码:12270242" if r[0].startswith("发票号码") else r[0], r[1], r[2]) for r in rows]
    rows += [("广东增", 200, 10), ("发票", 300, 10), ("发票代码:4400154130", 420, 5)]
    fields = extract([_page(rows, ocr=True)])
    assert fields["invoice_code"].value == "4400154130"
    assert fields["invoice_kind"].value == "增值税专用发票" and fields["invoice_kind"].confidence <= 0.6
    printed = extract([_page([*rows, ("广东增值税专用发票", 200, 10)], ocr=True)])
    assert printed["invoice_kind"].confidence > 0.6  # a read title wins


def _ln(t, x0, y0, x1, y1):
    return Line(text=t, bbox=(x0, y0, x1, y1), confidence=0.95, method="ocr")


_HEAD = ("项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额")


def _item_header(xs: list[tuple[float, float]], y0: float, y1: float) -> list[Line]:
    """The item table's header row, one (x0, x1) per label of ``_HEAD``."""
    return [_ln(t, x0, y0, x1, y1) for t, (x0, x1) in zip(_HEAD, xs, strict=True)]


def test_small_print_item_name_wrapped_over_overlapping_lines():
    """Small print: the first row's boxes overlap the header's, a wrapped name's next lines
    overlap the row above, and the name's last word lies past the name/spec midpoint."""

    ln = _ln
    head = [(114, 193), (313, 392), (459, 504), (614, 664), (753, 803), (896, 948), (960, 1068), (1131, 1186)]
    rows = [
        ln("电子发票(增值税专用发票)", 400, 40, 700, 70),
        *_item_header(head, 288, 316),
        ln("*移动通信设备*Apple/苹果 iPhone 16 Pro", 47, 307, 247, 323),
        ln("iPhone 16 Pro Max", 316, 309, 431, 325),
        ln("台", 473, 307, 497, 329),
        ln("8848.67", 885, 308, 948, 328),
        ln("13%", 978, 308, 1011, 328),
        ln("1150.33", 1124, 308, 1187, 328),
        ln("Max（A3297） 256GB 原色钛金属 支持移动联通电信5G 双", 47, 318, 303, 334),
        ln("卡双待手机", 49, 329, 105, 346),
        ln("合计", 121, 515, 143, 536),
        ln("¥8848.67", 880, 515, 950, 536),
        ln("¥1150.33", 1120, 515, 1190, 536),
    ]
    page = Page(number=1, width=1219, height=789, method="ocr", lines=rows)
    fields = extract([page])
    assert fields["item_names"].value == [
        "*移动通信设备*Apple/苹果iPhone16ProMax(A3297)256GB原色钛金属支持移动联通电信5G双卡双待手机"
    ]  # a name NFKC-normalised (CONTRACT) in its wrapped rows too
    assert fields["line_items"].value[0]["amount"] == Decimal("8848.67")


def test_item_name_and_model_read_as_one_line_keep_apart():
    """OCR joins a name and its model into one line (「*黑色金属冶炼压延品*螺 HRB400 φ16E」) and
    the name wraps (「纹钢」): the model stays out of the name, the wrap joins it."""

    ln = _ln
    head = [
        (122, 230),
        (327, 434),
        (522, 608),
        (727, 810),
        (924, 1009),
        (1126, 1212),
        (1236, 1382),
        (1527, 1611),
    ]
    rows = [
        ln("电子发票(增值税专用发票)", 600, 40, 1000, 80),
        *_item_header(head, 414, 449),
        ln("*黑色金属冶炼压延品*螺 HRB400 φ16E", 32, 442, 472, 473),
        ln("吨", 543, 442, 581, 476),
        ln("7.44 3589.38053097345", 753, 446, 1007, 472),
        ln("26704.99", 1100, 445, 1208, 473),
        ln("13%", 1287, 444, 1337, 474),
        ln("3471.65", 1526, 444, 1620, 472),
        ln("纹钢", 31, 475, 90, 510),
        ln("合计", 150, 700, 200, 730),
        ln("¥26704.99", 1090, 700, 1210, 730),
        ln("¥3471.65", 1510, 700, 1620, 730),
    ]
    fields = extract([Page(number=1, width=1654, height=1103, method="ocr", lines=rows)])
    assert fields["item_names"].value == ["*黑色金属冶炼压延品*螺纹钢"]


def test_paper_invoice_photo_whose_labels_were_lost_gets_totals_by_sum_and_its_one_date():
    """A photo of a paper 普票 (the geometry of a real one): OCR read 「计」 without 合, no
    (小写) label, and the date boxed above 「开票日期：」. The total is the ¥ amount the 大写
    words state, 金额 + 税额 the two ¥ amounts that make it, the date the face's only date;
    all at a lower confidence."""
    rows = [
        ("江苏增值税普通发票", 200, 10),
        ("No 02320018", 400, 12),
        ("2018年07月17日", 420, 14),
        ("开票日期：", 360, 30),
        ("计", 100, 200),
        ("￥1436.89", 330, 198),
        ("￥43.11", 440, 198),
        ("价税合计（大写）", 60, 215),
        ("壹仟肆佰捌拾圆整", 160, 215),
        ("￥1480.00", 380, 213),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["total_incl_tax"].value == Decimal("1480.00")
    assert f["amount_excl_tax"].value == Decimal("1436.89") and f["tax_amount"].value == Decimal("43.11")
    assert f["issue_date"].value == date(2018, 7, 17)
    assert max(f[k].confidence for k in ("total_incl_tax", "amount_excl_tax", "issue_date")) <= 0.75
    # two dates on the face: neither is taken; amounts that make the total two ways: no guess
    rows2 = [*rows, ("2018年07月20日", 100, 300), ("￥1000.00", 100, 320), ("￥480.00", 200, 320)]
    g = extract([_page(rows2, ocr=True)])
    assert "issue_date" not in g and "amount_excl_tax" not in g
    assert g["total_incl_tax"].value == Decimal("1480.00")


def test_roll_invoice_names_the_seller_first_by_its_labels():
    """A 卷票 (the geometry of a real one) prints 销售方名称 above 购买方名称, each with its
    纳税人识别号 below: roles come from the label words, not from which block is on top;
    its 大写 圆 read as 園 is still 圆."""
    rows = [
        ("发票代码042001700107", 35, 40),
        ("发票号码07522039", 37, 52),
        ("销售方名称", 38, 64),
        ("武汉市洪山区爷爷土钵菜酒店", 150, 64),
        ("纳税人识别号", 38, 76),
        ("92420111MA4JEY326U", 160, 76),
        ("开票日期2018-01-14", 40, 88),
        ("购买方名称", 40, 100),
        ("广西拓普投资有限公司", 150, 100),
        ("纳税人识别号", 41, 112),
        ("914501005951328109", 160, 112),
        ("合计金额(小写)", 46, 200),
        ("￥187.00", 200, 200),
        ("合计金额(大写)", 45, 212),
        ("壹佰捌拾柒園整", 200, 212),
    ]
    f = extract([_page(rows, ocr=True)])
    assert (
        f["seller_name"].value == "武汉市洪山区爷爷土钵菜酒店"
        and f["buyer_name"].value == "广西拓普投资有限公司"
    )
    assert (
        f["seller_tax_id"].value == "92420111MA4JEY326U" and f["buyer_tax_id"].value == "914501005951328109"
    )
    assert f["total_in_words"].value == "壹佰捌拾柒圆整"


def test_red_letter_invoice_keeps_its_own_number_not_the_reversed_ones():
    rows = [
        ("广西增值税普通发票", 200, 10),
        ("No 11819823", 420, 12),
        ("销项负数", 250, 24),
        ("开票日期：2018年07月25日", 400, 30),
        ("对应正数发票代码：4500174320号码：01608738", 340, 300),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["invoice_number"].value == "11819823"
    assert f["original_invoice_number"].value == "01608738"


def test_taxi_receipt_is_a_kind_and_names_its_company_as_seller():
    """A city's taxi receipt (the lines of a real one): the kind is its printed title, the
    单位名称 is the taxi company (the seller; the rider is nobody's field), 金额 the total."""
    rows = [
        ("深圳市出租汽车专用发票", 60, 10),
        ("发票代码144032270119", 60, 40),
        ("发票号码21095475", 60, 52),
        ("单位名称：深圳市广通实业有限公司", 60, 70),
        ("机打发票", 200, 90),
        ("车号：", 100, 110),
        ("BAZ3035", 300, 110),
        ("金额：", 100, 200),
        ("￥38.00元", 300, 199),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["invoice_kind"].value == "深圳市出租汽车专用发票"
    assert f["seller_name"].value == "深圳市广通实业有限公司" and "buyer_name" not in f
    assert f["total_incl_tax"].value == Decimal("38.00")


# A paper railway ticket (the geometry and OCR reading of a real photo, 670 × 510 px): no title,
# no labels; the passenger's name and ID line are left out here.
RAIL_TICKET = [
    ("Z57A001950", 75, 99, 233, 129),
    ("杭州东售", 405, 101, 508, 134),
    ("2013年07月07日13:39开", 68, 139, 325, 162),
    ("06车12B号", 391, 138, 509, 164),
    ("G7512次", 236, 172, 356, 205),
    ("二等座", 440, 159, 509, 186),
    ("杭州东", 89, 180, 198, 219),
    ("上海虹桥", 381, 182, 522, 219),
    ("¥73.00元", 75, 243, 183, 269),
    ("限乘当日当次车", 74, 274, 221, 300),
    ("检票口16", 295, 304, 411, 347),
    ("9004-1300-5707-08A0-0195-0", 61, 364, 328, 387),
]


def _ocr_page(rows, width: float, height: float, *, method: str = "ocr") -> Page:
    """A page of ``(text, x0, y0, x1, y1)`` rows: read by OCR (pixels), or a PDF's text layer
    (``method="text"``, points)."""
    ocr = method == "ocr"
    lines = [
        Line(text=t, bbox=(x0, y0, x1, y1), confidence=0.95 if ocr else 1.0, method=method)
        for t, x0, y0, x1, y1 in rows
    ]
    return Page(number=1, width=width, height=height, unit="px" if ocr else "pt", method=method, lines=lines)


def test_paper_railway_ticket_is_an_invoice_with_its_serial_and_fare():
    from extractor.classify import classify_pages

    page = _ocr_page(RAIL_TICKET, 670, 510)
    assert [c.doc_type for c in classify_pages([page])] == ["invoice"]
    f = extract([page])
    assert f["invoice_number"].value == "Z57A001950"
    assert f["total_incl_tax"].value == Decimal("73.00")
    # without the fixed print (限乘当日当次车 …) it is no ticket: no number or total guessed
    plain = _ocr_page([r for r in RAIL_TICKET if r[0] != "限乘当日当次车"], 670, 510)
    assert "total_incl_tax" not in extract([plain])


def test_an_exact_number_label_wins_over_the_code_label_read_loosely():
    """A taxi receipt (内蒙古出租汽车通用机打发票, real geometry): 「发票代码」 is one glyph from
    「发票号码」; the number is the value of the exact label."""
    rows = [
        ("出租汽车通用机打发票", 64, 234, 482, 286),
        ("发票联", 204, 296, 350, 354),
        ("发票代码：115001934041", 35, 397, 498, 440),
        ("发票号码：77120424", 29, 469, 471, 532),
        ("金额：", 99, 1379, 219, 1421),
        ("9.00元", 363, 1383, 498, 1423),
    ]
    f = extract([_ocr_page(rows, 559, 1501)])
    assert f["invoice_number"].value == "77120424" and f["invoice_code"].value == "115001934041"
    assert f["invoice_kind"].value == "出租汽车通用机打发票" and f["total_incl_tax"].value == Decimal("9.00")


# A roll invoice (增值税普通发票(卷票), 76 mm, the geometry and OCR reading of a real photo): the
# title's 增值税普通 lost under the supervision seal, the seller's name wrapped onto a second line,
# the item's name wrapped with its bracketed tail on the row of its amounts.
ROLL = [
    ("发票", 657, 94, 800, 168),
    ("(卷票)", 788, 126, 869, 164),
    ("发票代码023001700107", 69, 370, 640, 426),
    ("发票号码16619167", 67, 432, 516, 496),
    ("机器编号661706223853", 457, 497, 821, 536),
    ("销售方名称中国石化销售有限公司黑龙江哈尔", 70, 537, 771, 585),
    ("滨石油分公司", 235, 578, 451, 620),
    ("纳税人识别号91230100696844091B", 71, 635, 606, 681),
    ("开票日期2018年2月3日", 70, 678, 418, 731),
    ("购买方名称哈尔滨斯博医疗设备经销有限公司", 69, 726, 771, 780),
    ("项目", 65, 880, 140, 922),
    ("单价", 310, 878, 388, 925),
    ("数量", 448, 879, 525, 926),
    ("金额", 655, 880, 734, 927),
    ("95号车用乙醇汽油", 64, 916, 356, 961),
    ("(E10) (V)", 73, 953, 213, 996),
    ("7.51", 360, 953, 442, 999),
    ("39.95", 504, 956, 608, 996),
    ("300.00", 652, 957, 771, 996),
    ("31230160696844091B", 459, 1251, 529, 1544),  # the seller's seal, printed tall over the items
    ("票专用章", 372, 1307, 472, 1526),
    ("合计金额(小写)", 64, 1698, 244, 1744),
    ("¥300.00", 236, 1692, 373, 1737),
    ("合计金额(大写)", 64, 1745, 242, 1793),
    ("校验码", 63, 1810, 175, 1852),
    ("叁佰元整", 239, 1772, 387, 1822),  # half a row below its label (a skewed photo)
]


def test_roll_invoice_wrapped_name_and_item_and_kind_from_its_code():
    f = extract([_ocr_page(ROLL, 960, 2100)])
    assert f["invoice_kind"].value == "增值税普通发票(卷票)" and f["invoice_kind"].confidence <= 0.6
    assert f["seller_name"].value == "中国石化销售有限公司黑龙江哈尔滨石油分公司"
    assert f["buyer_name"].value == "哈尔滨斯博医疗设备经销有限公司"
    assert f["item_names"].value == ["95号车用乙醇汽油(E10)(V)"]
    assert f["total_incl_tax"].value == Decimal("300.00") and f["total_in_words"].value == "叁佰元整"
    # its label lost: the words are still the line that states the total, and only such a line
    unlabelled = [r for r in ROLL if r[0] != "合计金额(大写)"]
    assert extract([_ocr_page(unlabelled, 960, 2100)])["total_in_words"].value == "叁佰元整"
    other = [r if r[0] != "叁佰元整" else ("叁佰伍拾元整", *r[1:]) for r in unlabelled]
    assert "total_in_words" not in extract([_ocr_page(other, 960, 2100)])


def test_quota_invoice_total_is_its_value_in_words():
    """A 通用定额发票 (real geometry): the value printed once in big words, the seal's 专用章 read
    on with it; on an invoice that is no quota invoice such words are not taken for a total."""
    rows = [
        ("四川省绵阳", 311, 65, 554, 141),
        ("用定额发票", 835, 65, 1086, 143),
        ("发票代码", 319, 296, 533, 344),
        ("发票号码00296313", 319, 372, 797, 429),
        ("壹佰元专用章", 549, 560, 996, 664),
        ("(加盖发票专用章有效)", 509, 706, 899, 753),
    ]
    f = extract([_ocr_page(rows, 1312, 831)])
    assert f["total_incl_tax"].value == Decimal("100.00") and f["total_in_words"].value == "壹佰元"
    plain = [r if r[0] != "用定额发票" else ("用机打发票", *r[1:]) for r in rows]
    assert "total_incl_tax" not in extract([_ocr_page(plain, 1312, 831)])


def test_taxi_receipt_title_with_misread_glyphs():
    """A Shenzhen taxi receipt photo (real geometry and reading): its title read as
    「深圳市出租汽晕传发票」 is the nearest taxi wording; as a taxi receipt its company is the
    seller and its 金额 the total."""
    rows = [
        ("深圳市出租汽晕传发票", 82, 367, 1228, 541),
        ("发票代码144032370219", 98, 891, 1184, 987),
        ("发票号码08573645", 91, 1035, 1137, 1156),
        ("单位名称：深圳市恒誉光明交通服务有限公司", 96, 1345, 1230, 1425),
        ("日期：", 210, 2137, 404, 2225),
        ("2023年12月14日", 440, 2104, 1139, 2204),
        ("金额：", 204, 2857, 404, 2948),
        ("￥58.00元", 685, 2820, 1133, 2926),
    ]
    f = extract([_ocr_page(rows, 1306, 3700)])
    assert f["invoice_kind"].value == "深圳市出租汽车专用发票"
    assert f["seller_name"].value == "深圳市恒誉光明交通服务有限公司" and "buyer_name" not in f
    assert f["total_incl_tax"].value == Decimal("58.00")


# A Ningbo taxi meter's receipt (geometry and OCR reading of a real phone photo, 3024 × 4032
# px): the title 「宁波通用机打发票」 under the tax bureau's seal read as glyph soup.
NINGBO_TAXI = [
    ("通用发机據", 1204, 74, 1778, 250),
    ("国家税务总局", 1199, 278, 1758, 375),
    ("发票代码133021835001", 771, 777, 2198, 921),
    ("发票号码24968574", 763, 941, 1826, 1094),
    ("服务监督电话12328", 761, 1093, 1603, 1234),
    ("发票专用章", 1657, 1387, 2104, 1509),
    ("车号", 957, 1654, 1244, 1821),
    ("B-T5402", 1470, 1684, 2093, 1818),
    ("日期", 975, 1827, 1242, 1979),
    ("2019-11-25", 1284, 1844, 2099, 1990),
    ("上车K0900>16:56", 952, 1984, 2111, 2163),
    ("下车", 956, 2150, 1235, 2313),
    ("单价", 946, 2309, 1243, 2488),
    ("35", 1682, 2345, 2115, 2498),
    ("里程", 950, 2498, 1239, 2655),
    ("25.6km", 1615, 2528, 2113, 2665),
    ("预约电召费", 937, 2836, 1625, 3001),
    ("0.00元", 1689, 2901, 2116, 3039),
    ("金额(fare)", 938, 2990, 1532, 3150),
    ("95.00元", 1623, 3078, 2112, 3207),
    ("浙江德邦印务有限公司2019年4月印", 902, 3648, 1979, 3748),
]


def test_taxi_meter_receipt_known_by_its_trip_lines():
    """A taxi receipt whose title was not read: its trip lines (车号, 上车, 下车, 单价, 里程)
    make it one; 金额 is its total and the meter's date its issue date."""
    f = extract([_ocr_page(NINGBO_TAXI, 3024, 4032)])
    assert f["total_incl_tax"].value == Decimal("95.00")
    assert f["issue_date"].value == date(2019, 11, 25)
    # without the trip lines it is no taxi receipt: 金额 is no total
    plain = _ocr_page([r for r in NINGBO_TAXI if r[0] not in ("车号", "下车", "单价", "里程")], 3024, 4032)
    assert "total_incl_tax" not in extract([plain])


def test_fiscal_toll_receipt_kind_code_payer_and_check_code():
    """A Jiangsu toll e-receipt (财政电子票据, the text layer of a real one): its kind is its
    printed title, 票据代码 its 8-digit code, 交款人 the payer (the buyer), 校验码 six letters
    and digits."""
    rows = [
        ("江苏省车辆通行费票据（电子）", 164, 27, 375, 42),
        ("票据代码：32020124", 34, 70, 102, 78),
        ("票据号码：0007878927", 344, 70, 418, 78),
        ("交款人统一社会信用代码：91310000764286520D", 34, 79, 192, 87),
        ("校验码：NEmgbi", 344, 79, 396, 87),
        ("交款人：上海科之锐人才咨询有限公司", 34, 89, 162, 97),
        ("开票日期：2024-05-17", 344, 89, 418, 97),
        ("金额合计（大写）壹拾元整", 35, 232, 125, 240),
        ("（小写）10.00", 326, 232, 375, 240),
    ]
    f = extract([_ocr_page(rows, 538, 360, method="text")])
    assert f["invoice_kind"].value == "江苏省车辆通行费票据(电子)"
    assert f["invoice_code"].value == "32020124" and f["invoice_number"].value == "0007878927"
    assert f["buyer_name"].value == "上海科之锐人才咨询有限公司"
    assert f["buyer_tax_id"].value == "91310000764286520D"
    assert f["check_code"].value == "NEmgbi"
    assert f["total_incl_tax"].value == Decimal("10.00")


def test_lone_name_glyph_does_not_take_the_cipher_row():
    """A scanned 专票 (real geometry, sb-004): 名称 split into 「名」 and 「称：清源…」; the lone 「名」
    has the cipher block's first row right of it, which is no name: the buyer is the name right
    of 「称：」, and no seller is made of the buyer's name."""
    rows = [
        ("名", 151, 181, 174, 205),
        ("称：清源科技（厦门）股份有限公司", 246, 164, 542, 207),
        ("密", 766, 176, 787, 200),
        ("03>890293127708-6-1<480<5930", 790, 176, 1200, 202),
        ("纳税人识别号：", 151, 210, 282, 235),
        ("91350200664711147G", 306, 200, 571, 227),
        ("5->/92/19/0+03534/9/8/7-478-", 792, 202, 1200, 228),
        ("购买方", 107, 193, 140, 290),
    ]
    f = extract([_ocr_page(rows, 1368, 791)])
    assert f["buyer_name"].value == "清源科技(厦门)股份有限公司"
    assert "seller_name" not in f


def test_kind_read_in_part_is_completed_by_the_invoice_code():
    """A photo of an e-invoice (real geometry, rv-001): the title's 「电子」 was lost, 「天津增值税」
    and 「普通发票」 read; the 12-digit code ending 11 names 增值税电子普通发票. A code ending 04
    (a paper 普通发票) keeps the kind read."""
    rows = [
        ("天津增值税", 800, 208, 1273, 313),
        ("普通发票", 1365, 206, 1720, 314),
        ("发票代码：012001700211", 1787, 217, 2217, 260),
        ("发票号码：19529209", 1787, 276, 2139, 323),
        ("开票日期：2018年06月25日", 1789, 338, 2230, 380),
    ]
    assert extract([_ocr_page(rows, 2536, 2092)])["invoice_kind"].value == "增值税电子普通发票"
    rows[2] = ("发票代码：012001700204", 1787, 217, 2217, 260)
    assert extract([_ocr_page(rows, 2536, 2092)])["invoice_kind"].value == "增值税普通发票"


def test_issue_year_read_before_the_codes_year_is_mended():
    """A small scan of a Tianjin e-invoice (real reading): 「2003年」 for 2023, but its code
    (0 1200 22 …) was allocated in 2022: the one year a digit away within three years of it.
    The same date on a text layer stays as printed."""
    rows = [
        ("天津增值税电子普通发票", 188, 22, 398, 47),
        ("发票代码：012002200211", 416, 22, 511, 35),
        ("发票号码：42130241", 417, 36, 494, 48),
        ("开票日期：2003年05月06日", 416, 50, 522, 64),
    ]
    f = extract([_ocr_page(rows, 540, 340)])
    assert f["issue_date"].value == date(2023, 5, 6) and f["issue_date"].confidence <= 0.6
    f = extract([_ocr_page(rows, 540, 340, method="text")])
    assert f["issue_date"].value == date(2003, 5, 6)


def test_item_name_run_into_the_spec_column_on_a_text_layer():
    """A 数电 fuel invoice's text layer (real boxes) runs the name and the model into one
    run: 「*乙醇汽油*92号车用乙醇92号」, its last 「92号」 under 规格型号. The name ends where
    the spec column starts, and its wrapped tail joins it."""
    rows = [
        ("项目名称 ", 44.0, 149.5, 84.5, 158.5),
        ("规格型号", 115.9, 149.5, 151.9, 158.5),
        ("单  位", 191.2, 149.5, 218.2, 158.5),
        ("数  量", 265.0, 149.5, 292.0, 158.5),
        ("单  价", 335.8, 149.5, 362.8, 158.5),
        ("金  额", 406.7, 149.5, 433.7, 158.5),
        ("税率/征收率", 444.4, 149.5, 493.9, 158.5),
        ("税  额 ", 549.6, 149.5, 581.1, 158.5),
        ("*乙醇汽油*92号车用乙醇92号", 12.5, 161.9, 133.9, 171.6),
        ("升", 200.2, 161.9, 209.2, 170.9),
        ("27.46566792", 242.5, 161.9, 292.0, 170.9),
        ("7.08848591", 317.8, 161.9, 362.8, 170.9),
        ("194.69", 406.7, 161.9, 433.7, 170.9),
        ("13%", 462.4, 161.9, 475.9, 170.9),
        ("25.31", 558.6, 162.6, 581.1, 171.6),
        ("汽油(E10)(VIB)", 12.5, 175.3, 75.5, 184.3),
        ("合  计", 44.0, 230.0, 71.0, 239.0),
    ]
    f = extract([_ocr_page(rows, 595.3, 396.9, method="text")])
    assert f["item_names"].value == ["*乙醇汽油*92号车用乙醇汽油(E10)(VIB)"]
    assert f["line_items"].value[0]["amount"] == Decimal("194.69")


def test_margin_glyphs_below_an_item_are_not_its_wrapped_name():
    """tc-003's photo of a paper 专票 (its geometry): a binding margin's marks at the left edge
    under the item row (「………」 level with it, 「1.X7」 and 「I7.1」 below) are read in the name
    column's region but start left of where the item's name starts; a wrapped name still joins."""
    rows = [
        ("货物或应税劳务、服务名称", 361, 666, 850, 716),
        ("规格型号", 967, 664, 1157, 719),
        ("单位", 1242, 665, 1338, 719),
        ("数量", 1421, 667, 1543, 719),
        ("单价", 1660, 663, 1784, 720),
        ("金额", 1935, 663, 2108, 721),
        ("税率", 2212, 665, 2313, 719),
        ("税额", 2412, 665, 2587, 721),
        ("………", 54, 715, 118, 740),
        ("特约服务费", 332, 724, 541, 776),
        ("582.52", 2066, 728, 2194, 774),
        ("3%", 2241, 730, 2300, 774),
        ("17.48", 2553, 731, 2659, 773),
        ("1.X7", 50, 782, 121, 820),
        ("I7.1", 52, 818, 120, 857),
        ("合计", 400, 1100, 480, 1150),
        ("¥582.52", 2040, 1100, 2190, 1150),
        ("¥17.48", 2540, 1100, 2660, 1150),
    ]
    assert extract([_ocr_page(rows, 2913, 1851)])["item_names"].value == ["特约服务费"]
    wrapped = [*rows[:-3], ("（季度）", 336, 782, 480, 820), *rows[-3:]]
    assert extract([_ocr_page(wrapped, 2913, 1851)])["item_names"].value == ["特约服务费(季度)"]


def test_fuel_item_name_wrapped_in_a_narrow_column_beside_its_model():
    """A real 数电 成品油 invoice's text layer (corpus uy-001): the narrow name column wraps
    「*汽油*92号车用汽油（VI」 / 「B）」, and the model 「92号」 printed under 规格型号 runs into the
    name's line. The model is no part of the name, and the wrapped row's bracket is NFKC too."""
    from pathlib import Path

    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = (
        Path(__file__).resolve().parents[2]
        / "corpus"
        / "applications"
        / "uy-001"
        / "1760581215760-ggwwcs.pdf"
    )
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    inv = next(d for d in extract_documents(read_path(f)) if d.doc_type == "invoice")
    assert inv.fields["item_names"].value == ["*汽油*92号车用汽油(VIB)"]


def test_taxi_title_with_its_region_on_the_line_above():
    """A phone photo of an Inner Mongolia taxi receipt: 「内蒙古」 is read on a line of its own
    right above 「出租汽车通用机打发票」; the kind is the whole printed title (realcorpus
    rv-007). A line above that is no place is not joined."""

    def page(first: str) -> Page:
        rows = [
            (first, (183, 192, 356, 241)),
            ("出租汽车通用机打发票", (65, 234, 483, 285)),
            ("发票代码：115001934041", (35, 397, 499, 441)),
            ("发票号码：77120424", (29, 469, 471, 531)),
        ]
        lines = [Line(text=t, bbox=b, confidence=0.9, method="ocr") for t, b in rows]
        return Page(number=1, width=559, height=1501, method="ocr", lines=lines)

    assert extract([page("内蒙古")])["invoice_kind"].value == "内蒙古出租汽车通用机打发票"
    assert extract([page("国家税务总局")])["invoice_kind"].value == "出租汽车通用机打发票"

"""Business licence fields: the four real licences (OCR, slow) and synthetic layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.fields.license import extract
from models.page import Line, Page

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
LICENSES = REALDOCS / "licenses"

EXPECTED = {
    "lic01": dict(
        company_name="湖北省迅航科技有限公司",
        credit_code="91420111MADANHD04J",
        legal_representative="余卓航",
        established_date=date(2024, 1, 12),
        registered_capital=Decimal("1000000.00"),
        company_type="有限责任公司(自然人独资)",
        registration_authority="武汉市洪山区行政审批局",
    ),
    "lic02": dict(
        company_name="深圳市雄楚速通国际物流有限公司",
        credit_code="91440300MA5H3E0T3W",
        legal_representative="别伟康",
        established_date=date(2021, 11, 26),
        registration_authority="深圳市市场监督管理局",
    ),
    "lic03": dict(
        company_name="汕头市钦海国际货运代理有限公司",
        credit_code="91440507694788698B",
        legal_representative="林意微",
        established_date=date(2009, 10, 12),
        registered_capital=Decimal("5000000.00"),
    ),
    "lic04": dict(
        company_name="南京文化艺术产权交易所有限公司",
        credit_code="91320113580452133T",
        legal_representative="高华军",
        established_date=date(2011, 8, 10),
        registered_capital=Decimal("30000000.00"),
        business_term_end=date(2041, 8, 9),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_real_licences(prefix):
    from extractor.read import read_path

    if not LICENSES.is_dir():
        pytest.skip(f"realdocs folder absent: {LICENSES}")
    path = next(iter(sorted(LICENSES.glob(f"{prefix}_*"))), None)
    if path is None:
        pytest.skip(f"{prefix} not in {LICENSES}")
    rr = read_path(path)
    fields = extract(rr.pages)
    wrong = {
        k: (fields[k].value if k in fields else None, v)
        for k, v in EXPECTED[prefix].items()
        if k not in fields or fields[k].value != v
    }
    assert not wrong, wrong
    assert fields["credit_code"].method == "ocr" and fields["credit_code"].bbox is not None


def _page(rows, *, ocr=True, width=1000.0, height=700.0) -> Page:
    lines = [
        Line(
            text=t,
            bbox=(x, y, x + w, y + (h[0] if h else 20)),
            confidence=0.95 if ocr else 1.0,
            method="ocr" if ocr else "text",
        )
        for t, x, y, w, *h in rows
    ]
    return Page(number=1, width=width, height=height, method="ocr" if ocr else "text", lines=lines)


# 2019+ two-column layout as OCR returns it: letter-spaced labels split into glyphs,
# stacked labels merged ("名类"), values right of labels, scope over several lines
NEW_LAYOUT = [
    ("营业执照", 400, 40, 200),
    ("统一社会信用代码", 60, 80, 160),
    ("9146O3OOMAA92DJN95", 60, 105, 180),
    ("名类", 60, 200, 40, 60),  # 名 over 类 read as one box spanning both rows
    ("称泉州智算科技有限公司", 150, 200, 220),
    ("型有限责任公司(自然人独资)", 150, 240, 260),
    ("注册资本 叁拾陆万元整", 560, 200, 220),
    ("成立日期 2020年03月01日", 560, 240, 240),
    ("法定代表人 张三", 60, 280, 160),
    ("住", 560, 280, 20),
    ("所福建省泉州市丰泽区东海街道", 640, 280, 300),
    ("智算大厦18层", 660, 302, 140),
    ("营业期限 2020年03月01日至长期", 560, 330, 300),
    ("经营范围", 60, 330, 80),
    ("一般项目：人工智能应用软件开发；", 150, 330, 340),
    ("算力服务；数据处理服务。", 150, 352, 250),
    ("登记机关", 620, 560, 80),
    ("泉州市丰泽区市场监督管理局", 720, 560, 260),
    ("国家市场监督管理总局监制", 700, 660, 240),
]


def test_new_layout_ocr():
    f = extract([_page(NEW_LAYOUT)])
    # O read for 0 in digit-only positions, repaired because the check character then validates
    assert f["credit_code"].value == "91460300MAA92DJN95"
    assert f["credit_code"].confidence < 0.95
    assert f["company_name"].value == "泉州智算科技有限公司"
    assert f["company_type"].value == "有限责任公司(自然人独资)"
    assert f["legal_representative"].value == "张三"
    assert f["registered_capital"].value == Decimal("360000.00")
    assert f["established_date"].value == date(2020, 3, 1)
    assert f["business_term_end"].value == "长期"
    assert f["address"].value == "福建省泉州市丰泽区东海街道智算大厦18层"
    assert f["business_scope"].value == "一般项目：人工智能应用软件开发；算力服务；数据处理服务。"
    assert f["registration_authority"].value == "泉州市丰泽区市场监督管理局"
    assert f["company_name"].method == "ocr"
    assert f["company_name"].bbox[0] >= 150  # the value, not the label fragment


def test_credit_code_repair_only_when_valid():
    rows = [r for r in NEW_LAYOUT if not r[0].startswith("9146")]
    f = extract([_page([*rows, ("9I11O1O869OO17781B", 60, 105, 180)])])
    assert f["credit_code"].value == "91110108690017781B"
    assert f["credit_code"].confidence < 0.95  # repaired → lower confidence
    # a code whose check character fails stays as read, with a much lower confidence
    f = extract([_page([*rows, ("91350503MA2Y3K6W8C", 60, 105, 180)], ocr=False)])
    assert f["credit_code"].value == "91350503MA2Y3K6W8C"
    assert f["credit_code"].confidence <= 0.6


def test_old_layout_labels_with_colons_and_lone_glyph():
    rows = [
        ("营业执照", 400, 40, 200),
        ("统一社会信用代码 91110108690017781B", 60, 80, 400),
        ("名      称：北京智算云科技有限公司", 60, 150, 400),
        ("类      型：其他有限责任公司", 60, 180, 300),
        ("住      所：北京市海淀区中关村大街1号", 60, 210, 400),
        ("法定代表人：李四", 60, 240, 200),
        ("注册资本：3000万元", 60, 270, 200),
        ("成", 60, 300, 20),
        ("2011年08月10日", 200, 300, 160),
        ("营业期限：2011年08月10日至2041年08月09日", 60, 330, 420),
    ]
    f = extract([_page(rows)])
    assert f["credit_code"].value == "91110108690017781B"
    assert f["company_name"].value == "北京智算云科技有限公司"
    assert f["company_type"].value == "其他有限责任公司"
    assert f["address"].value == "北京市海淀区中关村大街1号"
    assert f["legal_representative"].value == "李四"
    assert f["registered_capital"].value == Decimal("30000000.00")
    assert f["established_date"].value == date(2011, 8, 10)
    assert f["business_term_end"].value == date(2041, 8, 9)
    assert "registration_authority" not in f


def test_docx_cells_and_empty():
    cells = [("名称", 0, 0), ("厦门数算科技有限公司", 0, 1), ("法定代表人", 1, 0), ("王五", 1, 1)]
    lines = [Line(text=t, method="docx", table=0, row=r, col=c) for t, r, c in cells]
    f = extract([Page(number=1, unit="none", method="docx", lines=lines)])
    assert f["company_name"].value == "厦门数算科技有限公司"
    assert f["legal_representative"].value == "王五"
    assert extract([]) == {}


def test_individual_business_two_columns_and_seal_authority():
    """个体工商户, two columns: the 经营场所 value wraps below itself while the left column's
    经营范围 row sits beside it; 经营者 lost its middle glyph; 登记机关 only in the seal,
    its place read wrong and corrected against the credit code's division."""
    from models.page import Seal

    rows = [
        ("统一社会信用代码", 60, 120, 110, 15),
        ("92530114MACKD2BF6Y", 60, 140, 95, 12),
        ("名", 60, 198, 14, 15),
        ("称 呈贡区人面竹纸伞工艺品店", 120, 198, 140, 13),
        ("组成形式个人经营", 380, 198, 115, 15),
        ("类", 60, 221, 14, 15),
        ("型 个体工商户", 120, 221, 75, 15),
        ("注册日期 2023年06月09日", 380, 217, 140, 15),
        ("经", 60, 241, 14, 13),
        ("者董书念", 120, 239, 55, 15),
        ("经营场所 云南省昆明市呈贡区吴家营街道办事处", 380, 241, 240, 13),
        ("月华街云南民族大学雨花校区丰泽", 452, 252, 150, 13),
        ("经营范围", 60, 258, 72, 15),
        ("一般项目：工艺美术品零售", 136, 259, 237, 13),
        ("A410", 452, 263, 27, 13),
        ("法须经批准的项目外，凭营业执照依法自主开展经营活动)。", 138, 268, 214, 14),
        ("登记机关", 450, 357, 80, 17),
    ]
    page = _page(rows, width=693, height=476)
    page.seals = [Seal(box=(440, 330, 560, 450), text="昆明市呈贡区市场监督管理曷", text_confidence=0.8)]
    f = extract([page])
    assert f["company_name"].value == "呈贡区人面竹纸伞工艺品店"
    assert f["company_type"].value == "个体工商户"
    assert f["legal_representative"].value == "董书念"
    assert f["address"].value == "云南省昆明市呈贡区吴家营街道办事处月华街云南民族大学雨花校区丰泽A410"
    # the seal's organ word misread: matched fuzzily at the ring's end, at a lower confidence
    fuzzy = f["registration_authority"]
    assert fuzzy.value == "昆明市呈贡区市场监督管理局" and fuzzy.method == "seal" and fuzzy.confidence <= 0.5
    page.seals = [Seal(box=(440, 330, 560, 450), text="云南民族大学雨花校区", text_confidence=0.8)]
    assert "registration_authority" not in extract([page])  # a seal that names no authority
    page.seals = [Seal(box=(440, 330, 560, 450), text="昆明市呈贡匹市场监督管理局", text_confidence=0.8)]
    ra = extract([page])["registration_authority"]
    assert ra.value == "昆明市呈贡区市场监督管理局" and ra.method == "seal" and ra.confidence <= 0.6


def test_type_line_is_not_the_name_and_a_cut_name_is_completed():
    rows = [
        ("名", 87, 249, 18, 17),
        ("称", 143, 250, 20, 15),
        ("北京律行天下科技有", 154, 248, 137, 19),
        ("类", 86, 269, 20, 20),
        ("型", 144, 271, 17, 17),
        ("有限责任公司(自然人投资或控股)", 165, 271, 152, 17),
    ]
    f = extract([_page(rows, width=800, height=560)])
    assert f["company_type"].value == "有限责任公司(自然人投资或控股)"
    assert f["company_name"].value == "北京律行天下科技有限公司"
    assert f["company_name"].confidence <= 0.7  # completed from the type: a reviewer checks it


def test_stacked_label_glyphs_read_as_one_label_per_row():
    """OCR of a column of letter-spaced labels read top-down (「名类住」, first glyphs) or
    keeping the last glyphs (「称型」): each glyph labels the row band it covers."""
    rows = [
        ("名类住", 14, 580, 62, 228),
        ("上海滋松互联网科技有限公司", 324, 601, 443, 51),
        ("有限责任公司(自然人投资或控股)", 322, 681, 504, 53),
        ("上海市青浦区徐泾镇华徐公路999号2幢705室", 326, 768, 563, 43),
    ]
    f = extract([_page(rows, width=1080, height=1920)])
    assert f["company_name"].value == "上海滋松互联网科技有限公司"
    assert f["company_type"].value == "有限责任公司(自然人投资或控股)"
    assert f["address"].value == "上海市青浦区徐泾镇华徐公路999号2幢705室"
    rows = [
        ("称型", 642, 1190, 102, 236),
        ("深圳市菜篮食品有限公司龙岗分公司", 794, 1204, 907, 64),
        ("有限责任公司分公司", 793, 1330, 533, 73),
    ]
    f = extract([_page(rows, width=2117, height=3266)])
    assert f["company_name"].value == "深圳市菜篮食品有限公司龙岗分公司"
    assert f["company_type"].value == "有限责任公司分公司"


def test_watermark_and_lost_type_value_are_not_read_into_fields():
    """A copy stamped 「此复印件仅用于…」 in large slanted glyphs over the scope, the 类型 value
    hidden (OCR found nothing right of 类型), scope separators read as 「：」."""
    rows = [
        ("营业执照", 400, 40, 200),
        ("名称 泉州智算科技有限公司", 60, 200, 300),
        ("类型", 60, 240, 40),
        ("住所 福建省泉州市丰泽区东海街道88号", 60, 280, 360),
        ("经营范围 软件开发：信息技术咨询服务（中介除外）：", 60, 330, 420),
        ("批发、零售：计算机软硬件。（依法须经批准的项目，经相关", 150, 352, 420),
        ("此复印件仅用于", 220, 340, 160, 80),  # slanted watermark: four rows tall
        ("部门批准后方可开展经营活动）", 150, 374, 300),
        ("北区市场", 480, 380, 70),  # ring glyphs of the authority's seal after the clause
        ("登记机关", 620, 560, 80),
    ]
    f = extract([_page(rows)])
    assert "company_type" not in f  # not the address of the next row
    assert f["address"].value == "福建省泉州市丰泽区东海街道88号"
    assert f["business_scope"].value == (
        "软件开发；信息技术咨询服务（中介除外）；批发、零售：计算机软硬件。"
        "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )


def test_authority_fragment_completed_from_the_credit_code():
    """The seal hid the place: OCR kept 「区市场监督管理局」 by 登记机关; the credit code's
    division (310116 上海市金山区) names it, with a lower confidence."""
    rows = [
        ("营业执照", 400, 40, 200),
        ("统一社会信用代码 91310116MADCMKPL7J", 60, 80, 400),
        ("名称 上海滋松互联网科技有限公司", 60, 200, 300),
        ("登记机关", 620, 540, 80),
        ("区市场监督管理局", 720, 570, 160),
    ]
    f = extract([_page(rows)])
    assert f["registration_authority"].value == "上海市金山区市场监督管理局"
    assert f["registration_authority"].confidence <= 0.7


def test_scope_line_boxed_tall_over_the_next_stays_in_reading_order():
    """A skewed photo: OCR boxes one scope line tall enough to overlap the line above it in
    the same column; the two are rows one under the other, not one row read left to right."""
    rows = [
        ("经营范围", 47, 402, 100, 19),
        ("建筑工程；施工劳务分包；批发、零售：建材、金属材", 146, 403, 294, 15),
        ("询服务；翻译服务。（依法须经批准", 147, 432, 295, 22),  # tall box, starts 1 px left
        ("料；计算机、软件及辅助设备技术开发、技术咨", 148, 424, 294, 17),
        ("的项目，经相关部门批准后方可开展经营活动）", 149, 448, 232, 14),
    ]
    fields = extract([_page(rows)])
    assert fields["business_scope"].value == (
        "建筑工程；施工劳务分包；批发、零售：建材、金属材料；计算机、软件及辅助设备技术开发、技术咨"
        "询服务；翻译服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )


def test_old_individual_business_licence_layout():
    """A pre-2014 个体工商户 licence: 字号名称 unreadable under a seal (no name is better than the
    next row's number), 经营范围及方式, 执照有效期 whose 至 date is on the row below (and whose
    start is the licence's, not the business's), 发照机关 only in the seal."""
    rows = [
        ("注册号321302600291771", 487, 176, 154),
        ("字号名称宿", 86, 188, 160),
        ("组成形式个人经营", 86, 255, 203),
        ("经营场所", 87, 291, 144),
        ("宿城区金港花园10-304", 229, 296, 140),
        ("经营范围及方式家政服务。", 88, 325, 207),
        ("发照机关", 433, 365, 87),
        ("执照有效期：自2011年8月23日", 89, 390, 202),
        ("至2015年8月23日", 159, 406, 132),
        ("本执照信息请登录江苏省工商行政管理局网站查询", 60, 440, 400),
    ]
    f = extract([_page(rows, width=700, height=492)])
    assert "company_name" not in f
    assert f["business_scope"].value == "家政服务。"
    assert str(f["business_term_end"].value) == "2015-08-23"
    assert "established_date" not in f
    assert "registration_authority" not in f  # not the footer's website sentence
    assert f["address"].value == "宿城区金港花园10-304"
    # no 类型 row on the old form: its 组成形式 (printed only on a 个体工商户's licence) tells it
    assert f["company_type"].value == "个体工商户"
    assert "个人经营" in f["company_type"].source_text


def test_old_individual_business_licence_dated_by_its_first_licence():
    # ui-017's layout: an old 个体工商户 form has no 成立日期 row; its 原发照日期 dates the business
    # (the 执照有效期 above dates this licence, not the business)
    rows = [
        ("个体工商户营业执照", 375, 273, 1171, 268),
        ("注册号440681600801140", 1359, 515, 374, 39),
        ("字号名称佛山市顺德区某某设计工作室", 246, 548, 960, 55),
        ("组成形式个人经营", 243, 736, 551, 49),
        ("执照有效期：自二〇〇六年二月十日", 241, 1100, 558, 46),
        ("至长期年月日", 441, 1141, 360, 54),
        ("原发照日期二〇〇六年二月二十日", 257, 1189, 397, 37),
    ]
    f = extract([_page(rows, width=1920, height=1288)])
    assert str(f["established_date"].value) == "2006-02-20"


def test_type_line_with_the_labels_last_glyph():
    rows = [*NEW_LAYOUT]
    rows[5] = ("型有限责任公司(自然人独资)", 150, 240, 260)
    f = extract([_page(rows)])
    assert f["company_type"].value == "有限责任公司(自然人独资)"


def test_two_stacked_label_columns_first_and_last_glyphs():
    """OCR reads the letter-spaced labels 名称/类型/住所 as two tall columns, 「名类住」 and
    「称型所」; the second column is labels too, and each row's value is the one centred on it."""
    rows = [
        ("营业执照", 850, 792, 1000, 300),
        ("名类住", 444, 1291, 80, 274),
        ("重庆市翼晟俊科技有限公司", 855, 1299, 710, 72),
        ("称型所", 717, 1294, 88, 273),
        ("有限责任公司", 854, 1393, 361, 71),
        ("重庆市永川区和顺大道799号（永川区软件与信息服务", 856, 1487, 1376, 71),
        ("法定代表人", 449, 1578, 338, 72),
        ("笔产业园B区3号楼4层）", 844, 1525, 684, 133),
        ("成立日期", 449, 1763, 329, 73),
        ("2017年04月17日", 854, 1769, 416, 66),
    ]
    f = extract([_page(rows, width=2552, height=3510)])
    assert f["company_name"].value == "重庆市翼晟俊科技有限公司"
    assert f["company_type"].value == "有限责任公司"
    assert f["address"].value.startswith("重庆市永川区和顺大道799号")


def test_address_open_bracket_runs_on_beside_the_next_label():
    """A long 住所 wraps into the 法定代表人 row: its second line closes the bracket the first
    opened, so it belongs to the address, and is no person's name; the amount of the row
    below is no name either."""
    rows = [
        ("名称", 60, 100, 60),
        ("重庆市翼晟俊科技有限公司", 200, 100, 300),
        ("住所", 60, 140, 60),
        ("重庆市永川区和顺大道799号（永川区软件与信息服务", 200, 140, 560),
        ("法定代表人", 60, 178, 120),
        ("外包产业园B区3号楼4层）", 200, 170, 300, 30),
        ("注册资本", 60, 216, 100),
        ("壹仟万元整", 200, 216, 120),
    ]
    f = extract([_page(rows)])
    assert f["address"].value == "重庆市永川区和顺大道799号(永川区软件与信息服务外包产业园B区3号楼4层)"
    assert "legal_representative" not in f
    assert f["registered_capital"].value == Decimal("10000000.00")
    # a closed bracket: the next row's label still ends the address
    closed = [(t.replace("（", ""), *r) if t.startswith("重庆市永川") else (t, *r) for t, *r in rows]
    assert extract([_page(closed)])["address"].value == "重庆市永川区和顺大道799号永川区软件与信息服务"


def test_address_left_on_a_lists_separator_runs_on_beside_the_next_label():
    """「…SOHO楼1601、」: the list's next room 「1602」 is printed up against the 法定代表人 row
    (realcorpus up-006, va-011's 「27楼C、」 over 「D座」); a value ending whole, or a
    person's name on that row, is not run on."""
    rows = [
        ("名称", 60, 100, 60),
        ("重庆云鹿羽科技有限公司", 200, 100, 300),
        ("住所", 60, 140, 60),
        ("重庆市沙坪坝区西永大道28-2号SOHO楼1601、", 200, 140, 500),
        ("法定代表人", 60, 172, 120),
        ("1602", 196, 162, 80),
        ("注册资本", 60, 216, 100),
        ("壹佰万元整", 200, 216, 120),
    ]
    f = extract([_page(rows)])
    assert f["address"].value == "重庆市沙坪坝区西永大道28-2号SOHO楼1601、1602"
    whole = [(t.rstrip("、"), *r) if t.startswith("重庆市沙坪坝") else (t, *r) for t, *r in rows]
    assert extract([_page(whole)])["address"].value == "重庆市沙坪坝区西永大道28-2号SOHO楼1601"
    named = [("王五", 196, 172, 60) if t == "1602" else (t, x, y, w, *h) for t, x, y, w, *h in rows]
    assert extract([_page(named)])["address"].value == "重庆市沙坪坝区西永大道28-2号SOHO楼1601"


def test_room_number_cut_at_the_rows_end_runs_on():
    """「…四巷18号40」 over 「1房」: the room's number was cut at the row's end, and its rest is
    printed under the value's start, up against the 法定代表人 row (realcorpus ta-001); a
    value ending whole, or a person's name there, is not run on."""
    rows = [
        ("名称", 400, 1280, 90, 60),
        ("广州市欧韵电子有限公司", 834, 1280, 529, 60),
        ("住所", 400, 1465, 90, 60),
        ("广州市白云区嘉禾街鹤边员村军民东路四巷18号40", 825, 1465, 1083, 61),
        ("1房", 822, 1518, 85, 62),
        ("法定代表人", 396, 1548, 397, 114),
        ("谭玉芹", 820, 1572, 158, 66),
        ("注册资本", 402, 1663, 376, 83),
        ("壹佰万元整", 819, 1663, 258, 67),
    ]
    big = {"width": 2200.0, "height": 3100.0}
    f = extract([_page(rows, **big)])
    assert f["address"].value == "广州市白云区嘉禾街鹤边员村军民东路四巷18号401房"
    whole = [(t[:-2], *r) if t.endswith("18号40") else (t, *r) for t, *r in rows]
    assert extract([_page(whole, **big)])["address"].value == "广州市白云区嘉禾街鹤边员村军民东路四巷18号"
    named = [("王五", *r) if t == "1房" else (t, *r) for t, *r in rows]
    assert extract([_page(named, **big)])["address"].value.endswith("18号40")


def test_licence_validity_until_a_day():
    """「执照有效期限:二〇三〇年十一月十四日止」: a licence's validity printed as the day it runs
    until (realcorpus wa-014) is the term's end, not its start."""
    rows = [
        ("名称 湖南东飞医疗设备有限公司", 60, 100, 300),
        ("执照有效期限:二〇三〇年十一月十四日止", 60, 300, 400),
        ("成立日期 二〇一〇年十一月十五日", 60, 340, 300),
    ]
    f = extract([_page(rows)])
    assert f["business_term_end"].value == date(2030, 11, 14)
    start_only = [(t.replace("十四日止", "十四日"), *r) for t, *r in rows]
    assert "business_term_end" not in extract([_page(start_only)])


def test_old_form_type_row_and_address_above_it():
    """An old licence of a 个人独资企业 prints 「经济性质」 for its type, below the address, its
    label letter-spaced and its last glyph read with the value (「质个人独资企业」, realcorpus
    sd-013); the address whose 地址 label OCR lost is still the line under the name."""
    rows = [
        ("营业执照", 204, 74, 360, 116),
        ("称东阿县龙泉水泵厂", 207, 184, 129, 29),
        ("址东阿县姚寨镇范集", 206, 212, 136, 26),
        ("名地负资经", 80, 186, 40, 133),
        ("责", 145, 240, 60, 23),
        ("人范志超", 204, 236, 73, 28),
        ("济", 127, 289, 29, 24),
        ("性", 147, 290, 51, 23),
        ("质个人独资企业", 203, 288, 109, 26),
    ]
    f = extract([_page(rows)])
    assert f["company_type"].value == "个人独资企业"
    assert f["address"].value == "东阿县姚寨镇范集"


def test_individual_business_form_names_its_type_and_its_keeper_is_not_the_address():
    """「个体工商户营业执照」 is a 个体工商户's own form, with no 类型 row; its 经营者 label read
    apart (「营」 「者傅万仙」) is the next row, not the address's last (realcorpus uj-008)."""
    rows = [
        ("个体工商户营业执照", 708, 478, 960, 197),
        ("称深圳市龙岗区平湖万锋化工经营部", 799, 769, 501, 49),
        ("营 场所深圳市龙岗区平湖街道禾花岭小区四排一栋一楼101号", 605, 826, 947, 64),
        ("营", 604, 898, 195, 55),
        ("者傅万仙", 783, 899, 160, 51),
        ("成 立 日 期二○一三年十月廿二日", 506, 952, 647, 79),
    ]
    big = {"width": 2200.0, "height": 1500.0}
    f = extract([_page(rows, **big)])
    assert f["company_type"].value == "个体工商户"
    assert f["address"].value == "深圳市龙岗区平湖街道禾花岭小区四排一栋一楼101号"
    other = [("营业执照", *r) if t == "个体工商户营业执照" else (t, *r) for t, *r in rows]
    assert "company_type" not in extract([_page(other, **big)])


def test_authority_fragment_of_the_city_above_the_district():
    """「市市场监督管理局」 by 登记机关 (the seal hid 深圳): the 注册号's division is a district
    (440306 宝安区), and the fragment names the city above it (realcorpus tg-008)."""
    rows = [
        ("企业法人营业执照", 400, 40, 300),
        ("注册号 440306104414963", 560, 80, 300),
        ("名称 深圳市福进鑫科技有限公司", 60, 200, 300),
        ("登记机关", 620, 540, 80),
        ("市市场监督管理局", 740, 540, 180),
    ]
    f = extract([_page(rows)])
    assert f["registration_authority"].value == "深圳市市场监督管理局"
    assert f["registration_authority"].confidence <= 0.7
    county = [(t.replace("市市场", "县市场"), *r) if "市市场" in t else (t, *r) for t, *r in rows]
    assert "registration_authority" not in extract([_page(county)])


def test_label_read_as_value_is_no_value():
    """A blurred 个体工商户 licence: right of 经营者 and 经营范围 OCR reads only the next
    labels; they are not the address or the scope."""
    rows = [
        ("类型个体工商户", 60, 200, 110),
        ("经营者", 60, 230, 60),
        ("经营场所", 300, 230, 70),
        ("经营范围", 60, 260, 60),
        ("登记机关", 340, 330, 70),
    ]
    f = extract([_page(rows, width=640, height=455)])
    assert f["company_type"].value == "个体工商户"
    assert "address" not in f and "business_scope" not in f


def test_authority_of_a_development_zone_from_its_seal():
    from models.page import Seal

    rows = [
        ("统一社会信用代码", 60, 80, 160),
        ("91410100MAKH4D2W0H", 60, 105, 180),
        ("名称 郑州断舍离磨料磨具有限公司", 60, 200, 300),
        ("住所 河南省郑州市高新技术产业开发区金梭路33号", 60, 240, 400),
        ("登记机关", 620, 560, 80),
    ]
    page = _page(rows)
    page.seals = [
        Seal(box=(600, 500, 780, 680), text="郑州高新技术产业开发区市场监督管理局", text_confidence=1.0)
    ]
    f = extract([page])
    assert f["registration_authority"].value == "郑州高新技术产业开发区市场监督管理局"
    assert f["registration_authority"].method == "seal"
    # a zone of another city is not this company's authority
    page.seals = [Seal(box=(600, 500, 780, 680), text="苏州工业园区市场监督管理局", text_confidence=1.0)]
    assert "registration_authority" not in extract([page])


def test_old_layout_notice_column_and_wrapped_values():
    """An old 企业法人营业执照: its 须知 column says 「正本应当置于住所的醒目位置」, which holds
    the word 住所 but is no address; a tall 住 label beside a value wrapped over two rows takes
    the row level with it first; the 注册号 beside 注册资本 is no amount; 有限 lost from the type."""
    rows = [
        ("企业法人营业执照", 40, 40, 440, 80),
        ("3.《企业法人营业执照》正本应当置于住所的醒目位置。", 620, 100, 300),
        ("4.《企业法人营业执照》不得伪造、涂改、出租、出借、转让。", 620, 122, 310),
        ("名称 上海顿宇仓储设备有限公司", 48, 180, 300),
        ("住", 48, 225, 24, 40),
        ("所", 150, 225, 24, 40),
        ("上海市金山区亭林镇林宝路39号", 190, 237, 260),
        ("3幢354室", 188, 249, 90),  # the wrapped rest, boxed a little left and level with 住 too
        ("注册资本", 48, 300, 80),
        ("310228001147825", 190, 300, 150),
        ("公司类型", 48, 340, 80),
        ("责任公司(国内合资)", 190, 340, 200),
    ]
    f = extract([_page(rows, width=1024, height=768)])
    assert f["address"].value == "上海市金山区亭林镇林宝路39号3幢354室"
    assert "registered_capital" not in f
    assert f["company_type"].value == "有限责任公司(国内合资)"


def test_authority_in_two_boxes_and_branch_forms():
    """登记机关 printed beside its label in two OCR boxes that both read the glyph at the seam;
    a 监管局 branch and a 市场监管局 organ are authorities too."""
    rows = [
        ("统一社会信用代码", 60, 80, 160),
        ("92440300L15034601Q", 60, 105, 180),
        ("名称 深圳市福田区铭泰隆电子销售部", 60, 200, 300),
        ("登记机关深圳市市场", 500, 600, 200),
        ("场监督管理局龙岗分局", 690, 602, 220),
    ]
    f = extract([_page(rows)])
    assert f["registration_authority"].value == "深圳市市场监督管理局龙岗分局"
    from extractor.fields.license import AUTHORITY_RE

    for name in ("深圳市市场监督管理局福田监管局", "济南高新技术产业开发区管委会市场监管局"):
        assert AUTHORITY_RE.fullmatch(name), name


def test_term_end_on_the_row_below_and_authority_wrapped():
    """执照有效期 prints its start on one row and 「至…」 on the next: the end is the second date,
    never the start; 登记机关's name wraps onto a second row boxed a little left of the first;
    法定代表人姓名 is one label (姓名 is no name)."""
    rows = [
        ("名称 上海顿宇仓储设备有限公司", 48, 100, 300),
        ("法定代表人姓名", 48, 140, 130),
        ("洪玉祥", 190, 140, 70),
        ("执照有效期：2008年12月5日", 560, 485, 200),
        ("至2018年12月4日", 650, 505, 130),
        ("登记机关", 500, 600, 80),
        ("济宁市兖州", 640, 601, 110),
        ("区市场监督管理局", 612, 622, 170),
    ]
    f = extract([_page(rows)])
    assert f["business_term_end"].value == date(2018, 12, 4)
    assert f["registration_authority"].value == "济宁市兖州区市场监督管理局"
    assert f["legal_representative"].value == "洪玉祥"
    # the start alone (its 至 not read) is no end
    f = extract([_page([r for r in rows if not r[0].startswith("至")])])
    assert "business_term_end" not in f


def test_label_glyph_lost_and_its_last_glyph_glued_to_the_value():
    """个体工商户 photo (the geometry of a real one): OCR lost 名 of 名 称 and 类 of 类 型 and
    read 称 / 型 glued to the values; the 经营场所 value starts half a row above its label,
    whose box is level with the value's second row."""
    rows = [
        ("统一社会信用代码", 443, 746, 442, 63),
        ("92620622MA745RQA1M", 438, 839, 489, 47),
        ("称古浪乡助优选便利店", 704, 1134, 599, 68),
        ("组成形式个人经营", 2091, 1143, 596, 66),
        ("型个体工商户", 699, 1237, 381, 69),
        ("注册日期 2021年05月25日", 2091, 1241, 756, 74),
        ("经营场所", 2094, 1353, 351, 68),
        ("甘肃省武威市古浪县黄花滩镇黄花滩", 2468, 1322, 883, 70),
        ("村立交桥38号", 2469, 1382, 336, 62),
        ("经营范围", 397, 1458, 362, 68),
        ("许可项目：食品经营。", 782, 1448, 1215, 60),
    ]
    f = extract([_page(rows, width=3648, height=2736)])
    assert f["company_name"].value == "古浪乡助优选便利店"
    assert f["company_type"].value == "个体工商户"  # 类型, not 组成形式
    assert f["address"].value == "甘肃省武威市古浪县黄花滩镇黄花滩村立交桥38号"
    # a line that starts with 称 is no name when the 名称 label was read
    named = [("名称 泉州数算科技有限公司", 704, 1000, 700, 68), *rows]
    assert extract([_page(named, width=3648, height=2736)])["company_name"].value == "泉州数算科技有限公司"


def test_wrapped_address_stops_at_the_notice_column_level_with_its_last_row():
    """Old 企业法人营业执照 (the geometry of a real one): the 须知 notes in the right column are
    level with the address's second row; a line beyond a wide gap is another column's."""
    rows = [
        ("名称", 160, 700, 120, 60),
        ("北京和睦康科贸有限公司", 640, 700, 700, 58),
        ("住所", 160, 816, 120, 58),
        ("北京市石景山区鲁谷南路26号6层621、622、623、624", 643, 816, 1269, 58),
        ("8.办理注销登记，应当交回《企业法人营业执照》正本和副本。", 2014, 815, 1001, 51),
        ("房间", 640, 870, 116, 66),
        ("9.《企业法人营业执照》遗失或者毁坏的，应当在公司登记机关指定的报", 2016, 866, 1140, 54),
        ("法定代表人姓名", 164, 917, 429, 95),
    ]
    f = extract([_page(rows, width=3300, height=2400)])
    assert f["address"].value == "北京市石景山区鲁谷南路26号6层621、622、623、624房间"


def test_the_authority_seal_wins_over_an_annual_inspection_stamp():
    """An old licence with two red seals (the geometry and readings of a real one): the
    annual-inspection stamp abbreviates the organ (「北京市工商局…」), the authority's seal
    names it in full; the full name is the authority whichever seal comes first."""
    from models.page import Seal

    rows = [
        ("注册号", 160, 300, 180, 50),
        ("110108013254487", 400, 300, 420, 50),
        ("名称", 160, 380, 120, 50),
        ("北京勤拙咨询服务有限公司", 400, 380, 700, 50),
        ("登记机关", 2200, 1650, 240, 50),
    ]
    page = _page(rows, width=3300, height=2400)
    inspection = Seal(box=(2006, 1471, 2285, 1748), text="北京市工商局屬建室局", text_confidence=0.79)
    authority = Seal(box=(2444, 1713, 2957, 2223), text="北京市工商行政管理局海淀分局", text_confidence=1.0)
    for seals in ([inspection, authority], [authority, inspection]):
        page.seals = seals
        ra = extract([page])["registration_authority"]
        assert ra.value == "北京市工商行政管理局海淀分局" and ra.method == "seal"


def test_an_annual_inspection_stamps_printed_office_is_not_the_authority():
    """tg-007's old 个体 licence (real geometry): two inspection stamps print 「东莞市工商局」 /
    「虎门分局」 over 「201年度验讫」 (OCR: 「验记」 on one); the authority is its seal's full name."""
    from models.page import Seal

    rows = [
        ("注册号", 300, 400, 200, 70),
        ("441900600123456", 520, 400, 600, 70),
        ("东莞市工商局", 507, 1621, 237, 72),
        ("东莞市工商局", 1097, 1616, 227, 65),
        ("虎门分局", 536, 1688, 163, 63),
        ("虎门分局", 1125, 1675, 160, 62),
        ("201年度验记", 836, 1729, 227, 70),
        ("201年度验讫", 1091, 1733, 228, 67),
    ]
    page = _page(rows, width=3264, height=2448)
    page.seals = [Seal(box=(2700, 1500, 3100, 1900), text="东莞市工商行政管理局", text_confidence=1.0)]
    ra = extract([page])["registration_authority"]
    assert ra.value == "东莞市工商行政管理局" and ra.method == "seal"


def test_term_whose_label_ends_with_zi_and_dates_in_boxes_to_its_right():
    # uk-002's row (real geometry): 「营业期限自」 | 「二〇一三年八月八日」 | 「至二〇三三年八月七日」
    rows = [
        ("成立日期二〇一三年八月八日", 99, 560, 257, 26),
        ("营业期限自", 97, 589, 144, 29),
        ("二〇一三年八月八日", 237, 591, 109, 23),
        ("至二〇三三年八月七日", 376, 588, 130, 28),
    ]
    f = extract([_page(rows, width=905, height=678)])
    assert str(f["business_term_end"].value) == "2033-08-07"


def test_scope_label_level_with_the_second_row_keeps_the_first_row():
    """A 2023 licence (the geometry of a real one): 经营范围 is printed level with the scope's
    second row, so the first row is above the label. It belongs to the scope (same left and
    right edge, one pitch up, nothing left of it); the legal representative's row above it,
    with its label at the left, does not."""
    rows = [
        ("法定代表人", 269, 960, 186, 44),
        ("杨帆", 473, 961, 73, 39),
        ("住所", 1349, 971, 100, 55),
        ("山西省太原市晋源区金胜镇西寨南街丰沃", 1561, 964, 532, 37),
        ("一般项目：矿山机械制造；矿山机械销售；专用设备制造（不含许", 476, 1008, 853, 43),
        ("悦湖城东区8-1-2801号", 1562, 1000, 295, 31),
        ("经营范围", 268, 1047, 189, 48),
        ("可类专业设备制造）；电子元器件零售；电子产品销售；电线、电", 476, 1044, 851, 38),
        ("缆经营；五金产品零售；办公用品销售；仪器仪表制造；仪器仪表", 475, 1077, 852, 38),
        ("售；家用电器销售（除依法须经批准的项目外，凭营业执照依法自", 476, 1111, 849, 38),
        ("主开展经营活动）", 476, 1145, 225, 36),
        ("登记机关", 1462, 1282, 240, 43),
    ]
    scope = extract([_page(rows, width=2339, height=1654)])["business_scope"].value
    assert scope.startswith("一般项目：矿山机械制造；") and scope.endswith("依法自主开展经营活动）")
    # the same row with a label at its left is another field's row, not the scope's
    rows[4] = ("注册号", 269, 1008, 150, 43)
    rows.insert(5, ("一般项目：矿山机械制造；矿山机械销售；专用设备制造（不含许", 476, 1008, 853, 43))
    scope = extract([_page(rows, width=2339, height=1654)])["business_scope"].value
    assert scope.startswith("可类专业设备制造）；")


def test_temporary_premises_note_inside_an_address_is_no_label():
    """An individual enterprise's licence (the geometry and reading of a real scan): the address
    ends 「（临时经营场所有效期至2017年4月8日）」, wrapped after 临, so its second row starts
    with 「时经营场所」: that is the address's text, not the 经营场所 label."""
    rows = [
        ("名", 398, 1514, 74, 86),
        ("称广州市白云区美丽石材翻新护理中心", 750, 1506, 1082, 76),
        ("类住", 382, 1574, 108, 436),
        ("型个人独资企业", 749, 1671, 503, 83),
        ("所", 749, 1826, 77, 80),
        ("广州市白云区鹤龙街黄边南路122号1栋102房（临", 888, 1802, 1268, 74),
        ("时经营场所有效期至2017年4月8日）", 893, 1872, 914, 64),
        ("投资人", 393, 1961, 459, 101),
        ("成立日期", 403, 2127, 453, 71),
        ("2004年10月25日", 877, 2131, 425, 65),
    ]
    f = extract([_page(rows, width=2480, height=3508)])
    assert f["address"].value == "广州市白云区鹤龙街黄边南路122号1栋102房(临时经营场所有效期至2017年4月8日)"


def test_a_label_beside_the_scopes_last_rows_does_not_end_it():
    """An electronic licence (the geometry and reading of a real one): 登记机关 in the right
    column is level with the scope's last rows; the scope runs on past it to its 许可项目."""
    rows = [
        ("经营范围", 117, 619, 147, 35),
        ("一般项目：云计算装备技术服务；计算机系统服务；信息系统集成服务；互", 265, 618, 494, 25),
        ("联网数据服务；互联网安全服务；网络技术服务；信息技术咨询服务；信息", 266, 634, 492, 25),
        ("系统运行维护服务；数据处理服务；数据处理和存储支持服务；智能控制系", 268, 654, 489, 20),
        ("统集成；信息咨询服务（不含许可类信息咨询服务）；软件开发；网络与信", 267, 669, 490, 20),
        ("息安全软件开发；组织文化艺术交流活动；企业形象策划；市场营销策划；", 269, 686, 485, 21),
        ("咨询策划服务；平面设计；广告设计、代理；广告发布；广告制作；商务代", 268, 702, 491, 21),
        ("理代办服务；云计算设备销售；计算器设备销售；计算机软硬件及辅助设备", 265, 719, 493, 20),
        ("批发；计算机软硬件及辅助设备零售；软件销售；互联网设备销售；网络设", 265, 733, 494, 24),
        ("备销售；集成电路销售；信息安全设备销售；电子产品销售；日用百货销售", 268, 752, 490, 21),
        ("；通讯设备销售；光通信设备销售；移动通信设备销售；销售代理；技术服", 268, 768, 489, 21),
        ("务、技术开发、技术咨询、技术交流、技术转让、技术推广（除依法须经批", 268, 786, 490, 20),
        ("准的项目外，凭营业执照依法自主开展经营活动）", 269, 803, 321, 17),
        ("登记机关", 936, 806, 169, 35),
        ("郑州市高新技术产业", 1132, 807, 163, 23),
        ("许可项目：第一类增值电信业务；第二类增值电信业务（依法须经批准的项", 268, 818, 490, 20),
        ("开发区市场监督管理局", 1125, 826, 177, 24),
        ("说明：", 102, 837, 45, 23),
        ("目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文", 269, 834, 490, 21),
    ]
    scope = extract([_page(rows, width=1431, height=1007)])["business_scope"].value
    assert "许可项目：第一类增值电信业务" in scope and "登记机关" not in scope and "管理局" not in scope


def test_a_lone_last_glyph_of_the_address_label_before_a_place():
    """An electronic licence (real geometry): OCR lost 住 of 住所 and boxed 所 alone; the value
    right of it starts with a province, so 所 stands for 住所. Before text that starts with no
    place a lone 所 stands for nothing."""
    rows = [
        ("称河南闪尊网络科技有限公司", 232, 474, 353, 31),
        ("法定代表人 焦帅侯", 117, 570, 234, 34),
        ("所", 906, 572, 44, 32),
        ("河南省郑州市高新技术产业开发", 946, 573, 361, 29),
        ("区瑞达路96号创业中心2号楼一", 952, 599, 345, 29),
        ("层B1235室", 952, 627, 125, 31),
        ("经营范围", 117, 619, 147, 35),
    ]
    f = extract([_page(rows, width=1431, height=1007)])
    assert f["address"].value == "河南省郑州市高新技术产业开发区瑞达路96号创业中心2号楼一层B1235室"
    rows[3] = ("瑞达路96号创业中心2号楼一", 946, 573, 361, 29)
    assert "address" not in extract([_page(rows, width=1431, height=1007)])


def test_authority_printed_over_two_rows_beside_its_label():
    """An electronic licence (real geometry): 登记机关's value in two rows; the second row alone
    is also an authority's shape, but only the tail of the name."""
    rows = [
        ("称河南闪尊网络科技有限公司", 232, 474, 353, 31),
        ("登记机关", 936, 806, 169, 35),
        ("郑州市高新技术产业", 1132, 807, 163, 23),
        ("开发区市场监督管理局", 1125, 826, 177, 24),
        ("2023年06月15日", 1057, 857, 227, 32),
    ]
    f = extract([_page(rows, width=1431, height=1007)])
    assert f["registration_authority"].value == "郑州市高新技术产业开发区市场监督管理局"


def test_type_whose_label_was_not_read():
    """A licence photo (real geometry, a background pattern over its left column): the 类型
    label was not read, its value was; a legal form no name ends with is the type. A bare
    「股份有限公司」 line under a name that does not end 公司 may be its wrapped tail and is
    not taken."""
    rows = [
        ("统一社会信用代码", 120, 299, 228, 42),
        ("91340100080343088B(1-1)", 126, 344, 232, 25),
        ("名", 115, 478, 38, 35),
        ("称合肥易集采电子商务有限公司", 205, 478, 300, 30),
        ("注册资本", 818, 473, 127, 36),
        ("壹仟万圆整", 958, 477, 105, 27),
        ("有限责任公司(自然人投资或控股)", 246, 535, 293, 27),
        ("成立日期", 820, 531, 125, 34),
        ("2013年10月18日", 960, 537, 146, 24),
    ]
    f = extract([_page(rows, width=1440, height=1080)])
    assert f["company_type"].value == "有限责任公司(自然人投资或控股)"
    assert f["company_name"].value == "合肥易集采电子商务有限公司"
    rows[3] = ("称合肥易集采电子商务", 205, 478, 210, 30)
    rows[6] = ("股份有限公司", 246, 535, 120, 27)
    assert "company_type" not in extract([_page(rows, width=1440, height=1080)])


def test_bare_legal_form_under_a_complete_name_is_the_type():
    """A Shenzhen licence photo (real geometry, rn-009): the letter-spaced 类型 label was not
    read; 「有限责任公司」 alone on the row under a name that ends 公司, where the name starts,
    can only be the type. The same line far left of the name's column is not taken."""
    rows = [
        ("统一社会信用代码91440300312067220D", 1504, 1083, 1073, 82),
        ("称", 1021, 1336, 108, 116),
        ("深圳市南方源芯电气有限公司", 1196, 1349, 900, 86),
        ("有限责任公司", 1192, 1503, 446, 92),
        ("所", 1017, 1651, 112, 132),
        ("深圳市宝安区福海街道塘尾华丰科技园第8", 1190, 1670, 1266, 97),
        ("幢第六层", 1193, 1764, 294, 93),
        ("成立日期", 553, 1988, 578, 122),
        ("2014年09月04日", 1187, 2007, 530, 82),
    ]
    f = extract([_page(rows, width=3024, height=4032)])
    assert f["company_name"].value == "深圳市南方源芯电气有限公司"
    assert f["company_type"].value == "有限责任公司" and f["company_type"].confidence < 0.95
    rows[3] = ("有限责任公司", 600, 1503, 446, 92)
    assert "company_type" not in extract([_page(rows, width=3024, height=4032)])


def test_address_district_misread_and_watermark_run_on():
    """Two licence photos (real readings): a district one glyph off the credit code's
    (「泰贤区」 for 奉贤区) is restored; a watermark's web address read on is cut off."""
    rows = [
        ("统一社会信用代码", 60, 80, 160),
        ("91310120MA1J0Y455U", 60, 105, 180),
        ("名称 上海某某科技有限公司", 60, 200, 300),
        ("住所 上海市泰贤区南桥镇国顺路936号5幢", 60, 240, 400),
    ]
    f = extract([_page(rows)])
    assert f["address"].value == "上海市奉贤区南桥镇国顺路936号5幢" and f["address"].confidence < 0.95
    rows[3] = ("住所 深圳市龙华区大浪街道新石社区浪荣路28号宝利华大厦308ade-in-China.com", 60, 240, 560)
    assert extract([_page(rows)])["address"].value == "深圳市龙华区大浪街道新石社区浪荣路28号宝利华大厦308"


def test_term_found_by_its_range_when_its_label_was_misread():
    """A small licence photo (real reading, rm-003): 营业期限 read 「骨业期日」; the line's date
    range starts on the established date, so it is the term (low confidence). A range that
    starts on another day is not taken."""
    rows = [
        ("称北京舜杰佳业装饰有限公司", 142, 86, 126, 12),
        ("有限责任公司(自然人投资或控股)", 156, 160, 108, 10),
        ("成立日期2008年06月12日", 102, 256, 114, 11),
        ("骨业期日2008年06月12日至2028年06月11日", 100, 269, 196, 12),
    ]
    f = extract([_page(rows, width=500, height=303)])
    assert str(f["business_term_end"].value) == "2028-06-11" and f["business_term_end"].confidence < 0.85
    rows[3] = ("骨业期日2009年06月12日至2028年06月11日", 100, 269, 196, 12)
    assert "business_term_end" not in extract([_page(rows, width=500, height=303)])


def test_scope_rows_of_a_skewed_photo_boxed_taller_than_their_print():
    """A skewed licence photo (real geometry, rp-014): each scope row is boxed about 40 px tall
    for 14 px print, so the second row's box starts only 15 px under the first's; it is still
    the next row (the print's height is told by the glyphs' width), and the scope is whole."""
    rows = [
        ("经营范围", 40, 340, 142, 31),
        (
            "品）电子产、建筑材料、机械设、日用百货。（以上范围，国家法律、行政法规及规章规定",
            184,
            355,
            616,
            40,
        ),
        (
            "计算机软件开发：销售：通讯器材（不含卫星地面接收设备）、其他化工产品（不含危险化学",
            185,
            340,
            589,
            39,
        ),
        ("须审批的项目除外）", 187, 371, 136, 22),
        ("成立日期", 26, 485, 148, 29),
        ("2012年09月15日", 176, 480, 131, 27),
    ]
    scope = extract([_page(rows, width=857, height=588)])["business_scope"].value
    assert (
        scope.startswith("计算机软件开发") and "危险化学品）电子产" in scope and scope.endswith("项目除外）")
    )


def test_address_ends_before_a_row_of_another_field():
    """A Shenzhen-style licence photo (real geometry, sk-014; the person's name replaced): the
    法定代表人 label was not read, so its value sits under the address in the value column; a
    row of only a person's name is not the address's. A row naming a unit still is."""
    rows = [
        ("称", 1080, 1280, 157, 189),
        ("珠海云控电子科技有限公司", 1227, 1353, 1002, 95),
        ("型", 1069, 1436, 164, 174),
        ("有限责任公司", 1227, 1502, 482, 106),
        ("所", 1097, 1597, 113, 131),
        ("珠海市吉大景园路6号5楼V2", 1233, 1670, 918, 87),
        ("王小明", 1229, 1838, 251, 93),
        ("成立日期", 369, 1919, 862, 139),
        ("二〇一〇年三月十九日", 1233, 1998, 763, 89),
    ]
    assert extract([_page(rows, width=4160, height=3120)])["address"].value == "珠海市吉大景园路6号5楼V2"
    rows[6] = ("号楼", 1229, 1760, 200, 87)
    assert extract([_page(rows, width=4160, height=3120)])["address"].value == "珠海市吉大景园路6号5楼V2号楼"


def test_credit_code_whose_check_character_was_lost_is_completed():
    """A licence photo (real geometry, rn-006): the code's last character was lost at the end
    of its line; the other 17 give the check character (GB 32100), at low confidence. Sixteen
    characters give nothing."""
    rows = [
        ("统一社会信用代码", 509, 444, 159, 29),
        ("91130528MA0CYY0C4", 704, 441, 175, 26),
        ("名称 某某科技有限公司", 300, 560, 300, 30),
    ]
    f = extract([_page(rows, width=1000, height=1334)])
    assert f["credit_code"].value == "91130528MA0CYY0C4Y" and f["credit_code"].confidence <= 0.65
    rows[1] = ("91130528MA0CYY0C", 704, 441, 165, 26)
    assert "credit_code" not in extract([_page(rows, width=1000, height=1334)])


def test_capital_whose_label_was_not_read_is_the_one_amount_on_the_page():
    """A licence photo under a watermark (real geometry, sk-013): 注册资本 was not read, its
    value was; the one line that is only an amount is the capital (low confidence). Two
    different amounts (an old layout's 实收资本 beside it) give nothing."""
    rows = [
        ("统一社会信用代码", 195, 298, 275, 32),
        ("91110108700338416R", 194, 347, 239, 26),
        ("北京新浪互联信息服务有限公司", 349, 506, 315, 29),
        ("82000万元", 1098, 507, 106, 28),
        ("成立日期", 900, 560, 120, 28),
        ("1999年05月27日", 1098, 560, 170, 28),
    ]
    f = extract([_page(rows, width=1753, height=1240)])
    assert str(f["registered_capital"].value) == "820000000.00" and f["registered_capital"].confidence <= 0.8
    rows.append(("5000万元", 1098, 610, 100, 28))
    assert "registered_capital" not in extract([_page(rows, width=1753, height=1240)])


def test_name_starting_with_a_misread_division_is_restored():
    """A 个体工商户 licence photo (real reading, the trader's own words replaced): the name
    starts with the credit code's city one glyph off (「平项山市」 for 平顶山市), restored as in
    addresses, at a lower confidence; a name of another real place stays as read."""
    rows = [
        ("统一社会信用代码", 47, 128, 94),
        ("92410411MA9LBRNTXU", 160, 128, 120),
        ("称", 104, 208, 18),
        ("平项山市湛河区某某眼镜店", 145, 208, 116),
    ]
    f = extract([_page(rows, width=660, height=465)])
    assert f["company_name"].value == "平顶山市湛河区某某眼镜店" and f["company_name"].confidence < 0.9
    rows[3] = ("洛阳市湛河区某某眼镜店", 145, 208, 116)
    assert extract([_page(rows, width=660, height=465)])["company_name"].value == "洛阳市湛河区某某眼镜店"


@pytest.mark.parametrize(
    ("code", "ring", "want"),
    [
        # a Shenzhen licence photo: the city read as other glyphs but for 圳 in its slot
        ("914403003117923591", "徐圳本市场监督管理局", "深圳市市场监督管理局"),
        # an old Loudi 注册号 licence: the ring's place lost on the curve, the organ read whole
        ("431300000026471", "工商行政管理局", "娄底市工商行政管理局"),
        # a Liaocheng licence photo: the ring unrolled from inside the organ's name
        ("91371502MA3WLE6P75", "服务局聊城市东昌府区行政", "聊城市东昌府区行政审批服务局"),
        # an old Botou 注册号 licence and a Jinan district's: the place lost, a county-level
        # city's bureau named by itself, a district's by its city too (the organ read in part)
        ("130981600205609", "市场监督管理局", "泊头市市场监督管理局"),
        ("91370112MA3DDPDR7H", "场监督管理局", "济南市历城区市场监督管理局"),
    ],
)
def test_authority_from_a_ring_read_in_part(code, ring, want):
    """Authority seals of three licence photos as OCR read their rings (real readings)."""
    from models.page import Seal

    rows = [("统一社会信用代码", 60, 80, 160), (code, 60, 105, 180), ("登记机关", 495, 374, 83)]
    page = _page(rows, width=800, height=484)
    page.seals = [Seal(box=(581, 298, 693, 394), text=ring, text_confidence=0.9)]
    ra = extract([page])["registration_authority"]
    assert ra.value == want and ra.method == "seal" and ra.confidence <= 0.6


def test_authority_ring_of_a_county_whose_place_was_lost_names_nothing():
    """A ring read from its organ on, for a county's code: the county's bureau or its city's
    branch cannot be told, so no authority."""
    from models.page import Seal

    rows = [("统一社会信用代码", 60, 80, 160), ("91431302MA4L0T1X2Q", 60, 105, 180)]
    page = _page(rows, width=800, height=484)
    page.seals = [Seal(box=(581, 298, 693, 394), text="工商行政管理局", text_confidence=0.9)]
    assert "registration_authority" not in extract([page])


@pytest.mark.parametrize(
    ("rows", "want"),
    [
        # a photo: a digit added to the end's year (30 years from 2019-04-22)
        ([("营业期限", 314, 217, 57), ("2019年04月22日至20419年04月21日", 376, 216, 122)], date(2049, 4, 21)),
        # a small scan: the end's last 「日」 lost at the row's end
        ([("营业期限自2010年01月29日至2030年01月28", 21, 323, 231)], date(2030, 1, 28)),
        # the registry's placeholder for no end, as printed
        (
            [("营业期限", 1459, 935, 198), ("2021年01月07日至9999年09月09日", 1666, 944, 467)],
            date(9999, 9, 9),
        ),
        # an old licence: the start and 「至（长期）」 in two boxes on one row
        (
            [
                ("营业期限", 208, 718, 151),
                ("自二〇一四年二月二十五日", 356, 714, 142),
                ("至（长期）", 530, 715, 56),
            ],
            "长期",
        ),
    ],
)
def test_term_end_as_ocr_misread_it(rows, want):
    """Business terms of four licence photos as OCR read them (real readings)."""
    f = extract([_page(rows, width=2400, height=1700)])
    assert f["business_term_end"].value == want


def test_address_whose_row_label_was_not_read_is_found_under_the_type():
    # a photo at an angle (ub-004's layout): the 经营场所 label of the third row was not read;
    # the line under the type's value in the value column can only be an address
    rows = [
        ("营业执照", 276, 363, 507, 119),
        ("统一社会信用代码 92320509MA1T7B6Q42", 555, 476, 344, 22),
        ("称", 384, 606, 36, 30),
        ("吴江区盛泽镇美拉美甲店", 441, 606, 260, 30),
        ("型", 383, 664, 36, 34),
        ("个体工商户", 441, 666, 121, 32),
        ("盛泽镇东方大街北侧", 442, 728, 215, 30),
        ("组成形式", 211, 784, 210, 39),
        ("个人经营", 437, 787, 105, 32),
        ("注册日期", 206, 847, 213, 43),
        ("2017年11月01日", 438, 851, 175, 31),
    ]
    f = extract([_page(rows, width=1080, height=1440)])
    assert f["address"].value == "盛泽镇东方大街北侧"
    assert f["address"].confidence < 0.9  # found by its place, not by a label
    # under the type is another row's value (its label unread too): no address is made of it
    f = extract(
        [
            _page(
                [r for r in rows if r[0] != "盛泽镇东方大街北侧" and r[0] != "组成形式"],
                width=1080,
                height=1440,
            )
        ]
    )
    assert "address" not in f


def test_authority_of_a_county_abolished_since_is_read_from_the_seal():
    # an old 注册号 of 吴江市 (320584, now 苏州市吴江区 320509, a code the division table no
    # longer knows); the address names no county: the seal's reading is checked against the
    # names of the city's counties (ub-002's reading, one glyph of 监督 misread)
    rows = [
        ("注册号", 100, 100, 60),
        ("320584600862063", 200, 100, 160),
        ("名称", 100, 140, 40),
        ("吴江区盛泽镇某某纺织品经营部", 200, 140, 280),
        ("经营场所", 100, 180, 80),
        ("盛泽镇南环路北侧(前庄村)", 200, 180, 240),
    ]
    assert _authority_read(rows, "苏州市吴江区市场监昌管理局") == "苏州市吴江区市场监督管理局"


def _authority_read(rows, ring: str):
    """The authority extracted from a licence page of ``rows`` whose 登记机关 seal reads ``ring``."""
    return _extract_with_seal(rows, ring)["registration_authority"].value


def test_established_date_in_chinese_numerals_with_one_read_as_a_dash():
    # se-003's reading of a Shenzhen licence: 二〇一一年 with both 一 read as dashes
    page = _page([("成立 日期", 100, 300, 90), ("二〇——年十一月一日", 200, 300, 200)])
    assert extract([page])["established_date"].value == date(2011, 11, 1)


def test_term_end_in_a_box_of_its_own_without_its_zhi():
    # rm-015's reading: the 至 between the term's start and end was not read
    rows = [
        ("营业期限", 173, 906, 170, 40),
        ("2015年12月23日", 370, 915, 191, 37),
        ("2035年12月22日", 622, 922, 197, 44),
    ]
    f = extract([_page(rows, width=960, height=1280)])
    assert f["business_term_end"].value == date(2035, 12, 22)
    assert f["business_term_end"].confidence < 0.95


def test_licence_qr_record_fills_and_mends_what_ocr_read():
    # a QR holding the registry's record (the shape of a Chongqing licence's payload, company
    # made up): the code OCR lost is taken from it, the authority read one glyph off is mended,
    # the printed type stays as printed
    from models.page import Barcode

    page = _page(
        [
            ("营业执照", 300, 40, 200),
            ("统一社会信用代码", 80, 100, 160),
            ("名称", 80, 140, 40),
            ("重庆市某某机械设备有限公司", 200, 140, 260),
            ("类型", 80, 180, 40),
            ("有限责任公司(自然人独资)", 200, 180, 240),
        ]
    )
    page.barcodes = [
        Barcode(
            text="统一社会信用代码：91500107305160603W；注册号：500901001911068；名称：重庆市某某机械设备有限公司；"
            "类型：一人有限责任公司；登记机关：重庆市工商行政管理局九龙坡区分局；登记日期：2014年07月01日；"
            "企业信用信息公示系统网址：gsxt.cqgs.gov.cn"
        )
    ]
    f = extract([page])
    assert (f["credit_code"].value, f["credit_code"].method) == ("91500107305160603W", "qr")
    assert f["registration_authority"].value == "重庆市工商行政管理局九龙坡区分局"
    assert f["company_type"].value == "有限责任公司(自然人独资)"  # the print's fuller wording
    # a registry link names the credit code in clear (gsxt's uniscid=): it gives the code only
    page.barcodes = [Barcode(text="http://www.gsxt.gov.cn/index.html?uniscid=91500107305160603W")]
    f = extract([page])
    assert (f["credit_code"].value, f["credit_code"].method) == ("91500107305160603W", "qr")
    # a link that names nobody in clear (an encoded id) adds nothing
    page.barcodes = [Barcode(text="http://www.gsxt.gov.cn/index.html?uniscid=amJqcG95eXFeVXNGW3")]
    assert "credit_code" not in extract([page])


def test_address_found_without_its_label_wraps_onto_the_row_below():
    # rh-020's layout (an individual business, the 经营场所 label unread): the address wraps its
    # house number onto a second row in the value column; a row below it that names no street
    # (the 负责人 row, its label lost too) is not the address
    rows = [
        ("营业执照", 222, 306, 611, 199),
        ("统一社会信用代码 92370282MA3F6WKH2D", 545, 486, 388, 40),
        ("称", 359, 687, 38, 41),
        ("即墨市青新果蔬超市", 417, 685, 283, 37),
        ("型", 360, 746, 38, 40),
        ("个体工商户", 419, 748, 131, 36),
        ("山东省青岛市即墨市北安办事处烟青路", 420, 807, 435, 33),
        ("1346号", 421, 835, 82, 31),
        ("组成形式", 187, 866, 214, 42),
        ("个人经营", 417, 868, 110, 37),
    ]
    f = extract([_page(rows, width=1070, height=1559)])
    assert f["address"].value == "山东省青岛市即墨市北安办事处烟青路1346号"
    assert f["address"].confidence < 0.9
    other = [r if r[0] != "1346号" else ("人王某某", 421, 835, 82, 31) for r in rows]
    f = extract([_page(other, width=1070, height=1559)])
    assert f["address"].value == "山东省青岛市即墨市北安办事处烟青路"


def test_address_without_the_labels_last_glyph_read_onto_it():
    # ud-017's reading: the letter-spaced 住 所 read as 「住」 and 「所厦门市…」 beside a notice line
    rows = [
        ("商事主体的经营范围、经营场所、投资人信息、年报信息和监", 162, 370, 252, 14),
        ("住", 447, 364, 18, 18),
        ("所厦门市同安区工业集中区草塘路121号厂", 506, 360, 223, 23),
        ("房四层", 506, 388, 60, 23),
    ]
    assert (
        extract([_page(rows, width=800, height=600)])["address"].value
        == "厦门市同安区工业集中区草塘路121号厂房四层"
    )


def test_authority_branch_read_with_its_place_and_ju_misread():
    # ud-015's ring: 「长州市工商行政管理局南公分司」 for 长沙市工商行政管理局雨花分局 (the code's
    # county is 雨花区; the branch's two glyphs and 局 were misread)
    rows = [
        ("统一社会信用代码", 100, 100, 160),
        ("91430111MA4L6KXL2L", 300, 100, 200),
        ("住所", 100, 180, 40),
        ("长沙市雨花区金海路金井馨苑A12栋1单元501房", 200, 180, 420),
    ]
    assert _authority_read(rows, "长州市工商行政管理局南公分司") == "长沙市工商行政管理局雨花分局"


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        # a glyph lost in the registration clause (rm-015: 「经相关门批准」)
        (
            "进出口贸易、国内贸易（依法须经批准的项目，经相关门批准后方可开展经营活动）",
            "进出口贸易、国内贸易（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
        ),
        # a glyph lost after the 「的」 (tf-013: 「批准的目」), the full stop before the bracket kept
        (
            "汽车配件批发、零售。（依法须经批准的目，经相关部门批准后方可开展经营活动）",
            "汽车配件批发、零售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
        ),
        # two glyphs of a longer clause misread
        (
            "软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动，其体经营项日以审批结果为准）",
            "软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）",
        ),
        # a wording that is not the standard clause stays as read
        ("电子产品销售（凭许可证经营，经相关部门批准后开展生产活动）", None),
        # the clause's first glyph lost after its bracket: the glyph comes back, the bracket stays
        (
            "软件开发（法须经批准的项目，经相关部门批准后方可开展经营活动）",
            "软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
        ),
    ],
)
def test_standard_clause_glyphs_lost_or_misread_in_the_scope_are_restored(read, printed):
    rows = [
        ("营业执照", 400, 40, 200),
        ("名称 泉州智算科技有限公司", 60, 200, 300),
        ("经营范围 " + read, 60, 330, 700),
        ("登记机关", 620, 560, 80),
    ]
    assert extract([_page(rows)])["business_scope"].value == (printed or read)


def test_authority_named_after_the_county_abolished_since_under_its_own_name():
    # ti-004's reading: a code of 章丘市 (370181, a district of 济南 since 2016, 章丘区 370114);
    # the seal still names 章丘市, one glyph misread; the division's name before it was
    # abolished comes from python-stdnum's history of division codes
    rows = [
        ("统一社会信用代码", 100, 100, 160),
        ("913701813072175464", 280, 100, 180),
        ("名称", 100, 140, 40),
        ("章丘某某机械有限公司", 200, 140, 240),
    ]
    assert _authority_read(rows, "章山市市场监督管理局") == "章丘市市场监督管理局"
    # a place that is no county of the code's city, then or now, stays unread
    assert "registration_authority" not in _extract_with_seal(rows, "九江市市场监督管理局")


def _extract_with_seal(rows, ring: str, alt_texts: tuple[str, ...] = ()):
    """The fields of a licence page of ``rows`` whose 登记机关 seal reads ``ring`` (and, read
    again at other sizes, ``alt_texts``)."""
    from models.page import Seal

    page = _page([*rows, ("登记机关", 500, 500, 80)])
    page.seals = [Seal(box=(560, 440, 700, 580), text=ring, text_confidence=0.9, alt_texts=list(alt_texts))]
    return extract([page])


def test_authority_a_zones_management_committee_read_whole():
    # ry-013's seal: the zone's committee registers its companies; its name starts with the
    # province's short name before the city the credit code names (常州市武进区)
    rows = [
        ("统一社会信用代码", 100, 100, 160),
        ("91320412MA1WBLRK0R", 280, 100, 180),
        ("名称", 100, 140, 40),
        ("常州某某精密机械有限公司", 200, 140, 240),
    ]
    assert _authority_read(rows, "江苏常州经济开发区管理委员会") == "江苏常州经济开发区管理委员会"
    # another city's zone is not this company's authority
    assert "registration_authority" not in _extract_with_seal(rows, "江苏苏州工业园区管理委员会")


def test_authority_from_a_rings_second_reading_when_the_first_names_none():
    """A licence photo's authority seal read at the assumed size gives 「商C通管理君」 (ub-005's
    reading), nothing an authority of the code's area is named; read again at the size of an
    official seal it names the authority. The first reading that names one is taken, with less
    confidence than a first reading's."""
    rows = [
        ("统一社会信用代码", 100, 100, 160),
        ("91320509MA1MAB2C39", 280, 100, 180),
        ("名称", 100, 140, 40),
        ("苏州某某纺织有限公司", 200, 140, 240),
    ]
    second = ("商C通管理启", "苏州市吴江区市场监督管理局")
    got = _extract_with_seal(rows, "商C通管理君", second)["registration_authority"]
    assert got.value == "苏州市吴江区市场监督管理局" and got.source_text == "苏州市吴江区市场监督管理局"
    assert got.method == "seal" and got.confidence <= 0.4
    # a first reading that names the authority is kept over any second reading
    got = _extract_with_seal(rows, "苏州市吴江区行政审批局", second)["registration_authority"]
    assert got.value == "苏州市吴江区行政审批局"
    # a second reading that names the organ alone, or whose name explains little of it, counts not
    f = _extract_with_seal(rows, "商C通管理君", ("行政管理局", "苏州市工為行政混理局職又分攝"))
    assert "registration_authority" not in f


def test_authority_from_the_second_reading_its_name_explains_best():
    # uj-015's ring: no first reading names an authority; of its second readings 「苏州市民山…」
    # gives the city's bureau with 民山 unexplained, 「苏州市昆山…」 is explained whole
    rows = [
        ("注册号", 100, 100, 60),
        ("320583000454059", 200, 100, 160),
        ("名称", 100, 140, 40),
        ("昆山某某电子有限公司", 200, 140, 240),
    ]
    second = ("苏州市民山工商行政管理局", "苏州市昆山工商行政管理局")
    got = _extract_with_seal(rows, "燕州市民山工商行政管理局", second)["registration_authority"]
    assert got.value == "苏州市昆山工商行政管理局" and got.confidence <= 0.4


def test_authority_named_after_a_county_without_its_level_word():
    # ub-005's seal: an old authority names its county without 市 (吴江市 → 「苏州市吴江…」); the
    # code is an old 注册号 of 吴江市 (320584, abolished since): the reading is kept as printed
    rows = [
        ("注册号", 100, 100, 60),
        ("320584600862063", 200, 100, 160),
        ("名称", 100, 140, 40),
        ("吴江某某纺织品经营部", 200, 140, 280),
    ]
    assert _authority_read(rows, "苏州市吴江工商行政管理局") == "苏州市吴江工商行政管理局"


@pytest.mark.parametrize(
    ("read", "name"),
    [
        # td-001's reading: a stamp's glyphs on the name's line after its legal form
        ("武汉力源信息技术股份有限公司科优商心办业之司", "武汉力源信息技术股份有限公司"),
        # a branch's name goes on after its company's legal form
        ("广西南宁维通运输有限责任公司宾阳分公司", "广西南宁维通运输有限责任公司宾阳分公司"),
        ("泉州智算科技有限公司丰泽营业部", "泉州智算科技有限公司丰泽营业部"),
    ],
)
def test_name_ends_at_its_legal_form_unless_a_unit_of_it_follows(read, name):
    rows = [("名称", 100, 140, 40), (read, 200, 140, 340)]
    assert extract([_page(rows)])["company_name"].value == name


@pytest.mark.parametrize("read", ["长安融资租赁(深圳)有很公司", "长安融资租赁(深圳)有限公可"])
def test_a_glyph_of_the_legal_form_read_as_a_look_alike(read):
    # ue-021's reading of a small photo: 限 read 很; a 司 read 可 likewise
    rows = [("名称", 100, 140, 40), (read, 200, 140, 300)]
    assert extract([_page(rows)])["company_name"].value == "长安融资租赁(深圳)有限公司"


def test_term_without_end_worded_as_unlimited_is_long_term():
    """「至无限期」 (a real Chongqing licence, corpus up-006) and 「至永久」 are 长期 too."""
    for wording in ("2016年01月07日至无限期", "2016年01月07日至永久"):
        rows = [(f"营业期限 {wording}", *r[1:]) if r[0].startswith("营业期限") else r for r in NEW_LAYOUT]
        assert extract([_page(rows)])["business_term_end"].value == "长期", wording


def test_free_trade_zone_address_and_an_authority_whose_place_names_no_division():
    """A watermarked Shanghai licence: OCR lost the start of the zone's name in the address
    (「试验区华京路8号…」), and read the authority's seal line without its first glyph
    (「圳市…」 on a Shenzhen licence). The zone's name comes back with the code's province; the
    authority is the code's city, the only place of that level two glyphs away (realcorpus
    uo-006, ui-008)."""
    rows = [
        ("统一社会信用代码913101151322268960", 500, 80, 400),
        ("名称 上海汽车集团财务有限责任公司", 60, 200, 400),
        ("类型 有限责任公司（国内合资）", 60, 240, 400),
        ("住所 试验区华京路8号三层317室", 60, 280, 400),
    ]
    f = extract([_page(rows)])
    assert f["address"].value == "中国(上海)自由贸易试验区华京路8号三层317室"
    rows = [
        ("注册号 440301106184536", 560, 80, 300),
        ("名称 深圳市易通商务服务有限公司", 60, 200, 300),
        ("住所 深圳市罗湖区宝安北路国际商品交易大厦五楼B区B52", 60, 240, 500),
        ("圳市市场监督管理局", 700, 560, 200),
    ]
    f = extract([_page(rows)])
    assert f["registration_authority"].value == "深圳市市场监督管理局"
    real = [(t.replace("圳市市场", "罗湖区市场"), *r) if "圳市市场" in t else (t, *r) for t, *r in rows]
    assert extract([_page(real)])["registration_authority"].value == "罗湖区市场监督管理局"


def test_type_line_without_the_seal_name_read_after_its_owners():
    """The company's seal printed over the 类型 row: OCR reads its name after the owners'
    bracket (realcorpus yd-001). The type ends at the bracket; a branch's 分公司 after it stays."""
    rows = [
        ("统一社会信用代码", 150, 40, 300),
        ("91610131322424287L", 150, 80, 300),
        ("名称", 150, 160, 60),
        ("陕西如高电气有限公司", 380, 160, 280),
        ("类型", 150, 200, 60),
        ("有限责任公司(自然人投资或控股)西如高电气有限公司", 380, 200, 700),
    ]
    assert extract([_page(rows, width=1900)])["company_type"].value == "有限责任公司(自然人投资或控股)"


def test_old_individual_form_whose_form_lost_its_first_glyph():
    """An old 个体工商户 licence (no 类型 row) whose 组成形式 value lost its first glyph under the
    label (「人经营」 for 个人经营, realcorpus ya-002): still a 个体工商户's."""
    rows = [
        ("注册号 1402003901544", 560, 80, 300),
        ("字号名称 东方尚品装饰材料经销部", 60, 200, 400),
        ("组成形式", 60, 240, 80),
        ("人经营", 200, 240, 90),
    ]
    assert extract([_page(rows)])["company_type"].value == "个体工商户"

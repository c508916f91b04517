"""Bank receipt fields on synthetic pages: compound labels, two-column tables (side by
side and stacked), DOCX-like table cells and OCR noise."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from extractor.fields.voucher import extract
from models.page import Line, Page


def _page(
    rows: list[tuple[str, float, float]], *, ocr: bool = False, width: float = 600, height: float = 300
) -> Page:
    """rows: (text, x0, y0); glyphs 10 pt wide/high."""
    lines = [
        Line(
            text=t,
            bbox=(x, y, x + 10 * len(t), y + 10),
            confidence=0.9 if ocr else 1.0,
            method="ocr" if ocr else "text",
        )
        for t, x, y in rows
    ]
    return Page(number=1, width=width, height=height, method="ocr" if ocr else "text", lines=lines)


def test_compound_labels_same_line():
    p = _page(
        [
            ("中国工商银行网上银行电子回单", 150, 10),
            ("电子回单号码：0030-2023-0301-8888", 20, 30),
            ("付款人户名：泉州智算科技有限公司", 20, 50),
            ("收款人户名：北京算力云科技有限公司", 20, 65),
            ("付款账号：1408 0101 0900 1234 567", 20, 80),
            ("收款账号：1100 2233 4455 6677", 20, 95),
            ("付款人开户行：中国工商银行泉州分行", 20, 110),
            ("金额（小写）：¥360,000.00", 20, 125),
            ("金额（大写）：人民币叁拾陆万元整", 20, 140),
            ("用途：算力服务费", 20, 155),
            ("交易日期：2023-03-01 10:22:33", 20, 170),
        ]
    )
    f = extract([p])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "北京算力云科技有限公司"
    assert f["payer_account"].value == "1408010109001234567"
    assert f["payee_account"].value == "1100223344556677"
    assert f["amount"].value == Decimal("360000.00")
    assert f["amount_in_words"].value == "叁拾陆万元整"
    assert f["pay_date"].value == date(2023, 3, 1)
    assert f["purpose"].value == "算力服务费"
    assert f["serial_no"].value == "0030-2023-0301-8888"
    # bank_name is the issuing bank (title); the branch stays in payer_bank
    assert f["bank_name"].value == "中国工商银行"
    assert f["payer_bank"].value == "中国工商银行泉州分行"
    assert f["payer_name"].page == 1 and f["payer_name"].bbox is not None
    assert "付款人户名" in f["payer_name"].source_text


def test_two_column_table_side_by_side():
    # 付款人 block on the left, 收款人 on the right, sub-labels 全称/账号/开户行 in each
    p = _page(
        [
            ("中国建设银行单位客户专用回单", 150, 10),
            ("付款人", 10, 60),
            ("全称", 50, 40),
            ("泉州智算科技有限公司", 90, 40),
            ("账号", 50, 60),
            ("35050166780700001234", 90, 60),
            ("开户行", 50, 80),
            ("中国建设银行泉州丰泽支行", 90, 80),
            ("收款人", 310, 60),
            ("全称", 350, 40),
            ("杭州云栖算力服务有限公司", 390, 40),
            ("账号", 350, 60),
            ("33001616781053000555", 390, 60),
            ("开户行", 350, 80),
            ("中国建设银行杭州分行", 390, 80),
            ("金额", 10, 110),
            ("人民币(大写)：壹拾贰万元整", 50, 110),
            ("小写：120000.00", 400, 110),
            ("摘要", 10, 130),
            ("服务费", 50, 130),
            ("记账日期", 10, 150),
            ("2024年05月06日", 90, 150),
            ("流水号", 300, 150),
            ("B2024050600123", 360, 150),
        ]
    )
    f = extract([p])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "杭州云栖算力服务有限公司"
    assert f["payer_account"].value == "35050166780700001234"
    assert f["payee_account"].value == "33001616781053000555"
    assert f["payer_bank"].value == "中国建设银行泉州丰泽支行"
    assert f["payee_bank"].value == "中国建设银行杭州分行"
    assert f["amount"].value == Decimal("120000.00")
    assert f["pay_date"].value == date(2024, 5, 6)
    assert f["purpose"].value == "服务费"
    assert f["serial_no"].value == "B2024050600123"


def test_stacked_blocks_and_vertical_markers():
    # payer block on top, payee block below; markers printed one glyph per line
    rows = [("付", 10, 40), ("款", 10, 52), ("人", 10, 64)]
    rows += [("户名：泉州智算科技有限公司", 40, 40), ("账号：6222 0214 0800 1234", 40, 55)]
    rows += [("收", 10, 100), ("款", 10, 112), ("人", 10, 124)]
    rows += [("户名：福州星河数据有限公司", 40, 100), ("账号：5910 0001 2345", 40, 115)]
    rows += [
        ("交易金额：CNY 88,000.00", 40, 150),
        ("附言：GPU租赁", 40, 165),
        ("交易时间：2024-01-02 09:00", 40, 180),
    ]
    f = extract([_page(rows)])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "福州星河数据有限公司"
    assert f["payer_account"].value == "6222021408001234"
    assert f["payee_account"].value == "591000012345"
    assert f["amount"].value == Decimal("88000.00")
    assert f["purpose"].value == "GPU租赁"
    assert f["pay_date"].value == date(2024, 1, 2)


def test_docx_table_cells():
    cells = [
        ("付款人名称", 0, 0),
        ("泉州智算科技有限公司", 0, 1),
        ("收款人名称", 1, 0),
        ("厦门数算科技有限公司", 1, 1),
        ("金额", 2, 0),
        ("¥50,000.00", 2, 1),
        ("用途", 3, 0),
        ("技术服务费", 3, 1),
    ]
    lines = [Line(text=t, method="docx", table=0, row=r, col=c) for t, r, c in cells]
    p = Page(number=1, unit="none", method="docx", lines=lines)
    f = extract([p])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "厦门数算科技有限公司"
    assert f["amount"].value == Decimal("50000.00")
    assert f["purpose"].value == "技术服务费"
    assert f["payer_name"].method == "docx" and f["payer_name"].bbox is None


def test_ocr_noise_spaces_and_confidence():
    p = _page(
        [
            ("付 款 人 名 称 ： 泉州智算科技 有限公司", 20, 40),
            ("收款人名称:北京算力云科技有限公司", 20, 60),
            ("小写金额 ¥ 1 2,345.60", 20, 80),
        ],
        ocr=True,
    )
    f = extract([p])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "北京算力云科技有限公司"
    assert f["amount"].value == Decimal("12345.60")
    assert f["payer_name"].method == "ocr"
    assert f["payer_name"].confidence == 0.9


def test_absent_fields_are_absent():
    f = extract([_page([("某某银行电子回单", 100, 10), ("备注：无", 20, 40)])])
    assert "payer_name" not in f and "amount" not in f
    assert extract([]) == {}


def _glyph_column(word: str, x: float, y: float, step: float = 11) -> list[Line]:
    """A vertical label, one glyph per line, glyph boxes 12 pt high overlapping by 1 pt."""
    return [Line(text=ch, bbox=(x, y + k * step, x + 10, y + k * step + 12)) for k, ch in enumerate(word)]


def test_vertical_column_labels_side_by_side_with_overlapping_glyphs():
    # 付|款|人 and 收|款|人 printed vertically at the left of each half, with
    # 户名/账号/开户银行 rows beside them; the receipt number is printed above the grid
    rows = [
        ("某某银行网上银行电子回单", 180, 20),
        ("电子回单号码：125500001111", 40, 55),
        ("户名", 60, 80), ("甲乙科技有限公司", 100, 80),
        ("账号", 60, 100), ("6222000011112222333", 100, 100),
        ("开户银行", 60, 120), ("某某银行泉州丰泽支行", 100, 120),
        ("户名", 330, 80), ("丙丁数据有限公司", 370, 80),
        ("账号", 330, 100), ("2291000022223333444", 370, 100),
        ("开户银行", 330, 120), ("另一银行北京中关村支行", 370, 120),
        ("金额", 36, 145), ("¥180,000.00元", 100, 145),
        ("交易流水号", 36, 165), ("39200132380030637846", 100, 165),
    ]  # fmt: skip
    p = _page(rows)
    p.lines += _glyph_column("付款人", 36, 88) + _glyph_column("收款人", 304, 88)
    f = extract([p])
    assert f["payer_name"].value == "甲乙科技有限公司"
    assert f["payer_account"].value == "6222000011112222333"
    assert f["payee_name"].value == "丙丁数据有限公司"
    assert f["payee_account"].value == "2291000022223333444"
    assert f["payer_bank"].value == "某某银行泉州丰泽支行"
    assert f["payee_bank"].value == "另一银行北京中关村支行"
    # 交易流水号 wins over the receipt number printed first
    assert f["serial_no"].value == "39200132380030637846"
    assert f["bank_name"].value == "某某银行"


def test_serial_falls_back_to_receipt_number_and_bank_to_payer_branch():
    p = _page(
        [
            ("回单编号：HD20240001", 20, 20),
            ("付款人名称：甲科技有限公司", 20, 40),
            ("付款人开户行：中国建设银行股份有限公司晋江支行", 20, 55),
            ("金额：¥1,000.00", 20, 70),
        ]
    )
    f = extract([p])
    assert f["serial_no"].value == "HD20240001"
    assert f["bank_name"].value == "中国建设银行"
    assert f["payer_bank"].value.startswith("中国建设银行")


def test_column_headers_with_shared_row_labels():
    # 付款人 | 收款人 head two value columns; 户名/账号/开户行 label the rows once, at the left
    p = _page(
        [
            ("某某银行转账凭证", 200, 10),
            ("付款人", 150, 40), ("收款人", 380, 40),
            ("户名", 20, 60), ("甲乙科技有限公司", 150, 60), ("丙丁数据有限公司", 380, 60),
            ("账号", 20, 80), ("1408010109001234567", 150, 80), ("1100223344556677", 380, 80),
            ("开户行", 20, 100), ("某某银行泉州分行", 150, 100), ("另一银行厦门支行", 380, 100),
            ("金额", 20, 120), ("¥5,000.00", 150, 120),
        ],
        width=700,
    )  # fmt: skip
    f = extract([p])
    assert f["payer_name"].value == "甲乙科技有限公司"
    assert f["payee_name"].value == "丙丁数据有限公司"
    assert f["payer_account"].value == "1408010109001234567"
    assert f["payee_account"].value == "1100223344556677"
    assert f["payee_bank"].value == "另一银行厦门支行"
    assert f["bank_name"].value == "某某银行"


def test_header_row_with_values_in_the_row_below():
    p = _page(
        [
            ("付款人名称", 20, 40), ("付款账号", 160, 40), ("收款人名称", 300, 40), ("收款账号", 450, 40),
            ("甲乙科技有限公司", 20, 55), ("6222000011112222", 160, 55),
            ("丙丁数据有限公司", 300, 55), ("6222999988887777", 450, 55),
            ("交易金额：1,200.00", 20, 80),
        ],
        width=700,
    )  # fmt: skip
    f = extract([p])
    assert f["payer_name"].value == "甲乙科技有限公司"
    assert f["payee_name"].value == "丙丁数据有限公司"
    assert f["payer_account"].value == "6222000011112222"
    assert f["payee_account"].value == "6222999988887777"
    assert f["amount"].value == Decimal("1200.00")


def test_markers_centred_in_stacked_blocks_and_notes_ignored():
    # 付款方/收款方 sit at the vertical middle of their blocks (rows above and below them);
    # the printed note mentions 收款方 in passing and must not be read as a label
    rows = [
        ("户名", 100, 70),
        ("泉州晋江数智云科技有限公司", 150, 70),
        ("付款方", 40, 90),
        ("账号", 100, 90),
        ("5429681567636075358", 150, 90),
        ("开户行", 100, 108),
        ("招商银行泉州晋江支行", 150, 108),
        ("户名", 100, 128),
        ("宁夏中卫云算科技有限公司", 150, 128),
        ("收款方", 40, 146),
        ("账号", 100, 146),
        ("4876998780274809", 150, 146),
        ("开户行", 100, 166),
        ("招商银行银川分行", 150, 166),
        ("交易金额", 40, 184),
        ("¥140,000.00", 150, 184),
        ("本回单仅作为客户已通过网上银行发出指令的凭证，不作为收款方发货依据。", 40, 286),
    ]
    f = extract([_page(rows, height=320)])
    assert f["payer_name"].value == "泉州晋江数智云科技有限公司"
    assert f["payee_name"].value == "宁夏中卫云算科技有限公司"
    assert f["payer_account"].value == "5429681567636075358"
    assert f["payee_account"].value == "4876998780274809"
    assert f["payee_bank"].value == "招商银行银川分行"


def test_label_fragment_is_not_a_party_name():
    # OCR split 「交易金额」 so that 「交易」 stands where the payee name should be
    rows = [
        ("付款人名称：泉州智算科技有限公司", 40, 40),
        ("收款人名称：", 40, 60),
        ("交易", 200, 60),
        ("金额：¥1,000.00", 40, 80),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert "payee_name" not in f or f["payee_name"].value != "交易"


def test_issuing_bank_by_evidence_order():
    """The bank that issued the receipt: its own sentence beats the parties' banks; on a
    收款回单 the payee's bank is the issuer; a traditional-script logo is read."""
    rows = [
        ("业务回单（付款）", 200, 10),
        ("付款人户名：甲科技有限公司", 20, 40),
        ("付款人开户行：绵阳科学城支行营业室", 20, 55),
        ("收款人户名：乙酒店管理有限公司", 20, 70),
        ("收款人开户行：中国建设银行绵阳分行", 20, 85),
        ("金额：¥1,000.00", 20, 100),
        ("重要提示：该文件为中国工商银行电子化回单，请勿重复记账。", 20, 250),
    ]
    assert extract([_page(rows)])["bank_name"].value == "中国工商银行"
    incoming = [
        ("国内支付业务收款回单", 200, 10),
        ("收款人名称：甲科技有限公司", 20, 40),
        ("收款人开户行：中国银行绵阳涪城支行", 20, 55),
        ("付款人名称：乙通讯有限公司", 320, 40),
        ("付款人开户行：中国农业银行温江支行", 320, 55),
        ("金额：¥1,000.00", 20, 100),
    ]
    assert extract([_page(incoming)])["bank_name"].value == "中国银行"
    logo = [("中國銀行", 20, 10), *incoming[1:]]
    assert extract([_page(logo)])["bank_name"].value == "中国银行"


def test_label_without_value_is_not_a_name():
    p = _page(
        [
            ("付款人名称：", 20, 40),
            ("北京学门科技有限公司", 90, 40),
            ("收款人名称：", 20, 60),
            ("金额：¥50.00", 20, 80),
        ]
    )
    f = extract([p])
    assert f["payer_name"].value == "北京学门科技有限公司"
    assert "payee_name" not in f


def test_other_sides_value_on_a_shared_row_label_and_a_cut_name():
    """The payee column lost its 账号 label to OCR: the payer's row label is shared, so the
    value on that row past the 收款人 marker is the payee's account; 「…分公」 cut at the edge."""
    p = _page(
        [
            ("户名", 89, 166),
            ("广东合晟网络科技有限公", 127, 167),
            ("户名", 433, 166),
            ("广东有德招标采购有限公司", 472, 168),
            ("付款人", 18, 177),
            ("账号", 88, 192),
            ("202808336143", 127, 194),
            ("收款人", 362, 178),
            ("38610188000123567", 472, 195),
            ("金额", 88, 246),
            ("300.00元", 126, 247),
        ],
        width=733,
        height=417,
    )
    f = extract([p])
    assert f["payer_account"].value == "202808336143"
    assert f["payee_account"].value == "38610188000123567"
    assert f["payer_name"].value == "广东合晟网络科技有限公司" and f["payer_name"].confidence < 1.0


def test_remittance_application_names_the_payer_applicant():
    """A bank's 结算业务申请书 (as OCR reads a photo of one): the remitter is the 申请人, printed
    vertically beside its block; the payee the 收款人; each side's 全称 row is read on its side."""
    cells = [
        ("中国农业银行", (230, 7, 322, 24)),
        ("个人结算业务申请书", (336, 13, 477, 30)),
        ("全称", (90, 69, 112, 84)),
        ("泉州智算科技有限公司", (150, 67, 290, 87)),
        ("全称", (343, 69, 365, 84)),
        ("福州星河数据有限公司", (376, 69, 562, 85)),
        ("申请人", (52, 95, 68, 136)),
        ("账号或地址", (78, 90, 121, 104)),
        ("6222021408001234", (129, 89, 289, 102)),
        ("收款人", (304, 79, 322, 122)),
        ("账号或地址", (332, 91, 375, 103)),
        ("11050501040017630", (402, 90, 524, 103)),
    ]
    lines = [Line(text=t, bbox=b, confidence=0.9, method="ocr") for t, b in cells]
    f = extract([Page(number=1, width=585, height=367, method="ocr", lines=lines)])
    assert f["payer_name"].value == "泉州智算科技有限公司"
    assert f["payee_name"].value == "福州星河数据有限公司"
    assert f["payee_account"].value == "11050501040017630"


def test_fee_receipt_has_no_payee_and_says_what_was_charged():
    """A 客户付费回单: only the payer's labels; OCR'd labels matched fuzzily (付款人账号 ~
    收款人账号) must not copy the payer into the payee; the 费用名称 is the purpose."""
    rows = [
        ("中国银行客户付费回单", 150, 5),
        ("付款人账号：123912372612", 10, 30),
        ("付款人名称：四川光发科技有限公司", 10, 45),
        ("付款人开户行：中国银行绵阳涪城支行", 10, 60),
        ("金额：CNY4.00", 10, 75),
        ("费用名称：对公跨行转账汇款手续费", 10, 105),
        ("附言：", 10, 120),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["payer_name"].value == "四川光发科技有限公司"
    assert f["payer_account"].value == "123912372612"
    assert not any(k.startswith("payee_") for k in f), {k: f[k].value for k in f if k.startswith("payee_")}
    assert f["purpose"].value == "对公跨行转账汇款手续费"


def test_bank_code_in_summary_gives_way_to_the_note_and_log_number_is_the_serial():
    rows = [
        ("中国农业银行客户收付款入帐回单", 150, 5),
        ("付款方户名", 10, 30),
        ("泉州智算科技有限公司", 120, 30),
        ("收款方户名", 10, 45),
        ("福州星河数据有限公司", 120, 45),
        ("交易渠道", 10, 60),
        ("网上银行", 120, 60),
        ("日志号", 10, 75),
        ("315938109", 120, 75),
        ("摘要", 10, 90),
        ("转存", 120, 90),
        ("附言", 10, 105),
        ("第三季度算力服务费", 120, 105),
    ]
    f = extract([_page(rows, ocr=True)])
    assert f["purpose"].value == "第三季度算力服务费"
    assert f["serial_no"].value == "315938109"
    assert "payer_bank" not in f and "payee_bank" not in f  # 网上银行 is the channel
    only_code = extract([_page([r for r in rows if r[0] not in ("附言", "第三季度算力服务费")], ocr=True)])
    assert only_code["purpose"].value == "转存"


def test_short_zero_padded_serial_after_its_label_but_not_a_year():
    rows = [
        ("渤海银行", 144, 10),
        ("客户业务回单", 400, 10),
        ("交易日期：2018-08-17", 300, 40),
        ("网银流水号：00075", 450, 40),
        ("付款人账号：6005004300542260", 20, 60),
        ("小写金额：CNY3500.00", 20, 80),
    ]
    assert extract([_page(rows, ocr=True)])["serial_no"].value == "00075"
    rows[3] = ("网银流水号：2018", 450, 40)
    assert "serial_no" not in extract([_page(rows, ocr=True)])


def test_amount_in_words_below_a_stacked_payer_marker_is_no_name():
    """A CCB online-banking receipt (the geometry and reading of a real one, pasted into Word):
    付款人 printed down the left edge, 大写金额 「伍万元整」 in the box below it. The payer's name
    is the 全称 of the payer's side, not the amount."""
    rows = [
        ("中国建设银行网上银行电子回执", 489, 14, 690, 31),
        ("全称", 190, 83, 236, 103),
        ("和远智能科技股份有限公司", 246, 84, 417, 101),
        ("全称", 770, 83, 817, 103),
        ("中铁四局集团有限公司", 828, 84, 969, 101),
        ("付款人", 40, 100, 64, 156),
        ("账号", 189, 116, 232, 140),
        ("37001618819050149538", 248, 121, 396, 135),
        ("收款人", 619, 100, 643, 157),
        ("账号", 769, 116, 813, 140),
        ("5519000032102110000007811", 828, 121, 1012, 135),
        ("大写金额", 20, 187, 83, 209),
        ("伍万元整", 102, 187, 166, 208),
        ("小写金额", 600, 187, 662, 208),
        ("50,000.00", 683, 190, 753, 207),
    ]
    lines = [Line(text=t, bbox=(x0, y0, x1, y1), confidence=0.95, method="ocr") for t, x0, y0, x1, y1 in rows]
    f = extract([Page(number=1, width=1174, height=327, unit="px", method="ocr", lines=lines)])
    assert f["payer_name"].value == "和远智能科技股份有限公司"
    assert f["payee_name"].value == "中铁四局集团有限公司"
    assert f["amount"].value == Decimal("50000.00")


@pytest.mark.parametrize("code", ["转账存款", "网银转账", "跨行汇入"])
def test_summary_made_of_transaction_words_gives_way_to_the_note(code):
    # tc-008's 客户收付款入账通知: 摘要 「转账存款」 (the bank's kind of entry), 附言 what was paid for
    rows = [
        ("付款方户名：泉州智算科技有限公司", 10, 30),
        ("收款方户名：福州星河数据有限公司", 10, 45),
        (f"摘要：{code}", 10, 90),
        ("附言：第三季度算力服务费", 10, 105),
    ]
    assert extract([_page(rows, ocr=True)])["purpose"].value == "第三季度算力服务费"


def test_summary_that_says_what_was_paid_for_is_the_purpose():
    rows = [("摘要：算力服务费", 10, 90), ("附言：转账", 10, 105)]
    assert extract([_page(rows, ocr=True)])["purpose"].value == "算力服务费"


def test_real_ccb_ofd_receipt_sub_label_without_colon_and_date_alone_in_the_head() -> None:
    """A real signed CCB 单位客户专用回单 OFD (realcorpus uw-002, tune set): the payer's name
    follows a letter-spaced 「全 称」 with no colon, and the date stands alone under the title;
    the 生成时间 further down is the print time, not the payment's."""
    from pathlib import Path

    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = Path(__file__).resolve().parents[2] / "corpus" / "applications" / "uw-002" / "26050100800_00001.ofd"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    doc = next(d for d in extract_documents(read_path(f)) if d.doc_type == "payment_voucher")
    assert doc.fields["payer_name"].value == "中国农业大学"
    assert doc.fields["pay_date"].value == date(2026, 5, 12)
    assert doc.fields["amount"].value == Decimal("27.00")


def test_bank_seal_misread_in_a_glyph_is_the_bank_the_page_prints():
    """A bank's round seal read 「中渥建设银行股份有限公司」 (realcorpus rw-003): the bank the
    page prints one glyph away (中国建设银行) is the receipt's bank, not the ring's misreading."""
    from models.page import Seal

    p = _page(
        [
            ("投标保证金", 250, 10),
            ("付款人账号：4400 1234 5678", 20, 40),
            ("收款人开户行：中国建设银行济南分行", 20, 60),
            ("金额：50000.00", 20, 80),
        ],
        ocr=True,
    )
    p.seals = [Seal(box=(400, 100, 500, 200), text="中渥建设银行股份有限公司", text_confidence=0.9)]
    assert extract([p])["bank_name"].value == "中国建设银行"
    p.lines = [ln for ln in p.lines if "开户行" not in ln.text]
    assert extract([p])["bank_name"].value == "中渥建设银行"  # nothing printed to correct it by

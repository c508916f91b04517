"""Audit report + financial statements: generated PDF (text layer, positioned columns),
DOCX statements (table cells), synthetic OCR lines, opinion variants, and the real
scanned CPA report (slow, OCR)."""

from __future__ import annotations

import io
import sys
from datetime import date
from decimal import Decimal

import docx
import pymupdf
import pytest

from extractor.fields import extract_fields
from extractor.fields.audit import extract
from extractor.read import read_bytes
from models.page import Line, Page

OPINION_PAGE = [
    "审计报告",
    "闽华审字[2024]第0123号",
    "泉州智算科技有限公司全体股东：",
    "一、审计意见",
    "我们审计了泉州智算科技有限公司（以下简称智算公司）财务报表，包括2023年12月31日的资产负债表，",
    "2023年度的利润表、现金流量表、所有者权益变动表以及相关财务报表附注。",
    "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了智算公司",
    "2023年12月31日的财务状况以及2023年度的经营成果和现金流量。",
    "二、形成审计意见的基础",
    "我们按照中国注册会计师审计准则的规定执行了审计工作。如果我们得出结论认为存在重大不确定性，",
    "我们应当发表非无保留意见。",
    "福建华审会计师事务所（特殊普通合伙）        中国注册会计师：张三",
    "中国·福州                                  中国注册会计师：李四",
    "二〇二四年三月十五日",
]


def _pdf(pages: list[list[tuple[float, float, str, float]]]) -> bytes:
    doc = pymupdf.open()
    for items in pages:
        page = doc.new_page(width=595, height=842)
        for x, y, text, fs in items:
            page.insert_text((x, y), text, fontname="china-s", fontsize=fs)
    data = doc.tobytes()
    doc.close()
    return data


def _right(x_right: float, text: str, fs: float = 9) -> float:
    return x_right - pymupdf.get_text_length(text, fontname="china-s", fontsize=fs)


def build_report_pdf(*, inline_income: bool = True) -> bytes:
    p1 = []
    y = 60
    for i, t in enumerate(OPINION_PAGE):
        p1.append((60 if i else 260, y, t, 16 if i == 0 else 10))
        y += 22
    # balance sheet: positioned columns (label, 附注, 期末余额, 上年年末余额)
    p2 = [
        (250, 50, "资产负债表", 16),
        (40, 75, "编制单位：泉州智算科技有限公司", 9),
        (420, 75, "单位：元", 9),
    ]
    p2 += [
        (40, 100, "项目", 9),
        (220, 100, "附注", 9),
        (330, 100, "期末余额", 9),
        (460, 100, "上年年末余额", 9),
    ]
    rows = [
        ("货币资金", "五、1", "3,456,789.01", "2,345,678.90"),
        ("流动资产合计", "", "8,000,000.00", "7,000,000.00"),
        ("资产总计", "", "15,678,901.23", "12,345,678.00"),
        ("负债合计", "", "5,000,000.00", "4,000,000.00"),
    ]
    y = 120
    for label, note, cur, prior in rows:
        p2 += [
            (40, y, label, 9),
            (220, y, note, 9),
            (_right(390, cur), y, cur, 9),
            (_right(530, prior), y, prior, 9),
        ]
        y += 18
    # income statement: 行次 column; rows either as one text line or positioned
    p3 = [(260, 50, "利润表", 16), (40, 75, "编制单位：泉州智算科技有限公司", 9), (420, 75, "单位：元", 9)]
    header = "项目 行次 本期金额 上期金额"
    inc = [
        ("一、营业总收入", "1", "12,345,678.90", "10,234,567.00"),
        ("其中：营业收入", "2", "12,345,678.90", "10,234,567.00"),
        ("研发费用", "8", "1,500,000.00", "-"),
        ("五、净利润（净亏损以“－”号填列）", "30", "2,100,000.50", "(350,000.00)"),
        ("（一）归属于母公司所有者的净利润", "31", "2,000,000.00", "(300,000.00)"),
    ]
    y = 100
    if inline_income:
        p3.append((40, y, header, 9))
        y += 20
        for label, no, cur, prior in inc:
            p3.append((40, y, f"{label} {no} {cur} {prior}", 9))
            y += 18
    else:
        p3 += [(40, y, "项目", 9), (240, y, "行次", 9), (330, y, "本期金额", 9), (460, y, "上期金额", 9)]
        y += 20
        for label, no, cur, prior in inc:
            p3 += [
                (40, y, label, 9),
                (245, y, no, 9),
                (_right(390, cur), y, cur, 9),
                (_right(530, prior), y, prior, 9),
            ]
            y += 18
    return _pdf([p1, p2, p3])


def _read(data: bytes, name: str) -> list[Page]:
    rr = read_bytes(data, name)
    assert not rr.errors, rr.errors
    return rr.pages


def _check_report(f: dict) -> None:
    assert f["audited_entity"].value == "泉州智算科技有限公司"
    assert f["fiscal_year"].value == 2023
    assert f["audit_firm"].value == "福建华审会计师事务所(特殊普通合伙)"
    assert f["report_no"].value == "闽华审字[2024]第0123号"
    assert f["report_date"].value == date(2024, 3, 15)
    assert f["opinion"].value == "标准无保留意见"


@pytest.mark.parametrize("inline", [True, False])
def test_pdf_report_and_statements(inline):
    f = extract(_read(build_report_pdf(inline_income=inline), "审计报告.pdf"))
    _check_report(f)
    assert f["total_assets"].value == Decimal("15678901.23")
    assert f["revenue"].value == Decimal("12345678.90")
    assert f["net_profit"].value == Decimal("2100000.50")
    assert f["rd_expense"].value == Decimal("1500000.00")
    # provenance: the statement values come from pages 2 and 3, with boxes
    assert f["total_assets"].page == 2 and f["revenue"].page == 3
    assert f["total_assets"].bbox is not None and f["total_assets"].bbox[2] > 380  # the 期末余额 column
    assert f["report_no"].page == 1 and f["report_no"].method == "text"


def test_registry_dispatch():
    f = extract_fields("audit_report", _read(build_report_pdf(), "r.pdf"))
    assert f["fiscal_year"].value == 2023


def _page(lines: list[str], *, method="text", conf=1.0, number=1) -> Page:
    return Page(
        number=number,
        width=595,
        height=842,
        method=method,
        lines=[
            Line(
                text=t, bbox=(40, 40 + 20 * i, 40 + 10 * len(t), 52 + 20 * i), confidence=conf, method=method
            )
            for i, t in enumerate(lines)
        ],
    )


@pytest.mark.parametrize(
    "paragraph,expected",
    [
        (
            [
                "我们认为，除“形成保留意见的基础”部分所述事项可能产生的影响外，后附的财务报表在所有重大方面公允反映了。"
            ],
            "保留意见",
        ),
        (["一、保留意见", "我们审计了甲乙科技有限公司财务报表。"], "保留意见"),
        (["一、否定意见", "由于…的重要性，财务报表没有在所有重大方面公允反映。"], "否定意见"),
        (["一、无法表示意见", "我们不对后附的甲乙科技有限公司财务报表发表审计意见。"], "无法表示意见"),
        (
            [
                "我们认为，财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了…",
                "三、强调事项",
                "我们提醒财务报表使用者关注…",
            ],
            "带强调事项段的无保留意见",
        ),
    ],
)
def test_opinion_variants(paragraph, expected):
    f = extract([_page(["审计报告", *paragraph])])
    assert f["opinion"].value == expected


def test_boilerplate_non_unqualified_is_not_qualified():
    f = extract([_page(OPINION_PAGE)])
    assert f["opinion"].value == "标准无保留意见"


def test_ocr_noise_report_number_brackets_and_year_label():
    lines = [
        "审 计 报 告",
        "中武验字［2025］ZW-5504号",
        "长沙深算科技有限公司：",
        "我们接受委托，审验了长沙深算科技有限公司（以下简称贵公司）截至2025年9月10日止新增注册资本的实收情况。",
        "湖北中武会计师事务所(普通合伙)",
        "中国·武汉",
        "2025年9月11日",
    ]
    f = extract([_page(lines, method="ocr", conf=0.9, number=4)])
    assert f["report_no"].value == "中武验字[2025]ZW-5504号"
    assert f["audited_entity"].value == "长沙深算科技有限公司"
    assert f["audit_firm"].value == "湖北中武会计师事务所(普通合伙)"
    assert f["report_date"].value == date(2025, 9, 11)
    assert f["report_no"].confidence == pytest.approx(0.9)
    assert f["report_no"].page == 4 and f["report_no"].method == "ocr"
    assert "opinion" not in f  # a capital verification report states no audit opinion


def test_statement_in_wan_yuan_and_old_column_order():
    lines = [
        "资产负债表",
        "编制单位：甲乙科技有限公司 2023年12月31日 单位：万元",
        "资产 行次 年初数 期末数",
        "资产总计 40 1,100.50 1,234.56",
        "利润表",
        "项目 本月数 本年累计数",
        "一、营业收入 120.00 2,345.67",
        "四、净利润 10.00 300.10",
    ]
    f = extract([_page(lines)])
    assert f["total_assets"].value == Decimal("12345600.00")
    assert f["revenue"].value == Decimal("23456700.00")
    assert f["net_profit"].value == Decimal("3001000.00")
    assert f["fiscal_year"].value == 2023
    assert "rd_expense" not in f


def build_statements_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("审计报告")
    d.add_paragraph("闽华审字〔2024〕第88号")
    d.add_paragraph(
        "我们审计了福建星云数据有限公司（以下简称星云公司）财务报表，包括2023年12月31日的资产负债表。"
    )
    d.add_paragraph(
        "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了星云公司的财务状况。"
    )
    d.add_paragraph("利润表")
    t = d.add_table(rows=4, cols=4)
    data = [
        ["项目", "行次", "本年数", "上年数"],
        ["一、营业收入", "1", "5,000,000.00", "4,000,000.00"],
        ["研发费用", "5", "600,000.00", "500,000.00"],
        ["四、净利润", "20", "800,000.00", "700,000.00"],
    ]
    for r, row in enumerate(data):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_statement_cells():
    f = extract(_read(build_statements_docx(), "s.docx"))
    assert f["audited_entity"].value == "福建星云数据有限公司"
    assert f["report_no"].value == "闽华审字〔2024〕第88号"
    assert f["revenue"].value == Decimal("5000000.00")
    assert f["rd_expense"].value == Decimal("600000.00")
    assert f["net_profit"].value == Decimal("800000.00")
    assert f["revenue"].source_text == "5,000,000.00" and f["revenue"].bbox is None
    assert f["opinion"].value == "标准无保留意见"


def test_empty_and_unrelated_pages():
    assert extract([]) == {}
    assert extract([Page(number=1)]) == {}
    f = extract([_page(["会议纪要", "与会人员：张三、李四"])])
    assert f == {}


@pytest.mark.slow
@pytest.mark.ocr
def test_real_scanned_capital_verification_report(realdocs):
    from extractor.read import read_path

    rr = read_path(realdocs / "reports" / "rpt01_cpa-capital-verification_scan_changsha-shensuan_2025.pdf")
    f = extract(rr.pages)
    assert f["report_no"].value == "中武验字[2025]ZW-5504号"
    assert f["audited_entity"].value == "长沙深算科技有限公司"
    assert f["report_date"].value == date(2025, 9, 11)
    # the seal hides "所(普通合伙)": the firm is completed with a lowered confidence
    assert f["audit_firm"].value == "湖北中武会计师事务所"
    assert f["audit_firm"].confidence <= 0.7
    assert f["report_no"].method == "ocr" and f["report_no"].bbox is not None
    assert "opinion" not in f


@pytest.mark.parametrize(
    "signature,firm",
    [
        ("福建闽泉会计师事务所有限公司", "福建闽泉会计师事务所有限公司"),
        ("泉州正信会计师事务所 有限公司", "泉州正信会计师事务所有限公司"),
        ("厦门天健会计师事务所（特殊普通合伙）", "厦门天健会计师事务所(特殊普通合伙)"),
        ("中兴信会计师事务所有限责任公司", "中兴信会计师事务所有限责任公司"),
        # rb-034's signature as OCR read it: the bracket before the partnership form lost
        ("上海普道兢实会计师事务所普通合伙）", "上海普道兢实会计师事务所(普通合伙)"),
    ],
)
def test_audit_firm_keeps_legal_form_after_shiwusuo(signature, firm):
    lines = [
        "审计报告",
        "我们审计了甲乙科技有限公司财务报表。",
        "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了财务状况。",
        signature,
        "中国·福州 2024年3月15日",
    ]
    f = extract([_page(lines)])
    assert f["audit_firm"].value == firm
    assert f["opinion"].value == "标准无保留意见"


# --------------------------------------------------------------- inside an annual report

ANNUAL_HEAD = "泉州智算科技股份有限公司2023 年年度报告全文"


def build_annual_report_pdf() -> bytes:
    """Eight pages under one running title: decoy figures, numbers and a 重大合同 section
    before the auditor's report (page 6), then statements whose columns are dated."""
    pages: list[list[tuple[float, float, str, float]]] = []

    def page(body: list[tuple[float, str]]) -> None:
        n = len(pages) + 1
        items = [(345, 50, ANNUAL_HEAD, 8), (530, 790, str(n), 8)]
        items += [(60, y, t, 10) for y, t in body]
        pages.append(items)

    filler = [f"报告期内公司持续推进第{i}项研发工作，详见相关公告。" for i in range(1, 30)]
    page(
        [(100, "泉州智算科技股份有限公司"), (130, "2023 年年度报告")]
        + [(160 + 18 * i, t) for i, t in enumerate(filler[:20])]
    )
    page(
        [(100, "第二节 主要会计数据"), (130, "营业收入 11.88% 10.50%"), (150, "执行财会〔2019〕6号规定")]
        + [(170 + 18 * i, t) for i, t in enumerate(filler)]
    )
    page(
        [
            (100, "第五节 重要事项"),
            (120, "重大合同及其履行情况"),
            (140, "甲方：泉州智算科技股份有限公司  乙方：某某设备有限公司"),
            (160, "合同编号：HT-2021-001，本合同签订于2021年9月25日，双方约定违约责任。"),
            (180, "独立董事对会计师事务所的意见：同意续聘。"),
        ]
        + [(200 + 18 * i, t) for i, t in enumerate(filler)]
    )
    page([(100 + 18 * i, t) for i, t in enumerate(filler + filler[:8])])
    page([(100 + 18 * i, t) for i, t in enumerate(filler + filler[:8])])
    page(
        [(80, "第十节 财务报告"), (100, "一、审计报告")]
        + [(130 + 22 * i, t) for i, t in enumerate(OPINION_PAGE)]
    )
    bs = [(80, "二、财务报表"), (100, "1、合并资产负债表"), (120, "单位：元")]
    bs_items = [(60, y, t, 10) for y, t in bs]
    bs_items += [(60, 150, "项目", 9), (300, 150, "2023年12月31日", 9), (440, 150, "2022年12月31日", 9)]
    bs_items += [(60, 170, "资产总计", 9), (_right(380, "15,678,901.23"), 170, "15,678,901.23", 9)]
    bs_items += [(_right(520, "12,345,678.00"), 170, "12,345,678.00", 9)]
    pages.append([(345, 50, ANNUAL_HEAD, 8), (530, 790, "7", 8), *bs_items])
    inc_items = [
        (60, 100, "2、合并利润表", 10),
        (60, 130, "项目", 9),
        (300, 130, "2023年度", 9),
        (440, 130, "2022年度", 9),
    ]
    y = 150
    for label, cur, prior in [
        ("一、营业总收入", "12,345,678.90", "10,234,567.00"),
        ("研发费用", "1,500,000.00", "1,200,000.00"),
        ("五、净利润", "2,100,000.50", "1,800,000.00"),
    ]:
        inc_items += [(60, y, label, 9), (_right(380, cur), y, cur, 9), (_right(520, prior), y, prior, 9)]
        y += 18
    pages.append([(345, 50, ANNUAL_HEAD, 8), (530, 790, "8", 8), *inc_items])
    return _pdf(pages)


def test_auditors_report_inside_an_annual_report():
    from extractor.extract import extract_documents

    rr = read_bytes(build_annual_report_pdf(), "年度报告.pdf")
    docs = extract_documents(rr)
    # one document: the running title binds the 重大合同 section to the report
    assert [(d.doc_type, d.pages) for d in docs] == [("audit_report", list(range(1, 9)))]
    f = docs[0].fields
    _check_report(f)  # the report's own number, date, firm — not the figures quoted before it
    assert f["total_assets"].value == Decimal("15678901.23")  # the 2023-12-31 column
    assert f["revenue"].value == Decimal("12345678.90")  # not the 11.88 % of the summary
    assert f["net_profit"].value == Decimal("2100000.50")
    assert f["rd_expense"].value == Decimal("1500000.00")


def test_labelled_entity_cut_at_the_line_end_is_continued_below():
    """A cover's 单位名称 whose value wraps (「…公益服」 / 「务中心」): the name with an
    organisation's suffix is taken, not the cut one."""
    lines = [
        Line(text="单位名称上海闵行区吴泾小星欣青少年公益服", bbox=(92, 355, 390, 376)),
        Line(text="务中心", bbox=(174, 370, 228, 384)),
        Line(text="报告日期2023年05月18日", bbox=(92, 437, 282, 451)),
    ]
    fields = extract([Page(number=1, width=595, height=842, lines=lines)])
    assert fields["audited_entity"].value == "上海闵行区吴泾小星欣青少年公益服务中心"


def test_signature_legal_form_on_the_line_below():
    lines = [
        Line(text="审计报告", bbox=(250, 60, 330, 75)),
        Line(
            text="我们审计了泉州智算科技有限公司财务报表，包括2020年12月31日的资产负债表。",
            bbox=(90, 100, 530, 112),
        ),
        Line(text="致同会计师事务所", bbox=(102, 450, 191, 460)),
        Line(text="（特殊普通合伙）", bbox=(102, 463, 191, 474)),
        Line(text="中国注册会计师", bbox=(257, 450, 336, 460)),
        Line(text="中国·北京", bbox=(102, 559, 160, 569)),
        Line(text="二〇二一年四月二十一日", bbox=(257, 559, 383, 569)),
    ]
    fields = extract([Page(number=1, width=595, height=842, lines=lines)])
    assert fields["audit_firm"].value == "致同会计师事务所(特殊普通合伙)"
    assert str(fields["report_date"].value) == "2021-04-21"


def test_scanned_balance_sheet_with_letter_spaced_item_head_and_date_columns():
    """rb-034's scan (geometry as OCR boxed it): 「项  目」 read glyph by glyph, the columns
    headed by dates only (the earlier year first); the total is the later date's column."""
    boxes = [
        ("资产负债表", 245, 46, 325, 67),
        ("单位：人民币元", 453, 80, 525, 94),
        ("项", 142, 93, 157, 106),
        ("目", 182, 94, 193, 107),
        ("行号", 295, 93, 318, 107),
        ("2021年12月31日", 336, 93, 409, 104),
        ("2022年12月31日", 436, 93, 510, 105),
        ("货币资金", 64, 119, 106, 132),
        ("1", 303, 120, 311, 132),
        ("293,055.70", 368, 118, 420, 132),
        ("464,002.30", 469, 119, 521, 132),
        ("资产总计", 145, 519, 189, 534),
        ("25", 300, 518, 315, 531),
        ("299,055.70", 370, 519, 420, 530),
        ("544,183.38", 470, 520, 522, 533),
    ]
    assert extract([_boxes_page(boxes)])["total_assets"].value == Decimal("544183.38")


def _boxes_page(boxes) -> Page:
    return Page(
        number=1,
        width=595,
        height=842,
        method="ocr",
        lines=[
            Line(text=t, bbox=(x0, y0, x1, y1), confidence=0.95, method="ocr") for t, x0, y0, x1, y1 in boxes
        ],
    )


def test_non_profit_activity_statement_with_two_level_header():
    """A 民办非企业单位's 业务活动表 (rb-034's geometry): 上年累计数 and 本年累计数 each over
    非限定性 | 限定性 | 合计; its revenue is the year's 合计 of 收入合计, its result the
    year's 合计 of 净资产变动额 (it has no 营业收入 or 净利润)."""
    boxes = [
        ("业务活动表", 242, 46, 319, 64),
        ("上年累计数", 223, 90, 267, 101),
        ("本年累计数", 416, 88, 461, 100),
        ("项", 51, 95, 63, 106),
        ("目", 86, 95, 98, 106),
        ("行号", 125, 94, 146, 107),
        ("非限定性", 163, 101, 199, 113),
        ("限定性", 231, 102, 259, 114),
        ("合计", 299, 102, 320, 115),
        ("非限定性", 355, 101, 392, 113),
        ("限定性", 424, 101, 453, 113),
        ("合计", 494, 101, 515, 113),
        ("收入合计", 55, 214, 93, 226),
        ("9", 132, 214, 139, 224),
        ("1,486,748.51", 159, 214, 210, 226),
        ("1,486,748.51", 287, 214, 339, 227),
        ("1,975,317.23", 351, 214, 404, 227),
        ("402,930.00", 423, 214, 469, 225),
        ("2,378,247.23", 482, 215, 534, 225),
        ("四、净资产变动额", 27, 400, 123, 412),
        ("8,356.94", 175, 400, 212, 412),
        ("8,356.94", 303, 400, 339, 412),
        ("43,948.53", 363, 400, 402, 412),
        ("126,439.00", 422, 400, 467, 412),
        ("170,387.53", 488, 400, 532, 412),
    ]
    f = extract([_boxes_page(boxes)])
    assert f["revenue"].value == Decimal("2378247.23")
    assert f["net_profit"].value == Decimal("170387.53")


@pytest.mark.parametrize(
    "number",
    [
        "安永华明(2024)审字第70012345_A01号",
        "德师报(审)字(24)第P01234号",
        "毕马威华振审字第2400123号",
        "XYZH/2024BJAA1B0123",
        "普华永道中天审字(2024)第10012号",
    ],
)
def test_large_firms_report_numbers(number, monkeypatch):
    """The large firms number their reports in series of their own (the year before the
    series, the kind in brackets, no year, a firm code): each is the report's number, ahead
    of a regulator's document number the report quotes (财会〔2019〕6号)."""
    page = list(OPINION_PAGE)
    page[1] = number
    page.insert(9, "我们按照财会〔2019〕6号的规定执行了审计工作。")
    monkeypatch.setattr(sys.modules[__name__], "OPINION_PAGE", page)
    f = extract(_read(build_report_pdf(), "审计报告.pdf"))
    assert f["report_no"].value == number


def test_annual_report_audit_summary_and_unticked_options():
    """A NEEQ/北交所 annual report: its audit summary names the firm and the report's date
    (realcorpus xb-006, xb-009); the special paragraphs left unticked (□强调事项段) are not in the
    report, so the opinion is standard; a list item 「（二）载有会计师事务所盖章…」 names no firm."""
    summary = [
        (40, 60, "第十一节 财务会计报告", 12),
        (40, 90, "审计意见  无保留意见", 10),
        (40, 110, "审计报告中的特别段落  √无  □强调事项段  □其他事项段  □持续经营重大不确定性段落", 10),
        (40, 130, "审计报告编号  天职业字[2023]916号", 10),
        (40, 150, "审计机构名称  天职国际会计师事务所（特殊普通合伙）", 10),
        (40, 170, "审计报告日期  2023年4月16日", 10),
        (260, 210, "审计报告", 14),
        (40, 240, "天职业字[2023]916号", 10),
        (40, 260, "湖南德众汽车销售服务股份有限公司全体股东：", 10),
        (40, 280, "我们审计了湖南德众汽车销售服务股份有限公司财务报表，包括2022年12月31日的资产负债表。", 10),
        (
            40,
            300,
            "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了公司的财务状况。",
            10,
        ),
    ]
    later = [
        (40, 60, "备查文件目录", 12),
        (40, 90, "（二）载有会计师事务所盖章、注册会计师签名并盖章的审计报告原件", 10),
        (40, 120, "2021年6月30日", 10),
    ]
    f = extract(_read(_pdf([summary, later]), "年度报告.pdf"))
    assert f["audit_firm"].value == "天职国际会计师事务所(特殊普通合伙)"
    assert f["report_date"].value == date(2023, 4, 16)
    assert f["opinion"].value == "标准无保留意见"
    assert f["report_no"].value == "天职业字[2023]916号"


@pytest.mark.parametrize(
    "entity",
    ["金花企业（集团）股份有限公司", "北京昭衍新药研究中心股份有限公司"],
)
def test_audited_entity_goes_on_past_where_the_entity_layer_stops(entity):
    """The entity layer stops inside a bracket (「金花企业（集团」) or before the legal form
    (「北京昭衍新药研究中心」); the sentence 「我们审计了…（以下简称…）」 names the whole company
    (realcorpus yb-007, yb-001)."""
    page = _page(
        [
            "审计报告",
            f"{entity}全体股东：",
            "一、审计意见",
            f"我们审计了{entity}（以下简称公司）财务报表，包括2024年12月31日的资产负债表。",
        ]
    )
    assert extract([page])["audited_entity"].value == entity.replace("（", "(").replace("）", ")")


def test_firm_cut_before_its_form_takes_the_form_printed_elsewhere():
    """An annual report's page names the firm twice: in full in its table, and last on a line
    cut inside the form (「天职国际会计师事务所（特」). The firm is the full name the document
    prints (realcorpus xb-004); with no full name printed, the cut one stands."""
    lines = [
        "审计报告",
        "南京化纤股份有限公司全体股东：",
        "我们审计了南京化纤股份有限公司（以下简称公司）财务报表。",
        "境内会计师事务所名称",
        "天职国际会计师事务所（特殊普通合伙）",
        "天职国际会计师事务所（特",
    ]
    assert extract([_page(lines)])["audit_firm"].value == "天职国际会计师事务所(特殊普通合伙)"
    cut = lines[:4] + lines[5:]
    assert extract([_page(cut)])["audit_firm"].value == "天职国际会计师事务所"

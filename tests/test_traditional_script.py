"""Traditional Chinese: a Hong Kong style auditor's report is read through a simplified view
and its values come back as printed; OCR's stray traditional glyphs on a simplified page are
repaired; characters of their own (昇腾) are left alone."""

from __future__ import annotations

from decimal import Decimal

import pymupdf

from extractor.extract import extract_documents
from extractor.read import read_bytes
from extractor.script import is_traditional, repair_glyphs, simplified_view
from models.page import Line, Page

REPORT = [
    "獨立核數師報告",
    "致華昇醫藥（杭州）股份有限公司股東",
    "（於中華人民共和國註冊成立的股份有限公司）",
    "意見",
    "吾等已審計載於第5至9頁華昇醫藥（杭州）股份有限公司（「貴公司」）及其附屬公司的綜合",
    "財務報表，該等財務報表包括於2025年12月31日的綜合財務狀況表，以及截至該日止年度的綜合",
    "損益及其他全面收益表、綜合權益變動表及綜合現金流量表以及附註。",
    "吾等認為，該等綜合財務報表已根據香港財務報告會計準則真實而中肯地反映了貴集團於",
    "2025年12月31日的綜合財務狀況，並已按照香港公司條例的披露規定妥善編製。",
    "意見的基礎",
    "吾等已根據香港審計準則進行審計。倘有關披露不足，則吾等應當發表非無保留意見。",
    "畢馬威會計師事務所",
    "執業會計師",
    "香港中環",
    "2026年3月23日",
]
STATEMENT = [  # (label, current year, prior year) in 人民幣千元, numbers far right of the label
    ("收入", "", ""),
    ("研發開支", "(50,387)", "(95,427)"),
    ("管理開支", "(143,323)", "(185,282)"),
    ("年內虧損", "(208,547)", "(283,351)"),
]


def _report_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for i, text in enumerate(REPORT):
        page.insert_text((57, 60 + 20 * i), text, fontname="china-t", fontsize=9)
    page = doc.new_page(width=595, height=842)
    page.insert_text((316, 60), "綜合損益及其他全面收益表", fontname="china-t", fontsize=11)
    page.insert_text((434, 82), "截至2025年12月31日止年度", fontname="china-t", fontsize=8)
    for x, text in ((413, "2025年"), (499, "2024年")):
        page.insert_text((x, 150), text, fontname="china-t", fontsize=8)
    for x, text in ((398, "人民幣千元"), (483, "人民幣千元")):
        page.insert_text((x, 165), text, fontname="china-t", fontsize=8)
    for i, (label, cur, prior) in enumerate(STATEMENT):
        y = 200 + 15 * i
        page.insert_text((55, y), label, fontname="china-t", fontsize=9)
        for x_right, num in ((453, cur), (537, prior)):
            if num:
                w = pymupdf.get_text_length(num, fontname="helv", fontsize=9)
                page.insert_text((x_right - w, y), num, fontname="helv", fontsize=9)
    data = doc.tobytes()
    doc.close()
    return data


def test_hong_kong_report_is_read_and_quoted_as_printed():
    read = read_bytes(_report_pdf(), "annual_report.pdf")
    assert all(is_traditional(p) for p in read.pages)
    docs = extract_documents(read)
    assert [d.doc_type for d in docs] == ["audit_report"]
    f = docs[0].fields
    # names are quoted in the script they were printed in
    assert f["audited_entity"].value == "華昇醫藥(杭州)股份有限公司"
    assert f["audit_firm"].value == "畢馬威會計師事務所"
    # the opinion is the contract's term
    assert f["opinion"].value == "标准无保留意见"
    assert f["fiscal_year"].value == 2025
    assert str(f["report_date"].value) == "2026-03-23"
    # 人民幣千元 columns, the current year first; an expense in brackets is a positive expense
    assert f["net_profit"].value == Decimal("-208547000.00")
    assert f["net_profit"].page == 2
    assert f["rd_expense"].value == Decimal("50387000.00")
    assert "revenue" not in f  # the 收入 row is blank: nothing is taken from elsewhere


def test_traditional_page_view_keeps_positions_and_the_printed_page():
    read = read_bytes(_report_pdf(), "annual_report.pdf")
    view, traditional = simplified_view(read.pages)
    assert traditional == {1, 2}
    assert view[0].lines[0].text == "独立核数师报告"
    assert read.pages[0].lines[0].text == "獨立核數師報告"  # the read result is untouched
    for p, v in zip(read.pages, view, strict=True):
        assert [ln.bbox for ln in p.lines] == [ln.bbox for ln in v.lines]
        assert [len(ln.text) for ln in p.lines] == [len(ln.text) for ln in v.lines]


def _ocr_page(lines: list[str]) -> Page:
    return Page(
        number=1,
        width=1000,
        height=600,
        unit="px",
        method="ocr",
        lines=[
            Line(text=t, bbox=(50, 40 + 40 * i, 900, 70 + 40 * i), method="ocr") for i, t in enumerate(lines)
        ],
    )


def test_ocr_stray_glyphs_are_repaired_and_names_of_their_own_kept():
    page = _ocr_page(["付款人 绵阳特來電新能源有限公司", "用途 华为昇腾910B算力服务 濛江路"])
    assert not is_traditional(page)
    view, traditional = simplified_view([page])
    assert traditional == set()
    assert [ln.text for ln in view[0].lines] == [
        "付款人 绵阳特来电新能源有限公司",
        "用途 华为昇腾910B算力服务 濛江路",
    ]


def test_text_layer_simplified_page_is_left_as_printed():
    page = _ocr_page(["付款人 绵阳特來電新能源有限公司"]).model_copy(update={"method": "text"})
    view, _ = simplified_view([page])
    assert view[0].lines[0].text == "付款人 绵阳特來電新能源有限公司"
    assert repair_glyphs("華為") == "华为"

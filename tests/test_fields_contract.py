"""Contract fields on the four real contracts, a generated compute-service contract
(DOCX and a 10-page PDF, also timed), OCR-like lines; titles of the other doc types."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import docx
import pymupdf
import pytest

from extractor.fields import extract_fields
from extractor.fields import titles as T
from extractor.fields.contract import extract
from extractor.read import read_bytes, read_path
from models.page import Cell, Line, Page, Table


def _real(realdocs, name: str) -> dict:
    rr = read_path(realdocs / "contracts" / name)
    assert not rr.errors
    return extract(rr.pages)


def test_ct03_filled_epc_contract(realdocs):
    f = _real(realdocs, "ct03_epc-cement-line_filled_probably-synthetic.docx")
    assert f["contract_no"].value == "NC(2021)-401"
    assert f["title"].value.endswith("EPC 总承包合同")
    assert f["buyer_name"].value == "江西玉山南方水泥有限公司"  # 发包人 = buyer
    assert f["buyer_credit_code"].value == "913611237511350966"
    assert f["seller_name"].value == "中国中材国际工程股份有限公司(南京)"  # 承包人 = seller
    assert f["seller_credit_code"].value == "91320000710929340E"
    assert f["amount_total"].value == Decimal("1052000000.00")
    assert f["amount_in_words"].value == "人民币壹拾亿零伍仟贰佰万元整"
    assert f["sign_date"].value == date(2021, 2, 2)
    assert f["buyer_name"].method == "docx" and f["buyer_name"].page == 1 and f["buyer_name"].bbox is None
    assert "统一社会信用代码：913611237511350966" in f["buyer_credit_code"].source_text
    # 6% and 9% invoices for different parts: no single tax rate
    assert "tax_rate" not in f
    assert "gpu_model" not in f


def test_ct04_fictional_tax_service_contract(realdocs):
    f = _real(realdocs, "ct04_tax-service_FICTIONAL_red-flag-clauses.docx")
    assert f["title"].value == "税务筹划与合规服务合同"
    assert f["contract_no"].value == "HT-2026-XXX"
    assert f["buyer_name"].value == "北京甲方科技有限公司"
    assert f["seller_name"].value == "北京乙方税务咨询有限公司"
    assert f["amount_total"].value == Decimal("300000.00")
    assert f["amount_in_words"].value == "人民币叁拾万元"
    assert f["sign_date"].value == date(2026, 3, 31)
    assert (f["service_start"].value, f["service_end"].value) == (date(2026, 4, 1), date(2027, 3, 31))
    # masked codes 9111XXXX… are not credit codes; 企业所得税税率25% is not the contract's rate
    assert "buyer_credit_code" not in f and "seller_credit_code" not in f
    assert "tax_rate" not in f


def test_templates_give_no_garbage(realdocs):
    f1 = _real(realdocs, "ct01_most-model_technical-service_template.docx")
    assert set(f1) <= {"title"}, {k: v.value for k, v in f1.items()}
    assert f1["title"].value == "技术服务合同"
    f2 = _real(realdocs, "ct02_software-dev_template_supplier-changsha-shensuan.docx")
    assert f2["seller_name"].value == "长沙深算科技有限公司"
    assert set(f2) <= {"title", "seller_name"}, {k: v.value for k, v in f2.items()}


COMPUTE_LINES = [
    "GPU算力服务合同",
    "合同编号：QZSL-2023-0315",
    "甲方（采购方）：泉州智算科技有限公司",
    "统一社会信用代码：91460300MAA92DJN95",
    "乙方（服务方）：北京智算云科技有限公司",
    "统一社会信用代码：91110108690017781B",
    "第一条 服务内容：乙方向甲方提供GPU云服务器算力服务，用于大模型训练。",
    "配置：NVIDIA A100 80GB ×8卡，共2台。",
    "第二条 服务期限：为期12个月，自2023年3月1日起。",
    "第三条 合同总金额：人民币360,000.00元（大写：人民币叁拾陆万元整），含税，税率6%。",
    "甲方（盖章）：泉州智算科技有限公司 乙方（盖章）：北京智算云科技有限公司",
    "签订日期：2023年2月20日",
]


def _check_compute(f: dict) -> None:
    assert f["title"].value == "GPU算力服务合同"
    assert f["contract_no"].value == "QZSL-2023-0315"
    assert f["buyer_name"].value == "泉州智算科技有限公司"
    assert f["buyer_credit_code"].value == "91460300MAA92DJN95"
    assert f["seller_name"].value == "北京智算云科技有限公司"
    assert f["seller_credit_code"].value == "91110108690017781B"
    assert f["service_start"].value == date(2023, 3, 1)
    assert f["service_end"].value == date(2024, 2, 29)  # 12 months from 2023-03-01
    assert f["amount_total"].value == Decimal("360000.00")
    assert f["amount_in_words"].value == "人民币叁拾陆万元整"
    assert f["tax_rate"].value == "0.06"
    assert f["gpu_model"].value == "NVIDIA A100 80GB"
    assert f["gpu_count"].value == 16  # 8 cards × 2 machines
    assert f["sign_date"].value == date(2023, 2, 20)
    assert f["service_content"].value == "GPU云服务器算力服务,用于大模型训练"  # what is provided, for what


def test_compute_contract_docx():
    d = docx.Document()
    for t in COMPUTE_LINES:
        d.add_paragraph(t)
    buf = io.BytesIO()
    d.save(buf)
    f = extract_fields("contract", read_bytes(buf.getvalue(), "c.docx").pages)
    _check_compute(f)


def _ocr_page(lines: list[str], number: int = 1) -> Page:
    return Page(
        number=number,
        width=1240,
        height=1754,
        unit="px",
        method="ocr",
        lines=[
            Line(
                text=t, bbox=(80, 100 + 40 * i, 80 + 24 * len(t), 130 + 40 * i), confidence=0.9, method="ocr"
            )
            for i, t in enumerate(lines)
        ],
    )


def test_ocr_noise_and_repaired_code():
    lines = [ln.replace("91110108690017781B", "9I11O1O869OO17781B") for ln in COMPUTE_LINES]
    lines = [ln.replace("合同总金额", "合同总金頟") for ln in lines]  # one wrong char in the label
    f = extract([_ocr_page(lines, 3)])
    assert f["seller_credit_code"].value == "91110108690017781B"
    assert f["seller_credit_code"].confidence < 0.9
    assert f["buyer_name"].confidence == pytest.approx(0.9)
    assert f["buyer_name"].page == 3 and f["buyer_name"].method == "ocr"
    x0, y0, _x1, _y1 = f["buyer_name"].bbox
    assert x0 > 80 and y0 == 180  # part of the line, not the label
    assert f["amount_total"].value == Decimal("360000.00")  # found via 合计/总价 words or 人民币…
    assert f["gpu_count"].value == 16


@pytest.mark.parametrize(
    "line,model,count",
    [
        ("租赁昇腾910B服务器4台，每台8卡", "昇腾910B", 32),
        ("GPU型号：H800 数量：64", "H800", 64),
        ("NVIDIA H20 96G 8卡服务器", "NVIDIA H20 96G", 8),
        ("RTX 4090 显卡 ×16", "RTX 4090", 16),
        ("提供A800算力1000卡时", "A800", None),
    ],
)
def test_gpu_variants(line, model, count):
    f = extract([_ocr_page(["算力服务合同", line])])
    assert f["gpu_model"].value == model
    if count is None:
        assert "gpu_count" not in f  # card-hours are not a card count
    else:
        assert f["gpu_count"].value == count


def test_gpu_in_docx_table_row():
    page = Page(
        number=1,
        method="docx",
        unit="none",
        lines=[
            Line(text="云服务器租赁合同", method="docx"),
            Line(text="产品", method="docx", table=0, row=0, col=0),
            Line(text="数量", method="docx", table=0, row=0, col=1),
            Line(text="A100-80G GPU云服务器", method="docx", table=0, row=1, col=0),
            Line(text="4", method="docx", table=0, row=1, col=1),
        ],
        tables=[Table(cells=[Cell(text="产品", row=0, col=0)], n_rows=2, n_cols=2)],
    )
    f = extract([page])
    assert f["gpu_model"].value == "A100 80G"
    assert f["gpu_count"].value == 4
    assert f["title"].value == "云服务器租赁合同"


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("服务期：2023.03.01-2024.02.29", date(2023, 3, 1), date(2024, 2, 29)),
        ("租赁期限：自2023年1月1日起至2023年12月31日止", date(2023, 1, 1), date(2023, 12, 31)),
        ("服务期限为2023年5月1日至12月31日", date(2023, 5, 1), date(2023, 12, 31)),
    ],
)
def test_period_variants(text, start, end):
    f = extract([_ocr_page(["技术服务合同", text])])
    assert (f["service_start"].value, f["service_end"].value) == (start, end)


def test_party_label_variants_and_blanks():
    f = extract(
        [
            _ocr_page(
                [
                    "采购合同",
                    "需方：福建星云数据有限公司    供方：厦门云图算力有限公司",
                    "买方：________________",
                    "签订日期：    年   月   日",
                ]
            )
        ]
    )
    assert f["buyer_name"].value == "福建星云数据有限公司"
    assert f["seller_name"].value == "厦门云图算力有限公司"
    assert "sign_date" not in f


def build_contract_pdf(pages: int = 10) -> bytes:
    doc = pymupdf.open()
    filler = "双方应当按照本合同约定履行各自义务，任何一方不得擅自变更或者解除合同。"
    for n in range(pages):
        page = doc.new_page(width=595, height=842)
        y = 60
        lines = COMPUTE_LINES[:10] if n == 0 else [f"第{n + 3}条 其他约定"] + [filler] * 30
        if n == pages - 1:
            lines = lines[:20] + COMPUTE_LINES[10:]
        for i, t in enumerate(lines):
            fs = 16 if (n == 0 and i == 0) else 10
            page.insert_text((50 if fs == 10 else 220, y), t, fontname="china-s", fontsize=fs)
            y += 24 if fs > 10 else 16
    data = doc.tobytes()
    doc.close()
    return data


def test_ten_page_pdf_contract_and_speed():
    rr = read_bytes(build_contract_pdf(10), "合同.pdf")
    assert len(rr.pages) == 10
    f = extract(rr.pages)
    _check_compute(f)
    assert f["sign_date"].page == 10 and f["buyer_name"].page == 1
    assert f["amount_total"].bbox is not None
    t0 = time.perf_counter()
    for _ in range(5):
        extract(rr.pages)
    per_page_ms = (time.perf_counter() - t0) / 5 / 10 * 1000
    assert per_page_ms <= 20, per_page_ms


# ----------------------------------------------------------------- titles / other types


def test_title_by_font_height_and_patent_fields():
    page = Page(
        number=1,
        width=595,
        height=842,
        lines=[
            Line(text="中华人民共和国国家知识产权局", bbox=(200, 40, 400, 52)),
            Line(text="发 明 专 利 证 书", bbox=(220, 80, 380, 110)),
            Line(text="发明名称：一种基于大模型的工业质检方法", bbox=(60, 150, 400, 162)),
            Line(text="专利号：ZL 2023 1 0123456.7", bbox=(60, 170, 300, 182)),
        ],
    )
    f = extract_fields("patent_certificate", [page])
    assert f["title"].value == "发明专利证书"
    assert f["title"].bbox == [220.0, 80.0, 380.0, 110.0]
    assert f["patent_no"].value == "ZL202310123456.7"
    assert f["patent_name"].value == "一种基于大模型的工业质检方法"


def test_pledge_fields():
    lines = [
        "无涉黑（失信）承诺书",
        "本单位承诺：无涉黑涉恶违法行为，未被列入失信企业名单。",
        "承诺单位（盖章）：泉州智算科技有限公司",
        "法定代表人（签字）：",
        "2024年6月1日",
    ]
    f = T.extract([_ocr_page(lines, 2)])
    assert f["title"].value == "无涉黑（失信）承诺书"
    assert f["company_name"].value == "泉州智算科技有限公司"
    assert f["sign_date"].value == date(2024, 6, 1)
    assert f["title"].page == 2 and f["title"].confidence == pytest.approx(0.9)
    assert "legal_representative" not in f  # the signature line is blank
    lines[3] = "法定代表人（签字）：林志强"
    f = T.extract([_ocr_page(lines, 2)])
    assert f["legal_representative"].value == "林志强"


def test_test_report_and_team_table():
    lines = [
        "检 验 报 告",
        "报告编号：CTR2024-0456",
        "产品名称：星云边缘AI盒子",
        "检验单位：国家智能设备质量检验检测中心",
    ]
    f = extract_fields("test_report", [_ocr_page(lines)])
    assert f["title"].value == "检验报告"
    assert f["report_no"].value == "CTR2024-0456"
    assert f["product_name"].value == "星云边缘AI盒子"
    assert f["test_org"].value == "国家智能设备质量检验检测中心"
    grid = [["序号", "姓名", "职务"], ["1", "张三", "算法工程师"], ["2", "李四", "数据工程师"], ["", "", ""]]
    table = Table(
        cells=[Cell(text=t, row=r, col=c) for r, row in enumerate(grid) for c, t in enumerate(row)],
        n_rows=4,
        n_cols=3,
    )
    page = Page(
        number=1,
        method="docx",
        unit="none",
        lines=[Line(text="模型研发团队名单", method="docx")],
        tables=[table],
    )
    f = extract_fields("team_material", [page])
    assert f["title"].value == "模型研发团队名单"
    assert f["member_count"].value == 2


def test_other_empty_pages():
    assert T.extract([]) == {}
    assert T.extract([Page(number=1)]) == {}
    assert extract([Page(number=1)]) == {}


# ----------------------------------------------------------------- positioned tables / prose


def _pos_page(cells: list[tuple[str, float, float]], width: float = 595, height: float = 842) -> Page:
    """Positioned text lines: (text, x0, y0), glyphs 10 pt wide, 12 pt high."""
    return Page(
        number=1,
        width=width,
        height=height,
        lines=[Line(text=t, bbox=(x, y, x + 10 * len(t), y + 12)) for t, x, y in cells],
    )


def test_gpu_config_table_row_beats_prose_mention():
    # the prose names the model without memory; the configuration table (header row with
    # a 数量 column) gives memory and the card count of the row
    page = _pos_page(
        [
            ("算力服务合同", 240, 70),
            ("服务内容：提供某品牌A800 GPU服务器算力资源。", 90, 300),
            ("产品类型", 100, 360), ("显卡机型配置", 200, 360), ("数量", 313, 360), ("用量（卡时）", 365, 360),
            ("GPU云算力租赁服务", 60, 382), ("NVIDIA A800 80G", 190, 382), ("8卡", 315, 382), ("24000", 379, 382),
        ]
    )  # fmt: skip
    f = extract([page])
    assert f["gpu_model"].value == "NVIDIA A800 80G"
    assert f["gpu_count"].value == 8
    assert f["gpu_count"].bbox == [315.0, 382.0, 335.0, 394.0]


def test_gpu_brand_from_another_mention_and_unitless_count_column():
    page = _pos_page(
        [
            ("GPU服务器租赁合同", 240, 70),
            ("乙方提供NVIDIA A100 GPU云主机。", 90, 300),
            ("型号", 100, 360), ("台数", 300, 360), ("单价", 400, 360),
            ("A100 40G", 100, 382), ("4", 305, 382), ("1000.00", 400, 382),
        ]
    )  # fmt: skip
    f = extract([page])
    assert f["gpu_model"].value == "NVIDIA A100 40G"
    assert f["gpu_count"].value == 4


def test_gpu_model_with_memory_suffix_and_multiplier():
    f = extract([_ocr_page(["算力服务合同", "显卡配置：A800-80G×8"])])
    assert f["gpu_model"].value == "A800 80G"
    assert f["gpu_count"].value == 8


def test_contract_no_that_contains_a_date():
    f = extract([_ocr_page(["合同编号：YQ-HT-20230612", "算力服务合同"])])
    assert f["contract_no"].value == "YQ-HT-20230612"
    f = extract([_ocr_page(["算力服务合同", "编号：2023年6月12日"])])
    assert "contract_no" not in f


def test_service_content_full_sentence_and_wrapped_line():
    page = _pos_page(
        [
            ("算力服务合同", 240, 70),
            ("服务内容：A800 GPU集群算力及高速存储服务，用于城市治理大模型训练，含运维与", 72, 300),
            ("技术支持。具体配置如下：", 72, 318),
            ("第二条 服务期间", 72, 340),
            ("自2023年4月10日至2024年4月9日。", 90, 358),
        ],
        width=900,
    )
    f = extract([page])
    assert (
        f["service_content"].value == "A800 GPU集群算力及高速存储服务,用于城市治理大模型训练,含运维与技术支持"
    )
    assert (f["service_start"].value, f["service_end"].value) == (date(2023, 4, 10), date(2024, 4, 9))


def test_service_content_in_prose_beats_heading_paragraph():
    lines = [
        "GPU算力服务协议",
        "一、服务内容",
        "受托方向委托方提供裸金属GPU服务器租用，每台8卡，约定",
        "用量10000卡时，服务内容为多模态模型训练算力资源及运维保障。",
    ]
    f = extract([_ocr_page(lines)])
    assert f["service_content"].value == "多模态模型训练算力资源及运维保障"
    # without the explicit phrase, the heading's paragraph is the content
    f = extract([_ocr_page(lines[:3])])
    assert f["service_content"].value == "裸金属GPU服务器租用"


def test_team_members_positioned_table_and_numbered_prose():
    page = _pos_page(
        [
            ("研发团队情况表", 234, 61),
            ("申报单位：甲乙科技有限公司", 72, 104),
            ("序号", 80, 164), ("姓名", 125, 164), ("职务", 193, 164),
            ("1", 87, 188), ("林志强", 120, 188), ("总经理", 189, 188),
            ("2", 87, 212), ("陈思远", 120, 212), ("首席科学家", 180, 212),
            ("甲乙科技有限公司（盖章）", 330, 351),
        ]
    )  # fmt: skip
    f = extract_fields("team_material", [page])
    assert f["members"].value == ["林志强", "陈思远"]
    assert f["member_count"].value == 2
    assert f["company_name"].value == "甲乙科技有限公司"
    lines = [
        "模型研发团队介绍",
        "本单位研发团队共2人，核心成员如下：",
        "1. 黄建华，总经理，硕士，负责项目统筹。",
        "2. 王一鸣，技术总监，博士，负责模型设计。",
        "丙丁智能科技有限公司（盖章）",
    ]
    f = extract_fields("team_material", [_ocr_page(lines)])
    assert f["members"].value == ["黄建华", "王一鸣"]
    assert f["company_name"].value == "丙丁智能科技有限公司"


def test_test_report_cover_fields():
    cover = _pos_page(
        [
            ("报告编号：HX-2023-0735", 353, 60),
            ("检验检测报告", 213, 171),
            ("产品名称", 130, 316), ("：边缘智能巡检终端", 205, 316),
            ("委托单位", 130, 396), ("：甲乙智能装备有限公司", 205, 396),
            ("福建某某产品检测中心有限公司", 177, 684),
            ("2023年07月20日", 253, 717),
        ]
    )  # fmt: skip
    results = _pos_page([("单项结论", 475, 119), ("检验结论：经检验，所检项目均符合技术要求。", 72, 287)])
    results.number = 2
    f = extract_fields("test_report", [cover, results])
    assert f["client_name"].value == "甲乙智能装备有限公司"
    assert f["test_org"].value == "福建某某产品检测中心有限公司"
    assert f["issue_date"].value == date(2023, 7, 20)
    assert f["conclusion"].value == "经检验,所检项目均符合技术要求。"
    assert f["conclusion"].page == 2


@pytest.mark.parametrize(
    "lines",
    [
        ["技术服务合同", "甲    方：泉州智算科技有限公司", "乙    方：北京智算云科技有限公司"],
        ["技术服务合同", "甲方", "泉州智算科技有限公司", "乙方", "北京智算云科技有限公司"],
        ["设备买卖合同", "买受人：泉州智算科技有限公司", "出卖人：北京智算云科技有限公司"],
    ],
)
def test_party_labels_spaced_heading_and_civil_code_terms(lines):
    f = extract([_ocr_page(lines)])
    assert f["buyer_name"].value == "泉州智算科技有限公司"
    assert f["seller_name"].value == "北京智算云科技有限公司"


def test_service_content_skips_table_header_and_clause_number():
    # 产品名称 heads a table column: the cell under it (配置说明) is not the content
    lines = [
        "智能算力服务采购合同",
        "采购方（甲方）：泉州星链智能科技有限公司",
        "供应商（乙方）：贵安数智算力有限公司",
        "第一章 采购标的",
        "第一条 供应商向采购方提供GPU智算云服务，用于大模型预训练及微调所需GPU算力资源。",
        "序号",
        "产品名称",
        "配置说明",
        "数量",
        "1",
        "GPU智算云服务",
        "NVIDIA H800 80GB×8",
    ]
    f = extract([_ocr_page(lines)])
    content = f["service_content"].value
    assert content != "配置说明" and "GPU" in content
    assert not content.startswith("第一条")


def _docx_contract(lines: list[str]) -> list[Page]:
    return [Page(number=1, unit="none", method="docx", lines=[Line(text=t, method="docx") for t in lines])]


def test_title_above_the_parties_beats_a_cover_and_content_is_what_is_developed():
    pages = _docx_contract(
        [
            "合同登记编号：",
            "电信计费系统开发合同",
            "2016年07月印制",
            "目 录",
            "第一条 总则 2",
            "电信计费系统软件开发合同",
            "合同双方当事人：",
            "甲方（委托方）：西安科技大学",
            "乙方（开发方）：名璇科技有限公司",
            "鉴于甲方有意委托乙方开发用于经营管理的计算机信息化系统软件，双方达成如下协议：",
            "第一条 总则",
            "甲方选择乙方为其开发软件系统，乙方将在甲方规定的时间内为甲方开发电信计费系统。",
            "资料：由乙方向甲方提供的系统说明文件、使用手册等。",
        ]
    )
    f = extract(pages)
    assert f["title"].value == "电信计费系统软件开发合同"
    assert f["service_content"].value == "电信计费系统开发"


def test_title_printed_over_two_lines():
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((190, 330), "肇新合同管理系统", fontsize=24, fontname="china-s")
    page.insert_text((215, 390), "源码销售合同", fontsize=24, fontname="china-s")
    page.insert_text((180, 505), "甲方：", fontsize=12, fontname="china-s")
    page.insert_text((180, 615), "乙方：山西肇新科技有限公司", fontsize=12, fontname="china-s")
    pages = read_bytes(doc.tobytes(), "c.pdf").pages
    f = extract(pages)
    assert f["title"].value == "肇新合同管理系统源码销售合同"


def test_title_names_the_purchase_only_when_nothing_else_does():
    f = extract(
        _docx_contract(["保险口碑网 Logo/VI设计-比稿合同", "甲方：甲科技有限公司", "乙方：乙设计有限公司"])
    )
    assert f["service_content"].value == "保险口碑网 Logo/VI设计-比稿"
    assert f["service_content"].confidence <= 0.5
    # a bare kind of contract says nothing about what is bought
    f = extract(_docx_contract(["软件开发合同", "甲方：", "乙方：乙软件有限公司"]))
    assert "service_content" not in f


def _docx_page(lines: list[str]) -> Page:
    return Page(number=1, unit="none", method="docx", lines=[Line(text=t, method="docx") for t in lines])


def test_total_is_not_an_instalment_share_and_rates_in_blanks_or_points():
    f = extract(
        [
            _docx_page(
                [
                    "界面设计外包协议",
                    "甲方：泉州智算科技有限公司",
                    "乙方：福建云图设计有限公司",
                    "第五条：项目费用",
                    "整个制作外包项目的费用共计人民币42000元（大写：人民币肆万贰仟圆整含税）。",
                    "VI设计费用为12000元，应用界面设计为30000元。",
                    "本协议签署后3个工作日内，甲方将本协议总费用的40%即16800元汇至乙方指定账户；"
                    "上线后甲方支付外包总费用的10%余款即4200元。",
                    "上述费用已含税6个点。",
                ]
            )
        ]
    )
    assert f["amount_total"].value == Decimal("42000.00")
    assert f["amount_in_words"].value == "人民币肆万贰仟圆整"
    assert f["tax_rate"].value == "0.06"
    blank = extract(
        [
            _docx_page(
                ["甲方：甲公司", "乙方：乙公司", "合同总价：58000元（含税），税率【1%】，税额【574.26】元。"]
            )
        ]
    )
    assert blank["tax_rate"].value == "0.01"
    # the tax 「共计」 is not the contract's total
    tax = extract(
        [
            _docx_page(
                [
                    "甲方：甲公司",
                    "乙方：乙公司",
                    "其税点为：6 % 增值税，税费共计 300 元（叁佰元人民币整）。",
                    "人民币5000元（大写：伍仟元整）",
                ]
            )
        ]
    )
    assert tax["amount_total"].value == Decimal("5000.00")


def test_cover_date_and_defined_product_when_the_signing_date_is_blank():
    f = extract(
        [
            _docx_page(
                [
                    "软件开发服务合同",
                    "2018 年12 月3 日",
                    "甲方：安徽隆泽丰投资产管理有限公司",
                    "乙方：合肥趣能互联网信息技术有限公司",
                    "一、开发内容",
                    "1.依据本合同约定，甲方委托乙方开发的软件产品（以下简称：软件）为：隆泽丰投移动APP及后台管理系统",
                    "二、其他",
                    "1.合同签订时间：",
                    "甲方（盖章）：          乙方（盖章）：",
                ]
            )
        ]
    )
    assert f["sign_date"].value == date(2018, 12, 3)
    assert f["sign_date"].confidence <= 0.7  # a guess from the cover, for the reviewer to check
    assert f["service_content"].value == "隆泽丰投移动APP及后台管理系统"


def test_preamble_wrapped_inside_the_first_partys_brackets_and_project_name_content():
    """A government procurement contract: the preamble wraps inside 「（以下简称甲方）」, so the
    second line starts 「下简称甲方）与XX公司（以下简称乙方）」; the labelled project name runs
    into a stray 「合同」 line."""
    pages = [
        _ocr_page(
            [
                "政府采购合同书",
                "项目名称：市税务局下属兴华所办公点物业管理服务项目",
                "合同",
            ]
        ),
        _ocr_page(
            [
                "根据采购结果，国家税务总局广州市天河区税务局（以",
                "下简称甲方）与广州粤华物业有限公司（以下简称乙方）协商一致，签订本",
                "合同，共同遵守如下条款。",
                "合同金额为人民币肆拾陆万叁仟陆佰肆拾壹元壹角贰分(¥463641.12)",
            ],
            number=2,
        ),
    ]
    f = extract(pages)
    assert f["buyer_name"].value == "国家税务总局广州市天河区税务局"
    assert f["seller_name"].value == "广州粤华物业有限公司"
    assert f["service_content"].value == "市税务局下属兴华所办公点物业管理服务项目"
    assert f["service_content"].confidence <= 0.7


def _rows_page(rows: list[tuple[str, float, float, float]], number: int = 1) -> Page:
    return Page(
        number=number,
        width=595,
        height=841,
        method="ocr",
        lines=[
            Line(text=t, bbox=(x, y, x + w, y + 14), confidence=0.95, method="ocr") for t, x, y, w in rows
        ],
    )


def test_scanned_contract_cover_labels_page_wrap_and_preamble():
    """A scanned 技术服务合同: 项目名称 with its value OCR'd as a separate line to its right;
    descriptive party labels with the role in brackets; an amount in words wrapped over a page
    break; the preamble's subject after 就."""
    cover = _rows_page(
        [
            ("技术服务合同", 215, 197, 159),
            ("项目名称：", 82, 353, 83),
            ("天津港总体规划环境影响评价", 192, 357, 292),
            ("项目依托单位（甲方）：天津市港航管理局", 82, 411, 300),
            ("项目参与单位(乙方）：天科院环境科技发展（天津）有限公司", 82, 468, 402),
        ]
    )
    body = _rows_page(
        [
            ("双方就天津港总体规划环境影响评价项目开展合作，达成如下协议。", 88, 100, 400),
            ("乙方为甲方提供服务应达到以下标准，并随时接受甲方考核：", 88, 130, 408),
            ("本协议书的研究经费总额12500元，甲方向乙方支付RMB：12500元（大写：人民币壹万", 88, 751, 408),
        ],
        number=2,
    )
    tail = _rows_page([("贰仟伍佰元整）。", 89, 93, 69)], number=3)
    f = extract([cover, body, tail])
    assert f["buyer_name"].value == "天津市港航管理局"
    assert f["seller_name"].value == "天科院环境科技发展(天津)有限公司"
    assert f["service_content"].value == "天津港总体规划环境影响评价"
    assert f["amount_total"].value == Decimal("12500.00")
    assert f["amount_in_words"].value == "人民币壹万贰仟伍佰元整"
    # without the labelled project name, the preamble's subject, not the requirement sentence
    cover.lines = [ln for ln in cover.lines if "项目名称" not in ln.text and "天津港" not in ln.text]
    assert extract([cover, body, tail])["service_content"].value == "天津港总体规划环境影响评价项目"


def test_open_start_period_and_one_misread_glyph_in_the_words():
    page = _rows_page(
        [
            ("北京亦庄政务微博与管理项目合同", 67, 27, 300),
            ("甲方：北京经济技术开发区管理委员会新闻办公室", 32, 47, 400),
            ("乙方：北京阳煜国际广告有限公司", 32, 67, 300),
            ("1、乙方接受甲方的授权，自合同签订之日起至2020年6月5日为甲方提供相应的维护", 39, 141, 500),
            ("合同价款总价为服务费RMB853800元（大写人民币：捌拾伍万叁仟摇佰元整）.", 38, 271, 500),
        ]
    )
    f = extract([page])
    assert str(f["service_end"].value) == "2020-06-05" and "service_start" not in f
    assert f["amount_total"].value == Decimal("853800.00")
    # 摇 for 捌: restored from the figures, at a lower confidence
    assert f["amount_in_words"].value == "捌拾伍万叁仟捌佰元整"
    assert f["amount_in_words"].confidence < f["amount_total"].confidence


def test_party_code_printed_with_the_payment_details_on_the_next_page():
    p1 = _rows_page(
        [
            ("技术服务合同", 215, 197, 159),
            ("委托方（甲方）：天津市港航管理局", 82, 411, 300),
            ("受托方（乙方）：天科院环境科技发展（天津）有限公司", 82, 468, 400),
            ("服务期限：2024年01月01日起至2024年12月31日", 82, 500, 400),
            ("服务时间：合同签订之日起至2024年12月31日", 82, 520, 400),
            ("开户银行：", 110, 657, 64),
            ("工商银行天津市新港支行", 208, 658, 153),
            ("单位名称：天科院环境科技发展（天津）有限公司", 110, 686, 322),
            ("地址：", 109, 714, 39),
            ("天津塘沽新港二号路", 181, 716, 125),
            ("帐号：", 109, 743, 38),
            ("0302090409300209591", 180, 746, 136),
            ("3", 300, 778, 8),
        ]
    )
    p2 = _rows_page([("税务登记证号：", 110, 81, 91), ("91120118MA05LCHT44", 235, 82, 135)], number=2)
    f = extract([p1, p2])
    assert f["seller_name"].value == "天科院环境科技发展(天津)有限公司"
    assert f["seller_credit_code"].value == "91120118MA05LCHT44" and f["seller_credit_code"].page == 2
    assert f["seller_credit_code"].confidence < 1.0
    assert "buyer_credit_code" not in f
    # the full period wins over the one that only starts on the signing day
    assert (str(f["service_start"].value), str(f["service_end"].value)) == ("2024-01-01", "2024-12-31")


def test_government_procurement_party_and_total_words():
    page = _ocr_page(
        [
            "政府采购合同",
            "采购单位：泉州市丰泽区数据管理局",
            "成交供应商：福建算力云服务有限公司",
            "签约合同价：人民币360000元（大写：叁拾陆万元整）",
        ]
    )
    f = extract([page])
    assert f["buyer_name"].value == "泉州市丰泽区数据管理局"
    assert f["seller_name"].value == "福建算力云服务有限公司"
    assert f["amount_total"].value == Decimal("360000.00")


def test_party_codes_in_the_parties_background_prose():
    """A joint-venture agreement describes each party in prose: 「…有限公司是经…依法注册登记成立的
    一家有限责任公司，企业法人营业执照注册号：9123…」; a valid credit code after 注册号 in the
    paragraph that names the party is that party's code."""
    page = _ocr_page(
        [
            "合作协议书",
            "甲方：黑河龙江化工有限公司",
            "乙方：黑河鲨鱼科技有限公司",
            "一、公司背景",
            "黑河龙江化工有限公司是经黑龙江省黑河市场监督管",
            "理局依法注册登记成立的一家有限责任公司，企业法人营业",
            "执照注册号：9123110067293835X6。住所：黑龙江省黑河市",
            "黑河鲨鱼科技有限公司是经黑龙江省黑河市场监督管",
            "理局依法注册登记成立的一家有限责任公司，企业法人营业",
            "执照注册号：91231100MA1AU2G098。住所：黑河市合作区",
            "乙方向甲方支付现金人民币五百万元作为本合同启动资金。",
        ]
    )
    f = extract([page])
    names = {f["buyer_name"].value: "buyer", f["seller_name"].value: "seller"}
    code = {"黑河龙江化工有限公司": "9123110067293835X6", "黑河鲨鱼科技有限公司": "91231100MA1AU2G098"}
    for name, role in names.items():
        assert f[f"{role}_credit_code"].value == code[name], (role, name)
        assert f[f"{role}_credit_code"].confidence < 1.0


def test_preamble_parties_sign_date_and_period_words():
    """Parties and the signing date only in the preamble (「本合同由X（以下简称“甲方”）与Y…于…在…就…
    订立本合同」); a period 「自…开始，至…结束」; a 托管期限."""
    page = _ocr_page(
        [
            "模型训练算力服务合同",
            "本合同由泉州金山视界智能有限公司（以下简称“甲方”）与武汉光谷衡算科技有限公司（以下简称“乙方”）",
            "根据相关法律法规，于2024年05月19日在福建省泉州市就模型训练算力服务事宜订立本合同。",
            "第一条 服务内容 乙方为甲方提供模型训练服务。",
            "第二条 服务期限 本合同服务期限自2024年7月1日开始，至2025年3月31日结束。",
            "第三条 合同价款 本合同总价款为￥460,000.00元（大写：肆拾陆万元整）。",
        ]
    )
    f = extract([page])
    assert f["buyer_name"].value == "泉州金山视界智能有限公司"
    assert f["seller_name"].value == "武汉光谷衡算科技有限公司"
    assert str(f["sign_date"].value) == "2024-05-19"
    assert (str(f["service_start"].value), str(f["service_end"].value)) == ("2024-07-01", "2025-03-31")
    page = _ocr_page(
        ["IDC机柜托管服务合同", "第二条 托管期限 托管期限自2024年10月01日起至2025年09月30日止。"]
    )
    f = extract([page])
    assert (str(f["service_start"].value), str(f["service_end"].value)) == ("2024-10-01", "2025-09-30")


def test_gpu_memory_glued_or_wrapped_and_total_row():
    """OCR glues the memory onto the model (「NVIDIAL40S48GB」); a line breaks before 「80GB」 that
    did not fit, short of the margin; a 总卡数 row gives the total in its 数量 column."""
    f = extract(
        [_ocr_page(["算力服务合同", "供方向需方提供算力资源使用服务，配置NVIDIAL40S48GB GPU共24卡。"])]
    )
    assert f["gpu_model"].value == "NVIDIA L40S 48GB" and f["gpu_count"].value == 24
    page = _rows_page(
        [
            ("GPU服务器托管及运维服务合同", 200, 60, 200),
            ("第一条 托管内容 乙方为甲方提供GPU服务器IDC托管及运维服务：标准42U机柜4个", 72, 310, 450),
            ("（单机柜功率12kW），托管甲方自有GPU服务器4台（NVIDIA A800", 72, 328, 410),
            ("80GB，共32卡），含上架、巡检及7×24小时运维。", 72, 346, 284),
        ]
    )
    f = extract([page])
    assert f["gpu_model"].value == "NVIDIA A800 80GB" and f["gpu_count"].value == 32
    table = _rows_page(
        [
            ("附件：算力资源配置表", 200, 60, 150),
            ("序号", 80, 146, 30),
            ("资源名称", 160, 146, 60),
            ("数量", 479, 146, 25),
            ("GPU型号", 160, 168, 42),
            ("NVIDIA H800 80GB", 239, 169, 86),
            ("GPU总卡数", 155, 191, 51),
            ("单节点8卡", 239, 191, 47),
            ("64卡", 479, 192, 25),
        ]
    )
    f = extract([table])
    assert f["gpu_count"].value == 64


def test_two_column_pages_read_column_by_column():
    """A landscape agreement printed in two columns: the 标的 heading's paragraph is the next
    line of the left column, not the right column's line beside it (「…服务不达标的，按服务等级…」)."""
    left = [
        "第一条 标的",
        "甲方向乙方提供算力服务，资源为华为昇腾910B共48卡，部署于甲方",
        "数据中心，乙方远程独占使用。服务期满乙方可书面申请续期延长。",
        "第二条 期限 服务期限：2024-04-01至2025-03-31。服务期满后",
        "乙方可书面申请续期，双方另行签订续期协议并约定续期价格。",
        "第三条 价款 协议价款：¥825000.00（捌拾贰万伍仟元整），含税价。",
        "第四条 支付 乙方于协议生效后7日内支付总额的30%作为预付款。",
    ]
    right = [
        "达标的，按服务等级协议减免当期费用，直至恢复正常为止。",
        "八、违约责任 乙方逾期付款的，每日按逾期金额的0.3‰支付违约金",
        "九、争议解决 因本合同产生的争议，双方应协商解决；协商不成的，",
        "提交泉州仲裁委员会按其仲裁规则仲裁，仲裁裁决为终局裁决。",
        "十、合同生效 本合同经双方法定代表人或授权代表签字并加盖公章",
        "或合同专用章后生效，一式肆份，双方各执贰份，具同等法律效力。",
        "（以下无正文）",
    ]
    lines = [Line(text="算力服务协议书", bbox=(300, 40, 500, 60), confidence=0.95, method="text")]
    for i, t in enumerate(left):
        lines.append(Line(text=t, bbox=(50, 100 + 18 * i, 390, 112 + 18 * i), method="text"))
    for i, t in enumerate(right):
        lines.append(Line(text=t, bbox=(430, 94 + 18 * i, 780, 106 + 18 * i), method="text"))
    f = extract([Page(number=1, width=842, height=595, method="text", lines=lines)])
    assert f["service_content"].value == "算力服务"
    assert f["amount_total"].value == Decimal("825000.00")


def test_party_codes_in_a_docx_party_table_by_column():
    """「需方（甲方）| X | 供方（乙方）| Y」 over 「统一社会信用代码 | cx | 统一社会信用代码 | cy」: each
    party's code is in its own column."""
    cells = [
        (0, 0, "需方（甲方）"), (0, 1, "泉州东湖数字创意有限公司"), (0, 2, "供方（乙方）"), (0, 3, "武汉未来城云算科技有限公司"),
        (1, 0, "统一社会信用代码"), (1, 1, "91350503MAN87L9CF6"), (1, 2, "统一社会信用代码"), (1, 3, "91420111MAXF6MMCQB"),
    ]  # fmt: skip
    lines = [Line(text="GPU云服务采购合同", method="docx")]
    lines += [Line(text=t, method="docx", table=0, row=r, col=c) for r, c, t in cells]
    lines += [Line(text="供方向需方提供GPU云服务（NVIDIA L40S 48GB，32卡）。", method="docx")]
    f = extract([Page(number=1, unit="none", method="docx", lines=lines)])
    assert f["buyer_name"].value == "泉州东湖数字创意有限公司"
    assert f["buyer_credit_code"].value == "91350503MAN87L9CF6"
    assert f["seller_credit_code"].value == "91420111MAXF6MMCQB"


def test_tax_rate_after_a_word_and_a_colon():
    """A railway procurement contract (real wording): 「增值税率为：13%」, 为 then a colon."""
    f = extract(
        [
            _docx_page(
                [
                    "需方：甲公司",
                    "供方：乙公司",
                    "(1)供方为[]小规模纳税人，[√]增值税一般纳税人；增值税率为：13%。",
                ]
            )
        ]
    )
    assert f["tax_rate"].value == "0.13"


def test_values_typed_on_a_templates_fill_in_lines():
    """A software contract typed into a template (real wording): every value sits on an
    underscored fill-in line, the 大写 words split by it."""
    f = extract(
        [
            _docx_page(
                [
                    "软件开发合同",
                    "甲方（委托方）：_沈阳佰创网络科技有限公司_________",
                    "乙方（受托方）：__广厦智汇(济南)信息科技有限公司________",
                    "项目名称：__标书智能体系统________",
                    "本合同总价款为人民币 ____4000______ 元（大写：___肆仟_____元整）。该价款为含税价。",
                ]
            )
        ]
    )
    assert f["buyer_name"].value == "沈阳佰创网络科技有限公司"
    assert f["seller_name"].value == "广厦智汇(济南)信息科技有限公司"
    assert f["service_content"].value == "标书智能体系统"
    assert f["amount_total"].value == Decimal("4000.00") and f["amount_in_words"].value == "肆仟元整"


def _scan_page(rows: list[tuple[str, float, float, float, float]], width: float, height: float) -> Page:
    """An OCR'd page of ``rows`` (text, x0, y0, x1, y1) as a scan's geometry gives them."""
    return Page(
        number=1,
        width=width,
        height=height,
        method="ocr",
        lines=[Line(text=t, bbox=(a, b, c, d), confidence=0.95, method="ocr") for t, a, b, c, d in rows],
    )


def test_title_naming_both_parties_over_three_lines():
    """A scanned cooperation agreement's cover (real geometry): the title names both parties
    over three lines, the first ending with 与; its print a little taller than the others."""
    rows = [
        ("朴道征信有限公司与", 208, 85, 417, 113),
        ("智慧足迹数据科技有限公司", 175, 132, 449, 156),
        ("业务合作协议", 242, 176, 383, 202),
        ("甲方：朴道征信有限公司", 114, 244, 281, 262),
        ("联系地址：", 112, 277, 206, 296),
        ("乙方：智慧足迹数据科技有限公司", 112, 439, 331, 457),
    ]
    f = extract([_scan_page(rows, 602, 855)])
    assert f["title"].value == "朴道征信有限公司与智慧足迹数据科技有限公司业务合作协议"
    assert (
        f["buyer_name"].value == "朴道征信有限公司" and f["seller_name"].value == "智慧足迹数据科技有限公司"
    )


def test_cover_title_over_five_lines_filled_into_a_template():
    """rx-001's cover (real geometry): 「A」 / 「与」 / 「[B]」 / 「之」 / 「[大数据]产品服务合作协议」, the
    parties and the product filled into the template's bracketed blanks; the agreement's
    number above is no part of the title."""
    rows = [
        ("协议编号：[8x202430=3]", 206, 93, 328, 113),
        ("中信百信银行股份有限公司", 123, 135, 410, 164),
        ("与", 249, 203, 281, 236),
        ("[智慧足迹数据科技有限公司]", 113, 274, 418, 303),
        ("之", 247, 339, 282, 369),
        ("[大数据]产品服务合作协议", 124, 374, 405, 404),
    ]
    f = extract([_scan_page(rows, 534, 756)])
    assert f["title"].value == "中信百信银行股份有限公司与智慧足迹数据科技有限公司之大数据产品服务合作协议"


def test_validity_end_after_a_label_wrapped_onto_the_next_line():
    """A scanned agreement's last clause (real geometry): 「有效期至2025年12」 / 「月31日。」 —
    the end of the period only, its date wrapped."""
    rows = [
        ("甲方：中国工商银行股份有限公司牡丹卡中心", 80, 100, 455),
        ("乙方：中国联合网络通信有限公司", 80, 130, 300),
        ("10.5甲乙双方可协商书面同意提前终止本合同，本协议双方均应遵守相关法律法规。", 107, 160, 428),
        ("12.1 本协议自双方加盖公章或合同专用章之日起生效，有效期至2025年12", 106, 190, 430),
        ("月31日。若后续中国工商银行总行有相同服务项目采购，则按照新项目采购结", 80, 215, 454),
        ("果重新签署合同，本协议自动终止。", 81, 240, 200),
    ]
    f = extract([_rows_page(rows)])
    assert f["service_end"].value == date(2025, 12, 31) and "service_start" not in f


def test_supplementary_agreement_title_and_extended_validity():
    """A scanned supplementary agreement (real geometry): its title names the contract it
    amends in 《》, which stay; 「合同有效期延期两年至2025年5月30日」 gives the period's end."""
    page = Page(
        number=1,
        width=599,
        height=800,
        method="ocr",
        lines=[
            Line(text=t, bbox=(a, b, c, d), confidence=0.95, method="ocr")
            for t, a, b, c, d in [
                ("关于《大数据风控产品服务合同》的补充协议二", 138, 61, 466, 81),
                ("甲方：百行征信有限公司", 76, 115, 205, 131),
                ("乙方：智慧足迹数据科技有限公司", 74, 300, 250, 318),
                (
                    "在原协议基础上，经友好协商，现就合同有效期延长事宜，达成如下补充协议（下称“本",
                    74,
                    454,
                    526,
                    472,
                ),
                (
                    "1、合同有效期延期两年至2025年5月30日，本协议期届满前一个月（含），甲乙双方",
                    95,
                    505,
                    526,
                    525,
                ),
                ("任何乙方均未就停止合作向对方提出书面意见，则本协议有效期顺延一年。", 74, 528, 450, 548),
            ]
        ],
    )
    f = extract([page])
    assert f["title"].value == "关于《大数据风控产品服务合同》的补充协议二"
    assert f["service_end"].value == date(2025, 5, 30)


def _text_page(rows: list[tuple[str, float, float, float, float]], number: int = 1) -> Page:
    return Page(
        number=number,
        width=595,
        height=842,
        method="text",
        lines=[Line(text=t, bbox=(a, b, c, d), confidence=1.0, method="text") for t, a, b, c, d in rows],
    )


def test_title_over_three_lines_with_figures_in_its_first():
    """A framework agreement's cover (real geometry): the title over three lines of one size, the
    first with the year and the voltage in it."""
    page = _text_page(
        [
            ("SGTYHT/24-QT-001服务框架采购协议", 329, 26, 518, 40),
            ("合同编号：SGCQCQBYGCQT2500055", 358, 41, 519, 54),
            ("北源公司2025年度10kV及以下土", 98, 166, 513, 204),
            ("建工程施工专业分包", 187, 198, 424, 232),
            ("服务框架采购协议", 203, 227, 411, 261),
            ("合同编号（甲方）：", 128, 438, 261, 458),
            ("委托人（甲方）：重庆北源电力工程设计有限公司", 125, 495, 495, 517),
            ("受托人（乙方）：重庆蓝海电力工程有限责任公司", 124, 523, 493, 545),
        ]
    )
    f = extract([page])
    assert f["title"].value == "北源公司2025年度10kV及以下土建工程施工专业分包服务框架采购协议"


def test_title_whose_first_line_is_long_and_centred():
    """A works contract (real geometry, page 2 after the cover): the first line of the title is
    a long project name centred over 「施工承包合同」; a body line under a heading is not joined."""
    cover = _text_page(
        [
            ("重庆蓝海电力工程有限责任公司办公室", 148, 76, 459, 97),
            ("零星装修工程", 247, 108, 360, 128),
            ("施工承包合同", 193, 347, 418, 387),
            ("重庆蓝海电力工程有限责任公司", 175, 654, 432, 674),
        ]
    )
    body = _text_page(
        [
            ("重庆蓝海电力工程有限责任公司办公室零星装修工程", 117, 78, 489, 95),
            ("施工承包合同", 253, 109, 353, 127),
            ("发包方：重庆蓝海电力工程有限责任公司", 64, 172, 397, 188),
            ("承包方：重庆祎兴建筑装饰工程有限公司", 64, 203, 397, 219),
            ("依照《中华人民共和国民法典》及有关法律法规规定，遵循平等、自愿、", 92, 266, 540, 282),
        ],
        number=2,
    )
    f = extract([cover, body])
    assert f["title"].value == "重庆蓝海电力工程有限责任公司办公室零星装修工程施工承包合同"
    assert f["buyer_name"].value == "重庆蓝海电力工程有限责任公司"


def test_codes_in_the_signature_blocks_columns_and_a_period_end_with_its_day_misread():
    """A framework agreement (real geometry of its text layer): the parties' 税号 are printed
    only in the signature page's two columns, under 甲方 (its name wrapped) and 乙方 (its name
    misread beside the seal); the period's end reads 「31且」 for 31日."""
    cover = _text_page(
        [
            ("委托人（甲方）：重庆北源电力工程设计有限公司", 125, 495, 495, 517),
            ("受托人（乙方）：重庆蓝海电力工程有限责任公司", 124, 523, 493, 545),
            ("1.2服务期限：", 112, 417, 203, 436),
            ("本合同的有效期2025年1月10日至2025年12月31且。", 113, 443, 499, 465),
        ]
    )
    signing = _text_page(
        [
            ("签署页", 275, 59, 343, 88),
            ("甲方：重庆北源电力工程设计有限", 99, 119, 306, 137),
            ("公司", 95, 145, 126, 165),
            ("（盖章）", 102, 172, 148, 187),
            ("地址：重庆市渝北区新牌坊三路68", 96, 267, 314, 286),
            ("账号：3100021319200211686", 94, 464, 270, 482),
            ("税号：915001122032939747", 95, 487, 262, 504),
            ("重庆盟海电力工程有限责", 360, 119, 517, 138),
            ("乙方", 323, 112, 364, 139),
            ("（盖章）", 328, 171, 373, 186),
            ("地址：重庆市江北区金源路7", 320, 265, 505, 285),
            ("账号：7421610182600142192", 320, 464, 497, 482),
            ("税号：91500107057774330E", 321, 487, 490, 504),
        ],
        number=2,
    )
    f = extract([cover, signing])
    assert f["buyer_name"].value == "重庆北源电力工程设计有限公司"
    assert f["buyer_credit_code"].value == "915001122032939747"
    assert f["seller_credit_code"].value == "91500107057774330E"
    assert f["service_start"].value == date(2025, 1, 10) and f["service_end"].value == date(2025, 12, 31)


def test_total_after_a_unit_price_in_its_sentence():
    """A goods contract (real wording, OCR of a scan): 「总价：1000元/吨×1000吨=1000，000元」 —
    the price per ton is no total, and the total's separator is misplaced in print."""
    f = extract(
        [
            _ocr_page(
                [
                    "货物买卖合同",
                    "买方：上海高新科技创业发展有限公司(以下简称甲方)",
                    "卖方：新加坡森润环保节能技术有限公司(以下简称乙方)",
                    "第七条:价格与货款支付",
                    "1、单价：巴西混合粉矿的单价为每吨1000元。",
                    "2、总价：1000元/吨×1000吨=1000，000元。",
                ]
            )
        ]
    )
    assert f["amount_total"].value == Decimal("1000000.00")


def test_sign_date_above_the_second_partys_signature_and_in_filled_blanks():
    """A scanned 技术服务合同's last page (real geometry, rh-010): 甲方 signs with its date, then
    乙方 with its 盖章 and (签名) and blank 年 月 日 below; the signing date is the first party's,
    above the last 盖章 line by more than three lines. A bid archive's contract (rl-001) dates
    its signing in prose with the figures filled into bracketed blanks."""
    rows = [
        ("第十六条本合同一式捌份，具有同等法律效力。", 109, 454, 326),
        ("第十七条", 109, 483, 61),
        ("双方签字盖章后生效。", 232, 481, 137),
        ("甲方：", 109, 540, 39),
        ("天津市港航管理局", 186, 535, 106),
        ("法定代表人/委托代理人", 109, 571, 144),
        ("(签名)", 440, 571, 47),
        ("2019年10月22日", 380, 594, 126),
        ("乙方：", 109, 657, 48),
        ("天科院环境科技发展", 166, 658, 119),
        ("盖章）", 427, 656, 37),
        ("法定代表人/委托代理", 109, 686, 134),
        ("合同专用章", 316, 665, 70),
        ("(签名)", 441, 686, 46),
        ("年", 408, 715, 16),
        ("月", 447, 715, 21),
        ("日", 492, 718, 13),
    ]
    assert extract([_rows_page(rows)])["sign_date"].value == date(2019, 10, 22)
    prose = _docx_page(
        ["项目合作协议书", "甲方：甲公司", "乙方：乙公司", "本协议各方于2021年[3]月[16]日签订。"]
    )
    assert extract([prose])["sign_date"].value == date(2021, 3, 16)


def test_party_whose_name_lies_under_its_seal_is_named_by_the_seal():
    """A contract's signature page (real reading, rx-005): 甲方's printed name is under its
    round seal and was not read; 乙方's was. The one seal naming another organisation names
    甲方 (low confidence, method "seal"); with a second such seal it is left out."""
    from models.page import Seal

    rows = [
        ("12.3本合同一式伍份，甲方执叁份，乙方执贰份，具有同等法律效", 109, 220, 352),
        ("力。", 83, 244, 26),
        ("寿文", 132, 277, 52),
        ("甲", 86, 302, 14),
        ("乙方：中国联合网络通信有限公司", 281, 301, 180),
        ("(盖章)", 286, 327, 42),
        ("法定", 85, 354, 27),
        ("法定代表人合同专用章", 277, 346, 132),
        ("(或授权代表)：", 89, 379, 87),
        ("(或授权代表)：", 287, 380, 86),
        ("2024年8月1日", 49, 406, 120),
        ("2024年8月1日", 255, 406, 110),
    ]
    page = _rows_page(rows)
    page.seals = [
        Seal(box=(60, 260, 200, 400), text="华夏银行股份有限公司", text_confidence=0.99),
        Seal(box=(330, 280, 470, 420), text="中国联合网络通信有限公司", text_confidence=0.99),
        Seal(box=(380, 300, 420, 340), text=""),
    ]
    f = extract([page])
    assert f["seller_name"].value == "中国联合网络通信有限公司"
    assert f["buyer_name"].value == "华夏银行股份有限公司" and f["buyer_name"].method == "seal"
    assert f["buyer_name"].confidence <= 0.5
    page.seals.append(Seal(box=(200, 500, 300, 600), text="北京某某公证处有限公司", text_confidence=0.9))
    assert "buyer_name" not in extract([page])


def test_content_label_after_clause_number_and_this_contract():
    """A real service contract (Word, sh-001): the subject is given as 「3.1本合同项目内容：…」,
    the label after its clause number and 「本合同」."""
    page = _docx_page(
        [
            "甲 方： 厦门市福朗电子有限公司",
            "乙 方： 中软国际信息技术（厦门）有限公司",
            "合同标的和服务期限",
            "3.1本合同项目内容：IOT数据采集软件开发服务 。",
            "3.2本合同项目建设期：乙方应于合同签订后3个月内完成本合同项目系统集成并通过验收。",
        ]
    )
    assert extract([page])["service_content"].value == "IOT数据采集软件开发服务"


def test_total_words_with_one_misread_glyph_are_restored_from_the_figures():
    """A scanned contract (real reading, rj-004): 仟 of the 大写 words read 任, so only their tail
    「捌佰元整」 reads as money; the figures (853800) restore the one glyph (low confidence)."""
    page = _docx_page(
        [
            "甲方：甲公司",
            "乙方：乙公司",
            "合同价款总价为服务费RMB853800元（大写人民币：捌拾伍万叁任捌佰元整）",
        ]
    )
    f = extract([page])
    assert f["amount_total"].value == Decimal("853800")
    assert f["amount_in_words"].value == "捌拾伍万叁仟捌佰元整" and f["amount_in_words"].confidence <= 0.7


def test_service_content_from_a_purchase_sentence_or_a_commission_label():
    # a goods contract says what the buyer buys, not what the seller provides (rb-026's wording),
    # and the clause number before it is no content
    f = extract(
        [
            _ocr_page(
                [
                    "设备采购合同",
                    "一、采购内容",
                    "1.1 甲方向乙方采购生产用设备一批(具体型号、规格、数量见附件)。",
                ]
            )
        ]
    )
    assert f["service_content"].value == "生产用设备一批"
    # only a recital says it (rz-005's wording); the goods' Latin name in brackets belongs to it
    f = extract(
        [
            _ocr_page(
                [
                    "货物买卖合同",
                    "鉴于甲方有意向乙方采购巴西混合粉矿(Brazilian Blend Fines, BBF)设备/材料，",
                    "双方就约定的货物事宜，达成如下一致：",
                ]
            )
        ]
    )
    assert f["service_content"].value == "巴西混合粉矿(Brazilian Blend Fines, BBF)"
    # a design commission names its project after 委托项目 (rb-028's wording)
    f = extract(
        [
            _ocr_page(
                [
                    "灯饰设计合同",
                    "根据甲乙双方共同协商和有关法律法规的规定，甲方就照明设计事项委托乙方进行设计，订立本合同。",
                    "委托项目：丰都恒安世纪花城商业街照明设计方案",
                    "委托要求：设计风格须结合本楼盘的外立面风格进行设计。",
                ]
            )
        ]
    )
    assert f["service_content"].value == "丰都恒安世纪花城商业街照明设计方案"


def test_provided_sentence_beats_the_preambles_purchase_sentence():
    f = extract(
        [
            _ocr_page(
                [
                    "智能算力服务采购合同",
                    "采购方向服务方采购算力服务事宜，经友好协商，订立本合同。",
                    "第一条 服务内容 服务方向采购方提供GPU算力租赁服务，资源配置为NVIDIA",
                ]
            )
        ]
    )
    assert f["service_content"].value == "GPU算力租赁服务"
    f = extract([_ocr_page(["算力服务销售合同", "乙方向甲方购买下列产品/服务，双方协商一致，订立本合同。"])])
    assert f.get("service_content") is None or "下列" not in f["service_content"].value


@pytest.mark.parametrize(
    "school", ["新蔡县第五中学", "泉州市丰泽区实验小学", "泉州市第一幼儿园", "泉州市体育运动学校"]
)
def test_a_school_sealing_the_contract_is_the_party_its_seal_names(school):
    """rh-012 (a school's purchase, photographed): the line 「甲方：…」 was not read, 乙方's was;
    the buyer's seal names a school, an organisation without a company's suffix."""
    from models.page import Seal

    rows = [
        ("学生宿舍用品采购并安装合同书", 387, 284, 740),
        ("乙方：新蔡县新华美不锈钢有限公司", 221, 522, 595),
        ("依据《中华人民共和国合同法》的有关规定，经甲乙双方平等友好协商，", 296, 611, 1070),
        ("三、本合同总价：87000元（捌万柒仟元整）。", 242, 1491, 760),
    ]
    page = _rows_page(rows)
    page.seals = [
        Seal(box=(300, 1900, 600, 2200), text=school, text_confidence=0.9),
        Seal(box=(900, 1900, 1200, 2200), text="新蔡县新华美不锈钢有限公司", text_confidence=0.9),
    ]
    f = extract([page])
    assert f["seller_name"].value == "新蔡县新华美不锈钢有限公司"
    assert f["buyer_name"].value == school and f["buyer_name"].method == "seal"


def test_what_the_buyer_provides_is_not_what_the_contract_buys():
    """rz-004 (a fit-out contract, text PDF): 「发包方向承包方提供工作面」 has the buyer hand over
    the site; role words that have one meaning (发包方, 承包方) tell it. What is bought comes from
    elsewhere (here the title); a seller's provider sentence still names it."""
    rows = [
        ("泉州某某科技有限公司办公室零星装修工程合同", 117, 78, 489, 95),
        ("发包方：泉州某某科技有限公司", 64, 172, 397, 188),
        ("承包方：泉州某某建筑装饰工程有限公司", 64, 203, 397, 219),
        ("一、工程概况", 64, 373, 151, 388),
        ("1、工程造价：固定总价16627元（大写：壹万陆仟陆佰贰拾柒元整）。", 92, 510, 534, 526),
        ("2、发包方向承包方提供工作面，进行现场收方签证。", 92, 560, 424, 575),
    ]
    got = extract([_text_page(rows)]).get("service_content")
    assert got is None or "工作面" not in got.value
    rows[-1] = ("2、承包方向发包方提供办公室隔墙装修服务，进行现场收方签证。", 92, 560, 500, 575)
    assert extract([_text_page(rows)])["service_content"].value == "办公室隔墙装修服务"

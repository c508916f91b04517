"""申报表 field extraction: a DOCX built exactly like 附件1 of the notice (merged cells
included), the same content rendered as a PDF, variants of ticks and amounts, a blank
template and OCR-like lines."""

from __future__ import annotations

import io
import time
from datetime import date
from decimal import Decimal

import docx
import pymupdf
import pytest
from docx.shared import Pt

from extractor.fields import extract_fields
from extractor.fields.form import extract, ticked_option
from extractor.read import read_bytes
from models.page import Line, Page

DIR_OPTIONS = ["算力服务补助", "“领雁”软件企业", "软件优质产品", "硬件优质产品", "典型应用场景"]

INTRO_COMPUTE = (
    "算力服务补助方向：\n"
    "1、企业经营情况：2023年营业收入1,234.56万元，其中人工智能软件业务收入800万元。"
    "算力采购情况：2023年向北京智算云科技有限公司采购算力服务36万元，向上海云算数据有限公司采购24万元，"
    "合计60万元。\n"
    "2、模型研发情况：公司自主研发泉智大模型，使用NVIDIA A100 80G训练。\n"
    "3、模型研发团队介绍：团队共12人。"
)


def _values(**kw) -> dict:
    v = {
        "company_name": "泉州智算科技有限公司",
        "address": "福建省泉州市丰泽区东海街道通港西街100号",
        "credit_code": "91460300MAA92DJN95",
        "listed": "是，上市板块：          \n☑否",
        "ownership": "□国有□合资\n☑民营□其他",
        "established": "2018年5月20日",
        "legal_rep": "王建国",
        "legal_phone": "0595-28383879",
        "contact": "李小红",
        "contact_phone": "13812345678",
        "email": "lixh@qzzs.com.cn",
        "profile": "公司成立于2018年，主营人工智能大模型研发。",
        "direction": "☑ 算力服务补助\n□ “领雁”软件企业\n□ 软件优质产品\n□ 硬件优质产品\n□ 典型应用场景",
        "intro": INTRO_COMPUTE,
    }
    v.update(kw)
    return v


def _set(cell, text: str) -> None:
    """Cell text with one paragraph per line (like a typed form)."""
    lines = text.split("\n")
    cell.text = lines[0]
    for extra in lines[1:]:
        cell.add_paragraph(extra)


def build_form_docx(v: dict) -> bytes:
    """附件1: 12 rows × 5 grid columns with the notice's merges."""
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(10.5)
    d.add_paragraph("福建省省级人工智能产业发展项目申报表")
    t = d.add_table(rows=12, cols=5)
    t.style = "Table Grid"

    def span(r, c0, c1, text):
        cell = t.cell(r, c0).merge(t.cell(r, c1)) if c1 > c0 else t.cell(r, c0)
        _set(cell, text)
        return cell

    _set(t.cell(0, 0), "单位名称")
    span(0, 1, 4, v["company_name"])
    _set(t.cell(1, 0), "单位地址")
    span(1, 1, 4, v["address"])
    _set(t.cell(2, 0), "统一社会\n信用代码")
    _set(t.cell(2, 1), v["credit_code"])
    _set(t.cell(2, 2), "是否上市")
    span(2, 3, 4, v["listed"])
    _set(t.cell(3, 0), "单位性质")
    _set(t.cell(3, 1), v["ownership"])
    _set(t.cell(3, 2), "注册成立时间")
    span(3, 3, 4, v["established"])
    _set(t.cell(4, 0), "法定代表人")
    _set(t.cell(4, 1), v["legal_rep"])
    _set(t.cell(4, 2), "联系电话")
    span(4, 3, 4, v["legal_phone"])
    # 申报联系人 / value / 联系方式 span two rows (vertical merges)
    c = t.cell(5, 0).merge(t.cell(6, 0))
    _set(c, "申报联系人")
    c = t.cell(5, 1).merge(t.cell(6, 1))
    _set(c, v["contact"])
    c = t.cell(5, 2).merge(t.cell(6, 2))
    _set(c, "联系方式")
    _set(t.cell(5, 3), "电话")
    _set(t.cell(5, 4), v["contact_phone"])
    _set(t.cell(6, 3), "电子\n邮箱")
    _set(t.cell(6, 4), v["email"])
    _set(t.cell(7, 0), "单位简介")
    span(7, 1, 4, v["profile"])
    _set(t.cell(8, 0), "申报方向\n（请√选一项）")
    span(8, 1, 4, v["direction"])
    _set(t.cell(9, 0), "项目介绍")
    span(9, 1, 4, v["intro"])
    _set(t.cell(10, 0), "材料真实性承诺")
    span(
        10,
        1,
        4,
        "本单位承诺：\n1.申报书中所填写的内容真实、合法、有效。\n申报单位（盖章）：      法定代表人（签字）：",
    )
    _set(t.cell(11, 0), "设区市工信局、平潭综合实验区经发局推荐意见")
    span(11, 1, 4, "经办人（签字）：       审批人（签字）：")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _wrap(text: str, width: float, fs: float) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for ch in para:
            if pymupdf.get_text_length(cur + ch, fontname="china-s", fontsize=fs) > width:
                out.append(cur)
                cur = ""
            cur += ch
        out.append(cur)
    return out


def build_form_pdf(v: dict) -> bytes:
    """The same form drawn as a PDF table (built-in CJK font), cells top-aligned. The
    font has no ☑ glyph: ticks are drawn as √ (what GB2312 fonts offer)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    xs = [40, 110, 300, 370, 405, 575]
    fs = 9
    lh = 13
    rows = [
        [("单位名称", 0, 1), (v["company_name"], 1, 5)],
        [("单位地址", 0, 1), (v["address"], 1, 5)],
        [("统一社会\n信用代码", 0, 1), (v["credit_code"], 1, 2), ("是否上市", 2, 3), (v["listed"], 3, 5)],
        [("单位性质", 0, 1), (v["ownership"], 1, 2), ("注册成立时间", 2, 3), (v["established"], 3, 5)],
        [("法定代表人", 0, 1), (v["legal_rep"], 1, 2), ("联系电话", 2, 3), (v["legal_phone"], 3, 5)],
        [
            ("申报联系人", 0, 1),
            (v["contact"], 1, 2),
            ("联系方式", 2, 3),
            ("电话", 3, 4),
            (v["contact_phone"], 4, 5),
        ],
        [("", 0, 1), ("", 1, 2), ("", 2, 3), ("电子\n邮箱", 3, 4), (v["email"], 4, 5)],
        [("单位简介", 0, 1), (v["profile"], 1, 5)],
        [("申报方向\n（请√选一项）", 0, 1), (v["direction"], 1, 5)],
        [("项目介绍", 0, 1), (v["intro"], 1, 5)],
    ]
    y = 60
    page.insert_text((180, 45), "福建省省级人工智能产业发展项目申报表", fontname="china-s", fontsize=14)
    for row in rows:
        wrapped = []
        for text, c0, c1 in row:
            wrapped.append((_wrap(text.replace("☑", "√"), xs[c1] - xs[c0] - 6, fs), c0, c1))
        n = max(len(w) for w, _, _ in wrapped)
        h = n * lh + 6
        for lines, c0, c1 in wrapped:
            page.draw_rect(pymupdf.Rect(xs[c0], y, xs[c1], y + h), color=(0, 0, 0), width=0.5)
            for k, ln in enumerate(lines):
                if ln.strip():
                    page.insert_text((xs[c0] + 3, y + 3 + fs + k * lh), ln, fontname="china-s", fontsize=fs)
        y += h
    buf = doc.tobytes()
    doc.close()
    return buf


def _read(data: bytes, name: str) -> list[Page]:
    rr = read_bytes(data, name)
    assert not rr.errors, rr.errors
    return rr.pages


def _check_full(f: dict) -> None:
    assert f["company_name"].value == "泉州智算科技有限公司"
    assert f["address"].value == "福建省泉州市丰泽区东海街道通港西街100号"
    assert f["credit_code"].value == "91460300MAA92DJN95"
    assert f["listed"].value is False
    assert f["ownership"].value == "民营"
    assert f["established_date"].value == date(2018, 5, 20)
    assert f["legal_representative"].value == "王建国"
    assert f["legal_rep_phone"].value == "0595-28383879"
    assert f["contact_name"].value == "李小红"
    assert f["contact_phone"].value == "13812345678"
    assert f["contact_email"].value == "lixh@qzzs.com.cn"
    assert f["direction"].value == "compute_subsidy"
    assert f["compute_purchase_total"].value == Decimal("600000.00")
    assert f["compute_suppliers"].value == [
        {"name": "北京智算云科技有限公司", "amount": Decimal("360000.00")},
        {"name": "上海云算数据有限公司", "amount": Decimal("240000.00")},
    ]
    assert f["revenue_last_year"].value == Decimal("12345600.00")


def test_docx_form_all_fields_with_provenance():
    f = extract(_read(build_form_docx(_values()), "申报表.docx"))
    _check_full(f)
    cc = f["credit_code"]
    assert (
        cc.page == 1
        and cc.bbox is None
        and cc.method == "docx"
        and cc.source_text.endswith("91460300MAA92DJN95")
    )
    assert "36万元" in f["compute_suppliers"].source_text
    assert "project_name" not in f and "consortium_members" not in f


def test_pdf_form_all_fields_with_positions():
    pages = _read(build_form_pdf(_values()), "申报表.pdf")
    assert pages[0].method == "text"
    f = extract(pages)
    _check_full(f)
    for key in ("company_name", "credit_code", "direction", "compute_purchase_total"):
        assert f[key].bbox is not None and f[key].method == "text", key
    # the company name's box is in the value column, right of the label column
    assert f["company_name"].bbox[0] >= 110


def test_registry_dispatch():
    f = extract_fields("application_form", _read(build_form_docx(_values()), "a.docx"))
    assert f["company_name"].value == "泉州智算科技有限公司"


def test_blank_template_gives_nothing():
    blank = _values(
        company_name="",
        address="",
        credit_code="",
        listed="是,上市板块：          \n否",
        ownership="□国有□合资\n民营□其他",
        established="",
        legal_rep="",
        legal_phone="",
        contact="",
        contact_phone="",
        email="",
        profile="包括但不限于以下内容:\n所属行业、企业规模、主营业务领域、主要产品、技术优势、研发能力、重点客户等基本情况。",
        direction=" 算力服务补助\n “领雁”软件企业\n 软件优质产品\n 硬件优质产品\n 典型应用场景",
        intro="算力服务补助方向：\n1、 企业经营情况（包括上年度营业收入情况；算力采购情况，说明具体供应商和金额）；\n"
        "2、 模型研发情况（包括上年度算力使用、算法使用、应用领域、实际成效等情况以及下步计划）；",
    )
    for data, name in ((build_form_docx(blank), "t.docx"), (build_form_pdf(blank), "t.pdf")):
        f = extract(_read(data, name))
        assert f == {}, (name, {k: v.value for k, v in f.items()})


@pytest.mark.parametrize("builder,name", [(build_form_docx, "v.docx"), (build_form_pdf, "v.pdf")])
def test_variants_tick_after_label_listed_yes_amount_words(builder, name):
    v = _values(
        listed="☑是，上市板块：北交所\n□否",
        ownership="国有□ 合资□\n民营□ 其他√",
        direction="算力服务补助□\n“领雁”软件企业□\n软件优质产品■\n硬件优质产品□\n典型应用场景□",
        intro="三、产品简介：产品名称：《泉智视觉质检平台》，2023年度营业收入为360,000元。"
        "算力采购情况：向福州算力港有限公司采购叁拾陆万元。",
    )
    f = extract(_read(builder(v), name))
    assert f["listed"].value is True
    assert f["ownership"].value == "其他"
    assert f["direction"].value == "software_product"
    assert f["project_name"].value == "泉智视觉质检平台"
    assert f["revenue_last_year"].value == Decimal("360000.00")
    assert f["compute_suppliers"].value == [{"name": "福州算力港有限公司", "amount": Decimal("360000.00")}]
    # no 合计 printed: the total is the sum of the suppliers, with a lower confidence
    assert f["compute_purchase_total"].value == Decimal("360000.00")
    assert f["compute_purchase_total"].confidence < 1.0


def test_scenario_consortium_members():
    v = _values(
        direction="□算力服务补助 □“领雁”软件企业 □软件优质产品 □硬件优质产品 ☑典型应用场景",
        intro="一、场景简介：场景名称：泉州港智慧调度应用场景，所属领域：交通。"
        "联合体成员：泉州智算科技有限公司、泉州港务集团有限公司、福建星云数据有限公司。",
    )
    f = extract(_read(build_form_docx(v), "s.docx"))
    assert f["direction"].value == "application_scenario"
    assert f["project_name"].value == "泉州港智慧调度应用场景"
    assert f["consortium_members"].value == [
        "泉州智算科技有限公司",
        "泉州港务集团有限公司",
        "福建星云数据有限公司",
    ]


def test_two_ticks_give_no_direction_and_typed_direction_counts():
    v = _values(direction="☑ 算力服务补助\n☑ “领雁”软件企业\n□ 软件优质产品\n□ 硬件优质产品\n□ 典型应用场景")
    assert "direction" not in extract(_read(build_form_docx(v), "x.docx"))
    v = _values(direction="硬件优质产品")
    f = extract(_read(build_form_docx(v), "y.docx"))
    assert f["direction"].value == "hardware_product"
    assert f["direction"].confidence == pytest.approx(0.8)


def _supplier_table_docx() -> bytes:
    d = docx.Document(io.BytesIO(build_form_docx(_values(intro="算力采购情况见下表。"))))
    d.add_paragraph("算力采购明细")
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate(
        [
            ["序号", "供应商名称", "金额（万元）"],
            ["1", "北京智算云科技有限公司", "36"],
            ["2", "上海云算数据有限公司", "24.5"],
            ["", "合计", "60.5"],
        ]
    ):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_supplier_table_in_wan_yuan():
    f = extract(_read(_supplier_table_docx(), "t.docx"))
    assert f["compute_suppliers"].value == [
        {"name": "北京智算云科技有限公司", "amount": Decimal("360000.00")},
        {"name": "上海云算数据有限公司", "amount": Decimal("245000.00")},
    ]
    assert f["compute_purchase_total"].value == Decimal("605000.00")


def test_direction_ticks_in_their_own_cells():
    d = docx.Document()
    t = d.add_table(rows=5, cols=3)
    t.cell(0, 0).merge(t.cell(4, 0)).text = "申报方向"
    for r, (mark, opt) in enumerate(zip(["□", "□", "□", "√", "□"], DIR_OPTIONS, strict=True)):
        t.cell(r, 1).text = mark
        t.cell(r, 2).text = opt
    buf = io.BytesIO()
    d.save(buf)
    f = extract(_read(buf.getvalue(), "d.docx"))
    assert f["direction"].value == "hardware_product"


def _ocr_page(lines: list[tuple[str, tuple[float, float, float, float]]]) -> Page:
    return Page(
        number=2,
        width=1240,
        height=1754,
        unit="px",
        method="ocr",
        lines=[Line(text=t, bbox=b, confidence=0.9, method="ocr") for t, b in lines],
    )


def test_ocr_lines_with_noise():
    page = _ocr_page(
        [
            ("单位名称", (100, 200, 220, 230)),
            ("泉州智算科技有限公司", (300, 200, 600, 230)),
            ("统一社会", (100, 260, 220, 290)),
            ("9146O3OOMAA92DJN95", (300, 262, 620, 292)),
            ("信用代码", (100, 295, 220, 325)),
            ("法定代表入", (100, 340, 240, 370)),  # 人 read as 入
            ("王建国", (300, 340, 400, 370)),
            ("申报方向", (100, 420, 220, 450)),
            ("□算力服务补助", (300, 380, 520, 410)),
            ("√“领雁”软件企业", (300, 415, 540, 445)),
            ("□软件优质产品", (300, 450, 520, 480)),
            ("项目介绍", (100, 520, 220, 550)),
            ("2023年营业收入2,000万元。", (300, 520, 700, 550)),
        ]
    )
    f = extract([page])
    assert f["company_name"].value == "泉州智算科技有限公司"
    assert f["company_name"].confidence == pytest.approx(0.9)
    assert f["company_name"].bbox == [300.0, 200.0, 600.0, 230.0]
    assert f["company_name"].page == 2
    assert f["credit_code"].value == "91460300MAA92DJN95"
    assert f["credit_code"].confidence < 0.9  # repaired O→0
    assert f["legal_representative"].value == "王建国"
    assert f["direction"].value == "lingyan_software"
    assert f["revenue_last_year"].value == Decimal("20000000.00")


def test_ticked_option_variants():
    opts = ["国有", "合资", "民营", "其他"]
    assert ticked_option("(√)国有 ( )合资 ( )民营 ( )其他", opts) == ("国有", 1.0)
    assert ticked_option("国有 ☐ 合资 ☒ 民营 ☐ 其他 ☐", opts) == ("合资", 1.0)
    assert ticked_option("●民营 ○国有", opts) == ("民营", 1.0)
    assert ticked_option("□是 □否", ["是", "否"]) is None


def test_speed_docx_form():
    pages = _read(build_form_docx(_values()), "f.docx")
    extract(pages)
    t0 = time.perf_counter()
    for _ in range(10):
        extract(pages)
    per_call = (time.perf_counter() - t0) / 10
    assert per_call < 0.2, per_call


# ----------------------------------------------------------------- row-bound phones, names


def _docx_rows(rows: list[list[str]], before: list[str] = (), after: list[str] = ()) -> Page:
    lines = [Line(text=t, method="docx") for t in before]
    for r, row in enumerate(rows):
        lines += [Line(text=t, method="docx", table=0, row=r, col=c) for c, t in enumerate(row) if t]
    lines += [Line(text=t, method="docx") for t in after]
    return Page(number=1, unit="none", method="docx", lines=lines)


def test_phone_of_the_persons_row_docx():
    # the legal representative's phone is labelled 法人电话; the contact's 手机
    p = _docx_rows(
        [
            ["单位全称", "甲乙科技有限公司"],
            ["联系人", "郑丽娟", "手机", "13800595302"],
            ["法人代表", "王振东", "法人电话", "13800595301"],
        ]
    )
    f = extract([p])
    assert f["legal_rep_phone"].value == "13800595301"
    assert f["contact_phone"].value == "13800595302"
    assert f["legal_representative"].value == "王振东"


def test_phone_of_the_persons_row_positioned():
    # 联系电话 is printed on the contact's row, 手机 on the legal representative's row:
    # each phone belongs to the person on its row, whatever the label says
    def ln(t, x, y):
        return Line(text=t, bbox=(x, y, x + 10 * len(t), y + 12))

    p = Page(
        number=1,
        width=595,
        height=842,
        lines=[
            ln("联系人", 60, 100), ln("陈雅琳", 150, 100), ln("联系电话", 300, 100), ln("0595-22334455", 400, 100),
            ln("法定代表人", 60, 130), ln("林志强", 150, 130), ln("手机", 300, 130), ln("13912345678", 400, 130),
        ],
    )  # fmt: skip
    f = extract([p])
    assert f["legal_rep_phone"].value == "13912345678"
    assert f["contact_phone"].value == "0595-22334455"
    assert f["legal_rep_phone"].bbox == [400.0, 130.0, 510.0, 142.0]


def test_project_name_from_intro_first_clause_and_heading():
    f = extract(
        [_docx_rows([["项目介绍", "软件优质产品方向： 一、产品简介：星云视觉质检平台V3.0，基于深度学习。"]])]
    )
    assert f["project_name"].value == "星云视觉质检平台V3.0"
    f = extract([_docx_rows([["项目介绍", "一、场景简介：本场景面向纺织印染，总投资460万元。"]])])
    assert "project_name" not in f  # a sentence is not a name
    f = extract([_docx_rows([["项目介绍", "港口智慧调度平台\n一、场景功能概况：以AI替代人工调度。"]])])
    assert f["project_name"].value == "港口智慧调度平台"


def test_consortium_members_numbered_lines_and_legal_form():
    p = _docx_rows(
        [
            [
                "项目介绍",
                "一、场景简介：场景名称：验布场景，联合体成员：甲乙科技有限公司、泉州海丝工业互联网研究院有限公司。",
            ]
        ]
    )
    f = extract([p])
    assert f["consortium_members"].value == ["甲乙科技有限公司", "泉州海丝工业互联网研究院有限公司"]
    p = _docx_rows(
        [],
        after=[
            "联合体成员单位：",
            "1. 泉州云织智能科技有限公司（牵头单位）",
            "2. 石狮市华锦纺织有限公司",
            "3. 泉州海丝工业互联网研究院有限公司",
            "附件清单",
        ],
    )
    f = extract([p])
    assert f["consortium_members"].value == [
        "泉州云织智能科技有限公司",
        "石狮市华锦纺织有限公司",
        "泉州海丝工业互联网研究院有限公司",
    ]


def test_name_labels_with_xingming_suffix():
    p = _docx_rows(
        [
            ["企业名称", "甲乙科技有限公司"],
            ["法定代表人姓名", "王振东", "法定代表人手机", "13800595301"],
            ["联系人姓名", "郑丽娟", "联系人手机", "13800595302"],
        ]
    )
    f = extract([p])
    assert f["legal_representative"].value == "王振东"
    assert f["contact_name"].value == "郑丽娟"
    assert f["legal_rep_phone"].value == "13800595301"
    assert f["contact_phone"].value == "13800595302"


# ----------------------------------------------------------------- consortium layouts

_MEMBERS = ["泉州智造科技有限公司", "福建海创软件有限公司", "厦门云图数据有限公司", "晋江市第一医院"]


@pytest.mark.parametrize(
    "before,rows",
    [
        # a sentence: 由 A（牵头单位）、B、C和D组成
        (
            [
                "以联合体形式申报，联合体由泉州智造科技有限公司（牵头单位）、福建海创软件有限公司、厦门云图数据有限公司和晋江市第一医院组成。"
            ],
            [],
        ),
        # 牵头单位 and 成员单位 on lines of their own
        (
            [
                "牵头单位：泉州智造科技有限公司",
                "成员单位：福建海创软件有限公司、厦门云图数据有限公司、晋江市第一医院",
            ],
            [],
        ),
        # the label alone, numbered lines below
        (
            [
                "联合体成员单位",
                "1、泉州智造科技有限公司（牵头）",
                "2、福建海创软件有限公司",
                "3、厦门云图数据有限公司",
                "4、晋江市第一医院",
            ],
            [],
        ),
        # names separated by blanks only
        (["联合体成员：泉州智造科技有限公司 福建海创软件有限公司 厦门云图数据有限公司 晋江市第一医院"], []),
        # a member table: role | name | credit code
        (
            ["联合体申报情况"],
            [["联合体成员", "单位名称", "统一社会信用代码"]]
            + [["牵头单位" if i == 0 else "成员单位", n, "—"] for i, n in enumerate(_MEMBERS)],
        ),
        # label cell | all names in the next cell
        ([], [["联合体成员单位", "、".join(_MEMBERS)]]),
    ],
    ids=["sentence", "lead-and-members", "numbered", "blanks", "table", "cell"],
)
def test_consortium_members_in_six_layouts(before, rows):
    f = extract([_docx_rows(rows, before=before, after=["三、附件清单：营业执照复印件"])])
    assert f["consortium_members"].value == _MEMBERS
    assert any(m in (f["consortium_members"].source_text or "") for m in _MEMBERS)


def test_consortium_wording_of_the_notice_is_no_list():
    # the condition quoted from the notice names no member; an applicant named elsewhere is not one
    p = _docx_rows(
        [["单位名称", "泉州智造科技有限公司"]],
        before=[
            "申报要求：以联合体形式申报的，联合体成员数量不超过3家。",
            "合作医院：晋江市第一医院提供场景数据",
        ],
    )
    assert "consortium_members" not in extract([p])

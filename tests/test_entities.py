"""spaCy entity layer (extractor.entities): ORG / MONEY / DATE in running text."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.entities import Entity, find_entities, get_nlp

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


def _docx_text(name: str) -> str:
    path = REALDOCS / "contracts" / name
    if not path.exists():
        pytest.skip(f"real contract not available at {path}")
    from docx import Document

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _orgs(text: str) -> list[str]:
    return [e.value for e in find_entities(text) if e.label == "ORG"]


def test_pipeline_is_blank_zh_with_char_segmenter() -> None:
    nlp = get_nlp()
    assert nlp.lang == "zh"
    assert nlp.config["nlp"]["tokenizer"]["segmenter"] == "char"
    assert nlp.pipe_names == ["evreview_entities"]
    assert get_nlp() is nlp  # process-wide
    doc = nlp("向泉州云谷数据有限公司支付12.5万元")
    assert [(e.label_, e.text) for e in doc.ents] == [("ORG", "泉州云谷数据有限公司"), ("MONEY", "12.5万元")]


def test_application_form_prose_separates_suppliers() -> None:
    text = "2023年度向北京智算云科技有限公司采购算力服务36万元，向泉州云谷数据有限公司采购存储服务12.5万元。"
    ents = find_entities(text)
    assert [(e.label, e.value) for e in ents] == [
        ("ORG", "北京智算云科技有限公司"),
        ("MONEY", Decimal("360000.00")),
        ("ORG", "泉州云谷数据有限公司"),
        ("MONEY", Decimal("125000.00")),
    ]
    for e in ents:
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本公司于2023年3月1日与泉州云谷数据有限公司签订合同", ["泉州云谷数据有限公司"]),
        ("委托福建省智算研究院开展测试，由厦门大学提供支持", ["福建省智算研究院", "厦门大学"]),
        (
            "阿里云计算有限公司和腾讯云计算（北京）有限责任公司及华为云计算技术有限公司、百度在线网络技术（北京）有限公司",
            [
                "阿里云计算有限公司",
                "腾讯云计算(北京)有限责任公司",
                "华为云计算技术有限公司",
                "百度在线网络技术(北京)有限公司",
            ],
        ),
        (
            "中国移动通信集团四川有限公司成都分公司通过中国工商银行股份有限公司泉州丰泽支行付款",
            ["中国移动通信集团四川有限公司成都分公司", "中国工商银行股份有限公司泉州丰泽支行"],
        ),
        ("甲方：泉州市智算科技有限责任公司 乙方：华为技术有限公司 开户行：招商银行泉州分行", None),
        ("名称泉州智算科技有限公司，本公司与子公司、该公司均无关联", ["泉州智算科技有限公司"]),
        ("甲方（委托方）：北京甲方科技有限公司", ["北京甲方科技有限公司"]),
        ("乙方指定的人力资源公司，确保具有相应的公司内部授权", []),
        ("公司类型：有限责任公司(自然人投资或控股)，开户银行：", []),
    ],
)
def test_org_boundaries(text: str, expected: list[str] | None) -> None:
    if expected is None:
        expected = ["泉州市智算科技有限责任公司", "华为技术有限公司", "招商银行泉州分行"]
    assert _orgs(text) == expected


def test_audit_opinion_prose() -> None:
    text = (
        "我们审计了泉州智算科技有限公司（以下简称“贵公司”）财务报表，包括2023年12月31日的资产负债表，"
        "2023年度的利润表。致同会计师事务所（特殊普通合伙）  中国注册会计师：张三  二〇二四年三月十五日"
    )
    ents = find_entities(text)
    orgs = [e for e in ents if e.label == "ORG"]
    assert [e.value for e in orgs] == ["泉州智算科技有限公司", "致同会计师事务所(特殊普通合伙)"]
    assert orgs[1].text == "致同会计师事务所（特殊普通合伙）"  # offsets into the original text
    assert [e.value for e in ents if e.label == "DATE"] == [date(2023, 12, 31), date(2024, 3, 15)]
    assert not [e for e in ents if e.label not in {"ORG", "MONEY", "DATE"}]  # no PERSON


def test_money_and_date_values_normalised() -> None:
    text = "合同总价：人民币叁拾陆万元整（¥360,000.00），服务期自2023年3月1日起至2024年2月29日止。"
    ents = find_entities(text)
    money = [e.value for e in ents if e.label == "MONEY"]
    dates = [e.value for e in ents if e.label == "DATE"]
    assert money == [Decimal("360000.00"), Decimal("360000.00")]
    assert dates == [date(2023, 3, 1), date(2024, 2, 29)]
    assert all(isinstance(e, Entity) for e in ents)


def test_full_width_text_offsets_point_into_original() -> None:
    text = "泉州ＸＸ科技有限公司于２０２３年３月１日支付￥１，０００元，另付¼元"
    ents = find_entities(text)
    assert [(e.label, e.text) for e in ents] == [
        ("ORG", "泉州ＸＸ科技有限公司"),
        ("DATE", "２０２３年３月１日"),
        ("MONEY", "￥１，０００元"),
    ]
    assert [e.value for e in ents] == ["泉州XX科技有限公司", date(2023, 3, 1), Decimal("1000.00")]
    assert all(text[e.start : e.end] == e.text for e in ents)


def test_empty_and_plain_text() -> None:
    assert find_entities("") == []
    assert find_entities("   \n") == []
    assert find_entities("本项目旨在提升算力服务能力。") == []


def test_real_filled_contract() -> None:
    text = _docx_text("ct03_epc-cement-line_filled_probably-synthetic.docx")
    ents = find_entities(text)
    orgs = {e.value for e in ents if e.label == "ORG"}
    assert orgs == {"江西玉山南方水泥有限公司", "中国中材国际工程股份有限公司", "中国建设银行南京市建邺支行"}
    money = [e.value for e in ents if e.label == "MONEY"]
    assert money.count(Decimal("1052000000.00")) == 2
    for e in ents:
        assert text[e.start : e.end] == e.text


def test_real_blank_template_has_no_orgs() -> None:
    # the MOST 技术服务合同 model text: clauses and blanks, no party names
    text = _docx_text("ct01_most-model_technical-service_template.docx")
    assert len(text) > 5000
    assert _orgs(text) == []


def test_real_supplier_template() -> None:
    text = _docx_text("ct02_software-dev_template_supplier-changsha-shensuan.docx")
    assert set(_orgs(text)) == {"长沙深算科技有限公司", "工行长沙全通支行"}


def test_long_text_is_chunked_without_losing_offsets() -> None:
    unit = "2023年度向北京智算云科技有限公司采购算力服务36万元；"
    text = unit * 400  # ~12k characters, several spaCy calls
    ents = find_entities(text)
    assert len(ents) == 2 * 400  # "2023年度" is a year, not a date
    assert {e.text for e in ents} == {"北京智算云科技有限公司", "36万元"}
    for e in ents:
        assert text[e.start : e.end] == e.text


def test_speed_on_2000_characters() -> None:
    text = _docx_text("ct03_epc-cement-line_filled_probably-synthetic.docx")[:2000]
    find_entities(text)  # build the pipeline
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        find_entities(text)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.05, f"find_entities took {best * 1000:.1f} ms on 2000 characters"


@pytest.mark.parametrize(
    ("name", "orgs", "total"),
    [
        (
            "inv01_ofd_shudian-zhuanpiao_hainan-qilin-yunfu_4449.00.ofd",
            ["海南麒麟云服科技有限公司", "北京互联三六五科技有限公司"],
            Decimal("4449.00"),
        ),
        (
            "inv08_ofd_shudian-putong_sichuan_1470.00.ofd",
            ["中国移动通信集团四川有限公司成都分公司", "武侯区极客火锅店"],
            Decimal("1470.00"),
        ),
    ],
)
def test_real_invoice_text(name: str, orgs: list[str], total: Decimal) -> None:
    """Entities in the text layer of real 数电票 OFD files (read by extractor.read)."""
    path = REALDOCS / "invoices" / name
    if not path.exists():
        pytest.skip(f"real invoice not available at {path}")
    from extractor.read import read_path

    result = read_path(path)
    text = "\n".join(line.text for page in result.pages for line in page.lines)
    if not text.strip():
        pytest.skip(f"reader returned no text for {name}: {result.errors}")
    ents = find_entities(text)
    assert [e.value for e in ents if e.label == "ORG"] == orgs
    assert total in [e.value for e in ents if e.label == "MONEY"]
    assert len([e for e in ents if e.label == "DATE"]) == 1

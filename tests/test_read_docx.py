"""DOCX reader: real contracts, generated tables with merged cells and checkboxes, hostile parts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from extractor.read import read_bytes

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'


@pytest.fixture
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS


def test_every_real_contract_reads(realdocs: Path) -> None:
    files = sorted((realdocs / "contracts").glob("*.docx"))
    assert len(files) >= 4
    for f in files:
        r = read_bytes(f.read_bytes(), f.name)
        assert r.kind == "docx" and r.errors == [], f.name
        page = r.pages[0]
        assert page.number == 1 and page.unit == "none" and page.method == "docx"
        assert len(r.text) > 1000, f.name
        assert all(ln.bbox is None for ln in page.lines)


def test_ct03_price_and_parties(realdocs: Path) -> None:
    f = next((realdocs / "contracts").glob("ct03_*.docx"))
    r = read_bytes(f.read_bytes(), f.name)
    texts = [ln.text for ln in r.pages[0].lines]
    assert texts[0] == "江西玉山南方水泥有限公司 8000t/d 水泥熟料生产线 EPC 总承包合同"
    assert "合同编号：NC (2021)-401" in texts
    assert "9.1 合同总价" in texts
    i = texts.index("9.1 合同总价")
    assert texts[i + 1].startswith("人民币壹拾亿零伍仟贰佰万元整（¥1,052,000,000.00）")
    assert any("单位：江西玉山南方水泥有限公司 统一社会信用代码：913611237511350966" in t for t in texts)
    assert any(
        "单位：中国中材国际工程股份有限公司（南京） 统一社会信用代码：91320000710929340E" in t for t in texts
    )


def test_ct02_supplier(realdocs: Path) -> None:
    f = next((realdocs / "contracts").glob("ct02_*.docx"))
    r = read_bytes(f.read_bytes(), f.name)
    assert "受托方（乙方）： 长沙深算科技有限公司" in [ln.text for ln in r.pages[0].lines]


def _form_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("福建省人工智能产业项目申报表")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).text = "企业名称"
    t.cell(0, 1).merge(t.cell(0, 3))  # horizontal merge over three grid columns
    t.cell(0, 1).text = "泉州智算科技有限公司"
    t.cell(1, 0).text = "申报方向"
    t.cell(1, 1).merge(t.cell(1, 3))
    t.cell(1, 1).text = "☑算力服务补助 □“领雁”软件企业 ☐软件优质产品"
    t.cell(2, 0).merge(t.cell(3, 0))  # vertical merge
    t.cell(2, 0).text = "联系人"
    t.cell(2, 1).text = "姓名"
    t.cell(2, 2).text = "张三"
    t.cell(3, 1).text = "电话"
    t.cell(3, 2).text = "13800000000"
    # a Word 2010 content-control checkbox (ticked) and a Wingdings empty box in row 3, col 3
    cell = t.cell(3, 3)
    p = cell.paragraphs[0]
    p._p.append(
        parse_xml(
            f'<w:sdt {W} {W14}><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr>'
            "<w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )
    p.add_run("上市 ")
    p._p.append(parse_xml(f'<w:r {W}><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'))
    p.add_run("非上市")
    # nested table inside cell (2, 3)
    nested = t.cell(2, 3).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "内层"
    nested.cell(0, 1).text = "表格"
    d.add_paragraph("以上情况属实。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_generated_form_table_and_checkboxes() -> None:
    r = read_bytes(_form_docx(), "申报表.docx")
    assert r.errors == []
    page = r.pages[0]
    texts = [ln.text for ln in page.lines]
    assert texts[0] == "福建省人工智能产业项目申报表"
    assert texts[-1] == "以上情况属实。"
    table = page.tables[0]
    assert (table.n_rows, table.n_cols) == (4, 4)
    by_pos = {(c.row, c.col): c.text for c in table.cells}
    # merged cells appear once, at their first row/col
    assert by_pos[(0, 1)] == "泉州智算科技有限公司"
    assert (0, 2) not in by_pos and (0, 3) not in by_pos
    assert by_pos[(2, 0)] == "联系人" and (3, 0) not in by_pos
    assert sum(1 for c in table.cells if c.text == "泉州智算科技有限公司") == 1
    assert by_pos[(1, 1)] == "☑算力服务补助 □“领雁”软件企业 □软件优质产品"
    assert by_pos[(3, 3)] == "☑上市 □非上市"
    # cell lines are addressable by table/row/col, label → value
    cell_lines = {(ln.table, ln.row, ln.col): ln.text for ln in page.lines if ln.table is not None}
    assert cell_lines[(0, 0, 0)] == "企业名称" and cell_lines[(0, 0, 1)] == "泉州智算科技有限公司"
    # nested table read as table 1, emitted after its cell
    assert page.tables[1].grid() == [["内层", "表格"]]
    assert cell_lines[(1, 0, 1)] == "表格"
    order = [ln.text for ln in page.lines]
    assert order.index("内层") > order.index("企业名称")


def _rewrite(data: bytes, name: str, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, new if info.filename == name else src.read(info))
    return out.getvalue()


def test_docx_with_entities_refused() -> None:
    data = _form_docx()
    doc_xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    bomb = doc_xml.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>', 1
    )
    r = read_bytes(_rewrite(data, "word/document.xml", bomb), "bomb.docx")
    assert r.errors and "实体" in r.errors[0] and not r.pages


def test_docx_bomb_member_refused() -> None:
    data = _form_docx()
    huge = b"<x>" + b" " * 30_000_000 + b"</x>"
    r = read_bytes(_rewrite(data, "word/styles.xml", huge), "zip-bomb.docx")
    assert r.errors and "压缩" in r.errors[0]


@pytest.mark.parametrize(
    "form",
    ["app-001/申报表.docx", "app-002/福建省省级人工智能产业发展项目申报表.docx", "app-006/申报表.docx"],
)
def test_opening_only_the_needed_parts_reads_like_python_docx_in_full(form: str, monkeypatch) -> None:
    """The reader parses the main document and core properties only; the result must
    equal what python-docx's full ``Document()`` gives (the fallback path)."""
    from extractor.readers import docx as docx_reader

    data = (Path(__file__).resolve().parents[1] / "sample_docs" / "applications" / form).read_bytes()
    fast = read_bytes(data, "申报表.docx")

    def changed_internals(_self):
        raise AttributeError("python-docx internals changed")

    monkeypatch.setattr(docx_reader._SafePackage, "content_types_xml", property(changed_internals))
    full = read_bytes(data, "申报表.docx")
    assert fast.errors == full.errors == []
    assert fast.pages[0].model_dump() == full.pages[0].model_dump()
    assert fast.meta == full.meta and fast.meta.get("created")
    assert len(fast.pages[0].tables) >= 1 and any("统一社会信用代码" in ln.text for ln in fast.pages[0].lines)


def _picture_png(lines: list[str]) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=420, height=40 + 24 * len(lines))
    for i, line in enumerate(lines):
        page.insert_text((20, 35 + 24 * i), line, fontname="china-s", fontsize=14)
    return page.get_pixmap(dpi=200, alpha=False).tobytes("png")


RECEIPT = [
    "中国建设银行网上银行电子回执",
    "付款人全称 泉州示例科技有限公司",
    "金额 人民币伍万元整 ¥50,000.00",
]


def _docx_with_picture(paragraphs: list[str], picture: bytes) -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.add_picture(io.BytesIO(picture))
    d.add_picture(io.BytesIO(_picture_png(["签名"])))  # a small picture (a signature): no scan
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_word_file_of_pasted_scans_is_read_by_ocr() -> None:
    """A receipt pasted into Word as a picture, with no text around it: the picture is read
    as page 1 by OCR; a Word file with its own text keeps its text page only."""
    from extractor.ocr import get_engine

    if not get_engine().is_available():
        pytest.skip("OCR engine unavailable")
    picture = _picture_png(RECEIPT)
    res = read_bytes(_docx_with_picture([], picture), "回单.docx")
    assert [(p.number, p.method) for p in res.pages] == [(1, "ocr")], res.pages
    text = "".join(ln.text for ln in res.pages[0].lines)
    assert "电子回执" in text and "伍万元整" in text
    assert "Word 文档中没有文字内容" not in res.warnings
    prose = ["本合同由甲乙双方在平等自愿的基础上签订，双方同意按下列条款履行。" * 2] * 4
    res = read_bytes(_docx_with_picture(prose, picture), "合同.docx")
    assert [(p.number, p.method) for p in res.pages] == [(1, "docx")]

"""Lines the page-wide detector misses inside a paragraph are read again from a cut-out
(extractor.ocr_gaps, OcrEngine._fill_holes)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from extractor.ocr import _Raw, get_engine

SCOPE = [
    "批发：橡胶制品、纸制品、计生用品、医疗器械、日用百货",
    "保健用品（不含药品）、卫生用品（不含危险品）、洗涤",
    "用品、电子产品、健身器械、办公用品、工艺品、纺织品",
    "服装鞋帽、化妆品、消毒产品、五金交电、建材、食品、",
    "水果、蔬菜、初级农产品；技术开发、技术咨询、技术转",
    "让；货物及技术进出口（依法须经批准的项目，经相关部",
]
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def paragraph_image(dpi: int = 200) -> np.ndarray:
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=40 + 22 * len(SCOPE))
    for i, line in enumerate(SCOPE):
        page.insert_text((20, 35 + 22 * i), line, fontname="china-s", fontsize=13)
    pix = page.get_pixmap(dpi=dpi, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


def _without(raw: _Raw, drop: set[int]) -> _Raw:
    keep = [i for i in range(len(raw.texts)) if i not in drop]
    return _Raw(
        raw.quads[keep],
        [raw.texts[i] for i in keep],
        [raw.scores[i] for i in keep],
        [raw.cls[i] for i in keep],
    )


@pytest.fixture
def paragraph():
    """The engine, a printed paragraph and its page-wide read, lines in print order."""
    engine = get_engine()
    if not engine.is_available():
        pytest.skip("OCR engine unavailable")
    img = paragraph_image()
    raw = engine._run(img)
    order = sorted(range(len(raw.texts)), key=lambda i: float(raw.quads[i][:, 1].min()))
    assert len(order) == len(SCOPE), raw.texts
    return engine, img, raw, order


def test_lines_lost_inside_a_paragraph_are_read_again(paragraph) -> None:
    engine, img, raw, order = paragraph
    before = engine.holes_read
    # nothing lost: no second read
    assert engine._fill_holes(img, raw) is raw and engine.holes_read == before
    # the detector "missed" the third and fourth lines: they come back, once each
    lost = _without(raw, {order[2], order[3]})
    filled = engine._fill_holes(img, lost)
    assert engine.holes_read == before + 1
    got = [t.replace(" ", "") for t in filled.texts]
    assert len(got) == len(SCOPE)
    for want in SCOPE[2:4]:
        assert any(want[:10] in t for t in got), (want, got)


def test_turned_off_no_second_read(paragraph) -> None:
    engine, img, raw, order = paragraph
    engine.fill_holes = False
    try:
        lost = _without(raw, {order[2]})
        assert engine._fill_holes(img, lost) is lost
    finally:
        engine.fill_holes = True


@pytest.mark.slow
def test_licence_photo_scope_lines_lost_by_detection_come_back() -> None:
    """A real licence photo (realcorpus rk-006, tune set) whose page-wide detection loses
    three clean lines of its 经营范围."""
    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = CORPUS / "applications" / "rk-006" / "yingyezhizhao.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    res = read_path(f)
    text = "".join(ln.text for p in res.pages for ln in p.lines)
    assert "健用品" in text and "涤用品" in text and "纺织品" in text
    lic = next(d for d in extract_documents(res) if d.doc_type == "business_license")
    scope = lic.fields["business_scope"].value
    assert "服装鞋帽" in scope and scope.endswith("经营活动)"), scope


def title_image() -> np.ndarray:
    """A licence head: 营业执照 in big print, the credit-code line in small print right under
    its last glyphs (inside the band of the title), then a paragraph of ordinary print."""
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=60 + 22 * len(SCOPE) + 60)
    page.insert_text((80, 60), "营业执照", fontname="china-s", fontsize=44)
    page.insert_text((215, 72), "统一社会信用代码 91350503MA2Y3K6W8B", fontname="china-s", fontsize=8)
    for i, line in enumerate(SCOPE):
        page.insert_text((20, 110 + 22 * i), line, fontname="china-s", fontsize=13)
    pix = page.get_pixmap(dpi=200, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


def test_small_print_swallowed_by_big_print_is_read_again() -> None:
    engine = get_engine()
    if not engine.is_available():
        pytest.skip("OCR engine unavailable")
    img = title_image()
    raw = engine._run(img)
    code = [i for i, t in enumerate(raw.texts) if "91350503MA2Y3K6W8" in t.replace(" ", "")]
    assert code, raw.texts
    # read already: nothing added twice
    assert engine._read_beside_big_print(img, raw).texts == raw.texts
    # the detector swallowed it into the title's box: the title's band is read again
    lost = _without(raw, set(code))
    title = next(i for i, t in enumerate(lost.texts) if "执照" in t)
    quads = lost.quads.copy()
    quads[title][2:, 1] = float(raw.quads[code[0]][:, 1].max())  # the title box reaches over it
    lost = _Raw(quads, lost.texts, lost.scores, lost.cls)
    before = engine.holes_read
    back = engine._read_beside_big_print(img, lost)
    assert engine.holes_read == before + 1
    assert [t for t in back.texts if "91350503MA2Y3K6W8" in t.replace(" ", "")], back.texts
    engine.small_print = False
    try:
        assert engine._read_beside_big_print(img, lost) is lost
    finally:
        engine.small_print = True


def test_a_line_whose_head_was_lost_under_red_ink_is_read_again_whole(paragraph) -> None:
    """A red seal over the first words of a paragraph row: page-wide detection kept only the
    row's tail. The row is read again from its red-suppressed cut-out and its whole reading
    replaces the tail; rows read whole are left alone."""
    engine, img, raw, order = paragraph
    assert engine._read_lost_heads(img, raw) is raw
    row = order[2]
    y0, y1 = (float(v) for v in (raw.quads[row][:, 1].min(), raw.quads[row][:, 1].max()))
    x0, x1 = (float(v) for v in (raw.quads[row][:, 0].min(), raw.quads[row][:, 0].max()))
    red = img.copy()
    head = red[int(y0) : int(y1), int(x0) : int(x0 + 0.4 * (x1 - x0))]
    stroke = np.zeros(head.shape[:2], bool)
    stroke[:, ::3] = True
    head[stroke & (head.mean(axis=2) > 200)] = (220, 40, 50)  # red strokes over the paper, not the print
    cut = x0 + 0.45 * (x1 - x0)
    quads = raw.quads.copy()
    quads[row][[0, 3], 0] = cut
    texts = list(raw.texts)
    texts[row] = SCOPE[2][len(SCOPE[2]) * 45 // 100 + 1 :]
    tail = _Raw(quads, texts, raw.scores, raw.cls)
    before = engine.holes_read
    back = engine._read_lost_heads(red, tail)
    assert engine.holes_read == before + 1
    got = [t.replace(" ", "") for t in back.texts]
    assert len(got) == len(SCOPE) and SCOPE[2] in got, got
    assert texts[row] not in got  # the tail is gone, not kept beside the whole row
    engine.fill_holes = False
    try:
        assert engine._read_lost_heads(red, tail) is tail
    finally:
        engine.fill_holes = True


def small_paragraph_image() -> np.ndarray:
    """The paragraph printed small: about 11 px a line, a licence photo's scope at 1080 px."""
    return paragraph_image(dpi=60)


def test_small_print_is_read_again_enlarged() -> None:
    """Print too small for the models is read again from the page enlarged, in the page's
    pixels; print of a good size is not."""
    engine = get_engine()
    if not engine.is_available():
        pytest.skip("OCR engine unavailable")
    img = small_paragraph_image()
    raw = engine._run(img)
    before = engine.pages_enlarged
    back = engine._read_enlarged(img, raw)
    assert engine.pages_enlarged == before + 1
    got = [t.replace(" ", "") for t in back.texts]
    assert sum(t in got for t in SCOPE) >= sum(t.replace(" ", "") in SCOPE for t in raw.texts)
    assert sum(t in got for t in SCOPE) >= len(SCOPE) - 1, got
    # back in the page's pixels: each line where the first read found it (this clean print
    # reads the same at both sizes)
    for t, q in zip(raw.texts, raw.quads, strict=True):
        k = back.texts.index(t)
        assert np.abs(back.quads[k].mean(axis=0) - q.mean(axis=0)).max() < 3, (t, back.quads[k], q)
    normal = paragraph_image()
    first = engine._run(normal)
    assert engine._read_enlarged(normal, first) is first
    engine.enlarge = False
    try:
        assert engine._read_enlarged(img, raw) is raw
    finally:
        engine.enlarge = True


@pytest.mark.slow
def test_licence_photo_with_small_print_reads_its_scope_whole() -> None:
    """A real licence photo (realcorpus ry-011, tune set, 1080×758 px, scope lines 12 px
    tall): read at its size, scope rows came back in pieces and 「；会议及展览服务；广告」 was
    lost; read enlarged, the rows are whole."""
    from extractor.read import read_path

    f = CORPUS / "applications" / "ry-011" / "0600.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    res = read_path(f)
    text = "".join(ln.text for p in res.pages for ln in p.lines)
    assert "会议及展览服务" in text and "广告发布（非广播电台" in text, text
    assert "从事语言能力、艺" in text and "凭营业执照依法自主开" in text, text


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def wrapped_value_image(tail: str = "室", label_beside: bool = False) -> np.ndarray:
    """A licence's 住所 row whose address wraps, leaving ``tail`` alone on the next row under
    the value's start; the 法定代表人 row below. With ``label_beside``, a label is printed just
    left of the tail (a row of its own, not a wrap)."""
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=130)
    page.insert_text((20, 35), "住    所", fontname="china-s", fontsize=13)
    page.insert_text((90, 35), "上海市金山区亭林镇林宝路39号3幢354", fontname="china-s", fontsize=13)
    page.insert_text((90, 52), tail, fontname="china-s", fontsize=13)
    if label_beside:
        page.insert_text((62, 52), "姓名", fontname="china-s", fontsize=13)
    page.insert_text((20, 85), "法定代表人", fontname="china-s", fontsize=13)
    page.insert_text((90, 85), "张三", fontname="china-s", fontsize=13)
    pix = page.get_pixmap(dpi=200, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


@pytest.mark.parametrize("tail", ["室", "号楼"])
def test_a_wrapped_rows_lone_tail_lost_by_detection_is_read_again(tail: str) -> None:
    engine = get_engine()
    if not engine.is_available():
        pytest.skip("OCR engine unavailable")
    img = wrapped_value_image(tail)
    raw = engine._run(img)
    value = next(i for i, t in enumerate(raw.texts) if "林宝路" in t)
    lone = [i for i, t in enumerate(raw.texts) if _plain(t) == tail]
    # read already: nothing read again
    if lone:
        assert engine._read_lost_wraps(img, raw) is raw
    lost = _without(raw, set(lone))
    before = engine.holes_read
    back = engine._read_lost_wraps(img, lost)
    assert engine.holes_read == before + 1
    added = [i for i, t in enumerate(back.texts) if _plain(t) == tail]
    assert len(added) == 1, back.texts
    # its box: under the value's start, on the next row
    q, v = back.quads[added[0]], raw.quads[value]
    assert abs(float(q[:, 0].min()) - float(v[:, 0].min())) < 15
    assert float(q[:, 1].min()) >= float(v[:, 1].max()) - 5
    engine.fill_holes = False
    try:
        assert engine._read_lost_wraps(img, lost) is lost
    finally:
        engine.fill_holes = True


def test_a_short_row_with_its_own_label_is_not_taken_for_a_wrap() -> None:
    engine = get_engine()
    if not engine.is_available():
        pytest.skip("OCR engine unavailable")
    img = wrapped_value_image("室", label_beside=True)
    raw = engine._run(img)
    lost = _without(raw, {i for i, t in enumerate(raw.texts) if "室" in _plain(t) and len(_plain(t)) <= 3})
    assert engine._read_lost_wraps(img, lost).texts == lost.texts


@pytest.mark.slow
def test_licence_photo_address_tail_wrapped_alone_is_read() -> None:
    """A real licence photo (realcorpus ro-019, tune set): the address's last glyph 室 stands
    alone on the next row and page-wide detection misreads it below the score threshold."""
    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = CORPUS / "applications" / "ro-019" / "0127.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    lic = next(d for d in extract_documents(read_path(f)) if d.doc_type == "business_license")
    assert lic.fields["address"].value == "上海市金山区亭林镇林宝路39号3幢354室"

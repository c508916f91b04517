"""PDF reader: text layer vs OCR page by page, garbled text layers, rotation, limits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymupdf
import pytest

from extractor.limits import Limits
from extractor.read import ReadContext, read_bytes
from extractor.readers.pdf import OCR_GARBLED, OCR_NO_TEXT, OCR_SCANNED, read_pdf
from extractor.textnorm import normalize_ocr_text

LINES = [
    "泉州市工业和信息化局",
    "人工智能产业项目补助   申报材料",
    "合同金额：¥1,250,000.00 元",
    "统一社会信用代码 91350503MA2Y0XXX1K",
]


def _text_page(doc: pymupdf.Document, lines: list[str], rotate: int = 0) -> None:
    page = doc.new_page(width=420, height=300)
    for i, text in enumerate(lines):
        page.insert_text((30, 50 + 30 * i), text, fontname="china-s", fontsize=12)
    if rotate:
        page.set_rotation(rotate)


def _scanned_page(doc: pymupdf.Document, lines: list[str], dpi: int = 150, stamp: str | None = None) -> None:
    """A page that is only a picture of printed text (optionally with a tiny text stamp)."""
    src = pymupdf.open()
    _text_page(src, lines)
    pix = src[0].get_pixmap(dpi=dpi, alpha=False)
    page = doc.new_page(width=420, height=300)
    page.insert_image(page.rect, stream=pix.tobytes("png"))
    if stamp:
        page.insert_text((5, 295), stamp, fontsize=5)


def _pdf(build) -> bytes:
    doc = pymupdf.open()
    build(doc)
    return doc.tobytes()


def test_text_pdf_is_read_exactly_without_ocr() -> None:
    data = _pdf(lambda d: (_text_page(d, LINES), _text_page(d, LINES[::-1])))
    ctx = ReadContext()
    res = read_pdf(data, "a.pdf", ctx)
    assert res.errors == [] and res.kind == "pdf"
    assert ctx.ocr_calls == 0
    assert [p.method for p in res.pages] == ["text", "text"]
    assert [ln.text for ln in res.pages[0].lines] == LINES
    assert [ln.text for ln in res.pages[1].lines] == LINES[::-1]
    first = res.pages[0].lines[0]
    assert first.confidence == 1.0 and first.method == "text"
    x0, y0, x1, y1 = first.bbox
    assert 29 <= x0 <= 31 and 36 <= y0 < 50 < y1 <= 54 and x1 > 130  # points, origin top-left
    assert [w.text for w in res.pages[0].lines[1].words] == ["人工智能产业项目补助", "申报材料"]
    assert res.pages[0].unit == "pt" and res.pages[0].width == 420


def test_rotated_page_boxes_follow_the_displayed_page() -> None:
    data = _pdf(lambda d: _text_page(d, LINES, rotate=90))
    res = read_pdf(data, "r.pdf", ReadContext())
    page = res.pages[0]
    assert page.rotation == 90 and (page.width, page.height) == (300, 420)
    assert [ln.text for ln in page.lines] == LINES
    # /Rotate 90 turns the page clockwise: text printed at the top now runs down the right edge
    x0, y0, x1, y1 = page.lines[0].bbox
    assert x0 > 230 and y1 - y0 > x1 - x0


def test_ocr_disabled_leaves_scanned_page_empty_with_warning() -> None:
    data = _pdf(lambda d: (_text_page(d, LINES), _scanned_page(d, LINES, stamp="Scanned by XYZ")))
    ctx = ReadContext(ocr_enabled=False)
    res = read_pdf(data, "m.pdf", ctx)
    assert ctx.ocr_calls == 0
    text, scan = res.pages
    assert text.method == "text" and len(text.lines) == 4
    assert scan.method == "ocr" and scan.lines == [] and scan.ocr_reason == OCR_SCANNED
    assert "OCR" in scan.warnings[0] and "第 2 页" in res.warnings[0]


@pytest.mark.ocr
def test_mixed_pdf_is_read_page_by_page() -> None:
    data = _pdf(lambda d: (_text_page(d, LINES), _scanned_page(d, LINES[:2] + LINES[3:])))
    ctx = ReadContext()
    res = read_bytes(data, "mixed.pdf", ctx)
    assert res.method == "mixed" and res.ocr_calls == ctx.ocr_calls == 1
    text, scan = res.pages
    assert [ln.text for ln in text.lines] == LINES
    assert scan.method == "ocr" and scan.ocr_reason == OCR_NO_TEXT
    got = [normalize_ocr_text(ln.text).replace(" ", "") for ln in scan.lines]
    assert got[0] == LINES[0]
    assert any("91350503MA2Y0XXX1K" in t for t in got), got
    # OCR boxes are converted back to PDF points of the page
    assert (scan.width, scan.height) == pytest.approx((420, 300), abs=0.5)
    x0, y0, _, y1 = scan.lines[0].bbox
    assert abs(x0 - 30) < 6 and y0 < 50 < y1


def _no_tounicode_pdf(lines: list[str]) -> bytes:
    """Embedded CJK font whose /ToUnicode map is removed, as in re-saved invoices."""
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=300)
    page.insert_font(fontname="F1", fontbuffer=pymupdf.Font("cjk").buffer)
    for i, text in enumerate(lines):
        page.insert_text((30, 50 + 30 * i), text, fontname="F1", fontsize=12)
    removed = 0
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "ToUnicode")[0] != "null":
            doc.xref_set_key(xref, "ToUnicode", "null")
            removed += 1
    assert removed == 1
    return doc.tobytes(garbage=3)


def test_font_without_tounicode_needs_ocr() -> None:
    ctx = ReadContext(ocr_enabled=False)
    res = read_pdf(_no_tounicode_pdf(LINES), "g.pdf", ctx)
    page = res.pages[0]
    assert page.ocr_reason == OCR_GARBLED and page.method == "ocr" and page.lines == []


def test_vector_only_page_has_no_text() -> None:
    def build(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=200, height=200)
        page.draw_rect(pymupdf.Rect(20, 20, 180, 180), color=(0, 0, 0))

    res = read_pdf(_pdf(build), "v.pdf", ReadContext(ocr_enabled=False))
    assert res.pages[0].ocr_reason == OCR_NO_TEXT and res.pages[0].method == "ocr"


def test_render_respects_pixel_limit() -> None:
    from extractor.readers.pdf import render_page

    doc = pymupdf.open(stream=_pdf(lambda d: _text_page(d, LINES)), filetype="pdf")
    img, zoom = render_page(doc[0], ReadContext(limits=Limits(max_render_pixels=200_000, ocr_dpi=300)))
    assert img.shape[0] * img.shape[1] <= 200_000 and img.shape[2] == 3 and img.dtype == np.uint8
    assert zoom < 300 / 72


def test_limits_and_broken_files_become_chinese_errors() -> None:
    data = _pdf(lambda d: [_text_page(d, LINES[:1]) for _ in range(3)])
    res = read_pdf(data, "p.pdf", ReadContext(limits=Limits(max_pages=2)))
    assert res.pages == [] and "超过" in res.errors[0] and "max_pages" in res.errors[0]
    res = read_pdf(b"%PDF-1.7\n garbage garbage", "x.pdf", ReadContext())
    assert res.errors and "PDF" in res.errors[0]
    enc = pymupdf.open(stream=data, filetype="pdf").tobytes(
        encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="secret"
    )
    res = read_pdf(enc, "e.pdf", ReadContext())
    assert res.pages == [] and "加密" in res.errors[0]


# --- real documents ---------------------------------------------------------------


def _real(realdocs: Path, prefix: str) -> Path:
    found = sorted(realdocs.glob(f"*/{prefix}_*"))
    if not found:
        pytest.skip(f"{prefix} not in {realdocs}")
    return found[0]


def test_real_text_pdfs_use_text_layer(realdocs: Path) -> None:
    for prefix, expect in [
        ("inv10", ["91610132688983884K", "¥35559.69", "上海积塔半导体有限公司"]),
        ("inv12", ["91340100MA2NFR8P2R", "30.31"]),
        ("inv16", ["中国移动通信集团四川有限公司成都分公司", "91510000765055994P"]),
        ("inv17", ["电子发票（航空运输电子客票行程单）", "CZ8866"]),
    ]:
        ctx = ReadContext()
        res = read_bytes(_real(realdocs, prefix).read_bytes(), prefix + ".pdf", ctx)
        assert ctx.ocr_calls == 0 and res.method == "text", prefix
        lines = {ln.text.strip() for ln in res.pages[0].lines}
        for want in expect:
            assert want in lines, (prefix, want)


def test_inv15_text_layer_is_judged_garbled(realdocs: Path) -> None:
    res = read_pdf(_real(realdocs, "inv15").read_bytes(), "inv15.pdf", ReadContext(ocr_enabled=False))
    assert res.pages[0].ocr_reason == OCR_GARBLED and res.pages[0].lines == []


@pytest.mark.ocr
def test_inv15_falls_back_to_ocr(realdocs: Path) -> None:
    ctx = ReadContext()
    res = read_bytes(_real(realdocs, "inv15").read_bytes(), "inv15.pdf", ctx)
    page = res.pages[0]
    assert ctx.ocr_calls == 1 and page.method == "ocr" and page.ocr_reason == OCR_GARBLED
    text = normalize_ocr_text(page.text).replace(" ", "")
    assert "193.00" in text
    assert "91330106599555490T" in text
    assert "电子普通发票" in text


@pytest.mark.ocr
@pytest.mark.slow
def test_rpt01_rotated_scan_reads_upright(realdocs: Path) -> None:
    res = read_bytes(_real(realdocs, "rpt01").read_bytes(), "rpt01.pdf", ReadContext())
    page = res.pages[0]
    assert page.ocr_reason == OCR_NO_TEXT and page.rotation == 90
    assert (page.width, page.height) == pytest.approx((595.2, 841.9), abs=1)
    assert page.lines[0].text == "验资报告"
    assert "中武验字[2025]ZW-5504号" in page.text

"""OCR engine: orientation, skew and text normalisation on small generated images."""

from __future__ import annotations

import cv2
import numpy as np
import pymupdf
import pytest

from extractor.ocr import get_engine, ocr_page
from extractor.read import ReadContext
from extractor.textnorm import normalize_ocr_text

COMPANY = "深圳市雄楚速通国际物流有限公司"
CODE = "91440300MA5H3E0T3W"


def text_image(dpi: int = 130) -> np.ndarray:
    """A small RGB image of three printed lines (rendered with PyMuPDF's CJK font)."""
    doc = pymupdf.open()
    page = doc.new_page(width=340, height=130)
    page.insert_text((15, 35), COMPANY, fontname="china-s", fontsize=14)
    page.insert_text((15, 70), f"统一社会信用代码 {CODE}", fontname="china-s", fontsize=12)
    page.insert_text((15, 105), "金额 ¥193.00 日期 2017年10月06日", fontname="china-s", fontsize=12)
    pix = page.get_pixmap(dpi=dpi, alpha=False)
    return np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()


def _assert_reads_upright(res, shape) -> None:
    norm = [normalize_ocr_text(ln.text) for ln in res.lines]
    assert COMPANY in norm[0], norm
    assert any(CODE[:12] in t for t in norm), norm
    assert any("193.00" in t.replace(" ", "") for t in norm), norm
    # boxes are in the upright frame: lines go down the page in print order
    tops = [ln.bbox[1] for ln in res.lines]
    assert tops == sorted(tops)
    assert (res.width, res.height) == (shape[1], shape[0])
    for ln in res.lines:
        x0, y0, x1, y1 = ln.bbox
        assert 0 <= x0 < x1 <= res.width and 0 <= y0 < y1 <= res.height
        assert ln.method == "ocr" and 0.5 <= ln.confidence <= 1.0


def test_engine_is_single_and_available() -> None:
    assert get_engine() is get_engine()
    assert get_engine().is_available()


@pytest.mark.ocr
@pytest.mark.parametrize(
    "turn",
    [
        pytest.param(cv2.ROTATE_90_CLOCKWISE, id="stored-90"),
        pytest.param(cv2.ROTATE_180, id="stored-180", marks=pytest.mark.slow),
        pytest.param(cv2.ROTATE_90_COUNTERCLOCKWISE, id="stored-270", marks=pytest.mark.slow),
    ],
)
def test_rotated_image_reads_upright(turn: int) -> None:
    img = text_image()
    ctx = ReadContext()
    res = ocr_page(cv2.rotate(img, turn), ctx)
    assert ctx.ocr_calls == 1
    undo = {cv2.ROTATE_90_CLOCKWISE: 270, cv2.ROTATE_180: 180, cv2.ROTATE_90_COUNTERCLOCKWISE: 90}[turn]
    assert res.rotation == undo
    _assert_reads_upright(res, img.shape)


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.parametrize("angle", [4.0, -3.0])
def test_small_skew_is_removed_from_boxes(angle: float) -> None:
    img = text_image()
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)  # cv2: positive = counter-clockwise
    skewed = cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))
    res = get_engine().read_upright(skewed)
    assert res.rotation == 0
    assert abs(res.skew - angle) <= 1.0
    _assert_reads_upright(res, img.shape)
    # after deskew a line's box is about as tall as the printed text, not the slope
    assert max(ln.bbox[3] - ln.bbox[1] for ln in res.lines) < 0.2 * h

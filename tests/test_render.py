"""Page images with highlighted evidence: boxes land where the text is, pages come out
upright and capped in size, bad input becomes a Chinese error, and the isolated worker
survives a runaway request."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from review.render import BOX_COLOURS, MAX_PX, RenderWorker, crop_evidence, page_count, render_page

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
RED = tuple(int(BOX_COLOURS[0][k : k + 2], 16) for k in (1, 3, 5))


def _pdf(rotate: int = 0) -> tuple[bytes, tuple[float, float, float, float]]:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((100, 200), "价税合计 360000.00", fontname="china-s", fontsize=14)
    words = page.get_text("words")
    x0 = min(w[0] for w in words)
    y0 = min(w[1] for w in words)
    x1 = max(w[2] for w in words)
    y1 = max(w[3] for w in words)
    if rotate:
        page.set_rotation(rotate)
    data = doc.tobytes()
    doc.close()
    return data, (x0, y0, x1, y1)


def _img(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _is_red(px: tuple[int, int, int]) -> bool:
    return abs(px[0] - RED[0]) < 40 and abs(px[1] - RED[1]) < 40 and abs(px[2] - RED[2]) < 40


def test_pdf_box_drawn_on_the_text() -> None:
    data, box = _pdf()
    r = render_page(data, 1, [box])
    assert r.error is None and r.png
    img = _img(r.png)
    assert (img.width, img.height) == (round(595 * r.scale), round(842 * r.scale))
    # the left edge of the rectangle is red; far away from it nothing is
    x = int(box[0] * r.scale) - 2
    ymid = int((box[1] + box[3]) / 2 * r.scale)
    assert any(_is_red(img.getpixel((x + dx, ymid))) for dx in range(-3, 4))
    assert not _is_red(img.getpixel((int(500 * r.scale), int(700 * r.scale))))
    # the text itself is still visible inside the box (dark pixels)
    inside = img.crop(
        (int(box[0] * r.scale), int(box[1] * r.scale), int(box[2] * r.scale), int(box[3] * r.scale))
    )
    assert np.asarray(inside.convert("L")).min() < 80


def test_pdf_size_capped_and_rotation_applied() -> None:
    data, _box = _pdf()
    r = render_page(data, 1, max_px=500)
    assert max(_img(r.png).size) <= 500
    rotated = render_page(data, 1, rotation=90)  # the reader's total clockwise turn
    w, h = _img(rotated.png).size
    assert w > h
    # a PDF stored with /Rotate 90 keeps its own rotation when the reader's is unknown
    data90, _ = _pdf(rotate=90)
    w2, h2 = _img(render_page(data90, 1).png).size
    assert w2 > h2 and max(w2, h2) <= MAX_PX


def test_image_scaled_rotated_and_boxes_scaled() -> None:
    im = Image.new("RGB", (3000, 1000), "white")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    data = buf.getvalue()
    r = render_page(data, 1, [(1500, 400, 1800, 600)])
    img = _img(r.png)
    assert img.size == (2000, 667) and r.scale == pytest.approx(2000 / 3000)
    assert _is_red(img.getpixel((int(1500 * r.scale) - 2, int(500 * r.scale))))
    up = _img(render_page(data, 1, rotation=90).png)
    assert up.height > up.width  # turned clockwise to upright


def test_multipage_tiff_and_page_count() -> None:
    frames = [Image.new("RGB", (200, 300), c) for c in ("white", "black")]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:])
    data = buf.getvalue()
    assert page_count(data) == 2
    second = _img(render_page(data, 2).png)
    assert second.getpixel((100, 150)) == (0, 0, 0)
    assert "超出范围" in (render_page(data, 3).error or "")


def test_bad_input_becomes_chinese_error() -> None:
    assert render_page(b"%PDF-1.7 garbage", 1).error.startswith("页面无法显示")
    assert render_page(b"not a file at all", 1).error.startswith("页面无法显示")
    assert page_count(b"junk") == 0


def test_crop_around_evidence() -> None:
    data, box = _pdf()
    r = crop_evidence(data, 1, box)
    img = _img(r.png)
    full = _img(render_page(data, 1).png)
    assert img.width < full.width and img.height < full.height / 4
    assert any(_is_red(img.getpixel((x, img.height // 2))) for x in range(img.width))


def test_worker_renders_and_recovers_from_timeout() -> None:
    data, box = _pdf()
    with RenderWorker(seconds=30) as w:
        r = w.render_page(data, 1, [box])
        assert r.error is None and r.png[:8] == b"\x89PNG\r\n\x1a\n"
        w.seconds = 0.0001  # a request that cannot finish in time: killed, Chinese error
        slow = w.render_page(data, 1, [box])
        assert slow.png is None and "超时" in (slow.error or "")
        assert w.restarts == 1
        w.seconds = 30
        again = w.render_page(data, 1, [box])  # a fresh worker serves the next request
        assert again.png is not None and w.page_count(data) == 1


@pytest.fixture()
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents folder {REALDOCS} is absent")
    return REALDOCS


def _box_on_text(data: bytes, needle: str) -> None:
    """The reader's bbox of a line, drawn by the renderer, frames that line's ink."""
    from extractor.read import read_bytes

    rr = read_bytes(data, "x")
    line = next(ln for p in rr.pages for ln in p.lines if needle in ln.text and ln.bbox)
    r = render_page(data, 1, [line.bbox], rotation=rr.pages[0].rotation)
    assert r.error is None, r.error
    img = _img(r.png)
    x0, y0, x1, y1 = (v * r.scale for v in line.bbox)
    ymid = int((y0 + y1) / 2)
    assert any(_is_red(img.getpixel((int(x0) - 2 + dx, ymid))) for dx in range(-3, 4))
    inside = np.asarray(img.crop((int(x0), int(y0), int(x1), int(y1))).convert("L"))
    assert (inside < 100).mean() > 0.02  # the printed text is inside the box


def test_real_pdf_and_ofd_boxes_match_the_reader(realdocs: Path) -> None:
    pdf = realdocs / "invoices" / "inv10_pdf_shudian-zhuanpiao_chips_35559.69.pdf"
    _box_on_text(pdf.read_bytes(), "35559.69")
    ofd = realdocs / "invoices" / "inv01_ofd_shudian-zhuanpiao_hainan-qilin-yunfu_4449.00.ofd"
    data = ofd.read_bytes()
    img = _img(render_page(data, 1).png)
    assert img.width > img.height and max(img.size) <= MAX_PX  # an invoice page is landscape
    _box_on_text(data, "4449")


def test_crop_blacks_out_redacted_lines() -> None:
    """Personal data near an evidence box is blacked out in the exported snippet."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((100, 200), "甲方：张某某", fontname="china-s", fontsize=14)
    page.insert_text((100, 224), "身份证号：110105199003071239", fontname="china-s", fontsize=14)
    evidence = tuple(page.search_for("张某某")[0])
    id_line = tuple(page.search_for("110105199003071239")[0])
    data = doc.tobytes()
    plain = _img(crop_evidence(data, 1, evidence).png)
    masked = _img(crop_evidence(data, 1, evidence, redact=[id_line]).png)
    assert plain.size == masked.size

    def dark_share(img: Image.Image) -> float:
        arr = np.asarray(img.convert("L"))
        return float((arr < 30).mean())

    assert dark_share(masked) > dark_share(plain) + 0.02

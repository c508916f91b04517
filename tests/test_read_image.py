"""Image reader: formats, multi-page TIFF, EXIF orientation, bomb guard, real images."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from extractor.limits import Limits
from extractor.read import ReadContext, read_bytes
from extractor.readers.image import read_image
from extractor.textnorm import normalize_ocr_text

NO_OCR = ReadContext(ocr_enabled=False)


def _img_bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "TIFF"])
def test_formats_decode_to_one_page(fmt: str) -> None:
    data = _img_bytes(Image.new("RGB", (64, 40), "white"), fmt)
    ctx = ReadContext(ocr_enabled=False)
    res = read_bytes(data, f"x.{fmt.lower()}", ctx)
    assert res.kind == "image" and res.errors == []
    assert len(res.pages) == 1
    page = res.pages[0]
    assert (page.width, page.height, page.unit, page.method) == (64, 40, "px", "ocr")
    assert page.lines == [] and "OCR" in page.warnings[0] and ctx.ocr_calls == 0


def test_multipage_tiff_gives_one_page_per_frame() -> None:
    frames = [Image.new("L", (50 + 10 * i, 30), 255) for i in range(3)]
    data = _img_bytes(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    res = read_image(data, "scan.tif", NO_OCR)
    assert [p.number for p in res.pages] == [1, 2, 3]
    assert [p.width for p in res.pages] == [50, 60, 70]
    assert res.meta["frames"] == 3


def test_exif_orientation_is_applied() -> None:
    img = Image.new("RGB", (80, 30), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: viewers turn it 90° clockwise
    data = _img_bytes(img, "JPEG", exif=exif.tobytes())
    res = read_image(data, "photo.jpg", NO_OCR)
    page = res.pages[0]
    assert (page.width, page.height) == (30, 80)
    assert res.meta["exif_orientation"] == 6


def test_too_large_image_gives_chinese_error() -> None:
    data = _img_bytes(Image.new("1", (3000, 2000)), "PNG")
    limits = Limits(max_image_pixels=1_000_000)
    res = read_image(data, "big.png", ReadContext(limits=limits))
    assert res.pages == []
    assert "像素" in res.errors[0] and "max_image_pixels" in res.errors[0]
    # just above the limit (Pillow only warns there): still refused
    data = _img_bytes(Image.new("1", (1001, 1000)), "PNG")
    res = read_image(data, "big.png", ReadContext(limits=limits))
    assert res.pages == [] and "max_image_pixels" in res.errors[0]


def test_broken_image_is_an_error_not_an_exception() -> None:
    data = _img_bytes(Image.new("RGB", (300, 300), "white"), "PNG")[:200]
    res = read_bytes(data, "cut.png", NO_OCR)
    assert res.errors or any(p.warnings for p in res.pages)


def test_transparent_png_is_composited_on_white() -> None:
    from extractor.readers.image import _to_rgb

    img = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    arr = _to_rgb(img)
    assert arr.shape == (4, 4, 3) and int(arr.min()) == 255


# --- real images -------------------------------------------------------------------


@pytest.mark.ocr
@pytest.mark.slow
def test_lic02_rotated_licence_reads_upright(realdocs: Path) -> None:
    path = next(iter(sorted(realdocs.glob("licenses/lic02_*"))), None)
    if path is None:
        pytest.skip("lic02 missing")
    ctx = ReadContext()
    res = read_image(path.read_bytes(), path.name, ctx)
    page = res.pages[0]
    assert ctx.ocr_calls == 1
    assert page.rotation == 270  # stored turned 90° clockwise; turned back by 270° clockwise
    assert (page.width, page.height) == (1539, 1054)  # upright: landscape
    text = normalize_ocr_text(page.text)
    assert "深圳市雄楚速通国际物流有限公司" in text
    assert "营业执照" in text


@pytest.mark.ocr
@pytest.mark.slow
def test_every_real_pdf_and_image_is_read(realdocs: Path) -> None:
    files = sorted(
        p
        for p in realdocs.rglob("*")
        if p.suffix.lower() in {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    )
    assert len(files) >= 10
    for path in files:
        res = read_bytes(path.read_bytes(), path.name, ReadContext())
        assert res.errors == [], (path.name, res.errors)
        assert res.pages and all(p.lines for p in res.pages), path.name
        assert len(res.text.strip()) > 50, path.name
        assert all(ln.bbox is not None for p in res.pages for ln in p.lines)


def test_a_page_that_ran_out_of_memory_marks_the_read_for_a_fresh_reader(monkeypatch) -> None:
    """A page whose decoding ran out of memory (a 15-megapixel photo in a reader whose memory
    the files before it had spent) leaves an empty page: the read is marked
    ``memory_failure`` (review.worker reads it again in a fresh reader; never cached)."""
    from extractor.readers import image as image_reader

    def out_of_memory(img):
        raise MemoryError

    monkeypatch.setattr(image_reader, "_to_rgb", out_of_memory)
    res = read_bytes(_img_bytes(Image.new("RGB", (64, 40), "white"), "PNG"), "x.png", NO_OCR)
    assert res.meta.get("memory_failure") and res.meta.get("incomplete")
    assert res.pages[0].lines == [] and "无法解码" in res.pages[0].warnings[0]

"""Image reader: PNG, JPEG, TIFF (every frame a page), BMP, GIF, WebP → OCR.

Each frame is decoded with Pillow under the ``max_image_pixels`` bomb guard, turned
by its EXIF orientation (``ImageOps.exif_transpose``) and read upright by
:func:`extractor.ocr.ocr_page` (orientation 0/90/180/270 and skew up to ±10°).

Coordinates: pixels, origin top-left, of the **upright** image: the decoded,
EXIF-corrected frame turned clockwise by ``Page.rotation`` degrees (and, for the
boxes, turned by the small skew reported in ``meta["pages"]`` about the centre).
``Page.width``/``height`` are the upright image size; ``unit`` is ``"px"``.
"""

from __future__ import annotations

import warnings
from io import BytesIO
from typing import Any

import numpy as np
from PIL import Image, ImageOps, ImageSequence

from extractor.ocr import get_engine, ocr_page
from extractor.qr import decode_barcodes, ocr_page_wants_qr
from extractor.readers.context import ReadContext, sha256_bytes
from extractor.seals import seals_on_upright
from models.page import Page, ReadResult

OCR_IMAGE = "图片"


def _bomb_error(ctx: ReadContext, detail: str = "") -> str:
    return (
        f"图片像素过多{detail}，超过单张图片上限 {ctx.limits.max_image_pixels:,} 像素"
        "（limits.max_image_pixels），可能是恶意构造的“解压炸弹”，已拒绝读取"
    )


def _to_rgb(frame: Image.Image) -> np.ndarray:
    """Any Pillow mode → RGB uint8 array (transparency composited on white)."""
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(bg, rgba)
    elif frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(frame, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
        frame = Image.fromarray(arr.astype(np.uint8))
    return np.asarray(frame.convert("RGB"))


def read_image(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read an image file's bytes into one page per frame (see module doc)."""
    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="image")
    old_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = ctx.limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                img = Image.open(BytesIO(data))
                img.size  # noqa: B018 - header parsed
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                result.errors.append(_bomb_error(ctx))
                return result
            except Exception:
                result.errors.append("图片文件已损坏或格式不受支持，无法打开")
                return result
            with img:
                _read_frames(img, result, ctx)
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit
    return result


def _read_frames(img: Image.Image, result: ReadResult, ctx: ReadContext) -> None:
    n_frames = int(getattr(img, "n_frames", 1) or 1)
    if n_frames > ctx.limits.max_pages:
        result.errors.append(
            f"图片共 {n_frames} 帧/页，超过单个文件页数上限 {ctx.limits.max_pages} 页（limits.max_pages）"
        )
        return
    w, h = img.size
    if w * h > ctx.limits.max_image_pixels:
        result.errors.append(_bomb_error(ctx, f"（{w}×{h}）"))
        return
    result.meta.update({"format": img.format, "mode": img.mode, "frames": n_frames, "size": [w, h]})
    orientation = img.getexif().get(0x0112)
    if orientation and orientation != 1:
        result.meta["exif_orientation"] = int(orientation)  # applied before reading
    page_meta: list[dict[str, Any]] = []
    skipped = 0
    for i, frame in enumerate(ImageSequence.Iterator(img)):
        number = i + 1
        try:
            if frame.size[0] * frame.size[1] > ctx.limits.max_image_pixels:
                result.errors.append(_bomb_error(ctx, f"（第 {number} 页 {frame.size[0]}×{frame.size[1]}）"))
                continue
            upright = ImageOps.exif_transpose(frame) or frame
            arr = _to_rgb(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            result.errors.append(_bomb_error(ctx))
            return
        except Exception as exc:
            result.meta["incomplete"] = True  # not cached: the failure may be transient
            if isinstance(exc, MemoryError):  # this reader's memory: a fresh one may read it
                result.meta["memory_failure"] = True
            result.pages.append(
                Page(
                    number=number,
                    unit="px",
                    method="ocr",
                    warnings=[f"第 {number} 页图像无法解码（{type(exc).__name__}）"],
                )
            )
            continue
        page, info = image_page(arr, number, ctx)
        if info.get("ocr_skipped"):
            skipped += 1
        elif info:
            page_meta.append({"number": number, **info})
        result.pages.append(page)
    if page_meta:
        result.meta["pages"] = page_meta
    if skipped:
        result.warnings.append("图片需要 OCR 识别，但 OCR 未启用或不可用，文字未读取")


def image_page(arr: np.ndarray, number: int, ctx: ReadContext) -> tuple[Page, dict[str, Any]]:
    """OCR one RGB page image upright into a :class:`Page` (pixels)."""
    h, w = arr.shape[:2]
    page = Page(number=number, width=float(w), height=float(h), unit="px", method="ocr", ocr_reason=OCR_IMAGE)
    if not ctx.ocr_enabled:
        page.warnings.append("图片需要 OCR 识别，但 OCR 已关闭，文字未读取")
        return page, {"ocr_skipped": True}

    if not get_engine().is_available():
        page.warnings.append("图片需要 OCR 识别，但 OCR 引擎不可用，文字未读取")
        return page, {"ocr_skipped": True}
    res = ocr_page(arr, ctx)

    if ocr_page_wants_qr("".join(ln.text for ln in res.lines)):
        page.barcodes = decode_barcodes(arr, rotation=res.rotation)
    page.lines = res.lines
    if ctx.seals:
        # a photo or scan carries no resolution we can trust: take the page as about A4/invoice
        # width (≈ 230 mm) across its longer upright side's counterpart
        page.seals = seals_on_upright(arr, res.rotation, None, 1.0)
        page.seals_checked = True
    page.width, page.height = float(res.width), float(res.height)
    page.rotation = res.rotation
    return page, {"skew": res.skew, "ocr_seconds": res.seconds, "ocr_engine": res.engine}

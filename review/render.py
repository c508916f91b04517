"""Page images for the reviewer, with the evidence boxes drawn on them.

``render_page`` turns one page of an evidence file into a PNG (PyMuPDF for PDF, Pillow
for images, :mod:`extractor.ofd_render` for OFD), upright as the reader saw it (the
page's ``rotation``: for PDF the total clockwise turn from the stored page, applied with
``set_rotation``; for images the clockwise turn after EXIF correction), at most
``max_px`` × ``max_px`` pixels, and draws every evidence box (bbox in PDF points or
image pixels, origin top-left, in the upright frame) as a numbered rectangle.
``crop_evidence`` cuts the area around one box (the printable report's snippets).

These functions parse applicant files, so the UI never calls them directly: it goes
through :class:`RenderWorker`, one long-lived spawned process with an address-space
limit and a wall-time limit per request, killed and replaced when it crashes or hangs
(the same shape as :class:`review.worker.IsolatedReader`). DOCX has no page geometry:
the UI shows the document's text lines instead (nothing to render).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pymupdf
from PIL import Image, ImageDraw, ImageOps

from extractor.read import sniff
from review.worker import WorkerProcess, enter_child

MAX_PX = 2000  # longest side of a rendered page, pixels
DEFAULT_ZOOM = 2.0  # PDF points → pixels (144 dpi) before the max_px cap
RENDER_MEMORY = 1536 * 1024 * 1024
RENDER_SECONDS = 30.0
BOX_COLOURS = ["#e03131", "#1971c2", "#2f9e44", "#f08c00", "#9c36b5", "#0c8599"]

Box = tuple[float, float, float, float]


@dataclass
class Rendered:
    """A rendered page: PNG bytes and the scale used (pixels per bbox unit)."""

    png: bytes | None
    width: int = 0
    height: int = 0
    scale: float = 1.0
    error: str | None = None


def _sniff(data: bytes) -> str:
    return sniff(data)


def _upright(img: Any, rotation: int | None) -> Any:
    r = int(rotation or 0) % 360
    return img.rotate(-r, expand=True) if r else img  # PIL turns counter-clockwise


def _page_image(data: bytes, page: int, rotation: int | None, zoom: float, max_px: int) -> tuple[Any, float]:
    """(PIL image of the upright page, pixels per bbox unit)."""
    kind = _sniff(data)
    if kind == "pdf":
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            if not 1 <= page <= doc.page_count:
                raise ValueError(f"页码 {page} 超出范围（共 {doc.page_count} 页）")
            p = doc[page - 1]
            if rotation is not None:
                # the reader's Page.rotation is the total clockwise turn from the stored page
                p.set_rotation(int(rotation) % 360)
            w, h = p.rect.width, p.rect.height
            z = min(zoom, max_px / max(w, 1.0), max_px / max(h, 1.0))
            pix = p.get_pixmap(matrix=pymupdf.Matrix(z, z), alpha=False)
            img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
        return img, z
    if kind == "image":
        Image.MAX_IMAGE_PIXELS = 80_000_000
        with Image.open(io.BytesIO(data)) as im:
            frames = getattr(im, "n_frames", 1)
            if not 1 <= page <= frames:
                raise ValueError(f"页码 {page} 超出范围（共 {frames} 页）")
            im.seek(page - 1)
            img = ImageOps.exif_transpose(im.convert("RGB") if page > 1 else im)
            img = img.convert("RGB")
        img = _upright(img, rotation)
        scale = min(1.0, max_px / max(img.width, img.height, 1))
        if scale < 1.0:
            img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))))
        return img, scale
    if kind == "ofd":
        # late on purpose: the OFD page renderer (and the OFD reader it uses) costs about
        # 0.4 s to import, in a process that most of the time draws PDFs and images
        from extractor.ofd_render import OfdRenderError, render_ofd_page

        try:
            png = render_ofd_page(data, page, zoom=zoom)
        except OfdRenderError as exc:
            raise ValueError(str(exc)) from exc
        img = Image.open(io.BytesIO(png)).convert("RGB")
        z = zoom
        if max(img.width, img.height) > max_px:  # keep the same cap as PDF and images
            f = max_px / max(img.width, img.height)
            img = img.resize((max(1, round(img.width * f)), max(1, round(img.height * f))))
            z = zoom * f
        return _upright(img, rotation), z
    raise ValueError("该格式没有页面图像（Word 文档与 XML 只显示文字）")


def _draw_boxes(img: Any, boxes: list[Box], scale: float, labels: bool = True) -> Any:
    base = img.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width = max(2, round(min(base.size) / 400))
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        colour = BOX_COLOURS[i % len(BOX_COLOURS)]
        rgb = tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))
        pad = 2
        rect = [x0 * scale - pad, y0 * scale - pad, x1 * scale + pad, y1 * scale + pad]
        draw.rectangle(rect, outline=(*rgb, 255), fill=(*rgb, 40), width=width)
        if labels:
            tag = str(i + 1)
            tx, ty = rect[0], max(0, rect[1] - 14)
            draw.rectangle([tx, ty, tx + 8 * len(tag) + 6, ty + 13], fill=(*rgb, 230))
            draw.text((tx + 3, ty + 1), tag, fill=(255, 255, 255, 255))
    return Image.alpha_composite(base, overlay).convert("RGB")


def _png(img: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def render_page(
    data: bytes,
    page: int,
    boxes: list[Box] | None = None,
    rotation: int | None = None,
    zoom: float = DEFAULT_ZOOM,
    max_px: int = MAX_PX,
) -> Rendered:
    """Render one page (1-based) with ``boxes`` highlighted. Errors become ``Rendered.error``."""
    try:
        img, scale = _page_image(data, page, rotation, zoom, max_px)
        if boxes:
            img = _draw_boxes(img, boxes, scale)
        return Rendered(_png(img), img.width, img.height, scale)
    except Exception as exc:  # hostile or damaged input: report, never raise
        msg = str(exc) if isinstance(exc, ValueError) and str(exc) else type(exc).__name__
        return Rendered(None, error=f"页面无法显示：{msg}")


def crop_evidence(
    data: bytes,
    page: int,
    bbox: Box,
    rotation: int | None = None,
    margin: float = 36.0,
    zoom: float = DEFAULT_ZOOM,
    max_px: int = MAX_PX,
    min_width: float = 320.0,
    redact: list[Box] | None = None,
) -> Rendered:
    """A snippet around one evidence box (``margin`` in bbox units on every side), box drawn.

    ``redact`` boxes (same units) are blacked out first: personal data (身份证号, mobile
    numbers) must not leave the store inside an exported image.
    """
    try:
        img, scale = _page_image(data, page, rotation, zoom, max_px)
        if redact:
            draw = ImageDraw.Draw(img)
            for x0, y0, x1, y1 in redact:
                draw.rectangle(
                    [x0 * scale - 1, y0 * scale - 1, x1 * scale + 1, y1 * scale + 1], fill=(0, 0, 0)
                )
        img = _draw_boxes(img, [bbox], scale, labels=False)
        x0, y0, x1, y1 = (v * scale for v in bbox)
        m = margin * scale
        extra = max(0.0, (min_width * scale - (x1 - x0 + 2 * m)) / 2)
        left = max(0, int(x0 - m - extra))
        right = min(img.width, int(x1 + m + extra))
        top, bottom = max(0, int(y0 - m)), min(img.height, int(y1 + m))
        if right <= left or bottom <= top:
            raise ValueError("证据位置超出页面范围")
        snip = img.crop((left, top, right, bottom))
        return Rendered(_png(snip), snip.width, snip.height, scale)
    except Exception as exc:
        msg = str(exc) if isinstance(exc, ValueError) and str(exc) else type(exc).__name__
        return Rendered(None, error=f"证据截图失败：{msg}")


def page_count(data: bytes) -> int:
    """Pages of a renderable file (0 when it has no page images)."""
    try:
        kind = _sniff(data)
        if kind == "pdf":
            with pymupdf.open(stream=data, filetype="pdf") as doc:
                return doc.page_count
        if kind == "image":
            with Image.open(io.BytesIO(data)) as im:
                return int(getattr(im, "n_frames", 1))
    except Exception:
        return 0
    return 0


# ----------------------------------------------------------------- isolation


_CALLS = {"page": render_page, "crop": crop_evidence, "count": page_count}


def _render_child(conn: Connection, memory: int) -> None:
    enter_child(memory)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        op, args, kwargs = msg
        try:
            result: Any = _CALLS[op](*args, **kwargs)
        except MemoryError:
            result = Rendered(None, error="页面显示时超出内存上限，文件可能过大或已损坏")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            return


class RenderWorker(WorkerProcess):
    """Render pages in a separate process (memory cap, time limit, replaced on failure).

    Thread-safe: Streamlit sessions share one worker; requests are serialised.
    """

    def __init__(self, memory: int = RENDER_MEMORY, seconds: float = RENDER_SECONDS) -> None:
        super().__init__()
        self.memory = memory
        self.seconds = seconds
        self._lock = threading.Lock()

    def _target(self) -> tuple[Any, tuple[Any, ...]]:
        return _render_child, (self.memory,)

    def close(self) -> None:
        with self._lock:
            super().close()

    def _call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            conn = self._ensure_started()
            try:
                conn.send((op, args, kwargs))
                if conn.poll(self.seconds):
                    return conn.recv()
                reason = f"页面显示超时（超过 {self.seconds:.0f} 秒），显示进程已终止"
            except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
                reason = "页面显示进程异常退出，文件可能已损坏或超出内存上限"
            self._kill()
            self.restarts += 1
            return Rendered(None, error=reason) if op != "count" else 0

    def render_page(
        self,
        data: bytes,
        page: int,
        boxes: list[Box] | None = None,
        rotation: int | None = None,
        max_px: int = MAX_PX,
    ) -> Rendered:
        return self._call("page", data, page, boxes, rotation, max_px=max_px)

    def crop_evidence(
        self, data: bytes, page: int, bbox: Box, rotation: int | None = None, redact: list[Box] | None = None
    ) -> Rendered:
        return self._call("crop", data, page, bbox, rotation, redact=redact)

    def page_count(self, data: bytes) -> int:
        return int(self._call("count", data))

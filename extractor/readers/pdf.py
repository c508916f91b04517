"""PDF reader (PyMuPDF): text layer where it is usable, OCR page by page where not.

Coordinates: PDF points, origin top-left, in the frame of the page **as displayed**
(``/Rotate`` applied, i.e. ``page.rect``). PyMuPDF extracts text in the unrotated
frame; boxes are mapped through ``page.rotation_matrix``. If OCR finds that the
displayed page is still sideways or upside down, the page is read turned upright
and its boxes refer to that frame. In every case ``Page.rotation`` is the total
clockwise rotation from the stored (unrotated) page, so rendering the page with
``pymupdf_page.set_rotation(page.rotation)`` gives exactly the frame of the boxes
(for OCR pages, up to the small deskew reported in ``meta["pages"]``).

A page's text layer is judged unusable (→ OCR, ``Page.ocr_reason``) when:

* it has no text (``OCR_NO_TEXT``);
* it is garbled: glyphs without a Unicode mapping (U+FFFD, "(cid:"), private-use
  characters, control characters or letters of scripts that never occur in these
  documents (what fonts without ToUnicode produce) make up ≥ 10 % of the text
  (``OCR_GARBLED``);
* it covers a small part of a page that is mostly image, e.g. a scan with a tiny
  text stamp (``OCR_SCANNED``).

The check works on text already extracted, so it costs one regex pass per page;
image placement is queried only for pages with little text.
"""

from __future__ import annotations

import math
import re
import zlib
from typing import Any

import numpy as np
import pymupdf

from extractor.ocr import get_engine, ocr_page
from extractor.qr import decode_barcodes, decode_pdf_page_barcodes, ocr_page_wants_qr, page_wants_qr
from extractor.readers.context import ReadContext, sha256_bytes
from extractor.seals import pdf_page_may_have_seal, pdf_page_seals, seals_on_upright
from models.page import Line, Page, ReadResult, Word

OCR_NO_TEXT = "无文字层"
OCR_GARBLED = "文字层乱码"
OCR_SCANNED = "扫描图像页"
OCR_FORCED = "强制OCR"

TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP

# Characters a Chinese/English evidence document may contain; anything else in a
# text layer (U+FFFD, private use, C0 controls, Arabic/Syriac/... letters that
# glyph ids of an unmapped CJK font turn into) counts as garbled.
_BAD_CHAR = re.compile(
    "[^\t\n\r\x20-\x7e\u00a0-\u024f\u02b0-\u02ff\u0370-\u03ff\u0400-\u045f\u1e00-\u1eff"
    "\u2000-\u2bff\u2e80-\u9fff\uf900-\ufaff\ufb00-\ufb06\ufe10-\ufe1f\ufe30-\ufe6f"
    "\uff00-\uffef\U00020000-\U0003134f]"
)
GARBLED_RATIO = 0.10
SPARSE_TEXT_COVER = 0.10  # line boxes cover < 10 % of the page ...
IMAGE_COVER = 0.50  # ... while images cover ≥ 50 %: treat as a scanned page
# ... and one of them is big enough to hold a page of readable text (about 500 × 500 px;
# an A4 page at 60 dpi). Smaller images (seals, QR codes, logos) need no placement check,
# which spares a second text page per page.
SCAN_MIN_PIXELS = 250_000
# Word boxes (PyMuPDF "words") are attached only to text-layer lines holding visibly
# separate pieces (a run of 2+ blanks, e.g. "2021      04     28"): building Word
# objects for every line would cost more than the text extraction itself.
WORDS_SEPARATOR = "  "


def _error(name: str, data: bytes, msg: str) -> ReadResult:
    return ReadResult(file=name, sha256=sha256_bytes(data), kind="pdf", errors=[msg])


def read_pdf(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read a PDF's bytes into pages of positioned lines (see module doc)."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:
        return _error(name, data, "PDF 文件已损坏或格式不正确，无法打开")
    with doc:
        if doc.needs_pass and not doc.authenticate(""):
            return _error(name, data, "PDF 已加密（需要密码），无法读取")
        n = doc.page_count
        if n == 0:
            return _error(name, data, "PDF 中没有任何页面")
        if n > ctx.limits.max_pages:
            return _error(
                name,
                data,
                f"PDF 共 {n} 页，超过单个文件页数上限 {ctx.limits.max_pages} 页（limits.max_pages）",
            )
        meta: dict[str, Any] = {"page_count": n}
        meta.update({k: v for k, v in (doc.metadata or {}).items() if v and isinstance(v, str)})
        result = ReadResult(file=name, sha256=sha256_bytes(data), kind="pdf", meta=meta)
        # problems a reviewer must see even though the file was read
        result.errors.extend(document_flags(doc, data))
        page_meta: list[dict[str, Any]] = []
        skipped: list[int] = []
        for i in range(n):
            try:
                page = doc[i]
                refused = _refuse_page(doc, page, ctx)
                if refused:
                    pg, info = Page(number=i + 1, warnings=[refused]), {}
                else:
                    pg, info = _read_page(page, i + 1, ctx)
            except Exception as exc:  # one broken page must not lose the others
                pg = Page(number=i + 1, warnings=[f"第 {i + 1} 页无法读取（{type(exc).__name__}）"])
                info = {}
                result.meta["incomplete"] = True  # not cached: the failure may be transient
                if isinstance(exc, MemoryError):  # this reader's memory: a fresh one may read it
                    result.meta["memory_failure"] = True
            if pg.method == "ocr" and not pg.lines and info.get("ocr_skipped"):
                skipped.append(i + 1)
            result.pages.append(pg)
            extra = {k: v for k, v in info.items() if k != "ocr_skipped"}
            if extra:
                page_meta.append({"number": i + 1, **extra})
        if page_meta:
            result.meta["pages"] = page_meta
        if skipped:
            result.warnings.append(
                f"第 {_ranges(skipped)} 页需要 OCR 识别，但 OCR 未启用或不可用，这些页面的文字未读取"
            )
        return result


def document_flags(doc: pymupdf.Document, data: bytes) -> list[str]:
    """Chinese notes on a PDF that was opened but needs a reviewer's eye."""
    flags: list[str] = []
    start = data.find(b"%PDF-")
    if start > 0:
        flags.append(f"PDF 文件头前有 {start} 字节多余数据，文件可能被改动或拼接，请与原件核对")
    if doc.is_repaired:
        flags.append(
            "PDF 文件结构已损坏（交叉引用表或文件尾有误），已自动修复后读取，内容可能不完整，请与原件核对"
        )
    if (doc.metadata or {}).get("encryption"):
        flags.append("PDF 设有权限密码（限制打印或复制），已按只读方式读取，请确认材料为原件")
    n_files = doc.embfile_count()
    if n_files:
        flags.append(f"PDF 内嵌 {n_files} 个附件文件，未提取、未打开；如需核对请向申报单位索取原件")
    if _has_javascript(doc, data):
        flags.append("PDF 含 JavaScript 脚本，未执行；正常的申报材料不应包含脚本，请核实来源")
    return flags


def _has_javascript(doc: pymupdf.Document, data: bytes, max_objects: int = 200_000) -> bool:
    if b"/ObjStm" not in data:
        # every object is in the file as written: a byte search is enough
        return b"/JavaScript" in data or b"/JS" in data
    for xref in range(1, min(doc.xref_length(), max_objects)):
        try:
            obj = doc.xref_object(xref, compressed=True)
        except Exception:
            continue
        if "/JavaScript" in obj or "/JS" in obj:
            return True
    return False


DEFLATE_MAX_RATIO = 1032  # the deflate format's maximum expansion
_LENGTH_RE = re.compile(r"/Length\s+(\d+)(?!\s+\d+\s+R)")
_FILTER_RE = re.compile(r"/Filter")
_FILTER_ARRAY_RE = re.compile(r"/Filter\s*\[")


def _refuse_page(doc: pymupdf.Document, page: pymupdf.Page, ctx: ReadContext) -> str | None:
    """A reason not to read this page at all (absurd size, runaway drawing instructions)."""
    number = page.number + 1
    rect = page.rect
    side = ctx.limits.max_page_points
    if rect.width > side or rect.height > side:
        return (
            f"第 {number} 页尺寸异常（{rect.width:,.0f}×{rect.height:,.0f} 磅，超过 {side:,.0f} 磅，"
            "limits.max_page_points），未读取"
        )
    cap = ctx.limits.max_page_content_bytes
    total = 0
    for xref in page.get_contents():
        obj = doc.xref_object(xref, compressed=True)  # the stream's dictionary, one call
        m = _LENGTH_RE.search(obj)
        declared = int(m.group(1)) if m else None
        flate = "/FlateDecode" in obj and not _FILTER_ARRAY_RE.search(obj)
        if declared is not None and (not _FILTER_RE.search(obj) or flate):
            # deflate cannot expand more than ~1032:1: small streams are safe unread
            bound = declared * DEFLATE_MAX_RATIO if flate else declared
            if total + bound <= cap:
                total += declared
                continue
        raw = doc.xref_stream_raw(xref) or b""
        if flate:
            d = zlib.decompressobj()
            try:
                total += len(d.decompress(raw, max(cap - total, 1) + 1))
            except zlib.error:
                total += len(raw)
            if d.unconsumed_tail:
                total = cap + 1
        else:
            total += len(raw)
        if total > cap:
            return (
                f"第 {number} 页绘图指令过多（解压后超过 {cap // (1024 * 1024)} MB，"
                "limits.max_page_content_bytes），可能是恶意构造的文件，未读取"
            )
    return None


def _read_page(page: pymupdf.Page, number: int, ctx: ReadContext) -> tuple[Page, dict[str, Any]]:
    tp = page.get_textpage(flags=TEXT_FLAGS)
    raw = tp.extractDICT()
    raw_lines: list[tuple[tuple[float, float, float, float], str, tuple[float, float], int, int]] = []
    parts: list[str] = []
    for bno, block in enumerate(raw["blocks"]):
        for lno, line in enumerate(block.get("lines", ())):
            text = "".join(s["text"] for s in line["spans"])
            if text.strip():
                raw_lines.append((line["bbox"], text, line["dir"], bno, lno))
                parts.append(text)
    reason = OCR_FORCED if ctx.force_ocr else _ocr_reason(page, raw, raw_lines, "".join(parts))
    if reason is None:
        words = _words(tp) if any(WORDS_SEPARATOR in rl[1].strip() for rl in raw_lines) else {}
        pg = _text_page(page, number, raw_lines, words)

        if page_wants_qr(pg.text):
            pg.barcodes = decode_pdf_page_barcodes(page)
        if ctx.seals:
            pg.seals_checked = True
            if pdf_page_may_have_seal(page):
                pg.seals = pdf_page_seals(page, read=ctx.ocr_enabled, max_pixels=ctx.limits.max_render_pixels)
        return pg, {}
    return _ocr_page(page, number, reason, ctx)


def is_garbled(text: str) -> bool:
    r"""Whether a page's extracted text is mostly glyphs without a usable Unicode mapping.

    >>> is_garbled("统一社会信用代码：91330106599555490T 金额 ¥193.00")
    False
    >>> is_garbled("\ufffd\ufffd\ufffd\ufffd\ufffd 2017 10 06 \ufffd\ufffd")
    True
    >>> is_garbled("\ue000\ue001\ue002 193.00")  # private-use area
    True
    >>> is_garbled("ق\nࢵ\nᕹ\nӞ\nݎ\x03 \x03ᐥ 2017 10 06")  # glyph ids as letters of random scripts
    True
    >>> is_garbled("(cid:12)(cid:34)(cid:56) 2017")
    True
    >>> is_garbled("• 一、项目概况\uf0b7 二、建设内容 三、资金预算 四、绩效目标 五、进度安排")  # one symbol bullet
    False
    """
    n = len(text) - text.count(" ") - text.count("\u3000") - text.count("\t") - text.count("\n")
    if n <= 0:
        return False
    bad = len(_BAD_CHAR.findall(text)) + 4 * text.count("(cid:")
    return (bad >= 3 and bad >= GARBLED_RATIO * n) or bad / n >= 0.5


def _ocr_reason(page: pymupdf.Page, raw: dict[str, Any], raw_lines: list[Any], text: str) -> str | None:
    if not text.strip():
        return OCR_NO_TEXT
    if is_garbled(text):
        return OCR_GARBLED
    area = (raw.get("width") or 0) * (raw.get("height") or 0)
    if area <= 0:
        return None
    covered = sum((b[2] - b[0]) * (b[3] - b[1]) for b, *_ in raw_lines)
    if covered < SPARSE_TEXT_COVER * area and any(
        img[2] * img[3] >= SCAN_MIN_PIXELS for img in page.get_images()
    ):
        prect = pymupdf.Rect(0, 0, raw["width"], raw["height"])  # unrotated frame, like text
        img_area = 0.0
        for info in page.get_image_info():
            r = pymupdf.Rect(info["bbox"]) & prect
            if not r.is_empty:
                img_area += r.width * r.height
        if img_area >= IMAGE_COVER * prect.width * prect.height:
            return OCR_SCANNED
    return None


def _words(tp: pymupdf.TextPage) -> dict[tuple[int, int], list[tuple[float, float, float, float, str]]]:
    out: dict[tuple[int, int], list[tuple[float, float, float, float, str]]] = {}
    for x0, y0, x1, y1, w, bno, lno, _ in tp.extractWORDS():
        out.setdefault((bno, lno), []).append((x0, y0, x1, y1, w))
    return out


def _text_page(
    page: pymupdf.Page,
    number: int,
    raw_lines: list[Any],
    words: dict[tuple[int, int], list[tuple[float, float, float, float, str]]],
) -> Page:
    rot = page.rotation % 360
    mat = page.rotation_matrix if rot else None
    lines: list[Line] = []
    prev: tuple[float, float, float, float] | None = None
    prev_horizontal = False
    for bbox, text, direction, bno, lno in raw_lines:
        if mat is not None:
            bbox = tuple(pymupdf.Rect(bbox) * mat)
            dx, dy = direction
            direction = (mat.a * dx + mat.c * dy, mat.b * dx + mat.d * dy)
        horizontal = abs(direction[1]) < 0.02 and direction[0] > 0
        lw = words.get((bno, lno), ()) if WORDS_SEPARATOR in text.strip() else ()
        wl = (
            [Word(text=w[4], bbox=tuple(pymupdf.Rect(w[:4]) * mat) if mat is not None else w[:4]) for w in lw]
            if len(lw) > 1
            else []
        )
        if (
            prev is not None
            and horizontal
            and prev_horizontal
            and len(text.strip()) <= 2
            and _same_row(prev, bbox)
        ):
            # One glyph per text run (e.g. OFD→PDF converters): join the fragments of
            # the printed line. Spacing between such glyphs says nothing about blanks,
            # so nothing is inserted; blanks present in the PDF are kept.
            last = lines[-1]
            prev = (
                min(prev[0], bbox[0]),
                min(prev[1], bbox[1]),
                max(prev[2], bbox[2]),
                max(prev[3], bbox[3]),
            )
            last.text += text
            last.bbox = prev
            last.words.extend(wl)
            continue
        prev, prev_horizontal = bbox, horizontal
        lines.append(Line(text=text, bbox=bbox, confidence=1.0, method="text", words=wl))
    rect = page.rect
    return Page(
        number=number,
        width=rect.width,
        height=rect.height,
        unit="pt",
        method="text",
        lines=lines,
        rotation=rot,
    )


def _same_row(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Same baseline band, similar size, and ``b`` follows ``a`` closely."""
    ha, hb = a[3] - a[1], b[3] - b[1]
    if min(ha, hb) <= 0 or hb > 1.3 * ha or hb < 0.7 * ha:
        return False
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    gap = b[0] - a[2]
    return overlap >= 0.6 * min(ha, hb) and -0.3 * hb <= gap <= 2.0 * hb


def render_page(page: pymupdf.Page, ctx: ReadContext) -> tuple[np.ndarray, float]:
    """Render the displayed page to RGB pixels at ``ocr_dpi`` (lowered to respect
    ``max_render_pixels``); returns the array and the zoom (pixels per point)."""
    rect = page.rect
    zoom = ctx.limits.ocr_dpi / 72.0
    area = max(rect.width * rect.height, 1.0)
    if area * zoom * zoom > ctx.limits.max_render_pixels:
        zoom = math.sqrt(ctx.limits.max_render_pixels / area) * 0.995  # pixel rounding
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csRGB, alpha=False)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width * 3]
    img = img.reshape(pix.height, pix.width, 3)
    return img, pix.width / max(rect.width, 1e-6)


def _ocr_page(page: pymupdf.Page, number: int, reason: str, ctx: ReadContext) -> tuple[Page, dict[str, Any]]:
    rect = page.rect
    rot = page.rotation % 360
    base = Page(
        number=number,
        width=rect.width,
        height=rect.height,
        unit="pt",
        method="ocr",
        ocr_reason=reason,
        rotation=rot,
    )
    if not ctx.ocr_enabled:
        base.warnings.append(f"本页需要 OCR 识别（{reason}），但 OCR 已关闭，文字未读取")
        return base, {"ocr_skipped": True}

    if not get_engine().is_available():
        base.warnings.append(f"本页需要 OCR 识别（{reason}），但 OCR 引擎不可用，文字未读取")
        return base, {"ocr_skipped": True}
    for info in page.get_images(full=True):
        w, h = int(info[2] or 0), int(info[3] or 0)
        if w * h > ctx.limits.max_image_pixels:
            base.warnings.append(
                f"第 {number} 页内嵌图片 {w}×{h} 像素，超过单张图片上限 {ctx.limits.max_image_pixels:,} 像素"
                "（limits.max_image_pixels），可能是恶意构造的“解压炸弹”，未识别"
            )
            return base, {}
    pymupdf.TOOLS.reset_mupdf_warnings()
    img, zoom = render_page(page, ctx)
    broken = [
        w
        for w in pymupdf.TOOLS.mupdf_warnings().splitlines()
        if re.search(r"error|cannot|malformed", w, re.I)
    ]
    if broken:
        base.warnings.append(
            f"第 {number} 页图像数据损坏（{broken[0][:80]}），识别结果可能不完整，请与原件核对"
        )
    res = ocr_page(img, ctx)
    k = 1.0 / zoom

    if ocr_page_wants_qr("".join(ln.text for ln in res.lines)):
        base.barcodes = [
            b.model_copy(update={"bbox": tuple(v * k for v in b.bbox) if b.bbox else None})
            for b in decode_barcodes(img, rotation=res.rotation)
        ]
    lines = [
        ln.model_copy(update={"bbox": tuple(v * k for v in ln.bbox)}) if ln.bbox else ln for ln in res.lines
    ]
    base.lines = lines
    if ctx.seals:
        base.seals = seals_on_upright(img, res.rotation, zoom * 72 / 25.4, k)
        base.seals_checked = True
    base.width, base.height = res.width * k, res.height * k
    base.rotation = (rot + res.rotation) % 360
    info = {
        "ocr_dpi": round(zoom * 72, 1),
        "skew": res.skew,
        "ocr_seconds": res.seconds,
        "ocr_engine": res.engine,
    }
    return base, info


def _ranges(nums: list[int]) -> str:
    """Compact page list: [1, 2, 3, 5] → '1-3、5'.

    >>> _ranges([1, 2, 3, 5, 7, 8])
    '1-3、5、7-8'
    """
    out: list[str] = []
    start = prev = nums[0]
    for x in [*nums[1:], None]:
        if x is not None and x == prev + 1:
            prev = x
            continue
        out.append(f"{start}-{prev}" if prev != start else str(start))
        if x is not None:
            start = prev = x
    return "、".join(out)

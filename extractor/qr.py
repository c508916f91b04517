"""Invoice QR codes: decode them from page images / PDF pages and parse the VAT payload.

Every Chinese VAT invoice (paper 专票/普票 since 2017, 增值税电子普通发票, 数电票) prints a QR
code top-left whose payload names the invoice::

    01,<type>,<invoice code>,<invoice number>,<amount>,<YYYYMMDD>,<check code>,<crc>[,]

The verifier ``invoice.qr_matches`` compares it with the printed values: a printed
amount edited after issue no longer matches the QR. Which amount the QR carries depends
on the invoice type (see :func:`qr_amount_field` and docs/QR.md, established on the real
samples): the pre-tax 金额 for 增值税发票 (01/04/08/10/11/14), the 价税合计 for 数电票
(31/32) and the 数电 air itinerary (61).

Decoding uses zxing-cpp (imported lazily: the verifiers import the payload helpers only) (measured against OpenCV's ``QRCodeDetector`` on the real samples:
zxing decodes everything OpenCV decodes and more, 2–10× faster; see docs/QR.md). A page is
decoded whole first; only when no QR comes out are the places where zxing *located* a
symbol it could not read, and the top quarters of the page, cropped, upscaled and retried
(a dot-matrix QR on a phone photo of a paper invoice is decoded that way).

Coordinates: :func:`decode_barcodes` returns pixel boxes of the image given (optionally
turned like the reader's upright frame); :func:`decode_pdf_page_barcodes` returns PDF
points in the displayed frame of the page (``page.rect``, ``/Rotate`` applied), like the
PDF reader's lines.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pymupdf
import zxingcpp

from models.contract import FieldValue
from models.page import Barcode, BBox, Page

__all__ = [
    "QR_TYPE_NAMES",
    "decode_barcodes",
    "decode_pdf_page_barcodes",
    "find_invoice_qr",
    "page_wants_qr",
    "parse_invoice_qr",
    "qr_amount_field",
    "qr_field",
]

# Invoice type code (2nd field of the payload) → printed invoice kind.
QR_TYPE_NAMES: dict[str, str] = {
    "01": "增值税专用发票",
    "04": "增值税普通发票",
    "08": "增值税电子专用发票",
    "10": "增值税电子普通发票",
    "11": "增值税普通发票（卷式）",
    "14": "增值税电子普通发票（通行费）",
    "31": "电子发票（增值税专用发票）",
    "32": "电子发票（普通发票）",
    "51": "电子发票（铁路电子客票）",  # seen on a 2025 railway e-ticket: amount = 票价
    "61": "电子发票（航空运输电子客票行程单）",
}
# Which printed amount the QR amount is, per type (verified on real samples, docs/QR.md).
_EXCL_TAX_TYPES = frozenset({"01", "04", "08", "10", "11", "14"})
_TOTAL_TYPES = frozenset({"31", "32", "51", "61"})

# Retry stage: crops are upscaled so that a QR module gets >= ~4 px.
_CROP_SCALES = (2.0, 3.0, 4.0)
_TILE_SCALE = 2.0
# Keep the work bounded on huge inputs: the whole-image pass downsizes above this.
_MAX_PIXELS = 16_000_000
# A page render for QR search: this many pixels at most (A4 at 200 dpi is ~3.9 MP).
_MAX_RENDER_PIXELS = 12_000_000


# ---------------------------------------------------------------- image decoding


def _gray(img: np.ndarray) -> np.ndarray:
    """Any uint8 image (gray, RGB/BGR, RGBA) → contiguous gray uint8."""
    # late: OpenCV must not be loaded in the readers' fork server, which imports
    # this module (tests/test_worker.py); it loads with the first image decoded
    import cv2

    a = np.asarray(img)
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 3:
        if a.shape[2] == 4:
            a = a[:, :, :3]
        if a.shape[2] == 3:
            a = cv2.cvtColor(np.ascontiguousarray(a), cv2.COLOR_RGB2GRAY)
        else:
            a = a[:, :, 0]
    return np.ascontiguousarray(a)


def _box(pos: Any) -> tuple[float, float, float, float]:
    pts = [pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left]
    xs = [float(p.x) for p in pts]
    ys = [float(p.y) for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _format_name(fmt: Any) -> str:
    name = getattr(fmt, "name", None) or str(fmt)
    return name.rsplit(".", 1)[-1]


def _read(gray: np.ndarray) -> tuple[list[tuple[str, str, BBox]], list[BBox]]:
    """One zxing pass: (decoded (text, format, box)), (boxes of located but unreadable symbols)."""
    ok: list[tuple[str, str, BBox]] = []
    bad: list[BBox] = []
    try:
        found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode, return_errors=True)
    except Exception:  # a decoder failure is "nothing found", never an exception
        return ok, bad
    for b in found:
        if b.valid and b.text:
            ok.append((b.text, _format_name(b.format), _box(b.position)))
        else:
            bad.append(_box(b.position))
    return ok, bad


def _variants(crop: np.ndarray) -> Iterable[tuple[float, np.ndarray]]:
    """(scale, image): the crop upscaled, plain / Otsu-binarised / blurred (joins dot-matrix dots)."""
    import cv2  # late: see the first cv2 import of this module

    for s in _CROP_SCALES:
        up = cv2.resize(crop, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC)
        yield s, up
        yield s, cv2.threshold(up, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
        yield s, cv2.GaussianBlur(up, (7, 7), 0)


def _retry_crop(gray: np.ndarray, box: BBox, margin: float = 0.3) -> list[tuple[str, str, BBox]]:
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = box
    mx, my = (x1 - x0) * margin + 8, (y1 - y0) * margin + 8
    cx0, cy0 = max(0, int(x0 - mx)), max(0, int(y0 - my))
    cx1, cy1 = min(w, math.ceil(x1 + mx)), min(h, math.ceil(y1 + my))
    if cx1 - cx0 < 16 or cy1 - cy0 < 16:
        return []
    crop = gray[cy0:cy1, cx0:cx1]
    for s, v in _variants(crop):
        ok, _ = _read(v)
        if ok:
            return [
                (t, f, (b[0] / s + cx0, b[1] / s + cy0, b[2] / s + cx0, b[3] / s + cy0)) for t, f, b in ok
            ]
    return []


def _tiles(w: int, h: int) -> list[tuple[int, int, int, int]]:
    """Top-left quarter first (where invoices print the QR), then top-right (licences), then the bottom."""
    hw, hh = w // 2, h // 2
    ox, oy = w // 10, h // 10  # overlap so that a QR on a tile border is whole in one tile
    return [
        (0, 0, hw + ox, hh + oy),
        (hw - ox, 0, w, hh + oy),
        (0, hh - oy, hw + ox, h),
        (hw - ox, hh - oy, w, h),
    ]


def _rotate_box(box: BBox, w: float, h: float, rotation: int) -> BBox:
    """Turn a box of a w×h image clockwise by ``rotation`` (0/90/180/270) degrees."""
    x0, y0, x1, y1 = box
    r = rotation % 360
    if r == 90:
        return (h - y1, x0, h - y0, x1)
    if r == 180:
        return (w - x1, h - y1, w - x0, h - y0)
    if r == 270:
        return (y0, w - x1, y1, w - x0)
    return box


def decode_barcodes(img: np.ndarray, *, rotation: int = 0, thorough: bool = True) -> list[Barcode]:
    """Decode the QR codes of a page image (numpy, gray / RGB / BGR / RGBA, uint8).

    Whole image first; when no QR is decoded and ``thorough``, crops around symbols zxing
    located but could not read, then the four (overlapping) quarters, are upscaled and retried.
    Boxes are pixels of ``img``, turned clockwise by ``rotation`` degrees when the caller's
    page frame is the image turned upright (``Page.rotation`` of the image reader).
    Never raises: an unreadable image gives ``[]``.

    >>> decode_barcodes(np.full((200, 300), 255, np.uint8))
    []
    """
    import cv2  # late: see the first cv2 import of this module

    try:
        gray = _gray(img)
    except Exception:
        return []
    if gray.ndim != 2 or min(gray.shape) < 21:
        return []
    h, w = gray.shape
    scale = 1.0
    work = gray
    if h * w > _MAX_PIXELS:
        scale = math.sqrt(_MAX_PIXELS / (h * w))
        work = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, bad = _read(work)
    ok = [(t, f, tuple(v / scale for v in b)) for t, f, b in ok]
    bad = [tuple(v / scale for v in b) for b in bad]
    if not ok and thorough:
        for b in bad:
            ok = _retry_crop(gray, b)  # type: ignore[arg-type]
            if ok:
                break
    if not ok and thorough:
        for tx0, ty0, tx1, ty1 in _tiles(w, h):
            tile = gray[ty0:ty1, tx0:tx1]
            s = _TILE_SCALE if tile.size * _TILE_SCALE**2 <= _MAX_PIXELS else 1.0
            up = cv2.resize(tile, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC) if s != 1.0 else tile
            t_ok, t_bad = _read(up)
            ok = [
                (t, f, (b[0] / s + tx0, b[1] / s + ty0, b[2] / s + tx0, b[3] / s + ty0)) for t, f, b in t_ok
            ]
            for b in t_bad:
                if ok:
                    break
                ok = _retry_crop(gray, (b[0] / s + tx0, b[1] / s + ty0, b[2] / s + tx0, b[3] / s + ty0))
            if ok:
                break
    out: list[Barcode] = []
    seen: set[str] = set()
    for text, fmt, box in ok:
        if text in seen:
            continue
        seen.add(text)
        bb = _rotate_box(tuple(round(v, 1) for v in box), w, h, rotation)  # type: ignore[arg-type]
        out.append(Barcode(text=text, format=fmt, bbox=bb))
    return out


# ---------------------------------------------------------------- PDF pages


def _image_candidates(page: Any) -> list[dict[str, Any]]:
    """Image placements that could be a QR code: square-ish, 15–300 pt wide."""
    out = []
    try:
        infos = page.get_image_info(xrefs=True)
    except Exception:
        return out
    for info in infos:
        x0, y0, x1, y1 = info["bbox"]
        bw, bh = x1 - x0, y1 - y0
        if info.get("xref", 0) <= 0 or min(bw, bh) < 15 or max(bw, bh) > 300:
            continue
        if not 0.75 <= bw / max(bh, 1e-6) <= 1.33:
            continue
        if min(info.get("width", 0), info.get("height", 0)) < 21:
            continue
        out.append(info)
    return out


def _decode_embedded(page: Any, info: dict[str, Any]) -> list[Barcode]:
    import cv2  # late: see the first cv2 import of this module

    pix = pymupdf.Pixmap(page.parent, info["xref"])
    if pix.alpha or pix.colorspace is None or pix.colorspace.n != 1:
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pix) if pix.colorspace is not None else pix
    if pix.alpha:
        pix = pymupdf.Pixmap(pix, 0)
    arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width * pix.n]
    arr = arr.reshape(pix.height, pix.width, pix.n)[:, :, 0]
    # Quiet zone: an embedded QR image is often cropped right at the modules.
    pad = max(8, arr.shape[0] // 8)
    arr = cv2.copyMakeBorder(arr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    k = max(1, math.ceil(300 / min(arr.shape)))
    if k > 1:
        arr = cv2.resize(arr, None, fx=k, fy=k, interpolation=cv2.INTER_NEAREST)
    found = decode_barcodes(arr, thorough=False)
    if not found:
        return []
    x0, y0, x1, y1 = info["bbox"]
    tr = info.get("transform") or (1, 0, 0, 1, 0, 0)
    rect = pymupdf.Rect(x0, y0, x1, y1)
    mat = page.rotation_matrix
    out = []
    for b in found:
        box = rect
        if b.bbox and abs(tr[1]) < 1e-6 and abs(tr[2]) < 1e-6 and tr[0] > 0 and tr[3] > 0:
            # upright placement: map the symbol's share of the image onto the placement rect
            fx0, fx1 = (b.bbox[0] / k - pad) / pix.width, (b.bbox[2] / k - pad) / pix.width
            fy0, fy1 = (b.bbox[1] / k - pad) / pix.height, (b.bbox[3] / k - pad) / pix.height
            box = pymupdf.Rect(
                x0 + max(0.0, fx0) * rect.width,
                y0 + max(0.0, fy0) * rect.height,
                x0 + min(1.0, fx1) * rect.width,
                y0 + min(1.0, fy1) * rect.height,
            )
        box = box * mat  # unrotated frame → displayed frame
        out.append(Barcode(text=b.text, format=b.format, bbox=tuple(round(v, 2) for v in box)))  # type: ignore[arg-type]
    return out


def decode_pdf_page_barcodes(page: Any, dpi: int = 200) -> list[Barcode]:
    """QR codes of a PyMuPDF page; boxes in PDF points of the displayed page (origin top-left).

    Embedded square images (how issuers and converters place the invoice QR) are decoded
    first; when none holds a QR (e.g. a QR drawn as vector paths), the page is rendered at
    ``dpi`` (capped at 12 MP) and decoded with :func:`decode_barcodes`. Never raises.
    """
    out: list[Barcode] = []
    try:
        for info in _image_candidates(page):
            try:
                out.extend(_decode_embedded(page, info))
            except Exception:
                continue
        if out:
            return _dedupe(out)
        rect = page.rect
        zoom = dpi / 72.0
        area = max(rect.width * rect.height, 1.0)
        if area * zoom * zoom > _MAX_RENDER_PIXELS:
            zoom = math.sqrt(_MAX_RENDER_PIXELS / area)
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
        arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
        k = rect.width / max(pix.width, 1)
        for b in decode_barcodes(arr):
            bb = tuple(round(v * k, 2) for v in b.bbox) if b.bbox else None
            out.append(Barcode(text=b.text, format=b.format, bbox=bb))  # type: ignore[arg-type]
    except Exception:
        return _dedupe(out)
    return _dedupe(out)


def _dedupe(codes: list[Barcode]) -> list[Barcode]:
    seen: set[str] = set()
    out = []
    for c in codes:
        if c.text not in seen:
            seen.add(c.text)
            out.append(c)
    return out


# An invoice page prints its number (or code) and its body labels; prose that only
# mentions 发票 (「乙方开具增值税发票」) is not worth rendering for a QR search.
_INVOICE_ID_HINT = re.compile(r"发\s*票\s*[号代]\s*码|No[.:：]?\s*\d{8}")
_INVOICE_BODY_HINT = re.compile(r"价\s*税\s*合\s*计|开\s*票\s*日\s*期|校\s*验\s*码|购\s*买\s*方|销\s*售\s*方")


# A business licence prints a QR code too; many hold the registry's record as text
# (extractor.fields.license_qr), the rest a link.
_LICENCE_HINT = re.compile(r"营\s*业\s*执\s*照|统\s*一\s*社\s*会\s*信\s*用\s*代\s*码")


def page_wants_qr(text: str) -> bool:
    """Whether a text-layer page looks like an invoice, i.e. worth a QR search (rendering the
    page for it doubled the text path's reading time when licences were searched too:
    licences are searched when OCR'd, :func:`ocr_page_wants_qr`).

    >>> page_wants_qr("电子发票（增值税专用发票） 发票号码：2431… 开票日期：2024年05月28日")
    True
    >>> page_wants_qr("技术服务合同"), page_wants_qr("乙方应在收款后开具增值税发票。")
    (False, False)
    """
    t = text or ""
    return bool(_INVOICE_ID_HINT.search(t) and _INVOICE_BODY_HINT.search(t))


_OCR_INVOICE_HINT = re.compile(r"发\s*票|价\s*税\s*合\s*计|校\s*验\s*码|开\s*票\s*日\s*期|税\s*额")


def ocr_page_wants_qr(text: str) -> bool:
    """Looser :func:`page_wants_qr` for OCR'd text: any one invoice word (OCR may miss
    the labels that the QR code is there to confirm), or a licence's title or code label.
    Scans of receipts or contracts skip the QR search (several decoding passes over a
    200-dpi page).

    >>> ocr_page_wants_qr("电子发票（普通发票）"), ocr_page_wants_qr("价税合计 ¥106.00")
    (True, True)
    >>> ocr_page_wants_qr("营业执照"), ocr_page_wants_qr("中国工商银行 网上银行电子回单 付款人 户名")
    (True, False)
    """
    return bool(_OCR_INVOICE_HINT.search(text or "") or _LICENCE_HINT.search(text or ""))


# ---------------------------------------------------------------- payload


def _date8(s: str) -> _dt.date | None:
    if not re.fullmatch(r"\d{8}", s):
        return None
    try:
        return _dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None


def parse_invoice_qr(text: str) -> dict[str, Any] | None:
    """Parse a VAT-invoice QR payload; ``None`` when the text is not one.

    >>> q = parse_invoice_qr("01,31,,25317000002228021821,35559.69,20251020,,58E4")
    >>> q["type"], q["invoice_code"], q["invoice_number"], q["amount"], q["issue_date"], q["check_code"]
    ('31', '', '25317000002228021821', Decimal('35559.69'), datetime.date(2025, 10, 20), '')
    >>> q = parse_invoice_qr("01,10,034012000211,75505018,29.43,20210428,57948816702740209571,34F1,")
    >>> q["type_name"], q["invoice_code"], q["amount"], q["check_code"], q["crc"]
    ('增值税电子普通发票', '034012000211', Decimal('29.43'), '57948816702740209571', '34F1')
    >>> parse_invoice_qr("01,32, ,23442000000010967536,7894.25,20230207, ,2889")["invoice_code"]
    ''
    >>> parse_invoice_qr("http://www.gsxt.gov.cn/index.html?uniscid=91440507694788698B") is None
    True
    >>> parse_invoice_qr("01,10,034012000211,75505018,29.43,20211328,x,34F1") is None  # no 13th month
    True
    """
    if not isinstance(text, str):
        return None
    raw = text.strip()
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) < 6:
        return None
    version, kind, code, number, amount_s, date_s = parts[:6]
    if not re.fullmatch(r"\d{2}", version) or not re.fullmatch(r"\d{2}", kind):
        return None
    if code and not re.fullmatch(r"\d{10,12}", code):
        return None
    if not re.fullmatch(r"\d{8,20}", number):
        return None
    try:
        amount = Decimal(amount_s)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    day = _date8(date_s)
    if day is None:
        return None
    check = parts[6] if len(parts) > 6 else ""
    crc = parts[7] if len(parts) > 7 else ""
    return {
        "version": version,
        "type": kind,
        "type_name": QR_TYPE_NAMES.get(kind),
        "invoice_code": code,
        "invoice_number": number,
        "amount": amount,
        "issue_date": day,
        "check_code": check,
        "crc": crc,
        "raw": raw,
    }


def qr_amount_field(qr: dict[str, Any]) -> str | None:
    """The invoice field the QR amount must equal, by invoice type code.

    增值税发票 (01 专票, 04 普票, 08 电子专票, 10 电子普票, 11 卷票, 14 通行费) carry the
    pre-tax 金额; 数电票 (31 专票, 32 普票) and the 数电 air itinerary (61) the 价税合计.
    ``None`` for a type not established on real samples (the verifier then accepts either).

    >>> qr_amount_field({"type": "10"}), qr_amount_field({"type": "31"}), qr_amount_field({"type": "99"})
    ('amount_excl_tax', 'total_incl_tax', None)
    """
    kind = str(qr.get("type") or "")
    if kind in _EXCL_TAX_TYPES:
        return "amount_excl_tax"
    if kind in _TOTAL_TYPES:
        return "total_incl_tax"
    return None


# ---------------------------------------------------------------- field for the extractor


def find_invoice_qr(pages: list[Page]) -> tuple[Page, Barcode, dict[str, Any]] | None:
    """The first barcode on the pages whose text is an invoice QR payload."""
    for p in pages:
        for b in p.barcodes:
            q = parse_invoice_qr(b.text)
            if q is not None:
                return p, b, q
    return None


def qr_field(pages: list[Page]) -> FieldValue | None:
    """The invoice document's ``qr`` field: value = parsed payload (:func:`parse_invoice_qr`),
    page and bbox of the QR, ``method="qr"``; ``None`` when no page has an invoice QR.
    """
    hit = find_invoice_qr(pages)
    if hit is None:
        return None
    page, code, parsed = hit
    return FieldValue(
        value=parsed,
        page=page.number,
        bbox=list(code.bbox) if code.bbox else None,
        confidence=1.0,  # QR error correction: a decoded payload is exact
        source_text=code.text[:200],
        method="qr",
    )

"""Seals (印章) on a page image: where they are, their shape and colour, and what they say.

A Chinese official seal is a red ring (round for a company's 公章 / 合同专用章, oval for a
发票专用章 or the tax bureau's 全国统一发票监制章) with the owner's name curved along the inside of
the ring and a star, a word (合同专用章) or a tax number straight across the middle.

Detection (:func:`detect_seals`) works on an RGB page image:

1. red ink is segmented in HSV (hue near 0/180, enough saturation and brightness);
2. the ink is closed into blobs (characters + ring → one blob), each blob's outer contour
   gets an ellipse fit; a blob of seal size (about 1.2-6 cm across) whose ellipse is nearly
   round (``round``) or moderately flattened (``oval``) **and** whose outline is inked along
   most of the fitted ellipse is a seal (red table frames, headings and red text fail the
   ring test);
3. colour confidence is the share of strongly red pixels in the ring, lowered for pale or
   faded ink; on a page with no colour at all (a grey scan or a black-and-white copy) a
   seal-sized inked circle is reported as a ``grey`` seal with a low colour confidence:
   whether it was a red stamp cannot be decided. On a page in colour, grey rings away from
   the red seals are searched too (:func:`grey_on_colour`: a black-and-white copy stamped
   with the company's red seal, the authority's seal grey) and kept only when they read as a
   name.

Reading (:func:`read_seal_text`): the seal is cut out at OCR resolution and its ink made a
soft grey image (:func:`soft_ink`: the full-resolution luminance weighted by redness, so a
JPEG's half-resolution colour does not bloat the strokes and black text printed across the
seal disappears). The outline is fitted again on that image (:func:`fit_ring`), the band of
curved text just inside the ring is found from the radial ink profile and unwrapped along
offset curves of the ellipse at even arc length (:func:`band_strip`: level text, true
character shapes also on an oval), starting in the ring's widest gap whatever the seal's
rotation (:func:`ring_strip`). The name's run is recognised as one line with the project's
engine (:mod:`extractor.ocr`); the straight centre lines (the tax number of a 发票专用章) are
read from the middle turned level. Seal text is kept on the seal only: it never becomes a
page line or a field.

Coordinates of :class:`models.page.Seal` boxes are those of the page (PDF points or image
pixels, origin top-left); the helpers here work in pixels and take a ``scale`` (page units per
pixel).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np
import pymupdf

from extractor.ocr_geometry import _rot90_cw
from extractor.seal_ring import ROUND_MIN_RATIO, read_seal_text, ring_score
from models.page import Seal

# Physical size of seals: company seals are 38-45 mm, 发票专用章 40×30 mm, small personal or
# CPA stamps ~20 mm, 监制章 about 40×26 mm. Blobs are accepted between these diameters (mm).
MIN_SEAL_MM = 12.0
MAX_SEAL_MM = 65.0
# Share of points of the fitted ellipse that must lie on ink: the stamp's outline.
RING_MIN_COVER = 0.55
# Share of the ellipse's inside covered by ink above which the shape is filled (an emblem).
MAX_FILL = 0.45
# ... up to this much on a small or blurred photo, where a seal's text and star run together:
# kept only when its ring reads as a name (a national emblem or a logo reads as nothing)
DENSE_MAX_FILL = 0.65
OVAL_MIN_RATIO = 0.50  # between → oval; below: not a seal (a line, a word)
# Resolution seals are cut out at for OCR (pixels per mm ≈ 200 dpi).
READ_PX_PER_MM = 200 / 25.4
DETECT_PX_PER_MM = 4.0  # detection needs no more (~100 dpi)
TEXT_PAGE_DPI = 50  # text-layer pages are rendered this coarsely to look for seals
READ_DPI = 200


@dataclass
class SealCandidate:
    """A seal found on an image, in that image's pixels."""

    cx: float
    cy: float
    a: float  # semi-axis along ``angle`` (pixels)
    b: float  # the other semi-axis
    angle: float  # degrees, as cv2.fitEllipse reports it
    shape: str  # round | oval
    colour: str  # red | grey
    colour_confidence: float
    needs_name: bool = False  # only a seal if its ring reads as a name (reads_as_name)

    def scaled(self, fx: float, fy: float | None = None, dx: float = 0.0, dy: float = 0.0) -> SealCandidate:
        """The same seal in the image scaled by ``fx`` (× ``fy`` vertically), less (dx, dy)."""
        fy = fx if fy is None else fy
        k = (fx + fy) / 2.0
        return replace(self, cx=self.cx * fx - dx, cy=self.cy * fy - dy, a=self.a * k, b=self.b * k)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Axis-aligned bounding box of the rotated ellipse."""
        t = math.radians(self.angle)
        hw = math.hypot(self.a * math.cos(t), self.b * math.sin(t))
        hh = math.hypot(self.a * math.sin(t), self.b * math.cos(t))
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)


# ------------------------------------------------------------------ segmentation


def red_mask(img: np.ndarray, *, min_sat: int = 70, min_val: int = 70) -> np.ndarray:
    """Binary mask (uint8 0/255) of red ink in an RGB image (HSV hue ≤ 12 or ≥ 160)."""
    # late: OpenCV must not be loaded in the readers' fork server, which imports this
    # module (tests/test_worker.py); it loads with the first image decoded
    import cv2

    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red_hue = (h <= 12) | (h >= 160)
    return ((red_hue & (s >= min_sat) & (v >= min_val)).astype(np.uint8)) * 255


def is_colourless(img: np.ndarray) -> bool:
    """Whether an image carries (almost) no colour: a grey scan or a black-and-white copy."""
    import cv2

    small = img[:: max(1, img.shape[0] // 300), :: max(1, img.shape[1] // 300)]
    hsv = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2HSV)
    coloured = (hsv[..., 1] >= 60) & (hsv[..., 2] >= 60)
    return float(coloured.mean()) < 0.002


def _ring_cover(mask: np.ndarray, cx: float, cy: float, a: float, b: float, angle: float) -> float:
    """Share of points on the ellipse (and a thin band around it) that hit ink."""
    n = 180
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    th = math.radians(angle)
    hits = np.zeros(n, bool)
    h, w = mask.shape
    for k in (0.94, 0.97, 1.0, 1.03):
        x = cx + k * (a * np.cos(t) * math.cos(th) - b * np.sin(t) * math.sin(th))
        y = cy + k * (a * np.cos(t) * math.sin(th) + b * np.sin(t) * math.cos(th))
        xi = np.clip(np.round(x).astype(int), 0, w - 1)
        yi = np.clip(np.round(y).astype(int), 0, h - 1)
        hits |= mask[yi, xi] > 0
    return float(hits.mean())


def _colour_confidence(img: np.ndarray, blob: np.ndarray) -> float:
    """How surely the blob's ink is red: saturation and redness of its pixels."""
    import cv2

    px = img[blob > 0]
    if len(px) == 0:
        return 0.0
    hsv = cv2.cvtColor(px.reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(-1, 3)
    # the stronger half of the ink: a scan's or JPEG's pale fringe around each stroke is not
    # the colour of the stamp
    sat = float(np.percentile(hsv[:, 1], 75)) / 255.0
    r = px[:, 0].astype(float)
    gb = px[:, 1:].astype(float).max(axis=1)
    redness = float(np.percentile((r - gb) / np.maximum(r, 1.0), 75))
    # pale or faded red ink is still red (hue and a clear excess of red); a grey copy has neither
    return round(max(0.0, min(1.0, 0.5 * min(1.0, sat / 0.4) + 0.5 * min(1.0, redness / 0.35))), 3)


def _fit(points: np.ndarray) -> tuple[float, float, float, float, float] | None:
    import cv2

    if len(points) < 5:
        return None
    (cx, cy), (d1, d2), angle = cv2.fitEllipse(points)
    if not all(map(math.isfinite, (cx, cy, d1, d2, angle))) or min(d1, d2) <= 0:
        return None
    return cx, cy, d1 / 2.0, d2 / 2.0, angle


# a ring's circle found among its outline's points (:func:`_circle_in`) replaces the outline's
# ellipse when its own outline is inked this fully (a seal whose blob took in print beside it)
CIRCLE_MIN_COVER = 0.85
_CIRCLE_TRIES = 300


def _circle_in(points: np.ndarray, r_min: float, r_max: float) -> tuple[float, float, float] | None:
    """The circle through most of an outline's points (RANSAC on three points at a time, a
    fixed seed: the same page reads the same), of radius ``r_min..r_max``: the ring of a seal
    whose outline also runs round print merged with it (a date under the seal, half the ring
    cut off from the other by a white band).

    >>> t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    >>> ring = np.stack([100 + 60 * np.cos(t), 100 + 60 * np.sin(t)], 1)
    >>> date = np.stack([np.linspace(20, 180, 40), np.full(40, 175.0)], 1)   # print under it
    >>> [round(v) for v in _circle_in(np.concatenate([ring, date]), 30, 120)]
    [100, 100, 60]
    >>> _circle_in(ring, 70, 120) is None
    True
    """
    pts = np.asarray(points, float).reshape(-1, 2)
    if len(pts) < 12:
        return None
    rng = np.random.default_rng(0)
    best, best_n = None, 0
    for _ in range(_CIRCLE_TRIES):
        a, b, c = pts[rng.choice(len(pts), 3, replace=False)]
        d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
        if abs(d) < 1e-6:
            continue
        sa, sb, sc = a @ a, b @ b, c @ c
        ux = (sa * (b[1] - c[1]) + sb * (c[1] - a[1]) + sc * (a[1] - b[1])) / d
        uy = (sa * (c[0] - b[0]) + sb * (a[0] - c[0]) + sc * (b[0] - a[0])) / d
        r = math.hypot(a[0] - ux, a[1] - uy)
        if not r_min <= r <= r_max:
            continue
        dist = np.abs(np.hypot(pts[:, 0] - ux, pts[:, 1] - uy) - r)
        n = int((dist <= max(1.5, 0.04 * r)).sum())
        if n > best_n:
            best, best_n = (float(ux), float(uy), float(r)), n
    return best if best is not None and best_n >= 0.3 * len(pts) else None


def _without_rules(mask: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Remove long straight red lines (table frames of an invoice) that cross a seal."""
    import cv2

    n = max(9, int(15 * px_per_mm))
    horiz = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((1, n), np.uint8))
    vert = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    rules = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    return cv2.bitwise_and(mask, cv2.bitwise_not(rules))


def _candidates_from_mask(
    mask: np.ndarray, px_per_mm: float, min_cover: float
) -> list[tuple[float, float, float, float, float, np.ndarray, bool]]:
    """Ellipses of seal size whose outline is inked, with their blob masks and whether they
    are inked inside beyond ``MAX_FILL`` (up to ``DENSE_MAX_FILL``: a seal only if it reads
    as a name)."""
    import cv2

    lo, hi = MIN_SEAL_MM * px_per_mm, MAX_SEAL_MM * px_per_mm
    raw = mask  # filled shapes are judged on all the ink (the rule removal eats solid areas)
    mask = _without_rules(mask, px_per_mm)
    dil = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    k = max(3, round(1.5 * px_per_mm) | 1)  # join strokes ~1.5 mm apart
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = []
    for c in contours:
        _, _, w, h = cv2.boundingRect(c)
        if max(w, h) < lo or max(w, h) > hi or min(w, h) < OVAL_MIN_RATIO * max(w, h) * 0.8:
            continue
        hull = cv2.convexHull(c)
        fit = _fit(hull)
        if fit is None:
            continue
        cover = _ring_cover(dil, *fit)
        a, b = fit[2:4]
        if cover < CIRCLE_MIN_COVER:
            # an outline that is no clear ring may be a round seal merged with print beside it
            # (a date under it) or cut in two: the circle most of its outline runs round (an
            # outline inked all round keeps its ellipse: a photo's slant makes a seal oval)
            ring = _circle_in(c, lo / 2, hi / 2)
            if ring is not None and (rc := _ring_cover(dil, ring[0], ring[1], ring[2], ring[2], 0.0)) >= max(
                CIRCLE_MIN_COVER, cover
            ):
                fit, cover = (ring[0], ring[1], ring[2], ring[2], 0.0), rc
        cx, cy, a, b = fit[:4]
        major, minor = max(a, b), min(a, b)
        if 2 * major > hi * 1.1 or 2 * major < lo or minor / major < OVAL_MIN_RATIO:
            continue
        if cover < min_cover:
            continue
        blob = np.zeros_like(mask)
        cv2.drawContours(blob, [c], -1, 255, thickness=cv2.FILLED)
        inside = np.zeros_like(mask)
        cv2.ellipse(inside, ((cx, cy), (2 * a * 0.9, 2 * b * 0.9), fit[4]), 255, -1)
        area = max(1, cv2.countNonZero(inside))
        fill = cv2.countNonZero(cv2.bitwise_and(raw, inside)) / area
        if fill > DENSE_MAX_FILL:
            continue  # a filled red shape (an emblem, a logo), not a ring of text
        out.append((*fit, blob, fill > MAX_FILL))
    return out


def _plain(cands: list[SealCandidate]) -> list[SealCandidate]:
    """The candidates that are seals plainly, without having to read as a name."""
    return [c for c in cands if not c.needs_name]


def detect_seals(img: np.ndarray, px_per_mm: float) -> list[SealCandidate]:
    """Seals on an RGB page image whose resolution is ``px_per_mm`` pixels per millimetre
    (without the densely inked rings that are seals only if read as names: :func:`_detect`)."""
    return _plain(_detect(img, px_per_mm)[0])


def _detect(img: np.ndarray, px_per_mm: float) -> tuple[list[SealCandidate], np.ndarray | None, bool | None]:
    """:func:`detect_seals`, with the pale red mask and whether the page is colourless (None:
    not computed) for :func:`grey_on_colour` on the same image."""
    import cv2

    if img.ndim != 3 or img.shape[2] < 3 or min(img.shape[:2]) < 16:
        return [], None, None
    img = np.ascontiguousarray(img[..., :3])
    found: list[SealCandidate] = []
    mask = red_mask(img)
    pale = red_mask(img, min_sat=35, min_val=60)
    colourless: bool | None = None
    if int(cv2.countNonZero(pale)) >= 50:
        # strong ink first; then the paler ink for what it did not find (a faint or one-sided
        # impression whose ring breaks up among the strongly red pixels)
        cands = _candidates_from_mask(mask, px_per_mm, RING_MIN_COVER)
        for c in _candidates_from_mask(pale, px_per_mm, RING_MIN_COVER):
            if not any(
                math.hypot(c[0] - o[0], c[1] - o[1]) < 0.5 * max(o[2], o[3]) for o in cands if not o[6]
            ):
                cands.append(c)
        for cx, cy, a, b, angle, blob, dense in cands:
            ink = cv2.bitwise_and(pale, blob)
            conf = _colour_confidence(img, ink)
            ratio = min(a, b) / max(a, b)
            shape = "round" if ratio >= ROUND_MIN_RATIO else "oval"
            found.append(SealCandidate(cx, cy, a, b, angle, shape, "red", conf, needs_name=dense))
    if int(cv2.countNonZero(pale)) >= 50:
        found += [
            c
            for c in _arc_rings(img, pale, px_per_mm)
            if not any(math.hypot(c.cx - o.cx, c.cy - o.cy) < max(o.a, o.b, c.a) for o in found)
        ]
    if not _plain(found):
        colourless = is_colourless(img)
        if colourless:
            found.extend(_grey_seals(img, px_per_mm))
    # a dense ring never displaces a seal found plainly: it is kept only away from them
    sure = _dedupe(_plain(found))
    dense = [
        c
        for c in _dedupe([c for c in found if c.needs_name])
        if not any(math.hypot(c.cx - o.cx, c.cy - o.cy) < max(o.a, o.b, c.a, c.b) for o in sure)
    ]
    return sure + dense, pale, colourless


# a ring of arcs (:func:`_arc_rings`): inked this much along the circle, and this little just
# outside it (a ring stands alone; an emblem or a paragraph is inked around too)
ARC_MIN_COVER = 0.6
ARC_MAX_OUTSIDE = 0.2


def _arc_rings(img: np.ndarray, pale: np.ndarray, px_per_mm: float) -> list[SealCandidate]:
    """Round seals whose pale or worn ring broke into arcs that no blob joins (a faint
    impression, a seal half under the print of a date): circles of a seal's size found among
    the red ink (Hough on the pale mask), inked along most of their outline and blank just
    outside it. Each is a seal only if it reads as a name (``needs_name``)."""
    import cv2

    lo, hi = 15 * px_per_mm / 2, 50 * px_per_mm / 2
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(pale, (5, 5), 1.5),
        cv2.HOUGH_GRADIENT,
        dp=1.0,
        minDist=2 * lo,
        param1=100,
        param2=max(15, int(0.6 * lo)),
        minRadius=int(lo),
        maxRadius=int(hi),
    )
    if circles is None:
        return []
    dil = cv2.dilate(pale, np.ones((3, 3), np.uint8))
    out = []
    for x, y, r in circles[0][:8]:
        x, y, r = float(x), float(y), float(r)
        if _ring_cover(dil, x, y, r, r, 0.0) < ARC_MIN_COVER:
            continue
        if _ring_cover(dil, x, y, 1.25 * r, 1.25 * r, 0.0) > ARC_MAX_OUTSIDE:
            continue
        band = np.zeros_like(pale)
        cv2.circle(band, (round(x), round(y)), round(r), 255, max(2, round(0.12 * r)))
        conf = _colour_confidence(img, cv2.bitwise_and(pale, band))
        out.append(SealCandidate(x, y, r, r, 0.0, "round", "red", conf, needs_name=True))
    return out


def _grey_seals(img: np.ndarray, px_per_mm: float) -> list[SealCandidate]:
    """Seal-sized inked rings on a colourless page (a grey copy): colour undecidable.

    Circles are searched at 2 px/mm; a circle counts only when its outline is inked almost
    all round while just outside it the paper is mostly blank (a circle drawn through a
    paragraph of text is inked inside *and* outside), and the inside holds some ink (text)."""
    import cv2

    f = min(1.0, 2.0 / max(px_per_mm, 1e-6))
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    if f < 0.95:
        grey = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    else:
        f = 1.0
    ppm = px_per_mm * f
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    lo, hi = MIN_SEAL_MM * ppm / 2, 50 * ppm / 2
    circles = cv2.HoughCircles(
        cv2.GaussianBlur(grey, (3, 3), 1.0),
        cv2.HOUGH_GRADIENT,
        dp=1.0,
        minDist=lo * 2,
        param1=120,
        param2=max(20, int(1.5 * lo)),
        minRadius=int(max(lo, 6)),
        maxRadius=int(hi),
    )
    out: list[SealCandidate] = []
    if circles is None:
        return out
    dil = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    for x, y, r in circles[0][:6]:
        # Hough's centre and radius are off by a pixel or two at this scale: take the circle
        # nearby that lies best on the ink
        x, y, r = max(
            (
                (float(x) + dx, float(y) + dy, float(r) + dr)
                for dx in (-2, -1, 0, 1, 2)
                for dy in (-2, -1, 0, 1, 2)
                for dr in (-2, -1, 0, 1, 2)
            ),
            # ties: the outermost circle (the ring's outer edge), then the nearest to Hough's
            key=lambda c: (
                _ring_cover(dil, c[0], c[1], c[2], c[2], 0.0),
                c[2],
                -abs(c[0] - float(x)) - abs(c[1] - float(y)),
            ),
        )
        if _ring_cover(dil, x, y, r, r, 0.0) < 0.8 or _ring_cover(dil, x, y, 1.25 * r, 1.25 * r, 0.0) > 0.35:
            continue
        inner = np.zeros_like(ink)
        cv2.circle(inner, (int(x), int(y)), int(r * 0.8), 255, -1)
        fill = cv2.countNonZero(cv2.bitwise_and(ink, inner)) / max(1, cv2.countNonZero(inner))
        if not 0.04 <= fill <= 0.45:
            continue
        out.append(SealCandidate(x / f, y / f, r / f, r / f, 0.0, "round", "grey", 0.15))
    return out


def _dedupe(cands: list[SealCandidate]) -> list[SealCandidate]:
    out: list[SealCandidate] = []
    for c in sorted(cands, key=lambda c: -c.a * c.b):
        if any(math.hypot(c.cx - o.cx, c.cy - o.cy) < 0.5 * max(o.a, o.b) for o in out):
            continue
        out.append(c)
    return sorted(out, key=lambda c: (c.cy, c.cx))


def seal_from_candidate(
    cand: SealCandidate,
    scale: float,
    text: dict | None = None,
) -> Seal:
    """A page-model :class:`Seal` from a candidate found at ``1/scale`` pixels per page unit."""
    x0, y0, x1, y1 = cand.box
    t = text or {}
    return Seal(
        box=(round(x0 * scale, 2), round(y0 * scale, 2), round(x1 * scale, 2), round(y1 * scale, 2)),
        shape=cand.shape,  # type: ignore[arg-type]
        colour=cand.colour,  # type: ignore[arg-type]
        colour_confidence=cand.colour_confidence,
        text=t.get("text") or "",
        text_confidence=float(t.get("text_confidence") or 0.0),
        center_text=t.get("center_text") or "",
        tax_id=t.get("tax_id"),
        ring_frames=t.get("frames") or [],
    )


def seals_on_image(
    img: np.ndarray, px_per_mm: float, scale: float = 1.0, read: bool = True, assumed: bool = False
) -> list[Seal]:
    """Detect (and read) the seals of a page image (a scan, a photo, a rendered page).

    Detection runs on a copy of at most ``DETECT_PX_PER_MM``; reading cuts the seal out of the
    full image. ``scale`` converts pixels of ``img`` to page units (1 for images, points per
    pixel for PDF renders). ``assumed``: ``px_per_mm`` is a guess (a photo's size on paper is
    unknown), so a seal whose ring reads unsurely is read again at other sizes
    (:func:`_alt_readings`).
    """
    import cv2

    f = min(1.0, DETECT_PX_PER_MM / max(px_per_mm, 1e-6))
    small = img if f >= 0.95 else cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    f_x, f_y = small.shape[1] / img.shape[1], small.shape[0] / img.shape[0]
    found, pale, colourless = _detect(small, px_per_mm * (f_x + f_y) / 2)
    # grey rings on a page in colour count only where they read as a name (see grey_on_colour)
    sure = _plain(found)
    named_only = grey_on_colour(small, px_per_mm * (f_x + f_y) / 2, sure, pale, colourless) if read else []
    out = []
    for c, needs_name in [(c, c.needs_name) for c in found] + [(g, True) for g in named_only]:
        cand = c.scaled(1.0 / f_x, 1.0 / f_y)
        text = None
        if read:
            try:
                text = _read_on_image(img, cand, px_per_mm)
            except Exception:  # reading a seal must never lose the page
                text = None
        if needs_name and not reads_as_name(text):
            continue
        seal = seal_from_candidate(cand, scale, text)
        if read and assumed and ring_score((seal.text, seal.text_confidence)) < SURE_RING:
            seal.alt_texts, frames = _alt_readings(img, cand, px_per_mm, seal.text)
            seal.ring_frames += frames
        out.append(seal)
    return out


# a ring read this surely (:func:`extractor.seal_ring.ring_score`) is not read again at other sizes
SURE_RING = 0.95
# the diameter of an official round seal (mm): 38-45 mm; an authority's is 42 mm
ROUND_SEAL_MM = 42.0


def _alt_readings(
    img: np.ndarray, cand: SealCandidate, px_per_mm: float, first: str
) -> tuple[list[str], list[list]]:
    """The ring read again where the image's resolution was only assumed: as if the seal were
    an official seal's 42 mm across, and as if the page were 1.4× larger or smaller than
    assumed; distinct readings other than ``first``, in that order, with the steps of every
    reading (:func:`extractor.seal_ring.read_seal_text`). OCR of a curved ring
    depends on the size its strip is read at; which size suits a photo cannot be known first
    (``bench/seal_sizes.py`` on the real corpus's 285 tune licence photos: the authority read in
    253 with these readings, 249 without; reading 5 % slower)."""
    scales = [2 * max(cand.a, cand.b) / ROUND_SEAL_MM, px_per_mm / 1.4, px_per_mm / 0.7]
    out: list[str] = []
    frames: list[list] = []
    tried = [px_per_mm]
    for ppm in scales:
        if any(abs(ppm - t) < 0.1 * t for t in tried):
            continue
        tried.append(ppm)
        try:
            got = _read_on_image(img, cand, ppm, ring_only=True)
        except Exception:  # reading a seal must never lose the page
            continue
        text = got.get("text") or ""
        frames += got.get("frames") or []
        if text and text != first and text not in out:
            out.append(text)
    return out, frames


def grey_on_colour(
    img: np.ndarray,
    px_per_mm: float,
    found: list[SealCandidate],
    pale: np.ndarray | None = None,
    colourless: bool | None = None,
) -> list[SealCandidate]:
    """Grey seal-sized rings on a page image in colour, away from the seals ``found``: a
    black-and-white copy photographed or scanned in colour carries the authority's seal in grey
    beside the red seal stamped on the copy (a licence copy 「加盖公章」). Searched with the red
    ink blanked out; such a ring is only a seal if its text reads as a name
    (:func:`reads_as_name`): a colour photo has other rings (an emblem, a lens, a logo).
    ``pale`` and ``colourless``, when given, are :func:`_detect`'s for the same image."""
    if img.ndim != 3 or img.shape[2] < 3 or min(img.shape[:2]) < 16:
        return []
    # a page with red seals found has colour, however little of it (a grey copy stamped red
    # whose seal is its only colour counts as colourless by its share of coloured pixels)
    if not found and (colourless if colourless is not None else is_colourless(img)):
        return []
    work = np.ascontiguousarray(img[..., :3]).copy()
    work[(pale if pale is not None else red_mask(work, min_sat=35, min_val=60)) > 0] = 255
    return [
        g
        for g in _grey_seals(work, px_per_mm)
        if not any(math.hypot(g.cx - o.cx, g.cy - o.cy) < max(o.a, o.b, g.a) for o in found)
    ]


# A ring's reading names someone: four Han characters or more, read surely.
NAME_MIN_HAN = 4
NAME_MIN_CONFIDENCE = 0.8


def reads_as_name(text: dict | None) -> bool:
    """Whether a seal's reading (:func:`extractor.seal_ring.read_seal_text`) names someone.

    >>> reads_as_name({"text": "南京市秦淮区行政审批局", "text_confidence": 0.99})
    True
    >>> reads_as_name({"text": "1946公司", "text_confidence": 0.96}), reads_as_name({"text": "公示", "text_confidence": 0.67})
    (False, False)
    """
    t = (text or {}).get("text") or ""
    han = sum(1 for ch in t if "\u4e00" <= ch <= "\u9fff")
    return han >= NAME_MIN_HAN and float((text or {}).get("text_confidence") or 0.0) >= NAME_MIN_CONFIDENCE


def _read_on_image(img: np.ndarray, cand: SealCandidate, px_per_mm: float, ring_only: bool = False) -> dict:
    x0, y0, x1, y1 = (int(v) for v in cand.box)
    pad = int(0.05 * max(cand.a, cand.b)) + 2
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(img.shape[1], x1 + pad), min(img.shape[0], y1 + pad)
    crop = img[y0:y1, x0:x1]
    f = READ_PX_PER_MM / px_per_mm
    if f <= 1.2:
        return read_seal_text(crop, cand, float(x0), float(y0), ring_only=ring_only)
    import cv2

    crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    return read_seal_text(crop, cand.scaled(f), x0 * f, y0 * f, ring_only=ring_only)


# ------------------------------------------------------------------ PDF pages with a text layer

_COLOUR_OP = re.compile(rb"(?<![A-Za-z])(rg|RG|scn|SCN|sc|SC|k|K)(?=[\s\[/<(]|$)")
_NUMBER = re.compile(rb"^-?(?:\d+\.?\d*|\.\d+)$")


def _has_red_operator(stream: bytes) -> bool:
    """Whether drawing instructions set a red colour (vector seals, red text): each colour
    operator's operands are read back from the few bytes before it (linear in the stream)."""
    for m in _COLOUR_OP.finditer(stream):
        tokens = stream[max(0, m.start() - 48) : m.start()].split()
        n = 4 if m.group(1) in (b"k", b"K") else 3
        ops = tokens[-n:]
        if len(ops) < n or not all(_NUMBER.match(t) for t in ops):
            continue
        v = [float(t) for t in ops]
        if n == 3 and v[0] > 0.45 and v[0] - max(v[1], v[2]) > 0.25:
            return True
        if n == 4 and v[0] < 0.3 and v[1] > 0.5 and v[2] > 0.4:
            return True
    return False


def pdf_page_may_have_seal(page) -> bool:
    """Cheap test before rendering a text-layer page: a seal is an image or red drawing."""
    try:
        if page.get_images():
            return True
        doc = page.parent
        for xref in page.get_contents():
            if _has_red_operator(doc.xref_stream(xref) or b""):
                return True
        for xref, *_ in page.get_xobjects():
            stream = doc.xref_stream(xref) or b""
            if _has_red_operator(stream):
                return True
    except Exception:
        return True  # when in doubt, look
    return False


def _rgb(pix) -> np.ndarray:
    a = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return a[:, : pix.width * 3].reshape(pix.height, pix.width, 3)


def pdf_page_seals(page, read: bool = True, max_pixels: int = 40_000_000) -> list[Seal]:
    """Seals on a PDF page with a usable text layer (PyMuPDF page; boxes in points of the
    displayed page). Renders at ``TEXT_PAGE_DPI`` to find them and, only where one is found,
    at ``READ_DPI`` to read it."""

    rect = page.rect
    area = max(rect.width * rect.height, 1.0)
    z = TEXT_PAGE_DPI / 72.0
    pix = page.get_pixmap(matrix=pymupdf.Matrix(z, z), colorspace=pymupdf.csRGB, alpha=False)
    img = _rgb(pix)
    zoom = pix.width / max(rect.width, 1e-6)
    cands = detect_seals(img, zoom * 72 / 25.4)
    if not cands:
        return []
    out = []
    full = None
    zr = min(READ_DPI / 72.0, math.sqrt(max_pixels / area))
    for c in cands:
        text = None
        if read:
            try:
                if page.rotation % 360 == 0:
                    # only the seal's neighbourhood at reading resolution (clip is in points of
                    # the unrotated page, which is the displayed one here)
                    x0, y0, x1, y1 = (v / zoom for v in c.box)
                    m = 0.25 * max(x1 - x0, y1 - y0)
                    clip = pymupdf.Rect(x0 - m, y0 - m, x1 + m, y1 + m) & rect
                    p2 = page.get_pixmap(
                        matrix=pymupdf.Matrix(zr, zr), clip=clip, colorspace=pymupdf.csRGB, alpha=False
                    )
                    part = _rgb(p2)
                    k = p2.width / max(clip.width, 1e-6)  # pixels per point
                    ox, oy = clip.x0 * k, clip.y0 * k
                else:
                    if full is None:
                        p2 = page.get_pixmap(
                            matrix=pymupdf.Matrix(zr, zr), colorspace=pymupdf.csRGB, alpha=False
                        )
                        full = _rgb(p2)
                    part, k, ox, oy = full, full.shape[1] / max(rect.width, 1e-6), 0.0, 0.0
                # the outline is fitted again on the reading image (fit_ring)
                big = c.scaled(k / zoom, dx=ox, dy=oy)  # render pixels per detection pixel
                text = _read_on_image(part, big, k * 72 / 25.4)
            except Exception:
                text = None
        out.append(seal_from_candidate(c, 1.0 / zoom, text))
    return out


# Width of the paper an image is assumed to show when its resolution is unknown (a photo, a
# screenshot): between an A4 page (210 mm) and a VAT invoice (240 mm).
ASSUMED_WIDTH_MM = 225.0


def seals_on_upright(img: np.ndarray, rotation: int, px_per_mm: float | None, scale: float) -> list[Seal]:
    """Seals of a page image that OCR read turned by ``rotation`` degrees clockwise, in the
    frame of the upright page (the frame of its OCR lines; the small deskew is ignored).
    ``px_per_mm`` None: the resolution is unknown, the upright image is taken as
    ``ASSUMED_WIDTH_MM`` wide (landscape) or 210 mm wide (portrait)."""

    try:
        upright = _rot90_cw(img, rotation) if rotation else img
        assumed = px_per_mm is None
        if px_per_mm is None:
            h, w = upright.shape[:2]
            px_per_mm = w / (ASSUMED_WIDTH_MM if w >= h else 210.0)
        return seals_on_image(upright, px_per_mm, scale, assumed=assumed)
    except Exception:  # a seal problem must never lose the page
        return []

"""Page geometry of an OCR reading: which way the page is turned (voted by its lines' boxes
and the direction classifier), how far it is skewed, the reading order of lines, and turning
images and points accordingly. Pure functions of boxes and images, used by
:mod:`extractor.ocr` and the seal finder.
"""

from __future__ import annotations

import math

import numpy as np

from models.page import Line

MAX_SKEW_DEGREES = 10.0
MIN_SKEW_DEGREES = 0.3


def _rot90_cw(img: np.ndarray, degrees: int) -> np.ndarray:
    import cv2  # late: see _to_bgr

    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(img, code[degrees]) if degrees in code else img


def _rotate_about_centre(pts: np.ndarray, degrees: float, w: float, h: float) -> np.ndarray:
    """Rotate points by ``degrees`` (positive = clockwise on screen) about the image centre."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    cx, cy = w / 2.0, h / 2.0
    x, y = pts[..., 0] - cx, pts[..., 1] - cy
    nx = np.clip(c * x - s * y + cx, 0, w)
    ny = np.clip(s * x + c * y + cy, 0, h)
    return np.stack([nx, ny], axis=-1).astype(np.float32)


def page_orientation(
    quads: np.ndarray, texts: list[str], scores: list[float], cls: list[tuple[str, float]]
) -> int:
    """Clockwise degrees that turn the page upright, voted by the text lines.

    A detected box much taller than wide is a line lying on its side: RapidOCR turns
    such crops 90° counter-clockwise before the 0/180 classifier, so "tall + 0" means
    the text runs top→bottom (page needs 270° clockwise) and "tall + 180" means it runs
    bottom→top (page needs 90°). Wide boxes vote 0 or 180 from the classifier. Votes
    are weighted by text length × recognition score; boxes near square are ignored.

    >>> q = np.array([[[0, 0], [20, 0], [20, 200], [0, 200]]] * 3, np.float32)
    >>> page_orientation(q, ["营业执照文字"] * 3, [0.9] * 3, [("0", 0.99)] * 3)
    270
    >>> page_orientation(q, ["营业执照文字"] * 3, [0.9] * 3, [("180", 0.99)] * 3)
    90
    >>> wide = np.array([[[0, 0], [200, 0], [200, 20], [0, 20]]] * 3, np.float32)
    >>> page_orientation(wide, ["文字文字"] * 3, [0.9] * 3, [("180", 0.95)] * 3)
    180
    >>> page_orientation(wide, ["文字文字"] * 3, [0.9] * 3, [("0", 0.95)] * 3)
    0
    """
    votes = {0: 0.0, 90: 0.0, 180: 0.0, 270: 0.0}
    for q, t, s, c in zip(quads, texts, scores, cls, strict=False):
        w = float(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[2] - q[3])))
        h = float(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
        if min(w, h) <= 0:
            continue
        flipped = "180" in str(c[0])
        weight = max(len(t.strip()), 1) * max(s, 0.05) * (0.5 + 0.5 * float(c[1]))
        if h / w >= 1.5:
            votes[90 if flipped else 270] += weight * min(h / w / 1.5, 3.0)
        elif w / h >= 1.5:
            votes[180 if flipped else 0] += weight * min(w / h / 1.5, 3.0)
    total = sum(votes.values())
    if total <= 0:
        return 0
    best = max(votes, key=lambda k: votes[k])
    # Stay upright unless another orientation clearly wins.
    if best != 0 and votes[best] >= 0.6 * total:
        return best
    return 0


def estimate_skew(quads: np.ndarray) -> float:
    """Median angle (degrees, clockwise positive) of long, level-ish text boxes.

    Returns 0.0 when fewer than 3 long boxes exist or the angle is negligible or
    larger than ``MAX_SKEW_DEGREES`` (then it is not a skew).

    >>> q = np.array([[[0, 0], [300, 21], [298, 51], [-2, 30]]] * 3, np.float32)
    >>> estimate_skew(q)
    4.0
    """
    top = quads[:, 1] - quads[:, 0]
    widths = np.hypot(top[:, 0], top[:, 1])
    heights = np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    keep = (widths >= 3 * np.maximum(heights, 1)) & (widths >= 40) & (top[:, 0] > 0)
    if keep.sum() < 3:
        return 0.0
    angles = np.degrees(np.arctan2(top[keep, 1], top[keep, 0]))
    angle = float(np.median(angles))
    if abs(angle) < MIN_SKEW_DEGREES or abs(angle) > MAX_SKEW_DEGREES:
        return 0.0
    return round(angle, 1)


def reading_order(lines: list[Line]) -> list[Line]:
    """Sort lines top-to-bottom, left-to-right; lines sharing a row stay together."""
    items = sorted((ln for ln in lines if ln.bbox), key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2)  # type: ignore[index]
    rows: list[list[Line]] = []
    for ln in items:
        y0, y1 = ln.bbox[1], ln.bbox[3]  # type: ignore[index]
        if rows:
            r0 = rows[-1][0].bbox
            ry0, ry1 = r0[1], r0[3]  # type: ignore[index]
            overlap = min(y1, ry1) - max(y0, ry0)
            if overlap >= 0.5 * min(y1 - y0, ry1 - ry0):
                rows[-1].append(ln)
                continue
        rows.append([ln])
    out = [ln for row in rows for ln in sorted(row, key=lambda ln: ln.bbox[0])]  # type: ignore[index]
    return out + [ln for ln in lines if not ln.bbox]

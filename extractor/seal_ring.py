"""Reading a seal's text (see :mod:`extractor.seals` for finding the seals).

The seal is cut out at OCR resolution and its ink made a soft grey image (:func:`soft_ink`:
the full-resolution luminance weighted by redness, so a JPEG's half-resolution colour does not
bloat the strokes and black text printed across the seal disappears). The outline is fitted
again on that image (:func:`fit_ring`), the band of curved text just inside the ring is found
from the radial ink profile and unwrapped along offset curves of the ellipse at even arc length
(:func:`band_strip`), starting in the ring's widest gap whatever the seal's rotation
(:func:`ring_strip`). The name's run is recognised as one line with the project's engine
(:mod:`extractor.ocr`), scored so that a sure fragment does not beat a fair whole name
(:func:`ring_score`); a pale stamp is read again from the ink's darkness. The straight centre
lines (the tax number of a 发票专用章) are read from the middle turned level.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np

from extractor.ocr import get_engine
from extractor.ocr_alts import ReadText

if TYPE_CHECKING:
    from extractor.seals import SealCandidate

ROUND_MIN_RATIO = 0.86  # minor/major axis ratio of a seal: at or above → round
# A ring reading worth less than this (see ring_score) is tried again on the ink's darkness.
PALE_RETRY_BELOW = 0.6
TAX_ID_RE = re.compile(r"[0-9A-Z]{15,20}")


def soft_ink(crop: np.ndarray, colour: str = "red") -> np.ndarray:
    """Ink strength (float32, 0 paper … 1 full ink) of a seal cut-out, kept soft (grey levels).

    Red seals: the darkness of the full-resolution luminance, weighted by how red the pixel
    is. A JPEG stores colour at half resolution, so a mask from hue or saturation alone bloats
    every stroke into its neighbours; the luminance keeps the stroke's shape, the redness
    only selects the ink (black text printed across the seal has no redness and vanishes).
    Grey seals (a colourless copy): the darkness itself. Contrast is stretched so that pale
    or faded ink reads like full ink.
    """
    import cv2

    # smooth JPEG blocking and scan grain, keeping the strokes' edges
    c = cv2.bilateralFilter(np.ascontiguousarray(crop[..., :3]), 5, 40, 5).astype(np.float32)
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    lum = 0.299 * r + 0.587 * g + 0.114 * b
    dark = np.clip(255.0 - lum, 0, 255)
    if colour == "red":
        redness = cv2.GaussianBlur(np.clip((r - np.maximum(g, b) - 15.0) / 45.0, 0, 1), (3, 3), 0)
        dark = dark * redness
    else:
        dark = np.clip(dark - float(np.percentile(dark, 50)), 0, 255)
    vals = dark[dark > 20]
    top = float(np.percentile(vals, 90)) if len(vals) > 50 else 255.0
    return np.clip(dark / max(top, 40.0), 0, 1).astype(np.float32)


def _axes(cand: SealCandidate, ox: float, oy: float) -> tuple[float, float, float, float, float]:
    """Centre (in the crop), long and short semi-axis and the long axis' angle (degrees)."""
    a, b, ang = cand.a, cand.b, cand.angle
    if cand.shape == "round":
        a = b = (a + b) / 2.0
    if b > a:
        a, b, ang = b, a, ang + 90.0
    return cand.cx - ox, cand.cy - oy, a, b, ang


def fit_ring(ink: np.ndarray, ellipse) -> tuple[float, float, float, float, float]:
    """The seal's outline fitted again on the reading image: an ellipse through the ink near
    the detected outline (the detection's fit, made coarse and on a closed blob, is off by a
    few pixels, which bends the unwrapped text). The detected one when the fit disagrees."""
    import cv2

    cx, cy, a, b, _ = ellipse
    h, w = ink.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cur = ellipse
    for lo, hi in ((0.86, 1.14), (0.92, 1.08)):
        ccx, ccy, ca, cb, cang = cur
        th = math.radians(cang)
        dx, dy = xx - ccx, yy - ccy
        u = (dx * math.cos(th) + dy * math.sin(th)) / ca
        v = (-dx * math.sin(th) + dy * math.cos(th)) / cb
        rho = np.sqrt(u * u + v * v)
        sel = (rho > lo) & (rho < hi) & (ink > 0.5)
        pts = np.column_stack([xx[sel], yy[sel]])
        if len(pts) < 40:
            return ellipse
        (fx, fy), (d1, d2), fang = cv2.fitEllipse(pts)
        fa, fb = d1 / 2.0, d2 / 2.0
        if fb > fa:
            fa, fb, fang = fb, fa, fang + 90.0
        if not (math.hypot(fx - cx, fy - cy) < 0.12 * a and 0.85 < fa / a < 1.15 and 0.85 < fb / b < 1.15):
            return ellipse
        if ca == cb and fb / fa > ROUND_MIN_RATIO:  # a round seal stays round
            fa = fb = (fa + fb) / 2.0
        cur = (fx, fy, fa, fb, fang)
    return cur


def band_strip(
    ink: np.ndarray,
    ellipse: tuple[float, float, float, float, float],
    d_top: float,
    d_bottom: float,
    n_rows: int,
    px_per_col: float = 1.0,
) -> np.ndarray:
    """Sample a band that follows the seal's outline into a level strip (ink 0..1).

    Rows are offset curves of the fitted ellipse, ``d_top`` … ``d_bottom`` pixels inside it
    (negative: outside); columns are evenly spaced along the outline, clockwise on the page
    from the end of the long axis. Characters keep their true shape also on an oval seal,
    where a plain polar unwrap would squeeze them at the sides and stretch them at the top."""
    import cv2

    cx, cy, a, b, ang = ellipse
    th = math.radians(ang)
    ux, uy, vx, vy = math.cos(th), math.sin(th), -math.sin(th), math.cos(th)
    fine = np.linspace(0.0, 2 * np.pi, 4096, endpoint=False)
    speed = np.hypot(a * np.sin(fine), b * np.cos(fine))
    arc = np.concatenate([[0.0], np.cumsum(speed) * (2 * np.pi / 4096)])
    mid = (d_top + d_bottom) / 2.0
    # one column per ``px_per_col`` pixels of arc at the middle of the band
    scale = max(0.2, 1.0 - mid / max(1e-6, (a + b) / 2.0))
    n_cols = max(32, int(arc[-1] * scale / px_per_col))
    t = np.interp(np.linspace(0.0, arc[-1], n_cols, endpoint=False), arc, np.r_[fine, 2 * np.pi])
    px, py = a * np.cos(t), b * np.sin(t)  # outline, ellipse frame
    nx, ny = np.cos(t) / a, np.sin(t) / b  # outward normal
    norm = np.hypot(nx, ny)
    nx, ny = nx / norm, ny / norm
    d = np.linspace(d_top, d_bottom, max(4, n_rows))[:, None]
    lx, ly = px[None, :] - d * nx[None, :], py[None, :] - d * ny[None, :]
    x = (cx + lx * ux + ly * vx).astype(np.float32)
    y = (cy + lx * uy + ly * vy).astype(np.float32)
    return cv2.remap(ink, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def _ring_band(ink: np.ndarray, ellipse) -> tuple[float, float]:
    """Depths (pixels inside the fitted outline) of the text band: the ring is the strongest
    ink peak near the outline; the name starts just inside it and ends where the ink fades
    before the middle (its characters are 0.2-0.45 of the radius tall, seal by seal)."""
    _, _, a, b, _ = ellipse
    r = (a + b) / 2.0
    depths = np.linspace(-0.15 * b, 0.7 * b, 86)
    prof = band_strip(ink, ellipse, depths[0], depths[-1], len(depths), px_per_col=3.0).mean(axis=1)
    k = int(np.argmax(prof[depths < 0.25 * b]))
    peak = float(prof[k])
    if peak <= 0.15:
        return 0.08 * r, 0.5 * r
    i = k
    while i < len(depths) - 1 and prof[i] > 0.45 * peak:
        i += 1
    top = float(depths[i])
    lo, hi = top + 0.18 * r, top + 0.45 * r
    text = prof[(depths > top) & (depths <= hi)]
    if not len(text):
        return top, top + 0.42 * r
    fade = 0.3 * float(text.max())
    j = int(np.argmax(text)) + int((depths <= top).sum())
    while j < len(depths) - 1 and depths[j] < hi and prof[j] > fade:
        j += 1
    return top, float(min(hi, max(lo, depths[j] + 0.03 * r)))


def _runs(on: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    idx = np.flatnonzero(on)
    if not len(idx):
        return []
    runs = [[int(idx[0]), int(idx[0])]]
    for x in idx[1:]:
        if x - runs[-1][1] <= max_gap:
            runs[-1][1] = int(x)
        else:
            runs.append([int(x), int(x)])
    return [(s, e + 1) for s, e in runs]


def _name_columns(strip: np.ndarray) -> np.ndarray:
    """Columns of an unwrapped band that may hold the ring's name: inked both in the band's
    outer part (the small code along the bottom of some seals has only that) and in its inner
    part (a straight bottom word like 合同专用章, or a line crossing the seal's foot, only that)."""
    h = strip.shape[0]
    inked = strip > 0.35
    k = int(0.45 * h)
    return (inked[:k].sum(axis=0) > 0) & (inked[k:].sum(axis=0) > max(1, h // 60))


def ring_strip(ink: np.ndarray, ellipse, band: tuple[float, float] | None = None) -> np.ndarray:
    """The seal's ring text unwrapped into a level strip (ink 0..1), starting in the widest
    gap of the ring (where the curved name begins and ends), whatever the seal's rotation."""
    top, bottom = band or _ring_band(ink, ellipse)
    full = band_strip(ink, ellipse, top, bottom, max(8, int(bottom - top)))
    col = _name_columns(full)
    n = len(col)
    # the widest circular gap (columns without the name's ink) is where the name starts and ends
    gaps = _runs(~np.r_[col, col], max_gap=1)
    a, b = max(gaps, key=lambda g: g[1] - g[0]) if gaps else (0, 0)
    return np.roll(full, -(((a + min(b, a + n)) // 2) % n), axis=1)


def _grey(ink: np.ndarray) -> np.ndarray:
    return (255.0 - 255.0 * np.clip(ink, 0, 1)).astype(np.uint8)


def _rec(engine, grey: np.ndarray, frames: bool = False) -> tuple[str, float]:
    """One line recognised; with ``frames`` the text carries the model's view at every step
    (:func:`extractor.ocr_alts.frames_of`), for a reader that knows which names may stand there."""
    import cv2

    if grey.size == 0 or min(grey.shape[:2]) < 4:
        return "", 0.0
    padded = cv2.copyMakeBorder(grey, 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=255)
    text, score = engine.recognize_line(cv2.cvtColor(padded, cv2.COLOR_GRAY2RGB), frames=frames)
    out = ReadText(re.sub(r"\s", "", text))
    out.frames = getattr(text, "frames", ())
    return out, round(score, 3)


def _ring_text(engine, strip: np.ndarray) -> tuple[str, float]:
    """The name along the ring, recognised as one line from the unwrapped strip (ink 0..1).

    The name's characters fill the text band (see :func:`_name_columns`); the strip starts in
    the ring's widest gap, so the name is the longest run of name columns, joining the gaps
    between characters (up to 1.6 band heights: seals spread a short name over the arc). When
    that reads poorly, tighter runs (the name without a neighbouring mark) and the longest run
    of any ink are tried too and the surest reading is kept."""
    h = strip.shape[0]
    inked = strip > 0.35
    runs = _runs(inked.sum(axis=0) > max(1, h // 40), max_gap=max(2, int(0.6 * h)))
    if not runs:
        return "", 0.0
    names = _name_columns(strip)
    grey = _grey(strip)

    def rec(x0: int, x1: int) -> tuple[str, float]:
        rows = _runs(inked[:, x0:x1].sum(axis=1) > 0, max_gap=max(1, h // 8))
        y0, y1 = (min(r[0] for r in rows), max(r[1] for r in rows)) if rows else (0, h)
        return _rec(engine, grey[max(0, y0 - 2) : y1 + 2, max(0, x0) : x1], frames=True)

    tries = []
    m = int(0.12 * h)
    for join in (1.6, 0.5):
        deep = _runs(names, max_gap=max(2, int(join * h)))
        if deep:
            a, b = max(deep, key=lambda r: r[1] - r[0])
            tries.append((a - m, b + m))
    longest = max(runs, key=lambda r: r[1] - r[0])
    tries.append((longest[0] - 4, longest[1] + 4))
    cols = np.flatnonzero(names)
    if len(cols):
        # the whole name from its first to its last column: pale glyphs in the middle of a
        # worn stamp break the runs above into pieces, each read alone as a fragment
        tries.append((int(cols[0]) - m, int(cols[-1]) + m))
    best = ("", 0.0)
    for a, b in dict.fromkeys(tries):
        got = rec(max(0, a), b)
        if ring_score(got) > ring_score(best):
            best = got
        if best[1] >= 0.8 and len(best[0]) >= FULL_NAME_CHARS:
            break
    return best


# A seal's name along the ring has this many glyphs or more (the shortest company or organ
# names, 「某某局」 aside); a shorter reading is likely a fragment of it.
FULL_NAME_CHARS = 6


def ring_score(reading: tuple[str, float]) -> float:
    """How much a ring reading is worth: its confidence, scaled down for a reading shorter
    than a full name (a sure fragment 「理局」 is worth less than a fair whole name).

    >>> ring_score(("理局", 0.97)) < ring_score(("西安市滤播场督管理局", 0.74))
    True
    >>> ring_score(("北京勤拙咨询服务有限公司", 0.98)) > ring_score(("北京勤拙咨询服务有限公", 0.80))
    True
    """
    text, conf = reading
    return conf * min(1.0, len(text) / FULL_NAME_CHARS)


def _centre_lines(engine, mid: np.ndarray, raw: np.ndarray | None = None) -> list[tuple[str, float]]:
    """Straight lines in the middle of the seal (tax number, 发票专用章), top to bottom: rows
    found on ``mid`` (curved text blanked), each line cut from ``raw`` as far as its ink runs
    on without a gap (a long tax number reaches past the blanked edge)."""
    h, w = mid.shape[:2]
    raw = mid if raw is None else raw
    inked = mid < 180  # thin condensed strokes (a tax number) stay light grey
    rows = _runs(inked.sum(axis=1) > max(1, w // 60), max_gap=max(1, h // 50))
    out = []
    for y0, y1 in rows:
        if y1 - y0 < max(6, h // 14):
            continue
        gap = max(2, (y1 - y0))
        cols = _runs(inked[y0:y1].sum(axis=0) > 0, max_gap=gap)
        if not cols:
            continue
        x0, x1 = min(c[0] for c in cols), max(c[1] for c in cols)
        if (x1 - x0) < 1.2 * (y1 - y0):
            continue  # a star or a lone mark, not a line of text
        for a, b in _runs((raw[y0:y1] < 180).sum(axis=0) > 0, max_gap=gap):
            if a <= x0 < b or a < x1 <= b:
                x0, x1 = min(x0, a), max(x1, b)
        line = raw[max(0, y0 - 2) : y1 + 2, max(0, x0 - 2) : x1 + 2].astype(np.float32)
        lo = float(line.min())
        line = np.clip((line - lo) * 255.0 / max(1.0, 255.0 - lo), 0, 255).astype(np.uint8)
        out.append(_rec(engine, line))
    return out


def middle_band(
    ink: np.ndarray, ellipse, round_seal: bool, depth: float, zoom: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """The inside of the seal (ink 0..1 → grey), turned so that the long axis of an oval lies
    level (a round seal is not turned: it has no axis), enlarged ``zoom`` times; the ring and
    the curved text (``depth`` pixels deep inside the outline) are blanked so only the straight
    lines (a tax number, 发票专用章) remain; returned with the same image unblanked (a long line
    may reach into the band of the curved text)."""
    import cv2

    cx, cy, a, b, ang = ellipse
    ang = 0.0 if round_seal else ((ang + 90.0) % 180.0) - 90.0
    th = math.radians(ang)
    w, h = int(2 * 0.85 * a * zoom), int(2 * 0.8 * b * zoom)
    # output (X, Y) → crop: centre to centre, X along the long axis
    ux, uy = math.cos(th) / zoom, math.sin(th) / zoom
    m = np.array(
        [[ux, -uy, cx - ux * w / 2 + uy * h / 2], [uy, ux, cy - uy * w / 2 - ux * h / 2]], np.float32
    )
    out = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP, borderValue=0)
    raw = out.copy()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = (xx - w / 2) / zoom, (yy - h / 2) / zoom
    phi = np.arctan2(dy, dx)
    outline = 1.0 / np.sqrt((np.cos(phi) / a) ** 2 + (np.sin(phi) / b) ** 2)
    out[np.hypot(dx, dy) > outline - depth] = 0
    return _grey(out), _grey(raw)


def read_seal_text(
    crop: np.ndarray, cand: SealCandidate, ox: float = 0.0, oy: float = 0.0, ring_only: bool = False
) -> dict:
    """OCR a seal cut out of a page: ``{"text", "text_confidence", "center_text", "tax_id",
    "frames"}`` (``frames``: the ring reading's steps, see :func:`_rec`).

    ``crop`` is an RGB image holding the seal at a resolution fit for OCR, ``cand`` the seal
    in the crop's pixels shifted by (``ox``, ``oy``). Returns empty text when OCR is unavailable.
    Only text recognition runs (no detection): the ring is one line once unwrapped, and the
    middle lines are found by ink projection (not read with ``ring_only``).
    """

    engine = get_engine()
    if not engine.is_available():
        return {"text": "", "text_confidence": 0.0, "center_text": "", "tax_id": None}
    ink = soft_ink(crop, cand.colour)
    ellipse = fit_ring(ink, _axes(cand, ox, oy))
    band = _ring_band(ink, ellipse)
    ring_text, ring_conf = _ring_text(engine, ring_strip(ink, ellipse, band))
    if cand.colour == "red" and ring_score((ring_text, ring_conf)) < PALE_RETRY_BELOW:
        # a pale or pinkish stamp (a photo's colour cast, faded ink) has too little redness
        # for the red ink image: read the ring again from the darkness itself
        dark = soft_ink(crop, "grey")
        again = _ring_text(engine, ring_strip(dark, ellipse, _ring_band(dark, ellipse)))
        if ring_score(again) > ring_score((ring_text, ring_conf)):
            ring_text, ring_conf = again
    # as the page model holds them: each step a list of (glyph, probability)
    frames = [[list(step) for step in ring_text.frames]] if getattr(ring_text, "frames", ()) else []
    if ring_only:
        return {
            "text": ring_text,
            "text_confidence": ring_conf,
            "center_text": "",
            "tax_id": None,
            "frames": frames,
        }
    centre = _centre_lines(engine, *middle_band(ink, ellipse, cand.shape == "round", band[1]))
    centre_text = " ".join(t for t, _ in centre if t)
    tax = None
    for t, _ in centre:
        m = TAX_ID_RE.search(t.upper().replace("|", "I"))
        if m:
            tax = m.group(0)
            break
    return {
        "text": ring_text,
        "text_confidence": ring_conf,
        "center_text": centre_text,
        "tax_id": tax,
        "frames": frames,
    }

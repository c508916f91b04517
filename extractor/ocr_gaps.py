"""Lines the page-wide text detector missed, found again (a second, local OCR pass).

On a full page the detector now and then drops whole lines of a paragraph although they are
printed as cleanly as their neighbours (measured on a licence photo: three lines of a
经营范围 lost between two read ones; the same region cut out and read alone gave all of them).
A paragraph has a steady line pitch, so a missing line shows as a hole: two read lines that
start at the same left edge, have the same height, and leave between them room for a line
*and ink in that room*. Such a hole is cut out (with the lines around it, so the detector has
its context) and read again; only lines whose middle lies inside the hole are added.

The steps are small and pure: :func:`holes` finds candidate holes from the read boxes,
:func:`has_ink` checks a hole holds print, :func:`lines_in_hole` keeps what a local read adds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A hole must have room for a line: its height at least this share of the lines' height.
MIN_HOLE = 1.0
# ... and at most this many line heights (a larger blank is layout, not a lost line).
MAX_HOLE = 8.0
# Lines of one paragraph: left edges within this many line heights, heights within this ratio.
LEFT_TOLERANCE = 1.0
HEIGHT_RATIO = 1.6
MIN_CHARS = 6  # a paragraph line, not a label or a stray glyph
MAX_HOLES_PER_PAGE = 6  # bounds the extra OCR time of a page
PITCH_FACTOR = 1.7  # centres this many line pitches apart: a line is missing between them


@dataclass(frozen=True)
class Hole:
    """A band between two read lines of one paragraph: ``x0..x1`` wide, ``y0..y1`` empty of
    read lines; ``top``/``bottom`` are the outer edges of the lines around it (pixels)."""

    x0: float
    x1: float
    y0: float
    y1: float
    top: float
    bottom: float
    line_height: float
    end: float = 0.0  # a lost head (see lost_heads): where the read line of its row ends


def _boxes(quads: np.ndarray) -> np.ndarray:
    if not len(quads):
        return np.zeros((0, 4), np.float32)
    return np.stack(
        [quads[:, :, 0].min(1), quads[:, :, 1].min(1), quads[:, :, 0].max(1), quads[:, :, 1].max(1)], 1
    )


def _intersections(kb: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Area each box of ``kb`` (x0, y0, x1, y1 rows) shares with the box ``x0..x1, y0..y1``."""
    ix = np.clip(np.minimum(kb[:, 2], x1) - np.maximum(kb[:, 0], x0), 0, None)
    iy = np.clip(np.minimum(kb[:, 3], y1) - np.maximum(kb[:, 1], y0), 0, None)
    return ix * iy


def _pairs(b: np.ndarray, keep: list[int]) -> list[tuple[int, int]]:
    """Each kept line with the next kept line below it in the same paragraph (same left edge,
    like height)."""
    out = []
    for i in keep:
        x0, y0, _, y1 = b[i]
        h = y1 - y0
        best = None
        for j in keep:
            u0, v0, _, v1 = b[j]
            hj = v1 - v0
            if j == i or (v0 + v1) / 2 <= y1 or max(h, hj) > HEIGHT_RATIO * min(h, hj):
                continue
            if abs(u0 - x0) > LEFT_TOLERANCE * max(h, hj):
                continue
            if best is None or v0 < b[best][1]:
                best = j
        if best is not None:
            out.append((i, best))
    return out


def holes(quads: np.ndarray, texts: list[str], scores: list[float], min_score: float = 0.5) -> list[Hole]:
    """Holes between vertically consecutive lines of one paragraph (see module doc): the
    centres of two such lines lie more than ``PITCH_FACTOR`` times the paragraph's line pitch
    apart (the median of the page's consecutive pairs of like height), or, with no pitch to
    compare, they leave a blank of a line height or more.

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> rows = [(100, 100, 900, 140), (100, 150, 900, 190), (100, 250, 880, 290), (100, 300, 500, 340)]
    >>> quads = np.array([q(*r) for r in rows], np.float32)
    >>> [(h.y0, h.y1) for h in holes(quads, ["经营范围甲乙丙丁"] * 4, [1.0] * 4)]   # a pitch of 100 among 50s
    [(195.0, 245.0)]
    >>> [(h.y0, h.y1) for h in holes(quads[[0, 3]], ["经营范围甲乙丙丁"] * 2, [1.0] * 2)]   # 160 px blank
    [(140.0, 300.0)]
    >>> holes(quads[[0, 1]], ["经营范围", "甲乙丙丁戊己庚"], [1.0] * 2)   # a short label is no paragraph line
    []
    >>> lost = np.array([q(*r) for r in rows[:2] + [(100, 200, 900, 240)] + rows[2:]], np.float32)
    >>> [(h.y0, h.y1) for h in holes(lost, ["经营范围甲乙丙丁"] * 2 + ["及"] + ["经营范围甲乙丙丁"] * 2, [1.0, 1.0, 0.16, 1.0, 1.0])]
    [(195.0, 245.0)]
    """
    b = _boxes(quads)
    keep = [
        i
        for i, (t, s) in enumerate(zip(texts, scores, strict=False))
        if s >= min_score and len(t.strip()) >= MIN_CHARS
    ]
    pairs = _pairs(b, keep)
    cy = (b[:, 1] + b[:, 3]) / 2
    read = np.array([s >= min_score for s in scores], bool) if len(scores) else np.zeros(0, bool)
    out: list[Hole] = []
    for i, j in pairs:
        lh = float((b[i][3] - b[i][1] + b[j][3] - b[j][1]) / 2)
        like = [
            cy[v] - cy[u] for u, v in pairs if (u, v) != (i, j) and abs((b[u][3] - b[u][1]) - lh) <= 0.3 * lh
        ]
        pitch = float(np.median(like)) if like else 0.0
        span = float(cy[j] - cy[i])
        if pitch and 0.35 * lh <= pitch <= 2.0 * lh:  # boxes of a tight paragraph overlap
            if span < PITCH_FACTOR * pitch or span > MAX_HOLE * lh:
                continue
            y0, y1 = float(cy[i] + 0.5 * pitch), float(cy[j] - 0.5 * pitch)
        else:
            gap = float(b[j][1] - b[i][3])
            if gap < MIN_HOLE * lh or gap > MAX_HOLE * lh:
                continue
            y0, y1 = float(b[i][3]), float(b[j][1])
        hx0, hx1 = float(min(b[i][0], b[j][0])), float(max(b[i][2], b[j][2]))
        # a read box with its middle in the band, over the paragraph's width: not a hole (a box
        # whose reading scored too low to keep, 「及」 at 0.16 for a whole line, reads nothing)
        inside = (cy > y0) & (cy < y1) & (b[:, 0] < hx1) & (b[:, 2] > hx0) & read
        if inside.any():
            continue
        out.append(Hole(hx0, hx1, y0, y1, float(b[i][1]), float(b[j][3]), lh))
    out.sort(key=lambda hl: hl.y0)
    return out[:MAX_HOLES_PER_PAGE]


def has_ink(gray: np.ndarray, hole: Hole) -> bool:
    """Whether the hole holds print: some rows of the band carry dark strokes over a good part
    of its width (a blank, a faint background pattern or a lone mark does not).

    >>> g = np.full((400, 1000), 235, np.uint8)
    >>> hl = Hole(100.0, 900.0, 140.0, 260.0, 100.0, 300.0, 40.0)
    >>> has_ink(g, hl)
    False
    >>> g[180:200, 120:880:12] = 20   # a line of strokes across the band
    >>> has_ink(g, hl)
    True
    """
    y0, y1 = int(hole.y0 + 0.1 * hole.line_height), int(hole.y1 - 0.1 * hole.line_height)
    x0, x1 = int(hole.x0), int(hole.x1)
    band = gray[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    if band.size == 0:
        return False
    bg = float(np.percentile(band, 90))
    dark = band < bg - 70
    # strokes per row: runs of dark pixels; a row through a line of characters crosses at
    # least one stroke for every few character widths of the band
    starts = np.count_nonzero(dark[:, 1:] & ~dark[:, :-1], axis=1)
    need = max(3, int(0.3 * band.shape[1] / max(hole.line_height, 1.0)))
    return bool(np.count_nonzero(starts >= need) >= max(3, int(0.2 * hole.line_height)))


def crop_box(hole: Hole, width: int, height: int) -> tuple[int, int, int, int]:
    """The region read again: the hole with the lines around it (a lost head: its whole row, to
    the read line's ``end``), with margins (the detector drops strokes that touch the edge of
    its image)."""
    m = hole.line_height
    return (
        max(0, int(hole.x0 - 2 * m)),
        max(0, int(hole.top - 0.5 * m)),
        min(width, int(max(hole.x1, hole.end) + 2 * m)),
        min(height, int(hole.bottom + 0.5 * m)),
    )


def lines_in_hole(
    hole: Hole, quads: np.ndarray, texts: list[str], scores: list[float], min_score: float = 0.5
) -> list[int]:
    """Indexes of a local read's lines (in page pixels) whose middle lies inside the hole."""
    b = _boxes(quads)
    out = []
    for i, (t, s) in enumerate(zip(texts, scores, strict=False)):
        if s < min_score or not t.strip():
            continue
        cy = (b[i][1] + b[i][3]) / 2
        cx = (b[i][0] + b[i][2]) / 2
        if hole.y0 < cy < hole.y1 and hole.x0 - hole.line_height <= cx <= hole.x1 + hole.line_height:
            out.append(i)
    return out


# A paragraph line whose head the detector lost (measured: a red seal stamped over the first
# words of a licence's scope line; page-wide detection kept only the line's tail).
HEAD_GAP = 1.5  # the line starts this many line heights right of the paragraph's left edge
RIGHT_TOLERANCE = 1.0  # lines of one justified paragraph end within this many line heights


def lost_heads(
    quads: np.ndarray, texts: list[str], scores: list[float], min_score: float = 0.5
) -> list[Hole]:
    """Rows of a paragraph whose read line starts far right of the paragraph's left edge: the
    line right below it (like height, one pitch down, the same right edge: a justified
    paragraph) starts at least ``HEAD_GAP`` line heights further left, and no read line lies
    in between on the row. The hole is the head's band (``x0`` the paragraph's left edge,
    ``x1`` the read line's start; ``end`` the line's end): the row is read again whole.

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> rows = [(500, 100, 900, 140), (100, 145, 900, 185), (100, 190, 900, 230)]
    >>> quads = np.array([q(*r) for r in rows], np.float32)
    >>> [(h.x0, h.x1, h.end, h.y0, h.y1) for h in lost_heads(quads, ["甲乙丙丁戊己庚"] * 3, [1.0] * 3)]
    [(100.0, 500.0, 900.0, 100.0, 140.0)]
    >>> lost_heads(quads[[0, 2]], ["甲乙丙丁戊己庚"] * 2, [1.0] * 2)   # two pitches down: not its row
    []
    >>> ragged = np.array([q(500, 100, 700, 140), q(100, 145, 900, 185)], np.float32)
    >>> lost_heads(ragged, ["甲乙丙丁戊己庚"] * 2, [1.0] * 2)   # ends elsewhere: another column
    []
    """
    b = _boxes(quads)
    row = (b[:, 1] + b[:, 3]) / 2
    ok = [i for i, (t, s) in enumerate(zip(texts, scores, strict=False)) if s >= min_score and t.strip()]
    out: list[Hole] = []
    for i in ok:
        x0, y0, x1, y1 = (float(v) for v in b[i])
        h = y1 - y0
        for j in ok:
            u0, v0, u1, v1 = (float(v) for v in b[j])
            hj = v1 - v0
            if j == i or len(texts[j].strip()) < MIN_CHARS or max(h, hj) > HEIGHT_RATIO * min(h, hj):
                continue
            lh = (h + hj) / 2
            if not (0.5 * lh <= (v0 + v1 - y0 - y1) / 2 <= PITCH_FACTOR * lh):
                continue
            if abs(u1 - x1) > RIGHT_TOLERANCE * lh or x0 - u0 < HEAD_GAP * lh:
                continue
            between = (row > y0) & (row < y1) & (b[:, 2] > u0 + 0.5 * lh) & (b[:, 0] < x0 - 0.5 * lh)
            if not between.any():
                out.append(Hole(u0, x0, y0, y1, y0, y1, lh, end=x1))
            break
    out.sort(key=lambda hl: hl.y0)
    return out[:MAX_HOLES_PER_PAGE]


def whole_row(
    head: Hole, quads: np.ndarray, texts: list[str], scores: list[float], min_score: float = 0.5
) -> list[int]:
    """Index (at most one) of a local read's line that is the row read whole: its middle in the
    row's band, starting in the head's band and reaching to the row's end."""
    b = _boxes(quads)
    lh = head.line_height
    for i, (t, s) in enumerate(zip(texts, scores, strict=False)):
        if s < min_score or len(t.strip()) < MIN_CHARS:
            continue
        x0, y0, x1, y1 = b[i]
        if head.y0 < (y0 + y1) / 2 < head.y1 and x0 < head.x1 - HEAD_GAP * lh and x1 > head.end - 2 * lh:
            return [i]
    return []


def covered_by(quad: np.ndarray, known: np.ndarray, share: float = 0.6) -> list[int]:
    """Indexes of ``known`` lines (quads) lying at least ``share`` inside ``quad``'s box.

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> known = np.array([q(500, 100, 900, 140), q(100, 150, 900, 190)], np.float32)
    >>> covered_by(np.array(q(100, 98, 905, 142), np.float32), known)
    [0]
    """
    x0, y0 = quad[:, 0].min(), quad[:, 1].min()
    x1, y1 = quad[:, 0].max(), quad[:, 1].max()
    kb = _boxes(known)
    if not len(kb):
        return []
    area = np.maximum((kb[:, 2] - kb[:, 0]) * (kb[:, 3] - kb[:, 1]), 1.0)
    return [int(i) for i in np.flatnonzero(_intersections(kb, x0, y0, x1, y1) >= share * area)]


def without_red(img: np.ndarray) -> np.ndarray:
    """The image with red ink made paper: its red channel as grey, in three channels. A red
    seal is bright in the red channel, black print stays dark (a grey image is unchanged).

    >>> img = np.full((2, 2, 3), 250, np.uint8); img[0, 0] = (200, 30, 40); img[1, 1] = (20, 20, 20)
    >>> without_red(img)[..., 0].tolist()
    [[200, 250], [250, 20]]
    """
    if img.ndim == 2:
        return img
    return np.ascontiguousarray(np.repeat(img[:, :, :1], 3, axis=2))


# A value that wraps can leave its last glyph or two alone on the next row, right under the
# row's start (measured on licence photos: 「…林宝路39号3幢354」 over a lone 「室」, 「…大道4518」
# over 「号」); the page-wide detector drops such a short run. Under a read line's start, ink
# that stops well short of the band's end, with nothing printed just left of it and no read
# line in the band, is read again alone (recognition only).
WRAP_MIN_CHARS = 6  # the line above is a value long enough to wrap
WRAP_BAND = 0.8  # the wrapped row lies within this many line heights under the line
WRAP_SPAN = 6.0  # ink is looked for this many line heights right of the line's start ...
WRAP_STOP = 1.0  # ... and must stop this many line heights before the span's end
WRAP_DEPTH = 1.3  # a glyph found in the band is followed down to this many line heights under the line
MAX_WRAPS_PER_PAGE = 8


def lost_wraps(
    quads: np.ndarray, texts: list[str], scores: list[float], min_score: float = 0.5
) -> list[Hole]:
    """Bands under the start of read lines where a wrapped row's tail may have been lost: no
    read line starts in the band or has its middle there (``x0..x1``: the span right of the
    line's start; ``y0..y1``: ``WRAP_BAND`` line heights under the line).

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> quads = np.array([q(100, 100, 500, 120), q(100, 130, 500, 150), q(20, 160, 80, 180)], np.float32)
    >>> [(h.x0, h.y0, h.y1) for h in lost_wraps(quads, ["甲乙丙丁戊己庚", "甲乙丙丁戊己庚", "姓名"], [1.0] * 3)]
    [(100.0, 150.0, 166.0)]
    >>> quads[2] = q(100, 160, 160, 180)   # a read line in the band
    >>> lost_wraps(quads, ["甲乙丙丁戊己庚", "甲乙丙丁戊己庚", "姓名"], [1.0] * 3)
    []
    >>> len(lost_wraps(quads, ["甲乙丙丁戊己庚", "甲乙丙丁戊己庚", "季"], [1.0, 1.0, 0.13]))   # misread
    1
    """
    b = _boxes(quads)
    mid, top = (b[:, 1] + b[:, 3]) / 2, b[:, 1]
    # a box read below the score threshold (the lone glyph found, but misread) does not count
    read = np.array([s >= min_score and bool(t.strip()) for t, s in zip(texts, scores, strict=False)], bool)
    out: list[Hole] = []
    for i, (t, s) in enumerate(zip(texts, scores, strict=False)):
        x0, y0, x1, y1 = (float(v) for v in b[i])
        h = y1 - y0
        if s < min_score or len(t.strip()) < WRAP_MIN_CHARS or x1 - x0 < 3 * h:
            continue  # a label, a stray glyph or vertical print
        span = x0 + WRAP_SPAN * h
        across = (np.minimum(b[:, 2], span) > x0 - 0.3 * h) & (b[:, 0] < span)
        inside = ((mid > y1 - 0.2 * h) & (mid < y1 + WRAP_BAND * h)) | (
            (top > y1 - 0.5 * h) & (top < y1 + 0.7 * h)
        )
        inside[i] = False
        if not (across & inside & read).any():
            out.append(Hole(x0, span, y1, y1 + WRAP_BAND * h, y0, y1 + WRAP_BAND * h, h))
    out.sort(key=lambda hl: hl.y0)
    return out


def wrap_ink(gray: np.ndarray, hole: Hole) -> list[tuple[int, int, int, int]]:
    """The boxes to read of a wrapped row's lost tail in ``hole`` (:func:`lost_wraps`), none
    when the band holds no such tail: a glyph's worth of ink that starts at the line's start,
    stops well short of the span's end, with nothing printed just left of it (a label and its
    value on the next row). Two boxes: the band itself, and the rows the ink runs over (a
    glyph may reach below the band; on a tight page the next row's top may join it).

    >>> hl = Hole(100.0, 220.0, 120.0, 136.0, 100.0, 136.0, 20.0)
    >>> g = np.full((200, 400), 240, np.uint8)
    >>> wrap_ink(g, hl)   # blank
    []
    >>> g[122:136, 102:116] = 30   # a glyph under the line's start
    >>> wrap_ink(g, hl)
    [(94, 119, 124, 138), (94, 119, 124, 139)]
    >>> g[122:136, 80:90] = 30   # print just left of it: a row of its own
    >>> wrap_ink(g, hl)
    []
    """
    h = hole.line_height
    x0, y0, y1 = int(hole.x0), int(hole.y0 + 0.05 * h), int(hole.y0 + WRAP_BAND * h)
    band = gray[max(0, y0) : max(0, y1), max(0, x0) : max(0, int(hole.x1))]
    if band.size == 0 or band.shape[1] < WRAP_SPAN * h - 1:
        return []
    bg, lo = float(np.percentile(band, 90)), float(band.min())
    if bg - lo < 60:
        return []
    cut = (bg + lo) / 2
    dark = band < cut
    cols = np.flatnonzero(dark.any(axis=0))
    rows = np.count_nonzero(dark.any(axis=1))
    if not len(cols) or rows < 0.3 * h or len(cols) < 0.25 * h:
        return []
    if cols[0] > 0.6 * h or cols[-1] >= band.shape[1] - WRAP_STOP * h:
        return []
    left = gray[max(0, y0) : max(0, y1), max(0, int(x0 - 1.2 * h)) : max(0, int(x0 - 0.15 * h))]
    if left.size and np.count_nonzero(left < cut) > 0.02 * left.size:
        return []
    # the glyphs' rows: from the band's first inked row down while the ink goes on (a glyph
    # may reach below the band), under the glyphs' columns only
    x1 = x0 + int(cols[-1]) + 1
    below = gray[max(0, y0) : max(0, int(hole.y0 + WRAP_DEPTH * h)), max(0, x0 + int(cols[0])) : max(0, x1)]
    inked = np.flatnonzero((below < cut).any(axis=1))
    top, bottom = int(inked[0]), int(inked[0])
    for r in inked[1:]:
        if r - bottom > max(2, 0.15 * h):
            break
        bottom = int(r)
    left_x, right_x = max(0, int(x0 - 0.3 * h)), int(x1 + 0.4 * h)
    return [
        (left_x, max(0, int(hole.y0 - 0.05 * h)), right_x, int(hole.y0 + (WRAP_BAND + 0.1) * h)),
        (left_x, max(0, int(y0 + top - 0.15 * h)), right_x, int(y0 + bottom + 0.15 * h) + 1),
    ]


# Big print (a document's title) is detected as boxes several lines tall; the detector may
# swallow small print beside or under it into such a box (a licence's 统一社会信用代码 line
# printed under 营业执照), and recognition of the big box then keeps only the big glyphs.
BIG_PRINT = 2.5  # a box this many median line heights tall holds big print
BIG_GLYPH = 0.5  # ... and its glyphs are wide: box width per character ≥ this share of its height
MAX_TITLES_PER_PAGE = 2
MIN_LINES = 5  # a page with fewer lines has no median line height to go by


def under_big_print(
    quads: np.ndarray, texts: list[str], scores: list[float], width: int, min_score: float = 0.5
) -> list[Hole]:
    """Regions around big-print boxes where small print may hide: the box's band, widened by
    one box height on each side (adjacent big boxes joined). A tall box of few, wide glyphs
    is big print; a tall box of many narrow ones is slanted or merged text, left alone.

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> rows = [(300, 100, 900, 300)] + [(100, 400 + 50 * i, 900, 440 + 50 * i) for i in range(6)]
    >>> quads = np.array([q(*r) for r in rows], np.float32)
    >>> [(h.x0, h.y0, h.x1, h.y1) for h in under_big_print(quads, ["营业执照"] + ["经营范围甲乙丙丁"] * 6, [1.0] * 7, 1000)]
    [(100.0, 100.0, 1000.0, 300.0)]
    >>> under_big_print(quads, ["此复印件仅用于某某公司网站展示使用"] + ["经营范围甲乙丙丁"] * 6, [1.0] * 7, 1000)
    []
    """
    b = _boxes(quads)
    ok = [i for i, (t, s) in enumerate(zip(texts, scores, strict=False)) if s >= min_score and t.strip()]
    if len(ok) < MIN_LINES:
        return []
    mh = float(np.median([b[i][3] - b[i][1] for i in ok]))
    regions: list[list[float]] = []
    for i in ok:
        x0, y0, x1, y1 = (float(v) for v in b[i])
        h = y1 - y0
        if h < BIG_PRINT * mh or (x1 - x0) / max(len(texts[i].strip()), 1) < BIG_GLYPH * h:
            continue
        r = [max(0.0, x0 - h), y0, min(float(width), x1 + h), y1]
        for other in regions:
            if r[0] < other[2] and other[0] < r[2] and r[1] < other[3] and other[1] < r[3]:
                other[:] = [
                    min(r[0], other[0]),
                    min(r[1], other[1]),
                    max(r[2], other[2]),
                    max(r[3], other[3]),
                ]
                break
        else:
            regions.append(r)
    regions.sort(key=lambda r: (r[3] - r[1]) * (r[2] - r[0]), reverse=True)
    return [Hole(r[0], r[2], r[1], r[3], r[1], r[3], mh) for r in regions[:MAX_TITLES_PER_PAGE]]


def small_print_in(
    region: Hole,
    quads: np.ndarray,
    texts: list[str],
    scores: list[float],
    known: np.ndarray,
    min_score: float = 0.5,
) -> list[int]:
    """Indexes of a local read's lines (in page pixels) that are print of ordinary size
    (at most ``HEIGHT_RATIO`` median line heights), have their middle inside the band of
    ``region`` and reach into its width (small print may run on far beside the big print),
    and overlap no line the page read already found (``known``: its quads)."""
    b = _boxes(quads)
    kb = _boxes(known)
    out = []
    for i, (t, s) in enumerate(zip(texts, scores, strict=False)):
        x0, y0, x1, y1 = b[i]
        if s < min_score or len(t.strip()) < 2 or y1 - y0 > HEIGHT_RATIO * region.line_height:
            continue
        if not (region.y0 < (y0 + y1) / 2 < region.y1 and x0 < region.x1 and x1 > region.x0):
            continue
        if len(kb):
            small = (kb[:, 3] - kb[:, 1]) <= HEIGHT_RATIO * region.line_height
            if np.any(small & (_intersections(kb, x0, y0, x1, y1) > 0.3 * (x1 - x0) * (y1 - y0))):
                continue
        out.append(i)
    return out


def unread_ink(gray: np.ndarray, region: Hole, known: np.ndarray) -> bool:
    """Whether the band of ``region`` holds print outside every line read (``known``: the
    page read's quads), such as the tail of a small-print line the big box swallowed; a
    title band with nothing beside its glyphs is not read again.

    >>> g = np.full((300, 1000), 240, np.uint8)
    >>> g[100:200, 300:700] = 20                      # big print, read
    >>> region = Hole(100.0, 1000.0, 100.0, 200.0, 100.0, 200.0, 20.0)
    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> known = np.array([q(300, 100, 700, 200)], np.float32)
    >>> unread_ink(g, region, known)
    False
    >>> g[170:190, 720:960:9] = 20                    # a line of small strokes beside it
    >>> unread_ink(g, region, known)
    True
    """
    x0, y0 = max(0, int(region.x0)), max(0, int(region.y0))
    x1, y1 = min(gray.shape[1], int(region.x1)), min(gray.shape[0], int(region.y1))
    band = gray[y0:y1, x0:x1].astype(np.int16)
    if band.size == 0:
        return False
    bg = float(np.percentile(band, 90))
    dark = band < bg - 70
    for bx0, by0, bx1, by1 in _boxes(known):
        dark[max(0, int(by0) - y0) : max(0, int(by1) - y0), max(0, int(bx0) - x0) : max(0, int(bx1) - x0)] = (
            False
        )
    starts = np.count_nonzero(dark[:, 1:] & ~dark[:, :-1], axis=1)
    return bool(np.count_nonzero(starts >= 6) >= max(3, int(0.4 * region.line_height)))


# Print too small for the models. RapidOCR shrinks an image longer than PRE_MAX_SIDE px before
# it reads it; paragraph print under SMALL_PRINT px tall at the size it is read is read again from
# the page enlarged (measured: a licence photo of 1080×758 px whose 12 px scope lines came back
# in pieces, 「；会议及展览服务；广告」 lost; read at twice the size, every line came back whole).
PRE_MAX_SIDE = 2000
SMALL_PRINT = 20.0
TARGET_PRINT = 30.0  # the enlarged read aims at print this tall ...
MAX_ENLARGE = 2.0  # ... enlarging the read size at most this much ...
MAX_ENLARGED_PIXELS = 8_000_000  # ... and to at most this many pixels (reader memory)
MIN_ENLARGE = 1.3  # a smaller gain is not worth a second read


def enlargement(
    quads: np.ndarray, texts: list[str], scores: list[float], height: int, width: int, min_score: float = 0.5
) -> float:
    """Scale (against the ``height``×``width`` image) to read a page again at when its
    paragraph print (the median height of lines of ``MIN_CHARS`` or more, ``quads`` in the
    image's pixels) is under ``SMALL_PRINT`` px tall at the size RapidOCR reads it; 0.0: read
    well as it is.

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> small = np.array([q(100, 100 + 15 * k, 500, 112 + 15 * k) for k in range(5)], np.float32)
    >>> enlargement(small, ["经营范围甲乙丙丁"] * 5, [0.9] * 5, 758, 1080)   # 12 px lines: twice
    2.0
    >>> big = np.array([q(100, 100 + 40 * k, 900, 130 + 40 * k) for k in range(5)], np.float32)
    >>> enlargement(big, ["经营范围甲乙丙丁"] * 5, [0.9] * 5, 758, 1080)     # 30 px: as it is
    0.0
    >>> f = enlargement(small * 2.5, ["经营范围甲乙丙丁"] * 5, [0.9] * 5, 3000, 4000)   # 30 px read at 15
    >>> round(f, 3), round(f * 4000), round(f * 3000)   # less shrunk: as far as 8 million pixels
    (0.816, 3266, 2449)
    >>> enlargement(small[:2], ["经营范围甲乙丙丁"] * 2, [0.9] * 2, 758, 1080)   # too few lines to tell
    0.0
    """
    b = _boxes(quads)
    hs = [
        float(b[i][3] - b[i][1])
        for i, (t, s) in enumerate(zip(texts, scores, strict=False))
        if s >= min_score and len(t.strip()) >= MIN_CHARS
    ]
    if len(hs) < 3:
        return 0.0
    shrink = min(1.0, PRE_MAX_SIDE / max(height, width))
    print_px = float(np.median(hs)) * shrink
    if print_px >= SMALL_PRINT:
        return 0.0
    gain = min(MAX_ENLARGE, TARGET_PRINT / print_px)
    gain = min(gain, (MAX_ENLARGED_PIXELS / (height * width * shrink * shrink)) ** 0.5)
    return shrink * gain if gain >= MIN_ENLARGE else 0.0


def uncovered(old: np.ndarray, new: np.ndarray, share: float = 0.5) -> list[int]:
    """Indexes of ``old`` lines (quads) that no ``new`` line covers for ``share`` of their box:
    what a second read of the page lost (a row its recognition returned empty).

    >>> q = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    >>> old = np.array([q(100, 100, 300, 120), q(320, 100, 500, 120), q(100, 130, 500, 150)], np.float32)
    >>> uncovered(old, np.array([q(98, 99, 502, 121)], np.float32))   # two pieces read whole
    [2]
    """
    ob, nb = _boxes(old), _boxes(new)
    out = []
    for i, (x0, y0, x1, y1) in enumerate(ob):
        area = max(float((x1 - x0) * (y1 - y0)), 1.0)
        if not len(nb) or float(_intersections(nb, x0, y0, x1, y1).max()) < share * area:
            out.append(i)
    return out

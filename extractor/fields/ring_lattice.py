"""Which of a few known names a seal's ring reads as, scored on the recogniser's own view.

A seal's ring is read as one curved line; the recogniser weighs several glyphs at every step
and keeps the likeliest, so a worn ring comes out as 「泸州市生胎力教管理局」. Where the
names that may stand there are known (a registration authority of the licence's division:
:func:`extractor.fields.license_authority.authority_candidates`), each is scored against the
steps the recogniser saw (:attr:`models.page.Seal.ring_frames`): the best alignment of the
name to the steps (CTC: a glyph spans one step or more, blanks between), each step costing how
much less likely the name's glyph was there than the glyph read, in nats. A glyph of the
reading left outside the name costs what reading nothing there would (a ring holds its
owner's name and little else: 「北京市工商行政管理局職又分攝」 is not the city's bureau with four
glyphs to spare, but its 顺义分局 misread). A name the recogniser hardly weighed anywhere costs a lot; the name it read costs 0.

Steps are small and pure: :func:`word_cost` scores one name, :func:`best_name` chooses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Frame = Sequence[tuple[str, float]]

# a glyph the recogniser did not list at a step is taken as this likely there
FLOOR = 1e-4
# a glyph of the reading left outside the name costs as much as reading the blank there
# instead (a glyph read surely costs much, a doubtful mark little), at most this (nats)
UNEXPLAINED = 6.0
# a name is chosen only this much cheaper than every other (nats) ...
MARGIN = 4.0
# ... and at most this much per glyph of the name dearer than the reading itself
MAX_COST_PER_GLYPH = 2.5


def _costs(frame: Frame) -> tuple[dict[str, float], float, str]:
    """A step's cost of each glyph listed (log of its probability below the best's), the
    cost of any glyph not listed, and the glyph read there ("" the blank)."""
    best_glyph, best = max(frame, key=lambda o: o[1]) if frame else ("", 1.0)
    best = max(best, FLOOR)
    return (
        {g: math.log(best / max(p, FLOOR)) for g, p in frame},
        math.log(best / FLOOR),
        best_glyph,
    )


def word_cost(frames: Sequence[Frame], word: str) -> float:
    """How much less likely the recogniser found ``word`` somewhere in its reading than what
    it read (nats, 0: it read ``word``), with what reading nothing would cost for each glyph
    read outside the word (at most :data:`UNEXPLAINED`).

    >>> frames = [[("泸", 0.4), ("沪", 0.35)], [("", 1.0)], [("州", 0.99)], [("", 1.0)],
    ...           [("生", 0.7), ("工", 0.1)], [("", 1.0)], [("局", 0.9)]]
    >>> round(word_cost(frames, "泸州工局"), 2), round(word_cost(frames, "沪州生局"), 2)
    (1.95, 0.13)
    >>> round(word_cost(frames, "州生局"), 2)   # the 泸 read outside the word, nothing else weighed
    6.0
    >>> word_cost(frames, "杭州生局") > 8   # a glyph not weighed at all
    True
    >>> word_cost([], "局") > 9
    True
    """
    return _word_cost([_costs(f) for f in frames], word)


def _word_cost(steps: Sequence[tuple[dict[str, float], float, str]], word: str) -> float:
    """:func:`word_cost` on a reading's steps already costed (:func:`_costs`)."""
    if not word:
        return 0.0
    labels = ["" if s % 2 == 0 else word[s // 2] for s in range(2 * len(word) + 1)]
    n = len(labels)
    inf = math.inf
    # garbage before the word (state -1) and after it (state n); a CTC state s in between
    before, after = 0.0, inf
    cur = [inf] * n
    prev_read = ""
    for costs, other, read in steps:
        new_read = read if read and read != prev_read else ""
        prev_read = read
        extra = min(UNEXPLAINED, costs.get("", other)) if new_read else 0.0
        nxt = [inf] * n
        for s in range(n):
            best = cur[s]
            if s >= 1:
                best = min(best, cur[s - 1])
            if s >= 2 and labels[s] and labels[s] != labels[s - 2]:
                best = min(best, cur[s - 2])
            if s <= 1:
                best = min(best, before)
            if best < inf:
                nxt[s] = best + costs.get(labels[s], other)
        after = min(after, cur[n - 1], cur[n - 2]) + extra
        before += extra
        cur = nxt
    end = min(after, cur[n - 1], cur[n - 2])
    if end == inf:
        # fewer steps than the word needs: each glyph not seen costs as if not weighed
        return len(word) * math.log(1 / FLOOR)
    return end


def best_name(readings: Sequence[Sequence[Frame]], names: Sequence[str]) -> tuple[str, float, float] | None:
    """The name the ring reads as, with its cost and its lead over the next name, when it is
    clearly cheapest (by :data:`MARGIN`) and near enough the reading itself
    (:data:`MAX_COST_PER_GLYPH` per glyph); each name is scored on the reading that suits it
    best (the same ring read at several sizes).

    >>> ring = [[[("泸", 0.4)], [("", 1.0)], [("州", 0.99)], [("", 1.0)], [("市", 0.97)], [("", 1.0)],
    ...          [("生", 0.7), ("工", 0.05)], [("", 1.0)], [("胎", 0.3), ("商", 0.02)], [("", 1.0)],
    ...          [("力", 0.4), ("行", 0.03)], [("", 1.0)], [("教", 0.65), ("政", 0.04)], [("", 1.0)],
    ...          [("管", 0.64)], [("", 1.0)], [("理", 0.97)], [("", 1.0)], [("局", 0.47)]]]
    >>> best_name(ring, ["泸州市市场监督管理局", "泸州市工商行政管理局"])[0]
    '泸州市工商行政管理局'
    >>> best_name(ring, ["泸州市市场监督管理局"]) is None   # too far from what was read
    True
    """
    if not readings or not names:
        return None
    steps = [[_costs(f) for f in r] for r in readings]  # a reading's steps cost the same for every name
    scored = sorted((min(_word_cost(st, name) for st in steps), name) for name in set(names))
    cost, name = scored[0]
    lead = scored[1][0] - cost if len(scored) > 1 else math.inf
    if lead < MARGIN or cost > MAX_COST_PER_GLYPH * len(name):
        return None
    return name, round(cost, 2), round(lead, 2)

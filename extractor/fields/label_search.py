"""Label search: where a label (``纳税人识别号``, ``名称``) is printed on a document's lines.

Labels are matched on a *normalised* text (NFKC, whitespace removed, ``：``→``:``), so
``"名                   称:"`` matches ``"名称"``; OCR lines (or any line when ``fuzzy=True``)
are also matched fuzzily with rapidfuzz ``partial_ratio_alignment`` (labels of ≥ 4 chars
tolerate one wrong char, ≥ 9 chars two). The vocabulary (:class:`Ref`, :class:`Hit`, …) is
:mod:`extractor.fields.spans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz

from extractor.fields.spans import Hit, Ref, Region, iter_refs, norm, norm_with_map, v_overlap
from models.page import Page

# ----------------------------------------------------------------- label search


def _required_score(label: str, threshold: float | None) -> float | None:
    if threshold is not None:
        return threshold
    n = len(label)
    if n < 4:
        return None  # too short for fuzzy matching
    errors = 2 if n >= 9 else 1
    return 100.0 * (n - errors) / n - 0.1


def find_in_line(
    text: str, labels: Sequence[str], *, fuzzy: bool = False, threshold: float | None = None
) -> tuple[int, int, str, float] | None:
    """Find the first of ``labels`` in ``text`` → (start, end, label, score) in raw-text
    char offsets (the end skips a following ``:``/``：``). Exact (normalised) matches win;
    fuzzy matching only when ``fuzzy``.

    >>> find_in_line("纳 税 人 识 别 号：91440300", ["纳税人识别号"])
    (0, 12, '纳税人识别号', 100.0)
    >>> find_in_line("纳税入识别号:914403", ["纳税人识别号"], fuzzy=True)[2:]
    ('纳税人识别号', 83.33333333333334)
    """
    nt, idx = norm_with_map(text)
    if not nt:
        return None
    best: tuple[int, int, str, float] | None = None
    for lab in labels:
        nl = norm(lab)
        if not nl:
            continue
        k = nt.find(nl)
        if k >= 0:
            cand = (k, k + len(nl), lab, 100.0)
            if (
                best is None
                or best[3] < 100
                or cand[0] < best[0]
                or (cand[0] == best[0] and cand[1] > best[1])
            ):
                best = cand
    if best is None and fuzzy:
        for lab in labels:
            nl = norm(lab)
            req = _required_score(nl, threshold)
            if req is None or len(nt) < len(nl) - 1:
                continue
            al = fuzz.partial_ratio_alignment(nl, nt, score_cutoff=req)
            if al is None or al.score < req:
                continue
            s, e = al.dest_start, al.dest_end
            if best is None or al.score > best[3]:
                best = (s, e, lab, al.score)
    if best is None:
        return None
    s, e, lab, score = best
    # extend over a following colon
    while e < len(nt) and nt[e] in ":":
        e += 1
    raw_s = idx[s]
    raw_e = idx[e - 1] + 1 if e > 0 else 0
    # include any trailing spaces / colon chars in the raw text
    while raw_e < len(text) and text[raw_e] in " \t:：":
        raw_e += 1
    return raw_s, raw_e, lab, score


def find_all_in_line(
    text: str, labels: Sequence[str], *, fuzzy: bool = False, threshold: float | None = None
) -> list[tuple[int, int, str, float]]:
    """Every non-overlapping exact occurrence of any of ``labels`` in ``text`` (longest
    variant wins at a position), left to right; if there is none and ``fuzzy``, the best
    fuzzy match (see :func:`find_in_line`).

    >>> [m[:3] for m in find_all_in_line("名称：甲公司  名称：乙公司", ["名称"])]
    [(0, 3, '名称'), (8, 11, '名称')]
    """
    out = list(_find_exact(text, tuple(labels)))
    if not out and fuzzy:
        m = find_in_line(text, labels, fuzzy=True, threshold=threshold)
        if m:
            out.append(m)
    return out


@lru_cache(maxsize=65536)
def _find_exact(text: str, labels: tuple[str, ...]) -> tuple[tuple[int, int, str, float], ...]:
    nt, idx = norm_with_map(text)
    if not nt:
        return ()
    found: list[tuple[int, int, str]] = []
    for lab in labels:
        nl = norm(lab)
        if not nl:
            continue
        k = nt.find(nl)
        while k >= 0:
            found.append((k, k + len(nl), lab))
            k = nt.find(nl, k + 1)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str, float]] = []
    last_end = -1
    for s, e, lab in found:
        if s < last_end:
            continue
        last_end = e
        while e < len(nt) and nt[e] == ":":
            e += 1
        raw_s, raw_e = idx[s], idx[e - 1] + 1
        while raw_e < len(text) and text[raw_e] in " \t:：":
            raw_e += 1
        out.append((raw_s, raw_e, lab, 100.0))
    return tuple(out)


def find_labels(
    pages: Sequence[Page],
    labels: Sequence[str] | str,
    *,
    region: Region | None = None,
    fuzzy: bool | None = None,
    threshold: float | None = None,
    exclude: Sequence[str] | None = None,
) -> list[Hit]:
    """Every occurrence of one of ``labels`` (variants of one label), in page/line order;
    a line may hold several (e.g. ``名称：甲  名称：乙`` on an OCR line).

    ``fuzzy=None`` (default) means fuzzy only on OCR lines; True/False force it.
    ``exclude``: longer labels that contain the label and must not count (e.g.
    ``项目名称`` when looking for ``名称``): a hit inside such an occurrence is dropped.
    """
    if isinstance(labels, str):
        labels = [labels]
    labels = tuple(labels)
    hits: list[Hit] = []
    nlabels = [nl for nl in (norm(lab) for lab in labels) if nl]
    tails = {nl[i] for nl in nlabels for i in range(1, len(nl))}
    shorts: dict[int, list[Ref]] = {}
    for page in pages:
        _page_hits(page, labels, nlabels, tails, region, fuzzy, threshold, exclude, shorts, hits)
    return hits


class _PageIndex(NamedTuple):
    page: Page
    n_lines: int
    texts: tuple[str, ...]  # each line normalised as _find_exact sees it
    firsts: tuple[str, ...]  # first character of each line's norm() ("" if empty)


_PAGE_INDEX: dict[int, _PageIndex] = {}


def _page_index(page: Page) -> _PageIndex:
    """Per-page normalised line texts for :func:`find_labels` (memoised per page object
    while its line count is unchanged, like :func:`page_refs`)."""
    hit = _PAGE_INDEX.get(id(page))
    if hit is None or hit.page is not page or hit.n_lines != len(page.lines):
        texts = tuple(norm_with_map(ln.text)[0] for ln in page.lines)
        firsts = tuple((t[:1] if (t := norm(ln.text)) else "") for ln in page.lines)
        hit = _PageIndex(page, len(page.lines), texts, firsts)
        if len(_PAGE_INDEX) >= 256:
            _PAGE_INDEX.pop(next(iter(_PAGE_INDEX)))
        _PAGE_INDEX[id(page)] = hit
    return hit


def _page_hits(
    page: Page,
    labels: tuple[str, ...],
    nlabels: Sequence[str],
    tails: set[str],
    region: Region | None,
    fuzzy: bool | None,
    threshold: float | None,
    exclude: Sequence[str] | None,
    shorts: dict[int, list[Ref]],
    hits: list[Hit],
) -> None:
    idx = _page_index(page)
    for ref in iter_refs([page], region):
        fz = (ref.line.method == "ocr") if fuzzy is None else fuzzy
        if not fz:
            # cheap test first: no label in the line and no split-label start → nothing
            text = idx.texts[ref.index]
            if idx.firsts[ref.index] not in tails and not any(nl in text for nl in nlabels):
                continue
        ms = find_all_in_line(ref.line.text, labels, fuzzy=fz, threshold=threshold)
        if ms and exclude:
            bad = find_all_in_line(ref.line.text, exclude)
            ms = [m for m in ms if not any(b[0] <= m[0] < b[1] for b in bad)]
        if not ms and ref.line.bbox is not None:
            nt = norm(ref.line.text)
            if nt and nt[0] in tails:
                if ref.page.number not in shorts:
                    shorts[ref.page.number] = [
                        r
                        for r in iter_refs([ref.page])
                        if r.line.bbox is not None and 0 < len(norm(r.line.text)) <= 3
                    ]
                m = _split_label(ref, shorts[ref.page.number], labels)
                if m is not None:
                    ms = [m]
        hits.extend(Hit(ref, m[0], m[1], m[2], m[3]) for m in ms)


def _split_label(
    ref: Ref, shorts: Sequence[Ref], labels: Sequence[str]
) -> tuple[int, int, str, float] | None:
    """A label whose first char(s) sit in a separate short line to the left on the same
    row (OCR of letter-spaced labels: ``名`` + ``称：杭州…``) → match in ``ref``'s text."""
    b = ref.line.bbox
    h = b[3] - b[1]
    left = [
        r
        for r in shorts
        if r.index != ref.index
        and r.line.bbox[2] <= b[0] + 0.3 * h
        and b[0] - r.line.bbox[2] <= 8 * h
        and v_overlap(r.line.bbox, b) >= 0.5
    ]
    if not left:
        return None
    frag = max(left, key=lambda r: r.line.bbox[2])
    prefix = norm(frag.line.text)
    nt, idx = norm_with_map(ref.line.text)
    joined = prefix + nt
    for lab in labels:
        nl = norm(lab)
        k = joined.find(nl)
        e = -1
        if 0 <= k < len(prefix) < k + len(nl):
            e = k + len(nl) - len(prefix)
        else:
            # the fragment may hold glyphs of two stacked labels (名/类 read as "名类")
            for cut in range(len(nl) - 1, 0, -1):
                if nt.startswith(nl[cut:]) and nl[:cut] in prefix:
                    e = len(nl) - cut
                    break
        if e > 0:
            while e < len(nt) and nt[e] == ":":
                e += 1
            raw_e = idx[e - 1] + 1
            while raw_e < len(ref.line.text) and ref.line.text[raw_e] in " \t:：":
                raw_e += 1
            return 0, raw_e, lab, 99.0
    return None


def cut_at_stop(text: str, stop: Sequence[str] | None) -> tuple[str, int]:
    """Cut ``text`` at the first (exactly matched) stop label → (kept text, raw cut index).

    >>> cut_at_stop("龙腾半导体股份有限公司 纳税人识别号:9161", ["纳税人识别号"])
    ('龙腾半导体股份有限公司 ', 12)
    """
    if not stop:
        return text, len(text)
    nt, idx = norm_with_map(text)
    cut = len(text)
    for s in stop:
        ns = norm(s)
        if not ns:
            continue
        k = nt.find(ns)
        if k >= 0:
            cut = min(cut, idx[k])
    return text[:cut], cut

"""Page-range parts of big scanned PDFs, and the batch jobs a reader worker runs.

A PDF job first asks the worker for a *split plan*: a PDF with at least
``SPLIT_MIN_OCR_PAGES`` pages that will need OCR comes back as a plan instead of a read
(:func:`read_part`); the parent cuts it into ranges (:func:`plan_ranges`), whichever
workers are free read the ranges (:func:`read_part` with ``opts["pages"]``) and the parent
merges them in page order (:func:`merge_parts`). The local pool (``review.batch_pool``)
and the Ray engine (``review.ray_engine``) use the same three steps.

:func:`read_part` and what it calls run inside the reader worker (``review.worker``):
nothing here knows about the orchestration.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
from typing import Any

import pymupdf

from extractor.extract import extract_documents
from extractor.read import ReadContext, read_bytes, sha256_bytes, signature_meta, sniff
from models import settings
from models.page import ReadResult
from review.cache import ReadCache

# A PDF with at least this many pages needing OCR is read as page ranges in parallel.
SPLIT_MIN_OCR_PAGES = settings.current().split_min_ocr_pages
# Pages needing OCR per range (bounds a range's time well under the per-file limit).
SPLIT_MAX_OCR_PAGES = 6
SPLIT_MIN_TEXT_CHARS = 200  # a page with less text and an image is probably a scan


def _split_plan(data: bytes, ctx: ReadContext, min_ocr_pages: int) -> dict[str, Any] | None:
    """Pages of a PDF that will probably need OCR, when there are enough to split."""
    if len(data) > ctx.limits.max_file_bytes:
        return None
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        if doc.needs_pass or doc.page_count < min_ocr_pages or doc.page_count > ctx.limits.max_pages:
            return None
        ocr_pages = []
        for i in range(doc.page_count):
            page = doc[i]
            if ctx.force_ocr:
                ocr_pages.append(i)
                continue
            chars = len(page.get_text("text").strip())
            if chars == 0 or (chars < SPLIT_MIN_TEXT_CHARS and page.get_images()):
                ocr_pages.append(i)
        if len(ocr_pages) < min_ocr_pages:
            return None
        return {"page_count": doc.page_count, "ocr_pages": ocr_pages}


_PAGE_REF = re.compile(r"第\s*([0-9][0-9、,，\-–]*)\s*页")


def _shift_page_refs(text: str, offset: int) -> str:
    """Renumber "第 N 页" / "第 1-3、5 页" in a message by ``offset``.

    >>> _shift_page_refs("第 2 页无法读取；第 1-3、5 页需要 OCR", 10)
    '第 12 页无法读取；第 11-13、15 页需要 OCR'
    """
    if not offset:
        return text

    def fix(m: re.Match[str]) -> str:
        inner = re.sub(r"[0-9]+", lambda d: str(int(d.group()) + offset), m.group(1))
        return m.group(0).replace(m.group(1), inner, 1)

    return _PAGE_REF.sub(fix, text)


def _read_range(data: bytes, name: str, ctx: ReadContext, start: int, stop: int, digest: str) -> ReadResult:
    """Read pages ``start..stop-1`` (0-based) of a PDF; pages keep their numbers in the file."""
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            total = doc.page_count
            doc.select(list(range(start, min(stop, total))))
            sub = doc.tobytes(garbage=1)
    except Exception as exc:
        return ReadResult(
            file=name,
            sha256=digest,
            kind="pdf",
            errors=[f"第 {start + 1}-{stop} 页无法读取（{type(exc).__name__}）"],
        )
    # the rewritten page range is no longer the signed file: check the signature once, on
    # the whole file, with the first range
    check, ctx.check_signatures = ctx.check_signatures, False
    try:
        res = read_bytes(sub, name, ctx)
    finally:
        ctx.check_signatures = check
    if check and start == 0 and sniff(data) == "pdf":
        res.meta["signature"] = signature_meta(data, "pdf", ctx.limits)
    for page in res.pages:
        page.number += start
        page.warnings = [_shift_page_refs(w, start) for w in page.warnings]
    res.warnings = [_shift_page_refs(w, start) for w in res.warnings]
    res.errors = [_shift_page_refs(e, start) for e in res.errors]
    for info in res.meta.get("pages", []):
        if isinstance(info, dict) and "number" in info:
            info["number"] += start
    res.meta["page_count"] = total
    res.sha256 = digest
    return res


def read_part(data: bytes, name: str, ctx: ReadContext, opts: dict[str, Any]) -> ReadResult:
    """Reader-worker entry for batch jobs. Never raises for bad input.

    ``opts["pages"] = [start, stop]`` reads that 0-based page range of a PDF.
    ``opts["plan_min_pages"] = k`` returns, for a PDF with ≥ k pages needing OCR, an
    empty ReadResult whose ``meta["split_plan"]`` lists them; otherwise reads the file.
    """
    if opts.get("warm"):
        return _warm_up()
    digest = opts.get("sha256") or sha256_bytes(data)
    if opts.get("pages"):
        start, stop = (int(x) for x in opts["pages"])
        return _read_range(data, name, ctx, start, stop, digest)
    min_pages = int(opts.get("plan_min_pages") or 0)
    if min_pages and sniff(data) == "pdf":
        try:
            plan = _split_plan(data, ctx, min_pages)
        except Exception:
            plan = None  # the normal read reports what is wrong with the file
        if plan:
            return ReadResult(file=name, sha256=digest, kind="pdf", meta={"split_plan": plan})
    res = read_bytes(data, name, ctx)
    if opts.get("extract"):
        _finish_in_worker(res, opts.get("cache_db"), opts.get("profile"))
    return res


_WORKER_CACHE: dict[str, Any] = {}
WORKER_META = "_batch_worker"  # meta key of what the worker did besides reading


def _warm_up() -> ReadResult:
    """Load the reading and extraction stack in a reader worker before the first real job
    (a no-op in a reader forked from the warmed fork server; see ``review.reader_stack``)."""
    # late on purpose: importing review.reader_stack loads and warms the whole reading stack
    # (spaCy, every extractor: about 1 s); the batch's parent imports this module too
    from review import reader_stack

    reader_stack.warm()
    return ReadResult(file="warm-up", sha256="", kind="unknown")


def close_worker_caches() -> None:
    """Close the cache connections a reader worker opened (before it exits)."""
    while _WORKER_CACHE:
        _, cache = _WORKER_CACHE.popitem()
        with contextlib.suppress(Exception):
            cache.close()


def _finish_in_worker(res: ReadResult, cache_db: str | None, profile: Any = None) -> None:
    """In the reader worker: extract the documents and cache the ReadResult.

    The documents travel back in ``res.meta[WORKER_META]``; when the worker cached
    the full result, the page lines are dropped from what is sent back (the parent
    needs only the documents, page counts and messages), which keeps the parent — the
    one process that cannot run in parallel — out of text extraction entirely.
    ``profile``: the policy's direction words and added doc types (``Policy.extraction``).
    """
    try:
        docs = extract_documents(res, profile)
    except Exception:
        docs = None  # the parent extracts again and reports the error in context
    cached = False
    if cache_db and not res.meta.get("isolation_failure"):
        try:
            cache = _WORKER_CACHE.get(cache_db)
            if cache is None:
                cache = _WORKER_CACHE[cache_db] = ReadCache(cache_db)
            cache.put(res)
            cached = True
        except Exception:
            cached = False  # the parent caches it
    if docs is not None and cached:
        res.pages = [p.model_copy(update={"lines": [], "tables": [], "barcodes": []}) for p in res.pages]
    res.meta[WORKER_META] = {"documents": docs, "cached": cached}


def plan_ranges(
    plan: dict[str, Any], workers: int, max_ocr_pages: int = SPLIT_MAX_OCR_PAGES
) -> list[tuple[int, int]]:
    """Contiguous page ranges covering the file, each with a similar number of OCR pages.

    >>> plan_ranges({"page_count": 10, "ocr_pages": list(range(10))}, workers=2)
    [(0, 2), (2, 5), (5, 8), (8, 10)]
    >>> plan_ranges({"page_count": 5, "ocr_pages": [1, 2, 3, 4]}, workers=8)
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    n = int(plan["page_count"])
    ocr = sorted(int(i) for i in plan["ocr_pages"])
    k = len(ocr)
    if k == 0:
        return [(0, n)]
    chunks = max(min(k, 2 * max(workers, 1)), math.ceil(k / max_ocr_pages))
    cuts = [0]
    for c in range(1, chunks):
        cut = ocr[round(c * k / chunks)]  # each range starts at an OCR page
        if cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(n)
    return list(itertools.pairwise(cuts))


def merge_parts(
    name: str, digest: str, page_count: int, parts: list[tuple[int, int, ReadResult]]
) -> ReadResult:
    """One ReadResult from page-range reads, in page order."""
    merged = ReadResult(
        file=name, sha256=digest, kind="pdf", meta={"page_count": page_count, "split_parts": len(parts)}
    )
    page_meta: list[Any] = []
    for start, stop, res in sorted(parts, key=lambda t: t[0]):
        merged.pages.extend(res.pages)
        merged.ocr_calls += res.ocr_calls
        if res.meta.get("isolation_failure"):
            merged.meta["isolation_failure"] = True
            merged.errors.extend(f"第 {start + 1}-{stop} 页：{e}" for e in res.errors)
        else:
            merged.errors.extend(e for e in res.errors if e not in merged.errors)
        merged.warnings.extend(w for w in res.warnings if w not in merged.warnings)
        page_meta.extend(res.meta.get("pages", []))
        for key, value in res.meta.items():
            if key not in ("pages", "page_count", "isolation_failure", "elapsed_s"):
                merged.meta.setdefault(key, value)
        if res.structured and merged.structured is None:
            merged.structured = res.structured
    if page_meta:
        merged.meta["pages"] = page_meta
    return merged

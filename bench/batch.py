"""Batch benchmark: ``python bench/batch.py [--quick] [--bigscan N] [--only text|scan] [--keep DIR]``.

Builds a synthetic intake (bench/make_intake.py) and prints, side by side:

* text documents end to end (``run_batch``, default workers, 200 applications ≈ 2,200
  pages; nothing warmed beforehand, so the readers' start-up is included) in pages/s vs
  raw PyMuPDF ``get_text`` on the same PDFs; the start-up and the steady rate after it
  on their own line; OCR pages on text-layer pages (must be 0);
* seconds per scanned page in the batch (1 worker) vs a bare RapidOCR call on the same
  rendered image with the same engine and thread count (bare, batch, bare, batch, bare);
* the OCR variants of bench/ocr_variants.py (the pre-issue-18 onnxruntime baseline, the
  new default, each step alone) as bare calls on the same pages, 1 thread, interleaved:
  CPU and wall s/page;
* workers × OCR threads (1×1, 1×2, 2×1, then again in reverse order) on 8 scanned
  applications of 2 pages, in pages/s overall;
* an unchanged re-run vs the first run;
* peak RSS per reader worker (psutil, worker plus its children), and on one big
  scanned PDF (read as page ranges by every worker).

The full run takes about 8 minutes on an idle 2-core machine (OCR ≈ 1.5–5 s per page);
``--quick`` about 3 (40 text applications, 4 scanned pages); ``--bigscan 200`` is the
200-page memory check (about 5 minutes more). Every figure carries the 1-minute load
average: on a shared machine compare only figures taken at similar load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from make_intake import build_intake  # noqa: E402

from review.batch import JOURNAL_DIR, JOURNAL_NAME, default_workers, run_batch  # noqa: E402


def _journal_times(out: Path) -> tuple[float, float, float, int]:
    """(batch start, first done, last done, n done) of the last run in ``out``."""
    recs = [
        json.loads(line)
        for line in (out / JOURNAL_DIR / JOURNAL_NAME).read_text().splitlines()
        if line.strip()
    ]
    start = max(i for i, r in enumerate(recs) if r["event"] == "batch_start")
    run = recs[start:]
    done = [r["t"] for r in run if r["event"] == "done"]
    return run[0]["t"], min(done), max(done), len(done)


def batch_run(root: Path, work: Path, tag: str, **kw) -> dict:
    out, db = work / f"out-{tag}", work / f"db-{tag}.sqlite"
    shutil.rmtree(out, ignore_errors=True)
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    summary = run_batch(root, out, db=str(db), show_progress=False, **kw)
    wall = time.perf_counter() - t0
    st = summary["stats"]
    t_start, t_first, t_last, n = _journal_times(out)
    steady = (t_last - t_first) / (n - 1) if n > 1 else float("nan")  # s per application
    return {
        "wall": wall,
        "stats": st,
        "out": out,
        "db": db,
        "startup": t_first - t_start,
        "steady_app_s": steady,
        "n": n,
    }


def raw_get_text(root: Path) -> tuple[int, float]:
    import pymupdf

    t0 = time.perf_counter()
    pages = 0
    for f in sorted(root.rglob("*.pdf")):
        with pymupdf.open(f) as doc:
            for page in doc:
                page.get_text()
                pages += 1
    return pages, time.perf_counter() - t0


def bare_ocr_seconds(root: Path) -> tuple[int, float]:
    """Bare RapidOCR (same engine, models and thread setting as extractor.ocr) on the rendered pages."""
    from extractor.ocr import OcrEngine

    engine = OcrEngine()
    images = _scan_images(root)
    engine.bare(images[0])  # warm-up, like the batch's first page
    t0 = time.perf_counter()
    for img in images[1:]:
        engine.bare(img)
    return len(images) - 1, time.perf_counter() - t0


def _scan_images(root: Path) -> list:
    import pymupdf

    from extractor.ocr import _to_bgr
    from extractor.read import ReadContext
    from extractor.readers.pdf import render_page

    images = []
    for f in sorted(root.rglob("*.pdf")):
        with pymupdf.open(f) as doc:
            for page in doc:
                images.append(_to_bgr(render_page(page, ReadContext())[0]))
    return images


BATCH_VARIANTS = ("baseline ort", "ov bf16", "ort nospin", "ort det1280", "NEW DEFAULT")


def ocr_variants_per_page(
    root: Path, threads: int = 1, rounds: int = 2, names: tuple[str, ...] = BATCH_VARIANTS
) -> dict[str, tuple[float, float]]:
    """(CPU s, wall s) per scanned page of each OCR variant of bench/ocr_variants.py
    (bare engine calls on the batch's rendered pages, variants interleaved page by page,
    the order rotated; median over rounds)."""
    from ocr_variants import VARIANTS

    from extractor.ocr import OcrEngine, openvino_version

    names = [n for n in names if openvino_version() or VARIANTS[n].get("runtime") != "openvino"]
    if rounds <= 0:
        return {}
    engines = {n: OcrEngine(threads, **VARIANTS[n]) for n in names}
    images = _scan_images(root)
    for e in engines.values():
        e.bare(images[0])  # load and warm up
    cpu = {n: [0.0] * rounds for n in names}
    wall = {n: [0.0] * rounds for n in names}
    for r in range(rounds):
        for i, img in enumerate(images):
            k = (r + i) % len(names)
            for n in names[k:] + names[:k]:
                w0, c0 = time.perf_counter(), time.process_time()
                engines[n].bare(img)
                cpu[n][r] += time.process_time() - c0
                wall[n][r] += time.perf_counter() - w0
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return {n: (med(cpu[n]) / len(images), med(wall[n]) / len(images)) for n in names}


def fmt_rss(st: dict) -> str:
    vals = list(st.get("peak_rss_mb", {}).values())
    return f"{max(vals):.0f} MB (workers: {', '.join(f'{v:.0f}' for v in vals)})" if vals else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="evreview batch benchmark")
    ap.add_argument("--quick", action="store_true", help="small intake (about 3 minutes)")
    ap.add_argument(
        "--bigscan",
        type=int,
        default=None,
        help="pages of the big scanned PDF (default 60, quick 12; 200 for the memory check)",
    )
    ap.add_argument("--keep", default=None, help="build the intake here and keep it")
    ap.add_argument(
        "--only", choices=("text", "scan"), default=None, help="run only the text or the scanned part"
    )
    ap.add_argument("--text-apps", type=int, default=None, help="text applications (default 200, quick 40)")
    ap.add_argument("--variant-rounds", type=int, default=2, help="rounds of the bare OCR variants (0: skip)")
    args = ap.parse_args(argv)
    os.environ.pop("EVREVIEW_OCR_THREADS", None)
    # The text intake is the size of a city's intake (hundreds of applications, a few
    # thousand pages): the readers' start-up (about a second, paid once per batch) is
    # printed on its own line, and the steady rate after it.
    text_apps = args.text_apps or (40 if args.quick else 200)
    # 8 applications of 2 scanned pages: the OCR model's loading (about 1 s per reader,
    # on its first scanned page) weighs on the overall rates as it would on a small intake
    scan_apps, scan_pages = (4, 1) if args.quick else (8, 2)
    scan_total = scan_apps * scan_pages
    big_pages = args.bigscan if args.bigscan is not None else (12 if args.quick else 60)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="evreview-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ncpu = default_workers()
    rows: list[tuple[str, str, str, str]] = []
    t_bench = time.perf_counter()

    def row(what: str, value: str, versus: str = "", verdict: str = "") -> None:
        verdict = f"{verdict} [load {os.getloadavg()[0]:.1f}]".strip()
        rows.append((what, value, versus, verdict))
        print(f"  {what}: {value}  {versus}  {verdict}", flush=True)

    print(f"building intake in {work} …", flush=True)
    if args.only != "scan":
        build_intake(work / "text", apps=text_apps, scanned_apps=0)
    if args.only != "text":
        build_intake(work / "scan", apps=scan_apps, scanned_apps=scan_apps, scan_pages=scan_pages, text=False)
        build_intake(work / "big", apps=0, scanned_apps=0, bigscan=big_pages)
    # Nothing is warmed beforehand: the text run pays for starting the readers (fork
    # server, stack loading) and for loading the rules in this process, as a CLI run does
    # (less the interpreter's own start).

    if args.only != "scan":
        # 1. text documents end to end vs raw PyMuPDF
        # raw get_text right before and after the batch (the machine's speed drifts)
        raw_pages, raw_s1 = raw_get_text(work / "text")
        text = batch_run(work / "text", work, "text")
        _, raw_s2 = raw_get_text(work / "text")
        raw_s = (raw_s1 + raw_s2) / 2
        st = text["stats"]
        e2e = st["pages"] / text["wall"]
        pages_per_app = st["pages"] / max(text["n"], 1)
        steady = pages_per_app / text["steady_app_s"]
        raw_rate = raw_pages / raw_s
        row(
            "text end to end",
            f"{e2e:.1f} pages/s ({st['pages']} pages, {text['wall']:.1f} s, {st['workers']} workers)",
            f"raw get_text {raw_rate:.0f} pages/s ({raw_pages / raw_s1:.0f} before, {raw_pages / raw_s2:.0f} after)",
            f"{e2e / raw_rate:.0%} (target ≥ 25%)",
        )
        row(
            "text steady state (after start-up)",
            f"{steady:.1f} pages/s (start-up {text['startup']:.1f} s)",
            "",
            f"{steady / raw_rate:.0%} of raw",
        )
        row(
            "OCR pages among text-layer pages",
            str(st["ocr_pages"]),
            "",
            "OK" if st["ocr_pages"] == 0 else "FAIL",
        )
        row("peak RSS per worker (text)", fmt_rss(st))

        # 2. unchanged re-run
        t0 = time.perf_counter()
        again = run_batch(work / "text", text["out"], db=str(text["db"]), show_progress=False)
        rerun_s = time.perf_counter() - t0
        row(
            "unchanged re-run",
            f"{rerun_s:.2f} s (first {text['wall']:.1f} s, {again['stats']['files_read']} files read)",
            "",
            f"{text['wall'] / rerun_s:.0f}× faster (target ≥ 50×)",
        )

    if args.only != "text":
        # 3. scanned pages: batch (1 worker, default threads) vs bare OCR, alternated
        # (bare, batch, bare, batch, bare): the machine's speed drifts between minutes
        bares: list[tuple[int, float]] = [bare_ocr_seconds(work / "scan")]
        per_pages: list[float] = []
        for k in range(2):
            one = batch_run(work / "scan", work, f"scan-1xdefault-{k}", workers=1)
            per_pages.append(one["steady_app_s"] / scan_pages)
            bares.append(bare_ocr_seconds(work / "scan"))
        bare = sum(s_ for _, s_ in bares) / sum(n for n, _ in bares)
        per_page = sum(per_pages) / len(per_pages)
        # 3b. the OCR variants on the same pages, 1 thread (as in a batch worker)
        load0 = os.getloadavg()[0]
        variants = ocr_variants_per_page(work / "scan", threads=1, rounds=args.variant_rounds)
        b_cpu, b_wall = variants.get("baseline ort", (0.0, 0.0))
        for name, (c, w_) in variants.items():
            row(
                f"OCR variant {name} (bare, 1 thread)",
                f"CPU {c:.2f} s/page ({c / b_cpu:.2f}× baseline), wall {w_:.2f} s/page ({w_ / b_wall:.2f}×)",
                f"[load at start {load0:.1f}]",
                "target CPU ≤ 0.60× baseline" if name == "NEW DEFAULT" else "",
            )
        row(
            "scanned page in the batch (1 worker, all threads)",
            f"{per_page:.2f} s/page (steady; runs {', '.join(f'{x:.2f}' for x in per_pages)})",
            f"bare RapidOCR {bare:.2f} s/page ({', '.join(f'{s_ / n:.2f}' for n, s_ in bares)})",
            f"{per_page / bare:.2f}× (target ≤ 1.10×)",
        )

        # 4. workers × OCR threads, in two passes (forward, then reverse order) so that
        # a slow minute of a shared machine does not land on one combination only
        combos = [(1, 1), (1, 2), (2, 1)] if ncpu >= 2 else [(1, 1)]
        walls: dict[tuple[int, int], list[float]] = {c: [] for c in combos}
        peak: dict[tuple[int, int], str] = {}
        for w, t in [*combos, *reversed(combos)]:
            r = batch_run(work / "scan", work, f"scan-{w}x{t}", workers=w, ocr_threads=t)
            walls[(w, t)].append(r["wall"])
            peak[(w, t)] = fmt_rss(r["stats"])
        rates = {c: scan_total * len(v) / sum(v) for c, v in walls.items()}
        for (w, t), rate in rates.items():
            row(
                f"scanned {w} worker(s) × {t} OCR thread(s)",
                f"{rate:.3f} pages/s overall ({', '.join(f'{scan_total / x:.3f}' for x in walls[(w, t)])})",
                f"peak RSS {peak[(w, t)]}",
            )
        if (2, 1) in rates:
            row(
                "2 workers×1 thread vs 1×1",
                f"{rates[(2, 1)] / rates[(1, 1)]:.2f}× overall",
                "",
                "target ≥ 1.7×",
            )
            default = (min(ncpu, scan_apps), 1)
            best = max(rates, key=lambda k: rates[k])
            row(
                "default (workers = cores, 1 thread each)",
                f"{default[0]}×{default[1]}",
                f"fastest overall: {best[0]}×{best[1]}",
                "OK" if best == default else "not the fastest here",
            )

        # 5. one big scanned PDF: split into page ranges across all workers
        big = batch_run(work / "big" / "_bigscan", work, "bigscan")
        bst = big["stats"]
        row(
            f"big scan ({big_pages} pages, {bst['workers']} workers)",
            f"{bst['ocr_pages'] / big['wall']:.3f} pages/s, {big['wall']:.0f} s, {bst['split_parts']} page ranges",
            f"1×1 rate {rates[(1, 1)]:.3f} pages/s" if (1, 1) in rates else "",
        )
        row("peak RSS per worker (big scan)", fmt_rss(bst), "", "target ≤ 1536 MB")

    print(f"\nbench took {time.perf_counter() - t_bench:.0f} s; intake in {work}\n")
    width = max(len(r[0]) for r in rows)
    for what, value, versus, verdict in rows:
        print(f"{what:<{width}}  {value}  {versus}  {verdict}".rstrip())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the reading layer (run: ``.venv/bin/python bench/read.py``).

Builds its own documents, then prints side by side:

* text PDFs: pages/s of ``read_pdf`` vs bare ``page.get_text()`` (target ratio ≥ 0.5);
* scanned pages: seconds per page of ``read_pdf`` / ``read_image`` vs a bare RapidOCR
  call on the same pixels with the same engine (target ratio ≤ 1.10), and the bare call
  of the pre-issue-18 baseline (onnxruntime, RapidOCR's own detection size) beside it;
* OCR variants (bench/ocr_variants.py): the baseline, the new default and each step
  alone, interleaved, on the scanned sample applications and the real images: CPU and
  wall s/page, fields found, characters recovered (``--variant-rounds 0`` skips it);
* OCR seconds per page with 1 thread vs the default (all cores).

Timings are the best of several repetitions (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pymupdf
from ocr_variants import VARIANTS
from ocr_variants import run as run_variants
from PIL import Image

from extractor.ocr import OcrEngine, _to_bgr, get_engine
from extractor.read import ReadContext
from extractor.readers.image import read_image
from extractor.readers.pdf import read_pdf

PARA = (
    "根据《福建省人工智能产业发展专项资金管理办法》，申报单位应提交营业执照、购置合同、"
    "发票及付款凭证等证明材料。本项目总投资人民币1,250,000.00元，其中设备购置费"
    "860,000.00元，软件开发费390,000.00元。统一社会信用代码91350503MA2Y0XXX1K，"
    "开户银行中国工商银行泉州分行，账号1408010109000123456。"
)


def text_pdf(pages: int) -> bytes:
    doc = pymupdf.open()
    for p in range(pages):
        page = doc.new_page()  # A4
        y = 60
        for i in range(36):
            start = (p * 7 + i * 11) % (len(PARA) - 40)
            page.insert_text(
                (50, y), f"{i + 1:02d} " + PARA[start : start + 38], fontname="china-s", fontsize=11
            )
            y += 20
    return doc.tobytes()


def scanned_image(seed: int, dpi: int = 200) -> np.ndarray:
    """An A4 text page rendered at ``dpi`` with scanner-like noise (RGB)."""
    doc = pymupdf.open(stream=text_pdf(1), filetype="pdf")
    pix = doc[0].get_pixmap(dpi=dpi, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).astype(np.int16)
    rng = np.random.default_rng(seed)
    img += rng.normal(0, 12, img.shape).astype(np.int16)
    img -= (rng.random(img.shape[:2]) < 0.002).astype(np.int16)[..., None] * 200  # specks
    return np.clip(img, 0, 255).astype(np.uint8)


def pdf_of_image(img: np.ndarray, dpi: int = 200) -> bytes:
    h, w = img.shape[:2]
    doc = pymupdf.open()
    page = doc.new_page(width=w * 72 / dpi, height=h * 72 / dpi)
    buf = BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    page.insert_image(page.rect, stream=buf.getvalue())
    return doc.tobytes()


def best(fn: Callable[[], object], reps: int, clock: Callable[[], float] = time.process_time) -> float:
    times = []
    for _ in range(reps):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def bench_text(pages: int, reps: int) -> None:
    data = text_pdf(pages)

    def raw() -> None:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            for page in doc:
                page.get_text()

    def ours() -> None:
        ctx = ReadContext()
        res = read_pdf(data, "bench.pdf", ctx)
        assert ctx.ocr_calls == 0 and len(res.pages) == pages and not res.errors

    raw(), ours()  # warm up
    # CPU time of this process (robust on a shared machine), interleaved runs
    t_raw, t_ours = [], []
    for _ in range(reps):
        t_raw.append(best(raw, 1, time.process_time))
        t_ours.append(best(ours, 1, time.process_time))
    pr, po = pages / min(t_raw), pages / min(t_ours)
    print(
        f"text PDF ({pages} pages, Chinese), CPU time: get_text() {pr:6.0f} pages/s | read_pdf {po:6.0f} pages/s"
    )
    print(f"  ratio read_pdf/get_text = {po / pr:.2f}   (target >= 0.50)")


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def bench_scanned(n: int, reps: int) -> None:
    engine = get_engine()
    engine._load()
    base = OcrEngine(engine.threads, **VARIANTS["baseline ort"])
    base._load()
    imgs = [scanned_image(i) for i in range(n)]
    pngs = []
    for img in imgs:
        buf = BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        pngs.append(buf.getvalue())
    pdfs = [pdf_of_image(img) for img in imgs]
    engine.bare(_to_bgr(imgs[0]))  # warm up: load models
    base.bare(_to_bgr(imgs[0]))

    names = ("bare RapidOCR", "read_image", "read_pdf", "bare baseline")
    runs: dict[str, list[list[tuple[float, float]]]] = {k: [[] for _ in range(n)] for k in names}
    for i in range(n):
        bgr = _to_bgr(imgs[i])
        fns = {
            "bare RapidOCR": lambda b=bgr: engine.bare(b),
            "read_image": lambda d=pngs[i]: read_image(d, "s.png", ReadContext()),
            "read_pdf": lambda d=pdfs[i]: read_pdf(d, "s.pdf", ReadContext()),
            "bare baseline": lambda b=bgr: base.bare(b),
        }
        for _ in range(reps):  # interleaved, so load changes hit all alike
            for k in names:
                runs[k][i].append(_timed(fns[k]))
    h, w = imgs[0].shape[:2]
    threads = os.environ.get("EVREVIEW_OCR_THREADS", "default (all cores)")
    info = engine.engine_info()
    print(
        f"scanned A4 page at 200 dpi ({w}x{h} px, 36 dense lines, noise), {n} page(s) x {reps} reps, "
        f"threads={threads}, load {os.getloadavg()[0]:.1f}; engine: {info.get('runtime')} "
        f"{info.get('runtime_version')} {info.get('precision')} ({info.get('chosen_by')}), "
        f"detection side {info.get('det_max_side')}:"
    )

    def per_page(k: str, j: int) -> float:  # best repetition of each page, averaged over pages
        return sum(min(r[j] for r in runs[k][i]) for i in range(n)) / n

    bw, bc = per_page(names[0], 0), per_page(names[0], 1)
    for k in names:
        sw, sc = per_page(k, 0), per_page(k, 1)
        tail = "" if k in (names[0], "bare baseline") else "  (target <= 1.10)"
        if k == "bare baseline":
            tail = "  (onnxruntime, RapidOCR's own detection size: before issue 18)"
        print(
            f"  {k:14s} wall {sw:6.2f} s/page (ratio {sw / bw:.2f}) | CPU {sc:6.2f} s/page (ratio {sc / bc:.2f}){tail}"
        )
    ow, oc = per_page("bare baseline", 0), per_page("bare baseline", 1)
    print(f"  new default vs baseline: CPU {bc / oc:.2f}x, wall {bw / ow:.2f}x  (target CPU <= 0.60)")


def bench_threads() -> None:
    img = _to_bgr(scanned_image(99)[:1200])  # upper half of the page, to keep this short
    out = []
    for threads in (1, -1):
        engine = OcrEngine(threads=threads)
        engine.bare(img)
        out.append(_timed(lambda e=engine: e.bare(img)))
    print(
        f"bare RapidOCR (new default), half A4 page: 1 thread wall {out[0][0]:.2f} s (CPU {out[0][1]:.2f}) | "
        f"all {os.cpu_count()} cores wall {out[1][0]:.2f} s (CPU {out[1][1]:.2f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--scanned", type=int, default=1, help="scanned pages (each ~10 s of OCR per run)")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--no-threads", action="store_true", help="skip the 1-thread vs all-cores comparison")
    ap.add_argument(
        "--variant-rounds", type=int, default=2, help="rounds of the OCR variants (0: skip, ~8 min a round)"
    )
    ap.add_argument(
        "--variant-threads", type=int, default=1, help="OCR threads of the variants (1 = a batch worker)"
    )
    args = ap.parse_args()
    bench_text(args.pages, 15)
    bench_scanned(args.scanned, args.reps)
    if args.variant_rounds > 0:
        run_variants(rounds=args.variant_rounds, threads=args.variant_threads)
    if not args.no_threads:
        bench_threads()


if __name__ == "__main__":
    main()

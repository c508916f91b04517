"""What choosing OCR's unsure glyphs again costs, measured side by side in one run.

    python bench/glyph_choice.py [--repeat N] [--root DIR] [--limit N]

Reads the images of sample_docs/applications by OCR once (their lines carry the model's
runner-up glyphs, extractor.ocr_alts), then times, on the same pages: OCR (the first read),
classification + field extraction without the glyph choice, and with it
(extractor.glyph_choice). Prints ms per page, how many glyphs were weighed and changed, and
the glyph choice's cost as a share of the OCR it follows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import extractor.extract as extract_module  # noqa: E402
from extractor.glyph_choice import chosen_glyphs  # noqa: E402
from extractor.read import read_path  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT / "sample_docs" / "applications")
    ap.add_argument("--limit", type=int, default=8, help="images to read (OCR costs about 2 s a page)")
    args = ap.parse_args()

    files = sorted(p for p in args.root.rglob("*") if p.suffix.lower() in {".png", ".jpg", ".jpeg"})[
        : args.limit
    ]
    t = time.perf_counter()
    reads = [read_path(p) for p in files]
    ocr_s = time.perf_counter() - t
    reads = [r for r in reads if r.pages and r.method == "ocr"]
    pages = sum(len(r.pages) for r in reads)
    if not pages:
        print("no OCR page read")
        return 1
    weighed = sum(len(ln.alts) for r in reads for p in r.pages for ln in p.lines)
    flat = [p for r in reads for p in r.pages]
    changed = sum(
        a != b
        for before, after in zip(flat, chosen_glyphs(flat), strict=True)
        for ln_a, ln_b in zip(before.lines, after.lines, strict=True)
        for a, b in zip(ln_a.text, ln_b.text, strict=True)
    )

    def as_read(pages, skip=frozenset()):
        return pages

    times: dict[str, list[float]] = {"off": [], "on": [], "step": []}
    for _ in range(args.repeat):
        t = time.perf_counter()
        chosen_glyphs(flat)
        times["step"].append(time.perf_counter() - t)
        for mode, step in (("off", as_read), ("on", chosen_glyphs)):
            extract_module.chosen_glyphs = step
            t = time.perf_counter()
            for r in reads:
                extract_module.extract_documents(r)
            times[mode].append(time.perf_counter() - t)
    extract_module.chosen_glyphs = chosen_glyphs
    ocr_ms = ocr_s * 1000 / pages
    off = statistics.median(times["off"]) * 1000 / pages
    on = statistics.median(times["on"]) * 1000 / pages
    print(f"images {len(reads)}, OCR pages {pages}, repeats {args.repeat} (median)")
    print(f"{'unsure glyphs weighed / changed':44s} {weighed:7d} / {changed}")
    print(f"{'OCR (first read, incl. model load)':44s} {ocr_ms:9.1f} ms/page")
    print(f"{'extraction without glyph choice':44s} {off:9.1f} ms/page")
    print(f"{'extraction with glyph choice':44s} {on:9.1f} ms/page")
    step = statistics.median(times["step"]) * 1000 / pages
    print(f"{'the glyph choice step alone':44s} {step:9.2f} ms/page")
    print(f"{'glyph choice / OCR':44s} {step / ocr_ms:9.4f} ×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Extraction cost on top of reading, measured side by side in one run.

    python bench/extract.py [--repeat N]

Reads every text-layer PDF and DOCX of sample_docs/applications once (no OCR), then
times, on the same pages: reading alone (extractor.read), and classification + field
extraction (extractor.extract.extract_documents) on the read pages. Prints ms per page
for both and the extraction overhead per text page (target: ≤ 20 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.extract import extract_documents  # noqa: E402
from extractor.read import ReadContext, read_bytes  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT / "sample_docs" / "applications")
    args = ap.parse_args()

    files = sorted(p for p in args.root.rglob("*") if p.suffix.lower() in {".pdf", ".docx"})
    blobs = [(p, p.read_bytes()) for p in files]
    ctx = ReadContext(ocr_enabled=False)
    reads = [read_bytes(data, p.name, ctx) for p, data in blobs]
    keep = [(b, r) for b, r in zip(blobs, reads, strict=True) if r.pages and r.method in {"text", "docx"}]
    pages = sum(len(r.pages) for _b, r in keep)
    extract_documents(keep[0][1])  # warm-up: spaCy pipeline, compiled patterns

    read_times, extract_times = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        for (p, data), _r in keep:
            read_bytes(data, p.name, ReadContext(ocr_enabled=False))
        read_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        for _b, r in keep:
            extract_documents(r)
        extract_times.append(time.perf_counter() - t)

    read_ms = statistics.median(read_times) * 1000 / pages
    extract_ms = statistics.median(extract_times) * 1000 / pages
    print(f"files {len(keep)}, text pages {pages}, repeats {args.repeat} (median)")
    print(f"{'reading (text layer, incl. QR on invoices)':44s} {read_ms:7.2f} ms/page")
    print(f"{'classification + field extraction':44s} {extract_ms:7.2f} ms/page")
    print(f"{'extraction overhead per text page':44s} {extract_ms:7.2f} ms  (target ≤ 20 ms: {'met' if extract_ms <= 20 else 'MISSED'})")
    print(f"{'extraction / reading':44s} {extract_ms / read_ms:7.2f} ×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Licence photos read with and without the seal rings' second readings, side by side in one run.

    python bench/seal_sizes.py ../corpus [--limit 60]

A photo's size on paper is unknown, so the reader assumes one; a seal's ring is read at the
size that assumption gives, and where that reading is unsure it is read again at other sizes
(``extractor.seals._alt_readings``). This reads the image licences of the real corpus's *tune*
split (the first-look split is never read here) twice — second readings off, then on — and
prints the registration authorities matching the truth and the milliseconds per page of each
reading, with their ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor import seals  # noqa: E402
from extractor.extract import extract_documents  # noqa: E402
from extractor.read import read_bytes  # noqa: E402
from review.evaluate import field_matches  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from degrade import tune_images  # noqa: E402  (the same tune split, the same image files)


def tune_licences(corpus: Path, limit: int):
    """(file, truth authority) of the tune split's image licences that print an authority."""
    for _app, f, fields in tune_images(corpus, "business_license", 10**6):
        if fields.get("registration_authority"):
            yield f, fields["registration_authority"]
            limit -= 1
            if limit <= 0:
                return


def read_once(data: bytes, name: str, want: str, second: bool) -> tuple[bool, float]:
    """Whether the authority read matches ``want``, and the reading's seconds."""
    sure = seals.SURE_RING
    seals.SURE_RING = sure if second else -1.0  # no ring is unsure: no second readings
    try:
        t0 = time.perf_counter()
        res = read_bytes(data, name)
        dt = time.perf_counter() - t0
    finally:
        seals.SURE_RING = sure
    lic = [d for d in extract_documents(res) if d.doc_type == "business_license"]
    got = lic[0].fields.get("registration_authority") if lic else None
    return bool(got is not None and field_matches("registration_authority", want, got.value)), dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--limit", type=int, default=60)
    args = ap.parse_args(argv)
    ok = [0, 0]
    secs = [0.0, 0.0]
    n = 0
    for i, (f, want) in enumerate(tune_licences(args.corpus, args.limit), 1):
        print(f"[{i}] {f.parent.name}/{f.name}", file=sys.stderr, flush=True)
        data = f.read_bytes()
        if i == 1:
            read_once(data, f.name, want, second=False)  # load the OCR models before timing
        # alternate which reading goes first: neither profits from a warm cache throughout
        for v in (0, 1) if i % 2 else (1, 0):
            hit, dt = read_once(data, f.name, want, second=bool(v))
            ok[v] += hit
            secs[v] += dt
        n += 1
    if not n:
        print("没有可读的营业执照图片（请先构建真实语料库）")
        return 1
    print("\t仅首次读取\t加读其他尺寸\t比值")
    print(f"登记机关正确\t{ok[0]}/{n}\t{ok[1]}/{n}\t{ok[1] / max(ok[0], 1):.3f}")
    print(f"每页毫秒\t{1000 * secs[0] / n:.0f}\t{1000 * secs[1] / n:.0f}\t{secs[1] / max(secs[0], 1e-9):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

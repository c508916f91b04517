"""Field accuracy on photographed documents read again degraded, side by side in one run.

    python bench/degrade.py ../corpus [--type invoice] [--limit 30]

Takes the image files (JPEG/PNG) of the real corpus's *tune* split of one document type (the
first-look split is never read here) and reads each one four times: as it is, at half its
size, turned 2.5° and saved as JPEG at quality 35 — what a reviewer's intake does to a phone
photo (a smaller upload, a crooked shot, a recompressed attachment). Prints, per field, the
fields matching the truth under each variant, and each variant's total as a ratio of the
original's. A field that holds up on the original but not on a mild degradation is read by
luck, not by principle.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from extractor.extract import extract_documents  # noqa: E402
from extractor.read import read_bytes  # noqa: E402
from review.evaluate import field_matches  # noqa: E402

VARIANTS = ("原图", "缩小一半", "旋转2.5°", "JPEG质量35")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


def variants(img: Image.Image):
    """The four readings of one image: as it is, half size, turned, recompressed."""
    w, h = img.size
    yield img
    yield img.resize((max(1, w // 2), max(1, h // 2)), Image.LANCZOS)
    yield img.rotate(2.5, expand=True, fillcolor="white")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=35)
    buf.seek(0)
    yield Image.open(buf).convert("RGB")


def tune_images(corpus: Path, doc_type: str, limit: int):
    """(application, file, truth fields) of the tune split's image documents of ``doc_type``."""
    n = 0
    for t in sorted((corpus / "truth").glob("*.json")):
        app = json.loads(t.read_text(encoding="utf-8"))
        if app.get("split") != "tune":
            continue
        for doc in app["documents"]:
            f = corpus / "applications" / app["application_id"] / doc["file"]
            if doc["doc_type"] == doc_type and f.suffix.lower() in IMAGE_SUFFIXES and f.exists():
                yield app["application_id"], f, doc["fields"]
                n += 1
                if n >= limit:
                    return


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--type", default="invoice")
    ap.add_argument("--limit", type=int, default=30)
    args = ap.parse_args(argv)
    ok: dict[tuple[int, str], int] = {}
    total: dict[str, int] = {}
    for i, (app, f, truth) in enumerate(tune_images(args.corpus, args.type, args.limit), 1):
        print(f"[{i}] {app}/{f.name}", file=sys.stderr, flush=True)
        for v, img in enumerate(variants(Image.open(f).convert("RGB"))):
            buf = io.BytesIO()
            img.save(buf, "PNG")
            docs = [
                d
                for d in extract_documents(read_bytes(buf.getvalue(), "degraded.png"))
                if d.doc_type == args.type
            ]
            got = docs[0].fields if docs else {}
            for key, want in truth.items():
                if v == 0:
                    total[key] = total.get(key, 0) + 1
                if key in got and field_matches(key, want, got[key].value):
                    ok[(v, key)] = ok.get((v, key), 0) + 1
    print("字段\t" + "\t".join(VARIANTS))
    for key in sorted(total):
        print(key + "\t" + "\t".join(f"{ok.get((v, key), 0)}/{total[key]}" for v in range(len(VARIANTS))))
    sums = [sum(ok.get((v, k), 0) for k in total) for v in range(len(VARIANTS))]
    n = sum(total.values())
    print("合计\t" + "\t".join(f"{s}/{n}" for s in sums))
    base = sums[0] or 1
    print("与原图之比\t" + "\t".join(f"{s / base:.3f}" for s in sums))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Write the 24 contracts and their truth: ``python -m sample_docs.unseen --out DIR``."""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import pymupdf

from sample_docs.gen.common import image_pdf, jpeg_bytes, render_page, scan_effect

from . import docx_layout
from .data import Spec, build_specs
from .flow import Flow
from .layouts import DRAW, FONTS

LAYOUT_GROUP = "unseen-contracts-2"
SCAN_DPI = 200
PDF_META = {
    "producer": "evreview unseen-contract generator",
    "creator": "evreview unseen-contract generator",
    "creationDate": "D:20240601090000+08'00'",
    "modDate": "D:20240601090000+08'00'",
    "title": "",
    "author": "",
    "subject": "",
    "keywords": "",
}


def render(spec: Spec) -> tuple[bytes, dict, dict[str, str], int]:
    """(file bytes, truth fields, printed text per page, page count)."""
    if spec.fmt == "docx":
        data, fields, printed = docx_layout.build(spec)
        return data, fields, {"1": printed}, 1
    font, latin = FONTS[spec.layout]
    doc = pymupdf.open()
    flow = Flow(doc, font=font, latin=latin)
    fields = DRAW[spec.layout](spec, flow)
    sheets = flow.finish()
    printed = {str(i + 1): sh.printed() for i, sh in enumerate(sheets)}
    n = doc.page_count
    if spec.fmt == "pdf":
        doc.subset_fonts()
        doc.set_metadata(PDF_META)
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, clean=font is not None)
    else:  # "scan": image-only PDF of the rendered pages
        rng = random.Random(spec.extra["rng_seed"])
        pages = []
        for i in range(n):
            im = scan_effect(render_page(doc, i, SCAN_DPI), rng)
            pages.append((jpeg_bytes(im, quality=70), im.size))
        data = image_pdf(pages, SCAN_DPI)
    doc.close()
    return data, fields, printed, n


def truth_for(spec: Spec, fields: dict, printed: dict[str, str], pages: int) -> dict:
    method = {"pdf": "text", "docx": "docx", "scan": "ocr"}[spec.fmt]
    return {
        "application_id": spec.app_id,
        "layout_group": LAYOUT_GROUP,
        "documents": [
            {
                "file": spec.file,
                "doc_type": "contract",
                "pages": list(range(1, pages + 1)),
                "scanned": spec.fmt == "scan",
                "method_expected": method,
                "layout": spec.layout,
                "layout_group": LAYOUT_GROUP,
                "fields": fields,
            }
        ],
        "printed_text": {spec.file: printed},
    }


def generate(out: Path) -> list[Path]:
    """Write DIR/applications/<id>/<file> and DIR/truth/<id>.json; returns the files written."""
    written: list[Path] = []
    for spec in build_specs():
        data, fields, printed, pages = render(spec)
        target = out / "applications" / spec.app_id / spec.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        tpath = out / "truth" / f"{spec.app_id}.json"
        tpath.parent.mkdir(parents=True, exist_ok=True)
        tpath.write_text(json.dumps(truth_for(spec, fields, printed, pages), ensure_ascii=False, indent=1) + "\n",
                         encoding="utf-8")
        written += [target, tpath]
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_docs.unseen", description="生成未见过版式的合同样本及标注")
    ap.add_argument("--out", type=Path, required=True, help="输出目录（applications/ 与 truth/）")
    args = ap.parse_args(argv)
    files = generate(args.out)
    print(f"{len(files) // 2} 份合同已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

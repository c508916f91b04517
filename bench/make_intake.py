"""Synthetic intake for the batch benchmark and the batch tests.

    python bench/make_intake.py OUT [--apps 40] [--scanned-apps 8] [--scan-pages 1] [--bigscan 0]

* Text applications are copies of the sample applications (``sample_docs/applications``)
  restricted to files with a text layer (PDF pages with text, DOCX forms); every copy's
  files get a distinct metadata stamp so no two files share a sha256 (the read cache
  must not make copies free).
* Scanned documents are image-only PDFs: a payment-receipt-like page is drawn with
  PyMuPDF, rendered at 150 dpi, given scanner noise and stored as JPEG.
* ``--bigscan N`` also writes ``OUT/_bigscan/bigscan-app/扫描件.pdf`` with N scanned
  pages (a separate intake: ROOT ``OUT/_bigscan``).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pymupdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs" / "applications"
A4 = (595.0, 842.0)


# -- documents ------------------------------------------------------------------------


def receipt_page(doc: pymupdf.Document, rng: random.Random, serial: int) -> None:
    """One A4 page with a bank receipt's worth of text (about 16 lines)."""
    page = doc.new_page(width=A4[0], height=A4[1])
    amount = rng.randint(10_000, 900_000)
    lines = [
        ("中国工商银行 网上银行电子回单", 16),
        (f"回单编号：{rng.randint(10**11, 10**12 - 1)}    交易流水号：{serial:08d}", 10),
        ("付款人户名：泉州智算科技有限公司", 11),
        (f"付款人账号：6222 0214 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} 123", 11),
        ("付款人开户行：中国工商银行泉州分行营业部", 11),
        ("收款人户名：福州云擎算力服务有限公司", 11),
        (f"收款人账号：3501 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} 0000 8888", 11),
        ("收款人开户行：兴业银行福州五四支行", 11),
        (f"金额（小写）：¥{amount:,}.00", 11),
        ("金额（大写）：人民币若干元整", 11),
        ("用途：算力服务费（GPU 租用）", 11),
        (f"交易日期：2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", 11),
        ("摘要：按合同约定支付第一期算力服务款", 11),
        ("本回单仅作为收付款凭证，不作为收款方发货依据", 9),
        ("打印次数：1    打印时间：2024-06-01 09:00:00", 9),
    ]
    y = 90.0
    for text, size in lines:
        page.insert_text((60, y), text, fontname="china-s", fontsize=size)
        y += size * 2.6
    page.draw_rect(pymupdf.Rect(50, 60, 545, y), color=(0.3, 0.3, 0.3), width=0.8)


def scan_jpeg(page: pymupdf.Page, rng: random.Random, dpi: int = 150) -> bytes:
    """Render a page like a scanner would: grey, noisy, JPEG."""
    from PIL import Image, ImageFilter

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    img = img.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(0.5))
    arr = np.asarray(img, dtype=np.int16) - 12  # grey paper
    noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, arr.shape)
    arr = np.clip(arr + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=70)
    return buf.getvalue()


def scanned_pdf(pages: int, seed: int, distinct: int = 6) -> bytes:
    """An image-only PDF of ``pages`` A4 scans (``distinct`` different images, reused)."""
    rng = random.Random(seed)
    src = pymupdf.open()
    images = []
    for k in range(min(pages, distinct)):
        receipt_page(src, rng, seed * 1000 + k)
        images.append(scan_jpeg(src[k], rng))
    out = pymupdf.open()
    for i in range(pages):
        page = out.new_page(width=A4[0], height=A4[1])
        page.insert_image(page.rect, stream=images[i % len(images)])
    out.set_metadata({"producer": "evreview bench scanner", "keywords": f"scan-{seed}"})
    return out.tobytes(garbage=3, deflate=True)


def text_pdf(pages: int, seed: int) -> bytes:
    """A text-layer PDF (receipt-like pages)."""
    rng = random.Random(seed)
    doc = pymupdf.open()
    for k in range(pages):
        receipt_page(doc, rng, seed * 1000 + k)
    return doc.tobytes(garbage=3, deflate=True)


# -- copies of the sample applications ----------------------------------------------------


def _has_text_layer(data: bytes) -> bool:
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return all(len(p.get_text().strip()) >= 20 for p in doc)
    except Exception:
        return False


def _stamp_pdf(data: bytes, stamp: str) -> bytes:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        meta = dict(doc.metadata or {})
        meta["keywords"] = stamp
        doc.set_metadata(
            {
                k: v
                for k, v in meta.items()
                if k
                in {
                    "author",
                    "creator",
                    "creationDate",
                    "keywords",
                    "modDate",
                    "producer",
                    "subject",
                    "title",
                }
            }
        )
        return doc.tobytes(garbage=1)


def _stamp_docx(data: bytes, stamp: str) -> bytes:
    import docx

    d = docx.Document(io.BytesIO(data))
    d.core_properties.keywords = stamp
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def text_templates(samples: Path = SAMPLES) -> list[list[tuple[str, bytes]]]:
    """Per sample application, its text-layer files (relative path, bytes)."""
    out = []
    for app in sorted(p for p in samples.iterdir() if p.is_dir()):
        files = []
        for f in sorted(q for q in app.rglob("*") if q.is_file()):
            data = f.read_bytes()
            suffix = f.suffix.lower()
            if (suffix == ".pdf" and _has_text_layer(data)) or suffix == ".docx":
                files.append((f.relative_to(app).as_posix(), data))
        if files:
            out.append(files)
    return out


def build_intake(
    out: Path,
    apps: int = 40,
    scanned_apps: int = 8,
    scan_pages: int = 1,
    bigscan: int = 0,
    seed: int = 2024,
    text: bool = True,
) -> dict[str, int]:
    """Write the intake under ``out``; returns counts of what was written.

    ``text=False`` leaves the text files out (applications of scans only).
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    templates = text_templates() if SAMPLES.is_dir() else []
    counts = {"apps": apps, "text_files": 0, "scanned_files": 0, "scanned_pages": 0}
    for i in range(apps):
        app_dir = out / f"bench-{i + 1:03d}"
        app_dir.mkdir()
        if not text:
            pass
        elif templates:
            for rel, data in templates[i % len(templates)]:
                target = app_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                stamp = f"bench-{i + 1:03d}/{rel}"
                target.write_bytes(
                    _stamp_pdf(data, stamp) if rel.lower().endswith(".pdf") else _stamp_docx(data, stamp)
                )
                counts["text_files"] += 1
        else:
            (app_dir / "回单.pdf").write_bytes(text_pdf(4, seed + i))
            counts["text_files"] += 1
        if i < scanned_apps:
            (app_dir / "付款回单扫描件.pdf").write_bytes(scanned_pdf(scan_pages, seed + 10_000 + i))
            counts["scanned_files"] += 1
            counts["scanned_pages"] += scan_pages
    if bigscan:
        big = out / "_bigscan" / "bigscan-app"
        big.mkdir(parents=True)
        (big / "扫描件.pdf").write_bytes(scanned_pdf(bigscan, seed + 99_999, distinct=8))
        counts["bigscan_pages"] = bigscan
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--apps", type=int, default=40)
    ap.add_argument("--scanned-apps", type=int, default=8)
    ap.add_argument("--scan-pages", type=int, default=1)
    ap.add_argument("--bigscan", type=int, default=0)
    args = ap.parse_args(argv)
    counts = build_intake(Path(args.out), args.apps, args.scanned_apps, args.scan_pages, args.bigscan)
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())

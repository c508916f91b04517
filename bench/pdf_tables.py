"""Table finders on ruled PDF tables: PyMuPDF's ``find_tables`` vs pdfplumber's (not a dependency).

Run once when deciding whether a table-reading step should use pdfplumber
(``pip install pdfplumber`` first); prints tables and cells found and the time per file.

    python bench/pdf_tables.py [PDF ...]     # default: realdocs invoices + sample application PDFs
"""

from __future__ import annotations

import glob
import sys
import time
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> None:
    try:
        import pdfplumber
    except ImportError:
        sys.exit("pdfplumber is not installed (it is not a dependency): pip install pdfplumber")
    files = argv or (
        sorted(glob.glob(str(ROOT.parent / "shared" / "realdocs" / "invoices" / "*.pdf")))
        + sorted(
            glob.glob(str(ROOT / "sample_docs" / "applications" / "*" / "**" / "*.pdf"), recursive=True)
        )[:12]
    )
    totals = {"pymupdf": [0, 0, 0.0], "pdfplumber": [0, 0, 0.0]}
    for f in files:
        t = time.perf_counter()
        with pymupdf.open(f) as doc:
            m = [len(tb.cells) for pg in doc for tb in pg.find_tables().tables]
        dm = time.perf_counter() - t
        t = time.perf_counter()
        with pdfplumber.open(f) as pdf:
            p = [len(tb.cells) for pg in pdf.pages for tb in pg.find_tables()]
        dp = time.perf_counter() - t
        for k, v, d in (("pymupdf", m, dm), ("pdfplumber", p, dp)):
            totals[k][0] += len(v)
            totals[k][1] += sum(v)
            totals[k][2] += d
        print(
            f"{Path(f).name[:40]:40s} PyMuPDF {len(m)} tables {sum(m):4d} cells {dm * 1000:6.0f} ms | "
            f"pdfplumber {len(p)} tables {sum(p):4d} cells {dp * 1000:6.0f} ms"
        )
    for k, (n, c, s) in totals.items():
        print(f"{k:10s}: {n} tables, {c} cells, {s:.2f} s over {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Write the 24 contracts and their truth: ``python -m sample_docs.unseen3 --out DIR``.

Every contract's truth is checked against what was printed (:func:`check`) before it is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pymupdf
from stdnum.cn import uscc

from models.contract import CONTRACT_FIELDS
from sample_docs.gen.common import Sheet, fmt_money, money, words

from . import docx_layout
from .data import Spec, build_specs
from .flow import Writer, fmt_date
from .layouts import DRAW, STYLE, wan
from .scan import photo_jpg, scanned_pdf

LAYOUT_GROUP = "unseen-contracts-3"
# the contract fields CONTRACT §4 names (models.contract): a truth may hold no other key
CONTRACT_KEYS = set(CONTRACT_FIELDS["contract"])
PDF_META = {
    "producer": "evreview unseen-contract generator 3",
    "creator": "evreview unseen-contract generator 3",
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
    font, latin, columns = STYLE[spec.layout]
    doc = pymupdf.open()
    w = Writer(doc, font=font, latin=latin, columns=columns, draw_seals=spec.fmt == "pdf",
               size=10 if spec.fmt == "photo" else 10.5,
               footer="" if spec.fmt == "photo" else "第 {n} 页 共 {total} 页")
    fields = DRAW[spec.layout](spec, w)
    sheets = w.finish()
    printed = {str(i + 1): (sh.printed() if columns == 1 else _two_column_text(sh)) for i, sh in enumerate(sheets)}
    n = doc.page_count
    rng = random.Random(spec.seed)
    if spec.fmt == "pdf":
        doc.subset_fonts()
        doc.set_metadata(PDF_META)
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, clean=font is not None)
        _check_text_layer(spec, data, printed)
    elif spec.fmt == "scan":
        data = scanned_pdf(doc, w.seal_spots, rng)
    else:
        data = photo_jpg(doc, w.seal_spots, rng)
    doc.close()
    return data, fields, printed, n


def _two_column_text(sheet: Sheet) -> str:
    """Reading order of a two-column page: the left column, the right column, then the footer."""
    mid, foot = sheet.width / 2, sheet.height - 40
    groups = ([t for t in sheet.items if t[0] < foot and t[1] < mid], [t for t in sheet.items if t[0] < foot and t[1] >= mid],
              [t for t in sheet.items if t[0] >= foot])
    parts = []
    for items in groups:
        part = Sheet(sheet.page, items=items)
        if items:
            parts.append(part.printed())
    return "\n".join(parts)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _check_text_layer(spec: Spec, data: bytes, printed: dict[str, str]) -> None:
    """The recorded text has the same characters as the PDF's own text layer."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for i, page in enumerate(doc):
            got = Counter(_squash(page.get_text()))
            want = Counter(_squash(printed[str(i + 1)]))
            assert got == want, f"{spec.app_id} p{i + 1}: text layer differs: {(got - want) + (want - got)}"


def _date_forms(d: dt.date) -> list[str]:
    return [_squash(fmt_date(d, st)) for st in ("cn", "cn_short", "iso", "dot", "slash", "gap", "gap2", "cn_num")]


def _money_forms(v) -> list[str]:
    return [fmt_money(v, "plain"), fmt_money(v, "comma"), wan(v) + "万"]


def check(spec: Spec, fields: dict, printed: dict[str, str]) -> None:
    """Truth against print: every value appears in the printed text in some printed form;
    codes and numbers left out of the truth are not printed either."""
    text = _squash("\n".join(printed.values()))
    assert set(fields) <= CONTRACT_KEYS, set(fields) - CONTRACT_KEYS
    for key in ("title", "buyer_name", "seller_name", "amount_total", "sign_date", "service_content"):
        assert key in fields, (spec.app_id, key)
    for key, val in fields.items():
        if key in ("sign_date", "service_start", "service_end"):
            ok = any(f in text for f in _date_forms(dt.date.fromisoformat(val)))
        elif key == "amount_total":
            ok = any(f in text for f in [*_money_forms(money(val)), words(money(val))])
        elif key == "tax_rate":
            ok = f"{(money(val) * 100).normalize():f}%" in text
        elif key == "gpu_count":
            raw = unicodedata.normalize("NFKC", "\n".join(printed.values()))
            ok = isinstance(val, int) and re.search(rf"(?<!\d){val}(?!\d)", raw) is not None
        else:
            ok = _squash(str(val)) in text
        assert ok, f"{spec.app_id}: {key}={val!r} is not printed"
    for key in ("buyer_credit_code", "seller_credit_code"):
        if key in fields:
            uscc.validate(fields[key])
        else:
            code = spec.buyer.code if key.startswith("buyer") else spec.seller.code
            assert code not in text, f"{spec.app_id}: {key} printed but not in the truth"
    if "contract_no" not in fields and spec.contract_no:
        assert spec.contract_no not in text
    if "amount_in_words" in fields:
        assert fields["amount_in_words"].removeprefix("人民币") == words(money(fields["amount_total"]))
    else:
        assert words(spec.total) not in text, f"{spec.app_id}: 大写 printed but not in the truth"
    if spec.layout == "appendix_scan":  # the total only in 大写
        assert not any(f in text for f in _money_forms(spec.total)), spec.app_id
    assert fields["sign_date"] < fields.get("service_start", "9999"), spec.app_id
    if "service_start" in fields:
        assert fields["service_start"] < fields["service_end"]


def truth_for(spec: Spec, fields: dict, printed: dict[str, str], pages: int) -> dict:
    method = {"pdf": "text", "docx": "docx", "scan": "ocr", "photo": "ocr"}[spec.fmt]
    return {
        "application_id": spec.app_id,
        "layout_group": LAYOUT_GROUP,
        "documents": [
            {
                "file": spec.file,
                "doc_type": "contract",
                "pages": list(range(1, pages + 1)),
                "scanned": spec.fmt in ("scan", "photo"),
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
        check(spec, fields, printed)
        if spec.fmt == "photo":
            assert pages == 1, f"{spec.app_id}: a photographed contract must fit on one page"
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
    ap = argparse.ArgumentParser(prog="python -m sample_docs.unseen3", description="生成第三组未见过版式的合同样本及标注")
    ap.add_argument("--out", type=Path, required=True, help="输出目录（applications/ 与 truth/）")
    args = ap.parse_args(argv)
    files = generate(args.out)
    print(f"{len(files) // 2} 份合同已写入 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

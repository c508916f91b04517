"""The unseen-contract generator (sample_docs/unseen): deterministic, and its truth is what it printed.

These tests check the generator's ground truth against the generated files themselves
(PDF text layer via PyMuPDF, .docx via python-docx, image-only scans via the recorded
printed text); they do not run evreview.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import time
import unicodedata
from decimal import Decimal
from pathlib import Path

import cn2an
import docx
import pymupdf
import pytest
from stdnum.cn import uscc

from models.contract import CONTRACT_FIELDS
from sample_docs.gen.common import words
from sample_docs.unseen.build import LAYOUT_GROUP, generate

COMMITTED = Path(__file__).resolve().parents[1] / "sample_docs" / "unseen" / "out"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path, list[float]]:
    """Two independent runs of the generator; CPU seconds of each."""
    dirs, cpu = [], []
    for name in ("run1", "run2"):
        out = tmp_path_factory.mktemp(name)
        t0 = time.process_time()
        generate(out)
        cpu.append(time.process_time() - t0)
        dirs.append(out)
    return dirs[0], dirs[1], cpu


@pytest.fixture(scope="module")
def truths(runs) -> list[dict]:
    out = runs[0]
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "truth").glob("*.json"))]


def test_two_runs_same_bytes_and_fast(runs):
    a, b, cpu = runs
    fa, fb = _files(a), _files(b)
    assert len(fa) == 48
    assert fa.keys() == fb.keys()
    assert [k for k in fa if fa[k] != fb[k]] == []
    # CPU time, not wall time: the machine is shared
    assert max(cpu) <= 20, cpu


def test_committed_copy_is_current(runs):
    if not COMMITTED.is_dir():
        pytest.skip("sample_docs/unseen/out is absent")
    assert sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file()) <= 4_000_000
    fresh, committed = _files(runs[0]), _files(COMMITTED)
    assert committed.keys() == fresh.keys()
    assert [k for k in fresh if fresh[k] != committed[k]] == [], (
        "regenerate: python -m sample_docs.unseen --out sample_docs/unseen/out"
    )


def test_set_shape(truths):
    assert len(truths) == 24
    docs = [t["documents"][0] for t in truths]
    per_layout = collections.Counter(d["layout"] for d in docs)
    assert len(per_layout) == 8 and set(per_layout.values()) == {3}
    methods = collections.Counter(d["method_expected"] for d in docs)
    assert methods["docx"] >= 3 and methods["ocr"] >= 2 and methods["text"] >= 12
    assert sum(d["scanned"] for d in docs) == methods["ocr"]
    for t in truths:
        assert t["layout_group"] == LAYOUT_GROUP and len(t["documents"]) == 1
        d = t["documents"][0]
        assert d["doc_type"] == "contract" and d["layout_group"] == LAYOUT_GROUP
    # different companies, amounts and dates across the set
    f = [d["fields"] for d in docs]
    assert len({x["buyer_name"] for x in f}) == 24 and len({x["seller_name"] for x in f}) == 24
    assert len({x["amount_total"] for x in f}) >= 20 and len({x["sign_date"] for x in f}) >= 20


def test_field_formats(truths):
    money_re = re.compile(r"^\d+\.\d{2}$")
    for t in truths:
        f = t["documents"][0]["fields"]
        assert set(f) <= set(CONTRACT_FIELDS["contract"]), t["application_id"]
        for key in (
            "contract_no",
            "title",
            "buyer_name",
            "seller_name",
            "sign_date",
            "amount_total",
            "service_content",
        ):
            assert f.get(key), (t["application_id"], key)
        for key in ("buyer_credit_code", "seller_credit_code"):
            assert uscc.is_valid(f[key]), (t["application_id"], key)
        assert f["buyer_credit_code"][2:4] == "35", "buyers are in Fujian (泉州)"
        assert f["buyer_name"] != f["seller_name"]
        assert money_re.match(f["amount_total"])
        if "amount_in_words" in f:
            assert Decimal(str(cn2an.cn2an(f["amount_in_words"], "smart"))) == Decimal(f["amount_total"])
        dates = {
            k: dt.date.fromisoformat(f[k]) for k in ("sign_date", "service_start", "service_end") if k in f
        }
        if "service_start" in dates:
            assert dates["sign_date"] < dates["service_start"], "the sign date is never the service start"
        if "service_end" in dates:
            assert dates["service_start"] < dates["service_end"]
        if "gpu_count" in f:
            assert isinstance(f["gpu_count"], int) and f["gpu_count"] > 0 and f.get("gpu_model")
        if "tax_rate" in f:
            assert f["tax_rate"] in ("0.06", "0.13")


# ---------------------------------------------------------------- truth appears in the file


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _file_text(path: Path, doc: dict, printed: dict[str, str]) -> str:
    if doc["method_expected"] == "docx":
        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        for table in d.tables:
            for row in table.rows:
                parts += [c.text for c in row.cells]
        return "\n".join(parts)
    with pymupdf.open(path) as pdf:
        layer = "\n".join(page.get_text() for page in pdf)
        if doc["scanned"]:
            # an image-only PDF: no text layer; the truth is checked against what was drawn
            assert layer.strip() == "", path
            assert all(page.get_images() for page in pdf)
            assert len(pdf) == len(doc["pages"])
            return "\n".join(printed.values())
        assert len(pdf) == len(doc["pages"])
        return layer


def _date_forms(d: dt.date) -> set[str]:
    return {
        f"{d.year}年{d.month:02d}月{d.day:02d}日",
        f"{d.year}年{d.month}月{d.day}日",
        d.isoformat(),
        f"{d.year}.{d.month:02d}.{d.day:02d}",
        f"{d.year}/{d.month}/{d.day}",
    }


def _money_forms(v: Decimal) -> set[str]:
    w = words(v)
    return {f"{v:f}", f"{v:,.2f}", w, w.removesuffix("整")}


def _printed(key: str, value, text: str, raw: str) -> bool:
    """``text``: normalised without whitespace; ``raw``: NFKC with its line breaks (cells, lines)."""
    if key in ("sign_date", "service_start", "service_end"):
        return any(form in text for form in _date_forms(dt.date.fromisoformat(value)))
    if key == "amount_total":
        return any(_norm(form) in text for form in _money_forms(Decimal(value)))
    if key == "tax_rate":
        return f"{(Decimal(value) * 100).normalize():f}%" in text
    if key == "gpu_count":
        # "32卡" / "64张", a table cell holding just the number (数量 column), or "8台×8卡"
        if re.search(rf"(?<!\d)(?<!\d[.,]){value}\s*(卡|张|块)", raw) or re.search(
            rf"(?m)^\s*{value}\s*$", raw
        ):
            return True
        return any(int(a) * int(b) == value for a, b in re.findall(r"(\d+)台[×xX*](\d+)卡", text))
    return _norm(str(value)) in text


def test_every_truth_value_is_printed(runs, truths):
    out = runs[0]
    missing = []
    for t in truths:
        doc = t["documents"][0]
        path = out / "applications" / t["application_id"] / doc["file"]
        raw = unicodedata.normalize("NFKC", _file_text(path, doc, t["printed_text"][doc["file"]]))
        text = _norm(raw)
        for key, value in doc["fields"].items():
            if not _printed(key, value, text, raw):
                missing.append((t["application_id"], key, value))
    assert missing == [], missing


def test_printed_text_matches_text_layer(runs, truths):
    """The recorded printed text of a text PDF is what PyMuPDF reads (same characters, any order)."""
    out = runs[0]
    for t in truths:
        doc = t["documents"][0]
        if doc["method_expected"] != "text":
            continue
        with pymupdf.open(out / "applications" / t["application_id"] / doc["file"]) as pdf:
            for i, page in enumerate(pdf, 1):
                layer = sorted(_norm(page.get_text()))
                rec = sorted(_norm(t["printed_text"][doc["file"]][str(i)]))
                assert layer == rec, (t["application_id"], i)


def test_only_fictional_contact_data(truths):
    for t in truths:
        text = "\n".join(t["printed_text"][t["documents"][0]["file"]].values())
        for phone in re.findall(r"(?<!\d)1\d{10}(?!\d)", text):
            assert phone.startswith("138"), phone
        for mail in re.findall(r"[\w.-]+@[\w.-]+", text):
            assert mail.endswith(".example.com"), mail

"""The synthetic sample applications (sample_docs/) and their ground truth.

Checks that the committed files match the generator, that every truth file follows
CONTRACT.md's formats, and that each truth value is really printed on its document
(read back from the PDF text layer / the .docx, no OCR).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import cn2an
import docx
import numpy as np
import pymupdf
import pytest
import zxingcpp
from stdnum.cn import uscc

from models.contract import CONTRACT_FIELDS, DIRECTION_LABELS, Direction, DocType

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
APPS = SAMPLES / "applications"
TRUTH = SAMPLES / "truth"

MONEY = re.compile(r"^-?\d+\.\d{2}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RATE = re.compile(r"^0\.\d{2}$")

# CONTRACT section 4 keys, plus the additions the generator documents in sample_docs/README.md
_ADDED = {
    "application_form": {"project_name", "consortium_members"},
    "invoice": {"red_letter", "original_invoice_number"},  # verifiers/README.md (red-letter invoices)
}
FIELDS = {t: set(keys) | _ADDED.get(t, set()) for t, keys in CONTRACT_FIELDS.items()}
MONEY_KEYS = {
    "compute_purchase_total",
    "revenue_last_year",
    "registered_capital",
    "amount_total",
    "amount_excl_tax",
    "tax_amount",
    "total_incl_tax",
    "amount",
    "revenue",
    "net_profit",
    "total_assets",
    "rd_expense",
}
DATE_KEYS = {
    "established_date",
    "business_term_end",
    "sign_date",
    "service_start",
    "service_end",
    "issue_date",
    "pay_date",
    "report_date",
}
CODE_KEYS = {"credit_code", "buyer_credit_code", "seller_credit_code", "buyer_tax_id", "seller_tax_id"}
REQUIRED = {  # CONTRACT "Required evidence per direction"
    "compute_subsidy": {
        "application_form",
        "business_license",
        "audit_report",
        "contract",
        "payment_voucher",
        "team_material",
        "integrity_pledge",
    },
    "lingyan_software": {"application_form", "business_license", "audit_report", "integrity_pledge"},
    "software_product": {
        "application_form",
        "business_license",
        "audit_report",
        "contract",
        "payment_voucher",
        "team_material",
        "integrity_pledge",
    },
    "hardware_product": {
        "application_form",
        "business_license",
        "audit_report",
        "contract",
        "payment_voucher",
        "team_material",
        "integrity_pledge",
        "test_report",
    },
    "application_scenario": {"application_form", "business_license"},
}


def _truths() -> list[dict]:
    """Per-application truth files (``_batch.json`` holds the batch expectations)."""
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(TRUTH.glob("*.json"))
        if not p.name.startswith("_")
    ]


def _seeded(t: dict, rule: str) -> bool:
    """The application carries a deliberate defect reported by ``rule``."""
    return any(e["rule"] == rule for e in t["expected_findings"])


@pytest.fixture(scope="module")
def truths() -> list[dict]:
    t = _truths()
    if not t:
        pytest.fail("sample_docs/truth is empty: run `python -m sample_docs.generate`")
    return t


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d)", "", text)


def _variants(key: str, value) -> list[str]:
    """Every way the generator may print a truth value."""
    if isinstance(value, int):
        return [str(value)]
    s = str(value)
    if key in MONEY_KEYS or (MONEY.match(s) and key != "tax_rate"):
        d = Decimal(s)
        words = cn2an.an2cn(s, "rmb")
        return [s, f"{(d / 10000).normalize():f}万", words, words.replace("元", "圆")]
    if key in DATE_KEYS:
        d = dt.date.fromisoformat(s)
        return [
            s,
            f"{d.year}年{d.month:02d}月{d.day:02d}日",
            f"{d.year}年{d.month}月{d.day}日",
            f"{d.year}.{d.month:02d}.{d.day:02d}",
            f"{d.year}/{d.month:02d}/{d.day:02d}",
            f"{d:%Y%m%d}",
        ]
    if key == "tax_rate":
        return [s, f"{int(Decimal(s) * 100)}%"]
    if key == "direction":
        return [f"{mark}{DIRECTION_LABELS[s]}" for mark in ("☑", "√", "■")]
    if key == "opinion" and s == "标准无保留意见":
        # the canonical type of a clean unqualified opinion; reports may print either
        return [s, "发表无保留意见", "出具无保留意见"]
    return [s]


def _assert_printed(text: str, fields: dict, where: str) -> int:
    """Each field value (list members one by one) occurs in ``text``; returns how many were checked."""
    checked = 0
    for key, value in fields.items():
        if isinstance(value, bool):
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            pairs = item.items() if isinstance(item, dict) else [(key, item)]
            for k, v in pairs:
                ok = any(_norm(var) in text for var in _variants(k, v))
                assert ok, f"{where}: {key}={v!r} is not printed"
                checked += 1
    return checked


def _pdf_text(path: Path, pages: list[int]) -> str:
    with pymupdf.open(path) as doc:
        return "".join(doc[p - 1].get_text() for p in pages)


def _ofd_text(path: Path) -> str:
    """Every TextCode of an OFD package (template and page content)."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith("Content.xml"))
    return "".join(re.findall(r"<ofd:TextCode[^>]*>([^<]*)</ofd:TextCode>", xml))


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# ---------------------------------------------------------------- generated = generator


def test_check_passes_on_committed_samples():
    r = subprocess.run(
        [sys.executable, "-m", "sample_docs.generate", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_detects_changed_missing_and_extra_files(tmp_path):
    for d in ("applications", "truth"):
        shutil.copytree(SAMPLES / d, tmp_path / d)

    def check() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sample_docs.generate", "--check", "--out", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert check().returncode == 0
    victim = tmp_path / "applications" / "app-001" / "申报表.docx"
    original = victim.read_bytes()
    victim.write_bytes(original + b"\0")
    assert check().returncode == 1
    victim.unlink()
    assert check().returncode == 1
    victim.write_bytes(original)
    (tmp_path / "applications" / "app-001" / "extra.pdf").write_bytes(b"%PDF-1.4")
    assert check().returncode == 1


# ---------------------------------------------------------------- truth formats


def test_truth_files_follow_contract_formats(truths):
    assert len(truths) >= 7
    directions = Counter(t["direction"] for t in truths)
    assert directions["compute_subsidy"] >= 3
    assert set(directions) == {d.value for d in Direction}
    doc_types = {d.value for d in DocType}
    for t in truths:
        assert (APPS / t["application_id"]).is_dir()
        assert t["expected_verdict"] in ("pass", "fail", "review")
        for doc in t["documents"]:
            assert doc["doc_type"] in doc_types, doc
            allowed = FIELDS.get(doc["doc_type"])
            if allowed is not None:
                assert set(doc["fields"]) <= allowed, (doc["file"], set(doc["fields"]) - allowed)
            else:
                assert "title" in doc["fields"], doc["file"]
            for key, value in doc["fields"].items():
                if key in MONEY_KEYS:
                    assert MONEY.match(value), (key, value)
                if key in DATE_KEYS:
                    dt.date.fromisoformat(value)
                    assert ISO.match(value), (key, value)
                if key in CODE_KEYS:
                    assert len(value) == 18 and value == value.upper(), (key, value)
                    assert uscc.is_valid(value) or _seeded(t, "identity.credit_code_valid"), (key, value)
                if key == "tax_rate":
                    assert RATE.match(value)
                if key == "compute_suppliers":
                    assert all(MONEY.match(s["amount"]) and s["name"] for s in value)
                if key == "listed":
                    assert isinstance(value, bool)
        declared = t["declared"]
        assert declared["direction"] == t["direction"]
        assert uscc.is_valid(declared["credit_code"]) or _seeded(t, "identity.credit_code_valid")
        if not _seeded(t, "jurisdiction.local"):
            assert declared["credit_code"][2:6] == "3505" and "泉州" in declared["address"]
        for e in t["expected_findings"]:
            assert e["status"] in ("pass", "fail", "warn", "missing", "review"), e
        if t["expected_findings"]:
            assert t["expected_verdict"] != "pass" or all(
                e["status"] == "pass" for e in t["expected_findings"]
            )
        else:
            assert t["expected_verdict"] == "pass"


def test_every_listed_file_exists_with_its_pages(truths):
    for t in truths:
        app = APPS / t["application_id"]
        listed = {d["file"] for d in t["documents"]}
        on_disk = {p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file()}
        assert listed == on_disk, t["application_id"]
        assert set(t["printed_text"]) == listed
        for d in t["documents"]:
            path = app / d["file"]
            if path.suffix.lower() == ".pdf":
                with pymupdf.open(path) as doc:
                    assert max(d["pages"]) <= doc.page_count
                    assert all(str(p) in t["printed_text"][d["file"]] for p in d["pages"])
            else:
                assert d["pages"] == [1]


def test_each_application_has_the_evidence_its_direction_requires(truths):
    for t in truths:
        present = {d["doc_type"] for d in t["documents"]}
        missing = REQUIRED[t["direction"]] - present
        assert bool(missing) == _seeded(t, "evidence.required_present"), (t["application_id"], missing)
        if t["direction"] == "application_scenario":
            assert 1 < len(t["declared"]["consortium_members"]) <= 3


def test_compute_applications_invoices_reach_threshold_and_match_declared(truths):
    compute = [t for t in truths if t["direction"] == "compute_subsidy" and t["expected_verdict"] == "pass"]
    assert len(compute) >= 3
    for t in compute:
        declared = t["declared"]
        invoices = [d["fields"] for d in t["documents"] if d["doc_type"] == "invoice"]
        assert invoices
        total = sum(Decimal(f["total_incl_tax"]) for f in invoices)
        assert total >= Decimal("300000.00"), t["application_id"]
        assert total == Decimal(declared["compute_purchase_total"]), t["application_id"]
        by_seller = Counter()
        for f in invoices:
            assert (
                f["buyer_name"] == declared["company_name"] and f["buyer_tax_id"] == declared["credit_code"]
            )
            assert f["issue_date"].startswith("2023-")
            assert Decimal(f["amount_excl_tax"]) + Decimal(f["tax_amount"]) == Decimal(f["total_incl_tax"])
            by_seller[f["seller_name"]] += Decimal(f["total_incl_tax"])
        assert by_seller == {s["name"]: Decimal(s["amount"]) for s in declared["compute_suppliers"]}
        paid = sum(
            Decimal(d["fields"]["amount"]) for d in t["documents"] if d["doc_type"] == "payment_voucher"
        )
        assert paid == total, t["application_id"]


# ---------------------------------------------------------------- truth = what was drawn


def test_text_layer_holds_every_truth_value(truths):
    checked = 0
    for t in truths:
        app = APPS / t["application_id"]
        for d in t["documents"]:
            path = app / d["file"]
            where = f"{t['application_id']}/{d['file']}"
            if d["method_expected"] == "text":
                checked += _assert_printed(_norm(_pdf_text(path, d["pages"])), d["fields"], where)
            elif d["method_expected"] == "docx":
                checked += _assert_printed(_norm(_docx_text(path)), d["fields"], where)
            elif d["method_expected"] == "ofd":
                checked += _assert_printed(_norm(_ofd_text(path)), d["fields"], where)
    assert checked > 300


def test_printed_text_is_exactly_the_text_layer(truths):
    """Same characters (ignoring whitespace and order) in printed_text and in the PDF text layer."""
    pages = 0
    for t in truths:
        for d in t["documents"]:
            if d["method_expected"] != "text":
                continue
            with pymupdf.open(APPS / t["application_id"] / d["file"]) as doc:
                for p in d["pages"]:
                    layer = Counter(re.sub(r"\s", "", doc[p - 1].get_text()))
                    truth = Counter(re.sub(r"\s", "", t["printed_text"][d["file"]][str(p)]))
                    assert layer == truth, (d["file"], p, (layer - truth) + (truth - layer))
                    pages += 1
    assert pages >= 40


def test_invoice_qr_payload_decodes_to_truth(truths):
    decoded = 0
    for t in truths:
        for d in t["documents"]:
            if d["doc_type"] != "invoice" or d["method_expected"] != "text":
                continue
            with pymupdf.open(APPS / t["application_id"] / d["file"]) as doc:
                pix = doc[d["pages"][0] - 1].get_pixmap(
                    dpi=150, clip=pymupdf.Rect(0, 0, 120, 90), colorspace="gray"
                )
            img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
            codes = zxingcpp.read_barcodes(img)
            assert [c.text for c in codes] == [d["unprinted"]["qr_payload"]], d["file"]
            f = d["fields"]
            parts = d["unprinted"]["qr_payload"].split(",")
            # 数电票 payloads of type 31/32 carry 价税合计, the older ones 金额 (extractor/qr.py)
            amount = f["total_incl_tax"] if parts[1] in ("31", "32") else f["amount_excl_tax"]
            assert parts[3] == f["invoice_number"] and parts[4] == amount
            assert parts[5] == f["issue_date"].replace("-", "")
            decoded += 1
    assert decoded >= 5


def test_scanned_pages_are_few_and_the_set_is_small(truths):
    scanned = sum(len(d["pages"]) for t in truths for d in t["documents"] if d["method_expected"] == "ocr")
    assert 1 <= scanned <= 10  # 8 in the clean applications, at most 2 in the seeded ones
    assert any(d.get("rotated") == 90 for t in truths for d in t["documents"])
    assert any(d["file"].endswith(".pdf") and d["scanned"] for t in truths for d in t["documents"])
    # the seal set (sample_docs/seals) and the unseen-contract sets (sample_docs/unseen,
    # sample_docs/unseen3) have their own size budgets (tests/test_seal_samples.py,
    # tests/test_unseen_layouts.py, tests/test_unseen3_layouts.py)
    size = sum(
        p.stat().st_size
        for p in SAMPLES.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.relative_to(SAMPLES).parts[0] not in ("seals", "unseen", "unseen3")
    )
    assert size <= 8_000_000

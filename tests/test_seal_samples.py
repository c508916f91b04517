"""The seal test set (sample_docs/seals): deterministic, and its truth is consistent.

Checks the committed copy in sample_docs/seals/out against the generator (byte for byte for
two regenerated applications), every seal box against the page it is on (inside the page, and
red ink really there), every seal's text against the parties of its document, and the expected
seal findings against the seals listed (re-derived here independently of the generator).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sample_docs" / "seals" / "out"
APPS = OUT / "applications"
TRUTH = OUT / "truth"

SEAL_RULES = {"evidence.applicant_seal", "contract.party_seals", "invoice.seller_seal"}
STATUSES = {"pass", "warn", "fail", "review"}
KINDS = {"official", "contract", "invoice", "bank", "supervision"}


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(TRUTH.glob("*.json"))]


@pytest.fixture(scope="module")
def truths() -> list[dict]:
    assert TRUTH.is_dir(), "run python -m sample_docs.seals"
    return _truths()


def _n(s: str) -> str:
    return unicodedata.normalize("NFKC", s).replace(" ", "")


def test_committed_copy_matches_generator():
    from sample_docs.seals.generate import check

    assert check(OUT) == []


@pytest.mark.parametrize("app_id", ["seal-008", "seal-012"])
def test_generator_is_deterministic(app_id):
    """Regenerating an application (a text-layer one, a grey photographed one) gives the same bytes twice
    and the bytes that are committed."""
    from sample_docs.seals.apps import build_seal_apps
    from sample_docs.seals.generate import build_app

    app = next(a for a in build_seal_apps() if a.application_id == app_id)
    t1, f1 = build_app(app)
    app2 = next(a for a in build_seal_apps() if a.application_id == app_id)
    t2, f2 = build_app(app2)
    assert t1 == t2
    assert {k: hashlib.sha256(v).hexdigest() for k, v in f1.items()} == {
        k: hashlib.sha256(v).hexdigest() for k, v in f2.items()
    }
    for rel, data in f1.items():
        assert (APPS / app_id / rel).read_bytes() == data, rel
    committed = json.loads((TRUTH / f"{app_id}.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(t1, ensure_ascii=False)) == committed


def test_set_size_and_files(truths):
    assert len(truths) >= 16
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    assert size <= 6_500_000  # the committed copy stays small (JPEG quality 50, 150 dpi scans)
    for t in truths:
        folder = APPS / t["application_id"]
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert files == {d["file"] for d in t["documents"]}, t["application_id"]


def _page_size(path: Path, page: int) -> tuple[float, float]:
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        with Image.open(path) as im:
            return im.size
    with pymupdf.open(path) as doc:
        r = doc[page - 1].rect
        return r.width, r.height


def _red_fraction(path: Path, page: int, bbox: list[float]) -> float:
    """Share of clearly red pixels inside a box (PDF points or image pixels)."""
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        with Image.open(path) as im:
            arr = np.asarray(im.convert("RGB").crop(tuple(int(v) for v in bbox))).astype(int)
    else:
        with pymupdf.open(path) as doc:
            pix = doc[page - 1].get_pixmap(dpi=72, clip=pymupdf.Rect(*bbox), alpha=False)
            arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).astype(int)
    r, g, b = arr[..., 0], arr[..., 1], arr[..., 2]
    return float(((r > 120) & (r - g > 40) & (r - b > 30)).mean())


def _red_extent(path: Path, page: int, bbox: list[float], pad: float) -> list[float] | None:
    """Box of the red pixels around a seal box (same units as the box), or None."""
    x0, y0, x1, y1 = bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        with Image.open(path) as im:
            x0, y0 = max(0, int(x0)), max(0, int(y0))
            arr = np.asarray(im.convert("RGB").crop((x0, y0, int(x1), int(y1)))).astype(int)
        k = 1.0
    else:
        with pymupdf.open(path) as doc:
            r = pymupdf.Rect(x0, y0, x1, y1) & doc[page - 1].rect
            x0, y0 = r.x0, r.y0
            pix = doc[page - 1].get_pixmap(dpi=144, clip=r, alpha=False)
            arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).astype(int)
        k = 2.0
    # seal red only: not the gold licence frame (r-g 43) nor the brown invoice print (r-g 64)
    red = (arr[..., 0] > 150) & (arr[..., 0] - arr[..., 1] > 75) & (arr[..., 0] - arr[..., 2] > 60)
    ys, xs = np.nonzero(red)
    if not len(xs):
        return None
    return [x0 + xs.min() / k, y0 + ys.min() / k, x0 + (xs.max() + 1) / k, y0 + (ys.max() + 1) / k]


def test_seal_boxes_are_tight(truths):
    """The red ink of a (well inked) seal reaches every side of its truth box and no further."""
    checked = 0
    for t in truths:
        for d in t["documents"]:
            path = APPS / t["application_id"] / d["file"]
            others = d["seals"]
            for s in d["seals"]:
                if s["color"] != "red" or s["pale"] or s["kind"] in ("supervision", "bank"):
                    continue  # 监制章 over the red-brown title of older invoices; red receipt frames
                if any(
                    o is not s
                    and o["page"] == s["page"]
                    and not (
                        o["bbox"][0] > s["bbox"][2] + 15
                        or o["bbox"][2] < s["bbox"][0] - 15
                        or o["bbox"][1] > s["bbox"][3] + 15
                        or o["bbox"][3] < s["bbox"][1] - 15
                    )
                    for o in others
                ):
                    continue
                pixels = path.suffix.lower() in (".jpg", ".png")  # boxes in pixels (150 dpi), else points
                ext = _red_extent(path, s["page"], s["bbox"], 21 if pixels else 10)
                assert ext is not None, (t["application_id"], d["file"], s["text"])
                tol = 8.0 if pixels else 4.0
                diff = [abs(a - b) for a, b in zip(ext, s["bbox"], strict=True)]
                assert max(diff) <= tol, (t["application_id"], d["file"], s["text"], s["bbox"], ext)
                checked += 1
    assert checked >= 60


def test_every_seal_box_is_on_its_page_and_inked(truths):
    n = 0
    for t in truths:
        for d in t["documents"]:
            path = APPS / t["application_id"] / d["file"]
            for s in d["seals"]:
                n += 1
                where = (t["application_id"], d["file"], s["text"])
                assert s["page"] in d["pages"], where
                assert s["shape"] in ("round", "oval") and s["kind"] in KINDS, where
                w, h = _page_size(path, s["page"])
                x0, y0, x1, y1 = s["bbox"]
                assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, where
                assert 0.5 < (x1 - x0) / (y1 - y0) < 2.0, where
                red = _red_fraction(path, s["page"], s["bbox"])
                if s["color"] == "red":
                    assert red > 0.04, (where, red)
                else:  # a grey photocopy carries no red at all
                    assert red < 0.001, (where, red)
    assert n >= 100


def _parties(t: dict, d: dict) -> set[str]:
    f = d["fields"]
    names = {t["applicant"]["name"]}
    for k in ("buyer_name", "seller_name", "registration_authority", "audit_firm", "test_org", "bank_name"):
        if k in f:
            names.add(f[k])
    return {_n(x) for x in names}


def test_seal_text_names_a_party_or_a_listed_wrong_company(truths):
    for t in truths:
        wrong = {_n(x) for x in t["wrong_companies"]}
        for d in t["documents"]:
            parties = _parties(t, d)
            printed = _n(" ".join(t["printed_text"][d["file"]].values()))
            for s in d["seals"]:
                where = (t["application_id"], d["file"], s["text"])
                text = _n(s["text"])
                if s["kind"] == "invoice":
                    assert len(s["tax_id"]) == 18, where
                else:
                    assert "tax_id" not in s, where
                if s["names_party"]:
                    if s["kind"] in ("bank", "supervision"):
                        assert s["kind"] == "supervision" or text in printed or text in parties, where
                    else:
                        assert text in parties, where
                    if s["kind"] == "invoice":
                        assert s["tax_id"] == d["fields"]["seller_tax_id"], where
                else:
                    assert text != _n(s["expected_text"]) or s.get("expected_tax_id"), where
                    assert text in wrong or s["tax_id"] != s["expected_tax_id"], where
                    assert text not in parties or s["kind"] == "invoice", where


def _party_status(seals: list[dict], name: str, tax_id: str | None = None) -> str:
    if not seals:
        return "warn"
    if not all(s["legible"] for s in seals):
        return "review"
    ok = [s for s in seals if _n(s["text"]) == _n(name) and (tax_id is None or s["tax_id"] == tax_id)]
    return "pass" if ok else "fail"


def _expected(t: dict) -> list[tuple[str, str, str]]:
    """Seal findings per CONTRACT section 6, re-derived from the seals listed."""
    order = ["pass", "review", "warn", "fail"]
    out = []
    for d in t["documents"]:
        if d["method_expected"] in ("docx", "ofd", "xml"):
            continue
        seals, typ = d["seals"], d["doc_type"]
        if typ in ("business_license", "integrity_pledge", "application_form"):
            st = _party_status([s for s in seals if s["role"] == "applicant"], t["applicant"]["name"])
            out.append(("evidence.applicant_seal", st, d["file"]))
        elif typ == "contract":
            sts = [
                _party_status([s for s in seals if s["role"] == r], d["fields"][f"{r}_name"])
                for r in ("buyer", "seller")
            ]
            out.append(("contract.party_seals", max(sts, key=order.index), d["file"]))
        elif (
            typ == "invoice" and "invoice_code" in d["fields"]
        ):  # older invoice (发票代码): 发票专用章 expected
            mine = [s for s in seals if s["kind"] == "invoice"]
            out.append(
                (
                    "invoice.seller_seal",
                    _party_status(mine, d["fields"]["seller_name"], d["fields"]["seller_tax_id"]),
                    d["file"],
                )
            )
    return sorted(out)


def test_expected_findings_follow_the_seals(truths):
    for t in truths:
        got = sorted((f["rule"], f["status"], f["file"]) for f in t["expected_seal_findings"])
        assert got == _expected(t), t["application_id"]
        for f in t["expected_seal_findings"]:
            assert f["rule"] in SEAL_RULES and f["status"] in STATUSES
        problems = sorted(
            (f["rule"], f["status"]) for f in t["expected_seal_findings"] if f["status"] != "pass"
        )
        assert sorted((f["rule"], f["status"]) for f in t["expected_findings"]) == problems
        statuses = {s for _, s in problems}
        verdict = "fail" if "fail" in statuses else "review" if statuses else "pass"
        assert t["expected_verdict"] == verdict, t["application_id"]


def test_no_seal_finding_where_no_seal_is_expected(truths):
    """数电票, .docx forms, audit reports, receipts, team material: never a seal finding."""
    seen = Counter()
    for t in truths:
        found = {f["file"] for f in t["expected_seal_findings"]}
        for d in t["documents"]:
            shudian = d["doc_type"] == "invoice" and "invoice_code" not in d["fields"]
            if (
                d["method_expected"] == "docx"
                or shudian
                or d["doc_type"] in ("audit_report", "payment_voucher", "team_material")
            ):
                assert d["file"] not in found, (t["application_id"], d["file"])
                seen[
                    "docx" if d["method_expected"] == "docx" else d["doc_type"] if not shudian else "shudian"
                ] += 1
    assert seen["docx"] >= 1 and seen["shudian"] >= 1


def test_set_covers_every_case(truths):
    cases = Counter()
    for t in truths:
        docs = {d["file"]: d for d in t["documents"]}
        for f in t["expected_seal_findings"]:
            d = docs[f["file"]]
            cases[(f["rule"], f["status"], d["doc_type"])] += 1
            cases[(f["rule"], "scan" if d["scanned"] else "text", d["doc_type"])] += 1
    need = [
        ("evidence.applicant_seal", "pass", "business_license"),
        ("evidence.applicant_seal", "warn", "business_license"),
        ("evidence.applicant_seal", "fail", "business_license"),
        ("evidence.applicant_seal", "review", "business_license"),
        ("evidence.applicant_seal", "warn", "integrity_pledge"),
        ("evidence.applicant_seal", "fail", "integrity_pledge"),
        ("evidence.applicant_seal", "review", "integrity_pledge"),
        ("evidence.applicant_seal", "warn", "application_form"),
        ("evidence.applicant_seal", "fail", "application_form"),
        ("evidence.applicant_seal", "pass", "application_form"),
        ("contract.party_seals", "pass", "contract"),
        ("contract.party_seals", "warn", "contract"),
        ("contract.party_seals", "fail", "contract"),
        ("invoice.seller_seal", "pass", "invoice"),
        ("invoice.seller_seal", "warn", "invoice"),
        ("invoice.seller_seal", "fail", "invoice"),
    ]
    for kind in ("business_license", "integrity_pledge", "application_form"):
        need += [("evidence.applicant_seal", "scan", kind), ("evidence.applicant_seal", "text", kind)]
    need += [("contract.party_seals", "scan", "contract"), ("contract.party_seals", "text", "contract")]
    need += [("invoice.seller_seal", "scan", "invoice"), ("invoice.seller_seal", "text", "invoice")]
    assert [c for c in need if not cases[c]] == []
    clean = [t for t in truths if t["expected_verdict"] == "pass"]
    assert len(clean) >= 4
    # an invoice seal with the right name but another tax id, and pale seals that still pass
    wrong_tax = [s for t in truths for d in t["documents"] for s in d["seals"] if s.get("expected_tax_id")]
    assert wrong_tax and all(s["text"] == s["expected_text"] for s in wrong_tax)
    pale_ok = [s for t in clean for d in t["documents"] for s in d["seals"] if s["pale"] and s["names_party"]]
    assert len(pale_ok) >= 3

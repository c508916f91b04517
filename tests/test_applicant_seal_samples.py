"""`evidence.applicant_seal` on licence copies of the generated samples, through the real pipeline
(issue 15): 「上述材料复印件均需加盖申报单位公章」 — the 2024 policy asks `warn` when a licence copy
carries no seal of the applicant, and the clean sample applications stamp their licence copies.

Text-layer applications only (seal rings are read from small renders, no page OCR)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pymupdf
import pytest

from models.contract import ApplicationResult
from review.pipeline import verify_application
from review.worker import InProcessReader
from sample_docs.gen.license import APPLICANT_SEAL_PT

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"
SEAL_SET = SAMPLES / "seals" / "out"
RULE = "evidence.applicant_seal"


@cache
def _verify(folder: Path) -> ApplicationResult:
    if not folder.is_dir():
        pytest.skip(f"{folder} not generated (python -m sample_docs.generate / python -m sample_docs.seals)")
    return verify_application(folder, InProcessReader())


def _on(result: ApplicationResult, file: str) -> list:
    return [f for f in result.findings if f.rule == RULE and any(e.file == file for e in f.evidence)]


def test_licence_copy_without_the_applicants_seal_warns():
    """seal-004: the licence copy (text PDF) carries only the 登记机关's seal."""
    truth = json.loads((SEAL_SET / "truth" / "seal-004.json").read_text(encoding="utf-8"))
    lic = next(d for d in truth["documents"] if d["doc_type"] == "business_license")
    assert lic["file"] == "营业执照.pdf" and [s["role"] for s in lic["seals"]] == ["authority"]
    result = _verify(SEAL_SET / "applications" / "seal-004")
    fs = _on(result, "营业执照.pdf")
    assert [f.status for f in fs] == ["warn"], [f.message for f in fs]
    assert "未发现申报单位" in fs[0].message and truth["applicant"]["name"] in fs[0].message
    # the pledge of the same application is stamped: pass; the verdict follows the warn
    others = [f.status for f in result.findings if f.rule == RULE and f not in fs]
    assert others and set(others) == {"pass"}
    assert result.verdict == truth["expected_verdict"] == "review"


def _stamp_rect(pdf: Path) -> pymupdf.Rect:
    """Where the generator put the applicant's 42 mm stamp on the licence copy."""
    with pymupdf.open(pdf) as doc:
        rects = [pymupdf.Rect(i["bbox"]) for i in doc[0].get_image_info()]
    mine = [
        r for r in rects if abs(r.width - APPLICANT_SEAL_PT) < 0.3 and abs(r.height - APPLICANT_SEAL_PT) < 0.3
    ]
    assert len(mine) == 1, rects
    return mine[0]


@pytest.mark.parametrize(
    ("app_id", "file"),
    [("app-001", "01营业执照.pdf"), ("app-004", "营业执照副本.pdf"), ("app-118", "营业执照.pdf")],
    ids=["electronic", "fuben", "zhengben"],
)
def test_stamped_licence_copy_of_a_clean_sample_passes_naming_the_applicant(app_id: str, file: str):
    truth = json.loads((SAMPLES / "truth" / f"{app_id}.json").read_text(encoding="utf-8"))
    applicant = truth["declared"]["company_name"]
    result = _verify(SAMPLES / "applications" / app_id)
    fs = _on(result, file)
    assert [f.status for f in fs] == ["pass"], [f.message for f in fs]
    assert applicant in fs[0].message and "加盖申报单位公章" in fs[0].message
    # the evidence is the applicant's stamp, not the 登记机关's seal beside it
    ev = next(e for e in fs[0].evidence if e.bbox)
    box = pymupdf.Rect(ev.bbox)
    stamp = _stamp_rect(SAMPLES / "applications" / app_id / file)
    assert ev.page == 1 and (box & stamp).get_area() > 0.6 * stamp.get_area()
    # no seal finding of a clean application is anything but pass
    seal_rules = {RULE, "contract.party_seals", "invoice.seller_seal"}
    assert {f.status for f in result.findings if f.rule in seal_rules} == {"pass"}
    assert result.verdict == "pass"

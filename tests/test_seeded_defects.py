"""The real pipeline on every sample application with ground truth (sample_docs/truth).

For each application: every finding listed in ``expected_findings`` is reported by the right
rule with the right status (recall 100 %), a clean application (expected verdict ``pass``) gets
no ``fail``, and the verdict equals ``expected_verdict``. Batch expectations
(``truth/_batch.json``) are checked with ``verifiers.run_batch_rules``.

Applications with scanned pages need OCR (~5 s a page) and are marked slow.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from models.contract import ApplicationResult
from review.pipeline import verify_application
from review.worker import InProcessReader
from verifiers import run_batch_rules

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "sample_docs" / "applications"
TRUTH = ROOT / "sample_docs" / "truth"


def _truths() -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(TRUTH.glob("*.json"))
        if not p.name.startswith("_")
    }


TRUTHS = _truths()


def _scanned(truth: dict) -> bool:
    return any(d.get("scanned") for d in truth["documents"])


def _params() -> list:
    return [
        pytest.param(app_id, marks=[pytest.mark.slow] if _scanned(t) else [], id=app_id)
        for app_id, t in TRUTHS.items()
    ]


@cache
def _result(app_id: str) -> ApplicationResult:
    return verify_application(APPS / app_id, InProcessReader())


def _problems(truth: dict, result: ApplicationResult) -> list[str]:
    """What the pipeline got wrong for one application (empty = as expected)."""
    got = {(f.rule, f.status) for f in result.findings}
    out = []
    for exp in truth["expected_findings"]:
        if (exp["rule"], exp["status"]) not in got:
            seen = sorted({f.status for f in result.findings if f.rule == exp["rule"]}) or ["（无）"]
            out.append(f"漏报 {exp['rule']}={exp['status']}，实际 {'/'.join(seen)}")
    if truth["expected_verdict"] == "pass":
        out += [f"干净申报出现 fail：{f.rule}：{f.message}" for f in result.findings if f.status == "fail"]
    if result.verdict != truth["expected_verdict"]:
        extra = [f"{f.rule}={f.status}" for f in result.findings if f.status != "pass"]
        out.append(
            f"结论应为 {truth['expected_verdict']}，实际 {result.verdict}（非 pass：{', '.join(extra)}）"
        )
    return out


def test_truth_covers_clean_and_seeded_applications():
    clean = [a for a, t in TRUTHS.items() if t["expected_verdict"] == "pass" and not t["expected_findings"]]
    seeded = [a for a, t in TRUTHS.items() if t["expected_findings"]]
    assert len(clean) >= 7 and len(seeded) >= 10
    rules = {e["rule"] for a in seeded for e in TRUTHS[a]["expected_findings"]}
    assert {
        "invoice.arithmetic",
        "invoice.amount_words",
        "invoice.in_period",
        "invoice.buyer_is_applicant",
        "compute.total_threshold",
        "compute.declared_total_match",
        "identity.credit_code_valid",
        "identity.credit_code_match",
        "identity.legal_rep_match",
        "jurisdiction.local",
        "evidence.required_present",
        "audit.covers_last_year",
        "contract.buyer_is_applicant",
        "payment.matches_invoice",
        "compute.gpu_config_present",
    } <= rules
    # seeded applications: at most 2 scanned pages in total (OCR budget)
    scanned = sum(len(d["pages"]) for a in seeded for d in TRUTHS[a]["documents"] if d.get("scanned"))
    assert scanned <= 2


@pytest.mark.parametrize("app_id", _params())
def test_pipeline_reports_expected_findings(app_id):
    truth = TRUTHS[app_id]
    result = _result(app_id)
    assert result.application_id == app_id
    problems = _problems(truth, result)
    assert not problems, f"{app_id}（{truth.get('seeded_defect', '无缺陷')}）：" + "；".join(problems)


def test_batch_expectations():
    batch = json.loads((TRUTH / "_batch.json").read_text(encoding="utf-8"))["expected_batch_findings"]
    needed = sorted({a for e in batch for a in e["applications"]})
    assert not any(_scanned(TRUTHS[a]) for a in needed)
    text_apps = [a for a, t in TRUTHS.items() if not _scanned(t)]
    findings = run_batch_rules([_result(a) for a in text_apps])
    misses = []
    for exp in batch:
        want = set(exp["applications"])
        hits = [f for f in findings if f.rule == exp["rule"] and f.status == exp["status"]]
        if not any(set(f.applications) == want for f in hits):
            shown = [sorted(f.applications) for f in hits] or "（无）"
            misses.append(f"{exp['rule']}={exp['status']} 应涉及 {sorted(want)}，实际 {shown}")
    assert not misses, "；".join(misses)
    # no batch finding against applications that are independent of each other
    involved = {a for f in findings if f.status == "fail" for a in f.applications}
    assert involved <= set(needed), sorted(involved - set(needed))

"""Policy loading, rule registry, per-direction rule lists, docstring clauses."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import verifiers
from verifiers import REGISTRY, RULES_BY_DIRECTION, load_policy, rule_ids
from verifiers.policy import POLICY_DIR

NOTICE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "notice-2024-fujian-ai-projects.txt"

CONTRACT_RULES = {
    "evidence.readable",
    "evidence.required_present",
    "identity.credit_code_valid",
    "identity.credit_code_match",
    "identity.name_match",
    "identity.legal_rep_match",
    "jurisdiction.local",
    "invoice.arithmetic",
    "invoice.amount_words",
    "invoice.buyer_is_applicant",
    "invoice.in_period",
    "invoice.qr_matches",
    "invoice.duplicate",
    "contract.buyer_is_applicant",
    "contract.covers_period",
    "contract.amount_words",
    "payment.matches_invoice",
    "compute.gpu_config_present",
    "compute.total_threshold",
    "compute.declared_total_match",
    "audit.covers_last_year",
    "scenario.consortium_size",
}


def test_policy_2024_values():
    p = load_policy("fujian-ai-2024")
    assert p.name == "fujian-ai-2024"
    assert "2024年" in p.notice_title
    assert (p.period.start.isoformat(), p.period.end.isoformat()) == ("2023-01-01", "2023-12-31")
    assert p.compute.threshold == Decimal("300000.00")
    assert p.fiscal_year == 2023
    assert p.region.admin_code_prefix == "3505"
    for place in (
        "泉州市",
        "鲤城区",
        "丰泽区",
        "晋江市",
        "南安市",
        "金门县",
        "泉州台商投资区",
        "泉州经济技术开发区",
    ):
        assert place in p.region.place_names
    assert p.scenario.consortium_max == 3
    assert p.tolerance.arithmetic == Decimal("0.01")
    assert {"算力", "GPU", "A800", "910B"} <= set(p.compute.keywords)


def test_required_evidence_matches_contract_table():
    p = load_policy()
    base = [
        "application_form",
        "business_license",
        "audit_report",
        "contract",
        "payment_voucher",
        "team_material",
        "integrity_pledge",
    ]
    assert list(p.required_for("compute_subsidy")) == base
    assert list(p.required_for("software_product")) == base
    assert list(p.required_for("hardware_product")) == [*base, "test_report"]
    assert list(p.required_for("lingyan_software")) == [
        "application_form",
        "business_license",
        "audit_report",
        "integrity_pledge",
    ]
    assert list(p.required_for("application_scenario")) == ["application_form", "business_license"]
    assert p.required_for("no_such_direction") == ()
    # supporting material is noted, never required
    for t in ("patent_certificate", "award_certificate"):
        assert t in p.supporting.doc_types
        assert all(t not in d.required for d in p.directions.values())


def test_load_policy_by_path_and_errors(tmp_path):
    by_path = load_policy(POLICY_DIR / "fujian-ai-2024.toml")
    assert by_path == load_policy("fujian-ai-2024")
    with pytest.raises(FileNotFoundError):
        load_policy("fujian-ai-1999")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nnotice_title = "t"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        load_policy(bad)


def test_next_year_is_a_new_file(tmp_path):
    text = (POLICY_DIR / "fujian-ai-2024.toml").read_text(encoding="utf-8")
    text = text.replace('name = "fujian-ai-2024"', 'name = "fujian-ai-2025"')
    text = text.replace("start = 2023-01-01", "start = 2024-01-01").replace(
        "end = 2023-12-31", "end = 2024-12-31"
    )
    text = text.replace('threshold = "300000.00"', 'threshold = "500000.00"')
    f = tmp_path / "fujian-ai-2025.toml"
    f.write_text(text, encoding="utf-8")
    p = load_policy(f)
    assert (
        p.name == "fujian-ai-2025"
        and p.period.start.year == 2024
        and p.compute.threshold == Decimal("500000")
    )


def test_every_contract_rule_is_registered_and_run_somewhere():
    assert CONTRACT_RULES <= set(REGISTRY)
    run = {r.id for rules in RULES_BY_DIRECTION.values() for r in rules}
    assert CONTRACT_RULES <= run


def test_per_direction_rule_lists():
    compute = rule_ids("compute_subsidy")
    assert compute[:2] == ["evidence.readable", "evidence.required_present"]
    for rid in (
        "invoice.buyer_is_applicant",
        "invoice.in_period",
        "compute.total_threshold",
        "compute.declared_total_match",
        "compute.gpu_config_present",
        "contract.buyer_is_applicant",
    ):
        assert rid in compute
    for d in ("software_product", "hardware_product"):
        ids = rule_ids(d)
        assert "contract.seller_is_applicant" in ids and "payment.matches_invoice" in ids
        assert "compute.total_threshold" not in ids and "contract.buyer_is_applicant" not in ids
    assert "scenario.consortium_size" in rule_ids("application_scenario")
    assert "scenario.consortium_size" not in compute
    assert "audit.covers_last_year" in rule_ids("lingyan_software")
    assert "audit.covers_last_year" not in rule_ids("application_scenario")
    assert len(set(compute)) == len(compute)
    assert set(RULES_BY_DIRECTION) == {
        "compute_subsidy",
        "lingyan_software",
        "software_product",
        "hardware_product",
        "application_scenario",
    }


@pytest.mark.skipif(not NOTICE.exists(), reason=f"notice text not found at {NOTICE}")
def test_docstrings_quote_the_notice_verbatim():
    notice = re.sub(r"\s+", "", NOTICE.read_text(encoding="utf-8"))
    quoted = 0
    for rid, r in REGISTRY.items():
        doc = r.doc
        assert doc.strip(), f"{rid} has no docstring"
        for q in re.findall(r"「([^」]+)」", doc):
            if re.search(r"[\u4e00-\u9fff]", q) and not re.fullmatch(r"[A-Za-z0-9.]+", q):
                assert re.sub(r"\s+", "", q) in notice, f"{rid}: 「{q}」 is not verbatim in the notice"
                quoted += 1
    assert quoted >= 12
    for rid in (
        "compute.total_threshold",
        "jurisdiction.local",
        "scenario.consortium_size",
        "invoice.in_period",
    ):
        assert "「" in REGISTRY[rid].doc


def test_public_api_names():
    assert (
        callable(verifiers.run_rules)
        and callable(verifiers.run_batch_rules)
        and callable(verifiers.load_policy)
    )

"""The 2025 city call (quanzhou-digital-2025, direction 市外项目招标奖励) on its sample
applications (sample_calls/quanzhou-digital-2025): a policy written as data only, verdicts and findings
with the clauses of that call; the same files under the 2024 call never mix with it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from models.contract import ApplicationResult
from review.pipeline import verify_application
from review.worker import InProcessReader
from verifiers import load_policy, run_batch_rules

ROOT = Path(__file__).resolve().parents[1] / "sample_calls" / "quanzhou-digital-2025"
APPS = ROOT / "applications"
TRUTHS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "truth").glob("*.json"))}
POLICY = "quanzhou-digital-2025"


@cache
def result(app_id: str, policy: str = POLICY) -> ApplicationResult:
    return verify_application(APPS / app_id, InProcessReader(), policy=load_policy(policy))


def test_samples_exist():
    assert len(TRUTHS) == 6 and all((APPS / a).is_dir() for a in TRUTHS)


@pytest.mark.parametrize("app_id", sorted(TRUTHS))
def test_verdict_and_findings_with_clauses(app_id: str):
    truth = TRUTHS[app_id]
    r = result(app_id)
    pol = load_policy(POLICY)
    assert r.direction == "out_of_city_bid"
    assert (r.policy, r.policy_digest) == (POLICY, pol.digest)
    assert r.verdict == truth["expected_verdict"], [(f.rule, f.status, f.message) for f in r.findings]
    # every finding cites a clause of this call
    clauses = {e.clause for d in pol.directions.values() for e in d.rules}
    assert all(f.clause in clauses for f in r.findings)
    bad = [(f.rule, f.status, f.clause) for f in r.findings if f.status != "pass"]
    expected = [(e["rule"], e["status"], e["clause"]) for e in truth["expected_findings"]]
    assert bad == expected, [(f.rule, f.status, f.message) for f in r.findings if f.status != "pass"]


def test_clean_application_passes_every_condition():
    r = result("q25-001")
    got = {(f.rule, f.clause) for f in r.findings if f.status == "pass"}
    for rule, clause in [
        ("count.at_least", "拥有2项及以上软件著作权登记证书"),
        ("count.at_least", "项目通过第三方公开招标方式取得（中标通知书）"),
        ("date.window", "合同签订时间在2024年"),
        ("amount.threshold", "单个合同金额200万元以上"),
        ("party.region", "项目业主（采购方）为泉州市外单位"),
        ("ratio.paid_to_contract", "申报截止前项目已收款不低于合同总额的60%"),
    ]:
        assert (rule, clause) in got
    types = sorted(d.doc_type for d in r.documents)
    assert types.count("software_copyright") == 2 and "bid_award_notice" in types
    notice = next(d for d in r.documents if d.doc_type == "bid_award_notice")
    assert notice.fields["winner"].value == r.declared["company_name"]
    assert str(notice.fields["bid_amount"].value) == "2680000.00"


def test_defect_messages_name_the_values():
    msg = {
        a: next(f.message for f in result(a).findings if f.status == "fail") for a in TRUTHS if a != "q25-001"
    }
    assert "1,850,000.00" in msg["q25-002"] and "2,000,000.00" in msg["q25-002"]
    assert "2023-11-28" in msg["q25-003"]
    assert "晋江市智慧城市运营有限公司" in msg["q25-004"] and "350582" in msg["q25-004"]
    assert "40.0%" in msg["q25-005"] and "60%" in msg["q25-005"]
    assert "1 份" in msg["q25-006"] and "2 份" in msg["q25-006"]


def test_batch_rules_of_the_call():
    apps = [result(a) for a in sorted(TRUTHS)]
    fs = run_batch_rules(apps, load_policy(POLICY))
    one = [f for f in fs if f.rule == "batch.one_per_direction"]
    assert [f.status for f in one] == ["fail"] and one[0].clause == "同一单位同一方向只能申报一个项目"
    assert "市外项目招标奖励" in one[0].message and len(one[0].applications) == 6
    reused = [f for f in fs if f.rule == "batch.document_reused"]
    assert reused and all(f.clause == "同一项目、同一材料不得重复申报" for f in reused)


def test_same_files_under_the_2024_call_do_not_mix():
    r = result("q25-001", "fujian-ai-2024")
    assert (r.policy, r.policy_digest) == ("fujian-ai-2024", load_policy("fujian-ai-2024").digest)
    assert r.direction is None  # the form's direction is not one of 2024's
    assert not {d.doc_type for d in r.documents} & {"software_copyright", "bid_award_notice"}
    req = [f for f in r.findings if f.rule == "evidence.required_present"]
    assert (
        req[0].status == "review" and "fujian-ai-2024" in req[0].message and "无法识别" not in req[0].message
    )
    assert not {f.rule for f in r.findings} & {"count.at_least", "ratio.paid_to_contract", "party.region"}


def test_rerun_keeps_the_results_own_policy():
    from review.service import run_rules_on

    r = result("q25-002")
    again = run_rules_on(r, load_policy("fujian-ai-2024"))  # e.g. the UI's current pick
    assert again.policy == POLICY
    assert [(f.rule, f.status) for f in again.findings] == [(f.rule, f.status) for f in r.findings]


def test_batch_with_another_policy_does_not_resume(tmp_path):
    from review.batch import run_batch

    root = tmp_path / "in"
    root.mkdir()
    (root / "q25-001").symlink_to(APPS / "q25-001", target_is_directory=True)
    out = tmp_path / "out"
    kw = dict(workers=1, isolation=False, show_progress=False, db=str(tmp_path / "c.db"))
    first = run_batch(root, out, policy_name=POLICY, **kw)
    assert first["applications"][0]["verdict"] == "pass"
    second = run_batch(root, out, policy_name="fujian-ai-2024", **kw)
    saved = json.loads((out / "q25-001.json").read_text(encoding="utf-8"))
    assert (
        saved["policy"] == "fujian-ai-2024" and saved["policy_digest"] == load_policy("fujian-ai-2024").digest
    )
    assert second["applications"][0]["verdict"] != "pass"
    third = run_batch(root, out, policy_name="fujian-ai-2024", **kw)
    assert third["applications"] == second["applications"]


def test_problem_list_cites_the_clause():
    from review.reports import DISCREPANCY_COLUMNS, discrepancy_rows

    rows = discrepancy_rows([result("q25-002")])
    assert DISCREPANCY_COLUMNS[-1] == "通知条款"  # the clause the finding cites, from its policy
    assert [(r[2], r[3], r[-1]) for r in rows] == [
        ("市外项目招标奖励", "amount.threshold", "单个合同金额200万元以上")
    ]

"""Policies as data: validation (one Chinese line per mistake), the CLI (policy check/show,
rules), a third call written only as a TOML file, the general checks and their clauses."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.classify import RULES, classify_pages
from extractor.fields import form as form_fields
from extractor.profile import DocTypeDef
from models.contract import compute_verdict
from models.page import Line, Page
from review.cli import main
from verifiers import BATCH_REGISTRY, REGISTRY, catalogue, check_file, load_policy, run_batch_rules, run_rules
from verifiers.policy import PolicyError, available_policies
from verifiers.testing import (
    APPLICANT,
    SUPPLIER,
    compute_app,
    contract,
    doc,
    product_app,
    receipt,
    with_docs,
)

HEAD = """
name = "t"
notice_title = "测试通知"
fiscal_year = 2024
[period]
start = 2024-01-01
end = 2024-12-31
[region]
name = "泉州市"
admin_code_prefix = "3505"
place_names = ["泉州市", "晋江市", "丰泽区"]
"""

DIRECTION = """
[directions.d]
label = "测试方向"
required = ["application_form"]
rules = [{ id = "evidence.readable", clause = "—" }]
"""


def write(tmp_path: Path, body: str, head: str = HEAD) -> Path:
    p = tmp_path / "p.toml"
    p.write_text(textwrap.dedent(head) + textwrap.dedent(body), encoding="utf-8")
    return p


def errors_of(tmp_path: Path, body: str, head: str = HEAD) -> list[str]:
    _pol, errors = check_file(write(tmp_path, body, head))
    return errors


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (DIRECTION.replace("evidence.readable", "evidence.no_such"), "未知规则「evidence.no_such」"),
        (
            DIRECTION.replace('"application_form"', '"application_form", "software_copyright"'),
            "未知材料类型「software_copyright」",
        ),
        (
            DIRECTION.replace('required = ["application_form"]', "required = []"),
            "directions.d.required：未列出应附材料",
        ),
        (
            DIRECTION.replace(
                '{ id = "evidence.readable", clause = "—" }',
                '{ id = "amount.threshold", clause = "x", doc_types = ["contract"], field = "amount_totl", min = 1 }',
            ),
            "没有字段「amount_totl」",
        ),
        (
            DIRECTION.replace(
                '{ id = "evidence.readable", clause = "—" }',
                '{ id = "date.window", clause = "x", doc_types = ["contract"], field = "sign_date", start = 2024-12-01, end = 2024-01-01 }',
            ),
            "起始日期 2024-12-01 晚于截止日期 2024-01-01",
        ),
        (
            DIRECTION.replace('{ id = "evidence.readable", clause = "—" }', '"evidence.readable"'),
            "未注明所依据的通知条款",
        ),
        (
            DIRECTION.replace('clause = "—" }', 'clause = "—", year = 1 }'),
            "规则 evidence.readable 的参数 year：不是可识别的键",
        ),
        (DIRECTION.replace("evidence.readable", "batch.one_per_direction"), "这是批量规则"),
        (DIRECTION + "\nper_contract_minimum = 1\n", "per_contract_minimum：不是可识别的键"),
        (
            DIRECTION.replace('rules = [{ id = "evidence.readable", clause = "—" }]', "rules = []"),
            "directions.d.rules：未列出要运行的规则",
        ),
        (DIRECTION.replace("rules = [", 'rules = ["@nope", '), "规则组「nope」未在 [rule_sets] 中定义"),
        (DIRECTION + '\n[doc_types.cert]\nlabel = "证书"\ntitles = ["证书("]\n', "不是有效的正则表达式"),
        (DIRECTION + '\n[doc_types.contract]\nlabel = "合同"\ntitles = ["合同"]\n', "与内置材料类型重名"),
    ],
)
def test_each_mistake_has_its_own_line(tmp_path, body, expected):
    errors = errors_of(tmp_path, body)
    assert any(expected in e for e in errors), errors


def test_period_start_after_end_and_every_mistake_reported(tmp_path):
    head = HEAD.replace("start = 2024-01-01\nend = 2024-12-31", "start = 2024-12-31\nend = 2024-01-01")
    body = "extra = 1\n" + DIRECTION.replace("evidence.readable", "evidence.no_such") + "\nlabel_en = 1\n"
    errors = errors_of(tmp_path, body, head)
    assert any("period：起始日期 2024-12-31 晚于截止日期 2024-01-01" in e for e in errors)
    assert any("未知规则" in e for e in errors) and any("extra：不是可识别的键" in e for e in errors)
    assert any("directions.d.label_en：不是可识别的键" in e for e in errors)
    with pytest.raises(PolicyError) as exc:
        load_policy(write(tmp_path, body, head))
    assert len(exc.value.errors) == len(errors)


def test_shipped_policies_are_valid():
    assert {"fujian-ai-2024", "quanzhou-digital-2025"} <= set(available_policies())
    for name in available_policies():
        pol, errors = check_file(name)
        assert pol is not None and errors == [], (name, errors)
        assert len(pol.digest) == 64


# ----------------------------------------------------------------- CLI


def test_cli_policy_check_and_show(tmp_path, capsys):
    assert main(["policy", "check", "fujian-ai-2024"]) == 0
    bad = write(tmp_path, DIRECTION.replace("evidence.readable", "evidence.no_such"))
    assert main(["policy", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "未知规则「evidence.no_such」" in err and "Traceback" not in err
    assert main(["policy", "show", "quanzhou-digital-2025"]) == 0
    out = capsys.readouterr().out
    for text in (
        "市外项目招标奖励",
        "软件著作权登记证书",
        "中标通知书",
        "不少于 2 份",
        "不在泉州市",
        "60%",
        "依据：合同签订时间在2024年",
    ):
        assert text in out
    assert main(["policy", "show", "fujian-ai-2024"]) == 0
    out = capsys.readouterr().out
    assert (
        "算力服务补助" in out
        and "300,000.00" in out
        and "依据：以联合体形式申报，联合体成员数量不超过3家" in out
    )


def test_cli_rules_catalogue(capsys):
    rows = catalogue()
    assert {r["id"] for r in rows} == set(REGISTRY) | set(BATCH_REGISTRY)
    assert all(r["name"] and re.search(r"[\u4e00-\u9fff]", r["checks"]) for r in rows)
    assert main(["rules", "--policy", "fujian-ai-2024"]) == 0
    out = capsys.readouterr().out
    assert "compute.total_threshold  算力采购年度总额达到门槛" in out
    assert "依据：向算力服务企业直接购买算力服务年度总额30万元（含）以上" in out
    assert "ratio.paid_to_contract" not in out  # not run by the 2024 call


def test_cli_direction_choices_come_from_the_policy(tmp_path, capsys):
    app = tmp_path / "app"
    app.mkdir()
    assert (
        main(
            [
                "verify",
                str(app),
                "--policy",
                "fujian-ai-2024",
                "--direction",
                "out_of_city_bid",
                "--no-isolation",
                "--no-cache",
            ]
        )
        == 2
    )
    assert "不是政策文件 fujian-ai-2024 的申报方向" in capsys.readouterr().err
    code = main(
        [
            "verify",
            str(app),
            "--policy",
            "quanzhou-digital-2025",
            "--direction",
            "out_of_city_bid",
            "--no-isolation",
            "--no-cache",
        ]
    )
    assert code == 0 and "市外项目招标奖励" in capsys.readouterr().out


# ----------------------------------------------------------------- a third call, data only

THIRD = """
name = "third-call"
notice_title = "某市2024年数字化改造补助（测试用第三份通知）"
fiscal_year = 2023
[period]
start = 2023-09-01
end = 2024-08-31
[region]
name = "泉州市"
admin_code_prefix = "3505"
place_names = ["泉州市", "丰泽区", "晋江市"]
[compute]
keywords = ["算力", "GPU"]
[clauses]
"evidence.required_present" = "四、申报材料"
[doc_types.acceptance_report]
label = "项目验收报告"
titles = ["项目验收报告", "验收报告"]
keywords = ["验收结论", "验收日期"]
fields.acceptance_date = { labels = ["验收日期"], kind = "date" }
[directions.retrofit]
label = "数字化改造"
words = ["数字化改造项目"]
applicant_role = "buyer"
required = ["application_form", "contract", "payment_voucher", "acceptance_report"]
rules = [
  "evidence.required_present",
  { id = "date.window", clause = "合同于2023年9月1日（含）以后签订", doc_types = ["contract"], field = "sign_date", start = 2023-09-01 },
  { id = "date.window", clause = "服务期在实施期内", doc_types = ["contract"], field = "service_period" },
  { id = "amount.threshold", clause = "设备和软件投入合计不低于30万元", doc_types = ["payment_voucher"], field = "amount", mode = "sum", min = "300000", keywords = ["算力"], keyword_fields = ["purpose"] },
  { id = "party.region", clause = "申报单位注册在本市", party = "applicant", inside = true },
  { id = "ratio.paid_to_contract", clause = "已付款不低于合同额的50%", min_ratio = "0.5", by = 2024-08-31 },
  { id = "count.at_least", clause = "附项目验收报告", doc_type = "acceptance_report", min = 1 },
  { id = "audit.covers_last_year", clause = "2023年度审计报告", fiscal_year = 2023 },
  { id = "compute.total_threshold", clause = "期内算力采购不低于10万元", threshold = "100000" },
]
[directions.other]
label = "其他方向"
required = ["application_form"]
rules = [{ id = "evidence.readable", clause = "—" }]
[batch]
rules = [
  { id = "batch.exclusive", clause = "两方向不得同时申报", directions = ["retrofit", "other"] },
  { id = "batch.document_reused", clause = "同一合同不得重复申报", doc_type = "contract", key_fields = ["contract_no"] },
]
"""


@pytest.fixture
def third(tmp_path):
    return load_policy(write(tmp_path, THIRD, head=""))


def _app(direction: str = "retrofit", app_id: str = "app-001", **contract_over):
    app = compute_app(app_id)
    acceptance = doc(
        "acceptance_report", "验收报告.pdf", {"title": "项目验收报告", "acceptance_date": dt.date(2024, 6, 1)}
    )
    app = with_docs(app, replace={"合同/算力服务合同.pdf": contract(**contract_over)}, add=(acceptance,))
    return app.model_copy(update={"direction": direction})


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_third_call_runs_without_code(third):
    fs = run_rules(_app(sign_date=dt.date(2023, 9, 20)), third)
    assert compute_verdict(fs) == "pass", [(f.rule, f.status, f.message) for f in fs if f.status != "pass"]
    clauses = {f.clause for f in fs}
    assert {
        "四、申报材料",
        "合同于2023年9月1日（含）以后签订",
        "已付款不低于合同额的50%",
        "附项目验收报告",
    } <= clauses
    req = by_rule(fs, "evidence.required_present")
    assert any("项目验收报告" in f.message for f in req) and all("数字化改造方向" in f.message for f in req)
    thr = by_rule(fs, "compute.total_threshold")[0]
    assert "2023-09-01至2024-08-31算力采购" in thr.message and "100,000.00" in thr.message  # not 「2023年」


def test_third_call_catches_a_contract_signed_before_the_window(third):
    fs = run_rules(_app(sign_date=dt.date(2023, 2, 20)), third)
    bad = [(f.rule, f.status, f.clause) for f in fs if f.status != "pass"]
    assert bad == [("date.window", "fail", "合同于2023年9月1日（含）以后签订")]
    assert "2023-02-20 不在 2023-09-01 及以后" in by_rule(fs, "date.window")[0].message


def test_amount_sum_keyword_filter_and_missing_doc(third):
    app = _app(sign_date=dt.date(2023, 9, 20))
    cheap = with_docs(app, replace={"回单/回单3.pdf": receipt(3, purpose="办公用品")})
    f = by_rule(run_rules(cheap, third), "amount.threshold")[0]
    assert f.status == "fail" and "240,000.00" in f.message  # two of three receipts name 算力
    fs = run_rules(with_docs(app, drop=("验收报告.pdf",)), third)
    assert [f.status for f in by_rule(fs, "count.at_least")] == ["fail"]
    assert "missing" in {f.status for f in by_rule(fs, "evidence.required_present")}


def test_paid_ratio_counts_payments_up_to_the_date(third):
    app = _app(sign_date=dt.date(2023, 9, 20))
    late = with_docs(
        app,
        replace={f"回单/回单{n}.pdf": receipt(n, pay_date=dt.date(2024, 9, 1)) for n in (2, 3)},
    )
    f = by_rule(run_rules(late, third), "ratio.paid_to_contract")[0]
    assert f.status == "fail" and "33.3%" in f.message and "2 笔晚于截止日期未计入" in f.message
    assert f.details["ratio"] == Decimal("0.3333")


def test_region_of_the_applicant_and_of_a_counterparty(tmp_path):
    body = THIRD.replace(
        '{ id = "party.region", clause = "申报单位注册在本市", party = "applicant", inside = true },',
        '{ id = "party.region", clause = "供应商为市外单位", party = "seller", inside = false },',
    )
    pol = load_policy(write(tmp_path, body, head=""))
    f = by_rule(run_rules(_app(sign_date=dt.date(2023, 9, 20)), pol), "party.region")[0]
    assert f.status == "pass" and SUPPLIER in f.message and "110108" in f.message
    local = _app(sign_date=dt.date(2023, 9, 20), seller_name="晋江云算科技有限公司", seller_credit_code=None)
    f = by_rule(run_rules(local, pol), "party.region")[0]
    assert f.status == "fail" and "晋江市" in f.message


def test_batch_exclusive_and_document_reused(third):
    a = _app("retrofit", "app-001", sign_date=dt.date(2023, 9, 20))
    b = _app("other", "app-002", sign_date=dt.date(2023, 9, 20))
    fs = run_batch_rules([a, b], third)
    ex = by_rule(fs, "batch.exclusive")
    assert [f.status for f in ex] == ["fail"] and "数字化改造和其他方向" in ex[0].message
    assert ex[0].clause == "两方向不得同时申报"
    reused = by_rule(fs, "batch.document_reused")
    assert [f.status for f in reused] == ["fail"] and reused[0].applications == ["app-001", "app-002"]


def test_unknown_direction_message_names_the_call(third):
    fs = run_rules(_app("compute_subsidy", sign_date=dt.date(2023, 9, 20)), third)
    f = by_rule(fs, "evidence.required_present")[0]
    assert f.status == "review" and "third-call" in f.message and "数字化改造" in f.message


# ----------------------------------------------------------------- extraction profile


def _page(lines: list[str]) -> Page:
    return Page(
        number=1,
        width=595,
        height=842,
        method="text",
        lines=[Line(text=t, bbox=[72, 60 + 30 * i, 400, 80 + 30 * i]) for i, t in enumerate(lines)],
    )


def test_classifier_takes_declared_types_and_keeps_the_builtin_ones():
    page = _page(
        [
            "计算机软件著作权登记证书",
            "软件名称：星图视觉V1.0",
            "著作权人：泉州星图软件科技有限公司",
            "登记号：2024SR0123456",
        ]
    )
    assert classify_pages([page])[0].doc_type != "software_copyright"
    spec = DocTypeDef(
        key="software_copyright",
        label="软件著作权登记证书",
        titles=("软件著作权登记证书",),
        keywords=("著作权人", "登记号"),
    )
    assert classify_pages([page], [spec])[0].doc_type == "software_copyright"
    assert "software_copyright" not in RULES


def test_form_reader_takes_the_policys_direction_words():
    pol = load_policy("quanzhou-digital-2025")
    assert pol.extraction.directions == {"市外项目招标奖励": "out_of_city_bid"}
    assert load_policy("fujian-ai-2024").extraction.is_builtin()
    page = _page(
        ["申报表", "单位名称：泉州星图软件科技有限公司", "申报方向：☑市外项目招标奖励 □数字化转型标杆"]
    )
    assert "direction" not in form_fields.extract([page])
    assert form_fields.extract([page], pol.extraction.directions)["direction"].value == "out_of_city_bid"


def test_product_app_unchanged_by_the_policy_rewrite():
    fs = run_rules(product_app())
    assert compute_verdict(fs) == "pass"
    assert all(f.clause for f in fs) and APPLICANT


def test_document_reused_on_a_low_confidence_key_is_review(third):
    """A document "used twice" only because a key was read with low OCR confidence is a
    doubt for the reviewer (review), not a fail — the batch safety net of every batch rule."""
    a = _app("retrofit", "app-001", sign_date=dt.date(2023, 9, 20))
    b = _app("other", "app-002", sign_date=dt.date(2023, 9, 20))
    doc = next(d for d in b.documents if d.doc_type == "contract")
    fv = doc.fields["contract_no"]
    doc.fields["contract_no"] = fv.model_copy(update={"confidence": 0.5, "method": "ocr"})
    reused = by_rule(run_batch_rules([a, b], third), "batch.document_reused")
    assert [f.status for f in reused] == ["review"] and "0.50" in reused[0].message

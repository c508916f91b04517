"""Parameter models of the rules: what a policy may write next to a rule id.

Each model forbids unknown keys (a typo is a validation error, not a silent default) and
may check itself against the policy (``policy_errors``): doc types and fields it names
must exist, a window's start may not be after its end. Dates are ISO (``2024-01-01``),
amounts plain numbers or strings (``"2000000.00"``).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from models.vocab import FIELD_LABELS as FIELD_LABELS  # re-exported: one vocabulary
from models.vocab import field_label as field_label
from verifiers.policy import Policy

Outcome = Literal["fail", "warn", "review"]


class RuleParams(BaseModel):
    """Base of rule parameters: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        return []

    def words(self, policy: Policy) -> str:
        """The condition in a reviewer's words ("" when the rule's name says it all)."""
        return ""


def doc_type_errors(policy: Policy, where: str, doc_types: tuple[str, ...]) -> list[str]:
    known = policy.doc_type_labels
    return [f"{where}.doc_types：未知材料类型「{t}」" for t in doc_types if t not in known]


def field_errors(
    policy: Policy, where: str, doc_types: tuple[str, ...], key: str, name: str = "field"
) -> list[str]:
    out = []
    for t in doc_types:
        if t in policy.doc_type_labels and key not in policy.fields_of(t):
            out.append(
                f"{where}.{name}：材料类型「{t}」没有字段「{key}」（可用：{'、'.join(policy.fields_of(t))}）"
            )
    return out


def window_errors(where: str, start: _dt.date | None, end: _dt.date | None) -> list[str]:
    if start is not None and end is not None and start > end:
        return [f"{where}：起始日期 {start} 晚于截止日期 {end}"]
    return []


class AuditParams(RuleParams):
    fiscal_year: int | None = None  # default: the policy's fiscal_year

    def words(self, policy: Policy) -> str:
        return f"审计报告/财务报表为申报单位 {self.fiscal_year or policy.fiscal_year} 年度"


class ThresholdParams(RuleParams):
    threshold: Decimal | None = None  # default: [compute].threshold

    def words(self, policy: Policy) -> str:
        thr = self.threshold if self.threshold is not None else policy.compute.threshold
        return f"{policy.period.label}算力采购（每笔只计一次）合计不低于 {thr:,.2f} 元"


class ConsortiumParams(RuleParams):
    max: int | None = Field(default=None, ge=1)  # default: [scenario].consortium_max

    def words(self, policy: Policy) -> str:
        return f"联合体成员（含申报单位）不超过 {self.max or policy.scenario.consortium_max} 家"


class PeriodParams(RuleParams):
    """A date window replacing the policy's ``[period]`` for one rule."""

    start: _dt.date | None = None
    end: _dt.date | None = None
    status: Outcome | None = None  # outside the window (invoice.in_period default: [period])

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        return window_errors(where, self.start or policy.period.start, self.end or policy.period.end)

    def words(self, policy: Policy) -> str:
        return f"期间 {self.start or policy.period.start} 至 {self.end or policy.period.end}"


# ----------------------------------------------------------------- general checks


class AmountParams(RuleParams):
    """``amount.threshold``: an amount field of documents, summed or each, against limits."""

    doc_types: tuple[str, ...]
    field: str
    mode: Literal["sum", "each"] = "sum"
    min: Decimal | None = None
    max: Decimal | None = None
    keywords: tuple[str, ...] = ()  # only documents whose text fields name one of them
    keyword_fields: tuple[str, ...] = ("title", "item_names", "service_content")
    label: str = ""  # how messages name the amount (default: the field's label)

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = doc_type_errors(policy, where, self.doc_types)
        out += field_errors(policy, where, self.doc_types, self.field)
        if self.min is None and self.max is None:
            out.append(f"{where}：min 与 max 至少写一个")
        if self.min is not None and self.max is not None and self.min > self.max:
            out.append(f"{where}：min {self.min} 大于 max {self.max}")
        return out

    def words(self, policy: Policy) -> str:
        types = "、".join(policy.doc_type_label(t) for t in self.doc_types)
        what = self.label or field_label(self.field)
        scope = f"每份{types}的{what}" if self.mode == "each" else f"{types}的{what}合计"
        if self.keywords:
            scope = (
                f"（名称含 {'/'.join(self.keywords[:6])}{'…' if len(self.keywords) > 6 else ''} 的）" + scope
            )
        b = [
            f"不低于 {self.min:,.2f} 元" if self.min is not None else "",
            f"不超过 {self.max:,.2f} 元" if self.max is not None else "",
        ]
        return scope + "、".join(x for x in b if x)


class DateParams(RuleParams):
    """``date.window``: a date field (or the service period) of documents inside a window."""

    doc_types: tuple[str, ...]
    field: str  # issue_date, sign_date, pay_date, service_period, …
    start: _dt.date | None = None  # default (both absent): the policy's [period]
    end: _dt.date | None = None
    outside: Outcome = "fail"
    label: str = ""

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = doc_type_errors(policy, where, self.doc_types)
        if self.field == "service_period":
            for k in ("service_start", "service_end"):
                out += field_errors(policy, where, self.doc_types, k)
        else:
            out += field_errors(policy, where, self.doc_types, self.field)
        return out + window_errors(where, self.start, self.end)

    def words(self, policy: Policy) -> str:
        types = "、".join(policy.doc_type_label(t) for t in self.doc_types)
        start, end = self.start, self.end
        if start is None and end is None:
            start, end = policy.period.start, policy.period.end
        span = f"{start} 至 {end}" if start and end else (f"{start} 及以后" if start else f"{end} 及以前")
        verb = "与" if self.field == "service_period" else "在"
        tail = "有重叠" if self.field == "service_period" else "期间内"
        return f"{types}的{self.label or field_label(self.field)}{verb} {span} {tail}"


class RatioParams(RuleParams):
    """``ratio.paid_to_contract``: payments of one purchase ÷ its contract amount ≥ ``min_ratio``."""

    min_ratio: Decimal = Field(gt=0)
    by: _dt.date | None = None  # payments dated after it do not count (the application deadline)
    contract_types: tuple[str, ...] = ("contract",)
    contract_field: str = "amount_total"
    payment_types: tuple[str, ...] = ("payment_voucher",)
    payment_field: str = "amount"
    date_field: str = "pay_date"

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = doc_type_errors(policy, where, self.contract_types + self.payment_types)
        out += field_errors(policy, where, self.contract_types, self.contract_field, "contract_field")
        out += field_errors(policy, where, self.payment_types, self.payment_field, "payment_field")
        out += field_errors(policy, where, self.payment_types, self.date_field, "date_field")
        if self.min_ratio > 1:
            out.append(f"{where}.min_ratio：比例 {self.min_ratio} 大于 1（60% 写作 0.6）")
        return out

    def words(self, policy: Policy) -> str:
        by = f"截至 {self.by}" if self.by else ""
        return f"每份合同{by}已收（付）款合计不低于合同金额的 {self.min_ratio * 100:.0f}%"


class RegionParams(RuleParams):
    """``party.region``: a party lies inside (or outside) the policy's region."""

    party: Literal["applicant", "buyer", "seller"]
    inside: bool = True
    doc_types: tuple[str, ...] = ("contract",)  # where the buyer/seller is read

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        if self.party == "applicant":
            return []
        out = doc_type_errors(policy, where, self.doc_types)
        out += field_errors(policy, where, self.doc_types, f"{self.party}_name", "party")
        return out

    def words(self, policy: Policy) -> str:
        who = {"applicant": "申报单位", "buyer": "合同买方（甲方）", "seller": "合同卖方（乙方）"}[self.party]
        return f"{who}{'位于' if self.inside else '不在'}{policy.region.name}"


class CountParams(RuleParams):
    """``count.at_least``: at least ``min`` documents of a type (distinct by a field; held by
    the applicant when ``holder_field`` names the field printing the holder)."""

    doc_type: str
    min: int = Field(ge=1)
    distinct_field: str | None = None
    holder_field: str | None = None

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = doc_type_errors(policy, where, (self.doc_type,))
        for name, key in (("distinct_field", self.distinct_field), ("holder_field", self.holder_field)):
            if key:
                out += field_errors(policy, where, (self.doc_type,), key, name)
        return out

    def words(self, policy: Policy) -> str:
        own = "（权利人为申报单位）" if self.holder_field else ""
        return f"「{policy.doc_type_label(self.doc_type)}」不少于 {self.min} 份{own}"


class ExclusiveParams(RuleParams):
    """``batch.exclusive``: no unit applies for two of these directions in one call."""

    directions: tuple[str, ...] = ("software_product", "application_scenario")

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = [
            f"{where}.directions：未定义的申报方向「{d}」"
            for d in self.directions
            if d not in policy.directions
        ]
        if len(set(self.directions)) < 2:
            out.append(f"{where}.directions：至少列出两个方向")
        return out

    def words(self, policy: Policy) -> str:
        return "同一单位不得同时申报：" + "、".join(policy.direction_label(d) for d in self.directions)


class ReuseParams(RuleParams):
    """``batch.document_reused``: the same document (same ``key_fields`` values) in two applications."""

    doc_type: str
    key_fields: tuple[str, ...]

    def policy_errors(self, policy: Policy, where: str) -> list[str]:
        out = doc_type_errors(policy, where, (self.doc_type,))
        for k in self.key_fields:
            out += field_errors(policy, where, (self.doc_type,), k, "key_fields")
        return out

    def words(self, policy: Policy) -> str:
        return f"同一份「{policy.doc_type_label(self.doc_type)}」不得被多个申报使用"

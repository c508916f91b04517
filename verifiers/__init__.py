"""Verifier rules (one module per rule family) and policy data.

Public API::

    run_rules(app: ApplicationResult, policy: Policy | None = None) -> list[Finding]
    run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]
    load_policy(path_or_name="fujian-ai-2024") -> Policy
    RULES_BY_DIRECTION, rules_for(direction), rule_ids(direction), REGISTRY

Rules are pure functions over the models: no file I/O (except loading the policy TOML), no OCR,
no database.
"""

from __future__ import annotations

from models.contract import ApplicationResult, Finding
from verifiers.base import REGISTRY, Rule, RuleContext, as_date, as_decimal, rule_error_finding
from verifiers.batch import run_batch_rules
from verifiers.policy import DEFAULT_POLICY, Policy, load_policy
from verifiers.registry import RULES_BY_DIRECTION, rule_ids, rules_for

__all__ = [
    "DEFAULT_POLICY",
    "REGISTRY",
    "RULES_BY_DIRECTION",
    "Policy",
    "Rule",
    "RuleContext",
    "as_date",
    "as_decimal",
    "load_policy",
    "rule_ids",
    "rules_for",
    "run_batch_rules",
    "run_rules",
]


def run_rules(app: ApplicationResult, policy: Policy | None = None) -> list[Finding]:
    """All findings of one application, per its direction (``app.direction``).

    A rule that raises on unexpected input does not stop the others: it becomes a ``review``
    finding naming the rule and the error.
    """
    pol = policy or load_policy(DEFAULT_POLICY)
    ctx = RuleContext.build(app, pol)
    out: list[Finding] = []
    for r in rules_for(app.direction):
        try:
            out.extend(r(ctx))
        except Exception as exc:  # every failure becomes data
            out.append(rule_error_finding(r.id, exc))
    return out

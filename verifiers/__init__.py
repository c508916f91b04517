"""Verifier rules (one module per rule family) and policy data.

Public API::

    run_rules(app: ApplicationResult, policy: Policy | None = None) -> list[Finding]
    run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]
    load_policy(path_or_name="fujian-ai-2024") -> Policy      (PolicyError: invalid file)
    check_file(path_or_name) -> (Policy | None, [error lines])
    RULES_BY_DIRECTION, rules_for(direction, policy), rule_ids(direction, policy), REGISTRY,
    BATCH_REGISTRY, catalogue(policy)

Rules are pure functions over the models: no file I/O (except loading the policy TOML), no OCR,
no database. Which rules run for a direction, with which parameters and citing which clause,
is policy data (``verifiers/policies/*.toml``, ``docs/policy.md``).
"""

from __future__ import annotations

from verifiers.base import BATCH_REGISTRY, REGISTRY, Rule, RuleContext, as_date, as_decimal
from verifiers.policy import DEFAULT_POLICY, Policy, PolicyError, available_policies, check_file, load_policy
from verifiers.registry import RULES_BY_DIRECTION, catalogue, rule_ids, rules_for
from verifiers.run import run_batch_rules, run_rules

__all__ = [
    "BATCH_REGISTRY",
    "DEFAULT_POLICY",
    "REGISTRY",
    "RULES_BY_DIRECTION",
    "Policy",
    "PolicyError",
    "Rule",
    "RuleContext",
    "as_date",
    "as_decimal",
    "available_policies",
    "catalogue",
    "check_file",
    "load_policy",
    "rule_ids",
    "rules_for",
    "run_batch_rules",
    "run_rules",
]

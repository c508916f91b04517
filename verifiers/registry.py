"""Which rules run for which direction: read from the policy, checked against the registry.

A policy lists, per direction, the rules to run in reporting order, each with the clause of
the call it cites and its parameters (``verifiers/policies/*.toml``, ``docs/policy.md``).
This module imports every rule module (so :data:`REGISTRY` and :data:`BATCH_REGISTRY` are
complete), validates policies against them (unknown rule, bad parameter → one Chinese line
each) and binds a policy's entries to rules.

``RULES_BY_DIRECTION`` / ``UNKNOWN_DIRECTION`` are the default policy's lists as rule
objects, kept for callers of the first API (edit the TOML, not these).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

# imported to register their rules (each module, not the package: no circle through __init__)
import verifiers.audit
import verifiers.batch
import verifiers.checks
import verifiers.compute
import verifiers.contract
import verifiers.evidence
import verifiers.identity
import verifiers.invoice
import verifiers.jurisdiction
import verifiers.payment
import verifiers.qr
import verifiers.scenario
import verifiers.seals
import verifiers.signature  # noqa: F401
from verifiers.base import BATCH_REGISTRY, REGISTRY, BatchRule, Rule
from verifiers.policy import DEFAULT_POLICY, Policy, RuleEntry, add_validator, load_policy, pydantic_lines


@dataclass(frozen=True)
class Bound:
    """A rule with the parameters and clause a policy gives it."""

    rule: Any  # Rule or BatchRule
    params: BaseModel
    clause: str


def _entry_errors(
    entry: RuleEntry, where: str, registry: dict[str, Any], policy: Policy, kind: str
) -> list[str]:
    r = registry.get(entry.id)
    if r is None:
        other = REGISTRY if registry is BATCH_REGISTRY else BATCH_REGISTRY
        hint = "（这是批量规则，应写在 [batch] rules 中）" if entry.id in other and kind == "方向" else ""
        hint = hint or ("（这是单份申报规则，应写在方向的 rules 中）" if entry.id in other else "")
        return [f"{where}：未知规则「{entry.id}」{hint}（可用规则见 evreview rules）"]
    try:
        params = r.params.model_validate(entry.params)
    except ValidationError as exc:
        return pydantic_lines(exc, prefix=f"{where} 规则 {entry.id} 的参数 ")
    check = getattr(params, "policy_errors", None)
    return check(policy, f"{where} 规则 {entry.id}") if check else []


@add_validator
def rule_errors(policy: Policy) -> list[str]:
    """Every rule entry of the policy names a registered rule with valid parameters."""
    out: list[str] = []
    for key, d in policy.directions.items():
        for e in d.rules:
            out += _entry_errors(e, f"directions.{key}.rules", REGISTRY, policy, "方向")
    for e in policy.unrecognised:
        out += _entry_errors(e, "unrecognised.rules", REGISTRY, policy, "方向")
    for e in policy.batch.rules:
        out += _entry_errors(e, "batch.rules", BATCH_REGISTRY, policy, "批量")
    return out


_BOUND: dict[tuple[str, str | None, str], list[Bound]] = {}


def _bind(
    policy: Policy, entries: tuple[RuleEntry, ...], registry: dict[str, Any], rules: Any = None
) -> list[Bound]:
    out = []
    for i, e in enumerate(entries):
        r = rules[i] if rules is not None and i < len(rules) else registry[e.id]
        out.append(Bound(r, registry[e.id].params.model_validate(e.params), e.clause))
    return out


def _default() -> Policy | None:
    try:
        return load_policy(DEFAULT_POLICY)
    except (OSError, ValueError):
        return None


def bound_rules(direction: str | None, policy: Policy) -> list[Bound]:
    """The rules run for ``direction`` under ``policy``, bound to their parameters and clauses
    (the policy's ``unrecognised`` list when the direction is not one of its directions)."""
    key = (policy.digest, direction if direction in policy.directions else None, "d")
    default = _DEFAULT_DIGEST and policy.digest == _DEFAULT_DIGEST
    if default:
        # the default policy's Rule objects come from RULES_BY_DIRECTION (a mutable view)
        rules = RULES_BY_DIRECTION.get(direction or "", UNKNOWN_DIRECTION)
        return _bind(policy, policy.rule_entries(direction), REGISTRY, rules)
    if key not in _BOUND:
        _BOUND[key] = _bind(policy, policy.rule_entries(direction), REGISTRY)
    return _BOUND[key]


def bound_batch_rules(policy: Policy) -> list[Bound]:
    key = (policy.digest, None, "b")
    if key not in _BOUND:
        _BOUND[key] = _bind(policy, policy.batch.rules, BATCH_REGISTRY)
    return _BOUND[key]


def rules_for(direction: str | None, policy: Policy | None = None) -> tuple[Rule, ...]:
    """The rules run for ``direction`` (the policy's ``unrecognised`` list when it is unknown)."""
    pol = policy or load_policy(DEFAULT_POLICY)
    return tuple(b.rule for b in bound_rules(direction, pol))


def rule_ids(direction: str | None, policy: Policy | None = None) -> list[str]:
    """Rule ids run for ``direction``, in order.

    >>> rule_ids("compute_subsidy")[-1]
    'compute.declared_total_match'
    """
    return [r.id for r in rules_for(direction, policy)]


def catalogue(policy: Policy | None = None) -> list[dict[str, Any]]:
    """The rule catalogue (CONTRACT §2 ``evreview rules``): id, Chinese name, what it checks,
    parameters, and — with a policy — the clauses it cites and the directions running it."""
    rows: list[dict[str, Any]] = []
    for kind, reg in (("申报", REGISTRY), ("批量", BATCH_REGISTRY)):
        for rid in sorted(reg):
            r: Rule | BatchRule = reg[rid]
            row: dict[str, Any] = {
                "id": rid,
                "name": r.name,
                "kind": kind,
                "checks": r.checks,
                "params": sorted(r.params.model_fields),
            }
            if policy is not None:
                uses = []
                if kind == "申报":
                    for d in policy.directions.values():
                        uses += [(d.label, e.clause) for e in d.rules if e.id == rid]
                else:
                    uses += [("批量", e.clause) for e in policy.batch.rules if e.id == rid]
                row["directions"] = sorted({u[0] for u in uses})
                row["clauses"] = sorted({u[1] for u in uses})
            rows.append(row)
    return rows


_DEFAULT_POLICY = _default()
_DEFAULT_DIGEST = _DEFAULT_POLICY.digest if _DEFAULT_POLICY is not None else ""
RULES_BY_DIRECTION: dict[str, tuple[Rule, ...]] = (
    {k: tuple(REGISTRY[e.id] for e in d.rules) for k, d in _DEFAULT_POLICY.directions.items()}
    if _DEFAULT_POLICY is not None
    else {}
)
UNKNOWN_DIRECTION: tuple[Rule, ...] = (
    tuple(REGISTRY[e.id] for e in _DEFAULT_POLICY.unrecognised) if _DEFAULT_POLICY is not None else ()
)

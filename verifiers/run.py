"""Run a policy's rules on one application or on a batch of them.

Each finding carries the clause of the call its policy entry cites (``Finding.clause``).
A rule that raises on unexpected input does not stop the others: it becomes a ``review``
finding naming the rule and the error.
"""

from __future__ import annotations

from models.contract import ApplicationResult, Finding
from verifiers.base import RuleContext
from verifiers.policy import DEFAULT_POLICY, Policy, load_policy
from verifiers.registry import bound_batch_rules, bound_rules


def _error(rule_id: str, exc: Exception) -> Finding:
    return Finding(
        rule=rule_id,
        status="review",
        message=f"规则 {rule_id} 执行出错，需人工核对：{type(exc).__name__}: {exc}",
    )


def run_rules(app: ApplicationResult, policy: Policy | None = None) -> list[Finding]:
    """All findings of one application, per its direction (``app.direction``) in ``policy``."""
    pol = policy or load_policy(DEFAULT_POLICY)
    ctx = RuleContext.build(app, pol)
    out: list[Finding] = []
    for b in bound_rules(app.direction, pol):
        ctx.params, ctx.clause = b.params, b.clause
        try:
            got = b.rule(ctx)
        except Exception as exc:  # every failure becomes data
            got = [_error(b.rule.id, exc)]
        for f in got:
            if f.clause is None:
                f.clause = b.clause
        out.extend(got)
    ctx.params = ctx.clause = None
    return out


def run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]:
    """Batch-level findings for a list of applications (each with ``applications=[ids]``):
    the policy's ``[batch]`` rules."""
    pol = policy or load_policy(DEFAULT_POLICY)
    ctxs = [RuleContext.build(a, pol) for a in apps]
    out: list[Finding] = []
    for b in bound_batch_rules(pol):
        try:
            got = b.rule(ctxs, b.params)
        except Exception as exc:  # every failure becomes data
            got = [_error(b.rule.id, exc)]
            got[0].applications = sorted(a.application_id for a in apps)
        for f in got:
            if f.clause is None:
                f.clause = b.clause
        out.extend(got)
    return out

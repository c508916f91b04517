"""Run a policy's rules on one application or on a batch of them.

Each finding carries the clause of the call its policy entry cites (``Finding.clause``).
A rule that raises on unexpected input does not stop the others: it becomes a ``review``
finding naming the rule and the error.
"""

from __future__ import annotations

from models.contract import ApplicationResult, Finding
from verifiers.base import RuleContext, rule_error_finding
from verifiers.policy import DEFAULT_POLICY, Policy, load_policy
from verifiers.registry import bound_batch_rules, bound_rules


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
            got = [rule_error_finding(b.rule.id, exc)]
        for f in got:
            if f.clause is None:
                f.clause = b.clause
        out.extend(got)
    ctx.params = ctx.clause = None
    return out


def run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]:
    """Batch-level findings for a list of applications (each with ``applications=[ids]``):
    the policy's ``[batch]`` rules. A rule that raises does not stop the others (a ``review``
    finding naming the rule, the error and the batch's applications); an application whose
    context cannot be built gets a ``review`` finding and is left out of the comparisons."""
    pol = policy or load_policy(DEFAULT_POLICY)
    out: list[Finding] = []
    ctxs: list[RuleContext] = []
    for a in apps:
        try:
            ctxs.append(RuleContext.build(a, pol))
        except Exception as exc:  # every failure becomes data
            out.append(rule_error_finding("batch.context", exc, [a.application_id]))
    ids = sorted(c.app.application_id for c in ctxs)
    for b in bound_batch_rules(pol):
        try:
            got = b.rule(ctxs, b.params)
        except Exception as exc:  # every failure becomes data
            got = [rule_error_finding(b.rule.id, exc, ids)]
        for f in got:
            if f.clause is None:
                f.clause = b.clause
        out.extend(got)
    return out

"""Batch rules: findings across the applications of one batch (``applications=[ids]``).

They get the safety nets of single-application rules (:mod:`verifiers.base`): a rule that
raises becomes a ``review`` finding and the others go on; a ``fail`` resting on a
low-confidence machine-read value (the invoice number, the credit code) becomes ``review``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from extractor.normalize.names import company_key
from models.contract import DIRECTION_LABELS, ApplicationResult, EvidenceRef, FieldValue, Finding, Status
from verifiers.base import RuleContext, downgrade_low_confidence, rule_error_finding
from verifiers.invoice import invoice_key, purchase_invoices
from verifiers.policy import Policy


def unit_key(ctx: RuleContext) -> str | None:
    """Identity of the applying unit across applications: credit code, else normalised name."""
    a = ctx.applicant
    if a.credit_code:
        return a.credit_code
    return company_key(a.name) if a.name else None


def unit_values(ctx: RuleContext) -> list[FieldValue | None]:
    """The values that identify the unit (:func:`unit_key`): what a batch finding rests on."""
    a = ctx.applicant
    return [a.code_fv] if a.credit_code else [a.name_fv]


def batch_finding(
    ctxs: list[RuleContext],
    rule_id: str,
    status: Status,
    message: str,
    evidence: Iterable[EvidenceRef],
    applications: list[str],
    *,
    values: Iterable[FieldValue | None] = (),
    details: dict[str, Any] | None = None,
) -> Finding:
    """A batch finding; a ``fail`` resting on a low-confidence value becomes ``review``."""
    if ctxs:
        status, message = downgrade_low_confidence(status, message, values, ctxs[0].policy)
    return Finding(
        rule=rule_id,
        status=status,
        message=message,
        evidence=list(evidence),
        applications=applications,
        details=details,
    )


def _app_ref(ctx: RuleContext, key: str = "company_name") -> EvidenceRef:
    r = ctx.declared_ref(key).model_copy()
    r.application_id = ctx.app.application_id
    return r


def duplicate_invoices(ctxs: list[RuleContext]) -> list[Finding]:
    """The same invoice (code + number) claimed as a purchase by two applications → ``fail``."""
    seen: dict[str, list[tuple[RuleContext, EvidenceRef, list[FieldValue | None]]]] = {}
    for ctx in ctxs:
        for d in purchase_invoices(ctx):
            k = invoice_key(d)
            if not k:
                continue
            fv = d.fields.get("invoice_number")
            r = EvidenceRef(
                file=d.file,
                page=(fv.page if fv else None) or (d.pages[0] if d.pages else None),
                field="invoice_number",
                value=fv.value if fv else k,
                bbox=fv.bbox if fv else None,
                application_id=ctx.app.application_id,
            )
            seen.setdefault(k, []).append((ctx, r, [fv, d.fields.get("invoice_code")]))
    out: list[Finding] = []
    for k, hits in seen.items():
        apps = sorted({c.app.application_id for c, _, _ in hits})
        if len(apps) < 2:
            continue
        who = "、".join(
            f"{c.app.application_id}（{c.applicant.name or '—'}）"
            for c in {c.app.application_id: c for c, _, _ in hits}.values()
        )
        out.append(
            batch_finding(
                ctxs,
                "invoice.duplicate",
                "fail",
                f"发票 {k} 被 {len(apps)} 个申报同时用作佐证：{who}",
                [r for _, r, _ in hits],
                apps,
                values=[v for _, _, vs in hits for v in vs],
                details={"invoice": k},
            )
        )
    return out


def one_per_direction(ctxs: list[RuleContext]) -> list[Finding]:
    """「同一申报方向每个单位只能申报一个项目」."""
    groups: dict[tuple[str, str], list[RuleContext]] = {}
    for ctx in ctxs:
        u = unit_key(ctx)
        if u and ctx.direction:
            groups.setdefault((u, ctx.direction), []).append(ctx)
    out: list[Finding] = []
    for (_u, direction), cs in groups.items():
        if len(cs) < 2:
            continue
        ids = sorted(c.app.application_id for c in cs)
        out.append(
            batch_finding(
                ctxs,
                "batch.one_per_direction",
                "fail",
                f"单位「{cs[0].applicant.name or _u}」在「{DIRECTION_LABELS.get(direction, direction)}」方向申报 {len(cs)} 个项目（{'、'.join(ids)}），每个单位同一方向只能申报一个",
                [_app_ref(c) for c in cs],
                ids,
                values=[v for c in cs for v in unit_values(c)],
            )
        )
    if groups and not out:
        units = {u for u, _d in groups}
        out.append(
            Finding(
                rule="batch.one_per_direction",
                status="pass",
                message=f"本批 {len(units)} 个单位均未在同一方向重复申报",
                applications=sorted(c.app.application_id for cs in groups.values() for c in cs),
            )
        )
    return out


def product_scenario_exclusive(ctxs: list[RuleContext]) -> list[Finding]:
    """「软件优质产品和典型应用场景方向不能同时申报」."""
    by_unit: dict[str, list[RuleContext]] = {}
    for ctx in ctxs:
        u = unit_key(ctx)
        if u and ctx.direction in ("software_product", "application_scenario"):
            by_unit.setdefault(u, []).append(ctx)
    out: list[Finding] = []
    for u, cs in by_unit.items():
        if {c.direction for c in cs} != {"software_product", "application_scenario"}:
            continue
        ids = sorted(c.app.application_id for c in cs)
        out.append(
            batch_finding(
                ctxs,
                "batch.product_scenario_exclusive",
                "fail",
                f"单位「{cs[0].applicant.name or u}」同时申报软件优质产品和典型应用场景（{'、'.join(ids)}），两方向不能同时申报",
                [_app_ref(c) for c in cs],
                ids,
                values=[v for c in cs for v in unit_values(c)],
            )
        )
    if by_unit and not out:
        out.append(
            Finding(
                rule="batch.product_scenario_exclusive",
                status="pass",
                message=f"本批申报软件优质产品或典型应用场景的 {len(by_unit)} 个单位均未同时申报两方向",
                applications=sorted(c.app.application_id for cs in by_unit.values() for c in cs),
            )
        )
    return out


BatchRule = Callable[[list[RuleContext]], list[Finding]]

# (rule id, function): the ids are those of the findings each function returns
BATCH_RULES: list[tuple[str, BatchRule]] = [
    ("invoice.duplicate", duplicate_invoices),
    ("batch.one_per_direction", one_per_direction),
    ("batch.product_scenario_exclusive", product_scenario_exclusive),
]


def run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]:
    """Batch-level findings for a list of applications (each with ``applications=[ids]``).

    A rule that raises does not stop the others: it becomes a ``review`` finding naming the
    rule, the error and the batch's applications. An application whose context cannot be built
    gets a ``review`` finding and is left out of the comparisons.
    """
    from verifiers.policy import load_policy

    pol = policy or load_policy()
    out: list[Finding] = []
    ctxs: list[RuleContext] = []
    for a in apps:
        try:
            ctxs.append(RuleContext.build(a, pol))
        except Exception as exc:  # every failure becomes data
            out.append(rule_error_finding("batch.context", exc, [a.application_id]))
    ids = [c.app.application_id for c in ctxs]
    for rule_id, fn in BATCH_RULES:
        try:
            out.extend(fn(ctxs))
        except Exception as exc:  # every failure becomes data
            out.append(rule_error_finding(rule_id, exc, ids))
    return out

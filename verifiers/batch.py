"""Batch rules: findings across the applications of one batch (``applications=[ids]``)."""

from __future__ import annotations

from extractor.normalize.names import company_key
from models.contract import DIRECTION_LABELS, ApplicationResult, EvidenceRef, Finding
from verifiers.base import RuleContext
from verifiers.invoice import invoice_key, purchase_invoices
from verifiers.policy import Policy


def unit_key(ctx: RuleContext) -> str | None:
    """Identity of the applying unit across applications: credit code, else normalised name."""
    a = ctx.applicant
    if a.credit_code:
        return a.credit_code
    return company_key(a.name) if a.name else None


def _app_ref(ctx: RuleContext, key: str = "company_name") -> EvidenceRef:
    r = ctx.declared_ref(key).model_copy()
    r.application_id = ctx.app.application_id
    return r


def duplicate_invoices(ctxs: list[RuleContext]) -> list[Finding]:
    """The same invoice (code + number) claimed as a purchase by two applications → ``fail``."""
    seen: dict[str, list[tuple[RuleContext, EvidenceRef]]] = {}
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
            seen.setdefault(k, []).append((ctx, r))
    out: list[Finding] = []
    for k, hits in seen.items():
        apps = sorted({c.app.application_id for c, _ in hits})
        if len(apps) < 2:
            continue
        who = "、".join(
            f"{c.app.application_id}（{c.applicant.name or '—'}）"
            for c in {c.app.application_id: c for c, _ in hits}.values()
        )
        out.append(
            Finding(
                rule="invoice.duplicate",
                status="fail",
                message=f"发票 {k} 被 {len(apps)} 个申报同时用作佐证：{who}",
                evidence=[r for _, r in hits],
                applications=apps,
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
            Finding(
                rule="batch.one_per_direction",
                status="fail",
                message=f"单位「{cs[0].applicant.name or _u}」在「{DIRECTION_LABELS.get(direction, direction)}」方向申报 {len(cs)} 个项目（{'、'.join(ids)}），每个单位同一方向只能申报一个",
                evidence=[_app_ref(c) for c in cs],
                applications=ids,
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
            Finding(
                rule="batch.product_scenario_exclusive",
                status="fail",
                message=f"单位「{cs[0].applicant.name or u}」同时申报软件优质产品和典型应用场景（{'、'.join(ids)}），两方向不能同时申报",
                evidence=[_app_ref(c) for c in cs],
                applications=ids,
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


def run_batch_rules(apps: list[ApplicationResult], policy: Policy | None = None) -> list[Finding]:
    """Batch-level findings for a list of applications (each with ``applications=[ids]``)."""
    from verifiers.policy import load_policy

    pol = policy or load_policy()
    ctxs = [RuleContext.build(a, pol) for a in apps]
    return duplicate_invoices(ctxs) + one_per_direction(ctxs) + product_scenario_exclusive(ctxs)

"""Batch rules: findings across the applications of one batch (``applications=[ids]``).

They get the safety nets of single-application rules (:mod:`verifiers.base`): a rule that
raises becomes a ``review`` finding and the others go on; a ``fail`` resting on a
low-confidence machine-read value (the invoice number, the credit code) becomes ``review``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from extractor.normalize.names import company_key
from models.contract import Document, EvidenceRef, FieldValue, Finding, Status
from verifiers.base import RuleContext, as_text, batch_rule, downgrade_low_confidence
from verifiers.invoice import invoice_key, purchase_invoices
from verifiers.params import ExclusiveParams, ReuseParams

K = TypeVar("K")
H = TypeVar("H", bound=tuple)


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


def _doc_ref(ctx: RuleContext, d: Document, field: str, fallback: Any = None) -> EvidenceRef:
    """Evidence: ``field`` of document ``d`` of this application (its page and box when read)."""
    fv = d.fields.get(field)
    return EvidenceRef(
        file=d.file,
        page=(fv.page if fv else None) or (d.pages[0] if d.pages else None),
        field=field,
        value=fv.value if fv else fallback,
        bbox=fv.bbox if fv else None,
        application_id=ctx.app.application_id,
    )


def _shared(seen: dict[K, list[H]]) -> Iterator[tuple[K, list[H], list[str]]]:
    """The keys of ``seen`` found in two applications or more, with their hits (each hit's
    first item is its application's context) and the applications' ids."""
    for key, hits in seen.items():
        apps = sorted({h[0].app.application_id for h in hits})
        if len(apps) >= 2:
            yield key, hits, apps


def _all_clear(rule_id: str, message: str, applications: Iterable[str]) -> Finding:
    """The ``pass`` a batch rule reports when it compared applications and found nothing."""
    return Finding(rule=rule_id, status="pass", message=message, applications=sorted(applications))


@batch_rule("invoice.duplicate", name="发票未被多个申报重复使用", summary="同一发票未被多个申报同时用作佐证")
def duplicate_invoices(ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
    """The same invoice (code + number) claimed as a purchase by two applications → ``fail``."""
    seen: dict[str, list[tuple[RuleContext, EvidenceRef, list[FieldValue | None]]]] = {}
    for ctx in ctxs:
        for d in purchase_invoices(ctx):
            k = invoice_key(d)
            if not k:
                continue
            r = _doc_ref(ctx, d, "invoice_number", fallback=k)
            seen.setdefault(k, []).append(
                (ctx, r, [d.fields.get("invoice_number"), d.fields.get("invoice_code")])
            )
    out: list[Finding] = []
    for k, hits, apps in _shared(seen):
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


@batch_rule(
    "batch.one_per_direction",
    name="同一方向每个单位只申报一个项目",
    summary="同一单位在同一方向只申报一个项目",
)
def one_per_direction(ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
    """「同一申报方向每个单位只能申报一个项目」: one unit applies at most once per direction."""
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
                f"单位「{cs[0].applicant.name or _u}」在「{cs[0].policy.direction_label(direction)}」方向申报 {len(cs)} 个项目（{'、'.join(ids)}），每个单位同一方向只能申报一个",
                [_app_ref(c) for c in cs],
                ids,
                values=[v for c in cs for v in unit_values(c)],
            )
        )
    if groups and not out:
        units = {u for u, _d in groups}
        out.append(
            _all_clear(
                "batch.one_per_direction",
                f"本批 {len(units)} 个单位均未在同一方向重复申报",
                (c.app.application_id for cs in groups.values() for c in cs),
            )
        )
    return out


def exclusive(ctxs: list[RuleContext], params: Any, rid: str = "batch.exclusive") -> list[Finding]:
    """No unit applies for two of the ``directions`` (parameters) in one call."""
    dirs = tuple(getattr(params, "directions", None) or ExclusiveParams().directions)
    by_unit: dict[str, list[RuleContext]] = {}
    for ctx in ctxs:
        u = unit_key(ctx)
        if u and ctx.direction in dirs:
            by_unit.setdefault(u, []).append(ctx)
    labels = (lambda d: ctxs[0].policy.direction_label(d)) if ctxs else str
    out: list[Finding] = []
    for u, cs in by_unit.items():
        got = sorted({c.direction for c in cs if c.direction}, key=dirs.index)
        if len(got) < 2:
            continue
        ids = sorted(c.app.application_id for c in cs)
        names = "和".join(labels(d) for d in got)
        out.append(
            batch_finding(
                ctxs,
                rid,
                "fail",
                f"单位「{cs[0].applicant.name or u}」同时申报{names}（{'、'.join(ids)}），两方向不能同时申报",
                [_app_ref(c) for c in cs],
                ids,
                values=[v for c in cs for v in unit_values(c)],
            )
        )
    if by_unit and not out:
        names = "或".join(labels(d) for d in dirs)
        out.append(
            _all_clear(
                rid,
                f"本批申报{names}的 {len(by_unit)} 个单位均未同时申报两方向",
                (c.app.application_id for cs in by_unit.values() for c in cs),
            )
        )
    return out


@batch_rule(
    "batch.product_scenario_exclusive",
    name="软件优质产品与典型应用场景不同时申报",
    summary="同一单位不同时申报软件优质产品和典型应用场景",
    params=ExclusiveParams,
)
def product_scenario_exclusive(ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
    """「软件优质产品和典型应用场景方向不能同时申报」: no unit applies for both directions."""
    return exclusive(ctxs, params, "batch.product_scenario_exclusive")


@batch_rule(
    "batch.exclusive",
    name="互斥方向不同时申报",
    summary="同一单位不同时申报所列的几个方向",
    params=ExclusiveParams,
)
def exclusive_directions(ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
    """No unit applies for two of the listed directions (``directions``) in one call."""
    return exclusive(ctxs, params, "batch.exclusive")


@batch_rule(
    "batch.document_reused",
    name="同一材料未被多个申报重复使用",
    summary="同一份材料（按关键字段识别）未被多个申报使用",
    params=ReuseParams,
)
def document_reused(ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
    """The same document of ``doc_type`` (same ``key_fields`` values) in two applications → ``fail``."""
    assert isinstance(params, ReuseParams)
    seen: dict[tuple[str, ...], list[tuple[RuleContext, EvidenceRef]]] = {}
    values: dict[tuple[str, ...], list[FieldValue | None]] = {}
    for ctx in ctxs:
        for d in ctx.docs(params.doc_type):
            key = tuple(as_text(d.fields.get(k)).strip() for k in params.key_fields)
            if not all(key):
                continue
            values.setdefault(key, []).extend(d.fields.get(k) for k in params.key_fields)
            seen.setdefault(key, []).append((ctx, _doc_ref(ctx, d, params.key_fields[0])))
    out: list[Finding] = []
    label = ctxs[0].policy.doc_type_label(params.doc_type) if ctxs else params.doc_type
    for key, hits, apps in _shared(seen):
        out.append(
            batch_finding(
                ctxs,
                "batch.document_reused",
                "fail",
                f"{label} {' '.join(key)} 被 {len(apps)} 个申报同时用作佐证：{'、'.join(apps)}",
                [r for _, r in hits],
                apps,
                values=values[key],  # a key read with low confidence: review, not fail
                details={"doc_type": params.doc_type, "key": list(key)},
            )
        )
    if seen and not out:
        out.append(
            _all_clear(
                "batch.document_reused",
                f"本批 {len(seen)} 份{label}均未被多个申报重复使用",
                {c.app.application_id for hs in seen.values() for c, _ in hs},
            )
        )
    return out

"""Scenario rule: a consortium (联合体) has at most the policy's number of members."""

from __future__ import annotations

from extractor.normalize.names import company_key
from models.contract import Finding
from verifiers.base import RuleContext, as_text, rule
from verifiers.params import ConsortiumParams


def consortium_names(ctx: RuleContext) -> list[str] | None:
    """Distinct member names of the declared consortium, the applicant included; None when the
    form declares no ``consortium_members`` (an added application_form field: a list of
    ``{"name": ..., "role": ...}`` objects or of names)."""
    raw = ctx.declared("consortium_members")
    if raw is None or raw == "":
        return None
    items = raw if isinstance(raw, list) else [raw]
    names: dict[str, str] = {}
    if ctx.applicant.name:
        names[company_key(ctx.applicant.name)] = ctx.applicant.name
    for it in items:
        name = as_text(it.get("name")) if isinstance(it, dict) else as_text(it)
        if name.strip():
            names.setdefault(company_key(name), name.strip())
    return list(names.values())


@rule(
    "scenario.consortium_size",
    name="联合体成员不超过上限",
    summary="联合体成员（含申报单位）不超过上限",
    params=ConsortiumParams,
)
def consortium_size(ctx: RuleContext) -> list[Finding]:
    """「以联合体形式申报，联合体成员数量不超过3家」: the declared consortium, the applicant
    included, has at most ``scenario.consortium_max`` members."""
    names = consortium_names(ctx)
    if names is None:
        return []
    rid = "scenario.consortium_size"
    mx = ctx.param("max", ctx.policy.scenario.consortium_max)
    refs = [ctx.declared_ref("consortium_members")]
    listed = "、".join(names)
    if len(names) <= mx:
        return [ctx.finding(rid, "pass", f"联合体成员 {len(names)} 家（{listed}），不超过 {mx} 家", refs)]
    return [
        ctx.finding(
            rid,
            "fail",
            f"联合体成员 {len(names)} 家（{listed}），超过 {mx} 家上限",
            refs,
            values=[ctx.declared_fv("consortium_members")],
            details={"members": names},
        )
    ]

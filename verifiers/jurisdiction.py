"""Jurisdiction rule: the applicant operates in the region of the call (泉州市)."""

from __future__ import annotations

from extractor.normalize.names import normalize_name
from models.contract import EvidenceRef, Finding
from verifiers.base import RuleContext, as_text, ref, rule


def place_in_region(ctx: RuleContext, address: str) -> str | None:
    """The first place name of the policy region found in ``address`` (NFKC, no spaces), or None.

    >>> from verifiers.policy import load_policy
    >>> from models.contract import ApplicationResult
    >>> ctx = RuleContext.build(ApplicationResult(application_id="x"), load_policy())
    >>> place_in_region(ctx, "福建省晋江市经济开发区（五里园）"), place_in_region(ctx, "青岛市市南区泉州路8号")
    ('晋江市', None)
    """
    s = normalize_name(address)
    for place in ctx.policy.region.place_names:
        if normalize_name(place) in s:
            return place
    return None


@rule(
    "jurisdiction.local",
    name="申报单位在辖区内",
    summary="单位地址在本地区内，统一社会信用代码行政区划码属本地区（仅代码不符时提示关注）",
)
def local(ctx: RuleContext) -> list[Finding]:
    """「申报主体应当在辖区内从事生产经营活动」: the address on the form/licence lies in the region
    (policy place names) and the registration area code inside the credit code (chars 3-8)
    starts with the region's prefix (3505). Address outside → ``fail``; address inside but the
    code elsewhere (moved, or registered by a provincial authority) → ``warn``.
    """
    rid = "jurisdiction.local"
    region = ctx.policy.region
    addresses: list[tuple[str, EvidenceRef]] = []
    declared = as_text(ctx.declared("address"))
    if declared:
        addresses.append((declared, ctx.declared_ref("address")))
    lic = ctx.licence
    if lic is not None and as_text(lic.fields.get("address")):
        addresses.append((as_text(lic.fields["address"]), ref(lic, "address")))
    code = ctx.applicant.credit_code
    area = code[2:8] if code and len(code) == 18 else None
    code_local = area.startswith(region.admin_code_prefix) if area else None
    code_refs = [ctx.applicant.code_ref] if ctx.applicant.code_ref else []

    if not addresses:
        if area is None:
            return []
        if code_local:
            return [
                ctx.finding(
                    rid,
                    "review",
                    f"未识别到单位地址；统一社会信用代码登记管理机关行政区划码 {area} 属{region.name}，请核对住所",
                    code_refs,
                )
            ]
        return [
            ctx.finding(
                rid,
                "fail",
                f"未识别到单位地址，统一社会信用代码登记管理机关行政区划码 {area} 不属{region.name}（{region.admin_code_prefix}xx）",
                code_refs,
                values=[ctx.applicant.code_fv],
            )
        ]

    outside = [(a, r) for a, r in addresses if place_in_region(ctx, a) is None]
    if outside:
        a, r = outside[0]
        return [
            ctx.finding(
                rid,
                "fail",
                f"单位地址「{a}」不在{region.name}辖区内",
                [r, *code_refs],
                values=[ctx.declared_fv("address"), lic.fields.get("address") if lic is not None else None],
            )
        ]
    a, r = addresses[0]
    place = place_in_region(ctx, a)
    if code_local is False:
        return [
            ctx.finding(
                rid,
                "warn",
                f"单位地址「{a}」位于{place}，但统一社会信用代码登记管理机关行政区划码 {area} 不属{region.name}"
                f"（{region.admin_code_prefix}xx），请核对是否迁入或由上级机关登记",
                [r, *code_refs],
            )
        ]
    tail = f"，统一社会信用代码行政区划码 {area} 属{region.name}" if code_local else ""
    return [
        ctx.finding(
            rid,
            "pass",
            f"单位地址「{a}」位于{region.name}{'' if place == region.name else place}{tail}",
            [x[1] for x in addresses] + code_refs,
        )
    ]


def code_in_region(ctx: RuleContext, code: str | None) -> tuple[bool | None, str | None]:
    """Whether a credit code's registration area (chars 3-8) lies in the policy region:
    ``(True/False, area)``, or ``(None, None)`` without a full code."""
    area = code[2:8] if code and len(code) == 18 else None
    if area is None:
        return None, None
    return area.startswith(ctx.policy.region.admin_code_prefix), area


def party_in_region(
    ctx: RuleContext, name: str, code: str | None, address: str = ""
) -> tuple[bool | None, str]:
    """Is a party (name, credit code, address if known) inside the policy region?

    ``(verdict, reason)``: the credit code's area decides when present; otherwise a place of
    the region in the address or the name (泉州XX科技有限公司); ``None`` when nothing tells.
    """
    region = ctx.policy.region
    inside, area = code_in_region(ctx, code)
    place = place_in_region(ctx, address) if address else None
    place = place or place_in_region(ctx, name)
    if place is None:
        # a company name carries the place without its suffix: 泉州XX公司, 晋江XX公司
        short = normalize_name(name or "")
        for p in (region.name, *region.place_names):
            stem = normalize_name(p)
            stem = stem[:-1] if len(stem) >= 3 and stem[-1] in "市县区" else stem
            if len(stem) >= 2 and stem in short:
                place = p
                break
    if inside is not None:
        where = f"统一社会信用代码行政区划码 {area} {'属' if inside else '不属'}{region.name}"
        return inside, where + (f"，名称/地址含「{place}」" if place else "")
    if place is not None:
        return True, f"名称/地址含「{place}」"
    return None, "未识别统一社会信用代码，名称/地址中也无本地地名"

"""Jurisdiction rule: the applicant operates in the region of the call (泉州市).

Addresses are resolved to GB/T 2260 division codes (:mod:`extractor.normalize.region`) and
compared with the policy's region codes (``[region] codes``, 3505 = 泉州市), never by
substring: 漳州台商投资区 is 3506, and the 泉州路 of a 青岛 address is a street. The
registration area inside the credit code (chars 3-8) is the cross-check.
"""

from __future__ import annotations

from extractor.normalize import normalize_name
from extractor.normalize import region as gb2260
from models.contract import EvidenceRef, Finding
from verifiers.base import RuleContext, as_text, ref, rule


def region_codes(ctx: RuleContext) -> tuple[str, ...]:
    """The policy region as division codes (``codes``, else ``admin_code_prefix``)."""
    r = ctx.policy.region
    return tuple(getattr(r, "codes", ()) or ()) or (r.admin_code_prefix,)


def address_division(address: str) -> gb2260.Division | None:
    """The division an address names (province, city or county), or None."""
    return gb2260.resolve(address)


def place_in_region(ctx: RuleContext, address: str) -> str | None:
    """The name of the division of ``address`` when it lies in the policy region, else None.

    >>> from verifiers.policy import load_policy
    >>> from models.contract import ApplicationResult
    >>> ctx = RuleContext.build(ApplicationResult(application_id="x"), load_policy())
    >>> place_in_region(ctx, "福建省晋江市经济开发区（五里园）"), place_in_region(ctx, "青岛市市南区泉州路8号")
    ('晋江市', None)
    >>> place_in_region(ctx, "福建省漳州台商投资区"), place_in_region(ctx, "福建省泉州台商投资区")
    (None, '泉州市')
    """
    d = address_division(address)
    if d is not None and gb2260.locality(d.code, region_codes(ctx)) == "local":
        return d.name
    return None


def _area_text(area: str) -> str:
    d = gb2260.lookup(area)
    return f"{area}（{d.full_name}）" if d else area


@rule(
    "jurisdiction.local",
    name="申报单位在辖区内",
    summary="单位地址在本地区内，统一社会信用代码行政区划码属本地区（仅代码不符时提示关注）",
)
def local(ctx: RuleContext) -> list[Finding]:
    """「申报主体应当在辖区内从事生产经营活动」: the address on the form/licence resolves to a
    division inside the region's codes (3505), and the registration area code inside the
    credit code (chars 3-8) lies there too. Address in another division → ``fail``; address
    inside but the code elsewhere (moved, or registered by a provincial authority) → ``warn``;
    an address naming no division (台商投资区 alone, a bare street) → decided by the credit
    code's area: ``review`` when local, ``fail`` when not.
    """
    rid = "jurisdiction.local"
    region = ctx.policy.region
    codes = region_codes(ctx)
    codes_text = "、".join(f"{c}xx" for c in codes)
    addresses: list[tuple[str, EvidenceRef]] = []
    declared = as_text(ctx.declared("address"))
    if declared:
        addresses.append((declared, ctx.declared_ref("address")))
    lic = ctx.licence
    if lic is not None and as_text(lic.fields.get("address")):
        addresses.append((as_text(lic.fields["address"]), ref(lic, "address")))
    code = ctx.applicant.credit_code
    area = code[2:8] if code and len(code) == 18 else None
    code_local = gb2260.locality(area, codes) == "local" if area else None
    code_refs = [ctx.applicant.code_ref] if ctx.applicant.code_ref else []
    address_values = [ctx.declared_fv("address"), lic.fields.get("address") if lic is not None else None]

    resolved = [(a, r, address_division(a)) for a, r in addresses]
    placed = [(a, r, d, gb2260.locality(d.code if d else None, codes)) for a, r, d in resolved]

    outside = [(a, r, d) for a, r, d, loc in placed if loc == "outside"]
    if outside:
        a, r, d = outside[0]
        where = f"位于{d.full_name}（行政区划码 {d.code}），" if d else ""
        return [
            ctx.finding(
                rid,
                "fail",
                f"单位地址「{a}」{where}不在{region.name}辖区内",
                [r, *code_refs],
                values=address_values,
                details={"division": d.code if d else None},
            )
        ]

    local_hits = [(a, r, d) for a, r, d, loc in placed if loc == "local"]
    if not local_hits:
        if not addresses and area is None:
            return []
        what = (
            f"单位地址「{addresses[0][0]}」未能定位到{region.name}的区县（地址未写明所在市、县）"
            if addresses
            else "未识别到单位地址"
        )
        if area is None:
            return [
                ctx.finding(
                    rid, "review", f"{what}，且无统一社会信用代码可核对，请人工核对住所", [addresses[0][1]]
                )
            ]
        if code_local:
            return [
                ctx.finding(
                    rid,
                    "review",
                    f"{what}；统一社会信用代码登记管理机关行政区划码 {_area_text(area)} 属{region.name}，请核对住所",
                    [*(x[1] for x in addresses), *code_refs],
                )
            ]
        return [
            ctx.finding(
                rid,
                "fail",
                f"{what}，统一社会信用代码登记管理机关行政区划码 {_area_text(area)} 不属{region.name}（{codes_text}）",
                [*(x[1] for x in addresses), *code_refs],
                values=[ctx.applicant.code_fv, *address_values],
            )
        ]

    a, r, d = local_hits[0]
    place = d.name
    if area is not None and not code_local:
        return [
            ctx.finding(
                rid,
                "warn",
                f"单位地址「{a}」位于{place}，但统一社会信用代码登记管理机关行政区划码 {_area_text(area)} 不属{region.name}"
                f"（{codes_text}），请核对是否迁入或由上级机关登记",
                [r, *code_refs],
            )
        ]
    tail = f"，统一社会信用代码行政区划码 {_area_text(area)} 属{region.name}" if code_local else ""
    return [
        ctx.finding(
            rid,
            "pass",
            f"单位地址「{a}」位于{d.full_name}（行政区划码 {d.code}）{tail}",
            [x[1] for x in addresses] + code_refs,
            details={"division": d.code},
        )
    ]


def code_in_region(ctx: RuleContext, code: str | None) -> tuple[bool | None, str | None]:
    """Whether a credit code's registration area (chars 3-8) lies in the policy region:
    ``(True/False, area)``, or ``(None, None)`` without a full code."""
    area = code[2:8] if code and len(code) == 18 else None
    if area is None:
        return None, None
    return any(area.startswith(c) for c in region_codes(ctx)), area


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

"""Evidence rules: every file was read, the attachments the notice requires are present."""

from __future__ import annotations

from models.contract import Finding
from verifiers.base import RuleContext, doc_ref, rule


@rule(
    "evidence.readable",
    name="材料均可读取",
    summary="每个文件均已读取；无法读取、加密或损坏的文件列为需人工复核并说明原因",
)
def readable(ctx: RuleContext) -> list[Finding]:
    """Every file was read; an unreadable, encrypted or corrupt one is ``review`` with its reason.

    No notice clause: a reviewer cannot verify what the machine could not read.
    """
    out: list[Finding] = []
    bad = [d for d in ctx.app.documents if d.errors]
    for d in bad:
        out.append(
            ctx.finding(
                "evidence.readable",
                "review",
                f"文件 {d.file} 未能完整读取：" + "；".join(d.errors),
                [doc_ref(d)],
                details={"errors": list(d.errors)},
            )
        )
    if ctx.app.documents and not bad:
        files = sorted({d.file for d in ctx.app.documents})
        notes = [f"{d.file}：{w}" for d in ctx.app.documents for w in d.warnings]
        out.append(
            ctx.finding(
                "evidence.readable",
                "pass",
                f"共 {len(files)} 个文件、{len(ctx.app.documents)} 份材料均已读取"
                + (f"（提示：{'；'.join(notes)}）" if notes else ""),
                [doc_ref(d) for d in ctx.app.documents],
            )
        )
    return out


@rule(
    "evidence.required_present",
    name="应附材料齐全",
    summary="本方向应附的各类材料均已提供，缺少的每类材料各列一条「缺少材料」",
)
def required_present(ctx: RuleContext) -> list[Finding]:
    """「附件及相关佐证材料」: one ``missing`` finding per required kind that is absent.

    Required kinds per direction are policy data (``[directions.*].required``); the notice's
    supporting material (「相关专利、获奖证书」, self-evaluation reports…) is noted, never required.
    """
    required = ctx.policy.required_for(ctx.direction)
    pol = ctx.policy
    if not required:
        offered = "、".join(d.label for d in pol.directions.values())
        if ctx.direction:
            msg = f"申报方向「{ctx.direction}」不是本次申报通知（{pol.name}）的方向（{offered}），不能核对应附材料"
        else:
            msg = f"申报表中未识别到本次申报通知（{pol.name}）的申报方向（{offered}），不能核对应附材料"
        return [ctx.finding("evidence.required_present", "review", msg, [ctx.declared_ref("direction")])]
    label = pol.direction_label(ctx.direction)
    out: list[Finding] = []
    for t in required:
        docs = ctx.docs(t)
        name = pol.doc_type_label(t)
        if docs:
            files = "、".join(sorted({d.file for d in docs}))
            out.append(
                ctx.finding(
                    "evidence.required_present",
                    "pass",
                    f"{label}方向应附「{name}」：已提供 {len(docs)} 份（{files}）",
                    [doc_ref(d) for d in docs],
                    details={"doc_type": t, "count": len(docs)},
                )
            )
        else:
            out.append(
                ctx.finding(
                    "evidence.required_present",
                    "missing",
                    f"{label}方向应附「{name}」，未在申报材料中找到",
                    [],
                    details={"doc_type": t},
                )
            )
    supporting = [t for t in pol.supporting_for(ctx.direction) if t not in required and ctx.docs(t)]
    if supporting:
        parts = [f"{pol.doc_type_label(t)} {len(ctx.docs(t))} 份" for t in supporting]
        out.append(
            ctx.finding(
                "evidence.required_present",
                "pass",
                "另附佐证材料（非必需，供参考）：" + "、".join(parts),
                [doc_ref(d) for t in supporting for d in ctx.docs(t)],
                details={"supporting": {t: len(ctx.docs(t)) for t in supporting}},
            )
        )
    return out

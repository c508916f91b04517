"""A policy as a reviewer's checklist (``evreview policy show``), also the 使用说明 a bureau prints."""

from __future__ import annotations

from verifiers.policy import Policy
from verifiers.registry import Bound, bound_batch_rules, bound_rules


def condition(b: Bound, policy: Policy) -> str:
    """One condition in words: the rule's name, its parameters in words, its clause."""
    words = b.params.words(policy) if hasattr(b.params, "words") else ""
    head = f"{b.rule.name or b.rule.id}" + (f"：{words}" if words else "")
    return f"{head}  〔{b.rule.id}〕  依据：{b.clause}"


def checklist(policy: Policy) -> str:
    """The call: title, period, region, then per direction its evidence and conditions."""
    lines = [
        policy.notice_title,
        f"政策文件：{policy.name}（sha256 {policy.digest[:16]}）",
        f"申报期间：{policy.period.start} 至 {policy.period.end}；属地：{policy.region.name}"
        f"（统一社会信用代码行政区划码 {policy.region.admin_code_prefix}xx）；上年度：{policy.fiscal_year} 年",
    ]
    if policy.doc_types:
        lines.append("本通知新增的材料类型：")
        for k, t in policy.doc_types.items():
            fields = "、".join(f"{f}（{'/'.join(s.labels)}）" for f, s in t.fields.items())
            lines.append(
                f"  · {t.label}〔{k}〕：标题 {'/'.join(t.titles)}" + (f"；读取 {fields}" if fields else "")
            )
    for i, (key, d) in enumerate(policy.directions.items(), 1):
        lines += ["", f"{i}. {d.label}〔{key}〕  申报表勾选：{'/'.join(d.words or (d.label,))}"]
        lines.append("   应附材料：")
        lines += [f"     □ {policy.doc_type_label(t)}" for t in d.required]
        sup = [t for t in policy.supporting_for(key) if t not in d.required]
        if sup:
            lines.append("   佐证材料（非必需）：" + "、".join(policy.doc_type_label(t) for t in sup))
        lines.append("   核验条件：")
        lines += [f"     □ {condition(b, policy)}" for b in bound_rules(key, policy)]
    batch = bound_batch_rules(policy)
    if batch:
        lines += ["", "跨申报核验（整批）："]
        lines += [f"     □ {condition(b, policy)}" for b in batch]
    return "\n".join(lines)

"""Audit rule: the audit report / financial statements are the applicant's, for the last year."""

from __future__ import annotations

import re

from models.contract import Document, Finding
from verifiers.base import RuleContext, as_date, as_text, doc_label, ref, rule
from verifiers.params import AuditParams


def fiscal_year_of(doc: Document) -> int | None:
    """The fiscal year a report covers: its ``fiscal_year`` field (2023, "2023", "2023年度",
    "2023-12-31"); None when not read.

    >>> from models.contract import FieldValue
    >>> fiscal_year_of(Document(file="a.pdf", sha256="0", doc_type="audit_report",
    ...                         fields={"fiscal_year": FieldValue(value="2023年度")}))
    2023
    """
    fv = doc.fields.get("fiscal_year")
    if fv is None:
        return None
    v = fv.value
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    d = as_date(v)
    if d is not None:
        return d.year
    m = re.search(r"(19|20)\d{2}", as_text(v))
    return int(m.group(0)) if m else None


@rule(
    "audit.covers_last_year",
    name="上年度审计报告",
    summary="审计报告/财务报表为申报单位上年度的",
    params=AuditParams,
)
def covers_last_year(ctx: RuleContext) -> list[Finding]:
    """「上年度财务审计报告或相关财务报表」: at least one audit report / statement covers the policy's
    fiscal year (2023) and names the applicant as the audited entity. Reports of other years are
    noted; ``fail`` only when none covers the year for the applicant.
    """
    rid = "audit.covers_last_year"
    reports = ctx.docs("audit_report")
    if not reports:
        return []
    fy = ctx.param("fiscal_year", ctx.policy.fiscal_year)
    good: list[Document] = []
    near: list[tuple[Document, str]] = []
    unknown: list[tuple[Document, str]] = []
    bad: list[tuple[Document, str]] = []
    for d in reports:
        year = fiscal_year_of(d)
        entity = as_text(d.fields.get("audited_entity"))
        if year is None:
            unknown.append((d, "未识别审计年度"))
            continue
        if year != fy:
            bad.append((d, f"审计年度为 {year} 年，不是 {fy} 年度"))
            continue
        if not entity:
            unknown.append((d, f"{fy} 年度，但未识别被审计单位"))
            continue
        m = ctx.name_match(entity)
        if m.kind == "same":
            good.append(d)
        elif m.kind == "near":
            near.append(
                (
                    d,
                    f"被审计单位「{entity}」与申报单位「{ctx.applicant.name}」{m.note}（相似度 {m.score:.0f}）",
                )
            )
        else:
            bad.append(
                (d, f"被审计单位「{entity}」不是申报单位「{ctx.applicant.name}」（相似度 {m.score:.0f}）")
            )

    def refs(docs: list[Document]) -> list:
        return [ref(d, k) for d in docs for k in ("fiscal_year", "audited_entity") if k in d.fields] or [
            ref(d, "title") for d in docs
        ]

    if good:
        others = (
            f"；另附其他年度/单位报告 {len(bad) + len(near) + len(unknown)} 份"
            if (bad or near or unknown)
            else ""
        )
        names = "、".join(doc_label(d) for d in good)
        return [
            ctx.finding(rid, "pass", f"{names}：为申报单位 {fy} 年度审计报告/财务报表{others}", refs(good))
        ]
    if near:
        return [
            ctx.finding(
                rid,
                "warn",
                "；".join(f"{doc_label(d)}：{why}，请核对" for d, why in near),
                refs([d for d, _ in near]),
            )
        ]
    if unknown:
        return [
            ctx.finding(
                rid,
                "review",
                "；".join(f"{doc_label(d)}：{why}" for d, why in unknown) + "，需人工核对",
                refs([d for d, _ in unknown]),
            )
        ]
    values = [d.fields.get(k) for d, _ in bad for k in ("fiscal_year", "audited_entity")]
    return [
        ctx.finding(
            rid,
            "fail",
            f"未提供申报单位 {fy} 年度审计报告/财务报表："
            + "；".join(f"{doc_label(d)}：{why}" for d, why in bad),
            refs([d for d, _ in bad]),
            values=values,
        )
    ]

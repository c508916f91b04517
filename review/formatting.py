"""How a finding reads for a reviewer: values shown (QR payloads decoded, lists joined), where
a compared value comes from, audit rows in Chinese, the evidence zoomed on its page."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image

from extractor.qr import QR_TYPE_NAMES, parse_invoice_qr
from models.contract import ApplicationResult, EvidenceRef, Finding
from models.vocab import DOC_TYPE_LABELS, FIELD_LABELS, VERDICT_LABELS
from review.rulenames import rule_info
from review.store import DECISION_LABELS, REVIEW_STATUS_LABELS, fmt_time
from review.view import jsonable, lookup_field


def readable_qr(value: Any) -> str:
    """An invoice QR payload, or what a licence's QR registers, as a reviewer reads it (not a
    raw dict or comma list).

    >>> readable_qr("01,10,034012000211,75505018,29.43,20210428,57948816702740209571,34F1")
    '增值税电子普通发票；发票代码 034012000211；发票号码 75505018；金额 29.43；开票日期 2021-04-28；校验码 57948816702740209571'
    >>> readable_qr({"invoice_number": "123", "amount": "1.00", "issue_date": "2023-05-01"})
    '发票号码 123；金额 1.00；开票日期 2023-05-01'
    >>> readable_qr({"registration_no": "410702000021739", "company_name": "新乡市某某网络科技有限公司", "raw": "注册号:…"})
    '名称 新乡市某某网络科技有限公司；注册号 410702000021739'
    """
    q: Any = value
    if isinstance(value, str):
        q = parse_invoice_qr(value)
        if q is None:
            return value
    if not isinstance(q, dict):
        return str(value)
    q = jsonable(q)
    kind = q.get("type_name") or QR_TYPE_NAMES.get(str(q.get("type") or ""), "")
    parts = [str(kind)] if kind else []
    for key, label in (
        ("invoice_code", "发票代码"),
        ("invoice_number", "发票号码"),
        ("amount", "金额"),
        ("issue_date", "开票日期"),
        ("check_code", "校验码"),
        # a business licence's QR record (extractor.fields.license_qr.qr_identity)
        ("company_name", "名称"),
        ("credit_code", "统一社会信用代码"),
        ("registration_no", "注册号"),
    ):
        v = q.get(key)
        if v not in (None, ""):
            parts.append(f"{label} {v}")
    return "；".join(parts) if parts else str(value)


def display_value(field_name: str | None, value: Any) -> str:
    """A value as shown on the review page (QR payloads decoded, lists joined)."""
    if value is None or value == "":
        return "（空）"
    if field_name and field_name.startswith("qr"):
        return readable_qr(value)
    v = jsonable(value)
    if isinstance(v, list):
        return "；".join(
            "、".join(f"{x}" for x in item.values()) if isinstance(item, dict) else str(item) for item in v
        )
    if isinstance(v, dict):
        return "；".join(f"{k} {x}" for k, x in v.items())
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def evidence_source(app: ApplicationResult, ev: EvidenceRef) -> str:
    """Where a compared value comes from: 申报表 / 票面 / 二维码 / 回单 / 合同 …"""
    if ev.field and ev.field.startswith("qr"):
        return "二维码"
    doc = next(
        (
            d
            for d in app.documents
            if d.file == ev.file and (ev.page is None or not d.pages or ev.page in d.pages)
        ),
        None,
    )
    if doc is None:
        return "申报表" if not ev.file else ev.file
    return {"invoice": "票面", "payment_voucher": "回单", "application_form": "申报表"}.get(
        doc.doc_type, DOC_TYPE_LABELS.get(doc.doc_type, doc.doc_type)
    )


def compared_values(app: ApplicationResult, finding: Finding) -> list[dict[str, str]]:
    """The values a finding compares, one entry per evidence item, for side-by-side display."""
    out = []
    for ev in finding.evidence:
        if ev.field is None and ev.value is None:
            continue
        fv = (
            lookup_field(app, ev)
            if not ev.application_id or ev.application_id == app.application_id
            else None
        )
        value = ev.value if ev.value is not None else (fv.value if fv else None)
        place = ev.file or ""
        if ev.page:
            place += f" 第 {ev.page} 页"
        if ev.application_id and ev.application_id != app.application_id:
            place = f"申报 {ev.application_id}：{place}"
        out.append(
            {
                "source": evidence_source(app, ev),
                "label": FIELD_LABELS.get(ev.field or "", ev.field or "值"),
                "value": display_value(ev.field, value),
                "place": place,
            }
        )
    return out


_AUDIT_ACTIONS = {
    "intake": "导入",
    "decision:confirmed": "确认问题",
    "decision:false_positive": "标为误报",
    "decision:corrected": "更正数值",
    "status": "审核状态",
    "order": "推荐顺序",
    "archive": "归档",
    "unarchive": "取消归档",
    "recommend": "仍推荐列入附件2",
    "unrecommend": "撤回推荐",
}


def describe_audit(entry: dict[str, Any]) -> dict[str, str]:
    """One audit row in Chinese: Beijing time, who, what, old → new.

    >>> describe_audit({"time": "2026-12-06T01:00:00+00:00", "actor": "张", "action": "order",
    ...                 "detail": {"from": None, "to": 2}})["详情"]
    '推荐顺序：未排序 → 2'
    """
    action = str(entry.get("action") or "")
    d = entry.get("detail") or {}
    what = _AUDIT_ACTIONS.get(action, action)
    detail = ""
    if action == "intake":
        verdict = d.get("verdict")
        detail = f"来源：{d.get('source') or '—'}；{d.get('files', 0)} 个文件；系统结论：{VERDICT_LABELS.get(verdict, verdict)}"
    elif action.startswith("decision:") and action != "decision:corrected":
        rule = d.get("rule")
        name = rule_info(rule).name if rule else "问题"
        old = DECISION_LABELS.get(d.get("from") or "", "未决定")
        new = DECISION_LABELS.get(d.get("to") or action.split(":", 1)[1], "")
        who = f"（原决定人：{d['from_reviewer']}）" if d.get("from_reviewer") else ""
        detail = f"{name}：{old} → {new}{who}" + (f"；理由：{d['reason']}" if d.get("reason") else "")
    elif action == "decision:corrected":
        c = d.get("correction") or {}
        label = FIELD_LABELS.get(str(c.get("field")), str(c.get("field")))
        detail = f"{label}：「{fmt_value(c.get('previous'))}」→「{fmt_value(c.get('value'))}」"
        if d.get("reason"):
            detail += f"；理由：{d['reason']}"
        if d.get("affected"):
            detail += f"；影响已决定的问题 {len(d['affected'])} 条（决定保留）"
    elif action == "status":
        detail = (
            f"{REVIEW_STATUS_LABELS.get(d.get('from') or '', d.get('from') or '—')} → "
            f"{REVIEW_STATUS_LABELS.get(d.get('status') or '', d.get('status') or '')}"
        )
    elif action == "order":
        detail = f"推荐顺序：{d.get('from') if d.get('from') is not None else '未排序'} → {d.get('to') if d.get('to') is not None else '未排序'}"
    elif action in ("archive", "unarchive"):
        detail = "在列 → 已归档" if action == "archive" else "已归档 → 在列"
    elif action in ("recommend", "unrecommend"):
        detail = ("未推荐 → 推荐" if action == "recommend" else "推荐 → 撤回") + (
            f"；理由：{d['reason']}" if d.get("reason") else ""
        )
    return {
        "时间": fmt_time(entry.get("time")),
        "操作人": str(entry.get("actor") or ""),
        "操作": what,
        "详情": detail,
    }


def zoom_to_boxes(
    png: bytes, boxes: Sequence[tuple[float, float, float, float]], scale: float, margin: float = 48.0
) -> bytes | None:
    """The part of a rendered page (our own PNG, boxes already drawn) around the evidence
    boxes, at least 40 % of the page wide, so small boxes on a full scanned page are legible.
    ``scale``: pixels per bbox unit of that rendering. None when nothing is to be zoomed."""
    if not boxes:
        return None
    img = Image.open(io.BytesIO(png))
    w, h = img.size
    x0 = min(b[0] for b in boxes) * scale
    y0 = min(b[1] for b in boxes) * scale
    x1 = max(b[2] for b in boxes) * scale
    y1 = max(b[3] for b in boxes) * scale
    m = margin * scale
    x0, y0, x1, y1 = x0 - m, y0 - m, x1 + m, y1 + m
    min_w = 0.4 * w
    if x1 - x0 < min_w:
        grow = (min_w - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    min_h = 0.6 * (x1 - x0)  # not a thin strip
    if y1 - y0 < min_h:
        grow = (min_h - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    box = (max(0, int(x0)), max(0, int(y0)), min(w, int(x1 + 1)), min(h, int(y1 + 1)))
    if box[2] <= box[0] or box[3] <= box[1] or (box[2] - box[0]) * (box[3] - box[1]) > 0.8 * w * h:
        return None  # nothing gained over the whole page
    out = io.BytesIO()
    img.crop(box).save(out, format="PNG")
    return out.getvalue()


def fmt_value(v: Any) -> str:
    """A corrected value in the audit log and the problem list (empty → （空）)."""
    if v is None or v == "":
        return "（空）"
    return str(v)

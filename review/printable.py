"""Printable HTML review report: one section per application, each finding with the
reviewer's decision and, under it, snippets of the pages around its evidence (PNG,
base64-embedded, so the file is self-contained and prints from any browser).

Text (messages, values) goes through :func:`extractor.normalize.mask_personal_data`
(ID numbers and mobile numbers masked). Snippets come from the isolated
:class:`review.render.RenderWorker`.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from typing import Any

from extractor.normalize import mask_personal_data
from models.contract import STATUS_LABELS, VERDICT_LABELS
from review.rulenames import clause_text, rule_info
from review.store import BEIJING, DECISION_LABELS, REVIEW_STATUS_LABELS, Store, fmt_time
from review.view import evidence_boxes, file_sha, page_of, review_view
from verifiers.policy import direction_label

MAX_SNIPPETS_PER_FINDING = 4

_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif;
       margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-bottom: 2px solid #444; padding-bottom: 4px;
       page-break-before: always; } h2:first-of-type { page-break-before: auto; }
table.meta td { padding: 2px 12px 2px 0; }
.finding { border: 1px solid #ccc; border-left-width: 6px; margin: 10px 0; padding: 8px 10px;
           page-break-inside: avoid; }
.fail { border-left-color: #e03131; } .missing { border-left-color: #f08c00; }
.warn { border-left-color: #fab005; } .review { border-left-color: #1971c2; } .pass { border-left-color: #2f9e44; }
.status { font-weight: bold; } .decision { color: #555; margin-top: 4px; }
.snip { display: inline-block; margin: 6px 8px 0 0; vertical-align: top; font-size: 12px; color: #555; }
.snip img { max-width: 460px; border: 1px solid #999; display: block; }
.muted { color: #888; }
@media print { body { margin: 10mm; } }
"""


def _mask(text: Any) -> str:
    return mask_personal_data("" if text is None else str(text))


def _e(text: Any) -> str:
    return html.escape(_mask(text))


def _snippets(store: Store, app_id: str, result: Any, finding: Any, renderer: Any) -> list[str]:
    out: list[str] = []
    for box in evidence_boxes(result, finding):
        if len(out) >= MAX_SNIPPETS_PER_FINDING:
            break
        caption = f"{box.file} 第 {box.page} 页" + (f" · {box.label}：{box.value}" if box.label else "")
        if box.bbox is None:
            continue
        data = store.file_bytes(app_id, box.file)
        if data is None:
            out.append(f'<div class="snip muted">{_e(caption)}（原文件未保存）</div>')
            continue
        sha = file_sha(store, app_id, box.file) or ""
        page = page_of(store, sha, box.page)
        redact = [
            tuple(ln.bbox) for ln in (page.lines if page else []) if ln.bbox and _mask(ln.text) != ln.text
        ]
        rendered = renderer.crop_evidence(
            data, box.page, box.bbox, page.rotation if page else None, redact=redact
        )
        if rendered.png is None:
            out.append(f'<div class="snip muted">{_e(caption)}：{_e(rendered.error)}</div>')
            continue
        b64 = base64.b64encode(rendered.png).decode("ascii")
        out.append(
            f'<div class="snip"><img alt="证据截图" src="data:image/png;base64,{b64}">{_e(caption)}</div>'
        )
    return out


def application_section(store: Store, app_id: str, renderer: Any) -> str:
    view = review_view(store, app_id)
    row = store.get_application(app_id)
    if view is None or row is None:
        return ""
    r = view.result
    parts = [
        f"<h2>{_e(app_id)}　{_e(r.declared.get('company_name') or '')}</h2>",
        '<table class="meta">',
        f"<tr><td>申报方向</td><td>{_e(direction_label(r.direction) or '未识别')}</td></tr>",
        f"<tr><td>系统结论</td><td>{_e(VERDICT_LABELS.get(r.verdict, r.verdict))}</td></tr>",
        f"<tr><td>审核后结论</td><td><b>{_e(VERDICT_LABELS.get(view.verdict, view.verdict))}</b></td></tr>",
        f"<tr><td>审核状态</td><td>{_e(REVIEW_STATUS_LABELS.get(row.status, row.status))}</td></tr>",
        f"<tr><td>材料</td><td>{len(r.documents)} 份文件/文档</td></tr>",
        "</table>",
    ]
    shown = 0
    for status, items in view.grouped():
        if status == "pass":
            continue
        for sf in items:
            shown += 1
            f = sf.finding
            parts.append(f'<div class="finding {status}">')
            parts.append(
                f'<div><span class="status">【{_e(STATUS_LABELS[status])}】</span> '
                f"<b>{_e(rule_info(f.rule).name)}</b> "
                f'<span class="muted">{_e(clause_text(f.rule, f.clause))} · {_e(f.rule)}</span></div>'
            )
            parts.append(f"<div>{_e(f.message)}</div>")
            d = sf.decision
            if d is not None:
                parts.append(
                    f'<div class="decision">审核：{_e(DECISION_LABELS.get(d.decision, d.decision))}'
                    f"（{_e(d.reviewer)}，{_e(fmt_time(d.time))}）{('：' + _e(d.reason)) if d.reason else ''}</div>"
                )
            else:
                parts.append('<div class="decision">审核：尚未决定</div>')
            parts.extend(_snippets(store, app_id, r, f, renderer))
            parts.append("</div>")
    for sf in view.retired:
        d = sf.decision
        if d is None:
            continue
        shown += 1
        f = sf.finding
        parts.append('<div class="finding review">')
        parts.append(
            f'<div><span class="status">【已不再触发】</span> <b>{_e(rule_info(f.rule).name)}</b> '
            f'<span class="muted">{_e(clause_text(f.rule, f.clause))} · {_e(f.rule)}</span></div>'
        )
        parts.append(f"<div>{_e(f.message)}</div>")
        parts.append(
            f'<div class="decision">审核：{_e(DECISION_LABELS.get(d.decision, d.decision))}'
            f"（{_e(d.reviewer)}，{_e(fmt_time(d.time))}）{('：' + _e(d.reason)) if d.reason else ''}"
            "；更正后规则不再给出此结果，决定保留"
            + ("，仍按确认的问题计" if d.decision == "confirmed" else "")
            + "</div>"
        )
        parts.append("</div>")
    if shown == 0:
        parts.append("<p>未发现问题。</p>")
    corrections = store.corrections(app_id)
    if corrections:
        parts.append("<h3>审核人更正的数值</h3><ul>")
        for c in corrections:
            cc = c.correction or {}
            where = "申报表" if cc.get("target") == "declared" else f"文档 {cc.get('doc_key')}"
            parts.append(
                f"<li>{_e(where)} · {_e(cc.get('field'))}：{_e(cc.get('previous'))} → {_e(cc.get('value'))}"
                f"（{_e(c.reviewer)}，{_e(fmt_time(c.time))}）{('：' + _e(c.reason)) if c.reason else ''}</li>"
            )
        parts.append("</ul>")
    return "\n".join(parts)


def printable_report(store: Store, app_ids: list[str], renderer: Any, title: str = "申报材料核验报告") -> str:
    """A self-contained printable HTML report for the given applications."""
    body = [application_section(store, a, renderer) for a in app_ids]
    stamp = _dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M") + "（北京时间）"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="muted">生成时间：{stamp}　共 {len(app_ids)} 份申报</p>'
        + "\n".join(body)
        + "</body></html>"
    )

"""Batch and review exports (CONTRACT section 5).

- ``summary.json``: one row per application plus batch-level findings.
- ``discrepancies.xlsx`` / ``.csv``: one row per non-pass finding.
- ``推荐汇总表.docx`` / ``.xlsx``: the notice's 附件2 table, grouped by direction in the
  notice's order, numbered within each group, in the reviewer's order when given.

openpyxl and python-docx are imported inside the writers, on purpose: about 0.3 s here
(python -X importtime), which the UI and `evreview batch` pay only when they write a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from extractor.normalize import mask_personal_data
from models.contract import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    STATUS_ORDER,
    VERDICT_LABELS,
    ApplicationResult,
    Finding,
    compute_verdict,
)
from review.atomic import save_atomic, write_bytes_atomic, write_text_atomic
from review.rulenames import rule_info
from verifiers.policy import direction_label

DIRECTION_ORDER = list(DIRECTION_LABELS)
DISCREPANCY_COLUMNS = [
    "申报编号",
    "单位名称",
    "申报方向",
    "规则",
    "状态",
    "说明",
    "文件",
    "页码",
    "规则名称",
    "通知条款",
]


# A cell that starts with one of these is a formula to Excel/WPS (CSV) or to openpyxl
# (xlsx): text written from applicants' files (company names, file names, messages that
# quote them) must never become one, e.g. =HYPERLINK("http://…","点击").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def formula_like(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula; plain numbers stay numbers.

    >>> formula_like('=HYPERLINK("http://x","点击")'), formula_like("@SUM(A1)"), formula_like(chr(9) + "=1")
    (True, True, True)
    >>> formula_like("-12.50"), formula_like("泉州智算科技有限公司"), formula_like(3)
    (False, False, False)
    """
    return isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)


def csv_safe(value: Any) -> Any:
    """CSV cell: formula-like text gets a leading apostrophe (shown as text by Excel/WPS).

    >>> csv_safe("=1+1"), csv_safe("合同.pdf"), csv_safe(2)
    ("'=1+1", '合同.pdf', 2)
    """
    return "'" + value if formula_like(value) else value


def _as_text_cell(cell: Any) -> Any:
    """An openpyxl cell holding formula-like text: stored as text with Excel's quote prefix."""
    if cell.data_type == "f" or formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _mask(text: Any) -> Any:
    return mask_personal_data(text) if isinstance(text, str) else text


def summary_row(app: ApplicationResult) -> dict[str, Any]:
    counts = Counter(f.status for f in app.findings)
    return {
        "application_id": app.application_id,
        "direction": app.direction,
        "company_name": app.declared.get("company_name"),
        "verdict": app.verdict,
        "fail": counts["fail"],
        "warn": counts["warn"],
        "missing": counts["missing"],
        "review": counts["review"],
    }


def build_summary(apps: Sequence[ApplicationResult], batch_findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "applications": [summary_row(a) for a in apps],
        "batch_findings": [f.model_dump(mode="json", exclude_none=True) for f in batch_findings],
    }


def discrepancy_rows(
    apps: Sequence[ApplicationResult], batch_findings: Sequence[Finding] = ()
) -> list[list[Any]]:
    by_id = {a.application_id: a for a in apps}
    rows: list[list[Any]] = []
    for app in apps:
        company = app.declared.get("company_name") or ""
        direction = direction_label(app.direction)
        for f in sorted(app.findings, key=lambda f: STATUS_ORDER[f.status]):
            if f.status == "pass":
                continue
            ev = f.evidence[0] if f.evidence else None
            rows.append(
                [
                    app.application_id,
                    company,
                    direction,
                    f.rule,
                    STATUS_LABELS[f.status],
                    _mask(f.message),
                    ev.file if ev else "",
                    ev.page if ev and ev.page else "",
                    f.clause or "",
                ]
            )
    for f in batch_findings:
        if f.status == "pass":
            continue
        ids = f.applications or []
        for app_id in ids:
            app = by_id.get(app_id)
            rows.append(
                [
                    app_id,
                    (app.declared.get("company_name") if app else "") or "",
                    direction_label(app.direction) if app else "",
                    f.rule,
                    STATUS_LABELS[f.status],
                    _mask(f.message),
                    next((e.file for e in f.evidence if e.application_id == app_id and e.file), ""),
                    next((e.page for e in f.evidence if e.application_id == app_id and e.page), ""),
                    f.clause or "",
                ]
            )
    return rows


def _with_rule_names(row: list[Any]) -> list[Any]:
    """A problem-list row with the rule's Chinese name and notice clause appended."""
    if len(row) >= len(DISCREPANCY_COLUMNS):
        return row
    info = rule_info(str(row[3]))
    # the clause the finding cites (from its policy) wins over the catalogue's default
    clause = row[8] if len(row) > 8 and row[8] else (info.clause or "—")
    return [*row[:8], info.name, clause]


def write_discrepancies_csv(path: Path, rows: Iterable[list[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(DISCREPANCY_COLUMNS)
    for r in rows:
        w.writerow([csv_safe(v) for v in _with_rule_names(r)])
    # UTF-8 with BOM so that Excel on a reviewer's PC opens the Chinese text correctly
    write_bytes_atomic(path, buf.getvalue().encode("utf-8-sig"))


def write_discrepancies_xlsx(path: Path, rows: Iterable[list[Any]]) -> None:
    """The problem list as a styled sheet (streamed: an intake has thousands of rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    for col, width in zip("ABCDEFGHIJ", (12, 28, 14, 28, 10, 70, 30, 6, 24, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")

    def styled(value: Any, **style: Any) -> WriteOnlyCell:
        cell = _as_text_cell(WriteOnlyCell(ws, value=value))
        for key, val in style.items():
            setattr(cell, key, val)
        return cell

    ws.append([styled(h, font=bold, fill=head_fill) for h in DISCREPANCY_COLUMNS])
    fills = {
        label: PatternFill("solid", fgColor=color)
        for label, color in (
            ("不符合", "F8CBAD"),
            ("缺少材料", "FFE699"),
            ("需关注", "FFF2CC"),
            ("需人工复核", "E2EFDA"),
        )
    }
    top = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        r = _with_rule_names(list(r))
        cells: list[Any] = [styled(v) if formula_like(v) else v for v in r]
        fill = fills.get(str(r[4]))
        if fill is not None:
            cells[4] = styled(r[4], fill=fill)
        cells[5] = styled(r[5], alignment=top)
        ws.append(cells)
    save_atomic(path, lambda p: wb.save(str(p)))


def attach_batch_findings(
    apps: Sequence[ApplicationResult], batch_findings: Sequence[Finding]
) -> list[ApplicationResult]:
    """Each application with the batch findings that name it among its findings and its
    verdict recomputed by CONTRACT's rule (a batch ``fail`` makes it 不通过). Batch findings
    already attached (``applications`` set) are replaced, so this can run again.

    >>> a = ApplicationResult(application_id="a", verdict="pass")
    >>> dup = Finding(rule="invoice.duplicate", status="fail", message="重复", applications=["a", "b"])
    >>> [x.verdict for x in attach_batch_findings([a], [dup])], a.verdict
    (['fail'], 'pass')
    """
    out = []
    for app in apps:
        own = [f for f in app.findings if f.applications is None]
        named = [f for f in batch_findings if app.application_id in (f.applications or [])]
        if not named and len(own) == len(app.findings):
            out.append(app)
            continue
        findings = own + named
        out.append(app.model_copy(update={"findings": findings, "verdict": compute_verdict(findings)}))
    return out


def recommended_by_verdict(apps: Sequence[ApplicationResult]) -> dict[str, str]:
    """附件2 without a reviewer: the applications whose verdict is 通过."""
    return {a.application_id: "核验：通过" for a in apps if a.verdict == "pass"}


def project_name(app: ApplicationResult) -> str:
    """附件2's 项目 column: the project name on the form; for the two enterprise directions
    (算力服务补助, 领雁) without one, the direction's name.

    >>> project_name(ApplicationResult(application_id="a", direction="compute_subsidy"))
    '算力服务补助'
    """
    name = app.declared.get("project_name")
    if name:
        return str(name)
    if app.direction in ("compute_subsidy", "lingyan_software"):
        return DIRECTION_LABELS[app.direction]
    return ""


def recommendation_groups(
    apps: Sequence[ApplicationResult],
    order: dict[str, int] | None = None,
    recommended: dict[str, str] | None = None,
) -> list[tuple[str, list[ApplicationResult]]]:
    """The recommended applications (``recommended``: id → remark; default: verdict 通过)
    grouped by direction (notice order), in the reviewer's order."""
    order = order or {}
    chosen = recommended if recommended is not None else recommended_by_verdict(apps)
    groups: list[tuple[str, list[ApplicationResult]]] = []
    # the 2024 call's directions (附件2 lists each, even empty), then any other call's present
    extra = sorted({a.direction for a in apps if a.direction and a.direction not in DIRECTION_ORDER})
    for direction in DIRECTION_ORDER + extra:
        members = [a for a in apps if a.direction == direction and a.application_id in chosen]
        members.sort(key=lambda a: (order.get(a.application_id, 10**6), a.application_id))
        groups.append((direction, members))
    return groups


def _contact(app: ApplicationResult) -> str:
    phone = app.declared.get("contact_phone") or ""
    email = app.declared.get("contact_email") or ""
    return "\n".join(x for x in (str(phone), str(email)) if x)


def _remark(app: ApplicationResult) -> str:
    """备注: the machine verdict with its counts, for the reviewer who signs the table."""
    counts = Counter(f.status for f in app.findings)
    parts = [f"{STATUS_LABELS[s]} {counts[s]} 项" for s in ("fail", "missing", "warn", "review") if counts[s]]
    return f"核验：{VERDICT_LABELS[app.verdict]}" + (f"（{'，'.join(parts)}）" if parts else "")


def write_recommendation_docx(
    path: Path,
    apps: Sequence[ApplicationResult],
    order: dict[str, int] | None = None,
    unit: str = "",
    recommended: dict[str, str] | None = None,
) -> None:
    """附件2 项目推荐汇总表 as Word, following the notice's layout: only what is recommended
    (``recommended``: id → remark; default: the applications whose verdict is 通过)."""
    chosen = recommended if recommended is not None else recommended_by_verdict(apps)
    from docx import Document as DocxDocument
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = DocxDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)

    p = doc.add_paragraph()
    r = p.add_run("附件2")
    r.font.size = Pt(14)
    r.font.name = "黑体"
    r._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tr = title.add_run("项目推荐汇总表")
    tr.bold = True
    tr.font.size = Pt(20)
    tr.font.name = "方正小标宋简体"
    tr._element.rPr.rFonts.set(qn("w:eastAsia"), "方正小标宋简体")
    doc.add_paragraph(f"推荐单位（盖章）：{unit}")

    headers = ["序号", "项目", "企业名称", "联系人", "联系方式（手机与邮箱）", "备注"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    for direction, members in recommendation_groups(apps, order, chosen):
        row = table.add_row().cells
        merged = row[1].merge(row[-1])
        merged.text = direction_label(direction)
        merged.paragraphs[0].runs[0].bold = True
        for i, app in enumerate(members, 1):
            cells = table.add_row().cells
            values = [
                str(i),
                project_name(app),
                str(app.declared.get("company_name") or ""),
                str(app.declared.get("contact_name") or ""),
                _contact(app),
                chosen.get(app.application_id) or _remark(app),
            ]
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
        if not members:
            cells = table.add_row().cells
            cells[2].text = "（无推荐项目）"
    widths = (Cm(1.5), Cm(5.5), Cm(6.5), Cm(2.5), Cm(5.5), Cm(4))
    table.autofit = False
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w
    save_atomic(path, lambda p: doc.save(str(p)))


def write_recommendation_xlsx(
    path: Path,
    apps: Sequence[ApplicationResult],
    order: dict[str, int] | None = None,
    unit: str = "",
    recommended: dict[str, str] | None = None,
) -> None:
    chosen = recommended if recommended is not None else recommended_by_verdict(apps)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "项目推荐汇总表"
    ws.append(["附件2"])
    ws.append(["项目推荐汇总表"])
    ws.merge_cells("A2:F2")
    ws["A2"].font = Font(bold=True, size=16)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.append([f"推荐单位（盖章）：{unit}"])
    ws.append(["序号", "项目", "企业名称", "联系人", "联系方式（手机与邮箱）", "备注"])
    header_row = ws.max_row
    for direction, members in recommendation_groups(apps, order, chosen):
        ws.append(["", direction_label(direction)])
        ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=6)
        ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
        for i, app in enumerate(members, 1):
            ws.append(
                [
                    i,
                    project_name(app),
                    app.declared.get("company_name") or "",
                    app.declared.get("contact_name") or "",
                    _contact(app),
                    chosen.get(app.application_id) or _remark(app),
                ]
            )
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=6):
        for cell in row:
            _as_text_cell(cell)  # this sheet holds no formula: names and remarks stay text
            cell.border = border
            cell.alignment = wrap
    for col, width in zip("ABCDEF", (6, 30, 34, 12, 30, 12), strict=True):
        ws.column_dimensions[col].width = width
    save_atomic(path, lambda p: wb.save(str(p)))


def write_batch_outputs(
    out: Path,
    apps: Sequence[ApplicationResult],
    batch_findings: Sequence[Finding],
    order: dict[str, int] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Every file of CONTRACT section 5 except the per-application JSONs."""
    out.mkdir(parents=True, exist_ok=True)
    # batch findings count in the verdict of each application they name (CONTRACT §3)
    apps = attach_batch_findings(apps, batch_findings)
    summary = build_summary(apps, batch_findings)
    if extra:
        summary.update(extra)
    write_text_atomic(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2))
    rows = discrepancy_rows(apps)  # the batch findings are among each named application's findings
    write_discrepancies_csv(out / "discrepancies.csv", rows)
    write_discrepancies_xlsx(out / "discrepancies.xlsx", rows)
    write_recommendation_docx(out / "推荐汇总表.docx", apps, order)
    write_recommendation_xlsx(out / "推荐汇总表.xlsx", apps, order)

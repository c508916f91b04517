"""What the review pages call: intake, decisions, corrections, evidence lookup and exports.

Pages in ``app_pages/`` only draw; every action goes through these functions, which write
to the :class:`review.store.Store` at once (nothing is kept only in the session).
Applicant files are read through the isolated reader (``review.worker.IsolatedReader``)
and rendered through :class:`review.render.RenderWorker`; this module never parses
them itself.
"""

from __future__ import annotations

import io
import logging
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from models.contract import (
    STATUS_ORDER,
    ApplicationResult,
    Document,
    EvidenceRef,
    FieldValue,
    Finding,
    compute_verdict,
)
from models.page import Page, ReadResult
from review.pipeline import FORM_KEYS, Reader, assemble, read_application_files
from review.store import Store, StoredFinding, doc_key

log = logging.getLogger("evreview.service")

ProgressFn = Callable[[str, int, int], None]
EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".ofd", ".xml"}
FIELD_LABELS: dict[str, str] = {
    "company_name": "单位名称",
    "address": "地址",
    "credit_code": "统一社会信用代码",
    "listed": "是否上市",
    "ownership": "企业性质",
    "established_date": "成立日期",
    "legal_representative": "法定代表人",
    "legal_rep_phone": "法定代表人电话",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_email": "电子邮箱",
    "direction": "申报方向",
    "compute_purchase_total": "算力采购总额",
    "compute_suppliers": "算力服务商",
    "revenue_last_year": "上年度营业收入",
    "project_name": "项目名称",
    "consortium_members": "联合体成员",
    "buyer_name": "购买方名称",
    "seller_name": "销售方名称",
    "buyer_tax_id": "购买方税号",
    "seller_tax_id": "销售方税号",
    "buyer_credit_code": "甲方信用代码",
    "seller_credit_code": "乙方信用代码",
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "amount_excl_tax": "金额",
    "tax_amount": "税额",
    "total_incl_tax": "价税合计",
    "total_in_words": "价税合计（大写）",
    "tax_rate": "税率",
    "sign_date": "签订日期",
    "service_start": "服务开始",
    "service_end": "服务结束",
    "amount_total": "合同金额",
    "amount_in_words": "金额（大写）",
    "gpu_model": "显卡型号",
    "gpu_count": "显卡数量",
    "payer_name": "付款人",
    "payee_name": "收款人",
    "amount": "金额",
    "pay_date": "付款日期",
    "fiscal_year": "会计年度",
    "audited_entity": "被审计单位",
    "title": "标题",
    "contract_no": "合同编号",
    "registered_capital": "注册资本",
    "company_type": "企业类型",
    "business_term_end": "营业期限",
    "business_scope": "经营范围",
    "revenue": "营业收入",
}


# ----------------------------------------------------------------- policy


def load_policy(name: str | None = None) -> Any:
    """A policy by name or path (default: fujian-ai-2024)."""
    from verifiers import load_policy as _load

    return _load(name)


def policy_of(app: ApplicationResult, policy: Any | None = None) -> Any:
    """The policy a result was produced with, so re-running never mixes two calls' rules:
    ``policy`` when it is that one (or the result names none), else the recorded one."""
    if policy is not None and (not app.policy or getattr(policy, "name", None) == app.policy):
        return policy
    if app.policy:
        try:
            return load_policy(app.policy)
        except (OSError, ValueError):
            log.warning("policy %s of %s not found; using %s", app.policy, app.application_id, policy)
    return policy or load_policy()


def run_rules_on(app: ApplicationResult, policy: Any | None = None) -> ApplicationResult:
    """Re-run the rules on an (already extracted) result; files are not read again. The
    rules are those of the policy that produced the result (:func:`policy_of`)."""
    from verifiers import run_rules

    policy = policy_of(app, policy)
    out = app.model_copy(deep=True)
    out.findings = []
    try:
        findings = run_rules(out, policy)
    except Exception as exc:  # a rule bug must not lose the reviewer's correction
        log.exception("rules failed for %s", app.application_id)
        findings = [
            Finding(
                rule="evidence.readable",
                status="review",
                message=f"规则执行出错（{type(exc).__name__}），请人工复核",
            )
        ]
    out.findings = findings
    out.verdict = compute_verdict(findings)
    return out


# ----------------------------------------------------------------- intake


def applications_in(folder: Path) -> list[Path]:
    """The applications a folder holds: itself when evidence files sit directly in it,
    else every sub-folder / zip (CONTRACT section 1)."""
    from review.batch import find_applications

    if folder.is_file() and folder.suffix.lower() == ".zip":
        return [folder]
    if not folder.is_dir():
        return []
    if any(p.is_file() and p.suffix.lower() in EVIDENCE_SUFFIXES for p in folder.iterdir()):
        return [folder]
    return find_applications(folder)


def intake_path(
    store: Store,
    app_path: Path,
    reader: Reader,
    progress: ProgressFn | None = None,
    direction: str | None = None,
    source: str | None = None,
    actor: str = "系统",
    policy: Any | None = None,
    application_id: str | None = None,
) -> ApplicationResult:
    """Read (isolated, cached by sha256), verify and store one application folder or zip.

    Corrections the reviewer already made to this application are applied again."""
    from extractor.zipsafe import iter_package
    from review.pipeline import application_id_of

    policy = policy or load_policy()
    app_id = application_id or application_id_of(app_path)
    reads, package_errors = read_application_files(app_path, reader, store.cache, progress)
    result = assemble(app_id, reads, package_errors, direction, policy)
    files, _errors = iter_package(app_path)
    current = result
    corrections = [d.correction for d in store.corrections(app_id) if d.correction]
    if corrections:
        current = run_rules_on(apply_corrections(result, corrections), policy)
    store.save_application(result, dict(files), source=source or str(app_path), actor=actor, current=current)
    return current


_SAFE_ID = re.compile(r"[^\w\u4e00-\u9fff.-]+")


def safe_app_id(name: str) -> str:
    """An application id usable as a folder name.

    >>> safe_app_id("app 007/../x"), safe_app_id("  ")
    ('app_007_.._x', '')
    """
    return _SAFE_ID.sub("_", name.strip()).strip("_") if name.strip() else ""


def stage_uploads(
    uploads: Sequence[tuple[str, bytes]], app_id: str | None, tmp: Path
) -> list[tuple[str, Path]]:
    """Lay uploaded files out as applications under ``tmp``: each zip is one application
    (id = its name), loose files together are one application named ``app_id``."""
    staged: list[tuple[str, Path]] = []
    loose = []
    for name, data in uploads:
        base = PurePosixPath(name.replace("\\", "/")).name
        if base.lower().endswith(".zip"):
            aid = safe_app_id(base[:-4]) or "upload"
            dest = tmp / f"{aid}.zip"
            dest.write_bytes(data)
            staged.append((aid, dest))
        else:
            loose.append((base, data))
    if loose:
        aid = safe_app_id(app_id or "") or "upload"
        folder = tmp / aid
        folder.mkdir(parents=True, exist_ok=True)
        for i, (base, data) in enumerate(loose):
            target = folder / (base or f"file{i}")
            if target.exists():
                target = folder / f"{i}_{base}"
            target.write_bytes(data)
        staged.append((aid, folder))
    return staged


def intake_uploads(
    store: Store,
    uploads: Sequence[tuple[str, bytes]],
    app_id: str | None,
    reader: Reader,
    progress: ProgressFn | None = None,
    actor: str = "系统",
    policy: Any | None = None,
) -> list[ApplicationResult]:
    with tempfile.TemporaryDirectory(prefix="evreview-upload-") as tmp:
        out = []
        for aid, path in stage_uploads(uploads, app_id, Path(tmp)):
            out.append(
                intake_path(
                    store,
                    path,
                    reader,
                    progress,
                    source=f"上传：{path.name}",
                    actor=actor,
                    policy=policy,
                    application_id=aid,
                )
            )
        return out


# ----------------------------------------------------------------- corrections


def _parse_value(field_name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if field_name == "listed":
        if text in {"是", "true", "True", "1", "已上市"}:
            return True
        if text in {"否", "false", "False", "0", "未上市"}:
            return False
    if field_name in {"compute_suppliers", "consortium_members", "item_names"} and text.startswith("["):
        import json

        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def correction_key(c: dict[str, Any]) -> tuple[str, str, str]:
    return (str(c.get("target")), str(c.get("doc_key") or ""), str(c.get("field")))


def apply_corrections(result: ApplicationResult, corrections: Sequence[dict[str, Any]]) -> ApplicationResult:
    """The result with the reviewer's corrected values (latest per target/document/field).

    A declared value also changes the application form's field; an empty value removes it.

    >>> app = ApplicationResult(application_id="a", declared={"company_name": "甲"})
    >>> apply_corrections(app, [{"target": "declared", "field": "company_name", "value": "乙"}]).declared
    {'company_name': '乙'}
    """
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for c in corrections:
        latest[correction_key(c)] = c
    out = result.model_copy(deep=True)
    for (target, dkey, fname), c in latest.items():
        value = _parse_value(fname, c.get("value"))
        empty = value is None or value == ""
        if target == "declared":
            if empty:
                out.declared.pop(fname, None)
            else:
                out.declared[fname] = value
            if fname == "direction" and not empty:
                out.direction = str(value)
            for d in out.documents:
                if d.doc_type == "application_form":
                    _set_field(d, fname, value, empty)
                    break
        elif target == "document":
            for i, d in enumerate(out.documents):
                if doc_key(d.file, d.pages, i) == dkey:
                    _set_field(d, fname, value, empty)
                    if d.doc_type == "application_form" and fname in FORM_KEYS:
                        if empty:
                            out.declared.pop(fname, None)
                        else:
                            out.declared[fname] = value
                    break
    return out


def _set_field(doc: Document, name: str, value: Any, empty: bool) -> None:
    if empty:
        doc.fields.pop(name, None)
        return
    old = doc.fields.get(name)
    doc.fields[name] = FieldValue(
        value=value,
        page=old.page if old else (doc.pages[0] if doc.pages else None),
        bbox=old.bbox if old else None,
        confidence=1.0,
        source_text=old.source_text if old else None,
        method="manual",
    )


def correct_value(
    store: Store,
    app_id: str,
    reviewer: str,
    target: str,
    field_name: str,
    value: Any,
    reason: str = "",
    doc: str | None = None,
    finding_id: str | None = None,
    policy: Any | None = None,
) -> ApplicationResult:
    """Record a corrected declared (``target="declared"``) or extracted (``"document"``,
    ``doc`` = document key) value and re-run the rules at once; returns the new result."""
    machine = store.machine_result(app_id)
    current = store.current_result(app_id)
    if machine is None or current is None:
        from review.store import StoreError

        raise StoreError(f"找不到申报材料 {app_id}")
    previous = _current_value(current, target, field_name, doc)
    correction = {
        "target": target,
        "doc_key": doc,
        "field": field_name,
        "value": value if not isinstance(value, str) else value.strip(),
        "previous": _jsonable(previous),
    }
    corrections = [d.correction for d in store.corrections(app_id) if d.correction] + [correction]
    new = run_rules_on(apply_corrections(machine, corrections), policy)
    store.record_correction(app_id, reviewer, correction, reason, new, finding_id)
    return new


def _jsonable(v: Any) -> Any:
    from models.contract import to_json_value

    return to_json_value(v)


def _current_value(app: ApplicationResult, target: str, name: str, doc: str | None) -> Any:
    if target == "declared":
        return app.declared.get(name)
    for i, d in enumerate(app.documents):
        if doc_key(d.file, d.pages, i) == doc:
            fv = d.fields.get(name)
            return fv.value if fv else None
    return None


def decide(store: Store, app_id: str, finding_id: str, reviewer: str, decision: str, reason: str = "") -> int:
    return store.record_decision(app_id, finding_id, reviewer, decision, reason)


# ----------------------------------------------------------------- review view


@dataclass
class EvidenceBox:
    file: str
    page: int
    bbox: tuple[float, float, float, float] | None
    field: str | None
    value: Any
    label: str


@dataclass
class ReviewView:
    app_id: str
    result: ApplicationResult
    findings: list[StoredFinding]
    verdict: str  # after decisions
    documents: list[dict[str, Any]] = field(default_factory=list)

    def grouped(self) -> list[tuple[str, list[StoredFinding]]]:
        groups: dict[str, list[StoredFinding]] = {}
        for f in self.findings:
            groups.setdefault(f.finding.status, []).append(f)
        return sorted(groups.items(), key=lambda kv: STATUS_ORDER[kv[0]])


def review_view(store: Store, app_id: str) -> ReviewView | None:
    from review.store import reviewed_verdict

    result = store.current_result(app_id)
    if result is None:
        return None
    findings = store.findings(app_id)
    docs = []
    for i, d in enumerate(result.documents):
        docs.append({"index": i, "key": doc_key(d.file, d.pages, i), "doc": d})
    return ReviewView(app_id, result, findings, reviewed_verdict(findings), docs)


def _lookup_field(app: ApplicationResult, ev: EvidenceRef) -> FieldValue | None:
    if not ev.field:
        return None
    for d in app.documents:
        if d.file != ev.file:
            continue
        if ev.page is not None and d.pages and ev.page not in d.pages:
            continue
        fv = d.fields.get(ev.field)
        if fv is not None:
            return fv
    return None


def evidence_boxes(app: ApplicationResult, finding: Finding) -> list[EvidenceBox]:
    """Where a finding's evidence sits: file, page, bbox (from the evidence or its field)."""
    out = []
    for ev in finding.evidence:
        if not ev.file or (ev.application_id and ev.application_id != app.application_id):
            continue
        fv = _lookup_field(app, ev)
        page = ev.page or (fv.page if fv else None)
        bbox = ev.bbox or (fv.bbox if fv else None)
        if page is None:
            doc = next((d for d in app.documents if d.file == ev.file and d.pages), None)
            page = doc.pages[0] if doc else 1
        label = FIELD_LABELS.get(ev.field or "", ev.field or "")
        value = ev.value if ev.value is not None else (fv.value if fv else None)
        out.append(
            EvidenceBox(
                ev.file,
                int(page),
                tuple(bbox) if bbox and len(bbox) == 4 else None,  # type: ignore[arg-type]
                ev.field,
                _jsonable(value),
                label,
            )
        )
    return out


def read_result(store: Store, sha256: str) -> ReadResult | None:
    """The cached reading of a file (page sizes, rotation, lines) — no parsing."""
    cache = store.cache
    return cache.get(sha256) if cache is not None and sha256 else None


def page_of(store: Store, sha256: str, number: int) -> Page | None:
    rr = read_result(store, sha256)
    if rr is None:
        return None
    return next((p for p in rr.pages if p.number == number), None)


def file_sha(store: Store, app_id: str, file: str) -> str | None:
    return next((f["sha256"] for f in store.files(app_id) if f["file"] == file), None)


# ----------------------------------------------------------------- exports


def reviewed_result(store: Store, app_id: str) -> ApplicationResult | None:
    """The current result as exported: findings dismissed as 误报 are left out, confirmed
    ones are marked, and the verdict is the reviewed one."""
    from review.store import reviewed_verdict

    result = store.current_result(app_id)
    if result is None:
        return None
    sf = store.findings(app_id)
    kept = []
    for f in sf:
        d = f.decision
        if d is not None and d.decision == "false_positive":
            continue
        if d is not None and d.decision == "confirmed":
            note = f"〔审核确认：{d.reviewer}{('，' + d.reason) if d.reason else ''}〕"
            kept.append(f.finding.model_copy(update={"message": note + f.finding.message}))
        else:
            kept.append(f.finding)
    out = result.model_copy(update={"findings": kept})
    out.verdict = reviewed_verdict(sf)  # type: ignore[assignment]
    return out


def reviewed_results(store: Store, app_ids: Sequence[str] | None = None) -> list[ApplicationResult]:
    ids = list(app_ids) if app_ids is not None else [a.id for a in store.list_applications()]
    return [r for r in (reviewed_result(store, i) for i in ids) if r is not None]


def batch_findings(results: Sequence[ApplicationResult], policy: Any | None = None) -> list[Finding]:
    """Cross-application findings (one unit per direction, …) when the rules provide them."""
    if len(results) < 2:
        return []
    try:
        from verifiers import run_batch_rules
    except ImportError:
        return []
    try:
        # one call's applications are compared with each other, never with another call's
        groups: dict[str | None, list[ApplicationResult]] = {}
        for r in results:
            groups.setdefault(r.policy, []).append(r)
        out: list[Finding] = []
        for members in groups.values():
            if len(members) >= 2:
                out += run_batch_rules(members, policy_of(members[0], policy))
        return out
    except Exception:
        log.exception("batch rules failed")
        return []


def _to_bytes(write: Callable[[Path], None], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="evreview-export-") as tmp:
        p = Path(tmp) / f"out{suffix}"
        write(p)
        return p.read_bytes()


def export_discrepancies(store: Store, app_ids: Sequence[str] | None = None) -> tuple[bytes, bytes]:
    """(xlsx, csv) of the non-pass findings after the reviewer's decisions."""
    from review.reports import discrepancy_rows, write_discrepancies_csv, write_discrepancies_xlsx

    results = reviewed_results(store, app_ids)
    rows = discrepancy_rows(results, batch_findings(results))
    return (
        _to_bytes(lambda p: write_discrepancies_xlsx(p, rows), ".xlsx"),
        _to_bytes(lambda p: write_discrepancies_csv(p, rows), ".csv"),
    )


def export_recommendation(
    store: Store, app_ids: Sequence[str] | None = None, unit: str = ""
) -> tuple[bytes, bytes]:
    """(docx, xlsx) of 附件2 项目推荐汇总表 in the reviewer's order."""
    from review.reports import write_recommendation_docx, write_recommendation_xlsx

    results = reviewed_results(store, app_ids)
    order = store.order()
    return (
        _to_bytes(lambda p: write_recommendation_docx(p, results, order, unit), ".docx"),
        _to_bytes(lambda p: write_recommendation_xlsx(p, results, order, unit), ".xlsx"),
    )


def export_printable(store: Store, app_ids: Sequence[str] | None, renderer: Any) -> str:
    from review.printable import printable_report

    ids = list(app_ids) if app_ids is not None else [a.id for a in store.list_applications()]
    return printable_report(store, ids, renderer)


def docx_bytes_ok(data: bytes) -> bool:
    """Quick check that exported bytes are a ZIP-based Office file."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.testzip() is None
    except zipfile.BadZipFile:
        return False

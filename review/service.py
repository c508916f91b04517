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
    DIRECTION_LABELS,
    STATUS_LABELS,
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


def existing_state(store: Store, app_id: str, app_path: Path) -> str:
    """Whether an application is ``new``, already taken in with exactly these files
    (``same``: 已存在), or taken in before with other files (``changed``)."""
    import hashlib

    from extractor.zipsafe import iter_package

    if store.get_application(app_id) is None:
        return "new"
    files, _errors = iter_package(app_path)
    new = {rel: hashlib.sha256(data).hexdigest() for rel, data in files}
    old = {f["file"]: f["sha256"] for f in store.files(app_id)}
    return "same" if new == old else "changed"


def intake_problems(result: ApplicationResult) -> list[str]:
    """What was refused or could not be read, file by file, for the intake page."""
    out = []
    for d in result.documents:
        for e in d.errors:
            out.append(f"{d.file}：{e}")
    return list(dict.fromkeys(out))


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
        refresh_batch_findings(store, policy)
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
    confirm_affected: bool = False,
) -> ApplicationResult:
    """Record a corrected declared (``target="declared"``) or extracted (``"document"``,
    ``doc`` = document key) value and re-run the rules at once; returns the new result.

    When the new result would remove or change a finding a reviewer already decided on,
    nothing is written and :class:`CorrectionNeedsConfirmation` lists them, unless
    ``confirm_affected``; the decisions stay either way (a confirmed finding that no longer
    fires is kept and still counts)."""
    correction = make_correction(store, app_id, target, field_name, value, doc)
    new = preview_correction(store, app_id, correction, policy)
    affected = correction_impact(store, app_id, new)
    if affected and not confirm_affected:
        raise CorrectionNeedsConfirmation(affected, new)
    store.record_correction(app_id, reviewer, correction, reason, new, finding_id, affected)
    refresh_batch_findings(store, policy)
    return new


class CorrectionNeedsConfirmation(Exception):
    """A correction would remove or change decided findings: the reviewer confirms first."""

    def __init__(self, affected: list[dict[str, Any]], result: ApplicationResult) -> None:
        self.affected = affected
        self.result = result
        super().__init__(f"此更正将影响 {len(affected)} 条已作决定的问题")


def make_correction(
    store: Store, app_id: str, target: str, field_name: str, value: Any, doc: str | None = None
) -> dict[str, Any]:
    current = store.current_result(app_id)
    if current is None:
        from review.store import StoreError

        raise StoreError(f"找不到申报材料 {app_id}")
    previous = _current_value(current, target, field_name, doc)
    return {
        "target": target,
        "doc_key": doc,
        "field": field_name,
        "value": value if not isinstance(value, str) else value.strip(),
        "previous": _jsonable(previous),
    }


def preview_correction(
    store: Store, app_id: str, correction: dict[str, Any], policy: Any | None = None
) -> ApplicationResult:
    """The result the rules give with this correction added (nothing is written)."""
    machine = store.machine_result(app_id)
    if machine is None:
        from review.store import StoreError

        raise StoreError(f"找不到申报材料 {app_id}")
    corrections = [d.correction for d in store.corrections(app_id) if d.correction] + [correction]
    return run_rules_on(apply_corrections(machine, corrections), policy)


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


def decide(
    store: Store,
    app_id: str,
    finding_id: str,
    reviewer: str,
    decision: str,
    reason: str = "",
    expected: int | None = None,
) -> int:
    """Record a decision on the finding version the reviewer saw (``expected``); a stale one
    raises :class:`review.store.StaleDecision` naming the decision now in effect."""
    return store.record_decision(app_id, finding_id, reviewer, decision, reason, expected)


def correction_impact(store: Store, app_id: str, new: ApplicationResult) -> list[dict[str, Any]]:
    """The decided findings a re-verified result would remove or change (shown before saving)."""
    from review.store import DECISION_LABELS, finding_ids

    after = dict(zip(finding_ids(new.findings), new.findings, strict=True))
    out = []
    for sf in store.findings(app_id):
        if sf.decision is None or sf.is_batch:
            continue
        f = sf.finding
        now = after.get(sf.finding_id)
        if now is None:
            change = "更正后该规则不再给出此结果"
        elif now.status != f.status:
            change = f"状态将由「{STATUS_LABELS[f.status]}」变为「{STATUS_LABELS[now.status]}」"
        elif now.message != f.message:
            change = "说明将改变"
        else:
            continue
        out.append(
            {
                "finding_id": sf.finding_id,
                "rule": f.rule,
                "status": f.status,
                "message": f.message,
                "decision": sf.decision.decision,
                "decision_label": DECISION_LABELS[sf.decision.decision],
                "reviewer": sf.decision.reviewer,
                "change": change,
            }
        )
    return out


def refresh_batch_findings(store: Store, policy: Any | None = None) -> list[Finding]:
    """Re-run the cross-application rules on every application in the list (after an intake,
    a correction or an archive) and store their findings, which then count in the verdict of
    each application they name."""
    if store.read_only:
        return []
    results = [r for r in (store.current_result(a.id) for a in store.list_applications()) if r is not None]
    found = [f for f in batch_findings(results, policy) if f.applications]
    store.set_batch_findings(found)
    return found


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
    retired: list[StoredFinding] = field(default_factory=list)  # decided, no longer fired

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
    retired = store.retired_findings(app_id)
    docs = []
    for i, d in enumerate(result.documents):
        docs.append({"index": i, "key": doc_key(d.file, d.pages, i), "doc": d})
    return ReviewView(app_id, result, findings, reviewed_verdict(findings + retired), docs, retired)


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
    sf = store.findings(app_id)  # own findings, then the batch findings naming it
    retired = store.retired_findings(app_id)
    kept = []
    for f in sf + retired:
        d = f.decision
        if d is not None and d.decision == "false_positive":
            continue
        if d is not None and d.decision == "confirmed":
            note = f"〔审核确认：{d.reviewer}{('，' + d.reason) if d.reason else ''}〕"
            if f.retired:
                note = f"〔审核确认：{d.reviewer}{('，' + d.reason) if d.reason else ''}；更正后规则不再触发，仍按确认的问题计〕"
            status = "fail" if f.finding.status != "pass" else "pass"
            kept.append(f.finding.model_copy(update={"message": note + f.finding.message, "status": status}))
        else:
            kept.append(f.finding)
    out = result.model_copy(update={"findings": kept})
    out.verdict = reviewed_verdict(sf + retired)  # type: ignore[assignment]
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
    # batch findings are already among each named application's findings (from the store)
    rows = discrepancy_rows(results) + correction_rows(store, [r.application_id for r in results])
    return (
        _to_bytes(lambda p: write_discrepancies_xlsx(p, rows), ".xlsx"),
        _to_bytes(lambda p: write_discrepancies_csv(p, rows), ".csv"),
    )


def correction_rows(store: Store, app_ids: Sequence[str]) -> list[list[Any]]:
    """One problem-list row per correction a reviewer made (value before → after, who, why)."""
    from review.reports import _mask
    from review.store import fmt_time

    rows: list[list[Any]] = []
    for app_id in app_ids:
        row = store.get_application(app_id)
        for d in store.corrections(app_id):
            c = d.correction or {}
            label = FIELD_LABELS.get(str(c.get("field")), str(c.get("field")))
            where = "申报表" if c.get("target") == "declared" else str(c.get("doc_key") or "")
            msg = (
                f"审核更正（{d.reviewer}，{fmt_time(d.time)}）：{where} {label} "
                f"「{_fmt_value(c.get('previous'))}」→「{_fmt_value(c.get('value'))}」"
                + (f"；理由：{d.reason}" if d.reason else "")
            )
            doc_file = str(c.get("doc_key") or "").rsplit("#", 1)[0]
            rows.append(
                [
                    app_id,
                    (row.company if row else "") or "",
                    DIRECTION_LABELS.get((row.direction if row else "") or "", ""),
                    "review.correction",
                    "审核更正",
                    _mask(msg),
                    doc_file,
                    "",
                ]
            )
    return rows


def _fmt_value(v: Any) -> str:
    if v is None or v == "":
        return "（空）"
    return str(v)


def recommended_ids(store: Store, results: Sequence[ApplicationResult]) -> dict[str, str]:
    """The applications 附件2 lists, with the remark for each: verdict after review 通过, or
    recommended by a reviewer despite a finding (the reason recorded)."""
    out: dict[str, str] = {}
    for r in results:
        rec = store.recommendation(r.application_id)
        if rec is not None and rec.recommend:
            out[r.application_id] = f"审核推荐（{rec.reviewer}）：{rec.reason}"
        elif r.verdict == "pass":
            out[r.application_id] = "核验：通过"
    return out


def export_recommendation(
    store: Store, app_ids: Sequence[str] | None = None, unit: str = ""
) -> tuple[bytes, bytes]:
    """(docx, xlsx) of 附件2 项目推荐汇总表: only the recommended applications, in the
    reviewer's order (the others are in the problem list)."""
    from review.reports import write_recommendation_docx, write_recommendation_xlsx

    results = reviewed_results(store, app_ids)
    chosen = recommended_ids(store, results)
    order = store.order()
    return (
        _to_bytes(lambda p: write_recommendation_docx(p, results, order, unit, chosen), ".docx"),
        _to_bytes(lambda p: write_recommendation_xlsx(p, results, order, unit, chosen), ".xlsx"),
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


# ----------------------------------------------------------------- how a finding reads


def readable_qr(value: Any) -> str:
    """An invoice QR payload as a reviewer reads it (not a raw dict or comma list).

    >>> readable_qr("01,10,034012000211,75505018,29.43,20210428,57948816702740209571,34F1")
    '增值税电子普通发票；发票代码 034012000211；发票号码 75505018；金额 29.43；开票日期 2021-04-28；校验码 57948816702740209571'
    >>> readable_qr({"invoice_number": "123", "amount": "1.00", "issue_date": "2023-05-01"})
    '发票号码 123；金额 1.00；开票日期 2023-05-01'
    """
    from extractor.qr import QR_TYPE_NAMES, parse_invoice_qr

    q: Any = value
    if isinstance(value, str):
        q = parse_invoice_qr(value)
        if q is None:
            return value
    if not isinstance(q, dict):
        return str(value)
    q = _jsonable(q)
    kind = q.get("type_name") or QR_TYPE_NAMES.get(str(q.get("type") or ""), "")
    parts = [str(kind)] if kind else []
    for key, label in (
        ("invoice_code", "发票代码"),
        ("invoice_number", "发票号码"),
        ("amount", "金额"),
        ("issue_date", "开票日期"),
        ("check_code", "校验码"),
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
    v = _jsonable(value)
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
    from models.contract import DOC_TYPE_LABELS

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
            _lookup_field(app, ev)
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
    from review.rulenames import rule_info
    from review.store import DECISION_LABELS, REVIEW_STATUS_LABELS, fmt_time

    action = str(entry.get("action") or "")
    d = entry.get("detail") or {}
    what = _AUDIT_ACTIONS.get(action, action)
    detail = ""
    if action == "intake":
        verdict = d.get("verdict")
        detail = f"来源：{d.get('source') or '—'}；{d.get('files', 0)} 个文件；系统结论：{VERDICT_LABELS_CN.get(verdict, verdict)}"
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
        detail = f"{label}：「{_fmt_value(c.get('previous'))}」→「{_fmt_value(c.get('value'))}」"
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


VERDICT_LABELS_CN = {"pass": "通过", "fail": "不通过", "review": "需人工复核"}


def zoom_to_boxes(
    png: bytes, boxes: Sequence[tuple[float, float, float, float]], scale: float, margin: float = 48.0
) -> bytes | None:
    """The part of a rendered page (our own PNG, boxes already drawn) around the evidence
    boxes, at least 40 % of the page wide, so small boxes on a full scanned page are legible.
    ``scale``: pixels per bbox unit of that rendering. None when nothing is to be zoomed."""
    if not boxes:
        return None
    from PIL import Image

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

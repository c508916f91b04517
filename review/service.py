"""What the review pages call: intake, decisions, corrections, evidence lookup and exports.

Pages in ``app_pages/`` only draw; every action goes through these functions, which write
to the :class:`review.store.Store` at once (nothing is kept only in the session).
Applicant files are read through the isolated reader (``review.worker.IsolatedReader``)
and rendered through :class:`review.render.RenderWorker`; this module never parses
them itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from extractor.zipsafe import iter_package
from models.contract import (
    DIRECTION_LABELS,
    STATUS_LABELS,
    ApplicationResult,
    Document,
    FieldValue,
    Finding,
    compute_verdict,
)
from models.vocab import EVIDENCE_EXTENSIONS, FIELD_LABELS
from review.batch_intake import find_applications
from review.formatting import fmt_value
from review.pipeline import FORM_KEYS, Reader, application_id_of, assemble, read_application_files
from review.printable import printable_report
from review.reports import (
    _mask,
    discrepancy_rows,
    write_discrepancies_csv,
    write_discrepancies_xlsx,
    write_recommendation_docx,
    write_recommendation_xlsx,
)
from review.store import (
    DECISION_LABELS,
    Store,
    StoreError,
    doc_key,
    finding_ids,
    fmt_time,
    reviewed_verdict,
)
from review.view import jsonable
from verifiers import load_policy as load_policy_file
from verifiers import run_batch_rules, run_rules

log = logging.getLogger("evreview.service")

ProgressFn = Callable[[str, int, int], None]


# ----------------------------------------------------------------- policy


def load_policy(name: str | None = None) -> Any:
    """A policy by name or path (default: fujian-ai-2024)."""
    return load_policy_file(name)


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
    if folder.is_file() and folder.suffix.lower() == ".zip":
        return [folder]
    if not folder.is_dir():
        return []
    if any(p.is_file() and p.suffix.lower() in EVIDENCE_EXTENSIONS for p in folder.iterdir()):
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
        raise StoreError(f"找不到申报材料 {app_id}")
    previous = _current_value(current, target, field_name, doc)
    return {
        "target": target,
        "doc_key": doc,
        "field": field_name,
        "value": value if not isinstance(value, str) else value.strip(),
        "previous": jsonable(previous),
    }


def preview_correction(
    store: Store, app_id: str, correction: dict[str, Any], policy: Any | None = None
) -> ApplicationResult:
    """The result the rules give with this correction added (nothing is written)."""
    machine = store.machine_result(app_id)
    if machine is None:
        raise StoreError(f"找不到申报材料 {app_id}")
    corrections = [d.correction for d in store.corrections(app_id) if d.correction] + [correction]
    return run_rules_on(apply_corrections(machine, corrections), policy)


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


# ----------------------------------------------------------------- exports


def reviewed_result(store: Store, app_id: str) -> ApplicationResult | None:
    """The current result as exported: findings dismissed as 误报 are left out, confirmed
    ones are marked, and the verdict is the reviewed one."""
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
    results = reviewed_results(store, app_ids)
    # batch findings are already among each named application's findings (from the store)
    rows = discrepancy_rows(results) + correction_rows(store, [r.application_id for r in results])
    return (
        _to_bytes(lambda p: write_discrepancies_xlsx(p, rows), ".xlsx"),
        _to_bytes(lambda p: write_discrepancies_csv(p, rows), ".csv"),
    )


def correction_rows(store: Store, app_ids: Sequence[str]) -> list[list[Any]]:
    """One problem-list row per correction a reviewer made (value before → after, who, why)."""
    rows: list[list[Any]] = []
    for app_id in app_ids:
        row = store.get_application(app_id)
        for d in store.corrections(app_id):
            c = d.correction or {}
            label = FIELD_LABELS.get(str(c.get("field")), str(c.get("field")))
            where = "申报表" if c.get("target") == "declared" else str(c.get("doc_key") or "")
            msg = (
                f"审核更正（{d.reviewer}，{fmt_time(d.time)}）：{where} {label} "
                f"「{fmt_value(c.get('previous'))}」→「{fmt_value(c.get('value'))}」"
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
    results = reviewed_results(store, app_ids)
    chosen = recommended_ids(store, results)
    order = store.order()
    return (
        _to_bytes(lambda p: write_recommendation_docx(p, results, order, unit, chosen), ".docx"),
        _to_bytes(lambda p: write_recommendation_xlsx(p, results, order, unit, chosen), ".xlsx"),
    )


def export_printable(store: Store, app_ids: Sequence[str] | None, renderer: Any) -> str:
    ids = list(app_ids) if app_ids is not None else [a.id for a in store.list_applications()]
    return printable_report(store, ids, renderer)


def docx_bytes_ok(data: bytes) -> bool:
    """Quick check that exported bytes are a ZIP-based Office file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.testzip() is None
    except zipfile.BadZipFile:
        return False

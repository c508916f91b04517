"""The review page's view of one application: findings grouped by status, documents, and
where each finding's evidence sits (file, page, box) in the stored readings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.contract import (
    STATUS_ORDER,
    ApplicationResult,
    EvidenceRef,
    FieldValue,
    Finding,
    to_json_value,
)
from models.page import Page, ReadResult
from models.vocab import FIELD_LABELS
from review.store import Store, StoredFinding, doc_key, reviewed_verdict


def jsonable(v: Any) -> Any:
    """A value as JSON gives it (Decimal → str, date → ISO …), for display."""
    return to_json_value(v)


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
    result = store.current_result(app_id)
    if result is None:
        return None
    findings = store.findings(app_id)
    retired = store.retired_findings(app_id)
    docs = []
    for i, d in enumerate(result.documents):
        docs.append({"index": i, "key": doc_key(d.file, d.pages, i), "doc": d})
    return ReviewView(app_id, result, findings, reviewed_verdict(findings + retired), docs, retired)


def lookup_field(app: ApplicationResult, ev: EvidenceRef) -> FieldValue | None:
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
        fv = lookup_field(app, ev)
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
                jsonable(value),
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

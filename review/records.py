"""What the review store holds, as values: finding identity, decisions, recommendations,
application rows, the reviewed verdict; times in Beijing time; the store's errors (Chinese)."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from models.contract import Finding, compute_verdict

BEIJING = _dt.timezone(_dt.timedelta(hours=8), "北京时间")
DECISIONS = ("confirmed", "false_positive", "corrected")
DECISION_LABELS = {"confirmed": "确认问题", "false_positive": "误报（忽略）", "corrected": "更正数值"}
REVIEW_STATUSES = ("todo", "in_progress", "done")
REVIEW_STATUS_LABELS = {"todo": "未审", "in_progress": "审核中", "done": "已完成"}


class StoreError(Exception):
    """A store failure; ``str(exc)`` is a reviewer-facing Chinese message."""


class StaleDecision(StoreError):
    """A decision made on a stale view: another decision on the finding came in between.

    ``current`` is the decision now in effect (None when it was withdrawn by a correction)."""

    def __init__(self, current: Decision | None) -> None:
        self.current = current
        if current is None:
            text = "该问题的审核决定已被他人更改，请刷新后再决定。"
        else:
            text = (
                f"{current.reviewer}刚将此项标为{DECISION_LABELS.get(current.decision, current.decision)}"
                f"（{fmt_time(current.time)}{('，理由：' + current.reason) if current.reason else ''}），是否覆盖？"
            )
        super().__init__(text)


def now_iso() -> str:
    """Now in Beijing time (UTC+8), ISO 8601 with its offset."""
    return _dt.datetime.now(BEIJING).isoformat(timespec="seconds")


def fmt_time(iso: str | None) -> str:
    """A stored time shown in Beijing time, whatever offset it was stored with.

    >>> fmt_time("2026-12-06T01:10:00+00:00"), fmt_time("2026-12-06T09:10:00+08:00"), fmt_time("")
    ('2026-12-06 09:10:00', '2026-12-06 09:10:00', '')
    """
    if not iso:
        return ""
    try:
        t = _dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is None:
        t = t.astimezone()  # written by an old release in the server's local time
    return t.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def finding_id(f: Finding) -> str:
    """Stable id of a finding: hash of its rule and evidence (the message when there is none).

    >>> from models.contract import EvidenceRef
    >>> a = Finding(rule="invoice.arithmetic", status="fail", message="x",
    ...             evidence=[EvidenceRef(file="a.pdf", page=1, field="total_incl_tax", value="1.00")])
    >>> b = a.model_copy(update={"message": "changed wording", "status": "review"})
    >>> finding_id(a) == finding_id(b), len(finding_id(a))
    (True, 16)
    """
    ev = [
        [
            e.file,
            e.page,
            e.field,
            json.dumps(e.model_dump(mode="json")["value"], ensure_ascii=False, sort_keys=True),
            e.application_id,
        ]
        for e in f.evidence
    ]
    basis = json.dumps([f.rule, ev] if ev else [f.rule, f.message], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def finding_ids(findings: list[Finding]) -> list[str]:
    """Ids for a result's findings; a repeated id gets a ``-n`` suffix so each stays unique."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        fid = finding_id(f)
        n = seen.get(fid, 0)
        seen[fid] = n + 1
        out.append(fid if n == 0 else f"{fid}-{n}")
    return out


def doc_key(file: str, pages: list[int], index: int = 0) -> str:
    """Locator of a logical document inside an application (file + first page).

    >>> doc_key("合同/a.pdf", [3, 4])
    '合同/a.pdf#3'
    """
    return f"{file}#{pages[0] if pages else 0}"


@dataclass
class Decision:
    id: int
    application_id: str
    finding_id: str | None
    reviewer: str
    time: str
    decision: str
    reason: str
    correction: dict[str, Any] | None = None
    finding: Finding | None = None  # the finding as decided on (None for old rows or corrections)
    supersedes: int | None = None  # the decision the reviewer saw and replaced


@dataclass
class Recommendation:
    id: int
    application_id: str
    reviewer: str
    time: str
    recommend: bool
    reason: str


@dataclass
class AppRow:
    id: str
    direction: str | None
    company: str | None
    machine_verdict: str
    verdict: str
    n_fail: int
    n_missing: int
    n_warn: int
    n_review: int
    status: str
    review_order: int | None
    source: str | None
    updated_at: str
    archived: bool = False


@dataclass
class StoredFinding:
    finding_id: str
    finding: Finding
    decision: Decision | None = None
    history: list[Decision] = field(default_factory=list)
    retired: bool = False  # decided earlier, no longer produced by the rules (after a correction)

    @property
    def version(self) -> int:
        """The version a decision on this finding must name: the latest decision's id (0: none)."""
        return self.decision.id if self.decision is not None else 0

    @property
    def is_batch(self) -> bool:
        return self.finding.applications is not None

    @property
    def effective_status(self) -> str | None:
        """Status after the reviewer's decision: None when dismissed as a false positive,
        ``fail`` when a non-pass finding was confirmed as a problem."""
        d = self.decision
        if d is None or d.decision == "corrected":
            return self.finding.status
        if d.decision == "false_positive":
            return None
        return "fail" if self.finding.status != "pass" else "pass"


def reviewed_verdict(findings: list[StoredFinding]) -> str:
    """The verdict once decisions count: 误报 findings drop out, confirmed ones count as 不符合."""
    eff = [
        f.finding.model_copy(update={"status": s}) for f in findings if (s := f.effective_status) is not None
    ]
    return compute_verdict(eff)

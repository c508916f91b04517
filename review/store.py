"""The review store: applications, their documents and findings, and the reviewers' decisions.

One SQLite database (default ``data/evreview.db``, or ``EVREVIEW_DB``) opened with
:func:`review.cache.connect` (WAL, ``synchronous=FULL``). The read cache
(:class:`review.cache.ReadCache`) lives in the same file.

Durability rules:

- every write runs in one ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction together with its
  ``audit`` row, so a crash leaves either both or neither;
- ``decisions`` is append-only (triggers refuse UPDATE and DELETE); the effective decision
  of a finding is its latest row;
- ``PRAGMA integrity_check`` runs when the store opens; a damaged database opens read-only
  and every write raises :class:`StoreError` with a Chinese message;
- a decision names the version of the finding's decision the reviewer saw (``expected``):
  when another reviewer decided in between, it is refused with :class:`StaleDecision`
  (who changed it, to what), never applied silently;
- the schema carries a version (``PRAGMA user_version``); opening a store runs the forward
  migrations in one transaction (:data:`SCHEMA_VERSION`, :func:`migrate`); a database made
  by a newer release opens read-only;
- :func:`backup_database` copies the database with SQLite's online backup (a consistent
  snapshot while the UI keeps writing).

The raw bytes of every evidence file are kept content-addressed under
``<db folder>/files/<sha256>`` so that pages can be shown without the original folder.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from models import settings
from models.contract import ApplicationResult, Finding
from models.vocab import DEFAULT_DB as _DEFAULT_DB
from review.atomic import write_bytes_atomic
from review.cache import ReadCache, connect
from review.records import (
    BEIJING,
    DECISION_LABELS,
    DECISIONS,
    REVIEW_STATUS_LABELS,
    REVIEW_STATUSES,
    AppRow,
    Decision,
    Recommendation,
    StaleDecision,
    StoredFinding,
    StoreError,
    doc_key,
    finding_id,
    finding_ids,
    fmt_time,
    now_iso,
    reviewed_verdict,
)
from review.store_schema import SCHEMA_VERSION, backup_database, migrate, schema_version

# The store's values (review.records) and schema (review.store_schema) are importable from
# here too: most callers need the Store and a few of its labels together.
__all__ = [
    "BEIJING",
    "DECISIONS",
    "DECISION_LABELS",
    "DEFAULT_DB",
    "REVIEW_STATUSES",
    "REVIEW_STATUS_LABELS",
    "SCHEMA_VERSION",
    "AppRow",
    "Decision",
    "Recommendation",
    "StaleDecision",
    "Store",
    "StoreError",
    "StoredFinding",
    "backup_database",
    "default_db_path",
    "doc_key",
    "finding_id",
    "finding_ids",
    "fmt_time",
    "migrate",
    "now_iso",
    "reviewed_verdict",
    "schema_version",
]

DEFAULT_DB = str(_DEFAULT_DB)


def default_db_path() -> Path:
    """The review database: ``EVREVIEW_DB`` or ``data/evreview.db``."""
    return settings.current().db


class Store:
    """Thread-safe access to the review database (one connection, one lock)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.files_dir = self.path.parent / "files"
        self._lock = threading.RLock()
        self.integrity_error: str | None = None
        try:
            self.conn = connect(self.path)
            row = self.conn.execute("PRAGMA integrity_check").fetchone()
            if row is None or row[0] != "ok":
                self.integrity_error = f"数据库完整性检查未通过（{row[0] if row else '无结果'}）"
        except sqlite3.DatabaseError as exc:
            self.integrity_error = f"数据库无法打开或已损坏（{exc}）"
            self.conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.migrated: tuple[int, int] | None = None
        if self.integrity_error is None:
            try:
                self.migrated = migrate(self.conn)
            except StoreError as exc:
                self.integrity_error = str(exc)
        self._cache: ReadCache | None = None

    @property
    def readable(self) -> bool:
        """False when even reading the applications fails (a damaged store may still be readable)."""
        try:
            with self._lock:
                self.conn.execute("SELECT count(*) FROM applications").fetchone()
            return True
        except sqlite3.DatabaseError:
            return False

    # -- basics -----------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.integrity_error is not None

    @property
    def cache(self) -> ReadCache | None:
        """The read cache on the same database file (None when the store is damaged)."""
        if self.read_only:
            return None
        if self._cache is None:
            self._cache = ReadCache(self.path)
        return self._cache

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
            self.conn.close()

    def integrity_check(self) -> str:
        with self._lock:
            return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreError(
                f"{self.integrity_error}：为保护已有审核记录，系统已停止一切写入，请联系管理员。"
            )
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        actor: str,
        action: str,
        app_id: str | None,
        detail: dict[str, Any],
        decision_id: int | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO audit (time, actor, action, application_id, decision_id, detail) VALUES (?,?,?,?,?,?)",
            (now_iso(), actor, action, app_id, decision_id, json.dumps(detail, ensure_ascii=False)),
        )

    # -- files ------------------------------------------------------------------
    def put_file(self, data: bytes) -> Path:
        """Keep one evidence file content-addressed (written before the row that names it)."""
        digest = hashlib.sha256(data).hexdigest()
        dest = self.files_dir / digest
        if not dest.exists():
            write_bytes_atomic(dest, data)
        return dest

    def file_bytes(self, application_id: str, file: str) -> bytes | None:
        with self._lock:
            row = self.conn.execute(
                "SELECT stored_path FROM files WHERE application_id=? AND file=?", (application_id, file)
            ).fetchone()
        if row is None:
            return None
        try:
            return Path(row[0]).read_bytes()
        except OSError:
            return None

    def files(self, application_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT file, sha256, size FROM files WHERE application_id=? ORDER BY file", (application_id,)
            ).fetchall()
        return [{"file": r[0], "sha256": r[1], "size": r[2]} for r in rows]

    # -- applications -----------------------------------------------------------
    def save_application(
        self,
        result: ApplicationResult,
        files: dict[str, bytes] | None = None,
        source: str | None = None,
        actor: str = "系统",
        current: ApplicationResult | None = None,
    ) -> None:
        """Insert or replace an application's machine result (decisions are kept)."""
        stored = {rel: self.put_file(data) for rel, data in (files or {}).items()}
        current = current or result
        with self._write() as conn:
            old = conn.execute(
                "SELECT status, review_order FROM applications WHERE id=?", (result.application_id,)
            ).fetchone()
            status, order = (old[0], old[1]) if old else ("todo", None)
            conn.execute("DELETE FROM documents WHERE application_id=?", (result.application_id,))
            if files is not None:
                conn.execute("DELETE FROM files WHERE application_id=?", (result.application_id,))
            conn.execute(
                "INSERT OR REPLACE INTO applications (id, direction, company, machine_verdict, verdict, status,"
                " review_order, source, result_json, current_json, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    result.application_id,
                    current.direction,
                    _company(current),
                    result.verdict,
                    current.verdict,
                    status,
                    order,
                    source,
                    result.to_json(),
                    current.to_json(),
                    now_iso(),
                ),
            )
            for rel, path in stored.items():
                data_len = path.stat().st_size
                conn.execute(
                    "INSERT OR REPLACE INTO files (application_id, file, sha256, size, stored_path) VALUES (?,?,?,?,?)",
                    (result.application_id, rel, path.name, data_len, str(path)),
                )
            by_file = {rel: str(p) for rel, p in stored.items()}
            for i, d in enumerate(current.documents):
                conn.execute(
                    "INSERT INTO documents (application_id, doc_index, doc_key, file, sha256, doc_type, pages, title,"
                    " stored_path) VALUES (?,?,?,?,?,?,?,?,?)",
                    (
                        result.application_id,
                        i,
                        doc_key(d.file, d.pages, i),
                        d.file,
                        d.sha256,
                        d.doc_type,
                        json.dumps(d.pages),
                        d.title,
                        by_file.get(d.file),
                    ),
                )
            self._replace_findings(conn, result.application_id, current)
            self._audit(
                conn,
                actor,
                "intake",
                result.application_id,
                {"source": source, "files": len(stored), "verdict": result.verdict},
            )

    def _replace_findings(self, conn: sqlite3.Connection, app_id: str, current: ApplicationResult) -> None:
        conn.execute("DELETE FROM findings WHERE application_id=?", (app_id,))
        for seq, (fid, f) in enumerate(zip(finding_ids(current.findings), current.findings, strict=True)):
            conn.execute(
                "INSERT INTO findings (application_id, finding_id, seq, rule, status, message, evidence)"
                " VALUES (?,?,?,?,?,?,?)",
                (
                    app_id,
                    fid,
                    seq,
                    f.rule,
                    f.status,
                    f.message,
                    json.dumps(f.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
                ),
            )
        self._refresh_summary(conn, app_id)

    def _refresh_summary(self, conn: sqlite3.Connection, app_id: str) -> None:
        """Recompute counts and the reviewed verdict from findings and decisions (inside a write)."""
        current, retired = self._all_findings(conn, app_id)
        sf = current + retired
        counts = {"fail": 0, "missing": 0, "warn": 0, "review": 0}
        for f in sf:
            s = f.effective_status
            if s in counts:
                counts[s] += 1
        conn.execute(
            "UPDATE applications SET verdict=?, n_fail=?, n_missing=?, n_warn=?, n_review=?, updated_at=? WHERE id=?",
            (
                reviewed_verdict(sf),
                counts["fail"],
                counts["missing"],
                counts["warn"],
                counts["review"],
                now_iso(),
                app_id,
            ),
        )

    _APP_COLUMNS = (
        "id, direction, company, machine_verdict, verdict, n_fail, n_missing, n_warn, n_review,"
        " status, review_order, source, updated_at, archived"
    )

    def list_applications(self, include_archived: bool = False) -> list[AppRow]:
        """Applications in the list and the exports (archived ones only when asked)."""
        where = "" if include_archived else " WHERE archived = 0"
        with self._lock:
            rows = self.conn.execute(
                f"SELECT {self._APP_COLUMNS} FROM applications{where} ORDER BY direction, review_order, id"
            ).fetchall()
        return [AppRow(*r[:-1], archived=bool(r[-1])) for r in rows]

    def get_application(self, app_id: str) -> AppRow | None:
        with self._lock:
            r = self.conn.execute(
                f"SELECT {self._APP_COLUMNS} FROM applications WHERE id=?", (app_id,)
            ).fetchone()
        return AppRow(*r[:-1], archived=bool(r[-1])) if r else None

    def set_archived(self, app_id: str, archived: bool, reviewer: str) -> None:
        """Archive (leave the list and the exports; decisions and audit stay) or restore."""
        reviewer = _need_reviewer(reviewer)
        with self._write() as conn:
            row = conn.execute("SELECT archived FROM applications WHERE id=?", (app_id,)).fetchone()
            if row is None:
                raise StoreError(f"找不到申报材料 {app_id}")
            if bool(row[0]) == archived:
                return
            conn.execute(
                "UPDATE applications SET archived=?, updated_at=? WHERE id=?",
                (int(archived), now_iso(), app_id),
            )
            self._audit(
                conn,
                reviewer,
                "archive" if archived else "unarchive",
                app_id,
                {"from": bool(row[0]), "to": archived},
            )

    def machine_result(self, app_id: str) -> ApplicationResult | None:
        """The result as the machine read it (no corrections)."""
        return self._result(app_id, "result_json")

    def current_result(self, app_id: str) -> ApplicationResult | None:
        """The result after the reviewer's corrections (rules re-run)."""
        return self._result(app_id, "current_json")

    def _result(self, app_id: str, column: str) -> ApplicationResult | None:
        with self._lock:
            row = self.conn.execute(f"SELECT {column} FROM applications WHERE id=?", (app_id,)).fetchone()
        return ApplicationResult.model_validate_json(row[0]) if row else None

    def documents(self, app_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT doc_index, doc_key, file, sha256, doc_type, pages, title FROM documents"
                " WHERE application_id=? ORDER BY doc_index",
                (app_id,),
            ).fetchall()
        return [
            {
                "index": r[0],
                "key": r[1],
                "file": r[2],
                "sha256": r[3],
                "doc_type": r[4],
                "pages": json.loads(r[5]),
                "title": r[6],
            }
            for r in rows
        ]

    # -- findings & decisions ---------------------------------------------------
    def _decisions(self, conn: sqlite3.Connection, app_id: str) -> list[Decision]:
        rows = conn.execute(
            "SELECT id, application_id, finding_id, reviewer, time, decision, reason, correction, finding_json,"
            " supersedes FROM decisions WHERE application_id=? ORDER BY id",
            (app_id,),
        ).fetchall()
        return [
            Decision(
                *r[:7],
                correction=json.loads(r[7]) if r[7] else None,
                finding=Finding.model_validate_json(r[8]) if r[8] else None,
                supersedes=r[9],
            )
            for r in rows
        ]

    def decisions(self, app_id: str) -> list[Decision]:
        with self._lock:
            return self._decisions(self.conn, app_id)

    def _all_findings(
        self, conn: sqlite3.Connection, app_id: str
    ) -> tuple[list[StoredFinding], list[StoredFinding]]:
        """(current, retired): the findings the rules produce now (the application's own, then
        the batch findings naming it), and the decided findings they no longer produce."""
        rows = conn.execute(
            "SELECT finding_id, evidence FROM findings WHERE application_id=? ORDER BY seq", (app_id,)
        ).fetchall()
        rows += conn.execute(
            "SELECT b.finding_id, b.evidence FROM batch_findings b JOIN batch_links l ON l.finding_id = b.finding_id"
            " WHERE l.application_id=? ORDER BY b.seq",
            (app_id,),
        ).fetchall()
        history: dict[str, list[Decision]] = {}
        for d in self._decisions(conn, app_id):
            if d.finding_id and d.decision in ("confirmed", "false_positive"):
                history.setdefault(d.finding_id, []).append(d)
        current = []
        for fid, raw in rows:
            h = history.pop(fid, [])
            current.append(StoredFinding(fid, Finding.model_validate_json(raw), h[-1] if h else None, h))
        retired = []
        for fid, h in history.items():
            snap = next((d.finding for d in reversed(h) if d.finding is not None), None)
            if snap is None:  # decided before snapshots were kept and gone since: say so
                snap = Finding(rule="unknown", status="review", message="（该问题的原始内容未保存）")
            retired.append(StoredFinding(fid, snap, h[-1], h, retired=True))
        return current, retired

    def _stored_findings(self, conn: sqlite3.Connection, app_id: str) -> list[StoredFinding]:
        return self._all_findings(conn, app_id)[0]

    def findings(self, app_id: str) -> list[StoredFinding]:
        """Current findings (own, then batch findings naming the application) with their
        effective (latest) decision."""
        with self._lock:
            return self._stored_findings(self.conn, app_id)

    def retired_findings(self, app_id: str) -> list[StoredFinding]:
        """Findings a reviewer decided on that the rules no longer produce (e.g. after a
        correction): kept with their decision; a confirmed one still counts as 不符合."""
        with self._lock:
            return self._all_findings(self.conn, app_id)[1]

    def record_decision(
        self,
        app_id: str,
        finding_id: str,
        reviewer: str,
        decision: str,
        reason: str = "",
        expected: int | None = None,
    ) -> int:
        """Append a 确认问题 / 误报 decision and its audit row in one transaction; returns its id.

        ``expected`` is the finding's version the reviewer saw (:attr:`StoredFinding.version`:
        the id of the decision then in effect, 0 for none). When another decision came in
        between, nothing is written and :class:`StaleDecision` names it; ``None`` skips the
        check (scripts). 误报 needs a reason."""
        if decision not in ("confirmed", "false_positive"):
            raise StoreError(f"未知的审核决定：{decision}")
        reviewer = _need_reviewer(reviewer)
        reason = (reason or "").strip()
        if decision == "false_positive" and not reason:
            raise StoreError("标为误报必须填写理由（将记入审核记录）。")
        with self._write() as conn:
            current, retired = self._all_findings(conn, app_id)
            sf = next((f for f in current + retired if f.finding_id == finding_id), None)
            if sf is None:
                raise StoreError("该问题已不存在（规则可能已因更正而重新运行），请刷新页面后重试。")
            if expected is not None and sf.version != expected:
                raise StaleDecision(sf.decision)
            did = self._insert_decision(
                conn, app_id, finding_id, reviewer, decision, reason, None, sf.finding, sf.version or None
            )
            self._audit(
                conn,
                reviewer,
                f"decision:{decision}",
                app_id,
                {
                    "finding_id": finding_id,
                    "rule": sf.finding.rule,
                    "status": sf.finding.status,
                    "from": sf.decision.decision if sf.decision else None,
                    "from_reviewer": sf.decision.reviewer if sf.decision else None,
                    "to": decision,
                    "reason": reason,
                },
                did,
            )
            self._mark_in_progress(conn, app_id)
            self._refresh_summary(conn, app_id)
        return did

    def set_batch_findings(self, findings: list[Finding]) -> None:
        """Replace the cross-application findings (each naming its applications) and update
        the counts and verdicts of every application named before or now."""
        if self.read_only:
            return
        ids = finding_ids(findings)
        with self._write() as conn:
            touched = {r[0] for r in conn.execute("SELECT DISTINCT application_id FROM batch_links")}
            conn.execute("DELETE FROM batch_links")
            conn.execute("DELETE FROM batch_findings")
            for seq, (fid, f) in enumerate(zip(ids, findings, strict=True)):
                conn.execute(
                    "INSERT INTO batch_findings (finding_id, seq, rule, status, message, evidence) VALUES (?,?,?,?,?,?)",
                    (
                        fid,
                        seq,
                        f.rule,
                        f.status,
                        f.message,
                        json.dumps(f.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
                    ),
                )
                for aid in dict.fromkeys(f.applications or []):
                    conn.execute(
                        "INSERT INTO batch_links (finding_id, application_id) VALUES (?,?)", (fid, aid)
                    )
                    touched.add(aid)
            known = {r[0] for r in conn.execute("SELECT id FROM applications")}
            for aid in sorted(touched & known):
                self._refresh_summary(conn, aid)

    def batch_findings(self) -> list[Finding]:
        with self._lock:
            rows = self.conn.execute("SELECT evidence FROM batch_findings ORDER BY seq").fetchall()
        return [Finding.model_validate_json(r[0]) for r in rows]

    # -- recommendations ----------------------------------------------------------
    def set_recommendation(self, app_id: str, reviewer: str, recommend: bool, reason: str) -> int:
        """Recommend an application for 附件2 despite its findings (a reason is required), or
        withdraw that; append-only, audited."""
        reviewer = _need_reviewer(reviewer)
        reason = (reason or "").strip()
        if recommend and not reason:
            raise StoreError("在有问题的情况下仍推荐，必须填写理由。")
        with self._write() as conn:
            before = self._recommendation(conn, app_id)
            cur = conn.execute(
                "INSERT INTO recommendations (application_id, reviewer, time, recommend, reason) VALUES (?,?,?,?,?)",
                (app_id, reviewer, now_iso(), int(recommend), reason),
            )
            self._audit(
                conn,
                reviewer,
                "recommend" if recommend else "unrecommend",
                app_id,
                {"from": bool(before and before.recommend), "to": recommend, "reason": reason},
            )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _recommendation(conn: sqlite3.Connection, app_id: str) -> Recommendation | None:
        r = conn.execute(
            "SELECT id, application_id, reviewer, time, recommend, reason FROM recommendations"
            " WHERE application_id=? ORDER BY id DESC LIMIT 1",
            (app_id,),
        ).fetchone()
        return Recommendation(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) if r else None

    def recommendation(self, app_id: str) -> Recommendation | None:
        """The latest explicit recommendation (None: the verdict decides)."""
        with self._lock:
            return self._recommendation(self.conn, app_id)

    def record_correction(
        self,
        app_id: str,
        reviewer: str,
        correction: dict[str, Any],
        reason: str,
        current: ApplicationResult,
        finding_id: str | None = None,
        affected: list[dict[str, Any]] | None = None,
    ) -> int:
        """Append a correction, store the re-verified result and its findings, all in one transaction.

        ``affected`` (kept in the audit row) lists the decided findings the correction removes
        or changes, as shown to the reviewer before saving; their decisions stay."""
        reviewer = _need_reviewer(reviewer)
        with self._write() as conn:
            did = self._insert_decision(
                conn, app_id, finding_id, reviewer, "corrected", reason, correction, None, None
            )
            conn.execute(
                "UPDATE applications SET current_json=?, direction=?, company=? WHERE id=?",
                (current.to_json(), current.direction, _company(current), app_id),
            )
            self._audit(
                conn,
                reviewer,
                "decision:corrected",
                app_id,
                {
                    "correction": correction,
                    "reason": reason,
                    "verdict": current.verdict,
                    "affected": affected or [],
                },
                did,
            )
            self._mark_in_progress(conn, app_id)
            self._replace_findings(conn, app_id, current)
        return did

    @staticmethod
    def _insert_decision(
        conn: sqlite3.Connection,
        app_id: str,
        finding_id: str | None,
        reviewer: str,
        decision: str,
        reason: str,
        correction: dict[str, Any] | None,
        finding: Finding | None,
        supersedes: int | None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO decisions (application_id, finding_id, reviewer, time, decision, reason, correction,"
            " finding_json, supersedes) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                app_id,
                finding_id,
                reviewer,
                now_iso(),
                decision,
                reason or "",
                json.dumps(correction, ensure_ascii=False) if correction is not None else None,
                json.dumps(finding.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
                if finding is not None
                else None,
                supersedes,
            ),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _mark_in_progress(conn: sqlite3.Connection, app_id: str) -> None:
        conn.execute("UPDATE applications SET status='in_progress' WHERE id=? AND status='todo'", (app_id,))

    def corrections(self, app_id: str) -> list[Decision]:
        return [d for d in self.decisions(app_id) if d.decision == "corrected"]

    def set_status(self, app_id: str, status: str, reviewer: str) -> None:
        if status not in REVIEW_STATUSES:
            raise StoreError(f"未知的审核状态：{status}")
        reviewer = _need_reviewer(reviewer)
        with self._write() as conn:
            old = conn.execute("SELECT status FROM applications WHERE id=?", (app_id,)).fetchone()
            conn.execute(
                "UPDATE applications SET status=?, updated_at=? WHERE id=?", (status, now_iso(), app_id)
            )
            self._audit(conn, reviewer, "status", app_id, {"status": status, "from": old[0] if old else None})

    def set_order(self, orders: dict[str, int | None], reviewer: str) -> int:
        """Save the recommendation order of applications (within their direction); returns rows changed."""
        reviewer = _need_reviewer(reviewer)
        changed = 0
        with self._write() as conn:
            for app_id, order in orders.items():
                old = conn.execute("SELECT review_order FROM applications WHERE id=?", (app_id,)).fetchone()
                if old is None or old[0] == order:
                    continue
                conn.execute(
                    "UPDATE applications SET review_order=?, updated_at=? WHERE id=?",
                    (order, now_iso(), app_id),
                )
                self._audit(conn, reviewer, "order", app_id, {"from": old[0], "to": order})
                changed += 1
        return changed

    def order(self) -> dict[str, int]:
        return {a.id: a.review_order for a in self.list_applications() if a.review_order is not None}

    def audit_log(self, app_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            q = "SELECT id, time, actor, action, application_id, decision_id, detail FROM audit"
            rows = (
                self.conn.execute(q + " WHERE application_id=? ORDER BY id", (app_id,)).fetchall()
                if app_id
                else self.conn.execute(q + " ORDER BY id").fetchall()
            )
        return [
            {
                "id": r[0],
                "time": r[1],
                "actor": r[2],
                "action": r[3],
                "application_id": r[4],
                "decision_id": r[5],
                "detail": json.loads(r[6]),
            }
            for r in rows
        ]


def _company(app: ApplicationResult) -> str | None:
    v = app.declared.get("company_name")
    return str(v) if v else None


def _need_reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name:
        raise StoreError("请先在侧边栏填写审核人姓名，再记录审核决定。")
    return name

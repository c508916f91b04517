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

import contextlib
import datetime as _dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.contract import ApplicationResult, Finding, compute_verdict
from review.atomic import write_bytes_atomic
from review.cache import ReadCache, connect

DEFAULT_DB = "data/evreview.db"
SCHEMA_VERSION = 2
BEIJING = _dt.timezone(_dt.timedelta(hours=8), "北京时间")
DECISIONS = ("confirmed", "false_positive", "corrected")
DECISION_LABELS = {"confirmed": "确认问题", "false_positive": "误报（忽略）", "corrected": "更正数值"}
REVIEW_STATUSES = ("todo", "in_progress", "done")
REVIEW_STATUS_LABELS = {"todo": "未审", "in_progress": "审核中", "done": "已完成"}

# Version 1: the schema as released before versions (tests/fixtures/store_schema_v1.sql).
_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY,
    direction TEXT,
    company TEXT,
    machine_verdict TEXT NOT NULL,
    verdict TEXT NOT NULL,
    n_fail INTEGER NOT NULL DEFAULT 0,
    n_missing INTEGER NOT NULL DEFAULT 0,
    n_warn INTEGER NOT NULL DEFAULT 0,
    n_review INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'todo',
    review_order INTEGER,
    source TEXT,
    result_json TEXT NOT NULL,
    current_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    application_id TEXT NOT NULL REFERENCES applications(id),
    doc_index INTEGER NOT NULL,
    doc_key TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    pages TEXT NOT NULL,
    title TEXT,
    stored_path TEXT,
    PRIMARY KEY (application_id, doc_index)
);
CREATE TABLE IF NOT EXISTS files (
    application_id TEXT NOT NULL REFERENCES applications(id),
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    stored_path TEXT NOT NULL,
    PRIMARY KEY (application_id, file)
);
CREATE TABLE IF NOT EXISTS findings (
    application_id TEXT NOT NULL REFERENCES applications(id),
    finding_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (application_id, finding_id)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL,
    finding_id TEXT,
    reviewer TEXT NOT NULL,
    time TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'false_positive', 'corrected')),
    reason TEXT NOT NULL DEFAULT '',
    correction TEXT
);
CREATE INDEX IF NOT EXISTS decisions_app ON decisions(application_id, id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    application_id TEXT,
    decision_id INTEGER,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_decision ON audit(decision_id);
"""

# Forward migrations: version -> statements (run in order, in one transaction, at open).
_MIGRATIONS: dict[int, list[str]] = {
    2: [
        # the finding as the reviewer saw it, kept with the decision (it may stop firing later)
        "ALTER TABLE decisions ADD COLUMN finding_json TEXT",
        # the decision the reviewer saw and chose to replace (optimistic version check)
        "ALTER TABLE decisions ADD COLUMN supersedes INTEGER",
        "ALTER TABLE applications ADD COLUMN archived INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS decisions_finding ON decisions(application_id, finding_id, id)",
        "CREATE TABLE IF NOT EXISTS batch_findings (finding_id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
        " rule TEXT NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, evidence TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS batch_links (finding_id TEXT NOT NULL, application_id TEXT NOT NULL,"
        " PRIMARY KEY (finding_id, application_id))",
        "CREATE INDEX IF NOT EXISTS batch_links_app ON batch_links(application_id)",
        "CREATE TABLE IF NOT EXISTS recommendations (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " application_id TEXT NOT NULL, reviewer TEXT NOT NULL, time TEXT NOT NULL,"
        " recommend INTEGER NOT NULL, reason TEXT NOT NULL)",
        "CREATE TRIGGER IF NOT EXISTS recommendations_no_update BEFORE UPDATE ON recommendations"
        " BEGIN SELECT RAISE(ABORT, 'recommendations are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS recommendations_no_delete BEFORE DELETE ON recommendations"
        " BEGIN SELECT RAISE(ABORT, 'recommendations are append-only'); END",
        # earlier decisions get the finding they were made on, where it is still stored
        "DROP TRIGGER IF EXISTS decisions_no_update",
        "UPDATE decisions SET finding_json = (SELECT f.evidence FROM findings f WHERE"
        " f.application_id = decisions.application_id AND f.finding_id = decisions.finding_id)"
        " WHERE finding_json IS NULL AND finding_id IS NOT NULL",
        "CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions"
        " BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    ],
}


def _statements(script: str) -> list[str]:
    """Split a schema script into statements (a trigger body keeps its inner ``;``)."""
    out, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf).strip())
    return out


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> tuple[int, int]:
    """Bring the database to :data:`SCHEMA_VERSION` in one transaction; returns (from, to).

    A database without a version but with the review tables is version 1 (made before
    versions existed); an empty one is created as version 1 and migrated like any other,
    so every new store runs the same migrations as an upgraded one.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        start = version
        if version == 0:
            exists = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='applications'"
            ).fetchone()
            if not exists:
                for stmt in _statements(_SCHEMA_V1):
                    conn.execute(stmt)
            version = start = 1
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"数据库版本（{version}）比本程序支持的版本（{SCHEMA_VERSION}）新：请升级 evreview 后再打开"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for stmt in _MIGRATIONS[target]:
                conn.execute(stmt)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return start, SCHEMA_VERSION


def backup_database(source: str | Path, out: str | Path) -> dict[str, Any]:
    """Copy the review database with SQLite's online backup API; returns what was copied.

    The copy is one consistent snapshot taken under a read transaction (WAL readers never
    block the UI's writers), written next to ``out`` and renamed into place; it is checked
    with ``PRAGMA integrity_check`` before the rename. ``out`` may be a folder.
    """
    src_path = Path(source)
    if not src_path.is_file():
        raise StoreError(f"数据库文件不存在：{src_path}")
    dest = Path(out)
    if dest.is_dir():
        stamp = _dt.datetime.now(BEIJING).strftime("%Y%m%d-%H%M%S")
        dest = dest / f"evreview-{stamp}.db"
    if dest.exists() and dest.resolve() == src_path.resolve():
        raise StoreError("备份文件不能与数据库本身相同")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(src_path), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)  # all pages in one step: one snapshot, never restarted by writers
            dst.execute("PRAGMA journal_mode=DELETE")
            check = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
            version = schema_version(dst)
            counts = {
                t: int(dst.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("applications", "decisions", "audit")
                if dst.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (t,)).fetchone()
            }
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        tmp.unlink(missing_ok=True)
        raise StoreError(f"备份副本完整性检查未通过（{check}），未写入 {dest}")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    with contextlib.suppress(OSError):
        dfd = os.open(str(dest.parent), os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return {"path": str(dest), "schema_version": version, "bytes": dest.stat().st_size, **counts}


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


def default_db_path() -> Path:
    return Path(os.environ.get("EVREVIEW_DB") or DEFAULT_DB)


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

"""The review database's schema: versions, forward migrations, and the online backup.

The schema carries a version (``PRAGMA user_version``); :func:`migrate` brings a database to
:data:`SCHEMA_VERSION` in one transaction (a database without a version is version 1, the
release before versions). :func:`backup_database` copies the database with SQLite's online
backup API (one consistent snapshot while the UI keeps writing).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
from pathlib import Path
from typing import Any

from review.records import BEIJING, StoreError

SCHEMA_VERSION = 2


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

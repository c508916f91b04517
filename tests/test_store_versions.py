"""The store's decision versions, schema migrations and online backup.

- a decision made on a stale view is refused and names who changed it;
- a database made by the release before schema versions (built here from that release's
  schema, ``tests/fixtures/store_schema_v1.sql``, with rows written the way it wrote them)
  opens, migrates forward and keeps every decision;
- ``evreview backup`` copies a consistent database while another process keeps writing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.contract import ApplicationResult, EvidenceRef, Finding
from review.store import (
    SCHEMA_VERSION,
    StaleDecision,
    Store,
    StoreError,
    backup_database,
    finding_ids,
    schema_version,
)

ROOT = Path(__file__).resolve().parents[1]
V1_SQL = Path(__file__).parent / "fixtures" / "store_schema_v1.sql"


def _app(app_id: str = "app-001", total: str = "107.00") -> ApplicationResult:
    return ApplicationResult(
        application_id=app_id,
        direction="compute_subsidy",
        declared={"company_name": "泉州智算科技有限公司"},
        findings=[
            Finding(
                rule="invoice.arithmetic",
                status="fail",
                message="金额+税额≠价税合计",
                evidence=[EvidenceRef(file="发票.pdf", page=1, field="total_incl_tax", value=total)],
            ),
            Finding(
                rule="invoice.qr_matches",
                status="fail",
                message="二维码金额与票面不一致",
                evidence=[
                    EvidenceRef(file="发票.pdf", page=1, field="qr", value="01,32,,1234,100.00,20230501")
                ],
            ),
            Finding(rule="evidence.readable", status="review", message="一页无法读取"),
        ],
        verdict="fail",
    )


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "evreview.db")
    yield s
    s.close()


def _sf(store: Store, rule: str, app_id: str = "app-001"):
    return next(f for f in store.findings(app_id) if f.finding.rule == rule)


def test_stale_decision_is_refused_and_names_the_other_reviewer(store: Store) -> None:
    store.save_application(_app())
    seen_by_a = _sf(store, "invoice.arithmetic")  # both reviewers load the page
    seen_by_b = _sf(store, "invoice.arithmetic")
    assert seen_by_a.version == seen_by_b.version == 0
    store.record_decision(
        "app-001", seen_by_b.finding_id, "陈复核", "false_positive", "票面无误", seen_by_b.version
    )
    with pytest.raises(StaleDecision) as exc:
        store.record_decision("app-001", seen_by_a.finding_id, "张审核", "confirmed", "", seen_by_a.version)
    assert str(exc.value).startswith("陈复核刚将此项标为误报（忽略）") and str(exc.value).endswith(
        "是否覆盖？"
    )
    assert exc.value.current is not None and exc.value.current.reviewer == "陈复核"
    # nothing was written by the refused click
    assert [d.reviewer for d in store.decisions("app-001")] == ["陈复核"]
    # the reviewer chooses to override, naming the decision they now saw
    did = store.record_decision(
        "app-001", seen_by_a.finding_id, "张审核", "confirmed", "复核确认", exc.value.current.id
    )
    now = _sf(store, "invoice.arithmetic")
    assert now.decision.id == did and now.decision.supersedes == exc.value.current.id
    assert [d.decision for d in now.history] == ["false_positive", "confirmed"]
    audit = next(a for a in store.audit_log("app-001") if a["decision_id"] == did)
    assert audit["detail"]["from"] == "false_positive" and audit["detail"]["to"] == "confirmed"
    assert audit["detail"]["from_reviewer"] == "陈复核"


def test_false_positive_needs_a_reason(store: Store) -> None:
    store.save_application(_app())
    sf = _sf(store, "invoice.arithmetic")
    with pytest.raises(StoreError, match="误报必须填写理由"):
        store.record_decision("app-001", sf.finding_id, "张审核", "false_positive", "  ", 0)
    assert store.decisions("app-001") == []


def test_a_decided_finding_that_stops_firing_is_kept(store: Store) -> None:
    store.save_application(_app())
    qr = _sf(store, "invoice.qr_matches")
    store.record_decision("app-001", qr.finding_id, "张审核", "confirmed", "发票被改", 0)
    # a correction re-runs the rules; the QR finding no longer fires
    after = _app()
    after.findings = [f for f in after.findings if f.rule != "invoice.qr_matches"]
    store.record_correction(
        "app-001", "张审核", {"target": "document", "field": "total_incl_tax", "value": "1"}, "改值", after
    )
    assert not any(f.finding.rule == "invoice.qr_matches" for f in store.findings("app-001"))
    (kept,) = store.retired_findings("app-001")
    assert (
        kept.retired and kept.finding.rule == "invoice.qr_matches" and kept.decision.decision == "confirmed"
    )
    # a confirmed problem still counts: the verdict stays 不通过
    row = store.get_application("app-001")
    assert row.verdict == "fail" and row.n_fail >= 1
    # it can still be decided on (withdrawn), which is what changes the verdict
    store.record_decision(
        "app-001", kept.finding_id, "张审核", "false_positive", "更正后确认无问题", kept.version
    )
    assert store.retired_findings("app-001")[0].decision.decision == "false_positive"


def test_batch_findings_reach_each_named_application(store: Store) -> None:
    clean = _app("app-a")
    clean.findings = [Finding(rule="invoice.arithmetic", status="pass", message="相符")]
    other = _app("app-b")
    other.findings = list(clean.findings)
    store.save_application(clean)
    store.save_application(other)
    assert store.get_application("app-a").verdict == "pass"
    dup = Finding(
        rule="invoice.duplicate",
        status="fail",
        message="同一发票被两份申报使用",
        applications=["app-a", "app-b"],
        evidence=[
            EvidenceRef(file="发票.pdf", application_id="app-a"),
            EvidenceRef(file="x.pdf", application_id="app-b"),
        ],
    )
    store.set_batch_findings([dup])
    for aid in ("app-a", "app-b"):
        row = store.get_application(aid)
        assert row.verdict == "fail" and row.n_fail == 1, aid
        assert any(f.is_batch and f.finding.rule == "invoice.duplicate" for f in store.findings(aid))
    # a decision on the batch finding applies to the application it was made for
    sf = next(f for f in store.findings("app-a") if f.is_batch)
    store.record_decision("app-a", sf.finding_id, "张审核", "false_positive", "实为同一采购的两份复印件", 0)
    assert store.get_application("app-a").verdict == "pass"
    assert store.get_application("app-b").verdict == "fail"
    store.set_batch_findings([])
    assert store.get_application("app-b").verdict == "pass"


def test_archive_and_recommendation(store: Store) -> None:
    store.save_application(_app("app-a"))
    store.save_application(_app("app-b"))
    store.set_archived("app-b", True, "张审核")
    assert [a.id for a in store.list_applications()] == ["app-a"]
    assert store.get_application("app-b").archived
    assert [a["action"] for a in store.audit_log("app-b")][-1] == "archive"
    with pytest.raises(StoreError, match="理由"):
        store.set_recommendation("app-a", "张审核", True, "")
    store.set_recommendation("app-a", "张审核", True, "问题已由申报单位补正")
    rec = store.recommendation("app-a")
    assert rec.recommend and rec.reason == "问题已由申报单位补正"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM recommendations")


def _v1_database(db: Path) -> dict[str, str]:
    """A database as the release before schema versions made it: its schema script, then rows
    written with its statements (an application, findings, decisions with audit rows)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(V1_SQL.read_text(encoding="utf-8"))
    app = _app()
    ids = finding_ids(app.findings)
    conn.execute(
        "INSERT INTO applications (id, direction, company, machine_verdict, verdict, status, review_order, source,"
        " result_json, current_json, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            "app-001",
            app.direction,
            "泉州智算科技有限公司",
            "fail",
            "fail",
            "todo",
            3,
            "/x",
            app.to_json(),
            app.to_json(),
            "2026-12-01T09:00:00+00:00",
        ),
    )
    for seq, (fid, f) in enumerate(zip(ids, app.findings, strict=True)):
        conn.execute(
            "INSERT INTO findings (application_id, finding_id, seq, rule, status, message, evidence) VALUES (?,?,?,?,?,?,?)",
            (
                "app-001",
                fid,
                seq,
                f.rule,
                f.status,
                f.message,
                json.dumps(f.model_dump(mode="json", exclude_none=True), ensure_ascii=False),
            ),
        )
    for i, (fid, kind, reason) in enumerate(
        ((ids[0], "false_positive", "旧版本记录"), (ids[1], "confirmed", ""))
    ):
        cur = conn.execute(
            "INSERT INTO decisions (application_id, finding_id, reviewer, time, decision, reason, correction)"
            " VALUES (?,?,?,?,?,?,?)",
            ("app-001", fid, "陈复核", f"2026-12-01T09:0{i}:00+00:00", kind, reason, None),
        )
        conn.execute(
            "INSERT INTO audit (time, actor, action, application_id, decision_id, detail) VALUES (?,?,?,?,?,?)",
            (
                "2026-12-01T09:00:00+00:00",
                "陈复核",
                f"decision:{kind}",
                "app-001",
                cur.lastrowid,
                json.dumps({"finding_id": fid, "reason": reason}, ensure_ascii=False),
            ),
        )
    # the read cache lives in the same file
    conn.execute(
        "CREATE TABLE read_cache (sha256 TEXT NOT NULL, extractor_version TEXT NOT NULL, result BLOB NOT NULL,"
        " created_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (sha256, extractor_version))"
    )
    conn.close()
    return {"arith": ids[0], "qr": ids[1]}


def test_migrates_a_database_made_before_schema_versions(tmp_path: Path) -> None:
    db = tmp_path / "evreview.db"
    ids = _v1_database(db)
    with sqlite3.connect(db) as raw:
        assert schema_version(raw) == 0
    s = Store(db)
    try:
        assert not s.read_only, s.integrity_error
        assert s.migrated == (1, SCHEMA_VERSION)
        assert schema_version(s.conn) == SCHEMA_VERSION
        row = s.get_application("app-001")
        assert row.review_order == 3 and not row.archived
        by_rule = {f.finding.rule: f for f in s.findings("app-001")}
        assert by_rule["invoice.arithmetic"].decision.decision == "false_positive"
        assert by_rule["invoice.qr_matches"].decision.decision == "confirmed"
        # old decisions got the finding they were made on
        assert all(d.finding is not None for d in s.decisions("app-001"))
        # the optimistic check works on migrated rows: the version is the old decision's id
        qr = by_rule["invoice.qr_matches"]
        with pytest.raises(StaleDecision, match="陈复核"):
            s.record_decision("app-001", ids["qr"], "张审核", "false_positive", "复核", 0)
        s.record_decision("app-001", ids["qr"], "张审核", "false_positive", "复核", qr.version)
        # the append-only triggers survived the migration
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            s.conn.execute("UPDATE decisions SET reason='x'")
        assert s.integrity_check() == "ok"
    finally:
        s.close()
    # opening again is a no-op
    s2 = Store(db)
    try:
        assert s2.migrated == (SCHEMA_VERSION, SCHEMA_VERSION) and len(s2.decisions("app-001")) == 3
    finally:
        s2.close()


def test_a_newer_database_opens_read_only(tmp_path: Path) -> None:
    db = tmp_path / "evreview.db"
    Store(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    s = Store(db)
    try:
        assert s.read_only and "升级" in (s.integrity_error or "")
        with pytest.raises(StoreError, match="停止一切写入"):
            s.save_application(_app())
    finally:
        s.close()


WRITER = r"""
import sys
from review.store import Store
store = Store(sys.argv[1])
fids = [f.finding_id for f in store.findings("app-001")]
print("ready", flush=True)
i = 0
while True:
    store.record_decision("app-001", fids[i % len(fids)], "压力测试", ("confirmed", "false_positive")[i % 2], f"第{i}次")
    i += 1
"""


def test_backup_while_a_writer_is_active(tmp_path: Path) -> None:
    db = tmp_path / "data" / "evreview.db"
    s = Store(db)
    s.save_application(_app())
    s.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, env=env)
    try:
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(0.3)
        copies = []
        for n in range(3):
            out = tmp_path / f"backup-{n}.db"
            proc = subprocess.run(
                [sys.executable, "-m", "review.cli", "backup", str(out), "--db", str(db)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == 0, proc.stderr
            assert "Traceback" not in proc.stderr and "已备份" in proc.stdout
            copies.append(out)
            time.sleep(0.2)
        assert writer.poll() is None  # the writer kept going through the backups
    finally:
        writer.kill()
        writer.wait()
    counts = []
    for out in copies:
        conn = sqlite3.connect(out)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            n_dec = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
            n_audit = conn.execute("SELECT count(*) FROM audit WHERE action LIKE 'decision:%'").fetchone()[0]
            assert n_dec == n_audit  # a snapshot between transactions, never half of one
            counts.append(n_dec)
        finally:
            conn.close()
        restored = Store(out)
        try:
            assert not restored.read_only and restored.get_application("app-001") is not None
        finally:
            restored.close()
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0
    # backing up into a folder names the file by Beijing time; a missing database is a Chinese error
    info = backup_database(db, tmp_path)
    assert Path(info["path"]).name.startswith("evreview-") and info["decisions"] >= counts[-1]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "review.cli",
            "backup",
            str(tmp_path / "x.db"),
            "--db",
            str(tmp_path / "none.db"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "数据库文件不存在" in proc.stderr and "Traceback" not in proc.stderr

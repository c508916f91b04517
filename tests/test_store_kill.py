"""Crash test: a writer process is SIGKILLed at random moments, many times.

Every decision the writer acknowledged (printed after COMMIT returned) must be in the
database, every decision must have its audit row and every decision audit row its
decision (no half-written transaction), and ``PRAGMA integrity_check`` must say ok.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from models.contract import ApplicationResult, Finding
from review.store import Store

KILLS = 30
SEED = 20240607
BUDGET_S = 19.0

CHILD = r"""
import sys
from review.store import Store
store = Store(sys.argv[1])
fids = [f.finding_id for f in store.findings("app-kill")]
print("ready", flush=True)
i = 0
while True:
    fid = fids[i % len(fids)]
    did = store.record_decision("app-kill", fid, "压力测试", ("confirmed", "false_positive")[i % 2], f"第{i}次")
    print(did, flush=True)
    i += 1
"""


def _seed_db(db: Path) -> None:
    app = ApplicationResult(
        application_id="app-kill",
        direction="compute_subsidy",
        declared={"company_name": "泉州智算科技有限公司"},
        findings=[
            Finding(rule="invoice.arithmetic", status="fail", message="金额不符"),
            Finding(rule="evidence.readable", status="review", message="无法读取"),
        ],
        verdict="fail",
    )
    s = Store(db)
    s.save_application(app)
    s.close()


def _run_once(db: Path, rng: random.Random, acked: set[int]) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    buf = b""
    # measured from the spawn: some kills land while the store is opening, most mid-writes
    deadline = time.monotonic() + rng.uniform(0.25, 0.8)
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line and line != b"ready":
                    acked.add(int(line))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # a full line already in the pipe was acknowledged before the kill
        rest = buf + proc.stdout.read()
        for line in rest.split(b"\n")[:-1]:
            if line and line != b"ready":
                acked.add(int(line))


def test_sigkill_never_loses_an_acknowledged_decision(tmp_path: Path) -> None:
    db = tmp_path / "evreview.db"
    _seed_db(db)
    rng = random.Random(SEED)
    acked: set[int] = set()
    started = time.monotonic()
    kills = 0
    while kills < KILLS and time.monotonic() - started < BUDGET_S:
        _run_once(db, rng, acked)
        kills += 1
    s = Store(db)
    try:
        assert s.integrity_check() == "ok"
        assert not s.read_only
        ids = {d.id for d in s.decisions("app-kill")}
        lost = acked - ids
        audit = s.audit_log("app-kill")
        audited = {a["decision_id"] for a in audit if a["action"].startswith("decision:")}
        print(f"kills={kills} acknowledged={len(acked)} stored={len(ids)} lost={len(lost)}")
        assert kills >= 10
        assert len(acked) > 0
        assert lost == set()
        assert audited == ids  # every decision has its audit row, and no orphan audit rows
        assert all(a["decision_id"] is not None for a in audit if a["action"].startswith("decision:"))
        # the summary row was updated in the same transactions: it matches the latest decisions
        latest = {f.finding_id: f.decision.decision for f in s.findings("app-kill") if f.decision}
        assert len(latest) == 2
        row = s.get_application("app-kill")
        expected_fail = sum(1 for v in latest.values() if v == "confirmed")
        assert row.n_fail == expected_fail
    finally:
        s.close()

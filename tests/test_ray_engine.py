"""``evreview batch --engine ray``: the same per-application work on a (local) Ray cluster.

Ray is an optional extra (``pip install "evreview[ray]"``); without it these tests skip, except
in CI (``CI=true``) or with ``EVREVIEW_REQUIRE_RAY=1`` (``make test-ray``), where a missing Ray is
an error: CI installs the extra (Makefile) and must run this path."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from models.contract import ApplicationResult, compute_verdict
from review.batch import find_applications, run_batch
from review.cache import ReadCache
from tests.test_batch import SAMPLES, TEXT_APPS, logo_pdf, sequential

RAY_REQUIRED = os.environ.get("CI") == "true" or os.environ.get("EVREVIEW_REQUIRE_RAY") == "1"
try:
    import ray
except ImportError:
    if RAY_REQUIRED:
        raise
    pytest.skip('Ray is not installed (optional extra: pip install "evreview[ray]")', allow_module_level=True)


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    assert ray.cluster_resources().get("CPU") == 2  # a local instance with 2 worker CPUs
    yield
    ray.shutdown()


def test_ray_engine_matches_local_results_caches_and_resumes(tmp_path: Path, local_ray) -> None:
    if not all((SAMPLES / n).is_dir() for n in TEXT_APPS):
        pytest.skip(f"sample applications {SAMPLES} are absent")
    root = tmp_path / "in"
    for name in TEXT_APPS:
        shutil.copytree(SAMPLES / name, root / name)
    (root / "app-007" / "回单合集.pdf").write_bytes(logo_pdf(6, "ray"))
    out, db = tmp_path / "out", tmp_path / "c.db"

    summary = run_batch(root, out, engine="ray", db=str(db), show_progress=False, split_min_pages=4)
    st = summary["stats"]
    assert st["engine"] == "ray" and st["verified"] == 2
    assert st["split_files"] == 1 and st["split_parts"] >= 2 and st["ocr_pages"] == 0
    for app in find_applications(root):
        got = ApplicationResult.model_validate_json((out / f"{app.name}.json").read_text(encoding="utf-8"))
        own = [f for f in got.findings if f.applications is None]  # + the batch findings naming it
        got = got.model_copy(update={"findings": own, "verdict": compute_verdict(own)})
        assert got.model_dump() == sequential(app).model_dump(), app.name
    assert [
        a["application_id"] for a in json.loads((out / "summary.json").read_text())["applications"]
    ] == list(TEXT_APPS)
    # the cache actor wrote every file read into the driver's SQLite store
    cache = ReadCache(db)
    n = cache._conn.execute("SELECT COUNT(*) FROM read_cache").fetchone()[0]
    cache.close()
    assert n == st["files_read"] == st["files"]

    again = run_batch(root, out, engine="ray", db=str(db), show_progress=False)["stats"]
    assert again["resumed"] == 2 and again["verified"] == 0

    (root / "app-004" / "补充.pdf").write_bytes(logo_pdf(1, "extra"))
    third = run_batch(root, out, engine="ray", db=str(db), show_progress=False)["stats"]
    assert third["verified"] == 1 and third["files_read"] == 1 and third["cache_hits"] == third["files"] - 1

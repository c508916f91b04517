"""The read cache's key follows the code: an upgrade of the readers re-reads (issue: stale reads)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from extractor.read import ReadContext, read_bytes
from extractor.version import EXTRACTOR_VERSION, code_version
from review.cache import ReadCache

ROOT = Path(__file__).resolve().parents[1]


def _version_in(tree: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import extractor.version as v; print(v.__file__); print(v.EXTRACTOR_VERSION)",
        ],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out[0].startswith(str(tree)), out  # the copied code was imported, not the project's
    return out[1]


def test_version_is_derived_from_the_sources(tmp_path: Path) -> None:
    assert EXTRACTOR_VERSION == code_version("extractor", "models")
    for pkg in ("extractor", "models"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    before = _version_in(tmp_path)
    assert before == EXTRACTOR_VERSION
    # an "upgrade": one reader changes
    pdf = tmp_path / "extractor" / "readers" / "pdf.py"
    pdf.write_text(pdf.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after = _version_in(tmp_path)
    assert after != before
    # a page-model change counts too
    (tmp_path / "extractor" / "readers" / "pdf.py").write_text(
        pdf.read_text(encoding="utf-8").replace("# changed", "")
    )
    page = tmp_path / "models" / "page.py"
    page.write_text(page.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _version_in(tmp_path) not in (before, after)


def test_an_upgrade_re_reads(tmp_path: Path) -> None:
    data = (ROOT / "sample_docs" / "applications" / "app-001" / "01营业执照.pdf").read_bytes()
    result = read_bytes(data, "licence.pdf", ReadContext())
    db = tmp_path / "cache.db"
    old = ReadCache(db, version="src-old")
    old.put(result)
    assert old.get(result.sha256) is not None
    old.close()
    new = ReadCache(db)  # the installed code's version
    assert new.version == EXTRACTOR_VERSION != "src-old"
    assert new.get(result.sha256) is None  # stale read not reused: the file is read again
    assert new.misses == 1
    new.close()

"""The read cache's key follows the code: an upgrade of the readers re-reads (issue: stale reads)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from extractor.read import ReadContext, read_bytes
from extractor.version import EXTRACTOR_VERSION, READ_VERSION, code_version
from review.cache import ReadCache

ROOT = Path(__file__).resolve().parents[1]


def _versions_in(tree: Path) -> tuple[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import extractor.version as v; print(v.__file__); print(v.EXTRACTOR_VERSION); print(v.READ_VERSION)",
        ],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out[0].startswith(str(tree)), out  # the copied code was imported, not the project's
    return out[1], out[2]


def _version_in(tree: Path) -> str:
    return _versions_in(tree)[0]


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
    assert new.version == READ_VERSION != "src-old"
    assert new.get(result.sha256) is None  # stale read not reused: the file is read again
    assert new.misses == 1
    new.close()


def test_read_cache_key_follows_the_reading_code_only(tmp_path: Path) -> None:
    """A reader change re-reads; a field-extractor change keeps the cached pages (no re-OCR)
    while the results' version still changes."""
    for pkg in ("extractor", "models"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    ext0, read0 = _versions_in(tmp_path)
    assert (ext0, read0) == (EXTRACTOR_VERSION, READ_VERSION)
    contract = tmp_path / "extractor" / "fields" / "contract.py"
    contract.write_text(contract.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    ext1, read1 = _versions_in(tmp_path)
    assert ext1 != ext0 and read1 == read0
    ocr = tmp_path / "extractor" / "ocr.py"  # imported by the readers, late
    ocr.write_text(ocr.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    ext2, read2 = _versions_in(tmp_path)
    assert ext2 != ext1 and read2 != read1
    # a data file of the extractor counts for reads whoever loads it
    (tmp_path / "extractor" / "new_table.json").write_text("{}", encoding="utf-8")
    assert _versions_in(tmp_path)[1] != read2

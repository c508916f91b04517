"""Golden tests: one case per sample document, the expected extraction stored beside it.

tests/golden/<application>/<file>.json holds what `extract_documents` produced for that
file when it was last reviewed: doc types, page lists, reading method and every field
value with its page. A change in extraction shows up here as a diff to review. To accept
new output deliberately, regenerate with

    EVREVIEW_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py -m ""

and review the diff of tests/golden before committing. Scanned documents (OCR) are
marked slow.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor.extract import extract_documents
from extractor.read import read_path
from models.contract import to_json_value

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "sample_docs" / "applications"
TRUTH = ROOT / "sample_docs" / "truth"
GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("EVREVIEW_REGEN_GOLDEN") == "1"


def _scanned_files() -> set[str]:
    out: set[str] = set()
    for t in TRUTH.glob("app-*.json"):
        truth = json.loads(t.read_text(encoding="utf-8"))
        for d in truth.get("documents", []):
            if d.get("scanned"):
                out.add(f"{truth['application_id']}/{d['file']}")
    return out


def _cases() -> list:
    if not APPS.is_dir():
        return []
    scanned = _scanned_files()
    cases = []
    for path in sorted(p for p in APPS.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(APPS).as_posix()
        marks = [pytest.mark.slow] if rel in scanned else []
        cases.append(pytest.param(rel, id=rel, marks=marks))
    return cases


def snapshot(rel: str) -> list[dict]:
    """What the golden file records for one sample file."""
    read = read_path(APPS / rel, name=rel.split("/", 1)[1])
    docs = []
    for d in extract_documents(read):
        docs.append(
            {
                "doc_type": d.doc_type,
                "pages": d.pages,
                "method": d.method,
                "errors": d.errors,
                "fields": {k: {"value": to_json_value(fv.value), "page": fv.page} for k, fv in sorted(d.fields.items())},
            }
        )
    return docs


def golden_path(rel: str) -> Path:
    return GOLDEN / f"{rel}.json"


@pytest.mark.parametrize("rel", _cases())
def test_extraction_matches_golden(rel: str):
    got = snapshot(rel)
    path = golden_path(rel)
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file for {rel}: regenerate with EVREVIEW_REGEN_GOLDEN=1 and review it"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_regeneration_is_off():
    """CI must compare, never rewrite, the golden files."""
    assert not REGEN, "EVREVIEW_REGEN_GOLDEN is set: golden files are being rewritten, not checked"


def test_every_golden_file_has_a_sample():
    """A golden file whose sample is gone would never be checked."""
    if not APPS.is_dir():
        pytest.skip("sample_docs/applications is missing")
    stale = [
        p.relative_to(GOLDEN).as_posix()
        for p in GOLDEN.rglob("*.json")
        if not (APPS / p.relative_to(GOLDEN).as_posix()[: -len(".json")]).exists()
    ]
    assert not stale

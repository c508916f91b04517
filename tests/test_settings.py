"""The settings (every ``EVREVIEW_*`` variable) are read in one place, ``models.settings``, and
the README's table of settings lists exactly those names."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from extractor.limits import Limits
from models import settings
from models.settings import SETTINGS_HELP, current

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"EVREVIEW_[A-Z0-9_]*[A-Z0-9]")
# the code that runs for a reviewer or an administrator (tests and the test tooling have
# their own switches, e.g. EVREVIEW_REQUIRE_RAY in `make test-ray`; they are not settings)
CODE = ("models", "extractor", "verifiers", "review", "app_pages", "app.py", "bench")
PATTERN = "EVREVIEW_LIMIT_<NAME>"


def _readme_names() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(EVREVIEW_[A-Z0-9_<>]+)` \|", section, re.M)


def _code_names() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in CODE:
        path = ROOT / entry
        for f in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for name in NAME.findall(f.read_text(encoding="utf-8")):
                found.setdefault(name, set()).add(str(f.relative_to(ROOT)))
    return found


def test_readme_table_lists_exactly_the_settings() -> None:
    names = _readme_names()
    assert len(names) == len(set(names)), "a setting is listed twice in the README"
    assert set(names) == set(SETTINGS_HELP)


def test_every_evreview_name_in_the_code_is_a_documented_setting() -> None:
    found = _code_names()
    assert "EVREVIEW_OCR_THREADS" in found and "EVREVIEW_DB" in found  # the scan sees the code
    limit_fields = {f.name.upper() for f in dataclasses.fields(Limits)}
    unknown = {}
    for name, files in found.items():
        if name in SETTINGS_HELP:
            continue
        if name == "EVREVIEW_LIMIT":  # the prefix itself, as in f"EVREVIEW_LIMIT_{name}"
            continue
        if name.startswith("EVREVIEW_LIMIT_") and name[len("EVREVIEW_LIMIT_") :] in limit_fields:
            continue
        unknown[name] = sorted(files)
    assert not unknown, f"EVREVIEW_* names not in models.settings.SETTINGS_HELP: {unknown}"


_SAMPLES = ("spawn", "onnxruntime", "f32", "7", "/tmp/evreview-settings-test")


@pytest.mark.parametrize("name", sorted(SETTINGS_HELP))
def test_every_documented_setting_is_read_by_current(name: str) -> None:
    """Setting the variable changes what ``current()`` returns (a name in the table that
    nothing reads would be a promise the code does not keep)."""
    var = "EVREVIEW_LIMIT_PER_FILE_SECONDS" if name == PATTERN else name
    base = current({})
    assert any(current({var: value}) != base for value in _SAMPLES), name


def test_a_bad_value_is_named_in_chinese_and_the_default_applies() -> None:
    s = current({"EVREVIEW_SPLIT_MIN_OCR_PAGES": "four", "EVREVIEW_READER_START": "thread"})
    assert s.split_min_ocr_pages == 4 and s.reader_start == ""
    assert len(s.problems) == 2 and all("已忽略" in p for p in s.problems)
    assert current({"EVREVIEW_SPLIT_MIN_OCR_PAGES": "0"}).split_min_ocr_pages == 0  # 0: never split


def test_settings_are_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVREVIEW_DB", "/tmp/evreview-a.db")
    assert str(settings.current().db) == "/tmp/evreview-a.db"
    monkeypatch.delenv("EVREVIEW_DB")
    assert settings.current().db == settings.DEFAULT_DB

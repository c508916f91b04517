"""The project's own checks can fail: `make lint`'s format check and scripts/e2e.sh's exit 5."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


def _lint_recipe() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r"^lint:.*\n((?:\t.*\n)+)", text, re.M)
    assert m, "Makefile has no lint target"
    return [ln.strip() for ln in m.group(1).splitlines()]


def test_lint_format_check_is_not_masked():
    recipe = _lint_recipe()
    fmt = [ln for ln in recipe if "ruff format" in ln]
    assert fmt and all("--check" in ln for ln in fmt)
    assert not any("|| true" in ln or ln.startswith("-") for ln in recipe)


@pytest.mark.skipif(not Path(RUFF).exists(), reason="ruff is not installed (dev extra)")
def test_ruff_format_check_fails_on_unformatted_code(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x = {  'a':1 }\n", encoding="utf-8")
    good = tmp_path / "good.py"
    good.write_text('x = {"a": 1}\n', encoding="utf-8")
    r_bad = subprocess.run([RUFF, "format", "--check", str(bad)], capture_output=True, text=True)
    r_good = subprocess.run([RUFF, "format", "--check", str(good)], capture_output=True, text=True)
    assert r_bad.returncode == 1, r_bad.stdout + r_bad.stderr
    assert r_good.returncode == 0, r_good.stdout + r_good.stderr


def test_format_exclusions_name_existing_files_only():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pending = cfg["tool"]["ruff"]["format"]["exclude"]
    missing = [p for p in pending if not (ROOT / p).is_file()]
    assert not missing, f"stale entries in [tool.ruff.format] exclude: {missing}"


def test_e2e_script_turns_exit_5_into_failure():
    """Nothing collected (every test deselected) must fail the script, not pass or vanish."""
    env = {
        **os.environ,
        "PY": sys.executable,
        "EVREVIEW_E2E_NO_INSTALL": "1",
        "PYTEST_ADDOPTS": "-k no_test_has_this_name_7f3a",
    }
    r = subprocess.run(
        ["bash", str(ROOT / "scripts" / "e2e.sh")], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no e2e tests collected" in r.stdout

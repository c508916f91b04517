"""The structure check (scripts/structure.py, ``make structure``) finds nothing in extractor/,
review/, verifiers/ and models/: no import circle between files of one package (late imports count),
no module over 800 lines. One test per package, so that each side's result reads on its own."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import structure  # noqa: E402


def _problems(package: str) -> list[str]:
    out = [" ↔ ".join(c) for c in structure.circles(structure.import_graph(package, ROOT))]
    out += [f"{rel}: {n} 行" for rel, n in structure.oversized(package, root=ROOT)]
    return out


def test_the_check_sees_a_circle_and_a_late_import(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.b import x\n")
    (pkg / "b.py").write_text("def x():\n    from pkg import a\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    assert structure.circles(structure.import_graph("pkg", tmp_path)) == [["pkg.a", "pkg.b"]]


def test_review_has_no_circle_and_no_oversized_module() -> None:
    assert _problems("review") == []


def test_verifiers_has_no_circle_and_no_oversized_module() -> None:
    assert _problems("verifiers") == []


def test_models_has_no_circle_and_no_oversized_module() -> None:
    assert _problems("models") == []


def test_extractor_has_no_circle_and_no_oversized_module() -> None:
    assert len(structure.import_graph("extractor", ROOT)) > 40  # sub-packages read too
    assert _problems("extractor") == []

"""The code's structure (scripts/structure.py): no import circle inside a package, no oversized
module. One test per package; the lead extends it as packages become clean."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _structure():
    spec = importlib.util.spec_from_file_location("structure_script", ROOT / "scripts" / "structure.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_extractor_has_no_import_circle_and_no_oversized_module() -> None:
    s = _structure()
    graph = s.import_graph("extractor", ROOT)
    assert len(graph) > 40  # the whole package was read, sub-packages included
    assert s.circles(graph) == []
    assert s.oversized("extractor", s.MAX_LINES, ROOT) == []

"""Structure check: import circles inside a package and oversized modules.

Usage: ``python scripts/structure.py [--max-lines N] [PACKAGE ...]`` (default: models, extractor,
verifiers, review). Exit 0 when clean, 1 with the circles and the oversized modules listed.

Every import counts, at module top or inside a function (a late import hides a circle, it does
not remove it); imports under ``if TYPE_CHECKING:`` are left out because they never run. A circle
is a strongly connected component of the graph "module A imports module B" restricted to the
files of one top-level package (so ``extractor.read`` ↔ ``extractor.readers.pdf`` counts).
A module of more than ``--max-lines`` lines (default 800) is reported unless it is listed in
``EXEMPT`` with its reason (generated or data code).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "extractor", "verifiers", "review")
MAX_LINES = 800
# module path -> why it may be longer (generated or data code only)
EXEMPT: dict[str, str] = {}


def module_name(path: Path, root: Path = ROOT) -> str:
    """``extractor/readers/pdf.py`` → ``extractor.readers.pdf``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imported_names(tree: ast.AST, this: str, is_package: bool) -> set[str]:
    """Every module name an import statement in ``tree`` can load (relative imports resolved)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                out.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    pkg = this.split(".") if is_package else this.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (child.level - 1)] if child.level > 1 else pkg
                    base = ".".join([*pkg, base] if base else pkg)
                out.add(base)
                out.update(f"{base}.{a.name}" for a in child.names if a.name != "*")
            visit(child)

    visit(tree)
    return out


def import_graph(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    files = sorted((root / package).rglob("*.py"))
    mods = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names = imported_names(tree, mod, path.name == "__init__.py")
        # "from pkg import sub" names a submodule; "from pkg.mod import func" names pkg.mod
        graph[mod] = {n for n in names if n in mods and n != mod}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative).

    >>> circles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    >>> circles({"a": {"b"}, "b": set()})
    []
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return sorted(found)


def oversized(package: str, max_lines: int = MAX_LINES, root: Path = ROOT) -> list[tuple[str, int]]:
    out = []
    for p in sorted((root / package).rglob("*.py")):
        rel = p.relative_to(root).as_posix()
        n = sum(1 for _ in p.open(encoding="utf-8"))
        if n > max_lines and rel not in EXEMPT:
            out.append((rel, n))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="查找包内的循环导入和过长的模块")
    ap.add_argument("packages", nargs="*", default=list(PACKAGES))
    ap.add_argument("--max-lines", type=int, default=MAX_LINES)
    args = ap.parse_args(argv)
    bad = 0
    for pkg in args.packages:
        for comp in circles(import_graph(pkg)):
            print(f"循环导入 {pkg}: " + " ↔ ".join(comp))
            bad += 1
        for rel, n in oversized(pkg, args.max_lines):
            print(f"模块过长 {rel}: {n} 行（上限 {args.max_lines}）")
            bad += 1
    if bad:
        print(f"共 {bad} 处问题")
        return 1
    print("无循环导入，无过长模块：" + ", ".join(args.packages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

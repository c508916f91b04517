"""Version of the reading and extraction code, derived from the code itself.

A hand-maintained version string was forgotten after many changes, so cached documents
kept their old pages after an upgrade. Versions are now digests of the code:

* ``READ_VERSION`` keys the read cache (``sha256 + READ_VERSION``): a digest of the modules
  the reading entry point ``extractor.read`` imports, directly or through others (late
  imports included, found by parsing the sources), of every data file under ``extractor/``
  and of the versions of the reading libraries (PyMuPDF, RapidOCR and its runtimes,
  zxing-cpp, python-docx, OpenCV). A new reader or OCR setting re-reads; a new field
  extractor or classifier does not re-OCR an intake, it re-extracts from the cached pages.
* ``EXTRACTOR_VERSION`` covers all of ``extractor/`` and ``models/``: it is recorded in
  every result's provenance.
"""

from __future__ import annotations

import hashlib
import re
from importlib import metadata
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
# Suffixes of the files whose content decides results (code and the data it loads).
_SOURCE_SUFFIXES = (".py", ".toml", ".json", ".txt", ".tsv", ".csv")
READING_LIBRARIES = (
    "pymupdf",
    "rapidocr",
    "onnxruntime",
    "openvino",
    "zxing-cpp",
    "python-docx",
    "opencv-python-headless",
)


def source_digest(*folders: Path) -> str:
    """sha256 over the relative path and bytes of every source file under ``folders``.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.py").write_text("x = 1")
    >>> first = source_digest(d)
    >>> _ = (d / "a.py").write_text("x = 2")
    >>> first == source_digest(d)
    False
    """
    h = hashlib.sha256()
    for folder in folders:
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts
        )
        for p in files:
            h.update(str(p.relative_to(folder.parent)).encode("utf-8") + b"\0")
            h.update(p.read_bytes() + b"\0")
    return h.hexdigest()


def library_versions(names: tuple[str, ...] = READING_LIBRARIES) -> str:
    """``name=version`` of each installed library in ``names`` (absent ones are skipped)."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ",".join(found)


def code_version(*packages: str) -> str:
    """A short version string for the named top-level packages of this project."""
    digest = hashlib.sha256(
        (source_digest(*(_ROOT / p for p in packages)) + "|" + library_versions()).encode()
    ).hexdigest()
    return f"src-{digest[:16]}"


# import statements, found by text (parsing every module with ast took 0.3 s at start-up)
_IMPORT_RE = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
_MODULE_STRING_RE = re.compile(r"[\"'](extractor(?:\.\w+)+)[\"']")
_FROM_RE = re.compile(
    r"^[ \t]*from[ \t]+(?P<dots>\.*)(?P<mod>[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n]+)", re.M
)


def _module_file(name: str, root: Path) -> Path | None:
    base = root.joinpath(*name.split("."))
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def import_closure(
    entry: str, packages: tuple[str, ...] = ("extractor", "models"), root: Path = _ROOT
) -> list[Path]:
    """The source files of ``entry`` and of every module of ``packages`` it imports, directly
    or through others, at module top or inside functions (found in the text, not executed); a package's
    ``__init__`` comes with each of its modules.

    >>> names = {p.relative_to(_ROOT).as_posix() for p in import_closure("extractor.read")}
    >>> "extractor/readers/pdf.py" in names, "models/page.py" in names, "extractor/fields/contract.py" in names
    (True, True, False)
    """
    seen: dict[str, Path] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name, root)
        if path is None:
            continue
        seen[name] = path
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages
        is_pkg = path.name == "__init__.py"
        text = path.read_text(encoding="utf-8")
        for m in _IMPORT_RE.finditer(text):
            todo.extend(n.split(" as ")[0].strip() for n in m.group(1).split(","))
        # modules named in a dispatch table and imported on first use (read.READERS)
        todo.extend(_MODULE_STRING_RE.findall(text))
        for m in _FROM_RE.finditer(text):
            level = len(m.group("dots"))
            base = m.group("mod") or ""
            if level:
                pkg = parts if is_pkg else parts[:-1]
                pkg = pkg[: len(pkg) - level + 1]
                base = ".".join([*pkg, base] if base else pkg)
            todo.append(base)
            names = re.sub(r"#[^\n]*", "", m.group("names")).strip("() \n")
            todo.extend(f"{base}.{n.split(' as ')[0].strip()}" for n in names.split(",") if n.strip())
    return sorted(p for n, p in seen.items() if n.split(".")[0] in packages)


def read_version(entry: str = "extractor.read") -> str:
    """The read cache's version: the reading code's sources, the extractor's data files and
    the reading libraries."""
    h = hashlib.sha256()
    data = sorted(
        p
        for p in (_ROOT / "extractor").rglob("*")
        if p.is_file() and p.suffix in _SOURCE_SUFFIXES and p.suffix != ".py" and "__pycache__" not in p.parts
    )
    for p in [*import_closure(entry), *data]:
        h.update(p.relative_to(_ROOT).as_posix().encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    h.update(library_versions().encode())
    return f"read-{h.hexdigest()[:16]}"


EXTRACTOR_VERSION = code_version("extractor", "models")
READ_VERSION = read_version()

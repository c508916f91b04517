"""Version of the reading and extraction code, derived from the code itself.

The read cache is keyed by ``sha256 + EXTRACTOR_VERSION``. A hand-maintained version
string was forgotten after many changes, so cached documents kept their old pages after
an upgrade. The version is now a digest of the sources that decide what a read returns
(``extractor/`` and ``models/``, data files included) and of the versions of the reading
libraries (PyMuPDF, RapidOCR and its runtimes, zxing-cpp, python-docx): any change to
either gives a new key, so an upgrade re-reads.
"""

from __future__ import annotations

import hashlib
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


EXTRACTOR_VERSION = code_version("extractor", "models")

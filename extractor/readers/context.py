"""The reading layer's contract: what every reader receives besides the bytes.

A reader is a pure function ``(data: bytes, name: str, ctx: ReadContext) -> ReadResult``
(``extractor.read.READERS`` maps each file format to one). The reader hashes the bytes
itself (:func:`sha256_bytes`, the read cache's key with ``EXTRACTOR_VERSION``), so a reader
called directly returns the same result as one called through :func:`extractor.read.read_bytes`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from extractor.limits import Limits


@dataclass
class ReadContext:
    """Per-call settings and counters handed to every reader."""

    limits: Limits = field(default_factory=Limits)
    ocr_enabled: bool = True
    # Force OCR on every page (diagnostics / benchmarks); normally the reader decides.
    force_ocr: bool = False
    ocr_calls: int = 0
    # verify the electronic signatures of OFD/PDF files (off when reading a rewritten part
    # of a file, e.g. a page range: its bytes are no longer the signed ones)
    check_signatures: bool = True
    # Look for seals (印章) on PDF pages and images (extractor.seals); reading their text
    # needs the OCR engine.
    seals: bool = True


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

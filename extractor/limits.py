"""Resource limits for reading untrusted files (documented in README, overridable)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

from models.settings import current

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024  # one evidence file
    max_pages: int = 2000  # pages per file
    max_render_pixels: int = 40_000_000  # rendered pixels per page before OCR
    max_image_pixels: int = 80_000_000  # decoded pixels of one image (Pillow bomb guard)
    max_page_content_bytes: int = 16 * 1024 * 1024  # decompressed drawing instructions per PDF page
    max_page_points: float = 14400.0  # PDF page side (the PDF spec's own maximum)
    ocr_dpi: int = 200  # rendering resolution for OCR of PDF pages
    max_zip_entries: int = 5000
    max_zip_total_bytes: int = 512 * 1024 * 1024  # declared uncompressed size of all members
    max_zip_member_bytes: int = 200 * 1024 * 1024
    max_zip_ratio: float = 200.0  # uncompressed / compressed per member
    max_xml_bytes: int = 50 * 1024 * 1024
    per_file_seconds: float = 120.0
    # address-space cap of a reading worker: onnxruntime reserves ~2 GiB of address space
    # while its resident memory stays near 1 GiB, so the cap sits at 4 GiB
    memory_bytes: int = 4 * 1024 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Limits:
        """Override any limit with EVREVIEW_LIMIT_<NAME> environment variables
        (:func:`models.settings.current`); a value that is not a number keeps the default."""
        given = current().limits
        kwargs = {}
        for f in fields(cls):
            raw = given.get(f.name)
            if not raw:
                continue
            try:
                kwargs[f.name] = type(f.default)(float(raw))
            except (ValueError, OverflowError):
                log.warning("EVREVIEW_LIMIT_%s=%r is not a number: the default applies", f.name.upper(), raw)
        return cls(**kwargs)

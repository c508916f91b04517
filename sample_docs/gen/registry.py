"""What a layout function returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .common import Sheet


@dataclass
class Drawn:
    """Truth fields (CONTRACT formats) and the sheets drawn for one logical document."""

    fields: dict[str, Any]
    sheets: list[Sheet]
    extra: dict[str, Any] = field(default_factory=dict)  # truth that is not printed (e.g. QR payload)

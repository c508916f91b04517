"""What a call for applications adds to reading: direction words and document types.

The extractor knows the 2024 call's directions and the contract's document types by
itself; a policy (``verifiers.policy.Policy.extraction``) may hand it an
:class:`ExtractionProfile` with other direction words and added document types (a title
and keyword patterns for the classifier, fields read by their printed label). Plain frozen
data, so it pickles to worker processes and hashes into cache keys; the extractor never
imports the verifiers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Literal

FieldKind = Literal["text", "date", "money", "code", "name"]

# the directions of the 2024 form as printed (→ CONTRACT direction keys)
BUILTIN_DIRECTIONS: dict[str, str] = {
    "算力服务补助": "compute_subsidy",
    "领雁软件企业": "lingyan_software",
    "软件优质产品": "software_product",
    "硬件优质产品": "hardware_product",
    "典型应用场景": "application_scenario",
}


@dataclass(frozen=True)
class FieldDef:
    """A field of an added document type, read after one of its printed ``labels`` (regexes)."""

    key: str
    labels: tuple[str, ...]
    kind: FieldKind = "text"


@dataclass(frozen=True)
class DocTypeDef:
    """A document type added by a call: ``titles``/``keywords`` are regexes on normalised text."""

    key: str
    label: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    one_per_page: bool = True
    fields: tuple[FieldDef, ...] = ()


@dataclass(frozen=True)
class ExtractionProfile:
    """Direction words (as printed on the form → direction key) and added document types.

    ``directions`` empty means the built-in words of the 2024 form.
    """

    directions: dict[str, str] = field(default_factory=dict)
    doc_types: tuple[DocTypeDef, ...] = ()

    def __hash__(self) -> int:  # dict field: hash the canonical form
        return hash(self.digest)

    @property
    def digest(self) -> str:
        blob = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def is_builtin(self) -> bool:
        """True when reading with this profile is reading without one."""
        return not self.doc_types and (not self.directions or self.directions == BUILTIN_DIRECTIONS)

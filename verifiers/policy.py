"""Policy: the per-call data of a notice (period, threshold, region, required evidence).

Loaded from ``verifiers/policies/<name>.toml`` with :mod:`tomllib` into a pydantic model,
so a new year's call for applications is a new TOML file, not new code.

>>> p = load_policy("fujian-ai-2024")
>>> p.name, str(p.compute.threshold), p.period.start.isoformat(), p.region.admin_code_prefix
('fujian-ai-2024', '300000.00', '2023-01-01', '3505')
>>> p.required_for("hardware_product")[-1]
'test_report'
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "fujian-ai-2024"


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_P):
    start: _dt.date
    end: _dt.date
    invoice_out_of_period_status: Literal["fail", "warn", "review"] = "fail"

    def contains(self, d: _dt.date) -> bool:
        return self.start <= d <= self.end


class ComputePolicy(_P):
    threshold: Decimal
    declared_tolerance_absolute: Decimal = Decimal("1.00")
    declared_tolerance_relative: Decimal = Decimal("0.005")
    keywords: tuple[str, ...] = ()
    gpu_models: tuple[str, ...] = ()
    usage_units: tuple[str, ...] = ()


class Tolerance(_P):
    arithmetic: Decimal = Decimal("0.01")
    payment_amount: Decimal = Decimal("0.01")


class NamePolicy(_P):
    near: float = 85.0


class Region(_P):
    name: str
    admin_code_prefix: str
    place_names: tuple[str, ...]


class ScenarioPolicy(_P):
    consortium_max: int = 3


class Supporting(_P):
    doc_types: tuple[str, ...] = ()


class SealPolicy(_P):
    """Seals (印章) the call expects: 「上述材料复印件均需加盖申报单位公章」."""

    # copies that must carry the applicant's seal (docx originals and OFD/XML are never checked)
    applicant_seal_doc_types: tuple[str, ...] = ("business_license", "integrity_pledge", "application_form")
    # status when no seal is found on such a copy, and per doc type where it differs
    missing_status: Literal["warn", "review", "pass"] = "warn"
    missing_status_by_doc_type: dict[str, Literal["warn", "review", "pass"]] = Field(default_factory=dict)
    # a paper/older invoice without the seller's 发票专用章; a contract party without its seal
    seller_seal_missing_status: Literal["warn", "review", "pass"] = "warn"
    party_seal_missing_status: Literal["warn", "review", "pass"] = "warn"
    # below this colour confidence a seal may be a grey copy: undecidable
    min_colour_confidence: float = 0.5
    # OCR confidence of the seal's ring text below which its name is undecidable
    min_text_confidence: float = 0.75
    # rapidfuzz ratio (0-100) of the seal text to a name: at or above = names it; below
    # `other_below` (with a confident reading) = names someone else
    name_match: float = 82.0
    other_below: float = 65.0
    # the closest of the expected names at or above this (and read in red) is taken as that
    # name read in part (curved text on a scan loses characters at the ends)
    weak_match: float = 70.0
    # a contract with two parties and two red seals, one naming one party: the other seal,
    # unreadable, is presumed the other party's (pass with a note) instead of review
    presume_party_seal: bool = True
    # seals of authorities and banks (the licence's 登记机关, the 监制章, a bank's 回单章): never
    # the applicant's nor "another company"
    authority_words: tuple[str, ...] = (
        "市场监督管理局", "市场监管局", "工商行政管理局", "工商局", "行政审批", "税务局", "税务总局",
        "监制", "人民政府", "银行", "回单", "市场监督", "监督管理", "管理局", "税务",
    )

    def missing_for(self, doc_type: str) -> str:
        return self.missing_status_by_doc_type.get(doc_type, self.missing_status)


class DirectionPolicy(_P):
    label: str
    applicant_role: Literal["buyer", "seller"] = "seller"
    required: tuple[str, ...] = ()


class Policy(_P):
    name: str
    notice_title: str
    fiscal_year: int
    low_confidence: float = 0.8
    period: Period
    compute: ComputePolicy
    tolerance: Tolerance = Field(default_factory=Tolerance)
    names: NamePolicy = Field(default_factory=NamePolicy)
    region: Region
    scenario: ScenarioPolicy = Field(default_factory=ScenarioPolicy)
    supporting: Supporting = Field(default_factory=Supporting)
    seals: SealPolicy = Field(default_factory=SealPolicy)
    directions: dict[str, DirectionPolicy]

    def required_for(self, direction: str | None) -> tuple[str, ...]:
        d = self.directions.get(direction or "")
        return d.required if d else ()

    def applicant_role(self, direction: str | None) -> str:
        d = self.directions.get(direction or "")
        return d.applicant_role if d else "buyer"


def load_policy(path_or_name: str | Path | None = DEFAULT_POLICY) -> Policy:
    """Load a policy by name (``"fujian-ai-2024"``, looked up in ``verifiers/policies``) or path.

    Raises ``FileNotFoundError`` for an unknown name and ``ValueError`` for an invalid file
    (a configuration error of the operator, not bad applicant input).
    """
    if path_or_name is None:
        path_or_name = DEFAULT_POLICY
    p = Path(path_or_name)
    if p.suffix != ".toml" and not p.exists():
        p = POLICY_DIR / f"{path_or_name}.toml"
    return _load(p.resolve())


@lru_cache(maxsize=16)
def _load(path: Path) -> Policy:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    try:
        return Policy.model_validate(data)
    except Exception as exc:  # pydantic.ValidationError, reported with the file name
        raise ValueError(f"策略文件 {path.name} 无效：{exc}") from exc

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
    # GB/T 2260 division codes of the region (3505 = 泉州市); addresses are resolved to codes
    # (extractor.normalize.region) and compared with these. Empty: (admin_code_prefix,).
    codes: tuple[str, ...] = ()


class ScenarioPolicy(_P):
    consortium_max: int = 3


class Supporting(_P):
    doc_types: tuple[str, ...] = ()


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

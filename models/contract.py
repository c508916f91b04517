"""Pydantic models of CONTRACT.md section 3 (schema_version "1").

Python-side values keep their natural types (``Decimal`` for money, ``date`` for
dates); serialisation turns them into the contract's value formats: money as a
2-place decimal string (``"360000.00"``), dates as ISO strings.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from models.page import Seal
from models.signature import SignatureCheck

# the label dicts live in models.vocab (one vocabulary); re-exported: their names here are stable
from models.vocab import DIRECTION_LABELS as DIRECTION_LABELS
from models.vocab import DOC_TYPE_LABELS as DOC_TYPE_LABELS
from models.vocab import STATUS_LABELS as STATUS_LABELS
from models.vocab import VERDICT_LABELS as VERDICT_LABELS

SCHEMA_VERSION = "1"


class Direction(StrEnum):
    compute_subsidy = "compute_subsidy"
    lingyan_software = "lingyan_software"
    software_product = "software_product"
    hardware_product = "hardware_product"
    application_scenario = "application_scenario"


class DocType(StrEnum):
    application_form = "application_form"
    business_license = "business_license"
    contract = "contract"
    invoice = "invoice"
    payment_voucher = "payment_voucher"
    audit_report = "audit_report"
    patent_certificate = "patent_certificate"
    award_certificate = "award_certificate"
    integrity_pledge = "integrity_pledge"
    test_report = "test_report"
    team_material = "team_material"
    other = "other"


# CONTRACT section 4: the field keys each doc_type promises (others: at least "title").
CONTRACT_FIELDS: dict[str, tuple[str, ...]] = {
    "application_form": (
        "company_name",
        "address",
        "credit_code",
        "listed",
        "ownership",
        "established_date",
        "legal_representative",
        "legal_rep_phone",
        "contact_name",
        "contact_phone",
        "contact_email",
        "direction",
        "compute_purchase_total",
        "compute_suppliers",
        "revenue_last_year",
    ),
    "business_license": (
        "company_name",
        "credit_code",
        "company_type",
        "legal_representative",
        "registered_capital",
        "established_date",
        "business_term_end",
        "address",
        "business_scope",
        "registration_authority",
    ),
    "contract": (
        "contract_no",
        "title",
        "buyer_name",
        "buyer_credit_code",
        "seller_name",
        "seller_credit_code",
        "sign_date",
        "service_start",
        "service_end",
        "amount_total",
        "amount_in_words",
        "tax_rate",
        "gpu_model",
        "gpu_count",
        "service_content",
    ),
    "invoice": (
        "invoice_kind",
        "invoice_code",
        "invoice_number",
        "issue_date",
        "buyer_name",
        "buyer_tax_id",
        "seller_name",
        "seller_tax_id",
        "item_names",
        "tax_rate",
        "amount_excl_tax",
        "tax_amount",
        "total_incl_tax",
        "total_in_words",
        "check_code",
    ),
    "payment_voucher": (
        "payer_name",
        "payer_account",
        "payee_name",
        "payee_account",
        "amount",
        "amount_in_words",
        "pay_date",
        "bank_name",
        "purpose",
        "serial_no",
    ),
    "audit_report": (
        "audited_entity",
        "fiscal_year",
        "audit_firm",
        "report_no",
        "report_date",
        "opinion",
        "revenue",
        "net_profit",
        "total_assets",
        "rd_expense",
    ),
}

Status = Literal["pass", "fail", "warn", "missing", "review"]
Verdict = Literal["pass", "fail", "review"]
Method = Literal["text", "ocr", "mixed", "structured", "docx"]

STATUS_ORDER: dict[str, int] = {"fail": 0, "missing": 1, "warn": 2, "review": 3, "pass": 4}


def to_json_value(value: Any) -> Any:
    """Turn a Python field value into the contract's JSON value format.

    >>> to_json_value(Decimal("360000"))
    '360000.00'
    >>> to_json_value(_dt.date(2023, 3, 1))
    '2023-03-01'
    >>> to_json_value([{"name": "甲", "amount": Decimal("1.5")}])
    [{'name': '甲', 'amount': '1.50'}]
    """
    if isinstance(value, Decimal):
        # models import nothing of ours: the same rule as extractor.normalize.money.round_money
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class FieldValue(_Model):
    """One extracted value with its provenance (docling style)."""

    value: Any
    page: int | None = None  # 1-based page of the file
    bbox: list[float] | None = None  # [x0, y0, x1, y1], PDF points or pixels, origin top-left
    confidence: float = 1.0
    source_text: str | None = None
    method: str | None = None  # text | ocr | structured | docx | qr | manual
    file: str | None = None  # filled by the pipeline when a field leaves its document

    @field_serializer("value")
    def _ser_value(self, v: Any) -> Any:
        return to_json_value(v)


class Document(_Model):
    file: str
    sha256: str
    doc_type: str
    pages: list[int] = Field(default_factory=list)
    method: str = "text"
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    errors: list[str] = Field(default_factory=list)
    # additions (allowed by the contract): notes that need no decision (e.g. an extension
    # that does not match the content), classifier confidence and title
    warnings: list[str] = Field(default_factory=list)
    title: str | None = None
    classification_confidence: float | None = None
    line_items: list[dict[str, Any]] = Field(default_factory=list)
    # e-invoice electronic signature checked offline (models/signature.py); None: not checked
    signature: SignatureCheck | None = None
    # seals found on the document's pages (page set on each); None: its pages were not
    # searched for seals (docx, OFD, XML originals, or an older read)
    seals: list[Seal] | None = None

    @field_serializer("line_items")
    def _ser_items(self, v: list[dict[str, Any]]) -> Any:
        return to_json_value(v)

    @field_serializer("seals")
    def _ser_seals(self, v: list[Seal] | None) -> Any:
        # a ring's step-by-step view serves the fields only; the result keeps what was read
        return None if v is None else [x.model_dump(mode="json", exclude={"ring_frames"}) for x in v]


class EvidenceRef(_Model):
    file: str | None = None
    page: int | None = None
    field: str | None = None
    value: Any = None
    bbox: list[float] | None = None
    application_id: str | None = None

    @field_serializer("value")
    def _ser_value(self, v: Any) -> Any:
        return to_json_value(v)


class Finding(_Model):
    rule: str
    status: Status
    message: str
    evidence: list[EvidenceRef] = Field(default_factory=list)
    applications: list[str] | None = None  # batch-level findings only
    details: dict[str, Any] | None = None  # e.g. which purchases were counted and why
    clause: str | None = None  # addition: the clause of the call the rule cites (from the policy)

    @field_serializer("details")
    def _ser_details(self, v: dict[str, Any] | None) -> Any:
        return to_json_value(v) if v is not None else None


def compute_verdict(findings: list[Finding]) -> Verdict:
    """CONTRACT 3: fail if any fail; else review if any missing/review/warn; else pass.

    >>> compute_verdict([Finding(rule="x", status="pass", message="")])
    'pass'
    >>> compute_verdict([Finding(rule="x", status="warn", message="")])
    'review'
    """
    statuses = {f.status for f in findings}
    if "fail" in statuses:
        return "fail"
    if statuses & {"missing", "review", "warn"}:
        return "review"
    return "pass"


class ApplicationResult(_Model):
    schema_version: str = SCHEMA_VERSION
    application_id: str
    direction: str | None = None
    declared: dict[str, Any] = Field(default_factory=dict)
    documents: list[Document] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    verdict: Verdict = "review"
    policy: str | None = None
    policy_digest: str | None = None  # addition: sha256 of the policy file that produced the findings
    extractor_version: str | None = None

    @field_serializer("declared")
    def _ser_declared(self, v: dict[str, Any]) -> Any:
        return to_json_value(v)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)


class ExtractResult(_Model):
    schema_version: str = SCHEMA_VERSION
    file: str
    documents: list[Document] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)

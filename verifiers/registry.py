"""Which rules run for which direction: explicit tuples, in reporting order.

Product directions (软件/硬件优质产品) evidence *sales* (销售合同以及付款凭证): the applicant is
the seller there, so the buyer-side rules of the compute direction are replaced by
``contract.seller_is_applicant`` and ``payment.matches_invoice`` checks the applicant as payee.
"""

from __future__ import annotations

from verifiers import (
    audit,
    compute,
    contract,
    evidence,
    identity,
    invoice,
    jurisdiction,
    payment,
    qr,
    scenario,
    seals,
)
from verifiers.base import Rule

COMMON: tuple[Rule, ...] = (
    evidence.readable,
    evidence.required_present,
    identity.credit_code_valid,
    identity.credit_code_match,
    identity.name_match,
    identity.legal_rep_match,
    jurisdiction.local,
    seals.applicant_seal,
)

INVOICE_CHECKS: tuple[Rule, ...] = (
    invoice.arithmetic,
    invoice.amount_words,
    qr.qr_matches,
    invoice.duplicate,
    seals.seller_seal,
)

_PRODUCT: tuple[Rule, ...] = (
    *COMMON,
    audit.covers_last_year,
    contract.seller_is_applicant,
    contract.amount_words,
    seals.party_seals,
    *INVOICE_CHECKS,
    payment.matches_invoice,
)

RULES_BY_DIRECTION: dict[str, tuple[Rule, ...]] = {
    "compute_subsidy": (
        *COMMON,
        audit.covers_last_year,
        invoice.arithmetic,
        invoice.amount_words,
        qr.qr_matches,
        invoice.buyer_is_applicant,
        invoice.in_period,
        invoice.duplicate,
        seals.seller_seal,
        contract.buyer_is_applicant,
        contract.covers_period,
        contract.amount_words,
        seals.party_seals,
        payment.matches_invoice,
        compute.gpu_config_present,
        compute.total_threshold,
        compute.declared_total_match,
    ),
    "lingyan_software": (
        *COMMON,
        audit.covers_last_year,
        contract.amount_words,
        seals.party_seals,
        *INVOICE_CHECKS,
    ),
    "software_product": _PRODUCT,
    "hardware_product": _PRODUCT,
    "application_scenario": (
        *COMMON,
        scenario.consortium_size,
        contract.amount_words,
        seals.party_seals,
        *INVOICE_CHECKS,
    ),
}

# Direction not recognised: what can be checked without knowing it (evidence.required_present
# then reports `review` because the required attachments depend on the direction).
UNKNOWN_DIRECTION: tuple[Rule, ...] = (
    *COMMON,
    audit.covers_last_year,
    contract.amount_words,
    seals.party_seals,
    *INVOICE_CHECKS,
)


def rules_for(direction: str | None) -> tuple[Rule, ...]:
    """The rules run for ``direction`` (the common checks when it is unknown)."""
    return RULES_BY_DIRECTION.get(direction or "", UNKNOWN_DIRECTION)


def rule_ids(direction: str | None) -> list[str]:
    """Rule ids run for ``direction``, in order.

    >>> rule_ids("compute_subsidy")[-1]
    'compute.declared_total_match'
    """
    return [r.id for r in rules_for(direction)]

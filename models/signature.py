"""Result of the offline check of an e-invoice's electronic signature (an addition to the
contract: ``Document.signature``).

``status``:

* ``intact``   every signature verifies and nothing it covers changed (the signer's
  certificate chain to a root is *not* checked: no root ships inside the files);
* ``broken``   a digest, a signature value or the signed revision does not match: the
  file was changed after signing (``what_changed`` says what);
* ``unsigned`` the file carries no electronic signature;
* ``error``    a signature is present but could not be checked (unsupported or corrupt
  structure; ``message`` says why).

``unsigned_files`` lists package members an OFD signature does not cover (outside
``Signs/``): content a reader may see or use that nobody signed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SignatureStatus = Literal["intact", "broken", "unsigned", "error"]

STATUS_LABELS_ZH: dict[str, str] = {
    "intact": "签名完好",
    "broken": "签名验证失败",
    "unsigned": "未签名",
    "error": "签名无法验证",
}


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignatureInfo(_M):
    """One signature of a file (an OFD ``Signature.xml`` or a PDF signature field)."""

    status: Literal["intact", "broken", "error"]
    standard: str | None = None  # "GB/T 38540" | "GM/T 0031" | "PDF PKCS#7 (<SubFilter>)"
    what_changed: list[str] = Field(default_factory=list)  # Chinese, one item per problem
    signer: str | None = None  # certificate subject: CN (O)
    issuer: str | None = None  # certificate issuer: CN (O)
    seal_name: str | None = None  # OFD: the electronic seal's name (SES_ESPropertyInfo.name)
    algorithm: str | None = None  # e.g. "SM2/SM3", "RSA-1024/SHA-256"
    signing_time: str | None = None  # ISO 8601 as stated by the signer (not proven)
    cert_serial: str | None = None
    cert_not_before: str | None = None
    cert_not_after: str | None = None
    signed_files: list[str] = Field(default_factory=list)  # OFD members covered by digests
    source: str | None = None  # OFD: Signature.xml member; PDF: signature field name
    provider: str | None = None  # OFD Provider (ProviderName / Company)
    page: int | None = None  # 1-based page of the visible stamp, when known
    bbox: list[float] | None = None  # stamp box in PDF points, origin top-left


class SignatureCheck(_M):
    """All signatures of one file; the top-level names summarise the first signature."""

    status: SignatureStatus
    format: Literal["ofd", "pdf"] | None = None
    standard: str | None = None  # "GB/T 38540", "GM/T 0031", "PDF PKCS#7 (adbe.pkcs7.detached)"
    what_changed: list[str] = Field(default_factory=list)
    signer: str | None = None
    issuer: str | None = None
    seal_name: str | None = None
    algorithm: str | None = None
    signed_files: list[str] = Field(default_factory=list)
    unsigned_files: list[str] = Field(default_factory=list)
    signatures: list[SignatureInfo] = Field(default_factory=list)
    message: str | None = None  # Chinese note (why a check was impossible)
    method: str = "signature"  # provenance: checked offline from the file's own bytes

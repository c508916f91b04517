"""Offline verification of e-invoice electronic signatures.

``verify_signature(data) -> SignatureCheck`` (models/signature.py) for an OFD (GB/T 38540 /
GM/T 0031 electronic seals, SM2/SM3) or a PDF (PKCS#7/CMS via pyHanko, including changes
appended after the signed revision); other kinds are ``unsigned``. Nothing is fetched: no
revocation, no timestamp authority, no certificate download. Never raises for bad input.
"""

from __future__ import annotations

from extractor.formats import sniff
from extractor.limits import Limits
from extractor.signatures.ofd import verify_ofd
from extractor.signatures.pdf import verify_pdf
from models.signature import SignatureCheck, SignatureInfo

__all__ = ["SignatureCheck", "SignatureInfo", "verify_signature"]


def verify_signature(data: bytes, kind: str | None = None, limits: Limits | None = None) -> SignatureCheck:
    """Check the electronic signatures of one file's bytes (``kind``: ``ofd``/``pdf``,
    sniffed from the content when omitted)."""
    if kind is None:
        kind = sniff(data)
    try:
        if kind == "ofd":
            return verify_ofd(data, limits)
        if kind == "pdf":
            return verify_pdf(data)
    except MemoryError:
        return SignatureCheck(status="error", format=kind, message="验证签名时内存不足")  # type: ignore[arg-type]
    except Exception as exc:  # a verifier bug or a hostile file must not crash the reader
        return SignatureCheck(
            status="error",
            format=kind,  # type: ignore[arg-type]
            message=f"签名无法验证：{type(exc).__name__}",
        )
    return SignatureCheck(status="unsigned")

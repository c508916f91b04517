"""Offline verification of PDF signatures (PKCS#7/CMS) with pyHanko.

For every signature field: the digest over ``/ByteRange`` (``intact``), the signature value
(``valid``), what it covers (``coverage``) and, when revisions were appended after the signed
one, pyHanko's difference analysis (``modification_level``, ``docmdp_ok``). pyHanko can say
``valid=True`` while ``intact=False`` (a sound signature over bytes that are no longer the
file's): both are read. Anything beyond added validation data (DSS/timestamps) after the
signed revision counts as a change after signing.

No network: no revocation fetching, no certificate download; the chain to a root is not
checked (``trusted`` is always false offline and is not used). Old e-invoices are signed with
RSA-1024 and sometimes SHA-1, so the algorithm policy accepts RSA ≥ 1024 bits and SHA-1;
MD5/MD2 remain refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import warnings
from typing import Any

from extractor.signatures.ses import SignatureFormatError, read_certificate
from models.signature import SignatureCheck, SignatureInfo

# pyHanko logs every untrusted chain and failed diff with a traceback: they are results here
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_HASH_LABELS = {"sha1": "SHA-1", "sha256": "SHA-256", "sha384": "SHA-384", "sha512": "SHA-512", "sm3": "SM3"}

MODIFICATION_ZH = {
    "FORM_FILLING": "签名后填写或修改了表单域",
    "ANNOTATIONS": "签名后添加或修改了批注（可能遮盖票面内容）",
    "OTHER": "签名后以增量更新修改了页面内容或文件结构",
}


def load_pyhanko() -> Any:
    """pyHanko's validation entry points. Imported late: pyHanko costs ~0.4-0.6 s to import
    (measured) and only a signed PDF needs it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cryptography's DSA deprecation on pyHanko's import
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import async_validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
        from pyhanko_certvalidator.policy_decl import DisallowWeakAlgorithmsPolicy
    return PdfFileReader, async_validate_pdf_signature, ValidationContext, DisallowWeakAlgorithmsPolicy


def _run(coro: Any) -> Any:
    """Run a coroutine whether or not this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _algorithm(status: Any, key_bits: int, key_kind: str) -> str:
    mech = str(getattr(status, "pkcs7_signature_mechanism", "") or "")
    md = str(getattr(status, "md_algorithm", "") or "")
    hash_label = _HASH_LABELS.get(md, md.upper() or "?")
    if "rsa" in mech or key_kind == "rsa":
        return f"RSA-{key_bits}/{hash_label}" if key_bits else f"RSA/{hash_label}"
    if "ecdsa" in mech or key_kind == "ec":
        return f"ECDSA/{hash_label}"
    if key_kind == "sm2":
        return f"SM2/{hash_label}"
    return f"{mech or key_kind}/{hash_label}"


def _only_later_signatures(status: Any, own: str | None, sig_names: set[str]) -> bool:
    """The changes after this signature only fill other signature fields of the file (a
    second signer): allowed form filling, not a change of content."""
    changed = getattr(getattr(status, "diff_result", None), "changed_form_fields", None)
    if not isinstance(changed, set) or not changed:
        return False
    return changed <= (sig_names - {own})


def _check(
    es: Any, reader: Any, validate: Any, vc_factory: Any, sig_names: set[str] | None = None
) -> SignatureInfo:
    info = SignatureInfo(status="intact", source=str(es.field_name or "") or None)
    try:
        sub = es.sig_object.get("/SubFilter")
        info.standard = f"PDF PKCS#7 ({str(sub).lstrip('/')})" if sub else "PDF PKCS#7"
    except Exception:
        info.standard = "PDF PKCS#7"
    try:
        st = _run(validate(es, vc_factory()))
    except Exception as exc:
        info.status = "error"
        info.what_changed = [f"签名无法验证：{type(exc).__name__}: {str(exc)[:160]}"]
        return info
    cert = st.signing_cert
    key_bits, key_kind = 0, ""
    if cert is not None:
        try:
            ci = read_certificate(cert.dump())
            info.signer, info.issuer = ci.subject, ci.issuer
            info.cert_serial, info.cert_not_before, info.cert_not_after = (
                ci.serial,
                ci.not_before,
                ci.not_after,
            )
            key_bits, key_kind = ci.key_bits, ci.key_kind
        except SignatureFormatError:
            pass
    info.algorithm = _algorithm(st, key_bits, key_kind)
    reported = getattr(st, "signer_reported_dt", None)
    info.signing_time = reported.isoformat() if reported is not None else None
    problems: list[str] = []
    if not st.intact:
        problems.append("签名覆盖的字节在签名后被修改（摘要不符）")
    if not st.valid:
        problems.append("签名值无效（与签名证书不符）")
    coverage = getattr(st.coverage, "name", str(st.coverage))
    level = getattr(st.modification_level, "name", None) if st.modification_level is not None else None
    if coverage == "ENTIRE_REVISION":
        try:
            later = reader.xrefs.total_revisions - 1 - es.signed_revision
        except Exception:
            later = 0
        if level == "FORM_FILLING" and _only_later_signatures(st, info.source, sig_names or set()):
            pass  # a later signature was added: the signed content itself is unchanged
        elif level in MODIFICATION_ZH:
            times = f"（签名后共追加 {later} 次修改）" if later > 0 else ""
            problems.append(MODIFICATION_ZH[level] + times)
        elif level is None and st.docmdp_ok is False:
            problems.append("签名后的修改超出签名者允许的范围")
    elif coverage != "ENTIRE_FILE":
        problems.append("签名不再覆盖完整的已签名版本（文件在签名后被重写或另存）")
    if st.docmdp_ok is False and not any("签名后" in p for p in problems):
        problems.append("签名后的修改超出签名者允许的范围")
    if problems:
        info.status = "broken"
        info.what_changed = problems
    return info


def verify_pdf(data: bytes) -> SignatureCheck:
    """Verify every signature of a PDF. Never raises for bad input."""
    if b"/ByteRange" not in data:
        # a signature dictionary is never inside an object stream (its byte offsets must be
        # visible), so a PDF without this key carries no signature
        return SignatureCheck(status="unsigned", format="pdf")
    PdfFileReader, validate, ValidationContext, Policy = load_pyhanko()

    def vc_factory() -> Any:
        return ValidationContext(
            trust_roots=[],  # offline: the chain to a root is not judged (nor the OS list read)
            allow_fetching=False,
            algorithm_usage_policy=Policy(
                weak_hash_algos=frozenset({"md2", "md5"}), rsa_key_size_threshold=1024
            ),
        )

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            result = reader.decrypt("")
            if not getattr(result, "status", None) or "FAILED" in str(result.status):
                return SignatureCheck(status="error", format="pdf", message="PDF 已加密，签名无法验证")
        sigs = list(reader.embedded_signatures)
    except Exception as exc:
        return SignatureCheck(
            status="error", format="pdf", message=f"PDF 结构无法解析，签名无法验证：{type(exc).__name__}"
        )
    if not sigs:
        return SignatureCheck(
            status="error",
            format="pdf",
            message="文件中有签名数据（/ByteRange），但没有可验证的签名域（签名可能在另存时被剥离）",
        )
    names = {str(es.field_name) for es in sigs if es.field_name}
    infos = [_check(es, reader, validate, vc_factory, names) for es in sigs]
    if any(i.status == "broken" for i in infos):
        status = "broken"
    elif any(i.status == "error" for i in infos):
        status = "error"
    else:
        status = "intact"
    first = next((i for i in infos if i.signer), infos[0])
    what = list(dict.fromkeys(w for i in infos for w in i.what_changed))
    return SignatureCheck(
        status=status,  # type: ignore[arg-type]
        format="pdf",
        standard=first.standard,
        what_changed=what if status == "broken" else [],
        signer=first.signer,
        issuer=first.issuer,
        seal_name=None,
        algorithm=first.algorithm,
        signatures=infos,
        message="；".join(what) if status == "error" else None,
    )

"""Rule ``invoice.signature``: a signed e-invoice is intact and signed by whom it should be.

The reader verifies each OFD/PDF file's electronic signatures offline
(:mod:`extractor.signatures`) and attaches the result to the file's documents as
``Document.signature`` (:class:`models.signature.SignatureCheck`). This rule judges it:

* ``broken`` (a digest, the signed file list, the signature value or the signed revision no
  longer matches: the file was changed after signing) → ``fail`` naming what changed;
* ``error`` (a signature is present but cannot be checked) → ``review``;
* ``intact`` but signed by a test CA / test seal, by an issuer that is neither a tax authority
  nor a known e-invoice platform, or with package files the signature does not cover
  → ``review``;
* ``intact`` otherwise → ``pass`` with signer and issuer in the message and evidence;
* ``unsigned`` or not checked → no finding.

Known issuers and test markers are data: ``verifiers/signature_issuers.toml``.
What cannot be proven offline (the chain to the tax bureau's root, revocation, the true
signing time, a later cancellation or 红冲) is said in the ``pass`` message: a forger who
re-signs with a self-made certificate copying the names passes the integrity check, so the
signer and issuer are shown for the reviewer to judge.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.contract import Document, EvidenceRef, Finding
from models.signature import SignatureCheck
from verifiers.base import RuleContext, doc_label, rule

RULE_ID = "invoice.signature"
ISSUERS_FILE = Path(__file__).with_name("signature_issuers.toml")


@dataclass(frozen=True)
class KnownIssuers:
    tax_authority: tuple[str, ...]
    platform: tuple[str, ...]
    test_markers: tuple[str, ...]

    def classify(self, check: SignatureCheck) -> str:
        """``test`` / ``tax_authority`` / ``platform`` / ``unknown`` for a signature result.

        >>> k = known_issuers()
        >>> k.classify(SignatureCheck(status="intact", issuer="税务测试CA2(SM2)"))
        'test'
        >>> k.classify(SignatureCheck(status="intact", issuer="税务电子证书管理中心(SM2)（国家税务总局）"))
        'tax_authority'
        >>> k.classify(SignatureCheck(status="intact", issuer="NXCA（CWCA）"))
        'platform'
        >>> k.classify(SignatureCheck(status="intact", issuer="My Own Root CA"))
        'unknown'
        """
        infos = check.signatures or []
        texts = [check.issuer, check.signer, check.seal_name]
        for i in infos:
            texts += [i.issuer, i.signer, i.seal_name]
        if any(_has(t, self.test_markers) for t in texts):
            return "test"
        issuers = [check.issuer] + [i.issuer for i in infos]
        issuers = [i for i in issuers if i]
        if not issuers:
            return "unknown"
        kinds = []
        for iss in issuers:
            if _has(iss, self.tax_authority):
                kinds.append("tax_authority")
            elif _has(iss, self.platform):
                kinds.append("platform")
            else:
                return "unknown"  # every signature must come from a known issuer
        return "tax_authority" if "tax_authority" in kinds else "platform"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).upper()


def _has(text: str | None, patterns: tuple[str, ...]) -> bool:
    if not text:
        return False
    t = _norm(text)
    return any(_norm(p) in t for p in patterns)


@lru_cache(maxsize=4)
def known_issuers(path: Path = ISSUERS_FILE) -> KnownIssuers:
    """The issuer lists of ``signature_issuers.toml`` (cached)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return KnownIssuers(
        tax_authority=tuple(data.get("tax_authority", {}).get("issuers", ())),
        platform=tuple(data.get("platform", {}).get("issuers", ())),
        test_markers=tuple(data.get("test", {}).get("markers", ())),
    )


def _who(check: SignatureCheck) -> str:
    parts = [f"签名者 {check.signer or '未知'}", f"签发者 {check.issuer or '未知'}"]
    if check.seal_name:
        parts.append(f"印章“{check.seal_name}”")
    if check.algorithm:
        parts.append(check.algorithm)
    if len(check.signatures) > 1:
        parts.append(f"共 {len(check.signatures)} 个签名")
    return "，".join(parts)


def _evidence(doc: Document, check: SignatureCheck, value: str) -> EvidenceRef:
    stamp = next((s for s in check.signatures if s.page is not None), None)
    return EvidenceRef(
        file=doc.file,
        page=stamp.page if stamp else (doc.pages[0] if doc.pages else None),
        field="signature",
        value=value,
        bbox=stamp.bbox if stamp else None,
    )


def _short(items: list[str], n: int = 5) -> str:
    shown = "、".join(items[:n])
    return shown + (f" 等 {len(items)} 个" if len(items) > n else "")


@rule(
    RULE_ID,
    name="电子发票签名完整",
    summary="已签名的电子发票（OFD、PDF）签名有效、签名后未被修改，签发者为税务机关或已知平台",
)
def signature(ctx: RuleContext) -> list[Finding]:
    """Each signed e-invoice (OFD GB/T 38540 / GM/T 0031 electronic seal, PDF PKCS#7) is
    intact and signed by a tax authority or a known e-invoice platform.

    Notice clause: 「—」 (the notice has no clause on signatures). Purpose (目的): 核验电子发票
    原件未被篡改 — a file-based e-invoice can be edited, and an edit of both the printed values
    and the QR escapes ``invoice.qr_matches``; the signature covers every signed byte.
    Broken (changed after signing) → fail naming what changed; cannot be checked, test CA,
    unknown issuer or content outside the signature → review; intact → pass with signer and
    issuer; unsigned → no finding.
    """
    known = known_issuers()
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for d in ctx.docs("invoice"):
        check = d.signature
        if check is None or check.status == "unsigned":
            continue
        key = (d.file, d.sha256)
        if key in seen:  # one finding per file, however many invoices it holds
            continue
        seen.add(key)
        label = doc_label(d)
        details = check.model_dump(mode="json", exclude_none=True)
        if check.status == "broken":
            changed = "；".join(check.what_changed) or "签名与内容不符"
            out.append(
                ctx.finding(
                    RULE_ID,
                    "fail",
                    f"{label}：电子签名验证失败，文件在签名后被改动（{changed}）；"
                    "请向申报单位索取开票方原始文件核对（目的：核验电子发票原件未被篡改）",
                    [_evidence(d, check, "签名验证失败：" + changed)],
                    details=details,
                )
            )
            continue
        if check.status == "error":
            why = check.message or "签名结构无法解析"
            out.append(
                ctx.finding(
                    RULE_ID,
                    "review",
                    f"{label}：文件带有电子签名，但无法离线验证（{why}），需人工核对原件",
                    [_evidence(d, check, "签名无法验证")],
                    details=details,
                )
            )
            continue
        kind = known.classify(check)
        concerns: list[str] = []
        if kind == "test":
            concerns.append(
                f"签名证书或印章是测试用的（签发者 {check.issuer or '未知'}），不是正式开具的发票"
            )
        elif kind == "unknown":
            concerns.append(
                f"签发者“{check.issuer or '未知'}”不是税务机关或已知的电子发票平台，签名者 {check.signer or '未知'} 需人工核实"
            )
        if check.unsigned_files:
            concerns.append(f"包内 {_short(check.unsigned_files)} 未被签名覆盖，其中内容可能在签名后被改动")
        if concerns:
            out.append(
                ctx.finding(
                    RULE_ID,
                    "review",
                    f"{label}：电子签名验证通过，但" + "；".join(concerns) + f"（{_who(check)}），需人工复核",
                    [_evidence(d, check, f"签名完好；{_who(check)}")],
                    details=details,
                )
            )
            continue
        out.append(
            ctx.finding(
                RULE_ID,
                "pass",
                f"{label}：电子签名完好，签名后未被改动（{_who(check)}）；"
                "证书链、吊销状态和真实签名时间无法离线核实",
                [_evidence(d, check, f"签名完好；{_who(check)}")],
                details=details,
            )
        )
    return out

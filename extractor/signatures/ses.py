# asn1crypto declares structures as class-level lists
# ruff: noqa: RUF012
"""ASN.1 of OFD electronic seals and signatures, and SM2 verification.

Two layouts exist in e-invoices:

* GB/T 38540-2020 (``version`` 4), the layout of tax-bureau invoices since 2020::

      SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING,
                                   signatureAlgID OBJECT IDENTIFIER, signature BIT STRING,
                                   timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
      TBS_Sign      ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo GeneralizedTime,
                                   dataHash BIT STRING, propertyInfo IA5String,
                                   extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
      SESeal        ::= SEQUENCE { esealInfo SES_SealInfo, cert OCTET STRING,
                                   signAlgID OBJECT IDENTIFIER, signedValue BIT STRING }

* GM/T 0031-2014 (``version`` 1-3), older platforms::

      SES_Signature ::= SEQUENCE { toSign TBS_Sign, signature BIT STRING }
      TBS_Sign      ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo BIT STRING,
                                   dataHash BIT STRING, propertyInfo IA5String,
                                   cert OCTET STRING, signatureAlgorithm OBJECT IDENTIFIER }
      SESeal        ::= SEQUENCE { esealInfo SES_SealInfo, signInfo SES_SignInfo }

In both, ``SES_SealInfo ::= SEQUENCE { header, esID, property SES_ESPropertyInfo, picture,
extDatas OPTIONAL }`` and the property's second element is the seal's name (UTF8String).
``dataHash`` is the digest of the signed ``Signature.xml`` and the signature is computed over
the DER encoding of ``TBS_Sign``. Fields whose encoding varies between vendors (times, the
seal) are read as ``Any`` and decoded leniently: they are informational, the verification
needs only ``toSign``, ``dataHash``, the certificate and the signature value.

SM2 (GB/T 32918) over SM3 (GB/T 32905): ``e = SM3(Z_A || M)`` with
``Z_A = SM3(ENTL || ID || a || b || x_G || y_G || x_A || y_A)`` and the default user id
``1234567812345678`` (GM/T 0009); the point arithmetic is gmssl's, the hashing hashlib's
SM3 (OpenSSL) with gmssl's as fallback. The signature value is DER ``SEQUENCE {r, s}`` or,
from some vendors, raw ``r || s`` (64 bytes): both are accepted.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from typing import Any

from asn1crypto import core, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from gmssl import func, sm2, sm3

SM2_SM3 = "1.2.156.10197.1.501"
SM2_CURVE = "1.2.156.10197.1.301"
SM3_OID = "1.2.156.10197.1.401"
DEFAULT_USER_ID = b"1234567812345678"

# OID → (hash name for hashlib, label) of RSA signature algorithms seen in older seals
RSA_ALGOS = {
    "1.2.840.113549.1.1.5": ("sha1", "SHA-1"),
    "1.2.840.113549.1.1.11": ("sha256", "SHA-256"),
    "1.2.840.113549.1.1.12": ("sha384", "SHA-384"),
    "1.2.840.113549.1.1.13": ("sha512", "SHA-512"),
}

# Reference/CheckMethod values of OFD Signature.xml → hashlib name
DIGEST_METHODS = {
    SM3_OID: "sm3",
    "SM3": "sm3",
    "1.3.14.3.2.26": "sha1",
    "SHA1": "sha1",
    "SHA-1": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "SHA256": "sha256",
    "SHA-256": "sha256",
    "1.2.840.113549.2.5": "md5",
    "MD5": "md5",
}


class SignatureFormatError(ValueError):
    """The bytes are not a signature structure this module knows (message in Chinese)."""


# ------------------------------------------------------------------ hashing


def _has_openssl_sm3() -> bool:
    try:
        hashlib.new("sm3", b"")
    except (ValueError, TypeError):
        return False
    return True


_OPENSSL_SM3 = _has_openssl_sm3()


def digest(name: str, data: bytes) -> bytes:
    """``hashlib`` digest; SM3 from OpenSSL when it provides it, else gmssl's.

    >>> digest("sm3", b"abc").hex()[:16]
    '66c7f0f462eeedd9'
    """
    if name == "sm3" and not _OPENSSL_SM3:
        return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))
    return hashlib.new(name, data).digest()


# ------------------------------------------------------------------ ASN.1 structures


class TBSSignV4(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", core.Any),
        ("time_info", core.Any),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
        ("ext_datas", core.Any, {"explicit": 0, "optional": True}),
    ]


class SESSignatureV4(core.Sequence):
    _fields = [
        ("to_sign", TBSSignV4),
        ("cert", core.OctetString),
        ("signature_alg", core.ObjectIdentifier),
        ("signature", core.OctetBitString),
        ("time_stamp", core.Any, {"explicit": 0, "optional": True}),
    ]


class TBSSignV1(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", core.Any),
        ("time_info", core.Any),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
        ("cert", core.OctetString),
        ("signature_alg", core.ObjectIdentifier),
    ]


class SESSignatureV1(core.Sequence):
    _fields = [("to_sign", TBSSignV1), ("signature", core.OctetBitString)]


class ECSignature(core.Sequence):
    _fields = [("r", core.Integer), ("s", core.Integer)]


# ------------------------------------------------------------------ parsed value


@dataclass
class SesSignature:
    """What the verifier needs from one SignedValue.dat."""

    version: int
    standard: str  # "GB/T 38540" | "GM/T 0031"
    tbs_der: bytes  # DER of TBS_Sign as stored: the signed message
    data_hash: bytes
    property_info: str  # the Signature.xml path the signer named
    cert_der: bytes
    signature_alg: str  # dotted OID
    signature: bytes
    signing_time: str | None
    seal_name: str | None
    seal_id: str | None


def _time_text(value: core.Asn1Value | None) -> str | None:
    """A GeneralizedTime/UTCTime (or a BIT/OCTET STRING holding its text) as ISO 8601."""
    if value is None:
        return None
    try:
        raw = value.dump()
        for cls in (core.GeneralizedTime, core.UTCTime):
            try:
                t = cls.load(raw).native
                if isinstance(t, _dt.datetime):
                    return t.isoformat()
            except (ValueError, TypeError):
                continue
        # GM/T 0031 timeInfo: a BIT STRING / OCTET STRING carrying "YYYYMMDDhhmmss[Z]"
        contents = value.contents or b""
        text = contents[1:] if contents[:1] == b"\x00" else contents
        s = text.decode("ascii", "replace").strip().rstrip("Z")
        for fmt, width in (("%Y%m%d%H%M%S", 14), ("%y%m%d%H%M%S", 12)):
            try:
                return _dt.datetime.strptime(s[:width], fmt).isoformat()
            except ValueError:
                continue
    except Exception:  # informational only
        return None
    return None


def _seal_info(eseal: core.Asn1Value) -> tuple[str | None, str | None]:
    """(seal name, seal id) of an SESeal in either layout; (None, None) when unreadable."""
    try:
        seal = core.Sequence.load(eseal.dump())
        info = seal[0]  # SES_SealInfo
        info = core.Sequence.load(info.dump())
        es_id = info[1].native if isinstance(info[1], core.IA5String) else None
        prop = core.Sequence.load(info[2].dump())
        name = prop[1].native if isinstance(prop[1], (core.UTF8String, core.PrintableString)) else None
        if name is None:
            for i in range(len(prop)):
                if isinstance(prop[i], core.UTF8String):
                    name = prop[i].native
                    break
        return (str(name) if name else None), (str(es_id) if es_id else None)
    except Exception:  # a vendor quirk in the seal must not stop the verification
        return None, None


def _parsed(standard: str, tbs, holder, signature) -> SesSignature:
    """The fields of a parsed signature value; ``holder`` is the structure that carries the
    certificate and the signature algorithm (it differs between the two layouts)."""
    seal_name, seal_id = _seal_info(tbs["eseal"])
    return SesSignature(
        version=int(tbs["version"].native),
        standard=standard,
        tbs_der=tbs.dump(),
        data_hash=bytes(tbs["data_hash"].native),
        property_info=str(tbs["property_info"].native or ""),
        cert_der=bytes(holder["cert"].native),
        signature_alg=holder["signature_alg"].dotted,
        signature=bytes(signature.native),
        signing_time=_time_text(tbs["time_info"]),
        seal_name=seal_name,
        seal_id=seal_id,
    )


def parse_ses_signature(data: bytes) -> SesSignature:
    """Parse a SignedValue.dat (GB/T 38540 or GM/T 0031).

    Raises :class:`SignatureFormatError` (Chinese message) for anything else, e.g. a
    PKCS#7 SignedData (OFD ``Type="Sign"``), which this module does not verify.
    """
    try:
        top = core.Sequence.load(data, strict=True)
        n = len(top)
    except (ValueError, TypeError, OverflowError) as exc:
        raise SignatureFormatError(f"签名值（SignedValue.dat）不是有效的 ASN.1 结构：{exc}") from exc
    if n >= 4:
        try:
            sig = SESSignatureV4.load(data, strict=True)
            # GB/T 38540 keeps the certificate and the algorithm beside the signed part
            return _parsed("GB/T 38540", sig["to_sign"], sig, sig["signature"])
        except (ValueError, TypeError, KeyError) as exc:
            if isinstance(top[0], core.ObjectIdentifier):
                raise SignatureFormatError(
                    "签名值是 PKCS#7/CMS 数字签名（非电子签章结构），暂不支持离线验证"
                ) from exc
            raise SignatureFormatError(f"签名值结构无法按 GB/T 38540 解析：{exc}") from exc
    if n == 2:
        if isinstance(top[0], core.ObjectIdentifier):
            raise SignatureFormatError("签名值是 PKCS#7/CMS 数字签名（非电子签章结构），暂不支持离线验证")
        try:
            sig1 = SESSignatureV1.load(data, strict=True)
            # GM/T 0031 keeps them inside the signed part
            return _parsed("GM/T 0031", sig1["to_sign"], sig1["to_sign"], sig1["signature"])
        except (ValueError, TypeError, KeyError) as exc:
            raise SignatureFormatError(f"签名值结构无法按 GM/T 0031 解析：{exc}") from exc
    raise SignatureFormatError(f"签名值结构不是电子签章格式（顶层 {n} 个元素）")


# ------------------------------------------------------------------ certificates


@dataclass
class CertInfo:
    subject: str | None
    subject_org: str | None
    issuer: str | None
    serial: str
    not_before: str | None
    not_after: str | None
    key_kind: str  # "sm2" | "ec" | "rsa" | other
    key_bits: int
    public_key: bytes  # SM2/EC: uncompressed point 04||x||y; RSA: SubjectPublicKeyInfo DER


def _name_text(name: x509.Name) -> tuple[str | None, str | None]:
    """(CN, O) of an X.509 name; the CN with the organisation in brackets when they differ."""
    try:
        native = name.native
    except Exception:
        return None, None
    if not isinstance(native, dict):
        return None, None

    def first(v: Any) -> str | None:
        if isinstance(v, list):
            v = v[0] if v else None
        return str(v).strip() if v else None

    cn = first(native.get("common_name"))
    org = first(native.get("organization_name")) or first(native.get("organizational_unit_name"))
    if cn and org and org != cn and org not in cn:
        return f"{cn}（{org}）", org
    return cn or org, org


def read_certificate(der: bytes) -> CertInfo:
    """Subject, issuer, validity and public key of an X.509 certificate (SM2 or RSA).

    ``cryptography`` loads SM2 certificates but cannot give their key, so asn1crypto reads
    the SubjectPublicKeyInfo directly.
    """
    try:
        cert = x509.Certificate.load(der, strict=False)
        tbs = cert["tbs_certificate"]
        subject, subject_org = _name_text(tbs["subject"])
        issuer, _ = _name_text(tbs["issuer"])
        validity = tbs["validity"]

        def when(v: Any) -> str | None:
            try:
                t = v.native
                return t.isoformat() if isinstance(t, _dt.datetime) else None
            except Exception:
                return None

        spki = tbs["subject_public_key_info"]
        algo = spki["algorithm"]["algorithm"].dotted
        params = spki["algorithm"]["parameters"]
        if algo == "1.2.840.10045.2.1":  # id-ecPublicKey
            curve = ""
            try:
                curve = core.ObjectIdentifier.load(params.dump()).dotted
            except Exception:
                curve = ""
            kind = "sm2" if curve == SM2_CURVE else "ec"
            point = spki["public_key"].contents
            point = point[1:] if point[:1] == b"\x00" else point  # unused-bits byte
            key, bits = bytes(point), 256
        elif algo == SM2_CURVE:  # some issuers put the SM2 OID as the key algorithm
            point = spki["public_key"].contents
            point = point[1:] if point[:1] == b"\x00" else point
            kind, key, bits = "sm2", bytes(point), 256
        elif algo == "1.2.840.113549.1.1.1":
            kind, key = "rsa", spki.dump()
            try:
                bits = int(spki["public_key"].parsed["modulus"].native.bit_length())
            except Exception:
                bits = 0
        else:
            kind, key, bits = algo, spki.dump(), 0
        return CertInfo(
            subject=subject,
            subject_org=subject_org,
            issuer=issuer,
            serial=format(int(tbs["serial_number"].native), "x"),
            not_before=when(validity["not_before"]),
            not_after=when(validity["not_after"]),
            key_kind=kind,
            key_bits=bits,
            public_key=key,
        )
    except SignatureFormatError:
        raise
    except Exception as exc:
        raise SignatureFormatError(f"签名证书无法解析：{type(exc).__name__}") from exc


# ------------------------------------------------------------------ SM2 / RSA verification


def ec_signature_rs(sig: bytes) -> tuple[int, int]:
    """(r, s) from a DER ``SEQUENCE {r, s}`` or a raw 64-byte ``r || s``.

    >>> ec_signature_rs(bytes(31) + b"\\x01" + bytes(31) + b"\\x02")
    (1, 2)
    >>> ec_signature_rs(bytes.fromhex("3006020101020102"))
    (1, 2)
    """
    if sig[:1] == b"\x30":
        try:
            seq = ECSignature.load(sig, strict=True)
            return int(seq["r"].native), int(seq["s"].native)
        except (ValueError, TypeError):
            pass
    if len(sig) == 64:
        return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    raise SignatureFormatError("签名值既不是 DER 编码的 (r, s)，也不是 64 字节的 r‖s")


def sm2_verify(public_point: bytes, message: bytes, sig: bytes, user_id: bytes = DEFAULT_USER_ID) -> bool:
    """SM2 signature with SM3 over ``message`` (Z_A computed with ``user_id``)."""
    if len(public_point) != 65 or public_point[:1] != b"\x04":
        raise SignatureFormatError("SM2 公钥不是未压缩的椭圆曲线点")
    r, s = ec_signature_rs(sig)
    table = sm2.default_ecc_table
    xy = public_point[1:].hex()
    z_input = (
        (len(user_id) * 8).to_bytes(2, "big")
        + user_id
        + bytes.fromhex(table["a"] + table["b"] + table["g"])
        + public_point[1:]
    )
    za = digest("sm3", z_input)
    e = digest("sm3", za + message)
    n = int(table["n"], 16)
    if not (1 <= r < n and 1 <= s < n):
        return False
    crypt = sm2.CryptSM2(private_key=None, public_key="00")
    # set after construction: the constructor strips every leading '0'/'4' of the key text
    crypt.public_key = xy
    return bool(crypt.verify(f"{r:064x}{s:064x}", e))


def rsa_verify(spki_der: bytes, message: bytes, sig: bytes, hash_name: str) -> bool:
    key = load_der_public_key(spki_der)
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    algo = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}[
        hash_name
    ]()
    try:
        key.verify(sig, message, padding.PKCS1v15(), algo)
    except InvalidSignature:
        return False
    return True


def verify_value(parsed: SesSignature, cert: CertInfo) -> tuple[bool, str]:
    """(signature over TBS_Sign verifies, algorithm label)."""
    alg = parsed.signature_alg
    if alg == SM2_SM3 or (cert.key_kind == "sm2" and alg not in RSA_ALGOS):
        if cert.key_kind not in {"sm2", "ec"}:
            raise SignatureFormatError(f"签名算法 SM2 与证书公钥类型（{cert.key_kind}）不符")
        return sm2_verify(cert.public_key, parsed.tbs_der, parsed.signature), "SM2/SM3"
    if alg in RSA_ALGOS:
        hash_name, label = RSA_ALGOS[alg]
        if cert.key_kind != "rsa":
            raise SignatureFormatError(f"签名算法 RSA 与证书公钥类型（{cert.key_kind}）不符")
        return (
            rsa_verify(cert.public_key, parsed.tbs_der, parsed.signature, hash_name),
            f"RSA-{cert.key_bits}/{label}",
        )
    raise SignatureFormatError(f"不支持的签名算法 {alg}")

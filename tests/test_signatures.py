"""Offline e-invoice signature verification on the real signed invoices and on tampered
copies made here (extractor/signatures; issue 15).

Every real signed invoice verifies; every tampering is caught (OFD: page amount, OFD.xml,
the digest list, a DocRoot redirected to an edited copy, the signature value, a removed
Signatures entry; PDF: a same-length in-place edit, re-saves with PyMuPDF, incremental
updates); no untouched real file raises an alarm.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from extractor.extract import extract_documents
from extractor.read import ReadContext, read_bytes
from extractor.signatures import verify_signature
from extractor.signatures.ses import ec_signature_rs, parse_ses_signature, read_certificate, sm2_verify

SIGNED_OFD = {
    # realdocs file prefix: (printed total on page 1, seal name fragment, OFD.xml signed?)
    "inv02": ("526.00", "国家税务总局浙江省税务局", True),
    "inv05": ("11.20", "浙江省电子发票(票据)综合服务平台专用章", True),
    "inv06": ("10600.00", "测试全国统一发票监制章", False),
}


def _file(realdocs: Path, prefix: str, ext: str) -> Path:
    found = sorted((realdocs / "invoices").glob(f"{prefix}_*.{ext}"))
    assert found, f"{prefix}*.{ext} missing in realdocs"
    return found[0]


def rewrite(data: bytes, changes: dict[str, bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with members replaced (None: removed) and added; others byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    dst.writestr(info, changes[info.filename])
            else:
                dst.writestr(info, src.read(info.filename))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def edit_amount(content: bytes, amount: str) -> bytes:
    """Change the first printed occurrence of ``amount`` in a page (9 for its first digit)."""
    pat = re.compile(rb"([>\[][\xc2\xa5\xef\xbf\xa5]*)" + re.escape(amount.encode()) + rb"([<\]])")
    m = pat.search(content)
    assert m, f"amount {amount} not printed in the page"
    forged = ("9" + amount[1:]).encode() if amount[0] != "9" else ("8" + amount[1:]).encode()
    return content[: m.start()] + m.group(1) + forged + m.group(2) + content[m.end() :]


def page0(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("Page_0/Content.xml"))


def sig_xml_name(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("Sign_0/Signature.xml"))


# ------------------------------------------------------------------ untouched files


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_real_ofd_signatures_verify(realdocs, prefix):
    _amount, seal, ofd_xml_signed = SIGNED_OFD[prefix]
    check = verify_signature(_file(realdocs, prefix, "ofd").read_bytes())
    assert check.status == "intact", check.what_changed
    assert check.format == "ofd" and check.standard == "GB/T 38540" and check.algorithm == "SM2/SM3"
    assert check.what_changed == []
    assert seal in (check.seal_name or "")
    assert check.signer and check.issuer
    assert any(f.endswith("Page_0/Content.xml") for f in check.signed_files)
    assert ("OFD.xml" in check.signed_files) is ofd_xml_signed
    assert ("OFD.xml" in check.unsigned_files) is not ofd_xml_signed
    stamp = check.signatures[0]
    assert stamp.page == 1 and stamp.bbox is not None and stamp.bbox[2] > stamp.bbox[0]


def test_inv06_is_signed_by_a_test_ca(realdocs):
    check = verify_signature(_file(realdocs, "inv06", "ofd").read_bytes())
    assert "测试" in (check.issuer or "")
    assert check.unsigned_files == ["OFD.xml"]


def test_real_pdf_signature_verifies(realdocs):
    check = verify_signature(_file(realdocs, "inv12", "pdf").read_bytes())
    assert check.status == "intact", check.what_changed
    assert check.format == "pdf" and "adbe.pkcs7.detached" in (check.standard or "")
    assert check.algorithm == "RSA-1024/SHA-256"  # needs the legacy algorithm policy
    assert "安徽好马科技有限公司" in (check.signer or "")
    assert "CWCA" in (check.issuer or "")


def test_no_false_alarm_on_any_untouched_real_file(realdocs):
    """Every real PDF/OFD (signed or not) is intact or unsigned: never broken or error."""
    seen = 0
    for path in sorted(realdocs.rglob("*")):
        if path.suffix.lower() not in {".pdf", ".ofd"}:
            continue
        check = verify_signature(path.read_bytes())
        assert check.status in {"intact", "unsigned"}, (
            path.name,
            check.status,
            check.what_changed,
            check.message,
        )
        seen += 1
    assert seen >= 10


# ------------------------------------------------------------------ OFD tampering


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_page_amount_edit_is_caught(realdocs, prefix):
    data = _file(realdocs, prefix, "ofd").read_bytes()
    amount = SIGNED_OFD[prefix][0]
    name = page0(data)
    forged = rewrite(data, {name: edit_amount(member(data, name), amount)})
    check = verify_signature(forged)
    assert check.status == "broken"
    assert any(name in w and "签名后被修改" in w for w in check.what_changed), check.what_changed


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_xml_edit_is_caught(realdocs, prefix):
    data = _file(realdocs, prefix, "ofd").read_bytes()
    xml = member(data, "OFD.xml")
    edited = xml.replace(b"</ofd:DocInfo>", b"<ofd:Keywords>x</ofd:Keywords></ofd:DocInfo>", 1)
    assert edited != xml
    check = verify_signature(rewrite(data, {"OFD.xml": edited}))
    if SIGNED_OFD[prefix][2]:
        assert check.status == "broken"
        assert any("OFD.xml" in w for w in check.what_changed)
    else:  # inv06 never signed OFD.xml: reported as unsigned content (rule → review)
        assert check.status == "intact" and "OFD.xml" in check.unsigned_files


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_digest_list_edit_is_caught(realdocs, prefix):
    """The forger edits the page AND writes its new digest into Signature.xml."""
    data = _file(realdocs, prefix, "ofd").read_bytes()
    name = page0(data)
    content = edit_amount(member(data, name), SIGNED_OFD[prefix][0])
    sx_name = sig_xml_name(data)
    sx = member(data, sx_name).decode("utf-8")
    new_digest = base64.b64encode(hashlib.new("sm3", content).digest()).decode()
    m = re.search(r'FileRef="/?' + re.escape(name) + r'"\s*>\s*<ofd:CheckValue>([^<]+)<', sx)
    assert m, "page reference not found"
    sx = sx[: m.start(1)] + new_digest + sx[m.end(1) :]
    check = verify_signature(rewrite(data, {name: content, sx_name: sx.encode("utf-8")}))
    assert check.status == "broken"
    assert any("Signature.xml" in w and "签名后被修改" in w for w in check.what_changed), check.what_changed


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_docroot_redirect_is_caught(realdocs, prefix):
    """A full copy of Doc_0 with an edited page, and OFD.xml pointing at it."""
    data = _file(realdocs, prefix, "ofd").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    page = page0(data)
    copies = {}
    for n in src.namelist():
        if n.startswith("Doc_0/") and not n.endswith("/") and "/Signs/" not in n:
            body = src.read(n)
            if n == page:
                body = edit_amount(body, SIGNED_OFD[prefix][0])
            copies["Doc_9/" + n[len("Doc_0/") :]] = body.replace(b"/Doc_0/", b"/Doc_9/")
    xml = member(data, "OFD.xml")
    redirected = re.sub(rb"(<ofd:DocRoot>\s*/?)Doc_0/", rb"\1Doc_9/", xml)
    assert redirected != xml
    forged = rewrite(data, {"OFD.xml": redirected}, add=copies)
    # the reader now shows the forged amount
    read = read_bytes(forged, "forged.ofd", ReadContext(ocr_enabled=False))
    assert read.meta["signature"]["status"] == "broken"
    check = verify_signature(forged)
    assert check.status == "broken"
    assert any("Doc_9/Document.xml" in w and "未被签名覆盖" in w for w in check.what_changed), (
        check.what_changed
    )
    assert any(f.startswith("Doc_9/") for f in check.unsigned_files)


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_signature_value_edit_is_caught(realdocs, prefix):
    data = _file(realdocs, prefix, "ofd").read_bytes()
    name = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("SignedValue.dat"))
    value = bytearray(member(data, name))
    value[-5] ^= 0x01  # inside the signature's s
    check = verify_signature(rewrite(data, {name: bytes(value)}))
    assert check.status == "broken"
    assert any("签名值验证失败" in w for w in check.what_changed)


@pytest.mark.parametrize("prefix", sorted(SIGNED_OFD))
def test_ofd_removed_signature_entry_is_caught(realdocs, prefix):
    """OFD.xml no longer registers Signatures.xml (an attempt to pass as unsigned)."""
    data = _file(realdocs, prefix, "ofd").read_bytes()
    xml = member(data, "OFD.xml")
    stripped = re.sub(rb"<ofd:Signatures>[^<]*</ofd:Signatures>", b"", xml)
    assert stripped != xml
    check = verify_signature(rewrite(data, {"OFD.xml": stripped}))
    assert check.status == "broken"
    assert any("未登记" in w for w in check.what_changed)


def test_ofd_garbage_signed_value_is_error_not_crash(realdocs):
    data = _file(realdocs, "inv02", "ofd").read_bytes()
    name = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("SignedValue.dat"))
    check = verify_signature(rewrite(data, {name: b"\x30\x03\x02\x01\x01"}))
    assert check.status == "error" and check.message


# ------------------------------------------------------------------ SM2 details


def test_sm2_raw_and_der_signatures_and_user_id(realdocs):
    data = _file(realdocs, "inv05", "ofd").read_bytes()
    name = next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith("SignedValue.dat"))
    parsed = parse_ses_signature(member(data, name))
    cert = read_certificate(parsed.cert_der)
    assert cert.key_kind == "sm2" and len(cert.public_key) == 65
    assert sm2_verify(cert.public_key, parsed.tbs_der, parsed.signature)
    r, s = ec_signature_rs(parsed.signature)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert sm2_verify(cert.public_key, parsed.tbs_der, raw)  # raw r‖s accepted too
    assert not sm2_verify(cert.public_key, parsed.tbs_der, parsed.signature, user_id=b"0000000000000000")
    assert not sm2_verify(cert.public_key, parsed.tbs_der + b"\x00", parsed.signature)


# ------------------------------------------------------------------ PDF tampering


def _pdf(realdocs) -> bytes:
    return _file(realdocs, "inv12", "pdf").read_bytes()


def test_pdf_same_length_in_place_edit_is_caught(realdocs):
    data = _pdf(realdocs)
    br = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)
    assert br
    m = re.search(rb"/CreationDate\s*\(D:(\d)", data)
    assert m and m.start(1) < int(br.group(2))  # inside the signed bytes
    forged = bytearray(data)
    forged[m.start(1)] = ord("1") if forged[m.start(1)] != ord("1") else ord("2")
    assert len(forged) == len(data)
    check = verify_signature(bytes(forged))
    assert check.status == "broken"
    assert any("摘要不符" in w for w in check.what_changed)


def test_pdf_page_stream_byte_edit_is_caught(realdocs):
    """One byte of the page's content stream changed in place (same length)."""
    data = _pdf(realdocs)
    m = re.search(rb"stream\r?\n", data)
    assert m
    forged = bytearray(data)
    forged[m.end() + 10] ^= 0x20
    assert verify_signature(bytes(forged)).status == "broken"


@pytest.mark.parametrize("opts", [{}, {"garbage": 3, "deflate": True}])
def test_pdf_resave_with_pymupdf_is_caught(realdocs, opts):
    with pymupdf.open(stream=_pdf(realdocs), filetype="pdf") as doc:
        resaved = doc.tobytes(**opts)
    check = verify_signature(resaved)
    assert check.status == "broken", check
    assert check.what_changed


@pytest.mark.parametrize("how", ["text", "annotation"])
def test_pdf_incremental_update_is_caught(realdocs, tmp_path, how):
    path = tmp_path / "inv12.pdf"
    shutil.copyfile(_file(realdocs, "inv12", "pdf"), path)
    with pymupdf.open(path) as doc:
        page = doc[0]
        if how == "text":
            page.insert_text((100, 100), "999.00")
        else:
            page.add_freetext_annot(pymupdf.Rect(100, 100, 200, 130), "999.00")
        doc.saveIncr()
    data = path.read_bytes()
    assert data.startswith(_pdf(realdocs))  # the signed revision is untouched
    check = verify_signature(data)
    assert check.status == "broken"
    assert any("签名后" in w for w in check.what_changed), check.what_changed


def test_unsigned_and_garbage_inputs():
    assert verify_signature(b"%PDF-1.4\n%%EOF").status == "unsigned"
    assert verify_signature(b"%PDF-1.4\n/ByteRange [0 1 2 3]\n%%EOF").status == "error"
    assert verify_signature(b"not a file").status == "unsigned"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    assert verify_signature(buf.getvalue(), "ofd").status == "unsigned"


# ------------------------------------------------------------------ wiring


def test_signature_reaches_the_invoice_document(realdocs):
    data = _file(realdocs, "inv02", "ofd").read_bytes()
    read = read_bytes(data, "发票.ofd", ReadContext(ocr_enabled=False))
    docs = extract_documents(read)
    inv = [d for d in docs if d.doc_type == "invoice"]
    assert inv and inv[0].signature is not None and inv[0].signature.status == "intact"
    # survives the JSON round trip of the store / read cache
    again = type(inv[0]).model_validate_json(inv[0].model_dump_json())
    assert again.signature == inv[0].signature


def test_split_page_range_read_checks_the_whole_file(realdocs):
    """A batch page-range read rewrites the PDF: the check must use the original bytes."""
    from review.batch_parts import _read_range

    data = _pdf(realdocs)
    ctx = ReadContext(ocr_enabled=False)
    first = _read_range(data, "inv12.pdf", ctx, 0, 1, "x")
    assert first.meta["signature"]["status"] == "intact"
    assert ctx.check_signatures is True


# ------------------------------------------------------------------ GM/T 0031 layout, re-signed forgery


def _sm2_keypair() -> tuple[str, bytes]:
    """A throwaway SM2 key (private hex, public point 04||x||y) made with gmssl."""
    import secrets

    from gmssl import sm2

    d = format(secrets.randbelow(int(sm2.default_ecc_table["n"], 16) - 2) + 1, "064x")
    xy = sm2.CryptSM2(private_key=d, public_key="00")._kg(int(d, 16), sm2.default_ecc_table["g"])
    return d, b"\x04" + bytes.fromhex(xy)


def _self_made_cert(point: bytes, subject: str, issuer: str) -> bytes:
    import datetime as dt

    from asn1crypto import keys, x509

    name = x509.Name.build
    tbs = x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": 4242,
            "signature": {"algorithm": "1.2.156.10197.1.501"},
            "issuer": name({"common_name": issuer}),
            "validity": {
                "not_before": x509.Time({"utc_time": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}),
                "not_after": x509.Time({"utc_time": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}),
            },
            "subject": name({"common_name": subject}),
            "subject_public_key_info": keys.PublicKeyInfo(
                {
                    "algorithm": {"algorithm": "ec", "parameters": ("named", "1.2.156.10197.1.301")},
                    "public_key": point,
                }
            ),
        }
    )
    cert = x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": "1.2.156.10197.1.501"},
            "signature_value": b"\0" * 64,
        }
    )
    return cert.dump()


def _gmt0031_value(sig_xml: bytes, sig_xml_path: str, seal_name: str, issuer: str) -> bytes:
    """A GM/T 0031-2014 SES_Signature (version 1, raw r‖s) over ``sig_xml``, signed with a
    self-made SM2 key: what a forger who re-signs an edited invoice produces."""
    import datetime as dt

    from asn1crypto import core
    from asn1crypto.parser import emit
    from gmssl import sm2

    def seq(*parts: bytes) -> bytes:
        return emit(0, 1, 16, b"".join(parts))

    d, point = _sm2_keypair()
    cert = _self_made_cert(point, "国家税务总局浙江省税务局", issuer)
    when = core.UTCTime(dt.datetime(2020, 7, 23, tzinfo=dt.UTC)).dump()
    prop = seq(
        core.Integer(1).dump(),
        core.UTF8String(seal_name).dump(),
        seq(core.OctetString(cert).dump()),
        when,
        when,
        when,
    )
    picture = seq(
        core.IA5String("png").dump(),
        core.OctetString(b"\x89PNG").dump(),
        core.Integer(40).dump(),
        core.Integer(40).dump(),
    )
    seal_info = seq(
        seq(core.IA5String("ES").dump(), core.Integer(1).dump(), core.IA5String("FORGER").dump()),
        core.IA5String("00000000000001").dump(),
        prop,
        picture,
    )
    sign_info = seq(
        core.OctetString(cert).dump(),
        core.ObjectIdentifier("1.2.156.10197.1.501").dump(),
        core.OctetBitString(bytes(64)).dump(),
    )
    eseal = seq(seal_info, sign_info)
    tbs = seq(
        core.Integer(1).dump(),
        eseal,
        core.OctetBitString(b"20200723130907Z").dump(),
        core.OctetBitString(hashlib.new("sm3", sig_xml).digest()).dump(),
        core.IA5String("/" + sig_xml_path).dump(),
        core.OctetString(cert).dump(),
        core.ObjectIdentifier("1.2.156.10197.1.501").dump(),
    )
    signer = sm2.CryptSM2(private_key=d, public_key="00")
    signer.public_key = point[1:].hex()
    rs = bytes.fromhex(signer.sign_with_sm3(tbs))
    return seq(tbs, core.OctetBitString(rs).dump())


def _resigned_forgery(data: bytes, issuer: str) -> bytes:
    """inv02 with an edited amount, its digest updated, re-signed in the GM/T 0031 layout."""
    z = zipfile.ZipFile(io.BytesIO(data))
    page = page0(data)
    content = edit_amount(z.read(page), "526.00")
    sx_name = sig_xml_name(data)
    sx = z.read(sx_name).decode("utf-8")
    m = re.search(r'FileRef="/?' + re.escape(page) + r'"\s*>\s*<ofd:CheckValue>([^<]+)<', sx)
    assert m
    sx_bytes = (
        sx[: m.start(1)] + base64.b64encode(hashlib.new("sm3", content).digest()).decode() + sx[m.end(1) :]
    ).encode()
    value_name = next(n for n in z.namelist() if n.endswith("SignedValue.dat"))
    value = _gmt0031_value(sx_bytes, sx_name, "伪造的发票专用章", issuer)
    return rewrite(data, {page: content, sx_name: sx_bytes, value_name: value})


def test_gmt0031_layout_and_raw_rs_verify_and_self_made_issuer_is_reported(realdocs):
    data = _file(realdocs, "inv02", "ofd").read_bytes()
    forged = _resigned_forgery(data, "Self Made CA")
    check = verify_signature(forged)
    # integrity alone cannot catch a re-signature: the layout and the signature verify ...
    assert check.status == "intact", check.what_changed
    assert check.standard == "GM/T 0031" and check.algorithm == "SM2/SM3"
    assert check.seal_name == "伪造的发票专用章"
    # ... which is why the issuer is reported (rule invoice.signature: unknown issuer → review)
    assert check.issuer == "Self Made CA"
    from verifiers.signature import known_issuers

    assert known_issuers().classify(check) == "unknown"
    # an edit after the forger's signature is still caught
    page = page0(forged)
    again = rewrite(forged, {page: member(forged, page).replace(b"926.00", b"826.00", 1)})
    assert verify_signature(again).status == "broken"


def _second_signature(data: bytes, tmp_path: Path) -> bytes:
    """``data`` with a second signature appended by pyHanko (self-made RSA-2048 certificate)."""
    import datetime as dt
    import warnings

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "Second Signer")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(tmp_path / "k.pem"), str(tmp_path / "c.pem"))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Second"), signer=signer)
    return out.getvalue()


def test_pdf_second_signature_is_not_a_change_but_a_later_edit_is(realdocs, tmp_path):
    """A second signer appended after the first is allowed form filling: both verify (the
    self-made issuer is left for the rule to report); an edit after both is still caught."""
    twice = _second_signature(_pdf(realdocs), tmp_path)
    check = verify_signature(twice)
    assert check.status == "intact", check.what_changed
    assert len(check.signatures) == 2 and {s.signer for s in check.signatures} >= {"Second Signer"}
    path = tmp_path / "twice.pdf"
    path.write_bytes(twice)
    with pymupdf.open(path) as doc:
        doc[0].insert_text((100, 100), "999.00")
        doc.saveIncr()
    assert verify_signature(path.read_bytes()).status == "broken"

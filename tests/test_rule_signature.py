"""Rule ``invoice.signature`` (verifiers/signature.py) on real signed e-invoices read by the
project's own pipeline (read_bytes + extract_documents, no OCR), on tampered copies, and on
unit cases for the statuses the real files do not produce (unknown issuer, error, unsigned).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from extractor.extract import extract_documents
from extractor.read import ReadContext, read_bytes
from models.contract import Document
from models.signature import SignatureCheck
from verifiers import RULES_BY_DIRECTION, load_policy, run_rules
from verifiers.base import REGISTRY, RuleContext
from verifiers.signature import RULE_ID, known_issuers, signature
from verifiers.testing import compute_app, invoice, product_app, with_docs


def _path(realdocs: Path, prefix: str, ext: str) -> Path:
    return sorted((realdocs / "invoices").glob(f"{prefix}_*.{ext}"))[0]


def _invoice_doc(data: bytes, name: str) -> Document:
    docs = extract_documents(read_bytes(data, name, ReadContext(ocr_enabled=False)))
    inv = [d for d in docs if d.doc_type == "invoice"]
    assert inv, f"{name}: no invoice document"
    return inv[0]


def _findings(*docs: Document, app=None):
    app = with_docs(app or compute_app(), add=docs)
    return [f for f in run_rules(app) if f.rule == RULE_ID]


def _tamper_ofd_page(data: bytes, old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.endswith("Page_0/Content.xml"):
                assert old in body
                body = body.replace(old, new, 1)
            dst.writestr(info, body)
    return out.getvalue()


def test_rule_is_registered_for_every_direction():
    assert RULE_ID in REGISTRY and "「—」" in REGISTRY[RULE_ID].doc
    for direction, rules in RULES_BY_DIRECTION.items():
        assert signature in rules, direction


def test_intact_tax_bureau_ofd_passes_with_signer_and_issuer(realdocs):
    d = _invoice_doc(_path(realdocs, "inv02", "ofd").read_bytes(), "发票/inv02.ofd")
    fs = _findings(d)
    assert [f.status for f in fs] == ["pass"]
    msg = fs[0].message
    assert "签名完好" in msg and d.signature.signer in msg and d.signature.issuer in msg
    ev = fs[0].evidence[0]
    assert ev.file == "发票/inv02.ofd" and ev.page == 1 and ev.bbox and ev.field == "signature"
    assert fs[0].details["status"] == "intact"


def test_intact_platform_signed_pdf_passes(realdocs):
    d = _invoice_doc(_path(realdocs, "inv12", "pdf").read_bytes(), "发票/inv12.pdf")
    fs = _findings(d, app=product_app())
    assert [f.status for f in fs] == ["pass"], [f.message for f in fs]
    assert "CWCA" in fs[0].message and "安徽好马科技有限公司" in fs[0].message


def test_edited_ofd_amount_fails_naming_the_file(realdocs):
    data = _path(realdocs, "inv02", "ofd").read_bytes()
    forged = _tamper_ofd_page(data, b">526.00<", b">926.00<")
    d = _invoice_doc(forged, "发票/inv02.ofd")
    fs = _findings(d)
    assert [f.status for f in fs] == ["fail"]
    assert "Doc_0/Pages/Page_0/Content.xml" in fs[0].message and "签名后被改动" in fs[0].message
    assert "第 1 页内容" in fs[0].message


def test_incremental_pdf_update_fails(realdocs, tmp_path):
    path = tmp_path / "inv12.pdf"
    shutil.copyfile(_path(realdocs, "inv12", "pdf"), path)
    with pymupdf.open(path) as doc:
        doc[0].insert_text((100, 100), "999.00")
        doc.saveIncr()
    d = _invoice_doc(path.read_bytes(), "发票/inv12.pdf")
    fs = _findings(d)
    assert [f.status for f in fs] == ["fail"] and "增量更新" in fs[0].message


def test_test_ca_and_unsigned_ofd_xml_go_to_review(realdocs):
    d = _invoice_doc(_path(realdocs, "inv06", "ofd").read_bytes(), "发票/inv06.ofd")
    fs = _findings(d)
    assert [f.status for f in fs] == ["review"]
    assert "测试" in fs[0].message and "OFD.xml" in fs[0].message


def test_unknown_issuer_goes_to_review(realdocs):
    d = _invoice_doc(_path(realdocs, "inv02", "ofd").read_bytes(), "发票/inv02.ofd")
    forged = d.signature.model_copy(
        update={
            "issuer": "Self Made Root CA",
            "signatures": [
                s.model_copy(update={"issuer": "Self Made Root CA"}) for s in d.signature.signatures
            ],
        }
    )
    fs = _findings(d.model_copy(update={"signature": forged}))
    assert [f.status for f in fs] == ["review"] and "Self Made Root CA" in fs[0].message


def test_unverifiable_signature_goes_to_review():
    d = invoice(1, file="发票/x.ofd").model_copy(
        update={"signature": SignatureCheck(status="error", format="ofd", message="签名值结构无法解析")}
    )
    fs = _findings(d)
    assert [f.status for f in fs] == ["review"] and "无法离线验证" in fs[0].message


def test_unsigned_or_unchecked_invoices_get_no_finding(realdocs):
    d = _invoice_doc(_path(realdocs, "inv01", "ofd").read_bytes(), "发票/inv01.ofd")
    assert d.signature is not None and d.signature.status == "unsigned"
    assert _findings(d) == []
    assert [f for f in run_rules(compute_app()) if f.rule == RULE_ID] == []


def test_one_finding_per_file_and_store_round_trip(realdocs):
    d = _invoice_doc(_path(realdocs, "inv02", "ofd").read_bytes(), "发票/inv02.ofd")
    second = d.model_copy(update={"pages": [1]}, deep=True)
    app = with_docs(compute_app(), add=(d, second))
    stored = type(app).model_validate_json(app.model_dump_json())
    fs = signature(RuleContext.build(stored, load_policy()))
    assert [f.status for f in fs] == ["pass"]


@pytest.mark.parametrize(
    ("issuer", "kind"),
    [
        ("税务电子证书管理中心(SM2)（国家税务总局）", "tax_authority"),
        ("NXCA（CWCA）", "platform"),
        ("ＣＦＣＡ ＯＶ ＯＣＡ", "platform"),  # full-width: NFKC
        ("税务测试CA2(SM2)", "test"),
        ("Example Test CA", "test"),
        ("深圳某某科技有限公司", "unknown"),
        (None, "unknown"),
    ],
)
def test_issuer_classes(issuer, kind):
    assert known_issuers().classify(SignatureCheck(status="intact", issuer=issuer)) == kind

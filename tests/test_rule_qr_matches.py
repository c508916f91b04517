"""Rule ``invoice.qr_matches`` (verifiers/qr.py) on real invoice PDFs and on copies of them
whose printed values were edited with PyMuPDF (the QR image kept), plus unit cases.

The real files are read and extracted by the project's own pipeline
(``extractor.read.read_bytes`` + ``extractor.extract.extract_documents``); no OCR (text PDFs).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from pathlib import Path

import pymupdf
import pytest

from extractor.extract import extract_documents
from extractor.qr import decode_pdf_page_barcodes, qr_field
from extractor.read import read_bytes
from models.contract import ApplicationResult, Document, FieldValue
from verifiers import load_policy
from verifiers.base import RuleContext
from verifiers.qr import RULE_ID, qr_matches

INV10 = "inv10_pdf_shudian-zhuanpiao_chips_35559.69.pdf"  # 数电专票 (31): QR carries the total
INV12 = "inv12_pdf_anhui-putong_ride-hailing_30.31.pdf"  # 电子普票 (10): QR carries the pre-tax amount


def _edit(data: bytes, old: str, new: str) -> bytes:
    """Print ``new`` where page 1 prints ``old``; images (the QR) untouched.

    Literal text operands ``(old)`` are rewritten in the content stream (an in-place edit);
    otherwise the spans are redacted and ``new`` is printed at their origin.
    """
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        page = doc[0]
        literal = f"({old})".encode("latin-1") if old.isascii() else None
        edited = 0
        for xref in page.get_contents():
            stream = doc.xref_stream(xref)
            if literal and literal in stream:
                doc.update_stream(xref, stream.replace(literal, f"({new})".encode("latin-1")))
                edited += 1
        if edited:
            return doc.tobytes()
        spans = [
            s
            for b in page.get_text("dict")["blocks"]
            for ln in b.get("lines", ())
            for s in ln["spans"]
            if old in s["text"]
        ]
        assert spans, f"{old!r} not printed"
        for s in spans:
            page.add_redact_annot(pymupdf.Rect(s["bbox"]), fill=(1, 1, 1))
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
        font = "helv" if new.isascii() else "china-s"
        for s in spans:
            page.insert_text(s["origin"], s["text"].replace(old, new), fontname=font, fontsize=s["size"])
        return doc.tobytes()


def _invoice_doc(data: bytes, name: str) -> Document:
    """Read + extract like the pipeline; QR wiring done here only where the pipeline lacks it."""
    read = read_bytes(data, name)
    assert not read.errors, read.errors
    with pymupdf.open(stream=data, filetype="pdf") as pdf:
        for page in read.pages:
            if not page.barcodes:
                page.barcodes = decode_pdf_page_barcodes(pdf[page.number - 1])
    docs = [d for d in extract_documents(read) if d.doc_type == "invoice"]
    assert len(docs) == 1, [d.doc_type for d in extract_documents(read)]
    doc = docs[0]
    if "qr" not in doc.fields:
        pages = [p for p in read.pages if p.number in doc.pages]
        fv = qr_field(pages)
        assert fv is not None, "no invoice QR decoded"
        doc.fields["qr"] = fv
    return doc


def _run(*docs: Document) -> list:
    app = ApplicationResult(application_id="qr-test", direction="compute_subsidy", documents=list(docs))
    return qr_matches(RuleContext.build(app, load_policy()))


@pytest.fixture(scope="module")
def inv10(realdocs: Path) -> bytes:
    return (realdocs / "invoices" / INV10).read_bytes()


@pytest.fixture(scope="module")
def inv12(realdocs: Path) -> bytes:
    return (realdocs / "invoices" / INV12).read_bytes()


def test_unedited_real_invoices_pass(inv10, inv12, realdocs):
    inv16 = next((realdocs / "invoices").glob("inv16_*.pdf")).read_bytes()
    docs = [_invoice_doc(inv10, INV10), _invoice_doc(inv12, INV12), _invoice_doc(inv16, "inv16.pdf")]
    findings = _run(*docs)
    assert [f.status for f in findings] == ["pass", "pass", "pass"], [f.message for f in findings]
    assert findings[0].rule == RULE_ID
    assert findings[0].details["amount_field"] == "total_incl_tax"
    assert findings[1].details["amount_field"] == "amount_excl_tax"
    assert set(findings[1].details["compared"]) == {
        "invoice_number",
        "invoice_code",
        "issue_date",
        "amount_excl_tax",
    }
    assert "35,559.69" in findings[0].message
    qr_ref = findings[0].evidence[0]
    assert qr_ref.field == "qr" and qr_ref.page == 1 and qr_ref.bbox[0] < 30 and qr_ref.bbox[2] < 80


def test_edited_total_of_shudian_invoice_fails(inv10):
    edited = _edit(inv10, "35559.69", "35659.69")
    doc = _invoice_doc(edited, "edited.pdf")
    assert doc.fields["total_incl_tax"].value == Decimal("35659.69")  # the edit is what gets read
    (f,) = _run(doc)
    assert f.status == "fail"
    assert f.message == (
        "发票 25317000002228021821：二维码金额 35,559.69，票面价税合计 35,659.69，不一致，票面可能被改动"
    )
    assert [e.field for e in f.evidence] == ["qr", "total_incl_tax"]
    assert f.evidence[1].value == Decimal("35659.69") and f.evidence[1].bbox is not None


def test_edited_date_and_number_fail(inv10):
    edited = _edit(
        _edit(inv10, "2025年10月20日", "2025年11月20日"), "25317000002228021821", "25317000002228021899"
    )
    (f,) = _run(_invoice_doc(edited, "edited.pdf"))
    assert f.status == "fail"
    assert "二维码发票号码 25317000002228021821，票面发票号码 25317000002228021899" in f.message
    assert "二维码开票日期 2025-10-20，票面开票日期 2025-11-20" in f.message
    assert {e.field for e in f.evidence} == {"qr", "invoice_number", "issue_date"}


def test_pre_tax_amount_is_what_an_old_e_invoice_qr_carries(inv12):
    # 电子普票 (type 10): the QR amount is the pre-tax 金额, so editing 金额 fails ...
    amount_edit = _edit(inv12, "29.43", "39.43")
    doc = _invoice_doc(amount_edit, "a.pdf")
    assert doc.fields["amount_excl_tax"].value == Decimal("39.43")
    (f,) = _run(doc)
    assert f.status == "fail" and "二维码金额 29.43，票面金额 39.43" in f.message
    # ... while the total is not in the QR (invoice.arithmetic is the rule for that one)
    total_edit = _edit(inv12, "30.31", "31.31")
    doc = _invoice_doc(total_edit, "b.pdf")
    assert doc.fields["total_incl_tax"].value == Decimal("31.31")
    assert [x.status for x in _run(doc)] == ["pass"]


# ---------------------------------------------------------------- unit cases (Documents built directly)


def _doc(qr: object, **fields: object) -> Document:
    f = {k: FieldValue(value=v, page=1, bbox=[0, 0, 1, 1]) for k, v in fields.items()}
    if qr is not None:
        f["qr"] = FieldValue(value=qr, page=1, bbox=[18, 17, 75, 74], method="qr")
    return Document(file="发票.pdf", sha256="0", doc_type="invoice", pages=[1], fields=f)


SHUDIAN = "01,32,,23442000000010967536,7894.25,20230207,,2889"


def test_no_qr_no_finding():
    assert _run(_doc(None, invoice_number="23442000000010967536", total_incl_tax=Decimal("7894.25"))) == []


def test_nothing_printed_to_compare_no_finding():
    assert _run(_doc(SHUDIAN)) == []


def test_payload_string_and_stored_json_dict_are_read():
    printed = {
        "invoice_number": "23442000000010967536",
        "issue_date": _dt.date(2023, 2, 7),
        "amount_excl_tax": Decimal("7816.09"),
        "total_incl_tax": Decimal("7894.25"),
    }
    stored = {  # what the store gives back after a JSON round trip
        "version": "01",
        "type": "32",
        "invoice_code": "",
        "invoice_number": "23442000000010967536",
        "amount": "7894.25",
        "issue_date": "2023-02-07",
        "raw": SHUDIAN,
    }
    assert [f.status for f in _run(_doc(SHUDIAN, **printed), _doc(stored, **printed))] == ["pass", "pass"]
    stored_bad = dict(stored, amount="7816.09")  # a 数电票 QR must carry the total, not 金额
    (f,) = _run(_doc(stored_bad, **printed))
    assert f.status == "fail" and "票面价税合计 7,894.25" in f.message


def test_unknown_type_accepts_either_amount():
    printed = {"amount_excl_tax": Decimal("100.00"), "total_incl_tax": Decimal("106.00")}
    ok = _run(_doc("01,20,,23112000000076760199,100.00,20230315,,0199", **printed))
    assert [f.status for f in ok] == ["pass"] and ok[0].details["amount_field"] == "amount_excl_tax"
    (bad,) = _run(_doc("01,20,,23112000000076760199,101.00,20230315,,0199", **printed))
    assert bad.status == "fail" and "票面金额 100.00，票面价税合计 106.00" in bad.message


def test_one_cent_counts_but_format_does_not():
    printed = {"invoice_number": "No 75505018", "invoice_code": "034012000211"}
    qr = "01,10,034012000211,75505018,{},20210428,57948816702740209571,34F1,"
    assert _run(_doc(qr.format("29.4"), amount_excl_tax=Decimal("29.40"), **printed))[0].status == "pass"
    assert _run(_doc(qr.format("29.43"), amount_excl_tax=Decimal("29.44"), **printed))[0].status == "fail"


def test_low_confidence_ocr_value_becomes_review():
    d = _doc(SHUDIAN, invoice_number="23442000000010967536")
    d.fields["total_incl_tax"] = FieldValue(value=Decimal("7394.25"), page=1, confidence=0.55, method="ocr")
    (f,) = _run(d)
    assert f.status == "review" and "0.55" in f.message


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["inv22_img_screenshot_tianjin-putong_jd_52.70.png", "inv21_img_screenshot_shenzhen-putong_40270.00.png"],
)
def test_ocr_image_invoice_qr_agrees_with_ocr_values(realdocs, name):
    """OCR'd screenshots of 电子普票: the QR (pre-tax amount) agrees with the OCR-read values."""
    import numpy as np
    from PIL import Image

    from extractor.qr import decode_barcodes

    path = realdocs / "invoices" / name
    read = read_bytes(path.read_bytes(), name)
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    for page in read.pages:
        if not page.barcodes:
            page.barcodes = decode_barcodes(rgb, rotation=page.rotation)
    docs = [d for d in extract_documents(read) if d.doc_type == "invoice"]
    assert len(docs) == 1
    doc = docs[0]
    doc.fields.setdefault("qr", qr_field([p for p in read.pages if p.number in doc.pages]))
    findings = _run(doc)
    assert [f.status for f in findings] == ["pass"], [f.message for f in findings]
    assert "amount_excl_tax" in findings[0].details["compared"]


def test_values_not_read_on_the_face_come_from_the_qr_and_are_not_compared_with_it(inv12):
    """The printed date and number lost (here: their lines dropped from the read, as a poor
    photo loses them) are taken from the invoice's QR, marked ``qr``; the QR rule then
    compares only what was printed and read, never the QR with itself."""
    read = read_bytes(inv12, INV12)
    with pymupdf.open(stream=inv12, filetype="pdf") as pdf:
        for page in read.pages:
            if not page.barcodes:
                page.barcodes = decode_pdf_page_barcodes(pdf[page.number - 1])
    full = next(d for d in extract_documents(read) if d.doc_type == "invoice")
    printed_date, printed_no = full.fields["issue_date"], full.fields["invoice_number"]
    assert printed_date.method != "qr" and printed_no.method != "qr"
    for page in read.pages:
        page.lines = [ln for ln in page.lines if "开票日期" not in ln.text and "发票号码" not in ln.text]
    doc = next(d for d in extract_documents(read) if d.doc_type == "invoice")
    for key, printed in (("issue_date", printed_date), ("invoice_number", printed_no)):
        fv = doc.fields[key]
        assert fv.method == "qr" and fv.value == printed.value and fv.confidence <= 0.8, key
    (f,) = _run(doc)
    assert f.status == "pass" and not {"issue_date", "invoice_number"} & set(f.details["compared"])

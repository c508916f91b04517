"""Invoice QR decoding and payload parsing on the real samples (extractor/qr.py).

Expected numbers, dates and amounts come from /work/shared/realdocs/MANIFEST.tsv (its
descriptions), not from the decoder. No OCR: QR decoding only.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pymupdf
import pytest
from PIL import Image

from extractor.qr import (
    decode_barcodes,
    decode_pdf_page_barcodes,
    parse_invoice_qr,
    qr_amount_field,
    qr_field,
)
from models.contract import FieldValue
from models.page import Barcode, Page

# Invoices that print a QR (all PDFs and images except the 2010 specimen inv20).
QR_SAMPLES = ("inv10", "inv12", "inv15", "inv16", "inv17", "inv19", "inv21", "inv22", "inv23")


def _manifest(realdocs: Path) -> dict[str, dict[str, str]]:
    with (realdocs / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {r["local_name"].split("/")[-1].split("_")[0]: r for r in rows}


def _truth(row: dict[str, str]) -> dict[str, object]:
    """Number, code, date and the three amounts as the MANIFEST description states them."""
    desc = row["description"]
    out: dict[str, object] = {}
    m = re.search(r"\bno\. (\d{8,20})", desc)
    if m:
        out["number"] = m.group(1)
    m = re.search(r"\bcode (\d{10,12}) no\. (\d{8})", desc) or re.search(r"\b(\d{10,12}) / (\d{8})\b", desc)
    if m:
        out["code"], out["number"] = m.group(1), m.group(2)
    m = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", desc)
    if m:
        out["date"] = _dt.date.fromisoformat(m.group(1))
    m = re.search(r"(\d+\.\d\d) \+ (\d+\.\d\d) = (\d+\.\d\d)", desc)
    if m:
        out["amount_excl_tax"], out["tax"], out["total_incl_tax"] = (Decimal(x) for x in m.groups())
    elif (m := re.search(r"= (\d+\.\d\d)", desc)) or (m := re.search(r", (\d+\.\d\d) \(tax", desc)):
        out["total_incl_tax"] = Decimal(m.group(1))
    return out


def _decode_file(path: Path) -> list[Barcode]:
    if path.suffix == ".pdf":
        with pymupdf.open(path) as doc:
            return decode_pdf_page_barcodes(doc[0])
    with Image.open(path) as im:
        return decode_barcodes(np.asarray(im.convert("RGB")))


@pytest.fixture(scope="module")
def samples(realdocs: Path) -> dict[str, tuple[Path, dict[str, str], list[Barcode]]]:
    rows = _manifest(realdocs)
    out = {}
    for key, row in rows.items():
        path = realdocs / row["local_name"]
        if key.startswith("inv") and path.suffix in (".pdf", ".jpg", ".png"):
            out[key] = (path, row, _decode_file(path))
    return out


@pytest.mark.parametrize("key", QR_SAMPLES)
def test_real_invoice_qr_matches_manifest(samples, key):
    path, row, codes = samples[key]
    qrs = [q for q in (parse_invoice_qr(c.text) for c in codes) if q is not None]
    assert len(qrs) == 1, (path.name, [c.text for c in codes])
    qr, truth = qrs[0], _truth(row)
    if "number" in truth:
        assert qr["invoice_number"] == truth["number"]
    if "code" in truth:
        assert qr["invoice_code"] == truth["code"]
    if key != "inv17":  # the itinerary's only MANIFEST date is the flight (07-27); QR = 填开 07-28
        assert qr["issue_date"] == truth["date"]
    # the amount the QR carries is the one qr_amount_field names, per invoice type
    field = qr_amount_field(qr)
    assert field in ("amount_excl_tax", "total_incl_tax"), qr["type"]
    assert qr["amount"] == truth[field], (key, qr["type"], qr["amount"], truth)


def test_amount_kind_per_type_on_real_samples(samples):
    """增值税发票 (04/10) carry the pre-tax amount, 数电票 (31/32) and the itinerary (61) the total."""
    kinds: dict[str, set[str]] = {}
    for key in QR_SAMPLES:
        _, row, codes = samples[key]
        qr = parse_invoice_qr(codes[0].text)
        truth = _truth(row)
        carried = {k for k in ("amount_excl_tax", "total_incl_tax") if truth.get(k) == qr["amount"]}
        kinds.setdefault(qr["type"], set()).update(carried)
    assert kinds["10"] == {"amount_excl_tax"}
    assert kinds["04"] == {"amount_excl_tax"}
    assert kinds["31"] == {"total_incl_tax"}
    assert kinds["32"] == {"total_incl_tax"}
    assert kinds["61"] == {"total_incl_tax"}


def test_paper_photo_needs_the_crop_retry(samples):
    # inv19: blue dot-matrix QR on a phone photo, only readable from an upscaled crop
    path, _, codes = samples["inv19"]
    assert codes and codes[0].text.startswith("01,04,044031800104,41108527,")
    x0, _, x1, y1 = codes[0].bbox
    assert x1 < 400 and y1 < 400 and 60 < x1 - x0 < 160  # the top-left QR, ~105 px wide
    with Image.open(path) as im:
        gray = np.asarray(im.convert("L"))
    assert decode_barcodes(gray, thorough=False) == []  # a plain whole-image pass misses it


def test_specimen_without_qr_gives_nothing(samples):
    assert samples["inv20"][2] == []


def test_xml_graphcode_is_the_same_payload(realdocs):
    xml = (
        realdocs / "invoices" / "inv02_ofd_zhejiang-putong_restaurant_526.00.original_invoice.xml"
    ).read_text(encoding="utf-8")
    graph = re.search(r"<fp:GraphCode>([^<]+)<", xml).group(1)
    qr = parse_invoice_qr(graph)
    assert qr["type"] == "10" and qr["invoice_number"] == "83089647"
    excl = Decimal(re.search(r"<fp:TaxExclusiveTotalAmount>([^<]+)<", xml).group(1))
    assert qr_amount_field(qr) == "amount_excl_tax" and qr["amount"] == excl


def test_pdf_boxes_are_points_of_the_displayed_page(realdocs):
    path = next((realdocs / "invoices").glob("inv10_*.pdf"))
    with pymupdf.open(path) as doc:
        page = doc[0]
        via_image = decode_pdf_page_barcodes(page)  # the embedded QR image
        img_rect = pymupdf.Rect(page.get_image_info(xrefs=True)[0]["bbox"])
        pix = page.get_pixmap(dpi=216, colorspace=pymupdf.csGRAY)  # 3 px per point
        arr = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
        via_render = decode_barcodes(arr)
    assert [b.text for b in via_image] == [b.text for b in via_render]
    a = via_image[0].bbox
    b = tuple(v / 3 for v in via_render[0].bbox)
    assert all(abs(x - y) < 2.0 for x, y in zip(a, b, strict=True)), (a, b)
    assert img_rect.contains(pymupdf.Rect(a))


def test_rotated_pdf_page_vector_qr(realdocs):
    # inv17: /Rotate 90 and a QR drawn with vector paths (no image): the render path
    path = next((realdocs / "invoices").glob("inv17_*.pdf"))
    with pymupdf.open(path) as doc:
        page = doc[0]
        assert page.rotation == 90 and not page.get_image_info()
        codes = decode_pdf_page_barcodes(page)
        rect = page.rect
        num = [w for w in page.get_text("words") if w[4].endswith("9223372036854775807")]
        assert num, "invoice number not in the text layer"
        nr = pymupdf.Rect(num[0][:4]) * page.rotation_matrix
    assert codes and parse_invoice_qr(codes[0].text)["type"] == "61"
    x0, y0, x1, y1 = codes[0].bbox
    assert 0 <= x0 < x1 <= rect.width and 0 <= y0 < y1 <= rect.height
    # the QR sits just above-left of the printed invoice number (displayed frame)
    assert y1 <= nr.y1 + 5 and abs(x0 - nr.x0) < 150


def test_rotation_maps_boxes_to_the_upright_frame(realdocs):
    path = next((realdocs / "invoices").glob("inv22_*.png"))
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    upright = decode_barcodes(rgb)
    for k, rot in ((1, 90), (2, 180), (3, 270)):
        sideways = np.ascontiguousarray(np.rot90(rgb, k=k))  # turned counter-clockwise k×90°
        codes = decode_barcodes(sideways, rotation=rot)  # read it turned back clockwise
        assert [c.text for c in codes] == [c.text for c in upright]
        assert all(abs(p - q) <= 3 for p, q in zip(codes[0].bbox, upright[0].bbox, strict=True)), rot


def test_bad_images_never_raise():
    assert decode_barcodes(np.zeros((0, 0), np.uint8)) == []
    assert decode_barcodes(np.zeros((5, 5, 3), np.uint8)) == []
    assert decode_barcodes(np.random.default_rng(0).random((300, 300))) == []  # float noise
    assert decode_barcodes(np.full((100, 100, 4), 255, np.uint8)) == []
    assert decode_barcodes("not an image") == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "01,10,034012000211",  # too short
        "01,10,0340120002,75505018,abc,20210428,,34F1",  # amount not a number
        "01,10,034012000211,75505018,29.43,20210230,,34F1",  # 30 February
        "01,10,03401X000211,75505018,29.43,20210428,,34F1",  # code not digits
        "1,10,034012000211,75505018,29.43,20210428,,34F1",  # version not 2 digits
        "01,10,034012000211,7550,29.43,20210428,,34F1",  # number too short
        "01,10,034012000211,75505018,NaN,20210428,,34F1",
    ],
)
def test_parse_rejects_non_payloads(text):
    assert parse_invoice_qr(text) is None


def test_parse_red_letter_negative_amount():
    qr = parse_invoice_qr("01,32,,24442000000012345678,-1060.00,20240105,,1A2B")
    assert qr["amount"] == Decimal("-1060.00") and qr_amount_field(qr) == "total_incl_tax"


def test_qr_field_from_pages():
    pages = [
        Page(number=1, barcodes=[Barcode(text="http://www.gsxt.gov.cn/x", bbox=(1, 1, 5, 5))]),
        Page(
            number=2,
            barcodes=[
                Barcode(text="01,31,,25317000002228021821,35559.69,20251020,,58E4", bbox=(18, 17, 75, 74))
            ],
        ),
    ]
    fv = qr_field(pages)
    assert isinstance(fv, FieldValue) and fv.page == 2 and fv.bbox == [18, 17, 75, 74] and fv.method == "qr"
    assert fv.value["invoice_number"] == "25317000002228021821"
    dumped = fv.model_dump(mode="json")  # contract value formats: money string, ISO date
    assert dumped["value"]["amount"] == "35559.69" and dumped["value"]["issue_date"] == "2025-10-20"
    assert qr_field(pages[:1]) is None
    assert qr_field([]) is None

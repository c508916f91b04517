"""Seal detection and reading (extractor/seals.py) on real documents and on the sample applications.

Real documents (``realdocs`` fixture): inv19 (phone photo of a paper invoice) and inv21
(screenshot) carry the seller's oval 发票专用章 and the bureau's 监制章; lic03 (scan) carries a
red 市场监督管理局 seal; rpt01 (scanned CPA report) carries the firm's seal; the 数电票 PDFs carry
none, and OFD/XML invoices are never searched (no seal by nature).
"""

from __future__ import annotations

import numpy as np
import pymupdf
import pytest
from PIL import Image, ImageOps

from extractor.extract import extract_documents
from extractor.read import ReadContext, read_path
from extractor.seal_ring import _axes, _name_columns, _runs, fit_ring, ring_strip, soft_ink
from extractor.seals import (
    detect_seals,
    grey_on_colour,
    pdf_page_may_have_seal,
    pdf_page_seals,
    red_mask,
    seals_on_image,
)
from verifiers.seals import partial_reading, seal_score, tax_id_matches

SAMPLES = __import__("pathlib").Path(__file__).resolve().parents[1] / "sample_docs" / "applications"
SEAL_SET = SAMPLES.parent / "seals" / "out" / "applications"
CORPUS = __import__("pathlib").Path(__file__).resolve().parents[2] / "corpus" / "applications"


def _img(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))


def _inside(box, x, y) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


# ------------------------------------------------------------------ detection (no OCR)


def test_red_seal_on_a_scanned_licence(realdocs):
    img = _img(realdocs / "licenses/lic03_scan_fuben_shantou-qinhai_2019.jpg")  # 200 dpi flatbed scan
    seals = detect_seals(img, 200 / 25.4)
    assert len(seals) == 1
    s = seals[0]
    assert s.shape == "round" and s.colour == "red" and s.colour_confidence >= 0.6
    x0, y0, x1, y1 = s.box
    assert 120 < x1 - x0 < 180 and 0.9 < (x1 - x0) / (y1 - y0) < 1.1  # about 19 mm across at 200 dpi
    assert _inside(s.box, 835, 585)  # the seal over 登记机关, lower right (the emblem at the top is not one)


def test_grey_copy_of_a_seal_is_found_with_undecidable_colour(realdocs):
    grey = _img(realdocs / "licenses/lic03_scan_fuben_shantou-qinhai_2019.jpg").mean(axis=2).astype(np.uint8)
    seals = detect_seals(np.stack([grey] * 3, axis=2), 200 / 25.4)
    assert len(seals) == 1 and seals[0].colour == "grey" and seals[0].colour_confidence < 0.5
    assert _inside(seals[0].box, 835, 585)


def _grey_copy_stamped_red(realdocs) -> np.ndarray:
    """lic03 as a black-and-white copy (its authority seal grey) with a red company seal
    stamped on the copy, away from the authority's: a licence copy 「加盖公章」 scanned in colour."""
    from PIL import ImageDraw

    grey = _img(realdocs / "licenses/lic03_scan_fuben_shantou-qinhai_2019.jpg").mean(axis=2).astype(np.uint8)
    copy = Image.fromarray(np.stack([grey] * 3, axis=2))
    draw = ImageDraw.Draw(copy)
    draw.ellipse((220, 520, 380, 680), outline=(220, 30, 30), width=7)
    draw.regular_polygon((300, 600, 25), 5, fill=(220, 30, 30))
    return np.asarray(copy)


def test_grey_seal_beside_a_red_stamp_is_searched_on_a_colour_page(realdocs):
    img = _grey_copy_stamped_red(realdocs)
    red = detect_seals(img, 200 / 25.4)
    assert [(s.colour, _inside(s.box, 300, 600)) for s in red] == [("red", True)]
    grey = grey_on_colour(img, 200 / 25.4, red)
    assert len(grey) == 1 and grey[0].colour == "grey" and _inside(grey[0].box, 835, 585)
    # a page without colour is detect_seals's own grey search, not this one
    assert grey_on_colour(np.ascontiguousarray(img[..., :1].repeat(3, axis=2)), 200 / 25.4, []) == []


@pytest.mark.slow
def test_grey_authority_seal_on_a_colour_page_is_read_and_an_emblem_is_not_a_seal(realdocs):
    img = _grey_copy_stamped_red(realdocs)
    seals = seals_on_image(img, 200 / 25.4)
    grey = [s for s in seals if s.colour == "grey"]
    assert len(grey) == 1 and grey[0].text == "汕头市龙湖区市场监督管理局"
    # lic01's national emblem is a grey ring too; it reads as no name, so it is no seal
    lic01 = _img(realdocs / "licenses/lic01_electronic-print_hubei-xunhang_2024.png")
    assert grey_on_colour(lic01, lic01.shape[1] / 230, detect_seals(lic01, lic01.shape[1] / 230))
    assert all(s.colour == "red" for s in seals_on_image(lic01, lic01.shape[1] / 230))


def test_invoice_photo_and_screenshot_seals(realdocs):
    photo = detect_seals(
        _img(realdocs / "invoices/inv19_img_photo_shenzhen-putong_paper_112.20.jpg"), 1440 / 230
    )
    shot = detect_seals(
        _img(realdocs / "invoices/inv21_img_screenshot_shenzhen-putong_40270.00.png"), 1311 / 230
    )
    for seals in (photo, shot):
        assert (
            len(seals) == 2 and {s.shape for s in seals} == {"oval"} and {s.colour for s in seals} == {"red"}
        )
    # the seller's 发票专用章 in the lower right, the 监制章 at the top
    assert any(_inside(s.box, 1150, 830) for s in photo) and any(_inside(s.box, 1060, 720) for s in shot)
    assert any(s.box[3] < 300 for s in photo) and any(s.box[3] < 200 for s in shot)


def test_a_ring_inked_densely_inside_is_a_seal_only_if_it_reads_as_a_name():
    """A small licence photo (realcorpus tune set, tg-009) whose authority seal's text and star
    run together: inked inside beyond MAX_FILL like an emblem. It is a candidate that must read
    as a name (no OCR here: unread, it is no seal); the plain detection leaves it out."""
    from extractor.seals import MAX_FILL, _detect

    f = CORPUS / "tg-009" / "048.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    img = _img(f)
    small = img[::2, ::2].copy()  # detection's resolution (~4 px/mm)
    ppm = small.shape[1] / 225.0
    dense = [c for c in _detect(small, ppm)[0] if c.needs_name]
    assert [(_inside(c.box, 610, 350)) for c in dense] == [True] and MAX_FILL == 0.45
    assert not any(_inside(c.box, 610, 350) for c in detect_seals(small, ppm))
    assert not any(_inside(s.box, 610, 350) for s in seals_on_image(small, ppm, read=False))


def test_national_emblem_is_not_a_seal(realdocs):
    img = _img(realdocs / "licenses/lic01_electronic-print_hubei-xunhang_2024.png")
    assert all(not _inside(s.box, 800, 170) for s in detect_seals(img, img.shape[1] / 230))


def test_scanned_cpa_report_seal(realdocs):
    with pymupdf.open(
        realdocs / "reports/rpt01_cpa-capital-verification_scan_changsha-shensuan_2025.pdf"
    ) as doc:
        pix = doc[0].get_pixmap(dpi=100, alpha=False)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3)
    seals = detect_seals(img, 100 / 25.4)
    assert seals and all(s.colour == "red" and s.colour_confidence >= 0.6 for s in seals)


def test_text_layer_invoices_seller_seal_and_shudian_without(realdocs):
    with pymupdf.open(realdocs / "invoices/inv12_pdf_anhui-putong_ride-hailing_30.31.pdf") as doc:
        seals = pdf_page_seals(doc[0], read=False)
        assert len(seals) == 1 and seals[0].shape == "oval" and seals[0].colour_confidence >= 0.8
        x0, y0, _, _ = seals[0].box  # points: the seller's seal beside 销售方, lower right
        assert x0 > doc[0].rect.width / 2 and y0 > doc[0].rect.height / 2
    for name in (
        "inv10_pdf_shudian-zhuanpiao_chips_35559.69.pdf",
        "inv16_pdf_shudian-zhuanpiao_converted-from-ofd_2150.63.pdf",
    ):
        with pymupdf.open(realdocs / "invoices" / name) as doc:
            assert all(pdf_page_seals(p, read=False) == [] for p in doc), name


def test_plain_text_page_is_not_rendered(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Plain black text only", color=(0, 0, 0))
    assert pdf_page_may_have_seal(page) is False
    page.draw_circle((300, 400), 50, color=(0.85, 0.1, 0.1), width=3)
    assert pdf_page_may_have_seal(page) is True


def test_ofd_and_xml_invoices_are_not_searched(realdocs):
    for name in (
        "inv01_ofd_shudian-zhuanpiao_hainan-qilin-yunfu_4449.00.ofd",
        "inv02_ofd_zhejiang-putong_restaurant_526.00.original_invoice.xml",
    ):
        docs = extract_documents(read_path(realdocs / "invoices" / name, ctx=ReadContext(ocr_enabled=False)))
        assert docs and all(d.seals is None for d in docs), name


# ------------------------------------------------------------------ unwrapping (no OCR)


def _photo_seal():
    """The applicant's seal on the licence photo of the seal set (JPEG, quality 50, ~6 px/mm,
    turned 16.5°; truth box [482, 751, 730, 999]), cut out as the reader does."""
    path = SEAL_SET / "seal-003" / "营业执照.jpg"
    if not path.exists():
        pytest.skip("seal sample set not generated (python -m sample_docs.seals)")
    img = _img(path)
    crop = np.ascontiguousarray(img[730:1020, 460:750])
    found = [c for c in detect_seals(crop, 6.0) if c.colour == "red"]
    assert found
    c = min(found, key=lambda c: abs(c.cx - 146) + abs(c.cy - 146))
    return crop, c


def test_soft_ink_keeps_jpeg_strokes_thin_and_drops_black_text():
    crop, _ = _photo_seal()
    ink = soft_ink(crop)
    c = crop.astype(int)
    black = (c.max(axis=2) < 100) & (c.max(axis=2) - c.min(axis=2) < 30)  # printed text under the seal
    red = (c[..., 0] > 150) & (c[..., 0] - c[..., 1:].max(axis=2) > 80)  # the stamp's strongest ink
    assert black.sum() > 100 and red.sum() > 500
    assert float(np.median(ink[black])) < 0.1 and float(np.median(ink[red])) > 0.5
    # JPEG keeps colour at half resolution: a hue mask bloats every stroke, the soft ink does not
    assert (ink > 0.5).sum() < 0.8 * (red_mask(crop, min_sat=35, min_val=50) > 0).sum()


def test_ring_refit_and_unwrap_start_in_the_gap_of_a_turned_seal():
    crop, c = _photo_seal()
    ink = soft_ink(crop)
    e = fit_ring(ink, _axes(c, 0.0, 0.0))
    # truth: outer ring 248 px across, centred at (146, 145) of the cut-out
    assert abs(e[0] - 146) < 4 and abs(e[1] - 145) < 4 and 0.9 < 2 * e[2] / 248 < 1.0
    strip = ring_strip(ink, e)
    runs = _runs(_name_columns(strip), max_gap=strip.shape[0])
    name = max(runs, key=lambda r: r[1] - r[0])
    width = strip.shape[1]
    # the name is one run in the middle of the strip, the ring's gap split at both ends
    assert name[0] > 0.03 * width and name[1] < 0.97 * width and (name[1] - name[0]) > 0.5 * width


def test_grey_copy_of_the_seal_set_is_found(tmp_path):
    path = SEAL_SET / "seal-017" / "承诺书.pdf"
    if not path.exists():
        pytest.skip("seal sample set not generated (python -m sample_docs.seals)")
    page = pymupdf.open(path)[0]
    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csRGB, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3)
    seals = seals_on_image(img, 200 / 25.4, 72 / 200, read=False)
    assert len(seals) == 1 and seals[0].colour == "grey" and seals[0].colour_confidence < 0.5
    x0, y0, x1, y1 = seals[0].box  # truth [315.8, 255.6, 434.9, 374.6] (pt), tilted scan
    assert abs((x0 + x1) / 2 - 375.4) < 8 and abs((y0 + y1) / 2 - 315.1) < 8


# ------------------------------------------------------------------ reading (OCR of two small strips)


def test_sample_pledge_seal_read_and_kept_out_of_the_lines():
    path = SAMPLES / "app-001" / "无涉黑失信承诺书.pdf"
    if not path.exists():
        pytest.skip("sample applications not generated")
    read = read_path(path)
    page = read.pages[0]
    assert page.seals_checked and len(page.seals) == 1
    s = page.seals[0]
    assert seal_score(s.text, "泉州智算科技有限公司") >= 82 and s.text_confidence >= 0.75
    # seal OCR never becomes a page line: the lines are those of a read that skips seals
    plain = read_path(path, ctx=ReadContext(seals=False)).pages[0]
    assert [ln.text for ln in page.lines] == [ln.text for ln in plain.lines] and not plain.seals
    docs = extract_documents(read)
    assert docs[0].seals and docs[0].seals[0].page == 1 and docs[0].seals[0].box == s.box


@pytest.mark.slow
def test_screenshot_seller_seal_names_the_seller_and_its_tax_id(realdocs):
    img = _img(realdocs / "invoices/inv21_img_screenshot_shenzhen-putong_40270.00.png")
    seals = seals_on_image(img, img.shape[1] / 230)
    seller = [s for s in seals if seal_score(s.text, "深圳市白云航空旅游有限公司") >= 82]
    assert len(seller) == 1
    assert tax_id_matches(seller[0].tax_id, "91440300192478382J") and "发票专用章" in seller[0].center_text


@pytest.mark.slow
def test_licence_scan_seal_text_and_fields_unchanged(realdocs):
    path = realdocs / "licenses/lic03_scan_fuben_shantou-qinhai_2019.jpg"
    with_seals = read_path(path)
    without = read_path(path, ctx=ReadContext(seals=False))
    p = with_seals.pages[0]
    assert len(p.seals) == 1 and "市场监" in p.seals[0].text and p.seals[0].text.endswith("管理局")
    # the seal's own OCR adds no line: the page lines (and so the fields) are those of a read without it
    assert [ln.text for ln in p.lines] == [ln.text for ln in without.pages[0].lines]
    f1 = extract_documents(with_seals)[0].fields
    f2 = extract_documents(without)[0].fields
    # the one deliberate use of seal text: 登记机关, printed only in the authority's seal (read
    # by eye on the scan: 汕头市龙湖区市场监督管理局), a low-confidence value with method "seal";
    # every other field is that of the read without seals
    ra = f1.pop("registration_authority")
    assert ra.method == "seal" and ra.confidence <= 0.6
    assert ra.value == "汕头市龙湖区市场监督管理局"
    assert "registration_authority" not in f2
    assert {k: v.value for k, v in f1.items()} == {k: v.value for k, v in f2.items()}


@pytest.mark.slow
def test_older_e_invoice_pdf_seller_seal_read_and_rule_passes(realdocs):
    """inv12: 安徽增值税电子普通发票 (pre-数电) PDF with the seller's 发票专用章 as an image."""
    from verifiers import run_rules
    from verifiers.testing import compute_app, with_docs

    docs = extract_documents(read_path(realdocs / "invoices/inv12_pdf_anhui-putong_ride-hailing_30.31.pdf"))
    inv = next(d for d in docs if d.doc_type == "invoice")
    assert inv.seals and len(inv.seals) == 1
    s = inv.seals[0]
    assert seal_score(s.text, "安徽好马科技有限公司") >= 82
    assert tax_id_matches(s.tax_id, inv.fields["seller_tax_id"].value)
    app = with_docs(compute_app(), add=(inv,))
    fs = [f for f in run_rules(app) if f.rule == "invoice.seller_seal"]
    assert [f.status for f in fs] == ["pass"]
    assert fs[0].evidence[-1].bbox == [float(v) for v in s.box] and fs[0].evidence[-1].page == 1


@pytest.mark.slow
def test_seal_names_read_on_a_photo_and_a_scan():
    """Issue 15: names on scans/photos (JPEG q50, 150 dpi) are read, not only on text layers."""
    photo, scan = (
        SEAL_SET / "seal-003" / "营业执照.jpg",
        SEAL_SET / "seal-010" / "发票" / "增值税电子普通发票_88221003.pdf",
    )
    if not photo.exists():
        pytest.skip("seal sample set not generated (python -m sample_docs.seals)")
    img = _img(photo)
    texts = [s.text for s in seals_on_image(img, img.shape[1] / 297)]  # a landscape A4 copy
    assert any(seal_score(t, "泉州洛阳桥软件有限公司") >= 82 for t in texts), texts
    assert any(seal_score(t, "泉州市丰泽区市场监督管理局") >= 82 for t in texts), texts
    seals = [s for p in read_path(scan).pages for s in p.seals]
    named = [
        s
        for s in seals
        if partial_reading(s.text, "贵阳数智云计算有限公司")
        or seal_score(s.text, "贵阳数智云计算有限公司") >= 82
    ]
    assert len(named) == 1 and named[0].shape == "oval", [s.text for s in seals]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("app", "want", "confidence"),
    [
        # pale stamps: too little redness for the red-ink image, read again from the ink's darkness
        ("rb-006/yingyezhizhao.jpeg", "北京市通州区市场监督管理局", 0.6),  # a pale, pinkish stamp
        ("rh-005/zhizhao.jpg", "西安市工商行政管理局未央分局", 0.6),  # a photo's grey cast
        # rings read with glyphs of the organ wrong: matched whole against the names an
        # authority of the company's division can carry
        ("rt-011/0178.jpg", "长沙市工商行政管理局开福分局", 0.5),  # 工商 read 工通
        ("ro-008/0109.jpg", "无锡市梁溪区行政审批局", 0.5),  # 锡 and 审批 misread
        ("rn-017/business-license.jpg", "无锡市梁溪区数据局", 0.5),  # an organ no rule lists
        # small photos whose seal's text and star run together (inked inside beyond MAX_FILL)
        ("ru-010/0487.jpg", "上海市奉贤区市场监督管理局", 0.6),
        ("tg-025/294.jpg", "苏州市吴中区市场监督管理局", 0.6),
        # rings whose first reading names nothing: read again at other sizes (the photo's
        # size on paper is only assumed), the second reading names the authority
        ("ub-005/133.jpg", "苏州市吴江工商行政管理局", 0.4),
        ("sf-005/0250.jpg", "镇江市京口区市场监督管理局", 0.4),
        ("ue-011/223.jpg", "晋州市工商行政管理局", 0.4),
        # a round seal whose blob took in the date printed across it (fitted as a tilted oval),
        # or whose ring a white band cut in two halves: the circle its outline runs round
        ("ro-011/0116.jpg", "合肥市市场监督管理局", 0.6),
        ("sk-012/0049.jpg", "厦门市海沧区市场监督管理局", 0.6),
        # a grey copy stamped with the company's red seal: the authority's seal is grey
        ("wa-016/u1367.jpg", "广州市工商行政管理局", 0.6),
    ],
)
def test_authority_seal_on_a_licence_photo_is_read(app: str, want: str, confidence: float) -> None:
    """Real licence photos (realcorpus, tune set) whose authority is printed only in its seal."""
    f = CORPUS / app
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    res = read_path(f)
    lic = next(d for d in extract_documents(res) if d.doc_type == "business_license")
    got = lic.fields.get("registration_authority")
    assert got is not None and got.value == want, [s.text for p in res.pages for s in p.seals]
    assert got.method == "seal" and got.confidence <= confidence


def _corpus_image(app: str) -> np.ndarray:
    f = CORPUS / app
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    img = _img(f)
    import cv2

    ppm = img.shape[1] / (225.0 if img.shape[1] >= img.shape[0] else 210.0)
    return cv2.resize(img, None, fx=4.0 / ppm, fy=4.0 / ppm, interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize(
    ("app", "centre"),
    [
        ("ro-011/0116.jpg", (710, 522)),  # the date printed across the seal joined its blob
        ("sk-012/0049.jpg", (740, 472)),  # the ring in two halves
        ("un-010/license.jpeg", (688, 380)),  # a faint ring broken into arcs
    ],
)
def test_round_seal_found_whole_where_its_ink_is_not_one_ring(app, centre):
    """Detection alone (no OCR), at the detector's 4 px/mm: the authority's round seal is one
    candidate centred on the ring, about 21 mm in radius, not an oval half or nothing."""
    from extractor.seals import _detect

    found, _pale, _colourless = _detect(_corpus_image(app), 4.0)
    near = [c for c in found if abs(c.cx - centre[0]) < 8 and abs(c.cy - centre[1]) < 8]
    assert len(near) == 1, [(round(c.cx), round(c.cy), round(c.a), round(c.b)) for c in found]
    assert near[0].shape == "round" and 50 <= near[0].a <= 72


def test_ring_readings_keep_the_recognisers_steps_for_the_fields_only():
    """The pledge's seal ring is read with the recogniser's view at every step: kept in the
    read (and its cache, serialised without a warning), left out of the result JSON."""
    import json
    import warnings

    path = SAMPLES / "app-001" / "无涉黑失信承诺书.pdf"
    if not path.exists():
        pytest.skip("sample applications not generated")
    read = read_path(path)
    seal = read.pages[0].seals[0]
    assert seal.ring_frames, "no steps kept for the ring's reading"
    steps = seal.ring_frames[0]
    # every step: options (glyph, probability), "" the blank; the glyphs read are among them
    assert all(all(isinstance(g, str) and 0 < p <= 1 for g, p in step) for step in steps)
    best = [max(step, key=lambda o: o[1])[0] for step in steps]
    read_glyphs = "".join(g for k, g in enumerate(best) if g and (k == 0 or g != best[k - 1]))
    assert read_glyphs == seal.text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cached = read.model_dump_json()
    assert "ring_frames" in cached
    doc = extract_documents(read)[0]
    assert doc.seals and "ring_frames" not in json.loads(doc.model_dump_json())["seals"][0]


def test_a_rings_readings_at_other_sizes_keep_their_steps_too(monkeypatch):
    """Where the image's resolution is only assumed, the ring is read again at other sizes
    (alt_texts); those readings' steps are kept as well, in the model's form."""
    import warnings

    import pymupdf

    import extractor.seals as S

    path = SAMPLES / "app-001" / "无涉黑失信承诺书.pdf"
    if not path.exists():
        pytest.skip("sample applications not generated")
    pix = pymupdf.open(path)[0].get_pixmap(dpi=150, alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3).copy()
    monkeypatch.setattr(S, "SURE_RING", 1.01)  # every ring read again at the other sizes
    seals = seals_on_image(img, img.shape[1] / 210, assumed=True)
    assert seals and len(seals[0].ring_frames) >= 2
    assert all(isinstance(step, list) for reading in seals[0].ring_frames for step in reading)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        seals[0].model_dump_json()

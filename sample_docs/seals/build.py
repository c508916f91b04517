"""Render the seal test set: documents from sample_docs/gen with every seal drawn here.

The document layouts of sample_docs/gen place their stamps through ``seal(...)`` and
``Sheet.image``. While a file is drawn both are intercepted: each requested stamp becomes a
*slot* (where, for whom) and nothing is drawn. Then the application's seal plan decides per
slot what the paper really carries (the right seal, none, another company's, a pale or grey
impression, a rotation), the seals are drawn with :mod:`sample_docs.seals.stamp`, and the
truth records every seal with its page and box (after scanning: in the scan's coordinates).
"""

from __future__ import annotations

import contextlib
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pymupdf
from PIL import Image, ImageEnhance

from sample_docs.gen import audit, common, contract, invoice, license, misc, receipt
from sample_docs.gen import form as form_mod
from sample_docs.gen.common import image_pdf, jpeg_bytes, png_bytes, render_page, scan_effect

from .stamp import MM, Placed, SealSpec, ellipse_bbox, png_palette, rotate_point, stamp_image

PX_PER_PT = 2.2  # seal image resolution inside text-layer PDFs (158 dpi)
JPEG_QUALITY = 50
PDF_META = {
    "producer": "evreview seal sample generator",
    "creator": "evreview seal sample generator",
    "creationDate": "D:20240601090000+08'00'",
    "modDate": "D:20240601090000+08'00'",
    "title": "",
    "author": "",
    "subject": "",
    "keywords": "",
}
# doc types whose copies the 2024 policy wants stamped with the applicant's seal
APPLICANT_SEAL_TYPES = ("business_license", "integrity_pledge", "application_form")
LEGACY_INVOICE_LAYOUTS = ("legacy_e_normal",)
SEVERITY = {"pass": 0, "review": 1, "warn": 2, "fail": 3}


@dataclass
class Slot:
    page: int  # 0-based page of the file
    rect: tuple[float, float, float, float]
    req: dict[str, Any]
    role: str = ""
    kind: str = "official"
    party: str = ""  # the name this seal should carry
    tax_id: str = ""


@dataclass
class SealFile:
    """A gen FileSpec plus what happens to its seals."""

    spec: Any  # sample_docs.gen.apps.FileSpec
    styles: dict[str, dict] = field(default_factory=dict)  # role -> overrides
    photocopy: bool = False  # grey, low-contrast copy (seals become undecidable)


# ---------------------------------------------------------------- interception


@contextlib.contextmanager
def intercept():
    """While drawing, record stamp requests instead of drawing them."""

    def fake_seal(top_text, center="★", bottom="", size=300, oval=False, color=None, seed=0, angle=0.0):
        img = Image.new("RGBA", (1, 1), (0, 0, 0, 0))
        img.info["seal_request"] = {"text": top_text, "center": center, "bottom": bottom, "oval": oval}
        return img

    orig_image = common.Sheet.image

    def image(self, x0, y0, x1, y1, img):
        req = getattr(img, "info", {}).get("seal_request")
        if req is None:
            return orig_image(self, x0, y0, x1, y1, img)
        slots = self.__dict__.setdefault("_seal_slots", [])
        slots.append(((x0, y0, x1, y1), req))
        return None

    mods = (audit, contract, invoice, license, misc, receipt)
    saved = [m.seal for m in mods]
    try:
        for m in mods:
            m.seal = fake_seal
        common.Sheet.image = image
        yield
    finally:
        for m, s in zip(mods, saved, strict=True):
            m.seal = s
        common.Sheet.image = orig_image


def _classify(slot: Slot, doc_type: str, data: Any) -> None:
    req = slot.req
    if doc_type == "business_license":
        # the layout's own applicant stamp (sample_docs.gen.license) or the 登记机关's seal
        slot.role = "applicant" if req["text"] == data.name else "authority"
        slot.kind, slot.party = "official", req["text"]
    elif doc_type == "audit_report":
        slot.role, slot.kind, slot.party = "audit_firm", "official", req["text"]
    elif doc_type == "test_report":
        slot.role, slot.kind, slot.party = "lab", "official", req["text"]
    elif doc_type in ("team_material", "integrity_pledge"):
        slot.role, slot.kind, slot.party = "applicant", "official", req["text"]
    elif doc_type == "payment_voucher":
        slot.role, slot.kind, slot.party = "bank", "bank", req["text"]
    elif doc_type == "contract":
        slot.role = "buyer" if req["text"] == data.buyer.name else "seller"
        slot.kind, slot.party = "contract", req["text"]
    elif doc_type == "invoice":
        if req["text"] == "全国统一发票监制章":
            slot.role, slot.kind, slot.party = "bureau", "supervision", req["text"]
        else:
            slot.role, slot.kind, slot.party = "seller", "invoice", data.seller.name
            slot.tax_id = data.seller.credit_code
    else:
        raise ValueError(f"unexpected stamp on {doc_type}")


# ---------------------------------------------------------------- seal placement


def _spec_for(slot: Slot, style: dict, seed: int) -> SealSpec:
    req = slot.req
    name = style.get("name", slot.party)
    if slot.kind == "invoice":
        spec = SealSpec(name, "invoice", style.get("tax_id", slot.tax_id), "发票专用章", oval=True)
    elif slot.kind == "supervision":
        x0, y0, x1, y1 = slot.rect
        w = (x1 - x0) / MM * 0.95
        spec = SealSpec(name, "supervision", req["center"], req["bottom"], oval=True, size_mm=(w, w * 0.68))
    elif slot.kind == "bank":
        bottom = (req["center"] + req["bottom"]) if req["center"] != "★" else req["bottom"]
        spec = SealSpec(name, "bank", "★", bottom or "业务专用章")
    elif slot.kind == "contract":
        spec = SealSpec(name, "contract", "★", "合同专用章")
    else:
        spec = SealSpec(name, "official", "★", req.get("bottom", "") if slot.role == "lab" else "")
    spec.seed = seed
    spec.ink = style.get("ink", 1.0)
    spec.gradient = style.get("gradient", 0.0)
    if style.get("code"):
        spec.code = style["code"]
    return spec


def _default_rotation(slot: Slot, rng: random.Random) -> float:
    if slot.role in ("bureau", "authority", "bank", "audit_firm", "lab"):
        return 0.0  # printed with the document
    if slot.kind == "invoice":
        return round(rng.uniform(-8, 8), 1)
    return round(rng.choice([-1, 1]) * rng.uniform(3, 22), 1)


def _applicant_slot(doc_type: str, sheet, page: int, applicant) -> Slot | None:
    """Where the applicant stamps a licence copy or a printed form."""
    w, h = sheet.width, sheet.height
    if doc_type == "business_license":
        cx, cy = (0.33 * w, 0.68 * h) if w > h else (0.30 * w, 0.60 * h)
    elif doc_type == "application_form":
        # the stamp goes on the pledge row, not on a header line that already names the unit
        hits = [it for it in sheet.items if "申报单位（盖章）" in it[2] and applicant.name not in it[2]]
        if not hits:
            return None
        y, x, text = hits[-1][0], hits[-1][1], hits[-1][2]
        cx = x + sheet.length(text[: text.index("申报单位（盖章）") + 8], 10.5) + 50
        cx, cy = min(cx, w - 80), y - 4
    else:
        return None
    r = 21 * MM
    slot = Slot(page, (cx - r, cy - r, cx + r, cy + r), {"text": applicant.name, "center": "★", "bottom": ""})
    slot.role, slot.kind, slot.party = "applicant", "official", applicant.name
    return slot


def _overlaps(a: tuple, b: tuple, pad: float = 6) -> bool:
    return not (a[2] + pad < b[0] or b[2] + pad < a[0] or a[3] + pad < b[1] or b[3] + pad < a[1])


def place_seals(doc, slots: list[Slot], styles: dict[str, dict], rng: random.Random) -> list[tuple[Slot, Placed]]:
    """Draw the seals the plan keeps; return (slot, placed) for each drawn seal."""
    drawn: list[tuple[Slot, Placed]] = []
    for slot in slots:
        style = styles.get(slot.role, {})
        if style.get("omit"):
            continue
        spec = _spec_for(slot, style, rng.randint(0, 2**31))
        x0, y0, x1, y1 = slot.rect
        jitter = 0 if slot.role in ("bureau", "authority", "bank") else 6
        cx = (x0 + x1) / 2 + rng.uniform(-jitter, jitter) + style.get("dx", 0)
        cy = (y0 + y1) / 2 + rng.uniform(-jitter, jitter) + style.get("dy", 0)
        rot = style.get("rotation", _default_rotation(slot, rng))
        page = doc[slot.page]
        a, b = spec.dims_pt()
        bx0, by0, bx1, by1 = ellipse_bbox(cx, cy, a / 2, b / 2, rot)
        cx += max(0.0, 4 - bx0) - max(0.0, bx1 - (page.rect.width - 4))  # keep the whole stamp on the page
        cy += max(0.0, 4 - by0) - max(0.0, by1 - (page.rect.height - 4))
        p = Placed(spec, cx, cy, rot)
        img = stamp_image(p, PX_PER_PT)
        hw, hh = img.width / PX_PER_PT / 2, img.height / PX_PER_PT / 2
        page.insert_image(pymupdf.Rect(cx - hw, cy - hh, cx + hw, cy + hh), stream=png_palette(img), overlay=True)
        drawn.append((slot, p))
    return drawn


# ---------------------------------------------------------------- files


def _photocopy(img: Image.Image) -> Image.Image:
    """A pale grey photocopy: colour gone, contrast low, toner light."""
    g = img.convert("L")
    g = ImageEnhance.Contrast(g).enhance(0.55)
    g = ImageEnhance.Brightness(g).enhance(1.12)
    return g.convert("RGB")


def _seal_entry(slot: Slot, p: Placed, page: int, bbox: list[float], rot: float, grey: bool, app: dict) -> dict:
    spec = p.spec
    e: dict[str, Any] = {
        "page": page,
        "bbox": [round(v, 1) for v in bbox],
        "shape": spec.shape,
        "text": spec.text,
        "kind": spec.kind,
    }
    if spec.kind == "invoice":
        e["tax_id"] = spec.center
    e["role"] = slot.role
    e["center_text"] = spec.center
    if spec.bottom:
        e["bottom_text"] = spec.bottom
    e["rotation"] = round(rot, 1)
    e["color"] = "grey" if grey else "red"
    e["pale"] = spec.ink < 0.75 or spec.gradient >= 0.5
    e["legible"] = not grey
    party = slot.party
    e["names_party"] = spec.text == party and (spec.kind != "invoice" or spec.center == slot.tax_id)
    if not e["names_party"]:
        e["expected_text"] = party
        if spec.kind == "invoice" and spec.center != slot.tax_id:
            e["expected_tax_id"] = slot.tax_id
    return e


def render_file(sf: SealFile, rng: random.Random, app: dict) -> tuple[bytes, list[dict], dict[str, str]]:
    spec = sf.spec
    if spec.kind == "docx":
        data, declared, printed = form_mod.build(spec.form, spec.form_layout)
        entry = {
            "file": spec.path,
            "doc_type": "application_form",
            "pages": [1],
            "scanned": False,
            "method_expected": "docx",
            "layout": spec.form_layout,
            "fields": declared,
            "seals": [],
        }
        return data, [entry], {"1": printed}

    doc = pymupdf.open()
    entries: list[dict] = []
    sheets = []
    slots: list[Slot] = []
    entry_slots: list[list[Slot]] = []
    with intercept():
        for part in spec.parts:
            start = doc.page_count
            drawn = part.draw(doc, part.data, part.layout)
            mine: list[Slot] = []
            for k, sh in enumerate(drawn.sheets):
                for rect, req in sh.__dict__.pop("_seal_slots", []):
                    s = Slot(start + k, rect, req)
                    _classify(s, part.doc_type, part.data)
                    if s.kind == "invoice" and part.layout not in LEGACY_INVOICE_LAYOUTS:
                        continue  # a 数电票 carries no 发票专用章
                    if part.doc_type == "business_license" and s.role == "applicant":
                        continue  # this set places the applicant's stamp itself (_applicant_slot)
                    mine.append(s)
                if part.doc_type in ("business_license", "application_form"):
                    extra = _applicant_slot(part.doc_type, sh, start + k, app["applicant"])
                    if extra is not None and not any(_overlaps(extra.rect, o.rect) for o in mine):
                        mine.append(extra)
                    elif extra is not None:  # move left of the printed seal
                        dx = extra.rect[2] - min(o.rect[0] for o in mine) + 20
                        extra.rect = (extra.rect[0] - dx, extra.rect[1], extra.rect[2] - dx, extra.rect[3])
                        mine.append(extra)
            sheets.extend(drawn.sheets)
            slots.extend(mine)
            entry_slots.append(mine)
            entry = {
                "file": spec.path,
                "doc_type": part.doc_type,
                "pages": list(range(start + 1, doc.page_count + 1)),
                "scanned": spec.kind in ("jpg", "scan_pdf"),
                "method_expected": "text" if spec.kind == "pdf" else "ocr",
                "layout": part.layout,
                "fields": drawn.fields,
            }
            if drawn.extra:
                entry["unprinted"] = drawn.extra
            entries.append(entry)
    for s in sheets:
        s.flush()
    printed = {str(i + 1): s.printed() for i, s in enumerate(sheets)}
    placed = place_seals(doc, slots, sf.styles, rng)
    grey = sf.photocopy

    seal_rows: list[tuple[Slot, dict]] = []
    if spec.kind == "pdf":
        for slot, p in placed:
            a, b = p.radii()
            bbox = ellipse_bbox(p.cx, p.cy, a, b, p.rotation)
            seal_rows.append((slot, _seal_entry(slot, p, slot.page + 1, bbox, p.rotation, grey, app)))
        doc.subset_fonts()
        doc.set_metadata(PDF_META)
        clean = any(getattr(sh, "font", None) for sh in sheets)
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, clean=clean)
    else:
        dpi = spec.dpi
        k = dpi / 72
        images = []
        for i in range(doc.page_count):
            img = render_page(doc, i, dpi)
            if grey:
                img = _photocopy(img)
            if spec.kind == "png":
                tilt = 0.0
                out = img
            else:
                tilt = round(rng.choice([-1, 1]) * rng.uniform(0.6, 2.5), 2)
                out = scan_effect(img, rng, angle=tilt, paper=(238, 238, 236) if grey else (236, 234, 228))
            unit = 1.0 if spec.kind in ("jpg", "png") else 72 / dpi  # pixels, or points of the image page
            for slot, p in placed:
                if slot.page != i:
                    continue
                a, b = p.radii(k)
                ncx, ncy = rotate_point(p.cx * k, p.cy * k, img.size, out.size, tilt)
                bbox = [v * unit for v in ellipse_bbox(ncx, ncy, a, b, p.rotation + tilt)]
                seal_rows.append((slot, _seal_entry(slot, p, i + 1, bbox, p.rotation + tilt, grey, app)))
            images.append(out)
        if spec.kind == "jpg":
            assert len(images) == 1, spec.path
            data = jpeg_bytes(images[0], JPEG_QUALITY)
        elif spec.kind == "png":
            assert len(images) == 1, spec.path
            data = png_bytes(images[0])
        elif spec.kind == "scan_pdf":
            data = image_pdf([(jpeg_bytes(im, JPEG_QUALITY), im.size) for im in images], dpi)
        else:
            raise ValueError(spec.kind)
    doc.close()
    for entry, mine in zip(entries, entry_slots, strict=True):
        entry["seals"] = [e for s, e in seal_rows if any(s is m for m in mine)]
        entry["seals"].sort(key=lambda e: (e["page"], e["bbox"][1], e["bbox"][0]))
    if grey:
        for entry in entries:
            entry["photocopy"] = True
    return data, entries, printed


# ---------------------------------------------------------------- expected findings


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).replace(" ", "")


def _status_for(seals: list[dict], name: str, tax_id: str | None = None) -> tuple[str, str]:
    """One party's seal on one document: pass / warn (absent) / fail (another name) / review."""
    if not seals:
        return "warn", "缺少印章"
    if any(not s["legible"] for s in seals):
        return "review", "印章为灰色复印件，无法辨认"
    if any(_norm(s["text"]) == _norm(name) and (tax_id is None or s.get("tax_id") == tax_id) for s in seals):
        return "pass", "印章名称相符"
    wrong = seals[0]
    if tax_id is not None and _norm(wrong["text"]) == _norm(name):
        return "fail", f"发票专用章税号为{wrong.get('tax_id')}，应为{tax_id}"
    return "fail", f"印章名称为「{wrong['text']}」，应为「{name}」"


def expected_seal_findings(documents: list[dict], applicant: str) -> list[dict]:
    """Seal findings CONTRACT section 6 asks for, derived from the seals the documents carry."""
    out: list[dict] = []
    for d in documents:
        t, seals = d["doc_type"], d.get("seals", [])
        if d["method_expected"] in ("docx", "ofd", "xml"):
            continue  # originals that carry no seal by nature
        if t in APPLICANT_SEAL_TYPES:
            mine = [s for s in seals if s["role"] == "applicant"]
            status, why = _status_for(mine, applicant)
            out.append({"rule": "evidence.applicant_seal", "status": status, "file": d["file"],
                        "doc_type": t, "pages": d["pages"], "detail": why})
        elif t == "contract":
            worst, details = "pass", []
            for role, label, key in (("buyer", "买方", "buyer_name"), ("seller", "卖方", "seller_name")):
                st, why = _status_for([s for s in seals if s["role"] == role], d["fields"][key])
                if SEVERITY[st] > SEVERITY[worst]:
                    worst = st
                if st != "pass":
                    details.append(f"{label}{why}")
            out.append({"rule": "contract.party_seals", "status": worst, "file": d["file"], "doc_type": t,
                        "pages": d["pages"], "detail": "；".join(details) or "双方印章齐全且名称相符"})
        elif t == "invoice" and d["layout"] in LEGACY_INVOICE_LAYOUTS:
            mine = [s for s in seals if s["role"] == "seller" and s["kind"] == "invoice"]
            st, why = _status_for(mine, d["fields"]["seller_name"], d["fields"]["seller_tax_id"])
            out.append({"rule": "invoice.seller_seal", "status": st, "file": d["file"], "doc_type": t,
                        "pages": d["pages"], "detail": why})
    return out


def verdict(findings: list[dict]) -> str:
    st = {f["status"] for f in findings}
    if "fail" in st:
        return "fail"
    if st & {"warn", "review", "missing"}:
        return "review"
    return "pass"



"""A licence's authority scored on what the recogniser weighed along its seal's ring
(extractor.fields.ring_lattice), where no reading of the ring names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.fields.license import extract
from extractor.fields.ring_lattice import best_name, word_cost
from models.page import Line, Page, Seal

# the recogniser's steps along the authority's seal of realcorpus rp-005 (a tune photo), read
# three times (at the assumed size and two others), first as 「泸州市生胎力教管理局」: 生胎力教
# stands for 工商行政, which the model hardly weighed
RP005 = json.loads(
    (Path(__file__).parent / "fixtures" / "ring_frames_rp005.json").read_text(encoding="utf-8")
)


def _sure(text: str) -> list[list[tuple[str, float]]]:
    """The steps of a ring read surely as ``text`` (each glyph, then a blank)."""
    out: list[list[tuple[str, float]]] = [[("", 1.0)]]
    for g in text:
        out += [[(g, 0.99)], [("", 1.0)]]
    return out


def _licence(seal: Seal) -> Page:
    rows = [
        ("营业执照", 400, 40, 200),
        ("统一社会信用代码", 60, 80, 160),
        ("915105007422843485", 60, 105, 180),
        ("名称 泸州示例商贸有限公司", 60, 200, 300),
        ("住所 泸州市江阳区酒城大道一段", 60, 240, 300),
        ("登记机关", 620, 560, 80),
    ]
    lines = [Line(text=t, bbox=(x, y, x + w, y + 20), confidence=0.95, method="ocr") for t, x, y, w in rows]
    return Page(number=1, width=1000, height=700, method="ocr", lines=lines, seals=[seal])


def test_a_worn_ring_names_the_authority_its_steps_support():
    seal = Seal(
        box=(600, 500, 780, 680), text=RP005["text"], text_confidence=0.65, ring_frames=RP005["ring_frames"]
    )
    f = extract([_licence(seal)])
    ra = f["registration_authority"]
    assert ra.value == "泸州市工商行政管理局" and ra.method == "seal" and ra.confidence <= 0.35
    # the same reading without the steps: which organ it names is not told
    seal.ring_frames = []
    assert "registration_authority" not in extract([_licence(seal)])


def test_a_company_seal_names_no_authority():
    seal = Seal(
        box=(600, 500, 780, 680),
        text="泸州示例商贸有限公司",
        text_confidence=0.99,
        ring_frames=[_sure("泸州示例商贸有限公司")],
    )
    assert "registration_authority" not in extract([_licence(seal)])


def test_glyphs_read_outside_the_name_count_against_a_shorter_name():
    """A branch's name read with its district misread (「…管理局職又分攝」) is not its city's
    bureau with four glyphs to spare."""
    ring = _sure("北京市工商行政管理局職又分攝")
    names = ["北京市工商行政管理局", "北京市工商行政管理局顺义分局"]
    assert word_cost(ring, names[0]) > 4 * 4.0
    assert best_name([ring], names) is None or best_name([ring], names)[0] != names[0]


def test_two_names_alike_within_the_margin_give_nothing():
    ring = _sure("泸州市管理局")
    assert best_name([ring], ["泸州市市场监督管理局", "泸州市工商行政管理局"]) is None


CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.slow
def test_realcorpus_rp005_authority_from_its_worn_seal():
    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = CORPUS / "applications" / "rp-005" / "0408.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    lic = next(d for d in extract_documents(read_path(f)) if d.doc_type == "business_license")
    assert lic.fields["registration_authority"].value == "泸州市工商行政管理局"

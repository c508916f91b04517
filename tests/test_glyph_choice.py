"""OCR's unsure glyphs: kept by the recogniser (extractor.ocr_alts) and chosen again by the
words around them (extractor.glyph_choice)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

from extractor.glyph_choice import chosen_glyphs
from extractor.ocr_alts import GlyphDecoder
from models.page import GlyphAlts, Line, Page

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def _steps(rows: list[dict[str, float]], alphabet: list[str]) -> np.ndarray:
    out = np.zeros((len(rows), len(alphabet) + 2), np.float32)  # + blank and space
    for t, row in enumerate(rows):
        for glyph, p in row.items():
            out[t, 0 if glyph == "blank" else alphabet.index(glyph) + 1] = p
    return out


def test_decoder_keeps_texts_and_scores_and_adds_the_runner_up_glyphs() -> None:
    alphabet = ["机", "器", "设", "各", "备"]
    plain = CTCLabelDecode(character=list(alphabet))
    rows = [{"机": 1.0}, {"blank": 1.0}, {"器": 1.0}, {"设": 0.97, "器": 0.03}, {"各": 0.78, "备": 0.22}]
    preds = _steps(rows, alphabet)[None]
    want, _ = plain(preds)
    got, _ = GlyphDecoder(CTCLabelDecode(character=list(alphabet)))(preds)
    assert got == want and got[0][0] == "机器设各"
    alts = got[0][0].alts
    assert [(a.at, a.options) for a in alts] == [
        (2, [("设", 0.97), ("器", 0.03)]),
        (3, [("各", 0.78), ("备", 0.22)]),
    ]


def _page(number: int, text: str, alts: list[GlyphAlts], method: str = "ocr") -> Page:
    line = Line(text=text, bbox=(0, 0, 100, 10), method=method, alts=alts)  # type: ignore[arg-type]
    return Page(number=number, method=method, lines=[line])  # type: ignore[arg-type]


def test_pages_get_the_glyph_the_words_prefer_only_on_ocr_lines_and_not_on_skipped_pages() -> None:
    alts = [GlyphAlts(at=3, options=[("各", 0.78), ("备", 0.22)])]
    pages = [
        _page(1, "机器设各及配件", alts),
        _page(2, "机器设各及配件", alts),
        _page(3, "机器设各及配件", alts, "text"),
    ]
    out = chosen_glyphs(pages, skip={2})
    assert [p.lines[0].text for p in out] == ["机器设备及配件", "机器设各及配件", "机器设各及配件"]
    assert out[0].lines[0].bbox == pages[0].lines[0].bbox


def test_a_glyph_the_words_do_not_clearly_prefer_stays_as_read() -> None:
    # 股 and 般 weighed almost alike: 一般经营 is words, 一股经营 is not
    alts = [GlyphAlts(at=1, options=[("股", 0.514), ("般", 0.483)])]
    assert chosen_glyphs([_page(1, "一股经营项目", alts)])[0].lines[0].text == "一般经营项目"
    # a rare glyph of a street's name is not traded for a common one (rb-021's 姚砦路)
    alts = [GlyphAlts(at=4, options=[("砦", 0.848), ("岩", 0.147)])]
    assert chosen_glyphs([_page(1, "金水区姚砦路133号", alts)])[0].lines[0].text == "金水区姚砦路133号"
    # a name the words know nothing of keeps what the model read surely enough
    alts = [GlyphAlts(at=3, options=[("茳", 0.9), ("荭", 0.1)])]
    assert chosen_glyphs([_page(1, "杭州润茳科普", alts)])[0].lines[0].text == "杭州润茳科普"


@pytest.mark.slow
def test_real_licence_scope_reads_the_word_the_model_nearly_read() -> None:
    """A real licence photo (realcorpus se-008, tune set): the recogniser read 「机器设各」
    with 备 as its runner-up; the words choose 设备."""
    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = CORPUS / "applications" / "se-008" / "0207.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    res = read_path(f)
    line = next(ln for p in res.pages for ln in p.lines if "机器设各及配件" in ln.text)
    at = line.text.index("设各") + 1
    assert any(a.at == at and [g for g, _ in a.options][:2] == ["各", "备"] for a in line.alts), line.alts
    lic = next(d for d in extract_documents(res) if d.doc_type == "business_license")
    scope = lic.fields["business_scope"].value
    assert "机器设备及配件" in scope and "设各" not in scope, scope


@pytest.mark.slow
def test_real_licence_credit_code_takes_the_runner_up_its_check_character_accepts() -> None:
    """A real licence photo (realcorpus rh-008, tune set): the code's last glyph was read 1
    (which fails the check) with D as the model's runner-up (which passes)."""
    from extractor.extract import extract_documents
    from extractor.read import read_path

    f = CORPUS / "applications" / "rh-008" / "yingyezhizhao.jpg"
    if not f.is_file():
        pytest.skip("real corpus not built (python3 scripts/realcorpus.py --out ../corpus)")
    res = read_path(f)
    assert any("913707008631296941" in ln.text for p in res.pages for ln in p.lines)
    lic = next(d for d in extract_documents(res) if d.doc_type == "business_license")
    assert lic.fields["credit_code"].value == "91370700863129694D"


def test_a_capital_amount_takes_the_digit_the_model_weighed_before_its_multiplier() -> None:
    """「注册资本查仟万元整」 with 壹 weighed at 查 (realcorpus yd-014): the page reads 壹仟万元整,
    and the licence's capital is read from it."""
    from extractor.fields.license import extract

    alts = [GlyphAlts(at=4, options=[("查", 0.7), ("壹", 0.292)])]
    page = _page(1, "注册资本查仟万元整", alts)
    out = chosen_glyphs([page])
    assert out[0].lines[0].text == "注册资本壹仟万元整"
    assert str(extract(out)["registered_capital"].value) in ("10000000", "10000000.00")

"""Traditional Chinese: read it through a simplified view, report values as printed.

Labels, titles and lexicons of the extractor are written in simplified Chinese. A page
printed in traditional characters (a Hong Kong annual report: 核數師報告, 綜合損益表) is
classified and read through a *simplified view*: the same page with every line converted
by OpenCC (``t2s``, data inside the wheel, no download) with its length unchanged, so
positions hold. Values found there are then given back in the printed script
(:func:`printed_fields`), because evidence is quoted as printed.

OCR of a simplified page sometimes returns a traditional glyph (特來電 for 特来电): on such
a page the few traditional forms are repaired for good, since the image never held them.
Only characters that are a traditional *form* of a simplified one are repaired (their
round trip ``t2s → s2t`` gives them back, in one of the standard forms): 昇 (昇腾) or 濛
are characters of their own and stay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from models.contract import FieldValue
from models.page import Page

_CJK = re.compile(r"[\u4e00-\u9fff]")
# a page is printed in traditional characters when at least this many of its CJK
# characters, and at least this share of them, are traditional forms (a traditional text
# has 25–45 %; a simplified one a few stray glyphs)
TRADITIONAL_MIN_CHARS = 8
TRADITIONAL_MIN_SHARE = 0.1
# fields whose value is one of the contract's fixed terms, not a quote of the document
VOCABULARY_KEYS = frozenset({"opinion"})


@lru_cache(maxsize=1)
def _converters() -> tuple[Any, tuple[Any, ...]] | None:
    """OpenCC's t2s and the s2t variants (OpenCC, Taiwan, Hong Kong standard forms: 爲/為)."""
    try:
        import opencc
    except ImportError:  # optional at run time: without it, pages are read as printed
        return None
    return opencc.OpenCC("t2s"), tuple(opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk"))


@lru_cache(maxsize=8192)
def _traditional_form(ch: str) -> str | None:
    """The simplified character ``ch`` is a traditional form of, else None.

    >>> _traditional_form("來"), _traditional_form("為"), _traditional_form("来"), _traditional_form("昇")
    ('来', '为', None, None)
    """
    conv = _converters()
    if conv is None or not _CJK.match(ch):
        return None
    t2s, s2ts = conv
    simple = t2s.convert(ch)
    if len(simple) != 1 or simple == ch or all(s2t.convert(simple) != ch for s2t in s2ts):
        return None
    return simple


def repair_glyphs(text: str) -> str:
    """``text`` with every unambiguous traditional form replaced (OCR's stray glyphs).

    >>> repair_glyphs("绵阳特來電新能源有限公司")
    '绵阳特来电新能源有限公司'
    >>> repair_glyphs("华为昇腾 910B")
    '华为昇腾 910B'
    """
    return "".join(_traditional_form(ch) or ch for ch in text)


def to_simplified(text: str) -> str:
    """A traditional text in simplified characters (OpenCC ``t2s``), same length.

    >>> to_simplified("吾等認為，該等綜合財務報表已根據香港會計師公會頒佈的準則編製")
    '吾等认为，该等综合财务报表已根据香港会计师公会颁布的准则编制'
    """
    conv = _converters()
    if conv is None:
        return text
    out = conv[0].convert(text)
    if len(out) != len(text):  # a phrase rule changed the length: convert character by character
        out = "".join(c if len(c := conv[0].convert(ch)) == 1 else ch for ch in text)
    return out


def traditional_share(text: str) -> tuple[int, int]:
    """(traditional forms, CJK characters) in ``text``.

    >>> traditional_share("綿陽特來電新能源有限公司")
    (4, 12)
    """
    cjk = _CJK.findall(text)
    return sum(1 for ch in cjk if _traditional_form(ch)), len(cjk)


def _page_share(page: Page) -> tuple[int, int]:
    return traditional_share("".join(ln.text for ln in page.lines))


def _traditional_by_share(trad: int, cjk: int) -> bool:
    return trad >= TRADITIONAL_MIN_CHARS and trad >= TRADITIONAL_MIN_SHARE * cjk


def is_traditional(page: Page) -> bool:
    return _traditional_by_share(*_page_share(page))


def _convert_page(page: Page, convert: Callable[[str], str]) -> Page:
    lines = [
        ln.model_copy(
            update={
                "text": convert(ln.text),
                "words": [w.model_copy(update={"text": convert(w.text)}) for w in ln.words],
            }
        )
        for ln in page.lines
    ]
    tables = [
        t.model_copy(update={"cells": [c.model_copy(update={"text": convert(c.text)}) for c in t.cells]})
        for t in page.tables
    ]
    return page.model_copy(update={"lines": lines, "tables": tables})


def simplified_view(pages: list[Page]) -> tuple[list[Page], set[int]]:
    """The pages to classify and read, and the numbers of pages printed in traditional.

    A traditional page is converted (and its values given back as printed later); an OCR'd
    simplified page has its stray traditional glyphs repaired; any other page is itself.
    """
    if _converters() is None:
        return pages, set()
    out: list[Page] = []
    traditional: set[int] = set()
    for page in pages:
        trad, cjk = _page_share(page)  # one scan decides both cases
        if _traditional_by_share(trad, cjk):
            traditional.add(page.number)
            out.append(_convert_page(page, to_simplified))
        elif page.method == "ocr" and trad:
            out.append(_convert_page(page, repair_glyphs))
        else:
            out.append(page)
    return out, traditional


def printed_map(printed: list[Page], view: list[Page]) -> dict[str, str]:
    """For each simplified character of the view, the traditional form printed in its place
    (when the page printed it that way more often than not)."""
    seen: dict[str, Counter[str]] = {}
    for p_page, v_page in zip(printed, view, strict=True):
        for p_line, v_line in zip(p_page.lines, v_page.lines, strict=True):
            for p_ch, v_ch in zip(p_line.text, v_line.text, strict=True):
                if ord(v_ch) >= 0x4E00:
                    seen.setdefault(v_ch, Counter())[p_ch] += 1
    top = {v: c.most_common(1)[0][0] for v, c in seen.items()}
    return {v: p for v, p in top.items() if p != v}


def _restore(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, str):
        return "".join(table.get(ch, ch) for ch in value)
    if isinstance(value, list):
        return [_restore(v, table) for v in value]
    return value


def printed_fields(fields: dict[str, FieldValue], table: dict[str, str]) -> dict[str, FieldValue]:
    """Text values (and their quoted source) in the script the document printed them in.

    A fixed vocabulary (the audit opinion) keeps the contract's simplified term; ``table``
    comes from :func:`printed_map`.
    """
    if not table:
        return fields
    out: dict[str, FieldValue] = {}
    for key, fv in fields.items():
        if key in VOCABULARY_KEYS:
            out[key] = fv
            continue
        update: dict[str, Any] = {"value": _restore(fv.value, table)}
        if fv.source_text:
            update["source_text"] = _restore(fv.source_text, table)
        out[key] = fv.model_copy(update=update)
    return out

"""Helpers for documents read as running prose (contracts, audit reports, forms, pledges).

:func:`prepare_pages` splits soft line breaks; :class:`Stream` is the running text of many
lines that turns any char range back into a :class:`~extractor.fields.spans.Span` for
provenance; :func:`is_blank` recognises template blanks (``____``, ``年  月  日``);
:func:`field` makes a FieldValue with a confidence penalty; :func:`extend_legal_form`
completes an organisation name with its legal form; :func:`find_title` finds the title line.
Used by :mod:`~extractor.fields.contract`, :mod:`~extractor.fields.audit`,
:mod:`~extractor.fields.form`, :mod:`~extractor.fields.parties`,
:mod:`~extractor.fields.declared` and :mod:`~extractor.fields.titles`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import extractor.fields.layout as L
from models.contract import FieldValue
from models.page import Line, Page

_FILL_LINE_RE = re.compile(r"(?<![A-Za-z0-9])[_＿]+|[_＿]+(?![A-Za-z0-9])")


def _spaces(m: re.Match) -> str:
    return " " * len(m.group(0))


def prepare_pages(pages: Sequence[Page]) -> list[Page]:
    """Split lines that hold soft line breaks (DOCX ``<w:br/>``, cell paragraphs joined
    with ``\\n``) into one line each; positioned lines get an evenly divided box. A fill-in
    line's underscores become spaces.

    >>> p = Page(number=1, lines=[Line(text="甲方：A公司\\n乙方：B公司", method="docx")])
    >>> [ln.text for ln in prepare_pages([p])[0].lines]
    ['甲方：A公司', '乙方：B公司']
    >>> p = Page(number=1, lines=[Line(text="乙方：__广厦智汇公司___ 邮箱 li_ming@a.cn", method="docx")])
    >>> prepare_pages([p])[0].lines[0].text
    '乙方：  广厦智汇公司    邮箱 li_ming@a.cn'
    """
    out: list[Page] = []
    for p in pages:
        if any(_FILL_LINE_RE.search(ln.text) for ln in p.lines):
            # a template's fill-in line around what was typed (「乙方：__广厦智汇…公司____」) is
            # blank space: each underscore becomes a space (offsets unchanged); one inside a word
            # (an e-mail's user_name) stays
            p = p.model_copy(
                update={
                    "lines": [
                        ln.model_copy(update={"text": _FILL_LINE_RE.sub(_spaces, ln.text)}) for ln in p.lines
                    ]
                }
            )
        if not any("\n" in ln.text or "\r" in ln.text or "\x0b" in ln.text for ln in p.lines):
            out.append(p)
            continue
        lines: list[Line] = []
        for ln in p.lines:
            parts = re.split(r"\r\n|[\r\n\x0b]", ln.text)
            if len(parts) == 1:
                lines.append(ln)
                continue
            parts = [t for t in parts if t.strip()] or [""]
            n = len(parts)
            for k, t in enumerate(parts):
                bbox = None
                if ln.bbox is not None:
                    x0, y0, x1, y1 = ln.bbox
                    h = (y1 - y0) / n
                    bbox = (x0, y0 + k * h, x1, y0 + (k + 1) * h)
                lines.append(ln.model_copy(update={"text": t, "bbox": bbox, "words": []}))
        out.append(p.model_copy(update={"lines": lines}))
    return out


_BLANK_RE = re.compile(r"^[\s_＿\-—–.·…/:：;；,，。()（）\[\]【】年月日号XxＸ*＊]*$")


def is_blank(text: str | None) -> bool:
    """True for template blanks: underscores, spaces, ``年 月 日`` with no digits, XXX.

    >>> is_blank("______"), is_blank("   年   月   日"), is_blank("（盖章）"), is_blank("2023年")
    (True, True, False, False)
    """
    if text is None:
        return True
    return bool(_BLANK_RE.match(text))


@dataclass
class Stream:
    """The text of several lines joined with ``\\n``, able to turn any char range back into
    a :class:`layout.Span` (with the lines it covers) for provenance.

    >>> p = Page(number=3, lines=[Line(text="向甲公司采购"), Line(text="36万元")])
    >>> s = Stream.of(L.iter_refs([p]))
    >>> sp = s.span(s.text.index("36"), s.text.index("元") + 1)
    >>> sp.text, sp.page, sp.refs[0].index
    ('36万元', 3, 1)
    """

    text: str
    refs: list[L.Ref]
    starts: list[int]

    @classmethod
    def of(cls, refs, sep: str = "\n") -> Stream:
        parts: list[str] = []
        rs: list[L.Ref] = []
        starts: list[int] = []
        pos = 0
        for r in refs:
            rs.append(r)
            starts.append(pos)
            parts.append(r.line.text)
            pos += len(r.line.text) + len(sep)
        return cls(sep.join(parts), rs, starts)

    def ref_at(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def span(self, start: int, end: int) -> L.Span:
        end = max(end, start + 1)
        i, j = self.ref_at(start), self.ref_at(end - 1)
        text = self.text[start:end]
        if i == j:
            off = self.starts[i]
            return L.Span(text, [self.refs[i]], start - off, end - off, match=text, how="line")
        return L.Span(text, self.refs[i : j + 1], match=text, how="line")


def field(value, span: L.Span | L.Ref | Sequence, penalty: float = 0.0, **kw) -> FieldValue:
    """:func:`layout.make_field` with a confidence penalty."""
    return L.make_field(value, span, confidence_penalty=penalty, **kw)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


_LEGAL_FORM_RE = re.compile(
    r"\s*(?:股份有限公司|有限责任公司|有限公司|[（(]\s*(?:特殊普通合伙|普通合伙|有限合伙)\s*[)）])"
)


def extend_legal_form(text: str, end: int) -> int:
    """End of an organisation name that goes on with its legal form after ``end`` (the
    entity layer may stop at 研究院 / 事务所 / 中心 before 有限公司).

    >>> t = "泉州海丝工业互联网研究院有限公司、石狮市华锦纺织有限公司"
    >>> t[: extend_legal_form(t, t.index("有限"))]
    '泉州海丝工业互联网研究院有限公司'
    """
    m = _LEGAL_FORM_RE.match(text, end)
    return m.end() if m else end


# ----------------------------------------------------------------- sentences and clauses

# a line that ends its sentence (no run-on into the next line or page)
SENTENCE_END_RE = re.compile(r"[。；;：:！？!?]\s*$")
# a line that opens a new clause: 第三条 / 第二节, 3、 / 3.1, （三） / 三、
CLAUSE_START_RE = re.compile(
    r"\s*(?:第[一二三四五六七八九十百\d]+[条章节]|[\d.．]+[、.．\s]|[（(]?[一二三四五六七八九十\d]+[)）、.．])"
)


# ----------------------------------------------------------------- titles

_TITLE_WORDS = (
    "证书", "承诺书", "承诺函", "承诺", "报告", "名单", "名册", "合同", "协议", "声明", "证明",
    "申报表", "申请表", "说明", "简介", "清单", "一览表", "情况表", "汇总表", "通知", "决定",
)  # fmt: skip
_NOT_TITLE_RE = re.compile(
    r"[:：]|^\d+[、.．]|^第[一二三四五六七八九十\d]+[条章节]|^[（(][一二三四五六七八九十\d]+[)）]"
)


def title_text(text: str) -> str:
    """A title as printed, blanks collapsed (letter-spacing removed).

    >>> title_text("专 利 证 书"), title_text("无涉黑（失信）承诺书")
    ('专利证书', '无涉黑（失信）承诺书')
    """
    t = (text or "").strip()
    # letter-spaced titles ("专 利 证 书") lose their spaces; others keep single spaces
    if re.fullmatch(r"(?:[\u4e00-\u9fff]\s+)+[\u4e00-\u9fff]", t):
        t = re.sub(r"\s+", "", t)
    return re.sub(r"\s+", " ", t)


def find_title(
    pages: Sequence[Page],
    words: Sequence[str] = _TITLE_WORDS,
    *,
    ends: Sequence[str] | None = None,
    max_lines: int = 40,
    max_len: int = 40,
) -> L.Span | None:
    """The title line near the top of the first page(s).

    With boxes: the tallest short line in the top half of the first page (ties: the
    higher one), if it is clearly taller than the body text; otherwise (and for DOCX) the
    first short line among the first ``max_lines`` that ends with one of ``ends`` (or
    contains one of ``words`` when ``ends`` is None). Label lines (``编号：…``) and
    numbered clauses are skipped.
    """
    refs = [r for r in L.iter_refs(pages[:2]) if r.line.text.strip()][: max_lines * 2]
    if not refs:
        return None

    def ok(r: L.Ref) -> bool:
        t = title_text(r.line.text)
        return 2 <= len(t) <= max_len and not _NOT_TITLE_RE.search(t) and not is_blank(t)

    def wanted(r: L.Ref) -> bool:
        t = re.sub(r"[\s《》“”\"'()（）]", "", nfkc(r.line.text))
        if ends is not None:
            return t.endswith(tuple(ends))
        return any(w in t for w in words)

    first = [r for r in refs if r.page is refs[0].page]
    boxed = [r for r in first if r.line.bbox is not None]
    if boxed and refs[0].page.height:
        top = [r for r in boxed if r.line.bbox[1] < refs[0].page.height * 0.5 and ok(r)]
        heights = sorted(r.line.bbox[3] - r.line.bbox[1] for r in boxed)
        median = heights[len(heights) // 2]
        if top:
            best = max(top, key=lambda r: (round(r.line.bbox[3] - r.line.bbox[1], 1), -r.line.bbox[1]))
            h = best.line.bbox[3] - best.line.bbox[1]
            if h >= 1.25 * median and (ends is None or wanted(best)):
                return L.span_of_line(best)
    for r in refs[:max_lines]:
        if ok(r) and wanted(r):
            return L.span_of_line(r)
    return None


# what the entity layer may leave after a company's name that is still the name: a bracket it
# stopped in (「金花企业（集团」 + 「）」) and the legal form (股份有限公司)
_FORM_AFTER_RE = re.compile(r"^(?:[^（）()，,。]{0,8}[)）])?(?:股份有限公司|有限责任公司|有限公司)?")


def legal_form_after(name: str, rest: str) -> int:
    """How many glyphs of ``rest`` still belong to the company ``name`` the entity layer
    found: a closing bracket it stopped before (only when the name opened one) and a legal form
    right after the name; the rest of the sentence (「（以下简称…）」) is not the name's.

    >>> legal_form_after("金花企业（集团", "）股份有限公司"), legal_form_after("北京昭衍新药研究中心", "股份有限公司")
    (7, 6)
    >>> legal_form_after("某某科技有限公司", "及其子公司"), legal_form_after("某某", "（集团）")
    (0, 0)
    """
    m = _FORM_AFTER_RE.match(rest)
    got = m.group(0) if m else ""
    opened = name.count("（") + name.count("(") > name.count("）") + name.count(")")
    if got[:1] not in "股有" and not opened:
        return 0
    if not re.search(r"(?:公司)$", got) and not (opened and got):
        return 0
    return len(got)

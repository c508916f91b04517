"""经营范围 (business scope) text read by OCR: separators and trailing seal/watermark glyphs.

A business scope lists items separated by 「；」 and introduces a list with 「：」 only after a
heading word (一般项目：…, 许可项目：…, 批发、零售：…). OCR often reads 「；」 as 「：」; a colon
after anything but such a heading is restored to 「；」. The scope ends with the registration
clause (「（依法须经批准的项目，…开展经营活动。）」); a few glyphs after it are a seal's or a
watermark's, not the scope's, and a 「、」 inside it or a comma before it is OCR's speck or full stop.
"""

from __future__ import annotations

import re

# words that introduce a list of items with a colon (whole segment before the colon)
HEADINGS = frozenset(
    {
        "一般项目",
        "许可项目",
        "一般经营项目",
        "许可经营项目",
        "经营项目",
        "批发零售",
        "批发、零售",
        "批发",
        "零售",
        "销售",
        "生产",
        "加工",
        "制造",
        "生产、加工",
        "生产加工",
        "研发",
        "服务",
        "经营",
    }
)
_COLON_RE = re.compile(r"[:：]")
_SEG_START_RE = re.compile(r"[；;。，,）)（(：:]")
# the closing clause, then up to 8 stray glyphs (which may end with a bracket of their own)
_TAIL_RE = re.compile(r"(经营活动[^（）()]{0,40}?[)）]\s*[。.]?)[^（）()。；]{0,8}[)）]?$")


def fix_ocr_separators(text: str) -> str:
    """Restore 「；」 read as 「：」 between scope items; keep heading colons.

    >>> fix_ocr_separators("技术咨询（中介除外）：销售计算机软硬件；批发、零售：建材")
    '技术咨询（中介除外）；销售计算机软硬件；批发、零售：建材'
    >>> fix_ocr_separators("一般项目：软件开发；医疗器械销售：电子产品销售")
    '一般项目：软件开发；医疗器械销售；电子产品销售'
    """
    out = []
    last = 0
    for m in _COLON_RE.finditer(text):
        before = text[last : m.start()]
        seg_start = max((x.end() for x in _SEG_START_RE.finditer(before)), default=0)
        # the whole segment is the heading (「批发、零售：」); 「…、发布广告：」 ends an item
        heading = before[seg_start:].strip() in HEADINGS
        out.append(before)
        out.append("：" if heading else "；")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


# the registration clause: 「（依法须经批准的项目，…）」 / 「（除依法须经批准的项目外，…）」
_CLAUSE_RE = re.compile(r"(?P<pre>[，,]?)(?P<open>[（(])(?P<body>除?依法须经[^（）()]{4,80}?经营活动)")


def fix_closing_clause(text: str) -> str:
    """OCR punctuation inside and before the registration clause: a 「、」 (never printed in
    it) is a speck; a comma before its bracket is the full stop that ends the last item.

    >>> fix_closing_clause("建筑材料销售。（除依法须经批准的、项目外，凭营业执照依法自主开展经营活动）")
    '建筑材料销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）'
    >>> fix_closing_clause("凭许可证经营），（依法须经批准的项目，经相关部门批准后方可开展经营活动）。")
    '凭许可证经营）。（依法须经批准的项目，经相关部门批准后方可开展经营活动）。'
    >>> fix_closing_clause("技术服务、技术开发；会议服务")
    '技术服务、技术开发；会议服务'
    """

    def repl(m: re.Match[str]) -> str:
        pre = "。" if m.group("pre") and m.start() > 0 else m.group("pre")
        return pre + m.group("open") + m.group("body").replace("、", "")

    return _CLAUSE_RE.sub(repl, text)


def strip_trailing_noise(text: str) -> str:
    """Drop a few glyphs read after the scope's closing registration clause.

    >>> strip_trailing_noise("软件开发。（依法须经批准的项目，经相关部门批准后方可开展经营活动）北区市场")
    '软件开发。（依法须经批准的项目，经相关部门批准后方可开展经营活动）'
    >>> strip_trailing_noise("软件开发。（依法须经批准的项目，经相关部门批准后依批准的内容开展经营活动。）com)")
    '软件开发。（依法须经批准的项目，经相关部门批准后依批准的内容开展经营活动。）'
    """
    m = _TAIL_RE.search(text)
    return text[: m.end(1)] if m else text


# The background of the 2014+ licences carries the microprint 「SCJDGL」 (the initials of
# 市场监督管理) over and over; OCR now and then reads a piece of it into a line of the scope.
_MICROPRINT = "SCJDGL" * 3
_LATIN_RUN_RE = re.compile(r"(?<=[\u4e00-\u9fff、，；])[A-Z]{4,}(?=[\u4e00-\u9fff、，；。]|$)")


def drop_microprint(text: str) -> str:
    """Drop a run of the licence's 「SCJDGL」 background microprint read between CJK glyphs
    (other Latin words of a scope, such as LED or PK8000, stay).

    >>> drop_microprint("配电自动化站所终端产SCJDGL品、配电变压器")
    '配电自动化站所终端产品、配电变压器'
    >>> drop_microprint("LED显示屏、ERPS软件销售")
    'LED显示屏、ERPS软件销售'
    >>> drop_microprint("上海市闵行区庙泾路66号M356室SCJDGL")   # at the end of an address too
    '上海市闵行区庙泾路66号M356室'
    """
    return _LATIN_RUN_RE.sub(lambda m: "" if m.group(0) in _MICROPRINT else m.group(0), text)


_PAIRS = {"（": "）", "(": ")"}
_WIDTH = {")": "）", "）": ")"}


def match_bracket_widths(text: str) -> str:
    """A closing bracket takes the width of the bracket it closes: OCR tells 「）」 from 「)」
    by a few pixels of white space and often mixes them within one pair.

    >>> match_bracket_widths("多媒体教学器材的销售（依法须经批准的项目，经相关部门批准后方可开展经营活动)")
    '多媒体教学器材的销售（依法须经批准的项目，经相关部门批准后方可开展经营活动）'
    >>> match_bracket_widths("字复印(不含出版物)；室内（装修）")
    '字复印(不含出版物)；室内（装修）'
    """
    out = list(text)
    stack: list[str] = []
    for i, c in enumerate(text):
        if c in _PAIRS:
            stack.append(c)
        elif c in _WIDTH and stack:
            want = _PAIRS[stack.pop()]
            if c != want:
                out[i] = want
    return "".join(out)

"""经营范围 (business scope) text read by OCR: separators and trailing seal/watermark glyphs.

A business scope lists items separated by 「；」 and introduces a list with 「：」 only after a
heading word (一般项目：…, 许可项目：…, 批发、零售：…). OCR often reads 「；」 as 「：」; a colon
after anything but such a heading is restored to 「；」. The scope ends with the registration
clause (「（依法须经批准的项目，…开展经营活动。）」); a few glyphs after it are a seal's or a
watermark's, not the scope's, and a 「、」 inside it or a comma before it is OCR's speck or full stop.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

# words that introduce a list of items with a colon (whole segment before the colon)
HEADINGS = frozenset({"一般项目", "许可项目", "一般经营项目", "许可经营项目", "经营项目"})
# activities a heading joins with 「、」 (批发、零售：…, 生产、销售：…, 研发、产销：…)
ACTIVITIES = frozenset(
    {
        "批发",
        "零售",
        "批零",
        "批发零售",
        "生产加工",
        "销售",
        "经销",
        "购销",
        "产销",
        "生产",
        "加工",
        "制造",
        "研发",
        "研制",
        "开发",
        "设计",
        "安装",
        "维修",
        "制作",
        "施工",
        "租赁",
        "代理",
        "服务",
        "经营",
    }
)
# a project heading after glued text (「…为准）一般项目」, 「许可经营项目：无一般经营项目」), also
# as Shenzhen prints it (「一般经营项目是：」)
_PROJECT_HEADING_RE = re.compile(r"(?:一般|许可)(?:经营)?项目是?$")
_COLON_RE = re.compile(r"[:：]")
_SEG_START_RE = re.compile(r"[；;。，,）)（(：:]")
# the closing clause, then up to 8 stray glyphs (which may end with a bracket of their own)
_TAIL_RE = re.compile(r"(经营活动[^（）()]{0,40}?[)）]\s*[。.]?)[^（）()。；]{0,8}[)）]?$")


def fix_ocr_separators(text: str) -> str:
    """Restore 「；」 read as 「：」 between scope items; keep heading colons.

    >>> fix_ocr_separators("技术咨询（中介除外）：销售计算机软硬件；批发、零售：建材")
    '技术咨询（中介除外）；销售计算机软硬件；批发、零售：建材'
    >>> fix_ocr_separators("水产加工品（干制水产品）生产：预包装食品零售；散装食品零售")
    '水产加工品（干制水产品）生产；预包装食品零售；散装食品零售'
    >>> fix_ocr_separators("一般项目：软件开发；医疗器械销售：电子产品销售")
    '一般项目：软件开发；医疗器械销售；电子产品销售'

    A short activity or a class before a list keeps its colon (real readings):

    >>> fix_ocr_separators("地籍测绘：界址测量、其他地籍要素调查与测量；工程测量：城乡用地测量、市政工程测量")
    '地籍测绘：界址测量、其他地籍要素调查与测量；工程测量：城乡用地测量、市政工程测量'
    >>> fix_ocr_separators("销售医疗器械Ⅲ、Ⅱ类：手术室、急救室、诊疗室设备及器具；Ⅱ类：病房护理设备")
    '销售医疗器械Ⅲ、Ⅱ类：手术室、急救室、诊疗室设备及器具；Ⅱ类：病房护理设备'
    """
    out = []
    last = 0
    for m in _COLON_RE.finditer(text):
        before = text[last : m.start()]
        seg = _segment(before)
        after = re.split(r"[；;。]", text[m.end() :], maxsplit=1)[0]
        keep = _is_heading(seg) or _in_web_address(text, before, m.end()) or _introduces_list(seg, after)
        out.append(before)
        out.append("：" if keep else "；")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _segment(before: str) -> str:
    """The words a colon follows, from the last separator or bracket; a bracket the item itself
    opened (「水产加工品（干制水产品）生产」) is part of the item, not a boundary.

    >>> _segment("技术服务；批发、零售"), _segment("水产加工品（干制水产品）生产")
    ('批发、零售', '水产加工品（干制水产品）生产')
    >>> _segment("（依法须经批准的项目，经相关部门批准后方可开展经营活动）一般项目")
    '一般项目'
    """
    start = max((x.end() for x in _SEG_START_RE.finditer(before)), default=0)
    if start and before[start - 1] in "）)":
        item = max((x.end() for x in re.finditer(r"[；;。，,：:]", before[: start - 1])), default=0)
        if re.search(r"[（(]", before[item : start - 1]):
            return before[item:]
    return before[start:]


# a standard list's heading (the 2021 catalogue of business-scope wording): its items are
# joined by 「；」 only; the registration clause or another heading ends the list
_STANDARD_HEADING_RE = re.compile(r"(?:一般|许可)项目：")
_LIST_END_RE = re.compile(r"(?:一般|许可)项目：|[（(]除?依法须经")


def fix_list_commas(text: str) -> str:
    """Items of a standard list (after 「一般项目：」 / 「许可项目：」) are joined by 「；」: where the
    list has two or more of them, a 「，」 between its items (outside brackets) is a misread
    「；」 of small print. A list written with commas throughout (older wording under the new
    heading) keeps them.

    >>> fix_list_commas("一般项目：体育用品及器材批发，体育用品零售；服装服饰批发；鞋帽批发，鞋帽零售（不含A，B）")
    '一般项目：体育用品及器材批发；体育用品零售；服装服饰批发；鞋帽批发；鞋帽零售（不含A，B）'
    >>> fix_list_commas("一般项目：技术开发、技术咨询，货物或技术进出口，企业管理咨询；设计、制作各类广告")
    '一般项目：技术开发、技术咨询，货物或技术进出口，企业管理咨询；设计、制作各类广告'
    >>> fix_list_commas("软件开发；技术服务，网络工程；系统集成")   # no standard heading
    '软件开发；技术服务，网络工程；系统集成'
    """
    out = list(text)
    for m in _STANDARD_HEADING_RE.finditer(text):
        end = _LIST_END_RE.search(text, m.end())
        stop = end.start() if end else len(text)
        depth, top_commas, semis = 0, [], 0
        for i in range(m.end(), stop):
            ch = text[i]
            if ch in "（(【":
                depth += 1
            elif ch in "）)】":
                depth = max(0, depth - 1)
            elif depth == 0 and ch == "；":
                semis += 1
            elif depth == 0 and ch in "，,":
                top_commas.append(i)
        if semis >= 2:
            for i in top_commas:
                out[i] = "；"
    return "".join(out)


def _is_heading(segment: str) -> bool:
    """Whether the segment before a colon introduces a list: a project heading, or only
    activities (「批发、零售」); 「…、发布广告」 ends an item. Leading marks that are not
    Chinese (「***」 after a paragraph, the SCJDGL microprint) are not part of it.

    >>> _is_heading("生产、销售"), _is_heading("***一般项目"), _is_heading("无一般经营项目")
    (True, True, True)
    >>> _is_heading("，许可经营项目是")   # Shenzhen's wording
    True
    >>> _is_heading("医疗器械销售"), _is_heading("代理、发布广告")
    (False, False)
    """
    seg = re.sub(r"^[^\u4e00-\u9fa5]+", "", segment.strip())
    if seg in HEADINGS or _PROJECT_HEADING_RE.search(seg):
        return True
    return all(part in ACTIVITIES for part in re.split(r"[、和及与]", seg))


# short segments that introduce a list of what they cover (地籍测绘, 工程测量, 网上销售); an
# object's 销售 (「医疗器械销售」) is an item, its colon a misread 「；」
_LIST_ACTIVITIES = ("测绘", "测量", "网上销售", "互联网销售")


def _introduces_list(segment: str, after: str) -> bool:
    """Whether a colon introduces a list though the segment before it is no heading word: a
    short activity (「网上销售」, 「地籍测绘」) or a class (「Ⅱ类」) with items joined by 、 after
    it, up to the next ；.

    >>> _introduces_list("网上销售", "电子产品及配件、机器设备及配件"), _introduces_list("Ⅱ类", "病房护理设备及器具")
    (True, True)
    >>> _introduces_list("研发、销售、网上销售", "电子产品及配件、机器设备及配件")
    True
    >>> _introduces_list("医疗器械销售", "电子产品、仪器仪表"), _introduces_list("软件开发与技术咨询服务", "a、b")
    (False, False)
    >>> _introduces_list("网上销售", "食品（仅限于通过互联网从事经营活动）"), _introduces_list("网上销售", "电子产品销售")
    (True, False)

    Activities with a qualifier in brackets, or two printed as one word, before things:

    >>> _introduces_list("生产（非熔炼）销售", "炊事机械设备，涂装设备"), _introduces_list("生产销售", "防爆电器、防爆灯具")
    (True, True)
    >>> _introduces_list("销售代理", "计算机软硬件及辅助设备零售"), _introduces_list("汽车（不含小轿车）销售", "配件")
    (False, False)
    """
    seg = re.sub(r"^[^\u4e00-\u9fa5ⅠⅡⅢ]+", "", segment.strip())
    if re.search(r"[ⅠⅡⅢ]类$", seg):
        return True
    # what follows names things, not an item with its own activity (「网上销售：食品（仅限…）」;
    # 「网上销售：电子产品销售」 are two items, the colon a misread 「；」)
    first = re.split(r"[（(，,、]", after, maxsplit=1)[0]
    things = bool(first) and not first.endswith(tuple(ACTIVITIES) + _LIST_ACTIVITIES)
    parts = re.split(r"[、和及与]", seg)
    listed = any(p.endswith(_LIST_ACTIVITIES) and len(p) <= 8 for p in parts)
    if listed and all(p in ACTIVITIES or p.endswith(_LIST_ACTIVITIES) for p in parts):
        return "、" in after or things
    # activities with a qualifier in brackets, or two printed as one word (「生产（非熔炼）销售」)
    bare = re.sub(r"[（(][^（）()]{1,12}[)）]", "", seg)
    return things and all(_activities(part) for part in re.split(r"[、和及与]", bare))


def _activities(word: str) -> bool:
    """Whether a word is activities only: one, or two printed as one (「生产销售」).

    >>> _activities("生产销售"), _activities("销售"), _activities("医疗器械销售")
    (True, True, False)
    """
    return word in ACTIVITIES or any(
        word[:i] in ACTIVITIES and word[i:] in ACTIVITIES for i in range(2, len(word) - 1)
    )


def _in_web_address(text: str, before: str, after: int) -> bool:
    """A colon of a web address (「网址：http://…」) is printed as a colon.

    >>> _in_web_address("网址：http://a.cn", "网址", 3), _in_web_address("网址：http://a.cn", "网址：http", 8)
    (True, True)
    """
    return before.endswith(("网址", "http", "https", "HTTP")) or text[after : after + 2] == "//"


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


# The sentences every registry prints in the same words (the registration clauses and the
# standard reservations inside items); a glyph OCR misread, lost or added in one of them
# (「其体经营项日」, 「经相关门批准」) is restored from the wording. Longest first: one clause
# may start another.
CLAUSES = tuple(
    sorted(
        (
            "依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准",
            "依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准",
            "依法须经批准的项目，经相关部门批准后方可开展经营活动",
            "依法须经批准的项目，经相关部门批准后依批准的内容开展经营活动",
            "除依法须经批准的项目外，凭营业执照依法自主开展经营活动",
            "仅限于通过互联网从事经营活动",
            "国家禁止或涉及行政审批的货物和技术进出口除外",
            "企业依法自主选择经营项目，开展经营活动",
            "不得从事本市产业政策禁止和限制类项目的经营活动",
            "除销售需要许可的商品",
            "不含许可类信息咨询服务",
        ),
        key=len,
        reverse=True,
    )
)
# wordings some registries print instead of a clause above (「依法需经批准的项目，需经相关部门…」):
# read exactly, they stay as read (one or two glyphs from a clause, they would be taken for it)
VARIANTS = ("依法需经批准的项目，需经相关部门批准后方可开展经营活动",)
_CLAUSE_PUNCT = "，,、。.；;：:"
_PUNCT_MARK = "\x00"
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]*$")


def _edit_budget(n: int) -> int:
    """Glyph edits allowed in a clause of ``n`` glyphs: one per 12 glyphs, at most two."""
    return min(2, max(1, n // 12))


def _keyed(text: str) -> str:
    return "".join(_PUNCT_MARK if c in _CLAUSE_PUNCT else c for c in text)


_KEYED = tuple((c, _keyed(c)) for c in CLAUSES)


def _restored(read: str, read_keyed: str, clause: str, keyed: str) -> tuple[int, str] | None:
    """``read`` written as ``clause`` when they differ by glyphs only (within the budget, at
    most one glyph lost or added, every glyph changed a Chinese character), with the number
    of edits; punctuation, which must stand where the clause has it, stays as read.
    ``read_keyed`` and ``keyed``: both with their punctuation marked (:func:`_keyed`)."""
    budget = _edit_budget(len(clause))
    edits = Levenshtein.distance(read_keyed, keyed, score_cutoff=budget)
    if edits > budget:
        return None
    out, indels = [], 0
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(read_keyed, keyed):
        if tag == "equal":
            out.append(read[i1:i2])
            continue
        if not (_CJK_RE.match(read_keyed[i1:i2]) and _CJK_RE.match(keyed[j1:j2])):
            return None
        indels += abs((i2 - i1) - (j2 - j1))
        out.append(clause[j1:j2])
    return (edits, "".join(out)) if indels <= 1 else None


def restore_clause_glyphs(text: str) -> str:
    """Glyphs of a standard clause that OCR misread, lost or added (one per 12 glyphs, at most
    two in one clause, at most one lost or added) are restored from its fixed wording;
    punctuation stays as read.

    >>> restore_clause_glyphs("软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动，其体经营项日以审批结果为准）")
    '软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以审批结果为准）'
    >>> restore_clause_glyphs("进出口贸易（依法须经批准的项目，经相关门批准后方可开展经营活动）")  # 部 lost
    '进出口贸易（依法须经批准的项目，经相关部门批准后方可开展经营活动）'
    >>> restore_clause_glyphs("服饰（仅败于通过互联网从事经营活动）")
    '服饰（仅限于通过互联网从事经营活动）'
    >>> restore_clause_glyphs("（除依法须经批准的项目外,凭营业执照依法自主开展经营活动）")  # as read
    '（除依法须经批准的项目外,凭营业执照依法自主开展经营活动）'
    >>> restore_clause_glyphs("经相关部门批准后方可开展生产活动")  # no clause: three glyphs differ
    '经相关部门批准后方可开展生产活动'
    >>> restore_clause_glyphs("（依法须经批准的项目，经相关部门批准后方可开展经营活动）")  # the bracket stays
    '（依法须经批准的项目，经相关部门批准后方可开展经营活动）'
    >>> restore_clause_glyphs("土地评估（以上项目依法需经批准的项目，需经相关部门批准后方可开展经营活动）")  # a variant
    '土地评估（以上项目依法需经批准的项目，需经相关部门批准后方可开展经营活动）'
    """
    keyed_text = _keyed(text)
    found: dict[int, tuple[int, str]] = {}  # start → (end, restored)
    taken = [False] * len(text)
    for variant in VARIANTS:
        for m in re.finditer(re.escape(_keyed(variant)), keyed_text):
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    for clause, keyed in _KEYED:
        segments = [(0, len(text))]
        while segments:
            lo, hi = segments.pop()
            hit = _clause_in(text, keyed_text, clause, keyed, lo, hi, taken)
            if hit is None:
                continue
            s0, s1, restored, (a0, a1) = hit
            if restored is not None:
                found[s0] = (s1, restored)
                taken[s0:s1] = [True] * (s1 - s0)
            segments += [(lo, a0), (a1, hi)]
    out, i = [], 0
    for s0 in sorted(found):
        s1, restored = found[s0]
        out += [text[i:s0], restored]
        i = s1
    return "".join(out) + text[i:]


def _clause_in(
    text: str, keyed_text: str, clause: str, keyed: str, lo: int, hi: int, taken: list[bool]
) -> tuple[int, int, str | None, tuple[int, int]] | None:
    """The best place of ``clause`` in ``text[lo:hi]`` (start, end, the read restored or
    None when it is too far from the wording, the aligned region), or None when nothing there
    resembles it. Windows one glyph wider or narrower are tried; the closest wins."""
    n = len(clause)
    if hi - lo < n - 1:
        return None
    hit = fuzz.partial_ratio_alignment(keyed, keyed_text[lo:hi], score_cutoff=80)
    if hit is None:
        return None
    a0, a1 = lo + hit.dest_start, lo + hit.dest_end
    best = None  # (edits, width differs, start, end, restored)
    for start in (a0 - 1, a0, a0 + 1):
        for m in (n, n - 1, n + 1):
            if start < lo or start + m > hi or any(taken[start : start + m]):
                continue
            got = _restored(text[start : start + m], keyed_text[start : start + m], clause, keyed)
            if got is None:
                continue
            cand = (got[0], m != n, start, start + m, got[1])
            if best is None or cand[:3] < best[:3]:
                best = cand
    if best is None:
        return a0, a1, None, (a0, max(a1, a0 + 1))
    return best[2], best[3], best[4], (best[2], best[3])


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
_LATIN_RUN_RE = re.compile(r"(?<=[\u4e00-\u9fff、，；。）)])[A-Z]{4,}(?=[\u4e00-\u9fff、，；。（(]|$)")


def drop_microprint(text: str) -> str:
    """Drop a run of the licence's 「SCJDGL」 background microprint read between CJK glyphs
    (other Latin words of a scope, such as LED or PK8000, stay).

    >>> drop_microprint("配电自动化站所终端产SCJDGL品、配电变压器")
    '配电自动化站所终端产品、配电变压器'
    >>> drop_microprint("LED显示屏、ERPS软件销售")
    'LED显示屏、ERPS软件销售'
    >>> drop_microprint("上海市闵行区庙泾路66号M356室SCJDGL")   # at the end of an address too
    '上海市闵行区庙泾路66号M356室'
    >>> drop_microprint("依法自主开展经营活动）SCJDGL许可项目：第二类增值电信业务")   # after a bracket
    '依法自主开展经营活动）许可项目：第二类增值电信业务'
    """
    return _LATIN_RUN_RE.sub(lambda m: "" if m.group(0) in _MICROPRINT else m.group(0), text)


_PAIRS = {"（": "）", "(": ")"}
# 「》」 where a round bracket closes (a curved ）read as 》): no 《 is open in a scope
_WIDTH = {")": "）", "）": ")", "》": ")"}


def match_bracket_widths(text: str) -> str:
    """A closing bracket takes the width of the bracket it closes: OCR tells 「）」 from 「)」
    by a few pixels of white space and often mixes them within one pair.

    >>> match_bracket_widths("多媒体教学器材的销售（依法须经批准的项目，经相关部门批准后方可开展经营活动)")
    '多媒体教学器材的销售（依法须经批准的项目，经相关部门批准后方可开展经营活动）'
    >>> match_bracket_widths("字复印(不含出版物)；室内（装修）")
    '字复印(不含出版物)；室内（装修）'
    >>> match_bracket_widths("（依法须经批准的项目，经相关部门批准后方可开展经营活动》"), match_bracket_widths("《食品经营许可证》")
    ('（依法须经批准的项目，经相关部门批准后方可开展经营活动）', '《食品经营许可证》')
    """
    out = list(text)
    stack: list[str] = []
    for i, c in enumerate(text):
        if c in _PAIRS or c == "《":
            stack.append(c)
        elif c == "》" and stack and stack[-1] == "《":
            stack.pop()
        elif c in _WIDTH and stack and stack[-1] in _PAIRS:
            want = _PAIRS[stack.pop()]
            if c != want:
                out[i] = want
    return "".join(out)


# Glyphs OCR takes for one another in small print (one stroke more or less), and words of
# business scopes they turn up in. A window that is no scope word and becomes one when one
# such glyph is swapped for its look-alike is restored: 「日用自货」 → 日用百货.
CONFUSABLE = {
    "日": "目", "目": "日", "自": "百", "百": "自", "淘": "询", "属": "屋", "其": "具",
    "根": "报", "解": "鲜", "几": "儿", "终": "经", "合": "台", "支": "技",
}  # fmt: skip
SCOPE_WORDS = frozenset(
    """
    项目 一般项目 许可项目 经营项目 具体经营项目 日用百货 日用品 日用杂品 百货 技术咨询 信息咨询
    咨询服务 企业管理咨询 工程咨询 房屋租赁 房屋建筑 房屋建筑工程 出具 审计报告 验资报告 新鲜蔬菜
    新鲜水果 生鲜 鲜肉 机械设备 电子产品 化妆品 五金交电 装饰材料 家用电器 电视台 广播电台
    办公用品 文化用品 体育用品 服装鞋帽 建筑材料 农副产品 食品经营 货物进出口 技术进出口 经营活动
    经批准 自主开展 依法自主开展 计算机 儿童用品 卫生用品 日化用品 百货零售 纺织品 针纺织品
    技术服务 技术开发 技术转让 技术推广 技术交流
    """.split()
)


_WORD_LENGTHS = sorted({len(w) for w in SCOPE_WORDS}, reverse=True)


def fix_confusable_glyphs(text: str) -> str:
    """Restore a glyph OCR confused with its look-alike where the swap makes a scope word of
    a window that is none (only windows of the words' lengths, one swap each).

    >>> fix_confusable_glyphs("初级农产品、日用自货；全过程工程咨淘服务；房属租赁；项日管理")
    '初级农产品、日用百货；全过程工程咨询服务；房屋租赁；项目管理'
    >>> fix_confusable_glyphs("不得出其相应的审计根告")
    '不得出具相应的审计报告'
    >>> fix_confusable_glyphs("安装及支术服务")  # 技 without its hand radical
    '安装及技术服务'
    >>> fix_confusable_glyphs("日用百货；人力资源服务；自主开展经营活动")  # nothing to restore
    '日用百货；人力资源服务；自主开展经营活动'
    """
    out = list(text)
    for i, c in enumerate(text):
        alt = CONFUSABLE.get(c)
        if alt is None or any(_word_covers(text, i, n) for n in _WORD_LENGTHS):
            continue
        swapped = text[:i] + alt + text[i + 1 :]
        if any(_word_covers(swapped, i, n) for n in _WORD_LENGTHS):
            out[i] = alt
    return "".join(out)


def _word_covers(text: str, i: int, n: int) -> bool:
    """Whether a scope word of length ``n`` covers position ``i`` of ``text``."""
    return any(text[j : j + n] in SCOPE_WORDS for j in range(max(0, i - n + 1), min(i, len(text) - n) + 1))

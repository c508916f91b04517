"""联合体成员 (consortium members) on an application form.

The notice (一、(三) 典型应用场景) asks a technology provider to apply with the user of the
scenario as a consortium of at most three members, and 附件1 asks the form to list every
member. Forms write that list in many ways; all of them are handled by one chain of small
steps on the form's text stream (one line per printed line or table cell):

1. **anchors**: a line holding 联合体(成员)(单位), 成员单位, 牵头单位 or 协作单位;
2. **region**: the anchor's own line after the label, then the lines below it while they
   are list items, table cells of the member table (a role word, a name, a credit code, a
   column head) or names; the first other line (a new label, a sentence) ends it;
3. **names**: each piece of the region split at 、，；和及与 (and blanks between two names)
   is kept when it has the shape of an organisation name (an organisation suffix such as
   公司/医院/研究院, 4-40 characters) after its remark in brackets (（牵头单位）) is dropped;
   「由 A、B 和 C 组成」 works the same way.

The applicant counts as a member whether or not it is listed (``verifiers/scenario.py``).
"""

from __future__ import annotations

import re

import extractor.fields.layout as L
from extractor.fields.prose import Stream, field, nfkc
from models.contract import FieldValue

ANCHOR_RE = re.compile(
    r"联合体(?:成员|各方|组成)?(?:单位)?(?:名单|情况)?(?:包括|为|有|由|共\s*\d\s*家)?"
    r"|(?:牵头|成员|协作|参与)单位(?:名称)?"
)
ORG_END_RE = re.compile(
    r"(?:公司|研究院|研究所|中心|大学|学院|医院|集团|事务所|合作社|协会|银行|厂|局|院|所|学校|委员会)$"
)
# a remark in brackets after a name: （牵头单位）, (成员)
REMARK_RE = re.compile(r"[（(][^()（）]{1,10}[)）]$")
PARTNERSHIP_RE = re.compile(r"[（(](?:特殊普通合伙|普通合伙|有限合伙)[)）]$")
ITEM_NO_RE = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.．、]|[一二三四五六七八九十][、.．])\s*")
SPLIT_RE = re.compile(
    r"[、，,；;]|(?<=[司院所心学行厂局会团社校）)])\s*(?:和|及|与|以及|、)?\s+|(?:以及|和|及|与)"
)
# lines inside a member table that are neither names nor the end of the list
TABLE_WORD_RE = re.compile(
    r"^(?:序号|\d{1,2}|单位名称|名称|成员名称|角色|类型|分工|统一社会信用代码|信用代码|"
    r"(?:牵头|成员|协作|参与)单位|牵头方?|成员|协作方|[0-9A-Z]{18}|[-—/无]|备注)$"
)
# the sentence around the names: 「由」 before, 「组成/共同申报」 after
FRAME_RE = re.compile(
    r"^(?:由|包括|为|是|有)|(?:等?\s*(?:\d|[一二三四五])?\s*家?单位)?(?:组成|共同申报|联合申报)[^，,]*$"
)
MAX_REGION_LINES = 16
LEADING_ANCHOR_RE = re.compile(rf"^(?:{ANCHOR_RE.pattern})\s*[:：]?\s*")


def clean_member(piece: str) -> str | None:
    """One list piece → the member's name, or None when it is not shaped like one.

    >>> clean_member("1、泉州智造科技有限公司（牵头单位）")
    '泉州智造科技有限公司'
    >>> clean_member("由福建海创软件有限公司")
    '福建海创软件有限公司'
    >>> clean_member("联合体由泉州智造科技有限公司（牵头单位）")
    '泉州智造科技有限公司'
    >>> clean_member("晋江市第一医院组成")
    '晋江市第一医院'
    >>> clean_member("联合体成员数量不超过3家") is None
    True
    """
    s = nfkc(piece).strip().rstrip("。.;；")
    s = ITEM_NO_RE.sub("", s)
    s = re.sub(r"^[:：\s]+", "", s)
    s = LEADING_ANCHOR_RE.sub("", s)
    s = FRAME_RE.sub("", s).strip()
    while REMARK_RE.search(s) and not PARTNERSHIP_RE.search(s):
        s = REMARK_RE.sub("", s).rstrip()
    s = re.sub(r"\s+", "", s)
    if not (4 <= len(s) <= 40) or not ORG_END_RE.search(s) or re.search(r"[:：。，,]", s):
        return None
    if ANCHOR_RE.match(s) or s.startswith(("联合体", "申报", "本")):
        return None
    return s


def _names_in(text: str) -> list[tuple[str, int, int]]:
    """Member names in one line of text, with their (start, end) in it."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in [*SPLIT_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        name = clean_member(piece)
        if name:
            a = text.find(piece.strip(), pos)
            out.append((name, a, a + len(piece.strip())))
        pos = m.end() if m else len(text)
    return out


def _is_label_line(line: str) -> bool:
    """A line that starts another field (「项目名称：」, 「二、」), so the list has ended."""
    return bool(
        re.match(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[^\s:：]{2,12}[:：])", line)
    ) and not ANCHOR_RE.match(line.strip())


def extract_consortium(stream: Stream, out: dict[str, FieldValue]) -> None:
    text = stream.text
    seen: list[str] = []
    spans: list[L.Span] = []

    def add(line_start: int, line: str, offset: int = 0) -> int:
        found = 0
        for name, a, b in _names_in(line[offset:]):
            found += 1
            if name not in seen:
                seen.append(name)
                spans.append(stream.span(line_start + offset + a, line_start + offset + b))
        return found

    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append((pos, raw))
        pos += len(raw) + 1
    i = 0
    while i < len(lines):
        start, line = lines[i]
        m = ANCHOR_RE.search(line)
        # a mention inside a sentence of the notice's wording (「联合体成员数量不超过3家」) has
        # no names; only anchors that lead a list count
        if not m or re.search(r"不超过|不得|应当|须|要求|如有|若", line[m.end() : m.end() + 12]):
            i += 1
            continue
        stop = line.find("。", m.end())
        add(start, line[: stop if stop >= 0 else len(line)], m.end())
        if stop >= 0 and line[stop + 1 :].strip():
            i += 1  # the list ended inside its sentence
            continue
        j = i + 1
        while j < len(lines) and j <= i + MAX_REGION_LINES:
            s2, l2 = lines[j]
            bare = nfkc(l2).strip()
            if not bare:
                j += 1
                continue
            if TABLE_WORD_RE.match(re.sub(r"\s+", "", bare)):
                j += 1
                continue
            m2 = ANCHOR_RE.match(bare)
            if m2:
                add(s2, l2, l2.find(m2.group(0)) + len(m2.group(0)))
                j += 1
                continue
            if _is_label_line(bare) and not ITEM_NO_RE.match(bare):
                break
            if not add(s2, l2):
                break
            j += 1
        i = max(j, i + 1)
    if seen:
        out["consortium_members"] = field(seen, spans)

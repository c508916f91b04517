"""What an annual report says of its audit outside the auditor's report: the summary table of a
NEEQ/北交所 report (审计机构名称 / 审计报告日期) and the 重要提示 sentence naming the firm and its
opinion (「…会计师事务所（特殊普通合伙）为本公司出具了标准无保留意见的审计报告」)."""

from __future__ import annotations

import re

from extractor.fields.contract_text import Doc
from extractor.fields.parties import clean_org as _clean_org
from extractor.fields.prose import field
from extractor.normalize import find_dates, normalize_name
from models.contract import FieldValue

# an annual report's summary of its audit (a NEEQ/北交所 report's table: 审计报告编号 / 审计机构名称 /
# 审计报告日期, each label over or beside its value)
_SUMMARY_FIRM_RE = re.compile(
    r"审计机构名称\s*[:：]?\s*(?P<v>[\u4e00-\u9fff（）()]{2,30}?会计师事务所"
    r"(?:\s*[（(]\s*(?:特殊)?\s*普通合伙\s*[)）]|有限(?:责任)?公司)?)"
)
_SUMMARY_DATE_RE = re.compile(r"审计报告日期\s*[:：]?\s*(?P<v>[^\n]{6,20})")


def _audit_summary(doc: Doc, out: dict[str, FieldValue]) -> None:
    """The firm and the report's date as an annual report's audit summary labels them
    (「审计机构名称 天职国际会计师事务所（特殊普通合伙）」, 「审计报告日期 2023 年4 月16 日」):
    what the firm itself printed, ahead of the dates and names the statements' pages quote."""
    text = doc.stream.text
    m = _SUMMARY_FIRM_RE.search(text)
    if m:
        firm = normalize_name(re.sub(r"\s+", "", m.group("v")))
        out["audit_firm"] = field(firm, doc.stream.span(m.start("v"), m.end("v")))
    m = _SUMMARY_DATE_RE.search(text)
    found = find_dates(m.group("v")) if m else []
    if m and found:
        d, ds, de = found[0]
        out["report_date"] = field(d, doc.stream.span(m.start("v") + ds, m.start("v") + de))


_ISSUED_RE = re.compile(
    r"(?P<firm>[\u4e00-\u9fff]{2,20}会计师事务所(?:[（(](?:特殊)?普通合伙[)）]|有限(?:责任)?公司)?)\s*"
    r"(?:为本公司|为公司|对本公司[^。]{0,30})?\s*出具了?\s*(?:了)?\s*"
    r"(?P<op>标准无保留|带强调事项段的无保留|无保留|保留|否定|无法表示)\s*意见的?审计报告"
)


def _issued_statement(doc: Doc, out: dict[str, FieldValue]) -> None:
    """「天职国际会计师事务所（特殊普通合伙）为本公司出具了标准无保留意见的审计报告」 (an
    annual report's 重要提示, a board's statement): the firm and the opinion in one sentence.

    >>> m = _ISSUED_RE.search("三、天职国际会计师事务所（特殊普通合伙）为本公司出具了标准无保留意见的审计报告。")
    >>> m.group("firm"), m.group("op")
    ('天职国际会计师事务所（特殊普通合伙）', '标准无保留')
    """
    text = doc.stream.text
    m = _ISSUED_RE.search(text)
    if not m:
        return
    firm = _clean_org(m.group("firm"))
    if re.match(r"^(?:本|贵|该|其|此|上述)", firm):
        return
    op = m.group("op")
    value = "标准无保留意见" if op in ("标准无保留", "无保留") else f"{op}意见"
    if "audit_firm" not in out:
        out["audit_firm"] = field(firm, doc.stream.span(m.start("firm"), m.end("firm")), 0.1)
    if "opinion" not in out:
        out["opinion"] = field(value, doc.stream.span(m.start("op"), m.end("op")), 0.1)

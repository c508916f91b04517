"""审计报告 (and the 财务报表 that follow it) fields.

Keys: audited_entity, fiscal_year, audit_firm, report_no, report_date, opinion, revenue,
net_profit, total_assets, rd_expense.

The report part (before the first statement title) gives the entity (``我们审计了XX
有限公司（以下简称…）财务报表`` — the entity layer delimits the name — or the addressee
``XX有限公司全体股东：`` or ``被审计单位：``), the year (``2023年12月31日的资产负债表``,
``2023年度``), the firm (an ORG ending in 会计师事务所…, preferably the signature line),
the report number (``闽华审字[2024]第0123号``, brackets kept as printed after NFKC), the
date after the signatures and the opinion:

- 无法表示意见: "无法表示意见" / "我们不对…发表审计意见"
- 否定意见: "否定意见"
- 保留意见: "保留意见" (not inside 无保留/非无保留) or "除…的影响外"
- 带强调事项段的无保留意见: "强调事项" with an unmodified opinion
- 标准无保留意见: "标准无保留意见", or "在所有重大方面…公允反映" without any modification
  (the canonical values are 标准无保留意见 / 带强调事项段的无保留意见 / 保留意见 / 否定意见 /
  无法表示意见)

Statement rows (营业收入/营业总收入, 净利润, 资产总计, 研发费用) take the current-year
column: the column order comes from the nearest header above (本期金额/本年数/期末余额…
vs 上期金额/上年数/年初余额…; 本月数 is skipped); a 行次 column and note references are
ignored. A row may be one line (``营业收入 1 12,345,678.90 10,234,567.00``), a label line
with number lines to its right (positions decide the column), or DOCX cells. Amounts in
万元 statements (``单位：万元``) are converted to yuan; ``-``/``—`` reads as 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import extractor.fields.layout as L
from extractor.entities import find_entities
from extractor.fields.audit_annual import _audit_summary, _issued_statement
from extractor.fields.contract_text import Doc
from extractor.fields.parties import clean_org as _clean_org
from extractor.fields.parties import org_shape
from extractor.fields.prose import extend_legal_form, field, legal_form_after, nfkc
from extractor.normalize import find_dates, normalize_name, round_money
from models.contract import FieldValue
from models.page import Line, Page

# ----------------------------------------------------------------- report part

_STATEMENT_TITLE_RE = re.compile(
    r"^(?:合并及?(?:母)?公司|综合)?(?:合并|母公司)?"
    r"(?:资产负债表|利润表|损益表|现金流量表|损益及其他全面收益表|全面收益表|财务状况表)$"
)


def _is_statement_title(text: str) -> bool:
    """「合并资产负债表」, 「1、合并资产负债表」, 「附：利润表」.

    A Hong Kong report's 「综合损益及其他全面收益表」 and 「综合财务状况表」 are titles too.

    >>> _is_statement_title("1、合并资产负债表"), _is_statement_title("资产负债表日后事项")
    (True, False)
    >>> _is_statement_title("综合损益及其他全面收益表"), _is_statement_title("综合财务状况表")
    (True, True)
    """
    t = re.sub(r"^(?:附件?[:：]?)?(?:[一二三四五六七八九十\d]+[、.．]\s*)?", "", L.norm(text))
    return len(t) <= 16 and bool(_STATEMENT_TITLE_RE.match(t))


def _statement_start(doc: Doc) -> int:
    return next((k for k, r in enumerate(doc.refs) if _is_statement_title(r.line.text)), len(doc.refs))


# 「我们审计了」; a Hong Kong report (read in its simplified view) says 「吾等已审计载于…」
_OPENING_RE = re.compile(r"我们(?:接受委托，?)?审计了|吾等已审计")
_REPORT_HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十\d]+[、.．]\s*)?(?:审计报告(?:正文)?|(?:独立)?(?:核数师|审计师)报告)$"
)


def _report_window(doc: Doc) -> tuple[int, int]:
    """(first, end) refs of the auditor's report.

    A standalone report runs from the start to the first statement title. Inside a longer
    document (an annual report's 财务报告 section, 100+ pages of other figures, dates and
    document numbers), the report is found by its opening sentence 「我们审计了…」: it starts at
    the earliest 审计报告 heading within 40 lines above that sentence (the section heading and
    the report number sit there) and ends at the first statement title after it.
    """
    first_statement = _statement_start(doc)
    anchor = next((k for k, r in enumerate(doc.refs) if _OPENING_RE.search(L.norm(r.line.text))), None)
    if anchor is None or (anchor < 80 and anchor < first_statement):
        return 0, first_statement
    heads = [
        k
        for k in range(max(0, anchor - 40), anchor)
        if _REPORT_HEADING_RE.match(L.norm(doc.refs[k].line.text))
    ]
    start = heads[0] if heads else max(0, anchor - 15)
    end = next(
        (k for k in range(anchor, len(doc.refs)) if _is_statement_title(doc.refs[k].line.text)), len(doc.refs)
    )
    return start, end


def _report_text(doc: Doc, start_k: int, end_k: int) -> str:
    """The stream's text with everything outside the report blanked (offsets kept)."""
    text = doc.stream.text
    start = doc.stream.starts[start_k] if start_k < len(doc.refs) else len(text)
    end = doc.stream.starts[end_k] if end_k < len(doc.refs) else len(text)
    return "\n" * start + text[start:end] + "\n" * (len(text) - end)


_AUDITED_RE = re.compile(
    r"(?:审计|审验|审阅)了(?:后附的|后附|所附的?)?(?P<v>[^，,。；;]{4,80}?)"
    r"(?:[（(]以下简称|的?(?:\d{4}年度?)?(?:合并及(?:母)?公司|合并|母公司)?(?:财务报表|会计报表|注册资本|实收资本)|截至)"
)
_ADDRESSEE_RE = re.compile(
    r"(?:^|\n)[ \t\u3000]*(?P<v>[^\n:：，。]{4,40}?)(?:全体股东|董事会|股东会|全体出资人)[ \t\u3000]*[:：]"
    r"|(?:^|\n)[ \t\u3000]*(?P<v2>[^\n:：，。]{4,40}?(?:公司|中心|研究院|合作社))[ \t\u3000]*[:：][ \t\u3000]*(?=\n)"
    # a Hong Kong report's addressee line: 「致XX股份有限公司股东」
    r"|(?:^|\n)[ \t\u3000]*致[ \t\u3000]*(?P<v3>[^\n:：，。]{4,40}?)(?:全体)?(?:股东|董事会)[ \t\u3000]*[:：]?[ \t\u3000]*(?=\n)"
)
_ENTITY_LABELS = ["被审计单位", "被审验单位", "编制单位", "单位名称"]


def _audited_entity(doc: Doc, text: str, out: dict[str, FieldValue]) -> None:
    for rx in (_AUDITED_RE, _ADDRESSEE_RE):
        for m in rx.finditer(text):
            g = next(g for g in ("v", "v2", "v3") if m.group(g))
            seg = m.group(g)
            orgs = [e for e in find_entities(seg) if e.label == "ORG"]
            if orgs:
                e = orgs[0]
                end = e.end + legal_form_after(seg[e.start : e.end], seg[e.end :])
                s, t_end = m.start(g) + e.start, m.start(g) + end
                name = _clean_org(seg[e.start : end])
            else:
                name = _clean_org(seg)
                s, t_end = m.start(g), m.end(g)
                if not re.search(r"(?:公司|企业|中心|研究院|合作社|厂|集团)$", name):
                    continue
            if len(name) >= 4:
                out["audited_entity"] = field(name, doc.stream.span(s, t_end))
                return
    # a labelled name (被审计单位, 单位名称 on a cover): one with an organisation's suffix wins;
    # a name cut at the line's end is continued on the row below (「…公益服 / 务中心」)
    found: list[tuple[str, L.Span]] = []
    for lab in _ENTITY_LABELS:
        for sp in L.find_values(
            doc.pages, [lab], validate=lambda t: len(normalize_name(t)) >= 4, stop=["单位：", "单位:", "日期"]
        ):
            name = _clean_org(sp.match)
            if org_shape(name) < 2 and sp.how == "same_line":
                longer = L.extend_below(sp, doc.pages, max_rows=1)
                if longer is not sp and org_shape(_clean_org(longer.text)) == 2:
                    name, sp = _clean_org(longer.text), longer
            found.append((name, sp))
    if found:
        name, sp = next((f for f in found if org_shape(f[0]) == 2), found[0])
        out["audited_entity"] = field(name, sp)


_YEAR_PATTERNS = [
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日的?(?:合并及(?:母)?公司|合并|母公司)?资产负债表"
    ),
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*年度的?(?:合并及(?:母)?公司|合并|母公司)?(?:利润表|损益表|现金流量表|财务报表|会计报表)"
    ),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度(?:审计报告|财务报告|财务报表)"),
    re.compile(r"截至\s*(?P<y>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年度"),
]


def _fiscal_year(doc: Doc, report: str, out: dict[str, FieldValue]) -> None:
    """The year the report covers: from the report's own text first, then the whole document."""
    for text in (report, doc.stream.text):
        for rx in _YEAR_PATTERNS:
            m = rx.search(text)
            if m:
                out["fiscal_year"] = field(int(m.group("y")), doc.stream.span(m.start(), m.end()))
                return


# a firm's partnership form after its name with the opening bracket lost by OCR
_FORM_WITHOUT_OPENING_RE = re.compile(r"\s*(?P<form>(?:特殊)?普通合伙)[)）]")


def _audit_firm(doc: Doc, start_k: int, end_k: int, out: dict[str, FieldValue]) -> None:
    """The firm: an ORG with 会计师事务所, preferably a line of its own (the signature),
    the last such line of the report part."""
    cands: list[tuple[bool, int, str, L.Span]] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        if "事务所" not in t:
            continue
        for e in find_entities(t):
            if e.label != "ORG" or "会计师事务所" not in e.text:
                continue
            # the entity layer may stop at 事务所: keep the legal form printed after it
            end = extend_legal_form(t, e.end)
            name = _clean_org(t[e.start : end])
            lost = _FORM_WITHOUT_OPENING_RE.match(t, end)
            if lost:
                # OCR lost the bracket before the partnership form (「事务所普通合伙）」)
                name, end = _clean_org(f"{name}({lost.group('form')})"), lost.end()
            if re.match(r"^(?:本|贵|该|其|此|上述|审计期间|改聘|聘任|聘请|续聘|变更)|注册会计师", name):
                continue  # "本会计师事务所", "注册会计师及本会计师事务所"
            if (
                re.match(r"^[（(][一二三四五六七八九十\d]{1,3}[)）]|^[一二三四五六七八九十]{1,3}、", name)
                or "载有" in name
            ):
                continue  # an item of a list of documents: 「（二）载有会计师事务所盖章…的审计报告原件」
            alone = len(L.norm(t)) <= len(L.norm(t[e.start : end])) + 6  # the signature line
            span = L.Span(t[e.start : end], [r], e.start, end)
            if alone and not _WITH_FORM_RE.search(name) and r.line.bbox is not None:
                # the signature's legal form on the line below: 「致同会计师事务所」/「（特殊普通合伙）」
                under = L.below(r, doc.refs, max_lines=1.5)[:1]
                if under and re.fullmatch(r"\s*[（(](?:特殊)?普通合伙[)）]\s*", under[0].line.text):
                    name = _clean_org(name + under[0].line.text.strip())
                    span = L.Span(name, [r, under[0]])
            cands.append((alone, k, name, span))
    if not cands:
        # a signature line cut by the seal: "湖北中武会计师事务" (所 hidden)
        for r in doc.refs[start_k:end_k]:
            m = re.fullmatch(r"\s*(?P<v>[\u4e00-\u9fff]{2,12}会计师事务)所?\s*", r.line.text)
            if m and not re.match(r"^(?:本|贵|该)|注册", m.group("v")):
                sp = L.Span(m.group("v"), [r], m.start("v"), m.end("v"))
                out["audit_firm"] = field(normalize_name(m.group("v")) + "所", sp, 0.3)
                return
        return
    in_report = [c for c in cands if start_k <= c[1] < end_k] or cands
    alone = [c for c in in_report if c[0]]
    best = alone[-1] if alone else in_report[0]
    # a signature without the firm's legal form, which the document prints elsewhere with it
    # (the annual report's 重要提示: 「天职国际会计师事务所（特殊普通合伙）为本公司出具…」)
    formed = [c for c in cands if c[2].startswith(best[2]) and _FIRM_FORM_RE.fullmatch(c[2][len(best[2]) :])]
    if formed and not _WITH_FORM_RE.search(best[2]):
        best = formed[0]
    out["audit_firm"] = field(best[2], best[3])


_FIRM_FORM_RE = re.compile(r"[(（](?:特殊)?普通合伙[)）]")
# a firm's name that ends with its legal form (…（特殊普通合伙）, …有限公司)
_WITH_FORM_RE = re.compile(r"合伙[)）]?$|公司$")


_REPORT_NO_RE = re.compile(
    r"(?P<v>(?:[\u4e00-\u9fffA-Za-z]{1,10}字|[\u4e00-\u9fff]{2,6})\s*[\[［〔【(（]\s*(?:19|20)\d{2}\s*[\]］〕】)）]"
    r"\s*第?\s*[A-Za-z0-9\-－—_]{1,20}\s*号"
    # the year before the series (安永华明(2024)审字第70012345_A01号)
    r"|[\u4e00-\u9fff]{2,8}\s*[(（]\s*(?:19|20)\d{2}\s*[)）]\s*[\u4e00-\u9fff]{1,3}字\s*第?\s*[A-Za-z0-9\-_]{4,20}\s*号"
    # the kind in brackets and a two-digit year (德师报(审)字(24)第P01234号)
    r"|[\u4e00-\u9fff]{2,6}\s*[(（]\s*审\s*[)）]\s*字\s*[(（]\s*\d{2}\s*[)）]\s*第?\s*[A-Za-z0-9\-_]{4,20}\s*号"
    # no year at all (毕马威华振审字第2400123号)
    r"|[\u4e00-\u9fff]{2,10}审字\s*第\s*[A-Za-z0-9\-_]{4,20}\s*号"
    # a firm's code and year, no 号 (信永中和: XYZH/2024BJAA1B0123)
    r"|XYZH\s*/\s*(?:19|20)\d{2}[A-Z0-9]{4,12})"
)


# prefixes of official documents' numbers (a general office's 厅字, a State Council's 国发, an
# exchange's 深证上, the finance ministry's 财会): an annual report quotes them
_OFFICIAL_PREFIX_RE = re.compile(r"(?:厅|办|委|部)字$|发$|函$|证上$|^财会$")


def _report_no(doc: Doc, text: str, out: dict[str, FieldValue]) -> None:
    """The report number an accounting firm gives its report (天职业字[2020]12328号,
    众环审字(2020)710008号): a number whose prefix names an audit (审) or a firm's series (…字)
    beats other document numbers a report quotes (深证上〔2018〕600号, 财会[2019]6号).

    The large firms' own series are numbers too:

    >>> [m.group("v") for m in _REPORT_NO_RE.finditer(
    ...     "安永华明(2024)审字第70012345_A01号 德师报(审)字(24)第P01234号 毕马威华振审字第2400123号 "
    ...     "XYZH/2024BJAA1B0123 普华永道中天审字(2024)第10012号")]
    ['安永华明(2024)审字第70012345_A01号', '德师报(审)字(24)第P01234号', '毕马威华振审字第2400123号', 'XYZH/2024BJAA1B0123', '普华永道中天审字(2024)第10012号']

    An official document an annual report quotes is no report's number:

    >>> out = {}
    >>> _report_no(None, "按照《关于…的意见》（厅字〔2017〕42号）", out)
    >>> out
    {}
    """
    found = []
    for m in _REPORT_NO_RE.finditer(text):
        v = re.sub(r"^(?:报告编号|报告文号|文号|编号|报告号|本报告)", "", m.group("v"))
        v = re.sub(r"\s+", "", nfkc(v))
        if len(v) >= 6:
            prefix = re.split(r"[\[［〔【(（]", v, maxsplit=1)[0]
            if _OFFICIAL_PREFIX_RE.search(prefix):
                continue  # an official document the report quotes (厅字〔2017〕42号), no report's
            rank = 0 if "审" in prefix or v.startswith("XYZH") else (1 if prefix.endswith("字") else 2)
            found.append((rank, m.start(), v, m))
    if found:
        _rank, _pos, v, m = min(found, key=lambda x: (x[0], x[1]))
        out["report_no"] = field(v, doc.stream.span(m.start("v"), m.end("v")))


def _report_date(doc: Doc, start_k: int, end_k: int, out: dict[str, FieldValue]) -> None:
    sig = None
    for k in range(min(end_k, len(doc.refs)) - 1, start_k - 1, -1):
        if re.search(r"中国注册会计师|注册会计师[:：]|会计师事务所", doc.refs[k].line.text):
            sig = k
            break
    ranges = []
    if sig is not None:
        ranges.append(range(max(start_k, sig - 6), min(len(doc.refs), sig + 10)))
    ranges.append(range(min(end_k, len(doc.refs)) - 1, start_k - 1, -1))
    for rg in ranges:
        for k in rg:
            r = doc.refs[k]
            found = find_dates(r.line.text)
            if not found:
                continue
            d, s, e = found[-1]
            rest = L.norm(r.line.text[:s] + r.line.text[e:])
            if len(rest) <= 8 or re.fullmatch(r"(?:中国\W?\w{2,4}|报告日期:?|日期:?)", rest):
                out["report_date"] = field(d, L.Span(r.line.text[s:e], [r], s, e))
                return


# an option left unticked in a form's list (an annual report's 「审计报告中的特别段落 √无 □强调事项段
# □其他事项段 …」): what it names is not in the report
_UNTICKED_RE = re.compile(r"[□☐][\u4e00-\u9fff、]{2,40}?(?:段落?|意见|说明)")


def without_unticked(t: str) -> str:
    """The text without the options a form's list leaves unticked.

    >>> without_unticked("审计报告中的特别段落√无□强调事项段□其他事项段□持续经营重大不确定性段落审计报告编号")
    '审计报告中的特别段落√无审计报告编号'
    >>> without_unticked("审计报告中的特别段落□无√强调事项段")
    '审计报告中的特别段落□无√强调事项段'
    """
    return _UNTICKED_RE.sub("", t)


def _opinion(doc: Doc, text: str, out: dict[str, FieldValue]) -> None:
    t = without_unticked(re.sub(r"\s+", "", nfkc(text)))
    checks = [
        ("无法表示意见", r"无法表示意见|不对[^。]{0,40}发表审计意见"),
        ("否定意见", r"否定意见"),
        ("保留意见", r"(?<![无非])保留意见|除[^。]{1,120}(?:可能)?(?:产生|造成)的(?:影响|可能影响)外"),
        ("带强调事项段的无保留意见", r"强调事项"),
        ("标准无保留意见", r"标准无保留意见"),
        ("标准无保留意见", r"在所有重大方面[^。]{0,80}(?:公允反映|编制)"),
        # a Hong Kong report: 「吾等认为，该等综合财务报表已根据…真实而中肯地反映了…」
        ("标准无保留意见", r"吾等认为[^。]{0,160}(?:真实而中肯|真实而公平|公允)地反映"),
    ]
    for value, pat in checks:
        m = re.search(pat, t)
        if not m:
            continue
        if value == "带强调事项段的无保留意见" and not re.search(r"在所有重大方面", t):
            continue
        key = m.group(0)[:6]
        sp = None
        for r in doc.refs:
            if key in re.sub(r"\s+", "", nfkc(r.line.text)):
                sp = L.span_of_line(r)
                break
        out["opinion"] = field(value, sp) if sp is not None else FieldValue(value=value, confidence=0.8)
        return


# ----------------------------------------------------------------- statements

# row labels by priority; labels of one tuple rank equal (the first row found wins)
ROWS: dict[str, list[tuple[str, ...]]] = {
    # a non-profit's 业务活动表 has no 营业收入: its 收入合计 and 净资产变动额 stand for them
    "revenue": [("营业总收入",), ("营业收入",), ("营业额",), ("收入合计",)],
    # a Hong Kong 综合损益表 names the year's result 「年内亏损」/「年内溢利」, and the A-share
    # word 净利润 then only appears in notes and summaries
    "net_profit": [
        ("净利润", "年内利润", "年内溢利", "年内亏损", "本年度利润", "本年度亏损", "年度利润", "年度亏损"),
        ("净资产变动额",),
    ],
    "total_assets": [("资产总计",), ("资产合计",), ("资产总额",)],
    "rd_expense": [("研发费用", "研发开支"), ("研究与开发费用", "研究及开发开支"), ("研究开发费用",)],
}
# an expense row is reported as a positive amount even where the statement prints it in
# brackets (a Hong Kong 综合损益表: 「研发开支 (50,387)」)
EXPENSE_KEYS = frozenset({"rd_expense"})
_CUR = ["本期金额", "本期发生额", "本年金额", "本年发生额", "本年度累计数", "本年度累计", "本年累计数", "本年累计金额", "本年累计", "本年数", "本期数",
        "期末余额", "期末数", "年末余额", "年末数", "本年实际", "本期"]  # fmt: skip
_PRIOR = ["上期金额", "上期发生额", "上年金额", "上年同期数", "上年同期", "上年数", "上期数", "上年年末余额", "上年末余额",
          "年初余额", "年初数", "期初余额", "期初数", "上年实际", "上期", "本月数", "本月金额",
          "上年度累计数", "上年度累计", "上年累计数", "上年累计金额", "上年累计"]  # fmt: skip
_HEADER_RE = re.compile("|".join(sorted(map(re.escape, _CUR + _PRIOR), key=len, reverse=True)))
_NUM_RE = re.compile(r"(?<![\w.])(?:[-－—–]\s*)?[(（]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?[)）]?(?![\w.])"
                     r"|(?<![\w.])(?:[-－]\s*)?[(（]?\d+\.\d{1,2}[)）]?(?![\w.])"
                     r"|(?<![\w.,])\d{1,4}(?![\w.,])"
                     r"|(?<=\s)[-－—–]{1,2}(?=\s|$)")  # fmt: skip
_NOTE_RE = re.compile(
    r"[一二三四五六七八九十]+[、.．]?\s*[(（]?\s*[一二三四五六七八九十\d]+\s*[)）]?|附注\S*|[A-Za-z]\d+"
)
_ROW_PREFIX_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|其中[:：]|减[:：]|加[:：])*"
)


class _Header:
    def __init__(self, ref: L.Ref, order: list[str], xs: list[float], has_line_no: bool) -> None:
        self.ref = ref
        self.order = order  # "cur" / "prior" in column order
        self.xs = xs  # x centres of the columns (positioned pages)
        self.has_line_no = has_line_no

    @property
    def cur_index(self) -> int | None:
        return self.order.index("cur") if "cur" in self.order else None


_DATE_HEAD_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|度)?")


def _is_item_head(text: str) -> bool:
    """The 项目 cell that opens a statement's column header row."""
    return L.norm(text) in ("项目", "项目名称", "资产", "负债和所有者权益")


def _header_words(line: Line) -> list[tuple[str, float | None]]:
    """(kind, x centre) of each column word on one line: 本期/上期… words give cur/prior;
    a date or year (「2019年12月31日」, 「2019年度」) gives ``date:YYYYMMDD`` (decided per row)."""
    words: list[tuple[str, float | None]] = []
    t = line.text
    for m in _HEADER_RE.finditer(t):
        word = m.group(0)
        kind = "other" if word in ("本月数", "本月金额") else ("cur" if word in _CUR else "prior")
        sb = L.sub_bbox(line, m.start(), m.end())
        words.append((kind, L.center(sb)[0] if sb else None))
    if not words:
        for m in _DATE_HEAD_RE.finditer(t):
            key = f"date:{m.group('y')}{int(m.group('m') or 12):02d}{int(m.group('d') or 31):02d}"
            sb = L.sub_bbox(line, m.start(), m.end())
            words.append((key, L.center(sb)[0] if sb else None))
    return words


def _spaced(row: Sequence[L.Ref]) -> str:
    """The single glyphs of a header row read left to right: a letter-spaced 「项    目」 that OCR
    boxes glyph by glyph."""
    glyphs = [r for r in row if r.line.bbox is not None and len(L.norm(r.line.text)) == 1]
    return "".join(L.norm(r.line.text) for r in sorted(glyphs, key=lambda r: r.line.bbox[0]))  # type: ignore[index]


def _header_of(ref: L.Ref, pool: Sequence[L.Ref]) -> _Header | None:
    """The column header on ``ref``'s row: which column is the current year's.

    Column words (本期金额/上期金额, 期末余额/期初余额, …) say it; a row of dates or years
    under 项目 (「2019年12月31日 | 2018年12月31日」, 「2019年度 | 2018年度」) says it by
    the latest date."""
    t = ref.line.text
    items = [(k, x if x is not None else 0.0) for k, x in _header_words(ref.line)]
    if not items and not _is_item_head(t):
        return None
    has_no = "行次" in L.norm(t)
    row: list[L.Ref] = []
    # header words printed as separate lines on the same row
    if ref.line.bbox is not None:
        row = L.right_of(ref, pool) + [
            x
            for x in pool
            if x.line.bbox
            and x.page is ref.page
            and x.line.bbox[2] < ref.line.bbox[0]
            and L.v_overlap(x.line.bbox, ref.line.bbox) >= 0.5
        ]
        for r in row:
            for kind, x in _header_words(r.line):
                if x is not None:
                    items.append((kind, x))
            if "行次" in L.norm(r.line.text):
                has_no = True
        items.sort(key=lambda it: it[1])
    dates = sorted({k for k, _x in items if k.startswith("date:")})
    if dates and not any(k in ("cur", "prior") for k, _x in items):
        if len(dates) < 2 or not (
            _is_item_head(t) or any(_is_item_head(r.line.text) for r in row) or _is_item_head(_spaced(row))
        ):
            return None
        items = [
            (("cur" if k == dates[-1] else "prior") if k.startswith("date:") else k, x) for k, x in items
        ]
    else:
        items = [it for it in items if not it[0].startswith("date:")]
    order = [k for k, _x in items]
    xs = _total_columns(ref, pool, [x for _k, x in items])
    if "cur" not in order:
        return None
    return _Header(ref, order, xs, has_no)


def _total_columns(ref: L.Ref, pool: Sequence[L.Ref], xs: list[float]) -> list[float]:
    """A two-level header (a non-profit's 业务活动表: 本年累计数 over 非限定性 | 限定性 | 合计): each
    column word's group is read at its 「合计」 sub-head on the row below, the one nearest the word
    (``xs`` unchanged where there are fewer sub-heads than column words)."""
    b = ref.line.bbox
    if b is None or len(xs) < 2 or not all(xs):
        return xs
    h = b[3] - b[1]
    subs = sorted(
        L.center(x.line.bbox)[0]
        for x in pool
        if x.page is ref.page
        and x.line.bbox is not None
        and L.norm(x.line.text) == "合计"
        and b[1] + 0.5 * h < x.line.bbox[1] < b[3] + 1.5 * h
    )
    if len(subs) < len(xs):
        return xs
    picked = [min(subs, key=lambda s, x=x: abs(s - x)) for x in xs]
    return picked if len(set(picked)) == len(picked) else xs


def _money_token(tok: str) -> Decimal | None:
    t = nfkc(tok).replace(",", "").replace("，", "").replace(" ", "")
    if re.fullmatch(r"[-—–]{1,2}", t):
        return Decimal("0.00")
    neg = t.startswith(("-", "(")) or t.endswith(")")
    t = t.strip("-()")
    try:
        v = Decimal(t)
    except InvalidOperation:
        return None
    v = round_money(v)
    return -v if neg else v


def _tokens(text: str, start: int) -> list[tuple[str, int, int]]:
    masked = _NOTE_RE.sub(lambda m: " " * len(m.group(0)), text)
    return [(m.group(0), m.start(), m.end()) for m in _NUM_RE.finditer(masked, start)]


def _is_line_no(tok: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}", tok))


def _row_label(text: str, labels: Sequence[str]) -> int | None:
    """End of the row label when the line's label part is one of ``labels``."""
    raw = text
    n, idx = L.norm_with_map(raw)
    p = _ROW_PREFIX_RE.match(n)
    k = p.end() if p else 0
    for lab in labels:
        if n.startswith(lab, k):
            after = n[k + len(lab) : k + len(lab) + 1]
            if after and not re.match(r"[(\d\-—–:]", after):
                continue  # "营业收入" must not match "营业收入成本率"
            # skip a bracketed remark "（净亏损以“－”号填列）"
            end = k + len(lab)
            if after == "(":
                close = n.find(")", end)
                end = close + 1 if close > 0 else end
            return idx[end - 1] + 1
    return None


_UNIT_HEAD_RE = re.compile(r"^(?:人民币|RMB|港币|港元)?(?P<u>百万元|千元|万元|元)$")
_UNITS = {"百万元": Decimal(1000000), "千元": Decimal(1000), "万元": Decimal(10000), "元": Decimal(1)}


def _unit_factor(doc: Doc, k: int) -> Decimal:
    """The statement's unit: 「单位：万元」 above the row, or a column head 「人民币千元」.

    >>> _UNIT_HEAD_RE.match("人民币千元").group("u"), _UNIT_HEAD_RE.match("人民币51百万元")
    ('千元', None)
    """
    for kk in range(k, max(-1, k - 80), -1):
        t = L.norm(doc.refs[kk].line.text)
        if "单位" in t:
            for unit, factor in _UNITS.items():  # 百万元 before 万元, every unit before 元
                if unit in t:
                    return factor
        m = _UNIT_HEAD_RE.match(t)
        if m:
            return _UNITS[m.group("u")]
    return Decimal(1)


def _pick(tokens: list[tuple[str, int, int]], header: _Header | None) -> tuple[str, int, int] | None:
    toks = list(tokens)
    if (
        toks
        and _is_line_no(toks[0][0])
        and ((header is not None and header.has_line_no) or (len(toks) >= 2 and not _is_line_no(toks[1][0])))
    ):
        toks = toks[1:]
    toks = [t for t in toks if not _is_line_no(t[0]) or t[0] == "0"]
    if not toks:
        return None
    idx = 0
    if header is not None and header.cur_index is not None:
        cols = [o for o in header.order if o in ("cur", "prior", "other")]
        idx = cols.index("cur")
        if len(toks) < len(cols):
            # fewer numbers than columns: positions are unknown, keep the first
            idx = 0 if len(toks) == 1 else min(idx, len(toks) - 1)
    return toks[idx] if idx < len(toks) else None


def _statement_rows(doc: Doc, out: dict[str, FieldValue], from_k: int = 0) -> None:
    """The statement rows; ``from_k``: where the statements start after an auditor's report
    inside a longer document (the annual report's summary tables before it quote other
    figures: ten-year highlights, percentages, parent-company figures). Rows before it count
    only when none is found after it."""
    headers: list[tuple[int, _Header]] = []
    for k, r in enumerate(doc.refs):
        t = r.line.text
        # a date column head is a header's own line where 项目 is letter-spaced glyph by glyph
        if _HEADER_RE.search(t) or _is_item_head(t) or (_DATE_HEAD_RE.search(t) and len(L.norm(t)) <= 12):
            h = _header_of(r, doc.refs)
            if h is not None:
                headers.append((k, h))
    docx_headers = _docx_headers(doc)
    for key, groups in ROWS.items():
        for lab_group in groups:
            got = _find_row(doc, lab_group, headers, docx_headers, from_k) if from_k else None
            if got is None:
                got = _find_row(doc, lab_group, headers, docx_headers)
            if got is not None:
                value, span, conf_pen = got
                if key in EXPENSE_KEYS:
                    value = abs(value)
                out[key] = field(value, span, conf_pen)
                break


def _docx_headers(doc: Doc) -> dict[tuple[int, int], tuple[int, int | None]]:
    """(page id, table) → (row of the header, current column) for DOCX statement tables."""
    found: dict[tuple[int, int], tuple[int, int | None]] = {}
    for r in doc.refs:
        ln = r.line
        if ln.table is None:
            continue
        m = _HEADER_RE.search(ln.text)
        if not m or (id(r.page), ln.table) in found:
            continue
        # the first current-year header cell of this table
        if m.group(0) in _CUR and m.group(0) not in ("本月数", "本月金额"):
            found[(id(r.page), ln.table)] = (ln.row or 0, ln.col)
    return found


def _find_row(doc, labels, headers, docx_headers, from_k: int = 0):
    for k, r in enumerate(doc.refs):
        if k < from_k:
            continue
        t = r.line.text
        end = _row_label(t, labels)
        if end is None:
            continue
        header = None
        for hk, h in headers:
            if hk < k and (h.ref.page is r.page or hk >= k - 200):
                header = h
        factor = _unit_factor(doc, k)
        # (C) DOCX table row
        if r.line.table is not None:
            hdr = docx_headers.get((id(r.page), r.line.table))
            cells = sorted(
                (
                    x
                    for x in doc.refs
                    if x.page is r.page
                    and x.line.table == r.line.table
                    and x.line.row == r.line.row
                    and (x.line.col or 0) > (r.line.col or 0)
                ),
                key=lambda x: x.line.col or 0,
            )
            pick = None
            if hdr is not None and hdr[1] is not None:
                pick = next((x for x in cells if x.line.col == hdr[1]), None)
            if pick is None:
                nums = [x for x in cells if _tokens(x.line.text, 0) and not _is_line_no(x.line.text.strip())]
                pick = nums[0] if nums else None
            if pick is not None:
                toks = _tokens(pick.line.text, 0)
                if toks:
                    v = _money_token(toks[0][0])
                    if v is not None:
                        return v * factor, L.span_of_line(pick), 0.0
            continue
        # (A) numbers on the label's own line
        toks = _tokens(t, end)
        if any(not _is_line_no(x[0]) for x in toks):
            if r.line.words and header is not None and header.ref.line.words and any(header.xs):
                pick = _by_position(r, toks, header)
            else:
                pick = _pick(toks, header)
            if pick is not None:
                v = _money_token(pick[0])
                if v is not None:
                    return v * factor, L.Span(t[pick[1] : pick[2]], [r], pick[1], pick[2]), 0.0
            continue
        # (B) number lines to the right on the same row
        if r.line.bbox is not None:
            cells = []
            # a statement's label column may be wide: its numbers sit anywhere right on the row
            for x in L.right_of(r, doc.refs, max_gap=r.page.width * 0.8):
                for tok in _tokens(x.line.text, 0):
                    cells.append((x, tok))
            if not cells:
                continue
            if header is not None and header.xs and any(header.xs):
                cur_x = next(xx for xx, o in zip(header.xs, header.order, strict=True) if o == "cur")
                others = [xx for xx, o in zip(header.xs, header.order, strict=True) if o != "cur"]

                def dist(c, cur_x=cur_x):
                    sb = L.sub_bbox(c[0].line, c[1][1], c[1][2]) or c[0].line.bbox
                    return abs(L.center(sb)[0] - cur_x)

                money_cells = [c for c in cells if not _is_line_no(c[1][0]) or c[1][0] == "0"]
                if not money_cells:
                    continue
                best = min(money_cells, key=dist)
                # it must be nearer the current column than any other column
                sb = L.sub_bbox(best[0].line, best[1][1], best[1][2]) or best[0].line.bbox
                if others and min(abs(L.center(sb)[0] - o) for o in others) < dist(best):
                    continue
            else:
                money_cells = [c for c in cells if not _is_line_no(c[1][0])]
                if not money_cells:
                    continue
                best = money_cells[0]
            x, tok = best
            v = _money_token(tok[0])
            if v is not None:
                return v * factor, L.Span(x.line.text[tok[1] : tok[2]], [x], tok[1], tok[2]), 0.0
    return None


def _by_position(r: L.Ref, toks, header: _Header):
    cur_x = next(xx for xx, o in zip(header.xs, header.order, strict=True) if o == "cur")
    others = [xx for xx, o in zip(header.xs, header.order, strict=True) if o != "cur"]
    best = None
    for tok in toks:
        if _is_line_no(tok[0]) and tok[0] != "0":
            continue
        sb = L.sub_bbox(r.line, tok[1], tok[2])
        if sb is None:
            return _pick(toks, header)
        cx = L.center(sb)[0]
        d = abs(cx - cur_x)
        if others and min(abs(cx - o) for o in others) < d:
            continue
        if best is None or d < best[0]:
            best = (d, tok)
    return best[1] if best else _pick(toks, header)


# ----------------------------------------------------------------- entry point


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Fields of an audit report and its statements (see the module doc)."""
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    doc = Doc(pages)
    if not doc.refs:
        return out
    start_k, end_k = _report_window(doc)
    text = _report_text(doc, start_k, end_k)
    _audited_entity(doc, text, out)
    _fiscal_year(doc, text, out)
    _audit_summary(doc, out)
    if start_k == 0:
        # the 重要提示 sentence of an annual report whose auditor's report is not inside
        _issued_statement(doc, out)
    if "audit_firm" not in out:
        _audit_firm(doc, start_k, end_k, out)
    _report_no(doc, text, out)
    if "report_date" not in out:
        _report_date(doc, start_k, end_k, out)
    if "opinion" not in out:
        _opinion(doc, text, out)
    if start_k > 0 and ("opinion" not in out or "audit_firm" not in out):
        # the report inside a longer document said nothing usable: the 重要提示 sentence
        _issued_statement(doc, out)
    _statement_rows(doc, out, from_k=end_k if start_k > 0 else 0)
    return out

"""Page classification and splitting of a file into logical documents.

Every page gets a score per doc_type (CONTRACT section 4) from weighted keyword hits:

* ``titles`` — document titles; a hit in the page's *title zone* (top 30 % of the page, or
  the first 6 lines when there is no geometry) weighs ``TITLE_ZONE_WEIGHT``, elsewhere its
  own lower weight. On OCR lines titles are also matched fuzzily (rapidfuzz).
* ``labels`` — key labels / phrases of the type, each counted once per page.

The highest score wins when it reaches ``MIN_SIGNAL``; a page below that (no signals)
continues the previous document. The content decides — never the file name.

Splitting (:func:`classify_pages`): a page starts a new document when it has a title hit
of another type, or a title hit of a "one document per page" type (invoice with its own
发票号码, bank receipt, licence, certificates), or very strong label evidence of another
type; continuation pages (a contract's clauses, an audit report's statements, an
invoice's 销货清单) stay with their document.

A running title binds pages (:func:`running_title`): when most pages of a file carry the same
header or footer naming a document (「浙江海翔药业股份有限公司2019年年度报告全文」 on 204
pages), the pages that carry it are one document, whatever their sections look like (an
annual report's 重大合同 section is not a contract, its 财务报告 section is not a new
document); the title's words give the type (``BOUND_TITLES``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from rapidfuzz import fuzz

from extractor.fields.layout import iter_refs, norm, reading_order
from extractor.fields.prose import CLAUSE_START_RE, SENTENCE_END_RE
from extractor.profile import DocTypeDef
from models.page import Line, Page

TITLE_ZONE_WEIGHT = 8.0
MIN_SIGNAL = 4.0
STRONG_LABELS = 9.0  # label-only score that starts a new document without a title

# A running title naming one of these binds its pages into one document of that type.
BOUND_TITLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"年度报告|年报|审计报告|财务报表"), "audit_report"),
]
RUNNING_MIN_PAGES = 6  # files shorter than this are never bound
RUNNING_SHARE = 0.6  # share of the pages that must carry the same running title
RUNNING_BAND = 0.09  # top and bottom share of the page height that holds running titles


@dataclass(frozen=True)
class Kw:
    """A keyword: regex on normalised text (no spaces), its weight, and for titles the
    weight when found outside the title zone."""

    pattern: str
    weight: float
    fuzzy: str | None = None  # plain text for fuzzy matching on OCR lines (titles only)

    @property
    def rx(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# a run of 20 glyphs or more of a VAT invoice's cipher block, three of them its symbols, one
# of those < or > (a masked account 「6217-****-****-1234」 has only stars)
CIPHER_ROW = r"(?=[0-9+\-*/<>]{20})(?=[0-9+\-*/]*[<>])(?:[0-9+\-]*[*/<>]){3}"


@dataclass
class TypeRule:
    titles: list[Kw]
    labels: list[Kw]
    primary: bool = True  # titles of this type open a document
    one_per_page: bool = False  # every titled page is its own document
    # a title phrase outside the title zone counts only on a heading-like line (contracts
    # and receipts quote "增值税专用发票" in their sentences)
    body_title_in_prose: bool = True
    # a title that says the page is not of this type, whatever its labels (a fiscal
    # 非税收入票据 has 票据号码, 开票日期 and 校验码 like an invoice, but is no invoice)
    vetoed_by: str | None = None


RULES: dict[str, TypeRule] = {
    "application_form": TypeRule(
        titles=[
            Kw(r"人工智能产业发展项目申报表", 6, "人工智能产业发展项目申报表"),
            Kw(r"项目申报表|申报书|申报表", 3, "项目申报表"),
        ],
        labels=[
            Kw(r"单位名称", 1.5),
            Kw(r"申报方向", 3),
            Kw(r"项目介绍|项目简介", 2),
            Kw(r"联系人", 1),
            Kw(r"是否上市|上市情况", 2),
            Kw(r"企业性质|所有制", 1),
            Kw(r"申报单位", 1.5),
        ],
    ),
    "business_license": TypeRule(
        titles=[Kw(r"营业执照", 4, "营业执照")],
        labels=[
            Kw(r"统一社会信用代码", 1.5),
            Kw(r"法定代表人|负责人|经营者|执行事务合伙人", 1.5),
            Kw(r"注册资本|注册资金|出资额", 2),
            Kw(r"成立日期|注册日期", 1.5),
            Kw(r"登记机关", 2.5),
            Kw(r"经营范围", 2),
            Kw(r"营业期限|经营期限|合伙期限", 2),
            Kw(r"住所|经营场所|主要经营场所", 1),
            Kw(r"国家企业信用信息公示系统", 2.5),
            # the form's imprint, on every licence since the 1990s (an accounting firm's licence
            # names 审计报告 in its scope: its imprint says what the page is)
            Kw(r"(?:工商行政管理|市场监督管理)总局监制", 3),
            Kw(r"注册号", 1),
        ],
        one_per_page=True,
    ),
    "contract": TypeRule(
        titles=[
            Kw(r"(合同|协议|合同书|协议书|订单|订购单)$", 2, None),
            Kw(
                r"^.{0,24}(服务合同|采购合同|购销合同|销售合同|租赁合同|技术合同|开发合同|框架协议|服务协议)",
                2,
                "服务合同",
            ),
            # OCR: one wrong character in the title (服务协仪, 采购合问)
            Kw(r"^.{0,24}服务协议", 2, "服务协议"),
            Kw(r"^.{0,24}采购合同", 2, "采购合同"),
            Kw(r"^.{0,24}租赁合同", 2, "租赁合同"),
        ],
        labels=[
            Kw(r"甲方", 2),
            Kw(r"乙方", 2),
            Kw(r"合同编号|协议编号|合同号", 3),
            Kw(
                r"委托[方万人]|受托[方万人]|发包人|承包人|买方|卖方|采购方|供货方|需方|供方|服务方|承租方|出租方",
                1.5,
            ),
            Kw(r"违约", 1.5),
            Kw(r"双方", 1),
            Kw(r"签订|签署|签约", 1),
            Kw(r"本合同|本协议", 2),
            Kw(r"争议", 1),
        ],
    ),
    "invoice": TypeRule(
        titles=[
            Kw(
                r"(增值税|电子|普通|专用|通用|机打|统一)发票|发票[(（]|全电发票|数电发票|行程单",
                4,
                "增值税电子普通发票",
            ),
            Kw(r"发票$", 1, None),
        ],
        body_title_in_prose=False,
        vetoed_by=r"非税收入|财政票据|财政电子票据|统一票据|捐赠票据|往来结算票据",
        labels=[
            Kw(r"发票号码|发票号", 3),
            Kw(r"发票代码", 2),
            Kw(r"开票日期", 2.5),
            Kw(r"价税合计", 3),
            Kw(r"购买方|购方|购货单位", 1.5),
            Kw(r"销售方|销方|销货单位", 1.5),
            Kw(r"纳税人识别号", 1),
            Kw(r"校验码|机器编号", 1.5),
            Kw(r"开票人", 1.5),
            Kw(r"税率", 1),
            # a paper railway ticket has no title: its fixed print says what it is
            Kw(r"限乘当日当次车|中国铁路祝您旅途愉快|买票请到12306", 4.5),
            # the cipher block (密码区) of a VAT invoice before 数电: rows of digits and + - * / < >,
            # which nothing else prints (it says invoice where OCR lost the title and labels)
            Kw(CIPHER_ROW, 4),
        ],
        one_per_page=True,
    ),
    "payment_voucher": TypeRule(
        titles=[
            Kw(
                r"回单|付款凭证|转账凭证|汇款凭证|支付凭证|交易凭证|进账单|业务凭证|汇兑凭证|付款通知",
                4,
                "电子回单",
            ),
        ],
        labels=[
            Kw(r"付款人|付款方|汇款人|出账户名|付款单位|付款账户", 2),
            Kw(r"收款人|收款方|收款单位|收款账户|入账户名", 2),
            Kw(r"交易流水号|流水号|回单编号|凭证号|回单号|交易序号", 2),
            Kw(r"用途|摘要|附言", 1),
            Kw(r"开户行|开户银行|付款行|收款行", 1),
            Kw(r"银行", 1),
            Kw(r"交易日期|记账日期|转账日期|交易时间|付款日期", 1.5),
            Kw(r"账号", 1),
            Kw(r"(金额|小写|大写)", 0.5),
        ],
        one_per_page=True,
    ),
    "audit_report": TypeRule(
        titles=[
            Kw(r"审计报告", 4, "审计报告"),
            Kw(r"验资报告", 4, "验资报告"),
            Kw(
                r"资产负债表|利润表|损益表|现金流量表|所有者权益变动表|财务报表附注|财务报表", 3, "资产负债表"
            ),
        ],
        labels=[
            Kw(r"会计师事务所", 2.5),
            Kw(r"审计意见|审计报告", 2),
            Kw(r"注册会计师", 2),
            Kw(r"营业收入|主营业务收入", 1),
            Kw(r"净利润", 1),
            Kw(r"资产总计|负债合计|负债和所有者权益", 1.5),
            Kw(r"期末余额|本期金额|上期金额|年初余额|期初余额", 1.5),
            Kw(r"财务报表", 1),
        ],
    ),
    "patent_certificate": TypeRule(
        titles=[Kw(r"(发明|实用新型|外观设计)?专利证书", 5, "发明专利证书")],
        labels=[
            Kw(r"专利号", 3),
            Kw(r"专利权人", 2.5),
            Kw(r"发明人|设计人", 1.5),
            Kw(r"授权公告日|专利申请日", 2.5),
            Kw(r"国家知识产权局", 2),
            Kw(r"发明名称|实用新型名称", 2),
        ],
        one_per_page=True,
    ),
    "award_certificate": TypeRule(
        titles=[Kw(r"荣誉证书|获奖证书|奖状|荣誉称号", 4, "荣誉证书"), Kw(r"^证书$", 2, None)],
        labels=[
            Kw(r"荣获|获得|授予", 1.5),
            Kw(r"特发此证|特授予|以资鼓励|特颁发", 3),
            Kw(r"(一|二|三|特)等奖|奖项|优秀奖|金奖|银奖", 2),
        ],
        one_per_page=True,
    ),
    "integrity_pledge": TypeRule(
        titles=[Kw(r"承诺书|承诺函|信用承诺|诚信承诺", 3, "信用承诺书")],
        labels=[
            Kw(r"涉黑|涉恶|黑恶", 3),
            Kw(r"失信", 2.5),
            Kw(r"承诺", 1),
            Kw(r"严重违法|违法违规|不良记录", 1),
            Kw(r"法律责任", 1),
        ],
    ),
    "test_report": TypeRule(
        titles=[Kw(r"检验检测报告|检测报告|检验报告|测试报告|测评报告|评测报告", 4, "检验检测报告")],
        labels=[
            Kw(r"检验结论|检测结论|测试结论", 2.5),
            Kw(r"检验机构|检测机构|检测单位|检验单位", 1.5),
            Kw(r"样品", 1.5),
            Kw(r"委托单位|委托方", 1),
            Kw(r"检验依据|检测依据|测试依据", 2),
            Kw(r"CMA|CNAS", 1.5),
            Kw(r"检验项目|检测项目|测试项目", 1.5),
        ],
    ),
    "team_material": TypeRule(
        titles=[Kw(r"研发团队|团队成员|人员名单|个人简历|团队介绍|核心团队|简历", 3, "研发团队人员名单")],
        labels=[
            Kw(r"学历", 1.5),
            Kw(r"职称", 1.5),
            Kw(r"毕业院校|毕业学校", 1.5),
            Kw(r"工作经历|工作经验", 1.5),
            Kw(r"岗位|职务", 1),
            Kw(r"研发人员|技术人员", 1),
            Kw(r"姓名", 0.5),
        ],
    ),
}

# titles that continue an invoice (sales list pages)
INVOICE_CONTINUATION = re.compile(
    r"销货清单|销售货物或者?提供应税劳务[、,]?服务清单|货物清单|应税劳务清单|服务清单"
)
INVOICE_NUMBER = re.compile(r"发票号码[:]?(?:No\.?)?(\d{8,20})")
# an audit report's number (鲁华飞会审字[2024]第A1024号): two reports bound in one file differ
REPORT_NUMBER = re.compile(r"审字[\[〔（(【]?(\d{4})[\]〕）)】]?第?([A-Za-z0-9\-]{1,12})号")


@dataclass
class PageClass:
    """The classification of one page, with the hits that explain it."""

    number: int
    doc_type: str
    score: float
    scores: dict[str, float]
    title: str | None
    title_type: str | None  # type whose title appears in the title zone
    hits: dict[str, list[str]] = field(default_factory=dict)
    invoice_number: str | None = None
    report_number: str | None = None  # an audit report's 审字…号
    continuation: bool = False  # e.g. 销货清单 page of an invoice

    @property
    def confidence(self) -> float:
        ranked = sorted(self.scores.values(), reverse=True)
        best = ranked[0] if ranked else 0.0
        second = ranked[1] if len(ranked) > 1 else 0.0
        if best < MIN_SIGNAL:
            return 0.3
        margin = (best - second) / best
        strength = min(1.0, best / 12.0)
        return round(0.5 + 0.49 * (0.5 * margin + 0.5 * strength), 3)


@dataclass
class Segment:
    """One logical document inside a file: its type, file page numbers, classifier
    confidence and printed title (if any)."""

    doc_type: str
    pages: list[int]
    confidence: float
    title: str | None = None
    reasons: list[str] = field(default_factory=list)


def _running_lines(page: Page) -> set[str]:
    """Texts in the page's header and footer bands, page numbers removed."""
    out = set()
    if not page.height:
        return out
    band = RUNNING_BAND * max(page.width, page.height)  # a landscape page keeps the portrait margins
    for ln in page.lines:
        if ln.bbox is None:
            continue
        if ln.bbox[3] <= band or ln.bbox[1] >= page.height - band:
            t = re.sub(r"第?\s*\d+\s*(?:页)?\s*(?:[/／]|共)?\s*(?:\d+\s*页?)?$", "", norm(ln.text)).strip()
            if len(t) >= 4:
                out.add(t)
    return out


def running_title(pages: Sequence[Page]) -> tuple[str, str] | None:
    """(running title, doc_type) when most pages carry the same header/footer naming a
    document of a ``BOUND_TITLES`` kind, else None.

    >>> from models.page import Line, Page
    >>> def pg(n, head):
    ...     return Page(number=n, width=595, height=842, lines=[
    ...         Line(text=head, bbox=[345, 44, 541, 54]), Line(text="正文", bbox=[57, 300, 500, 312]),
    ...         Line(text=str(n), bbox=[530, 782, 541, 792])])
    >>> running_title([pg(n, "某某股份有限公司2019 年年度报告全文") for n in range(1, 9)])
    ('某某股份有限公司2019年年度报告全文', 'audit_report')
    >>> running_title([pg(n, "某某科技有限公司") for n in range(1, 9)]) is None
    True
    """
    return _running_title([_running_lines(p) for p in pages])


def _running_title(heads: Sequence[set[str]]) -> tuple[str, str] | None:
    """:func:`running_title` from each page's running lines (:func:`_running_lines`)."""
    if len(heads) < RUNNING_MIN_PAGES:
        return None
    counts: dict[str, int] = {}
    for page_heads in heads:
        for t in page_heads:
            counts[t] = counts.get(t, 0) + 1
    for t, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n < RUNNING_SHARE * len(heads):
            break
        for rx, doc_type in BOUND_TITLES:
            if rx.search(t):
                return t, doc_type
    return None


COVER_LINES = 8  # a page of this many lines or fewer is a cover


def _title_zone(page: Page) -> list[Line]:
    refs = list(iter_refs([page]))
    if not refs:
        return []
    if page.height and all(r.line.bbox is not None for r in refs):
        top = page.height * 0.30
        # a cover (a handful of lines) centres its title on the page: all of it is title zone
        zone = refs if len(refs) <= COVER_LINES else [r for r in refs if r.line.bbox[1] < top]
        # short pages (receipts on a half A4): keep at least the first few rows
        if len(zone) < 3:
            zone = reading_order(refs)[:6]
        return [r.line for r in reading_order(zone)]
    return [r.line for r in refs[:6]]


def _zone_candidates(zone: list[Line]) -> list[str]:
    """Normalised title-zone texts: each line, and each pair of neighbouring lines (titles
    split into two runs, or spaced out as single characters)."""
    texts = [norm(ln.text) for ln in zone]
    out = [t for t in texts if t]
    for a, b in pairwise(texts):
        if a and b and len(a) + len(b) <= 30:
            out.append(a + b)
    # vertical/spaced single-char runs, e.g. 营 / 业 / 执 / 照
    singles = "".join(t for t in texts if len(t) == 1)
    if len(singles) >= 2:
        out.append(singles)
    return out


_SENTENCE_MARK = re.compile(r"[,，。;；:：]")


def _title_like(t: str) -> bool:
    """A heading, not a sentence or a label line: short, no sentence punctuation/colon."""
    return 2 <= len(t) <= 30 and not _SENTENCE_MARK.search(t)


def _match_title(kw: Kw, candidates: list[str], ocr: bool) -> str | None:
    """``candidates`` are already title-like (see :func:`_title_like`)."""
    rx = kw.rx
    exact = [t for t in candidates if rx.search(t)]
    if exact:
        return min(exact, key=len)  # the title proper, not a sentence quoting it
    if ocr and kw.fuzzy and len(kw.fuzzy) >= 4:
        for t in candidates:
            if len(t) > 40 or len(t) < 3:
                continue
            thr = 100.0 * (len(kw.fuzzy) - 1) / len(kw.fuzzy) - 0.1
            target = kw.fuzzy
            # compare against the keyword proper (the regex's longest literal alternative)
            s = fuzz.partial_ratio(target, t)
            if s >= max(thr, 75):
                return t
    return None


def type_rule(spec: DocTypeDef) -> TypeRule:
    """The classifier rule of a document type a policy declares: each title pattern is a
    title (8 in the title zone, 4 in the body), each keyword a label worth 2."""
    return TypeRule(
        titles=[Kw(t, 4, re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", t) or None) for t in spec.titles],
        labels=[Kw(k, 2) for k in spec.keywords],
        one_per_page=spec.one_per_page,
    )


def rules_with(extra: Sequence[DocTypeDef] = ()) -> dict[str, TypeRule]:
    """The built-in rules plus those of the declared types (cached per definition set)."""
    if not extra:
        return RULES
    return _rules_with(tuple(extra))


@cache
def _rules_with(extra: tuple[DocTypeDef, ...]) -> dict[str, TypeRule]:
    return {**RULES, **{d.key: type_rule(d) for d in extra}}


def classify_page(page: Page, rules: dict[str, TypeRule] | None = None) -> PageClass:
    """Score one page for every doc_type and pick the best (see module doc); ``rules``
    defaults to the built-in :data:`RULES` (see :func:`rules_with`)."""
    rules = RULES if rules is None else rules
    normed = [norm(ln.text) for ln in page.lines]
    text = "".join(normed)
    headings: str | None = None  # the page's heading-like lines, built when first needed
    zone = _title_zone(page)
    cands = [t for t in _zone_candidates(zone) if _title_like(t)]
    ocr = page.method == "ocr" or any(ln.method == "ocr" for ln in zone)
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    titles: dict[str, tuple[float, str]] = {}
    for dt, rule in rules.items():
        s = 0.0
        h: list[str] = []
        for kw in rule.titles:
            t = _match_title(kw, cands, ocr)
            if t is not None:
                s += TITLE_ZONE_WEIGHT
                h.append(f"标题:{t}")
                if dt not in titles or len(t) < len(titles[dt][1]):
                    titles[dt] = (TITLE_ZONE_WEIGHT, t)
                break
        else:
            body = text
            if not rule.body_title_in_prose:
                if headings is None:
                    headings = "\n".join(t for t in normed if _title_like(t))
                body = headings
            for kw in rule.titles:
                if kw.pattern.endswith("$") or kw.pattern.startswith("^"):
                    continue
                if kw.rx.search(body):
                    s += kw.weight
                    h.append(f"正文:{kw.pattern.split('|')[0]}")
                    break
        for kw in rule.labels:
            m = kw.rx.search(text)
            if m:
                s += kw.weight
                h.append(m.group(0))
        if rule.vetoed_by and any(_compiled(rule.vetoed_by).search(t) for t in cands):
            s = 0.0
            h = [f"标题排除:{rule.vetoed_by.split('|')[0]}"]
        scores[dt] = round(s, 2)
        hits[dt] = h
    # contract titles like "合同" alone in the zone also appear in invoices' remarks etc.;
    # integrity pledges and team materials often quote 合同: keep the label evidence decisive
    inv_cont = bool(INVOICE_CONTINUATION.search("".join(cands))) and "价税合计" not in text
    if inv_cont:
        scores["invoice"] += TITLE_ZONE_WEIGHT
        hits["invoice"].append("销货清单")
    best = max(scores, key=lambda k: scores[k])
    doc_type = best if scores[best] >= MIN_SIGNAL else "other"
    title_type = None
    title = None
    if titles:
        # the title of the winning type if it has one, else the best titled type
        if doc_type in titles:
            title_type, title = doc_type, titles[doc_type][1]
        else:
            title_type = max(titles, key=lambda k: scores[k])
            title = titles[title_type][1]
    if title is None and zone:
        title = _fallback_title(zone)
    num = None
    m = INVOICE_NUMBER.search(text)
    if m:
        num = m.group(1)
    rm = REPORT_NUMBER.search(text)
    return PageClass(
        number=page.number,
        doc_type=doc_type,
        score=scores[best],
        scores=scores,
        title=title,
        title_type=title_type,
        hits=hits,
        invoice_number=num,
        report_number=rm.group(1) + rm.group(2) if rm else None,
        continuation=inv_cont,
    )


def _fallback_title(zone: list[Line]) -> str | None:
    """The tallest short line of the title zone (a heading), if any."""
    cands = [ln for ln in zone if 2 <= len(norm(ln.text)) <= 30]
    if not cands:
        return None
    if all(ln.bbox is not None for ln in cands):
        ln = max(cands, key=lambda ln: ln.bbox[3] - ln.bbox[1])
    else:
        ln = cands[0]
    return norm(ln.text) or None


def _starts_new(
    pc: PageClass, cur: Segment | None, cur_pc: list[PageClass], rules: dict[str, TypeRule] = RULES
) -> bool:
    if cur is None:
        return True
    if pc.doc_type == "other":
        return False
    rule = rules[pc.doc_type]
    titled = pc.title_type == pc.doc_type
    if pc.doc_type != cur.doc_type:
        if titled and not pc.continuation:
            return True
        # untitled page: only overwhelming label evidence breaks the current document
        label_score = pc.score - (TITLE_ZONE_WEIGHT if titled else 0)
        cur_score = pc.scores.get(cur.doc_type, 0.0)
        return label_score >= STRONG_LABELS and cur_score < MIN_SIGNAL
    # same type
    if pc.continuation:
        return False
    if pc.doc_type == "invoice":
        prev_nums = {p.invoice_number for p in cur_pc if p.invoice_number}
        if pc.invoice_number:
            return pc.invoice_number not in prev_nums
        return (
            titled
            and any(p.title_type == "invoice" for p in cur_pc)
            and "价税合计" in "".join(pc.hits["invoice"])
        )
    if rule.one_per_page:
        return titled
    if titled and pc.report_number:
        # audit opinion letters of several years in one file: a titled page with another
        # report number starts the next report
        prev_reports = {p.report_number for p in cur_pc if p.report_number}
        return bool(prev_reports) and pc.report_number not in prev_reports
    return False


def page_runs_on(prev: Page, page: Page) -> bool:
    """Whether the text of ``page`` continues a sentence of ``prev``: the last body line of
    ``prev`` is paragraph-wide, reaches the right margin and ends without a full stop, and the
    first line of ``page`` (in its upper fifth) starts no new clause.

    >>> def pg(n, rows):
    ...     return Page(number=n, width=600, height=800, method="ocr", lines=[
    ...         Line(text=t, bbox=(x0, y, x1, y + 18), method="ocr") for t, x0, x1, y in rows])
    >>> a = pg(2, [("一、鉴于甲乙双方合作意向，经友好协商一致订立本合同", 90, 505, 700),
    ...            ("5、乙方以产品技术以及出资现金人民币一亿五千万元入", 90, 503, 756)])
    >>> page_runs_on(a, pg(3, [("股，占总股份50%。", 128, 261, 72), ("经平等友好协商", 88, 504, 102)]))
    True
    >>> page_runs_on(a, pg(3, [("二、公司背景", 93, 188, 72)]))
    False
    >>> b = pg(2, [("5、乙方以产品技术以及出资现金人民币一亿五千万元入股。", 90, 505, 756)])
    >>> page_runs_on(b, pg(3, [("股，占总股份50%。", 128, 261, 72)]))
    False
    """
    width = prev.width or 0.0
    body = [ln for ln in prev.lines if ln.bbox is not None and ln.bbox[2] - ln.bbox[0] >= 0.5 * width]
    firsts = [ln for ln in page.lines if ln.bbox is not None and ln.bbox[1] <= 0.2 * (page.height or 0)]
    if not body or not firsts or not width:
        return False
    last = max(body, key=lambda ln: ln.bbox[3])
    right = max(ln.bbox[2] for ln in body)
    h = max(last.bbox[3] - last.bbox[1], 1.0)
    if last.bbox[2] < right - 2 * h or SENTENCE_END_RE.search(last.text):
        return False
    # nothing but short marks (a page number, a stamp's edge) below the last body line
    if any(ln.bbox is not None and ln.bbox[1] > last.bbox[3] and len(norm(ln.text)) > 6 for ln in prev.lines):
        return False
    first = min(firsts, key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return not CLAUSE_START_RE.match(first.text) and not _title_like(norm(first.text))


def classify_pages(pages: list[Page], extra: Sequence[DocTypeDef] = ()) -> list[Segment]:
    """Classify every page and split the file into logical documents (module doc);
    ``extra``: document types a policy declares, scored like the built-in ones."""
    rules = rules_with(extra)
    segments: list[Segment] = []
    cur: Segment | None = None
    cur_pc: list[PageClass] = []
    heads = [_running_lines(p) for p in pages]
    bound = _running_title(heads)
    bound_seg: Segment | None = None
    prev: Page | None = None
    for page, page_heads in zip(pages, heads, strict=True):
        pc = classify_page(page, rules)
        if bound is not None and bound[0] in page_heads:
            if bound_seg is None or bound_seg is not cur:
                cur = bound_seg = Segment(
                    doc_type=bound[1],
                    pages=[page.number],
                    confidence=max(pc.confidence, 0.8),
                    title=pc.title if pc.doc_type == bound[1] else None,
                    reasons=[f"第{page.number}页起：各页页眉/页脚「{bound[0]}」为同一份文件"],
                )
                cur_pc = [pc]
                segments.append(cur)
            else:
                cur.pages.append(page.number)
                cur_pc.append(pc)
            prev = page
            continue
        # prose running on from the previous page (a sentence cut by the page break) is the
        # same document, whatever labels the page's text mentions (a contract describing its
        # parties: 法定代表人、注册资金、经营范围 …), unless the page carries its own title
        runs_on = prev is not None and pc.title_type != pc.doc_type and page_runs_on(prev, page)
        prev = page
        if not runs_on and (_starts_new(pc, cur, cur_pc, rules) or (cur is not None and cur is bound_seg)):
            cur = Segment(
                doc_type=pc.doc_type,
                pages=[page.number],
                confidence=pc.confidence,
                title=pc.title,
                reasons=[f"第{page.number}页 {pc.doc_type}: {', '.join(pc.hits.get(pc.doc_type, [])[:6])}"],
            )
            cur_pc = [pc]
            segments.append(cur)
            continue
        assert cur is not None
        cur.pages.append(page.number)
        cur_pc.append(pc)
        if cur.doc_type == "other" and pc.doc_type != "other":
            # a document whose first page carried no signal: the first signal decides
            cur.doc_type = pc.doc_type
            cur.confidence = pc.confidence
            cur.title = pc.title or cur.title
        elif pc.doc_type == cur.doc_type:
            cur.confidence = max(cur.confidence, pc.confidence)
    return segments

"""Bank receipt / payment voucher fields (电子回单, 业务回单, 网上银行电子回单, 转账凭证 …).

Two label styles are handled:

* compound labels — ``付款人名称：…``, ``收款账号：…``, ``付款行：…`` — read directly;
* two-column tables — a ``付款人`` / ``收款人`` marker (often vertical, one glyph per
  line) with sub-labels ``全称|户名|名称``, ``账号``, ``开户行`` on each side. The
  sub-labels are assigned to payer or payee by geometry: markers side by side → the
  marker's column (left/right of the payee marker), stacked → above/below it.

When a page holds several receipts, the first (top-most) one is read.
"""

from __future__ import annotations

import re
from functools import lru_cache

import extractor.fields.layout as L
from extractor.normalize import complete_legal_form, normalize_name, parse_date, parse_money
from extractor.textnorm import one_glyph_apart
from models.contract import FieldValue
from models.page import Page

PAYER_MARK = [
    "付款人",
    "付款方",
    "汇款人",
    "申请人",
    "付款单位",
    "出账户",
    "付方",
    "转出方",
    "付款账户",
    "付款信息",
]
PAYEE_MARK = ["收款人", "收款方", "收款单位", "入账户", "收方", "转入方", "收款账户", "收款信息"]

DIRECT = {
    "payer_name": [
        "付款人名称",
        "付款人户名",
        "付款人全称",
        "付款方户名",
        "付款方名称",
        "付款账户名称",
        "付款账户名",
        "付款户名",
        "付款单位名称",
        "汇款人名称",
        "汇款人户名",
        "出账户名",
        "付方户名",
        "付款人",
        "付款方",
        "付款单位",
        "汇款人",
    ],
    "payee_name": [
        "收款人名称",
        "收款人户名",
        "收款人全称",
        "收款方户名",
        "收款方名称",
        "收款账户名称",
        "收款账户名",
        "收款户名",
        "收款单位名称",
        "入账户名",
        "收方户名",
        "收款人",
        "收款方",
        "收款单位",
    ],
    "payer_account": [
        "付款人账号",
        "付款账号",
        "付款方账号",
        "付款账户",
        "付款人账户",
        "付款卡号",
        "汇款人账号",
        "出账账号",
        "付方账号",
    ],
    "payee_account": [
        "收款人账号",
        "收款账号",
        "收款方账号",
        "收款账户",
        "收款人账户",
        "收款卡号",
        "入账账号",
        "收方账号",
    ],
    "payer_bank": [
        "付款人开户行",
        "付款人开户银行",
        "付款方开户行",
        "付款开户行",
        "付款行名称",
        "付款行",
        "付款银行",
        "汇出行",
    ],
    "payee_bank": [
        "收款人开户行",
        "收款人开户银行",
        "收款方开户行",
        "收款开户行",
        "收款行名称",
        "收款行",
        "收款银行",
        "汇入行",
    ],
}
SUB_NAME = ["全称", "户名", "名称", "账户名称", "账户名"]
SUB_ACCOUNT = ["账号", "账户", "卡号"]
SUB_BANK = ["开户行", "开户银行", "开户机构", "开户网点", "开户行名称"]
AMOUNT_LABELS = [
    "金额(小写)",
    "小写金额",
    "小写",
    "交易金额",
    "转账金额",
    "汇款金额",
    "付款金额",
    "支付金额",
    "实付金额",
    "发生额",
    "金额",
]
WORDS_LABELS = ["金额(大写)", "大写金额", "人民币(大写)", "大写", "金额大写"]
DATE_LABELS = [
    "交易日期",
    "记账日期",
    "转账日期",
    "付款日期",
    "支付日期",
    "入账日期",
    "业务日期",
    "委托日期",
    "交易时间",
    "日期",
    "时间戳",
]
PURPOSE_LABELS = [
    ["用途", "交易用途", "汇款用途", "资金用途"],
    ["摘要", "交易摘要"],
    ["附言", "备注", "交易附言"],
    ["费用名称", "收费项目"],  # a fee receipt (付费回单): what the bank charged for
]
# serial number labels by preference: a transaction serial beats the receipt's own number
SERIAL_GROUPS = [
    ["交易流水号", "业务流水号", "银行流水号", "流水号", "交易流水"],
    ["交易序号", "交易参考号", "交易编号", "业务编号", "日志号", "交易日志号"],
    ["电子回单号码", "回单编号", "回单号码", "回单号", "凭证号码", "凭证号", "凭证编号"],
]
SERIAL_LABELS = [lab for group in SERIAL_GROUPS for lab in group]
ALL_STOPS = sorted(
    {
        *PAYER_MARK,
        *PAYEE_MARK,
        *SUB_NAME,
        *SUB_ACCOUNT,
        *SUB_BANK,
        *(lab for labs in DIRECT.values() for lab in labs),
        "金额",
        "大写",
        "小写",
        "用途",
        "摘要",
        "附言",
        "备注",
        "流水号",
        "交易日期",
        "记账日期",
        "币种",
        "业务种类",
        "交易时间",
        "回单编号",
        "凭证号",
    },
    key=len,
    reverse=True,
)
# an account: digits, masked with * or X, in dash-separated groups (01-10-6317, a finance
# company's internal account) or after a letter prefix (cdt01100500); never a date
ACCOUNT_RE = re.compile(
    r"(?!\d{4}-\d{1,2}-\d{1,2}(?!\d))(?<![A-Za-z\d])[A-Za-z]{0,4}\d(?:[\d*Xx]|-(?=\d)){5,30}[\d*Xx]"
)
MONEY_RE = re.compile(r"[-－]?(?:[¥￥]|CNY|RMB)?[-－]?\d[\d,]*\.\d{2}(?!\d)|(?:[¥￥]|CNY|RMB)\d[\d,]*")
WORDS_RE = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正]{3,}")
# a serial is 6+ characters, or a short zero-padded number after its label (网银流水号：00075)
SERIAL_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]{5,40}|(?<![0-9A-Za-z])0\d{3,4}(?![0-9A-Za-z])")
BANK_RE = re.compile(
    r"[\u4e00-\u9fa5]{2,12}银行(?:股份有限公司)?(?:[\u4e00-\u9fa5]{0,16}(?:分行|支行|营业部|分理处))?"
)


def _stops(own: list[str]) -> list[str]:
    """Every other label of a receipt: where a value that follows one of ``own`` ends."""
    return list(_stops_for(tuple(own)))


@lru_cache(maxsize=64)
def _stops_for(own: tuple[str, ...]) -> tuple[str, ...]:
    o = {L.norm(x) for x in own}
    return tuple(s for s in ALL_STOPS if L.norm(s) not in o and not any(L.norm(s) in x for x in o))


# words of a receipt's own labels: a short "name" made of them (「交易」 from 交易金额 split by
# OCR) is a label fragment, not a party
LABEL_WORDS = (
    "交易",
    "金额",
    "日期",
    "时间",
    "账号",
    "账户",
    "户名",
    "名称",
    "摘要",
    "用途",
    "附言",
    "流水",
    "开户",
    "币种",
    "渠道",
)


# what a receipt prints in its boxes besides names: 「凭证种类」「电子签名专用」「附加信息及用途」
_NOT_A_NAME_RE = re.compile(
    r"(?:种类|专用|信息|信息及|凭证|回单|附言|摘要|用途|类型|编号|流水号|印章|签章|专用章|备注|说明)$"
)


# an amount in words (大写金额 「伍万元整」), printed in the box below a payer's stacked marker
_AMOUNT_WORDS_RE = re.compile(
    r"(?:人民币)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+[圆元][零壹贰叁肆伍陆柒捌玖角分整正]*"
)


def _is_name(t: str) -> bool:
    """A party's name, not a label, a box word or an amount.

    >>> _is_name("和远智能科技股份有限公司"), _is_name("伍万元整"), _is_name("付款人名称")
    (True, False, False)
    """
    n = normalize_name(t)
    if _AMOUNT_WORDS_RE.fullmatch(n):
        return False
    if _LEADING_LABEL_RE.fullmatch(n.rstrip(":：") + "："):  # a label with no value: 「付款人名称」
        return False
    if len(n) <= 4 and any(w in n for w in LABEL_WORDS):
        return False
    if _NOT_A_NAME_RE.search(n) and not re.search(r"(?:公司|局|院|所|中心|行|社)$", n):
        return False
    return len(n) >= 2 and bool(re.search(r"[\u4e00-\u9fa5A-Za-z]{2}", n)) and not re.search(r"\d{6}", n)


def _is_bank(t: str) -> bool:
    """A bank or branch name; a channel (网上银行, 手机银行) is how, not where.

    >>> _is_bank("中国银行绵阳涪城支行"), _is_bank("网上银行"), _is_bank("手机银行")
    (True, False, False)
    """
    if re.fullmatch(r"\s*(?:网上|手机|电话|自助|企业网上|个人网上)银行\s*", t):
        return False
    return "银行" in t or "信用社" in t or "合作" in t or bool(re.search(r"支行|分行|营业部", t))


def _side_split(pages: list[Page]) -> tuple[str, float, int] | None:
    """How payer and payee blocks are separated on the first page that has both
    markers: ('x', boundary, page) when side by side, ('y', boundary, page) when stacked."""
    for page in pages:
        payer = [h for h in L.find_labels([page], PAYER_MARK) if h.bbox is not None]
        payee = [h for h in L.find_labels([page], PAYEE_MARK) if h.bbox is not None]
        if not payer or not payee:
            # vertical markers printed one glyph per line: 付/款/人 … 收/款/人
            payer = payer or _vertical_marker(page, "付款") or _vertical_marker(page, "汇款")
            payee = payee or _vertical_marker(page, "收款")
        if not payer or not payee:
            continue
        a, b = payer[0].bbox, payee[0].bbox
        if abs(a[1] - b[1]) < max(a[3] - a[1], b[3] - b[1]) * 1.5 and b[0] > a[2]:
            return ("x", b[0] - 2, page.number)
        if b[1] > a[3]:
            # stacked blocks: a marker either heads its block (rows below it) or sits at
            # the block's vertical middle (rows above and below it, 付款方 between 户名 and
            # 开户行); in the second case the blocks meet halfway between the markers
            names = [h.bbox for h in L.find_labels([page], SUB_NAME) if h.bbox is not None]
            if any(n[3] <= a[1] + 1 for n in names):
                return ("y", (a[1] + a[3] + b[1] + b[3]) / 4, page.number)
            return ("y", b[1] - 2, page.number)
    return None


def _vertical_marker(page: Page, word: str) -> list[L.Hit]:
    """A marker printed as single glyphs stacked vertically (``付`` over ``款``)."""
    singles = [r for r in L.iter_refs([page]) if r.line.bbox is not None and len(L.norm(r.line.text)) == 1]
    for r in singles:
        if L.norm(r.line.text) != word[0]:
            continue
        b = r.line.bbox
        for q in singles:
            qb = q.line.bbox
            # glyph boxes of stacked characters often overlap a little
            if (
                L.norm(q.line.text) == word[1]
                and L.h_overlap(b, qb) > 0.5
                and -0.5 * (b[3] - b[1]) <= qb[1] - b[3] <= 2 * (b[3] - b[1])
            ):
                return [L.Hit(r, 0, len(r.line.text), word, 100.0)]
    return []


def _side_of(span: L.Span, split: tuple[str, float, int]) -> str | None:
    """payer / payee by the value's position (a label shared by both columns — ``户名``
    at the left of a table whose columns are headed 付款人 | 收款人 — has one value per
    side); the label's position when the value has no box."""
    axis, boundary, page = split
    hb = span.bbox if span.bbox is not None else (span.label.bbox if span.label is not None else None)
    if hb is None or span.page != page:
        return None
    c = L.center(hb)
    v = c[0] if axis == "x" else c[1]
    return "payer" if v < boundary else "payee"


def _first_by_side(
    pages: list[Page],
    labels: list[str],
    split,
    *,
    pattern=None,
    validate=None,
    stop=None,
    squash=False,
    exclude=None,
) -> dict[str, L.Span]:
    """The first value of a sub-label (户名/账号/开户行) on each side of the split."""
    out: dict[str, L.Span] = {}
    pool = list(L.iter_refs(pages))
    label_starts = tuple(L.norm(x) for x in [*labels, *ALL_STOPS])
    for hit in L.find_labels(pages, labels, exclude=exclude):
        for cand in L.value_candidates(hit, pool, stop=stop, order=("same_line", "right", "cell")):
            if cand.how != "same_line" and L.norm(cand.text).startswith(label_starts):
                continue  # the other side's label, not a value
            ok, mt, s, e = L.accept_value(cand.text, pattern, validate, squash)
            if not ok:
                continue
            base = cand.start or 0
            sp = L.Span(mt, cand.refs, base + s, base + e, match=mt, label=hit, how=cand.how)
            side = _side_of(sp, split)
            if side and side not in out:
                out[side] = sp
            if len(out) == 2:
                return out
    if len(out) == 1 and split[0] == "x":
        # the other side's own label lost (OCR): the row label of one side is shared, so the
        # value on the same row beyond the split (past the other side's marker) is that side's
        found = next(iter(out.values()))
        hit = found.label
        if hit is not None and hit.ref.line.bbox is not None:
            marks = tuple(L.norm(m) for m in [*PAYER_MARK, *PAYEE_MARK])
            for r in L.right_of(hit.ref, pool, x_from=split[1]):
                t = L.norm(r.line.text)
                if t.startswith(marks):
                    continue  # the side's marker (收款人, printed down the column)
                if t.startswith(label_starts):
                    break  # the other side has its own label: it had its chance above
                ok, mt, s, e = L.accept_value(r.line.text, pattern, validate, squash)
                if ok:
                    sp = L.Span(mt, [r], s, e, match=mt, label=hit, how="row")
                    side = _side_of(sp, split)
                    if side and side not in out:
                        out[side] = sp
                    break
    return out


def _parties(pages: list[Page], out: dict[str, FieldValue]) -> None:
    checks = {
        "name": (_is_name, None),
        "account": (None, ACCOUNT_RE),
        "bank": (_is_bank, None),
    }
    for key, labels in DIRECT.items():
        kind = key.split("_")[1]
        validate, pattern = checks[kind]
        sp = L.find_value(
            pages,
            labels,
            stop=_stops(labels),
            validate=validate,
            pattern=pattern,
            squash=pattern is not None,
            order=("same_line", "right", "cell", "below"),
        )
        if sp is not None:
            out[key] = _field(kind, sp)
    _one_side_per_value(out)
    missing = [k for k in DIRECT if k not in out]
    if not missing:
        return
    split = _side_split(pages)
    if split is None:
        return
    for kind, labels in (("name", SUB_NAME), ("account", SUB_ACCOUNT), ("bank", SUB_BANK)):
        validate, pattern = checks[kind]
        by_side = _first_by_side(
            pages,
            labels,
            split,
            stop=_stops(labels),
            validate=validate,
            pattern=pattern,
            squash=pattern is not None,
            exclude=["开户行名称"] if kind == "name" else None,
        )
        for side, sp in by_side.items():
            key = f"{side}_{kind}"
            if key in out:
                continue
            fv = _field(kind, sp)
            other = out.get(f"{'payee' if side == 'payer' else 'payer'}_{kind}")
            if other is not None and other.page == fv.page and _same_place(other.bbox, fv.bbox):
                continue  # one printed value is one side's (「付款人名称：…」 on a fee receipt)
            out[key] = fv


_PAYER_WORD_RE = re.compile(r"付款|汇款|出账|付方|转出|申请人")
_PAYEE_WORD_RE = re.compile(r"收款|入账|收方|转入")


def _one_side_per_value(out: dict[str, FieldValue]) -> None:
    """An OCR'd label matched fuzzily (收款人账号 ~ 付款人账号) must not give one printed value
    to both sides: the side the printed label names keeps it."""
    for kind in ("name", "account", "bank"):
        a, b = out.get(f"payer_{kind}"), out.get(f"payee_{kind}")
        if a is None or b is None or a.page != b.page or not _same_place(a.bbox, b.bbox):
            continue
        text = a.source_text or ""
        if _PAYER_WORD_RE.search(text) and not _PAYEE_WORD_RE.search(text):
            del out[f"payee_{kind}"]
        elif _PAYEE_WORD_RE.search(text) and not _PAYER_WORD_RE.search(text):
            del out[f"payer_{kind}"]


def _same_place(a: list[float] | None, b: list[float] | None) -> bool:
    """Whether two value boxes are the same printed value (overlap over half the smaller)."""
    if not a or not b:
        return False
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return smaller > 0 and w * h >= 0.5 * smaller


# a label OCR kept glued to its value: 「收款人户名:大唐国际燃料贸易有限公司」
_LEADING_LABEL_RE = re.compile(
    r"^(?:付款|收款|汇款|出账|入账|付方|收方)?(?:人|方|单位|账户|户)?(?:户名|名称|全称|账户名称|姓名)\s*[:：]\s*"
)
# a name's sub-label with no colon before the name (「全 称中国农业大学」, letter-spaced): no
# organisation's name begins with one
_SPACED_SUB_LABEL_RE = re.compile(r"^(?:全\s*称|户\s*名|名\s*称)\s*(?=\S{2})")


def strip_label(text: str) -> str:
    """A value without a label glued in front of it.

    >>> strip_label("收款人户名:大唐国际燃料贸易有限公司"), strip_label("付款人名称：泉州智算科技有限公司")
    ('大唐国际燃料贸易有限公司', '泉州智算科技有限公司')
    >>> strip_label("泉州智算科技有限公司")
    '泉州智算科技有限公司'

    A sub-label printed letter-spaced has no colon (a CCB OFD receipt):

    >>> strip_label("全 称中国农业大学"), strip_label("全称中国农业大学"), strip_label("户 名 泉州智算科技有限公司")
    ('中国农业大学', '中国农业大学', '泉州智算科技有限公司')
    """
    return _SPACED_SUB_LABEL_RE.sub("", _LEADING_LABEL_RE.sub("", text, count=1), count=1)


def _field(kind: str, sp: L.Span) -> FieldValue:
    if kind == "account":
        return L.make_field(re.sub(r"\s+", "", sp.match), sp)
    if kind == "bank":
        m = BANK_RE.search(L.norm(sp.match))
        return L.make_field(m.group(0) if m else normalize_name(sp.match), sp)
    name = strip_label(normalize_name(sp.match))
    full = complete_legal_form(name)
    return L.make_field(full, sp, confidence_penalty=0.2 if full != name else 0.0)


def _amounts(pages: list[Page], out: dict[str, FieldValue]) -> None:
    sp = L.find_value(
        pages,
        AMOUNT_LABELS,
        pattern=MONEY_RE,
        squash=True,
        exclude=["金额(大写)", "大写金额", "金额大写"],
        order=("same_line", "right", "cell", "below"),
    )
    if sp is not None:
        v = parse_money(sp.match)
        if v is not None:
            out["amount"] = L.make_field(v, sp)
    sp = L.find_value(
        pages,
        WORDS_LABELS,
        validate=lambda t: bool(WORDS_RE.search(L.norm(t))),
        stop=["小写", "¥", "￥"],
        order=("same_line", "right", "cell"),
    )
    if sp is None:
        for cand in L.find_pattern(pages, WORDS_RE):
            if re.search(r"[元圆]", cand.match):
                sp = cand
                break
    if sp is not None:
        words = WORDS_RE.search(L.norm(sp.text))
        if words:
            out["amount_in_words"] = L.make_field(words.group(0), sp)
            if "amount" not in out:
                v = parse_money(words.group(0))
                if v is not None:
                    out["amount"] = L.make_field(v, sp, confidence_penalty=0.05)
    if "amount" not in out:
        # an amount printed with a currency mark and no usable label
        for cand in L.find_pattern(pages, re.compile(r"(?:[¥￥]|CNY|RMB)\s?\d[\d,]*\.\d{2}")):
            v = parse_money(cand.match)
            if v is not None:
                out["amount"] = L.make_field(v, cand, confidence_penalty=0.15)
                break


def _date(pages: list[Page], out: dict[str, FieldValue]) -> None:
    def parse(t: str):
        sq = re.sub(r"\s+", "", t)
        d = parse_date(sq)
        if d is None:
            m = re.search(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})", sq)
            if m:
                d = parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
        return d

    sp = L.find_value(
        pages,
        DATE_LABELS,
        validate=lambda t: parse(t) is not None,
        stop=_stops(DATE_LABELS),
        order=("same_line", "right", "cell", "below"),
        exclude=["打印日期", "出票日期"],
    )
    if sp is not None:
        out["pay_date"] = L.make_field(parse(sp.match), sp)
        return
    # a receipt that prints its date alone in its head, with no label (a CCB 单位客户专用回单):
    # the first line that is only a date; a labelled time (生成时间 …) is never alone on its line
    for cand in L.find_pattern(pages[:1], _LONE_DATE_RE):
        d = parse(cand.match)
        if d is not None:
            out["pay_date"] = L.make_field(d, cand, confidence_penalty=0.15)
            return


_LONE_DATE_RE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


# what a bank prints in 摘要 for its own bookkeeping: the kind of transaction, not its purpose —
# made of transaction words only (转存, 网银转账, 转账存款, 跨行汇入)
_BANK_CODE_RE = re.compile(
    r"^(?:转存|转账|转帐|存款|汇款|汇入|汇出|电汇|网银|网上银行|手机银行|转支|现存|现支|代发|收费|来账|往账"
    r"|跨行|行内|同城|异地|实时|贷记|借记|入账|汇兑)+$"
)


def _purpose(pages: list[Page], out: dict[str, FieldValue]) -> None:
    """用途, then 摘要, then 附言…: the first printed; a 摘要 that only names the bank's kind
    of transaction (转存, 网银转账) gives way to a 附言 that says what was paid for."""
    first = None
    for labels in PURPOSE_LABELS:
        sp = L.find_value(pages, labels, stop=_stops(labels), order=("same_line", "right", "cell"))
        if sp is None or not L.clean_value(sp.match):
            continue
        value = L.norm(L.clean_value(sp.match))
        if _BANK_CODE_RE.match(value):
            first = first or (value, sp)
            continue
        out["purpose"] = L.make_field(value, sp)
        return
    if first is not None:
        out["purpose"] = L.make_field(first[0], first[1])


def _serial(pages: list[Page], out: dict[str, FieldValue]) -> None:
    """The transaction serial (交易流水号) when printed, else the receipt's number."""
    for labels in SERIAL_GROUPS:
        sp = L.find_value(
            pages,
            labels,
            pattern=SERIAL_RE,
            squash=True,
            stop=_stops(SERIAL_LABELS),
            order=("same_line", "right", "cell"),
        )
        if sp is not None:
            out["serial_no"] = L.make_field(sp.match, sp)
            return


_BANK_ROOT_RE = re.compile(
    r"^(?P<v>[\u4e00-\u9fa5]{2,14}?(?:银行|信用社|信用合作联社|农村合作银行|农商银行|邮政储蓄银行))"
)


def bank_root(name: str) -> str:
    """The bank of a branch name (``中国建设银行晋江支行`` → ``中国建设银行``).

    >>> bank_root("中国建设银行晋江支行"), bank_root("招商银行股份有限公司北京分行")
    ('中国建设银行', '招商银行')
    >>> bank_root("中国邮政储蓄银行泉州分行"), bank_root("福建晋江农村商业银行营业部")
    ('中国邮政储蓄银行', '福建晋江农村商业银行')
    """
    t = L.norm(name)
    m = re.match(r"^(?P<v>.{2,16}?银行)(?:股份有限公司|有限责任公司)?", t)
    if m:
        return m.group("v")
    m = _BANK_ROOT_RE.match(t)
    return m.group("v") if m else t


# a bank's own name: 中国工商银行, 招商银行, 福建晋江农村商业银行, not 开户银行 / 网上银行 / 收款银行
_BANK_NAME_RE = re.compile(
    r"(?:中国)?[\u4e00-\u9fa5]{2,10}?(?:银行|信用社|信用合作联社)"
    r"(?<!开户银行)(?<!网上银行)(?<!手机银行)(?<!收款银行)(?<!付款银行)(?<!汇入银行)(?<!汇出银行)(?<!企业银行)(?<!个人银行)"
)


_CJK_RE = re.compile(r"[\u4e00-\u9fa5]")
# national and joint-stock banks, by the short name a sentence may embed them with
MAJOR_BANKS = (
    "中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "交通银行", "中国邮政储蓄银行",
    "招商银行", "兴业银行", "中国民生银行", "民生银行", "上海浦东发展银行", "浦发银行", "中信银行",
    "中国光大银行", "光大银行", "华夏银行", "平安银行", "广发银行", "渤海银行", "浙商银行", "恒丰银行",
)  # fmt: skip


def _bank_in_words(words: str, at_start: bool) -> str | None:
    """The bank a run of characters ending in 银行 names: a major bank embedded in a sentence
    (「该文件为中国工商银行」 → 中国工商银行), else the whole run when it starts a phrase.

    >>> _bank_in_words("该文件为中国工商银行", False), _bank_in_words("泉州银行", True), _bank_in_words("为泉州银行", False)
    ('中国工商银行', '泉州银行', None)
    """
    root = bank_root(words)
    for i in range(len(root)):
        if root[i:] in MAJOR_BANKS:
            return root[i:]
    return root if at_start else None


# traditional forms of the characters of bank names (中國銀行 on Bank of China's logo)
_TRAD = str.maketrans("國銀業農設興華發展廣東蘇濟聯區鄉", "国银业农设兴华发展广东苏济联区乡")
_INCOMING_RE = re.compile(r"收款回单|收款通知|入账|入帐|贷记|来账|汇入")


def _bank_named(text: str) -> str | None:
    """The bank a line names (a major bank inside a sentence, or a bank starting the line)."""
    t = L.norm(text).translate(_TRAD)
    for m in _BANK_NAME_RE.finditer(t):
        name = _bank_in_words(m.group(0), at_start=m.start() == 0 or not _CJK_RE.match(t[m.start() - 1]))
        if name:
            return name
    return None


def _bank(pages: list[Page], out: dict[str, FieldValue]) -> None:
    """bank_name: the bank that issued the receipt, by the strongest evidence first:

    1. the title / logo text (``中国工商银行网上银行电子回单`` → 中国工商银行; 中國銀行);
    2. a sentence of the receipt about itself (「该文件为中国工商银行电子化回单」) or the
       bank's receipt seal (电子回单专用章);
    3. the bank of the account the receipt is for: the payee's on a 收款回单 / 入账通知,
       else the payer's (branches stay in ``payer_bank`` / ``payee_bank``);
    4. the bank the page names most often."""
    refs = list(L.iter_refs(pages[:1]))
    if refs and all(r.line.bbox is not None for r in refs):
        refs = L.reading_order(refs)
    for ref in refs[:8]:
        t = L.norm(ref.line.text).translate(_TRAD)
        if len(t) > 30 or ":" in t:
            continue
        m = re.search(r"[\u4e00-\u9fa5]{2,10}?银行", t)
        if m and (re.search(r"回单|凭证|进账单|业务|通知|客户|网银", t) or t == m.group(0)):
            name = re.sub(r"(网上银行|企业网银|电子|客户|业务).*$", "", m.group(0))
            out["bank_name"] = L.make_field(bank_root(name or m.group(0)), ref)
            return
    for ref in refs:
        t = L.norm(ref.line.text)
        # not a party's field (「收款人开户行：…」): a note or sentence about the receipt
        if (
            len(t) >= 8
            and re.search(r"回单|凭证", t)
            and not re.match(r"^[^:：]{0,8}(?:行|户|名称|账号|人|方)[:：]", t)
        ):
            name = _bank_named(t)
            if name:
                out["bank_name"] = L.make_field(name, ref, confidence_penalty=0.05)
                return
    for seal in pages[0].seals:
        name = _bank_named(seal.text)
        if name:
            # a ring misreads a glyph (「中渥建设银行」): a bank the page prints one glyph away is it
            printed = {n for r in refs if (n := _bank_named(r.line.text))}
            near = [p for p in printed if one_glyph_apart(p, name)]
            name = near[0] if len(near) == 1 else name
            out["bank_name"] = FieldValue(
                value=name,
                page=pages[0].number,
                bbox=list(seal.box),
                confidence=min(0.8, seal.text_confidence or 0.8),
                source_text=seal.text,
                method="seal",
            )
            return
    heads = " ".join(L.norm(r.line.text) for r in refs[:8])
    order = ("payee_bank", "payer_bank") if _INCOMING_RE.search(heads) else ("payer_bank", "payee_bank")
    for key in order:
        if key in out and _BANK_NAME_RE.search(bank_root(str(out[key].value))):
            fv = out[key]
            out["bank_name"] = fv.model_copy(update={"value": bank_root(str(fv.value))})
            return
    named: dict[str, list[L.Ref]] = {}
    for ref in refs:
        name = _bank_named(ref.line.text)
        if name:
            named.setdefault(name, []).append(ref)
    if named:
        name, refs_of = max(named.items(), key=lambda kv: len(kv[1]))
        out["bank_name"] = L.make_field(name, refs_of[0], confidence_penalty=0.1)
    elif any(k in out for k in ("payer_bank", "payee_bank")):
        fv = out.get("payer_bank") or out["payee_bank"]
        out["bank_name"] = fv.model_copy(update={"value": bank_root(str(fv.value)), "confidence": 0.6})


NOTE_RE = re.compile(r"。\s*$|^(?:注|备注|提示|说明)[:：]|不作为|仅作为|重复记账|请勿")


def _without_notes(page: Page) -> Page:
    """The page without its printed notes (「本回单…不作为收款方发货依据。」): sentences that
    mention 收款方/付款方 in passing must not be read as party labels."""
    keep = [ln for ln in page.lines if not (len(ln.text) >= 12 and NOTE_RE.search(ln.text.strip()))]
    return page if len(keep) == len(page.lines) else page.model_copy(update={"lines": keep})


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Fields of one bank receipt (CONTRACT section 4) plus ``payer_bank``/``payee_bank``."""
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    _parties([_without_notes(p) for p in pages], out)
    _amounts(pages, out)
    _date(pages, out)
    _purpose(pages, out)
    _serial(pages, out)
    _bank(pages, out)
    return out

"""Invoice fields (增值税发票, 数电票 and the older 增值税电子普通/专用发票).

Two layouts are handled from positions, not from fixed coordinates:

* 数电票 (电子发票（增值税专用发票）/（普通发票）): 20-digit 发票号码, no 发票代码, buyer block
  (购买方信息) on the left and seller block (销售方信息) on the right, each with
  名称 + 统一社会信用代码/纳税人识别号.
* older invoices: 10/12-digit 发票代码 + 8-digit 发票号码 + 校验码 / 机器编号, buyer block
  on top (购买方), seller block at the bottom (销售方).

Buyer and seller are told apart by geometry: two 名称 labels side by side → left is the
buyer; stacked → the upper one. Line items come from the rows between the item table
header and the 合计 row, numbers assigned to the header column nearest to them.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from rapidfuzz import fuzz

import extractor.fields.layout as L
from extractor.fields.invoice_checks import mend_issue_year
from extractor.fields.invoice_ids import seal_tax_id, unlabelled_tax_ids
from extractor.fields.invoice_table import (
    TAXI_KIND_RE,
    TITLE_PLACE,
    columns,
    is_taxi,
    quota_total,
    read_items,
    read_totals,
    totals_by_sum,
    words_by_total,
    words_restored,
)
from extractor.fields.rail_ticket import is_rail_ticket, read_ticket
from extractor.normalize import normalize_name, normalize_tax_id, parse_date, region, uscc
from models.contract import FieldValue
from models.page import Page

NAME_LABELS = ["名称", "名 称"]
NAME_EXCLUDE = [
    "项目名称",
    "货物或应税劳务、服务名称",
    "服务名称",
    "货物名称",
    "劳务名称",
    "商品名称",
    "银行名称",
]
# 交款人: the payer a fiscal receipt (财政票据) names
BUYER_NAME_LABELS = ["购买方名称", "购方名称", "购货单位名称", "购买方", "交款人"]
SELLER_NAME_LABELS = ["销售方名称", "销方名称", "销货单位名称", "销售方"]
TAX_ID_LABELS = [
    "统一社会信用代码/纳税人识别号",
    "统一社会信用代码",
    "社会信用代码",
    "纳税人识别号",
    "识别号",
]
BLOCK_STOPS = [
    "纳税人识别号",
    "统一社会信用代码",
    "地址",
    "开户行",
    "密码区",
    "名称",
    "销售方",
    "购买方",
    "电话",
]
TAX_ID_RE = re.compile(r"[0-9A-Z]{15,20}")
INVOICE_NUMBER_RE = re.compile(r"(?<!\d)(\d{20}|\d{8}|\d{10,19})(?!\d)")
INVOICE_CODE_RE = re.compile(r"(?<!\d)(\d{12}|\d{10})(?!\d)")
RED_ORIGINAL_RE = re.compile(
    r"(?:被红冲蓝字|蓝字|对应正数|原)(?:数电票?|全电)?(?:发票)?号码\s*[:：]?\s*(\d{8,20})"
)
RED_ORIGINAL_CODE_RE = re.compile(r"(?:对应正数|原|蓝字)发票代码\s*[:：]?\s*(\d{10,12})")
# a paper red-letter invoice: 「对应正数发票代码：4500174320号码：01608738」
RED_ORIGINAL_AFTER_CODE_RE = re.compile(
    r"(?:对应正数|原|蓝字)发票代码\s*[:：]?\s*\d{10,12}\s*号码\s*[:：]?\s*(\d{8,20})"
)


def _prepare(pages: list[Page]) -> list[Page]:
    """Rebuild one-glyph-per-line pages; drop long vertical side texts (printer's imprint
    ``税总函〔2018〕340号…``, ``第二联：发票联…``) that would cut through table rows."""
    out = []
    for p in pages:
        if L.glyph_fragmented(p):
            p = L.merge_glyph_lines(p)
        keep = [ln for ln in p.lines if not _vertical_noise(ln)]
        if len(keep) != len(p.lines):
            p = p.model_copy(update={"lines": keep})
        out.append(p)
    return out


def _vertical_noise(ln) -> bool:
    b = ln.bbox
    if b is None or len(L.norm(ln.text)) <= 3:
        return False
    return (b[3] - b[1]) > 2.5 * (b[2] - b[0])


def _face_pages(pages: list[Page]) -> list[Page]:
    """Pages that carry the invoice face (number / totals), else all pages."""
    face = [p for p in pages if re.search(r"发票号码|价税合计|开票日期", L.page_norm_text(p))]
    return face or pages


# a full date: 2023年3月1日, or 2019-11-25 as a taxi meter prints it
_FULL_DATE_RE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.]))"
)


def _only_date(page: Page, out: dict[str, FieldValue]) -> None:
    """The issue date when its label and value were read apart (a photo's value boxed above
    「开票日期：」): a VAT invoice's face prints one full date, so a single distinct full date
    on the page is it (at a lower confidence); two or more say nothing."""
    found: dict[object, L.Ref] = {}
    for ref in L.iter_refs([page]):
        for m in _FULL_DATE_RE.finditer(L.norm(ref.line.text)):
            d = parse_date(m.group(0))
            if d is not None:
                found.setdefault(d, ref)
    if len(found) == 1:
        ((d, ref),) = found.items()
        out["issue_date"] = L.make_field(d, ref, confidence_penalty=0.2)


def _fv(value, span: L.Span, penalty: float = 0.0) -> FieldValue:
    return L.make_field(value, span, confidence_penalty=penalty)


# ----------------------------------------------------------------- title / kind


def kind_from_code(code: str) -> str | None:
    """The kind of a paper VAT invoice from its 发票代码: in a 10-digit code the 8th digit
    (1 and 5: 增值税专用发票; 3 and 6: 增值税普通发票); in a 12-digit code of the VAT system
    (leading 0) the last two (04, 05: 增值税普通发票 of two or five parts; 06, 07: the roll
    invoice 增值税普通发票(卷票), 57 or 76 mm wide; 11: 增值税电子普通发票); other codes say
    nothing here.

    >>> kind_from_code("4400154130"), kind_from_code("3200173320"), kind_from_code("023001700107")
    ('增值税专用发票', '增值税普通发票', '增值税普通发票(卷票)')
    >>> kind_from_code("044031900111"), kind_from_code("144031900111"), kind_from_code("011001700112")
    ('增值税电子普通发票', None, None)
    """
    if not code.isdigit():
        return None
    if len(code) == 12 and code[0] == "0":
        return {
            "04": "增值税普通发票",
            "05": "增值税普通发票",
            "06": "增值税普通发票(卷票)",
            "07": "增值税普通发票(卷票)",
            "11": "增值税电子普通发票",
        }.get(code[-2:])
    if len(code) != 10:
        return None
    return {"1": "增值税专用发票", "5": "增值税专用发票", "3": "增值税普通发票", "6": "增值税普通发票"}.get(
        code[7]
    )


def _in_order(part: str, whole: str) -> bool:
    """Whether ``part``'s characters appear in ``whole`` in order (「增值税普通发票」 in
    「增值税电子普通发票」); an empty ``part`` does.

    >>> _in_order("增值税普通发票", "增值税电子普通发票"), _in_order("增值税专用发票", "增值税电子普通发票")
    (True, False)
    """
    it = iter(whole)
    return all(ch in it for ch in part)


def normalize_kind(title: str) -> str | None:
    """The invoice kind from a printed title.

    >>> normalize_kind("电子发票(增值税专用发票)")
    '电子发票（增值税专用发票）'
    >>> normalize_kind("安徽增值税电子普通发票")
    '增值税电子普通发票'
    >>> normalize_kind("深圳增值税普通发票")
    '增值税普通发票'
    >>> normalize_kind("深圳电子普通发票")
    '深圳电子普通发票'
    >>> normalize_kind("天津增值魏电子普通发票")  # 税 under the 监制章, misread
    '增值税电子普通发票'
    >>> normalize_kind("江苏省车辆通行费通用（电子）发票"), normalize_kind("江苏省车辆通行费票据（电子）")
    ('江苏省车辆通行费通用(电子)发票', '江苏省车辆通行费票据(电子)')
    >>> normalize_kind("广东省广州市国家税务局通用机打发票")
    '广东省广州市国家税务局通用机打发票'
    >>> normalize_kind("发票联 通用机打发票")
    '通用机打发票'
    >>> normalize_kind("深圳市出租汽车专用发票"), normalize_kind("深圳市出租汽晕传发票")
    ('深圳市出租汽车专用发票', '深圳市出租汽车专用发票')
    >>> normalize_kind("开票日期") is None
    True
    """
    t = L.norm(title)
    m = re.search(r"电子发票\(([^()]{2,16})\)", t)
    if m:
        return f"电子发票（{m.group(1)}）"
    # OCR may drop a bracket: "电子发票增值税专用发票)"
    m = re.search(r"电子发票\(?((?:增值税)?(?:专用|普通)发票)\)?", t)
    if m:
        return f"电子发票（{m.group(1)}）"
    m = re.search(r"增值税(?:电子)?(?:普通|专用)发票(?:\((?:卷票|卷式|折叠票)\))?", t)
    if m:
        return m.group(0).replace("(", "（").replace(")", "）")
    # the 监制章 is printed over the title's middle: one glyph of 增值税 misread or lost
    m = re.search(r"增值[^\d\s:()]?((?:电子)?(?:普通|专用)发票)$", t)
    if m:
        return f"增值税{m.group(1)}"
    # a toll invoice: 「江苏省车辆通行费通用(电子)发票」, the kind as printed
    m = re.fullmatch(r"[\u4e00-\u9fff]{2,8}?(?:省|市|自治区)车辆通行费[\u4e00-\u9fff()]{0,10}发票", t)
    if m:
        return m.group(0)
    # a fiscal receipt (财政票据: 「江苏省车辆通行费票据(电子)」, 非税收入票据): the kind as printed
    m = re.fullmatch(r"[\u4e00-\u9fff]{2,8}?(?:省|市|自治区)[\u4e00-\u9fff]{2,12}?票据(?:\(电子\))?", t)
    if m:
        return m.group(0)
    # a city's taxi receipt (深圳市出租汽车专用发票): the kind as printed
    m = re.fullmatch(TAXI_KIND_RE, t)
    if m:
        return m.group(0)
    # ... with a glyph or two of its wording misread (「深圳市出租汽晕传发票」): the one of the
    # two taxi wordings it is nearest to, when it is near
    m = re.fullmatch(r"(?P<place>" + TITLE_PLACE + r")(?P<rest>出租[\u4e00-\u9fff]{2,6}发票)", t)
    if m:
        best = max(_TAXI_WORDINGS, key=lambda w: fuzz.ratio(m.group("rest"), w))
        if fuzz.ratio(m.group("rest"), best) >= 60:
            return m.group("place") + best
    m = re.search(r"(?:通用机打|机动车销售统一|二手车销售统一|通用定额|全电|数电)[^\d:]{0,8}发票$", t)
    if m:
        # a non-VAT title is the kind as printed, with the issuing place or bureau before it
        whole = re.fullmatch(r"[\u4e00-\u9fff]{2,24}?(?:省|市|区|县|局)" + re.escape(m.group(0)), t)
        return whole.group(0) if whole else m.group(0)
    # Shenzhen's blockchain e-invoice names its city: 深圳电子普通发票
    m = re.fullmatch(r"[\u4e00-\u9fa5]{2,3}电子(?:普通|专用)发票", t)
    if m:
        return m.group(0)
    return None


def _title_rows(page: Page) -> list[tuple[str, list[L.Ref]]]:
    """Each line, and each run of lines side by side on one row with small gaps (a title
    split by OCR: ``电子发票`` + ``（增值税专用发票）``)."""
    refs = list(L.iter_refs([page]))
    out = [(ref.line.text, [ref]) for ref in refs]
    boxed = [r for r in refs if r.line.bbox is not None]
    for r in boxed:
        if not re.search(r"发票|电子|增值税", r.line.text):
            continue
        b = r.line.bbox
        h = b[3] - b[1]
        run = [r]
        while True:
            last = run[-1].line.bbox
            nxt = [
                x
                for x in boxed
                if x not in run
                and L.v_overlap(last, x.line.bbox) >= 0.5
                and -0.3 * h <= x.line.bbox[0] - last[2] <= 1.0 * h
            ]
            if not nxt or len(run) >= 4:
                break
            run.append(min(nxt, key=lambda x: x.line.bbox[0]))
            out.append(("".join(x.line.text for x in run), list(run)))
        place = _place_above(r, boxed)
        if place is not None:
            out.append((place.line.text + r.line.text, [place, r]))
    return out


def _is_place(t: str) -> bool:
    """Whether ``t`` is only division names, a province's short one too (「内蒙古」,
    「广东省广州市」), nothing else.

    >>> _is_place("内蒙古"), _is_place("广东省广州市"), _is_place("国家税务总局北京市")
    (True, True, False)
    """
    return bool(t) and "".join(n for n, _c, _s in region.find_divisions(t)) == t


def _place_above(title: L.Ref, boxed: list[L.Ref]) -> L.Ref | None:
    """The place printed over a non-VAT title on a line of its own (「内蒙古」 over
    「出租汽车通用机打发票」): a line that is only a place, right above the title (its bottom
    within a title's height of the title's top) and across its middle."""
    if not re.search(r"出租|通用机打|定额", title.line.text):
        return None
    b = title.line.bbox
    h = b[3] - b[1]
    for x in boxed:
        xb = x.line.bbox
        if (
            x is not title
            and _is_place(L.norm(x.line.text))
            and b[1] - h <= xb[3] <= b[1] + 0.5 * h
            and b[0] <= (xb[0] + xb[2]) / 2 <= b[2]
        ):
            return x
    return None


def _kind(pages: list[Page]) -> tuple[str, L.Span | list[L.Ref]] | None:
    best: tuple[float, str, list[L.Ref]] | None = None
    for p in pages[:1]:
        for text, refs in _title_rows(p):
            t = L.norm(text)
            if (
                ("发票" not in t and "票据" not in t)
                or len(t) > 30
                or re.search(r"号码|代码|监制|专用章|开票", t)
            ):
                continue
            kind = normalize_kind(t)
            if not kind:
                continue
            b = L.bbox_union(r.line.bbox for r in refs)
            h = (b[3] - b[1]) if b else 0.0
            top = b[1] if b else refs[0].index
            score = h * 10 - top * 0.01 + len(kind)
            if best is None or score > best[0]:
                best = (score, kind, refs)
    if best is None:
        return None
    refs = best[2]
    return best[1], (L.span_of_line(refs[0]) if len(refs) == 1 else refs)


# ----------------------------------------------------------------- header fields


_TAXI_WORDINGS = ("出租汽车专用发票", "出租汽车通用机打发票")
_REVERSED_RE = re.compile(r"对应|正数发票|蓝字发票|原发票")


def _number_fields(pages: list[Page], out: dict[str, FieldValue]) -> None:
    found = L.find_values(
        pages,
        ["发票号码", "发票号", "号码"],
        pattern=INVOICE_NUMBER_RE,
        squash=True,
        exclude=["发票代码", "号码区", "账号"],
    )
    # a red-letter invoice's remark names the blue invoice it reverses (「对应正数发票代码：…
    # 号码：…」): that is the original's number (RED_ORIGINAL_RE), not this one's
    # a label read exactly before one matched loosely (「发票代码」 is one glyph from 「发票号码」)
    found.sort(key=lambda f: -(f.label.score if f.label is not None else 0.0))
    sp = next((f for f in found if not _REVERSED_RE.search(L.norm(f.refs[0].line.text))), None)
    if sp is None:
        # paper invoices: "No 41108527" printed in the top right
        for cand in L.find_pattern(pages[:1], re.compile(r"N[oO0][.:]?\s*(\d{8})(?!\d)")):
            sp = cand
            sp.match = re.search(r"\d{8}", cand.match).group(0)
            break
    if sp is not None:
        out["invoice_number"] = _fv(sp.match, sp)
    sp = L.find_value(pages, ["发票代码"], pattern=INVOICE_CODE_RE, squash=True)
    if sp is None:  # a fiscal receipt's code: 8 digits after 票据代码, printed as such
        sp = L.find_value(
            pages, ["票据代码"], pattern=re.compile(r"(?<![0-9A-Za-z])\d{8}(?![0-9A-Za-z])"), squash=True
        )
        if sp is not None and (
            sp.label is None or "票据" not in sp.label.ref.line.text[sp.label.start : sp.label.end]
        ):
            sp = None
    if sp is not None:
        out["invoice_code"] = _fv(sp.match, sp)
    elif "invoice_number" in out and len(str(out["invoice_number"].value)) == 8:
        # paper invoices print the code without a label (big top left, small top right)
        page = pages[0]
        cands = [
            r
            for r in L.iter_refs([page])
            if r.line.bbox is not None
            and (not page.height or r.line.bbox[1] < page.height * 0.3)
            and re.fullmatch(r"\d{10}|\d{12}", re.sub(r"\s+", "", r.line.text))
        ]
        if cands:
            counts = Counter(re.sub(r"\s+", "", r.line.text) for r in cands)
            code, n = counts.most_common(1)[0]
            ref = next(r for r in cands if re.sub(r"\s+", "", r.line.text) == code)
            out["invoice_code"] = L.make_field(code, ref, confidence_penalty=0.05 if n > 1 else 0.15)
    sp = L.find_value(
        pages,
        ["开票日期", "填开日期", "开具日期"],
        order=("line_row", "below"),
        validate=lambda t: _parse_loose_date(t) is not None,
    )
    if sp is not None:
        d = _parse_loose_date(sp.match)
        if d is not None:
            out["issue_date"] = _fv(d, sp)
    if "issue_date" not in out:
        _only_date(pages[0], out)
    mend_issue_year(out)
    # 20 digits; 5 hexadecimal characters on Shenzhen's blockchain e-invoices; 6 letters and
    # digits on a fiscal e-receipt (「校验码：NEmgbi」)
    sp = L.find_value(
        pages,
        ["校验码", "校 验 码"],
        pattern=re.compile(
            r"\d{20}|(?<![0-9a-z])[0-9a-f]{5}(?![0-9a-z])|(?<![0-9A-Za-z])[0-9A-Za-z]{6}(?![0-9A-Za-z])"
        ),
        squash=True,
    )
    if sp is not None:
        out["check_code"] = _fv(sp.match, sp)
    elif pages and pages[0].height:
        # the label broken over lines (「校  验」「码」「：」): the header's line of 20 digits
        page = pages[0]
        taken = {str(out[k].value) for k in ("invoice_number", "invoice_code") if k in out}
        for r in L.iter_refs([page]):
            squashed = re.sub(r"\s+", "", r.line.text)
            if squashed in taken or "invoice_code" not in out:
                continue  # a 数电票's 20-digit number; 数电票 have no check code (and no code)
            if (
                r.line.bbox is not None
                and r.line.bbox[1] < page.height * 0.3
                and re.fullmatch(r"\d{20}", squashed)
            ):
                out["check_code"] = L.make_field(squashed, r, confidence_penalty=0.1)
                break
    sp = L.find_value(pages, ["机器编号"], pattern=re.compile(r"\d{9,15}"), squash=True)
    if sp is not None:
        out["machine_no"] = _fv(sp.match, sp)


def _parse_loose_date(text: str):
    """Dates printed as ``2021 04 28`` + separate 年/月/日 glyphs, or normally; a year, the
    年月日 glyphs and the month and day run together (``2025 年月日 1024``).

    >>> _parse_loose_date("2025 年月日 1024"), _parse_loose_date("2021 04 28 年 月 日")
    (datetime.date(2025, 10, 24), datetime.date(2021, 4, 28))
    """
    sq = re.sub(r"\s+", "", text)
    d = parse_date(sq)
    if d is not None:
        return d
    nums = re.findall(r"\d+", text)
    if len(nums) >= 3 and len(nums[0]) == 4:
        return parse_date(f"{nums[0]}-{nums[1]}-{nums[2]}")
    if len(nums) == 2 and len(nums[0]) == 4 and len(nums[1]) == 4 and "年" in text:
        return parse_date(f"{nums[0]}-{nums[1][:2]}-{nums[1][2:]}")
    return None


# ----------------------------------------------------------------- parties


_ROLE_WORDS = (("seller", ("销售方", "销方", "售方")), ("buyer", ("购买方", "购方", "买方")))


def _role_in(text: str) -> str | None:
    t = L.norm(text)
    for side, words in _ROLE_WORDS:
        if any(w in t for w in words):
            return side
    return None


def _roles_by_words(spans: list[L.Span], page: Page) -> list[tuple[str, L.Span]] | None:
    """Roles named in the labels (「销售方名称」 above 「购买方名称」 on a roll invoice, the
    seller first): a span whose label line names no role takes the role of the nearest
    「…方名称」 line above it (its block). None unless every span gets a role and no two
    the same one: then geometry decides."""
    heads = [
        r
        for r in L.iter_refs([page])
        if r.line.bbox is not None and "名称" in L.norm(r.line.text) and _role_in(r.line.text)
    ]
    roles: list[str] = []
    for sp in spans:
        lab = sp.label
        role = _role_in(lab.ref.line.text[: lab.end]) if lab is not None else None
        if role is None and lab is not None and lab.bbox is not None:
            above = [h for h in heads if h.line.bbox[1] <= lab.bbox[1]]
            if above:
                role = _role_in(max(above, key=lambda h: h.line.bbox[1]).line.text)
        if role is None:
            return None
        roles.append(role)
    if len(set(roles)) != len(roles):
        return None
    return list(zip(roles, spans, strict=True))


def _side_of(spans: list[L.Span], page: Page) -> list[tuple[str, L.Span]]:
    """Assign spans found for the same label to buyer/seller: by the role words of their
    labels where every one names a role, else by geometry."""
    if not spans:
        return []
    by_words = _roles_by_words(spans[:2], page)
    if by_words is not None:
        return by_words
    with_box = [s for s in spans if s.label is not None and s.label.bbox is not None]
    if len(with_box) < len(spans):
        # no geometry: document order (buyer first)
        return list(zip(["buyer", "seller"], spans, strict=False))
    if len(spans) >= 2:
        a, b = spans[0], spans[1]
        ab, bb = a.label.bbox, b.label.bbox
        if L.v_overlap(ab, bb) >= 0.5:
            left, right = (a, b) if ab[0] <= bb[0] else (b, a)
            return [("buyer", left), ("seller", right)]
        top, bottom = (a, b) if ab[1] <= bb[1] else (b, a)
        return [("buyer", top), ("seller", bottom)]
    s = spans[0]
    return [(_side_by_markers(s, page), s)]


def _side_by_markers(span: L.Span, page: Page) -> str:
    """One label alone: decide from the nearest 购/销 block marker, else the page half."""
    hb = span.label.bbox if span.label else span.bbox
    best: tuple[float, str] | None = None
    for ref in L.iter_refs([page]):
        t = L.norm(ref.line.text)
        if ref.line.bbox is None or len(t) > 6:
            continue
        side = "buyer" if t.startswith(("购", "买")) else "seller" if t.startswith(("销", "售")) else None
        if side is None:
            continue
        cx, cy = L.center(ref.line.bbox)
        hx, hy = L.center(hb)
        if cx > hx + 5:
            continue  # markers sit left of their block
        d = abs(cy - hy) + 0.3 * abs(cx - hx)
        if best is None or d < best[0]:
            best = (d, side)
    if best is not None:
        return best[1]
    cx, cy = L.center(hb)
    if page.width and cx > page.width * 0.5:
        return "seller"
    if page.height and cy > page.height * 0.6:
        return "seller"
    return "buyer"


def _lone_name_labels(page: Page, names: list[L.Span]) -> list[L.Span]:
    """OCR often keeps only ``名`` of a letter-spaced ``名  称`` label: use such a lone
    glyph as the label when a name-like value sits right of it."""
    pool = list(L.iter_refs([page]))
    used = {(s.label.ref.index if s.label else -1) for s in names} | {s.refs[0].index for s in names}
    out = list(names)
    for ref in pool:
        if L.norm(ref.line.text) not in {"名", "名:", "称", "称:"} or ref.index in used:
            continue
        hit = L.Hit(ref, 0, len(ref.line.text), "名称", 80.0)
        sp = L.value_for(
            hit,
            pool,
            stop=[*BLOCK_STOPS, "名称"],
            order=("right",),
            # not the cipher block's row right of 名 (「03>890293127708-6-1<480<5930」)
            validate=lambda t: (
                len(normalize_name(t)) >= 4
                and not re.search(r"[:：]", t)
                and not re.fullmatch(r"[\d\W]+", t)
                and not _caption(t)
            ),
        )
        if sp is not None and sp.refs[0].index not in used and not re.search(r"规格|型号|单位|数量", sp.text):
            out.append(sp)
            used.add(sp.refs[0].index)  # 「名」 and 「称：」 of one label find the same value
    out.sort(key=lambda s: (s.refs[0].line.bbox or (0, 0, 0, 0))[1])
    return out


def _caption(text: str) -> bool:
    """A bracketed caption printed in a box (「(代开机关)」, 「(章)」, 「(完税凭证号)」) is no name.

    >>> _caption("(代开机关)"), _caption("（章）"), _caption("福州市台江区税务局(代开机关)")
    (True, True, False)
    """
    return bool(re.fullmatch(r"\s*[(（][^()（）]*[)）]\s*", text))


def _column_head(text: str) -> bool:
    """The items table's head under a blank 顾客名称 (「项目」, 「金额」) is no name."""
    return L.norm(text) in {
        "项目",
        "项目名称",
        "单价",
        "数量",
        "金额",
        "税率",
        "税额",
        "单位",
        "规格型号",
        "摘要",
    }


# how an organisation's name ends (a name cut at a line wrap does not)
_ORG_END_RE = re.compile(
    r"(?:公司|厂|店|站|中心|院|所|局|社|部|行|馆|场|队|会|处|校|园|室|集团|门市|商行|经营部|合作社)$"
)
_LABEL_WORD_RE = re.compile(r"名称|纳税人|识别号|地址|电话|开户|账号|日期|号码|代码|[:：]")


def _wrapped_name(page: Page, sp: L.Span) -> FieldValue | None:
    """A party's name wrapped onto the next line (a roll invoice's narrow paper: 「销售方名称
    中国石化销售有限公司黑龙江哈尔」 over 「滨石油分公司」): the line right below the value, in its
    column, with nothing left of it on its row and no label in it, completes the name when
    the name read does not end as an organisation's does and the joined one does."""
    name = normalize_name(sp.match)
    vb = sp.bbox
    if vb is None or len(name) < 6 or _ORG_END_RE.search(name):
        return None
    h = max(vb[3] - vb[1], 1.0)
    pool = [r for r in L.iter_refs([page]) if r.line.bbox is not None]
    for r in pool:
        b = r.line.bbox
        text = L.norm(r.line.text)
        if not (vb[1] + 0.5 * h < b[1] < vb[3] + h and vb[0] - h <= b[0] < vb[2]) or len(text) > 14:
            continue
        if _LABEL_WORD_RE.search(text) or any(
            q.line.bbox[2] <= b[0] and L.v_overlap(b, q.line.bbox) >= 0.5 for q in pool if q is not r
        ):
            continue
        joined = normalize_name(name + text)
        if _ORG_END_RE.search(joined):
            return L.make_field(joined, [sp, r], confidence_penalty=0.05)
    return None


def _parties(pages: list[Page], out: dict[str, FieldValue]) -> None:
    page = pages[0]
    names = L.find_values(
        [page],
        NAME_LABELS,
        stop=[*BLOCK_STOPS, "名称"],
        exclude=NAME_EXCLUDE,
        validate=lambda t: (
            len(normalize_name(t)) >= 2 and not re.fullmatch(r"[\d\W]+", t) and not _caption(t)
        ),
    )
    names = [s for s in names if not re.search(r"规格|型号|单位|数量", s.text) and not _column_head(s.text)]
    if len(names) < 2:
        names = _lone_name_labels(page, names)
    for side, sp in _side_of(names, page):
        out.setdefault(f"{side}_name", _wrapped_name(page, sp) or _fv(normalize_name(sp.match), sp))
    for side, labels in (("buyer", BUYER_NAME_LABELS), ("seller", SELLER_NAME_LABELS)):
        if f"{side}_name" in out:
            continue
        sp = L.find_value(
            [page],
            labels,
            stop=BLOCK_STOPS,
            validate=lambda t: (
                len(normalize_name(t)) >= 4
                and not re.search(r"信息|名称|\(章\)|:", L.norm(t))
                and not _caption(t)
            ),
            order=("same_line", "right"),
        )
        if sp is not None:
            out[f"{side}_name"] = _fv(normalize_name(sp.match), sp)
    ids = L.find_values(
        [page],
        TAX_ID_LABELS,
        pattern=TAX_ID_RE,
        squash=True,
        # the other party's tax-id label on the same row ends the search
        stop=["地址", "名称", "开户行", "纳税人识别号", "统一社会信用代码"],
    )
    # drop duplicates (the combined label also contains its parts on the same line)
    seen: set[tuple[int, int]] = set()
    uniq = []
    for s in ids:
        key = (s.refs[0].page.number, s.refs[0].index)
        if key in seen:
            continue
        seen.add(key)
        uniq.append(s)
    for side, sp in _side_of(uniq, page):
        raw = uscc.compact(sp.match)
        code = normalize_tax_id(raw)
        if code is None:
            continue
        penalty = 0.15 if code != raw else 0.0
        if len(code) == 18 and not uscc.is_valid(code):
            penalty += 0.2
        out.setdefault(f"{side}_tax_id", _fv(code, sp, penalty))
    if "seller_tax_id" not in out:
        seal_tax_id(page, out)
    if "buyer_tax_id" not in out or "seller_tax_id" not in out:
        unlabelled_tax_ids(page, out)


def _sum_items(out: dict[str, FieldValue]) -> None:
    """Sums of the line items stand in for an unreadable 合计 amount / tax."""
    items_fv = out.get("line_items")
    if items_fv is None:
        return
    items = items_fv.value
    for field, key in (("amount_excl_tax", "amount"), ("tax_amount", "tax_amount")):
        if field in out or not items or not all(key in it for it in items):
            continue
        total = sum((it[key] for it in items), Decimal("0.00"))
        out[field] = items_fv.model_copy(
            update={"value": total, "confidence": round(max(0.0, items_fv.confidence - 0.2), 3)}
        )


def _red_letter(pages: list[Page], out: dict[str, FieldValue]) -> None:
    text = L.all_norm_text(pages)
    refs = list(L.iter_refs(pages))
    evidence: L.Ref | None = None
    red = False
    for ref in refs:
        t = L.norm(ref.line.text)
        if "销项负数" in t or "红字发票" in t or "被红冲" in t or ("负数" in t and len(t) < 20):
            red, evidence = True, evidence or ref
    for key in ("total_incl_tax", "amount_excl_tax"):
        fv = out.get(key)
        if fv is not None and isinstance(fv.value, Decimal) and fv.value < 0:
            red = True
    words = out.get("total_in_words")
    if words is not None and str(words.value).startswith("负"):
        red = True
    m = RED_ORIGINAL_RE.search(text) or RED_ORIGINAL_AFTER_CODE_RE.search(text)
    if m:
        red = True
        ref = next((r for r in refs if m.group(1) in L.norm(r.line.text)), None)
        out["original_invoice_number"] = L.make_field(m.group(1), ref)
    m = RED_ORIGINAL_CODE_RE.search(text)
    if m:
        ref = next((r for r in refs if m.group(1) in L.norm(r.line.text)), None)
        out["original_invoice_code"] = L.make_field(m.group(1), ref)
    if red:
        src = evidence or (out["total_incl_tax"] if "total_incl_tax" in out else None)
        if isinstance(src, L.Ref):
            out["red_letter"] = L.make_field(True, src)
        elif isinstance(src, FieldValue):
            out["red_letter"] = src.model_copy(update={"value": True})
        else:
            out["red_letter"] = FieldValue(value=True, page=pages[0].number, confidence=0.8)
    elif "total_incl_tax" in out:
        out["red_letter"] = out["total_incl_tax"].model_copy(update={"value": False, "source_text": None})


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Fields of one invoice (its pages): see CONTRACT section 4 plus ``line_items``,
    ``red_letter``, ``original_invoice_number``/``original_invoice_code``, ``machine_no``."""
    out: dict[str, FieldValue] = {}
    pages = _prepare(pages)
    if not pages:
        return out
    face = _face_pages(pages)
    first = face[0]
    k = _kind([first])
    if k is not None:
        out["invoice_kind"] = _fv(k[0], k[1])
    _number_fields([first], out)
    read = str(out["invoice_kind"].value) if "invoice_kind" in out else ""
    if "invoice_code" in out:
        # the title hidden (a seal over 「增值税专用」), or read in part (「普通发票」 of a photo
        # whose 「增值税电子」 was lost): a VAT invoice's code names its kind
        kind = kind_from_code(str(out["invoice_code"].value))
        if kind is not None and kind != read and _in_order(read, kind):
            out["invoice_kind"] = out["invoice_code"].model_copy(
                update={"value": kind, "confidence": min(0.6, out["invoice_code"].confidence)}
            )
    _parties([first], out)
    if is_taxi(out) and "buyer_name" in out and "seller_name" not in out:
        # a taxi receipt names only the taxi company (单位名称): the seller; the rider is nobody's
        out["seller_name"] = out.pop("buyer_name")
    cols = columns(first)
    read_items(first, out, cols)
    read_totals(first, out, cols)
    if is_rail_ticket("".join(ln.text for ln in first.lines)):
        read_ticket(first, out)
    totals_by_sum(first, out)
    words_by_total(first, out)
    words_restored(out)
    quota_total(first, out)
    _sum_items(out)
    _red_letter(pages, out)
    return out

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
from decimal import Decimal, InvalidOperation

import extractor.fields.layout as L
from extractor.normalize import normalize_name, normalize_tax_id, parse_date, parse_money, round_money, uscc
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
BUYER_NAME_LABELS = ["购买方名称", "购方名称", "购货单位名称", "购买方"]
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
MONEY_TOKEN = re.compile(r"[-－]?[¥￥]?[-－]?\d[\d,]*\.\d{1,2}(?!\d)|[-－]?[¥￥][-－]?\d[\d,]*")
RATE_RE = re.compile(r"(\d{1,2}(?:\.\d+)?)\s*%|免税|不征税|\*\*\*")
ITEM_NAME_RE = re.compile(r"^[*＊※][^*＊※]{1,20}[*＊※]")
WORDS_RE = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正负]+")
INVOICE_NUMBER_RE = re.compile(r"(?<!\d)(\d{20}|\d{8}|\d{10,19})(?!\d)")
INVOICE_CODE_RE = re.compile(r"(?<!\d)(\d{12}|\d{10})(?!\d)")
RED_ORIGINAL_RE = re.compile(
    r"(?:被红冲蓝字|蓝字|对应正数|原)(?:数电票?|全电)?(?:发票)?号码\s*[:：]?\s*(\d{8,20})"
)
RED_ORIGINAL_CODE_RE = re.compile(r"(?:对应正数|原|蓝字)发票代码\s*[:：]?\s*(\d{10,12})")


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


def _fv(value, span: L.Span, penalty: float = 0.0) -> FieldValue:
    return L.make_field(value, span, confidence_penalty=penalty)


# ----------------------------------------------------------------- title / kind


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
    m = re.search(r"(?:通用机打|机动车销售统一|二手车销售统一|通用定额|全电|数电)[^\d:]{0,8}发票$", t)
    if m:
        return m.group(0)
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
    return out


def _kind(pages: list[Page]) -> tuple[str, L.Span | list[L.Ref]] | None:
    best: tuple[float, str, list[L.Ref]] | None = None
    for p in pages[:1]:
        for text, refs in _title_rows(p):
            t = L.norm(text)
            if "发票" not in t or len(t) > 30 or re.search(r"号码|代码|监制|专用章|开票", t):
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


def _number_fields(pages: list[Page], out: dict[str, FieldValue]) -> None:
    sp = L.find_value(
        pages,
        ["发票号码", "发票号", "号码"],
        pattern=INVOICE_NUMBER_RE,
        squash=True,
        exclude=["发票代码", "号码区", "账号"],
    )
    if sp is None:
        # paper invoices: "No 41108527" printed in the top right
        for cand in L.find_pattern(pages[:1], re.compile(r"N[oO0][.:]?\s*(\d{8})(?!\d)")):
            sp = cand
            sp.match = re.search(r"\d{8}", cand.match).group(0)
            break
    if sp is not None:
        out["invoice_number"] = _fv(sp.match, sp)
    sp = L.find_value(pages, ["发票代码"], pattern=INVOICE_CODE_RE, squash=True)
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
    # 20 digits; 5 hexadecimal characters on Shenzhen's blockchain e-invoices
    sp = L.find_value(
        pages,
        ["校验码", "校 验 码"],
        pattern=re.compile(r"\d{20}|(?<![0-9a-z])[0-9a-f]{5}(?![0-9a-z])"),
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
    """Dates printed as ``2021 04 28`` + separate 年/月/日 glyphs, or normally."""
    sq = re.sub(r"\s+", "", text)
    d = parse_date(sq)
    if d is not None:
        return d
    nums = re.findall(r"\d+", text)
    if len(nums) >= 3 and len(nums[0]) == 4:
        return parse_date(f"{nums[0]}-{nums[1]}-{nums[2]}")
    return None


# ----------------------------------------------------------------- parties


def _side_of(spans: list[L.Span], page: Page) -> list[tuple[str, L.Span]]:
    """Assign spans found for the same label to buyer/seller by geometry."""
    if not spans:
        return []
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
            validate=lambda t: len(normalize_name(t)) >= 4 and not re.search(r"[:：]", t),
        )
        if sp is not None and sp.refs[0].index not in used and not re.search(r"规格|型号|单位|数量", sp.text):
            out.append(sp)
            used.add(sp.refs[0].index)  # 「名」 and 「称：」 of one label find the same value
    out.sort(key=lambda s: (s.refs[0].line.bbox or (0, 0, 0, 0))[1])
    return out


def _parties(pages: list[Page], out: dict[str, FieldValue]) -> None:
    page = pages[0]
    names = L.find_values(
        [page],
        NAME_LABELS,
        stop=[*BLOCK_STOPS, "名称"],
        exclude=NAME_EXCLUDE,
        validate=lambda t: len(normalize_name(t)) >= 2 and not re.fullmatch(r"[\d\W]+", t),
    )
    names = [s for s in names if not re.search(r"规格|型号|单位|数量", s.text)]
    if len(names) < 2:
        names = _lone_name_labels(page, names)
    for side, sp in _side_of(names, page):
        out.setdefault(f"{side}_name", _fv(normalize_name(sp.match), sp))
    for side, labels in (("buyer", BUYER_NAME_LABELS), ("seller", SELLER_NAME_LABELS)):
        if f"{side}_name" in out:
            continue
        sp = L.find_value(
            [page],
            labels,
            stop=BLOCK_STOPS,
            validate=lambda t: (
                len(normalize_name(t)) >= 4 and not re.search(r"信息|名称|\(章\)|:", L.norm(t))
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


# ----------------------------------------------------------------- items and totals


def _columns(page: Page) -> dict[str, float]:
    """x centres of the item table's columns (and the header's bottom ``*_y``), from the
    header labels; letter-spaced headers printed as separate glyphs (``金``  ``额``)
    are found too."""
    cols: dict[str, float] = {}
    spec = {
        "name": ["项目名称", "货物或应税劳务、服务名称", "货物或应税劳务名称", "服务名称", "商品名称"],
        "spec": ["规格型号", "规格"],
        "quantity": ["数量"],
        "unit_price": ["单价"],
        "amount": ["金额"],
        "tax_rate": ["税率/征收率", "税率", "征收率"],
        "tax_amount": ["税额"],
    }
    for key, labels in spec.items():
        excl = ["价税合计", "税额合计", "合计金额", "合计税额"]
        hits = L.find_labels([page], labels, exclude=excl)
        box = next((h.bbox for h in hits if h.bbox is not None), None)
        if box is None and key == "name":
            # a long header the text layer garbles (「货物或应税劳务、服称」 with 名/务 apart)
            hits = L.find_labels([page], labels[1:3], exclude=excl, fuzzy=True)
            box = next((h.bbox for h in hits if h.bbox is not None), None)
        if box is None:
            box = _spaced_label(page, labels[0])
        if box is None:
            continue
        cols[key] = L.center(box)[0]
        cols[f"{key}_y"] = box[3]
        if key == "name":
            nxt = _next_header(page, box)
            if nxt is not None:
                cols["name_next"] = nxt
    if "amount" not in cols and "unit_price" in cols and "tax_rate" in cols:
        # OCR lost the 金额 header: every invoice prints it between 单价 and 税率
        cols["amount"] = (cols["unit_price"] + cols["tax_rate"]) / 2
        cols["amount_y"] = cols["unit_price_y"]
    return cols


def _next_header(page: Page, box: L.BBox) -> float | None:
    """x centre of the header printed next right of the item-name header, whatever it says
    (规格型号, 单位, or a toll invoice's 车牌号): the name column ends before it."""
    right = [
        r.line.bbox
        for r in L.iter_refs([page])
        if r.line.bbox is not None
        and r.line.bbox[0] >= box[2] - 1
        and L.v_overlap(r.line.bbox, box) >= 0.6
        and L.norm(r.line.text)
    ]
    return L.center(min(right, key=lambda b: b[0]))[0] if right else None


def _spaced_label(page: Page, label: str) -> L.BBox | None:
    """A short label printed as one glyph per line on one row (``金`` … ``额``)."""
    if len(label) > 4:
        return None
    refs = [r for r in L.iter_refs([page]) if r.line.bbox is not None and len(L.norm(r.line.text)) == 1]
    for r in refs:
        if L.norm(r.line.text) != label[0]:
            continue
        b = r.line.bbox
        h = b[3] - b[1]
        chain = [r]
        for ch in label[1:]:
            last = chain[-1].line.bbox
            nxt = [
                q
                for q in refs
                if L.norm(q.line.text) == ch
                and L.v_overlap(last, q.line.bbox) >= 0.6
                and q.line.bbox[0] > last[0]
                and -h <= q.line.bbox[0] - last[2] <= 8 * h
            ]
            if not nxt:
                break
            chain.append(min(nxt, key=lambda q: q.line.bbox[0]))
        if len(chain) == len(label):
            return L.bbox_union(q.line.bbox for q in chain)
    return None


def _tokens(ref: L.Ref, start: int = 0) -> list[tuple[str, float, float]]:
    """Whitespace-separated tokens of a line with approximate x0 and x centre."""
    out = []
    text = ref.line.text
    # an amount run into its rate ("¥169,811.326%") is two tokens: amounts carry 2 decimals
    for m in re.finditer(r"[¥￥]?-?[\d,]+\.\d{2}(?=\d{1,2}(?:\.\d)?\s*%)|\S+", text[start:]):
        s, e = m.start() + start, m.end() + start
        b = L.sub_bbox(ref.line, s, e)
        out.append((m.group(0), b[0] if b else 0.0, L.center(b)[0] if b else 0.0))
    return out


def _money(tok: str) -> Decimal | None:
    t = tok.replace("¥", "").replace("￥", "").replace(",", "").replace("－", "-")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", t):
        return None
    try:
        return round_money(Decimal(t))
    except InvalidOperation:
        return None


# VAT rates and levy rates (征收率) that exist in China, in percent
LEGAL_RATES = {
    Decimal(x) for x in ("0", "0.5", "1", "1.5", "2", "3", "4", "5", "6", "9", "10", "11", "13", "16", "17")
}


def _rate(tok: str) -> str | None:
    """A printed tax rate as a decimal string; None unless it is a rate that exists.

    >>> _rate("6%"), _rate("13 %"), _rate("免税"), _rate("11.326%")
    ('0.06', '0.13', '0', None)
    """
    m = RATE_RE.search(tok)
    if not m:
        return None
    if m.group(1):
        pct = Decimal(m.group(1))
        if pct not in LEGAL_RATES:
            return None
        d = pct / 100
        return format(d.normalize(), "f") if d != 0 else "0"
    return "0"


def _nearest(cols: dict[str, float], x: float, keys: tuple[str, ...]) -> str | None:
    cands = [(abs(cols[k] - x), k) for k in keys if k in cols]
    return min(cands)[1] if cands else None


def _total_row(page: Page, below: float | None = None) -> tuple[float, float] | None:
    """Vertical extent of the 合计 row (the sum row of the items table), or, when OCR lost
    that word (「可 计」) and ``below`` (the header's bottom) is given, of the first row under
    it that ends the items: the 价税合计 line or an amount printed with ¥ (only the sums
    carry the sign)."""
    ends = []
    for ref in L.iter_refs([page]):
        t = L.norm(ref.line.text)
        b = ref.line.bbox
        if b is None:
            continue
        if t.startswith("合计") or t in {"合", "合计"}:
            return b[1], b[3]
        if below is not None and b[1] > below and (t.startswith("价税合计") or re.match(r"^[¥￥]\s*-?\d", t)):
            ends.append((b[1], b[3]))
    return min(ends) if ends else None


def _items(page: Page, out: dict[str, FieldValue]) -> None:
    cols = _columns(page)
    header_y = max((v for k, v in cols.items() if k.endswith("_y") and k != "name_y"), default=None)
    if "amount" not in cols:
        return
    if header_y is None:
        return
    total = _total_row(page, below=header_y)
    bottom = total[0] if total else page.height * 0.75
    region = L.Region(page.number, (0, header_y + 0.5, page.width, bottom - 0.5))
    refs = L.reading_order(L.lines_in([page], region))
    num_keys = ("quantity", "unit_price", "amount", "tax_rate", "tax_amount")
    centers = [cols[k] for k in num_keys if k in cols]
    name_next = cols.pop("name_next", None)
    cols = {k: v for k, v in cols.items() if not k.endswith("_y")}
    if "spec" in cols and "name" in cols:
        name_limit = (cols["spec"] + cols["name"]) / 2
    else:
        name_limit = min(centers) - 0.08 * page.width if centers else page.width * 0.3
    if name_next is not None and "name" in cols:
        name_limit = min(name_limit, (cols["name"] + name_next) / 2)
    # group into rows
    rows: list[list[L.Ref]] = []
    for r in refs:
        if rows and L.v_overlap(rows[-1][0].line.bbox, r.line.bbox) >= 0.5:
            rows[-1].append(r)
        else:
            rows.append([r])
    items: list[dict] = []
    item_refs: list[list[L.Ref]] = []
    for row in rows:
        name_parts: list[str] = []
        values: dict[str, object] = {}
        for r in row:
            for tok, x0, x in _tokens(r):
                if x0 < name_limit:
                    if not re.fullmatch(r"-?\d+\.\d{3,}", tok):  # a quantity/price (26.5339805825243)
                        name_parts.append(tok)
                    continue
                if (
                    "spec" in cols
                    and _nearest(cols, x, ("spec", "quantity", "unit_price", "amount")) == "spec"
                ):
                    continue  # the model (「GT 5 智能手表」) is no amount
                if "%" in tok or tok in {"免税", "不征税", "***"}:
                    rate = _rate(tok)
                    if rate is not None:
                        values["tax_rate"] = rate
                    continue
                m = _money(tok)
                if m is None:
                    continue
                key = _nearest(cols, x, ("quantity", "unit_price", "amount", "tax_amount"))
                if key:
                    values.setdefault(key, m)
        name = "".join(name_parts)
        if name and not values and items and not ITEM_NAME_RE.match(name):
            items[-1]["name"] += name  # wrapped item name
            item_refs[-1].extend(row)
            continue
        if not name and not values:
            continue
        if not name and items and "amount" not in values:
            continue
        item = {"name": normalize_name(name) if name else ""}
        for k in ("amount", "tax_rate", "tax_amount"):
            if k in values:
                item[k] = values[k]
        if "quantity" in values:
            item["quantity"] = values["quantity"]
        if "unit_price" in values:
            item["unit_price"] = values["unit_price"]
        items.append(item)
        item_refs.append(list(row))
    items = [it for it in items if it["name"] or "amount" in it]
    if not items:
        return
    all_refs = [r for rs in item_refs for r in rs]
    # each item name once (the e-invoice data does the same): a trip invoiced in three
    # lines of 「*运输服务*城市轨道交通服务」 names one kind of item
    names = list(dict.fromkeys(it["name"] for it in items if it["name"]))
    if names:
        out["item_names"] = L.make_field(names, all_refs)
    out["line_items"] = L.make_field(items, all_refs)
    rates = [it["tax_rate"] for it in items if it.get("tax_rate")]
    if rates:
        rate = Counter(rates).most_common(1)[0][0]
        rate_refs = [rs for it, rs in zip(items, item_refs, strict=False) if it.get("tax_rate") == rate]
        out["tax_rate"] = L.make_field(rate, rate_refs[0])


def _join_fragments(row: list[L.Ref]) -> list[L.Ref]:
    """Join fragments of one printed value split by the reader (``¥2`` + ``129.34``):
    lines of a row whose gap is under 0.8 × their height become one pseudo-line."""
    row = sorted(row, key=lambda r: r.line.bbox[0])
    groups: list[list[L.Ref]] = []
    for r in row:
        if groups:
            last = groups[-1][-1].line.bbox
            h = max(last[3] - last[1], r.line.bbox[3] - r.line.bbox[1])
            if -0.3 * h <= r.line.bbox[0] - last[2] <= 0.8 * h:
                groups[-1].append(r)
                continue
        groups.append([r])
    out = []
    for g in groups:
        if len(g) == 1:
            out.append(g[0])
            continue
        line = g[0].line.model_copy(
            update={
                "text": "".join(r.line.text for r in g),
                "bbox": L.bbox_union(r.line.bbox for r in g),
                "confidence": min(r.line.confidence for r in g),
                "words": [],
            }
        )
        out.append(L.Ref(g[0].page, line, g[0].index))
    return out


def _totals(page: Page, out: dict[str, FieldValue]) -> None:
    cols = _columns(page)
    total = _total_row(page)
    if total is not None:
        y0, y1 = total
        row = [
            r
            for r in L.iter_refs([page])
            if r.line.bbox is not None and L.v_overlap((0, y0, 1, y1), r.line.bbox) >= 0.5
        ]
        amounts: list[tuple[Decimal, float, L.Ref]] = []
        stars = False
        for r in _join_fragments(row):
            t = r.line.text
            start = 0
            nt = L.norm(t)
            if nt.startswith("合计"):
                start = t.find("计") + 1
            if "***" in t.replace(" ", ""):
                stars = True
            for tok, _x0, x in _tokens(r, start):
                m = _money(tok)
                if m is not None and ("." in tok or "¥" in tok or "￥" in tok):
                    amounts.append((m, x, r))
        amounts.sort(key=lambda a: a[1])
        for m, x, r in amounts:
            key = _nearest(cols, x, ("amount", "tax_amount")) if cols else None
            if key is None:
                key = "amount" if not out.get("amount_excl_tax") else "tax_amount"
            field = "amount_excl_tax" if key == "amount" else "tax_amount"
            if field not in out:
                out[field] = L.make_field(m, L.Span(str(m), [r], how="line"))
        if stars and "tax_amount" not in out and "amount_excl_tax" in out:
            out["tax_amount"] = L.make_field(
                Decimal("0.00"), L.Span("***", row[:1], how="line"), confidence_penalty=0.1
            )
    sp = L.find_value(
        [page],
        ["价税合计(小写)", "(小写)", "小写"],
        exclude=["价税合计(大写)", "(大写)"],
        pattern=re.compile(r"[-－]?[¥￥]?[-－]?\d[\d,]*(?:\.\d{1,2})?"),
        squash=True,
        order=("same_line", "right", "below"),
    )
    if sp is not None:
        v = parse_money(sp.match)
        if v is not None:
            out["total_incl_tax"] = _fv(v, sp)
    if "total_incl_tax" not in out and "客票" in str(getattr(out.get("invoice_kind"), "value", "")):
        # e-tickets (电子发票（铁路电子客票）, 航空运输电子客票行程单): the fare is the total
        sp = L.find_value(
            [page],
            ["票价", "合计", "总额"],
            pattern=re.compile(r"[¥￥]?\d[\d,]*\.\d{2}"),
            squash=True,
            order=("same_line", "right", "below"),
        )
        v = parse_money(sp.match) if sp is not None else None
        if v is not None:
            out["total_incl_tax"] = _fv(v, sp)
    sp = L.find_value(
        [page],
        ["价税合计(大写)", "价税合计（大写）", "大写"],
        exclude=["价税合计(小写)", "(小写)"],
        stop=["(小写)", "小写", "¥", "￥"],
        validate=lambda t: bool(WORDS_RE.search(t)),
        order=("same_line", "right", "row"),
    )
    if sp is not None:
        words = "".join(WORDS_RE.findall(L.norm(sp.text)))
        if "负数" in L.norm(sp.text) and not words.startswith("负"):
            words = "负" + words
        if words:
            out["total_in_words"] = _fv(words, sp)


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
    m = RED_ORIGINAL_RE.search(text)
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
    _parties([first], out)
    _items(first, out)
    _totals(first, out)
    _sum_items(out)
    _red_letter(pages, out)
    return out

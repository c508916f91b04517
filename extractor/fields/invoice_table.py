"""The items table and the totals of an invoice face (split from :mod:`extractor.fields.invoice`).

Line items come from the rows between the item table's header and its 合计 row; each number
goes to the header column nearest to it, the item name is what lies left of the next header.
Totals: the 合计 row (金额/税额), 价税合计（小写）, 价税合计（大写）.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

from rapidfuzz.distance import Levenshtein

import extractor.fields.layout as L
from extractor.normalize import normalize_name, parse_money, round_money
from extractor.normalize.money import amount_in_words
from models.contract import FieldValue
from models.page import Page

RATE_RE = re.compile(r"(\d{1,2}(?:\.\d+)?)\s*%|免税|不征税|\*\*\*")
ITEM_NAME_RE = re.compile(r"^[*＊※][^*＊※]{1,20}[*＊※]")
# an item's tax category (「*餐饮服务*」) with its first star lost: Han glyphs, one star, the name
_LOST_STAR_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}\*[^*]+$")


def with_category_stars(name: str) -> str:
    """An item name whose tax category lost its opening star (「餐饮服务*餐饮服务」) with it put
    back: a category stands between two stars, and a name holds no other star.

    >>> with_category_stars("餐饮服务*餐饮服务"), with_category_stars("*餐饮服务*餐饮服务")
    ('*餐饮服务*餐饮服务', '*餐饮服务*餐饮服务')
    >>> with_category_stars("技术服务费"), with_category_stars("A4纸*5包")
    ('技术服务费', 'A4纸*5包')
    """
    return "*" + name if _LOST_STAR_RE.match(name) else name


WORDS_RE = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正负]+")


def columns(page: Page) -> dict[str, float]:
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
        if key == "spec":
            cols["spec_x0"] = box[0]
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


def tokens(ref: L.Ref, start: int = 0) -> list[tuple[str, float, float, int]]:
    """Whitespace-separated tokens of a line with approximate x0 and x centre, and where each
    starts in the line's text."""
    out = []
    text = ref.line.text
    # an amount run into its rate ("¥169,811.326%") is two tokens: amounts carry 2 decimals
    for m in re.finditer(r"[¥￥]?-?[\d,]+\.\d{2}(?=\d{1,2}(?:\.\d)?\s*%)|\S+", text[start:]):
        s, e = m.start() + start, m.end() + start
        b = L.sub_bbox(ref.line, s, e)
        out.append((m.group(0), b[0] if b else 0.0, L.center(b)[0] if b else 0.0, s))
    return out


def money(tok: str) -> Decimal | None:
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


def rate(tok: str) -> str | None:
    """A printed tax rate as a decimal string; None unless it is a rate that exists.

    >>> rate("6%"), rate("13 %"), rate("免税"), rate("11.326%")
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


def nearest(cols: dict[str, float], x: float, keys: tuple[str, ...]) -> str | None:
    cands = [(abs(cols[k] - x), k) for k in keys if k in cols]
    return min(cands)[1] if cands else None


def total_row(page: Page, below: float | None = None) -> tuple[float, float] | None:
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


def _without_spec(ref: L.Ref, tok: str, start: int, spec_x0: float | None) -> str:
    """A name token (starting at ``start`` in its line) run into the model printed under 规格型号
    (the text layer's one run 「*乙醇汽油*92号车用乙醇92号」, the last 「92号」 inside the spec
    column): the name ends where the spec column starts; a name's own words never reach into it
    (names wrap). A token that starts in the spec column is all the spec's: nothing is left."""
    if spec_x0 is None or not tok:
        return tok
    for k in range(len(tok)):
        b = L.sub_bbox(ref.line, start + k, start + k + 1)
        if b is not None and (b[0] + b[2]) / 2 >= spec_x0:
            rest = tok[k:]
            return tok[:k] if len(rest) <= 16 and "*" not in rest else tok
    return tok


def read_items(page: Page, out: dict[str, FieldValue], cols: dict[str, float] | None = None) -> None:
    """Line items, item names and the common tax rate; ``cols``: :func:`columns` of the page."""
    cols = columns(page) if cols is None else cols
    header_y = max((v for k, v in cols.items() if k.endswith("_y") and k != "name_y"), default=None)
    if "amount" not in cols:
        return
    if header_y is None:
        return
    total = total_row(page, below=header_y)
    bottom = total[0] if total else page.height * 0.75
    # the first row may overlap the header's boxes in small print (a row pitch shorter than
    # the boxes): start a little above the header's bottom, still below its labels' middles
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in page.lines if ln.bbox is not None)
    lift = 0.4 * heights[len(heights) // 2] if page.method == "ocr" and heights else -0.5
    region = L.Region(page.number, (0, header_y - lift, page.width, bottom - 0.5))
    refs = L.reading_order(L.lines_in([page], region))
    num_keys = ("quantity", "unit_price", "amount", "tax_rate", "tax_amount")
    centers = [cols[k] for k in num_keys if k in cols]
    name_next = cols.get("name_next")
    spec_x0 = cols.get("spec_x0")
    cols = {k: v for k, v in cols.items() if not k.endswith("_y") and k not in ("name_next", "spec_x0")}
    if "spec" in cols and "name" in cols:
        name_limit = (cols["spec"] + cols["name"]) / 2
    else:
        name_limit = min(centers) - 0.08 * page.width if centers else page.width * 0.3
    if name_next is not None and "name" in cols:
        name_limit = min(name_limit, (cols["name"] + name_next) / 2)
    # group into rows, top to bottom by the lines' middles: in small print a wrapped name's
    # next line overlaps its row (boxes taller than the line pitch), and reading order may
    # then put it before the row's first cell
    rows: list[list[L.Ref]] = []
    median_h = heights[len(heights) // 2] if heights else 0.0
    # a seal's lines over the items (its tax number, 「发票专用章」) are print several times taller
    refs = [r for r in refs if not median_h or r.line.bbox[3] - r.line.bbox[1] <= 2.2 * median_h]
    for r in sorted(refs, key=lambda r: (r.line.bbox[1] + r.line.bbox[3]) / 2):
        if rows and L.v_overlap(rows[-1][0].line.bbox, r.line.bbox) >= 0.5:
            rows[-1].append(r)
        else:
            rows.append([r])
    rows = [sorted(row, key=lambda r: r.line.bbox[0]) for row in rows]
    items: list[dict] = []
    item_refs: list[list[L.Ref]] = []
    item_x0: list[float] = []  # where each item's name starts
    for row in rows:
        name_parts: list[str] = []
        name_ends: list[float] = []  # the right end of each name part
        name_x0 = None  # the left end of its first
        values: dict[str, object] = {}
        for r in row:
            h = r.line.bbox[3] - r.line.bbox[1]
            prev_end = None  # right end of the last name token of this line
            for tok, x0, x, at in tokens(r):
                # a name's last Chinese word past the name/spec midpoint (a long name in small
                # print): still the name while it follows the previous word closely, before the
                # spec column
                runs_on = (
                    prev_end is not None
                    and x0 - prev_end < 1.2 * h
                    and x0 < cols.get("spec", name_limit)
                    and re.search(r"[\u4e00-\u9fff]", tok) is not None  # a model (HRB400) is the spec's
                )
                if x0 < name_limit or runs_on:
                    tok = _without_spec(r, tok, at, spec_x0)
                    if not tok:  # the spec's own word, the name's last one before it (「92号」)
                        continue
                    if not re.fullmatch(r"-?\d+\.\d{3,}", tok):  # a quantity/price (26.5339805825243)
                        # a price read glued to the name (「*预付卡销售196.00」 on a roll invoice)
                        name_parts.append(re.sub(r"(?<=[\u4e00-\u9fff*])\d+\.\d{2}$", "", tok))
                        prev_end = x0 + 2 * (x - x0)
                        name_ends.append(prev_end)
                        if name_x0 is None and re.search(r"\w", tok):  # not a leader's dots
                            name_x0 = x0
                    continue
                prev_end = None
                if (
                    "spec" in cols
                    and nearest(cols, x, ("spec", "quantity", "unit_price", "amount")) == "spec"
                ):
                    continue  # the model (「GT 5 智能手表」) is no amount
                if "%" in tok or tok in {"免税", "不征税", "***"}:
                    r_ = rate(tok)
                    if r_ is not None:
                        values["tax_rate"] = r_
                    continue
                m = money(tok)
                if m is None:
                    continue
                key = nearest(cols, x, ("quantity", "unit_price", "amount", "tax_amount"))
                if key:
                    values.setdefault(key, m)
        name = "".join(name_parts)
        if name and not values and items and not ITEM_NAME_RE.match(name):
            # wrapped item name; glyphs in the margin left of where the name starts (a binding
            # hole's letter, a stamp's edge) are not part of it
            name = "".join(t for t, end in zip(name_parts, name_ends, strict=True) if end > item_x0[-1])
            # in the same forms as the name's first row (「(VI」 + 「B）」 → (VIB), 「Ⅵ」 → VI)
            items[-1]["name"] += unicodedata.normalize("NFKC", name)
            item_refs[-1].extend(row)
            continue
        if not name and not values:
            continue
        if not name and items and "amount" not in values:
            continue
        if name[:1] in "(（" and values and items and "amount" not in items[-1] and items[-1]["name"]:
            # a name's bracketed tail on the row of its amounts, its head alone above it
            # (「95号车用乙醇汽油」 over 「(E10)(V) 7.51 39.95 300.00」)
            items[-1]["name"] = normalize_name(items[-1]["name"] + name)
            for k in ("amount", "tax_rate", "tax_amount", "quantity", "unit_price"):
                if k in values:
                    items[-1][k] = values[k]
            item_refs[-1].extend(row)
            continue
        item = {"name": with_category_stars(normalize_name(name)) if name else ""}
        for k in ("amount", "tax_rate", "tax_amount"):
            if k in values:
                item[k] = values[k]
        if "quantity" in values:
            item["quantity"] = values["quantity"]
        if "unit_price" in values:
            item["unit_price"] = values["unit_price"]
        items.append(item)
        item_refs.append(list(row))
        item_x0.append(name_x0 if name_x0 is not None else 0.0)
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
        common = Counter(rates).most_common(1)[0][0]
        rate_refs = [rs for it, rs in zip(items, item_refs, strict=False) if it.get("tax_rate") == common]
        out["tax_rate"] = L.make_field(common, rate_refs[0])


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


# the place a non-VAT invoice's title starts with: a province or city, or an autonomous
# region by its short name as titles print it (内蒙古出租汽车通用机打发票)
TITLE_PLACE = r"(?:[\u4e00-\u9fff]{2,8}?(?:省|市|自治区)|内蒙古|广西|宁夏|新疆|西藏)"
# a city's taxi receipt (深圳市出租汽车专用发票): its kind is its printed title
TAXI_KIND_RE = re.compile(TITLE_PLACE + r"?出租(?:汽)?车(?:专用|客运|通用机打)?发票")


def is_taxi(out: dict[str, FieldValue]) -> bool:
    """Whether the invoice read so far is a taxi receipt (by its kind)."""
    kind = out.get("invoice_kind")
    return kind is not None and TAXI_KIND_RE.fullmatch(str(kind.value)) is not None


# what a taxi meter prints on its receipt, whatever the title says (or when a seal hides it)
_TRIP_WORDS = ("上车", "下车", "里程", "单价", "等候", "车号", "电召")


def is_trip_receipt(page: Page) -> bool:
    """Whether the page is a taxi meter's receipt by its trip lines (three or more of
    上车/下车/里程/单价/等候/车号/电召), its title read or not."""
    text = "".join(L.norm(ln.text) for ln in page.lines)
    return sum(w in text for w in _TRIP_WORDS) >= 3


def _spelled(text: str) -> str:
    """Money words as read, with 圆 restored where OCR read 園 (its box-shaped look-alike, on a
    faint print) or 园 (園 once made simplified)."""
    return L.norm(text).replace("園", "圆").replace("园", "圆")


def read_totals(page: Page, out: dict[str, FieldValue], cols: dict[str, float] | None = None) -> None:
    """合计 amount and tax, 价税合计 in figures and in words; ``cols``: :func:`columns` of the page."""
    cols = columns(page) if cols is None else cols
    total = total_row(page)
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
            for tok, _x0, x, _at in tokens(r, start):
                m = money(tok)
                if m is not None and ("." in tok or "¥" in tok or "￥" in tok):
                    amounts.append((m, x, r))
        amounts.sort(key=lambda a: a[1])
        for m, x, r in amounts:
            key = nearest(cols, x, ("amount", "tax_amount")) if cols else None
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
            out["total_incl_tax"] = L.make_field(v, sp)
    taxi = is_taxi(out) or is_trip_receipt(page)
    if "total_incl_tax" not in out and ("客票" in str(getattr(out.get("invoice_kind"), "value", "")) or taxi):
        # e-tickets (电子发票（铁路电子客票）, 航空运输电子客票行程单): the fare is the total;
        # a taxi receipt prints it as 金额
        sp = L.find_value(
            [page],
            ["票价", "合计", "总额", *(["金额"] if taxi else [])],
            pattern=re.compile(r"[¥￥]?\d[\d,]*\.\d{2}"),
            squash=True,
            order=("same_line", "right", "below"),
        )
        v = parse_money(sp.match) if sp is not None else None
        if v is not None:
            out["total_incl_tax"] = L.make_field(v, sp)
    sp = L.find_value(
        [page],
        ["价税合计(大写)", "价税合计（大写）", "大写"],
        exclude=["价税合计(小写)", "(小写)"],
        stop=["(小写)", "小写", "¥", "￥"],
        validate=lambda t: bool(WORDS_RE.search(t)),
        order=("same_line", "right", "row"),
    )
    if sp is not None:
        spelled = _spelled(sp.text)
        words = "".join(WORDS_RE.findall(spelled))
        if "负数" in L.norm(sp.text) and not words.startswith("负"):
            words = "负" + words
        if words:
            out["total_in_words"] = L.make_field(words, sp)


def words_by_total(page: Page, out: dict[str, FieldValue]) -> None:
    """The 大写 words where their label's row was not found (a skewed photo puts them half a
    row off their label): a line that is only money words stating exactly the total read."""
    total = out.get("total_incl_tax")
    if "total_in_words" in out or total is None:
        return
    for ref in L.iter_refs([page]):
        spelled = re.sub(r"^(?:价税合计|合计金额)?[(（]?大写[)）]?[:：]?", "", _spelled(ref.line.text))
        if len(spelled) >= 3 and WORDS_RE.fullmatch(spelled) and re.search(r"[圆元]", spelled):
            if parse_money(spelled) == total.value:
                out["total_in_words"] = L.make_field(spelled, ref, confidence_penalty=0.1)
                return


def words_restored(out: dict[str, FieldValue]) -> None:
    """大写 words read with one glyph lost or misread, so that they state no amount at all
    (「贰拾玖圆陆角分」), restored from the total in figures when they are one edit from its
    words (low confidence). Words that state another amount are left as read: that is a
    disagreement for the reviewer, not a misreading.

    >>> from models.contract import FieldValue as F
    >>> out = {"total_in_words": F(value="贰拾玖圆陆角分", confidence=0.9), "total_incl_tax": F(value=Decimal("29.61"))}
    >>> words_restored(out); out["total_in_words"].value, out["total_in_words"].confidence
    ('贰拾玖圆陆角壹分', 0.6)
    >>> out = {"total_in_words": F(value="贰拾玖圆陆角", confidence=0.9), "total_incl_tax": F(value=Decimal("29.61"))}
    >>> words_restored(out); out["total_in_words"].value
    '贰拾玖圆陆角'
    """
    words, total = out.get("total_in_words"), out.get("total_incl_tax")
    if words is None or total is None or parse_money(str(words.value)) is not None:
        return
    try:
        canonical = amount_in_words(Decimal(str(total.value)))
    except (InvalidOperation, ValueError):
        return
    read = str(words.value)
    if "圆" in read:
        canonical = canonical.replace("元", "圆")
    if Levenshtein.distance(read, canonical) == 1:
        out["total_in_words"] = words.model_copy(
            update={"value": canonical, "confidence": min(words.confidence, 0.6)}
        )


_QUOTA_WORDS_RE = re.compile(r"^([零壹贰叁肆伍陆柒捌玖拾佰仟万]+[圆元])(?:整|正)?")


def quota_total(page: Page, out: dict[str, FieldValue]) -> None:
    """A quota invoice (通用定额发票) states its value once, in big words (「壹佰元」, the
    seal's 「专用章」 sometimes read on with it): that is its total."""
    if "total_incl_tax" in out or "定额" not in "".join(L.norm(ln.text) for ln in page.lines):
        return
    for ref in L.iter_refs([page]):
        m = _QUOTA_WORDS_RE.match(L.norm(ref.line.text))
        v = parse_money(m.group(1)) if m else None
        if v is not None and v > 0:
            out["total_incl_tax"] = L.make_field(v, ref, confidence_penalty=0.1)
            out.setdefault("total_in_words", L.make_field(m.group(1), ref, confidence_penalty=0.1))
            return


_CURRENCY_AMOUNT_RE = re.compile(r"[-－]?[¥￥]\s*[-－]?\d[\d,]*\.\d{2}(?!\d)")


def totals_by_sum(page: Page, out: dict[str, FieldValue]) -> None:
    """Totals the labels did not give (a photo whose 合计 and 小写 labels OCR lost), from the
    amounts printed with ¥ — on a VAT invoice only the sums carry it — under two checks:
    the total is the amount the 大写 words state (or, without them, the one that is the sum
    of two others), and 金额 + 税额 = 价税合计. Values so found get a lower confidence."""
    cands: list[tuple[Decimal, L.Ref]] = []
    for ref in L.iter_refs([page]):
        for m in _CURRENCY_AMOUNT_RE.finditer(ref.line.text):
            v = parse_money(m.group(0).replace("－", "-"))
            if v is not None:
                cands.append((v, ref))
    if len(cands) < 2:
        return
    total = out["total_incl_tax"].value if "total_incl_tax" in out else None
    if total is None:
        words = out.get("total_in_words")
        stated = parse_money(str(words.value)) if words is not None else None
        if stated is not None and str(words.value).startswith("负"):
            stated = -stated
        if stated is not None:
            hits = [(v, r) for v, r in cands if v == stated]
        else:
            hits = [
                (v, r)
                for i, (v, r) in enumerate(cands)
                if any(
                    a + b == v
                    for j, (a, _) in enumerate(cands)
                    for k, (b, _) in enumerate(cands)
                    if len({i, j, k}) == 3
                )
            ]
        if not hits:
            return
        total, ref = max(hits, key=lambda h: abs(h[0]))
        out["total_incl_tax"] = L.make_field(total, ref, confidence_penalty=0.15)
    if "amount_excl_tax" in out and "tax_amount" in out:
        return
    pairs = [
        (a, ra, b, rb)
        for i, (a, ra) in enumerate(cands)
        for j, (b, rb) in enumerate(cands)
        if i != j and abs(a) >= abs(b) and a + b == total and a != total
    ]
    if len({(a, b) for a, _, b, _ in pairs}) != 1:
        return  # none, or more than one way to make the total: no guess
    a, ra, b, rb = pairs[0]
    if "amount_excl_tax" not in out:
        out["amount_excl_tax"] = L.make_field(a, ra, confidence_penalty=0.15)
    if "tax_amount" not in out:
        out["tax_amount"] = L.make_field(b, rb, confidence_penalty=0.15)

"""VAT invoices: 数电票 (电子发票（增值税专用发票）) and the older 增值税电子普通发票.

Add a layout by writing ``_draw_<name>(doc, inv) -> Drawn`` and registering it in LAYOUTS.
"""

from __future__ import annotations

import unicodedata

import pymupdf

from .common import (
    BLACK,
    BROWN,
    INVBROWN,
    INVOICE_SIZE,
    RED,
    Sheet,
    fmt_date,
    fmt_money,
    mstr,
    qr_image,
    seal,
    words,
)
from .model import InvoiceData
from .registry import Drawn

_PROVINCES = {"11": "北京", "31": "上海", "33": "浙江", "35": "福建", "44": "广东"}


def _rate_pct(rate) -> str:
    return f"{int(rate * 100)}%"


def _unit_price(inv: InvoiceData) -> str:
    p = inv.amount / inv.quantity
    s = f"{p:.8f}".rstrip("0").rstrip(".")
    return s


def _common_fields(inv: InvoiceData, kind: str) -> dict:
    return {
        "invoice_kind": unicodedata.normalize("NFKC", kind),
        "invoice_number": inv.number,
        "issue_date": inv.issue_date.isoformat(),
        "buyer_name": inv.buyer.name,
        "buyer_tax_id": inv.buyer.credit_code,
        "seller_name": inv.seller.name,
        "seller_tax_id": inv.seller.credit_code,
        "item_names": [inv.item],
        "tax_rate": f"{inv.rate:.2f}",
        "amount_excl_tax": mstr(inv.amount),
        "tax_amount": mstr(inv.tax),
        "total_incl_tax": mstr(inv.total),
        "total_in_words": words(inv.total, "圆"),
    }


def _invoice_seal(inv: InvoiceData, seed: int):
    return seal(inv.seller.name, inv.seller.credit_code, "发票专用章", size=260, oval=True, seed=seed)


def _bureau_seal(region: str, seed: int):
    bureau = (
        f"{region}市税务局"
        if region in ("北京", "上海", "天津", "重庆", "深圳", "厦门", "宁波", "青岛", "大连")
        else f"{region}省税务局"
    )
    return seal(
        "全国统一发票监制章", "国家税务总局", bureau, size=200, oval=True, color=(200, 40, 40, 200), seed=seed
    )


def _draw_shudian(doc: pymupdf.Document, inv: InvoiceData) -> Drawn:
    """数电票 special invoice, as rendered by the national platform (210 x 140 mm)."""
    kind = "电子发票（增值税专用发票）"
    s = Sheet.new(doc, INVOICE_SIZE)
    c = BROWN
    payload = f"01,20,,{inv.number},{mstr(inv.amount)},{inv.issue_date:%Y%m%d},,{inv.number[-4:]}"
    s.image(22, 14, 80, 72, qr_image(payload, 3))
    s.text(297, 45, kind, 19, c, align="center")
    s.hline(185, 410, 52, c, 1.0)
    s.hline(185, 410, 55, c, 1.0)
    s.image(255, 14, 340, 74, _bureau_seal(_PROVINCES.get(inv.number[2:4], "福建"), int(inv.number[-3:])))
    s.text(438, 38, "发票号码：", 9, c)
    s.text(483, 38, inv.number, 9, BLACK)
    s.text(438, 56, "开票日期：", 9, c)
    s.text(483, 56, fmt_date(inv.issue_date), 9, BLACK)
    x0, x1, y0 = 15, 580, 84
    s.rect(x0, y0, x1, 360, c, 0.9)
    # buyer / seller blocks
    yb = y0 + 52
    s.hline(x0, x1, yb, c)
    for bx, who, party in ((x0, "购买方信息", inv.buyer), (x0 + 285, "销售方信息", inv.seller)):
        s.vline(bx + 18, y0, yb, c)
        if bx != x0:
            s.vline(bx, y0, yb, c)
        s.vtext(bx + 9, y0, yb, who, 7.5, c)
        s.text(bx + 22, y0 + 18, "名称：", 8.5, c)
        s.text(bx + 48, y0 + 18, party.name, 9.5)
        s.text(bx + 22, y0 + 40, "统一社会信用代码/纳税人识别号：", 7.5, c)
        s.text(bx + 140, y0 + 40, party.credit_code, 10)
    # items
    cols = [
        (22, "项目名称", "left"),
        (150, "规格型号", "left"),
        (235, "单 位", "left"),
        (300, "数 量", "right"),
        (370, "单 价", "right"),
        (440, "金 额", "right"),
        (500, "税率/征收率", "right"),
        (572, "税 额", "right"),
    ]
    for x, h, a in cols:
        s.text(x, yb + 12, h, 8.5, c, align=a)
    row = [
        inv.item,
        inv.spec,
        inv.unit,
        str(inv.quantity),
        _unit_price(inv),
        f"{inv.amount:.2f}",
        _rate_pct(inv.rate),
        f"{inv.tax:.2f}",
    ]
    for (x, _h, a), v in zip(cols, row, strict=True):
        s.text(x, yb + 26, v, 8.5, BLACK, align=a)
    yt = 262
    s.text(60, yt, "合", 9, c)
    s.text(110, yt, "计", 9, c)
    s.text(440, yt, fmt_money(inv.amount, "yen"), 9, BLACK, align="right")
    s.text(572, yt, fmt_money(inv.tax, "yen"), 9, BLACK, align="right")
    yw = yt + 8
    s.hline(x0, x1, yw, c)
    s.hline(x0, x1, yw + 24, c)
    s.vline(150, yw, yw + 24, c)
    s.text(40, yw + 16, "价税合计（大写）", 9, c)
    s.page.draw_circle((162, yw + 12), 5.5, color=BLACK, width=0.7)
    s.page.draw_line((158, yw + 8), (166, yw + 16), color=BLACK, width=0.7)
    s.page.draw_line((166, yw + 8), (158, yw + 16), color=BLACK, width=0.7)
    s.text(172, yw + 16, words(inv.total, "圆"), 9.5)
    s.text(390, yw + 16, "（小写）", 9, c)
    s.text(428, yw + 16, fmt_money(inv.total, "yen"), 10)
    s.vline(x0 + 18, yw + 24, 360, c)
    s.vtext(x0 + 9, yw + 24, 360, "备注", 8, c)
    if inv.remark:
        s.text(x0 + 24, yw + 38, inv.remark, 8)
    s.text(60, 382, "开票人：", 9, c)
    s.text(98, 382, inv.drawer, 9)
    fields = _common_fields(inv, kind)
    return Drawn(fields, [s], {"qr_payload": payload})


def _draw_legacy(doc: pymupdf.Document, inv: InvoiceData) -> Drawn:
    """Pre-数电 增值税电子普通发票 (发票代码 + 8-digit 号码 + 校验码, 密码区)."""
    kind = f"{inv.seller.invoice_region}增值税电子普通发票"
    s = Sheet.new(doc, INVOICE_SIZE)
    c = INVBROWN
    payload = (
        f"01,10,{inv.code},{inv.number},{mstr(inv.amount)},{inv.issue_date:%Y%m%d},"
        f"{inv.check_code},{inv.check_code[-4:]}"
    )
    s.image(22, 12, 76, 66, qr_image(payload, 3))
    s.text(18, 76, "机器编号：", 7.5, c)
    s.text(58, 76, inv.machine_no, 7.5)
    s.text(297, 40, kind, 17, c, align="center")
    s.hline(200, 395, 47, c, 0.8)
    s.hline(200, 395, 50, c, 0.8)
    s.image(258, 10, 336, 66, _bureau_seal(inv.seller.invoice_region, int(inv.number[-3:])))
    ck = " ".join(inv.check_code[i : i + 5] for i in range(0, 20, 5))
    for i, (lab, val) in enumerate(
        (
            ("发票代码：", inv.code),
            ("发票号码：", inv.number),
            ("开票日期：", fmt_date(inv.issue_date)),
            ("校 验 码：", ck),
        )
    ):
        s.text(425, 24 + i * 15, lab, 8, c)
        s.text(465, 24 + i * 15, val, 8)
    x0, x1 = 15, 580
    y0, y1, y2, y3, y4 = 84, 144, 262, 284, 344
    s.rect(x0, y0, x1, y4, c, 0.9)
    for y in (y1, y2, y3):
        s.hline(x0, x1, y, c)
    # buyer block + cipher area
    s.vline(x0 + 18, y0, y1, c)
    s.vtext(x0 + 9, y0, y1, "购买方", 8, c)
    labels = ["名称：", "纳税人识别号：", "地址、电话：", "开户行及账号："]
    vals_b = [
        inv.buyer.name,
        inv.buyer.credit_code,
        f"{inv.buyer.address} {inv.buyer.phone}",
        f"{inv.buyer.bank} {inv.buyer.account}",
    ]
    for i, (lab, val) in enumerate(zip(labels, vals_b, strict=True)):
        s.text(x0 + 22, y0 + 13 + i * 14, lab, 8, c)
        s.text(x0 + 82, y0 + 13 + i * 14, val, 8 if i > 1 else 9)
    s.vline(360, y0, y1, c)
    s.vline(375, y0, y1, c)
    s.vtext(367, y0, y1, "密码区", 8, c)
    cipher = [
        "03*5-<7>+91/2<<8*46-3>9+0/175<*>4",
        "-82/6+0>>3*75<91+4/-208*6<>1/93",
        "5*4<1/+370>>*-26/98+<1-0*54>/72",
        "+-69/3*1<<08>7+25/-4*<96>0/13+8>",
    ]
    for i, line in enumerate(cipher):
        s.text(380, y0 + 14 + i * 14, line, 8.5, BLACK)
    # items grid
    xs = [x0, 170, 245, 280, 330, 395, 470, 505, x1]
    heads = ["货物或应税劳务、服务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"]
    for i, h in enumerate(heads):
        s.text((xs[i] + xs[i + 1]) / 2, y1 + 12, h, 8, c, align="center")
        if 0 < i:
            s.vline(xs[i], y1, y2, c)
    row = [
        inv.item,
        inv.spec,
        inv.unit,
        str(inv.quantity),
        _unit_price(inv),
        f"{inv.amount:.2f}",
        _rate_pct(inv.rate),
        f"{inv.tax:.2f}",
    ]
    for i, v in enumerate(row):
        if i == 0:
            s.text(xs[0] + 3, y1 + 27, v, 8)
        else:
            s.text(xs[i + 1] - 3, y1 + 27, v, 8, align="right")
    s.text(80, y2 - 6, "合  计", 8.5, c, align="center")
    s.text(xs[6] - 3, y2 - 6, fmt_money(inv.amount, "yen"), 8.5, align="right")
    s.text(xs[8] - 3, y2 - 6, fmt_money(inv.tax, "yen"), 8.5, align="right")
    s.text(40, y2 + 15, "价税合计（大写）", 8.5, c)
    s.vline(xs[1], y2, y3, c)
    s.page.draw_circle((182, y2 + 11), 5.5, color=BLACK, width=0.7)
    s.page.draw_line((178, y2 + 7), (186, y2 + 15), color=BLACK, width=0.7)
    s.page.draw_line((186, y2 + 7), (178, y2 + 15), color=BLACK, width=0.7)
    s.text(192, y2 + 15, words(inv.total, "圆"), 9)
    s.text(420, y2 + 15, "（小写）", 8.5, c)
    s.text(458, y2 + 15, fmt_money(inv.total, "yen"), 9)
    # seller block + remark
    s.vline(x0 + 18, y3, y4, c)
    s.vtext(x0 + 9, y3, y4, "销售方", 8, c)
    vals_s = [
        inv.seller.name,
        inv.seller.credit_code,
        f"{inv.seller.address} {inv.seller.phone}",
        f"{inv.seller.bank} {inv.seller.account}",
    ]
    for i, (lab, val) in enumerate(zip(labels, vals_s, strict=True)):
        s.text(x0 + 22, y3 + 13 + i * 14, lab, 8, c)
        s.text(x0 + 82, y3 + 13 + i * 14, val, 8 if i > 1 else 9)
    s.vline(360, y3, y4, c)
    s.vline(375, y3, y4, c)
    s.vtext(367, y3, y4, "备注", 8, c)
    if inv.remark:
        s.text(380, y3 + 14, inv.remark, 7.5)
    s.image(470, y3 + 2, 570, y3 + 72, _invoice_seal(inv, int(inv.number[-2:])))
    for x, lab, val in ((30, "收款人：", "王丽"), (170, "复核：", "郑海"), (300, "开票人：", inv.drawer)):
        s.text(x, 362, lab, 8.5, c)
        s.text(x + 38, 362, val, 8.5)
    s.text(450, 362, "销售方：（章）", 8.5, c)
    fields = _common_fields(inv, kind)
    fields["invoice_kind"] = "增值税电子普通发票"
    fields["invoice_code"] = inv.code
    fields["check_code"] = inv.check_code
    return Drawn(fields, [s], {"qr_payload": payload})


# ---------------------------------------------------------------- unseen layouts (helper H11)

DARK = (0.22, 0.22, 0.22)


def shudian_kind(inv: InvoiceData) -> str:
    return "电子发票（普通发票）" if inv.normal else "电子发票（增值税专用发票）"


def shudian_payload(inv: InvoiceData) -> str:
    """QR payload of a 数电票: type 31 (special) / 32 (normal); the amount is 价税合计."""
    kind = "32" if inv.normal else "31"
    return f"01,{kind},,{inv.number},{mstr(inv.total)},{inv.issue_date:%Y%m%d},,{inv.number[-4:]}"


def printed_words(inv: InvoiceData) -> str:
    return inv.printed_words or words(inv.total, "圆")


def red_remark(inv: InvoiceData) -> str:
    return f"被红冲蓝字数电发票号码：{inv.red_of} 红字发票信息确认单编号：{inv.number[-8:]}0001" if inv.red_of else ""


def unseen_fields(inv: InvoiceData) -> dict:
    """Truth fields of the unseen 数电 layouts (printed values, red-letter additions)."""
    f = _common_fields(inv, shudian_kind(inv))
    f["amount_excl_tax"] = mstr(inv.shown_amount)
    f["total_in_words"] = printed_words(inv)
    if inv.red_of:
        f["red_letter"] = True
        f["original_invoice_number"] = inv.red_of
    return f


def small_seal(inv: InvoiceData):
    return seal(inv.seller.name, inv.seller.credit_code, "发票专用章", size=150, oval=True, seed=int(inv.number[-2:]))


def _draw_shudian_table(doc: pymupdf.Document, inv: InvoiceData) -> Drawn:
    """数电票 as printed by a provincial e-tax client: parties stacked as label tables
    (纳税人识别号 before 名称 for the buyer), ¥ amount columns, 小写 before 大写, 宋体 + Helvetica."""
    kind = shudian_kind(inv)
    s = Sheet.new(doc, INVOICE_SIZE, font="china-ss")
    c = DARK
    payload = shudian_payload(inv)
    s.image(22, 14, 80, 72, qr_image(payload, 3))
    s.text(297, 40, kind, 17, c, align="center")
    s.hline(200, 394, 48, c, 0.6)
    s.rect(420, 18, 580, 58, c, 0.6)
    s.hline(420, 580, 38, c, 0.4)
    s.vline(470, 18, 58, c, 0.4)
    s.text(424, 32, "发票号码", 8.5, c)
    s.text(474, 32, inv.number, 8.5)
    s.text(424, 52, "开票日期", 8.5, c)
    s.text(474, 52, fmt_date(inv.issue_date, "cn_short"), 8.5)
    x0, x1 = 15, 580
    y = 78
    # parties: two stacked label tables
    for who, rows in (
        ("购买方信息", (("纳税人识别号", inv.buyer.credit_code), ("名    称", inv.buyer.name))),
        ("销售方信息", (("名    称", inv.seller.name), ("统一社会信用代码", inv.seller.credit_code))),
    ):
        s.rect(x0, y, x1, y + 40, c, 0.6)
        s.vline(x0 + 70, y, y + 40, c, 0.4)
        s.vline(x0 + 160, y, y + 40, c, 0.4)
        s.hline(x0 + 70, x1, y + 20, c, 0.4)
        s.text(x0 + 8, y + 24, who, 9, c)
        for i, (lab, val) in enumerate(rows):
            s.text(x0 + 76, y + 14 + 20 * i, lab, 8, c)
            s.text(x0 + 166, y + 14 + 20 * i, val, 9.5)
        y += 46
    # items with ¥ columns
    heads = ["项目名称", "规格型号", "单位", "数量", "单价", "金额（¥）", "税率", "税额（¥）"]
    widths = [118, 70, 34, 48, 70, 90, 40, 95]
    amount = inv.shown_amount
    rows = [
        heads,
        [
            inv.item,
            inv.spec,
            inv.unit,
            str(-inv.quantity if inv.red_of else inv.quantity),
            _unit_price(inv).lstrip("-"),
            fmt_money(amount, "yen_comma"),
            _rate_pct(inv.rate),
            fmt_money(inv.tax, "yen_comma"),
        ],
        ["合计", "", "", "", "", fmt_money(amount, "yen_comma"), "", fmt_money(inv.tax, "yen_comma")],
    ]
    y = s.table(x0, y, widths, rows, 22, 8, c, align=["left", "left", "center", "right", "right", "right", "center", "right"])
    s.rect(x0, y, x1, y + 24, c, 0.6)
    s.text(x0 + 8, y + 16, "价税合计", 9, c)
    s.text(x0 + 80, y + 16, "（小写）", 8.5, c)
    s.text(x0 + 118, y + 16, fmt_money(inv.total, "yen_comma"), 10)
    s.text(x0 + 270, y + 16, "（大写）", 8.5, c)
    s.text(x0 + 308, y + 16, printed_words(inv), 9.5)
    y += 24
    s.rect(x0, y, x1, y + 34, c, 0.6)
    s.text(x0 + 8, y + 14, "备注", 9, c)
    remark = "；".join(x for x in (red_remark(inv), inv.remark) if x)
    if remark:
        s.wrap(x0 + 50, y + 14, remark, 500, 7.5, 11)
    s.text(40, 382, "开票人：", 9, c)
    s.text(80, 382, inv.drawer, 9)
    if not inv.red_of:
        s.image(480, 336, 560, 392, small_seal(inv))
    return Drawn(unseen_fields(inv), [s], {"qr_payload": payload})


LAYOUTS = {
    "shudian_special": _draw_shudian,
    "legacy_e_normal": _draw_legacy,
    "shudian_table": _draw_shudian_table,
}


def draw(doc: pymupdf.Document, inv: InvoiceData, layout: str) -> Drawn:
    return LAYOUTS[layout](doc, inv)


__all__ = ["LAYOUTS", "RED", "draw"]

"""Bank electronic receipts (电子回单) of two banks' designs.

Add a layout by writing ``_draw_<name>(doc, r) -> Drawn`` and registering it in LAYOUTS.
"""

from __future__ import annotations

import pymupdf

from .common import BLACK, Sheet, fmt_date, fmt_money, mstr, seal, words
from .model import ReceiptData
from .registry import Drawn

RECEIPT_SIZE = (595.0, 330.0)


def _fields(r: ReceiptData, bank: str) -> dict:
    return {
        "payer_name": r.payer.name,
        "payer_account": r.payer.account,
        "payee_name": r.payee.name,
        "payee_account": r.payee.account,
        "amount": mstr(r.amount),
        "amount_in_words": words(r.amount),
        "pay_date": r.date.isoformat(),
        "bank_name": bank,
        "purpose": r.purpose,
        "serial_no": r.serial,
    }


def _draw_icbc(doc: pymupdf.Document, r: ReceiptData) -> Drawn:
    """工商银行 style: a ruled grid, payer left / payee right."""
    bank = "中国工商银行"
    red = (0.75, 0.05, 0.05)
    s = Sheet.new(doc, RECEIPT_SIZE)
    s.text(297, 40, f"{bank}网上银行电子回单", 16, red, align="center")
    s.text(40, 68, "电子回单号码：", 9)
    s.text(105, 68, r.voucher_no, 9)
    x0, xm, x1 = 30, 297, 565
    y = 78
    rows = 3
    s.rect(x0, y, x1, y + 20 * rows + 100, red, 0.8)
    s.vline(xm, y, y + 20 * rows, red)
    for side, (who, party) in enumerate((("付款人", r.payer), ("收款人", r.payee))):
        bx = x0 if side == 0 else xm
        s.vline(bx + 22, y, y + 20 * rows, red)
        s.vtext(bx + 11, y, y + 20 * rows, who, 9, red)
        for i, (lab, val) in enumerate(
            (("户名", party.name), ("账号", party.account), ("开户银行", party.bank))
        ):
            s.text(bx + 27, y + 14 + 20 * i, lab, 8.5)
            s.text(bx + 70, y + 14 + 20 * i, val, 8.5)
            if i:
                s.hline(bx + 22, bx + 267 if side == 0 else x1, y + 20 * i, red, 0.5)
        s.vline(bx + 65, y, y + 20 * rows, red, 0.5)
    y += 20 * rows
    s.hline(x0, x1, y, red)
    grid = [
        ("金额", f"{fmt_money(r.amount, 'yen_comma')}元"),
        ("大写", words(r.amount)),
        ("摘要", "汇款"),
        ("用途", r.purpose),
        ("交易流水号", r.serial),
    ]
    for i, (lab, val) in enumerate(grid):
        s.text(x0 + 6, y + 14 + 20 * i, lab, 8.5)
        s.text(x0 + 75, y + 14 + 20 * i, val, 9 if i < 2 else 8.5)
        s.hline(x0, x1, y + 20 * (i + 1), red, 0.5)
    s.vline(x0 + 70, y, y + 100, red, 0.5)
    s.text(40, y + 120, "记账日期：", 8.5)
    s.text(85, y + 120, fmt_date(r.date), 8.5)
    s.text(200, y + 120, "时间戳：", 8.5)
    s.text(237, y + 120, f"{r.date.isoformat()}-10.32.15.408263", 8.5)
    s.text(40, y + 138, "本回单为第1次打印，注意重复。打印日期：", 7.5)
    s.text(192, y + 138, fmt_date(r.date), 7.5)
    s.image(
        455, y + 84, 545, y + 174, seal("中国工商银行", "电子回单", "专用章", size=220, seed=len(r.serial))
    )
    return Drawn(_fields(r, bank), [s])


def _draw_ccb(doc: pymupdf.Document, r: ReceiptData) -> Drawn:
    """建设银行 style: label/value pairs, amounts first, no vertical party labels."""
    bank = "中国建设银行"
    blue = (0.0, 0.22, 0.55)
    s = Sheet.new(doc, RECEIPT_SIZE)
    s.text(297, 36, f"{bank}单位客户专用回单", 15, blue, align="center")
    s.text(40, 60, "币别：人民币", 9)
    s.text(220, 60, "日期：", 9)
    s.text(247, 60, fmt_date(r.date, "iso"), 9)
    s.text(400, 60, "凭证号：", 9)
    s.text(438, 60, r.voucher_no, 9)
    x0, x1 = 30, 565
    rows = [
        ("付款人全称", r.payer.name, "收款人全称", r.payee.name),
        ("付款人账号", r.payer.account, "收款人账号", r.payee.account),
        ("付款人开户行", r.payer.bank, "收款人开户行", r.payee.bank),
    ]
    y = 70
    s.rect(x0, y, x1, y + 22 * 7, blue, 0.8)
    for i, (l1, v1, l2, v2) in enumerate(rows):
        s.text(x0 + 4, y + 15 + 22 * i, l1, 8.5, blue)
        s.text(x0 + 70, y + 15 + 22 * i, v1, 8.5)
        s.text(300, y + 15 + 22 * i, l2, 8.5, blue)
        s.text(366, y + 15 + 22 * i, v2, 8.5)
        s.hline(x0, x1, y + 22 * (i + 1), blue, 0.5)
    yy = y + 66
    rest = [
        ("大写金额", words(r.amount)),
        ("小写金额", f"{fmt_money(r.amount, 'comma')}"),
        ("用途", r.purpose),
        ("交易流水号", r.serial),
    ]
    for i, (lab, val) in enumerate(rest):
        s.text(x0 + 4, yy + 15 + 22 * i, lab, 8.5, blue)
        s.text(x0 + 70, yy + 15 + 22 * i, val, 9)
        if i < 3:
            s.hline(x0, x1, yy + 22 * (i + 1), blue, 0.5)
    s.vline(x0 + 66, y, y + 22 * 7, blue, 0.5)
    s.vline(296, y, y + 66, blue, 0.5)
    s.vline(362, y, y + 66, blue, 0.5)
    s.text(40, y + 22 * 7 + 18, "经办：网银", 8.5)
    s.text(200, y + 22 * 7 + 18, "打印柜员：EB0001", 8.5)
    s.text(40, y + 22 * 7 + 34, "温馨提示：本回单不作为收款方发货依据，请勿重复记账。", 7.5, BLACK)
    s.image(
        440,
        y + 22 * 7 - 30,
        540,
        y + 22 * 7 + 70,
        seal("中国建设银行股份有限公司", "业务专用章", "", size=220, seed=len(r.serial) + 1),
    )
    return Drawn(_fields(r, bank), [s])


LAYOUTS = {"icbc_grid": _draw_icbc, "ccb_pairs": _draw_ccb}


def draw(doc: pymupdf.Document, r: ReceiptData, layout: str) -> Drawn:
    return LAYOUTS[layout](doc, r)

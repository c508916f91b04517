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


# ---------------------------------------------------------------- unseen layouts (helper H11)


def _draw_abc(doc: pymupdf.Document, r: ReceiptData) -> Drawn:
    """中国农业银行 网上银行电子回单: 付款方/收款方 as stacked rows (户名/账号/开户行), 交易金额
    with 小写 then 大写 on one row, 交易日期 2023/03/08, 摘要, 电子回单号码; 黑体 + Helvetica."""
    bank = "中国农业银行"
    green = (0.0, 0.45, 0.35)
    s = Sheet.new(doc, RECEIPT_SIZE, font="china-s")
    s.text(297, 34, f"{bank}网上银行电子回单", 15, green, align="center")
    s.text(40, 58, "电子回单号码：", 8.5)
    s.text(110, 58, r.voucher_no, 8.5)
    s.text(400, 58, "回单类型：转账", 8.5)
    x0, x1 = 30, 565
    rows = [
        ("付款方", "户名", r.payer.name),
        ("", "账号", r.payer.account),
        ("", "开户行", r.payer.bank),
        ("收款方", "户名", r.payee.name),
        ("", "账号", r.payee.account),
        ("", "开户行", r.payee.bank),
    ]
    y = 66
    h = 19
    s.rect(x0, y, x1, y + h * 11, green, 0.8)
    for i, (grp, lab, val) in enumerate(rows):
        yy = y + h * i
        if grp:
            s.text(x0 + 8, yy + h * 1.5 + 4, grp, 9, green)
            if i:
                s.hline(x0, x1, yy, green, 0.6)
        else:
            s.hline(x0 + 60, x1, yy, green, 0.4)
        s.text(x0 + 66, yy + 13, lab, 8.5, green)
        s.text(x0 + 120, yy + 13, val, 9)
    s.vline(x0 + 60, y, y + h * 6, green, 0.6)
    s.vline(x0 + 114, y, y + h * 6, green, 0.4)
    y += h * 6
    tail = [
        ("交易金额", f"{fmt_money(r.amount, 'yen_comma')}  人民币{words(r.amount)}"),
        ("交易日期", r.date.strftime("%Y/%m/%d")),
        ("摘要", r.purpose),
        ("交易流水号", r.serial),
        ("交易渠道", "网上银行"),
    ]
    for i, (lab, val) in enumerate(tail):
        yy = y + h * i
        s.hline(x0, x1, yy, green, 0.6)
        s.text(x0 + 8, yy + 13, lab, 8.5, green)
        s.text(x0 + 120, yy + 13, val, 9)
    s.vline(x0 + 114, y, y + h * 5, green, 0.4)
    s.text(40, y + h * 5 + 18, "本回单仅作为客户已通过网上银行发出指令的凭证，不作为收款方发货依据。", 7.5)
    s.image(460, y + h * 5 - 50, 540, y + h * 5 + 30, seal("中国农业银行", "电子回单专用章", "", size=160, seed=7))
    f = _fields(r, bank)
    return Drawn(f, [s])


def _draw_cmb(doc: pymupdf.Document, r: ReceiptData) -> Drawn:
    """招商银行 收付款业务回单: 付款人/收款人 columns with 账号 first, 金额（大写）before
    金额（小写）CNY…, 交易日期 20230308, 业务参考号; 宋体 + Courier."""
    bank = "招商银行"
    red = (0.70, 0.10, 0.15)
    s = Sheet.new(doc, RECEIPT_SIZE, font="china-ss", latin="cour")
    s.text(297, 34, f"{bank}收付款业务回单", 15, red, align="center")
    s.text(40, 56, "交易日期：", 8.5)
    s.text(85, 56, f"{r.date:%Y%m%d}", 8.5)
    s.text(330, 56, "业务参考号：", 8.5)
    s.text(385, 56, r.voucher_no, 8.5)
    x0, xm, x1 = 30, 297, 565
    y = 64
    h = 20
    s.rect(x0, y, x1, y + h * 9, red, 0.8)
    s.vline(xm, y, y + h * 3, red, 0.6)
    for bx, lab, party in ((x0, "付款人", r.payer), (xm, "收款人", r.payee)):
        for i, (k, v) in enumerate((("账号", party.account), ("户名", party.name), ("开户行", party.bank))):
            s.text(bx + 6, y + 14 + h * i, f"{lab}{k}：" if i == 0 else f"{k}：", 8, red)
            s.text(bx + (62 if i == 0 else 40), y + 14 + h * i, v, 8.5)
    for i in range(1, 9):
        s.hline(x0, x1, y + h * i, red, 0.4)
    rest = [
        ("金额（大写）", f"人民币{words(r.amount)}"),
        ("金额（小写）", f"CNY {fmt_money(r.amount, 'comma')}"),
        ("交易类型", "企业银行转账"),
        ("用途", r.purpose),
        ("流水号", r.serial),
        ("经办", "企业网银"),
    ]
    for i, (lab, val) in enumerate(rest):
        s.text(x0 + 6, y + 14 + h * (3 + i), lab, 8.5, red)
        s.text(x0 + 90, y + 14 + h * (3 + i), val, 9)
    s.text(40, y + h * 9 + 16, "重要提示：本回单不作为收款方发货依据，并请勿重复记账。", 7.5)
    s.image(470, y + h * 9 - 60, 550, y + h * 9 + 20, seal("招商银行股份有限公司", "业务专用章", "", size=160, seed=8))
    return Drawn(_fields(r, bank), [s])


LAYOUTS = {"icbc_grid": _draw_icbc, "ccb_pairs": _draw_ccb, "abc_rows": _draw_abc, "cmb_twocol": _draw_cmb}


def draw(doc: pymupdf.Document, r: ReceiptData, layout: str) -> Drawn:
    return LAYOUTS[layout](doc, r)

"""营业执照: the landscape electronic-licence print and the portrait paper 副本.

Add a layout by writing ``_draw_<name>(doc, c) -> Drawn`` and registering it in LAYOUTS.
"""

from __future__ import annotations

import zlib

import pymupdf
from PIL import Image

from .common import A4, A4_LANDSCAPE, Sheet, fmt_date, mstr, qr_image, seal, words
from .model import Company
from .registry import Drawn

GOLD = (0.62, 0.45, 0.12)
INK = (0.15, 0.12, 0.10)


def _fields(c: Company) -> dict:
    return {
        "company_name": c.name,
        "credit_code": c.credit_code,
        "company_type": c.company_type,
        "legal_representative": c.legal_rep,
        "registered_capital": mstr(c.registered_capital),
        "established_date": c.established.isoformat(),
        "business_term_end": c.term_end.isoformat(),
        "address": c.address,
        "business_scope": c.scope,
        "registration_authority": c.authority,
    }


def _frame(s: Sheet, m: float):
    s.rect(m, m, s.width - m, s.height - m, GOLD, 3.0)
    s.rect(m + 6, m + 6, s.width - m - 6, s.height - m - 6, GOLD, 0.8)


# the applicant's 公章 (round, 42 mm) on its copy of the licence: 「上述材料复印件均需加盖申报单位公章」
APPLICANT_SEAL_PT = 42 * 72 / 25.4


def _applicant_stamp(s: Sheet, c: Company, cx: float, cy: float, seed: int) -> None:
    """Stamp the applicant's official seal on its licence copy, centred at (cx, cy): in the blank
    lower part of the page, clear of the printed field values. Turned by a few degrees that
    follow from the name (deterministic)."""
    r = APPLICANT_SEAL_PT / 2
    angle = zlib.crc32(c.name.encode("utf-8")) % 31 - 15
    img = seal(c.name, "★", "", 220, seed=seed, angle=angle)  # 133 dpi
    # an 8-colour palette PNG: a third of the size (the sample set has a size budget)
    s.image(cx - r, cy - r, cx + r, cy + r, img.quantize(colors=8, method=Image.Quantize.FASTOCTREE))


def _emblem(s: Sheet, cx: float, cy: float, r: float):
    s.page.draw_circle((cx, cy), r, color=(0.85, 0.65, 0.1), fill=(0.8, 0.1, 0.1), width=2)
    s.page.draw_circle((cx, cy - r * 0.15), r * 0.3, color=(0.95, 0.8, 0.2), fill=(0.95, 0.8, 0.2), width=0)


def _draw_electronic(doc: pymupdf.Document, c: Company) -> Drawn:
    """Landscape print of an electronic licence (two columns, QR code on the right)."""
    s = Sheet.new(doc, A4_LANDSCAPE)
    s.page.draw_rect(s.page.rect, color=None, fill=(0.99, 0.96, 0.92), width=0)
    _frame(s, 40)
    _emblem(s, 421, 95, 38)
    s.text(90, 170, "统一社会信用代码", 11, INK)
    s.text(90, 190, c.credit_code, 11, INK)
    s.text(421, 200, "营 业 执 照", 44, GOLD, align="center")
    s.image(650, 140, 720, 210, qr_image(f"http://www.gsxt.gov.cn/fake?uniscid={c.credit_code}", 3))
    s.text(728, 160, "扫描二维码登录", 7, INK)
    s.text(728, 172, "国家企业信用", 7, INK)
    s.text(728, 184, "信息公示系统", 7, INK)
    left = [("名称", c.name), ("类型", c.company_type), ("法定代表人", c.legal_rep), ("经营范围", None)]
    y = 260
    for lab, val in left:
        s.spaced(90, y, lab, 62, 13, INK)
        if val is not None:
            s.text(170, y, val, 12, INK)
        else:
            s.wrap(170, y - 2, c.scope, 250, 9.5, 14, INK)
        y += 34
    right = [
        ("注册资本", f"人民币{words(c.registered_capital)}"),
        ("成立日期", fmt_date(c.established)),
        ("营业期限", f"{fmt_date(c.established)}至{fmt_date(c.term_end)}"),
        ("住所", c.address),
    ]
    y = 260
    for lab, val in right:
        s.spaced(455, y, lab, 62, 13, INK)
        s.wrap(530, y, val, 250, 11 if lab != "营业期限" else 10, 16, INK)
        y += 34
    s.spaced(540, 480, "登记机关", 70, 14, INK)
    s.text(620, 480, c.authority, 11, INK)
    s.text(650, 515, fmt_date(c.established), 12, INK)
    s.image(610, 420, 730, 540, seal(c.authority, "★", "", 260, seed=11))
    _applicant_stamp(s, c, 300, 482, seed=14)
    s.text(60, 575, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 8, INK)
    s.text(782, 575, "国家市场监督管理总局监制", 8, INK, align="right")
    return Drawn(_fields(c), [s])


def _draw_fuben(doc: pymupdf.Document, c: Company) -> Drawn:
    """Portrait paper 副本 (one column, 营业期限 as 自…至…, registered capital in 万元)."""
    s = Sheet.new(doc, A4)
    s.page.draw_rect(s.page.rect, color=None, fill=(0.995, 0.98, 0.95), width=0)
    _frame(s, 30)
    _emblem(s, 297, 105, 34)
    s.text(297, 185, "营 业 执 照", 34, GOLD, align="center")
    s.text(297, 210, "（副　本）", 12, INK, align="center")
    s.text(470, 232, "编号：S1952023031648", 8, INK, align="right")
    s.text(70, 232, f"统一社会信用代码 {c.credit_code}", 10, INK)
    cap_wan = (c.registered_capital / 10000).normalize()
    rows = [
        ("名称", c.name),
        ("类型", c.company_type),
        ("住所", c.address),
        ("法定代表人", c.legal_rep),
        ("注册资本", f"{cap_wan:f}万元整"),
        ("成立日期", fmt_date(c.established, "cn_short")),
        ("营业期限", f"{fmt_date(c.established, 'cn_short')}至{fmt_date(c.term_end, 'cn_short')}"),
    ]
    y = 290
    for lab, val in rows:
        s.spaced(80, y, lab, 70, 12, INK)
        s.wrap(170, y, val, 340, 11.5, 16, INK)
        y += 34
    s.spaced(80, y, "经营范围", 70, 12, INK)
    y = s.wrap(170, y, c.scope, 340, 10.5, 17, INK)
    s.spaced(310, 720, "登记机关", 70, 12, INK)
    s.text(310, 745, c.authority, 11, INK)
    s.text(380, 770, fmt_date(c.established), 11, INK)
    s.image(360, 660, 480, 780, seal(c.authority, "★", "", 260, seed=12))
    _applicant_stamp(s, c, 190, 705, seed=15)
    s.text(297, 815, "国家市场监督管理总局监制", 8, INK, align="center")
    return Drawn(_fields(c), [s])


# ---------------------------------------------------------------- unseen layout (helper H11)


def _draw_zhengben(doc: pymupdf.Document, c: Company) -> Drawn:
    """Landscape paper 正本: code in the top-left corner with （1-1）, one column of fields in the
    order 名称/类型/住所/法定代表人/注册资本/成立日期/营业期限, capital as 人民币1000万元,
    营业期限 may be 长期, 经营范围 in a box at the bottom, the issue date (not the founding date)
    under 登记机关; 宋体 non-embedded."""
    s = Sheet.new(doc, A4_LANDSCAPE, font="china-ss")
    s.page.draw_rect(s.page.rect, color=None, fill=(1.0, 0.985, 0.96), width=0)
    _frame(s, 24)
    s.text(50, 62, "统一社会信用代码", 9, INK)
    s.text(50, 78, c.credit_code, 11, INK)
    s.text(50, 92, "（1-1）", 8, INK)
    _emblem(s, 421, 78, 30)
    s.text(421, 150, "营业执照", 38, GOLD, align="center")
    cap_wan = (c.registered_capital / 10000).normalize()
    term = f"{fmt_date(c.established)}至{fmt_date(c.term_end)}" if c.term_end else f"{fmt_date(c.established)}至长期"
    rows = [
        ("名称", c.name),
        ("类型", c.company_type),
        ("住所", c.address),
        ("法定代表人", c.legal_rep),
        ("注册资本", f"人民币{cap_wan:f}万元"),
        ("成立日期", fmt_date(c.established)),
        ("营业期限", term),
    ]
    y = 200
    for lab, val in rows:
        s.text(150, y, f"{lab}：", 11, INK)
        s.text(250, y, val, 11, INK)
        y += 26
    s.rect(120, y - 8, 722, y + 76, INK, 0.5)
    s.text(130, y + 10, "经营范围：", 10, INK)
    s.wrap(200, y + 10, c.scope, 512, 9, 14, INK)
    s.text(520, 530, "登记机关", 11, INK)
    s.text(520, 550, c.authority, 10, INK)
    s.text(560, 570, "2023年05月12日", 10, INK)
    s.image(600, 470, 700, 570, seal(c.authority, "★", "", 180, seed=13))
    _applicant_stamp(s, c, 340, 500, seed=16)
    f = {
        "company_name": c.name,
        "credit_code": c.credit_code,
        "company_type": c.company_type,
        "legal_representative": c.legal_rep,
        "registered_capital": mstr(c.registered_capital),
        "established_date": c.established.isoformat(),
        "address": c.address,
        "business_scope": c.scope,
        "registration_authority": c.authority,
    }
    if c.term_end:
        f["business_term_end"] = c.term_end.isoformat()
    return Drawn(f, [s])


LAYOUTS = {"electronic": _draw_electronic, "fuben": _draw_fuben, "zhengben": _draw_zhengben}


def draw(doc: pymupdf.Document, c: Company, layout: str) -> Drawn:
    return LAYOUTS[layout](doc, c)

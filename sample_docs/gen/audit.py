"""Audit reports: opinion page + statements (two designs).

Add a layout by adding an entry to LAYOUTS.
"""

from __future__ import annotations

from decimal import Decimal

import pymupdf

from .common import A4, Sheet, fmt_date, fmt_money, mstr, seal
from .model import AuditData
from .registry import Drawn


def _q(v) -> Decimal:
    return Decimal(v).quantize(Decimal("0.01"))


def _statements(
    a: AuditData,
) -> tuple[list[tuple[str, Decimal, Decimal]], list[tuple[str, Decimal, Decimal]]]:
    A, R, N, D = a.total_assets, a.revenue, a.net_profit, a.rd_expense
    cash, ar, fixed, intang = (
        _q(A * Decimal("0.31")),
        _q(A * Decimal("0.24")),
        _q(A * Decimal("0.2")),
        _q(A * Decimal("0.08")),
    )
    other = A - cash - ar - fixed - intang
    liab = _q(A * Decimal("0.37"))
    prev = Decimal("0.83")
    bs = [
        ("货币资金", cash),
        ("应收账款", ar),
        ("其他流动资产", other),
        ("固定资产", fixed),
        ("无形资产", intang),
        ("资产总计", A),
        ("负债合计", liab),
        ("所有者权益合计", A - liab),
        ("负债和所有者权益总计", A),
    ]
    bs3 = [(k, v, _q(v * prev)) for k, v in bs]
    taxes, sales, admin, fin = (
        _q(R * Decimal("0.006")),
        _q(R * Decimal("0.07")),
        _q(R * Decimal("0.09")),
        _q(R * Decimal("0.004")),
    )
    op = _q(N / Decimal("0.95"))
    cost = R - taxes - sales - admin - D - fin - op
    inc = [
        ("一、营业收入", R),
        ("减：营业成本", cost),
        ("税金及附加", taxes),
        ("销售费用", sales),
        ("管理费用", admin),
        ("研发费用", D),
        ("财务费用", fin),
        ("二、营业利润", op),
        ("三、利润总额", op),
        ("减：所得税费用", op - N),
        ("四、净利润", N),
    ]
    inc3 = [(k, v, _q(v * Decimal("0.78"))) for k, v in inc]
    return bs3, inc3


def _opinion_page(doc, a: AuditData, L: dict) -> Sheet:
    s = Sheet.new(doc, A4)
    s.text(297, 95, "审 计 报 告", 20, align="center")
    s.text(297, 125, a.report_no, 10.5, align="center")
    y = 165
    s.text(72, y, f"{a.entity.name}全体股东：", 11)
    y += 28
    s.text(72, y, L["h1"], 11)
    y += 22
    y = s.wrap(
        72,
        y,
        f"我们审计了{a.entity.name}（以下简称贵公司）财务报表，包括{a.fiscal_year}年12月31日的资产负债表，"
        f"{a.fiscal_year}年度的利润表、现金流量表、所有者权益变动表以及相关财务报表附注。",
        451,
        10.5,
        18,
        indent=21,
    )
    y = s.wrap(
        72,
        y,
        f"我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司{a.fiscal_year}年"
        f"12月31日的财务状况以及{a.fiscal_year}年度的经营成果和现金流量。{L['opinion_sentence']}",
        451,
        10.5,
        18,
        indent=21,
    )
    y += 10
    s.text(72, y, L["h2"], 11)
    y += 22
    y = s.wrap(
        72,
        y,
        "我们按照中国注册会计师审计准则的规定执行了审计工作。审计报告的“注册会计师对财务报表审计的责任”部分进一步"
        "阐述了我们在这些准则下的责任。按照中国注册会计师职业道德守则，我们独立于贵公司，并履行了职业道德方面的其他责任。"
        "我们相信，我们获取的审计证据是充分、适当的，为发表审计意见提供了基础。",
        451,
        10.5,
        18,
        indent=21,
    )
    y += 40
    s.text(72, y, a.firm, 11)
    s.text(340, y, f"中国注册会计师：{a.cpas[0]}", 11)
    s.text(340, y + 30, f"中国注册会计师：{a.cpas[1]}", 11)
    s.text(72, y + 30, a.firm_address, 10)
    s.text(340, y + 60, fmt_date(a.report_date, L["date_style"]), 11)
    s.image(90, y - 50, 200, y + 60, seal(a.firm, "★", "", 260, seed=21))
    return s


def _num(v: Decimal, L: dict) -> str:
    return fmt_money(v, L["num_style"])


def _statement_page(doc, a: AuditData, L: dict, title: str, period: str, cols: list[str], rows) -> Sheet:
    s = Sheet.new(doc, A4)
    s.text(297, 80, title, 16, align="center")
    s.text(72, 110, f"编制单位：{a.entity.name}", 9.5)
    s.text(297, 110, period, 9.5, align="center")
    s.text(523, 110, "单位：元", 9.5, align="right")
    body = [[k, _num(v1, L), _num(v0, L)] for k, v1, v0 in rows]
    s.table(72, 120, [191, 130, 130], [["项目", *cols], *body], 24, 9.5, align=["left", "right", "right"])
    return s


def _draw_firm_b(doc: pymupdf.Document, a: AuditData, L: dict) -> Drawn:
    """Another firm's design: a cover page (报告名称/报告文号/防伪编码), the opinion with 审计意见 /
    形成审计意见的基础 as bold run-in headings, and statements with 本年金额/上年金额 where the
    income statement opens with 一、营业总收入 / 其中：营业收入; 黑体 non-embedded."""
    font = L["font"]
    bs, inc = _statements(a)
    fy = a.fiscal_year
    cover = Sheet.new(doc, A4, font=font)
    cover.text(297, 170, a.entity.name, 20, align="center")
    cover.text(297, 215, f"{fy}年度财务报表审计报告", 18, align="center")
    for i, (lab, val) in enumerate(
        (("报告文号", a.report_no), ("防伪编码", a.firm_code or "—"), ("出具日期", fmt_date(a.report_date, "cn_short")))
    ):
        cover.text(150, 420 + i * 30, f"{lab}：", 12)
        cover.text(222, 420 + i * 30, val, 12)
    cover.text(297, 700, a.firm, 15, align="center")
    op = Sheet.new(doc, A4, font=font)
    op.text(297, 90, "审计报告", 18, align="center")
    op.text(523, 118, a.report_no, 9.5, align="right")
    y = 150
    op.text(72, y, f"{a.entity.name}：", 11)
    y += 26
    y = op.wrap(
        72,
        y,
        f"审计意见：我们审计了{a.entity.name}（以下简称“公司”）的财务报表，包括{fy}年12月31日的资产负债表，"
        f"{fy}年度的利润表、现金流量表、股东权益变动表以及财务报表附注。我们认为，后附的财务报表在所有重大方面"
        f"按照企业会计准则的规定编制，公允反映了公司{fy}年12月31日的财务状况以及{fy}年度的经营成果和现金流量。"
        "本所对上述财务报表出具无保留意见。",
        451,
        10.5,
        19,
        indent=21,
    )
    y = op.wrap(
        72,
        y + 6,
        "形成审计意见的基础：我们按照中国注册会计师审计准则的规定执行了审计工作。我们相信，我们获取的审计证据是充分、"
        "适当的，为发表审计意见提供了基础。",
        451,
        10.5,
        19,
        indent=21,
    )
    y += 50
    op.text(72, y, a.firm, 11)
    op.text(72, y + 26, f"地址：{a.firm_address}", 9.5)
    op.text(360, y, f"中国注册会计师（项目合伙人）：{a.cpas[0]}", 9.5)
    op.text(360, y + 26, f"中国注册会计师：{a.cpas[1]}", 9.5)
    op.text(360, y + 60, fmt_date(a.report_date, "cn_short"), 11)
    op.image(100, y - 40, 190, y + 50, seal(a.firm, "★", "", 180, seed=22))
    st = Sheet.new(doc, A4, font=font)
    st.text(297, 64, "资产负债表", 14, align="center")
    st.text(72, 86, f"编制单位：{a.entity.name}", 9)
    st.text(523, 86, f"{fy}年12月31日  单位：元", 9, align="right")
    rows = [["项目", "本年金额", "上年金额"], *[[k, fmt_money(v1, "comma"), fmt_money(v0, "comma")] for k, v1, v0 in bs]]
    y = st.table(72, 94, [171, 140, 140], rows, 19, 8.5, align=["left", "right", "right"])
    st.text(297, y + 34, "利润表", 14, align="center")
    st.text(72, y + 56, f"编制单位：{a.entity.name}", 9)
    st.text(523, y + 56, f"{fy}年度  单位：元", 9, align="right")
    rename = {
        "减：营业成本": "其中：营业成本",
        "二、营业利润": "三、营业利润",
        "三、利润总额": "四、利润总额",
        "四、净利润": "五、净利润",
    }
    vals = {k: (v1, v0) for k, v1, v0 in inc}
    r1, r0 = vals["一、营业收入"]
    p1, p0 = vals["二、营业利润"]
    inc_rows = [
        ["一、营业总收入", fmt_money(r1, "comma"), fmt_money(r0, "comma")],
        ["其中：营业收入", fmt_money(r1, "comma"), fmt_money(r0, "comma")],
        ["二、营业总成本", fmt_money(r1 - p1, "comma"), fmt_money(r0 - p0, "comma")],
    ]
    for k, v1, v0 in inc[1:]:
        inc_rows.append([rename.get(k, k), fmt_money(v1, "comma"), fmt_money(v0, "comma")])
    st.table(72, y + 64, [171, 140, 140], [["项目", "本年金额", "上年金额"], *inc_rows], 19, 8.5, align=["left", "right", "right"])
    fields = {
        "audited_entity": a.entity.name,
        "fiscal_year": fy,
        "audit_firm": a.firm,
        "report_no": a.report_no,
        "report_date": a.report_date.isoformat(),
        "opinion": "标准无保留意见",  # canonical type of a clean unqualified opinion
        "revenue": mstr(a.revenue),
        "net_profit": mstr(a.net_profit),
        "total_assets": mstr(a.total_assets),
        "rd_expense": mstr(a.rd_expense),
    }
    return Drawn(fields, [cover, op, st])


def draw(doc: pymupdf.Document, a: AuditData, layout: str) -> Drawn:
    L = LAYOUTS[layout]
    if "draw" in L:
        return L["draw"](doc, a, L)
    bs, inc = _statements(a)
    sheets = [_opinion_page(doc, a, L)]
    if L["separate_pages"]:
        sheets.append(
            _statement_page(doc, a, L, "资产负债表", f"{a.fiscal_year}年12月31日", L["bs_cols"], bs)
        )
        sheets.append(_statement_page(doc, a, L, "利润表", f"{a.fiscal_year}年度", L["inc_cols"], inc))
    else:
        s = Sheet.new(doc, A4)
        s.text(297, 70, f"{a.fiscal_year}年度主要财务报表", 15, align="center")
        s.text(72, 95, f"编制单位：{a.entity.name}", 9.5)
        s.text(523, 95, "金额单位：人民币元", 9.5, align="right")
        s.text(72, 120, f"资产负债表（{a.fiscal_year}年12月31日）", 10.5)
        y = s.table(
            72,
            128,
            [191, 130, 130],
            [["项目", *L["bs_cols"]], *[[k, _num(v1, L), _num(v0, L)] for k, v1, v0 in bs]],
            21,
            9,
            align=["left", "right", "right"],
        )
        s.text(72, y + 25, f"利润表（{a.fiscal_year}年度）", 10.5)
        s.table(
            72,
            y + 33,
            [191, 130, 130],
            [["项目", *L["inc_cols"]], *[[k, _num(v1, L), _num(v0, L)] for k, v1, v0 in inc]],
            21,
            9,
            align=["left", "right", "right"],
        )
        sheets.append(s)
    fields = {
        "audited_entity": a.entity.name,
        "fiscal_year": a.fiscal_year,
        "audit_firm": a.firm,
        "report_no": a.report_no,
        "report_date": a.report_date.isoformat(),
        "opinion": "标准无保留意见",  # canonical type of a clean unqualified opinion
        "revenue": mstr(a.revenue),
        "net_profit": mstr(a.net_profit),
        "total_assets": mstr(a.total_assets),
        "rd_expense": mstr(a.rd_expense),
    }
    return Drawn(fields, sheets)


LAYOUTS: dict[str, dict] = {
    "cpa_three_page": {
        "h1": "一、审计意见",
        "h2": "二、形成审计意见的基础",
        "opinion_sentence": "本报告意见类型：标准无保留意见。",
        "date_style": "cn",
        "num_style": "comma",
        "separate_pages": True,
        "bs_cols": ["期末余额", "上年年末余额"],
        "inc_cols": ["本期金额", "上期金额"],
    },
    "cpa_compact": {
        "h1": "（一）审计意见",
        "h2": "（二）形成审计意见的基础",
        "opinion_sentence": "因此，我们对上述财务报表发表无保留意见。",
        "date_style": "cn_short",
        "num_style": "plain",
        "separate_pages": False,
        "bs_cols": ["年末数", "年初数"],
        "inc_cols": ["本年累计数", "上年同期数"],
    },
}
# unseen layout (helper H11): cover + opinion + both statements on one page, 本年金额/上年金额
LAYOUTS["firm_cover"] = {"draw": _draw_firm_b, "font": "china-s"}

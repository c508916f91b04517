"""Team material (研发团队), integrity pledge (无涉黑（失信）承诺书) and test report (检验检测报告).

Each has a LAYOUTS dict; add a layout by adding an entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pymupdf

from .common import A4, Sheet, fmt_date, seal
from .model import Company
from .registry import Drawn


@dataclass
class Member:
    name: str
    role: str
    major: str
    degree: str
    duty: str


@dataclass
class TeamData:
    company: Company
    members: list[Member]
    date: dt.date
    subject: str  # what the team builds


@dataclass
class PledgeData:
    company: Company
    date: dt.date


@dataclass
class TestReportData:
    company: Company
    report_no: str
    product: str
    model: str
    lab: str
    issue_date: dt.date
    items: list[tuple[str, str, str]]  # (item, requirement, result)


# ------------------------------------------------------------------ team


_SONG = {"team_roster", "pledge_song"}  # unseen layouts (helper H11): non-embedded 宋体


def _team(doc: pymupdf.Document, t: TeamData, layout: str) -> Drawn:
    s = Sheet.new(doc, A4, font="china-ss" if layout in _SONG else None)
    title = {"team_table": "研发团队情况表", "team_roster": "核心研发人员名单"}.get(layout, "模型研发团队介绍")
    s.text(297, 80, title, 18, align="center")
    s.text(72, 115, f"申报单位：{t.company.name}", 10.5)
    y = s.wrap(
        72, 140, f"本单位{t.subject}研发团队共{len(t.members)}人，核心成员如下：", 451, 10.5, 18, indent=21
    )
    if layout in ("team_table", "team_roster"):
        rows = [["序号", "姓名", "职务", "专业", "学历", "分工"]]
        rows += [[str(i), m.name, m.role, m.major, m.degree, m.duty] for i, m in enumerate(t.members, 1)]
        y = s.table(72, y, [34, 56, 80, 92, 42, 147], rows, 24, 9, align=["center"] * 5 + ["left"])
    else:
        for i, m in enumerate(t.members, 1):
            y = s.wrap(
                72,
                y + 4,
                f"{i}. {m.name}，{m.role}，{m.degree}，{m.major}专业，负责{m.duty}。",
                451,
                10.5,
                18,
                indent=0,
            )
    s.text(330, y + 60, f"{t.company.name}（盖章）", 10.5)
    s.text(360, y + 85, fmt_date(t.date), 10.5)
    s.image(360, y + 20, 460, y + 120, seal(t.company.name, "★", "", 240, seed=31))
    fields = {"title": title, "company_name": t.company.name, "members": [m.name for m in t.members]}
    return Drawn(fields, [s])


# ------------------------------------------------------------------ pledge

_PLEDGE_TEXTS = {
    "pledge_formal": (
        "无涉黑（失信）承诺书",
        [
            "福建省工业和信息化厅：",
            "本单位郑重承诺：",
            "1. 本单位及法定代表人、主要负责人无涉黑涉恶违法行为；",
            "2. 本单位未被列入企业经营异常名录、严重违法失信企业名单；",
            "3. 近三年内无重大安全生产、环境污染、质量事故及重大违法违规行为；",
            "4. 所提交的申报材料真实、准确、完整，如有虚假，愿承担相应法律责任。",
        ],
    ),
    "pledge_song": (
        "无涉黑（失信）承诺",
        [
            "泉州市工业和信息化局：",
            "我单位申报2024年省级人工智能产业发展项目，郑重承诺：本单位无涉黑涉恶违法行为，未被列入企业经营异常名录，"
            "未被列入失信企业名单，运营和财务状况良好。以上承诺如有不实，本单位愿承担由此引起的一切法律责任。",
        ],
    ),
    "pledge_short": (
        "信用承诺书",
        [
            "致：泉州市工业和信息化局",
            "我单位自愿申报2024年省级人工智能产业发展项目，现就有关事项承诺如下：我单位依法经营，"
            "无涉黑涉恶违法行为，未被列入失信被执行人、企业经营异常名录或失信企业名单；如违反上述承诺，"
            "自愿取消申报资格并承担由此产生的一切后果。",
        ],
    ),
}


def _pledge(doc: pymupdf.Document, p: PledgeData, layout: str) -> Drawn:
    title, paras = _PLEDGE_TEXTS[layout]
    s = Sheet.new(doc, A4, font="china-ss" if layout in _SONG else None)
    s.text(297, 100, title, 20, align="center")
    y = 150
    for i, para in enumerate(paras):
        y = s.wrap(72, y, para, 451, 12, 24, indent=0 if i == 0 else 24) + 6
    y += 40
    s.text(250, y, f"承诺单位（盖章）：{p.company.name}", 11.5)
    s.text(250, y + 32, f"法定代表人（签字）：{p.company.legal_rep}", 11.5)
    s.text(250, y + 64, fmt_date(p.date, "cn_short"), 11.5)
    s.image(300, y - 45, 410, y + 65, seal(p.company.name, "★", "", 240, seed=41))
    fields = {
        "title": title,
        "company_name": p.company.name,
        "legal_representative": p.company.legal_rep,
        "sign_date": p.date.isoformat(),
    }
    return Drawn(fields, [s])


# ------------------------------------------------------------------ test report


def _test_report(doc: pymupdf.Document, r: TestReportData, layout: str) -> Drawn:
    cover = Sheet.new(doc, A4)
    title = "检验检测报告" if layout == "lab_cover" else "检测报告"
    cover.text(480, 70, f"报告编号：{r.report_no}", 10, align="right")
    cover.text(297, 200, title, 28, align="center")
    labels = (
        ("产品名称", r.product),
        ("型号规格", r.model),
        ("委托单位", r.company.name),
        ("检验类别", "委托检验"),
    )
    if layout != "lab_cover":
        labels = (
            ("样品名称", r.product),
            ("规格型号", r.model),
            ("送检单位", r.company.name),
            ("检测类型", "委托检测"),
        )
    y = 330
    for lab, val in labels:
        cover.spaced(130, y, lab, 64, 13)
        cover.text(205, y, f"：{val}", 13)
        cover.hline(215, 470, y + 5, width=0.5)
        y += 40
    cover.text(297, 700, r.lab, 15, align="center")
    cover.text(297, 730, fmt_date(r.issue_date), 12, align="center")
    cover.image(320, 640, 440, 760, seal(r.lab, "★", "检验检测专用章", 260, seed=51))
    body = Sheet.new(doc, A4)
    body.text(297, 70, "检验结果汇总", 15, align="center")
    body.text(72, 100, f"报告编号：{r.report_no}", 9.5)
    rows = [["序号", "检验项目", "技术要求", "检验结果", "单项结论"]]
    rows += [[str(i), it, req, res, "符合"] for i, (it, req, res) in enumerate(r.items, 1)]
    y = body.table(
        72, 112, [36, 110, 135, 110, 60], rows, 26, 9, align=["center", "left", "left", "left", "center"]
    )
    conclusion = "经检验，所检项目均符合技术要求。"
    body.text(72, y + 30, f"检验结论：{conclusion}", 10.5)
    body.text(330, y + 90, f"签发日期：{fmt_date(r.issue_date)}", 10.5)
    fields = {
        "title": title,
        "report_no": r.report_no,
        "product_name": r.product,
        "client_name": r.company.name,
        "test_org": r.lab,
        "issue_date": r.issue_date.isoformat(),
        "conclusion": conclusion,
    }
    return Drawn(fields, [cover, body])


TEAM_LAYOUTS = ("team_table", "team_prose", "team_roster")
PLEDGE_LAYOUTS = tuple(_PLEDGE_TEXTS)
TEST_LAYOUTS = ("lab_cover", "lab_plain")


def draw_team(doc, t: TeamData, layout: str) -> Drawn:
    assert layout in TEAM_LAYOUTS, layout
    return _team(doc, t, layout)


def draw_pledge(doc, p: PledgeData, layout: str) -> Drawn:
    return _pledge(doc, p, layout)


def draw_test_report(doc, r: TestReportData, layout: str) -> Drawn:
    assert layout in TEST_LAYOUTS, layout
    return _test_report(doc, r, layout)

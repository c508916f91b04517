"""申报表 (附件1) as a Word table, two designs.

Add a layout by writing a row builder and registering it in LAYOUTS.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .common import fmt_date, fmt_money, mstr
from .model import Company

DIRECTIONS = [
    ("compute_subsidy", "算力服务补助"),
    ("lingyan_software", "“领雁”软件企业"),
    ("software_product", "软件优质产品"),
    ("hardware_product", "硬件优质产品"),
    ("application_scenario", "典型应用场景"),
]
OWNERSHIP = ["国有", "合资", "民营", "其他"]
FIXED_TIME = dt.datetime(2024, 6, 1, 9, 0, 0)


@dataclass
class FormData:
    company: Company
    direction: str
    intro: str  # 单位简介
    project: list[str]  # 项目介绍 paragraphs
    revenue: Decimal | None = None
    suppliers: list[tuple[str, Decimal]] = field(default_factory=list)
    ownership: str = "民营"
    listed: bool = False
    project_name: str = ""
    consortium: list[str] = field(default_factory=list)


def _tick(on: bool, style: str) -> str:
    return ("☑" if on else "□") if style == "box" else ("√" if on else "□")


def _rows_fj2024(f: FormData) -> list[list[str | None]]:
    """Rows of 5 cells; None = merged with the cell to its left, '^' = merged with the cell above."""
    c = f.company
    listed = f"{_tick(f.listed, 'box')}是，上市板块：\n{_tick(not f.listed, 'box')}否"
    own = "".join(f"{_tick(o == f.ownership, 'box')}{o}" for o in OWNERSHIP)
    dirs = "\n".join(f"{_tick(k == f.direction, 'box')}{lab}" for k, lab in DIRECTIONS)
    pledge = (
        "本单位承诺：\n1.申报书中所填写的内容真实、合法、有效。\n2.提供的申报资料和文件内容真实、准确、完整，事实存在，来源合法。\n"
        "3.所报送的材料符合国家保密规定，未涉及国家秘密和其他敏感信息。\n"
        "4.涉及的知识产权（商业秘密）明晰完整，归属本单位或技术来源正当合法，未剽窃他人成果，未侵犯他人知识产权或商业秘密。\n"
        "若发生与上述承诺相违背的事实，由本单位承担一切责任。\n申报单位（盖章）：      法定代表人（签字）：\n年   月   日"
    )
    return [
        ["单位名称", c.name, None, None, None],
        ["单位地址", c.address, None, None, None],
        ["统一社会信用代码", c.credit_code, "是否上市", listed, None],
        ["单位性质", own, "注册成立时间", fmt_date(c.established), None],
        ["法定代表人", c.legal_rep, "联系电话", c.phone, None],
        ["申报联系人", c.contact, "联系方式", "电话", c.contact_phone],
        ["^", "^", "^", "电子邮箱", c.email],
        ["单位简介", f.intro, None, None, None],
        ["申报方向（请√选一项）", dirs, None, None, None],
        ["项目介绍", "\n".join(f.project), None, None, None],
        ["材料真实性承诺", pledge, None, None, None],
        [
            "设区市工信局、平潭综合实验区经发局推荐意见",
            "经办人（签字）：       审批人（签字）：\n（推荐单位公章）\n年    月    日",
            None,
            None,
            None,
        ],
    ]


def _rows_alt(f: FormData) -> list[list[str | None]]:
    """Alternative wording: contact block first, √ marks, 手机/邮箱 labels, dates as 2019年3月8日."""
    c = f.company
    dirs = "   ".join(f"{_tick(k == f.direction, 'check')}{lab}" for k, lab in DIRECTIONS)
    return [
        ["单位全称", c.name, None, "社会信用代码", c.credit_code],
        ["注册地址", c.address, None, None, None],
        ["联系人", c.contact, "手机", c.contact_phone, None],
        ["邮箱", c.email, None, None, None],
        ["法人代表", c.legal_rep, "法人电话", c.phone, None],
        ["企业性质", f"{f.ownership}企业", "成立日期", fmt_date(c.established, "cn_short"), None],
        ["是否上市公司", "是" if f.listed else "否", None, None, None],
        ["单位简介", f.intro, None, None, None],
        ["申报方向", dirs, None, None, None],
        ["项目介绍", "\n".join(f.project), None, None, None],
        [
            "材料真实性承诺",
            "本单位承诺所填内容及所附材料真实、合法、有效，如有不实，由本单位承担一切责任。\n"
            "申报单位（盖章）：            年   月   日",
            None,
            None,
            None,
        ],
        ["推荐意见", "（推荐单位公章）\n年    月    日", None, None, None],
    ]


def _rows_blocks(f: FormData) -> list[list[str | None]]:
    """Unseen layout (helper H11): code before address, ■/□ marks, ISO founding date, 手机/邮箱
    of the contact in one cell, the compute suppliers in a separate table after the form."""
    c = f.company
    mark = lambda on: "■" if on else "□"  # noqa: E731
    dirs = "  ".join(f"{mark(k == f.direction)}{lab}" for k, lab in DIRECTIONS)
    own = " ".join(f"{mark(o == f.ownership)}{o}" for o in OWNERSHIP)
    project = list(f.project)
    if f.suppliers:
        project.append("算力采购明细见附表《算力采购情况》。")
    return [
        ["单位名称", c.name, None, None, None],
        ["统一社会信用代码", c.credit_code, None, "成立时间", c.established.isoformat()],
        ["注册地址", c.address, None, None, None],
        ["法定代表人", c.legal_rep, None, "手机", c.phone],
        ["单位性质", own, None, "是否上市", f"{mark(f.listed)}是 {mark(not f.listed)}否"],
        ["项目联系人", c.contact, None, "手机/邮箱", f"{c.contact_phone} / {c.email}"],
        ["申报方向（在□内打■）", dirs, None, None, None],
        ["单位简介", f.intro, None, None, None],
        ["项目介绍", "\n".join(project), None, None, None],
        [
            "真实性承诺",
            "本单位对所填报信息及附件材料的真实性负责，如有虚假，自愿承担相应责任。\n"
            "法定代表人（签字）：            申报单位（盖章）：\n年   月   日",
            None,
            None,
            None,
        ],
    ]


LAYOUTS = {"fj2024_table": _rows_fj2024, "fj2024_alt": _rows_alt, "fj2024_blocks": _rows_blocks}


def _set_cell(cell, text: str, bold: bool = False):
    lines = text.split("\n")
    cell.text = ""
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p = cell.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(10.5)
        run.bold = bold


def _body_lines(document) -> list[str]:
    """Document text in body order, one line per paragraph; each merged cell once."""
    out: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            t = "".join(n.text or "" for n in child.iter(qn("w:t")))
            if t.strip():
                out.append(t)
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document)
            seen: list = []  # the cell elements themselves, kept alive so identity is stable
            for row in table.rows:
                for cell in row.cells:
                    if any(cell._tc is e for e in seen):
                        continue
                    seen.append(cell._tc)
                    out.extend(p.text for p in cell.paragraphs if p.text.strip())
    return out


def build(f: FormData, layout: str) -> tuple[bytes, dict, str]:
    """Return (.docx bytes, declared fields, printed text)."""
    rows = LAYOUTS[layout](f)
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "宋体"
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    st.font.size = Pt(10.5)
    for sec in d.sections:
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
    if layout == "fj2024_table":
        p = d.add_paragraph()
        p.add_run("附件1").font.size = Pt(12)
    h = d.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = h.add_run("福建省省级人工智能产业发展项目申报表")
    r.bold = True
    r.font.size = Pt(16)
    if layout != "fj2024_table":
        d.add_paragraph(f"申报单位（盖章）：{f.company.name}        填报日期：2024年6月10日")
    table = d.add_table(rows=len(rows), cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:  # narrow label columns, as in the printed form
        for cell, width in zip(row.cells, (3.0, 5.6, 2.6, 2.0, 3.4), strict=True):
            cell.width = Cm(width)
    for ri, row in enumerate(rows):
        for ci, val in enumerate(row):
            if val is None or val == "^":
                continue
            cell = table.cell(ri, ci)
            span = ci
            while span + 1 < 5 and row[span + 1] is None:
                span += 1
            if span > ci:
                cell = cell.merge(table.cell(ri, span))
            down = ri
            while down + 1 < len(rows) and rows[down + 1][ci] == "^":
                down += 1
            if down > ri:
                cell = cell.merge(table.cell(down, ci))
            _set_cell(cell, val, bold=(ci in (0, 2) and layout == "fj2024_table") or ci == 0)
    if layout == "fj2024_blocks" and f.suppliers:
        d.add_paragraph("附表：算力采购情况")
        t2 = d.add_table(rows=len(f.suppliers) + 2, cols=4)
        t2.style = "Table Grid"
        total = sum((a for _, a in f.suppliers), Decimal(0))
        srows = [["序号", "供应商名称", "采购金额（元）", "备注"]]
        srows += [[str(i), n, fmt_money(a, "comma"), "算力服务"] for i, (n, a) in enumerate(f.suppliers, 1)]
        srows += [["合计", "", fmt_money(total, "comma"), ""]]
        for ri, vals in enumerate(srows):
            for ci, val in enumerate(vals):
                _set_cell(t2.cell(ri, ci), val, bold=ri == 0)
    if f.consortium:
        d.add_paragraph("联合体成员单位：")
        for i, name in enumerate(f.consortium, 1):
            d.add_paragraph(f"{i}. {name}{'（牵头单位）' if i == 1 else ''}")
    cp = d.core_properties
    cp.author = "申报单位"
    cp.created = cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    data = _fixed_zip(buf.getvalue())
    printed = "\n".join(_body_lines(docx.Document(io.BytesIO(data))))

    c = f.company
    declared: dict = {
        "company_name": c.name,
        "address": c.address,
        "credit_code": c.credit_code,
        "listed": f.listed,
        "ownership": f.ownership,
        "established_date": c.established.isoformat(),
        "legal_representative": c.legal_rep,
        "legal_rep_phone": c.phone,
        "contact_name": c.contact,
        "contact_phone": c.contact_phone,
        "contact_email": c.email,
        "direction": f.direction,
    }
    if f.suppliers:
        declared["compute_purchase_total"] = mstr(sum((a for _, a in f.suppliers), Decimal(0)))
        declared["compute_suppliers"] = [{"name": n, "amount": mstr(a)} for n, a in f.suppliers]
    if f.revenue is not None:
        declared["revenue_last_year"] = mstr(f.revenue)
    if f.project_name:
        declared["project_name"] = f.project_name
    if f.consortium:
        declared["consortium_members"] = list(f.consortium)
    return data, declared, printed


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 6, 1, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def wan(v: Decimal) -> str:
    """Amount in 万元 as written in the form's prose: 36万元."""
    return f"{fmt_money(v, 'wan')}元"

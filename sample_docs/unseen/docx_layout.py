"""Layout ``docx_tables``: a Word contract with the parties and the amounts in Word tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from sample_docs.gen.common import fmt_money, words

from .data import Spec
from .flow import date_str
from .layouts import base_fields, pct

FIXED_TIME = dt.datetime(2024, 6, 1, 9, 0, 0)


def _font(run, size: float = 10.5, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "宋体"
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def _p(d, text: str, size: float = 10.5, bold: bool = False, align=None, indent: bool = False):
    p = d.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), size, bold)
    return p


def _table(d, rows: list[list], widths_cm: list[float] | None = None, bold_first: bool = True):
    """Word table; a cell is ``str`` or ``(str, span)`` (merged to the right)."""
    ncols = max(sum(1 if isinstance(c, str) else c[1] for c in r) for r in rows)
    t = d.add_table(rows=len(rows), cols=ncols)
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for ri, r in enumerate(rows):
        ci = 0
        for c in r:
            text, span = (c, 1) if isinstance(c, str) else c
            cell = t.cell(ri, ci)
            if span > 1:
                cell = cell.merge(t.cell(ri, ci + span - 1))
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 10, bold=bold_first and ri == 0)
            ci += span
    return t


def body_lines(document) -> list[str]:
    """Text in body order: each paragraph, each (merged) table cell once."""
    out: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            t = "".join(n.text or "" for n in child.iter(qn("w:t")))
            if t.strip():
                out.append(t)
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document)
            seen: list = []
            for row in table.rows:
                for cell in row.cells:
                    if any(cell._tc is e for e in seen):
                        continue
                    seen.append(cell._tc)
                    out.extend(p.text for p in cell.paragraphs if p.text.strip())
    return out


def _fixed_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 6, 1, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _clauses(d, b: str, sv: str, first: int, chinese: bool = False) -> None:
    nums = "一二三四五六七八九十"
    for i, (head, body) in enumerate([
        ("双方权利义务", f"{sv}应保障算力资源稳定可用，月度可用率不低于99.9%；{b}应按约定用途使用资源并按时付款。"),
        ("保密", "双方对履约中获知的对方商业秘密和数据负有保密义务，保密期限至相关信息公开之日止。"),
        ("违约责任", "任何一方违反本合同约定的，应承担违约责任，并赔偿对方因此遭受的直接经济损失。"),
        ("争议解决", "因本合同发生的争议，双方协商解决；协商不成的，提交泉州仲裁委员会仲裁。"),
        ("其他", "本合同一式贰份，双方各执壹份，自双方签字盖章之日起生效。"),
    ]):
        n = nums[first + i - 1]
        _p(d, f"{n}、{head}" if chinese else f"第{n}条 {head}", bold=True)
        _p(d, body, indent=True)


def build(s: Spec) -> tuple[bytes, dict, str]:
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.name = "宋体"
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    v = s.variant
    fields = base_fields(s)
    if v == 0:
        _p(d, s.title, 18, True, WD_ALIGN_PARAGRAPH.CENTER)
        _p(d, f"合同编号：{s.contract_no}", align=WD_ALIGN_PARAGRAPH.RIGHT)
        rows = [["项目", "甲方（采购方）", "乙方（服务方）"]]
        for lab, attr in (("单位名称", "name"), ("统一社会信用代码", "code"), ("注册地址", "address"), ("法定代表人", "legal_rep"),
                          ("开户银行", "bank"), ("银行账号", "account")):
            rows.append([lab, getattr(s.buyer, attr), getattr(s.seller, attr)])
        rows.append(["联系人及电话", f"{s.buyer.contact} {s.buyer.phone}", f"{s.seller.contact} {s.seller.phone}"])
        _table(d, rows)
        _p(d, "甲乙双方依据《中华人民共和国民法典》，经协商一致，就甲方向乙方采购算力服务事宜签订本合同。", indent=True)
        _p(d, "第一条 服务内容及价款", bold=True)
        _p(d, f"乙方向甲方提供{s.service_content}，服务内容、配置及价款如下表：", indent=True)
        _table(d, [
            ["序号", "服务项目", "配置规格", "数量", "服务期", "金额（元）"],
            ["1", s.service_content, s.gpu_model, f"{s.gpu_count}卡", f"{date_str(s.start, 'dot')}-{date_str(s.end, 'dot')}",
             fmt_money(s.total, "comma")],
            [(f"合计（含税，税率{pct(s.tax_rate)}）", 5), fmt_money(s.total, "comma")],
            [(f"人民币（大写）：{words(s.total)}", 6)],
        ])
        _p(d, "第二条 服务期限", bold=True)
        _p(d, f"服务期限自{date_str(s.start, 'cn')}起至{date_str(s.end, 'cn')}止。", indent=True)
        _p(d, "第三条 付款方式", bold=True)
        _p(d, "合同签订后10个工作日内甲方支付合同总额的60%，服务期满验收合格后支付剩余40%。乙方应于每次收款前开具增值税专用发票。", indent=True)
        _clauses(d, "甲方", "乙方", 4)
        _p(d, "（以下无正文，为签署页）", align=WD_ALIGN_PARAGRAPH.CENTER)
        _p(d, f"甲方（盖章）：{s.buyer.name}")
        _p(d, "法定代表人或授权代表：")
        _p(d, f"乙方（盖章）：{s.seller.name}")
        _p(d, "法定代表人或授权代表：")
        _p(d, f"签订日期：{date_str(s.sign_date, 'cn')}")
    elif v == 1:
        _p(d, s.title, 18, True, WD_ALIGN_PARAGRAPH.CENTER)
        _p(d, f"合同编号：{s.contract_no}")
        _p(d, f"签订日期：{date_str(s.sign_date, 'cn_short')}")
        rows: list[list] = []
        for head, p in (("甲方（委托方）", s.buyer), ("乙方（受托方）", s.seller)):
            rows.append([(head, 2)])
            rows += [["名称", p.name], ["统一社会信用代码", p.code], ["地址", p.address], ["法定代表人", p.legal_rep],
                     ["联系电话", p.phone]]
        t = _table(d, rows, bold_first=False)
        for r in (0, 6):
            for run in t.cell(r, 0).paragraphs[0].runs:
                run.bold = True
        _p(d, "第一条 委托事项", bold=True)
        _p(d, f"甲方委托乙方提供{s.service_content}。算力配置：{s.gpu_model} × {s.gpu_count}卡，乙方负责环境部署及运维保障。", indent=True)
        _p(d, "第二条 服务期限", bold=True)
        _p(d, f"自{date_str(s.start, 'cn_short')}至{date_str(s.end, 'cn_short')}。", indent=True)
        _p(d, "第三条 合同金额", bold=True)
        _table(d, [
            ["合同金额（不含税）", "税率", "税额", "合同金额（含税）"],
            [fmt_money(s.excl, "comma"), pct(s.tax_rate), fmt_money(s.tax, "comma"), fmt_money(s.total, "comma")],
            ["大写金额", (words(s.total), 3)],
        ])
        _p(d, "甲方于每季度结束后15日内按实际使用量结算支付，全年结算总额不超过上表含税合同金额。", indent=True)
        _clauses(d, "甲方", "乙方", 4)
        _p(d, f"甲方（盖章）：{s.buyer.name}　　　　乙方（盖章）：{s.seller.name}")
        _p(d, "授权代表：　　　　　　　　　　　　授权代表：")
    else:  # v == 2: 出租方 / 承租方, horizontal party table, unit-price table, signature table
        _p(d, s.title, 18, True, WD_ALIGN_PARAGRAPH.CENTER)
        _p(d, f"编号：{s.contract_no}", align=WD_ALIGN_PARAGRAPH.RIGHT)
        _table(d, [
            ["角色", "单位名称", "统一社会信用代码", "联系人", "联系电话"],
            ["承租方（甲方）", s.buyer.name, s.buyer.code, s.buyer.contact, s.buyer.phone],
            ["出租方（乙方）", s.seller.name, s.seller.code, s.seller.contact, s.seller.phone],
        ])
        _p(d, "甲方因业务发展需要，向乙方租用GPU算力资源。双方经友好协商，达成如下条款：", indent=True)
        _p(d, "一、租赁标的及租金", bold=True)
        months = s.extra["months"]
        unit = s.extra["unit"]
        _table(d, [
            ["序号", "设备名称", "型号", "数量（卡）", "单价（元/卡/月）", "租期（月）", "金额（元）"],
            ["1", "GPU算力服务器", s.gpu_model, str(s.gpu_count), fmt_money(unit, "comma"), str(months), fmt_money(s.total, "comma")],
            [("合计", 6), fmt_money(s.total, "comma")],
        ])
        _p(d, f"上述租金为含税价（增值税税率{pct(s.tax_rate)}），大写：{words(s.total)}。", indent=True)
        _p(d, "二、租赁期限", bold=True)
        _p(d, f"租赁期限：自{date_str(s.start, 'cn')}起至{date_str(s.end, 'cn')}止。", indent=True)
        _p(d, "三、服务内容", bold=True)
        _p(d, f"{s.service_content}：乙方负责服务器托管、电力、制冷及网络接入，保障设备7×24小时运行。", indent=True)
        _clauses(d, "甲方", "乙方", 4, chinese=True)
        d_line = f"签订日期：{date_str(s.sign_date, 'cn')}"
        _table(d, [
            ["承租方（甲方）（盖章）", "出租方（乙方）（盖章）"],
            [s.buyer.name, s.seller.name],
            ["授权代表：", "授权代表："],
            [d_line, d_line],
        ], bold_first=False)
    cp = d.core_properties
    cp.author = "合同管理"
    cp.created = cp.modified = cp.last_printed = FIXED_TIME
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    data = _fixed_zip(buf.getvalue())
    printed = "\n".join(body_lines(docx.Document(io.BytesIO(data))))
    return data, fields, printed

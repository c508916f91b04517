"""Layout ``order_docx``: a Word contract with a header table (合同编号/签订日期/签订地点),
parties as one table row each or as paragraphs, and price / tax / instalment tables."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from sample_docs.gen.common import fmt_money, money, words
from sample_docs.unseen.docx_layout import body_lines

from .data import Spec
from .flow import fmt_date
from .layouts import fields, pct

STAMP = (2024, 6, 1, 9, 0, 0)
FONT = "仿宋"


def _run(par, text: str, size: float, bold: bool) -> None:
    r = par.add_run(text)
    r.font.size = Pt(size)
    r.bold = bold
    r.font.name = FONT
    r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def para(d, text: str, size: float = 11, bold: bool = False, center: bool = False, first_indent: bool = False):
    p = d.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if first_indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _run(p, text, size, bold)
    return p


def table(d, rows: list[list], head: bool = True):
    """A bordered Word table; a cell is ``str`` or ``(str, span)`` merged to the right."""
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
            _run(cell.paragraphs[0], text, 10, head and ri == 0)
            ci += span
    return t


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the .docx zip with fixed timestamps so the bytes do not depend on the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=STAMP)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def _terms(d, payer: str, provider: str, first: int) -> None:
    nums = "一二三四五六七八九十"
    for i, (head, body) in enumerate([
        ("服务保障", f"{provider}应保证算力资源月度可用率不低于99.9%，并提供7×24小时技术支持。"),
        ("数据安全", f"{payer}的训练数据及模型成果归{payer}所有，{provider}不得留存或向第三方提供。"),
        ("违约责任", "一方违约给对方造成损失的，应赔偿对方的直接损失。"),
        ("争议解决", "争议协商不成的，向合同签订地人民法院提起诉讼。"),
        ("其他", "本合同自双方盖章之日起生效，一式两份，双方各执一份。"),
    ]):
        para(d, f"{nums[first + i - 1]}、{head}", bold=True)
        para(d, body, first_indent=True)


def build(s: Spec) -> tuple[bytes, dict, str]:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    v = s.variant
    para(d, s.title, 18, True, center=True)
    b, p = s.buyer, s.seller
    if v == 0:  # one header row; a party per table row; unit-price table with 小计 and 合计
        table(d, [["合同编号", s.contract_no, "签订日期", fmt_date(s.sign_date, "cn"), "签订地点", "福建省泉州市"]],
              head=False)
        para(d, "")
        table(d, [
            ["角色", "单位名称", "统一社会信用代码", "联系人/电话"],
            ["采购人", b.name, b.code, f"{b.contact} {b.phone}"],
            ["供应商", p.name, p.code, f"{p.contact} {p.phone}"],
        ])
        para(d, "采购人向供应商订购算力服务，双方经协商一致，订立本合同。", first_indent=True)
        para(d, "一、订购内容", bold=True)
        para(d, f"供应商向采购人提供{s.service_content}，GPU配置为{s.gpu_model}，共{s.gpu_count}卡，"
                f"服务期{s.months}个月，明细如下：", first_indent=True)
        rows = [["序号", "项目", "单位", "单价（元）", "数量", "小计（元）"]]
        for i, (name, unit, price, qty, sub) in enumerate(s.extra["rows"], 1):
            rows.append([str(i), name, unit, fmt_money(price, "comma"), str(qty), fmt_money(sub, "comma")])
        rows.append([("合计", 5), fmt_money(s.total, "comma")])
        rows.append([("合计人民币（大写）", 2), (words(s.total), 4)])
        table(d, rows)
        para(d, f"上述单价含增值税，税率{pct(s.tax_rate)}。", first_indent=True)
        para(d, "二、服务期限", bold=True)
        para(d, f"服务期限：{fmt_date(s.start, 'cn')}至{fmt_date(s.end, 'cn')}。", first_indent=True)
        para(d, "三、付款方式", bold=True)
        para(d, "采购人按季度支付服务费，供应商于收款前开具增值税专用发票。", first_indent=True)
        _terms(d, "采购人", "供应商", 4)
        para(d, f"采购人（盖章）：{b.name}")
        para(d, f"供应商（盖章）：{p.name}")
        f = fields(s)
    elif v == 1:  # a 3-row header table; parties as paragraphs; total beside 不含税 and 税额
        table(d, [["合同编号", s.contract_no], ["签订日期", fmt_date(s.sign_date, "iso")], ["签订地点", "泉州市晋江市"]],
              head=False)
        for role, party in (("委托方", b), ("受托方", p)):
            para(d, f"{role}：{party.name}", bold=True)
            para(d, f"统一社会信用代码：{party.code}")
            para(d, f"法定代表人：{party.legal_rep}　　地址：{party.address}")
            para(d, f"开户行：{party.bank}　　账号：{party.account}")
        para(d, "委托方委托受托方提供模型训练服务，双方达成如下协议：", first_indent=True)
        para(d, "一、委托事项", bold=True)
        para(d, f"受托方使用{s.gpu_model}训练集群（{s.gpu_count}卡）为委托方提供{s.service_content}，"
                "交付经验收的模型权重及训练报告。", first_indent=True)
        para(d, "二、服务期限", bold=True)
        para(d, f"自{fmt_date(s.start, 'cn_short')}起至{fmt_date(s.end, 'cn_short')}止。", first_indent=True)
        para(d, "三、合同金额", bold=True)
        para(d, f"合同总金额（含税）：¥{fmt_money(s.total, 'comma')}元，其中：不含税金额¥{fmt_money(s.excl, 'comma')}元，"
                f"税额¥{fmt_money(s.tax, 'comma')}元，税率{pct(s.tax_rate)}。", first_indent=True)
        para(d, f"合同总金额大写：{words(s.total)}", first_indent=True)
        _terms(d, "委托方", "受托方", 4)
        table(d, [["委托方（盖章）", "受托方（盖章）"], [b.name, p.name], ["授权代表：", "授权代表："]], head=False)
        f = fields(s)
    else:  # header table without a date; instalment table; date in Chinese numerals at the end
        table(d, [["合同编号", s.contract_no, "签订地点", "福建省泉州市丰泽区"]], head=False)
        para(d, "")
        table(d, [
            ["需方（甲方）", b.name, "供方（乙方）", p.name],
            ["统一社会信用代码", b.code, "统一社会信用代码", p.code],
            ["法定代表人", b.legal_rep, "法定代表人", p.legal_rep],
        ], head=False)
        para(d, "一、服务内容", bold=True)
        para(d, f"供方向需方提供{s.service_content}（{s.gpu_model}，{s.gpu_count}卡），服务期限自"
                f"{fmt_date(s.start, 'cn')}起至{fmt_date(s.end, 'cn')}止。", first_indent=True)
        para(d, "二、合同价款及支付", bold=True)
        para(d, f"合同总价款为人民币{fmt_money(s.total, 'comma')}元（大写：人民币{words(s.total)}），"
                f"含{pct(s.tax_rate)}增值税。分期支付如下：", first_indent=True)
        pre = money(s.total * Decimal("0.3"))
        table(d, [
            ["付款阶段", "比例", "金额（元）", "付款时间"],
            ["预付款", "30%", fmt_money(pre, "comma"), "合同签订后5个工作日内"],
            ["尾款", "70%", fmt_money(s.total - pre, "comma"), "服务期满验收合格后10个工作日内"],
        ])
        _terms(d, "需方", "供方", 3)
        para(d, f"需方（盖章）：{b.name}")
        para(d, f"供方（盖章）：{p.name}")
        para(d, fmt_date(s.sign_date, "cn_num"))
        f = fields(s, amount_in_words="人民币" + words(s.total))
    cp = d.core_properties
    cp.author = "合同管理员"
    cp.created = cp.modified = cp.last_printed = dt.datetime(*STAMP)
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    data = _stable_zip(buf.getvalue())
    printed = "\n".join(body_lines(docx.Document(io.BytesIO(data))))
    return data, f, printed

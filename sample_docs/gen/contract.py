"""Contracts: compute-service contracts (two wordings) and a product sales contract.

Add a layout by adding an entry to LAYOUTS (labels + body builder).
"""

from __future__ import annotations

import pymupdf

from .common import A4, RED, Sheet, fmt_date, fmt_money, mstr, seal, words
from .model import Company, ContractData
from .registry import Drawn

LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 80.0, 770.0


class _Writer:
    """Flows paragraphs over as many A4 pages as needed."""

    def __init__(self, doc: pymupdf.Document, footer: str, font: str | None = None):
        self.doc = doc
        self.sheets: list[Sheet] = []
        self.footer = footer
        self.font = font
        self._new()

    def _new(self):
        if self.sheets:
            self._foot()
        self.s = Sheet.new(self.doc, A4, font=self.font)
        self.sheets.append(self.s)
        self.y = TOP

    def _foot(self):
        n = len(self.sheets)
        self.s.text(297, 805, f"{self.footer} 第{n}页", 8.5, align="center")

    def need(self, h: float):
        if self.y + h > BOTTOM:
            self._new()

    def title(self, t: str, size=18):
        self.s.text(297, self.y + 10, t, size, align="center")
        self.y += 40

    def line(self, t: str, size=10.5, x=LEFT, gap=1.7):
        self.need(size * gap)
        self.s.text(x, self.y, t, size)
        self.y += size * gap

    def para(self, t: str, size=10.5, indent=21.0):
        est = (self.s.length(t, size) / (RIGHT - LEFT) + 1) * size * 1.7
        self.need(min(est, 60))
        self.y = self.s.wrap(LEFT, self.y, t, RIGHT - LEFT, size, size * 1.7, indent=indent)

    def table(self, widths, rows, row_h=22, size=9):
        self.need(row_h * len(rows) + 10)
        self.y = self.s.table(LEFT, self.y - 8, widths, rows, row_h, size) + 18

    def finish(self):
        self._foot()


def _party_block(w: _Writer, label: str, c: Company, code_label: str):
    w.line(f"{label}：{c.name}")
    w.line(f"{code_label}：{c.credit_code}")
    w.line(f"地址：{c.address}")
    w.line(f"开户行：{c.bank}  账号：{c.account}")
    w.y += 6


def _signature(w: _Writer, ct: ContractData, buyer_lab: str, seller_lab: str, date_style: str):
    w.need(170)
    s, y = w.s, w.y + 10
    s.text(LEFT, y, f"{buyer_lab}（盖章）：{ct.buyer.name}", 10.5)
    s.text(LEFT, y + 24, f"法定代表人或授权代表：{ct.buyer.legal_rep}", 10.5)
    s.text(LEFT, y + 90, f"签订日期：{fmt_date(ct.sign_date, date_style)}", 10.5)
    s.text(310, y + 90, "签订地点：福建省泉州市", 10.5)
    s.text(310, y, f"{seller_lab}（盖章）：{ct.seller.name}", 10.5)
    s.text(310, y + 24, f"法定代表人或授权代表：{ct.seller.legal_rep}", 10.5)
    s.image(110, y + 20, 200, y + 110, seal(ct.buyer.name, "★", "合同专用章", 240, seed=3))
    s.image(360, y + 20, 450, y + 110, seal(ct.seller.name, "★", "合同专用章", 240, seed=4))
    w.y = y + 120


def _compute_body(w: _Writer, ct: ContractData, L: dict):
    B, S = L["buyer"], L["seller"]
    if L["style"] == "table":
        w.para(
            f"{B}因人工智能模型训练需要，委托{S}提供GPU算力服务。双方根据《中华人民共和国民法典》，"
            "经友好协商，就算力服务事宜达成如下条款，共同遵守。"
        )
        w.line("第一条 服务内容及配置")
        w.para(f"服务内容：{ct.content}。具体产品类型、显卡机型配置及用量如下：")
        w.table(
            [90, 130, 60, 80, 91],
            [
                ["产品类型", "显卡机型配置", "数量", "用量（卡时）", "含税金额（元）"],
                [
                    ct.product,
                    ct.gpu_model,
                    f"{ct.gpu_count}卡",
                    str(ct.card_hours),
                    fmt_money(ct.total, "comma"),
                ],
            ],
        )
        w.line("第二条 服务期限")
        w.para(f"服务期限自{fmt_date(ct.start)}起至{fmt_date(ct.end)}止。")
        w.line("第三条 合同金额及支付方式")
        w.para(
            f"本合同总金额为人民币{fmt_money(ct.total, 'yen_comma')}元（大写：{words(ct.total)}），"
            f"含增值税，税率{int(ct.rate * 100)}%。"
        )
        for i, (when, amt) in enumerate(ct.installments, 1):
            w.para(f"{i}. {when}，{B}向{S}支付人民币{fmt_money(amt, 'comma')}元。")
        w.para(f"{S}收款后向{B}开具增值税专用发票。")
    else:
        w.para(
            f"鉴于{B}从事大模型研发，需要租用高性能GPU服务器资源；{S}具备提供人工智能算力服务的能力。"
            "双方本着平等互利的原则，订立本协议。"
        )
        w.line("一、服务内容")
        w.para(
            f"{S}向{B}提供{ct.product}，显卡机型为{ct.gpu_model}，每台{ct.gpu_count}卡，"
            f"约定用量{ct.card_hours}卡时，服务内容为{ct.content}。"
        )
        w.line("二、服务期间")
        w.para(f"自{fmt_date(ct.start, 'cn_short')}至{fmt_date(ct.end, 'cn_short')}。")
        w.line("三、价款与结算")
        w.para(
            f"协议价款合计{words(ct.total)}（{fmt_money(ct.total, 'yen')}），"
            f"已含{int(ct.rate * 100)}%增值税。"
        )
        for when, amt in ct.installments:
            w.para(f"{when}支付{fmt_money(amt, 'plain')}元；")
        w.para(f"{S}应在收到款项后开具合法有效的增值税发票。")
    w.line(L["n_clause"])
    w.para(
        f"{S}保证算力资源可用率不低于99.5%，因{S}原因导致服务中断的，按中断时长顺延服务期并减免相应费用。"
        f"{B}应按约定用途使用算力资源，不得转租或用于违法用途。"
    )
    w.line(L["n_clause2"])
    w.para(
        "双方对在合作过程中知悉的对方商业秘密、训练数据及模型参数负有保密义务，保密期限不因本合同终止而终止。"
        "因本合同发生的争议，双方协商解决；协商不成的，提交甲方所在地人民法院诉讼解决。"
    )
    w.para("本合同一式肆份，双方各执贰份，自双方盖章之日起生效。")


def _sales_body(w: _Writer, ct: ContractData, L: dict):
    B, S = L["buyer"], L["seller"]
    w.para(f"{B}向{S}采购下列产品，经双方协商一致，签订本合同。")
    w.line("第一条 产品名称、数量及金额")
    w.table(
        [170, 70, 80, 131],
        [
            ["产品名称", "数量", "单位", "金额（元）"],
            [ct.product, str(ct.gpu_count or 1), "套", fmt_money(ct.total, "comma")],
        ],
    )
    w.para(
        f"合同总金额：人民币{fmt_money(ct.total, 'yen_comma')}元（大写：{words(ct.total)}），"
        f"含{int(ct.rate * 100)}%增值税。"
    )
    w.line("第二条 交付与服务期限")
    w.para(
        f"{S}于合同签订后完成部署交付，技术服务期限自{fmt_date(ct.start)}起至{fmt_date(ct.end)}止。"
        f"服务内容：{ct.content}。"
    )
    w.line("第三条 付款方式")
    for when, amt in ct.installments:
        w.para(f"{when}，{B}支付{fmt_money(amt, 'comma')}元。")
    w.line("第四条 知识产权与验收")
    w.para(f"产品的知识产权归{S}所有，{B}享有合同约定范围内的使用权。{B}应在交付后15个工作日内完成验收。")
    w.para("本合同一式贰份，双方各执壹份，自双方签字盖章之日起生效。")


def _procure_parties(w: _Writer, L: dict, ct: ContractData):
    """采购方/供应商 block: name and code on one line each, 联系人 and 电话, no bank line."""
    for lab, c in ((L["buyer_full"], ct.buyer), (L["seller_full"], ct.seller)):
        w.line(f"{lab}：{c.name}", 11)
        w.line(f"{L['code']}：{c.credit_code}", 10)
        w.line(f"住所地：{c.address}", 10)
        w.line(f"法定代表人：{c.legal_rep}    联系电话：{c.phone}", 10)
        w.y += 4


def _procure_body(w: _Writer, ct: ContractData, L: dict):
    """Free prose in 章/条; the GPU configuration (if any) in a table; the amount only in the
    payment clause."""
    B, S = L["buyer"], L["seller"]
    w.para(
        f"根据《中华人民共和国民法典》及相关法律法规，{B}就人工智能模型训练所需算力资源向{S}进行采购，"
        "双方在平等、自愿、公平、诚实信用的基础上，经协商一致，订立本合同。"
    )
    w.line("第一章 采购标的", 11)
    if ct.gpu_model:
        w.para(f"第一条 {S}向{B}提供{ct.product}，用于{ct.content}。算力资源配置如下表：")
        w.table(
            [36, 120, 150, 60, 85],
            [
                ["序号", "产品名称", "配置说明", "数量", "使用期限"],
                ["1", ct.product, f"{ct.gpu_model}×{ct.gpu_count}", f"{ct.card_hours}卡时", "见第二条"],
            ],
        )
    else:
        w.para(f"第一条 {S}向{B}提供{ct.product}，用于{ct.content}，具体资源由{S}根据{B}的训练任务统筹调度。")
    w.para(f"第二条 服务期自{fmt_date(ct.start, 'dot')}起至{fmt_date(ct.end, 'dot')}止，期满经双方书面确认可续期。")
    w.line("第二章 价款与支付", 11)
    w.para(
        f"第三条 本合同价款为固定总价，计人民币{fmt_money(ct.total, 'comma')}元（大写：{words(ct.total)}），"
        f"已含{int(ct.rate * 100)}%增值税及{S}为履行本合同发生的全部费用。"
    )
    for i, (when, amt) in enumerate(ct.installments, 1):
        w.para(f"第三条之{i}：{when}，{B}支付{fmt_money(amt, 'comma')}元；")
    w.para(f"第四条 {S}应在每期款项支付前向{B}开具等额合法有效的增值税发票，{B}以银行转账方式支付。")
    w.line("第三章 双方权利义务", 11)
    w.para(
        f"第五条 {S}应保证算力资源稳定可用，月度可用率不低于99.9%；{B}应合法合规使用算力资源，"
        "不得用于挖矿等与本合同约定用途无关的活动。"
    )
    w.para("第六条 双方应对履约过程中获悉的对方技术资料、训练数据和商业信息保密。")
    w.line("第四章 其他", 11)
    w.para("第七条 本合同未尽事宜，双方可另行签订补充协议。因本合同引起的争议，由合同签订地人民法院管辖。")
    w.para("第八条 本合同一式陆份，采购方执肆份，供应商执贰份，具有同等法律效力。")


LAYOUTS: dict[str, dict] = {
    "compute_table": {
        "buyer": "甲方",
        "seller": "乙方",
        "buyer_full": "甲方（采购方）",
        "seller_full": "乙方（服务方）",
        "code": "统一社会信用代码",
        "style": "table",
        "n_clause": "第四条 服务质量",
        "n_clause2": "第五条 保密及争议解决",
        "no_label": "合同编号",
        "date_style": "cn",
        "body": _compute_body,
    },
    "compute_prose": {
        "buyer": "委托方",
        "seller": "受托方",
        "buyer_full": "委托方",
        "seller_full": "受托方",
        "code": "纳税人识别号",
        "style": "prose",
        "n_clause": "四、服务保障",
        "n_clause2": "五、保密与争议",
        "no_label": "协议编号",
        "date_style": "cn_short",
        "body": _compute_body,
    },
    "sales": {
        "buyer": "买方",
        "seller": "卖方",
        "buyer_full": "买方",
        "seller_full": "卖方",
        "code": "统一社会信用代码",
        "style": "table",
        "no_label": "合同编号",
        "date_style": "cn",
        "body": _sales_body,
    },
    # unseen layout (helper H11): 采购方/供应商, 宋体 non-embedded, amount only in the payment clause
    "procure_prose": {
        "buyer": "采购方",
        "seller": "供应商",
        "buyer_full": "采购方（甲方）",
        "seller_full": "供应商（乙方）",
        "code": "统一社会信用代码",
        "no_label": "采购合同编号",
        "date_style": "dot",
        "font": "china-ss",
        "party": _procure_parties,
        "body": _procure_body,
    },
}


def draw(doc: pymupdf.Document, ct: ContractData, layout: str) -> Drawn:
    L = LAYOUTS[layout]
    w = _Writer(doc, ct.title, L.get("font"))
    w.s.text(RIGHT, 60, f"{L['no_label']}：{ct.number}", 9.5, align="right")
    w.title(ct.title)
    if "party" in L:
        L["party"](w, L, ct)
    else:
        _party_block(w, L["buyer_full"], ct.buyer, L["code"])
        _party_block(w, L["seller_full"], ct.seller, L["code"])
    L["body"](w, ct, L)
    w.line("（以下无正文）", x=(LEFT + RIGHT) / 2 - 40)
    _signature(w, ct, L["buyer"], L["seller"], L["date_style"])
    w.finish()
    fields = {
        "contract_no": ct.number,
        "title": ct.title,
        "buyer_name": ct.buyer.name,
        "buyer_credit_code": ct.buyer.credit_code,
        "seller_name": ct.seller.name,
        "seller_credit_code": ct.seller.credit_code,
        "sign_date": ct.sign_date.isoformat(),
        "service_start": ct.start.isoformat(),
        "service_end": ct.end.isoformat(),
        "amount_total": mstr(ct.total),
        "amount_in_words": words(ct.total),
        "tax_rate": f"{ct.rate:.2f}",
        "service_content": ct.content,
    }
    if ct.gpu_model:
        fields.update(gpu_model=ct.gpu_model, gpu_count=ct.gpu_count)
    return Drawn(fields, w.sheets)


__all__ = ["LAYOUTS", "RED", "draw"]

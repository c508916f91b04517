"""Seven drawn contract layouts (the eighth, ``order_docx``, is in :mod:`.docx_layout`).

Each ``draw_<layout>(spec, w)`` draws one contract with a :class:`Writer` and returns the truth
``fields``: every CONTRACT section-4 contract field the drawing printed, from the spec.
"""

from __future__ import annotations

from decimal import Decimal

from sample_docs.gen.common import fmt_money, money, mstr, words

from .data import Party, Spec
from .flow import Writer, fmt_date


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def yen(v: Decimal) -> str:
    """``360,000.00`` with a full-width yen sign: ``￥360,000.00``."""
    return "￥" + fmt_money(v, "comma")


def wan(v: Decimal) -> str:
    """``36.82`` (万元), exact."""
    w = (money(v) / Decimal(10000)).normalize()
    assert w * 10000 == money(v), v
    return f"{w:f}"


def fields(s: Spec, *skip: str, **override) -> dict:
    """Every field; a layout drops what it does not print and overrides what it prints differently."""
    f = {
        "contract_no": s.contract_no,
        "title": s.title,
        "buyer_name": s.buyer.name,
        "buyer_credit_code": s.buyer.code,
        "seller_name": s.seller.name,
        "seller_credit_code": s.seller.code,
        "sign_date": s.sign_date.isoformat(),
        "service_start": s.start.isoformat(),
        "service_end": s.end.isoformat(),
        "amount_total": mstr(s.total),
        "amount_in_words": words(s.total),
        "tax_rate": f"{s.tax_rate:f}",
        "gpu_model": s.gpu_model,
        "gpu_count": s.gpu_count,
        "service_content": s.service_content,
    }
    if not s.contract_no:
        skip = (*skip, "contract_no")
    if not s.gpu_model:
        skip = (*skip, "gpu_model", "gpu_count")
    for k in skip:
        f.pop(k, None)
    f.update(override)
    return f


def general_terms(w: Writer, payer: str, provider: str, first: int, style: str = "条") -> None:
    """Clauses of every service contract (acceptance, confidentiality, liability, disputes, effect)."""
    nums = "一二三四五六七八九十"
    terms = [
        ("服务质量", (f"{provider}保证计算资源月度可用率不低于99.9%，发生故障时15分钟内响应、4小时内恢复；"
                      f"{payer}应按约定用途使用资源，不得转租或用于违法用途。")),
        ("知识产权与数据", f"{payer}使用计算资源产生的模型、数据及成果归{payer}所有，{provider}不得复制、留存或向任何第三方提供。"),
        ("保密", "任何一方对因履行本合同而获知的对方商业秘密、技术信息负有保密义务，保密期限自本合同签订之日起五年。"),
        ("违约责任", f"{payer}逾期付款的，每日按逾期金额的0.3‰支付违约金；{provider}服务不达标的，按服务等级协议减免当期费用。"),
        ("争议解决", "因本合同产生的争议，双方应协商解决；协商不成的，提交泉州仲裁委员会按其仲裁规则仲裁。"),
        ("合同生效", "本合同经双方法定代表人或授权代表签字并加盖公章或合同专用章后生效，一式肆份，双方各执贰份，具有同等法律效力。"),
    ]
    for i, (head, body) in enumerate(terms):
        n = nums[first + i - 1]
        if style == "条":
            w.clause(f"第{n}条 {head}", body)
        elif style == "顿号":
            w.clause(f"{n}、{head}", body, run_in=False)
        else:  # decimal numbering: 5. 服务质量
            w.clause(f"{first + i}. {head}", body, run_in=False)


def party_block(w: Writer, role: str, p: Party, size: float = 9.5) -> None:
    """A bordered 4-column party block: name, code / legal rep, address, bank / account."""
    w.grid([92, 140, 72, 147], [
        [role, (p.name, 3)],
        ["统一社会信用代码", p.code, "法定代表人", p.legal_rep],
        ["地址", (p.address, 3)],
        ["开户行", p.bank, "账号", p.account],
    ], size=size, align=["center", "left", "center", "left"])


def party_lines(w: Writer, role: str, p: Party, with_bank: bool = True) -> None:
    w.para(f"{role}：{p.name}", indent=0)
    w.para(f"统一社会信用代码：{p.code}　　法定代表人：{p.legal_rep}", indent=0, x_off=w.size * 2)
    w.para(f"地址：{p.address}", indent=0, x_off=w.size * 2)
    if with_bank:
        w.para(f"开户行：{p.bank}　　账号：{p.account}", indent=0, x_off=w.size * 2)


# ====================================================================== 1. preamble_parties
def draw_preamble_parties(s: Spec, w: Writer) -> dict:
    """Parties named only in the opening sentence, which also carries the signing date."""
    v = s.variant
    if s.contract_no:
        w.line(f"合同编号：{s.contract_no}", 10, align="right")
    w.gap(6)
    w.title(s.title, 20, after=18)
    if v == 0:
        w.para(f"本合同由{s.buyer.name}（以下简称“甲方”）与{s.seller.name}（以下简称“乙方”）于"
               f"{fmt_date(s.sign_date, 'cn_short')}在泉州市签订。")
        w.para("甲方因人工智能模型研发需要，向乙方购买智算中心机时。双方根据《中华人民共和国民法典》，"
               "本着平等自愿、诚实信用的原则，经协商一致，达成如下条款：")
        payer, provider = "甲方", "乙方"
    elif v == 1:  # the provider drafted it: the buyer is 乙方
        w.para(f"本合同由{s.seller.name}（以下简称“甲方”）与{s.buyer.name}（以下简称“乙方”）于"
               f"{fmt_date(s.sign_date, 'cn_num')}在泉州市丰泽区签订。甲方为算力资源提供方，乙方为算力资源使用方。")
        w.para("双方就甲方向乙方提供算力服务事宜，经友好协商，订立本合同，以资信守。")
        payer, provider = "乙方", "甲方"
    else:
        w.para(f"{s.buyer.name}（以下简称“甲方”）与{s.seller.name}（以下简称“乙方”）根据《中华人民共和国民法典》"
               f"及相关法律法规，于{fmt_date(s.sign_date, 'cn')}在福建省泉州市就模型训练算力服务事宜订立本合同，"
               "双方共同遵守。")
        payer, provider = "甲方", "乙方"
    hours = s.gpu_count * 24 * 30 * s.months // 2
    if v == 0:
        w.clause("第一条 服务内容", f"乙方在其智算中心为甲方提供{s.service_content}，计算资源为{s.gpu_model}，"
                 f"共{s.gpu_count}卡，合计{hours}卡时，甲方可通过专线或VPN提交训练任务。")
        w.clause("第二条 机时有效期", f"机时有效期自{fmt_date(s.start, 'cn_short')}起至{fmt_date(s.end, 'cn_short')}止，"
                 "期满未使用的机时不予退还。")
    elif v == 1:
        w.clause("第一条 服务内容", f"甲方向乙方提供{s.service_content}：{s.gpu_model} GPU {s.gpu_count}卡，"
                 "含配套CPU、内存、存储及网络资源，资源独占使用。")
        w.clause("第二条 服务期限", f"服务期限：{fmt_date(s.start, 'cn')} 至 {fmt_date(s.end, 'cn')}。")
    else:
        w.clause("第一条 服务内容", f"乙方为甲方提供{s.service_content}，训练集群采用{s.gpu_model}加速卡{s.gpu_count}张，"
                 "乙方负责训练环境部署、断点续训及故障恢复。")
        w.clause("第二条 服务期限", f"本合同服务期限自{fmt_date(s.start, 'cn_short')}开始，至{fmt_date(s.end, 'cn_short')}结束。")
    in_words = words(s.total)
    if v == 1:
        in_words = "人民币" + in_words
        w.clause("第三条 服务费用", f"乙方应向甲方支付服务费共计{yen(s.total)}元（大写：{in_words}），"
                 f"该费用含增值税，税率{pct(s.tax_rate)}。")
    else:
        w.clause("第三条 合同价款", f"本合同总价款为{yen(s.total)}元（大写：{in_words}），已含{pct(s.tax_rate)}增值税。"
                 f"除此之外{payer}无须支付其他任何费用。")
    first = money(s.total * Decimal("0.5"))
    w.clause("第四条 付款方式", f"合同生效后10个工作日内，{payer}支付{yen(first)}元；服务期满验收合格后支付余款"
             f"{yen(s.total - first)}元。{provider}收款前应开具等额增值税专用发票。")
    general_terms(w, payer, provider, 5)
    w.para("（以下无正文）", indent=0)
    names = (s.buyer.name, s.seller.name) if v != 1 else (s.seller.name, s.buyer.name)
    shown = ("", "") if v == 0 else names  # v0: the names are printed in the preamble only (and on the seals)
    w.signatures(["甲方（盖章）：", shown[0], "法定代表人或授权代表：", ""],
                 ["乙方（盖章）：", shown[1], "法定代表人或授权代表：", ""], names, s.seed)
    return fields(s, "buyer_credit_code", "seller_credit_code", amount_in_words=in_words)


# ====================================================================== 2. header_grid
def draw_header_grid(s: Spec, w: Writer) -> dict:
    """A header table (合同编号/签订日期/签订地点), bordered party blocks, a price table."""
    v = s.variant
    roles = [("采购人", "供应商"), ("需方", "供方"), ("甲方（采购方）", "乙方（供应方）")][v]
    short = [("采购人", "供应商"), ("需方", "供方"), ("甲方", "乙方")][v]
    date_style = ["cn", "iso", "cn_short"][v]
    w.title(s.title, 20)
    w.grid([80, 145.5, 80, 145.5], [
        ["合同编号", s.contract_no, "签订日期", fmt_date(s.sign_date, date_style)],
        ["签订地点", "福建省泉州市", "项目名称", s.service_content],
    ], size=9.5, align=["center", "left", "center", "left"])
    w.gap(4)
    party_block(w, roles[0], s.buyer)
    party_block(w, roles[1], s.seller)
    b, p = short
    w.para(f"{b}向{p}租用GPU云主机，双方依据《中华人民共和国民法典》，经平等协商订立本合同。")
    nodes = s.gpu_count // 8
    w.clause("第一条 服务内容", f"{p}向{b}提供{s.service_content}：GPU云主机{nodes}台（单台配置{s.gpu_model}×8，"
             f"共{s.gpu_count}卡），配套并行存储50TB及公网带宽。")
    w.clause("第二条 服务期限", f"自{fmt_date(s.start, 'cn')}起至{fmt_date(s.end, 'cn')}止，共{s.months}个月。")
    w.heading("第三条 价格明细")
    rows = [["序号", "项目", "计量单位", "单价（元）", "数量", "小计（元）"]]
    for i, (name, unit, price, qty, sub) in enumerate(s.extra["rows"], 1):
        rows.append([str(i), name, unit, fmt_money(price, "comma"), str(qty), fmt_money(sub, "comma")])
    rows.append([("合计", 5), fmt_money(s.total, "comma")])
    if v != 1:
        rows.append([(f"合计金额（大写）：{words(s.total)}", 6)])
    w.grid([30, 150, 56, 70, 50, 95], rows, size=9, align=["center", "left", "center", "right", "center", "right"])
    skip: tuple[str, ...] = ()
    if v == 0:
        w.para(f"以上单价均为含税价，增值税税率{pct(s.tax_rate)}。", indent=0)
    elif v == 1:
        w.para(f"合计含税金额：{fmt_money(s.total, 'yen_comma')}　其中不含税金额：{fmt_money(s.excl, 'yen_comma')}"
               f"　税额：{fmt_money(s.tax, 'yen_comma')}（税率{pct(s.tax_rate)}）", indent=0)
        skip = ("amount_in_words",)
    else:
        pre = money(s.total * Decimal("0.3"))
        w.para("以上价格含增值税。", indent=0)
        skip = ("tax_rate",)
    w.heading("第四条 付款方式")
    if v == 2:
        w.para(f"1. 预付款：合同签订后7个工作日内，{b}支付合同总额的30%，即{fmt_money(pre, 'comma')}元；", indent=0, x_off=21)
        w.para(f"2. 尾款：服务期满且验收合格后15个工作日内，{b}支付合同总额的70%，即{fmt_money(s.total - pre, 'comma')}元。",
               indent=0, x_off=21)
    else:
        w.para(f"{b}按季度支付服务费，每季度开始后10个工作日内支付当季费用；{p}应于收款前开具增值税专用发票。")
    general_terms(w, b, p, 5)
    w.signatures([f"{roles[0]}（盖章）：", s.buyer.name, "授权代表（签字）："],
                 [f"{roles[1]}（盖章）：", s.seller.name, "授权代表（签字）："], (s.buyer.name, s.seller.name), s.seed)
    return fields(s, *skip)


# ====================================================================== 3. tax_summary
def draw_tax_summary(s: Spec, w: Writer) -> dict:
    """IDC hosting: the total incl. tax beside 不含税金额 and 税额; the buyer is 乙方 in v1."""
    v = s.variant
    if v == 1:  # provider drafted: 甲方 = the data centre
        roles = ("甲方（服务方）", "乙方（委托方）")
        order = [("甲方（服务方）", s.seller), ("乙方（委托方）", s.buyer)]
        b, p = "乙方", "甲方"
    else:
        roles = ("甲方", "乙方")
        order = [("甲方", s.buyer), ("乙方", s.seller)]
        b, p = "甲方", "乙方"
    w.title(s.title, 19)
    w.line(f"合同编号：{s.contract_no}", 10)
    if v == 1:
        w.line(f"签订日期：{fmt_date(s.sign_date, 'cn_short')}", 10)
    w.gap(4)
    for role, party in order:
        party_lines(w, role, party)
        w.gap(3)
    racks, per = s.extra["racks"], s.extra["rack_price"]
    w.para(f"{b}因业务需要，委托{p}提供数据中心机柜托管服务，经双方协商一致，签订本合同。")
    if s.gpu_model:
        w.clause("第一条 托管内容", f"{p}为{b}提供{s.service_content}：标准42U机柜{racks}个（单机柜功率12kW），"
                 f"托管{b}自有GPU服务器{s.gpu_count // 8}台（{s.gpu_model}，共{s.gpu_count}卡），含上架、巡检及7×24小时运维。")
    else:
        w.clause("第一条 托管内容", f"{p}为{b}提供{s.service_content}：标准42U机柜{racks}个（单机柜功率8kW），"
                 "双路市电及UPS保障，BGP带宽200Mbps，含7×24小时现场值守。")
    w.clause("第二条 托管期限", f"托管期限自{fmt_date(s.start, 'cn')}起至{fmt_date(s.end, 'cn')}止。")
    w.clause("第三条 费用", f"机柜托管单价为{fmt_money(per, 'comma')}元/个/月（含税），托管期{s.months}个月。")
    excl, tax = s.excl, s.tax
    if v == 0:
        w.para(f"合同总价（含税）：{fmt_money(s.total, 'yen_comma')}　不含税金额：{fmt_money(excl, 'yen_comma')}"
               f"　税额：{fmt_money(tax, 'yen_comma')}", indent=0, x_off=21)
        w.para(f"大写：{words(s.total)}　　增值税税率：{pct(s.tax_rate)}", indent=0, x_off=21)
    elif v == 1:
        w.grid([112, 112, 112, 115], [
            ["含税总价（元）", "不含税金额（元）", "增值税额（元）", "税率"],
            [fmt_money(s.total, "comma"), fmt_money(excl, "comma"), fmt_money(tax, "comma"), pct(s.tax_rate)],
            [(f"含税总价（大写）：{words(s.total)}", 4)],
        ], size=9.5)
    else:
        w.para(f"本合同不含税金额为{fmt_money(excl, 'comma')}元，增值税额为{fmt_money(tax, 'comma')}元（税率{pct(s.tax_rate)}），"
               f"含税合同总额为{fmt_money(s.total, 'comma')}元（大写：{words(s.total)}）。")
    w.clause("第四条 付款", f"{b}按月支付托管费，每月5日前支付当月费用；{p}应在收款后5个工作日内开具增值税专用发票。")
    general_terms(w, b, p, 5)
    first, second = (s.buyer, s.seller) if v != 1 else (s.seller, s.buyer)
    heads = ("甲方（服务方）", "乙方（委托方）") if v == 1 else roles
    left = [f"{heads[0]}（盖章）：", first.name, "代表人："]
    right = [f"{heads[1]}（盖章）：", second.name, "代表人："]
    under: list[str] = []
    if v == 0:
        under = [f"签订日期：{fmt_date(s.sign_date, 'gap')}"]
    elif v == 2:
        left.append(f"日期：{fmt_date(s.sign_date, 'gap2')}")
        right.append(f"日期：{fmt_date(s.sign_date, 'gap2')}")
    w.signatures(left, right, (first.name, second.name), s.seed, under=under)
    return fields(s)


# ====================================================================== 4. wan_photo
def draw_wan_photo(s: Spec, w: Writer) -> dict:
    """One page photographed by phone: amount in 万元, 预付 30 % / 尾款 70 %, date in Chinese numerals."""
    v = s.variant
    w.title(s.title, 17, after=6)
    if s.contract_no:
        w.line(f"合同编号：{s.contract_no}", 9.5, align="right")
    for role, p in (("需方", s.buyer), ("供方", s.seller)):
        w.para(f"{role}：{p.name}", indent=0)
        if v != 2:
            w.para(f"统一社会信用代码：{p.code}　地址：{p.address}", size=9, indent=0, x_off=20)
    w.para("需供双方经协商一致，就需方向供方购买算力服务事宜订立本合同：", indent=0)
    w.heading("一、服务内容")
    w.para(f"供方向需方提供{s.service_content}，配置{s.gpu_model} GPU共{s.gpu_count}卡，"
           "以裸金属方式独占交付，含基础运维。")
    w.heading("二、服务期限")
    w.para(f"{fmt_date(s.start, 'cn')}起至{fmt_date(s.end, 'cn')}止。")
    w.heading("三、合同价款")
    words_field = None
    if v == 0:
        w.para(f"合同总价：人民币{wan(s.total)}万元整（含{pct(s.tax_rate)}增值税）。")
    elif v == 1:
        w.para(f"合同金额：{wan(s.total)}万元（含税，税率{pct(s.tax_rate)}），本价款为包干价，"
               "需方无须另付网络及存储费用。")
    else:
        words_field = words(s.total)
        w.para(f"总价款人民币 {wan(s.total)} 万元整，大写：{words_field}，含增值税。")
    pre = money(s.total * Decimal("0.3"))
    w.heading("四、付款方式")
    w.grid([90, 221, 60, 80], [
        ["款项", "支付条件", "比例", "金额（万元）"],
        ["预付款", "合同签订后7个工作日内", "30%", wan(pre)],
        ["尾款", "服务期满验收合格后10个工作日内", "70%", wan(s.total - pre)],
    ], size=9, align=["center", "left", "center", "right"])
    w.heading("五、其他")
    w.para("争议由需方所在地人民法院管辖。本合同一式两份，双方各执一份，盖章后生效。")
    d = fmt_date(s.sign_date, "cn_num")
    w.signatures(["需方（盖章）：", s.buyer.name, d], ["供方（盖章）：", s.seller.name, d],
                 (s.buyer.name, s.seller.name), s.seed, lead=21)
    skip = ["amount_in_words"] if words_field is None else []
    if v == 2:
        skip += ["buyer_credit_code", "seller_credit_code", "tax_rate"]
    return fields(s, *skip)


# ====================================================================== 5. schedule_scan
def draw_schedule_scan(s: Spec, w: Writer) -> dict:
    """委托方/受托方 model-training contract: config table, instalment table, spaced date
    under the seals; scanned."""
    v = s.variant
    w.title(s.title, 19)
    if s.contract_no:
        w.line(f"合同编号：{s.contract_no}", 10, align="right")
    for role, p in (("委托方（甲方）", s.buyer), ("受托方（乙方）", s.seller)):
        party_lines(w, role, p)
    w.para("甲方委托乙方利用乙方算力集群开展模型训练，双方经协商一致，签订本合同。")
    w.heading("一、委托内容及资源配置")
    w.para(f"乙方为甲方提供{s.service_content}，包括训练环境搭建、数据预处理、分布式训练及模型调优，资源配置如下：")
    nodes = s.gpu_count // 8
    w.grid([110, 190, 80, 71], [
        ["资源", "型号/规格", "数量", "单位"],
        ["GPU加速卡", s.gpu_model, str(s.gpu_count), "张"],
        ["计算节点", "8卡/节点，2×64核CPU，2TB内存", str(nodes), "台"],
        ["训练存储", "全闪存并行文件系统", "200", "TB"],
        ["网络", "400G RoCE无损网络", "1", "套"],
    ], size=9.5, align=["center", "left", "center", "center"])
    w.heading("二、服务期限")
    w.para(f"服务期限：{fmt_date(s.start, 'cn')}至{fmt_date(s.end, 'cn')}。乙方应于服务期限开始前完成集群交付。")
    w.heading("三、合同金额及支付")
    w.para(f"合同总金额：人民币{yen(s.total)}元（大写：{words(s.total)}），含税，增值税税率{pct(s.tax_rate)}。"
           "甲方按下表分期支付：")
    plans = [("预付款", "合同生效后5个工作日内", Decimal("0.3")), ("尾款", "服务期满且训练成果验收合格后", Decimal("0.7"))]
    if v == 1:
        plans = [("首期款", "合同生效后5个工作日内", Decimal("0.3")), ("二期款", "模型首轮训练完成后", Decimal("0.4")),
                 ("尾款", "验收合格后", Decimal("0.3"))]
    rows = [["期次", "付款条件", "比例", "金额（元）"]]
    paid = Decimal(0)
    for i, (name, cond, ratio) in enumerate(plans):
        amt = money(s.total * ratio) if i < len(plans) - 1 else s.total - paid
        paid += amt
        rows.append([name, cond, f"{(ratio * 100).normalize():f}%", fmt_money(amt, "comma")])
    w.grid([70, 220, 60, 101], rows, size=9.5, align=["center", "left", "center", "right"])
    general_terms(w, "甲方", "乙方", 4, style="顿号")
    date = fmt_date(s.sign_date, "gap" if v != 1 else "gap2")
    w.signatures(["委托方（甲方）盖章：", s.buyer.name, "授权代表："], ["受托方（乙方）盖章：", s.seller.name, "授权代表："],
                 (s.buyer.name, s.seller.name), s.seed, under=[f"签订日期：{date}"])
    return fields(s)


# ====================================================================== 6. appendix_scan
def draw_appendix_scan(s: Spec, w: Writer) -> dict:
    """采购人/供应商; the total printed only in 大写; GPU configuration on an appendix page; scanned."""
    v = s.variant
    w.title(s.title, 20)
    w.line(f"合同编号：{s.contract_no}", 10)
    if v == 0:
        w.line(f"签订日期：{fmt_date(s.sign_date, 'cn')}", 10)
    elif v == 1:
        w.line(f"签订时间：{fmt_date(s.sign_date, 'dot')}　　签订地点：泉州市", 10)
    w.gap(4)
    for role, p in (("采购人", s.buyer), ("供应商", s.seller)):
        w.para(f"{role}：{p.name}", indent=0)
        w.para(f"统一社会信用代码：{p.code}", indent=0, x_off=42)
        w.para(f"联系人：{p.contact}　电话：{p.phone}", indent=0, x_off=42)
    w.para("采购人向供应商采购算力服务，双方依据采购文件及供应商响应文件，签订本合同。")
    w.clause("第一条 采购内容", f"供应商向采购人提供{s.service_content}，算力资源配置见附件《算力资源配置表》。")
    w.clause("第二条 服务期限", f"服务期限：自{fmt_date(s.start, 'cn_short')}起至{fmt_date(s.end, 'cn_short')}止。")
    rate_txt = f"（含{pct(s.tax_rate)}增值税）" if v != 2 else "（含税）"
    w.clause("第三条 合同金额", f"合同金额：人民币{words(s.total)}{rate_txt}。")
    w.clause("第四条 付款", "采购人在服务开通并验收合格后，按季度支付服务费；供应商应在每次付款前开具合规发票。")
    general_terms(w, "采购人", "供应商", 5)
    w.para("附件：算力资源配置表", indent=0)
    left = ["采购人（盖章）：", s.buyer.name, "代表（签字）："]
    right = ["供应商（盖章）：", s.seller.name, "代表（签字）："]
    if v == 2:
        left.append(f"日期：{fmt_date(s.sign_date, 'cn_short')}")
        right.append(f"日期：{fmt_date(s.sign_date, 'cn_short')}")
    w.signatures(left, right, (s.buyer.name, s.seller.name), s.seed)
    w.page_break()
    w.line("附件", 12)
    w.title("算力资源配置表", 16)
    nodes = s.gpu_count // 8
    if v == 0:
        w.grid([40, 110, 210, 91], [
            ["序号", "资源名称", "规格", "数量"],
            ["1", "GPU型号", s.gpu_model, "—"],
            ["2", "GPU总卡数", "单节点8卡", f"{s.gpu_count}卡"],
            ["3", "计算节点", "2×Intel Xeon 8468，2TB内存", f"{nodes}台"],
            ["4", "存储", "分布式存储（可用容量）", "300TB"],
        ], size=9.5, align=["center", "center", "left", "center"])
    elif v == 1:
        w.para(f"1. GPU型号：{s.gpu_model}", indent=0, x_off=20)
        w.para(f"2. 每节点8卡，共{nodes}节点，合计{s.gpu_count}卡", indent=0, x_off=20)
        w.para("3. 节点间互联：400G InfiniBand，非阻塞胖树组网", indent=0, x_off=20)
        w.para("4. 交付方式：裸金属独占，采购人通过专线访问", indent=0, x_off=20)
    else:
        w.grid([150, 150, 151], [
            ["GPU型号", "GPU数量（张）", "显存"],
            [s.gpu_model, str(s.gpu_count), "48GB GDDR6"],
        ], size=10)
        w.para("配套：每台服务器8张GPU，CPU 2×32核，内存1TB，本地NVMe 7.68TB。", indent=0)
    in_words = "人民币" + words(s.total)  # printed right after 合同金额：
    return fields(s, "tax_rate", amount_in_words=in_words) if v == 2 else fields(s, amount_in_words=in_words)


# ====================================================================== 8. two_column
def draw_two_column(s: Spec, w: Writer) -> dict:
    """Landscape pages, two text columns; the provider is 甲方 and the buyer 乙方."""
    v = s.variant
    roles = [("甲方（出租方）", "乙方（承租方）"), ("甲方（服务方）", "乙方（用户方）"), ("甲方（供方）", "乙方（需方）")][v]
    w.title(s.title, 17, after=8)
    if s.contract_no:
        w.line(f"协议编号：{s.contract_no}", 9.5)
    if v == 2:
        w.line(f"签订日期：{fmt_date(s.sign_date, 'cn')}", 9.5)
    for role, p in ((roles[0], s.seller), (roles[1], s.buyer)):
        w.para(f"{role}：{p.name}", indent=0)
        w.para(f"统一社会信用代码：{p.code}", indent=0, x_off=18)
        w.para(f"住所：{p.address}", indent=0, x_off=18)
        w.para(f"法定代表人：{p.legal_rep}", indent=0, x_off=18)
    if v == 0:
        w.para(f"乙方因业务需要向甲方租用GPU服务器，双方于{fmt_date(s.sign_date, 'cn_short')}订立本协议，条款如下：")
    else:
        w.para("乙方向甲方订购算力服务，双方本着平等互利原则，订立本协议，条款如下：")
    w.clause("第一条 标的", f"甲方向乙方提供{s.service_content}，资源为{s.gpu_model}共{s.gpu_count}卡，"
             "部署于甲方数据中心，乙方远程独占使用。", run_in=False)
    w.clause("第二条 期限", f"服务期限：{fmt_date(s.start, 'iso')}至{fmt_date(s.end, 'iso')}。服务期满乙方可书面申请续期。",
             run_in=False)
    unit = money(s.total / s.gpu_count / s.months)
    if v == 0:
        w.clause("第三条 租金", f"租金总额{yen(s.total)}元（大写：{words(s.total)}），含{pct(s.tax_rate)}增值税，"
                 f"折合每卡每月约{fmt_money(unit, 'comma')}元。", run_in=False)
    elif v == 1:
        w.clause("第三条 服务费", f"服务费合计人民币{fmt_money(s.total, 'comma')}元，大写人民币{words(s.total)}，"
                 f"税率{pct(s.tax_rate)}。", run_in=False)
    else:
        w.clause("第三条 价款", f"协议价款：{fmt_money(s.total, 'yen')}（{words(s.total)}），含税价。", run_in=False)
    w.clause("第四条 支付", "乙方于协议生效后7日内支付总额的30%作为预付款，余款于服务期满后一次付清。", run_in=False)
    general_terms(w, "乙方", "甲方", 5, style="顿号")
    under: list[str] = []
    if v == 1:
        under = [f"签署日期：{fmt_date(s.sign_date, 'cn_short')}"]
    w.signatures([roles[0], s.seller.name, "（盖章）"], [roles[1], s.buyer.name, "（盖章）"],
                 (s.seller.name, s.buyer.name), s.seed, under=under)
    skip = ("tax_rate",) if v == 2 else ()
    if v == 1:  # 大写人民币壹佰…
        return fields(s, *skip, amount_in_words="人民币" + words(s.total))
    return fields(s, *skip)


DRAW = {
    "preamble_parties": draw_preamble_parties,
    "header_grid": draw_header_grid,
    "tax_summary": draw_tax_summary,
    "wan_photo": draw_wan_photo,
    "schedule_scan": draw_schedule_scan,
    "appendix_scan": draw_appendix_scan,
    "two_column": draw_two_column,
}

# per layout: (CJK font or None = embedded, Latin base font, columns)
STYLE = {
    "preamble_parties": (None, "helv", 1),
    "header_grid": ("china-ss", "tiro", 1),
    "tax_summary": ("china-s", "helv", 1),
    "wan_photo": (None, "helv", 1),
    "schedule_scan": ("china-ss", "cour", 1),
    "appendix_scan": (None, "helv", 1),
    "two_column": ("china-s", "helv", 2),
}

"""Seven PDF contract layouts (the eighth, ``docx_tables``, is in :mod:`.docx_layout`).

Each ``draw_<layout>(spec, flow)`` draws one contract and returns the truth ``fields``: every
CONTRACT section-4 contract field that the drawing printed, from the spec it drew from.
"""

from __future__ import annotations

from decimal import Decimal

from sample_docs.gen.common import fmt_money, money, mstr, words

from .data import Spec
from .flow import Flow, date_str


def pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def yen(v: Decimal) -> str:
    return fmt_money(v, "yen_comma")


def base_fields(s: Spec, *skip: str) -> dict:
    """All fields; layouts drop what they do not print."""
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
    if not s.gpu_model:
        skip = (*skip, "gpu_model", "gpu_count")
    for k in skip:
        f.pop(k, None)
    return f


def boilerplate(flow: Flow, b: str, s: str, first: int, run_in: bool = True, chinese: bool = False) -> None:
    """Clauses every service contract has (rights, confidentiality, breach, disputes, misc.)."""
    nums = "一二三四五六七八九十"
    clauses = [
        ("双方权利义务", f"{s}应保证所提供资源的可用性不低于99.5%，故障响应时间不超过30分钟；{b}应合法合规使用算力资源，"
         f"不得利用{s}提供的资源从事违法活动，并按约定及时支付服务费用。"),
        ("保密条款", "双方对在履行本合同过程中知悉的对方商业秘密、技术资料及数据负有保密义务，未经对方书面同意不得向第三方披露。"
         "本条款在合同终止后三年内持续有效。"),
        ("违约责任", f"{b}逾期付款的，每逾期一日按应付未付金额的万分之五支付违约金；{s}未能按约定提供服务的，"
         f"按当月服务费的相应比例予以减免，累计中断超过72小时的，{b}有权解除合同。"),
        ("争议解决", "因本合同引起的或与本合同有关的任何争议，双方应友好协商解决；协商不成的，任何一方均可向原告所在地有管辖权的人民法院提起诉讼。"),
        ("其他", "本合同未尽事宜，双方可另行签订补充协议，补充协议与本合同具有同等法律效力。本合同一式肆份，双方各执贰份，"
         "自双方签字并盖章之日起生效。"),
    ]
    for i, (head, body) in enumerate(clauses):
        n = nums[first + i - 1]
        if chinese:  # 五、保密条款 as its own line
            flow.clause(f"{n}、{head}", body, run_in=False)
        else:
            flow.clause(f"第{n}条 {head}" if run_in else f"第{n}条　{head}", body, run_in)


def party_lines(flow: Flow, role: str, p, labels=("统一社会信用代码", "住所", "法定代表人", "联系电话"), x_off: float = 0) -> None:
    flow.para(f"{role}：{p.name}", indent=0, x_off=x_off)
    values = {
        "统一社会信用代码": p.code, "纳税人识别号": p.code, "社会信用代码": p.code,
        "住所": p.address, "地址": p.address, "住所地": p.address, "联系地址": p.address,
        "法定代表人": p.legal_rep, "负责人": p.legal_rep,
        "联系电话": p.phone, "电话": p.phone, "联系人": f"{p.contact}　电话：{p.phone}",
        "开户行": p.bank, "开户银行": p.bank, "账号": p.account, "银行账号": p.account, "电子邮箱": p.email,
    }
    for lab in labels:
        flow.para(f"{lab}：{values[lab]}", indent=0, x_off=x_off + flow.size * 2)


def sign_lines(role: str, name: str, date_line: str | None) -> list[str]:
    out = [f"{role}（盖章）：", name, "法定代表人或授权代表（签字）：", ""]
    if date_line:
        out.append(date_line)
    return out


# ====================================================================== 1. party_grid
def draw_party_grid(s: Spec, flow: Flow) -> dict:
    v = s.variant
    heads = [("采购方", "服务方"), ("甲方（采购方）", "乙方（服务方）"), ("服务方", "采购方")][v]
    b, sv = ("甲方", "乙方") if v == 1 else ("采购方", "服务方")
    flow.line(f"合同编号：{s.contract_no}", 10, align="right")
    if v == 0:
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}", 10, align="right")
    elif v == 1:
        flow.line(f"签订时间：{date_str(s.sign_date, 'dot')}", 10, align="right")
    flow.gap(10)
    flow.title(s.title, 20)
    left, right = (s.seller, s.buyer) if v == 2 else (s.buyer, s.seller)
    rows = [["", heads[0], heads[1]]]
    for lab, attr in [("名称", "name"), ("统一社会信用代码", "code"), ("住所", "address"), ("法定代表人", "legal_rep"),
                      ("联系电话", "phone"), ("开户行", "bank"), ("账号", "account")]:
        rows.append([lab, getattr(left, attr), getattr(right, attr)])
    flow.grid([96, 177.5, 177.5], rows, size=9.5, align=["center", "left", "left"])
    flow.para(f"上述双方根据《中华人民共和国民法典》等法律法规，本着平等互利、诚实信用的原则，就{b}向{sv}采购算力服务事宜，"
              "经友好协商，订立本合同，以资共同遵守。")
    flow.clause("第一条 服务内容", f"{sv}向{b}提供{s.service_content}，资源配置为{s.gpu_model} GPU共{s.gpu_count}卡，"
                f"{b}通过{sv}提供的云平台远程使用上述资源。")
    flow.clause("第二条 服务期限", f"服务期限自{date_str(s.start, 'cn')}起至{date_str(s.end, 'cn')}止。")
    if v == 2:
        flow.clause("第三条 合同价款", f"合同总金额：{fmt_money(s.total, 'yen_comma')}（人民币{words(s.total)}）；增值税税率：{pct(s.tax_rate)}。")
    else:
        flow.clause("第三条 合同价款", f"本合同总价款为人民币{yen(s.total)}元（大写：{words(s.total)}），"
                    f"该价款为含税价，增值税税率为{pct(s.tax_rate)}。")
    half = money(s.total / 2)
    flow.clause("第四条 付款方式", f"合同签订后10个工作日内，{b}支付合同总价款的50%，即人民币{yen(half)}元；服务期满且验收合格后"
                f"10个工作日内支付剩余款项{yen(s.total - half)}元。{sv}应在收款前向{b}开具等额增值税专用发票。")
    boilerplate(flow, b, sv, 5)
    flow.para("（以下无正文）", indent=0)
    date_line = f"日期：{date_str(s.sign_date, 'cn_short')}" if v == 2 else None
    lnames = ("服务方", "采购方") if v == 2 else (b, sv)
    flow.sign_block(sign_lines(lnames[0], left.name, date_line), sign_lines(lnames[1], right.name, date_line),
                    seals=(left.name, right.name), seed=s.extra["rng_seed"])
    return base_fields(s)


# ====================================================================== 2. role_pairs
def draw_role_pairs(s: Spec, flow: Flow) -> dict:
    v = s.variant
    if v == 0:  # 委托方 / 受托方
        flow.title(s.title, 18)
        flow.line(f"合同编号：{s.contract_no}")
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}")
        flow.gap(6)
        party_lines(flow, "委托方", s.buyer, ("统一社会信用代码", "住所地", "法定代表人", "联系人"))
        flow.gap(4)
        party_lines(flow, "受托方", s.seller, ("统一社会信用代码", "住所地", "法定代表人", "联系人"))
        flow.gap(6)
        flow.para("委托方委托受托方提供算力资源及相关运维服务，双方经平等协商，根据《中华人民共和国民法典》的规定，达成如下协议：")
        flow.clause("第一条 委托事项", f"受托方为委托方提供{s.service_content}，使用{s.gpu_model}加速卡共{s.gpu_count}张，"
                    "并负责资源的部署、监控与日常运维。")
        flow.clause("第二条 服务期", f"{date_str(s.start, 'cn_short')}至{date_str(s.end, 'cn_short')}。")
        flow.clause("第三条 委托费用", f"合同金额：人民币{words(s.total)}（¥{mstr(s.total)}），该金额已包含增值税（税率{pct(s.tax_rate)}）。"
                    "委托方于每季度首月10日前支付当季费用，受托方收款后开具增值税专用发票。")
        boilerplate(flow, "委托方", "受托方", 4)
        flow.sign_block(sign_lines("委托方", s.buyer.name, None), sign_lines("受托方", s.seller.name, None),
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
        return base_fields(s)
    if v == 1:  # 需方 / 供方, product table, period by months only, no rate printed
        flow.line(f"合同编号：{s.contract_no}", 10, align="right")
        flow.title(s.title, 18)
        flow.line(f"签订地点：福建省泉州市　　签订时间：{date_str(s.sign_date, 'iso')}", 10)
        flow.gap(4)
        for role, p in (("需方", s.buyer), ("供方", s.seller)):
            flow.para(f"{role}：{p.name}", indent=0)
            flow.para(f"纳税人识别号：{p.code}　电话：{p.phone}", indent=0, x_off=21)
            flow.para(f"地址：{p.address}", indent=0, x_off=21)
        flow.gap(4)
        flow.para("经需供双方协商一致，签订本合同，共同遵守。")
        flow.heading("一、服务名称、规格、数量、金额")
        months = s.extra["months"]
        flow.grid([110, 120, 50, 60, 111], [
            ["服务名称", "规格型号", "单位", "数量", "金额（元）"],
            [s.service_content, s.gpu_model, "卡", str(s.gpu_count), fmt_money(s.total, "comma")],
            [("合计人民币（大写）：" + words(s.total) + "　　¥" + fmt_money(s.total, "comma"), 5)],
        ], align=["center", "center", "center", "center", "right"])
        flow.para("以上价格为含税价，包含算力资源使用费、网络带宽费及技术支持费用。", indent=0)
        flow.heading("二、服务期限")
        flow.para(f"服务期限为{months}个月，自{date_str(s.start, 'cn')}起算。")
        flow.heading("三、结算方式")
        flow.para("需方在合同签订后15日内支付合同总额的40%，服务开通满三个月后支付30%，服务期满后支付剩余30%。"
                  "供方应在每次收款前开具合法有效的增值税发票。")
        flow.heading("四、质量要求与验收")
        flow.para("供方提供的算力资源应满足需方模型推理业务的性能要求，需方在服务开通后5个工作日内完成验收。")
        flow.heading("五、违约责任与争议解决")
        flow.para("任何一方违约，应赔偿守约方因此遭受的直接损失。发生争议协商不成的，提交需方所在地人民法院诉讼解决。")
        flow.heading("六、其他")
        flow.para("本合同一式两份，需供双方各执一份，经双方签章后生效。")
        flow.sign_block(["需方（章）：", s.buyer.name, "委托代理人：", f"开户行：{s.buyer.bank}", f"账号：{s.buyer.account}"],
                        ["供方（章）：", s.seller.name, "委托代理人：", f"开户行：{s.seller.bank}", f"账号：{s.seller.account}"],
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
        return base_fields(s, "service_end", "tax_rate")
    # v == 2: 客户 / 服务商, no GPU, date in the signature block
    flow.title(s.title, 18)
    flow.line(f"协议编号：{s.contract_no}", 10, align="right")
    for role, p in (("客户", s.buyer), ("服务商", s.seller)):
        flow.para(f"{role}名称：{p.name}", indent=0)
        flow.para(f"统一社会信用代码：{p.code}", indent=0)
        flow.para(f"联系地址：{p.address}", indent=0)
        flow.para(f"联系人：{p.contact}　电子邮箱：{p.email}", indent=0)
        flow.gap(4)
    flow.para("客户拟使用服务商提供的云计算服务，双方就服务内容、费用及权利义务等事项达成如下协议：")
    flow.clause("1. 服务内容", f"服务商向客户提供{s.service_content}，包括通用型云服务器200台（32核128G）、对象存储500TB及负载均衡服务，"
                "具体规格以服务商控制台订单为准。", run_in=False)
    flow.clause("2. 服务期限", f"{date_str(s.start, 'iso')} 至 {date_str(s.end, 'iso')}", run_in=False)
    flow.clause("3. 服务费用", f"服务费用总额（含税）：{yen(s.total)}元；大写：{words(s.total)}；增值税税率：{pct(s.tax_rate)}。"
                "客户按月预付当月服务费，服务商于每月5日前提供上月账单及发票。", run_in=False)
    flow.clause("4. 服务等级", "服务商承诺云服务器月度可用性不低于99.95%，未达到的按服务等级协议（SLA）赔偿代金券。", run_in=False)
    flow.clause("5. 数据安全", "客户数据归客户所有，服务商不得访问、使用或向第三方提供客户数据，法律法规另有规定的除外。", run_in=False)
    flow.clause("6. 其他", "本协议未尽事宜以服务商官网公布的服务条款为准；本协议经双方盖章后生效，一式贰份。", run_in=False)
    d = f"签署日期：{date_str(s.sign_date, 'cn')}"
    flow.sign_block(["客户（盖章）：", s.buyer.name, "授权代表：", d], ["服务商（盖章）：", s.seller.name, "授权代表：", d],
                    seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
    return base_fields(s)


# ====================================================================== 3. seller_drafted
def draw_seller_drafted(s: Spec, flow: Flow) -> dict:
    v = s.variant
    roles = [("甲方（卖方）", "乙方（买方）"), ("卖方（甲方）", "买方（乙方）"), ("甲方（出卖人）", "乙方（买受人）")][v]
    flow.title(s.title, 20)
    flow.line(f"合同编号：{s.contract_no}")
    if v < 2:
        flow.line(f"签订地点：{s.seller.address[:s.seller.address.index('区') + 1]}")
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn' if v == 0 else 'cn_short')}")
    flow.gap(4)
    labels = ("统一社会信用代码", "地址", "法定代表人", "开户银行", "账号")
    party_lines(flow, roles[0], s.seller, labels)
    flow.gap(2)
    party_lines(flow, roles[1], s.buyer, labels)
    flow.gap(4)
    a, bb = ("甲方", "乙方")
    flow.para(f"{a}为专业的计算设备及算力服务提供商。根据《中华人民共和国民法典》，{bb}向{a}购买下列产品/服务，"
              "双方协商一致，订立本合同。")
    excl, tax = s.excl, s.tax
    if v < 2:
        units = s.extra["units"]
        per = s.gpu_count // units
        unit_incl = money(s.total / units)
        flow.heading("第一条 产品名称、规格型号、数量及价款")
        flow.para(f"合同标的：{s.service_content}。", indent=0)
        if v == 0:
            flow.grid([30, 80, 150, 50, 70, 71], [
                ["序号", "产品名称", "规格型号", "数量", "含税单价（元）", "含税金额（元）"],
                ["1", "GPU服务器", f"{s.gpu_model}×{per}", f"{units}台", fmt_money(unit_incl, "comma"), fmt_money(s.total, "comma")],
                ["2", "集群管理软件", "V3.0 永久授权", "1套", "0.00", "0.00"],
                [("合计（含税）", 5), fmt_money(s.total, "comma")],
            ], size=9, align=["center", "center", "left", "center", "right", "right"])
        else:
            flow.grid([30, 70, 110, 40, 70, 40, 60, 71], [
                ["序号", "产品名称", "规格型号", "数量", "不含税金额", "税率", "税额", "价税合计"],
                ["1", "AI训练服务器", f"{s.gpu_model}×{per}", f"{units}台", fmt_money(excl, "comma"), pct(s.tax_rate),
                 fmt_money(tax, "comma"), fmt_money(s.total, "comma")],
            ], size=8.5, align=["center", "center", "left", "center", "right", "center", "right", "right"])
        flow.para(f"（上述服务器共计{s.gpu_count}张GPU加速卡，含三年原厂质保及上门安装调试。）", indent=0)
        if v == 0:
            flow.para(f"合同总价（含税）为人民币{yen(s.total)}元（大写：{words(s.total)}），其中不含税价款{yen(excl)}元，"
                      f"增值税税额{yen(tax)}元，税率{pct(s.tax_rate)}。")
        else:
            flow.para(f"合同总金额（含税）：人民币{words(s.total)}（¥{fmt_money(s.total, 'comma')}）；"
                      f"不含税金额：¥{fmt_money(excl, 'comma')}；税额：¥{fmt_money(tax, 'comma')}。")
        flow.heading("第二条 交货")
        flow.para(f"交货期限：合同生效且{a}收到预付款后30日内。交货地点：{bb}指定的泉州市内机房。运输及保险费用由{a}承担。")
        flow.heading("第三条 付款方式")
        flow.para(f"{bb}于合同签订后7个工作日内支付合同总价的30%作为预付款；货到验收合格后15个工作日内支付60%；"
                  f"剩余10%作为质保金，质保期满一年后无息支付。{a}应按{bb}每笔付款金额开具增值税专用发票。")
        flow.heading("第四条 验收与质保")
        flow.para(f"{bb}应在设备上电后10个工作日内组织验收。质保期自验收合格之日起三年，质保期内{a}免费维修或更换。")
        flow.heading("第五条 违约责任")
        flow.para(f"{a}逾期交货的，每逾期一日按合同总价的千分之一支付违约金；{bb}逾期付款的，按同样标准支付违约金。")
        flow.heading("第六条 其他")
        flow.para("本合同一式肆份，双方各执贰份，自双方盖章之日起生效。")
        flow.sign_block([roles[0] + "（盖章）：", s.seller.name, "授权代表："], [roles[1] + "（盖章）：", s.buyer.name, "授权代表："],
                        seals=(s.seller.name, s.buyer.name), seed=s.extra["rng_seed"])
        return base_fields(s, "service_start", "service_end")
    # v == 2: compute service sold by 甲方（出卖人）
    flow.clause("第一条 服务内容", f"甲方向乙方销售{s.service_content}，资源规格为{s.gpu_model}，{s.gpu_count}卡，"
                "甲方负责算力资源的交付、调度与运维。")
    flow.clause("第二条 服务期限", f"服务期限：{date_str(s.start, 'cn')}—{date_str(s.end, 'cn')}。")
    flow.clause("第三条 价款", f"价款（含税）：¥{fmt_money(s.total, 'comma')}，大写：{words(s.total)}；价款（不含税）："
                f"¥{fmt_money(excl, 'comma')}；税率：{pct(s.tax_rate)}。乙方于服务开通后10个工作日内一次性支付全部价款。")
    boilerplate(flow, "乙方", "甲方", 4)
    d = f"签约日期：{date_str(s.sign_date, 'cn')}"
    flow.sign_block([roles[0] + "（盖章）：", s.seller.name, "授权代表：", d], [roles[1] + "（盖章）：", s.buyer.name, "授权代表：", d],
                    seals=(s.seller.name, s.buyer.name), seed=s.extra["rng_seed"])
    return base_fields(s)


# ====================================================================== 4. long_names
def _underlined_name(flow: Flow, label: str, name: str, x_label: float, width: float, size: float = 14) -> None:
    """Cover page: ``label`` then the name on underlined lines of a fixed width (it wraps)."""
    sh = flow.sheet
    lines = flow.split(name, width, size)
    x = x_label + sh.length(label, size) + 6
    for i, ln in enumerate(lines):
        base = flow.y + size
        if i == 0:
            sh.text(x_label, base, label, size)
        sh.text(x, base, ln, size)
        sh.hline(x - 2, x + width, base + 4, width=0.5)
        flow.y += size * 2.2


def draw_long_names(s: Spec, flow: Flow) -> dict:
    v = s.variant
    if v == 0:  # cover page with underlined, wrapping names
        flow.gap(150)
        flow.title(s.title, 26, after=120)
        flow.line(f"合同编号：{s.contract_no}", 14, x_off=60)
        flow.gap(8)
        _underlined_name(flow, "发包方（甲方）：", s.buyer.name, flow.left + 60, 220)
        flow.gap(6)
        _underlined_name(flow, "承包方（乙方）：", s.seller.name, flow.left + 60, 220)
        flow.gap(6)
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}", 14, x_off=60)
        flow.line("签订地点：福建省泉州市", 14, x_off=60)
        flow.new_page()
        flow.title(s.title, 16)
        for role, p in (("发包方（甲方）", s.buyer), ("承包方（乙方）", s.seller)):
            party_lines(flow, role, p, ("统一社会信用代码", "住所", "法定代表人", "联系电话"))
            flow.gap(4)
        b, sv = "甲方", "乙方"
    elif v == 1:  # side-by-side party columns, bullet before the name, names wrap in the column
        flow.title(s.title, 18)
        flow.line(f"合同编号：{s.contract_no}", 10, align="right")
        flow.gap(4)
        colw = flow.width / 2 - 10
        xs = (flow.left, flow.left + flow.width / 2 + 10)
        sh = flow.sheet
        top = flow.y
        bottoms = []
        for x, head, p in zip(xs, ("甲方（采购方）：", "乙方（服务方）："), (s.buyer, s.seller), strict=True):
            y = top + flow.size
            sh.text(x, y, head, flow.size)
            y += flow.size * 1.75
            for i, ln in enumerate(flow.split(p.name, colw - 14, flow.size)):
                if i == 0:
                    sh.text(x, y, "■", flow.size * 0.7)
                sh.text(x + 14, y, ln, flow.size)
                y += flow.size * 1.75
            for lab, val in (("统一社会信用代码：", p.code), ("住所：", p.address), ("法定代表人：", p.legal_rep), ("电话：", p.phone)):
                text = f"{lab}{val}"
                if lab.startswith("统一") and sh.length(text, flow.size) > colw - 14:
                    text = lab  # the code goes on its own line rather than breaking
                    sh.text(x + 14, y, text, flow.size)
                    y += flow.size * 1.75
                    text = val
                for ln in flow.split(text, colw - 14, flow.size):
                    sh.text(x + 14, y, ln, flow.size)
                    y += flow.size * 1.75
            bottoms.append(y)
        flow.y = max(bottoms)
        b, sv = "甲方", "乙方"
    else:  # numbered parties: "1. <name>（采购人，以下简称“甲方”）"
        flow.title(s.title, 18)
        flow.line(f"项目编号：{s.contract_no}", 10)
        flow.line("合同当事人：", 10.5)
        for n, (p, who, short) in enumerate(((s.buyer, "采购人", "甲方"), (s.seller, "供应商", "乙方")), 1):
            flow.para(f"{n}. {p.name}（{who}，以下简称“{short}”）", indent=0, x_off=10)
            flow.para(f"统一社会信用代码：{p.code}", indent=0, x_off=26)
            flow.para(f"住所：{p.address}", indent=0, x_off=26)
            flow.para(f"联系人：{p.contact}　联系电话：{p.phone}", indent=0, x_off=26)
        b, sv = "甲方", "乙方"
        flow.para(f"根据泉州市算力服务采购项目（编号{s.contract_no}）的采购结果，甲乙双方签订本合同。")
    flow.gap(4)
    flow.clause("第一条 服务内容", f"{sv}向{b}提供{s.service_content}，配置{s.gpu_model} GPU {s.gpu_count}卡，"
                "含7×24小时技术支持。", run_in=False)
    flow.clause("第二条 服务期限", f"服务期限：{date_str(s.start, 'cn')}至{date_str(s.end, 'cn')}。", run_in=False)
    flow.clause("第三条 合同价款", f"合同总价：{yen(s.total)}（大写人民币{words(s.total)}），含增值税，税率为{pct(s.tax_rate)}。"
                f"{b}在服务开通并验收合格后15个工作日内支付全部价款。", run_in=False)
    boilerplate(flow, b, sv, 4, run_in=False)
    d = f"日期：{date_str(s.sign_date, 'cn')}" if v else None
    flow.sign_block(sign_lines(b, s.buyer.name, d), sign_lines(sv, s.seller.name, d),
                    seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
    return base_fields(s)


# ====================================================================== 5. sign_block_date
def draw_sign_block_date(s: Spec, flow: Flow) -> dict:
    v = s.variant
    b, sv = ("甲方（订购方）", "乙方（服务方）") if v == 2 else ("甲方", "乙方")
    flow.title(s.title, 20)
    flow.line(f"合同编号：{s.contract_no}", 10, align="right")
    for role, p in ((b, s.buyer), (sv, s.seller)):
        party_lines(flow, role, p, ("统一社会信用代码", "住所", "法定代表人"))
    flow.gap(4)
    flow.para("甲乙双方经友好协商，就甲方采购乙方算力服务相关事宜达成一致，订立本合同。")
    flow.clause("第一条 服务内容", f"乙方向甲方提供{s.service_content}（{s.gpu_model}，{s.gpu_count}卡），用于甲方人工智能模型的训练与推理。")
    period = {
        0: f"服务期限：自{date_str(s.start, 'cn')}起至{date_str(s.end, 'cn')}止。",
        1: f"服务期限：自{date_str(s.start, 'cn_short')}起至{date_str(s.end, 'cn_short')}止，期满经双方协商可续签。",
        2: f"本合同服务有效期自{date_str(s.start, 'cn_short')}起至{date_str(s.end, 'cn_short')}止，乙方应在服务开始日前完成资源开通。",
    }[v]
    flow.clause("第二条 服务期限", period)
    due = s.sign_date.replace(day=28) if s.sign_date.day < 20 else s.start
    flow.clause("第三条 合同金额", f"本合同含税总金额为人民币{yen(s.total)}元（大写：{words(s.total)}），税率{pct(s.tax_rate)}。"
                f"甲方应于{date_str(due, 'cn_short')}前支付合同总金额的30%作为预付款，其余款项按季度结算。")
    flow.clause("第四条 生效", "本合同自双方法定代表人或授权代表签字并加盖公章或合同专用章之日起生效。")
    boilerplate(flow, "甲方", "乙方", 5)
    if v == 0:
        d = f"日期：{date_str(s.sign_date, 'spaced')}"
        flow.sign_block(["甲方（盖章）：", s.buyer.name, "法定代表人（签字）：", "", d],
                        ["乙方（盖章）：", s.seller.name, "法定代表人（签字）：", "", d],
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
    elif v == 1:
        flow.need(190)  # the signature block and the date/place lines below it stay together
        flow.sign_block(["甲方（盖章）：", s.buyer.name, "授权代表（签字）："], ["乙方（盖章）：", s.seller.name, "授权代表（签字）："],
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
        flow.gap(8)
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}", x_off=150)
        flow.line("签订地点：福建省泉州市丰泽区", x_off=150)
    else:
        flow.gap(10)
        flow.need(170)  # keep the signature table and its seals on one page
        top = flow.y
        d = f"日期：{date_str(s.sign_date, 'cn_short')}"
        flow.grid([flow.width / 2, flow.width / 2], [
            [f"{b}（盖章）", f"{sv}（盖章）"],
            [s.buyer.name, s.seller.name],
            ["授权代表：", "授权代表："],
            [d, d],
        ], size=10, align=["left", "left"], min_h=30)
        flow.stamp(flow.left + 90, top + 5, s.buyer.name, s.extra["rng_seed"])
        flow.stamp(flow.left + flow.width / 2 + 90, top + 5, s.seller.name, s.extra["rng_seed"] + 1)
    return base_fields(s)


# ====================================================================== 6. blank_amounts
def draw_blank_amounts(s: Spec, flow: Flow) -> dict:
    v = s.variant
    if v == 0:  # a printed template filled in by hand/typewriter: every value sits on a blank
        flow.title(s.title, 20)
        flow.blanks([("合同编号：", False), (s.contract_no, True)], x_off=250)
        flow.gap(4)
        for role, p in (("甲方（采购方）：", s.buyer), ("乙方（服务方）：", s.seller)):
            flow.blanks([(role, False), (p.name, True)])
            flow.blanks([("统一社会信用代码：", False), (p.code, True)], x_off=21)
            flow.blanks([("地址：", False), (p.address, True)], x_off=21)
        flow.para("根据《中华人民共和国民法典》及有关法律法规，甲乙双方经协商一致，签订本合同。")
        flow.heading("一、服务内容")
        flow.blanks([("乙方向甲方提供", False), (s.service_content, True), ("，GPU型号：", False), (s.gpu_model, True),
                     ("，数量：", False), (str(s.gpu_count), True), ("卡。", False)], x_off=21)
        flow.heading("二、服务期限")
        flow.blanks([("自", False), (date_str(s.start, "spaced"), True), ("起至", False), (date_str(s.end, "spaced"), True),
                     ("止。", False)], x_off=21)
        flow.heading("三、合同金额")
        filled = words(s.total)
        filled = filled[:-2] if filled.endswith("元整") else filled[:-1]
        flow.blanks([("合同总金额为人民币（大写）", False), (filled, True), ("元（¥", False), (fmt_money(s.total, "comma"), True),
                     ("），", False)], x_off=21)
        flow.blanks([("上述金额含增值税，税率为", False), (pct(s.tax_rate).rstrip("%"), True), ("%。", False)], x_off=21)
        flow.heading("四、付款方式")
        flow.para("合同签订后甲方支付合同总金额的____%（本项不适用），服务期满验收合格后一次性支付全部合同款。乙方收款前应开具增值税专用发票。")
        boilerplate(flow, "甲方", "乙方", 5, chinese=True)
        flow.sign_block(["甲方（盖章）：", s.buyer.name, "代表人（签字）："], ["乙方（盖章）：", s.seller.name, "代表人（签字）："],
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
        flow.blanks([("签订日期：", False), (date_str(s.sign_date, "spaced"), True)], x_off=150)
        f = base_fields(s)
        f["amount_in_words"] = filled + "元"
        return f
    if v == 1:  # total only in words
        flow.line(f"合同编号：{s.contract_no}", 10)
        flow.title(s.title, 20)
        flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}", 10, align="right")
        for role, p in (("委托方（甲方）", s.buyer), ("受托方（乙方）", s.seller)):
            party_lines(flow, role, p, ("统一社会信用代码", "住所", "法定代表人", "开户行", "账号"))
        flow.para("甲方委托乙方提供模型训练所需的算力技术服务，经双方协商一致，订立本合同。")
        flow.clause("第一条 服务内容", f"{s.service_content}：乙方为甲方提供{s.gpu_model}计算资源共{s.gpu_count}卡，"
                    "并提供训练框架适配与性能调优支持。")
        flow.clause("第二条 服务期限", f"{date_str(s.start, 'dot')}-{date_str(s.end, 'dot')}。")
        flow.clause("第三条 合同价款", f"合同价款：人民币{words(s.total)}（含{pct(s.tax_rate)}增值税）。")
        flow.clause("第四条 支付方式", "合同生效后10个工作日内，甲方支付合同价款的百分之四十；服务期过半后支付百分之四十；服务期满验收合格后支付余款。")
        boilerplate(flow, "甲方", "乙方", 5)
        flow.sign_block(["甲方（盖章）：", s.buyer.name, "授权代表："], ["乙方（盖章）：", s.seller.name, "授权代表："],
                        seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
        return base_fields(s)
    # v == 2: price table (单价 × 数量 × 月) whose 合计 row is the contract total
    flow.title(s.title, 20)
    flow.line(f"合同编号：{s.contract_no}　　　签订日期：{date_str(s.sign_date, 'cn_short')}", 10)
    for role, p in (("采购方（甲方）", s.buyer), ("供应方（乙方）", s.seller)):
        party_lines(flow, role, p, ("统一社会信用代码", "地址", "联系人"))
    flow.para("甲方向乙方采购算力及存储资源，双方依据《中华人民共和国民法典》订立本合同。")
    flow.heading("第一条 采购内容及价格")
    flow.para(f"采购内容：{s.service_content}。服务期限：{date_str(s.start, 'cn')}至{date_str(s.end, 'cn')}。明细如下：")
    rows = [["序号", "服务项目", "规格型号", "单价（元/月）", "数量", "服务期（月）", "金额（元）"]]
    for i, (item, spec_, unit, qty, qs, months, amt) in enumerate(s.extra["items"], 1):
        rows.append([str(i), item, spec_, fmt_money(unit, "comma"), qs, str(months), fmt_money(amt, "comma")])
    rows.append([("合计", 6), fmt_money(s.total, "comma")])
    rows.append([(f"合计金额（大写）：人民币{words(s.total)}", 7)])
    flow.grid([30, 80, 100, 70, 50, 50, 71], rows, size=9, align=["center", "center", "left", "right", "center", "center", "right"])
    flow.para(f"注：单价为每卡（或每套）每月含税价格，增值税税率{pct(s.tax_rate)}。", indent=0)
    flow.heading("第二条 付款")
    flow.para("甲方按季度支付服务费，每季度首月15日前支付当季费用，乙方应提前开具等额增值税专用发票。")
    boilerplate(flow, "甲方", "乙方", 3)
    flow.sign_block(["甲方（盖章）：", s.buyer.name], ["乙方（盖章）：", s.seller.name],
                    seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
    return base_fields(s)


# ====================================================================== 7. gpu_config
def draw_gpu_config(s: Spec, flow: Flow) -> dict:
    v = s.variant
    flow.title(s.title, 20)
    flow.line(f"合同编号：{s.contract_no}", 10, align="right")
    flow.line(f"签订日期：{date_str(s.sign_date, 'cn')}", 10, align="right")
    for role, p in (("甲方（需求方）", s.buyer), ("乙方（服务提供方）", s.seller)):
        party_lines(flow, role, p, ("统一社会信用代码", "住所", "法定代表人", "联系电话"))
    flow.para("为满足甲方人工智能研发对算力的需求，甲方向乙方采购算力服务。双方经友好协商，订立本合同。")
    if v == 0:
        flow.heading("第一条 服务内容及配置")
        flow.para(f"乙方向甲方提供{s.service_content}，资源配置如下表：")
        flow.grid([110, 170, 70, 101], [
            ["设备", "型号", "数量", "备注"],
            ["GPU加速卡", s.gpu_model, f"{s.gpu_count}卡", "独占使用"],
            ["CPU", "Intel Xeon Platinum 8358", "8颗", "2.6GHz 32核"],
            ["内存", "DDR4 3200", "4TB", ""],
            ["存储", "NVMe SSD", "60TB", "三副本"],
            ["网络", "200G InfiniBand", "8端口", "RDMA"],
        ], size=9.5)
    else:
        flow.heading("第一条 服务内容")
        flow.para(f"乙方向甲方提供{s.service_content}，所提供算力资源的具体配置详见附件一《算力资源配置清单》，附件与本合同具有同等效力。")
    flow.heading("第二条 服务期限")
    flow.para(f"自{date_str(s.start, 'cn')}起至{date_str(s.end, 'cn')}止。")
    flow.heading("第三条 费用及支付")
    flow.para(f"本合同总金额为{yen(s.total)}元（人民币{words(s.total)}），已含{pct(s.tax_rate)}增值税。"
              "甲方于合同签订后5个工作日内支付总金额的50%，服务期满后10个工作日内支付剩余50%。")
    boilerplate(flow, "甲方", "乙方", 4)
    if v:
        flow.para("附件一：算力资源配置清单", indent=0)
    flow.sign_block(sign_lines("甲方", s.buyer.name, None), sign_lines("乙方", s.seller.name, None),
                    seals=(s.buyer.name, s.seller.name), seed=s.extra["rng_seed"])
    if v:
        flow.new_page()
        flow.line("附件一：", 12)
        flow.title("算力资源配置清单", 16)
        if v == 1:
            nodes = s.gpu_count // 8
            flow.grid([40, 100, 200, 111], [
                ["序号", "资源类型", "配置说明", "数量"],
                ["1", "GPU计算节点", f"{s.gpu_model} SXM，每台8卡，NVLink互联", f"{nodes}台×8卡"],
                ["2", "管理节点", "2×Intel Xeon 8480+，512GB内存", "2台"],
                ["3", "并行存储", "全闪存并行文件系统", "500TB"],
                ["4", "高速网络", "400G InfiniBand NDR", "1套"],
            ], size=9.5, align=["center", "center", "left", "center"])
        else:
            nodes = s.gpu_count // 8
            for ln in (f"加速卡型号：{s.gpu_model}", f"加速卡数量：{s.gpu_count}张", f"计算节点：{nodes}台（每台8张加速卡）",
                       "单节点配置：鲲鹏920 CPU×4，1TB内存，7.68TB NVMe SSD×4", "网络：200G RoCE无损网络，单节点8端口",
                       "存储：分布式存储可用容量300TB", "资源交付方式：裸金属独占，甲方通过VPN专线访问"):
                flow.para(ln, indent=0, x_off=20)
        flow.gap(20)
        flow.line("甲方（盖章）：　　　　　　　　　　　　　乙方（盖章）：", x_off=0)
    return base_fields(s)


DRAW = {
    "party_grid": draw_party_grid,
    "role_pairs": draw_role_pairs,
    "seller_drafted": draw_seller_drafted,
    "long_names": draw_long_names,
    "sign_block_date": draw_sign_block_date,
    "blank_amounts": draw_blank_amounts,
    "gpu_config": draw_gpu_config,
}

# the PDF font of each layout: None = embedded CJK font, else a non-embedded base font
FONTS = {
    "party_grid": ("china-ss", "tiro"),
    "role_pairs": (None, "helv"),
    "seller_drafted": ("china-s", "helv"),
    "long_names": (None, "helv"),
    "sign_block_date": ("china-ss", "cour"),
    "blank_amounts": (None, "helv"),
    "gpu_config": ("china-ss", "helv"),
}

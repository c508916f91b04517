"""Seeded-defect applications app-101 … app-118, built mostly from the unseen layouts.

Each application carries exactly one deliberate defect (or a few, listed) and the findings a
correct reviewer must report (``expected_findings``), plus the expected verdict. Batch-level
expectations (across applications) are in :data:`BATCH_EXPECTATIONS`.

All names, codes, phone numbers, accounts and amounts are fictional. A separate random stream
(``SEED-h11``) keeps the original seven applications byte-identical.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal
from typing import Any

from stdnum.cn import uscc

from . import audit, contract, invoice, license, misc, receipt
from .common import digits, make_uscc
from .form import FormData, wan
from .misc import Member, PledgeData, TeamData
from .model import AuditData, Company, ContractData, InvoiceData, ReceiptData

D = dt.date
M = Decimal

# layouts added by helper H11 (the extractor was not developed against them)
UNSEEN = {
    ("application_form", "fj2024_blocks"),
    ("business_license", "zhengben"),
    ("audit_report", "firm_cover"),
    ("contract", "procure_prose"),
    ("invoice", "shudian_table"),
    ("invoice", "ofd_shudian"),
    ("payment_voucher", "abc_rows"),
    ("payment_voucher", "cmb_twocol"),
    ("team_material", "team_roster"),
    ("integrity_pledge", "pledge_song"),
}

BATCH_EXPECTATIONS: list[dict[str, Any]] = [
    # 同一申报方向每个单位只能申报一个项目: 泉州刺桐云脑科技 applies twice for 算力服务补助
    {"rule": "batch.one_per_direction", "status": "fail", "applications": ["app-117", "app-118"]},
    # app-104 attaches app-001's invoice (as an OFD copy) to inflate its own total
    {"rule": "invoice.duplicate", "status": "fail", "applications": ["app-001", "app-104"]},
]

_SCOPE = (
    "一般项目：人工智能基础软件开发；人工智能应用软件开发；人工智能理论与算法软件开发；软件开发；"
    "信息系统集成服务；数据处理和存储支持服务。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
)


def _shudian_no(rng: random.Random, prov: str) -> str:
    return "23" + prov + "2" + "0000000" + digits(rng, 8)


def _companies(rng: random.Random) -> dict[str, Company]:
    def co(key: str, name: str, region: str, address: str, rep: str, n: int, **kw: Any) -> tuple[str, Company]:
        return key, Company(
            name=name,
            credit_code=make_uscc(rng, region),
            address=address,
            legal_rep=rep,
            phone=f"138005960{n:02d}",
            bank=kw.pop("bank", "中国农业银行泉州分行营业部"),
            account=digits(rng, 19),
            contact=kw.pop("contact", "陈晓红"),
            contact_phone=f"139505960{n:02d}",
            email=kw.pop("email", f"sb{n:02d}@apply-demo.example.com"),
            scope=kw.pop("scope", _SCOPE),
            authority=kw.pop("authority", "泉州市市场监督管理局"),
            **kw,
        )

    def sup(key: str, name: str, region: str, address: str, rep: str, phone: str, bank: str) -> tuple[str, Company]:
        return key, Company(
            name=name,
            credit_code=make_uscc(rng, region),
            address=address,
            legal_rep=rep,
            phone=phone,
            bank=bank,
            account=digits(rng, 16),
        )

    return dict(
        [
            co("B1", "泉州星链智能科技有限公司", "350503", "福建省泉州市丰泽区城东街道东海大街1088号星链大厦15层", "郭永胜", 1,
               established=D(2020, 5, 11), term_end=D(2050, 5, 10), registered_capital=M("10000000"),
               authority="泉州市丰泽区市场监督管理局"),
            co("B2", "泉州晋江数智云科技有限公司", "350582", "福建省泉州市晋江市罗山街道福埔工业区兴业路66号", "许清泉", 2,
               established=D(2019, 9, 23), term_end=None, registered_capital=M("20000000"),
               authority="晋江市市场监督管理局", bank="招商银行泉州晋江支行"),
            co("B3", "泉州洛江慧算科技有限公司", "350504", "福建省泉州市洛江区万安街道塘西工业区双阳路9号", "庄伟达", 3,
               established=D(2021, 3, 2), term_end=D(2051, 3, 1), registered_capital=M("5000000"),
               authority="泉州市洛江区市场监督管理局"),
            co("B4", "泉州泉港深度智能科技有限公司", "350505", "福建省泉州市泉港区山腰街道港前大道520号", "连志坚", 4,
               established=D(2018, 12, 6), term_end=D(2048, 12, 5), registered_capital=M("12000000"),
               authority="泉州市泉港区市场监督管理局"),
            co("B5", "泉州德化瓷都智能科技有限公司", "350526", "福建省泉州市德化县浔中镇瓷都大道205号", "颜国华", 5,
               established=D(2022, 2, 14), term_end=None, registered_capital=M("3000000"),
               authority="德化县市场监督管理局"),
            co("B6", "泉州惠安智造科技有限公司", "350521", "福建省泉州市惠安县螺城镇建设北路17号", "骆文清", 6,
               established=D(2017, 8, 8), term_end=D(2047, 8, 7), registered_capital=M("15000000"),
               authority="惠安县市场监督管理局", bank="招商银行泉州分行"),
            co("B7", "泉州永春慧视科技有限公司", "350525", "福建省泉州市永春县桃城镇留安路88号", "林秀珠", 7,
               established=D(2020, 10, 19), term_end=D(2050, 10, 18), registered_capital=M("6000000"),
               authority="永春县市场监督管理局"),
            co("B8", "泉州南安光电智能科技有限公司", "350583", "福建省泉州市南安市溪美街道南洪路128号", "黄振南", 8,
               established=D(2019, 4, 30), term_end=D(2049, 4, 29), registered_capital=M("25000000"),
               authority="南安市市场监督管理局"),
            co("B9", "泉州石狮纺织大模型科技有限公司", "350581", "福建省泉州市石狮市灵秀镇石狮大道3号服装城科创中心6层", "蔡伟民", 9,
               established=D(2021, 7, 1), term_end=D(2051, 6, 30), registered_capital=M("8000000"),
               authority="石狮市市场监督管理局", bank="招商银行石狮支行"),
            co("X1", "厦门鹭岛智算科技有限公司", "350203", "福建省厦门市思明区软件园二期观日路44号3层", "吴海鹏", 10,
               established=D(2018, 6, 18), term_end=D(2048, 6, 17), registered_capital=M("10000000"),
               authority="厦门市思明区市场监督管理局", bank="中国农业银行厦门软件园支行"),
            co("B10", "泉州丰泽领航软件有限公司", "350503", "福建省泉州市丰泽区丰海路2号软件园A栋7层", "杨振宇", 11,
               established=D(2010, 11, 25), term_end=None, registered_capital=M("30000000"),
               authority="泉州市丰泽区市场监督管理局"),
            co("B11", "泉州鲤城智慧软件股份有限公司", "350502", "福建省泉州市鲤城区常泰街道广场东路63号", "柯少华", 12,
               company_type="股份有限公司(非上市、自然人投资或控股)",
               established=D(2013, 5, 6), term_end=D(2063, 5, 5), registered_capital=M("40000000"),
               authority="泉州市市场监督管理局"),
            co("B12", "泉州台商投资区海创智能科技有限公司", "350521", "福建省泉州台商投资区东园镇海江大道2号", "曾宪平", 13,
               established=D(2020, 1, 9), term_end=D(2050, 1, 8), registered_capital=M("10000000"),
               authority="泉州台商投资区市场监督管理局", bank="招商银行泉州台商投资区支行"),
            co("G1", "泉州海创控股集团有限公司", "350521", "福建省泉州台商投资区东园镇海江大道2号", "曾宪平", 14,
               established=D(2015, 3, 3), term_end=D(2045, 3, 2), registered_capital=M("100000000")),
            co("B13", "泉州开发区数算科技有限公司", "350500", "福建省泉州经济技术开发区清濛园区德泰路28号", "刘建兴", 15,
               established=D(2019, 2, 26), term_end=D(2049, 2, 25), registered_capital=M("10000000"),
               authority="泉州市市场监督管理局"),
            co("G2", "泉州数算投资有限公司", "350500", "福建省泉州经济技术开发区清濛园区德泰路28号2层", "刘建兴", 16),
            co("B14", "泉州安溪茶韵智能科技有限公司", "350524", "福建省泉州市安溪县凤城镇河滨北路59号", "王清水", 17,
               established=D(2021, 9, 9), term_end=D(2051, 9, 8), registered_capital=M("5000000"),
               authority="安溪县市场监督管理局", bank="招商银行泉州安溪支行"),
            co("B15", "泉州清濛智能计算有限公司", "350500", "福建省泉州经济技术开发区清濛园区崇贤路16号", "张立群", 18,
               established=D(2020, 6, 16), term_end=D(2050, 6, 15), registered_capital=M("20000000"),
               authority="泉州市市场监督管理局"),
            co("B16", "泉州刺桐云脑科技有限公司", "350502", "福建省泉州市鲤城区金龙街道江滨南路1号云脑中心", "苏晓东", 19,
               established=D(2019, 12, 12), term_end=D(2049, 12, 11), registered_capital=M("16000000"),
               authority="泉州市鲤城区市场监督管理局", bank="招商银行泉州鲤城支行"),
            sup("T1", "贵安数智算力有限公司", "520900", "贵州省贵安新区湖潮乡数字经济产业园D区8号", "龙海波", "0851-88120001",
                "中国农业银行贵安新区支行"),
            sup("T2", "宁夏中卫云算科技有限公司", "640502", "宁夏回族自治区中卫市沙坡头区西部云基地6号楼", "马骏", "0955-70120002",
                "招商银行银川分行"),
            sup("T3", "无锡太湖智算服务有限公司", "320211", "江苏省无锡市滨湖区蠡园开发区滴翠路100号", "钱思远", "0510-85120003",
                "中国农业银行无锡滨湖支行"),
            sup("T4", "成都天府智算中心运营有限公司", "510116", "四川省成都市双流区天府大道南段2039号", "罗晓川", "028-85120004",
                "招商银行成都天府支行"),
        ]
    )


def _bad_check_digit(code: str) -> str:
    """The same code with a wrong check digit (a typo on the form)."""
    for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if ch != code[-1] and not uscc.is_valid(code[:-1] + ch):
            return code[:-1] + ch
    raise AssertionError(code)


def build_seeded(C0: dict[str, Company], shared: dict[str, Any], SEED: int) -> list:
    from .apps import AppSpec, FileSpec, Part

    rng = random.Random(f"{SEED}-h11")
    C = _companies(rng)
    apps: list[AppSpec] = []

    def part(doc_type: str, layout: str, draw: Any, data: Any) -> Part:
        p = Part(doc_type, layout, draw, data)
        p.group = "unseen" if (doc_type, layout) in UNSEEN else "seen"
        return p

    def form_file(a: Company, direction: str, suppliers, revenue: Decimal, intro: str, project: list[str],
                  name: str = "申报表.docx", layout: str = "fj2024_blocks") -> FileSpec:
        total = sum((x for _, x in suppliers), M(0))
        lines = list(project)
        if suppliers:
            lines.insert(
                0,
                f"1、企业经营情况：2023年度营业收入{wan(revenue)}；2023年向算力服务企业直接采购算力服务合计{wan(total)}，"
                + "，".join(f"其中{n}{wan(x)}" for n, x in suppliers)
                + "。",
            )
        f = FormData(a, direction, intro, lines, revenue=revenue, suppliers=list(suppliers))
        spec = FileSpec(name, "docx", form=f, form_layout=layout)
        spec.group = "unseen" if ("application_form", layout) in UNSEEN else "seen"
        return spec

    def lic(c: Company, layout: str = "zhengben", name: str = "营业执照.pdf") -> FileSpec:
        return FileSpec(name, "pdf", [part("business_license", layout, license.draw, c)])

    def aud(a: Company, revenue: Decimal, no: str, layout: str = "firm_cover", year: int = 2023,
            name: str = "2023年度审计报告.pdf") -> FileSpec:
        firm, addr = ("福建海峡天正会计师事务所（特殊普通合伙）", "福建省福州市鼓楼区五四路158号环球广场20层")
        data = AuditData(
            a, firm, addr, no, D(year + 1, 3, 20 + (len(no) % 8)), revenue, (revenue * M("0.082")).quantize(M("1")),
            (revenue * M("0.21")).quantize(M("1")), (revenue * M("1.74")).quantize(M("1")),
            cpas=("谢文彬", "李雪梅"), fiscal_year=year, firm_code=f"FJ{year + 1}{digits(rng, 10)}",
        )
        return FileSpec(name, "pdf", [part("audit_report", layout, audit.draw, data)])

    def tail(a: Company, subject: str, team: str = "team_roster", pledge: str = "pledge_song") -> list[FileSpec]:
        members = [
            Member(a.legal_rep, "总经理", "计算机科学与技术", "硕士", "项目统筹"),
            Member("周子涵", "算法负责人", "人工智能", "博士", "模型结构设计与训练"),
            Member("方嘉诚", "算法工程师", "软件工程", "硕士", "微调与评测"),
            Member("黄思琪", "数据工程师", "数据科学", "本科", "数据清洗与标注"),
        ]
        return [
            FileSpec("研发团队.pdf", "pdf", [part("team_material", team, misc.draw_team,
                                                TeamData(a, members, D(2024, 6, 6), subject))]),
            FileSpec("承诺书.pdf", "pdf", [part("integrity_pledge", pledge, misc.draw_pledge, PledgeData(a, D(2024, 6, 6)))]),
        ]

    def deal(a: Company, s: Company, no: str, total: Decimal, start: dt.date, end: dt.date, gpu: str, n: int,
             hours: int, parts: list[tuple[dt.date, Decimal]], prov: str, title: str = "智能算力服务采购合同",
             product: str = "GPU智算云服务", content: str = "大模型预训练及微调所需GPU算力资源",
             buyer: Company | None = None, sign: dt.date | None = None):
        ct = ContractData(
            no, title, buyer or a, s, sign or start - dt.timedelta(days=6), start, end, total,
            gpu_model=gpu, gpu_count=n, card_hours=hours, product=product, content=content,
            installments=[(f"{d.year}年{d.month}月{d.day}日前", x) for d, x in parts],
        )
        spec = "-".join(gpu.replace("华为昇腾", "").replace("NVIDIA ", "").split()) + f"×{n}" if gpu else ""
        invs = [
            InvoiceData(
                _shudian_no(rng, prov), d + dt.timedelta(days=5), a, s,
                "*信息技术服务*算力服务费" if gpu else "*信息技术服务*云服务费",
                spec, "卡时" if gpu else "项", max(1, hours * int(x) // int(total)) if gpu else 1, x,
                remark=f"合同编号：{no}",
            )
            for d, x in parts
        ]
        return ct, invs

    def receipts(payer: Company, s: Company, invs: list[InvoiceData], purpose: str = "算力服务费") -> list[ReceiptData]:
        return [
            ReceiptData(payer, s, i.total, i.issue_date - dt.timedelta(days=3), purpose, digits(rng, 20), digits(rng, 14))
            for i in invs
        ]

    def files_for(ct, invs, rcs, rlayout: str, clayout: str = "procure_prose") -> list[FileSpec]:
        out = [FileSpec("合同/算力服务采购合同.pdf", "pdf", [part("contract", clayout, contract.draw, ct)])]
        out += [
            FileSpec(f"发票/{i.number[-8:]}.pdf", "pdf", [part("invoice", "shudian_table", invoice.draw, i)])
            for i in invs
        ]
        out += [
            FileSpec(f"付款凭证/回单{k}.pdf", "pdf", [part("payment_voucher", rlayout, receipt.draw, r)])
            for k, r in enumerate(rcs, 1)
        ]
        return out

    def add(app_id: str, direction: str, files: list[FileSpec], expected: list[tuple[str, str]], verdict: str,
            defect: str) -> None:
        spec = AppSpec(app_id, direction, files)
        spec.expected_findings = [{"rule": r, "status": st} for r, st in expected]
        spec.expected_verdict = verdict
        spec.defect = defect
        apps.append(spec)

    intro = "本公司属于软件和信息技术服务业，主营行业大模型研发与智能应用，拥有自主训练的垂直领域模型。"
    model_lines = [
        "2、模型研发情况：2023年完成行业垂直大模型的预训练与指令微调，已在本地制造企业试点应用。",
        "3、模型研发团队介绍：核心成员4人，详见附件。",
    ]

    # ------------------------------------------------------------ app-101 金额+税额≠价税合计
    a, s = C["B1"], C["T1"]
    ct, invs = deal(a, s, "GA-ZS-2023-0412", M("360000"), D(2023, 4, 12), D(2023, 12, 31), "NVIDIA H800 80GB", 8,
                    14400, [(D(2023, 4, 13), M("180000")), (D(2023, 10, 11), M("180000"))], "52")
    invs[1].printed_amount = M("196811.32")  # digits transposed: 169811.32 → 196811.32
    add("app-101", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("360000"))], M("9860000"), intro, model_lines),
        lic(a), aud(a, M("9860000"), "海峡天正审字〔2024〕第0311号"),
        *files_for(ct, invs, receipts(a, s, invs), "cmb_twocol"), *tail(a, "行业大模型"),
    ], [("invoice.arithmetic", "fail")], "fail", "第2张发票金额印为196,811.32（应为169,811.32），金额+税额≠价税合计")

    # ------------------------------------------------------------ app-102 大写≠小写
    a, s = C["B2"], C["T2"]
    ct, invs = deal(a, s, "ZWYS-2023-077", M("420000"), D(2023, 3, 1), D(2023, 11, 30), "华为昇腾910B 64GB", 16,
                    21000, [(D(2023, 3, 2), M("140000")), (D(2023, 6, 1), M("140000")), (D(2023, 9, 1), M("140000"))],
                    "64", product="昇腾AI算力租赁服务")
    invs[0].printed_words = "壹拾陆万圆整"
    add("app-102", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("420000"))], M("15230000"), intro, model_lines),
        lic(a), aud(a, M("15230000"), "海峡天正审字〔2024〕第0276号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "鞋服设计大模型"),
    ], [("invoice.amount_words", "fail")], "fail", "第1张发票价税合计大写「壹拾陆万圆整」，小写¥140,000.00")

    # ------------------------------------------------------------ app-103 invoice outside 2023
    a, s = C["B3"], C["T3"]
    ct, invs = deal(a, s, "THZS-2022-1188", M("420000"), D(2022, 12, 1), D(2023, 11, 30), "NVIDIA A800 80GB", 8,
                    16800, [(D(2022, 12, 12), M("60000")), (D(2023, 5, 5), M("180000")), (D(2023, 10, 7), M("180000"))],
                    "32")
    add("app-103", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("360000"))], M("7420000"), intro, model_lines),
        lic(a, "fuben"), aud(a, M("7420000"), "海峡天正审字〔2024〕第0198号"),
        *files_for(ct, invs, receipts(a, s, invs[1:]), "cmb_twocol"), *tail(a, "工业质检模型"),
    ], [("invoice.in_period", "fail")], "fail", "附了2022年12月开具的第一期发票（不在2023年度内）")

    # ------------------------------------------------------------ app-104 buyer is another company (+ batch duplicate)
    a, s, foreign = C["B4"], C["T4"], shared["app001_invoice2"]
    ct, invs = deal(a, s, "TFZS-QG-2023-021", M("320000"), D(2023, 5, 8), D(2023, 12, 31), "华为昇腾910B 64GB", 8,
                    12800, [(D(2023, 5, 9), M("160000")), (D(2023, 9, 6), M("160000"))], "51",
                    product="昇腾智算集群服务")
    add("app-104", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("320000")), (foreign.seller.name, foreign.total)], M("11380000"),
                  intro, model_lines),
        lic(a), aud(a, M("11380000"), "海峡天正审字〔2024〕第0402号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"),
        FileSpec(f"发票/{foreign.number}.ofd", "ofd", [part("invoice", "ofd_shudian", None, foreign)]),
        *tail(a, "石化安全大模型"),
    ], [
        ("invoice.buyer_is_applicant", "fail"),
        ("identity.name_match", "fail"),
        ("identity.credit_code_match", "fail"),
        ("compute.declared_total_match", "fail"),
    ], "fail", "附了app-001申报单位（泉州智算科技）的发票OFD并计入申报总额")

    # ------------------------------------------------------------ app-105 total below 300,000
    a, s = C["B5"], C["T1"]
    ct, invs = deal(a, s, "GA-ZS-2023-0655", M("240000"), D(2023, 6, 15), D(2023, 12, 14), "NVIDIA H800 80GB", 4,
                    9600, [(D(2023, 6, 16), M("120000")), (D(2023, 9, 15), M("120000"))], "52")
    add("app-105", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("240000"))], M("3150000"), intro, model_lines),
        lic(a), aud(a, M("3150000"), "海峡天正审字〔2024〕第0517号", layout="cpa_compact"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "陶瓷设计生成模型"),
    ], [("compute.total_threshold", "fail")], "fail", "2023年算力采购合计24万元，低于30万元门槛（如实申报）")

    # ------------------------------------------------------------ app-106 declared ≠ evidenced
    a, s = C["B6"], C["T2"]
    ct, invs = deal(a, s, "ZWYS-2023-102", M("360000"), D(2023, 2, 20), D(2023, 12, 31), "华为昇腾910B 64GB", 8,
                    14400, [(D(2023, 2, 21), M("180000")), (D(2023, 8, 1), M("180000"))], "64",
                    product="昇腾AI算力租赁服务")
    add("app-106", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("450000"))], M("18640000"), intro, model_lines),
        lic(a, "electronic"), aud(a, M("18640000"), "海峡天正审字〔2024〕第0133号"),
        *files_for(ct, invs, receipts(a, s, invs), "cmb_twocol"), *tail(a, "石材工艺大模型"),
    ], [("compute.declared_total_match", "fail")], "fail", "申报表填报算力采购45万元，佐证合计36万元")

    # ------------------------------------------------------------ app-107 bad check digit on the form
    a, s = C["B7"], C["T3"]
    typo = dataclasses.replace(a, credit_code=_bad_check_digit(a.credit_code))
    ct, invs = deal(a, s, "THZS-2023-0520", M("380000"), D(2023, 5, 20), D(2023, 12, 31), "NVIDIA A800 80GB", 8,
                    15200, [(D(2023, 5, 22), M("190000")), (D(2023, 9, 20), M("190000"))], "32")
    add("app-107", "compute_subsidy", [
        form_file(typo, "compute_subsidy", [(s.name, M("380000"))], M("6720000"), intro, model_lines),
        lic(a), aud(a, M("6720000"), "海峡天正审字〔2024〕第0245号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "茶产业知识大模型"),
    ], [("identity.credit_code_valid", "fail"), ("identity.credit_code_match", "fail")], "fail",
        f"申报表统一社会信用代码校验位错误（{typo.credit_code}，执照为{a.credit_code}）")

    # ------------------------------------------------------------ app-108 licence code ≠ form code
    a, s = C["B8"], C["T4"]
    other = dataclasses.replace(a, credit_code=make_uscc(rng, "350583"))
    ct, invs = deal(a, s, "TFZS-NA-2023-033", M("400000"), D(2023, 4, 1), D(2024, 3, 31), "华为昇腾910B 64GB", 16,
                    20000, [(D(2023, 4, 3), M("200000")), (D(2023, 10, 9), M("200000"))], "51",
                    product="昇腾智算集群服务")
    add("app-108", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("400000"))], M("26300000"), intro, model_lines),
        lic(other), aud(a, M("26300000"), "海峡天正审字〔2024〕第0089号"),
        *files_for(ct, invs, receipts(a, s, invs), "cmb_twocol"), *tail(a, "光电缺陷检测模型"),
    ], [("identity.credit_code_match", "fail")], "fail",
        f"营业执照统一社会信用代码{other.credit_code}与申报表{a.credit_code}不一致（两者校验位均正确）")

    # ------------------------------------------------------------ app-109 legal representative mismatch
    a, s = C["B9"], C["T1"]
    changed = dataclasses.replace(a, legal_rep="蔡丽萍")
    ct, invs = deal(a, s, "GA-ZS-2023-0730", M("330000"), D(2023, 7, 3), D(2023, 12, 31), "NVIDIA H800 80GB", 8,
                    13200, [(D(2023, 7, 4), M("330000"))], "52")
    add("app-109", "compute_subsidy", [
        form_file(changed, "compute_subsidy", [(s.name, M("330000"))], M("5480000"), intro, model_lines),
        lic(a), aud(a, M("5480000"), "海峡天正审字〔2024〕第0367号", layout="cpa_three_page"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "纺织面料大模型"),
    ], [("identity.legal_rep_match", "fail")], "fail", "申报表法定代表人「蔡丽萍」，营业执照为「蔡伟民」")

    # ------------------------------------------------------------ app-110 not local (厦门)
    a, s = C["X1"], C["T4"]
    ct, invs = deal(a, s, "TFZS-XM-2023-008", M("350000"), D(2023, 3, 15), D(2023, 12, 31), "华为昇腾910B 64GB", 8,
                    14000, [(D(2023, 3, 16), M("175000")), (D(2023, 8, 16), M("175000"))], "51",
                    product="昇腾智算集群服务")
    add("app-110", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("350000"))], M("13900000"), intro, model_lines),
        lic(a), aud(a, M("13900000"), "海峡天正审字〔2024〕第0150号"),
        *files_for(ct, invs, receipts(a, s, invs), "cmb_twocol"), *tail(a, "港口调度大模型"),
    ], [("jurisdiction.local", "fail")], "fail", "申报单位住所在厦门市思明区，不在泉州市辖区")

    # ------------------------------------------------------------ app-111 lingyan, integrity pledge missing
    a = C["B10"]
    lingyan = [
        "“领雁”软件企业方向：",
        "一、企业经营及研发情况：2023年度营业收入4,260万元，其中人工智能软件业务收入3,010万元。",
        "二、研发机构建设情况：拥有泉州市企业技术中心。",
    ]
    add("app-111", "lingyan_software", [
        form_file(a, "lingyan_software", [], M("42600000"), "本公司主营智能政务与企业知识管理软件。", lingyan),
        lic(a), aud(a, M("42600000"), "海峡天正审字〔2024〕第0058号"),
    ], [("evidence.required_present", "missing")], "review", "未附无涉黑（失信）承诺")

    # ------------------------------------------------------------ app-112 lingyan, audit report for 2022
    a = C["B11"]
    lingyan2 = [
        "“领雁”软件企业方向：",
        "一、企业经营及研发情况：2023年度营业收入6,180万元，人工智能软件业务收入占比72%。",
        "二、研发机构建设情况：拥有福建省人工智能重点实验室分中心。",
    ]
    add("app-112", "lingyan_software", [
        form_file(a, "lingyan_software", [], M("61800000"), "本公司主营城市治理与文旅智能软件。", lingyan2),
        lic(a), aud(a, M("52400000"), "海峡天正审字〔2023〕第0412号", year=2022, name="审计报告.pdf"),
        FileSpec("承诺书.pdf", "pdf", [part("integrity_pledge", "pledge_song", misc.draw_pledge, PledgeData(a, D(2024, 6, 6)))]),
    ], [("audit.covers_last_year", "fail")], "fail", "只附了2022年度审计报告")

    # ------------------------------------------------------------ app-113 contract signed by the parent group
    a, s, g = C["B12"], C["T1"], C["G1"]
    ct, invs = deal(a, s, "GA-ZS-2023-0901", M("360000"), D(2023, 9, 1), D(2024, 8, 31), "NVIDIA H800 80GB", 8,
                    14400, [(D(2023, 9, 4), M("180000")), (D(2023, 12, 4), M("180000"))], "52", buyer=g)
    add("app-113", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("360000"))], M("9020000"), intro, model_lines),
        lic(a), aud(a, M("9020000"), "海峡天正审字〔2024〕第0421号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "电子制造质检模型"),
    ], [
        ("contract.buyer_is_applicant", "fail"),
        ("identity.name_match", "fail"),
        ("identity.credit_code_match", "fail"),
    ], "fail", "算力合同采购方为母公司泉州海创控股集团有限公司，非申报单位")

    # ------------------------------------------------------------ app-114 receipt paid by another company (1 scanned page)
    a, s, g = C["B13"], C["T3"], C["G2"]
    ct, invs = deal(a, s, "THZS-2023-0611", M("360000"), D(2023, 6, 12), D(2023, 12, 31), "NVIDIA A800 80GB", 8,
                    14400, [(D(2023, 6, 13), M("180000")), (D(2023, 9, 13), M("180000"))], "32")
    rcs = receipts(a, s, invs)
    rcs[1] = dataclasses.replace(rcs[1], payer=g)
    files = files_for(ct, invs, rcs[:1], "abc_rows")
    files.append(FileSpec("付款凭证/IMG_20230912.jpg", "jpg", [part("payment_voucher", "abc_rows", receipt.draw, rcs[1])],
                          dpi=150))
    add("app-114", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("360000"))], M("7760000"), intro, model_lines),
        lic(a), aud(a, M("7760000"), "海峡天正审字〔2024〕第0288号"), *files, *tail(a, "智慧园区大模型"),
    ], [("payment.matches_invoice", "fail"), ("identity.name_match", "fail")], "fail",
        "第2期付款由股东泉州数算投资有限公司代付（回单为手机拍照JPG）")

    # ------------------------------------------------------------ app-115 red-letter invoice cancels a purchase
    a, s = C["B14"], C["T2"]
    ct, invs = deal(a, s, "ZWYS-2023-031", M("360000"), D(2023, 3, 1), D(2023, 12, 31), "华为昇腾910B 64GB", 8,
                    14400, [(D(2023, 3, 2), M("120000")), (D(2023, 6, 1), M("120000")), (D(2023, 9, 1), M("120000"))],
                    "64", product="昇腾AI算力租赁服务")
    red = dataclasses.replace(invs[2], number=_shudian_no(rng, "64"), issue_date=D(2023, 11, 20), total=M("-120000"),
                              red_of=invs[2].number, remark="服务提前终止，冲销第三期")
    add("app-115", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("360000"))], M("4380000"), intro, model_lines),
        lic(a), aud(a, M("4380000"), "海峡天正审字〔2024〕第0533号"),
        *files_for(ct, invs, receipts(a, s, invs[:2]), "cmb_twocol"),
        FileSpec(f"发票/{red.number[-8:]}.pdf", "pdf", [part("invoice", "shudian_table", invoice.draw, red)]),
        *tail(a, "茶叶品质识别模型"),
    ], [("compute.total_threshold", "fail"), ("compute.declared_total_match", "fail")], "fail",
        "第3张发票已被红字发票全额冲销，实际采购24万元，申报仍填36万元")

    # ------------------------------------------------------------ app-116 same invoice as PDF + OFD, counted twice
    a, s = C["B15"], C["T4"]
    ct, invs = deal(a, s, "TFZS-QM-2023-045", M("360000"), D(2023, 4, 20), D(2023, 12, 31), "华为昇腾910B 64GB", 16,
                    18000, [(D(2023, 4, 21), M("200000")), (D(2023, 8, 21), M("160000"))], "51",
                    product="昇腾智算集群服务")
    add("app-116", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("560000"))], M("16750000"), intro, model_lines),
        lic(a), aud(a, M("16750000"), "海峡天正审字〔2024〕第0207号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"),
        FileSpec(f"发票/OFD版/{invs[0].number}.ofd", "ofd", [part("invoice", "ofd_shudian", None, invs[0])]),
        *tail(a, "园区能耗优化模型"),
    ], [("compute.declared_total_match", "fail"), ("invoice.duplicate", "pass")], "fail",
        "第1张发票同时提供PDF与OFD版，申报额把它计了两次（56万元，实际36万元）")

    # ------------------------------------------------------------ app-117 contract without GPU configuration
    a, s = C["B16"], C["T3"]
    ct, invs = deal(a, s, "THZS-2023-0808", M("340000"), D(2023, 8, 8), D(2024, 2, 7), "", 0, 0,
                    [(D(2023, 8, 9), M("170000")), (D(2023, 11, 9), M("170000"))], "32",
                    title="算力资源服务合同", product="通用算力云服务", content="模型训练所需的云端算力资源及存储")
    add("app-117", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("340000"))], M("8860000"), intro, model_lines),
        lic(a), aud(a, M("8860000"), "海峡天正审字〔2024〕第0455号"),
        *files_for(ct, invs, receipts(a, s, invs), "cmb_twocol"), *tail(a, "闽南语语音大模型"),
    ], [("compute.gpu_config_present", "missing")], "review", "合同与发票均未载明显卡机型配置")

    # ------------------------------------------------------------ app-118 same company, second compute application
    a, s = C["B16"], C["T1"]
    ct, invs = deal(a, s, "GA-ZS-2023-1015", M("340000"), D(2023, 10, 16), D(2023, 12, 31), "NVIDIA H800 80GB", 8,
                    13600, [(D(2023, 10, 17), M("170000")), (D(2023, 12, 1), M("170000"))], "52")
    add("app-118", "compute_subsidy", [
        form_file(a, "compute_subsidy", [(s.name, M("340000"))], M("8860000"), intro,
                  ["2、模型研发情况：第二个项目为多模态文旅导览模型。", "3、模型研发团队介绍：详见附件。"],
                  name="申报表（文旅导览模型）.docx"),
        lic(a), aud(a, M("8860000"), "海峡天正审字〔2024〕第0455号"),
        *files_for(ct, invs, receipts(a, s, invs), "abc_rows"), *tail(a, "多模态文旅导览模型"),
    ], [], "pass", "本身无缺陷；与app-117为同一单位同一方向重复申报（批量规则）")
    return apps

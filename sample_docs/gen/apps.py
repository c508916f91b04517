"""The sample applications: companies, documents, layouts and where each goes.

All names, codes, phone numbers, accounts and amounts are fictional.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import audit, contract, invoice, license, misc, receipt
from .common import digits, make_uscc
from .form import FormData, wan
from .misc import Member, PledgeData, TeamData, TestReportData
from .model import AuditData, Company, ContractData, InvoiceData, ReceiptData

D = dt.date
M = Decimal
SEED = 20240610


@dataclass
class Part:
    """One logical document inside a file."""

    doc_type: str
    layout: str
    draw: Any  # callable(doc, data, layout) -> Drawn
    data: Any
    group: str = ""  # truth "layout_group" (seeded applications): seen | unseen


@dataclass
class FileSpec:
    path: str  # relative to the application folder
    kind: str  # docx | pdf | scan_pdf | jpg | png
    parts: list[Part] = field(default_factory=list)
    form: FormData | None = None
    form_layout: str = ""
    rotate90: bool = False
    dpi: int = 150
    group: str = ""  # layout_group of the .docx form (seeded applications)


@dataclass
class AppSpec:
    application_id: str
    direction: str
    files: list[FileSpec]
    expected_findings: list[dict[str, str]] = field(default_factory=list)
    expected_verdict: str = "pass"
    defect: str = ""  # seeded applications: what is wrong, in Chinese


def _companies(rng: random.Random) -> dict[str, Company]:
    def co(key, name, region, **kw) -> tuple[str, Company]:
        return key, Company(name=name, credit_code=make_uscc(rng, region), account=digits(rng, 19), **kw)

    scope_ai = (
        "一般项目：人工智能应用软件开发；人工智能基础软件开发；软件开发；信息技术咨询服务；数据处理服务；"
        "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    )
    scope_hw = (
        "一般项目：智能机器人的研发；工业自动控制系统装置制造；电子专用设备制造；人工智能硬件销售；"
        "软件开发。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    )
    return dict(
        [
            co(
                "A1",
                "泉州智算科技有限公司",
                "350503",
                address="福建省泉州市丰泽区东海街道通港西街156号数字经济产业园5号楼801室",
                legal_rep="林志强",
                phone="13800595101",
                bank="中国工商银行泉州丰泽支行",
                contact="陈雅琳",
                contact_phone="13800595102",
                email="shenbao@zhisuan-demo.example.com",
                scope=scope_ai,
                established=D(2019, 3, 8),
                term_end=D(2049, 3, 7),
                registered_capital=M("10000000"),
                authority="泉州市丰泽区市场监督管理局",
            ),
            co(
                "A2",
                "泉州海丝智能科技有限公司",
                "350582",
                address="福建省泉州市晋江市青阳街道世纪大道888号科技园A座12层",
                legal_rep="黄建华",
                phone="13800595201",
                bank="中国建设银行晋江支行",
                contact="蔡晓敏",
                contact_phone="13800595202",
                email="ai@haisi-demo.example.com",
                scope=scope_ai,
                established=D(2020, 7, 15),
                term_end=D(2050, 7, 14),
                registered_capital=M("5000000"),
                authority="晋江市市场监督管理局",
            ),
            co(
                "A3",
                "泉州清源数智科技有限公司",
                "350502",
                address="福建省泉州市鲤城区江南街道紫华路4号清源数字港3层",
                legal_rep="王振东",
                phone="13800595301",
                bank="中国工商银行泉州鲤城支行",
                contact="郑丽娟",
                contact_phone="13800595302",
                email="qingyuan@qy-demo.example.com",
                scope=scope_ai,
                established=D(2017, 11, 2),
                term_end=D(2047, 11, 1),
                registered_capital=M("20000000"),
                authority="泉州市鲤城区市场监督管理局",
            ),
            co(
                "A4",
                "泉州闽南智能软件股份有限公司",
                "350503",
                address="福建省泉州市丰泽区丰海路2号软件园B栋10层",
                legal_rep="吴明辉",
                phone="13800595401",
                bank="中国工商银行泉州分行营业部",
                contact="许佳怡",
                contact_phone="13800595402",
                email="mnsoft@mnsoft-demo.example.com",
                scope=scope_ai,
                company_type="股份有限公司(非上市、自然人投资或控股)",
                established=D(2012, 4, 20),
                term_end=D(2062, 4, 19),
                registered_capital=M("50000000"),
                authority="泉州市市场监督管理局",
            ),
            co(
                "A5",
                "泉州刺桐视觉科技有限公司",
                "350583",
                address="福建省泉州市南安市柳城街道成功科技园7号楼5层",
                legal_rep="洪家豪",
                phone="13800595501",
                bank="中国建设银行南安支行",
                contact="李婉清",
                contact_phone="13800595502",
                email="citong@ct-demo.example.com",
                scope=scope_ai,
                established=D(2018, 9, 12),
                term_end=D(2048, 9, 11),
                registered_capital=M("8000000"),
                authority="南安市市场监督管理局",
            ),
            co(
                "A6",
                "泉州安溪智能装备有限公司",
                "350524",
                address="福建省泉州市安溪县城厢镇经济开发区光德路18号",
                legal_rep="苏文斌",
                phone="13800595601",
                bank="中国工商银行安溪支行",
                contact="谢美玲",
                contact_phone="13800595602",
                email="zhuangbei@ax-demo.example.com",
                scope=scope_hw,
                established=D(2016, 6, 30),
                term_end=D(2046, 6, 29),
                registered_capital=M("30000000"),
                authority="安溪县市场监督管理局",
            ),
            co(
                "A7",
                "泉州云织智能科技有限公司",
                "350581",
                address="福建省泉州市石狮市宝盖镇科技园区振狮大道168号",
                legal_rep="施国栋",
                phone="13800595701",
                bank="中国建设银行石狮支行",
                contact="邱静",
                contact_phone="13800595702",
                email="yunzhi@yz-demo.example.com",
                scope=scope_ai,
                established=D(2021, 1, 18),
                term_end=D(2051, 1, 17),
                registered_capital=M("6000000"),
                authority="石狮市市场监督管理局",
            ),
            co(
                "S1",
                "北京智算云科技有限公司",
                "110108",
                address="北京市海淀区中关村大街27号智算大厦9层",
                legal_rep="赵明",
                phone="010-62880001",
                bank="招商银行北京中关村支行",
            ),
            co(
                "S2",
                "上海临港算力网络有限公司",
                "310115",
                address="上海市浦东新区新元南路600号12号楼",
                legal_rep="孙立伟",
                phone="021-58810002",
                bank="中国建设银行上海临港支行",
            ),
            co(
                "S3",
                "杭州云擎数据科技有限公司",
                "330106",
                address="浙江省杭州市西湖区西斗门路3号天堂软件园D幢",
                legal_rep="周佳",
                phone="0571-88770003",
                bank="中国工商银行杭州西湖支行",
                invoice_region="浙江",
            ),
            co(
                "S4",
                "深圳鹏城智算服务有限公司",
                "440305",
                address="广东省深圳市南山区粤海街道科技南十二路9号",
                legal_rep="刘海涛",
                phone="0755-26660004",
                bank="中国工商银行深圳南山支行",
                invoice_region="深圳",
            ),
            co(
                "C1",
                "厦门海湾物流有限公司",
                "350206",
                address="福建省厦门市湖里区象屿路97号",
                legal_rep="方志刚",
                phone="0592-5660005",
                bank="中国工商银行厦门湖里支行",
            ),
            co(
                "C2",
                "福州闽江电力工程有限公司",
                "350104",
                address="福建省福州市仓山区金山大道618号",
                legal_rep="陈国平",
                phone="0591-8770006",
                bank="中国建设银行福州仓山支行",
            ),
        ]
    )


def _shudian_no(rng: random.Random, prov: str) -> str:
    return "23" + prov + "2" + "0000000" + digits(rng, 8)


def build_apps() -> list[AppSpec]:
    rng = random.Random(SEED)
    C = _companies(rng)
    apps: list[AppSpec] = []

    def common_tail(
        a: Company,
        team_layout: str,
        pledge_layout: str,
        members: list[Member],
        subject: str,
        prefix: str = "",
    ) -> list[FileSpec]:
        return [
            FileSpec(
                f"{prefix}研发团队情况.pdf",
                "pdf",
                [
                    Part(
                        "team_material",
                        team_layout,
                        misc.draw_team,
                        TeamData(a, members, D(2024, 6, 5), subject),
                    )
                ],
            ),
            FileSpec(
                f"{prefix}无涉黑失信承诺书.pdf",
                "pdf",
                [Part("integrity_pledge", pledge_layout, misc.draw_pledge, PledgeData(a, D(2024, 6, 5)))],
            ),
        ]

    team1 = [
        Member("林志强", "总经理", "计算机科学与技术", "硕士", "技术路线与项目统筹"),
        Member("陈思远", "首席科学家", "人工智能", "博士", "大模型架构设计与预训练"),
        Member("黄晓峰", "算法工程师", "软件工程", "硕士", "指令微调与评测"),
        Member("许文静", "数据工程师", "统计学", "本科", "训练数据清洗与标注"),
        Member("蔡俊杰", "运维工程师", "网络工程", "本科", "GPU集群调度与运维"),
    ]

    # ---------------------------------------------------------------- app-001
    a, s = C["A1"], C["S1"]
    ct = ContractData(
        "ZSY-2023-SL-0217",
        "算力服务合同",
        a,
        s,
        D(2023, 2, 20),
        D(2023, 3, 1),
        D(2023, 12, 31),
        M("360000"),
        gpu_model="NVIDIA A800 80G",
        gpu_count=8,
        card_hours=24000,
        product="GPU云算力租赁服务",
        content="提供NVIDIA A800 GPU服务器算力资源用于大模型训练",
        installments=[("合同签订后10日内", M("180000")), ("2023年9月15日前", M("180000"))],
    )
    inv = [
        InvoiceData(
            _shudian_no(rng, "11"),
            D(2023, 3, 15),
            a,
            s,
            "*信息技术服务*算力服务费",
            "A800-80G×8",
            "卡时",
            12000,
            M("180000"),
            remark=f"合同编号：{ct.number}；第一期算力服务费",
        ),
        InvoiceData(
            _shudian_no(rng, "11"),
            D(2023, 9, 12),
            a,
            s,
            "*信息技术服务*算力服务费",
            "A800-80G×8",
            "卡时",
            12000,
            M("180000"),
            remark=f"合同编号：{ct.number}；第二期算力服务费",
        ),
    ]
    shared = {"app001_invoice2": inv[1]}  # claimed again by app-104 (batch invoice.duplicate)
    rc = [
        ReceiptData(a, s, M("180000"), D(2023, 3, 8), "算力服务费", digits(rng, 20), digits(rng, 12)),
        ReceiptData(a, s, M("180000"), D(2023, 9, 8), "算力服务费二期", digits(rng, 20), digits(rng, 12)),
    ]
    form = FormData(
        a,
        "compute_subsidy",
        "本公司属于软件和信息技术服务业，主营自然语言大模型研发及行业智能问答解决方案，现有员工86人，其中研发人员52人。",
        [
            "算力服务补助方向：",
            f"1、企业经营情况：2023年度营业收入{wan(M('12568000'))}。2023年向{s.name}采购算力服务{wan(M('360000'))}，"
            "主要用于“刺桐”行业大模型的预训练与微调。",
            "2、模型研发情况：2023年累计使用A800 GPU算力约2.4万卡时，完成130亿参数行业大模型训练。",
            "3、模型研发团队介绍：团队共5名核心成员，详见附件。",
            "4、附件及相关佐证材料：审计报告、算力服务合同及付款凭证、发票、团队材料、营业执照、承诺书。",
        ],
        revenue=M("12568000"),
        suppliers=[(s.name, M("360000"))],
    )
    audit1 = AuditData(
        a,
        "福建闽泉会计师事务所有限公司",
        "福建省泉州市丰泽区田安南路536号",
        "闽泉会审字[2024]第0215号",
        D(2024, 3, 26),
        M("12568000"),
        M("1036500"),
        M("3125000"),
        M("21860000"),
    )
    apps.append(
        AppSpec(
            "app-001",
            "compute_subsidy",
            [
                FileSpec("申报表.docx", "docx", form=form, form_layout="fj2024_table"),
                FileSpec("01营业执照.pdf", "pdf", [Part("business_license", "electronic", license.draw, a)]),
                FileSpec(
                    "02审计报告2023.pdf", "pdf", [Part("audit_report", "cpa_three_page", audit.draw, audit1)]
                ),
                FileSpec("03算力服务合同.pdf", "pdf", [Part("contract", "compute_table", contract.draw, ct)]),
                FileSpec(
                    "04发票/发票1.pdf", "pdf", [Part("invoice", "shudian_special", invoice.draw, inv[0])]
                ),
                FileSpec(
                    "04发票/发票2.pdf", "pdf", [Part("invoice", "shudian_special", invoice.draw, inv[1])]
                ),
                FileSpec(
                    "05付款凭证/回单1.pdf", "pdf", [Part("payment_voucher", "icbc_grid", receipt.draw, rc[0])]
                ),
                FileSpec(
                    "05付款凭证/回单2.pdf", "pdf", [Part("payment_voucher", "icbc_grid", receipt.draw, rc[1])]
                ),
                *common_tail(a, "team_table", "pledge_formal", team1, "大模型"),
            ],
        )
    )

    # ---------------------------------------------------------------- app-002 (scanned evidence)
    a, s2, s3 = C["A2"], C["S2"], C["S3"]
    ct2 = ContractData(
        "LGSL-2023-0388",
        "GPU算力服务协议",
        a,
        s2,
        D(2023, 4, 3),
        D(2023, 4, 10),
        D(2024, 4, 9),
        M("250000"),
        gpu_model="NVIDIA H800 80G",
        gpu_count=8,
        card_hours=10000,
        product="裸金属GPU服务器租用",
        content="多模态模型训练算力资源及运维保障",
        installments=[("协议签订后7个工作日内", M("250000"))],
    )
    ct3 = ContractData(
        "YQ-HT-20230612",
        "算力服务合同",
        a,
        s3,
        D(2023, 6, 12),
        D(2023, 6, 15),
        D(2023, 12, 14),
        M("162000"),
        gpu_model="NVIDIA A100 40G",
        gpu_count=4,
        card_hours=13500,
        product="GPU云主机",
        content="提供A100 GPU云主机用于视觉模型训练",
        installments=[("合同签订后15日内", M("162000"))],
    )
    inv2 = InvoiceData(
        _shudian_no(rng, "31"),
        D(2023, 4, 20),
        a,
        s2,
        "*信息技术服务*算力服务费",
        "H800-80G×8",
        "卡时",
        10000,
        M("250000"),
        remark=f"协议编号：{ct2.number}",
    )
    inv3 = InvoiceData(
        digits(rng, 8, False),
        D(2023, 6, 28),
        a,
        s3,
        "*信息技术服务*GPU云主机租用费",
        "A100-40G×4",
        "卡时",
        13500,
        M("162000"),
        code="033002300111",
        check_code=digits(rng, 20),
        machine_no=digits(rng, 12),
        remark=f"合同号{ct3.number}",
    )
    rc2 = [
        ReceiptData(a, s2, M("250000"), D(2023, 4, 12), "GPU算力服务费", digits(rng, 20), digits(rng, 10)),
        ReceiptData(a, s3, M("162000"), D(2023, 6, 26), "算力服务费", digits(rng, 20), digits(rng, 10)),
    ]
    form2 = FormData(
        a,
        "compute_subsidy",
        "本公司是专注多模态视觉大模型研发的软件企业，产品服务鞋服、陶瓷等制造业质检场景。",
        [
            "算力服务补助方向：",
            f"1、企业经营情况：2023年度营业收入{wan(M('8342000'))}。2023年共采购算力服务{wan(M('412000'))}，"
            f"其中向{s2.name}采购{wan(M('250000'))}，向{s3.name}采购{wan(M('162000'))}。",
            "2、模型研发情况：训练完成“海丝视觉”多模态模型，已在晋江鞋服企业试用。",
            "3、模型研发团队介绍：见附件研发团队情况。",
        ],
        revenue=M("8342000"),
        suppliers=[(s2.name, M("250000")), (s3.name, M("162000"))],
    )
    audit2 = AuditData(
        a,
        "泉州正信会计师事务所有限公司",
        "福建省泉州市晋江市梅岭街道长兴路200号",
        "泉正信审字〔2024〕第118号",
        D(2024, 4, 8),
        M("8342000"),
        M("612300"),
        M("2210000"),
        M("15630000"),
    )
    team2 = [
        Member("黄建华", "总经理", "电子信息工程", "硕士", "项目统筹"),
        Member("王一鸣", "技术总监", "模式识别", "博士", "多模态模型设计"),
        Member("柯佳妮", "算法工程师", "计算机视觉", "硕士", "视觉模型训练与评测"),
        Member("张少华", "数据工程师", "信息管理", "本科", "数据采集与标注"),
    ]
    apps.append(
        AppSpec(
            "app-002",
            "compute_subsidy",
            [
                FileSpec(
                    "福建省省级人工智能产业发展项目申报表.docx",
                    "docx",
                    form=form2,
                    form_layout="fj2024_table",
                ),
                FileSpec(
                    "IMG_2231.JPG",
                    "jpg",
                    [Part("business_license", "fuben", license.draw, a)],
                    rotate90=True,
                    dpi=110,
                ),
                FileSpec("审计报告.pdf", "pdf", [Part("audit_report", "cpa_compact", audit.draw, audit2)]),
                FileSpec(
                    "合同/扫描件001.pdf",
                    "scan_pdf",
                    [Part("contract", "compute_prose", contract.draw, ct2)],
                    dpi=150,
                ),
                FileSpec(
                    "合同/杭州云擎算力合同.pdf",
                    "pdf",
                    [Part("contract", "compute_table", contract.draw, ct3)],
                ),
                FileSpec(
                    "发票/上海临港发票.jpg",
                    "jpg",
                    [Part("invoice", "shudian_special", invoice.draw, inv2)],
                    dpi=200,
                ),
                FileSpec(
                    "发票/杭州云擎发票.pdf", "pdf", [Part("invoice", "legacy_e_normal", invoice.draw, inv3)]
                ),
                FileSpec(
                    "付款回单扫描.pdf",
                    "scan_pdf",
                    [Part("payment_voucher", "ccb_pairs", receipt.draw, r) for r in rc2],
                    dpi=150,
                ),
                *common_tail(a, "team_prose", "pledge_short", team2, "多模态视觉模型"),
            ],
        )
    )

    # ---------------------------------------------------------------- app-003 (multi-document PDFs)
    a, s4 = C["A3"], C["S4"]
    ct4 = ContractData(
        "PCZS-QZ-2023-016",
        "人工智能算力服务合同",
        a,
        s4,
        D(2023, 3, 28),
        D(2023, 4, 1),
        D(2023, 12, 31),
        M("480000"),
        gpu_model="NVIDIA A800 80G",
        gpu_count=16,
        card_hours=30000,
        product="智算中心GPU集群服务",
        content="A800 GPU集群算力及高速存储服务，用于城市治理大模型训练",
        installments=[
            ("2023年4月10日前", M("160000")),
            ("2023年7月10日前", M("160000")),
            ("2023年10月10日前", M("160000")),
        ],
    )
    inv4 = [
        InvoiceData(
            digits(rng, 8, False),
            d,
            a,
            s4,
            "*信息技术服务*算力服务费",
            "A800-80G×16",
            "卡时",
            10000,
            M("160000"),
            code="044032300111",
            check_code=digits(rng, 20),
            machine_no=digits(rng, 12),
            remark=f"合同编号{ct4.number} 第{i}期",
        )
        for i, d in enumerate((D(2023, 4, 12), D(2023, 7, 11), D(2023, 10, 13)), 1)
    ]
    rc4 = [
        ReceiptData(a, s4, M("160000"), d, f"第{i}期算力服务费", digits(rng, 20), digits(rng, 12))
        for i, d in enumerate((D(2023, 4, 7), D(2023, 7, 6), D(2023, 10, 9)), 1)
    ]
    form3 = FormData(
        a,
        "compute_subsidy",
        "本公司深耕城市治理人工智能，主营城市事件智能识别与分拨平台。",
        [
            "一、企业经营情况",
            f"上年度（2023年）营业收入{wan(M('21450000'))}；2023年向{s4.name}采购算力服务{wan(M('480000'))}。",
            "二、模型研发情况：完成城市治理垂直大模型“清源-城治”训练。",
            "三、模型研发团队：共6人，详见附件。",
        ],
        revenue=M("21450000"),
        suppliers=[(s4.name, M("480000"))],
    )
    audit3 = AuditData(
        a,
        "福建刺桐联合会计师事务所（普通合伙）",
        "福建省泉州市鲤城区中山中路88号",
        "刺桐审字[2024]第0063号",
        D(2024, 3, 15),
        M("21450000"),
        M("1870200"),
        M("4380000"),
        M("35270000"),
    )
    team3 = [
        Member("王振东", "董事长", "计算机应用", "硕士", "总体方案"),
        Member("刘晨曦", "算法负责人", "人工智能", "博士", "城市治理大模型训练"),
        Member("郑丽娟", "产品经理", "公共管理", "硕士", "场景需求与评测"),
        Member("陈宇航", "算法工程师", "数学与应用数学", "硕士", "模型微调"),
        Member("林欣怡", "数据工程师", "数据科学", "本科", "城市事件数据治理"),
        Member("杨帆", "运维工程师", "通信工程", "本科", "算力资源调度"),
    ]
    apps.append(
        AppSpec(
            "app-003",
            "compute_subsidy",
            [
                FileSpec("申报书/申报表.docx", "docx", form=form3, form_layout="fj2024_alt"),
                FileSpec(
                    "营业执照.png", "png", [Part("business_license", "electronic", license.draw, a)], dpi=110
                ),
                FileSpec(
                    "审计报告及财务报表.pdf", "pdf", [Part("audit_report", "cpa_compact", audit.draw, audit3)]
                ),
                FileSpec(
                    "合同及付款凭证.pdf",
                    "pdf",
                    [
                        Part("contract", "compute_table", contract.draw, ct4),
                        *[Part("payment_voucher", "icbc_grid", receipt.draw, r) for r in rc4],
                    ],
                ),
                FileSpec(
                    "发票合集.pdf", "pdf", [Part("invoice", "legacy_e_normal", invoice.draw, i) for i in inv4]
                ),
                *common_tail(a, "team_prose", "pledge_short", team3, "城市治理大模型", prefix="附件/"),
            ],
        )
    )

    # ---------------------------------------------------------------- app-004 lingyan_software
    a = C["A4"]
    form4 = FormData(
        a,
        "lingyan_software",
        "本公司成立于2012年，是福建省重点软件企业，主营人工智能中台与行业智能决策软件。",
        [
            "“领雁”软件企业方向：",
            f"一、企业经营及研发情况：2023年度营业收入{wan(M('58600000'))}，其中人工智能软件业务收入{wan(M('42100000'))}，"
            "占营业收入比例71.8%；研发投入占营业收入比例16.2%。",
            "二、研发机构建设情况：拥有泉州市人工智能工程技术研究中心。",
            "三、主要产品简介：闽南AI中台、智慧港口决策系统。",
        ],
        revenue=M("58600000"),
    )
    audit4 = AuditData(
        a,
        "福建闽泉会计师事务所有限公司",
        "福建省泉州市丰泽区田安南路536号",
        "闽泉会审字[2024]第0307号",
        D(2024, 4, 2),
        M("58600000"),
        M("6930000"),
        M("9490000"),
        M("96400000"),
    )
    apps.append(
        AppSpec(
            "app-004",
            "lingyan_software",
            [
                FileSpec("申报表.docx", "docx", form=form4, form_layout="fj2024_table"),
                FileSpec("营业执照副本.pdf", "pdf", [Part("business_license", "fuben", license.draw, a)]),
                FileSpec(
                    "2023年度审计报告.pdf", "pdf", [Part("audit_report", "cpa_compact", audit.draw, audit4)]
                ),
                FileSpec(
                    "承诺书.pdf",
                    "pdf",
                    [
                        Part(
                            "integrity_pledge",
                            "pledge_formal",
                            misc.draw_pledge,
                            PledgeData(a, D(2024, 6, 6)),
                        )
                    ],
                ),
            ],
        )
    )

    # ---------------------------------------------------------------- app-005 software_product
    a, cst = C["A5"], C["C1"]
    prod5 = "刺桐智能视觉质检平台V3.0"
    ct5 = ContractData(
        "CTSJ-XS-2023-045",
        "软件产品销售合同",
        cst,
        a,
        D(2023, 5, 18),
        D(2023, 6, 1),
        D(2024, 5, 31),
        M("680000"),
        product=prod5,
        gpu_count=1,
        content="视觉质检平台软件授权、部署及一年运维",
        installments=[("合同签订后30日内", M("680000"))],
    )
    rc5 = ReceiptData(cst, a, M("680000"), D(2023, 6, 9), "软件采购款", digits(rng, 20), digits(rng, 12))
    form5 = FormData(
        a,
        "software_product",
        "本公司专注工业视觉检测软件，服务石材、陶瓷、鞋服等泉州传统产业。",
        [
            "软件优质产品方向：",
            f"一、产品简介：{prod5}，基于深度学习的缺陷检测软件，2023年销售收入{wan(M('5120000'))}。"
            f"公司2023年度营业收入{wan(M('9875000'))}。",
            "二、产品研发团队介绍：见附件。",
        ],
        revenue=M("9875000"),
        project_name=prod5,
    )
    audit5 = AuditData(
        a,
        "泉州正信会计师事务所有限公司",
        "福建省泉州市晋江市梅岭街道长兴路200号",
        "泉正信审字〔2024〕第097号",
        D(2024, 3, 30),
        M("9875000"),
        M("1203000"),
        M("1890000"),
        M("14320000"),
    )
    team5 = [
        Member("洪家豪", "总经理", "自动化", "硕士", "产品规划"),
        Member("李婉清", "研发总监", "计算机视觉", "硕士", "检测算法"),
        Member("戴志鹏", "软件工程师", "软件工程", "本科", "平台开发"),
    ]
    apps.append(
        AppSpec(
            "app-005",
            "software_product",
            [
                FileSpec("申报表.docx", "docx", form=form5, form_layout="fj2024_alt"),
                FileSpec(
                    "执照扫描.jpg", "jpg", [Part("business_license", "fuben", license.draw, a)], dpi=110
                ),
                FileSpec("审计报告.pdf", "pdf", [Part("audit_report", "cpa_three_page", audit.draw, audit5)]),
                FileSpec("销售合同.pdf", "pdf", [Part("contract", "sales", contract.draw, ct5)]),
                FileSpec("收款回单.pdf", "pdf", [Part("payment_voucher", "icbc_grid", receipt.draw, rc5)]),
                *common_tail(a, "team_table", "pledge_short", team5, prod5),
            ],
        )
    )

    # ---------------------------------------------------------------- app-006 hardware_product
    a, cst = C["A6"], C["C2"]
    prod6 = "边缘智能巡检终端QZ-EI200"
    ct6 = ContractData(
        "AXZB-2023-112",
        "产品购销合同",
        cst,
        a,
        D(2023, 8, 2),
        D(2023, 8, 15),
        D(2024, 8, 14),
        M("1260000"),
        product=prod6,
        gpu_count=30,
        content="巡检终端30套及配套巡检软件、安装调试",
        installments=[("到货验收后15日内", M("1260000"))],
    )
    rc6 = ReceiptData(cst, a, M("1260000"), D(2023, 9, 20), "巡检终端货款", digits(rng, 20), digits(rng, 10))
    form6 = FormData(
        a,
        "hardware_product",
        "本公司是国家高新技术企业，主营智能巡检机器人与边缘计算设备。",
        [
            "硬件优质产品方向：",
            f"一、产品简介：{prod6}，集成AI视觉与红外测温，2023年销售{wan(M('7360000'))}。"
            f"公司2023年度营业收入{wan(M('31580000'))}。",
            "二、产品研发团队介绍：见附件。",
        ],
        revenue=M("31580000"),
        project_name=prod6,
    )
    audit6 = AuditData(
        a,
        "福建刺桐联合会计师事务所（普通合伙）",
        "福建省泉州市鲤城区中山中路88号",
        "刺桐审字[2024]第0091号",
        D(2024, 4, 12),
        M("31580000"),
        M("2846000"),
        M("3370000"),
        M("48750000"),
    )
    test6 = TestReportData(
        a,
        "HXJC-2023-E0735",
        prod6,
        "QZ-EI200",
        "福建海西智能产品检测中心有限公司",
        D(2023, 7, 20),
        [
            ("外观与结构", "无划痕、变形", "符合要求"),
            ("AI识别准确率", "≥95%", "97.3%"),
            ("红外测温误差", "≤±2℃", "±1.2℃"),
            ("防护等级", "IP65", "IP66"),
            ("工作温度", "-20℃～60℃", "通过"),
        ],
    )
    team6 = [
        Member("苏文斌", "总经理", "机械电子工程", "硕士", "产品总体设计"),
        Member("谢美玲", "硬件总监", "电子科学与技术", "硕士", "主板与传感器设计"),
        Member("吴天佑", "算法工程师", "人工智能", "硕士", "边缘端模型部署"),
        Member("杨俊", "结构工程师", "机械设计", "本科", "整机结构"),
    ]
    apps.append(
        AppSpec(
            "app-006",
            "hardware_product",
            [
                FileSpec("申报表.docx", "docx", form=form6, form_layout="fj2024_table"),
                FileSpec("营业执照.pdf", "pdf", [Part("business_license", "electronic", license.draw, a)]),
                FileSpec("审计报告.pdf", "pdf", [Part("audit_report", "cpa_three_page", audit.draw, audit6)]),
                FileSpec("销售合同/购销合同.pdf", "pdf", [Part("contract", "sales", contract.draw, ct6)]),
                FileSpec(
                    "销售合同/银行回单.pdf", "pdf", [Part("payment_voucher", "ccb_pairs", receipt.draw, rc6)]
                ),
                FileSpec(
                    "检验检测报告.pdf",
                    "pdf",
                    [Part("test_report", "lab_cover", misc.draw_test_report, test6)],
                ),
                *common_tail(a, "team_prose", "pledge_formal", team6, prod6),
            ],
        )
    )

    # ---------------------------------------------------------------- app-007 application_scenario
    a = C["A7"]
    scen = "纺织印染AI视觉验布典型应用场景"
    members = [a.name, "石狮市华锦纺织有限公司", "泉州海丝工业互联网研究院有限公司"]
    form7 = FormData(
        a,
        "application_scenario",
        "本公司为纺织行业提供AI视觉检测与工业互联网解决方案。",
        [
            "典型应用场景方向：",
            f"一、场景简介：{scen}，所属领域工业制造，总投资{wan(M('4600000'))}，"
            f"联合体成员：{'、'.join(members)}。",
            f"二、场景功能概况：以AI视觉替代人工验布，验布效率提升3倍。公司2023年度营业收入{wan(M('6420000'))}。",
            "三、关键技术和创新点：小样本缺陷检测、边缘推理。",
            "四、应用成效：年节约人工成本约180万元。",
        ],
        revenue=M("6420000"),
        project_name=scen,
        consortium=members,
    )
    apps.append(
        AppSpec(
            "app-007",
            "application_scenario",
            [
                FileSpec("申报表.docx", "docx", form=form7, form_layout="fj2024_table"),
                FileSpec(
                    "牵头单位营业执照.pdf", "pdf", [Part("business_license", "electronic", license.draw, a)]
                ),
            ],
        )
    )
    from .seeded import build_seeded

    apps.extend(build_seeded(C, shared, SEED))
    return apps

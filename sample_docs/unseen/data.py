"""Fictional parties and the 24 contract specifications (seeded, deterministic).

Everything here is invented: company names are built from neutral word pieces, credit codes
are random with a valid GB 32100-2015 check digit, phones start with 138, e-mails end in
``.example.com``, bank accounts are random digits.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from sample_docs.gen.common import digits, make_uscc, money

SEED = 20261206

# region code, address prefix, roads, buildings
_PLACES: dict[str, list[tuple[str, str, list[str], list[str]]]] = {
    "泉州": [
        ("350503", "福建省泉州市丰泽区", ["东海大街", "刺桐路", "泉秀路", "丰泽街"], ["海丝数字产业园", "东海商务中心", "科创大厦"]),
        ("350582", "福建省晋江市", ["世纪大道", "安平路", "梅岭路"], ["晋江智造中心", "双创园", "国际企业港"]),
        ("350583", "福建省南安市", ["成功街", "江北大道"], ["南安智能产业园", "滨江商务楼"]),
        ("350502", "福建省泉州市鲤城区", ["中山路", "温陵路", "江滨南路"], ["古城数字港", "鲤城科技楼"]),
        ("350581", "福建省石狮市", ["八七路", "宝岛路"], ["石狮服装城数智中心", "海峡商务广场"]),
        ("350524", "福建省安溪县", ["凤城路", "茶都大道"], ["安溪数字茶产业园", "城厢科技园"]),
    ],
    "北京": [("110108", "北京市海淀区", ["中关村大街", "上地十街", "丰贤中路"], ["创新大厦", "软件园二期", "智谷中心"])],
    "上海": [("310115", "上海市浦东新区", ["张江路", "碧波路", "科苑路"], ["人工智能岛", "张江科学城大楼"])],
    "杭州": [("330108", "浙江省杭州市滨江区", ["网商路", "江南大道", "长河路"], ["智慧e谷", "云栖科创中心"])],
    "深圳": [("440305", "广东省深圳市南山区", ["科苑南路", "高新南一道", "深南大道"], ["软件产业基地", "湾区算力大厦"])],
    "中卫": [("640502", "宁夏回族自治区中卫市沙坡头区", ["迎宾大道", "云基地大道"], ["西部云基地", "数据中心产业园"])],
    "贵安": [("520191", "贵州省贵安新区", ["百马大道", "数博大道"], ["电子信息产业园", "大数据中心"])],
    "乌兰察布": [("150902", "内蒙古自治区乌兰察布市集宁区", ["察哈尔大街", "恩和路"], ["大数据产业园", "云计算中心"])],
}

_BANKS = ["中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行", "兴业银行", "交通银行", "中信银行"]
_SURNAMES = "陈林黄吴王张李刘郑蔡洪许苏庄周杨"
_GIVEN = ["志远", "雅琴", "建华", "晓峰", "明辉", "丽萍", "国栋", "海燕", "文杰", "少雄", "伟民", "惠玲", "振宇", "秋月", "永福"]


@dataclass
class Party:
    name: str
    code: str
    address: str
    legal_rep: str
    phone: str
    bank: str
    account: str
    contact: str
    email: str


@dataclass
class Spec:
    """One contract: who, what, when, how much, and how it is printed."""

    app_id: str
    layout: str
    variant: int
    fmt: str  # "pdf" | "docx" | "scan"
    file: str
    title: str
    contract_no: str
    buyer: Party
    seller: Party
    sign_date: dt.date
    start: dt.date
    end: dt.date
    total: Decimal
    tax_rate: Decimal
    gpu_model: str
    gpu_count: int
    service_content: str
    place: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def excl(self) -> Decimal:
        return money(self.total / (1 + self.tax_rate))

    @property
    def tax(self) -> Decimal:
        return self.total - self.excl


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def make_party(rng: random.Random, city: str, name: str, email_host: str) -> Party:
    region, prefix, roads, buildings = rng.choice(_PLACES[city])
    address = f"{prefix}{rng.choice(roads)}{rng.randint(8, 2999)}号{rng.choice(buildings)}{rng.randint(2, 23)}层"
    bank = f"{rng.choice(_BANKS)}{city}{rng.choice(['分行营业部', '高新支行', '科技支行', '城东支行'])}"
    account = digits(rng, rng.choice([16, 17, 19]))
    return Party(
        name=name,
        code=make_uscc(rng, region),
        address=address,
        legal_rep=_person(rng),
        phone="138" + digits(rng, 8, first_nonzero=False),
        bank=bank,
        account=account,
        contact=_person(rng),
        email=f"{rng.choice(['contract', 'sales', 'caigou', 'service', 'biz'])}@{email_host}.example.com",
    )


def _date(rng: random.Random, year: int = 2023, lo_month: int = 1, hi_month: int = 9) -> dt.date:
    return dt.date(year, rng.randint(lo_month, hi_month), rng.randint(1, 28))


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    nd = dt.date(d.year + y, m + 1, 1)
    return nd - dt.timedelta(days=1) if d.day == 1 else nd.replace(day=min(d.day, 28)) - dt.timedelta(days=1)


# (layout, variant, fmt, file, title, buyer (city, name, host), seller (city, name, host),
#  gpu model, gpu count, service content, tax rate, contract-no pattern)
_TABLE: list[tuple] = [
    # 1. parties in a two-column table
    ("party_grid", 0, "pdf", "算力服务采购合同.pdf", "智能算力服务采购合同",
     ("泉州", "泉州蓝湾智联科技有限公司", "lanwan-zl"), ("北京", "北京天衡算力科技有限公司", "tianheng-sl"),
     "NVIDIA A800 80GB", 32, "GPU算力租赁服务", "0.06", "TH-SL-2023-{n:04d}"),
    ("party_grid", 1, "pdf", "合同/GPU云服务合同.pdf", "GPU云服务器租赁合同",
     ("泉州", "泉州紫帽数智科技有限公司", "zimao-sz"), ("杭州", "杭州云栖算能科技有限公司", "yunqi-sn"),
     "NVIDIA H800 80GB", 16, "GPU云服务器租用服务", "0.06", "YQSN{y}{n:05d}"),
    ("party_grid", 2, "pdf", "03合同.pdf", "算力资源服务合同",
     ("泉州", "泉州启明视觉智能有限公司", "qiming-sj"), ("上海", "上海张江智算网络科技有限公司", "zj-zs"),
     "华为昇腾910B", 64, "大模型训练算力服务", "0.06", "ZJZS-FW-{y}-{n:03d}"),
    # 2. role words beyond 甲方/乙方
    ("role_pairs", 0, "pdf", "委托服务合同.pdf", "算力资源委托服务合同",
     ("泉州", "泉州晋智云图科技有限公司", "jz-yuntu"), ("深圳", "深圳湾区星算科技有限公司", "wq-xs"),
     "NVIDIA A800 80GB", 24, "智能算力委托运维服务", "0.06", "XS-WT-{y}{n:04d}"),
    ("role_pairs", 1, "pdf", "算力购销合同.pdf", "算力服务购销合同",
     ("泉州", "泉州洛阳桥信息技术有限公司", "lyq-it"), ("中卫", "中卫沙坡头云算数据有限公司", "spt-ys"),
     "NVIDIA L40S 48GB", 40, "AI推理算力服务", "0.06", "SPT{y}-GX-{n:04d}"),
    ("role_pairs", 2, "pdf", "云计算服务协议.pdf", "云计算服务协议",
     ("泉州", "泉州海峡织造智能科技有限公司", "hx-zz"), ("贵安", "贵安数谷算力服务有限公司", "shugu-sl"),
     "", 0, "弹性云计算服务", "0.06", "SG-CS-{y}-{n:05d}"),
    # 3. sales contract drafted by the seller: 甲方 = 卖方
    ("seller_drafted", 0, "pdf", "服务器销售合同.pdf", "GPU服务器销售合同",
     ("泉州", "泉州德化瓷云智能有限公司", "dh-cy"), ("深圳", "深圳南山擎天计算机系统有限公司", "qingtian-cs"),
     "NVIDIA H800 80GB", 16, "GPU服务器及配套软件", "0.13", "QT-XS-{y}{n:04d}"),
    ("seller_drafted", 1, "pdf", "产品购销合同.pdf", "产品购销合同",
     ("泉州", "泉州石狮衣联智能科技有限公司", "sslyl"), ("杭州", "杭州滨江曜算科技有限公司", "yaosuan"),
     "华为昇腾910B", 32, "AI训练服务器", "0.13", "YS{y}{n:06d}"),
    ("seller_drafted", 2, "pdf", "算力服务销售合同.pdf", "算力服务销售合同",
     ("泉州", "泉州鲤城古韵数字科技有限公司", "gy-sz"), ("乌兰察布", "乌兰察布草原云算力科技有限公司", "cyy-sl"),
     "NVIDIA A800 80GB", 32, "智能算力服务", "0.06", "CYY-{y}-XS{n:03d}"),
    # 4. long names wrapping; a name preceded by a number / a bullet
    ("long_names", 0, "pdf", "技术服务合同.pdf", "人工智能算力技术服务合同",
     ("泉州", "泉州市丰泽区海丝数字经济与人工智能产业创新研究院有限公司", "hs-ai"),
     ("北京", "中科天枢（北京）高性能计算与人工智能算力服务有限公司", "tianshu-hpc"),
     "NVIDIA A100 40GB", 48, "人工智能算力技术服务", "0.06", "TSHPC-JF-{y}-{n:04d}"),
    ("long_names", 1, "pdf", "算力租赁合同.pdf", "算力租赁服务合同",
     ("泉州", "泉州南安光电信息与智能制造产业技术研究院有限责任公司", "na-gd"),
     ("上海", "上海临港新片区智能算力基础设施运营管理有限公司", "lg-zsyy"),
     "NVIDIA H20 96GB", 16, "算力租赁服务", "0.06", "LGZS-{y}-ZL-{n:03d}"),
    ("long_names", 2, "pdf", "采购合同.pdf", "算力服务政府采购合同",
     ("泉州", "泉州安溪铁观音数字化茶产业服务中心有限公司", "ax-tea"),
     ("杭州", "杭州滨江西兴数字经济智能计算中心运营有限公司", "xx-ic"),
     "NVIDIA A800 80GB", 8, "茶产业大模型训练算力服务", "0.06", "AXCG{y}-{n:04d}"),
    # 5. sign date only in the signature block; service period elsewhere
    ("sign_block_date", 0, "pdf", "合同.pdf", "算力服务合同",
     ("泉州", "泉州闽台智造科技有限公司", "mt-zz"), ("深圳", "深圳前湾云脑科技有限公司", "qw-yn"),
     "NVIDIA A800 80GB", 16, "GPU算力服务", "0.06", "QWYN-{y}-{n:04d}"),
    ("sign_block_date", 1, "scan", "合同扫描件.pdf", "智算服务合同",
     ("泉州", "泉州惠女智慧渔业科技有限公司", "hn-yy"), ("北京", "北京燕园智算科技有限公司", "yy-zs"),
     "NVIDIA H800 80GB", 8, "智算中心算力服务", "0.06", "YYZS-HT-{y}{n:03d}"),
    ("sign_block_date", 2, "pdf", "云服务合同.pdf", "AI云服务订购合同",
     ("泉州", "泉州清濛数联科技有限公司", "qm-sl"), ("上海", "上海浦江智能云计算有限公司", "pj-cloud"),
     "NVIDIA L40S 48GB", 24, "AI云服务", "0.06", "PJC-{y}{n:05d}"),
    # 6. total only as filled blanks / only in words / as a price table
    ("blank_amounts", 0, "pdf", "算力服务合同（盖章版）.pdf", "算力服务合同",
     ("泉州", "泉州开元数智科技有限公司", "ky-sz"), ("杭州", "杭州之江算力网络有限公司", "zj-sl"),
     "NVIDIA A800 80GB", 16, "GPU算力服务", "0.06", "ZJSL{y}-{n:04d}"),
    ("blank_amounts", 1, "pdf", "技术服务合同.pdf", "技术服务合同",
     ("泉州", "泉州承天智能装备有限公司", "ct-zb"), ("中卫", "中卫云谷算力服务有限公司", "yg-sl"),
     "NVIDIA A100 40GB", 32, "模型训练算力技术服务", "0.06", "YG-JF-{y}-{n:03d}"),
    ("blank_amounts", 2, "pdf", "算力采购合同.pdf", "算力资源采购合同",
     ("泉州", "泉州崇武海洋大数据有限公司", "cw-hy"), ("贵安", "贵安黔算智能科技有限公司", "qs-zn"),
     "NVIDIA H800 80GB", 24, "GPU算力及存储资源", "0.06", "QS-CG-{y}{n:04d}"),
    # 7. GPU configuration in a table or an appendix page
    ("gpu_config", 0, "scan", "算力服务合同扫描件.pdf", "算力服务合同",
     ("泉州", "泉州清源山智能视觉有限公司", "qys-sj"), ("北京", "北京上地云岭算力有限公司", "yl-sl"),
     "NVIDIA A800 80GB", 32, "GPU算力服务", "0.06", "YL{y}SL{n:04d}"),
    ("gpu_config", 1, "pdf", "智算服务合同.pdf", "智算服务合同",
     ("泉州", "泉州桃源数据科技有限公司", "ty-sj"), ("乌兰察布", "乌兰察布北疆算力有限公司", "bj-sl"),
     "NVIDIA H800 80GB", 64, "智能算力服务", "0.06", "BJSL-ZS-{y}-{n:03d}"),
    ("gpu_config", 2, "pdf", "算力资源服务合同.pdf", "算力资源服务合同",
     ("泉州", "泉州永春香都智能科技有限公司", "yc-xd"), ("深圳", "深圳福田鹏算科技有限公司", "ps-kj"),
     "华为昇腾910B 64GB", 64, "大模型训练及推理算力服务", "0.06", "PS-{y}-{n:05d}"),
    # 8. docx with Word tables
    ("docx_tables", 0, "docx", "算力服务合同.docx", "算力服务合同",
     ("泉州", "泉州泉港石化智能科技有限公司", "qg-sh"), ("上海", "上海漕河泾算力科技有限公司", "chj-sl"),
     "NVIDIA A800 80GB", 16, "GPU算力服务", "0.06", "CHJ-SL-{y}{n:03d}"),
    ("docx_tables", 1, "docx", "委托技术服务合同.docx", "算力委托技术服务合同",
     ("泉州", "泉州晋江鞋服数字科技有限公司", "jj-xf"), ("杭州", "杭州钱塘智算服务有限公司", "qt-zs"),
     "NVIDIA H800 80GB", 32, "智能算力技术服务", "0.06", "QTZS-WT-{y}-{n:04d}"),
    ("docx_tables", 2, "docx", "GPU租赁合同.docx", "GPU算力租赁合同",
     ("泉州", "泉州丰州文旅智能有限公司", "fz-wl"), ("中卫", "中卫星河数据中心有限公司", "xh-dc"),
     "NVIDIA RTX 4090 24GB", 48, "GPU算力租赁服务", "0.06", "XHDC{y}{n:04d}"),
]


def build_specs() -> list[Spec]:
    specs: list[Spec] = []
    for i, row in enumerate(_TABLE, 1):
        layout, variant, fmt, file, title, b, s, gmodel, gcount, content, rate, no_pat = row
        rng = random.Random(f"{SEED}-{layout}-{variant}")
        buyer = make_party(rng, *b)
        seller = make_party(rng, *s)
        sign = _date(rng)
        start = sign + dt.timedelta(days=rng.randint(3, 20))
        if rng.random() < 0.5 and start.day > 1:  # many services start on the 1st of a month
            start = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months = rng.choice([6, 10, 12])
        end = _add_months(start, months)
        total = money(rng.randrange(30, 150) * 10000 + rng.choice([0, 0, 5000, 8000, 2600]))
        specs.append(
            Spec(
                app_id=f"uc2-{i:02d}",
                layout=layout,
                variant=variant,
                fmt=fmt,
                file=file,
                title=title,
                contract_no=no_pat.format(y=sign.year, n=rng.randint(1, 999)),
                buyer=buyer,
                seller=seller,
                sign_date=sign,
                start=start,
                end=end,
                total=total,
                tax_rate=Decimal(rate),
                gpu_model=gmodel,
                gpu_count=gcount,
                service_content=content,
                extra={"rng_seed": rng.randint(0, 2**31), "months": months},
            )
        )
    for sp in specs:
        _adjust(sp)
    return specs


def _adjust(sp: Spec) -> None:
    """Layouts whose total is built from unit prices: derive the total from them."""
    rng = random.Random(f"{SEED}-{sp.app_id}-prices")
    if sp.layout == "seller_drafted" and sp.variant < 2:
        units = sp.gpu_count // 8
        unit_price = money(rng.randrange(80, 190) * 10000)
        sp.total = unit_price * units
        sp.extra["units"] = units
    if sp.layout == "blank_amounts" and sp.variant == 2:
        months = sp.extra["months"]
        items = []
        for item, spec_, unit, qty, qs in (
            ("GPU算力服务", sp.gpu_model, money(rng.randrange(40, 90) * 100), sp.gpu_count, f"{sp.gpu_count}卡"),
            ("并行文件存储", "100TB 全闪存", money(rng.randrange(60, 120) * 100), 1, "1套"),
            ("公网带宽", "200Mbps 独享", money(rng.randrange(20, 50) * 100), 1, "1条"),
        ):
            items.append((item, spec_, unit, qty, qs, months, unit * qty * months))
        sp.extra["items"] = items
        sp.total = sum((it[-1] for it in items), Decimal(0))
    if sp.layout == "docx_tables" and sp.variant == 2:
        unit = money(rng.randrange(18, 45) * 100)
        sp.extra["unit"] = unit
        sp.total = unit * sp.gpu_count * sp.extra["months"]

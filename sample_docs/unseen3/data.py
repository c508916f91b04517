"""Fictional parties and the 24 contract specifications of the third unseen set (seeded).

All names are invented from neutral word pieces; credit codes are random with a valid
GB 32100-2015 check digit (buyers registered in 泉州 3505xx, providers elsewhere); phones
start with 138, e-mails end in ``.example.com``; bank accounts are random digits.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from sample_docs.gen.common import digits, make_uscc, money

SEED = 20261207

# city -> (region code, address prefix, streets, buildings)
PLACES: dict[str, tuple[str, str, list[str], list[str]]] = {
    "泉州丰泽": ("350503", "福建省泉州市丰泽区", ["田安路", "津淮街", "宝洲路"], ["数字经济大厦", "丰泽科创园"]),
    "泉州鲤城": ("350502", "福建省泉州市鲤城区", ["新华路", "金山路"], ["江南数码港", "鲤中创意园"]),
    "泉州洛江": ("350504", "福建省泉州市洛江区", ["万安路", "河市大道"], ["洛江智谷", "双阳科技楼"]),
    "晋江": ("350582", "福建省晋江市", ["晋阳大道", "迎宾路", "青阳街"], ["三创园", "智能装备产业园"]),
    "石狮": ("350581", "福建省石狮市", ["湖滨路", "长福路"], ["石狮科创中心", "鸿山产业园"]),
    "惠安": ("350521", "福建省惠安县", ["螺城路", "建设大道"], ["惠安石雕数字港", "崇武科技楼"]),
    "成都": ("510107", "四川省成都市武侯区", ["天府大道", "益州大道"], ["天府软件园", "芯谷大厦"]),
    "合肥": ("340104", "安徽省合肥市蜀山区", ["望江西路", "创新大道"], ["科学岛数智中心", "中安创谷"]),
    "武汉": ("420111", "湖北省武汉市洪山区", ["光谷大道", "关山大道"], ["光谷软件园", "未来科技城"]),
    "庆阳": ("621002", "甘肃省庆阳市西峰区", ["安定西路", "南大街"], ["东数西算产业园", "数据中心集群"]),
    "韶关": ("440203", "广东省韶关市武江区", ["沿江路", "工业西路"], ["韶关数据中心集群", "算力产业园"]),
    "厦门": ("350203", "福建省厦门市思明区", ["软件园二期观日路", "湖滨北路"], ["信息大厦", "软件园"]),
    "南京": ("320114", "江苏省南京市雨花台区", ["软件大道", "凤集大道"], ["云密城", "雨花软件谷"]),
    "福州": ("350102", "福建省福州市鼓楼区", ["软件大道", "铜盘路"], ["福州软件园", "数字福建产业园"]),
}

_BANKS = ["中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行", "兴业银行", "浦发银行", "民生银行"]
_SURNAMES = "陈林黄吴王张李刘郑蔡洪许苏庄周杨曾谢"
_GIVEN = ["泽鸿", "静怡", "家豪", "秀英", "俊杰", "淑贞", "天佑", "美玲", "志强", "碧霞", "清河", "宏图", "嘉欣", "永安"]


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
    city: str


@dataclass
class Spec:
    """One contract: who, what, when, how much, and how it is printed."""

    app_id: str
    layout: str
    variant: int
    fmt: str  # "pdf" | "docx" | "scan" (image-only PDF) | "photo" (JPG)
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
    seed: int = 0
    months: int = 12
    extra: dict = field(default_factory=dict)

    @property
    def excl(self) -> Decimal:
        return money(self.total / (1 + self.tax_rate))

    @property
    def tax(self) -> Decimal:
        return self.total - self.excl


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def make_party(rng: random.Random, city: str, name: str, host: str) -> Party:
    region, prefix, streets, buildings = PLACES[city]
    short = city[:2]
    return Party(
        name=name,
        code=make_uscc(rng, region),
        address=f"{prefix}{rng.choice(streets)}{rng.randint(6, 1999)}号{rng.choice(buildings)}{rng.randint(2, 26)}楼",
        legal_rep=_person(rng),
        phone="138" + digits(rng, 8, first_nonzero=False),
        bank=f"{rng.choice(_BANKS)}{short}{rng.choice(['分行', '软件园支行', '高新区支行', '城南支行'])}",
        account=digits(rng, rng.choice([15, 18, 19])),
        contact=_person(rng),
        email=f"{rng.choice(['hetong', 'sales', 'finance', 'bd'])}@{host}.example.com",
        city=city,
    )


def add_months(d: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months starting on ``d``."""
    y, m = divmod(d.month - 1 + months, 12)
    nxt = dt.date(d.year + y, m + 1, min(d.day, 28))
    return nxt - dt.timedelta(days=1)


# layout, variant, fmt, file, title, buyer (city, name, host), seller (city, name, host),
# gpu model, gpu count, service content, tax rate, contract-no pattern ("" = none printed)
_TABLE: list[tuple] = [
    # 1. parties and sign date only in the preamble sentence
    ("preamble_parties", 0, "pdf", "智算中心机时合同.pdf", "智算中心机时服务合同",
     ("泉州丰泽", "泉州田安数智科技有限公司", "tianan-sz"), ("合肥", "合肥巢湖智算中心运营有限公司", "chaohu-zs"),
     "NVIDIA H100 80GB", 16, "智算中心机时服务", "0.06", "CHZS-JS-{y}-{n:03d}"),
    ("preamble_parties", 1, "pdf", "算力服务合同（签章版）.pdf", "算力服务合同",
     ("晋江", "晋江青阳智衣科技有限公司", "qy-zy"), ("成都", "成都天府锦算科技有限公司", "jinsuan"),
     "NVIDIA A800 80GB", 24, "算力服务", "0.06", ""),
    ("preamble_parties", 2, "pdf", "合同正文.pdf", "模型训练算力服务合同",
     ("泉州鲤城", "泉州金山视界智能有限公司", "jsshijie"), ("武汉", "武汉光谷衡算科技有限公司", "hengsuan"),
     "华为昇腾910B", 32, "模型训练服务", "0.06", ""),
    # 2. header table 合同编号/签订日期/签订地点; full party blocks; price tables
    ("header_grid", 0, "pdf", "GPU云主机采购合同.pdf", "GPU云主机租用采购合同",
     ("泉州洛江", "泉州万安云图信息技术有限公司", "wanan-yt"), ("南京", "南京雨花云擎计算有限公司", "yunqing"),
     "NVIDIA A800 80GB", 16, "GPU云主机租用服务", "0.06", "YQJS-CG-{y}{n:04d}"),
    ("header_grid", 1, "pdf", "云算力租赁合同.pdf", "GPU云算力租赁合同",
     ("石狮", "石狮湖滨智造科技有限公司", "hubin-zz"), ("韶关", "韶关丹霞算力科技有限公司", "danxia"),
     "NVIDIA L20 48GB", 32, "GPU云算力租赁", "0.06", "DX{y}-ZL-{n:03d}"),
    ("header_grid", 2, "pdf", "合同-GPU云服务.pdf", "GPU云服务合同",
     ("惠安", "惠安螺城数据科技有限公司", "luocheng"), ("厦门", "厦门观日云计算有限公司", "guanri"),
     "NVIDIA H20 96GB", 24, "GPU云服务", "0.06", "GR-YF-{y}-{n:04d}"),
    # 3. IDC hosting; tax-inclusive total beside 不含税金额 and 税额
    ("tax_summary", 0, "pdf", "IDC托管合同.pdf", "IDC机柜托管服务合同",
     ("泉州丰泽", "泉州宝洲智联网络有限公司", "baozhou"), ("福州", "福州铜盘数据港有限公司", "tongpan"),
     "", 0, "IDC机柜托管服务", "0.06", "TPSJ-TG-{y}{n:03d}"),
    ("tax_summary", 1, "pdf", "数据中心托管协议.pdf", "数据中心托管服务协议",
     ("晋江", "晋江迎宾智能装备有限公司", "yingbin"), ("庆阳", "庆阳陇东数据中心有限公司", "longdong"),
     "", 0, "IDC托管服务", "0.06", "LD-IDC-{y}-{n:04d}"),
    ("tax_summary", 2, "pdf", "托管运维合同.pdf", "GPU服务器托管及运维服务合同",
     ("泉州鲤城", "泉州江南数码科技有限公司", "jiangnan-sm"), ("韶关", "韶关曲江云港数据有限公司", "qujiang"),
     "NVIDIA A800 80GB", 32, "GPU服务器IDC托管及运维服务", "0.06", "QJYG{y}{n:04d}"),
    # 4. photo of a one-page contract; total in 万元; 预付/尾款
    ("wan_photo", 0, "photo", "合同照片.jpg", "算力服务合同",
     ("泉州洛江", "泉州双阳智能制造有限公司", "shuangyang"), ("成都", "成都益州算力科技有限公司", "yizhou"),
     "NVIDIA A800 80GB", 16, "算力服务", "0.06", "YZSL-{y}-{n:03d}"),
    ("wan_photo", 1, "photo", "IMG_20240318_101522.jpg", "智能算力服务合同",
     ("石狮", "石狮长福数字科技有限公司", "changfu"), ("庆阳", "庆阳西峰东数算力有限公司", "dongshu"),
     "NVIDIA H800 80GB", 32, "智能算力服务", "0.06", "DSSL{y}{n:04d}"),
    ("wan_photo", 2, "photo", "合同拍照.jpg", "算力资源使用合同",
     ("惠安", "惠安崇武海韵智能科技有限公司", "haiyun"), ("合肥", "合肥中安智算科技有限公司", "zhongan"),
     "NVIDIA L40S 48GB", 24, "算力资源使用服务", "0.06", ""),
    # 5. scanned; model training; config table; payment schedule; spaced date under the seals
    ("schedule_scan", 0, "scan", "模型训练服务合同扫描件.pdf", "模型训练服务合同",
     ("泉州丰泽", "泉州津淮语言智能科技有限公司", "jinhuai"), ("南京", "南京凤集智训科技有限公司", "fengji"),
     "NVIDIA H800 80GB", 32, "大模型训练服务", "0.06", "FJZX-{y}-WT{n:03d}"),
    ("schedule_scan", 1, "scan", "扫描件-委托训练合同.pdf", "模型训练委托服务合同",
     ("晋江", "晋江三创视觉技术有限公司", "sanchuang"), ("武汉", "武汉关山智能计算有限公司", "guanshan"),
     "NVIDIA A100 80GB", 16, "视觉模型训练服务", "0.06", "GSZN{y}{n:04d}"),
    ("schedule_scan", 2, "scan", "委托服务合同.pdf", "算力委托服务合同",
     ("泉州鲤城", "泉州新华智慧文旅有限公司", "xinhua-wl"), ("厦门", "厦门湖滨北智算有限公司", "hbb-zs"),
     "华为昇腾910B 64GB", 64, "行业大模型训练服务", "0.06", ""),
    # 6. scanned; 采购人/供应商; total only in 大写; configuration on an appendix page
    ("appendix_scan", 0, "scan", "算力采购合同扫描件.pdf", "算力服务采购合同",
     ("泉州丰泽", "泉州宝洲港湾数据有限公司", "gangwan"), ("成都", "成都芯谷算力服务有限公司", "xingu"),
     "NVIDIA H800 80GB", 64, "算力服务", "0.06", "XG-CG-{y}-{n:04d}"),
    ("appendix_scan", 1, "scan", "采购合同（扫描）.pdf", "智算资源采购合同",
     ("石狮", "石狮鸿山智能纺织有限公司", "hongshan"), ("庆阳", "庆阳安定智算有限公司", "anding"),
     "NVIDIA A800 80GB", 64, "智算资源服务", "0.06", "ADZS{y}-{n:03d}"),
    ("appendix_scan", 2, "scan", "合同.pdf", "算力租用采购合同",
     ("惠安", "惠安建设数码科技有限公司", "jianshe"), ("南京", "南京云密城算力网络有限公司", "yunmi"),
     "NVIDIA L20 48GB", 48, "GPU算力租用服务", "0.06", "YMC-{y}-{n:04d}"),
    # 7. Word order form: header table, key/value party table, price/tax/instalment tables
    ("order_docx", 0, "docx", "算力服务订购合同.docx", "算力服务订购合同",
     ("泉州洛江", "泉州河市智能科技有限公司", "heshi"), ("福州", "福州软件园智算有限公司", "rjy-zs"),
     "NVIDIA A800 80GB", 16, "智能算力服务", "0.06", "RJYZS-DG-{y}{n:03d}"),
    ("order_docx", 1, "docx", "模型训练委托合同.docx", "模型训练委托合同",
     ("晋江", "晋江安平智联科技有限公司", "anping"), ("合肥", "合肥望江智训科技有限公司", "wangjiang"),
     "NVIDIA H800 80GB", 24, "模型训练服务", "0.06", "WJZX-{y}-{n:04d}"),
    ("order_docx", 2, "docx", "GPU云服务合同.docx", "GPU云服务采购合同",
     ("泉州丰泽", "泉州东湖数字创意有限公司", "donghu"), ("武汉", "武汉未来城云算科技有限公司", "weilai"),
     "NVIDIA L40S 48GB", 32, "GPU云服务", "0.06", "WLYS{y}{n:05d}"),
    # 8. two text columns on landscape pages; the buyer is 乙方
    ("two_column", 0, "pdf", "GPU服务器租赁协议.pdf", "GPU服务器租赁协议",
     ("泉州鲤城", "泉州金山算联科技有限公司", "suanlian"), ("韶关", "韶关武江智算中心有限公司", "wujiang"),
     "NVIDIA A800 80GB", 32, "GPU服务器租赁服务", "0.06", "WJZS-ZL-{y}-{n:03d}"),
    ("two_column", 1, "pdf", "云算力服务协议.pdf", "云算力服务协议",
     ("石狮", "石狮宝岛智能科技有限公司", "baodao"), ("福州", "福州鼓楼云算有限公司", "gulou"),
     "NVIDIA H20 96GB", 16, "GPU云算力服务", "0.06", "GLYS{y}{n:04d}"),
    ("two_column", 2, "pdf", "算力服务协议书.pdf", "算力服务协议书",
     ("惠安", "惠安螺阳数字工坊有限公司", "luoyang"), ("南京", "南京软件谷智算有限公司", "rjg-zs"),
     "华为昇腾910B", 48, "算力服务", "0.06", ""),
]


def build_specs() -> list[Spec]:
    specs: list[Spec] = []
    for i, row in enumerate(_TABLE, 1):
        layout, variant, fmt, file, title, b, s, gmodel, gcount, content, rate, no_pat = row
        rng = random.Random(f"{SEED}-{layout}-{variant}")
        buyer = make_party(rng, *b)
        seller = make_party(rng, *s)
        sign = dt.date(2024, rng.randint(1, 10), rng.randint(1, 28))
        start = sign + dt.timedelta(days=rng.randint(4, 25))
        if rng.random() < 0.5:
            start = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months = rng.choice([6, 9, 12])
        # totals in whole hundreds, so that 万元 prints them exactly (36.82万元)
        total = money(rng.randrange(28, 160) * 10000 + rng.choice([0, 0, 5000, 8000, 6200, 1400]))
        spec = Spec(
            app_id=f"uc3-{i:02d}",
            layout=layout,
            variant=variant,
            fmt=fmt,
            file=file,
            title=title,
            contract_no=no_pat.format(y=sign.year, n=rng.randint(1, 999)) if no_pat else "",
            buyer=buyer,
            seller=seller,
            sign_date=sign,
            start=start,
            end=add_months(start, months),
            total=total,
            tax_rate=Decimal(rate),
            gpu_model=gmodel,
            gpu_count=gcount,
            service_content=content,
            seed=rng.randint(0, 2**31),
            months=months,
        )
        _prices(spec, random.Random(f"{SEED}-{spec.app_id}-prices"))
        specs.append(spec)
    return specs


def _prices(sp: Spec, rng: random.Random) -> None:
    """Layouts whose total is built from a price table: derive the total from the rows."""
    if sp.layout == "header_grid" or (sp.layout == "order_docx" and sp.variant == 0):
        nodes = sp.gpu_count // 8
        node_months = nodes * sp.months
        rows = [
            (f"GPU云主机（{sp.gpu_model}×8）", "台·月", money(rng.randrange(280, 520) * 100), node_months),
            ("高性能并行存储", "TB·月", money(rng.randrange(6, 15) * 100), 50 * sp.months),
            ("BGP公网带宽（100Mbps）", "条·月", money(rng.randrange(30, 80) * 100), sp.months),
        ]
        sp.extra["rows"] = [(name, unit, price, qty, price * qty) for name, unit, price, qty in rows]
        sp.total = sum((r[-1] for r in sp.extra["rows"]), Decimal(0))
    if sp.layout == "tax_summary":
        racks = rng.choice([4, 6, 8, 10])
        per = money(rng.randrange(60, 120) * 100)
        sp.extra["racks"] = racks
        sp.extra["rack_price"] = per
        sp.total = per * racks * sp.months

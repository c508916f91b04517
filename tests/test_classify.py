"""Page classification and splitting into logical documents (content only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.classify import classify_page, classify_pages
from models.page import Line, Page

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


def _page(number: int, title: str | None, body: list[str], *, ocr: bool = False) -> Page:
    lines = []
    y = 30.0
    if title:
        lines.append(
            Line(text=title, bbox=(150, y, 150 + 18 * len(title), y + 18), method="ocr" if ocr else "text")
        )
        y += 40
    for t in body:
        y += 14
        lines.append(Line(text=t, bbox=(40, y, 40 + 10 * len(t), y + 10), method="ocr" if ocr else "text"))
    return Page(number=number, width=595, height=842, method="ocr" if ocr else "text", lines=lines)


PAGES = {
    "application_form": (
        "福建省省级人工智能产业发展项目申报表",
        ["单位名称：泉州智算科技有限公司", "申报方向：算力服务补助", "项目介绍：……", "联系人：张三"],
    ),
    "business_license": (
        "营业执照",
        [
            "统一社会信用代码 91350503MA2Y3K6W8B",
            "法定代表人 张三",
            "注册资本 叁拾陆万元",
            "成立日期 2020年3月1日",
            "登记机关",
        ],
    ),
    "contract": (
        "算力服务合同",
        [
            "合同编号：QZ-2023-001",
            "甲方：泉州智算科技有限公司",
            "乙方：北京算力云科技有限公司",
            "双方经友好协商签订本合同",
        ],
    ),
    "invoice": (
        "电子发票（增值税专用发票）",
        [
            "发票号码：24112000000048542163",
            "开票日期：2024年05月28日",
            "购买方信息 名称：甲",
            "价税合计（大写）",
        ],
    ),
    "payment_voucher": (
        "中国工商银行网上银行电子回单",
        [
            "付款人 户名 泉州智算科技有限公司",
            "收款人 户名 北京算力云科技有限公司",
            "交易流水号 123456",
            "用途 服务费",
        ],
    ),
    "audit_report": (
        "审计报告",
        [
            "致同会计师事务所（特殊普通合伙）",
            "一、审计意见",
            "我们审计了泉州智算科技有限公司财务报表",
            "注册会计师：",
        ],
    ),
    "patent_certificate": (
        "发明专利证书",
        [
            "发明名称：一种算力调度方法",
            "专利号：ZL 2021 1 0000000.0",
            "专利权人：泉州智算科技有限公司",
            "授权公告日",
        ],
    ),
    "award_certificate": (
        "荣誉证书",
        ["泉州智算科技有限公司：", "荣获2023年度优秀人工智能企业一等奖", "特发此证"],
    ),
    "integrity_pledge": (
        "信用承诺书",
        ["本单位郑重承诺：", "无涉黑涉恶、失信被执行等不良记录", "如有虚假，愿承担法律责任"],
    ),
    "test_report": (
        "检验检测报告",
        ["委托单位：泉州智算科技有限公司", "样品名称：AI服务器", "检验结论：合格", "CMA"],
    ),
    "team_material": (
        "研发团队人员名单",
        ["姓名 学历 职称 岗位", "张三 博士 高级工程师 算法负责人", "毕业院校：厦门大学"],
    ),
}


@pytest.mark.parametrize("doc_type", sorted(PAGES))
def test_every_doc_type(doc_type):
    title, body = PAGES[doc_type]
    pc = classify_page(_page(1, title, body))
    assert pc.doc_type == doc_type, (pc.scores, pc.hits)
    segs = classify_pages([_page(1, title, body)])
    assert [(s.doc_type, s.pages) for s in segs] == [(doc_type, [1])]
    assert segs[0].title and segs[0].confidence > 0.5


def test_no_signal_is_other():
    segs = classify_pages([_page(1, None, ["今天天气很好", "一二三四五"])])
    assert segs[0].doc_type == "other"
    assert segs[0].confidence < 0.5


def test_ocr_title_with_a_wrong_glyph():
    # OCR misread 执 as 孰 in the title: still a licence through fuzzy title match + labels
    body = PAGES["business_license"][1]
    pc = classify_page(_page(1, "营业孰照", body, ocr=True))
    assert pc.doc_type == "business_license"
    assert pc.title_type == "business_license" and pc.title == "营业孰照"
    # exact matching only on text layers: the misread title is no title there
    assert classify_page(_page(1, "营业孰照", body)).title_type is None


def test_three_invoices_in_one_pdf_split():
    pages = []
    for i, num in enumerate(
        ["24112000000048542163", "24112000000048542164", "24112000000048542165"], start=1
    ):
        pages.append(
            _page(
                i,
                "电子发票（普通发票）",
                [f"发票号码：{num}", "开票日期：2024年05月28日", "价税合计（小写）¥100.00"],
            )
        )
    segs = classify_pages(pages)
    assert [(s.doc_type, s.pages) for s in segs] == [("invoice", [1]), ("invoice", [2]), ("invoice", [3])]


def test_invoice_with_sales_list_continuation():
    pages = [
        _page(
            1,
            "增值税电子普通发票",
            ["发票代码：033002000211", "发票号码：83089647", "价税合计（大写）", "(详见销货清单)"],
        ),
        _page(2, "销售货物或者提供应税劳务、服务清单", ["购买方名称：甲", "销售方名称：乙", "小计 100.00"]),
        _page(3, "销售货物或者提供应税劳务、服务清单", ["总计 200.00"]),
    ]
    segs = classify_pages(pages)
    assert [(s.doc_type, s.pages) for s in segs] == [("invoice", [1, 2, 3])]


def test_contract_then_two_receipts():
    title, body = PAGES["contract"]
    receipt_title, receipt_body = PAGES["payment_voucher"]
    pages = [
        _page(1, title, body),
        _page(2, None, ["第三条 付款方式：乙方开具增值税专用发票后，甲方支付合同价款", "第四条 违约责任"]),
        _page(3, None, ["甲方（盖章）：", "乙方（盖章）：", "签订日期：2023年3月1日"]),
        _page(4, receipt_title, receipt_body),
        _page(5, receipt_title, [*receipt_body[:2], "交易流水号 654321"]),
    ]
    segs = classify_pages(pages)
    assert [(s.doc_type, s.pages) for s in segs] == [
        ("contract", [1, 2, 3]),
        ("payment_voucher", [4]),
        ("payment_voucher", [5]),
    ]
    assert segs[0].title == "算力服务合同"


def test_audit_report_statements_stay_together():
    pages = [
        _page(1, "审计报告", PAGES["audit_report"][1]),
        _page(2, "资产负债表", ["资产总计 1,000,000.00", "负债合计 200,000.00", "期末余额 年初余额"]),
        _page(3, "利润表", ["营业收入 800,000.00", "净利润 100,000.00", "本期金额 上期金额"]),
        _page(4, None, ["财务报表附注", "一、公司基本情况"]),
    ]
    segs = classify_pages(pages)
    assert [(s.doc_type, s.pages) for s in segs] == [("audit_report", [1, 2, 3, 4])]


def test_leading_page_without_signal():
    # a signal-less first page stays apart from a titled document that follows ...
    segs = classify_pages([_page(1, None, ["（空白页）"]), _page(2, *PAGES["contract"])])
    assert [(s.doc_type, s.pages) for s in segs] == [("other", [1]), ("contract", [2])]
    # ... but takes the type of untitled pages with signals that continue it
    body = ["甲方：泉州智算科技有限公司", "乙方：北京算力云科技有限公司", "本合同自双方签字盖章之日起生效"]
    segs = classify_pages([_page(1, None, ["（空白页）"]), _page(2, None, body)])
    assert [(s.doc_type, s.pages) for s in segs] == [("contract", [1, 2])]


def test_empty():
    assert classify_pages([]) == []


def test_real_text_invoice_pdf():
    from extractor.read import read_path

    path = REALDOCS / "invoices" / "inv10_pdf_shudian-zhuanpiao_chips_35559.69.pdf"
    if not path.is_file():
        pytest.skip(f"realdocs file absent: {path}")
    segs = classify_pages(read_path(path).pages)
    assert [(s.doc_type, s.pages) for s in segs] == [("invoice", [1])]
    assert segs[0].title == "电子发票(增值税专用发票)"


def test_ocr_noisy_contract_is_a_contract_not_an_invoice():
    # OCR garbles the title (协议→协仪), a label (编号→编亏) and a party label (委托方→委托万);
    # the prose quotes 增值税发票 and prints a taxpayer id, which must not make it an invoice
    body = [
        "协议编亏：LGSL-2023-0388",
        "委托万：泉州海丝智能科技有限公司",
        "纳税人识别号：91350582MA7CQNRTXP",
        "受托方：上海临港算力网络有限公司",
        "鉴于委托方从事大模型研发，需要租用高性能GPU服务器资源；受托方具备提供人工智能算",
        "力服务的能力。双方本着平等互利的原则，订立本协议。",
        "协议价款合计贰拾伍万元整（¥250000.00），已含6%增值税。",
        "受托方应在收到款项后开具合法有效的增值税发票。",
    ]
    p1 = _page(1, "GPU算力服务协仪", body, ocr=True)
    pc = classify_page(p1)
    assert pc.doc_type == "contract", pc.scores
    assert pc.scores["invoice"] < 4
    p2 = _page(2, None, ["委托方（盖章）：泉州海丝智能科技有限公司", "签订日期：2023年4月3日"], ocr=True)
    segs = classify_pages([p1, p2])
    assert [(s.doc_type, s.pages) for s in segs] == [("contract", [1, 2])]


def test_invoice_title_on_a_heading_line_outside_the_title_zone_still_counts():
    # a receipt-sized invoice image: the title sits low on the page, as its own line
    lines = [Line(text="发票号码：24352000000012345678", bbox=(300, 600, 560, 612))]
    lines.append(Line(text="电子发票（普通发票）", bbox=(200, 300, 400, 320)))
    lines.append(Line(text="价税合计（大写）叁拾陆万圆整", bbox=(40, 700, 400, 712)))
    p = Page(number=1, width=595, height=842, lines=lines)
    assert classify_page(p).doc_type == "invoice"


def _prose(number: int, rows: list[tuple[str, float, float, float]]) -> Page:
    """A scanned prose page: (text, x0, x1, y) per line."""
    lines = [Line(text=t, bbox=(x0, y, x1, y + 18), method="ocr") for t, x0, x1, y in rows]
    return Page(number=number, width=595, height=842, method="ocr", lines=lines)


CONTRACT_P1 = _prose(
    1,
    [
        ("合作协议书", 250, 330, 71),
        ("甲方：黑河龙江化工有限公司", 93, 299, 133),
        ("乙方：黑河鲨鱼科技有限公司", 93, 299, 258),
        ("经平等友好协商，在平等、自愿、互利互惠的基础上，甲乙", 88, 504, 700),
        ("5、乙方以产品技术以及出资现金人民币一亿五千万元入", 89, 503, 756),
    ],
)
# the parties described in prose: licence words (法定代表人, 注册资金, 经营范围, 住所 …)
DESCRIBES_PARTIES = [
    ("股，占总股份50%。", 128, 261, 72),
    ("黑河龙江化工有限公司是经黑龙江省黑河市场监督管", 125, 505, 272),
    ("理局依法注册登记成立的一家有限责任公司，企业法人营业", 93, 505, 304),
    ("执照注册号：9123110067293835X6。住所：黑龙江省黑河市", 93, 505, 336),
    ("合作区西南工业区，法定代表人：周某，注册资金：贰亿", 93, 505, 368),
    ("陆仟伍佰万元整，经营范围：电石、醋酸乙烯及聚乙烯醇产", 93, 505, 398),
    ("品的生产加工与经营。营业期限：长期，登记机关：黑河市", 93, 505, 430),
]


def test_a_page_whose_prose_runs_on_stays_in_its_document_whatever_labels_it_mentions() -> None:
    segs = classify_pages([CONTRACT_P1, _prose(2, DESCRIBES_PARTIES)])
    assert [(s.doc_type, s.pages) for s in segs] == [("contract", [1, 2])]
    # the same page after a sentence that ends: its labels may start a new document
    ended = CONTRACT_P1.model_copy(
        update={
            "lines": [*CONTRACT_P1.lines[:-1], CONTRACT_P1.lines[-1].model_copy(update={"text": "入股。"})]
        }
    )
    segs = classify_pages([ended, _prose(2, DESCRIBES_PARTIES)])
    assert [s.doc_type for s in segs] == ["contract", "business_license"]


def test_fiscal_receipt_is_no_invoice():
    """A 中央非税收入统一票据 carries 票据号码, 开票日期, 校验码 and a payee like an invoice; its
    title says it is none (a government fee receipt is no evidence of a purchase)."""
    body = ["票据代码:00010126", "票据号码:0010925600", "校验码:b05e2a", "开票日期:2026-06-09",
            "交款人统一社会信用代码:91350200MA33QRGN04", "收款人:", "金额合计（大写）玖拾元整", "（小写）90.00"]  # fmt: skip
    assert classify_pages([_page(1, "中央非税收入统一票据（电子）", body)])[0].doc_type == "other"
    # the same labels under an invoice's title stay an invoice
    title = "电子发票（普通发票）"
    assert (
        classify_pages([_page(1, title, [*body, "发票号码:24332000000012345678"])])[0].doc_type == "invoice"
    )


def test_audit_opinion_letters_of_three_years_in_one_file_are_three_reports():
    """A bid file's scanned audit letters (real numbering): each starts with 审计报告 and its own
    report number; a page without a number, or repeating the same number, continues."""

    def letter(n: int, no: str) -> list[Page]:
        return [
            _page(
                n,
                "审计报告",
                [f"鲁华飞会审字[{no[:4]}]第{no[4:]}号", "科远智能科技股份有限公司全体股东：", "一、审计意见"],
            ),
            _page(
                n + 1,
                None,
                ["二、形成审计意见的基础", "我们按照中国注册会计师审计准则的规定执行了审计工作。"],
            ),
            _page(
                n + 2,
                None,
                ["中国注册会计师：", "山东华飞会计师事务所（普通合伙）", "二〇二四年三月二十八日"],
            ),
        ]

    pages = letter(1, "2024A1024") + letter(4, "2025A1010") + letter(7, "2026A1010")
    segs = classify_pages(pages)
    assert [(s.doc_type, s.pages) for s in segs] == [
        ("audit_report", [1, 2, 3]),
        ("audit_report", [4, 5, 6]),
        ("audit_report", [7, 8, 9]),
    ]
    same = letter(1, "2024A1024") + letter(4, "2024A1024")
    assert len(classify_pages(same)) == 1


def test_cover_page_with_its_title_in_the_middle_is_a_contract():
    """A contract's scanned cover (real geometry, rx-001): 协议编号 at the top, the two parties
    joined by 与 and 之, and the title 「…产品服务合作协议」 at mid-page, below the top 30 %. A
    page of a handful of lines is a cover: its whole page is its title zone."""
    rows = [
        ("协议编号：[Bx202430m3]", 206, 93, 122, 20),
        ("中信百信银行股份有限公司", 123, 135, 287, 29),
        ("与", 249, 203, 32, 33),
        ("[智慧足迹数据科技有限公司]", 113, 274, 305, 29),
        ("之", 247, 339, 35, 30),
        ("[大数据]产品服务合作协议", 124, 374, 281, 30),
    ]
    lines = [Line(text=t, bbox=(x, y, x + w, y + h), confidence=0.95, method="ocr") for t, x, y, w, h in rows]
    page = Page(number=1, width=534, height=756, unit="px", method="ocr", lines=lines)
    assert classify_page(page).doc_type == "contract"


def test_an_invoice_whose_title_and_labels_ocr_lost_is_told_by_its_cipher_block():
    """A tiny photo of a 2018 toll e-invoice (realcorpus wc-002): OCR lost the title and read
    发票代码 as 「光代」, 价税合计 as 「价航合计」; its 密码区 rows of digits and + - * / < >
    still say invoice. A receipt's masked account (stars only) says nothing of the kind."""
    body = ["光代：012001700112", "号码：06071016", "开：2018年03月20日", "0338+49/*<-8/<7-*10075->1320",
            "552>8>804>06723>5+22/2+/6*54", "开户行及账号：中国工商银行莱山支行", "价航合计（大有）", "(小写)￥13.34"]  # fmt: skip
    assert classify_pages([_page(1, None, body, ocr=True)])[0].doc_type == "invoice"
    without = [t for t in body if not t[0].isdigit()]
    assert classify_pages([_page(1, None, without, ocr=True)])[0].doc_type != "invoice"
    receipt = [
        "付款人账号 6217-0000-****-****-1234",
        "收款人 泉州智算科技有限公司",
        "交易流水号 2024030100012",
    ]
    assert classify_pages([_page(1, "电子回单", receipt)])[0].doc_type == "payment_voucher"
    assert classify_page(_page(1, None, ["账号 6217-0000-****-****-1234-5678"])).scores["invoice"] == 0


def test_an_accounting_firms_licence_is_a_licence_though_its_scope_names_audit_reports():
    """realcorpus va-010: OCR lost 营业执照; the scope of a 会计师事务所 names 审计报告 and
    验资报告, which outweighed the licence's labels. The form's imprint (…总局监制) and the
    注册号 say licence; an audit report without them stays one."""
    body = ["注册号 530103100135670", "名称云南天远会计师事务所（普通合伙）", "类型普通合伙企业",
            "成立日期2012年11月23日", "合伙期限2012年11月15日至2022年11月15日",
            "经营范围审查企业会计报表、出具审计报告验证企业资本、出具验资报告", "登记机关",
            "中华人民共和国国家工商行政管理总局监制"]  # fmt: skip
    assert classify_pages([_page(1, None, body, ocr=True)])[0].doc_type == "business_license"
    report = ["审计报告", "云南天远会计师事务所（普通合伙）", "我们审计了泉州智算科技有限公司财务报表",
              "出具审计报告", "成立日期2012年11月23日"]  # fmt: skip
    assert classify_pages([_page(1, None, report, ocr=True)])[0].doc_type == "audit_report"

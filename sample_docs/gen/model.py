"""Plain data objects the document generators draw from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Company:
    name: str
    credit_code: str
    address: str
    legal_rep: str
    phone: str
    bank: str  # 开户行
    account: str
    company_type: str = "有限责任公司(自然人投资或控股)"
    registered_capital: Decimal = Decimal("10000000")
    established: dt.date = dt.date(2018, 5, 16)
    term_end: dt.date = dt.date(2048, 5, 15)
    scope: str = ""
    authority: str = "泉州市丰泽区市场监督管理局"
    invoice_region: str = "福建"  # which tax bureau prints its legacy e-invoices
    contact: str = ""
    contact_phone: str = ""
    email: str = ""


@dataclass
class InvoiceData:
    number: str
    issue_date: dt.date
    buyer: Company
    seller: Company
    item: str
    spec: str
    unit: str
    quantity: int
    total: Decimal  # 价税合计
    rate: Decimal = Decimal("0.06")
    code: str = ""  # legacy invoices only
    check_code: str = ""
    machine_no: str = ""
    remark: str = ""
    drawer: str = "陈晓雯"
    # additions for the unseen layouts and seeded defects (defaults keep the original output)
    normal: bool = False  # 电子发票（普通发票） instead of the special invoice
    red_of: str = ""  # red-letter (负数) invoice cancelling this invoice number
    printed_amount: Decimal | None = None  # a wrongly printed 金额 (arithmetic defect)
    printed_words: str = ""  # a wrongly printed 价税合计（大写） (words defect)

    @property
    def amount(self) -> Decimal:
        return (self.total / (1 + self.rate)).quantize(Decimal("0.01"))

    @property
    def tax(self) -> Decimal:
        return self.total - self.amount

    @property
    def shown_amount(self) -> Decimal:
        """金额 as printed (differs from ``amount`` only on a seeded arithmetic defect)."""
        return self.amount if self.printed_amount is None else self.printed_amount


@dataclass
class ContractData:
    number: str
    title: str
    buyer: Company
    seller: Company
    sign_date: dt.date
    start: dt.date
    end: dt.date
    total: Decimal
    rate: Decimal = Decimal("0.06")
    gpu_model: str = ""
    gpu_count: int = 0
    card_hours: int = 0
    product: str = ""  # 产品类型 / goods sold
    content: str = ""  # service_content
    installments: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class ReceiptData:
    payer: Company
    payee: Company
    amount: Decimal
    date: dt.date
    purpose: str
    serial: str
    voucher_no: str = ""


@dataclass
class AuditData:
    entity: Company
    firm: str
    firm_address: str
    report_no: str
    report_date: dt.date
    revenue: Decimal
    net_profit: Decimal
    rd_expense: Decimal
    total_assets: Decimal
    cpas: tuple[str, str] = ("林志远", "黄雅琴")
    fiscal_year: int = 2023
    firm_code: str = ""  # 报告编码 / 防伪编码 (unseen layouts)

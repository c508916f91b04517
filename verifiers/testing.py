"""Factories of applications built in code, for tests of the rules and of the pipeline.

Suppliers' names and credit codes are real ones from the public documents listed in
``/work/shared/realdocs/MANIFEST.tsv`` (e.g. 北京互联三六五科技有限公司 91110108690017781B, the
seller of the IT-service 数电票 inv01); the applicants are fictional 泉州 companies whose codes
carry a valid GB 32100-2015 check character.

>>> app = compute_app()
>>> [d.doc_type for d in app.documents][:3]
['application_form', 'business_license', 'audit_report']
"""

from __future__ import annotations

import copy
import datetime as _dt
from decimal import Decimal
from typing import Any

from extractor.normalize.money import amount_in_words, round_money
from models.contract import ApplicationResult, Document, FieldValue

D = Decimal
day = _dt.date

APPLICANT = "泉州智算科技有限公司"
APPLICANT_CODE = "91350503MA2Y3K6W8N"  # 350503 = 泉州市丰泽区
APPLICANT_ADDRESS = "福建省泉州市丰泽区东海街道通港西街156号"
OTHER_APPLICANT = "晋江云图智能科技有限公司"
OTHER_APPLICANT_CODE = "91350582MA31PQ2X4C"  # 350582 = 晋江市
SUPPLIER = "北京互联三六五科技有限公司"  # realdocs inv01 seller
SUPPLIER_CODE = "91110108690017781B"
SUPPLIER2 = "上海浪潮云计算服务有限公司"  # realdocs inv04 buyer
SUPPLIER2_CODE = "91310108342080987A"
STRANGER = "海南麒麟云服科技有限公司"  # realdocs inv01 buyer
STRANGER_CODE = "91460300MAA92DJN95"


def fv(value: Any, page: int = 1, confidence: float = 0.99, bbox: list[float] | None = None) -> FieldValue:
    return FieldValue(value=value, page=page, bbox=bbox or [72.0, 100.0, 300.0, 118.0], confidence=confidence)


def doc(doc_type: str, file: str, fields: dict[str, Any], **kw: Any) -> Document:
    """A document whose plain field values are wrapped into FieldValues (FieldValues kept)."""
    wrapped = {k: v if isinstance(v, FieldValue) else fv(v) for k, v in fields.items() if v is not None}
    return Document(
        file=file,
        sha256=kw.pop("sha256", f"sha-{file}"),
        doc_type=doc_type,
        pages=kw.pop("pages", [1]),
        fields=wrapped,
        **kw,
    )


def form(**over: Any) -> Document:
    f = {
        "company_name": APPLICANT,
        "address": APPLICANT_ADDRESS,
        "credit_code": APPLICANT_CODE,
        "listed": False,
        "legal_representative": "陈志明",
        "contact_name": "林晓",
        "contact_phone": "0595-22345678",
        "direction": "compute_subsidy",
        "compute_purchase_total": D("360000.00"),
        "compute_suppliers": [{"name": SUPPLIER, "amount": D("360000.00")}],
    }
    f.update(over)
    return doc("application_form", "申报表.docx", f, method="docx")


def licence(**over: Any) -> Document:
    f = {
        "company_name": APPLICANT,
        "credit_code": APPLICANT_CODE,
        "company_type": "有限责任公司(自然人投资或控股)",
        "legal_representative": "陈志明",
        "registered_capital": "壹仟万元整",
        "established_date": day(2019, 6, 18),
        "address": APPLICANT_ADDRESS,
        "registration_authority": "泉州市丰泽区市场监督管理局",
    }
    f.update(over)
    return doc("business_license", "营业执照.jpg", f, method="ocr")


def audit(**over: Any) -> Document:
    f = {
        "audited_entity": APPLICANT,
        "fiscal_year": 2023,
        "audit_firm": "福建华兴会计师事务所（特殊普通合伙）",
        "report_no": "闽华兴所(2024)审字F-123号",
        "opinion": "标准无保留意见",
        "revenue": D("18650000.00"),
    }
    f.update(over)
    return doc("audit_report", "2023年度审计报告.pdf", f, pages=list(range(1, 31)))


def invoice(n: int, total: str = "120000.00", **over: Any) -> Document:
    """A 6 % 数电专票 for GPU cloud service from SUPPLIER to the applicant; ``n`` varies number/date."""
    file = over.pop("file", None) or f"发票/发票{n}.pdf"
    tot = D(total)
    amount = round_money(tot / D("1.06"))
    f = {
        "invoice_kind": "电子发票（增值税专用发票）",
        "invoice_number": f"233520000000{n:08d}",
        "issue_date": day(2023, 3 + 4 * ((n - 1) % 3), 15),
        "buyer_name": APPLICANT,
        "buyer_tax_id": APPLICANT_CODE,
        "seller_name": SUPPLIER,
        "seller_tax_id": SUPPLIER_CODE,
        "item_names": ["*信息技术服务*GPU云算力服务费"],
        "tax_rate": "0.06",
        "amount_excl_tax": amount,
        "tax_amount": tot - amount,
        "total_incl_tax": tot,
        "total_in_words": None,
    }
    f["total_in_words"] = amount_in_words(tot)
    f.update(over)
    return doc("invoice", file, f, method="text")


def contract(**over: Any) -> Document:
    f = {
        "contract_no": "HLSL-2023-0217",
        "title": "GPU算力租用服务合同",
        "buyer_name": APPLICANT,
        "buyer_credit_code": APPLICANT_CODE,
        "seller_name": SUPPLIER,
        "seller_credit_code": SUPPLIER_CODE,
        "sign_date": day(2023, 2, 20),
        "service_start": day(2023, 3, 1),
        "service_end": day(2023, 12, 31),
        "amount_total": D("360000.00"),
        "amount_in_words": "人民币叁拾陆万元整",
        "tax_rate": "0.06",
        "gpu_model": "NVIDIA A800 80GB",
        "gpu_count": 8,
        "service_content": "GPU云服务器算力租用，A800 80GB×8卡，按月计费，用于大模型训练",
    }
    f.update(over)
    return doc("contract", "合同/算力服务合同.pdf", f, pages=[1, 2, 3, 4])


def receipt(n: int, amount: str = "120000.00", **over: Any) -> Document:
    f = {
        "payer_name": APPLICANT,
        "payer_account": "35050166810700001234",
        "payee_name": SUPPLIER,
        "payee_account": "0200004509200123456",
        "amount": D(amount),
        "pay_date": day(2023, 3 + 4 * ((n - 1) % 3), 20),
        "bank_name": "中国建设银行泉州丰泽支行",
        "purpose": "GPU算力服务费",
        "serial_no": f"2023{n:04d}0098765",
    }
    f.update(over)
    return doc("payment_voucher", f"回单/回单{n}.pdf", f)


def simple(doc_type: str, file: str, title: str) -> Document:
    return doc(doc_type, file, {"title": title})


def compute_app(app_id: str = "app-001", **declared_over: Any) -> ApplicationResult:
    """A clean 算力服务补助 application: 3 invoices of 120,000.00 (one contract, three receipts)."""
    f = form(**declared_over)
    docs = [
        f,
        licence(),
        audit(),
        contract(),
        invoice(1),
        invoice(2),
        invoice(3),
        receipt(1),
        receipt(2),
        receipt(3),
        simple("team_material", "团队/模型研发团队介绍.pdf", "模型研发团队介绍"),
        simple("integrity_pledge", "承诺书.pdf", "无涉黑（失信）承诺书"),
    ]
    declared = {k: v.value for k, v in f.fields.items()}
    return ApplicationResult(
        application_id=app_id, direction="compute_subsidy", declared=declared, documents=docs
    )


def product_app(app_id: str = "app-101", direction: str = "software_product") -> ApplicationResult:
    """A clean 软件优质产品 application: the applicant SELLS its product (销售合同以及付款凭证)."""
    customer, customer_code = SUPPLIER2, SUPPLIER2_CODE
    f = form(direction=direction, compute_purchase_total=None, compute_suppliers=None)
    sale = contract(
        contract_no="QZZS-XS-2023-008",
        title="智能视觉质检软件销售合同",
        buyer_name=customer,
        buyer_credit_code=customer_code,
        seller_name=APPLICANT,
        seller_credit_code=APPLICANT_CODE,
        amount_total=D("580000.00"),
        amount_in_words="伍拾捌万元整",
        gpu_model=None,
        gpu_count=None,
        service_content="智能视觉质检软件V3.0 授权及部署",
    )
    paid = receipt(1, "580000.00", payer_name=customer, payee_name=APPLICANT, purpose="软件款")
    docs = [
        f,
        licence(),
        audit(),
        sale,
        paid,
        simple("team_material", "团队.pdf", "研发团队介绍"),
        simple("integrity_pledge", "承诺书.pdf", "无涉黑（失信）承诺书"),
    ]
    if direction == "hardware_product":
        docs.append(simple("test_report", "检测报告.pdf", "产品检验检测报告"))
    declared = {k: v.value for k, v in f.fields.items()}
    return ApplicationResult(application_id=app_id, direction=direction, declared=declared, documents=docs)


def with_docs(
    app: ApplicationResult,
    *,
    drop: tuple[str, ...] = (),
    add: tuple[Document, ...] = (),
    replace: dict[str, Document] | None = None,
) -> ApplicationResult:
    """A copy of ``app`` without the documents whose file is in ``drop``, with ``add`` appended
    and documents replaced by file name."""
    replace = replace or {}
    docs = [replace.get(d.file, d) for d in app.documents if d.file not in drop]
    return app.model_copy(update={"documents": [*docs, *add]}, deep=True)


def as_stored(app: ApplicationResult) -> ApplicationResult:
    """The application as it comes back from the store: values as their JSON strings."""
    return ApplicationResult.model_validate_json(copy.deepcopy(app).model_dump_json())

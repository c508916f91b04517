"""The reviewer-facing vocabulary, in one place: labels (Chinese) of directions, document
types, statuses, verdicts and fields; the file formats an application may contain; the
default paths. ``models.contract`` re-exports the CONTRACT's label dicts from here (their
names there are stable); ``models.settings`` takes the default paths from here.
"""

from __future__ import annotations

from pathlib import Path

# -- labels -----------------------------------------------------------------------------

DIRECTION_LABELS: dict[str, str] = {
    "compute_subsidy": "算力服务补助",
    "lingyan_software": "“领雁”软件企业",
    "software_product": "软件优质产品",
    "hardware_product": "硬件优质产品",
    "application_scenario": "典型应用场景",
}

DOC_TYPE_LABELS: dict[str, str] = {
    "application_form": "申报表",
    "business_license": "营业执照",
    "contract": "合同",
    "invoice": "发票",
    "payment_voucher": "银行回单/付款凭证",
    "audit_report": "审计报告/财务报表",
    "patent_certificate": "专利证书",
    "award_certificate": "获奖证书",
    "integrity_pledge": "无涉黑（失信）承诺",
    "test_report": "检验检测报告",
    "team_material": "团队佐证材料",
    "other": "其他材料",
}

STATUS_LABELS: dict[str, str] = {
    "fail": "不符合",
    "missing": "缺少材料",
    "warn": "需关注",
    "review": "需人工复核",
    "pass": "通过",
}
VERDICT_LABELS: dict[str, str] = {"pass": "通过", "fail": "不通过", "review": "需人工复核"}

# A field key → its name for a reviewer (findings' messages, the review page, exports).
# Keys no document type promises (service_period, amount_in_words …) are here too.
FIELD_LABELS: dict[str, str] = {
    "company_name": "单位名称",
    "address": "地址",
    "credit_code": "统一社会信用代码",
    "listed": "是否上市",
    "ownership": "企业性质",
    "established_date": "成立日期",
    "legal_representative": "法定代表人",
    "legal_rep_phone": "法定代表人电话",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_email": "电子邮箱",
    "direction": "申报方向",
    "compute_purchase_total": "申报算力采购总额",
    "compute_suppliers": "算力服务商",
    "revenue_last_year": "上年度营业收入",
    "project_name": "项目名称",
    "consortium_members": "联合体成员",
    "buyer_name": "购买方名称",
    "seller_name": "销售方名称",
    "buyer_tax_id": "购买方税号",
    "seller_tax_id": "销售方税号",
    "buyer_credit_code": "甲方信用代码",
    "seller_credit_code": "乙方信用代码",
    "invoice_code": "发票代码",
    "invoice_number": "发票号码",
    "issue_date": "开票日期",
    "amount_excl_tax": "金额（不含税）",
    "tax_amount": "税额",
    "total_incl_tax": "价税合计",
    "total_in_words": "价税合计（大写）",
    "tax_rate": "税率",
    "sign_date": "签订日期",
    "service_start": "服务起始日期",
    "service_end": "服务截止日期",
    "amount_total": "合同金额",
    "amount_in_words": "金额（大写）",
    "gpu_model": "显卡型号",
    "gpu_count": "显卡数量",
    "payer_name": "付款人",
    "payee_name": "收款人",
    "amount": "付款金额",
    "pay_date": "付款日期",
    "fiscal_year": "会计年度",
    "audited_entity": "被审计单位",
    "title": "标题",
    "contract_no": "合同编号",
    "registered_capital": "注册资本",
    "company_type": "企业类型",
    "business_term_end": "营业期限",
    "business_scope": "经营范围",
    "revenue": "营业收入",
    "service_period": "服务期",
    "report_date": "报告日期",
}


def field_label(key: str) -> str:
    """A field's Chinese name (the key itself when it has none).

    >>> field_label("amount_excl_tax"), field_label("unknown_key")
    ('金额（不含税）', 'unknown_key')
    """
    return FIELD_LABELS.get(key, key)


# -- formats ----------------------------------------------------------------------------

# Evidence files an application folder or package may contain (lower-case suffixes).
EVIDENCE_EXTENSIONS: frozenset[str] = frozenset(
    {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx", ".doc", ".ofd", ".xml"}
)
PACKAGE_EXTENSIONS: frozenset[str] = frozenset({".zip"})  # an application as one package
# What the intake page accepts for upload (no dot, sorted as a reviewer reads them).
UPLOAD_TYPES: tuple[str, ...] = (
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "tif",
    "tiff",
    "docx",
    "doc",
    "ofd",
    "xml",
    "zip",
)

# -- default paths ------------------------------------------------------------------------

DEFAULT_DB = Path("data/evreview.db")  # review database and read cache (EVREVIEW_DB)
DEFAULT_INTAKE = Path("sample_docs/applications")  # the UI's intake folder (EVREVIEW_INTAKE)

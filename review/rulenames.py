"""Chinese name and notice clause of each rule, for the review page and the exports.

One function, :func:`rule_info`, so that the rule catalogue generated from the rules
themselves (``evreview rules``) can replace the table below without touching its callers.
The clauses are those of CONTRACT §6 (the 2024 notice); "—" rules enforce no clause of
the notice but the reliability of the evidence itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    rule: str
    name: str
    clause: str  # "" when the rule enforces no clause of the notice


_TABLE: dict[str, tuple[str, str]] = {
    "evidence.readable": ("材料可读取", ""),
    "evidence.required_present": ("必备材料齐全", "附件1 项目介绍：附件及相关佐证材料"),
    "evidence.applicant_seal": ("复印件加盖申报单位公章", "上述材料复印件均需加盖申报单位公章"),
    "identity.credit_code_valid": ("统一社会信用代码校验", "申报条件：独立法人"),
    "identity.credit_code_match": ("信用代码前后一致", "申报条件"),
    "identity.name_match": ("单位名称前后一致", "申报条件"),
    "identity.legal_rep_match": ("法定代表人一致", "附件1 申报表"),
    "jurisdiction.local": ("注册地在辖区内", "在辖区内从事生产经营活动"),
    "invoice.arithmetic": ("发票金额+税额=价税合计", ""),
    "invoice.amount_words": ("发票大写与小写金额一致", ""),
    "invoice.buyer_is_applicant": ("发票购买方为申报单位", "向算力服务企业直接购买"),
    "invoice.in_period": ("发票开具在申报期内", "起止时间：2023年1月1日至12月31日"),
    "invoice.qr_matches": ("发票二维码与票面一致", ""),
    "invoice.duplicate": ("发票未被重复申报", ""),
    "invoice.seller_seal": ("发票盖有销售方发票专用章", ""),
    "invoice.signature": ("电子发票签名完整", ""),
    "contract.buyer_is_applicant": ("合同购买方为申报单位", "向算力服务企业直接购买"),
    "contract.seller_is_applicant": ("合同销售方为申报单位", "销售合同以及付款凭证"),
    "contract.covers_period": ("合同服务期覆盖申报期", "起止时间：2023年1月1日至12月31日"),
    "contract.amount_words": ("合同大写与小写金额一致", ""),
    "contract.party_seals": ("合同双方盖章", "合同（双方盖章）"),
    "payment.matches_invoice": ("付款凭证与发票/合同相符", "付款凭证"),
    "compute.gpu_config_present": ("写明产品类型、用量与显卡配置", "包含产品类型、用量、显卡机型配置"),
    "compute.total_threshold": ("年度算力采购满30万元", "年度总额30万元（含）以上"),
    "compute.declared_total_match": ("填报金额与凭证一致", "填报信息应真实可靠"),
    "audit.covers_last_year": ("上年度审计报告", "上年度财务审计报告"),
    "batch.one_per_direction": ("同一方向每单位限报一项", "同一申报方向每个单位只能申报一个项目"),
    "batch.product_scenario_exclusive": (
        "软件产品与应用场景不得同时申报",
        "软件优质产品和典型应用场景方向不能同时申报",
    ),
    "scenario.consortium_size": ("联合体不超过3家", "联合体成员数量不超过3家"),
    "review.correction": ("审核更正", ""),
}


def rule_info(rule: str) -> RuleInfo:
    """The Chinese name and notice clause of a rule id (unknown ids keep their id as name).

    >>> import verifiers  # registers the rules with their names
    >>> rule_info("invoice.qr_matches").name, rule_info("batch.one_per_direction").clause
    ('发票二维码与票面一致', '同一申报方向每个单位只能申报一个项目')
    >>> rule_info("x.new").name
    'x.new'
    """
    name, clause = _TABLE.get(rule, (rule, ""))
    from verifiers.base import BATCH_REGISTRY, REGISTRY

    registered = REGISTRY.get(rule) or BATCH_REGISTRY.get(rule)
    if registered is not None and registered.name:
        name = registered.name  # the rule's own Chinese name (the `evreview rules` catalogue)
    return RuleInfo(rule, name, clause)


def clause_text(rule: str) -> str:
    """The clause as the review page and exports print it.

    >>> clause_text("jurisdiction.local"), clause_text("invoice.arithmetic")
    ('通知条款：「在辖区内从事生产经营活动」', '通知条款：无（核对材料本身的可靠性）')
    """
    c = rule_info(rule).clause
    return f"通知条款：「{c}」" if c else "通知条款：无（核对材料本身的可靠性）"

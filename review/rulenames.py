"""Chinese name and notice clause of each rule, for the review page and the exports.

One source each: the name is the rule's own (``@rule(name=…)``, the ``evreview rules``
catalogue); the clause is the policy's (the ``[clauses]`` table and the rule entries of the
default call, ``verifiers/policies/fujian-ai-2024.toml``). A finding carries the clause of
the call it was made under (``Finding.clause``); :func:`rule_info` is for where there is no
finding at hand. A clause written "—（…）" in the policy enforces no clause of the notice but
the reliability of the evidence itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from verifiers import DEFAULT_POLICY, load_policy
from verifiers.base import BATCH_REGISTRY, REGISTRY

# Names of what is not a rule of the registry but appears in the problem list.
_NAMES: dict[str, str] = {"review.correction": "审核更正"}


@dataclass(frozen=True)
class RuleInfo:
    rule: str
    name: str
    clause: str  # as the policy writes it; "" when the policy does not name the rule


@lru_cache(maxsize=1)
def _clauses() -> dict[str, str]:
    """rule id → the clause the default call cites for it (its first entry)."""
    policy = load_policy(DEFAULT_POLICY)
    out: dict[str, str] = {}
    entries = [e for d in policy.directions.values() for e in d.rules]
    for e in [*entries, *policy.unrecognised, *policy.batch.rules]:
        out.setdefault(e.id, e.clause)
    return out


def rule_info(rule: str) -> RuleInfo:
    """The Chinese name and notice clause of a rule id (unknown ids keep their id as name).

    >>> rule_info("invoice.qr_matches").name, rule_info("batch.one_per_direction").clause
    ('发票二维码与票面一致', '同一申报方向每个单位只能申报一个项目')
    >>> rule_info("x.new")
    RuleInfo(rule='x.new', name='x.new', clause='')
    """
    registered = REGISTRY.get(rule) or BATCH_REGISTRY.get(rule)
    name = registered.name if registered is not None and registered.name else _NAMES.get(rule, rule)
    return RuleInfo(rule, name, _clauses().get(rule, ""))


def clause_text(rule: str, clause: str | None = None) -> str:
    """The clause as the review page and exports print it (``clause``: the finding's own,
    else the default call's).

    >>> clause_text("jurisdiction.local")
    '通知条款：「申报主体应当在辖区内从事生产经营活动」'
    >>> clause_text("invoice.arithmetic"), clause_text("x.new")
    ('通知条款：无（发票金额+税额=价税合计）', '通知条款：无（核对材料本身的可靠性）')
    """
    c = (clause or rule_info(rule).clause).strip()
    if not c or c.startswith("—"):
        rest = c.lstrip("—").strip()
        return f"通知条款：无{rest or '（核对材料本身的可靠性）'}"
    return f"通知条款：「{c}」"

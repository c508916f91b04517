"""Rule framework: a rule is a pure function ``(RuleContext) -> list[Finding]`` with a stable id.

Rules are registered with :func:`rule` (flake8-bugbear / pandera style) and grouped per
direction in :mod:`verifiers.registry`. They read only the models (an
``ApplicationResult`` whose findings are still empty) and the policy: no file I/O, no OCR,
no database.

Field values arrive either as Python types (``Decimal``, ``date``) or, when loaded back from
the store, as their JSON strings (``"360000.00"``, ``"2023-03-01"``); :func:`as_decimal` and
:func:`as_date` accept both.

Low OCR confidence: a ``fail`` whose deciding values include one read with confidence below
``policy.low_confidence`` is reported as ``review`` (the machine may have misread it), with the
confidence in the message. ``warn``/``missing``/``pass`` are never changed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from extractor.normalize import uscc as _uscc
from extractor.normalize.dates import parse_date
from extractor.normalize.money import parse_money, round_money, words_match
from extractor.normalize.names import company_key, normalize_name, split_branch
from models.contract import (
    DOC_TYPE_LABELS,
    ApplicationResult,
    Document,
    EvidenceRef,
    FieldValue,
    Finding,
    Status,
)
from verifiers.policy import Policy

# ---------------------------------------------------------------- value helpers


def as_decimal(value: Any) -> Decimal | None:
    """Money/number as ``Decimal`` from a Decimal, number or string (``"360000.00"``, ``"36万元"``).

    >>> as_decimal("360000.00"), as_decimal(Decimal("1.5")), as_decimal(None), as_decimal("abc")
    (Decimal('360000.00'), Decimal('1.5'), None, None)
    >>> as_decimal("NaN"), as_decimal("Infinity"), as_decimal("36万元")
    (None, None, Decimal('360000.00'))
    """
    d = _as_decimal(value)
    return d if d is not None and d.is_finite() else None


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, FieldValue):
        value = value.value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        try:
            return Decimal(s)
        except InvalidOperation:
            pass
        try:
            return parse_money(s)
        except Exception:  # a normaliser must not break a rule
            return None
    return None


def as_date(value: Any) -> _dt.date | None:
    """A date from a ``date``/``datetime`` or a string (``"2023-03-01"``, ``"2023年3月1日"``).

    >>> as_date("2023-03-01"), as_date(_dt.date(2023, 3, 1)), as_date(""), as_date(None)
    (datetime.date(2023, 3, 1), datetime.date(2023, 3, 1), None, None)
    """
    if isinstance(value, FieldValue):
        value = value.value
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        try:
            return parse_date(value)
        except Exception:
            return None
    return None


def as_code(value: Any) -> str | None:
    """Credit code / tax id normalised (upper case, no spaces), or None."""
    if isinstance(value, FieldValue):
        value = value.value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return _uscc.normalize_credit_code(value) or _uscc.compact(value) or None
    except Exception:
        return None


def as_text(value: Any) -> str:
    if isinstance(value, FieldValue):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(as_text(v) for v in value.values())
    return str(value)


def fmt_money(d: Decimal | None) -> str:
    """``Decimal('360000')`` → ``'360,000.00'``.

    >>> fmt_money(Decimal("360000")), fmt_money(None)
    ('360,000.00', '—')
    """
    if d is None:
        return "—"
    return f"{round_money(d):,.2f}"


def uscc_valid(code: str) -> bool:
    try:
        return bool(_uscc.is_valid(code))
    except Exception:
        return False


# ---------------------------------------------------------------- name matching


@dataclass(frozen=True)
class NameMatch:
    """Result of comparing two company names: ``same``, ``near`` (same company written
    differently, or a branch of it) or ``different``; ``score`` is 0-100."""

    kind: str
    score: float
    note: str = ""

    @property
    def status(self) -> Status:
        return {"same": "pass", "near": "warn"}.get(self.kind, "fail")  # type: ignore[return-value]


@lru_cache(maxsize=16384)  # the rules ask about the same few names thousands of times
def compare_names(a: str | None, b: str | None, near: float = 85.0) -> NameMatch:
    """Compare company names after the project's normalisation (NFKC, brackets, 有限责任公司…).

    A branch (分公司) of the applicant is ``near``: it is not the legal person itself.
    """
    if not a or not b:
        return NameMatch("different", 0.0, "名称缺失")
    if normalize_name(a) == normalize_name(b):
        return NameMatch("same", 100.0)
    ka, kb = company_key(a), company_key(b)
    if ka and ka == kb:
        return NameMatch("same", 100.0)
    (ha, bra), (hb, brb) = split_branch(a), split_branch(b)
    if (bra or brb) and company_key(ha) == company_key(hb):
        return NameMatch("near", 95.0, "分支机构名称")
    score = float(fuzz.ratio(ka or normalize_name(a), kb or normalize_name(b)))
    if score >= near:
        return NameMatch("near", round(score, 1), "名称近似")
    return NameMatch("different", round(score, 1))


# ---------------------------------------------------------------- rule registry

RuleFunc = Callable[["RuleContext"], list[Finding]]


class NoParams(BaseModel):
    """Parameters of a rule that takes none (a policy entry with parameters is refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Rule:
    """A registered rule: stable id + pure function (calling it runs the function), its
    Chinese name and the pydantic model of the parameters a policy may give it."""

    id: str
    func: RuleFunc
    family: str
    name: str = ""
    params: type[BaseModel] = NoParams
    summary: str = ""  # what it checks, in Chinese (evreview rules)

    def __call__(self, ctx: RuleContext) -> list[Finding]:
        return self.func(ctx)

    @property
    def doc(self) -> str:
        return self.func.__doc__ or ""

    @property
    def checks(self) -> str:
        """What it checks: the Chinese summary, else the docstring's first paragraph."""
        if self.summary:
            return self.summary
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(x.strip() for x in first.splitlines())


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, name: str = "", params: type[BaseModel] = NoParams, summary: str = ""
) -> Callable[[RuleFunc], Rule]:
    """Register ``func`` under ``rule_id`` (e.g. ``"invoice.arithmetic"``) with its Chinese
    ``name`` and ``summary`` and the model of its policy parameters (read in the rule as
    ``ctx.params``)."""

    def deco(func: RuleFunc) -> Rule:
        if rule_id in REGISTRY and REGISTRY[rule_id].func is not func:
            raise ValueError(f"duplicate rule id {rule_id}")
        r = Rule(rule_id, func, rule_id.split(".", 1)[0], name, params, summary)
        REGISTRY[rule_id] = r
        return r

    return deco


BatchFunc = Callable[[list["RuleContext"], Any], list[Finding]]


@dataclass(frozen=True)
class BatchRule:
    """A rule across the applications of one batch: ``func(contexts, params)``."""

    id: str
    func: BatchFunc
    name: str = ""
    params: type[BaseModel] = NoParams
    summary: str = ""

    def __call__(self, ctxs: list[RuleContext], params: Any = None) -> list[Finding]:
        return self.func(ctxs, params if params is not None else self.params())

    @property
    def doc(self) -> str:
        return self.func.__doc__ or ""

    @property
    def checks(self) -> str:
        if self.summary:
            return self.summary
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(x.strip() for x in first.splitlines())


BATCH_REGISTRY: dict[str, BatchRule] = {}


def batch_rule(
    rule_id: str, name: str = "", params: type[BaseModel] = NoParams, summary: str = ""
) -> Callable[[BatchFunc], BatchRule]:
    """Register a batch rule (see :class:`BatchRule`)."""

    def deco(func: BatchFunc) -> BatchRule:
        r = BatchRule(rule_id, func, name, params, summary)
        BATCH_REGISTRY[rule_id] = r
        return r

    return deco


# ---------------------------------------------------------------- context


def _machine_read(fv: FieldValue) -> bool:
    """Whether a value's confidence is a reading uncertainty (OCR), not exact digital text."""
    method = fv.method or "ocr"
    return not (method in {"text", "docx", "manual"} or method.startswith("structured"))


def downgrade_low_confidence(
    status: Status, message: str, values: Iterable[FieldValue | None], policy: Policy
) -> tuple[Status, str]:
    """The low-confidence safety net shared by single-application and batch rules: a ``fail``
    whose deciding values include a machine-read one below ``policy.low_confidence`` becomes
    ``review`` with the confidence in the message; every other status is returned unchanged."""
    if status != "fail":
        return status, message
    low = [
        v.confidence
        for v in values
        if v is not None and v.confidence < policy.low_confidence and _machine_read(v)
    ]
    if not low:
        return status, message
    return "review", message + (
        f"（相关字段识别置信度 {min(low):.2f} 低于 {policy.low_confidence:.2f}，需人工复核）"
    )


def rule_error_finding(rule_id: str, exc: BaseException, applications: Iterable[str] = ()) -> Finding:
    """The exception safety net shared by single-application and batch rules: a rule that
    raised becomes a ``review`` finding naming the rule and the error (the others go on)."""
    return Finding(
        rule=rule_id,
        status="review",
        message=f"规则 {rule_id} 执行出错，需人工核对：{type(exc).__name__}: {exc}",
        applications=sorted(applications) or None,
    )


@dataclass
class Applicant:
    """Who applies: name and credit code from the form, falling back to the licence."""

    name: str | None = None
    name_ref: EvidenceRef | None = None
    name_fv: FieldValue | None = None
    credit_code: str | None = None
    code_ref: EvidenceRef | None = None
    code_fv: FieldValue | None = None


def ref(doc: Document, key: str, fv: FieldValue | None = None) -> EvidenceRef:
    """EvidenceRef of one field of a document (file, page, field, value, bbox)."""
    fv = fv if fv is not None else doc.fields.get(key)
    if fv is None:
        return EvidenceRef(file=doc.file, page=doc.pages[0] if doc.pages else None, field=key)
    return EvidenceRef(
        file=fv.file or doc.file,
        page=fv.page if fv.page is not None else (doc.pages[0] if doc.pages else None),
        field=key,
        value=fv.value,
        bbox=fv.bbox,
    )


def doc_ref(doc: Document) -> EvidenceRef:
    return EvidenceRef(file=doc.file, page=doc.pages[0] if doc.pages else None)


def doc_label(doc: Document, labels: dict[str, str] | None = None) -> str:
    """Short Chinese label: 发票 24352000000012345678 / 合同 HT-2023-001 / 营业执照（file）;
    ``labels``: doc-type labels of the policy (types it declares)."""
    f = doc.fields
    if doc.doc_type == "invoice":
        num = as_text(f.get("invoice_number"))
        return f"发票 {num}" if num else f"发票（{doc.file}）"
    if doc.doc_type == "contract":
        no = as_text(f.get("contract_no"))
        return f"合同 {no}" if no else f"合同（{doc.file}）"
    if doc.doc_type == "payment_voucher":
        sn = as_text(f.get("serial_no"))
        return f"付款凭证 {sn}" if sn else f"付款凭证（{doc.file}）"
    return f"{(labels or DOC_TYPE_LABELS).get(doc.doc_type, doc.doc_type)}（{doc.file}）"


@dataclass
class RuleContext:
    """Everything a rule may look at: the application, the policy and precomputed helpers."""

    app: ApplicationResult
    policy: Policy
    direction: str | None = None
    by_type: dict[str, list[Document]] = field(default_factory=dict)
    applicant: Applicant = field(default_factory=Applicant)
    # the parameters and clause of the policy entry of the rule now running (run_rules)
    params: Any = None
    clause: str | None = None
    # what rule modules compute once per application and share (e.g. the compute purchase
    # accounting, verifiers.accounting.purchases); the framework does not look inside
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, app: ApplicationResult, policy: Policy) -> RuleContext:
        by_type: dict[str, list[Document]] = {}
        for d in app.documents:
            by_type.setdefault(d.doc_type, []).append(d)
        ctx = cls(app=app, policy=policy, direction=app.direction, by_type=by_type)
        ctx.applicant = ctx._applicant()
        return ctx

    # -- documents and declared values
    def docs(self, doc_type: str) -> list[Document]:
        return self.by_type.get(doc_type, [])

    @property
    def form(self) -> Document | None:
        forms = self.docs("application_form")
        return forms[0] if forms else None

    @property
    def licence(self) -> Document | None:
        lic = self.docs("business_license")
        return lic[0] if lic else None

    def declared(self, key: str) -> Any:
        """A declared (application form) value: ``app.declared`` first, then the form document."""
        v = self.app.declared.get(key)
        if isinstance(v, FieldValue):
            v = v.value
        if v is None or v == "":
            fv = self.form.fields.get(key) if self.form else None
            v = fv.value if fv else None
        return v

    def declared_ref(self, key: str) -> EvidenceRef:
        form = self.form
        if form is not None and key in form.fields:
            return ref(form, key)
        return EvidenceRef(file=form.file if form else None, field=key, value=self.app.declared.get(key))

    def declared_fv(self, key: str) -> FieldValue | None:
        return self.form.fields.get(key) if self.form else None

    def _applicant(self) -> Applicant:
        a = Applicant()
        name = self.declared("company_name")
        if name:
            a.name, a.name_ref, a.name_fv = (
                str(name),
                self.declared_ref("company_name"),
                self.declared_fv("company_name"),
            )
        elif self.licence is not None and self.licence.fields.get("company_name"):
            fv = self.licence.fields["company_name"]
            a.name, a.name_ref, a.name_fv = as_text(fv), ref(self.licence, "company_name"), fv
        code = as_code(self.declared("credit_code"))
        lic_code = as_code(self.licence.fields.get("credit_code")) if self.licence is not None else None
        if code and not _uscc.is_valid(code) and lic_code and _uscc.is_valid(lic_code):
            # a mistyped code on the form: identify the applicant by the licence's valid code;
            # the form's code is reported by identity.credit_code_valid / _match
            code = None
        if code:
            a.credit_code, a.code_ref, a.code_fv = (
                code,
                self.declared_ref("credit_code"),
                self.declared_fv("credit_code"),
            )
        elif self.licence is not None and lic_code:
            fv = self.licence.fields["credit_code"]
            a.credit_code, a.code_ref, a.code_fv = as_code(fv), ref(self.licence, "credit_code"), fv
        return a

    def window(self) -> Any:
        """The date window of the running rule: its ``start``/``end``/``status`` parameters
        over the policy's ``[period]``."""
        p = self.policy.period
        prm = self.params
        start, end, status = (getattr(prm, k, None) for k in ("start", "end", "status"))
        if start is None and end is None and status is None:
            return p
        return p.model_copy(
            update={
                "start": start or p.start,
                "end": end or p.end,
                "invoice_out_of_period_status": status or p.invoice_out_of_period_status,
            }
        )

    def param(self, key: str, default: Any) -> Any:
        """A parameter of the running rule, ``default`` when the policy gives none."""
        v = getattr(self.params, key, None)
        return default if v is None else v

    @property
    def role(self) -> str:
        """``buyer`` when the applicant buys (compute subsidy), ``seller`` when it sells."""
        return self.policy.applicant_role(self.direction)

    # -- matching helpers
    def name_match(self, name: str | None) -> NameMatch:
        return compare_names(self.applicant.name, name, self.policy.names.near)

    def is_applicant(self, name: Any, code: Any) -> str:
        """``yes`` / ``near`` / ``no`` / ``unknown`` for a (name, code) party against the applicant.

        A matching credit code decides on its own; a different one rules the party out.
        """
        c = as_code(code)
        if c and self.applicant.credit_code:
            return "yes" if c == self.applicant.credit_code else "no"
        n = as_text(name)
        if not n or not self.applicant.name:
            return "unknown"
        m = self.name_match(n)
        return {"same": "yes", "near": "near"}.get(m.kind, "no")

    def keyword_hits(self, *texts: Any) -> list[str]:
        """Compute keywords of the policy found in the texts (case-insensitive)."""
        blob = " ".join(as_text(t) for t in texts).upper()
        return [k for k in self.policy.compute.keywords if k.upper() in blob]

    # -- findings
    def finding(
        self,
        rule_id: str,
        status: Status,
        message: str,
        evidence: Iterable[EvidenceRef] = (),
        *,
        values: Iterable[FieldValue | None] = (),
        details: dict[str, Any] | None = None,
    ) -> Finding:
        """Build a finding; a ``fail`` resting on a low-confidence value becomes ``review``."""
        status, message = downgrade_low_confidence(status, message, values, self.policy)
        return Finding(
            rule=rule_id,
            status=status,
            message=message,
            evidence=list(evidence),
            details=details,
            clause=self.clause,
        )


# ---------------------------------------------------------------- parties of transactional documents

PARTY_KEYS: dict[str, dict[str, tuple[str, str | None]]] = {
    "invoice": {"buyer": ("buyer_name", "buyer_tax_id"), "seller": ("seller_name", "seller_tax_id")},
    "contract": {
        "buyer": ("buyer_name", "buyer_credit_code"),
        "seller": ("seller_name", "seller_credit_code"),
    },
    "payment_voucher": {"buyer": ("payer_name", None), "seller": ("payee_name", None)},
}


def applicant_side(ctx: RuleContext, doc: Document) -> tuple[str, str]:
    """Which party of an invoice/contract/receipt is the applicant: ``(side, how)``.

    ``side`` is ``buyer`` (buyer / 甲方 / payer) or ``seller``; ``how`` is ``yes``/``near`` when a
    party matched the applicant, else ``no`` and ``side`` is the side the direction expects
    (``policy.directions[*].applicant_role``).
    """
    keys = PARTY_KEYS.get(doc.doc_type)
    if not keys:
        return ctx.role, "no"
    results = {}
    for side, (nk, ck) in keys.items():
        results[side] = ctx.is_applicant(doc.fields.get(nk), doc.fields.get(ck) if ck else None)
    order = [ctx.role, "seller" if ctx.role == "buyer" else "buyer"]
    for want in ("yes", "near"):
        for side in order:
            if results[side] == want:
                return side, want
    return ctx.role, "no"


def party_findings(
    ctx: RuleContext,
    rid: str,
    docs: Iterable[Document],
    name_key: str,
    code_key: str,
    word: str,
    code_word: str = "代码",
    consequence: str = "",
) -> list[Finding]:
    """Is the party (``name_key`` / ``code_key``) of each document the applicant?

    A different credit code is ``fail`` on its own; otherwise the name decides: the same
    name ``pass``, a near one ``warn`` (with the similarity), another one ``fail``.
    ``consequence`` is appended to failures (e.g. 「，不属于申报单位直接购买」).
    """
    a = ctx.applicant
    if not a.name and not a.credit_code:
        return []
    out: list[Finding] = []
    for d in docs:
        f = d.fields
        name, code = as_text(f.get(name_key)), as_code(f.get(code_key))
        if not name and not code:
            continue
        refs = [ref(d, k) for k in (name_key, code_key) if k in f]
        refs += [r for r in (a.name_ref, a.code_ref) if r is not None]
        if code and a.credit_code and code != a.credit_code:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{doc_label(d)}：{word}「{name or '—'}」{code_word} {code} 不是申报单位"
                    f"（{a.name or ''} {a.credit_code}）{consequence}",
                    refs,
                    values=[f.get(code_key)],
                )
            )
            continue
        m = ctx.name_match(name) if name else None
        if m is None or m.kind == "same":
            what = (f"「{name}」" if name else "") + (f"（{code_word} {code}）" if code else "")
            out.append(ctx.finding(rid, "pass", f"{doc_label(d)}：{word}{what}为申报单位", refs))
        elif m.kind == "near":
            out.append(
                ctx.finding(
                    rid,
                    "warn",
                    f"{doc_label(d)}：{word}「{name}」与申报单位「{a.name}」{m.note}（相似度 {m.score:.0f}），请核对",
                    refs,
                    details={"score": m.score},
                )
            )
        else:
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{doc_label(d)}：{word}「{name}」不是申报单位「{a.name}」（相似度 {m.score:.0f}）{consequence}",
                    refs,
                    values=[f.get(name_key)],
                    details={"score": m.score},
                )
            )
    return out


def words_findings(
    ctx: RuleContext,
    rid: str,
    docs: Iterable[Document],
    words_key: str,
    amount_key: str,
    words_label: str,
    amount_label: str,
) -> list[Finding]:
    """大写 (``words_key``) equals 小写 (``amount_key``) on each document printing both."""
    out: list[Finding] = []
    for d in docs:
        f = d.fields
        words, total = as_text(f.get(words_key)), as_decimal(f.get(amount_key))
        if not words or total is None:
            continue
        refs = [ref(d, words_key), ref(d, amount_key)]
        if words_match(words, total):
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"{doc_label(d)}：{words_label}「{words}」与小写 {fmt_money(total)} 一致",
                    refs,
                )
            )
            continue
        parsed = as_decimal(words)
        said = f"（{fmt_money(parsed)}）" if parsed is not None else "（无法解析）"
        out.append(
            ctx.finding(
                rid,
                "fail",
                f"{doc_label(d)}：{words_label}「{words}」{said}与{amount_label} {fmt_money(total)} 不一致",
                refs,
                values=[f.get(words_key), f.get(amount_key)],
            )
        )
    return out

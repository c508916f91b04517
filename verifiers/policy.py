"""Policy: everything of one call for applications that is data, not code.

Loaded from ``verifiers/policies/<name>.toml`` with :mod:`tomllib` into pydantic models:
the call's period and thresholds, its directions (key, label, the words that identify it
on the form, required and supporting evidence, the rules to run with their parameters and
the clause each one cites), the document types it adds, and the cross-application checks.
A new call is a new TOML file (format and vocabulary: ``docs/policy.md``).

Validation is strict: every mistake becomes one Chinese line naming the key
(:func:`policy_errors`); :func:`load_policy` raises :class:`PolicyError` holding them all.
Rule ids and rule parameters are checked by validators the rule registry adds
(:func:`add_validator`; :mod:`verifiers.registry` registers it), so this module imports
no rule.

>>> p = load_policy("fujian-ai-2024")
>>> p.name, str(p.compute.threshold), p.period.start.isoformat(), p.region.admin_code_prefix
('fujian-ai-2024', '300000.00', '2023-01-01', '3505')
>>> p.required_for("hardware_product")[-1]
'test_report'
>>> p.period.label
'2023年'
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from extractor.profile import DocTypeDef, ExtractionProfile, FieldDef
from models.contract import CONTRACT_FIELDS, DIRECTION_LABELS, DOC_TYPE_LABELS

POLICY_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "fujian-ai-2024"

# fields every document may carry besides CONTRACT section 4 (additions of the extractors)
COMMON_FIELDS = ("title",)
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "application_form": ("consortium_members", "project_name"),
    "invoice": ("qr", "red_letter", "original_invoice_code", "original_invoice_number"),
}


class PolicyError(ValueError):
    """An invalid policy file: ``errors`` holds one Chinese line per mistake."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = errors
        super().__init__(f"策略文件 {source} 无效：" + "；".join(errors))


class _P(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_P):
    start: _dt.date
    end: _dt.date
    invoice_out_of_period_status: Literal["fail", "warn", "review"] = "fail"

    def contains(self, d: _dt.date) -> bool:
        return self.start <= d <= self.end

    @property
    def label(self) -> str:
        """``2023年`` for a calendar year, else ``2023-09-01至2024-08-31``."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            if self.start.year == self.end.year:
                return f"{self.start.year}年"
            return f"{self.start.year}—{self.end.year}年"
        return f"{self.start.isoformat()}至{self.end.isoformat()}"

    @property
    def span_word(self) -> str:
        """``2023年度`` for one calendar year, else ``2023-09-01至2024-08-31期间``."""
        lab = self.label
        return lab + "度" if lab.endswith("年") and "—" not in lab else lab + "期间"


class ComputePolicy(_P):
    threshold: Decimal = Decimal("0")
    declared_tolerance_absolute: Decimal = Decimal("1.00")
    declared_tolerance_relative: Decimal = Decimal("0.005")
    keywords: tuple[str, ...] = ()
    gpu_models: tuple[str, ...] = ()
    usage_units: tuple[str, ...] = ()


class Tolerance(_P):
    arithmetic: Decimal = Decimal("0.01")
    payment_amount: Decimal = Decimal("0.01")


class NamePolicy(_P):
    near: float = 85.0


class Region(_P):
    name: str
    admin_code_prefix: str
    place_names: tuple[str, ...]
    # GB/T 2260 division codes of the region (3505 = 泉州市); addresses are resolved to codes
    # (extractor.normalize.region) and compared with these. Empty: (admin_code_prefix,).
    codes: tuple[str, ...] = ()


class ScenarioPolicy(_P):
    consortium_max: int = 3


class Supporting(_P):
    doc_types: tuple[str, ...] = ()


class RuleEntry(_P):
    """One rule run for a direction: its id, the clause of the call it cites, its parameters."""

    id: str
    clause: str
    params: dict[str, Any] = Field(default_factory=dict)

    def describe(self) -> str:
        return self.id + (
            f"（{', '.join(f'{k}={v}' for k, v in self.params.items())}）" if self.params else ""
        )


class SealPolicy(_P):
    """Seals (印章) the call expects: 「上述材料复印件均需加盖申报单位公章」."""

    # copies that must carry the applicant's seal (docx originals and OFD/XML are never checked)
    applicant_seal_doc_types: tuple[str, ...] = ("business_license", "integrity_pledge", "application_form")
    # status when no seal is found on such a copy, and per doc type where it differs
    missing_status: Literal["warn", "review", "pass"] = "warn"
    missing_status_by_doc_type: dict[str, Literal["warn", "review", "pass"]] = Field(default_factory=dict)
    # a paper/older invoice without the seller's 发票专用章; a contract party without its seal
    seller_seal_missing_status: Literal["warn", "review", "pass"] = "warn"
    party_seal_missing_status: Literal["warn", "review", "pass"] = "warn"
    # below this colour confidence a seal may be a grey copy: undecidable
    min_colour_confidence: float = 0.5
    # OCR confidence of the seal's ring text below which its name is undecidable
    min_text_confidence: float = 0.75
    # rapidfuzz ratio (0-100) of the seal text to a name: at or above = names it; below
    # `other_below` (with a confident reading) = names someone else
    name_match: float = 82.0
    other_below: float = 65.0
    # the closest of the expected names at or above this (and read in red) is taken as that
    # name read in part (curved text on a scan loses characters at the ends)
    weak_match: float = 70.0
    # a contract with two parties and two red seals, one naming one party: the other seal,
    # unreadable, is presumed the other party's (pass with a note) instead of review
    presume_party_seal: bool = True
    # seals of authorities and banks (the licence's 登记机关, the 监制章, a bank's 回单章): never
    # the applicant's nor "another company"
    authority_words: tuple[str, ...] = (
        "市场监督管理局",
        "市场监管局",
        "工商行政管理局",
        "工商局",
        "行政审批",
        "税务局",
        "税务总局",
        "监制",
        "人民政府",
        "银行",
        "回单",
        "市场监督",
        "监督管理",
        "管理局",
        "税务",
    )

    def missing_for(self, doc_type: str) -> str:
        return self.missing_status_by_doc_type.get(doc_type, self.missing_status)


class DirectionPolicy(_P):
    label: str
    words: tuple[str, ...] = ()  # how the form names it (default: the label)
    applicant_role: Literal["buyer", "seller"] = "seller"
    required: tuple[str, ...] = ()
    supporting: tuple[str, ...] | None = None  # default: [supporting].doc_types
    rules: tuple[RuleEntry, ...] = ()


class FieldSpec(_P):
    labels: tuple[str, ...]
    kind: Literal["text", "date", "money", "code", "name"] = "text"


class DocTypeSpec(_P):
    """A document type the call adds (``[doc_types.<key>]``)."""

    label: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    one_per_page: bool = True
    fields: dict[str, FieldSpec] = Field(default_factory=dict)

    @field_validator("fields", mode="before")
    @classmethod
    def _labels_only(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: ({"labels": x} if isinstance(x, (list, tuple)) else x) for k, x in v.items()}
        return v


class BatchPolicy(_P):
    rules: tuple[RuleEntry, ...] = ()


class Policy(_P):
    name: str
    notice_title: str
    fiscal_year: int
    low_confidence: float = 0.8
    period: Period
    compute: ComputePolicy = Field(default_factory=ComputePolicy)
    tolerance: Tolerance = Field(default_factory=Tolerance)
    names: NamePolicy = Field(default_factory=NamePolicy)
    region: Region
    scenario: ScenarioPolicy = Field(default_factory=ScenarioPolicy)
    supporting: Supporting = Field(default_factory=Supporting)
    doc_types: dict[str, DocTypeSpec] = Field(default_factory=dict)
    seals: SealPolicy = Field(default_factory=SealPolicy)
    directions: dict[str, DirectionPolicy]
    unrecognised: tuple[RuleEntry, ...] = ()  # rules when the direction is not recognised
    batch: BatchPolicy = Field(default_factory=BatchPolicy)
    # set by the loader, never by the file
    digest: str = ""
    source: str = ""

    # -- directions
    def required_for(self, direction: str | None) -> tuple[str, ...]:
        d = self.directions.get(direction or "")
        return d.required if d else ()

    def supporting_for(self, direction: str | None) -> tuple[str, ...]:
        d = self.directions.get(direction or "")
        if d is not None and d.supporting is not None:
            return d.supporting
        return self.supporting.doc_types

    def applicant_role(self, direction: str | None) -> str:
        d = self.directions.get(direction or "")
        return d.applicant_role if d else "buyer"

    def direction_label(self, direction: str | None) -> str:
        d = self.directions.get(direction or "")
        return d.label if d else (direction or "未识别")

    @property
    def direction_labels(self) -> dict[str, str]:
        return {k: d.label for k, d in self.directions.items()}

    def rule_entries(self, direction: str | None) -> tuple[RuleEntry, ...]:
        """The direction's rules; for a direction the call does not have, ``[unrecognised]``
        (default: ``evidence.required_present``, which says the direction is not the call's)."""
        d = self.directions.get(direction or "")
        if d is not None:
            return d.rules
        return self.unrecognised or (RuleEntry(id="evidence.required_present", clause="—（申报方向未识别）"),)

    # -- document types
    def doc_type_label(self, doc_type: str) -> str:
        if doc_type in self.doc_types:
            return self.doc_types[doc_type].label
        return DOC_TYPE_LABELS.get(doc_type, doc_type)

    @property
    def doc_type_labels(self) -> dict[str, str]:
        return {**DOC_TYPE_LABELS, **{k: v.label for k, v in self.doc_types.items()}}

    def fields_of(self, doc_type: str) -> tuple[str, ...]:
        """Field keys a document of ``doc_type`` may carry (contract + additions + declared)."""
        if doc_type in self.doc_types:
            keys = (*COMMON_FIELDS, *self.doc_types[doc_type].fields)
        else:
            keys = (*COMMON_FIELDS, *CONTRACT_FIELDS.get(doc_type, ()), *EXTRA_FIELDS.get(doc_type, ()))
        return tuple(dict.fromkeys(keys))

    @cached_property
    def extraction(self) -> ExtractionProfile:
        """What the extractor needs from this call: direction words and added doc types."""
        words: dict[str, str] = {}
        for key, d in self.directions.items():
            for w in d.words or (d.label,):
                words[w] = key
        types = tuple(
            DocTypeDef(
                key=k,
                label=t.label,
                titles=t.titles,
                keywords=t.keywords,
                one_per_page=t.one_per_page,
                fields=tuple(FieldDef(key=fk, labels=f.labels, kind=f.kind) for fk, f in t.fields.items()),
            )
            for k, t in self.doc_types.items()
        )
        return ExtractionProfile(directions=words, doc_types=types)


# ----------------------------------------------------------------- validation

Validator = Callable[[Policy], list[str]]
_VALIDATORS: list[Validator] = []


def add_validator(fn: Validator) -> Validator:
    """Register a check run on every loaded policy (the rule registry checks rule ids/params)."""
    if fn not in _VALIDATORS:
        _VALIDATORS.append(fn)
    return fn


_FIELD_WORDS = {
    "missing": "缺少必填项",
    "extra_forbidden": "不是可识别的键",
    "date_from_datetime_parsing": "不是日期（应写作 2024-01-01）",
    "date_type": "不是日期（应写作 2024-01-01）",
    "date_parsing": "不是日期（应写作 2024-01-01）",
    "decimal_parsing": "不是数字",
    "decimal_type": "不是数字",
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "float_parsing": "不是数字",
    "float_type": "不是数字",
    "string_type": "应为文字",
    "literal_error": "取值不在允许范围内",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "dict_type": "应为表",
    "model_type": "应为表",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
}


def _loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc if not isinstance(x, int)) or "（顶层）"


def pydantic_lines(exc: ValidationError, prefix: str = "") -> list[str]:
    """One Chinese line per pydantic error, naming the key."""
    out = []
    for e in exc.errors():
        what = _FIELD_WORDS.get(e["type"], e.get("msg", "无效"))
        if e["type"] == "literal_error":
            what += f"（{e.get('ctx', {}).get('expected', '')}）"
        key = _loc(e["loc"])
        out.append(
            f"{prefix}{key}：{what}"
            + (
                f"（写的是 {e['input']!r}）"
                if e["type"] not in ("missing",) and not isinstance(e.get("input"), dict)
                else ""
            )
        )
    return out


def _rules_raw(items: Any, where: str, clauses: dict[str, str], errors: list[str]) -> list[dict[str, Any]]:
    """Turn a TOML rule list (ids or inline tables) into RuleEntry dicts."""
    if items is None:
        return []
    if not isinstance(items, list):
        errors.append(f"{where}：应为规则列表")
        return []
    out = []
    for i, it in enumerate(items, 1):
        if isinstance(it, str):
            it = {"id": it}
        if not isinstance(it, dict) or not isinstance(it.get("id"), str):
            errors.append(f'{where} 第 {i} 项：应写规则编号，或 {{ id = "…", clause = "…" }}')
            continue
        it = dict(it)
        rid = it.pop("id")
        clause = it.pop("clause", None) or clauses.get(rid)
        if not clause:
            errors.append(f'{where} 规则 {rid}：未注明所依据的通知条款（clause = "…"，无条款写 "—"）')
            clause = "—"
        out.append({"id": rid, "clause": clause, "params": it})
    return out


def _prepare(data: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    """TOML shorthands → model input: rule lists, rule sets (``"@name"``), the clause table."""
    data = dict(data)
    for k in ("digest", "source"):
        if k in data:
            errors.append(f"{k}：由程序计算，不能写在策略文件中")
            data.pop(k)
    clauses = data.pop("clauses", {}) or {}
    sets = data.pop("rule_sets", {}) or {}
    if not isinstance(clauses, dict) or not isinstance(sets, dict):
        errors.append("clauses / rule_sets：应为表")
        clauses, sets = {}, {}

    def expand(items: Any, where: str) -> Any:
        if not isinstance(items, list):
            return items
        out: list[Any] = []
        for it in items:
            if isinstance(it, str) and it.startswith("@"):
                name = it[1:]
                if name not in sets:
                    errors.append(f"{where}：规则组「{name}」未在 [rule_sets] 中定义")
                    continue
                out.extend(expand(sets[name], f"rule_sets.{name}"))
            else:
                out.append(it)
        return out

    dirs = data.get("directions")
    if isinstance(dirs, dict):
        new = {}
        for key, d in dirs.items():
            if isinstance(d, dict) and "rules" in d:
                d = dict(d)
                d["rules"] = _rules_raw(
                    expand(d["rules"], f"directions.{key}.rules"), f"directions.{key}.rules", clauses, errors
                )
            new[key] = d
        data["directions"] = new
    if "unrecognised" in data:
        u = data["unrecognised"]
        items = u.get("rules") if isinstance(u, dict) else u
        data["unrecognised"] = _rules_raw(
            expand(items, "unrecognised.rules"), "unrecognised.rules", clauses, errors
        )
    if isinstance(data.get("batch"), dict):
        b = dict(data["batch"])
        b["rules"] = _rules_raw(expand(b.get("rules"), "batch.rules"), "batch.rules", clauses, errors)
        data["batch"] = b
    return data


_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def structural_errors(p: Policy) -> list[str]:
    """Checks that need no rule: keys, doc types, evidence, windows, regexes."""
    errs: list[str] = []
    if p.period.start > p.period.end:
        errs.append(f"period：起始日期 {p.period.start} 晚于截止日期 {p.period.end}")
    known = set(DOC_TYPE_LABELS) | set(p.doc_types)
    for k, t in p.doc_types.items():
        where = f"doc_types.{k}"
        if not _KEY_RE.match(k):
            errs.append(f"{where}：类型键只能用小写字母、数字和下划线")
        if k in DOC_TYPE_LABELS:
            errs.append(f"{where}：与内置材料类型重名（内置类型不能重新定义）")
        if not t.titles:
            errs.append(f"{where}.titles：至少写一个标题（分类器据此识别该类材料）")
        for pat in (*t.titles, *t.keywords, *(lab for f in t.fields.values() for lab in f.labels)):
            try:
                re.compile(pat)
            except re.error as exc:
                errs.append(f"{where}：「{pat}」不是有效的正则表达式（{exc}）")
    for t in p.supporting.doc_types:
        if t not in known:
            errs.append(f"supporting.doc_types：未知材料类型「{t}」")
    words: dict[str, str] = {}
    if not p.directions:
        errs.append("directions：至少定义一个申报方向")
    for key, d in p.directions.items():
        where = f"directions.{key}"
        if not _KEY_RE.match(key):
            errs.append(f"{where}：方向键只能用小写字母、数字和下划线")
        if not d.required:
            errs.append(f"{where}.required：未列出应附材料（至少申报表）")
        for t in (*d.required, *(d.supporting or ())):
            if t not in known:
                errs.append(
                    f"{where}：未知材料类型「{t}」（内置类型见 docs/policy.md，或在 [doc_types.{t}] 中定义）"
                )
        if not d.rules:
            errs.append(f"{where}.rules：未列出要运行的规则")
        for w in d.words or (d.label,):
            if w in words and words[w] != key:
                errs.append(f"{where}.words：「{w}」同时用于方向 {words[w]}，申报表上无法区分")
            words[w] = key
    return errs


def policy_errors(data: dict[str, Any], source: str = "") -> tuple[Policy | None, list[str]]:
    """Validate TOML data: the policy (when it parses) and every mistake as one Chinese line."""
    errors: list[str] = []
    prepared = _prepare(data, errors)
    pol = None
    for _ in range(8):  # report every mistake: drop what failed and validate the rest again
        try:
            pol = Policy.model_validate(prepared)
            break
        except ValidationError as exc:
            errors += pydantic_lines(exc)
            if not _drop_failed(prepared, exc):
                return None, errors
    if pol is None:
        return None, errors
    errors += structural_errors(pol)
    for v in _VALIDATORS:
        errors += v(pol)
    return pol, errors


def _drop_failed(data: dict[str, Any], exc: ValidationError) -> bool:
    """Remove the parts that failed (an unknown key, a broken direction or doc type) so the
    rest can be validated; False when a required part failed."""
    dropped = False
    for e in exc.errors():
        loc = e["loc"]
        if not loc:
            return False
        if e["type"] == "extra_forbidden":
            parent: Any = data
            for k in loc[:-1]:
                parent = parent.get(k) if isinstance(parent, dict) else None
            if isinstance(parent, dict) and parent.pop(str(loc[-1]), None) is not None:
                dropped = True
                continue
        if loc[0] in ("directions", "doc_types") and len(loc) >= 2 and isinstance(data.get(loc[0]), dict):
            dropped |= data[loc[0]].pop(str(loc[1]), None) is not None
        elif loc[0] in ("unrecognised", "batch"):
            dropped |= data.pop(str(loc[0]), None) is not None
        else:
            return False
    return dropped


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def policy_path(path_or_name: str | Path | None) -> Path:
    if path_or_name is None or path_or_name == "":
        path_or_name = DEFAULT_POLICY
    p = Path(path_or_name)
    if p.suffix != ".toml" and not p.exists():
        p = POLICY_DIR / f"{path_or_name}.toml"
    return p.resolve()


def check_file(path_or_name: str | Path) -> tuple[Policy | None, list[str]]:
    """Load and validate a policy file without raising: ``(policy or None, error lines)``."""
    p = policy_path(path_or_name)
    try:
        raw = p.read_bytes()
    except OSError:
        return None, [f"找不到策略文件 {path_or_name}"]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, ["文件不是 UTF-8 编码的文本"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"TOML 语法错误：{exc}"]
    pol, errors = policy_errors(data, p.name)
    if pol is not None:
        pol = pol.model_copy(update={"digest": digest_of(raw), "source": str(p)})
    return pol, errors


def load_policy(path_or_name: str | Path | None = DEFAULT_POLICY) -> Policy:
    """Load a policy by name (``"fujian-ai-2024"``, looked up in ``verifiers/policies``) or path.

    Raises ``FileNotFoundError`` for an unknown name and :class:`PolicyError` (a ``ValueError``)
    listing every mistake of an invalid file (a configuration error of the operator, not bad
    applicant input).
    """
    p = policy_path(path_or_name)
    if not p.exists():
        raise FileNotFoundError(f"找不到策略文件 {path_or_name}")
    return _load(p, p.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: Path, _mtime: int) -> Policy:
    pol, errors = check_file(path)
    if errors or pol is None:
        raise PolicyError(path.name, errors or ["无法解析"])
    return pol


def available_policies() -> list[str]:
    """Names of the policies shipped in ``verifiers/policies``."""
    return sorted(p.stem for p in POLICY_DIR.glob("*.toml"))


def direction_label(direction: str | None) -> str:
    """The label of a direction key in any shipped policy (the 2024 labels first)."""
    if not direction:
        return ""
    if direction in DIRECTION_LABELS:
        return DIRECTION_LABELS[direction]
    return _shipped_labels().get(direction, direction)


def all_direction_labels() -> dict[str, str]:
    """Direction key → label over the 2024 directions and every shipped policy's."""
    return {**DIRECTION_LABELS, **{k: v for k, v in _shipped_labels().items() if k not in DIRECTION_LABELS}}


@lru_cache(maxsize=1)
def _shipped_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in available_policies():
        pol, _errors = check_file(name)
        if pol is not None:
            for k, d in pol.directions.items():
                out.setdefault(k, d.label)
    return out

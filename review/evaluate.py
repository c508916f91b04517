"""``evreview eval DIR``: extraction accuracy against ground-truth JSON.

DIR holds ``applications/<id>/…`` and ``truth/<id>.json`` (the sample_docs format:
documents with file, doc_type, pages, scanned, layout, fields, and printed_text per
file and page). Reports doc_type accuracy, field accuracy per doc_type and per
reading method (text layer vs OCR), character recovery of the reading layer, and
lists every miss.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extractor.extract import extract_documents
from models.contract import CONTRACT_FIELDS, Document, to_json_value
from review.pipeline import read_application_files


def _norm_scalar(v: Any) -> Any:
    v = to_json_value(v)
    if isinstance(v, str):
        s = unicodedata.normalize("NFKC", v)
        return "".join(s.split())
    return v


# Free-text fields: the printed sentence may be cut at a different clause boundary than
# the truth's; the extraction counts when one contains the other and it is not more than
# three times as long (the whole page never passes).
FREE_TEXT_FIELDS = {"service_content", "business_scope", "purpose", "conclusion"}


# Amounts in words: the currency word or a 大写 tag printed in front of the words is not
# part of the amount (「人民币壹拾万元整」 = 「壹拾万元整」); truth writers differ on keeping it.
_WORDS_PREFIX = re.compile(r"^(?:人民币|RMB|[（(]?大写[)）]?[:：]?)+")
# The kind of an older e-invoice is printed after the issuing province (「浙江增值税电子普通发票」);
# evreview reports the kind (「增值税电子普通发票」, the sample_docs convention), so the place in
# front is not compared.
_KIND_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}(?=增值税)")


def field_matches(key: str, expected: Any, got: Any) -> bool:
    """:func:`values_equal`, with containment for free-text fields.

    >>> field_matches("service_content", "GPU算力资源", "提供GPU算力资源")
    True
    >>> field_matches("service_content", "GPU算力资源", "配置说明")
    False
    >>> field_matches("amount_in_words", "壹拾万元整", "人民币壹拾万元整")
    True
    >>> field_matches("amount_in_words", "壹拾万元整", "壹拾万元")
    False
    >>> field_matches("invoice_kind", "湖北增值税电子普通发票", "增值税电子普通发票")
    True
    >>> field_matches("invoice_kind", "增值税专用发票", "增值税电子普通发票")
    False
    >>> field_matches("item_names", ["*汽油*E92", "*汽油*E92"], ["*汽油*E92"])
    True
    >>> field_matches("item_names", ["*汽油*E92", "*柴油*0#"], ["*汽油*E92"])
    False
    >>> field_matches("tax_rate", "0.00", "0"), field_matches("tax_rate", "0.06", "0.13")
    (True, False)
    """
    if values_equal(expected, got):
        return True
    if key == "item_names" and isinstance(expected, list) and isinstance(got, list):
        # evreview names each item once (as the e-invoice data does); a truth may list a
        # name again for a discount line of the same goods
        return [_norm_scalar(x) for x in dict.fromkeys(expected)] == [
            _norm_scalar(x) for x in dict.fromkeys(got)
        ]
    if key.endswith("_in_words") and isinstance(expected, str) and isinstance(got, str):
        return _WORDS_PREFIX.sub("", _norm_scalar(expected)) == _WORDS_PREFIX.sub("", _norm_scalar(got))
    if key == "invoice_kind" and isinstance(expected, str) and isinstance(got, str):
        return _KIND_PLACE.sub("", _norm_scalar(expected)) == _KIND_PLACE.sub("", _norm_scalar(got))
    if key == "tax_rate" and isinstance(expected, str) and isinstance(got, str):
        # a rate is a decimal string (CONTRACT): 「0%」 is "0" however many places are written
        try:
            return Decimal(expected) == Decimal(got)
        except InvalidOperation:
            return False
    if key in FREE_TEXT_FIELDS and isinstance(expected, str) and isinstance(got, str):
        e, g = _norm_scalar(expected), _norm_scalar(got)
        if e and g and (e in g or g in e):
            return max(len(e), len(g)) <= 3 * min(len(e), len(g))
    return False


def values_equal(expected: Any, got: Any) -> bool:
    """Compare a truth value with an extracted one in contract formats.

    >>> values_equal("360000.00", __import__("decimal").Decimal("360000"))
    True
    >>> values_equal("泉州智算科技有限公司", "泉州智算科技 有限公司")
    True
    >>> values_equal([{"name": "甲", "amount": "1.00"}], [{"name": "甲", "amount": "1.00"}])
    True
    """
    e, g = to_json_value(expected), to_json_value(got)
    if isinstance(e, list) and isinstance(g, list):
        if all(isinstance(x, dict) for x in e) and all(isinstance(x, dict) for x in g):

            def norm(xs: list[Any]) -> list[str]:
                return sorted(
                    json.dumps({k: _norm_scalar(v) for k, v in x.items()}, ensure_ascii=False) for x in xs
                )

            return norm(e) == norm(g)
        return sorted(map(str, map(_norm_scalar, e))) == sorted(map(str, map(_norm_scalar, g)))
    if isinstance(e, bool) or isinstance(g, bool):
        return e == g
    if isinstance(e, (int, float)) and isinstance(g, (int, float, str)):
        try:
            return float(e) == float(g)
        except ValueError:
            return False
    return _norm_scalar(e) == _norm_scalar(g)


def char_recovery(printed: str, read: str) -> tuple[int, int]:
    """(printed characters recovered, characters printed), whitespace ignored.

    A multiset measure: each printed character counts once if the read text has it.
    Reading order is not part of it (PDFs draw labels and values in any order; the
    extractors work on positions).

    >>> char_recovery("金额 100.00", "100.00 金额")
    (8, 8)
    >>> char_recovery("泉州市", "泉川市")
    (2, 3)
    """
    a = Counter("".join(unicodedata.normalize("NFKC", printed).split()))
    b = Counter("".join(unicodedata.normalize("NFKC", read).split()))
    total = sum(a.values())
    return sum((a & b).values()), total


@dataclass
class Tally:
    ok: int = 0
    total: int = 0

    def add(self, good: bool) -> None:
        self.total += 1
        self.ok += int(good)

    @property
    def rate(self) -> float:
        return self.ok / self.total if self.total else 1.0

    def fmt(self) -> str:
        return f"{self.ok}/{self.total} = {self.rate:.1%}"


@dataclass
class EvalReport:
    doc_type: Tally = field(default_factory=Tally)
    doc_type_by_group: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields_by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields_by_method: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields_by_group: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    chars_by_method: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    extra_fields: Tally = field(default_factory=Tally)
    misses: list[str] = field(default_factory=list)
    # truth files may say which split a document belongs to: "firstlook" (scored before any
    # tuning, never tuned on) or "tune"; figures per split, per doc type and per field
    doc_type_by_split: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    fields_by_split: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Tally))
    )
    keys_by_split: dict[str, dict[str, Tally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Tally))
    )

    def render(self) -> str:
        out = [f"文档类型准确率：{self.doc_type.fmt()}"]
        for g, t in sorted(self.doc_type_by_group.items()):
            out.append(f"  [{g}] {t.fmt()}")
        out.append("字段准确率（按文档类型）：")
        out += [f"  {k}: {t.fmt()}" for k, t in sorted(self.fields_by_type.items())]
        out.append("字段准确率（按读取方式）：")
        out += [f"  {k}: {t.fmt()}" for k, t in sorted(self.fields_by_method.items())]
        out.append("字段准确率（按版式组）：")
        out += [f"  {k}: {t.fmt()}" for k, t in sorted(self.fields_by_group.items())]
        out.append(f"合同外附加字段（不计入准确率）：{self.extra_fields.fmt()}")
        out += self._render_splits()
        out.append("字符还原率（按读取方式）：")
        out += [f"  {k}: {t.fmt()}" for k, t in sorted(self.chars_by_method.items())]
        if self.misses:
            out.append(f"未命中（{len(self.misses)}）：")
            out += [f"  - {m}" for m in self.misses]
        return "\n".join(out)

    def _render_splits(self) -> list[str]:
        if not self.doc_type_by_split:
            return []
        splits = sorted(self.doc_type_by_split, key=lambda x: (x != "firstlook", x))
        names = {"firstlook": "首次评估（未调优）", "tune": "调优集"}
        out = ["按评估集（首次评估 = 调优前评分、从未据以调优的文档）："]
        for sp in splits:
            total = Tally()
            for t in self.fields_by_split[sp].values():
                total.ok += t.ok
                total.total += t.total
            out.append(
                f"  [{names.get(sp, sp)}] 文档类型 {self.doc_type_by_split[sp].fmt()}；字段 {total.fmt()}"
            )
            for k, t in sorted(self.fields_by_split[sp].items()):
                out.append(f"      {k}: {t.fmt()}")
        keys = sorted({k for sp in splits for k in self.keys_by_split[sp]})
        out.append("  字段明细（" + " | ".join(names.get(sp, sp) for sp in splits) + "）：")
        for key in keys:
            cells = [
                self.keys_by_split[sp][key].fmt() if key in self.keys_by_split[sp] else "—" for sp in splits
            ]
            out.append(f"      {key}: " + " | ".join(cells))
        return out

    def as_dict(self) -> dict[str, Any]:
        def d(ts: dict[str, Tally]) -> dict[str, Any]:
            return {k: {"ok": t.ok, "total": t.total, "rate": round(t.rate, 4)} for k, t in ts.items()}

        return {
            "doc_type": {
                "ok": self.doc_type.ok,
                "total": self.doc_type.total,
                "rate": round(self.doc_type.rate, 4),
            },
            "doc_type_by_group": d(self.doc_type_by_group),
            "fields_by_type": d(self.fields_by_type),
            "fields_by_method": d(self.fields_by_method),
            "fields_by_group": d(self.fields_by_group),
            "chars_by_method": d(self.chars_by_method),
            "extra_fields": {"ok": self.extra_fields.ok, "total": self.extra_fields.total},
            "doc_type_by_split": d(self.doc_type_by_split),
            "fields_by_split": {sp: d(ts) for sp, ts in self.fields_by_split.items()},
            "keys_by_split": {sp: d(ts) for sp, ts in self.keys_by_split.items()},
            "misses": self.misses,
        }


def _match_doc(truth_doc: dict[str, Any], docs: list[Document]) -> Document | None:
    same_file = [d for d in docs if d.file == truth_doc["file"]]
    want = set(truth_doc.get("pages") or [])
    best, best_overlap = None, -1
    for d in same_file:
        overlap = len(want & set(d.pages)) if want else 1
        if overlap > best_overlap:
            best, best_overlap = d, overlap
    return best if best_overlap > 0 or (same_file and not want) else None


def _why_missing(read: Any) -> str:
    """Why no document was found for a truth entry: the file's read error when there is
    one (a time-out or a crash is not an extraction miss), else 「（未找到）」."""
    if read is None:
        return "（未找到：文件不在申请目录中）"
    if read.errors and (read.meta.get("isolation_failure") or not read.pages):
        return f"（未找到：{read.errors[0]}）"
    return "（未找到）"


def evaluate_application(
    app_dir: Path, truth: dict[str, Any], reader: Any, cache: Any, report: EvalReport
) -> None:
    reads, _errors = read_application_files(app_dir, reader, cache)
    docs: list[Document] = []
    for fr in reads:
        for d in extract_documents(fr.result):
            d.file = fr.rel
            docs.append(d)
    by_file = {fr.rel: fr.result for fr in reads}
    group_of = truth.get("layout_group") or "seen"
    app_id = truth.get("application_id", app_dir.name)
    for tdoc in truth.get("documents", []):
        group = tdoc.get("layout_group") or group_of
        split = tdoc.get("split") or truth.get("split")
        tag = f"[{split}] " if split else ""
        got = _match_doc(tdoc, docs)
        ok_type = got is not None and got.doc_type == tdoc["doc_type"]
        report.doc_type.add(ok_type)
        report.doc_type_by_group[group].add(ok_type)
        if split:
            report.doc_type_by_split[split].add(ok_type)
        if not ok_type:
            report.misses.append(
                f"{tag}{app_id}/{tdoc['file']} 页{tdoc.get('pages')}: 类型应为 {tdoc['doc_type']}，"
                f"识别为 {got.doc_type if got else _why_missing(by_file.get(tdoc['file']))}"
            )
        method = "ocr" if tdoc.get("scanned") else "text"
        promised = CONTRACT_FIELDS.get(tdoc["doc_type"], ("title",))
        for key, expected in (tdoc.get("fields") or {}).items():
            fv = got.fields.get(key) if (got is not None and ok_type) else None
            good = fv is not None and field_matches(key, expected, fv.value)
            if key not in promised:
                # beyond CONTRACT section 4: reported, not part of the accuracy figures
                report.extra_fields.add(good)
                continue
            report.fields_by_type[tdoc["doc_type"]].add(good)
            report.fields_by_method[method].add(good)
            report.fields_by_group[group].add(good)
            if split:
                report.fields_by_split[split][tdoc["doc_type"]].add(good)
                report.keys_by_split[split][f"{tdoc['doc_type']}.{key}"].add(good)
            if not good:
                shown = (
                    "（未抽取）" if fv is None else json.dumps(to_json_value(fv.value), ensure_ascii=False)
                )
                report.misses.append(
                    f"{tag}{app_id}/{tdoc['file']} {tdoc['doc_type']}.{key}: 应为 "
                    f"{json.dumps(expected, ensure_ascii=False)}，抽取 {shown}"
                )
    for fname, pages in (truth.get("printed_text") or {}).items():
        read = by_file.get(fname)
        for page_no, printed in pages.items():
            page = next((p for p in read.pages if p.number == int(page_no)), None) if read else None
            got_text = page.text if page else ""
            method = page.method if page else "missing"
            ok, total = char_recovery(printed, got_text)
            t = report.chars_by_method[method]
            t.ok += ok
            t.total += total


def evaluate_dir(
    root: Path,
    reader: Any,
    cache: Any = None,
    only: str | None = None,
    split: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> EvalReport:
    """Score every application under ``root`` against ``root/truth``.

    ``progress(app_id, done, total)`` is called before each application and once at the end
    (with ``app_id`` empty), so a long OCR run shows where it is.
    """
    report = EvalReport()
    apps_dir = root / "applications"
    chosen: list[tuple[str, dict[str, Any]]] = []
    for tfile in sorted((root / "truth").glob("*.json")):
        if tfile.name.startswith("_"):  # _batch.json: batch expectations, not an application
            continue
        if only and not tfile.stem.startswith(only):
            continue
        truth = json.loads(tfile.read_text(encoding="utf-8"))
        app_id = truth.get("application_id", tfile.stem)
        if only and not app_id.startswith(only):
            continue
        if split and (truth.get("split") or "") != split:
            continue
        chosen.append((app_id, truth))
    for done, (app_id, truth) in enumerate(chosen):
        if progress:
            progress(app_id, done, len(chosen))
        app_dir = apps_dir / app_id
        if not app_dir.exists() and (apps_dir / f"{app_id}.zip").exists():
            app_dir = apps_dir / f"{app_id}.zip"
        if not app_dir.exists():
            report.misses.append(f"{app_id}: 申报材料不存在")
            continue
        evaluate_application(app_dir, truth, reader, cache, report)
    if progress:
        progress("", len(chosen), len(chosen))
    return report

"""OCR variants side by side: ``python bench/ocr_variants.py [--rounds N] [--threads T] [--only a,b]``.

Used by bench/read.py and bench/batch.py, and runnable on its own. Every variant is an
:class:`extractor.ocr.OcrEngine` with its settings pinned; the baseline is RapidOCR on
onnxruntime exactly as evreview ran it before issue 18 (detection sized by RapidOCR's
own rule, recognition batch 6, onnxruntime's spinning thread pools on). Each variant
reads, through the real readers (``read_path``), the scanned documents of the sample
applications (truth marks ``"scanned": true``) and the real images and scanned report
in ../shared/realdocs; the variants take turns on every document (interleaved, the
order rotated each round) so that the shared machine's load hits all alike.

Printed per variant: CPU s/page (this process's CPU time, the primary figure on a
shared machine) and wall s/page, both the median over rounds of the per-document
totals; fields found (sample scans: the contract fields of the truth; real documents:
the values the slow tests pin) and characters recovered on the sample scans; and every
field that differs from the baseline's result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import extractor.ocr as ocr_mod  # noqa: E402
from extractor.ocr import OcrEngine, openvino_version  # noqa: E402

REALDOCS = ROOT.parent / "shared" / "realdocs"
if not REALDOCS.is_dir():
    REALDOCS = Path("/work/shared/realdocs")

# name → OcrEngine keyword arguments (threads added at run time)
VARIANTS: dict[str, dict[str, Any]] = {
    "baseline ort": dict(runtime="onnxruntime", det_max_side=0, rec_batch=6, spin=True),
    "ort det1280": dict(runtime="onnxruntime", det_max_side=1280, rec_batch=6, spin=True),
    "ort nospin": dict(runtime="onnxruntime", det_max_side=0, rec_batch=6, spin=False),
    "ort recb1": dict(runtime="onnxruntime", det_max_side=0, rec_batch=1, spin=True),
    "ov bf16": dict(runtime="openvino", precision="bf16", det_max_side=0, rec_batch=6),
    "ov f32": dict(runtime="openvino", precision="f32", det_max_side=0, rec_batch=6),
    "ov recb1": dict(runtime="openvino", precision="bf16", det_max_side=0, rec_batch=1),
    "ov det1280": dict(runtime="openvino", precision="bf16", det_max_side=1280, rec_batch=6),
    "ov det1600": dict(runtime="openvino", precision="bf16", det_max_side=1600, rec_batch=6),
    "ov cache0": dict(runtime="openvino", precision="bf16", det_max_side=0, rec_batch=6, ov_cache=0),
    "ov cache100": dict(runtime="openvino", precision="bf16", det_max_side=0, rec_batch=6, ov_cache=100),
    "ort det1600": dict(runtime="onnxruntime", det_max_side=1600, rec_batch=6, spin=True),
    "ort fallback": dict(runtime="onnxruntime"),  # the default settings on onnxruntime
    "ort noholes": dict(runtime="onnxruntime", fill_holes=False),  # without the second local read
    "ort nosmall": dict(runtime="onnxruntime", small_print=False),  # without re-reading big print's band
    "NEW DEFAULT": {},  # OcrEngine() as evreview builds it (settings from the environment)
}
BASELINE = "baseline ort"
# the set run when none is named: the baseline, each step alone, the fallback, the default
DEFAULT_SET = (
    "baseline ort",
    "ov bf16",
    "ov f32",
    "ort det1280",
    "ov det1280",
    "ort fallback",
    "NEW DEFAULT",
)


@dataclass
class Doc:
    """One document to read, and what must be found in it."""

    name: str
    path: Path
    kind: str  # "sample" | "real"
    check: Callable[[Any], dict[str, bool]]  # ReadResult → {field: found}
    printed: dict[int, str] = field(default_factory=dict)  # page → printed text (sample scans)


def _sample_docs() -> list[Doc]:
    from extractor.extract import extract_documents
    from models.contract import CONTRACT_FIELDS
    from review.evaluate import field_matches

    out: list[Doc] = []
    for tfile in sorted((ROOT / "sample_docs" / "truth").glob("app-*.json")):
        truth = json.loads(tfile.read_text(encoding="utf-8"))
        app = ROOT / "sample_docs" / "applications" / truth["application_id"]
        scanned = [d for d in truth.get("documents", []) if d.get("scanned")]
        for fname in sorted({d["file"] for d in scanned}):
            tdocs = [d for d in scanned if d["file"] == fname]

            def check(result: Any, tdocs: list[dict] = tdocs) -> dict[str, bool]:
                docs = extract_documents(result)
                found: dict[str, bool] = {}
                for td in tdocs:
                    want = set(td.get("pages") or [])
                    got = next(
                        (
                            d
                            for d in docs
                            if d.doc_type == td["doc_type"] and (not want or want & set(d.pages))
                        ),
                        None,
                    )
                    promised = CONTRACT_FIELDS.get(td["doc_type"], ("title",))
                    for key, expected in (td.get("fields") or {}).items():
                        if key not in promised:
                            continue
                        fv = got.fields.get(key) if got else None
                        tag = f"{td['doc_type']}.{key}@p{','.join(map(str, sorted(want)))}"
                        found[tag] = fv is not None and field_matches(key, expected, fv.value)
                return found

            printed = {int(k): v for k, v in (truth.get("printed_text") or {}).get(fname, {}).items()}
            out.append(Doc(f"{truth['application_id']}/{fname}", app / fname, "sample", check, printed))
    return out


def _real_docs() -> list[Doc]:
    if not REALDOCS.is_dir():
        return []
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from extractor.fields import audit, invoice, license
    from tests.test_fields_invoice import EXPECTED as INVOICES
    from tests.test_fields_license import EXPECTED as LICENCES

    audit_expected = {
        "report_no": "中武验字[2025]ZW-5504号",
        "audited_entity": "长沙深算科技有限公司",
        "report_date": date(2025, 9, 11),
        "audit_firm": "湖北中武会计师事务所",
    }
    sets = [
        ("licenses", LICENCES, license.extract, sorted(LICENCES)),
        ("invoices", INVOICES, invoice.extract, ["inv19", "inv20", "inv21", "inv22", "inv23"]),
        ("reports", {"rpt01": audit_expected}, audit.extract, ["rpt01"]),
    ]
    out: list[Doc] = []
    for folder, expected, extract, prefixes in sets:
        for prefix in prefixes:
            files = [
                f
                for f in sorted((REALDOCS / folder).glob(f"{prefix}_*"))
                if f.suffix.lower() in {".pdf", ".png", ".jpg"}
            ]
            if not files:
                continue

            def check(
                result: Any, want: dict = expected[prefix], extract: Callable = extract
            ) -> dict[str, bool]:
                fields = extract(result.pages)
                return {k: k in fields and fields[k].value == v for k, v in want.items()}

            out.append(Doc(prefix, files[0], "real", check))
    return out


@dataclass
class Tally:
    cpu: list[float] = field(default_factory=list)  # per round: CPU s over all documents
    wall: list[float] = field(default_factory=list)
    pages: int = 0
    found: dict[str, bool] = field(default_factory=dict)  # "doc: field" → found (first round)
    chars: tuple[int, int] = (0, 0)  # sample scans: printed characters recovered, printed
    engine: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float = 0.0


def _docs(only: str | None = None) -> list[Doc]:
    docs = _sample_docs() + _real_docs()
    return [d for d in docs if not only or only in d.name]


def read_all(name: str, threads: int = 1, only: str | None = None) -> dict[str, Any]:
    """One variant reads every document in this process (the child of :func:`run`)."""
    import resource

    from extractor.read import ReadContext, read_path
    from review.evaluate import char_recovery

    engine = OcrEngine(threads, **VARIANTS[name])
    if not engine.is_available():
        raise RuntimeError(f"{name}: OCR unavailable: {engine._error}")
    ocr_mod._ENGINE = engine
    out: dict[str, Any] = {"cpu": 0.0, "wall": 0.0, "pages": 0, "found": {}, "chars": [0, 0]}
    for doc in _docs(only):
        w0, c0 = time.perf_counter(), time.process_time()
        result = read_path(doc.path, ctx=ReadContext())
        out["cpu"] += time.process_time() - c0
        out["wall"] += time.perf_counter() - w0
        out["pages"] += sum(1 for p in result.pages if p.method == "ocr")
        for key, ok in doc.check(result).items():
            out["found"][f"{doc.name}: {key}"] = ok
        for pno, printed in doc.printed.items():
            page = next((p for p in result.pages if p.number == pno), None)
            got, total = char_recovery(printed, page.text if page else "")
            out["chars"][0] += got
            out["chars"][1] += total
    out["engine"] = engine.engine_info()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run(
    names: list[str] | None = None,
    rounds: int = 2,
    threads: int = 1,
    only: str | None = None,
    out: Callable[[str], None] = print,
) -> dict[str, Tally]:
    """Every variant reads every document, each in its own process (one engine in memory
    at a time), the variants alternated: A B C … then … C B A; print and return the tallies."""
    import subprocess

    names = names or list(DEFAULT_SET)
    if openvino_version() is None:
        names = [n for n in names if VARIANTS[n].get("runtime") != "openvino"]
    docs = _docs(only)
    tallies = {n: Tally() for n in names}
    load0 = os.getloadavg()[0]
    for r in range(rounds):
        for n in names if r % 2 == 0 else list(reversed(names)):
            cmd = [sys.executable, __file__, "--child", n, "--threads", str(threads)]
            if only:
                cmd += ["--docs", only]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                raise RuntimeError(f"{n}: {proc.stderr[-2000:]}")
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            t = tallies[n]
            t.cpu.append(res["cpu"])
            t.wall.append(res["wall"])
            t.peak_rss_mb = max(t.peak_rss_mb, res["peak_rss_mb"])
            if not t.found:
                t.pages, t.found, t.chars, t.engine = (
                    res["pages"],
                    res["found"],
                    tuple(res["chars"]),
                    res["engine"],
                )
    load1 = os.getloadavg()[0]
    _report(tallies, docs, rounds, threads, (load0, load1), out)
    return tallies


def _report(
    tallies: dict[str, Tally],
    docs: list[Doc],
    rounds: int,
    threads: int,
    loads: tuple[float, float],
    out: Callable[[str], None],
) -> None:
    names = list(tallies)
    base = tallies.get(BASELINE) or tallies[names[0]]
    n_sample = sum(1 for d in docs if d.kind == "sample")
    out(
        f"OCR variants on {len(docs)} documents ({n_sample} sample scans, {len(docs) - n_sample} real), "
        f"{base.pages} OCR pages, {rounds} alternated round(s), {threads} thread(s), "
        f"load average {loads[0]:.1f} → {loads[1]:.1f}"
    )
    out(
        f"  {'variant':14s} {'CPU s/page':>10s} {'×base':>6s} {'wall s/page':>11s} {'×base':>6s}  "
        f"{'fields sample':>13s} {'fields real':>11s} {'chars sample':>14s} {'peak RSS':>8s}  engine"
    )
    b_cpu = statistics.median(base.cpu) / max(base.pages, 1)
    b_wall = statistics.median(base.wall) / max(base.pages, 1)
    sample = {d.name for d in docs if d.kind == "sample"}
    for n in names:
        t = tallies[n]
        cpu = statistics.median(t.cpu) / max(t.pages, 1)
        wall = statistics.median(t.wall) / max(t.pages, 1)
        fs = [ok for k, ok in t.found.items() if k.split(": ")[0] in sample]
        fr = [ok for k, ok in t.found.items() if k.split(": ")[0] not in sample]
        e = t.engine
        eng = f"{e.get('runtime')} {e.get('runtime_version')} {e.get('precision')} det{e.get('det_max_side')} b{e.get('rec_batch')}"
        out(
            f"  {n:14s} {cpu:10.2f} {cpu / b_cpu:6.2f} {wall:11.2f} {wall / b_wall:6.2f}  "
            f"{sum(fs):>6d}/{len(fs):<6d} {sum(fr):>5d}/{len(fr):<5d} {t.chars[0]:>6d}/{t.chars[1]:<7d} "
            f"{t.peak_rss_mb:6.0f}MB  {eng}"
        )
    for n in names:
        if n == BASELINE:
            continue
        diff = sorted(
            f"{k} {'lost' if base.found.get(k) else 'gained'}"
            for k, ok in tallies[n].found.items()
            if ok != base.found.get(k)
        )
        out(f"  fields changed vs baseline, {n}: {'; '.join(diff) if diff else 'none'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", default=None, help="comma-separated variant names")
    ap.add_argument("--docs", default=None, help="only documents whose name contains this")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(read_all(args.child, args.threads, args.docs)))
        return 0
    names = args.only.split(",") if args.only else None
    run(names, args.rounds, args.threads, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

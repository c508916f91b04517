"""Seal detection, seal reading and seal rules measured on sample_docs/seals (made by someone
who did not write the detector).

    python bench/seal_accuracy.py [--root sample_docs/seals/out] [--only seal-00]

Prints, separately for text-layer pages and scans/photos:
- detection recall and precision: a truth seal is found when a detected box overlaps it
  (IoU ≥ 0.3 on the same page of the same file); a detected box that overlaps no truth seal
  is a false detection (national emblems and other red marks included);
- name match: among found seals whose truth text names a company, the share whose read text
  names that company (rapidfuzz ratio of the names without legal form ≥ the policy's
  ``name_match``, the rule's own comparison);
- rule agreement: each expected seal finding (rule, status, file) of the truth against the
  findings the verification produced, and the seal findings that were not expected.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review.pipeline import verify_application  # noqa: E402
from review.worker import InProcessReader  # noqa: E402
from verifiers import load_policy  # noqa: E402
from verifiers.seals import seal_score  # noqa: E402

SEAL_RULES = {"evidence.applicant_seal", "contract.party_seals", "invoice.seller_seal"}


def iou(a, b) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT / "sample_docs" / "seals" / "out")
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    policy = load_policy()
    found, missed, false_det = Counter(), Counter(), Counter()
    named, named_ok = Counter(), Counter()
    rules_ok = rules_total = unexpected = 0
    misses: list[str] = []
    with InProcessReader() as reader:
        for tfile in sorted((args.root / "truth").glob("*.json")):
            truth = json.loads(tfile.read_text(encoding="utf-8"))
            app_id = truth["application_id"]
            if not app_id.startswith(args.only):
                continue
            direction = truth.get("direction")
            result = verify_application(
                args.root / "applications" / app_id, reader, policy=policy, direction=direction
            )
            docs = {d.file: d for d in result.documents}
            for tdoc in truth["documents"]:
                got = docs.get(tdoc["file"])
                kind = "scan" if tdoc.get("scanned") else "text"
                detected = [s for s in (got.seals or [])] if got is not None else []
                used = set()
                for ts in tdoc.get("seals") or []:
                    if ts.get("color") == "grey" and not ts.get("legible", True):
                        kind_t = kind + "-grey"
                    else:
                        kind_t = kind
                    hit = None
                    for i, s in enumerate(detected):
                        if s.page == ts["page"] and iou(s.box, ts["bbox"]) >= 0.3:
                            hit = i
                            break
                    if hit is None:
                        missed[kind_t] += 1
                        misses.append(f"未检出 {app_id}/{tdoc['file']} 第{ts['page']}页 {ts.get('text')}")
                        continue
                    used.add(hit)
                    found[kind_t] += 1
                    if (
                        ts.get("text")
                        and ts.get("kind") in ("official", "contract", "invoice")
                        and ts.get("legible", True)
                    ):
                        named[kind] += 1
                        ok = seal_score(detected[hit].text, ts["text"]) >= policy.seals.name_match
                        named_ok[kind] += ok
                        if not ok:
                            misses.append(
                                f"名称未读对 {app_id}/{tdoc['file']}：应为 {ts['text']}，读出「{detected[hit].text}」"
                            )
                for i, s in enumerate(detected):
                    if i not in used:
                        false_det[kind] += 1
                        misses.append(
                            f"误检 {app_id}/{tdoc['file']} 第{s.page}页 {[round(x) for x in s.box]}「{s.text}」"
                        )
            got_findings = {
                (f.rule, f.status, (f.evidence[0].file if f.evidence else ""))
                for f in result.findings
                if f.rule in SEAL_RULES
            }
            expected = {(e["rule"], e["status"], e["file"]) for e in truth.get("expected_seal_findings", [])}
            for e in expected:
                rules_total += 1
                ok = e in got_findings
                rules_ok += ok
                if not ok:
                    have = sorted(g for g in got_findings if g[0] == e[0] and g[2] == e[2])
                    misses.append(f"规则 {app_id}: 应为 {e}，得到 {have or '无'}")
            unexpected += len({g for g in got_findings if g not in expected and g[1] != "pass"})
    for kind in sorted(set(found) | set(missed)):
        n = found[kind] + missed[kind]
        print(f"检出率 [{kind}] {found[kind]}/{n} = {found[kind] / n:.1%}")
    for kind in ("text", "scan"):
        tp = found[kind] + found[kind + "-grey"]
        fp = false_det[kind]
        if tp + fp:
            print(f"精确率 [{kind}] {tp}/{tp + fp} = {tp / (tp + fp):.1%}")
        if named[kind]:
            print(f"名称匹配 [{kind}] {named_ok[kind]}/{named[kind]} = {named_ok[kind] / named[kind]:.1%}")
    if rules_total:
        print(
            f"印章规则与预期一致 {rules_ok}/{rules_total} = {rules_ok / rules_total:.1%}；预期外的非通过结果 {unexpected} 条"
        )
    for m in misses:
        print("  - " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Write the seal test set and its truth; check a written copy against the generator."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
MANIFEST = ".manifest.json"


def source_hash() -> str:
    h = hashlib.sha256(f"pymupdf={version('PyMuPDF')};pillow={version('Pillow')}".encode())
    for p in sorted([*HERE.glob("*.py"), *(HERE.parent / "gen").glob("*.py")]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def build_app(app) -> tuple[dict[str, Any], dict[str, bytes]]:
    from .apps import SEED
    from .build import expected_seal_findings, render_file, verdict

    rng = random.Random(f"{SEED}-{app.application_id}")
    files: dict[str, bytes] = {}
    documents: list[dict[str, Any]] = []
    printed: dict[str, dict[str, str]] = {}
    declared: dict[str, Any] = {}
    ctx = {"applicant": app.applicant}
    for sf in app.files:
        data, entries, text = render_file(sf, rng, ctx)
        files[sf.spec.path] = data
        documents.extend(entries)
        printed[sf.spec.path] = text
        if entries and entries[0]["doc_type"] == "application_form":
            declared = entries[0]["fields"]
    seal_findings = expected_seal_findings(documents, app.applicant.name)
    problems = [{"rule": f["rule"], "status": f["status"]} for f in seal_findings if f["status"] != "pass"]
    truth = {
        "application_id": app.application_id,
        "direction": app.direction,
        "base_application": app.base,
        "declared": declared,
        "documents": documents,
        "printed_text": printed,
        "expected_findings": problems,
        "expected_verdict": verdict(problems),
        "seeded_defect": app.description,
        "applicant": {"name": app.applicant.name, "credit_code": app.applicant.credit_code},
        "wrong_companies": app.wrong_companies,
        "expected_seal_findings": seal_findings,
    }
    return truth, files


def generate(out: Path) -> dict[str, str]:
    from .apps import build_seal_apps

    apps_dir, truth_dir = out / "applications", out / "truth"
    for d in (apps_dir, truth_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    hashes: dict[str, str] = {}
    for app in build_seal_apps():
        truth, files = build_app(app)
        for rel, data in files.items():
            p = apps_dir / app.application_id / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            hashes[p.relative_to(out).as_posix()] = hashlib.sha256(data).hexdigest()
        tdata = (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode()
        tp = truth_dir / f"{app.application_id}.json"
        tp.write_bytes(tdata)
        hashes[tp.relative_to(out).as_posix()] = hashlib.sha256(tdata).hexdigest()
    manifest = {"source_sha256": source_hash(), "files": dict(sorted(hashes.items()))}
    (apps_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return hashes


def check(out: Path) -> list[str]:
    mpath = out / "applications" / MANIFEST
    if not mpath.is_file():
        return [f"缺少清单文件 {mpath}"]
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    problems = []
    if manifest.get("source_sha256") != source_hash():
        problems.append("生成器源代码已变更，需重新生成")
    listed = manifest.get("files", {})
    for rel, sha in listed.items():
        p = out / rel
        if not p.is_file():
            problems.append(f"缺少文件 {rel}")
        elif hashlib.sha256(p.read_bytes()).hexdigest() != sha:
            problems.append(f"文件内容不一致 {rel}")
    present = {
        p.relative_to(out).as_posix()
        for d in ("applications", "truth")
        if (out / d).is_dir()
        for p in (out / d).rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    problems.extend(f"多余文件 {rel}" for rel in sorted(present - set(listed)))
    return problems

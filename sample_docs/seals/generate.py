"""Write the seal test set and its truth; check a written copy against the generator.

Writing and checking a generated set are those of the sample applications
(``sample_docs.generate.write_set`` / ``check_set``); only the applications differ.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from sample_docs.generate import check_set, sources_hash, write_set

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def source_hash() -> str:
    """The seal generator's sources, the shared drawing code (gen/) and the set writer."""
    return sources_hash(
        [*HERE.glob("*.py"), *(HERE.parent / "gen").glob("*.py"), HERE.parent / "generate.py"]
    )


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

    return write_set(out, ((app.application_id, *build_app(app)) for app in build_seal_apps()), source_hash())


def check(out: Path) -> list[str]:
    return check_set(out, source_hash())

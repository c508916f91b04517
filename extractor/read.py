"""Entry point of the reading layer: bytes of one file → :class:`ReadResult`.

The file type is decided from content (magic bytes, :func:`extractor.formats.sniff`), never
from the name; ``READERS`` maps each readable format to its reader. Each reader is a pure
function ``(data, name, ctx) -> ReadResult`` (the contract: :mod:`extractor.readers.context`)
that hashes the bytes itself, so that the caller can run it in an isolated worker process
and cache the result by ``sha256 + READ_VERSION``, a digest of the reading code
(``extractor.version``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import import_module
from pathlib import Path

from extractor.formats import EXT_KINDS, KIND_LABELS, sniff
from extractor.limits import Limits
from extractor.readers.context import ReadContext, sha256_bytes
from extractor.version import EXTRACTOR_VERSION, READ_VERSION  # noqa: F401  (READ_VERSION: the read cache key)
from models.page import ReadResult

__all__ = [
    "READERS",
    "ReadContext",
    "read_bytes",
    "read_path",
    "reader_for",
    "sha256_bytes",
    "signature_meta",
    "sniff",
]

Reader = Callable[[bytes, str, ReadContext], ReadResult]

# format (as sniffed) → its reader (module, function); the formats not listed are refused with
# a reason. A reader's module is imported when its first file comes: importing all of them
# (PyMuPDF, Pillow, python-docx, lxml, the signature checks) takes extractor.read from about
# 0.15 s to 1.6 s (measured, python -X importtime), which every process importing the reading
# layer (the review store, the command line) would pay. The readers' fork server imports them
# all up front (review.reader_stack).
READERS: dict[str, tuple[str, str]] = {
    "pdf": ("extractor.readers.pdf", "read_pdf"),
    "image": ("extractor.readers.image", "read_image"),
    "ofd": ("extractor.readers.ofd", "read_ofd"),
    "xml": ("extractor.readers.xmldoc", "read_xml"),
    "docx": ("extractor.readers.docx", "read_docx"),
    # Word 97-2003 via Debian's antiword; .xls/.wps (also OLE) get the refusal below
    "ole": ("extractor.readers.doc", "read_doc"),
}
# the reader's kind in a ReadResult, where it differs from the sniffed format
RESULT_KINDS = {"ole": "docx"}


@cache
def reader_for(kind: str) -> Reader | None:
    """The reader of a sniffed format (None: not readable)."""
    if kind not in READERS:
        return None
    module, function = READERS[kind]
    return getattr(import_module(module), function)


# formats whose electronic signatures are verified after reading (extractor.signatures)
SIGNED_FORMATS = {"pdf", "ofd"}

# Unicode bidirectional controls: "invoice\u202efdp.exe" displays as "invoiceexe.pdf"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# sniffed kind → why it is not read (Chinese, shown to the reviewer)
REFUSED = {
    "empty": "文件为空（0 字节），无法读取",
    "executable": "文件是可执行程序或脚本，已拒绝读取",
    "broken_zip": "文件看似压缩包（ZIP/DOCX/OFD）但已损坏，无法打开",
    "ole": "文件是旧版 Office 格式（.doc/.xls/.wps），无法读取；请另存为 PDF 或 .docx 后提交",
    "other_archive": "文件是 RAR/7z 压缩包，无法读取；请改用 ZIP 压缩或直接提交其中的文件",
    "office_other": "文件是 Excel/PowerPoint 文档，暂不支持读取；请另存为 PDF 后提交",
}
ZIP_REFUSED = "压缩包应作为申报材料包整体提交，不能作为单个证明材料读取"
UNKNOWN_REFUSED = "无法识别的文件格式（支持 PDF、PNG/JPG/TIFF 图片、OFD、XML、DOCX、DOC）"


def read_bytes(data: bytes, name: str, ctx: ReadContext | None = None) -> ReadResult:
    """Read one file's bytes. Never raises for bad input: errors become data."""
    ctx = ctx or ReadContext()
    kind = sniff(data)
    result_kind = RESULT_KINDS.get(kind, kind) if kind in READERS or kind == "zip" else "unknown"
    if len(data) > ctx.limits.max_file_bytes:
        return ReadResult(
            file=name,
            sha256=sha256_bytes(data),
            kind=result_kind,  # type: ignore[arg-type]
            errors=[
                f"文件过大：{len(data) / 1e6:.1f} MB，超过单个文件上限 "
                f"{ctx.limits.max_file_bytes / 1e6:.0f} MB（limits.max_file_bytes）"
            ],
        )
    if kind == "zip":
        return ReadResult(file=name, sha256=sha256_bytes(data), kind="zip", errors=[ZIP_REFUSED])
    reader = reader_for(kind)
    if reader is None:
        reason = REFUSED.get(kind, UNKNOWN_REFUSED)
        return ReadResult(file=name, sha256=sha256_bytes(data), kind="unknown", errors=[reason])
    warnings: list[str] = []
    if BIDI_CONTROLS.search(name):
        shown = BIDI_CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", name)
        warnings.append(
            f"文件名含有隐藏的文字方向控制字符，显示的名称和扩展名可能具有误导性（实际名称：{shown}）"
        )
    ext_kind = EXT_KINDS.get(Path(name).suffix.lower())
    if ext_kind and ext_kind != kind:
        warnings.append(
            f"文件扩展名（{Path(name).suffix}）与实际内容（{KIND_LABELS.get(kind, kind)}）不符，已按实际内容读取"
        )
    try:
        result = reader(data, name, ctx)
    except MemoryError:
        result = ReadResult(
            file=name, sha256="", kind=result_kind, errors=["读取时内存不足，文件可能过大或已损坏"]
        )  # type: ignore[arg-type]
        # the reader's address space may be spent by the files read before this one: a fresh
        # reader may read it, and the result is not to be cached (review.worker, review.cache)
        result.meta["memory_failure"] = True
    except Exception as exc:  # a reader bug or a hostile file must not crash the caller
        result = ReadResult(
            file=name,
            sha256="",
            kind=result_kind,  # type: ignore[arg-type]
            errors=[f"文件无法读取（{KIND_LABELS.get(kind, kind)}）：{type(exc).__name__}"],
        )
        if is_engine_failure(exc):
            # the OCR runtime failed (memory of a long-lived reader), not the file: a fresh
            # reader may read it; the result is not to be cached (review.worker, review.cache)
            result.meta["engine_failure"] = True
    if not result.sha256:  # the reader hashes the bytes; only a failed read leaves it to us
        result.sha256 = sha256_bytes(data)
    result.warnings = warnings + result.warnings
    result.ocr_calls = ctx.ocr_calls
    if kind in SIGNED_FORMATS and ctx.check_signatures:
        result.meta["signature"] = signature_meta(data, kind, ctx.limits)
    return result


def is_engine_failure(exc: BaseException) -> bool:
    """Whether an exception comes from the OCR inference runtime (onnxruntime, OpenVINO, or
    RapidOCR's wrappers of them) rather than from the file being read.

    >>> is_engine_failure(ValueError("bad xref"))
    False
    >>> Fail = type("Fail", (RuntimeError,), {"__module__": "onnxruntime.capi.onnxruntime_pybind11_state"})
    >>> is_engine_failure(Fail("bad allocation"))
    True
    """
    module = type(exc).__module__ or ""
    return module.startswith(("onnxruntime", "openvino", "rapidocr.inference_engine"))


def signature_meta(data: bytes, kind: str, limits: Limits) -> dict:
    """The file's signature check (:func:`extractor.signatures.verify_signature`) as JSON-able
    data for ``ReadResult.meta["signature"]`` (it travels through the read cache)."""
    # late: the signature checks (OFD package walk, SM2, pyHanko's loader) cost ~0.3 s to
    # import (measured) and only PDF/OFD files need them; see READERS
    from extractor.signatures import verify_signature

    return verify_signature(data, kind, limits).model_dump(mode="json", exclude_none=True)


def read_path(path: str | Path, name: str | None = None, ctx: ReadContext | None = None) -> ReadResult:
    p = Path(path)
    return read_bytes(p.read_bytes(), name or p.name, ctx)

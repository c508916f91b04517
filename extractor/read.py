"""Entry point of the reading layer: bytes of one file → :class:`ReadResult`.

The file type is decided from content (magic bytes), never from the name. Each
reader is a pure function ``(data, name, ctx) -> ReadResult`` so that the caller can
run it in an isolated worker process and cache the result by
``sha256 + READ_VERSION``, a digest of the reading code (``extractor.version``).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from extractor.limits import Limits
from extractor.version import EXTRACTOR_VERSION, READ_VERSION  # noqa: F401  (READ_VERSION: the read cache key)
from models.page import ReadResult


@dataclass
class ReadContext:
    """Per-call settings and counters handed to every reader."""

    limits: Limits = field(default_factory=Limits)
    ocr_enabled: bool = True
    # Force OCR on every page (diagnostics / benchmarks); normally the reader decides.
    force_ocr: bool = False
    ocr_calls: int = 0
    # verify the electronic signatures of OFD/PDF files (off when reading a rewritten part
    # of a file, e.g. a page range: its bytes are no longer the signed ones)
    check_signatures: bool = True
    # Look for seals (印章) on PDF pages and images (extractor.seals); reading their text
    # needs the OCR engine.
    seals: bool = True


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff(data: bytes) -> str:
    """Decide the file kind from its first bytes.

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n....")
    'image'
    >>> sniff(b"\\xef\\xbb\\xbf<?xml version='1.0'?><a/>")
    'xml'
    >>> sniff(b"MZ\\x90\\x00")
    'executable'
    >>> sniff(b"")
    'empty'
    """
    if not data:
        return "empty"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff"):
        return "image"
    if head.startswith((b"II*\x00", b"MM\x00*", b"BM", b"GIF87a", b"GIF89a")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")):
        return "executable"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .doc / .xls / .wps of old Office
    if head.startswith((b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")):
        return "other_archive"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
        return "xml"
    return "unknown"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "broken_zip"
    lower = {n.lower() for n in names}
    if "word/document.xml" in lower:
        return "docx"
    if "ofd.xml" in lower:
        return "ofd"
    if "xl/workbook.xml" in lower or "ppt/presentation.xml" in lower:
        return "office_other"
    if any(n.endswith("/ofd.xml") for n in lower) and not any(
        n.endswith((".pdf", ".png", ".jpg", ".docx")) for n in lower
    ):
        return "ofd"
    return "zip"


EXT_KINDS = {
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".bmp": "image",
    ".ofd": "ofd",
    ".xml": "xml",
    ".docx": "docx",
    ".zip": "zip",
}


def _reader_for(kind: str) -> Callable[[bytes, str, ReadContext], ReadResult] | None:
    # Imported lazily: a process that only reads XML never loads the OCR stack.
    if kind == "pdf":
        from extractor.readers.pdf import read_pdf

        return read_pdf
    if kind == "image":
        from extractor.readers.image import read_image

        return read_image
    if kind == "ofd":
        from extractor.readers.ofd import read_ofd

        return read_ofd
    if kind == "xml":
        from extractor.readers.xmldoc import read_xml

        return read_xml
    if kind == "docx":
        from extractor.readers.docx import read_docx

        return read_docx
    return None


# Unicode bidirectional controls: "invoice\u202efdp.exe" displays as "invoiceexe.pdf"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

UNSUPPORTED = {
    "ole": "文件是旧版 Office 格式（.doc/.xls/.wps），无法读取；请另存为 PDF 或 .docx 后提交",
    "other_archive": "文件是 RAR/7z 压缩包，无法读取；请改用 ZIP 压缩或直接提交其中的文件",
    "office_other": "文件是 Excel/PowerPoint 文档，暂不支持读取；请另存为 PDF 后提交",
}

KIND_LABELS = {
    "pdf": "PDF",
    "image": "图片",
    "ofd": "OFD",
    "xml": "XML",
    "docx": "Word 文档",
    "zip": "压缩包",
    "executable": "可执行程序",
    "unknown": "未知格式",
    "empty": "空文件",
    "broken_zip": "损坏的压缩包",
}


def read_bytes(data: bytes, name: str, ctx: ReadContext | None = None) -> ReadResult:
    """Read one file's bytes. Never raises for bad input: errors become data."""
    ctx = ctx or ReadContext()
    digest = sha256_bytes(data)
    kind = sniff(data)
    result_kind = kind if kind in {"pdf", "image", "ofd", "xml", "docx", "zip"} else "unknown"
    if len(data) > ctx.limits.max_file_bytes:
        return ReadResult(
            file=name,
            sha256=digest,
            kind=result_kind,  # type: ignore[arg-type]
            errors=[
                f"文件过大：{len(data) / 1e6:.1f} MB，超过单个文件上限 "
                f"{ctx.limits.max_file_bytes / 1e6:.0f} MB（limits.max_file_bytes）"
            ],
        )
    if kind == "empty":
        return ReadResult(file=name, sha256=digest, kind="unknown", errors=["文件为空（0 字节），无法读取"])
    if kind == "executable":
        return ReadResult(
            file=name, sha256=digest, kind="unknown", errors=["文件是可执行程序或脚本，已拒绝读取"]
        )
    if kind == "broken_zip":
        return ReadResult(
            file=name,
            sha256=digest,
            kind="unknown",
            errors=["文件看似压缩包（ZIP/DOCX/OFD）但已损坏，无法打开"],
        )
    if kind in UNSUPPORTED:
        return ReadResult(file=name, sha256=digest, kind="unknown", errors=[UNSUPPORTED[kind]])
    if kind == "zip":
        return ReadResult(
            file=name,
            sha256=digest,
            kind="zip",
            errors=["压缩包应作为申报材料包整体提交，不能作为单个证明材料读取"],
        )
    reader = _reader_for(kind)
    if reader is None:
        return ReadResult(
            file=name,
            sha256=digest,
            kind="unknown",
            errors=["无法识别的文件格式（支持 PDF、PNG/JPG/TIFF 图片、OFD、XML、DOCX）"],
        )
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
            file=name, sha256=digest, kind=result_kind, errors=["读取时内存不足，文件可能过大或已损坏"]
        )  # type: ignore[arg-type]
    except Exception as exc:  # a reader bug or a hostile file must not crash the caller
        result = ReadResult(
            file=name,
            sha256=digest,
            kind=result_kind,  # type: ignore[arg-type]
            errors=[f"文件无法读取（{KIND_LABELS.get(kind, kind)}）：{type(exc).__name__}"],
        )
    result.sha256 = digest
    result.warnings = warnings + result.warnings
    result.ocr_calls = ctx.ocr_calls
    if kind in {"pdf", "ofd"} and ctx.check_signatures:
        result.meta["signature"] = signature_meta(data, kind, ctx.limits)
    return result


def signature_meta(data: bytes, kind: str, limits: Limits) -> dict:
    """The file's signature check (:func:`extractor.signatures.verify_signature`) as JSON-able
    data for ``ReadResult.meta["signature"]`` (it travels through the read cache)."""
    from extractor.signatures import verify_signature

    return verify_signature(data, kind, limits).model_dump(mode="json", exclude_none=True)


def read_path(path: str | Path, name: str | None = None, ctx: ReadContext | None = None) -> ReadResult:
    p = Path(path)
    return read_bytes(p.read_bytes(), name or p.name, ctx)

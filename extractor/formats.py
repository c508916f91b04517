"""File formats: the kind of a file decided from its content (magic bytes), never its name.

:func:`sniff` gives the kind the reading layer dispatches on (``extractor.read.READERS``);
``EXT_KINDS`` is what a file name's suffix claims, compared with the content to warn about a
misleading name; ``KIND_LABELS`` names each kind in Chinese.
"""

from __future__ import annotations

import zipfile
from io import BytesIO


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
    ".doc": "ole",
    ".zip": "zip",
}


KIND_LABELS = {
    "pdf": "PDF",
    "image": "图片",
    "ofd": "OFD",
    "xml": "XML",
    "docx": "Word 文档",
    "ole": "旧版 Word 文档（.doc）",
    "zip": "压缩包",
    "executable": "可执行程序",
    "unknown": "未知格式",
    "empty": "空文件",
    "broken_zip": "损坏的压缩包",
}

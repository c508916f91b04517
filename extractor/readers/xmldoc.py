"""XML reader: structured e-invoices (2019 e-invoice XML, 数电票 XML, 财政部 XBRL) and any other XML.

Parsing is safe (:func:`extractor.einvoice.safe_xml`: no entity expansion, no DTD, no
network, libxml2 depth limits, ``limits.max_xml_bytes``). An e-invoice gives
``ReadResult.structured`` plus one page of "label：value" lines (method "structured",
no geometry) so a human or the classifier sees what it holds. Any other XML yields its
text nodes as lines.
"""

from __future__ import annotations

from extractor.einvoice import parse_einvoice_root, structured_lines
from extractor.readers.context import ReadContext, sha256_bytes
from extractor.safexml import XmlRefused, local, safe_xml
from models.page import Line, Page, ReadResult

MAX_TEXT_LINES = 20_000


def read_xml(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read XML bytes. Never raises for bad input."""
    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="xml")
    try:
        root = safe_xml(data, ctx.limits.max_xml_bytes)
    except XmlRefused as exc:
        result.errors.append(exc.message_zh)
        return result
    structured = parse_einvoice_root(root)
    if structured is not None:
        result.structured = structured
        texts = structured_lines(structured)
        result.meta["xml_root"] = local(root.tag)
        result.meta["einvoice_format"] = structured.get("format")
    else:
        texts = []
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for piece in (el.text, el.tail):
                if piece and piece.strip():
                    texts.append(piece.strip())
            if len(texts) >= MAX_TEXT_LINES:
                result.warnings.append(f"XML 文本节点过多，只读取了前 {MAX_TEXT_LINES} 个")
                break
        result.meta["xml_root"] = local(root.tag)
    page = Page(
        number=1,
        unit="none",
        method="structured",
        lines=[Line(text=t, bbox=None, method="structured") for t in texts],
    )
    if not texts:
        result.warnings.append("XML 中没有文字内容")
    result.pages = [page]
    return result

"""DOCX reader: paragraphs and tables in body order, with checkbox states preserved.

Safety first: the package is opened with :mod:`extractor.zipsafe` (entry count, sizes,
compression ratio, actual decompressed bytes) and every XML part is scanned for
``<!DOCTYPE``/``<!ENTITY`` before python-docx (which uses lxml) parses anything.

Output: one :class:`~models.page.Page` (number 1, unit "none", method "docx"). Body
paragraphs become Lines (``bbox=None``) in document order, interleaved with tables.
Each table becomes a :class:`~models.page.Table` whose cells are deduplicated
(python-docx repeats a merged cell in every grid position it spans; one Cell is kept
at its first row/column) and, in the same order, one Line per distinct cell with
``table``/``row``/``col`` set so label → value cells are addressable. Nested tables are
read too (their own table index, emitted right after the containing cell).

Checkboxes survive as ``☑`` (ticked) / ``□`` (empty): literal glyphs (☒ ■ ✓ ✔ √ → ☑,
☐ → □), Word 2010 content-control checkboxes (``w14:checkbox``), legacy form-field
checkboxes (``FORMCHECKBOX``) and Wingdings/Wingdings 2 symbol characters (``w:sym``).

>>> normalize_checks("☒ 算力服务补助 ☐ 软件优质产品 √硬件")
'☑ 算力服务补助 □ 软件优质产品 ☑硬件'
>>> sym_char("Wingdings", "F0FE"), sym_char("Wingdings", "F0A8"), sym_char("Wingdings 2", "F052")
('☑', '□', '☑')
"""

from __future__ import annotations

import io
import re

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from lxml import etree

from extractor.readers.context import ReadContext, sha256_bytes
from extractor.zipsafe import SafeZip, UnsafeArchive, open_zip
from models.page import Cell, Line, Page, ReadResult, Table

try:  # python-docx's package internals: open only the parts the reader needs (_open_document)
    from docx.opc.package import Unmarshaller
    from docx.opc.packuri import PACKAGE_URI
    from docx.opc.part import PartFactory
    from docx.opc.pkgreader import PackageReader, _ContentTypeMap
    from docx.package import Package

    _PARTS_API = True
except ImportError:  # another python-docx: docx.Document() parses every part
    _PARTS_API = False

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

TICKED = "☑"
EMPTY = "□"
_CHECK_MAP = str.maketrans(
    {
        "☒": TICKED,
        "■": TICKED,
        "✓": TICKED,
        "✔": TICKED,
        "√": TICKED,
        "⊠": TICKED,
        "▣": TICKED,
        "\u2611": TICKED,
        "☐": EMPTY,
        "\u25a1": EMPTY,
        "\u274f": EMPTY,  # ❏
        "\u2751": EMPTY,  # ❑
    }
)

# Symbol-font code points (low byte) meaning a ticked / an empty box
_SYM = {
    "wingdings": {
        0xFE: TICKED,
        0xFD: TICKED,
        0x78: TICKED,
        0xFC: TICKED,
        0xFB: TICKED,
        0xA8: EMPTY,
        0x6F: EMPTY,
        0x71: EMPTY,
        0x72: EMPTY,
    },
    "wingdings 2": {
        0x52: TICKED,
        0x53: TICKED,
        0x54: TICKED,
        0x50: TICKED,
        0x51: TICKED,
        0xA3: EMPTY,
        0x2A: EMPTY,
        0xA2: EMPTY,
    },
}


def normalize_checks(text: str) -> str:
    return text.translate(_CHECK_MAP)


def sym_char(font: str | None, code: str | None) -> str:
    """Text for a ``w:sym`` symbol (Wingdings checkboxes → ☑/□)."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    table = _SYM.get((font or "").strip().lower())
    if table is not None:
        hit = table.get(value & 0xFF)
        if hit:
            return hit
        return ""
    if 0xE000 <= value <= 0xF8FF:  # private-use symbol of an unknown font
        return ""
    try:
        return chr(value).translate(_CHECK_MAP)
    except ValueError:
        return ""


def _ln(el: etree._Element) -> tuple[str, str]:
    if not isinstance(el.tag, str):
        return "", ""
    q = etree.QName(el)
    return q.namespace or "", q.localname


def _checkbox_state(sdt: etree._Element) -> bool | None:
    """Checked state of a content-control checkbox (None when the sdt is not one)."""
    pr = sdt.find(f"{{{W_NS}}}sdtPr")
    if pr is None:
        return None
    cb = pr.find(f"{{{W14_NS}}}checkbox")
    if cb is None:
        return None
    checked = cb.find(f"{{{W14_NS}}}checked")
    val = checked.get(f"{{{W14_NS}}}val") if checked is not None else "0"
    return (val or "0").strip().lower() in {"1", "true", "on"}


def _legacy_checkbox(fld: etree._Element) -> bool | None:
    ff = fld.find(f"{{{W_NS}}}ffData")
    if ff is None:
        return None
    cb = ff.find(f"{{{W_NS}}}checkBox")
    if cb is None:
        return None
    for tag in ("checked", "default"):
        el = cb.find(f"{{{W_NS}}}{tag}")
        if el is not None:
            val = el.get(f"{{{W_NS}}}val", "1")
            return val.strip().lower() in {"1", "true", "on"}
    return False


_SKIP = {
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "sectPr",
    "delText",
    "instrText",
    "del",
    "moveFrom",
    "fldSimple_pr",
    "tblGrid",
    "bookmarkStart",
    "bookmarkEnd",
    "proofErr",
    "commentRangeStart",
}


def _inline_text(el: etree._Element, out: list[str]) -> None:
    for ch in el:
        ns, name = _ln(ch)
        if not name:
            continue
        if ns == MC_NS and name == "Fallback":
            continue
        if name in _SKIP:
            continue
        if ns == W_NS and name == "t":
            out.append(ch.text or "")
        elif ns == W_NS and name in {"tab", "ptab"}:
            out.append("\t")
        elif ns == W_NS and name in {"br", "cr"}:
            out.append("\n")
        elif ns == W_NS and name == "noBreakHyphen":
            out.append("-")
        elif ns == W_NS and name == "sym":
            out.append(sym_char(ch.get(f"{{{W_NS}}}font"), ch.get(f"{{{W_NS}}}char")))
        elif ns == W_NS and name == "fldChar":
            state = _legacy_checkbox(ch)
            if state is not None:
                out.append(TICKED if state else EMPTY)
        elif ns == W_NS and name == "sdt":
            state = _checkbox_state(ch)
            if state is not None:
                out.append(TICKED if state else EMPTY)
                continue
            content = ch.find(f"{{{W_NS}}}sdtContent")
            if content is not None:
                _inline_text(content, out)
        elif ns == W_NS and name == "tbl":
            continue  # nested tables are handled by the table walker
        else:
            _inline_text(ch, out)


def paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    _inline_text(p, out)
    return normalize_checks("".join(out))


def _cell_text(tc: etree._Element) -> str:
    parts = []
    for ch in tc:
        ns, name = _ln(ch)
        if ns != W_NS:
            continue
        if name == "p":
            t = paragraph_text(ch)
            if t.strip():
                parts.append(t)
        elif name == "sdt":
            content = ch.find(f"{{{W_NS}}}sdtContent")
            if content is not None:
                t = _cell_text(content)
                if t.strip():
                    parts.append(t)
    return " ".join(re.sub(r"\s+", " ", p).strip() for p in parts).strip()


class _Builder:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.tables: list[Table] = []

    def paragraph(self, p: etree._Element) -> None:
        text = paragraph_text(p)
        for piece in text.split("\n"):
            piece = re.sub(r"[ \t\u3000]+", " ", piece).strip()
            if piece:
                self.lines.append(Line(text=piece, bbox=None, method="docx"))

    def block(self, container: etree._Element, depth: int = 0) -> None:
        for ch in container:
            ns, name = _ln(ch)
            if ns != W_NS:
                continue
            if name == "p":
                self.paragraph(ch)
            elif name == "tbl":
                self.table(ch, depth)
            elif name == "sdt":
                content = ch.find(f"{{{W_NS}}}sdtContent")
                if content is not None:
                    self.block(content, depth)
            elif name in {"customXml", "smartTag"}:
                self.block(ch, depth)

    def table(self, tbl_el: etree._Element, depth: int) -> None:
        if depth > 8:
            return
        index = len(self.tables)
        table = Table()
        self.tables.append(table)
        dt = DocxTable(tbl_el, None)  # type: ignore[arg-type]
        seen: set[etree._Element] = set()  # elements kept alive: identity is stable
        n_rows = 0
        n_cols = 0
        try:
            rows = list(dt.rows)
        except (ValueError, IndexError):
            rows = []
        for r, row in enumerate(rows):
            n_rows = r + 1
            try:
                cells = list(row.cells)
            except (ValueError, IndexError):
                cells = []
            n_cols = max(n_cols, len(cells))
            for c, cell in enumerate(cells):
                key = cell._tc
                if key in seen:
                    continue
                seen.add(key)
                text = _cell_text(cell._tc)
                table.cells.append(Cell(text=text, row=r, col=c))
                if text:
                    self.lines.append(Line(text=text, bbox=None, method="docx", table=index, row=r, col=c))
                for nested in cell._tc.iter(f"{{{W_NS}}}tbl"):
                    if nested.getparent() is cell._tc or (
                        nested.getparent() is not None and _ln(nested.getparent())[1] == "sdtContent"
                    ):
                        self.table(nested, depth + 1)
        table.n_rows = n_rows
        table.n_cols = n_cols


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _precheck(z: SafeZip, ctx: ReadContext) -> list[str]:
    """Zip-level and XML-level safety checks; returns Chinese errors (empty = fine).

    Every XML part is decompressed here, under the caps; :class:`_SafePackage` then
    hands python-docx these same bytes (no second decompression)."""
    if z.resolve("word/document.xml") is None:
        return ["Word 文档缺少正文（word/document.xml），文件已损坏或不是 DOCX"]
    for name in z.names():
        low = name.lower()
        if not low.endswith((".xml", ".rels")):
            continue
        try:
            part = z.read(name)
        except UnsafeArchive as exc:
            return [f"Word 文档无法读取：{exc.message_zh}"]
        if len(part) > ctx.limits.max_xml_bytes:
            return [f"Word 文档内部文件“{name}”过大（limits.max_xml_bytes），已拒绝"]
        if _DTD.search(part):
            return [
                f"Word 文档内部文件“{name}”包含 DOCTYPE/实体声明，可能是“实体膨胀”攻击（billion laughs），已拒绝读取"
            ]
    return []


class _SafePackage:
    """python-docx's physical-package reader interface over a :class:`SafeZip`: every
    member comes through the caps, and the XML parts already read by the precheck are
    not decompressed again."""

    def __init__(self, z: SafeZip) -> None:
        self._z = z

    def blob_for(self, pack_uri: object) -> bytes:
        return self._z.read(pack_uri.membername)  # type: ignore[attr-defined]  # KeyError if absent

    @property
    def content_types_xml(self) -> bytes:
        return self._z.read("[Content_Types].xml")

    def rels_xml_for(self, source_uri: object) -> bytes | None:
        try:
            return self._z.read(source_uri.rels_uri.membername)  # type: ignore[attr-defined]
        except KeyError:
            return None

    def close(self) -> None:
        pass


def _open_document(z: SafeZip, data: bytes) -> object:
    """The python-docx ``Document`` of the package, parsing only what the reader uses.

    ``docx.Document()`` parses every XML part (styles, numbering, settings, theme, fonts
    …); the reader needs the main document and the core properties only, so the other
    parts are kept as unparsed blobs (about half the time of opening a form). Should
    python-docx's package internals change, the plain ``docx.Document()`` is used.
    """
    if not _PARTS_API:
        return docx.Document(io.BytesIO(data))
    keep = {CT.WML_DOCUMENT_MAIN, CT.OPC_CORE_PROPERTIES}

    class _Parts(PartFactory):
        part_type_for = {ct: cls for ct, cls in PartFactory.part_type_for.items() if ct in keep}  # noqa: RUF012

    phys = _SafePackage(z)
    try:
        content_types = _ContentTypeMap.from_xml(phys.content_types_xml)
        pkg_srels = PackageReader._srels_for(phys, PACKAGE_URI)
        sparts = PackageReader._load_serialized_parts(phys, pkg_srels, content_types)
    except (AttributeError, TypeError):  # python-docx's internals changed
        return docx.Document(io.BytesIO(data))
    package = Package()
    Unmarshaller.unmarshal(PackageReader(content_types, pkg_srels, sparts), package, _Parts)
    part = package.main_document_part
    if part.content_type != CT.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word document: {part.content_type}")
    return part.document  # type: ignore[attr-defined]


def read_docx(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read a DOCX file's bytes. Never raises for bad input."""
    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="docx")
    try:
        z = open_zip(data, ctx.limits)
    except UnsafeArchive as exc:
        result.errors.append(f"Word 文档无法打开：{exc.message_zh}")
        return result
    with z:
        errors = _precheck(z, ctx)
        if errors:
            result.errors.extend(errors)
            return result
        try:
            document = _open_document(z, data)
        except UnsafeArchive as exc:
            result.errors.append(f"Word 文档无法读取：{exc.message_zh}")
            return result
        except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
            result.errors.append(f"Word 文档无法解析（{type(exc).__name__}），文件可能已损坏")
            return result
    builder = _Builder()
    body = document.element.body
    builder.block(body)
    page = Page(number=1, unit="none", method="docx", lines=builder.lines, tables=builder.tables)
    result.pages = [page]
    try:
        props = document.core_properties
        result.meta = {
            "title": props.title or None,
            "author": props.author or None,
            "created": props.created.isoformat() if props.created else None,
            "modified": props.modified.isoformat() if props.modified else None,
            "last_modified_by": props.last_modified_by or None,
        }
    except (ValueError, AttributeError):
        result.meta = {}
    if sum(len(ln.text.strip()) for ln in builder.lines) < SCANS_TEXT_MAX:
        _read_pasted_scans(document, result, ctx)
    if not any(p.lines for p in result.pages):
        result.warnings.append("Word 文档中没有文字内容")
    return result


# A Word file with less text than this (characters) is a wrapper of pasted scans (a receipt
# or licence photographed and pasted into Word): its pictures are read as pages.
SCANS_TEXT_MAX = 200
# a smaller picture is a logo, an icon or a signature, not a scan (a receipt's screenshot is
# about 1200 × 330 px)
SCAN_MIN_SIDE = 200  # px
SCAN_MIN_PIXELS = 150_000
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _pictures(document: object) -> list[bytes]:
    """The pictures of the body in document order (each once), as their file bytes."""
    part = document.part  # type: ignore[attr-defined]
    seen: set[str] = set()
    out: list[bytes] = []
    for blip in document.element.body.iter(f"{{{A_NS}}}blip"):  # type: ignore[attr-defined]
        rid = blip.get(f"{{{R_NS}}}embed")
        if not rid or rid in seen:
            continue
        seen.add(rid)
        try:
            out.append(part.related_parts[rid].blob)
        except (KeyError, AttributeError):
            continue  # a broken or external link: nothing to read
    return out


def _read_pasted_scans(document: object, result: ReadResult, ctx: ReadContext) -> None:
    """Each picture of a Word file that holds (almost) no text is OCR'd as a page of its own,
    after the text page when there is text, else from page 1 (a picture that cannot be decoded,
    or too small to be a scan, is passed over)."""
    from PIL import Image

    from extractor.readers.image import read_image

    pictures = _pictures(document)
    if not pictures:
        return
    if not result.pages[0].lines:
        result.pages = []
    for data in pictures[: ctx.limits.max_pages]:
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if min(probe.size) < SCAN_MIN_SIDE or probe.size[0] * probe.size[1] < SCAN_MIN_PIXELS:
                    continue
        except Exception:
            continue  # not an image Pillow knows (EMF/WMF drawings): nothing to OCR
        pic = read_image(data, result.file, ctx)
        result.errors.extend(pic.errors)
        result.warnings.extend(w for w in pic.warnings if w not in result.warnings)
        for p in pic.pages:
            p.number = len(result.pages) + 1
            result.pages.append(p)
        if pic.meta.get("incomplete"):
            result.meta["incomplete"] = True
        if pic.meta.get("memory_failure"):
            result.meta["memory_failure"] = True
    if not result.pages:
        result.pages = [Page(number=1, unit="none", method="docx")]

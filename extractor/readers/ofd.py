"""OFD reader (GB/T 33190): a ZIP of XML → positioned text lines per page.

Package walk: ``OFD.xml`` → ``DocBody/DocRoot`` → ``Document.xml`` → ``Pages/Page/@BaseLoc``
→ page ``Content.xml`` (plus its ``Template`` pages from ``CommonData/TemplatePage``).
Every reference is resolved only against the archive's own member list (relative to the
referencing file's folder, or absolute from the package root when it starts with
``/``); the filesystem is never touched and nothing is extracted. A reference that does
not resolve becomes a Chinese warning.

Text geometry: a ``TextObject`` has a ``Boundary`` ("x y w h", mm) whose origin is the
object's coordinate origin, an optional ``CTM`` (a b c d e f), and ``TextCode`` runs whose
glyphs start at ``X``/``Y`` (baseline) and advance by ``DeltaX``/``DeltaY`` (with the
``g n v`` repeat shorthand). Glyph positions are transformed to page millimetres,
grouped into lines by baseline and converted to PDF points (1 mm = 72/25.4 pt),
origin top-left. Template content (where invoice frame labels usually live) is merged
with the page content before grouping, so "label: value" pairs on one row form one
line. Rotated glyphs (seal rings, vertical watermarks) are kept as their own lines.

The same parse also feeds :mod:`extractor.ofd_render` (paths, images) and
:func:`extractor.einvoice.einvoice_from_ofd` (object id → text for CustomTag files).
"""

from __future__ import annotations

import math
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from extractor.einvoice import XmlRefused, einvoice_from_ofd, local, safe_xml
from extractor.zipsafe import SafeZip, UnsafeArchive, open_zip
from models.page import Line, Page, ReadResult, Word

if TYPE_CHECKING:
    from extractor.read import ReadContext

MM_TO_PT = 72.0 / 25.4
A4 = (0.0, 0.0, 210.0, 297.0)

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mat_mul(m1: Matrix, m2: Matrix) -> Matrix:
    """Apply m1 then m2 (row-vector convention, like PDF)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _floats(text: str | None) -> list[float]:
    if not text:
        return []
    out = []
    for tok in text.replace(",", " ").split():
        try:
            out.append(float(tok))
        except ValueError:
            continue
    return out


def parse_deltas(text: str | None) -> list[float]:
    """Expand an OFD DeltaX/DeltaY list ('g 3 1.5 2' → [1.5, 1.5, 1.5, 2]).

    >>> parse_deltas("g 3 1.5 2")
    [1.5, 1.5, 1.5, 2.0]
    >>> parse_deltas("g 0 0 3.175")
    [3.175]
    """
    if not text:
        return []
    toks = text.split()
    out: list[float] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "g":
            try:
                n = int(float(toks[i + 1]))
                v = float(toks[i + 2])
            except (IndexError, ValueError):
                break
            out.extend([v] * max(0, min(n, 100_000)))
            i += 3
            continue
        try:
            out.append(float(t))
        except ValueError:
            pass
        i += 1
    return out


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    v = _floats(text)
    if len(v) < 4:
        return None
    return (v[0], v[1], v[2], v[3])


def _ctm(text: str | None) -> Matrix:
    v = _floats(text)
    if len(v) != 6:
        return IDENTITY
    return (v[0], v[1], v[2], v[3], v[4], v[5])


def _color(el: etree._Element | None) -> tuple[float, float, float] | None:
    if el is None:
        return None
    v = _floats(el.get("Value"))
    if len(v) >= 3:
        return (min(v[0], 255) / 255, min(v[1], 255) / 255, min(v[2], 255) / 255)
    if len(v) == 1:  # gray
        g = min(v[0], 255) / 255
        return (g, g, g)
    return None


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def fix_text(s: str) -> str:
    """Map CJK radical code points (⼦ U+2F26 …) some producers emit to the ideographs."""
    return "".join(unicodedata.normalize("NFKC", c) if "\u2e80" <= c <= "\u2fdf" else c for c in s)


# --------------------------------------------------------------------------- display list


@dataclass
class Glyph:
    ch: str
    x: float  # baseline origin, page mm
    y: float
    adv: float  # advance in page mm along the text direction
    size: float  # font size in page mm


@dataclass
class TextItem:
    obj_id: str
    glyphs: list[Glyph]
    matrix: Matrix  # object space → page mm (without glyph offsets)
    size: float  # page-space font size (mm)
    rotated: bool
    color: tuple[float, float, float] | None
    font: str | None
    from_template: bool = False


@dataclass
class PathItem:
    matrix: Matrix
    data: str
    stroke: bool
    fill: bool
    line_width: float
    stroke_color: tuple[float, float, float] | None
    fill_color: tuple[float, float, float] | None
    clipped: bool = False  # has a clip area (not applied by the preview renderer)


@dataclass
class ImageItem:
    matrix: Matrix  # unit square → page mm
    resource_id: str


@dataclass
class OfdPage:
    number: int
    page_id: str
    box: tuple[float, float, float, float]
    texts: list[TextItem] = field(default_factory=list)
    paths: list[PathItem] = field(default_factory=list)
    images: list[ImageItem] = field(default_factory=list)


class OfdPackage:
    """Parsed structure of one OFD package held in a :class:`SafeZip`."""

    def __init__(
        self, z: SafeZip, *, max_xml_bytes: int = 50 * 1024 * 1024, warnings: list[str] | None = None
    ):
        self.z = z
        self.max_xml_bytes = max_xml_bytes
        self.warnings: list[str] = warnings if warnings is not None else []
        self._xml_cache: dict[str, etree._Element | None] = {}
        self.ofd_root = self.xml("OFD.xml", required=True)
        self.doc_path: str | None = None
        self.doc_root: etree._Element | None = None
        self.fonts: dict[str, str] = {}
        self.media: dict[str, str] = {}  # resource id → member path
        self.templates: dict[str, str] = {}  # template id → member path
        self.page_refs: list[tuple[str, str]] = []  # (page id, member path)
        self.default_box: tuple[float, float, float, float] = A4
        self.signed = False
        self._open_document()

    # ----------------------------------------------------------- member access
    def resolve(self, base: str, loc: str | None) -> str | None:
        """Member name for a reference ``loc`` made from the file ``base`` (or None)."""
        if not loc:
            return None
        loc = loc.strip().replace("\\", "/")
        if not loc or "\x00" in loc:
            return None
        tries: list[str] = []
        if loc.startswith("/"):
            tries.append(loc.lstrip("/"))
        else:
            folder = posixpath.dirname(base)
            tries.append(posixpath.join(folder, loc) if folder else loc)
            tries.append(loc)  # some producers write package-root paths without '/'
        for cand in tries:
            norm = posixpath.normpath(cand)
            if norm.startswith("../") or norm == ".." or norm.startswith("/"):
                continue
            real = self.z.resolve(norm)
            if real is not None:
                return real
        return None

    def xml(self, name: str, *, required: bool = False, recover: bool = False) -> etree._Element | None:
        if name in self._xml_cache:
            return self._xml_cache[name]
        root = None
        try:
            data = self.z.read(name)
            try:
                root = safe_xml(data, self.max_xml_bytes)
            except XmlRefused:
                if not recover:
                    raise
                root = safe_xml(data, self.max_xml_bytes, recover=True)
        except KeyError:
            if required:
                raise UnsafeArchive(f"OFD 包中缺少“{name}”，不是有效的 OFD 文件") from None
            self.warnings.append(f"OFD 包中缺少被引用的文件“{name}”")
        except XmlRefused as exc:
            if required:
                raise UnsafeArchive(f"OFD 文件“{name}”无法解析：{exc.message_zh}") from exc
            self.warnings.append(f"OFD 内部文件“{name}”无法解析，已跳过：{exc.message_zh}")
        self._xml_cache[name] = root
        return root

    def read_ref(self, base: str, loc: str | None, what: str) -> tuple[str | None, etree._Element | None]:
        real = self.resolve(base, loc)
        if real is None:
            if loc:
                self.warnings.append(f"OFD 中的{what}引用“{loc}”在包内找不到，已跳过")
            return None, None
        return real, self.xml(real)

    # ----------------------------------------------------------- structure
    def _open_document(self) -> None:
        root = self.ofd_root
        assert root is not None
        doc_loc = None
        for el in root.iter():
            if local(el.tag) == "DocRoot" and el.text and el.text.strip():
                doc_loc = el.text.strip()
                break
            if local(el.tag) == "Signatures" and el.text and el.text.strip():
                self.signed = True
        self.signed = self.signed or any(local(el.tag) == "Signatures" for el in root.iter())
        if doc_loc is None:
            cands = [n for n in self.z.names() if n.lower().endswith("document.xml")]
            if not cands:
                raise UnsafeArchive("OFD.xml 中没有 DocRoot，且包内找不到 Document.xml")
            self.warnings.append("OFD.xml 中没有 DocRoot，已按包内的 Document.xml 读取")
            doc_loc = "/" + sorted(cands)[0]
        self.doc_path, self.doc_root = self.read_ref("OFD.xml", doc_loc, "文档根（DocRoot）")
        if self.doc_root is None or self.doc_path is None:
            raise UnsafeArchive(f"OFD 文档根“{doc_loc}”无法读取")
        doc, path = self.doc_root, self.doc_path
        for el in doc.iter():
            ln = local(el.tag)
            if ln in {"PublicRes", "DocumentRes"} and el.text and el.text.strip():
                self._load_res(path, el.text.strip())
            elif ln == "TemplatePage":
                tid = el.get("ID")
                real = self.resolve(path, el.get("BaseLoc"))
                if tid and real:
                    self.templates[tid] = real
                elif el.get("BaseLoc"):
                    self.warnings.append(f"OFD 模板页引用“{el.get('BaseLoc')}”在包内找不到，已跳过")
            elif ln == "PageArea" and any(local(c.tag) == "PhysicalBox" for c in el):
                for c in el:
                    if local(c.tag) == "PhysicalBox":
                        b = _box(c.text)
                        if b and b[2] > 0 and b[3] > 0:
                            self.default_box = b
        for el in doc.iter():
            if local(el.tag) == "Page" and el.get("BaseLoc") is not None:
                real = self.resolve(path, el.get("BaseLoc"))
                if real is None:
                    self.warnings.append(f"OFD 页面引用“{el.get('BaseLoc')}”在包内找不到，已跳过该页")
                    continue
                self.page_refs.append((el.get("ID") or str(len(self.page_refs) + 1), real))
        if not self.page_refs:
            self._guess_pages(path)

    def _guess_pages(self, doc_path: str) -> None:
        folder = posixpath.dirname(doc_path)
        pat = re.compile(r"(?:^|/)(?:Pages/Page_?(\d+)/Content|Content_?(\d+))\.xml$", re.IGNORECASE)
        found = []
        for n in self.z.names():
            if folder and not n.startswith(folder + "/"):
                continue
            m = pat.search(n)
            if m and "tpl" not in n.lower():
                found.append((int(m.group(1) or m.group(2)), n))
        found.sort()
        if found:
            self.warnings.append("OFD 文档未列出页面（缺少 Pages），已按包内页面文件顺序读取")
        self.page_refs = [(str(i + 1), n) for i, (_k, n) in enumerate(found)]

    def _load_res(self, base: str, loc: str) -> None:
        real, root = self.read_ref(base, loc, "资源")
        if root is None or real is None:
            return
        res_base = real
        if root.get("BaseLoc"):
            bl = root.get("BaseLoc", "").strip().strip("/")
            res_base = posixpath.join(posixpath.dirname(real), bl, "_") if bl else real
        for el in root.iter():
            ln = local(el.tag)
            if ln == "Font" and el.get("ID"):
                self.fonts[el.get("ID", "")] = el.get("FontName") or el.get("FamilyName") or ""
            elif ln == "MultiMedia" and el.get("ID"):
                mf = next((c for c in el if local(c.tag) == "MediaFile"), None)
                if mf is not None and mf.text:
                    m = self.resolve(res_base, mf.text.strip()) or self.resolve(real, mf.text.strip())
                    if m:
                        self.media[el.get("ID", "")] = m
                    else:
                        self.warnings.append(f"OFD 图像资源“{mf.text.strip()}”在包内找不到")

    # ----------------------------------------------------------- extras
    def custom_data(self) -> etree._Element | None:
        return self.ofd_root

    def doc_info(self) -> dict[str, str]:
        info: dict[str, str] = {}
        if self.ofd_root is None:
            return info
        for el in self.ofd_root.iter():
            ln = local(el.tag)
            if ln in {"DocID", "Author", "Creator", "CreatorVersion", "CreationDate", "Title"} and el.text:
                info[ln] = el.text.strip()
            elif ln == "CustomData" and el.get("Name") and el.text:
                info[el.get("Name", "")] = el.text.strip()
        return info

    def _doc_list(self, container: str, item: str) -> list[tuple[str, etree._Element]]:
        """(file, element) for each ``item`` listed in the file ``container`` points to."""
        if self.doc_root is None or self.doc_path is None:
            return []
        out = []
        for el in self.doc_root.iter():
            if local(el.tag) == container and el.text and el.text.strip():
                real, root = self.read_ref(self.doc_path, el.text.strip(), "附件/标签列表")
                if root is None or real is None:
                    continue
                for it in root.iter():
                    if local(it.tag) == item:
                        out.append((real, it))
        return out

    def attachments(self) -> list[dict[str, Any]]:
        out = []
        for base, el in self._doc_list("Attachments", "Attachment"):
            fl = next((c for c in el if local(c.tag) == "FileLoc"), None)
            real = self.resolve(base, fl.text.strip()) if fl is not None and fl.text else None
            out.append({"name": el.get("Name"), "format": el.get("Format"), "member": real})
        return out

    def attachment_xmls(self) -> Iterator[tuple[str, bytes]]:
        seen = set()
        for att in self.attachments():
            m = att.get("member")
            if m and m.lower().endswith(".xml") and m not in seen:
                seen.add(m)
                try:
                    yield m, self.z.read(m)
                except (KeyError, UnsafeArchive) as exc:
                    self.warnings.append(f"OFD 附件“{m}”无法读取：{getattr(exc, 'message_zh', exc)}")
        # attachments not listed (e.g. broken Attachments.xml) but present in Attachs/
        for n in self.z.names():
            if "/attachs/" in n.lower() and n.lower().endswith(".xml") and n not in seen:
                if n.lower().endswith("attachments.xml"):
                    continue
                seen.add(n)
                try:
                    yield n, self.z.read(n)
                except UnsafeArchive:
                    continue

    def custom_tag_roots(self) -> list[etree._Element]:
        out = []
        for base, el in self._doc_list("CustomTags", "CustomTag"):
            fl = next((c for c in el if local(c.tag) == "FileLoc"), None)
            if fl is None or not fl.text:
                continue
            real = self.resolve(base, fl.text.strip())
            if real is None:
                self.warnings.append(f"OFD 自定义标签文件“{fl.text.strip()}”在包内找不到")
                continue
            root = self.xml(real, recover=True)
            if root is not None:
                out.append(root)
        return out

    # ----------------------------------------------------------- pages
    def pages(self, max_pages: int | None = None) -> Iterator[OfdPage]:
        for i, (pid, path) in enumerate(self.page_refs, 1):
            if max_pages is not None and i > max_pages:
                self.warnings.append(f"OFD 页数超过上限 {max_pages}（limits.max_pages），其余页面未读取")
                return
            yield self.page(i, pid, path)

    def page(self, number: int, page_id: str, path: str) -> OfdPage:
        root = self.xml(path)
        box = self.default_box
        pg = OfdPage(number=number, page_id=page_id, box=box)
        if root is None:
            return pg
        tpl_refs: list[tuple[str, str]] = []
        for el in root:
            ln = local(el.tag)
            if ln == "Area":
                for c in el:
                    if local(c.tag) == "PhysicalBox":
                        b = _box(c.text)
                        if b and b[2] > 0 and b[3] > 0:
                            box = b
            elif ln == "Template":
                tpl_refs.append((el.get("TemplateID") or "", el.get("ZOrder") or "Background"))
            elif ln == "PageRes" and el.text and el.text.strip():
                self._load_res(path, el.text.strip())
        pg.box = box
        origin: Matrix = (1, 0, 0, 1, -box[0], -box[1])
        back = [t for t in tpl_refs if t[1].lower() != "foreground"]
        front = [t for t in tpl_refs if t[1].lower() == "foreground"]
        for tid, _z in back:
            self._template(pg, tid, origin)
        content = next((c for c in root if local(c.tag) == "Content"), None)
        if content is not None:
            self._walk(pg, content, origin, False, 0)
        for tid, _z in front:
            self._template(pg, tid, origin)
        return pg

    def _template(self, pg: OfdPage, tid: str, origin: Matrix) -> None:
        path = self.templates.get(tid)
        if path is None:
            self.warnings.append(f"OFD 页面 {pg.number} 引用的模板页 ID={tid} 不存在，已跳过")
            return
        root = self.xml(path)
        if root is None:
            return
        content = next((c for c in root if local(c.tag) == "Content"), None)
        if content is not None:
            self._walk(pg, content, origin, True, 0)

    def _walk(self, pg: OfdPage, el: etree._Element, base: Matrix, tpl: bool, depth: int) -> None:
        if depth > 32:
            return
        for child in el:
            ln = local(child.tag)
            if ln in {"Layer", "PageBlock", "Content"}:
                self._walk(pg, child, base, tpl, depth + 1)
            elif ln == "TextObject":
                item = self._text(child, base, tpl)
                if item is not None:
                    pg.texts.append(item)
            elif ln == "PathObject":
                self._path(pg, child, base)
            elif ln == "ImageObject":
                self._image(pg, child, base)
            elif ln == "CompositeObject":
                continue

    def _obj_matrix(self, el: etree._Element, base: Matrix) -> Matrix | None:
        b = _box(el.get("Boundary"))
        if b is None:
            return None
        ctm = _ctm(el.get("CTM"))
        return mat_mul(mat_mul(ctm, (1, 0, 0, 1, b[0], b[1])), base)

    def _text(self, el: etree._Element, base: Matrix, tpl: bool) -> TextItem | None:
        m = self._obj_matrix(el, base)
        if m is None:
            return None
        try:
            size = float(el.get("Size") or 0) or 3.5
        except ValueError:
            size = 3.5
        scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
        ux = math.hypot(m[0], m[1]) or 1.0
        rotated = abs(m[1]) / ux > 0.05 or m[0] < 0
        color = _color(next((c for c in el if local(c.tag) == "FillColor"), None))
        glyphs: list[Glyph] = []
        cx = cy = 0.0
        for tc in el:
            if local(tc.tag) != "TextCode":
                continue
            text = fix_text(tc.text or "")
            if tc.get("X") is not None:
                cx = _floats(tc.get("X"))[0] if _floats(tc.get("X")) else cx
            if tc.get("Y") is not None:
                cy = _floats(tc.get("Y"))[0] if _floats(tc.get("Y")) else cy
            dxs = parse_deltas(tc.get("DeltaX"))
            dys = parse_deltas(tc.get("DeltaY"))
            for i, ch in enumerate(text):
                default = size if _wide(ch) else size * 0.5
                dx = dxs[i] if i < len(dxs) else (dxs[-1] if dxs and i < len(text) - 1 else default)
                dy = dys[i] if i < len(dys) else 0.0
                px, py = apply(m, cx, cy)
                # advance along the baseline in page space (for bboxes); a glyph jumping
                # to the next row (dy != 0) gets its natural width instead
                adv_obj = dx if dy == 0 and 0 < dx < size * 3 else default
                glyphs.append(Glyph(ch, px, py, adv_obj * scale, size * scale))
                cx += dx
                cy += dy
        if not glyphs:
            return None
        return TextItem(
            obj_id=el.get("ID") or "",
            glyphs=glyphs,
            matrix=m,
            size=size * scale,
            rotated=rotated,
            color=color,
            font=self.fonts.get(el.get("Font") or ""),
            from_template=tpl,
        )

    def _path(self, pg: OfdPage, el: etree._Element, base: Matrix) -> None:
        m = self._obj_matrix(el, base)
        data = next((c for c in el if local(c.tag) == "AbbreviatedData"), None)
        if m is None or data is None or not (data.text or "").strip():
            return
        try:
            lw = float(el.get("LineWidth") or 0.353)
        except ValueError:
            lw = 0.353
        pg.paths.append(
            PathItem(
                matrix=m,
                data=data.text or "",
                stroke=(el.get("Stroke") or "true").lower() != "false",
                fill=(el.get("Fill") or "false").lower() == "true",
                line_width=lw * (math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0),
                stroke_color=_color(next((c for c in el if local(c.tag) == "StrokeColor"), None)),
                fill_color=_color(next((c for c in el if local(c.tag) == "FillColor"), None)),
                clipped=any(local(c.tag) == "Clips" for c in el),
            )
        )

    def _image(self, pg: OfdPage, el: etree._Element, base: Matrix) -> None:
        m = self._obj_matrix(el, base)
        rid = el.get("ResourceID")
        if m is None or not rid:
            return
        pg.images.append(ImageItem(matrix=m, resource_id=rid))

    def object_texts(self) -> dict[tuple[str, str], str]:
        """(page ID, TextObject ID) → text as printed, for every page (not templates)."""
        out: dict[tuple[str, str], str] = {}
        for pg in self.pages():
            for t in pg.texts:
                if t.from_template or not t.obj_id:
                    continue
                out[(pg.page_id, t.obj_id)] = "".join(g.ch for g in t.glyphs).strip()
        return out


# --------------------------------------------------------------------------- lines


@dataclass
class _Seg:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float
    size: float
    rotated: bool
    order: int


def _segments(items: list[TextItem]) -> list[_Seg]:
    segs: list[_Seg] = []
    order = 0
    for it in items:
        run: list[Glyph] = []

        def flush(run: list[Glyph], it: TextItem = it) -> None:
            nonlocal order
            text = "".join(g.ch for g in run)
            if not text.strip():
                return
            xs: list[float] = []
            ys: list[float] = []
            for g in run:
                if it.rotated:
                    # glyph box corners in object-space directions
                    ux, uy = it.matrix[0], it.matrix[1]
                    n = math.hypot(ux, uy) or 1.0
                    ux, uy = ux / n, uy / n
                    vx, vy = -uy, ux  # "up" is -v in a y-down system
                    for ax, ay in ((0, 0), (g.adv, 0), (0, g.size * 0.85), (g.adv, g.size * 0.85)):
                        xs.append(g.x + ux * ax - vx * ay)
                        ys.append(g.y + uy * ax - vy * ay)
                else:
                    xs += [g.x, g.x + g.adv]
                    ys += [g.y - g.size * 0.85, g.y + g.size * 0.15]
            segs.append(
                _Seg(
                    text=text,
                    x0=min(xs),
                    y0=min(ys),
                    x1=max(xs),
                    y1=max(ys),
                    baseline=run[0].y,
                    size=run[0].size,
                    rotated=it.rotated,
                    order=order,
                )
            )
            order += 1

        for g in it.glyphs:
            if run:
                prev = run[-1]
                same_row = abs(g.y - prev.y) < prev.size * 0.3 if not it.rotated else True
                forward = it.rotated or (-prev.size * 0.3 <= g.x - (prev.x + prev.adv) < prev.size * 3)
                if not (same_row and forward):
                    flush(run)
                    run = []
            run.append(g)
        if run:
            flush(run)
    return segs


def _join(segs: list[_Seg]) -> str:
    out = ""
    prev: _Seg | None = None
    for s in segs:
        if prev is not None and not out.endswith(" ") and not s.text.startswith(" "):
            gap = s.x0 - prev.x1
            size = min(prev.size, s.size)
            ascii_pair = prev.text[-1:].isascii() and prev.text[-1:].isalnum() and s.text[:1].isascii()
            if gap > size * (0.4 if ascii_pair else 1.2):
                out += " "
        out += s.text
        prev = s
    return re.sub(r"\s{2,}", " ", out).strip() if out.strip() else ""


def _is_cjk_char(t: str) -> bool:
    return len(t) == 1 and ("\u4e00" <= t <= "\u9fff" or "\u3400" <= t <= "\u4dbf")


def _vertical_columns(flat: list[_Seg]) -> tuple[list[list[_Seg]], set[int]]:
    """Single CJK characters stacked in a column (购/买/方/信/息, 备/注) → one vertical line."""
    singles = sorted(
        (s for s in flat if _is_cjk_char(s.text.strip())), key=lambda s: (round(s.x0, 0), s.baseline)
    )
    used: set[int] = set()
    columns: list[list[_Seg]] = []
    for s in singles:
        if id(s) in used:
            continue
        col = [s]
        for t in singles:
            if id(t) in used or t is s or t.baseline <= col[-1].baseline:
                continue
            last = col[-1]
            if (
                abs(t.x0 - last.x0) <= last.size * 0.25
                and last.size * 0.8 <= t.baseline - last.baseline <= last.size * 3.2
            ):
                col.append(t)
        if len(col) >= 2:
            columns.append(col)
            used.update(id(c) for c in col)
    return columns, used


def group_lines(
    items: list[TextItem], box: tuple[float, float, float, float] | None = None
) -> list[tuple[str, tuple[float, float, float, float], list[_Seg]]]:
    """Group text items into lines: (text, bbox in page mm, segments).

    ``box`` (page width/height in mm at [2], [3]) drops text placed entirely off the page.
    """
    segs = _segments(items)
    if box is not None:
        w, h = box[2], box[3]
        segs = [s for s in segs if s.x1 > 0 and s.y1 > 0 and s.x0 < w and s.y0 < h]
    # rotated runs (seal rings, vertical notes) form their own lines; a straight glyph
    # sitting between two rotated ones (the top of a seal ring) belongs to them
    by_order = sorted(segs, key=lambda s: s.order)
    rot_orders = [s.order for s in by_order if s.rotated]
    absorbed: set[int] = set()
    for s in by_order:
        if s.rotated or len(s.text.strip()) != 1:
            continue
        before = [o for o in rot_orders if 0 < s.order - o <= 2]
        after = [o for o in rot_orders if 0 < o - s.order <= 2]
        if before and after:
            absorbed.add(id(s))
    rot = [s for s in by_order if s.rotated or id(s) in absorbed]
    flat = sorted(
        (s for s in segs if not s.rotated and id(s) not in absorbed), key=lambda s: (s.baseline, s.x0)
    )
    columns, in_columns = _vertical_columns(flat)
    flat = [s for s in flat if id(s) not in in_columns]
    rows: list[list[_Seg]] = []
    for s in flat:
        placed = False
        for row in reversed(rows[-6:]):
            ref = row[0]
            small, big = sorted((ref.size, s.size))
            if big > small * 1.6:
                continue
            if abs(ref.baseline - s.baseline) <= small * 0.35:
                row.append(s)
                placed = True
                break
        if not placed:
            rows.append([s])
    out = []
    for row in rows:
        row.sort(key=lambda s: s.x0)
        # split a row into separate lines at wide gaps (table columns, two parties side by side)
        current: list[_Seg] = [row[0]]
        groups = [current]
        for s in row[1:]:
            gap = s.x0 - current[-1].x1
            size = min(current[-1].size, s.size)
            # a label spelled out with wide spacing ("名        称：") stays one line
            spaced_label = len(current) == 1 and _is_cjk_char(current[0].text.strip()) and gap < size * 12
            if gap > size * 2.5 and not spaced_label:
                current = [s]
                groups.append(current)
            else:
                current.append(s)
        for g in groups:
            text = _join(g)
            if text:
                bbox = (
                    min(s.x0 for s in g),
                    min(s.y0 for s in g),
                    max(s.x1 for s in g),
                    max(s.y1 for s in g),
                )
                out.append((text, bbox, g))
    for col in columns:
        bbox = (
            min(s.x0 for s in col),
            min(s.y0 for s in col),
            max(s.x1 for s in col),
            max(s.y1 for s in col),
        )
        out.append(("".join(s.text.strip() for s in col), bbox, col))
    out.sort(key=lambda t: (round(t[1][1] + (t[1][3] - t[1][1]) * 0.85, 1), t[1][0]))
    cluster: list[_Seg] = []
    clusters: list[list[_Seg]] = []
    for s in rot:
        if cluster and s.order - cluster[-1].order > 2:
            clusters.append(cluster)
            cluster = []
        cluster.append(s)
    if cluster:
        clusters.append(cluster)
    for c in clusters:
        text = "".join(s.text for s in c).strip()
        if text:
            bbox = (min(s.x0 for s in c), min(s.y0 for s in c), max(s.x1 for s in c), max(s.y1 for s in c))
            out.append((text, bbox, c))
    return out


def _pt(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (
        round(b[0] * MM_TO_PT, 2),
        round(b[1] * MM_TO_PT, 2),
        round(b[2] * MM_TO_PT, 2),
        round(b[3] * MM_TO_PT, 2),
    )


def page_model(pg: OfdPage) -> Page:
    lines = []
    for text, bbox, segs in group_lines(pg.texts, pg.box):
        words = [
            Word(text=s.text.strip(), bbox=_pt((s.x0, s.y0, s.x1, s.y1))) for s in segs if s.text.strip()
        ]
        lines.append(Line(text=text, bbox=_pt(bbox), method="text", words=words))
    return Page(
        number=pg.number,
        width=round(pg.box[2] * MM_TO_PT, 2),
        height=round(pg.box[3] * MM_TO_PT, 2),
        unit="pt",
        method="text",
        lines=lines,
    )


def _title_kind(pages: list[Page]) -> str | None:
    """The invoice title as printed (largest line containing 发票 on page 1)."""
    if not pages:
        return None
    best: tuple[float, str] | None = None
    for ln in pages[0].lines:
        t = ln.text.replace(" ", "")
        if "发票" not in t or ln.bbox is None or len(t) > 24 or "：" in t or ":" in t:
            continue
        h = ln.bbox[3] - ln.bbox[1]
        if best is None or h > best[0]:
            best = (h, t)
    return best[1] if best else None


def read_ofd(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read an OFD file's bytes. Never raises for bad input."""
    from extractor.read import sha256_bytes

    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="ofd")
    limits = ctx.limits
    try:
        z = open_zip(data, limits)
    except UnsafeArchive as exc:
        result.errors.append(f"OFD 文件无法打开：{exc.message_zh}")
        return result
    warnings: list[str] = []
    with z:
        try:
            pkg = OfdPackage(z, max_xml_bytes=limits.max_xml_bytes, warnings=warnings)
            parsed = list(pkg.pages(limits.max_pages))
        except UnsafeArchive as exc:
            result.errors.append(f"OFD 文件无法读取：{exc.message_zh}")
            result.warnings.extend(dict.fromkeys(warnings))
            return result
        result.pages = [page_model(p) for p in parsed]
        texts = {
            (p.page_id, t.obj_id): "".join(g.ch for g in t.glyphs).strip()
            for p in parsed
            for t in p.texts
            if not t.from_template and t.obj_id
        }
        try:
            structured = einvoice_from_ofd(z, texts, max_xml_bytes=limits.max_xml_bytes, warnings=warnings)
        except UnsafeArchive as exc:
            structured = None
            warnings.append(f"OFD 结构化发票数据无法读取：{exc.message_zh}")
        kind = _title_kind(result.pages)
        if structured is not None:
            if kind and ("invoice_kind" not in structured or structured.get("source") == "xml"):
                structured.setdefault("printed_title", kind)
                if "invoice_kind" not in structured:
                    structured["invoice_kind"] = kind
            result.structured = structured
        result.meta = {
            "ofd_pages": len(pkg.page_refs),
            "signed": pkg.signed or any("signs/" in n.lower() for n in z.names()),
            "attachments": [a.get("member") for a in pkg.attachments() if a.get("member")],
            "doc_info": pkg.doc_info(),
        }
        unreferenced = [
            n
            for n in z.names()
            if re.search(r"(?:^|/)Pages/Page_?\d+/Content\.xml$", n, re.IGNORECASE)
            and n not in {p for _i, p in pkg.page_refs}
        ]
        if unreferenced:
            warnings.append(
                f"OFD 包内有 {len(unreferenced)} 个页面文件未被文档引用（不会显示），已忽略："
                + "、".join(unreferenced[:5])
            )
    if not any(p.lines for p in result.pages):
        warnings.append("OFD 中没有可提取的文字（可能只有图像）")
    result.warnings.extend(dict.fromkeys(warnings))
    return result

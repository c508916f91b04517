"""One OFD package (GB/T 33190) read from its ZIP: the members, ``OFD.xml``, the document
root and the paths of its pages, templates and resources.

Both the OFD reader (:mod:`extractor.readers.ofd`, through :class:`extractor.ofd_page.OfdDocument`)
and the signature check (:mod:`extractor.signatures.ofd`) read a package through this module,
so what is verified is what is read.

Package walk: ``OFD.xml`` → ``DocBody/DocRoot`` → ``Document.xml`` → ``Pages/Page/@BaseLoc``
→ page ``Content.xml`` (plus its ``Template`` pages from ``CommonData/TemplatePage``).
Every reference is resolved only against the archive's own member list (relative to the
referencing file's folder, or absolute from the package root when it starts with
``/``; :func:`resolve_member`); the filesystem is never touched and nothing is extracted.
A reference that does not resolve becomes a Chinese warning.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from extractor.safexml import XmlRefused, local, safe_xml
from extractor.zipsafe import SafeZip, UnsafeArchive

A4 = (0.0, 0.0, 210.0, 297.0)  # page box (mm) when the document declares none


def parse_floats(text: str | None) -> list[float]:
    if not text:
        return []
    out = []
    for tok in text.replace(",", " ").split():
        try:
            out.append(float(tok))
        except ValueError:
            continue
    return out


def parse_box(text: str | None) -> tuple[float, float, float, float] | None:
    v = parse_floats(text)
    if len(v) < 4:
        return None
    return (v[0], v[1], v[2], v[3])


def resolve_member(z: SafeZip, base: str, loc: str | None) -> str | None:
    """Member name for a reference ``loc`` made from the member ``base`` (or None): absolute
    from the package root when it starts with ``/``, else relative to ``base``'s folder, then
    from the root (some producers write package-root paths without '/')."""
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
        real = z.resolve(norm)
        if real is not None:
            return real
    return None


class OfdFiles:
    """The package's members with strict, cached XML parsing, for the signature check: a
    missing member raises ``KeyError``, refused XML :class:`XmlRefused` (every signed byte
    must be accounted for, nothing is skipped)."""

    def __init__(self, z: SafeZip, max_xml_bytes: int = 50 * 1024 * 1024):
        self.z = z
        self.max_xml_bytes = max_xml_bytes
        self._xml: dict[str, etree._Element] = {}

    def resolve(self, base: str, loc: str | None) -> str | None:
        return resolve_member(self.z, base, loc)

    def xml(self, name: str) -> etree._Element:
        if name not in self._xml:
            self._xml[name] = safe_xml(self.z.read(name), self.max_xml_bytes)
        return self._xml[name]


class OfdPackage:
    """Parsed structure of one OFD package held in a :class:`SafeZip`: the document root,
    resources, templates and page paths (page content: :class:`extractor.ofd_page.OfdDocument`).

    Lenient: a missing or unparsable member other than ``OFD.xml`` and the document root
    becomes a warning in ``warnings``."""

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
        return resolve_member(self.z, base, loc)

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
                        b = parse_box(c.text)
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

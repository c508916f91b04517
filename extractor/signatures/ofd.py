"""Offline verification of OFD electronic seals/signatures (GB/T 38540, GM/T 0031).

Walk: ``OFD.xml`` → each ``DocBody/Signatures`` → ``Signatures.xml`` → each
``Signature/@BaseLoc`` → ``Signature.xml`` (``SignedInfo/References``: a digest per package
file, ``CheckMethod`` SM3 by default; ``SignedValue`` → ``SignedValue.dat``). For each
signature:

1. every referenced file's digest is recomputed and compared (a missing file counts);
2. ``SignedValue.dat`` is parsed (:mod:`extractor.signatures.ses`); its ``dataHash`` must be
   the digest of the ``Signature.xml`` it belongs to (so the reference list cannot be
   edited);
3. the signature over ``TBS_Sign`` is verified with the public key of the certificate
   carried inside it (SM2/SM3, or RSA for old seals).

Coverage: every package member outside ``Signs/`` that no valid reference covers is
*unsigned content* (``unsigned_files``; e.g. ``OFD.xml`` is not referenced in some
vendors' packages). When what a reader displays is unsigned (the ``DocRoot``
``Document.xml``, a page or a template page, e.g. a DocRoot redirected to an edited copy),
the file counts as changed after signing. Signature files present but not registered in
``OFD.xml`` (a removed ``Signatures`` entry) count as a change too.

Member references are resolved exactly like the OFD reader resolves them
(:func:`extractor.ofd_package.resolve_member`), so what is verified is what is read.
"""

from __future__ import annotations

import base64
import binascii
import io
import posixpath
import zipfile
from collections import Counter

from lxml import etree

from extractor.limits import Limits
from extractor.ofd_package import OfdFiles, OfdPackage
from extractor.ofd_page import MM_TO_PT
from extractor.safexml import XmlRefused, local
from extractor.signatures.ses import (
    DIGEST_METHODS,
    SignatureFormatError,
    digest,
    parse_ses_signature,
    read_certificate,
    verify_value,
)
from extractor.zipsafe import SafeZip, UnsafeArchive, open_zip
from models.signature import SignatureCheck, SignatureInfo

# digests accepted for dataHash (the digest of Signature.xml) by length
_DATA_HASHES = {32: ("sm3", "sha256"), 20: ("sha1",), 48: ("sha384",), 64: ("sha512",)}


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if local(c.tag) == name]


def _first(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el.iter():
        if local(c.tag) == name:
            return c
    return None


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _display_members(z: SafeZip, limits: Limits) -> tuple[dict[str, str], dict[str, int]]:
    """Members whose content a reader displays → what they are (Chinese), and page id →
    1-based page number; empty when the package cannot be walked (the reader reports why)."""
    try:
        pkg = OfdPackage(z, max_xml_bytes=limits.max_xml_bytes, warnings=[])
    except (UnsafeArchive, XmlRefused, KeyError, ValueError):
        return {}, {}
    out: dict[str, str] = {}
    if pkg.doc_path:
        out[pkg.doc_path] = "文档根（DocRoot）"
    for i, (_pid, path) in enumerate(pkg.page_refs, 1):
        out.setdefault(path, f"第 {i} 页内容")
    for path in pkg.templates.values():
        out.setdefault(path, "模板页")
    pages = {pid: i for i, (pid, _p) in enumerate(pkg.page_refs, 1)}
    return out, pages


def _signatures_lists(pkg: OfdFiles, ofd_root: etree._Element) -> tuple[list[str], list[str]]:
    """(Signatures.xml members registered in OFD.xml, problems)."""
    found: list[str] = []
    problems: list[str] = []
    for body in ofd_root.iter():
        if local(body.tag) != "DocBody":
            continue
        for el in _children(body, "Signatures"):
            loc = _text(el)
            if not loc:
                continue
            real = pkg.resolve("OFD.xml", loc)
            if real is None:
                problems.append(f"OFD.xml 登记的签名列表“{loc}”在包内不存在")
            elif real not in found:
                found.append(real)
    return found, problems


def _stamp(sig_xml: etree._Element, pages: dict[str, int]) -> tuple[int | None, list[float] | None]:
    st = _first(sig_xml, "StampAnnot")
    if st is None:
        return None, None
    page = pages.get((st.get("PageRef") or "").strip())
    bbox = None
    try:
        x, y, w, h = (float(v) for v in (st.get("Boundary") or "").split())
        bbox = [round(v * MM_TO_PT, 2) for v in (x, y, x + w, y + h)]
    except ValueError:
        bbox = None
    return page, bbox


_MEMBER_KINDS = (
    ("/attachs/", "附件"),
    ("/tags/", "标签（结构化发票数据）"),
    ("/annots/", "注释"),
    ("/res/", "资源"),
    ("publicres.xml", "公共资源"),
    ("documentres.xml", "文档资源"),
)


def member_label(member: str, display: dict[str, str]) -> str:
    """A package member named for a reviewer: what it is, then its path.

    >>> member_label("Doc_0/Pages/Page_0/Content.xml", {"Doc_0/Pages/Page_0/Content.xml": "第 1 页内容"})
    '第 1 页内容（Doc_0/Pages/Page_0/Content.xml）'
    >>> member_label("OFD.xml", {})
    '包入口文件（OFD.xml）'
    >>> member_label("Doc_0/Attachs/original_invoice.xml", {})
    '附件（Doc_0/Attachs/original_invoice.xml）'
    """
    what = display.get(member)
    if what is None and member.lower() == "ofd.xml":
        what = "包入口文件"
    if what is None:
        low = "/" + member.lower()
        what = next((label for key, label in _MEMBER_KINDS if key in low), None)
    return f"{what}（{member}）" if what else member


def _check_one(
    pkg: OfdFiles,
    sig_path: str,
    pages: dict[str, int],
    problems_out: list[str],
    display: dict[str, str] | None = None,
) -> tuple[SignatureInfo, set[str]]:
    """Verify one Signature.xml; returns its info and the members its digests cover."""
    problems: list[str] = []
    covered: set[str] = set()
    info = SignatureInfo(status="intact", source=sig_path)
    try:
        root = pkg.xml(sig_path)
    except (KeyError, XmlRefused, UnsafeArchive) as exc:
        info.status = "error"
        info.what_changed = [f"签名描述文件“{sig_path}”无法读取：{getattr(exc, 'message_zh', exc)}"]
        return info, covered
    signed_info = _first(root, "SignedInfo")
    provider = _first(signed_info, "Provider")
    if provider is not None:
        info.provider = provider.get("ProviderName") or provider.get("Company")
    info.page, info.bbox = _stamp(root, pages)

    # 1. the digest of every referenced file
    refs = _first(signed_info, "References")
    method = ((refs.get("CheckMethod") if refs is not None else None) or "SM3").strip()
    hash_name = DIGEST_METHODS.get(method) or DIGEST_METHODS.get(method.upper())
    if refs is None or not _children(refs, "Reference"):
        problems.append(f"签名“{sig_path}”没有列出任何被签名的文件")
    elif hash_name is None:
        info.status = "error"
        info.what_changed = [f"签名“{sig_path}”使用了不支持的摘要算法 {method}"]
        return info, covered
    else:
        for r in _children(refs, "Reference"):
            loc = (r.get("FileRef") or "").strip()
            real = pkg.resolve(sig_path, loc)
            try:
                expected = base64.b64decode(_text(_first(r, "CheckValue")), validate=False)
            except (binascii.Error, ValueError):
                expected = b""
            if real is None:
                problems.append(f"签名所列文件“{loc}”在包内不存在（被删除或改名）")
                continue
            try:
                actual = digest(hash_name, pkg.z.read(real))
            except (KeyError, UnsafeArchive) as exc:
                problems.append(f"签名所列文件“{real}”无法读取：{getattr(exc, 'message_zh', exc)}")
                continue
            if actual != expected:
                problems.append(f"{member_label(real, display or {})} 在签名后被修改（摘要不符）")
            else:
                covered.add(real)
        info.signed_files = sorted(covered)

    # 2.-3. the signed value: dataHash of Signature.xml, then the signature itself
    value_loc = _text(_first(root, "SignedValue"))
    value_path = pkg.resolve(sig_path, value_loc) if value_loc else None
    if value_path is None:
        info.status = "error" if not problems else "broken"
        info.what_changed = [*problems, f"签名“{sig_path}”的签名值文件“{value_loc or '（未指定）'}”不存在"]
        return info, covered
    try:
        parsed = parse_ses_signature(pkg.z.read(value_path))
        cert = read_certificate(parsed.cert_der)
    except (SignatureFormatError, KeyError, UnsafeArchive) as exc:
        info.status = "broken" if problems else "error"
        info.what_changed = [*problems, f"签名值“{value_path}”无法验证：{getattr(exc, 'message_zh', exc)}"]
        return info, covered
    info.seal_name = parsed.seal_name
    info.standard = parsed.standard
    info.signing_time = parsed.signing_time
    info.signer, info.issuer = cert.subject, cert.issuer
    info.cert_serial, info.cert_not_before, info.cert_not_after = cert.serial, cert.not_before, cert.not_after
    sig_bytes = pkg.z.read(sig_path)
    hashes = _DATA_HASHES.get(len(parsed.data_hash), ())
    list_ok = any(digest(h, sig_bytes) == parsed.data_hash for h in hashes)
    if not list_ok:
        problems.append(f"{sig_path}（被签名文件清单）在签名后被修改（与签名值中的摘要不符）")
    try:
        ok, algorithm = verify_value(parsed, cert)
    except SignatureFormatError as exc:
        info.status = "broken" if problems else "error"
        info.what_changed = [*problems, str(exc)]
        return info, set()
    info.algorithm = algorithm
    if not ok:
        problems.append(f"签名值验证失败（{value_path} 与证书公钥不符，签名值或签名数据被改动）")
    if problems:
        info.status = "broken"
        info.what_changed = problems
        problems_out.extend(problems)
    # the files whose digests match still count as signed when the list itself is the signed
    # one; a forged list or signature value vouches for nothing
    return info, covered if (ok and list_ok) else set()


def verify_ofd(data: bytes, limits: Limits | None = None) -> SignatureCheck:
    """Verify every signature of an OFD package. Never raises for bad input."""
    limits = limits or Limits()
    try:
        z = open_zip(data, limits)
    except UnsafeArchive as exc:
        return SignatureCheck(status="error", format="ofd", message=f"OFD 文件无法打开：{exc.message_zh}")
    with z:
        return _verify(z, data, limits)


def _verify(z: SafeZip, data: bytes, limits: Limits) -> SignatureCheck:
    pkg = OfdFiles(z, limits.max_xml_bytes)
    try:
        ofd_root = pkg.xml("OFD.xml")
    except (KeyError, XmlRefused, UnsafeArchive):
        return SignatureCheck(status="error", format="ofd", message="OFD.xml 缺失或无法解析，签名无法验证")
    problems: list[str] = []
    lists, list_problems = _signatures_lists(pkg, ofd_root)
    problems += list_problems
    present = [n for n in z.names() if posixpath.basename(n).lower() == "signatures.xml"]
    stray = [n for n in present if n not in lists]
    if not lists and not stray:
        if list_problems:
            return SignatureCheck(status="broken", format="ofd", what_changed=list_problems)
        return SignatureCheck(status="unsigned", format="ofd")
    if stray:
        problems.append("包内有签名列表 " + "、".join(stray) + "，但 OFD.xml 未登记（签名可能被移除或绕开）")
        lists += stray
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    dup = [n for n, k in Counter(names).items() if k > 1]
    if dup:
        problems.append("包内有重名文件（不同软件可能读取不同的内容）：" + "、".join(dup[:5]))

    display, pages = _display_members(z, limits)
    infos: list[SignatureInfo] = []
    covered: set[str] = set()
    sig_members: set[str] = set()
    for lst in lists:
        sig_members.add(lst)
        try:
            lst_root = pkg.xml(lst)
        except (KeyError, XmlRefused, UnsafeArchive):
            problems.append(f"签名列表“{lst}”无法解析")
            continue
        entries = [el for el in lst_root.iter() if local(el.tag) == "Signature"]
        if not entries:
            problems.append(f"签名列表“{lst}”中没有签名")
        for el in entries:
            loc = (el.get("BaseLoc") or "").strip()
            sig_path = pkg.resolve(lst, loc)
            if sig_path is None:
                problems.append(f"签名列表登记的签名“{loc}”在包内不存在")
                continue
            sig_members.add(sig_path)
            info, cov = _check_one(pkg, sig_path, pages, problems, display)
            value_loc = None
            try:
                value_loc = _text(_first(pkg.xml(sig_path), "SignedValue"))
            except (KeyError, XmlRefused, UnsafeArchive):
                value_loc = None
            value_path = pkg.resolve(sig_path, value_loc) if value_loc else None
            if value_path:
                sig_members.add(value_path)
            infos.append(info)
            covered |= cov

    # content outside the signatures' own files that no valid digest covers
    sign_dirs = {posixpath.dirname(m) for m in lists}
    unsigned = [
        n
        for n in z.names()
        if n not in covered
        and n not in sig_members
        and not any(d and n.startswith(d + "/") for d in sign_dirs)
        and "/signs/" not in f"/{n.lower()}"
    ]
    if covered:
        for member, what in display.items():
            if member not in covered:
                problems.append(f"{what} {member} 未被签名覆盖（显示的内容不是被签名的内容）")
    has_error = any(i.status == "error" for i in infos)
    status = "broken" if problems or any(i.status == "broken" for i in infos) else "intact"
    if status == "intact" and (has_error or not infos):
        status = "error"
    what = list(dict.fromkeys(problems + [w for i in infos for w in i.what_changed]))
    first = next((i for i in infos if i.signer), infos[0] if infos else None)
    check = SignatureCheck(
        status=status,  # type: ignore[arg-type]
        format="ofd",
        standard=first.standard if first else None,
        what_changed=what if status != "intact" else [],
        signer=first.signer if first else None,
        issuer=first.issuer if first else None,
        seal_name=first.seal_name if first else None,
        algorithm=first.algorithm if first else None,
        signed_files=sorted(covered),
        unsigned_files=sorted(unsigned),
        signatures=infos,
        message=(
            "签名结构无法验证：" + "；".join(w for i in infos for w in i.what_changed)
            if status == "error"
            else None
        ),
    )
    return check

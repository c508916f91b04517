"""Generator of hostile and broken input files (nothing downloaded, nothing large committed).

``python -m tests.hostile.cases OUTDIR`` writes every case; tests call :func:`build_all`.
Each case names what a reviewer should get: ``error`` (a Chinese error, the file is
refused), ``flag`` (read, with a Chinese warning), or ``read`` (read normally).
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    name: str  # case id
    filename: str  # file name as the applicant sent it
    expect: str  # "error" | "flag" | "read"
    what: str  # short description (English)
    make: Callable[[], bytes]


# -- raw PDF building ------------------------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"", header: bytes = b"%PDF-1.7\n") -> bytes:
    """Assemble numbered objects (1-based) into a PDF with a correct xref table."""
    out = io.BytesIO()
    out.write(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer_extra, xref))
    return out.getvalue()


def stream(dict_body: bytes, data: bytes) -> bytes:
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def one_page_pdf(content: bytes = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET", extra_page: bytes = b"", resources: bytes = b"") -> bytes:
    res = resources or b"/Font << /F1 4 0 R >>"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << "
            + res
            + b" >> "
            + extra_page
            + b">>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(b"", content),
        ]
    )


def pymupdf_text_pdf(pages: int = 1, text: str = "发票号码 12345678") -> bytes:
    import pymupdf

    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page()
        page.insert_text((72, 72), text, fontname="china-s", fontsize=12)
    return doc.tobytes(garbage=0, deflate=True)


def encrypted_pdf(user_pw: str, owner_pw: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "合同编号 HT-2023-001", fontname="china-s", fontsize=12)
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=user_pw, owner_pw=owner_pw, permissions=0)


def many_pages_pdf(n: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * n
    return raw_pdf(objs)


def page_tree_cycle_pdf() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def deep_nesting_pdf(depth: int = 100_000) -> bytes:
    nested = b"[" * depth + b"]" * depth
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def flate_bomb_image_pdf() -> bytes:
    w = h = 20000  # 400 M pixels of grey declared, ~400 KB compressed
    data = zlib.compress(b"\x00" * (w * h), 9)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            stream(
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
                % (w, h),
                data,
            ),
        ]
    )


def flate_bomb_content_pdf() -> bytes:
    data = zlib.compress(b" " * (300 * 1024 * 1024), 9)  # 300 MB of spaces
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(b"/Filter /FlateDecode", data),
        ]
    )


def path_ops_pdf(n: int = 1_500_000) -> bytes:
    ops = b"".join(b"%d %d m %d %d l S\n" % (i % 500, i % 700, (i * 7) % 500, (i * 3) % 700) for i in range(n))
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(b"/Filter /FlateDecode", zlib.compress(ops, 6)),
        ]
    )


def bad_image_filter_pdf(filt: bytes) -> bytes:
    junk = random.Random(7).randbytes(4096)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
            stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
            stream(b"/Type /XObject /Subtype /Image /Width 2000 /Height 2000 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /" + filt, junk),
        ]
    )


def js_embedded_pdf() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /EmbeddedFiles << /Names [(evil.exe) 7 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(b"", b"BT /F1 12 Tf 72 720 Td (Invoice 12345678 total 106000.00) Tj ET"),
            b"<< /S /JavaScript /JS (app.alert('x');) >>",
            b"<< /Type /Filespec /F (evil.exe) /EF << /F 8 0 R >> >>",
            stream(b"/Type /EmbeddedFile", b"MZ\x90\x00fake executable"),
        ]
    )


def huge_mediabox_pdf() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400000 14400000] /Contents 4 0 R >>",
            stream(b"", b"0 0 m 100 100 l S"),
        ]
    )


# -- images ----------------------------------------------------------------------


def png_bytes(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size, built by hand (compresses to almost nothing)."""
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    body = io.BytesIO()
    chunk = row * 256
    for _ in range(height // 256):
        body.write(raw.compress(chunk))
    body.write(raw.compress(row * (height % 256)))
    body.write(raw.flush())

    def chunk_of(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk_of(b"IHDR", ihdr) + chunk_of(b"IDAT", body.getvalue()) + chunk_of(b"IEND", b"")


def small_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (200, 60), "white")
    ImageDraw.Draw(img).text((10, 20), "12345678", fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def truncated_jpeg() -> bytes:
    from PIL import Image

    img = Image.new("RGB", (800, 600), (200, 200, 200))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    return data[: len(data) // 3]


# -- zip-based (docx, ofd, application zips) ---------------------------------------


def zip_of(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            zf.writestr(info, data)
    return buf.getvalue()


def zip_with_big_member(name: str, size: int, others: list[tuple[str, bytes]]) -> bytes:
    """A zip whose member ``name`` inflates to ``size`` bytes, streamed (no big buffer)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in others:
            zf.writestr(n, d)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            block = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
    return buf.getvalue()


DOCX_CT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(document_xml: bytes) -> bytes:
    return zip_of([("[Content_Types].xml", DOCX_CT), ("_rels/.rels", DOCX_RELS), ("word/document.xml", document_xml)])


def docx_billion_laughs() -> bytes:
    ents = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10) for i in range(1, 10)
    )
    xml = b'<?xml version="1.0"?><!DOCTYPE w:document [' + ents + b"]><w:document " + W_NS + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    return docx_with(xml)


def docx_deep_nesting(depth: int = 200_000) -> bytes:
    xml = b"<w:document " + W_NS + b"><w:body>" + b"<w:p>" * depth + b"</w:p>" * depth + b"</w:body></w:document>"
    return docx_with(xml)


def docx_zip_bomb() -> bytes:
    others = [("[Content_Types].xml", DOCX_CT), ("_rels/.rels", DOCX_RELS)]
    return zip_with_big_member("word/document.xml", 600 * 1024 * 1024, others)


OFD_XML = (
    '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD">'
    "<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>{root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
)


def ofd_docroot_traversal() -> bytes:
    return zip_of([("OFD.xml", OFD_XML.format(root="../../../../etc/passwd").encode())])


def ofd_zip_slip() -> bytes:
    return zip_of([("OFD.xml", OFD_XML.format(root="Doc_0/Document.xml").encode()), ("../../evil.sh", b"#!/bin/sh\nrm -rf /\n")])


def ofd_big_entry() -> bytes:
    return zip_with_big_member("Doc_0/Document.xml", 500 * 1024 * 1024, [("OFD.xml", OFD_XML.format(root="Doc_0/Document.xml").encode())])


def ofd_many_entries(n: int = 100_000) -> bytes:
    members = [("OFD.xml", OFD_XML.format(root="Doc_0/Document.xml").encode())]
    members += [(f"Doc_0/Res/r{i}.xml", b"<a/>") for i in range(n)]
    return zip_of(members, compression=zipfile.ZIP_STORED)


def app_zip_dotdot() -> bytes:
    return zip_of([("app/申报表.pdf", pymupdf_text_pdf()), ("app/../../escape.pdf", pymupdf_text_pdf()), ("/abs/evil.pdf", b"%PDF-1.4")])


def xml_billion_laughs() -> bytes:
    ents = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10) for i in range(1, 10))
    return b'<?xml version="1.0"?><!DOCTYPE EInvoice [' + ents + b"]><EInvoice><InvoiceNumber>&a9;</InvoiceNumber></EInvoice>"


def elf_named_pdf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def junk_before_pdf() -> bytes:
    return random.Random(3).randbytes(900).replace(b"%PDF", b"xxxx") + pymupdf_text_pdf()


def truncated_pdf() -> bytes:
    data = pymupdf_text_pdf(pages=3)
    return data[: len(data) // 2]


def broken_xref_pdf() -> bytes:
    data = one_page_pdf()
    xref_at = data.rindex(b"xref\n")
    head, tail = data[:xref_at], data[xref_at:]
    tail = tail.replace(b" 00000 n", b" 00000 n").replace(b"0000000009", b"0000099999")
    return head + tail.replace(b"startxref\n", b"startxref\n9").replace(b"\n%%EOF", b"1\n%%EOF")


def no_trailer_pdf() -> bytes:
    data = one_page_pdf()
    return data[: data.rindex(b"trailer")]


CASES: list[Case] = [
    Case("empty", "empty.pdf", "error", "0-byte file", lambda: b""),
    Case("random_bytes", "scan001.pdf", "error", "4 KB of random bytes", lambda: random.Random(1).randbytes(4096)),
    Case("truncated_pdf", "truncated.pdf", "flag", "a 3-page PDF cut in half", truncated_pdf),
    Case("broken_xref", "broken_xref.pdf", "flag", "xref offsets wrong", broken_xref_pdf),
    Case("no_trailer", "no_trailer.pdf", "flag", "no trailer, no startxref", no_trailer_pdf),
    Case("user_password", "encrypted_user.pdf", "error", "user-password PDF", lambda: encrypted_pdf("secret", "owner")),
    Case("owner_password", "encrypted_owner.pdf", "flag", "owner-password-only PDF", lambda: encrypted_pdf("", "owner")),
    Case("pages_20000", "pages_20000.pdf", "error", "20,000 pages", lambda: many_pages_pdf(20_000)),
    Case("page_tree_cycle", "cycle.pdf", "error", "page tree with a cycle", page_tree_cycle_pdf),
    Case("deep_nesting_pdf", "deep.pdf", "error", "100,000-deep array nesting", deep_nesting_pdf),
    Case("flate_bomb_image", "bomb_image.pdf", "error", "20000x20000 image XObject (flate bomb)", flate_bomb_image_pdf),
    Case("flate_bomb_content", "bomb_content.pdf", "error", "300 MB content stream (flate bomb)", flate_bomb_content_pdf),
    Case("huge_mediabox", "huge_mediabox.pdf", "error", "MediaBox of 14,400,000 points", huge_mediabox_pdf),
    Case("path_ops_1_5m", "paths.pdf", "error", "1.5 M path operators on one page", path_ops_pdf),
    Case("bad_jbig2", "jbig2.pdf", "error", "JBIG2 image stream of junk", lambda: bad_image_filter_pdf(b"JBIG2Decode")),
    Case("bad_jpx", "jpx.pdf", "error", "JPX image stream of junk", lambda: bad_image_filter_pdf(b"JPXDecode")),
    Case("js_embedded", "invoice_js.pdf", "flag", "JavaScript OpenAction + embedded .exe", js_embedded_pdf),
    Case("png_named_pdf", "invoice.pdf", "flag", "a PNG named .pdf", small_png),
    Case("pdf_named_jpg", "photo.jpg", "flag", "a PDF named .jpg", pymupdf_text_pdf),
    Case("junk_before_pdf", "junk.pdf", "flag", "900 bytes of junk before %PDF", junk_before_pdf),
    Case("png_30000", "huge30000.png", "error", "30000x30000 PNG", lambda: png_bytes(30_000, 30_000)),
    Case("png_10000", "huge10000.png", "error", "10000x10000 PNG (100 M pixels)", lambda: png_bytes(10_000, 10_000)),
    Case("truncated_jpeg", "truncated.jpg", "error", "JPEG cut to a third", truncated_jpeg),
    Case("docx_zip_bomb", "bomb.docx", "error", "docx whose document.xml inflates to 600 MB", docx_zip_bomb),
    Case("docx_billion_laughs", "laughs.docx", "error", "docx with entity expansion", docx_billion_laughs),
    Case("docx_deep_nesting", "deep.docx", "error", "docx with 200,000-deep elements", docx_deep_nesting),
    Case("docx_not_zip", "notzip.docx", "error", "text file named .docx", lambda: "这不是Word文档".encode() * 20),
    Case("ofd_zip_slip", "slip.ofd", "error", "OFD with a ../ member", ofd_zip_slip),
    Case("ofd_docroot_traversal", "traversal.ofd", "error", "OFD DocRoot pointing outside the package", ofd_docroot_traversal),
    Case("ofd_500mb_entry", "big.ofd", "error", "OFD with a 500 MB entry", ofd_big_entry),
    Case("ofd_100k_entries", "many.ofd", "error", "OFD with 100,000 entries", ofd_many_entries),
    Case("xml_billion_laughs", "invoice.xml", "error", "XML entity expansion", xml_billion_laughs),
    Case("elf_named_pdf", "report.pdf", "error", "an ELF executable named .pdf", elf_named_pdf),
    Case("rtl_override_name", "invoice\u202efdp.exe", "flag", "right-to-left override in the file name", pymupdf_text_pdf),
    Case("long_name_300b", ("发" * 100) + ".pdf", "read", "a 300-byte file name", pymupdf_text_pdf),
]

# Application-level cases (zip packages) for `evreview verify`.
APP_CASES: list[Case] = [
    Case("app_zip_dotdot", "app-dotdot.zip", "error", "application zip with ../ and absolute members", app_zip_dotdot),
]


def build_all(out: Path, names: set[str] | None = None) -> list[tuple[Case, Path]]:
    """Write every case into ``out`` (names can exceed the file system's limits: then hashed)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for case in CASES + APP_CASES:
        if names and case.name not in names:
            continue
        fname = case.filename
        if len(fname.encode()) > 250:  # Linux limit is 255 bytes per name: keep it just under
            fname = fname.encode()[:240].decode("utf-8", "ignore") + ".pdf"
        path = out / case.name / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.make())
        written.append((case, path))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/evreview-hostile")
    for case, path in build_all(target):
        print(f"{case.name:24s} {path.stat().st_size:>12,d}  {path}")

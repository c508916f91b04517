"""File type by content: unsupported office and archive formats get a specific Chinese answer;
archives inside an application package are opened one level deep."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pymupdf
import pytest

from extractor.read import read_bytes, sniff
from extractor.zipsafe import iter_package


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text, fontname="china-s")
    return doc.tobytes()


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "ole", "旧版 Office"),
        (b"Rar!\x1a\x07\x00" + b"\0" * 64, "other_archive", "RAR/7z"),
        (b"7z\xbc\xaf\x27\x1c" + b"\0" * 64, "other_archive", "RAR/7z"),
        (_zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}), "office_other", "Excel"),
    ],
)
def test_unsupported_formats_are_named(data: bytes, kind: str, words: str):
    assert sniff(data) == kind
    res = read_bytes(data, "附件")
    assert res.errors and words in res.errors[0] and not res.pages


def test_archive_inside_a_package_is_opened_one_level(tmp_path: Path):
    app = tmp_path / "app-009"
    app.mkdir()
    inner = _zip({"发票/发票1.pdf": _pdf("发票号码 12345678"), "deeper.zip": _zip({"x.pdf": _pdf("x")})})
    (app / "附件.zip").write_bytes(inner)
    (app / "申报表.pdf").write_bytes(_pdf("申报表"))
    files, errors = iter_package(app)
    names = [n for n, _ in files]
    assert names == ["申报表.pdf", "附件/deeper.zip", "附件/发票/发票1.pdf"]
    assert not errors
    # the deeper archive stays a file: the reader says what it is
    deeper = dict(files)["附件/deeper.zip"]
    assert "压缩包" in read_bytes(deeper, "deeper.zip").errors[0]


def test_unsafe_archive_inside_a_package_is_refused(tmp_path: Path):
    app = tmp_path / "app-010"
    app.mkdir()
    (app / "附件.zip").write_bytes(_zip({"../../escape.pdf": _pdf("x")}))
    files, errors = iter_package(app)
    assert files == [] and errors and "附件.zip" in errors[0]

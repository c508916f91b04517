"""Safe ZIP reading and application packages: hostile archives must be refused in Chinese."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from extractor.limits import Limits
from extractor.read import read_bytes
from extractor.zipsafe import UnsafeArchive, iter_package, open_zip


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for k, v in members.items():
            zf.writestr(k, v)
    return buf.getvalue()


class _GbkInfo(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as Windows zip tools write it."""

    def _encodeFilenameFlags(self):  # type: ignore[override]
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def _gbk_name(name: str) -> str:
    return name.encode("gbk").decode("cp437")


@pytest.mark.parametrize(
    "bad", ["../evil.pdf", "a/../../evil.pdf", "/etc/passwd", "C:/Windows/x.pdf", "\\abs\\x.pdf"]
)
def test_unsafe_member_names_refused(bad: str) -> None:
    data = _zip({"ok.pdf": b"%PDF-1.4", bad: b"x"})
    with pytest.raises(UnsafeArchive) as ei:
        open_zip(data)
    assert "不安全的路径" in ei.value.message_zh


def test_too_many_entries_refused_quickly() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(100_000):
            zf.writestr(f"f{i}.txt", b"")
    t = time.perf_counter()
    with pytest.raises(UnsafeArchive) as ei:
        open_zip(buf.getvalue())
    assert time.perf_counter() - t < 5
    assert "条目过多" in ei.value.message_zh and "100000" in ei.value.message_zh


def test_high_ratio_bomb_member_refused() -> None:
    data = _zip({"bomb.xml": b"\0" * 60_000_000})
    assert len(data) < 200_000
    with pytest.raises(UnsafeArchive) as ei:
        open_zip(data)
    assert "压缩比" in ei.value.message_zh


def test_member_and_total_size_limits() -> None:
    data = _zip({"a.bin": os.urandom(3000), "b.bin": os.urandom(3000)})
    with pytest.raises(UnsafeArchive) as ei:
        open_zip(data, Limits(max_zip_member_bytes=2000))
    assert "单个成员上限" in ei.value.message_zh
    with pytest.raises(UnsafeArchive) as ei2:
        open_zip(data, Limits(max_zip_total_bytes=5000))
    assert "总大小" in ei2.value.message_zh


def test_forged_sizes_stop_decompression() -> None:
    data = bytearray(_zip({"x.txt": b"A" * 500_000}))
    # lie in the central directory: declared uncompressed size 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    z = open_zip(bytes(data))
    with pytest.raises(UnsafeArchive) as ei:
        z.read("x.txt")
    assert "压缩包" in ei.value.message_zh


def test_broken_zip_is_data_not_crash() -> None:
    with pytest.raises(UnsafeArchive) as ei:
        open_zip(b"PK\x03\x04garbage")
    assert "损坏" in ei.value.message_zh
    r = read_bytes(b"PK\x03\x04garbage", "x.ofd")
    assert r.errors


def test_hostile_ofd_via_read_bytes() -> None:
    data = _zip({"OFD.xml": b"<ofd:OFD/>", "../../x": b"1"})
    r = read_bytes(data, "evil.ofd")
    assert r.errors and "不安全的路径" in r.errors[0]


def test_iter_package_zip_wrapper_gbk_and_junk(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(_GbkInfo(_gbk_name("app-007/发票/扫描件001.pdf")), b"%PDF-1.4 a")
        zf.writestr("app-007/申报表.docx", b"PK fake")
        zf.writestr("app-007/IMG_2231", b"\xff\xd8\xff no extension")
        zf.writestr("app-007/.DS_Store", b"junk")
        zf.writestr("app-007/~$申报表.docx", b"lock")
        zf.writestr("__MACOSX/app-007/._申报表.docx", b"junk")
        zf.writestr("app-007/Thumbs.db", b"junk")
    p = tmp_path / "app-007.zip"
    p.write_bytes(buf.getvalue())
    info = zipfile.ZipFile(p).infolist()[0]
    assert not info.flag_bits & 0x800  # really stored as GBK bytes without the UTF-8 flag
    files, errors = iter_package(p)
    assert errors == []
    assert [name for name, _ in files] == ["IMG_2231", "发票/扫描件001.pdf", "申报表.docx"]
    assert dict(files)["发票/扫描件001.pdf"] == b"%PDF-1.4 a"


def test_iter_package_zip_refused(tmp_path: Path) -> None:
    p = tmp_path / "evil.zip"
    p.write_bytes(_zip({"a.pdf": b"%PDF", "../b.pdf": b"%PDF"}))
    files, errors = iter_package(p)
    assert files == [] and errors and "不安全的路径" in errors[0]


def test_iter_package_folder(tmp_path: Path) -> None:
    app = tmp_path / "app-1"
    (app / "合同" / "附件").mkdir(parents=True)
    (app / "申报表.pdf").write_bytes(b"%PDF-1.4")
    (app / "合同" / "附件" / "c.docx").write_bytes(b"PK")
    (app / "合同" / ".DS_Store").write_bytes(b"junk")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (app / "link.pdf").symlink_to(outside)
    (app / "inside_link.pdf").symlink_to(app / "申报表.pdf")
    (app / "loopdir").symlink_to(tmp_path, target_is_directory=True)
    files, errors = iter_package(app)
    names = [n for n, _ in files]
    assert names == ["inside_link.pdf", "合同/附件/c.docx", "申报表.pdf"]
    assert any("link.pdf" in e and "之外" in e for e in errors)
    assert all(b"secret" not in d for _, d in files)


def test_iter_package_missing_path(tmp_path: Path) -> None:
    files, errors = iter_package(tmp_path / "nope")
    assert files == [] and errors and "不存在" in errors[0]

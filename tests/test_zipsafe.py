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


# ---------------------------------------------------------------- one budget per archive tree

SMALL = Limits(max_zip_total_bytes=3_000_000, max_zip_member_bytes=2_000_000, max_zip_entries=1000)


def _nested(n_inner: int, members: int, member_bytes: int) -> bytes:
    """A zip of ``n_inner`` copies of one zip holding ``members`` members that compress about
    90:1 (under the ratio cap): every inner zip stays under the per-archive caps, the tree
    does not."""
    inner = _zip(
        {
            f"m{i}.bin": os.urandom(member_bytes // 100) + b"\0" * (member_bytes - member_bytes // 100)
            for i in range(members)
        }
    )
    return _zip({f"附件{k}.zip": inner for k in range(n_inner)}, zipfile.ZIP_STORED)


def test_nested_zips_share_the_outer_byte_budget(tmp_path: Path) -> None:
    inner_total = 3 * 900_000
    assert inner_total < SMALL.max_zip_total_bytes  # each inner zip alone is acceptable
    p = tmp_path / "app.zip"
    p.write_bytes(_nested(10, 3, 900_000))
    files, errors = iter_package(p, SMALL)
    got = sum(len(d) for _, d in files)
    assert got <= SMALL.max_zip_total_bytes  # the old code returned 10 x 2.7 MB = 27 MB
    assert errors and any("共用同一额度" in e or "总大小" in e for e in errors)
    assert any("未打开" in e for e in errors)  # later inner zips are not even opened
    # each inner zip alone passes: the refusal comes from the tree, not from one archive
    alone = tmp_path / "alone.zip"
    alone.write_bytes(_nested(1, 3, 900_000))
    files1, errors1 = iter_package(alone, SMALL)
    assert errors1 == [] and sum(len(d) for _, d in files1) == inner_total


def test_nested_zips_share_the_entry_budget(tmp_path: Path) -> None:
    inner = _zip({f"f{i}.txt": b"x" for i in range(400)}, zipfile.ZIP_STORED)
    p = tmp_path / "app.zip"
    p.write_bytes(_zip({f"z{k}.zip": inner for k in range(5)}))
    files, errors = iter_package(p, SMALL)
    assert len(files) <= SMALL.max_zip_entries
    assert any("条目过多" in e and "含内嵌压缩包" in e for e in errors)


def test_tree_ratio_is_measured_against_the_outermost_archive(tmp_path: Path) -> None:
    """Many sub-1 MB members of zeros: each member escapes the per-member ratio check and the
    declared total is under the cap, but the tree decompresses > 200x its size."""
    lim = Limits(max_zip_total_bytes=400_000_000)
    data = _zip({f"m{i}.bin": b"\0" * 900_000 for i in range(60)})  # 54 MB from ~60 KB
    assert len(data) * lim.max_zip_ratio + 1_000_000 < 54_000_000
    p = tmp_path / "flat.zip"
    p.write_bytes(data)
    files, errors = iter_package(p, lim)
    assert any("倍" in e and "max_zip_ratio" in e for e in errors)
    assert len(errors) == 1  # reading stops at the first refusal: no message per member
    assert sum(len(d) for _, d in files) <= len(data) * lim.max_zip_ratio + 1_000_000 + 900_000
    z = open_zip(data, lim)  # the same for an archive opened on its own (OFD, DOCX)
    with pytest.raises(UnsafeArchive):
        for n in z.names():
            z.read(n)


def test_deep_nesting_is_opened_one_level_only(tmp_path: Path) -> None:
    blob = _zip({"证明.pdf": b"%PDF-1.4 deepest"})
    for level in range(30, 0, -1):
        blob = _zip({f"level{level}.zip": blob})
    p = tmp_path / "deep.zip"
    p.write_bytes(blob)
    files, errors = iter_package(p)
    assert errors == []
    assert [n for n, _ in files] == ["level1/level2.zip"]  # level 3 and below stay bytes
    r = read_bytes(files[0][1], files[0][0])
    assert r.errors and "压缩包" in r.errors[0]  # the reader refuses it with a Chinese message


def test_folder_with_several_zips_shares_one_budget(tmp_path: Path) -> None:
    app = tmp_path / "app-9"
    app.mkdir()
    inner = _zip({f"m{i}.bin": b"\0" * 900_000 for i in range(3)})
    for k in range(4):
        (app / f"附件{k}.zip").write_bytes(inner)
    files, errors = iter_package(app, SMALL)
    assert sum(len(d) for _, d in files if not d.startswith(b"PK")) <= SMALL.max_zip_total_bytes
    assert errors


def test_normal_nested_package_is_untouched(tmp_path: Path) -> None:
    inner = _zip({"发票1.pdf": b"%PDF-1.4 one", "发票2.pdf": b"%PDF-1.4 two"})
    p = tmp_path / "app.zip"
    p.write_bytes(_zip({"申报表.pdf": b"%PDF-1.4 form", "发票.zip": inner}))
    files, errors = iter_package(p)
    assert errors == []
    assert [n for n, _ in files] == ["发票/发票1.pdf", "发票/发票2.pdf", "申报表.pdf"]


CHILD = r"""
import sys
from extractor.limits import Limits
from extractor.zipsafe import iter_package

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

base = hwm()
files, errors = iter_package(sys.argv[1], Limits(max_zip_total_bytes=64 * 2**20))
print(hwm() - base, sum(len(d) for _, d in files), len(errors))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak RSS")
def test_parent_memory_is_capped_by_the_tree_budget(tmp_path: Path) -> None:
    """The process that opens a package (the batch parent, no rlimit) holds at most the tree's
    budget: 6 inner zips of 54 MB each (324 MB with a fresh budget each) under a 64 MB cap."""
    import subprocess
    import sys

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(60):
            zf.writestr(f"m{i}.bin", os.urandom(9_000) + b"\0" * 891_000)
    p = tmp_path / "bomb.zip"
    p.write_bytes(_zip({f"附件{k}.zip": buf.getvalue() for k in range(6)}, zipfile.ZIP_STORED))
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(p)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    grown, returned, n_errors = (int(x) for x in out.stdout.split())
    assert returned <= 64 * 2**20 and n_errors >= 1
    assert grown < 64 * 2**20 + 48 * 2**20, f"peak RSS grew by {grown / 2**20:.0f} MB"

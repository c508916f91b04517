"""Safe, in-memory reading of ZIP containers (OFD, DOCX, application packages).

Nothing is ever extracted to disk. Every limit of :class:`extractor.limits.Limits`
that concerns archives is enforced twice: once on the sizes the central directory
*declares* (cheap, rejects obvious bombs before any decompression) and once on the
bytes *actually* produced while streaming a member (a forged directory cannot lie its
way past the cap).

Member names are checked before anything is read: ``..`` segments, absolute paths
(``/x``, ``\\x``), drive letters (``C:``) and NUL bytes are refused.

One budget per archive tree (:class:`ArchiveBudget`): an application package and the
archives inside it share one count of entries, one count of decompressed bytes and one
ratio (decompressed bytes / bytes of the outermost archive), so a zip of zips whose
members each stay under the per-archive caps cannot multiply them. The budget is also the
memory cap of the process that opens the package (the batch parent): what it holds of a
package's decompressed data is bounded by ``max_zip_total_bytes`` plus one chunk, whatever
the archive declares (see ``bench/zip_memory.py`` for the measured peak).

>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as zf:
...     zf.writestr("a/b.txt", "hello")
>>> z = open_zip(buf.getvalue())
>>> z.names()
['a/b.txt']
>>> z.read("a/b.txt")
b'hello'
>>> is_safe_member_name("../etc/passwd"), is_safe_member_name("C:/x"), is_safe_member_name("合同/a.pdf")
(False, False, True)
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from extractor.formats import sniff
from extractor.limits import Limits

__all__ = [
    "ArchiveBudget",
    "SafeZip",
    "UnsafeArchive",
    "decode_member_name",
    "is_junk",
    "is_safe_member_name",
    "iter_package",
    "open_zip",
]


_CHUNK = 64 * 1024
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


class UnsafeArchive(Exception):
    """An archive (or one member) was refused; ``message_zh`` is reviewer-facing Chinese."""

    def __init__(self, message_zh: str):
        super().__init__(message_zh)
        self.message_zh = message_zh


def is_safe_member_name(name: str) -> bool:
    """True when a member name stays inside the archive root."""
    if not name or "\x00" in name:
        return False
    if name.startswith(("/", "\\")) or _DRIVE_RE.match(name):
        return False
    parts = re.split(r"[\\/]+", name)
    return all(part != ".." for part in parts)


def decode_member_name(info: zipfile.ZipInfo) -> str:
    """Member name as text. ZIPs from Chinese Windows store GBK bytes without the
    UTF-8 flag (0x800); Python then decodes them as CP437. Re-decode as GBK when the
    name round-trips through CP437 and is valid GBK containing non-ASCII."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    for enc in ("utf-8", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return name


class ArchiveBudget:
    """Caps shared by every archive of one tree: entries, decompressed bytes, ratio.

    ``compressed`` is the size of the outermost archive(s), the base of the tree's ratio.
    Every archive opened with this budget adds its entries and declared sizes (checked
    before any decompression) and every chunk it decompresses (checked as it is produced).
    A nested archive's bytes count as a member of its parent and its own members count
    again: the budget measures the work done and the memory held, not only the leaves.

    >>> b = ArchiveBudget(Limits(max_zip_total_bytes=100, max_zip_ratio=10), compressed=5)
    >>> b.produce(40, "a.zip"); b.produce(40, "a.zip/b.zip")
    >>> b.produce(40, "a.zip/b.zip/c.pdf")
    Traceback (most recent call last):
        ...
    extractor.zipsafe.UnsafeArchive: 压缩包（含内嵌压缩包）实际解压总量超过上限 0 MB（limits.max_zip_total_bytes，内嵌压缩包与外层共用同一额度），“a.zip/b.zip/c.pdf”处停止，已拒绝
    """

    def __init__(self, limits: Limits, compressed: int = 0) -> None:
        self.limits = limits
        self.compressed = compressed
        self.entries = 0
        self.declared = 0
        self.produced = 0
        self.archives = 0

    def open_archive(self, entries: int, declared: int) -> None:
        """Account a newly opened archive's directory; refuse before decompressing anything."""
        lim = self.limits
        self.archives += 1
        self.entries += entries
        self.declared += declared
        nested = "（含内嵌压缩包）" if self.archives > 1 else ""
        if self.entries > lim.max_zip_entries:
            raise UnsafeArchive(
                f"压缩包{nested}条目过多：{self.entries} 个，超过上限 {lim.max_zip_entries} 个"
                "（limits.max_zip_entries），疑似压缩炸弹，已拒绝"
            )
        if self.declared > lim.max_zip_total_bytes:
            raise UnsafeArchive(
                f"压缩包{nested}解压后总大小 {self.declared / 1e6:.1f} MB 超过上限 "
                f"{lim.max_zip_total_bytes / 1e6:.0f} MB（limits.max_zip_total_bytes），已拒绝"
            )

    @property
    def exhausted(self) -> bool:
        """Whether any cap of the tree is spent: nothing more should be opened or read."""
        lim = self.limits
        return (
            self.entries > lim.max_zip_entries
            or self.declared > lim.max_zip_total_bytes
            or self.produced > lim.max_zip_total_bytes
            or bool(self.compressed and self.produced > self.compressed * lim.max_zip_ratio + 1_000_000)
        )

    def produce(self, n: int, where: str) -> None:
        """Account ``n`` bytes actually decompressed at ``where``; refuse past the tree's caps."""
        lim = self.limits
        self.produced += n
        if self.produced > lim.max_zip_total_bytes:
            raise UnsafeArchive(
                f"压缩包（含内嵌压缩包）实际解压总量超过上限 {lim.max_zip_total_bytes / 1e6:.0f} MB"
                f"（limits.max_zip_total_bytes，内嵌压缩包与外层共用同一额度），“{where}”处停止，已拒绝"
            )
        if self.compressed and self.produced > self.compressed * lim.max_zip_ratio + 1_000_000:
            raise UnsafeArchive(
                f"压缩包（含内嵌压缩包）解压总量达到原始大小的 {self.produced / self.compressed:.0f} 倍，"
                f"超过上限 {lim.max_zip_ratio:.0f} 倍（limits.max_zip_ratio），“{where}”处停止，疑似压缩炸弹，已拒绝"
            )


class SafeZip:
    """A validated ZIP opened from bytes. Use :func:`open_zip` to build one."""

    def __init__(
        self, zf: zipfile.ZipFile, limits: Limits, budget: ArchiveBudget | None = None, label: str = ""
    ):
        self._zf = zf
        self._limits = limits
        self._budget = budget or ArchiveBudget(limits)
        self._label = label
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._lower: dict[str, str] = {}
        self._cache: dict[str, bytes] = {}
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise UnsafeArchive(
                f"压缩包条目过多：{len(infos)} 个，超过上限 {limits.max_zip_entries} 个"
                "（limits.max_zip_entries），疑似压缩炸弹，已拒绝"
            )
        declared = 0
        for info in infos:
            name = decode_member_name(info)
            if not is_safe_member_name(name):
                shown = name.replace("\x00", "\\0")
                raise UnsafeArchive(
                    f"压缩包内含不安全的路径“{shown}”（绝对路径、盘符、“..”或空字符），已拒绝整个压缩包"
                )
            if info.is_dir():
                continue
            declared += info.file_size
            self._check_member_declared(name, info)
            norm = name.replace("\\", "/")
            self._infos[norm] = info
            self._lower.setdefault(norm.lower(), norm)
        if declared > limits.max_zip_total_bytes:
            raise UnsafeArchive(
                f"压缩包解压后总大小 {declared / 1e6:.1f} MB 超过上限 "
                f"{limits.max_zip_total_bytes / 1e6:.0f} MB（limits.max_zip_total_bytes），已拒绝"
            )
        self._budget.open_archive(len(infos), declared)

    def _check_member_declared(self, name: str, info: zipfile.ZipInfo) -> None:
        lim = self._limits
        if info.file_size > lim.max_zip_member_bytes:
            raise UnsafeArchive(
                f"压缩包成员“{name}”解压后 {info.file_size / 1e6:.1f} MB，超过单个成员上限 "
                f"{lim.max_zip_member_bytes / 1e6:.0f} MB（limits.max_zip_member_bytes），已拒绝"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > lim.max_zip_ratio:
            raise UnsafeArchive(
                f"压缩包成员“{name}”压缩比 {ratio:.0f}:1 超过上限 {lim.max_zip_ratio:.0f}:1"
                "（limits.max_zip_ratio），疑似压缩炸弹，已拒绝"
            )

    def names(self) -> list[str]:
        """File members (directories omitted), '/'-separated, in archive order."""
        return list(self._infos)

    def resolve(self, name: str) -> str | None:
        """The stored member name for ``name`` (exact, else case-insensitive), or None."""
        name = name.replace("\\", "/")
        if name in self._infos:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """Decompress one member with a hard cap on the bytes actually produced."""
        real = self.resolve(name)
        if real is None:
            raise KeyError(name)
        if real in self._cache:
            return self._cache[real]
        info = self._infos[real]
        lim = self._limits
        cap = min(lim.max_zip_member_bytes, max(info.file_size, 0) + 1)
        # declared size may lie: also cap by the ratio to the compressed size
        ratio_cap = int(max(info.compress_size, 1) * lim.max_zip_ratio) + 1_000_000
        out = io.BytesIO()
        produced = 0
        try:
            with self._zf.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    produced += len(chunk)
                    if produced > lim.max_zip_member_bytes or produced > ratio_cap:
                        raise UnsafeArchive(
                            f"压缩包成员“{real}”实际解压数据超过上限（声明 {info.file_size} 字节，"
                            f"已解出 {produced} 字节；limits.max_zip_member_bytes / max_zip_ratio），"
                            "疑似压缩炸弹，已拒绝"
                        )
                    if produced > cap:
                        raise UnsafeArchive(
                            f"压缩包成员“{real}”实际解压大小超过其声明大小（{info.file_size} 字节），"
                            "压缩包目录被篡改，已拒绝"
                        )
                    self._budget.produce(len(chunk), f"{self._label}{real}")
                    out.write(chunk)
        except UnsafeArchive:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise UnsafeArchive(f"压缩包成员“{real}”已损坏，无法解压（{type(exc).__name__}）") from exc
        except NotImplementedError as exc:
            raise UnsafeArchive(f"压缩包成员“{real}”使用了不支持的压缩方式或加密") from exc
        except RuntimeError as exc:  # encrypted member without password
            raise UnsafeArchive(f"压缩包成员“{real}”已加密，无法读取") from exc
        data = out.getvalue()
        if len(data) <= 4 * 1024 * 1024:
            self._cache[real] = data
        return data

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_zip(
    data: bytes, limits: Limits | None = None, budget: ArchiveBudget | None = None, label: str = ""
) -> SafeZip:
    """Open ZIP bytes after validating the central directory against ``limits``.

    ``budget`` is the tree's shared budget (a nested archive passes its package's); without
    one the archive is its own tree, its ratio based on ``len(data)``. ``label`` prefixes
    member names in messages (``附件.zip/``). Raises :class:`UnsafeArchive` (Chinese
    message) for a broken or hostile archive.
    """
    limits = limits or Limits()
    if budget is None:
        budget = ArchiveBudget(limits, compressed=len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise UnsafeArchive(f"压缩包已损坏，无法打开（{type(exc).__name__}）") from exc
    try:
        return SafeZip(zf, limits, budget, label)
    except UnsafeArchive:
        zf.close()
        raise


# --------------------------------------------------------------------------- packages

_JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini", ".localized", "icon\r"}


def is_junk(rel: str) -> bool:
    """OS / editor litter that never is evidence.

    >>> [is_junk(p) for p in ["__MACOSX/._a.pdf", "a/.DS_Store", "~$合同.docx", "a/._x.pdf", "合同.pdf"]]
    [True, True, True, True, False]
    """
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    if not parts:
        return True
    if any(p == "__MACOSX" or p in {".git", ".svn"} for p in parts[:-1]):
        return True
    base = parts[-1]
    low = base.lower()
    if low in _JUNK_NAMES or base.startswith(("~$", "._", ".~lock")):
        return True
    return low.endswith((".tmp", ".lnk")) or low == ".gitkeep"


def _strip_wrapper(names: list[str]) -> str:
    """The single top-level folder that wraps every member ('' if none)."""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        return tops.pop() + "/"
    return ""


def _package_from_zip(
    path: Path, limits: Limits, budget: ArchiveBudget
) -> tuple[list[tuple[str, bytes]], list[str]]:
    errors: list[str] = []
    files: list[tuple[str, bytes]] = []
    size = path.stat().st_size
    if size > limits.max_zip_total_bytes:
        return [], [f"申报材料压缩包过大：{size / 1e6:.1f} MB（limits.max_zip_total_bytes）"]
    budget.compressed += size
    try:
        z = open_zip(path.read_bytes(), limits, budget)
    except UnsafeArchive as exc:
        return [], [exc.message_zh]
    with z:
        names = [n for n in z.names() if not is_junk(n)]
        prefix = _strip_wrapper(names)
        for name in sorted(names):
            rel = name[len(prefix) :] if prefix else name
            try:
                data = z.read(name)
            except UnsafeArchive as exc:
                errors.append(exc.message_zh)
                if budget.exhausted:
                    break  # the tree's budget is spent: nothing more is decompressed
                continue
            files.append((rel, data))
    return files, errors


def _package_from_folder(root: Path, limits: Limits) -> tuple[list[tuple[str, bytes]], list[str]]:
    errors: list[str] = []
    files: list[tuple[str, bytes]] = []
    root_real = root.resolve()
    total = 0
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        base = Path(dirpath)
        for fn in filenames:
            p = base / fn
            rel = p.relative_to(root).as_posix()
            if is_junk(rel):
                continue
            found.append((rel, p))
        if len(found) > limits.max_zip_entries:
            return [], [
                f"申报材料文件过多：超过 {limits.max_zip_entries} 个（limits.max_zip_entries），已拒绝"
            ]
    for rel, p in sorted(found):
        try:
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                target = p.resolve()
                if not target.is_relative_to(root_real) or not target.is_file():
                    errors.append(f"“{rel}”是指向材料文件夹之外（或无效）的链接，已忽略")
                    continue
                st = target.stat()
            if not stat.S_ISREG(st.st_mode):
                errors.append(f"“{rel}”不是普通文件，已忽略")
                continue
            if st.st_size > limits.max_file_bytes:
                errors.append(
                    f"“{rel}”过大：{st.st_size / 1e6:.1f} MB，超过单个文件上限 "
                    f"{limits.max_file_bytes / 1e6:.0f} MB（limits.max_file_bytes）"
                )
                continue
            total += st.st_size
            if total > limits.max_zip_total_bytes:
                errors.append(
                    f"申报材料总大小超过上限 {limits.max_zip_total_bytes / 1e6:.0f} MB，"
                    f"“{rel}”及之后的文件未读取"
                )
                break
            files.append((rel, p.read_bytes()))
        except OSError as exc:
            errors.append(f"“{rel}”无法读取（{type(exc).__name__}）")
    return files, errors


def iter_package(path: Path, limits: Limits | None = None) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Every candidate evidence file of one application (a folder or a .zip).

    Returns ``(files, errors)``: ``files`` is a sorted list of ``(relative path, bytes)``
    (for a ZIP the path is the member path without a single wrapping top-level folder);
    ``errors`` holds Chinese messages for refused members. Junk (``.DS_Store``,
    ``__MACOSX/``, ``Thumbs.db``, ``~$`` Office lock files) is skipped silently; files
    with other or no extensions are returned because the type is decided by content.
    Never raises for bad input.
    """
    limits = limits or Limits()
    path = Path(path)
    budget = ArchiveBudget(limits)
    try:
        if path.is_dir():
            return _expand_nested(*_package_from_folder(path, limits), limits, budget, top_level=True)
        if path.is_file():
            return _expand_nested(*_package_from_zip(path, limits, budget), limits, budget, top_level=False)
    except OSError as exc:
        return [], [f"申报材料“{path.name}”无法读取（{type(exc).__name__}）"]
    return [], [f"申报材料路径不存在：{path}"]


def _expand_nested(
    files: list[tuple[str, bytes]],
    errors: list[str],
    limits: Limits,
    budget: ArchiveBudget,
    top_level: bool,
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Archives inside the package (「附件.zip」) are opened one level deep, under the
    package's budget (one tree: entries, decompressed bytes and ratio are shared); their
    members appear as ``附件/<member>``. Deeper archives stay files (and are reported as
    such by the reader). ``top_level``: the package is a folder, so its archives are the
    outermost ones and their sizes are the ratio's base."""
    out: list[tuple[str, bytes]] = []
    spent = False
    for rel, data in files:
        if sniff(data) != "zip":
            out.append((rel, data))
            continue
        if spent:
            errors.append(f"{rel}：压缩包（含内嵌压缩包）解压额度已用尽，未打开")
            continue
        folder = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
        if top_level:
            budget.compressed += len(data)
        try:
            z = open_zip(data, limits, budget, label=f"{rel}/")
        except UnsafeArchive as exc:
            errors.append(f"{rel}：{exc.message_zh}")
            spent = budget.exhausted
            continue
        with z:
            names = [n for n in z.names() if not is_junk(n) and not n.endswith("/")]
            prefix = _strip_wrapper(names)
            for name in sorted(names):
                try:
                    out.append((f"{folder}/{name[len(prefix) :] if prefix else name}", z.read(name)))
                except UnsafeArchive as exc:
                    errors.append(f"{rel}：{exc.message_zh}")
                    if budget.exhausted:
                        spent = True
                        break
    out.sort(key=lambda x: x[0])
    return out, errors

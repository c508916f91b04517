"""Word 97-2003 (.doc) files are read through Debian's antiword (extractor/readers/doc.py).

A stand-in ``antiword`` on PATH prints what antiword prints for a contract with a table,
so the dispatch, the table cells and the Chinese messages are tested on any machine; the
real antiword is run on the real .doc contracts of the corpus in tests/test_realcorpus.py.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from extractor.fields.contract import extract
from extractor.read import ReadContext, read_bytes
from extractor.readers import doc as docreader
from review.cache import ReadCache

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024

ANTIWORD_OUT = """

湖北工业大学

学生信息管理系统

项目合同书

          甲方： 湖北工业大学
          乙方： 武汉云图软件有限公司

    项目工作内容：乙方为甲方开发建设的湖北工业大学学生信息管理系统。
|序号|内容        |金额（元） |
|1   |系统开发    |100000.00  |
    合同总价：人民币拾万元整（¥100000.00）。
"""


@pytest.fixture()
def fake_antiword(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    exe = tmp_path / "antiword"
    out = tmp_path / "out.txt"
    out.write_text(ANTIWORD_OUT, encoding="utf-8")
    exe.write_text(f'#!/bin/sh\ncat "{out}"\n', encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    return exe


def test_doc_is_dispatched_and_its_table_becomes_cells(fake_antiword: Path) -> None:
    r = read_bytes(OLE, "合同.doc", ReadContext())
    assert r.errors == [] and r.kind == "docx" and len(r.pages) == 1
    cells = {(ln.row, ln.col): ln.text for ln in r.pages[0].lines if ln.table is not None}
    assert cells[(1, 1)] == "系统开发" and cells[(1, 2)] == "100000.00"
    f = extract(r.pages)
    assert f["title"].value == "项目合同书"
    assert f["buyer_name"].value == "湖北工业大学"
    assert f["seller_name"].value == "武汉云图软件有限公司"
    assert str(f["amount_total"].value) == "100000.00"


def test_not_a_word_file_or_no_antiword_is_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if docreader.antiword_path() is not None:
        # antiword refuses an OLE file that holds no Word document (an .xls, a broken file)
        r = read_bytes(OLE, "表格.xls", ReadContext())
        assert r.kind == "unknown" and "旧版 Office" in r.errors[0] and "另存为 PDF" in r.errors[0]
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword anywhere
    r = read_bytes(OLE, "合同.doc", ReadContext())
    assert r.kind == "unknown" and "未安装 antiword" in r.errors[0]
    # installing antiword later must read the file: the refusal is not cached
    cache = ReadCache(tmp_path / "cache.db")
    cache.put(r)
    assert cache.get(r.sha256) is None

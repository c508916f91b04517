"""Word 97-2003 documents (.doc, an OLE compound file) as text, read with antiword.

Applicants still submit contracts saved by old Word. No PyPI library reads the .doc format,
so the text comes from Debian's ``antiword`` (``apt-get install antiword``): UTF-8 output,
no line wrapping (``-w 0``). Its text is turned into a page like a Word document's
(``unit="none"``, ``method="docx"``): one line per paragraph; a table row printed as
``|cell|cell|`` becomes one line per cell with its table/row/column, so the field extractors
read it as they read .docx tables.

antiword runs as a child process on a private copy of the bytes with a time limit; without
antiword, or for an OLE file that is not a Word document (.xls, .wps), the result carries the
Chinese message asking for a PDF or .docx instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from extractor.readers.context import ReadContext, sha256_bytes
from models.page import Line, Page, ReadResult

NOT_READABLE = "文件是旧版 Office 格式（.doc/.xls/.wps），无法读取；请另存为 PDF 或 .docx 后提交"
TIMEOUT_SECONDS = 60


def antiword_path() -> str | None:
    return shutil.which("antiword")


def doc_lines(text: str) -> list[Line]:
    """antiword's text → lines; ``|a|b|`` table rows → one line per cell.

    >>> [(ln.text, ln.table, ln.row, ln.col) for ln in doc_lines("甲方： 湖北工业大学\\n\\n|名称|数量|\\n|服务器|2|\\n结束")]
    [('甲方： 湖北工业大学', None, None, None), ('名称', 0, 0, 0), ('数量', 0, 0, 1), ('服务器', 0, 1, 0), ('2', 0, 1, 1), ('结束', None, None, None)]
    """
    lines: list[Line] = []
    table, row, in_table = -1, 0, False
    for raw in text.splitlines():
        t = raw.strip()
        if re.fullmatch(r"\|.*\|", t) and t.count("|") >= 3:
            if not in_table:
                table, row, in_table = table + 1, 0, True
            for col, cell in enumerate(t[1:-1].split("|")):
                cell = cell.strip()
                if cell:
                    lines.append(Line(text=cell, method="docx", table=table, row=row, col=col))
            row += 1
            continue
        in_table = False
        if t:
            lines.append(Line(text=re.sub(r"\s{2,}", " ", t), method="docx"))
    return lines


def read_doc(data: bytes, name: str, ctx: ReadContext) -> ReadResult:
    """Read a .doc file's bytes; never raises for bad input."""
    result = ReadResult(file=name, sha256=sha256_bytes(data), kind="docx")
    exe = antiword_path()
    if exe is None:
        result.kind = "unknown"
        result.errors.append(NOT_READABLE + "（本机未安装 antiword）")
        # a property of this machine, not of the file: never pin it in the read cache
        result.meta["incomplete"] = True
        return result
    with tempfile.TemporaryDirectory(prefix="evreview-doc-") as tmp:
        path = os.path.join(tmp, "in.doc")
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            proc = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", path],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            result.kind = "unknown"
            result.errors.append(
                f"旧版 Word 文档读取超时（{TIMEOUT_SECONDS} 秒），请另存为 PDF 或 .docx 后提交"
            )
            result.meta["incomplete"] = True  # may be load on the machine: read again next time
            return result
    text = proc.stdout.decode("utf-8", errors="replace")
    lines = doc_lines(text)
    if proc.returncode != 0 or not lines:
        result.kind = "unknown"
        result.errors.append(NOT_READABLE)
        return result
    result.pages = [Page(number=1, unit="none", method="docx", lines=lines)]
    return result

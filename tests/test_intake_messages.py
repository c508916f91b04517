"""A damaged file is called damaged, on both reading paths (UI intake and batch workers)."""

from __future__ import annotations

from models.contract import Document
from models.page import ReadResult
from review.pipeline import FileRead, assemble
from review.worker import InProcessReader


def test_batch_path_documents_call_a_damaged_pdf_damaged() -> None:
    unknown = "无法识别的文件格式（支持 PDF、PNG/JPG/TIFF 图片、OFD、XML、DOCX、DOC）"
    rr = ReadResult(file="发票.pdf", sha256="", kind="unknown", errors=[unknown])
    doc = Document(file="x", sha256="", doc_type="other", errors=[unknown])
    app = assemble("app-x", [FileRead("发票/发票.pdf", rr)], [], documents=[[doc]])
    (d,) = [d for d in app.documents if d.file == "发票/发票.pdf"]
    assert d.errors[0].startswith("文件已损坏：扩展名为 .pdf") and "无法识别" not in d.errors[0]
    # a file without a format-bearing name keeps the format message
    doc2 = Document(file="x", sha256="", doc_type="other", errors=[unknown])
    app2 = assemble("app-y", [FileRead("说明", rr)], [], documents=[[doc2]])
    assert app2.documents[0].errors[0] == unknown


def test_ui_path_reads_a_damaged_pdf_as_damaged(tmp_path) -> None:
    from review.pipeline import read_application_files

    app = tmp_path / "app-z"
    app.mkdir()
    (app / "合同.pdf").write_bytes(b"\x00\x13 not a pdf " * 50)
    reads, _errors = read_application_files(app, InProcessReader())
    (fr,) = reads
    assert fr.result.errors[0].startswith("文件已损坏：扩展名为 .pdf")

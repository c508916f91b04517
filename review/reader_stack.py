"""The reading and extraction stack of a reader worker, loaded and exercised once.

The readers' fork server (:func:`review.worker.reader_context`) imports this module first,
then ``review.worker`` (the worker's entry point, unpickled in every reader; it brings
``review.batch_parts``): see ``review.worker.READER_PRELOAD``. This module imports nothing
of ``review`` itself, so that the worker side can ask it to :func:`warm` without a circle.
Importing it imports every reader and field extractor and runs :func:`warm`: one small
extraction per document type, so that module-level regexes, the ``re`` module's cache of
patterns and the spaCy pipeline are built once in the server and inherited by every
reader forked from it. Nothing here starts a thread, opens a file or loads the OCR model
(that stays lazy: a text-only intake never loads it).

Where readers are spawned instead (Windows, ``EVREVIEW_READER_START=spawn``), each reader
calls :func:`warm` itself before its first file.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

# Readers are single-threaded workers, one per core (OCR threads are set separately,
# see extractor.ocr). NumPy's OpenBLAS would otherwise start a thread per core in the
# server at import; with this set before NumPy loads, the server runs one thread only
# and every fork of it is clean.
if "numpy" not in sys.modules:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import io

import docx
import pymupdf

import extractor.extract
from extractor.read import ReadContext, read_bytes
from models.page import Line, Page, ReadResult

MODULES = (
    "extractor.readers.pdf",
    "extractor.readers.image",
    "extractor.readers.docx",
    "extractor.readers.ofd",
    "extractor.readers.xmldoc",
    "extractor.qr",
    "extractor.einvoice",
    "extractor.entities",
    "extractor.fields.invoice",
    "extractor.fields.voucher",
    "extractor.fields.license",
    "extractor.fields.contract",
    "extractor.fields.audit",
    "extractor.fields.form",
    "extractor.fields.titles",
    "extractor.signatures.ses",
    "extractor.signatures.ofd",
    "extractor.signatures.pdf",
    "gmssl.sm2",
    "spacy",
    "spacy.lang.zh",
    "docx",
    "zxingcpp",
)

# A few printed lines per document type: enough to run each extractor's main paths.
_PAGES = (
    (
        "增值税电子普通发票",
        "发票号码：12345678901234567890",
        "开票日期：2023年05月06日",
        "购买方信息 名称：泉州智算科技有限公司",
        "统一社会信用代码/纳税人识别号：91350500MA2XXXXX0X",
        "销售方信息 名称：福建云算数据服务有限公司",
        "*信息技术服务*算力服务费 1 1000.00 6% 60.00",
        "价税合计（大写）壹仟零陆拾圆整 （小写）¥1,060.00",
    ),
    (
        "中国工商银行 网上银行电子回单",
        "付款人 户名：泉州智算科技有限公司 账号：1408 0000 0000 0000 000",
        "收款人 户名：福建云算数据服务有限公司 开户行：中国建设银行泉州分行",
        "金额（小写）：¥300,000.00 金额（大写）：叁拾万元整",
        "交易日期：2023-06-01 用途：算力服务费",
    ),
    (
        "营业执照",
        "统一社会信用代码 91350500MA2XXXXX0X",
        "名称 泉州智算科技有限公司",
        "住所 福建省泉州市丰泽区东海街道1号",
        "成立日期 2019年03月01日 营业期限 2019年03月01日至长期",
    ),
    (
        "算力服务合同",
        "甲方（采购方）：泉州智算科技有限公司",
        "乙方（服务方）：福建云算数据服务有限公司",
        "合同金额：人民币叁拾万元整（¥300,000.00）",
        "签订日期：2023年5月1日",
    ),
    (
        "审计报告",
        "泉州智算科技有限公司全体股东：",
        "我们审计了泉州智算科技有限公司2023年度财务报表，包括2023年12月31日的资产负债表。",
        "营业收入 12,345,678.90 研发费用 1,234,567.89",
        "二〇二四年三月十五日",
    ),
    (
        "福建省人工智能产业发展项目申报表",
        "申报单位 泉州智算科技有限公司",
        "统一社会信用代码 91350500MA2XXXXX0X",
        "联系人 张三 手机 13800000000",
        "申报方向 算力服务补助",
    ),
)


def _page(lines: tuple[str, ...]) -> Page:
    return Page(
        number=1,
        width=595,
        height=842,
        lines=[Line(text=t, bbox=(50, 50 + 20 * i, 500, 65 + 20 * i)) for i, t in enumerate(lines)],
    )


def _read_samples() -> None:
    pdf = pymupdf.open()
    page = pdf.new_page()
    for i, text in enumerate(_PAGES[3]):  # a contract: no QR search (cv2 starts a thread)
        page.insert_text((50, 60 + 20 * i), text, fontname="china-s", fontsize=11)
    read_bytes(pdf.tobytes(), "warm-up.pdf", ReadContext())
    form = docx.Document()
    table = form.add_table(rows=2, cols=2)
    for row, (label, value) in zip(
        table.rows, (("申报单位", "泉州智算科技有限公司"), ("联系人", "张三")), strict=True
    ):
        row.cells[0].text, row.cells[1].text = label, value
    buf = io.BytesIO()
    form.save(buf)
    read_bytes(buf.getvalue(), "warm-up.docx", ReadContext())


_WARM = False


def warm() -> None:
    """Import the stack and run one extraction per document type (once per process)."""
    global _WARM
    if _WARM:
        return
    _WARM = True
    for module in MODULES:
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    with contextlib.suppress(Exception):  # pyHanko (signature checks), imported quietly
        from extractor.signatures.pdf import load_pyhanko

        load_pyhanko()
    with contextlib.suppress(Exception):
        from extractor.entities import get_nlp

        get_nlp()
    for lines in _PAGES:
        with contextlib.suppress(Exception):
            extractor.extract.extract_documents(
                ReadResult(file="warm-up.pdf", sha256="", kind="pdf", pages=[_page(lines)])
            )
    # one small PDF and one small DOCX through the readers (MuPDF's fonts and the
    # python-docx machinery are initialised on first use)
    with contextlib.suppress(Exception):
        _read_samples()
    # the form extractor reads DOCX tables, the others PDFs: one of each kind of page
    with contextlib.suppress(Exception):
        extractor.extract.extract_documents(
            ReadResult(
                file="warm-up.docx",
                sha256="",
                kind="docx",
                pages=[Page(number=1, unit="none", method="docx", lines=[Line(text=t) for t in _PAGES[-1]])],
            )
        )


warm()

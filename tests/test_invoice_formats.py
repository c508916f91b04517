"""One invoice supplied as OFD, its XML and a PDF copy is one invoice: counted once, the
most exact source wins (XML > OFD structured > text)."""

from __future__ import annotations

from decimal import Decimal

import pymupdf
import pytest

from extractor.read import read_bytes
from review.pipeline import FileRead, assemble
from verifiers import load_policy

INV02 = "invoices/inv02_ofd_zhejiang-putong_restaurant_526.00"


def _pdf_copy() -> bytes:
    """A text-layer PDF copy of inv02 (the values as printed on it)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=396)
    rows = [
        (200, 40, "浙江增值税电子普通发票"),
        (400, 60, "发票代码：033002000211"),
        (400, 76, "发票号码：83089647"),
        (400, 92, "开票日期：2020年07月23日"),
        (400, 108, "校 验 码：16197833567414507415"),
        (40, 130, "购买方 名称：江苏京利华新材料有限公司"),
        (40, 146, "纳税人识别号：91320115MA202UKD7X"),
        (40, 190, "货物或应税劳务、服务名称  金额  税率  税额"),
        (40, 206, "*餐饮服务*餐费  510.68  3%  15.32"),
        (40, 240, "合计  ¥510.68  ¥15.32"),
        (40, 256, "价税合计（大写）伍佰贰拾陆圆整  （小写）¥526.00"),
        (40, 290, "销售方 名称：兰溪市悦济舫餐厅"),
        (40, 306, "纳税人识别号：92330781MA2EDMFU50"),
    ]
    for x, y, text in rows:
        page.insert_text((x, y), text, fontname="china-s", fontsize=9)
    return doc.tobytes()


@pytest.fixture
def three_formats(realdocs):
    ofd = (realdocs / f"{INV02}.ofd").read_bytes()
    xml = (realdocs / f"{INV02}.original_invoice.xml").read_bytes()
    files = {"发票/inv02.ofd": ofd, "发票/inv02.xml": xml, "发票/inv02.pdf": _pdf_copy()}
    return [FileRead(name, read_bytes(data, name)) for name, data in files.items()]


def test_three_formats_are_one_invoice_counted_once(three_formats):
    app = assemble("app-formats", three_formats, [], direction_override="compute_subsidy", policy=load_policy(None))
    invoices = [d for d in app.documents if d.doc_type == "invoice"]
    assert len(invoices) == 3
    assert {str(d.fields["invoice_number"].value) for d in invoices} == {"83089647"}
    # the XML copy carries exact values from the structured source
    xml_doc = next(d for d in invoices if d.file.endswith(".xml"))
    assert xml_doc.fields["total_incl_tax"].value == Decimal("526.00")
    assert xml_doc.fields["total_incl_tax"].method.startswith("structured")
    dup = [f for f in app.findings if f.rule == "invoice.duplicate"]
    assert dup and all(f.status == "pass" for f in dup), [f.message for f in dup]
    # counted once: the OFD and PDF copies are set aside as copies, the XML is the one
    # judged (here excluded for its 2020 date, once, not three times)
    threshold = next(f for f in app.findings if f.rule == "compute.total_threshold")
    excluded = threshold.details["excluded"]
    copies = [e["what"] for e in excluded if "副本" in e["reason"]]
    assert sorted(copies) == ["发票 83089647（发票/inv02.ofd）", "发票 83089647（发票/inv02.pdf）"], excluded
    judged = [e for e in excluded if "副本" not in e["reason"]]
    assert len(judged) == 1 and "2020-07-23" in judged[0]["reason"]
    assert threshold.details["counted"] == []

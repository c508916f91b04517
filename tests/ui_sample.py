"""A tiny generated application for the UI tests: text-layer PDFs and a DOCX 申报表, so that
reading needs no OCR. The invoice's 金额 + 税额 ≠ 价税合计 on purpose (one ``fail``)."""

from __future__ import annotations

from pathlib import Path

COMPANY = "泉州智算科技有限公司"
SUPPLIER = "福建云算力服务有限公司"


def _credit_code(body17: str) -> str:
    from stdnum.cn import uscc

    return body17 + uscc.calc_check_digit(body17)


CODE = _credit_code("91350503MA2Y3K6W8")
SUPPLIER_CODE = _credit_code("91350100MA34XYB12")


def _pdf(path: Path, lines: list[str]) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    y = 72.0
    for line in lines:
        page.insert_text((60, y), line, fontname="china-s", fontsize=12)
        y += 22
    doc.save(str(path))
    doc.close()


def _form(path: Path, total: str) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("附件1")
    doc.add_paragraph("2024年福建省人工智能产业项目申报表")
    rows = [
        ("单位名称", COMPANY),
        ("统一社会信用代码", CODE),
        ("注册地址", "福建省泉州市丰泽区东海街道通港西街1号"),
        ("法定代表人", "王五"),
        ("联系人", "李四"),
        ("联系电话", "13812345678"),
        ("电子邮箱", "lisi@example.com"),
        ("申报方向", "算力服务补助"),
        ("算力采购总额", total),
    ]
    table = doc.add_table(rows=len(rows), cols=2)
    for r, (k, v) in enumerate(rows):
        table.cell(r, 0).text = k
        table.cell(r, 1).text = v
    doc.save(str(path))


def build_application(root: Path, app_id: str = "app-ui-001") -> Path:
    """Write one application folder under ``root`` and return its path."""
    app = root / app_id
    app.mkdir(parents=True, exist_ok=True)
    _form(app / "申报表.docx", "36万元")
    _pdf(
        app / "营业执照.pdf",
        [
            "营业执照",
            f"统一社会信用代码 {CODE}",
            f"名称 {COMPANY}",
            "类型 有限责任公司",
            "法定代表人 王五",
            "注册资本 壹仟万元整",
            "成立日期 2019年05月10日",
            "住所 福建省泉州市丰泽区东海街道通港西街1号",
        ],
    )
    _pdf(
        app / "发票.pdf",
        [
            "福建增值税电子普通发票",
            "发票代码 035002300111",
            "发票号码 12345678",
            "开票日期 2023年06月15日",
            f"购买方 名称：{COMPANY}",
            f"纳税人识别号：{CODE}",
            f"销售方 名称：{SUPPLIER}",
            f"纳税人识别号：{SUPPLIER_CODE}",
            "项目名称 *信息技术服务*算力租赁服务 GPU A800",
            "金额 ¥339622.64 税率 6% 税额 ¥20377.36",
            "价税合计（大写）叁拾陆万元整 （小写）¥360100.00",
        ],
    )
    return app


def intake_for_ui(monkeypatch, db: Path, app: Path, app_id: str) -> None:
    """Point the UI at ``db`` and the intake folder holding ``app`` (no password), and take the
    application in, as the 导入材料 page would."""
    from review import service
    from review.store import Store
    from review.worker import InProcessReader

    monkeypatch.setenv("EVREVIEW_DB", str(db))
    monkeypatch.setenv("EVREVIEW_SAMPLES", str(app.parent))
    monkeypatch.delenv("EVREVIEW_INTAKE", raising=False)
    monkeypatch.delenv("EVREVIEW_PASSWORD", raising=False)
    store = Store(db)
    try:
        service.intake_path(store, app, InProcessReader(), application_id=app_id)
    finally:
        store.close()

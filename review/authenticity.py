"""What the review page says about a document's authenticity: its electronic signature and
the seals found on its pages (issue 15). Pure functions of a ``Document``; the page draws
the boxes and prints the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.contract import Document
from models.signature import STATUS_LABELS_ZH, SignatureCheck

# status → Streamlit colour word for a badge
STATUS_COLOURS = {"intact": "green", "broken": "red", "error": "orange", "unsigned": "gray"}
SHAPE_LABELS = {"round": "圆章", "oval": "椭圆章"}


@dataclass(frozen=True)
class SealBox:
    page: int
    bbox: tuple[float, float, float, float]
    label: str


def signature_lines(check: SignatureCheck | None) -> list[str]:
    """The signature check in a reviewer's words; empty when the file was not checked.

    >>> signature_lines(SignatureCheck(status="intact", signer="国家税务总局福建省税务局", issuer="税务CA", algorithm="SM2/SM3"))
    ['电子签名：签名完好', '签名者：国家税务总局福建省税务局', '签发者：税务CA', '算法：SM2/SM3']
    >>> signature_lines(SignatureCheck(status="broken", what_changed=["Doc_0/Pages/Page_0/Content.xml 摘要不符"]))[:2]
    ['电子签名：签名验证失败', '改动：Doc_0/Pages/Page_0/Content.xml 摘要不符']
    >>> signature_lines(None)
    []
    """
    if check is None:
        return []
    out = [f"电子签名：{STATUS_LABELS_ZH.get(check.status, check.status)}"]
    out += [f"改动：{w}" for w in check.what_changed]
    if check.unsigned_files:
        out.append("未被签名覆盖的文件：" + "、".join(check.unsigned_files[:5]))
    for label, value in (
        ("签名者", check.signer),
        ("签发者", check.issuer),
        ("电子印章", check.seal_name),
        ("算法", check.algorithm),
        ("说明", check.message),
    ):
        if value:
            out.append(f"{label}：{value}")
    if len(check.signatures) > 1:
        out.append(f"共 {len(check.signatures)} 个签名")
    return out


def seal_lines(doc: Document) -> list[str]:
    """One line per seal found on the document's pages; a note when pages were not searched.

    >>> from models.page import Seal
    >>> d = Document(doc_type="contract", file="c.pdf", sha256="0", pages=[1, 2],
    ...              seals=[Seal(box=(1, 2, 3, 4), page=2, text="泉州智算科技有限公司合同专用章", colour_confidence=0.9)])
    >>> seal_lines(d)
    ['印章 1（第 2 页，圆章，红色）：泉州智算科技有限公司合同专用章']
    >>> seal_lines(Document(doc_type="invoice", file="a.ofd", sha256="0", pages=[1]))
    ['未检查印章（原件为电子文件或未做图像检查）']
    """
    if doc.seals is None:
        return ["未检查印章（原件为电子文件或未做图像检查）"]
    if not doc.seals:
        return ["未发现印章"]
    out = []
    for i, s in enumerate(doc.seals, 1):
        colour = "红色" if s.colour == "red" else "颜色无法判断"
        text = s.text or "（文字未能识读）"
        if s.tax_id:
            text += f"，税号 {s.tax_id}"
        out.append(
            f"印章 {i}（第 {s.page or '?'} 页，{SHAPE_LABELS.get(s.shape, s.shape)}，{colour}）：{text}"
        )
    return out


def seal_boxes(doc: Document, page: int) -> list[SealBox]:
    """The seal boxes on one page of the document, labelled for drawing."""
    out = []
    for i, s in enumerate(doc.seals or [], 1):
        if (s.page or page) == page:
            out.append(SealBox(page, tuple(s.box), f"印章 {i}"))
    return out

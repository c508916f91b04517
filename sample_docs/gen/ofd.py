"""OFD (GB/T 33190) e-invoices: a zip with OFD.xml → Doc_0/Document.xml → page and template
content made of TextObjects, as the national tax platform issues 数电票.

Labels live in the template page (Tpls/Tpl_0/Content.xml, ``ZOrder="Background"``), values in
the page content, as in real issuer files; the QR code is an ImageObject. Units are millimetres.

Add a layout by writing ``_build_<name>(inv) -> (bytes, Drawn)`` and registering it in LAYOUTS.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

from .common import fmt_date, fmt_money
from .invoice import printed_words, red_remark, shudian_kind, shudian_payload, unseen_fields
from .common import qr_image
from .model import InvoiceData
from .registry import Drawn

NS = "http://www.ofdspec.org/2016"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
FONT_SONG, FONT_COURIER, FONT_KAI = 2, 3, 4
FIXED = (2024, 6, 1, 9, 0, 0)


class _Layer:
    """Collects TextObjects / PathObjects of one content layer, and the printed text."""

    def __init__(self, first_id: int):
        self.next_id = first_id
        self.parts: list[str] = []
        self.items: list[tuple[float, float, str]] = []  # (baseline y, x, text)

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def text(self, x: float, y: float, s: str, size: float = 3.175, font: int = FONT_SONG) -> None:
        """``s`` with its baseline at (x, y) mm."""
        if not s:
            return
        deltas = [size if ord(ch) > 0x2000 else size / 2 for ch in s]
        width = sum(deltas)
        dx = " ".join(f"{d:g}" for d in deltas[:-1])
        attr = f" DeltaX={quoteattr(dx)}" if dx else ""
        self.parts.append(
            f'<ofd:TextObject ID="{self._id()}" Boundary="{x:g} {y - size:g} {width + 1:g} {size * 1.6:g}" '
            f'Font="{font}" Size="{size:g}"><ofd:TextCode X="0" Y="{size:g}"{attr}>{escape(s)}</ofd:TextCode>'
            "</ofd:TextObject>"
        )
        self.items.append((y, x, s))

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        w, h = abs(x1 - x0), abs(y1 - y0)
        self.parts.append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{min(x0, x1):g} {min(y0, y1):g} {max(w, 0.3):g} {max(h, 0.3):g}" '
            f'LineWidth="0.25"><ofd:StrokeColor Value="128 0 0"/><ofd:AbbreviatedData>M 0 0 L {w:g} {h:g}'
            "</ofd:AbbreviatedData></ofd:PathObject>"
        )

    def image(self, res_id: int, x: float, y: float, w: float, h: float) -> None:
        self.parts.append(
            f'<ofd:ImageObject ID="{self._id()}" Boundary="{x:g} {y:g} {w:g} {h:g}" CTM="{w:g} 0 0 {h:g} 0 0" '
            f'ResourceID="{res_id}"/>'
        )

    def xml(self, layer_id: int) -> str:
        return f'<ofd:Layer ID="{layer_id}">' + "".join(self.parts) + "</ofd:Layer>"


def _printed(items: list[tuple[float, float, str]]) -> str:
    """Text runs grouped into lines (same baseline within 0.8 mm), top to bottom."""
    lines: list[list[tuple[float, float, str]]] = []
    for it in sorted(items, key=lambda t: (round(t[0], 1), t[1])):
        if lines and abs(lines[-1][0][0] - it[0]) <= 0.8:
            lines[-1].append(it)
        else:
            lines.append([it])
    return "\n".join(" ".join(t[2] for t in sorted(g, key=lambda t: t[1])) for g in lines)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            zi = zipfile.ZipInfo(name, date_time=FIXED)
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return out.getvalue()


def _build_shudian(inv: InvoiceData) -> tuple[bytes, Drawn, str]:
    """A 数电票 OFD (210 x 140 mm) like the platform's: template labels, content values."""
    kind = shudian_kind(inv)
    payload = shudian_payload(inv)
    tpl = _Layer(100)
    page = _Layer(500)
    # template: frame and labels
    tpl.text(105 - len(kind) * 2.6, 14, kind, 5.2, FONT_KAI)
    tpl.line(65, 17, 145, 17)
    for x, y, lab in (
        (140, 12, "发票号码："),
        (140, 18, "开票日期："),
        (9, 34, "名称："),
        (9, 42, "统一社会信用代码/纳税人识别号："),
        (109, 34, "名称："),
        (109, 42, "统一社会信用代码/纳税人识别号："),
        (9, 54, "项目名称"),
        (50, 54, "规格型号"),
        (78, 54, "单位"),
        (92, 54, "数量"),
        (110, 54, "单价"),
        (135, 54, "金额"),
        (158, 54, "税率/征收率"),
        (185, 54, "税额"),
        (20, 92, "合计"),
        (9, 100, "价税合计（大写）"),
        (135, 100, "（小写）"),
        (9, 110, "备注"),
        (130, 131, "开票人："),
    ):
        tpl.text(x, y, lab, 2.8)
    tpl.text(2.5, 36, "购", 2.8)
    tpl.text(2.5, 41, "买", 2.8)
    tpl.text(102.5, 36, "销", 2.8)
    tpl.text(102.5, 41, "售", 2.8)
    for y in (25, 48, 95, 104, 128):
        tpl.line(5, y, 205, y)
    tpl.line(100, 25, 100, 48)
    # page content: values
    page.image(900, 8, 5, 20, 20)
    page.text(158, 12, inv.number, 3.175)
    page.text(158, 18, fmt_date(inv.issue_date), 3.175)
    page.text(20, 34, inv.buyer.name, 3.175)
    page.text(58, 42, inv.buyer.credit_code, 3.6, FONT_COURIER)
    page.text(120, 34, inv.seller.name, 3.175)
    page.text(158, 42, inv.seller.credit_code, 3.6, FONT_COURIER)
    qty = -inv.quantity if inv.red_of else inv.quantity
    unit_price = f"{inv.amount / inv.quantity:.8f}".rstrip("0").rstrip(".").lstrip("-")
    for x, v in (
        (9, inv.item),
        (50, inv.spec),
        (78, inv.unit),
        (92, str(qty)),
        (110, unit_price),
        (135, f"{inv.shown_amount:.2f}"),
        (160, f"{int(inv.rate * 100)}%"),
        (185, f"{inv.tax:.2f}"),
    ):
        page.text(x, 62, v, 3.0)
    page.text(135, 92, fmt_money(inv.shown_amount, "yen"), 3.175)
    page.text(185, 92, fmt_money(inv.tax, "yen"), 3.175)
    page.text(50, 100, printed_words(inv), 3.175)
    page.text(150, 100, fmt_money(inv.total, "yen"), 3.6)
    remark = "；".join(x for x in (red_remark(inv), inv.remark) if x)
    if remark:
        page.text(20, 110, remark, 2.8)
    page.text(145, 131, inv.drawer, 3.175)

    qr = io.BytesIO()
    qr_image(payload, 3).convert("L").save(qr, format="PNG", optimize=True)
    customs = {
        "发票号码": inv.number,
        "开票日期": fmt_date(inv.issue_date),
        "购买方纳税人识别号": inv.buyer.credit_code,
        "销售方纳税人识别号": inv.seller.credit_code,
        "合计金额": f"{inv.shown_amount:.2f}",
        "合计税额": f"{inv.tax:.2f}",
    }
    doc_id = hashlib.md5(payload.encode()).hexdigest()
    ofd_xml = (
        HEAD + f'<ofd:OFD xmlns:ofd="{NS}" DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>{doc_id}</ofd:DocID><ofd:Author>China Tax</ofd:Author>"
        f"<ofd:CreationDate>{inv.issue_date.isoformat()}</ofd:CreationDate><ofd:Creator>evreview sample generator</ofd:Creator>"
        "<ofd:CustomDatas>"
        + "".join(f"<ofd:CustomData Name={quoteattr(k)}>{escape(v)}</ofd:CustomData>" for k, v in customs.items())
        + "</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    document = (
        HEAD + f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{page.next_id + 1}</ofd:MaxUnitID>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        '<ofd:TemplatePage ID="1" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
        '<ofd:Pages><ofd:Page ID="61" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>'
    )
    public_res = (
        HEAD + f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="{FONT_SONG}" FontName="宋体" FamilyName="SimSun"/>'
        f'<ofd:Font ID="{FONT_COURIER}" FontName="Courier New" FamilyName="Courier New"/>'
        f'<ofd:Font ID="{FONT_KAI}" FontName="楷体" FamilyName="楷体"/></ofd:Fonts></ofd:Res>'
    )
    document_res = (
        HEAD + f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias>'
        '<ofd:MultiMedia ID="900" Type="Image" Format="PNG"><ofd:MediaFile>qr.png</ofd:MediaFile></ofd:MultiMedia>'
        "</ofd:MultiMedias></ofd:Res>"
    )
    box = "<ofd:Area><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:Area>"
    tpl_xml = HEAD + f'<ofd:Page xmlns:ofd="{NS}">{box}<ofd:Content>{tpl.xml(99)}</ofd:Content></ofd:Page>'
    page_xml = (
        HEAD + f'<ofd:Page xmlns:ofd="{NS}">{box}<ofd:Template TemplateID="1" ZOrder="Background"/>'
        f"<ofd:Content>{page.xml(499)}</ofd:Content></ofd:Page>"
    )
    data = _zip(
        {
            "OFD.xml": ofd_xml.encode(),
            "Doc_0/Document.xml": document.encode(),
            "Doc_0/PublicRes.xml": public_res.encode(),
            "Doc_0/DocumentRes.xml": document_res.encode(),
            "Doc_0/Tpls/Tpl_0/Content.xml": tpl_xml.encode(),
            "Doc_0/Pages/Page_0/Content.xml": page_xml.encode(),
            "Doc_0/Res/qr.png": qr.getvalue(),
        }
    )
    printed = _printed(tpl.items + page.items)
    return data, Drawn(unseen_fields(inv), [], {"qr_payload": payload}), printed


LAYOUTS = {"ofd_shudian": _build_shudian}


def build(inv: InvoiceData, layout: str) -> tuple[bytes, Drawn, str]:
    """(OFD bytes, truth fields, printed text of its one page)."""
    return LAYOUTS[layout](inv)

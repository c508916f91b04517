"""The seal test applications: which base application, which files scanned, which seal wrong.

Each application starts from a complete, clean sample application of sample_docs/gen (app-001,
app-004, app-111 + its pledge, app-118), gets its own fictional applicant (name and credit
code) and invoice numbers, and then a seal plan per file. All names and codes are fictional.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from dataclasses import dataclass, field

from sample_docs.gen import invoice as invoice_mod
from sample_docs.gen import misc
from sample_docs.gen.apps import FileSpec, Part, build_apps
from sample_docs.gen.common import digits, make_uscc
from sample_docs.gen.misc import PledgeData
from sample_docs.gen.model import Company, InvoiceData

from . import form_pdf
from .build import SealFile

SEED = 20241206


@dataclass
class SealApp:
    application_id: str
    direction: str
    base: str  # the sample application it was built from
    applicant: Company
    files: list[SealFile]
    description: str  # what is special, in Chinese
    wrong_companies: list[str] = field(default_factory=list)


def _form_spec(files: list[FileSpec]) -> FileSpec:
    return next(f for f in files if f.kind == "docx")


def _rename(files: list[FileSpec], name: str, rng: random.Random) -> Company:
    a = _form_spec(files).form.company
    a.name = name
    a.credit_code = make_uscc(rng, a.credit_code[2:8])
    return a


def _renumber(files: list[FileSpec], rng: random.Random) -> None:
    for f in files:
        for p in f.parts:
            if isinstance(p.data, InvoiceData):
                p.data.number = p.data.number[:12] + digits(rng, 8, False)
                if f.path.startswith("发票/"):
                    f.path = f"发票/{p.data.number[-8:]}.pdf"


def _to_legacy(files: list[FileSpec], rng: random.Random, region: str = "贵州") -> None:
    """Turn the 数电 invoices into older 增值税电子普通发票 (发票代码 + 8-digit number, 发票专用章)."""
    for f in files:
        for p in f.parts:
            if isinstance(p.data, InvoiceData):
                inv = p.data
                inv.seller.invoice_region = region
                inv.code = "052002300111"
                inv.number = digits(rng, 8, False)
                inv.check_code = digits(rng, 20)
                inv.machine_no = digits(rng, 12)
                p.layout, p.draw, p.group = "legacy_e_normal", invoice_mod.draw, ""
                f.path = f"发票/增值税电子普通发票_{inv.number}.pdf"


def _find(files: list[FileSpec], doc_type: str, n: int = 0) -> FileSpec:
    return [f for f in files if any(p.doc_type == doc_type for p in f.parts)][n]


def _pdf_form(files: list[FileSpec], kind: str, name: str = "申报表（盖章扫描件）.pdf", keep_docx: bool = False) -> None:
    """Replace the .docx form by its printed PDF (``pdf``) or a scan of it (``scan_pdf``), or add
    that copy next to the .docx (``keep_docx``: the Word file and the stamped scan, as many submit)."""
    i = next(k for k, f in enumerate(files) if f.kind == "docx")
    d = files[i]
    copy_ = FileSpec(name, kind, [Part("application_form", d.form_layout, form_pdf.draw, d.form)], dpi=150)
    if keep_docx:
        files.insert(i + 1, copy_)
    else:
        files[i] = copy_


def _base(apps: dict, base: str) -> list[FileSpec]:
    files = copy.deepcopy(apps[base].files)
    if base == "app-111":  # the lingyan application without its pledge: give it one
        a = _form_spec(files).form.company
        files.append(FileSpec("承诺书.pdf", "pdf", [Part("integrity_pledge", "pledge_song", misc.draw_pledge,
                                                         PledgeData(a, dt.date(2024, 6, 6)))]))
    for f in files:
        f.group = ""
        for p in f.parts:
            p.group = ""
    return files


def build_seal_apps() -> list[SealApp]:
    rng = random.Random(SEED)
    apps = {a.application_id: a for a in build_apps()}
    direction = {k: v.direction for k, v in apps.items()}
    out: list[SealApp] = []

    def add(app_id: str, base: str, name: str, desc: str, plan, wrong: list[str] | None = None,
            prepare=None) -> None:
        files = _base(apps, base)
        a = _rename(files, name, rng)
        _renumber(files, rng)
        if prepare:
            prepare(files)
        styles = plan(files, a) if plan else {}
        seal_files = []
        for f in files:
            st = styles.get(f.path, {})
            photocopy = any(bool(v.pop("photocopy", False)) for v in st.values())
            seal_files.append(SealFile(f, st, photocopy))
        out.append(SealApp(app_id, direction[base], base, a, seal_files, desc, wrong or []))

    def scan(doc_type: str, kind: str = "scan_pdf", n: int = 0, dpi: int = 150):
        def go(files):
            f = _find(files, doc_type, n)
            f.kind, f.dpi = kind, dpi
            if kind == "jpg":
                f.path = f.path.rsplit(".", 1)[0] + ".jpg"
        return go

    def chain(*steps):
        def go(files):
            for s in steps:
                s(files)
        return go

    def legacy(files):
        _to_legacy(files, rng)

    def on(doc_type: str, n: int = 0, **roles):
        """Plan: overrides for the seals of one document, by role."""
        def plan(files, a):
            return {_find(files, doc_type, n).path: dict(roles)}
        return plan

    def plans(*ps):
        def plan(files, a):
            out: dict = {}
            for p in ps:
                for k, v in p(files, a).items():
                    out.setdefault(k, {}).update(v)
            return out
        return plan

    # ------------------------------------------------------------ clean applications
    add("seal-001", "app-001", "泉州星图智能科技有限公司",
        "全部为文字层PDF，印章齐全且名称相符；数电票无发票专用章（不应有印章结论）；申报表为docx（不应有印章结论）",
        None)
    add("seal-002", "app-118", "泉州晋江云帆数据科技有限公司",
        "较早的增值税电子普通发票带销售方发票专用章（名称、税号相符），其余印章齐全；两张银行回单为扫描PDF",
        None, prepare=chain(legacy, scan("payment_voucher"), scan("payment_voucher", n=1)))
    add("seal-003", "app-111", "泉州洛阳桥软件有限公司",
        "各类扫描件：盖章申报表扫描PDF（另附docx原件）、营业执照复印件照片JPG、承诺书扫描PDF，印章齐全且相符",
        None, prepare=chain(lambda fs: _pdf_form(fs, "scan_pdf", keep_docx=True), scan("business_license", "jpg"),
                            scan("integrity_pledge")))
    add("seal-013", "app-004", "泉州崇武智能科技股份有限公司",
        "印章浅淡、偏压不均、旋转较大但名称相符；申报表为盖章的文字层PDF",
        plans(on("business_license", applicant={"ink": 0.5, "rotation": 28}),
              on("integrity_pledge", applicant={"gradient": 0.65, "rotation": -25}),
              on("application_form", applicant={"ink": 0.55})),
        prepare=chain(lambda fs: _pdf_form(fs, "pdf", "申报表.pdf"), scan("integrity_pledge", "jpg")))
    add("seal-016", "app-118", "泉州洛江智算科技有限公司",
        "合同为扫描PDF（双方印章旋转，卖方印章浅淡），发票为纸质发票照片JPG（发票专用章相符）",
        on("contract", seller={"ink": 0.55, "rotation": -18}, buyer={"rotation": 24}),
        prepare=chain(legacy, scan("contract"), scan("invoice", "jpg", n=1)))

    # ------------------------------------------------------------ applicant seal missing / wrong / undecidable
    add("seal-004", "app-111", "泉州东海湾智能软件有限公司",
        "营业执照复印件（文字层PDF）未加盖申报单位公章", on("business_license", applicant={"omit": True}))
    add("seal-005", "app-004", "泉州清濛数字科技股份有限公司",
        "无涉黑（失信）承诺书（文字层PDF）未盖章；营业执照复印件为扫描PDF（盖章相符）",
        on("integrity_pledge", applicant={"omit": True}), prepare=scan("business_license"))
    add("seal-006", "app-111", "泉州丰泽慧联软件有限公司",
        "承诺书加盖的是另一家公司（名称相近：泉州丰泽慧联网络有限公司）的公章",
        on("integrity_pledge", applicant={"name": "泉州丰泽慧联网络有限公司"}), ["泉州丰泽慧联网络有限公司"])
    add("seal-012", "app-111", "泉州开元智能软件有限公司",
        "营业执照复印件为灰色复印件拍照（印章为灰色、浅淡，无法判断）",
        on("business_license", applicant={"photocopy": True, "ink": 0.8}),
        prepare=scan("business_license", "jpg"))
    add("seal-014", "app-111", "泉州金井智能软件有限公司",
        "申报表以文字层PDF提交但未加盖申报单位公章",
        on("application_form", applicant={"omit": True}), prepare=lambda fs: _pdf_form(fs, "pdf", "申报表.pdf"))
    add("seal-015", "app-111", "泉州安平数据技术有限公司",
        "营业执照复印件（扫描JPG）加盖的是母公司泉州海创控股集团有限公司的公章",
        on("business_license", applicant={"name": "泉州海创控股集团有限公司"}), ["泉州海创控股集团有限公司"],
        prepare=scan("business_license", "jpg"))
    add("seal-017", "app-111", "泉州泉港智能软件有限公司",
        "承诺书为灰色复印件扫描PDF（印章无法判断）",
        on("integrity_pledge", applicant={"photocopy": True, "ink": 0.85}), prepare=scan("integrity_pledge"))
    add("seal-018", "app-111", "泉州台商区智能软件有限公司",
        "盖章申报表扫描件加盖的是另一家公司（泉州数联科技服务有限公司）的公章",
        on("application_form", applicant={"name": "泉州数联科技服务有限公司"}), ["泉州数联科技服务有限公司"],
        prepare=lambda fs: _pdf_form(fs, "scan_pdf"))

    # ------------------------------------------------------------ contract seals
    add("seal-007", "app-118", "泉州石狮智联算力应用有限公司",
        "算力服务合同（扫描PDF）缺少卖方（供应商）合同专用章", on("contract", seller={"omit": True}),
        prepare=scan("contract"))
    add("seal-008", "app-118", "泉州南安启明智能科技有限公司",
        "算力服务合同买方位置加盖的是第三方厦门鹭岛数据服务有限公司的合同专用章",
        on("contract", buyer={"name": "厦门鹭岛数据服务有限公司"}), ["厦门鹭岛数据服务有限公司"],
        prepare=scan("integrity_pledge", "jpg"))

    # ------------------------------------------------------------ invoice seals
    add("seal-009", "app-118", "泉州惠安智造科技有限公司",
        "第1张纸质增值税普通发票（照片JPG）无销售方发票专用章；第2张发票专用章相符",
        on("invoice", seller={"omit": True}), prepare=chain(legacy, scan("invoice", "jpg")))
    add("seal-010", "app-118", "泉州德化瓷都智能科技有限公司",
        "第2张发票（扫描PDF）的发票专用章是另一家公司（贵阳数智云计算有限公司）的",
        on("invoice", n=1, seller={"name": "贵阳数智云计算有限公司"}), ["贵阳数智云计算有限公司"],
        prepare=chain(legacy, scan("invoice", n=1)))

    def wrong_tax(files, a):
        f = _find(files, "invoice")
        seller = f.parts[0].data.seller
        other = make_uscc(random.Random(f"{SEED}-tax"), seller.credit_code[2:8])
        return {f.path: {"seller": {"tax_id": other}}}

    add("seal-011", "app-118", "泉州永春数据科技有限公司",
        "第1张发票的发票专用章名称相符但税号不是销售方的税号；第2张为照片JPG（相符）", wrong_tax,
        prepare=chain(legacy, scan("invoice", "jpg", n=1)))
    out.sort(key=lambda x: x.application_id)
    return out

"""Sample applications for the 2025 city call, direction (一) 市外项目招标奖励
(policy ``verifiers/policies/quanzhou-digital-2025.toml``).

    python -m sample_calls.quanzhou_digital_2025 [--out DIR]   (default: sample_calls/quanzhou-digital-2025)

Writes ``applications/<id>/`` (申报表.docx, 营业执照.pdf, 中标通知书.pdf, 合同.pdf, 回单*.pdf,
软件著作权登记证书*.pdf, 承诺书.pdf) and ``truth/<id>.json`` (expected verdict and findings).
One clean application and one per defect the call's conditions must catch: contract below
the per-contract minimum, signed in 2023, buyer in 泉州, 40 % paid, one software copyright.
The companies are fictional; their credit codes carry a valid check character.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import docx
import pymupdf
from docx.shared import Pt

from sample_docs.gen import contract as contract_mod
from sample_docs.gen import license as license_mod
from sample_docs.gen import misc as misc_mod
from sample_docs.gen import receipt as receipt_mod
from sample_docs.gen.common import A4, Sheet, digits, fmt_date, fmt_money, make_uscc, seal
from sample_docs.gen.form import _fixed_zip  # deterministic zip timestamps
from sample_docs.gen.model import Company, ContractData, ReceiptData

HERE = Path(__file__).resolve().parent / "quanzhou-digital-2025"
SEED = 20250611
D = dt.date
M = Decimal
PDF_META = {
    "producer": "evreview sample generator",
    "creator": "evreview sample generator",
    "creationDate": "D:20250701090000+08'00'",
    "modDate": "D:20250701090000+08'00'",
}


@dataclass
class Copyright:
    owner: Company
    software: str
    reg_no: str
    cert_no: str
    finished: dt.date
    registered: dt.date


@dataclass
class BidNotice:
    winner: Company
    tenderer: Company
    project: str
    tender_no: str
    amount: Decimal
    date: dt.date


@dataclass
class AppSpec:
    app_id: str
    applicant: Company
    buyer: Company
    contract: ContractData
    receipts: list[ReceiptData]
    copyrights: list[Copyright]
    bid: BidNotice
    expected_verdict: str
    expected_findings: list[dict] = field(default_factory=list)
    defect: str = ""


# ----------------------------------------------------------------- drawing


def _pdf(draw) -> bytes:
    doc = pymupdf.open()
    drawn = draw(doc)
    for s in drawn.sheets if hasattr(drawn, "sheets") else drawn:
        s.flush()
    doc.subset_fonts()
    doc.set_metadata(PDF_META)
    data = doc.tobytes(garbage=4, deflate=True, no_new_id=True)
    doc.close()
    return data


def _copyright(doc: pymupdf.Document, c: Copyright) -> list[Sheet]:
    s = Sheet.new(doc, A4)
    s.text(297, 90, "中华人民共和国国家版权局", 14, align="center")
    s.text(297, 130, "计算机软件著作权登记证书", 22, align="center")
    s.text(470, 165, f"证书号：{c.cert_no}", 10, align="right")
    rows = [
        ("软件名称", c.software),
        ("著作权人", c.owner.name),
        ("开发完成日期", fmt_date(c.finished)),
        ("首次发表日期", "未发表"),
        ("权利取得方式", "原始取得"),
        ("权利范围", "全部权利"),
        ("登记号", c.reg_no),
    ]
    y = 220
    for lab, val in rows:
        s.text(100, y, f"{lab}：", 12)
        s.text(210, y, val, 12)
        y += 34
    s.wrap(
        100,
        y + 20,
        "根据《计算机软件保护条例》和《计算机软件著作权登记办法》的规定，经中国版权保护中心审核，对以上事项予以登记。",
        395,
        11,
        22,
    )
    s.text(420, y + 150, fmt_date(c.registered), 12)
    s.image(380, y + 80, 500, y + 200, seal("中华人民共和国国家版权局", "★", "", 240, seed=71))
    return [s]


def _bid_notice(doc: pymupdf.Document, b: BidNotice) -> list[Sheet]:
    s = Sheet.new(doc, A4)
    s.text(297, 100, "中标通知书", 22, align="center")
    s.text(470, 135, f"招标编号：{b.tender_no}", 10, align="right")
    s.text(72, 175, f"{b.winner.name}：", 12)
    y = s.wrap(
        72,
        205,
        f"{b.tenderer.name}{b.project}已于{fmt_date(b.date - dt.timedelta(days=20))}公开开标，经评标委员会评审并公示，"
        "确定贵单位为中标人。请贵单位在收到本通知书后30日内与招标人签订合同。",
        451,
        12,
        24,
        indent=24,
    )
    rows = [
        ("项目名称", b.project),
        ("招标人", b.tenderer.name),
        ("中标人", b.winner.name),
        ("中标金额", f"{fmt_money(b.amount, 'comma')}元"),
        ("招标方式", "公开招标"),
    ]
    y += 20
    for lab, val in rows:
        s.text(90, y, f"{lab}：{val}", 12)
        y += 30
    s.text(330, y + 60, "招标代理机构：福建省建融招标代理有限公司", 11)
    s.text(400, y + 90, fmt_date(b.date), 11)
    s.image(380, y + 20, 500, y + 140, seal("福建省建融招标代理有限公司", "★", "", 240, seed=72))
    return [s]


def _form(a: AppSpec) -> bytes:
    c = a.applicant
    d = docx.Document()
    st = d.styles["Normal"]
    st.font.size = Pt(10.5)
    h = d.add_paragraph()
    r = h.add_run("泉州市工业数字经济发展专项资金项目申报表")
    r.bold = True
    r.font.size = Pt(16)
    rows = [
        ("单位名称", c.name),
        ("统一社会信用代码", c.credit_code),
        ("单位地址", c.address),
        ("法定代表人", c.legal_rep),
        ("联系人", c.contact),
        ("联系人电话", c.contact_phone),
        ("电子邮箱", c.email),
        ("申报方向", "☑市外项目招标奖励  □数字化转型标杆  □工业互联网平台"),
        ("项目名称", a.bid.project),
        (
            "项目介绍",
            f"本单位通过公开招标中标{a.buyer.name}{a.bid.project}，合同金额{fmt_money(a.contract.total, 'comma')}元。",
        ),
    ]
    t = d.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    for i, (lab, val) in enumerate(rows):
        t.cell(i, 0).text = lab
        t.cell(i, 1).text = val
    cp = d.core_properties
    cp.author = "申报单位"
    cp.created = cp.modified = cp.last_printed = dt.datetime(2025, 7, 1, 9, 0, 0)
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def build_files(a: AppSpec) -> dict[str, bytes]:
    files = {
        "申报表.docx": _form(a),
        "营业执照.pdf": _pdf(lambda doc: license_mod.draw(doc, a.applicant, "electronic")),
        "中标通知书.pdf": _pdf(lambda doc: _bid_notice(doc, a.bid)),
        "合同.pdf": _pdf(lambda doc: contract_mod.draw(doc, a.contract, "sales")),
        "承诺书.pdf": _pdf(
            lambda doc: misc_mod.draw_pledge(
                doc, misc_mod.PledgeData(a.applicant, D(2025, 7, 1)), "pledge_formal"
            )
        ),
    }
    for i, r in enumerate(a.receipts, 1):
        files[f"回单{i}.pdf"] = _pdf(lambda doc, r=r: receipt_mod.draw(doc, r, "icbc_grid"))
    for i, c in enumerate(a.copyrights, 1):
        files[f"软件著作权登记证书{i}.pdf"] = _pdf(lambda doc, c=c: _copyright(doc, c))
    return files


# ----------------------------------------------------------------- applications


def _company(rng: random.Random, name: str, region: str, **kw) -> Company:
    return Company(name=name, credit_code=make_uscc(rng, region), account=digits(rng, 19), **kw)


def build_apps() -> list[AppSpec]:
    rng = random.Random(SEED)
    applicant = _company(
        rng,
        "泉州星图软件科技有限公司",
        "350503",
        address="福建省泉州市丰泽区东海街道通港西街288号软件园3号楼602室",
        legal_rep="黄志明",
        phone="13900595201",
        bank="中国工商银行泉州丰泽支行",
        contact="吴晓燕",
        contact_phone="13900595202",
        email="shenbao@xingtu-demo.example.com",
        scope="一般项目：软件开发；人工智能应用软件开发；信息系统集成服务。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
        established=D(2017, 9, 12),
        term_end=D(2047, 9, 11),
        authority="泉州市丰泽区市场监督管理局",
    )
    xiamen = _company(
        rng,
        "厦门港务数据服务有限公司",
        "350206",
        address="福建省厦门市湖里区东港北路31号",
        legal_rep="陈建国",
        phone="13900592301",
        bank="中国建设银行厦门湖里支行",
    )
    jinjiang = _company(
        rng,
        "晋江市智慧城市运营有限公司",
        "350582",
        address="福建省晋江市青阳街道世纪大道168号",
        legal_rep="许文辉",
        phone="13900595401",
        bank="中国农业银行晋江支行",
    )
    project = "智慧港口视觉巡检系统建设项目"

    def spec(
        app_id: str,
        *,
        buyer: Company = xiamen,
        total: str = "2680000.00",
        signed: dt.date = D(2024, 5, 20),
        paid: tuple[str, ...] = ("0.4", "0.3"),
        n_copyrights: int = 2,
        defect: str = "",
        expected: list[dict] | None = None,
    ) -> AppSpec:
        amount = M(total)
        ct = ContractData(
            number=f"XT-{app_id.upper()}-2024",
            title=f"{project}合同",
            buyer=buyer,
            seller=applicant,
            sign_date=signed,
            start=signed + dt.timedelta(days=10),
            end=signed + dt.timedelta(days=375),
            total=amount,
            product="星图工业视觉质检系统V2.0",
            gpu_count=1,
            content="视觉巡检系统软件部署、算法训练与一年运维",
            installments=[
                ("合同签订后15日内", (amount * M("0.4")).quantize(M("0.01"))),
                ("系统上线验收后15日内", (amount * M("0.3")).quantize(M("0.01"))),
                ("运维期满后15日内", amount - (amount * M("0.7")).quantize(M("0.01"))),
            ],
        )
        receipts = [
            ReceiptData(
                payer=buyer,
                payee=applicant,
                amount=(amount * M(f)).quantize(M("0.01")),
                date=signed + dt.timedelta(days=40 + 120 * i),
                purpose=f"{project}第{i + 1}期款",
                serial=f"2024{digits(rng, 14)}",
            )
            for i, f in enumerate(paid)
        ]
        copyrights = [
            Copyright(
                applicant,
                name,
                f"2024SR0{digits(rng, 6)}",
                f"软著登字第{digits(rng, 8)}号",
                D(2023, 8, 15 + i),
                D(2024, 3, 5 + i),
            )
            for i, name in enumerate(
                ["星图工业视觉质检系统V2.0", "星图港口巡检算法训练平台V1.0"][:n_copyrights]
            )
        ]
        bid = BidNotice(
            applicant, buyer, project, f"ZB-{app_id.upper()}", amount, signed - dt.timedelta(days=12)
        )
        exp = expected or []
        return AppSpec(
            app_id,
            applicant,
            buyer,
            ct,
            receipts,
            copyrights,
            bid,
            "fail" if any(e["status"] == "fail" for e in exp) else "pass",
            exp,
            defect,
        )

    return [
        spec("q25-001"),
        spec(
            "q25-002",
            total="1850000.00",
            defect="单个合同金额低于200万元",
            expected=[{"rule": "amount.threshold", "status": "fail", "clause": "单个合同金额200万元以上"}],
        ),
        spec(
            "q25-003",
            signed=D(2023, 11, 28),
            defect="合同签订于2023年",
            expected=[{"rule": "date.window", "status": "fail", "clause": "合同签订时间在2024年"}],
        ),
        spec(
            "q25-004",
            buyer=jinjiang,
            defect="采购方位于泉州（晋江）",
            expected=[
                {"rule": "party.region", "status": "fail", "clause": "项目业主（采购方）为泉州市外单位"}
            ],
        ),
        spec(
            "q25-005",
            paid=("0.4",),
            defect="已收款仅40%",
            expected=[
                {
                    "rule": "ratio.paid_to_contract",
                    "status": "fail",
                    "clause": "申报截止前项目已收款不低于合同总额的60%",
                }
            ],
        ),
        spec(
            "q25-006",
            n_copyrights=1,
            defect="只有一项软件著作权",
            expected=[
                {"rule": "count.at_least", "status": "fail", "clause": "拥有2项及以上软件著作权登记证书"}
            ],
        ),
    ]


def generate(out: Path = HERE) -> list[str]:
    apps_dir, truth_dir = out / "applications", out / "truth"
    for d in (apps_dir, truth_dir):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
    ids = []
    for a in build_apps():
        folder = apps_dir / a.app_id
        folder.mkdir()
        for name, data in build_files(a).items():
            (folder / name).write_bytes(data)
        truth = {
            "application_id": a.app_id,
            "policy": "quanzhou-digital-2025",
            "direction": "out_of_city_bid",
            "seeded_defect": a.defect,
            "expected_verdict": a.expected_verdict,
            "expected_findings": a.expected_findings,
        }
        (truth_dir / f"{a.app_id}.json").write_text(
            json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        ids.append(a.app_id)
    return ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    print("generated:", ", ".join(generate(args.out)))


if __name__ == "__main__":
    main()

"""Rule ``evidence.license_qr_matches`` (verifiers/qr.py) and the licence's ``qr`` field
(extractor/fields/license_qr.py): a licence whose QR registers another company.

The case comes from the real corpus (uk-015, a licence photo published in a web app's assets):
its QR holds the registry record of a company of another province, another 注册号 and
another name, while the print is read whole. Names of the companies are replaced here.
"""

from __future__ import annotations

from extractor.fields.license import extract
from models.contract import ApplicationResult, Document, FieldValue
from models.page import Barcode, Line, Page
from verifiers import load_policy
from verifiers.base import RuleContext
from verifiers.qr import LICENSE_RULE_ID, license_qr_matches

PRINTED = [
    ("营业执照", 131, 185, 328),
    ("注册号131024000000870", 278, 301, 166),
    ("名称", 100, 341, 80),
    ("香河某某金属制品有限责任公司", 189, 341, 207),
    ("类型", 100, 365, 80),
    ("有限责任公司(自然人投资或控股)", 191, 365, 204),
    ("成立日期", 98, 460, 85),
    ("2004年6月3日", 189, 459, 85),
]
FOREIGN_QR = (
    "注册号:410702000021739;\n名称:新乡市某某网络科技有限公司;\n法定代表人:某某;\n成立日期:2012年04月09日;"
)
OWN_QR = "注册号:131024000000870;\n名称:香河某某金属制品有限责任公司;\n成立日期:2004年06月03日;"


def _page(qr: str | None) -> Page:
    lines = [
        Line(text=t, bbox=(x, y, x + w, y + 18), confidence=0.97, method="ocr") for t, x, y, w in PRINTED
    ]
    page = Page(number=1, width=591, height=841, method="ocr", lines=lines)
    if qr is not None:
        page.barcodes = [Barcode(text=qr, bbox=(84, 622, 183, 722))]
    return page


def _run(fields: dict[str, FieldValue]) -> list:
    doc = Document(file="yyzz.jpg", sha256="0" * 64, doc_type="business_license", pages=[1], fields=fields)
    app = ApplicationResult(application_id="lic-qr", direction="compute_subsidy", documents=[doc])
    return license_qr_matches(RuleContext.build(app, load_policy()))


def test_a_qr_of_another_company_mends_nothing_and_fails_the_rule():
    f = extract([_page(FOREIGN_QR)])
    # the print stays as read: the QR's name and date are another company's
    assert f["company_name"].value == "香河某某金属制品有限责任公司"
    assert str(f["established_date"].value) == "2004-06-03"
    assert f["qr"].value["registration_no"] == "410702000021739"
    (finding,) = _run(f)
    assert finding.rule == LICENSE_RULE_ID and finding.status == "fail"
    assert "另一主体" in finding.message and "410702000021739" in finding.message
    assert "131024000000870" in finding.message


def test_the_licences_own_qr_passes_and_mends_a_misread_glyph():
    f = extract([_page(OWN_QR)])
    (finding,) = _run(f)
    assert finding.status == "pass"
    # one glyph of the name misread by OCR: the QR mends it, and the name is then the QR's own
    # (not compared: nothing printed was read to compare it with), the code still is
    misread = [
        r if r[0] != "香河某某金属制品有限责任公司" else ("香河某某金属制晶有限责任公司", *r[1:])
        for r in PRINTED
    ]
    page = _page(OWN_QR)
    page.lines = [
        Line(text=t, bbox=(x, y, x + w, y + 18), confidence=0.97, method="ocr") for t, x, y, w in misread
    ]
    f = extract([page])
    assert (f["company_name"].value, f["company_name"].method) == ("香河某某金属制品有限责任公司", "qr")
    (finding,) = _run(f)
    assert finding.status == "pass" and finding.details["compared"] == ["credit_code"]


def test_no_finding_without_a_qr_record():
    assert _run(extract([_page(None)])) == []
    # a link that names nobody in clear (an encoded id), or a credit code beside a printed 注册号
    assert _run(extract([_page("http://www.gsxt.gov.cn/index.html?uniscid=amJqcG95eXFeVXNGW3")])) == []
    assert _run(extract([_page("http://www.gsxt.gov.cn/index.html?uniscid=91500107305160603W")])) == []


def test_a_registry_link_naming_another_credit_code_fails():
    printed = [r for r in PRINTED if not r[0].startswith("注册号")]
    printed += [("统一社会信用代码", 100, 300, 150), ("91320509MA1MAB2C39", 100, 320, 180)]
    page = _page("http://www.gsxt.gov.cn/index.html?uniscid=91500107305160603W")
    page.lines = [
        Line(text=t, bbox=(x, y, x + w, y + 18), confidence=0.97, method="ocr") for t, x, y, w in printed
    ]
    f = extract([page])
    assert f["credit_code"].value == "91320509MA1MAB2C39"  # the print stays: the link is another's
    (finding,) = _run(f)
    assert finding.status == "fail" and "91500107305160603W" in finding.message
    # the link naming the printed code passes
    page.barcodes[0].text = "http://www.gsxt.gov.cn/index.html?uniscid=91320509MA1MAB2C39"
    (finding,) = _run(extract([page]))
    assert finding.status == "pass"


def test_a_fail_on_values_read_unsurely_is_a_review():
    f = extract([_page(FOREIGN_QR)])
    f["credit_code"] = f["credit_code"].model_copy(update={"confidence": 0.3})
    f["company_name"] = f["company_name"].model_copy(update={"confidence": 0.3})
    (finding,) = _run(f)
    assert finding.status == "review"

"""The review page shows an invoice's signature result and the seals of a document (issue 15),
driven with AppTest on a real signed OFD e-invoice (../shared/realdocs) and a licence copy
with the applicant's seal (sample_docs/seals, made by someone who did not write the detector)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from ui_sample import intake_for_ui  # noqa: E402

REALDOCS = ROOT.parent / "shared" / "realdocs"
INVOICE = REALDOCS / "invoices" / "inv02_ofd_zhejiang-putong_restaurant_526.00.ofd"
LICENCE = ROOT / "sample_docs" / "seals" / "out" / "applications" / "seal-001" / "01营业执照.pdf"
AID = "app-auth-001"


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not INVOICE.exists():
        pytest.skip(f"real documents not present: {REALDOCS}")
    app = tmp_path / "applications" / AID
    app.mkdir(parents=True)
    shutil.copy(INVOICE, app / "发票.ofd")
    shutil.copy(LICENCE, app / "营业执照.pdf")
    db = tmp_path / "evreview.db"
    intake_for_ui(monkeypatch, db, app, AID)
    return db


def _open_doc(file: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.sidebar.text_input(key="reviewer").set_value("张审核")
    at.session_state["review_app"] = AID
    at.switch_page("app_pages/review.py")
    at.run()
    box = at.selectbox(key=f"open_doc_{AID}")
    idx = next(i for i, label in enumerate(box.options) if file in label)
    box.set_value(idx)  # the options are the documents' indexes
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(x.value) for x in [*at.markdown, *at.caption])


def test_signed_invoice_shows_its_signature_result(env: Path) -> None:
    texts = _texts(_open_doc("发票.ofd"))
    assert "电子签名：签名完好" in texts
    assert "签名者：" in texts and "签发者：" in texts
    assert "未检查印章" in texts  # an OFD original is not searched for stamps


def test_licence_copy_lists_its_seal_and_the_page_draws_it(env: Path) -> None:
    at = _open_doc("营业执照.pdf")
    texts = _texts(at)
    assert "印章 1（第 1 页" in texts, texts
    assert "电子签名" not in texts  # a scanned copy has no signature to check
    at.button(key=f"open_go_{AID}").click()
    at.run()
    assert not at.exception
    # the page viewer lists the seal among the boxes it draws on the page
    assert any("印章 1" in str(m.value) for m in at.markdown), _texts(at)

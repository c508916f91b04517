"""Two reviewers in two browser contexts (Playwright on Debian's Chromium, ``make e2e``).

100 scripted decision clicks on the 审核 page of the real app under ``streamlit run``: the two
reviewers often open the same finding, one decides, then the other clicks on the view loaded
before: that click must be refused with 「…刚将此项标为…，是否覆盖？」 and then overridden
or kept. Afterwards every acknowledged decision is in the database, in order, and nothing
else is; the exports show each finding's last decision. Figures go to ``.e2e/two-reviewers.json``,
screenshots (stale prompt, 附件2 rendered) to ``.e2e/``.

Chromium is ``/usr/bin/chromium`` (``apt-get install chromium``); Playwright never downloads a
browser here (``executable_path``). Without either the test is skipped with the reason.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".e2e"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit_server import chromium, streamlit_app  # noqa: E402

pytestmark = pytest.mark.e2e

AID = "app-ui-001"
CLICKS = int(os.environ.get("EVREVIEW_E2E_CLICKS", "100"))
SEED = 20241206
ACK = re.compile(r"已记录：|覆盖为：|是否覆盖|未保存|已保留对方的决定")


class Reviewer:
    """One browser context on the review page."""

    def __init__(self, browser, base: str, name: str) -> None:
        self.name = name
        self.ctx = browser.new_context(viewport={"width": 1600, "height": 1300}, locale="zh-CN")
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(60_000)
        self.page.goto(f"{base}/review?app={AID}")
        self.page.get_by_text("核验结果").first.wait_for()
        box = self.page.get_by_label("审核人姓名")
        box.fill(name)
        box.press("Enter")
        self.page.get_by_text("请填写审核人姓名").wait_for(state="detached")

    def select(self, index: int, fid: str) -> None:
        group = self.page.locator('[role="radiogroup"]').first
        group.locator("label").nth(index).click()
        self.page.locator(f".st-key-confirm_{fid} button").wait_for()
        self._settle()

    def _settle(self) -> None:
        # wait until the script run triggered by the last interaction has finished
        self.page.wait_for_timeout(200)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"
            " && !document.querySelector('[data-stale=\"true\"]')"
        )

    def _alerts(self) -> list[str]:
        return [t for t in self.page.locator('[data-testid="stAlert"]').all_inner_texts() if ACK.search(t)]

    def _ack(self, before: list[str]) -> str:
        """The outcome shown after a click: an alert that was not there before it."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            fresh = [t for t in self._alerts() if t not in before]
            if fresh:
                self._settle()
                return fresh[-1]
            self.page.wait_for_timeout(100)
        self.page.screenshot(path=str(OUT / f"no-ack-{self.name}.png"))
        raise AssertionError(
            f"{self.name}: no confirmation or refusal after the click; alerts: {self._alerts()}"
        )

    def decide(self, fid: str, decision: str, reason: str) -> str:
        box = self.page.locator(f".st-key-reason_{AID}_{fid} input")
        box.fill(reason)
        box.press("Enter")
        self._settle()
        key = "confirm" if decision == "confirmed" else "fp"
        before = self._alerts()
        self.page.locator(f".st-key-{key}_{fid} button").click()
        return self._ack(before)

    def resolve(self, fid: str, override: bool) -> str:
        before = self._alerts()
        self.page.locator(f".st-key-{'override' if override else 'keep'}_{fid} button").click()
        return self._ack(before)

    def close(self) -> None:
        self.ctx.close()


def _render_annex2(page, docx_bytes: bytes, out: Path) -> list[list[str]]:
    """附件2 as the Word file holds it, drawn as an HTML table and captured as an image."""
    import io

    from docx import Document

    doc = Document(io.BytesIO(docx_bytes))
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    head = "".join(f"<p>{html.escape(p.text)}</p>" for p in doc.paragraphs if p.text)
    body = ""
    for r in doc.tables[0].rows:
        cells: list[list] = []  # [cell, colspan]: python-docx repeats a merged cell per grid column
        for c in r.cells:
            if cells and cells[-1][0]._tc is c._tc:
                cells[-1][1] += 1
            else:
                cells.append([c, 1])
        body += (
            "<tr>"
            + "".join(
                f"<td colspan={n}>{html.escape(c.text).replace(chr(10), '<br>')}</td>" for c, n in cells
            )
            + "</tr>"
        )
    page.set_content(
        "<html><body style='font-family:sans-serif;padding:24px'>"
        + head
        + "<table border=1 cellspacing=0 cellpadding=6 style='border-collapse:collapse;font-size:14px'>"
        + body
        + "</table></body></html>"
    )
    page.screenshot(path=str(out), full_page=True)
    return rows


def test_two_reviewers_hundred_clicks(tmp_path: Path) -> None:
    chromium_path = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright 未安装：pip install 'evreview[e2e]'（浏览器用系统的 /usr/bin/chromium）")
    from ui_sample import build_application

    from review import service
    from review.store import Store
    from review.view import review_view
    from review.worker import IsolatedReader

    apps = tmp_path / "applications"
    build_application(apps, AID)
    db = tmp_path / "data" / "evreview.db"
    store = Store(db)
    with IsolatedReader() as reader:
        service.intake_path(store, apps / AID, reader, actor="e2e", application_id=AID)
    view = review_view(store, AID)
    fids = [f.finding_id for _s, items in view.grouped() for f in items if f.finding.status != "pass"]
    store.close()
    assert len(fids) >= 4
    pool = fids[:4]

    rng = random.Random(SEED)
    acked: list[tuple[str, str, str]] = []
    figures = {
        "clicks": 0,
        "acknowledged": 0,
        "stale_prompts": 0,
        "overrides": 0,
        "kept": 0,
        "refused_other": 0,
    }
    started = time.monotonic()
    OUT.mkdir(exist_ok=True)
    server = streamlit_app(
        db,
        apps,
        # a failing run shows its traceback in the screenshot
        extra_args=("--client.showErrorDetails", "full", "--logger.level", "info"),
        log=OUT / "streamlit-two-reviewers.log",
    )
    with server as base:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"]
            )
            chen = Reviewer(browser, base, "陈复核")
            zhang = Reviewer(browser, base, "张审核")
            shot = False

            def act(who: Reviewer, fid: str) -> None:
                decision = rng.choice(("confirmed", "false_positive"))
                text = who.decide(fid, decision, f"{who.name}第{figures['clicks']}次")
                if os.environ.get("EVREVIEW_E2E_TRACE"):
                    print(figures["clicks"], who.name, fids.index(fid), decision, "→", text, flush=True)
                figures["clicks"] += 1
                if text.startswith(("已记录：", "覆盖为：")):
                    acked.append((who.name, fid, decision))
                    return
                if "是否覆盖" not in text:
                    figures["refused_other"] += 1
                    return
                figures["stale_prompts"] += 1
                nonlocal shot
                if not shot:
                    who.page.screenshot(path=str(OUT / "stale-prompt.png"))
                    shot = True
                if figures["clicks"] >= CLICKS:
                    who.resolve(fid, override=False)  # leave no prompt open
                    figures["kept"] += 1
                    return
                override = rng.random() < 0.6
                text = who.resolve(fid, override)
                figures["clicks"] += 1
                if override:
                    assert text.startswith("覆盖为："), text
                    acked.append((who.name, fid, decision))
                    figures["overrides"] += 1
                else:
                    assert "已保留对方的决定" in text, text
                    figures["kept"] += 1

            while figures["clicks"] < CLICKS:
                i = rng.randrange(len(pool))
                first, second = (chen, zhang) if rng.random() < 0.5 else (zhang, chen)
                if rng.random() < 0.5:  # both open the same finding, then both click
                    first.select(i, pool[i])
                    second.select(i, pool[i])
                    act(first, pool[i])
                    if figures["clicks"] < CLICKS:
                        act(second, pool[i])
                else:
                    j = (i + 1 + rng.randrange(len(pool) - 1)) % len(pool)
                    first.select(i, pool[i])
                    act(first, pool[i])
                    if figures["clicks"] < CLICKS:
                        second.select(j, pool[j])
                        act(second, pool[j])
            figures["seconds"] = round(time.monotonic() - started, 1)
            zhang.page.screenshot(path=str(OUT / "review-two-reviewers.png"))
            # the reviewer's name survives a reload of the page (kept per browser)
            cookie = zhang.page.evaluate("document.cookie")
            assert "evreview_reviewer=" in cookie, cookie
            zhang.page.reload()
            zhang.page.get_by_text("核验结果").first.wait_for()
            from playwright.sync_api import expect

            expect(zhang.page.get_by_label("审核人姓名")).to_have_value("张审核", timeout=20_000)

            # 附件2: this application is 不通过; a reviewer recommends it with a reason
            s = Store(db)
            try:
                s.set_recommendation(AID, "张审核", True, "大写金额差异为笔误，申报单位已提交更正说明")
                docx, _xlsx = service.export_recommendation(s, unit="泉州市工业和信息化局")
            finally:
                s.close()
            rows = _render_annex2(chen.page, docx, OUT / "annex2.png")
            chen.close()
            zhang.close()
            browser.close()

    figures["acknowledged"] = len(acked)
    s = Store(db)
    try:
        stored = [(d.reviewer, d.finding_id, d.decision) for d in s.decisions(AID)]
        latest = {
            f.finding_id: (f.decision, f.finding.message) for f in s.findings(AID) if f.decision is not None
        }
        result = service.reviewed_result(s, AID)
        _x, csv = service.export_discrepancies(s)
    finally:
        s.close()
    figures["stored"] = len(stored)
    figures["lost"] = len([a for a in acked if a not in stored])
    (OUT / "two-reviewers.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(figures)
    assert figures["clicks"] >= CLICKS
    assert figures["stale_prompts"] >= 5 and figures["refused_other"] == 0
    assert stored == acked  # every acknowledged decision, in order, and nothing refused
    # the exports carry each finding's last decision
    text = csv.decode("utf-8-sig")
    assert set(latest) == {fid for _r, fid, _d in acked}
    for d, message in latest.values():
        shown = [f.message for f in result.findings if f.message.endswith(message)]
        if d.decision == "confirmed":
            assert shown and shown[0].startswith(f"〔审核确认：{d.reviewer}"), (d, shown)
            assert f"审核确认：{d.reviewer}" in text
        else:  # 误报: left out of the exports
            assert shown == [], (d, shown)
    # 附件2 holds the recommended application with its reason and its 项目
    listed = [r for r in rows if r[2] == "泉州智算科技有限公司"]
    assert listed and listed[0][1] == "算力服务补助" and "大写金额差异为笔误" in listed[0][-1]

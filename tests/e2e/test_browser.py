"""Browser end-to-end check (``make e2e``): the real app under ``streamlit run``, a real
headless Chromium, screenshots of the list and review pages in ``.e2e/``.

The applications are taken in with the folder-intake function the 导入材料 page calls
(the generated text-layer application, plus sample app-001 when present), then the
browser loads the pages. Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install
chromium``); without it the test is skipped with the reason.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".e2e"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit_server import chromium, free_port, streamlit_app  # noqa: E402

pytestmark = pytest.mark.e2e


class Browser:
    """Headless Chromium driven over the DevTools protocol (websockets' sync client)."""

    def __init__(self, chromium: str, profile: Path) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--window-size=1600,1300",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        url = None
        while time.monotonic() < deadline and url is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=2) as r:
                    targets = json.loads(r.read())
                url = next((t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"), None)
            except OSError:
                time.sleep(0.3)
        assert url, "chromium DevTools endpoint did not come up"
        from websockets.sync.client import connect

        self.ws = connect(url, max_size=64 * 1024 * 1024)
        self._id = 0

    def call(self, method: str, **params: object) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self._id:
                assert "error" not in msg, msg
                return msg.get("result", {})

    def js(self, expr: str) -> object:
        return self.call("Runtime.evaluate", expression=expr, returnByValue=True)["result"].get("value")

    def goto(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def wait_text(self, *needles: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        text, previous = "", None
        while time.monotonic() < deadline:
            text = str(self.js("document.body ? document.body.innerText : ''") or "")
            if all(n in text for n in needles) and text == previous:  # shown and settled
                return text
            previous = text
            time.sleep(0.7)
        raise AssertionError(f"page never showed {needles}; it shows: {text[:500]}")

    def type_into(self, selector: str, text: str) -> None:
        assert self.js(
            f"(() => {{const e = document.querySelector({json.dumps(selector)}); if (!e) return false; e.focus(); return true;}})()"
        )
        self.call("Input.insertText", text=text)
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13
            )

    def click_button(self, label: str) -> None:
        found = self.js(
            "(() => { const b = [...document.querySelectorAll('button')].find(x => x.innerText.trim() === "
            + json.dumps(label)
            + "); if (!b) return false; b.click(); return true; })()"
        )
        assert found, f"no button {label}"

    def screenshot(self, out: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        out.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait()


def _ink(path: Path) -> float:
    """Share of non-white pixels: a blank or still-loading page has almost none."""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(path).convert("L"))
    return float((a < 200).mean())


def test_list_and_review_pages_in_chromium(tmp_path: Path) -> None:
    chromium_path = chromium()
    from ui_sample import build_application

    from review.service import intake_path, load_policy
    from review.store import Store
    from review.worker import IsolatedReader

    apps = tmp_path / "applications"
    build_application(apps, "app-ui-001")
    sample = ROOT / "sample_docs" / "applications" / "app-001"
    if sample.is_dir():
        shutil.copytree(sample, apps / "app-001")
    db = tmp_path / "data" / "evreview.db"
    store = Store(db)
    with IsolatedReader() as reader:
        for app in sorted(apps.iterdir()):
            intake_path(store, app, reader, policy=load_policy(), actor="e2e")
    ids = [a.id for a in store.list_applications()]
    store.close()
    assert "app-ui-001" in ids

    with streamlit_app(db, apps) as base:
        OUT.mkdir(exist_ok=True)
        browser = Browser(chromium_path, tmp_path / "chromium-profile")
        try:
            browser.goto(f"{base}/")
            browser.wait_text("申报列表", "点击列标题可排序", "推荐顺序")
            browser.screenshot(OUT / "list.png")

            browser.goto(f"{base}/review?app=app-ui-001")
            browser.wait_text("核验结果", "不符合", "确认问题")
            time.sleep(1.0)  # the page image arrives as a separate media request
            browser.screenshot(OUT / "review.png")

            # a decision through the real browser: reviewer name, reason, 确认问题
            browser.type_into('input[aria-label="审核人姓名"]', "浏览器审核员")
            browser.wait_text("核验结果")
            browser.type_into('input[aria-label="理由（标为误报时必填）"]', "浏览器端确认")
            browser.wait_text("核验结果")
            browser.click_button("确认问题")
            browser.wait_text("已记录：确认问题")
            browser.screenshot(OUT / "review-decided.png")

            browser.goto(f"{base}/exports")
            browser.wait_text("问题清单", "下载问题清单（Excel）")
            browser.screenshot(OUT / "exports.png")
        finally:
            browser.close()
        for name in ("list", "review", "review-decided", "exports"):
            assert _ink(OUT / f"{name}.png") > 0.004, f"{name} page looks blank"
        store = Store(db)
        try:
            decided = [d for a in store.list_applications() for d in store.decisions(a.id)]
            assert [(d.reviewer, d.decision, d.reason) for d in decided] == [
                ("浏览器审核员", "confirmed", "浏览器端确认")
            ]
        finally:
            store.close()

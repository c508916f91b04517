"""Shared set-up for the review pages: login, reviewer name, store and worker handles.

Only non-personal objects are cached with ``st.cache_resource`` (the database handle,
the isolated reader and renderer processes, the policy); results, names and file
contents are never put into a Streamlit cache.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

import streamlit as st

from models import settings
from review.render import RenderWorker
from review.service import load_policy
from review.store import Store, StoreError, default_db_path
from review.worker import IsolatedReader
from verifiers.policy import DEFAULT_POLICY, available_policies

REVIEWER_KEY = "reviewer"
SIGNED_IN_KEY = "_signed_in_reviewer"
COOKIE = "evreview_reviewer"


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def get_store() -> Store:
    return _store(str(default_db_path().resolve()))


def _ui_reader() -> Any:
    return IsolatedReader()


class _LockedReader:
    """One isolated reading process shared by all sessions, one file at a time."""

    def __init__(self) -> None:
        self.reader = _ui_reader()
        self.lock = threading.Lock()

    def read(self, data: bytes | None, name: str, path: Any = None, force_ocr: bool = False) -> Any:
        with self.lock:
            return self.reader.read(data, name, path=path, force_ocr=force_ocr)


@st.cache_resource(show_spinner=False)
def get_reader() -> _LockedReader:
    return _LockedReader()


@st.cache_resource(show_spinner=False)
def get_renderer() -> Any:
    return RenderWorker()


@st.cache_resource(show_spinner=False)
def _policy(name: str) -> Any:
    return load_policy(name)


def get_policy() -> Any:
    """The call picked for intake (``policy_picker``; default fujian-ai-2024)."""
    return _policy(st.session_state.get("policy_name") or DEFAULT_POLICY)


def policy_picker() -> Any:
    """A selectbox of the shipped calls (``verifiers/policies``); returns the picked policy."""
    names = available_policies()
    if st.session_state.get("policy_name") not in names:
        st.session_state["policy_name"] = DEFAULT_POLICY if DEFAULT_POLICY in names else names[0]
    st.selectbox(
        "申报通知（政策文件）",
        names,
        key="policy_name",
        format_func=lambda n: f"{_policy(n).notice_title}（{n}）",
        help="核验所依据的申报通知：申报方向、应附材料与各项条件均取自该政策文件。",
    )
    return get_policy()


def _has_auth_secrets() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def auth_gate() -> str | None:
    """Stop the page unless the user is allowed in. Returns the signed-in name (OIDC) if any.

    - ``[auth]`` in ``.streamlit/secrets.toml``: Streamlit's OIDC login (``st.login``/``st.user``);
    - else ``EVREVIEW_PASSWORD`` set: a shared password (compared with ``hmac.compare_digest``);
    - else open (local use).
    """
    if _has_auth_secrets():
        if not st.user.is_logged_in:
            st.title("evreview 申报材料核验")
            st.info("请先登录。")
            st.button("登录", on_click=st.login, type="primary")
            st.stop()
        st.sidebar.button("退出登录", on_click=st.logout)
        name = st.user.get("name") or st.user.get("email")
        return str(name) if name else None
    password = settings.current().password
    if password and not st.session_state.get("_auth_ok"):
        st.title("evreview 申报材料核验")
        with st.form("login"):
            entered = st.text_input("访问口令", type="password")
            ok = st.form_submit_button("进入", type="primary")
        if ok:
            if hmac.compare_digest(entered.encode("utf-8"), password.encode("utf-8")):
                st.session_state["_auth_ok"] = True
                st.rerun()
            st.error("口令不正确。")
        st.stop()
    return None


def _remembered_name() -> str:
    """The reviewer name this browser used last (a first-party cookie set by the page)."""
    try:
        raw = st.context.cookies.get(COOKIE)
    except Exception:  # no request context (tests, bare mode)
        return ""
    return unquote(raw).strip()[:40] if isinstance(raw, str) else ""


def _remember_name(name: str) -> None:
    """Keep the name in this browser (one year) so that a reload does not forget it."""
    st.html(
        "<script>document.cookie = "
        + json.dumps(COOKIE + "=")
        + " + encodeURIComponent("
        + json.dumps(name)
        + ") + '; path=/; max-age=31536000; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


def sidebar_reviewer(signed_in: str | None) -> str:
    """The reviewer in the sidebar: under login the signed-in identity (not editable), else a
    name field remembered per browser."""
    if signed_in:
        st.session_state[SIGNED_IN_KEY] = signed_in
        st.session_state["reviewer_locked"] = signed_in
        st.sidebar.text_input("审核人（登录身份）", key="reviewer_locked", disabled=True)
        st.sidebar.caption("审核记录使用登录身份，不可修改。")
        return signed_in
    if REVIEWER_KEY not in st.session_state:
        remembered = _remembered_name()
        if remembered:
            st.session_state[REVIEWER_KEY] = remembered
    name = st.sidebar.text_input("审核人姓名", key=REVIEWER_KEY, placeholder="记录审核决定前必须填写")
    name = name.strip()
    if not name:
        st.sidebar.warning("请填写审核人姓名：每条审核决定都会记录审核人。")
    elif name != _remembered_name():
        # drawn on every run until the browser comes back with the cookie (a script element
        # replaced by the next run before it mounted would otherwise be lost)
        _remember_name(name)
    return name


def reviewer() -> str:
    """Who acts: the signed-in identity when there is a login, else the name in the sidebar."""
    signed = st.session_state.get(SIGNED_IN_KEY)
    if signed:
        return str(signed).strip()
    return str(st.session_state.get(REVIEWER_KEY) or "").strip()


def store_or_stop() -> Store:
    """The store; on a failed integrity check, a clear message (pages then only read)."""
    store = get_store()
    if store.read_only:
        st.error(
            f"{store.integrity_error}。为保护已有审核记录，系统已停止一切写入（导入、审核决定、更正均不可用）。"
            "请联系管理员从备份恢复数据库。"
        )
        if not store.readable:
            st.stop()
    return store


@contextmanager
def shown_errors() -> Iterator[None]:
    """Turn a store error into a Chinese message on the page instead of a traceback."""
    try:
        yield
    except StoreError as exc:
        st.error(str(exc))

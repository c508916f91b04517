"""导入材料: upload files / zips, or verify a folder on the server.

Each package's outcome is shown in the colour of its verdict; refused or damaged files are
listed as errors with their reason here (not only on the review page); a package already
taken in with the same files says 已存在.
"""

import tempfile
from pathlib import Path

import streamlit as st

from app_pages.common import get_policy, get_reader, policy_picker, reviewer, shown_errors, store_or_stop
from models.vocab import UPLOAD_TYPES, VERDICT_LABELS
from review.intake import intake_root
from review.pipeline import application_id_of
from review.service import (
    applications_in,
    existing_state,
    intake_path,
    intake_problems,
    refresh_batch_findings,
    stage_uploads,
)

st.title("导入申报材料")
store = store_or_stop()
st.caption(
    "每份申报一个文件夹或 zip 压缩包。文件在独立的读取进程中解析（内存与时间受限）；"
    "已读取过的文件（内容相同，SHA-256 一致）直接取自缓存，不再重复识别。"
)
_policy = policy_picker()
st.caption("本通知的申报方向：" + "、".join(d.label for d in _policy.directions.values()))


def _progress_for(label: str, i: int, n: int):
    head = f"第 {i}/{n} 份（{label}）" if n > 1 else label
    bar = st.progress(0.0, text=f"{head}：准备读取…")

    def progress(rel: str, k: int, m: int) -> None:
        if rel:
            bar.progress(
                min(k / m, 1.0) if m else 0.0, text=f"{head}：正在读取 {rel}（第 {k + 1}/{m} 个文件）"
            )
        else:
            bar.progress(1.0, text=f"{head}：{m} 个文件读取完成，正在核验…")

    return progress


def _report(r, state: str) -> None:
    """One package's outcome, coloured by verdict, with what was refused and why."""
    verdict = VERDICT_LABELS.get(r.verdict, r.verdict)
    direction = get_policy().direction_label(r.direction) if r.direction else "未识别方向"
    head = "已更新（原有审核决定保留）" if state == "changed" else "已导入"
    text = (
        f"{r.application_id}（{direction}）{head}：系统结论「{verdict}」，共 {len(r.findings)} 条核验结果。"
    )
    {"pass": st.success, "review": st.warning}.get(r.verdict, st.error)(text)
    problems = intake_problems(r)
    if problems:
        st.error(
            f"{r.application_id}：{len(problems)} 个文件被拒绝或无法读取：\n\n"
            + "\n".join(f"- {p}" for p in problems)
        )


def _take_in(packages: list[tuple[str, Path, str]]) -> None:
    """packages: (application id, path, source). Already-taken-in identical packages are skipped."""
    hits_before = store.cache.hits if store.cache else 0
    n = len(packages)
    changed = False
    with shown_errors():
        for i, (aid, path, source) in enumerate(packages, 1):
            state = existing_state(store, aid, path)
            if state == "same":
                st.info(f"已存在：{aid} 的材料与已导入的完全相同，未重复导入（第 {i}/{n} 份）。")
                continue
            r = intake_path(
                store,
                path,
                get_reader(),
                _progress_for(aid, i, n),
                source=source,
                actor=reviewer() or "系统",
                policy=get_policy(),
                application_id=aid,
            )
            changed = True
            _report(r, state)
        if changed:
            refresh_batch_findings(store, get_policy())
    hits = (store.cache.hits if store.cache else 0) - hits_before
    if hits:
        st.info(f"{hits} 个文件此前已读取过，直接使用了缓存结果。")


tab_upload, tab_folder = st.tabs(["上传文件", "服务器目录"])

with tab_upload:
    uploads = st.file_uploader(
        "选择申报材料（可多选；每个 zip 为一份申报，散装文件合为一份申报）",
        type=list(UPLOAD_TYPES),
        accept_multiple_files=True,
        key="intake_files",
    )
    app_id = st.text_input("申报编号（散装文件必填，如 app-012）", key="intake_app_id")
    if st.button("开始核验上传的材料", type="primary", disabled=store.read_only, key="intake_upload_go"):
        files = [(u.name, u.getvalue()) for u in (uploads or [])]
        loose = [n for n, _ in files if not n.lower().endswith(".zip")]
        if not files:
            st.warning("请先选择要上传的文件。")
        elif loose and not app_id.strip():
            st.warning("上传了散装文件时，请填写申报编号。")
        else:
            with tempfile.TemporaryDirectory(prefix="evreview-upload-") as tmp:
                staged = stage_uploads(files, app_id, Path(tmp))
                _take_in([(aid, path, f"上传：{path.name}") for aid, path in staged])

with tab_folder:
    folder = st.text_input(
        "服务器上的目录（一份申报的文件夹，或包含多份申报的目录）",
        value=str(intake_root()),
        key="intake_folder",
    )
    root = Path(folder).expanduser()
    found = applications_in(root)
    if not root.exists():
        st.warning("该目录不存在。")
    elif not found:
        st.info("该目录下没有申报材料。")
    else:
        st.write(f"找到 {len(found)} 份申报：" + "、".join(p.stem if p.is_file() else p.name for p in found))
        if st.button(
            f"核验这 {len(found)} 份申报", type="primary", disabled=store.read_only, key="intake_folder_go"
        ):
            _take_in([(application_id_of(p), p, str(p)) for p in found])

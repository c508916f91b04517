"""导入材料: upload files / zips, or verify a folder on the server."""

from pathlib import Path

import streamlit as st

from app_pages.common import get_policy, get_reader, policy_picker, reviewer, shown_errors, store_or_stop
from models.contract import VERDICT_LABELS
from review.intake import intake_root
from review.service import applications_in, intake_path, intake_uploads

st.title("导入申报材料")
store = store_or_stop()
st.caption(
    "每份申报一个文件夹或 zip 压缩包。文件在独立的读取进程中解析（内存与时间受限）；"
    "已读取过的文件（内容相同，SHA-256 一致）直接取自缓存，不再重复识别。"
)
_policy = policy_picker()
st.caption("本通知的申报方向：" + "、".join(d.label for d in _policy.directions.values()))


def _progress_for(label: str):
    bar = st.progress(0.0, text=f"{label}：准备读取…")

    def progress(rel: str, i: int, n: int) -> None:
        if rel:
            bar.progress(
                min(i / n, 1.0) if n else 0.0, text=f"{label}：正在读取 {rel}（第 {i + 1}/{n} 个文件）"
            )
        else:
            bar.progress(1.0, text=f"{label}：{n} 个文件读取完成，正在核验…")

    return progress


def _report(results) -> None:
    for r in results:
        verdict = VERDICT_LABELS.get(r.verdict, r.verdict)
        direction = get_policy().direction_label(r.direction) if r.direction else "未识别方向"
        st.success(
            f"{r.application_id}（{direction}）已导入：系统结论「{verdict}」，共 {len(r.findings)} 条核验结果。"
        )


tab_upload, tab_folder = st.tabs(["上传文件", "服务器目录"])

with tab_upload:
    uploads = st.file_uploader(
        "选择申报材料（可多选；每个 zip 为一份申报，散装文件合为一份申报）",
        type=["pdf", "png", "jpg", "jpeg", "tif", "tiff", "docx", "ofd", "xml", "zip"],
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
            hits_before = store.cache.hits if store.cache else 0
            with shown_errors(), st.spinner("正在读取与核验…"):
                results = intake_uploads(
                    store,
                    files,
                    app_id,
                    get_reader(),
                    _progress_for(app_id or "上传材料"),
                    actor=reviewer() or "系统",
                    policy=get_policy(),
                )
                _report(results)
                hits = (store.cache.hits if store.cache else 0) - hits_before
                if hits:
                    st.info(f"{hits} 个文件此前已读取过，直接使用了缓存结果。")

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
            hits_before = store.cache.hits if store.cache else 0
            results = []
            with shown_errors():
                for p in found:
                    label = p.stem if p.is_file() else p.name
                    results.append(
                        intake_path(
                            store,
                            p,
                            get_reader(),
                            _progress_for(label),
                            source=str(p),
                            actor=reviewer() or "系统",
                            policy=get_policy(),
                        )
                    )
            _report(results)
            hits = (store.cache.hits if store.cache else 0) - hits_before
            if hits:
                st.info(f"{hits} 个文件此前已读取过，直接使用了缓存结果。")

"""Lists the applications in the intake folder and the documents each contains."""

import streamlit as st

from review.intake import list_intake

st.title("申报材料一览")
root, apps = list_intake()
st.caption(f"材料目录：{root}")
if not apps:
    st.info("该目录下没有申报材料（每份申报一个文件夹或 zip 压缩包）。")
for app in apps:
    with st.expander(f"{app.application_id}（{len(app.files)} 个文件）", expanded=False):
        st.table({"文件": [f.name for f in app.files], "大小（KB）": [f.size_kb for f in app.files]})

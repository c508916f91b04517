"""导出: discrepancy report (xlsx/csv), printable HTML report, 附件2 推荐汇总表 (docx/xlsx)."""

import datetime as _dt

import streamlit as st

from app_pages.common import get_renderer, store_or_stop
from review.service import export_discrepancies, export_printable, export_recommendation
from review.store import BEIJING

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

st.title("导出")
store = store_or_stop()
apps = store.list_applications()
if not apps:
    st.info("还没有导入任何申报材料。")
    st.stop()

scope = st.radio(
    "范围",
    ["one", "all"],
    horizontal=True,
    key="export_scope",
    format_func=lambda s: "单份申报" if s == "one" else f"全部申报（{len(apps)} 份）",
)
ids = [a.id for a in apps]
if scope == "one":
    current = st.session_state.get("review_app")
    app_id = st.selectbox("申报", ids, index=ids.index(current) if current in ids else 0, key="export_app")
    chosen, stem = [app_id], app_id
else:
    chosen, stem = ids, "全部申报"
stamp = _dt.datetime.now(BEIJING).strftime("%Y%m%d")
st.caption(
    "导出内容反映审核决定：标为“误报（忽略）”的问题不列入问题清单，已确认的问题注明审核人"
    "（更正后不再触发的已确认问题照样列出），审核更正逐条列出；跨申报问题计入所涉每份申报。"
    "附件2 只列审核后结论为通过、或审核人填写理由后仍推荐的申报。身份证号、手机号等个人信息已做脱敏处理。"
)

st.subheader("问题清单")
xlsx, csv = export_discrepancies(store, chosen)
c1, c2 = st.columns(2)
c1.download_button(
    "下载问题清单（Excel）", xlsx, file_name=f"问题清单_{stem}_{stamp}.xlsx", mime=XLSX, key="dl_disc_xlsx"
)
c2.download_button(
    "下载问题清单（CSV）", csv, file_name=f"问题清单_{stem}_{stamp}.csv", mime="text/csv", key="dl_disc_csv"
)

st.subheader("项目推荐汇总表（附件2）")
unit = st.text_input("推荐单位", value="泉州市工业和信息化局", key="export_unit")
docx, rxlsx = export_recommendation(store, chosen, unit)
c3, c4 = st.columns(2)
c3.download_button(
    "下载推荐汇总表（Word）",
    docx,
    file_name=f"项目推荐汇总表_{stem}_{stamp}.docx",
    mime=DOCX,
    key="dl_rec_docx",
)
c4.download_button(
    "下载推荐汇总表（Excel）",
    rxlsx,
    file_name=f"项目推荐汇总表_{stem}_{stamp}.xlsx",
    mime=XLSX,
    key="dl_rec_xlsx",
)

st.subheader("可打印核验报告")
st.caption("HTML 报告，每条问题附证据截图，可在浏览器中打印或另存为 PDF。")
if st.button("生成可打印报告", key="export_printable"):
    with st.spinner("正在生成证据截图…"):
        st.session_state["printable"] = (stem, export_printable(store, chosen, get_renderer()))
ready = st.session_state.get("printable")
if ready and ready[0] == stem:
    st.download_button(
        "下载可打印报告（HTML）",
        ready[1].encode("utf-8"),
        file_name=f"核验报告_{stem}_{stamp}.html",
        mime="text/html",
        key="dl_printable",
    )

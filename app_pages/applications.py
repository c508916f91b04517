"""申报列表: one row per application, filters, and the reviewer's recommendation order."""

import streamlit as st

from app_pages.common import get_policy, reviewer, shown_errors, store_or_stop
from models.contract import VERDICT_LABELS
from review.service import refresh_batch_findings
from review.store import REVIEW_STATUS_LABELS
from verifiers.policy import all_direction_labels

st.title("申报列表")
store = store_or_stop()
apps = store.list_applications()
if not apps:
    st.info("还没有导入任何申报材料。请到「导入材料」页面上传或选择服务器目录。")
    st.stop()

labels = {"": "全部方向", **all_direction_labels(), "__none__": "未识别方向"}
c1, c2 = st.columns(2)
direction = c1.selectbox("申报方向", list(labels), format_func=lambda k: labels[k], key="list_direction")
verdicts = c2.multiselect(
    "审核后结论",
    list(VERDICT_LABELS),
    format_func=lambda k: VERDICT_LABELS[k],
    key="list_verdicts",
    placeholder="全部结论",
)


def _keep(a) -> bool:
    if direction == "__none__" and a.direction:
        return False
    if direction not in ("", "__none__") and a.direction != direction:
        return False
    return not verdicts or a.verdict in verdicts


shown = [a for a in apps if _keep(a)]
rows = [
    {
        "申报编号": a.id,
        "申报方向": all_direction_labels().get(a.direction or "", "未识别"),
        "单位名称": a.company or "",
        "系统结论": VERDICT_LABELS.get(a.machine_verdict, a.machine_verdict),
        "审核后结论": VERDICT_LABELS.get(a.verdict, a.verdict),
        "不符合": a.n_fail,
        "缺少材料": a.n_missing,
        "需关注": a.n_warn,
        "需人工复核": a.n_review,
        "审核状态": REVIEW_STATUS_LABELS.get(a.status, a.status),
        "推荐顺序": str(a.review_order) if a.review_order is not None else "未排序",
    }
    for a in shown
]
st.dataframe(rows, hide_index=True, width="stretch", key="list_table")
st.caption(f"共 {len(apps)} 份申报，当前显示 {len(shown)} 份。点击列标题可排序。")

ids = [a.id for a in shown]
if ids:
    default = st.session_state.get("review_app")
    pick = st.selectbox(
        "选择申报进行审核",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda i: f"{i}　{next((a.company or '' for a in shown if a.id == i), '')}",
        key="list_pick",
    )
    if st.button("打开审核页", type="primary", key="list_open"):
        st.session_state["review_app"] = pick
        st.switch_page("app_pages/review.py")

with st.expander("归档（误传、撤回的申报：不再出现在列表与导出中，审核记录保留）"):
    to_archive = st.multiselect("选择要归档的申报", ids, key="archive_pick")
    if st.button("归档所选申报", key="archive_go", disabled=store.read_only or not to_archive):
        who = reviewer()
        if not who:
            st.warning("未归档：请先在侧边栏填写审核人姓名。")
        else:
            with shown_errors():
                for aid in to_archive:
                    store.set_archived(aid, True, who)
                refresh_batch_findings(store, get_policy())
                st.session_state["order_saved"] = f"已归档 {len(to_archive)} 份申报：" + "、".join(to_archive)
                st.rerun()
    archived = [a for a in store.list_applications(include_archived=True) if a.archived]
    if archived:
        st.caption("已归档：" + "、".join(a.id for a in archived))
        back = st.selectbox("恢复一份已归档的申报", [a.id for a in archived], key="unarchive_pick")
        if st.button("恢复", key="unarchive_go", disabled=store.read_only):
            if not reviewer():
                st.warning("未恢复：请先在侧边栏填写审核人姓名。")
            else:
                with shown_errors():
                    store.set_archived(back, False, reviewer())
                    st.session_state["order_saved"] = f"已恢复 {back}。"
                    st.rerun()

st.subheader("推荐顺序")
st.caption(
    "在每个申报方向内填写推荐顺序（1 为最优先），修改后立即保存；导出的《项目推荐汇总表》按此顺序排列。"
)


if msg := st.session_state.pop("order_saved", None):
    st.success(msg)


def _as_order(v) -> int | None:
    try:
        if v is None or v != v:  # None or NaN (cleared cell)
            return None
        return int(v)
    except (TypeError, ValueError):
        return None


for dkey, dlabel in all_direction_labels().items():
    members = [a for a in apps if a.direction == dkey]
    if not members:
        continue
    members.sort(key=lambda a: (a.review_order if a.review_order is not None else 10**6, a.id))
    version = st.session_state.get(f"order_version_{dkey}", 0)
    key = f"order_{dkey}_{version}"
    st.markdown(f"**{dlabel}**（{len(members)} 份）")
    if store.read_only:
        st.dataframe([{"申报编号": a.id, "推荐顺序": a.review_order} for a in members], hide_index=True)
        continue
    edited = st.data_editor(
        [
            {
                "申报编号": a.id,
                "单位名称": a.company or "",
                "审核后结论": VERDICT_LABELS.get(a.verdict, a.verdict),
                "推荐顺序": a.review_order,
            }
            for a in members
        ],
        column_config={
            "推荐顺序": st.column_config.NumberColumn(
                "推荐顺序", min_value=1, max_value=999, step=1, format="%d"
            ),
        },
        disabled=["申报编号", "单位名称", "审核后结论"],
        hide_index=True,
        key=key,
    )
    changes = {
        a.id: _as_order(rec.get("推荐顺序"))
        for rec, a in zip(edited, members, strict=True)
        if _as_order(rec.get("推荐顺序")) != a.review_order
    }
    if changes:
        who = reviewer()
        if not who:
            st.warning("请先在侧边栏填写审核人姓名，再修改推荐顺序（本次修改未保存）。")
        else:
            with shown_errors():
                n = store.set_order(changes, who)
                st.session_state["order_saved"] = f"已保存 {n} 条推荐顺序（{dlabel}）。"
                st.session_state[f"order_version_{dkey}"] = version + 1  # fresh editor on the saved data
                st.rerun()

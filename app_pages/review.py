"""审核: one application's findings, the evidence highlighted on its page, decisions, corrections.

Every decision button runs a callback with the finding's id and the version the page showed
(so a click is never lost to a re-run, and a click on a stale view is refused with who changed
it); its outcome is shown next to the buttons.
"""

import streamlit as st

from app_pages.common import get_policy, get_renderer, reviewer, shown_errors, store_or_stop
from extractor.normalize import mask_personal_data
from models.vocab import DIRECTION_LABELS, DOC_TYPE_LABELS, FIELD_LABELS, STATUS_LABELS, VERDICT_LABELS
from review.authenticity import STATUS_COLOURS, seal_boxes, seal_lines, signature_lines
from review.formatting import compared_values, describe_audit, display_value, zoom_to_boxes
from review.pipeline import FORM_KEYS
from review.rulenames import clause_text, rule_info
from review.service import CorrectionNeedsConfirmation, correct_value, decide, refresh_batch_findings
from review.store import DECISION_LABELS, REVIEW_STATUS_LABELS, StaleDecision, StoreError, fmt_time, now_iso
from review.view import EvidenceBox, evidence_boxes, file_sha, jsonable, page_of, read_result, review_view

STATUS_ICONS = {"fail": "🔴", "missing": "🟠", "warn": "🟡", "review": "🔵", "pass": "🟢"}

store = store_or_stop()
apps = store.list_applications()
if not apps:
    st.title("审核")
    st.info("还没有导入任何申报材料。")
    st.stop()

ids = [a.id for a in apps]
current = st.query_params.get("app") or st.session_state.get("review_app")  # /review?app=<id> links work
app_id = st.selectbox(
    "申报",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda i: f"{i}　{next((a.company or '' for a in apps if a.id == i), '')}",
)
st.session_state["review_app"] = app_id
if st.query_params.get("app") not in (None, app_id):
    st.query_params["app"] = app_id
view = review_view(store, app_id)
row = store.get_application(app_id)
if view is None or row is None:
    st.error("找不到该申报。")
    st.stop()
result = view.result

if msg := st.session_state.pop("review_flash", None):
    st.success(msg)


# ------------------------------------------------------------------ decision callbacks
def _ack_key(fid: str) -> str:
    return f"ack_{app_id}_{fid}"


def _on_decide(aid: str, fid: str, decision: str, expected: int, override: bool = False) -> None:
    """Runs before the page re-runs: the click is handled whatever the page draws next."""
    st.session_state.pop(f"stale_{aid}_{fid}", None)
    reason = str(st.session_state.get(f"reason_{aid}_{fid}") or "").strip()
    who = reviewer()
    key = f"ack_{aid}_{fid}"
    if not who:
        st.session_state[key] = ("error", "未保存：请先在侧边栏填写审核人姓名。")
        return
    try:
        did = decide(store, aid, fid, who, decision, reason, expected)
    except StaleDecision as exc:
        st.session_state[f"stale_{aid}_{fid}"] = {
            "decision": decision,
            "current": exc.current.id if exc.current else 0,
            "message": str(exc),
        }
        st.session_state[key] = ("warning", f"未保存：{exc}")
        return
    except StoreError as exc:
        st.session_state[key] = ("error", f"未保存：{exc}")
        return
    st.session_state[f"seen_{aid}_{fid}"] = did  # the reviewer's own decision is what they now see
    verb = "覆盖为" if override else "已记录"
    st.session_state[key] = (
        "success",
        f"{verb}：{DECISION_LABELS[decision]}（{who}，{fmt_time(now_iso())[11:]}，记录号 {did}）。",
    )


def _on_keep(aid: str, fid: str, current: int) -> None:
    st.session_state.pop(f"stale_{aid}_{fid}", None)
    st.session_state[f"seen_{aid}_{fid}"] = current
    st.session_state[f"ack_{aid}_{fid}"] = ("info", "已保留对方的决定，未作更改。")


st.title(f"{result.declared.get('company_name') or app_id}")
if row.archived:
    st.warning("该申报已归档：不在申报列表与导出中，审核记录保留。")
m = st.columns(5)
m[0].metric("申报方向", DIRECTION_LABELS.get(result.direction or "", "未识别"))
m[1].metric("系统结论", VERDICT_LABELS.get(result.verdict, result.verdict))
m[2].metric("审核后结论", VERDICT_LABELS.get(view.verdict, view.verdict))
m[3].metric("审核状态", REVIEW_STATUS_LABELS.get(row.status, row.status))
undecided = sum(1 for f in view.findings if f.finding.status != "pass" and f.decision is None)
m[4].metric("待决定问题", undecided)

col_find, col_page, col_docs = st.columns([3, 5, 2])

# ------------------------------------------------------------------ findings
with col_find:
    st.subheader("核验结果")
    show_pass = st.toggle("显示通过项", value=False, key="review_show_pass")
    ordered = [
        f for _status, items in view.grouped() for f in items if show_pass or f.finding.status != "pass"
    ] + view.retired
    if not ordered:
        st.info("没有需要处理的问题。")
        chosen = None
    else:
        by_id = {f.finding_id: f for f in ordered}
        number = {fid: i for i, fid in enumerate(by_id, 1)}

        # Streamlit keeps a radio's value as its label text: labels must not change when a
        # decision is made (that made the selection jump and the next click go nowhere), so
        # the decision shows in the caption under each option, and each label is unique.
        def _label(fid: str) -> str:
            f = by_id.get(fid)
            if f is None:
                return fid
            s = f.finding.status
            name = rule_info(f.finding.rule).name
            msg = mask_personal_data(f.finding.message)
            short = msg if len(msg) <= 36 else msg[:34] + "…"
            if f.retired:
                return f"{number[fid]}. ⚪【已不再触发】{name}：{short}"
            batch = "〔跨申报〕" if f.is_batch else ""
            return f"{number[fid]}. {STATUS_ICONS[s]}【{STATUS_LABELS[s]}】{batch}{name}：{short}"

        def _caption(f) -> str:
            d = f.decision
            return f"✔ {DECISION_LABELS[d.decision]}（{d.reviewer}）" if d is not None else "待决定"

        sel_key = f"finding_{app_id}"
        pick_key = f"pick_{app_id}"
        if st.session_state.get(sel_key) not in by_id:
            # a label that no longer exists (the rules re-ran): back to the finding last shown
            remembered = st.session_state.get(pick_key)
            if remembered in by_id:
                st.session_state[sel_key] = remembered
            else:
                st.session_state.pop(sel_key, None)
        fid = st.radio(
            "问题（按 不符合 → 缺少材料 → 需关注 → 需人工复核 → 通过 排列）",
            list(by_id),
            format_func=_label,
            captions=[_caption(f) for f in by_id.values()],
            key=sel_key,
        )
        if fid not in by_id:
            fid = (
                st.session_state.get(pick_key)
                if st.session_state.get(pick_key) in by_id
                else next(iter(by_id))
            )
        st.session_state[pick_key] = fid
        chosen = by_id[fid]

    if chosen is not None:
        f = chosen.finding
        info = rule_info(f.rule)
        st.markdown(f"**{info.name}** · {STATUS_LABELS[f.status]}")
        st.caption(f"{clause_text(f.rule, f.clause)}　规则编号 `{f.rule}`")
        if chosen.retired:
            st.info(
                "更正后规则不再给出此结果；此前的决定保留在审核记录与导出中（已确认的问题仍计为不符合）。"
            )
        if chosen.is_batch:
            st.caption("跨申报问题，涉及：" + "、".join(f.applications or []))
        st.write(mask_personal_data(f.message))  # full values stay visible on the page image
        values = compared_values(result, f)
        if values:
            cols = st.columns(min(len(values), 4))
            for i, v in enumerate(values):
                with cols[i % len(cols)]:
                    st.markdown(f"**{v['source']}** · {v['label']}")
                    st.code(mask_personal_data(v["value"]), language=None, wrap_lines=True)
                    if v["place"]:
                        st.caption(v["place"])
        if chosen.decision is not None:
            d = chosen.decision
            st.caption(
                f"当前决定：{DECISION_LABELS[d.decision]}（{d.reviewer}，{fmt_time(d.time)}）"
                f"{('：' + d.reason) if d.reason else ''}"
            )
        fkey = chosen.finding_id
        # The version a click names is the one in effect when the reviewer opened the finding
        # (or last decided on it): re-runs caused by typing a reason do not refresh it, so a
        # decision someone else made meanwhile is always brought to the reviewer's attention.
        seen_key = f"seen_{app_id}_{fkey}"
        if st.session_state.get(f"opened_{app_id}") != fkey or seen_key not in st.session_state:
            st.session_state[seen_key] = chosen.version
            st.session_state[f"opened_{app_id}"] = fkey
        seen = int(st.session_state[seen_key])
        if seen != chosen.version and chosen.decision is not None:
            st.info(
                f"打开此项后，{chosen.decision.reviewer} 已将其标为{DECISION_LABELS[chosen.decision.decision]}"
                f"（{fmt_time(chosen.decision.time)}）。"
            )
        st.text_input("理由（标为误报时必填）", key=f"reason_{app_id}_{fkey}")
        b1, b2 = st.columns(2)
        b1.button(
            "确认问题",
            type="primary",
            key=f"confirm_{fkey}",
            disabled=store.read_only,
            on_click=_on_decide,
            args=(app_id, fkey, "confirmed", seen),
        )
        b2.button(
            "误报（忽略）",
            key=f"fp_{fkey}",
            disabled=store.read_only,
            on_click=_on_decide,
            args=(app_id, fkey, "false_positive", seen),
        )
        stale = st.session_state.get(f"stale_{app_id}_{fkey}")
        ack = st.session_state.get(_ack_key(fkey))  # the outcome of the last click on this finding
        if stale:
            st.warning(stale["message"])
            o1, o2 = st.columns(2)
            o1.button(
                f"覆盖为「{DECISION_LABELS[stale['decision']]}」",
                key=f"override_{fkey}",
                on_click=_on_decide,
                args=(app_id, fkey, stale["decision"], stale["current"], True),
            )
            o2.button(
                "保留对方的决定", key=f"keep_{fkey}", on_click=_on_keep, args=(app_id, fkey, stale["current"])
            )
        elif ack:
            getattr(st, ack[0])(ack[1])
        if chosen.history:
            with st.expander(f"决定记录（{len(chosen.history)} 条）"):
                for d in reversed(chosen.history):
                    st.caption(
                        f"{fmt_time(d.time)} {d.reviewer}：{DECISION_LABELS[d.decision]}"
                        f"{('（' + d.reason + '）') if d.reason else ''}"
                    )

# ------------------------------------------------------------------ documents (side panel)
with col_docs:
    st.subheader("材料")
    docs = view.documents
    for d in docs:
        doc = d["doc"]
        label = DOC_TYPE_LABELS.get(doc.doc_type, doc.doc_type)
        pages = (
            f"第 {doc.pages[0]}–{doc.pages[-1]} 页"
            if len(doc.pages) > 1
            else (f"第 {doc.pages[0]} 页" if doc.pages else "")
        )
        st.markdown(
            f"**{label}**  \n{doc.file} {pages}" + ("  \n⚠️ " + "；".join(doc.errors) if doc.errors else "")
        )
    if docs:
        pick = st.selectbox(
            "打开文档",
            range(len(docs)),
            key=f"open_doc_{app_id}",
            format_func=lambda i: (
                f"{DOC_TYPE_LABELS.get(docs[i]['doc'].doc_type, '')}｜{docs[i]['doc'].file}"
            ),
        )
        pdoc = docs[pick]["doc"]
        with st.expander("真实性：电子签名与印章", expanded=pdoc.signature is not None):
            sig = signature_lines(pdoc.signature)
            if sig:
                colour = STATUS_COLOURS.get(pdoc.signature.status, "gray")
                st.markdown(f":{colour}-background[{sig[0]}]")
                for line in sig[1:]:
                    st.caption(line)
            for line in seal_lines(pdoc):
                st.caption(line)
        sha = file_sha(store, app_id, pdoc.file)
        rr = read_result(store, sha or "")
        n_pages = max([p.number for p in rr.pages], default=0) if rr else max(pdoc.pages, default=1)
        page_no = st.number_input(
            "页码",
            min_value=1,
            max_value=max(1, n_pages),
            value=pdoc.pages[0] if pdoc.pages else 1,
            key=f"open_page_{app_id}",
        )
        if st.button("打开此页", key=f"open_go_{app_id}"):
            st.session_state["view_override"] = {
                "app": app_id,
                "file": pdoc.file,
                "page": int(page_no),
                "doc": pick,
            }

# ------------------------------------------------------------------ page viewer
with col_page:
    override = st.session_state.get("view_override")
    if override and override.get("app") != app_id:
        override = None
    boxes = []
    if override:
        st.subheader("材料页面")
        odoc = (
            view.documents[override["doc"]]["doc"]
            if override.get("doc") is not None and override["doc"] < len(view.documents)
            else None
        )
        if odoc is not None:
            for name, fv in odoc.fields.items():
                if fv.page == override["page"]:
                    boxes.append(
                        EvidenceBox(
                            odoc.file,
                            override["page"],
                            tuple(fv.bbox) if fv.bbox else None,
                            name,
                            jsonable(fv.value),
                            FIELD_LABELS.get(name, name),
                        )
                    )
            for sb in seal_boxes(odoc, override["page"]):
                boxes.append(EvidenceBox(odoc.file, sb.page, sb.bbox, "seal", sb.label, sb.label))
        target = (override["file"], override["page"])
        if st.button("返回问题证据", key="close_override"):
            st.session_state.pop("view_override", None)
            st.rerun()
    elif chosen is not None:
        st.subheader("证据")
        boxes = evidence_boxes(result, chosen.finding)
        places = list(dict.fromkeys((b.file, b.page) for b in boxes))
        target = None
        if places:
            target = (
                places[0]
                if len(places) == 1
                else st.selectbox(
                    "证据所在页面",
                    places,
                    format_func=lambda fp: f"{fp[0]} 第 {fp[1]} 页",
                    key=f"place_{chosen.finding_id}",
                )
            )
        else:
            st.caption("该结果没有指向具体页面的证据。")
    else:
        target = None

    if target is not None:
        file, page_no = target
        here = [b for b in boxes if b.file == file and b.page == page_no]
        data = store.file_bytes(app_id, file)
        sha = file_sha(store, app_id, file) or ""
        page = page_of(store, sha, page_no)
        st.caption(f"{file} · 第 {page_no} 页")
        if data is None:
            st.warning("原文件未保存，无法显示页面。")
        elif page is not None and page.unit == "none":
            # DOCX / XML: no page geometry — show the text the reader saw, evidence highlighted
            needles = [str(b.value) for b in here if b.value not in (None, "")]
            for line in page.lines:
                hit = any(n and n in line.text for n in needles)
                st.markdown(f":red-background[{line.text}]" if hit else line.text)
        else:
            bxs = [b.bbox for b in here if b.bbox]
            rotation = page.rotation if page else None
            whole = not bxs or st.toggle("显示整页", value=False, key=f"whole_{app_id}_{file}_{page_no}")
            rendered = get_renderer().render_page(data, page_no, bxs, rotation)
            if rendered.png is None:
                st.warning(rendered.error or "页面无法显示。")
            elif whole:
                st.image(rendered.png, width="stretch")
            else:
                zoomed = zoom_to_boxes(rendered.png, bxs, rendered.scale)
                st.image(
                    zoomed or rendered.png,
                    width="stretch",
                    caption="证据位置放大显示（打开“显示整页”查看全页）",
                )
        n = 0
        for b in here:
            if b.bbox:
                n += 1
                st.markdown(
                    f"**{n}.** {b.label or '位置'}：`{mask_personal_data(display_value(b.field, b.value))}`"
                )
            elif b.label:
                st.markdown(
                    f"· {b.label}：`{mask_personal_data(display_value(b.field, b.value))}`（无位置信息）"
                )

# ------------------------------------------------------------------ corrections
st.divider()
st.subheader("更正数值")
st.caption("更正申报表填报值或从材料中提取的值；保存后立即重新运行全部核验规则（不重新读取文件）。")
target_kind = st.radio(
    "更正对象",
    ["declared", "document"],
    horizontal=True,
    key=f"corr_target_{app_id}",
    format_func=lambda t: "申报表填报值" if t == "declared" else "材料提取值",
)
doc_choice = None
if target_kind == "document" and view.documents:
    doc_choice = st.selectbox(
        "材料",
        range(len(view.documents)),
        key=f"corr_doc_{app_id}",
        format_func=lambda i: (
            f"{DOC_TYPE_LABELS.get(view.documents[i]['doc'].doc_type, '')}｜{view.documents[i]['key']}"
        ),
    )
if target_kind == "declared":
    options = list(dict.fromkeys([*result.declared.keys(), *FORM_KEYS]))
    currents = dict(result.declared)
else:
    cdoc = view.documents[doc_choice]["doc"] if doc_choice is not None else None
    currents = {k: fv.value for k, fv in cdoc.fields.items()} if cdoc else {}
    options = list(currents) or ["title"]
with st.form(f"correct_{app_id}_{target_kind}_{doc_choice}"):
    field_name = st.selectbox("字段", options, format_func=lambda k: f"{FIELD_LABELS.get(k, k)}（{k}）")
    st.caption("当前值见下表；留空表示删除该值。")
    value = st.text_input("更正为")
    why = st.text_input("更正理由")
    submitted = st.form_submit_button("保存更正并重新核验", disabled=store.read_only)
if currents:
    with st.expander("当前值"):
        st.dataframe(
            [
                {"字段": FIELD_LABELS.get(k, k), "键": k, "值": display_value(k, v)}
                for k, v in currents.items()
            ],
            hide_index=True,
        )


def _save_correction(params: dict, confirm: bool) -> None:
    who = reviewer()
    if not who:
        st.warning("未保存：请先在侧边栏填写审核人姓名。")
        return
    with shown_errors():
        try:
            new = correct_value(store, app_id, who, policy=get_policy(), confirm_affected=confirm, **params)
        except CorrectionNeedsConfirmation as exc:
            st.session_state[f"pending_corr_{app_id}"] = {"params": params, "affected": exc.affected}
            st.rerun()
        st.session_state.pop(f"pending_corr_{app_id}", None)
        st.session_state["review_flash"] = (
            f"已更正 {FIELD_LABELS.get(params['field_name'], params['field_name'])}，规则已重新运行："
            f"系统结论「{VERDICT_LABELS[new.verdict]}」。"
        )
        st.rerun()


if submitted:
    dkey = view.documents[doc_choice]["key"] if target_kind == "document" and doc_choice is not None else None
    _save_correction(
        {
            "target": target_kind,
            "field_name": field_name,
            "value": value,
            "reason": why,
            "doc": dkey,
            "finding_id": chosen.finding_id if chosen else None,
        },
        confirm=False,
    )

pending = st.session_state.get(f"pending_corr_{app_id}")
if pending:
    p = pending["params"]
    st.warning(
        f"此更正（{FIELD_LABELS.get(p['field_name'], p['field_name'])} →「{p['value'] or '（空）'}」）"
        f"将影响 {len(pending['affected'])} 条已作决定的问题。决定会保留在审核记录与导出中；"
        "已确认的问题即使不再触发，仍计为不符合。是否继续？"
    )
    st.dataframe(
        [
            {
                "问题": rule_info(a["rule"]).name,
                "已有决定": f"{a['decision_label']}（{a['reviewer']}）",
                "更正后": a["change"],
            }
            for a in pending["affected"]
        ],
        hide_index=True,
    )
    c1, c2 = st.columns(2)
    if c1.button("仍然保存更正", type="primary", key=f"corr_confirm_{app_id}"):
        _save_correction(p, confirm=True)
    if c2.button("取消更正", key=f"corr_cancel_{app_id}"):
        st.session_state.pop(f"pending_corr_{app_id}", None)
        st.session_state["review_flash"] = "已取消更正，未作任何更改。"
        st.rerun()

# ------------------------------------------------------------------ recommendation, status, archive
st.divider()
s1, s2, s3 = st.columns(3)
with s1:
    if row.status != "done":
        if st.button("标记审核完成", key=f"done_{app_id}", disabled=store.read_only):
            if not reviewer():
                st.warning("未保存：请先在侧边栏填写审核人姓名。")
            else:
                with shown_errors():
                    store.set_status(app_id, "done", reviewer())
                    st.session_state["review_flash"] = "已标记为审核完成。" + (
                        f"（仍有 {undecided} 条问题未作决定）" if undecided else ""
                    )
                    st.rerun()
    elif st.button("重新打开审核", key=f"reopen_{app_id}", disabled=store.read_only):
        if reviewer():
            with shown_errors():
                store.set_status(app_id, "in_progress", reviewer())
                st.rerun()
        else:
            st.warning("未保存：请先在侧边栏填写审核人姓名。")
    archive_label = "取消归档" if row.archived else "归档此申报"
    if st.button(archive_label, key=f"archive_{app_id}", disabled=store.read_only):
        if not reviewer():
            st.warning("未保存：请先在侧边栏填写审核人姓名。")
        else:
            with shown_errors():
                store.set_archived(app_id, not row.archived, reviewer())
                refresh_batch_findings(store, get_policy())
                st.session_state["review_flash"] = (
                    "已取消归档。" if row.archived else "已归档：该申报不再出现在列表与导出中，审核记录保留。"
                )
                st.rerun()
with s2:
    rec = store.recommendation(app_id)
    st.markdown("**附件2 推荐**")
    if view.verdict == "pass" and not (rec and rec.recommend):
        st.caption("审核后结论为通过：将列入附件2。")
    elif rec and rec.recommend:
        st.caption(f"已由 {rec.reviewer} 推荐（{fmt_time(rec.time)}）：{rec.reason}")
        if st.button("撤回推荐", key=f"unrec_{app_id}", disabled=store.read_only):
            with shown_errors():
                store.set_recommendation(app_id, reviewer(), False, "")
                st.session_state["review_flash"] = "已撤回推荐。"
                st.rerun()
    else:
        st.caption("审核后结论不是通过：不列入附件2。如仍推荐，须填写理由。")
        rec_reason = st.text_input("推荐理由", key=f"rec_reason_{app_id}")
        if st.button("仍推荐列入附件2", key=f"rec_{app_id}", disabled=store.read_only):
            with shown_errors():
                store.set_recommendation(app_id, reviewer(), True, rec_reason)
                st.session_state["review_flash"] = "已记录推荐及理由。"
                st.rerun()
with s3.expander("审核记录"):
    st.dataframe([describe_audit(e) for e in store.audit_log(app_id)], hide_index=True)

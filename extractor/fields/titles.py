"""Titles (and a few cheap fields) for document types without a dedicated extractor.

``extract(pages)`` gives every document at least ``title``; by type (detected from the
text, since this module serves several doc types):

- patent certificate (专利证书): ``patent_no`` (ZL…), ``patent_name`` (发明/实用新型/外观设计名称)
- integrity pledge (承诺书): ``company_name`` (承诺单位/单位名称), ``sign_date``
- test report (检验/检测报告): ``report_no``, ``product_name``, ``test_org``
- team material (团队名单): ``member_count`` (data rows of a table whose header holds 姓名)

The helpers it shares with the prose-heavy extractors (``Stream``, ``prepare_pages``,
``is_blank``, ``find_title`` …) are in :mod:`extractor.fields.prose`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import extractor.fields.layout as L
from extractor.fields.prose import (
    field,
    find_title,
    is_blank,
    nfkc,
    prepare_pages,
    title_text,
)
from extractor.normalize import normalize_name, parse_date
from models.contract import FieldValue
from models.page import Page

# ----------------------------------------------------------------- per-type extras

_PATENT_NO_RE = re.compile(r"ZL\s*\d{4}\s*\d\s*\d{7}\s*[.．·]?\s*[\dXx]")


_PLEDGE_NAME_RE = re.compile(
    r"(?:承诺单位|承诺人|单位名称|企业名称|申报单位|公司名称)\s*(?:[（(][^()（）]{0,6}[)）])?\s*[:：]\s*(?P<v>\S.*)$"
)


def _pledge(pages: Sequence[Page], out: dict[str, FieldValue]) -> None:
    for r in L.iter_refs(pages):
        m = _PLEDGE_NAME_RE.search(r.line.text)
        if not m:
            continue
        v = re.split(r"\s{2,}|法定代表人|日期|[（(]\s*(?:盖章|公章)\s*[)）]", m.group("v"))[0]
        name = normalize_name(v)
        if len(name) >= 4 and not is_blank(name):
            s = m.start("v")
            out["company_name"] = field(name, L.Span(v, [r], s, s + len(v)))
            break
    if "company_name" not in out:
        got = _stamped_org(pages)
        if got is not None:
            out["company_name"] = field(got[0], got[1], 0.1)
    _person(pages, ["法定代表人", "法人代表", "法定代表"], "legal_representative", out)
    dates = []
    for r in L.iter_refs(pages):
        d = parse_date(re.sub(r"^.*?(?:日期|时间)[:：]?", "", r.line.text).strip())
        if d is not None:
            dates.append((d, r))
    if dates:
        d, r = dates[-1]  # the date by the signature, at the end
        out["sign_date"] = field(d, r)


_PERSON_RE = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")
_SIGN_NOTE_RE = re.compile(r"^\s*[（(][^()（）]{0,8}[)）]\s*[:：]?\s*")


def _person(pages: Sequence[Page], labels: Sequence[str], key: str, out: dict[str, FieldValue]) -> None:
    """A person's name after a label (``法定代表人（签字）：林志强``); blanks give nothing."""
    for hit in L.find_labels(pages, labels, exclude=["法定代表人或授权代表"]):
        rest = hit.ref.line.text[hit.end :]
        note = _SIGN_NOTE_RE.match(rest)
        off = hit.end + (note.end() if note else 0)
        v = re.split(r"\s{2,}|[，,；;]|日期|时间|电话|身份证", hit.ref.line.text[off:])[0].strip(" ：:")
        name = normalize_name(v)
        if _PERSON_RE.match(name) and not re.search(r"签字|签章|盖章|签名", name):
            s0 = hit.ref.line.text.find(v, off)
            out[key] = field(name, L.Span(v, [hit.ref], s0, s0 + len(v)))
            return


_ORG_TAIL_RE = re.compile(r"(?:公司|研究院|研究所|中心|大学|学院|医院|集团|事务所|合作社)$")


def _stamped_org(pages: Sequence[Page]) -> tuple[str, L.Ref] | None:
    """An organisation name printed alone by the signature (``XX有限公司（盖章）``)."""
    for r in reversed(list(L.iter_refs(pages))):
        t = re.sub(r"[（(]\s*(?:盖章|公章|签章|章)\s*[)）]", "", r.line.text).strip()
        t = re.sub(r"^(?:申报单位|单位名称|承诺单位|企业名称)\s*[:：]", "", t).strip()
        name = normalize_name(t)
        if 4 <= len(name) <= 40 and _ORG_TAIL_RE.search(name) and not re.search(r"[，,。；;:：]", name):
            return name, r
    return None


def _patent(pages: Sequence[Page], out: dict[str, FieldValue]) -> None:
    for sp in L.find_pattern(pages, _PATENT_NO_RE):
        out["patent_no"] = field(re.sub(r"\s+", "", nfkc(sp.match)).replace("·", ".").upper(), sp)
        break
    name_labels = ["发明名称", "实用新型名称", "外观设计名称", "专利名称", "软件名称"]
    sp = L.find_value(
        pages, name_labels, validate=lambda t: not is_blank(t), stop=["发明人", "设计人", "专利号"]
    )
    if sp is not None:
        out["patent_name"] = field(nfkc(sp.match).strip(), sp)


_DATE_LABELS = ["签发日期", "报告日期", "批准日期", "签发时间", "发证日期", "报告时间"]


def _test_report(pages: Sequence[Page], out: dict[str, FieldValue]) -> None:
    sp = L.find_value(
        pages,
        ["报告编号", "报告编码", "报告号", "No.", "NO."],
        pattern=re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/()〔〕\[\]【】（）第号]{3,40}"),
    )
    if sp is not None:
        out["report_no"] = field(re.sub(r"\s+", "", nfkc(sp.match)), sp)
    sp = L.find_value(
        pages,
        ["产品名称", "样品名称", "软件名称", "受检产品", "被检产品"],
        validate=lambda t: not is_blank(t),
        stop=["型号", "规格", "商标", "委托单位", "检验类别"],
    )
    if sp is not None:
        out["product_name"] = field(nfkc(sp.match).strip(), sp)
    sp = L.find_value(
        pages,
        ["委托单位", "委托方", "委托人", "申请单位", "送检单位", "委托单位名称"],
        validate=lambda t: len(normalize_name(t)) >= 4,
        stop=["地址", "电话", "联系人", "检验类别", "（盖章）", "(盖章)"],
    )
    if sp is not None:
        out["client_name"] = field(normalize_name(sp.match), sp)
    sp = L.find_value(
        pages,
        ["检验单位", "检测单位", "检验机构", "检测机构", "承检单位", "测试单位", "检验检测机构"],
        validate=lambda t: not is_blank(t) and len(t.strip()) >= 4,
        stop=["地址", "电话", "（盖章）", "(盖章)"],
    )
    if sp is not None:
        out["test_org"] = field(normalize_name(sp.match), sp)
    else:
        got = _cover_org(pages[0], out.get("client_name"))
        if got is not None:
            out["test_org"] = field(got[0], got[1], 0.1)
    sp = L.find_value(pages, _DATE_LABELS, validate=lambda t: parse_date(t.strip()) is not None)
    if sp is not None:
        out["issue_date"] = field(parse_date(sp.match.strip()), sp)
    else:
        # the date printed under the testing body's name on the cover
        dates = [
            (parse_date(r.line.text.strip()), r)
            for r in L.iter_refs(pages[:1])
            if len(L.norm(r.line.text)) <= 12 and parse_date(r.line.text.strip()) is not None
        ]
        if dates:
            out["issue_date"] = field(dates[-1][0], dates[-1][1], 0.1)
    sp = L.find_value(
        pages,
        ["检验结论", "检测结论", "测试结论", "评测结论", "测评结论", "结论"],
        validate=lambda t: len(L.norm(t)) >= 2 and not is_blank(t),
        order=("same_line", "right", "below", "cell"),
        exclude=["单项结论"],
    )
    if sp is not None:
        out["conclusion"] = field(nfkc(sp.match).strip(), sp)


def _cover_org(page: Page, client: FieldValue | None) -> tuple[str, L.Ref] | None:
    """The testing body named alone in the lower half of the cover (above its date)."""
    refs = [r for r in L.iter_refs([page]) if r.line.bbox is not None]
    lower = [r for r in refs if page.height and r.line.bbox[1] > page.height * 0.5]
    for r in lower:
        name = normalize_name(re.sub(r"[（(]\s*(?:盖章|公章)\s*[)）]", "", r.line.text))
        if (
            4 <= len(name) <= 40
            and _ORG_TAIL_RE.search(name)
            and not re.search(r"[，,。；;:：]", name)
            and (client is None or name != client.value)
        ):
            return name, r
    return None


_NAME_HEADER = {"姓名", "成员姓名", "人员姓名", "姓 名"}
_MEMBER_RE = re.compile(
    r"^\s*(?:[(（]?\d{1,3}[)）.．、]|[一二三四五六七八九十]+[、.．])\s*(?P<n>[\u4e00-\u9fff·]{2,5})\s*[，,、：:（(\s]"
)


def _team(pages: Sequence[Page], out: dict[str, FieldValue]) -> None:
    """Members (names) of a team list: the 姓名 column of a table (DOCX cells or a
    positioned header with the names below it), or numbered items ``1. 黄建华，总经理…``;
    the company from ``申报单位：…`` or the stamped name at the end."""
    sp = L.find_value(
        pages,
        ["申报单位", "单位名称", "企业名称", "公司名称", "所在单位"],
        validate=lambda t: len(normalize_name(t)) >= 4 and not is_blank(t),
        stop=["日期", "（盖章）", "(盖章)"],
        exclude=["申报单位（盖章）", "申报单位(盖章)"],
    )
    if sp is not None:
        out["company_name"] = field(normalize_name(sp.match), sp)
    else:
        got = _stamped_org(pages)
        if got is not None:
            out["company_name"] = field(got[0], got[1], 0.1)
    members: list[str] = []
    srcs: list[L.Span | L.Ref] = []
    for p in pages:
        for t in p.tables:
            grid = t.grid()
            for i, row in enumerate(grid):
                cols = [j for j, c in enumerate(row) if re.sub(r"\s", "", c) in _NAME_HEADER]
                if cols:
                    n = sum(1 for r in grid[i + 1 :] if any(c.strip() for c in r))
                    if n:
                        out["member_count"] = FieldValue(
                            value=n, page=p.number, confidence=0.9, method=p.method, source_text="姓名"
                        )
                    for r in grid[i + 1 :]:
                        name = normalize_name(r[cols[0]])
                        if _PERSON_RE.match(name):
                            members.append(name)
                    break
    if not members:
        for p in pages:
            refs = [r for r in L.iter_refs([p]) if r.line.bbox is not None]
            heads = [r for r in refs if re.sub(r"\s", "", r.line.text) in _NAME_HEADER]
            for hd in heads:
                hb = hd.line.bbox
                h = max(hb[3] - hb[1], 1.0)
                col = sorted(
                    (
                        r
                        for r in refs
                        if r.line.bbox[1] > hb[3] - 0.2 * h
                        and L.h_overlap(hb, r.line.bbox) > 0.3
                        and r is not hd
                    ),
                    key=lambda r: r.line.bbox[1],
                )
                last = hb
                for r in col:
                    if r.line.bbox[1] - last[3] > 2.5 * h:
                        break
                    name = normalize_name(r.line.text)
                    if not _PERSON_RE.match(name):
                        break
                    members.append(name)
                    srcs.append(r)
                    last = r.line.bbox
    if not members:
        for r in L.iter_refs(pages):
            m = _MEMBER_RE.match(r.line.text)
            if m:
                members.append(m.group("n"))
                srcs.append(L.Span(m.group("n"), [r], m.start("n"), m.end("n")))
    if members:
        out["members"] = (
            field(members, srcs)
            if srcs
            else FieldValue(value=members, page=pages[0].number, confidence=0.9, method=pages[0].method)
        )
        if "member_count" not in out:
            out["member_count"] = out["members"].model_copy(update={"value": len(members)})


def extract(pages: list[Page]) -> dict[str, FieldValue]:
    """Title and cheap extras for certificates, pledges, test reports, team lists, others."""
    pages = prepare_pages(pages)
    out: dict[str, FieldValue] = {}
    if not pages:
        return out
    sp = find_title(pages)
    if sp is None:
        # any first short line will do for "other"
        for r in L.iter_refs(pages[:1]):
            t = title_text(r.line.text)
            if 2 <= len(t) <= 40 and not is_blank(t):
                sp = L.span_of_line(r)
                break
    if sp is not None:
        out["title"] = field(title_text(sp.text), sp)
    text = L.all_norm_text(pages[:3]) + "".join(c.text for p in pages[:3] for t in p.tables for c in t.cells)
    if "专利" in text and ("证书" in text or "专利号" in text):
        _patent(pages, out)
    if "承诺" in text:
        _pledge(pages, out)
    if ("检验" in text or "检测" in text or "测试" in text) and "报告" in text:
        _test_report(pages, out)
    title = str(out["title"].value) if "title" in out else ""
    if "姓名" in text or re.search(r"团队|成员|名单|名册|简历|人员", title):
        _team(pages, out)
    return out

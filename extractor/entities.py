"""spaCy entity layer for running text: ORG, MONEY and DATE entities.

The pipeline is a process-wide, lazily built ``spacy.blank("zh")`` with the
character segmenter (no jieba/pkuseg, nothing downloaded) and one component,
``evreview_entities``, which sets ``doc.ents``:

- MONEY and DATE spans come from the normalisers (:func:`extractor.normalize.find_money`,
  :func:`extractor.normalize.find_dates`), so their values are already normalised;
- ORG spans are anchored on the legal-form / organisation-type suffix (有限公司,
  股份有限公司, 会计师事务所(特殊普通合伙), 研究院, 银行…支行, …), extended to the left
  over name characters, and cut at verbs, prepositions and labels that cannot be part
  of a name (向/与/委托/甲方/名称 …). MONEY and DATE spans are barriers, so an ORG
  never swallows an amount or a date.

Overlaps are resolved by :func:`spacy.util.filter_spans`. The component searches the
NFKC form of the text; offsets reported by :func:`find_entities` are offsets into the
original text.

>>> [(e.label, e.text) for e in find_entities("向北京智算云科技有限公司采购算力服务36万元")]
[('ORG', '北京智算云科技有限公司'), ('MONEY', '36万元')]
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from extractor.normalize import find_dates, find_money, map_span, nfkc_with_offsets, normalize_name

__all__ = ["Entity", "find_entities", "get_nlp"]

_PIPE_NAME = "evreview_entities"
_VALUES_KEY = "evreview_values"
_TEXT_KEY = "evreview_text"
# characters per spaCy call: the zh tokenizer aligns characters with a quadratic
# search (spacy.util.get_words_and_spaces), so long texts are cut at line/sentence ends
_CHUNK = 4000


@dataclass(frozen=True)
class Entity:
    """One entity: ``label`` is "ORG", "MONEY" or "DATE"; ``start``/``end`` are character
    offsets into the text given to :func:`find_entities`; ``value`` is the normalised
    value (name ``str``, :class:`~decimal.Decimal`, :class:`~datetime.date`)."""

    label: str
    text: str
    start: int
    end: int
    value: str | Decimal | date


# --- ORG detection -------------------------------------------------------------------

_NAME_CHAR = r"[\u4e00-\u9fffA-Za-z0-9()·&]"
_BRANCH = r"(?:分公司|分行|支行|分理处|营业部|营业所|分所|办事处|分中心)"
_LEGAL = r"(?:股份有限公司|有限责任公司|有限公司)"
# after a plain 集团 / 公司 the name must end: a non-CJK char or a word that starts prose
_END_OK = r"(?=[^\u4e00-\u9fff]|$|与|和|及|的|等|向|于|在|为|是|已|将|对|采购|签订|签署|提供|出具|负责|共同|承担|支付|收取)"
_SUFFIX_RE = re.compile(
    rf"(?:(?:集团)?{_LEGAL}"
    rf"|银行{_LEGAL}?"
    r"|(?:会计师|律师|税务师|资产评估|评估)?事务所(?:\((?:特殊)?普通合伙\))?"
    r"|研究院|研究所|研究中心|设计院|科学院|医院|合作社|经营部|门市部|商行|工作室"
    r"|大学(?!生|城|路|本科|毕业|学历|以上|教育)|学院(?!路|派)"
    rf"|集团{_END_OK}"
    r"|支行|分行"  # bank branch without 银行: 工行长沙全通支行
    rf"|公司|店(?!铺|面|长|员|主))"
    # optional branch: 成都分公司, 泉州丰泽支行 (never across another company or a conjunction)
    rf"(?:(?:(?!公司|与|和|及|向|、){_NAME_CHAR}){{1,12}}?{_BRANCH})?"
)
_NAME_CHAR_RE = re.compile(_NAME_CHAR)
_MAX_BODY = 40
# labels that introduce a name: stripped only at the start of the run ("甲方泉州…"),
# so that a name containing such a word (北京甲方科技有限公司) stays whole
_LABELS = [
    "甲方", "乙方", "丙方", "买方", "卖方", "供方", "需方", "发包人", "承包人", "委托人",
    "名称", "户名", "购买方", "销售方", "采购方", "服务方", "委托方", "受托方", "供应商",
    "收款人", "付款人", "收款方", "付款方", "开户行", "开户银行", "审计单位", "被审计单位",
    "申报单位", "单位", "企业", "客户",
]  # fmt: skip
_LABEL_RE = re.compile("|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)))
# words that never occur inside a name: the name starts after the last of them
_CUT_WORDS = [
    "公司", "本司", "我司", "贵司", "的", "签订", "签署", "采购", "购买", "支付", "付给",
    "付款给", "转账给", "委托", "审计了", "聘请", "租用", "提供", "收到", "开具", "出具",
    "同意", "确认", "负责", "通过", "经过", "授权", "选择", "确定", "指定", "约定", "以及",
    "分别", "其中", "具有", "具备", "成为", "作为", "属于", "包括", "例如", "主要", "年度",
    "委托方", "委托人", "付款方", "付款人", "招聘", "毕业于", "就读于", "任职于", "位于",
    "地址", "坐落于", "设立于", "注册于",
]  # fmt: skip
_CUT_RE = re.compile(
    "|".join(sorted(map(re.escape, _CUT_WORDS), key=len, reverse=True))
    + r"|\d+(?:年度|年|月份|月|日|号)"  # 2023年向… / 3月与…
)
_LEAD_STRIP = "向与和及同跟由经对被给将从自在是为据于把让请即系并或之等拟已均共曾另还也再又仅只都"
_NOT_A_NAME = {
    "本", "该", "我", "贵", "子", "母", "总", "分", "各", "其", "此", "上述", "其他", "相关",
    "全资子", "控股子", "参股", "合资", "一家", "这家", "新", "原", "集团", "有限",
    "开户", "收款", "付款", "商业", "结算", "贷款", "合作", "本院", "本所", "该所",
}  # fmt: skip
# a bare "公司" or "店" (no legal form) names an organisation only after a place or group
_GENERIC_OK = re.compile(r"^(?:中国|国网|中铁|中建|.{1,8}?[省市县区州])|集团$")


def _org_body(run: str) -> str:
    """The name part of the text run before an ORG suffix (verbs, labels cut away)."""
    last = None
    for m in _CUT_RE.finditer(run):
        last = m
    body = run[last.end() :] if last else run
    while True:
        before = body
        body = body.lstrip(_LEAD_STRIP)
        m = _LABEL_RE.match(body)
        if m:
            body = body[m.end() :]
        # an unbalanced ")" or "(" left at the edge ("(委托方)") is not part of the name
        while body and (body[0] == ")" or (body[0] == "(" and ")" not in body)):
            body = body[1:]
        paren = re.match(r"\([^()]{1,6}\)", body)
        if paren and _LABEL_RE.fullmatch(body[1 : paren.end() - 1]):
            body = body[paren.end() :]
        if body == before:
            return body


def _find_orgs(text: str, barriers: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ORG spans in (NFKC) ``text``; ``barriers`` are spans an ORG may not cross."""
    blocked = [False] * (len(text) + 1)
    for s, e in barriers:
        for i in range(s, e):
            blocked[i] = True
    spans: list[tuple[int, int]] = []
    last_end = 0
    for m in _SUFFIX_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(blocked[s:e]):
            continue
        lo = max(last_end, s - _MAX_BODY)
        i = s
        while i > lo and not blocked[i - 1] and _NAME_CHAR_RE.match(text[i - 1]):
            i -= 1
        run = text[i:s]
        body = _org_body(run)
        if len(body) < 2 or body in _NOT_A_NAME:
            continue
        if m.group(0) in ("公司", "店") and not _GENERIC_OK.search(body):
            continue
        start = s - len(body)
        spans.append((start, e))
        last_end = e
    return spans


def _entities_component(doc: Any) -> Any:
    from spacy.util import filter_spans  # late: spaCy (see get_nlp)

    # doc.text re-joins every token; find_entities hands over the text it tokenised
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.text
    values: dict[tuple[int, int, str], Any] = {}
    spans = []
    barriers: list[tuple[int, int]] = []
    for label, found in (("MONEY", find_money(text)), ("DATE", find_dates(text))):
        for value, s, e in found:
            span = doc.char_span(s, e, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                values[(span.start_char, span.end_char, label)] = value
                barriers.append((s, e))
    for s, e in _find_orgs(text, barriers):
        span = doc.char_span(s, e, label="ORG", alignment_mode="expand")
        if span is not None:
            spans.append(span)
            values[(span.start_char, span.end_char, "ORG")] = normalize_name(
                text[span.start_char : span.end_char]
            )
    doc.ents = filter_spans(spans)
    doc.user_data[_VALUES_KEY] = values
    return doc


_NLP = None
_LOCK = threading.Lock()


def get_nlp() -> Any:
    """The process-wide pipeline (built on first use, thread-safe).

    >>> nlp = get_nlp()
    >>> nlp.lang, nlp.pipe_names, [t.text for t in nlp("有限公司")]
    ('zh', ['evreview_entities'], ['有', '限', '公', '司'])
    """
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                # late: importing spaCy costs ~0.6 s (measured); only prose extraction needs
                # it, and the readers' fork server builds the pipeline once (reader_stack.warm)
                import spacy
                from spacy.language import Language

                if not Language.has_factory(_PIPE_NAME):
                    Language.component(_PIPE_NAME, func=_entities_component)
                nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
                nlp.add_pipe(_PIPE_NAME)
                _NLP = nlp
    return _NLP


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= _CHUNK:
        return [(0, text)]
    out = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + _CHUNK)
        if end < len(text):
            cut = max(text.rfind(c, pos + _CHUNK // 2, end) for c in "\n。；;")
            end = cut + 1 if cut != -1 else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


def find_entities(text: str) -> list[Entity]:
    """ORG, MONEY and DATE entities in running text, in text order.

    >>> ents = find_entities("本公司于2023年3月1日与泉州云谷数据有限公司签订合同，金额人民币叁拾陆万元整。")
    >>> [(e.label, e.text, str(e.value)) for e in ents]
    [('DATE', '2023年3月1日', '2023-03-01'), ('ORG', '泉州云谷数据有限公司', '泉州云谷数据有限公司'), ('MONEY', '叁拾陆万元整', '360000.00')]
    >>> find_entities("")
    []
    """
    if not text or not text.strip():
        return []
    nlp = get_nlp()
    out: list[Entity] = []
    for base, chunk in _chunks(text):
        norm, origin = nfkc_with_offsets(chunk)
        doc = nlp.make_doc(norm)
        doc.user_data[_TEXT_KEY] = norm
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        values = doc.user_data.get(_VALUES_KEY, {})
        for ent in doc.ents:
            value = values.get((ent.start_char, ent.end_char, ent.label_))
            if value is None:
                continue
            s, e = map_span(origin, ent.start_char, ent.end_char)
            out.append(Entity(ent.label_, text[base + s : base + e], base + s, base + e, value))
    return out

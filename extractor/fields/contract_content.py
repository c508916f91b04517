"""What a contract buys (``service_content``).

Candidates, first found wins: a content label (``服务内容：…`` at a line start, ``服务内容为…`` in
prose, a heading whose paragraph follows); then the first sentence saying what one party provides
to, makes for or buys from the other (「乙方向甲方提供…」「为甲方开发…」「甲方向乙方采购…」) or the
preamble's subject (「双方就X项目开展合作」); then a sentence naming compute services; last, the
title less its contract word. A labelled sentence is cut to what it names.
"""

from __future__ import annotations

import re

import extractor.fields.layout as L
import extractor.fields.parties as P
from extractor.fields.contract_text import Doc, joined, label_hits, sentence_end
from extractor.fields.prose import field, is_blank, nfkc
from models.contract import FieldValue

_NEXT_LABEL_RE = P.NEXT_LABEL_RE

_CONTENT_LABELS = [
    "服务内容", "服务项目", "服务名称", "产品名称", "采购内容", "租赁内容", "采购标的", "合同标的",
    "技术服务的内容", "技术内容", "标的", "项目名称", "项目工作内容", "工作内容", "开发内容", "项目内容",
    "合作内容", "委托内容", "委托事项", "服务事项", "采购事项", "委托项目", "采购项目", "货物名称",
    "设备名称", "标的名称",
]  # fmt: skip
_CONTENT_WORDS = re.compile(r"算力服务|算力|GPU|云服务器|云主机|卡时|智算|服务器租赁|裸金属")


def _short(text: str, n: int = 100) -> str:
    """The first sentence of a text (what is bought), at most ``n`` chars.

    >>> _short("GPU云服务器租赁服务，用于大模型训练。具体配置如下：")
    'GPU云服务器租赁服务,用于大模型训练'
    >>> _short("裸金属服务器租用；运维支持")
    '裸金属服务器租用'
    """
    t = re.split(r"[。；;]|\s\d+(?:\.\d+)+\s", text.strip())[0]
    t = re.sub(r"\s+", " ", nfkc(t)).strip(" ：:，,")
    return t[:n]


def _content_at(doc: Doc, pos: int) -> tuple[str, int, int] | None:
    """The content sentence starting at ``pos`` → (value, start, end) or None."""
    text = doc.stream.text
    end = sentence_end(doc, pos)
    raw = text[pos:end]
    lead = len(raw) - len(raw.lstrip(" ：:，,"))
    val = _short(raw.replace("\n", ""))
    # a clause number is not content: 「第一条 供应商向采购方提供…」
    val = re.sub(r"^第[一二三四五六七八九十百\d]+条\s*(?:之\d+)?[：:、]?\s*", "", val)
    if (
        is_blank(val)
        or len(val) < 2
        or _NEXT_LABEL_RE.match(raw)
        or re.match(r"^[^:：]{1,12}[:：]", raw.strip())
    ):
        return None
    return val, pos + lead, end


# what the provider provides: 「乙方向甲方提供GPU算力租赁服务，…」「服务商为客户提供…」
_PROVIDES_RE = re.compile(
    rf"(?:{P.LABEL_ALT})\s*(?:同意|负责|应|将)?\s*(?:(?:使用|利用|以|通过)[^，,。；;：:\n]{{2,30}}?)?"
    rf"(?:(?:向|为)\s*(?:{P.LABEL_ALT})|委托\s*(?:{P.LABEL_ALT}))\s*(?:提供|出售|销售|交付|出租)(?:的)?\s*"
    r"(?P<x>[^，,。；;：:\n（(]{2,40})"
)
# what the buyer buys from the provider: 「甲方向乙方采购生产用设备一批」「甲方从乙方处购买…」
_BUYS_RE = re.compile(
    rf"(?:{P.LABEL_ALT})\s*(?:同意|决定|拟|有意)?\s*(?:向|从)\s*(?:{P.LABEL_ALT})\s*(?:处)?\s*"
    r"(?:采购|购买|订购|购置|租用)(?:的)?\s*(?P<x>[^，,。；;：:\n（(]{2,40})"
)
# a name's own Latin name or model in brackets right after it: 「巴西混合粉矿(Brazilian Blend Fines, BBF)」
_LATIN_BRACKET_RE = re.compile(r"[（(][A-Za-z][A-Za-z0-9 ,.&/\-]{1,40}[)）]")


def _offers(text: str) -> list[re.Match[str]]:
    """Sentences where one party provides to the other, in order, then those where one buys
    from the other: a purchase sentence counts only where none says what is provided (a
    preamble's 「采购方向服务方采购算力服务事宜」 is vaguer than the article it introduces)."""
    return [*_PROVIDES_RE.finditer(text), *_BUYS_RE.finditer(text)]


# what the provider makes for the buyer: 「为甲方开发电信计费系统」「委托乙方开发…」
# 「将…委托给乙方制作」「乙方承接制作甲方…项目」
_MAKES_RE = re.compile(
    rf"(?:(?:为|向|给)\s*(?:{P.LABEL_ALT})|委托\s*(?:{P.LABEL_ALT}))\s*(?:负责)?\s*"
    r"(?P<verb>开发|设计|制作|建设|研发|定制|实施)(?:的)?\s*(?P<x>[^，,。；;：:\n（(并]{2,40})"
    rf"|将\s*(?:所(?:开发|需)的)?\s*(?P<x2>[^，,。；;：:\n（(将]{{2,40}}?)\s*委托给?\s*(?:{P.LABEL_ALT})"
    rf"|承接\s*(?:制作|开发|设计)?\s*(?:{P.LABEL_ALT})?\s*(?P<x3>[^，,。；;：:\n（(]{{2,40}}?)(?:项目)"
)
_DEV_VERBS = ("开发", "建设", "研发", "定制")
# what a contract also hands over without buying it: invoices, payments, documents
_NOT_BOUGHT_RE = re.compile(
    r"发票|收据|凭证|款项|费用|价款|(?:文件|文档|资料|材料|手册|清单|说明书?)(?:等)?$"
)


_ROLE_WORD_RE = re.compile(rf"{P.LABEL_ALT}")


def _buyer_provides(m: re.Match[str]) -> bool:
    """Whether a provider sentence has the buyer provide (「发包方向承包方提供工作面」: a site,
    data, a workplace the buyer hands over), told by role words that have one meaning (发包方,
    承包方, 采购方, …); 甲方/乙方 say nothing here.

    >>> _buyer_provides(_PROVIDES_RE.search("发包方向承包方提供工作面，进行现场收方签证"))
    True
    >>> _buyer_provides(_PROVIDES_RE.search("服务方向采购方提供GPU算力服务")), _buyer_provides(_PROVIDES_RE.search("甲方向乙方提供场地"))
    (False, False)
    """
    if m.re is not _PROVIDES_RE:
        return False
    words = [
        re.sub(r"\s+", "", w.group(0)) for w in _ROLE_WORD_RE.finditer(m.group(0)[: m.start("x") - m.start()])
    ]
    if len(words) < 2:
        return False
    return P.ROLE_OF.get(words[0]) == "buyer" or P.ROLE_OF.get(words[-1]) == "seller"


def _relative_clause(text: str, pos: int) -> bool:
    """Whether the sentence at ``pos`` is a relative clause (「由乙方向甲方提供的…」): it names
    nothing bought, not even in a recital."""
    return pos > 0 and text[pos - 1] == "由"


def _not_the_purchase(text: str, pos: int) -> bool:
    """Whether a provider sentence at ``pos`` only defines or recites: a relative clause
    (:func:`_relative_clause`), a 「鉴于…」 recital or a definition (「“服务”指…」) — the general
    intent, not the purchase the articles state."""
    if _relative_clause(text, pos):
        return True
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    return bool(re.match(r"\s*(?:鉴于|[“\"][^”\"]{1,12}[”\"]\s*(?:指|是指))", text[start:pos]))


# a heading's paragraph that starts a numbered section (「一、常态化服务内容」, 「（一）开展日常…」)
# lists duties; it does not say what is bought
_SUBHEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")

# the preamble's subject: 「…就2019年北京亦庄政务微博与管理项目开展合作」
_ABOUT_RE = re.compile(
    r"就\s*(?P<x>[^，,。；;：:（(\n]{4,40}?)\s*(?:(?:有关)?(?:事宜|事项)?"
    # 「就X及有关事项按照招标文件要求及投标响应文件签订合同」: what follows the matters is no subject
    r"|(?:及|等)(?:有关|相关)?(?:事宜|事项)[^，,。；;\n]{0,30}?)"
    r"\s*(?:开展合作|进行合作|达成|签订|订立|经友好协商|协商一致)"
)


# ... or in a filled-in bracket: 「双方经友好协商就（鲁南高铁…电力远动设备）采购事宜达成一致」
_ABOUT_BRACKET_RE = re.compile(
    r"就\s*[（(](?P<x>[^（()）\n]{4,60}?)[)）]\s*(?:的)?(?:采购|购买|供货|供应|服务|建设|实施|合作)?"
    r"(?:有关|相关)?(?:事宜|事项)?\s*(?:开展合作|进行合作|达成|签订|订立|经友好协商|协商一致)"
)


def _about(text: str) -> tuple[str, int, int] | None:
    """The subject a preamble names after 就 (「双方就X项目开展合作」) → (value, start, end).

    >>> _about("甲方与乙方就2019年北京亦庄政务微博与管理项目开展合作，内容涵盖…")[0]
    '2019年北京亦庄政务微博与管理项目'
    >>> _about("双方就本合同有关事宜达成如下协议") is None, _about("双方就甲方采购乙方算力服务相关事宜达成如下协议") is None
    (True, True)
    >>> _about("双方就沙坪坝图书馆低压线路抢修服务 及有关事项按照招标文件要求及投标响应文件签订合同")[0]
    '沙坪坝图书馆低压线路抢修服务'
    >>> _about("双方经友好协商就（鲁南高铁QHZF-2标段菏泽东站电力远动设备）采购事宜达成一致，签订本合同")[0]
    '鲁南高铁QHZF-2标段菏泽东站电力远动设备'
    """
    matches = sorted([*_ABOUT_RE.finditer(text), *_ABOUT_BRACKET_RE.finditer(text)], key=lambda m: m.start())
    for m in matches:
        val = re.sub(r"\s+", "", nfkc(m.group("x")))
        if (
            len(val) < 4
            or re.match(r"^(?:本|上述|以下|下列|相关|有关)", val)
            or val.endswith(("合同", "协议"))
            # 「就甲方采购乙方算力服务相关事宜」: a sentence about the parties, not a subject
            or re.search(rf"{P.LABEL_ALT}|双方", val)
        ):
            continue
        return val, m.start("x"), m.end("x")
    return None


def _made(text: str) -> tuple[str, int, int] | None:
    """What the provider develops or makes for the buyer → (value, start, end).

    >>> _made("乙方将在甲方规定的时间内，根据甲方要求分三阶段为甲方开发电信计费系统。")[0]
    '电信计费系统开发'
    >>> _made("甲方有意愿将所开发的保险产品平台应用界面设计及VI设计委托给乙方制作完成。")[0]
    '保险产品平台应用界面设计及VI设计'
    >>> _made("双方经友好协商订立本合同") is None
    True
    """
    for m in _MAKES_RE.finditer(text):
        if _not_the_purchase(text, m.start()):
            continue
        g = "x" if m.group("x") else ("x2" if m.group("x2") else "x3")
        val = re.sub(r"\s+", " ", nfkc(m.group(g))).strip()
        val = re.sub(r"(?:等|相关|项目|工作)$", "", val)
        if len(val) < 3 or val.endswith(("合同", "协议")) or _NOT_BOUGHT_RE.search(val):
            continue  # 「为甲方开发软件并…」: a bare kind, not what is bought
        verb = m.group("verb") if g == "x" else None
        if verb in _DEV_VERBS and not val.endswith(verb):
            val += verb
        return val, m.start(g), m.end(g)
    return None


def _provided(text: str) -> tuple[str, int, int] | None:
    """The object of the provider's verb in ``text`` → (value, start, end).

    >>> _provided("乙方向甲方提供人工智能算力技术服务，配置NVIDIA A100 GPU 48卡")[0]
    '人工智能算力技术服务'
    >>> _provided("供应商向采购方提供GPU智算云服务，用于大模型预训练，按月计费")[0]
    'GPU智算云服务,用于大模型预训练'
    >>> _provided("双方经友好协商订立本合同") is None, _provided("乙方为甲方提供服务应达到以下标准：") is None
    (True, True)
    >>> _provided("甲方向乙方采购生产用设备一批(具体型号、规格、数量见附件)")[0]
    '生产用设备一批'
    >>> _provided("乙方向甲方购买下列产品/服务，双方协商一致") is None
    True
    >>> _provided("甲方有意向乙方采购巴西混合粉矿(Brazilian Blend Fines, BBF)设备/材料")[0]
    '巴西混合粉矿(Brazilian Blend Fines, BBF)'
    """
    offers = _offers(text)
    return _offered(text, offers[0]) if offers else None


def _offered(text: str, m: re.Match[str]) -> tuple[str, int, int] | None:
    """What an offer sentence matched at ``m`` provides or buys → (value, start, end)."""
    val = re.sub(r"\s+", " ", nfkc(m.group("x"))).strip()
    val = re.sub(r"(?:等|相关|事宜)$", "", val)  # 「就乙方为甲方提供X服务事宜，订立本合同」
    if re.search(r"(?:应|须|需|必须)(?:达到|符合|满足|按照|遵守)|以下|如下|下列|上述", val):
        return None  # 「乙方为甲方提供服务应达到以下标准」: a requirement, not what is bought
    if len(val) < 2 or val.endswith(("合同", "协议")):
        return None
    end = m.start("x") + len(m.group("x"))
    latin = _LATIN_BRACKET_RE.match(text, end)
    if latin:
        val += nfkc(latin.group(0))
        end = latin.end()
    purpose = re.match(r"\s*[，,]\s*(用于[^，,。；;\n]{2,40})", text[end:])
    if purpose:
        # what it is for belongs to the content: 「GPU智算云服务，用于大模型预训练…」
        val = f"{val},{nfkc(purpose.group(1)).strip()}"
        end += purpose.end()
    return val, m.start("x"), end


_ENUMERATOR_RE = re.compile(
    r"^\s*(?:\d{1,2}(?:[.．]\d{1,2})+\s+|\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,2}\s*[)）]|[一二三四五六七八九十]{1,2}、)\s*"
)


def without_enumerator(out: dict[str, FieldValue], key: str) -> None:
    """A value without the clause number it was printed after (「1. 甲乙双方共同成立新公司」).

    >>> from models.contract import FieldValue as F
    >>> o = {"k": F(value="1. 甲乙双方共同成立新公司", page=1, confidence=0.9, method="ocr")}
    >>> without_enumerator(o, "k"); o["k"].value
    '甲乙双方共同成立新公司'
    >>> o = {"k": F(value="2024年度算力服务", page=1, confidence=0.9, method="ocr")}
    >>> without_enumerator(o, "k"); o["k"].value
    '2024年度算力服务'
    >>> o = {"k": F(value="1.1 甲方向乙方采购生产用设备一批", page=1, confidence=0.9, method="ocr")}
    >>> without_enumerator(o, "k"); o["k"].value
    '甲方向乙方采购生产用设备一批'
    >>> o = {"k": F(value="12.5万卡时算力", page=1, confidence=0.9, method="ocr")}
    >>> without_enumerator(o, "k"); o["k"].value
    '12.5万卡时算力'
    """
    fv = out.get(key)
    if fv is None or not isinstance(fv.value, str):
        return
    rest = _ENUMERATOR_RE.sub("", fv.value, count=1)
    if rest != fv.value and len(rest) >= 2:
        out[key] = fv.model_copy(update={"value": rest})


_CONTRACT_ENDINGS = ("合同", "协议", "合同书", "协议书")  # a title, not what is bought


def service_content(doc: Doc, out: dict[str, FieldValue]) -> None:
    _service_content_labelled(doc, out)
    fv = out.get("service_content")
    text = doc.stream.text
    if fv is not None and not str(fv.value).endswith(_CONTRACT_ENDINGS):
        head = re.match(r"([^:：，,。；;]{2,30})[:：]", str(fv.value))
        if head and not re.search(r"包括|如下|为|是", head.group(1)):
            # 「模型训练算力技术服务：乙方为甲方提供…」: the content is named before its details
            out["service_content"] = fv.model_copy(update={"value": head.group(1).strip()})
            return
        got = _provided(str(fv.value))
        if got is not None:
            # a labelled sentence that says who provides what: keep what is provided
            out["service_content"] = fv.model_copy(update={"value": got[0]})
            return
        named = re.search(r"(?:为|是)[:：]\s*(?P<x>[^:：]{4,60})$", str(fv.value))
        if named:
            # 「甲方委托乙方开发的软件产品（以下简称：软件）为：隆泽丰投移动APP及后台管理系统」
            out["service_content"] = fv.model_copy(update={"value": named.group("x").strip()})
        return
    # the first sentence saying what the provider provides or makes for the buyer; a
    # relative clause 「由乙方向甲方提供的…」 (a definition) is not that sentence
    found: list[tuple[int, str, int, int]] = []
    flat, pos = joined(doc, 0, len(text))  # the object may wrap: 「提供广东人社“湾」 / 「区技能+”…」
    recital: tuple[int, str, int, int] | None = None
    for m in _offers(flat):
        got = _offered(flat, m)
        if got is None or _NOT_BOUGHT_RE.search(got[0]) or _buyer_provides(m):
            continue
        a, b = got[1], got[2]
        if not _not_the_purchase(flat, m.start()):
            found.append((pos[m.start()], got[0], pos[a], pos[b - 1] + 1))
            break
        if recital is None and not _relative_clause(flat, m.start()):
            # 「鉴于甲方有意向乙方采购X」: the recital says what is bought when no article does
            recital = (pos[m.start()], got[0], pos[a], pos[b - 1] + 1)
    got = _made(text)
    if got is not None:
        found.append((got[1], *got))
    about = _about(flat)  # the preamble's subject, when it comes before any such sentence
    if about is not None:
        found.append((pos[about[1]], about[0], pos[about[1]], pos[about[2] - 1] + 1))
    if not found and recital is not None:
        found.append(recital)
    if found:
        _pos, val, a, b = min(found)
        out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
        return
    if fv is None:
        # no label, no sentence saying what is provided: a sentence naming compute services
        _content_words_sentence(doc, out)
        fv = out.get("service_content")
        if fv is not None and not str(fv.value).endswith(_CONTRACT_ENDINGS):
            got = _provided(str(fv.value))
            if got is not None:
                out["service_content"] = fv.model_copy(update={"value": got[0]})
            return
    if fv is not None and str(fv.value).endswith(_CONTRACT_ENDINGS):
        rest = re.sub(r"(?:合同|协议)书?$", "", str(fv.value))
        if len(rest) >= 8 and rest.endswith(("项目", "服务", "工程", "系统")):
            # a labelled project name run into the next line's 「合同」: the project is bought
            out["service_content"] = fv.model_copy(
                update={"value": rest, "confidence": min(fv.confidence, 0.7)}
            )
            return
        del out["service_content"]  # the contract's title is not what it buys
    title = out.get("title")
    if "service_content" not in out and title is not None:
        # last resort: the title names what is bought (「电信计费系统开发合同」)
        obj = re.sub(r"(?:技术服务|服务|委托|购销|销售|采购|合作)?(?:合同书?|协议书?)$", "", str(title.value))
        obj = re.sub(r"[-—_ ]+$", "", obj).strip()
        specific = re.sub(
            r"技术|服务|软件|开发|设计|采购|销售|购销|委托|合作|项目|产品|框架|买卖|租赁|[-—_ ]", "", obj
        )
        if len(obj) >= 4 and obj != str(title.value) and len(specific) >= 2:  # not a bare kind (软件开发)
            out["service_content"] = title.model_copy(
                update={"value": obj, "confidence": min(title.confidence, 0.5)}
            )


def _service_content_labelled(doc: Doc, out: dict[str, FieldValue]) -> None:
    """What is bought: the sentence after a content label — ``服务内容：…`` at a line
    start, then ``服务内容为…`` inside prose, then a heading (``一、服务内容``) whose
    paragraph follows — else the first sentence that names compute services."""
    text = doc.stream.text
    headings: list[int] = []
    for in_prose, hits in (
        (False, label_hits(doc, _CONTENT_LABELS, line_start=True, need_sep=True)),
        (True, label_hits(doc, _CONTENT_LABELS[:5], need_sep=True)),
    ):
        for _s, e, _lab in hits:
            nl = text.find("\n", e)
            nl = len(text) if nl < 0 else nl
            if not text[e:nl].strip():
                if text[e - 1] not in ":：为是":
                    headings.append(nl + 1)  # a heading: its paragraph follows
                    continue
                # 「项目名称：」 with its value OCR'd as a line of its own to the right
                ref = doc.refs[doc.stream.ref_at(e - 1)]
                right = [x for x in L.right_of(ref, doc.refs) if (id(x.page), x.index) in doc.pos]
                if right:
                    got = _content_at(doc, doc.stream.starts[doc.k(right[0])])
                    if got is not None:
                        val, a, b = got
                        out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
                        return
                continue  # "项目名称：" left blank
            if in_prose and text[e - 1 : e] not in ("为", "是", ":", "："):
                continue
            got = _content_at(doc, e)
            if got is not None:
                val, a, b = got
                out["service_content"] = field(val, doc.stream.span(a, b))
                return
    for pos in headings:
        hm = re.match(r"[ \t]*([^:：，,。；;\n]{2,30})[:：]", text[pos:])
        if hm and re.search(r"服务|算力|租赁|云", hm.group(1)) and not re.search(r"包括|如下", hm.group(1)):
            # the heading's paragraph names the content before its details: 「GPU算力租赁服务：乙方负责…」
            a = pos + hm.start(1)
            out["service_content"] = field(hm.group(1).strip(), doc.stream.span(a, a + len(hm.group(1))), 0.1)
            return
        if pos < len(text):
            got = _content_at(doc, pos)
            if got is not None and len(got[0]) <= 6 and not _CONTENT_WORDS.search(got[0]):
                got = None  # a table's header row (产品名称 | 配置说明 | 数量), not a paragraph
            if got is not None and _SUBHEADING_RE.match(got[0]):
                got = None  # 「第二条 服务内容」 / 「一、常态化服务内容」: a sub-heading, not content
            if got is not None:
                val, a, b = got
                out["service_content"] = field(val, doc.stream.span(a, b), 0.1)
                return


def _content_words_sentence(doc: Doc, out: dict[str, FieldValue]) -> None:
    """Last resort: the first sentence that names compute services (算力, GPU, 云主机 …)."""
    text = doc.stream.text
    m = _CONTENT_WORDS.search(text)
    if m:
        s = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        got = _content_at(doc, s)
        if got is not None:
            val, a, b = got
            out["service_content"] = field(val, doc.stream.span(a, b), 0.2)

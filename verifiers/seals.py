"""Seal rules (印章): the applicant's seal on the copies the policy lists, both parties' seals on a
contract, the seller's 发票专用章 on a paper or older invoice.

Seals come from the reading layer (``Document.seals``, see :mod:`extractor.seals`): box, shape,
colour confidence and the text read along the ring (and the tax number across the middle of a
发票专用章). ``Document.seals is None`` means the document's pages were not searched: a docx
original, an OFD or XML e-invoice — those carry no seal by nature, so no finding is made.

A seal *names* a company when its ring text is close to that name (rapidfuzz ratio of the
normalised names ≥ ``policy.seals.name_match``; OCR of curved text drops or changes a
character or two). It *names another company* only when it is read confidently and is far from
every expected name. Seals of authorities and banks (登记机关, 监制章, 回单章) are set aside.
Anything in between — an unreadable ring, a pale or grey seal that may be a copy's — is
``review``. Every finding carries the seal boxes as evidence, so the review page highlights them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractor.normalize.names import normalize_name
from models.contract import Document, EvidenceRef, Finding
from models.page import Seal
from verifiers.base import RuleContext, as_text, doc_label, ref, rule

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ORG_END = re.compile(r"(公司|事务所|中心|厂|店|院|社|所|部|行|局|会|馆|集团|合伙\)?)$")


_LEGAL_FORM = re.compile(r"(股份有限公司|有限责任公司|有限公司|公司|集团)")


def _core(name: str) -> str:
    """A name without its legal form (有限公司 …), which every company shares: the rest decides."""
    return _LEGAL_FORM.sub("", name) or name


def seal_score(seal_text: str, name: str | None) -> float:
    """How closely a seal's ring text names ``name`` (0-100).

    OCR noise at either end of the ring (a character of the centre word, a stray mark) is
    tolerated: when the text is longer than the name, the best-aligned part of it counts.

    >>> seal_score("州智算科技有限公司", "泉州智算科技有限公司") >= 90
    True
    >>> seal_score("泉州智算科技有限公司与回", "泉州智算科技有限公司")
    100.0
    >>> seal_score("北京智算云科技有限公司", "泉州智算科技有限公司") < 82
    True
    """
    if not seal_text or not name:
        return 0.0
    t, n = _core(normalize_name(seal_text)), _core(normalize_name(name))
    if not t or not n:
        return 0.0
    score = float(fuzz.ratio(n, t))
    if len(t) > len(n):
        score = max(score, float(fuzz.partial_ratio(n, t)))
    return round(score, 1)


def partial_reading(seal_text: str, name: str | None, min_share: float = 0.6) -> bool:
    """A partial but unambiguous reading of ``name``: most of its characters (without the
    legal form) found in order, every difference a single character here and there (a
    misread or lost character of curved text), never a different word.

    >>> partial_reading("贵安教智冀力有限公司", "贵安数智算力有限公司")
    True
    >>> partial_reading("泉州丰泽慧联网络有限公司", "泉州丰泽慧联软件有限公司")
    False
    >>> partial_reading("贵阳数智云计算有限公司", "贵安数智算力有限公司")
    False
    """
    if not seal_text or not name:
        return False
    t, n = _core(normalize_name(seal_text)), _core(normalize_name(name))
    ops = Levenshtein.opcodes(n, t)
    same = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    if same < max(3, min_share * len(n)):
        return False
    inner = [op for op in ops if op.tag != "equal"]
    # extra characters read before or after the name (a mark, the bottom word) do not count
    if inner and inner[0].src_start == 0 and inner[0].tag == "insert":
        inner = inner[1:]
    if inner and inner[-1].src_end == len(n) and inner[-1].tag == "insert":
        inner = inner[:-1]
    return all(max(op.src_end - op.src_start, op.dest_end - op.dest_start) <= 1 for op in inner)


def is_authority(seal: Seal, words: tuple[str, ...]) -> bool:
    """A seal of an authority or a bank (登记机关, 监制章, 回单章)."""
    blob = f"{seal.text}{seal.center_text}"
    return any(w in blob for w in words)


# Characters OCR confuses on the condensed tax number of a 发票专用章, folded to one class.
_CODE_FOLD = str.maketrans("IJL|OQDZSBG", "11110002586")


def _seal_code(value: str | None) -> str | None:
    """A tax number as read or declared: upper case, letters and digits only, confusable
    characters folded (a seal's code is compared as OCR sees it, not validated)."""
    if not value:
        return None
    code = re.sub(r"[^0-9A-Z|]", "", str(value).upper()).translate(_CODE_FOLD)
    return code or None


def tax_id_distance(read: str | None, expected: str | None) -> int | None:
    """Edit distance of the tax number read off a seal to the expected one, after folding
    the characters OCR confuses (I/J/1, O/0, Z/2 …); None when either is missing.

    >>> tax_id_distance("1440305MA805MD65901", "91440305MA805MD659")
    1
    """
    a, b = _seal_code(read), _seal_code(expected)
    if not a or not b:
        return None
    if len(a) <= len(b):
        return Levenshtein.distance(a, b)
    # a longer reading carries marks of the curved text at its ends: the best-aligned window
    return min(
        Levenshtein.distance(a[i : i + n], b)
        for n in range(len(b) - 1, len(b) + 2)
        for i in range(0, len(a) - n + 1)
    )


def tax_id_matches(read: str | None, expected: str | None, slips: int = 1) -> bool | None:
    """The tax number read off a 发票专用章 against the expected one (``slips`` OCR errors
    allowed; a reading that lost only characters at its ends, 14 or more left, agrees too);
    None when either is missing.

    >>> tax_id_matches("1440305MA805MD65", "91440305MA805MD659")
    True
    >>> tax_id_matches("1440305MA805MD66", "91440305MA805MD659")
    False
    """
    d = tax_id_distance(read, expected)
    if d is None:
        return None
    a, b = _seal_code(read) or "", _seal_code(expected) or ""
    return d <= slips or (len(a) >= 14 and a in b)


def tax_id_differs(read: str | None, expected: str | None, min_diff: int = 4) -> bool:
    """A complete tax number (15-20 characters) read off the seal that differs from the
    expected one in ``min_diff`` or more characters: another number, not an OCR slip."""
    d = tax_id_distance(read, expected)
    return d is not None and 15 <= len(_seal_code(read) or "") <= 20 and d >= min_diff


# Ring text read with at least this OCR confidence is taken as read exactly: a complete name
# so read that is not the expected one is another company, not a partial reading.
SURE_TEXT = 0.95


def _org_like(text: str) -> bool:
    """Ring text that reads as an organisation's full name: six Chinese characters or more,
    ending like one, with at least four before the legal form (place + trade name; fewer is
    a name read in part)."""
    norm = normalize_name(text)
    return (
        len(_CJK.findall(text)) >= 6 and bool(_ORG_END.search(norm)) and len(_CJK.findall(_core(norm))) >= 4
    )


def _sure_and_complete(seal: Seal, name: str | None) -> bool:
    """The ring read surely and as long as the name (nothing lost at its ends)."""
    if not name or seal.text_confidence < SURE_TEXT:
        return False
    return len(_core(normalize_name(seal.text))) >= len(_core(normalize_name(name)))


def _differs_by_a_word(text: str, name: str | None) -> bool:
    """Whether ``text`` differs from ``name`` by a block of two or more characters (网络 for
    软件: another word, another company), not only by single characters here and there (the
    slips of an OCR reading curved text)."""
    if not name:
        return False
    t, n = _core(normalize_name(text)), _core(normalize_name(name))
    for op in Levenshtein.opcodes(n, t):
        if op.tag != "equal" and max(op.src_end - op.src_start, op.dest_end - op.dest_start) >= 2:
            return True
    return False


@dataclass
class SealVerdict:
    """What one document's seals say about one expected name."""

    kind: str  # named | other | unsure | pale | none
    seal: Seal | None = None
    score: float = 0.0
    others: tuple[Seal, ...] = ()


def seal_ref(doc: Document, seal: Seal, field: str = "seal") -> EvidenceRef:
    """Evidence pointing at a seal's box (the review page highlights it)."""
    return EvidenceRef(
        file=doc.file,
        page=seal.page if seal.page is not None else (doc.pages[0] if doc.pages else None),
        field=field,
        value=seal.text or None,
        bbox=[float(v) for v in seal.box],
    )


def judge(
    ctx: RuleContext,
    doc: Document,
    name: str | None,
    rivals: tuple[str | None, ...] = (),
    pages: list[int] | None = None,
) -> SealVerdict:
    """Does ``doc`` carry a seal naming ``name``? ``rivals`` are the other names a seal on this
    document may legitimately bear (the other party of a contract): a seal closer to a rival
    is that rival's, not a wrong seal."""
    sp = ctx.policy.seals
    seals = [
        s
        for s in (doc.seals or [])
        if not is_authority(s, sp.authority_words) and (pages is None or s.page in pages)
    ]
    if not seals:
        return SealVerdict("none")
    scored = []
    for s in seals:
        own = seal_score(s.text, name)
        best_rival = max((seal_score(s.text, r) for r in rivals if r), default=0.0)
        scored.append((s, own, best_rival))
    mine = [x for x in scored if x[1] >= sp.name_match and x[1] >= x[2]]
    if mine:
        s, sc, _ = max(mine, key=lambda x: (x[0].colour_confidence >= sp.min_colour_confidence, x[1]))
        kind = "named" if s.colour_confidence >= sp.min_colour_confidence else "pale"
        return SealVerdict(kind, s, sc)
    # a seal closer to a rival than to ``name`` (and close enough to be its, misread) is the
    # rival's: set aside, never a wrong seal
    rest = [x for x in scored if not (x[2] >= sp.other_below and x[2] > x[1])]
    if not rest:
        return SealVerdict("none", others=tuple(x[0] for x in scored))
    wrong = [
        x
        for x in rest
        if _org_like(x[0].text)
        and (
            (x[0].text_confidence >= sp.min_text_confidence and x[1] < sp.other_below)
            # read surely and completely, yet not the name: another company (泉州丰泽慧联网络
            # for 泉州丰泽慧联软件), not a slip of the OCR
            or (
                _sure_and_complete(x[0], name)
                and x[1] < sp.name_match
                and _differs_by_a_word(x[0].text, name)
            )
        )
    ]
    if wrong:
        s, sc, _ = max(wrong, key=lambda x: x[0].text_confidence)
        return SealVerdict("other", s, sc)
    s, sc, riv = max(rest, key=lambda x: x[1])
    if (
        (sc >= sp.weak_match or partial_reading(s.text, name))
        and sc > riv
        and s.colour_confidence >= sp.min_colour_confidence
    ):
        # curved text of a scan read in part (a character or two lost or misread here and there)
        return SealVerdict("named", s, sc)
    return SealVerdict("unsure", s, sc, others=tuple(x[0] for x in rest))


def _partial(v: SealVerdict) -> str:
    return "" if v.score >= 82 else f"，部分识别，相似度 {v.score:.0f}"


def _not_examined(doc: Document) -> bool:
    """Originals that carry no seal by nature, or pages never searched for one."""
    if doc.seals is None or doc.method in ("docx", "structured"):
        return True
    return doc.file.lower().endswith((".ofd", ".xml", ".docx"))


def _missing(
    ctx: RuleContext, rid: str, status: str, msg: str, doc: Document, verdict: SealVerdict
) -> Finding:
    ev = [EvidenceRef(file=doc.file, page=doc.pages[0] if doc.pages else None, field="seal")]
    ev += [seal_ref(doc, s) for s in verdict.others]
    return ctx.finding(rid, status, msg, ev)  # type: ignore[arg-type]


# ------------------------------------------------------------------ rules


@rule(
    "evidence.applicant_seal",
    name="复印件加盖申报单位公章",
    summary="政策列出的复印件（营业执照、承诺书、PDF/扫描的申报表）盖有申报单位公章",
)
def applicant_seal(ctx: RuleContext) -> list[Finding]:
    """「上述材料复印件均需加盖申报单位公章」: the copies the policy lists (2024: 营业执照复印件,
    承诺书, a 申报表 submitted as PDF or scan) carry the applicant's seal.

    Absent → the policy's missing status (``warn``); a seal naming another company → ``fail``;
    undecidable (unreadable ring text, a pale or grey seal) → ``review``; docx originals and
    OFD/XML carry no seal by nature: no finding.
    """
    rid = "evidence.applicant_seal"
    sp = ctx.policy.seals
    name = ctx.applicant.name
    out: list[Finding] = []
    for dt in sp.applicant_seal_doc_types:
        for d in ctx.docs(dt):
            if _not_examined(d):
                continue
            label = doc_label(d)
            if not name:
                out.append(ctx.finding(rid, "review", f"{label}：未识别申报单位名称，无法核对所盖公章", []))
                continue
            v = judge(ctx, d, name)
            if v.kind == "named":
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{label}：加盖申报单位公章（印章文字“{v.seal.text}”与 {name} 相符{_partial(v)}）",
                        [seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "pale":
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{label}：印章文字与 {name} 相符，但印章颜色无法确认为红色（颜色置信度 "
                        f"{v.seal.colour_confidence:.2f}），可能为复印件上的印章，请人工核对是否加盖公章原印",
                        [seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "other":
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{label}：所盖印章为“{v.seal.text}”，不是申报单位 {name} 的公章"
                        "（上述材料复印件均需加盖申报单位公章）",
                        [seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "unsure":
                grey = v.seal.colour == "grey" or v.seal.colour_confidence < sp.min_colour_confidence
                why = "印章为灰色或颜色很淡（可能为复印件）" if grey else "印章文字无法可靠识别"
                read = f"，识别为“{v.seal.text}”" if v.seal.text else ""
                # where the policy does not require the seal (missing → pass), an unreadable seal
                # (on a licence: usually the 登记机关's) is noted, not sent to review
                # (a grey or pale seal is different: whether the copy was stamped cannot be seen)
                required = grey or sp.missing_for(dt) != "pass"
                out.append(
                    ctx.finding(
                        rid,
                        "review" if required else "pass",
                        f"{label}：发现印章但{why}{read}，"
                        + (
                            f"请人工核对是否加盖 {name} 公章"
                            if required
                            else "本政策对该类材料未盖章不作要求，仅作提示"
                        ),
                        [seal_ref(d, s) for s in (v.others or (v.seal,))],
                    )
                )
            else:
                status = sp.missing_for(dt)
                note = (
                    "（本政策对该类材料未盖章不作要求，仅作提示）"
                    if status == "pass"
                    else "（上述材料复印件均需加盖申报单位公章）"
                )
                out.append(_missing(ctx, rid, status, f"{label}：未发现申报单位 {name} 的公章{note}", d, v))
    return out


@rule(
    "contract.party_seals",
    name="合同双方盖章",
    summary="合同每一方都盖有本单位的章，章上名称与该方一致",
)
def party_seals(ctx: RuleContext) -> list[Finding]:
    """「与算力服务公司签订的合同以及付款凭证」, 合同（双方盖章） as CONTRACT §6 puts it: each
    party of a contract has its seal on the contract, and the seal names that party. A party without a seal → the policy's missing status (``warn``); a seal
    naming neither party → ``fail``; an unreadable or pale seal → ``review``. A contract
    submitted as docx carries no seal by nature: no finding."""
    rid = "contract.party_seals"
    sp = ctx.policy.seals
    out: list[Finding] = []
    for d in ctx.docs("contract"):
        if _not_examined(d):
            continue
        label = doc_label(d)
        parties = [
            (role, as_text(d.fields.get(k)), k)
            for role, k in (("甲方（买方）", "buyer_name"), ("乙方（卖方）", "seller_name"))
            if as_text(d.fields.get(k))
        ]
        if not parties:
            out.append(ctx.finding(rid, "review", f"{label}：未识别合同双方名称，无法核对双方盖章", []))
            continue
        names = tuple(n for _, n, _ in parties)
        verdicts = [judge(ctx, d, n, rivals=tuple(x for x in names if x != n)) for _, n, _ in parties]
        own_seals = [s for s in (d.seals or []) if not is_authority(s, sp.authority_words)]
        for (role, name, key), v in zip(parties, verdicts, strict=True):
            ev = [ref(d, key)]
            others_named = [w.seal for w in verdicts if w is not v and w.kind == "named"]
            if (
                v.kind == "unsure"
                and sp.presume_party_seal
                and len(parties) == 2
                and len(own_seals) == 2
                and len(others_named) == 1
                and v.seal is not others_named[0]
                and v.seal.colour == "red"
                and v.seal.colour_confidence >= sp.min_colour_confidence
            ):
                # two parties, two red seals, one names the other party: this one is taken as
                # this party's (its curved text could not be read, e.g. on a blurred scan)
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{label}：{role} {name} 处有红色印章，文字未能可靠识别（识别为“{v.seal.text}”），"
                        "另一枚印章为对方印章，推定为本方盖章",
                        [*ev, seal_ref(d, v.seal)],
                    )
                )
                continue
            if v.kind == "named":
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{label}：{role} {name} 已盖章（印章“{v.seal.text}”）",
                        [*ev, seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "pale":
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{label}：{role} {name} 的印章颜色无法确认为红色（颜色置信度 {v.seal.colour_confidence:.2f}），"
                        "可能为复印件，请人工核对",
                        [*ev, seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "other":
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{label}：合同上的印章“{v.seal.text}”不是合同任何一方的印章，未见{role} {name} 的印章"
                        "（合同须双方盖章）",
                        [*ev, seal_ref(d, v.seal)],
                    )
                )
            elif v.kind == "unsure":
                read = f"（识别为“{v.seal.text}”）" if v.seal.text else ""
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{label}：有印章无法可靠识别{read}，请人工核对{role} {name} 是否盖章",
                        [*ev, *(seal_ref(d, s) for s in (v.others or (v.seal,)))],
                    )
                )
            else:
                out.append(
                    ctx.finding(
                        rid,
                        sp.party_seal_missing_status,
                        f"{label}：未发现{role} {name} 的印章（合同须双方盖章）",
                        [*ev, *(seal_ref(d, s) for s in v.others)],
                    )
                )
    return out


_SHUDIAN = re.compile(r"^电子发票|全电|数电")


def _expects_seller_seal(d: Document) -> bool:
    """Paper invoices and the older 增值税电子发票 (with a 发票代码) carry the seller's 发票专用章;
    数电票 (电子发票（…）, no 发票代码) and OFD/XML files do not."""
    if _not_examined(d):
        return False
    kind = as_text(d.fields.get("invoice_kind"))
    if kind and _SHUDIAN.search(kind):
        return False
    if as_text(d.fields.get("invoice_code")):
        return True
    return bool(kind) and "增值税" in kind


_PARTY_FIELDS = ("buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id")


def _header_seals(d: Document) -> list[Seal]:
    """Seals of an invoice whose centre lies above every party field of their page: the
    全国统一发票监制章 printed in the form's header (the seller stamps its 发票专用章 by its own
    block or the 备注, never above the buyer)."""
    tops: dict[int | None, float] = {}
    for k in _PARTY_FIELDS:
        f = d.fields.get(k)
        if f is not None and f.bbox:
            tops[f.page] = min(tops.get(f.page, f.bbox[1]), f.bbox[1])
    out = []
    for s in d.seals or []:
        top = tops.get(s.page)
        if top is not None and (s.box[1] + s.box[3]) / 2 < top:
            out.append(s)
    return out


@rule(
    "invoice.seller_seal",
    name="发票盖有销售方发票专用章",
    summary="纸质/旧版发票盖有销售方发票专用章，章上名称和税号与销售方一致（数电票不检查）",
)
def seller_seal(ctx: RuleContext) -> list[Finding]:
    """A paper or older (pre-数电) invoice carries the seller's 发票专用章 naming the seller, with
    the seller's tax number across it. Missing → the policy's status (``warn``); a 发票专用章 of
    another company, or with the seller's name but another complete tax number (four or more
    characters apart after folding OCR confusions) → ``fail``; unreadable, pale, or a tax
    number a few characters off → ``review``.
    No finding for 数电票, OFD or XML invoices (no seal by nature). No notice clause: an invoice
    without its seller's seal is not a valid paper invoice (《发票管理办法》第二十二条)."""
    rid = "invoice.seller_seal"
    sp = ctx.policy.seals
    out: list[Finding] = []
    for d in ctx.docs("invoice"):
        if not _expects_seller_seal(d):
            continue
        label = doc_label(d)
        seller = as_text(d.fields.get("seller_name"))
        tax = as_text(d.fields.get("seller_tax_id"))
        ev = [ref(d, "seller_name")] if seller else []
        if not seller and not tax:
            out.append(ctx.finding(rid, "review", f"{label}：未识别销售方，无法核对发票专用章", []))
            continue
        header = _header_seals(d)
        if header:  # the form's 监制章, printed in the header: never the seller's seal
            d = d.model_copy(update={"seals": [s for s in d.seals or [] if s not in header]})
        v = judge(ctx, d, seller) if seller else SealVerdict("none")
        # the tax number across the seal may identify the seller even when the ring is unreadable
        # (two OCR slips when the ring text also resembles the seller)
        by_tax = [
            s
            for s in (d.seals or [])
            if not is_authority(s, sp.authority_words)
            and (
                tax_id_matches(s.tax_id, tax)
                or (tax_id_matches(s.tax_id, tax, 2) and seal_score(s.text, seller) >= sp.other_below)
            )
        ]
        if v.kind != "named" and by_tax and by_tax[0].colour_confidence >= sp.min_colour_confidence:
            s = by_tax[0]
            out.append(
                ctx.finding(
                    rid,
                    "pass",
                    f"{label}：发票专用章上的税号 {s.tax_id} 与销售方 {tax} 相符",
                    [*ev, seal_ref(d, s, "seller_seal")],
                )
            )
            continue
        if v.kind == "named":
            s = v.seal
            ok = tax_id_matches(s.tax_id, tax)
            if tax_id_differs(s.tax_id, tax):
                out.append(
                    ctx.finding(
                        rid,
                        "fail",
                        f"{label}：发票专用章名称与销售方 {seller} 相符，但章上税号为 {s.tax_id}，"
                        f"与销售方税号 {tax} 不符（发票专用章须载明销售方名称及纳税人识别号）",
                        [*ev, seal_ref(d, s, "seller_seal")],
                    )
                )
            elif ok is False:
                out.append(
                    ctx.finding(
                        rid,
                        "review",
                        f"{label}：发票专用章名称与销售方 {seller} 相符，但章上税号识别为 {s.tax_id}，"
                        f"与销售方税号 {tax} 不一致，请人工核对",
                        [*ev, seal_ref(d, s, "seller_seal")],
                    )
                )
            else:
                extra = f"，章上税号（识别为 {s.tax_id}）与销售方税号 {tax} 相符" if ok else ""
                out.append(
                    ctx.finding(
                        rid,
                        "pass",
                        f"{label}：加盖销售方 {seller} 发票专用章{extra}",
                        [*ev, seal_ref(d, s, "seller_seal")],
                    )
                )
        elif v.kind == "pale":
            out.append(
                ctx.finding(
                    rid,
                    "review",
                    f"{label}：发票专用章颜色无法确认为红色（颜色置信度 {v.seal.colour_confidence:.2f}），"
                    "可能为复印件，请人工核对",
                    [*ev, seal_ref(d, v.seal, "seller_seal")],
                )
            )
        elif v.kind == "other":
            out.append(
                ctx.finding(
                    rid,
                    "fail",
                    f"{label}：发票专用章为“{v.seal.text}”，不是销售方 {seller or tax} 的印章",
                    [*ev, seal_ref(d, v.seal, "seller_seal")],
                )
            )
        elif v.kind == "unsure":
            read = f"（识别为“{v.seal.text}”）" if v.seal.text else ""
            out.append(
                ctx.finding(
                    rid,
                    "review",
                    f"{label}：发票上的印章无法可靠识别{read}，请人工核对是否为销售方 {seller or tax} 的发票专用章",
                    [*ev, *(seal_ref(d, s, "seller_seal") for s in (v.others or (v.seal,)))],
                )
            )
        else:
            out.append(
                ctx.finding(
                    rid,
                    sp.seller_seal_missing_status,
                    f"{label}：未发现销售方 {seller or tax} 的发票专用章",
                    [*ev, *(seal_ref(d, s, "seller_seal") for s in v.others)],
                )
            )
    return out

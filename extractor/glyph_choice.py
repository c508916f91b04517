"""Glyphs the OCR model was unsure of, chosen again with a language model.

The recogniser reads one line at a time and knows no words: 「机器设各及配件」 came out with
各 at 0.78 and 备 at 0.22 (:mod:`extractor.ocr_alts` keeps such runner-ups on the line). A
reader of Chinese sees at once that 设备 is a word and 设各 is not. This step does what that
reader does, as a noisy channel: at each unsure glyph, every glyph the model weighed is scored

    log P_ocr(glyph) + WEIGHT · (log P_words(the text around it) − log P_words(glyph alone))

where P_words is jieba's word-frequency model of general Chinese (its dictionary ships inside
the wheel: nothing is downloaded), the best segmentation's probability of a window of
``SPAN`` glyphs either side. The second term is what the glyph gains from its neighbours
(设备 is a word, 设各 is not), not how common the glyph is. The glyph with the best score is
kept when it beats the glyph read by ``MARGIN``; the place with the largest gain is decided
first. Only Han glyphs are exchanged for Han glyphs, and never numerals (大写 = 小写 decides
those). Letters and digits have no words to judge them by, and two checks of their own:

- a credit code that fails its check character takes the one runner-up reading whose check
  character holds (:func:`credit_codes`);
- in a word of capitals an unsure digit is the letter the model weighed, in a number an unsure
  letter is the digit (:func:`letters_and_digits`).

The page is the OCR's reading with the glyphs chosen anew: the lines keep their boxes, and
each changed line its text's length.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations, product
from typing import Any

from extractor.normalize.uscc import is_valid as valid_credit_code
from models.page import GlyphAlts, Line, Page

# how much the words count against the OCR model's own probabilities
WEIGHT = 1.0
# glyphs of context either side of the unsure one
SPAN = 4
# a choice must beat the glyph read by this much (log units) to replace it
MARGIN = 3.0

_HAN = re.compile(r"[\u4e00-\u9fff]")
# numerals, in words and in 大写: the words cannot tell 叁 from 参 in an amount; the amount's
# own checks do (大写 = 小写)
NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟萬億廿卅")
# units of money and dates: numerals' too when they stand by one (「12日」, 「叁仟元整」)
UNITS = frozenset("元圆圓角分整正年月日")


@lru_cache(maxsize=1)
def _model() -> Any:
    import jieba  # late: loading the dictionary takes a second

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()  # under jieba's own lock
    return tk


def words_logp(text: str) -> float:
    """The log probability of ``text`` under the best segmentation into dictionary words.

    >>> words_logp("机器设备及配件") > words_logp("机器设各及配件") + 5
    True
    """
    tk = _model()
    dag = tk.get_DAG(text)
    route: dict[int, tuple[float, int]] = {}
    tk.calc(text, dag, route)
    return route[0][0] if text else 0.0


def glyph_logp(glyph: str) -> float:
    """The log probability of ``glyph`` as a word of its own.

    The words' score of a window counts what the glyph adds *with its neighbours*: this is
    taken off, so that a rare glyph of a place's name (姚砦路) is not traded for a common one
    (姚岩路) only because the common one is common; the OCR model has weighed that already.
    """
    tk = _model()
    return math.log(tk.FREQ.get(glyph) or 1) - math.log(tk.total)


def choose(text: str, alts: list[GlyphAlts]) -> str:
    """``text`` with each unsure Han glyph replaced by the one the words and the OCR model
    together find likeliest.

    >>> from models.page import GlyphAlts
    >>> choose("研发、销售：机器设各及配件", [GlyphAlts(at=9, options=[("各", 0.78), ("备", 0.22)])])
    '研发、销售：机器设备及配件'

    A numeral is never exchanged (「贰万叁仟」 read with 参 and 任 as runner-ups stays):

    >>> choose("贰万叁仟元", [GlyphAlts(at=2, options=[("叁", 0.56), ("参", 0.44)])])
    '贰万叁仟元'

    A unit by a digit is a date's or an amount's; elsewhere it is a glyph like any other:

    >>> choose("2023年5月12曰", [GlyphAlts(at=9, options=[("曰", 0.6), ("日", 0.4)])])
    '2023年5月12曰'
    >>> choose("西湖区天日山路", [GlyphAlts(at=4, options=[("日", 0.839), ("目", 0.072)])])
    '西湖区天目山路'

    Of two unsure glyphs, the one whose runner-up gains most is taken first:

    >>> choose("有限资任公司", [GlyphAlts(at=1, options=[("限", 0.838), ("融", 0.019)]),
    ...                        GlyphAlts(at=2, options=[("资", 0.823), ("责", 0.173)])])
    '有限责任公司'

    A glyph read surely enough stays when the words do not clearly prefer another:

    >>> choose("成立日期", [GlyphAlts(at=1, options=[("立", 0.9), ("文", 0.1)])])
    '成立日期'
    """
    chars = list(text)
    open_ = {
        a.at: a
        for a in alts
        if a.at < len(chars) and chars[a.at] == a.options[0][0] and _judged(chars, a.at, chars[a.at])
    }
    # best gain first: 「有限资任公司」 takes 责 for 资 (有限责任) before 限 could take 融 (融资);
    # a change moves only the gains of the places whose window holds it
    best = {at: _best(chars, alt) for at, alt in open_.items()}
    while best:
        gain, at, glyph = max(best.values())
        if gain <= 0:
            break
        chars[at] = glyph
        del best[at]
        for near in [p for p in best if abs(p - at) <= SPAN]:
            best[near] = _best(chars, open_[near])
    return "".join(chars)


def _best(chars: list[str], alt: GlyphAlts) -> tuple[float, int, str]:
    """The best runner-up at ``alt``'s place: its gain over the glyph read (less ``MARGIN``)."""
    at = alt.at
    read = _score(chars, at, chars[at], alt.options[0][1]) + MARGIN
    best = (float("-inf"), at, chars[at])
    for glyph, p in alt.options[1:]:
        if _judged(chars, at, glyph) and (gain := _score(chars, at, glyph, p) - read) > best[0]:
            best = (gain, at, glyph)
    return best


def _score(chars: list[str], at: int, glyph: str, p: float) -> float:
    """How likely ``glyph`` at ``at`` is: the OCR model's probability and what the glyph gains
    from the words around it (``SPAN`` glyphs either side)."""
    window = "".join([*chars[max(0, at - SPAN) : at], glyph, *chars[at + 1 : at + SPAN + 1]])
    return math.log(max(p, 1e-6)) + WEIGHT * (words_logp(window) - glyph_logp(glyph))


def _judged(chars: list[str], at: int, glyph: str) -> bool:
    """Whether the words may judge ``glyph`` at ``at``: a Han glyph, not a numeral, and not a
    unit standing by a numeral or a digit."""
    if not _HAN.fullmatch(glyph) or glyph in NUMERALS:
        return False
    if glyph in UNITS or chars[at] in UNITS:
        near = chars[max(0, at - 1) : at] + chars[at + 1 : at + 2]
        return not any(c.isdigit() or c in NUMERALS for c in near)
    return True


# an 18-glyph credit code as OCR reads it (letters and digits, nothing around)
_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")
_CODE_GLYPH = re.compile(r"[0-9A-Z]")


# GB 11714 organisation code: weights of its eight body characters
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_valid(code: str) -> bool:
    """Whether characters 9-17 of a USCC, the organisation code (GB 11714), carry their own
    check character (the 17th). Every issued code does (all 780 real codes of the corpus).

    >>> org_code_valid("91410100MA46MC723F"), org_code_valid("914101008446MC723F"), org_code_valid("1")
    (True, False, False)
    """
    if len(code) != 18 or not re.fullmatch(r"[0-9A-Z]{9}", code[8:17]):
        return False
    body = zip(code[8:16], _ORG_WEIGHTS, strict=True)
    check = 11 - sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in body) % 11
    return code[16] == {10: "X", 11: "0"}.get(check, str(check))


def _org_part_changed(read: str, mended: str) -> bool:
    """Whether a mend changed the organisation code (characters 9-17) and left it unchecked."""
    return read[8:17] != mended[8:17] and not org_code_valid(mended)


def credit_codes(text: str, alts: list[GlyphAlts]) -> str:
    """``text`` with each credit code that fails its check character mended from the glyphs
    the model weighed: the one code, among those made by taking a runner-up at one or two
    unsure places, whose check character holds.

    >>> from models.page import GlyphAlts
    >>> credit_codes("代码 913707008631296941", [GlyphAlts(at=20, options=[("1", 0.6), ("D", 0.3)])])
    '代码 91370700863129694D'

    A reading whose organisation code (characters 9-17) fails its own check is no code, though
    its last character holds (「8A46」 mended to 「8446」; the code printed reads 「MA46」):

    >>> credit_codes("914101008A46MC723F", [GlyphAlts(at=9, options=[("A", 0.9), ("4", 0.1)])])
    '914101008A46MC723F'

    Of two readings that both hold, the one whose organisation code holds too is the code
    (86312969-4 does, 80312969-4 does not); two such readings leave the code as read:

    >>> credit_codes("913707008631296941", [GlyphAlts(at=17, options=[("1", 0.6), ("D", 0.3)]),
    ...                                     GlyphAlts(at=9, options=[("6", 0.6), ("0", 0.3)])])
    '91370700863129694D'
    """
    unsure = {a.at: [g for g, _ in a.options[1:] if _CODE_GLYPH.fullmatch(g)] for a in alts}
    out = text
    for m in _CODE.finditer(text):
        if valid_credit_code(m.group()):
            continue
        options = {at - m.start(): gs for at, gs in unsure.items() if m.start() <= at < m.end() and gs}
        found = {code for code in _readings(m.group(), options) if valid_credit_code(code)}
        # the organisation code inside (characters 9-17) has a check of its own: a reading
        # that breaks it is no issued code
        whole = {code for code in found if org_code_valid(code)}
        if len(whole) == 1 or (len(found) == 1 and not _org_part_changed(m.group(), next(iter(found)))):
            out = out[: m.start()] + (whole or found).pop() + out[m.end() :]
    return out


_RUN = re.compile(r"[0-9A-Za-z]+")
_CAPITAL, _DIGIT = re.compile(r"[A-Z]"), re.compile(r"[0-9]")
# letters and digits in groups one space apart (a code printed 「91350582 MAH0T4YHRT」)
_GROUPS = re.compile(r"[0-9A-Za-z]+(?: [0-9A-Za-z]+)*")


def letters_and_digits(text: str, alts: list[GlyphAlts]) -> str:
    """``text`` with an unsure digit among capital letters read as the letter the model weighed
    (「S0H0楼」 → SOHO), and an unsure capital letter among digits read as the digit
    (「1234S678」 → 12345678; a letter ending a number is a unit's, 「623C单元」): a word is one
    when the glyphs the model read surely are all capitals, a number when they are all digits.
    Letters and digits of 15 glyphs or more, in groups one space apart, are a code or a number
    with its own checks (:func:`credit_codes`): left as read.

    >>> from models.page import GlyphAlts
    >>> letters_and_digits("28-2号S0H0楼", [GlyphAlts(at=6, options=[("0", 0.85), ("O", 0.15)]),
    ...                                    GlyphAlts(at=8, options=[("0", 0.96), ("O", 0.04)])])
    '28-2号SOHO楼'
    >>> letters_and_digits("No 1234S678", [GlyphAlts(at=7, options=[("S", 0.7), ("5", 0.3)])])
    'No 12345678'
    >>> letters_and_digits("第六层623C单元", [GlyphAlts(at=6, options=[("C", 0.6), ("0", 0.4)])])  # kept
    '第六层623C单元'
    >>> letters_and_digits("RTX4090", [GlyphAlts(at=3, options=[("4", 0.7), ("A", 0.3)])])  # kept
    'RTX4090'
    >>> letters_and_digits("代码：91350582 MAH0T4YHRT", [GlyphAlts(at=15, options=[("0", 0.98), ("O", 0.02)])])
    '代码：91350582 MAH0T4YHRT'
    """
    chars = list(text)
    unsure = {a.at: a for a in alts if a.at < len(text) and text[a.at] == a.options[0][0]}
    for g in _GROUPS.finditer(text):
        if len(g.group().replace(" ", "")) >= 15:
            continue
        for m in _RUN.finditer(text, g.start(), g.end()):
            sure = [text[i] for i in range(m.start(), m.end()) if i not in unsure]
            if len(sure) < 2:
                continue
            if all("A" <= c <= "Z" for c in sure):  # a word in capitals: its digits are letters
                want, last = _CAPITAL, m.end()
            elif all(c.isdigit() for c in sure):  # a number: its letters are digits, but its last
                want, last = _DIGIT, m.end() - 1  # glyph may be a unit's letter (「623C单元」)
            else:
                continue
            for i in range(m.start(), last):
                if i in unsure and not want.fullmatch(text[i]):
                    chars[i] = next((a for a, _ in unsure[i].options[1:] if want.fullmatch(a)), chars[i])
    return "".join(chars)


# 大写 digits, and the glyphs that follow one in an amount in words
_CAPITAL_DIGITS = frozenset("零壹贰叁肆伍陆柒捌玖")
_CAPITAL_MULTIPLIERS = frozenset("拾佰仟万亿萬億")


def capital_digits(text: str, alts: list[GlyphAlts]) -> str:
    """``text`` with an unsure glyph right before a 大写 multiplier (拾佰仟万亿) read as the
    大写 digit the model weighed, where the glyph read is no numeral: 「查仟万元整」 with 壹
    the runner-up is 壹仟万元整. The words cannot judge numerals (:func:`choose` leaves
    them); their place can: before 仟 stands a digit.

    >>> from models.page import GlyphAlts
    >>> capital_digits("注册资本查仟万元整", [GlyphAlts(at=4, options=[("查", 0.7), ("壹", 0.292)])])
    '注册资本壹仟万元整'
    >>> capital_digits("肆拾拥万元", [GlyphAlts(at=2, options=[("拥", 0.588), ("捌", 0.305)])])
    '肆拾捌万元'
    >>> capital_digits("查仟万元", [GlyphAlts(at=0, options=[("查", 0.7), ("杳", 0.2)])])  # no digit weighed
    '查仟万元'
    >>> capital_digits("数万人次", [GlyphAlts(at=0, options=[("数", 0.9), ("叁", 0.05)])])  # 万人: no amount
    '数万人次'
    """
    chars = list(text)
    for a in alts:
        at = a.at
        if at + 1 >= len(text) or text[at] != a.options[0][0] or text[at] in NUMERALS:
            continue
        after = text[at + 1 : at + 3]
        if after[:1] not in _CAPITAL_MULTIPLIERS:
            continue
        # an amount goes on after the multiplier: a digit, another multiplier or its unit
        if after[1:2] and after[1] not in _CAPITAL_DIGITS | _CAPITAL_MULTIPLIERS | set("元圆整"):
            continue
        chars[at] = next((g for g, _p in a.options[1:] if g in _CAPITAL_DIGITS), chars[at])
    return "".join(chars)


def _readings(code: str, options: dict[int, list[str]]) -> Iterator[str]:
    """``code`` with a runner-up taken at one place, or at two, of ``options``."""
    for k in (1, 2):
        for places in combinations(sorted(options), k):
            for glyphs in product(*(options[p] for p in places)):
                chars = list(code)
                for p, g in zip(places, glyphs, strict=True):
                    chars[p] = g
                yield "".join(chars)


def _line(line: Line) -> Line:
    if not line.alts or line.method != "ocr":
        return line
    text = letters_and_digits(credit_codes(choose(line.text, line.alts), line.alts), line.alts)
    text = capital_digits(text, line.alts)
    return line if text == line.text else line.model_copy(update={"text": text})


def chosen_glyphs(pages: list[Page], skip: set[int] | frozenset[int] = frozenset()) -> list[Page]:
    """The pages with the unsure glyphs of their OCR lines chosen anew (pages numbered in
    ``skip`` as they are)."""
    out = []
    for page in pages:
        if page.number in skip or not any(ln.alts for ln in page.lines):
            out.append(page)
            continue
        out.append(page.model_copy(update={"lines": [_line(ln) for ln in page.lines]}))
    return out

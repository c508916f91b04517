"""Normalisers (extractor.normalize): tables of tricky real-world and OCR-ish strings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractor.normalize import (
    amount_in_words,
    compact_code,
    company_key,
    find_credit_codes,
    find_dates,
    find_id_numbers,
    find_money,
    find_phones,
    format_money,
    is_mobile,
    is_valid_credit_code,
    is_valid_id_number,
    mask_personal_data,
    normalize_credit_code,
    normalize_name,
    normalize_phone,
    normalize_tax_id,
    parse_date,
    parse_money,
    parse_period,
    split_branch,
    words_match,
)

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


@pytest.fixture(scope="module")
def manifest_text() -> str:
    path = REALDOCS / "MANIFEST.tsv"
    if not path.exists():
        pytest.skip(f"real documents not available at {REALDOCS}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ct03_text() -> str:
    path = REALDOCS / "contracts" / "ct03_epc-cement-line_filled_probably-synthetic.docx"
    if not path.exists():
        pytest.skip(f"real contract not available at {path}")
    from docx import Document

    d = Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


# --- money ------------------------------------------------------------------------------

MONEY_CASES = [
    ("¥360,000.00", "360000.00"),
    ("￥360000", "360000.00"),
    ("36万元", "360000.00"),
    ("36.5万", "365000.00"),
    ("叁拾陆万元整", "360000.00"),
    ("人民币伍拾肆万伍仟元", "545000.00"),
    ("壹拾万零伍佰元伍角", "100500.50"),
    ("360000元", "360000.00"),
    ("360,000.00元", "360000.00"),
    ("-100.00", "-100.00"),
    ("（负数）壹佰元整", "-100.00"),
    ("３６０，０００．００", "360000.00"),
    ("¥ 36 0,000.00", "360000.00"),
    ("壹佰万元整", "1000000.00"),
    ("叁仟零伍拾元零伍分", "3050.05"),
    ("拾万元", "100000.00"),
    ("贰亿", "200000000.00"),
    ("壹拾亿零伍仟贰佰万元整", "1052000000.00"),
    ("肆仟肆佰肆拾玖圆整", "4449.00"),
    ("伍仟元零角零分", "5000.00"),
    ("叁拾陆万元零伍分", "360000.05"),
    ("伍角", "0.50"),
    ("三十六万元", "360000.00"),
    ("（小写）¥4449.00", "4449.00"),
    ("价税合计（大写）：叁万伍仟伍佰伍拾玖圆陆角玖分", "35559.69"),
    ("100.00万元", "1000000.00"),
    ("1.2亿元", "120000000.00"),
    ("RMB 1,200.00", "1200.00"),
    ("(1,234.50)", "-1234.50"),
    ("4197.165", "4197.17"),
]


@pytest.mark.parametrize(("text", "expected"), MONEY_CASES)
def test_parse_money(text: str, expected: str) -> None:
    value = parse_money(text)
    assert value is not None, text
    assert format_money(value) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "12%", "2023年3月1日", "0595-28383879", "万元", "元", "36,0000.00", "abc", "叁拾陆万元整元"],
)
def test_parse_money_rejects(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    "amount",
    [
        "360000",
        "3050.05",
        "100500.5",
        "0.07",
        "1052000000",
        "4449",
        "35559.69",
        "10",
        "1001",
        "200000000",
        "0.5",
    ],
)
def test_amount_in_words_round_trip(amount: str) -> None:
    words = amount_in_words(Decimal(amount))
    assert re.fullmatch(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+", words), words
    assert parse_money(words) == Decimal(amount).quantize(Decimal("0.01"))
    assert words_match(words, Decimal(amount))
    assert not words_match(words, Decimal(amount) + Decimal("0.01"))


@pytest.mark.parametrize(
    ("words", "amount", "ok"),
    [
        ("叁拾陆万元整", "360000.00", True),
        ("叁拾陆万圆正", "360000", True),
        ("人民币叁拾陆万元", "360000", True),
        ("叁拾陆万元整", "36000", False),
        ("叁拾陆万伍仟元整", "360000", False),
        ("360000.00", "360000", False),
        ("", "0", False),
    ],
)
def test_words_match(words: str, amount: str, ok: bool) -> None:
    assert words_match(words, Decimal(amount)) is ok


def test_find_money_in_prose() -> None:
    text = "向北京智算云科技有限公司采购算力服务36万元，向泉州云谷数据有限公司采购存储服务12.5万元，合计人民币肆拾捌万伍仟元整。"
    found = find_money(text)
    assert [format_money(v) for v, _, _ in found] == ["360000.00", "125000.00", "485000.00"]
    assert [text[s:e] for _, s, e in found] == ["36万元", "12.5万元", "肆拾捌万伍仟元整"]


def test_find_money_negative_red_invoice() -> None:
    text = "红字金额-¥4,197.17，税额¥-251.83，合计-4449.00元"
    assert [v for v, _, _ in find_money(text)] == [
        Decimal("-4197.17"),
        Decimal("-251.83"),
        Decimal("-4449.00"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2023年3月1日签订",
        "税率13%，增长12.5%",
        "电话13812345678，座机0595-28383879",
        "代码91460300MAA92DJN95、913202133140424571",
        "发票号码24112000000048542163",
        "单位：万元",
        "金额：360000.00",
    ],
)
def test_find_money_ignores_non_money(text: str) -> None:
    assert find_money(text) == []


def test_find_money_real_contract(ct03_text: str) -> None:
    amounts = [v for v, _, _ in find_money(ct03_text)]
    # 合同总价 printed both as ¥1,052,000,000.00 and 壹拾亿零伍仟贰佰万元整
    assert amounts.count(Decimal("1052000000.00")) == 2
    # the four price components add up to the total
    assert sum(
        a for a in amounts if a in {Decimal(x) * 10000 for x in (57600, 33200, 12000, 2400)}
    ) == Decimal("1052000000.00")
    for value, start, end in find_money(ct03_text):
        assert parse_money(ct03_text[start:end]) == value


# --- dates ------------------------------------------------------------------------------

DATE_CASES = [
    ("2023年3月1日", date(2023, 3, 1)),
    ("2023-03-01", date(2023, 3, 1)),
    ("2023.3.1", date(2023, 3, 1)),
    ("2023/3/1", date(2023, 3, 1)),
    ("20230301", date(2023, 3, 1)),
    ("二〇二三年三月一日", date(2023, 3, 1)),
    ("二零二四年十二月三十一日", date(2024, 12, 31)),
    ("2023年03月01日", date(2023, 3, 1)),
    ("2023 年 3 月 1 日", date(2023, 3, 1)),
    ("２０２３年３月１日", date(2023, 3, 1)),
    ("2023-03-01 10:22:33", date(2023, 3, 1)),
    ("2024年05月28日 14时17分", date(2024, 5, 28)),
    ("开票日期：2024年05月28日", date(2024, 5, 28)),
    ("2024-02-29", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2023年2月30日", "2023-13-01", "2023-02-29", "12345678", "2023年3月", "明天", "0595-28383879"],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年1月1日至2023年12月31日", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2023.01.01-2023.12.31", (date(2023, 1, 1), date(2023, 12, 31))),
        ("自2023年3月1日起至2024年2月29日止", (date(2023, 3, 1), date(2024, 2, 29))),
        ("服务期限：2023-03-01 至 2024-02-29", (date(2023, 3, 1), date(2024, 2, 29))),
        ("2023年1月1日—2023年12月31日", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2023年1月1日至12月31日", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2023年1月1日", None),
        ("2023年1月1日签订，2023年5月1日验收", None),
        ("有效期：2021.11.26至长期", None),
    ],
)
def test_parse_period(text: str, expected: tuple[date, date] | None) -> None:
    assert parse_period(text) == expected


def test_find_dates_real_contract(ct03_text: str) -> None:
    found = find_dates(ct03_text)
    days = {d for d, _, _ in found}
    assert days == {date(2021, 12, 28), date(2021, 2, 2)}
    for d, start, end in found:
        assert parse_date(ct03_text[start:end]) == d


# --- credit codes -----------------------------------------------------------------------

REAL_CODES = ["91460300MAA92DJN95", "91110108690017781B", "913202133140424571", "91510000765055994P"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_valid(code: str) -> None:
    assert is_valid_credit_code(code)
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(" ".join([code[:6], code[6:12], code[12:]]).lower()) == code


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("9146O3OOMAA92DJN95", "91460300MAA92DJN95"),  # O for 0 in the division code
        ("9I11O1O869OO17781B", "91110108690017781B"),  # I for 1, O for 0
        ("9III0I0869OOI778IB", "91110108690017781B"),  # I read for every 1
        ("91110108690017781８", "91110108690017781B"),  # 8 for B in the check character
        ("9151OOOO765O55994P", "91510000765055994P"),
        ("９１４６０３００ＭＡＡ９２ＤＪＮ９５", "91460300MAA92DJN95"),  # full width
        ("91460300-MAA92DJN95", "91460300MAA92DJN95"),
    ],
)
def test_credit_code_ocr_repair(ocr: str, expected: str) -> None:
    assert normalize_credit_code(ocr) == expected


def test_credit_code_failing_check_stays_invalid(manifest_text: str) -> None:
    # 91500102563638729E is printed on a vendor TEST invoice (inv06) and fails GB 32100
    assert "91500102563638729E" in manifest_text
    assert not is_valid_credit_code("91500102563638729E")
    assert normalize_credit_code("91500102563638729E") == "91500102563638729E"
    assert normalize_credit_code("91350503MA2Y3K6W8B") == "91350503MA2Y3K6W8B"
    assert not is_valid_credit_code("91110108690017781C")


def test_credit_code_single_confusion_never_invents_a_code(manifest_text: str) -> None:
    """Every real code with one OCR confusion is repaired to itself or left as printed."""
    codes = {
        c
        for c in re.findall(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])", manifest_text)
        if is_valid_credit_code(c)
    }
    assert len(codes) >= 20
    confusions = {"0": "ODQ", "1": "IL", "2": "Z", "5": "S", "8": "B", "6": "G", "B": "8", "D": "0", "G": "6"}
    repaired = 0
    for code in codes:
        for i, ch in enumerate(code):
            for wrong in confusions.get(ch, ""):
                bad = code[:i] + wrong + code[i + 1 :]
                out = normalize_credit_code(bad)
                assert out in (code, bad), (code, bad, out)
                repaired += out == code
    assert repaired > 400


def test_find_credit_codes_in_manifest(manifest_text: str) -> None:
    found = {c for c, _, _ in find_credit_codes(manifest_text, valid_only=True)}
    assert {"91460300MAA92DJN95", "91110108690017781B", "913611237511350966"} <= found
    assert "91500102563638729E" not in found


def test_find_credit_codes_real_contract(ct03_text: str) -> None:
    found = find_credit_codes(ct03_text)
    assert [c for c, _, _ in found] == ["913611237511350966", "91320000710929340E"]
    for code, start, end in found:
        assert compact_code(ct03_text[start:end]) == code


def test_find_credit_codes_skips_ids_and_accounts() -> None:
    text = "身份证 11010519491231002X，账号 622202100112345678，代码 9146O3OOMAA92DJN95"
    start = text.index("9146O")
    assert find_credit_codes(text) == [("91460300MAA92DJN95", start, start + 18)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91110108690017781b", "91110108690017781B"),
        ("350503123456789", "350503123456789"),
        ("35050319800101123400", "35050319800101123400"),
        ("123", None),
        ("", None),
    ],
)
def test_normalize_tax_id(text: str, expected: str | None) -> None:
    assert normalize_tax_id(text) == expected


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("泉州智算 科技有限公司", "泉州智算科技有限公司"),
        ("致同会计师事务所（特殊普通合伙）", "致同会计师事务所(特殊普通合伙)"),
        ("\u3000中国中材国际工程股份有限公司（南京）：", "中国中材国际工程股份有限公司(南京)"),
        ("ＡＢＣ科技有限公司；", "ABC科技有限公司"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


def test_company_key_is_conservative() -> None:
    assert company_key("泉州智算科技有限责任公司") == company_key("泉州智算科技 有限公司")
    assert company_key("腾讯云计算（北京）有限责任公司") == company_key("腾讯云计算(北京)有限公司")
    assert company_key("龙腾半导体股份有限公司") != company_key("龙腾半导体有限公司")
    assert company_key("中国移动通信集团四川有限公司成都分公司") != company_key(
        "中国移动通信集团四川有限公司"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("中国移动通信集团四川有限公司成都分公司", ("中国移动通信集团四川有限公司", "成都分公司")),
        ("中国工商银行股份有限公司泉州丰泽支行", ("中国工商银行股份有限公司", "泉州丰泽支行")),
        ("中国建设银行南京市建邺支行", ("中国建设银行", "南京市建邺支行")),
        ("致同会计师事务所（特殊普通合伙）福建分所", ("致同会计师事务所(特殊普通合伙)", "福建分所")),
        ("北京智算云科技有限公司", ("北京智算云科技有限公司", None)),
        ("中国中材国际工程股份有限公司", ("中国中材国际工程股份有限公司", None)),
    ],
)
def test_split_branch(name: str, expected: tuple[str, str | None]) -> None:
    assert split_branch(name) == expected


# --- phones, ID numbers, masking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("0595-28383879", "0595-28383879"),
        ("（0595）28383879", "0595-28383879"),
        ("059528383879", "0595-28383879"),
        ("025-86835555", "025-86835555"),
        ("010 6552 9988", "010-65529988"),
        ("0595-28383879转801", "0595-28383879-801"),
        ("400-810-8888", "400-810-8888"),
        ("+86 595 2838 3879", "0595-28383879"),
        ("86835555", "86835555"),
        ("8613812345678", "13812345678"),
        ("12812345678", None),
        ("2023-03-01", None),
        ("1381234567", None),
        ("", None),
    ],
)
def test_normalize_phone(text: str, expected: str | None) -> None:
    assert normalize_phone(text) == expected


def test_is_mobile() -> None:
    assert is_mobile("+86 13812345678")
    assert not is_mobile("0595-28383879")
    assert not is_mobile("12812345678")


def test_find_phones_real_contract(ct03_text: str) -> None:
    assert [p for p, _, _ in find_phones(ct03_text)] == ["025-86835555", "025-86611234"]


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("11010519491231002X", True),
        ("11010519491231002x", True),
        ("110105194912310021", False),  # wrong check character
        ("110105194902300021", False),  # 30 February
        ("91110108690017781B", False),
        ("", False),
    ],
)
def test_is_valid_id_number(number: str, ok: bool) -> None:
    assert is_valid_id_number(number) is ok


def test_mask_personal_data() -> None:
    text = "法定代表人：张三，身份证号11010519491231002X，手机138 1234 5678，座机0595-28383879，代码91460300MAA92DJN95，金额360000.00元"
    masked = mask_personal_data(text)
    assert "11010519491231002X" not in masked and "110105********002X" in masked
    assert "138****5678" in masked and "1234" not in masked.split("手机")[1][:12]
    assert "0595-28383879" in masked and "91460300MAA92DJN95" in masked and "360000.00元" in masked
    assert find_id_numbers(masked) == [] and [p for p, _, _ in find_phones(masked) if is_mobile(p)] == []
    # an 18-digit number that fails the ID check is left alone
    assert mask_personal_data("账号622202100112345678") == "账号622202100112345678"

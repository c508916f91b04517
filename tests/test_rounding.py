"""One rounding rule for money: half-up to 0.01 (``extractor.normalize.money.round_money``).

Every place that turns an amount into cents must agree on the half cases, where Python's
default (``Decimal.quantize`` without a mode, ``round``, ``f"{x:.2f}"``) rounds half-even.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor.einvoice import structured_lines
from extractor.fields.audit import _money_token
from extractor.fields.form_prose import table_money
from extractor.fields.invoice_table import money as _money
from extractor.normalize import format_money, round_money
from models.contract import to_json_value
from verifiers.base import fmt_money

ROOT = Path(__file__).resolve().parents[1]
# (input, half-up result); half-even would give the other neighbour in every row
HALVES = [
    ("0.125", "0.13"),
    ("2.665", "2.67"),
    ("1000.005", "1000.01"),
    ("4197.165", "4197.17"),
    ("-0.125", "-0.13"),
]


@pytest.mark.parametrize(("raw", "want"), HALVES)
def test_every_money_path_rounds_half_up(raw: str, want: str) -> None:
    d = Decimal(raw)
    assert Decimal(want) != d.quantize(Decimal("0.01"))  # the case really separates the two rules
    assert str(round_money(d)) == want
    assert format_money(d) == want
    assert to_json_value(d) == want
    assert fmt_money(d) == f"{Decimal(want):,.2f}"
    assert str(_money(raw)) == want  # invoice table cells
    if not raw.startswith("-"):  # these two cell parsers read unsigned amounts
        assert str(table_money(raw, Decimal(1))) == want  # 申报表 tables
        assert str(_money_token(raw)) == want  # audit report statements
    lines = structured_lines(
        {"amount_excl_tax": d, "line_items": [{"name": "x", "amount": d, "tax_amount": d}]}
    )
    assert f"¥{want}" in "\n".join(lines)
    assert f"金额 {want}" in "\n".join(lines) and f"税额 {want}" in "\n".join(lines)


def test_table_money_in_wan_rounds_half_up() -> None:
    assert str(table_money("1.2345650", Decimal(10000))) == "12345.65"  # exact
    assert str(table_money("0.0000125", Decimal(10000))) == "0.13"


def test_no_quantize_without_the_shared_rule() -> None:
    """Source guard: a ``.quantize(`` outside the money normaliser must name ROUND_HALF_UP."""
    offenders = []
    for pkg in ("models", "extractor", "verifiers", "review", "app_pages"):
        for p in (ROOT / pkg).rglob("*.py"):
            if p.name == "money.py" and p.parent.name == "normalize":
                continue
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if ".quantize(" not in line or "ROUND_HALF_UP" in line:
                    continue
                where = f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
                if where.startswith("extractor/fields/contract_money.py") and "len(s.split" in line:
                    continue  # _rate_str: a tax rate (0.06), exact at two places, not money
                offenders.append(where)
    assert not offenders, "use extractor.normalize.round_money:\n" + "\n".join(offenders)

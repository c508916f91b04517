"""Paper railway tickets (火车票: the card China Railway prints at the station), an invoice with
no title.

A ticket is known by its fixed print (「限乘当日当次车」, 「中国铁路祝您旅途愉快」, 「买票请到12306」)
together with a seat (「06车12B号」, 「二等座」). Its number is the red serial printed top left: a
letter and six digits, after a short prefix on some tickets (「Z57A001950」, 「K051971」); its fare
(「¥73.00元」) is what was paid, the invoice's total.

>>> is_rail_ticket("限乘当日当次车 06车12B号 ¥73.00元"), is_rail_ticket("限乘当日当次车")
(True, False)
>>> fare("¥53.0元"), fare("¥261.0元"), fare("金额 9.00元")
(Decimal('53.00'), Decimal('261.00'), None)
"""

from __future__ import annotations

import re
from decimal import Decimal

import extractor.fields.layout as L
from extractor.normalize import round_money
from models.contract import FieldValue
from models.page import Page

MARK_RE = re.compile(r"限乘当日当次车|中国铁路祝您旅途愉快|买票请到12306")
SEAT_RE = re.compile(r"\d{1,2}车\d{1,3}[A-F]?号|[一二]等座|商务座|特等座|硬座|软座|硬卧|软卧|无座")
NUMBER_RE = re.compile(r"[0-9A-Z]{0,4}[A-Z]\d{6}")
FARE_RE = re.compile(r"[¥￥]\s*(\d{1,5}(?:\.\d{1,2})?)\s*元")
TOP_SHARE = 0.3  # the serial is printed in the top part of the ticket


def is_rail_ticket(text: str) -> bool:
    """Whether a page's text is a paper railway ticket's (its fixed print and a seat)."""
    t = re.sub(r"\s+", "", text)
    return bool(MARK_RE.search(t) and SEAT_RE.search(t))


def fare(text: str) -> Decimal | None:
    """The fare printed as 「¥53.0元」, to cents."""
    m = FARE_RE.search(re.sub(r"\s+", "", text))
    return round_money(Decimal(m.group(1))) if m else None


def read_ticket(page: Page, out: dict[str, FieldValue]) -> None:
    """The ticket's number (its top serial) and its fare as the total, where not read yet."""
    refs = [r for r in L.iter_refs([page]) if r.line.bbox is not None]
    if "invoice_number" not in out:
        top = [
            r
            for r in refs
            if (not page.height or r.line.bbox[1] < TOP_SHARE * page.height)
            and NUMBER_RE.fullmatch(re.sub(r"\s+", "", r.line.text))
        ]
        if top:
            first = min(top, key=lambda r: (r.line.bbox[1], r.line.bbox[0]))
            out["invoice_number"] = L.make_field(re.sub(r"\s+", "", first.line.text), first)
    if "total_incl_tax" not in out:
        for r in refs:
            v = fare(r.line.text)
            if v is not None:
                out["total_incl_tax"] = L.make_field(v, r)
                break

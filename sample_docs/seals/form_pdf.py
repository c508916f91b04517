"""申报表 printed from Word and submitted as PDF (or scanned after stamping).

Same rows as sample_docs/gen/form.py's .docx layouts, drawn as a grid on A4 pages so the
applicant's seal can be stamped on 申报单位（盖章）. Truth fields are the .docx's declared fields.
"""

from __future__ import annotations

import pymupdf

from sample_docs.gen import form as form_mod
from sample_docs.gen.common import A4, Sheet
from sample_docs.gen.registry import Drawn

LEFT, RIGHT, TOP, BOTTOM = 60.0, 535.0, 70.0, 790.0
SIZE, LEAD = 9.5, 14.0


def _lines(s: Sheet, text: str, width: float) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for ch in para:
            if s.length(cur + ch, SIZE) > width and cur:
                out.append(cur)
                cur = ""
            cur += ch
        out.append(cur)
    return out


def draw(doc: pymupdf.Document, f: form_mod.FormData, layout: str) -> Drawn:
    rows = form_mod.LAYOUTS[layout](f)
    s = Sheet.new(doc, A4)
    sheets = [s]
    s.text(297, 52, "福建省省级人工智能产业发展项目申报表", 15, align="center")
    y = TOP
    if layout != "fj2024_table":
        s.text(LEFT, y, f"申报单位（盖章）：{f.company.name}", 10)
        y += 10
    for row in rows:
        cells = [c for c in row if c is not None and c != "^"]
        if not cells:
            continue
        label_w = 92.0
        rest = RIGHT - LEFT - label_w
        widths = [label_w] + [rest / (len(cells) - 1)] * (len(cells) - 1) if len(cells) > 1 else [RIGHT - LEFT]
        wrapped = [_lines(s, c, w - 8) for c, w in zip(cells, widths, strict=True)]
        h = max(len(w) for w in wrapped) * LEAD + 8
        if y + h > BOTTOM:
            s = Sheet.new(doc, A4)
            sheets.append(s)
            y = TOP
        x = LEFT
        s.rect(LEFT, y, RIGHT, y + h, width=0.6)
        for i, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
            if i:
                s.vline(x, y, y + h)
            for j, line in enumerate(lines):
                s.text(x + 4, y + 4 + SIZE + j * LEAD, line, SIZE)
            x += w
        y += h
    _data, declared, _printed = form_mod.build(f, layout)
    return Drawn(declared, sheets)

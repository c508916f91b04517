"""Page writers for the third unseen set, built on the second set's :class:`Flow`.

``Writer`` adds: signature blocks whose seals are either drawn into the PDF or only recorded
(a scan stamps them onto the rendered image), dates in Chinese numerals, and landscape pages
with two text columns (``columns=2``).
"""

from __future__ import annotations

import datetime as dt

import pymupdf

from sample_docs.gen.common import A4, A4_LANDSCAPE, Sheet, seal
from sample_docs.unseen.flow import Flow, date_str

_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1..31 in Chinese numerals as dates write them (十, 十一, 二十一)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cn_date(d: dt.date) -> str:
    """``二〇二四年三月一日``."""
    return "".join(_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_number(d.month)}月{_cn_number(d.day)}日"


def fmt_date(d: dt.date, style: str) -> str:
    """The second set's styles plus ``cn_num`` (二〇二四年三月一日), ``gap`` (2024年 3 月 1 日)
    and ``gap2`` (2024 年 03 月 01 日)."""
    if style == "cn_num":
        return cn_date(d)
    if style == "gap":
        return f"{d.year}年 {d.month} 月 {d.day} 日"
    if style == "gap2":
        return f"{d.year} 年 {d.month:02d} 月 {d.day:02d} 日"
    return date_str(d, style)


class Writer(Flow):
    """A :class:`Flow` that can record its seals instead of drawing them, and can run in two
    columns on landscape pages."""

    def __init__(self, doc: pymupdf.Document, font: str | None, latin: str, draw_seals: bool = True,
                 columns: int = 1, size: float = 10.5, footer: str = "第 {n} 页 共 {total} 页", **kw):
        self.columns = columns
        self.col = 0
        self.draw_seals = draw_seals
        self.seal_spots: list[tuple[int, float, float, float, str, int]] = []  # page, x, y, size, name, seed
        self.page_size = A4_LANDSCAPE if columns == 2 else A4
        if columns == 2:
            kw.setdefault("left", 50)
            kw.setdefault("right", 406)  # two columns of 356 pt with a 30 pt gutter
            kw.setdefault("top", 60)
            kw.setdefault("bottom", 545)
        super().__init__(doc, font=font, latin=latin, size=size, footer=footer, **kw)
        self.col_shift = self.right - self.left + 30  # column width plus the gutter

    # pages and columns
    def new_page(self) -> None:
        if self.columns == 2 and getattr(self, "sheets", None) and self.col == 0:
            self.col = 1
            self.left += self.col_shift
            self.right += self.col_shift
            self.y = self.top
            return
        if self.columns == 2 and self.col == 1:
            self.left -= self.col_shift
            self.right -= self.col_shift
            self.col = 0
        self.sheet = Sheet.new(self.doc, self.page_size, font=self.font, latin=self.latin)
        self.sheets.append(self.sheet)
        self.y = self.top

    def page_break(self) -> None:
        """Start a new physical page (also from the right column)."""
        if self.columns == 2 and self.col == 0:
            self.new_page()
        self.new_page()

    # seals
    def put_seal(self, x: float, y: float, name: str, seed: int, w: float = 110) -> None:
        """A round seal with its top-left corner at (x, y) on the current page."""
        if self.draw_seals:
            self.sheet.image(x, y, x + w, y + w, seal(name, "★", "合同专用章", size=300, seed=seed, angle=(seed % 17) - 8))
        self.seal_spots.append((len(self.sheets) - 1, x, y, w, name, seed))

    def signatures(self, left: list[str], right: list[str], seal_names: tuple[str, str], seed: int,
                   lead: float = 24, under: list[str] | None = None) -> None:
        """Two signature columns, a seal over the first lines of each, and optional centred
        lines under the whole block (a date line)."""
        wcol = self.width / 2 - 10
        xs = (self.left, self.left + self.width / 2 + 10)
        cols = [[ln for text in col for ln in self.split(text, wcol, self.size)] for col in (left, right)]
        h = max(len(c) for c in cols) * lead + 10
        self.need(h + 20 + (len(under or []) * self.size * 1.9))
        top = self.y + 10
        for x, col in zip(xs, cols, strict=True):
            y = top + self.size
            for ln in col:
                self.sheet.text(x, y, ln, self.size)
                y += lead
        for k, (x, name) in enumerate(zip(xs, seal_names, strict=True)):
            if name:
                self.put_seal(x + 45, top - 22, name, seed + k)
        self.y = top + h
        for ln in under or []:
            self.line(ln, x_off=self.width / 2 - 90)

    # finish
    def finish(self) -> list[Sheet]:
        total = len(self.sheets)
        w, h = self.page_size
        for i, sh in enumerate(self.sheets):
            sh.flush()
            sh.page = self.doc[i]
            if self.footer:
                sh.text(w / 2, h - 30, self.footer.format(n=i + 1, total=total), 9, align="center")
            sh.flush()
        return self.sheets

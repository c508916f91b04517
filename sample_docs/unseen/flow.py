"""A small flowing-text writer over :class:`sample_docs.gen.common.Sheet` (page breaks,
wrapped paragraphs, grid tables with wrapped cells, underlined filled-in blanks,
signature blocks with seals). Every run goes through ``Sheet.text`` so it is recorded."""

from __future__ import annotations

import datetime as dt

import pymupdf

from sample_docs.gen.common import A4, NO_LINE_START, RED, Sheet, seal


def _word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,-_")


def date_str(d: dt.date, style: str) -> str:
    """Dates as contracts print them."""
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "cn_short":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "spaced":  # a filled-in form: 2023 年 3 月 5 日
        return f"{d.year} 年 {d.month} 月 {d.day} 日"
    if style == "iso":
        return d.isoformat()
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    raise ValueError(style)


class Flow:
    """Top-to-bottom writer on A4 pages with automatic page breaks."""

    def __init__(
        self,
        doc: pymupdf.Document,
        font: str | None = None,
        latin: str = "helv",
        size: float = 10.5,
        left: float = 72,
        right: float = 523,
        top: float = 72,
        bottom: float = 775,
        footer: str = "第 {n} 页 共 {total} 页",
    ):
        self.doc, self.font, self.latin, self.size = doc, font, latin, size
        self.left, self.right, self.top, self.bottom = left, right, top, bottom
        self.footer = footer
        self.sheets: list[Sheet] = []
        self.new_page()

    # ---------------------------------------------------------------- basics
    def new_page(self) -> None:
        self.sheet = Sheet.new(self.doc, A4, font=self.font, latin=self.latin)
        self.sheets.append(self.sheet)
        self.y = self.top

    @property
    def width(self) -> float:
        return self.right - self.left

    def need(self, h: float) -> None:
        if self.y + h > self.bottom:
            self.new_page()

    def gap(self, h: float) -> None:
        self.y += h

    def split(self, s: str, width: float, size: float, indent: float = 0) -> list[str]:
        lines: list[str] = []
        cur = ""
        avail = width - indent
        for ch in s:
            if self.sheet.length(cur + ch, size) > avail and cur and ch not in NO_LINE_START:
                # like a word processor: a run of Latin letters/digits (a number, a model, a code)
                # moves to the next line whole instead of breaking inside
                keep = len(cur)
                if _word(ch):
                    while keep > 0 and _word(cur[keep - 1]):
                        keep -= 1
                    if keep == 0:
                        keep = len(cur)
                lines.append(cur[:keep])
                cur = cur[keep:]
                avail = width
            cur += ch
        if cur:
            lines.append(cur)
        return lines

    # ---------------------------------------------------------------- text
    def title(self, s: str, size: float = 18, after: float = 14) -> None:
        self.need(size * 2)
        self.sheet.text((self.left + self.right) / 2, self.y + size, s, size, align="center")
        self.y += size * 1.6 + after

    def line(self, s: str, size: float | None = None, x_off: float = 0, align: str = "left") -> None:
        size = size or self.size
        lead = size * 1.75
        self.need(lead)
        x = {"left": self.left + x_off, "right": self.right, "center": (self.left + self.right) / 2}[align]
        self.sheet.text(x, self.y + size, s, size, align=align)
        self.y += lead

    def para(self, s: str, size: float | None = None, indent: int = 2, x_off: float = 0, lead: float = 1.75) -> None:
        size = size or self.size
        leading = size * lead
        ind = size * indent
        for i, ln in enumerate(self.split(s, self.width - x_off, size, ind)):
            self.need(leading)
            self.sheet.text(self.left + x_off + (ind if i == 0 else 0), self.y + size, ln, size)
            self.y += leading

    def heading(self, s: str, size: float | None = None) -> None:
        size = size or self.size
        self.need(size * 4)
        self.y += size * 0.3
        self.sheet.text(self.left, self.y + size, s, size)
        self.y += size * 1.75

    def clause(self, head: str, body: str, run_in: bool = True) -> None:
        """``第三条 合同价款`` either run into its text or as its own line."""
        if run_in:
            self.para(f"{head} {body}", indent=0)
        else:
            self.heading(head)
            self.para(body)

    def blanks(self, parts: list[tuple[str, bool]], size: float | None = None, x_off: float = 0) -> None:
        """One line of template text with filled-in blanks (``True`` parts are underlined)."""
        size = size or self.size
        lead = size * 1.9
        self.need(lead)
        x = self.left + x_off
        base = self.y + size
        for text, filled in parts:
            if filled:
                x += 4
                end = self.sheet.text(x, base, text, size)
                self.sheet.hline(x - 4, end + 4, base + 2.5, width=0.5)
                x = end + 4
            else:
                x = self.sheet.text(x, base, text, size)
        self.y += lead

    # ---------------------------------------------------------------- tables
    def grid(
        self,
        widths: list[float],
        rows: list[list],
        size: float = 9.5,
        align: list[str] | None = None,
        pad: float = 5,
        x: float | None = None,
        min_h: float = 0,
    ) -> None:
        """Bordered table; a cell is ``str`` or ``(str, span)``; long cells wrap."""
        x0 = self.left if x is None else x
        lead = size * 1.45
        align = align or ["center"] * len(widths)
        for row in rows:
            cells: list[tuple[str, float, float, str]] = []  # text, x, width, align
            cx, col = x0, 0
            for cell in row:
                text, span = (cell, 1) if isinstance(cell, str) else cell
                w = sum(widths[col : col + span])
                cells.append((text, cx, w, align[col]))
                cx += w
                col += span
            wrapped = [self.split(t, w - 2 * pad, size) if t else [] for t, _, w, _ in cells]
            h = max(min_h, max((len(lines) for lines in wrapped), default=1) * lead + 2 * pad)
            self.need(h)
            top = self.y
            for (_, cx, w, a), lines in zip(cells, wrapped, strict=True):
                ty = top + (h - len(lines) * lead) / 2 + size * 0.95
                for ln in lines:
                    tx = cx + pad if a == "left" else cx + w - pad if a == "right" else cx + w / 2
                    self.sheet.text(tx, ty, ln, size, align=a)
                    ty += lead
                self.sheet.vline(cx, top, top + h)
            self.sheet.vline(x0 + sum(widths), top, top + h)
            self.sheet.hline(x0, x0 + sum(widths), top)
            self.sheet.hline(x0, x0 + sum(widths), top + h)
            self.y = top + h
        self.y += 6

    # ---------------------------------------------------------------- signatures
    def sign_block(
        self,
        left: list[str],
        right: list[str],
        seals: tuple[str, str] | None = None,
        seed: int = 0,
        lead: float = 24,
        width_each: float | None = None,
    ) -> None:
        """Two columns of signature lines; red seals over the first lines."""
        wcol = width_each or self.width / 2 - 10
        xs = (self.left, self.left + self.width / 2 + 10)
        cols = [[ln for text in col for ln in self.split(text, wcol, self.size)] for col in (left, right)]
        h = max(len(c) for c in cols) * lead + 10
        self.need(h + 20)
        top = self.y + 10
        for x, col in zip(xs, cols, strict=True):
            y = top + self.size
            for ln in col:
                self.sheet.text(x, y, ln, self.size)
                y += lead
        if seals:
            for k, (x, name) in enumerate(zip(xs, seals, strict=True)):
                if name:
                    img = seal(name, "★", "合同专用章", size=300, seed=seed + k)
                    self.sheet.image(x + 40, top - 20, x + 150, top + 90, img)
        self.y = top + h

    def stamp(self, x: float, y: float, name: str, seed: int, w: float = 110) -> None:
        self.sheet.image(x, y, x + w, y + w, seal(name, "★", "合同专用章", size=300, seed=seed))

    # ---------------------------------------------------------------- finish
    def finish(self) -> list[Sheet]:
        """Page footers (now that the page count is known); write all queued text."""
        total = len(self.sheets)
        for i, sh in enumerate(self.sheets):
            sh.flush()
            sh.page = self.doc[i]
            if self.footer:
                sh.text(A4[0] / 2, 812, self.footer.format(n=i + 1, total=total), 9, align="center")
            sh.flush()
        return self.sheets


__all__ = ["RED", "Flow", "date_str"]

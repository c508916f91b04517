"""The reading layer's page model: one shape for every input format.

Every reader (PDF, image, OFD, XML, DOCX) returns a :class:`ReadResult` whose pages
hold positioned :class:`Line` objects. Coordinates are PDF points for PDF/OFD (OFD
millimetres are converted to points) and pixels for images, origin top-left.
DOCX has no geometry: its lines carry ``bbox=None`` and its tables are exposed as
cells with row/column indices.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Word(_M):
    text: str
    bbox: BBox | None = None
    confidence: float = 1.0


class GlyphAlts(_M):
    """A glyph the OCR model was unsure of: its place in the line's text and the glyphs the
    model weighed there with their probabilities, the one it read first."""

    at: int
    options: list[tuple[str, float]]


class Line(_M):
    text: str
    bbox: BBox | None = None
    confidence: float = 1.0
    method: Literal["text", "ocr", "structured", "docx"] = "text"
    words: list[Word] = Field(default_factory=list)
    # for DOCX table cells: where the line sits
    table: int | None = None
    row: int | None = None
    col: int | None = None
    # OCR lines: the glyphs the model was unsure of (extractor.ocr_alts)
    alts: list[GlyphAlts] = Field(default_factory=list)


class Cell(_M):
    text: str
    row: int
    col: int
    bbox: BBox | None = None


class Table(_M):
    cells: list[Cell] = Field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0

    def grid(self) -> list[list[str]]:
        g = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            if c.row < self.n_rows and c.col < self.n_cols:
                g[c.row][c.col] = c.text
        return g


class Barcode(_M):
    """A decoded QR code / barcode on a page (e.g. the VAT invoice QR)."""

    text: str
    format: str = "QRCode"
    bbox: BBox | None = None  # same units as the page's lines


class Seal(_M):
    """A seal (印章) found on a page: red ring, round or oval, with the text read from it.

    ``box`` is in the page's units (PDF points / image pixels, origin top-left).
    ``colour_confidence`` below 0.5 means the colour cannot be decided (a grey copy, a faded
    stamp). ``text`` is the curved text along the ring (usually the owner's name),
    ``center_text`` the straight middle line (e.g. the tax number of a 发票专用章), ``tax_id``
    a taxpayer number read there. ``alt_texts``: the ring read again at other sizes where the
    image's resolution was only assumed and the first reading was unsure (a field that finds
    nothing in ``text`` may try them). Seal text is never part of the page's lines.
    """

    box: BBox
    shape: Literal["round", "oval"] = "round"
    colour: Literal["red", "grey"] = "red"
    colour_confidence: float = 0.0
    text: str = ""
    text_confidence: float = 0.0
    center_text: str = ""
    tax_id: str | None = None
    page: int | None = None  # 1-based page of the file (set when the seal leaves its page)
    alt_texts: list[str] = Field(default_factory=list)
    # the recogniser's view of each ring reading (the first, then alt_texts' and others'), step
    # by step: each step's likeliest glyphs with their probabilities, "" the blank. Kept in the
    # read cache for the fields; left out of the result JSON.
    ring_frames: list[list[list[tuple[str, float]]]] = Field(default_factory=list)


class Page(_M):
    number: int  # 1-based
    width: float = 0.0
    height: float = 0.0
    unit: Literal["pt", "px", "none"] = "pt"
    method: Literal["text", "ocr", "structured", "docx"] = "text"
    lines: list[Line] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    barcodes: list[Barcode] = Field(default_factory=list)
    seals: list[Seal] = Field(default_factory=list)
    seals_checked: bool = False  # whether the page image was searched for seals
    rotation: int = 0  # degrees the page was turned to read it upright
    ocr_reason: str | None = None  # why OCR was chosen (no text, garbled, image-only ...)
    warnings: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        if not self.lines:
            return 0.0
        total = sum(len(ln.text) for ln in self.lines) or 1
        return sum(ln.confidence * len(ln.text) for ln in self.lines) / total


class ReadResult(_M):
    """What reading one file produced. Picklable and JSON-serialisable (cacheable)."""

    file: str  # path relative to the application (or the name given)
    sha256: str
    kind: Literal["pdf", "image", "ofd", "xml", "docx", "zip", "unknown"]
    pages: list[Page] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # Chinese, reviewer-facing
    warnings: list[str] = Field(default_factory=list)  # Chinese, reviewer-facing
    structured: dict[str, Any] | None = None  # e-invoice data from OFD tags / XML
    meta: dict[str, Any] = Field(default_factory=dict)
    ocr_calls: int = 0

    @property
    def method(self) -> str:
        methods = {p.method for p in self.pages}
        if not methods:
            return "text"
        if len(methods) == 1:
            return methods.pop()
        if "ocr" in methods:
            return "mixed"
        return sorted(methods)[0]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)

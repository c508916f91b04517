"""The recogniser's runner-up glyphs.

PP-OCR's text-line model scores every glyph of its alphabet at each step, and RapidOCR keeps
only the best one. Where the model was unsure (「设各」 read with 各 at 0.78 and 备 at 0.22),
the glyphs it weighed are evidence a reader of the text can use: the extractor lets a
language model choose among them (:mod:`extractor.glyph_choice`). :class:`GlyphDecoder`
wraps RapidOCR's CTC decoder so that each line it returns is the same text, carrying the
glyphs it was unsure of (:class:`ReadText`); the OCR engine puts them on the page's
:class:`~models.page.Line` as ``alts``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from models.page import GlyphAlts

# a glyph read this surely has no runner-up worth keeping
SURE = 0.99
# a runner-up less likely than this is not kept
MIN_ALT = 0.01
# glyphs kept per unsure place (the one read first)
MAX_OPTIONS = 3


class ReadText(str):
    """A recognised line's text (a ``str``) with the glyphs the model was unsure of."""

    alts: tuple[GlyphAlts, ...] = ()


def read_text(text: str, alts: list[GlyphAlts]) -> str:
    out = ReadText(text)
    out.alts = tuple(alts)
    return out


def unsure_glyphs(probs: np.ndarray, alphabet: list[str], text: str) -> list[GlyphAlts]:
    """The glyphs of ``text`` the model was unsure of, from its per-step probabilities
    ``probs`` (steps × alphabet, CTC: index 0 is the blank) decoded greedily into ``text``.

    >>> alphabet = ["blank", "设", "各", "备", " "]
    >>> steps = np.array([[0.0, 1.0, 0, 0, 0], [0.9, 0.1, 0, 0, 0], [0.0, 0, 0.78, 0.22, 0]])
    >>> [(a.at, a.options) for a in unsure_glyphs(steps, alphabet, "设各")]
    [(1, [('各', 0.78), ('备', 0.22)])]

    A decoding that does not match ``text`` gives nothing (never a misplaced glyph):

    >>> unsure_glyphs(steps, alphabet, "设")
    []
    """
    best = probs.argmax(axis=1)
    emitted = best != 0
    emitted[1:] &= best[1:] != best[:-1]
    steps = np.flatnonzero(emitted)
    if len(steps) != len(text):
        return []
    out: list[GlyphAlts] = []
    for at, step in enumerate(steps):
        p = probs[step]
        if p[best[step]] >= SURE:
            continue
        top = np.argsort(-p)[: MAX_OPTIONS + 1]
        options = [(alphabet[j], round(float(p[j]), 3)) for j in top if j != 0 and p[j] >= MIN_ALT]
        if len(options) > 1 and options[0][0] == text[at]:
            out.append(GlyphAlts(at=at, options=options[:MAX_OPTIONS]))
    return out


class GlyphDecoder:
    """RapidOCR's CTC decoder with each line's unsure glyphs kept (same texts and scores)."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.character = decoder.character

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any) -> Any:
        lines, words = self.decoder(preds, return_word_box, **kwargs)
        kept = [
            (read_text(text, unsure_glyphs(preds[b], self.character, text)), score)
            for b, (text, score) in enumerate(lines)
        ]
        return kept, words

    def __getattr__(self, name: str) -> Any:
        return getattr(self.decoder, name)


def keep_unsure_glyphs(ocr: Any) -> None:
    """Make a RapidOCR object's recogniser keep its unsure glyphs (once)."""
    rec = ocr._load_rec_model()
    if not isinstance(rec.postprocess_op, GlyphDecoder):
        rec.postprocess_op = GlyphDecoder(rec.postprocess_op)

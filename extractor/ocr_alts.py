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
# a step's options (glyph, probability; "" is CTC's blank): the likeliest few
Frame = tuple[tuple[str, float], ...]
FRAME_OPTIONS = 5
FRAME_MIN = 0.005


class ReadText(str):
    """A recognised line's text (a ``str``) with the glyphs the model was unsure of, and, when
    asked for (:attr:`GlyphDecoder.keep_frames`), the model's view at every step."""

    alts: tuple[GlyphAlts, ...] = ()
    frames: tuple[Frame, ...] = ()


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


def frames_of(probs: np.ndarray, alphabet: list[str]) -> tuple[Frame, ...]:
    """The model's view of a line at every step (steps × alphabet probabilities, index 0 the
    blank): each step's likeliest glyphs (at most ``FRAME_OPTIONS``, each at least
    ``FRAME_MIN``), the blank written ""; a run of steps sure of the blank is kept as one. A
    reader that knows which words may stand there scores them against it
    (:mod:`extractor.fields.ring_lattice`).

    >>> alphabet = ["blank", "市", "场", "扬"]
    >>> steps = np.array([[0, 0.9, 0, 0.1], [1, 0, 0, 0], [1, 0, 0, 0], [0.2, 0, 0.6, 0.2]])
    >>> frames_of(steps, alphabet)
    ((('市', 0.9), ('扬', 0.1)), (('', 1.0),), (('', 0.2), ('场', 0.6), ('扬', 0.2)))
    """
    out: list[Frame] = []
    k = min(FRAME_OPTIONS, probs.shape[1])
    top = np.argpartition(-probs, k - 1, axis=1)[:, :k]
    for step, idx in enumerate(top):
        p = probs[step]
        frame = tuple(
            (alphabet[j] if j else "", round(float(p[j]), 3)) for j in sorted(idx) if p[j] >= FRAME_MIN
        )
        if frame == (("", 1.0),) and out and out[-1] == frame:
            continue
        out.append(frame)
    return tuple(out)


class GlyphDecoder:
    """RapidOCR's CTC decoder with each line's unsure glyphs kept (same texts and scores);
    with ``keep_frames`` set, each line also carries the model's view at every step."""

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.character = decoder.character
        self.keep_frames = False

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any) -> Any:
        lines, words = self.decoder(preds, return_word_box, **kwargs)
        kept = []
        for b, (text, score) in enumerate(lines):
            out = read_text(text, unsure_glyphs(preds[b], self.character, text))
            if self.keep_frames:
                out.frames = frames_of(preds[b], self.character)
            kept.append((out, score))
        return kept, words

    def __getattr__(self, name: str) -> Any:
        return getattr(self.decoder, name)


def keep_unsure_glyphs(ocr: Any) -> GlyphDecoder:
    """Make a RapidOCR object's recogniser keep its unsure glyphs (once); its decoder."""
    rec = ocr._load_rec_model()
    if not isinstance(rec.postprocess_op, GlyphDecoder):
        rec.postprocess_op = GlyphDecoder(rec.postprocess_op)
    return rec.postprocess_op

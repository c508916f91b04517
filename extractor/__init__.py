"""Reading, OCR, classification, field extraction and normalisers."""

import sys as _sys

# PyMuPDF ≥ 1.27 imports its optional companions ``pymupdf.layout`` (which loads an ONNX
# layout model at import) and ``pymupdf4llm`` whenever they are installed. evreview uses
# neither; importing them costs each reader process about 0.25 s and 100 MB. A ``None``
# entry in ``sys.modules`` makes PyMuPDF's guarded ``import`` fail fast, as if they were
# absent. Text extraction is unaffected: the layout model only runs on ``get_layout()``.
if "pymupdf" not in _sys.modules:
    _sys.modules.setdefault("pymupdf.layout", None)  # type: ignore[arg-type]
    _sys.modules.setdefault("pymupdf4llm", None)  # type: ignore[arg-type]

"""Orchestration: pipeline, worker isolation, SQLite store, batch runner, exports, CLI."""

# The extractor package first, before any review module imports PyMuPDF itself: its
# __init__ keeps PyMuPDF's ONNX companions (pymupdf.layout, pymupdf4llm) unloaded.
import extractor  # noqa: F401

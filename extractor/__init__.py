"""Reading, OCR, classification, field extraction and normalisers."""

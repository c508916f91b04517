"""Seal test set: sample applications with seals present, absent, wrong and undecidable (see README.md)."""

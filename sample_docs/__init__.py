"""Synthetic sample applications with ground truth (see README.md)."""

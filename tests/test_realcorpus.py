"""Extraction on the real public corpus gathered for issue 12 (kept outside the repository).

The documents are copies of files from public repositories (see the corpus's MANIFEST
files); they are not committed here. The tests look for the corpus in ``$EVREVIEW_REALCORPUS``,
``../shared/realcorpus`` or ``../corpus`` (next to the checkout) and skip with the reason
when none exists. Each truth file says whether its document is in the "firstlook" split
(scored before any tuning and never tuned on) or in the "tune" split.

The documents are rebuilt from their public repositories with ``scripts/realcorpus.py`` (truth
and manifest in ``bench/realcorpus``). The floors follow the figures measured at the end of
session 8 (237 files, 239 documents; fields naming persons left out of the committed truth: first
look 87.5 % of 591 fields, tuned 95.0 % of 1530, doc_type 98.6 % / 99.4 %), as a regression
guard: they are below the 95 % / 98 % aimed for. The tuned floor went down from 0.96 to 0.95 in
session 7 and to 0.94 in session 8 because harder documents joined the tune set (session 8: 39
licence photos and scans, first looked at 78-91 %). Session 10 (355 files, 359 documents): first
look 88.6 % of 638 fields, tuned 94.3 % of 2365, doc_type 96.2 % / 100 % (99.2 % together).
Session 11 (429 files, 433 documents): first look 88.6 % of 921 fields, tuned 94.4 % of 2753,
doc_type 97.2 % / 99.7 % (99.1 % together). Session 12 (518 files, 523 documents): first look
89.6 % of 1146 fields, tuned 94.2 % of 3205 (74 new documents, most of them licence photos),
doc_type 98.5 % / 100 % (99.6 % together). Session 13 (675 files, 680 documents; 157 new, mostly
licence photos and e-invoices): first look 92.0 % of 1635 fields, tuned 94.6 % of 4079, doc_type
98.9 % / 100 %. Session 14 (741 files, 745 documents; 65 new: licences and invoices): first look
93.1 % of 1783 fields, tuned 95.2 % of 4573, doc_type 99.5 % / 99.8 %; floors raised to 0.91 / 0.95. Session 15
(774 files, 778 documents; 33 new: licences, invoices, a bank receipt): first look 93.2 % of 1855
fields, tuned 95.6 % of 4797, doc_type 99.5 % / 99.8 %. Session 16 (908 files, 912 documents; 134 new:
116 licences, 18 invoices): first look 92.9 % of 2100 fields, tuned 95.5 % of 5611, doc_type
99.6 % / 99.9 %. Session 17 (974 files, 978 documents; 66 new: 31 licences, 28 invoices, 4 bank
receipts, three page photos of a capital-verification report): first look 93.4 % of 2235 fields,
tuned 95.8 % of 6105, doc_type 99.6 % / 99.9 %; floors raised to 0.92 / 0.955.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.limits import Limits
from review.evaluate import evaluate_dir
from review.worker import IsolatedReader

HERE = Path(__file__).resolve().parents[1]


def _corpus() -> Path | None:
    for cand in (
        os.environ.get("EVREVIEW_REALCORPUS"),
        HERE.parent / "shared" / "realcorpus",
        HERE.parent / "corpus",
    ):
        if cand and (Path(cand) / "truth").is_dir() and (Path(cand) / "applications").is_dir():
            return Path(cand)
    return None


@pytest.mark.slow
@pytest.mark.timeout(3600)  # 355 files read from scratch, OCR included: about 35 minutes on 2 cores
def test_real_corpus_first_look_and_tuned() -> None:
    root = _corpus()
    if root is None:
        pytest.skip("real corpus not present (set EVREVIEW_REALCORPUS or place it at ../shared/realcorpus)")
    # the corpus holds 170-page annual reports with dozens of scanned pages: this test measures
    # extraction, so a file gets ten minutes, not the batch's two (a busy 2-core machine runs
    # over two minutes on them, and the timed-out file then counts as unread)
    with IsolatedReader(replace(Limits.from_env(), per_file_seconds=600.0)) as reader:
        report = evaluate_dir(root, reader)
    # a failure lists the tune misses only: the first-look misses are not to be read while
    # tuning (bench/realcorpus/README.md); `evreview eval` lists them for the closing note
    tune_misses = "\n".join(m for m in report.misses if "[firstlook]" not in m)
    assert report.doc_type.rate >= 0.97, tune_misses

    def rate(split: str) -> float:
        ts = report.fields_by_split[split].values()
        return sum(t.ok for t in ts) / max(1, sum(t.total for t in ts))

    # raised in session 17 (first look 93.4 %, tuned 95.8 %), a margin kept for OCR's run-to-run
    # differences and for harder documents joining either split
    assert rate("firstlook") >= 0.92, f"first look {rate('firstlook'):.1%} (misses not shown)"
    assert rate("tune") >= 0.955, tune_misses

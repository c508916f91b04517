"""`evreview eval`: accuracy per split (first look vs tuned), per doc type and per field, every miss listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from review.evaluate import evaluate_dir
from review.worker import InProcessReader

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_docs"


def _make(tmp: Path) -> Path:
    truth = json.loads((SAMPLES / "truth" / "app-001.json").read_text(encoding="utf-8"))
    lic = next(d for d in truth["documents"] if d["doc_type"] == "business_license")
    for app_id, split, wrong in (("fl-001", "firstlook", False), ("tu-001", "tune", True)):
        shutil.copy(
            SAMPLES / "applications" / "app-001" / lic["file"],
            _dir(tmp / "applications" / app_id) / lic["file"],
        )
        doc = json.loads(json.dumps(lic))
        if wrong:
            doc["fields"]["company_name"] = "并不存在的公司"
        (_dir(tmp / "truth") / f"{app_id}.json").write_text(
            json.dumps({"application_id": app_id, "split": split, "documents": [doc]}, ensure_ascii=False),
            encoding="utf-8",
        )
    return tmp


def _dir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def test_eval_reports_each_split_and_lists_misses(tmp_path: Path) -> None:
    root = _make(tmp_path)
    with InProcessReader() as reader:
        report = evaluate_dir(root, reader)
    assert report.doc_type_by_split["firstlook"].rate == 1.0
    fl = report.keys_by_split["firstlook"]["business_license.company_name"]
    tu = report.keys_by_split["tune"]["business_license.company_name"]
    assert (fl.ok, fl.total) == (1, 1) and (tu.ok, tu.total) == (0, 1)
    assert report.fields_by_split["firstlook"]["business_license"].rate == 1.0
    assert any(m.startswith("[tune] tu-001/") and "company_name" in m for m in report.misses)
    text = report.render()
    assert "首次评估（未调优）" in text and "调优集" in text
    assert (
        json.loads(json.dumps(report.as_dict()))["keys_by_split"]["tune"]["business_license.company_name"][
            "ok"
        ]
        == 0
    )


def test_eval_split_filter(tmp_path: Path) -> None:
    root = _make(tmp_path)
    with InProcessReader() as reader:
        report = evaluate_dir(root, reader, split="firstlook")
    assert set(report.doc_type_by_split) == {"firstlook"}
    assert report.doc_type.total == 1


def test_eval_says_why_a_document_was_not_found(tmp_path: Path) -> None:
    """A file that could not be read is reported with its read error (a time-out or a broken
    file is not an extraction miss); a file missing from the folder is named as missing."""
    root = _make(tmp_path)
    lic_file = next(p.name for p in (root / "applications" / "fl-001").iterdir())
    (root / "applications" / "fl-001" / lic_file).write_bytes(b"%PDF-1.7\n broken, no objects \n")
    (root / "applications" / "tu-001" / lic_file).unlink()
    with InProcessReader() as reader:
        report = evaluate_dir(root, reader)
    fl = next(m for m in report.misses if m.startswith("[firstlook] fl-001/") and "类型应为" in m)
    tu = next(m for m in report.misses if m.startswith("[tune] tu-001/") and "类型应为" in m)
    assert "（未找到：" in fl and "文件不在申请目录中" not in fl, fl
    assert "文件不在申请目录中" in tu, tu

"""The committed part of the real corpus (bench/realcorpus: manifest and truth written by eye)
is complete, holds no private person's data, and rebuilds from fetched snapshots by blob id
(scripts/realcorpus.py)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "realcorpus"
sys.path.insert(0, str(ROOT / "scripts"))

import realcorpus  # noqa: E402

PERSON_ID = re.compile(r"(?<!\d)[1-6]\d{5}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?!\d)")


def _rows() -> list[dict]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_every_truth_document_has_a_source_and_no_person_data() -> None:
    rows = _rows()
    files = {(r["app_id"], r["file"]) for r in rows}
    truths = sorted((CORPUS / "truth").glob("*.json"))
    assert len(truths) >= 80 and len(rows) >= len(truths)
    splits = {"firstlook": 0, "tune": 0}
    for t in truths:
        d = json.loads(t.read_text(encoding="utf-8"))
        splits[d["split"]] += 1
        for doc in d["documents"]:
            assert (d["application_id"], doc["file"]) in files, (t.name, doc["file"])
            assert not {"legal_representative", "contact_name", "contact_phone"} & set(doc["fields"]), t.name
        text = t.read_text(encoding="utf-8")
        # 18-digit runs are credit codes (letters inside) or bank accounts; none may have the
        # shape of a personal ID number (area code, birth date, sequence, check character)
        assert not PERSON_ID.findall(text), t.name
    assert splits["firstlook"] >= 20 and splits["tune"] >= 40
    # a file is one application's: the same bytes twice would count one document twice
    apps_of: dict[str, set[str]] = {}
    for r in rows:
        apps_of.setdefault(r["sha256"], set()).add(r["app_id"])
    assert not {s: a for s, a in apps_of.items() if len(a) > 1}
    for r in rows:
        assert re.fullmatch(r"[0-9a-f]{40}", r["commit"]) and re.fullmatch(r"[0-9a-f]{40}", r["git_blob"])
        assert re.fullmatch(r"[0-9a-f]{64}", r["sha256"])


def test_materialise_from_a_snapshot_by_blob_id(tmp_path: Path) -> None:
    repo = tmp_path / "mirror" / "someone+docs" / "repo"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    data = "电子发票（普通发票）测试内容".encode()
    (repo / "a.pdf").write_bytes(data)
    blob = subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-w", "a.pdf"], capture_output=True, text=True, check=True
    ).stdout.strip()
    corpus = tmp_path / "corpus"
    (corpus / "truth").mkdir(parents=True)
    (corpus / "truth" / "x-001.json").write_text(
        '{"application_id": "x-001", "split": "tune", "documents": []}', encoding="utf-8"
    )
    sha = hashlib.sha256(data).hexdigest()
    head = "app_id\tfile\tsource_repo\tcommit\tgit_blob\tsha256\tlicense\n"
    rows = f"x-001\ta.pdf\tsomeone/docs\t{'0' * 40}\t{blob}\t{sha}\tnone stated\n"
    rows += f"x-002\tb.pdf\tnobody/absent\t{'0' * 40}\t{blob}\t{sha}\tnone stated\n"
    (corpus / "MANIFEST.tsv").write_text(head + rows, encoding="utf-8")
    out = tmp_path / "out"
    written, problems = realcorpus.materialise(out, tmp_path / "mirror", corpus)
    assert written == 1 and (out / "applications" / "x-001" / "a.pdf").read_bytes() == data
    assert len(problems) == 1 and "nobody/absent" in problems[0]
    assert (out / "truth" / "x-001.json").exists()

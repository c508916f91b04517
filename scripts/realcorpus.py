"""Rebuild the real corpus (issue 12) from fetched snapshots of its public source repositories.

The documents are copies of files in public repositories; they are not committed here. What is
committed is ``bench/realcorpus/``: ``MANIFEST.tsv`` (for each document its repository, the
commit it was taken at, its git blob id and sha256, its licence) and ``truth/`` (the values
printed on each document, written by looking at it; fields naming private persons are left out).

To rebuild: bring each repository of the manifest onto this machine (the session tools'
``fetch``; snapshots land in ``/work/.mirror/<owner>+<name>/``), then run

    python scripts/realcorpus.py --out ../corpus [--mirrors /work/.mirror]

Each document is read from its snapshot by its blob id and checked against its sha256; the
truth files are copied beside them. ``evreview eval ../corpus`` then scores it
(``tests/test_realcorpus.py`` finds it at ``../corpus``). A document whose snapshot is missing
is listed, not guessed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "realcorpus"


def git_dirs(mirrors: Path, repo: str) -> list[Path]:
    base = mirrors / repo.replace("/", "+")
    return [d for d in (base / "repo" / ".git", base / "repo") if (d / "objects").is_dir()]


def blob_bytes(git_dir: Path, blob: str) -> bytes | None:
    proc = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "blob", blob],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return proc.stdout if proc.returncode == 0 else None


def materialise(out: Path, mirrors: Path, corpus: Path = CORPUS) -> tuple[int, list[str]]:
    """Write ``out/applications/<id>/<file>`` and ``out/truth``; returns (written, problems)."""
    problems: list[str] = []
    written = 0
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        target = out / "applications" / row["app_id"] / row["file"]
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == row["sha256"]:
            written += 1
            continue
        data = None
        for gd in git_dirs(mirrors, row["source_repo"]):
            data = blob_bytes(gd, row["git_blob"])
            if data is not None:
                break
        if data is None:
            problems.append(
                f"{row['app_id']}: 未找到 {row['source_repo']} 的快照或其中的文件（先 fetch 该仓库）"
            )
            continue
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            problems.append(f"{row['app_id']}: sha256 不符，未写入")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for t in sorted((corpus / "truth").glob("*.json")):
        shutil.copyfile(t, out / "truth" / t.name)
    return written, problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="从已获取的公开仓库快照重建真实文档语料")
    ap.add_argument("--out", type=Path, required=True, help="输出目录（含 applications/ 与 truth/）")
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="仓库快照所在目录")
    args = ap.parse_args(argv)
    written, problems = materialise(args.out, args.mirrors)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"已写入 {written} 份文档，{len(problems)} 份缺失")
    return 0 if not problems else 2


if __name__ == "__main__":
    sys.exit(main())

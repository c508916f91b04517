"""Print the hostile-input table (case, expected, observed) the way the suite runs it.

    python -m tests.hostile.report [OUT.md]

Each case goes through ``evreview extract`` in its own process, as in tests/test_hostile.py.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from tests.hostile.cases import CASES, build_all
from tests.test_hostile import PER_FILE_SECONDS, _env, _run

CJK = re.compile(r"[\u4e00-\u9fff]")


def main() -> int:
    rows = ["| case | input | expected | exit | seconds | peak RSS MB | message (Chinese) |", "|---|---|---|---|---|---|---|"]
    totals = {"cases": 0, "tracebacks": 0, "crashes": 0, "over_limit": 0, "no_chinese": 0, "stray_files": 0}
    peak_all = 0.0
    with tempfile.TemporaryDirectory() as d:
        base = Path(d)
        for case, path in build_all(base / "cases", {c.name for c in CASES}):
            work, tmp = base / "w" / case.name, base / "t" / case.name
            work.mkdir(parents=True)
            tmp.mkdir(parents=True)
            out_json = base / f"{case.name}.json"
            proc, seconds, peak = _run(["extract", str(path), "--json", str(out_json)], work, _env(tmp), PER_FILE_SECONDS + 40)
            text = proc.stdout + proc.stderr
            totals["cases"] += 1
            totals["tracebacks"] += "Traceback" in text
            totals["crashes"] += proc.returncode not in (0, 2)
            totals["over_limit"] += seconds > PER_FILE_SECONDS + 5
            totals["stray_files"] += bool(list(work.iterdir()) or list(tmp.iterdir()))
            lines = [ln.strip() for ln in text.splitlines() if CJK.search(ln)]
            msg = next((ln for ln in lines if "错误" in ln or "evreview：" in ln or "注意" in ln or "页：" in ln), "")
            if not msg:
                msg = out_json.read_text(encoding="utf-8")[:0] if out_json.exists() else ""
                msg = next((ln for ln in lines[1:]), lines[0] if lines else "")
            totals["no_chinese"] += not CJK.search(msg)
            peak_all = max(peak_all, peak)
            rows.append(
                f"| {case.name} | {case.what} | {case.expect} | {proc.returncode} | {seconds:.1f} | {peak:.0f} | {msg[:110].replace('|', '/')} |"
            )
    summary = (
        f"\n{totals['cases']} cases · {totals['tracebacks']} tracebacks · {totals['crashes']} crashes of the calling process · "
        f"{totals['over_limit']} over the per-file limit ({PER_FILE_SECONDS} s) · peak RSS {peak_all:.0f} MB · "
        f"{totals['stray_files']} with files outside the temp dir · {totals['no_chinese']} without a Chinese message"
    )
    text = "\n".join(rows) + "\n" + summary + "\n"
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of opening a nested-zip bomb: one budget per archive tree vs a fresh budget each.

The bomb: an application zip holding N inner zips; each inner zip holds 480 members of
0.9 MB that compress about 90:1 (under every per-archive cap: 432 MB declared < 512 MB,
480 entries < 5000, members under 1 MB escape the per-member ratio check). With default
limits, each measurement runs ``iter_package`` in a fresh process and reports its peak RSS
(``ru_maxrss``), the bytes it returned and the time.

    python bench/zip_memory.py [--inner 4] [--old-rev 27e5f6c]

``--old-rev``: the git revision whose ``extractor/zipsafe.py`` had a fresh budget per
archive (loaded from git history into a temporary module; skipped without git).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import importlib.util, json, resource, sys, time
sys.path.insert(0, sys.argv[3])
spec = importlib.util.spec_from_file_location("zipsafe_under_test", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
files, errors = mod.iter_package(sys.argv[2])
print(json.dumps({
    "seconds": round(time.perf_counter() - t, 2),
    "returned_mb": round(sum(len(d) for _, d in files) / 2**20, 1),
    "files": len(files),
    "errors": len(errors),
    "rss_before_mb": round(base / 1024, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def build_bomb(path: Path, n_inner: int) -> None:
    # members written one at a time: this process stays small, and a child inherits the
    # parent's peak RSS (Linux keeps ru_maxrss across fork + exec)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(480):
            zf.writestr(f"m{i}.bin", os.urandom(9_000) + b"\0" * 891_000)
    inner = buf.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for k in range(n_inner):
            zf.writestr(f"附件{k}.zip", inner)


def measure(module: Path, bomb: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(module), str(bomb), str(ROOT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inner", type=int, default=4, help="inner zips in the bomb")
    ap.add_argument("--old-rev", default="27e5f6c", help="revision with a budget per archive")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="zipmem-") as tmp:
        bomb = Path(tmp) / "app.zip"
        build_bomb(bomb, a.inner)
        print(f"bomb: {bomb.stat().st_size / 2**20:.1f} MB on disk, {a.inner} inner zips × 480 × 0.9 MB")
        rows = [("tree budget (this tree)", ROOT / "extractor" / "zipsafe.py")]
        old = Path(tmp) / "zipsafe_old.py"
        try:
            src = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{a.old_rev}:extractor/zipsafe.py"],
                capture_output=True,
                check=True,
            ).stdout
            old.write_bytes(src)
            rows.insert(0, (f"budget per archive ({a.old_rev})", old))
        except (OSError, subprocess.CalledProcessError):
            print(f"(git revision {a.old_rev} not available: measuring this tree only)")
        for label, mod in rows:
            r = measure(mod, bomb)
            print(
                f"{label:32s} peak RSS {r['peak_rss_mb']:7.1f} MB (start {r['rss_before_mb']:.0f}), "
                f"returned {r['returned_mb']:7.1f} MB in {r['files']} files, {r['errors']} errors, {r['seconds']} s"
            )


if __name__ == "__main__":
    main()

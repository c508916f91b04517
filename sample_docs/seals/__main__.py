"""Generate the seal test set.

    python -m sample_docs.seals --out DIR      write DIR/applications/<id>/… and DIR/truth/<id>.json
    python -m sample_docs.seals --check [--out DIR]   exit 0 if DIR matches the generator (default: sample_docs/seals/out)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generate import OUT, check, generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sample_docs.seals", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: sample_docs/seals/out)")
    ap.add_argument("--check", action="store_true", help="only check that the files on disk are up to date")
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.out)
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print("印章样例与生成器一致" if not problems else f"印章样例需重新生成（{len(problems)} 处不一致）")
        return 0 if not problems else 1
    t0 = time.monotonic()
    hashes = generate(args.out)
    size = sum((args.out / rel).stat().st_size for rel in hashes)
    print(f"已生成 {len(hashes)} 个文件，共 {size / 1e6:.2f} MB，用时 {time.monotonic() - t0:.1f} 秒 → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

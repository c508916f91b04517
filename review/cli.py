"""Command line: ``evreview verify | batch | extract | eval | rules | policy | backup`` (CONTRACT section 2)."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

from models.contract import DOC_TYPE_LABELS, VERDICT_LABELS, ExtractResult
from models.vocab import DEFAULT_DB
from review.atomic import write_text_atomic

# Each command imports what it runs inside its own function, on purpose: measured here
# (python -X importtime, 2-core machine) review.batch costs about 540 ms, verifiers 410 ms,
# review.worker 220 ms, review.store 140 ms, extractor.extract 120 ms; `evreview rules` or
# `evreview policy check` would otherwise pay for the whole reading stack.

EXIT_OK = 0
EXIT_USAGE = 2


class _ArgParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # Chinese message, exit 2, no traceback
        self.print_usage(sys.stderr)
        print(f"evreview：参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _fail(message: str) -> int:
    print(f"evreview：{message}", file=sys.stderr)
    return EXIT_USAGE


def _write_text_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text)


def _make_reader(args: argparse.Namespace):
    from review.worker import InProcessReader, IsolatedReader

    return InProcessReader() if getattr(args, "no_isolation", False) else IsolatedReader()


def _make_cache(args: argparse.Namespace):
    if getattr(args, "no_cache", False):
        return None
    from review.cache import ReadCache

    db = getattr(args, "db", None) or str(DEFAULT_DB)
    try:
        return ReadCache(db)
    except Exception as exc:  # an unwritable cache location must not stop verification
        print(f"evreview：缓存不可用（{exc}），本次不使用缓存", file=sys.stderr)
        return None


# -- backup ------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    """Online copy of the review database (SQLite backup API; the UI may keep writing)."""
    from review.store import StoreError, backup_database, default_db_path

    src = Path(args.db) if args.db else default_db_path()
    try:
        info = backup_database(src, Path(args.out))
    except (StoreError, OSError, sqlite3.Error) as exc:
        return _fail(f"备份失败：{exc}")
    print(
        f"已备份 {src} → {info['path']}（{info['bytes'] / 1024:.0f} KB，数据库版本 {info['schema_version']}，"
        f"申报 {info.get('applications', 0)} 份，审核决定 {info.get('decisions', 0)} 条，完整性检查通过）"
    )
    print("提示：证据文件保存在数据库旁的 files/ 目录，请一并复制（内容寻址，可增量复制）。")
    return EXIT_OK


# -- extract -----------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from extractor.extract import extract_documents

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"文件不存在或不是普通文件：{path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _fail(f"无法读取文件 {path}：{exc.strerror or exc}")
    profile, labels = None, DOC_TYPE_LABELS
    if args.policy:
        from verifiers import load_policy

        try:
            policy = load_policy(args.policy)
        except Exception as exc:
            return _fail(f"无法加载政策文件 {args.policy}：{exc}")
        profile, labels = policy.extraction, policy.doc_type_labels
    with _make_reader(args) as reader:
        read = reader.read(data, path.name)
    documents = extract_documents(read, profile)
    result = ExtractResult(file=str(path), documents=documents, errors=list(read.errors))
    if args.json:
        _write_text_atomic(Path(args.json), result.to_json())
    readable = any(p.lines for p in read.pages) or bool(read.structured)
    print(
        f"文件：{path.name}（{read.kind}，{len(read.pages)} 页，读取方式 {read.method}，OCR 调用 {read.ocr_calls} 次）"
    )
    for msg in read.warnings:
        print(f"  注意：{msg}")
    for msg in read.errors:
        print(f"  错误：{msg}")
    for page in read.pages:
        for msg in page.warnings:
            print(f"  第 {page.number} 页：{msg}")
    for doc in documents:
        label = labels.get(doc.doc_type, doc.doc_type)
        print(f"- {label}（{doc.doc_type}） 页 {doc.pages} 方式 {doc.method}")
        for key, fv in doc.fields.items():
            value = fv.model_dump()["value"]
            shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
            print(f"    {key}: {shown[:120]}  (第{fv.page}页, 置信度 {fv.confidence:.2f})")
    if not readable:
        page_msgs = [m for p in read.pages for m in p.warnings]
        return _fail("文件无法读取：" + "；".join(read.errors or page_msgs or ["未读出任何文字"]))
    return EXIT_OK


# -- verify ------------------------------------------------------------------------


def _summary_line(app) -> str:
    counts = Counter(f.status for f in app.findings)
    from verifiers.policy import direction_label

    direction = direction_label(app.direction) or "未识别"
    company = app.declared.get("company_name") or "（未读出单位名称）"
    return (
        f"{app.application_id}  {company}  方向：{direction}  结论：{VERDICT_LABELS[app.verdict]}  "
        f"不符合 {counts['fail']} · 缺少 {counts['missing']} · 需关注 {counts['warn']} · 需复核 {counts['review']}"
    )


def cmd_verify(args: argparse.Namespace) -> int:
    from review.pipeline import verify_application
    from verifiers import load_policy

    path = Path(args.app)
    if not path.exists():
        return _fail(f"申报材料不存在：{path}")
    if path.is_file() and path.suffix.lower() != ".zip":
        return _fail(f"申报材料应为文件夹或 .zip 压缩包：{path}")
    try:
        policy = load_policy(args.policy)
    except Exception as exc:
        return _fail(f"无法加载政策文件 {args.policy}：{exc}")
    bad = _direction_error(args.direction, policy)
    if bad:
        return _fail(bad)
    cache = _make_cache(args)
    with _make_reader(args) as reader:
        app = verify_application(path, reader, cache=cache, direction=args.direction, policy=policy)
    if args.json:
        _write_text_atomic(Path(args.json), app.to_json())
    print(_summary_line(app))
    from models.contract import STATUS_LABELS, STATUS_ORDER

    for f in sorted(app.findings, key=lambda f: STATUS_ORDER[f.status]):
        if f.status == "pass" and not args.verbose:
            continue
        print(f"  [{STATUS_LABELS[f.status]}] {f.rule}：{f.message}")
    return EXIT_OK


def _direction_error(direction: str | None, policy) -> str | None:
    """``--direction`` must be one of the policy's directions (the choices come from it)."""
    if direction is None or direction in policy.directions:
        return None
    offered = "、".join(f"{k}（{d.label}）" for k, d in policy.directions.items())
    return f"--direction：「{direction}」不是政策文件 {policy.name} 的申报方向；可选：{offered}"


# -- policy / rules ------------------------------------------------------------------


def cmd_policy(args: argparse.Namespace) -> int:
    from verifiers import check_file
    from verifiers.checklist import checklist

    policy, errors = check_file(args.file)
    if errors or policy is None:
        print(f"政策文件 {args.file} 有 {len(errors)} 处错误：", file=sys.stderr)
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "check":
        n = sum(len(d.rules) for d in policy.directions.values())
        print(
            f"政策文件 {policy.name} 有效：{len(policy.directions)} 个申报方向、{n} 项方向核验、"
            f"{len(policy.batch.rules)} 项跨申报核验、新增材料类型 {len(policy.doc_types)} 种"
            f"（sha256 {policy.digest[:16]}）"
        )
    else:
        print(checklist(policy))
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from verifiers import catalogue, load_policy

    policy = None
    if args.policy:
        try:
            policy = load_policy(args.policy)
        except Exception as exc:
            return _fail(f"无法加载政策文件 {args.policy}：{exc}")
    rows = catalogue(policy)
    if args.json:
        _write_text_atomic(Path(args.json), json.dumps(rows, ensure_ascii=False, indent=2))
    for r in rows:
        if policy is not None and not r["clauses"]:
            continue
        print(f"{r['id']}  {r['name']}（{r['kind']}）")
        if policy is not None:
            print(f"    依据：{'；'.join(r['clauses'])}    方向：{'、'.join(r['directions'])}")
        print(f"    检查：{r['checks']}")
        if r["params"]:
            print(f"    参数：{', '.join(r['params'])}")
    return EXIT_OK


# -- batch -------------------------------------------------------------------------


def cmd_batch(args: argparse.Namespace) -> int:
    from review.batch import format_summary, run_batch

    root = Path(args.root)
    if not root.is_dir():
        return _fail(f"申报材料根目录不存在：{root}")
    if args.workers is not None and args.workers < 1:
        return _fail("--workers 至少为 1")
    from verifiers import load_policy

    try:
        policy = load_policy(args.policy)
    except Exception as exc:
        return _fail(f"无法加载政策文件 {args.policy}：{exc}")
    bad = _direction_error(args.direction, policy)
    if bad:
        return _fail(bad)
    try:
        summary = run_batch(
            root,
            Path(args.out),
            workers=args.workers,
            engine=args.engine,
            address=args.address,
            direction=args.direction,
            policy_name=args.policy,
            use_cache=not args.no_cache,
            db=args.db,
            isolation=not args.no_isolation,
            show_progress=not args.quiet,
            ocr_threads=args.ocr_threads,
        )
    except FileNotFoundError as exc:
        return _fail(str(exc))
    print(format_summary(summary, args.out))
    return EXIT_OK


# -- eval --------------------------------------------------------------------------


def _eval_progress(app_id: str, done: int, total: int) -> None:
    """One stderr line per application: an OCR-heavy evaluation takes minutes."""
    if app_id:
        print(f"评估 {done + 1}/{total}：{app_id}", file=sys.stderr, flush=True)
    else:
        print(f"评估完成：{total} 份申报", file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    from review.evaluate import evaluate_dir

    root = Path(args.dir)
    if not root.is_dir():
        return _fail(f"目录不存在：{root}")
    started = time.monotonic()
    with _make_reader(args) as reader:
        report = evaluate_dir(
            root,
            reader,
            cache=_make_cache(args),
            only=args.only,
            split=args.split,
            progress=None if args.quiet else _eval_progress,
        )
    print(report.render())
    if args.json:
        _write_text_atomic(Path(args.json), json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    print(f"用时 {time.monotonic() - started:.1f} 秒")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = _ArgParser(prog="evreview", description="福建省省级人工智能产业发展项目申报材料核验工具")
    p.add_argument("--log-level", default="WARNING", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, parser_class=_ArgParser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--no-isolation", action="store_true", help="在本进程内读取文件（仅调试用）")

    def cached(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--no-cache", action="store_true", help="不使用读取缓存，全部重新读取")
        sp.add_argument("--db", default=None, help="SQLite 数据库路径（默认 data/evreview.db）")

    sp = sub.add_parser("extract", help="识别并抽取单个文件")
    sp.add_argument("file")
    sp.add_argument("--json", help="把结果写入 JSON 文件")
    sp.add_argument("--policy", default=None, help="按该政策文件识别其新增的材料类型与申报方向")
    common(sp)
    sp.set_defaults(func=cmd_extract)

    sp = sub.add_parser("verify", help="核验一份申报材料（文件夹或 zip）")
    sp.add_argument("app")
    sp.add_argument("--json", help="把结果写入 JSON 文件")
    sp.add_argument("--direction", help="覆盖申报表中读出的申报方向（取值为政策文件中的方向键）")
    sp.add_argument("--policy", default=None, help="政策文件名或路径（默认 fujian-ai-2024）")
    sp.add_argument("-v", "--verbose", action="store_true", help="也列出通过的检查")
    common(sp)
    cached(sp)
    sp.set_defaults(func=cmd_verify)

    sp = sub.add_parser("batch", help="批量核验 ROOT 下的全部申报材料")
    sp.add_argument("root")
    sp.add_argument("--out", required=True, help="输出目录")
    sp.add_argument("--workers", type=int, default=None, help="并行进程数（默认每核一个）")
    sp.add_argument("--engine", choices=["local", "ray"], default="local")
    sp.add_argument("--address", default=None, help="Ray 集群地址（--engine ray）")
    sp.add_argument("--direction", help=argparse.SUPPRESS)
    sp.add_argument("--policy", default=None, help="政策文件名或路径（默认 fujian-ai-2024）")
    sp.add_argument(
        "--ocr-threads", type=int, default=None, help="每个读取进程的 OCR 线程数（默认：多进程时为 1）"
    )
    sp.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    common(sp)
    cached(sp)
    sp.set_defaults(func=cmd_batch)

    sp = sub.add_parser("rules", help="规则目录：编号、中文名称、所依据的条款、检查内容")
    sp.add_argument("--policy", default=None, help="只列出该政策文件运行的规则及其条款")
    sp.add_argument("--json", help="把规则目录写入 JSON 文件")
    sp.set_defaults(func=cmd_rules)

    sp = sub.add_parser("policy", help="校验政策文件（check）或打印核验清单（show）")
    sp.add_argument("action", choices=["check", "show"])
    sp.add_argument("file", help="政策文件路径或名称（如 fujian-ai-2024）")
    sp.set_defaults(func=cmd_policy)

    sp = sub.add_parser("backup", help="在线备份审核数据库（界面运行时也可安全执行）")
    sp.add_argument("out", help="备份文件路径，或目录（文件名按北京时间生成）")
    sp.add_argument("--db", default=None, help="数据库路径（默认 EVREVIEW_DB 或 data/evreview.db）")
    sp.set_defaults(func=cmd_backup)

    sp = sub.add_parser("eval", help="用真值 JSON 评估抽取准确率（sample_docs 格式）")
    sp.add_argument("dir", help="含 applications/ 与 truth/ 的目录，例如 sample_docs")
    sp.add_argument("--json", help="把评估结果写入 JSON 文件")
    sp.add_argument("--only", default=None, help="只评估 application_id 以此开头的申报")
    sp.add_argument("--split", default=None, help="只评估真值中 split 为此值的申报（如 firstlook、tune）")
    sp.add_argument("--quiet", action="store_true", help="不显示进度")
    common(sp)
    cached(sp)
    sp.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=getattr(logging, str(args.log_level).upper(), logging.WARNING))
    from review.runtmp import private_tmpdir

    def _stop(*_a: object) -> None:  # `kill` stops as cleanly as Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C (SIGINT) stops cleanly even when the command was started in the background by a
    # non-interactive shell (`cmd &`), which starts it with SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with private_tmpdir():
            if not getattr(args, "no_isolation", True) and getattr(args, "engine", "local") == "local":
                # the readers' fork server loads the reading stack while this process
                # loads the rules and the rest
                from review.worker import start_reader_server

                start_reader_server()
            return int(args.func(args))
    except KeyboardInterrupt:
        print("evreview：已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""Every ``EVREVIEW_*`` setting, read in one place.

``current()`` reads the environment each time it is called (it is cheap): a batch worker sets
``EVREVIEW_OCR_THREADS`` for itself before its OCR engine starts, so a value frozen at import
would be wrong there. Code asks ``current().ocr_threads`` instead of reading ``os.environ``.
A value that does not parse is ignored (the default applies) and named in ``problems`` in
Chinese, so a command can tell the reviewer which setting it did not understand.

The README's table of settings lists the same names; ``tests/test_settings.py`` keeps the two
in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from models.vocab import DEFAULT_DB, DEFAULT_INTAKE

OCR_RUNTIMES = ("auto", "openvino", "onnxruntime")
OCR_PRECISIONS = ("auto", "bf16", "f32")
READER_STARTS = ("", "fork", "forkserver", "spawn")

# name -> what it sets (Chinese: the README table and `evreview` help show it)
SETTINGS_HELP: dict[str, str] = {
    "EVREVIEW_DB": "审核数据库路径（默认 data/evreview.db）",
    "EVREVIEW_INTAKE": "界面读取的申报材料目录",
    "EVREVIEW_SAMPLES": "同上（旧名；EVREVIEW_INTAKE 优先）",
    "EVREVIEW_PASSWORD": "界面共享口令（未设置则不需登录）",
    "EVREVIEW_READER_START": "读取子进程的启动方式：fork | forkserver | spawn",
    "EVREVIEW_SPLIT_MIN_OCR_PAGES": "扫描页数达到此数的 PDF 在批处理中分段读取（默认 4；0 为不分段）",
    "EVREVIEW_OCR_THREADS": "OCR 推理线程数",
    "EVREVIEW_OCR_RUNTIME": "OCR 推理引擎：auto | openvino | onnxruntime",
    "EVREVIEW_OCR_PRECISION": "OpenVINO 推理精度：auto | bf16 | f32",
    "EVREVIEW_OCR_DET_MAX_SIDE": "文字检测输入长边上限（像素，0 为不限）",
    "EVREVIEW_OCR_PROBE_CACHE": "OCR 引擎测速结果的缓存文件",
    "EVREVIEW_OCR_OV_CACHE": "OpenVINO 每种输入尺寸的内核缓存容量",
    "EVREVIEW_LIMIT_<NAME>": "读取限额（如 EVREVIEW_LIMIT_PER_FILE_SECONDS），见 extractor/limits.py",
}


@dataclass(frozen=True)
class Settings:
    db: Path = DEFAULT_DB
    intake: Path = DEFAULT_INTAKE
    password: str | None = None
    reader_start: str = ""
    split_min_ocr_pages: int = 4  # 0: never split
    ocr_threads: int | None = None
    ocr_runtime: str = "auto"
    ocr_precision: str = "auto"
    ocr_det_max_side: int | None = None
    ocr_probe_cache: Path | None = None
    ocr_ov_cache: int | None = None
    limits: dict[str, str] = field(default_factory=dict)  # EVREVIEW_LIMIT_<NAME> → raw text
    problems: tuple[str, ...] = ()


def _int(env: Mapping[str, str], name: str, problems: list[str], minimum: int = 0) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        problems.append(f"环境变量 {name}={raw!r} 不是整数，已忽略")
        return None
    if value < minimum:
        problems.append(f"环境变量 {name}={raw!r} 小于 {minimum}，已忽略")
        return None
    return value


def _default(value: int | None, default: int) -> int:
    return default if value is None else value


def _choice(
    env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str, problems: list[str]
) -> str:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        problems.append(
            f"环境变量 {name}={raw!r} 无效（可选：{' | '.join(c for c in choices if c)}），已忽略"
        )
        return default
    return raw


def current(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings as the environment gives them now.

    >>> s = current({"EVREVIEW_DB": "/tmp/x.db", "EVREVIEW_OCR_THREADS": "2", "EVREVIEW_LIMIT_PER_FILE_SECONDS": "600"})
    >>> (str(s.db), s.ocr_threads, s.limits, s.problems)
    ('/tmp/x.db', 2, {'per_file_seconds': '600'}, ())
    >>> current({"EVREVIEW_OCR_RUNTIME": "tpu", "EVREVIEW_OCR_THREADS": "two"}).problems[0]
    "环境变量 EVREVIEW_OCR_THREADS='two' 不是整数，已忽略"
    >>> current({}).intake, current({"EVREVIEW_SAMPLES": "a", "EVREVIEW_INTAKE": "b"}).intake
    (PosixPath('sample_docs/applications'), PosixPath('b'))
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []
    intake = (env.get("EVREVIEW_INTAKE") or env.get("EVREVIEW_SAMPLES") or "").strip()
    probe = (env.get("EVREVIEW_OCR_PROBE_CACHE") or "").strip()
    limits = {
        k[len("EVREVIEW_LIMIT_") :].lower(): v
        for k, v in env.items()
        if k.startswith("EVREVIEW_LIMIT_") and v
    }
    return Settings(
        db=Path(env.get("EVREVIEW_DB") or DEFAULT_DB),
        intake=Path(intake) if intake else DEFAULT_INTAKE,
        password=env.get("EVREVIEW_PASSWORD") or None,
        reader_start=_choice(env, "EVREVIEW_READER_START", READER_STARTS, "", problems),
        split_min_ocr_pages=_default(_int(env, "EVREVIEW_SPLIT_MIN_OCR_PAGES", problems, 0), 4),
        ocr_threads=_int(env, "EVREVIEW_OCR_THREADS", problems, 1),
        ocr_runtime=_choice(env, "EVREVIEW_OCR_RUNTIME", OCR_RUNTIMES, "auto", problems),
        ocr_precision=_choice(env, "EVREVIEW_OCR_PRECISION", OCR_PRECISIONS, "auto", problems),
        ocr_det_max_side=_int(env, "EVREVIEW_OCR_DET_MAX_SIDE", problems, 0),
        ocr_probe_cache=Path(probe) if probe else None,
        ocr_ov_cache=_int(env, "EVREVIEW_OCR_OV_CACHE", problems, -1),
        limits=limits,
        problems=tuple(problems),
    )

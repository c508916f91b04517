"""The intake folder the UI works on (EVREVIEW_INTAKE, or its older name EVREVIEW_SAMPLES)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from models import settings
from review.batch_intake import find_applications


@dataclass
class IntakeFile:
    name: str
    size_kb: float


@dataclass
class IntakeApp:
    application_id: str
    path: Path
    files: list[IntakeFile] = field(default_factory=list)


def intake_root() -> Path:
    return settings.current().intake


def list_intake(root: Path | None = None) -> tuple[Path, list[IntakeApp]]:
    """Applications under the intake root with their files (names only; nothing parsed)."""
    root = root or intake_root()
    if not root.is_dir():
        return root, []
    out = []
    for app in find_applications(root):
        app_id = app.stem if app.is_file() else app.name
        if app.is_file():
            files = [IntakeFile(app.name, round(app.stat().st_size / 1024, 1))]
        else:
            files = [
                IntakeFile(str(p.relative_to(app)), round(p.stat().st_size / 1024, 1))
                for p in sorted(app.rglob("*"))
                if p.is_file() and not p.name.startswith(".")
            ]
        out.append(IntakeApp(app_id, app, files))
    return root, out

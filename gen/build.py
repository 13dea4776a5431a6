"""One unit, start to finish: read -> check -> compute -> render -> write (atomically)."""
from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalog import Catalog
from .checks import check_budget
from .reader import read_budget
from .compute import compute
from .findings import Findings, UnusableFile
from .render import Renderer


class OutputLocked(Exception):
    """The output file is open in another program (Word/WPS keep it locked on Windows)."""


@dataclass
class UnitResult:
    source: Path
    unit: str = ""
    year: int = 0
    status: str = "ok"  # ok | errors | unusable | failed
    findings: Findings = field(default_factory=Findings)
    output: Path | None = None
    message: str = ""


def output_name(unit: str, year: int) -> str:
    """``<单位名称><年度>年单位预算公开.docx``; characters Windows forbids in file names are replaced."""
    safe = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in unit).strip(" .") or "未命名单位"
    return f"{safe}{year}年单位预算公开.docx"


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a crash or Ctrl-C never leaves half a document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise OutputLocked(f"{path}：文件被其他程序占用（可能正在 Word/WPS 中打开），请关闭后重试。") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_unit(source: Path, out_dir: Path, renderer: Renderer, catalog: Catalog | None = None,
               reason_threshold=None, timings: dict[str, float] | None = None) -> UnitResult:
    """Build one workbook; every failure comes back as a result, never as an exception.

    ``timings``, if given, receives the seconds spent in each stage (read, check, compute, render,
    write) — ``python -m gen.bench`` reports them.
    """
    clock = _Stopwatch(timings)
    result = UnitResult(Path(source))
    try:
        budget, findings = read_budget(source)
    except UnusableFile as exc:
        result.status, result.message = "unusable", str(exc)
        return result
    finally:
        clock.lap("read")
    result.unit, result.year = budget.unit.name, budget.unit.year
    findings.extend(check_budget(budget, catalog, reason_threshold or Decimal(0), read_findings=findings))
    clock.lap("check")
    result.findings = findings
    if findings.errors:
        result.status = "errors"
        result.message = f"有 {len(findings.errors)} 个错误，未生成文档。请先运行 gen check 查看并改正。"
        return result
    disclosure = compute(budget, catalog)
    clock.lap("compute")
    data = renderer.render(disclosure)
    clock.lap("render")
    target = Path(out_dir) / output_name(budget.unit.name, budget.unit.year)
    write_atomic(target, data)
    clock.lap("write")
    result.output = target
    return result


class _Stopwatch:
    """Stage timings for ``build_unit`` (a no-op unless a dict is given)."""

    def __init__(self, timings: dict[str, float] | None):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = time.perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
            self.last = now

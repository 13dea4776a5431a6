"""One unit, start to finish: read -> check -> compute -> render -> write (atomically)."""
from __future__ import annotations

import os
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalog import Catalog
from .checks import check_budget
from .reader import read_budget
from .compute import compute
from .docxengine import TemplateError
from .findings import Findings, UnusableFile
from .render import Renderer


_UMASK = os.umask(0)
os.umask(_UMASK)


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
    """``<单位名称><年度>年单位预算公开.docx``; characters Windows forbids in file names are replaced.

    Control and format characters (line breaks, bidirectional overrides that could disguise the
    extension) become "_" too, and the name is cut to 60 characters / 150 bytes: file systems allow
    255 bytes per name and Windows 260 characters per path.
    """
    safe = "".join("_" if ch in '\\/:*?"<>|' or (unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch != "\u200d")
                   else ch for ch in unit)
    safe = safe[:60]
    while len(safe.encode("utf-8")) > 150:
        safe = safe[:-1]
    safe = safe.strip(" ._") or "未命名单位"
    return f"{safe}{year}年单位预算公开.docx"


_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a crash or Ctrl-C never leaves half a document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a published file is readable like any other
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
    try:
        data = renderer.render(disclosure)
    except TemplateError as exc:  # a template edited in Word/WPS that is broken or reaches for internals
        result.status, result.message = "failed", f"Word 模板渲染失败，未生成文档：{exc}"
        return result
    clock.lap("render")
    target = Path(out_dir) / output_name(budget.unit.name, budget.unit.year)
    try:
        write_atomic(target, data)
    except OutputLocked as exc:
        result.status, result.message = "failed", str(exc)
        return result
    except OSError as exc:  # read-only folder, disk full, a folder where the file should go
        result.status = "failed"
        result.message = (f"无法写入输出文件 {target}（{exc.strerror or exc}），未生成文档。"
                          "请检查输出文件夹的权限和磁盘空间。")
        return result
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

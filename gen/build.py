"""One unit, start to finish: read -> check -> compute -> render -> write (atomically)."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog
from .checks import check_budget
from .compute import compute
from .findings import Findings, UnusableFile
from .reader import read_budget
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
               reason_threshold=None) -> UnitResult:
    """Build one workbook; every failure comes back as a result, never as an exception."""
    result = UnitResult(Path(source))
    try:
        budget, findings = read_budget(source)
    except UnusableFile as exc:
        result.status, result.message = "unusable", str(exc)
        return result
    result.unit, result.year = budget.unit.name, budget.unit.year
    kwargs = {} if reason_threshold is None else {"reason_threshold": reason_threshold}
    findings.extend(check_budget(budget, catalog, **kwargs))
    result.findings = findings
    if findings.errors:
        result.status = "errors"
        result.message = f"有 {len(findings.errors)} 个错误，未生成文档。请先运行 gen check 查看并改正。"
        return result
    data = renderer.render(compute(budget, catalog))
    target = Path(out_dir) / output_name(budget.unit.name, budget.unit.year)
    write_atomic(target, data)
    result.output = target
    return result

"""One unit, start to finish: read -> check -> compute -> render -> write (atomically)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .catalog import Catalog
from .checks import check_budget
from .reader import read_budget
from .compute import compute
from .docxengine import TemplateError
from .findings import Findings, UnusableFile
from .output import OutputError, safe_name, write_file
from .render import Renderer
from .verify import verify_docx

# A workbook in 元: each printed figure is rounded from its exact value, so a printed total may differ
# from the sum of its printed parts by up to half a cent per part.
YUAN_RESIDUAL = Decimal("0.005")


@dataclass
class UnitResult:
    source: Path
    unit: str = ""
    year: int = 0
    status: str = "ok"  # ok | errors | unusable | failed | unwritable
    findings: Findings = field(default_factory=Findings)
    output: Path | None = None
    message: str = ""


def output_name(unit: str, year: int) -> str:
    """``<单位名称><年度>年单位预算公开.docx``, made safe by the rule every file gen writes follows."""
    return safe_name(unit, f"{year}年单位预算公开.docx")


def write_atomic(path: Path, data: bytes) -> None:
    """A document into gen's output folder: gen's own output there is replaced (``gen.output``)."""
    write_file(path, data, overwrite=True)


def build_unit(source: Path, out_dir: Path, renderer: Renderer, catalog: Catalog | None = None,
               reason_threshold=None, timings: dict[str, float] | None = None) -> UnitResult:
    """Build one workbook; every failure comes back as a result, never as an exception.

    After rendering, the document is read back and checked against itself (``gen.verify``): a
    figure that disagrees anywhere fails the unit and nothing is written.  ``timings``, if given,
    receives the seconds spent in each stage (read, check, compute, render, verify, write) —
    ``python tools/bench.py`` reports them.
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
    problems = verify_docx(data, residual=YUAN_RESIDUAL if budget.unit.in_yuan else Decimal(0))
    clock.lap("verify")
    if problems:  # the document disagrees with itself: a bug of gen, and nothing is written
        result.status = "failed"
        shown = "；".join(f"{'、'.join(p.places)}：{p.message}" for p in problems[:3])
        more = f"等 {len(problems)} 处" if len(problems) > 3 else ""
        result.message = (f"文档自检（表文一致性）发现不一致，未生成文档：{shown}{more}。这是 gen 的缺陷，不是工作簿的问题，"
                          "请把工作簿发给技术支持。")
        return result
    target = Path(out_dir) / output_name(budget.unit.name, budget.unit.year)
    try:
        write_atomic(target, data)
    except OutputError as exc:  # open in Word, read-only folder, disk full, a folder where the file should go
        result.status, result.message = "unwritable", f"{exc} 未生成文档。"
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

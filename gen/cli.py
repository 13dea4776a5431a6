"""The ``gen`` command: template, check, build. Messages are for the clerk, in Chinese."""
from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from .catalog import Catalog, bundled
from .findings import ERROR, Findings, UnusableFile


def _catalog(path: str | None) -> Catalog:
    if not path:
        return bundled()
    try:
        return bundled().with_file(path)
    except (OSError, UnicodeDecodeError, KeyError) as exc:
        raise click.ClickException(f"目录文件 {path} 无法读取（{exc}）。应为 UTF-8 编码、含 code,name 两列的 CSV。")


def _threshold(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise click.BadParameter("应为数字（万元），如 0 或 0.5") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示程序调用栈（供开发人员排查）。")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """gen：单位预算公开文档生成工具。填写工作簿 → gen check 检查 → gen build 生成 Word。"""
    ctx.obj = {"debug": debug}


@main.command()
@click.option("-o", "--output", "output", default="单位预算公开填报模板.xlsx", show_default=True,
              type=click.Path(dir_okay=False), help="模板文件保存位置。")
def template(output: str) -> None:
    """生成空白的填报工作簿。"""
    from .workbook_write import write_workbook

    path = write_workbook(output)
    click.echo(f"已生成填报模板：{path}")


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False),
              help="完整的科目目录 CSV（code,name），补充内置的部分目录。")
@click.option("--reason-threshold", default="0", show_default=True,
              help="增减额超过此数（万元）时必须填写主要原因；默认任何增减都要填写。")
def check(workbooks: tuple[str, ...], as_json: bool, catalog_path: str | None, reason_threshold: str) -> None:
    """检查工作簿：列出全部错误和提示，指明工作表和单元格。"""
    from .checks import check_budget
    from .reader import read_budget

    catalog = _catalog(catalog_path)
    threshold = _threshold(reason_threshold)
    status, report = 0, []
    for name in workbooks:
        try:
            budget, findings = read_budget(name)
        except UnusableFile as exc:
            status = 2
            report.append({"file": name, "usable": False, "message": str(exc), "findings": []})
            if not as_json:
                click.echo(f"✗ {exc}", err=True)
            continue
        findings.extend(check_budget(budget, catalog, reason_threshold=threshold))
        if findings.errors:
            status = max(status, 1)
        report.append({"file": name, "usable": True, "findings": [f.as_json() for f in findings]})
        if not as_json:
            _print_findings(name, findings)
    if as_json:
        click.echo(json.dumps(report if len(report) > 1 else report[0]["findings"] if report[0]["usable"]
                              else report, ensure_ascii=False, indent=2))
    sys.exit(status)


def _print_findings(name: str, findings: Findings) -> None:
    errors, warnings = len(findings.errors), len(findings.warnings)
    if not findings.items:
        click.echo(f"✓ {name}：检查通过，没有发现问题。")
        return
    mark = "✗" if errors else "!"
    click.echo(f"{mark} {name}：{errors} 个错误，{warnings} 个提示。")
    for f in sorted(findings, key=lambda f: f.severity != ERROR):
        click.echo("  " + f.describe())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="输出文件夹。")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False),
              help="完整的科目目录 CSV（code,name）。")
@click.option("--reason-threshold", default="0", show_default=True, help="同 gen check。")
@click.pass_context
def build(ctx: click.Context, paths: tuple[str, ...], out_dir: str, catalog_path: str | None,
          reason_threshold: str) -> None:
    """检查并生成单位预算公开 Word 文档（有错误时不生成）。"""
    from .build import build_unit
    from .render import Renderer

    catalog = _catalog(catalog_path)
    renderer = Renderer()
    failed = False
    for name in paths:
        result = build_unit(Path(name), Path(out_dir), renderer, catalog, _threshold(reason_threshold))
        if result.output:
            click.echo(f"✓ {name} → {result.output}")
            for f in result.findings.warnings:
                click.echo("  " + f.describe())
        else:
            failed = True
            click.echo(f"✗ {name}：{result.message}", err=True)
            for f in result.findings:
                click.echo("  " + f.describe(), err=True)
    sys.exit(1 if failed else 0)

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


class _Guarded(click.Group):
    """No traceback reaches the clerk: an unexpected exception in any command becomes one Chinese
    line naming the files (exit 1), Ctrl-C exit 130; ``gen --debug …`` lets the exception through."""

    def invoke(self, ctx: click.Context):
        files = "、".join(a for a in ctx.args if not a.startswith("-"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            click.echo("\n已中断（没有留下写了一半的文件）。", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"✗ 处理 {files or '命令'} 时程序出错（{type(exc).__name__}：{exc}）。"
                       "请用 gen --debug … 重新运行，并把输出和工作簿发给技术支持。", err=True)
            sys.exit(1)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
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
    from .checks import check_workbook

    catalog = _catalog(catalog_path)
    threshold = _threshold(reason_threshold)
    status, report = 0, []
    for name in workbooks:
        try:
            _, findings = check_workbook(name, catalog, threshold)
        except UnusableFile as exc:
            status = 2
            report.append({"file": name, "severity": "error", "sheet": "", "cell": "", "cells": [],
                           "rule": "R00 文件无法读取", "message": str(exc)})
            if not as_json:
                click.echo(f"✗ {exc}", err=True)
            continue
        if findings.errors:
            status = max(status, 1)
        report.extend({"file": name, **f.as_json()} for f in findings)
        if not as_json:
            _print_findings(name, findings)
    if as_json:  # one flat list of findings, each naming its file: easy to filter or load into Excel
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
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
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="同时处理的进程数（默认：本机全部 CPU 核数）。")
@click.option("--pdf", is_flag=True, help="同时生成 PDF（需要安装 LibreOffice）。")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False),
              help="完整的科目目录 CSV（code,name）。")
@click.option("--reason-threshold", default="0", show_default=True, help="同 gen check。")
@click.pass_context
def build(ctx: click.Context, paths: tuple[str, ...], out_dir: str, jobs: int | None, pdf: bool,
          catalog_path: str | None, reason_threshold: str) -> None:
    """检查并生成单位预算公开 Word 文档（有错误时不生成）。

    PATHS 可以是工作簿，也可以是文件夹（其中的 .xlsx 全部处理，含子文件夹；跳过 ~$ 开头的锁定文件）。
    多个工作簿并行处理，完成后在输出文件夹写出“构建汇总.csv”。同一单位同一年度有两个工作簿时两个都不生成。
    """
    from .batch import SUMMARY_NAME, find_workbooks, run_batch
    from .build import OutputLocked
    from .pdf import LibreOfficeMissing

    catalog = _catalog(catalog_path)
    threshold = _threshold(reason_threshold)
    sources, empty = find_workbooks(paths)
    for folder in empty:
        click.echo(f"! 文件夹 {folder} 中没有找到 .xlsx 工作簿。", err=True)
    if not sources:
        click.echo("✗ 没有找到要处理的工作簿。", err=True)
        sys.exit(2)
    # One workbook named on the command line: print as before (every finding, no summary file).
    single = len(paths) == 1 and len(sources) == 1 and not Path(paths[0]).is_dir()
    debug = bool((ctx.obj or {}).get("debug"))
    try:
        with click.progressbar(length=len(sources) * (2 if pdf else 1), label="生成中", file=sys.stderr,
                               hidden=single) as bar:
            report = run_batch(sources, Path(out_dir), jobs=jobs, catalog=catalog, reason_threshold=threshold,
                               details=single, summary=not single, pdf=pdf, debug=debug,
                               progress=lambda _record: bar.update(1))
    except LibreOfficeMissing as exc:
        click.echo(f"✗ {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("\n已中断：" + ("已写出的 Word 文档保留，PDF 只有已完成的（不会留下不完整的文件）。" if pdf
                                  else "本次没有写入任何文档。"), err=True)
        sys.exit(130)
    except OutputLocked as exc:  # the summary file is open in Excel
        click.echo(f"✗ 汇总表未能写入：{exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        raise click.ClickException(f"无法写入输出文件夹 {out_dir}（{exc.strerror or exc}）。") from None
    for record in report.records:
        if record.status == "ok":
            extra = f"（{record.warnings} 个提示）" if record.warnings and not single else ""
            click.echo(f"✓ {record.source} → {record.output}{extra}")
            for line in record.extra_outputs:
                click.echo(f"  {line}")
            if single:
                for f in record.findings:
                    click.echo("  " + f.describe())
        else:
            built = f" → {record.output}" if record.output else ""  # PDF 未生成: the .docx is there
            click.echo(f"✗ {record.source}{built}：{record.message}", err=True)
            if single:
                for f in record.findings:
                    click.echo("  " + f.describe(), err=True)
    if not single:
        click.echo(report.describe_counts() + f" 汇总表：{Path(out_dir) / SUMMARY_NAME}")
    sys.exit(1 if report.failed else 0)


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--year", type=int, default=None, help="新工作簿的预算年度（默认：原年度加 1）。")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
              help="新工作簿保存位置（默认：原工作簿所在文件夹下“<单位名称><年度>年单位预算.xlsx”）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖。")
def rollover(workbook: str, year: int | None, output: str | None, force: bool) -> None:
    """由本年度工作簿生成下一年度工作簿：单位信息、项目说明作为草稿保留，本年数转入上年数栏。"""
    from .rollover import RolloverError, rollover as make_next_year

    try:
        path, notes = make_next_year(workbook, year, output, force=force)
    except UnusableFile as exc:
        click.echo(f"✗ {exc}", err=True)
        sys.exit(2)
    except RolloverError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"✓ 已生成下一年度工作簿：{path}")
    for note in notes:
        click.echo("  " + note)
    click.echo(f"  填写后运行：gen check {path}")

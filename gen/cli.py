"""The ``gen`` command: template, check, build. Messages are for the clerk, in Chinese."""
from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from .catalog import Catalog, CatalogError, bundled
from .console import quiet_broken_pipe, safe_streams, usage_message
from .findings import BUG_HINT, ERROR, Findings, UnusableFile
from .output import OutputError, display


def _catalog(path: str | None) -> Catalog:
    if not path:
        return bundled()
    try:
        return bundled().with_file(path)
    except CatalogError as exc:  # names the file and what it should hold
        raise click.ClickException(str(exc)) from None
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        raise click.ClickException(f"目录文件 {display(path)} 无法读取（{exc}）。"
                                   "应为 UTF-8 编码、含 code,name 两列的 CSV。") from None


def _threshold(value: str) -> Decimal:
    try:
        threshold = Decimal(value.strip())
    except InvalidOperation:
        threshold = Decimal("NaN")
    if not threshold.is_finite() or threshold < 0:
        raise click.BadParameter(f"“{value}”不行，应为不小于 0 的数字（万元），如 0 或 0.5",
                                 param_hint="--reason-threshold")
    return threshold


class _Guarded(click.Group):
    """No traceback reaches the clerk: an unexpected exception in any command becomes one Chinese
    line naming the files (exit 1), Ctrl-C exit 130; ``gen --debug …`` lets the exception through.
    Output survives any console encoding, a closed pipe ends gen quietly, and click's own usage
    errors are said in Chinese without its English "Error:" prefix (exit 2, as click does)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        safe_streams()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            click.echo(usage_message(exc), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"✗ {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except BrokenPipeError:
            quiet_broken_pipe()
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        files = "、".join(display(a) for a in ctx.args if not a.startswith("-"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, BrokenPipeError):
            raise
        except KeyboardInterrupt:
            if ctx.params.get("debug"):
                raise
            click.echo("\n已中断（没有留下写了一半的文件）。", err=True)
            sys.exit(130)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"✗ 处理 {files or '命令'} 时程序出错（{type(exc).__name__}：{exc}）。{BUG_HINT}", err=True)
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
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖（默认不覆盖：其中可能是已填写的内容）。")
def template(output: str, force: bool) -> None:
    """生成空白的填报工作簿。"""
    from .workbook_write import write_workbook

    try:
        path = write_workbook(output, overwrite=force)
    except OutputError as exc:
        click.echo(f"✗ {exc}", err=True)
        sys.exit(1)
    click.echo(f"已生成填报模板：{display(path)}")


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False),
              help="科目目录：code,name 的 CSV，或预算管理系统导出的科目表（Excel/CSV），补充内置的部分目录。")
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
              help="科目目录，同 gen check；对本次生成的全部单位有效。")
@click.option("--reason-threshold", default="0", show_default=True, help="同 gen check。")
@click.pass_context
def build(ctx: click.Context, paths: tuple[str, ...], out_dir: str, jobs: int | None, pdf: bool,
          catalog_path: str | None, reason_threshold: str) -> None:
    """检查并生成单位预算公开 Word 文档（有错误时不生成）。

    PATHS 可以是工作簿，也可以是文件夹（其中的 .xlsx 全部处理，含子文件夹；跳过 ~$ 开头的锁定文件）。
    多个工作簿并行处理，完成后在输出文件夹写出“构建汇总.csv”。同一单位同一年度有两个工作簿时两个都不生成。
    """
    from .batch import Terminated, find_workbooks, run_batch
    from .pdf import LibreOfficeMissing

    catalog = _catalog(catalog_path)
    threshold = _threshold(reason_threshold)
    sources, empty = find_workbooks(paths)
    for folder in empty:
        click.echo(f"! 文件夹 {display(folder)} 中没有找到 .xlsx 工作簿。", err=True)
    if not sources:
        click.echo("✗ 没有找到要处理的工作簿。", err=True)
        sys.exit(2)
    # One workbook named on the command line: print as before (every finding, no summary file).
    single = len(paths) == 1 and len(sources) == 1 and not Path(paths[0]).is_dir()
    debug = bool((ctx.obj or {}).get("debug"))
    try:
        with click.progressbar(length=len(sources) * (2 if pdf else 1), label="生成中", file=sys.stderr,
                               hidden=single or not sys.stderr.isatty()) as bar:  # no stray label in a log
            report = run_batch(sources, Path(out_dir), jobs=jobs, catalog=catalog, reason_threshold=threshold,
                               details=single, summary=not single, pdf=pdf, debug=debug,
                               progress=lambda _record: bar.update(1))
    except LibreOfficeMissing as exc:
        click.echo(f"✗ {exc}", err=True)
        sys.exit(2)
    except (KeyboardInterrupt, Terminated) as exc:
        stopped = "已终止" if isinstance(exc, Terminated) else "\n已中断"
        click.echo(f"{stopped}：" + ("已写出的 Word 文档保留，PDF 只有已完成的（不会留下不完整的文件）。" if pdf
                                    else "本次没有写入任何文档。"), err=True)
        sys.exit(128 + exc.signum if isinstance(exc, Terminated) else 130)
    except OutputError as exc:  # the output folder cannot be made or written
        click.echo(f"✗ {exc}", err=True)
        sys.exit(1)
    if pdf:
        from .pdf import font_notice
        notice = font_notice()  # once per run: which face stands in for which, and how to install them
        if notice:
            click.echo(f"! {notice}", err=True)
    for record in report.records:
        if record.status == "ok":
            extra = f"（{record.warnings} 个提示）" if record.warnings and not single else ""
            click.echo(f"✓ {display(record.source)} → {display(record.output)}{extra}")
            for line in record.extra_outputs:
                click.echo(f"  {line}")
            if single:
                for f in record.findings:
                    click.echo("  " + f.describe())
        else:
            built = f" → {display(record.output)}" if record.output else ""  # PDF 未生成: the .docx is there
            click.echo(f"✗ {display(record.source)}{built}：{record.message}", err=True)
            if single:
                for f in record.findings:
                    click.echo("  " + f.describe(), err=True)
    if report.summary:
        click.echo(report.describe_counts() + f" 汇总表：{display(report.summary)}")
    elif report.summary_error:  # every row is above: only the summary file is missing
        click.echo(report.describe_counts(), err=True)
        click.echo(f"✗ 汇总表“构建汇总.csv”未能写入（上面列出的文档已写出）：{report.summary_error}", err=True)
    sys.exit(1 if report.failed or report.summary_error else 0)


@main.command()
@click.argument("documents", nargs=-1, required=True, type=click.Path())
@click.option("--residual", default="0", show_default=True,
              help="每个加数允许的尾差（万元）；按元填报、合计由精确数四舍五入的文档用 0.005。")
def verify(documents: tuple[str, ...], residual: str) -> None:
    """读回已生成（或他处制作）的单位预算公开 .docx，逐项核对表内、表间、表文一致性。

    退出码：0 全部一致，1 发现不一致，2 有文件无法读取。"""
    from .verify import UnreadableDocument, verify_docx

    try:
        tolerance = Decimal(residual.strip())
    except InvalidOperation:
        tolerance = Decimal("NaN")
    if not tolerance.is_finite() or tolerance < 0:
        raise click.BadParameter(f"“{residual}”不行，应为不小于 0 的数字（万元），如 0 或 0.005", param_hint="--residual")
    worst = 0
    for name in documents:
        try:
            problems = verify_docx(Path(name).read_bytes(), residual=tolerance)
        except (OSError, UnreadableDocument) as exc:
            reason = (exc if isinstance(exc, UnreadableDocument) else "文件不存在" if isinstance(exc, FileNotFoundError)
                      else "这是文件夹，不是文件" if isinstance(exc, IsADirectoryError)
                      else "没有读取权限" if isinstance(exc, PermissionError) else f"系统错误：{exc.strerror or exc}")
            click.echo(f"✗ {name}：无法读取（{reason}）。请确认这是用 Word/WPS 保存的 .docx 文件。", err=True)
            worst = 2
            continue
        if not problems:
            click.echo(f"✓ {name}：未发现不一致。")
            continue
        worst = max(worst, 1)
        click.echo(f"✗ {name}：发现 {len(problems)} 处不一致。")
        for p in problems:
            click.echo(f"  【{'；'.join(p.places)}】{p.message}")
    sys.exit(worst)


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
    except (RolloverError, OutputError) as exc:
        click.echo(f"✗ {exc}", err=True)
        sys.exit(1)
    click.echo(f"✓ 已生成下一年度工作簿：{display(path)}")
    for note in notes:
        click.echo("  " + note)
    click.echo(f"  填写后运行：gen check {display(path)}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；办公网中其他电脑要访问时用 0.0.0.0。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。")
@click.option("--data", default="gen-data", show_default=True, type=click.Path(file_okay=False),
              help="数据文件夹：数据库、上传的工作簿、生成的文档都保存在这里。")
@click.option("--db", default=None, help="数据库 URL（默认：数据文件夹中的 SQLite 文件 gen.db），"
                                        "如 postgresql+psycopg://用户:密码@主机/库名。")
@click.option("--pdf/--no-pdf", default=None, help="是否同时生成 PDF（默认：安装了 LibreOffice 就生成）。")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="同时处理的请求数。")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False),
              help="完整的科目目录 CSV（code,name），同 gen check。")
def serve(host: str, port: int, data: str, db: str | None, pdf: bool | None, threads: int,
          catalog_path: str | None) -> None:
    """启动网页版：财政局管理各单位，填报人通过单位链接上传、检查、下载文档。"""
    from .web.server import serve as run_server

    run_server(host, port, data, db, pdf, threads, _catalog(catalog_path) if catalog_path else None)

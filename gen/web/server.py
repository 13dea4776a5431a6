"""``gen serve``: the application under waitress (pure Python, also on Windows), the bureau's password
asked for at the first start, the job worker stopped cleanly on Ctrl-C."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import security
from .app import create_app

PASSWORD_ENV = "GEN_ADMIN_PASSWORD"


def ensure_password(app) -> None:
    """First start: the bureau sets its password here (typed twice, or from $GEN_ADMIN_PASSWORD)."""
    with app.extensions["gen"].sessions() as s:
        if security.setting(s, "admin_password") is not None:
            return
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise click.ClickException(f"第一次启动需要设置财政局管理员密码：请在命令行窗口中运行 gen serve 按提示输入，"
                                           f"或设置环境变量 {PASSWORD_ENV}。")
            click.echo("第一次启动：请设置财政局管理员密码（至少 8 个字符，输入时不显示）。")
            password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
        try:
            security.set_admin_password(s, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None


def serve(host: str, port: int, data: str, db: str | None, pdf: bool | None, threads: int, catalog=None) -> None:
    from waitress import serve as waitress_serve

    from ..pdf import find_soffice

    if pdf is None:
        pdf = find_soffice() is not None
    app = create_app(Path(data), db, pdf=pdf, start_worker=False, catalog=catalog)
    ensure_password(app)
    worker = app.extensions["gen"].worker
    resumed = worker.resume()
    worker.start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"gen serve：数据保存在 {Path(data).resolve()}（{'数据库 ' + db if db else 'SQLite 数据库 gen.db'}，"
               f"文件在 files/）。PDF：{'生成' if pdf else '不生成（没有找到 LibreOffice）'}。")
    if resumed:
        click.echo(f"继续处理上次未完成的 {resumed} 项生成任务。")
    click.echo(f"财政局管理页面：http://{shown}:{port}/admin　（按 Ctrl+C 停止）")
    if host in ("127.0.0.1", "localhost", "::1"):
        click.echo("只有本机可以访问；要让办公网中的其他电脑访问，用 --host 0.0.0.0 启动。")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="gen", _quiet=True)
    finally:
        worker.stop()

"""The console as the clerk sees it: any encoding, a closed pipe, and click's own messages in Chinese.

* ``safe_streams`` makes stdout/stderr never fail on a character the console's encoding lacks
  (Chinese Windows with redirected output is GBK; a scheduler may give ASCII): ✓/✗ degrade to √/×
  or OK/X, anything else to a ``\\uXXXX`` escape, a non-UTF-8 file name's bytes to ``\\xNN``.
* ``quiet_broken_pipe`` ends gen silently when the reader of its output has gone (``| head -1``).
* ``usage_message`` says a click usage error in Chinese, without click's English "Error:".
"""
from __future__ import annotations

import codecs
import os
import re
import sys

import click

_FALLBACKS = {"✓": ("√", "OK"), "✗": ("×", "X"), "√": ("OK",), "×": ("X",), "→": ("->",), "…": ("...",),
              "“": ('"',), "”": ('"',), "！": ("!",), "：": (":",), "，": (",",), "。": (".",)}


def _degrade(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        for candidate in _FALLBACKS.get(ch, ()):
            try:
                candidate.encode(exc.encoding)
            except (UnicodeError, LookupError):
                continue
            out.append(candidate)
            break
        else:
            code = ord(ch)
            if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
                out.append(f"\\x{code - 0xDC00:02x}")
            else:
                out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out), exc.end


codecs.register_error("gen-console", _degrade)


def safe_streams() -> None:
    """Let stdout and stderr degrade what their encoding cannot show instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="gen-console")
            except (ValueError, OSError):  # a closed or detached stream: nothing to protect
                pass


def quiet_broken_pipe() -> None:
    """The reader of our output has gone: point stdout at the null device so that the final flush
    at exit does not print "Exception ignored … BrokenPipeError", and end without a word."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(141)  # 128 + SIGPIPE, what a shell reports for a program ended by a closed pipe


# --- click's usage errors, in Chinese --------------------------------------------------------

_ARGUMENT_NAMES = {"workbooks": "要检查的工作簿", "paths": "工作簿或文件夹", "workbook": "工作簿"}
_TYPE_MESSAGES = (
    (re.compile(r"^'?(.*?)'? is not a valid integer"), "“{0}”不是整数"),
    (re.compile(r"^'?(.*?)'? is not a valid float"), "“{0}”不是数字"),
    (re.compile(r"^(.*?) is not in the range (.*?)\.?$"), "{0} 超出允许的范围（{1}）"),
    (re.compile(r"^(?:File|Path|Directory) '(.*)' does not exist"), "{0} 不存在"),
    (re.compile(r"^(?:File|Path) '(.*)' is a directory"), "{0} 是文件夹，这里要的是文件"),
    (re.compile(r"^(?:Directory|Path) '(.*)' is a file"), "{0} 是文件，这里要的是文件夹"),
    (re.compile(r"^(?:File|Path|Directory) '(.*)' is not readable"), "没有权限读取 {0}"),
    (re.compile(r"^(?:File|Path|Directory) '(.*)' is not writable"), "没有权限写入 {0}"),
    (re.compile(r"^'?(.*?)'? is not one of (.*?)\.?$"), "“{0}”不是可选的值（{1}）"),
)


def usage_message(exc: click.UsageError) -> str:
    """Two lines for stderr: what is wrong with the command line, and where to see the usage."""
    ctx = exc.ctx
    where = f"\n  用 {ctx.command_path} -h 查看用法。" if ctx is not None else ""
    return f"✗ 命令用法有误：{_what(exc)}{where}"


def _what(exc: click.UsageError) -> str:
    message = exc.message
    if isinstance(exc, click.NoSuchOption):
        guess = f"（是不是 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{guess}。"
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        if isinstance(param, click.Argument):
            name = param.name or ""
            return f"缺少{_ARGUMENT_NAMES.get(name, '参数')}（{param.human_readable_name}）。"
        return f"缺少选项 {'/'.join(param.opts) if param else ''}。".replace(" 。", "。")
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in message:
            return f"选项 {exc.option_name} 后面缺少值。"
        if "does not take a value" in message:
            return f"选项 {exc.option_name} 不带值。"
    if isinstance(exc, click.BadParameter):
        hint = exc.param_hint or ("/".join(exc.param.opts) if exc.param is not None else "")
        if isinstance(hint, (list, tuple)):
            hint = "/".join(hint)
        hint = hint.replace("'", "")
        return f"{hint} 的值不对：{_translated(message)}" if hint else _translated(message)
    found = re.match(r"No such command '(.*)'", message)
    if found or message.startswith("Missing command"):
        commands = "、".join(exc.ctx.command.list_commands(exc.ctx)) if exc.ctx is not None else ""
        head = f"没有命令 {found.group(1)}。" if found else "缺少命令。"
        return head + (f"可用的命令：{commands}。" if commands else "")
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if extra:
        return f"多余的参数：{extra.group(1)}。"
    return _translated(message)


def _translated(message: str) -> str:
    for pattern, chinese in _TYPE_MESSAGES:
        found = pattern.match(message)
        if found:
            return chinese.format(*found.groups()) + "。"
    return message

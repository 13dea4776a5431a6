"""One rule for every file gen writes (documents, PDFs, the template, rollover workbooks, 构建汇总.csv).

* **Safe name.**  ``safe_name`` turns a unit's name into a file name every file system accepts and
  that gen itself will read back: no characters Windows forbids, no control or format characters
  (a bidirectional override could disguise the extension), no leading ``.``/``~$`` (hidden file,
  Office lock file, gen's own staging folders), at most 60 characters / 150 bytes (a longer name is
  cut and marked with a hash of the whole, so two units never share a file by the cut).
* **Atomic.**  The bytes are complete in memory first, then written to a temporary file beside the
  target and renamed over it: a crash, Ctrl-C or a full disk never leaves half a file, and nothing
  is written through a file object that could fail again while being garbage-collected.
* **Readable like any file the user makes**: mode ``0666 & ~umask`` (``mkstemp`` alone gives 0600).
* **Never over a file nobody named.**  ``overwrite=False`` (the default) refuses an existing target,
  atomically where the file system has hard links; commands pass ``overwrite=True`` only when the
  user asked (``--force``) or the target is gen's own output in its output folder (``gen build``).
* **File system errors are the user's to fix**: ``OutputError`` carries a Chinese message naming the
  path and what to do, never "程序出错".
"""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)

_FORBIDDEN = set('\\/:*?"<>|')
_MAX_CHARS, _MAX_BYTES = 60, 150  # a stem's length; with the suffix well inside 255 bytes everywhere
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class OutputError(OSError):
    """A file could not be written; the message names the path and what to do.  An OSError, so
    that callers that already handle file system errors keep working."""


class OutputExists(OutputError):
    """The target exists and nobody asked to overwrite it."""


class OutputLocked(OutputError):
    """The output file is open in another program (Word/WPS keep it locked on Windows)."""


def safe_name(stem: str, suffix: str, fallback: str = "未命名单位") -> str:
    """``stem + suffix`` as a file name that is safe everywhere (see the module docstring).

    A stem cut to fit ends in ``…``, six hex digits of its full text's SHA-256 and ``_``, so two long
    names that differ only after the cut still get two files, and the reader sees the name was cut."""
    safe = "".join("_" if ch in _FORBIDDEN or (unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch != "\u200d")
                   else ch for ch in stem)
    safe = safe.lstrip(" ._~$").rstrip(" ._")
    if len(safe) > _MAX_CHARS or len(safe.encode("utf-8")) > _MAX_BYTES:
        mark = "…" + hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:6] + "_"
        safe = safe[:_MAX_CHARS - len(mark)]
        while len((safe + mark).encode("utf-8")) > _MAX_BYTES:
            safe = safe[:-1]
        safe = safe.rstrip(" .") + mark
    return f"{safe or fallback}{suffix}"


def display(path: str | os.PathLike[str]) -> str:
    """A path as text that any encoder accepts: bytes that are not UTF-8 (a name from a GBK share,
    kept by Python as lone surrogates) are shown as ``\\xNN``."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


_WHAT_TO_DO = {
    errno.EACCES: "没有写入权限。请换一个有写入权限的文件夹（如“文档”或桌面），或请管理员开放权限",
    errno.EPERM: "系统不允许写入。请换一个有写入权限的文件夹（如“文档”或桌面）",
    errno.ENOENT: "文件夹不存在或不能在此创建文件。请检查路径是否写对",
    errno.ENOSPC: "磁盘已满。请清理磁盘空间后重试，或换一个磁盘",
    errno.EDQUOT: "磁盘配额已用完。请清理空间后重试，或换一个磁盘",
    errno.EROFS: "这是只读位置（如只读共享或光盘）。请换一个可写的文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长。请换一个较短的文件夹或文件名",
    errno.EISDIR: "该位置是一个文件夹，不是文件。请换一个文件名",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹。请检查路径",
    errno.EEXIST: "同名文件已存在",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环指向自己。请检查路径",
    errno.EFBIG: "文件超过了系统允许的大小（磁盘或配额的限制）。请清理空间或换一个磁盘",
    errno.EXDEV: "临时文件和目标不在同一磁盘上。请换一个文件夹",
}


def describe_os_error(exc: OSError, path: str | os.PathLike[str]) -> str:
    """What went wrong writing ``path``, in Chinese, with what to do."""
    what = _WHAT_TO_DO.get(exc.errno or 0)
    if what is None:
        what = f"系统提示：{exc.strerror or exc}。请检查路径、权限和磁盘空间"
    if str(os.fspath(path)).startswith(("/proc/", "/sys/", "/dev/")):
        what = "这是系统的特殊文件夹，不能保存文件。请换一个普通文件夹"
    return f"无法写入 {display(path)}：{what}。"


def write_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` by the rule above; raises ``OutputError`` (never a bare OSError)."""
    path = Path(path)
    try:
        if os.path.lexists(path.parent) and not path.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not overwrite and os.path.lexists(path):
            raise OutputExists(_exists(path))
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path)) from None
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o666 & ~_UMASK)
        _publish(tmp, path, overwrite)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path)) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _publish(tmp: str, path: Path, overwrite: bool) -> None:
    if not overwrite:
        try:
            os.link(tmp, path)  # fails atomically if something appeared meanwhile
            return
        except FileExistsError:
            raise OutputExists(_exists(path)) from None
        except OSError:  # no hard links here (FAT, some shares): check, then rename
            if os.path.lexists(path):
                raise OutputExists(_exists(path)) from None
    try:
        os.replace(tmp, path)
    except PermissionError as exc:  # the temporary file was just made here, so the folder is writable
        raise OutputLocked(f"{display(path)}：文件被其他程序占用（可能正在 Word/WPS/Excel 中打开），"
                           "请关闭后重试。") from exc


def _exists(path: Path) -> str:
    return (f"{display(path)} 已存在，gen 不会覆盖它（其中可能是已填写的内容）。"
            "请换一个文件名（-o），或确认不再需要它后加 --force 覆盖。")

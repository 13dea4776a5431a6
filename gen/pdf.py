"""Word → PDF through headless LibreOffice, reusing running LibreOffice workers across a batch.

Use::

    from gen.pdf import PdfConverter, PdfError, LibreOfficeMissing, INSTALL_HINT, find_soffice

    if find_soffice() is None:
        print(INSTALL_HINT)                      # 未找到 LibreOffice，无法生成 PDF。请安装：…
    with PdfConverter(workers=2) as pdf:         # starts the workers (in the background)
        result = pdf.convert("a.docx", "a.pdf")  # blocks; thread-safe; raises PdfError on failure
        for r in pdf.convert_many([("b.docx", "b.pdf"), ("c.docx", "c.pdf")]):
            print(r.source, r.output, r.ok, r.error, r.warnings, r.pages)

What a conversion does, in LibreOffice: open the .docx hidden and read-only with an interaction handler
that records every warning LibreOffice would have shown (format errors, "repair this file?"); update all
indexes (the 目录: LibreOffice keeps a TOC field's cached entries, so without this the page numbers are
whatever the template held) twice, so entries that grow the 目录 are counted; export to a temporary
PDF beside the target and rename it into place (atomic: a reader never sees half a PDF).

Workers.  Our package runs on any Python ≥ 3.11, which usually cannot ``import uno`` (LibreOffice's
Python bridge is built for the system or bundled Python).  So each worker is one ``soffice`` process
listening on a named pipe, with its own throw-away profile, plus a small client that this very file
runs under a Python that has ``uno`` (``/usr/bin/python3`` with python3-uno on Debian/Ubuntu; the
``python`` in LibreOffice's program folder on Windows/macOS).  The client is fed jobs as JSON lines on
stdin and answers on stdout; both processes live until ``close()``, so a batch pays LibreOffice's start-up
once per worker, not once per unit.  Without a UNO-capable Python (e.g. LibreOffice installed without
python3-uno) the converter falls back to one ``soffice`` run per batch executing a Basic macro that does
the same steps (no per-warning details there beyond what Basic's handler records).

Fonts.  The template asks for 仿宋_GB2312, 宋体, 黑体, 楷体_GB2312 and 方正小标宋简体, which Linux does not have.
LibreOffice ignores a .docx's font table and asks fontconfig, whose default for an unknown Chinese name
is a sans font (body text would come out in 黑体-like glyphs).  Each worker's soffice therefore runs with a
fontconfig file that includes the system configuration and maps each name to the same kind of font that
is installed (serif CJK for 仿宋/宋体/楷体, sans CJK for 黑体 and — as GB/T 9704 practice — the 小标宋 title).
A real 仿宋_GB2312 on the machine still wins.  The text is tagged zh-CN in the template, so Noto CJK renders
Chinese glyph forms.  (pdffonts lists Noto CJK subsets as "NotoSerifCJKjp-…": the Noto CJK collection shares
one CFF table named after its first, Japanese, member; the glyphs used are the zh-CN ones.)

This file must stay importable by old Pythons (≥ 3.7: the UNO client runs it) and use only the
standard library outside ``_uno_worker_main``.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
import zipfile
from pathlib import Path

__all__ = ["INSTALL_HINT", "LibreOfficeMissing", "PdfConverter", "PdfError", "PdfResult", "find_soffice",
           "find_uno_python", "font_notice", "font_substitutes", "write_toc_pages"]

INSTALL_HINT = ("未找到 LibreOffice，无法生成 PDF。请安装：sudo apt-get install libreoffice-writer-nogui python3-uno "
                "fonts-noto-cjk（Windows：安装 LibreOffice 并把 program 目录加入 PATH）")

# Chinese font names of the template → what to use when they are missing, best first (fontconfig
# takes the first one installed).  Serif CJK for the Song/FangSong/Kai families, sans for 黑体.
_SERIF_CJK = ["Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN",
              "Noto Serif CJK"]
_SANS_CJK = ["Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback"]
FONT_FALLBACKS = {
    "仿宋_GB2312": ["仿宋", "FangSong", "FangSong_GB2312"] + _SERIF_CJK,
    "仿宋": ["FangSong", "仿宋_GB2312"] + _SERIF_CJK,
    "FangSong": ["仿宋"] + _SERIF_CJK,
    "楷体_GB2312": ["楷体", "KaiTi", "KaiTi_GB2312", "AR PL UKai CN"] + _SERIF_CJK,
    "楷体": ["KaiTi", "楷体_GB2312", "AR PL UKai CN"] + _SERIF_CJK,
    "KaiTi": ["楷体", "AR PL UKai CN"] + _SERIF_CJK,
    "宋体": ["SimSun", "新宋体", "NSimSun"] + _SERIF_CJK,
    # Numbers: a font with Times New Roman's metrics (digits half an em wide: the amount columns are sized
    # for them); failing that Noto Serif CJK's Latin (0.56 em), which is narrower than DejaVu Serif (0.64 em).
    "Times New Roman": ["Liberation Serif", "Tinos", "Nimbus Roman", "Nimbus Roman No9 L", "TeX Gyre Termes",
                        "Noto Serif CJK SC", "Source Han Serif SC"],
    "SimSun": ["宋体", "NSimSun"] + _SERIF_CJK,
    "方正小标宋简体": ["方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "黑体", "SimHei"] + _SANS_CJK,
    "黑体": ["SimHei"] + _SANS_CJK,
    "SimHei": ["黑体"] + _SANS_CJK,
}

# The official faces of the document (GB/T 9704) and the names under which the same face is installed.
OFFICIAL_FACES = {
    "仿宋_GB2312": ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"),
    "方正小标宋简体": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
    "黑体": ("黑体", "SimHei"),
    "楷体_GB2312": ("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312"),
}


def installed_families() -> set:
    """Font families fontconfig knows (``fc-list``); empty when fontconfig is not there (Windows)."""
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def font_substitutes(families=None) -> list:
    """``[(official face, stand-in), …]`` for each official face the PDF will not have.

    The .docx keeps declaring the official faces (the reader's Word/WPS uses them); only LibreOffice's
    PDF is drawn with what this machine has, through the fontconfig mapping of FONT_FALLBACKS.
    Empty when every face is installed, or when the machine has no fontconfig to ask.
    """
    families = installed_families() if families is None else set(families)
    if not families:
        return []
    out = []
    for face, names in OFFICIAL_FACES.items():
        if not any(n in families for n in names):
            stand_in = next((f for f in FONT_FALLBACKS[face] if f in families), "系统默认字体")
            out.append((face, stand_in))
    return out


def font_notice(families=None):
    """The one message a run with --pdf prints when official faces are missing (None when none is)."""
    missing = font_substitutes(families)
    if not missing:
        return None
    pairs = "；".join(f"{face} 用 {stand_in} 代替" for face, stand_in in missing)
    return (f"提示：本机没有安装公文字体，PDF 中 {pairs}（Word 文档仍使用公文字体）。"
            "要在 PDF 中使用正式字体：把字体文件（如 仿宋_GB2312.ttf、方正小标宋简体.ttf、黑体 simhei.ttf、楷体_GB2312.ttf，"
            "随 Windows 或方正字库提供）复制到 ~/.local/share/fonts/ 或 /usr/share/fonts/，运行 fc-cache -f 后重新生成。")


DEFAULT_TIMEOUT = 180.0  # seconds for one conversion (a 40-page unit takes 2–3 s)
_START_TIMEOUT = 90.0    # LibreOffice's first start with a fresh profile


class PdfError(Exception):
    """A conversion failed; the message is for the clerk, in Chinese."""


class LibreOfficeMissing(PdfError):
    def __init__(self, message: str = INSTALL_HINT):
        super().__init__(message)


class PdfResult:
    """One conversion: ``ok``, ``output`` (the PDF) or ``error``; ``warnings`` LibreOffice reported while
    loading; ``pages``; ``toc`` the updated 目录 as ``[(text, page), …]``; ``seconds`` spent in LibreOffice."""

    def __init__(self, source, output=None, error=None, pages=0, warnings=None, toc=None, seconds=0.0):
        self.source = Path(source)
        self.output = Path(output) if output else None
        self.error = error
        self.pages = pages
        self.warnings = list(warnings or [])
        self.toc = [(str(text), int(page)) for text, page in (toc or [])]
        self.seconds = seconds

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        state = f"ok pages={self.pages}" if self.ok else f"error={self.error!r}"
        return f"PdfResult({self.source.name} → {self.output}, {state}, warnings={self.warnings})"


# ---------------------------------------------------------------------------------------------
# finding LibreOffice


def find_soffice() -> str | None:
    """Path of LibreOffice's ``soffice``, or None when it is not installed.

    Looks at $GEN_SOFFICE, then PATH (soffice, libreoffice), then the usual install folders.
    """
    explicit = os.environ.get("GEN_SOFFICE")
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = ["/usr/lib/libreoffice/program/soffice", "/usr/local/lib/libreoffice/program/soffice",
                  "/opt/libreoffice/program/soffice", "/snap/bin/libreoffice",
                  "/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    candidates += sorted(str(p) for p in Path("/opt").glob("libreoffice*/program/soffice"))
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"), r"C:\Program Files"):
        if base:
            candidates.append(os.path.join(base, "LibreOffice", "program", "soffice.exe"))
    return next((c for c in candidates if os.path.isfile(c) and os.access(c, os.X_OK)), None)


def _program_dir(soffice: str) -> Path:
    return Path(os.path.realpath(soffice)).parent


_UNO_PYTHON_CACHE: dict = {}


def find_uno_python(soffice: str) -> tuple[str, dict] | None:
    """A Python that can ``import uno`` for this LibreOffice, with the environment it needs, or None.

    Tries $GEN_UNO_PYTHON, LibreOffice's bundled Python (Windows, macOS, tarball installs), the running
    Python, then the system ``python3`` (Debian/Ubuntu's python3-uno).
    """
    if soffice in _UNO_PYTHON_CACHE:
        return _UNO_PYTHON_CACHE[soffice]
    program = _program_dir(soffice)
    candidates = []
    if os.environ.get("GEN_UNO_PYTHON"):
        candidates.append(os.environ["GEN_UNO_PYTHON"])
    candidates += [str(program / "python.exe"), str(program / "python"), str(program.parent / "Resources" / "python"),
                   sys.executable, "/usr/bin/python3", shutil.which("python3") or ""]
    env_extra = {}
    if (program / "uno.py").is_file():  # LibreOffice's own bridge lives in its program folder
        env_extra["PYTHONPATH"] = os.pathsep.join(filter(None, [str(program), os.environ.get("PYTHONPATH")]))
    found = None
    seen = set()
    for candidate in candidates:
        if not candidate or candidate in seen or not os.path.isfile(candidate):
            continue
        seen.add(candidate)
        env = dict(os.environ, **env_extra)
        try:
            probe = subprocess.run([candidate, "-c", "import uno, unohelper"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            found = (candidate, env_extra)
            break
    _UNO_PYTHON_CACHE[soffice] = found
    return found


# ---------------------------------------------------------------------------------------------
# worker set-up shared by both modes


def _fontconfig_file(directory: Path) -> str | None:
    """A fontconfig file: the system configuration plus our fallbacks for the Chinese font names."""
    if os.name == "nt":
        return None
    base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    if not os.path.isfile(base):
        return None

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    rules = []
    for name, fallbacks in FONT_FALLBACKS.items():
        accept = "".join(f"<family>{esc(f)}</family>" for f in fallbacks)
        rules.append(f'  <alias binding="same"><family>{esc(name)}</family><accept>{accept}</accept></alias>')
    path = directory / "fonts.conf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
                    f'  <include ignore_missing="yes">{esc(base)}</include>\n' + "\n".join(rules)
                    + "\n</fontconfig>\n", encoding="utf-8")
    return str(path)


def _soffice_env(fonts_conf: str | None) -> dict:
    env = dict(os.environ)
    if fonts_conf:
        env["FONTCONFIG_FILE"] = fonts_conf
    # LibreOffice maps file names through the locale: under LANG=C (cron, CI, containers) it cannot open
    # "阿克陶县…公开.docx" ("type detection failed").
    locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if os.name != "nt" and not re.search(r"utf-?8", locale, re.I):
        env["LC_ALL"] = "C.UTF-8"
    # LibreOffice must not pick up the caller's Python (pyenv) for its own purposes.
    env.pop("PYTHONHOME", None)
    return env


def _soffice_args(soffice: str, profile: Path) -> list:
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nocrashreport",
            "--nodefault", "--nofirststartwizard", "--nolockcheck", "--nologo", "--norestore"]


def _popen_group() -> dict:
    """Start LibreOffice in its own process group so the whole tree (oosplash → soffice.bin) can be ended."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


def _alive(proc: subprocess.Popen) -> bool:
    """Whether the process or, on POSIX, anything in its process group is still running.

    ``soffice`` is a launcher (oosplash) for soffice.bin, which may outlive it briefly; a second
    soffice on the same profile would hand its work to that one and return at once.
    """
    if proc.poll() is None:
        return True
    if os.name == "nt":
        return False
    try:
        os.killpg(proc.pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _wait(proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(proc):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _end(proc: subprocess.Popen | None, grace: float = 10.0) -> None:
    """End a process we started (and its process group on POSIX), politely first."""
    if proc is None or _wait(proc, grace):
        return
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        if os.name != "nt":
            try:
                os.killpg(proc.pid, sig)  # our own session: oosplash and soffice.bin
            except (ProcessLookupError, PermissionError):
                return
        else:
            proc.kill()
        if _wait(proc, 5):
            return


def _temp_target(pdf: Path) -> Path:
    pdf.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=pdf.parent, prefix=".~", suffix=".pdf")
    os.close(fd)
    os.unlink(tmp)  # LibreOffice creates it
    return Path(tmp)


def _publish(tmp: Path, pdf: Path) -> None:
    try:
        os.replace(tmp, pdf)
    except PermissionError as exc:
        raise PdfError(f"{pdf}：文件被其他程序占用（可能正在 PDF 阅读器中打开），请关闭后重试。") from exc


# ---------------------------------------------------------------------------------------------
# mode 1: running soffice + UNO client (this file, run by a UNO-capable Python)


class _UnoWorker:
    def __init__(self, soffice: str, python: tuple, index: int, timeout: float):
        self.timeout = timeout
        self.dir = Path(tempfile.mkdtemp(prefix="gen-pdf-"))
        self.pipe = f"gen_pdf_{os.getpid()}_{index}_{uuid.uuid4().hex[:8]}"
        fonts = _fontconfig_file(self.dir)
        self.log = open(self.dir / "soffice.log", "wb")
        self.soffice = subprocess.Popen(
            _soffice_args(soffice, self.dir / "profile") + [f"--accept=pipe,name={self.pipe};urp;"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=_soffice_env(fonts), **_popen_group())
        interpreter, env_extra = python
        env = dict(os.environ, **env_extra)
        env.pop("PYTHONHOME", None)
        boot = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__gen_pdf_worker__')"
        self.client = subprocess.Popen([interpreter, "-c", boot, os.path.abspath(__file__), self.pipe, str(_START_TIMEOUT),
                                        str(self.soffice.pid)],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, cwd=self.dir,
                                       env=env, **_popen_group())
        self.replies: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.ready = False

    def _read(self) -> None:
        for line in self.client.stdout:
            try:
                self.replies.put(json.loads(line.decode("utf-8")))
            except ValueError:
                continue
        self.replies.put(None)  # the client ended

    def _reply(self, timeout: float) -> dict:
        try:
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise PdfError(f"LibreOffice 在 {timeout:.0f} 秒内没有响应。") from None
        if reply is None:
            raise PdfError("LibreOffice 意外退出。" + self._log_tail())
        return reply

    def _log_tail(self) -> str:
        try:
            text = (self.dir / "soffice.log").read_text("utf-8", "replace").strip()
        except OSError:
            return ""
        lines = [l for l in text.splitlines() if "javaldx" not in l]
        return ("（" + " / ".join(lines[-3:]) + "）") if lines else ""

    def wait_ready(self) -> None:
        if not self.ready:
            reply = self._reply(_START_TIMEOUT + 10)
            if not reply.get("ready"):
                raise PdfError("无法启动 LibreOffice：" + str(reply.get("error", "")) + self._log_tail())
            self.ready = True

    def convert(self, src: Path, dst: Path) -> dict:
        self.wait_ready()
        line = json.dumps({"src": str(src), "dst": str(dst)}) + "\n"  # ASCII: no locale can garble it
        try:
            self.client.stdin.write(line.encode("utf-8"))
            self.client.stdin.flush()
        except OSError:
            raise PdfError("LibreOffice 意外退出。" + self._log_tail()) from None
        return self._reply(self.timeout)

    def alive(self) -> bool:
        return self.client.poll() is None and self.soffice.poll() is None

    def close(self) -> None:
        try:
            if self.client.poll() is None:
                self.client.stdin.write(b'{"quit": true}\n')
                self.client.stdin.flush()
                self.client.stdin.close()
        except OSError:
            pass
        _end(self.client, grace=15)
        _end(self.soffice, grace=15)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def _end_with_parent(soffice_pid: int) -> None:
    """No LibreOffice outlives gen: when this client ends (its stdin closes when gen exits, however it
    exits) or notices gen gone (a watchdog on the parent PID, for a kill -9), it ends its soffice,
    whose process group it leads."""
    import atexit

    parent = os.getppid()

    def end() -> None:
        try:
            if os.name == "nt":
                os.kill(soffice_pid, signal.SIGTERM)
            else:
                os.killpg(soffice_pid, signal.SIGKILL)
        except OSError:
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        end()
        os._exit(1)

    atexit.register(end)
    threading.Thread(target=watch, daemon=True).start()


def _uno_worker_main(argv: list) -> None:  # runs in the UNO-capable Python, not in our package
    import uno
    import unohelper
    from com.sun.star.beans import PropertyValue
    from com.sun.star.connection import NoConnectException
    from com.sun.star.task import XInteractionHandler

    pipe, start_timeout, soffice_pid = argv[0], float(argv[1]), int(argv[2])
    _end_with_parent(soffice_pid)
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # only protocol lines go to the parent

    def send(obj):
        out.write((json.dumps(obj) + "\n").encode("ascii"))
        out.flush()

    def pv(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    class Handler(unohelper.Base, XInteractionHandler):
        def __init__(self):
            self.messages = []

        def handle(self, request):
            self.messages.append(_describe_request(request.getRequest()))
            chosen = None
            for continuation in request.getContinuations():
                names = " ".join(t.typeName for t in continuation.getTypes())
                if "XInteractionApprove" in names:  # "OK"/"repair": go on, the warning is recorded
                    chosen = continuation
                    break
                if chosen is None and "XInteractionAbort" in names:
                    chosen = continuation
            if chosen is not None:
                chosen.select()

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + start_timeout
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.time() > deadline:
                send({"ready": False, "error": "连接 LibreOffice 超时"})
                return
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    send({"ready": True})

    for raw in sys.stdin.buffer:
        job = json.loads(raw.decode("utf-8"))
        if job.get("quit"):
            break
        started = time.time()
        handler = Handler()
        doc = None
        try:
            props = (pv("Hidden", True), pv("ReadOnly", True), pv("InteractionHandler", handler))
            if job["src"].lower().endswith(".docx"):  # never fall back to importing it as plain text
                props += (pv("FilterName", "MS Word 2007 XML"),)
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(job["src"]), "_blank", 0, props)
            if doc is None:
                raise RuntimeError("LibreOffice 无法打开该文件（不是有效的 Word 文档或已损坏）")
            _relayout(doc)
            toc = _update_indexes(doc)
            _relayout(doc)  # the 目录 grew: its own pages too were laid out stale (a page with one entry)
            pages = doc.getCurrentController().PageCount
            filter_data = uno.Any("[]com.sun.star.beans.PropertyValue",
                                  (pv("ExportBookmarks", True), pv("UseTaggedPDF", True)))
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(job["dst"]),
                                           (pv("FilterName", "writer_pdf_Export"), pv("FilterData", filter_data))))
            send({"ok": True, "pages": pages, "toc": toc, "warnings": handler.messages,
                  "seconds": round(time.time() - started, 3)})
        except Exception as exc:  # report, keep serving; a dead bridge ends the loop below
            send({"ok": False, "error": f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}",
                  "warnings": handler.messages})
            if "Disposed" in type(exc).__name__ or "RuntimeException" in type(exc).__name__:
                break
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    try:
                        doc.dispose()
                    except Exception:
                        pass
    try:
        desktop.terminate()
    except Exception:
        pass


def _describe_request(request) -> str:
    """A LibreOffice interaction request (warning/error while loading) as one line of text."""
    name = getattr(request, "typeName", None) or type(request).__name__
    parts = [str(name).rsplit(".", 1)[-1]]
    code = getattr(request, "ErrCode", None)
    if code is not None:
        parts.append(f"ErrCode=0x{int(code) & 0xFFFFFFFF:08X}")
    message = getattr(request, "Message", "")
    if message:
        parts.append(str(message))
    return " ".join(parts)


def _relayout(doc) -> None:
    """Make LibreOffice lay the whole document out again, from its final page formats.

    LibreOffice 7.4 lays a .docx out while it imports it, before every page has its final format.  With
    even/odd footers (our page numbers sit on the outer side) and a portrait section after a landscape
    one (表2, 表7), a table that runs onto a new page there keeps a stale layout: its last rows are cut at
    the page foot and the rest — 表4's 收入总计 among them — is missing from the PDF, with no error.  The
    same happens to a 目录 that the update made longer: a page holding one entry, and every page number
    one too low.  So this runs after loading and again after the 目录 is updated.
    A change to the page styles makes it format every page again, which comes out right: each page style in
    use gets its bottom margin moved by 0.01 mm, the pages are counted (a full layout), and the margins go
    back (the export lays out again, with the real margins).
    """
    styles = doc.getStyleFamilies().getByName("PageStyles")
    used = [styles.getByName(n) for n in styles.getElementNames() if styles.getByName(n).isInUse()]
    for style in used:
        style.BottomMargin = style.BottomMargin + 1
    doc.getCurrentController().PageCount
    for style in used:
        style.BottomMargin = style.BottomMargin - 1


def _update_indexes(doc) -> list:
    """Update every index twice (the second pass sees the pages after the first); return the 目录.

    LibreOffice (7.4) imports Word's ``TC "…" \\l 2`` one level too deep, below the two levels the TOC
    field shows, so those entries would vanish on update; they are put on the TOC's last level.
    """
    indexes = doc.getDocumentIndexes()
    toc = []
    for _ in range(2):
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            if index.supportsService("com.sun.star.text.ContentIndex"):
                deepest = index.Level - 1  # Level = number of levels; mark levels count from 0
                for mark in index.DocumentIndexMarks or ():
                    if mark.Level > deepest:
                        mark.Level = deepest
            index.update()
    for i in range(indexes.getCount()):
        index = indexes.getByIndex(i)
        if index.supportsService("com.sun.star.text.ContentIndex"):
            for line in index.getAnchor().getString().splitlines():
                text, _, page = line.rpartition("\t")
                if text and page.strip().isdigit():
                    toc.append([text.strip(), int(page)])
    return toc


# ---------------------------------------------------------------------------------------------
# mode 2: one soffice run per batch with a Basic macro (no UNO-capable Python available)

_BASIC = r'''<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Global gWarnings As String

Function PV(sName As String, vValue) As Object
  Dim p As New com.sun.star.beans.PropertyValue
  p.Name = sName
  p.Value = vValue
  PV = p
End Function

Sub GenHandler_handle(oRequest)
  Dim oReq, aCont, i As Integer, oChosen, sName As String
  oReq = oRequest.getRequest()
  sName = ""
  On Error Resume Next
  sName = oReq.Message
  On Error Goto 0
  gWarnings = gWarnings &amp; "请求 " &amp; sName &amp; Chr(31)
  aCont = oRequest.getContinuations()
  For i = 0 To UBound(aCont)
    If HasUnoInterfaces(aCont(i), "com.sun.star.task.XInteractionApprove") Then oChosen = aCont(i)
  Next i
  If IsNull(oChosen) Or IsEmpty(oChosen) Then
    For i = 0 To UBound(aCont)
      If HasUnoInterfaces(aCont(i), "com.sun.star.task.XInteractionAbort") Then oChosen = aCont(i)
    Next i
  End If
  If Not (IsNull(oChosen) Or IsEmpty(oChosen)) Then oChosen.select()
End Sub

Sub GenHandler_disposing(oEvent)
End Sub

Sub Relayout(oDoc)
  Dim oStyles, oStyle, aNames, i As Integer, nPages As Long
  oStyles = oDoc.getStyleFamilies().getByName("PageStyles")
  aNames = oStyles.getElementNames()
  For i = 0 To UBound(aNames)
    oStyle = oStyles.getByName(aNames(i))
    If oStyle.isInUse() Then oStyle.BottomMargin = oStyle.BottomMargin + 1
  Next i
  nPages = oDoc.getCurrentController().PageCount
  For i = 0 To UBound(aNames)
    oStyle = oStyles.getByName(aNames(i))
    If oStyle.isInUse() Then oStyle.BottomMargin = oStyle.BottomMargin - 1
  Next i
End Sub

Function UpdateIndexes(oDoc) As String
  Dim oIdx, oMarks, n As Integer, i As Integer, j As Integer, sToc As String
  For n = 1 To 2
    For i = 0 To oDoc.getDocumentIndexes().getCount() - 1
      oIdx = oDoc.getDocumentIndexes().getByIndex(i)
      If oIdx.supportsService("com.sun.star.text.ContentIndex") Then
        oMarks = oIdx.DocumentIndexMarks
        For j = 0 To UBound(oMarks)
          If oMarks(j).Level &gt; oIdx.Level - 1 Then oMarks(j).Level = oIdx.Level - 1
        Next j
      End If
      oIdx.update()
    Next i
  Next n
  sToc = ""
  For i = 0 To oDoc.getDocumentIndexes().getCount() - 1
    oIdx = oDoc.getDocumentIndexes().getByIndex(i)
    If oIdx.supportsService("com.sun.star.text.ContentIndex") Then sToc = sToc &amp; oIdx.getAnchor().getString()
  Next i
  UpdateIndexes = Join(Split(Join(Split(Join(Split(sToc, Chr(13)), ""), Chr(10)), Chr(30)), Chr(9)), Chr(29))
End Function

Sub ConvertList(sJobsUrl As String, sResultsUrl As String)
  Dim oSFA, oIn, oOut, sLine As String, aParts, oDoc, oHandler, sToc As String, nPages As Long
  Dim aLoad(3) As Object, aStore(1) As Object, aFilter(1) As Object
  oSFA = createUnoService("com.sun.star.ucb.SimpleFileAccess")
  oIn = createUnoService("com.sun.star.io.TextInputStream")
  oIn.setInputStream(oSFA.openFileRead(sJobsUrl))
  oIn.setEncoding("UTF-8")
  oOut = createUnoService("com.sun.star.io.TextOutputStream")
  oOut.setOutputStream(oSFA.openFileWrite(sResultsUrl))
  oOut.setEncoding("UTF-8")
  oHandler = CreateUnoListener("GenHandler_", "com.sun.star.task.XInteractionHandler")
  Do While Not oIn.isEOF()
    sLine = Join(Split(Join(Split(oIn.readLine(), Chr(13)), ""), Chr(10)), "")
    If Len(sLine) &gt; 0 Then
      aParts = Split(sLine, Chr(9))
      gWarnings = ""
      oDoc = Nothing
      On Error Goto Failed
      aLoad(0) = PV("Hidden", True)
      aLoad(1) = PV("ReadOnly", True)
      aLoad(2) = PV("InteractionHandler", oHandler)
      aLoad(3) = PV("FilterName", "MS Word 2007 XML")
      oDoc = StarDesktop.loadComponentFromURL(aParts(0), "_blank", 0, aLoad())
      If IsNull(oDoc) Then Error 1
      Relayout(oDoc)
      sToc = UpdateIndexes(oDoc)
      Relayout(oDoc)
      nPages = oDoc.getCurrentController().PageCount
      aFilter(0) = PV("ExportBookmarks", True)
      aFilter(1) = PV("UseTaggedPDF", True)
      aStore(0) = PV("FilterName", "writer_pdf_Export")
      aStore(1) = PV("FilterData", aFilter())
      oDoc.storeToURL(aParts(1), aStore())
      oDoc.close(True)
      oOut.writeString("OK" &amp; Chr(9) &amp; nPages &amp; Chr(9) &amp; gWarnings &amp; Chr(9) &amp; sToc &amp; Chr(10))
      Goto NextJob
Failed:
      oOut.writeString("ERR" &amp; Chr(9) &amp; Error$ &amp; Chr(9) &amp; gWarnings &amp; Chr(9) &amp; Chr(10))
      On Error Resume Next
      If Not IsNull(oDoc) Then oDoc.close(True)
      Resume NextJob
NextJob:
      On Error Goto 0
    End If
  Loop
  oIn.closeInput()
  oOut.closeOutput()
End Sub
</script:module>
'''


def _macro_batch(soffice: str, jobs: list, timeout: float) -> list:
    """Convert ``[(src, tmp_dst), …]`` in one soffice run; return one reply dict per job."""
    work = Path(tempfile.mkdtemp(prefix="gen-pdf-"))
    profile = work / "profile"
    env = _soffice_env(_fontconfig_file(work))
    try:
        with open(work / "soffice.log", "wb") as log:
            # 1. let LibreOffice create the profile (it replaces user/basic on a first start) ...
            init = subprocess.Popen(_soffice_args(soffice, profile) + ["--terminate_after_init"], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, env=env, **_popen_group())
            _end(init, grace=_START_TIMEOUT)
            module = profile / "user" / "basic" / "Standard" / "Module1.xba"
            module.parent.mkdir(parents=True, exist_ok=True)
            module.write_text(_BASIC, encoding="utf-8")
            # 2. ... then run the macro over the whole list.
            jobs_file, results = work / "jobs.txt", work / "results.txt"
            jobs_file.write_text("".join(f"{Path(s).resolve().as_uri()}\t{Path(d).resolve().as_uri()}\n" for s, d in jobs),
                                 encoding="utf-8")
            macro = f'macro:///Standard.Module1.ConvertList("{jobs_file.as_uri()}","{results.as_uri()}")'
            run = subprocess.Popen(_soffice_args(soffice, profile) + [macro], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=log, env=env, **_popen_group())
            _end(run, grace=timeout * max(1, len(jobs)) + _START_TIMEOUT)
        lines = results.read_text("utf-8").split("\n") if results.exists() else []
        replies = []
        for i, _ in enumerate(jobs):
            fields = lines[i].split("\t") if i < len(lines) and lines[i] else []
            warnings = [w for w in (fields[2].split("\x1f") if len(fields) > 2 else []) if w]
            if fields and fields[0] == "OK":
                toc = []
                for entry in fields[3].split("\x1e") if len(fields) > 3 else []:
                    text, _, page = entry.rpartition("\x1d")
                    if text and page.strip().isdigit():
                        toc.append([text.strip(), int(page)])
                replies.append({"ok": True, "pages": int(fields[1] or 0), "warnings": warnings, "toc": toc})
            else:
                error = (f"LibreOffice 无法转换该文件（不是有效的 Word 文档或已损坏；{fields[1]}）" if len(fields) > 1
                         else "LibreOffice 没有完成转换")
                replies.append({"ok": False, "error": error, "warnings": warnings})
        return replies
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# the converter


def _close_workers(workers: list) -> None:
    while workers:
        workers.pop().close()


class PdfConverter:
    """Converts .docx files to PDF with ``workers`` running LibreOffice instances (default 1).

    A context manager; workers start in the background when it is created and end on ``close()``.
    ``convert`` is thread-safe (each call takes a free worker); ``convert_many`` spreads a batch over all
    workers.  A worker that hangs (``timeout`` seconds) or dies is replaced; its job fails with PdfError.
    Raises LibreOfficeMissing (message: INSTALL_HINT) when LibreOffice is not installed.
    """

    def __init__(self, workers: int = 1, *, soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 mode: str | None = None):
        self.soffice = soffice or find_soffice()
        if not self.soffice:
            raise LibreOfficeMissing()
        self.timeout = timeout
        self.workers = max(1, int(workers))
        mode = mode or os.environ.get("GEN_PDF_MODE") or None  # "uno" | "macro"; default: uno when possible
        self.python = find_uno_python(self.soffice) if mode != "macro" else None
        if mode == "uno" and not self.python:
            raise PdfError("找不到能使用 LibreOffice UNO 的 Python（Debian/Ubuntu：sudo apt-get install python3-uno）。")
        self.mode = "uno" if self.python else "macro"
        self._idle: queue.Queue = queue.Queue()
        self._all: list = []
        self._lock = threading.Lock()
        self._closed = False
        # LibreOffice must not outlive us even if close() is never called (the UNO client also ends
        # its soffice when our end of its stdin closes).
        self._finalizer = weakref.finalize(self, _close_workers, self._all)
        if self.mode == "uno":
            for i in range(self.workers):
                worker = _UnoWorker(self.soffice, self.python, i, timeout)
                self._all.append(worker)
                self._idle.put(worker)

    def __enter__(self) -> "PdfConverter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End every worker (LibreOffice and its UNO client) and remove their temporary profiles."""
        with self._lock:
            self._closed = True
        self._finalizer()

    # -- conversions -----------------------------------------------------------------------------

    def convert(self, docx, pdf) -> PdfResult:
        """Convert one file; the PDF appears atomically at ``pdf``.  Raises PdfError on failure."""
        result = self._convert(Path(docx), Path(pdf))
        if not result.ok:
            raise PdfError(f"{result.source}：PDF 生成失败（{result.error}）")
        return result

    def convert_many(self, jobs):
        """Convert ``(docx, pdf)`` pairs over all workers; yields a PdfResult per job, in input order,
        never raising for a single job (see ``PdfResult.error``)."""
        jobs = [(Path(s), Path(d)) for s, d in jobs]
        if self.mode == "macro":
            yield from self._macro(jobs)
            return
        results: dict = {}
        pending = list(enumerate(jobs))
        done = threading.Condition()

        def serve():
            while True:
                with done:
                    if not pending:
                        return
                    i, (src, dst) = pending.pop(0)
                try:
                    result = self._convert(src, dst)
                except Exception as exc:  # never leave the caller waiting
                    result = PdfResult(src, error=str(exc))
                with done:
                    results[i] = result
                    done.notify_all()

        for _ in range(min(self.workers, len(pending))):
            threading.Thread(target=serve, daemon=True).start()
        for i in range(len(jobs)):
            with done:
                done.wait_for(lambda: i in results)
                result = results.pop(i)
            yield result

    def _convert(self, src: Path, dst: Path) -> PdfResult:
        if self._closed:
            raise PdfError("PdfConverter 已关闭")
        if not src.is_file():
            return PdfResult(src, error=f"找不到文件 {src}")
        if self.mode == "macro":
            return next(iter(self._macro([(src, dst)])))
        dst = dst.absolute()
        tmp = _temp_target(dst)
        worker = self._idle.get()
        try:
            if not worker.alive():  # died while idle: not this document's fault
                worker = self._replace(worker)
            try:
                reply = worker.convert(src.resolve(), tmp)
            except PdfError as exc:
                worker = self._replace(worker)
                reply = {"ok": False, "error": str(exc)}
        finally:
            self._idle.put(worker)
        return self._finish(src, dst, tmp, reply)

    def _replace(self, worker: "_UnoWorker") -> "_UnoWorker":
        """A worker that timed out or died is ended and a fresh one takes its place."""
        index = self._all.index(worker) if worker in self._all else len(self._all)
        worker.close()
        fresh = _UnoWorker(self.soffice, self.python, index + 100, self.timeout)
        with self._lock:
            if worker in self._all:
                self._all[self._all.index(worker)] = fresh
            else:
                self._all.append(fresh)
        return fresh

    def _macro(self, jobs: list):
        jobs = [(s, d.absolute()) for s, d in jobs]
        tmps = [_temp_target(d) for _, d in jobs]
        started = time.time()
        replies = _macro_batch(self.soffice, [(s, t) for (s, _), t in zip(jobs, tmps)], self.timeout)
        seconds = (time.time() - started) / max(1, len(jobs))
        for (src, dst), tmp, reply in zip(jobs, tmps, replies):
            reply.setdefault("seconds", seconds)
            yield self._finish(src, dst, tmp, reply)

    @staticmethod
    def _finish(src: Path, dst: Path, tmp: Path, reply: dict) -> PdfResult:
        try:
            if reply.get("ok") and tmp.is_file() and tmp.stat().st_size > 0:
                _publish(tmp, dst)
                return PdfResult(src, dst, pages=reply.get("pages", 0), warnings=reply.get("warnings"),
                                 toc=reply.get("toc"), seconds=reply.get("seconds", 0.0))
            error = reply.get("error") or "LibreOffice 没有写出 PDF"
            return PdfResult(src, error=error, warnings=reply.get("warnings"))
        except PdfError as exc:
            return PdfResult(src, error=str(exc), warnings=reply.get("warnings"))
        finally:
            if tmp.exists():
                tmp.unlink()


# ---------------------------------------------------------------------------------------------
# page numbers back into the .docx


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def write_toc_pages(docx, toc) -> bool:
    """Put the page numbers of an updated 目录 (``PdfResult.toc``) into the .docx's TOC entries.

    The template's 目录 is a TOC field whose entries carry no page numbers: a .docx made without
    LibreOffice lists the entries only, as the published disclosures do, rather than blanks or numbers
    nobody computed, and it asks nothing on opening (no ``w:updateFields``).  After a PDF conversion the
    numbers are LibreOffice's pagination of this very file, and this adds to each entry a tab (the dot
    leader of the toc styles) and a PAGEREF field whose result is the number, so the .docx shows the
    pages of its PDF in every program.  Entries are matched by text, in order; returns False (file
    untouched) when they do not match.  Running it again replaces the numbers.  The file is replaced
    atomically.
    """
    from lxml import etree

    path = Path(docx)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        parts = {info.filename: zf.read(info) for info in infos}
    root = etree.fromstring(parts["word/document.xml"])
    links = [h for h in root.iter(f"{_W}hyperlink") if (h.get(f"{_W}anchor") or "").startswith("_Toc")]

    def norm(text: str) -> str:
        return re.sub(r"\s+", "", text)

    def run(child: str, text: str | None = None, **attrs):
        r = etree.Element(f"{_W}r")
        el = etree.SubElement(r, f"{_W}{child}", {f"{_W}{k}": v for k, v in attrs.items()})
        if text is not None:
            el.text = text
            el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return r

    pages = iter([(norm(text), page) for text, page in toc])
    filled = 0
    for link in links:
        runs = list(link.iter(f"{_W}r"))
        keep, inside = [], False  # the entry's own text: not a tab, not a field written before
        for r in runs:
            kind = r.find(f"{_W}fldChar")
            if kind is not None:
                inside = {"separate": True, "end": False}.get(kind.get(f"{_W}fldCharType"), inside)
            elif not inside and r.find(f"{_W}tab") is None and r.find(f"{_W}instrText") is None:
                keep.append(r)
        text = norm("".join(t.text or "" for r in keep for t in r.findall(f"{_W}t")))
        for want, page in pages:
            if want == text:
                break
        else:
            return False
        for r in runs:
            if r not in keep:
                r.getparent().remove(r)
        name = link.get(f"{_W}anchor")
        for new in (run("tab"), run("fldChar", fldCharType="begin"), run("instrText", f" PAGEREF {name} \\h "),
                    run("fldChar", fldCharType="separate"), run("t", str(page)), run("fldChar", fldCharType="end")):
            link.append(new)
        filled += 1
    if not filled:
        return False
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                out.writestr(info, parts[info.filename])
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)  # keep the document's permissions
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


if __name__ == "__gen_pdf_worker__":
    _uno_worker_main(sys.argv[2:])

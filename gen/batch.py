"""``gen build`` over many workbooks: find them, build them in parallel, summarise.

Design (see ``run_batch``):

* **One Renderer per worker process.**  Loading, patching and compiling the Word template is the
  expensive part of a docxtpl-style render; each worker does it once in its initializer and then
  renders every unit it is given.  On Linux the pool forks, so workers inherit the imported code.
* **Nothing stops the batch.**  An unusable file, check errors, an exception inside a worker and
  even a worker process that dies are all turned into a row of the summary.  A dead worker breaks
  the whole ``ProcessPoolExecutor``; the units that had not finished are run again, the few that
  may have been running when it died each in a process of its own, so the culprit is identified
  and the others are built.
* **Never overwrite a sibling.**  Workers write into a staging folder inside the output folder
  (``.~gen-…``; same file system, so moving a document out is an atomic rename).  Only when every
  unit has reported are documents moved to their final names.  Two workbooks that name the same
  unit and year (hence the same output file) are *both* reported as 单位重复 and neither document
  is written: which of the two is the right one is a human decision, and building "the first"
  would make the published document depend on file names or on timing.  An interrupted batch
  (Ctrl-C) writes no document at all.
* **PDF (--pdf).**  After the documents are in place, one ``gen.pdf.PdfConverter`` with ``jobs``
  LibreOffice workers converts them all, so LibreOffice starts ``jobs`` times per batch, not once
  per unit.  Each PDF is read back (gen.pdfcheck) before it is moved beside its document; a failed
  conversion, or a PDF that lost table content or numbers its 目录 wrong, marks its row (PDF 未生成)
  and keeps the .docx.
* **Deterministic.**  Rows come back in discovery order (arguments in the order given, folders
  walked in sorted order) whatever order the workers finish in, and the renderer writes the same
  bytes for the same workbook.
"""
from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .build import build_unit, output_name, write_atomic
from .catalog import Catalog
from .findings import BUG_HINT, Finding
from .output import OutputError, describe_os_error, display

SUMMARY_NAME = "构建汇总.csv"
SUMMARY_COLUMNS = ("单位", "文件", "状态", "错误数", "提示数", "输出文件/说明", "目录页码")
STATUS_LABEL = {
    "ok": "已生成",
    "errors": "有错误",
    "unusable": "无法读取",
    "conflict": "单位重复",
    "failed": "程序出错",  # a bug of gen, nothing else
    "unwritable": "无法写入",  # the output file system refused (permissions, disk full, open in Word)
    "pdf_failed": "PDF 未生成",  # the .docx was written, the PDF asked for with --pdf was not
}
STAGES = ("read", "check", "compute", "render", "verify", "write")
_STAGING_PREFIX = ".~gen-"
_STAGING_LOCK = "lock"  # held (flock/msvcrt) by the run that owns the staging folder


# --------------------------------------------------------------------------------------------
# Finding the workbooks


def _skipped(name: str) -> bool:
    """Office lock files (``~$x.xlsx``, left while Excel/WPS has the file open) and our own
    temporary files and folders (``.~…``)."""
    return name.startswith("~$") or name.startswith(".~")


def find_workbooks(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Path]]:
    """The workbooks to build and the folders that held none.

    Files are taken as given (even a lock file named explicitly: it is then reported as
    unusable, which says more than skipping it silently; a missing file likewise).  Folders are
    searched recursively for ``.xlsx`` in sorted order, skipping lock and temporary files; a FIFO or
    device named ``.xlsx`` is listed too, to get its row saying what it is (it is never opened).  A
    file reached twice (named and inside a named folder) is built once.
    """
    found: list[Path] = []
    empty: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.realpath(path)  # unlike Path.resolve on 3.11, never raises on a symlink loop
        if key not in seen:
            seen.add(key)
            found.append(path)

    for arg in paths:
        path = Path(arg)
        if not path.is_dir():
            add(path)
            continue
        before = len(found)
        for file in _walk(path):
            add(file)
        if len(found) == before:
            empty.append(path)
    return found, empty


def _walk(root: Path) -> Iterator[Path]:
    """``.xlsx`` entries under ``root``, folder by folder in sorted order, like ``os.walk`` top-down
    but with an explicit stack: a tree thousands of levels deep cannot exhaust Python's recursion
    limit.  Links to folders are not followed (no loops, nothing outside the tree); unreadable
    folders are skipped, as ``os.walk`` does."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if _skipped(entry.name):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                linked_dir = not is_dir and entry.is_symlink() and entry.is_dir()
            except OSError:
                is_dir = linked_dir = False
            if is_dir:
                subfolders.append(Path(entry.path))
            elif not linked_dir and entry.name.lower().endswith(".xlsx"):
                yield Path(entry.path)
        stack.extend(reversed(subfolders))


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class UnitRecord:
    """One row of the summary: what happened to one workbook."""

    index: int
    source: Path
    unit: str = ""
    year: int = 0
    status: str = "failed"  # one of STATUS_LABEL
    errors: int = 0
    warnings: int = 0
    output: Path | None = None
    message: str = ""
    findings: list[Finding] = field(default_factory=list)  # all of them only when asked (details)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, when asked
    staged: Path | None = None  # the document in the staging folder, before it is moved
    pdf: Path | None = None  # the PDF beside the document (--pdf)
    extra_outputs: list[str] = field(default_factory=list)  # lines for the screen (the PDF, its problem)
    toc_pages: bool = False  # the 目录's page numbers were filled in from the PDF's pagination

    @property
    def toc_note(self) -> str:
        """The summary's 目录页码 column: a .docx made without a PDF lists the 目录's entries only."""
        if not self.output:
            return ""
        return "已填入（按 PDF 分页）" if self.toc_pages else "未填入（目录只列标题）"

    @property
    def label(self) -> str:
        return STATUS_LABEL[self.status]

    @property
    def note(self) -> str:
        """The summary's last column: the documents written, or why there are none."""
        written = "；".join(str(p) for p in (self.output, self.pdf) if p)
        return "；".join(t for t in (written, self.message if self.status != "ok" else "") if t)


@dataclass
class BatchReport:
    records: list[UnitRecord]
    jobs: int
    wall: float  # seconds, start of the pool to the last document moved
    summary: Path | None = None
    summary_error: str = ""  # why 构建汇总.csv could not be written (the documents are there)

    @property
    def failed(self) -> list[UnitRecord]:
        return [r for r in self.records if r.status != "ok"]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABEL, 0)
        for r in self.records:
            counts[r.status] += 1
        return counts

    def describe_counts(self) -> str:
        parts = [f"{STATUS_LABEL[s]} {n} 个" for s, n in self.counts().items() if n]
        return f"共 {len(self.records)} 个工作簿：" + "，".join(parts) + "。"


def summary_csv(records: Iterable[UnitRecord]) -> bytes:
    """The summary table, UTF-8 with BOM so that Excel opens it with the Chinese intact.

    It is meant to be opened in Excel, and unit names and file names are anybody's text: every
    field is quoted and escaped against formula injection (``spreadsheet_text``); a file name that
    is not valid UTF-8 is written with its odd bytes as ``\\xNN``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(SUMMARY_COLUMNS)
    for r in records:
        writer.writerow([spreadsheet_text(v) for v in (r.unit, display(r.source), r.label, r.errors, r.warnings,
                                                        display(r.note), r.toc_note)])
    return buffer.getvalue().encode("utf-8-sig")


# OWASP "CSV Injection": a cell starting with one of these is a formula to Excel, LibreOffice or
# Sheets; also after leading blanks (some import paths trim them), and the full-width forms that an
# East Asian Excel may normalise.
_FORMULA_START = tuple("=+-@\t\r\n\0＝＋－＠")


def spreadsheet_text(value) -> str:
    """``value`` as text a spreadsheet shows and never evaluates: a leading ``'`` where needed."""
    text = str(value)
    if isinstance(value, str) and text.lstrip(" \u3000").startswith(_FORMULA_START):
        return "'" + text
    return text


# --------------------------------------------------------------------------------------------
# Worker side


@dataclass
class _Settings:
    staging: Path
    catalog: Catalog | None
    reason_threshold: Decimal | None
    details: bool  # send every finding back (the screen lists them); otherwise only the first error
    timings: bool
    debug: bool = False  # put the traceback of an unexpected exception into the message


class _Worker:
    """Per-process state: the settings and ONE Renderer, created by the pool initializer."""

    settings: _Settings | None = None
    renderer = None
    error: str = ""


def _init_worker(settings: _Settings, in_pool: bool = True) -> None:
    if in_pool:
        # Ctrl-C goes to the whole process group; the parent alone decides what to do with it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for name in _END_SIGNALS:  # the parent's handlers (inherited through fork) are not ours
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        _die_with_parent()
    _Worker.settings, _Worker.renderer, _Worker.error = settings, None, ""
    try:
        from .render import Renderer

        _Worker.renderer = Renderer()
    except Exception as exc:  # a broken template fails every unit with the same message
        _Worker.error = f"Word 模板无法使用，未生成文档：{exc}"


def _die_with_parent() -> None:
    """A worker never outlives gen, however gen ends (kill -9 included): on Linux the kernel kills
    it when the parent dies (PR_SET_PDEATHSIG); everywhere a watchdog thread watches the parent's
    sentinel (a pipe on POSIX, the process handle on Windows) and the parent PID, and ends the worker."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the watchdog below still works
    threading.Thread(target=_watch_parent, args=(parent.pid, parent.sentinel), daemon=True,
                     name="gen-parent-watchdog").start()


def _watch_parent(parent_pid: int, sentinel) -> None:
    while not multiprocessing.connection.wait([sentinel], timeout=0.5):
        if os.name != "nt" and os.getppid() != parent_pid:  # re-parented: the parent is gone
            break
    os._exit(1)


def _build_one(index: int, source: Path) -> UnitRecord:
    """Build one unit in this worker; never raises."""
    from .docxengine import TemplateError

    s = _Worker.settings
    record = UnitRecord(index, Path(source))
    if _Worker.error:
        record.message = _Worker.error
        return record
    timings: dict[str, float] | None = {} if s.timings else None
    try:
        result = build_unit(Path(source), s.staging / str(index), _Worker.renderer, s.catalog,
                            s.reason_threshold, timings=timings)
    except TemplateError as exc:
        record.message = f"Word 模板渲染失败，未生成文档：{exc}"
        return record
    except Exception as exc:  # a bug: reported on this unit's row, the batch goes on
        record.message = (f"程序出错，未生成文档（{type(exc).__name__}：{exc}）。{BUG_HINT}")
        if s.debug:
            record.message += "\n" + traceback.format_exc()
        return record
    finally:
        record.timings = timings or {}
    errors = result.findings.errors
    record.unit, record.year, record.status = result.unit, result.year, result.status
    record.errors, record.warnings = len(errors), len(result.findings.warnings)
    record.message, record.staged = result.message, result.output
    prefix = f"{record.source.name}："
    if record.message.startswith(prefix):  # the row already names the file
        record.message = record.message[len(prefix):]
    if s.details:
        record.findings = list(result.findings)
    elif errors:
        record.findings = errors[:1]
        record.message += f"第一个：{errors[0].describe()}"
    return record


# --------------------------------------------------------------------------------------------
# Parent side


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # what this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _context():
    # fork: workers start in milliseconds with everything imported.  Elsewhere (Windows, macOS)
    # the platform default (spawn) re-imports gen in each worker.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _crashed(index: int, source: Path) -> UnitRecord:
    return UnitRecord(index, source, message="处理这个工作簿时程序异常退出（进程崩溃），未生成文档。"
                                             "其他工作簿不受影响；请把这个工作簿发给技术支持。")


def _pool_round(tasks: list[tuple[int, Path]], jobs: int, settings: _Settings
                ) -> Iterator[UnitRecord | tuple[str, list[tuple[int, Path]]]]:
    """Run ``tasks`` in one pool; yield records, and at the end ("broken", unfinished tasks) if a
    worker died."""
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_worker,
                                   initargs=(settings,))
    futures = {}
    finished: set[int] = set()
    broken = False
    try:
        futures = {executor.submit(_build_one, index, source): (index, source) for index, source in tasks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index, source = futures[future]
                try:
                    record = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                except Exception as exc:  # e.g. a result that cannot be sent back
                    record = UnitRecord(index, source, message=f"程序出错，未生成文档（{type(exc).__name__}：{exc}）。")
                finished.add(index)
                yield record
    except KeyboardInterrupt:  # Ctrl-C: let running units finish (workers ignore SIGINT), start no more
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    except BaseException:  # SIGTERM/SIGHUP (Terminated) or a bug: the workers end now, with us
        processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(5)
        raise
    executor.shutdown(wait=True)
    if broken:
        yield ("broken", [t for t in tasks if t[0] not in finished])


def _run_pool(tasks: list[tuple[int, Path]], jobs: int, settings: _Settings) -> Iterator[UnitRecord]:
    while tasks:
        unfinished: list[tuple[int, Path]] = []
        for item in _pool_round(tasks, jobs, settings):
            if isinstance(item, UnitRecord):
                yield item
            else:
                unfinished = item[1]
        if not unfinished:
            return
        # The executor hands tasks to workers in submission order and queues at most
        # jobs + 1 beyond the ones running, so the unit that killed a worker is among the first
        # 2*jobs + 1 unfinished.  Those run one per process; the rest go back to a fresh pool.
        suspects, tasks = unfinished[:2 * jobs + 1], unfinished[2 * jobs + 1:]
        for index, source in suspects:
            alone = list(_pool_round([(index, source)], 1, settings))
            records = [r for r in alone if isinstance(r, UnitRecord)]
            yield records[0] if records else _crashed(index, source)


def _run_here(tasks: list[tuple[int, Path]], settings: _Settings) -> Iterator[UnitRecord]:
    _init_worker(settings, in_pool=False)
    try:
        for index, source in tasks:
            yield _build_one(index, source)
    finally:
        _Worker.settings = _Worker.renderer = None


def _resolve(records: list[UnitRecord], out_dir: Path) -> None:
    """Report duplicate units, then move every other built document to its final name."""
    by_target: dict[str, list[UnitRecord]] = defaultdict(list)
    for r in records:
        if r.unit and r.year and r.status in ("ok", "errors"):
            # casefold: Windows and macOS file names ignore case, so these would collide too
            by_target[output_name(r.unit, r.year).casefold()].append(r)
    for group in by_target.values():
        if len(group) < 2:
            continue
        name = output_name(group[0].unit, group[0].year)
        kept = " 输出文件夹中已有的同名文档未改动。" if (out_dir / name).exists() else ""
        same_unit = len({r.unit for r in group}) == 1
        for r in group:
            others = "、".join(str(o.source) for o in group if o is not r)
            r.status, r.output = "conflict", None
            if same_unit:
                r.message = (f"与 {others} 是同一单位（{r.unit}）同一年度（{r.year}），都会生成 {name}，"
                             f"因此都未生成。请删除或改正其中多余的工作簿后重新运行。{kept}")
            else:  # names that differ only in characters a file name cannot hold, or in upper/lower case
                r.message = (f"单位名称（{r.unit}）与 {others} 的不同，但生成的文件名相同（{name}：文件名中不能用的字符"
                             f"换成了“_”，且不区分大小写），因此都未生成。请在“单位信息”中把单位名称改得可以区分后重新运行。{kept}")
    for r in records:
        if r.status != "ok" or r.staged is None:
            continue
        target = out_dir / r.staged.name
        problem = _move(r.staged, target, "Word/WPS")
        if problem:
            r.status, r.message = "unwritable", problem
        else:
            r.output = target


def _move(source: Path, target: Path, opened_in: str) -> str | None:
    """Rename a staged file onto its final name (atomic); why not, for the clerk, or None."""
    try:
        os.replace(source, target)
    except PermissionError:
        return f"{display(target)}：文件被其他程序占用（可能正在 {opened_in} 中打开），请关闭后重试。"
    except OSError as exc:
        return describe_os_error(exc, target)
    return None


def _convert_pdfs(records: list[UnitRecord], jobs: int, progress, staging: Path) -> None:
    """PDFs of the documents just written, through ``jobs`` LibreOffice workers that stay up for the
    whole batch (gen.pdf).  Started only now, after the build pool has finished: forking the build
    workers from a process that already runs the converter's threads and pipes is asking for trouble,
    and conversion takes seconds per unit where building takes milliseconds, so little overlap is lost.

    Each PDF is made in the staging folder and read back (gen.pdfcheck) before it is moved beside its
    document: a PDF that lost table content or numbers its 目录 wrong is not written, and its row says so.
    """
    from .pdf import PdfConverter, PdfError, write_toc_pages
    from .pdfcheck import problems

    built = [r for r in records if r.status == "ok" and r.output]
    if not built:
        return
    try:
        converter = PdfConverter(workers=min(jobs, len(built)))
    except PdfError as exc:  # LibreOffice there but unusable: every row says so, the .docx stay
        for r in built:
            r.status, r.message = "pdf_failed", f"Word 文档已生成，PDF 未生成：{exc}"
        return
    with converter:
        pairs = [(r.output, staging / f"{r.index}.pdf") for r in built]
        for r, result in zip(built, converter.convert_many(pairs)):
            problem = result.error
            if result.ok:
                try:
                    problem = problems(r.output.read_bytes(), result.output, result.toc)
                except Exception as exc:  # an unreadable PDF is not published either
                    problem = f"无法读回 PDF 核对表格内容和目录（{type(exc).__name__}: {exc}）"
            if problem is None:
                _publish_pdf(r, result, write_toc_pages)
            else:
                r.status, r.message = "pdf_failed", f"Word 文档已生成，PDF 未生成：{problem}"
            if progress:
                progress(r)


def _publish_pdf(r: UnitRecord, result, write_toc_pages) -> None:
    """Move a checked PDF beside its document; then put the 目录's page numbers into the document."""
    target = r.output.with_suffix(".pdf")  # as the user named the folder, like the .docx
    problem = _move(result.output, target, "PDF 阅读器")
    if problem:
        r.status, r.message = "pdf_failed", f"Word 文档已生成，PDF 未写出：{problem}"
        return
    r.pdf = target
    pages = f"（{result.pages} 页）" if result.pages else ""
    r.extra_outputs.append(f"PDF：{r.pdf}{pages}")
    r.extra_outputs += [f"! LibreOffice 提示：{w}" for w in result.warnings]
    if result.toc:  # the 目录's page numbers, now known, into the .docx too
        try:
            r.toc_pages = write_toc_pages(r.output, result.toc)
        except OSError as exc:
            r.extra_outputs.append(f"! 未能把目录页码写入 Word 文档（{exc.strerror or exc}）")


def run_batch(sources: list[Path], out_dir: str | os.PathLike[str], *, jobs: int | None = None,
              catalog: Catalog | None = None, reason_threshold: Decimal | None = None,
              details: bool = False, timings: bool = False, summary: bool = True, pdf: bool = False,
              debug: bool = False, progress: Callable[[UnitRecord], None] | None = None) -> BatchReport:
    """Build every workbook in ``sources`` into ``out_dir``; one record per source, in order.

    ``jobs``: worker processes (default: every core this process may use; 1 builds in this
    process).  ``details``: keep every finding of every unit (for printing them); otherwise only
    the first error.  ``timings``: record seconds per stage.  ``summary``: write
    ``构建汇总.csv`` into ``out_dir``.  ``pdf``: also convert every document written to PDF
    (raises ``gen.pdf.LibreOfficeMissing`` before building anything when LibreOffice is not
    installed).  ``progress`` is called once per finished unit, in completion order, and with
    ``pdf`` once more per converted document.
    """
    if pdf:
        from .pdf import LibreOfficeMissing, find_soffice

        if find_soffice() is None:
            raise LibreOfficeMissing()
    out_dir = Path(out_dir)
    jobs = max(1, min(jobs or default_jobs(), len(sources) or 1))
    tasks = list(enumerate(sources))
    records: list[UnitRecord | None] = [None] * len(tasks)
    start = time.perf_counter()
    with _ending_signals_raise():  # SIGTERM/SIGHUP: staging removed, workers and LibreOffice ended
        with _Staging(out_dir) as staging:
            settings = _Settings(staging, catalog, reason_threshold, details, timings, debug)
            results = _run_here(tasks, settings) if jobs == 1 else _run_pool(tasks, jobs, settings)
            for record in results:
                records[record.index] = record
                if progress:
                    progress(record)
            done = [r if r is not None else _crashed(i, s) for (i, s), r in zip(tasks, records)]
            _resolve(done, out_dir)
            if pdf:
                _convert_pdfs(done, jobs, progress, staging)
    report = BatchReport(done, jobs, time.perf_counter() - start)
    if summary:
        try:
            write_atomic(out_dir / SUMMARY_NAME, summary_csv(done))
            report.summary = out_dir / SUMMARY_NAME
        except OutputError as exc:  # the documents are written: the caller still reports every row
            report.summary_error = str(exc)
    return report


# --------------------------------------------------------------------------------------------
# Staying inside our own process tree and folder


_END_SIGNALS = ("SIGTERM", "SIGHUP")


class Terminated(Exception):
    """gen was asked to end (SIGTERM, SIGHUP): raised in the main thread so that cleanup runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _ending_signals_raise():
    """While a batch runs, SIGTERM/SIGHUP raise ``Terminated`` (workers end, staging is removed)
    instead of killing gen on the spot.  Only the main thread can install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    def ended(signum, _frame):
        raise Terminated(signum)
    previous = {}
    for name in _END_SIGNALS:
        if hasattr(signal, name):
            previous[name] = signal.signal(getattr(signal, name), ended)
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


class _Staging:
    """The staging folder ``.~gen-…`` inside the output folder, locked while this run owns it.

    A run killed outright (kill -9, power cut) leaves its folder behind; the next run in the same
    output folder removes every staging folder whose lock nobody holds any more (the kernel drops
    a dead process's locks), and never one of a build that is still running.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path: Path | None = None
        self.lock: int | None = None

    def __enter__(self) -> Path:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(self.out_dir)
            self.path = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.out_dir))
            self.lock = _try_lock(self.path / _STAGING_LOCK, create=True)
        except OSError as exc:
            self.__exit__()
            raise OutputError(describe_os_error(exc, self.out_dir)) from None
        return self.path

    def __exit__(self, *_exc) -> None:
        if self.lock is not None:
            os.close(self.lock)  # before removing: Windows cannot delete a locked file
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)


def _try_lock(path: Path, create: bool = False) -> int | None:
    """An open descriptor holding an exclusive lock on ``path``, or None if another process holds it."""
    fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o666)
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        if create:
            raise
        return None
    return fd


def _remove_stale_staging(out_dir: Path, grace: float = 60.0) -> None:
    """Remove staging folders left by runs that were killed (see ``_Staging``).  A folder without a
    lock file is stale once older than ``grace`` seconds (it may be a run between creating its
    folder and locking it).  Links are never followed; nothing outside ``out_dir`` is touched."""
    with os.scandir(out_dir) as it:
        candidates = [e for e in it if e.name.startswith(_STAGING_PREFIX) and e.is_dir(follow_symlinks=False)]
    for entry in candidates:
        folder = Path(entry.path)
        try:
            fd = _try_lock(folder / _STAGING_LOCK)
        except FileNotFoundError:
            fd = None
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < grace:
                continue
        except OSError:
            continue
        else:
            if fd is None:  # a running build holds it
                continue
            os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)

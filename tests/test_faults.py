"""Issue 12: gen holds under faults — no lost workbook, no orphaned process, no 程序出错 for what the
user can fix.  One test (or more) per break of the issue, numbered like the issue; the process tests
start the real command in a child process and kill it."""
from __future__ import annotations

import copy
import csv
import errno
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from procs import alive, children
from conftest import make_workbook
from gen.batch import find_workbooks
from gen.cli import main
from xlsx_edit import edit_xml, sha256

LINUX = sys.platform.startswith("linux")
UMASK = os.umask(0)
os.umask(UMASK)
GEN = [sys.executable, "-c", "import sys; from gen.cli import main; sys.argv[0] = 'gen'; main(prog_name='gen')"]
NEVER = ("Traceback", "程序出错", "Exception ignored", "Error:")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="gen")


def gen(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(GEN + [str(a) for a in args], capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})}, **kwargs)


def clean(text: str) -> None:
    for word in NEVER:
        assert word not in text, text


def _named(data: dict, name: str) -> dict:
    content = copy.deepcopy(data)
    content["unit"]["name"] = name
    return content


def _summary(out: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((out / "构建汇总.csv").read_text(encoding="utf-8-sig"))))


# --- 1. a filled workbook is never overwritten -----------------------------------------------

def test_1_template_never_overwrites_a_file_without_force(tmp_path, example_workbook, monkeypatch):
    target = tmp_path / "单位预算公开填报模板.xlsx"
    shutil.copyfile(example_workbook, target)
    before = sha256(target)
    monkeypatch.chdir(tmp_path)
    result = run("template")
    assert result.exit_code == 1
    assert "已存在" in result.output and "--force" in result.output
    assert sha256(target) == before  # the clerk's filled workbook is intact
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left
    result = run("template", "--force")
    assert result.exit_code == 0 and sha256(target) != before
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~UMASK


# --- 2. the process tree dies with gen; staging folders do not outlive a run -----------------

@pytest.fixture(scope="module")
def many(tmp_path_factory, _example_data) -> Path:
    """24 units: a batch at two workers runs for several seconds."""
    folder = tmp_path_factory.mktemp("many")
    make_workbook(folder, _named(_example_data, "单位0"), "u00.xlsx")
    for i in range(1, 24):
        shutil.copyfile(folder / "u00.xlsx", folder / f"u{i:02}.xlsx")
    return folder


@pytest.fixture(scope="module")
def pair(tmp_path_factory, _example_data) -> Path:
    """Two different units."""
    folder = tmp_path_factory.mktemp("pair")
    for i in range(2):
        make_workbook(folder, _named(_example_data, f"单位{i}"), f"u{i}.xlsx")
    return folder


def _start_batch(many: Path, out: Path) -> tuple[subprocess.Popen, set[int]]:
    proc = subprocess.Popen(GEN + ["build", str(many), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        workers = children(proc.pid)
        if len(workers) >= 2 and list(out.glob(".~gen-*/*/*.docx")):  # workers busy, documents staged
            return proc, workers
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the batch did not start two workers")


@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGHUP"])
def test_2_killing_gen_ends_its_workers_and_the_next_run_removes_the_staging_folder(many, tmp_path, how):
    out = tmp_path / "out"
    proc, workers = _start_batch(many, out)
    os.kill(proc.pid, getattr(signal, how))
    # the pipes close only when every process holding them is gone: a wrapper waiting on gen returns
    stdout, stderr = proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(workers), f"workers outlived gen after {how}"
    if how != "SIGKILL":
        assert proc.returncode == 128 + getattr(signal, how)
        assert "已终止" in stderr.decode() and "Traceback" not in stderr.decode()
        assert not list(out.glob(".~gen-*")) and not list(out.glob("*.docx"))
        return
    assert list(out.glob(".~gen-*")), "kill -9 leaves its staging folder (nothing can run in a killed process)"
    done = gen("build", many / "u00.xlsx", "-o", out)
    assert done.returncode == 0, done.stderr.decode()
    assert not list(out.glob(".~gen-*")), "the next run removes the stale staging folder"


def test_2_a_running_builds_staging_folder_is_not_removed(tmp_path):
    from gen.batch import _Staging

    out = tmp_path / "out"
    with _Staging(out) as first:
        with _Staging(out) as second:  # a second build in the same folder meanwhile
            assert first.is_dir() and second.is_dir() and first != second
        assert first.is_dir() and not second.exists()
    assert not first.exists()


# --- 3. any console encoding; a closed pipe; no stray progress label --------------------------

@pytest.mark.parametrize("encoding", ["gbk", "cp936", "ascii"])
def test_3_check_output_survives_the_console_encoding(example_workbook, tmp_path, example_content, encoding):
    example_content["totals"]["gpb"][0] = "441.12"
    bad = make_workbook(tmp_path, example_content, "错.xlsx")
    good = gen("check", example_workbook, env={"PYTHONIOENCODING": encoding})
    assert good.returncode == 0, good.stderr.decode(errors="replace")
    both = gen("check", example_workbook, bad, env={"PYTHONIOENCODING": encoding})
    assert both.returncode == 1
    for proc in (good, both):
        text = (proc.stdout + proc.stderr).decode("utf-8" if encoding == "ascii" else encoding)
        clean(text)
    assert "检查通过" in good.stdout.decode("utf-8" if encoding == "ascii" else encoding)


def test_3_symbols_degrade_to_what_gbk_has():
    from gen.console import _degrade

    for text, expected in (("✓ 通过", "√ 通过"), ("✗ 错误", "× 错误"), ("a\udcb5b", "a\\xb5b")):
        assert text.encode("gbk", "gen-console").decode("gbk") == expected
    assert "✓ 通过".encode("ascii", "gen-console") == b"OK \\u901a\\u8fc7"
    assert _degrade  # the handler is registered by importing gen.console


def test_3_closed_pipe_ends_quietly(tmp_path):
    blank = tmp_path / "blank.xlsx"
    assert run("template", "-o", blank).exit_code == 0
    proc = subprocess.Popen(GEN + ["check"] + [str(blank)] * 300, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (141, 1)
    assert stderr == "", stderr


def test_3_build_output_to_a_log_has_no_stray_progress_label(tmp_path, pair):
    proc = gen("build", pair, "-o", tmp_path / "out", "--jobs", "1")
    assert proc.returncode == 0
    assert "生成中" not in proc.stdout.decode() + proc.stderr.decode()


# --- 4. 构建汇总.csv escapes formulas ---------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|x",
           "\t=1+1", " =1+1", "＝1+1"]


def test_4_summary_never_starts_a_cell_with_a_formula(tmp_path, _example_data):
    from gen.batch import spreadsheet_text

    folder = tmp_path / "in"
    for i, name in enumerate(HOSTILE):
        make_workbook(folder, _named(_example_data, name), f"u{i}.xlsx")
    result = run("build", folder, "-o", tmp_path / "out", "--jobs", "1")
    rows = _summary(tmp_path / "out")
    units = [row[0] for row in rows[1:]]
    assert len(units) == len(HOSTILE) and all(u.startswith("'") for u in units), units
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" \u3000").startswith(tuple("=+-@\t\r＝＋－＠")), cell
    raw = (tmp_path / "out" / "构建汇总.csv").read_text(encoding="utf-8-sig")
    assert all(line.startswith('"') for line in raw.splitlines() if line)  # every field quoted
    assert spreadsheet_text("单位甲") == "单位甲" and spreadsheet_text(-3) == "-3"
    assert result.exit_code in (0, 1)


# --- 5. only regular files are workbooks --------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_5_a_fifo_named_xlsx_is_named_and_never_opened(tmp_path, example_workbook):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copyfile(example_workbook, folder / "a.xlsx")
    os.mkfifo(folder / "b.xlsx")
    check = gen("check", folder / "b.xlsx")  # would block for ever if the FIFO were opened
    assert check.returncode == 2 and "命名管道" in check.stderr.decode()
    build = gen("build", folder, "-o", tmp_path / "o")
    assert build.returncode == 1
    assert len(list((tmp_path / "o").glob("*.docx"))) == 1  # the good unit is built
    rows = {row[1]: row for row in _summary(tmp_path / "o")[1:]}
    assert "命名管道" in rows[str(folder / "b.xlsx")][5]
    clean(build.stdout.decode() + build.stderr.decode())


@pytest.mark.skipif(not LINUX, reason="device files")
def test_5_a_device_is_named(tmp_path):
    result = run("check", "/dev/null")
    assert result.exit_code == 2 and "设备文件" in result.output


# --- 6. a summary that cannot be written does not hide the results -----------------------------

def test_6_unwritable_summary_still_reports_every_document(tmp_path, pair):
    out = tmp_path / "out"
    (out / "构建汇总.csv").mkdir(parents=True)  # a folder where the summary should go
    result = run("build", pair, "-o", out, "--jobs", "1")
    assert result.exit_code == 1
    assert result.output.count("✓") == 2 and len(list(out.glob("*.docx"))) == 2  # both rows printed
    assert "已生成 2 个" in result.output
    assert "构建汇总.csv" in result.output and "文件夹" in result.output
    clean(result.output)


def test_6_full_disk_while_writing_the_summary(tmp_path, pair, monkeypatch):
    import gen.output

    real_write = os.write

    def full(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".csv"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)
    monkeypatch.setattr(gen.output.os, "write", full)
    out = tmp_path / "out"
    result = run("build", pair, "-o", out, "--jobs", "1")
    assert "磁盘已满" in result.output and result.exit_code == 1 and result.output.count("✓") == 2
    assert not list(out.glob(".~*"))  # no temporary file left
    clean(result.output)


# --- 7. file names that are not UTF-8 ------------------------------------------------------------

@pytest.mark.skipif(not LINUX, reason="POSIX file names are bytes")
def test_7_gbk_file_names_are_built_and_summarised(tmp_path, many):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsdecode(b"\xb5\xa5\xce\xbb.xlsx")  # "单位" in GBK, as a Windows share hands it over
    shutil.copyfile(many / "u00.xlsx", folder / odd)
    result = run("build", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = _summary(tmp_path / "out")
    shown = "\\xb5\\xa5λ.xlsx"  # the bytes that are not UTF-8 as \\xNN, the rest as it decodes
    assert rows[1][1].endswith(shown) and rows[1][2] == "已生成"
    proc = gen("check", folder / odd)
    assert proc.returncode == 0 and shown.encode() in proc.stdout


# --- 8. write failures are the user's to fix -------------------------------------------------------

@pytest.mark.parametrize("target, words", [
    ("/proc/x.xlsx", "系统的特殊文件夹"),
    ("{tmp}/file/x.xlsx", "文件而不是文件夹"),
    ("{tmp}/" + "长" * 100 + ".xlsx", "太长"),
])
def test_8_template_write_failures_are_named(tmp_path, target, words):
    (tmp_path / "file").write_text("x")
    (tmp_path / "folder").mkdir()
    target = target.format(tmp=tmp_path)
    result = run("template", "-o", target, "--force")
    assert result.exit_code == 1 and words in result.output and "无法写入" in result.output, result.output
    clean(result.output)


def test_8_a_folder_named_as_the_template_is_a_usage_error(tmp_path):
    (tmp_path / "folder").mkdir()
    result = run("template", "-o", tmp_path / "folder")
    assert result.exit_code == 2 and "是文件夹" in result.output
    clean(result.output)


@pytest.mark.parametrize("code, words", [(errno.EACCES, "没有写入权限"), (errno.EROFS, "只读"),
                                         (errno.ENOSPC, "磁盘已满"), (errno.ENOENT, "不存在")])
def test_8_rollover_write_failures_are_named(tmp_path, example_workbook, monkeypatch, code, words):
    import gen.output

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(gen.output.tempfile, "mkstemp", refuse)
    result = run("rollover", example_workbook, "-o", tmp_path / "next.xlsx")
    assert result.exit_code == 1 and words in result.output and str(tmp_path / "next.xlsx") in result.output
    clean(result.output)


@pytest.mark.skipif(not LINUX, reason="RLIMIT_FSIZE")
def test_8_a_full_disk_prints_no_zipfile_noise(tmp_path):
    limited = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
               "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
               "from gen.cli import main; main(prog_name='gen')")
    for command in (["template", "-o", str(tmp_path / "t.xlsx")],):
        proc = subprocess.run([sys.executable, "-c", limited, *command], capture_output=True, timeout=120)
        text = proc.stdout.decode() + proc.stderr.decode()
        assert proc.returncode == 1 and "无法写入" in text, text
        clean(text)
    assert list(tmp_path.iterdir()) == []  # nothing half-written, no temporary file


# --- 9. duplicate merged ranges ------------------------------------------------------------------

def test_9_a_thousand_copies_of_one_merged_range(tmp_path, example_workbook):
    def merges(xml: bytes) -> bytes:
        cells = b'<mergeCell ref="A4:B4"/>' * 1000
        block = b'<mergeCells count="1000">' + cells + b"</mergeCells>"
        return xml.replace(b"</sheetData>", b"</sheetData>" + block, 1)
    bad = edit_xml(example_workbook, tmp_path / "merged.xlsx", "收入明细", merges)
    result = run("check", bad)
    assert result.exit_code == 2 and "合并单元格" in result.output and "A4:B4" in result.output, result.output
    clean(result.output)


# --- 10. options and deep folders -------------------------------------------------------------------

@pytest.mark.parametrize("value", ["NaN", "-1", "Infinity", "abc", "sNaN"])
def test_10_reason_threshold_must_be_a_number_not_below_zero(example_workbook, value):
    result = run("check", "--reason-threshold", value, example_workbook)
    assert result.exit_code == 2 and "--reason-threshold" in result.output and "不小于 0" in result.output
    clean(result.output)


def test_10_a_huge_catalog_field_is_named(tmp_path, example_workbook):
    catalog = tmp_path / "目录.csv"
    catalog.write_text("code,name\n2080109," + "长" * 140_000 + "\n", encoding="utf-8")
    result = run("check", "--catalog", catalog, example_workbook)
    assert result.exit_code == 1 and "目录文件" in result.output
    clean(result.output)


def test_10_a_folder_1100_levels_deep(tmp_path, many):
    deep = tmp_path / "in"
    path = deep
    deep.mkdir()
    for _ in range(1100):
        path = path / "d"
        path.mkdir()
    shutil.copyfile(many / "u00.xlsx", path / "u.xlsx")
    try:
        sources, empty = find_workbooks([deep])
        assert sources == [path / "u.xlsx"] and not empty
    finally:  # bottom-up: shutil.rmtree (pytest's cleanup) recurses and would fail on this tree
        (path / "u.xlsx").unlink()
        while path != tmp_path:
            path.rmdir()
            path = path.parent


# --- 11. rollover's default output name follows the build's safe-name rule --------------------------

@pytest.mark.parametrize("name", ["长" * 200, "~$x", ".hidden", ".~gen-单位", "a/b\\c:d"])
def test_11_rollover_default_name_is_safe(tmp_path, _example_data, name):
    from gen.rollover import rollover

    source = make_workbook(tmp_path, _named(_example_data, name), "in.xlsx")
    target, _ = rollover(source, 2025)
    assert target.parent == tmp_path and target.exists()
    assert len(target.name.encode()) <= 255 and not target.name.startswith((".", "~$"))
    assert target in find_workbooks([tmp_path])[0]  # a folder build would not skip it
    assert run("check", target).exit_code in (0, 1)  # readable, not refused as a lock file


# --- 12. smaller ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["check"], "缺少要检查的工作簿"),
    (["check", "--nope", "x"], "没有选项 --nope"),
    (["chek"], "没有命令 chek"),
    (["build", "x", "--jobs", "0"], "--jobs"),
    (["rollover", "x", "--year", "abc"], "不是整数"),
])
def test_12_usage_errors_are_chinese(args, words):
    result = run(*args)
    assert result.exit_code == 2 and words in result.output and "用 gen" in result.output, result.output
    assert "Usage:" not in result.output and "Try " not in result.output
    clean(result.output)


def test_12_chinese_messages_carry_no_english_prefix(tmp_path, example_workbook):
    bad = tmp_path / "目录.csv"
    bad.write_bytes(b"\xff\xfe\x00")
    result = run("check", "--catalog", bad, example_workbook)
    assert result.exit_code == 1 and result.output.startswith("✗ 目录文件")
    clean(result.output)


def test_12_blank_workbook_rollover_says_no_year_zero(tmp_path):
    blank = tmp_path / "blank.xlsx"
    assert run("template", "-o", blank).exit_code == 0
    result = run("rollover", blank, "--year", "2025", "-o", tmp_path / "next.xlsx")
    assert result.exit_code == 0, result.output
    assert "0年" not in result.output and "原工作簿的本年数" in result.output


def test_12_rollover_is_readable_by_colleagues_and_prints_no_progress(tmp_path, example_workbook):
    proc = gen("rollover", example_workbook, "-o", tmp_path / "next.xlsx")
    assert proc.returncode == 0
    assert stat.S_IMODE((tmp_path / "next.xlsx").stat().st_mode) == 0o666 & ~UMASK
    assert "生成中" not in proc.stdout.decode() + proc.stderr.decode()


def test_12_summary_labels_an_output_file_error_as_such(tmp_path, pair):
    from gen.build import output_name

    out = tmp_path / "out"
    (out / output_name("单位0", 2024)).mkdir(parents=True)  # a folder where the document should go
    result = run("build", pair, "-o", out, "--jobs", "1")
    rows = {row[0]: row for row in _summary(out)[1:]}
    assert rows["单位0"][2] == "无法写入" and "文件夹" in rows["单位0"][5]
    assert rows["单位1"][2] == "已生成" and result.exit_code == 1
    clean(result.output)

"""Issue 7, property: whatever a clerk (or a program) puts into the example's input cells, gen either
builds a valid .docx or fails with a clean message (a UnitResult with status errors/unusable and
findings/message) — never an exception, never a half-valid document, never a changed input.

Random values (numbers huge, negative, NaN; text with control characters, markup, Jinja; dates;
booleans; formulas with and without results; error values) go into 1–4 random amount, count, date,
code and text cells of several sheets, written into the workbook XML the way Excel stores them.
"""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner
from lxml import etree

from gen.build import build_unit
from gen.cli import main
from gen.reader import read_budget
from gen.render import Renderer

from xlsx_edit import Raw, cell_style, set_cells, sha256

STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=True)


@pytest.fixture(scope="module")
def setup(example_workbook):
    """The example workbook, the cells worth hitting (sheet, cell), and a renderer."""
    budget, findings = read_budget(example_workbook)
    assert not findings.errors
    refs: set[str] = set()
    for line in budget.income[:4]:
        refs.update(line.cells.values())
    for cells in budget.totals_cells.values():
        refs.update(cells.values())
    for project in budget.projects[:2]:
        refs.update(project.cells.values())
    for item in budget.basic[:3]:
        refs.update(item.cells.values())
    for item in budget.sangong:
        refs.update(item.cells.values())
    refs.update(budget.other_cells.values())
    refs.update(budget.unit_cells.values())
    for cells in budget.function_cells[:2]:
        refs.update(cells.values())
    refs.update(["收入明细!A60", "项目!A60", "主要职能!A40"])  # new rows below the data
    return _Setup(example_workbook, sorted(refs), cell_style(example_workbook, "单位信息", "B5"), Renderer())


class _Setup(tuple):
    def __new__(cls, *items):
        return super().__new__(cls, items)

    def __repr__(self) -> str:  # keeps hypothesis' falsifying-example report short
        return f"<example workbook, {len(self[1])} cells>"


ODD_TEXT = ["1,234.56", "１２３.４５", "12万元", " 12.3 ", "-5", "0.001", "1e309", "NaN", "=1+1", "#REF!",
            "{{ 7*7 }}", "{% for x in y %}", "<w:t>&amp;</w:t>", "TRUE", "—", "2024-01-26", "2024年1月26日",
            "\x00\x07\x1b", "\u202e\ufeff", "😀👨‍👩‍👧", "'", '"', "\\", "\n\n\n", "208-01"]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-10 ** 6, max_value=10 ** 9, places=3, allow_nan=False).map(float),
    st.decimals(min_value=0, max_value=10 ** 7, places=2, allow_nan=False).map(str),
    st.text(max_size=40),
    st.sampled_from(ODD_TEXT),
    st.just(10_000).map(lambda n: "长" * n),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 12, 31)),
    st.builds(Raw, formula=st.sampled_from(["1+1", "SUM(C4:C9)", "A1&\"x\"", "1/0"]),
              value=st.one_of(st.none(), st.floats(min_value=0, max_value=1e6), st.text(max_size=10))),
    st.builds(lambda code: Raw(error=code), st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?"])),
)


def _check_document(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        for name in zf.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(zf.read(name), STRICT)
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_values_build_or_fail_cleanly(setup, data):
    source, refs, date_style, renderer = setup
    chosen = data.draw(st.lists(st.tuples(st.sampled_from(refs), values), min_size=1, max_size=4,
                                unique_by=lambda pair: pair[0]), label="cells")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = source
        by_sheet: dict[str, dict[str, object]] = {}
        for ref, value in chosen:
            sheet, cell = ref.split("!")
            by_sheet.setdefault(sheet, {})[cell] = value
        for i, (sheet, cells) in enumerate(by_sheet.items()):
            path = set_cells(path, folder / f"w{i}.xlsx", sheet, cells, date_style=date_style)
        before = sha256(path)
        result = build_unit(path, folder / "out", renderer)  # must not raise
        assert sha256(path) == before
        assert result.status in ("ok", "errors", "unusable"), (result.status, result.message)
        if result.status == "ok":
            assert result.output is not None and result.output.exists()
            _check_document(result.output.read_bytes())
            assert not result.findings.errors
        elif result.status == "errors":
            assert result.findings.errors and result.message
            for finding in result.findings.errors:
                assert finding.message and finding.describe()
            assert not (folder / "out").exists() or not list((folder / "out").glob("*.docx"))
        else:
            assert result.message.startswith(path.name + "：")


# --- Issue 12: the same fuzz with the file system around the workbook failing -----------------

def _fault_read_only(folder: Path, out: Path, monkeypatch) -> None:
    """A read-only output folder (simulated: the suite may run as root, which ignores modes)."""
    import gen.output

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(gen.output.tempfile, "mkstemp", refuse)


def _fault_full_disk(folder: Path, out: Path, monkeypatch) -> None:
    import gen.output

    def half(fd: int, data: bytes) -> None:
        os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(gen.output, "_write_all", half)


def _fault_fifo(folder: Path, out: Path, monkeypatch) -> None:
    os.mkfifo(folder / "管道.xlsx")


def _fault_symlink_loop(folder: Path, out: Path, monkeypatch) -> None:
    os.symlink("环.xlsx", folder / "环.xlsx")
    os.symlink(".", folder / "子文件夹")  # a folder link back to itself


def _fault_output_is_a_file(folder: Path, out: Path, monkeypatch) -> None:
    out.write_text("不是文件夹")


def _fault_summary_is_a_folder(folder: Path, out: Path, monkeypatch) -> None:
    (out / "构建汇总.csv").mkdir(parents=True)


FAULTS = [None, _fault_read_only, _fault_full_disk, _fault_output_is_a_file, _fault_summary_is_a_folder]
if hasattr(os, "mkfifo"):
    FAULTS += [_fault_fifo, _fault_symlink_loop]
NAMES = ["单位.xlsx", "a b.xlsx", "-x.xlsx", "=1+1.xlsx", "~x.xlsx", "名" * 60 + ".xlsx"]
if sys.platform.startswith("linux"):
    NAMES.append(os.fsdecode(b"\xb5\xa5\xce\xbb.xlsx"))  # GBK bytes from a Windows share


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_workbook_in_a_failing_file_system(setup, data, monkeypatch):
    """gen check and gen build (a folder, so the summary is written too) under one file system fault:
    0 tracebacks, 0 程序出错, an exit status that means something, nothing half-written left."""
    source, refs, date_style, _ = setup
    chosen = data.draw(st.lists(st.tuples(st.sampled_from(refs), values), max_size=2,
                                unique_by=lambda pair: pair[0]), label="cells")
    fault = data.draw(st.sampled_from(FAULTS), label="fault")
    name = data.draw(st.sampled_from(NAMES), label="name")
    with tempfile.TemporaryDirectory() as tmp, monkeypatch.context() as patch:
        tmp = Path(tmp)
        folder, out = tmp / "in", tmp / "out"
        folder.mkdir()
        path = source
        for i, (ref, value) in enumerate(chosen):
            sheet, cell = ref.split("!")
            path = set_cells(path, tmp / f"w{i}.xlsx", sheet, {cell: value}, date_style=date_style)
        shutil.copyfile(path, folder / name)
        if fault:
            fault(folder, out, patch)
        runner = CliRunner()
        for args in (["check", str(folder / name)], ["build", str(folder), "-o", str(out), "--jobs", "1"]):
            result = runner.invoke(main, args)
            assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
            assert "Traceback" not in result.output, result.output
            # 程序出错 only for a real bug of gen.  The read-back check (文档自检) is one by design and the
            # value fuzz above already finds those; this test is about the file system around the workbook.
            assert "程序出错" not in result.output or "文档自检" in result.output, result.output
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        if out.is_dir():
            assert not [p.name for p in out.rglob(".~*")], "no temporary file or staging folder left"

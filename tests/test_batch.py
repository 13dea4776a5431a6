"""gen build over folders: discovery, the summary, failures that do not stop the batch, duplicate units,
exit codes and byte-identical rebuilds.  Speed is measured by ``python tools/bench.py``, not here."""
from __future__ import annotations

import copy
import csv
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import make_workbook
from gen import batch
from gen.batch import SUMMARY_NAME, find_workbooks, run_batch
from gen.build import output_name
from gen.cli import main

FORK = sys.platform.startswith("linux")  # the crash tests patch the worker function before the pool forks


def _unit(data: dict, name: str) -> dict:
    content = copy.deepcopy(data)
    content["unit"]["name"] = name
    return content


@pytest.fixture(scope="module")
def tree(tmp_path_factory, _example_data) -> Path:
    """in/
         a.xlsx              单位甲 (one 提示: half-width comma in a function)
         bad.xlsx            not a workbook
         errors.xlsx         单位丁, a control total that does not reconcile
         notes.txt
         ~$a.xlsx            Excel's lock file
         .~tmp.xlsx          one of our temporary files
         sub/b.xlsx          单位乙
         sub/deeper/c.xlsx   单位丙
         empty/
    """
    root = tmp_path_factory.mktemp("batch") / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "empty").mkdir()
    a = _unit(_example_data, "单位甲")
    a["functions"][0]["text"] = "负责社会保险经办,参保登记。"
    make_workbook(root, a, "a.xlsx")
    make_workbook(root / "sub", _unit(_example_data, "单位乙"), "b.xlsx")
    make_workbook(root / "sub" / "deeper", _unit(_example_data, "单位丙"), "c.xlsx")
    d = _unit(_example_data, "单位丁")
    d["totals"]["gpb"][0] = "441.12"
    make_workbook(root, d, "errors.xlsx")
    (root / "bad.xlsx").write_bytes(b"not a workbook")
    (root / "notes.txt").write_text("说明", encoding="utf-8")
    shutil.copyfile(root / "a.xlsx", root / "~$a.xlsx")
    shutil.copyfile(root / "a.xlsx", root / ".~tmp.xlsx")
    return root


def _summary(out: Path) -> list[dict]:
    raw = (out / SUMMARY_NAME).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _docx(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.docx"))


def _no_leftovers(out: Path) -> None:
    assert not [p.name for p in out.iterdir() if p.name.startswith(".~")], "staging and temp files are removed"


def test_find_workbooks_recurses_sorted_and_skips_lock_and_temp_files(tree):
    found, empty = find_workbooks([tree, tree / "a.xlsx"])  # a file also reached through its folder: once
    assert [p.relative_to(tree).as_posix() for p in found] == [
        "a.xlsx", "bad.xlsx", "errors.xlsx", "sub/b.xlsx", "sub/deeper/c.xlsx"]
    assert empty == []
    found, empty = find_workbooks([tree / "empty", tree / "sub"])
    assert empty == [tree / "empty"] and len(found) == 2


def test_build_folder_summary_and_exit_status(tree, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tree), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1, result.output  # bad.xlsx and errors.xlsx were not built
    assert _docx(out) == sorted(output_name(n, 2024) for n in ("单位甲", "单位乙", "单位丙"))
    rows = _summary(out)
    assert list(rows[0]) == ["单位", "文件", "状态", "错误数", "提示数", "输出文件/说明", "目录页码"]
    assert [(r["文件"], r["单位"], r["状态"]) for r in rows] == [
        (str(tree / "a.xlsx"), "单位甲", "已生成"),
        (str(tree / "bad.xlsx"), "", "无法读取"),
        (str(tree / "errors.xlsx"), "单位丁", "有错误"),
        (str(tree / "sub" / "b.xlsx"), "单位乙", "已生成"),
        (str(tree / "sub" / "deeper" / "c.xlsx"), "单位丙", "已生成"),
    ]
    by_unit = {r["单位"]: r for r in rows}
    assert by_unit["单位甲"]["提示数"] == "1" and by_unit["单位甲"]["错误数"] == "0"
    assert by_unit["单位甲"]["输出文件/说明"] == str(out / output_name("单位甲", 2024))
    assert by_unit["单位甲"]["目录页码"] == "未填入（目录只列标题）"  # no PDF, no pagination: entries only
    assert by_unit["单位丁"]["目录页码"] == ""
    assert int(by_unit["单位丁"]["错误数"]) >= 1 and "gen check" in by_unit["单位丁"]["输出文件/说明"]
    assert "第一个：错误" in by_unit["单位丁"]["输出文件/说明"]
    assert "不是" in rows[1]["输出文件/说明"]
    assert "共 5 个工作簿：已生成 3 个，有错误 1 个，无法读取 1 个。" in result.output
    assert "✓" in result.output and "✗" in result.output
    _no_leftovers(out)


def test_all_built_exits_zero(tree, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tree / "sub"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["状态"] for r in _summary(out)] == ["已生成", "已生成"]


def test_single_file_keeps_todays_output(tree, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tree / "a.xlsx"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    target = out / output_name("单位甲", 2024)
    assert f"✓ {tree / 'a.xlsx'} → {target}" in result.output
    assert "  提示 R09" in result.output  # warnings listed under the unit
    assert not (out / SUMMARY_NAME).exists()
    failed = CliRunner().invoke(main, ["build", str(tree / "errors.xlsx"), "-o", str(out)])
    assert failed.exit_code == 1 and "  错误 " in failed.output


def test_no_workbooks_is_exit_2(tree, tmp_path):
    result = CliRunner().invoke(main, ["build", str(tree / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "没有找到" in result.output


def test_duplicate_unit_builds_neither_and_never_overwrites(tree, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(tree / "a.xlsx", folder / "甲.xlsx")
    shutil.copyfile(tree / "a.xlsx", folder / "甲（副本）.xlsx")
    shutil.copyfile(tree / "sub" / "b.xlsx", folder / "乙.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    existing = out / output_name("单位甲", 2024)
    existing.write_bytes(b"last year's published document")
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1
    assert existing.read_bytes() == b"last year's published document"
    rows = {r["文件"]: r for r in _summary(out)}
    for name, other in (("甲.xlsx", "甲（副本）.xlsx"), ("甲（副本）.xlsx", "甲.xlsx")):
        row = rows[str(folder / name)]
        assert row["状态"] == "单位重复"
        assert str(folder / other) in row["输出文件/说明"] and "未改动" in row["输出文件/说明"]
    assert rows[str(folder / "乙.xlsx")]["状态"] == "已生成"
    assert _docx(out) == sorted([existing.name, output_name("单位乙", 2024)])
    _no_leftovers(out)


def test_long_names_that_differ_after_the_cut_are_two_documents(tmp_path, _example_data):
    """A unit name over 60 characters is cut in its file name and marked with a hash of the whole: two
    bureaus whose names differ only at the end are two units, two documents."""
    common = "某县人民政府办公室（县外事办公室、县地方志编纂委员会办公室、县机关事务服务中心、县信息化建设服务中心"
    folder = tmp_path / "in"
    for i, tail in enumerate(("）", "、县档案馆）")):
        make_workbook(folder, _unit(_example_data, common + tail), f"u{i}.xlsx")
    report = run_batch(sorted(folder.glob("*.xlsx")), tmp_path / "out", jobs=1)
    assert [r.status for r in report.records] == ["ok", "ok"]
    names = [r.output.name for r in report.records]
    assert names[0] != names[1] and all("…" in n and len(n.encode()) < 255 for n in names)
    assert names == [output_name(common + "）", 2024), output_name(common + "、县档案馆）", 2024)]


def test_different_units_with_one_file_name_are_told_apart_from_duplicates(tmp_path, _example_data):
    folder = tmp_path / "in"
    make_workbook(folder, _unit(_example_data, "城关镇/社区服务中心"), "a.xlsx")
    make_workbook(folder, _unit(_example_data, "城关镇_社区服务中心"), "b.xlsx")
    report = run_batch(sorted(folder.glob("*.xlsx")), tmp_path / "out", jobs=1)
    assert [r.status for r in report.records] == ["conflict", "conflict"]
    for r in report.records:
        assert "生成的文件名相同" in r.message and "同一单位" not in r.message and "改得可以区分" in r.message


def _failing_build(names: set[str], how: str):
    real = batch.build_unit

    def build_unit(source, *args, **kwargs):
        if Path(source).name in names:
            if how == "crash":
                os._exit(3)  # the worker process dies, as on a segfault or the OOM killer
            raise RuntimeError("意外的错误")
        return real(source, *args, **kwargs)

    return build_unit


@pytest.mark.parametrize("jobs", [1, 2])
def test_exception_in_one_unit_does_not_stop_the_others(tree, tmp_path, monkeypatch, jobs):
    if jobs > 1 and not FORK:
        pytest.skip("needs fork to patch the workers")
    monkeypatch.setattr(batch, "build_unit", _failing_build({"b.xlsx"}, "raise"))
    sources = [tree / "a.xlsx", tree / "sub" / "b.xlsx", tree / "sub" / "deeper" / "c.xlsx"]
    report = run_batch(sources, tmp_path / "out", jobs=jobs)
    assert [r.status for r in report.records] == ["ok", "failed", "ok"]
    assert "RuntimeError" in report.records[1].message and "意外的错误" in report.records[1].message
    assert len(_docx(tmp_path / "out")) == 2


@pytest.mark.skipif(not FORK, reason="needs fork to patch the workers")
def test_worker_crash_is_isolated_to_its_unit(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "build_unit", _failing_build({"b.xlsx"}, "crash"))
    sources = [tree / "a.xlsx", tree / "sub" / "b.xlsx", tree / "sub" / "deeper" / "c.xlsx", tree / "bad.xlsx"]
    report = run_batch(sources, tmp_path / "out", jobs=2)
    assert [r.status for r in report.records] == ["ok", "failed", "ok", "unusable"]
    assert "进程崩溃" in report.records[1].message
    assert len(_docx(tmp_path / "out")) == 2
    _no_leftovers(tmp_path / "out")


def _gen_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from gen.cli import main; main()", "build", *args],
                          capture_output=True, text=True)


def test_rebuild_is_byte_identical_across_separate_runs(tree, tmp_path, _example_data):
    sources = [str(tree / "a.xlsx"), str(tree / "sub")]
    first, second = tmp_path / "first", tmp_path / "second"
    assert _gen_build(*sources, "-o", str(first), "--jobs", "2").returncode == 0
    assert _gen_build(*sources, "-o", str(second), "--jobs", "1").returncode == 0  # other process layout
    names = _docx(first)
    assert len(names) == 3 and names == _docx(second)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / SUMMARY_NAME).read_bytes() != b""
    # a rebuild over the previous output gives the same bytes too
    before = {name: (first / name).read_bytes() for name in names}
    assert _gen_build(*sources, "-o", str(first)).returncode == 0
    assert {name: (first / name).read_bytes() for name in names} == before
    # document properties carry the unit's publication date, not the build time
    with zipfile.ZipFile(first / names[0]) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
    date = _example_data["unit"]["date"]
    assert f">{date}T00:00:00Z<" in core and core.count(date) >= 2


def test_pdf_without_libreoffice_says_how_to_install_and_builds_nothing(tree, tmp_path, monkeypatch):
    import gen.pdf

    monkeypatch.setattr(gen.pdf, "find_soffice", lambda: None)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tree / "sub"), "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert "LibreOffice" in result.output and "apt-get install" in result.output
    assert not out.exists() or not _docx(out)


@pytest.mark.skipif(__import__("gen.pdf").pdf.find_soffice() is None, reason="LibreOffice is not installed")
def test_pdf_batch_reuses_one_converter(tree, tmp_path, monkeypatch):
    import gen.pdf

    started = []
    real = gen.pdf.PdfConverter

    class Counting(real):
        def __init__(self, *args, **kwargs):
            started.append(kwargs.get("workers", args[0] if args else 1))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(gen.pdf, "PdfConverter", Counting)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tree / "sub"), "-o", str(out), "--pdf", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert started == [2], "one converter with two LibreOffice workers for the whole batch"
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.stem for p in pdfs] == [Path(n).stem for n in _docx(out)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert all(str(p) in (out / SUMMARY_NAME).read_text(encoding="utf-8-sig") for p in pdfs)

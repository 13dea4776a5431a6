"""The gen command as a clerk uses it: template, check (text and --json, exit codes), build."""
from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import make_workbook

from gen.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_example_checks_clean(example_workbook):
    result = run("check", example_workbook)
    assert result.exit_code == 0
    assert "检查通过" in result.output


def test_check_json_lists_every_finding_with_file_and_cell(tmp_path, example_content):
    example_content["basic"][0]["personnel"] = "74.78"          # 基本工资 +1.00
    example_content["other"]["procurement_goods"] = "1.14"      # 政府采购货物 +1.00
    broken = make_workbook(tmp_path, example_content, "错.xlsx")
    (tmp_path / "坏.xlsx").write_bytes(b"not a workbook")
    result = run("check", "--json", broken, tmp_path / "坏.xlsx")
    assert result.exit_code == 2  # one file unusable outranks the errors of the other
    findings = json.loads(result.output)
    errors = [f for f in findings if f["file"] == str(broken)]
    assert len(errors) == 2 and {f["severity"] for f in errors} == {"error"}
    assert any("基本支出!C4" in f["cells"] for f in errors)
    assert any("其他事项!B4" in f["cells"] for f in errors)
    assert all({"severity", "sheet", "cell", "cells", "rule", "message"} <= f.keys() for f in findings)
    unusable = [f for f in findings if f["file"].endswith("坏.xlsx")]
    assert unusable and "不是" in unusable[0]["message"]


def test_check_exit_status_one_for_errors(tmp_path, example_content):
    example_content["totals"]["gpb"][0] = "441.12"
    result = run("check", make_workbook(tmp_path, example_content))
    assert result.exit_code == 1
    assert "收支总额!B4" in result.output


def test_template_then_build_refuses_until_filled(tmp_path):
    blank = tmp_path / "模板.xlsx"
    assert run("template", "-o", blank).exit_code == 0 and blank.exists()
    result = run("build", blank, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert not list((tmp_path / "out").glob("*.docx"))


def test_build_writes_the_named_document(tmp_path, example_workbook):
    result = run("build", example_workbook, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "阿克陶县社会保险中心2024年单位预算公开.docx").stat().st_size > 20_000

"""Issue 6: ``gen rollover`` — next year's workbook from this year's.

How the ≥ 90 % is counted: every non-zero amount typed into the example as a *current* 2024 figure
that has a prior-year column to go to — each 收支总额 row with a 上年 column, each 一般公共预算 and
上级一般公共预算转移支付 cell of 收入明细 (their home is the 项's 上年一般公共预算数), each “三公” item —
counts as carried when the rollover's prior-year cell holds exactly that amount (for 收入明细: the
sum of the 项's two cells).  Amounts with no prior-year column (project and 基本支出 details, 单位资金
in 收入明细, 其他事项) are not in the count.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gen import schema
from gen.cli import main
from gen.model import ZERO
from gen.output import OutputExists
from gen.reader import read_budget
from gen.rollover import RolloverError, default_output, rollover
from gen.schema import EconClass, Fund
from gen.workbook_write import write_workbook

DATA = Path(__file__).parent / "data"
CONTENT = json.loads((DATA / "akto2024.json").read_text(encoding="utf-8"))
HOMED_FUNDS = (Fund.GPB, Fund.GPB_TRANSFER)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("ex") / "akto2024.xlsx", CONTENT)


@pytest.fixture(scope="module")
def rolled(example, tmp_path_factory):
    before = hashlib.sha256(example.read_bytes()).digest(), os.stat(example).st_mtime_ns
    out, notes = rollover(example, 2025, tmp_path_factory.mktemp("next") / "r.xlsx")
    after = hashlib.sha256(example.read_bytes()).digest(), os.stat(example).st_mtime_ns
    old, _ = read_budget(example)
    new, findings = read_budget(out)
    return {"old": old, "new": new, "findings": findings, "notes": notes, "path": out,
            "unchanged": before == after}


def carried_amounts(old, new) -> tuple[int, int]:
    """(carried, total) over the typed-in current amounts that have a prior-year home."""
    carried = total = 0
    for f in schema.TOTALS.fields:
        if f.has_prior and old.totals[f.key].current:
            total += 1
            carried += new.totals[f.key].prior == old.totals[f.key].current
    new_income = {line.code: line for line in new.income}
    for line in old.income:
        home = sum((line.amounts[fund] for fund in HOMED_FUNDS), ZERO)
        for fund in HOMED_FUNDS:
            if line.amounts[fund]:
                total += 1
                carried += line.code in new_income and new_income[line.code].prior_gpb == home
    for before, after in zip(old.sangong, new.sangong):
        if before.total():
            total += 1
            carried += after.label == before.label and after.prior == before.total()
    return carried, total


def test_carries_at_least_90_percent_of_this_years_amounts(rolled):
    carried, total = carried_amounts(rolled["old"], rolled["new"])
    assert total == 20  # 10 收支总额 rows + 9 收入明细 cells (8 项) + 1 “三公” item
    assert carried / total >= 0.9
    assert carried == total


def test_staff_counts_become_last_years(rolled):
    old, new = rolled["old"].unit, rolled["new"].unit
    for key in ("staff_total", "staff_active", "staff_retired", "staff_veteran"):
        assert getattr(new, key) == (0, getattr(old, key)[0])


def test_year_is_next_and_current_figures_are_empty(rolled):
    new = rolled["new"]
    assert new.unit.year == 2025 and new.unit.date is None
    assert all(c.current == 0 and c.reason == "" for c in new.totals.values())
    assert all(line.total() == 0 and line.reason == "" for line in new.income)
    assert all(p.total() == 0 and p.text["allocation"] == "" for p in new.projects)
    assert all(b.total() == 0 for b in new.basic)
    assert all(s.total() == 0 and s.reason == "" for s in new.sangong)
    assert new.carryover == [] and not any(new.other.values())
    assert all(i.values["prior_value"] == "" for i in new.project_perf)


def test_facts_and_drafts_are_kept(rolled):
    old, new = rolled["old"], rolled["new"]
    for key in ("name", "kind", "subordinates", "departments", "establishment", "contact", "phone",
                "overall_goal", "functions"):
        assert getattr(new.unit, key) == getattr(old.unit, key), key
    assert new.uses == old.uses
    assert [(l.code, l.name) for l in new.income] == [(l.code, l.name) for l in old.income if l.total()]
    assert [(b.code, b.name) for b in new.basic] == [(b.code, b.name) for b in old.basic]
    assert len(new.projects) == len(old.projects) == 8
    for before, after in zip(old.projects, new.projects):
        assert after.name == before.name.replace("2024年", "2025年")
        assert (after.code, after.fund) == (before.code, before.fund)
        for key in ("basis", "undertaker", "leader", "goal", *(k for k, _ in schema.SUBSIDY_FIELDS)):
            assert after.text[key] == before.text[key], key
        assert after.text["period"] == before.text["period"].replace("2024年", "2025年")
    assert new.projects[4].name == "1995年退休（退职）人员生活补贴项目"
    strip = lambda rows, *drop: [{k: v for k, v in i.values.items() if k not in ("_row", *drop)} for i in rows]  # noqa: E731
    assert strip(new.overall_perf) == strip(old.overall_perf)
    assert len(new.project_perf) == len(old.project_perf)
    project_names = {p.name for p in new.projects}
    assert {i.values["project"] for i in new.project_perf} <= project_names
    assert [i.values["l3"] for i in new.project_perf] == [i.values["l3"] for i in old.project_perf]


def test_assets_left_empty_with_last_years_figure_as_a_note(rolled):
    import openpyxl

    ws = openpyxl.load_workbook(rolled["path"])["其他事项"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    r = rows["办公家具价值（万元）"]
    assert ws.cell(r, 2).value is None and "19.05" in ws.cell(r, 4).value and "2024年底" in ws.cell(r, 4).value
    assert ws.cell(rows["政府采购预算（万元）"], 4).value is None
    assert any("资产" in note for note in rolled["notes"])


def test_input_untouched_and_output_reads_cleanly(rolled):
    assert rolled["unchanged"]
    assert not rolled["findings"].errors, [f.describe() for f in rolled["findings"]]
    assert not [p for p in rolled["path"].parent.iterdir() if p.name.startswith(".~")]


def test_check_lists_what_is_missing(rolled):
    from gen.checks import check_budget
    findings = check_budget(rolled["new"], None)
    assert len(findings) > 0
    assert all(f.message for f in findings)


def test_default_name_year_and_overwrite_guards(example, tmp_path):
    budget, _ = read_budget(example)
    assert default_output(budget, 2025, example) == example.parent / "阿克陶县社会保险中心2025年单位预算.xlsx"
    source = Path(write_workbook(tmp_path / "in.xlsx", CONTENT))
    path, _ = rollover(source)  # year defaults to 2024 + 1, name to the unit's
    assert path == tmp_path / "阿克陶县社会保险中心2025年单位预算.xlsx" and read_budget(path)[0].unit.year == 2025
    with pytest.raises(OutputExists, match="已存在.*--force"):
        rollover(source, 2025)
    with pytest.raises(RolloverError, match="原工作簿"):
        rollover(source, 2025, source, force=True)
    with pytest.raises(RolloverError, match="应晚于"):
        rollover(source, 2024, tmp_path / "x.xlsx")
    rollover(source, 2025, force=True)


def test_rollover_of_a_half_filled_workbook(tmp_path):
    """A workbook with only the unit's name and a project still rolls over."""
    source = write_workbook(tmp_path / "half.xlsx", {"unit": {"name": "某单位", "year": 2024}, "projects": [
        {"name": "2024年某项目", "code": "2080109", "fund": "一般公共预算", "c302": "1.00"}]})
    path, notes = rollover(source, 2025, tmp_path / "next.xlsx")
    budget, _ = read_budget(path)
    assert [p.name for p in budget.projects] == ["2025年某项目"] and budget.projects[0].econ[EconClass.C302] == 0
    assert notes


def test_cli_rollover(example, tmp_path):
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["rollover", str(example), "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "上年数" in result.output and "gen check" in result.output
    result = CliRunner().invoke(main, ["rollover", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 2 and "Traceback" not in result.output

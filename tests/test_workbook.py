"""Issue 6: the fill-in workbook ``gen template`` writes — guidance, protection, validation, formulas —
and that a clerk (here: a program) filling the blank template gets exactly the example's figures."""
from __future__ import annotations

import os

import datetime as dt
import json
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gen import schema
from gen.reader import normalise_label, read_budget
from gen.schema import EconClass, Fund, Kind
from gen.workbook_write import (CODES_SHEET, FIRST, HEADER_ROW, INPUT_FILL, build_workbook, write_workbook)

DATA = Path(__file__).parent / "data"
CONTENT = json.loads((DATA / "akto2024.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("tpl") / "t.xlsx")


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example workbook as the writer fills it from the JSON."""
    return write_workbook(tmp_path_factory.mktemp("ex") / "akto2024.xlsx", CONTENT)


# --- a clerk filling the blank template -------------------------------------------------------------

def _typed(kind: Kind, value):
    """What Excel stores when the clerk types ``value``: numbers are doubles."""
    if value is None or value == "":
        return None
    if kind in (Kind.AMOUNT, Kind.AREA):
        return float(value)
    if kind in (Kind.COUNT, Kind.YEAR):
        return int(value)
    if kind is Kind.DATE:
        return dt.datetime.fromisoformat(value)
    return str(value)


def _type_into(cell, kind: Kind, value) -> None:
    value = _typed(kind, value)
    if value is None:
        return
    assert cell.protection.locked is False, f"{cell.parent.title}!{cell.coordinate} is locked"
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed into a text-format cell


def fill_template(template: Path, content: dict, out: Path) -> Path:
    """Find every place by its label, the way the reader does, and type the content in."""
    wb = openpyxl.load_workbook(template)
    for spec in schema.SHEETS:
        ws, data = wb[spec.name], content.get(spec.key)
        if isinstance(spec, schema.KeyedSheet):
            rows = {normalise_label(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1)}
            for f in spec.fields:
                value = (data or {}).get(f.key)
                current, prior, reason = (value + [None, None])[:3] if isinstance(value, list) else (value, None, None)
                r = rows[normalise_label(f.label)]
                _type_into(ws.cell(r, 2), f.kind, current)
                if f.has_prior:
                    _type_into(ws.cell(r, 3), f.kind, prior)
                if f.has_reason:
                    _type_into(ws.cell(r, 4), Kind.TEXT, reason)
            continue
        labels = {normalise_label(c.label): c for c in spec.columns}
        header = next(r for r in range(1, 10) if normalise_label(ws.cell(r, 1).value) in labels)
        columns = {labels[normalise_label(c.value)].key: c.column for c in ws[header]
                   if normalise_label(c.value) in labels}
        assert set(columns) == {c.key for c in spec.columns}
        for i, record in enumerate(data or []):
            for column in spec.columns:
                _type_into(ws.cell(header + 1 + i, columns[column.key]), column.kind, record.get(column.key))
    wb.save(out)
    return out


def figures(budget) -> dict:
    """Everything the clerk typed, as plain comparable data (no cell references, no source path)."""
    u = budget.unit
    return {
        "unit": {k: getattr(u, k) for k in ("name", "year", "date", "kind", "subordinates", "departments",
                                            "establishment", "staff_total", "staff_active", "staff_retired",
                                            "staff_veteran", "contact", "phone", "overall_goal", "functions")},
        "totals": {k: (v.current, v.prior, v.reason) for k, v in budget.totals.items()},
        "income": [(l.code, l.name, l.amounts, l.prior_gpb, l.reason) for l in budget.income],
        "names": budget.names,
        "uses": budget.uses,
        "projects": [(p.name, p.code, p.fund, p.econ, p.text) for p in budget.projects],
        "basic": [(b.code, b.name, b.personnel, b.public) for b in budget.basic],
        "sangong": [(s.key, s.gpb, s.gf, s.soe, s.prior, s.reason) for s in budget.sangong],
        "carryover": [(c.name, c.amounts) for c in budget.carryover],
        "other": budget.other,
        "overall_perf": [{k: v for k, v in i.values.items() if k != "_row"} for i in budget.overall_perf],
        "project_perf": [{k: v for k, v in i.values.items() if k != "_row"} for i in budget.project_perf],
    }


@pytest.fixture(scope="module")
def filled(template, tmp_path_factory) -> Path:
    return fill_template(template, CONTENT, tmp_path_factory.mktemp("filled") / "filled.xlsx")


# --- the template --------------------------------------------------------------------------------

def test_instructions_sheet_first_then_the_contract_then_hidden_codes(book):
    assert book.sheetnames[0] == schema.INSTRUCTIONS_SHEET
    assert book.sheetnames[1:-1] == [s.name for s in schema.SHEETS]
    assert book.sheetnames[-1] == CODES_SHEET and book[CODES_SHEET].sheet_state == "hidden"
    assert book.active.title == schema.INSTRUCTIONS_SHEET


def test_instructions_say_what_where_from_units_example_order_and_check(book):
    text = "\n".join(str(c.value) for row in book[schema.INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    for needle in ("万元", "两位小数", "gen check 工作簿.xlsx", "预算管理一体化系统", "批复", "基本支出明细表",
                   "三公”经费预算表", "项目支出绩效目标表", "示例", "顺序", "2080109", "326.05"):
        assert needle in text, needle
    for spec in schema.SHEETS:
        assert spec.name in text and spec.purpose in text
        assert schema.GUIDES[spec.key].source in text and schema.GUIDES[spec.key].example in text


def test_at_least_five_validations_of_the_promised_kinds(book):
    rules = [(ws.title, dv) for ws in book for dv in ws.data_validations.dataValidation]
    assert len(rules) >= 5
    typed = [(t, dv) for t, dv in rules if dv.type]
    lists = {(t, dv.formula1): dv for t, dv in typed if dv.type == "list"}
    assert lists[("项目", "gen_funds")].errorStyle == "stop"
    assert lists[("单位信息", "gen_unit_kinds")].errorStyle == "stop"
    assert lists[("三公经费", "gen_sangong_items")].errorStyle == "stop"
    assert lists[("项目绩效", "gen_perf_l1_project")].errorStyle == "stop"
    assert lists[("项目绩效", "gen_perf_l2")].errorStyle == "warning"  # other 二级指标 text allowed
    for key in (("收入明细", "gen_func_codes"), ("项目", "gen_func_items"), ("支出用途", "gen_func_classes"),
                ("基本支出", "gen_econ_items"), ("整体绩效", "gen_perf_l1_overall")):
        assert lists[key].errorStyle == "warning", key  # the bundled catalog is partial
    amount = [dv for t, dv in typed if t == "收入明细" and dv.type == "custom"]
    assert len(amount) == 14  # 13 fund columns + 上年一般公共预算数
    gpb = next(dv for dv in amount if str(dv.sqref).startswith("C"))
    assert str(gpb.sqref) == f"C{FIRST}:C{HEADER_ROW + 40}"
    assert gpb.formula1 == f"AND(ISNUMBER(C{FIRST}),C{FIRST}>=0,ROUND(C{FIRST},2)=C{FIRST})"
    counts = [dv for t, dv in typed if t == "单位信息" and dv.type == "whole" and dv.operator == "greaterThanOrEqual"]
    assert counts and all(dv.formula1 == "0" for dv in counts)


def test_lists_come_from_the_catalog_and_the_schema(book):
    names = book.defined_names
    codes = book[CODES_SHEET]

    def values(name):
        ref = names[name].attr_text.split("!")[1].replace("$", "")
        return [c.value for row in codes[ref] for c in row]

    assert values("gen_funds") == list(schema.FUND_LABELS)
    assert values("gen_sangong_items") == [label for _, label in schema.SANGONG_ITEMS]
    assert values("gen_perf_l1_overall") == ["运行成本", "管理效率", "履职效能", "社会效益", "可持续发展能力", "服务对象满意度"]
    assert set(values("gen_perf_l1_project")) == {"产出指标", "效益指标", "满意度指标", "成本指标"}
    assert "2080109" in values("gen_func_items") and all(len(c) == 7 for c in values("gen_func_items"))
    assert "30101" in values("gen_econ_items") and all(len(c) == 5 for c in values("gen_econ_items"))
    assert {d["code"] for d in CONTENT["uses"]} <= set(values("gen_func_classes"))


def test_protected_inputs_unlocked_headers_labels_formulas_locked(book):
    for ws in book:
        p = ws.protection
        assert p.sheet and not p.password, ws.title
        assert p.insertRows is False and p.formatColumns is False, ws.title  # False = allowed
    income = book["收入明细"]
    assert income.cell(HEADER_ROW, 1).value.startswith("功能科目编码")
    assert income.cell(HEADER_ROW, 1).protection.locked
    for col in range(1, len(schema.INCOME.columns) + 1):
        for row in (FIRST, HEADER_ROW + 40):
            cell = income.cell(row, col)
            assert cell.protection.locked is False and cell.fill.fgColor.rgb == INPUT_FILL.fgColor.rgb
    auto = income.cell(FIRST, len(schema.INCOME.columns) + 1)
    assert auto.data_type == "f" and auto.protection.locked
    assert income.cell(2, 3).value == f"=SUM(C{FIRST}:C{HEADER_ROW + 40})" and income.cell(2, 3).protection.locked
    totals = book["收支总额"]
    assert totals.cell(3, 1).protection.locked and totals.cell(3, 2).protection.locked is False
    assert totals.cell(2, 6).value == "明细合计（自动）" and totals.cell(3, 6).data_type == "f"
    assert totals.freeze_panes == "B3" and income.freeze_panes == f"B{FIRST}"


def test_formula_cells_live_only_where_the_reader_does_not_look(book):
    """Row 2 above each header and columns right of the contract's: gen never reads a formula."""
    for spec in schema.SHEETS:
        ws = book[spec.name]
        width = len(spec.columns) if isinstance(spec, schema.TableSheet) else 4
        first = FIRST if isinstance(spec, schema.TableSheet) else 3
        for row in ws.iter_rows(min_row=first):
            for cell in row[:width]:
                assert cell.data_type != "f", f"{spec.name}!{cell.coordinate}"


def test_blank_template_reads_without_structure_errors(template):
    budget, findings = read_budget(template)
    assert not [f for f in findings if f.rule.startswith("R01")]
    assert [s.label for s in budget.sangong] == [label for _, label in schema.SANGONG_ITEMS]


def test_writer_is_deterministic(tmp_path):
    """Same content, same parts: only the save time in docProps/core.xml differs."""
    a, b = (zipfile.ZipFile(write_workbook(tmp_path / f"{n}.xlsx", CONTENT)) for n in "ab")
    assert a.namelist() == b.namelist()
    assert [n for n in a.namelist() if a.read(n) != b.read(n)] in ([], ["docProps/core.xml"])


def test_writer_is_fast_enough_for_tests():
    start = time.perf_counter()
    for _ in range(3):
        build_workbook(CONTENT)
    assert (time.perf_counter() - start) / 3 < 1.0


# --- filling it ---------------------------------------------------------------------------------------

def test_filled_template_reads_as_the_example(filled, example):
    ours, findings = read_budget(filled)
    assert not findings.errors, [f.describe() for f in findings]
    theirs, _ = read_budget(example)
    assert figures(ours) == figures(theirs)


def test_filled_template_has_the_json_figures(filled):
    budget, _ = read_budget(filled)
    t = budget.totals
    assert (t["grand_total"].current, t["grand_total"].prior) == (Decimal("3547.87"), Decimal("3908.27"))
    assert (t["gpb_transfer"].current, t["gpb_transfer"].prior) == (Decimal("3107.25"), Decimal("3032.00"))
    assert t["unit_other"].current == Decimal("0.50") and t["running"].reason.startswith("2024年工会经费")
    line = next(l for l in budget.income if l.code == "2080109")
    assert line.amounts[Fund.GPB] == Decimal("326.05") and line.amounts[Fund.GPB_TRANSFER] == Decimal("7.25")
    assert line.amounts[Fund.UNIT] == Decimal("0.50") and line.prior_gpb == Decimal("334.12")
    dropped = next(l for l in budget.income if l.code == "2080101")
    assert dropped.total() == 0 and dropped.prior_gpb == Decimal("10.00")
    assert sum((l.total() for l in budget.income), Decimal(0)) == Decimal("3547.87")
    project = next(p for p in budget.projects if p.name == "2024年中央财政城乡居民基本养老保险补助项目")
    assert project.fund is Fund.GPB_TRANSFER and project.econ[EconClass.C313] == Decimal("1616.00")
    subsidy = next(p for p in budget.projects if p.code == "2080699")
    assert subsidy.text["subsidy_standard"] == "120元/月/人"
    assert [(b.code, b.personnel, b.public) for b in budget.basic][:1] == [("30101", Decimal("73.78"), Decimal("0"))]
    assert sum((b.total() for b in budget.basic), Decimal(0)) == Decimal("424.32")
    car = budget.sangong[3]
    assert (car.gpb, car.prior) == (Decimal("3.60"), Decimal("1.43"))
    assert budget.other["furniture_value"] == Decimal("19.05") and budget.other["vehicles"] == 1
    assert budget.unit.staff_active == (17, 23) and budget.unit.date == dt.date(2024, 1, 26)
    assert budget.unit.phone == "18199719216"
    assert [i.values["value"] for i in budget.project_perf][:2] == [">=15个", "=100%"]
    assert len(budget.overall_perf) == len(CONTENT["overall_perf"])


def test_filled_template_builds_the_same_document(filled, example):
    from gen.compute import compute
    from gen.render import Renderer

    renderer = Renderer()
    docs = [renderer.render(compute(read_budget(path)[0])) for path in (filled, example)]
    assert docs[0] == docs[1]


def test_text_starting_with_equals_stays_text(tmp_path):
    path = write_workbook(tmp_path / "eq.xlsx", {"project_perf": [
        {"project": "P", "l1": "产出指标", "l2": "质量指标", "l3": "合规率", "value": "=100%"}]})
    budget, _ = read_budget(path)
    assert budget.project_perf[0].values["value"] == "=100%"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]  # atomic write left nothing


# --- LibreOffice -----------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"), reason="LibreOffice not installed (CI installs it)")
def test_libreoffice_opens_and_recalculates(example, tmp_path):
    """Headless LibreOffice opens the workbook, computes every formula without an error value, keeps
    the validations, and the 收支总额 check column says 相符 wherever the example has a figure."""
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "out"), str(example)], check=True, capture_output=True, timeout=120)
    converted = tmp_path / "out" / example.name
    values = openpyxl.load_workbook(converted, data_only=True)
    source = openpyxl.load_workbook(example)
    formulas = [(ws.title, c.coordinate) for ws in source for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) > 300
    errors = [(s, ref, values[s][ref].value) for s, ref in formulas
              if isinstance(values[s][ref].value, str) and values[s][ref].value.startswith(("#", "Err"))]
    assert not errors
    totals = values["收支总额"]
    checked = {totals.cell(r, 1).value: totals.cell(r, 7).value for r in range(3, 3 + len(schema.TOTALS.fields))}
    assert checked["一般公共预算项目支出"] == "相符" and checked["机关运行经费"] == "相符"
    assert [v for v in checked.values() if v] == ["相符"] * 10
    assert values["收入明细"].cell(2, 3).value == pytest.approx(440.12)
    kept = sum(len(ws.data_validations.dataValidation) for ws in openpyxl.load_workbook(converted))
    assert kept >= 5

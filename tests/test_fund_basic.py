"""Issue 11 item 6: 表8/表9 split 基本支出 into 人员经费 and 公用经费, from the optional 基金基本支出 sheet.

The unit is issue 10's city-management bureau with its 政府性基金 project cut from 555.00 to 500.00 万元,
so 2120801 has 55.00 万元 of 政府性基金 基本支出 (income − projects) that the workbook must split.
Workbook layout: 收入明细 row 9 is 2120801 (E = 政府性基金预算); 基金基本支出 data from row 4
(A 编码, B 资金性质, C 人员经费, D 公用经费).  Every expected figure is worked out by hand.
"""
from __future__ import annotations

import copy
from decimal import Decimal as D

import openpyxl
import pytest
from conftest import in_yuan, make_workbook
from test_issue10 import BUREAU

from gen import schema
from gen.build import build_unit
from gen.checks import check_budget
from gen.compute import compute
from gen.reader import read_budget
from gen.render import Renderer
from gen.verify import verify_docx
from docx_text import document_lines

SPLIT = {"code": "2120801", "family": "政府性基金预算", "personnel": "40.00", "public": "15.00"}


def bureau(rows=(SPLIT,)) -> dict:
    content = copy.deepcopy(BUREAU)
    next(p for p in content["projects"] if p["code"] == "2120801")["c399"] = "500.00"
    content["totals"]["basic"][0] = "272.50"  # 217.50 + 55.00
    content["totals"]["project"][0] = "583.00"  # 638.00 − 55.00
    content["fund_basic"] = [dict(r) for r in rows]
    return content


def findings_of(tmp_path, content):
    budget, findings = read_budget(make_workbook(tmp_path, content))
    findings.extend(check_budget(budget, read_findings=findings))
    return budget, findings


def errors(findings, rule=None):
    return [f for f in findings.errors if rule is None or f.rule.startswith(rule + " ")]


def test_split_that_adds_up_is_clean_and_fills_table8(tmp_path):
    budget, findings = findings_of(tmp_path, bureau())
    assert not findings.errors, [f.describe() for f in findings.errors]
    t8, t9 = compute(budget).tables["t8"], compute(budget).tables["t9"]
    assert t8.total == [D("555.00"), D("55.00"), D("40.00"), D("15.00"), D("500.00")]
    assert [r.v for r in t8.rows if r.kind == "xiang"] == [t8.total]
    assert t9.total == [D("30.00"), D("0.00"), D("0.00"), D("0.00"), D("30.00")]  # all 国资 money is a project


def test_amounts_in_yuan_are_read_as_yuan(tmp_path):
    content = in_yuan(bureau())
    for row in content["carryover"]:  # in_yuan leaves 上年结转 alone (the example has none)
        row.update({k: str(D(v) * 10000) for k, v in row.items() if k != "name"})
    content["fund_basic"] = [dict(SPLIT, personnel="400000.04", public="149999.96")]
    budget, findings = findings_of(tmp_path, content)
    assert not findings.errors, [f.describe() for f in findings.errors]
    assert compute(budget).tables["t8"].total[1:4] == [D("55.00"), D("40.00"), D("15.00")]


def test_a_cent_off_is_an_error_naming_the_split_cells(tmp_path):
    _, findings = findings_of(tmp_path, bureau([dict(SPLIT, public="15.01")]))
    [f] = findings.errors
    assert f.rule == "I36 基金基本支出"
    assert f.cells[:2] == ("基金基本支出!C4", "基金基本支出!D4")
    assert "收入明细!E9" in f.cells
    assert "55.01" in f.message and "55.00" in f.message and "相差 0.01" in f.message


def test_missing_split_is_a_hint_naming_the_income_cell_and_what_to_fill(tmp_path):
    _, findings = findings_of(tmp_path, bureau(rows=()))
    assert not findings.errors  # a workbook made before the sheet existed still builds ...
    [f] = [w for w in findings.warnings if w.rule == "I36 基金基本支出"]
    assert f.cells == ("收入明细!E9",)
    assert "基本支出为 55.00 万元" in f.message and "表8" in f.message and "将空着" in f.message
    assert "功能科目编码 2120801，资金性质“政府性基金预算”" in f.message


def test_an_unsplit_basic_spending_is_published_unsplit_never_guessed(tmp_path):
    budget, _ = findings_of(tmp_path, bureau(rows=()))
    t8 = compute(budget).tables["t8"]
    row = next(r for r in t8.rows if r.kind == "xiang")
    assert row.v[1] == D("55.00") and row.v[2] is None and row.v[3] is None  # ... with 人员/公用 blank
    assert t8.total[1] == D("55.00") and t8.total[2:4] == [None, None]
    data = Renderer().render(compute(budget))
    assert verify_docx(data) == []
    (tmp_path / "u.docx").write_bytes(data)
    lines = document_lines(tmp_path / "u.docx")
    assert any("政府性基金预算拨款安排的支出" in line for line in lines)
    assert not any("人员经费" in line and "基本支出中" in line for line in lines)  # no split nobody gave


def test_split_where_there_is_no_basic_spending_is_an_error(tmp_path):
    extra = {"code": "2230105", "family": "国有资本经营预算", "personnel": "3.00"}  # 2230105: all a project
    _, findings = findings_of(tmp_path, bureau([SPLIT, extra]))
    [f] = findings.errors
    assert f.rule == "I36 基金基本支出" and "基金基本支出!C5" in f.cells
    assert "没有基本支出" in f.message and "请删除这一行" in f.message
    # a row for money the 项 does not have at all (here: 国有资本经营 on the 基金's 项) says so
    _, findings = findings_of(tmp_path, bureau([SPLIT, dict(SPLIT, family="国有资本经营预算")]))
    [f] = findings.errors
    assert f.rule == "I36 基金基本支出" and f.cells[0] == "基金基本支出!C5"
    assert "没有国有资本经营预算（含上级转移支付）的收入" in f.message


def test_family_is_required_and_from_the_list(tmp_path):
    _, findings = findings_of(tmp_path, bureau([dict(SPLIT, family="")]))
    assert [f.rule.split()[0] for f in findings.errors] == ["R07"]  # and its 55.00 is then unsplit (a 提示)
    assert any(w.rule.startswith("I36") for w in findings.warnings)
    assert any(f.cells == ("基金基本支出!B4",) for f in findings.errors if f.rule.startswith("R07"))
    _, findings = findings_of(tmp_path, bureau([dict(SPLIT, family="一般公共预算")]))
    assert any(f.cells == ("基金基本支出!B4",) and "不在下拉列表中" in f.message for f in findings.errors)


@pytest.mark.parametrize("fund_money", [False, True], ids=["only-projects", "basic-money"])
def test_old_workbook_without_the_sheet(tmp_path, fund_money):
    """A workbook made with the previous template has no 基金基本支出 sheet: no 缺少工作表 error; it checks
    clean; with 政府性基金/国有资本经营 money not spent on projects I36 asks for the split in a 提示."""
    content = bureau(rows=()) if fund_money else copy.deepcopy(BUREAU)
    path = make_workbook(tmp_path, content)
    book = openpyxl.load_workbook(path)
    del book[schema.FUND_BASIC.name]
    book.save(path)
    budget, findings = read_budget(path)
    assert budget.fund_basic == [] and not findings.errors, [f.describe() for f in findings.errors]
    findings.extend(check_budget(budget, read_findings=findings))
    assert not findings.errors
    assert [f.rule for f in findings.warnings if f.rule.startswith("I36")] == (["I36 基金基本支出"] if fund_money else [])


def test_template_has_the_sheet_after_basic_with_a_family_list(tmp_path):
    book = openpyxl.load_workbook(make_workbook(tmp_path, {}))
    names = book.sheetnames
    assert names.index(schema.FUND_BASIC.name) == names.index(schema.BASIC.name) + 1
    ws = book[schema.FUND_BASIC.name]
    assert [ws.cell(3, i).value for i in range(1, 5)] == ["功能科目编码*", "资金性质*", "人员经费", "公用经费"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and "B4" in str(dv.sqref)]
    assert lists and lists[0].formula1 == "gen_fund_basic_families" and lists[0].errorStyle == "stop"


def _rewrite(docx: bytes, old: str, new: str) -> bytes:
    import io
    import zipfile
    src, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                assert data.decode().count(old) == 1
                data = data.decode().replace(old, new).encode()
            z.writestr(item, data)
    return out.getvalue()


def test_document_prints_the_split_in_table8_and_section_8(tmp_path):
    path = make_workbook(tmp_path, bureau())
    result = build_unit(path, tmp_path / "out", Renderer())
    assert result.status == "ok", result.message
    lines = document_lines(result.output)
    assert "2120801" not in lines  # rows are split into code cells
    assert any(line.startswith("212 | 08 | 01 | 征地和拆迁补偿支出 | 555.00 | 55.00 | 40.00 | 15.00 | 500.00")
               for line in lines), [x for x in lines if "征地" in x]
    assert any("其中：基本支出55.00万元，项目支出500.00万元。基本支出中，人员经费40.00万元，公用经费15.00万元。" in line
               for line in lines)
    # 表9 has no 基本支出: its sentence says nothing of 人员经费
    section9 = next(line for line in lines if "国有资本经营预算拨款安排的支出" in line)
    assert section9.endswith("项目支出30.00万元。")

    # the read-back check ties the sentence's 人员经费/公用经费 to 表8's, and 表8's 小计 to 人员 + 公用
    docx = result.output.read_bytes()
    assert verify_docx(docx) == []
    problems = verify_docx(_rewrite(docx, "人员经费40.00万元", "人员经费40.10万元"))
    assert [(p.places, "不一致" in p.message) for p in problems] == [
        (("第三部分 八第1段", "表8 合计行“人员经费”列"), True)], problems


def test_rollover_keeps_the_split_rows_with_their_amounts_empty(tmp_path):
    """Next year's workbook starts with this year's 基金基本支出 codes and 资金性质, amounts to fill; a
    check of it then asks for the split where next year's income has such basic spending."""
    from gen.rollover import rollover
    other = {"code": "2230101", "family": "国有资本经营预算", "personnel": "1.00", "public": "2.00"}
    source = make_workbook(tmp_path, bureau((SPLIT, other)))
    target, _ = rollover(source, None, tmp_path / "next.xlsx")
    budget, _ = read_budget(target)
    assert [(str(f.code), f.family, f.personnel, f.public) for f in budget.fund_basic] == [
        ("2120801", "政府性基金预算", D(0), D(0)), ("2230101", "国有资本经营预算", D(0), D(0))]

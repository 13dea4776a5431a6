"""Issue 10's defect classes, each on a unit unlike the example: an administrative city-management
bureau with 政府性基金, 国有资本经营预算 and 上年结转 money, a co-funded project, a carry-over project, a
transfer and a 财政专户 source that fell to zero, and no 三公 money in either year.

Every expectation is worked out by hand from the figures below, not read from gen's output.
"""
from __future__ import annotations

import copy
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from gen.build import build_unit
from gen.checks import check_budget
from gen.compute import compute
from gen.reader import read_budget
from gen.render import Renderer
from gen.workbook_write import write_workbook

from conftest import in_yuan
from docx_text import document_lines

UNIT = "某市城市管理综合执法局"

BUREAU = {
    "unit": {"name": UNIT, "year": 2025, "date": "2025-02-10", "kind": "行政单位", "subordinates": "",
             "departments": "办公室、执法科", "establishment": 30, "staff_total": [30, 31],
             "staff_active": [28, 29], "staff_retired": [2, 2], "staff_veteran": [0, 0],
             "contact": "李明", "phone": "0991-1234567", "overall_goal": "保障城市管理执法工作正常运转。"},
    "functions": [{"text": "负责城市管理综合执法工作。"}],
    "totals": {
        # 本年: 200 + 5 本级/上级一般公共预算, 555 基金, 30 国资, 65.50 结转 = 855.50
        "grand_total": ["855.50", "867.50", ""],
        "gpb": ["200.00", "180.00", "人员经费增加"],
        "gpb_transfer": ["5.00", "47.50", "上级补助项目减少"],
        "gf": ["555.00", "600.00", "征地拆迁补偿减少"],
        "gf_transfer": [None, None, ""], "soe": ["30.00", "28.00", "退休人员增加"],
        "soe_transfer": [None, None, ""],
        "special": [None, "12.00", "财政专户收费取消"],
        "unit_funds": [None, None, ""], "unit_business": None, "unit_superior": None, "unit_affiliate": None,
        "unit_operating": None, "unit_other": None,
        "carryover": ["65.50", None, "上年道路维修项目结转"],
        # 基本: 192 一般公共预算 + 5.50 + 20 结转 = 217.50; 项目: 13 + 555 + 30 + 40 = 638.00
        "basic": ["217.50", "200.00", "人员增加"], "project": ["638.00", "667.50", "征地拆迁补偿减少"],
        "gpb_basic": ["192.00", "180.00", "人员经费增加"], "gpb_project": ["13.00", "47.50", "上级补助项目减少"],
        "sangong": [None, None, ""], "running": ["72.00", "70.00", "办公费增加"],
    },
    "income": [
        {"code": "212", "name": "城乡社区支出"},
        {"code": "21201", "name": "城乡社区管理事务"},
        {"code": "21208", "name": "国有土地使用权出让收入安排的支出"},
        {"code": "2120101", "name": "行政运行", "gpb": "200.00", "gpb_transfer": "5.00", "prior_gpb": "180.00",
         "reason": "人员经费增加"},
        {"code": "2120104", "name": "城管执法", "carry_gpb": "45.50", "prior_gpb": "47.50",
         "reason": "上级补助项目减少"},
        {"code": "2120801", "name": "征地和拆迁补偿支出", "gf": "555.00", "carry_gf": "20.00"},
        {"code": "223", "name": "国有资本经营预算支出"},
        {"code": "22301", "name": "解决历史遗留问题及改革成本支出"},
        {"code": "2230105", "name": "国有企业退休人员社会化管理补助支出", "soe": "30.00"},
    ],
    "uses": [{"code": "212", "text": "机关运行"}, {"code": "223", "text": "国有企业退休人员社会化管理补助"}],
    "projects": [
        {"name": "智慧城管平台运维", "code": "2120101", "fund": "一般公共预算", "c302": "8.00",
         "basis": "市政府文件", "allocation": "平台运维费", "period": "2025年全年", "leader": "王五", "goal": "平台稳定运行"},
        {"name": "智慧城管平台运维", "code": "2120101", "fund": "上级一般公共预算转移支付", "c302": "5.00"},
        {"name": "2024年结转道路维修", "code": "2120104", "fund": "结转：一般公共预算", "c310": "40.00",
         "basis": "上年批复", "allocation": "道路维修", "period": "2025年", "leader": "赵六", "goal": "完成维修"},
        {"name": "征地拆迁补偿", "code": "2120801", "fund": "政府性基金预算", "c399": "555.00"},
        {"name": "国企退休人员补助", "code": "2230105", "fund": "国有资本经营预算", "c303": "30.00"},
    ],
    "basic": [{"code": "30101", "name": "基本工资", "personnel": "120.00"},
              {"code": "30201", "name": "办公费", "public": "72.00"}],
    "sangong": [{"item": "因公出国（境）费"}, {"item": "公务接待费"}, {"item": "公务用车购置费"},
                {"item": "公务用车运行费"}],
    "carryover": [{"name": "2024年结转道路维修", "fiscal_personnel": "5.50", "fiscal_project": "40.00"},
                  {"name": "2024年结转基金", "fiscal_public": "20.00"}],
    "other": {"procurement": "40.00", "procurement_goods": "40.00"},
    "overall_perf": [{"l1": "产出", "l2": "数量", "l3": "执法案件数", "value": "≥100件"}],
    "project_perf": [
        {"project": "智慧城管平台运维", "l1": "产出指标", "l2": "数量指标", "l3": "平台数", "value": "=1个"},
        {"project": "2024年结转道路维修", "l1": "产出指标", "l2": "数量指标", "l3": "道路长度", "value": "≥2公里"},
    ],
}


@pytest.fixture(scope="module")
def bureau(tmp_path_factory) -> tuple[list[str], object]:
    """The bureau's document as lines of text, and its computed disclosure."""
    folder = tmp_path_factory.mktemp("bureau")
    path = write_workbook(folder / "bureau.xlsx", copy.deepcopy(BUREAU))
    budget, findings = read_budget(path)
    findings.extend(check_budget(budget, read_findings=findings))
    assert not findings.errors, [f.describe() for f in findings.errors]
    result = build_unit(path, folder / "out", Renderer())
    assert result.status == "ok", result.message
    return document_lines(result.output), compute(budget)


def line_with(lines: list[str], *needles: str) -> str:
    found = [line for line in lines if all(n in line for n in needles)]
    assert len(found) >= 1, f"no line with {needles}"
    return found[0]


def test_co_funded_project_has_one_amount_everywhere(bureau):
    lines, disclosure = bureau
    t7 = [r for r in disclosure.tables["t7"].rows if r.kind == "project"]
    assert [(r.extra, r.v[0]) for r in t7] == [("智慧城管平台运维", D("13.00"))]  # 8.00 本级 + 5.00 上级, one row
    seven = lines[lines.index(next(x for x in lines if x.startswith("七、关于") and "项目支出" in x), 20):]
    assert "预算安排规模：13.00万元" in seven
    perf = next(t for t in disclosure.n["project_perf"] if t["name"] == "智慧城管平台运维")
    assert (perf["total"], perf["fiscal"], perf["other"]) == (D("13.00"), D("13.00"), D("0.00"))


def test_carry_over_money_is_fiscal_money(bureau):
    lines, disclosure = bureau
    perf = next(t for t in disclosure.n["project_perf"] if t["name"] == "2024年结转道路维修")
    assert (perf["total"], perf["fiscal"], perf["other"]) == (D("40.00"), D("40.00"), D("0.00"))
    # 5 projects, all 财政拨款 (本年 or 结转): 13 + 40 + 555 + 30 = 638.00; none 非财政拨款
    sentence = line_with(lines, "预算绩效管理整体预算绩效目标")
    assert "当年财政拨款项目4个，涉及预算金额638.00万元" in sentence
    assert "当年非财政拨款项目0个，涉及预算金额0.00万元" in sentence


def test_overall_performance_rows_add_up_to_every_fund(bureau):
    _, disclosure = bureau
    perf = disclosure.n["overall_perf"]
    # 上级 5.00; 本级 200 + 555 + 30 + 结转 45.50 + 20 = 850.50; 其他 0
    assert (perf["superior"], perf["local"], perf["other"]) == (D("5.00"), D("850.50"), D("0.00"))
    assert perf["superior"] + perf["local"] + perf["other"] == disclosure.n["grand_total"] == D("855.50")


def test_a_use_is_printed_only_for_the_money_it_was_written_for(bureau):
    lines, _ = bureau
    assert "一般公共预算支出包括：城乡社区支出205.00万元，主要用于机关运行。" in lines
    assert "政府性基金预算支出包括：城乡社区支出555.00万元。" in lines  # not "主要用于机关运行"
    assert "国有资本经营预算支出包括：国有资本经营预算支出30.00万元，主要用于国有企业退休人员社会化管理补助。" in lines


def test_a_source_that_fell_to_zero_keeps_its_sentence(bureau):
    lines, _ = bureau
    assert ("上级一般公共预算安排的转移支付资金5.00万元，占0.58%，比上年预算减少42.50万元，下降89.47%，"
            "主要原因是上级补助项目减少。") in lines
    assert "财政专户核拨0.00万元，占0.00%，比上年预算减少12.00万元，下降100.00%，主要原因是财政专户收费取消。" in lines
    assert "上级政府性基金安排的转移支付资金未安排。" in lines  # zero in both years
    assert "上年结转结余65.50万元，占7.66%，比上年预算增加65.50万元，增长100.00%，主要原因是上年道路维修项目结转。" in lines


def test_zero_in_both_years_is_never_an_increase(bureau):
    lines, _ = bureau
    sangong = line_with(lines, "年财政拨款“三公”经费与上年预算持平")
    assert sangong.startswith("2025年财政拨款“三公”经费与上年预算持平，其中：因公出国（境）费增加0.00万元，增长0.00%，"
                              "主要原因是2024年与2025年均未安排因公出国（境）费")
    assert not any(re.search(r"(?<!费)增加0\.00万元", line) for line in lines if "三公" not in line)


def test_running_cost_is_the_public_funds_figure(bureau):
    lines, _ = bureau
    assert "某市城市管理综合执法局2025年的机关运行经费财政拨款预算72.00万元，比上年预算增加2.00万元，增长2.86%。" \
           "主要原因是办公费增加。" in lines


def test_tables_keep_carry_over_and_fund_columns_consistent(bureau):
    _, disclosure = bureau
    t = disclosure.tables
    assert t["t1"]["total"] == t["t2"].total[0] == t["t3"].total[0] == D("855.50")
    assert t["t2"].total[1] == D("790.00")  # 财政拨款小计: 200 + 5 + 555 + 30, 国有资本 included
    assert t["t11"].total[:2] == [D("65.50"), D("65.50")]
    assert t["t5"].total == [D("205.00"), D("192.00"), D("13.00")] and t["t6"].total[0] == D("192.00")
    assert t["t8"].total == [D("555.00"), D("0.00"), D("0.00"), D("0.00"), D("555.00")]
    assert t["t9"].total == [D("30.00"), D("0.00"), D("0.00"), D("0.00"), D("30.00")]


def test_basic_spending_lists_each_kuan_under_its_own_kind(bureau):
    lines, _ = bureau
    assert "人员经费120.00万元，主要包括：基本工资。" in lines
    assert "公用经费72.00万元，主要包括：办公费。" in lines


def test_a_workbook_in_yuan_rounds_every_figure_from_its_exact_sum(tmp_path, example_content):
    content = in_yuan(example_content)
    # 49 元 more on two 项 and 98 元 more in 表6: each 项 still prints as before, their 类 and every total
    # (exactly 0.0098 万元 more) round up by a cent — as the 批复, typed in 元, says.
    income = {row["code"]: row for row in content["income"]}
    for code in ("2080109", "2080501"):
        income[code]["gpb"] = str(D(income[code]["gpb"]) + 49)
    content["basic"][0]["personnel"] = str(D(content["basic"][0]["personnel"]) + 98)
    for key in ("grand_total", "gpb", "basic", "gpb_basic"):
        content["totals"][key][0] = str(D(content["totals"][key][0]) + 98)
    path = write_workbook(tmp_path / "yuan.xlsx", content)
    result = build_unit(path, tmp_path / "out", Renderer())
    assert result.status == "ok", result.message or [f.describe() for f in result.findings.errors]
    budget, _ = read_budget(path)
    t = compute(budget).tables
    xiang = {"".join(r.code): r.v[0] for r in t["t5"].rows if r.kind == "xiang"}
    assert (xiang["2080109"], xiang["2080501"]) == (D("333.30"), D("19.90"))  # 333.3049, 19.9049
    assert next(r.v[0] for r in t["t5"].rows if r.kind == "lei" and r.code[0] == "208") == D("3495.20")
    assert t["t1"]["total"] == D("3547.88") and t["t5"].total[0] == D("3547.38") and t["t6"].total[0] == D("424.33")
    lines = document_lines(result.output)
    assert any(line.startswith("阿克陶县社会保险中心收入预算3,547.88万元，其中：一般公共预算440.13万元，占12.41%，") for line in lines)


def test_rollover_of_a_workbook_in_yuan_stays_in_yuan(tmp_path, example_content):
    from gen.rollover import rollover_content
    path = write_workbook(tmp_path / "yuan.xlsx", in_yuan(example_content))
    budget, _ = read_budget(path)
    content, _ = rollover_content(budget, 2025)
    assert content["unit"]["amount_unit"] == "元"
    assert D(content["totals"]["gpb"][1]) == D("4401200")  # 440.12 万元 last year, typed in 元
    nxt, findings = read_budget(write_workbook(tmp_path / "next.xlsx", content))
    assert not [f for f in findings.errors if "金额" in f.message]
    assert nxt.totals["gpb"].prior == D("440.12")


def test_an_amount_under_50_yuan_is_named_by_check_and_never_worded_as_none(tmp_path, example_content):
    """Review: in 元, 40 元 of 公务接待费 (last year none) prints 0.00 万元.  gen check names the cell (R16), R08
    asks no reason for a change that rounds away, and 十 says 持平 — not “均未安排”, which would be false."""
    from gen.checks import check_budget
    content = in_yuan(example_content)
    reception = next(r for r in content["sangong"] if r["item"] == "公务接待费")
    reception.update(gpb="40", prior=None, reason=None)
    content["totals"]["sangong"][0] = str(sum(D(r.get("gpb") or 0) for r in content["sangong"]))
    content["totals"]["sangong"][1] = str(sum(D(r.get("prior") or 0) for r in content["sangong"]))
    path = write_workbook(tmp_path / "yuan.xlsx", content)
    budget, findings = read_budget(path)
    findings.extend(check_budget(budget, read_findings=findings))
    assert not findings.errors, [f.describe() for f in findings.errors]
    r16 = [f for f in findings if f.rule.startswith("R16 ")]
    cell = next(i for i in budget.sangong if i.label == "公务接待费").cells["gpb"]
    assert [(tuple(f.cells), "40.00 元不足 50 元" in f.message) for f in r16] == [((cell,), True)]
    result = build_unit(path, tmp_path / "out", Renderer())
    assert result.status == "ok", result.message
    text = "".join(document_lines(result.output))
    assert "公务接待费与上年预算持平" in text and "均未安排公务接待费" not in text

"""Tests written from mutation testing (issue 10, ``python tools/mutation.py``): each kills mutants of
compute/checks/verify that the rest of the fast suite let survive.

The checks' findings are what a clerk reads: the message must carry the figures and the fix, and the
cells must be the ones to correct, so these tests assert both. The compute tests put money where the
example has none (政府性基金, 国有资本, 财政专户, 结转 and 结余) and work the expected figures out by hand; the
read-back tests change one figure of a random unit's document (seed 10: every fund source) by hand.
"""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal as D

import pytest
from lxml import etree

from conftest import make_workbook
from test_verify import W, Doc, _set, _text, example_docx, found, random_docx, show  # noqa: F401 (fixture)

from gen.checks import RULES, check_budget
from gen.compute import compute
from gen.findings import ERROR, WARNING
from gen.model import FunctionCode
from gen.reader import read_budget
from gen.render import Renderer
from gen.schema import Fund


def findings_of(findings, rule: str) -> list:
    return [f for f in findings if f.rule == str(RULES[rule])]


def the_one(findings, rule: str, severity: str = ERROR):
    """The only finding, of ``rule``."""
    assert [f.rule for f in findings] == [str(RULES[rule])], [f.describe() for f in findings]
    assert findings.items[0].severity == severity
    return findings.items[0]


def checked(tmp_path, content):
    budget, read = read_budget(make_workbook(tmp_path, content))
    assert not read.errors, [f.describe() for f in read.errors]
    return check_budget(budget, read_findings=read)


# --- checks: messages name the figures, cells name what to fix ----------------------------------


def test_blank_sangong_sheet_names_the_approved_amount(tmp_path, example_content):
    example_content["sangong"] = []
    finding = the_one(checked(tmp_path, example_content), "R10")
    assert finding.message.startswith("“三公经费”表还没有填写：批复的“三公”经费为 3.60 万元，")
    assert finding.cells == ("三公经费!B4", "收支总额!B22", "收支总额!C22")


def test_project_total_message_gives_both_figures_and_the_gap(example_budget):
    t = example_budget.totals
    t["project"].current, t["basic"].current = D("3124.55"), D("423.32")  # 收支总计 still balances
    finding = the_one(check_budget(example_budget), "I10b")
    assert finding.message == ("“项目”表全部项目（各资金来源）合计 3,123.55 万元，与“收支总额”的项目支出批复数 3,124.55 万元"
                               "相差 1.00 万元，请核对项目金额和批复数。")


def test_small_business_excess_within_a_larger_procurement_gap_is_one_finding(example_budget):
    """政府采购 3.74 typed 1.74 (parts add to 3.74: I26 off by 2.00); 中小企业预留 2.88 exceeds it by 1.14. A
    bound failing by less than the gap joins it: one finding, I26's, naming I26a too."""
    example_budget.other["procurement"] = D("1.74")
    finding = the_one(check_budget(example_budget), "I26")
    assert "相差 2.00 万元" in finding.message
    assert finding.message.endswith("（同一差额也使 I26a（中小企业预留） 不成立，它们共同涉及 其他事项!B3，请先核对它。）")


def test_small_business_above_procurement_alone(example_budget):
    example_budget.other["procurement_sme"] = example_budget.other["procurement_micro"] = D("3.75")
    finding = the_one(check_budget(example_budget), "I26a")
    assert finding.message == "“其他事项”面向中小企业预留 3.75 万元超过政府采购预算 3.74 万元（是它的一部分），请核对。"


def test_use_code_of_wrong_length(tmp_path, example_content):
    example_content["uses"][0]["code"] = "2080"
    r04 = findings_of(checked(tmp_path, example_content), "R04")
    assert [(f.message, f.cells) for f in r04] == [
        ("“支出用途”的功能类编码 2080 应为 3 位（如 208），请核对。", ("支出用途!A4",))]


def test_unknown_function_code_names_code_and_name_cells(example_budget):
    example_budget.income[0].code = FunctionCode("2080198")  # 款 20801 is known, 项 98 is not
    finding = the_one(check_budget(example_budget), "R05", WARNING)
    assert finding.cells == ("收入明细!A4", "收入明细!B4")
    assert "目录中未找到功能科目 2080198（“行政运行”）" in finding.message


def test_economic_name_differing_from_catalog(example_budget):
    example_budget.basic[0].name = "基本工资（含津贴）"
    finding = the_one(check_budget(example_budget), "R05", WARNING)
    assert finding.cells == ("基本支出!B4",)
    assert finding.message == ("经济科目 30101 的名称“基本工资（含津贴）”与《政府收支分类科目》目录中的“基本工资”不同，"
                               "请核对（以目录为准）。")


def test_missing_unit_field_says_which_and_where(example_budget):
    example_budget.unit.departments = []
    finding = the_one(check_budget(example_budget), "R07")
    assert finding.cells == ("单位信息!B8",)
    assert finding.message.startswith("“单位信息”的“内设科室”还没有填写，请填写")


def test_missing_functions_point_at_the_functions_sheet(example_budget):
    example_budget.unit.functions, example_budget.function_cells = [], []
    finding = the_one(check_budget(example_budget), "R07")
    assert finding.cells == ("主要职能!A4",)
    assert finding.message == "“主要职能”表还没有填写，请一行一条填写单位的主要职能。"


def test_missing_economic_code_and_use_text_name_their_cells(tmp_path, example_content):
    example_content["basic"][0]["code"] = ""
    example_content["uses"][1]["text"] = ""
    r07 = {f.cells: f.message for f in findings_of(checked(tmp_path, example_content), "R07")}
    assert r07[("基本支出!A4",)] == "“基本支出”第 4 行的“经济科目编码”还没有填写，请补上。"
    assert r07[("支出用途!B5",)] == "“支出用途” 210的“主要用途”还没有填写，请补上。"


def test_missing_reason_says_decrease_and_by_how_much(example_budget):
    example_budget.totals["gpb"].reason = ""
    finding = the_one(check_budget(example_budget), "R08")
    assert finding.message == ("“收支总额”的一般公共预算本年 440.12 万元比上年 876.27 万元减少 436.15 万元，"
                               "说明中要写主要原因，请在 收支总额!D4 填写。")


def test_public_money_in_a_personnel_code(example_budget):
    example_budget.basic[0].public = D("1.50")  # 30101 基本工资 with 公用经费
    r14 = findings_of(check_budget(example_budget), "R14")
    assert [(f.severity, f.cells, f.message) for f in r14] == [
        (WARNING, ("基本支出!D4",), "经济科目 30101 基本工资属于人员经费（301），却在“公用经费”列填了 1.50 万元，请确认。")]


def test_half_width_punctuation_in_a_reason_names_its_cell(tmp_path, example_content):
    example_content["income"][1]["reason"] = "在职人员减少6人,相关人员经费减少"
    finding = the_one(checked(tmp_path, example_content), "R09", WARNING)
    assert finding.cells == ("收入明细!Q5",)


# --- compute: money where the example has none --------------------------------------------------


def _add_money(budget, **amounts) -> None:
    """Extra money on the example's 2080109 line (社会保险经办机构), by fund name."""
    for fund, amount in amounts.items():
        budget.income[1].amounts[Fund[fund]] += D(amount)


T1_INCOME_LINES = [  # 表1's left side down to 上年结转结余, as the standard prints it
    ("head", "一、本年收入"), ("item", "1. 一般公共预算拨款"), ("sub", "其中：一般财力"),
    ("sub", "上级一般公共预算安排转移支付"), ("item", "2. 政府性基金预算拨款"), ("sub", "其中：政府性基金收入"),
    ("sub", "上级政府性基金安排转移支付"), ("item", "3. 国有资本经营预算拨款"), ("sub", "其中：国有资本经营收入"),
    ("sub", "上级国有资本经营预算安排转移支付"), ("item", "4. 财政专户核拨"), ("item", "5. 单位资金"),
    ("sub", "其中：事业收入"), ("sub", "上级补助收入"), ("sub", "附属单位上缴收入"), ("sub", "事业单位经营收入"),
    ("sub", "其他收入")]


def test_table1_carry_over_and_balance_rows(example_budget):
    _add_money(example_budget, CARRY_GPB="1.00", CARRY_GF="4.00", CARRY_SOE="2.00",
               BALANCE_SPECIAL="3.00", BALANCE_UNIT="2.50")
    rows = [(r["kind"], r["label"], r["amount"]) for r in compute(example_budget).tables["t1"]["rows"]]
    assert [row[:2] for row in rows[:17]] == T1_INCOME_LINES
    assert rows[17:] [:8] == [
        ("head", "二、上年结转结余", D("12.50")),
        ("item", "1. 财政拨款结转", D("7.00")),
        ("sub", "其中：一般公共预算拨款", D("1.00")),
        ("sub", "政府性基金预算拨款", D("4.00")),
        ("sub", "国有资本经营预算拨款", D("2.00")),
        ("item", "2. 非财政拨款结余", D("5.50")),
        ("sub", "其中：财政专户核拨", D("3.00")),
        ("sub", "单位资金", D("2.50")),
    ]


def test_overall_performance_local_money_counts_every_local_fiscal_fund(example_budget):
    """单位整体绩效目标表: 本级 = 一般公共预算 440.12 + 基金 50 + 国资 30 + 财政拨款结转 6 (+4 基金结转);
    上级 = the three transfers; 其他 = the rest (单位资金 0.50 + 财政专户 3)."""
    _add_money(example_budget, GF="50.00", SOE="30.00", CARRY_GPB="6.00", CARRY_GF="4.00",
               GF_TRANSFER="7.00", SPECIAL="3.00")
    perf = compute(example_budget).n["overall_perf"]
    assert (perf["local"], perf["superior"], perf["other"]) == (D("530.12"), D("3114.25"), D("3.50"))


def test_table6_groups_kuan_under_their_three_digit_class(example_budget):
    t6 = compute(example_budget).tables["t6"]
    classes = [(r.code[0], r.name) for r in t6.rows if r.kind == "lei"]
    assert classes == [("301", "工资福利支出"), ("302", "商品和服务支出"), ("303", "对个人和家庭的补助")]
    for lei in ("301", "302", "303"):
        row = next(r for r in t6.rows if r.kind == "lei" and r.code[0] == lei)
        kuan = [r for r in t6.rows if r.kind == "kuan" and r.code[0] == lei]
        assert row.v == [sum((r.v[i] for r in kuan), D(0)) for i in range(3)]


# --- the read-back check on a unit with every fund source ---------------------------------------


def test_each_source_sentence_is_compared_with_its_table1_line(tmp_path):
    """第三部分 二: sources whose sentence label differs from the 表1 line (财政专户核拨, 上级…转移支付资金)."""
    data = random_docx(10, tmp_path)[0]
    for label, old, new, line in (("财政专户核拨", "5,815.83", "5,815.93", "表1 “财政专户核拨”行"),
                                  ("上级国有资本经营预算安排的转移支付资金", "2,471.51", "2,471.61",
                                   "表1 “上级国有资本经营预算安排转移支付”行")):
        d = Doc(data)
        d.sentence(label, old, new)
        ps = d.problems()
        assert any(p.places[1:] == (line,) and f"{label}收入不一致" in p.message and new in p.message
                   for p in ps), show(ps)


def test_fund_table_total_is_compared_with_table4(tmp_path):
    d = Doc(random_docx(10, tmp_path)[0])
    d.cell(8, "合  计", 1, "12,803.69", "12,803.59")
    ps = d.problems()
    assert found(ps, "表4 “政府性基金预算”行", "表8 合计行“合计”列",
                 message="政府性基金预算支出（表4、表8）不一致：表4 “政府性基金预算”行 为 12,803.59，"
                         "表8 合计行“合计”列 为 12,803.69。"), show(ps)


def test_fund_table_class_row_is_compared_with_its_table4_column(tmp_path):
    d = Doc(random_docx(10, tmp_path)[0])
    d.cell(8, "207 |  |  | 文化", 4, "2,974.55", "2,974.45")
    ps = d.problems()
    assert found(ps, "表4 207 文化旅游体育与传媒支出行“政府性基金预算”列", "表8 207 文化旅游体育与传媒支出行“合计”列",
                 message="207 类支出（表4、表8）不一致"), show(ps)


def test_a_source_with_money_must_have_its_sentence(tmp_path):
    data = random_docx(10, tmp_path)[0]
    for label, line in (("财政专户核拨", "财政专户核拨"), ("上级一般公共预算安排的转移支付资金", "上级一般公共预算安排转移支付")):
        d = Doc(data)
        d.remove_paragraph(label)
        ps = d.problems()
        assert found(ps, "第三部分 二", f"表1 “{line}”行", message=f"第三部分 二没有说明{label}。"), show(ps)


def test_item_sentence_found_by_name_when_its_class_row_is_missing(example_docx):
    """A hand-made 表5 without the 208 类 row: its 项 are still found by name (only the 类 figures differ)."""
    d = Doc(example_docx)
    t5 = d.table(5)
    row = next(tr for tr in t5.iter(W + "tr") if [_text(c) for c in tr.findall(W + "tc")][:3] == ["208", "", ""])
    row.getparent().remove(row)
    ps = d.problems()
    assert found(ps, "表4 208 社会保障和就业支出行“一般公共预算”列", "表5 208行", message="不一致"), show(ps)
    assert not [p for p in ps if "表中无此行" in p.message or "五（三）" in " ".join(p.places)], show(ps)


# --- 绩效目标表: 一级/二级指标 typed once and left blank below ------------------------------------


def test_blank_repeated_indicators_merge_within_their_own_first_level(example_budget):
    """A clerk types each 一级指标 once and leaves the rows below blank: the blanks belong to the value
    above, and a 二级指标 repeated across two 一级指标 is two merged cells, not one."""
    disclosure = compute(example_budget)
    typed = [("产出指标", "数量指标"), ("", "数量指标"), ("效益指标", "数量指标"), ("", "数量指标"), ("", "时效指标")]
    disclosure.n["project_perf"][0]["rows"] = [
        {"l1": l1, "l2": l2, "l3": f"指标{i}", "value": "=1个", "basis": "", "prior_value": "", "weight": "10",
         "rule": "", "evidence": ""} for i, (l1, l2) in enumerate(typed)]
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(Renderer().render(disclosure))).read("word/document.xml"))
    table = next(t for t in body.iter(W + "tbl") if "指标0" in "".join(x.text or "" for x in t.iter(W + "t")))
    rows = [tr for tr in table.findall(W + "tr") if tr.find(f"{W}trPr/{W}tblHeader") is None]

    def column(i):
        out = []
        for tr in rows:
            tc = tr.findall(W + "tc")[i]
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            out.append(("".join(t.text or "" for t in tc.iter(W + "t")),
                        None if merge is None else merge.get(W + "val", "continue")))
        return out

    assert column(0) == [("产出指标", "restart"), ("", "continue"), ("效益指标", "restart"), ("", "continue"),
                         ("", "continue")]
    assert column(1) == [("数量指标", "restart"), ("", "continue"), ("数量指标", "restart"), ("", "continue"),
                         ("时效指标", None)]


def test_function_table_row_kinds_follow_the_code(example_budget):
    """表2/3/5: a 类 row has only its 3 digits, a 款 row 5, a 项 row 7 — the template styles rows by kind."""
    _add_money(example_budget, GF="5.00")
    tables = compute(example_budget).tables
    for key in ("t2", "t3", "t5"):
        kinds = [(r.kind, r.code) for r in tables[key].rows]
        assert kinds and all(kind == ("lei" if not code[1] else "kuan" if not code[2] else "xiang")
                             for kind, code in kinds), (key, kinds)
        assert {k for k, _ in kinds} == {"lei", "kuan", "xiang"}


def test_table2_fiscal_subtotal_has_all_three_budgets_and_only_them(example_budget):
    """表2 财政拨款小计 = 一般公共预算 + 基金 + 国有资本 (本级 and 上级); 财政专户, 单位资金 and 结转 are not in it."""
    _add_money(example_budget, GF="50.00", GF_TRANSFER="4.00", SOE="30.00", SOE_TRANSFER="7.00", SPECIAL="3.00",
               CARRY_GPB="6.00")
    total = compute(example_budget).tables["t2"].total
    assert total[:2] == [D("3647.87"), D("3638.37")]  # 总计 = 3547.87 + 100; 小计 = 3547.37 + 91


def test_basic_spending_lists_each_kuan_under_its_own_column(example_budget):
    """第三部分 六: 人员经费 lists the 款 with 人员经费, 公用经费 those with 公用经费 (表6's columns)."""
    basic = compute(example_budget).n["basic"]
    assert basic["public_items"] == ["办公费", "水费", "电费", "邮电费", "差旅费", "维修（护）费", "工会经费", "福利费",
                                     "公务用车运行维护费"]
    assert basic["personnel_items"] == ["基本工资", "津贴补贴", "奖金", "机关事业单位基本养老保险缴费", "职工基本医疗保险缴费",
                                        "其他社会保障缴费", "住房公积金", "退休费", "生活补助"]


def test_table4_left_side_is_the_three_kinds_of_fiscal_money(example_budget):
    _add_money(example_budget, GF="50.00", SOE_TRANSFER="7.00")
    rows = compute(example_budget).tables["t4"]["rows"]
    assert [(r["kind"], r["label"], r["amount"]) for r in rows[:4]] == [
        ("head", "一、财政拨款（补助）", D("3604.37")), ("item", "一般公共预算", D("3547.37")),
        ("item", "政府性基金预算", D("50.00")), ("item", "国有资本经营预算", D("7.00"))]


def test_table6_class_names_come_from_the_standard_without_a_catalog(example_budget):
    from gen.catalog import Catalog
    from gen.compute import table6
    t6 = table6(example_budget, Catalog(function={}, economic={}))
    assert [r.name for r in t6.rows if r.kind == "lei"] == ["工资福利支出", "商品和服务支出", "对个人和家庭的补助"]


def test_sangong_total_counts_every_fund_and_keeps_its_reason(example_budget):
    reception = next(i for i in example_budget.sangong if i.key == "reception")
    reception.gf = D("1.00")
    example_budget.totals["sangong"].reason = "公务接待增加"
    total = compute(example_budget).n["sangong_total"]
    assert (total.current, total.reason) == (D("4.60"), "公务接待增加")


def test_amount_on_a_class_or_kuan_row_is_an_error(tmp_path, example_content):
    example_content["income"].insert(0, {"code": "20801", "name": "人力资源和社会保障管理事务", "gpb": "1.00"})
    r04 = findings_of(checked(tmp_path, example_content), "R04")
    assert [(f.cells, f.message.split("；")[0]) for f in r04] == [
        (("收入明细!A4",), "“收入明细”20801 是款级编码，金额要填在所属的 7 位项级编码行")]


def test_function_code_outside_the_classes(example_budget):
    example_budget.income[0].code = FunctionCode("2990101")
    r04 = findings_of(check_budget(example_budget), "R04")
    assert [(f.cells, f.message) for f in r04] == [
        (("收入明细!A4",), "功能科目 2990101 的类 299 不是支出功能分类的类（201～234），请核对编码。")]


def test_missing_reason_of_an_income_line_names_all_its_amount_cells(example_budget):
    example_budget.income[1].reason = ""
    finding = the_one(check_budget(example_budget), "R08")
    assert finding.cells == ("收入明细!Q5", "收入明细!C5", "收入明细!D5", "收入明细!P5")


def test_blank_projects_sheet_points_at_the_approved_figures(tmp_path, example_content):
    example_content["projects"] = []
    finding = findings_of(checked(tmp_path, example_content), "R10")[0]
    assert finding.cells == ("项目!A4", "收支总额!B19", "收支总额!B21")
    assert "批复的项目支出为 3,123.55 万元" in finding.message


def test_prior_year_total_against_its_parts(example_budget):
    example_budget.totals["basic"].prior += 1
    finding = the_one(check_budget(example_budget), "I31")
    assert finding.cells == ("收支总额!C3", "收支总额!C18", "收支总额!C19")
    assert finding.message == ("“收支总额”上年基本支出与项目支出之和 3,909.27 万元，与上年收支总计 3,908.27 万元相差 1.00 万元，"
                               "请对照上年预算核对。")


def test_half_width_punctuation_in_an_indicator_names_its_cell(tmp_path, example_content):
    example_content["project_perf"][0]["l3"] = "参保人数,人"
    finding = the_one(checked(tmp_path, example_content), "R09", WARNING)
    assert finding.cells == ("项目绩效!D4",)


def test_basic_spending_sentence_figures_equal_table6(example_docx):
    d = Doc(example_docx)
    d.sentence("人员经费411.02万元", "411.02", "411.12")
    ps = d.problems()
    assert found(ps, "第三部分 六第2段", "表6 合计行“人员经费”列",
                 message="人员经费不一致：第三部分 六第2段 为 411.12，表6 合计行“人员经费”列 为 411.02。"), show(ps)


def test_table4_spending_total_of_a_fund_equals_its_income(example_docx):
    d = Doc(example_docx)
    d.cell(4, "收 入 总 计", 4, "3,547.47", "3,547.37")
    ps = d.problems()
    assert found(ps, "表4 “一般公共预算”行", "表4 支出总计“一般公共预算”列", message="一般公共预算收入与支出（表4）不一致"), show(ps)


def test_unarranged_spending_must_be_zero(example_docx):
    d = Doc(example_docx)
    d.sentence("项目支出3,123.55万元，占", "项目支出3,123.55万元，占88.04%，比上年预算减少334.08万元，下降9.66%", "项目支出未安排")
    ps = d.problems()
    assert found(ps, "第三部分 三第3段", "表3 合计行“项目支出”列",
                 message="第三部分 三说“项目支出未安排”，但表3 合计行“项目支出”列为 3,123.55。"), show(ps)


def test_one_figure_changed_is_named_against_the_table_it_must_equal(tmp_path):
    """Seed 10's document, one figure changed at a time: the cross-table or sentence check names both places."""
    data = random_docx(10, tmp_path)[0]

    d = Doc(data)
    total_row = next(tr for tr in d.table(2).iter(W + "tr") if _text(tr.findall(W + "tc")[0]) == "合  计")
    _set(total_row.findall(W + "tc")[8], "5,815.93")  # 财政专户（教育收费）
    ps = d.problems()
    assert found(ps, "表1 “财政专户核拨”行", "表2 合计行“财政专户（教育收费）”列", message="财政专户收入（表1、表2）不一致"), show(ps)

    d = Doc(data)
    d.cell(5, "合  计", 1, "7,329.54", "7,329.44")
    ps = d.problems()
    assert found(ps, "表4 “一般公共预算”行", "表5 合计行“合计”列", message="一般公共预算支出（表4、表5）不一致"), show(ps)

    d = Doc(data)
    d.sentence("若羌县", "收入预算38,222.72万元", "收入预算38,222.82万元")
    ps = d.problems()
    assert found(ps, "第三部分 二第1段", "表1 “收入总计”行", message="收入预算总额不一致：第三部分 二第1段 为 38,222.82"), show(ps)


# --- verify: every 表1 income line is compared with its 表2 column (a unit with money in all of them) ----


def _tampered_table1(data: bytes, label: str, new: str) -> Doc:
    """The document with the amount beside the 表1 line ``label`` replaced by ``new``."""
    d = Doc(data)
    for tr in d.table(1).iter(W + "tr"):
        cells = tr.findall(W + "tc")
        for i, c in enumerate(cells[:-1]):
            if _text(c).replace(" ", "").endswith(label):
                _set(cells[i + 1], new)
                return d
    raise AssertionError(label)


@pytest.mark.parametrize("label,old,new,column", [
    ("上级政府性基金安排转移支付", "10,895.60", "10,895.61", "上级政府性基金安排的转移支付"),
    ("4.财政专户核拨", "9,960.90", "9,960.91", "财政专户（教育收费）"),
    ("5.单位资金", "9,272.43", "9,272.44", "单位资金"),
    ("其中：政府性基金收入", "833.89", "833.90", "政府性基金预算"),
    ("1.财政拨款结转", "8,821.27", "8,821.28", "财政拨款结转"),
])
def test_each_table1_income_line_is_its_table2_column(tmp_path, label, old, new, column):
    data, _ = random_docx(37, tmp_path)  # seed 37: 本级/上级 基金, 国资, 财政专户, 单位资金, 结转 and 结余
    problems = _tampered_table1(data, label, new).problems()
    assert any(f"表2 合计行“{column}”列" in p.places and old in p.message and new in p.message
               and "（表1、表2）不一致" in p.message for p in problems), show(problems)


def test_fiscal_subtotal_of_table2_is_the_three_budgets_of_table1(tmp_path):
    data, _ = random_docx(37, tmp_path)
    d = Doc(data)
    d.cell(2, "合  计", 2, "59,146.61", old="59,146.60")  # 财政拨款（补助）小计
    problems = d.problems()
    assert found(problems, "表2 合计行“财政拨款（补助）小计”列",
                 message="财政拨款小计不等于表1 各财政拨款收入之和：印出 59,146.61，各组成部分之和为 59,146.60"), show(problems)


# --- verify: the identities and sentences a neighbouring check would also notice, each by its own name ----


@pytest.mark.parametrize("edit,places,message", [
    (lambda d: d.cell(5, "合  计", 1, "3,547.38", old="3,547.37"),
     ("表4 “一般公共预算”行", "表5 合计行“合计”列"), "一般公共预算支出（表4、表5）不一致"),
    (lambda d: d.cell(7, "合  计", 1, "3,123.06", old="3,123.05"),
     ("表5 合计行“项目支出”列", "表7 合计行“项目支出合计”列"), "一般公共预算项目支出（表5、表7）不一致"),
    (lambda d: d.sentence("2024年财政拨款收支总预算", "3,547.37", "3,547.38"),
     ("第三部分 四第1段", "表4 “收入总计”行"), "财政拨款收支总预算不一致"),
    (lambda d: d.sentence("阿克陶县社会保险中心收入预算", "收入预算3,547.87", "收入预算3,547.88"),
     ("第三部分 二第1段", "表1 “收入总计”行"), "收入预算总额不一致"),
    (lambda d: d.cell(4, "政府性基金预算", 1, "1.00", old=""),
     ("第三部分 四第2段", "表4 “政府性基金预算”行"), "第三部分 四说“无政府性基金预算拨款”，但表4 “政府性基金预算”行为 1.00"),
    (lambda d: d.sentence("预算安排规模：10.80", "10.80", "10.81"),
     ("第三部分 七第15段", "项目支出绩效目标表“2024年城乡居民养老保险网络费（县级）” 年度预算总额"),
     "项目“2024年城乡居民养老保险网络费（县级）”预算安排规模不一致"),
    (lambda d: d.sentence("2024年财政拨款“三公”经费比上年预算", "因公出国（境）费增加0.00万元，增长0.00%",
                          "因公出国（境）费增加1.00万元，增长100.00%"),
     ("第三部分 十第2段",), "“增加1.00万元，增长100.00%”之后说“均未安排”，与增减额不符"),
], ids=["t4-t5", "t5-t7", "s4-total", "s2-total", "s4-none", "s7-scale", "s10-unarranged"])
def test_each_identity_names_itself(example_docx, edit, places, message):
    d = Doc(example_docx)
    edit(d)
    problems = d.problems()
    assert found(problems, *places, message=message), show(problems)


# --- checks: the cell to fix is named, and the message says the figures ------------------------------


def test_required_cells_are_named_where_they_are_missing(example_budget):
    example_budget.projects[0].name = ""
    example_budget.income[0].code = FunctionCode("")
    findings = [f for f in check_budget(example_budget).errors if f.rule == str(RULES["R07"])]
    cells = {c for f in findings for c in f.cells}
    assert {"项目!A4", "收入明细!A4"} <= cells, [f.describe() for f in findings]


def test_a_sangong_change_without_its_reason_points_at_the_reason_cell(example_budget):
    item = next(i for i in example_budget.sangong if i.key == "reception")
    item.gpb = D("1.00")
    example_budget.totals["sangong"].current += D("1.00")
    example_budget.totals["sangong"].reason = "接待任务增加"
    finding = the_one(check_budget(example_budget), "R08")
    assert finding.cells[0] == "三公经费!F5" and "请在 三公经费!F5 填写" in finding.message


def test_text_hygiene_quotes_the_text_and_names_the_problem(example_budget):
    text = " 贯彻执行社会保险的方针政策，组织实施社会保险事业发展规划和年度计划"
    example_budget.unit.functions[0] = text
    finding = next(f for f in check_budget(example_budget).warnings if f.rule == str(RULES["R09"]))
    assert finding.message == f"“{text[:24]}…”：有的行首或行尾有空格。"
    example_budget.unit.functions[0] = text[:24]  # exactly 24 characters: quoted whole, no "…"
    finding = next(f for f in check_budget(example_budget).warnings if f.rule == str(RULES["R09"]))
    assert finding.message == f"“{text[:24]}”：有的行首或行尾有空格。"


def test_projects_above_income_are_named_after_a_project_without_income(example_budget):
    first, second, big = example_budget.projects[0], example_budget.projects[1], example_budget.projects[5]
    first.code = FunctionCode("2080101")  # no 一般公共预算 income there: R11's, I34 goes on to the next 项
    key = next(k for k, v in big.econ.items() if v)
    big.econ[key] -= D("10.00")  # 10.00 of 上级转移支付 project money moves from 2082602 to 2080109,
    second.econ[key] += D("10.00")  # where it exceeds that 项's 7.25 of 上级转移支付 income
    finding = next(f for f in check_budget(example_budget).errors if f.rule == str(RULES["I34"]))
    assert f"“{second.name}”" in finding.message and "2080109" in finding.message


def test_a_duplicate_project_row_names_its_fund(example_budget):
    import copy
    example_budget.projects.append(copy.deepcopy(example_budget.projects[0]))
    finding = next(f for f in check_budget(example_budget).errors if f.rule == str(RULES["R06"]))
    assert "（一般公共预算）出现了不止一行" in finding.message

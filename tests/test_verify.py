"""The read-back check (gen.verify): the example document verifies clean, and ONE figure changed by hand
in its XML — a table cell, a sentence figure, a share, a direction word, an empty-table note — is named
at the right places.  Each test below fails if the check it targets is removed from verify.py.
"""
from __future__ import annotations

import copy
import io
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from gen.build import YUAN_RESIDUAL
from gen.cli import main
from gen.compute import compute
from gen.reader import read_budget
from gen.render import Renderer
from gen.verify import UnreadableDocument, verify_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def example_docx(example_workbook) -> bytes:
    budget, _ = read_budget(example_workbook)
    return Renderer().render(compute(budget))


class Doc:
    """The example's document.xml, to change by hand the way a person editing it in Word would."""

    def __init__(self, data: bytes):
        self.zip = data
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.root = etree.fromstring(z.read("word/document.xml"))
        self.body = self.root.find(W + "body")

    def table(self, no: int):
        """表no: the table right after the paragraph "表no"."""
        seen = False
        for el in self.body:
            if el.tag == W + "p" and _text(el) == f"表{no}":
                seen = True
            elif el.tag == W + "tbl" and seen:
                return el
        raise AssertionError(f"表{no} not found")

    def cell(self, no: int, row: str, col: int, new: str, old: str | None = None) -> None:
        """Set the col-th cell (w:tc, 0-based) of the row of 表no whose cells' text starts with ``row``."""
        for tr in self.table(no).iter(W + "tr"):
            cells = tr.findall(W + "tc")
            if " | ".join(_text(c) for c in cells).startswith(row):
                if old is not None:
                    assert _text(cells[col]) == old, _text(cells[col])
                _set(cells[col], new)
                return
        raise AssertionError(f"row {row!r} not in 表{no}")

    def sentence(self, start: str, old: str, new: str) -> None:
        """In the body paragraph starting with ``start`` replace ``old`` (inside one run) by ``new``."""
        for p in self.body.iter(W + "p"):
            if _text(p).startswith(start):
                for t in p.iter(W + "t"):
                    if old in (t.text or ""):
                        t.text = t.text.replace(old, new, 1)
                        return
        raise AssertionError(f"{old!r} not in a paragraph starting {start!r}")

    def remove_paragraph(self, start: str) -> None:
        p = next(p for p in self.body if p.tag == W + "p" and _text(p).startswith(start))
        self.body.remove(p)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(self.zip)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                    if item.filename == "word/document.xml" else src.read(item)
                dst.writestr(item, data)
        return out.getvalue()

    def problems(self, **kw):
        return verify_docx(self.bytes(), **kw)


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t")).strip()


def _set(tc, text: str) -> None:
    ts = list(tc.iter(W + "t"))
    if ts:
        ts[0].text = text
        for t in ts[1:]:
            t.text = ""
    else:  # a blank cell: give its paragraph a run
        p = tc.find(W + "p")
        r = etree.SubElement(p, W + "r")
        etree.SubElement(r, W + "t").text = text


def found(problems, *places: str, message: str = "") -> bool:
    """A problem naming exactly these places (in this order) whose message contains ``message``."""
    return any(p.places == places and message in p.message for p in problems)


def show(problems) -> str:
    return "\n".join(f"{' / '.join(p.places)} — {p.message}" for p in problems)


# ----- the example is clean ------------------------------------------------------------------------

def test_example_document_verifies_clean(example_docx):
    assert verify_docx(example_docx) == []


def test_reading_back_finds_every_table_and_the_narrative(example_docx):
    from gen.verify import read_document
    doc = read_document(example_docx)
    assert [t.no for t in doc.tables if t.no] == list(range(1, 12))
    assert sorted(doc.sections) == list(range(1, 13))
    t5 = doc.table(5)
    total = t5.total_row()
    assert [total.v[j] for j in t5.amount_cols] == [Decimal("3547.37"), Decimal("424.32"), Decimal("3123.05")]


# ----- every table adds up -------------------------------------------------------------------------

def test_kuan_is_the_sum_of_its_xiang(example_docx):
    d = Doc(example_docx)
    d.cell(2, "208 | 01 | 09", 6, "326.15", old="326.05")  # 表2 2080109 一般公共预算
    ps = d.problems()
    assert found(ps, "表2 20801 人力资源和社会保障管理事务行“一般公共预算”列", message="上级科目不等于下级科目之和"), show(ps)


def test_total_row_is_the_sum_of_the_lei(example_docx):
    d = Doc(example_docx)
    d.cell(3, "221 |  |  | 住房保障支出", 5, "33.49", old="33.39")  # 表3 类 221 基本支出 only
    ps = d.problems()
    assert found(ps, "表3 合计行“基本支出”列", message="合计不等于各类之和"), show(ps)


def test_each_row_total_is_basic_plus_project(example_docx):
    d = Doc(example_docx)
    d.cell(3, "208 | 01 | 09", 4, "333.90", old="333.80")
    ps = d.problems()
    assert found(ps, "表3 2080109 社会保险经办机构行“合计”列", message="不等于基本支出、项目支出之和"), show(ps)


def test_table2_subtotal_is_the_fiscal_columns(example_docx):
    d = Doc(example_docx)
    d.cell(2, "208 | 06 | 99", 5, "5.10", old="5.00")  # 财政拨款（补助）小计 of 2080699
    ps = d.problems()
    assert found(ps, "表2 2080699 其他企业改革发展补助行“财政拨款（补助）小计”列",
                 message="不等于一般公共预算、上级一般公共预算安排的转移支付、政府性基金预算"), show(ps)
    assert found(ps, "表2 2080699 其他企业改革发展补助行“总计”列", message="不等于财政拨款（补助）小计、"), show(ps)


def test_table6_row_is_personnel_plus_public(example_docx):
    d = Doc(example_docx)
    d.cell(6, "301 | 01", 3, "73.88", old="73.78")
    ps = d.problems()
    assert found(ps, "表6 30101 基本工资行“合计”列", message="不等于人员经费、公用经费之和"), show(ps)


def test_table7_row_is_its_economic_classes(example_docx):
    d = Doc(example_docx)
    d.cell(7, "208 | 01 | 09 | 社会保险经办机构 | 2024年自治区社会保险经办机构代办员补助项目", 5, "5.35", old="5.25")
    ps = d.problems()
    assert found(ps, "表7 项目“2024年自治区社会保险经办机构代办员补助项目”行“项目支出合计”列",
                 message="不等于工资福利支出、商品和服务支出"), show(ps)


def test_table10_total_is_its_three_items_and_cars_are_purchase_plus_running(example_docx):
    d = Doc(example_docx)
    d.cell(10, "公务用车运行费", 1, "3.70", old="3.60")
    d.cell(10, "公务用车运行费", 2, "3.70", old="3.60")
    ps = d.problems()
    assert found(ps, "表10 “公务用车购置及运行费（小计）”行“合计”列", message="不等于购置费与运行费之和"), show(ps)
    d = Doc(example_docx)
    d.cell(10, "因公出国", 1, "1.00")
    d.cell(10, "因公出国", 2, "1.00")
    ps = d.problems()
    assert found(ps, "表10 合计行“合计”列", message="不等于因公出国（境）费、公务接待费、公务用车购置及运行费之和"), show(ps)


def test_table11_total_is_its_rows(example_docx):
    d = Doc(example_docx)
    total = next(tr for tr in d.table(11).iter(W + "tr") if _text(tr).startswith("合"))
    item = copy.deepcopy(total)
    total.addprevious(item)
    _set(item.findall(W + "tc")[0], "某结转项目")
    for tr, amount in ((item, "4.00"), (total, "5.00")):
        for k in (1, 2, 5):  # 总计, 财政拨款 合计, 财政拨款 项目支出
            _set(tr.findall(W + "tc")[k], amount)
    ps = d.problems()
    assert found(ps, "表11 合计行“总计”列", message="合计不等于各行之和"), show(ps)


def test_table1_lines_add_up_and_income_equals_spending(example_docx):
    d = Doc(example_docx)
    d.cell(1, "其中：一般财力", 1, "440.22", old="440.12")
    ps = d.problems()
    assert found(ps, "表1 “一般公共预算拨款”行", message="不等于其下各行之和"), show(ps)
    d = Doc(example_docx)
    d.cell(1, "收 入 总 计", 3, "3,547.97", old="3,547.87")
    ps = d.problems()
    assert found(ps, "表1 “收入总计”行", "表1 支出总计", message="收入总计与支出总计不一致"), show(ps)
    assert found(ps, "表1 支出总计“预算数”列", message="支出总计不等于各类之和"), show(ps)


def test_table4_row_total_is_its_three_funds(example_docx):
    d = Doc(example_docx)
    d.cell(4, " |  | 210 卫生健康支出", 3, "18.89", old="18.79")
    ps = d.problems()
    assert found(ps, "表4 210行“合计”列", message="合计不等于各资金来源之和"), show(ps)


def _tbl(rows: list[list[str]]):
    """A w:tbl from rows of cell texts; "text*n" spans n grid columns."""
    tbl = etree.Element(W + "tbl")
    for row in rows:
        tr = etree.SubElement(tbl, W + "tr")
        for cell in row:
            text, _, span = cell.partition("*")
            tc = etree.SubElement(tr, W + "tc")
            if span:
                pr = etree.SubElement(tc, W + "tcPr")
                etree.SubElement(pr, W + "gridSpan").set(W + "val", span)
            etree.SubElement(etree.SubElement(etree.SubElement(tc, W + "p"), W + "r"), W + "t").text = text
    return tbl


@pytest.mark.parametrize("subtotal", [True, False])
def test_basic_split_into_personnel_and_public_is_found_by_header(example_docx, subtotal):
    """表8 laid out with 人员经费/公用经费 under 基本支出 (with or without a 小计 column): 基本 = 人员 + 公用."""
    d = Doc(example_docx)
    basic = ["小计", "人员经费", "公用经费"] if subtotal else ["人员经费", "公用经费"]
    width = len(basic)
    row = ["212", "08", "01", "征地和拆迁补偿支出", "10.00"] + (["6.00"] if subtotal else []) + ["4.00", "2.00", "4.00"]
    rows = [["功能分类科目编码*3", "功能分类科目名称", f"政府性基金预算支出*{width + 2}"],
            ["类", "款", "项", "", "合计", f"基本支出*{width}", "项目支出"],
            ["", "", "", "", ""] + basic + [""],
            ["212", "", "", "城乡社区支出"] + row[4:], ["212", "08", "", "国有土地使用权出让收入安排的支出"] + row[4:],
            row, ["合  计*4"] + row[4:]]
    old = d.table(8)
    old.addprevious(_tbl(rows))
    d.body.remove(old)
    d.remove_paragraph("备注：阿克陶县社会保险中心2024年没有使用政府性基金预算")
    ps = [p for p in d.problems() if p.places[0].startswith("表8")]
    assert ps == [], show(ps)  # adds up; the other tables and 第三部分 八 now disagree, as they should
    row[6 if subtotal else 5] = "4.50"  # 人员经费 of 2120801
    old = d.table(8)
    old.addprevious(_tbl(rows[:5] + [row, rows[6]]))
    d.body.remove(old)
    ps = d.problems()
    where = "表8 2120801 征地和拆迁补偿支出行“小计”列" if subtotal else "表8 2120801 征地和拆迁补偿支出行“合计”列"
    assert found(ps, where, message="不等于人员经费、公用经费"), show(ps)


# ----- across tables -------------------------------------------------------------------------------

def test_table5_basic_equals_table6_total(example_docx):
    d = Doc(example_docx)
    d.cell(6, "合", 1, "424.42", old="424.32")
    ps = d.problems()
    assert found(ps, "表5 合计行“基本支出”列", "表6 合计行“合计”列", message="基本支出（表5、表6）不一致"), show(ps)


def test_table1_class_equals_table3_class(example_docx):
    d = Doc(example_docx)
    d.cell(1, "3. 国有资本经营预算拨款", 3, "3,495.79", old="3,495.69")  # the 208 cell on that row
    ps = d.problems()
    assert found(ps, "表1 208 社会保障和就业支出行", "表3 208 社会保障和就业支出行“合计”列"), show(ps)


# ----- the narrative says what the tables say -----------------------------------------------------

def test_total_sentence_equals_table1(example_docx):
    d = Doc(example_docx)
    d.sentence("按照全口径预算的原则", "3,547.87", "3,547.97")
    ps = d.problems()
    assert found(ps, "第三部分 一第1段", "表1 “收入总计”行", message="收支总预算不一致"), show(ps)


def test_income_sentence_equals_table1(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心收入预算", "一般公共预算440.12万元", "一般公共预算440.22万元")
    ps = d.problems()
    assert found(ps, "第三部分 二第1段", "表1 “一般财力”行", message="一般公共预算收入不一致"), show(ps)


def test_unarranged_source_must_be_zero(example_docx):
    d = Doc(example_docx)
    d.cell(1, "其中：政府性基金收入", 1, "5.00")
    ps = d.problems()
    assert found(ps, "第三部分 二第3段", "表1 “政府性基金收入”行", message="政府性基金预算未安排"), show(ps)


def test_spending_sentence_equals_table3(example_docx):
    d = Doc(example_docx)
    d.sentence("基本支出424.32万元，占11.96%", "424.32", "424.42")
    ps = d.problems()
    assert found(ps, "第三部分 三第2段", "表3 合计行“基本支出”列"), show(ps)


def test_fiscal_sentence_by_class_equals_table4(example_docx):
    d = Doc(example_docx)
    d.sentence("一般公共预算支出包括", "社会保障和就业支出3,495.19万元", "社会保障和就业支出3,495.29万元")
    ps = d.problems()
    assert found(ps, "第三部分 四第4段", "表4 208 社会保障和就业支出行“一般公共预算”列"), show(ps)


def test_gpb_class_and_item_sentences_equal_table5(example_docx):
    d = Doc(example_docx)
    d.sentence("2、卫生健康支出（类）", "18.79", "18.89")
    d.sentence("2．社会保障和就业支出（类）", "333.30", "333.40")
    ps = d.problems()
    assert found(ps, "第三部分 五（二）第2段", "表5 210 卫生健康支出行“合计”列"), show(ps)
    assert found(ps, "第三部分 五（三）第2段", "表5 2080109 社会保险经办机构行“合计”列"), show(ps)


def test_basic_spending_lists_are_the_table6_kuan_with_money(example_docx):
    d = Doc(example_docx)
    d.sentence("人员经费411.02万元", "奖金、", "")
    d.sentence("公用经费13.30万元", "办公费、", "办公费、基本工资、")
    ps = d.problems()
    assert found(ps, "第三部分 六第2段", "表6 “人员经费”列", message="缺少奖金"), show(ps)
    assert found(ps, "第三部分 六第3段", "表6 “公用经费”列", message="基本工资不应列出"), show(ps)


def test_project_scale_is_the_sum_of_its_table7_rows(example_docx):
    d = Doc(example_docx)
    d.sentence("预算安排规模：5.25万元", "5.25", "5.35")
    ps = d.problems()
    assert any(p.places[0].startswith("第三部分 七第")
               and p.places[1] == "表7 项目“2024年自治区社会保险经办机构代办员补助项目”各行" for p in ps), show(ps)


def test_project_scale_is_its_performance_table_total(example_docx):
    d = Doc(example_docx)
    d.cell(7, "208 | 01 | 09 | 社会保险经办机构 | 2024年城乡居民养老保险网络费（县级）", 5, "10.90", old="10.80")
    d.sentence("预算安排规模：10.80万元", "10.80", "10.90")
    ps = d.problems()
    assert any(p.places[1:] == ("项目支出绩效目标表“2024年城乡居民养老保险网络费（县级）” 年度预算总额",)
               for p in ps), show(ps)


def test_co_funded_project_states_its_general_budget_part(example_docx):
    """"预算安排规模：X万元，其中一般公共预算拨款Y万元": Y is the 表7 sum, X may be more."""
    d = Doc(example_docx)
    d.sentence("预算安排规模：5.25万元", "5.25万元", "6.25万元，其中一般公共预算拨款5.25万元")
    assert d.problems() == []
    d.sentence("预算安排规模：6.25万元", "其中一般公共预算拨款5.25万元", "其中一般公共预算拨款5.35万元")
    ps = d.problems()
    assert any(p.places[1:] == ("表7 项目“2024年自治区社会保险经办机构代办员补助项目”各行",) for p in ps), show(ps)


def test_sangong_sentence_equals_table10_and_changes_add_up(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心2024年财政拨款“三公”经费数为", "公务用车运行费3.60", "公务用车运行费3.70")
    ps = d.problems()
    assert found(ps, "第三部分 十第1段", "表10 “公务用车运行费”行“合计”列"), show(ps)
    d = Doc(example_docx)  # total change 2.18 (153.52% of 1.42, consistent) but the items add to 2.17
    d.sentence("2024年财政拨款“三公”经费比上年预算", "增加2.17万元，增长151.75%", "增加2.18万元，增长153.52%")
    ps = d.problems()
    assert found(ps, "第三部分 十第2段", message="增减额不等于各项增减额之和"), show(ps)


def test_overall_performance_funds_add_to_the_sentence(example_docx):
    d = Doc(example_docx)
    d.sentence("2024年，本单位预算绩效管理", "涉及金额3,547.87万元", "涉及金额3,547.97万元")
    ps = d.problems()
    assert found(ps, "第三部分 十二（四）第1段", message="不等于单位整体绩效目标表各资金来源之和"), show(ps)


def test_project_performance_total_is_fiscal_plus_other(example_docx):
    d = Doc(example_docx)
    for tbl in d.body.iter(W + "tbl"):
        if "2024年城乡居民养老保险网络费（县级）" in _text(tbl) and "年度预算总额" in _text(tbl):
            row = next(tr for tr in tbl.iter(W + "tr") if _text(tr).startswith("项目资金"))
            _set(row.findall(W + "tc")[4], "10.70")
    ps = d.problems()
    assert found(ps, "项目支出绩效目标表“2024年城乡居民养老保险网络费（县级）” 年度预算总额",
                 message="不等于财政拨款与其他资金之和"), show(ps)


def test_staff_total_is_active_retired_veteran(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心编制数", "实有人数32人", "实有人数33人")
    ps = d.problems()
    assert found(ps, "第一部分 二 人员情况", message="实有人数 33 人不等于在职、退休、离休人数之和 32 人"), show(ps)


# ----- shares and changes recompute ------------------------------------------------------------------

def test_share_recomputes(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心收入预算", "占12.41%", "占12.42%")
    ps = d.problems()
    assert found(ps, "第三部分 二第1段", message="440.12 ÷ 3,547.87 = 12.41%，印出的是 12.42%"), show(ps)


def test_change_rate_recomputes(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心收入预算", "下降49.77%", "下降49.78%")
    ps = d.problems()
    assert found(ps, "第三部分 二第1段", message="上年为 876.27 万元，下降率应为 49.77%"), show(ps)


def test_direction_words_pair_up(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心收入预算", "下降49.77%", "增长49.77%")
    ps = d.problems()
    assert found(ps, "第三部分 二第1段", message="方向词不一致"), show(ps)


def test_zero_change_only_in_the_both_unarranged_form(example_docx):
    d = Doc(example_docx)
    d.sentence("2024年财政拨款“三公”经费比上年预算", "主要原因是2023年与2024年均未安排因公出国（境）费", "主要原因是出国计划调整")
    ps = d.problems()
    assert found(ps, "第三部分 十第2段", message="“增加0.00万元，增长0.00%”：增减额为 0.00"), show(ps)


def test_unarranged_sangong_item_must_be_zero(example_docx):
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心2024年财政拨款“三公”经费数为", "公务接待费0.00万元", "公务接待费1.00万元")
    ps = d.problems()
    assert found(ps, "第三部分 十第2段", message="说“均未安排公务接待费”，但本年公务接待费为 1.00 万元"), show(ps)


# ----- empty tables -----------------------------------------------------------------------------------

def test_empty_table_has_its_note_and_only_empty_tables_do(example_docx):
    d = Doc(example_docx)
    d.remove_paragraph("备注：阿克陶县社会保险中心2024年没有使用政府性基金预算")
    ps = d.problems()
    assert found(ps, "表8 备注", message="表8没有金额"), show(ps)
    d = Doc(example_docx)
    d.cell(9, "合", 1, "5.00")
    d.cell(9, "合", 3, "5.00")
    ps = d.problems()
    assert found(ps, "表9 备注", message="表9有金额，但备注说它是空表"), show(ps)
    assert found(ps, "第三部分 九", "表9", message="为空表，但表9有金额"), show(ps)


# ----- tolerance, robustness, documents from elsewhere -----------------------------------------------

def test_residual_allows_rounding_per_addend_only_when_asked(example_docx):
    d = Doc(example_docx)
    d.cell(3, "208 | 01 | 09", 4, "333.81", old="333.80")
    assert found(d.problems(), "表3 2080109 社会保险经办机构行“合计”列")
    assert not found(d.problems(residual=Decimal("0.01")), "表3 2080109 社会保险经办机构行“合计”列")


def test_hand_made_number_forms_parse(example_docx):
    """No thousands separators, full-width digits and spaces inside numbers: still one value each."""
    d = Doc(example_docx)
    for t in d.body.iter(W + "t"):
        if t.text:
            t.text = t.text.replace("3,547.87", "3547.87").replace("3,123.55", "３１２３．５５") \
                .replace("1,616.00", "1 616.00")
    assert d.problems() == []


def test_missing_tables_and_sections_are_skipped(example_docx):
    d = Doc(example_docx)
    for no in (2, 6):
        d.body.remove(d.table(no))
    d.remove_paragraph("第三部分")
    d.remove_paragraph("第三部分")
    assert d.problems() == []


def test_not_a_docx_is_unreadable(tmp_path):
    with pytest.raises(UnreadableDocument, match="不是可读取的 Word 文档"):
        verify_docx(b"PK\x03\x04 not really a zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableDocument):
        verify_docx(buf.getvalue())


# ----- the command -------------------------------------------------------------------------------------

def test_cli_verify_exit_codes(example_docx, tmp_path):
    good = tmp_path / "好.docx"
    good.write_bytes(example_docx)
    d = Doc(example_docx)
    d.sentence("阿克陶县社会保险中心收入预算", "占12.41%", "占12.42%")
    bad = tmp_path / "改过.docx"
    bad.write_bytes(d.bytes())
    broken = tmp_path / "坏.docx"
    broken.write_bytes(b"not a zip")
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(good)])
    assert ok.exit_code == 0 and "未发现" in ok.output
    one = runner.invoke(main, ["verify", str(good), str(bad)])
    assert one.exit_code == 1 and "第三部分 二第1段" in one.output and "12.42" in one.output
    two = runner.invoke(main, ["verify", str(broken), str(good)])
    assert two.exit_code == 2 and "坏.docx" in two.output and "Traceback" not in two.output


# ----- units unlike the example ---------------------------------------------------------------------------

_BUILT: dict[int, tuple[bytes, Decimal]] = {}


def random_docx(seed: int, tmp_path) -> tuple[bytes, Decimal]:
    """A random valid unit (tests/units.py) built to a document, once per seed per session, with the
    residual build passes (YUAN_RESIDUAL per addend for a workbook in 元, else 0)."""
    if seed not in _BUILT:
        sys.path.insert(0, str(Path(__file__).parent))
        from units import random_unit
        from gen.workbook_write import write_workbook
        budget, findings = read_budget(write_workbook(tmp_path / f"u{seed}.xlsx", random_unit(seed)))
        assert not findings.errors
        residual = YUAN_RESIDUAL if budget.unit.in_yuan else Decimal(0)
        _BUILT[seed] = Renderer().render(compute(budget)), residual
    return _BUILT[seed]


@pytest.mark.parametrize("seed", [5, 10, 13])  # 13: amounts typed in 元, totals rounded from exact sums
def test_random_units_verify_clean(seed, tmp_path):
    data, residual = random_docx(seed, tmp_path)
    problems = verify_docx(data, residual=residual)
    assert problems == [], show(problems)


def test_fund_sentences_equal_tables_8_9_11(tmp_path):
    """Seed 10 has 政府性基金, 国有资本经营预算 and 上年结转 money (表8, 表9, 表11 not empty)."""
    d = Doc(random_docx(10, tmp_path)[0])
    for key, no in (("政府性基金预算拨款安排的支出", 8), ("上年结转结余安排的支出", 11)):
        p = next(p for p in d.body.iter(W + "p") if key in _text(p))
        t = next(t for t in p.iter(W + "t") if key in (t.text or ""))
        m = re.search(r"其中：(基本支出|财政拨款结转)([\d,]+\.\d\d)万元", t.text)
        bumped = f"{Decimal(m.group(2).replace(',', '')) + Decimal('0.01'):,.2f}"
        t.text = t.text.replace(m.group(0), f"其中：{m.group(1)}{bumped}万元")
    ps = d.problems()
    assert found(ps, "第三部分 八第1段", "表8 合计行“小计”列", message="不一致"), show(ps)
    assert found(ps, "第三部分 十一第1段", "表11 合计行“财政拨款/合计”列", message="不一致"), show(ps)


# --- names are data: a 项 name may repeat, or look like a number ---------------------------------


@pytest.mark.parametrize("cells", [
    {"B4": "社会保险经办机构"},  # 2080101 (0.00 this year, 10.00 last) named like 2080109 (333.30)
    {"B5": 0},                   # 2080109's name is the number 0
], ids=["same-name", "numeric-name"])
def test_a_correct_document_with_odd_names_verifies_clean(tmp_path, cells):
    from xlsx_edit import set_cells
    path = set_cells(next((Path(__file__).parent.parent / "inputs").glob("*.xlsx")), tmp_path / "u.xlsx",
                     "收入明细", cells)
    budget, _ = read_budget(path)
    assert verify_docx(Renderer().render(compute(budget))) == []


def test_same_named_items_still_have_to_match_their_rows(tmp_path):
    from xlsx_edit import set_cells
    path = set_cells(next((Path(__file__).parent.parent / "inputs").glob("*.xlsx")), tmp_path / "u.xlsx",
                     "收入明细", {"B4": "社会保险经办机构"})
    budget, _ = read_budget(path)
    doc = Doc(Renderer().render(compute(budget)))
    doc.sentence("2．社会保障和就业支出（类）", "333.30", "333.31")
    [problem] = doc.problems()
    assert "同名的社会保险经办机构（项）" in problem.message and "333.31" in problem.message


def test_running_cost_of_an_administrative_unit_is_the_public_funds_of_table6(example_docx):
    doc = Doc(example_docx)
    doc.sentence("阿克陶县社会保险中心2024年的机关运行经费", "13.30", "13.31")
    assert found(doc.problems(), "第三部分 十二（一）第1段", "表6 合计行“公用经费”列", message="机关运行经费")
    assert verify_docx(example_docx) == []

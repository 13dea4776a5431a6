"""Issue 2: every wording case of templates/wording.j2, rendered from computed figures."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from gen.compute import Change, Share
from gen.render import environment


@pytest.fixture(scope="module")
def w():
    return environment().get_template("wording.j2").module


@pytest.mark.parametrize("current,previous,text", [
    ("440.12", "876.27", "比上年预算减少436.15万元，下降49.77%"),
    ("3107.25", "3032.00", "比上年预算增加75.25万元，增长2.48%"),
    ("0.50", "0", "比上年预算增加0.50万元，增长100.00%"),           # last year zero (the reference's convention)
    ("0", "10.00", "比上年预算减少10.00万元，下降100.00%"),          # this year zero
    ("0", "0", "与上年预算持平"),                                  # both zero: never "增加0.00万元"
    ("12.00", "12.00", "与上年预算持平"),                           # unchanged
    ("3.60", "1.43", "比上年预算增加2.17万元，增长151.75%"),
    ("1234567.89", "1.00", "比上年预算增加1,234,566.89万元，增长123456689.00%"),
])
def test_change_wording(w, current, previous, text):
    assert str(w.change(Change(D(current), D(previous)))) == text


def test_reason_is_appended_without_doubling_the_full_stop(w):
    c = Change(D("41.99"), D("46.32"), "在职人员减少6人，养老保险缴费预算减少。")
    assert str(w.scale("基本支出", c)) == ("基本支出41.99万元，比上年预算减少4.33万元，下降9.35%。"
                                          "主要原因是：在职人员减少6人，养老保险缴费预算减少。")


def test_income_source_share_and_not_arranged(w):
    share = Share("一般公共预算", D("440.12"), D("12.41"), Change(D("440.12"), D("876.27"), "在职人员减少"))
    assert str(w.income_source(share)) == ("一般公共预算440.12万元，占12.41%，比上年预算减少436.15万元，下降49.77%，"
                                           "主要原因是在职人员减少。")
    assert str(w.income_source(Share("政府性基金预算", D(0), D(0), Change(D(0), D(0))))) == "政府性基金预算未安排。"


def test_sangong_item_both_zero_names_both_years(w):
    item = {"label": "公务接待费", "change": Change(D(0), D(0))}
    assert str(w.sangong_item(item, 2024, 2023)) == "公务接待费增加0.00万元，增长0.00%，主要原因是2023年与2024年均未安排公务接待费"


def test_staff_wording(w):
    assert str(w.staff("在职", Change(D(17), D(23)))) == "在职17人，减少6人"
    assert str(w.staff("退休", Change(D(15), D(13)))) == "退休15人，增加2人"
    assert str(w.staff("离休", Change(D(0), D(0)))) == "离休0人，增加0人"  # the reference's form
    assert str(w.staff("在职", Change(D(17), D(17)))) == "在职17人，与上年持平"


def test_workbook_text_is_data_not_markup(w):
    c = Change(D(1), D(2), "{{ 7*7 }} <b>&</b>")
    assert str(w.reason(c)) == "，主要原因是{{ 7*7 }} &lt;b&gt;&amp;&lt;/b&gt;"


def test_fiscal_wording_one_kind_and_several(w):
    families = [{"label": "一般公共预算", "amount": D("3547.37")}, {"label": "政府性基金预算", "amount": D(0)},
                {"label": "国有资本经营预算", "amount": D(0)}]
    assert str(w.fiscal_only(families)) == "收入全部为一般公共预算拨款，无政府性基金预算拨款和国有资本经营预算拨款。"
    families[1]["amount"] = D("5")
    assert str(w.fiscal_income(families)) == "收入预算包括：一般公共预算拨款3,547.37万元，政府性基金预算拨款5.00万元。"


def test_a_source_that_fell_to_zero_keeps_its_sentence_and_reason(w):
    share = Share("上级一般公共预算安排的转移支付资金", D(0), D("0.00"), Change(D(0), D("42.50"), "项目到期"))
    assert str(w.income_source(share)) == ("上级一般公共预算安排的转移支付资金0.00万元，占0.00%，比上年预算减少42.50万元，"
                                           "下降100.00%，主要原因是项目到期。")


def test_zero_in_both_years_is_not_arranged_never_an_increase(w):
    both_zero = Change(D(0), D(0))
    assert str(w.spending(Share("项目支出", D(0), D("0.00"), both_zero))) == "项目支出未安排。"
    assert str(w.scale("项目支出", both_zero)) == "项目支出未安排。"
    assert str(w.change(both_zero)) == "与上年预算持平"
    assert "增加0.00" not in str(w.delta(both_zero))


def test_new_and_unchanged_scale(w):
    assert str(w.scale("项目支出", Change(D("8"), D(0)))) == "项目支出8.00万元，比上年预算增加8.00万元，增长100.00%。"
    assert str(w.scale("基本支出", Change(D("8"), D("8")))) == "基本支出8.00万元，与上年预算持平。"


def test_sangong_item_that_changed_keeps_its_reason(w):
    item = {"label": "公务用车运行费", "change": Change(D("3.60"), D("1.43"), "标准提高")}
    assert str(w.sangong_item(item, 2024, 2023)) == "公务用车运行费增加2.17万元，增长151.75%，主要原因是标准提高"


def test_nothing_to_explain_when_nothing_changed(w):
    assert str(w.scale("基本支出", Change(D("8"), D("8"), "人员稳定"))) == "基本支出8.00万元，与上年预算持平。"

"""Figures: Change, shares that sum to 100.00, half-up rounding."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from gen.compute import Change, percent, shares


def test_change_cases():
    assert Change(D(5), D(3)).case == "increase"
    assert Change(D(3), D(5)).case == "decrease"
    assert Change(D(3), D(3)).case == "unchanged"
    assert Change(D(5), D(0)).case == "new" and Change(D(5), D(0)).pct is None
    assert Change(D(0), D(5)).case == "dropped" and Change(D(0), D(5)).pct == D("100.00")
    assert Change(D(0), D(0)).case == "both_zero"


def test_percent_rounds_half_up():
    assert percent(D("0.50"), D("3547.87")) == D("0.01")   # 0.0141 %
    assert percent(D("1"), D("8")) == D("12.50")
    assert percent(D("1"), D("800")) == D("0.13")          # 0.125 -> 0.13, not banker's 0.12
    assert percent(D("5"), D("0")) == D("0.00")


def test_reference_share_lists():
    income = shares([("a", D("440.12"), None), ("b", D("3107.25"), None), ("c", D("0.50"), None)], D("3547.87"))
    assert [s.pct for s in income] == [D("12.41"), D("87.58"), D("0.01")]
    spend = shares([("a", D("424.32"), None), ("b", D("3123.55"), None)], D("3547.87"))
    assert [s.pct for s in spend] == [D("11.96"), D("88.04")]


def test_each_share_is_its_own_ratio():
    # three equal thirds: each printed share is 33.33 (recomputable), the list adds to 99.99 (revised §7)
    result = shares([("a", D(1), None), ("b", D(1), None), ("c", D(1), None)], D(3))
    assert [s.pct for s in result] == [D("33.33")] * 3
    # 2/3 rounds up on its own: 66.67 + 16.67 + 16.67 = 100.01, nothing moved onto the largest item
    result = shares([("a", D(4), None), ("b", D(1), None), ("c", D(1), None)], D(6))
    assert [s.pct for s in result] == [D("66.67"), D("16.67"), D("16.67")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2), min_size=1, max_size=12))
def test_every_printed_share_recomputes_from_printed_amounts(values):
    total = sum(values)
    for s in shares([(str(i), v, None) for i, v in enumerate(values)], total):
        assert s.pct == (s.amount * 100 / total).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def test_amounts_more_precise_than_a_cent_are_printed_and_compared_rounded():
    # a workbook in 元: 440.124 万元 prints 440.12 and the change is computed from what is printed
    c = Change(D("440.1249"), D("876.2651"))
    assert (c.current, c.previous, c.amount, c.pct) == (D("440.12"), D("876.27"), D("436.15"), D("49.77"))
    s = shares([("a", D("0.005"), None)], D("3547.8749"))[0]
    assert (s.amount, s.pct) == (D("0.01"), D("0.00"))

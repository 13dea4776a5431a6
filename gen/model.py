"""The domain model: what one unit's workbook says, in the words of the budget standard.

Everything here is what the clerk typed (parsed and typed, nothing derived); ``compute`` derives the
tables and sentences from it.  Every figure keeps the workbook cell it came from (``Cells``), so a
check can name ``收入明细!C5`` and its fix.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .schema import EconClass, Fund

ZERO = Decimal("0")
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """万元 rounded half-up to 0.01, the only rounding amounts ever get."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class FunctionCode(str):
    """支出功能分类 code: 类 (3 digits), 款 (5) or 项 (7), e.g. ``FunctionCode("2080109")``."""

    LEVELS = {3: "类", 5: "款", 7: "项"}

    @property
    def level(self) -> str:
        return self.LEVELS.get(len(self), "?")

    @property
    def lei(self) -> "FunctionCode":
        return FunctionCode(self[:3])

    @property
    def kuan(self) -> "FunctionCode":
        return FunctionCode(self[:5])

    def parts(self) -> tuple[str, str, str]:
        """The 类/款/项 columns of 表2, 3, 5, 7: ``("208", "01", "09")``."""
        return self[:3], self[3:5], self[5:7]


class EconomicCode(str):
    """部门预算支出经济分类 code: 类 (3 digits) or 款 (5), e.g. ``EconomicCode("30101")``."""

    @property
    def lei(self) -> "EconomicCode":
        return EconomicCode(self[:3])

    def parts(self) -> tuple[str, str]:
        return self[:3], self[3:5]


class Cells(dict):
    """Field key -> A1 reference with sheet (``"收入明细!C5"``) for one record."""

    def __call__(self, *keys: str) -> list[str]:
        return [self[k] for k in keys if k in self]


@dataclass
class Compared:
    """A figure compared with last year: 本年, 上年 and the clerk's 主要原因."""

    current: Decimal = ZERO
    prior: Decimal = ZERO
    reason: str = ""


@dataclass
class Unit:
    name: str = ""
    year: int = 0
    date: dt.date | None = None
    kind: str = ""
    amount_unit: str = "万元"  # how the workbook's amounts were typed; the model holds 万元 either way
    subordinates: str = ""
    departments: list[str] = field(default_factory=list)
    establishment: int = 0
    staff_total: tuple[int, int] = (0, 0)
    staff_active: tuple[int, int] = (0, 0)
    staff_retired: tuple[int, int] = (0, 0)
    staff_veteran: tuple[int, int] = (0, 0)
    contact: str = ""
    phone: str = ""
    overall_goal: str = ""
    functions: list[str] = field(default_factory=list)

    @property
    def in_yuan(self) -> bool:
        """Amounts typed in 元 are exact to the 分: the model's 万元 then carry up to six decimals."""
        return self.amount_unit == "元"

    @property
    def is_administrative(self) -> bool:
        """行政单位 and 参公事业单位 report 机关运行经费 (I25)."""
        return self.kind in ("行政单位", "参公事业单位")


@dataclass
class IncomeLine:
    """One row of 收入明细: a function code and its money by fund (表2's row)."""

    code: FunctionCode
    name: str
    amounts: dict[Fund, Decimal]
    prior_gpb: Decimal
    reason: str
    cells: Cells

    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass
class Project:
    name: str
    code: FunctionCode
    fund: Fund | None
    econ: dict[EconClass, Decimal]
    text: dict[str, str]
    cells: Cells

    def total(self) -> Decimal:
        return sum(self.econ.values(), ZERO)


@dataclass
class BasicItem:
    """A 款 of 一般公共预算基本支出 (表6)."""

    code: EconomicCode
    name: str
    personnel: Decimal
    public: Decimal
    cells: Cells

    def total(self) -> Decimal:
        return self.personnel + self.public


@dataclass
class FundBasicItem:
    """基本支出 of one 项 from 政府性基金预算 or 国有资本经营预算 (表8/表9's 人员经费 and 公用经费):
    the workbook's 收入明细 gives only income − projects for these budgets, not its split."""

    code: FunctionCode
    family: str  # schema.FUND_BASIC_FAMILIES
    personnel: Decimal
    public: Decimal
    cells: Cells

    def total(self) -> Decimal:
        return self.personnel + self.public


@dataclass
class SanGongItem:
    key: str
    label: str
    gpb: Decimal
    gf: Decimal
    soe: Decimal
    prior: Decimal
    reason: str
    cells: Cells

    def total(self) -> Decimal:
        return self.gpb + self.gf + self.soe


@dataclass
class CarryoverItem:
    name: str
    amounts: dict[str, Decimal]
    cells: Cells


@dataclass
class Indicator:
    values: dict[str, str]
    cells: Cells


@dataclass
class Budget:
    """One unit's workbook, parsed."""

    source: str
    unit: Unit
    totals: dict[str, Compared]
    totals_cells: dict[str, Cells]
    income: list[IncomeLine]
    uses: dict[tuple[str, str], str]  # (功能类, 资金性质 or "") -> 主要用途; see compute.use_text
    projects: list[Project]
    basic: list[BasicItem]
    sangong: list[SanGongItem]
    carryover: list[CarryoverItem]
    other: dict[str, Decimal | int]
    other_cells: Cells
    overall_perf: list[Indicator]
    project_perf: list[Indicator]
    unit_cells: Cells
    names: dict[str, str] = field(default_factory=dict)  # 类/款 names declared in 收入明细
    name_cells: dict[str, Cells] = field(default_factory=dict)  # where each declared name sits
    uses_cells: dict[tuple[str, str], Cells] = field(default_factory=dict)  # same keys -> its 支出用途 row
    function_cells: list[Cells] = field(default_factory=list)  # parallel to unit.functions
    fund_basic: list[FundBasicItem] = field(default_factory=list)  # 基金基本支出 (optional sheet)

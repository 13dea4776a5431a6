"""Model -> every figure of the disclosure: 表1…表11 and the numbers behind each sentence.

Figures live here, words live in ``templates/wording.j2``.  The function ``compute`` walks the
document in its own order (Part 2 tables, then Part 3 sections 一…十二); each section has its own
function below.

Rounding, the one rule: amounts may arrive more precise than a cent of 万元 (a workbook kept in 元).
Every printed amount is rounded half-up to 0.01 万元 from its *exact* sum — a 合计 from the exact
items, not from their rounded values — so every total agrees with the 批复.  Every sentence figure
that is derived (a share, a change, a percentage) is computed from the *printed* amounts, so that a
reader who recomputes "占12.41%" or "减少436.15万元" from the document gets the same figure.  A table
figure and a sentence figure that mean the same thing are the same object.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .catalog import Catalog, bundled, function_classes
from .model import ZERO, Budget, FunctionCode, Project, money
from .schema import EconClass, Fund

HUNDRED = Decimal(100)
FAMILY_GPB, FAMILY_GF, FAMILY_SOE = "一般公共预算", "政府性基金预算", "国有资本经营预算"


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part/whole in %, half-up to 0.01; 0 when whole is 0 (never a division by zero)."""
    if not whole:
        return ZERO.quantize(Decimal("0.01"))
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """A figure against last year's budget, e.g. ``Change(440.12, 876.27)``.

    Both years are held as printed (rounded to 0.01), so the difference and the percentage are those
    a reader recomputes.  ``case`` names the wording: increase, decrease, unchanged, new (last year
    zero), dropped (this year zero) and both_zero — no money in either year, exactly: an amount under
    50 元 prints 0.00 but is "持平" at the printed precision, never "未安排".  ``pct`` is None where the
    percentage is undefined (last year zero) — the template decides what to print there.
    """

    current: Decimal
    previous: Decimal
    reason: str = ""
    nil: bool = field(init=False, default=False)  # no money at all in either year, before rounding

    def __post_init__(self):
        object.__setattr__(self, "nil", not Decimal(self.current) and not Decimal(self.previous))
        object.__setattr__(self, "current", money(Decimal(self.current)))
        object.__setattr__(self, "previous", money(Decimal(self.previous)))

    @property
    def delta(self) -> Decimal:
        return self.current - self.previous

    @property
    def amount(self) -> Decimal:
        return abs(self.delta)

    @property
    def pct(self) -> Decimal | None:
        return percent(self.amount, self.previous) if self.previous else None

    @property
    def case(self) -> str:
        if not self.current and not self.previous:  # "未安排" only for no money at all: 30 元 prints 0.00
            return "both_zero" if self.nil else "unchanged"
        if not self.previous:
            return "new"
        if not self.current:
            return "dropped"
        if self.delta > 0:
            return "increase"
        if self.delta < 0:
            return "decrease"
        return "unchanged"


@dataclass(frozen=True)
class Share:
    """One item of a "X万元，占 P%" list: ``pct`` is this item's own ratio to the whole, half-up."""

    label: str
    amount: Decimal
    pct: Decimal
    change: Change | None = None


def shares(items: list[tuple[str, Decimal, Change | None]], total: Decimal) -> list[Share]:
    """Each item's own share of ``total``, both as printed (domain-standard §7, revised): anyone who
    recomputes a printed share gets the printed figure, so a list may add to 99.99 or 100.01."""
    total = money(total)
    return [Share(label, money(amount), percent(money(amount), total), change) for label, amount, change in items]


# ---------------------------------------------------------------------------------------------
# Table rows


@dataclass
class Row:
    """A table row: ``kind`` is lei/kuan/xiang/project/item/sub/total; ``v`` the amount columns."""

    kind: str
    code: tuple[str, ...]
    name: str
    v: list[Decimal]
    extra: str = ""  # 表7: the project name


@dataclass
class Table:
    rows: list[Row]
    total: list[Decimal]

    @property
    def empty(self) -> bool:
        return not any(self.total)

    def rounded(self) -> "Table":
        """Every cell and total rounded half-up from its exact value (totals from exact sums)."""
        for row in self.rows:
            row.v = [None if x is None else money(x) for x in row.v]
        self.total = [None if x is None else money(x) for x in self.total]
        return self


def _add(a: list[Decimal | None], b: list[Decimal | None]) -> list[Decimal | None]:
    """Column sums; an unknown figure (None: 表8/9's unsplit 基本支出) makes its sum unknown."""
    return [None if x is None or y is None else x + y for x, y in zip(a, b)]


class Names:
    """类/款/项 names: the clerk's 项 names, declared names, then the catalog."""

    def __init__(self, budget: Budget, catalog: Catalog):
        self.declared = dict(catalog.function)
        self.declared.update(budget.names)
        self.xiang = {line.code: line.name for line in budget.income}

    def __call__(self, code: str) -> str:
        if len(code) == 7 and code in self.xiang:
            return self.xiang[code]
        return self.declared.get(code, "")


def function_table(values: dict[str, list[Decimal]], width: int, names: Names,
                   projects: dict[str, list[tuple[str, list[Decimal]]]] | None = None) -> Table:
    """类/款/项 rows with subtotals (I7), in code order, rounded; all-zero 项 are left out.

    With ``projects`` (表7) each 项 is listed once per project instead of once.
    """
    values = {c: v for c, v in values.items() if any(v)}
    rows: list[Row] = []
    total = [ZERO] * width
    for lei in sorted({c[:3] for c in values}):
        lei_row = Row("lei", (lei, "", ""), names(lei), [ZERO] * width)
        rows.append(lei_row)
        for kuan in sorted({c[:5] for c in values if c.startswith(lei)}):
            kuan_row = Row("kuan", (lei, kuan[3:], ""), names(kuan), [ZERO] * width)
            rows.append(kuan_row)
            for xiang in sorted(c for c in values if c.startswith(kuan)):
                v = values[xiang]
                kuan_row.v = _add(kuan_row.v, v)
                if projects is None:
                    rows.append(Row("xiang", FunctionCode(xiang).parts(), names(xiang), v))
                else:
                    for name, pv in projects[xiang]:
                        rows.append(Row("project", FunctionCode(xiang).parts(), names(xiang), pv, name))
            lei_row.v = _add(lei_row.v, kuan_row.v)
        total = _add(total, lei_row.v)
    return Table(rows, total).rounded()


# ---------------------------------------------------------------------------------------------
# Money by 项 and fund


INCOME_SOURCES = (  # 第三部分 二: label in the narrative, totals key, funds
    ("一般公共预算", "gpb", (Fund.GPB,)),
    ("上级一般公共预算安排的转移支付资金", "gpb_transfer", (Fund.GPB_TRANSFER,)),
    ("政府性基金预算", "gf", (Fund.GF,)),
    ("上级政府性基金安排的转移支付资金", "gf_transfer", (Fund.GF_TRANSFER,)),
    ("国有资本经营预算", "soe", (Fund.SOE,)),
    ("上级国有资本经营预算安排的转移支付资金", "soe_transfer", (Fund.SOE_TRANSFER,)),
    ("财政专户核拨", "special", (Fund.SPECIAL,)),
    ("单位资金", "unit_funds", (Fund.UNIT,)),
    ("上年结转结余", "carryover",
     (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE, Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT)),
)
ALWAYS_LISTED = {"gpb", "gpb_transfer", "gf", "gf_transfer", "soe", "soe_transfer", "unit_funds"}
TRANSFER_OF = {"gpb": "gpb_transfer", "gf": "gf_transfer", "soe": "soe_transfer"}  # 本级 source -> its 上级 one

T2_COLUMNS = (  # 表2 after 总计 and 财政拨款小计
    (Fund.GPB,), (Fund.GPB_TRANSFER,), (Fund.GF,), (Fund.GF_TRANSFER,), (Fund.SOE, Fund.SOE_TRANSFER),
    (Fund.SPECIAL,), (Fund.UNIT,), (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE),
    (Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT),
)
T2_FISCAL_COLUMNS = 5  # 表2's 财政拨款小计 = the first five columns (本级 and 上级 of the three budgets)
FAMILIES = (  # 表4 and 第三部分 四/八/九: the three kinds of 财政拨款
    (FAMILY_GPB, (Fund.GPB, Fund.GPB_TRANSFER)),
    (FAMILY_GF, (Fund.GF, Fund.GF_TRANSFER)),
    (FAMILY_SOE, (Fund.SOE, Fund.SOE_TRANSFER)),
)
GPB_FUNDS = FAMILIES[0][1]
CARRY_FUNDS = (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE, Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT)
INCOME_KINDS = (  # 第三部分 一: "收入预算包括：…"
    (FAMILY_GPB, GPB_FUNDS), (FAMILY_GF, FAMILIES[1][1]), (FAMILY_SOE, FAMILIES[2][1]),
    ("财政专户管理资金", (Fund.SPECIAL,)), ("单位资金", (Fund.UNIT,)), ("上年结转结余", CARRY_FUNDS),
)


def _sum_funds(amounts: dict[Fund, Decimal], funds) -> Decimal:
    return sum((amounts.get(f, ZERO) for f in funds), ZERO)


class Ledger:
    """The unit's money, exact: income by 项 and fund, and the part of it spent on projects."""

    def __init__(self, budget: Budget):
        self.income: dict[str, dict[Fund, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for line in budget.income:
            for fund, amount in line.amounts.items():
                self.income[line.code][fund] += amount
        self.projects: dict[str, dict[Fund, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for p in budget.projects:
            if p.fund is not None:
                self.projects[p.code][p.fund] += p.total()
        self.fund_basic: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for item in budget.fund_basic:
            self.fund_basic[(item.code, item.family)] = _add(self.fund_basic[(item.code, item.family)],
                                                             [item.personnel, item.public])
        self.by_fund: dict[Fund, Decimal] = defaultdict(lambda: ZERO)
        for amounts in self.income.values():
            for fund, amount in amounts.items():
                self.by_fund[fund] += amount

    def fund(self, *funds: Fund) -> Decimal:
        """Exact income of these funds over all 项."""
        return sum((self.by_fund[f] for f in funds), ZERO)

    def spending(self, funds) -> dict[str, list[Decimal]]:
        """Per 项: [总计, 基本支出, 项目支出] of these funds; 基本 = income − projects."""
        result = {}
        for code, amounts in self.income.items():
            total = _sum_funds(amounts, funds)
            project = _sum_funds(self.projects.get(code, {}), funds)
            result[code] = [total, total - project, project]
        return result

    def family_spending(self, family: str, funds) -> dict[str, list[Decimal]]:
        """表8/表9 per 项: [合计, 基本支出, 人员经费, 公用经费, 项目支出]; 人员/公用 from 基金基本支出
        (checks make them add up to 基本支出 = income − projects).  A 项 whose 基本支出 the workbook does
        not split (one made before the sheet existed; checks give a 提示) has None there: printed blank,
        never guessed, and so are the subtotals above it."""
        spending = self.spending(funds)
        result = {}
        for code in spending.keys() | {c for c, f in self.fund_basic if f == family}:
            total, basic, project = spending.get(code, [ZERO] * 3)
            split = self.fund_basic.get((code, family), [None, None] if basic else [ZERO, ZERO])
            result[code] = [total, basic, *split, project]
        return result


# ---------------------------------------------------------------------------------------------
# Projects: one project, one name, possibly several rows (co-funded, or charged to several 项)


@dataclass
class ProjectMoney:
    """A project's money over all its rows: the first row's texts, its totals by kind of money."""

    name: str
    rows: list[Project]

    def amount(self, keep=lambda fund: True) -> Decimal:
        return sum((p.total() for p in self.rows if p.fund is not None and keep(p.fund)), ZERO)

    @property
    def total(self) -> Decimal:
        return self.amount()

    @property
    def gpb(self) -> Decimal:
        return self.amount(lambda f: f in GPB_FUNDS)

    @property
    def fiscal(self) -> Decimal:
        """财政拨款: this year's appropriations and 财政拨款结转 alike."""
        return self.amount(lambda f: f.is_fiscal_money)

    @property
    def transfer(self) -> Decimal:
        return self.amount(lambda f: f.is_transfer)

    def text(self, key: str) -> str:
        return next((p.text.get(key) for p in self.rows if p.text.get(key)), "")


def group_projects(projects: list[Project]) -> dict[str, ProjectMoney]:
    """Projects by name, in the order they were first entered."""
    grouped: dict[str, ProjectMoney] = {}
    for p in projects:
        grouped.setdefault(p.name, ProjectMoney(p.name, [])).rows.append(p)
    return grouped


# ---------------------------------------------------------------------------------------------
# The disclosure


@dataclass
class Disclosure:
    """The whole render context for one unit (passed to the Word template as its variables)."""

    unit: object
    year: int
    prior_year: int
    tables: dict[str, object]
    n: dict[str, object] = field(default_factory=dict)


def compute(budget: Budget, catalog: Catalog | None = None) -> Disclosure:
    catalog = catalog or bundled()
    names = Names(budget, catalog)
    ledger = Ledger(budget)
    projects = group_projects(budget.projects)

    t2 = table2(ledger, names)
    t3 = function_table({c: v for c, v in ledger.spending(tuple(Fund)).items()}, 3, names)
    t5 = function_table(ledger.spending(GPB_FUNDS), 3, names)
    t8 = function_table(ledger.family_spending(*FAMILIES[1]), 5, names)
    t9 = function_table(ledger.family_spending(*FAMILIES[2]), 5, names)
    t6 = table6(budget, catalog)
    t7 = table7(budget, names)
    t10 = table10(budget)
    t11 = table11(budget)
    t1 = table1(budget, ledger, t3)
    t4 = table4(ledger)
    tables = {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6, "t7": t7, "t8": t8, "t9": t9,
              "t10": t10, "t11": t11}

    n: dict[str, object] = {}
    n.update(section_overview(ledger, t1, t3))
    n.update(section_income(budget, ledger, t1))
    n.update(section_spending(budget, t3))
    n.update(section_fiscal(budget, ledger, names, t4))
    n.update(section_gpb(budget, names, t5))
    n.update(section_basic(t6))
    n.update(section_projects(budget, projects, t7))
    n.update(section_sangong(budget, t10))
    n["carryover"] = {"total": t11.total[0], "fiscal": t11.total[1], "other": t11.total[5]}
    n.update(section_other(budget, ledger, projects, t1, t6))
    unit = budget.unit
    staff = {"active": unit.staff_active, "retired": unit.staff_retired, "veteran": unit.staff_veteran}
    n["staff"] = {k: Change(Decimal(cur), Decimal(prior)) for k, (cur, prior) in staff.items()}
    return Disclosure(unit=unit, year=unit.year, prior_year=unit.year - 1, tables=tables, n=n)


# ---------------------------------------------------------------------------------------------
# Part 2: the tables


def table1(budget: Budget, ledger: Ledger, t3: Table) -> dict:
    """表1 收支总表: income lines (left) against all 30 功能类 (right)."""
    f = ledger.fund
    unit_parts = [budget.totals[k].current for k in
                  ("unit_business", "unit_superior", "unit_affiliate", "unit_operating", "unit_other")]
    this_year = f(*[x for x in Fund if x not in CARRY_FUNDS])
    carry = f(*CARRY_FUNDS)
    left = [
        ("head", "一、本年收入", this_year),
        ("item", "1. 一般公共预算拨款", f(Fund.GPB, Fund.GPB_TRANSFER)),
        ("sub", "其中：一般财力", f(Fund.GPB)),
        ("sub", "上级一般公共预算安排转移支付", f(Fund.GPB_TRANSFER)),
        ("item", "2. 政府性基金预算拨款", f(Fund.GF, Fund.GF_TRANSFER)),
        ("sub", "其中：政府性基金收入", f(Fund.GF)),
        ("sub", "上级政府性基金安排转移支付", f(Fund.GF_TRANSFER)),
        ("item", "3. 国有资本经营预算拨款", f(Fund.SOE, Fund.SOE_TRANSFER)),
        ("sub", "其中：国有资本经营收入", f(Fund.SOE)),
        ("sub", "上级国有资本经营预算安排转移支付", f(Fund.SOE_TRANSFER)),
        ("item", "4. 财政专户核拨", f(Fund.SPECIAL)),
        ("item", "5. 单位资金", f(Fund.UNIT)),
        ("sub", "其中：事业收入", unit_parts[0]),
        ("sub", "上级补助收入", unit_parts[1]),
        ("sub", "附属单位上缴收入", unit_parts[2]),
        ("sub", "事业单位经营收入", unit_parts[3]),
        ("sub", "其他收入", unit_parts[4]),
        ("head", "二、上年结转结余", carry),
        ("item", "1. 财政拨款结转", f(Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE)),
        ("sub", "其中：一般公共预算拨款", f(Fund.CARRY_GPB)),
        ("sub", "政府性基金预算拨款", f(Fund.CARRY_GF)),
        ("sub", "国有资本经营预算拨款", f(Fund.CARRY_SOE)),
        ("item", "2. 非财政拨款结余", f(Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT)),
        ("sub", "其中：财政专户核拨", f(Fund.BALANCE_SPECIAL)),
        ("sub", "单位资金", f(Fund.BALANCE_UNIT)),
    ]
    t3_by_lei = {r.code[0]: r.v[0] for r in t3.rows if r.kind == "lei"}
    classes = function_classes()
    rows = []
    for i in range(max(len(left), len(classes))):
        lk, ll, lv = left[i] if i < len(left) else ("", "", ZERO)
        code, name = classes[i] if i < len(classes) else ("", "")
        rows.append({"kind": lk, "label": ll, "amount": money(lv),
                     "cls": f"{code} {name}" if code else "", "cls_amount": t3_by_lei.get(code, ZERO)})
    return {"rows": rows, "total": money(this_year + carry), "spend_total": t3.total[0]}


def table2(ledger: Ledger, names: Names) -> Table:
    """表2 收入总表: per 项, 总计, 财政拨款小计 and the fund columns."""
    values = {}
    for code, amounts in ledger.income.items():
        cols = [_sum_funds(amounts, funds) for funds in T2_COLUMNS]
        fiscal = sum(cols[:T2_FISCAL_COLUMNS], ZERO)
        values[code] = [fiscal + sum(cols[T2_FISCAL_COLUMNS:], ZERO), fiscal] + cols
    return function_table(values, 2 + len(T2_COLUMNS), names)


def table4(ledger: Ledger) -> dict:
    """表4 财政拨款收支总表: the three budgets (left) against the 功能类 (right)."""
    family_total = {label: ledger.fund(*funds) for label, funds in FAMILIES}
    by_lei = defaultdict(lambda: [ZERO] * 4)
    for code, amounts in ledger.income.items():
        v = [_sum_funds(amounts, funds) for _, funds in FAMILIES]
        by_lei[code[:3]] = _add(by_lei[code[:3]], [sum(v, ZERO)] + v)
    fiscal = sum(family_total.values(), ZERO)
    left = [("head", "一、财政拨款（补助）", fiscal)] + [("item", label, amount) for label, amount in family_total.items()]
    rows = []
    for i, (code, name) in enumerate(function_classes()):
        lk, ll, lv = left[i] if i < len(left) else ("", "", ZERO)
        rows.append({"kind": lk, "label": ll, "amount": money(lv), "cls": f"{code} {name}",
                     "v": [money(x) for x in by_lei.get(code, [ZERO] * 4)]})
    spend = [ZERO] * 4
    for v in by_lei.values():
        spend = _add(spend, v)
    return {"rows": rows, "total": money(fiscal), "spend": [money(x) for x in spend],
            "family": {label: money(amount) for label, amount in family_total.items()}}


def table6(budget: Budget, catalog: Catalog) -> Table:
    """表6 一般公共预算基本支出: economic 类 subtotal rows (every 类, 301 included) then its 款."""
    rows: list[Row] = []
    total = [ZERO] * 3
    for lei in sorted({item.code[:3] for item in budget.basic}):
        lei_v = [ZERO] * 3
        kuan_rows = []
        for item in sorted((i for i in budget.basic if i.code.startswith(lei)), key=lambda i: i.code):
            v = [item.total(), item.personnel, item.public]
            lei_v = _add(lei_v, v)
            kuan_rows.append(Row("kuan", item.code.parts(), item.name, v))
        name = catalog.economic.get(lei) or next((e.label for e in EconClass if e.code == lei), "")
        rows.append(Row("lei", (lei, ""), name, lei_v))
        rows.extend(kuan_rows)
        total = _add(total, lei_v)
    return Table(rows, total).rounded()


def table7(budget: Budget, names: Names) -> Table:
    """表7 一般公共预算项目支出: per 项, one row per project (its 本级 and 上级 rows in that 项 merged),
    with the ten economic classes."""
    per_xiang: dict[str, dict[str, list[Decimal]]] = defaultdict(dict)
    values: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 11)
    for p in budget.projects:
        if p.fund not in GPB_FUNDS:
            continue
        v = [p.total()] + [p.econ[e] for e in EconClass]
        row = per_xiang[p.code].setdefault(p.name, [ZERO] * 11)
        per_xiang[p.code][p.name] = _add(row, v)
        values[p.code] = _add(values[p.code], v)
    listed = {code: list(rows.items()) for code, rows in per_xiang.items()}
    return function_table(dict(values), 11, names, projects=listed)


def table10(budget: Budget) -> Table:
    """表10 财政拨款“三公”经费: 合计, the three items, and the two parts of 公务用车."""
    sg = {item.key: item for item in budget.sangong}

    def row(label, keys, kind):
        v = [ZERO] * 4
        for k in keys:
            v = _add(v, [sg[k].total(), sg[k].gpb, sg[k].gf, sg[k].soe])
        return Row(kind, (), label, v)

    car = ("car_purchase", "car_running")
    rows = [
        row("合计", ("abroad", "reception") + car, "total"),
        row("因公出国（境）费", ("abroad",), "item"),
        row("公务接待费", ("reception",), "item"),
        row("公务用车购置及运行费（小计）", car, "item"),
        row("其中：公务用车购置费", ("car_purchase",), "sub"),
        row("公务用车运行费", ("car_running",), "sub"),
    ]
    return Table(rows, list(rows[0].v)).rounded()


def table11(budget: Budget) -> Table:
    """表11 上年结转结余: per project, 财政拨款 and 非财政拨款 by 人员/公用/项目."""
    rows, total = [], [ZERO] * 9
    for item in budget.carryover:
        a = item.amounts
        fiscal = [a["fiscal_personnel"], a["fiscal_public"], a["fiscal_project"]]
        other = [a["other_personnel"], a["other_public"], a["other_project"]]
        v = [sum(fiscal + other, ZERO), sum(fiscal, ZERO), *fiscal, sum(other, ZERO), *other]
        rows.append(Row("item", (), item.name, v))
        total = _add(total, v)
    return Table(rows, total).rounded()


# ---------------------------------------------------------------------------------------------
# Part 3: the sentences, section by section


def section_overview(ledger: Ledger, t1: dict, t3: Table) -> dict:
    """一: the grand total, the kinds of income and the 功能类 of spending."""
    return {"grand_total": t1["total"],
            "income_kinds": [label for label, funds in INCOME_KINDS if ledger.fund(*funds)],
            "spend_classes": [r.name for r in t3.rows if r.kind == "lei"]}


def section_income(budget: Budget, ledger: Ledger, t1: dict) -> dict:
    """二: one sentence per source that has money in either year (and the always-named ones)."""
    items = []
    for label, key, funds in INCOME_SOURCES:
        compared = budget.totals[key]
        change = Change(ledger.fund(*funds), compared.prior, compared.reason)
        if not change.nil or key in ALWAYS_LISTED:
            if change.nil and key in TRANSFER_OF and not _compared_nil(budget, ledger, TRANSFER_OF[key]):
                label = f"本级{label}"  # "一般公共预算未安排" would deny the 上级 money that 四 calls 一般公共预算
            items.append((label, change.current, change))
    return {"sources": shares(items, t1["total"])}


def _compared_nil(budget: Budget, ledger: Ledger, key: str) -> bool:
    """No money in either year for this 收支总额 source (an INCOME_SOURCES key)."""
    funds = next(funds for _, k, funds in INCOME_SOURCES if k == key)
    return not ledger.fund(*funds) and not budget.totals[key].prior


def section_spending(budget: Budget, t3: Table) -> dict:
    """三: 基本支出 and 项目支出 of all funds (表3)."""
    totals = budget.totals
    basic = Change(t3.total[1], totals["basic"].prior, totals["basic"].reason)
    project = Change(t3.total[2], totals["project"].prior, totals["project"].reason)
    return {"spending": shares([("基本支出", basic.current, basic), ("项目支出", project.current, project)],
                               t3.total[0])}


def fiscal_by_class(ledger: Ledger, funds) -> dict[str, Decimal]:
    """功能类 -> the (printed) money of these funds in it, classes without money left out (one of 44 元 is
    in, as 0.00: 一 and 表3 list it too)."""
    by_lei: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for code, amounts in ledger.income.items():
        by_lei[code[:3]] += _sum_funds(amounts, funds)
    return {lei: money(amount) for lei, amount in sorted(by_lei.items()) if amount}


def use_text(budget: Budget, lei: str, family: str, families: set[str]) -> str:
    """The 主要用途 of a 功能类's spending from one kind of 财政拨款: the row written for that kind;
    failing that, a row with 资金性质 left blank, which speaks for 一般公共预算 — or for the class's
    only kind of 财政拨款 (``families``: the kinds with money in the class).  Otherwise none: a use
    written for one kind of money is never printed for another."""
    if (lei, family) in budget.uses:
        return budget.uses[(lei, family)]
    if family == FAMILY_GPB or families == {family}:
        return budget.uses.get((lei, ""), "")
    return ""


def section_fiscal(budget: Budget, ledger: Ledger, names: Names, t4: dict) -> dict:
    """四: the three budgets, and each budget's spending by 功能类 with that budget's own use text."""
    by_family = {label: fiscal_by_class(ledger, funds) for label, funds in FAMILIES}
    families = []
    for label, _ in FAMILIES:
        classes = [{"name": names(lei), "amount": amount,
                    "use": use_text(budget, lei, label, {f for f, c in by_family.items() if lei in c})}
                   for lei, amount in by_family[label].items()]
        families.append({"label": label, "amount": t4["family"][label], "classes": classes})
    return {"fiscal_total": t4["total"], "fiscal_families": families}


def section_gpb(budget: Budget, names: Names, t5: Table) -> dict:
    """五: 一般公共预算当年拨款 — scale (基本/项目 against last year), structure (类 shares) and each 项."""
    totals = budget.totals
    gpb_total, gpb_basic, gpb_project = t5.total
    xiang = {"".join(r.code): r.v[0] for r in t5.rows if r.kind == "xiang"}
    lines = {line.code: line for line in budget.income}
    items = []
    for code in sorted(set(xiang) | {c for c, line in lines.items() if line.prior_gpb and len(c) == 7}):
        line = lines.get(code)
        items.append({"lei": names(code[:3]), "kuan": names(code[:5]), "xiang": names(code),
                      "change": Change(xiang.get(code, ZERO), line.prior_gpb if line else ZERO,
                                       line.reason if line else "")})
    return {
        "gpb_total": gpb_total,
        "gpb_basic": Change(gpb_basic, totals["gpb_basic"].prior, totals["gpb_basic"].reason),
        "gpb_project": Change(gpb_project, totals["gpb_project"].prior, totals["gpb_project"].reason),
        "gpb_classes": shares([(r.name, r.v[0], None) for r in t5.rows if r.kind == "lei"], gpb_total),
        "gpb_items": items,
    }


def section_basic(t6: Table) -> dict:
    """六: 人员经费 and 公用经费 with the 款 that have money in each."""
    return {"basic": {
        "total": t6.total[0], "personnel": t6.total[1], "public": t6.total[2],
        "personnel_items": [r.name for r in t6.rows if r.kind == "kuan" and r.v[1]],
        "public_items": [r.name for r in t6.rows if r.kind == "kuan" and r.v[2]],
    }}


def section_projects(budget: Budget, projects: dict[str, ProjectMoney], t7: Table) -> dict:
    """七: each project of 表7 once, in 表7's order.  Its scale is the project's whole budget (as in its
    绩效目标表) and, where it also has other money, the 一般公共预算 part (its 表7 rows added up)."""
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in t7.rows:
        if r.kind == "project":
            amounts[r.extra] += r.v[0]
    views = []
    for name in amounts:  # 表7 order
        p = projects[name]
        view = {"name": name, "amount": money(p.total), "gpb": money(p.gpb)}
        for key in p.rows[0].text:
            view[key] = p.text(key)
        view["undertaker"] = p.text("undertaker") or budget.unit.name
        view["subsidy"] = any(v for k, v in view.items() if k.startswith("subsidy_") and v)
        views.append(view)
    return {"projects": views}


SANGONG_ORDER = (("abroad", "因公出国（境）费"), ("car_purchase", "公务用车购置费"),
                 ("car_running", "公务用车运行费"), ("reception", "公务接待费"))


def section_sangong(budget: Budget, t10: Table) -> dict:
    """十: the 三公 total and its four items in the fixed order 出国 / 购置 / 运行 / 接待."""
    items = {item.key: item for item in budget.sangong}
    prior = sum((i.prior for i in budget.sangong), ZERO)
    return {
        "sangong_total": Change(t10.total[0], prior, budget.totals["sangong"].reason),
        "sangong_items": [{"label": label, "change": Change(items[k].total(), items[k].prior, items[k].reason)}
                          for k, label in SANGONG_ORDER],
    }


def section_other(budget: Budget, ledger: Ledger, projects: dict[str, ProjectMoney], t1: dict,
                  t6: Table) -> dict:
    """十二: 运行经费, procurement and assets, performance targets, transfer projects."""
    unit, totals = budget.unit, budget.totals
    # 机关运行经费 is by definition 表6's 公用经费: print that one figure (I25 reconciles the 批复).
    running = t6.total[2] if unit.is_administrative else totals["running"].current
    grand = t1["total"]
    fiscal = [p for p in projects.values() if p.fiscal]  # a project of 30 元 is still a project
    other = [p for p in projects.values() if p.total - p.fiscal]
    transfer = [p for p in projects.values() if p.transfer]
    superior = money(ledger.fund(Fund.GPB_TRANSFER, Fund.GF_TRANSFER, Fund.SOE_TRANSFER))
    local = money(ledger.fund(Fund.GPB, Fund.GF, Fund.SOE, Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE))
    return {
        "running": Change(running, totals["running"].prior, totals["running"].reason),
        "other": budget.other,
        "perf_counts": {
            "overall": 1 if budget.overall_perf or unit.overall_goal else 0, "overall_amount": grand,
            "fiscal": len(fiscal), "fiscal_amount": money(sum((p.fiscal for p in fiscal), ZERO)),
            "other": len(other), "other_amount": money(sum((p.total - p.fiscal for p in other), ZERO)),
        },
        "transfer": {"count": len(transfer), "amount": money(sum((p.transfer for p in transfer), ZERO))},
        # 单位整体绩效目标表: every fund, 上年结转 included, so the three rows add up to the total above it
        "overall_perf": {"superior": superior, "local": local, "other": grand - superior - local,
                         "rows": [dict(ind.values) for ind in budget.overall_perf]},
        "project_perf": _project_perf(budget, projects),
    }


def _project_perf(budget: Budget, projects: dict[str, ProjectMoney]) -> list[dict]:
    """项目支出绩效目标表s, one per project named in 项目绩效, in its order; amounts over all the
    project's rows (财政拨款 includes 财政拨款结转)."""
    grouped: dict[str, list] = {}
    for ind in budget.project_perf:
        grouped.setdefault(ind.values["project"], []).append(dict(ind.values))
    tables = []
    for name, rows in grouped.items():
        p = projects.get(name)
        total = money(p.total) if p else ZERO
        fiscal = money(p.fiscal) if p else ZERO
        tables.append({"name": name, "leader": p.text("leader") if p else "",
                       "goal": p.text("goal") if p else "", "total": total, "fiscal": fiscal,
                       "other": total - fiscal, "rows": rows})
    return tables

"""Model -> every figure of the disclosure: 表1…表11 and the numbers behind each sentence.

Figures live here, words live in ``templates/wording.j2``.  Nothing is rounded except through
``money`` and ``percent`` (half-up to two decimals), and no sentence figure is computed twice: the
tables and the narrative read the same objects.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .catalog import Catalog, bundled, function_classes
from .model import ZERO, Budget, FunctionCode, Project, money
from .schema import EconClass, Fund

HUNDRED = Decimal(100)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """part/whole in %, half-up to 0.01; 0 when whole is 0 (never a division by zero)."""
    if not whole:
        return ZERO.quantize(Decimal("0.01"))
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """A figure against last year's budget, e.g. ``Change(440.12, 876.27)``.

    ``case`` names the wording: increase, decrease, unchanged, new (last year zero), dropped (this
    year zero) and both_zero; ``pct`` is None where the percentage is undefined (last year zero) —
    the template decides what to print there.
    """

    current: Decimal
    previous: Decimal
    reason: str = ""

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
        if not self.current and not self.previous:
            return "both_zero"
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
    """One item of a "占 P%" list; ``pct`` already adjusted so the list sums to 100.00."""

    label: str
    amount: Decimal
    pct: Decimal
    change: Change | None = None


def shares(items: list[tuple[str, Decimal, Change | None]], total: Decimal) -> list[Share]:
    """Half-up shares of ``total``; if the rounded list misses 100.00 by a residual, the largest
    item absorbs it (I28) — a published list never sums to 99.99 or 100.01."""
    pcts = [percent(amount, total) for _, amount, _ in items]
    nonzero = [i for i, (_, amount, _) in enumerate(items) if amount]
    if total and nonzero and sum(pcts[i] for i in nonzero) != HUNDRED:
        largest = max(nonzero, key=lambda i: items[i][1])
        pcts[largest] += HUNDRED - sum(pcts[i] for i in nonzero)
    return [Share(label, amount, pct, change) for (label, amount, change), pct in zip(items, pcts)]


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


def _add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    return [x + y for x, y in zip(a, b)]


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
    """类/款/项 rows with subtotals (I7), in code order; all-zero 项 are left out.

    With ``projects`` (表7) each 项 is listed once per project instead of once.
    """
    values = {c: v for c, v in values.items() if any(v)}
    rows: list[Row] = []
    total = [ZERO] * width
    for lei in sorted({c[:3] for c in values}):
        lei_sum = [ZERO] * width
        lei_row = Row("lei", (lei, "", ""), names(lei), lei_sum)
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
    return Table(rows, total)


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


INCOME_SOURCES = (  # §二: label in the narrative, totals key, funds
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

T2_COLUMNS = (  # 表2 after 总计 and 财政拨款小计
    (Fund.GPB,), (Fund.GPB_TRANSFER,), (Fund.GF,), (Fund.GF_TRANSFER,), (Fund.SOE, Fund.SOE_TRANSFER),
    (Fund.SPECIAL,), (Fund.UNIT,), (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE),
    (Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT),
)
FAMILIES = (  # 表4 and §四/§八/§九: the three kinds of 财政拨款
    ("一般公共预算", (Fund.GPB, Fund.GPB_TRANSFER)),
    ("政府性基金预算", (Fund.GF, Fund.GF_TRANSFER)),
    ("国有资本经营预算", (Fund.SOE, Fund.SOE_TRANSFER)),
)


def _sum_funds(amounts: dict[Fund, Decimal], funds) -> Decimal:
    return sum((amounts.get(f, ZERO) for f in funds), ZERO)


def compute(budget: Budget, catalog: Catalog | None = None) -> Disclosure:
    catalog = catalog or bundled()
    names = Names(budget, catalog)
    unit = budget.unit
    totals = budget.totals

    # Money by 项 and fund: income rows, and the part of it spent on projects.
    income: dict[str, dict[Fund, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line in budget.income:
        for fund, amount in line.amounts.items():
            income[line.code][fund] += amount
    project_money: dict[str, dict[Fund, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for p in budget.projects:
        if p.fund is not None:
            project_money[p.code][p.fund] += p.total()

    def by_code(funds) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """(total, project) per 项 for a set of funds; basic = total - project."""
        return ({c: _sum_funds(a, funds) for c, a in income.items()},
                {c: _sum_funds(project_money.get(c, {}), funds) for c in income})

    all_funds = tuple(Fund)
    gpb_funds = (Fund.GPB, Fund.GPB_TRANSFER)

    # 表2
    t2_values = {}
    for code, amounts in income.items():
        cols = [_sum_funds(amounts, funds) for funds in T2_COLUMNS]
        fiscal = sum(cols[:5], ZERO)
        t2_values[code] = [fiscal + sum(cols[5:], ZERO), fiscal] + cols
    t2 = function_table(t2_values, 11, names)

    def spend_table(funds) -> Table:
        total, project = by_code(funds)
        return function_table({c: [total[c], total[c] - project[c], project[c]] for c in total}, 3, names)

    t3 = spend_table(all_funds)
    t5 = spend_table(gpb_funds)
    t8 = spend_table((Fund.GF, Fund.GF_TRANSFER))
    t9 = spend_table((Fund.SOE, Fund.SOE_TRANSFER))

    # 表6: economic 类 subtotal rows (all of them, 301 included) then 款 rows.
    econ_rows: list[Row] = []
    t6_total = [ZERO] * 3
    for lei in sorted({item.code[:3] for item in budget.basic}):
        items = [i for i in budget.basic if i.code.startswith(lei)]
        lei_v = [ZERO] * 3
        kuan_rows = []
        for item in sorted(items, key=lambda i: i.code):
            v = [item.total(), item.personnel, item.public]
            lei_v = _add(lei_v, v)
            kuan_rows.append(Row("kuan", item.code.parts(), item.name, v))
        name = catalog.economic.get(lei) or next((e.label for e in EconClass if e.code == lei), "")
        econ_rows.append(Row("lei", (lei, ""), name, lei_v))
        econ_rows.extend(kuan_rows)
        t6_total = _add(t6_total, lei_v)
    t6 = Table(econ_rows, t6_total)

    # 表7: 一般公共预算 projects by 项, each with its 10 economic classes.
    gpb_projects = [p for p in budget.projects if p.fund in gpb_funds]
    per_xiang: dict[str, list[tuple[str, list[Decimal]]]] = defaultdict(list)
    t7_values: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 11)
    for p in gpb_projects:
        v = [p.total()] + [p.econ[e] for e in EconClass]
        per_xiang[p.code].append((p.name, v))
        t7_values[p.code] = _add(t7_values[p.code], v)
    t7 = function_table(dict(t7_values), 11, names, projects=per_xiang)
    t7_order = [(r.extra) for r in t7.rows if r.kind == "project"]
    by_name = {}
    for p in gpb_projects:
        by_name.setdefault(p.name, p)
    t7_projects = [by_name[name] for name in dict.fromkeys(t7_order)]

    # 表10
    sg = {item.key: item for item in budget.sangong}
    def sg_row(label, keys, kind):
        v = [ZERO] * 4
        for k in keys:
            v = _add(v, [sg[k].total(), sg[k].gpb, sg[k].gf, sg[k].soe])
        return Row(kind, (), label, v)
    car = ("car_purchase", "car_running")
    t10 = Table([
        sg_row("合计", ("abroad", "reception") + car, "total"),
        sg_row("因公出国（境）费", ("abroad",), "item"),
        sg_row("公务接待费", ("reception",), "item"),
        sg_row("公务用车购置及运行费（小计）", car, "item"),
        sg_row("其中：公务用车购置费", ("car_purchase",), "sub"),
        sg_row("公务用车运行费", ("car_running",), "sub"),
    ], [])
    t10.total = t10.rows[0].v

    # 表11
    t11_rows, t11_total = [], [ZERO] * 9
    for item in budget.carryover:
        a = item.amounts
        fiscal = [a["fiscal_personnel"], a["fiscal_public"], a["fiscal_project"]]
        other = [a["other_personnel"], a["other_public"], a["other_project"]]
        v = [sum(fiscal + other, ZERO), sum(fiscal, ZERO), *fiscal, sum(other, ZERO), *other]
        t11_rows.append(Row("item", (), item.name, v))
        t11_total = _add(t11_total, v)
    t11 = Table(t11_rows, t11_total)

    # 表1: income lines (left) against all 30 类 (right).
    fund_total = defaultdict(lambda: ZERO)
    for amounts in income.values():
        for fund, amount in amounts.items():
            fund_total[fund] += amount
    f = lambda *funds: sum((fund_total[x] for x in funds), ZERO)  # noqa: E731
    unit_parts = [budget.totals[k].current for k in
                  ("unit_business", "unit_superior", "unit_affiliate", "unit_operating", "unit_other")]
    this_year = f(*[x for x in Fund if x.name[:5] not in ("CARRY", "BALAN")])
    carry = f(Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE, Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT)
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
    t1_rows = []
    for i in range(max(len(left), len(classes))):
        lk, ll, lv = left[i] if i < len(left) else ("", "", ZERO)
        code, name = classes[i] if i < len(classes) else ("", "")
        t1_rows.append({"kind": lk, "label": ll, "amount": lv,
                        "cls": f"{code} {name}" if code else "", "cls_amount": t3_by_lei.get(code, ZERO)})
    t1 = {"rows": t1_rows, "total": this_year + carry, "spend_total": t3.total[0]}

    # 表4
    t4_family = {label: f(*funds) for label, funds in FAMILIES}
    fiscal_by_lei = defaultdict(lambda: [ZERO] * 4)
    for code, amounts in income.items():
        v = [_sum_funds(amounts, funds) for _, funds in FAMILIES]
        fiscal_by_lei[code[:3]] = _add(fiscal_by_lei[code[:3]], [sum(v, ZERO)] + v)
    t4_left = [("head", "一、财政拨款（补助）", sum(t4_family.values(), ZERO))] + [
        ("item", label, amount) for label, amount in t4_family.items()]
    t4_rows = []
    for i, (code, name) in enumerate(classes):
        lk, ll, lv = t4_left[i] if i < len(t4_left) else ("", "", ZERO)
        t4_rows.append({"kind": lk, "label": ll, "amount": lv, "cls": f"{code} {name}",
                        "v": fiscal_by_lei.get(code, [ZERO] * 4)})
    t4_total = [ZERO] * 4
    for v in fiscal_by_lei.values():
        t4_total = _add(t4_total, v)
    t4 = {"rows": t4_rows, "total": sum(t4_family.values(), ZERO), "spend": t4_total}

    tables = {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6, "t7": t7, "t8": t8, "t9": t9,
              "t10": t10, "t11": t11}

    # ----- narrative figures -------------------------------------------------------------------
    n: dict[str, object] = {}
    grand = t1["total"]
    n["grand_total"] = grand
    families = [("一般公共预算", (Fund.GPB, Fund.GPB_TRANSFER)), ("政府性基金预算", (Fund.GF, Fund.GF_TRANSFER)),
                ("国有资本经营预算", (Fund.SOE, Fund.SOE_TRANSFER)), ("财政专户管理资金", (Fund.SPECIAL,)),
                ("单位资金", (Fund.UNIT,)),
                ("上年结转结余", (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE, Fund.BALANCE_SPECIAL,
                            Fund.BALANCE_UNIT))]
    n["income_kinds"] = [label for label, funds in families if f(*funds)]
    n["spend_classes"] = [r.name for r in t3.rows if r.kind == "lei"]

    sources = []
    for label, key, funds in INCOME_SOURCES:
        amount = f(*funds)
        if amount or key in ALWAYS_LISTED:
            sources.append((label, amount, Change(amount, totals[key].prior, totals[key].reason)))
    n["sources"] = shares(sources, grand)

    basic_all, project_all = t3.total[1], t3.total[2]
    n["spending"] = shares([
        ("基本支出", basic_all, Change(basic_all, totals["basic"].prior, totals["basic"].reason)),
        ("项目支出", project_all, Change(project_all, totals["project"].prior, totals["project"].reason)),
    ], t3.total[0])

    # §四
    n["fiscal_total"] = t4["total"]
    n["fiscal_families"] = [{"label": label, "amount": t4_family[label],
                             "classes": [{"name": names(lei), "amount": amount, "use": budget.uses.get(lei, "")}
                                         for lei, amount in sorted(
                                             (lei, _sum_funds_by_lei(income, lei, funds)) for lei in
                                             sorted({c[:3] for c in income})) if amount]}
                            for label, funds in FAMILIES]

    # §五
    gpb_total, gpb_basic, gpb_project = t5.total
    n["gpb_total"] = gpb_total
    n["gpb_basic"] = Change(gpb_basic, totals["gpb_basic"].prior, totals["gpb_basic"].reason)
    n["gpb_project"] = Change(gpb_project, totals["gpb_project"].prior, totals["gpb_project"].reason)
    n["gpb_classes"] = shares([(r.name, r.v[0], None) for r in t5.rows if r.kind == "lei"], gpb_total)
    t5_xiang = {"".join(r.code): r.v[0] for r in t5.rows if r.kind == "xiang"}
    lines = {line.code: line for line in budget.income}
    items = []
    for code in sorted(set(t5_xiang) | {c for c, line in lines.items() if line.prior_gpb and len(c) == 7}):
        line = lines.get(code)
        items.append({"lei": names(code[:3]), "kuan": names(code[:5]), "xiang": names(code),
                      "change": Change(t5_xiang.get(code, ZERO), line.prior_gpb if line else ZERO,
                                       line.reason if line else "")})
    n["gpb_items"] = items

    # §六
    personnel = [r.name for r in t6.rows if r.kind == "kuan" and r.v[1]]
    public = [r.name for r in t6.rows if r.kind == "kuan" and r.v[2]]
    n["basic"] = {"total": t6.total[0], "personnel": t6.total[1], "public": t6.total[2],
                  "personnel_items": personnel, "public_items": public}

    # §七
    n["projects"] = [_project_view(p, unit.name) for p in t7_projects]

    # §十
    sg_changes = {item.key: Change(item.total(), item.prior, item.reason) for item in budget.sangong}
    order = ("abroad", "car_purchase", "car_running", "reception")
    labels = dict((k, l) for k, l in (("abroad", "因公出国（境）费"), ("car_purchase", "公务用车购置费"),
                                      ("car_running", "公务用车运行费"), ("reception", "公务接待费")))
    n["sangong_total"] = Change(t10.total[0], sum((i.prior for i in budget.sangong), ZERO),
                                totals["sangong"].reason)
    n["sangong_items"] = [{"label": labels[k], "change": sg_changes[k]} for k in order]

    # §十一
    n["carryover"] = {"total": t11.total[0], "fiscal": t11.total[1], "other": t11.total[5]}

    # §十二
    n["running"] = Change(totals["running"].current, totals["running"].prior, totals["running"].reason)
    n["other"] = budget.other
    fiscal_projects = [p for p in budget.projects if p.fund is not None and p.fund.is_fiscal]
    other_projects = [p for p in budget.projects if p.fund is not None and not p.fund.is_fiscal]
    n["perf_counts"] = {
        "overall": 1 if budget.overall_perf or unit.overall_goal else 0, "overall_amount": grand,
        "fiscal": len(fiscal_projects), "fiscal_amount": sum((p.total() for p in fiscal_projects), ZERO),
        "other": len(other_projects), "other_amount": sum((p.total() for p in other_projects), ZERO),
    }
    transfer = [p for p in budget.projects if p.fund is not None and p.fund.is_transfer]
    n["transfer"] = {"count": len(transfer), "amount": sum((p.total() for p in transfer), ZERO)}
    n["overall_perf"] = {
        "superior": f(Fund.GPB_TRANSFER, Fund.GF_TRANSFER, Fund.SOE_TRANSFER),
        "local": f(Fund.GPB, Fund.GF, Fund.SOE),
        "other": f(Fund.SPECIAL, Fund.UNIT),
        "rows": _merge_first(budget.overall_perf, ("l1", "l2")),
    }
    n["project_perf"] = _project_perf(budget)
    staff = {"active": unit.staff_active, "retired": unit.staff_retired, "veteran": unit.staff_veteran}
    n["staff"] = {k: Change(Decimal(cur), Decimal(prior)) for k, (cur, prior) in staff.items()}

    return Disclosure(unit=unit, year=unit.year, prior_year=unit.year - 1, tables=tables, n=n)


def _sum_funds_by_lei(income, lei: str, funds) -> Decimal:
    return sum((_sum_funds(a, funds) for c, a in income.items() if c.startswith(lei)), ZERO)


def _project_view(p: Project, unit_name: str) -> dict:
    view = {"name": p.name, "amount": p.total(), **p.text}
    view["undertaker"] = p.text.get("undertaker") or unit_name
    view["subsidy"] = any(v for k, v in p.text.items() if k.startswith("subsidy_"))
    return view


def _merge_first(indicators, keys: tuple[str, ...]) -> list[dict]:
    """Indicator rows with repeated 一级/二级 labels blanked, the way the printed table merges them."""
    rows, previous = [], {}
    for ind in indicators:
        row = dict(ind.values)
        shown = dict(row)
        for i, key in enumerate(keys):
            if all(row.get(k) == previous.get(k) for k in keys[: i + 1]):
                shown[key] = ""
        previous = row
        rows.append(shown)
    return rows


def _project_perf(budget: Budget) -> list[dict]:
    grouped: dict[str, list] = {}
    for ind in budget.project_perf:
        grouped.setdefault(ind.values["project"], []).append(ind)
    projects = {p.name: p for p in budget.projects}
    tables = []
    for name, indicators in grouped.items():
        p = projects.get(name)
        total = p.total() if p else ZERO
        fiscal = total if p is not None and p.fund is not None and p.fund.is_fiscal else ZERO
        tables.append({"name": name, "leader": p.text.get("leader", "") if p else "",
                       "goal": p.text.get("goal", "") if p else "", "total": total, "fiscal": fiscal,
                       "other": total - fiscal, "rows": _merge_first(indicators, ("l1", "l2"))})
    return tables

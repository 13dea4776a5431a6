"""Checks: every way a clerk's workbook can disagree with itself, its 批复 or the catalog.

``check_budget(budget)`` runs every rule below and returns all findings at once.  Each finding names
its rule (id + short Chinese name), says in Chinese what is wrong and what to do, and lists every
cell involved as ``"Sheet!A1"`` (the stated total first, then the cells that should add up to it).

One mistake, one finding.  A mistyped figure usually breaks several identities at once (a project
amount is part of 表7's total and of the all-funds project total).  Identity checks therefore
record *issues* with the amount they are off by; issues that fail by the same amount and share a
cell are one mistake, reported once, by the most specific check, with the shared cell first and the
other broken checks named in the message (``_merge``).  A sheet left empty while the unit clearly
has money elsewhere gives one R10 error, and the identities that only fail because of it are skipped.
Given ``read_findings``, a cell the reader rejected is not judged again (its error stands alone).

Identities hold to the cent.  With amounts typed in 万元 a gap of exactly 0.01 against a 批复 is a
提示 (a 尾差 to adjust; the document prints the details' figures); two printed figures that should be
one (I5b, I16b, I22b) must agree exactly.  Those the tables satisfy by construction in ``compute`` (I1, I6–I8,
I11–I14, I21, I27–I29: 表2 subtotals, 表4/表5 from 表2, shares, change arithmetic) are not checked here;
what they are computed from is.  The control totals of 收支总额 are the anchor: every detail sheet is
reconciled against them, so a mistyped figure shows up as a difference from the 批复.

Rule table (severity: E = 错误 blocks the build, W = 提示):

====  ==========================  ===  ==========================================================
id    name                        sev  what
====  ==========================  ===  ==========================================================
R10   表格未填写                  E    a whole sheet empty while the unit has money elsewhere
I3    收支总计与收入来源          E    收支总计 = Σ income-source 批复数 (本级, 转移支付, …, 结转结余)
I10a  收支总计与基本项目          E    收支总计 = 基本支出 + 项目支出 (表3 合计; so 基本支出 = 表3)
I10b  项目支出与项目表            E    项目支出批复数 = Σ all projects (表3 项目支出)
I5    单位资金其中项              E    单位资金 = Σ its five 其中 rows
I5b   单位资金与其中项            E    收入明细 单位资金 column = Σ the five 其中 rows, to the cent (表1)
I9    收入来源与收入明细          E    each source 批复数 = its 收入明细 column(s) (表2 → 表1)
I15   一般公共预算基本与项目      E    一般公共预算 + 上级转移支付 = 一般公共预算基本支出 + 项目支出
I16   基本支出与表6               E    一般公共预算基本支出 = 基本支出表合计 (表6; = 表5 基本 via I9, I15, I20)
I16b  基本支出两种分类          E    表5 基本支出 (income − projects) = 表6 合计, to the cent
I20   项目支出与表7               E    一般公共预算项目支出 = Σ 一般公共预算 projects (表7 = 表5 项目)
I22   上年结转与表11              E    上年结转结余 = Σ 上年结转 sheet (表11)
I22b  结转结余与表11             E    收入明细 结转 / 结余 columns = 表11 财政拨款 / 非财政拨款
I23   “三公”经费合计              E    “三公”经费批复数 = Σ 三公经费 sheet (表10)
I23P  上年“三公”经费合计          E    上年 “三公”经费 = Σ 三公经费 上年预算数
I24   “三公”与表6科目             E    三公 item (一般公共预算) ≥ 表6 30212 / 30217 / 30231 / 30913+31013
I24b  “三公”不超过财政拨款      E    表10 column of each budget ≤ its 收入明细 money (本级+上级+结转)
I25   机关运行经费与公用经费      E/W  机关运行经费 = 表6 公用经费 (行政/参公: E; 事业单位: W)
I26   政府采购合计                E    政府采购 = 货物 + 工程 + 服务
I26a  中小企业预留                E    面向中小企业 ≤ 政府采购; 小微 ≤ 中小企业
I30   上年一般公共预算            E    Σ 上年一般公共预算数 (收入明细) = 上年 一般公共预算 + 转移支付
                                       = 上年 一般公共预算基本支出 + 项目支出
I31   上年收支总计                E    上年 收支总计 = Σ 上年 sources = 上年 基本支出 + 项目支出
I34   项目不超过收入              E    per 项 and fund: Σ projects ≤ 收入明细 income (基本支出 ≥ 0);
                                       implies I33 (转移支付 projects ≤ 转移支付 income)
I35   实有人数                    E    实有 = 在职 + 退休 + 离休 (本年 and 上年)
I36   基金基本支出                E    per 项 and 政府性基金/国有资本经营预算: 基金基本支出 人员 + 公用 =
                                       收入明细 income − projects, exactly (表8/表9); a row where
                                       there is no such 基本支出, or none where there is, is an error
C01   车辆数                      E    车辆数 = 一般公务用车 + 执法执勤用车 + 其他车辆
C02   车辆价值                    E    车辆价值 = Σ the three values
R04   编码                        E    收入明细 7-digit 项 with a known/declared 类 and 款; project
                                       codes 7 digits; 经济科目 5 digits under 301…399; 用途 3 digits
R05   科目名称                    W    name differs from the catalog (after folding （）/()); code
                                       not in the (partial) catalog
R06   重复                        E    same 项 twice, same 经济科目 twice, same project + fund twice
R07   必填                        E    unit name/year/date/kind/科室/编制/人数, 主要职能, each
                                       record's required columns, 单位类型 one of the choices
R08   主要原因                    E    a compared figure changed (as printed, to 0.01 万元) by more
                                       than the threshold and its 主要原因 is blank
R09   文字规范                    W    half-width , ; : ( ) ? ! beside Chinese, stray spaces,
                                       leading-zero dates; one finding per cell
R11   项目科目                    E    a project's 项 has no 收入明细 row, or no money in its fund
R12   项目金额                    E    a project with no money in any economic class (表7)
R13   绩效项目名称                E    项目绩效 names a project not in 项目
R14   经费分类                    W    301/303 money as 公用经费, 302 money as 人员经费
R15   支出用途                    E/W  a 功能类 with 一般公共预算 money has no 主要用途 (E); with
                                       政府性基金/国有资本经营 money, none for that kind (W)
R16   不足一分                    W    a workbook in 元 has a nonzero amount under 50 元: the document shows
                                       it as 0.00 万元 (and its change as 持平)
====  ==========================  ===  ==========================================================
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from . import schema
from .catalog import Catalog, bundled
from .compute import FAMILIES, INCOME_SOURCES, Ledger, fiscal_by_class, use_text
from .findings import ERROR, WARNING, Findings
from .model import ZERO, Budget, Cells, money
from .reader import read_budget
from .schema import EconClass, Fund
from .schema import HEADER_ROW

TOLERANCE = Decimal("0.01")
TAIL_ADJUSTMENT = ("。相差仅 0.01 万元，多为各行分别四舍五入造成的尾差：文档中的数字都按明细计算。请按批复文件调整明细中的"
                   "一个单元格（尾差调整），使两者完全一致；或在“单位信息”中把金额单位改为“元”，按元填写精确金额。")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str

    def __str__(self) -> str:
        return f"{self.id} {self.name}"


RULES = {r.id: r for r in (
    Rule("R10", "表格未填写"),
    Rule("I3", "收支总计与收入来源"),
    Rule("I10a", "收支总计与基本项目"),
    Rule("I10b", "项目支出与项目表"),
    Rule("I5", "单位资金其中项"),
    Rule("I5b", "单位资金与其中项"),
    Rule("I9", "收入来源与收入明细"),
    Rule("I15", "一般公共预算基本与项目"),
    Rule("I16", "基本支出与表6"),
    Rule("I16b", "基本支出两种分类"),
    Rule("I20", "项目支出与表7"),
    Rule("I22b", "结转结余与表11"),
    Rule("I22", "上年结转与表11"),
    Rule("I23", "“三公”经费合计"),
    Rule("I23P", "上年“三公”经费合计"),
    Rule("I24", "“三公”与表6科目"),
    Rule("I24b", "“三公”不超过财政拨款"),
    Rule("I25", "机关运行经费与公用经费"),
    Rule("I26", "政府采购合计"),
    Rule("I26a", "中小企业预留"),
    Rule("I30", "上年一般公共预算"),
    Rule("I31", "上年收支总计"),
    Rule("I34", "项目不超过收入"),
    Rule("I35", "实有人数"),
    Rule("I36", "基金基本支出"),
    Rule("C01", "车辆数"),
    Rule("C02", "车辆价值"),
    Rule("R04", "编码"),
    Rule("R05", "科目名称"),
    Rule("R06", "重复"),
    Rule("R07", "必填"),
    Rule("R08", "主要原因"),
    Rule("R09", "文字规范"),
    Rule("R11", "项目科目"),
    Rule("R12", "项目金额"),
    Rule("R13", "绩效项目名称"),
    Rule("R14", "经费分类"),
    Rule("R15", "支出用途"),
    Rule("R16", "不足一分"),
)}

ECON_CLASSES = tuple(e.code for e in EconClass)
SANGONG_CODES = {  # 三公 item -> the 表6 economic 款 it must cover (I24)
    "abroad": ("30212",), "reception": ("30217",), "car_running": ("30231",), "car_purchase": ("30913", "31013"),
}
GPB_FUNDS = (Fund.GPB, Fund.GPB_TRANSFER)
UNIT_PARTS = ("unit_business", "unit_superior", "unit_affiliate", "unit_operating", "unit_other")


def m(value) -> str:
    """An amount as the clerk sees it: 3,547.87 (万元); one typed in 元 keeps its 分: 0.123456."""
    value = Decimal(value)
    places = max(2, -value.normalize().as_tuple().exponent) if value else 2
    return f"{value:,.{places}f}"


def _fund_key(fund: Fund) -> str:
    return fund.name.lower()


def _econ_key(econ: EconClass) -> str:
    return econ.name.lower()


def _first_row(sheet: str, column: str = "A") -> str:
    return f"{sheet}!{column}{HEADER_ROW + 1}"


@dataclass
class Issue:
    """A failed check before merging. ``amount``: how far off (identities) or the excess (bounds)."""

    severity: str
    rule: str
    message: str
    cells: tuple[str, ...]
    amount: Decimal | None = None
    kind: str = "value"  # detail: control vs detail rows; control: control figures only; bound: ≤


class _Ctx:
    """The budget, the catalog, and the figures several rules need, computed once."""

    def __init__(self, budget: Budget, catalog: Catalog, threshold: Decimal, unreadable: set[str]):
        self.b, self.catalog, self.threshold = budget, catalog, threshold
        # A workbook in 元 is exact to the 分: no gap is a rounding gap.  In 万元 a gap of 0.01 may be
        # one (尾差): a 提示 that says which figure to adjust, never silence.
        self.tolerance = ZERO if budget.unit.in_yuan else TOLERANCE
        self.unreadable = unreadable  # cells the reader rejected: their value is unknown, not zero
        self.issues: list[Issue] = []
        self.blank: set[str] = set()  # sheets reported by R10: rules that need them are skipped
        self.income: dict[str, dict[Fund, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        self.income_cells: dict[tuple[str, Fund], list[str]] = defaultdict(list)
        for line in budget.income:
            for fund, amount in line.amounts.items():
                self.income[line.code][fund] += amount
                if _fund_key(fund) in line.cells:
                    self.income_cells[(line.code, fund)].append(line.cells[_fund_key(fund)])

    # --- control figures (收支总额) ---
    def cur(self, key: str) -> Decimal:
        return self.b.totals[key].current if key in self.b.totals else ZERO

    def prior(self, key: str) -> Decimal:
        return self.b.totals[key].prior if key in self.b.totals else ZERO

    def ref(self, key: str, part: str = "current") -> str | None:
        """Where a 收支总额 figure sits: part is current, prior or reason."""
        return self.b.totals_cells.get(key, {}).get(part)

    def cell(self, key: str, part: str = "current") -> list[str]:
        ref = self.ref(key, part)
        return [ref] if ref else []

    # --- recording ---
    def add(self, severity: str, rule: str, message: str, cells, amount: Decimal | None = None,
            kind: str = "value") -> None:
        cells = tuple(dict.fromkeys(c for c in cells if c))
        if self.unreadable.intersection(cells):
            return  # judged on a value the reader could not read: its own error stands alone
        self.issues.append(Issue(severity, str(RULES[rule]), message, cells, amount, kind))

    def error(self, rule: str, message: str, cells, **kw) -> None:
        self.add(ERROR, rule, message, cells, **kw)

    def warning(self, rule: str, message: str, cells, **kw) -> None:
        self.add(WARNING, rule, message, cells, **kw)

    def compare(self, rule: str, stated: Decimal, found: Decimal, cells, message: str, kind: str = "detail",
                severity: str = ERROR) -> bool:
        """An issue when ``stated`` and ``found`` differ. ``message`` is formatted with a (stated),
        b (found), d (difference).  A gap within the rounding tolerance (0.01 万元, only for amounts
        typed in 万元) is a 提示 asking for a 尾差调整; a larger one has ``severity``."""
        diff = found - stated
        if not diff:
            return True
        text = message.format(a=m(stated), b=m(found), d=m(abs(diff)))
        if abs(diff) <= self.tolerance:
            self.add(WARNING, rule, text.rstrip("。") + TAIL_ADJUSTMENT, cells, abs(diff), kind)
            return True
        self.add(severity, rule, text, cells, abs(diff), kind)
        return False

    def addends(self, records) -> list[str]:
        """The cells a clerk has to look at among ``(holds_money, [(value, cell), …])`` records: those
        with money, all of a record that holds none (a row typed without its amount, or cleared), and
        any the reader could not read."""
        return [c for has_money, pairs in records for v, c in pairs
                if c and (v or not has_money or c in self.unreadable)]


def _cells(pairs) -> list[str]:
    """Every cell of a short fixed list (the sources, the 其中 rows, the parts of a 其他事项 total)."""
    return [cell for _, cell in pairs if cell]


def _project_cells(ctx: _Ctx, projects) -> list[str]:
    return ctx.addends((bool(p.total()), [(p.econ[e], p.cells.get(_econ_key(e))) for e in EconClass])
                       for p in projects)


def _basic_cells(ctx: _Ctx, items, columns=("personnel", "public")) -> list[str]:
    return ctx.addends((bool(i.total()), [(getattr(i, col), i.cells.get(col)) for col in columns]) for i in items)


# =============================================================================================
# R10: a sheet not filled in yet


def check_blank_sheets(ctx: _Ctx) -> None:
    b = ctx.b
    detail_money = any(line.total() for line in b.income) or any(p.total() for p in b.projects) \
        or any(i.total() for i in b.basic)
    if not any(c.current or c.prior for c in b.totals.values()):
        ctx.blank.add("totals")  # the other sheets are judged against it: nothing more to say until it is filled
        ctx.error("R10", "“收支总额”表还没有填写：请按财政部门的批复填写本年批复数和上年预算数（收支总计、各项收入、"
                         "基本支出、项目支出、“三公”经费、机关运行经费），明细表都要与之核对。",
                  ctx.cell("grand_total") or [f"{schema.TOTALS.name}!B3"])
    sources = [(ctx.cur(key), ctx.ref(key)) for _, key, _ in INCOME_SOURCES]
    source_total = sum((v for v, _ in sources), ZERO)
    if not any(line.total() for line in b.income) and (source_total or b.projects or not detail_money):
        ctx.blank.add("income")
        approved = f"批复的收入共 {m(source_total)} 万元，" if source_total else ""
        ctx.error("R10", f"“收入明细”表还没有填写：{approved}请按功能分类项级（7位编码）"
                         "逐行填写各资金来源的本年收入和上年一般公共预算数。",
                  [_first_row(schema.INCOME.name)] + [c for v, c in sources if v and c])
    if not b.projects and (ctx.cur("project") or ctx.cur("gpb_project")):
        ctx.blank.add("projects")
        ctx.error("R10", f"“项目”表还没有填写：批复的项目支出为 {m(max(ctx.cur('project'), ctx.cur('gpb_project')))} 万元，"
                         "请逐个项目填写名称、功能科目、资金来源和按经济分类的金额。",
                  [_first_row(schema.PROJECTS.name)] + ctx.cell("project") + ctx.cell("gpb_project"))
    if not b.basic and ctx.cur("gpb_basic"):
        ctx.blank.add("basic")
        ctx.error("R10", f"“基本支出”表还没有填写：批复的一般公共预算基本支出为 {m(ctx.cur('gpb_basic'))} 万元，"
                         "请按经济分类款级（5位编码）填写人员经费和公用经费。",
                  [_first_row(schema.BASIC.name)] + ctx.cell("gpb_basic"))
    if not any(i.total() or i.prior for i in b.sangong) and (ctx.cur("sangong") or ctx.prior("sangong")):
        ctx.blank.add("sangong")
        ctx.error("R10", f"“三公经费”表还没有填写：批复的“三公”经费为 {m(ctx.cur('sangong'))} 万元，"
                         "请按因公出国（境）费、公务接待费、公务用车购置费、公务用车运行费分行填写本年数和上年预算数。",
                  [_first_row(schema.SANGONG.name, "B")] + ctx.cell("sangong") + ctx.cell("sangong", "prior"))
    if not b.carryover and ctx.cur("carryover"):
        ctx.blank.add("carryover")
        ctx.error("R10", f"“上年结转”表还没有填写：上年结转结余为 {m(ctx.cur('carryover'))} 万元，"
                         "请按项目填写结转结余安排的支出（表11）。",
                  [_first_row(schema.CARRYOVER.name)] + ctx.cell("carryover"))
    u = b.unit
    if not (u.name or u.year or u.kind or u.departments or u.date):
        ctx.blank.add("unit")
        ctx.error("R10", "“单位信息”表还没有填写：请填写单位名称、预算年度、公开日期、单位类型、内设科室、编制数和人数。",
                  [b.unit_cells.get("name") or f"{schema.UNIT_INFO.name}!B3"])


# =============================================================================================
# Control totals (收支总额) against each other and against the detail sheets


def check_i3(ctx: _Ctx) -> None:
    """收支总计 = Σ income-source 批复数 (I2/I3; with I9 this is 收支总计 = Σ 收入明细 = 表1/表3 合计)."""
    if "totals" in ctx.blank:
        return
    parts = [(ctx.cur(key), ctx.ref(key)) for _, key, _ in INCOME_SOURCES]
    found = sum((v for v, _ in parts), ZERO)
    stated = ctx.cur("grand_total")
    text = ("“收支总额”的收支总计还没有填写，各项收入批复数之和为 {b} 万元，请按批复填写。" if not stated else
            "“收支总额”各项收入批复数（一般公共预算、上级转移支付、政府性基金、国有资本经营、财政专户、单位资金、"
            "上年结转结余）之和 {b} 万元，与收支总计 {a} 万元相差 {d} 万元，请对照批复核对这些单元格。")
    ctx.compare("I3", stated, found, ctx.cell("grand_total") + _cells(parts), text, kind="control")


def check_i10a(ctx: _Ctx) -> None:
    """收支总计 = 基本支出 + 项目支出 (I10 at the total; with I3, I9, I10b: 基本支出 = 表3 基本支出合计)."""
    if "totals" in ctx.blank:
        return
    found = ctx.cur("basic") + ctx.cur("project")
    ctx.compare("I10a", ctx.cur("grand_total"), found,
                ctx.cell("grand_total") + ctx.cell("basic") + ctx.cell("project"),
                "“收支总额”的基本支出与项目支出之和 {b} 万元，与收支总计 {a} 万元相差 {d} 万元（表3 合计 = 基本支出 + "
                "项目支出），请对照批复核对收支总计、基本支出和项目支出。", kind="control")


def check_i10b(ctx: _Ctx) -> None:
    """项目支出批复数 = Σ all projects of every fund (表3 项目支出合计)."""
    if ctx.blank & {"totals", "projects"}:
        return
    found = sum((p.total() for p in ctx.b.projects), ZERO)
    ctx.compare("I10b", ctx.cur("project"), found, ctx.cell("project") + _project_cells(ctx, ctx.b.projects),
                "“项目”表全部项目（各资金来源）合计 {b} 万元，与“收支总额”的项目支出批复数 {a} 万元相差 {d} 万元，"
                "请核对项目金额和批复数。")


def check_i5(ctx: _Ctx) -> None:
    """单位资金 = Σ its five 其中 rows (表1 needs the split)."""
    if "totals" in ctx.blank:
        return
    parts = [(ctx.cur(k), ctx.ref(k)) for k in UNIT_PARTS]
    found = sum((v for v, _ in parts), ZERO)
    text = ("“收支总额”的单位资金 {a} 万元没有分到下面五个“其中”行（事业收入、上级补助收入、附属单位上缴收入、"
            "事业单位经营收入、其他收入），请按来源填写。" if not found else
            "“收支总额”单位资金的五个“其中”行之和 {b} 万元，与单位资金 {a} 万元相差 {d} 万元，请核对这些单元格。")
    ctx.compare("I5", ctx.cur("unit_funds"), found, ctx.cell("unit_funds") + _cells(parts), text)


def check_i9(ctx: _Ctx) -> None:
    """Each income source's 批复数 = the sum of its 收入明细 column(s) (表2 column totals = 表1 lines)."""
    if ctx.blank & {"totals", "income"}:
        return
    for label, key, funds in INCOME_SOURCES:
        records = [(bool(line.total()), [(line.amounts[f], line.cells.get(_fund_key(f))) for f in funds])
                   for line in ctx.b.income]
        found = sum((v for _, pairs in records for v, _ in pairs), ZERO)
        columns = "、".join(f"“{f.value}”" for f in funds)
        text = (f"“收入明细”{columns}列合计 {{b}} 万元，但“收支总额”的{label}批复数没有填写，请按批复填写。"
                if not ctx.cur(key) else
                f"“收入明细”{columns}列合计 {{b}} 万元，与“收支总额”的{label}批复数 {{a}} 万元相差 {{d}} 万元，"
                "请对照批复核对这一列各行的金额和批复数。")
        ctx.compare("I9", ctx.cur(key), found, ctx.cell(key) + ctx.addends(records), text)


def check_i15(ctx: _Ctx) -> None:
    """一般公共预算 + 上级转移支付 = 一般公共预算基本支出 + 项目支出 (表5 合计 = 基本 + 项目, I15)."""
    if "totals" in ctx.blank:
        return
    income = ctx.cur("gpb") + ctx.cur("gpb_transfer")
    spend = ctx.cur("gpb_basic") + ctx.cur("gpb_project")
    ctx.compare("I15", income, spend,
                ctx.cell("gpb") + ctx.cell("gpb_transfer") + ctx.cell("gpb_basic") + ctx.cell("gpb_project"),
                "“收支总额”的一般公共预算基本支出与项目支出之和 {b} 万元，与一般公共预算和上级一般公共预算转移支付之和"
                " {a} 万元相差 {d} 万元（表5），请对照批复核对这四个批复数。", kind="control")


def check_i16(ctx: _Ctx) -> None:
    """一般公共预算基本支出 = 基本支出表 (表6) 合计 (I16; 表5 基本支出 follows from I9, I15 and I20)."""
    if ctx.blank & {"totals", "basic"}:
        return
    found = sum((i.total() for i in ctx.b.basic), ZERO)
    ctx.compare("I16", ctx.cur("gpb_basic"), found, ctx.cell("gpb_basic") + _basic_cells(ctx, ctx.b.basic),
                "“基本支出”表（表6）人员经费和公用经费合计 {b} 万元，与“收支总额”的一般公共预算基本支出批复数 {a} 万元"
                "相差 {d} 万元，请核对这些单元格。")


def _beyond(ctx: _Ctx, pairs) -> bool:
    """Whether a detail differs from its 批复 by more than a 尾差: then I9/I16/I20/I22 name the
    mistyped cell, and the figure-has-one-value checks below would only repeat it."""
    return any(abs(a - b) > ctx.tolerance for a, b in pairs)


def check_i16b(ctx: _Ctx) -> None:
    """表5 基本支出 (by function: 一般公共预算 income − its projects) = 表6 合计 (by economic class), to
    the cent: both are printed, and one figure has one value in a document.  I9, I15, I16 and I20
    each allow a 0.01 尾差 against the 批复; their gaps must not add up to two different figures."""
    if ctx.blank & {"income", "basic", "projects"} or not ctx.b.basic:
        return
    income = sum((line.amounts.get(f, ZERO) for line in ctx.b.income for f in GPB_FUNDS), ZERO)
    projects = [p for p in ctx.b.projects if p.fund in GPB_FUNDS]
    by_function = income - sum((p.total() for p in projects), ZERO)
    by_economy = sum((i.total() for i in ctx.b.basic), ZERO)
    approved = ctx.cur("gpb_basic")
    if by_function == by_economy or _beyond(ctx, (
            (income, ctx.cur("gpb") + ctx.cur("gpb_transfer")), (by_economy, approved),
            (ctx.cur("gpb") + ctx.cur("gpb_transfer"), approved + ctx.cur("gpb_project")),
            (by_function - income, -ctx.cur("gpb_project")))):
        return
    if by_economy == approved:
        fix = f"表6 与批复数 {m(approved)} 万元一致，请调整“收入明细”的一般公共预算金额或一般公共预算项目的金额。"
    elif by_function == approved:
        fix = f"表5 与批复数 {m(approved)} 万元一致，请调整“基本支出”表中的一个单元格（尾差调整）。"
    else:
        fix = f"两者都与批复数 {m(approved)} 万元不同，请按批复调整。"
    income_cells = [c for line in ctx.b.income for f in GPB_FUNDS
                    if line.amounts.get(f) and (c := line.cells.get(_fund_key(f)))]
    ctx.error("I16b", f"一般公共预算基本支出按功能分类（表5：收入明细一般公共预算 {m(income)} 万元 − 一般公共预算项目）为 "
                      f"{m(by_function)} 万元，按经济分类（表6：“基本支出”表合计）为 {m(by_economy)} 万元，相差 "
                      f"{m(abs(by_function - by_economy))} 万元：同一个数字会在文档中出现两个值。{fix}",
              ctx.cell("gpb_basic") + _basic_cells(ctx, ctx.b.basic) + income_cells,
              amount=abs(by_function - by_economy), kind="detail")


def check_i20(ctx: _Ctx) -> None:
    """一般公共预算项目支出 = Σ projects funded by 一般公共预算 or its transfers (表7 合计 = 表5 项目)."""
    if ctx.blank & {"totals", "projects"}:
        return
    projects = [p for p in ctx.b.projects if p.fund in GPB_FUNDS]
    found = sum((p.total() for p in projects), ZERO)
    unfunded = sum((p.total() for p in ctx.b.projects if p.fund is None), ZERO)
    if unfunded and abs(found + unfunded - ctx.cur("gpb_project")) <= ctx.tolerance:
        return  # the projects without a fund explain it: R07 asks for their fund
    ctx.compare("I20", ctx.cur("gpb_project"), found, ctx.cell("gpb_project") + _project_cells(ctx, projects),
                "资金来源为一般公共预算或上级一般公共预算转移支付的项目（表7）合计 {b} 万元，与“收支总额”的"
                "一般公共预算项目支出批复数 {a} 万元相差 {d} 万元，请核对项目金额、资金来源和批复数。")


def check_i22(ctx: _Ctx) -> None:
    """上年结转结余 = Σ the 上年结转 sheet (表11 合计 = 表1 上年结转结余)."""
    if ctx.blank & {"totals", "carryover"}:
        return
    records = [(any(item.amounts.values()), [(v, item.cells.get(k)) for k, v in item.amounts.items()])
               for item in ctx.b.carryover]
    found = sum((v for _, pairs in records for v, _ in pairs), ZERO)
    ctx.compare("I22", ctx.cur("carryover"), found, ctx.cell("carryover") + ctx.addends(records),
                "“上年结转”表（表11）合计 {b} 万元，与“收支总额”的上年结转结余 {a} 万元相差 {d} 万元，请核对。")


def check_i5b(ctx: _Ctx) -> None:
    """表1's 单位资金 (收入明细) = its five 其中 rows (收支总额), to the cent: 表1 prints both."""
    if ctx.blank & {"totals", "income"}:
        return
    income = sum((line.amounts.get(Fund.UNIT, ZERO) for line in ctx.b.income), ZERO)
    parts = [(ctx.cur(k), ctx.ref(k)) for k in UNIT_PARTS]
    found = sum((v for v, _ in parts), ZERO)
    if income == found or _beyond(ctx, ((income, ctx.cur("unit_funds")), (found, ctx.cur("unit_funds")))):
        return
    ctx.error("I5b", f"“收入明细”单位资金列合计 {m(income)} 万元（表1 的“单位资金”），与“收支总额”单位资金五个“其中”行之和 "
                     f"{m(found)} 万元相差 {m(abs(income - found))} 万元：表1 的单位资金与它的“其中”会对不上，请调整其中一处"
                     "（尾差调整）。", _cells(parts) + [line.cells.get(_fund_key(Fund.UNIT)) for line in ctx.b.income
                                                   if line.amounts.get(Fund.UNIT)],
              amount=abs(income - found), kind="detail")


def check_i22b(ctx: _Ctx) -> None:
    """表1 上年结转结余 (收入明细's 结转/结余 columns) = 表11 (the 上年结转 sheet), 财政拨款结转 and
    非财政拨款结余 each, to the cent: both are printed (表1, 第三部分 二 and 十一)."""
    if ctx.blank & {"income", "carryover"}:
        return
    parts = (("财政拨款结转", "财政拨款", (Fund.CARRY_GPB, Fund.CARRY_GF, Fund.CARRY_SOE), "fiscal_"),
             ("非财政拨款结余", "非财政拨款", (Fund.BALANCE_SPECIAL, Fund.BALANCE_UNIT), "other_"))
    for label, columns, funds, prefix in parts:
        income = sum((line.amounts.get(f, ZERO) for line in ctx.b.income for f in funds), ZERO)
        records = [(any(item.amounts.values()), [(v, item.cells.get(k)) for k, v in item.amounts.items()
                                                 if k.startswith(prefix)]) for item in ctx.b.carryover]
        spent = sum((v for _, pairs in records for v, _ in pairs), ZERO)
        if income == spent or _beyond(ctx, ((income + spent, 2 * ctx.cur("carryover")),)):
            continue
        income_cells = [c for line in ctx.b.income for f in funds
                        if line.amounts.get(f) and (c := line.cells.get(_fund_key(f)))]
        ctx.error("I22b", f"“收入明细”的{label}收入合计 {m(income)} 万元（表1），与“上年结转”表{columns}各栏合计 "
                          f"{m(spent)} 万元（表11）相差 {m(abs(income - spent))} 万元：同一个数字会在文档中出现两个值，"
                          "请核对这两处。", income_cells + ctx.addends(records) or [_first_row(schema.CARRYOVER.name)],
                  amount=abs(income - spent), kind="detail")


def check_i23(ctx: _Ctx) -> None:
    """“三公”经费批复数 = Σ the 三公经费 sheet (表10 合计)."""
    if ctx.blank & {"totals", "sangong"}:
        return
    records = [(bool(i.total()), [(getattr(i, col), i.cells.get(col)) for col in ("gpb", "gf", "soe")])
               for i in ctx.b.sangong]
    found = sum((v for _, pairs in records for v, _ in pairs), ZERO)
    # the money, and of a row without any only its 一般公共预算 cell (three of four rows are often empty)
    cells = ctx.addends((True, pairs) for _, pairs in records) \
        + [i.cells.get("gpb") for i in ctx.b.sangong if not i.total()]
    ctx.compare("I23", ctx.cur("sangong"), found, ctx.cell("sangong") + cells,
                "“三公经费”表各项合计 {b} 万元，与“收支总额”的“三公”经费批复数 {a} 万元相差 {d} 万元，请核对这些单元格。")


def check_i23p(ctx: _Ctx) -> None:
    """上年 “三公”经费 = Σ 三公经费 上年预算数."""
    if ctx.blank & {"totals", "sangong"}:
        return
    pairs = [(i.prior, i.cells.get("prior")) for i in ctx.b.sangong]
    found = sum((v for v, _ in pairs), ZERO)
    ctx.compare("I23P", ctx.prior("sangong"), found, ctx.cell("sangong", "prior") + _cells(pairs),
                "“三公经费”表上年预算数合计 {b} 万元，与“收支总额”的“三公”经费上年预算数 {a} 万元相差 {d} 万元，"
                "请核对这些单元格。")


def check_i24(ctx: _Ctx) -> None:
    """Each 三公 item (一般公共预算) ≥ its 表6 economic 款: 表10 covers basic + project, 表6 basic only."""
    if ctx.blank & {"basic", "sangong"}:
        return
    for item in ctx.b.sangong:
        codes = SANGONG_CODES[item.key]
        basic = [i for i in ctx.b.basic if i.code in codes]
        spent = sum((i.total() for i in basic), ZERO)
        excess = spent - item.gpb
        if excess > ctx.tolerance:
            names = "、".join(codes)
            ctx.error("I24", f"“基本支出”表 {names} 的金额 {m(spent)} 万元大于“三公经费”表{item.label}的一般公共预算"
                             f" {m(item.gpb)} 万元（“三公”经费包含基本支出中的这些科目，不能更少），请核对。",
                      [item.cells.get("gpb")] + _basic_cells(ctx, basic), amount=excess, kind="bound")


SANGONG_FUNDS = (("gpb", "一般公共预算", (Fund.GPB, Fund.GPB_TRANSFER, Fund.CARRY_GPB)),
                 ("gf", "政府性基金", (Fund.GF, Fund.GF_TRANSFER, Fund.CARRY_GF)),
                 ("soe", "国有资本经营预算", (Fund.SOE, Fund.SOE_TRANSFER, Fund.CARRY_SOE)))


def check_i24b(ctx: _Ctx) -> None:
    """财政拨款“三公”经费 of each budget ≤ that budget's money (本级, 上级 and 结转): 表10 spends 财政拨款."""
    if ctx.blank & {"income", "sangong"}:
        return
    for column, label, funds in SANGONG_FUNDS:
        spent = sum((getattr(i, column) for i in ctx.b.sangong), ZERO)
        money_ = sum((ctx.income[c][f] for c in ctx.income for f in funds), ZERO)
        if spent > money_:
            ctx.error("I24b", f"“三公经费”表{label}列合计 {m(spent)} 万元，超过“收入明细”中{label}的收入（含上级转移支付和"
                              f"结转） {m(money_)} 万元：财政拨款“三公”经费只能由财政拨款安排，请核对。",
                      [i.cells.get(column) for i in ctx.b.sangong if getattr(i, column)]
                      + [line.cells.get(_fund_key(f)) for line in ctx.b.income for f in funds if line.amounts.get(f)],
                      amount=spent - money_, kind="bound")


def check_i25(ctx: _Ctx) -> None:
    """机关运行经费 = 表6 公用经费 for 行政单位/参公事业单位 (error); a 提示 for 事业单位."""
    if ctx.blank & {"totals", "basic"}:
        return
    public = sum((i.public for i in ctx.b.basic), ZERO)
    stated = ctx.cur("running")
    cells = ctx.cell("running") + _basic_cells(ctx, ctx.b.basic, ("public",))
    if ctx.b.unit.is_administrative:
        ctx.compare("I25", stated, public, cells,
                    "“基本支出”表公用经费合计 {b} 万元，与“收支总额”的机关运行经费 {a} 万元相差 {d} 万元"
                    "（行政单位和参公事业单位的机关运行经费即一般公共预算基本支出中的公用经费），请核对。")
    else:
        ctx.compare("I25", stated, public, cells,
                    ("“收支总额”的机关运行经费没有填写，“基本支出”表公用经费合计为 {b} 万元。" if not stated else
                     "“收支总额”的机关运行经费 {a} 万元与“基本支出”表公用经费合计 {b} 万元不同（相差 {d} 万元）。")
                    + "事业单位的口径可以不同，请确认。", severity=WARNING)


# =============================================================================================
# Prior year


def check_i30(ctx: _Ctx) -> None:
    """上年: Σ 收入明细 上年一般公共预算数 = 上年 一般公共预算 + 转移支付 = 上年 基本 + 项目 (I30)."""
    if "totals" in ctx.blank:
        return
    pair = ctx.prior("gpb") + ctx.prior("gpb_transfer")
    pair_cells = ctx.cell("gpb", "prior") + ctx.cell("gpb_transfer", "prior")
    if "income" not in ctx.blank:
        records = [(bool(line.total() or line.prior_gpb), [(line.prior_gpb, line.cells.get("prior_gpb"))])
                   for line in ctx.b.income]
        found = sum((line.prior_gpb for line in ctx.b.income), ZERO)
        ctx.compare("I30", pair, found, pair_cells + ctx.addends(records),
                    "“收入明细”上年一般公共预算数合计 {b} 万元，与“收支总额”上年一般公共预算和上级一般公共预算转移支付"
                    "之和 {a} 万元相差 {d} 万元（说明中逐项增减之和要等于收入的增减），请核对这些单元格。")
    ctx.compare("I30", pair, ctx.prior("gpb_basic") + ctx.prior("gpb_project"),
                pair_cells + ctx.cell("gpb_basic", "prior") + ctx.cell("gpb_project", "prior"),
                "“收支总额”上年一般公共预算基本支出与项目支出之和 {b} 万元，与上年一般公共预算和上级一般公共预算转移支付"
                "之和 {a} 万元相差 {d} 万元，请对照上年预算核对这四个上年数。", kind="control")


def check_i31(ctx: _Ctx) -> None:
    """上年 收支总计 = Σ 上年 sources = 上年 基本支出 + 项目支出 (I31)."""
    if "totals" in ctx.blank:
        return
    parts = [(ctx.prior(key), ctx.ref(key, "prior")) for _, key, _ in INCOME_SOURCES]
    stated = ctx.prior("grand_total")
    ctx.compare("I31", stated, sum((v for v, _ in parts), ZERO), ctx.cell("grand_total", "prior") + _cells(parts),
                "“收支总额”上年预算数各项收入之和 {b} 万元，与上年收支总计 {a} 万元相差 {d} 万元，请对照上年预算核对。",
                kind="control")
    ctx.compare("I31", stated, ctx.prior("basic") + ctx.prior("project"),
                ctx.cell("grand_total", "prior") + ctx.cell("basic", "prior") + ctx.cell("project", "prior"),
                "“收支总额”上年基本支出与项目支出之和 {b} 万元，与上年收支总计 {a} 万元相差 {d} 万元，请对照上年预算核对。",
                kind="control")


# =============================================================================================
# Per 项: projects against the income they are charged to


def _project_groups(ctx: _Ctx) -> dict[tuple[str, Fund], list]:
    groups = defaultdict(list)
    for p in ctx.b.projects:
        if p.fund is not None and len(p.code) == 7:
            groups[(p.code, p.fund)].append(p)
    return groups


def check_r11(ctx: _Ctx) -> None:
    """A project's 项 is a 收入明细 row with money in the project's fund."""
    if "income" in ctx.blank:
        return
    for (code, fund), projects in _project_groups(ctx).items():
        for p in projects:
            if code not in ctx.income:
                ctx.error("R11", f"项目“{p.name}”的功能科目 {code} 在“收入明细”中没有这一行，请核对编码，"
                                 "或在“收入明细”中补上这一项的收入。", p.cells("code", "name"))
            elif not ctx.income[code][fund]:
                ctx.error("R11", f"项目“{p.name}”的资金来源是“{fund.value}”，但“收入明细”{code} 这一行没有"
                                 f"“{fund.value}”的收入，请核对资金来源或收入明细。",
                          p.cells("fund", "code") + ctx.income_cells[(code, fund)])


def check_i34(ctx: _Ctx) -> None:
    """Per 项 and fund: Σ projects ≤ income, i.e. 基本支出 = 收入 − 项目 ≥ 0 (I34; implies I33)."""
    if "income" in ctx.blank:
        return
    for (code, fund), projects in _project_groups(ctx).items():
        income = ctx.income[code][fund] if code in ctx.income else ZERO
        if not income:
            continue  # R11
        spent = sum((p.total() for p in projects), ZERO)
        if spent - income > 0:
            names = "、".join(f"“{p.name}”" for p in projects)
            ctx.error("I34", f"功能科目 {code} 的“{fund.value}”项目（{names}）合计 {m(spent)} 万元，超过“收入明细”这一项"
                             f"的“{fund.value}”收入 {m(income)} 万元（相差 {m(spent - income)} 万元），基本支出不能为负，"
                             "请核对项目金额和收入。",
                      ctx.income_cells[(code, fund)] + _project_cells(ctx, projects), amount=spent - income,
                      kind="bound")


def check_i36(ctx: _Ctx) -> None:
    """表8/表9 split each 项's 基本支出 (income − projects of that budget, 本级 and 上级) into 人员经费
    and 公用经费: the 基金基本支出 rows of the 项 and budget add up to it exactly, since both are printed."""
    if "income" in ctx.blank:
        return
    groups = _project_groups(ctx)
    rows: dict[tuple[str, str], list] = defaultdict(list)
    for item in ctx.b.fund_basic:
        if item.code and item.family in schema.FUND_BASIC_FAMILIES:  # else R07 / the reader's error
            rows[(item.code, item.family)].append(item)
    sheet = schema.FUND_BASIC.name
    for no, (family, funds) in ((8, FAMILIES[1]), (9, FAMILIES[2])):
        for code in sorted(ctx.income.keys() | {c for c, f in rows if f == family}):
            income = sum((ctx.income[code][f] for f in funds), ZERO) if code in ctx.income else ZERO
            projects = [p for f in funds for p in groups.get((code, f), [])]
            basic = income - sum((p.total() for p in projects), ZERO)
            items = rows.get((code, family), [])
            found = sum((i.total() for i in items), ZERO)
            income_cells = [c for f in funds if income and ctx.income[code][f] for c in ctx.income_cells[(code, f)]]
            if basic < 0 or not (basic or items):
                continue  # I34 / nothing to split
            if not items:  # a 提示: a workbook made before this sheet existed still builds
                ctx.warning("I36", f"功能科目 {code} 的{family}（含上级转移支付）收入 {m(income)} 万元，减去这一项的{family}"
                                   f"项目 {m(income - basic)} 万元，基本支出为 {m(basic)} 万元；表{no} 要把它分为人员经费和"
                                   f"公用经费，但“{sheet}”表没有这一项，表{no} 这一行（及其合计）的人员经费、公用经费将空着，"
                                   f"只公布基本支出。请在“{sheet}”表加一行：功能科目编码 {code}，资金性质“{family}”，"
                                   f"人员经费与公用经费之和为 {m(basic)} 万元（工作簿没有这张表的，从 gen template "
                                   "生成的新模板复制过来）。", income_cells)
            elif not basic:
                why = (f"“收入明细”这一项的{family}（含上级转移支付）收入 {m(income)} 万元已全部是项目支出，没有基本支出。"
                       "请删除这一行，或核对收入和项目金额。" if income else
                       f"“收入明细”中功能科目 {code} 没有{family}（含上级转移支付）的收入，也就没有这种资金的基本支出。"
                       "请核对功能科目编码（7位项级）和资金性质，或删除这一行。")
                ctx.error("I36", f"“{sheet}”填了功能科目 {code} 的{family}基本支出 {m(found)} 万元，但{why}",
                          _basic_cells(ctx, items) + [c for i in items for c in i.cells("code")] + income_cells,
                          amount=found)
            elif found != basic:
                ctx.error("I36", f"“{sheet}”功能科目 {code} {family}的人员经费与公用经费之和为 {m(found)} 万元，而这一项的"
                                 f"{family}基本支出（“收入明细”收入 {m(income)} 万元 − 项目支出 {m(income - basic)} 万元）"
                                 f"为 {m(basic)} 万元，相差 {m(abs(found - basic))} 万元（表{no} 的人员经费与公用经费之和必须"
                                 "等于基本支出），请核对人员经费和公用经费。",
                          _basic_cells(ctx, items) + income_cells + _project_cells(ctx, projects),
                          amount=abs(found - basic), kind="detail")


# =============================================================================================
# 其他事项 and 单位信息 cross-checks


def _other(ctx: _Ctx, key: str) -> tuple[Decimal, str | None]:
    return Decimal(ctx.b.other.get(key) or 0), ctx.b.other_cells.get(key)


def _sum_check(ctx: _Ctx, rule: str, total_key: str, part_keys, text: str) -> None:
    total, total_cell = _other(ctx, total_key)
    parts = [_other(ctx, k) for k in part_keys]
    ctx.compare(rule, total, sum((v for v, _ in parts), ZERO), [total_cell] + _cells(parts), text)


def check_i26(ctx: _Ctx) -> None:
    """政府采购 = 货物 + 工程 + 服务."""
    _sum_check(ctx, "I26", "procurement", ("procurement_goods", "procurement_works", "procurement_services"),
               "“其他事项”政府采购货物、工程、服务预算之和 {b} 万元，与政府采购预算 {a} 万元相差 {d} 万元，请核对。")


def check_i26a(ctx: _Ctx) -> None:
    """面向中小企业预留 ≤ 政府采购; 其中小微企业 ≤ 中小企业."""
    for small, big, text in (("procurement_sme", "procurement", "面向中小企业预留 {s} 万元超过政府采购预算 {b} 万元"),
                             ("procurement_micro", "procurement_sme", "小微企业预留 {s} 万元超过面向中小企业预留 {b} 万元")):
        (s, s_cell), (b, b_cell) = _other(ctx, small), _other(ctx, big)
        if s - b > 0:
            ctx.error("I26a", "“其他事项”" + text.format(s=m(s), b=m(b)) + "（是它的一部分），请核对。",
                      [s_cell, b_cell], amount=s - b, kind="bound")


def check_c01(ctx: _Ctx) -> None:
    """车辆数 = 一般公务用车 + 执法执勤用车 + 其他车辆."""
    _sum_check(ctx, "C01", "vehicles", ("cars_general", "cars_law", "cars_other"),
               "“其他事项”一般公务用车、执法执勤用车、其他车辆数之和 {b} 辆，与车辆数 {a} 辆不符，请核对。")


def check_c02(ctx: _Ctx) -> None:
    """车辆价值 = Σ the three kinds' values."""
    _sum_check(ctx, "C02", "vehicles_value", ("cars_general_value", "cars_law_value", "cars_other_value"),
               "“其他事项”三类车辆价值之和 {b} 万元，与车辆价值 {a} 万元相差 {d} 万元，请核对。")


def check_i35(ctx: _Ctx) -> None:
    """实有人数 = 在职 + 退休 + 离休 (本年 and 上年)."""
    u, cells = ctx.b.unit, ctx.b.unit_cells
    keys = ("staff_total", "staff_active", "staff_retired", "staff_veteran")
    for i, (when, suffix) in enumerate((("本年", ""), ("上年", ".prior"))):
        total = u.staff_total[i]
        parts = u.staff_active[i] + u.staff_retired[i] + u.staff_veteran[i]
        if total != parts:
            ctx.error("I35", f"“单位信息”{when}在职、退休、离休人数之和 {parts} 人，与{when}实有人数 {total} 人不符，请核对。",
                      [cells.get(k + suffix) for k in keys], amount=Decimal(abs(total - parts)), kind="detail")


# =============================================================================================
# Values: codes, names, duplicates, required fields


def _fold(name: str) -> str:
    """Names compared without width differences (（） vs ()) or spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def check_r04(ctx: _Ctx) -> None:
    """Codes of the right length and hierarchy."""
    b, function = ctx.b, ctx.catalog.function
    known = lambda code: code in function or code in b.names  # noqa: E731
    missing_kuan: dict[str, list[str]] = defaultdict(list)
    for line in b.income:
        cell = line.cells.get("code")
        if not line.code:
            continue  # R07
        if len(line.code) in (3, 5):
            ctx.error("R04", f"“收入明细”{line.code} 是{line.code.level}级编码，金额要填在所属的 7 位项级编码行；"
                             "3 位或 5 位编码行只用来补充目录中没有的类、款名称，不填金额。", [cell])
        elif len(line.code) != 7:
            ctx.error("R04", f"“收入明细”的功能科目编码 {line.code} 应为 7 位项级编码（如 2080109），请核对。", [cell])
        elif not known(line.code[:3]):
            ctx.error("R04", f"功能科目 {line.code} 的类 {line.code[:3]} 不是支出功能分类的类（201～234），请核对编码。",
                      [cell])
        elif not known(line.code[:5]):
            missing_kuan[line.code[:5]].append(cell)
    for kuan, cells in missing_kuan.items():
        ctx.error("R04", f"款 {kuan} 在目录中没有名称，文档中（表格和第三部分的说明）这一款的名称会是空的。请在“收入明细”加一行：编码 {kuan}、"
                         "填写款名称、不填金额；或用 --catalog 提供完整目录。", cells)
    for p in b.projects:
        if p.code and len(p.code) != 7:
            ctx.error("R04", f"项目“{p.name}”的功能科目编码 {p.code} 应为 7 位项级编码，请核对。", p.cells("code"))
    for item in b.basic:
        if item.code and (len(item.code) != 5 or item.code[:3] not in ECON_CLASSES):
            ctx.error("R04", f"“基本支出”的经济科目编码 {item.code} 应为 5 位款级编码，前 3 位为 "
                             f"{'/'.join(ECON_CLASSES)} 之一（如 30101），请核对。", item.cells("code"))
    for (code, _), cells in b.uses_cells.items():
        if code and len(code) != 3:
            ctx.error("R04", f"“支出用途”的功能类编码 {code} 应为 3 位（如 208），请核对。", cells("code"))


def check_r05(ctx: _Ctx) -> None:
    """Names against the catalog: a different name is a 提示 with the catalog's; an unknown code too."""
    b, cat = ctx.b, ctx.catalog
    hint = "《政府收支分类科目》目录"
    for line in b.income:
        if len(line.code) != 7 or not line.name:
            continue
        official = cat.function.get(line.code)
        if official is None:
            ctx.warning("R05", f"目录中未找到功能科目 {line.code}（“{line.name}”），请核对编码；编码无误的可用 --catalog "
                               "提供完整目录。", line.cells("code", "name"))
        elif _fold(official) != _fold(line.name):
            ctx.warning("R05", f"功能科目 {line.code} 的名称“{line.name}”与{hint}中的“{official}”不同，请核对（以目录为准）。",
                        line.cells("name"))
    for code, name in b.names.items():
        official = cat.function.get(code)
        if official and name and _fold(official) != _fold(name):
            ctx.warning("R05", f"功能科目 {code} 的名称“{name}”与{hint}中的“{official}”不同，请核对（以目录为准）。",
                        b.name_cells.get(code, Cells())("name"))
    for item in b.basic:
        if len(item.code) != 5 or item.code[:3] not in ECON_CLASSES or not item.name:
            continue  # R04
        official = cat.economic.get(item.code)
        if official is None:
            ctx.warning("R05", f"目录中未找到经济科目 {item.code}（“{item.name}”），请核对编码；编码无误的可用 --catalog "
                               "提供完整目录。", item.cells("code", "name"))
        elif _fold(official) != _fold(item.name):
            ctx.warning("R05", f"经济科目 {item.code} 的名称“{item.name}”与{hint}中的“{official}”不同，请核对（以目录为准）。",
                        item.cells("name"))


def check_r06(ctx: _Ctx) -> None:
    """The same 项, 经济科目 or project (name + fund) entered twice."""
    b = ctx.b

    def report(groups, text):
        for key, cells in groups.items():
            if len(cells) > 1:
                ctx.error("R06", text(key), [c for group in cells for c in group])

    lines = defaultdict(list)
    for line in b.income:
        if line.code:
            lines[line.code].append(line.cells("code"))
    report(lines, lambda code: f"“收入明细”中功能科目 {code} 出现了不止一行，请合并为一行。")
    items = defaultdict(list)
    for item in b.basic:
        if item.code:
            items[item.code].append(item.cells("code"))
    report(items, lambda code: f"“基本支出”中经济科目 {code} 出现了不止一行，请合并为一行。")
    projects = defaultdict(list)
    for p in b.projects:
        if p.name:
            projects[(p.name, p.fund)].append(p.cells("name"))
    report(projects, lambda key: f"“项目”表中“{key[0]}”（{key[1].value if key[1] else '未填资金来源'}）出现了不止一行，"
                                 "请合并，或改用不同的项目名称。")


def check_r07(ctx: _Ctx) -> None:
    """Required fields and choices."""
    b, u, cells = ctx.b, ctx.b.unit, ctx.b.unit_cells
    if "unit" not in ctx.blank:
        required = (("name", u.name), ("year", u.year), ("date", u.date), ("kind", u.kind),
                    ("departments", u.departments), ("establishment", u.establishment),
                    ("staff_total", u.staff_total[0]), ("staff_active", u.staff_active[0]))
        for key, value in required:
            if not value:
                f = schema.UNIT_INFO.field(key)
                ctx.error("R07", f"“单位信息”的“{f.label}”还没有填写{'（或为 0）' if f.kind is schema.Kind.COUNT else ''}"
                                 f"，请填写{('：' + f.help.rstrip('。') + '。') if f.help else '。'}", [cells.get(key)])
        choices = schema.UNIT_INFO.field("kind").choices
        if u.kind and u.kind not in choices:
            ctx.error("R07", f"单位类型“{u.kind}”不在可选范围内，请填写{'、'.join(choices)}之一。", [cells.get("kind")])
        if not u.functions:
            ctx.error("R07", "“主要职能”表还没有填写，请一行一条填写单位的主要职能。", [_first_row(schema.FUNCTIONS.name)])

    def need(sheet, label, value, cell, what=""):
        if not value:
            ctx.error("R07", f"“{sheet.name}”{what}的“{label}”还没有填写，请补上。", [cell])

    for line in b.income:
        need(schema.INCOME, "功能科目编码", line.code, line.cells.get("code"), f"第 {_row(line.cells)} 行")
        need(schema.INCOME, "功能科目名称", line.name, line.cells.get("name"), f" {line.code}")
    for p in b.projects:
        where = f"“{p.name}”" if p.name else f"第 {_row(p.cells)} 行"
        need(schema.PROJECTS, "项目名称", p.name, p.cells.get("name"), where)
        need(schema.PROJECTS, "功能科目编码", p.code, p.cells.get("code"), where)
        if p.fund is None:
            ctx.error("R07", f"“项目”{where}没有有效的资金来源，请从下拉列表中选择。", p.cells("fund"))
    for item in b.basic:
        need(schema.BASIC, "经济科目编码", item.code, item.cells.get("code"), f"第 {_row(item.cells)} 行")
        need(schema.BASIC, "经济科目名称", item.name, item.cells.get("name"), f" {item.code}")
    for item in b.fund_basic:
        need(schema.FUND_BASIC, "功能科目编码", item.code, item.cells.get("code"), f"第 {_row(item.cells)} 行")
        need(schema.FUND_BASIC, "资金性质", item.family, item.cells.get("family"), f" {item.code}")
    for item in b.carryover:
        need(schema.CARRYOVER, "项目名称", item.name, item.cells.get("name"), f"第 {_row(item.cells)} 行")
    for (code, family), c in b.uses_cells.items():
        need(schema.USES, "功能类编码", code, c.get("code"), f"第 {_row(c)} 行")
        need(schema.USES, "主要用途", b.uses.get((code, family)), c.get("text"), f" {code}")
    for sheet, indicators in ((schema.OVERALL_PERF, b.overall_perf), (schema.PROJECT_PERF, b.project_perf)):
        for ind in indicators:
            for column in sheet.columns:
                if column.required:
                    need(sheet, column.label, ind.values.get(column.key), ind.cells.get(column.key),
                         f"第 {_row(ind.cells)} 行")


def _row(cells: Cells) -> str:
    ref = next(iter(cells.values()), "")
    return re.sub(r"^.*![A-Z]+", "", ref) or "?"


def check_r08(ctx: _Ctx) -> None:
    """A 主要原因 wherever a compared figure changed by more than the threshold."""
    b, threshold = ctx.b, ctx.threshold

    def changed(cur: Decimal, prior: Decimal) -> bool:  # as printed: a change that rounds away is "持平", unexplained
        return abs(money(cur) - money(prior)) > threshold

    def text(what: str, cur: Decimal, prior: Decimal, cell: str | None) -> str:
        way = "增加" if cur > prior else "减少"
        return (f"{what}本年 {m(cur)} 万元比上年 {m(prior)} 万元{way} {m(abs(cur - prior))} 万元，说明中要写主要原因，"
                f"请在 {cell or '主要原因栏'} 填写。")

    sangong_items_explained = all(i.reason or not changed(i.total(), i.prior) for i in b.sangong)
    if "totals" not in ctx.blank:
        for f in schema.TOTALS.fields:
            c = b.totals.get(f.key)
            if not f.has_reason or c is None or c.reason or not changed(c.current, c.prior):
                continue
            if f.key == "sangong" and (sangong_items_explained or "sangong" in ctx.blank):
                continue  # the 三公 total is explained item by item (第三部分 十)
            ctx.error("R08", text(f"“收支总额”的{f.label}", c.current, c.prior, ctx.ref(f.key, "reason")),
                      ctx.cell(f.key, "reason") + ctx.cell(f.key) + ctx.cell(f.key, "prior"))
    if "income" not in ctx.blank:
        for line in b.income:
            cur = line.amounts[Fund.GPB] + line.amounts[Fund.GPB_TRANSFER]
            if len(line.code) == 7 and not line.reason and changed(cur, line.prior_gpb):
                ctx.error("R08", text(f"“收入明细”{line.code} {line.name}的一般公共预算（含上级转移支付）", cur,
                                      line.prior_gpb, line.cells.get("reason")),
                          line.cells("reason", "gpb", "gpb_transfer", "prior_gpb"))
    if "sangong" not in ctx.blank:
        for item in b.sangong:
            if not item.reason and changed(item.total(), item.prior):
                ctx.error("R08", text(f"“三公经费”{item.label}", item.total(), item.prior, item.cells.get("reason")),
                          item.cells("reason", "gpb", "gf", "soe", "prior"))


def check_r12(ctx: _Ctx) -> None:
    """A project with no money (表7 rows must carry economic-class amounts)."""
    for p in ctx.b.projects:
        if p.name and not p.total():
            ctx.error("R12", f"项目“{p.name}”没有填写任何经济分类金额（表7），请按经济分类类级填写金额，"
                             "或删除这一行。", p.cells("name", *(_econ_key(e) for e in EconClass)))


def check_r13(ctx: _Ctx) -> None:
    """项目绩效 rows name a project of the 项目 sheet."""
    if "projects" in ctx.blank:
        return
    names = {p.name for p in ctx.b.projects}
    seen = set()
    for ind in ctx.b.project_perf:
        name = ind.values.get("project", "")
        if name and name not in names and name not in seen:
            seen.add(name)
            ctx.error("R13", f"“项目绩效”中的项目“{name}”在“项目”表中没有，请与“项目”表的项目名称保持一致。",
                      ind.cells("project"))


def check_r14(ctx: _Ctx) -> None:
    """301/303 are 人员经费, 302 公用经费: money in the other column is worth a look."""
    for item in ctx.b.basic:
        lei = item.code[:3]
        if lei in ("301", "303") and item.public:
            ctx.warning("R14", f"经济科目 {item.code} {item.name}属于人员经费（{lei}），却在“公用经费”列填了 "
                               f"{m(item.public)} 万元，请确认。", item.cells("public"))
        elif lei == "302" and item.personnel:
            ctx.warning("R14", f"经济科目 {item.code} {item.name}属于公用经费（302 商品和服务支出），却在“人员经费”列填了 "
                               f"{m(item.personnel)} 万元，请确认。", item.cells("personnel"))


def check_r15(ctx: _Ctx) -> None:
    """Each 功能类 with 财政拨款 money has its 主要用途 for that kind of 财政拨款 (第三部分 四 says
    "主要用于…" only with the use written for it, ``compute.use_text``): an error for 一般公共预算, a
    提示 for the other two, whose sentence then names the amount without a use."""
    if "income" in ctx.blank:
        return
    ledger = Ledger(ctx.b)
    by_family = {family: fiscal_by_class(ledger, funds) for family, funds in FAMILIES}
    for family, classes in by_family.items():
        for lei in classes:
            present = {f for f, c in by_family.items() if lei in c}
            if len(lei) != 3 or use_text(ctx.b, lei, family, present):
                continue
            cells = [line.cells.get("code") for line in ctx.b.income if line.code[:3] == lei]
            where = ctx.b.uses_cells.get((lei, family), Cells())("text") or [_first_row(schema.USES.name)]
            if family == FAMILIES[0][0]:
                ctx.error("R15", f"功能类 {lei} 有一般公共预算收入，但“支出用途”中没有写它的主要用途（说明第三部分 四要用），"
                                 "请补上一行。", where + cells)
            else:
                ctx.warning("R15", f"功能类 {lei} 有{family}收入，“支出用途”中没有资金性质为“{family}”的一行，"
                                   f"说明第三部分 四的{family}支出将只写金额、不写用途。需要写用途的，请补上一行。",
                            where + cells)


def _amounts(b: Budget):
    """(amount in 万元, its cell) for every amount the workbook holds."""
    for line in b.income:
        yield from ((v, line.cells.get(_fund_key(f))) for f, v in line.amounts.items())
        yield line.prior_gpb, line.cells.get("prior_gpb")
    for p in b.projects:
        yield from ((p.econ[e], p.cells.get(_econ_key(e))) for e in EconClass)
    for item in [*b.basic, *b.fund_basic]:
        yield from ((item.personnel, item.cells.get("personnel")), (item.public, item.cells.get("public")))
    for item in b.sangong:
        yield from ((getattr(item, k), item.cells.get(k)) for k in ("gpb", "gf", "soe", "prior"))
    for key, c in b.totals.items():
        cells = b.totals_cells.get(key, {})
        yield from ((c.current, cells.get("current")), (c.prior, cells.get("prior")))
    for f in schema.OTHER.fields:
        if f.kind is schema.Kind.AMOUNT:
            yield Decimal(b.other.get(f.key) or 0), b.other_cells.get(f.key)


def check_r16(ctx: _Ctx) -> None:
    """An amount under 50 元 shows as 0.00 万元: the clerk should know before the document says so."""
    if not ctx.b.unit.in_yuan:
        return
    for value, cell in _amounts(ctx.b):
        if value and not money(value) and cell:
            ctx.warning("R16", f"这里的 {m(value * 10000)} 元不足 50 元：公开文档以万元保留两位小数，显示为 0.00 万元，"
                               "与上年比较时按 0.00 叙述（如“与上年预算持平”）。请核实该金额；确为小额的可不处理。", [cell])


# =============================================================================================
# R09: text hygiene


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3001-\u303f\uff01-\uffef“”‘’…—]")
_HALF = re.compile(r"[,;:?!()]")
_FULL = dict(zip(",;:?!()", "，；：？！（）"))
_SPACE_CJK = re.compile(rf"(?<={_CJK.pattern})[ \u3000]+(?={_CJK.pattern})")
_DATE_ZERO = re.compile(r"\d{4}\s*年\s*0\d\s*月|月\s*0\d\s*日")


def _neighbour(text: str, i: int, step: int) -> str:
    i += step
    while 0 <= i < len(text) and text[i] in " \u3000":
        i += step
    return text[i] if 0 <= i < len(text) else ""


def text_problems(text: str) -> list[str]:
    """What a careful proof-reader would mark in one cell's Chinese text."""
    problems = []
    halves = sorted({ch for mt in _HALF.finditer(text) for ch in [mt.group()]
                     if _CJK.match(_neighbour(text, mt.start(), -1) or " ")
                     or _CJK.match(_neighbour(text, mt.start(), 1) or " ")})
    if {"(", ")"} & set(halves):  # a pair is fixed as a pair
        halves = sorted(set(halves) | ({"(", ")"} & set(text)))
    if halves:
        problems.append("中文里用了半角标点" + "".join(f"“{h}”" for h in halves) + "，应改为全角"
                        + "".join(f"“{_FULL[h]}”" for h in halves))
    if re.search(r"[ \u3000]{2,}", text.strip()):
        problems.append("有连续的空格")
    elif _SPACE_CJK.search(text):
        problems.append("汉字之间有空格")
    if any(line != line.strip() for line in text.splitlines() if line.strip()):
        problems.append("有的行首或行尾有空格")
    mt = _DATE_ZERO.search(text)
    if mt:
        problems.append(f"日期“{mt.group()}”有前导零，公文日期应写作如“2024年1月26日”")
    return problems


def _text_cells(b: Budget):
    """(cell, text) of every free-text cell the document prints."""
    u, uc = b.unit, b.unit_cells
    for key in ("name", "subordinates", "contact", "overall_goal"):
        yield uc.get(key), getattr(u, key)
    yield uc.get("departments"), "、".join(u.departments)
    for text, cells in zip(u.functions, b.function_cells):
        yield cells.get("text"), text
    for key, c in b.totals.items():
        yield b.totals_cells.get(key, {}).get("reason"), c.reason
    for line in b.income:
        yield line.cells.get("name"), line.name
        yield line.cells.get("reason"), line.reason
    for code, name in b.names.items():
        yield b.name_cells.get(code, {}).get("name"), name
    for key, text in b.uses.items():
        yield b.uses_cells.get(key, {}).get("text"), text
    for p in b.projects:
        yield p.cells.get("name"), p.name
        for key, text in p.text.items():
            yield p.cells.get(key), text
    for item in b.basic:
        yield item.cells.get("name"), item.name
    for item in b.sangong:
        yield item.cells.get("reason"), item.reason
    for item in b.carryover:
        yield item.cells.get("name"), item.name
    for ind in b.overall_perf + b.project_perf:
        for key, value in ind.values.items():
            if isinstance(value, str):
                yield ind.cells.get(key), value


def check_r09(ctx: _Ctx) -> None:
    """Half-width punctuation in Chinese, stray spaces, leading-zero dates: one 提示 per cell."""
    seen = set()
    for cell, text in _text_cells(ctx.b):
        if not cell or not text or cell in seen:
            continue
        seen.add(cell)
        problems = text_problems(text)
        if problems:
            ctx.warning("R09", f"“{text[:24]}{'…' if len(text) > 24 else ''}”：" + "；".join(problems) + "。", [cell])


# =============================================================================================
# Merging: one mistake, one finding


KIND_RANK = {"detail": 0, "control": 1, "bound": 2}


def _merge(issues: list[Issue], tolerance: Decimal) -> list[Issue]:
    """Issues that fail by the same amount and share a cell are one mistake (a bound failing by no
    more than that amount joins them): report the most specific one, shared cells first."""
    numeric = [i for i in issues if i.severity == ERROR and i.amount is not None]
    replaced: dict[int, Issue | None] = {}
    cellsets = {id(i): frozenset(i.cells) for i in numeric}  # an issue can name 100k cells
    while True:
        best: list[Issue] = []
        for issue in numeric:
            if id(issue) in replaced or issue.kind == "bound":
                continue
            for cell in dict.fromkeys(issue.cells):
                group = [i for i in numeric if id(i) not in replaced and cell in cellsets[id(i)] and (
                    abs(i.amount - issue.amount) <= tolerance if i.kind != "bound"
                    else i.amount <= issue.amount + tolerance)]
                if len(group) > len(best):
                    best = group
        if len(best) < 2:
            break
        lead = min(best, key=lambda i: (KIND_RANK.get(i.kind, 3), len(i.cells), issues.index(i)))
        others = [i for i in best if i is not lead]
        shared = [c for c in lead.cells if all(c in i.cells for i in others)]
        cells = tuple(dict.fromkeys(shared + [c for i in [lead] + others for c in i.cells]))
        names = "、".join("{}（{}）".format(*i.rule.split(" ", 1)) for i in others)
        note = f"同一差额也使 {names} 不成立"
        if len(shared) <= 3:
            note += f"，它们共同涉及 {'、'.join(shared)}，请先核对" + ("它" if len(shared) == 1 else "这几个单元格")
        message = lead.message.rstrip("。") + "。（" + note + "。）"
        replaced[id(lead)] = Issue(lead.severity, lead.rule, message, cells, lead.amount, lead.kind)
        for i in others:
            replaced[id(i)] = None
    out = []
    for issue in issues:
        if id(issue) in replaced:
            if replaced[id(issue)] is not None:
                out.append(replaced[id(issue)])
        else:
            out.append(issue)
    return out


# =============================================================================================


CHECKS = (
    check_blank_sheets,
    check_i3, check_i10a, check_i10b, check_i5, check_i9, check_i15, check_i16, check_i16b, check_i20, check_i22,
    check_i22b, check_i5b,
    check_i23, check_i23p, check_i24, check_i24b, check_i25, check_i30, check_i31,
    check_r11, check_i34, check_i36,
    check_i26, check_i26a, check_c01, check_c02, check_i35,
    check_r04, check_r05, check_r06, check_r07, check_r08, check_r12, check_r13, check_r14, check_r15, check_r16,
    check_r09,
)


def check_budget(budget: Budget, catalog: Catalog | None = None, reason_threshold: Decimal = Decimal("0"),
                 read_findings: Findings | None = None) -> Findings:
    """Every finding of every rule in one run (never stops at the first).

    ``read_findings``, the findings of ``read_budget``, is optional: a cell the reader rejected (e.g. a
    negative amount) is read as blank, so a check that would name it is left out — the reader's error
    already names the cell, and the identity is judged again once it is fixed.
    """
    unreadable = {c for f in (read_findings.errors if read_findings else []) for c in f.cells}
    ctx = _Ctx(budget, catalog or bundled(), Decimal(reason_threshold), unreadable)
    for check in CHECKS:
        check(ctx)
    findings = Findings()
    for issue in _merge(ctx.issues, ctx.tolerance):
        (findings.error if issue.severity == ERROR else findings.warning)(issue.rule, issue.message, *issue.cells)
    return findings


def check_workbook(path, catalog: Catalog | None = None, reason_threshold: Decimal = Decimal("0")):
    """Read and check one workbook: ``(budget, findings)`` with the reader's findings first.

    The one entry point of ``gen check`` and ``gen build``, so both report exactly the same findings.
    Raises ``UnusableFile`` when the file is not a readable workbook.
    """
    budget, findings = read_budget(path)
    findings.extend(check_budget(budget, catalog, reason_threshold, read_findings=findings))
    return budget, findings

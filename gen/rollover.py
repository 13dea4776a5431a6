"""Next year's workbook from this year's: ``gen rollover WORKBOOK --year 2025 -o FILE``.

What moves where (this year = the workbook read, next year = ``year``):

* facts are kept: 单位名称, 单位类型, 下属单位, 内设科室, 编制数, 联系人, 电话, 主要职能, 支出用途;
* the rows of 基本支出 and 基金基本支出 are kept with their codes (and 资金性质), amounts empty;
* drafts are kept for the clerk to revise: 年度绩效目标, project names (the leading “2024年” becomes
  “2025年”), function code and fund source, 政策依据, 承担单位, 负责人, 总体目标, the subsidy texts,
  资金执行时间 with the year moved on, every 绩效 indicator row (上年完成值 left empty: it is next
  year's *actual* of this year, which only the 绩效自评 knows);
* this year's figures become last year's: every 收支总额 row that has a 上年 column, per 项 of 收入明细
  the 一般公共预算 + 上级一般公共预算转移支付 amounts as 上年一般公共预算数, the “三公” totals as
  上年预算数, the staff counts as 上年;
* left empty: every current amount, every 主要原因, the 公开日期, 资金分配情况 (it quotes this year's
  amounts), 上年结转 (year-specific), and 其他事项: procurement and purchases are next year's plans,
  and the asset stock must be *as of the end of this year* (资产年报), which the workbook cannot know —
  carrying the old stock would publish a stale year-end position that passes every check.  The old
  asset figure is written beside the empty cell, in the 说明 column the reader ignores, as a reference.

The input is only read; the output is written atomically (``write_workbook``).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import schema
from .findings import Findings
from .model import ZERO, Budget
from .output import safe_name
from .reader import read_budget
from .schema import Fund
from .values import YUAN_PER_WAN
from .workbook_write import write_workbook

# 其他事项 rows that are a stock at the end of the previous year (the rest are this year's plans).
ASSET_FIELDS = ("building_area", "building_value", "vehicles", "vehicles_value", "cars_general",
                "cars_general_value", "cars_law", "cars_law_value", "cars_other", "cars_other_value",
                "furniture_value", "other_assets_value", "devices_50", "devices_100")


class RolloverError(Exception):
    """The rollover cannot be made; the message is for the clerk."""


def _amount(value: Decimal) -> str | None:
    """An amount for the content dict; zero is left blank (blank reads as zero)."""
    return str(value) if value else None


def _shift_year(text: str, old: int, new: int) -> str:
    return text.replace(f"{old}年", f"{new}年") if old else text


def rollover_content(budget: Budget, year: int) -> tuple[dict, list[str]]:
    """The content dict (``workbook_write`` format) of next year's workbook, and notes for the clerk."""
    unit, old = budget.unit, budget.unit.year
    notes: list[str] = []
    content: dict = {}
    scale = YUAN_PER_WAN if unit.in_yuan else 1  # a workbook in 元 stays in 元

    def amount(value: Decimal) -> str | None:
        return _amount(value * scale)

    content["unit"] = {
        "name": unit.name, "year": year, "kind": unit.kind, "subordinates": unit.subordinates,
        "departments": "、".join(unit.departments), "establishment": unit.establishment,
        "contact": unit.contact, "phone": unit.phone, "overall_goal": unit.overall_goal,
        "amount_unit": unit.amount_unit,
        **{key: [None, getattr(unit, key)[0]] for key in ("staff_total", "staff_active", "staff_retired",
                                                           "staff_veteran")},
    }
    content["functions"] = [{"text": text} for text in unit.functions]

    content["totals"] = {f.key: [None, amount(budget.totals[f.key].current), None]
                         for f in schema.TOTALS.fields if f.has_prior and f.key in budget.totals}

    income, dropped = [], []
    for code, name in sorted(budget.names.items()):
        income.append({"code": code, "name": name})
    for line in budget.income:
        if not line.total():
            dropped.append(f"{line.code} {line.name}")
            continue
        gpb = line.amounts.get(Fund.GPB, ZERO) + line.amounts.get(Fund.GPB_TRANSFER, ZERO)
        income.append({"code": line.code, "name": line.name, "prior_gpb": amount(gpb)})
    content["income"] = sorted(income, key=lambda row: row["code"])
    if dropped:
        notes.append(f"收入明细：{old}年没有金额的项未带入（{'、'.join(dropped)}）。")

    content["uses"] = [{"code": code, "text": text, "family": family} for (code, family), text in budget.uses.items()]

    renamed: dict[str, str] = {}
    projects = []
    for p in budget.projects:
        name = _shift_year(p.name, old, year)
        if name != p.name:
            renamed[p.name] = name
        row = {"name": name, "code": p.code, "fund": p.fund.value if p.fund else None}
        for key in ("basis", "undertaker", "leader", "goal", *(k for k, _ in schema.SUBSIDY_FIELDS)):
            row[key] = p.text.get(key) or None
        row["period"] = _shift_year(p.text.get("period", ""), old, year) or None
        projects.append(row)
    content["projects"] = projects

    content["basic"] = [{"code": b.code, "name": b.name} for b in budget.basic]
    content["fund_basic"] = [{"code": f.code, "family": f.family} for f in budget.fund_basic]
    content["sangong"] = [{"item": s.label, "prior": amount(s.total())} for s in budget.sangong]
    content["carryover"] = []

    other = {}
    for key in ASSET_FIELDS:
        value = budget.other.get(key)
        if value:
            other[key] = [None, None, f"{old}年工作簿中为 {value}（截至{old - 1}年底），请填截至{year - 1}年底的数"]
    content["other"] = other

    content["overall_perf"] = [dict(i.values) for i in budget.overall_perf]
    perf = []
    for i in budget.project_perf:
        row = dict(i.values)
        row["project"] = renamed.get(row.get("project", ""), row.get("project"))
        row["prior_value"] = None
        perf.append(row)
    content["project_perf"] = perf
    for rows in (content["overall_perf"], perf):
        for row in rows:
            row.pop("_row", None)

    carried = sum(1 for v in content["totals"].values() if v[1]) + sum(1 for r in income if r.get("prior_gpb")) \
        + sum(1 for r in content["sangong"] if r["prior"])
    this_year = f"{old}年的本年数" if old else "原工作簿的本年数"
    notes.insert(0, f"{this_year}已转入上年数栏：共 {carried} 个金额（收支总额、收入明细的一般公共预算、“三公”经费），"
                    f"以及 4 个人数。{year}年的本年数、主要原因和公开日期留空待填。")
    if renamed:
        notes.append(f"{len(renamed)} 个项目名称中的“{old}年”已改为“{year}年”，项目绩效中的项目名称同步修改；"
                     "请按新年度批复核对项目名称和金额。")
    if projects:
        notes.append("项目的政策依据、负责人、总体目标、补贴说明和全部绩效指标是上年的草稿，请逐项修改；"
                     "资金分配情况含上年金额，已清空；绩效“上年完成值”请按绩效自评结果填写。")
    if other:
        notes.append(f"其他事项：资产数应为截至{year - 1}年底的数（资产年报），已留空，"
                     f"“说明”栏列出{old}年工作簿中的数供参考；政府采购和本年购置请按新年度预算填写。")
    if budget.carryover:
        notes.append(f"上年结转：{old}年的 {len(budget.carryover)} 项结转已清空，请按新年度批复填写。")
    return content, notes


def default_output(budget: Budget, year: int, source: Path) -> Path:
    """``<单位名称><year>年单位预算.xlsx`` beside the source workbook, by the safe-name rule of every
    file gen writes (a name gen would skip or reject as a lock file is never produced)."""
    return source.parent / safe_name(budget.unit.name, f"{year}年单位预算.xlsx", fallback=source.stem)


def rollover(path: str | Path, year: int | None = None, output: str | Path | None = None, *,
             force: bool = False) -> tuple[Path, list[str]]:
    """Write next year's workbook; returns its path and notes for the clerk.

    Raises ``UnusableFile`` when the input is not a readable workbook, ``RolloverError`` when the
    year is not acceptable or the output is the input, and ``gen.output.OutputError`` when the output
    cannot be written (it exists and ``force`` is off, no permission, disk full…).  The input file is
    never written.
    """
    source = Path(path)
    budget, findings = read_budget(source)
    old = budget.unit.year
    if year is None:
        if not old:
            raise RolloverError(f"{source.name}：“单位信息”中没有预算年度，请用 --year 指定新年度。")
        year = old + 1
    if not 2000 <= year <= 2100:
        raise RolloverError(f"年度 {year} 不对，应为四位年份，如 2025。")
    if old and year <= old:
        raise RolloverError(f"新年度 {year} 应晚于原工作簿的预算年度 {old}。")
    target = Path(output) if output else default_output(budget, year, source)
    if target.exists() and target.resolve() == source.resolve():
        raise RolloverError(f"输出文件 {target} 就是原工作簿；原工作簿不会被改写，请用 -o 指定另一个文件名。")
    content, notes = rollover_content(budget, year)
    if old and year != old + 1:
        notes.append(f"注意：原工作簿为 {old} 年度，新年度为 {year}，上年数栏中是 {old} 年的数。")
    notes.extend(_input_notes(findings))
    return write_workbook(target, content, overwrite=force), notes


def _input_notes(findings: Findings) -> list[str]:
    if not findings.errors:
        return []
    first = findings.errors[0]
    return [f"原工作簿有 {len(findings.errors)} 个错误，出错的单元格未带入（如 {first.describe()}）；"
            "可先用 gen check 检查原工作簿。"]

"""Workbook -> ``Budget``: find each sheet of the contract, parse every cell, keep where it came from.

python-calamine reads the file (a few ms, against openpyxl's ~100+ ms) and never evaluates
formulas; we never read the cells where the template puts formulas (subtotals sit above the header
row or in columns the contract does not name), so no cached formula value is ever trusted.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from . import schema
from .findings import Findings
from .model import (ZERO, BasicItem, Budget, CarryoverItem, Cells, Compared, EconomicCode, FunctionCode,
                    FundBasicItem, IncomeLine, Indicator, Project, SanGongItem, Unit)
from .schema import EconClass, Fund, Kind
from .workbook_file import open_rows
from .values import (Parsed, clean_text, parse_area, parse_code, parse_count, parse_date, parse_decimal,
                     parse_yuan, parse_year)

R_STRUCTURE = "R01 表格结构"
R_VALUE = "R02 数值格式"
R_TEXT = "R03 文字"

_PARSERS = {
    Kind.AMOUNT: parse_decimal,
    Kind.AREA: parse_area,
    Kind.COUNT: parse_count,
    Kind.TEXT: clean_text,
    Kind.CODE: parse_code,
    Kind.DATE: parse_date,
    Kind.YEAR: parse_year,
}


@functools.lru_cache(maxsize=1024)
def col_letter(index: int) -> str:
    """0-based column index -> Excel letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalise_label(text: object) -> str:
    """Header/label text compared without spaces, line breaks or width differences."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    folded = re.sub(r"\s+", "", folded).replace("*", "")
    return _UNIT_SUFFIX.sub("", folded)


# "本年批复数（万元）" and "本年批复数（元）" are one header: a workbook in 元 may say so in its headers.
_UNIT_SUFFIX = re.compile(r"\((?:万元|元)\)$")


class _Sheet:
    """One sheet's rows plus the findings collected while reading it."""

    def __init__(self, name: str, rows: list[list], findings: Findings, parsers=None, absent: bool = False):
        self.name, self.rows, self.findings = name, rows, findings
        self.absent = absent  # an added (optional) sheet the workbook does not have: no records, no error
        self.parsers = parsers or _PARSERS
        self.hidden_rows = getattr(rows, "hidden_rows", frozenset())  # workbook_file.SheetRows
        self.hidden_cols = getattr(rows, "hidden_cols", frozenset())
        self.hidden_used: dict[int | str, str] = {}  # hidden row/column read with content -> first ref

    def ref(self, row: int, col: int) -> str:
        return f"{self.name}!{col_letter(col)}{row + 1}"

    def raw(self, row: int, col: int):
        if row < len(self.rows) and col < len(self.rows[row]):
            value = self.rows[row][col]
            return None if value == "" else value
        return None

    def parse(self, row: int, col: int, kind: Kind, label: str):
        raw = self.raw(row, col)
        if raw is None:  # blank: every parser reads it as "nothing" (the caller's default)
            return None
        ref = self.ref(row, col)
        if row in self.hidden_rows or col in self.hidden_cols:
            self.hidden_used.setdefault(row if row in self.hidden_rows else col_letter(col), ref)
        parsed: Parsed = self.parsers[kind](raw)
        if parsed.error:
            self.findings.error(R_VALUE, f"“{label}”{parsed.error}。", ref)
            return None
        if parsed.note:
            self.findings.warning(R_VALUE if kind is not Kind.TEXT else R_TEXT, f"“{label}”{parsed.note}。", ref)
        return parsed.value

    def report_hidden(self) -> None:
        """Hidden rows and columns are data (Excel's own sums include them): say so, naming them."""
        if not self.hidden_used:
            return
        rows = sorted(k for k in self.hidden_used if isinstance(k, int))
        cols = [k for k in self.hidden_used if isinstance(k, str)]
        where = "、".join([f"第 {r + 1} 行" for r in rows[:10]]) + ("等" if len(rows) > 10 else "")
        where = "、".join(filter(None, [where, "、".join(f"{c} 列" for c in cols)]))
        self.findings.warning(R_STRUCTURE, f"“{self.name}”的{where}是隐藏的，其中填写的内容照常读取并公开（Excel 的合计"
                                           "也包含隐藏的行和列）。如果这些内容不应公开，请取消隐藏后删除。",
                              *self.hidden_used.values())


_FUND_KEYS = [(f, f.name.lower()) for f in Fund]  # enum .name is slow in a 100,000-row loop
_DEFAULTS = {Kind.AMOUNT: ZERO, Kind.AREA: ZERO, Kind.COUNT: 0, Kind.TEXT: "", Kind.CODE: ""}


def _default(kind: Kind):
    return _DEFAULTS.get(kind)


def _read_table(sheet: _Sheet, spec: schema.TableSheet) -> list[tuple[dict, Cells]]:
    """Records below the header row; columns located by their header text."""
    if sheet.absent:
        return []
    wanted = {normalise_label(c.label): c for c in spec.columns}
    header_row, columns = None, {}
    for r, row in enumerate(sheet.rows[:30]):
        found = {wanted[normalise_label(v)].key: i for i, v in enumerate(row) if normalise_label(v) in wanted}
        if len(found) >= max(1, len(spec.columns) // 2) or len(found) == len(spec.columns):
            header_row, columns = r, found
            break
    if header_row is None:
        sheet.findings.error(R_STRUCTURE, f"找不到“{spec.name}”表的表头（应有“{spec.columns[0].label}”等列）。"
                                          "请用 gen template 生成的模板填写，不要改动表头文字。", f"{sheet.name}!A1")
        return []
    for column in spec.columns:
        if column.key not in columns and column.required:
            sheet.findings.error(R_STRUCTURE, f"缺少“{column.label}”列，请恢复模板中的这一列。",
                                 sheet.ref(header_row, 0))
    records = []
    plan = [(c.key, columns.get(c.key), c.kind, c.label, _default(c.kind)) for c in spec.columns]
    for r in range(header_row + 1, len(sheet.rows)):
        if all(sheet.raw(r, i) is None for i in columns.values()):
            continue
        values, cells = {}, Cells()
        for key, i, kind, label, default in plan:
            if i is None:
                values[key] = default
                continue
            cells[key] = sheet.ref(r, i)
            value = sheet.parse(r, i, kind, label)
            values[key] = default if value is None else value
        values["_row"] = r + 1
        records.append((values, cells))
    return records


def _read_keyed(sheet: _Sheet, spec: schema.KeyedSheet) -> tuple[dict, dict, dict, Cells]:
    """(current, prior, reason, cells) by field key; rows located by their label in column A."""
    labels = {normalise_label(f.label): f for f in spec.fields}
    rows: dict[str, int] = {}
    for r, row in enumerate(sheet.rows):
        key = normalise_label(row[0] if row else "")
        if key in labels and labels[key].key not in rows:
            rows[labels[key].key] = r
    current, prior, reason, cells = {}, {}, {}, Cells()
    for f in spec.fields:
        if f.key not in rows:
            current[f.key], prior[f.key], reason[f.key] = _default(f.kind), _default(f.kind), ""
            if f.added:
                continue
            sheet.findings.error(R_STRUCTURE, f"缺少“{f.label}”一行，请恢复模板中的这一行。", f"{sheet.name}!A1")
            current[f.key], prior[f.key], reason[f.key] = _default(f.kind), _default(f.kind), ""
            continue
        r = rows[f.key]
        cells[f.key] = sheet.ref(r, 1)
        value = sheet.parse(r, 1, f.kind, f.label)
        current[f.key] = _default(f.kind) if value is None else value
        prior[f.key] = _default(f.kind)
        if f.has_prior:
            cells[f.key + ".prior"] = sheet.ref(r, 2)
            value = sheet.parse(r, 2, f.kind, f.label + "（上年）")
            prior[f.key] = _default(f.kind) if value is None else value
        if f.has_reason:
            cells[f.key + ".reason"] = sheet.ref(r, 3)
            reason[f.key] = sheet.parse(r, 3, Kind.TEXT, f.label + "的主要原因") or ""
    return current, prior, reason, cells


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、，,；;\n]", text) if part.strip()]


def read_budget(path: str | Path) -> tuple[Budget, Findings]:
    """Read and parse; structural and value problems come back as findings, never as exceptions.

    Raises ``UnusableFile`` only when the file is not a readable workbook at all.
    """
    findings = Findings()
    contract = {normalise_label(spec.name) for spec in schema.SHEETS}
    book = open_rows(path, wanted=lambda name: normalise_label(name) in contract)
    sheets = {normalise_label(name): rows for name, rows in book.items()}
    opened: list[_Sheet] = []
    parsers = _PARSERS  # until 单位信息 says the amounts are in 元

    def sheet(spec) -> _Sheet:
        rows = sheets.get(normalise_label(spec.name))
        absent = rows is None and getattr(spec, "added", False)  # made before the sheet existed: empty
        if rows is None and not absent:
            others = [n for n in getattr(book, "names", ()) if normalise_label(n) not in contract
                      and n not in (schema.INSTRUCTIONS_SHEET, "代码表")]
            hint = f"工作簿中有未识别的工作表“{'”“'.join(others[:5])}”，如果是改了名，请改回“{spec.name}”。" if others else ""
            findings.error(R_STRUCTURE, f"缺少工作表“{spec.name}”。{hint}请用 gen template 生成的模板填写，不要删除或改名工作表。",
                           f"{spec.name}!A1")
        opened.append(_Sheet(spec.name, rows or [], findings, parsers, absent=absent))
        return opened[-1]

    u_cur, u_prior, _, u_cells = _read_keyed(sheet(schema.UNIT_INFO), schema.UNIT_INFO)
    amount_unit = u_cur["amount_unit"] or schema.AMOUNT_UNITS[0]
    if amount_unit not in schema.AMOUNT_UNITS:
        findings.error(R_VALUE, f"金额单位“{amount_unit}”应为“万元”或“元”（留空为万元）。", u_cells.get("amount_unit", ""))
        amount_unit = schema.AMOUNT_UNITS[0]
    if amount_unit == "元":
        parsers = {**_PARSERS, Kind.AMOUNT: parse_yuan}
    function_rows = [(v["text"], c) for v, c in _read_table(sheet(schema.FUNCTIONS), schema.FUNCTIONS) if v["text"]]
    unit = Unit(
        name=u_cur["name"], year=u_cur["year"] or 0, date=u_cur["date"], kind=u_cur["kind"], amount_unit=amount_unit,
        subordinates=u_cur["subordinates"], departments=_split_list(u_cur["departments"]),
        establishment=u_cur["establishment"],
        staff_total=(u_cur["staff_total"], u_prior["staff_total"]),
        staff_active=(u_cur["staff_active"], u_prior["staff_active"]),
        staff_retired=(u_cur["staff_retired"], u_prior["staff_retired"]),
        staff_veteran=(u_cur["staff_veteran"], u_prior["staff_veteran"]),
        contact=u_cur["contact"], phone=u_cur["phone"], overall_goal=u_cur["overall_goal"],
        functions=[text for text, _ in function_rows],
    )

    t_cur, t_prior, t_reason, t_cells = _read_keyed(sheet(schema.TOTALS), schema.TOTALS)
    totals = {k: Compared(t_cur[k], t_prior[k], t_reason.get(k, "")) for k in t_cur}
    totals_cells = {f.key: Cells({k.split(".")[1] if "." in k else "current": v for k, v in t_cells.items()
                                  if k == f.key or k.startswith(f.key + ".")}) for f in schema.TOTALS.fields}

    income, names, name_cells = [], {}, {}
    for v, cells in _read_table(sheet(schema.INCOME), schema.INCOME):
        code = FunctionCode(v["code"])
        amounts = {f: v[key] for f, key in _FUND_KEYS}
        if len(code) in (3, 5) and not any(amounts.values()) and not v["prior_gpb"]:
            names[code], name_cells[code] = v["name"], cells
            continue
        income.append(IncomeLine(code, v["name"], amounts, v["prior_gpb"], v["reason"], cells))

    uses, uses_cells = {}, {}
    for v, cells in _read_table(sheet(schema.USES), schema.USES):
        family = v["family"]  # "" = 一般公共预算, or the class's only kind of 财政拨款 (compute.use_text)
        if family and family not in schema.USE_FAMILIES:
            findings.error(R_VALUE, f"资金性质“{family}”不在下拉列表中，请选择{'、'.join(schema.USE_FAMILIES)}之一，"
                                    "或留空（一般公共预算）。", cells["family"])
        uses[(v["code"], family)], uses_cells[(v["code"], family)] = v["text"], cells

    fund_by_label = {normalise_label(f.value): f for f in Fund}
    projects = []
    for v, cells in _read_table(sheet(schema.PROJECTS), schema.PROJECTS):
        fund = fund_by_label.get(normalise_label(v["fund"]))
        if fund is None and v["fund"]:
            findings.error(R_VALUE, f"资金来源“{v['fund']}”不在下拉列表中，请从列表选择。", cells["fund"])
        text_keys = [c.key for c in schema.PROJECTS.columns if c.kind is Kind.TEXT and c.key not in ("name", "fund")]
        projects.append(Project(v["name"], FunctionCode(v["code"]), fund,
                                {e: v[e.name.lower()] for e in EconClass}, {k: v[k] for k in text_keys}, cells))

    basic = [BasicItem(EconomicCode(v["code"]), v["name"], v["personnel"], v["public"], cells)
             for v, cells in _read_table(sheet(schema.BASIC), schema.BASIC)]

    fund_basic = []
    for v, cells in _read_table(sheet(schema.FUND_BASIC), schema.FUND_BASIC):
        family = v["family"]
        if family and family not in schema.FUND_BASIC_FAMILIES:
            findings.error(R_VALUE, f"资金性质“{family}”不在下拉列表中，请选择{'或'.join(schema.FUND_BASIC_FAMILIES)}。",
                           cells["family"])
        fund_basic.append(FundBasicItem(FunctionCode(v["code"]), family, v["personnel"], v["public"], cells))

    by_label = {normalise_label(label): key for key, label in schema.SANGONG_ITEMS}
    sangong_rows = {}
    for v, cells in _read_table(sheet(schema.SANGONG), schema.SANGONG):
        key = by_label.get(normalise_label(v["item"]))
        if key is None:
            findings.error(R_STRUCTURE, f"“{v['item']}”不是“三公”经费的项目，请保留模板中的四行。", cells.get("item", ""))
            continue
        if key in sangong_rows:
            findings.error(R_STRUCTURE, f"“{v['item']}”填了两行，请合并为一行。",
                           sangong_rows[key].cells.get("item", ""), cells.get("item", ""))
            continue
        sangong_rows[key] = SanGongItem(key, dict(schema.SANGONG_ITEMS)[key], v["gpb"], v["gf"], v["soe"],
                                        v["prior"], v["reason"], cells)
    sangong = [sangong_rows.get(key) or SanGongItem(key, label, ZERO, ZERO, ZERO, ZERO, "", Cells())
               for key, label in schema.SANGONG_ITEMS]

    carry_keys = [c.key for c in schema.CARRYOVER.columns if c.kind is Kind.AMOUNT]
    carryover = [CarryoverItem(v["name"], {k: v[k] for k in carry_keys}, cells)
                 for v, cells in _read_table(sheet(schema.CARRYOVER), schema.CARRYOVER)]

    o_cur, _, _, o_cells = _read_keyed(sheet(schema.OTHER), schema.OTHER)

    overall = [Indicator(v, c) for v, c in _read_table(sheet(schema.OVERALL_PERF), schema.OVERALL_PERF)]
    per_project = [Indicator(v, c) for v, c in _read_table(sheet(schema.PROJECT_PERF), schema.PROJECT_PERF)]

    budget = Budget(
        source=str(path), unit=unit, totals=totals, totals_cells=totals_cells, income=income, uses=uses,
        projects=projects, basic=basic, sangong=sangong, carryover=carryover, other=o_cur, other_cells=o_cells,
        overall_perf=overall, project_perf=per_project, unit_cells=u_cells, names=names,
        name_cells=name_cells, uses_cells=uses_cells, function_cells=[c for _, c in function_rows],
        fund_basic=fund_basic,
    )
    for opened_sheet in opened:
        opened_sheet.report_hidden()
    return budget, findings

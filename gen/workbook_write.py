"""The fill-in workbook: ``gen template`` writes it blank; the same writer fills it from content.

``content`` is plain data keyed like the contract (``schema``): for a keyed sheet
``{field: value}`` or ``{field: [本年, 上年, 主要原因]}``; for a table sheet a list of
``{column: value}``.  Amounts may be strings ("3547.87") and are written as exact numbers.
For a keyed field without a 主要原因 column the third element is written as a grey note in the
“说明” column (``gen rollover`` uses it for last year's figure of an asset row); the reader never
reads it.

Layout (what the reader relies on is only the sheet names, the header texts and the labels in
column A of keyed sheets):

* ``填表说明`` first: rules, the order to fill, where each sheet's figures come from, an example row.
* table sheets: row 1 purpose, row 2 automatic subtotals (formulas), row 3 header, records from row 4;
  automatic columns (per-row 合计, catalog name, 增减) sit to the right of the contract's columns.
* keyed sheets: row 1 purpose, row 2 header, one labelled row per field; 收支总额 has two automatic
  columns (明细合计, 核对) that add up the detail sheets for the clerk's eyes.
* a hidden ``代码表`` sheet holds the drop-down lists behind workbook names (``gen_*``).

Yellow cells are unlocked input, everything else is locked by sheet protection without a password
(inserting rows and changing column widths stay allowed).  gen never reads a formula cell.
"""
from __future__ import annotations

import datetime as dt
import gc
import io
import math
import sys
import tempfile
from copy import copy
from decimal import Decimal
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from . import schema
from .catalog import bundled
from .output import OutputError, display, write_file
from .schema import HEADER_ROW, EconClass, Fund, Kind

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # yellow: the clerk types here
AUTO_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: formulas for the eye, never read by gen
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")  # blue: headers and labels, locked
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=12)
AUTO_FONT = Font(italic=True, color="595959")
NOTE_FONT = Font(color="7F7F7F")
BAD_FONT = Font(bold=True, color="C00000")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
AMOUNT_FORMAT = "#,##0.00"

# keyed sheets' column widths: label, 本年, 上年, 主要原因/说明, 填写说明
KEYED_WIDTHS = {"unit": (22, 60, 10, 24, 44), "totals": (34, 16, 16, 44, 40), "other": (40, 16, 3, 44, 44)}

SHORT_TEXT = 16  # table text columns this narrow hold short values (指标值, 分值, 负责人) and get text format
TEXT_FIELDS = {"phone", "contact"}  # keyed text fields in text format

BLANK_ROWS = 40
FIRST = HEADER_ROW + 1
KEYED_FIRST = 3  # keyed sheets: row 1 purpose, row 2 header, fields from row 3
CODES_SHEET = "代码表"

# Names of the drop-down lists on the hidden 代码表 sheet.
L_FUNC, L_FUNC_ITEM, L_FUNC_CLASS, L_FUNC_TABLE = "gen_func_codes", "gen_func_items", "gen_func_classes", "gen_func_table"
L_ECON_ITEM, L_ECON_TABLE = "gen_econ_items", "gen_econ_table"
L_FUND, L_KIND, L_SANGONG = "gen_funds", "gen_unit_kinds", "gen_sangong_items"
L_FUND_BASIC = "gen_fund_basic_families"
L_L1_PROJECT, L_L1_OVERALL, L_L2 = "gen_perf_l1_project", "gen_perf_l1_overall", "gen_perf_l2"

# Drop-downs by (sheet key, column/field key): (list name, strict).  Codes only warn: the bundled
# catalog is partial, a code missing from it may still be right.
DROPDOWNS = {
    ("income", "code"): (L_FUNC, False),
    ("uses", "code"): (L_FUNC_CLASS, False),
    ("projects", "code"): (L_FUNC_ITEM, False),
    ("projects", "fund"): (L_FUND, True),
    ("basic", "code"): (L_ECON_ITEM, False),
    ("fund_basic", "code"): (L_FUNC_ITEM, False),
    ("fund_basic", "family"): (L_FUND_BASIC, True),
    ("sangong", "item"): (L_SANGONG, True),
    ("unit", "kind"): (L_KIND, True),
    ("overall_perf", "l1"): (L_L1_OVERALL, False),
    ("overall_perf", "l2"): (L_L2, False),
    ("project_perf", "l1"): (L_L1_PROJECT, True),
    ("project_perf", "l2"): (L_L2, False),
}


# --- values and cell styles ---------------------------------------------------------------------

def _value(kind: Kind, value):
    if value is None or value == "":
        return None
    if kind in (Kind.AMOUNT, Kind.AREA):
        return Decimal(str(value))
    if kind in (Kind.COUNT, Kind.YEAR):
        return int(value)
    if kind is Kind.DATE and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return str(value)


def _put(cell, value) -> None:
    """Write a value; text that starts with "=" (an indicator value like "=100%", a help text like
    "= 在职 + 退休") stays text instead of becoming a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _format(cell, kind: Kind, as_text: bool = False) -> None:
    """An input cell: yellow, unlocked, formatted for its kind.  ``as_text``: a short text field in
    text format, so Excel keeps what is typed (“=100%”, “1-2”, an 11-digit phone number) as typed.
    Long text fields stay General: Excel shows #### for a text-format cell over 255 characters."""
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED
    cell.border = GRID
    cell.alignment = TOP
    if kind in (Kind.AMOUNT, Kind.AREA):
        cell.number_format = AMOUNT_FORMAT
    elif kind is Kind.CODE:
        cell.number_format = "@"
    elif kind is Kind.DATE:
        cell.number_format = "yyyy-mm-dd"
    elif kind is Kind.TEXT:
        cell.alignment = WRAP_TOP
        if as_text:
            cell.number_format = "@"


def _auto(cell, formula: str | None = None, number: bool = True) -> None:
    """A formula cell for the clerk's eyes: grey, italic, locked."""
    if formula is not None:
        cell.value = formula
    cell.fill, cell.font, cell.border, cell.alignment = AUTO_FILL, AUTO_FONT, GRID, TOP
    if number:
        cell.number_format = AMOUNT_FORMAT


def _copy_style(ws, col: int, first: int, last: int) -> None:
    """Give rows first+1..last the style of (first, col): copying the style array is ~50x faster than
    assigning fill/font/protection per cell, and the writer makes dozens of workbooks in tests."""
    style = ws.cell(first, col)._style
    for r in range(first + 1, last + 1):
        ws.cell(r, col)._style = copy(style)


def _header(cell, text: str) -> None:
    cell.value = text
    cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, WRAP_CENTER, GRID


def _units(text: str) -> int:
    """Display width in column-width units: a CJK character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    per_line = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(_units(part) / per_line)) for part in str(text).split("\n"))


def _fit_height(ws, row: int, cells: list[tuple[object, float]], cap: float = 300) -> None:
    """Set a row height that shows wrapped text: Excel does not grow rows of a written file by itself."""
    lines = max((_lines(v, w) for v, w in cells if v not in (None, "")), default=1)
    if lines > 1:
        ws.row_dimensions[row].height = min(cap, 15 * lines + 3)


def _protect(ws) -> None:
    """Protect without a password; the clerk may still insert/delete rows and resize rows and columns."""
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False, insertRows=False,
                                    deleteRows=False, selectLockedCells=False, selectUnlockedCells=False)


def _print_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- drop-down lists and validation -------------------------------------------------------------

class _Lists:
    """The hidden 代码表 sheet: one column per list, each list behind a workbook-level name."""

    def __init__(self, wb: Workbook):
        self.wb, self.ws, self.col = wb, wb.create_sheet(CODES_SHEET), 1
        self.ws.sheet_state = "hidden"

    def add(self, title: str, values, names=None, *, list_name: str | None = None,
            table_name: str | None = None) -> None:
        """One list in the next free column; ``names`` go in the column beside it.  ``list_name`` names
        the codes (for drop-downs), ``table_name`` the two columns (for VLOOKUP)."""
        ws, col = self.ws, self.col
        values = list(values)
        _header(ws.cell(1, col), title)
        for r, value in enumerate(values, start=2):
            ws.cell(r, col, value).number_format = "@"
            if names is not None:
                ws.cell(r, col + 1, names[r - 2])
        letter, end = get_column_letter(col), 1 + max(len(values), 1)
        ws.column_dimensions[letter].width = 14
        if list_name:
            self.wb.defined_names[list_name] = DefinedName(list_name, attr_text=f"'{CODES_SHEET}'!${letter}$2:${letter}${end}")
        if names is not None:
            right = get_column_letter(col + 1)
            _header(ws.cell(1, col + 1), "名称")
            ws.column_dimensions[right].width = 34
            if table_name:
                self.wb.defined_names[table_name] = DefinedName(
                    table_name, attr_text=f"'{CODES_SHEET}'!${letter}$2:${right}${end}")
        self.col += 3 if names is not None else 2


def _build_lists(wb: Workbook) -> None:
    catalog = bundled()
    lists = _Lists(wb)
    func, econ = sorted(catalog.function.items()), sorted(catalog.economic.items())

    def add(title, pairs, **names):
        lists.add(title, [c for c, _ in pairs], [n for _, n in pairs], **names)

    add("功能科目（全部）", func, list_name=L_FUNC, table_name=L_FUNC_TABLE)
    add("功能科目（项）", [(c, n) for c, n in func if len(c) == 7], list_name=L_FUNC_ITEM)
    add("功能科目（类）", [(c, n) for c, n in func if len(c) == 3], list_name=L_FUNC_CLASS)
    add("经济科目（全部）", econ, table_name=L_ECON_TABLE)
    add("经济科目（款）", [(c, n) for c, n in econ if len(c) == 5], list_name=L_ECON_ITEM)
    lists.add("资金来源", schema.FUND_LABELS, list_name=L_FUND)
    lists.add("单位类型", schema.UNIT_INFO.field("kind").choices, list_name=L_KIND)
    lists.add("基金基本支出资金性质", schema.FUND_BASIC_FAMILIES, list_name=L_FUND_BASIC)
    lists.add("“三公”经费项目", [label for _, label in schema.SANGONG_ITEMS], list_name=L_SANGONG)
    lists.add("项目绩效一级指标", schema.PERF_L1_PROJECT, list_name=L_L1_PROJECT)
    lists.add("整体绩效一级指标", schema.PERF_L1_OVERALL, list_name=L_L1_OVERALL)
    lists.add("二级指标", schema.PERF_L2, list_name=L_L2)
    _protect(lists.ws)


_DATE_MIN, _DATE_MAX = int(to_excel(dt.date(2000, 1, 1))), int(to_excel(dt.date(2100, 12, 31)))


class _Validations:
    """Collects validations per sheet; equal rules share one entry, relative (custom) rules get one
    entry per contiguous range so the formula's anchor is that range's top cell."""

    def __init__(self):
        self.rules: dict[tuple, list[tuple[int, int, int]]] = {}

    def add(self, col: int, first: int, last: int, kind: Kind | None, *, title: str = "", prompt: str = "",
            dropdown: tuple[str, bool] | None = None) -> None:
        if kind is None and not prompt and not dropdown:
            return
        key = (kind, title[:32], prompt[:250], dropdown)
        self.rules.setdefault(key, []).append((col, first, last))

    def apply(self, ws) -> None:
        for (kind, title, prompt, dropdown), ranges in self.rules.items():
            if dropdown is None and kind in (Kind.AMOUNT, Kind.AREA):
                for block in _merge(ranges):
                    ws.add_data_validation(self._make(kind, title, prompt, None, [block]))
            else:
                ws.add_data_validation(self._make(kind, title, prompt, dropdown, _merge(ranges)))

    @staticmethod
    def _make(kind, title, prompt, dropdown, blocks) -> DataValidation:
        anchor = f"{get_column_letter(blocks[0][0])}{blocks[0][1]}"
        dv = DataValidation(allow_blank=True, showInputMessage=bool(prompt), promptTitle=title or None,
                            prompt=prompt or None, showErrorMessage=True)
        if dropdown:
            name, strict = dropdown
            dv.type, dv.formula1 = "list", name
            dv.errorStyle = "stop" if strict else "warning"
            dv.errorTitle = "请从下拉列表选择" if strict else "不在列表中"
            dv.error = ("请从下拉列表中选择一项。" if strict else
                        "输入的内容不在下拉列表（内置目录或常用指标）中。确认无误请点“是”保留，否则点“否”重新输入。")
        elif kind in (Kind.AMOUNT, Kind.AREA):
            dv.type = "custom"
            dv.formula1 = f"AND(ISNUMBER({anchor}),{anchor}>=0,ROUND({anchor},2)={anchor})"
            unit = "万元" if kind is Kind.AMOUNT else "平方米"
            dv.errorTitle, dv.error = "请填写数字", f"请填写不小于 0 的数字（单位：{unit}），最多两位小数，不要写单位。"
        elif kind is Kind.COUNT:
            dv.type, dv.operator, dv.formula1 = "whole", "greaterThanOrEqual", "0"
            dv.errorTitle, dv.error = "请填写整数", "请填写不小于 0 的整数。"
        elif kind is Kind.YEAR:
            dv.type, dv.operator, dv.formula1, dv.formula2 = "whole", "between", "2000", "2100"
            dv.errorTitle, dv.error = "请填写年份", "请填写四位年份，如 2025。"
        elif kind is Kind.DATE:
            dv.type, dv.operator = "date", "between"
            dv.formula1, dv.formula2 = str(_DATE_MIN), str(_DATE_MAX)
            dv.errorTitle, dv.error = "请填写日期", "请填写日期，如 2025-01-26。"
        else:
            dv.showErrorMessage = False  # input message only
        for col, first, last in blocks:
            letter = get_column_letter(col)
            dv.add(f"{letter}{first}" if first == last else f"{letter}{first}:{letter}{last}")
        return dv


def _merge(ranges: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Adjacent row ranges of one column joined: [(2,3,3), (2,4,4)] -> [(2,3,4)]."""
    merged: list[list[int]] = []
    for col, first, last in sorted(ranges):
        if merged and merged[-1][0] == col and merged[-1][2] + 1 >= first:
            merged[-1][2] = max(merged[-1][2], last)
        else:
            merged.append([col, first, last])
    return [tuple(m) for m in merged]


# --- layout helpers -----------------------------------------------------------------------------

def _letter(spec: schema.TableSheet, key: str) -> str:
    return get_column_letter(next(i for i, c in enumerate(spec.columns, start=1) if c.key == key))


def _ref(spec, cell: str) -> str:
    return f"'{spec.name}'!{cell}"


def _table_rows(spec: schema.TableSheet, content: dict) -> list[dict]:
    rows = list(content.get(spec.key) or [])
    if spec is schema.SANGONG and not rows:
        rows = [{"item": label} for _, label in schema.SANGONG_ITEMS]  # the four rows the reader expects
    return rows


def _table_extras(spec: schema.TableSheet) -> list[tuple[str, int, object, bool]]:
    """Automatic columns right of the contract: (header, width, formula for row r, subtotal in row 2)."""
    L = lambda key: _letter(spec, key)  # noqa: E731

    def total(a: str, b: str):
        return lambda r: f'=IF(COUNT({a}{r}:{b}{r})=0,"",SUM({a}{r}:{b}{r}))'

    def name_of(code: str, table: str):
        return lambda r: f'=IF({code}{r}="","",IFERROR(VLOOKUP({code}{r}&"",{table},2,FALSE),"目录未收录，请核对编码"))'

    funds = [f.name.lower() for f in Fund]
    econ = [e.name.lower() for e in EconClass]
    if spec is schema.INCOME:
        c, d, p = L("gpb"), L("gpb_transfer"), L("prior_gpb")
        return [("合计（自动）", 13, total(L(funds[0]), L(funds[-1])), True),
                ("一般公共预算增减（自动）", 14,
                 lambda r: f'=IF(COUNT({c}{r}:{d}{r},{p}{r})=0,"",N({c}{r})+N({d}{r})-N({p}{r}))', True),
                ("目录中的名称（自动）", 30, name_of(L("code"), L_FUNC_TABLE), False)]
    if spec is schema.PROJECTS:
        return [("合计（自动）", 13, total(L(econ[0]), L(econ[-1])), True)]
    if spec is schema.BASIC:
        return [("合计（自动）", 13, total(L("personnel"), L("public")), True),
                ("目录中的名称（自动）", 28, name_of(L("code"), L_ECON_TABLE), False)]
    if spec is schema.FUND_BASIC:
        return [("基本支出（自动）", 13, total(L("personnel"), L("public")), True),
                ("目录中的名称（自动）", 30, name_of(L("code"), L_FUNC_TABLE), False)]
    if spec is schema.USES:
        return [("类名称（自动）", 24, name_of(L("code"), L_FUNC_TABLE), False)]
    if spec is schema.SANGONG:
        b, d, e = L("gpb"), L("soe"), L("prior")
        return [("合计（自动）", 13, total(b, d), True),
                ("比上年增减（自动）", 14, lambda r: f'=IF(COUNT({b}{r}:{e}{r})=0,"",SUM({b}{r}:{d}{r})-N({e}{r}))', True)]
    if spec is schema.CARRYOVER:
        amounts = [c.key for c in spec.columns if c.kind is Kind.AMOUNT]
        return [("合计（自动）", 13, total(L(amounts[0]), L(amounts[-1])), True)]
    return []


def _table(ws, spec: schema.TableSheet, rows: list[dict], last: int) -> None:
    checks = _Validations()
    ws.cell(1, 1, f"{spec.name}：{spec.purpose}").font = TITLE_FONT
    for i, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        _header(ws.cell(HEADER_ROW, i), column.label + ("*" if column.required else ""))
        ws.column_dimensions[letter].width = column.width
        if column.kind is Kind.AMOUNT:
            _auto(ws.cell(2, i), f"=SUM({letter}{FIRST}:{letter}{last})")
        _format(ws.cell(FIRST, i), column.kind, as_text=column.width <= SHORT_TEXT)
        _copy_style(ws, i, FIRST, last)
        checks.add(i, FIRST, last, None if column.kind in (Kind.TEXT, Kind.CODE) else column.kind,
                   title=column.label, prompt=column.help, dropdown=DROPDOWNS.get((spec.key, column.key)))
    n = len(spec.columns)
    for j, (label, width, formula, subtotal) in enumerate(_table_extras(spec), start=n + 1):
        letter = get_column_letter(j)
        _header(ws.cell(HEADER_ROW, j), label)
        ws.cell(HEADER_ROW, j).fill = AUTO_FILL
        ws.column_dimensions[letter].width = width
        if subtotal:
            _auto(ws.cell(2, j), f"=SUM({letter}{FIRST}:{letter}{last})")
        _auto(ws.cell(FIRST, j), number=subtotal)
        _copy_style(ws, j, FIRST, last)
        for r in range(FIRST, last + 1):
            ws.cell(r, j).value = formula(r)
    if any(c.kind is Kind.AMOUNT for c in spec.columns):
        note = ws.cell(2, 1, "合计（自动计算，仅供核对）")
        note.font = AUTO_FONT
    ws.row_dimensions[HEADER_ROW].height = 33
    wrap = [(i, c.width) for i, c in enumerate(spec.columns, start=1) if c.kind is Kind.TEXT]
    for r, row in enumerate(rows, start=FIRST):
        for i, column in enumerate(spec.columns, start=1):
            _put(ws.cell(r, i), _value(column.kind, row.get(column.key)))
        _fit_height(ws, r, [(ws.cell(r, i).value, w) for i, w in wrap])
    checks.apply(ws)
    ws.freeze_panes = ws.cell(FIRST, 2)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _totals_detail(lasts: dict[str, int]) -> dict[str, str]:
    """收支总额 column F: the same figure added up from the detail sheets (row-2 subtotals)."""
    inc, prj, bas, sg = schema.INCOME, schema.PROJECTS, schema.BASIC, schema.SANGONG
    sub = lambda spec, key: _ref(spec, f"${_letter(spec, key)}$2")  # noqa: E731
    fund = {f: sub(inc, f.name.lower()) for f in Fund}
    first_fund, last_fund = _letter(inc, Fund.GPB.name.lower()), _letter(inc, Fund.BALANCE_UNIT.name.lower())
    grand = f"SUM({_ref(inc, f'${first_fund}$2:${last_fund}$2')})"
    e0, e1 = _letter(prj, EconClass.C301.name.lower()), _letter(prj, EconClass.C399.name.lower())
    projects = f"SUM({_ref(prj, f'${e0}$2:${e1}$2')})"
    carry0, carry1 = _letter(inc, Fund.CARRY_GPB.name.lower()), last_fund
    total_col = get_column_letter(len(prj.columns) + 1)  # 项目's 合计（自动）
    fund_col, last = _letter(prj, "fund"), lasts["projects"]
    sumif = lambda label: (f'SUMIF({_ref(prj, f"${fund_col}${FIRST}:${fund_col}${last}")},"{label}",'  # noqa: E731
                           f'{_ref(prj, f"${total_col}${FIRST}:${total_col}${last}")})')
    sg0, sg1 = _letter(sg, "gpb"), _letter(sg, "soe")
    return {
        "grand_total": f"={grand}",
        "gpb": f"={fund[Fund.GPB]}",
        "gpb_transfer": f"={fund[Fund.GPB_TRANSFER]}",
        "gf": f"={fund[Fund.GF]}",
        "gf_transfer": f"={fund[Fund.GF_TRANSFER]}",
        "soe": f"={fund[Fund.SOE]}",
        "soe_transfer": f"={fund[Fund.SOE_TRANSFER]}",
        "special": f"={fund[Fund.SPECIAL]}",
        "unit_funds": f"={fund[Fund.UNIT]}",
        "carryover": f"=SUM({_ref(inc, f'${carry0}$2:${carry1}$2')})",
        "basic": f"={grand}-{projects}",
        "project": f"={projects}",
        "gpb_basic": f"={sub(bas, 'personnel')}+{sub(bas, 'public')}",
        "gpb_project": f"={sumif(Fund.GPB.value)}+{sumif(Fund.GPB_TRANSFER.value)}",
        "sangong": f"=SUM({_ref(sg, f'${sg0}$2:${sg1}$2')})",
        "running": f"={sub(bas, 'public')}",
    }


def _keyed(ws, spec: schema.KeyedSheet, values: dict, lasts: dict[str, int]) -> None:
    checks = _Validations()
    ws.cell(1, 1, f"{spec.name}：{spec.purpose}").font = TITLE_FONT
    has_prior = any(f.has_prior for f in spec.fields)
    headers = ["项目", spec.value_header, spec.prior_header if has_prior else "", spec.reason_header, "填写说明"]
    widths = list(KEYED_WIDTHS.get(spec.key, (36, 18, 18, 44, 50)))
    if not has_prior:
        widths[2] = 3
    detail = _totals_detail(lasts) if spec is schema.TOTALS else {}
    if detail:
        headers += ["明细合计（自动）", "核对（自动）"]
        widths += [16, 24]
    for i, (text, width) in enumerate(zip(headers, widths), start=1):
        _header(ws.cell(2, i), text)
        ws.column_dimensions[get_column_letter(i)].width = width
        if i > 5:
            ws.cell(2, i).fill = AUTO_FILL
    ws.row_dimensions[2].height = 33
    for r, f in enumerate(spec.fields, start=KEYED_FIRST):
        label = ws.cell(r, 1, f.label + ("*" if f.required else ""))
        label.alignment, label.border = WRAP_TOP, GRID
        if f.required:  # the reader compares labels without "*"
            label.font = HEADER_FONT
        help_cell = ws.cell(r, 5)
        _put(help_cell, f.help or None)
        help_cell.font, help_cell.alignment = NOTE_FONT, WRAP_TOP
        value = values.get(f.key)
        current, prior, reason = (list(value) + [None, None])[:3] if isinstance(value, (list, tuple)) else (value, None, None)
        _format(ws.cell(r, 2), f.kind, as_text=f.key in TEXT_FIELDS)
        _put(ws.cell(r, 2), _value(f.kind, current))
        dropdown = DROPDOWNS.get((spec.key, f.key))
        checks.add(2, r, r, None if f.kind in (Kind.TEXT, Kind.CODE) else f.kind, title=f.label,
                   prompt=f.help, dropdown=dropdown)
        if f.has_prior:
            _format(ws.cell(r, 3), f.kind)
            _put(ws.cell(r, 3), _value(f.kind, prior))
            checks.add(3, r, r, f.kind if f.kind is not Kind.TEXT else None, title=f.label + "（上年）")
        if f.has_reason:
            _format(ws.cell(r, 4), Kind.TEXT)
            _put(ws.cell(r, 4), reason or None)
        elif reason:
            note = ws.cell(r, 4)
            _put(note, str(reason))
            note.font, note.alignment = NOTE_FONT, WRAP_TOP
        if f.key in detail:
            _auto(ws.cell(r, 6), detail[f.key])
            _auto(ws.cell(r, 7), f'=IF(AND(N(B{r})=0,N(F{r})=0),"",IF(ROUND(N(B{r})-N(F{r}),2)=0,"相符",'
                                 f'"不符：批复数−明细="&TEXT(N(B{r})-N(F{r}),"0.00")))', number=False)
        _fit_height(ws, r, [(ws.cell(r, c).value, widths[c - 1]) for c in (1, 2, 4, 5)])
    if detail:
        last = KEYED_FIRST + len(spec.fields) - 1
        ws.conditional_formatting.add(f"G{KEYED_FIRST}:G{last}", FormulaRule(
            formula=[f'ISNUMBER(SEARCH("不符",G{KEYED_FIRST}))'], font=BAD_FONT))
    checks.apply(ws)
    ws.freeze_panes = f"B{KEYED_FIRST}"


# --- 填表说明 ------------------------------------------------------------------------------------

_RULES = (
    "只在黄色格子里填写。灰色格子是自动计算的合计和核对结果，仅供核对，生成文档时不使用；蓝色表头和左列项目名称已锁定，"
    "请不要改动表头文字，也不要删除或重命名工作表（带 * 的为必填）。",
    "金额一律以“万元”为单位、保留两位小数（如 3547.87），只填数字，不写“万元”“元”；没有的金额留空，留空按 0 计。",
    "人数、车辆数、设备台数填整数；日期填如 2024-01-26；年度填四位年份。",
    "功能科目、经济科目编码只填数字，可以从下拉列表选择。列表来自内置的部分目录，目录中没有的编码也可以直接输入"
    "（会弹出提示，确认即可）；右侧灰色列显示目录中的名称，供核对编码。资金来源、资金性质、单位类型、“三公”项目、绩效一级指标请从下拉列表选择。",
    "行不够时，在表格中间选中一行，右键“插入”整行（工作表已保护但允许插入行、调整行高列宽）。确需修改锁定内容时，"
    "可用“审阅—撤销工作表保护”（没有密码）。",
    "表格类工作表：第1行是说明，第2行是自动合计，第3行是表头，从第4行起一行填一条记录，中间空行不影响。"
    "绩效指标值等短文字栏已设为文本格式，“=100%”“≥98%”照原样输入即可。",
    "保存为 Excel 工作簿（.xlsx）。WPS 请用“另存为—Excel 文件（*.xlsx）”；不要另存为 .xls 或 .et。",
)

_CHECK = (
    "填完后在命令行运行：gen check 工作簿.xlsx —— 按工作表列出还缺什么、哪里不对，并指明单元格（“错误”必须改正，“提示”请确认）。",
    "检查没有错误后运行：gen build 工作簿.xlsx 生成《单位预算公开》Word 文档。",
    "下一年度：运行 gen rollover 工作簿.xlsx --year 下一年 生成新工作簿，单位信息、职能、项目说明和绩效指标作为草稿保留，"
    "本年数转入上年数栏，本年数留空待填。",
)


def _instructions(ws) -> None:
    widths = {"A": 8, "B": 14, "C": 40, "D": 52, "E": 56}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    total_width = sum(widths.values())
    row = 1

    def paragraph(text: str, font: Font | None = None, fill: PatternFill | None = None, indent: bool = True) -> None:
        nonlocal row
        ws.merge_cells(start_row=row, start_column=2 if indent else 1, end_row=row, end_column=5)
        cell = ws.cell(row, 2 if indent else 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        lines = _lines(text, (total_width - (widths["A"] if indent else 0)) * 0.95)
        ws.row_dimensions[row].height = max(18, 16 * lines + 4)
        row += 1

    paragraph("单位预算公开填报工作簿 · 填表说明", Font(bold=True, size=16), indent=False)
    paragraph("本工作簿用于生成《单位预算公开》Word 文档。请按下面“二”的顺序逐表填写，数字以财政部门的批复为准；"
              "填完后运行“gen check 工作簿.xlsx”检查。", indent=False)
    row += 1
    paragraph("一、填写规则", HEADER_FONT, indent=False)
    for i, text in enumerate(_RULES, start=1):
        ws.cell(row, 1, f"{i}.").alignment = Alignment(horizontal="right", vertical="top")
        paragraph(text)
    for sample, fill, text in (("填写", INPUT_FILL, "黄色：需要填写的格子。"),
                               ("自动", AUTO_FILL, "灰色：自动计算的合计、核对和目录名称，仅供核对，gen 不读取。"),
                               ("表头", HEADER_FILL, "蓝色：表头和项目名称，已锁定。")):
        cell = ws.cell(row, 1, sample)
        cell.fill, cell.border, cell.alignment = fill, GRID, Alignment(horizontal="center")
        paragraph(text)
    row += 1
    paragraph("二、填写顺序、数据来源和示例（按工作表从左到右的顺序填写）", HEADER_FONT, indent=False)
    for i, text in enumerate(("顺序", "工作表", "填什么", "数据从哪里来", "示例（一行）"), start=1):
        _header(ws.cell(row, i), text)
    row += 1
    for i, spec in enumerate(schema.SHEETS, start=1):
        guide = schema.GUIDES.get(spec.key)
        texts = (str(i), spec.name, spec.purpose, guide.source if guide else "", guide.example if guide else "")
        for c, text in enumerate(texts, start=1):
            cell = ws.cell(row, c)
            _put(cell, text)
            cell.alignment, cell.border = WRAP_TOP, GRID
            if c == 2:
                cell.font = HEADER_FONT
        ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="top")
        lines = max(_lines(t, widths[letter]) for t, letter in zip(texts, "ABCDE"))
        ws.row_dimensions[row].height = 15 * lines + 4
        row += 1
    row += 1
    paragraph("三、检查和生成", HEADER_FONT, indent=False)
    for i, text in enumerate(_CHECK, start=1):
        ws.cell(row, 1, f"{i}.").alignment = Alignment(horizontal="right", vertical="top")
        paragraph(text)
    _protect(ws)
    ws.sheet_properties.tabColor = "70AD47"
    _print_setup(ws)


# --- the workbook -------------------------------------------------------------------------------

def build_workbook(content: dict | None = None) -> Workbook:
    content = content or {}
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "gen"
    _instructions(wb.create_sheet(schema.INSTRUCTIONS_SHEET))
    tables = {spec.key: _table_rows(spec, content) for spec in schema.SHEETS if isinstance(spec, schema.TableSheet)}
    lasts = {key: HEADER_ROW + len(rows) + BLANK_ROWS for key, rows in tables.items()}
    for spec in schema.SHEETS:
        ws = wb.create_sheet(spec.name)
        if isinstance(spec, schema.KeyedSheet):
            _keyed(ws, spec, content.get(spec.key) or {}, lasts)
        else:
            _table(ws, spec, tables[spec.key], lasts[spec.key])
        _protect(ws)
        _print_setup(ws)
    _build_lists(wb)
    wb.active = 0
    return wb


def write_workbook(path: str | Path, content: dict | None = None, *, overwrite: bool = True) -> Path:
    """Write by gen's rule for every output file (``gen.output``): made whole in memory, then
    atomically.  The commands pass ``overwrite=False`` unless the user gave ``--force``, so that
    ``gen template``/``gen rollover`` never replace a workbook that may hold a clerk's work."""
    return write_file(path, _workbook_bytes(path, content), overwrite=overwrite)


def _workbook_bytes(path: str | Path, content: dict | None) -> bytes:
    """The .xlsx in memory.  openpyxl streams each sheet through a temporary file, so a full disk
    can fail here too; its half-closed writers would then complain from the garbage collector
    ("Exception ignored in … get_stream"), so they are collected, silently, before we say what
    happened."""
    buffer = io.BytesIO()
    failed = None
    previous = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        try:
            build_workbook(content).save(buffer)
        except (OSError, etree.SerialisationError) as exc:
            failed = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        gc.collect()
    finally:
        sys.unraisablehook = previous
    if failed:
        raise OutputError(f"无法写入 {display(path)}：临时文件夹 {display(tempfile.gettempdir())} 写入失败"
                          f"（{failed}），多半是磁盘已满。请清理磁盘空间后重试。")
    return buffer.getvalue()

"""Classification catalogs: code -> official name, for derived 类/款 names and name checks.

The bundled lists are partial (see ../shared/catalogs/README.md); ``--catalog FILE`` adds a full list
that takes precedence.  One file serves every unit of a run (``gen build 文件夹 --catalog FILE``: a
bureau's catalog for all its units).  The file may be what the office has at hand:

* a plain CSV ``code,name`` (UTF-8 or GBK; more columns are ignored);
* the budget system's code-list export, as .xlsx or CSV: a header row naming the columns
  (科目编码/编码/代码 and 科目名称/名称), codes written ``2080109``, ``208-01-09`` or ``[2080109]``, names
  indented with spaces to show the level;
* a list without a header whose rows read ``2080109 社会保险经办机构`` or ``[208]社会保障和就业支出``.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["Catalog", "CatalogError", "bundled", "function_classes", "read_catalog_file"]

_CODE_HEADERS = ("code", "科目编码", "科目代码", "功能分类科目编码", "经济分类科目编码", "编码", "代码")
_NAME_HEADERS = ("name", "科目名称", "功能分类科目名称", "经济分类科目名称", "名称")
# "[2080109]社会保险经办机构", "2080109 社会保险经办机构", "208-01-09　社会保险经办机构", "2080109-社会保险经办机构"
_CODE_AND_NAME = re.compile(r"^[\[【(（]?(\d{3}(?:[-.\s]?\d{2}){0,2})(?!\d)[\]】)）]?\s*[-—:：、]?\s*(\S.*)$")


class CatalogError(csv.Error):
    """A catalog file gen cannot use; the message (Chinese) names the file and says what it should hold.
    (A csv.Error, so callers that already report unreadable CSV files report this too.)"""


class Catalog:
    def __init__(self, function: dict[str, str], economic: dict[str, str]):
        self.function = function
        self.economic = economic

    def with_file(self, path: str | Path) -> "Catalog":
        """A copy extended by the list in ``path`` (see the module docstring for the accepted shapes);
        codes starting with 2 are function codes, those starting with 3 or 5 economic."""
        function, economic = dict(self.function), dict(self.economic)
        for code, name in read_catalog_file(path).items():
            (function if code.startswith("2") else economic)[code] = name
        return Catalog(function, economic)


def _code(value) -> str | None:
    """The digits of a 3/5/7-digit classification code (Excel may hand ``2080109.0``), or None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[-.\s\[\]【】()（）]", "", str(value).strip()) if value is not None else ""
    return text if text.isdigit() and len(text) in (3, 5, 7) and text[0] in "235" else None


def _name(value) -> str:
    return re.sub(r"\s+", "", str(value or "")).strip()


def _rows(path: Path) -> list[list]:
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
            return [row for sheet in book.sheet_names for row in book.get_sheet_by_name(sheet).to_python()]
        except Exception as exc:  # calamine raises its own types for every kind of broken file
            raise CatalogError(f"目录文件 {path} 打不开（{exc}）。请在 Excel/WPS 中打开确认，或另存为 CSV。") from None
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogError(f"目录文件 {path} 不是文本文件（既不是 UTF-8 也不是 GBK 编码）。")
    return list(csv.reader(io.StringIO(text)))


def read_catalog_file(path: str | Path) -> dict[str, str]:
    """``{code: name}`` from a catalog file; CatalogError (naming the file) when nothing usable is in it."""
    path = Path(path)
    try:
        rows = _rows(path)
    except OSError as exc:
        raise CatalogError(f"目录文件 {path} 无法读取（{exc.strerror or exc}）。") from None
    out: dict[str, str] = {}
    columns = None  # (code column, name column) once a header row is seen
    for row in rows:
        cells = [c for c in row]
        labels = [_name(c).lower() for c in cells]
        code_col = next((i for i, t in enumerate(labels) if t in _CODE_HEADERS), None)
        name_col = next((i for i, t in enumerate(labels) if t in _NAME_HEADERS), None)
        if code_col is not None and name_col is not None:
            columns = (code_col, name_col)
            continue
        if columns is not None and max(columns) < len(cells):
            code, name = _code(cells[columns[0]]), _name(cells[columns[1]])
            if code and name:
                out[code] = name
                continue
        filled = [c for c in cells if str(c or "").strip()]
        if len(filled) >= 2 and _code(filled[0]) and _name(filled[1]) and not _code(filled[1]):
            out[_code(filled[0])] = _name(filled[1])
        elif filled:
            match = _CODE_AND_NAME.match(str(filled[0]).strip())
            if match and _code(match.group(1)):
                out[_code(match.group(1))] = _name(match.group(2))
    if not out:
        raise CatalogError(
            f"目录文件 {path} 中没有找到科目编码和名称。可以使用：两列“code,name”的 CSV（如“2080109,社会保险经办机构”），"
            "或预算管理系统导出的科目表（含“科目编码”“科目名称”两列的 Excel 或 CSV）。")
    return out


def _load(name: str) -> dict[str, str]:
    text = resources.files("gen").joinpath("catalog", name).read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1)
def bundled() -> Catalog:
    return Catalog(_load("function_codes.csv"), _load("economic_codes.csv"))


def function_classes() -> list[tuple[str, str]]:
    """All 类 of 支出功能分类 in code order: the fixed right-hand side of 表1 and 表4."""
    return sorted((c, n) for c, n in bundled().function.items() if len(c) == 3)

"""Issue 11 item 5: ``--catalog`` takes the list the office has — a plain code,name CSV or the budget
system's code-list export — and says in Chinese what is wrong with a file it cannot use."""
from __future__ import annotations

import openpyxl
import pytest

from gen.catalog import CatalogError, bundled, read_catalog_file


def test_plain_csv_in_utf8_and_gbk(tmp_path):
    utf8 = tmp_path / "a.csv"
    utf8.write_text("code,name\n2010101,行政运行\n30226,劳务费\n", encoding="utf-8-sig")
    gbk = tmp_path / "b.csv"
    gbk.write_bytes("code,level,name\n213,1,农林水支出\n21301,2,农业农村\n".encode("gbk"))
    assert read_catalog_file(utf8) == {"2010101": "行政运行", "30226": "劳务费"}
    assert read_catalog_file(gbk) == {"213": "农林水支出", "21301": "农业农村"}
    catalog = bundled().with_file(utf8)
    assert catalog.function["2010101"] == "行政运行" and catalog.economic["30226"] == "劳务费"
    assert "2010101" not in bundled().function  # the bundled list is not changed


def test_budget_system_export_as_xlsx(tmp_path):
    """A title line, a header row, codes with separators or stored as numbers, names indented by level,
    amount columns — as code-list exports of the budget system look."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年支出功能分类科目"])
    sheet.append(["科目编码", "科目名称", "金额（万元）"])
    sheet.append(["201", "一般公共服务支出", 100])
    sheet.append(["201-01", "  人大事务", 50])
    sheet.append([2010101, "    行政运行", 50])
    sheet.append(["", "合计", 100])
    path = tmp_path / "导出.xlsx"
    book.save(path)
    assert read_catalog_file(path) == {"201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行"}


def test_list_without_header(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("[221]住房保障支出\n22102 住房改革支出\n221-02-03　购房补贴\n说明：以上为2024年科目\n", encoding="utf-8")
    assert read_catalog_file(path) == {"221": "住房保障支出", "22102": "住房改革支出", "2210203": "购房补贴"}


def test_a_file_without_codes_is_named_with_what_it_should_hold(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("单位,金额\n阿克陶县,12\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"notes\.csv 中没有找到科目编码和名称.*code,name"):
        read_catalog_file(path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(CatalogError, match=r"broken\.xlsx 打不开"):
        read_catalog_file(broken)

"""Issue 7: bad files and odd values give a clear Chinese message naming the file (and sheet and cell),
a non-zero exit and no traceback; nothing is lost, nothing half-written, the input never modified.

Files are made from the example workbook: openpyxl edits for what a clerk does in Excel, XML edits
(tests/xlsx_edit.py) for what only other programs or attackers write.  Memory and time of the
dangerous cases (zip bombs, billion laughs, a far cell, 100,000 rows) are measured in a child
process, so that a regression cannot take the test run down with it.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from gen.build import build_unit, write_atomic
from gen.cli import main
from gen.findings import UnusableFile
from gen.output import OutputLocked
from gen.reader import read_budget
from gen.render import Renderer
from gen.schema import Fund

from xlsx_edit import (Raw, cell_style, deflate, edit_xml, make_cfb, raw_zip, read_members, set_cells,
                       sha256, sheet_member, write_members)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def example(tmp_path, example_workbook) -> Path:
    """A private copy of the example workbook."""
    return Path(shutil.copyfile(example_workbook, tmp_path / "单位.xlsx"))


def unusable(path: Path) -> str:
    """The message of the UnusableFile that reading ``path`` raises; also checks the input is unchanged."""
    before = sha256(path)
    with pytest.raises(UnusableFile) as info:
        read_budget(path)
    assert sha256(path) == before
    message = str(info.value)
    assert message.startswith(path.name + "："), message
    return message


def findings_at(findings, cell: str) -> list:
    return [f for f in findings if cell in f.cells]


def _one(findings, cell: str, severity: str, phrases):
    matches = [f for f in findings_at(findings, cell) if f.severity == severity]
    assert matches, f"no {severity} at {cell}: {[f.describe() for f in findings]}"
    text = matches[0].describe()
    for phrase in phrases:
        assert phrase in text, text
    return matches[0]


def one_error(findings, cell: str, *phrases: str):
    return _one(findings, cell, "error", phrases)


def one_warning(findings, cell: str, *phrases: str):
    return _one(findings, cell, "warning", phrases)


def run_child(code: str, timeout: float = 120) -> dict:
    """Run ``code`` in a fresh Python; it prints one JSON line.  Adds peak memory (MB) and time."""
    script = textwrap.dedent("""
        import json, sys, time
        sys.path.insert(0, %r)
        start = time.perf_counter()
        result = {}
        def done():
            result["seconds"] = time.perf_counter() - start
            # VmHWM, not ru_maxrss: on Linux the latter starts at the forking parent's size
            hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
            result["peak_mb"] = int(hwm.split()[1]) / 1024
            print(json.dumps(result, ensure_ascii=False))
    """ % str(ROOT)) + textwrap.dedent(code) + "\ndone()\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# =============================================================================================
# Files that are not usable workbooks


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "文件是空的" in unusable(path)


def test_not_a_zip(tmp_path):
    path = tmp_path / "乱码.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    assert "不是 Excel 工作簿" in unusable(path)


@pytest.mark.parametrize("name", ["旧版.xls", "旧版改名.xlsx"])
def test_old_xls_says_save_as_xlsx(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(make_cfb({"Workbook": b"\x09\x08" + b"\0" * 5000, "\x05SummaryInformation": b"\0" * 100}))
    message = unusable(path)
    assert ".xls" in message and "另存为" in message and "xlsx" in message


def test_password_protected_workbook_says_so(tmp_path):
    # What Excel writes for "encrypt with password": an OLE container, not a zip.
    path = tmp_path / "加密.xlsx"
    path.write_bytes(make_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200,
                               "EncryptedPackage": os.urandom(6000)}))
    message = unusable(path)
    assert "密码" in message and "清除密码" in message


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_renamed_to_xlsx(tmp_path, encoding):
    path = tmp_path / "导出.xlsx"
    path.write_bytes("功能科目编码,功能科目名称,一般公共预算\n2080101,行政运行,326.05\n".encode(encoding))
    assert "CSV" in unusable(path)


def test_html_saved_as_xls_and_renamed(tmp_path):
    path = tmp_path / "网页.xlsx"
    path.write_text("<html><body><table><tr><td>2080101</td></tr></table></body></html>", encoding="utf-8")
    assert "网页" in unusable(path)


def test_excel_lock_file(tmp_path):
    path = tmp_path / "~$单位.xlsx"
    path.write_bytes(b"\x08clerk" + b"\0" * 150)
    assert "锁定文件" in unusable(path)


def test_word_document_instead_of_workbook(tmp_path):
    path = tmp_path / "说明.xlsx"
    write_members(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert "Word 文档" in unusable(path)


def test_truncated_zip(tmp_path, example):
    data = example.read_bytes()
    for cut in (len(data) // 2, len(data) - 100, 200):
        path = tmp_path / f"半截{cut}.xlsx"
        path.write_bytes(data[:cut])
        assert "损坏或不完整" in unusable(path)


def test_corrupt_member(tmp_path, example):
    """A byte flipped inside a sheet's compressed data (a bad USB stick): caught by inflate or CRC."""
    data = bytearray(example.read_bytes())
    with zipfile.ZipFile(example) as zf:
        info = zf.getinfo(sheet_member(read_members(example), "收入明细"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in (info.compress_size // 2, info.compress_size // 3):
        broken = bytearray(data)
        broken[start + offset] ^= 0x55
        path = tmp_path / f"坏{offset}.xlsx"
        path.write_bytes(bytes(broken))
        message = unusable(path)
        assert "损坏" in message and "xl/worksheets/" in message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UnusableFile, match="文件不存在"):
        read_budget(tmp_path / "没有.xlsx")
    with pytest.raises(UnusableFile, match="文件夹"):
        read_budget(tmp_path)


# =============================================================================================
# Zip bombs and entity expansion: refused before anything large is unpacked or parsed


def test_zip_bomb_with_huge_declared_sizes_is_refused_before_unpacking(tmp_path, example):
    members = read_members(example)
    entries = []
    for name, data in members.items():
        entries.append((name, deflate(data), zlib.crc32(data), len(deflate(data)), len(data)))
    # a member claiming 3.9 GB (its data is tiny: nothing would ever be unpacked to find out)
    entries.append(("xl/worksheets/sheet99.xml", deflate(b"<x/>"), 0, 6, 0xF0000000))
    path = tmp_path / "炸弹1.xlsx"
    path.write_bytes(raw_zip(entries))
    assert "解压后过大" in unusable(path)


def _bomb(path: Path, source: Path, padding: int) -> Path:
    """The example with ``padding`` bytes of whitespace inside a sheet (compresses ~1000:1), streamed."""
    members = read_members(source)
    member = sheet_member(members, "收入明细")
    head, tail = members[member].split(b"<sheetData>", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if name != member:
                zf.writestr(name, data)
        with zf.open(member, "w", force_zip64=True) as fh:
            fh.write(head + b"<sheetData>")
            block = b" " * (1 << 20)
            for _ in range(padding >> 20):
                fh.write(block)
            fh.write(tail)
    return path


def test_real_highly_compressible_member_is_refused(tmp_path, example):
    path = _bomb(tmp_path / "炸弹2.xlsx", example, 300 << 20)  # 300 MB of spaces, ~300 KB on disk
    assert path.stat().st_size < 2 << 20
    assert "解压后过大" in unusable(path)
    # a smaller one passes the total cap but not the ratio cap
    path = _bomb(tmp_path / "炸弹3.xlsx", example, 60 << 20)
    assert "解压后过大" in unusable(path)
    measured = run_child(f"""
        from gen.reader import read_budget
        from gen.findings import UnusableFile
        try:
            read_budget({str(path)!r})
        except UnusableFile as exc:
            result["message"] = str(exc)
    """)
    assert "解压后过大" in measured["message"]
    assert measured["seconds"] < 10 and measured["peak_mb"] < 300, measured


def test_zip_bomb_that_lies_about_its_size(tmp_path, example):
    """Header: 1,000 bytes with the CRC of the first 1,000 bytes; data: 100 MB.  zipfile's own reader
    stops at the declared size and would pass it; calamine's reader would not stop."""
    members = read_members(example)
    member = sheet_member(members, "收入明细")
    real = members[member].replace(b"<sheetData>", b"<sheetData>" + b" " * (100 << 20), 1)
    entries = []
    for name, data in members.items():
        if name == member:
            packed = deflate(real, 6)
            entries.append((name, packed, zlib.crc32(real[:1000]), len(packed), 1000))
        else:
            entries.append((name, deflate(data), zlib.crc32(data), len(deflate(data)), len(data)))
    path = tmp_path / "炸弹4.xlsx"
    path.write_bytes(raw_zip(entries))
    with zipfile.ZipFile(path) as zf:  # what a naive check would see: a valid 1,000-byte member
        assert zf.read(member) == real[:1000]
    assert "解压后过大" in unusable(path)


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10)) + b"]>")


def _laughs(path: Path, source: Path) -> Path:
    def edit(xml: bytes) -> bytes:
        xml = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return LAUGHS + xml.replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
                                    b"</t></is></c></row>", 1)
    return edit_xml(source, path, "支出用途", edit)


def test_billion_laughs_is_refused_before_reading(tmp_path, example):
    path = _laughs(tmp_path / "笑.xlsx", example)
    assert "DTD" in unusable(path)


def test_billion_laughs_is_not_expanded_by_calamine_itself(tmp_path, example):
    """Even without gen's check, calamine does not expand entities (10^9 "lol"s would be 3 GB): it
    rejects the undeclared entity at once.  Measured in a child process."""
    path = _laughs(tmp_path / "笑.xlsx", example)
    measured = run_child(f"""
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path({str(path)!r})
        try:
            rows = book.get_sheet_by_name("支出用途").to_python()
            result["longest"] = max(len(str(v)) for row in rows for v in row)
        except Exception as exc:
            result["error"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert measured.get("longest", 0) < 1000, measured
    assert measured["seconds"] < 5 and measured["peak_mb"] < 200, measured


def test_dtd_in_shared_strings_is_refused(tmp_path, example):
    members = read_members(example)
    members["xl/sharedStrings.xml"] = LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    path = write_members(tmp_path / "笑2.xlsx", members)
    assert "DTD" in unusable(path)


def test_a_far_cell_does_not_make_calamine_allocate_the_whole_grid(tmp_path, example):
    """One character at XFD1048576 would make calamine allocate 17 billion cells and abort the
    process (not an exception).  gen refuses the sheet, naming the cell, in a few milliseconds."""
    def far(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t> </t></is>'
                                            b"</c></row></sheetData>")
    path = edit_xml(example, tmp_path / "远.xlsx", "支出用途", far)
    measured = run_child(f"""
        from gen.reader import read_budget
        from gen.findings import UnusableFile
        try:
            read_budget({str(path)!r})
        except UnusableFile as exc:
            result["message"] = str(exc)
    """)
    assert "XFD1048576" in measured["message"] and "支出用途" in measured["message"], measured
    assert measured["seconds"] < 5 and measured["peak_mb"] < 200, measured


# =============================================================================================
# Sheets and layout


def test_missing_sheet(tmp_path, example):
    wb = openpyxl.load_workbook(example)
    del wb["项目绩效"]
    wb.save(path := tmp_path / "少表.xlsx")
    _, findings = read_budget(path)
    one_error(findings, "项目绩效!A1", "缺少工作表“项目绩效”")


def test_renamed_sheet_is_named_in_the_message(tmp_path, example):
    wb = openpyxl.load_workbook(example)
    wb["收入明细"].title = "收入明细表"
    wb.save(path := tmp_path / "改名.xlsx")
    _, findings = read_budget(path)
    one_error(findings, "收入明细!A1", "缺少工作表“收入明细”", "“收入明细表”", "改回")


def test_sheet_name_with_spaces_or_full_width_is_still_found(tmp_path, example, example_budget):
    wb = openpyxl.load_workbook(example)
    wb["收入明细"].title = " 收入明细 "
    wb.save(path := tmp_path / "空格.xlsx")
    budget, findings = read_budget(path)
    assert not findings.errors
    assert [i.amounts for i in budget.income] == [i.amounts for i in example_budget.income]


def _income(budget):
    return [(i.code, i.name, i.amounts, i.prior_gpb, i.reason) for i in budget.income]


def test_header_moved_down_and_blank_rows_inserted(tmp_path, example, example_budget):
    wb = openpyxl.load_workbook(example)
    ws = wb["收入明细"]
    ws.insert_rows(5, 2)  # two blank rows inside the data
    ws.insert_rows(1, 3)  # header now on row 6 instead of 3
    ws.insert_rows(20, 5)
    wb.save(path := tmp_path / "移动.xlsx")
    budget, findings = read_budget(path)
    assert not findings.errors, [f.describe() for f in findings]
    assert _income(budget) == _income(example_budget)
    assert budget.income[0].cells["gpb"] == "收入明细!C7"  # cells follow the move


def test_columns_reordered(tmp_path, example, example_budget):
    wb = openpyxl.load_workbook(example)
    ws = wb["收入明细"]
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):  # swap 一般公共预算 (C) and 增减主要原因 (Q)
        row[2].value, row[16].value = row[16].value, row[2].value
    wb.save(path := tmp_path / "换列.xlsx")
    budget, findings = read_budget(path)
    assert not findings.errors, [f.describe() for f in findings]
    assert _income(budget) == _income(example_budget)
    assert budget.income[1].cells["gpb"] == "收入明细!Q5"


def test_hidden_rows_are_data_and_are_named(tmp_path, example, example_budget, renderer):
    """Hidden rows are still data: Excel's own SUM (the template's row-2 totals) counts them, and
    a clerk who hides a row to "remove" it would otherwise publish a document that silently differs
    from the workbook the auditor sees.  gen reads them and names them in a 提示."""
    wb = openpyxl.load_workbook(example)
    ws = wb["收入明细"]
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[6].hidden = True
    ws.row_dimensions[40].hidden = True  # hidden but empty: not worth a word
    wb.save(path := tmp_path / "隐藏.xlsx")
    budget, findings = read_budget(path)
    assert _income(budget) == _income(example_budget)
    warning = one_warning(findings, "收入明细!A5", "第 5 行、第 6 行", "隐藏", "照常读取")
    assert "40" not in warning.message
    result = build_unit(path, tmp_path / "out", renderer)
    assert result.status == "ok" and result.output.exists()


def test_merged_amount_cells_are_an_error_naming_the_range(tmp_path, example):
    wb = openpyxl.load_workbook(example)
    wb["收入明细"].merge_cells("C5:C6")
    wb["收支总额"].merge_cells("B4:C4")
    wb.save(path := tmp_path / "合并.xlsx")
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "合并单元格 C5:C6", "取消合并")
    one_error(findings, "收支总额!B4", "合并单元格 B4:C4")


def test_merged_text_cells_are_read_with_a_note(tmp_path, example):
    wb = openpyxl.load_workbook(example)
    wb["收入明细"].merge_cells("Q5:Q6")  # one reason for two lines: the second line reads blank
    wb.save(path := tmp_path / "合并文字.xlsx")
    budget, findings = read_budget(path)
    one_warning(findings, "收入明细!Q5", "合并单元格 Q5:Q6", "第一格")
    assert budget.income[2].reason == ""


def test_content_hidden_under_a_merge_is_not_silently_read(tmp_path, example):
    # LibreOffice can keep the covered cells' content when merging; Excel shows only the first.
    members = read_members(example)
    member = sheet_member(members, "收入明细")
    members[member] = members[member].replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                              b'<mergeCell ref="C5:D5"/></mergeCells>', 1)
    path = write_members(tmp_path / "遮住.xlsx", members)
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "合并单元格 C5:D5")
    one_error(findings, "收入明细!D5", "合并单元格 C5:D5")


# =============================================================================================
# Formulas


def test_formula_errors_name_the_cell(tmp_path, example):
    path = set_cells(example, tmp_path / "公式错.xlsx", "收入明细", {
        "C5": Raw("1/0", error="#DIV/0!"), "D5": Raw("#REF!+1", error="#REF!"), "P5": Raw(error="#N/A")})
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "公式出错", "#DIV/0!", "=1/0")
    one_error(findings, "收入明细!D5", "公式出错", "#REF!")
    one_error(findings, "收入明细!P5", "公式出错", "#N/A")


def test_formula_without_cached_value_is_never_read_as_zero(tmp_path, example):
    """openpyxl writes formulas without results (as does any program that never calculated): calamine
    returns nothing for them, which must not become 0."""
    wb = openpyxl.load_workbook(example)
    wb["收入明细"]["C5"] = "=300+26.05"
    wb["收支总额"]["B4"] = "=SUM(收入明细!C4:C40)"
    wb["单位信息"]["B11"] = "=17"
    wb["项目绩效"]["E4"] = "=100%"  # a clerk typing an indicator value that starts with "="
    wb.save(path := tmp_path / "公式.xlsx")
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "该单元格是公式", "请直接填写数值", "gen 不使用公式结果")
    one_error(findings, "收支总额!B4", "该单元格是公式")
    one_error(findings, "单位信息!B11", "该单元格是公式", "整数")
    one_error(findings, "项目绩效!E4", "该单元格是公式（=100%）", "单引号")


def test_formula_with_cached_value_is_not_used_either(tmp_path, example):
    path = set_cells(example, tmp_path / "缓存.xlsx", "收入明细", {"C5": Raw("300+26.05", 326.05)})
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "该单元格是公式（=300+26.05）")


def test_template_formula_columns_are_not_input(example_workbook):
    """The template's own formulas (row-2 totals, 合计/核对 columns) are never read, so never reported."""
    _, findings = read_budget(example_workbook)
    assert not findings.items


def test_cells_without_r_attributes_use_the_slow_scan(tmp_path, example):
    """Some producers leave out r="…": the byte scan gives way to a real (non-expanding) XML parse."""
    path = set_cells(example, tmp_path / "a.xlsx", "收入明细", {"C5": Raw("1+1"), "D6": Raw("1/0", error="#DIV/0!")})

    def strip_refs(xml: bytes) -> bytes:
        return re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)
    path = edit_xml(path, tmp_path / "无r.xlsx", "收入明细", strip_refs)
    assert b'<c r="' not in read_members(path)[sheet_member(read_members(path), "收入明细")]
    _, findings = read_budget(path)
    one_error(findings, "收入明细!C5", "该单元格是公式（=1+1）")
    one_error(findings, "收入明细!D6", "公式出错", "#DIV/0!")


def test_fast_and_slow_scans_agree(tmp_path, example):
    """The byte scan and the XML-parser scan find the same formulas, errors, hidden rows and columns."""
    from gen.values import Formula
    from gen.workbook_file import SheetScan, _ScanFast, _scan_slow
    wb = openpyxl.load_workbook(example)
    ws = wb["收入明细"]
    ws.row_dimensions[6].hidden = True
    ws.column_dimensions["E"].hidden = True
    ws["C7"] = "=1+2"
    wb.save(path := tmp_path / "扫描.xlsx")
    path = set_cells(path, tmp_path / "扫描2.xlsx", "收入明细", {
        "D5": Raw("1/0", error="#DIV/0!"), "P5": Raw(error="#N/A"), "Q5": Raw('"a"&"b"', "ab")})
    members = read_members(path)
    xml = members[sheet_member(members, "收入明细")]
    fast, slow = SheetScan(), SheetScan()
    assert _ScanFast(fast, b"").run(xml, None)
    _scan_slow(slow, io.BytesIO(xml))
    def shown(formulas):  # the fast scan keeps a formula's text as escaped bytes until it is shown
        return {cell: (Formula(text).shown(), error) for cell, (text, error) in formulas.items()}
    assert shown(fast.formulas) == shown(slow.formulas) and fast.errors == slow.errors
    assert fast.hidden_rows == slow.hidden_rows == {5} and 4 in fast.hidden_cols and fast.hidden_cols == slow.hidden_cols
    assert shown(fast.formulas)[(4, 3)] == ("=1/0", "#DIV/0!") and fast.errors == {(4, 15): "#N/A"}
    assert fast.rows >= slow.rows and fast.cols >= slow.cols  # the fast extent is an upper bound


# =============================================================================================
# Values typed by hand, each through a real workbook


def _at(budget, where: str):
    return {
        "收入明细!C5": lambda: budget.income[1].amounts[Fund.GPB],
        "收入明细!A5": lambda: budget.income[1].code,
        "收入明细!Q5": lambda: budget.income[1].reason,
        "单位信息!B5": lambda: budget.unit.date,
        "单位信息!B4": lambda: budget.unit.year,
        "单位信息!B11": lambda: budget.unit.staff_active[0],
        "收支总额!B4": lambda: budget.totals["gpb"].current,
        "主要职能!A4": lambda: budget.unit.functions[0],
    }[where]()


VALUES = [
    # (cell, raw value, read as, 提示 or 错误 phrase)
    ("收入明细!C5", "1,234.56", Decimal("1234.56"), "提示:千分位"),
    ("收入明细!C5", "１２３.４５", Decimal("123.45"), "提示:全角"),
    ("收入明细!C5", "12万元", Decimal("12.00"), "提示:万元"),
    ("收入明细!C5", " 12.3 ", Decimal("12.30"), "提示:文本形式"),
    ("收入明细!C5", "—", Decimal("0"), "提示:按空白"),
    ("收入明细!C5", 1234.5600000000002, Decimal("1234.56"), None),
    ("收入明细!C5", -5.0, None, "错误:不能为负数"),
    ("收入明细!C5", "-5", None, "错误:不能为负数"),
    ("收入明细!C5", "(12.00)", None, "错误:负数"),
    ("收入明细!C5", 1.234, None, "错误:最多2位小数"),
    ("收入明细!C5", "12元", None, "错误:万元"),
    ("收入明细!C5", "12%", None, "错误:百分数"),
    ("收入明细!C5", "1e3", None, "错误:不是数字"),
    ("收入明细!C5", "2024-01-26", None, "错误:不是数字"),
    ("收入明细!C5", dt.datetime(2024, 1, 26), None, "错误:日期"),
    ("收入明细!C5", True, None, "错误:TRUE"),
    ("收入明细!C5", "1,23,4.5", None, "错误:千分位"),
    ("收入明细!C5", 1e300, None, "错误:过大"),
    ("收支总额!B4", "440.12万", Decimal("440.12"), "提示:万"),
    ("单位信息!B5", "2024年1月26日", dt.date(2024, 1, 26), "提示:文本形式"),
    ("单位信息!B5", "2024/1/26", dt.date(2024, 1, 26), "提示:文本形式"),
    ("单位信息!B5", 45317, dt.date(2024, 1, 26), "提示:日期序号"),
    ("单位信息!B5", "26/01/2024", None, "错误:不是有效日期"),
    ("单位信息!B5", "2024-02-30", None, "错误:不是有效日期"),
    ("单位信息!B4", "2024年", 2024, "提示:年"),
    ("单位信息!B4", "24", None, "错误:四位年份"),
    ("单位信息!B11", "17人", 17, "提示:人"),
    ("单位信息!B11", 17.5, None, "错误:整数"),
    ("单位信息!B11", "1.7万", None, "错误"),
    ("收入明细!A5", "２０８０１０９", "2080109", "提示:全角"),
    ("收入明细!A5", 2080109.0, "2080109", None),
    ("收入明细!A5", "208-01-09", None, "错误:只能由数字组成"),
    ("主要职能!A4", True, "TRUE", "提示:逻辑值"),
    ("主要职能!A4", dt.datetime(2024, 1, 1), "2024-01-01", "提示:日期"),
    ("主要职能!A4", "负责\x07社会保险\u202e经办\x00。", "负责社会保险经办。", "提示:控制字符"),
    ("收入明细!Q5", 13912345678.0, "13912345678", None),
]


@pytest.mark.parametrize("where,raw,expected,finding", VALUES, ids=[f"{w}={r!r}" for w, r, _, _ in VALUES])
def test_values_are_normalised_or_rejected_with_the_cell_named(tmp_path, example, where, raw, expected, finding):
    sheet, cell = where.split("!")
    date_style = cell_style(example, "单位信息", "B5")
    path = set_cells(example, tmp_path / "值.xlsx", sheet, {cell: raw}, date_style=date_style)
    budget, findings = read_budget(path)
    here = findings_at(findings, where)
    if finding is None:
        assert not here, [f.describe() for f in here]
    else:
        severity, phrase = finding.split(":", 1) if ":" in finding else (finding, "")
        wanted = "error" if severity == "错误" else "warning"
        assert any(f.severity == wanted and phrase in f.message for f in here), [f.describe() for f in findings]
        assert all(f.message.startswith("“") for f in here), "the message starts with the field's label"
    if expected is not None:
        assert _at(budget, where) == expected


# =============================================================================================
# Through the command line: a message naming the file, a non-zero exit, no traceback


BAD_FILES = {
    "空.xlsx": b"",
    "乱码.xlsx": b"\x00\x01garbage" * 100,
    "导出.xlsx": "编码,名称\n2080101,行政运行\n".encode("gbk"),
}


def _bad_files(tmp_path, example) -> list[Path]:
    paths = []
    for name, data in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    half = tmp_path / "半截.xlsx"
    half.write_bytes(example.read_bytes()[:5000])
    paths.append(half)
    xls = tmp_path / "旧版.xls"
    xls.write_bytes(make_cfb({"Workbook": b"\0" * 5000}))
    paths.append(xls)
    return paths


def test_cli_check_and_build_on_bad_files(tmp_path, example):
    runner = CliRunner()
    for path in _bad_files(tmp_path, example):
        before = sha256(path)
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 2, result.output
        assert path.name in result.output and "Traceback" not in result.output
        result = runner.invoke(main, ["build", str(path), "-o", str(tmp_path / "out")])
        assert result.exit_code != 0
        assert path.name in result.output and "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert sha256(path) == before
    assert not list(tmp_path.glob("out/*.docx"))


def test_cli_check_names_sheet_and_cell(tmp_path, example):
    path = set_cells(example, tmp_path / "值.xlsx", "收入明细", {"C5": "abc"})
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert "收入明细!C5" in result.output and "“abc”不是数字" in result.output


def _gen() -> list[str]:
    exe = shutil.which("gen") or str(Path(sys.executable).with_name("gen"))
    assert Path(exe).exists(), "the gen command is installed (pip install -e .)"
    return [exe]


def test_real_subprocess_never_shows_a_traceback(tmp_path, example):
    paths = _bad_files(tmp_path, example)
    for args in (["build", *map(str, paths), "-o", str(tmp_path / "out")], ["check", *map(str, paths)]):
        proc = subprocess.run(_gen() + args, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
        for path in paths:
            assert path.name in proc.stderr + proc.stdout


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(tmp_path, example, monkeypatch):
    import gen.checks

    def broken(*args, **kwargs):
        raise RuntimeError("模拟的程序错误")
    monkeypatch.setattr(gen.checks, "check_workbook", broken)
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(example)])
    assert result.exit_code == 1
    assert "程序出错" in result.output and "模拟的程序错误" in result.output and example.name in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["--debug", "check", str(example)])
    assert isinstance(result.exception, RuntimeError)  # --debug lets it through, traceback and all


def test_ctrl_c_in_check_is_a_clean_exit(tmp_path, example, monkeypatch):
    import gen.checks

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(gen.checks, "check_workbook", interrupted)
    result = CliRunner().invoke(main, ["check", str(example)])
    assert result.exit_code == 130 and "已中断" in result.output and "Traceback" not in result.output


# =============================================================================================
# Output: atomic, never half-written; a locked file gets a clear message


def _half(error: BaseException):
    """Writes half of what it is given, then fails like a full disk or Ctrl-C (for gen.output)."""
    def write(fd: int, data: bytes) -> None:
        os.write(fd, bytes(data[: len(data) // 2]))
        raise error
    return write


def _only_the_document(out: Path, expected: set[str]) -> None:
    assert {p.name for p in out.iterdir()} == expected, "no half-written document, no temporary file left"


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_crash_mid_write_leaves_no_partial_document(tmp_path, example, renderer, monkeypatch, error):
    import gen.output
    out = tmp_path / "out"
    first = build_unit(example, out, renderer)
    assert first.status == "ok"
    good = first.output.read_bytes()
    monkeypatch.setattr(gen.output, "_write_all", _half(error))
    if isinstance(error, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            build_unit(example, out, renderer)
    else:
        result = build_unit(example, out, renderer)
        assert result.status == "unwritable" and "无法写入" in result.message and "磁盘已满" in result.message
    _only_the_document(out, {first.output.name})
    assert first.output.read_bytes() == good, "the previous document is untouched"


def test_a_crash_mid_write_of_a_new_document_leaves_nothing(tmp_path, example, renderer, monkeypatch):
    import gen.output
    monkeypatch.setattr(gen.output, "_write_all", _half(OSError(5, "I/O error")))
    out = tmp_path / "out"
    result = build_unit(example, out, renderer)
    assert result.status == "unwritable" and result.output is None and "I/O error" in result.message
    _only_the_document(out, set())


def test_ctrl_c_during_build_through_the_cli_leaves_nothing(tmp_path, example, monkeypatch):
    import gen.output
    monkeypatch.setattr(gen.output, "_write_all", _half(KeyboardInterrupt()))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(example), "-o", str(out), "-j", "1"])
    assert result.exit_code == 130 and "已中断" in result.output and "Traceback" not in result.output
    assert not out.exists() or not [p.name for p in out.iterdir() if p.suffix == ".docx" or p.name.startswith(".~")]


def test_output_locked_by_another_program(tmp_path, example, renderer, monkeypatch):
    import gen.output

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(gen.output.os, "replace", locked)
    out = tmp_path / "out"
    result = build_unit(example, out, renderer)
    assert result.status == "unwritable"
    assert "被其他程序占用" in result.message and "单位预算公开.docx" in result.message
    _only_the_document(out, set())
    with pytest.raises(OutputLocked):
        write_atomic(out / "x.docx", b"data")


def test_output_locked_through_the_cli(tmp_path, example, monkeypatch):
    real_replace = os.replace

    def locked(src, dst):
        if str(dst).endswith(".docx"):
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", locked)
    result = CliRunner().invoke(main, ["build", str(example), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert "被其他程序占用" in result.output and "Traceback" not in result.output
    assert not list((tmp_path / "out").glob("*.docx"))


def test_output_folder_is_a_file(tmp_path, example, renderer):
    blocker = tmp_path / "out"
    blocker.write_text("不是文件夹")
    result = build_unit(example, blocker, renderer)
    assert result.status == "unwritable" and "无法写入" in result.message and "文件而不是文件夹" in result.message


def test_input_is_never_modified(tmp_path, example, renderer):
    before = sha256(example)
    stat = example.stat()
    read_budget(example)
    assert build_unit(example, tmp_path / "out", renderer).status == "ok"
    CliRunner().invoke(main, ["check", str(example)])
    assert sha256(example) == before and example.stat().st_mtime_ns == stat.st_mtime_ns


# =============================================================================================
# Size: 100,000 rows


def _many_rows(path: Path, source: Path, n: int) -> Path:
    """收入明细 with ``n`` filled rows (each with a formula in the 合计 column, as the template has)."""
    def edit(xml: bytes) -> bytes:
        head, rest = xml.split(b'<row r="4"', 1)
        tail = rest[rest.index(b"</sheetData>"):]
        rows = [b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>2080109</t></is></c>'
                b'<c r="B%d" t="inlineStr"><is><t>\xe7\xa4\xbe\xe4\xbc\x9a\xe4\xbf\x9d\xe9\x99\xa9</t></is></c>'
                b'<c r="C%d"><v>1.25</v></c><c r="P%d"><v>3</v></c><c r="R%d"><f>SUM(C%d:O%d)</f></c></row>'
                % ((r,) * 8) for r in range(4, n + 4)]
        return head + b"".join(rows) + tail
    return edit_xml(source, path, "收入明细", edit)


def test_100k_rows_are_all_read(tmp_path, example):
    path = _many_rows(tmp_path / "十万行.xlsx", example, 100_000)
    assert path.stat().st_size < 5 << 20
    measured = run_child(f"""
        from gen.reader import read_budget
        budget, findings = read_budget({str(path)!r})
        result["lines"] = len(budget.income)
        result["errors"] = len(findings.errors)
    """, timeout=300)
    assert measured["lines"] == 100_000 and measured["errors"] == 0, measured
    # speed and memory: python tools/bench_rows.py prints them (no timed test)


def test_a_stray_value_100k_rows_down(tmp_path, example):
    """The common way a sheet gets 100,000 rows: one stray character far below the data."""
    path = set_cells(example, tmp_path / "远行.xlsx", "收入明细", {"B100000": "x", "Q100001": " "})
    measured = run_child(f"""
        from click.testing import CliRunner
        from gen.cli import main
        out = CliRunner().invoke(main, ["check", {str(path)!r}])
        result["exit"] = out.exit_code
        result["output"] = out.output
    """)
    assert measured["exit"] == 1 and "收入明细!A100000" in measured["output"], measured


# =============================================================================================
# A folder with one corrupt workbook among good ones


def test_batch_folder_builds_every_good_workbook_and_reports_the_corrupt_one(tmp_path, example_content):
    from conftest import make_workbook
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("甲", "乙", "丙"):
        content = json.loads(json.dumps(example_content))
        content["unit"]["name"] = f"单位{name}"
        make_workbook(folder, content, f"{name}.xlsx")
    corrupt = folder / "坏.xlsx"
    corrupt.write_bytes((folder / "甲.xlsx").read_bytes()[:3000])
    hashes = {p: sha256(p) for p in folder.iterdir()}
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(f"单位{n}2024年单位预算公开.docx" for n in "甲乙丙")
    assert "坏.xlsx" in result.output and "损坏" in result.output
    assert "Traceback" not in result.output
    assert {p: sha256(p) for p in folder.iterdir()} == hashes

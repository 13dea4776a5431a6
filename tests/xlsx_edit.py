"""Making odd and hostile workbooks for the robustness tests.

openpyxl edits cover what a clerk does in Excel (hide a row, merge cells, type a formula); the XML
edits here cover what openpyxl cannot write: cached formula results and error values, control
characters, DTDs, cells without ``r`` attributes, zip members whose headers lie, OLE containers.
Everything works on copies; the source workbook is never modified.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from lxml import etree

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REF = re.compile(r"([A-Z]+)(\d+)")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_members(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return Path(path)


def sheet_member(members: dict[str, bytes], sheet: str) -> str:
    """The worksheet XML member behind a sheet name (workbook.xml + its relationships)."""
    workbook = etree.fromstring(members["xl/workbook.xml"])
    rels = etree.fromstring(members["xl/_rels/workbook.xml.rels"])
    rid = next(s.get(f"{{{R_NS}}}id") for s in workbook.iter(f"{{{NS}}}sheet") if s.get("name") == sheet)
    target = next(r.get("Target") for r in rels.iter() if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def edit_xml(src: Path, dst: Path, sheet: str, edit: Callable[[bytes], bytes]) -> Path:
    """Copy ``src`` to ``dst`` with one sheet's XML passed through ``edit`` (bytes -> bytes)."""
    members = read_members(src)
    member = sheet_member(members, sheet)
    members[member] = edit(members[member])
    return write_members(dst, members)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class Raw:
    """A cell written as raw XML: ``formula`` (without "="), a cached ``value``, an ``error`` code."""

    def __init__(self, formula: str | None = None, value=None, error: str | None = None):
        self.formula, self.value, self.error = formula, value, error


def _excel_serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((value - dt.date(1899, 12, 30)).days)


def set_cells(src: Path, dst: Path, sheet: str, cells: dict[str, object], date_style: str | None = None) -> Path:
    """Copy ``src`` with cells of ``sheet`` replaced: str (inline string, written as is: control
    characters become _xHHHH_ escapes as Excel writes them), bool, int/float, date/datetime (needs
    ``date_style``, the s index of a date-formatted cell), None (empty) or ``Raw``."""

    def edit(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        data = root.find(f"{{{NS}}}sheetData")
        for ref, value in cells.items():
            letters, number = _REF.fullmatch(ref).groups()
            row = next((r for r in data if r.get("r") == number), None)
            if row is None:
                row = etree.Element(f"{{{NS}}}row", r=number)
                after = [r for r in data if int(r.get("r")) < int(number)]
                data.insert(data.index(after[-1]) + 1 if after else 0, row)
            cell = next((c for c in row if c.get("r") == ref), None)
            if cell is None:
                cell = etree.Element(f"{{{NS}}}c", r=ref)
                after = [c for c in row if col_index(_REF.fullmatch(c.get("r")).group(1)) < col_index(letters)]
                row.insert(row.index(after[-1]) + 1 if after else 0, cell)
            for child in list(cell):
                cell.remove(child)
            for attr in ("t",):
                cell.attrib.pop(attr, None)
            _fill(cell, value, date_style)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return edit_xml(src, dst, sheet, edit)


def _escape_controls(text: str) -> str:
    """Excel's way of storing characters XML cannot hold: _x0001_."""
    return "".join(f"_x{ord(ch):04X}_" if ord(ch) < 32 and ch not in "\t\n\r" or 0xD800 <= ord(ch) <= 0xDFFF
                   or ch in "\ufffe\uffff" else ch for ch in text)


def _fill(cell, value, date_style) -> None:
    sub = etree.SubElement
    if value is None:
        return
    if isinstance(value, Raw):
        if value.error:
            cell.set("t", "e")
        elif isinstance(value.value, str):
            cell.set("t", "str")
        elif isinstance(value.value, bool):
            cell.set("t", "b")
        if value.formula is not None:
            sub(cell, f"{{{NS}}}f").text = _escape_controls(value.formula)
        cached = value.error if value.error else value.value
        if cached is not None:
            sub(cell, f"{{{NS}}}v").text = str(int(cached)) if isinstance(cached, bool) else _escape_controls(str(cached))
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        sub(cell, f"{{{NS}}}v").text = "1" if value else "0"
    elif isinstance(value, (int, float)):
        cell.attrib.pop("s", None)  # General format: a number stays a number, even in a date cell
        sub(cell, f"{{{NS}}}v").text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        assert date_style is not None, "a date cell needs a date style"
        cell.set("s", date_style)
        sub(cell, f"{{{NS}}}v").text = repr(_excel_serial(value))
    else:
        cell.set("t", "inlineStr")
        t = sub(sub(cell, f"{{{NS}}}is"), f"{{{NS}}}t")
        t.text = _escape_controls(str(value))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def cell_style(path: Path, sheet: str, ref: str) -> str:
    members = read_members(path)
    root = etree.fromstring(members[sheet_member(members, sheet)])
    return next(c for c in root.iter(f"{{{NS}}}c") if c.get("r") == ref).get("s")


# --- hand-made containers -------------------------------------------------------------------------

def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A deflate zip from (name, compressed bytes, crc, declared compressed size, declared size):
    the headers say whatever the caller wants, true or not."""
    out, central, offset = [], [], 0
    for name, payload, crc, csize, size in entries:
        n = name.encode()
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, size, len(n), 0) + n
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, size,
                                   len(n), 0, 0, 0, 0, 0, offset) + n)
        out += [local, payload]
        offset += len(local) + len(payload)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end


def deflate(data: bytes, level: int = 9) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def make_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) holding ``streams`` (each padded
    to at least 4096 bytes, so none lives in the mini stream): the container of .xls files and of
    password-protected .xlsx files (EncryptionInfo + EncryptedPackage)."""
    free, end_chain, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    items = [(name, data.ljust(4096, b"\0")) for name, data in streams.items()]
    fat = [fat_sect, end_chain]  # sector 0: FAT, sector 1: directory (4 entries)
    assert len(items) <= 3
    starts, body = [], b""
    for _, data in items:
        sectors = (len(data) + 511) // 512
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(sectors - 1)] + [end_chain]
        body += data.ljust(sectors * 512, b"\0")
    assert len(fat) <= 128

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", free, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, 1 if items else free, free, end_chain, 0)
    for i, ((name, data), start) in enumerate(zip(items, starts), start=1):
        directory += entry(name, 2, free, i + 1 if i < len(items) else free, start, len(data))
    directory = directory.ljust(512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_chain, 0, end_chain, 0))
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    assert len(header) == 512
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(512, b"\xff")
    return header + fat_sector + directory + body

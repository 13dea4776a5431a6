"""Opening a workbook file safely: every way a file can be unusable gets its own Chinese message.

Order of work, so that nothing expensive or dangerous runs on a bad file:

1. **Bytes** (``_check_bytes``): the file is read once (at most ``MAX_FILE_BYTES``) and everything
   below works on that copy, so the input is never touched again and never modified.  Empty files,
   old .xls, password-protected .xlsx (an OLE container with an ``EncryptedPackage`` stream), CSV
   or HTML renamed to .xlsx, Excel lock files, .ods/.xlsb/.docx are each named.
2. **Zip** (``_check_zip``): member count and *declared* sizes are capped before anything is
   unpacked (zip bombs); then every member is inflated from exactly the compressed bytes it stores
   (what any reader, calamine included, could get out of it), in a stream that stops as soon as it
   passes the caps or the declared size (a bomb that lies in its header), and whose size and CRC must
   match the header (truncated or corrupt files).  XML
   parts must not contain a DTD: Excel never writes one, and a DTD is what entity-expansion
   attacks ("billion laughs") need.  (calamine's XML reader does not expand entities either; it
   rejects undeclared ones.  tests/test_robustness.py measures both.)
3. **What calamine does not tell** (``_scan_sheet``): calamine returns a formula's cached value
   (nothing at all for a file that was never calculated) and an empty cell for an error value, and
   it does not report hidden rows.  One streaming pass over each wanted sheet's XML finds formula
   cells, error cells, hidden rows and columns, and the sheet's extent.  The pass is byte-level
   (no XML parser, no entities) for the layout every spreadsheet program writes (``<c r="A1"…>``)
   and an lxml stream without entity resolution otherwise.
4. **Extent**: a single character typed at XFD1048576 makes calamine allocate the whole
   1048576 × 16384 grid (an abort, not an exception).  A sheet whose extent is beyond
   ``MAX_CELLS`` is refused, naming the far cell.
5. **Values**: python-calamine reads the wanted sheets; marked cells are replaced by
   ``values.Formula`` / ``values.CellError`` / ``values.Merged`` so that no parser can mistake them
   for a number.
"""
from __future__ import annotations

import errno
import html
import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree
from python_calamine import CalamineWorkbook

from .findings import UnusableFile
from .values import CellError, Formula, Merged

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 50 * 1024 * 1024  # a unit's workbook is ~50 KB; 100,000 filled rows are ~3 MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together, declared and actually unpacked
MAX_MEMBERS = 2000
MAX_RATIO = 200  # a member over 10 MB compressing better than this is a bomb, not a sheet (~10-20)
# Rows x columns of one sheet's extent (calamine allocates it densely; gen holds ~5 KB per filled row):
# 5 million is e.g. 190,000 rows x 26 columns, a thousand times a unit's budget.
MAX_CELLS = 5_000_000
_CHUNK = 4 * 1024 * 1024
_SLACK = 16 * 1024 * 1024  # unpacked beyond a member's declared size before calling it a bomb

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>/]")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ATTR_T = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_ATTR_REF = re.compile(rb"""\sref\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})(?::([A-Za-z]{1,3}[0-9]{1,7}))?["']""")
_ATTR_MIN = re.compile(rb"""\smin\s*=\s*["']([0-9]+)["']""")
_ATTR_MAX = re.compile(rb"""\smax\s*=\s*["']([0-9]+)["']""")
_HIDDEN = re.compile(rb"""hidden\s*=\s*["'](?:1|true)["']""")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_NS_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _col_index(letters: str | bytes) -> int:
    """"A" -> 0, "AA" -> 26 (0-based)."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _col_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> "B5"."""
    return f"{_col_letters(col)}{row + 1}"


def _parse_ref(ref: str | bytes) -> tuple[int, int]:
    if isinstance(ref, bytes):
        ref = ref.decode("ascii")
    m = _REF.fullmatch(ref)
    return int(m.group(2)) - 1, _col_index(m.group(1))


class Book(dict):
    """Sheet name -> ``SheetRows`` for the sheets read; ``names`` lists every sheet in the file."""

    names: list[str] = []


class SheetRows(list):
    """One sheet's rows (row 0 = Excel row 1) plus what the values alone do not show."""

    def __init__(self, rows=(), *, hidden_rows=frozenset(), hidden_cols=frozenset(), visible=True):
        super().__init__(rows)
        self.hidden_rows: frozenset[int] = frozenset(hidden_rows)  # 0-based
        self.hidden_cols: frozenset[int] = frozenset(hidden_cols)  # 0-based
        self.visible = visible


# --- 1. bytes ------------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    """The file's bytes.  Only a regular file is a workbook: a named pipe would block the read for
    ever, a device could be endless, so anything else is named and never opened (the open itself
    is non-blocking and checked again, in case the name is swapped in between)."""
    name = path.name
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnusableFile(_stat_problem(name, exc)) from None
    _regular(name, info.st_mode)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnusableFile(f"{name}：无法打开文件（{exc.strerror or exc}）。如果文件正在其他程序中打开，请关闭后重试。") from None
    with os.fdopen(fd, "rb") as fh:
        _regular(name, os.fstat(fd).st_mode)
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            raise UnusableFile(f"{name}：文件过大（{size / 1024 / 1024:.0f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB），"
                               "不像单位预算工作簿，请检查是否选错了文件。")
        try:
            return fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise UnusableFile(f"{name}：无法读取文件（{exc.strerror or exc}）。请把文件复制到本机后重试。") from None


_NOT_REGULAR = ((stat.S_ISDIR, "这是文件夹，不是工作簿。"),
                (stat.S_ISFIFO, "这是命名管道（FIFO），不是工作簿文件，gen 不会打开它。请选择真正的 .xlsx 文件。"),
                (stat.S_ISSOCK, "这是套接字（socket），不是工作簿文件，gen 不会打开它。请选择真正的 .xlsx 文件。"),
                (stat.S_ISCHR, "这是设备文件，不是工作簿文件，gen 不会打开它。请选择真正的 .xlsx 文件。"),
                (stat.S_ISBLK, "这是设备文件，不是工作簿文件，gen 不会打开它。请选择真正的 .xlsx 文件。"))


def _regular(name: str, mode: int) -> None:
    for test, message in _NOT_REGULAR:
        if test(mode):
            raise UnusableFile(f"{name}：{message}")
    if not stat.S_ISREG(mode):
        raise UnusableFile(f"{name}：不是普通文件，gen 不会打开它。请选择真正的 .xlsx 文件。")


def _stat_problem(name: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{name}：这是循环指向自己的快捷方式（符号链接），找不到真正的文件。请选择真正的 .xlsx 文件。"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return f"{name}：文件不存在。"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{name}：路径太长，无法打开。请把工作簿移到较浅的文件夹后重试。"
    return f"{name}：无法打开文件（{exc.strerror or exc}）。请检查文件权限。"


def _check_bytes(name: str, data: bytes) -> None:
    if name.startswith("~$"):
        raise UnusableFile(f"{name}：这是 Excel/WPS 打开工作簿时自动生成的临时锁定文件，不是工作簿；"
                           "关闭 Excel/WPS 后它会自动消失，可以忽略。")
    if not data:
        raise UnusableFile(f"{name}：文件是空的（0 字节），可能没有保存完整，请重新复制或保存。")
    if len(data) > MAX_FILE_BYTES:
        raise UnusableFile(f"{name}：文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB），不像单位预算工作簿，请检查。")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnusableFile(f"{name}：工作簿设置了打开密码（已加密），gen 无法读取。请在 Excel/WPS 中打开，"
                               "“文件—信息—保护工作簿—用密码进行加密”里清除密码（WPS：“文件—文档加密”），保存后再用。")
        if any(s.encode("utf-16-le") in data for s in ("Workbook", "Book")):
            raise UnusableFile(f"{name}：这是旧版 Excel 97-2003 工作簿（.xls 格式），即使扩展名是 .xlsx。"
                               "请在 Excel/WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再用。")
        raise UnusableFile(f"{name}：这是旧版 Office 格式的文件（不是 .xlsx 工作簿）。请用 gen template 生成的模板填写，"
                           "并保存为 Excel 工作簿（*.xlsx）。")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in head[:512]:
        raise UnusableFile(f"{name}：这是网页（HTML）文件改了扩展名，不是 Excel 工作簿。"
                           "请在 Excel/WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再用。")
    if head.startswith(b"<?xml"):
        raise UnusableFile(f"{name}：这是 XML 表格（Excel 2003 XML 等）改了扩展名，不是 .xlsx 工作簿。"
                           "请在 Excel/WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再用。")
    if data.startswith(b"PK"):
        raise UnusableFile(f"{name}：文件已损坏或不完整（可能复制中断），请重新复制或从 Excel/WPS 重新保存。")
    if _looks_like_text(data[:4096]):
        raise UnusableFile(f"{name}：这是文本文件（如 CSV）改了扩展名，不是 Excel 工作簿。"
                           "请用 gen template 生成的模板填写，保存为 Excel 工作簿（*.xlsx）。")
    raise UnusableFile(f"{name}：不是 Excel 工作簿（.xlsx）。请用 gen template 生成的模板填写，保存为 Excel 工作簿（*.xlsx）。")


def _looks_like_text(sample: bytes) -> bool:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / len(text) > 0.95:
            return True
    return False


# --- 2. zip --------------------------------------------------------------------------------------

_OTHER_PACKAGES = (
    ("xl/workbook.bin", "这是 Excel 二进制工作簿（.xlsb），请在 Excel 中“另存为”Excel 工作簿（*.xlsx）后再用。"),
    ("word/document.xml", "这是 Word 文档，不是 Excel 工作簿。请选择填报工作簿（.xlsx）。"),
    ("ppt/presentation.xml", "这是 PowerPoint 演示文稿，不是 Excel 工作簿。请选择填报工作簿（.xlsx）。"),
    ("content.xml", "这是 OpenDocument 表格（.ods 等），请在 WPS/LibreOffice 中“另存为”Excel 工作簿（*.xlsx）后再用。"),
)


def _damaged(name: str, detail: str = "") -> UnusableFile:
    detail = f"（{detail}）" if detail else ""
    return UnusableFile(f"{name}：文件已损坏或不完整{detail}，可能复制中断。请重新复制，或在 Excel/WPS 中打开后重新保存为 .xlsx。")


def _too_big(name: str, size: int) -> UnusableFile:
    return UnusableFile(f"{name}：解压后过大（超过 {max(size // 1024 // 1024, 1)} MB），不像单位预算工作簿，"
                        "可能是异常或恶意构造的文件（压缩炸弹），已拒绝读取。")


def _check_zip(name: str, zf: zipfile.ZipFile, data: bytes) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnusableFile(f"{name}：压缩包内文件过多（{len(infos)} 个），不像单位预算工作簿，已拒绝读取。")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_UNPACKED_BYTES:
        raise _too_big(name, declared)
    for i in infos:
        if i.file_size > 10 * 1024 * 1024 and i.file_size / max(i.compress_size, 1) > MAX_RATIO:
            raise _too_big(name, i.file_size)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        for member, message in _OTHER_PACKAGES:
            if member in names:
                raise UnusableFile(f"{name}：{message}")
        raise UnusableFile(f"{name}：压缩包里没有 Excel 工作簿内容，不是 .xlsx 文件。")
    if any(i.flag_bits & 0x1 for i in infos):
        raise UnusableFile(f"{name}：压缩包设置了密码，gen 无法读取。请在 Excel/WPS 中打开后不加密另存为 .xlsx。")
    if len(names) != len(infos):
        raise _damaged(name, "压缩包内有重名的部件")
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        is_xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
        size, crc, tail = 0, 0, b""
        for chunk in _unpack(name, data, info):
            size += len(chunk)
            total += len(chunk)
            if total > MAX_UNPACKED_BYTES:
                raise _too_big(name, total)
            if size > info.file_size + _SLACK:  # far more than the header declares: a bomb that lies
                raise _too_big(name, size)
            if size > info.file_size:  # a little more: keep going (up to the slack) to tell which
                continue
            crc = zlib.crc32(chunk, crc)
            if is_xml and (_DTD.search(tail + chunk[:16]) or _DTD.search(chunk)):
                raise UnusableFile(f"{name}：工作簿内的 {info.filename} 含有 DTD/实体声明（Excel 不会生成这样的文件），"
                                   "可能是恶意构造的文件，已拒绝读取。请在 Excel/WPS 中重新保存为 .xlsx。")
            tail = chunk[-16:]
        if size != info.file_size or crc != info.CRC:
            raise _damaged(name, f"{info.filename} 校验失败")


def _unpack(name: str, data: bytes, info: zipfile.ZipInfo):
    """The member's bytes in chunks, inflated from exactly the compressed bytes stored, whatever the
    header says the result will be (the caller stops when it is more than declared): this is the
    most any other reader, calamine included, can get out of the member."""
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged(name, f"{info.filename} 的位置不对")
    start = offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) < info.compress_size:
        raise _damaged(name, f"{info.filename} 不完整")
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), _CHUNK):
            yield bytes(raw[i:i + _CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise UnusableFile(f"{name}：压缩方式不受支持（{info.compress_type}）。请在 Excel/WPS 中打开后重新保存为 .xlsx。")
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), _CHUNK):
            pending = bytes(raw[i:i + _CHUNK])
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if out:
                    yield out
                if inflater.eof:
                    return
    except zlib.error as exc:
        raise _damaged(name, f"{info.filename} 校验失败") from exc
    if not inflater.eof:
        raise _damaged(name, f"{info.filename} 不完整")


def _xml(zf: zipfile.ZipFile, member: str):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(zf.read(member), parser)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet XML member, from workbook.xml and its relationships."""
    try:
        workbook = _xml(zf, "xl/workbook.xml")
        rels = _xml(zf, "xl/_rels/workbook.xml.rels")
    except (KeyError, etree.XMLSyntaxError):
        return {}
    targets = {}
    for rel in rels.iter("{*}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = re.sub(r"[^/]+/\.\./", "", target)
    parts = {}
    for sheet in workbook.iter("{*}sheet"):
        rid = next((sheet.get(f"{{{ns}}}id") for ns in _NS_REL if sheet.get(f"{{{ns}}}id")), None)
        if sheet.get("name") is not None and rid in targets:
            parts[sheet.get("name")] = targets[rid]
    return parts


# --- 3. what calamine does not tell --------------------------------------------------------------

@dataclass
class SheetScan:
    """Formula, error and hidden cells of one sheet, and its extent (1-based counts)."""

    formulas: dict[tuple[int, int], tuple[str | bytes, str]] = field(default_factory=dict)  # -> (text, cached error)
    arrays: list[tuple[int, int, int, int, str]] = field(default_factory=list)  # r0, c0, r1, c1, text
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    rows: int = 0
    cols: int = 0


def _scan_sheet(zf: zipfile.ZipFile, member: str) -> SheetScan | None:
    scan = SheetScan()
    try:
        with zf.open(member) as fh:
            first = fh.read(_CHUNK)
            root = _ROOT.search(first)
            if root is None and b"sheetData" not in first:
                return None  # a chart sheet or something else without cells
            if root is None or not _ScanFast(scan, root.group(1) or b"").run(first, fh):
                scan = SheetScan()
                with zf.open(member) as again:
                    _scan_slow(scan, again)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"{member} 不是有效的 XML（{exc}）") from exc
    return scan


class _ScanFast:
    """Byte-level scan for the canonical layout ``<c r="A1" …><f>…</f><v>…</v></c>`` (what Excel,
    WPS, LibreOffice and openpyxl write; ``f`` is a cell's first child in the schema).  Works on
    chunks cut after a ``</row>`` so that a cell never straddles two chunks.  ``run`` returns False
    (use ``_scan_slow``) as soon as something is not canonical: a cell or row without ``r`` first, a
    formula the cell pattern does not account for."""

    def __init__(self, scan: SheetScan, p: bytes):
        self.scan, self.p = scan, p
        q = re.escape(p)
        self.row_end = b"</" + p + b"row>"
        self.any_f = re.compile(b"<" + q + rb"f[\s/>]")
        self.f_cell = re.compile(
            b"<" + q + rb"""c r=["']([A-Z]{1,3})([0-9]{1,7})["']([^>]*)><""" + q + rb"f(\s[^>]*)?(?:/>|>([^<]*)</"
            + q + rb"f>)(?:<" + q + rb"v>([^<]*)</" + q + rb"v>)?")
        self.e_cell = re.compile(b"<" + q + rb"""c r=["']([A-Z]{1,3})([0-9]{1,7})["'][^>]*?\st=["']e["'][^>]*>"""
                                 rb"(?:<" + q + rb"v>([^<]*)</" + q + rb"v>)?")
        self.any_e = re.compile(b"<" + q + rb"""c\s[^>]*?\st\s*=\s*["']e["']""")
        self.row_r = re.compile(b"<" + q + rb"""row r=["']([0-9]+)["']""")
        self.wide = re.compile(b"<" + q + rb"""c r=["']([A-Z]{2,3})[0-9]""")
        self.hidden_row = re.compile(b"<" + q + rb"""row r=["']([0-9]+)["'][^>]*?\shidden=["'](?:1|true)["']""")
        self.hidden_col = re.compile(b"<" + q + rb"""col\s[^>]*?\bhidden=["'](?:1|true)["'][^>]*>""")
        self.cols: dict[bytes, int] = {}

    def run(self, buf: bytes, fh) -> bool:
        while True:
            more = fh.read(_CHUNK) if fh else b""
            if more:
                buf += more
                cut = buf.rfind(self.row_end)
                if cut < 0:
                    continue
                cut += len(self.row_end)
                chunk, buf = buf[:cut], buf[cut:]
            else:
                chunk, buf, fh = buf, b"", None
            if not self.chunk(chunk):
                return False
            if fh is None and not buf:
                return True

    def col(self, letters: bytes) -> int:
        index = self.cols.get(letters)
        if index is None:
            index = self.cols[letters] = _col_index(letters)
        return index

    def chunk(self, chunk: bytes) -> bool:
        p, scan = self.p, self.scan
        cells = chunk.count(b"<" + p + b"c ") + chunk.count(b"<" + p + b"c>")
        rows = chunk.count(b"<" + p + b"row ") + chunk.count(b"<" + p + b"row>")
        row_numbers = self.row_r.findall(chunk)
        if len(row_numbers) != rows:
            return False
        if cells != chunk.count(b"<" + p + b'c r="') + chunk.count(b"<" + p + b"c r='"):
            return False
        if row_numbers:
            scan.rows = max(scan.rows, max(map(int, row_numbers)))
        if cells:
            scan.cols = max(scan.cols, 26)  # single-letter columns: an upper bound is enough
            for letters in set(self.wide.findall(chunk)):
                scan.cols = max(scan.cols, self.col(letters) + 1)
        formulas = self.f_cell.findall(chunk) if b"<" + p + b"f" in chunk else ()
        if formulas and len(formulas) != len(self.any_f.findall(chunk)):
            return False
        for letters, row, attrs, f_attrs, text, value in formulas:
            error = ""
            if _ATTR_T.search(attrs) and _ATTR_T.search(attrs).group(1) == b"e":
                error = html.unescape(value.decode("utf-8", "replace")).strip() or "#错误"
            # the formula's text only appears in an error message: decode it then (values.Formula)
            cell = (int(row) - 1, self.col(letters))
            scan.formulas[cell] = (text, error)
            if f_attrs:
                f_type, ref = _ATTR_T.search(f_attrs), _ATTR_REF.search(f_attrs)
                if f_type and f_type.group(1) in (b"array", b"dataTable") and ref and ref.group(2):
                    (r0, c0), (r1, c1) = _parse_ref(ref.group(1)), _parse_ref(ref.group(2))
                    scan.arrays.append((r0, c0, r1, c1, text))
        errors = ()
        if b'"e"' in chunk or b"'e'" in chunk:  # cheap test before the regular expressions
            errors = self.e_cell.findall(chunk)
            if len(errors) != len(self.any_e.findall(chunk)):
                return False
        for letters, row, value in errors:
            cell = (int(row) - 1, self.col(letters))
            if cell not in scan.formulas:
                scan.errors[cell] = html.unescape(value.decode("utf-8", "replace")).strip() or "#错误"
        if b"hidden" in chunk:
            hidden_rows, hidden_cols = self.hidden_row.findall(chunk), self.hidden_col.findall(chunk)
            if len(hidden_rows) + len(hidden_cols) != len(_HIDDEN.findall(chunk)):
                return False
            scan.hidden_rows.update(int(r) - 1 for r in hidden_rows)
            for tag in hidden_cols:
                lo, hi = _ATTR_MIN.search(tag), _ATTR_MAX.search(tag)
                if lo and hi:
                    scan.hidden_cols.update(range(int(lo.group(1)) - 1, min(int(hi.group(1)), 16384)))
        return True


def _scan_slow(scan: SheetScan, fh) -> None:
    """The same facts with a real (non-entity-expanding) XML parser, for unusual producers that
    leave out ``r`` attributes.  Slower, but bounded: every finished row is freed."""
    row, col = -1, -1
    for event, el in etree.iterparse(fh, events=("start", "end"), tag=("{*}row", "{*}c", "{*}col"),
                                     resolve_entities=False, no_network=True, load_dtd=False):
        local = etree.QName(el).localname
        if local == "row":
            if event == "start":
                row = int(el.get("r")) - 1 if el.get("r") else row + 1
                col = -1
                if el.get("hidden") in ("1", "true"):
                    scan.hidden_rows.add(row)
            else:
                el.clear(keep_tail=True)
                while el.getprevious() is not None:
                    del el.getparent()[0]
        elif local == "col":
            if event == "start" and el.get("hidden") in ("1", "true"):
                lo, hi = int(el.get("min", "1")), int(el.get("max", "1"))
                scan.hidden_cols.update(range(lo - 1, min(hi, 16384)))
        elif event == "end":  # a cell, complete with its children
            ref = el.get("r")
            if ref and _REF.fullmatch(ref):
                row, col = _parse_ref(ref)
            else:
                col += 1
            children = {etree.QName(ch).localname: ch for ch in el}
            if "v" in children or "is" in children or "f" in children:
                scan.rows, scan.cols = max(scan.rows, row + 1), max(scan.cols, col + 1)
            error = (children["v"].text or "").strip() if el.get("t") == "e" and "v" in children else ""
            if "f" in children:
                f = children["f"]
                text = f.text or ""
                scan.formulas[(row, col)] = (text, error or ("#错误" if el.get("t") == "e" else ""))
                ref = f.get("ref", "")
                if f.get("t") in ("array", "dataTable") and ":" in ref:
                    a, b = ref.split(":", 1)
                    if _REF.fullmatch(a) and _REF.fullmatch(b):
                        scan.arrays.append((*_parse_ref(a), *_parse_ref(b), text))
            elif el.get("t") == "e":
                scan.errors[(row, col)] = error or "#错误"


# --- 5. values -----------------------------------------------------------------------------------

def _put(rows: list, r: int, c: int, value) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    if len(row) <= c:
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value


def _get(rows: list, r: int, c: int):
    if r < len(rows) and c < len(rows[r]):
        value = rows[r][c]
        return None if value == "" else value
    return None


def _refuse_duplicate_merges(name: str, sheet: str, merged) -> None:
    """A merged range listed twice makes Excel call the file damaged ("发现不可读取的内容"); gen says
    so too, naming the range, instead of reading a sheet Excel would repair differently."""
    seen = set()
    for (r0, c0), (r1, c1) in merged or ():
        key = (r0, c0, r1, c1)
        if key in seen:
            raise UnusableFile(f"{name}：工作表“{sheet}”中合并单元格 {cell_name(r0, c0)}:{cell_name(r1, c1)} 重复出现，"
                               "文件已损坏（Excel 打开时也会提示修复）。请在 Excel/WPS 中打开、修复后重新保存为 .xlsx。")
        seen.add(key)


def _mark(rows: list, scan: SheetScan | None, merged) -> None:
    if scan is not None:
        for (r, c), (text, error) in scan.formulas.items():
            _put(rows, r, c, Formula(text, _get(rows, r, c), error))
        for r0, c0, r1, c1, text in scan.arrays:
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                    if not isinstance(rows[r][c], Formula):
                        rows[r][c] = Formula(text, _get(rows, r, c))
        for (r, c), code in scan.errors.items():
            _put(rows, r, c, CellError(code))
    for (r0, c0), (r1, c1) in merged or ():
        if (r0, c0) == (r1, c1):
            continue
        ref = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                value = rows[r][c]
                if value not in ("", None) and not isinstance(value, (Formula, CellError, Merged)):  # overlaps: first wins
                    rows[r][c] = Merged(value, ref, r1 - r0 + 1, covered=(r, c) != (r0, c0))


def open_rows(path: str | Path, wanted: Callable[[str], bool] | None = None) -> Book:
    """The sheets (all, or those whose name ``wanted`` accepts) as rows of values, row 0 = Excel row 1.

    Formula cells, error values and the cells of merged areas come back as ``values.Formula``,
    ``values.CellError`` and ``values.Merged``; hidden rows and columns as attributes of
    ``SheetRows``.  Raises ``UnusableFile`` with the clerk's message when the file cannot be used.
    """
    path = Path(path)
    name = path.name
    data = _read_bytes(path)
    _check_bytes(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _check_zip(name, zf, data)
            parts = _sheet_parts(zf)
            scans = {}
            for sheet, member in parts.items():
                if wanted is None or wanted(sheet):
                    if member not in zf.NameToInfo:
                        raise _damaged(name, f"找不到工作表“{sheet}”的内容 {member}")
                    scans[sheet] = _scan_sheet(zf, member)
    except zipfile.BadZipFile:
        raise _damaged(name) from None
    except (ValueError, zlib.error, EOFError) as exc:
        raise _damaged(name, str(exc)[:80]) from None
    for sheet, scan in scans.items():
        if scan is not None and scan.rows * scan.cols > MAX_CELLS:
            far = cell_name(scan.rows - 1, scan.cols - 1)
            raise UnusableFile(f"{name}：工作表“{sheet}”的范围一直延伸到 {far}（{scan.rows} 行 × {scan.cols} 列），"
                               "远超填报表格，无法读取。通常是远处的单元格里误填了内容（哪怕一个空格）或设置了格式："
                               "请删除数据下方和右侧多余的整行、整列后保存再试。")
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several unrelated types for a damaged file
        raise UnusableFile(f"{name}：无法读取工作簿（{_calamine_reason(exc)}），文件可能已损坏，"
                           "请在 Excel/WPS 中打开后重新保存为 .xlsx。") from None
    result = Book()
    try:
        result.names = list(book.sheet_names)
        states = {m.name: str(m.visible) for m in book.sheets_metadata}
        for sheet in book.sheet_names:
            if wanted is not None and not wanted(sheet):
                continue
            try:
                ws = book.get_sheet_by_name(sheet)
                rows = ws.to_python(skip_empty_area=False)
                merged = ws.merged_cell_ranges
            except Exception as exc:
                raise UnusableFile(f"{name}：工作表“{sheet}”无法读取（{_calamine_reason(exc)}），文件可能已损坏，"
                                   "请在 Excel/WPS 中打开后重新保存为 .xlsx。") from None
            if sheet not in scans:  # calamine found a sheet the scan could not: never read it unchecked
                raise UnusableFile(f"{name}：工作表“{sheet}”的结构异常，无法核对其中的公式。"
                                   "请在 Excel/WPS 中打开后重新保存为 .xlsx。")
            scan = scans[sheet]
            _refuse_duplicate_merges(name, sheet, merged)
            _mark(rows, scan, merged)
            result[sheet] = SheetRows(rows, hidden_rows=scan.hidden_rows if scan else (),
                                      hidden_cols=scan.hidden_cols if scan else (),
                                      visible=states.get(sheet, "").endswith("Visible"))
    finally:
        book.close()
    return result


def _calamine_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}：{text[:80]}" if text else type(exc).__name__

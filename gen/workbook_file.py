"""Opening a workbook file safely: every way a file can be unusable gets its own Chinese message.

Checks run on the bytes before any XML is parsed (size caps against zip bombs, OLE files that are
really .xls or password-protected .xlsx), then python-calamine reads the values; its XML reader
does not expand DTD entities.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from .findings import UnusableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200


def _check_bytes(path: Path) -> None:
    name = path.name
    if not path.exists():
        raise UnusableFile(f"{name}：文件不存在。")
    if path.is_dir():
        raise UnusableFile(f"{name}：这是文件夹，不是工作簿。")
    size = path.stat().st_size
    if size == 0:
        raise UnusableFile(f"{name}：文件是空的（0 字节），可能没有保存完整，请重新复制或保存。")
    if size > MAX_FILE_BYTES:
        raise UnusableFile(f"{name}：文件过大（{size // 1024 // 1024} MB），不像单位预算工作簿，请检查。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        if path.suffix.lower() == ".xls":
            raise UnusableFile(f"{name}：这是旧版 Excel 97-2003（.xls）文件，请在 Excel/WPS 中“另存为”Excel 工作簿（.xlsx）后再用。")
        raise UnusableFile(f"{name}：文件设置了打开密码（或是旧版 .xls 格式）。请在 Excel/WPS 中取消密码，"
                           "并另存为 .xlsx 后再用。")
    if not head.startswith(b"PK"):
        raise UnusableFile(f"{name}：不是 Excel 工作簿（.xlsx）。如果是 CSV 或其他格式改了扩展名，"
                           "请用 gen template 生成的模板填写后保存为 .xlsx。")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO and unpacked > 10 * 1024 * 1024:
                raise UnusableFile(f"{name}：解压后过大（{unpacked // 1024 // 1024} MB），文件异常，已拒绝读取。")
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise UnusableFile(f"{name}：压缩包里没有 Excel 工作簿内容，不是 .xlsx 文件。")
            bad = zf.testzip()
            if bad:
                raise UnusableFile(f"{name}：文件已损坏（{bad} 校验失败），请重新复制或从 Excel/WPS 重新保存。")
    except zipfile.BadZipFile:
        raise UnusableFile(f"{name}：文件已损坏或不完整（可能复制中断），请重新复制或从 Excel/WPS 重新保存。") from None


def open_rows(path: str | Path) -> dict[str, list[list]]:
    """All visible and hidden sheets as rows of raw values, row 0 = Excel row 1."""
    path = Path(path)
    _check_bytes(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        result = {}
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            result[name] = rows
        book.close()
        return result
    except Exception as exc:  # calamine raises several unrelated types for a damaged file
        raise UnusableFile(f"{path.name}：无法读取工作簿（{type(exc).__name__}），文件可能已损坏，"
                           "请在 Excel/WPS 中打开后重新保存为 .xlsx。") from None

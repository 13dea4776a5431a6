"""Read a PDF back: is every table cell of its Word document printed in it?

LibreOffice has left table rows out of a PDF without any error (issue 11: 表4's last row and its
收入总计 row, from a stale layout that ``gen.pdf`` now redoes).  A PDF with a row missing is a
disclosure with figures missing, and nothing else in the build would notice: ``gen.verify`` reads the
.docx.  So gen does not take the converter's word for it.  After each conversion the PDF's text is read
(pypdf, pure Python: the clerk's machine needs nothing more) and, for every distinct text of a table
cell of the .docx, whitespace removed, its occurrences in the PDF's text are counted.  A text printed n
times in the document's tables must occur at least n times in the PDF.

Counted, not looked up: the rows LibreOffice lost were 总计 rows, whose figures are also printed in
other tables.  Whitespace is removed on both sides because a name wraps inside its cell and the PDF has
no spaces where the .docx has them (``收 入 总 计``).  The check can miss a lost cell whose text also
occurs outside the tables often enough; it does not report a cell that is there.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

__all__ = ["missing_cells", "describe_missing"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"\s+")


def _table_cells(docx: bytes) -> Counter:
    """Each distinct cell text of the document's tables (whitespace removed), with its count."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    cells: Counter = Counter()
    for tc in root.iter(f"{_W}tc"):
        text = _SPACE.sub("", "".join(t.text or "" for t in tc.iter(f"{_W}t")))
        if text:
            cells[text] += 1
    return cells


def _pdf_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return _SPACE.sub("", "".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages))


def missing_cells(docx: bytes, pdf: Path) -> list[tuple[str, int, int]]:
    """``[(cell text, times in the .docx's tables, times in the PDF), …]`` for each cell text the PDF
    prints fewer times than the tables do; empty when the PDF shows all of them."""
    text = _pdf_text(pdf)
    short = [(cell, n, text.count(cell)) for cell, n in _table_cells(docx).items()]
    return sorted((s for s in short if s[2] < s[1]), key=lambda s: s[0])


def describe_missing(missing: list[tuple[str, int, int]], limit: int = 5) -> str:
    """The clerk's message for a PDF that left table content out (it is not written)."""
    shown = "、".join(f"“{cell}”（表中 {n} 处，PDF 中 {found} 处）" for cell, n, found in missing[:limit])
    more = f"等 {len(missing)} 项" if len(missing) > limit else ""
    return (f"LibreOffice 生成的 PDF 漏掉了表格内容：{shown}{more}，因此未写出 PDF。"
            "Word 文档已生成且完整，可在 Word/WPS 中打开后另存为 PDF；请把该工作簿反馈给 gen 的维护者。")

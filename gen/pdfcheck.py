"""Read a PDF back: is every table cell of its Word document printed in it, and is its 目录 right?

LibreOffice has left table rows out of a PDF without any error (issue 11: 表4's last row and its
收入总计 row), and has numbered a 目录 one page low (a unit whose long name made the 目录 three pages),
both from stale layouts that ``gen.pdf`` now redoes.  Nothing else in the build would notice:
``gen.verify`` reads the .docx.  So gen does not take the converter's word for it.  After each conversion
the PDF's text is read page by page (pypdf, pure Python: the clerk's machine needs nothing more), and

* **cells**: for every distinct text of a table cell of the .docx, whitespace removed, its occurrences in
  the PDF's text are counted.  A text printed n times in the document's tables must occur at least n
  times in the PDF.  Counted, not looked up: the rows LibreOffice lost were 总计 rows, whose figures are
  also printed in other tables.  Whitespace is removed on both sides because a name wraps inside its
  cell and the PDF has no spaces where the .docx has them (``收 入 总 计``).  A lost cell whose text also
  occurs outside the tables often enough can be missed; a cell that is there is never reported.
* **目录**: each entry's page (as the converter numbered it) must hold the entry's text — a table's entry
  "一、单位收支总体情况表" by its name, the page showing "表1 单位收支总体情况表".
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

__all__ = ["pdf_pages", "missing_cells", "toc_errors", "problems"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = re.compile(r"\s+")
_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, whitespace removed."""
    from pypdf import PdfReader

    return [_SPACE.sub("", page.extract_text() or "") for page in PdfReader(str(pdf)).pages]


def _table_cells(docx: bytes) -> Counter:
    """Each distinct cell text of the document's tables (whitespace removed), with its count."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml"))
    cells: Counter = Counter()
    for tc in root.iter(f"{_W}tc"):
        text = _SPACE.sub("", "".join(t.text or "" for t in tc.iter(f"{_W}t")))
        if text:
            cells[text] += 1
    return cells


def missing_cells(docx: bytes, pages: list[str]) -> list[tuple[str, int, int]]:
    """``[(cell text, times in the .docx's tables, times in the PDF), …]`` for each cell text the PDF
    prints fewer times than the tables do; empty when the PDF shows all of them."""
    text = "".join(pages)
    short = [(cell, n, text.count(cell)) for cell, n in _table_cells(docx).items()]
    return sorted((s for s in short if s[2] < s[1]), key=lambda s: s[0])


def toc_errors(toc: list[tuple[str, int]], pages: list[str]) -> list[tuple[str, int, list[int]]]:
    """``[(entry, its page in the 目录, the pages that hold it), …]`` for each 目录 entry whose page does not
    hold its text; empty when every page number is right."""
    first = min((page for _, page in toc), default=1)  # the 目录's own pages come before every entry
    out = []
    for text, page in toc:
        wanted = _SPACE.sub("", text)
        if not (0 < page <= len(pages) and (wanted in pages[page - 1] or _NUMBERING.sub("", wanted) in pages[page - 1])):
            found = [k + 1 for k in range(first - 1, len(pages))
                     if wanted in pages[k] or _NUMBERING.sub("", wanted) in pages[k]]
            out.append((text, page, found))
    return out


def problems(docx: bytes, pdf: Path, toc: list[tuple[str, int]]) -> str | None:
    """Why this PDF must not be published (a message for the clerk), or None when it reads back right."""
    pages = pdf_pages(pdf)
    missing, wrong = missing_cells(docx, pages), toc_errors(toc, pages)
    if not missing and not wrong:
        return None
    said = []
    if missing:
        shown = "、".join(f"“{cell}”（表中 {n} 处，PDF 中 {found} 处）" for cell, n, found in missing[:5])
        said.append(f"漏掉了表格内容：{shown}{f'等 {len(missing)} 项' if len(missing) > 5 else ''}")
    if wrong:
        shown = "、".join(f"“{text}”写第 {page} 页、实际在第 {'、'.join(map(str, found)) or '?'} 页"
                         for text, page, found in wrong[:3])
        said.append(f"目录页码不对：{shown}{f'等 {len(wrong)} 项' if len(wrong) > 3 else ''}")
    return (f"LibreOffice 生成的 PDF {'；'.join(said)}，因此未写出 PDF。"
            "Word 文档已生成且完整，可在 Word/WPS 中打开后更新目录、另存为 PDF；请把该工作簿反馈给 gen 的维护者。")

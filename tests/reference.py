"""The published reference disclosure (tests/data/reference.txt, text extracted from its PDF) and
the comparison rules of issue 2: whitespace removed, full/half-width folded, thousands separators
ignored."""
from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import docx

DATA = Path(__file__).parent / "data"
LINES = (DATA / "reference.txt").read_text(encoding="utf-8").splitlines()
AMOUNT = re.compile(r"\d[\d,]*\.\d{2}")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _part(start: str, end: str | None) -> list[str]:
    first = max(i for i, line in enumerate(LINES) if line.startswith(start))
    last = len(LINES) if end is None else max(i for i, line in enumerate(LINES) if line.startswith(end))
    return LINES[first:last]


def prose_clauses() -> list[str]:
    """Clauses (split at 。；，：) of Parts 1, 3 and 4 of the body, without table rows."""
    lines = _part("第一部分", "第二部分") + _part("第三部分", "第四部分") + _part("第四部分", None)
    prose = "".join(line.removeprefix("- ") for line in lines if "\t" not in line)
    return [c for c in re.split(r"[。;,:]", normalise(prose)) if len(c) > 1]


def amounts(text: str) -> Counter:
    return Counter(m.replace(",", "") for m in AMOUNT.findall(text))


def reference_amounts() -> Counter:
    """Every amount and percentage (two decimals) of the reference, tables included."""
    return amounts("\n".join(LINES))


def reference_table(number: int) -> list[list[str]]:
    """Rows (tab-split, blanks kept) of table N, continuation pages included."""
    start = LINES.index(f"表 {number}")
    rows = []
    for line in LINES[start + 1:]:
        if re.fullmatch(r"表 \d+", line) or line.startswith("第三部分"):
            break
        if "\t" in line:
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def docx_paragraphs(data: bytes) -> list[str]:
    """Every paragraph of the body in document order, table cells included."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    return ["".join(t.text or "" for t in p.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
            for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]

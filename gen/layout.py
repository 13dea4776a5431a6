"""Fit every table of a rendered document to the figures of this unit (issue 11).

The Word template fixes a table's total width and which columns it has; how wide each column must be
depends on the unit: a unit with totals of 9,999,999.99 万元 needs wider amount columns than one of
300.00, and a 表7 with long project names needs its name column.  This pass runs on the rendered
``word/document.xml``, after Jinja and before the file is written, so Word, WPS and LibreOffice all
get the same fixed widths:

* Amount and code columns get the width of their widest printed figure on one line (numbers never
  wrap); text columns get what is left: one line each if it allows, else two (a 表7 project name takes
  two lines, not three ending in one character), and room still left widens columns whose header
  would take more than two lines, and the columns under a header that spans them ("功能分类科目编码" over
  类/款/项) so it takes one line.  When the figures leave the names too little room for two lines, the
  table's type steps down (9 → 8 → 7.5 pt) — the figures of a 9,999,999.99 万元 unit in 表7's
  eleven amount columns, for one.
* Header rows (``w:tblHeader``) get explicit heights that hold every header cell, vertically merged
  ones included: LibreOffice grows a row for a merged cell's text on a table's first page but not
  where it repeats the header on the next ones, which cut the last line of "资本性支出（基本建设）"
  (issue 11: the repeated header was drawn 4.1 pt shorter).  With heights that already hold the text
  there is nothing to grow.
* The row before a table's closing 合计/总计 row is kept with it (``w:keepNext``), so a page never
  starts with a total alone; a 类 or 款 row is kept with the row below it, so none ends a page alone.
* The cover title, when it does not fit on one line, puts "2024年单位预算公开" on a line of its own.
* 绩效目标表 (a header ending in "一级指标"): consecutive equal 一级指标 cells, and 二级指标 cells within
  the same 一级指标, become one vertically merged cell, as published disclosures show them.

Widths are estimated from character classes (CJK and full-width 1 em, digits 0.5 em, "," "." 0.25 em:
宋体/Noto CJK and Times New Roman/Liberation Serif metrics) — a safe over-estimate rather than a font
measurement, so the result does not depend on which fonts the machine has.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from lxml import etree

__all__ = ["fit_tables", "style_size", "text_width"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _T, _BR, _TAB, _TR, _TC, _TCPR = (_w(t) for t in ("p", "t", "br", "tab", "tr", "tc", "tcPr"))
_GRIDSPAN, _VMERGE, _VAL, _TCW, _W_ATTR, _TYPE = (_w(t) for t in ("gridSpan", "vMerge", "val", "tcW", "w", "type"))
_TBLHEADER = f"{_w('trPr')}/{_w('tblHeader')}"
_ANY_BR, _ANY_P, _ANY_TC = f".//{_BR}", f".//{_P}", f".//{_TC}"


_AMOUNT = re.compile(r"-?\d{1,3}(,\d{3})*\.\d{2}")
_NUMBER = re.compile(r"\d{1,4}")  # codes (类 "208", 款 "01") and weights
_TOTAL = re.compile(r"^(合\s*计|总\s*计|收\s*入\s*总\s*计)")
_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-_/:]+|\s|.", re.S)

CELL_MARGIN = 57        # twips left and right inside a cell (template: 1 mm)
SLACK = 40              # twips of safety on top of an estimate
TABLE_LINE = 240        # twips: the template's table paragraphs have exact 12 pt lines, whatever the type size
MIN_ROW = 284           # twips, the template's minimum row height
SIZES = (18, 16, 15)    # half-points: 9, 8, 7.5 pt
MAX_HEADER_LINES = 3    # a header cell may wrap to this many lines before its column widens
MAX_NAME_LINES = 2      # a name longer than this many lines makes the table's type smaller
MERGE_ROWS = 8          # 绩效目标表: rows one merged 指标 cell may span (kept on one page)


def _char_em(ch: str) -> float:
    if ch.isdigit() or ch in "+-$#_":
        return 0.5
    if ch in ",.:;'|!":
        return 0.28
    if ch == " ":
        return 0.25
    if ch in "%@":
        return 0.85
    if ch.isascii():
        return 0.6 if ch.isupper() else 0.5
    return 1.0  # CJK, full-width punctuation, anything else


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


@lru_cache(maxsize=1 << 16)
def text_width(text: str, size: int = 18) -> int:
    """Twips ``text`` needs on one line at ``size`` half-points (bold included in the estimate).  Word and
    LibreOffice put a quarter em between Chinese and a Latin letter or digit ("第00129号2024年": four)."""
    ems = sum(map(_char_em, text))
    ems += 0.25 * sum(1 for a, b in zip(text, text[1:])
                      if (_is_wide(a) and b.isascii() and b.isalnum()) or (a.isascii() and a.isalnum() and _is_wide(b)))
    return math.ceil(ems * size * 10 * 1.02)


_NO_START = set("）)」』】〕〉》，,。.、；;：:！!？?”’%…—")  # never begins a line (Chinese line breaking rules)
_NO_END = set("（(「『【〔〈《“‘")                       # never ends one


@lru_cache(maxsize=1 << 14)
def _units(paragraph: str) -> tuple[str, ...]:
    """The pieces a line may break between: CJK characters, Latin/number words, with a closing bracket or
    punctuation held to what it follows and an opening bracket to what follows it ("（06）" is one)."""
    units: list[str] = []
    glue = False
    for token in _TOKEN.findall(paragraph):
        if units and (glue or token in _NO_START):
            units[-1] += token
        else:
            units.append(token)
        glue = token in _NO_END
    return tuple(units)


def _lines(text: str, width: int, size: int) -> int:
    """Lines ``text`` takes in ``width`` twips: CJK breaks anywhere, a Latin/number word does not, and a
    line neither starts with closing punctuation nor ends with an opening bracket."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for unit in _units(paragraph):
            need = text_width(unit, size)
            if used and used + need > width and not unit.isspace():
                lines += 1
                used = 0
            used += need
    return lines


@lru_cache(maxsize=1 << 14)
def _width_for(text: str, lines: int, size: int) -> int:
    """The narrowest width (twips, the text alone) in which ``text`` takes at most ``lines`` lines."""
    low, high = 0, max(text_width(line, size) for line in text.split("\n"))
    while low < high:
        mid = (low + high) // 2
        if _lines(text, mid, size) <= lines:
            high = mid
        else:
            low = mid + 1
    return high


def _cell_text(tc, simple: bool) -> str:
    """The cell's text, one line per paragraph (``w:br`` counts as a line break); ``simple``: the table has
    one paragraph per cell and no breaks, so the cell's text nodes are the text (much faster)."""
    if simple:  # not tostring(method="text"): the template's line breaks between elements are text there
        return "".join(t.text or "" for t in tc.iter(_T))
    out = []
    for p in tc.iter(_P):
        out.append("".join((el.text or "") if el.tag == _T else ("\n" if el.tag == _BR else " ")
                           for el in p.iter(_T, _BR, _TAB)))
    return "\n".join(out)


class _Cell:
    __slots__ = ("tc", "pr", "tcw", "row", "col", "span", "text", "vmerge")

    def __init__(self, tc, row: int, col: int, simple: bool):
        self.tc, self.row, self.col = tc, row, col
        self.pr = tc.find(_TCPR)
        self.span, self.vmerge, self.tcw = 1, None, None
        if self.pr is not None:
            for el in self.pr:
                if el.tag == _TCW:
                    self.tcw = el
                elif el.tag == _GRIDSPAN:
                    self.span = int(el.get(_VAL))
                elif el.tag == _VMERGE:
                    self.vmerge = "restart" if el.get(_VAL) == "restart" else "continue"
        self.text = _cell_text(tc, simple)


def _grid(tbl) -> tuple[list[list[_Cell]], list[bool]]:
    rows, header = [], []
    simple = tbl.find(_ANY_BR) is None and len(tbl.findall(_ANY_P)) == len(tbl.findall(_ANY_TC))
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        cells, col = [], 0
        for tc in tr.iterchildren(_TC):
            cell = _Cell(tc, r, col, simple)
            cells.append(cell)
            col += cell.span
        rows.append(cells)
        header.append(tr.find(_TBLHEADER) is not None)
    return rows, header


def _is_number(text: str) -> bool:
    return bool(_AMOUNT.fullmatch(text) or _NUMBER.fullmatch(text))


def _widths(rows, header, total: int, ncols: int, size: int) -> list[int] | None:
    """Column widths adding up to ``total``, or None when the figures leave the text no room.

    Figures first (each column as wide as its widest figure); then the names: on one line if the room
    allows, else on two, else in shares of what is left.  Room left over first widens columns whose
    header would take more than two lines (an empty 债务利息 column, say); with the names on one line,
    then columns whose header would wrap at all; the rest goes to the names.
    """
    em = size * 10
    numeric_need = [0] * ncols
    one_line = [0] * ncols   # text columns: the longest text on one line
    two_lines = [0] * ncols  # ... on MAX_NAME_LINES lines
    text_min = [0] * ncols
    comfort = [0] * ncols    # header on at most two lines
    single = [0] * ncols     # header on one line
    is_text = [False] * ncols
    for cells, is_header in zip(rows, header):
        for c in cells:
            text = c.text.strip()
            if not text:
                continue
            if c.span != 1:
                if is_header:  # "功能分类科目编码" over the narrow 类/款/项 columns: one line, shared by them
                    longest = text_width(max(text.split("\n"), key=len), size) + 2 * CELL_MARGIN + SLACK
                    for i in range(c.col, c.col + c.span):
                        share = math.ceil(longest / c.span)
                        comfort[i], single[i] = max(comfort[i], share), max(single[i], share)
                continue
            if is_header:
                longest = text_width(max(text.split("\n"), key=len), size)
                words = max((text_width(t, size) for t in _TOKEN.findall(text)), default=0)
                floor = max(longest / MAX_HEADER_LINES, words, 2 * em)
                text_min[c.col] = max(text_min[c.col], math.ceil(floor) + 2 * CELL_MARGIN + SLACK)
                comfort[c.col] = max(comfort[c.col], math.ceil(longest / 2) + 2 * CELL_MARGIN)
                single[c.col] = max(single[c.col], longest + 2 * CELL_MARGIN + SLACK)
            elif _is_number(text):
                numeric_need[c.col] = max(numeric_need[c.col], text_width(text, size) + 2 * CELL_MARGIN + SLACK)
            else:
                is_text[c.col] = True
                longest = max(text_width(line, size) for line in text.split("\n"))
                one_line[c.col] = max(one_line[c.col], longest + 2 * CELL_MARGIN + SLACK)
                two_lines[c.col] = max(two_lines[c.col], _width_for(text, MAX_NAME_LINES, size) + 2 * CELL_MARGIN + SLACK)
                words = max((text_width(t, size) for t in _TOKEN.findall(text) if not t.isspace()), default=0)
                text_min[c.col] = max(text_min[c.col], words + 2 * CELL_MARGIN + SLACK, 2 * em + 2 * CELL_MARGIN + SLACK)
    fixed = [0 if is_text[i] else max(numeric_need[i], text_min[i], 2 * CELL_MARGIN + em) for i in range(ncols)]
    text_cols = [i for i in range(ncols) if is_text[i]]
    for i in text_cols:  # a text column with figures too (a 合计 label over it) needs its widest figure
        text_min[i] = max(text_min[i], numeric_need[i])
        two_lines[i] = max(two_lines[i], text_min[i])
        one_line[i] = max(one_line[i], two_lines[i])
    room = total - sum(fixed)
    if not text_cols:
        return None if room < 0 else _spread(fixed, room, range(ncols))
    if room < sum(text_min[i] for i in text_cols):
        return None
    widths = list(fixed)
    for target, weights in ((one_line, None), (two_lines, one_line)):
        if room >= sum(target[i] for i in text_cols):
            for i in text_cols:
                widths[i] = target[i]
            for wanted in ((comfort, single) if weights is None else (comfort,)):
                extra = total - sum(widths)
                deficit = [max(0, wanted[i] - widths[i]) for i in range(ncols)]
                share = min(1.0, extra / sum(deficit)) if sum(deficit) else 0.0
                for i in range(ncols):
                    widths[i] += int(deficit[i] * share)
            if weights is None:  # names on one line, headers on one line where the room allows
                return _spread(widths, total - sum(widths), text_cols)
            # the rest to the names, towards one line each
            gap = {i: weights[i] - widths[i] for i in text_cols}
            left, need = total - sum(widths), sum(gap.values()) or 1
            for i in text_cols:
                widths[i] += int(left * gap[i] / need)
            widths[text_cols[-1]] += total - sum(widths)
            return widths
    # Names on more than two lines even so: shares in proportion to the longest text, each at least its minimum.
    left, cols = room, list(text_cols)
    while cols:
        weight = sum(one_line[i] for i in cols)
        short = [i for i in cols if left * one_line[i] / weight < text_min[i]]
        if not short:
            break
        for i in short:
            widths[i] = text_min[i]
            left -= text_min[i]
            cols.remove(i)
    for i in cols:
        widths[i] = int(left * one_line[i] / sum(one_line[j] for j in cols))
    widths[text_cols[-1]] += total - sum(widths)
    return widths


def _spread(widths: list[int], extra: int, cols) -> list[int]:
    """Add ``extra`` twips to ``cols`` in proportion to their width; the sum comes out exact."""
    cols = list(cols)
    base = sum(widths[i] for i in cols) or 1
    out = list(widths)
    for i in cols:
        out[i] += int(extra * widths[i] / base)
    out[cols[-1]] += sum(widths) + extra - sum(out)
    return out


def _set_width(cell: _Cell, width: int) -> None:
    if cell.tcw is None:
        if cell.pr is None:
            cell.pr = etree.Element(_TCPR)
            cell.tc.insert(0, cell.pr)
        cell.tcw = etree.Element(_TCW)
        cell.pr.insert(0, cell.tcw)
    cell.tcw.set(_W_ATTR, str(width))
    cell.tcw.set(_TYPE, "dxa")


def _set_size(tbl, size: int) -> None:
    """Every run of the table at ``size`` half-points (the table style says 9 pt)."""
    for r in tbl.iter(_w("r")):
        rpr = r.find(_w("rPr"))
        if rpr is None:
            rpr = etree.Element(_w("rPr"))
            r.insert(0, rpr)
        for tag in ("sz", "szCs"):
            el = rpr.find(_w(tag))
            if el is None:
                el = etree.SubElement(rpr, _w(tag))
            el.set(_w("val"), str(size))


def _row_heights(rows, header, widths: list[int], size: int) -> dict[int, int]:
    """Heights (twips) for the header rows that hold every header cell, merged ones included."""
    line = TABLE_LINE
    n = header.index(False) if False in header else len(header)
    heights = [MIN_ROW] * n

    def need(c) -> int:
        inner = sum(widths[c.col:c.col + c.span]) - 2 * CELL_MARGIN
        return _lines(c.text, inner, size) * line + SLACK

    merged = []
    for r in range(n):
        for c in rows[r]:
            if c.vmerge == "restart":
                end = r + 1
                while end < n and any(o.col == c.col and o.vmerge == "continue" for o in rows[end]):
                    end += 1
                merged.append((c, r, end))
            elif c.vmerge is None:
                heights[r] = max(heights[r], need(c))
    for c, start, end in merged:
        short = need(c) - sum(heights[start:end])
        if short > 0:
            heights[end - 1] += short
    return dict(enumerate(heights))


def _set_height(tr, height: int) -> None:
    pr = tr.find(_w("trPr"))
    if pr is None:
        pr = etree.Element(_w("trPr"))
        tr.insert(0, pr)
    el = pr.find(_w("trHeight"))
    if el is None:
        el = etree.SubElement(pr, _w("trHeight"))
    el.set(_w("val"), str(height))
    el.set(_w("hRule"), "atLeast")


def _keep_with_next(tr) -> None:
    for p in tr.iter(_w("p")):
        ppr = p.find(_w("pPr"))
        if ppr is None:
            ppr = etree.Element(_w("pPr"))
            p.insert(0, ppr)
        if ppr.find(_w("keepNext")) is None:
            el = etree.Element(_w("keepNext"))
            style = ppr.find(_w("pStyle"))
            if style is not None:
                style.addnext(el)
            else:
                ppr.insert(0, el)


def _merge_indicators(rows, header) -> bool:
    """一级/二级指标 of a 绩效目标表: repeated (or blanked) values below the header become one merged cell.

    A merged cell shows its text only where it starts, so a merge never crosses a page: a run is at most
    MERGE_ROWS rows (a longer group is merged in runs, each naming its 指标), and the rows of a 一级 run
    are kept together (``w:keepNext``), so a page break falls between runs, never inside one."""
    n = header.index(False) if False in header else len(header)
    if not n or not rows[n - 1] or rows[n - 1][0].text.strip() != "一级指标":
        return False
    body = [cells for cells in rows[n:] if len(cells) > 2 and all(c.span == 1 for c in cells[:2])]
    last = ""  # a blanked 一级指标 (compute leaves repeats empty) belongs to the value above it
    for cells in body:
        last = cells[0].text.strip() or last
        cells[0].text = last
    runs = []  # per body row, the 一级 run it is in
    for col in (0, 1):
        above, length = None, 0  # (first cell of the run, its value, the 一级 run it belongs to)
        for k, cells in enumerate(body):
            cell = cells[col]
            value = cell.text.strip()
            group = runs[k] if col == 1 else None
            if (above is not None and (value == above[1] or not value) and group == above[2]
                    and length < MERGE_ROWS):
                _vmerge(above[0].tc, "restart")
                _vmerge(cell.tc, "continue")
                for t in list(cell.tc.iter(_w("t"))):
                    t.text = ""
                length += 1
            else:
                above, length = (cell, value, group), 1
            if col == 0:
                runs.append(id(above[0]))
    for k in range(len(body) - 1):
        if runs[k] == runs[k + 1]:
            _keep_with_next(body[k][0].tc.getparent())
    return True


def _vmerge(tc, kind: str) -> None:
    pr = tc.find(_w("tcPr"))
    el = pr.find(_w("vMerge"))
    if el is None:
        el = etree.Element(_w("vMerge"))
        after = pr.find(_w("gridSpan"))
        if after is None:
            after = pr.find(_w("tcW"))
        after.addnext(el)
    if kind == "restart" and el.get(_w("val")) is None:
        el.set(_w("val"), "restart")


def _balance(cell: _Cell, inner: int, size: int) -> None:
    """A header of one CJK run whose second line would hold its last character alone ("功能分类科目编/码")
    is broken before its last two ("功能分类科目/编码", "一般公共/预算"): Word and LibreOffice fill the first
    line first, and a header's last two characters are mostly a word (支出, 预算, 经费, 合计)."""
    text = cell.text.strip()
    runs = cell.tc.findall(f".//{_w('r')}")
    if (len(runs) != 1 or len(text) < 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in text)
            or _lines(text, inner, size) != 2 or text_width(text[:-1], size) > inner):
        return
    run = runs[0]
    for el in run.findall(_T):
        run.remove(el)
    for piece in (text[:-2], None, text[-2:]):
        el = etree.SubElement(run, _T if piece else _BR)
        if piece:
            el.text = piece
    cell.text = f"{text[:-2]}\n{text[-2:]}"


def _name_lines(rows, header, widths: list[int], size: int) -> int:
    """Lines of the tallest one-paragraph text in a body cell (names; a 绩效 goal with line breaks aside)."""
    most = 1
    for cells, is_header in zip(rows, header):
        if not is_header:
            for c in cells:
                if c.text and "\n" not in c.text and not _is_number(c.text.strip()):
                    most = max(most, _lines(c.text, sum(widths[c.col:c.col + c.span]) - 2 * CELL_MARGIN, size))
    return most


def fit_table(tbl) -> None:
    grid = tbl.find(_w("tblGrid"))
    cols = grid.findall(_w("gridCol"))
    total = sum(int(g.get(_w("w"))) for g in cols)
    rows, header = _grid(tbl)
    if _merge_indicators(rows, header):
        rows, header = _grid(tbl)
    best = None  # (lines of the longest name, size, widths): the largest type that keeps names on two lines
    for size in SIZES:
        widths = _widths(rows, header, total, len(cols), size)
        if widths is not None:
            lines = _name_lines(rows, header, widths, size)
            if best is None or lines < best[0]:
                best = (lines, size, widths)
            if lines <= MAX_NAME_LINES:
                break
    if best is None:  # even at the smallest size: keep the template's widths, smallest type
        size, widths = SIZES[-1], [int(g.get(_w("w"))) for g in cols]
    else:
        _, size, widths = best
    if size != SIZES[0]:
        _set_size(tbl, size)
    for g, width in zip(cols, widths):
        g.set(_w("w"), str(width))
    for cells in rows:
        for c in cells:
            _set_width(c, sum(widths[c.col:c.col + c.span]))
    for cells, is_header in zip(rows, header):
        if is_header:
            for c in cells:
                _balance(c, sum(widths[c.col:c.col + c.span]) - 2 * CELL_MARGIN, size)
    trs = tbl.findall(_w("tr"))
    for r, height in _row_heights(rows, header, widths, size).items():
        _set_height(trs[r], height)
    body = [i for i, h in enumerate(header) if not h]
    if len(body) >= 2 and _TOTAL.match(rows[body[-1]][0].text.strip()):
        _keep_with_next(trs[body[-2]])
    if _has_code_columns(rows, header):  # a 类 or 款 row is kept with the first row below it
        for i, j in zip(body, body[1:]):
            if _is_group_row(rows[i]) and not _TOTAL.match(rows[j][0].text.strip()):
                _keep_with_next(trs[i])


def _has_code_columns(rows, header) -> bool:
    """The table's first three columns are 类/款/项 (表2, 表3, 表5, 表6, 表7 …)."""
    n = header.index(False) if False in header else len(header)
    return n > 0 and [c.text.strip() for c in rows[n - 1][:3]] == ["类", "款", "项"]


def _is_group_row(cells) -> bool:
    """A 类 or 款 row: a 类 code with the 项 cell empty (a 项 row, or a 表7 project row, has all three)."""
    return len(cells) > 3 and cells[0].text.strip().isdigit() and not cells[2].text.strip()


def fit_tables(document_xml: bytes, title_size: int = 44) -> bytes:
    """The rendered main part with every table fitted and the title broken where it must (see the module
    docstring); ``title_size``: the template's Title style, in half-points."""
    root = etree.fromstring(document_xml)
    for tbl in root.iter(_w("tbl")):
        if tbl.find(_w("tblGrid")) is not None:
            fit_table(tbl)
    _break_title(root, title_size)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_TITLE_YEAR = re.compile(r"^(.+?)(\d{4}年单位预算公开)$")
COVER_WIDTH = 8845  # twips: the text width of the cover's (portrait) page


def _break_title(root, size: int) -> None:
    """A title too long for one line ("…2024年单位预算公开") puts its year part on a line of its own, rather
    than leaving "开" alone on the second."""
    for p in root.iter(_P):
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        if style is None or style.get(_VAL) != "Title":
            continue
        runs = p.findall(_w("r"))
        ts = runs[0].findall(_T) if len(runs) == 1 else []
        m = _TITLE_YEAR.match(ts[0].text or "") if len(ts) == 1 else None
        if m and text_width(m.group(0), size) > COVER_WIDTH:
            ts[0].text = m.group(1)
            etree.SubElement(runs[0], _BR)
            etree.SubElement(runs[0], _T).text = m.group(2)
        return


def style_size(styles_xml: bytes, style_id: str) -> int | None:
    """The type size (half-points) a paragraph style of the template sets, or None."""
    style = etree.fromstring(styles_xml).find(f"{_w('style')}[@{_w('styleId')}='{style_id}']")
    size = style.find(f"{_w('rPr')}/{_w('sz')}") if style is not None else None
    return int(size.get(_VAL)) if size is not None else None

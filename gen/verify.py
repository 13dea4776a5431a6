"""Read-back check (表文一致性): a produced 单位预算公开 .docx is read back from its XML, never from gen's
model, and every inconsistency it prints is named.

It is the second pair of eyes: it shares nothing with ``compute.py`` and finds tables and columns by
their header text, so it also serves a bureau reviewing hand-made disclosures (``gen verify``).
Whatever cannot be located is skipped; whatever can be located is checked.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_WIDE = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_PARENS = re.compile(r"（[^）]*）|\([^)]*\)")
_CELL_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NON_DIGIT = re.compile(r"\D")
_HEAD = re.compile(r"[一二三四五六七八九十]+、")  # "一、本年收入": a head line of 表1/表4
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.．、]|其中[：:])")
# A printed amount inside a sentence: "3,547.87", "3，547.87", "1 616.00", "1616.00".
AMT = r"(\d{1,3}(?:[,，  ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
MONEY = AMT + r"\s*万元"
_MONEY = re.compile(MONEY)
_SHARE = re.compile(MONEY + r"\s*[，,]?\s*占\s*" + AMT + r"\s*%")
_CHANGE = re.compile(r"(增加|减少)\s*" + AMT + r"\s*万元\s*[，,]?\s*(增长|下降)\s*" + AMT + r"\s*%")
_TITLES = {
    "单位收支总体情况表": 1, "单位收入总体情况表": 2, "单位支出总体情况表": 3, "财政拨款收支预算总体情况表": 4,
    "财政拨款收支总体情况表": 4, "一般公共预算支出情况表": 5, "一般公共预算基本支出情况表": 6,
    "一般公共预算项目支出情况表": 7, "政府性基金预算支出情况表": 8, "国有资本经营预算支出情况表": 9,
    "财政拨款“三公”经费支出情况表": 10, "财政拨款\"三公\"经费支出情况表": 10, "上年结转结余情况明细表": 11,
}


@dataclass(frozen=True)
class Problem:
    """One inconsistency: where a reviewer finds it (several places when two figures disagree), and why."""

    places: tuple[str, ...]
    message: str


class UnreadableDocument(Exception):
    """The file is not a readable .docx; the message is Chinese and names what is wrong."""


# ----- numbers ---------------------------------------------------------------------------------

_PLAIN = re.compile(r"\d+\.\d\d")


def number(text: str) -> Decimal | None:
    """A printed amount or percentage as Decimal ("1,616.00", "１６１６．００", "1 616.00"); None if not one."""
    t = text.replace(",", "")
    if _PLAIN.fullmatch(t):  # the usual cell: no need to normalise
        return Decimal(t)
    t = _SPACES.sub("", t.translate(_WIDE)).replace(",", "").replace("，", "").rstrip("%")
    for suffix in ("万元", "元"):
        t = t.removesuffix(suffix)
    return Decimal(t) if _CELL_NUMBER.fullmatch(t) else None


def _half_up(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _norm(text: str) -> str:
    """Header/label text without spaces, numbering and "其中：", for matching."""
    t = _SPACES.sub("", text)
    t = _NUMBERING.sub("", t)
    return t.removeprefix("其中：").removeprefix("其中:")


def _bare(text: str) -> str:
    """Label without parenthesised parts: "财政专户（教育收费）" → "财政专户"."""
    return _PARENS.sub("", _norm(text))


def _wan(x: Decimal) -> str:
    return f"{x:,.2f}"


# ----- reading the document ----------------------------------------------------------------------

@dataclass
class Row:
    """A data row of a table: its code ("2080109", "30101", "" for label rows), name, label, amounts."""

    label: str
    code: str
    name: str
    extra: str
    v: dict[int, Decimal | None]


@dataclass
class Table:
    """A table with its number (1–11; 0 for a 绩效目标表), header paths per grid column and data rows."""

    no: int
    kind: str
    grid: list[list[str]]
    note: str = ""
    header_n: int = 0
    paths: list[tuple[str, ...]] = field(default_factory=list)
    amount_cols: list[int] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    sides: TwoSided | None = None

    @property
    def name(self) -> str:
        return f"表{self.no}" if self.no else self.kind

    def col(self, *names: str) -> int | None:
        """The amount column whose header path ends with names[-1] and contains the other names."""
        for j in self.amount_cols:
            p = [_bare(x) for x in self.paths[j]]
            if p and p[-1] == names[-1] and all(n in p for n in names[:-1]):
                return j
        return None

    def col_name(self, j: int) -> str:
        last = self.paths[j][-1] if self.paths[j] else f"第{j + 1}列"
        if sum(1 for k in self.amount_cols if self.paths[k][-1:] == (last,)) > 1:
            return "/".join(self.paths[j])
        return last

    def total_row(self) -> Row | None:
        return next((r for r in self.rows if r.label in ("合计", "总计")), None)

    def row_place(self, r: Row, j: int | None = None) -> str:
        where = ("合计行" if r.label in ("合计", "总计") else
                 f"项目“{r.extra}”行" if r.extra else
                 f"{r.code} {r.name}行" if r.code else f"“{r.label}”行")
        return f"{self.name} {where}" + (f"“{self.col_name(j)}”列" if j is not None else "")

    def empty(self) -> bool:
        return not any(v for r in self.rows for v in r.v.values())


@dataclass
class Document:
    """Body paragraphs and tables in order, 第一部分's paragraphs and 第三部分 split into its sections."""

    paragraphs: list[str]
    tables: list[Table]
    sections: dict[int, list[str]]
    part1: list[str]

    def table(self, no: int) -> Table | None:
        return next((t for t in self.tables if t.no == no), None) if no else None


# The only markup verify needs: run text, the ends of cells, rows, paragraphs and tables, table
# starts and column spans.  ("<w:t" followed by a space or ">" is a text run, not w:tbl/w:tc/w:tr.)
_MAX_XML = 200 * 1024 * 1024
_TOKEN = re.compile(r'<(?:w:t(?:\s[^>]*)?>([^<]*)|/w:(tc|tr|p|tbl)>|w:(tbl)>|w:gridSpan w:val="(\d+)")')


def read_document(data: bytes) -> Document:
    """Paragraphs and tables of word/document.xml in body order; UnreadableDocument for a non-.docx.

    One regular-expression pass over the XML rather than a tree: verify runs on every build, and a
    full parse of a 400 kB document.xml costs more than all the checks together."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if z.getinfo("word/document.xml").file_size > _MAX_XML:
                raise UnreadableDocument("Word 文档正文超过 200 MB，不像是单位预算公开文档（可能是压缩炸弹）")
            xml = z.read("word/document.xml").decode("utf-8")
    except KeyError:
        raise UnreadableDocument("不是 Word 文档（.docx）：压缩包中没有 word/document.xml") from None
    except UnicodeDecodeError:
        raise UnreadableDocument("Word 文档已损坏：word/document.xml 不是 UTF-8 文本") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UnreadableDocument("不是可读取的 Word 文档（.docx）：文件不是完整的 zip 压缩包，可能已损坏或是 .doc 等其他格式") from None
    if "<w:body" not in xml:
        raise UnreadableDocument("文档中没有正文（word/document.xml 缺少 w:body）")
    paragraphs: list[str] = []
    tables: list[Table] = []
    recent: list[str] = []
    depth, text, rows, row, span = 0, [], [], [], 1
    for run, end, start, width in _TOKEN.findall(xml):
        if run:
            text.append(run)
        elif end == "tc" and depth == 1:
            row.append((_joined(text), span))
            text, span = [], 1
        elif end == "p" and depth == 0:
            para = _joined(text)
            text = []
            if para:
                paragraphs.append(para)
                recent.append(para)
                if tables and para.startswith("备注") and not tables[-1].note and len(recent) <= 3:
                    tables[-1].note = para
        elif end == "tr" and depth == 1:
            rows.append(row)
            row = []
        elif start:
            depth += 1
            if depth == 1:
                text, rows, row = [], [], []
        elif end == "tbl":
            depth -= 1
            if depth == 0:
                no, kind = _identify(recent[-4:])
                tables.append(_table(no, kind, rows))
                recent = []
        elif width and depth == 1:
            span = int(width)
    return Document(paragraphs, tables, *_sections(paragraphs))


def _joined(parts: list[str]) -> str:
    text = "".join(parts).strip()
    return html.unescape(text) if "&" in text else text


def _identify(before: list[str]) -> tuple[int, str]:
    for text in reversed(before):
        t = _SPACES.sub("", text)
        m = re.match(r"^表(\d{1,2})(?!\d)", t)
        if m:
            return int(m.group(1)), ""
        if t in _TITLES:
            return _TITLES[t], ""
        if "单位整体绩效目标表" in t:
            return 0, "单位整体绩效目标表"
        if "项目支出绩效目标表" in t:
            return 0, "项目支出绩效目标表"
    return 0, ""


def _sections(paras: list[str]) -> tuple[dict[int, list[str]], list[str]]:
    starts = [i for i, p in enumerate(paras) if re.match(r"^第三部分", p)]
    part1 = [i for i, p in enumerate(paras) if re.match(r"^第一部分", p)]
    p1 = paras[part1[-1]:starts[-1] if starts else len(paras)] if part1 else []
    sections: dict[int, list[str]] = {}
    if not starts:
        return sections, p1
    current = None
    for p in paras[starts[-1] + 1:]:
        if p.startswith("第四部分"):
            break
        m = re.match(r"^([一二三四五六七八九十]{1,3})、", p)
        if m and (n := _cn(m.group(1))):
            current = n
            sections[current] = []
        elif current is not None:
            sections[current].append(p)
    return sections, p1


def _cn(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS.get(s[1:], 0)
    return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0


def _is_data_row(cells: list[str]) -> bool:
    first = _SPACES.sub("", cells[0]) if cells else ""
    return (first in ("合计", "总计") or bool(_HEAD.match(first))
            or any(number(c) is not None for c in cells if c))


def _table(no: int, kind: str, xml_rows: list[list[tuple[str, int]]]) -> Table:
    width = max((sum(n for _, n in r) for r in xml_rows), default=0)
    grid, filled = [], []
    for r in xml_rows:
        g, f = [], []
        for text, n in r:
            g += [text] + [""] * (n - 1)
            f += [text] * n
        grid.append(g + [""] * (width - len(g)))
        filled.append(f + [""] * (width - len(f)))
    t = Table(no, kind, grid)
    if kind:
        return t
    h = next((i for i, r in enumerate(grid) if _is_data_row(r)), len(grid))
    t.header_n = h
    for j in range(width):
        path: list[str] = []
        for r in filled[:h]:
            x = _SPACES.sub("", r[j])
            if x and (not path or path[-1] != x):
                path.append(x)
        t.paths.append(tuple(path))
    if no in (1, 4):
        t.sides = _two_sided(t)
        return t
    code_cols = [j for j, p in enumerate(t.paths) if p and p[-1] in ("类", "款", "项")]
    label_cols = [j for j, p in enumerate(t.paths)
                  if j in code_cols or not p or any(k in p[0] for k in ("编码", "名称", "内容"))
                  or p[0] in ("项目", "科目")]
    t.amount_cols = [j for j in range(width) if j not in label_cols]
    name_cols = [j for j in label_cols if j not in code_cols]
    for cells in grid[h:]:
        label = _SPACES.sub("", next((c for c in cells if c), ""))
        code = "".join(_NON_DIGIT.sub("", cells[j]) for j in code_cols)
        if not code_cols:
            code = next((c for c in (cells[j] for j in name_cols) if re.fullmatch(r"\d{3,7}", c)), "")
        if code_cols:  # the name columns by position: a name may be anything, "0" included
            name = cells[name_cols[0]] if name_cols else ""
            extra = cells[name_cols[1]] if no == 7 and len(name_cols) > 1 else ""
        else:
            texts = [cells[j] for j in name_cols if cells[j] and not cells[j].isdigit()]
            name = texts[0] if texts else ""
            extra = ""
        if label in ("合计", "总计"):
            code, name = "", ""
        t.rows.append(Row(label, code, name, extra, {j: number(cells[j]) if cells[j] else None for j in t.amount_cols}))
    return t


def _val(x: Decimal | None) -> Decimal:
    return x if x is not None else ZERO


# ----- checks ------------------------------------------------------------------------------------

class _Checker:
    def __init__(self, doc: Document, residual: Decimal):
        self.doc = doc
        self.residual = residual
        self.problems: list[Problem] = []

    def add(self, places, message: str) -> None:
        self.problems.append(Problem(tuple(places), message))

    def sums(self, whole_place: str | Callable[[], str], whole: Decimal, parts: list[Decimal], what: str,
             parts_place: str = "") -> None:
        """whole must equal the sum of parts (within residual per addend when input was in 元).
        whole_place may be a function, so the hot loops name a place only when it disagrees."""
        total = sum(parts, ZERO)
        if abs(total - whole) > self.residual * max(len(parts), 1):
            place = whole_place() if callable(whole_place) else whole_place
            places = (place, parts_place) if parts_place else (place,)
            self.add(places, f"{what}：印出 {_wan(whole)}，各组成部分之和为 {_wan(total)}，相差 {_wan(whole - total)} 万元。")

    def same(self, a: tuple[str, Decimal], b: tuple[str, Decimal], what: str) -> None:
        """One figure in two places has one value."""
        if a[1] != b[1]:
            self.add((a[0], b[0]), f"{what}不一致：{a[0]} 为 {_wan(a[1])}，{b[0]} 为 {_wan(b[1])}。")


def check_code_hierarchy(c: _Checker, t: Table) -> None:
    """Every 合计 row = Σ top-level code rows; every 类 = Σ its 款; every 款 = Σ its 项 (each amount column)."""
    coded = [r for r in t.rows if r.code]
    parents = {r.code: r for r in coded if not r.extra}  # a 表7 project row is never a subtotal
    kids: dict[str, list[Row]] = {}
    top: list[Row] = []
    for r in coded:
        parent = next((r.code[:k] for k in range(len(r.code) - 1, 2, -1) if r.code[:k] in parents), None)
        (kids.setdefault(parent, []) if parent else top).append(r)
    total = t.total_row()
    for j in t.amount_cols:
        for code, rows in kids.items():
            c.sums(lambda: t.row_place(parents[code], j), _val(parents[code].v[j]), [_val(k.v[j]) for k in rows],
                   f"{t.name} 上级科目不等于下级科目之和")
        if total is not None and top:
            c.sums(t.row_place(total, j), _val(total.v[j]), [_val(r.v[j]) for r in top], f"{t.name} 合计不等于各类之和")


def _column_groups(t: Table, cols: list[int], depth: int = 0) -> list[tuple[int, list[tuple[list[int], int | None]]]]:
    """Header tree: for each group of columns sharing a header, its own total column and its children."""
    out = []
    children: dict[str, list[int]] = {}
    for j in cols:
        p = t.paths[j]
        if len(p) > depth:
            children.setdefault(p[depth], []).append(j)
    total = next((js[0] for key, js in children.items()
                  if len(js) == 1 and len(t.paths[js[0]]) == depth + 1 and re.search(r"合计|小计|总计", key)), None)
    parts = [js for key, js in children.items() if not (total is not None and js == [total])]
    if total is not None and parts:
        out.append((total, [(js, depth + 1) for js in parts]))
    for js in parts:
        if len(js) > 1:
            out += _column_groups(t, js, depth + 1)
    return out


def _group_columns(t: Table, js: list[int], depth: int) -> list[int]:
    """The columns a child group contributes: its own total column if it has one, else all its leaves."""
    if len(js) == 1:
        return js
    own = [total for total, _ in _column_groups(t, js, depth) if len(t.paths[total]) == depth + 1]
    return own[:1] or js


def check_row_sums(c: _Checker, t: Table) -> None:
    """Per row: a 合计/小计/总计 column = Σ the columns under the same header (总计 = 小计 + others, 基本 = 人员 + 公用)."""
    for total, kids in _column_groups(t, t.amount_cols):
        parts = [j for js, depth in kids for j in _group_columns(t, js, depth)]
        what = f"{t.name}“{t.col_name(total)}”不等于{'、'.join(dict.fromkeys(t.col_name(j) for j in parts))}之和"
        for r in t.rows:
            if all(r.v[j] is None for j in parts) and all(re.search("人员经费|公用经费", t.col_name(j)) for j in parts):
                continue  # 表8/9: a 基本支出 the workbook did not split is published unsplit (blank 人员/公用)
            c.sums(lambda: t.row_place(r, total), _val(r.v[total]), [_val(r.v[j]) for j in parts], what)


@dataclass
class TwoSided:
    """表1/表4: income lines on the left (level head/item/sub/total, label, scope = its head, amount)
    and spending rows on the right by 类 code ("total" for 支出总计), with their amount columns."""

    lines: list[tuple[str, str, str, Decimal | None]] = field(default_factory=list)
    right: dict[str, dict[int, Decimal | None]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    cols: list[int] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(x[3] for x in self.lines) and not any(v for r in self.right.values() for v in r.values())


def _two_sided(t: Table) -> TwoSided | None:
    split = next((j for r in t.grid[:t.header_n] for j, x in enumerate(r) if "功能分类" in _SPACES.sub("", x)), None)
    if split is None:
        return None
    out = TwoSided(cols=list(range(split + 1, len(t.grid[0]))))
    level, scope = "", ""
    for cells in t.grid[t.header_n:]:
        raw = _SPACES.sub("", cells[0])
        if raw:
            if "总计" in raw:
                level = "total"
            elif _HEAD.match(raw):
                level, scope = "head", _norm(raw)
            elif re.match(r"^\d+[.．、]", raw):
                level = "item"
            elif raw.startswith("其中"):
                level = "sub"
            elif level == "head":
                level = "item"
            out.lines.append((level, _norm(raw), scope, number(cells[1]) if cells[1] else None))
        cls = _SPACES.sub("", cells[split])
        key = cls[:3] if re.match(r"^\d{3}", cls) else ("total" if "总计" in cls else "")
        if key:
            out.right[key] = {j: number(cells[j]) if cells[j] else None for j in out.cols}
            out.names[key] = cls[3:]
    return out


def check_two_sided(c: _Checker, t: Table) -> None:
    """表1/表4: head = Σ items, item = Σ its 其中 lines, 收入总计 = Σ heads = 支出总计, 支出总计 = Σ 类 rows."""
    side = t.sides
    if side is None:
        return
    place = lambda label: f"{t.name} “{label}”行"  # noqa: E731
    lines = side.lines
    for k, (level, label, _, amount) in enumerate(lines):
        if level not in ("head", "item"):
            continue
        below = "item" if level == "head" else "sub"
        kids = []
        for lv, _, _, am in lines[k + 1:]:
            if lv == below:
                kids.append(_val(am))
            elif lv != "sub" or level == "item":
                break
        if kids:
            c.sums(place(label), _val(amount), kids, f"{t.name}“{label}”不等于其下各行之和")
    tops = [_val(am) for lv, _, _, am in lines if lv == "head"] or [_val(am) for lv, _, _, am in lines if lv == "item"]
    total = next(((lb, am) for lv, lb, _, am in lines if lv == "total"), None)
    if total is None:
        return
    c.sums(place(total[0]), _val(total[1]), tops, f"{t.name}收入总计不等于各项收入之和")
    spend, cols = side.right.get("total"), side.cols
    if spend is not None and cols:
        c.same((place(total[0]), _val(total[1])), (f"{t.name} 支出总计", _val(spend[cols[0]])),
               f"{t.name}收入总计与支出总计")
        for j in cols:
            c.sums(f"{t.name} 支出总计“{t.paths[j][-1] if t.paths[j] else j}”列", _val(spend[j]),
                   [_val(v[j]) for k, v in side.right.items() if k != "total"], f"{t.name}支出总计不等于各类之和")
    if len(cols) > 1:  # 表4: 合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算 per 类 row
        for code, v in side.right.items():
            c.sums(f"{t.name} {code if code != 'total' else '支出总计'}行“合计”列", _val(v[cols[0]]),
                   [_val(v[j]) for j in cols[1:]], f"{t.name}合计不等于各资金来源之和")


def check_sangong_rows(c: _Checker, t: Table) -> None:
    """表10: 合计 = 出国 + 接待 + 公务用车小计; 小计 = 购置 + 运行 (each column)."""
    by = {_bare(r.label): r for r in t.rows}
    total, car = by.get("合计"), next((r for k, r in by.items() if "公务用车购置及运行费" in k), None)
    buy, run = by.get("公务用车购置费"), by.get("公务用车运行费")
    parts = [by.get("因公出国费"), by.get("公务接待费"), car]
    for j in t.amount_cols:
        if total and all(parts):
            c.sums(t.row_place(total, j), _val(total.v[j]), [_val(p.v[j]) for p in parts],  # type: ignore[union-attr]
                   "表10 合计不等于因公出国（境）费、公务接待费、公务用车购置及运行费之和")
        if car and buy and run:
            c.sums(t.row_place(car, j), _val(car.v[j]), [_val(buy.v[j]), _val(run.v[j])],
                   "表10 公务用车购置及运行费不等于购置费与运行费之和")


def check_item_rows(c: _Checker, t: Table) -> None:
    """表11 (and other tables without codes): 合计 row = Σ the item rows."""
    total = t.total_row()
    items = [r for r in t.rows if r is not total]
    if total is None or not items:
        return
    for j in t.amount_cols:
        c.sums(t.row_place(total, j), _val(total.v[j]), [_val(r.v[j]) for r in items], f"{t.name} 合计不等于各行之和")


def check_empty_notes(c: _Checker) -> None:
    """An all-blank table has a 备注 saying it is empty; a table with amounts has no such note or sentence."""
    for t in c.doc.tables:
        if not t.no or not t.rows and t.sides is None:
            continue
        empty = t.sides.empty() if t.sides is not None else t.empty()
        says_empty = "空表" in t.note or "空白表" in t.note
        if empty and not says_empty:
            c.add((f"{t.name} 备注",), f"{t.name}没有金额，表下应有“备注：……为空表。”说明。")
        elif not empty and says_empty:
            c.add((f"{t.name} 备注",), f"{t.name}有金额，但备注说它是空表。")
    for n, paras in c.doc.sections.items():
        for p in (p for p in paras if "为空表" in p):
            for title, no in _TITLES.items():
                t = c.doc.table(no)
                if f"{title}为空表" in p and t is not None and not t.empty():
                    c.add((f"第三部分 {_cn_name(n)}", t.name), f"第三部分 {_cn_name(n)}说{title}为空表，但{t.name}有金额。")


def _cn_name(n: int) -> str:
    names = "一二三四五六七八九十"
    return names[n - 1] if n <= 10 else "十" + names[n - 11]


# ----- cross-table identities --------------------------------------------------------------------

class _Facts:
    """Figures located in the tables, by meaning; a figure that cannot be located is None."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.s1 = (t.sides if (t := doc.table(1)) is not None else None) or TwoSided()
        self.s4 = (t.sides if (t := doc.table(4)) is not None else None) or TwoSided()
        self.perf = _perf_tables(doc)

    def t1(self, label: str, scope: str | None = "本年收入") -> tuple[str, Decimal] | None:
        for level, lb, sc, am in self.s1.lines:
            if lb == label and (scope is None or sc == scope or level in ("head", "total")):
                return f"表1 “{lb}”行", _val(am)
        return None

    def t4(self, label: str) -> tuple[str, Decimal] | None:
        for level, lb, _, am in self.s4.lines:
            if _bare(lb) == label:
                return f"表4 “{lb}”行", _val(am)
        return None

    def cell(self, no: int, *col: str, code: str | None = None, row: str = "合计") -> tuple[str, Decimal] | None:
        t = self.doc.table(no)
        if t is None:
            return None
        j = t.col(*col)
        r = (next((x for x in t.rows if x.code == code and not x.extra), None) if code is not None
             else next((x for x in t.rows if x.label == row or (row == "合计" and x.label == "总计")), None))
        if j is None or (r is None and code is None):
            return None
        if r is None:
            return f"{t.name} {code}行“{t.col_name(j)}”列", ZERO
        return t.row_place(r, j), _val(r.v[j])

    def leis(self, no: int, *col: str) -> dict[str, tuple[str, Decimal]]:
        t = self.doc.table(no)
        if t is None or (j := t.col(*col)) is None:
            return {}
        return {r.code: (t.row_place(r, j), _val(r.v[j])) for r in t.rows if len(r.code) == 3}


def _same_opt(c: _Checker, a, b, what: str) -> None:
    if a is not None and b is not None:
        c.same(a, b, what)


def check_cross_tables(c: _Checker, f: _Facts) -> None:
    """表1 total = 表2 总计 = 表3 合计; 表5 基本 = 表6 合计; 表5 项目 = 表7 合计; 表8/表9 = 表4 funds; 表11 = 表1 结转."""
    t1_total = next(((f"表1 “{lb}”行", _val(am)) for lv, lb, _, am in f.s1.lines if lv == "total"), None)
    _same_opt(c, t1_total, f.cell(2, "总计"), "单位收支总计（表1、表2）")
    _same_opt(c, t1_total, f.cell(3, "合计"), "单位收支总计（表1、表3）")
    gpb = f.t4("一般公共预算")
    _same_opt(c, gpb, f.cell(5, "合计"), "一般公共预算支出（表4、表5）")
    _same_opt(c, f.cell(5, "基本支出"), f.cell(6, "合计"), "一般公共预算基本支出（表5、表6）")
    _same_opt(c, f.cell(5, "项目支出"), f.cell(7, "项目支出合计"), "一般公共预算项目支出（表5、表7）")
    for no, label in ((8, "政府性基金预算"), (9, "国有资本经营预算")):
        t = c.doc.table(no)
        if t is not None and t.total_row() is not None:
            _same_opt(c, f.t4(label), f.cell(no, "合计"), f"{label}支出（表4、表{no}）")
    for label, col in (("一般公共预算", 1), ("政府性基金预算", 2), ("国有资本经营预算", 3)):
        if len(f.s4.cols) > col and "total" in f.s4.right:
            _same_opt(c, f.t4(label), (f"表4 支出总计“{label}”列", _val(f.s4.right["total"][f.s4.cols[col]])),
                      f"{label}收入与支出（表4）")
    # 表2 column totals = 表1 income lines.
    for t1_labels, t2_col in ((("一般财力",), "一般公共预算"),
                              (("上级一般公共预算安排转移支付",), "上级一般公共预算安排的转移支付"),
                              (("政府性基金收入",), "政府性基金预算"),
                              (("上级政府性基金安排转移支付",), "上级政府性基金安排的转移支付"),
                              (("国有资本经营预算拨款",), "国有资本经营预算"),
                              (("财政专户核拨",), "财政专户"), (("单位资金",), "单位资金"),
                              (("财政拨款结转",), "财政拨款结转"), (("非财政拨款结余",), "非财政拨款结转结余"),
                              (("一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款"), "财政拨款小计")):
        scope = "上年结转结余" if "结转" in t2_col or "结余" in t2_col else "本年收入"
        found = [f.t1(lb, scope) for lb in t1_labels]
        column = f.cell(2, t2_col)
        if column is None or not all(found):
            continue
        if len(found) == 1:
            c.same(found[0], column, f"{t2_col}收入（表1、表2）")  # type: ignore[arg-type]
        else:
            c.sums(column[0], column[1], [x[1] for x in found], f"{t2_col}不等于表1 各财政拨款收入之和")  # type: ignore[index]
    # 表4 left lines = 表1 income lines.
    for label in ("一般公共预算", "政府性基金预算", "国有资本经营预算"):
        _same_opt(c, f.t4(label), f.t1(label + "拨款"), f"{label}拨款（表1、表4）")
    # By 类: 表1 right = 表3 = 表2 总计; 表4 columns = 表5 / 表8 / 表9 类 rows.
    t3 = f.leis(3, "合计")
    t2 = f.leis(2, "总计")
    t1_cls = {k: (f"表1 {k} {f.s1.names[k]}行", _val(v[f.s1.cols[0]])) for k, v in f.s1.right.items()
              if k != "total" and f.s1.cols}
    for code in sorted(set(t3) | {k for k, v in t1_cls.items() if v[1]}):
        if t3 and code in t1_cls:
            c.same(t1_cls[code], t3.get(code, (f"表3 {code}行", ZERO)), f"{code} 类支出（表1、表3）")
    for code in sorted(set(t3) | set(t2)):
        if t3 and t2:
            c.same(t2.get(code, (f"表2 {code}行", ZERO)), t3.get(code, (f"表3 {code}行", ZERO)), f"{code} 类（表2、表3）")
    for col, no in ((1, 5), (2, 8), (3, 9)):
        if len(f.s4.cols) <= col or c.doc.table(no) is None:
            continue
        other = f.leis(no, "合计")
        fund = ("一般公共预算", "政府性基金预算", "国有资本经营预算")[col - 1]
        t4 = {k: (f"表4 {k} {f.s4.names[k]}行“{fund}”列", _val(v[f.s4.cols[col]]))
              for k, v in f.s4.right.items() if k != "total"}
        for code in sorted({k for k, v in t4.items() if v[1]} | set(other)):
            c.same(t4.get(code, (f"表4 {code}行", ZERO)), other.get(code, (f"表{no} {code}行", ZERO)),
                   f"{code} 类支出（表4、表{no}）")
    # 表7 project rows by 项 = 表5 项目支出 by 项.
    t5, t7 = c.doc.table(5), c.doc.table(7)
    if t5 is not None and t7 is not None and (j5 := t5.col("项目支出")) is not None \
            and (j7 := t7.col("项目支出合计")) is not None:
        by7 = _project_rows(t7, j7, lambda r: r.code if len(r.code) == 7 and r.extra else "")
        rows5 = {r.code: r for r in t5.rows if len(r.code) == 7}
        for code in sorted(set(by7) | {k for k, r in rows5.items() if r.v[j5]}):
            r5 = rows5.get(code)
            c.sums(t5.row_place(r5, j5) if r5 else f"表5 {code}行", _val(r5.v[j5]) if r5 else ZERO, by7.get(code, []),
                   f"{code} 的项目支出（表5）不等于表7 该项各项目之和", f"表7 {code} 各项目行")
    # 表11 = 表1 上年结转结余.
    t11 = c.doc.table(11)
    if t11 is not None and t11.total_row() is not None:
        _same_opt(c, f.t1("上年结转结余", None), f.cell(11, "总计"), "上年结转结余（表1、表11）")
        _same_opt(c, f.t1("财政拨款结转", "上年结转结余"), f.cell(11, "财政拨款", "合计"), "财政拨款结转（表1、表11）")
        _same_opt(c, f.t1("非财政拨款结余", "上年结转结余"), f.cell(11, "非财政拨款", "合计"),
                  "非财政拨款结转结余（表1、表11）")


# ----- narrative ---------------------------------------------------------------------------------

@dataclass
class Sentence:
    """A paragraph of the narrative with the place a reviewer finds it by ("第三部分 五（一）第2段")."""

    place: str
    text: str


def _narrative(doc: Document) -> dict[int, list[Sentence]]:
    out: dict[int, list[Sentence]] = {}
    for n, paras in doc.sections.items():
        sub, k, items = "", 0, []
        for p in paras:
            m = re.match(r"^（([一二三四五六七八九十]{1,2})）", p)
            if m:
                sub, k = f"（{m.group(1)}）", 0
                continue
            k += 1
            items.append(Sentence(f"第三部分 {_cn_name(n)}{sub}第{k}段", _flat(p)))
        out[n] = items
    return out


def _flat(text: str) -> str:
    """Sentence text with full-width digits, "．" in numbers and "％" made ASCII."""
    t = text.translate(str.maketrans("０１２３４５６７８９％", "0123456789%"))
    return re.sub(r"(?<=\d)．(?=\d)", ".", t)


def _money(m: re.Match, group: int = 1) -> Decimal:
    return number(m.group(group)) or ZERO


def _find(pattern: str, text: str) -> Decimal | None:
    m = re.search(pattern + r"\s*" + MONEY, text)
    return _money(m, m.lastindex) if m else None


def _say(c: _Checker, s: Sentence, printed: Decimal | None, table: tuple[str, Decimal] | None, what: str) -> None:
    if printed is not None and table is not None:
        c.same((s.place, printed), table, what)


_SOURCE_LINES = {  # 第三部分 二: sentence label → 表1 line (in 本年收入 unless noted)
    "一般公共预算": "一般财力", "政府性基金预算": "政府性基金收入", "国有资本经营预算": "国有资本经营收入",
}


def _source_line(f: _Facts, label: str) -> tuple[str, Decimal] | None:
    if label == "上年结转结余":
        return f.t1("上年结转结余", None)
    want = _SOURCE_LINES.get(label, label.replace("的", "").removesuffix("资金"))
    return f.t1(want)


def check_income_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 二: the total and each source's amount equal 表1; "未安排" only for a source that is 0.00."""
    said = set()
    for k, s in enumerate(part):
        text = s.text
        if k == 0:
            _say(c, s, _find("收入预算", text), f.t1("收入总计", None), "收入预算总额")
            text = text.split("其中：", 1)[1] if "其中：" in text else ""
        m = re.match(r"^([^\d，。：]+?)(?:" + MONEY + r"|未安排)", text)
        if not m:
            continue
        label = m.group(1).removeprefix("本级")  # "本级一般公共预算未安排" where only 上级 money came
        said.add(label)
        line = _source_line(f, label)
        if line is None:
            continue
        if m.group(2) is None:
            if line[1]:
                c.add((s.place, line[0]), f"第三部分 二说“{label}未安排”，但{line[0]}为 {_wan(line[1])}。")
        else:
            c.same((s.place, _money(m, 2)), line, f"{label}收入")
    if part:
        for label in ("一般公共预算", "上级一般公共预算安排的转移支付资金", "政府性基金预算",
                      "上级政府性基金安排的转移支付资金", "国有资本经营预算", "上级国有资本经营预算安排的转移支付资金",
                      "财政专户核拨", "单位资金", "上年结转结余"):
            line = _source_line(f, label)
            if line is not None and line[1] and label not in said:
                c.add(("第三部分 二", line[0]), f"{line[0]}有 {_wan(line[1])} 万元，第三部分 二没有说明{label}。")


def check_spending_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 一/三/四: 收支总预算 = 表1 收入总计; 基本/项目支出 = 表3 合计行; 财政拨款 figures = 表4."""
    for s in part:
        _say(c, s, _find("支出预算", s.text), f.cell(3, "合计"), "支出预算总额")
        m = re.match(r"^(?:其中：)?(基本支出|项目支出)(?:" + MONEY + "|未安排)", s.text)
        if m:
            cell = f.cell(3, m.group(1))
            if m.group(2) is None:
                if cell and cell[1]:
                    c.add((s.place, cell[0]), f"第三部分 三说“{m.group(1)}未安排”，但{cell[0]}为 {_wan(cell[1])}。")
            else:
                _say(c, s, _money(m, 2), cell, m.group(1))


def check_total_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 一: 收支总预算 = 表1 收入总计."""
    for s in part:
        _say(c, s, _find("收支总预算", s.text), f.t1("收入总计", None), "收支总预算")


def check_fiscal_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 四: 财政拨款总额 = 表4 收入总计; each kind = 表4 line; each 类 amount = 表4 column by 类."""
    families = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
    total = next(((f"表4 “{lb}”行", _val(am)) for lv, lb, _, am in f.s4.lines if lv == "total"), None)
    for s in part:
        _say(c, s, _find("财政拨款收支总预算", s.text), total, "财政拨款收支总预算")
        if s.text.startswith("收入预算包括"):
            for m in re.finditer("(" + "|".join(families) + ")拨款" + MONEY, s.text):
                _say(c, s, _money(m, 2), f.t4(m.group(1)), f"{m.group(1)}拨款")
        m = re.search(r"，无(.+?)。", s.text)
        if m and s.text.startswith("收入全部为"):
            for label in re.findall("(" + "|".join(families) + ")", m.group(1)):
                line = f.t4(label)
                if line is not None and line[1]:
                    c.add((s.place, line[0]), f"第三部分 四说“无{label}拨款”，但{line[0]}为 {_wan(line[1])}。")
        m = re.match("^(" + "|".join(families) + ")支出包括[：:](.*)$", s.text)
        if m and len(f.s4.cols) == 4:
            j = f.s4.cols[families.index(m.group(1)) + 1]
            by_name = {f.s4.names[k]: (f"表4 {k} {f.s4.names[k]}行“{m.group(1)}”列", _val(v[j]))
                       for k, v in f.s4.right.items() if k != "total"}
            for part_text in m.group(2).split("。"):
                mm = re.match(r"^(.+?)" + MONEY, part_text)
                if mm and mm.group(1) in by_name:
                    _say(c, s, _money(mm, 2), by_name[mm.group(1)], f"{m.group(1)}{mm.group(1)}")
                elif mm:
                    c.add((s.place,), f"第三部分 四列出的“{mm.group(1)}”在表4 中找不到。")


def _names(t: Table, code: str) -> str:
    return next((r.name for r in t.rows if r.code == code and not r.extra), "")


def check_gpb_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 五: 合计/基本/项目 = 表5 合计行; each 类 = 表5 类 row; each 项 in 五（三） = 表5 项 row."""
    t5 = c.doc.table(5)
    items: dict[tuple[str, str, str], list] = defaultdict(list)
    for s in part:
        _say(c, s, _find("拨款合计", s.text), f.cell(5, "合计"), "一般公共预算拨款合计")
        for label in ("基本支出", "项目支出"):
            m = re.search(r"(?:^|：)" + label + MONEY, s.text)
            if m:
                _say(c, s, _money(m), f.cell(5, label), f"一般公共预算{label}")
        if t5 is None or (j := t5.col("合计")) is None:
            continue
        m = re.match(r"^\d+[、.．]\s*([^（]+)（类）" + MONEY, s.text)
        if m:
            row = next((r for r in t5.rows if len(r.code) == 3 and r.name == m.group(1)), None)
            table = (t5.row_place(row, j), _val(row.v[j])) if row else (f"表5 “{m.group(1)}”类", ZERO)
            _say(c, s, _money(m, 2), table, f"{m.group(1)}（类）")
        m = re.match(r"^\d+[、.．]\s*(.+?)（类）(.+?)（款）(.+?)（项）[：:].*?" + MONEY, s.text)
        if m:
            items[m.group(1, 2, 3)].append((s, _money(m, 4)))
    if t5 is not None and (j := t5.col("合计")) is not None:
        for path, said in items.items():
            _gpb_items(c, t5, j, path, said)


def _gpb_items(c: _Checker, t5: Table, j: int, path: tuple[str, str, str], said: list) -> None:
    """五（三）'s items named 类/款/项 ``path`` against the 表5 项 rows of that name.  Names identify a 项
    only when they are unique: two 项 may share a name, and an item that fell to zero has no 表5 row.
    So the printed figures of a name must be its rows' figures, one each, and 0.00 for the rest."""
    lei, kuan, xiang = path
    rows = [r for r in t5.rows if len(r.code) == 7 and r.name == xiang
            and _names(t5, r.code[:3]) in ("", lei) and _names(t5, r.code[:5]) in ("", kuan)]
    if len(said) == 1 and len(rows) <= 1:
        row = rows[0] if rows else None
        table = (t5.row_place(row, j), _val(row.v[j])) if row else (f"表5 “{xiang}”项（表中无此行）", ZERO)
        _say(c, said[0][0], said[0][1], table, f"{xiang}（项）")
        return
    printed = sorted(v for _, v in said)
    expected = sorted([_val(r.v[j]) for r in rows] + [ZERO] * max(len(said) - len(rows), 0))
    if len(rows) > len(said) or printed != expected:
        c.add([s.place for s, _ in said] + [t5.row_place(r, j) for r in rows],
              f"同名的{xiang}（项）不一致：第三部分 五（三）印出 {'、'.join(_wan(v) for v in printed)}，"
              f"表5 为 {'、'.join(_wan(v) for v in sorted(_val(r.v[j]) for r in rows)) or '（无此行）'}。")


def check_basic_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 六: 基本支出/人员经费/公用经费 = 表6 合计行, and each list = the 表6 款 with money in that column."""
    t6 = c.doc.table(6)
    for s in part:
        _say(c, s, _find("基本支出", s.text), f.cell(6, "合计"), "一般公共预算基本支出")
        m = re.match(r"^(人员经费|公用经费)" + MONEY + r"(?:[，,]主要包括[：:](.*?)。?$)?", s.text)
        if not m or t6 is None or (j := t6.col(m.group(1))) is None:
            continue
        _say(c, s, _money(m, 2), f.cell(6, m.group(1)), m.group(1))
        listed = [x for x in re.split(r"[、，,]", m.group(3) or "") if x]
        expected = [r.name for r in t6.rows if len(r.code) == 5 and r.v[j]]
        missing = [x for x in expected if x not in listed]
        extra = [x for x in listed if x not in expected]
        if m.group(3) is not None and (missing or extra):
            c.add((s.place, f"表6 “{m.group(1)}”列"),
                  f"第三部分 六{m.group(1)}所列科目与表6 不符" + (f"：缺少{'、'.join(missing)}" if missing else "")
                  + (f"；表6 该列无金额的{'、'.join(extra)}不应列出" if extra else "") + "。")


def _perf_tables(doc: Document) -> dict[str, tuple[str, Decimal | None, Decimal | None, Decimal | None]]:
    """项目支出绩效目标表 by project name: (place, 年度预算总额, 财政拨款, 其他资金)."""
    out = {}
    for t in doc.tables:
        if t.kind != "项目支出绩效目标表":
            continue
        name, vals = "", {}
        for r in t.grid:
            cells = [x for x in r if x]
            for k, x in enumerate(cells[:-1]):
                key = _SPACES.sub("", x)
                if key == "项目名称":
                    name = cells[k + 1]
                for label in ("年度预算总额", "财政拨款", "其他资金"):
                    if key.endswith(label) and label not in vals:
                        vals[label] = number(cells[k + 1])
        if name:
            out[name] = (f"项目支出绩效目标表“{name}”", vals.get("年度预算总额"), vals.get("财政拨款"),
                         vals.get("其他资金"))
    return out


def _project_rows(t7: Table, j: int, key) -> dict[str, list[Decimal]]:
    """表7 project rows' 项目支出合计 grouped by key(row) (a project may have several rows)."""
    out: dict[str, list[Decimal]] = {}
    for r in t7.rows:
        if k := key(r):
            out.setdefault(k, []).append(_val(r.v[j]))
    return out


def check_project_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 七: 预算安排规模 (or its "其中一般公共预算拨款") = Σ the project's 表7 rows; 规模 = its 绩效表 总额."""
    t7 = c.doc.table(7)
    perf = f.perf
    j7 = t7.col("项目支出合计") if t7 is not None else None
    by7 = _project_rows(t7, j7, lambda r: r.extra) if t7 is not None and j7 is not None else {}
    name, listed = "", []
    for s in part:
        m = re.match(r"^\d+[、.．]\s*项目名称[：:]\s*(.+)$", s.text)
        if m:
            name = m.group(1).strip()
            listed.append(name)
            continue
        m = re.match(r"^预算安排规模[：:]\s*" + MONEY + r"(?:[，,]其中一般公共预算拨款" + MONEY + ")?", s.text)
        if not (m and name):
            continue
        scale, gpb = _money(m), (_money(m, 2) if m.group(2) else _money(m))
        if j7 is not None:
            c.sums(s.place, gpb, by7.get(name, []), f"项目“{name}”的一般公共预算拨款不等于它在表7 各行之和",
                   f"表7 项目“{name}”" + ("各行" if name in by7 else "（表中无此项目）"))
        if gpb > scale:
            c.add((s.place,), f"项目“{name}”的一般公共预算拨款 {_wan(gpb)} 万元大于预算安排规模 {_wan(scale)} 万元。")
        if name in perf and perf[name][1] is not None:
            c.same((s.place, scale), (perf[name][0] + " 年度预算总额", perf[name][1]), f"项目“{name}”预算安排规模")
    if listed or part:
        for name in by7:
            if name not in listed and any(by7[name]):
                c.add((f"表7 项目“{name}”", "第三部分 七"), f"表7 的项目“{name}”在第三部分 七中没有说明。")


def check_fund_narrative(c: _Checker, f: _Facts, part: list[Sentence], no: int) -> None:
    """第三部分 八/九/十一: the amounts in the sentence equal 表8/表9/表11 合计行."""
    basic = ("基本支出", "小计")  # 表8/表9 split 基本支出 into 小计 / 人员经费 / 公用经费
    t = c.doc.table(no)
    if t is not None and t.col(*basic) is None:
        basic = ("基本支出",)  # a template with 基本支出 as one column
    cols = {8: ("合计", basic, "项目支出"), 9: ("合计", basic, "项目支出"),
            11: (("总计",), ("财政拨款", "合计"), ("非财政拨款", "合计"))}[no]
    for s in part:
        m = re.search(r"安排的支出" + MONEY + r"[，,]其中[：:](?:基本支出|财政拨款结转)" + MONEY
                      + r"[，,](?:项目支出|非财政拨款结转结余)" + MONEY, s.text)
        if not m:
            continue
        for k, col in enumerate(cols):
            key = col if isinstance(col, tuple) else (col,)
            _say(c, s, _money(m, k + 1), f.cell(no, *key), f"表{no}“{'/'.join(key)}”")
        c.sums(s.place, _money(m, 1), [_money(m, 2), _money(m, 3)], f"第三部分 {_cn_name(no)}的总额不等于两部分之和")
    for s in part if no in (8, 9) else ():
        m = re.search(r"基本支出中[，,]人员经费" + MONEY + r"[，,]公用经费" + MONEY, s.text)
        if m:
            for k, col in enumerate(("人员经费", "公用经费")):
                _say(c, s, _money(m, k + 1), f.cell(no, "基本支出", col), f"表{no}“{col}”")


_SANGONG = ("因公出国（境）费", "公务用车购置费", "公务用车运行费", "公务接待费")


def check_sangong_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 十: total and each item = 表10 合计 column; item changes add up to the total change."""
    t10 = c.doc.table(10)
    j = t10.col("合计") if t10 is not None else None
    rows = {_bare(r.label): r for r in t10.rows} if t10 is not None and j is not None else {}
    for s in part:
        total = _find("“三公”经费数为", s.text)
        if total is not None and "合计" in rows:
            row_of = lambda r: (t10.row_place(r, j), _val(r.v[j]))  # type: ignore[union-attr]  # noqa: E731
            _say(c, s, total, row_of(rows["合计"]), "“三公”经费合计")
            for label in _SANGONG:
                m = re.search(re.escape(label) + MONEY, s.text)
                if m and _bare(label) in rows:
                    _say(c, s, _money(m), row_of(rows[_bare(label)]), label)
        changes = list(_CHANGE.finditer(s.text))
        if "三公" in s.text and len(changes) == 1 + len(_SANGONG):
            signed = [(_money(m, 2) if m.group(1) == "增加" else -_money(m, 2)) for m in changes]
            c.sums(s.place, signed[0], signed[1:], "“三公”经费的增减额不等于各项增减额之和")


def check_running_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 十二（一）: 机关运行经费 (行政单位 and 参公事业单位) is 表6's 公用经费 by definition; a
    事业单位's 单位运行经费 may be reckoned otherwise and is not compared."""
    for s in part:
        _say(c, s, _find("机关运行经费财政拨款预算", s.text), f.cell(6, "公用经费"), "机关运行经费（表6 公用经费）")


def check_perf_narrative(c: _Checker, f: _Facts, part: list[Sentence]) -> None:
    """第三部分 十二（四）: 整体绩效 amount = Σ 单位整体绩效目标表 fund rows; project amounts agree with the 绩效表s."""
    overall = next((t for t in c.doc.tables if t.kind == "单位整体绩效目标表"), None)
    perf = f.perf
    for place, total, fiscal, other in perf.values():
        if total is not None and fiscal is not None and other is not None:
            c.sums(place + " 年度预算总额", total, [fiscal, other], "项目年度预算总额不等于财政拨款与其他资金之和")
    for s in part:
        amount = _find("整体预算绩效目标\\d+个[，,]涉及金额", s.text)
        if amount is not None and overall is not None:
            funds, started = [], False
            for r in overall.grid:
                cells = [x for x in r if x]
                joined = _SPACES.sub("", "".join(cells))
                if "资金来源" in joined or "资金总额" in joined:
                    started = True
                    continue
                if started and ("一级指标" in joined):
                    break
                if started and cells and (v := number(cells[-1])) is not None and "合计" not in joined:
                    funds.append(v)
            if funds:
                c.sums(s.place, amount, funds, "整体绩效目标涉及金额不等于单位整体绩效目标表各资金来源之和")
        m = re.search(r"当年财政拨款项目(\d+)个[，,]涉及预算金额" + MONEY + r"[；;，,]当年非财政拨款项目(\d+)个[，,]涉及预算金额"
                      + MONEY, s.text)
        if m and perf and int(m.group(1)) + int(m.group(3)) == len(perf):
            c.sums(s.place, _money(m, 2), [_val(v[2]) for v in perf.values()],
                   "财政拨款项目涉及金额不等于各项目支出绩效目标表“财政拨款”之和")
            c.sums(s.place, _money(m, 4), [_val(v[3]) for v in perf.values()],
                   "非财政拨款项目涉及金额不等于各项目支出绩效目标表“其他资金”之和")


def check_staff(c: _Checker) -> None:
    """第一部分 二: 实有人数 = 在职 + 退休 + 离休 (these are head counts, not money)."""
    for k, p in enumerate(c.doc.part1):
        m = re.search(r"实有人数(\d+)人", p)
        parts = [re.search(label + r"(\d+)人", p) for label in ("在职", "退休", "离休")]
        if m and all(parts):
            total, got = int(m.group(1)), sum(int(x.group(1)) for x in parts)  # type: ignore[union-attr]
            if total != got:
                c.add(("第一部分 二 人员情况",), f"实有人数 {total} 人不等于在职、退休、离休人数之和 {got} 人。")


# ----- sentence arithmetic ---------------------------------------------------------------------

def _pct_range(c: _Checker, num: Decimal, den: Decimal) -> tuple[Decimal, Decimal]:
    """Percentages num/den half-up to 0.01 that printed figures allow (each off by at most residual)."""
    r = c.residual
    values = [_half_up(n * HUNDRED / d) for n in (num - r, num + r) for d in (den - r, den + r) if d > 0]
    return min(values), max(values)


def _labelled_amounts(text: str) -> list[tuple[str, Decimal]]:
    out = []
    for m in _MONEY.finditer(text):
        head = re.split(r"[，,：:；;。]", text[:m.start()])[-1]
        out.append((re.sub(r"(预算数为|数为|为)$", "", head), _money(m)))
    return out


def check_shares(c: _Checker, part: list[Sentence]) -> None:
    """"X万元，占P%": P = X / (the whole the section is about) half-up to 0.01."""
    whole = next((_money(m) for s in part if (m := _MONEY.search(s.text))), None)
    if not whole:
        return
    for s in part:
        for m in _SHARE.finditer(s.text):
            x, p = _money(m), _money(m, 2)
            lo, hi = _pct_range(c, x, whole)
            if not lo <= p <= hi:
                c.add((s.place,), f"“{m.group(0)}”：{_wan(x)} ÷ {_wan(whole)} = {lo}%，印出的是 {p}%。")


def check_changes(c: _Checker, part: list[Sentence]) -> None:
    """"增加D万元，增长P%" / "减少D万元，下降P%": words pair up, D > 0, P = D / (current ∓ D) half-up."""
    labels: list[tuple[str, Decimal]] = []
    for s in part:
        prev_end = 0
        found = list(_CHANGE.finditer(s.text))
        for i, m in enumerate(found):
            start = max(prev_end, max(s.text.rfind(x, 0, m.start()) for x in "；;。") + 1)
            segment, prev_end = s.text[start:m.start()], m.end()
            up, d, up2, p = m.group(1) == "增加", _money(m, 2), m.group(3) == "增长", _money(m, 4)
            after = re.split(r"[；;。]", s.text[m.end():found[i + 1].start() if i + 1 < len(found) else None])[0]
            amounts = list(_MONEY.finditer(segment))
            if amounts:
                current: Decimal | None = _money(amounts[-1])
            else:
                key = re.sub(r"^[，,：:]*(?:其中[：:])?(?:\d{4}年)?(?:财政拨款)?", "", segment)
                key = re.sub(r"(比上年预算|比上年|较上年)$", "", key)
                current = next((v for lb, v in reversed(labels) if key and (lb.endswith(key) or key.endswith(lb))),
                               None)
            if up != up2:
                c.add((s.place,), f"“{m.group(0)}”：方向词不一致（增加应与增长连用，减少应与下降连用）。")
                continue
            if d == 0:
                if not (up and p == 0 and "均未安排" in after and not current):
                    c.add((s.place,), f"“{m.group(0)}”：增减额为 0.00，应写“与上年预算持平”"
                                      "（两年均为零时写“未安排”）。")
                continue
            if "均未安排" in after:
                c.add((s.place,), f"“{m.group(0)}”之后说“均未安排”，与增减额不符。")
            if current is None:
                continue
            prior = current - d if up else current + d
            if prior < 0:
                c.add((s.place,), f"“{m.group(0)}”：本年 {_wan(current)} 万元，增加额大于本年数，上年数不可能为负。")
                continue
            if prior == 0:
                lo = hi = HUNDRED.quantize(CENT)
            else:
                lo, hi = _pct_range(c, d, prior)
            if not lo <= p <= hi:
                c.add((s.place,), f"“{m.group(0)}”：上年为 {_wan(prior)} 万元，{'增长' if up else '下降'}率应为 "
                                  f"{lo}%，印出的是 {p}%。")
        for m in re.finditer(r"持平[，,]?\s*(?:增加|减少|增长|下降)\s*" + AMT, s.text):
            c.add((s.place,), f"“{m.group(0)}”：“持平”不应再带增减额。")
        labels += _labelled_amounts(s.text)


def check_unarranged(c: _Checker, part: list[Sentence]) -> None:
    """"均未安排X" (三公) only where that item's amount is 0.00."""
    if not any("均未安排" in s.text for s in part):
        return
    amounts = [x for s in part for x in _labelled_amounts(s.text)]
    for s in part:
        for m in re.finditer(r"均未安排(" + "|".join(map(re.escape, _SANGONG)) + ")", s.text):
            value = next((v for lb, v in amounts if lb.endswith(m.group(1))), None)
            if value:
                c.add((s.place,), f"说“均未安排{m.group(1)}”，但本年{m.group(1)}为 {_wan(value)} 万元。")


# ----- entry point -------------------------------------------------------------------------------

def verify_docx(data: bytes, *, residual: Decimal = Decimal("0")) -> list[Problem]:
    """Every inconsistency the document prints. ``residual`` is the rounding tolerance per addend (元 input)."""
    doc = read_document(data)
    c = _Checker(doc, residual)
    for t in doc.tables:
        if t.kind or not t.no:
            continue
        if t.no in (1, 4):
            check_two_sided(c, t)
            continue
        check_code_hierarchy(c, t)
        check_row_sums(c, t)
        if t.no == 10:
            check_sangong_rows(c, t)
        if not any(r.code for r in t.rows) and t.no != 10:
            check_item_rows(c, t)
    check_empty_notes(c)
    f = _Facts(doc)
    check_cross_tables(c, f)
    check_staff(c)
    parts = _narrative(doc)
    get = lambda n: parts.get(n, [])  # noqa: E731
    check_total_narrative(c, f, get(1))
    check_income_narrative(c, f, get(2))
    check_spending_narrative(c, f, get(3))
    check_fiscal_narrative(c, f, get(4))
    check_gpb_narrative(c, f, get(5))
    check_basic_narrative(c, f, get(6))
    check_project_narrative(c, f, get(7))
    for no in (8, 9, 11):
        check_fund_narrative(c, f, get(no), no)
    check_sangong_narrative(c, f, get(10))
    check_running_narrative(c, f, get(12))
    check_perf_narrative(c, f, get(12))
    for part in parts.values():
        check_shares(c, part)
        check_changes(c, part)
        check_unarranged(c, part)
    return list(dict.fromkeys(c.problems))

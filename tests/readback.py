"""Read a built disclosure back and hold it against a generated unit's truth (``units.truth``).

Why: a figure is right only if the *document* prints it right.  This reads the .docx (paragraphs
and tables in body order, from word/document.xml; a merged cell repeats as Word shows it) and
compares what it prints with the truth the generator knows — never with gen's compute — and
returns one ``Failure`` per wrong figure or wording, each with a ``kind`` (its class, for
counting), where it is, what was expected and what was printed.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal

import zipfile

from lxml import etree

from pathlib import Path

from units import Figure, Truth, pct, truth

AMOUNT = r"(\d{1,3}(?:,\d{3})*\.\d{2})"
CHANGE = re.compile(r"(?:比上年预算)?(增加|减少)" + AMOUNT + r"万元，(增长|下降)(\d+\.\d{2})%")


@dataclass(frozen=True)
class Failure:
    kind: str  # the class of failure, e.g. "二 source fell to zero worded 未安排"
    place: str
    expected: str
    printed: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.place}: expected {self.expected!r}; printed {self.printed!r}"


def wan(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"


def amount(text: str) -> int:
    """A printed amount ("1,234.50", blank = 0) in cents."""
    text = text.strip().replace(",", "")
    return int(Decimal(text) * 100) if text else 0


class Document:
    """The body of a .docx as blocks: ``("p", text)`` or ``("t", rows of cell texts)``, and the tables
    by their printed number (表1…表11, the text of the paragraph "表N" above them)."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = etree.fromstring(z.read("word/document.xml")).find(W + "body")
        self.blocks: list[tuple[str, object]] = []
        for child in body:
            if child.tag == W + "p":
                self.blocks.append(("p", _text(child).strip()))
            elif child.tag == W + "tbl":
                self.blocks.append(("t", _grid(child)))
        self.tables: dict[str, list[list[str]]] = {}
        self.notes: dict[str, list[str]] = {}  # 表N -> 备注 paragraphs after it
        current = None
        for kind, value in self.blocks:
            if kind == "p" and re.fullmatch(r"表\d+", value):
                current = value
                self.notes[current] = []
            elif kind == "t" and current and current not in self.tables:
                self.tables[current] = value
            elif kind == "p" and current and value.startswith("备注"):
                self.notes[current].append(value)
            elif kind == "p" and value.startswith("第三部分"):
                current = None
        self.paragraphs = [v for k, v in self.blocks if k == "p"]

    def section(self, number: str) -> list[str]:
        """The paragraphs of 第三部分 section ``number`` ("二"), heading excluded."""
        body = [i for i, p in enumerate(self.paragraphs) if re.match(r"第三部分 ", p)][-1]
        heads = [i for i, p in enumerate(self.paragraphs) if i > body and re.match(r"[一二三四五六七八九十]+、", p)
                 and ("关于" in p or "其他重要事项" in p)]
        for n, i in enumerate(heads):
            if self.paragraphs[i].startswith(number + "、"):
                end = heads[n + 1] if n + 1 < len(heads) else next(
                    j for j, p in enumerate(self.paragraphs) if j > i and p.startswith("第四部分"))
                return self.paragraphs[i + 1:end]
        return []

    def perf_tables(self) -> list[list[list[str]]]:
        return [v for k, v in self.blocks if k == "t" and v and v[0] and v[0][0] == "预算单位"]

    def overall_table(self) -> list[list[str]] | None:
        return next((v for k, v in self.blocks if k == "t" and v and v[0] and v[0][0].startswith("单位名称")), None)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element) -> str:
    """A paragraph's or cell's text as Word shows it: runs' text, tabs and breaks."""
    parts = []
    for node in element.iter(W + "t", W + "tab", W + "br", W + "p"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append("\t")
        elif node.tag == W + "br":
            parts.append("\n")
        elif node is not element and parts:
            parts.append("\n")  # a new paragraph inside a cell
    return "".join(parts)


def _grid(table) -> list[list[str]]:
    """A table as a grid of cell texts: a cell spanning columns repeats in each, a vertically merged cell
    repeats its first row's text (as Word shows it)."""
    rows: list[list[str]] = []
    for tr in table.iter(W + "tr"):
        row: list[str] = []
        for tc in tr.iterfind(W + "tc"):
            pr = tc.find(W + "tcPr")
            span = pr.find(W + "gridSpan") if pr is not None else None
            merge = pr.find(W + "vMerge") if pr is not None else None
            width = int(span.get(W + "val")) if span is not None else 1
            col = len(row)
            if merge is not None and merge.get(W + "val") != "restart" and rows and col < len(rows[-1]):
                text = rows[-1][col]
            else:
                text = "\n".join(_text(p) for p in tc.iterfind(W + "p")).strip()
            row.extend([text] * width)
        rows.append(row)
    return rows


def sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in re.split(r"(?<=。)", p) if s.strip()]


# --- the checks ---------------------------------------------------------------------------------------


def _change_failures(kind: str, place: str, fig: Figure, text: str) -> list[Failure]:
    """The change clause of ``text`` against ``fig``: amount, percentage, direction words, reason."""
    out = []
    m = CHANGE.search(text)
    cur, prior = fig.current, fig.prior
    if cur == prior:
        figure, _, why = text.partition("主要原因")
        if m or re.search("增加|减少|增长|下降", figure):
            out.append(Failure(f"{kind}: unchanged worded as a change", place, "与上年预算持平 / 未安排", text))
        elif re.search("增加|减少", why):  # 元: the exact figures moved, the printed ones did not
            out.append(Failure(f"{kind}: 持平 explained by a reason for an increase or decrease", place,
                               "与上年预算持平 without that reason (or the change it explains)", text))
        return out
    word, grow = ("增加", "增长") if cur > prior else ("减少", "下降")
    percent = pct(abs(cur - prior), prior) if prior else Decimal("100.00")
    expected = f"{word}{wan(abs(cur - prior))}万元，{grow}{percent}%"
    if not m:
        out.append(Failure(f"{kind}: change missing", place, expected, text))
    elif not m.group(0).endswith(expected):
        what = "direction" if m.group(1) != word or m.group(3) != grow else (
            "change amount" if amount(m.group(2)) != abs(cur - prior) else "change percentage")
        out.append(Failure(f"{kind}: wrong {what}", place, expected, m.group(0)))
    if fig.reason and fig.reason.rstrip("。") not in text:
        out.append(Failure(f"{kind}: reason missing", place, f"主要原因是{fig.reason}", text))
    return out


def _share_sentence(kind: str, place: str, label: str, fig: Figure, whole: int, text: str | None) -> list[Failure]:
    """"L X万元，占P%，比上年预算…" — or "L未安排。" only when there is no money in either year (in 元, an
    amount under 50 元 prints "L0.00万元，占0.00%，与上年预算持平。")."""
    if not fig.current and not fig.prior:
        if fig.nil and text is not None and not re.fullmatch(re.escape(label) + "未安排。", text):
            return [Failure(f"{kind}: zero in both years not worded 未安排", place, f"{label}未安排。", text)]
        if not fig.nil and (text is None or not re.fullmatch(re.escape(label) + r"0\.00万元.*持平.*。", text)):
            return [Failure(f"{kind}: money under 0.005 万元 not printed as 0.00 持平", place,
                            f"{label}0.00万元，…与上年预算持平。", text or "")]
        return []
    if text is None:
        return [Failure(f"{kind}: sentence missing", place, f"{label}{wan(fig.current)}万元…", "")]
    if "未安排" in text:
        return [Failure(f"{kind}: money in one year worded 未安排", place,
                        f"{label}{wan(fig.current)}万元，…（上年{wan(fig.prior)}万元）", text)]
    m = re.match(re.escape(label) + AMOUNT + r"万元(，占(\d+\.\d{2})%)?", text)
    if not m:
        return [Failure(f"{kind}: sentence malformed", place, f"{label}{wan(fig.current)}万元，占…", text)]
    out = []
    if amount(m.group(1)) != fig.current:
        out.append(Failure(f"{kind}: wrong amount", place, wan(fig.current), m.group(1)))
    share = pct(fig.current, whole)
    if m.group(3) is None and fig.current:
        out.append(Failure(f"{kind}: share missing", place, f"占{share}%", text))
    elif m.group(3) is not None and Decimal(m.group(3)) != share:
        out.append(Failure(f"{kind}: share is not its own ratio half-up", place, f"占{share}%", f"占{m.group(3)}%"))
    return out + _change_failures(kind, place, fig, text)


def check_sources(doc: Document, t: Truth) -> list[Failure]:
    """第三部分 二: one sentence per source with money in either year, each figure right."""
    found: dict[str, str] = {}
    labels = sorted((label for label, _, _ in t.sources), key=len, reverse=True)
    for s in sentences(doc.section("二")):
        s = s.split("其中：", 1)[-1]
        label = next((lb for lb in labels if s.startswith(lb)), None)
        if label:
            found[label] = s
    out = []
    by_key = {key: fig for _, key, fig in t.sources}
    for label, key, fig in t.sources:
        upper = by_key.get(key + "_transfer")  # 本级 source: its 上级 transfer
        if fig.nil and upper is not None and not upper.nil:  # "一般公共预算未安排" would deny the 上级 money
            said = found.get(label)
            if said is not None:
                out.append(Failure("二 本级 source without money named as the whole budget", f"第三部分 二 {label}",
                                   f"本级{label}未安排。", said))
            label = f"本级{label}"
            found[label] = next((s.split("其中：", 1)[-1] for s in sentences(doc.section("二"))
                                 if s.split("其中：", 1)[-1].startswith(label)), None)
        out += _share_sentence("二 source", f"第三部分 二 {label}", label, fig, t.grand, found.get(label))
    return out


def check_spending(doc: Document, t: Truth) -> list[Failure]:
    """第三部分 三 (基本/项目 of all funds, with shares) and 五(一) (一般公共预算 基本/项目)."""
    out = []
    three = {s.split("其中：", 1)[-1][:4]: s.split("其中：", 1)[-1] for s in sentences(doc.section("三"))}
    for label, fig in (("基本支出", t.basic), ("项目支出", t.project)):
        text = three.get(label)
        if text is None and not fig.current and not fig.prior:
            continue
        out += _share_sentence("三 spending", f"第三部分 三 {label}", label, fig, t.grand, text)
    five = doc.section("五")
    start = next((i + 1 for i, p in enumerate(five) if p.startswith("（一）")), 0)
    part1 = five[start:next((i for i, p in enumerate(five) if p.startswith("（二）")), len(five))]
    scale = {}
    for s in sentences(part1):
        s = s.split("其中：", 1)[-1]
        if s[:4] in ("基本支出", "项目支出"):
            scale[s[:4]] = s
    whole = re.search(r"一般公共预算拨款合计" + AMOUNT, " ".join(part1))
    if whole and amount(whole.group(1)) != t.gpb_total:
        out.append(Failure("五(一) wrong 一般公共预算 total", "第三部分 五（一）", wan(t.gpb_total), whole.group(1)))
    for label, fig in (("基本支出", t.gpb_basic), ("项目支出", t.gpb_project)):
        text = scale.get(label)
        place = f"第三部分 五（一） {label}"
        if text is None:
            if fig.current or fig.prior:
                out.append(Failure("五(一): sentence missing", place, f"{label}{wan(fig.current)}万元", ""))
            continue
        if not fig.current and not fig.prior:
            if re.search("增加|增长|减少|下降", text):
                out.append(Failure("五(一): 0 → 0 worded as a change", place, f"{label}未安排。", text))
            continue
        m = re.match(label + AMOUNT, text)
        if not m or amount(m.group(1)) != fig.current:
            out.append(Failure("五(一): wrong amount", place, wan(fig.current), text))
        # 五(一) puts the reason after "。主要原因是：", in the next sentence
        following = sentences(part1)
        i = next((k for k, s in enumerate(following) if s.split("其中：", 1)[-1].startswith(label)), None)
        after = following[i + 1] if i is not None and i + 1 < len(following) else ""
        tail = after if after.startswith("主要原因") else ""
        out += _change_failures("五(一)", place, fig, text + tail)
    return out


def check_gpb_items(doc: Document, t: Truth) -> list[Failure]:
    """五（三）: every 项 with 一般公共预算 money this year or last, its amount, change and reason."""
    out, printed = [], {}
    pattern = re.compile(r"\d+．(.+?)（类）(.+?)（款）(.+?)（项）：\d{4}年预算数为" + AMOUNT + r"万元，(.*)")
    for p in doc.section("五"):
        m = pattern.match(p)
        if m:
            printed.setdefault(m.group(1, 2, 3), []).append((amount(m.group(4)), m.group(5)))
    for key, fig in t.gpb_items.items():
        place = "第三部分 五（三） " + "".join(f"{n}（{w}）" for n, w in zip(key, "类款项"))
        got = printed.get(key)
        if not got:
            out.append(Failure("五(三) 项 missing", place, f"{wan(fig.current)}万元（上年{wan(fig.prior)}）", ""))
            continue
        if all(a != fig.current for a, _ in got):
            out.append(Failure("五(三) 项 amount wrong", place, wan(fig.current), ", ".join(wan(a) for a, _ in got)))
            continue
        text = next(rest for a, rest in got if a == fig.current)
        out += _change_failures("五(三) 项", place, fig, text)
    return out


def check_sangong(doc: Document, t: Truth) -> list[Failure]:
    """十: the 三公 total and each item: amount, change, reason; an item absent in both years "均未安排"."""
    out = []
    paragraphs = doc.section("十")
    text = " ".join(paragraphs)
    m = re.search(r"“三公”经费数为" + AMOUNT, text)
    if not m or amount(m.group(1)) != t.sangong.current:
        out.append(Failure("十 三公 total wrong", "第三部分 十", wan(t.sangong.current), m.group(1) if m else text))
    change = next((p for p in paragraphs if "经费比上年预算" in p or "经费与上年预算" in p), "")
    head, _, items = change.partition("其中：")
    out += _change_failures("十 三公 total", "第三部分 十 第2段", Figure(t.sangong.current, t.sangong.prior), head)
    clauses = {c.rstrip("。"): c for c in items.split("；")}
    for label, fig in t.sangong_items.items():
        clause = next((c for c in clauses if c.startswith(label)), None)
        place = f"第三部分 十 {label}"
        if clause is None:
            out.append(Failure("十 三公 item missing", place, label, items))
        elif fig.nil:
            if "均未安排" not in clause:
                out.append(Failure("十 三公 item absent in both years not worded 均未安排", place, "…均未安排…", clause))
        else:
            out += _change_failures("十 三公 item", place, fig, clause)
    return out


def check_zero_increase(doc: Document, t: Truth) -> list[Failure]:
    """Nowhere "增加0.00万元" except a 三公 item absent in both years ("…均未安排…")."""
    out = []
    for p in doc.paragraphs:
        for m in re.finditer(r"增加0\.00万元", p):
            clause = re.split(r"[；。]", p[m.start():])[0]
            if "均未安排" not in clause:
                head = p[max(0, m.start() - 30):m.start()]
                out.append(Failure("0 → 0 worded as an increase", f"“…{head}”", "与上年预算持平 / 未安排",
                                   head + clause))
    return out


def check_projects(doc: Document, t: Truth) -> list[Failure]:
    """七: each 一般公共预算 project once, 预算安排规模 = its total over all its rows; 绩效表 likewise."""
    out = []
    listed: dict[str, list[int]] = {}
    name = None
    for p in doc.section("七"):
        m = re.match(r"\d+、项目名称：(.*)", p)
        if m:
            name = m.group(1)
            listed.setdefault(name, [])
        m = re.match(r"预算安排规模：" + AMOUNT + "万元(?:，其中一般公共预算拨款" + AMOUNT + "万元)?", p)
        if m and name is not None:
            listed[name].append((amount(m.group(1)), amount(m.group(2)) if m.group(2) else None))
    for pt in t.projects.values():
        if not pt.gpb:
            continue
        got = listed.get(pt.name)
        if got is None:
            out.append(Failure("七 project missing", f"第三部分 七 “{pt.name}”", wan(pt.total), ""))
        elif len(got) != 1:
            out.append(Failure("七 project listed more than once", f"第三部分 七 “{pt.name}”", "1 entry",
                               f"{len(got)} entries: " + ", ".join(wan(g[0]) for g in got)))
        else:
            total, gpb = got[0]
            if total != pt.total:
                out.append(Failure("七 预算安排规模 is not the project's total", f"第三部分 七 “{pt.name}”",
                                   wan(pt.total), wan(total)))
            if pt.gpb != pt.total and gpb != pt.gpb:
                out.append(Failure("七 其中一般公共预算拨款 wrong or missing", f"第三部分 七 “{pt.name}”",
                                   f"其中一般公共预算拨款{wan(pt.gpb)}万元", wan(gpb) if gpb is not None else "(none)"))
            elif pt.gpb == pt.total and gpb is not None:
                out.append(Failure("七 其中 printed for a project of 一般公共预算 only", f"第三部分 七 “{pt.name}”",
                                   "(no 其中)", wan(gpb)))
    tables = {}
    for tb in doc.perf_tables():
        rows = {r[0]: r for r in tb}
        pname = rows["项目名称"][2]
        money = rows["项目资金（万元）"]
        tables.setdefault(pname, []).append(
            {"total": amount(money[money.index("年度预算总额") + 1]),
             "fiscal": amount(money[money.index("其中：财政拨款") + 1]),
             "other": amount(money[money.index("其他资金") + 1])})
    for pt in t.projects.values():
        if not pt.perf:
            continue
        got = tables.get(pt.name)
        place = f"项目支出绩效目标表 “{pt.name}”"
        if not got:
            out.append(Failure("绩效表 missing", place, "a table", ""))
            continue
        want = {"total": pt.total, "fiscal": pt.fiscal, "other": pt.total - pt.fiscal}
        slack = {"total": 0, "fiscal": 0, "other": 1 if t.in_yuan else 0}  # 元: 其他资金 may be rounded on its own
        for key, label in (("total", "年度预算总额"), ("fiscal", "财政拨款"), ("other", "其他资金")):
            if abs(got[0][key] - want[key]) > slack[key]:
                kind = "绩效表 年度预算总额 is not the project's total" if key == "total" else \
                    "绩效表 财政拨款/其他资金 split wrong (结转 is 财政拨款)"
                out.append(Failure(kind, f"{place} {label}", wan(want[key]), wan(got[0][key])))
    return out


def check_performance(doc: Document, t: Truth) -> list[Failure]:
    """十二(四): project counts and amounts by 财政拨款 / 非财政拨款; 单位整体绩效目标表 rows add to the total."""
    out = []
    text = " ".join(doc.section("十二"))
    place = "第三部分 十二（四）"
    for label, want_n, want_a in t.project_groups():
        m = re.search(r"(?<!非)" * (label == "财政拨款") + label + r"项目(\d+)个，涉及预算金额" + AMOUNT, text)
        if not m:
            if want_n:
                out.append(Failure(f"十二(四) {label} projects missing", place, f"{want_n}个，{wan(want_a)}万元", ""))
            continue
        if int(m.group(1)) != want_n or amount(m.group(2)) != want_a:
            out.append(Failure(f"十二(四) {label} project count/amount wrong", place,
                               f"{label}项目{want_n}个，涉及预算金额{wan(want_a)}万元", m.group(0)))
    m = re.search(r"整体预算绩效目标\d+个，涉及金额" + AMOUNT, text)
    if m and amount(m.group(1)) != t.grand:
        out.append(Failure("十二(四) 整体 amount wrong", place, wan(t.grand), m.group(1)))
    table = doc.overall_table()
    if table is not None:
        fund_rows = [r for r in table if r[0].startswith("年度预算") and re.fullmatch(AMOUNT, r[-1] or "x")]
        total = sum(amount(r[-1]) for r in fund_rows)
        if abs(total - t.grand) > (len(fund_rows) if t.in_yuan else 0):  # 元: each row rounded on its own
            out.append(Failure("单位整体绩效目标表 rows do not add to the total", "单位整体绩效目标表 资金来源",
                               wan(t.grand), " + ".join(r[-1] for r in fund_rows) + f" = {wan(total)}"))
    return out


def check_fiscal_uses(doc: Document, t: Truth) -> list[Failure]:
    """四: per fund family, each 类 and amount; "主要用于" only with a use text written for that family."""
    out = []
    paragraphs = doc.section("四")
    for family, classes in t.family_classes.items():
        para = next((p for p in paragraphs if p.startswith(f"{family}支出包括：")), None)
        place = f"第三部分 四 {family}支出"
        if not classes:
            if para:
                out.append(Failure("四 family without money listed", place, "(no sentence)", para))
            continue
        if para is None:
            out.append(Failure("四 family sentence missing", place, f"{family}支出包括：…", ""))
            continue
        body = para.split("：", 1)[1]
        printed = {}
        for piece in filter(None, body.split("。")):
            m = re.match(r"(.+?)" + AMOUNT + r"万元(?:，主要用于(.*))?$", piece)
            if m:
                printed[m.group(1)] = (amount(m.group(2)), m.group(3))
        for name, cents_ in classes.items():
            got = printed.get(name)
            if got is None:
                out.append(Failure("四 类 missing", f"{place} {name}", wan(cents_), para))
                continue
            if got[0] != cents_:
                out.append(Failure("四 类 amount wrong", f"{place} {name}", wan(cents_), wan(got[0])))
            written = t.uses_for.get((family, name))
            kinds = {f for f, cl in t.family_classes.items() if name in cl}
            if written is None and (family == "一般公共预算" or kinds == {family}):
                written = t.uses_for.get(("", name))  # a use left blank: 一般公共预算's, or the class's only kind
            if got[1] is not None and (written is None or got[1].rstrip("。") != written.rstrip("。")):
                out.append(Failure("四 主要用于 with a use text not written for this fund", f"{place} {name}",
                                   f"主要用于{written}" if written else "(no 主要用于)", f"主要用于{got[1]}"))
            elif got[1] is None and written:
                out.append(Failure("四 use text written but not printed", f"{place} {name}", f"主要用于{written}",
                                   "(none)"))
    return out


def _amount_cells(row: list[str]) -> list[int]:
    """The amount columns of a 合计 row: cells after its repeated label, merged duplicates kept once."""
    label = row[0]
    cells = [c for c in row if c != label]
    return [amount(c) if re.fullmatch(AMOUNT + "?", c) else 0 for c in cells]


def check_tables(doc: Document, t: Truth) -> list[Failure]:
    """Every table's 合计 equals the truth; empty tables carry a 备注."""
    out = []
    for name, want in t.table_totals.items():
        table = doc.tables.get(name)
        if table is None:
            out.append(Failure("table missing", name, "a table", ""))
            continue
        if name in ("表1", "表4"):
            row = next((r for r in table if r[0].replace(" ", "") == "收入总计"), None)
            got = [amount(row[1]), amount(row[3])] if row else None
        else:
            row = next((r for r in table if r[0].replace(" ", "") == "合计"), None)
            got = None if row is None else _amount_cells(row)[: len(want)]
        want = [0 if w is None else w for w in want]  # unknown (表8/表9 unsplit): printed blank
        if got != want:
            out.append(Failure(f"{name} 合计 wrong", f"{name} 合计行", " | ".join(map(wan, want)),
                               " | ".join(map(wan, got)) if got else "(no 合计 row)"))
    for name in sorted(t.empty):
        if not doc.notes.get(name):
            out.append(Failure("empty table without 备注", name, "备注：…为空表", "(no note)"))
    return out


def check_fund_split(doc: Document, t: Truth) -> list[Failure]:
    """第三部分 八/九: a 基本支出 of 政府性基金 / 国有资本经营预算 is followed by its 人员经费 and 公用经费 (表8/表9
    columns [合计, 基本支出, 人员经费, 公用经费, 项目支出]); none is said where there is no 基本支出."""
    out = []
    for number, name in (("八", "表8"), ("九", "表9")):
        _, basic, personnel, public, _ = t.table_totals[name]
        text = " ".join(doc.section(number))
        want = f"基本支出中，人员经费{wan(personnel)}万元，公用经费{wan(public)}万元。" if basic and personnel is not None else ""
        said = re.search(r"基本支出中[^。]*。", text)
        if (said.group(0) if said else "") != want:
            out.append(Failure(f"{number} 人员经费/公用经费 sentence", f"第三部分 {number}", want or "(none)",
                               said.group(0) if said else "(none)"))
    return out


CHECKS = (check_sources, check_spending, check_gpb_items, check_sangong, check_zero_increase, check_projects, check_performance, check_fiscal_uses,
          check_tables, check_fund_split)


def build_and_check(content: dict, renderer, folder: Path) -> tuple[bytes | None, list[Failure]]:
    """Write ``content`` as a workbook in ``folder``, build it with ``gen.build.build_unit`` and check the
    document.  A unit gen check rejects is a generator bug (one Failure, no document).  When the build's
    own read-back check refuses the document, the same pipeline renders it here so that every
    difference from the truth is still named, the refusal as one more Failure."""
    from gen.build import build_unit
    from gen.checks import check_budget
    from gen.compute import compute
    from gen.reader import read_budget
    from gen.workbook_write import write_workbook

    source = write_workbook(folder / "unit.xlsx", content)
    result = build_unit(source, folder, renderer)
    if result.status == "errors":
        errors = "; ".join(f"{f.rule}: {f.message}" for f in result.findings.errors)
        return None, [Failure("generated unit rejected by gen check", str(source), "0 errors", errors)]
    if result.status == "ok":
        data = result.output.read_bytes()
        return data, check_document(data, truth(content), verify=False)
    budget, findings = read_budget(source)
    findings.extend(check_budget(budget, read_findings=findings))
    data = renderer.render(compute(budget))
    refused = Failure(f"build refused ({result.status})", str(source), "a document", result.message[:300])
    return data, [refused] + check_document(data, truth(content))


def check_document(data: bytes, t: Truth, verify: bool = True) -> list[Failure]:
    """Every failure of the document ``data`` against ``t``; with ``verify``, gen verify's problems too
    (a build that succeeded has run it already)."""
    doc = Document(data)
    out = [f for check in CHECKS for f in check(doc, t)]
    if not verify:
        return out
    try:
        from gen.verify import verify_docx
    except ImportError:
        return out
    from gen.build import YUAN_RESIDUAL

    for problem in verify_docx(data, residual=YUAN_RESIDUAL if t.in_yuan else Decimal(0)):
        out.append(Failure("gen verify reports a problem", "；".join(problem.places), "0 problems", problem.message))
    return out


def figures(t: Truth) -> int:
    """How many figures ``check_document`` compares for ``t`` (for the long run's report)."""
    sources = sum(3 for _, _, fig in t.sources if fig.current or fig.prior)
    spending = 3 * 2 + 2 * 2 + 1 + 3 * len(t.gpb_items) + 3 * 5
    projects = sum(1 + (p.gpb != p.total) for p in t.projects.values() if p.gpb)
    projects += sum(3 for p in t.projects.values() if p.perf)
    performance = 4 + 2
    uses = sum(2 * len(c) for c in t.family_classes.values())
    tables = sum(len(v) for v in t.table_totals.values()) + len(t.empty)
    tables += sum(2 for name in ("表8", "表9") if t.table_totals[name][1])  # 八/九's 人员经费, 公用经费
    return sources + spending + projects + performance + uses + tables

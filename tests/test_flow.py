"""Issue 11: tables that flow, checked in the PDF (word boxes from ``pdftotext -bbox``), not in the .docx.

Three units: no projects, ten projects, and 80 projects with totals above 1,000,000 万元 (a 188-page PDF
with 表2/表3/表7 over several pages).  One converter run makes all three PDFs; every check reads them.
"""
from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from synthetic import write_catalog
from gen.catalog import bundled
from gen.compute import compute
from gen.pdf import PdfConverter
from gen.reader import read_budget
from gen.render import Renderer
from gen.workbook_write import write_workbook

from layout_units import layout_unit
from test_pdf import _norm, _require_tools

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
X = "{http://www.w3.org/1999/xhtml}"
AMOUNT = re.compile(r"\d{1,3}(,\d{3})*\.\d{2}")
TABLE_TYPE = 12.5  # pt: word boxes of the 9 pt (and smaller) table type are lower than this
CAPTION_STYLES = {"表号", "表名", "表头信息", "绩效表名", "绩效表年度", "Heading1", "Heading2", "Heading3"}
UNITS = {"zero": (201, None, 1), "ten": (209, None, 1), "big": (129, 80, 2)}


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    _require_tools()
    tmp = tmp_path_factory.mktemp("flow")
    catalog = bundled().with_file(write_catalog(tmp / "catalog.csv"))
    renderer, out = Renderer(), {}
    for name, (seed, projects, factor) in UNITS.items():
        book = write_workbook(tmp / f"{name}.xlsx", layout_unit(seed, projects, factor))
        budget, findings = read_budget(book)
        assert not findings.errors
        disclosure = compute(budget, catalog)
        (tmp / f"{name}.docx").write_bytes(renderer.render(disclosure))
        out[name] = {"disclosure": disclosure, "docx": (tmp / f"{name}.docx").read_bytes()}
    with PdfConverter() as converter:
        for name, result in zip(UNITS, converter.convert_many([(tmp / f"{n}.docx", tmp / f"{n}.pdf") for n in UNITS])):
            assert result.ok, result.error
            out[name]["pages"] = _pages(result.output)
    return out


def _pages(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, its words as (text, xMin, yMin, xMax, yMax), top to bottom, left to right; the page
    number in the footer left out."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True).stdout
    pages = []
    for page in etree.fromstring(xml, etree.XMLParser(recover=True)).iter(f"{X}page"):
        words = [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
                 for w in page.iter(f"{X}word")]
        bottom = float(page.get("height")) - 72
        words = [w for w in words if not (w[2] > bottom and re.fullmatch(r"[—\-\d\s]+", w[0]))]
        pages.append(sorted(words, key=lambda w: (round(w[2], 1), w[1])))
    return pages


def _tables(docx: bytes):
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")).find(f"{W}body")
    return list(body.iter(f"{W}tbl")), body


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _headers(docx: bytes) -> list[Counter]:
    """The characters of each table's repeating header rows, as rendered for this unit."""
    tables, _ = _tables(docx)
    return [Counter(_norm("".join(_text(tr) for tr in tbl.findall(f"{W}tr")
                                  if tr.find(f"{W}trPr/{W}tblHeader") is not None))) for tbl in tables]


def _continuations(unit):
    """(page number, words after the repeated header) for every page that starts inside a table;
    fails when a page's top words are not exactly one table's whole header."""
    headers = _headers(unit["docx"])
    largest = max(sum(h.values()) for h in headers)
    for number, words in enumerate(unit["pages"], 1):
        if not words or words[0][4] - words[0][2] >= TABLE_TYPE:
            continue  # the page starts with a caption or text, not inside a table
        seen, count = Counter(), 0
        for i, word in enumerate(words):
            seen.update(_norm(word[0]))
            count += len(_norm(word[0]))
            if count > largest:
                break
            if seen in headers:
                # a header line drawn into the first row (issue 11: the row was 4.1 pt short) overlaps it
                bottom, rest = max(w[4] for w in words[:i + 1]), words[i + 1:]
                assert not rest or bottom <= rest[0][2], f"page {number}: the repeated header runs into the first row"
                yield number, rest
                break
        else:
            pytest.fail(f"page {number}: the header it repeats is incomplete: {''.join(w[0] for w in words[:40])}")
        if count > largest:
            pytest.fail(f"page {number}: the header it repeats is incomplete: {''.join(w[0] for w in words[:40])}")


@pytest.mark.parametrize("name", UNITS)
def test_every_continuation_page_repeats_the_whole_header(units, name):
    pages = list(_continuations(units[name]))
    if name == "big":
        assert len(pages) >= 20  # 表2, 表3, 表5, 表7 and others run over pages


@pytest.mark.parametrize("name", UNITS)
def test_no_page_starts_a_table_with_its_total_row(units, name):
    for number, rest in _continuations(units[name]):
        first = _norm(rest[0][0]) if rest else ""
        assert not re.fullmatch(r"合计?|总计?|收(入(总计?)?)?", first), f"page {number} starts with the total row"


@pytest.mark.parametrize("name", UNITS)
def test_no_amount_is_split_across_lines(units, name):
    """A wrapped amount leaves a fragment no amount has ("327,512.8" above "7", "6,709,65" above "6.46")."""
    words = [w[0] for page in units[name]["pages"] for w in page if w[4] - w[2] < TABLE_TYPE]  # table type
    fragments = [w for w in words if re.fullmatch(r"[\d,.]*\d[\d,.]*", w) and re.search(r"[,.]", w)
                 and not AMOUNT.fullmatch(w) and not re.fullmatch(r"\d+\.\d+|\d{1,2}\.", w)]  # 1.5 辆, list "1."
    assert not fragments, fragments[:10]
    printed = sum(1 for w in words if AMOUNT.fullmatch(w))
    assert printed > 30
    if name == "big":
        assert max(len(w) for w in words if AMOUNT.fullmatch(w)) >= len("1,000,000.00")


@pytest.mark.parametrize("name", list(UNITS))
def test_every_figure_of_every_table_is_in_the_pdf(units, name):
    tables, _ = _tables(units[name]["docx"])
    printed = Counter(_norm(_text(tc)) for tbl in tables for tc in tbl.iter(f"{W}tc"))
    amounts = Counter({t: n for t, n in printed.items() if AMOUNT.fullmatch(t)})
    words = Counter(w[0] for page in units[name]["pages"] for w in page)
    missing = {a: n - words[a] for a, n in amounts.items() if words[a] < n}
    assert not missing, missing


@pytest.mark.parametrize("name", UNITS)
def test_no_title_is_left_alone_at_the_foot_of_a_page(units, name):
    _, body = _tables(units[name]["docx"])
    captions = set()
    for p in body.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in CAPTION_STYLES and _norm(_text(p)):
            captions.add(_norm(_text(p)))
    assert any(c.startswith("表") for c in captions)
    for number, words in enumerate(units[name]["pages"], 1):
        if words:
            last_y = words[-1][2]
            last = _norm("".join(w[0] for w in words if abs(w[2] - last_y) < 1))
            assert last not in captions and not last.startswith("编制单位"), (number, last)


def test_an_empty_project_table_gets_its_note_and_part_three_says_so(units):
    """Issue 10 item 8: 表7 of a unit without general-budget projects has its 备注, and 第三部分 七 the same
    sentence instead of an empty list; a unit with projects has neither."""
    def texts(name):
        _, body = _tables(units[name]["docx"])
        return [_text(p) for p in body.iter(f"{W}p") if next(p.iterancestors(f"{W}tbl"), None) is None]

    unit = units["zero"]["disclosure"].unit.name
    sentence = f"{unit}2024年没有使用一般公共预算拨款安排的项目支出，一般公共预算项目支出情况表为空表。"
    zero = texts("zero")
    assert units["zero"]["disclosure"].tables["t7"].empty
    assert zero.count("备注：" + sentence) == 1 and zero.count(sentence) == 1
    assert not any("一般公共预算项目支出情况表为空表" in t for t in texts("ten"))

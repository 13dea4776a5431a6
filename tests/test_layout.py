"""Issue 5: the layout of the rendered example .docx (fast, no LibreOffice).

GB/T 9704-style page and type, East Asian fonts declared where Word and WPS look for them, tables with
fixed widths that fill their section, repeating header rows, unsplittable rows, a TOC field.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from gen.compute import compute
from gen.reader import read_budget
from gen.render import Renderer

ROOT = Path(__file__).parent.parent
EXAMPLE = next((ROOT / "inputs").glob("*.xlsx"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AMOUNT = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")


def w(name: str) -> str:
    return W + name


@pytest.fixture(scope="module")
def data() -> bytes:
    budget, findings = read_budget(EXAMPLE)
    assert not findings.errors
    return Renderer().render(compute(budget))


@pytest.fixture(scope="module")
def parts(data) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def body(parts):
    return etree.fromstring(parts["word/document.xml"]).find(w("body"))


@pytest.fixture(scope="module")
def styles(parts) -> dict[str, etree._Element]:
    root = etree.fromstring(parts["word/styles.xml"])
    return {s.find(w("name")).get(w("val")): s for s in root.iter(w("style"))} | {
        "<docDefaults>": root.find(w("docDefaults"))}


def _sections(body):
    """[(sectPr, [tables in that section])] in document order."""
    out, pending = [], []
    for child in body:
        if child.tag == w("tbl"):
            pending.append(child)
        sect = child if child.tag == w("sectPr") else child.find(f"{w('pPr')}/{w('sectPr')}")
        if sect is not None:
            out.append((sect, pending))
            pending = []
    return out


def _text_width(sect) -> int:
    size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
    return int(size.get(w("w"))) - int(margins.get(w("left"))) - int(margins.get(w("right")))


def _rows(tbl):
    return tbl.findall(w("tr"))


def _cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(w("t")))


# ---------------------------------------------------------------------------------------------


def test_round_trips_through_python_docx(data):
    document = docx.Document(io.BytesIO(data))
    out = io.BytesIO()
    document.save(out)
    again = docx.Document(io.BytesIO(out.getvalue()))
    assert len(again.tables) == len(document.tables) == 15
    assert len(again.sections) == len(document.sections) >= 5


def test_every_xml_part_is_well_formed_and_nothing_japanese_is_left(parts):
    for name, body in parts.items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(body)  # raises on malformed XML
            text = body.decode("utf-8")
            assert "ja-JP" not in text and "Jpan" not in text and "ＭＳ" not in text, name
    assert not any(n.startswith("customXml/") or n.endswith("stylesWithEffects.xml") for n in parts)
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find(w("themeFontLang")).get(w("eastAsia")) == "zh-CN"


def test_styles_declare_east_asian_fonts(styles):
    defaults = styles["<docDefaults>"]
    assert defaults.find(f".//{w('rFonts')}").get(w("eastAsia")) == "仿宋_GB2312"
    assert defaults.find(f".//{w('lang')}").get(w("eastAsia")) == "zh-CN"
    expected = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "heading 1": "黑体", "heading 2": "黑体",
                "heading 3": "楷体_GB2312", "toc 1": "仿宋_GB2312", "toc 2": "仿宋_GB2312", "表名": "方正小标宋简体",
                "表格文字": "宋体", "表头信息": "宋体", "页码": "宋体", "预算表格": "宋体"}
    for name, font in expected.items():
        rfonts = styles[name].find(f"{w('rPr')}/{w('rFonts')}")
        assert rfonts is not None and rfonts.get(w("eastAsia")) == font, name
        assert rfonts.get(w("ascii")), name
    assert styles["预算表格"].get(w("type")) == "table"
    for name in ("heading 1", "heading 2"):
        assert styles[name].find(f"{w('pPr')}/{w('outlineLvl')}").get(w("val")) == str(int(name[-1]) - 1)
    for name in ("表号", "表名", "表头信息", "heading 1", "heading 2", "heading 3"):
        assert styles[name].find(f"{w('pPr')}/{w('keepNext')}") is not None, name


def test_font_table_tells_word_and_wps_what_to_substitute(parts):
    fonts = {f.get(w("name")): f for f in etree.fromstring(parts["word/fontTable.xml"]).iter(w("font"))}
    for name, alt in (("仿宋_GB2312", "仿宋"), ("宋体", "SimSun"), ("黑体", "SimHei"), ("楷体_GB2312", "楷体")):
        assert fonts[name].find(w("altName")).get(w("val")) == alt
        assert fonts[name].find(w("charset")).get(w("val")) == "86"
        assert fonts[name].find(w("panose1")) is not None
    theme = parts["word/theme/theme1.xml"].decode("utf-8")
    assert '<a:ea typeface="宋体"/>' in theme and '<a:ea typeface="黑体"/>' in theme


def test_pages_are_a4_with_gbt9704_margins_and_some_are_landscape(body):
    sections = _sections(body)
    portrait = [s for s, _ in sections if s.find(w("pgSz")).get(w("orient")) != "landscape"]
    landscape = [s for s, _ in sections if s.find(w("pgSz")).get(w("orient")) == "landscape"]
    assert portrait and landscape
    for sect in portrait:
        size, margins = sect.find(w("pgSz")), sect.find(w("pgMar"))
        assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
        # 上 37 mm、下 35 mm、左 28 mm、右 26 mm, to the twip (1 mm = 56.7 twips)
        assert [round(int(margins.get(w(k))) / 56.7) for k in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]
    for sect in landscape:
        size = sect.find(w("pgSz"))
        assert (size.get(w("w")), size.get(w("h"))) == ("16838", "11906")
    # 表2, 表7 and the 绩效目标表 are in landscape sections
    landscape_tables = [t for s, ts in sections if s in landscape for t in ts]
    firsts = [_cell_text(_rows(t)[0].find(w("tc"))) for t in landscape_tables]
    assert "功能分类科目编码" in firsts and "科目编码" in firsts and "单位名称（盖章）" in firsts and "预算单位" in firsts


def test_tables_have_fixed_widths_that_fill_their_section(body):
    for sect, tables in _sections(body):
        width = _text_width(sect)
        for tbl in tables:
            grid = [int(g.get(w("w"))) for g in tbl.find(w("tblGrid"))]
            assert abs(sum(grid) - width) <= width * 0.02, (sum(grid), width)
            props = tbl.find(w("tblPr"))
            assert props.find(w("tblLayout")).get(w("type")) == "fixed"
            assert int(props.find(w("tblW")).get(w("w"))) == sum(grid)
            for tr in _rows(tbl):
                col = 0
                for tc in tr.findall(w("tc")):
                    span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
                    n = int(span.get(w("val"))) if span is not None else 1
                    assert int(tc.find(f"{w('tcPr')}/{w('tcW')}").get(w("w"))) == sum(grid[col:col + n])
                    col += n
                assert col == len(grid)


def test_header_rows_repeat_and_no_row_splits(body):
    for tbl in body.iter(w("tbl")):
        rows = _rows(tbl)
        flags = [r.find(f"{w('trPr')}/{w('tblHeader')}") is not None for r in rows]
        n = flags.index(False)
        # Word and LibreOffice repeat only leading rows; all of the header, nothing of the data
        assert n >= 1 and not any(flags[n:])
        last_header = "".join(_cell_text(tc) for tc in rows[n - 1].findall(w("tc")))
        assert last_header.startswith(("类", "项    目", "一级指标", "合计", "人员经费", "小计人员经费")) \
            or "一般公共预算" in last_header, \
            last_header
        for r in rows:
            assert r.find(f"{w('trPr')}/{w('cantSplit')}") is not None


def test_amounts_are_right_aligned_blank_when_zero_and_fit_their_column(body, styles):
    """Every amount cell is right-aligned and wide enough for its text on one line at 9 pt, and so is
    every 类/款/项 code (Times New Roman digits are half an em, "," and "." a quarter; 1 mm cell margins)."""
    def jc(style_name):
        style = styles[style_name]
        while style is not None:
            el = style.find(f"{w('pPr')}/{w('jc')}")
            if el is not None:
                return el.get(w("val"))
            based = style.find(w("basedOn"))
            style = next((s for s in styles.values() if s.get(w("styleId")) == based.get(w("val"))), None) \
                if based is not None else None
        return None

    ids = {s.get(w("styleId")): n for n, s in styles.items() if n != "<docDefaults>"}
    seen = 0
    for number, tbl in enumerate(body.iter(w("tbl")), start=1):
        for tc in tbl.iter(w("tc")):
            text = _cell_text(tc)
            if not (AMOUNT.match(text) or re.fullmatch(r"\d{2,3}", text)):
                continue
            seen += 1
            style = ids[tc.find(f"{w('p')}/{w('pPr')}/{w('pStyle')}").get(w("val"))]
            if AMOUNT.match(text):
                assert jc(style) == "right", (text, style)
                if number <= 11:  # 表1–表11 leave zeros blank; the 绩效目标表 write "0.00" like the reference
                    assert text not in ("0.00", "-0.00")
            need = sum(45 if ch in ",." else 90 for ch in text) + 2 * 57
            assert int(tc.find(f"{w('tcPr')}/{w('tcW')}").get(w("w"))) >= need, text
    assert seen > 200


def test_class_and_total_rows_are_bold(body, styles):
    ids = {s.get(w("styleId")): n for n, s in styles.items() if n != "<docDefaults>"}

    def bold(name):
        style = styles[name]
        while style is not None:
            b = style.find(f"{w('rPr')}/{w('b')}")
            if b is not None:
                return b.get(w("val")) not in ("0", "false")
            based = style.find(w("basedOn"))
            style = styles.get(ids.get(based.get(w("val")))) if based is not None else None
        return False

    seen = 0
    for tbl in body.iter(w("tbl")):
        for tr in _rows(tbl):
            cells = tr.findall(w("tc"))
            first = _cell_text(cells[0])
            lei = re.fullmatch(r"\d{3}", first) and len(cells) > 1 and not _cell_text(cells[1])
            if lei or "合  计" in first or "总 计" in first:
                seen += 1
                for tc in cells:
                    if _cell_text(tc):
                        style = ids[tc.find(f"{w('p')}/{w('pPr')}/{w('pStyle')}").get(w("val"))]
                        assert bold(style), (first, _cell_text(tc), style)
    assert seen >= 10


def test_toc_field_lists_every_entry_without_page_numbers_and_asks_nothing_on_open(body, parts):
    """Issue 11: no ``w:updateFields`` (Word and WPS would ask on opening); without a PDF the entries carry
    no page number and no dot leader to a blank (gen.pdf.write_toc_pages adds them after LibreOffice)."""
    instr = [t.text for t in body.iter(w("instrText"))]
    toc = [i for i in instr if i.strip().startswith("TOC ")]
    assert len(toc) == 1 and '\\o "1-2"' in toc[0] and "\\f" in toc[0]
    assert sum(1 for i in instr if i.strip().startswith("TC ")) == 11
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find(w("updateFields")) is None and b"updateFields" not in parts["word/settings.xml"]
    assert not [i for i in instr if "PAGEREF" in i]
    bookmarks = {b.get(w("name")) for b in body.iter(w("bookmarkStart"))}
    links = [h for h in body.iter(w("hyperlink")) if h.get(w("anchor"), "").startswith("_Toc")]
    texts = ["".join(t.text or "" for t in h.iter(w("t"))) for h in links]
    assert all(h.get(w("anchor")) in bookmarks for h in links)
    assert texts[:5] == ["第一部分 2024年单位概况", "一、主要职能", "二、机构设置及人员情况",
                         "第二部分 2024年单位预算公开表", "一、单位收支总体情况表"]
    assert "十一、上年结转结余情况明细表" in texts and texts[-1] == "第四部分 名词解释"
    headings = [p for p in body.iter(w("p")) if (p.find(f"{w('pPr')}/{w('pStyle')}") is not None and
                p.find(f"{w('pPr')}/{w('pStyle')}").get(w("val")) in ("Heading1", "Heading2"))]
    assert len(links) == len(headings) + 11
    for h in links:  # the entry's text only: no tab, no field
        assert h.find(f".//{w('tab')}") is None and h.find(f".//{w('fldChar')}") is None


def test_footer_has_page_numbers(parts):
    footers = [n for n in parts if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert len(footers) == 2  # odd (right) and even (left) pages, GB/T 9704 7.5
    for name in footers:
        text = parts[name].decode("utf-8")
        assert " PAGE " in text and "— " in text
    assert etree.fromstring(parts["word/settings.xml"]).find(w("evenAndOddHeaders")) is not None


def test_full_width_punctuation_and_dates_without_leading_zeros(data):
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for text in texts:
        assert not re.search(r"[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]", text), text
    assert "2024年1月26日" in texts
    assert not any(re.search(r"年0\d月|月0\d日", t) for t in texts)


def test_repeated_indicators_are_vertically_merged():
    """Issue 11: rows arriving with 一级/二级指标 repeated (not blanked) print as merged cells; a 二级指标
    merges only within its 一级指标."""
    budget, _ = read_budget(EXAMPLE)
    disclosure = compute(budget)
    rows = [{"l1": l1, "l2": l2, "l3": f"指标{i}", "value": "=1个", "basis": "", "prior_value": "", "weight": "10",
             "rule": "", "evidence": ""}
            for i, (l1, l2) in enumerate([("产出指标", "数量指标"), ("产出指标", "数量指标"), ("产出指标", "质量指标"),
                                          ("效益指标", "质量指标"), ("效益指标", "质量指标"), ("满意度指标", "满意度指标")])]
    disclosure.n["project_perf"][0]["rows"] = rows
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(Renderer().render(disclosure))).read("word/document.xml"))
    table = next(t for t in body.iter(w("tbl")) if "指标0" in "".join(x.text or "" for x in t.iter(w("t"))))
    body_rows = [tr for tr in _rows(table) if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None]

    def column(i):
        out = []
        for tr in body_rows:
            tc = tr.findall(w("tc"))[i]
            vm = tc.find(f"{w('tcPr')}/{w('vMerge')}")
            out.append((_cell_text(tc), None if vm is None else vm.get(w("val"), "continue")))
        return out

    assert column(0) == [("产出指标", "restart"), ("", "continue"), ("", "continue"), ("效益指标", "restart"),
                         ("", "continue"), ("满意度指标", None)]
    assert column(1) == [("数量指标", "restart"), ("", "continue"), ("质量指标", None), ("质量指标", "restart"),
                         ("", "continue"), ("满意度指标", None)]
    assert [_cell_text(tr.findall(w("tc"))[2]) for tr in body_rows] == [f"指标{i}" for i in range(6)]


def test_only_the_row_before_a_total_and_class_rows_are_kept_with_the_next(body):
    """Issue 11: a page never starts with a table's 合计 alone (LibreOffice and Word keep a row whose
    paragraphs are keep-with-next on the page of the next row), and never ends with a 类 or 款 row alone
    (review: 表7's "201 08 审计事务" ended a page); no other data row is glued."""
    seen = groups = 0
    for tbl in body.iter(w("tbl")):
        if "一级指标" in "".join(t.text or "" for t in tbl.iter(w("t"))):
            continue  # 绩效目标表: runs of merged 指标 are kept together (next test)
        rows = [r for r in _rows(tbl) if r.find(f"{w('trPr')}/{w('tblHeader')}") is None]
        texts = [[_cell_text(tc).strip() for tc in r.findall(w("tc"))] for r in rows]
        kept = [all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in r.iter(w("p"))) for r in rows]
        total = len(rows) > 1 and re.match(r"(合|总)\s*计|收\s*入\s*总\s*计", texts[-1][0])
        coded = "类款项" in "".join(_cell_text(tc) for tc in tbl.iter(w("tc")))
        for k, (t, keep) in enumerate(zip(texts, kept)):
            group = coded and len(t) > 3 and t[0].isdigit() and not t[2] and k + 1 < len(rows) - bool(total)
            groups += group
            assert keep == (group or (bool(total) and k == len(rows) - 2)), (t, keep)
        seen += bool(total)
    assert seen >= 7 and groups >= 10


def test_no_header_leaves_its_last_character_alone_on_a_line(body):
    """Issue 11: a header one character too wide for its cell ("功能分类科目编码" over 类/款/项) is broken before
    its last two characters, not left with "码" alone.  Widths here: 1 em per character at the header's
    9 pt, the cell's width less its 1 mm margins."""
    broken = 0
    for tbl in body.iter(w("tbl")):
        for tr in _rows(tbl):
            if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None:
                continue
            for tc in tr.findall(w("tc")):
                inner = int(tc.find(f"{w('tcPr')}/{w('tcW')}").get(w("w"))) - 2 * 57
                lines = "".join("\n" if el.tag == w("br") else el.text or "" for el in tc.iter(w("t"), w("br")))
                broken += "\n" in lines
                for line in lines.split("\n"):
                    cjk = [ch for ch in line if "\u4e00" <= ch <= "\u9fff"]
                    if len(cjk) == len(line) > 2:
                        assert not (len(line) - 1) * 180 <= inner < len(line) * 180 * 0.98, (line, inner)
    assert broken >= 2


def test_a_merged_indicator_never_crosses_a_page():
    """Issue 11 review: a merged cell shows its text only where it starts, so on the next page the 一级/二级
    cells were blank.  A 一级 run is at most 8 rows, its rows kept together (keep-with-next on all but its
    last), and a longer group is merged in runs that each name it."""
    budget, _ = read_budget(EXAMPLE)
    disclosure = compute(budget)
    rows = [{"l1": "产出指标", "l2": "数量指标" if i < 11 else "质量指标", "l3": f"指标{i}", "value": "=1个", "basis": "",
             "prior_value": "", "weight": "5", "rule": "", "evidence": ""} for i in range(14)]
    rows.append({"l1": "满意度指标", "l2": "满意度指标", "l3": "指标14", "value": "≥90%", "basis": "", "prior_value": "",
                 "weight": "10", "rule": "", "evidence": ""})
    disclosure.n["project_perf"][0]["rows"] = rows
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(Renderer().render(disclosure))).read("word/document.xml"))
    table = next(t for t in body.iter(w("tbl")) if "指标0" in "".join(x.text or "" for x in t.iter(w("t"))))
    body_rows = [tr for tr in _rows(table) if tr.find(f"{w('trPr')}/{w('tblHeader')}") is None
                 and re.fullmatch(r"指标\d+", _cell_text(tr.findall(w("tc"))[2]))]
    assert len(body_rows) == 15

    def column(i):
        out = []
        for tr in body_rows:
            vm = tr.findall(w("tc"))[i].find(f"{w('tcPr')}/{w('vMerge')}")
            out.append((_cell_text(tr.findall(w("tc"))[i]), None if vm is None else vm.get(w("val"), "continue")))
        return out

    first = column(0)
    assert [k for k, (text, _) in enumerate(first) if text] == [0, 8, 14]  # 产出指标 twice (8 + 6 rows), 满意度指标
    assert first[8] == ("产出指标", "restart") and first[14] == ("满意度指标", None)
    second = [text for text, _ in column(1)]
    assert [k for k, text in enumerate(second) if text] == [0, 8, 11, 14]  # 数量指标 again where 一级 restarts
    kept = [all(p.find(f"{w('pPr')}/{w('keepNext')}") is not None for p in tr.iter(w("p"))) for tr in body_rows]
    assert kept == [True] * 7 + [False] + [True] * 5 + [False, False]


def test_a_title_too_long_for_one_line_puts_the_year_part_on_its_own_line():
    """Review: "疏附县财政局第00129号2024年单位预算公开" left "开" alone on the title's second line (Word and
    LibreOffice add a quarter em between Chinese and digits: four here).  The example's title fits."""
    from gen.layout import fit_tables, text_width
    assert text_width("第00129号", 44) - text_width("第号", 44) == round(5 * 0.5 * 440 * 1.02 + 2 * 0.25 * 440 * 1.02)

    def title(name: str) -> list[str]:
        xml = (f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r>'
               f'<w:t>{name}2024年单位预算公开</w:t></w:r></w:p></w:body></w:document>').encode()
        run = etree.fromstring(fit_tables(xml)).find(f".//{w('r')}")
        return ["\n" if el.tag == w("br") else el.text for el in run]

    assert title("疏附县财政局第00129号") == ["疏附县财政局第00129号", "\n", "2024年单位预算公开"]
    assert title("阿克陶县社会保险中心") == ["阿克陶县社会保险中心2024年单位预算公开"]


@pytest.fixture(scope="module")
def big_body(tmp_path_factory):
    """The 80-project unit with totals above 6,000,000 万元 (tests/layout_units.py), rendered."""
    from gen.catalog import bundled
    from gen.workbook_write import write_workbook
    from layout_units import layout_unit
    from synthetic import write_catalog
    tmp = tmp_path_factory.mktemp("big")
    budget, findings = read_budget(write_workbook(tmp / "big.xlsx", layout_unit(129, 80, 2)))
    assert not findings.errors
    disclosure = compute(budget, bundled().with_file(write_catalog(tmp / "catalog.csv")))
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(Renderer().render(disclosure))).read("word/document.xml"))


def test_a_big_unit_s_amounts_fit_and_its_names_take_at_most_two_lines(big_body):
    """Issue 11 with figures above 1,000,000 万元: every amount fits its cell on one line at the table's type
    size (digits half an em, "," "." a quarter, 1 mm margins), every table fills its width, and no name
    needs more than two lines (its characters at 1 em, Latin and digits at half, fit twice the cell).  表7
    steps down to 8 pt to get there."""
    sizes, amounts = {}, 0
    for number, tbl in enumerate(big_body.iter(w("tbl")), start=1):
        size = int(next((el.get(w("val")) for el in tbl.iter(w("sz"))), 18))
        grid = [int(g.get(w("w"))) for g in tbl.find(w("tblGrid")).findall(w("gridCol"))]
        assert sum(grid) in (8845, 14344), (number, sum(grid))
        sizes[number] = size
        header = True
        for tr in _rows(tbl):
            header = header and tr.find(f"{w('trPr')}/{w('tblHeader')}") is not None
            for tc in tr.findall(w("tc")):
                text, width = _cell_text(tc), int(tc.find(f"{w('tcPr')}/{w('tcW')}").get(w("w")))
                if AMOUNT.match(text):
                    amounts += 1
                    assert width >= sum(0.25 if ch in ",." else 0.5 for ch in text) * size * 10 + 2 * 57, (number, text)
                elif not header and len(text) > 4 and not re.fullmatch(r"[\d\s]+", text):
                    ems = sum(0.5 if ch.isascii() else 1 for ch in text)
                    assert ems * size * 10 <= 2 * (width - 2 * 57), (number, text, width)
    assert amounts > 2000 and sizes[7] == 16 and sizes[1] == 18

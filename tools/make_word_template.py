"""Author templates/disclosure.docx, the Word template of the 单位预算公开.

The .docx is the artefact a finance office restyles in Word or WPS (styles, fonts, margins, table
borders, header rows); this script is how the shipped default was made, so a change to the
structure is reviewable as code.  Run: ``python tools/make_word_template.py``.

Template language (rendered by gen/docxengine.py, sandboxed, autoescaped):
``{{ … }}`` a value; ``{%p … %}`` a paragraph that is only a tag; ``{%tr … %}`` a table row that is
only a tag (row loops); wording macros come from templates/wording.j2 (``w.…``).
"""
from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "templates" / "disclosure.docx"

BODY_FONT, TITLE_FONT, HEAD_FONT, KAI_FONT, TABLE_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"
A4_W, A4_H = Cm(21.0), Cm(29.7)
MARGINS = dict(top=Cm(3.7), bottom=Cm(3.5), left=Cm(2.8), right=Cm(2.6))
PORTRAIT_WIDTH = 21.0 - 2.8 - 2.6  # cm usable
LANDSCAPE_WIDTH = 29.7 - 3.0 - 3.0


# ---------------------------------------------------------------------------------------------
# styles


def _fonts(rpr_parent, east_asia: str, latin: str = LATIN) -> None:
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _style(doc, name, base="Normal", east_asia=BODY_FONT, size=16, bold=False, align=None, indent=False,
           space_before=0, space_after=0, line=None, keep_next=False, outline=None):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    if name != "Normal":
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    _fonts(style.element, east_asia)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if line:
        fmt.line_spacing = Pt(line)
    if align is not None:
        fmt.alignment = align
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    fmt.keep_with_next = keep_next
    if outline is not None:
        ppr = style.element.get_or_add_pPr()
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
    return style


def setup_styles(doc) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    # docDefaults: every run without a style still gets Chinese fonts
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr_default.find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", BODY_FONT), ("w:cs", LATIN)):
        rfonts.set(qn(key), value)
    lang_el = rpr_default.find(qn("w:lang"))
    if lang_el is not None:
        lang_el.set(qn("w:eastAsia"), "zh-CN")

    _style(doc, "Normal", size=16, indent=True, line=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "Title", east_asia=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, line=36,
           space_before=24, space_after=24)
    _style(doc, "Heading 1", east_asia=HEAD_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=12,
           space_after=12, keep_next=True, line=28, outline=0)
    _style(doc, "Heading 2", east_asia=HEAD_FONT, size=16, indent=True, keep_next=True, line=28, outline=1)
    _style(doc, "Heading 3", east_asia=KAI_FONT, size=16, indent=True, keep_next=True, line=28, outline=2)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        st = doc.styles[name]
        st.font.color.rgb = None
        st.font.italic = False
        st.font.bold = False
    _style(doc, "目录项", size=16, indent=False, line=28)
    _style(doc, "表号", east_asia=HEAD_FONT, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, keep_next=True, line=20)
    _style(doc, "表名", east_asia=TITLE_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True,
           space_after=6, line=24)
    meta = _style(doc, "表头信息", east_asia=TABLE_FONT, size=10.5, keep_next=True, line=18)
    meta.paragraph_format.tab_stops.add_tab_stop(Cm(LANDSCAPE_WIDTH), alignment=2)
    _style(doc, "表格文字", east_asia=TABLE_FONT, size=9, line=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(doc, "表格数字", base="表格文字", east_asia=TABLE_FONT, size=9, line=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "表格标题", base="表格文字", east_asia=TABLE_FONT, size=9, line=12, bold=True,
           align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "表格数字粗", base="表格数字", east_asia=TABLE_FONT, size=9, line=12, bold=True,
           align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "备注", east_asia=BODY_FONT, size=12, line=20, space_before=6)
    _style(doc, "落款", size=16, align=WD_ALIGN_PARAGRAPH.RIGHT, line=28)
    _style(doc, "绩效表名", east_asia=HEAD_FONT, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True, line=22)


# ---------------------------------------------------------------------------------------------
# document helpers


class Writer:
    def __init__(self):
        self.doc = Document()
        setup_styles(self.doc)
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        self._footer(section)

    def _page(self, section, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (A4_H, A4_W) if landscape else (A4_W, A4_H)
        if landscape:
            section.top_margin = section.bottom_margin = Cm(2.6)
            section.left_margin = section.right_margin = Cm(3.0)
        else:
            for key, value in MARGINS.items():
                setattr(section, f"{key}_margin", value)
        section.footer_distance = Cm(2.0)

    def _footer(self, section) -> None:
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.style = self.doc.styles["表格文字"]
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("— ")
        run = p.add_run()
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text.strip() == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)
        p.add_run(" —")

    def section(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape)

    def p(self, text: str = "", style: str = "Normal", page_break: bool = False):
        para = self.doc.add_paragraph(style=style)
        if page_break:
            para.paragraph_format.page_break_before = True
        if text:
            para.add_run(text)
        return para

    def tag(self, tag: str):
        """A paragraph that is only a structural tag: ``{%p if … %}``."""
        return self.p("{%p " + tag + " %}")

    def page_break(self):
        self.p().add_run().add_break(WD_BREAK.PAGE)

    # -- tables ------------------------------------------------------------------------------

    def table(self, widths_cm: list[float], header: list[list], body: list[list[tuple]], total=None,
              landscape=False):
        """A table with merged header rows (repeating on every page), row-loop body and a 合计 row.

        ``header`` rows are lists of cells: a string, or ``(text, colspan, rowspan)``; None marks a
        cell covered by a span.  ``body`` rows are lists of ``(text, style)``.
        """
        ncols = len(widths_cm)
        rows = len(header) + len(body) + (1 if total else 0)
        table = self.doc.add_table(rows=rows, cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        scale = (LANDSCAPE_WIDTH if landscape else PORTRAIT_WIDTH) / sum(widths_cm)
        widths = [Cm(w * scale) for w in widths_cm]
        self._layout(table, widths)
        # header
        merges = []
        for r, row in enumerate(header):
            assert len(row) == ncols, (row, ncols)
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                text, cs, rs = (cell, 1, 1) if isinstance(cell, str) else cell
                self._text(table.cell(r, c), text, "表格标题")
                if cs > 1 or rs > 1:
                    merges.append((r, c, r + rs - 1, c + cs - 1))
        for r0, c0, r1, c1 in merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
        for r in range(len(header)):
            self._row_flag(table.rows[r], "w:tblHeader")
        for i, row in enumerate(body):
            for c, (text, style) in enumerate(row):
                self._text(table.cell(len(header) + i, c), text, style)
        if total:
            for c, (text, style) in enumerate(total):
                self._text(table.cell(rows - 1, c), text, style)
        for row in table.rows:
            self._row_flag(row, "w:cantSplit")
        return table

    @staticmethod
    def _layout(table, widths) -> None:
        tbl = table._tbl
        tblPr = tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblPr.append(layout)
        tblW = tblPr.find(qn("w:tblW"))
        if tblW is None:
            tblW = OxmlElement("w:tblW")
            tblPr.append(tblW)
        tblW.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
        tblW.set(qn("w:type"), "dxa")
        grid = tbl.tblGrid
        for gc, w in zip(grid.findall(qn("w:gridCol")), widths):
            gc.set(qn("w:w"), str(int(w.twips)))
        for row in table.rows:
            for idx, tc in enumerate(row._tr.findall(qn("w:tc"))):
                tcPr = tc.get_or_add_tcPr()
                tcW = tcPr.find(qn("w:tcW"))
                if tcW is None:
                    tcW = OxmlElement("w:tcW")
                    tcPr.insert(0, tcW)
                tcW.set(qn("w:w"), str(int(widths[idx].twips)))
                tcW.set(qn("w:type"), "dxa")
                va = OxmlElement("w:vAlign")
                va.set(qn("w:val"), "center")
                tcPr.append(va)

    @staticmethod
    def _row_flag(row, tag: str) -> None:
        trPr = row._tr.get_or_add_trPr()
        if trPr.find(qn(tag)) is None:
            el = OxmlElement(tag)
            trPr.append(el)

    def _text(self, cell, text: str, style: str) -> None:
        para = cell.paragraphs[0]
        para.style = self.doc.styles[style]
        for run in list(para.runs):
            run._r.getparent().remove(run._r)
        if text:
            para.add_run(text)

    def save(self, path: Path) -> None:
        core = self.doc.core_properties
        core.author = core.last_modified_by = "gen"
        core.title = "单位预算公开"
        core.comments = ""
        core.revision = 1
        self.doc.save(path)


# ---------------------------------------------------------------------------------------------
# content

TXT, NUM, HEAD = "表格文字", "表格数字", "表格标题"


def loop_rows(ncols: int, loop: str, cells: list[tuple], bold_if: str | None = None) -> list[list[tuple]]:
    """Marker rows for a row loop; with ``bold_if`` a bold twin row is used where it holds."""
    def marker(tag):
        return [("{%tr " + tag + " %}", TXT)] + [("", TXT)] * (ncols - 1)
    rows = [marker(f"for r in {loop}")]
    if bold_if:
        rows += [marker(f"if {bold_if}"), [(t, HEAD if s == TXT else s + "粗") for t, s in cells],
                 marker("else"), cells, marker("endif")]
    else:
        rows.append(cells)
    rows.append(marker("endfor"))
    return rows


def function_cells(values: list[str], with_project=False) -> list[tuple]:
    cells = [("{{ r.code[0] }}", TXT), ("{{ r.code[1] }}", TXT), ("{{ r.code[2] }}", TXT), ("{{ r.name }}", TXT)]
    if with_project:
        cells.append(("{{ r.extra }}", TXT))
    return cells + [(v, NUM) for v in values]


def amounts(expr: str, n: int) -> list[str]:
    return [f"{{{{ {expr}[{i}]|amt }}}}" for i in range(n)]


def caption(w: Writer, number: int, title: str, after_section_break=False) -> None:
    w.p(f"表{number}", "表号", page_break=not after_section_break)
    w.p(title, "表名")
    w.p("编制单位：{{ unit.name }}\t单位：万元", "表头信息")


def total_row(label: str, span_before: int, values: list[str], ncols: int) -> list[tuple]:
    row = [("", TXT)] * ncols
    row[span_before - 1] = (label, HEAD)
    for i, v in enumerate(values):
        row[span_before + i] = (v, NUM + "粗")
    return row


def function_table(w, title_money, extra_cols, values_expr, n, landscape=False):
    widths = [1.0, 1.0, 1.0, 6.0] + [2.6] * n
    header = [[("功能分类科目编码", 3, 1), None, None, ("功能分类科目名称", 1, 2), (title_money, n, 1)]
              + [None] * (n - 1),
              ["类", "款", "项", None] + extra_cols]
    body = loop_rows(4 + n, values_expr + ".rows", function_cells(amounts("r.v", n)), 'r.kind == "lei"')
    total = total_row("合  计", 4, amounts(values_expr + ".total", n), 4 + n)
    w.table(widths, header, body, total, landscape)


def empty_note(w, table_expr, money, title):
    w.tag(f"if {table_expr}.empty")
    w.p("备注：{{ w.empty_table(unit.name, year, \"" + money + "\", \"" + title + "\") }}", "备注")
    w.tag("endif")


def part1(w: Writer) -> None:
    w.p("第一部分 {{ year }}年单位概况", "Heading 1", page_break=True)
    w.p("一、主要职能", "Heading 2")
    w.tag("for text in unit.functions")
    w.p("（{{ loop.index|cn }}）{{ text }}")
    w.tag("endfor")
    w.p("二、机构设置及人员情况", "Heading 2")
    w.p("{{ unit.name }}{% if unit.subordinates %}下属预算单位包括：{{ unit.subordinates }}{% else %}无下属预算单位{% endif %}，"
        "下设{{ unit.departments|length }}个科室，分别是：{{ w.series(unit.departments) }}。")
    w.p("{{ unit.name }}编制数{{ unit.establishment }}，实有人数{{ unit.staff_total[0] }}人，其中："
        "{{ w.staff(\"在职\", n.staff.active) }}；{{ w.staff(\"退休\", n.staff.retired) }}；"
        "{{ w.staff(\"离休\", n.staff.veteran) }}。")


def part2(w: Writer) -> None:
    w.p("第二部分 {{ year }}年单位预算公开表", "Heading 1", page_break=True)
    w.p("（表1—表11见以下各页）", "表格文字").alignment = WD_ALIGN_PARAGRAPH.CENTER

    # 表1
    caption(w, 1, "单位收支总体情况表")
    w.table([6.0, 2.6, 6.0, 2.6],
            [[("收    入", 2, 1), None, ("支    出", 2, 1), None], ["项    目", "预算数", "功能分类", "预算数"]],
            loop_rows(4, "t.t1.rows", [("{{ r.label }}", TXT), ("{{ r.amount|amt }}", NUM), ("{{ r.cls }}", TXT),
                                       ("{{ r.cls_amount|amt }}", NUM)], 'r.kind == "head"'),
            [("收 入 总 计", HEAD), ("{{ t.t1.total|amt }}", NUM + "粗"), ("支 出 总 计", HEAD),
             ("{{ t.t1.spend_total|amt }}", NUM + "粗")])

    # 表2 (landscape)
    w.section(landscape=True)
    caption(w, 2, "单位收入总体情况表", after_section_break=True)
    labels = ["财政拨款（补助）小计", "一般公共预算", "上级一般公共预算安排的转移支付", "政府性基金预算",
              "上级政府性基金安排的转移支付", "国有资本经营预算"]
    header = [[("功能分类科目编码", 3, 1), None, None, ("功能分类科目名称", 1, 2), ("总计", 1, 2),
               ("财政拨款（补助）", 6, 1), None, None, None, None, None, ("财政专户（教育收费）", 1, 2),
               ("单位资金", 1, 2), ("财政拨款结转", 1, 2), ("非财政拨款结转结余", 1, 2)],
              ["类", "款", "项", None, None] + labels + [None, None, None, None]]
    w.table([0.9, 0.9, 0.9, 5.2] + [1.9] * 11, header,
            loop_rows(15, "t.t2.rows", function_cells(amounts("r.v", 11)), 'r.kind == "lei"'),
            total_row("合  计", 4, amounts("t.t2.total", 11), 15), landscape=True)

    # 表3 … 表6 (portrait)
    w.section(landscape=False)
    caption(w, 3, "单位支出总体情况表", after_section_break=True)
    function_table(w, "支出预算", ["合计", "基本支出", "项目支出"], "t.t3", 3)
    caption(w, 4, "财政拨款收支预算总体情况表")
    w.table([4.2, 2.2, 5.0, 2.0, 2.0, 2.0, 2.0],
            [[("财政拨款收入", 2, 1), None, ("财政拨款支出", 5, 1), None, None, None, None],
             ["项    目", "合  计", "功 能 分 类", "合  计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
            loop_rows(7, "t.t4.rows", [("{{ r.label }}", TXT), ("{{ r.amount|amt }}", NUM), ("{{ r.cls }}", TXT)]
                      + [(v, NUM) for v in amounts("r.v", 4)], 'r.kind == "head"'),
            [("收 入 总 计", HEAD), ("{{ t.t4.total|amt }}", NUM + "粗"), ("支 出 总 计", HEAD)]
            + [(v, NUM + "粗") for v in amounts("t.t4.spend", 4)])
    caption(w, 5, "一般公共预算支出情况表")
    function_table(w, "一般公共预算支出", ["合计", "基本支出", "项目支出"], "t.t5", 3)
    caption(w, 6, "一般公共预算基本支出情况表")
    w.table([1.2, 1.2, 6.5, 2.6, 2.6, 2.6],
            [[("经济分类科目编码", 2, 1), None, ("经济分类科目名称", 1, 2), ("一般公共预算基本支出", 3, 1), None, None],
             ["类", "款", None, "合计", "人员经费", "公用经费"]],
            loop_rows(6, "t.t6.rows", [("{{ r.code[0] }}", TXT), ("{{ r.code[1] }}", TXT), ("{{ r.name }}", TXT)]
                      + [(v, NUM) for v in amounts("r.v", 3)], 'r.kind == "lei"'),
            total_row("合  计", 3, amounts("t.t6.total", 3), 6))

    # 表7 (landscape)
    w.section(landscape=True)
    caption(w, 7, "一般公共预算项目支出情况表", after_section_break=True)
    classes = ["工资福利支出", "商品和服务支出", "对个人和家庭的补助", "债务利息及费用支出", "资本性支出（基本建设）",
               "资本性支出", "对企业补助（基本建设）", "对企业补助", "对社会保障基金补助", "其他支出"]
    header = [[("科目编码", 3, 1), None, None, ("科目名称", 1, 2), ("项目名称", 1, 2), ("项目支出合计", 1, 2)]
              + [(c, 1, 2) for c in classes],
              ["类", "款", "项", None, None, None] + [None] * 10]
    w.table([0.8, 0.8, 0.8, 3.4, 4.6, 1.7] + [1.45] * 10, header,
            loop_rows(16, "t.t7.rows", function_cells(amounts("r.v", 11), with_project=True),
                      'r.kind == "lei"'),
            total_row("合  计", 5, amounts("t.t7.total", 11), 16), landscape=True)

    # 表8 … 表11 (portrait)
    w.section(landscape=False)
    caption(w, 8, "政府性基金预算支出情况表", after_section_break=True)
    function_table(w, "政府性基金预算支出", ["合计", "基本支出", "项目支出"], "t.t8", 3)
    empty_note(w, "t.t8", "政府性基金预算拨款", "政府性基金预算支出情况表")
    caption(w, 9, "国有资本经营预算支出情况表")
    function_table(w, "国有资本经营预算支出", ["合计", "基本支出", "项目支出"], "t.t9", 3)
    empty_note(w, "t.t9", "国有资本经营预算拨款", "国有资本经营预算支出情况表")
    caption(w, 10, "财政拨款“三公”经费支出情况表")
    w.table([6.0, 2.6, 2.6, 2.6, 2.6],
            [[("“三公”经费支出内容", 1, 2), ("合计", 1, 2), ("资金来源", 3, 1), None, None],
             [None, None, "一般公共预算", "政府性基金", "国有资本经营预算"]],
            loop_rows(5, "t.t10.rows", [("{{ r.name }}", TXT)] + [(v, NUM) for v in amounts("r.v", 4)],
                      'r.kind == "total"'))
    caption(w, 11, "上年结转结余情况明细表")
    w.table([4.4] + [1.5] * 9,
            [[("项目名称", 1, 3), ("总计", 1, 3), ("财政拨款", 4, 1), None, None, None, ("非财政拨款", 4, 1), None, None,
              None],
             [None, None, ("合计", 1, 2), ("基本支出", 2, 1), None, ("项目支出", 1, 2), ("合计", 1, 2),
              ("基本支出", 2, 1), None, ("项目支出", 1, 2)],
             [None, None, None, "人员经费", "公用经费", None, None, "人员经费", "公用经费", None]],
            loop_rows(10, "t.t11.rows", [("{{ r.name }}", TXT)] + [(v, NUM) for v in amounts("r.v", 9)]),
            [("合  计", HEAD)] + [(v, NUM + "粗") for v in amounts("t.t11.total", 9)])
    empty_note(w, "t.t11", "上年结转结余预算", "上年结转结余情况明细表")


def part3(w: Writer) -> None:
    u = "{{ unit.name }}{{ year }}年"
    w.p("第三部分 {{ year }}年单位预算情况说明", "Heading 1", page_break=True)
    w.p(f"一、关于{u}收支预算情况的总体说明", "Heading 2")
    w.p(f"按照全口径预算的原则，{u}所有收入和支出均纳入单位预算管理。收支总预算{{{{ n.grand_total|wan }}}}万元。")
    w.p("收入预算包括：{{ w.series(n.income_kinds) }}。")
    w.p("支出预算包括：{{ w.series(n.spend_classes) }}。")

    w.p(f"二、关于{u}收入预算情况说明", "Heading 2")
    w.p("{{ unit.name }}收入预算{{ n.grand_total|wan }}万元，其中：{{ w.income_source(n.sources[0]) }}")
    w.tag("for s in n.sources[1:]")
    w.p("{{ w.income_source(s) }}")
    w.tag("endfor")

    w.p(f"三、关于{u}支出预算情况说明", "Heading 2")
    w.p(f"{u}支出预算{{{{ n.grand_total|wan }}}}万元，其中：")
    w.tag("for s in n.spending")
    w.p("{{ w.spending(s) }}")
    w.tag("endfor")

    w.p(f"四、关于{u}财政拨款收支预算情况的总体说明", "Heading 2")
    w.p("{{ year }}年财政拨款收支总预算{{ n.fiscal_total|wan }}万元。")
    w.tag("if n.fiscal_families|selectattr(\"amount\")|list|length == 1")
    w.p("{{ w.fiscal_only(n.fiscal_families) }}")
    w.tag("endif")
    w.p("{{ w.fiscal_income(n.fiscal_families) }}")
    w.tag("for fam in n.fiscal_families if fam.amount")
    w.p("{{ w.fiscal_spending(fam) }}")
    w.tag("endfor")

    w.p(f"五、关于{u}一般公共预算当年拨款情况说明", "Heading 2")
    w.p("（一）一般公共预算当年拨款规模变化情况", "Heading 3")
    w.p(f"{u}一般公共预算拨款合计{{{{ n.gpb_total|wan }}}}万元，其中：{{{{ w.scale(\"基本支出\", n.gpb_basic) }}}}")
    w.p("{{ w.scale(\"项目支出\", n.gpb_project) }}")
    w.p("（二）一般公共预算当年拨款结构情况", "Heading 3")
    w.tag("for s in n.gpb_classes")
    w.p("{{ loop.index }}、{{ s.label }}（类）{{ s.amount|wan }}万元，占{{ s.pct|pct }}%。")
    w.tag("endfor")
    w.p("（三）一般公共预算当年拨款具体使用情况", "Heading 3")
    w.tag("for i in n.gpb_items")
    w.p("{{ loop.index }}．{{ w.gpb_item(i, year) }}")
    w.tag("endfor")

    w.p(f"六、关于{u}一般公共预算基本支出情况说明", "Heading 2")
    w.p(f"{u}一般公共预算基本支出{{{{ n.basic.total|wan }}}}万元，其中：")
    w.p("人员经费{{ n.basic.personnel|wan }}万元，主要包括：{{ w.series(n.basic.personnel_items) }}。")
    w.p("公用经费{{ n.basic.public|wan }}万元，主要包括：{{ w.series(n.basic.public_items) }}。")

    w.p(f"七、关于{u}一般公共预算项目支出情况说明", "Heading 2")
    w.tag("for p in n.projects")
    w.p("{{ loop.index }}、项目名称：{{ p.name }}")
    w.p("设立的政策依据：{{ p.basis }}")
    w.p("预算安排规模：{{ p.amount|wan }}万元")
    w.p("项目承担单位：{{ p.undertaker }}")
    w.p("资金分配情况：{{ p.allocation }}")
    w.p("资金执行时间：{{ p.period }}")
    w.tag("if p.subsidy")
    for label, key in (("资金来源", "subsidy_source"), ("补贴人数", "subsidy_people"),
                       ("补贴标准", "subsidy_standard"), ("补贴范围", "subsidy_scope"),
                       ("补贴方式", "subsidy_method"), ("发放程序", "subsidy_procedure"),
                       ("受益人群和社会效益", "subsidy_beneficiaries")):
        w.p(f"{label}：{{{{ p.{key} }}}}")
    w.tag("endif")
    w.tag("else")
    w.p(f"{u}没有安排一般公共预算项目支出。")
    w.tag("endfor")

    for number, money, table, title in (("八", "政府性基金预算拨款", "t8", "政府性基金预算支出情况表"),
                                        ("九", "国有资本经营预算拨款", "t9", "国有资本经营预算支出情况表")):
        w.p(f"{number}、关于{u}{money}情况说明", "Heading 2")
        w.tag(f"if t.{table}.empty")
        w.p(f"{{{{ w.empty_table(unit.name, year, \"{money}\", \"{title}\") }}}}")
        w.tag("else")
        w.p(f"{u}{money}安排的支出{{{{ t.{table}.total[0]|wan }}}}万元，其中：基本支出{{{{ t.{table}.total[1]|wan }}}}万元，"
            f"项目支出{{{{ t.{table}.total[2]|wan }}}}万元。")
        w.tag("endif")

    w.p(f"十、关于{u}财政拨款“三公”经费预算情况说明", "Heading 2")
    w.p(f"{u}财政拨款“三公”经费数为{{{{ n.sangong_total.current|wan }}}}万元，其中："
        "{% for i in n.sangong_items %}{{ i.label }}{{ i.change.current|wan }}万元{% if not loop.last %}，{% endif %}{% endfor %}。")
    w.p("{{ year }}年财政拨款“三公”经费{{ w.change(n.sangong_total) }}，其中："
        "{% for i in n.sangong_items %}{{ w.sangong_item(i, year, prior_year) }}{% if not loop.last %}；{% endif %}{% endfor %}。")

    w.p(f"十一、关于{u}上年结转结余预算情况说明", "Heading 2")
    w.tag("if t.t11.empty")
    w.p(f"{u}无上年结转结余预算的支出，上年结转结余情况明细表为空表。")
    w.tag("else")
    w.p(f"{u}使用上年结转结余安排的支出{{{{ n.carryover.total|wan }}}}万元，其中：财政拨款结转{{{{ n.carryover.fiscal|wan }}}}万元，"
        "非财政拨款结转结余{{ n.carryover.other|wan }}万元。")
    w.tag("endif")

    w.p("十二、其他重要事项的情况说明", "Heading 2")
    w.p("（一）{{ w.running_label(unit) }}情况", "Heading 3")
    w.p(f"{u}的{{{{ w.running_label(unit) }}}}财政拨款预算{{{{ n.running.current|wan }}}}万元，{{{{ w.change(n.running) }}}}"
        "{{ w.reason(n.running, \"。主要原因是\") }}。")
    w.p("（二）政府采购情况", "Heading 3")
    w.p("{{ year }}年，{{ unit.name }}政府采购预算{{ n.other.procurement|wan }}万元，其中：政府采购货物预算"
        "{{ n.other.procurement_goods|wan }}万元，政府采购工程预算{{ n.other.procurement_works|wan }}万元，"
        "政府采购服务预算{{ n.other.procurement_services|wan }}万元。")
    w.p("{{ year }}年，{{ unit.name }}面向中小企业预留政府采购项目预算金额{{ n.other.procurement_sme|wan }}万元，"
        "小微企业预留政府采购项目预算金额{{ n.other.procurement_micro|wan }}万元。")
    w.p("（三）国有资产占用使用情况", "Heading 3")
    w.p("截至{{ prior_year }}年底，{{ unit.name }}{% if unit.subordinates %}及下属各预算单位{% endif %}占用使用国有资产总体情况为：")
    o = "n.other"
    w.p(f"1．房屋{{{{ {o}.building_area|wan }}}}平方米，价值{{{{ {o}.building_value|wan }}}}万元。")
    w.p(f"2．车辆{{{{ {o}.vehicles }}}}辆，价值{{{{ {o}.vehicles_value|wan }}}}万元；其中：一般公务用车{{{{ {o}.cars_general }}}}辆，"
        f"价值{{{{ {o}.cars_general_value|wan }}}}万元；执法执勤用车{{{{ {o}.cars_law }}}}辆，价值{{{{ {o}.cars_law_value|wan }}}}万元；"
        f"其他车辆{{{{ {o}.cars_other }}}}辆，价值{{{{ {o}.cars_other_value|wan }}}}万元。")
    w.p(f"3．办公家具价值{{{{ {o}.furniture_value|wan }}}}万元。")
    w.p(f"4．其他资产价值{{{{ {o}.other_assets_value|wan }}}}万元。")
    w.p(f"单位价值50万元以上大型设备{{{{ {o}.devices_50 }}}}台，单位价值100万元以上大型设备{{{{ {o}.devices_100 }}}}台。")
    w.p(f"{{{{ year }}}}年单位预算{{% if {o}.plan_vehicles %}}安排购置车辆{{{{ {o}.plan_vehicles }}}}辆，经费"
        f"{{{{ {o}.plan_vehicles_value|wan }}}}万元{{% else %}}未安排购置车辆经费{{% endif %}}，安排购置50万元以上大型设备"
        f"{{{{ {o}.plan_devices_50 }}}}台，单位价值100万元以上大型设备{{{{ {o}.plan_devices_100 }}}}台。")
    w.p("（四）预算绩效情况", "Heading 3")
    w.p("{{ year }}年，本单位预算绩效管理整体预算绩效目标{{ n.perf_counts.overall }}个，涉及金额"
        "{{ n.perf_counts.overall_amount|wan }}万元；当年财政拨款项目{{ n.perf_counts.fiscal }}个，涉及预算金额"
        "{{ n.perf_counts.fiscal_amount|wan }}万元；当年非财政拨款项目{{ n.perf_counts.other }}个，涉及预算金额"
        "{{ n.perf_counts.other_amount|wan }}万元。具体情况见下表（按项目分别填报）：")
    performance(w)
    w.p("（五）其他需说明的事项", "Heading 3")
    w.p("本单位转移支付项目数{{ n.transfer.count }}个，涉及的预算资金数为{{ n.transfer.amount|wan }}万元。")


def performance(w: Writer) -> None:
    w.section(landscape=True)
    w.p("单位整体绩效目标表", "绩效表名")
    w.p("（{{ year }}年）", "绩效表名")
    widths = [3.0, 3.0, 7.0, 3.0, 5.0, 2.0]
    header = [
        [("单位名称（盖章）", 2, 1), None, ("{{ unit.name }}", 4, 1), None, None, None],
        [("单位联系人", 2, 1), None, "{{ unit.contact }}", "联系电话", ("{{ unit.phone }}", 2, 1), None],
        [("年度绩效目标", 2, 1), None, ("{{ unit.overall_goal|br }}", 4, 1), None, None, None],
        [("年度预算（万元）", 2, 4), None, ("资金来源", 2, 1), None, ("资金总额（万元）", 2, 1), None],
        [None, None, ("财政资金（万元）", 1, 2), "上级安排", ("{{ n.overall_perf.superior|wan }}", 2, 1), None],
        [None, None, None, "本级安排", ("{{ n.overall_perf.local|wan }}", 2, 1), None],
        [None, None, "其他资金（万元）", "其他", ("{{ n.overall_perf.other|wan }}", 2, 1), None],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标设定依据", "分值权重"],
    ]
    cells = [("{{ r.l1 }}", TXT), ("{{ r.l2 }}", TXT), ("{{ r.l3 }}", TXT), ("{{ r.value }}", TXT),
             ("{{ r.basis }}", TXT), ("{{ r.weight }}", TXT)]
    table = w.table(widths, header, loop_rows(6, "n.overall_perf.rows", cells), landscape=True)
    _no_repeat(table, 8)

    w.tag("for pp in n.project_perf")
    w.p("项目支出绩效目标表", "绩效表名").paragraph_format.page_break_before = True
    w.p("（{{ year }}年）", "绩效表名")
    widths = [2.2, 2.4, 5.2, 2.6, 2.8, 2.4, 1.8, 2.6, 2.0]
    header = [
        [("预算单位", 2, 1), None, ("{{ unit.name }}", 7, 1)] + [None] * 6,
        [("项目名称", 2, 1), None, ("{{ pp.name }}", 3, 1), None, None, ("项目负责人", 2, 1), None,
         ("{{ pp.leader }}", 2, 1), None],
        [("项目资金（万元）", 2, 1), None, "年度预算总额", "{{ pp.total|wan }}", "其中：财政拨款", "{{ pp.fiscal|wan }}",
         "其他资金", ("{{ pp.other|wan }}", 2, 1), None],
        [("项目总体目标", 2, 1), None, ("{{ pp.goal|br }}", 7, 1)] + [None] * 6,
        ["一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值", "指标分值权重", "指标赋分规则", "佐证资料"],
    ]
    cells = [("{{ r.%s }}" % k, TXT) for k in ("l1", "l2", "l3", "value", "basis", "prior_value", "weight", "rule",
                                                "evidence")]
    table = w.table(widths, header, loop_rows(9, "pp.rows", cells), landscape=True)
    _no_repeat(table, 5)
    w.tag("endfor")
    w.section(landscape=False)


def _no_repeat(table, header_rows: int) -> None:
    """Only the indicator header row repeats on a new page; the facts above it do not."""
    for i in range(header_rows - 1):
        trPr = table.rows[i]._tr.get_or_add_trPr()
        for el in trPr.findall(qn("w:tblHeader")):
            trPr.remove(el)


def part4(w: Writer) -> None:
    w.p("第四部分 名词解释", "Heading 1", page_break=True)
    terms = [
        ("财政拨款", "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"),
        ("一般公共预算", "包括公共财政拨款（补助）资金、专项收入。"),
        ("财政专户管理资金", "包括专户管理行政事业性收费（主要是教育收费）、其他非税收入。"),
        ("其他资金", "包括事业收入、事业经营收入、其他收入等。"),
        ("基本支出", "包括人员经费、公用经费（定额）。其中，人员经费包括工资福利支出、对个人和家庭的补助。"),
        ("项目支出", "单位支出预算的组成部分，是各单位为完成其特定的行政任务或事业发展目标，在基本支出预算之外编制的年度项目支出计划。"),
        ("“三公”经费", "指单位因公出国（境）费、公务用车购置及运行维护费和公务接待费，其中：因公出国（境）费反映机关和参公事业单位"
                     "公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置反映基本建设支出"
                     "中安排机关和参公事业单位用于公务用车购置的支出（含车辆购置税、牌照费）；公务用车运行维护费反映单位机关和参公"
                     "事业单位按规定保留的公务用车燃料费、维修费、过桥过路费、保险费、安全奖励费用等支出；公务接待费反映机关和参公"
                     "事业单位按规定开支的各类公务接待（含外宾接待）费用。"),
        ("机关运行经费", "指行政单位（含参照公务员法管理事业单位）的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、"
                   "日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费"
                   "及其他费用。"),
    ]
    numerals = "一二三四五六七八九十"
    for i, (term, text) in enumerate(terms):
        w.p(f"{numerals[i]}、{term}：{text}")
    w.p("")
    w.p("{{ unit.name }}", "落款")
    w.p("{{ unit.date|date_cn }}", "落款")


def toc(w: Writer) -> None:
    w.p("目    录", "Heading 1")
    entries = [
        ("第一部分 {{ year }}年单位概况", 0), ("一、主要职能", 1), ("二、机构设置及人员情况", 1),
        ("第二部分 {{ year }}年单位预算公开表", 0),
    ] + [(f"{n}、{t}", 1) for n, t in zip(
        ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"],
        ["单位收支总体情况表", "单位收入总体情况表", "单位支出总体情况表", "财政拨款收支预算总体情况表", "一般公共预算支出情况表",
         "一般公共预算基本支出情况表", "一般公共预算项目支出情况表", "政府性基金预算支出情况表", "国有资本经营预算支出情况表",
         "财政拨款“三公”经费支出情况表", "上年结转结余情况明细表"])] + [
        ("第三部分 {{ year }}年单位预算情况说明", 0)] + [(f"{n}、关于{{{{ unit.name }}}}{{{{ year }}}}年{t}", 1) for n, t in zip(
        ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"],
        ["收支预算情况的总体说明", "收入预算情况说明", "支出预算情况说明", "财政拨款收支预算情况的总体说明",
         "一般公共预算当年拨款情况说明", "一般公共预算基本支出情况说明", "一般公共预算项目支出情况说明",
         "政府性基金预算拨款情况说明", "国有资本经营预算拨款情况说明", "财政拨款“三公”经费预算情况说明",
         "上年结转结余预算情况说明"])] + [("十二、其他重要事项的情况说明", 1), ("第四部分 名词解释", 0)]
    for text, level in entries:
        para = w.p(text, "目录项")
        para.paragraph_format.left_indent = Cm(0.74 * level)


def main() -> None:
    w = Writer()
    w.p('{%p import "wording.j2" as w %}')
    w.p("{{ unit.name }}{{ year }}年单位预算公开", "Title")
    toc(w)
    part1(w)
    part2(w)
    part3(w)
    part4(w)
    OUT.parent.mkdir(exist_ok=True)
    w.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Author templates/disclosure.docx, the Word template of the 单位预算公开.

The .docx is the artefact a finance office restyles in Word or WPS (styles, fonts, margins, table
borders, header rows); this script is how the shipped default was made, so a change to the
structure is reviewable as code.  Run: ``python tools/make_word_template.py``.

Template language (rendered by gen/docxengine.py, sandboxed, autoescaped):
``{{ … }}`` a value; ``{%p … %}`` a paragraph that is only a tag; ``{%tr … %}`` a table row that is
only a tag (row loops); wording macros come from templates/wording.j2 (``w.…``).

Layout, in the manner of GB/T 9704 (党政机关公文格式):

* A4; portrait margins 上 37 mm、下 35 mm、左 28 mm、右 26 mm (版心 156 × 225 mm); body 仿宋_GB2312 三号
  (16 pt) on a 28.95 pt line (22 lines a page); title 方正小标宋简体 二号; headings 黑体 / 楷体_GB2312;
  tables 宋体 小五 (9 pt); numbers and Latin text Times New Roman.  Every style and ``docDefaults`` declare
  the East Asian font as ``w:eastAsia`` (python-docx only writes ``w:ascii``/``w:hAnsi``).
* Page numbers in the footer as "— 1 —", 宋体 四号, odd pages right and even pages left, one character in.
* The wide tables (表2, 表7, the 绩效目标表) are in landscape sections.  Every table has a fixed layout whose
  ``w:gridCol`` and ``w:tcW`` widths (WPS uses the grid) add up to the text width of its section; the code
  columns fit three digits, amount columns "99,999.99" on one line.  Header rows repeat on every page
  (``w:tblHeader``), no row splits across pages (``w:cantSplit``), a table's caption is kept with it.
* The 目录 is a real TOC field (``TOC \\o "1-2" \\f``: headings of outline level 0–1, plus ``TC`` fields for
  the eleven tables so the entries read "一、单位收支总体情况表" as in the published documents) with
  pre-filled entries; ``w:updateFields`` makes Word refresh it on open, and gen/pdf.py has LibreOffice
  update it before exporting a PDF.
* Fonts missing on the reader's machine: ``word/fontTable.xml`` carries ``w:altName``, PANOSE, charset
  (GB2312) and family for each Chinese font, which Word and WPS use to pick a substitute of the same kind
  (方正小标宋简体 is described like 黑体, its usual stand-in); the theme's East Asian fonts are Chinese and the
  theme language is zh-CN, and python-docx's Japanese leftovers (ＭＳ 明朝 in the font table and theme,
  stylesWithEffects.xml) are removed.  LibreOffice 7.4 ignores the font table (measured); gen/pdf.py gives
  it a fontconfig mapping instead, and the zh-CN language tag makes Noto CJK draw Chinese glyph forms.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

OUT = Path(__file__).resolve().parent.parent / "templates" / "disclosure.docx"

BODY_FONT, TITLE_FONT, HEAD_FONT, KAI_FONT, TABLE_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"
W = nsdecls("w")

# Page geometry in twips (1 cm = 567 twips).  A4 = 11906 × 16838.
A4_SHORT, A4_LONG = 11906, 16838
PORTRAIT_MARGINS = dict(top=2098, bottom=1984, left=1587, right=1474)   # 37, 35, 28, 26 mm
LANDSCAPE_MARGINS = dict(top=1587, bottom=1474, left=1247, right=1247)  # 28, 26, 22, 22 mm
PORTRAIT_WIDTH = A4_SHORT - PORTRAIT_MARGINS["left"] - PORTRAIT_MARGINS["right"]     # 8845 = 156 mm
LANDSCAPE_WIDTH = A4_LONG - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"]   # 14344 = 253 mm
# The page number line sits 7 mm below the text block (GB/T 9704 7.5): footer distance = bottom margin
# − 7 mm − the 四号 line.
FOOTER_DISTANCE = {False: 1247, True: 737}
CELL_MARGIN = 57  # 1 mm left and right inside table cells
LINE_BODY = 579   # 28.95 pt: 22 lines in the 225 mm text block
CM = 567


# 0.5 pt black rules on every side and between all cells
TABLE_BORDERS = ("<w:tblBorders>" + "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")


def cm(value: float) -> int:
    return round(value * CM)


# ---------------------------------------------------------------------------------------------
# styles (written as XML: python-docx's default styles carry theme fonts, a blue title border and
# doubled outline levels, and cannot express w:eastAsia)


def _rpr(east_asia: str | None = None, size: float | None = None, bold: bool | None = None,
         latin: str = LATIN, lang: bool = False) -> str:
    parts = []
    if east_asia:
        parts.append(f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>')
    if bold is not None:
        parts.append("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
    if lang:
        parts.append('<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>')
    return "<w:rPr>" + "".join(parts) + "</w:rPr>" if parts else ""


def _ppr(*, keep_next=None, widow=None, tabs=(), before=None, after=None, line=None, first_line=None, left=None,
         hanging=None, right=None, jc=None, outline=None) -> str:
    parts = []
    if keep_next is not None:
        parts.append("<w:keepNext/>" if keep_next else '<w:keepNext w:val="0"/>')
    if widow is not None:
        parts.append("<w:widowControl/>" if widow else '<w:widowControl w:val="0"/>')
    if tabs:
        parts.append("<w:tabs>" + "".join(f'<w:tab w:val="{kind}" w:leader="{leader}" w:pos="{pos}"/>'
                                          for kind, leader, pos in tabs) + "</w:tabs>")
    def element(tag: str, **attrs) -> None:
        """``<w:tag w:k="v" …/>`` with the attributes that are set; nothing when none is."""
        set_ = [f'w:{k}="{v}"' for k, v in attrs.items() if v is not None]
        if set_:
            parts.append(f"<w:{tag} " + " ".join(set_) + "/>")

    element("spacing", before=before, after=after, line=line, lineRule="exact" if line is not None else None)
    element("ind", left=left, right=right, hanging=hanging,
            firstLine=first_line if hanging is None else None)
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>" if parts else ""


class Styles:
    """Paragraph styles by name; ``ids`` maps a name to its w:styleId for XML written by hand."""

    def __init__(self):
        self.xml: list[str] = []
        self.ids: dict[str, str] = {}

    def paragraph(self, name: str, sid: str | None = None, *, based: str | None = "Normal", next_: str | None = None,
                  east_asia: str | None = None, size: float | None = None, bold: bool | None = None,
                  latin: str = LATIN, ui: int | None = None, default=False, **ppr) -> None:
        sid = sid or name
        self.ids[name] = sid
        head = f'<w:style {W} w:type="paragraph" w:styleId={quoteattr(sid)}' + (' w:default="1"' if default else "") + ">"
        head += f"<w:name w:val={quoteattr(name)}/>"
        if based:
            head += f'<w:basedOn w:val="{self.ids[based]}"/>'
        if next_:
            head += f'<w:next w:val="{self.ids.get(next_, next_)}"/>'
        if ui is not None:
            head += f'<w:uiPriority w:val="{ui}"/>'
        head += "<w:qFormat/>"
        self.xml.append(head + _ppr(**ppr) + _rpr(east_asia, size, bold, latin) + "</w:style>")


def build_styles(doc) -> dict[str, str]:
    s = Styles()
    s.paragraph("Normal", based=None, default=True, east_asia=BODY_FONT, size=16, bold=False, keep_next=False,
                widow=True, before=0, after=0, line=LINE_BODY, first_line=640, jc="both")
    s.paragraph("Title", ui=10, next_="Normal", east_asia=TITLE_FONT, size=22, line=720, before=240, after=360,
                first_line=0, jc="center")
    s.paragraph("heading 1", "Heading1", ui=9, next_="Normal", east_asia=HEAD_FONT, size=16, keep_next=True,
                line=LINE_BODY, before=0, after=290, first_line=0, jc="center", outline=0)
    s.paragraph("heading 2", "Heading2", ui=9, next_="Normal", east_asia=HEAD_FONT, size=16, keep_next=True,
                line=LINE_BODY, first_line=640, outline=1)
    s.paragraph("heading 3", "Heading3", ui=9, next_="Normal", east_asia=KAI_FONT, size=16, keep_next=True,
                line=LINE_BODY, first_line=640, outline=2)
    s.paragraph("目录标题", next_="Normal", east_asia=HEAD_FONT, size=16, keep_next=True, line=LINE_BODY, after=290,
                first_line=0, jc="center")
    toc_tab = (("right", "dot", PORTRAIT_WIDTH),)
    s.paragraph("toc 1", "TOC1", ui=39, next_="Normal", east_asia=BODY_FONT, size=16, line=LINE_BODY, tabs=toc_tab,
                first_line=0, right=0, jc="left")
    s.paragraph("toc 2", "TOC2", ui=39, next_="Normal", east_asia=BODY_FONT, size=16, line=LINE_BODY, tabs=toc_tab,
                left=640, first_line=0, jc="left")
    s.paragraph("表号", east_asia=HEAD_FONT, size=12, keep_next=True, line=360, first_line=0, jc="left")
    s.paragraph("表名", east_asia=TITLE_FONT, size=18, keep_next=True, line=480, after=120, first_line=0,
                jc="center")
    s.paragraph("表头信息", east_asia=TABLE_FONT, size=10.5, keep_next=True, line=320, after=40, first_line=0,
                jc="left")
    s.paragraph("表格文字", east_asia=TABLE_FONT, size=9, bold=False, widow=False, line=240, first_line=0, jc="left")
    s.paragraph("表格文字粗", based="表格文字", bold=True, jc="left")
    s.paragraph("表格正文", based="表格文字", jc="both")
    s.paragraph("表格代码", based="表格文字", jc="center")
    s.paragraph("表格代码粗", based="表格文字", bold=True, jc="center")
    s.paragraph("表格数字", based="表格文字", jc="right")
    s.paragraph("表格数字粗", based="表格文字", bold=True, jc="right")
    s.paragraph("表格标题", based="表格文字", bold=True, jc="center")
    s.paragraph("备注", east_asia=BODY_FONT, size=12, line=360, before=120, first_line=0, jc="both")
    s.paragraph("落款", east_asia=BODY_FONT, size=16, line=LINE_BODY, first_line=0, right=640, jc="right")
    s.paragraph("绩效表名", east_asia=TITLE_FONT, size=18, keep_next=True, line=440, first_line=0, jc="center")
    s.paragraph("绩效表年度", east_asia=BODY_FONT, size=14, keep_next=True, line=360, after=120, first_line=0,
                jc="center")
    s.paragraph("页码", east_asia=TABLE_FONT, latin=TABLE_FONT, size=14, line=None, first_line=0, jc="center")

    char_default = (f'<w:style {W} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
                    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
                    "<w:unhideWhenUsed/></w:style>")
    cell_mar = (f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
                f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>')
    table_normal = (f'<w:style {W} w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
                    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
                    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" '
                    'w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
    table = (f'<w:style {W} w:type="table" w:styleId="BudgetTable"><w:name w:val="预算表格"/>'
             '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>'
             '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="exact"/><w:ind w:firstLine="0"/></w:pPr>'
             + _rpr(TABLE_FONT, 9) + f"<w:tblPr>{TABLE_BORDERS}{cell_mar}</w:tblPr></w:style>")
    no_list = (f'<w:style {W} w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
               '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>')

    root = doc.styles.element
    for el in root.findall(qn("w:style")) + root.findall(qn("w:docDefaults")):
        root.remove(el)
    defaults = parse_xml(
        f"<w:docDefaults {W}><w:rPrDefault>{_rpr(BODY_FONT, 16, lang=True)}</w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>")
    root.insert(0, defaults)
    for xml in [char_default, table_normal, no_list] + s.xml + [table]:
        root.append(parse_xml(xml))
    ids = dict(s.ids)
    ids["预算表格"] = "BudgetTable"
    return ids


# ---------------------------------------------------------------------------------------------
# document helpers


def _run(text: str) -> str:
    """A run; a tab in ``text`` becomes ``w:tab`` (as Word writes it)."""
    if not text:
        return ""
    inner = '</w:t><w:tab/><w:t xml:space="preserve">'.join(escape(part) for part in text.split("\t"))
    return f'<w:r><w:t xml:space="preserve">{inner}</w:t></w:r>'.replace('<w:t xml:space="preserve"></w:t>', "")


def _field(instr: str, result: str | None = None) -> str:
    """A complex field; ``result`` None for fields without a result (TC)."""
    xml = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
           f'<w:r><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>')
    if result is not None:
        xml += f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve">{escape(result)}</w:t></w:r>'
    return xml + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


class Flex(float):
    """A column width given as a share of what the fixed columns leave."""


class Writer:
    def __init__(self):
        self.doc = Document()
        self.ids = build_styles(self.doc)
        self.landscape = False
        self.toc_entries: list[tuple[int, str, str]] = []  # (level 1|2, text, bookmark)
        self._bookmark = 0
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        self._footers(section)

    # -- sections and footers ------------------------------------------------------------------

    @staticmethod
    def _page(section, landscape: bool) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_, short = Twips(A4_LONG), Twips(A4_SHORT)
        section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
        for key, value in (LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS).items():
            setattr(section, f"{key}_margin", Twips(value))
        section.header_distance = Twips(851)
        section.footer_distance = Twips(FOOTER_DISTANCE[landscape])

    def _footers(self, section) -> None:
        """"— 1 —" in 宋体 四号: odd pages right, even pages left, one character from the edge."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        page = _field("PAGE", "1")
        for footer, ind in ((section.footer, 'w:right="280"'), (section.even_page_footer, 'w:left="280"')):
            el = footer._element
            for child in list(el):
                el.remove(child)
            jc = "right" if "right" in ind else "left"
            el.append(parse_xml(f'<w:p {W}><w:pPr><w:pStyle w:val="{self.ids["页码"]}"/><w:ind {ind}/>'
                                f'<w:jc w:val="{jc}"/></w:pPr>{_run("— ")}{page}{_run(" —")}</w:p>'))

    def section(self, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape)
        self.landscape = landscape

    @property
    def text_width(self) -> int:
        return LANDSCAPE_WIDTH if self.landscape else PORTRAIT_WIDTH

    # -- paragraphs ------------------------------------------------------------------------------

    def _append(self, el) -> None:
        body = self.doc.element.body
        body.sectPr.addprevious(el)

    def p(self, text: str = "", style: str = "Normal", page_break: bool = False, extra: str = "", tabs: str = ""):
        """A paragraph; ``extra`` is raw run XML appended after the text (fields, bookmarks)."""
        ppr = f'<w:pStyle w:val="{self.ids[style]}"/>' if style != "Normal" else ""
        if page_break:
            ppr += "<w:pageBreakBefore/>"
        ppr += tabs
        el = parse_xml(f'<w:p {W}>' + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + _run(text) + extra + "</w:p>")
        self._append(el)
        return el

    def tag(self, tag: str):
        """A paragraph that is only a structural tag: ``{%p if … %}``."""
        return self.p("{%p " + tag + " %}")

    def _new_bookmark(self) -> tuple[int, str]:
        self._bookmark += 1
        return self._bookmark, f"_TocGen{self._bookmark:03d}"

    def heading(self, text: str, level: int, page_break: bool = False):
        """A heading of the 目录 (``level`` 1 or 2: outline level 0 or 1), bookmarked for its TOC entry."""
        style = {1: "heading 1", 2: "heading 2", 3: "heading 3"}[level]
        if level == 3:
            return self.p(text, style, page_break)
        bid, name = self._new_bookmark()
        self.toc_entries.append((level, text, name))
        el = self.p("", style, page_break,
                    f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{_run(text)}<w:bookmarkEnd w:id="{bid}"/>')
        return el

    def caption(self, number: int, title: str, page_break: bool = True) -> None:
        """表N, the table's name and the 编制单位 line, kept with the table (keep-with-next)."""
        entry = f"{CN_NUMERALS[number - 1]}、{title}"
        bid, name = self._new_bookmark()
        self.toc_entries.append((2, entry, name))
        # A TC field puts "一、单位收支总体情况表" into the 目录 (TOC \f) while the page shows "表1".
        tc = _field(f'TC "{entry}" \\l 2')
        self.p("", "表号", page_break,
               f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{_run(f"表{number}")}{tc}<w:bookmarkEnd w:id="{bid}"/>')
        self.p(title, "表名")
        self.meta("编制单位：{{ unit.name }}\t单位：万元")

    def meta(self, text: str):
        """The 编制单位 line: the unit on the left, "单位：万元" against the right margin."""
        return self.p(text, "表头信息", tabs=f'<w:tabs><w:tab w:val="right" w:pos="{self.text_width}"/></w:tabs>')

    # -- tables ------------------------------------------------------------------------------

    def widths(self, spec: list[float]) -> list[int]:
        """Column widths in twips that add up to the text width: fixed columns in cm, ``Flex`` shares."""
        total = self.text_width
        fixed = sum(cm(w) for w in spec if not isinstance(w, Flex))
        flex = sum(w for w in spec if isinstance(w, Flex))
        if flex:
            rest = total - fixed
            assert rest > 0, (spec, total, fixed)
            out = [round(rest * w / flex) if isinstance(w, Flex) else cm(w) for w in spec]
        else:
            scale = total / fixed
            out = [round(cm(w) * scale) for w in spec]
        out[-1 if not flex else max(i for i, w in enumerate(spec) if isinstance(w, Flex))] += total - sum(out)
        assert sum(out) == total
        return out

    def table(self, spec: list[float], header: list[list], body: list[list[tuple]], total=None, repeat=None):
        """A fixed-layout table: merged header rows that repeat on every page, row-loop body, 合计 row.

        ``header`` rows are lists of cells: a string, or ``(text, colspan, rowspan[, style])``; None marks
        a cell covered by a span.  ``body`` rows are lists of ``(text, style[, colspan])``.  ``repeat``:
        how many leading rows repeat on a new page (default: all header rows).
        """
        grid = self.widths(spec)
        ncols = len(grid)
        rows_xml = []
        # header: who owns each (row, column)
        owner: dict[tuple[int, int], tuple[int, int, int, int, str, str]] = {}
        for r, row in enumerate(header):
            assert len(row) == ncols, (row, ncols)
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, str):
                    cell = (cell, 1, 1)
                text, cs, rs, *style = cell
                style = style[0] if style else HEAD
                for rr in range(r, r + rs):
                    for cc in range(c, c + cs):
                        assert (rr, cc) not in owner, (r, c, rr, cc)
                        owner[rr, cc] = (r, c, cs, rs, text, style)
        repeat = len(header) if repeat is None else repeat
        for r in range(len(header)):
            cells = []
            c = 0
            while c < ncols:
                r0, c0, cs, rs, text, style = owner[r, c]
                assert c0 == c, ("header row", r, "column", c, "is covered from column", c0)
                vmerge = None if rs == 1 else ("restart" if r0 == r else "continue")
                cells.append(self._tc(grid[c:c + cs], text if r0 == r else "", style, vmerge))
                c += cs
            rows_xml.append(self._tr(cells, header=r < repeat))
        for row in body + ([total] if total else []):
            cells, c = [], 0
            for cell in row:
                text, style, *span = cell
                cs = span[0] if span else 1
                cells.append(self._tc(grid[c:c + cs], text, style))
                c += cs
            assert c == ncols, (row, ncols)
            rows_xml.append(self._tr(cells))
        tbl = (f'<w:tbl {W}><w:tblPr><w:tblStyle w:val="{self.ids["预算表格"]}"/>'
               f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/><w:jc w:val="center"/>{TABLE_BORDERS}'
               '<w:tblLayout w:type="fixed"/>'
               f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/>'
               '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
               "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid) + "</w:tblGrid>"
               + "".join(rows_xml) + "</w:tbl>")
        el = parse_xml(tbl)
        self._append(el)
        return el

    def _tc(self, widths: list[int], text: str, style: str, vmerge: str | None = None) -> str:
        pr = f'<w:tcW w:w="{sum(widths)}" w:type="dxa"/>'
        if len(widths) > 1:
            pr += f'<w:gridSpan w:val="{len(widths)}"/>'
        if vmerge == "restart":
            pr += '<w:vMerge w:val="restart"/>'
        elif vmerge == "continue":
            pr += "<w:vMerge/>"
        pr += '<w:vAlign w:val="center"/>'
        return (f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{self.ids[style]}\"/></w:pPr>"
                f"{_run(text)}</w:p></w:tc>")

    @staticmethod
    def _tr(cells: list[str], header: bool = False) -> str:
        pr = '<w:cantSplit/><w:trHeight w:val="284" w:hRule="atLeast"/>' + ("<w:tblHeader/>" if header else "")
        return f"<w:tr><w:trPr>{pr}</w:trPr>{''.join(cells)}</w:tr>"

    # -- 目录 --------------------------------------------------------------------------------------

    def toc(self, after) -> None:
        """The 目录 as a TOC field whose result is pre-filled with every entry (page numbers blank).

        Word refreshes it on open (``w:updateFields``); gen/pdf.py updates it in LibreOffice before the PDF
        is exported and can write the page numbers back (``gen.pdf.write_toc_pages``).
        """
        paragraphs = []
        last = len(self.toc_entries) - 1
        for i, (level, text, name) in enumerate(self.toc_entries):
            xml = f'<w:p {W}><w:pPr><w:pStyle w:val="{self.ids[f"toc {level}"]}"/></w:pPr>'
            if i == 0:
                xml += ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                        '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\f \\h \\z \\u </w:instrText></w:r>'
                        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
            pageref = _field(f"PAGEREF {name} \\h", "")
            xml += f'<w:hyperlink w:anchor="{name}" w:history="1">{_run(text)}<w:r><w:tab/></w:r>{pageref}</w:hyperlink>'
            if i == last:
                xml += '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            paragraphs.append(parse_xml(xml + "</w:p>"))
        for el in reversed(paragraphs):
            after.addnext(el)

    # -- package ------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        core = self.doc.core_properties
        core.author = core.last_modified_by = "gen"
        core.title = "单位预算公开"
        core.comments = ""
        core.revision = 1
        settings = self.doc.settings.element
        for tag in ("w:savePreviewPicture", "w:rsids", "w:proofState", "w:attachedTemplate"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)
        lang = settings.find(qn("w:themeFontLang"))
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        # Word refreshes the TOC field (and PAGE fields) when the document is opened.
        settings.find(qn("w:compat")).addprevious(parse_xml(f'<w:updateFields {W} w:val="true"/>'))
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path.write_bytes(finish_package(buffer.getvalue()))


# ---------------------------------------------------------------------------------------------
# package: font table, theme, leftovers of python-docx's default template

# name, altName, PANOSE, family, pitch, charset (86 = GB2312): the values Word writes for these fonts, except
# 方正小标宋简体, which gets 黑体's PANOSE and family so that Word/WPS substitute 黑体 when neither it nor its
# other name 方正小标宋_GBK is installed (the usual fallback for the title in government offices).
FONTS = [
    (LATIN, None, "02020603050405020304", "roman", "variable", "00"),
    (BODY_FONT, "仿宋", "02010609030101010101", "modern", "fixed", "86"),
    ("仿宋", "FangSong", "02010609060101010101", "modern", "fixed", "86"),
    (TABLE_FONT, "SimSun", "02010600030101010101", "auto", "variable", "86"),
    (HEAD_FONT, "SimHei", "02010609060101010101", "modern", "fixed", "86"),
    (KAI_FONT, "楷体", "02010609030101010101", "modern", "fixed", "86"),
    ("楷体", "KaiTi", "02010609060101010101", "modern", "fixed", "86"),
    (TITLE_FONT, "方正小标宋_GBK", "02010609060101010101", "modern", "fixed", "86"),
]


def font_table() -> bytes:
    entries = []
    for name, alt, panose, family, pitch, charset in FONTS:
        entries.append(f"<w:font w:name={quoteattr(name)}>" + (f"<w:altName w:val={quoteattr(alt)}/>" if alt else "")
                       + f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
                       f'<w:pitch w:val="{pitch}"/></w:font>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:fonts {W}>' + "".join(entries) + "</w:fonts>").encode("utf-8")


def _theme(xml: str) -> str:
    """Theme fonts: Times New Roman / 黑体 (headings), Times New Roman / 宋体 (body); no Japanese fonts."""
    xml = re.sub(r'\s*<a:font script="(?:Jpan|Hang|Hant)" typeface="[^"]*"/>', "", xml)
    major, minor = xml.index("<a:majorFont>"), xml.index("<a:minorFont>")
    head, mid, tail = xml[:major], xml[major:minor], xml[minor:]
    mid = re.sub(r'<a:latin typeface="[^"]*"/>', f'<a:latin typeface="{LATIN}"/>', mid, count=1)
    mid = mid.replace('<a:ea typeface=""/>', f'<a:ea typeface="{HEAD_FONT}"/>', 1)
    mid = mid.replace('<a:font script="Hans" typeface="宋体"/>', f'<a:font script="Hans" typeface="{HEAD_FONT}"/>')
    tail = re.sub(r'<a:latin typeface="[^"]*"/>', f'<a:latin typeface="{LATIN}"/>', tail, count=1)
    tail = tail.replace('<a:ea typeface=""/>', f'<a:ea typeface="{TABLE_FONT}"/>', 1)
    return head + mid + tail


APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>gen</Application><DocSecurity>0</DocSecurity></Properties>").encode("utf-8")
_DROP = re.compile(r"customXml/.*|docProps/thumbnail\.jpeg|word/stylesWithEffects\.xml")


def finish_package(data: bytes) -> bytes:
    """Replace the font table and theme fonts, drop python-docx leftovers (a Word 2010 styles copy with
    Japanese theme fonts, a thumbnail, a bibliography customXml), write with fixed timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            if _DROP.fullmatch(name):
                continue
            body = zin.read(info)
            if name == "word/fontTable.xml":
                body = font_table()
            elif name == "word/theme/theme1.xml":
                body = _theme(body.decode("utf-8")).encode("utf-8")
            elif name == "docProps/app.xml":  # python-docx's says "Microsoft Macintosh Word", 1 page
                body = APP_XML
            elif name.endswith(".rels") or name == "[Content_Types].xml":
                text = body.decode("utf-8")
                text = re.sub(r'<Relationship [^>]*Target="(?:\.\./customXml/[^"]*|docProps/thumbnail\.jpeg|'
                              r'stylesWithEffects\.xml)"/>', "", text)
                text = re.sub(r'<Override PartName="/(?:customXml/[^"]*|word/stylesWithEffects\.xml)"[^>]*/>', "", text)
                text = text.replace('<Default Extension="jpeg" ContentType="image/jpeg"/>', "")
                body = text.encode("utf-8")
            zinfo = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zinfo.external_attr = 0o644 << 16
            zout.writestr(zinfo, body)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# content

TXT, NUM, HEAD, CODE = "表格文字", "表格数字", "表格标题", "表格代码"
BOLD = {TXT: "表格文字粗", NUM: "表格数字粗", CODE: "表格代码粗", HEAD: HEAD}
CN_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
CODES3 = [0.8, 0.65, 0.65]  # 类 "208", 款 "01", 项 "09" at 9 pt, one line each
CODES2 = [0.8, 0.65]        # 经济分类 类 "301", 款 "01"
AMOUNT = 2.3                # portrait tables: "12,345,678.90" fits
AMOUNT_WIDE = 1.55          # landscape tables with 11 amounts: "99,999.99" fits


def loop_rows(ncols: int, loop: str, cells: list[tuple], bold_if: str | None = None,
              bold_cols: int | None = None) -> list[list[tuple]]:
    """Marker rows for a row loop; with ``bold_if`` a bold twin row (its first ``bold_cols`` cells, or
    all) is used where the condition holds: 类 rows, 表1/表4 section heads, the 三公 合计."""
    def marker(tag):
        return [("{%tr " + tag + " %}", TXT)] + [("", TXT)] * (ncols - 1)
    rows = [marker(f"for r in {loop}")]
    if bold_if:
        n = len(cells) if bold_cols is None else bold_cols
        twin = [(t, BOLD[s]) if i < n else (t, s) for i, (t, s) in enumerate(cells)]
        rows += [marker(f"if {bold_if}"), twin, marker("else"), cells, marker("endif")]
    else:
        rows.append(cells)
    rows.append(marker("endfor"))
    return rows


def function_cells(values: list[str], with_project=False) -> list[tuple]:
    cells = [("{{ r.code[0] }}", CODE), ("{{ r.code[1] }}", CODE), ("{{ r.code[2] }}", CODE), ("{{ r.name }}", TXT)]
    if with_project:
        cells.append(("{{ r.extra }}", TXT))
    return cells + [(v, NUM) for v in values]


def amounts(expr: str, n: int) -> list[str]:
    return [f"{{{{ {expr}[{i}]|amt }}}}" for i in range(n)]


def total_row(label: str, span: int, values: list[str]) -> list[tuple]:
    """合计 row: the label spans the code and name columns, the amounts bold."""
    return [(label, HEAD, span)] + [(v, BOLD[NUM]) for v in values]


def function_table(w, title_money, extra_cols, values_expr, n):
    header = [[("功能分类科目编码", 3, 1), None, None, ("功能分类科目名称", 1, 2), (title_money, n, 1)]
              + [None] * (n - 1),
              ["类", "款", "项", None] + extra_cols]
    body = loop_rows(4 + n, values_expr + ".rows", function_cells(amounts("r.v", n)), 'r.kind == "lei"')
    w.table(CODES3 + [Flex(1)] + [AMOUNT] * n, header, body, total_row("合  计", 4, amounts(values_expr + ".total", n)))


def empty_note(w, table_expr, money, title):
    w.tag(f"if {table_expr}.empty")
    w.p("备注：{{ w.empty_table(unit.name, year, \"" + money + "\", \"" + title + "\") }}", "备注")
    w.tag("endif")


def part1(w: Writer) -> None:
    w.heading("第一部分 {{ year }}年单位概况", 1, page_break=True)
    w.heading("一、主要职能", 2)
    w.tag("for text in unit.functions")
    w.p("（{{ loop.index|cn }}）{{ text }}")
    w.tag("endfor")
    w.heading("二、机构设置及人员情况", 2)
    w.p("{{ unit.name }}{% if unit.subordinates %}下属预算单位包括：{{ unit.subordinates }}{% else %}无下属预算单位{% endif %}，"
        "下设{{ unit.departments|length }}个科室，分别是：{{ w.series(unit.departments) }}。")
    w.p("{{ unit.name }}编制数{{ unit.establishment }}，实有人数{{ unit.staff_total[0] }}人，其中："
        "{{ w.staff(\"在职\", n.staff.active) }}；{{ w.staff(\"退休\", n.staff.retired) }}；"
        "{{ w.staff(\"离休\", n.staff.veteran) }}。")


def part2(w: Writer) -> None:
    w.heading("第二部分 {{ year }}年单位预算公开表", 1, page_break=True)

    # 表1 (on the page of the part's heading)
    w.caption(1, "单位收支总体情况表", page_break=False)
    w.table([Flex(1), AMOUNT, Flex(1), AMOUNT],
            [[("收    入", 2, 1), None, ("支    出", 2, 1), None], ["项    目", "预算数", "功能分类", "预算数"]],
            loop_rows(4, "t.t1.rows", [("{{ r.label }}", TXT), ("{{ r.amount|amt }}", NUM), ("{{ r.cls }}", TXT),
                                       ("{{ r.cls_amount|amt }}", NUM)], 'r.kind == "head"', bold_cols=2),
            [("收 入 总 计", HEAD), ("{{ t.t1.total|amt }}", BOLD[NUM]), ("支 出 总 计", HEAD),
             ("{{ t.t1.spend_total|amt }}", BOLD[NUM])])

    # 表2 (landscape)
    w.section(landscape=True)
    w.caption(2, "单位收入总体情况表", page_break=False)
    labels = ["财政拨款（补助）小计", "一般公共预算", "上级一般公共预算安排的转移支付", "政府性基金预算",
              "上级政府性基金安排的转移支付", "国有资本经营预算"]
    header = [[("功能分类科目编码", 3, 1), None, None, ("功能分类科目名称", 1, 2), ("总计", 1, 2),
               ("财政拨款（补助）", 6, 1), None, None, None, None, None, ("财政专户（教育收费）", 1, 2),
               ("单位资金", 1, 2), ("财政拨款结转", 1, 2), ("非财政拨款结转结余", 1, 2)],
              ["类", "款", "项", None, None] + labels + [None, None, None, None]]
    w.table(CODES3 + [Flex(1)] + [1.6] * 11, header,
            loop_rows(15, "t.t2.rows", function_cells(amounts("r.v", 11)), 'r.kind == "lei"'),
            total_row("合  计", 4, amounts("t.t2.total", 11)))

    # 表3 … 表6 (portrait)
    w.section(landscape=False)
    w.caption(3, "单位支出总体情况表", page_break=False)
    function_table(w, "支出预算", ["合计", "基本支出", "项目支出"], "t.t3", 3)
    w.caption(4, "财政拨款收支预算总体情况表")
    w.table([3.4, 1.6, Flex(1), 1.55, 1.55, 1.55, 1.55],
            [[("财政拨款收入", 2, 1), None, ("财政拨款支出", 5, 1), None, None, None, None],
             ["项    目", "合  计", "功 能 分 类", "合  计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
            loop_rows(7, "t.t4.rows", [("{{ r.label }}", TXT), ("{{ r.amount|amt }}", NUM), ("{{ r.cls }}", TXT)]
                      + [(v, NUM) for v in amounts("r.v", 4)], 'r.kind == "head"', bold_cols=2),
            [("收 入 总 计", HEAD), ("{{ t.t4.total|amt }}", BOLD[NUM]), ("支 出 总 计", HEAD)]
            + [(v, BOLD[NUM]) for v in amounts("t.t4.spend", 4)])
    w.caption(5, "一般公共预算支出情况表")
    function_table(w, "一般公共预算支出", ["合计", "基本支出", "项目支出"], "t.t5", 3)
    w.caption(6, "一般公共预算基本支出情况表")
    w.table(CODES2 + [Flex(1)] + [AMOUNT] * 3,
            [[("经济分类科目编码", 2, 1), None, ("经济分类科目名称", 1, 2), ("一般公共预算基本支出", 3, 1), None, None],
             ["类", "款", None, "合计", "人员经费", "公用经费"]],
            loop_rows(6, "t.t6.rows", [("{{ r.code[0] }}", CODE), ("{{ r.code[1] }}", CODE), ("{{ r.name }}", TXT)]
                      + [(v, NUM) for v in amounts("r.v", 3)], 'r.kind == "lei"'),
            total_row("合  计", 3, amounts("t.t6.total", 3)))

    # 表7 (landscape)
    w.section(landscape=True)
    w.caption(7, "一般公共预算项目支出情况表", page_break=False)
    classes = ["工资福利支出", "商品和服务支出", "对个人和家庭的补助", "债务利息及费用支出", "资本性支出（基本建设）",
               "资本性支出", "对企业补助（基本建设）", "对企业补助", "对社会保障基金补助", "其他支出"]
    header = [[("科目编码", 3, 1), None, None, ("科目名称", 1, 2), ("项目名称", 1, 2), ("项目支出合计", 1, 2)]
              + [(c, 1, 2) for c in classes],
              ["类", "款", "项", None, None, None] + [None] * 10]
    w.table(CODES3 + [Flex(0.9), Flex(1.3)] + [AMOUNT_WIDE] * 11, header,
            loop_rows(16, "t.t7.rows", function_cells(amounts("r.v", 11), with_project=True), 'r.kind == "lei"'),
            total_row("合  计", 5, amounts("t.t7.total", 11)))

    # 表8 … 表11 (portrait)
    w.section(landscape=False)
    w.caption(8, "政府性基金预算支出情况表", page_break=False)
    function_table(w, "政府性基金预算支出", ["合计", "基本支出", "项目支出"], "t.t8", 3)
    empty_note(w, "t.t8", "政府性基金预算拨款", "政府性基金预算支出情况表")
    w.caption(9, "国有资本经营预算支出情况表")
    function_table(w, "国有资本经营预算支出", ["合计", "基本支出", "项目支出"], "t.t9", 3)
    empty_note(w, "t.t9", "国有资本经营预算拨款", "国有资本经营预算支出情况表")
    w.caption(10, "财政拨款“三公”经费支出情况表")
    w.table([Flex(1)] + [AMOUNT] * 4,
            [[("“三公”经费支出内容", 1, 2), ("合计", 1, 2), ("资金来源", 3, 1), None, None],
             [None, None, "一般公共预算", "政府性基金", "国有资本经营预算"]],
            loop_rows(5, "t.t10.rows", [("{{ r.name }}", TXT)] + [(v, NUM) for v in amounts("r.v", 4)],
                      'r.kind == "total"'))
    w.caption(11, "上年结转结余情况明细表")
    w.table([Flex(1)] + [1.42] * 9,
            [[("项目名称", 1, 3), ("总计", 1, 3), ("财政拨款", 4, 1), None, None, None, ("非财政拨款", 4, 1), None, None,
              None],
             [None, None, ("合计", 1, 2), ("基本支出", 2, 1), None, ("项目支出", 1, 2), ("合计", 1, 2),
              ("基本支出", 2, 1), None, ("项目支出", 1, 2)],
             [None, None, None, "人员经费", "公用经费", None, None, "人员经费", "公用经费", None]],
            loop_rows(10, "t.t11.rows", [("{{ r.name }}", TXT)] + [(v, NUM) for v in amounts("r.v", 9)]),
            [("合  计", HEAD)] + [(v, BOLD[NUM]) for v in amounts("t.t11.total", 9)])
    empty_note(w, "t.t11", "上年结转结余预算", "上年结转结余情况明细表")


def part3(w: Writer) -> None:
    u = "{{ unit.name }}{{ year }}年"
    w.heading("第三部分 {{ year }}年单位预算情况说明", 1, page_break=True)
    w.heading(f"一、关于{u}收支预算情况的总体说明", 2)
    w.p(f"按照全口径预算的原则，{u}所有收入和支出均纳入单位预算管理。收支总预算{{{{ n.grand_total|wan }}}}万元。")
    w.p("收入预算包括：{{ w.series(n.income_kinds) }}。")
    w.p("支出预算包括：{{ w.series(n.spend_classes) }}。")

    w.heading(f"二、关于{u}收入预算情况说明", 2)
    w.p("{{ unit.name }}收入预算{{ n.grand_total|wan }}万元，其中：{{ w.income_source(n.sources[0]) }}")
    w.tag("for s in n.sources[1:]")
    w.p("{{ w.income_source(s) }}")
    w.tag("endfor")

    w.heading(f"三、关于{u}支出预算情况说明", 2)
    w.p(f"{u}支出预算{{{{ n.grand_total|wan }}}}万元，其中：")
    w.tag("for s in n.spending")
    w.p("{{ w.spending(s) }}")
    w.tag("endfor")

    w.heading(f"四、关于{u}财政拨款收支预算情况的总体说明", 2)
    w.p("{{ year }}年财政拨款收支总预算{{ n.fiscal_total|wan }}万元。")
    w.tag("if n.fiscal_families|selectattr(\"amount\")|list|length == 1")
    w.p("{{ w.fiscal_only(n.fiscal_families) }}")
    w.tag("endif")
    w.p("{{ w.fiscal_income(n.fiscal_families) }}")
    w.tag("for fam in n.fiscal_families if fam.amount")
    w.p("{{ w.fiscal_spending(fam) }}")
    w.tag("endfor")

    w.heading(f"五、关于{u}一般公共预算当年拨款情况说明", 2)
    w.heading("（一）一般公共预算当年拨款规模变化情况", 3)
    w.p(f"{u}一般公共预算拨款合计{{{{ n.gpb_total|wan }}}}万元，其中：{{{{ w.scale(\"基本支出\", n.gpb_basic) }}}}")
    w.p("{{ w.scale(\"项目支出\", n.gpb_project) }}")
    w.heading("（二）一般公共预算当年拨款结构情况", 3)
    w.tag("for s in n.gpb_classes")
    w.p("{{ loop.index }}、{{ s.label }}（类）{{ s.amount|wan }}万元，占{{ s.pct|pct }}%。")
    w.tag("endfor")
    w.heading("（三）一般公共预算当年拨款具体使用情况", 3)
    w.tag("for i in n.gpb_items")
    w.p("{{ loop.index }}．{{ w.gpb_item(i, year) }}")
    w.tag("endfor")

    w.heading(f"六、关于{u}一般公共预算基本支出情况说明", 2)
    w.p(f"{u}一般公共预算基本支出{{{{ n.basic.total|wan }}}}万元，其中：")
    w.p("人员经费{{ n.basic.personnel|wan }}万元，主要包括：{{ w.series(n.basic.personnel_items) }}。")
    w.p("公用经费{{ n.basic.public|wan }}万元，主要包括：{{ w.series(n.basic.public_items) }}。")

    w.heading(f"七、关于{u}一般公共预算项目支出情况说明", 2)
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
        w.heading(f"{number}、关于{u}{money}情况说明", 2)
        w.tag(f"if t.{table}.empty")
        w.p(f"{{{{ w.empty_table(unit.name, year, \"{money}\", \"{title}\") }}}}")
        w.tag("else")
        w.p(f"{u}{money}安排的支出{{{{ t.{table}.total[0]|wan }}}}万元，其中：基本支出{{{{ t.{table}.total[1]|wan }}}}万元，"
            f"项目支出{{{{ t.{table}.total[2]|wan }}}}万元。")
        w.tag("endif")

    w.heading(f"十、关于{u}财政拨款“三公”经费预算情况说明", 2)
    w.p(f"{u}财政拨款“三公”经费数为{{{{ n.sangong_total.current|wan }}}}万元，其中："
        "{% for i in n.sangong_items %}{{ i.label }}{{ i.change.current|wan }}万元{% if not loop.last %}，{% endif %}{% endfor %}。")
    w.p("{{ year }}年财政拨款“三公”经费{{ w.change(n.sangong_total) }}，其中："
        "{% for i in n.sangong_items %}{{ w.sangong_item(i, year, prior_year) }}{% if not loop.last %}；{% endif %}{% endfor %}。")

    w.heading(f"十一、关于{u}上年结转结余预算情况说明", 2)
    w.tag("if t.t11.empty")
    w.p(f"{u}无上年结转结余预算的支出，上年结转结余情况明细表为空表。")
    w.tag("else")
    w.p(f"{u}使用上年结转结余安排的支出{{{{ n.carryover.total|wan }}}}万元，其中：财政拨款结转{{{{ n.carryover.fiscal|wan }}}}万元，"
        "非财政拨款结转结余{{ n.carryover.other|wan }}万元。")
    w.tag("endif")

    w.heading("十二、其他重要事项的情况说明", 2)
    w.heading("（一）{{ w.running_label(unit) }}情况", 3)
    w.p(f"{u}的{{{{ w.running_label(unit) }}}}财政拨款预算{{{{ n.running.current|wan }}}}万元，{{{{ w.change(n.running) }}}}"
        "{{ w.reason(n.running, \"。主要原因是\") }}。")
    w.heading("（二）政府采购情况", 3)
    w.p("{{ year }}年，{{ unit.name }}政府采购预算{{ n.other.procurement|wan }}万元，其中：政府采购货物预算"
        "{{ n.other.procurement_goods|wan }}万元，政府采购工程预算{{ n.other.procurement_works|wan }}万元，"
        "政府采购服务预算{{ n.other.procurement_services|wan }}万元。")
    w.p("{{ year }}年，{{ unit.name }}面向中小企业预留政府采购项目预算金额{{ n.other.procurement_sme|wan }}万元，"
        "小微企业预留政府采购项目预算金额{{ n.other.procurement_micro|wan }}万元。")
    w.heading("（三）国有资产占用使用情况", 3)
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
    w.heading("（四）预算绩效情况", 3)
    w.p("{{ year }}年，本单位预算绩效管理整体预算绩效目标{{ n.perf_counts.overall }}个，涉及金额"
        "{{ n.perf_counts.overall_amount|wan }}万元；当年财政拨款项目{{ n.perf_counts.fiscal }}个，涉及预算金额"
        "{{ n.perf_counts.fiscal_amount|wan }}万元；当年非财政拨款项目{{ n.perf_counts.other }}个，涉及预算金额"
        "{{ n.perf_counts.other_amount|wan }}万元。具体情况见下表（按项目分别填报）：")
    performance(w)
    w.heading("（五）其他需说明的事项", 3)
    w.p("本单位转移支付项目数{{ n.transfer.count }}个，涉及的预算资金数为{{ n.transfer.amount|wan }}万元。")


def performance(w: Writer) -> None:
    """单位整体绩效目标表 and one 项目支出绩效目标表 per project, landscape.

    The facts above the indicator header (unit, contact, goal, budget) are header rows too: Word and
    LibreOffice repeat only a table's leading rows, so on a continuation page the reader sees the facts
    and the column names again.
    """
    w.section(landscape=True)
    w.p("单位整体绩效目标表", "绩效表名")
    w.p("（{{ year }}年）", "绩效表年度")
    header = [
        [("单位名称（盖章）", 2, 1), None, ("{{ unit.name }}", 4, 1, TXT), None, None, None],
        [("单位联系人", 2, 1), None, ("{{ unit.contact }}", 1, 1, TXT), "联系电话", ("{{ unit.phone }}", 2, 1, TXT), None],
        [("年度绩效目标", 2, 1), None, ("{{ unit.overall_goal|br }}", 4, 1, "表格正文"), None, None, None],
        [("年度预算（万元）", 2, 4), None, ("资金来源", 2, 1), None, ("资金总额（万元）", 2, 1), None],
        [None, None, ("财政资金（万元）", 1, 2), "上级安排", ("{{ n.overall_perf.superior|wan }}", 2, 1, NUM), None],
        [None, None, None, "本级安排", ("{{ n.overall_perf.local|wan }}", 2, 1, NUM), None],
        [None, None, "其他资金（万元）", "其他", ("{{ n.overall_perf.other|wan }}", 2, 1, NUM), None],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标设定依据", "分值权重"],
    ]
    cells = [("{{ r.l1 }}", TXT), ("{{ r.l2 }}", TXT), ("{{ r.l3 }}", TXT), ("{{ r.value }}", TXT),
             ("{{ r.basis }}", TXT), ("{{ r.weight }}", CODE)]
    w.table([Flex(3.0), Flex(3.0), Flex(7.0), Flex(3.0), Flex(5.5), Flex(1.8)], header,
            loop_rows(6, "n.overall_perf.rows", cells))

    w.tag("for pp in n.project_perf")
    w.p("项目支出绩效目标表", "绩效表名", page_break=True)
    w.p("（{{ year }}年）", "绩效表年度")
    header = [
        [("预算单位", 2, 1), None, ("{{ unit.name }}", 7, 1, TXT)] + [None] * 6,
        [("项目名称", 2, 1), None, ("{{ pp.name }}", 3, 1, TXT), None, None, ("项目负责人", 2, 1), None,
         ("{{ pp.leader }}", 2, 1, TXT), None],
        [("项目资金（万元）", 2, 1), None, "年度预算总额", ("{{ pp.total|wan }}", 1, 1, NUM), "其中：财政拨款",
         ("{{ pp.fiscal|wan }}", 1, 1, NUM), "其他资金", ("{{ pp.other|wan }}", 2, 1, NUM), None],
        [("项目总体目标", 2, 1), None, ("{{ pp.goal|br }}", 7, 1, "表格正文")] + [None] * 6,
        ["一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值", "指标分值权重", "指标赋分规则", "佐证资料"],
    ]
    cells = [("{{ r.%s }}" % k, TXT) for k in ("l1", "l2", "l3", "value", "basis", "prior_value")]
    cells += [("{{ r.weight }}", CODE), ("{{ r.rule }}", TXT), ("{{ r.evidence }}", TXT)]
    w.table([Flex(2.2), Flex(2.4), Flex(5.2), Flex(2.6), Flex(2.8), Flex(2.4), Flex(1.8), Flex(2.6), Flex(2.0)],
            header, loop_rows(9, "pp.rows", cells))
    w.tag("endfor")
    w.section(landscape=False)


def part4(w: Writer) -> None:
    w.heading("第四部分 名词解释", 1)
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


def build(path: Path = OUT) -> Path:
    """Write the template to ``path`` (deterministic: the same script gives the same bytes)."""
    w = Writer()
    w.p('{%p import "wording.j2" as w %}')
    w.p("{{ unit.name }}{{ year }}年单位预算公开", "Title")
    toc_title = w.p("目    录", "目录标题")
    part1(w)
    part2(w)
    part3(w)
    part4(w)
    w.toc(toc_title)
    path.parent.mkdir(exist_ok=True)
    w.save(path)
    return path


def main() -> None:
    print(f"wrote {build()}")


if __name__ == "__main__":
    main()

"""Issue 11: templates/disclosure.docx is the one source of the Word template (edited in Word, WPS or
LibreOffice); these checks replace the script that used to generate it.

What the rendered document must look like (styles and East Asian fonts, A4 and GB/T 9704 margins, fixed
table widths, repeating header rows, TOC, footers) is checked on the rendered example in test_layout.py;
here the template itself: every tag intact and parseable, every name it uses given by the renderer, and a
message an office can act on when an edit in Word broke a tag.
"""
from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta
from lxml import etree

from gen.docxengine import TemplateError, WordTemplate
from gen.render import DOCX_TEMPLATE, TEMPLATES, environment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATE = TEMPLATES / DOCX_TEMPLATE
CONTEXT = {"unit", "year", "prior_year", "t", "n"}  # what gen.render.Renderer.render passes
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
STRUCT = re.compile(r"\{%-?\s*(p|tr|tc)\s+(.*?)\s*-?%\}", re.S)


def _paragraphs(path: Path):
    """(where, text) of every paragraph of the main part: "表7 第3行第2列" inside a table, "第N段" outside."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    caption, number = "正文", 0
    for p in root.iter(f"{W}p"):
        number += 1
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in ("表号", "绩效表名") and text.strip():
            caption = text.strip()
        tc = next(p.iterancestors(f"{W}tc"), None)
        if tc is not None:
            tr = tc.getparent()
            tbl = tr.getparent()
            where = f"{caption} 表格第{tbl.index(tr) - 1}行第{[c for c in tr if c.tag == f'{W}tc'].index(tc) + 1}列"
        else:
            where = f"第{number}段"
        yield where, text


def tag_problems(path: Path) -> list[str]:
    """Every broken tag of the template, each in words an office that edited it in Word can act on."""
    env = environment()
    problems = []
    for where, text in _paragraphs(path):
        if "{" not in text and "}" not in text:
            continue
        rest = TAG.sub("", text)
        if re.search(r"\{\{|\{%|\}\}|%\}", rest):
            problems.append(f"{where}（“{text}”）：标签不完整，“{{{{ }}}}”或“{{% %}}”缺了一半（可能在 Word 里被删掉或拆开了）。")
            continue
        struct = STRUCT.search(text)
        if struct and text.strip() != struct.group(0):
            problems.append(f"{where}（“{text}”）：{{%{struct.group(1)} … %}} 必须单独占一段，段内不能有其他文字。")
        for tag in TAG.findall(text):
            if tag.startswith("{{"):
                try:
                    env.parse(tag)
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(f"{where}（“{text}”）：标签 {tag} 写法有误（{exc.message}），请恢复原来的写法。")
    return problems


def test_every_tag_of_the_template_is_whole_and_parseable():
    assert tag_problems(TEMPLATE) == []
    WordTemplate(TEMPLATE, environment())  # block tags ({%p if %} … {%p endif %}) balanced over paragraphs


def test_the_template_uses_only_names_the_renderer_gives():
    env = environment()
    with zipfile.ZipFile(TEMPLATE) as zf:
        text = "".join("".join(t.text or "" for t in etree.fromstring(zf.read(name)).iter(f"{W}t"))
                       for name in zf.namelist() if re.fullmatch(r"word/(document|footer\d+|header\d+)\.xml", name))
    jinja = STRUCT.sub(lambda m: "{% " + m.group(2) + " %}", text)
    used = meta.find_undeclared_variables(env.parse(jinja))
    assert {"unit", "t", "n"} <= used <= CONTEXT | {"w"}, used - CONTEXT
    assert "w" not in used or 'import "wording.j2" as w' in text


def test_a_tag_broken_in_word_is_named_by_table_row_and_column(tmp_path):
    broken = tmp_path / "disclosure.docx"
    shutil.copy(TEMPLATE, broken)
    with zipfile.ZipFile(TEMPLATE) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert xml.count("{{ r.v[1]|amt }}") > 1
    parts["word/document.xml"] = xml.replace("{{ r.v[1]|amt }}", "{{ r.v[1]|amt }", 1).encode("utf-8")
    with zipfile.ZipFile(broken, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    problems = tag_problems(broken)
    assert problems == [problems[0]] and problems[0].startswith("表2 表格第5行第6列（“{{ r.v[1]|amt }”）"), problems
    assert "标签不完整" in problems[0]
    with pytest.raises(TemplateError, match="没有闭合"):  # and gen build says the same, naming the paragraph
        WordTemplate(broken, environment())


def test_the_template_is_the_source_not_a_generated_file():
    root = Path(__file__).parent.parent
    assert not (root / "tools" / "make_word_template.py").exists()
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 修改文档样式和措辞")[1].split("\n## ")[0]
    assert "make_word_template" not in section and "test_template" in section


def test_every_empty_table_is_followed_by_its_note():
    """Issue 10 item 8 in the template: each of 表4–表11, when empty, is followed by its 备注."""
    import docx
    from decimal import Decimal

    from gen.compute import compute
    from gen.reader import read_budget
    from gen.render import Renderer

    budget, _ = read_budget(next((Path(__file__).parent.parent / "inputs").glob("*.xlsx")))
    disclosure = compute(budget)
    for key in ("t5", "t6", "t7", "t10"):
        table = disclosure.tables[key]
        table.rows, table.total = [], [Decimal(0)] * len(table.total)
    disclosure.tables["t4"].update(rows=[], total=Decimal(0))
    document = docx.Document(io.BytesIO(Renderer().render(disclosure)))
    body = list(document.element.body.iterchildren())
    notes = {}
    for i, el in enumerate(body):
        if el.tag == f"{W}tbl":
            after = "".join(t.text or "" for t in body[i + 1].iter(f"{W}t")) if i + 1 < len(body) else ""
            notes[len(notes) + 1] = after if after.startswith("备注：") else None
    unit = disclosure.unit.name
    assert notes[4] == f"备注：{unit}2024年没有财政拨款收支预算，财政拨款收支预算总体情况表为空表。"
    assert notes[5] == f"备注：{unit}2024年没有使用一般公共预算拨款安排的支出，一般公共预算支出情况表为空表。"
    assert notes[6] == f"备注：{unit}2024年没有使用一般公共预算拨款安排的基本支出，一般公共预算基本支出情况表为空表。"
    assert notes[7] == f"备注：{unit}2024年没有使用一般公共预算拨款安排的项目支出，一般公共预算项目支出情况表为空表。"
    assert notes[10] == f"备注：{unit}2024年没有使用财政拨款安排“三公”经费，财政拨款“三公”经费支出情况表为空表。"
    assert all(notes[n] for n in (8, 9, 11))  # empty in the example already
    assert notes[1] is notes[2] is notes[3] is None

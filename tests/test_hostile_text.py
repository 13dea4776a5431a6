"""Issue 7: the clerk's text is data.  ``< > & " '``, ``{{ }}``, ``{% %}``, emoji and very long text are
reproduced literally in the built document, never interpreted; control characters are removed
with a 提示; a unit name Windows cannot use as a file name still gives a valid file name; and a
template that reaches for Python internals fails with a clear Chinese message."""
from __future__ import annotations

import copy
import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import make_workbook
from gen.build import build_unit
from gen.cli import main
from gen.reader import read_budget
from gen.render import TEMPLATES, Renderer

from xlsx_edit import set_cells, sha256

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STRICT = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False, huge_tree=True)

MARKUP = """<w:t>&amp; < > & " ' </w:p>"""
JINJA = "{{ 7*7 }} {% if true %}是{% endif %} {# 注释 #} {{ unit.__class__ }} {%p endfor %}"
EMOJI = "👨‍👩‍👧 😀 𠮷 ﷽ \u200d"
LONG = ("很长的文字" * 2000)[:10_000]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def document_text(data: bytes) -> str:
    """All text of every part a reader sees (body, footers), paragraph by paragraph; every part
    must be well-formed XML under a strict parser."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(zf.read(name), STRICT)
                for p in root.iter(f"{W}p"):
                    texts.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    docx.Document(io.BytesIO(data))  # python-docx opens it
    return "\n".join(texts)


def _hostile(content: dict, text: str) -> dict:
    """``text`` as the unit name, a project name (and its performance rows), a reason and a 职能."""
    content = copy.deepcopy(content)
    content["unit"]["name"] = "单位" + text
    old = content["projects"][0]["name"]
    content["projects"][0]["name"] = "项目" + text
    for row in content["project_perf"]:
        if row["project"] == old:
            row["project"] = "项目" + text
    gpb = content["totals"]["gpb"]
    gpb[2] = "原因" + text + "原因完"
    content["functions"][0]["text"] = "职能" + text + "职能完"
    return content


@pytest.mark.parametrize("text", [MARKUP, JINJA, EMOJI, LONG], ids=["markup", "jinja", "emoji", "long"])
def test_text_is_reproduced_literally(tmp_path, example_content, renderer, text):
    source = make_workbook(tmp_path, _hostile(example_content, text))
    result = build_unit(source, tmp_path / "out", renderer)
    assert result.status == "ok", (result.message, [f.describe() for f in result.findings.errors])
    body = document_text(result.output.read_bytes())
    for field in ("单位" + text, "项目" + text, "原因" + text + "原因完", "职能" + text + "职能完"):
        assert field in body, field[:80]
    if text is JINJA:
        assert "单位49" not in body and "{%p endfor %}" in body  # nothing was evaluated


def test_jinja_in_text_is_not_evaluated(tmp_path, example_content, renderer):
    content = _hostile(example_content, "{{ 7*7 }}")
    source = make_workbook(tmp_path, content)
    result = build_unit(source, tmp_path / "out", renderer)
    assert result.status == "ok"
    body = document_text(result.output.read_bytes())
    assert "单位{{ 7*7 }}" in body and "单位49" not in body


CONTROL = "\x01A\x07B\x0bC\x1fD\u202eE\ufeffF"  # what a paste from another system can carry


def test_control_characters_are_removed_with_a_note(tmp_path, example_workbook, renderer):
    path = set_cells(example_workbook, tmp_path / "a.xlsx", "单位信息", {"B3": "阿克陶县" + CONTROL + "社会保险中心"})
    path = set_cells(path, tmp_path / "b.xlsx", "主要职能", {"A4": "贯彻执行" + CONTROL + "社会保险的方针。"})
    path = set_cells(path, tmp_path / "c.xlsx", "收支总额", {"D4": "本年度" + CONTROL + "在职人员减少"})
    budget, findings = read_budget(path)
    assert budget.unit.name == "阿克陶县ABCDEF社会保险中心"
    for cell in ("单位信息!B3", "主要职能!A4", "收支总额!D4"):
        notes = [f for f in findings if cell in f.cells]
        assert notes and notes[0].severity == "warning" and "控制字符" in notes[0].message, cell
    result = build_unit(path, tmp_path / "out", renderer)
    assert result.status == "ok", [f.describe() for f in result.findings.errors]
    body = document_text(result.output.read_bytes())
    assert "阿克陶县ABCDEF社会保险中心" in body and "贯彻执行ABCDEF社会保险的方针" in body
    assert "本年度ABCDEF在职人员减少" in body
    assert not any(ch in body for ch in "\x01\x07\x0b\x1f\u202e\ufeff")
    assert result.output.name == "阿克陶县ABCDEF社会保险中心2024年单位预算公开.docx"


@pytest.mark.parametrize("name", ['阿克陶/县\\社:会*保?险"中<心>|', "CON", "  . 单位. ", "单位\n第二行",
                                  "很长的单位名称" * 1500])
def test_unit_name_gives_a_valid_file_name(tmp_path, example_content, renderer, name):
    content = copy.deepcopy(example_content)
    content["unit"]["name"] = name
    source = make_workbook(tmp_path, content)
    result = build_unit(source, tmp_path / "out", renderer)
    assert result.status == "ok", [f.describe() for f in result.findings.errors]
    file_name = result.output.name
    assert not set(file_name) & set('/\\:*?"<>|\n\r\t')
    assert len(file_name.encode("utf-8")) <= 200 and file_name.endswith("2024年单位预算公开.docx")
    assert result.output.exists() and result.output.parent == tmp_path / "out"
    body = document_text(result.output.read_bytes())
    assert name.strip().split("\n")[0] in body  # the document keeps the name as written


def test_input_is_not_modified_by_a_hostile_build(tmp_path, example_content, renderer):
    source = make_workbook(tmp_path, _hostile(example_content, MARKUP + JINJA))
    before = sha256(source)
    assert build_unit(source, tmp_path / "out", renderer).status == "ok"
    assert sha256(source) == before


# =============================================================================================
# The template sandbox


def _templates(tmp_path: Path, document=None, wording=None) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    if document:
        path = folder / "disclosure.docx"
        with zipfile.ZipFile(path) as zf:
            parts = {i.filename: zf.read(i) for i in zf.infolist()}
        parts["word/document.xml"] = document(parts["word/document.xml"].decode()).encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
    if wording:
        path = folder / "wording.j2"
        path.write_text(wording(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


ESCAPES = {
    "paragraph": dict(document=lambda xml: xml.replace("{{ unit.name }}", "{{ unit.__class__.__mro__ }}", 1)),
    "subclasses": dict(document=lambda xml: xml.replace(
        "{{ unit.name }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}", 1)),
    "globals": dict(document=lambda xml: xml.replace(
        "{{ unit.name }}", "{{ cycler.__init__.__globals__.os.system('id') }}", 1)),
    "wording": dict(wording=lambda text: text.replace("{{ c.reason|clause }}", "{{ c.reason.__class__.__mro__ }}", 1)),
}


@pytest.mark.parametrize("escape", ESCAPES, ids=list(ESCAPES))
def test_template_reaching_for_internals_fails_clearly(tmp_path, example_workbook, escape):
    folder = _templates(tmp_path, **ESCAPES[escape])
    result = build_unit(example_workbook, tmp_path / "out", Renderer(folder))
    assert result.status == "failed" and result.output is None
    assert "模板" in result.message and "受限的内部属性" in result.message, result.message
    assert "Traceback" not in result.message and str(folder) in result.message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_template_escape_through_the_cli(tmp_path, example_workbook, monkeypatch):
    import gen.render
    folder = _templates(tmp_path, **ESCAPES["paragraph"])
    monkeypatch.setattr(gen.render, "Renderer", lambda *a, **k: Renderer(folder))
    result = CliRunner().invoke(main, ["build", str(example_workbook), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert "模板" in result.output and "受限的内部属性" in result.output and "Traceback" not in result.output
    assert example_workbook.name in result.output


def test_broken_template_syntax_fails_clearly_through_the_cli(tmp_path, example_workbook, monkeypatch):
    import gen.render
    folder = _templates(tmp_path, document=lambda xml: xml.replace("{{ unit.name }}", "{{ unit.name ", 1))
    monkeypatch.setattr(gen.render, "Renderer", lambda *a, **k: Renderer(folder))
    result = CliRunner().invoke(main, ["build", str(example_workbook), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert "模板" in result.output and "Traceback" not in result.output

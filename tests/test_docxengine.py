"""Tests for gen.docxengine: templates are built here with python-docx, rendered with the engine
and read back with python-docx (or as raw XML where the structure matters).

Benchmark (11 tables x 30 rows):  python -m tests.test_docxengine   (from the repository root)
"""

from __future__ import annotations

import io
import random
import sys
import time
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # allow plain `pytest` as well as `python -m pytest`
    sys.path.insert(0, str(_ROOT))
sys.path.insert(0, str(_ROOT / "tools"))  # the benchmark's docxtpl template (tools/bench.py)

from bench import NCOLS, make_docxtpl_template  # noqa: E402
from gen.docxengine import TemplateError, WordTemplate, make_environment  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ------------------------------------------------------------------------------------ helpers


@pytest.fixture
def env(tmp_path):
    return make_environment(tmp_path)


def save(doc, tmp_path, name="tpl.docx") -> Path:
    path = tmp_path / name
    doc.save(path)
    return path


def doc_with(*paragraphs: str) -> Document:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    return doc


def render_doc(path, env, context) -> Document:
    return Document(io.BytesIO(WordTemplate(path, env).render(context)))


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def cell_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def part_xml(data: bytes, name: str = "word/document.xml") -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


# ------------------------------------------------------------------------------------ rendering


def test_tag_split_over_three_runs(tmp_path, env):
    doc = Document()
    p = doc.add_paragraph("单位：")
    first = p.add_run("{{ un")
    first.bold = True
    p.add_run("it.na")
    p.add_run("me }} 预算")
    path = save(doc, tmp_path)

    data = WordTemplate(path, env).render({"unit": {"name": "社保中心"}})

    out = Document(io.BytesIO(data))
    assert out.paragraphs[0].text == "单位：社保中心 预算"
    runs = out.paragraphs[0].runs
    # The tag took the formatting of the run it started in; literal text kept its own runs.
    assert [(r.text, bool(r.bold)) for r in runs] == [("单位：", False), ("社保中心", True), (" 预算", False)]
    # The leading space of the last run survives because its w:t is marked preserve.
    assert 'xml:space="preserve"> 预算</w:t>' in part_xml(data)


def test_split_tag_keeps_non_text_children(tmp_path, env):
    # What Word/WPS write: runs split by spell-check marks and a bookmark inside the tag.
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("合计\t")
    p.add_run("{{ to")
    tail = p.add_run("tal }}万元")
    proof = OxmlElement("w:proofErr")
    proof.set(qn("w:type"), "spellStart")
    bookmark = OxmlElement("w:bookmarkStart")
    bookmark.set(qn("w:id"), "0")
    bookmark.set(qn("w:name"), "amount")
    tail._r.addprevious(proof)
    tail._r.addprevious(bookmark)
    path = save(doc, tmp_path)
    data = WordTemplate(path, env).render({"total": "12.50"})
    para = etree.fromstring(part_xml(data).encode()).find(f".//{W}body/{W}p")
    assert "".join(t.text for t in para.iter(f"{W}t")) == "合计12.50万元"
    assert [c.tag.split("}")[1] for c in para] == ["r", "r", "proofErr", "bookmarkStart", "r"]
    assert para[0].find(f"{W}tab") is not None
    assert Document(io.BytesIO(data)).paragraphs[0].text == "合计\t12.50万元"


def test_tag_split_with_less_than_inside_if(tmp_path, env):
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("{% if a <")
    p.add_run(" b and c %}小{% else %}大{% endif %}")
    path = save(doc, tmp_path)
    assert texts(render_doc(path, env, {"a": 1, "b": 2, "c": True}))[0] == "小"
    assert texts(render_doc(path, env, {"a": 3, "b": 2, "c": True}))[0] == "大"


def test_tr_for_loop_repeats_rows(tmp_path, env):
    doc = Document()
    table = doc.add_table(rows=5, cols=2)
    table.rows[0].cells[0].text = "项目"
    table.rows[0].cells[1].text = "金额"
    table.rows[1].cells[0].text = "{%tr for r in rows %}"
    table.rows[2].cells[0].text = "{{ r.name }}"
    table.rows[2].cells[1].text = "{{ r.amount }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    table.rows[4].cells[0].text = "合计"
    table.rows[4].cells[1].text = "{{ total }}"
    path = save(doc, tmp_path)
    template = WordTemplate(path, env)

    rows = [{"name": "工资福利支出", "amount": "1.00"}, {"name": "商品和服务支出", "amount": "2.00"},
            {"name": "其他", "amount": "3.00"}]
    out = Document(io.BytesIO(template.render({"rows": rows, "total": "6.00"})))
    got = [[c.text for c in row.cells] for row in out.tables[0].rows]
    assert got == [["项目", "金额"], ["工资福利支出", "1.00"], ["商品和服务支出", "2.00"], ["其他", "3.00"],
                   ["合计", "6.00"]]

    empty = Document(io.BytesIO(template.render({"rows": [], "total": ""})))
    assert [[c.text for c in row.cells] for row in empty.tables[0].rows] == [["项目", "金额"], ["合计", ""]]


def test_tc_for_loop_repeats_cells(tmp_path, env):
    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    table.rows[0].cells[0].text = "{%tc for c in cols %}"
    table.rows[0].cells[1].text = "{{ c }}"
    table.rows[0].cells[2].text = "{%tc endfor %}"
    path = save(doc, tmp_path)
    data = WordTemplate(path, env).render({"cols": ["甲", "乙", "丙", "丁"]})
    row = etree.fromstring(part_xml(data).encode()).find(f".//{W}tr")
    assert [cell_text(tc) for tc in row.findall(f"{W}tc")] == ["甲", "乙", "丙", "丁"]


def test_p_if_makes_paragraphs_conditional(tmp_path, env):
    path = save(doc_with("开头", "{%p if show %}", "条件段落 {{ word }}", "{%p endif %}", "结尾"), tmp_path)
    template = WordTemplate(path, env)
    shown = Document(io.BytesIO(template.render({"show": True, "word": "在"})))
    hidden = Document(io.BytesIO(template.render({"show": False, "word": "在"})))
    assert texts(shown) == ["开头", "条件段落 在", "结尾"]
    assert texts(hidden) == ["开头", "结尾"]


def test_p_for_loop_repeats_whole_tables(tmp_path, env):
    doc = doc_with("{%p for t in tables %}", "表{{ loop.index }} {{ t.title }}")
    table = doc.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "{{ t.value }}"
    doc.add_paragraph("{%p endfor %}")
    path = save(doc, tmp_path)
    out = render_doc(path, env, {"tables": [{"title": "收入", "value": "1"}, {"title": "支出", "value": "2"}]})
    assert texts(out) == ["表1 收入", "表2 支出"]
    assert [t.rows[0].cells[0].text for t in out.tables] == ["1", "2"]


def test_header_and_footer_tags_are_rendered(tmp_path, env):
    doc = doc_with("正文 {{ unit }}")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "页眉 {{ unit }}"
    section.footer.paragraphs[0].text = "{{ year }}年 页脚"
    path = save(doc, tmp_path)
    out = render_doc(path, env, {"unit": "阿克陶县社会保险中心", "year": 2025})
    assert out.sections[0].header.paragraphs[0].text == "页眉 阿克陶县社会保险中心"
    assert out.sections[0].footer.paragraphs[0].text == "2025年 页脚"
    assert texts(out) == ["正文 阿克陶县社会保险中心"]


def test_core_properties_tags_and_document_date(tmp_path, env):
    doc = doc_with("x")
    doc.core_properties.title = "{{ unit }}预算公开"
    path = save(doc, tmp_path)
    template = WordTemplate(path, env)
    out = Document(io.BytesIO(template.render({"unit": "A&B", "_document_date": "2025-01-15"})))
    assert out.core_properties.title == "A&B预算公开"
    assert out.core_properties.created.isoformat() == "2025-01-15T00:00:00+00:00"
    assert out.core_properties.modified.isoformat() == "2025-01-15T00:00:00+00:00"
    # Without _document_date the template's value stays.
    original = Document(path).core_properties.created
    kept = Document(io.BytesIO(template.render({"unit": "A&B"})))
    assert kept.core_properties.created == original
    with pytest.raises(ValueError):
        template.render({"unit": "x", "_document_date": "去年"})
    # core.xml without tags is pinned too.
    plain = save(doc_with("{{ unit }}"), tmp_path, "plain.docx")
    out = Document(io.BytesIO(WordTemplate(plain, env).render({"unit": "u", "_document_date": "2024-12-31"})))
    assert out.core_properties.modified.isoformat() == "2024-12-31T00:00:00+00:00"


@pytest.mark.parametrize(
    "value",
    [
        "100<100 & \"x\" 'y'",
        "{{ 7*7 }}",
        "{% if %}{% endif %}",
        "{# not a comment #}",
        "</w:t></w:r><w:r><w:t>injected",
        "预算😀🇨🇳 emoji",
        "“弯引号”‘单引号’",
        "长" * 10_000,
    ],
)
def test_data_renders_literally(tmp_path, env, value):
    path = save(doc_with("[{{ v }}]"), tmp_path)
    assert texts(render_doc(path, env, {"v": value})) == [f"[{value}]"]


def test_text_elements_with_tags_preserve_spaces(tmp_path, env):
    path = save(doc_with("{{ v }}"), tmp_path)
    data = WordTemplate(path, env).render({"v": "  前导与结尾空格  "})
    t = etree.fromstring(part_xml(data).encode()).find(f".//{W}t")
    assert t.text == "  前导与结尾空格  "
    assert t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"


def test_smart_quotes_folded_inside_tags_only(tmp_path, env):
    path = save(doc_with("他说“你好”：{{ d[“k”] ~ ‘!’ }}", "{%p if d[“k”] == ‘值’ %}", "‘条件’成立", "{%p endif %}"),
                tmp_path)
    assert texts(render_doc(path, env, {"d": {"k": "值"}})) == ["他说“你好”：值!", "‘条件’成立"]


def test_private_use_text_in_template_is_not_mistaken_for_a_placeholder(tmp_path, env):
    literal = "\ue0000\ue001 \ue000 \uf8f0"
    path = save(doc_with(f"{literal}{{{{ v }}}}"), tmp_path)
    assert texts(render_doc(path, env, {"v": "x"})) == [f"{literal}x"]


def test_control_characters_are_removed(tmp_path, env):
    path = save(doc_with("{{ v }}|{{ n }}"), tmp_path)
    dirty = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffffi\ud800j"

    class Obj:
        def __str__(self):
            return "o\x02k"

    data = WordTemplate(path, env).render({"v": dirty, "n": Obj()})
    assert texts(Document(io.BytesIO(data))) == ["abcdefghij|ok"]


def test_br_filter_makes_line_breaks_in_the_same_run(tmp_path, env):
    path = save(doc_with("说明：{{ v|br }}"), tmp_path)
    data = WordTemplate(path, env).render({"v": "第一行 <a&b>\n第二行\t制表\r\n\x01第三行"})
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    run = root.find(f".//{W}body/{W}p/{W}r")
    assert [child.tag.split("}")[1] for child in run] == ["t", "br", "t", "tab", "t", "br", "t"]
    out = Document(io.BytesIO(data))
    assert out.paragraphs[0].text == "说明：第一行 <a&b>\n第二行\t制表\n第三行"


def test_two_renders_are_byte_identical(tmp_path, env, monkeypatch):
    doc = doc_with("{{ a }}")
    doc.sections[0].header.paragraphs[0].text = "{{ a }}"
    path = save(doc, tmp_path)
    template = WordTemplate(path, env)
    context = {"a": "同一个"}
    first = template.render(context)
    # A zip writer that used the clock would now produce different timestamps.
    later = time.time() + 86_400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    second = template.render(context)
    assert first == second
    assert WordTemplate(path, env).render(context) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.testzip() is None
    infos = archive.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {(i.compress_type, i.external_attr) for i in infos} == {(zipfile.ZIP_DEFLATED, 0o644 << 16)}
    assert [i.filename for i in infos] == zipfile.ZipFile(path).namelist()
    # Unchanged parts are copied byte for byte.
    template_zip = zipfile.ZipFile(path)
    assert archive.read("word/styles.xml") == template_zip.read("word/styles.xml")
    assert template.render({"a": "不同"}) != first


# ------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    "payload",
    [
        "{{ x.__class__.__mro__ }}",
        "{{ x.__class__.__mro__[1].__subclasses__()|length }}",
        "{% if x.__class__ %}y{% endif %}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_escape_raises_template_error(tmp_path, env, payload):
    path = save(doc_with("第一段", f"危险 {payload}"), tmp_path)
    template = WordTemplate(path, env)
    with pytest.raises(TemplateError) as info:
        template.render({"x": "s"})
    message = str(info.value)
    assert str(path) in message
    assert "受限的内部属性" in message
    assert "第2段" in message and "危险" in message
    assert isinstance(info.value.__cause__, jinja2.sandbox.SecurityError)


def test_undefined_variable_names_nearby_paragraph(tmp_path, env):
    path = save(doc_with("第一段", "第二段 {{ missing_var }} 结尾", "第三段 {{ ok }}"), tmp_path)
    with pytest.raises(TemplateError) as info:
        WordTemplate(path, env).render({"ok": 1})
    message = str(info.value)
    assert str(path) in message
    assert "第二段 {{ missing_var }} 结尾" in message
    assert "missing_var" in message
    assert info.value.paragraph == 2


def test_undefined_inside_row_loop_names_the_cell_paragraph(tmp_path, env):
    doc = doc_with("表1")
    table = doc.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in rows %}"
    table.rows[1].cells[0].text = "{{ r.name }}"
    table.rows[1].cells[1].text = "{{ r.amout }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    doc.sections[0].footer.paragraphs[0].text = "{{ nope }}"
    path = save(doc, tmp_path)
    template = WordTemplate(path, env)
    with pytest.raises(TemplateError) as info:
        template.render({"rows": [{"name": "a", "amount": 1}], "nope": ""})
    assert "{{ r.amout }}" in str(info.value)
    assert "amout" in str(info.value)
    with pytest.raises(TemplateError) as info:
        template.render({"rows": []})
    assert "页脚" in str(info.value) and "{{ nope }}" in str(info.value)


def test_unclosed_if_names_the_opening_paragraph(tmp_path, env):
    # Jinja itself reports the end of the template (here: the last paragraph), not the {% if %}.
    path = save(doc_with("开头", "{% if x %}未闭合的条件", "中间 {{ y }}", "结尾 {{ z }}"), tmp_path)
    with pytest.raises(TemplateError) as info:
        WordTemplate(path, env)
    message = str(info.value)
    assert str(path) in message
    assert "未闭合的条件" in message and "结尾" not in message
    assert "endif" in message
    assert info.value.paragraph == 2


def test_unclosed_p_if_is_a_template_error(tmp_path, env):
    path = save(doc_with("开头", "{%p if x %}", "正文"), tmp_path)
    with pytest.raises(TemplateError) as info:
        WordTemplate(path, env)
    assert "{%p if x %}" in str(info.value)


def test_tag_not_closed_within_paragraph(tmp_path, env):
    path = save(doc_with("金额 {{ amount ", "}} 万元"), tmp_path)
    with pytest.raises(TemplateError) as info:
        WordTemplate(path, env)
    assert "金额 {{ amount" in str(info.value) and "没有闭合" in str(info.value)


def test_other_syntax_error_names_paragraph(tmp_path, env):
    path = save(doc_with("一", "{{ v|no_such_filter }}"), tmp_path)
    with pytest.raises(TemplateError) as info:
        WordTemplate(path, env)
    assert "第2段" in str(info.value) and "no_such_filter" in str(info.value)


def test_structural_tag_with_other_text_is_rejected(tmp_path, env):
    path = save(doc_with("说明 {%p if x %}"), tmp_path)
    with pytest.raises(TemplateError, match="单独占一段"):
        WordTemplate(path, env)


def test_tr_marker_row_with_other_text_is_rejected(tmp_path, env):
    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in rows %}"
    table.rows[0].cells[1].text = "会被吞掉的文字"
    table.rows[1].cells[0].text = "{%tr endfor %}"
    path = save(doc, tmp_path)
    with pytest.raises(TemplateError, match="会被吞掉的文字"):
        WordTemplate(path, env)


def test_malformed_render_result_is_rejected(tmp_path, env):
    from markupsafe import Markup
    path = save(doc_with("{{ v }}"), tmp_path)
    template = WordTemplate(path, env)
    assert texts(Document(io.BytesIO(template.render({"v": Markup("ok")})))) == ["ok"]
    with pytest.raises(TemplateError) as info:
        template.render({"v": Markup("<broken")})
    assert "word/document.xml" in str(info.value) and str(path) in str(info.value)


def test_environment_without_safety_is_refused(tmp_path):
    path = save(doc_with("{{ a }}"), tmp_path)
    with pytest.raises(TypeError):
        WordTemplate(path, jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined))
    with pytest.raises(ValueError):
        WordTemplate(path, jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined))
    with pytest.raises(ValueError):
        WordTemplate(path, jinja2.sandbox.SandboxedEnvironment(autoescape=True))


def test_environment_configuration(tmp_path):
    env = make_environment(tmp_path)
    assert isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined
    assert not env.trim_blocks and not env.lstrip_blocks and env.keep_trailing_newline
    (tmp_path / "inc.txt").write_text("x", encoding="utf-8")
    assert env.get_template("inc.txt").render() == "x"
    assert str(env.from_string("{{ v|br }}").render(v="a<\nb")) == 'a&lt;</w:t><w:br/><w:t xml:space="preserve">b'


# ------------------------------------------------------------------------------------ big document

def budget_context(seed: int, rows: int) -> dict:
    rnd = random.Random(seed)
    ctx = {
        "unit": {"name": f"阿克陶县社会保险中心{seed} & <测试>"}, "year": 2025,
        "n": {"income": rnd.uniform(100, 5000), "delta": rnd.uniform(-300, 300), "pct": rnd.uniform(-20, 20),
              "reason": "人员变动 & 项目调整"},
    }
    for t, ncols in enumerate(NCOLS):
        ctx[f"t{t}"] = [["%.2f" % rnd.uniform(0, 5000) if j > 3 else str(rnd.randint(200, 230))
                         for j in range(ncols)] for _ in range(rows)]
        ctx[f"tot{t}"] = ["%.2f" % rnd.uniform(0, 9000) for _ in range(ncols)]
    return ctx


def test_budget_document_structure(tmp_path):
    """The 11-table document of anchors-docgen.md Appendix A (the benchmark's docxtpl template) renders
    with every row and both repeating header rows; `python tools/bench.py` measures its speed."""
    template = WordTemplate(make_docxtpl_template(tmp_path / "budget.docx"), make_environment(tmp_path))
    ctx = budget_context(1, 30)
    data = template.render(ctx)
    out = Document(io.BytesIO(data))
    tables = etree.fromstring(part_xml(data).encode()).findall(f"{W}body/{W}tbl")
    assert len(tables) == 11
    for t, table in enumerate(tables):
        rows = table.findall(f"{W}tr")
        assert len(rows) == 2 + 30 + 1
        assert sum(1 for r in rows if r.find(f"{W}trPr/{W}tblHeader") is not None) == 2
        first_body = [cell_text(tc) for tc in rows[2].findall(f"{W}tc")]
        assert first_body == ctx[f"t{t}"][0]
    assert out.paragraphs[1].text.startswith(f"{ctx['unit']['name']}2025年收入预算")


def test_safe_filter_is_not_available_to_templates(tmp_path, env):
    path = save(doc_with("{{ v|safe }}"), tmp_path)
    with pytest.raises(TemplateError):
        WordTemplate(path, env).render({"v": "<w:br/>"})


def test_empty_cell_renders_nothing(tmp_path, env):
    path = save(doc_with("a{{ v }}b"), tmp_path)
    assert texts(Document(io.BytesIO(WordTemplate(path, env).render({"v": None})))) == ["ab"]

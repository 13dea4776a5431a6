"""Precompiled, sandboxed, strict Jinja rendering of .docx templates.

Why this exists instead of docxtpl (see shared/reference/anchors-docgen.md §3, §6):

* docxtpl re-opens the template, regex-patches the whole XML and recompiles it with Jinja on
  *every* render (~60-100 ms of a ~160 ms render).  Here the template is read, patched (with
  lxml, on the tree) and compiled exactly once per process; a render is then "Jinja render the
  precompiled parts + strict well-formedness parse + zip".
* docxtpl runs with autoescape off and repairs broken output with ``recover=True``, which
  silently eats data such as ``100<100 & x``.  Here autoescape is always on, XML-illegal control
  characters are stripped from every output, and any malformed result is an error.
* docxtpl runs unsandboxed Jinja; here templates run in ``SandboxedEnvironment`` so a template
  cannot reach Python internals.
* docxtpl's runtime errors carry no location.  Here every error names the template file and the
  text of the paragraph it happened in, in Chinese, because the people who fix templates are the
  finance staff who edit them in Word/WPS.

Template syntax is docxtpl-compatible for the subset we support: ``{{ expr }}``,
``{% stmt %}``, ``{# comment #}`` anywhere in paragraph text, plus the structural tags
``{%p ... %}`` (whole paragraph), ``{%tr ... %}`` (whole table row) and ``{%tc ... %}``
(whole table cell), which are replaced by the bare Jinja tag so that paragraphs, rows, cells and
whole tables can be made conditional or repeated.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import os
import re
import struct
import zipfile
import zlib
from typing import Any
from xml.parsers import expat

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

__all__ = ["TemplateError", "WordTemplate", "make_environment"]

# --------------------------------------------------------------------------------------------
# Constants

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_P = f"{{{_W}}}p"
_W_R = f"{{{_W}}}r"
_W_T = f"{{{_W}}}t"
_W_TC = f"{{{_W}}}tc"
_W_TR = f"{{{_W}}}tr"
_W_RPR = f"{{{_W}}}rPr"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

_CORE_PART = "docProps/core.xml"
_MAIN_PART = "word/document.xml"
# Parts that may hold template tags.  Everything else is copied byte for byte.
_TEMPLATABLE_PART = re.compile(
    r"word/(?:document|header[^/]*|footer[^/]*|footnotes|endnotes)\.xml|docProps/core\.xml"
)

# Jinja's default delimiters.  Non-greedy, so a tag ends at the first closer; that is also how
# Jinja's lexer sees a tag unless a string literal inside it contains the closer, and even then
# the exact source text is preserved (only run boundaries are affected).
_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Openers of tags that must close inside the same paragraph.  ``{#`` may legitimately span
# paragraphs (commenting out a range), so it is not checked.
_OPENER_RE = re.compile(r"\{\{|\{%")
# docxtpl structural tags: ``{%p if x %}``, ``{%tr for r in rows %}``, ``{%tc endfor %}``.
_STRUCT_RE = re.compile(r"\{%(-?)\s*(p|tr|tc)\s+(.*?)\s*(-?)%\}", re.S)
_STRUCT_ANY_RE = re.compile(r"\{%-?\s*(?:p|tr|tc)\s")
# Word autocorrect turns the quotes of string literals into typographic quotes.
_QUOTE_FOLD = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})

# Placeholders used while the tree is serialised: <open><n><close> is replaced by entry n of a
# side table.  This keeps tag text out of lxml's escaping, so no regex ever has to un-escape
# ``&lt;`` back inside tags, and literal text can never be touched by accident.  The opening
# character is a private-use code point chosen per part so that it does not occur in the part.
_PH_CANDIDATES = "\ue000\uf8f0\U000f0000\U0010fff0"
_PH_CLOSE = "\ue001"

# Characters that are not allowed in XML 1.0 (plus lone surrogates, which cannot be encoded).
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
# Zip output: every member gets the same timestamp (1980-01-01 00:00:00 in DOS format), the
# same attributes and "made by Unix", so identical input gives identical bytes on any machine.
_ZIP_DOS_TIME = 0
_ZIP_DOS_DATE = (1 << 5) | 1  # (year-1980)<<9 | month<<5 | day
_ZIP_FILE_ATTR = 0o644 << 16
_ZIP_DIR_ATTR = (0o40755 << 16) | 0x10
# Unchanged parts are deflated once at load with a good ratio; rendered parts every time, with
# the fastest level (less than half the time of level 6; for the 11-table benchmark document
# the rendered body compresses to 19.5 KB instead of 15.6 KB).
_DEFLATE_STATIC_LEVEL = 6
_DEFLATE_RENDERED_LEVEL = 1

# Jinja block tags that need an ``end<name>``; used to point at the unclosed one.
_BLOCK_TAGS = frozenset(
    {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans", "set"}
)

_BR_JOIN = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB_JOIN = '</w:t><w:tab/><w:t xml:space="preserve">'
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------------------------
# Errors


class TemplateError(Exception):
    """A template problem, reported in Chinese with the template file and nearby paragraph text.

    The people who fix templates edit them in Word/WPS and cannot use a Jinja line number, so the
    message quotes the paragraph text they will see.  Structured fields are kept for callers that
    want to collect errors: ``template`` (path as given), ``part`` (zip member), ``paragraph``
    (1-based paragraph number within that part, counting table-cell paragraphs), and
    ``paragraph_text``.
    """

    def __init__(
        self,
        message: str,
        *,
        template: str | None = None,
        part: str | None = None,
        paragraph: int | None = None,
        paragraph_text: str | None = None,
    ) -> None:
        super().__init__(message)
        self.template = template
        self.part = part
        self.paragraph = paragraph
        self.paragraph_text = paragraph_text


# --------------------------------------------------------------------------------------------
# Environment


def _finalize(value: Any) -> Any:
    """Clean every ``{{ }}`` output before autoescape.

    Data from spreadsheets can carry control characters that make the part unparseable; they are
    dropped here so that the strict parse after rendering only fails on real bugs.  ``Markup``
    is trusted: it is XML the engine (e.g. the ``br`` filter) produced and already cleaned.  Any
    other object, including foreign objects with ``__html__``, is turned into a plain string so
    autoescape treats it as data.
    """
    if isinstance(value, Markup):
        return value
    if value is None:  # an empty workbook cell prints nothing, never "None"
        return ""
    if type(value) is str:
        # isprintable() is a fast C check that is False for every character we strip.
        return value if value.isprintable() else _XML_ILLEGAL_RE.sub("", value)
    if type(value) in (int, float, bool):
        return value
    # str() of StrictUndefined raises UndefinedError, which is what we want.
    return _XML_ILLEGAL_RE.sub("", str(value))


def _br_filter(value: Any) -> Markup:
    """``{{ text|br }}``: line breaks and tabs in data become ``w:br``/``w:tab`` in the same run.

    Only the tags are raw; every piece of data is escaped.  It must be used inside run text (the
    normal place for a ``{{ }}``); the ``w:t`` around it is marked ``xml:space="preserve"`` by the
    preprocessor so leading spaces of continuation lines survive.
    """
    was_markup = isinstance(value, Markup)
    text = value if isinstance(value, str) else str(value)
    text = _XML_ILLEGAL_RE.sub("", text)
    if was_markup:
        text = Markup(text)
    lines = _NEWLINE_RE.split(text)
    return Markup(_BR_JOIN.join(_TAB_JOIN.join(escape(seg) for seg in line.split("\t")) for line in lines))


def make_environment(loader_dir: str | os.PathLike[str]) -> SandboxedEnvironment:
    """The one environment configuration the engine is meant to run with.

    Sandboxed (templates are edited by people outside the development team), autoescaped (data
    must never become markup), strict about undefined names (a typo must not render blank), with
    a ``finalize`` hook that strips XML-illegal characters, and the ``br`` filter registered.
    Block trimming stays off so that the template XML is reproduced exactly.
    """
    env = SandboxedEnvironment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        loader=jinja2.FileSystemLoader(os.fspath(loader_dir)),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["br"] = _br_filter
    # |safe would let a template (or data routed through it) inject raw XML past autoescape.
    del env.filters["safe"]
    return env


# --------------------------------------------------------------------------------------------
# Template


def _strict_parser() -> etree.XMLParser:
    # A fresh parser per use: lxml parsers must not be shared between threads.  No recovery, no
    # entities, no network: OOXML parts never need them.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)


def _part_label(part: str) -> str:
    if part == _MAIN_PART:
        return ""
    base = part.rsplit("/", 1)[-1]
    for prefix, label in (
        ("header", "页眉"),
        ("footer", "页脚"),
        ("footnotes", "脚注"),
        ("endnotes", "尾注"),
        ("core", "文档属性"),
    ):
        if base.startswith(prefix):
            return f" 的{label}（{part}）"
    return f" 的部件 {part}"


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _remove_keep_tail(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text (lxml's ``remove`` drops it)."""
    _replace_with_text(el, "")


def _replace_with_text(el: etree._Element, text: str) -> None:
    """Replace ``el`` by a text node (stored as the previous sibling's tail or parent's text)."""
    parent = el.getparent()
    text = text + (el.tail or "")
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(el)


def _insert_text_before(el: etree._Element, text: str) -> None:
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def _nearest(el: etree._Element, tag: str) -> etree._Element | None:
    return next(el.iterancestors(tag), None)


def _iso_w3cdtf(value: Any) -> str:
    """``_document_date`` (date, datetime or ISO string) as the W3CDTF text core.xml expects."""
    if isinstance(value, _dt.datetime):
        moment = value
    elif isinstance(value, _dt.date):
        moment = _dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"_document_date 不是合法的 ISO 日期：{value!r}") from None
    else:
        raise ValueError(f"_document_date 不是合法的 ISO 日期：{value!r}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


_ZipMember = tuple  # (name bytes, flags, crc32, size, deflated bytes, external attributes)


def _zip_member(name: str, data: bytes, level: int) -> _ZipMember:
    encoded = name.encode("utf-8")
    flags = 0 if encoded.isascii() else 0x800  # bit 11: name is UTF-8
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    payload = compressor.compress(data) + compressor.flush()
    attr = _ZIP_DIR_ATTR if name.endswith("/") else _ZIP_FILE_ATTR
    return (encoded, flags, zlib.crc32(data), len(data), payload, attr)


def _write_zip(members: list[_ZipMember]) -> bytes:
    """A plain deflate zip with fixed timestamps/attributes, in the given member order.

    Written by hand rather than with ``zipfile`` because ``zipfile`` cannot store data that is
    already compressed: recompressing the template's unchanged parts (styles, theme, fonts...)
    on every render cost more than rendering the document itself.  The format is the classic
    one (no zip64, no data descriptors, no extra fields); checked with ``zipfile.testzip``,
    python-docx and LibreOffice.
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, flags, crc, size, payload, attr in members:
        if size > 0xFFFFFFFF or len(payload) > 0xFFFFFFFF:
            raise ValueError(f"部件 {name.decode()} 超过 4 GB，不支持")
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, _ZIP_DOS_TIME, _ZIP_DOS_DATE,
                            crc, len(payload), size, len(name), 0) + name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, 8,
                                   _ZIP_DOS_TIME, _ZIP_DOS_DATE, crc, len(payload), size, len(name),
                                   0, 0, 0, 0, attr, offset) + name)
        chunks.append(local)
        chunks.append(payload)
        offset += len(local) + len(payload)
    directory = b"".join(central)
    if offset > 0xFFFFFFFF or len(members) > 0xFFFF:
        raise ValueError("文档过大，超出普通 zip 格式的限制")
    chunks.append(directory)
    chunks.append(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                              len(directory), offset, 0))
    return b"".join(chunks)


class _CompiledPart:
    __slots__ = ("template", "lines", "entries")

    def __init__(self, template: jinja2.Template, lines: list[int], entries: list[tuple[int, str]]) -> None:
        self.template = template
        self.lines = lines  # first source line of each entry, ascending
        self.entries = entries  # (paragraph number, paragraph text)


class WordTemplate:
    """A .docx template loaded, patched and compiled once; ``render`` is then cheap.

    Create one per template per process (compiled Jinja templates cannot be pickled; worker
    processes build their own) and call ``render`` for every unit.
    """

    def __init__(self, path: str | os.PathLike[str], env: SandboxedEnvironment,
                 finish: dict[str, Any] | None = None) -> None:
        """``finish`` maps a part name to a function ``bytes -> bytes`` applied to that part after
        every render (the disclosure fits its tables to the unit's figures there: gen/layout.py)."""
        self._check_environment(env)
        self.path = os.fspath(path)
        self._env = env
        self._finish = dict(finish or {})
        try:
            with zipfile.ZipFile(self.path) as zf:
                infos = zf.infolist()
                self._names = [info.filename for info in infos]
                self._raw = {info.filename: zf.read(info) for info in infos}
        except (OSError, zipfile.BadZipFile) as exc:
            raise TemplateError(f"模板 {self.path} 无法读取或不是有效的 .docx 文件（{exc}）。",
                                template=self.path) from exc
        self._parts: dict[str, _CompiledPart] = {}
        for name in self._names:
            if _TEMPLATABLE_PART.fullmatch(name) and b"{" in self._raw[name]:
                compiled = self._compile_part(name, self._raw[name])
                if compiled is not None:
                    self._parts[name] = compiled
        # Parts that are never rendered are compressed once here, not once per document.
        self._static = {
            name: _zip_member(name, self._raw[name], _DEFLATE_STATIC_LEVEL)
            for name in self._names if name not in self._parts
        }

    # ---------------------------------------------------------------- public

    def render(self, context: dict) -> bytes:
        """Render one document and return the .docx bytes.

        Deterministic: the same context gives the same bytes (fixed zip timestamps, member order
        and attributes).  If the context has ``_document_date`` (ISO date/datetime), core.xml's
        ``dcterms:created``/``dcterms:modified`` are pinned to it; otherwise they stay as in the
        template (a value that is not an ISO date raises ``ValueError``).  Every rendered part is
        parsed strictly; a malformed result raises ``TemplateError`` instead of producing a file
        Word refuses or silently repairs.  Any error raised while rendering becomes a
        ``TemplateError`` naming the template and the paragraph.
        """
        pinned = None
        if "_document_date" in context:
            pinned = _iso_w3cdtf(context["_document_date"])
        members = []
        for name in self._names:
            part = self._parts.get(name)
            if part is not None:
                data = self._render_part(name, part, context, pinned)
                members.append(_zip_member(name, data, _DEFLATE_RENDERED_LEVEL))
            elif pinned is not None and name == _CORE_PART:
                data = self._pin_core_dates(etree.fromstring(self._raw[name], _strict_parser()), pinned)
                members.append(_zip_member(name, data, _DEFLATE_RENDERED_LEVEL))
            else:
                members.append(self._static[name])
        return _write_zip(members)

    # ---------------------------------------------------------------- checks

    @staticmethod
    def _check_environment(env: Any) -> None:
        # The safety guarantees depend on the environment; refuse one that would silently drop them.
        if not isinstance(env, SandboxedEnvironment):
            raise TypeError("WordTemplate 需要 jinja2.sandbox.SandboxedEnvironment（请用 make_environment）")
        autoescape = env.autoescape(None) if callable(env.autoescape) else env.autoescape
        if not autoescape:
            raise ValueError("WordTemplate 需要 autoescape=True 的环境（请用 make_environment）")
        if not issubclass(env.undefined, jinja2.StrictUndefined):
            raise ValueError("WordTemplate 需要 undefined=StrictUndefined 的环境（请用 make_environment）")

    # ---------------------------------------------------------------- errors

    def _error(self, part: str, reason: str, *, line: int | None = None, lines: list[int] = (),
               entries: list[tuple[int, str]] = (), paragraph: tuple[int, str] | None = None) -> TemplateError:
        """Build the Chinese message; ``line`` (Jinja source line) is mapped to a paragraph."""
        if paragraph is None and line is not None and lines:
            idx = bisect.bisect_right(lines, line) - 1
            if idx >= 0:
                paragraph = entries[idx]
        where = f"模板 {self.path}{_part_label(part)}"
        if paragraph is not None:
            number, text = paragraph
            where += f" 第{number}段附近（“{_shorten(text)}”）"
        elif line is not None and lines:
            where += " 开头附近"
        return TemplateError(
            f"{where}：{reason}",
            template=self.path,
            part=part,
            paragraph=paragraph[0] if paragraph else None,
            paragraph_text=paragraph[1] if paragraph else None,
        )

    @staticmethod
    def _reason(exc: BaseException) -> str:
        if isinstance(exc, SecurityError):
            return "模板试图访问受限的内部属性，已阻止。"
        if isinstance(exc, jinja2.UndefinedError):
            return f"模板引用了未定义的变量或属性（{exc.message}）。"
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return f"模板语法错误（{exc.message}）。"
        return f"渲染时出错（{type(exc).__name__}: {exc}）。"

    @staticmethod
    def _template_lineno(exc: BaseException) -> int | None:
        # Jinja rewrites tracebacks so that frames of the compiled template report the template
        # line; the innermost such frame is where the error happened.
        lineno = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<template>":
                lineno = tb.tb_lineno
            tb = tb.tb_next
        if lineno is None:
            lineno = getattr(exc, "lineno", None)
        return lineno

    def _unclosed_block(self, source: str) -> tuple[int, str] | None:
        """Line and name of the innermost block still open at the end of ``source``.

        Jinja reports "unexpected end of template" at the line of the last token, which in a Word
        document is somewhere near the end, not the ``{% if %}`` the author forgot to close.
        """
        stack: list[tuple[int, str]] = []
        try:
            tokens = [tok for tok in self._env.lex(source) if tok[1] != "whitespace"]
        except jinja2.TemplateSyntaxError:
            return None
        i = 0
        while i < len(tokens):
            lineno, kind, _ = tokens[i]
            if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
                name = tokens[i + 1][2]
                j = i + 2
                body = []
                while j < len(tokens) and tokens[j][1] != "block_end":
                    body.append(tokens[j])
                    j += 1
                if name in _BLOCK_TAGS:
                    # ``{% set x = 1 %}`` is a statement, ``{% set x %}...{% endset %}`` a block.
                    if not (name == "set" and any(t[1] == "operator" and t[2] == "=" for t in body)):
                        stack.append((lineno, name))
                elif name.startswith("end"):
                    opener = name[3:]
                    for k in range(len(stack) - 1, -1, -1):
                        if stack[k][1] == opener:
                            del stack[k:]
                            break
                i = j
            i += 1
        return stack[-1] if stack else None

    # ---------------------------------------------------------------- compile

    def _compile_part(self, name: str, data: bytes) -> _CompiledPart | None:
        try:
            root = etree.fromstring(data, _strict_parser())
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"模板 {self.path} 的部件 {name} 的 XML 已损坏（{exc}）。",
                                template=self.path, part=name) from exc
        if root.getroottree().docinfo.doctype:
            raise TemplateError(f"模板 {self.path} 的部件 {name} 含有 DOCTYPE，不是正常的 Word 文件。",
                                template=self.path, part=name)

        subs: list[tuple[str, tuple[int, str] | None]] = []
        ph_open = next((c for c in _PH_CANDIDATES if c.encode("utf-8") not in data), None)
        if ph_open is None:  # pragma: no cover - would need all four private-use markers in one part
            raise TemplateError(f"模板 {self.path} 的部件 {name} 含有引擎保留的私用区字符。",
                                template=self.path, part=name)
        ph_re = re.compile(re.escape(ph_open) + r"(\d+)" + re.escape(_PH_CLOSE))

        def placeholder(replacement: str, entry: tuple[int, str] | None = None) -> str:
            subs.append((replacement, entry))
            return f"{ph_open}{len(subs) - 1}{_PH_CLOSE}"

        def tag_placeholders(text: str) -> str:
            return _TAG_RE.sub(lambda m: placeholder(m.group().translate(_QUOTE_FOLD)), text)

        paragraphs = list(root.iter(_W_P))
        number = {p: i for i, p in enumerate(paragraphs, 1)}
        runs_text: dict[etree._Element, list[etree._Element]] = {}
        for t in root.iter(_W_T):
            p = _nearest(t, _W_P)
            if p is not None:
                runs_text.setdefault(p, []).append(t)
        text_of = {p: "".join(t.text or "" for t in ts) for p, ts in runs_text.items()}

        def entry(p: etree._Element) -> tuple[int, str]:
            return number[p], text_of.get(p, "")

        def fail(p: etree._Element, reason: str) -> TemplateError:
            return self._error(name, reason, paragraph=entry(p))

        # a. merge split runs, c. protect tag text, d. xml:space=preserve -- per paragraph.
        structural: list[tuple[etree._Element, str, str]] = []
        for p, ts in runs_text.items():
            full = text_of[p]
            if "{" not in full:
                continue
            spans = [m.span() for m in _TAG_RE.finditer(full)]
            masked = list(full)
            for start, end in spans:
                masked[start:end] = "\0" * (end - start)
            opener = _OPENER_RE.search("".join(masked))
            if opener:
                closer = "}}" if opener.group() == "{{" else "%}"
                raise fail(p, f"标签“{opener.group()}”在本段内没有闭合（缺少“{closer}”）。")
            if not spans:
                continue
            m = _STRUCT_RE.fullmatch(full.strip())
            if m:
                dash1, kind, body, dash2 = m.groups()
                bare = f"{{%{dash1} {body.translate(_QUOTE_FOLD)} {dash2}%}}"
                structural.append((p, kind, bare))
                continue
            if _STRUCT_ANY_RE.search(full):
                raise fail(p, "结构标签（{%p …%}、{%tr …%}、{%tc …%}）必须单独占一段，段内不能有其他文字。")
            self._merge_runs(ts, full, spans)
            for t in ts:
                if t.getparent() is not None and t.text and "{" in t.text:
                    new = tag_placeholders(t.text)
                    if new != t.text:
                        t.text = new
                        t.set(_XML_SPACE, "preserve")

        # b. structural tags: rows first (a marker row may only hold marker cells), then cells,
        # then paragraphs, so a marker inside an element that is replaced is reported, not lost.
        rows: dict[etree._Element, list[tuple[etree._Element, str]]] = {}
        cells: list[tuple[etree._Element, etree._Element, str]] = []
        paras: list[tuple[etree._Element, str]] = []
        for p, kind, bare in structural:
            if kind == "p":
                paras.append((p, bare))
                continue
            container = _nearest(p, _W_TR if kind == "tr" else _W_TC)
            if container is None:
                raise fail(p, f"结构标签 {{%{kind} …%}} 只能写在表格单元格里。")
            if kind == "tr":
                rows.setdefault(container, []).append((p, bare))
            else:
                cells.append((container, p, bare))
        for tr, markers in rows.items():
            self._check_only_markers(tr, {p for p, _ in markers}, text_of, fail, "表格行")
            _replace_with_text(tr, "".join(placeholder("\n" + bare, entry(p)) for p, bare in markers))
        for tc, p, bare in cells:
            self._check_only_markers(tc, {p}, text_of, fail, "单元格")
            _replace_with_text(tc, placeholder("\n" + bare, entry(p)))
        for p, bare in paras:
            _replace_with_text(p, placeholder("\n" + bare, entry(p)))

        # Tags outside run text (core.xml fields, field codes, attribute values).
        for el in root.iter():
            if isinstance(el.tag, str):
                if el.text and "{" in el.text and el.tag != _W_T:
                    el.text = tag_placeholders(el.text)
                for key, value in el.attrib.items():
                    if "{" in value:
                        el.set(key, tag_placeholders(value))
            if el.tail and "{" in el.tail:
                el.tail = tag_placeholders(el.tail)

        # One source line per paragraph so Jinja line numbers map back to paragraph text.
        for p in list(root.iter(_W_P)):
            _insert_text_before(p, placeholder("\n", entry(p)))

        xml = etree.tostring(root, encoding="unicode")
        pieces = [_XML_DECL]
        lines: list[int] = []
        entries: list[tuple[int, str]] = []
        line = 1
        pos = 0
        for m in ph_re.finditer(xml):
            segment = xml[pos:m.start()]
            line += segment.count("\n")
            replacement, ent = subs[int(m.group(1))]
            if ent is not None:
                lines.append(line + 1 if replacement.startswith("\n") else line)
                entries.append(ent)
            line += replacement.count("\n")
            pieces.append(segment)
            pieces.append(replacement)
            pos = m.end()
        pieces.append(xml[pos:])
        source = "".join(pieces)

        if "{{" not in source and "{%" not in source and "{#" not in source:
            return None

        try:
            ast = self._env.parse(source)
            template = self._env.from_string(ast)
        except jinja2.TemplateSyntaxError as exc:
            lineno = exc.lineno
            reason = self._reason(exc)
            if exc.message and exc.message.startswith("Unexpected end of template"):
                unclosed = self._unclosed_block(source)
                if unclosed is not None:
                    lineno = unclosed[0]
                    reason = f"“{{% {unclosed[1]} %}}”没有对应的“{{% end{unclosed[1]} %}}”，块未闭合。"
            raise self._error(name, reason, line=lineno, lines=lines, entries=entries) from exc
        return _CompiledPart(template, lines, entries)

    @staticmethod
    def _check_only_markers(container, markers, text_of, fail, what) -> None:
        # docxtpl silently drops everything else in a marker row/cell; we refuse instead.
        for other in container.iter(_W_P):
            if other not in markers and text_of.get(other, "").strip():
                marker = next(iter(markers))
                raise fail(marker, f"结构标签所在的{what}里还有其他文字（“{_shorten(text_of[other], 30)}”），"
                                   f"整{what[-1]}会被标签替换，这些文字会丢失。")

    @staticmethod
    def _merge_runs(ts: list[etree._Element], full: str, spans: list[tuple[int, int]]) -> None:
        """Move run boundaries out of tags so every tag lies inside one ``w:t``.

        Only boundaries that fall inside a tag move (to the tag's end), so literal text keeps its
        own runs and formatting; a tag takes the formatting of the run it starts in.  Text
        elements left empty are removed, and so are runs left with nothing but ``w:rPr``.
        """
        starts = []
        pos = 0
        for t in ts:
            starts.append(pos)
            pos += len(t.text or "")
        span_starts = [s for s, _ in spans]
        new_starts = []
        for s in starts:
            k = bisect.bisect_right(span_starts, s) - 1
            if k >= 0 and spans[k][0] < s < spans[k][1]:
                s = spans[k][1]
            new_starts.append(s)
        new_starts.append(len(full))
        for i, t in enumerate(ts):
            new = full[new_starts[i]:new_starts[i + 1]]
            old = t.text or ""
            if new == old:
                continue
            if new or not old:
                t.text = new
                # The moved boundary can expose leading/trailing spaces Word would otherwise drop.
                t.set(_XML_SPACE, "preserve")
                continue
            run = t.getparent()
            _remove_keep_tail(t)
            if run.tag == _W_R and all(child.tag == _W_RPR for child in run):
                _remove_keep_tail(run)

    # ---------------------------------------------------------------- render

    def _render_part(self, name: str, part: _CompiledPart, context: dict, pinned: str | None) -> bytes:
        try:
            text = part.template.render(context)
        except Exception as exc:  # every failure must name the template location
            raise self._error(name, self._reason(exc), line=self._template_lineno(exc),
                              lines=part.lines, entries=part.entries) from exc
        data = text.encode("utf-8")
        try:
            if name in self._finish:  # parses strictly itself: a malformed part fails here
                data = self._finish[name](data)
            if pinned is not None and name == _CORE_PART:
                return self._pin_core_dates(etree.fromstring(data, _strict_parser()), pinned)
            # Well-formedness is all we need of the big parts; expat checks it without building a
            # tree (3 ms instead of 7 ms for the disclosure's document.xml).
            expat.ParserCreate().Parse(data, True)
        except (etree.XMLSyntaxError, expat.ExpatError) as exc:
            raise TemplateError(
                f"模板 {self.path} 的部件 {name} 渲染结果不是合法的 XML（{exc}），已拒绝输出。"
                "这通常是模板把标签用在了不允许的位置，或是本引擎的缺陷。",
                template=self.path, part=name,
            ) from exc
        return data

    @staticmethod
    def _pin_core_dates(root: etree._Element, when: str) -> bytes:
        """Set dcterms:created/modified (adding them if the template lacks them)."""
        prefix = next((k for k, v in root.nsmap.items() if v == _DCTERMS and k), "dcterms")
        for local in ("created", "modified"):
            el = root.find(f"{{{_DCTERMS}}}{local}")
            if el is None:
                el = etree.SubElement(root, f"{{{_DCTERMS}}}{local}", nsmap={prefix: _DCTERMS, "xsi": _XSI})
                el.set(f"{{{_XSI}}}type", f"{prefix}:W3CDTF")
            el.text = when
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

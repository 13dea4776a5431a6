"""Disclosure -> .docx bytes through the Word template and the wording macros in ``templates/``.

The template is loaded, patched and compiled once per ``Renderer`` (once per process in a batch);
each unit then costs one render of the compiled template.  Number formatting lives here as Jinja
filters so the template and the macros never format a Decimal themselves.
"""
from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from functools import partial
from pathlib import Path

from .compute import Disclosure
from .model import money
from .docxengine import WordTemplate, make_environment
from .layout import fit_tables, style_size

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DOCX_TEMPLATE = "disclosure.docx"

_CN_DIGITS = "零一二三四五六七八九"


def fmt_amount(value) -> str:
    """Amount in a sentence: thousands separators, two decimals half-up (Python's own format would
    round half-even: 0.125 -> 0.12), zero as "0.00"."""
    return f"{money(Decimal(value or 0)):,.2f}"


def fmt_cell(value) -> str:
    """Amount in a table cell: blank when it prints as zero."""
    return fmt_amount(value) if money(Decimal(value or 0)) else ""


def fmt_percent(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 21 -> 二十一 (item numbers up to 99)."""
    tens, ones = divmod(int(n), 10)
    if not tens:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def cn_date(value: dt.date | None) -> str:
    """2024年1月26日 — no leading zeros (GB/T 9704)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def clause(text: str) -> str:
    """The clerk's text without the full stop the sentence adds itself."""
    return (text or "").strip().rstrip("。.；;，,")


def environment(template_dir: Path | str = TEMPLATES):
    """The sandboxed, autoescaping environment with our number filters (tests use it directly)."""
    env = make_environment(Path(template_dir))
    env.filters.update(amt=fmt_cell, wan=fmt_amount, pct=fmt_percent, cn=cn_number, date_cn=cn_date,
                       clause=clause)
    return env


class Renderer:
    def __init__(self, template_dir: Path | str = TEMPLATES):
        template_dir = Path(template_dir)
        with zipfile.ZipFile(template_dir / DOCX_TEMPLATE) as docx:
            title_size = style_size(docx.read("word/styles.xml"), "Title") or 44
        self.template = WordTemplate(template_dir / DOCX_TEMPLATE, environment(template_dir),
                                     finish={"word/document.xml": partial(fit_tables, title_size=title_size)})

    def render(self, disclosure: Disclosure) -> bytes:
        unit = disclosure.unit
        context = {
            "unit": unit,
            "year": disclosure.year,
            "prior_year": disclosure.prior_year,
            "t": disclosure.tables,
            "n": disclosure.n,
        }
        if unit.date:
            context["_document_date"] = unit.date.isoformat()
        return self.template.render(context)

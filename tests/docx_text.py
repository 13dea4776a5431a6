"""A built document read back as text: one line per paragraph, one line per table row (cells joined
by " | "), in body order — what a reader sees, for tests that assert sentences and figures."""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(W + "t"))


def document_lines(path: str | Path) -> list[str]:
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(W + "body")
    lines = []
    for el in body:
        if el.tag == W + "p":
            text = _text(el)
            if text.strip():
                lines.append(text)
        elif el.tag == W + "tbl":
            for tr in el.iter(W + "tr"):
                lines.append(" | ".join(_text(tc) for tc in tr.iter(W + "tc")))
    return lines

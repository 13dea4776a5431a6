"""Findings: what is wrong in a workbook, where, and what the clerk should do about it."""
from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"  # 错误: blocks the build
WARNING = "warning"  # 提示: reported, does not block

SEVERITY_LABEL = {ERROR: "错误", WARNING: "提示"}

# The only words for a bug of gen; anything the user can fix is named instead (file, cell, path).
BUG_HINT = "这是 gen 的问题：请用 gen --debug … 重新运行，把输出和工作簿发给技术支持。"


@dataclass(frozen=True)
class Finding:
    severity: str
    rule: str
    message: str
    cells: tuple[str, ...] = ()  # "收入明细!C5" references, the first is the one to look at first

    @property
    def sheet(self) -> str:
        return self.cells[0].split("!")[0] if self.cells else ""

    def as_json(self) -> dict:
        cells = [c.split("!", 1)[1] if "!" in c else c for c in self.cells]
        return {
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": cells[0] if cells else "",
            "cells": list(self.cells),
            "rule": self.rule,
            "message": self.message,
        }

    def describe(self) -> str:
        where = "、".join(self.cells[:8]) + ("等" if len(self.cells) > 8 else "")
        where = f"[{where}] " if where else ""
        return f"{SEVERITY_LABEL[self.severity]} {self.rule} {where}{self.message}"


@dataclass
class Findings:
    """An ordered collection; checks append, nobody stops at the first."""

    items: list[Finding] = field(default_factory=list)

    def error(self, rule: str, message: str, *cells: str) -> None:
        self.items.append(Finding(ERROR, rule, message, tuple(cells)))

    def warning(self, rule: str, message: str, *cells: str) -> None:
        self.items.append(Finding(WARNING, rule, message, tuple(cells)))

    def extend(self, other: "Findings") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.severity == WARNING]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class UnusableFile(Exception):
    """The file cannot be read as a workbook at all (exit status 2). The message is for the clerk."""

"""Classification catalogs: code -> official name, for derived 类/款 names and name checks.

The bundled lists are partial (see ../shared/catalogs/README.md); ``--catalog FILE`` adds a full
official list (CSV with columns code,name[,level]) that takes precedence.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from pathlib import Path


class Catalog:
    def __init__(self, function: dict[str, str], economic: dict[str, str]):
        self.function = function
        self.economic = economic

    def with_file(self, path: str | Path) -> "Catalog":
        """A copy extended by a full official list; codes of 3/5/7 digits starting with 2 are
        function codes, those starting with 3 or 5 economic."""
        function, economic = dict(self.function), dict(self.economic)
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
                if code.isdigit() and name:
                    (function if code.startswith("2") else economic)[code] = name
        return Catalog(function, economic)


def _load(name: str) -> dict[str, str]:
    text = resources.files("gen").joinpath("catalog", name).read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1)
def bundled() -> Catalog:
    return Catalog(_load("function_codes.csv"), _load("economic_codes.csv"))


def function_classes() -> list[tuple[str, str]]:
    """All 类 of 支出功能分类 in code order: the fixed right-hand side of 表1 and 表4."""
    return sorted((c, n) for c, n in bundled().function.items() if len(c) == 3)

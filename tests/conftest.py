"""Shared test fixtures: the example unit's content and workbooks made from it.

    def test_something(tmp_path, example_content):
        example_content["totals"]["gpb"][0] = "441.12"
        budget, read = read_budget(make_workbook(tmp_path, example_content))

``make_workbook`` is a plain function (``from conftest import make_workbook``) so a test can build
several workbooks; the fixtures hand out fresh copies, so a test may change what it gets.
"""
from __future__ import annotations

import copy
from decimal import Decimal as D
import json
from pathlib import Path

import pytest

from gen.reader import read_budget
from gen.workbook_write import write_workbook

DATA = Path(__file__).parent / "data"
EXAMPLE_JSON = DATA / "akto2024.json"


def make_workbook(tmp_path: Path, content: dict, name: str = "unit.xlsx") -> Path:
    """Write ``content`` (shaped like tests/data/akto2024.json) as a fill-in workbook; returns its path."""
    return write_workbook(Path(tmp_path) / name, content)


@pytest.fixture(scope="session")
def _example_data() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


@pytest.fixture
def example_content(_example_data) -> dict:
    """A deep copy of the example unit's content (阿克陶县社会保险中心 2024), free to modify."""
    return copy.deepcopy(_example_data)


@pytest.fixture(scope="session")
def example_workbook(tmp_path_factory, _example_data) -> Path:
    """The example workbook, written once per session. Do not modify the file; copy it first."""
    return make_workbook(tmp_path_factory.mktemp("example"), _example_data, "akto2024.xlsx")


@pytest.fixture(scope="session")
def _example_read(example_workbook):
    return read_budget(example_workbook)


@pytest.fixture
def example_budget(_example_read):
    """A fresh copy of the example's parsed ``Budget`` (cells as in ``example_workbook``), free to modify."""
    return copy.deepcopy(_example_read[0])


def in_yuan(content: dict) -> dict:
    """The example unit typed in 元, as the budget system holds it (every amount × 10,000)."""
    content = copy.deepcopy(content)
    content["unit"]["amount_unit"] = "元"
    text_keys = {"code", "name", "reason", "item", "fund", "basis", "allocation", "period", "leader", "goal",
                 "undertaker"}
    scale = lambda v: v if v in (None, "") else str(D(v) * 10000)  # noqa: E731
    for key, value in content["totals"].items():
        content["totals"][key] = [scale(value[0]), scale(value[1]), value[2]] if isinstance(value, list) else scale(value)
    for section in ("income", "projects", "basic", "sangong"):
        for row in content[section]:
            for k, v in row.items():
                if k not in text_keys and not k.startswith("subsidy") and isinstance(v, str):
                    row[k] = scale(v)
    content["other"] = {k: (scale(v) if isinstance(v, str) and not k.startswith("building_area") else v)
                        for k, v in content["other"].items()}
    return content

"""Units for the layout tests: a synthetic unit (synthetic.py) with a chosen number of projects and its
money scaled, so tables run over pages and amounts reach 9,999,999.99 万元 (issue 11)."""
from __future__ import annotations

from decimal import Decimal

from synthetic import synthetic_unit

# Money fields of the workbook content (everything else is text, counts or areas).
_MONEY = {"gpb", "gpb_transfer", "gf", "special", "unit", "carry_gpb", "prior_gpb", "personnel", "public", "prior",
          "fiscal_project", "fiscal_basic", "other_project", "other_basic"}


def _times(value, factor: int):
    return f"{Decimal(value) * factor:.2f}" if value not in (None, "") else value


def layout_unit(seed: int, projects: int | None = None, factor: int = 1) -> dict:
    """``synthetic_unit(seed)`` with every amount multiplied by ``factor`` (sums and checks still hold)
    and its projects split in two until there are ``projects`` of them (same 项 and fund, same total)."""
    content = synthetic_unit(seed)
    for key, row in content["totals"].items():
        content["totals"][key] = ([_times(row[0], factor), _times(row[1], factor), row[2]]
                                  if isinstance(row, list) else _times(row, factor))
    for sheet in ("income", "basic", "fund_basic", "sangong", "carryover"):
        for row in content[sheet]:
            for k in _MONEY & row.keys():
                row[k] = _times(row[k], factor)
    for p in content["projects"]:
        for k in [k for k in p if k.startswith("c3")]:
            p[k] = _times(p[k], factor)
    perf = content["project_perf"]
    while projects is not None and len(content["projects"]) < projects:
        splittable = [p for p in content["projects"] if any(Decimal(p[k]) >= Decimal("0.02")
                                                            for k in p if k.startswith("c3"))]
        p = splittable[len(content["projects"]) % len(splittable)]
        twin = dict(p, name=p["name"].replace("项目（", "项目（续") + f"{len(content['projects']) + 1}")
        for k in [k for k in p if k.startswith("c3")]:
            cents = int(Decimal(p[k]) * 100)
            p[k], twin[k] = f"{Decimal(cents // 2) / 100:.2f}", f"{Decimal(cents - cents // 2) / 100:.2f}"
        content["projects"].append(twin)
        perf.extend(dict(r, project=twin["name"]) for r in list(perf) if r["project"] == p["name"])
    if projects is not None:
        assert len(content["projects"]) == projects or projects < len(content["projects"])
    return content

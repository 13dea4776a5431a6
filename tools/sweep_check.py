"""Sweep: does `gen check` locate a mistyped figure?

Builds the example workbook, then for every typed-in non-zero current-year amount (收入明细 fund
columns, 项目 economic classes, 基本支出, 基金基本支出, 三公经费 current columns, 收支总额 本年批复数 including the
其中 rows, 其他事项 amounts) writes a copy with that one cell raised by 1.00 and checks it.  A cell is
*located* when an error finding lists it among its cells.

    python tools/sweep_check.py            # the figure, and the misses with what was reported
    python tools/sweep_check.py --delta -1 # lowered instead of raised
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gen import schema  # noqa: E402
from gen.checks import check_budget  # noqa: E402
from gen.reader import read_budget  # noqa: E402
from gen.schema import EconClass, Fund, Kind  # noqa: E402
from gen.workbook_write import write_workbook  # noqa: E402

EXAMPLE = ROOT / "tests" / "data" / "akto2024.json"


def amount_cells(budget) -> list[tuple[str, str, Decimal]]:
    """(category, "Sheet!A1", value) of every non-zero typed current-year amount."""
    out = []
    for line in budget.income:
        for fund in Fund:
            out.append(("收入明细", line.cells.get(fund.name.lower()), line.amounts[fund]))
    for p in budget.projects:
        for econ in EconClass:
            out.append(("项目", p.cells.get(econ.name.lower()), p.econ[econ]))
    for item in budget.basic:
        out += [("基本支出", item.cells.get("personnel"), item.personnel),
                ("基本支出", item.cells.get("public"), item.public)]
    for item in budget.fund_basic:
        out += [("基金基本支出", item.cells.get("personnel"), item.personnel),
                ("基金基本支出", item.cells.get("public"), item.public)]
    for item in budget.sangong:
        out += [("三公经费", item.cells.get(col), getattr(item, col)) for col in ("gpb", "gf", "soe")]
    for key, compared in budget.totals.items():
        out.append(("收支总额", budget.totals_cells[key].get("current"), compared.current))
    for f in schema.OTHER.fields:
        if f.kind is Kind.AMOUNT:
            out.append(("其他事项", budget.other_cells.get(f.key), Decimal(budget.other.get(f.key) or 0)))
    return [(cat, cell, value) for cat, cell, value in out if cell and value]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delta", default="1.00", help="amount added to each cell (default 1.00)")
    parser.add_argument("--json", default=str(EXAMPLE), help="content to build the workbook from")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the findings of every copy")
    args = parser.parse_args(argv)
    delta = Decimal(args.delta)
    started = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        base = write_workbook(Path(tmp) / "example.xlsx", json.loads(Path(args.json).read_text(encoding="utf-8")))
        budget, read_findings = read_budget(base)
        baseline = read_findings.errors + check_budget(budget, read_findings=read_findings).errors
        if baseline:
            print("the unmodified workbook already has errors; fix them first:")
            for f in baseline:
                print("  " + f.describe())
            return 1

        targets = amount_cells(budget)
        wb = openpyxl.load_workbook(base)
        copy = Path(tmp) / "copy.xlsx"
        located, total, misses, errors_per_copy = Counter(), Counter(), [], Counter()
        for category, ref, value in targets:
            sheet, cell = ref.split("!")
            ws = wb[sheet]
            original = ws[cell].value
            ws[cell].value = float(Decimal(repr(original)) + delta)
            wb.save(copy)
            ws[cell].value = original
            changed, findings = read_budget(copy)
            findings.extend(check_budget(changed, read_findings=findings))
            total[category] += 1
            errors_per_copy[len(findings.errors)] += 1
            if args.verbose:
                print(f"{ref} {value} -> {value + delta}")
                for f in findings:
                    print("    " + f.describe())
            if any(ref in f.cells for f in findings.errors):
                located[category] += 1
            else:
                misses.append((ref, value, findings))

    n, k = sum(total.values()), sum(located.values())
    print(f"changed each of {n} typed non-zero current-year amounts by {delta:+}: "
          f"{k}/{n} located ({100 * k / n:.1f}%) in {time.perf_counter() - started:.1f} s")
    for category in total:
        print(f"  {category}: {located[category]}/{total[category]}")
    print("errors per copy (one mistake should give one error): "
          + ", ".join(f"{count} copies with {n_err}" for n_err, count in sorted(errors_per_copy.items())))
    if misses:
        print("not located:")
        for ref, value, findings in misses:
            print(f"  {ref} ({value}):" + ("" if findings.errors else " no error"))
            for f in findings.errors:
                print("      " + f.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python tools/random_units.py --count 500 --seed 1``: build many random valid units and read each back.

Why: the suite runs ~150 units; a landing deserves a longer run.  Each unit (``tests/units.py``,
``random_unit(seed)`` for seed, seed+1, …) is written as a workbook, built in-process with one
Renderer, and its document held against the unit's own truth (``tests/readback.py``).  Prints the
number of units, the narrative figures checked, failures by class with the seeds that show them,
and every failure (``--quiet``: the first of each class only).  ``--keep DIR`` keeps the workbooks
and documents of failing units; ``--dump SEED`` prints one unit's content as JSON;
``--regress NAME`` writes the smallest unit with a known failure's trigger to tests/regressions/.
Exit status 1 when anything failed.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from readback import build_and_check, figures  # noqa: E402
from units import ECON, FISCAL, FUND_BY_LABEL, FUND_LABEL, cents, random_unit, truth  # noqa: E402

from gen.render import Renderer  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quiet", action="store_true", help="print only the first failure of each class")
    ap.add_argument("--keep", type=Path, help="keep failing units' workbooks and documents here")
    ap.add_argument("--dump", type=int, metavar="SEED", help="print the content of one unit as JSON and stop")
    ap.add_argument("--regress", metavar="NAME", choices=sorted(REGRESSIONS),
                    help="write the smallest unit with this failure's trigger as tests/regressions/NAME.json")
    args = ap.parse_args(argv)
    if args.dump is not None:
        print(json.dumps(random_unit(args.dump), ensure_ascii=False, indent=1))
        return 0
    if args.regress:
        return regress(args.regress)
    renderer = Renderer()
    by_kind: dict[str, list[int]] = defaultdict(list)
    failures, checked, built, started = [], 0, 0, time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="random_units_") as tmp:
        for seed in range(args.seed, args.seed + args.count):
            content = random_unit(seed)
            t = truth(content)
            folder = Path(tmp) / str(seed)
            folder.mkdir()
            data, found = build_and_check(content, renderer, folder)
            if data is not None:
                built += 1
                checked += figures(t)
            for f in found:
                if seed not in by_kind[f.kind]:
                    by_kind[f.kind].append(seed)
                failures.append((seed, f.kind, str(f)))
            if found and args.keep:
                keep = args.keep / str(seed)
                keep.mkdir(parents=True, exist_ok=True)
                (keep / "unit.xlsx").write_bytes((folder / "unit.xlsx").read_bytes())
                (keep / "unit.json").write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
                if data is not None:
                    (keep / "unit.docx").write_bytes(data)
    seconds = time.perf_counter() - started
    print(f"units: {args.count} (seeds {args.seed}–{args.seed + args.count - 1}), documents: {built}, "
          f"narrative and table figures checked: {checked}, failures: {len(failures)}, "
          f"units with a failure: {len({s for s, _, _ in failures})}, {seconds:.1f} s")
    for kind, seeds in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(map(str, seeds[:12])) + (" …" if len(seeds) > 12 else "")
        print(f"  {len(seeds):4d} units  {kind}   seeds: {shown}")
    seen = set()
    for seed, kind, text in failures:
        if args.quiet and kind in seen:
            continue
        seen.add(kind)
        print(f"seed {seed}: {text}")
    return 1 if failures else 0


# Regression units: the smallest unit (hypothesis ``find``, shrunk) that has the trigger of a failure
# class found by the random run, kept under the name of what it broke.  The predicates read only the
# content, so finding one takes seconds; the regression test then builds it and reads it back.
def _rows(c: dict, name: str) -> list[dict]:
    return [p for p in c["projects"] if p["name"] == name]


def _gpb(p: dict) -> bool:
    return p["fund"] in (FUND_LABEL["gpb"], FUND_LABEL["gpb_transfer"])


def _fiscal(p: dict) -> bool:
    return FUND_BY_LABEL[p["fund"]] in FISCAL


def _printed(fen: int) -> int:
    """An amount in 分 as printed in hundredths of 万元 (half-up)."""
    return (fen + 5000) // 10000


def _gpb_rows_by_xiang(c: dict) -> dict[str, list[int]]:
    rows = defaultdict(list)
    for p in c["projects"]:
        if _gpb(p):
            rows[p["code"]].append(sum(cents(p.get(e)) for e in ECON))
    return rows


def _perf_fiscal_rounding_differs(c: dict) -> bool:
    fiscal = defaultdict(int)
    for p in c["projects"]:
        if _fiscal(p):
            fiscal[p["name"]] += sum(cents(p.get(e)) for e in ECON)
    shown = {i["project"] for i in c["project_perf"]}
    return len(fiscal) >= 2 and set(fiscal) <= shown and \
        _printed(sum(fiscal.values())) != sum(_printed(v) for v in fiscal.values())


REGRESSIONS = {
    "project_cofunded_gpb_and_other": (
        "七 预算安排规模 printed only the 一般公共预算 rows of a project that also has other money; its 绩效表 the total",
        lambda c: any(any(_gpb(p) for p in _rows(c, n)) and not all(_gpb(p) for p in _rows(c, n))
                      and any(i["project"] == n for i in c["project_perf"])
                      for n in {p["name"] for p in c["projects"]})),
    "project_fiscal_and_nonfiscal": (
        "十二（四） counts of a project with 财政拨款 and non-财政拨款 rows",
        lambda c: any(len({_fiscal(p) for p in _rows(c, n)}) == 2 for n in {p["name"] for p in c["projects"]})),
    "no_general_budget_money": (
        "empty 表4/表5/表6 without 备注 (a unit with no 一般公共预算 money)",
        lambda c: truth(c).empty >= {"表5", "表6"}),
    "yuan_projects_share_a_xiang": (
        "元 workbook: 表5 项 项目支出 vs the sum of its rounded 表7 project rows; 十二（四） amount from the exact sum",
        lambda c: c["unit"].get("amount_unit") == "元" and any(
            _printed(sum(a)) != sum(map(_printed, a)) for a in _gpb_rows_by_xiang(c).values())),
    "yuan_fiscal_projects_rounded": (
        "元 workbook: 十二（四） 财政拨款 amount (rounded from the exact sum) vs the 绩效表 财政拨款 cells (each rounded)",
        lambda c: c["unit"].get("amount_unit") == "元" and _perf_fiscal_rounding_differs(c)),
    "source_falls_to_zero": (
        "a source with money last year only: its sentence with 0.00, 减少, 下降100.00% and its reason, never 未安排",
        lambda c: sum(1 for _, key, f in truth(c).sources if f.prior and not f.current) >= 2),
    "no_projects_either_year": (
        "0 → 0 项目支出 worded as an increase",
        lambda c: not truth(c).project.current and not truth(c).project.prior),
}


def regress(name: str) -> int:
    """Find the smallest unit with the trigger of ``name`` and write tests/regressions/NAME.json."""
    from hypothesis import HealthCheck, find, settings
    from units import units

    about, trigger = REGRESSIONS[name]
    content = find(units(), trigger, settings=settings(max_examples=2000, database=None, deadline=None,
                                                       suppress_health_check=list(HealthCheck)))
    path = ROOT / "tests" / "regressions" / f"{name}.json"
    path.write_text(json.dumps({"about": about, "content": content}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    print(f"{path}: {len(content['income'])} 收入明细 rows, {len(content['projects'])} 项目 rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Mutation score of the modules that compute, check and render: a seeded random sample of mutmut's mutants.

    python tools/mutation.py                 # 300 mutants, seed 10, one worker
    python tools/mutation.py -n 100 --seed 3 --module gen/compute.py
    python tools/mutation.py --deselect tests/test_checks.py::test_x   # a test that fails on clean code

Why a wrapper: mutmut (configured in pyproject.toml, [tool.mutmut]) has no sampling, and a full run over
compute/checks/render/verify takes hours on this machine. Why a snapshot: colleagues edit the working tree
while a run lasts half an hour, and mutmut writes its mutated copy (mutants/) beside the configuration; so the
project's gen/, templates/, inputs/, tests/ and pyproject.toml are copied to a work folder under /tmp and mutmut
runs there. mutmut first generates every mutant and records which tests reach which function (one run of the
selected tests); the sample is then drawn from all mutants of the chosen modules, mutants no test reaches
included (they count as survivors), and only the sample is tested.

Prints killed / survived / timeout / no tests, the score ((killed + timeout) / sample) and each survivor as
file:line, the original line and the mutated line, so a survivor can be judged (equivalent, or a missing test).
"""
from __future__ import annotations

import argparse
import ast
import difflib
import functools
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("gen", "templates", "inputs", "tests", "pyproject.toml")
MODULES = ("gen/compute.py", "gen/checks.py", "gen/render.py", "gen/verify.py", "gen/layout.py", "gen/pdfcheck.py",
           "gen/output.py", "gen/rollover.py")
DEFAULT_MODULES = MODULES[:4]  # the sample the score in the notes is about; the rest by --module
NO_MATCH = "gen.__sample_not_drawn_yet__"


def snapshot(workdir: Path, deselect: list[str]) -> None:
    """Copy the project's code, templates, inputs and tests to ``workdir`` (fresh), adding deselected tests."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        else:
            shutil.copy2(source, workdir / name)
    if deselect:
        config = workdir / "pyproject.toml"
        extra = "".join(f'"--deselect", {json.dumps(node)}, ' for node in deselect)
        text, count = re.subn(r"^pytest_add_cli_args = \[", f"pytest_add_cli_args = [{extra}",
                              config.read_text(encoding="utf-8"), count=1, flags=re.M)
        if not count:
            sys.exit("pyproject.toml has no [tool.mutmut] pytest_add_cli_args to add --deselect to")
        config.write_text(text, encoding="utf-8")


def mutmut(workdir: Path, names: list[str], log: Path) -> subprocess.CompletedProcess:
    """``mutmut run`` with one worker (the machine is shared), output appended to ``log``."""
    with log.open("a", encoding="utf-8") as out:
        return subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "1", *names],
                              cwd=workdir, stdout=out, stderr=subprocess.STDOUT)


def results(workdir: Path, modules: list[str]) -> dict[str, int | None]:
    """Mutant name -> mutmut exit code (None: not run), from mutmut's per-file .meta records."""
    found: dict[str, int | None] = {}
    for module in modules:
        meta = workdir / "mutants" / f"{module}.meta"
        if meta.exists():
            found.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return found


def module_of(name: str) -> str:
    """``gen.compute.x_table2__mutmut_3`` -> ``gen/compute.py``."""
    dotted = name.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[0]
    return dotted.replace(".", "/") + ".py"


def _functions(tree: ast.AST) -> dict[str, ast.AST]:
    """Top-level functions by name, methods as ``xǁClassǁf`` (mutmut's name) and by their own name (mutmut
    defines a method's mutants inside its class under their mangled names)."""
    named: dict[str, ast.AST] = {}
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            named[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    named[f"xǁ{node.name}ǁ{item.name}"] = item
                    named[item.name] = named.get(item.name, item)
    return named


@functools.cache
def _parsed(path: Path) -> tuple[str, dict[str, ast.AST]]:
    """A source file and its functions, parsed once (mutmut's mutated copy of a module is large)."""
    source = path.read_text(encoding="utf-8")
    return source, _functions(ast.parse(source))


def describe(workdir: Path, name: str) -> tuple[str, str, str]:
    """A mutant as (file:line, original line, mutated line), read from mutmut's mutated copy."""
    module = module_of(name)
    mutated_source, mutated = _parsed(workdir / "mutants" / module)
    function = name.rsplit(".", 1)[1]
    stem = function.rsplit("__mutmut_", 1)[0]
    mutant, orig = mutated.get(function), mutated.get(f"{stem}__mutmut_orig")
    if mutant is None or orig is None:
        return f"{module}:?", "", function
    before = ast.get_source_segment(mutated_source, orig, padded=True).splitlines()
    after = ast.get_source_segment(mutated_source, mutant, padded=True).splitlines()
    original = _parsed(workdir / module)[1].get(stem if "ǁ" in stem else stem.removeprefix("x_"))
    start = original.lineno if original is not None else None
    after[0] = after[0].replace(function, f"{stem}__mutmut_orig", 1)  # the def line's name differs in every mutant
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old = " / ".join(line.strip() for line in before[i1:i2])
        new = " / ".join(line.strip() for line in after[j1:j2])
        where = f"{module}:{start + i1}" if start is not None else f"{module}:?"
        return where, old, new
    return f"{module}:{start}", "", "(no line differs)"


def report(workdir: Path, sample: list[str], modules: list[str], command: str) -> None:
    """Counts, score and survivors of the sample's mutants that have a result (all, after a full run)."""
    from mutmut.stats import status_by_exit_code

    done = results(workdir, modules)
    tested = [name for name in sample if done.get(name) is not None]
    status = {name: status_by_exit_code[done[name]] for name in tested}
    counts = Counter(status.values())
    detected = counts["killed"] + counts["timeout"]
    print()
    print(f"command: {command}")
    if len(tested) < len(sample):
        print(f"PARTIAL: {len(sample) - len(tested)} of the {len(sample)} sampled mutants have no result yet")
    print(f"sample: {len(tested)} tested: " + ", ".join(f"{s} {c}" for s, c in counts.most_common()))
    for module in modules:
        mine = [s for n, s in status.items() if module_of(n) == module]
        if mine:
            hit = sum(s in ("killed", "timeout") for s in mine)
            print(f"  {module}: {hit}/{len(mine)} killed")
    if tested:
        print(f"score: {detected}/{len(tested)} = {100 * detected / len(tested):.1f}% (killed + timeout over tested)")
    survivors = [name for name in tested if status[name] not in ("killed", "timeout")]
    if survivors:
        print(f"\nsurvivors ({len(survivors)}):")
    for name in survivors:
        where, old, new = describe(workdir, name)
        print(f"  {where}  [{status[name]}] {name.rsplit('.', 1)[1]}")
        print(f"      - {old}")
        print(f"      + {new}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--sample", type=int, default=300, help="mutants to test (default 300)")
    parser.add_argument("--seed", type=int, default=10, help="random seed of the sample (default 10)")
    parser.add_argument("--module", action="append", choices=MODULES, help="limit to this module (repeatable)")
    parser.add_argument("--deselect", action="append", default=[], help="a test node id to leave out")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gen-mutation"))
    parser.add_argument("--reuse", action="store_true",
                        help="keep the work folder's mutants and stats (after an interrupted run)")
    parser.add_argument("--report", action="store_true",
                        help="only report the sample's results so far (while or after a run)")
    args = parser.parse_args(argv)
    modules = args.module or list(DEFAULT_MODULES)
    log = args.workdir.with_suffix(".log")
    command = (f"python tools/mutation.py -n {args.sample} --seed {args.seed}"
               + "".join(f" --module {m}" for m in args.module or ())
               + "".join(f" --deselect {d}" for d in args.deselect))

    fresh = not (args.reuse or args.report) or not (args.workdir / "mutants").exists()
    if fresh:
        snapshot(args.workdir, args.deselect)
        log.write_text("", encoding="utf-8")
        print(f"generating mutants and test coverage in {args.workdir} (log: {log}) ...", flush=True)
        mutmut(args.workdir, [NO_MATCH], log)  # generates and records stats; the sample is drawn below
    everything = results(args.workdir, modules)
    if not everything:
        print(log.read_text(encoding="utf-8")[-3000:])
        print("mutmut generated no mutants (see the log above)")
        return 2
    names = sorted(everything)
    sample = sorted(random.Random(args.seed).sample(names, min(args.sample, len(names))))
    if not args.report:
        per_module = Counter(module_of(name) for name in names)
        print(f"{len(names)} mutants ({', '.join(f'{m} {c}' for m, c in sorted(per_module.items()))}); "
              f"testing a sample of {len(sample)} (seed {args.seed}) ...", flush=True)
        run = mutmut(args.workdir, sample, log)
        if run.returncode != 0:
            print(log.read_text(encoding="utf-8")[-3000:])
            print(f"mutmut run failed (exit {run.returncode}); a test failing on clean code? use --deselect")
            return 2
    report(args.workdir, sample, modules, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python tools/bench.py``: how fast ``gen build`` is, where the time goes, and what it costs in memory.

For each N (default 10, 100, 1000) it writes N varied synthetic units — 5–200 项 rows over
real-looking function codes, 0–60 projects split over economic classes, 表6 rows that add up to the
general-budget basic spending, control totals and prior-year figures that reconcile, text without
the things R09 flags — so that every one of them passes ``gen check`` with no finding at all.  Then
it builds them in a fresh process (exactly what ``gen build`` runs) and prints ms/unit per stage
(read, check = validate, compute, render, write; time inside the workers), wall time per unit,
throughput and peak memory (``ru_maxrss`` of the parent and of the largest worker).

Then the comparison the issue asks for, on the same 100 copies of the example (each with its own
unit name) and in the same run: ``gen build`` against a plain docxtpl + openpyxl script
(anchors-docgen.md Appendix A: a python-docx-built template with 11 tables with merged two-row
headers and ``{%tr for %}`` bodies; per unit ``openpyxl.load_workbook`` and a new ``DocxTemplate``),
run one unit after another as such a script is written, and also spread over the same number of
processes.  Two separate builds of the copies are compared byte for byte.

Workbooks are written with openpyxl (~0.2–0.5 s each) into ``--workdir`` and reused when it is given
again; by default a temporary folder is used and removed.  docxtpl is needed only for the
comparison (``pip install -e '.[bench]'``); ``--no-compare`` skips it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
EXAMPLE_JSON = ROOT / "tests" / "data" / "akto2024.json"

from synthetic import synthetic_unit, write_catalog  # noqa: E402


def example_content(i: int) -> dict:
    """The example unit (tests/data/akto2024.json) under its own name: copy number i."""
    content = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    content["unit"]["name"] = f"{content['unit']['name']}{i:03d}"
    return content


def _write(job: tuple[str, str, int]) -> str:
    from gen.workbook_write import write_workbook

    kind, path, i = job
    write_workbook(path, synthetic_unit(i) if kind == "synthetic" else example_content(i))
    return path


def write_set(folder: Path, kind: str, count: int, jobs: int) -> list[Path]:
    """``count`` workbooks in ``folder`` (kept from an earlier run when already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{kind}-{i:05d}.xlsx" for i in range(count)]
    todo = [(kind, str(p), i) for i, p in enumerate(paths) if not p.exists()]
    if todo:
        print(f"  writing {len(todo)} {kind} workbooks into {folder} …", flush=True)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_write, todo, chunksize=4))
    return paths


def link_set(paths: list[Path], folder: Path) -> Path:
    """A folder holding exactly ``paths`` (hard links, or copies across file systems)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for p in paths:
        try:
            os.link(p, folder / p.name)
        except OSError:
            shutil.copyfile(p, folder / p.name)
    return folder


# --------------------------------------------------------------------------------------------
# Measuring one gen build (runs in a fresh process: ``--measure``)


def _peak_rss_mb() -> float:
    """This process's peak resident set.  On Linux, VmHWM: ``ru_maxrss`` survives ``exec``, so a process
    started by a big parent (this benchmark) would report the parent's size; VmHWM belongs to the new
    address space.  Workers are measured with RUSAGE_CHILDREN (forked from the small build process)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the workers): unlike wall time it hardly
    changes when other programs compete for the cores."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _measure(src: str, out: str, jobs: int | None, catalog_path: str | None) -> dict:
    from gen.batch import STAGES, find_workbooks, run_batch
    from gen.catalog import bundled

    catalog = bundled().with_file(catalog_path) if catalog_path else bundled()
    sources, _ = find_workbooks([src])
    report = run_batch(sources, out, jobs=jobs, catalog=catalog, timings=True)
    stages = {s: 0.0 for s in STAGES}
    counted = {s: 0 for s in STAGES}
    for r in report.records:
        for s, t in r.timings.items():
            stages[s] += t
            counted[s] += 1
    return {
        "units": len(report.records), "jobs": report.jobs, "wall": report.wall, "counts": report.counts(),
        "cpu": _cpu_seconds(),
        "stages_ms": {s: 1000 * stages[s] / counted[s] if counted[s] else 0.0 for s in STAGES},
        "rss_parent_mb": _peak_rss_mb(),
        "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "failed": [f"{r.source}: {r.message}" for r in report.failed[:5]],
    }


def _child(args: list[str], out: Path) -> dict:
    """Run one measurement in a fresh interpreter, as the command line runs it; its JSON report."""
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"measurement failed ({' '.join(args[:1])}):\n{proc.stderr}")
    result = json.loads(proc.stdout)
    result["process_wall"] = elapsed
    return result


def measure(src: Path, out: Path, jobs: int | None, catalog: Path | None) -> dict:
    """gen build of one folder."""
    return _child(["--measure", str(src), str(out)] + (["--jobs", str(jobs)] if jobs else [])
                  + (["--catalog", str(catalog)] if catalog else []), out)


# --------------------------------------------------------------------------------------------
# The docxtpl + openpyxl baseline (anchors-docgen.md Appendix A)

NCOLS = (4, 14, 6, 7, 6, 6, 16, 6, 7, 8, 10)
# which workbook sheet feeds each of the 11 tables (a plain script maps sheets to tables)
_TABLE_SHEETS = ("收支总额", "收入明细", "收入明细", "收支总额", "收入明细", "基本支出", "项目", None, None,
                 "三公经费", "上年结转")


def make_docxtpl_template(path: Path) -> Path:
    """Appendix A's make_tpl.py: title, 12 narrative paragraphs, 11 tables with a horizontally and
    vertically merged two-row repeating header, a ``{%tr for %}`` body row and a 合计 row."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    doc.add_heading("{{ unit.name }}{{ year }}年单位预算公开", 0)
    for _ in range(12):
        doc.add_paragraph('{{ unit.name }}{{ year }}年收入预算{{ "%.2f"|format(n.income) }}万元，比上年'
                          '{% if n.delta >= 0 %}增加{% else %}减少{% endif %}{{ "%.2f"|format(n.delta|abs) }}万元，'
                          '增长{{ "%.2f"|format(n.pct) }}%。主要原因是{{ n.reason }}。')
    for t, nc in enumerate(NCOLS):
        doc.add_paragraph(f"表{t + 1} 编制单位：{{{{ unit.name }}}} 单位：万元")
        table = doc.add_table(rows=4, cols=nc)
        table.style = "Table Grid"
        h0, h1 = table.rows[0].cells, table.rows[1].cells
        h0[0].merge(h0[min(2, nc - 1)]).text = "科目编码"
        for c in range(3, nc):
            h0[c].merge(h1[c]).text = f"列{c}"
        for c in range(min(3, nc)):
            h1[c].text = ("类", "款", "项")[c]
        for row in (table.rows[0], table.rows[1]):
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(header)
        table.rows[2].cells[0].text = f"{{%tr for r in t{t} %}}"
        for c, cell in enumerate(table.rows[3].cells):
            cell.text = f"{{{{ r[{c}] }}}}"
        table.add_row().cells[0].text = "{%tr endfor %}"
        total = table.add_row().cells
        total[0].text = "合计"
        for c in range(1, nc):
            total[c].text = f"{{{{ tot{t}[{c}] }}}}"
    doc.save(path)
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _docxtpl_context(wb) -> dict:
    """What a plain script does: walk the sheets with openpyxl and turn rows into table rows."""
    from gen.schema import HEADER_ROW
    from gen.workbook_write import KEYED_FIRST

    def rows(sheet: str | None, first: int) -> list[list]:
        if sheet is None or sheet not in wb.sheetnames:
            return []
        out = []
        for values in wb[sheet].iter_rows(min_row=first, values_only=True):
            if any(v not in (None, "") for v in values[:3]):
                out.append(list(values))
        return out

    keyed = {r[0]: r for r in rows("单位信息", KEYED_FIRST)}
    totals = {str(r[0]).rstrip("*"): r for r in rows("收支总额", KEYED_FIRST)}
    grand = totals.get("收支总计", [None, 0, 0, ""])
    cur, prior = float(grand[1] or 0), float(grand[2] or 0)
    context = {"unit": {"name": str((keyed.get("单位名称*") or keyed.get("单位名称") or [None, ""])[1])},
               "year": (keyed.get("预算年度*") or keyed.get("预算年度") or [None, ""])[1],
               "n": {"income": cur, "delta": cur - prior, "pct": (cur - prior) / prior * 100 if prior else 0,
                     "reason": str(grand[3] or "收支变化")}}
    for t, (nc, sheet) in enumerate(zip(NCOLS, _TABLE_SHEETS)):
        first = KEYED_FIRST if sheet == "收支总额" else HEADER_ROW + 1
        body = [[_cell(v) for v in (r + [None] * nc)[:nc]] for r in rows(sheet, first)]
        sums = [sum(float(r[c]) for r in rows(sheet, first) if c < len(r) and isinstance(r[c], (int, float)))
                for c in range(nc)]
        context[f"t{t}"] = body
        context[f"tot{t}"] = [f"{s:,.2f}" if s else "" for s in sums]
    return context


def _docxtpl_one(job: tuple[str, str, str]) -> tuple[float, float, float]:
    import openpyxl
    from docxtpl import DocxTemplate

    template, source, out_dir = job
    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(source, data_only=True)
    context = _docxtpl_context(wb)
    t1 = time.perf_counter()
    doc = DocxTemplate(template)
    doc.render(context, autoescape=True)
    t2 = time.perf_counter()
    doc.save(str(Path(out_dir) / (Path(source).stem + ".docx")))
    return t1 - t0, t2 - t1, time.perf_counter() - t2


def _docxtpl_run(template: str, src: str, out: str, jobs: int) -> dict:
    sources = sorted(str(p) for p in Path(src).glob("*.xlsx"))
    Path(out).mkdir(parents=True, exist_ok=True)
    jobs_list = [(template, s, out) for s in sources]
    start = time.perf_counter()
    if jobs == 1:
        parts = [_docxtpl_one(j) for j in jobs_list]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(_docxtpl_one, jobs_list))
    wall = time.perf_counter() - start
    n = len(parts)
    return {"units": n, "jobs": jobs, "wall": wall, "cpu": _cpu_seconds(),
            "stages_ms": {"read": 1000 * sum(p[0] for p in parts) / n, "render": 1000 * sum(p[1] for p in parts) / n,
                          "write": 1000 * sum(p[2] for p in parts) / n},
            "rss_parent_mb": _peak_rss_mb(),
            "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def measure_docxtpl(template: Path, src: Path, out: Path, jobs: int) -> dict:
    """The docxtpl + openpyxl script over the same folder."""
    return _child(["--docxtpl", str(template), str(src), str(out), "--jobs", str(jobs)], out)


# --------------------------------------------------------------------------------------------
# Reporting


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.docx"))}


def _doc_shape(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return (f"{path.stat().st_size / 1024:.0f} KB, {xml.count('<w:tbl>')} tables, {xml.count('<w:tr')} rows, "
            f"{xml.count('<w:p>') + xml.count('<w:p ')} paragraphs")


def _line(label: str, r: dict) -> str:
    n = r["units"]
    s = r["stages_ms"]
    stages = " ".join(f"{k} {v:5.1f}" for k, v in s.items())
    return (f"{label:<26} {n:>5}  {1000 * r['wall'] / n:6.1f} {1000 * r['process_wall'] / n:7.1f} "
            f"{1000 * r['cpu'] / n:7.1f}  "
            f"{n / r['wall']:6.1f}  {r['rss_parent_mb']:6.0f} {r['rss_workers_mb']:6.0f}   {stages}")


HEADER = (f"{'run':<26} {'units':>5}  {'ms/unit':>6} {'e2e ms':>7} {'CPU ms':>7}  {'unit/s':>6}  {'RSS MB':>6} {'worker':>6}   "
          "stage ms/unit (inside workers, summed over processes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10, 100, 1000], help="set sizes (default 10 100 1000)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep generated workbooks here and reuse them")
    parser.add_argument("--copies", type=int, default=100, help="copies of the example for the comparison")
    parser.add_argument("--no-compare", action="store_true", help="skip the docxtpl + openpyxl comparison")
    parser.add_argument("--measure", nargs=2, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--docxtpl", nargs=3, metavar=("TPL", "SRC", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--catalog", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:
        print(json.dumps(_measure(*args.measure, args.jobs, args.catalog)))
        return 0
    if args.docxtpl:
        print(json.dumps(_docxtpl_run(*args.docxtpl, args.jobs or 1)))
        return 0

    from gen.batch import default_jobs

    jobs = args.jobs or default_jobs()
    keep = args.workdir is not None
    work = args.workdir or Path(tempfile.mkdtemp(prefix="gen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"gen bench: {os.cpu_count()} CPUs, --jobs {jobs}, Python {sys.version.split()[0]}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, workdir {work}")
    try:
        catalog = write_catalog(work / "catalog.csv")
        ns = sorted(set(args.n))
        synthetic = write_set(work / "synthetic", "synthetic", max(ns), jobs)
        print()
        print("Synthetic units.  ms/unit = batch wall / units; e2e = the whole process incl. interpreter start;"
              " CPU = user+sys of the process and its workers / units; RSS = peak of the parent, of the largest worker")
        print(HEADER)
        results = {}
        for n in ns:
            src = link_set(synthetic[:n], work / f"set-{n}")
            r = results[n] = measure(src, work / f"out-{n}", jobs, catalog)
            print(_line(f"synthetic N={n}", r), flush=True)
            if r["counts"]["ok"] != n:
                print(f"  ! not all built: {r['counts']} {r['failed']}")
        sizes = [synthetic_unit(i) for i in range(min(max(ns), 1000))]
        items = sorted(len(u["income"]) for u in sizes)
        projects = sorted(len(u["projects"]) for u in sizes)
        print(f"  mix of the first {len(sizes)}: 项 rows {items[0]}–{items[-1]} (median {items[len(items) // 2]}), "
              f"projects {projects[0]}–{projects[-1]} (median {projects[len(projects) // 2]}); every unit "
              "checked with no finding (status ok, 0 提示) is required above")
        if 100 in results and 1000 in results:
            ratio = max(results[1000]["rss_parent_mb"] / results[100]["rss_parent_mb"],
                        results[1000]["rss_workers_mb"] / results[100]["rss_workers_mb"])
            print(f"  peak memory N=1000 / N=100: parent {results[1000]['rss_parent_mb'] / results[100]['rss_parent_mb']:.2f}×, "
                  f"workers {results[1000]['rss_workers_mb'] / results[100]['rss_workers_mb']:.2f}× "
                  f"(limit 1.2×: {'ok' if ratio <= 1.2 else 'EXCEEDED'})")

        print()
        print(f"{args.copies} copies of the example (tests/data/akto2024.json, each with its own unit name)")
        copies = link_set(write_set(work / "example", "example", args.copies, jobs), work / "set-example")
        print(HEADER)
        first = measure(copies, work / "out-example-1", jobs, None)
        print(_line("gen build", first), flush=True)
        second = measure(copies, work / "out-example-2", jobs, None)
        print(_line("gen build (again)", second), flush=True)
        a, b = _digests(work / "out-example-1"), _digests(work / "out-example-2")
        same = bool(a) and a == b
        print(f"  rebuilt documents byte-identical across two separate runs: {same} ({len(a)} documents)")
        if not args.no_compare:
            try:
                import docxtpl  # noqa: F401
            except ImportError:
                print("  docxtpl is not installed (pip install -e '.[bench]'): comparison skipped")
                return 0 if same else 1
            template = make_docxtpl_template(work / "docxtpl-template.docx")
            serial = measure_docxtpl(template, copies, work / "out-docxtpl-1", 1)
            print(_line("docxtpl+openpyxl, 1 proc", serial), flush=True)
            parallel = measure_docxtpl(template, copies, work / "out-docxtpl-n", jobs)
            print(_line(f"docxtpl+openpyxl, {jobs} procs", parallel), flush=True)
            ours = (first["wall"] + second["wall"]) / (first["units"] + second["units"])
            ours_e2e = (first["process_wall"] + second["process_wall"]) / (first["units"] + second["units"])
            theirs = serial["wall"] / serial["units"]
            theirs_n = parallel["wall"] / parallel["units"]
            cpu_ours = (first["cpu"] + second["cpu"]) / (first["units"] + second["units"])
            print(f"  CPU per unit (whole process incl. start-up, all workers; insensitive to other load): "
                  f"gen build {1000 * cpu_ours:.1f} ms, docxtpl script {1000 * serial['cpu'] / serial['units']:.1f} ms "
                  f"= {serial['cpu'] / serial['units'] / cpu_ours:.1f}×")
            print(f"  per unit (mean of the two gen builds): gen build {1000 * ours:.1f} ms "
                  f"({1000 * ours_e2e:.1f} ms with interpreter start); docxtpl script {1000 * theirs:.1f} ms as written "
                  f"= {theirs / ours:.1f}× slower ({theirs / ours_e2e:.1f}× against gen's end-to-end), "
                  f"{1000 * theirs_n:.1f} ms spread over {jobs} processes = {theirs_n / ours:.1f}× slower")
            ours_doc = next((work / "out-example-1").glob("*.docx"))
            theirs_doc = next((work / "out-docxtpl-1").glob("*.docx"))
            print(f"  documents: gen {_doc_shape(ours_doc)}; docxtpl {_doc_shape(theirs_doc)}")
        return 0 if same else 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

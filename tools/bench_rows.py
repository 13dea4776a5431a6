"""Speed and memory of gen on a very large workbook: 收入明细 with N rows (default 100,000).

Run: ``python tools/bench_rows.py [N]``.  Prints the seconds and peak memory of reading the workbook
and of the whole ``gen check`` command, each in a fresh process.  (The test suite asserts only what
gen does with such a file, never how fast.)
"""
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_robustness import _many_rows  # noqa: E402  (the same generator as the tests)

EXAMPLE = next((ROOT / "inputs").glob("*.xlsx"))

MEASURE = """
import json, sys, time
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({{"seconds": seconds, "peak_mb": int(hwm.split()[1]) / 1024}}))
"""


def measure(body: str) -> dict:
    code = MEASURE.format(body=textwrap.dedent(body))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = _many_rows(Path(tmp) / "rows.xlsx", EXAMPLE, n)
        read = measure(f"from gen.reader import read_budget; read_budget({str(path)!r})")
        check = measure(f"""
            from click.testing import CliRunner
            from gen.cli import main
            CliRunner().invoke(main, ["check", {str(path)!r}])
        """)
    for label, r in (("read", read), ("gen check", check)):
        print(f"{label:10s} {n:,} rows: {r['seconds']:6.1f} s, peak {r['peak_mb']:6.0f} MB")


if __name__ == "__main__":
    main()

"""Write the example workbook in inputs/ from tests/data/akto2024.json (the reference's figures).

Run: ``python tools/make_example.py``.  tests/test_example.py checks the committed workbook still
reads to exactly these figures.
"""
import json
from pathlib import Path

from gen.workbook_write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "akto2024.json"
EXAMPLE = ROOT / "inputs" / "阿克陶县社会保险中心2024年单位预算.xlsx"

if __name__ == "__main__":
    write_workbook(EXAMPLE, json.loads(DATA.read_text(encoding="utf-8")))
    print(f"wrote {EXAMPLE}")

"""The README's screenshots of gen serve: a bureau with five units in several states, a clerk's findings
page. Runs the real server on a free port in a temporary folder and photographs it with Debian's Chromium.

    python tools/serve_screenshots.py            # writes docs/serve-clerk-findings.png, docs/serve-bureau-table.png
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from xlsx_edit import set_cells  # noqa: E402

from gen.web import create_app  # noqa: E402
from gen.web.security import set_admin_password  # noqa: E402

GOOD = ROOT / "inputs" / "阿克陶县社会保险中心2024年单位预算.xlsx"
PASSWORD = "screenshot-password"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="gen-shots-"))
    mistaken = set_cells(GOOD, work / "社保中心预算（第1稿）.xlsx", "收支总额", {"B4": 441.12})
    mistaken = set_cells(mistaken, work / "社保中心预算（第1稿）.xlsx", "收入明细", {"B4": "社会保险经办机构"})
    hinted = set_cells(GOOD, work / "提示.xlsx", "主要职能", {"A4": "贯彻执行社会保险的方针,政策"})
    app = create_app(work / "data", start_worker=True, jobs=1)
    with app.extensions["gen"].sessions() as s:
        set_admin_password(s, PASSWORD)
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.effective_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            bureau = browser.new_page(viewport={"width": 1280, "height": 720})
            bureau.goto(base + "/admin")
            bureau.fill("input[name=password]", PASSWORD)
            bureau.click("button:has-text('登录')")
            bureau.fill("input[name=year]", "2024")
            bureau.fill("textarea[name=names]", "阿克陶县社会保险中心\n阿克陶县医疗保障局\n阿克陶县就业服务中心\n"
                                               "阿克陶县农村养老保险管理所\n阿克陶县劳动监察大队")
            bureau.click("button:has-text('新建并生成链接')")
            links = bureau.eval_on_selector_all("td.link input", "els => els.map(e => e.value)")
            clerk = browser.new_page(viewport={"width": 1280, "height": 720})
            for link, workbook, who in ((links[0], GOOD, "阿依古丽"), (links[1], mistaken, "王建国"),
                                        (links[2], hinted, "李娟")):
                clerk.goto(link)
                clerk.fill("input[name=who]", who)
                clerk.set_input_files("input[name=workbook]", str(workbook))
                clerk.click("button:has-text('上传并检查')")
            time.sleep(3)
            clerk.goto(links[1])
            clerk.screenshot(path=str(ROOT / "docs" / "serve-clerk-findings.png"), full_page=True)
            bureau.goto(base + "/admin")
            bureau.screenshot(path=str(ROOT / "docs" / "serve-bureau-table.png"), full_page=True)
            browser.close()
    finally:
        httpd.close()
        app.extensions["gen"].worker.stop()
    print("docs/serve-clerk-findings.png docs/serve-bureau-table.png")


if __name__ == "__main__":
    main()

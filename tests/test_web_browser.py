"""gen serve in a real browser (Debian's Chromium driven by Playwright) over a real waitress server:
the bureau creates two units, a clerk uploads a workbook with a mistake, sees the finding with its
cell, uploads the fixed one and downloads the .docx; the other unit's link sees none of it."""
from __future__ import annotations

import os
import re
import threading
import zipfile
from pathlib import Path

import pytest

from test_web import GOOD, PASSWORD, bad_workbook, make_app, reset_database  # noqa: F401 (fixture)

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian 的 chromium 未安装（apt-get install chromium）："
                                "浏览器测试需要 /usr/bin/chromium")


@pytest.fixture
def server(tmp_path):
    from waitress import create_server

    if os.environ.get("GEN_TEST_DB"):
        reset_database(os.environ["GEN_TEST_DB"])
    app = make_app(tmp_path / "data")
    app.extensions["gen"].worker.start()
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    thread.join(5)
    app.extensions["gen"].worker.stop()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright 未安装：pip install -e '.[test]'")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def test_clerk_fixes_a_mistake_and_downloads_the_document(server, browser, bad_workbook, tmp_path):
    bureau = browser.new_page()
    bureau.goto(server + "/admin")
    bureau.fill("input[name=password]", PASSWORD)
    bureau.click("button:has-text('登录')")
    bureau.fill("input[name=year]", "2024")
    bureau.fill("textarea[name=names]", "阿克陶县社会保险中心\n另一个单位")
    bureau.click("button:has-text('新建并生成链接')")
    links = bureau.eval_on_selector_all("td.link input", "els => els.map(e => e.value)")
    assert len(links) == 2 and all(re.fullmatch(re.escape(server) + r"/u/[\w-]{32}", link) for link in links)
    assert bureau.locator("td.status").all_inner_texts() == ["未提交", "未提交"]

    clerk = browser.new_context(accept_downloads=True).new_page()
    clerk.goto(links[0])
    clerk.fill("input[name=who]", "张会计")
    clerk.set_input_files("input[name=workbook]", str(bad_workbook))
    clerk.click("button:has-text('上传并检查')")
    row = clerk.locator("table.findings tr.error").first
    assert row.locator("td.cell").inner_text().startswith("B4")
    assert "441.12" in row.inner_text() and "工作表“收支总额”" in clerk.content()

    clerk.goto(links[0])
    clerk.set_input_files("input[name=workbook]", str(GOOD))
    clerk.click("button:has-text('上传并检查')")
    button = clerk.locator("a.button", has_text="下载 Word 文档")
    button.wait_for(timeout=60_000)  # the page refreshes itself until the build is done
    with clerk.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "阿克陶县社会保险中心2024年单位预算公开.docx"
    saved = tmp_path / "downloaded.docx"
    download.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        assert "阿克陶县社会保险中心" in zf.read("word/document.xml").decode("utf-8")
    document_path = button.get_attribute("href")

    other = browser.new_context().new_page()
    other.goto(links[1])
    text = other.content()
    assert "还没有上传" in text and "张会计" not in text and "有错误.xlsx" not in text
    stolen = links[1] + document_path[document_path.index("/documents/"):]
    response = other.goto(stolen)
    assert response.status == 404 and "找不到页面" in other.content()

    bureau.goto(server + "/admin")
    assert bureau.locator("td.status").all_inner_texts() == ["已生成", "未提交"]

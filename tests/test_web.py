"""gen serve over HTTP (Flask's test client): every route, isolation between units, CSRF, upload limits,
the admin login limit, jobs that survive a restart. ``GEN_TEST_DB`` runs the same tests on PostgreSQL."""
from __future__ import annotations

import html
import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from gen.build import build_unit, output_name
from gen.checks import check_workbook
from gen.reader import read_budget
from gen.render import Renderer
from gen.web import create_app
from gen.web.models import Audit, Document, Job, Unit, Upload
from gen.web.security import set_admin_password
from xlsx_edit import set_cells

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "inputs" / "阿克陶县社会保险中心2024年单位预算.xlsx"
PASSWORD = "财政局-test-pw"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def reset_database(url: str) -> None:
    """A clean PostgreSQL schema per test (SQLite tests get a fresh file anyway)."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(data: Path, **kw):
    url = os.environ.get("GEN_TEST_DB")
    app = create_app(data, url, start_worker=False, jobs=1, **kw)
    with app.extensions["gen"].sessions() as s:
        set_admin_password(s, PASSWORD)
    return app


@pytest.fixture
def app(tmp_path):
    if os.environ.get("GEN_TEST_DB"):
        reset_database(os.environ["GEN_TEST_DB"])
    return make_app(tmp_path / "data")


@pytest.fixture(scope="session")
def bad_workbook(tmp_path_factory) -> Path:
    """The example with one mistake: 收支总额!B4 (一般公共预算批复数) 440.12 → 441.12."""
    return set_cells(GOOD, tmp_path_factory.mktemp("bad") / "有错误.xlsx", "收支总额", {"B4": 441.12})


def csrf(client, path: str) -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def admin_client(app):
    client = app.test_client()
    token = csrf(client, "/admin/login")
    response = client.post("/admin/login", data={"csrf_token": token, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin")
    return client


def create_units(admin, names: str, year: int = 2024) -> dict[str, str]:
    response = admin.post("/admin/units", data={"csrf_token": csrf(admin, "/admin"), "year": year, "names": names})
    assert response.status_code == 303
    page = admin.get(f"/admin?year={year}").get_data(as_text=True)
    return dict(re.findall(r'<a href="/admin/units/\d+">([^<]+)</a>.*?/u/([A-Za-z0-9_-]+)"', page, re.S))


def upload(client, token: str, path: Path, name: str | None = None, who: str = "张会计"):
    data = {"csrf_token": csrf(client, f"/u/{token}"), "who": who,
            "workbook": (io.BytesIO(Path(path).read_bytes()), name or Path(path).name)}
    return client.post(f"/u/{token}/upload", data=data, content_type="multipart/form-data")


def rows(app, model, *where):
    with app.extensions["gen"].sessions() as s:
        return s.scalars(select(model).where(*where)).all()


def test_bureau_creates_units_from_a_pasted_list(app):
    admin = admin_client(app)
    links = create_units(admin, "甲单位\n乙单位、丙单位\n甲单位\n")
    assert sorted(links) == ["丙单位", "乙单位", "甲单位"]
    assert len(set(links.values())) == 3 and all(len(t) >= 32 for t in links.values())
    page = admin.get("/admin?year=2024").get_data(as_text=True)
    assert page.count('<td class="status">未提交</td>') == 3
    assert len(rows(app, Audit, Audit.action == "link_create")) == 3
    assert admin.post("/admin/units", data={"csrf_token": csrf(admin, "/admin"), "year": "24",
                                            "names": "丁"}).status_code == 400


def test_upload_with_a_mistake_shows_gen_checks_findings_by_sheet_and_cell(app, bad_workbook):
    admin = admin_client(app)
    token = create_units(admin, "阿克陶县社会保险中心")["阿克陶县社会保险中心"]
    clerk = app.test_client()
    response = upload(clerk, token, bad_workbook)
    assert response.status_code == 303
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    _, findings = check_workbook(bad_workbook)
    assert findings.errors  # the same findings as gen check, each with its sheet, cell and fix
    for f in findings:
        assert html.escape(f.message, quote=True) in page
        assert f"工作表“{f.sheet}”" in page
    assert '<td class="cell">B4' in page and "I9" in page
    assert "正在生成" not in page and not rows(app, Job)  # errors: nothing to build
    (stored,) = rows(app, Upload)
    assert (stored.errors, stored.original_name, stored.who.split("（")[0]) == (len(findings.errors), "有错误.xlsx", "张会计")
    kept = app.extensions["gen"].files.path(stored.sha256, ".xlsx")
    assert kept.read_bytes() == bad_workbook.read_bytes() and "有错误" not in str(kept)
    assert '<td class="status">有错误</td>' in admin.get("/admin").get_data(as_text=True)


def test_valid_upload_builds_the_same_document_as_gen_build(app, tmp_path):
    admin = admin_client(app)
    token = create_units(admin, "社保中心")["社保中心"]
    clerk = app.test_client()
    location = upload(clerk, token, GOOD).headers["Location"]
    waiting = clerk.get(location).get_data(as_text=True)
    assert "正在生成" in waiting and 'http-equiv="refresh"' in waiting
    assert app.extensions["gen"].worker.run_once() == 1
    page = clerk.get(location).get_data(as_text=True)
    assert "正在生成" not in page and "refresh" not in page
    (doc,) = rows(app, Document)
    (up,) = rows(app, Upload)
    assert doc.upload_id == up.id and doc.kind == "docx"
    response = clerk.get(f"/u/{token}/documents/{doc.id}")
    assert response.status_code == 200
    expected = build_unit(GOOD, tmp_path, Renderer()).output
    assert response.data == expected.read_bytes()
    assert output_name("阿克陶县社会保险中心", 2024) in response.headers["Content-Disposition"].replace("%", "") or \
        "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert '<td class="status">已生成</td>' in admin.get("/admin").get_data(as_text=True)
    actions = {a.action for a in rows(app, Audit)}
    assert {"upload", "build", "download", "link_create"} <= actions


def test_a_units_link_reaches_that_unit_alone(app, tmp_path):
    admin = admin_client(app)
    links = create_units(admin, "甲\n乙")
    a, b = links["甲"], links["乙"]
    clerk_a, clerk_b = app.test_client(), app.test_client()
    upload(clerk_a, a, GOOD, name="甲的工作簿.xlsx")
    app.extensions["gen"].worker.run_once()
    (up,) = rows(app, Upload)
    (doc,) = rows(app, Document)
    assert clerk_a.get(f"/u/{a}/uploads/{up.id}").status_code == 200
    assert clerk_a.get(f"/u/{a}/documents/{doc.id}").status_code == 200
    # B's link with A's ids, neighbouring ids, file names and hashes: nothing
    for path in (f"/u/{b}/uploads/{up.id}", f"/u/{b}/documents/{doc.id}", f"/u/{b}/uploads/{up.id + 1}",
                 f"/u/{b}/documents/{doc.id + 1}", f"/u/{b}/prefill.xlsx", f"/u/{b}/{up.sha256}.xlsx",
                 f"/u/{b}/files/{up.sha256[:2]}/{up.sha256}.xlsx", f"/u/{b}/../{a}", f"/u/{a[:-1]}x",
                 f"/u/{up.id}", f"/u/{b}/documents/{doc.sha256}", "/files/" + up.sha256, "/admin/uploads/1.xlsx"):
        response = clerk_b.get(path)
        assert response.status_code in (302, 404), path
        assert up.sha256[:16] not in response.get_data(as_text=True)
    page_b = clerk_b.get(f"/u/{b}").get_data(as_text=True)
    assert "甲的工作簿" not in page_b and "还没有上传" in page_b
    # upload into B with A's token is impossible, and the admin pages are closed to clerks
    assert clerk_b.get("/admin").status_code == 302
    assert clerk_b.get(f"/admin/units/{up.unit_id}").status_code == 302
    assert clerk_b.get(f"/admin/documents/{doc.id}").status_code == 302
    assert clerk_b.get("/admin/years/2024/documents.zip").status_code == 302


def test_revoked_link_is_dead_and_a_new_link_works(app):
    admin = admin_client(app)
    old = create_units(admin, "甲")["甲"]
    (unit,) = rows(app, Unit)
    response = admin.post(f"/admin/units/{unit.id}/revoke", data={"csrf_token": csrf(admin, "/admin")})
    assert response.status_code == 303
    assert app.test_client().get(f"/u/{old}").status_code == 404
    assert app.test_client().get(f"/u/{old}/template.xlsx").status_code == 404
    admin.post(f"/admin/units/{unit.id}/link", data={"csrf_token": csrf(admin, "/admin")})
    (unit,) = rows(app, Unit)
    assert unit.token != old and not unit.revoked
    assert app.test_client().get(f"/u/{unit.token}").status_code == 200
    assert app.test_client().get(f"/u/{old}").status_code == 404
    assert [a.action for a in rows(app, Audit, Audit.unit_id == unit.id)] == ["link_create", "link_revoke", "link_create"]


def test_every_form_needs_the_csrf_token(app):
    admin = admin_client(app)
    token = create_units(admin, "甲")["甲"]
    (unit,) = rows(app, Unit)
    clerk = app.test_client()
    clerk.get(f"/u/{token}")
    for data in ({}, {"csrf_token": "forged"}):
        response = clerk.post(f"/u/{token}/upload", data={**data, "workbook": (io.BytesIO(GOOD.read_bytes()), "a.xlsx")},
                              content_type="multipart/form-data")
        assert response.status_code == 400 and "表单已过期" in response.get_data(as_text=True)
    assert not rows(app, Upload)
    for path, data in (("/admin/units", {"year": 2025, "names": "乙"}), (f"/admin/units/{unit.id}/revoke", {}),
                       (f"/admin/units/{unit.id}/link", {}), (f"/admin/units/{unit.id}/build", {}),
                       ("/admin/build", {"year": 2024}), ("/admin/rollover", {"year": 2024}), ("/admin/logout", {})):
        assert admin.post(path, data=data).status_code == 400, path
    assert len(rows(app, Unit)) == 1 and not rows(app, Unit)[0].revoked
    assert app.test_client().post("/admin/login", data={"password": PASSWORD}).status_code == 400


def test_oversized_and_non_xlsx_uploads_are_refused(tmp_path):
    if os.environ.get("GEN_TEST_DB"):
        reset_database(os.environ["GEN_TEST_DB"])
    small = make_app(tmp_path / "data", max_upload=GOOD.stat().st_size + 4096)
    admin = admin_client(small)
    token = create_units(admin, "甲")["甲"]
    clerk = small.test_client()
    big = tmp_path / "big.xlsx"
    big.write_bytes(GOOD.read_bytes() + b"\0" * 8192)
    response = upload(clerk, token, big)
    assert response.status_code == 413 and "文件太大" in response.get_data(as_text=True)
    csv_file = tmp_path / "名单.csv"
    csv_file.write_text("a,b\n1,2\n", encoding="utf-8")
    assert upload(clerk, token, csv_file).status_code == 400
    renamed = tmp_path / "改了扩展名.xlsx"
    renamed.write_text("a,b\n1,2\n", encoding="utf-8")
    response = upload(clerk, token, renamed)
    assert response.status_code == 400 and "不是 .xlsx 工作簿" in response.get_data(as_text=True)
    xls = tmp_path / "旧格式.xls"
    shutil.copy(GOOD, xls)
    assert upload(clerk, token, xls).status_code == 400
    assert not rows(small, Upload)
    assert len(rows(small, Audit, Audit.action == "upload_refused")) == 3
    # a zip that is not a workbook passes the type gate and gets gen's own reading message
    fake = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    response = upload(clerk, token, fake, name="..\\..\\etc\\fake.xlsx")
    assert response.status_code == 303
    (stored,) = rows(small, Upload)
    # the path is gone, however the HTTP layer passed it on (Werkzeug versions differ: "fake.xlsx" or
    # "....etcfake.xlsx"), and the file is stored under its hash anyway
    assert stored.status == "unusable" and stored.original_name.endswith("fake.xlsx")
    assert not {"/", "\\"} & set(stored.original_name)
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "无法作为工作簿读取" in page and "fake.xlsx" in page and stored.sha256 not in stored.message
    assert not rows(small, Job)
    assert upload(clerk, token, GOOD).status_code == 303  # the limit still lets a real workbook in


def test_admin_login_is_rate_limited_per_address(app):
    client = app.test_client()
    for _ in range(5):
        response = client.post("/admin/login", data={"csrf_token": csrf(client, "/admin/login"), "password": "错"})
        assert response.status_code == 401 and "密码不对" in response.get_data(as_text=True)
    response = client.post("/admin/login", data={"csrf_token": csrf(client, "/admin/login"), "password": PASSWORD})
    assert response.status_code == 429 and "次数过多" in response.get_data(as_text=True)
    assert client.get("/admin").status_code == 302
    other = app.test_client()
    response = other.post("/admin/login", environ_base={"REMOTE_ADDR": "10.0.0.9"},
                          data={"csrf_token": csrf(other, "/admin/login"), "password": PASSWORD})
    assert response.status_code == 303
    assert {"login_failed", "login_blocked", "login"} <= {a.action for a in rows(app, Audit)}


def test_a_restart_loses_no_queued_or_finished_job(app, tmp_path):
    admin = admin_client(app)
    links = create_units(admin, "甲\n乙")
    clerk = app.test_client()
    upload(clerk, links["甲"], GOOD)
    app.extensions["gen"].worker.run_once()
    upload(clerk, links["乙"], GOOD)
    with app.extensions["gen"].sessions() as s:  # the server died while building 乙
        job = s.scalars(select(Job).where(Job.state == "queued")).one()
        job.state = "running"
        s.commit()
    restarted = create_app(tmp_path / "data", os.environ.get("GEN_TEST_DB"), start_worker=False, jobs=1)
    worker = restarted.extensions["gen"].worker
    assert worker.resume() == 1
    assert worker.run_once() == 1
    docs = rows(restarted, Document)
    assert len(docs) == 2 and {d.unit_id for d in docs} == {u.id for u in rows(restarted, Unit)}
    assert all(j.state == "done" for j in rows(restarted, Job))
    assert restarted.test_client().get(f"/u/{links['甲']}/documents/{docs[0].id}").status_code == 200


def test_rebuild_all_and_download_everything_as_one_zip(app, bad_workbook):
    admin = admin_client(app)
    links = create_units(admin, "甲\n乙\n丙")
    clerk = app.test_client()
    upload(clerk, links["甲"], GOOD)
    upload(clerk, links["乙"], GOOD)
    upload(clerk, links["丙"], bad_workbook)
    worker = app.extensions["gen"].worker
    while worker.run_once():  # the same workbook unit twice: built in two rounds, never as a conflict
        pass
    assert len(rows(app, Document)) == 2
    response = admin.post("/admin/build", data={"csrf_token": csrf(admin, "/admin"), "year": 2024})
    assert response.status_code == 303 and len(rows(app, Job, Job.state == "queued")) == 2
    while worker.run_once():
        pass
    assert len(rows(app, Document)) == 4
    response = admin.get("/admin/years/2024/documents.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        names = zf.namelist()
        summary = zf.read("构建汇总.csv").decode("utf-8-sig").splitlines()
    assert len([n for n in names if n.endswith(".docx")]) == 2  # the newest build of each unit
    assert {n.split("/")[0] for n in names if "/" in n} == {"甲2024年单位预算公开", "乙2024年单位预算公开"}
    assert summary[0] == "单位,文件,状态,错误数,提示数,输出文件/说明,目录页码"
    assert [r.split(",")[:3] for r in summary[1:]] == [["甲", "阿克陶县社会保险中心2024年单位预算.xlsx", "已生成"],
                                                        ["乙", "阿克陶县社会保险中心2024年单位预算.xlsx", "已生成"],
                                                        ["丙", "有错误.xlsx", "有错误"]]
    assert admin.get("/admin/years/1999/documents.zip").status_code == 404
    (unit,) = rows(app, Unit, Unit.name == "甲")
    assert admin.post(f"/admin/units/{unit.id}/build", data={"csrf_token": csrf(admin, "/admin")}).status_code == 303
    assert len(rows(app, Job, Job.state == "queued", Job.unit_id == unit.id)) == 1


def test_next_year_from_this_years_last_good_workbook(app, bad_workbook):
    admin = admin_client(app)
    links = create_units(admin, "甲\n乙")
    clerk = app.test_client()
    upload(clerk, links["甲"], GOOD)
    upload(clerk, links["甲"], bad_workbook)  # the last upload has errors: the good one is carried over
    response = admin.post("/admin/rollover", data={"csrf_token": csrf(admin, "/admin"), "year": 2024})
    assert response.status_code == 303 and response.headers["Location"].endswith("year=2025")
    app.extensions["gen"].worker.run_once()
    new = {u.name: u for u in rows(app, Unit, Unit.year == 2025)}
    assert set(new) == {"甲", "乙"} and new["甲"].token not in links.values()
    assert new["乙"].prefill_sha is None  # nothing to carry over
    response = app.test_client().get(f"/u/{new['甲'].token}/prefill.xlsx")
    assert response.status_code == 200
    prefill = Path(app.extensions["gen"].data) / "p.xlsx"
    prefill.write_bytes(response.data)
    budget, _ = read_budget(prefill)
    original, _ = read_budget(GOOD)
    assert budget.unit.year == 2025 and budget.unit.name == original.unit.name
    assert "下载 2025 年预填工作簿" in app.test_client().get(f"/u/{new['甲'].token}").get_data(as_text=True)
    assert app.test_client().get(f"/u/{new['乙'].token}/prefill.xlsx").status_code == 404
    assert app.test_client().get(f"/u/{links['甲']}/prefill.xlsx").status_code == 404


def test_blank_workbook_history_audit_and_admin_pages(app, bad_workbook):
    admin = admin_client(app)
    token = create_units(admin, "甲")["甲"]
    clerk = app.test_client()
    response = clerk.get(f"/u/{token}/template.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert "xl/workbook.xml" in zf.namelist()
    upload(clerk, token, bad_workbook, who="李<b>四</b>")
    upload(clerk, token, GOOD)
    page = clerk.get(f"/u/{token}").get_data(as_text=True)
    assert "有错误.xlsx" in page and "李&lt;b&gt;四&lt;/b&gt;" in page and "<b>四</b>" not in page
    (unit,) = rows(app, Unit)
    detail = admin.get(f"/admin/units/{unit.id}")
    assert detail.status_code == 200 and "有错误.xlsx" in detail.get_data(as_text=True)
    first = min(u.id for u in rows(app, Upload))
    assert admin.get(f"/admin/uploads/{first}.xlsx").data == bad_workbook.read_bytes()
    assert admin.get("/admin/uploads/9999.xlsx").status_code == 404
    app.extensions["gen"].worker.run_once()
    (doc,) = rows(app, Document)
    assert admin.get(f"/admin/documents/{doc.id}").data == clerk.get(f"/u/{token}/documents/{doc.id}").data
    assert admin.get(f"/admin/documents/{doc.id + 1}").status_code == 404
    assert clerk.get(f"/u/{token}/upload").status_code == 405
    css = clerk.get("/static/gen.css")
    assert css.status_code == 200 and b"font-family" in css.data
    assert admin.get("/admin/units/9999").status_code == 404
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert audit.count("上传") >= 2 and "创建链接" in audit
    assert admin.get("/").status_code == 302
    assert admin.post("/admin/logout", data={"csrf_token": csrf(admin, "/admin")}).status_code == 303
    assert admin.get("/admin").status_code == 302


def test_gen_serve_asks_for_the_password_once_and_listens_on_localhost(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import waitress

    from gen.cli import main
    from gen.web.models import Setting

    if os.environ.get("GEN_TEST_DB"):
        reset_database(os.environ["GEN_TEST_DB"])
    db = ["--db", os.environ["GEN_TEST_DB"]] if os.environ.get("GEN_TEST_DB") else []
    data = tmp_path / "serve-data"
    monkeypatch.delenv("GEN_ADMIN_PASSWORD", raising=False)
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--no-pdf", *db])
    assert result.exit_code == 1 and "GEN_ADMIN_PASSWORD" in result.output  # no terminal to ask in
    monkeypatch.setenv("GEN_ADMIN_PASSWORD", "short")
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--no-pdf", *db])
    assert result.exit_code == 1 and "至少 8 个字符" in result.output
    calls = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("GEN_ADMIN_PASSWORD", PASSWORD)
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--no-pdf", *db])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000 and "只有本机可以访问" in result.output
    app = create_app(data, os.environ.get("GEN_TEST_DB"), start_worker=False)
    with app.extensions["gen"].sessions() as s:
        stored = s.get(Setting, "admin_password").value
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    monkeypatch.setenv("GEN_ADMIN_PASSWORD", "another-password")  # set once: a later start keeps it
    CliRunner().invoke(main, ["serve", "--data", str(data), "--no-pdf", "--host", "0.0.0.0", *db])
    assert calls[1]["host"] == "0.0.0.0"
    with app.extensions["gen"].sessions() as s:
        assert s.get(Setting, "admin_password").value == stored


def test_the_migrations_build_exactly_the_tables_the_models_declare(app):
    """A model changed without a migration (or the reverse) shows up here, on SQLite and PostgreSQL."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from gen.web.models import Base

    engine = app.extensions["gen"].sessions.kw["bind"]
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert MigrationContext.configure(connection).get_current_revision() == "0001"

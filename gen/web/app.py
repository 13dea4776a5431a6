"""The routes of gen serve: the bureau's pages under /admin, a clerk's under /u/<token>.

Thin over gen: a workbook is checked by ``gen.checks.check_workbook`` (the findings of ``gen check``),
built by ``gen.batch.run_batch`` in the job worker, the blank workbook is ``gen.workbook_write``'s and
next year's comes from ``gen.rollover``. Everything a clerk can reach is looked up through the unit of
the link's token, so no id in a URL opens another unit's data.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, abort, current_app, g, redirect, render_template, request, send_file, session, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from ..batch import SUMMARY_COLUMNS, SUMMARY_NAME
from ..build import output_name
from ..checks import check_workbook
from ..findings import SEVERITY_LABEL, UnusableFile
from ..workbook_write import write_workbook
from . import security
from .jobs import Worker, enqueue, queue_position
from .models import Audit, Document, Job, Unit, Upload
from .storage import Files, default_url, open_database

MAX_UPLOAD = 10 * 1024 * 1024  # a filled workbook is well under 1 MB
TEMPLATE_NAME = "单位预算公开填报模板.xlsx"
ACTION_LABEL = {"upload": "上传", "upload_refused": "拒收上传", "build": "生成", "build_request": "请求重新生成",
                "rollover": "结转", "download": "下载", "link_create": "创建链接", "link_revoke": "停用链接",
                "login": "登录", "login_failed": "登录失败", "login_blocked": "登录被限制"}
_NAME_SPLIT = re.compile(r"[\r\n\t,，、;；]+")


@dataclass
class Context:
    sessions: sessionmaker
    files: Files
    worker: Worker
    data: Path
    _blank: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def blank_workbook(self) -> bytes:
        """gen template's workbook, made once per process (never cached on disk: an upgraded gen
        hands out its own template)."""
        with self._lock:
            if self._blank is None:
                folder = Path(tempfile.mkdtemp(dir=self.files.scratch()))
                try:
                    self._blank = write_workbook(folder / TEMPLATE_NAME).read_bytes()
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
            return self._blank


def create_app(data: str | Path, db_url: str | None = None, *, pdf: bool = False, start_worker: bool = True,
               catalog=None, max_upload: int = MAX_UPLOAD, jobs: int | None = None) -> Flask:
    """The application over ``data`` (files) and ``db_url`` (default: SQLite in ``data``).

    ``start_worker=False`` leaves the job worker stopped (tests drive ``worker.run_once``)."""
    data = Path(data)
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(data, 0o700)  # uploads, documents and the password hash: for the server's account only
    _engine, sessions = open_database(db_url or default_url(data))
    files = Files(data / "files")
    worker = Worker(sessions, files, pdf=pdf, catalog=catalog, jobs=jobs)
    app = Flask(__name__)
    with sessions() as s:
        app.secret_key = security.secret_key(s)
    app.config.update(MAX_CONTENT_LENGTH=max_upload, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.extensions["gen"] = ctx = Context(sessions, files, worker, data)
    app.jinja_env.globals.update(csrf_token=lambda: security.csrf_token(session), severity=SEVERITY_LABEL)
    app.jinja_env.filters["local"] = _local_time
    _routes(app, ctx, catalog)
    if start_worker:
        worker.start()
    return app


def _local_time(value: dt.datetime, fmt: str) -> str:
    """Stored in UTC (the same on SQLite and PostgreSQL), shown in the server's local time."""
    return value.replace(tzinfo=dt.timezone.utc).astimezone().strftime(fmt)


def db():
    if "db" not in g:
        g.db = current_app.extensions["gen"].sessions()
    return g.db


def _audit(actor: str, action: str, unit_id: int | None, detail: str = "") -> None:
    db().add(Audit(actor=actor, action=action, unit_id=unit_id, detail=detail))


def _address() -> str:
    return request.remote_addr or "?"


def _page(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def _message(title: str, text: str, status: int):
    return _page("message.html", status, title=title, text=text)


# ------------------------------------------------------------------------------------------------
# What a unit's state is (the bureau's table, the zip's summary)


@dataclass
class UnitState:
    unit: Unit
    upload: Upload | None
    job: Job | None
    documents: list[Document]

    @property
    def status(self) -> str:
        if self.upload is None:
            return "未提交"
        if self.upload.status != "checked" or self.upload.errors:
            return "有错误"
        if any(d.kind == "docx" for d in self.documents):
            return "已生成"
        if self.job is not None and self.job.state in ("queued", "running"):
            return "生成中"
        if self.job is not None and self.job.state == "failed":
            return "生成失败"
        return "仅有提示"

    @property
    def pending(self) -> bool:
        return self.job is not None and self.job.state in ("queued", "running")


def unit_state(s, unit: Unit, upload: Upload | None = None) -> UnitState:
    """The state of ``upload`` (default: the unit's last upload): its build job and documents."""
    if upload is None:
        upload = s.scalars(select(Upload).where(Upload.unit_id == unit.id).order_by(Upload.id.desc())
                           .limit(1)).first()
    job, documents = None, []
    if upload is not None:
        job = s.scalars(select(Job).where(Job.upload_id == upload.id, Job.kind == "build")
                        .order_by(Job.id.desc()).limit(1)).first()
        latest: dict[str, Document] = {}  # a rebuild adds rows; the page and the zip show the newest
        for doc in s.scalars(select(Document).where(Document.upload_id == upload.id).order_by(Document.id)):
            latest[doc.kind] = doc
        documents = sorted(latest.values(), key=lambda d: d.kind != "docx")
    return UnitState(unit, upload, job, documents)


def grouped_findings(upload: Upload) -> list[tuple[str, list[dict]]]:
    """gen check's findings of one upload, errors first, grouped by sheet in order of appearance."""
    items = sorted(json.loads(upload.findings_json), key=lambda f: f["severity"] != "error")
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item["sheet"] or "整个工作簿", []).append(item)
    return list(groups.items())


def _progress(s, state: UnitState) -> dict:
    """While the build is pending the page refreshes itself (meta refresh: no JavaScript needed)."""
    if not state.pending:
        return {"refresh": None, "position": 0}
    return {"refresh": 2, "position": queue_position(s, state.job)}


def last_good_upload(s, unit: Unit) -> Upload | None:
    return s.scalars(select(Upload).where(Upload.unit_id == unit.id, Upload.status == "checked",
                                          Upload.errors == 0).order_by(Upload.id.desc()).limit(1)).first()


# ------------------------------------------------------------------------------------------------


def _routes(app: Flask, ctx: Context, catalog) -> None:  # noqa: C901 - one list of routes reads best
    @app.teardown_appcontext
    def _close(_exc):
        session_ = g.pop("db", None)
        if session_ is not None:
            session_.close()

    @app.before_request
    def _csrf():
        if request.method == "POST" and not security.csrf_ok(session, request.form.get("csrf_token")):
            return _message("表单已过期", "页面已过期或不是从本系统的页面提交的。请返回、刷新页面后再提交一次。", 400)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")  # the unit's link stays private
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(404)
    def _not_found(_e):
        return _message("找不到页面", "链接无效、已停用，或页面不存在。请向财政局索取本单位的新链接。", 404)

    @app.errorhandler(405)
    def _method(_e):
        return _message("操作无效", "请从页面上的按钮操作。", 405)

    @app.errorhandler(413)
    def _too_large(_e):
        return _message("文件太大", f"上传的文件超过 {_megabytes(app)} MB。填报工作簿通常不到 1 MB，"
                                    "请确认选择的是 gen 的填报工作簿（.xlsx）。", 413)

    @app.get("/")
    def home():
        return redirect(url_for("admin"))

    # --------------------------------------------------------------------------- clerk (by token)

    def unit_of(token: str) -> Unit:
        unit = db().scalars(select(Unit).where(Unit.token == token, Unit.revoked.is_(False))).first()
        if unit is None:
            abort(404)
        return unit

    @app.get("/u/<token>")
    def unit_page(token):
        unit = unit_of(token)
        s = db()
        state = unit_state(s, unit)
        history = s.scalars(select(Upload).where(Upload.unit_id == unit.id).order_by(Upload.id.desc())).all()
        return _page("unit.html", unit=unit, state=state, history=history, token=token, pdf=ctx.worker.pdf,
                     groups=grouped_findings(state.upload) if state.upload else [], **_progress(s, state),
                     doc_url=lambda d: url_for("unit_document", token=token, doc_id=d.id))

    @app.get("/u/<token>/uploads/<int:upload_id>")
    def unit_upload(token, upload_id):
        unit = unit_of(token)
        s = db()
        upload = s.scalars(select(Upload).where(Upload.id == upload_id, Upload.unit_id == unit.id)).first()
        if upload is None:
            abort(404)
        state = unit_state(s, unit, upload)
        return _page("upload.html", unit=unit, state=state, token=token, groups=grouped_findings(upload),
                     doc_url=lambda d: url_for("unit_document", token=token, doc_id=d.id), **_progress(s, state))

    @app.get("/u/<token>/template.xlsx")
    def unit_template(token):
        unit_of(token)
        return send_file(io.BytesIO(ctx.blank_workbook()), as_attachment=True, download_name=TEMPLATE_NAME,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.get("/u/<token>/prefill.xlsx")
    def unit_prefill(token):
        unit = unit_of(token)
        if not unit.prefill_sha:
            abort(404)
        _audit(f"单位（{_address()}）", "download", unit.id, "下载预填工作簿")
        db().commit()
        return send_file(ctx.files.path(unit.prefill_sha, ".xlsx"), as_attachment=True,
                         download_name=f"{unit.name}{unit.year}年单位预算.xlsx")

    @app.get("/u/<token>/documents/<int:doc_id>")
    def unit_document(token, doc_id):
        unit = unit_of(token)
        return _send_document(unit, doc_id, actor=f"单位（{_address()}）")

    @app.post("/u/<token>/upload")
    def unit_upload_post(token):
        unit = unit_of(token)
        who = (request.form.get("who") or "").strip()[:50] or "未署名"
        file = request.files.get("workbook")
        if file is None or not file.filename:
            return _message("没有选择文件", "请先点“选择文件”选中填好的工作簿（.xlsx），再点“上传并检查”。", 400)
        data = file.read()
        name = Path(file.filename.replace("\\", "/")).name[:200]
        if not name.lower().endswith(".xlsx") or not data.startswith(b"PK\x03\x04"):
            _audit(f"{who}（{_address()}）", "upload_refused", unit.id, f"{name}：不是 .xlsx 工作簿")
            db().commit()
            return _message("文件类型不对", f"“{name}”不是 .xlsx 工作簿。只接受 gen 的填报工作簿（.xlsx）；"
                                         ".xls、.et、.csv 请先在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）。", 400)
        upload = check_upload(unit, data, name, f"{who}（{_address()}）")
        return redirect(url_for("unit_upload", token=token, upload_id=upload.id), code=303)

    def check_upload(unit: Unit, data: bytes, name: str, who: str) -> Upload:
        """Keep the file under its hash, run gen check on it, queue the build when there is no error."""
        sha = ctx.files.put(data, ".xlsx")
        path = ctx.files.path(sha, ".xlsx")
        upload = Upload(unit_id=unit.id, sha256=sha, size=len(data), original_name=name, who=who[:200])
        try:
            budget, findings = check_workbook(path, catalog)
        except UnusableFile as exc:
            upload.status, upload.message = "unusable", str(exc).replace(str(path), name).replace(path.name, name)
        else:
            upload.status = "checked"
            upload.errors, upload.warnings = len(findings.errors), len(findings.warnings)
            upload.findings_json = json.dumps([f.as_json() for f in findings], ensure_ascii=False)
            upload.workbook_unit, upload.workbook_year = budget.unit.name[:200], budget.unit.year or 0
        s = db()
        s.add(upload)
        s.flush()
        _audit(who, "upload", unit.id, f"上传 #{upload.id} {name} sha256={sha} {upload.errors} 个错误 "
                                       f"{upload.warnings} 个提示")
        if upload.status == "checked" and not upload.errors:
            enqueue(s, "build", unit.id, upload.id)
        s.commit()
        ctx.worker.wake.set()
        return upload

    def _send_document(unit: Unit, doc_id: int, actor: str):
        doc = db().scalars(select(Document).where(Document.id == doc_id, Document.unit_id == unit.id)).first()
        if doc is None:
            abort(404)
        _audit(actor, "download", unit.id, f"{doc.filename}（上传 #{doc.upload_id}）")
        db().commit()
        return send_file(ctx.files.path(doc.sha256, "." + doc.kind), as_attachment=True, download_name=doc.filename)

    # --------------------------------------------------------------------------- bureau

    def admin_required():
        if not session.get("admin"):
            abort(redirect(url_for("login")))

    @app.route("/admin/login", methods=["GET", "POST"])
    def login():
        s = db()
        configured = security.setting(s, "admin_password") is not None
        if request.method == "GET":
            return _page("login.html", configured=configured)
        address = _address()
        if security.login_blocked(s, address):
            _audit(address, "login_blocked", None)
            s.commit()
            return _page("login.html", 429, configured=configured,
                         error=f"登录失败次数过多，请 {security.LOGIN_WINDOW.seconds // 60} 分钟后再试。")
        ok = configured and security.verify_password(request.form.get("password", ""),
                                                     security.setting(s, "admin_password"))
        security.record_login(s, address, ok)
        _audit(address, "login" if ok else "login_failed", None)
        s.commit()
        if not ok:
            return _page("login.html", 401, configured=configured, error="密码不对。")
        session.clear()
        session["admin"] = True
        return redirect(url_for("admin"), code=303)

    @app.post("/admin/logout")
    def logout():
        session.clear()
        return redirect(url_for("login"), code=303)

    @app.get("/admin")
    def admin():
        admin_required()
        s = db()
        years = sorted(set(s.scalars(select(Unit.year).distinct()).all()), reverse=True)
        year = request.args.get("year", type=int) or (years[0] if years else None)
        units = s.scalars(select(Unit).where(Unit.year == year).order_by(Unit.id)).all() if year else []
        states = [unit_state(s, u) for u in units]
        return _page("admin.html", years=years, year=year, states=states, base=request.url_root,
                     refresh=3 if any(st.pending for st in states) else None)

    @app.post("/admin/units")
    def admin_create_units():
        admin_required()
        year = request.form.get("year", type=int)
        if not year or not 2000 <= year <= 2100:
            return _message("年度不对", "请填写四位年度，如 2025。", 400)
        names = [n.strip() for n in _NAME_SPLIT.split(request.form.get("names", "")) if n.strip()]
        if not names:
            return _message("没有单位名称", "请填写单位名称，每行一个（可以从 Excel 整列粘贴）。", 400)
        s = db()
        existing = set(s.scalars(select(Unit.name).where(Unit.year == year)).all())
        for name in dict.fromkeys(n[:200] for n in names):
            if name in existing:
                continue
            unit = Unit(year=year, name=name, token=security.new_token(), revoked=False)
            s.add(unit)
            s.flush()
            _audit("财政局", "link_create", unit.id, f"新建单位 {name}（{year}）")
        s.commit()
        return redirect(url_for("admin", year=year), code=303)

    def admin_unit_of(unit_id: int) -> Unit:
        admin_required()
        unit = db().get(Unit, unit_id)
        if unit is None:
            abort(404)
        return unit

    @app.get("/admin/units/<int:unit_id>")
    def admin_unit(unit_id):
        unit = admin_unit_of(unit_id)
        s = db()
        state = unit_state(s, unit)
        history = s.scalars(select(Upload).where(Upload.unit_id == unit.id).order_by(Upload.id.desc())).all()
        documents = s.scalars(select(Document).where(Document.unit_id == unit.id).order_by(Document.id.desc())).all()
        return _page("admin_unit.html", unit=unit, state=state, history=history, documents=documents,
                     base=request.url_root, groups=grouped_findings(state.upload) if state.upload else [],
                     doc_url=lambda d: url_for("admin_document", doc_id=d.id), **_progress(s, state))

    @app.post("/admin/units/<int:unit_id>/revoke")
    def admin_revoke(unit_id):
        unit = admin_unit_of(unit_id)
        unit.revoked = True
        _audit("财政局", "link_revoke", unit.id, f"停用链接 …{unit.token[-4:]}")
        db().commit()
        return redirect(url_for("admin_unit", unit_id=unit.id), code=303)

    @app.post("/admin/units/<int:unit_id>/link")
    def admin_new_link(unit_id):
        unit = admin_unit_of(unit_id)
        unit.token, unit.revoked = security.new_token(), False
        _audit("财政局", "link_create", unit.id, f"新链接 …{unit.token[-4:]}（旧链接失效）")
        db().commit()
        return redirect(url_for("admin_unit", unit_id=unit.id), code=303)

    @app.post("/admin/units/<int:unit_id>/build")
    def admin_build_one(unit_id):
        unit = admin_unit_of(unit_id)
        queued = _queue_builds([unit])
        return redirect(url_for("admin_unit", unit_id=unit.id, queued=queued), code=303)

    @app.post("/admin/build")
    def admin_build_all():
        admin_required()
        year = request.form.get("year", type=int)
        _queue_builds(db().scalars(select(Unit).where(Unit.year == year).order_by(Unit.id)).all())
        return redirect(url_for("admin", year=year), code=303)

    def _queue_builds(units) -> int:
        s, count = db(), 0
        for unit in units:
            upload = last_good_upload(s, unit)
            if upload is not None:
                enqueue(s, "build", unit.id, upload.id)
                _audit("财政局", "build_request", unit.id, f"重新生成（上传 #{upload.id}）")
                count += 1
        s.commit()
        ctx.worker.wake.set()
        return count

    @app.get("/admin/uploads/<int:upload_id>.xlsx")
    def admin_upload_file(upload_id):
        admin_required()
        upload = db().get(Upload, upload_id)
        if upload is None:
            abort(404)
        _audit("财政局", "download", upload.unit_id, f"原始上传 #{upload.id} {upload.original_name}")
        db().commit()
        return send_file(ctx.files.path(upload.sha256, ".xlsx"), as_attachment=True,
                         download_name=upload.original_name)

    @app.get("/admin/documents/<int:doc_id>")
    def admin_document(doc_id):
        admin_required()
        doc = db().get(Document, doc_id)
        if doc is None:
            abort(404)
        return _send_document(db().get(Unit, doc.unit_id), doc_id, actor="财政局")

    @app.get("/admin/years/<int:year>/documents.zip")
    def admin_zip(year):
        admin_required()
        s = db()
        units = s.scalars(select(Unit).where(Unit.year == year).order_by(Unit.id)).all()
        if not units:
            abort(404)
        buffer, rows = io.BytesIO(), []
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for unit in units:
                state = unit_state(s, unit)
                for doc in state.documents:
                    zf.write(ctx.files.path(doc.sha256, "." + doc.kind), _zip_name(unit, doc))
                upload = state.upload
                rows.append([unit.name, upload.original_name if upload else "", state.status,
                             upload.errors if upload else "", upload.warnings if upload else "",
                             "；".join(_zip_name(unit, d) for d in state.documents) or (upload.message if upload else "")])
            zf.writestr(SUMMARY_NAME, _csv(rows))
        _audit("财政局", "download", None, f"{year} 年全部文档（{len(units)} 个单位）")
        s.commit()
        buffer.seek(0)
        return send_file(buffer, as_attachment=True, download_name=f"{year}年单位预算公开.zip",
                         mimetype="application/zip")

    @app.post("/admin/rollover")
    def admin_rollover():
        admin_required()
        year = request.form.get("year", type=int) or 0
        s = db()
        units = s.scalars(select(Unit).where(Unit.year == year).order_by(Unit.id)).all()
        if not units:
            return _message("没有单位", f"{year} 年还没有单位，无法结转到下一年度。", 400)
        existing = set(s.scalars(select(Unit.name).where(Unit.year == year + 1)).all())
        for unit in units:
            if unit.name in existing:
                continue
            new = Unit(year=year + 1, name=unit.name, token=security.new_token(), revoked=False)
            s.add(new)
            s.flush()
            _audit("财政局", "link_create", new.id, f"结转新建单位 {new.name}（{new.year}）")
            upload = last_good_upload(s, unit)
            if upload is not None:
                enqueue(s, "rollover", new.id, upload.id)
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return _message("请重试", "有单位正在同时创建，请刷新后再试。", 409)
        ctx.worker.wake.set()
        return redirect(url_for("admin", year=year + 1), code=303)

    @app.get("/admin/audit")
    def admin_audit():
        admin_required()
        s = db()
        rows = s.execute(select(Audit, Unit.name).outerjoin(Unit, Audit.unit_id == Unit.id)
                         .order_by(Audit.id.desc()).limit(500)).all()
        total = s.scalar(select(func.count()).select_from(Audit))
        return _page("audit.html", rows=rows, total=total, actions=ACTION_LABEL)


def _zip_name(unit: Unit, doc: Document) -> str:
    """One folder per unit: two units' workbooks may name the same unit, hence the same document name."""
    return f"{output_name(unit.name, unit.year)[:-len('.docx')]}/{doc.filename}"


def _csv(rows) -> bytes:
    """构建汇总.csv with gen build's columns, the status as the bureau's table shows it (UTF-8 BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _megabytes(app: Flask) -> str:
    return f"{app.config['MAX_CONTENT_LENGTH'] / (1024 * 1024):g}"

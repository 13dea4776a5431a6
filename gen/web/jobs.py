"""Long work off the request: a job table in the database and one worker thread that drains it.

Builds go through ``gen.batch.run_batch`` (gen's process pool, one Renderer per worker process, PDFs
through its persistent LibreOffice workers); next year's workbooks through ``gen.rollover``. A job is
``queued`` → ``running`` → ``done``/``failed``; at start every ``running`` job (the server stopped
while it ran) goes back to ``queued``, so a restart loses no queued or finished work.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
import traceback
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..batch import run_batch
from ..rollover import RolloverError, rollover
from ..findings import UnusableFile
from .models import Audit, Document, Job, Unit, Upload, now
from .storage import Files

BATCH_LIMIT = 64  # builds claimed per round; more wait for the next round


def enqueue(session: Session, kind: str, unit_id: int, upload_id: int | None) -> Job:
    job = Job(kind=kind, unit_id=unit_id, upload_id=upload_id, state="queued", message="")
    session.add(job)
    return job


def queue_position(session: Session, job: Job) -> int:
    """How many queued jobs are ahead of this one (0: next)."""
    return len(session.scalars(select(Job.id).where(Job.state == "queued", Job.id < job.id)).all())


class Worker:
    """One thread; ``run_once`` is also called directly by tests and the load check."""

    def __init__(self, sessions: sessionmaker, files: Files, *, pdf: bool, catalog=None, jobs: int | None = None,
                 poll: float = 1.0):
        self.sessions, self.files, self.pdf, self.catalog, self.jobs, self.poll = \
            sessions, files, pdf, catalog, jobs, poll
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def resume(self) -> int:
        """Jobs left ``running`` by a stopped server go back to the queue; returns how many."""
        with self.sessions() as s:
            count = s.execute(update(Job).where(Job.state == "running").values(state="queued")).rowcount
            s.commit()
        return count

    def start(self) -> None:
        self.resume()
        self._thread = threading.Thread(target=self._loop, name="gen-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database went away for a moment: say so, keep the worker alive
                traceback.print_exc()
                busy = 0
            if not busy:
                self.wake.wait(self.poll)
                self.wake.clear()

    def run_once(self) -> int:
        """Claim and finish one round of queued jobs; returns how many were handled."""
        return self._rollovers() + self._builds()

    def _claim(self, s: Session, job: Job) -> bool:
        """Queued → running, only if nobody else took it (safe with several servers on one database)."""
        return s.execute(update(Job).where(Job.id == job.id, Job.state == "queued")
                         .values(state="running")).rowcount == 1

    def _finish(self, s: Session, job: Job, state: str, message: str, detail: str | None = None) -> None:
        s.execute(update(Job).where(Job.id == job.id).values(state=state, message=message, finished_at=now()))
        s.add(Audit(actor="系统", action="build" if job.kind == "build" else "rollover", unit_id=job.unit_id,
                    detail=detail or message))

    def _builds(self) -> int:
        with self.sessions() as s:
            queued = s.scalars(select(Job).where(Job.state == "queued", Job.kind == "build")
                               .order_by(Job.id).limit(BATCH_LIMIT)).all()
            latest: dict[int, Job] = {}
            for job in queued:  # an older build of the same unit is superseded by the newer upload
                if job.unit_id in latest:
                    old = latest[job.unit_id]
                    if self._claim(s, old):
                        self._finish(s, old, "done", "已由更新的上传取代，未生成。")
                latest[job.unit_id] = job
            chosen, keys = [], set()
            for job in latest.values():
                upload = s.get(Upload, job.upload_id)
                key = (upload.workbook_unit, upload.workbook_year)  # gen.batch refuses two of one unit/year
                if key in keys:
                    continue
                if self._claim(s, job):
                    keys.add(key)
                    chosen.append((job, upload))
            s.commit()
            if not chosen:
                return len(queued) - len(latest)
            out = Path(tempfile.mkdtemp(prefix="build-", dir=self.files.scratch()))
            try:
                sources = [self.files.path(u.sha256, ".xlsx") for _, u in chosen]
                try:
                    report = run_batch(sources, out, jobs=self.jobs, catalog=self.catalog, pdf=self.pdf,
                                       summary=False)
                except Exception as exc:  # LibreOffice vanished, disk full: every job says so
                    for job, _ in chosen:
                        self._finish(s, job, "failed", f"生成失败：{exc}")
                    s.commit()
                    return len(chosen)
                for (job, upload), record in zip(chosen, report.records):
                    self._record(s, job, upload, record)
                s.commit()
            finally:
                shutil.rmtree(out, ignore_errors=True)
            return len(chosen)

    def _record(self, s: Session, job: Job, upload: Upload, record) -> None:
        kept = []
        for path, kind in ((record.output, "docx"), (record.pdf, "pdf")):
            if path and Path(path).exists():
                sha = self.files.put(Path(path).read_bytes(), "." + kind)
                s.add(Document(unit_id=job.unit_id, upload_id=upload.id, kind=kind, sha256=sha,
                               filename=Path(path).name))
                kept.append(f"{kind} {sha[:12]}")
        if record.status == "ok":
            self._finish(s, job, "done", "已生成。", f"上传 #{upload.id} 生成 " + "，".join(kept))
        else:
            self._finish(s, job, "failed" if not kept else "done", f"{record.label}：{record.message}",
                         f"上传 #{upload.id} {record.label}：{record.message}")

    def _rollovers(self) -> int:
        with self.sessions() as s:
            queued = s.scalars(select(Job).where(Job.state == "queued", Job.kind == "rollover")
                               .order_by(Job.id).limit(BATCH_LIMIT)).all()
            done = 0
            for job in queued:
                if not self._claim(s, job):
                    continue
                s.commit()
                unit, upload = s.get(Unit, job.unit_id), s.get(Upload, job.upload_id)
                scratch = Path(tempfile.mkdtemp(prefix="rollover-", dir=self.files.scratch()))
                try:
                    path, notes = rollover(self.files.path(upload.sha256, ".xlsx"), unit.year,
                                           scratch / "next.xlsx")
                    unit.prefill_sha = self.files.put(path.read_bytes(), ".xlsx")
                    self._finish(s, job, "done", "已生成预填工作簿。" + " ".join(notes),
                                 f"由上传 #{upload.id} 生成 {unit.year} 年预填工作簿")
                except (UnusableFile, RolloverError, OSError) as exc:
                    self._finish(s, job, "failed", f"未能生成预填工作簿：{exc}")
                finally:
                    shutil.rmtree(scratch, ignore_errors=True)
                s.commit()
                done += 1
            return done

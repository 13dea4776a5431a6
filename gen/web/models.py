"""The tables of ``gen serve``. Changes to them go through an Alembic migration (migrations/versions)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> dt.datetime:
    """UTC without tzinfo: SQLite and PostgreSQL store and return the same value."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Key/value: the admin password hash, the session signing key."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Unit(Base):
    """A budget unit in one year; its clerk reaches it through ``token`` only."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("year", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    prefill_sha: Mapped[str | None] = mapped_column(String(64), nullable=True)  # next year's pre-filled workbook
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Upload(Base):
    """One workbook as uploaded (stored under its hash) and the findings of gen check on it."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(300))  # shown, never used as a path
    who: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    status: Mapped[str] = mapped_column(String(16))  # checked | unusable
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    findings_json: Mapped[str] = mapped_column(Text, default="[]")  # gen check --json's items
    message: Mapped[str] = mapped_column(Text, default="")  # why an unusable file cannot be read
    workbook_unit: Mapped[str] = mapped_column(String(200), default="")
    workbook_year: Mapped[int] = mapped_column(Integer, default=0)


class Job(Base):
    """Long work (build, rollover) waiting for or done by the worker; survives restarts."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # build | rollover
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|running|done|failed
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class Document(Base):
    """A built document (.docx or .pdf), kept with the upload (workbook version) it came from."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # docx | pdf
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))  # gen's output name, for the download only
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Audit(Base):
    """Who did what when: uploads, builds, downloads, link creation and revocation, logins."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class LoginFailure(Base):
    """Failed admin logins per address, for the rate limit (kept across restarts)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

"""Where gen serve keeps things: a database (any SQLAlchemy URL, SQLite file by default) migrated
with Alembic at start, and a folder of files named by their SHA-256, never by what the user called them."""
from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from ..build import write_atomic

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url(data: Path) -> str:
    return f"sqlite:///{(Path(data) / 'gen.db').resolve()}"


def open_database(url: str) -> tuple[Engine, sessionmaker]:
    """Engine and session factory, schema brought up to date (the server's start is the migration)."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False} if sqlite else {},
                           pool_pre_ping=not sqlite)
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # WAL: readers never wait for the one writer
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    migrate(engine)
    return engine, sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Files:
    """Content-addressed files: ``<root>/<ab>/<sha256><suffix>``; the same bytes are stored once."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str, suffix: str) -> Path:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha) or suffix not in (".xlsx", ".docx", ".pdf"):
            raise ValueError("not a stored file name")
        return self.root / sha[:2] / f"{sha}{suffix}"

    def put(self, data: bytes, suffix: str) -> str:
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha, suffix)
        if not target.exists():
            write_atomic(target, data)
        return sha

    def scratch(self) -> Path:
        """A folder on the same file system for a batch's output before it is stored by hash."""
        folder = self.root.parent / "tmp"
        folder.mkdir(exist_ok=True)
        return folder

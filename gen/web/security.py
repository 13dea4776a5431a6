"""The bureau's password (scrypt, salted), unit link tokens, CSRF tokens and the login rate limit."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import LoginFailure, Setting, now

_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}
LOGIN_LIMIT = 5  # failed logins per address ...
LOGIN_WINDOW = dt.timedelta(minutes=15)  # ... within this window, then refused until the oldest ages out
MIN_PASSWORD = 8


def new_token() -> str:
    """A unit's link: 192 random bits, so guessing one is hopeless."""
    return secrets.token_urlsafe(24)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    found = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(found, base64.b64decode(digest))


def setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row else None


def set_admin_password(session: Session, password: str) -> None:
    """Store the bureau's password (hashed). Raises ValueError with a message for the bureau."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符。")
    session.merge(Setting(key="admin_password", value=hash_password(password)))
    session.commit()


def secret_key(session: Session) -> str:
    """The session-cookie signing key, made once and kept in the database (survives restarts)."""
    key = setting(session, "secret_key")
    if key is None:
        key = secrets.token_hex(32)
        session.add(Setting(key="secret_key", value=key))
        session.commit()
    return key


def login_blocked(session: Session, address: str) -> bool:
    since = now() - LOGIN_WINDOW
    count = session.scalar(select(func.count()).select_from(LoginFailure)
                           .where(LoginFailure.address == address, LoginFailure.at > since))
    return count >= LOGIN_LIMIT


def record_login(session: Session, address: str, ok: bool) -> None:
    if ok:
        session.execute(delete(LoginFailure).where(LoginFailure.address == address))
    else:
        session.add(LoginFailure(address=address))
    session.commit()


def csrf_token(flask_session) -> str:
    token = flask_session.get("csrf")
    if not token:
        token = flask_session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(flask_session, sent: str | None) -> bool:
    expected = flask_session.get("csrf")
    return bool(expected and sent and hmac.compare_digest(expected, sent))

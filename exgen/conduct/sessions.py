"""Server-side sessions and the CSRF rules of the EXCON server.

A session is a random token in an ``exgen_session`` cookie (HttpOnly, SameSite=Strict, Path=/,
Secure over TLS); the database keeps only its SHA-256, so a copy of the database signs no one
in. A session ends after 12 hours without a request or 7 days after sign-in, whichever is first.
Every state-changing request carries the session's CSRF token in ``X-CSRF-Token`` and, when the
browser sends an ``Origin``, comes from the server's own origin.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import sqlite3
import time
import typing as t
from dataclasses import dataclass

COOKIE_NAME = "exgen_session"
CSRF_HEADER = "X-CSRF-Token"
#: A session unused this long (seconds) is over.
IDLE_TIMEOUT = 12 * 3600
#: No session lasts longer than this (seconds) after sign-in.
ABSOLUTE_TIMEOUT = 7 * 24 * 3600
#: last_seen is written at most this often (seconds), so reading pages does not mean writing.
TOUCH_EVERY = 300
#: Methods that change state and so need the CSRF token.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Longest token looked up (a token is 43 characters; longer cookies are refused unread).
MAX_TOKEN = 128


@dataclass(frozen=True)
class Session:
    """A live session: whose it is, its CSRF token, and when it began and was last used (unix s)."""

    token_hash: str
    username: str
    csrf: str
    created: float
    last_seen: float


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> t.Iterator[sqlite3.Connection]:
    """One immediate write transaction, committed on success (joins the caller's when one is open)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def token_hash(token: str) -> str:
    """The stored form of a session token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(conn: sqlite3.Connection, username: str, *, now: float | None = None) -> tuple[str, str]:
    """Start a session for ``username``; returns ``(token, csrf)`` (only the token's hash is stored)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    at = time.time() if now is None else now
    with transaction(conn):
        conn.execute("INSERT INTO sessions (token_hash, username, csrf, created, last_seen) VALUES (?, ?, ?, ?, ?)",
                     (token_hash(token), username, csrf, at, at))
    return token, csrf


def _expired(created: float, last_seen: float, now: float) -> bool:
    return now - last_seen > IDLE_TIMEOUT or now - created > ABSOLUTE_TIMEOUT


def lookup(conn: sqlite3.Connection, token: str | None, *, now: float | None = None) -> Session | None:
    """The live session of ``token``, or None (unknown, malformed or expired: an expired one is deleted)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    at = time.time() if now is None else now
    key = token_hash(token)
    row = conn.execute("SELECT username, csrf, created, last_seen FROM sessions WHERE token_hash = ?",
                       (key,)).fetchone()
    if row is None:
        return None
    username, csrf, created, last_seen = str(row[0]), str(row[1]), float(row[2]), float(row[3])
    if _expired(created, last_seen, at):
        with transaction(conn):
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (key,))
        return None
    if at - last_seen >= TOUCH_EVERY:
        with transaction(conn):
            conn.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (at, key))
        last_seen = at
    return Session(key, username, csrf, created, last_seen)


def revoke(conn: sqlite3.Connection, token: str | None) -> None:
    """End the session of ``token`` (signing out); an unknown token is no error."""
    if token and len(token) <= MAX_TOKEN:
        with transaction(conn):
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash(token),))


def revoke_user(conn: sqlite3.Connection, username: str, *, keep: str | None = None) -> int:
    """End every session of ``username`` but the one whose hash is ``keep``; returns how many ended."""
    with transaction(conn):
        cursor = conn.execute("DELETE FROM sessions WHERE username = ? AND token_hash IS NOT ?", (username, keep))
    return cursor.rowcount


def purge(conn: sqlite3.Connection, *, now: float | None = None) -> int:
    """Delete every expired session; returns how many."""
    at = time.time() if now is None else now
    with transaction(conn):
        cursor = conn.execute("DELETE FROM sessions WHERE last_seen < ? OR created < ?",
                              (at - IDLE_TIMEOUT, at - ABSOLUTE_TIMEOUT))
    return cursor.rowcount


def cookie_settings(*, secure: bool) -> dict[str, t.Any]:
    """Keyword arguments for Starlette's ``Response.set_cookie`` (and ``delete_cookie``) of the session cookie."""
    return {"key": COOKIE_NAME, "path": "/", "httponly": True, "samesite": "strict", "secure": secure}


def csrf_ok(session: Session, header: str | None) -> bool:
    """Whether the ``X-CSRF-Token`` header matches the session's token (in constant time)."""
    if not header or len(header) > MAX_TOKEN:
        return False
    return hmac.compare_digest(header.encode("utf-8", "surrogatepass"), session.csrf.encode("utf-8"))


def _default_port(scheme: str) -> str:
    return "443" if scheme == "https" else "80"


def _split_origin(origin: str) -> tuple[str, str, str] | None:
    """``(scheme, host, port)`` of an Origin value, lower-cased; None when it is not one."""
    scheme, sep, rest = origin.strip().partition("://")
    if not sep or not rest or any(c in rest for c in "/?#@ \\"):
        return None
    scheme = scheme.lower()
    if scheme not in ("http", "https"):
        return None
    host, port = rest.lower(), _default_port(scheme)
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return None
        host, tail = host[:end + 1], host[end + 1:]
        if tail:
            if not tail.startswith(":") or not tail[1:].isdigit():
                return None
            port = str(int(tail[1:]))
    elif ":" in host:
        host, _, number = host.rpartition(":")
        if not number.isdigit() or not host:
            return None
        port = str(int(number))
    return scheme, host, port


def origin_ok(origin: str | None, scheme: str, host: str) -> bool:
    """Whether a request's ``Origin`` header (absent passes) is the server's own ``scheme://host``.

    ``host`` is the request's Host header (``name`` or ``name:port``); a missing or ``null``
    Origin with a header present, another scheme, host or port all fail.
    """
    if origin is None:
        return True
    theirs = _split_origin(origin)
    ours = _split_origin(f"{scheme}://{host}")
    return theirs is not None and ours is not None and theirs == ours


def request_ok(method: str, session: Session, csrf_header: str | None, origin: str | None, scheme: str,
               host: str) -> bool:
    """The CSRF rule for one request: safe methods pass; others need the token and a same-origin Origin."""
    if method.upper() not in UNSAFE_METHODS:
        return True
    return csrf_ok(session, csrf_header) and origin_ok(origin, scheme, host)

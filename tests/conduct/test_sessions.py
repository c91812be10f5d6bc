"""Server-side sessions (hashed tokens, idle and absolute timeouts) and the CSRF rules."""

from __future__ import annotations

import hashlib
import sqlite3
import typing as t
from pathlib import Path

import pytest

from exgen.conduct import sessions, store

T0 = 1_800_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> t.Iterator[sqlite3.Connection]:
    conn = store.open_db(tmp_path / "record.sqlite", "EX-TEST")
    yield conn
    conn.close()


def test_the_database_keeps_only_the_tokens_hash(db: sqlite3.Connection) -> None:
    token, csrf = sessions.create(db, "ctrl-w", now=T0)
    assert len(token) >= 43 and len(csrf) >= 43 and token != csrf
    rows = db.execute("SELECT token_hash, username, csrf, created, last_seen FROM sessions").fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "ctrl-w", csrf, T0, T0)]
    dump = "\n".join(db.iterdump())
    assert token not in dump
    found = sessions.lookup(db, token, now=T0 + 1)
    assert found is not None and found.username == "ctrl-w" and found.csrf == csrf
    assert sessions.lookup(db, hashlib.sha256(token.encode()).hexdigest(), now=T0 + 1) is None


def test_tokens_are_unique(db: sqlite3.Connection) -> None:
    tokens = {sessions.create(db, "exdir", now=T0)[0] for _ in range(50)}
    assert len(tokens) == 50


@pytest.mark.parametrize("token", [None, "", "x", "a" * 129, "a" * 100_000, "\udcff\x00", "' OR 1=1 --"])
def test_malformed_tokens_find_nothing(db: sqlite3.Connection, token: str | None) -> None:
    sessions.create(db, "exdir", now=T0)
    assert sessions.lookup(db, token, now=T0) is None
    sessions.revoke(db, token)
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 1


def test_idle_timeout_and_use_keeping_a_session_alive(db: sqlite3.Connection) -> None:
    token, _ = sessions.create(db, "ev-1", now=T0)
    assert sessions.lookup(db, token, now=T0 + 11 * 3600) is not None
    assert sessions.lookup(db, token, now=T0 + 22 * 3600) is not None
    assert sessions.lookup(db, token, now=T0 + 34 * 3600 + 1) is None
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_reads_write_last_seen_at_most_every_few_minutes(db: sqlite3.Connection) -> None:
    token, _ = sessions.create(db, "ev-1", now=T0)
    sessions.lookup(db, token, now=T0 + 10)
    assert db.execute("SELECT last_seen FROM sessions").fetchone()[0] == T0
    sessions.lookup(db, token, now=T0 + sessions.TOUCH_EVERY)
    assert db.execute("SELECT last_seen FROM sessions").fetchone()[0] == T0 + sessions.TOUCH_EVERY


def test_absolute_timeout_even_when_used(db: sqlite3.Connection) -> None:
    token, _ = sessions.create(db, "ev-1", now=T0)
    at = T0
    while at < T0 + 7 * 24 * 3600 - 3600:
        at += 6 * 3600
        assert sessions.lookup(db, token, now=at) is not None
    assert sessions.lookup(db, token, now=T0 + 7 * 24 * 3600 + 1) is None


def test_revoke_revoke_user_and_purge(db: sqlite3.Connection) -> None:
    first, _ = sessions.create(db, "exdir", now=T0)
    second, _ = sessions.create(db, "exdir", now=T0)
    third, _ = sessions.create(db, "exdir", now=T0)
    other, _ = sessions.create(db, "chief", now=T0)
    sessions.revoke(db, first)
    assert sessions.lookup(db, first, now=T0) is None
    assert sessions.revoke_user(db, "exdir", keep=sessions.token_hash(second)) == 1
    assert sessions.lookup(db, second, now=T0) is not None
    assert sessions.lookup(db, third, now=T0) is None
    assert sessions.lookup(db, other, now=T0) is not None
    old, _ = sessions.create(db, "observer1", now=T0 - 13 * 3600)
    assert sessions.purge(db, now=T0 + 1) == 1
    assert sessions.lookup(db, other, now=T0 + 2) is not None


def test_sessions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    conn = store.open_db(path, "EX-TEST")
    token, csrf = sessions.create(conn, "chief", now=T0)
    conn.close()
    again = store.open_db(path, "EX-TEST")
    found = sessions.lookup(again, token, now=T0 + 60)
    again.close()
    assert found is not None and found.csrf == csrf


def test_cookie_settings() -> None:
    plain = sessions.cookie_settings(secure=False)
    assert plain == {"key": "exgen_session", "path": "/", "httponly": True, "samesite": "strict", "secure": False}
    assert sessions.cookie_settings(secure=True)["secure"] is True


def test_csrf_token_must_match(db: sqlite3.Connection) -> None:
    token, csrf = sessions.create(db, "chief", now=T0)
    session = sessions.lookup(db, token, now=T0)
    assert session is not None
    assert sessions.csrf_ok(session, csrf)
    for bad in (None, "", csrf[:-1], csrf + "x", csrf.upper() if csrf.upper() != csrf else csrf + "A", "\udcff"):
        assert not sessions.csrf_ok(session, bad)


@pytest.mark.parametrize(("origin", "scheme", "host", "ok"), [
    (None, "http", "127.0.0.1:8080", True),
    ("http://127.0.0.1:8080", "http", "127.0.0.1:8080", True),
    ("HTTP://LOCALHOST:8080", "http", "localhost:8080", True),
    ("https://excon.lan", "https", "excon.lan:443", True),
    ("http://excon.lan:80", "http", "excon.lan", True),
    ("http://[::1]:8080", "http", "[::1]:8080", True),
    ("http://127.0.0.1:8081", "http", "127.0.0.1:8080", False),
    ("https://127.0.0.1:8080", "http", "127.0.0.1:8080", False),
    ("http://evil.example:8080", "http", "127.0.0.1:8080", False),
    ("null", "http", "127.0.0.1:8080", False),
    ("", "http", "127.0.0.1:8080", False),
    ("http://127.0.0.1:8080/", "http", "127.0.0.1:8080", False),
    ("http://user@127.0.0.1:8080", "http", "127.0.0.1:8080", False),
    ("file://127.0.0.1:8080", "http", "127.0.0.1:8080", False),
    ("http://127.0.0.1:abc", "http", "127.0.0.1:abc", False),
    ("http://[::1", "http", "[::1", False),
])
def test_origin_must_be_the_servers_own(origin: str | None, scheme: str, host: str, ok: bool) -> None:
    assert sessions.origin_ok(origin, scheme, host) is ok


def test_state_changing_requests_need_token_and_origin(db: sqlite3.Connection) -> None:
    token, csrf = sessions.create(db, "chief", now=T0)
    session = sessions.lookup(db, token, now=T0)
    assert session is not None
    host = "127.0.0.1:8080"
    assert sessions.request_ok("GET", session, None, "http://evil.example", "http", host)
    for method in ("POST", "put", "DELETE", "PATCH"):
        assert sessions.request_ok(method, session, csrf, None, "http", host)
        assert sessions.request_ok(method, session, csrf, f"http://{host}", "http", host)
        assert not sessions.request_ok(method, session, None, f"http://{host}", "http", host)
        assert not sessions.request_ok(method, session, csrf, "http://evil.example", "http", host)

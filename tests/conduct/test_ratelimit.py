"""Login rate limiting: per user name and per address, stored so a restart does not reset it."""

from __future__ import annotations

import sqlite3
import typing as t
from pathlib import Path

import pytest

from exgen.conduct import accounts, ratelimit, store

T0 = 1_800_000_000.0
EXERCISE = {"id": "EX-TEST", "name": "Test", "controllers": [{"id": "CTRL-W", "cell": "WHITE", "name": "White"}]}


@pytest.fixture
def db(tmp_path: Path) -> t.Iterator[sqlite3.Connection]:
    conn = store.open_db(tmp_path / "record.sqlite", "EX-TEST")
    yield conn
    conn.close()


def test_five_failures_for_a_user_name_make_it_wait_for_the_rest_of_the_window(db: sqlite3.Connection) -> None:
    for n in range(4):
        ratelimit.failed(db, "exdir", "10.0.0.1", now=T0 + n)
        assert ratelimit.retry_after(db, "exdir", "10.0.0.1", now=T0 + n + 0.5) == 0
    ratelimit.failed(db, "exdir", "10.0.0.1", now=T0 + 4)
    assert ratelimit.retry_after(db, "exdir", "10.0.0.2", now=T0 + 5) == 595
    assert ratelimit.retry_after(db, "EXDIR ", None, now=T0 + 5) == 595
    assert ratelimit.retry_after(db, "chief", "10.0.0.1", now=T0 + 5) == 0
    assert ratelimit.retry_after(db, "exdir", None, now=T0 + 599.5) == 1
    assert ratelimit.retry_after(db, "exdir", None, now=T0 + 600) == 0


def test_twenty_failures_from_one_address_make_it_wait_whatever_the_name(db: sqlite3.Connection) -> None:
    for n in range(20):
        ratelimit.failed(db, f"guess{n}", "10.0.0.9", now=T0 + n)
    assert ratelimit.retry_after(db, "exdir", "10.0.0.9", now=T0 + 20) == 580
    assert ratelimit.retry_after(db, "exdir", "10.0.0.8", now=T0 + 20) == 0


def test_the_count_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    conn = store.open_db(path, "EX-TEST")
    for n in range(5):
        ratelimit.failed(conn, "chief", "10.0.0.1", now=T0 + n)
    conn.close()
    again = store.open_db(path, "EX-TEST")
    try:
        assert ratelimit.retry_after(again, "chief", None, now=T0 + 10) == 590
    finally:
        again.close()


def test_old_failures_are_forgotten(db: sqlite3.Connection) -> None:
    for n in range(5):
        ratelimit.failed(db, "chief", "10.0.0.1", now=T0 + n)
    ratelimit.failed(db, "chief", "10.0.0.1", now=T0 + 700)
    assert db.execute("SELECT count(*) FROM login_failures").fetchone()[0] == 2
    assert ratelimit.retry_after(db, "chief", "10.0.0.1", now=T0 + 701) == 0


def test_a_long_user_name_cannot_grow_the_table(db: sqlite3.Connection) -> None:
    ratelimit.failed(db, "x" * 100_000, "y" * 100_000, now=T0)
    lengths = [n for (n,) in db.execute("SELECT length(key) FROM login_failures")]
    assert lengths and max(lengths) <= len("user:") + ratelimit.MAX_KEY_PART


def test_success_clears_the_names_failures_but_not_the_addresss(db: sqlite3.Connection) -> None:
    for n in range(4):
        ratelimit.failed(db, "chief", "10.0.0.1", now=T0 + n)
    for n in range(16):
        ratelimit.failed(db, f"other{n}", "10.0.0.1", now=T0 + n)
    ratelimit.succeeded(db, "chief")
    assert db.execute("SELECT count(*) FROM login_failures WHERE key = 'user:chief'").fetchone()[0] == 0
    assert ratelimit.retry_after(db, "chief", "10.0.0.1", now=T0 + 30) == 570


def _cheap() -> accounts.PasswordHasher:
    return accounts.hasher(time_cost=1, memory_cost=8, parallelism=1)


def test_sign_in_waits_even_with_the_right_password_and_success_never_locks_out(db: sqlite3.Connection) -> None:
    ph = _cheap()
    issued = {i.username: i.password for i in accounts.issue(db, EXERCISE, hasher=ph)}
    for n in range(30):
        result = accounts.login(db, "ctrl-w", issued["ctrl-w"], "10.0.0.1", hasher=ph, now=T0 + n)
        assert result.account is not None and result.retry_after == 0
    for n in range(5):
        result = accounts.login(db, "exdir", "wrong password", "10.0.0.1", hasher=ph, now=T0 + 40 + n)
        assert result.account is None and result.retry_after == 0
    blocked = accounts.login(db, "exdir", issued["exdir"], "10.0.0.1", hasher=ph, now=T0 + 50)
    assert blocked.account is None and blocked.retry_after == 590
    attempts = db.execute("SELECT count(*) FROM login_failures WHERE key = 'user:exdir'").fetchone()[0]
    assert attempts == 5
    later = accounts.login(db, "exdir", issued["exdir"], "10.0.0.1", hasher=ph, now=T0 + 640)
    assert later.account is not None and later.account.username == "exdir"
    again = accounts.login(db, "ctrl-w", issued["ctrl-w"], "10.0.0.1", hasher=ph, now=T0 + 641)
    assert again.account is not None

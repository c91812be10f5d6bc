"""Login rate limiting: too many failed sign-ins for a user name or from one address wait.

After 5 failed sign-ins for one user name, or 20 from one client address, within 10 minutes,
further attempts are refused (HTTP 429) without checking the password until the oldest of those
failures is 10 minutes old. Failures are rows of ``login_failures``, so restarting the server
does not reset the count; a successful sign-in never counts, and clears the user name's
failures (not the address's, so one known password cannot reset an address that guesses others).
"""

from __future__ import annotations

import math
import sqlite3
import time

from exgen.conduct.sessions import transaction

#: Seconds over which failures are counted.
WINDOW = 600.0
#: Failed sign-ins per user name within the window before it waits.
USER_LIMIT = 5
#: Failed sign-ins per client address within the window before it waits.
IP_LIMIT = 20
#: Longest user name or address kept in a key (longer input is cut, so junk cannot grow the table).
MAX_KEY_PART = 128


def user_key(username: str) -> str:
    """The key of a user name (trimmed and case-folded, as sign-in compares them)."""
    return "user:" + username.strip().casefold()[:MAX_KEY_PART]


def ip_key(address: str) -> str:
    """The key of a client address."""
    return "ip:" + address.strip()[:MAX_KEY_PART]


def _keys(username: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(user_key(username), USER_LIMIT)]
    if address:
        keys.append((ip_key(address), IP_LIMIT))
    return keys


def _wait(conn: sqlite3.Connection, key: str, limit: int, now: float) -> float:
    """Seconds until ``key`` has fewer than ``limit`` failures in the window (0 when it has now)."""
    rows = conn.execute("SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                        (key, now - WINDOW, limit)).fetchall()
    if len(rows) < limit:
        return 0.0
    return max(float(rows[-1][0]) + WINDOW - now, 0.0)


def retry_after(conn: sqlite3.Connection, username: str, address: str | None, *,
                now: float | None = None) -> int:
    """Whole seconds this sign-in attempt must wait (0: it may go ahead); for a ``Retry-After`` header."""
    at = time.time() if now is None else now
    wait = max(_wait(conn, key, limit, at) for key, limit in _keys(username, address))
    return math.ceil(wait)


def failed(conn: sqlite3.Connection, username: str, address: str | None, *, now: float | None = None) -> None:
    """Record one failed sign-in for the user name and the address (and forget failures older than the window)."""
    at = time.time() if now is None else now
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE at <= ?", (at - WINDOW,))
        conn.executemany("INSERT INTO login_failures (key, at) VALUES (?, ?)",
                         [(key, at) for key, _ in _keys(username, address)])


def succeeded(conn: sqlite3.Connection, username: str) -> None:
    """A successful sign-in: forget the user name's failures."""
    with transaction(conn):
        conn.execute("DELETE FROM login_failures WHERE key = ?", (user_key(username),))

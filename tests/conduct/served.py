"""Helpers for the EXCON server's tests: a served package with its accounts, signed-in clients, a real
uvicorn in a thread, and a server-sent-events reader.

Accounts are issued with a cheap Argon2id hasher (the server is given the same one), so signing in
costs milliseconds; everything else is the server as it runs: a real package, a real SQLite file,
the real HTTP flow (sign in, change the one-time password, CSRF header).
"""

from __future__ import annotations

import json
import queue
import re
import sqlite3
import threading
import time
import typing as t
import warnings
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from exgen.conduct import accounts, server, store
from exgen.conduct.app import create_app
from exgen.conduct.runtime import exercise_id, load_exercise

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CHEAP = accounts.hasher(time_cost=1, memory_cost=1024, parallelism=1)
#: The password every test user changes their one-time password to.
NEW_PASSWORD = "a long enough new password"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def issue(package: Path, db: Path) -> dict[str, str]:
    """Issue the package's roster into ``db``; user name → one-time password."""
    exercise = load_exercise(package)
    conn = store.open_db(db, exercise_id(exercise))
    try:
        return {i.username: i.password for i in accounts.issue(conn, exercise, hasher=CHEAP)}
    finally:
        conn.close()


def sign_in(client: httpx.Client, user: str, password: str) -> str:
    """Sign ``client`` in as ``user`` (changing a one-time password on the way); returns the password now."""
    answer = client.post("/login", data={"username": user, "password": password}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    if answer.headers["location"] == "/password":
        page = client.get("/password")
        match = CSRF_FIELD.search(page.text)
        assert match, page.text
        changed = client.post("/password", data={"old": password, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD,
                                                 "csrf": match.group(1)}, follow_redirects=False)
        assert changed.status_code == 303, changed.text
        password = NEW_PASSWORD
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    client.headers["X-CSRF-Token"] = me.json()["csrf"]
    return password


class Served:
    """The flagship served from a fresh record: clients per user, and a look at the record's file."""

    def __init__(self, package: Path, db: Path) -> None:
        self.package, self.db = package, db
        self.passwords = issue(package, db)
        self.app = create_app(package, db, secure_cookies=False, hasher=CHEAP)
        self.exercise = self.app.state.conduct.exercise

    def anonymous(self) -> TestClient:
        """A client without a session."""
        return TestClient(self.app, base_url="http://testserver", follow_redirects=False)

    def client(self, user: str) -> TestClient:
        """A client signed in as ``user``, with the CSRF header set."""
        client = self.anonymous()
        self.passwords[user] = sign_in(client, user, self.passwords[user])
        return client

    def events(self, kind: str | None = None) -> list[sqlite3.Row]:
        """The record's events as stored (read from the file directly)."""
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute("SELECT * FROM events ORDER BY seq").fetchall()
        finally:
            conn.close()
        return [r for r in rows if kind is None or r["kind"] == kind]

    def close(self) -> None:
        """Close the record's connections."""
        self.app.state.conduct.close()


class Live:
    """A real uvicorn serving ``app`` in a thread on a free loopback port."""

    def __init__(self, app: t.Any) -> None:
        sock = server.bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        ready = threading.Event()
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http="h11", ws="none",
                                timeout_graceful_shutdown=2)
        self.server = server.Server(config, app.state.conduct, ready.set)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        assert ready.wait(10), "the server did not start"

    def stop(self) -> None:
        """Stop the server (its streams end first) and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(10)
        assert not self.thread.is_alive(), "the server did not stop"


@dataclass(frozen=True)
class Message:
    """One server-sent event as received: its id, its data and when it arrived (time.monotonic)."""

    id: int
    data: dict[str, t.Any]
    at: float


class Listener:
    """Reads a live stream in a thread; messages arrive on :attr:`messages`, comments are counted."""

    def __init__(self, client: httpx.Client, *, after: int | None = None, last_event_id: int | None = None) -> None:
        self.messages: queue.Queue[Message] = queue.Queue()
        self.comments = 0
        self.ended = threading.Event()
        self.stop = threading.Event()
        self.status: int | None = None
        headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
        params = {} if after is None else {"after": str(after)}
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(client, headers, params), daemon=True)
        self.thread.start()
        assert self.opened.wait(10), "the stream did not open"

    def _read(self, client: httpx.Client, headers: dict[str, str], params: dict[str, str]) -> None:
        try:
            with client.stream("GET", "/api/stream", headers=headers, params=params,
                               timeout=httpx.Timeout(10.0, read=30.0)) as response:
                self.status = response.status_code
                self.opened.set()
                seq, data = None, None
                for line in response.iter_lines():
                    if self.stop.is_set():
                        return
                    if line.startswith(":"):
                        self.comments += 1
                    elif line.startswith("id: "):
                        seq = int(line[4:])
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                    elif line == "" and seq is not None and data is not None:
                        self.messages.put(Message(seq, data, time.monotonic()))
                        seq, data = None, None
        except httpx.HTTPError:
            pass
        finally:
            self.opened.set()
            self.ended.set()

    def take(self, timeout: float = 2.0) -> Message:
        """The next message (fails the test when none comes within ``timeout`` seconds)."""
        return self.messages.get(timeout=timeout)

    def drain(self, quiet: float = 0.5) -> list[Message]:
        """Every message until none has come for ``quiet`` seconds."""
        found = []
        while True:
            try:
                found.append(self.messages.get(timeout=quiet))
            except queue.Empty:
                return found

    def close(self) -> None:
        """Stop reading (at the next line: a message or a keep-alive)."""
        self.stop.set()
        self.thread.join(5)

"""Helpers for the EXCON server's real-browser test: the server as a child process, accounts, sign-in.

The server runs exactly as an exercise runs it, ``python -m exgen serve PACKAGE --db DB --port N``,
so the test also covers the command line, uvicorn and the SQLite file across a restart. Browsers
are Debian's chromium driven by Playwright (as tests/render/test_console.py does).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

from exgen.conduct import accounts, store
from exgen.conduct.runtime import exercise_id, load_exercise

if t.TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
#: Statuses a test provokes on purpose (a conflict, refused ad-hoc inject, a stream cut by a restart).
EXPECTED_STATUSES = {409, 422}
#: Chromium's complaint when /static/app.css answers a signed-out page with a redirect to that page.


def free_port() -> int:
    """A TCP port nobody listens on just now (loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def issue_accounts(package: Path, db: Path) -> dict[str, str]:
    """Issue the roster's accounts into ``db`` (as ``exgen serve --issue-accounts`` does): user → one-time password.

    The hashes are cheap ones (argon2id reads its parameters from the hash, so the server checks
    them all the same), which keeps the test fast.
    """
    exercise = load_exercise(package)
    conn = store.open_db(db, exercise_id(exercise))
    try:
        issued = accounts.issue(conn, exercise, hasher=accounts.hasher(time_cost=1, memory_cost=8 * 1024,
                                                                        parallelism=1))
    finally:
        conn.close()
    return {i.username: i.password for i in issued}


class Server:
    """``exgen serve`` in a child process on a free loopback port; :meth:`restart` keeps port and database."""

    def __init__(self, package: Path, db: Path, log: Path) -> None:
        self.package, self.db, self.log = package, db, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        """Start the server and wait until its sign-in page answers."""
        command = [sys.executable, "-m", "exgen", "serve", str(self.package), "--db", str(self.db),
                   "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exgen serve stopped (exit {self.proc.returncode}):\n{self.output()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/login", timeout=1) as reply:
                if reply.status == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"exgen serve did not answer within {timeout:.0f} s:\n{self.output()}")

    def stop(self) -> None:
        """Stop the server (Ctrl-C as a user would; killed if it has not stopped after 10 s)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def restart(self) -> None:
        """Stop the process and start a new one on the same database and port."""
        self.stop()
        self.start()

    def output(self) -> str:
        """What the server has written so far (for failure messages)."""
        return self.log.read_text("utf-8", errors="replace")[-4000:] if self.log.exists() else ""


class Watch:
    """Everything that went wrong in a browser context: script errors, console errors, unexpected
    HTTP errors and any request that leaves the server (the UI must need nothing else)."""

    def __init__(self, context: BrowserContext, server_url: str) -> None:
        self.problems: list[str] = []
        self.server_url = server_url

        def refuse(route: t.Any) -> None:
            self.problems.append(f"request outside the server: {route.request.url}")
            route.abort()

        context.route(re.compile(rf"^(?!{re.escape(server_url)}/|data:|blob:|about:)"), refuse)

    def page(self, page: Page, name: str) -> Page:
        """Watch ``page`` (called ``name`` in the problems)."""
        page.on("pageerror", lambda e: self.problems.append(f"{name}: page error: {e}"))
        page.on("console", lambda m: self._console(name, m.type, m.text))
        page.on("response", lambda r: self._response(name, r.status, r.url))
        return page

    def _console(self, name: str, kind: str, text: str) -> None:
        # HTTP errors are judged by status in _response; a refused connection is a restart.
        if kind == "error" and not text.startswith("Failed to load resource") and "ERR_CONNECTION_REFUSED" not in text:
            self.problems.append(f"{name}: console {kind}: {text}")

    def _response(self, name: str, status: int, url: str) -> None:
        if status >= 400 and status not in EXPECTED_STATUSES:
            self.problems.append(f"{name}: HTTP {status} for {url}")


def sign_in(page: Page, url: str, user: str, password: str, new_password: str) -> list[str]:
    """Sign in for the first time: the one-time password leads to the change-password page, then the app.

    Returns the paths the browser went through (``/login``, ``/password``, ``/``).
    """
    seen = []
    page.goto(f"{url}/login")
    seen.append(page.url.removeprefix(url))
    page.fill("#username", user)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    seen.append(page.url.removeprefix(url))
    if page.url.endswith("/password"):
        page.fill("#old", password)
        page.fill("#new", new_password)
        page.fill("#repeat", new_password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        seen.append(page.url.removeprefix(url))
    wait_ready(page)
    return seen


def wait_ready(page: Page, timeout: float = 10_000) -> None:
    """Wait until the app has its state, its clock and a live stream."""
    # a function, not an expression: Playwright evaluates a bare expression with eval, which the CSP forbids
    page.wait_for_function("() => document.getElementById('clock').dataset.minutes !== ''"
                           " && document.getElementById('live').dataset.state === 'on'", timeout=timeout)


def status_of(page: Page, inject: str) -> str | None:
    """The status an inject's MEL row shows (None: no such row)."""
    return t.cast("str | None", page.evaluate(
        "id => { const r = document.querySelector(`tr[data-inject=\"${id}\"]`); return r ? r.dataset.status : null; }",
        inject))


def row_ids(page: Page) -> list[str]:
    """The ids of every MEL row on the page, in order."""
    return t.cast("list[str]", page.eval_on_selector_all("#mel-body tr[data-inject]",
                                                         "rs => rs.map(r => r.dataset.inject)"))

"""The HTTP side of ``exgen preview``: the scratch package on loopback, with live reload.

Only files inside the scratch package are served: a path with ``.`` or ``..`` segments (after
percent-decoding), a backslash or a NUL is refused (400), a symbolic link anywhere on the way is
not found (404), and so is anything that is not a regular file. Requests naming another host
than the loopback address (DNS rebinding) are refused (403). Every HTML page gets the
live-reload script of :mod:`exgen.cli.preview_page`.
"""

from __future__ import annotations

import http.server
import os
import stat
import threading
import typing as t
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exgen.cli import preview_page

if t.TYPE_CHECKING:
    from exgen.core.diagnostics import Diagnostic

#: Where the preview listens: loopback only, never another interface.
HOST = "127.0.0.1"
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0

_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".svg": "image/svg+xml", ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xml": "application/xml", ".geojson": "application/geo+json",
    ".kml": "application/vnd.google-earth.kml+xml", ".cot": "application/xml",
    ".zip": "application/zip", ".ics": "text/calendar; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
}


class State:
    """What the page is told: the build in place (its generation) and the last save's errors.

    Every change bumps :attr:`version` and wakes the event streams.
    """

    def __init__(self, package: Path) -> None:
        self.package = package
        self.generation = 0
        self.errors: tuple[Diagnostic, ...] = ()
        self.version = 0
        self.closing = False
        self.changed = threading.Condition()

    def update(self, *, built: bool, errors: t.Sequence[Diagnostic] = ()) -> None:
        """A build finished: a new package is in place (``built``), or the save failed with ``errors``."""
        with self.changed:
            if built:
                self.generation += 1
            self.errors = tuple(errors)
            self.version += 1
            self.changed.notify_all()

    def close(self) -> None:
        """End every event stream."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Wait until the state moves past version ``seen`` (or ``timeout`` seconds); False when closing."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closing, timeout=timeout)
            return not self.closing

    def event(self) -> tuple[int, str]:
        """The current state as ``(version, server-sent event)``."""
        with self.changed:
            return self.version, preview_page.state_event(self.generation, self.errors)


class Server(http.server.ThreadingHTTPServer):
    """A threading HTTP server bound to loopback, holding the preview's :class:`State`."""

    daemon_threads = True

    def __init__(self, state: State, port: int) -> None:
        self.state = state
        super().__init__((HOST, port), Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class Refused(Exception):
    """A request for something the preview does not serve, with its HTTP status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of package files and the event stream; nothing else."""

    server: Server
    server_version = "exgen-preview"
    sys_version = ""

    def log_message(self, format: str, *args: t.Any) -> None:
        """Quiet: the console has one line per rebuild, not one per request."""

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        state = self.server.state
        try:
            self._check_host()
            raw = urlsplit(self.path).path
            if raw == preview_page.EVENTS and body:
                self._events(state)
                return
            if raw.startswith("/__exgen/"):
                raise Refused(404)
            parts = request_parts(raw)
            target = locate(state.package, parts, slash=raw.endswith("/"))
        except Refused as exc:
            self._send(exc.status, "text/plain; charset=utf-8", f"{exc.status}\n".encode(), body)
            return
        if target is None:
            self._send(404, "text/html; charset=utf-8", preview_page.missing_page(raw, state.generation), body)
        elif target.is_dir():  # a folder with an index.html, asked for without the trailing slash
            self.send_response(301)
            self.send_header("Location", raw + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._file(target, body)

    def _check_host(self) -> None:
        port = self.server.server_address[1]
        if self.headers.get("Host", f"{HOST}:{port}") not in (f"{HOST}:{port}", f"localhost:{port}"):
            raise Refused(403)

    def _file(self, path: Path, body: bool) -> None:
        generation = self.server.state.generation
        try:
            data = path.read_bytes()
        except OSError:  # replaced by a new build between finding and reading it
            self._send(404, "text/html; charset=utf-8", preview_page.missing_page(path.name, generation), body)
            return
        kind = _TYPES.get(path.suffix.lower(), "application/octet-stream")
        if kind.startswith("text/html"):
            data = preview_page.inject(data, generation)
        self._send(200, kind, data, body)

    def _send(self, status: int, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, state: State) -> None:
        """The event stream: the current state at once, then each change, until the client goes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                if not state.wait(seen, KEEPALIVE):
                    return
                if state.version == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen, event = state.event()
                    self.wfile.write(event.encode("ascii"))
                self.wfile.flush()
        except OSError:  # the page went away
            return


def request_parts(raw: str) -> list[str]:
    """The path segments of a request path, percent-decoded; :class:`Refused` (400) for anything
    that could step outside the package: ``.`` or ``..`` segments, backslashes, NUL, bad UTF-8."""
    if not raw.startswith("/"):
        raise Refused(400)
    try:
        decoded = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400) from None
    if "\\" in decoded or "\x00" in decoded:
        raise Refused(400)
    parts = [p for p in decoded.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise Refused(400)
    return parts


def locate(root: Path, parts: t.Sequence[str], *, slash: bool = True) -> Path | None:
    """The regular file ``parts`` name under ``root`` (a folder's ``index.html`` when ``slash``, the
    request ending with ``/``; else the folder, for the caller to redirect), None when there is none.
    A symbolic link anywhere on the way counts as none."""
    path = root
    try:
        mode = os.lstat(root).st_mode
        for part in parts:
            if not stat.S_ISDIR(mode):
                return None
            path = path / part
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                return None
        if stat.S_ISDIR(mode):
            if not stat.S_ISREG(os.lstat(path / "index.html").st_mode):
                return None
            return path / "index.html" if slash or not parts else path
        return path if stat.S_ISREG(mode) else None
    except OSError:
        return None

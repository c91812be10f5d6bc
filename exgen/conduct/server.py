"""Running the EXCON server: uvicorn on a socket of our own, TLS when given, loopback unless told.

Binding anything but a loopback address needs ``--cert``/``--key`` (TLS: passwords and exercise
data must not cross a network in clear text) or, deliberately, ``insecure_http``. The socket is
bound here before uvicorn starts, so "port in use" is a plain :class:`ServeError`, not a log
line. Stopping (Ctrl-C, SIGTERM) ends the live streams first, so shutdown does not wait on them.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import typing as t
from pathlib import Path

import uvicorn

from exgen.conduct.runtime import Conduct, ServeError

__all__ = ["ServeError", "Server", "bind", "check_binding", "is_loopback", "run"]

#: Seconds a stopping server waits for requests in flight before cancelling them.
GRACE = 3


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1 or localhost)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_binding(host: str, cert: Path | None, key: Path | None, insecure_http: bool) -> None:
    """Refuse a setting that would serve the network without TLS (or give half of TLS)."""
    if (cert is None) != (key is None):
        raise ServeError("--cert and --key go together: give both (TLS) or neither")
    if cert is None and not insecure_http and not is_loopback(host):
        raise ServeError(f"serving on {host} (not this machine only) needs --cert and --key for TLS, or "
                         "--insecure-http to accept that passwords cross the network in clear text")


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    """The server's TLS settings: TLS 1.2 or later with the given certificate and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(cert), str(key))
    except (OSError, ssl.SSLError) as exc:
        raise ServeError(f"cannot use the certificate {cert} with the key {key}: {exc}") from None
    return context


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free port)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        raise ServeError(f"cannot serve on {host}: {exc}") from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = "the port is in use" if exc.errno in (48, 98, 10048) else exc.strerror or str(exc)
        raise ServeError(f"cannot serve on {host}:{port}: {reason}") from None
    sock.setblocking(False)
    return sock


def url(sock: socket.socket, host: str, *, tls: bool) -> str:
    """The address users type to reach the server on ``sock``."""
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}/"


def run(package_dir: Path, db: Path, host: str, port: int, cert: Path | None = None, key: Path | None = None,
        insecure_http: bool = False, *, ready: t.Callable[[str], None] | None = None) -> None:
    """Serve the package until stopped; ``ready`` gets the server's URL once it listens.

    Raises :class:`ServeError` (and :class:`exgen.conduct.store.StoreError`) with one plain line.
    """
    from exgen.conduct.app import create_app

    check_binding(host, cert, key, insecure_http)
    tls = cert is not None and key is not None
    if cert is not None and key is not None:
        tls_context(cert, key)  # a certificate that does not load is a plain error, before anything starts
    app = create_app(package_dir, db, secure_cookies=tls)
    conduct: Conduct = app.state.conduct
    try:
        sock = bind(host, port)
    except ServeError:
        conduct.close()
        raise
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", proxy_headers=False,
                            server_header=False, timeout_graceful_shutdown=GRACE, http="h11", ws="none",
                            ssl_certfile=str(cert) if tls else None, ssl_keyfile=str(key) if tls else None)
    server = Server(config, conduct, None if ready is None else lambda: ready(url(sock, host, tls=tls)))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        conduct.close()


class Server(uvicorn.Server):
    """uvicorn's server, which ends the live streams before waiting for open connections to close."""

    def __init__(self, config: uvicorn.Config, conduct: Conduct, on_ready: t.Callable[[], None] | None) -> None:
        super().__init__(config)
        self.conduct = conduct
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.on_ready is not None:
            self.on_ready()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.conduct.hub.close()
        await super().shutdown(sockets)

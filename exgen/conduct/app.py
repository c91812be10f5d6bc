"""The EXCON server's Starlette application: its routes, in one table.

``create_app(package_dir, db_path, secure_cookies=...)`` reads the package's exercise, opens the
record (creating or upgrading it; a record of another exercise is refused with
:class:`exgen.conduct.store.StoreError`) and answers every route below. Only ``/login`` answers without a
session (:func:`exgen.conduct.web.guarded` guards the rest); every
response carries the security headers of :class:`exgen.conduct.web.SecurityHeaders`.
"""

from __future__ import annotations

import contextlib
import typing as t
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from exgen.conduct import api, api_actions, api_evaluation, pages
from exgen.conduct.runtime import Conduct
from exgen.conduct.web import SecurityHeaders

if t.TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Routes open without a session.
PUBLIC = frozenset({"/login"})

ROUTES = [
    Route("/login", pages.login_page, methods=["GET"]),
    Route("/login", pages.login, methods=["POST"]),
    Route("/logout", pages.logout, methods=["POST"]),
    Route("/password", pages.password_page, methods=["GET"]),
    Route("/password", pages.password, methods=["POST"]),
    Route("/", pages.app_page, methods=["GET"]),
    Route("/static/{name}", pages.static_file, methods=["GET"]),
    Route("/api/me", api.me, methods=["GET"]),
    Route("/api/state", api.state, methods=["GET"]),
    Route("/api/stream", api.events, methods=["GET"]),
    Route("/api/injects/{id}", api.inject_detail, methods=["GET"]),
    Route("/api/injects/{id}/actions", api_actions.inject_action, methods=["POST"]),
    Route("/api/injects", api_actions.add_inject, methods=["POST"]),
    Route("/api/clock", api_actions.clock_action, methods=["POST"]),
    Route("/api/comms", api_actions.comms_event, methods=["POST"]),
    Route("/api/observations", api_evaluation.add_observation, methods=["POST"]),
    Route("/api/observations/{id}", api_evaluation.edit_observation, methods=["PUT"]),
    Route("/api/evaluation/close", api_evaluation.close_evaluation, methods=["POST"]),
]


def create_app(package_dir: Path, db_path: Path, *, secure_cookies: bool,
               hasher: PasswordHasher | None = None) -> Starlette:
    """The server for the package at ``package_dir`` with its record at ``db_path``.

    ``secure_cookies``: mark the session cookie Secure (serving over TLS). ``hasher``: the password
    hasher (None: the server's Argon2id parameters; tests pass a cheaper one).
    Raises :class:`exgen.conduct.runtime.ServeError` or :class:`exgen.conduct.store.StoreError`.
    """
    conduct = Conduct(Path(package_dir), Path(db_path), secure_cookies=secure_cookies, hasher=hasher)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> t.AsyncIterator[None]:
        try:
            yield
        finally:
            conduct.close()

    app = Starlette(routes=ROUTES, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan)
    app.state.conduct = conduct
    return app

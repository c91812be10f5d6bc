"""The HTTP rules every request meets: security headers, bounded bodies, sessions and CSRF.

:class:`SecurityHeaders` adds the headers of design §4 to every response (no caching, no
sniffing, no framing, no inline script, the referrer kept within the server). :func:`guarded` wraps every endpoint but
the sign-in page: no live session → 401 JSON under ``/api``, 303 to ``/login``
elsewhere; a state-changing request without the session's CSRF token (header
``X-CSRF-Token``, or the form field ``csrf`` of a plain HTML form) or from another origin → 403;
an account still on its one-time password reaches only ``/password`` and ``/logout``.
"""

from __future__ import annotations

import functools
import json
import typing as t
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse, RedirectResponse, Response

from exgen.conduct import accounts, sessions
from exgen.conduct.record_types import Actor as RecordActor

if t.TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from exgen.conduct.access import Actor
    from exgen.conduct.runtime import Conduct

#: Headers on every response.
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form and fetch
    # POSTs, which the same-origin check must refuse; the referrer still never leaves the server.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
#: Largest form body (sign-in, password) and JSON body (an ad-hoc inject with long texts), bytes.
FORM_LIMIT = 16 * 1024
JSON_LIMIT = 1024 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
#: Deepest nesting of objects and lists a JSON body may have (an inject needs four).
MAX_DEPTH = 32


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyError(Exception):
    """A request body the server will not read: too large, not the expected type, or malformed."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def failure(status: int, code: str, message: str, **extra: t.Any) -> JSONResponse:
    """A JSON error: ``{"ok": false, "error": code, "message": text, ...}``."""
    return JSONResponse({"ok": False, "error": code, "message": message, **extra}, status_code=status)


def success(status: int = 200, **data: t.Any) -> JSONResponse:
    """A JSON answer: ``{"ok": true, ...}``."""
    return JSONResponse({"ok": True, **data}, status_code=status)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) beyond ``limit`` bytes whatever Content-Length says (read once)."""
    kept = getattr(request.state, "body", None)
    if isinstance(kept, bytes):
        return kept
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BodyError(413, "too-large", f"The request is larger than {limit // 1024} KiB.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, "too-large", f"The request is larger than {limit // 1024} KiB.")
        chunks.append(chunk)
    request.state.body = b"".join(chunks)
    return t.cast(bytes, request.state.body)


async def read_form(request: Request) -> dict[str, str]:
    """A URL-encoded form (the first value of each field)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise BodyError(415, "unsupported", "Send the form as application/x-www-form-urlencoded.")
    body = await read_body(request, FORM_LIMIT)
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise BodyError(400, "bad-request", "The form could not be read.") from None
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


async def read_json(request: Request) -> dict[str, t.Any]:
    """A JSON object body (Content-Type application/json, which a cross-site form cannot send)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BodyError(415, "unsupported", "Send JSON (Content-Type: application/json).")
    body = await read_body(request, JSON_LIMIT)
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BodyError(400, "bad-request", "The request is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BodyError(400, "bad-request", "The request must be a JSON object.")
    if not shallow(data):
        raise BodyError(400, "bad-request", f"The request nests deeper than {MAX_DEPTH} levels.")
    return data


def shallow(value: t.Any) -> bool:
    """Whether JSON ``value`` nests at most :data:`MAX_DEPTH` levels (looked at without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return False
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return True


def _no_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def conduct_of(request: Request) -> Conduct:
    """The server state the app was made with."""
    found: Conduct = request.app.state.conduct
    return found


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request: their account, their session and its token."""

    account: accounts.Account
    session: sessions.Session
    token: str

    @property
    def actor(self) -> Actor:
        """The user as the access rules see them."""
        return self.account.actor()

    @property
    def record_actor(self) -> RecordActor:
        """The user as the record stores them."""
        return RecordActor(self.account.username, self.account.role, dict(self.account.scope))


def _lookup(token: str) -> t.Callable[..., Principal | None]:
    def job(conn: t.Any, _record: t.Any) -> Principal | None:
        found = sessions.lookup(conn, token)
        if found is None:
            return None
        account = accounts.account(conn, found.username)
        return None if account is None else Principal(account, found, token)

    return job


async def signed_in(request: Request) -> Principal | None:
    """The request's live session and account, or None."""
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token or len(token) > sessions.MAX_TOKEN:
        return None
    return await conduct_of(request).read(_lookup(token))


async def still_signed_in(request: Request, token: str) -> bool:
    """Whether ``token``'s session is still live (a long stream checks now and then)."""
    return await conduct_of(request).read(_lookup(token)) is not None


def same_origin(request: Request) -> bool:
    """Whether the request's ``Origin`` (absent passes) is the server's own scheme://host."""
    return sessions.origin_ok(request.headers.get("origin"), request.url.scheme, request.headers.get("host", ""))


async def csrf_passes(request: Request, who: Principal) -> bool:
    """The CSRF rule of design §3 (the token may come as the form field ``csrf`` of a plain form)."""
    token = request.headers.get(sessions.CSRF_HEADER)
    if token is None and request.method.upper() in sessions.UNSAFE_METHODS:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == FORM_TYPE:
            token = (await read_form(request)).get("csrf")
    return sessions.request_ok(request.method, who.session, token, request.headers.get("origin"),
                               request.url.scheme, request.headers.get("host", ""))


Handler = t.Callable[["Request", Principal], t.Awaitable[Response]]
Endpoint = t.Callable[["Request"], t.Awaitable[Response]]


def is_api(request: Request) -> bool:
    """Whether the request is for the JSON API (errors as JSON) rather than a page."""
    return request.url.path.startswith("/api/")


def guarded(*, before_password: bool = False) -> t.Callable[[Handler], Endpoint]:
    """Wrap an endpoint so it runs only for a signed-in user who passes the CSRF rule.

    ``before_password``: the endpoint is open to an account that must still change its one-time
    password (``/password``, ``/logout``); every other one sends such a user to ``/password``.
    """

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            api = is_api(request)
            try:
                who = await signed_in(request)
                if who is None:
                    if api:
                        return failure(401, "unauthenticated", "Sign in first.")
                    return RedirectResponse("/login", status_code=303)
                if not await csrf_passes(request, who):
                    return failure(403, "csrf", "This request did not come from the exercise page; reload it.")
                if who.account.must_change and not before_password:
                    if api:
                        return failure(403, "password-change-required", "Change your one-time password first.")
                    return RedirectResponse("/password", status_code=303)
                return await handler(request, who)
            except BodyError as exc:
                return failure(exc.status, exc.code, exc.message) if api else Response(
                    exc.message, status_code=exc.status, media_type="text/plain")

        return endpoint

    return wrap


def exercise_head(exercise: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """What pages and ``/api/me`` show of the exercise."""
    head = exercise.get("exercise") or {}
    keys = ("id", "name", "banner", "marking", "classification", "startex", "endex")
    return {k: head.get(k) if isinstance(head.get(k), str) else "" for k in keys}

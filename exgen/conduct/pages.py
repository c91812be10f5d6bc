"""The server's HTML side: sign-in, sign-out, changing the one-time password, the app shell, its files.

Pages are S4's templates (``templates/conduct/*.html.j2``) rendered in exgen's sandboxed,
autoescaping Jinja environment with plain data only: ``exercise`` (id, name, banner, marking,
classification, startex, endex), ``user``, ``role``, ``error`` and ``csrf`` (the token plain
forms send back). Signing in meets the rate limit first (429, no password check while it
holds), then the password; a wrong user name and a wrong password get the same answer.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import typing as t

from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from exgen.conduct import accounts, ratelimit, sessions
from exgen.conduct.web import BodyError, Principal, conduct_of, exercise_head, guarded, read_form, same_origin
from exgen.core.paths import read_regular
from exgen.core.resources import data_dir

if t.TYPE_CHECKING:
    from starlette.requests import Request

    from exgen.conduct.runtime import Conduct

WRONG = "Wrong user name or password."
#: The app's own files (S4's): a plain name, no folders.
STATIC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.(js|css|svg|png|woff2)")
STATIC_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
                "png": "image/png", "woff2": "font/woff2"}
MAX_STATIC_BYTES = 8 * 1024 * 1024


def render(conduct: Conduct, page: str, *, who: Principal | None = None, user: str = "", error: str = "",
           status: int = 200, headers: t.Mapping[str, str] | None = None) -> HTMLResponse:
    """One of the server's pages (``login``, ``password``, ``app``)."""
    from exgen.render.environment import environment

    context = {
        "exercise": exercise_head(conduct.exercise),
        "user": who.account.username if who else user,
        "name": who.account.name if who else "",
        "role": who.account.role if who else "",
        "error": error,
        "csrf": who.session.csrf if who else "",
    }
    sent = dict(headers or {})
    if page in ("login", "password"):  # pages shown before the app may be reached carry their style sheet
        css = _sign_in_css()
        context["inline_css"] = css
        digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
        sent["content-security-policy"] = f"default-src 'self'; style-src 'sha256-{digest}'; frame-ancestors 'none'"
    html = environment().get_template(f"conduct/{page}.html.j2").render(context)
    return HTMLResponse(html, status_code=status, headers=sent)


@functools.lru_cache(maxsize=1)
def _sign_in_css() -> str:
    """The app's style sheet, for the sign-in and password pages to carry inline: nothing but the sign-in
    page may be reached without an account, and nothing but the password page before a one-time
    password is changed, so they cannot link /static/app.css; their Content-Security-Policy allows
    exactly this text by its SHA-256 hash, still no other inline style or script."""
    return (data_dir("templates") / "conduct" / "static" / "app.css").read_text("utf-8")


async def login_page(request: Request) -> Response:
    """``GET /login``: the sign-in form."""
    return render(conduct_of(request), "login")


async def login(request: Request) -> Response:
    """``POST /login`` (form: username, password): a session cookie and 303 to the app or the password page."""
    conduct = conduct_of(request)
    if not same_origin(request):
        return render(conduct, "login", error="This sign-in did not come from this server's page.", status=403)
    try:
        form = await read_form(request)
    except BodyError as exc:
        return render(conduct, "login", error=exc.message, status=exc.status)
    username = form.get("username", "").strip()[:accounts.MAX_USERNAME + 1]
    password = form.get("password", "")
    address = request.client.host if request.client else None
    wait = await conduct.read(lambda conn, _r: ratelimit.retry_after(conn, username, address))
    if wait > 0:
        minutes = max(1, -(-wait // 60))
        return render(conduct, "login", user=username, status=429, headers={"Retry-After": str(wait)},
                      error=f"Too many failed sign-ins: try again in {minutes} minute{'s' if minutes > 1 else ''}.")
    account = await conduct.read(lambda conn, _r: accounts.verify(conn, username, password, hasher=conduct.hasher))
    if account is None:
        await conduct.write(lambda conn, _r: ratelimit.failed(conn, username, address))
        return render(conduct, "login", user=username, error=WRONG, status=401)
    old = request.cookies.get(sessions.COOKIE_NAME)
    name = account.username

    def start(conn: t.Any, _record: t.Any) -> tuple[str, str]:
        ratelimit.succeeded(conn, name)
        sessions.revoke(conn, old)  # a session cookie set before signing in is never reused
        return sessions.create(conn, name)

    token, _csrf = await conduct.write(start)
    response = RedirectResponse("/password" if account.must_change else "/", status_code=303)
    response.set_cookie(value=token, **sessions.cookie_settings(secure=conduct.secure_cookies))
    return response


@guarded(before_password=True)
async def logout(request: Request, who: Principal) -> Response:
    """``POST /logout``: end the session."""
    conduct = conduct_of(request)
    await conduct.write(lambda conn, _r: sessions.revoke(conn, who.token))
    response = RedirectResponse("/login", status_code=303)
    settings = sessions.cookie_settings(secure=conduct.secure_cookies)
    response.delete_cookie(settings.pop("key"), **settings)
    return response


@guarded(before_password=True)
async def password_page(request: Request, who: Principal) -> Response:
    """``GET /password``: the change-password form."""
    return render(conduct_of(request), "password", who=who)


@guarded(before_password=True)
async def password(request: Request, who: Principal) -> Response:
    """``POST /password`` (form: old, new, repeat): a new password, then 303 to the app.

    Hashing takes a tenth of a second, so it runs on a reader thread, not the record's writer.
    """
    conduct = conduct_of(request)
    form = await read_form(request)
    new = form.get("new", "")
    if "repeat" in form and form["repeat"] != new:
        return render(conduct, "password", who=who, error="The two new passwords differ.", status=400)

    def change(conn: t.Any, _record: t.Any) -> str:
        try:
            accounts.change_password(conn, who.account.username, form.get("old", ""), new, hasher=conduct.hasher,
                                     keep=who.session.token_hash)
        except accounts.PasswordRefused as exc:
            return str(exc)
        return ""

    refused = await conduct.read(change)
    if refused:
        return render(conduct, "password", who=who, error=refused, status=400)
    return RedirectResponse("/", status_code=303)


@guarded()
async def app_page(request: Request, who: Principal) -> Response:
    """``GET /``: the application page for the user's role."""
    return render(conduct_of(request), "app", who=who)


@guarded()
async def static_file(request: Request, who: Principal) -> Response:
    """``GET /static/{name}``: the app's script, style sheet and images (signed-in users only)."""
    name = request.path_params.get("name", "")
    match = STATIC_NAME.fullmatch(name) if isinstance(name, str) else None
    if match is None:
        return PlainTextResponse("Not found", status_code=404)
    data = read_regular(data_dir("templates") / "conduct" / "static" / name, head=MAX_STATIC_BYTES)
    if data is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(data, media_type=STATIC_TYPES[match.group(1)])

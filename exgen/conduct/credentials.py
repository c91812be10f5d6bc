"""The printable credentials sheet: one cut-out card per account with its one-time password.

Rendered from ``templates/conduct/credentials.html.j2`` in exgen's sandboxed, autoescaping Jinja
environment (:mod:`exgen.render.environment`, built-in templates only), so a name with markup
in it prints as text. The sheet carries the classification banner at the top and bottom, the
exercise marking and "EXCON ONLY — credentials; destroy after use".
"""

from __future__ import annotations

import datetime as dt
import typing as t

from exgen.conduct.access import CHIEF, CONTROLLER, DIRECTOR, EVALUATOR, OBSERVER, ROLE_PLAYER
from exgen.conduct.accounts import Issued
from exgen.render.banner import banner_text

TEMPLATE = "conduct/credentials.html.j2"
#: Printed where the server's address goes when it is not known yet.
URL_PLACEHOLDER = "https://________________"

_ROLE_LABELS = {
    DIRECTOR: "Exercise director",
    CHIEF: "Chief controller",
    CONTROLLER: "Controller",
    EVALUATOR: "Evaluator",
    OBSERVER: "Observer (read only)",
    ROLE_PLAYER: "Role player",
}


def role_label(item: Issued) -> str:
    """The role as a card prints it, with the controller's cell."""
    label = _ROLE_LABELS.get(item.role, item.role)
    cell = item.scope.get("cell")
    if item.role == CONTROLLER and isinstance(cell, str) and cell:
        return f"{label} — {cell}"
    return label


def _text(exercise: t.Mapping[str, t.Any], key: str, default: str = "") -> str:
    value = exercise.get(key)
    return value if isinstance(value, str) else default


def sheet(exercise: t.Mapping[str, t.Any], issued: t.Sequence[Issued], *, server_url: str | None = None,
          issued_at: dt.datetime | None = None) -> str:
    """The credentials sheet for ``issued`` accounts, as one HTML page."""
    from exgen.render.environment import environment

    classification = _text(exercise, "classification", "UNCLASSIFIED")
    marking = _text(exercise, "marking", "EXERCISE EXERCISE EXERCISE")
    banner = _text(exercise, "banner") or banner_text({"classification": classification, "marking": marking})
    plays = {str(p.get("id")): str(p.get("portrays") or "") for p in exercise.get("role_players") or []
             if isinstance(p, t.Mapping)}
    when = (issued_at or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    context = {
        "exercise": {"name": _text(exercise, "name", "Exercise"), "id": _text(exercise, "id"),
                     "classification": classification, "marking": marking},
        "banner": banner,
        "server_url": server_url or URL_PLACEHOLDER,
        "issued_at": when,
        "cards": [{"role": role_label(i), "name": i.name, "plays": plays.get(str(i.scope.get("role_player")), ""),
                   "username": i.username, "password": i.password} for i in issued],
    }
    return environment().get_template(TEMPLATE).render(context)

"""Who may do and see what on the EXCON server: the only place these rules live.

Pure functions on an :class:`Actor` and plain data (an inject view, an observation, an event), so
every rule is tested as a table and the HTTP layer only asks. Roles and their scopes:

- ``director``: everything.
- ``chief-controller``: everything but the clock and closing the evaluation.
- ``controller`` (scope ``{"cell", "controller", "controllers", "role_players"}``; the two lists are
  the controllers and role players of the cell, filled in by :func:`exgen.conduct.accounts.roster`):
  inject actions on injects whose controller is a controller of the cell, that come from the cell,
  one of its controllers or one of its role players, or that have no controller; adding injects,
  logging comms events, reading EXCON notes and the comms log.
- ``evaluator`` (scope ``{"evaluator", "objectives"}``): observations on their objectives; sees
  released injects without EXCON notes.
- ``observer``: reads released injects (without notes or responses) and the clock; writes nothing.
- ``role-player`` (scope ``{"role_player"}``): sees only the injects they send; writes nothing.

Anything not granted here is refused, including unknown roles and actions.
"""

from __future__ import annotations

import typing as t

from exgen.conduct.record_types import Actor

__all__ = ["ACTIONS", "CHIEF", "CONTROLLER", "DIRECTOR", "EVALUATOR", "EXCON_KEYS", "EXCON_ROLES", "INJECT_ACTIONS",
           "OBSERVER", "RELEASED", "ROLES", "ROLE_PLAYER", "Actor", "EventLike", "action_name", "can", "controls",
           "visible_event", "visible_inject", "visible_observation"]

DIRECTOR = "director"
CHIEF = "chief-controller"
CONTROLLER = "controller"
EVALUATOR = "evaluator"
OBSERVER = "observer"
ROLE_PLAYER = "role-player"
ROLES = (DIRECTOR, CHIEF, CONTROLLER, EVALUATOR, OBSERVER, ROLE_PLAYER)
#: Roles of exercise control: they see every inject in full, with its EXCON notes.
EXCON_ROLES = frozenset({DIRECTOR, CHIEF, CONTROLLER})

#: Actions on one inject (event kinds); :func:`can` also accepts them without the ``inject.`` prefix.
INJECT_ACTIONS = frozenset({
    "inject.release", "inject.deliver", "inject.acknowledge", "inject.complete", "inject.hold",
    "inject.cancel", "inject.retime", "inject.annotate", "inject.response",
})
#: Every action :func:`can` knows; any other is refused.
ACTIONS = INJECT_ACTIONS | {
    "inject.add", "clock", "comms.event", "observation.add", "observation.edit", "evaluation.close",
    "read.notes", "read.observations", "read.comms",
}
#: Statuses in which the training audience side (evaluators, observers) may see an inject.
RELEASED = frozenset({"released", "delivered", "acknowledged", "completed"})
#: Inject view keys only exercise control reads (EXCON annotations).
EXCON_KEYS = ("notes",)

_CHIEF_DENIED = frozenset({"clock", "evaluation.close"})
_CONTROLLER_ACTIONS = frozenset({"inject.add", "comms.event", "read.notes", "read.comms"})
_OBSERVATION_ACTIONS = frozenset({"observation.add", "observation.edit", "read.observations"})


class EventLike(t.Protocol):
    """A conduct record event (``exgen.conduct.record.Event``) as :func:`visible_event` reads it."""

    @property
    def seq(self) -> int: ...
    @property
    def wall(self) -> str: ...
    @property
    def ex_time(self) -> float | None: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def payload(self) -> t.Mapping[str, t.Any]: ...


def action_name(action: str) -> str:
    """The full name of an action: ``release`` → ``inject.release``; others unchanged."""
    full = f"inject.{action}"
    return full if full in INJECT_ACTIONS else action


def _ids(value: t.Any) -> set[str]:
    """The strings of a scope list (anything else counts as no id)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, (list, tuple, set, frozenset)):
        return {v for v in value if isinstance(v, str)}
    return set()


def controls(actor: Actor, inject: t.Mapping[str, t.Any]) -> bool:
    """Whether a controller's cell runs this inject (see the module docstring)."""
    scope = actor.scope
    cell = scope.get("cell")
    controllers = _ids(scope.get("controllers")) | _ids(scope.get("controller"))
    senders = controllers | _ids(scope.get("role_players")) | _ids(cell)
    owner = inject.get("controller")
    if not owner:
        return True
    if isinstance(owner, str) and owner in controllers:
        return True
    sender = inject.get("from")
    return isinstance(sender, str) and sender in senders


def _evaluates(actor: Actor, subject: t.Mapping[str, t.Any] | None) -> bool:
    """Whether an evaluator's objectives cover an observation (or its request); role-level without one."""
    if subject is None:
        return bool(_ids(actor.scope.get("objectives")))
    objective = subject.get("objective")
    return isinstance(objective, str) and objective in _ids(actor.scope.get("objectives"))


def _authored(actor: Actor, subject: t.Mapping[str, t.Any] | None) -> bool:
    """An observation may be edited by its author only (a subject without an author passes here)."""
    return subject is None or "author" not in subject or subject.get("author") == actor.username


def can(actor: Actor, action: str, inject: t.Mapping[str, t.Any] | None = None) -> bool:
    """Whether ``actor`` may do ``action``.

    ``inject`` is the subject: the inject view for inject actions (required for a controller:
    without it the answer is no), the observation or observation request (``objective``, and
    ``author`` when editing) for ``observation.*`` and ``read.observations``. Without a subject,
    observation actions answer for the role (the user interface's question); the server passes it.
    """
    action = action_name(action)
    if action not in ACTIONS:
        return False
    role = actor.role
    if action == "observation.edit" and not _authored(actor, inject):
        return False
    if role == DIRECTOR:
        return True
    if role == CHIEF:
        return action not in _CHIEF_DENIED
    if role == CONTROLLER:
        if action in INJECT_ACTIONS:
            return inject is not None and controls(actor, inject)
        return action in _CONTROLLER_ACTIONS
    if role == EVALUATOR:
        return action in _OBSERVATION_ACTIONS and _evaluates(actor, inject)
    return False


def _without(view: t.Mapping[str, t.Any], keys: t.Iterable[str]) -> dict[str, t.Any]:
    """A copy of ``view`` without ``keys``."""
    drop = set(keys)
    return {k: v for k, v in view.items() if k not in drop}


def visible_inject(actor: Actor, inject_view: t.Mapping[str, t.Any]) -> dict[str, t.Any] | None:
    """The part of an inject view ``actor`` may see, or None when they may not see it at all."""
    role = actor.role
    if role in EXCON_ROLES:
        return dict(inject_view)
    if role in (EVALUATOR, OBSERVER):
        # released, or held or cancelled after its release (they saw it, and now see what became of it)
        if inject_view.get("status") not in RELEASED and not inject_view.get("released"):
            return None
        hidden = EXCON_KEYS if role == EVALUATOR else (*EXCON_KEYS, "responses")
        return _without(inject_view, hidden)
    if role == ROLE_PLAYER:
        own = actor.scope.get("role_player")
        if isinstance(own, str) and own and inject_view.get("from") == own:
            return _without(inject_view, EXCON_KEYS)
    return None


def visible_observation(actor: Actor, obs: t.Mapping[str, t.Any]) -> dict[str, t.Any] | None:
    """An observation as ``actor`` may see it: directors and chiefs all, evaluators their objectives."""
    if actor.role in (DIRECTOR, CHIEF) or (actor.role == EVALUATOR and _evaluates(actor, obs)):
        return dict(obs)
    return None


def _field(event: EventLike | t.Mapping[str, t.Any], name: str) -> t.Any:
    """One field of an event given as a record Event or as a row mapping."""
    if isinstance(event, t.Mapping):
        return event.get(name)
    return getattr(event, name, None)


def visible_event(actor: Actor, event: EventLike | t.Mapping[str, t.Any],
                  view: t.Mapping[str, t.Any] | None = None) -> dict[str, t.Any] | None:
    """The live-stream message for ``event`` as ``actor`` may see it, or None to skip it.

    ``view`` is the subject's state after the event: the inject view for ``inject.*`` (a release
    makes an inject newly visible, so the message carries it in full), the observation for
    ``observation.*``, the clock state for ``clock.*``. Annotations follow ``read.notes``, comms
    events and console imports follow ``read.comms``; kinds not known here reach directors and chiefs only.
    """
    kind = str(_field(event, "kind") or "")
    data: dict[str, t.Any] = {k: _field(event, k) for k in ("seq", "kind", "subject", "wall", "ex_time", "actor",
                                                           "role")}
    if kind.startswith("inject."):
        if kind == "inject.annotate" and not can(actor, "read.notes"):
            return None
        shown = visible_inject(actor, view) if view is not None else None
        if shown is None:
            return None
        data["inject"] = shown
    elif kind.startswith("observation."):
        seen = visible_observation(actor, view) if view is not None else None
        if seen is None:
            return None
        data["observation"] = seen
    elif kind.startswith("clock."):
        if view is not None:
            data["clock"] = dict(view)
    elif kind in ("comms.event", "record.import"):
        if not can(actor, "read.comms"):
            return None
        if kind == "comms.event":
            payload = _field(event, "payload")
            data["comms"] = dict(payload) if isinstance(payload, t.Mapping) else {}
    elif kind != "evaluation.close" and actor.role not in (DIRECTOR, CHIEF):
        return None
    return data

"""The life of an inject during conduct, as one table: which action is allowed in which status.

planned → released → delivered → acknowledged → completed; hold from planned or released (a held
inject can be released); cancel from any status but completed and cancelled. Re-timing and
recording a response are allowed unless the inject is cancelled; annotating is always allowed.
"""

from __future__ import annotations

__all__ = ["ACTIONS", "STATUSES", "after", "refusal"]

STATUSES = ("planned", "released", "delivered", "acknowledged", "completed", "held", "cancelled")

#: action → {status before: status after}; a status not listed does not allow the action.
_TABLE: dict[str, dict[str, str]] = {
    "release": {"planned": "released", "held": "released"},
    "deliver": {"released": "delivered"},
    "acknowledge": {"delivered": "acknowledged"},
    "complete": {"acknowledged": "completed"},
    "hold": {"planned": "held", "released": "held"},
    "cancel": {s: "cancelled" for s in STATUSES if s not in ("completed", "cancelled")},
    "retime": {s: s for s in STATUSES if s != "cancelled"},
    "annotate": {s: s for s in STATUSES},
    "response": {s: s for s in STATUSES if s != "cancelled"},
}
ACTIONS = tuple(_TABLE)

_VERBS = {"retime": "re-time", "response": "record a response to"}
_DONE = {"release": "released", "deliver": "delivered", "acknowledge": "acknowledged", "complete": "completed",
         "hold": "held", "cancel": "cancelled"}


def after(status: str, action: str) -> str | None:
    """The status after ``action`` on an inject in ``status``; None when the action is not allowed.

    >>> after("planned", "release"), after("cancelled", "deliver")
    ('released', None)
    """
    return _TABLE.get(action, {}).get(status)


def refusal(status: str, action: str) -> str:
    """Why ``action`` is refused in ``status``, in plain English.

    >>> refusal("planned", "deliver")
    'cannot deliver an inject that is planned (only a released inject can be delivered)'
    """
    if action not in _TABLE:
        return f"{action!r} is not an inject action"
    text = f"cannot {_VERBS.get(action, action)} an inject that is {status}"
    if action in _DONE:
        states = [s for s in STATUSES if s in _TABLE[action]]
        allowed = " or ".join([", ".join(states[:-1]), states[-1]] if len(states) > 1 else states)
        article = "an" if allowed[0] in "aeiou" else "a"
        text += f" (only {article} {allowed} inject can be {_DONE[action]})"
    return text

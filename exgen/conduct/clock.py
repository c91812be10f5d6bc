"""The exercise clock: exercise minutes as a pure function of wall time and the director's settings.

The state is an anchor — at wall time ``anchor_wall`` (Unix seconds) exercise time was
``anchor_ex`` (minutes from STARTEX) — a speed and whether it runs. Every change re-anchors at the
moment it is made, so ``now`` is continuous across start, pause and speed changes, and every client
computes the same time from the same state.
"""

from __future__ import annotations

import math
import typing as t

__all__ = ["MAX_MINUTES", "MAX_SPEED", "MIN_SPEED", "ClockState", "default", "jump", "now", "pause", "speed",
           "start"]

MIN_SPEED = 0.1
MAX_SPEED = 120.0
#: The furthest from STARTEX the clock may be set (a year, either way).
MAX_MINUTES = 366 * 1440


class ClockState(t.TypedDict):
    """The stored clock: running or not, speed (exercise minutes per wall minute) and its anchor."""

    running: bool
    speed: float
    anchor_wall: float
    anchor_ex: float


def default() -> ClockState:
    """A new exercise's clock: paused at STARTEX, real time."""
    return {"running": False, "speed": 1.0, "anchor_wall": 0.0, "anchor_ex": 0.0}


def now(state: ClockState, wall: float) -> float:
    """Exercise minutes at Unix time ``wall``.

    >>> now({"running": True, "speed": 2.0, "anchor_wall": 100.0, "anchor_ex": 30.0}, 160.0)
    32.0
    """
    if not state["running"]:
        return state["anchor_ex"]
    return state["anchor_ex"] + (wall - state["anchor_wall"]) / 60.0 * state["speed"]


def start(state: ClockState, wall: float) -> ClockState:
    """The clock running from where it stands at ``wall``."""
    return {"running": True, "speed": state["speed"], "anchor_wall": wall, "anchor_ex": now(state, wall)}


def pause(state: ClockState, wall: float) -> ClockState:
    """The clock stopped at the time it shows at ``wall``."""
    return {"running": False, "speed": state["speed"], "anchor_wall": wall, "anchor_ex": now(state, wall)}


def jump(state: ClockState, wall: float, ex_time: float) -> ClockState:
    """The clock set to ``ex_time`` at ``wall``, running or paused as before."""
    if not math.isfinite(ex_time) or abs(ex_time) > MAX_MINUTES:
        raise ValueError(f"exercise time {ex_time} is out of range")
    return {"running": state["running"], "speed": state["speed"], "anchor_wall": wall, "anchor_ex": float(ex_time)}


def speed(state: ClockState, wall: float, factor: float) -> ClockState:
    """The clock running ``factor`` times real time from ``wall`` on."""
    if not math.isfinite(factor) or not MIN_SPEED <= factor <= MAX_SPEED:
        raise ValueError(f"speed {factor} is outside {MIN_SPEED}-{MAX_SPEED:g}")
    return {"running": state["running"], "speed": float(factor), "anchor_wall": wall,
            "anchor_ex": now(state, wall)}

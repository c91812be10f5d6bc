"""The exercise clock: exercise minutes as a pure function of wall time, start, pause, jump and speed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exgen.conduct import clock

T0 = 1_800_000_000.0


def test_a_new_clock_is_paused_at_startex_in_real_time() -> None:
    state = clock.default()
    assert state == {"running": False, "speed": 1.0, "anchor_wall": 0.0, "anchor_ex": 0.0}
    assert clock.now(state, T0) == 0.0
    assert clock.now(state, T0 + 3600) == 0.0


def test_a_started_clock_runs_in_real_time_from_where_it_stood() -> None:
    state = clock.start(clock.default(), T0)
    assert state["running"] is True
    assert clock.now(state, T0) == 0.0
    assert clock.now(state, T0 + 60) == pytest.approx(1.0)
    assert clock.now(state, T0 + 90 * 60) == pytest.approx(90.0)


def test_pausing_freezes_the_time_shown_and_starting_again_continues_from_it() -> None:
    running = clock.start(clock.default(), T0)
    paused = clock.pause(running, T0 + 600)
    assert paused["running"] is False
    assert clock.now(paused, T0 + 600) == pytest.approx(10.0)
    assert clock.now(paused, T0 + 6000) == pytest.approx(10.0)
    again = clock.start(paused, T0 + 6000)
    assert clock.now(again, T0 + 6060) == pytest.approx(11.0)


def test_a_jump_sets_the_time_and_keeps_running_or_paused() -> None:
    running = clock.start(clock.default(), T0)
    jumped = clock.jump(running, T0 + 60, 1440.0)
    assert jumped["running"] is True
    assert clock.now(jumped, T0 + 60) == 1440.0
    assert clock.now(jumped, T0 + 120) == pytest.approx(1441.0)
    back = clock.jump(clock.default(), T0, -30.0)
    assert back["running"] is False and clock.now(back, T0 + 999) == -30.0


def test_speed_multiplies_the_rate_from_the_moment_it_is_set() -> None:
    running = clock.start(clock.default(), T0)
    fast = clock.speed(running, T0 + 60, 60.0)
    assert clock.now(fast, T0 + 60) == pytest.approx(1.0)
    assert clock.now(fast, T0 + 120) == pytest.approx(61.0)
    slow = clock.speed(clock.pause(fast, T0 + 120), T0 + 500, 0.5)
    assert slow["running"] is False and clock.now(slow, T0 + 900) == pytest.approx(61.0)
    assert clock.now(clock.start(slow, T0 + 900), T0 + 1020) == pytest.approx(62.0)


@pytest.mark.parametrize("factor", [0.0, 0.09, 120.5, -1.0, math.nan, math.inf])
def test_a_speed_outside_its_range_is_refused(factor: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        clock.speed(clock.default(), T0, factor)


@pytest.mark.parametrize("minutes", [clock.MAX_MINUTES + 1, -clock.MAX_MINUTES - 1, math.nan, math.inf])
def test_a_jump_out_of_range_is_refused(minutes: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        clock.jump(clock.default(), T0, minutes)


def test_the_transformations_leave_the_state_they_are_given_alone() -> None:
    state = clock.start(clock.default(), T0)
    before = dict(state)
    clock.pause(state, T0 + 5)
    clock.jump(state, T0 + 5, 100)
    clock.speed(state, T0 + 5, 10)
    assert state == before


_OPS = st.lists(st.tuples(st.sampled_from(["start", "pause", "speed"]), st.floats(0, 7200),
                          st.floats(clock.MIN_SPEED, clock.MAX_SPEED)), max_size=20)


@given(_OPS)
def test_start_pause_and_speed_never_make_the_time_jump(ops: list[tuple[str, float, float]]) -> None:
    """Whatever the director does (but a jump), the time shown is continuous and never runs backwards."""
    state, wall = clock.default(), T0
    for op, step, factor in ops:
        wall += step
        shown = clock.now(state, wall)
        assert shown >= clock.now(state, wall - step) - 1e-9
        if op == "start":
            state = clock.start(state, wall)
        elif op == "pause":
            state = clock.pause(state, wall)
        else:
            state = clock.speed(state, wall, factor)
        assert clock.now(state, wall) == pytest.approx(shown, abs=1e-9)

"""The comms shortcuts give what the full computation gives: on-time deliveries, interval
operations on short lists, and the shared-net table worked out only when read."""

from __future__ import annotations

import dataclasses
import random
import typing as t

from hypothesis import given, settings
from hypothesis import strategies as st

from exgen import comms, load, model
from exgen.comms import analysis, intervals
from exgen.comms.delivery import NetsMemo, exchange_delivery, in_time, plans_by_pair
from exgen.comms.intervals import Interval
from tests.conftest import FLAGSHIP


def _flagship() -> model.Exercise:
    doc, _ = load.load(FLAGSHIP)
    assert doc is not None
    built, _ = model.build_data(doc.data, doc.sources)
    assert built is not None
    return built


def test_in_time_is_what_the_delivery_says() -> None:
    """For every required exchange, with deadlines from none to days: late exactly when the
    delivery built with every route is late (or there is no route)."""
    built = _flagship()
    picture = comms.analyse(built)
    plans, memo = plans_by_pair(built), NetsMemo()
    rnd = random.Random(5)
    late = on_time = 0
    for inj in built.injects:
        for ex in inj.requires:
            for within in (0, 1, rnd.randint(2, 240), rnd.randint(241, 4000)):
                shifted = dataclasses.replace(ex, within=within)
                found = exchange_delivery(picture, built, inj, shifted, plans)
                expected = found is None or found.on_time
                assert in_time(picture, built, inj, shifted, plans, memo) == expected
                late, on_time = late + (not expected), on_time + expected
    assert late and on_time  # both answers were exercised


def _spans(draw: st.DrawFn) -> list[Interval]:
    cuts = sorted(set(draw(st.lists(st.integers(0, 60), max_size=14))))
    return [Interval(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]


spans = st.composite(_spans)


def _first_from_searching(spans: list[Interval], minute: int) -> int | None:
    for s in spans:
        if s.start <= minute < s.end:
            return minute
        if s.start > minute:
            return s.start
    return None


@settings(max_examples=300, deadline=None)
@given(xs=spans(), ys=spans(), minute=st.integers(-2, 62))
def test_interval_operations_agree_with_a_minute_by_minute_count(xs: list[Interval], ys: list[Interval],
                                                               minute: int) -> None:
    both = {m for s in xs for m in range(s.start, s.end)} & {m for s in ys for m in range(s.start, s.end)}
    got = intervals.intersect(xs, ys)
    assert {m for s in got for m in range(s.start, s.end)} == both
    assert all(a.end < b.start for a, b in zip(got, got[1:], strict=False))  # disjoint, not touching
    assert intervals.first_from(xs, minute) == _first_from_searching(xs, minute)
    long = [Interval(s.start * 100 + k, s.start * 100 + k + 1) for s in xs for k in range(3)]
    assert intervals.first_from(long, minute * 100) == _first_from_searching(long, minute * 100)


def test_a_whole_interval_leaves_the_other_list_as_it_is() -> None:
    whole = [Interval(0, 100)]
    parts = [Interval(5, 10), Interval(20, 30)]
    assert intervals.intersect(whole, parts) == parts == intervals.intersect(parts, whole)


def test_shared_nets_are_worked_out_only_when_read() -> None:
    built = _flagship()
    picture = comms.analyse(built)
    connected = t.cast(analysis._Connected, picture.connected)
    assert connected._inputs is not None  # nothing read yet
    expected = analysis._connected(list(picture.usable), dict(picture.usable), picture.pairs)
    assert dict(picture.connected) == expected and len(picture.connected) == len(expected)
    assert connected._inputs is None

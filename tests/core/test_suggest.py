"""Did-you-mean hints: same answers as a full difflib scan, in bounded work per hint."""

from __future__ import annotations

import difflib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from exgen.core import suggest


def _typo(rng: random.Random, ident: str) -> str:
    i = rng.randrange(len(ident))
    kind = rng.choice(["substitute", "delete", "insert", "swap"])
    if kind == "substitute":
        return ident[:i] + rng.choice("ABXZ09") + ident[i + 1:]
    if kind == "delete":
        return ident[:i] + ident[i + 1:]
    if kind == "insert":
        return ident[:i] + rng.choice("ABXZ09") + ident[i:]
    j = min(i + 1, len(ident) - 1)
    return ident[:i] + ident[j] + ident[i] + ident[j + 1:] if j > i else ident + "X"


def _full_scan(value: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=suggest.CUTOFF)
    return close[0] if close else None


def test_a_hint_on_ten_thousand_ids_compares_a_bounded_number_of_them() -> None:
    ids = [f"INJ-{n:05d}" for n in range(10_000)] + [f"ME-{n}BN" for n in range(1, 40)]
    index = suggest.Suggester(ids)
    rng = random.Random(7)
    typos = [_typo(rng, rng.choice(ids)) for _ in range(200)]
    index.closest("warm-up")  # builds the index once
    before = suggest.comparisons
    found = [index.closest(v) for v in typos]
    per_hint = (suggest.comparisons - before) / len(typos)
    assert per_hint <= 120, per_hint  # a full scan compares 10,039 per hint
    assert sum(f is not None for f in found) >= 190


def test_answers_equal_a_full_scan_for_single_typos_in_a_large_list() -> None:
    rng = random.Random(11)
    ids = sorted({f"{rng.choice(['INJ', 'UNIT', 'NET', 'TO'])}-{rng.randrange(10**4):04d}" for _ in range(1500)})
    index = suggest.Suggester(ids)
    for _ in range(150):
        value = _typo(rng, rng.choice(ids))
        assert index.closest(value) == _full_scan(value, ids), value


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ABCDEF-0123", min_size=1, max_size=10), max_size=suggest.SMALL),
       st.text(alphabet="ABCDEF-0123", max_size=10))
def test_small_lists_get_exactly_difflibs_answer(candidates: list[str], value: str) -> None:
    assert suggest.closest(value, candidates) == _full_scan(value, sorted(set(candidates)))


def test_nothing_close_gives_no_hint() -> None:
    index = suggest.Suggester([f"INJ-{n:05d}" for n in range(1000)])
    assert index.closest("completely-unrelated-words") is None
    assert suggest.did_you_mean("zzz", ["ME-1BN"]) == ""

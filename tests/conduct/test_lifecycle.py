"""The inject lifecycle, checked over every (status, action) pair against a table written out by hand."""

from __future__ import annotations

import itertools

import pytest

from exgen.conduct import lifecycle

STATUSES = ["planned", "released", "delivered", "acknowledged", "completed", "held", "cancelled"]
ACTIONS = ["release", "deliver", "acknowledge", "complete", "hold", "cancel", "retime", "annotate", "response"]

# Rows: status before. Columns: ACTIONS in order. Cell: status after, or "-" when refused.
# Written out by hand from the design (§2) so the code cannot mark its own homework.
EXPECTED_GRID = """
              release   deliver   acknowledge  complete  hold  cancel     retime       annotate     response
planned       released  -         -            -         held  cancelled  planned      planned      planned
released      -         delivered -            -         held  cancelled  released     released     released
delivered     -         -         acknowledged -         -     cancelled  delivered    delivered    delivered
acknowledged  -         -         -            completed -     cancelled  acknowledged acknowledged acknowledged
completed     -         -         -            -         -     -          completed    completed    completed
held          released  -         -            -         -     cancelled  held         held         held
cancelled     -         -         -            -         -     -          -            cancelled    -
"""


def _expected() -> dict[tuple[str, str], str | None]:
    lines = [line.split() for line in EXPECTED_GRID.strip().splitlines()]
    assert lines[0] == ACTIONS
    table: dict[tuple[str, str], str | None] = {}
    for status, *cells in lines[1:]:
        for action, cell in zip(ACTIONS, cells, strict=True):
            table[status, action] = None if cell == "-" else cell
    assert sorted({s for s, _ in table}) == sorted(STATUSES)
    return table


EXPECTED = _expected()


def test_the_module_knows_exactly_these_statuses_and_actions() -> None:
    assert list(lifecycle.STATUSES) == STATUSES
    assert sorted(lifecycle.ACTIONS) == sorted(ACTIONS)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(STATUSES, ACTIONS)))
def test_every_status_and_action(status: str, action: str) -> None:
    assert lifecycle.after(status, action) == EXPECTED[status, action]
    if EXPECTED[status, action] is None:
        message = lifecycle.refusal(status, action)
        assert message.startswith("cannot ") and f"an inject that is {status}" in message


def test_a_refusal_says_what_the_action_needs() -> None:
    assert lifecycle.refusal("cancelled", "deliver") == (
        "cannot deliver an inject that is cancelled (only a released inject can be delivered)")
    assert lifecycle.refusal("held", "deliver").endswith("(only a released inject can be delivered)")
    assert "only a planned or held inject can be released" in lifecycle.refusal("delivered", "release")
    assert lifecycle.refusal("cancelled", "retime") == "cannot re-time an inject that is cancelled"
    assert lifecycle.refusal("cancelled", "response") == "cannot record a response to an inject that is cancelled"


@pytest.mark.parametrize(("status", "action"), [("planned", "fly"), ("lost", "release"), ("", "")])
def test_unknown_actions_and_statuses_are_refused(status: str, action: str) -> None:
    assert lifecycle.after(status, action) is None

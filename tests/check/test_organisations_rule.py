"""unknown-nation: ISO 3166-1 alpha-2, XK, or an international organisation of exgen's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check.minimal import errors, message, write

U1 = "nation: HR, role: training-audience"
U2 = "nation: HR, role: response-cell"


def with_nations(tmp_path: Path, first: str, second: str = "HR") -> Path:
    return write(tmp_path, [(U1, f"nation: {first}, role: training-audience"),
                            (U2, f"nation: {second}, role: response-cell")])


@pytest.mark.parametrize("code", ["EU", "NATO", "EUFOR", "KFOR", "OSCE-BIH", "XK"])
def test_organisations_and_kosovo_are_valid_nations(tmp_path: Path, code: str) -> None:
    assert errors(with_nations(tmp_path, code)) == []


def test_an_organisation_unit_and_role_player_and_evaluator_validate(tmp_path: Path) -> None:
    path = write(tmp_path, [(U2, "nation: JFCNP, role: response-cell"),
                            ("evaluators: [{id: EV-1, objectives: [TO-1]}]",
                             "evaluators: [{id: EV-1, objectives: [TO-1], nation: NATO}]\n"
                             "  cells: [{id: WHITE, title: White cell}]\n"
                             "  role_players: [{id: RP-1, cell: WHITE, portrays: EU spokesperson, nation: EU}]")])
    assert errors(path) == []


def test_a_mistyped_organisation_is_an_error_with_a_hint(tmp_path: Path) -> None:
    path = with_nations(tmp_path, "EUROFORCE")
    assert [e[:2] for e in errors(path)] == [("unknown-nation", "/units/0/nation")]
    text = message(path, "unknown-nation")
    assert "'EUROFORCE'" in text and "organisation" in text
    assert text.endswith("(did you mean 'EUFOR'?)")


@pytest.mark.parametrize(("written", "meant"), [("UK", "GB"), ("KV", "XK"), ("OTAN", "NATO"),
                                                ("JFC-NAPLES", "JFCNP"), ("UNMIC", "UNMIK")])
def test_habits_and_slips_get_hints(tmp_path: Path, written: str, meant: str) -> None:
    text = message(with_nations(tmp_path, written), "unknown-nation")
    assert text.endswith(f"(did you mean '{meant}'?)"), text


def test_an_unknown_two_letter_code_gets_no_guess(tmp_path: Path) -> None:
    text = message(with_nations(tmp_path, "QQ"), "unknown-nation")
    assert "did you mean" not in text
    assert "ISO 3166-1 alpha-2" in text

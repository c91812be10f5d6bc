"""Persona rules through `exgen validate`: unknown cultures are located errors, every invented
persona is listed as information (never failing --strict), and the documents print controllers
as their role and a role player's own organisation only."""

from __future__ import annotations

import typing as t
from pathlib import Path

from click.testing import CliRunner

from exgen.cli import cli
from tests.check.minimal import position, validate, write

EXCON = "excon:\n  evaluators: [{id: EV-1, objectives: [TO-1]}]\n"
ROLE_PLAYERS = """\
excon:
  cells:
    - {id: WHITE, title: White Cell}
    - {id: RED, title: Red Cell hybrid threats}
  role_players:
    - {id: RP-KTV, cell: RED, portrays: Presenter of KTV-1, culture: korvanian}
    - {id: RP-FHL, cell: RED, portrays: Leader of the Legion}
    - {id: RP-MAYOR, cell: WHITE, portrays: Mayor of Vrelgrad, nation: ME}
    - {id: RP-NAMED, cell: WHITE, portrays: Spokesperson, name: Dragan Velinov, culture: korvanian}
    - {id: RP-JOURNALIST, cell: WHITE, portrays: Reporter, culture: dalvoran}
  controllers: [{id: CTL-1, cell: WHITE, units: [U1]}]
  evaluators: [{id: EV-1, objectives: [TO-1]}]
"""


def definition(folder: Path, role_players: str = ROLE_PLAYERS, *more: tuple[str, str]) -> Path:
    return write(folder, [(EXCON, role_players), *more])


def infos(found: list[dict[str, t.Any]]) -> dict[str, str]:
    """pointer → message of every persona-generated info."""
    out = {}
    for d in found:
        if d["code"] == "persona-generated":
            assert d["severity"] == "info" and d["pointer"] not in out
            out[d["pointer"]] = d["message"]
    return out


# --- persona-generated ----------------------------------------------------------------------------

def test_validate_lists_every_invented_persona_at_its_role_player(tmp_path: Path) -> None:
    code, found = validate(definition(tmp_path))
    assert code == 0
    listed = infos(found)
    assert set(listed) == {"/excon/role_players/0", "/excon/role_players/2", "/excon/role_players/3",
                           "/excon/role_players/4"}  # RP-FHL: no nation, no culture, nothing invented
    assert listed["/excon/role_players/0"] == (
        "exgen invents the name, phone number and e-mail address of role player RP-KTV (Presenter of KTV-1), "
        "from its culture korvanian; write name: to choose the name yourself")
    assert "RP-MAYOR" in listed["/excon/role_players/2"]
    assert "from the names of nation ME (locale sr_ME)" in listed["/excon/role_players/2"]
    assert "its culture dalvoran" in listed["/excon/role_players/4"]


def test_a_given_name_is_not_listed_as_invented(tmp_path: Path) -> None:
    message = infos(validate(definition(tmp_path))[1])["/excon/role_players/3"]
    assert message.startswith("exgen invents the phone number and e-mail address of role player RP-NAMED "
                              "(Dragan Velinov)")
    assert "the name" not in message and "korvanian" in message


def test_the_exercise_culture_names_fictional_actors(tmp_path: Path) -> None:
    path = definition(tmp_path, ROLE_PLAYERS, ("  type: CPX\n", "  type: CPX\n  culture: zelvarian\n"))
    listed = infos(validate(path)[1])
    assert "the exercise's culture zelvarian" in listed["/excon/role_players/1"]
    assert "nation ME" in listed["/excon/role_players/2"]  # a role player with a nation keeps its own


def test_infos_never_fail_strict(tmp_path: Path) -> None:
    path = definition(tmp_path)
    code, found = validate(path, "--strict")
    assert code == 0 and infos(found) and {d["severity"] for d in found} == {"info"}
    result = CliRunner().invoke(cli, ["validate", "--strict", str(path)])
    assert result.exit_code == 0 and "persona-generated" in result.output, result.output


# --- unknown-culture ------------------------------------------------------------------------------

def test_an_unknown_culture_is_a_located_error_with_a_hint(tmp_path: Path) -> None:
    bad = ROLE_PLAYERS.replace("culture: korvanian}", "culture: korvanain}", 1)
    path = definition(tmp_path, bad)
    code, found = validate(path)
    (err,) = [d for d in found if d["severity"] == "error"]
    assert code == 1 and err["code"] == "unknown-culture"
    assert err["pointer"] == "/excon/role_players/0/culture"
    assert (err["line"], err["col"]) == position(path, "korvanain")
    assert "role player RP-KTV has culture 'korvanain'" in err["message"]
    assert "(did you mean 'korvanian'?)" in err["message"]
    # the persona falls back to what the check says: nothing borrowed for the fictional actor
    assert "/excon/role_players/0" not in infos(found)


def test_unknown_cultures_on_the_exercise_and_a_unit(tmp_path: Path) -> None:
    path = definition(tmp_path, ROLE_PLAYERS, ("  type: CPX\n", "  type: CPX\n  culture: dalvorian\n"),
                      ("nation: HR, role: training-audience,", "nation: HR, culture: ja_JP, role: training-audience,"))
    found = validate(path)[1]
    errors = {d["pointer"]: d["message"] for d in found if d["severity"] == "error"}
    assert set(errors) == {"/exercise/culture", "/units/0/culture"}
    assert "(did you mean 'dalvoran'?)" in errors["/exercise/culture"]
    assert "unit U1 has culture 'ja_JP'" in errors["/units/0/culture"]  # names not printable in Latin script
    assert all(d["code"] == "unknown-culture" for d in found if d["severity"] == "error")


def test_locales_and_named_lists_are_accepted(tmp_path: Path) -> None:
    for culture in ("hr_HR", "sq_AL", "sr_ME", "bg_BG", "tarvosian"):
        path = definition(tmp_path, ROLE_PLAYERS.replace("culture: korvanian}", f"culture: {culture}}}", 1))
        code, found = validate(path)
        assert code == 0 and not [d for d in found if d["severity"] != "info"], (culture, found)


# --- what the documents print ---------------------------------------------------------------------

def _context(path: Path) -> dict[str, t.Any]:
    from exgen import enrich, pipeline
    from exgen.render import context

    checked = pipeline.check(str(path))
    assert checked.ok and checked.model is not None and checked.comms is not None
    return context.build_context(checked.model, checked.comms, enrich.enrich(checked.model, 0), checked.diagnostics)


def test_a_controller_without_a_name_is_printed_as_its_role_in_the_handbook(tmp_path: Path) -> None:
    from exgen.render.environment import environment

    ctx = _context(definition(tmp_path))
    (controller,) = ctx["controllers"]
    assert controller["name"] == "Controller, White Cell" and controller["persona"] is None
    (evaluator,) = ctx["evaluators"]
    assert evaluator["name"] == "Evaluator, TO-1" and evaluator["persona"] is None
    handbook = environment().get_template("handbook.html.j2").render(ctx)
    assert "Controller, White Cell" in handbook
    assert "@" not in handbook.replace("@media", "").replace("@page", "")  # no invented e-mail for anyone
    card = environment().get_template("role_player_card.html.j2").render(
        {**ctx, "role_player": ctx["role_players"][2]})  # RP-MAYOR, of the White Cell
    assert "Controller, White Cell" in card  # "Your controller" on the card, by role


def test_the_card_shows_the_role_players_organisation_never_the_cell(tmp_path: Path) -> None:
    from exgen.render.environment import environment

    role_players = ROLE_PLAYERS.replace(
        "portrays: Reporter, culture: dalvoran}", "portrays: Reporter, culture: dalvoran, organisation: Dalvora Pulse}")
    ctx = _context(definition(tmp_path, role_players))
    cards = {r["id"]: environment().get_template("role_player_card.html.j2").render({**ctx, "role_player": r})
             for r in ctx["role_players"]}

    def organisation_row(card: str) -> str:
        start = card.index('<th scope="row">Organisation</th>')
        return card[start:card.index("</tr>", start)]

    journalist = ctx["role_players"][4]["persona"]
    assert "Dalvora Pulse" in organisation_row(cards["RP-JOURNALIST"])
    assert journalist["organisation"] == "Dalvora Pulse"
    assert journalist["email"].endswith("@dalvora-pulse.exercise.example")
    ktv = ctx["role_players"][0]["persona"]  # no organisation: not the cell's title, on the card or in the address
    assert "Red Cell" not in organisation_row(cards["RP-KTV"]) and "–" in organisation_row(cards["RP-KTV"])
    assert ktv["organisation"] == "" and ktv["email"].endswith("@presenter-ktv-1.exercise.example")
    assert "red-cell" not in ktv["email"]
    # The card reads the role player's organisation, whatever a persona carries.
    leaky = {**ctx["role_players"][0], "persona": {**ktv, "organisation": "Red Cell hybrid threats"}}
    card = environment().get_template("role_player_card.html.j2").render({**ctx, "role_player": leaky})
    assert "Red Cell" not in organisation_row(card)


def test_an_organisation_persona_is_said_to_come_from_the_working_language_as_it_is_printed(tmp_path: Path) -> None:
    """An organisation has no names of its own: validate names the nation enrich really uses."""
    rp = ROLE_PLAYERS.replace("nation: ME}", "nation: NATO}")
    path = definition(tmp_path, rp, ("name: Edge values", "name: Edge values\n  working_language: fr"))
    listed = infos(validate(path)[1])
    assert "from the names of nation FR (locale fr_FR)" in listed["/excon/role_players/2"]
    package = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(package), "--only", "role-players"])
    assert result.exit_code == 0, result.output
    card = (package / "role-players" / "RP-MAYOR.html").read_text("utf-8")
    assert "+33 " in card  # the French calling code the info promised

"""exgen generate: a civil role player's nation is a country, never an organisation.

When a brief names no cultures and no ``excon.nations``, the generator draws each civil persona's
nation from the training audience's nations. A training audience with an organisation among it
(a NATO liaison team) must not give a mayor or a journalist ``nation: NATO``.
"""

from __future__ import annotations

import types
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli.generate import generate as generate_cmd
from exgen.core.organisations import is_organisation
from exgen.generate import cast
from tests.conftest import ROOT

TTX_BRIEF = ROOT / "scenarios" / "briefs" / "coastal-resilience-ttx.yaml"


def _brief_with_an_organisation_in_the_audience(tmp_path: Path) -> Path:
    """The bundled TTX brief, with its NATO liaison team trained and no excon.nations to draw from."""
    text = TTX_BRIEF.read_text("utf-8")
    nations = 'excon:\n  nations: ["ME", "AL", "HR"]\n'
    liaison = "nation: \"NATO\", category: military,\n     echelon: team, parent: ME-GS, role: enabler,"
    assert text.count(nations) == 1 and text.count(liaison) == 1
    text = text.replace(nations, "").replace(liaison, liaison.replace("role: enabler", "role: training-audience"))
    dest = tmp_path / "brief.yaml"
    dest.write_text(text, "utf-8")
    return dest


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_civil_role_players_never_get_an_organisation_nation(tmp_path: Path, seed: int) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(generate_cmd, [str(_brief_with_an_organisation_in_the_audience(tmp_path)),
                                               "-o", str(out), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    checked = pipeline.check(str(out / "exercise.yaml"))
    assert checked.ok, [d.as_text() for d in checked.diagnostics if d.is_error]
    assert any(u.nation == "NATO" and u.role == "training-audience" for u in checked.model.units)
    players = yaml.safe_load((out / "excon.yaml").read_text("utf-8"))["excon"]["role_players"]
    civil = [p for p in players if "culture" not in p]  # adversary personas take the exercise's culture
    assert civil
    for p in civil:
        assert p.get("nation") == "ME", (p["id"], p.get("nation"))


def _stubs(brief_nations: tuple[str, ...], audience_nations: list[str]) -> tuple[object, object, object]:
    brief = types.SimpleNamespace(data={"exercise": {"working_language": "en"}}, nations=brief_nations)
    archetype = types.SimpleNamespace(cell="WHITE-CELL", hostile=False, portrays="Mayor of a border town",
                                      organisation="", description="")
    lib = types.SimpleNamespace(archetypes={f"civil-{n}": archetype for n in range(40)})
    forces = types.SimpleNamespace(nations=lambda: audience_nations,
                                   languages=lambda nation: {"AL": ["sq"], "ME": ["sr"]}.get(nation, []))
    return brief, lib, forces


@pytest.mark.parametrize(("brief_nations", "audience", "allowed"), [
    ((), ["AL", "EUFOR", "ME", "NATO"], {"AL", "ME"}),        # drawn from the training audience
    (("NATO", "ME"), ["AL", "EUFOR"], {"ME"}),                 # the brief's own list comes first
    (("NATO", "EU"), ["AL", "EUFOR"], {"AL"}),                 # only organisations listed: the audience's countries
])
def test_the_nation_drawn_for_a_civil_persona_is_a_country(brief_nations: tuple[str, ...], audience: list[str],
                                                           allowed: set[str]) -> None:
    brief, lib, forces = _stubs(brief_nations, audience)
    drawn = set()
    for n in range(40):
        rp = cast._role_player(brief, lib, forces, f"civil-{n}", 5, set())  # type: ignore[arg-type]
        assert rp["nation"] in allowed and not is_organisation(rp["nation"]), rp
        drawn.add(rp["nation"])
    assert drawn == allowed  # every country can still be drawn


def test_an_audience_of_organisations_only_gives_no_nation() -> None:
    brief, lib, forces = _stubs((), ["EUFOR", "NATO"])
    rp = cast._role_player(brief, lib, forces, "civil-1", 5, set())  # type: ignore[arg-type]
    assert "nation" not in rp and rp["languages"] == ["en"]

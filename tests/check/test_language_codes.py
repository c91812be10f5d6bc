"""Language codes: ISO 639-1, or ISO 639-3 where ISO 639-1 has none (Montenegrin is cnr), with hints
for the codes people write by mistake, and the interpreters' languages checked like any other."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest

from exgen.check.rules import values
from exgen.render.environment import environment
from tests.check.minimal import validate, write

U1 = "{id: U1, name: First battalion, nation: HR, role: training-audience,"
EXCON = "excon:\n  evaluators: [{id: EV-1, objectives: [TO-1]}]\n"


def languages(tmp_path: Path, codes: str, interprets: str = "") -> list[dict[str, str]]:
    """The language findings when U1 speaks ``codes`` (and interprets ``interprets``)."""
    extra = f" languages: [{codes}]," + (f" interprets: [{interprets}]," if interprets else "")
    path = write(tmp_path, [(U1, U1 + extra)])
    _, found = validate(path)
    return [d for d in found if "language" in d["code"] or d["code"].startswith("schema")]


def test_montenegrin_is_accepted_and_named(tmp_path: Path) -> None:
    assert languages(tmp_path, "cnr, en") == []
    assert "cnr" in values.languages() and values.language_name("cnr") == "Montenegrin"
    macro = environment().from_string('{% import "layout/excon_macros.html.j2" as x %}{{ x.languages(["cnr", "sr"]) }}')
    assert macro.render().startswith('Montenegrin <span class="id muted">(cnr)</span>, Serbian')


def test_three_letter_codes_only_where_iso_639_1_has_none() -> None:
    accepted = values.languages()
    # Every ISO 639-1 code, and the 639-3 code of a living language without one (Gheg Albanian, Romani).
    assert {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")} <= accepted
    assert {"cnr", "aln", "rmy"} <= accepted
    # Not the three-letter code of a language that has a two-letter one, nor extinct or special codes.
    assert not {"hrv", "srp", "eng", "sqi", "alb", "grc", "und", "mul", "zxx"} & accepted


@pytest.mark.parametrize(("code", "expected"), [
    ("hrv", "'hrv', the ISO 639-3 code of Croatian; write its ISO 639-1 code (did you mean 'hr'?)"),
    ("alb", "'alb', the ISO 639-3 code of Albanian; write its ISO 639-1 code (did you mean 'sq'?)"),
    ("me", "'me', which is not an ISO 639-1 code, nor the ISO 639-3 code of a language without one (such as "
           "cnr) (did you mean 'cnr'?)"),
    ("al", "(did you mean 'sq'?)"),
    ("grc", "'grc', the ISO 639-3 code of Ancient Greek (to 1453), which is not a living language"),
    ("qq", "'qq', which is not an ISO 639-1 code, nor the ISO 639-3 code of a language without one (such as cnr)"),
])
def test_unknown_codes_say_what_was_meant(tmp_path: Path, code: str, expected: str) -> None:
    (found,) = languages(tmp_path, f"en, {code}")
    assert found["code"] == "unknown-language" and found["severity"] == "error"
    assert found["pointer"] == "/units/0/languages/1"
    assert expected in found["message"]


def test_a_country_code_that_is_also_a_language_is_a_warning(tmp_path: Path) -> None:
    (found,) = languages(tmp_path, "srb, en")
    assert (found["code"], found["severity"], found["pointer"]) == ("language-country-code", "warning",
                                                                    "/units/0/languages/0")
    assert found["message"] == ("unit U1 has language 'srb', the ISO 639-3 code of Sora, which is also the ISO 3166 "
                                "country code of Serbia: for Serbian write 'sr', or accept this if Sora is meant")
    (other,) = languages(tmp_path, "en, mne")
    assert "for Montenegrin write 'cnr'" in other["message"]


def test_four_letters_or_capitals_fail_the_schema(tmp_path: Path) -> None:
    assert [d["code"] for d in languages(tmp_path, "cnrx")] == ["schema-pattern"]
    assert [d["code"] for d in languages(tmp_path, "SR")] == ["schema-pattern"]


def test_interpreted_languages_are_checked_too(tmp_path: Path) -> None:
    (found,) = languages(tmp_path, "en", interprets="sq, hrv")
    assert (found["code"], found["pointer"]) == ("unknown-language", "/units/0/interprets/1")
    assert "unit U1 has interpreted language 'hrv'" in found["message"]
    assert [d["code"] for d in languages(tmp_path, "en", interprets="sq")] == ["schema-min-items"]


def test_role_player_interprets_and_net_interpreters_are_checked(tmp_path: Path) -> None:
    role_players = (EXCON + "  cells: [{id: WHITE, title: White cell}]\n"
                    "  role_players: [{id: RP-LNO, cell: WHITE, portrays: liaison officer, interprets: [sq, xx]}]\n")
    path = write(tmp_path, [(EXCON, role_players),
                            ("members: [U1, U2]}", "members: [U1, U2], interpreters: [RP-LNO, RP-GONE]}")])
    _, found = validate(path)
    got = {(d["code"], d["pointer"]) for d in found if d["severity"] == "error"}
    assert got == {("unknown-language", "/excon/role_players/0/interprets/1"),
                   ("unknown-reference", "/nets/0/interpreters/1")}
    (ref,) = [d["message"] for d in found if d["code"] == "unknown-reference"]
    assert "net NET-1 has interpreter 'RP-GONE'" in ref and "role player" in ref

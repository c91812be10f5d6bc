"""SIDC entities against the symbol tables military-symbol ships: unknown codes, codes that contradict
the unit's name, and the echelon amplifier in every symbol set."""

from __future__ import annotations

import typing as t

import pytest

from exgen.core import symbol_tables, symbol_terms
from exgen.core.sidc import ECHELONS, UNIT_ECHELON
from tests.check.test_rules import BASE, mutate, run

ENGINEER, EOD = "10131000151407000000", "10131000151408000000"


def unit(name: str, sidc: str, short_name: str = "", echelon: str = "company", **more: t.Any) -> dict[str, t.Any]:
    """BASE with its second unit (a training-audience battalion) renamed and recoded."""
    data = mutate(BASE, ("set", "/units/1/name", name), ("set", "/units/1/sidc", sidc),
                  ("set", "/units/1/echelon", echelon))
    data["units"][1].update(more, **({"short_name": short_name} if short_name else {}))
    return data


def found(data: dict[str, t.Any]) -> list[tuple[str, str, str]]:
    return [(d.code, d.pointer, d.message) for d in run(data)]


def test_a_valid_engineer_code_on_an_engineer_unit_is_clean() -> None:
    assert found(unit("Engineer Company (Bulgaria)", ENGINEER, "ENGR COY (BG)")) == []


def test_eod_code_on_an_engineer_unit_warns_naming_both() -> None:
    [(code, pointer, message)] = found(unit("Engineer Company (Bulgaria)", EOD))
    assert (code, pointer) == ("sidc-entity-mismatch", "/units/1/sidc")
    assert "…140800… (digits 11-16) is explosive ordnance disposal" in message
    assert "its name says engineer" in message
    assert "engineer is 140700 (protection › engineer): 10131000151407000000" in message


def test_the_short_name_abbreviation_is_read_too() -> None:
    [(code, _, message)] = found(unit("2nd Company", EOD, "ENGR COY (BG)"))
    assert code == "sidc-entity-mismatch" and "engineer is 140700" in message


@pytest.mark.parametrize(("name", "sidc"), [
    ("Engineer EOD Team", EOD),                                  # either function is enough
    ("Signal Regiment CIS Control Centre", "10131000151100000000"),  # C2 is above signal
    ("Mechanised Infantry Battalion", "10131000151211020000"),   # a subtype of infantry
    ("Engineer Company", "10131000151414000000"),                # mine clearing is engineer work
    ("1st Company", "10131000151211000000", ),                   # the name says nothing
    ("Air Surveillance and Control Battalion - CRC", "10131000151301000000"),
    ("Infantry Company", "10131000151211950000"),                # 95: headquarters element
    ("Engineer Company", "10131000150000000000"),                # no entity: the bare frame
])
def test_codes_that_do_not_contradict_the_name_are_clean(name: str, sidc: str) -> None:
    assert found(unit(name, sidc)) == []


def test_a_nation_code_in_parentheses_is_not_read_as_a_function() -> None:
    # (AD) is Andorra, not air defence.
    assert found(unit("1st Company", "10131000151211000000", "INF COY (AD)")) == []


def test_a_police_category_speaks_when_the_name_does_not() -> None:
    [(code, _, message)] = found(unit("Regional Directorate Skopje", EOD, echelon="none", category="police"))
    assert code == "sidc-entity-mismatch" and "its category says police" in message


def test_unknown_entity_is_an_error_naming_the_symbol_set_and_what_is_known() -> None:
    [(code, pointer, message)] = found(unit("Engineer Company", "10131000151499000000"))
    assert (code, pointer) == ("unknown-sidc-entity", "/units/1/sidc")
    assert "149900 is not in the land unit symbol set (10)" in message
    assert "140000 is protection, which has no type 99" in message
    assert "engineer is 140700" in message and "exgen symbols search" in message


def test_unknown_entity_lists_the_entities_of_the_set() -> None:
    [(code, _, message)] = found(unit("General Staff", "10131000152611000000"))
    assert code == "unknown-sidc-entity"
    assert "there is no entity 26; its entities are 11 command and control, 12 movement and maneuver" in message


def test_unknown_subtype_lists_the_subtypes() -> None:
    [(_, _, message)] = found(unit("Engineer Company", "10131000151407090000"))
    assert "140700 is protection › engineer, which has no subtype 09" in message
    assert "140701 mechanized engineer" in message


def test_a_30_digit_2525e_code_is_checked_the_same_way() -> None:
    [(code, _, _)] = found(unit("Engineer Company", "13131000151408000000" + "0" * 10))
    assert code == "sidc-entity-mismatch"


def test_sets_the_library_does_not_table_are_not_checked() -> None:
    assert found(unit("Phase line", "10132500009999000000", echelon="none")) == []


def test_entities_named_as_their_table_names_never_contradict_themselves() -> None:
    """No false alarm over the whole table: a unit named exactly as an entity, coded with it."""
    for symbols in symbol_tables.tables().values():
        for entity in symbols.entities.values():
            for name in entity.names:
                said = symbol_terms.stated(name)
                assert not said or any(symbol_terms.fits(symbols, term, entity.code) is not False for term in said), \
                    (symbols.code, entity.code, name, [term.label for term in said])


def test_every_term_has_its_usual_land_unit_code_and_fits_it() -> None:
    land = symbol_tables.symbol_set("10")
    assert land is not None
    for term in symbol_terms.TERMS:
        usual = symbol_terms.usual(land, term)
        assert usual is not None, term.label
        assert symbol_terms.fits(land, term, usual.code), term.label


def test_tables_load_once_and_only_for_a_unit_with_a_code() -> None:
    symbol_tables.tables.cache_clear()
    bare = mutate(BASE, *(("del", f"/units/{i}/sidc", None) for i in range(3)))
    assert run(bare) == [] and symbol_tables.tables.cache_info().misses == 0
    run(BASE)
    run(BASE)
    assert symbol_tables.tables.cache_info().misses == 1


# The echelon amplifier (digits 9-10).

@pytest.mark.parametrize("echelon", sorted(UNIT_ECHELON))
def test_every_echelon_matches_its_amplifier_and_no_other(echelon: str) -> None:
    right = UNIT_ECHELON[echelon]
    assert found(unit("Infantry unit", f"10131000{right}1211000000", echelon=echelon)) == []
    for wrong in sorted(set(ECHELONS) - {right}):
        codes = [c for c, _, _ in found(unit("Infantry unit", f"10131000{wrong}1211000000", echelon=echelon))]
        assert codes == ["sidc-echelon-mismatch"], (echelon, wrong)


def test_no_amplifier_on_a_unit_with_an_echelon_is_reported_with_the_right_code() -> None:
    [(code, _, message)] = found(unit("Infantry Battalion", "10131000001211000000", echelon="battalion"))
    assert code == "sidc-echelon-mismatch"
    assert "is 00, no echelon; a battalion is 16 (battalion/squadron): 10131000161211000000" in message


def test_land_civilian_units_carry_an_echelon_too() -> None:
    codes = [c for c, _, _ in found(unit("Civil protection directorate", "10131100161102000000", echelon="company",
                                         category="civil-authority"))]
    assert codes == ["sidc-echelon-mismatch"]


@pytest.mark.parametrize(("sidc", "words"), [
    ("10131000311211000000", "31 (wheeled (limited cross-country), for land equipment (15))"),
    ("10131000091211000000", "09, which is no amplifier"),
    ("10131500161101000000", "16 (an echelon, for land units and land civilian units); land equipment takes 00 or"),
    ("10130100110000000000", "air takes 00 (no amplifier)"),
])
def test_an_amplifier_of_another_symbol_set_is_invalid(sidc: str, words: str) -> None:
    [(code, _, message)] = found(unit("1st Company", sidc, echelon="none"))
    assert code == "invalid-sidc" and words in message


def test_a_mobility_amplifier_on_land_equipment_is_valid() -> None:
    assert found(unit("1st Company", "10131500311101000000", echelon="none")) == []

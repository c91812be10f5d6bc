"""The shipped table of international organisations (exgen/data/organisations.json)."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from exgen.core import organisations
from exgen.render.nations import nation_name

#: The schema's form of every nation field (common.schema.json#/definitions/nation).
NATION = re.compile(r"^[A-Z][A-Z0-9-]{1,15}$")
#: What the table must cover: the organisations and bodies exercises in the region meet.
REQUIRED = ("EU", "NATO", "UN", "OSCE", "ICRC", "IFRC", "EUFOR", "KFOR", "EULEX", "UNMIK", "JFCNP", "NHQSA",
            "EUMS", "FRONTEX", "EUROPOL", "INTERPOL", "IOM", "UNHCR", "UNDP")


def raw_rows() -> list[dict[str, object]]:
    text = resources.files("exgen.data").joinpath("organisations.json").read_text("utf-8")
    rows = json.loads(text)["organisations"]
    assert isinstance(rows, list)
    return rows


def iso_countries() -> set[str]:
    import pycountry

    return {c.alpha_2 for c in pycountry.countries} | {"XK"}


def test_codes_are_unique_and_fit_the_schema() -> None:
    codes = [str(r["code"]) for r in raw_rows()]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert [c for c in codes if not NATION.match(c)] == []
    assert list(organisations.codes()) == codes


def test_no_code_or_alias_is_a_country_code() -> None:
    """EU and UN are exceptionally reserved in ISO 3166-1, not assigned; nothing may shadow a state."""
    countries = iso_countries()
    assert {"EU", "UN"}.isdisjoint(countries)
    assert [c for c in organisations.codes() if c in countries] == []
    assert [a for a in organisations.aliases() if a in countries] == []


def test_aliases_are_not_codes_and_point_to_codes() -> None:
    for alias, code in organisations.aliases().items():
        assert alias not in organisations.codes(), alias
        assert code in organisations.codes()
        assert NATION.match(alias), alias  # a hint is only reached by a value the schema let through


def test_every_entry_has_an_official_name_a_kind_and_a_source() -> None:
    for o in organisations.table().values():
        assert o.name.strip() and o.short_name.strip(), o.code
        assert o.kind in organisations.KINDS, o.code
        assert o.source.startswith("https://"), o.code
        assert "Name only" in o.licence, o.code


def test_every_parent_exists_and_no_parent_chain_loops() -> None:
    table = organisations.table()
    for o in table.values():
        assert o.parent == "" or o.parent in table, (o.code, o.parent)
        chain = organisations.lineage(o.code)
        assert chain[0] is o and chain[-1].parent == ""
    # Missions and operations belong to someone; top-level entries are organisations.
    assert [o.code for o in table.values() if o.kind in ("mission", "operation") and not o.parent] == []
    assert [o.code for o in table.values() if not o.parent and o.kind != "organisation"] == []


@pytest.mark.parametrize(("code", "parent"), [("EUFOR", "EU"), ("KFOR", "NATO"), ("EULEX", "EU"),
                                              ("JFCNP", "NATO"), ("UNMIK", "UN"), ("OMIK", "OSCE")])
def test_the_parents_the_brief_names(code: str, parent: str) -> None:
    entry = organisations.lookup(code)
    assert entry is not None and entry.parent == parent


def test_the_region_is_covered() -> None:
    assert [c for c in REQUIRED if organisations.lookup(c) is None] == []


def test_lookups() -> None:
    eufor = organisations.lookup("EUFOR")
    assert eufor is not None
    assert (eufor.name, eufor.short_name, eufor.kind) == ("European Union Force in Bosnia and Herzegovina",
                                                        "EUFOR Althea", "operation")
    assert organisations.lookup("HR") is None and organisations.lookup("") is None
    assert organisations.is_organisation("NATO") and not organisations.is_organisation("GB")
    assert organisations.aliases()["JFC-NAPLES"] == "JFCNP"
    assert [o.code for o in organisations.lineage("MPCC")] == ["MPCC", "EUMS", "EEAS", "EU"]
    assert organisations.lineage("ZZ") == ()


def test_documents_print_short_names_and_kosovo_with_its_asterisk() -> None:
    assert nation_name("EUFOR") == "EUFOR Althea"
    assert nation_name("NHQSA") == "NATO HQ Sarajevo"
    assert nation_name("XK") == "Kosovo*"
    assert nation_name("HR") == "Croatia"
    assert nation_name("QQ") == "QQ"  # not a country, not an organisation: printed as written


def test_the_tutorial_lists_every_organisation() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "tutorial.md").read_text("utf-8")
    section = text[text.index("### Organisations as participants"):]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([A-Z0-9-]+)` \| ([^|]+) \|", section, re.M)}
    assert {c: o.short_name for c, o in organisations.table().items()} == {c: n.strip() for c, n in rows.items()}

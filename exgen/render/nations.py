"""Nations and organisations as documents print them.

A participant is a state (ISO 3166-1 alpha-2, plus XK for Kosovo) or an international
organisation of exgen's table (:mod:`exgen.core.organisations`: EU, NATO, EUFOR, KFOR ...).
Documents print a state's short English name and an organisation's short name; no document
prints a flag, so an organisation needs nothing a state has not.

Kosovo is printed with the EU's status-neutral designation, "Kosovo*", and every document that
names it carries :data:`KOSOVO_FOOTNOTE` (templates/layout/footnotes.html.j2 prints it).

>>> nation_name("HR"), nation_name("XK"), nation_name("EUFOR"), nation_name("JFCNP")
('Croatia', 'Kosovo*', 'EUFOR Althea', 'JFC Naples')
>>> nation_label("HR"), nation_label("XK"), nation_label("NHQSA")
('HR', 'XK*', 'NATO HQ Sarajevo')
"""

from __future__ import annotations

import typing as t

from exgen.core import organisations

#: The user-assigned code for Kosovo (not in ISO 3166-1; in use by the EU, NATO and the IMF).
KOSOVO = "XK"
#: Kosovo's name with the asterisk that points to :data:`KOSOVO_FOOTNOTE`.
KOSOVO_NAME = "Kosovo*"
#: The EU's status-neutral designation footnote, carried by every document that names Kosovo.
KOSOVO_FOOTNOTE = ("*This designation is without prejudice to positions on status, and is in line with "
                   "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence.")


def nation_name(code: str) -> str:
    """What a document prints for a participant: a state's short English name ("Kosovo*" for XK),
    an organisation's short name (EUFOR Althea); an unknown code as it is."""
    if code == KOSOVO:
        return KOSOVO_NAME
    organisation = organisations.lookup(code)
    if organisation is not None:
        return organisation.short_name
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError):
        return code
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def nation_label(code: str) -> str:
    """The compact form charts print under a symbol: a state's code ("XK*" for Kosovo), an
    organisation's short name (its code alone says little: JFCNP is "JFC Naples")."""
    if code == KOSOVO:
        return KOSOVO + "*"
    organisation = organisations.lookup(code)
    return organisation.short_name if organisation is not None else code


def nation_entry(code: str) -> dict[str, t.Any]:
    """Everything a template may print about one participant: ``code``, ``name`` (as
    :func:`nation_name`), ``official_name`` (the organisation's full name, else the name),
    ``organisation`` (true for an organisation), ``kind`` ("state", or the organisation's kind:
    organisation, body, mission, operation) and ``parent`` (the parent organisation's short name).

    >>> e = nation_entry("KFOR"); (e["name"], e["official_name"], e["organisation"], e["parent"])
    ('KFOR', 'Kosovo Force', True, 'NATO')
    """
    organisation = organisations.lookup(code)
    if organisation is None:
        name = nation_name(code)
        return {"code": code, "name": name, "official_name": name, "organisation": False, "kind": "state",
                "parent": ""}
    parent = organisations.lookup(organisation.parent) if organisation.parent else None
    return {"code": code, "name": organisation.short_name, "official_name": organisation.name, "organisation": True,
            "kind": organisation.kind, "parent": parent.short_name if parent is not None else ""}


def footnotes(codes: t.Iterable[str]) -> list[str]:
    """The footnotes a document naming these participants carries (Kosovo's, when XK is one).

    >>> footnotes(["HR", "EU"]), footnotes(["HR", "XK"]) == [KOSOVO_FOOTNOTE]
    ([], True)
    """
    return [KOSOVO_FOOTNOTE] if KOSOVO in set(codes) else []


"""Stage 5, enrich: seeded detail the definition leaves out.

In: an :class:`~exgen.model.Exercise` and a seed. Out: an :class:`Enrichment` of personas
(names from each nation's own lists, ``names/``), call signs and place names, each drawn from a
random stream seeded per entity, so adding an inject renames no role player.

Never imports: load, check, render, package, generate, cli.
"""

from exgen.enrich.detail import (
    Enrichment,
    Persona,
    default_nation,
    enrich,
    fictional_phone,
    locale_for,
    make_persona,
    net_callsigns,
    unit_callsign,
)

__all__ = ["Enrichment", "Persona", "default_nation", "enrich", "fictional_phone", "locale_for",
           "make_persona", "net_callsigns", "unit_callsign"]

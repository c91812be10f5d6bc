"""Stage 5, enrich: seeded detail the definition leaves out.

In: an :class:`~exgen.model.Exercise` and a seed. Out: an :class:`Enrichment` of role players'
personas (names from the culture each resolves to, ``personas``, ``names/``), call signs and
place names, each drawn from a random stream seeded per entity, so adding an inject renames no
role player. Controllers and evaluators get no invented person.

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
from exgen.enrich.names import cultures
from exgen.enrich.personas import role_player_persona

__all__ = ["Enrichment", "Persona", "cultures", "default_nation", "enrich", "fictional_phone", "locale_for",
           "make_persona", "net_callsigns", "role_player_persona", "unit_callsign"]

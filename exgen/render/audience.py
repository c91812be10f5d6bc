"""Who may read each output, and what a document for the training audience is given to render.

Every output line declares an ``audience`` (:data:`AUDIENCES`). Documents for exercise control,
evaluators or role players render from the whole render context and carry the "EXCON ONLY" line
under the banner; documents for the training audience (``players``) or everyone (``all``) render
from :func:`player_context`, a new context that holds only what may be released: the setting,
aim, scope, schedule and phases (titles and times), the participating units and nations (never
the opposing force), the nets and the PACE matrix (no constraint window, no PACE timeline),
safety, logistics and artificialities, and the marking. No inject, incident, main event,
constraint, controller, evaluator, role player, finding or measure is in it, so a player template
cannot print one, whatever it is written to do.

:func:`with_views` prepares one context per audience before a build renders (the released one
is computed once); :func:`view` is what an output renders from.
"""

from __future__ import annotations

import typing as t

Data = dict[str, t.Any]

#: Every audience an output may declare, in the order ``--audience`` lists them.
AUDIENCES = ("players", "excon", "evaluators", "role-players", "all")
#: Audiences whose documents may be handed to the training audience.
RELEASED = frozenset({"players", "all"})
#: The audience of an output line that declares none: the safe choice.
DEFAULT = "excon"
#: Where :func:`with_views` keeps the per-audience contexts inside the context it returns.
VIEWS = "_audience_views"

#: The exercise facts a released document may show.
_EXERCISE_KEYS = ("id", "name", "type", "classification", "marking", "banner", "startex", "endex", "startex_dtg",
                  "endex_dtg", "duration", "day_count", "setting", "area", "working_language", "organiser",
                  "director", "aim", "scope", "safety", "logistics", "artificialities", "roles")
_UNIT_KEYS = ("id", "name", "short_name", "nation", "nation_name", "echelon", "category", "sidc", "depth", "role",
              "location", "place", "languages", "systems", "callsign")  # not description: it holds EXCON remarks
_NET_KEYS = ("id", "name", "kind", "band", "waveform", "crypto", "language", "frequency", "description")
_PHASE_KEYS = ("id", "title", "time", "dtime", "dtg", "day", "end", "end_dtime", "end_dtg")
#: Kinds of reference that name exercise control, never a participant.
_EXCON_REFS = frozenset({"role player", "cell", "controller"})


def is_released(audience: str) -> bool:
    """Whether a document for ``audience`` may reach the training audience.

    >>> is_released("players"), is_released("all"), is_released("evaluators")
    (True, True, False)
    """
    return audience in RELEASED


def wanted(audiences: t.Iterable[str]) -> set[str]:
    """The output audiences a build for ``audiences`` renders: those named, and ``all`` (documents
    for everyone belong to every audience's build).

    >>> sorted(wanted(["players"]))
    ['all', 'players']
    """
    return {*audiences, "all"}


def player_context(ctx: Data, documents: list[Data] | None = None) -> Data:
    """A new render context holding only what the training audience may see (module docstring).

    ``documents`` are the released documents of the package (the package's own table of
    contents, cut to what a player may be pointed to). Nothing in the result is shared with
    ``ctx`` that holds EXCON content: lists and dicts are built anew from chosen fields."""
    from exgen.render import charts

    exercise = ctx["exercise"]
    released_units = [u for u in ctx.get("units", []) if u.get("role") != "opfor"]
    unit_ids = {u["id"] for u in released_units}
    nets = [_net(n, unit_ids) for n in ctx.get("nets", []) if any(m["id"] in unit_ids for m in n["members"])]
    net_ids = {n["id"] for n in nets}
    units = [_unit(u, unit_ids, net_ids) for u in released_units]
    pace = [{"id": p["id"], "between": [_ref(r) for r in p["between"]],
             "levels": [{"level": lv["level"], "net": lv["net"]} for lv in p["levels"]],
             "level_names": list(p["level_names"]), "description": p["description"]}
            for p in ctx.get("pace", []) if all(r and r["id"] in unit_ids for r in p["between"])]
    systems = {s["id"] for u in units for s in u["systems"]}
    out: Data = {
        "exgen": dict(ctx.get("exgen", {})),
        "exercise": {
            **{k: _copy(exercise[k]) for k in _EXERCISE_KEYS if k in exercise},
            "training_audience": [_ref(r) for r in exercise.get("training_audience", [])
                                  if r and r.get("kind") not in _EXCON_REFS
                                  and (r.get("kind") != "unit" or r["id"] in unit_ids)],
        },
        "units": units,
        "units_by_id": {u["id"]: u for u in units},
        "located_units": [u for u in units if u["location"]],
        "nations": [{"code": n["code"], "name": n["name"], "units": [i for i in n["units"] if i in unit_ids]}
                    for n in ctx.get("nations", []) if any(i in unit_ids for i in n["units"])],
        "systems": [_copy(s) for s in ctx.get("systems", []) if s["id"] in systems],
        "nets": nets,
        "nets_by_id": {n["id"]: n for n in nets},
        "pace": pace,
        "phases": [{k: p.get(k) for k in _PHASE_KEYS} for p in ctx.get("phases", [])],
        "days": [{"day": d["day"], "label": d["label"], "date": d["date"]} for d in ctx.get("days", [])],
        "documents": [dict(d) for d in documents or []],
        "charts": {"orbat": charts.orbat(units, charts.preorder(units))},
    }
    out["phases_by_id"] = {p["id"]: p for p in out["phases"]}
    out["days_by_day"] = {d["day"]: d for d in out["days"]}
    return out


def with_views(audiences: t.Iterable[str], context: Data) -> Data:
    """``context`` plus, under :data:`VIEWS`, the context each of ``audiences`` renders from.

    EXCON, evaluator and role-player documents get the whole context; released ones one
    :func:`player_context`, computed once, whose ``documents`` are the released documents only.
    Each view also says which audience it serves: ``output_audience`` and ``excon_only`` (true
    for every audience that is not released). No view holds the views."""
    full = {k: v for k, v in context.items() if k != VIEWS}
    views: dict[str, Data] = {}
    released: Data | None = None
    for audience in sorted(set(audiences)):
        if is_released(audience):
            if released is None:
                released = player_context(full, [d for d in full.get("documents", [])
                                                 if is_released(d.get("audience", DEFAULT))])
            views[audience] = {**released, "output_audience": audience, "excon_only": False}
        else:
            views[audience] = {**full, "output_audience": audience, "excon_only": True}
    return {**full, VIEWS: views}


def view(context: Data, audience: str) -> Data:
    """The context an output for ``audience`` renders from (see :func:`with_views`); one made
    now when ``context`` was not prepared for that audience. A released view never comes from
    ``context`` itself."""
    views = context.get(VIEWS)
    if isinstance(views, dict) and audience in views:
        return t.cast(Data, views[audience])
    return t.cast(Data, with_views([audience], context)[VIEWS][audience])


def _unit(u: Data, unit_ids: set[str], net_ids: set[str]) -> Data:
    out = {k: _copy(u.get(k)) for k in _UNIT_KEYS}
    out["parent"] = u.get("parent") if u.get("parent") in unit_ids else None
    out["children"] = [c for c in u.get("children", []) if c in unit_ids]
    out["nets"] = [n for n in u.get("nets", []) if n in net_ids]
    return out


def _net(n: Data, unit_ids: set[str]) -> Data:
    out = {k: n.get(k) for k in _NET_KEYS}
    out["net_control"] = n.get("net_control") if n.get("net_control") in unit_ids else None
    out["members"] = [{"id": m["id"], "name": m["name"], "nation": m["nation"], "callsign": m["callsign"],
                       "usable": m["usable"], "reason": m["reason"]} for m in n["members"] if m["id"] in unit_ids]
    return out


def _ref(r: Data | None) -> Data | None:
    return None if r is None else {"id": r["id"], "name": r["name"], "kind": r["kind"]}


def _copy(value: t.Any) -> t.Any:
    """A deep copy of plain data (dicts, lists, scalars), so no released value is an object the
    EXCON context also holds."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items() if k != "custom"}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value

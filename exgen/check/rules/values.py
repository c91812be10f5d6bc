"""Rules on values: times inside the exercise, nations (ISO or organisations) and languages, threat ids."""

from __future__ import annotations

import functools
import typing as t

from exgen.core import catalogues, limits, organisations
from exgen.core.suggest import Suggester, hint
from exgen.model import DEFAULT_MARKING, DEFAULT_MAX_DAYS

if t.TYPE_CHECKING:
    from exgen.check.rules.base import Ctx

# XK is the user-assigned code for Kosovo, in common use (EU, NATO, IMF) but not in ISO 3166-1.
EXTRA_NATIONS = frozenset({"XK"})
# Codes people write by habit: EU/UK usage and FIPS (NATO's older tables) for Kosovo.
NATION_ALIASES = {"UK": "GB", "EL": "GR", "KV": "XK", "KS": "XK"}
# Country codes written where a language code belongs (only those that are not languages themselves).
LANGUAGE_ALIASES = {
    "gr": "el", "al": "sq", "cz": "cs", "dk": "da", "jp": "ja", "ua": "uk", "rs": "sr",
    "cn": "zh", "gb": "en", "us": "en", "ge": "ka", "by": "be", "kz": "kk",
    "me": "cnr",  # Montenegro: Montenegrin has no ISO 639-1 code, only ISO 639-3 (sr if Serbian is meant)
}
# ISO 3166-1 alpha-3 country codes that are also ISO 639-3 language codes (srb is Sora, not Serbian):
# the language a planner most likely meant, for the countries that take part in exercises exgen targets.
COUNTRY_LANGUAGES = {
    "srb": "sr", "mne": "cnr", "bgr": "bg", "rou": "ro", "mda": "ro", "svk": "sk", "aut": "de", "lie": "de",
    "dnk": "da", "prt": "pt", "ltu": "lt", "lva": "lv", "blr": "be", "gbr": "en", "usa": "en", "can": "en",
    "imn": "en", "gib": "en", "and": "ca", "mco": "fr", "smr": "it", "ala": "sv",
}
# Threat kinds each catalogue describes: DISARM is about information operations; ATT&CK about
# intrusion into IT/OT systems, which exercises stage as cyber, sabotage or electronic attack.
CATALOGUE_KINDS = {
    "DISARM": frozenset({"disinformation"}),
    "ATTACK": frozenset({"cyber", "sabotage", "electronic-warfare"}),
}

TITLES = {"DISARM": "a DISARM", "ATTACK": "an ATT&CK"}


@functools.cache
def nations() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (pycountry) plus XK."""
    return frozenset(e["alpha_2"] for e in _countries() if "alpha_2" in e) | EXTRA_NATIONS


@functools.cache
def languages() -> frozenset[str]:
    """The language codes exgen accepts: ISO 639-1, and ISO 639-3 for a language without one (cnr).

    ISO 639-3 codes count for living and constructed individual languages and macrolanguages only,
    not for extinct, ancient or historical ones nor the special codes (und, mul, zxx).
    """
    return frozenset(_language_index()[0])


def language_name(code: str) -> str:
    """The English name of an ISO 639 code exgen knows (``cnr`` → Montenegrin), else the code."""
    return _language_index()[0].get(code) or _language_index()[1].get(code, ("", code))[1]


@functools.cache
def _language_index() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(accepted code → name, other three-letter code → (its ISO 639-1 code or "", name))."""
    accepted: dict[str, str] = {}
    other: dict[str, tuple[str, str]] = {}
    for e in _table("iso639-3.json", "639-3"):
        name = e.get("name", "")
        if "alpha_2" in e:
            accepted[e["alpha_2"]] = name
            for key in ("alpha_3", "bibliographic"):
                if key in e:
                    other[e[key]] = (e["alpha_2"], name)
        elif e.get("scope") in ("I", "M") and e.get("type") in ("L", "C"):
            accepted[e["alpha_3"]] = name
        else:
            other[e["alpha_3"]] = ("", name)
    return accepted, other


@functools.cache
def _countries() -> tuple[dict[str, str], ...]:
    return tuple(_table("iso3166-1.json", "3166-1"))


@functools.cache
def _table(database: str, root: str) -> tuple[dict[str, str], ...]:
    """The entries of one of pycountry's ISO tables, read from its JSON file directly.

    Importing pycountry costs ~0.15 s (it asks importlib.metadata for its version) and building
    its 7,900 language objects ~0.1 s more, a large part of validating a small definition. The
    tables are the same files pycountry reads; pycountry itself is the fallback if they are not
    where expected.
    """
    import importlib.util
    import json
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("pycountry")
        folder = Path(next(iter(spec.submodule_search_locations or []))) / "databases"  # type: ignore[union-attr]
        return tuple(json.loads((folder / database).read_bytes())[root])
    except (AttributeError, KeyError, OSError, StopIteration, TypeError, ValueError):
        import pycountry

        db = {"3166-1": pycountry.countries, "639-3": pycountry.languages}[root]
        return tuple(dict(getattr(x, "_fields", {})) for x in db)


def _alias_hint(value: str, aliases: dict[str, str]) -> str:
    return f" (did you mean '{aliases[value]}'?)" if value in aliases else ""


def check_window(ctx: Ctx) -> None:
    """invalid-window / long-exercise: ENDEX after STARTEX, within exercise.max_days (default 60)."""
    info = ctx.model.info
    if info.endex <= info.startex:
        msg = f"ENDEX {info.endex:%Y-%m-%dT%H:%MZ} is not after STARTEX {info.startex:%Y-%m-%dT%H:%MZ}"
        ctx.add("invalid-window", "/exercise/endex", msg)
    elif info.duration > info.max_days * 1440:
        days = info.duration / 1440
        limit = (f"more than exercise.max_days ({info.max_days})" if info.max_days != DEFAULT_MAX_DAYS else
                 f"more than {DEFAULT_MAX_DAYS} (set exercise.max_days if a longer exercise is planned)")
        msg = f"the exercise lasts {days:.1f} days, {limit}; is the ENDEX date right?"
        ctx.add("long-exercise", "/exercise/endex", msg)
    for c in ctx.model.constraints:
        if c.start >= c.end:
            msg = (f"constraint {c.id} ends at {ctx.model.dtime(c.end)}, "
                   f"not after its start {ctx.model.dtime(c.start)}")
            ctx.add("invalid-window", f"{c.pointer}/end", msg)


def check_banner(ctx: Ctx) -> None:
    """banner-too-long: classification and marking fit the printed page header and footer."""
    info = ctx.model.info
    banner = f"{info.classification} — {info.marking}"
    size = limits.excel_header_length(banner)
    if size <= limits.BANNER:
        return
    marking_longer = info.marking != DEFAULT_MARKING and len(info.marking) > len(info.classification)
    field = "marking" if marking_longer else "classification"
    msg = (f"the classification and marking make a page banner of {size} characters (each & counts twice); at "
           f"most {limits.BANNER} fit the MEL/MIL workbook's printed page header and footer (Excel allows "
           f"{limits.EXCEL_HEADER_FOOTER} characters there, with the exercise id and page numbers): "
           f"shorten the {field}")
    ctx.add("banner-too-long", f"/exercise/{field}", msg)


def check_times(ctx: Ctx) -> None:
    """time-outside-exercise: inject and constraint times lie within STARTEX..ENDEX."""
    m = ctx.model
    if m.info.endex <= m.info.startex:
        return  # invalid-window already says it; every time would be "outside"
    end = m.info.duration
    allowed = f"the exercise runs {m.dtime(0)} to {m.dtime(end)}"

    def outside(what: str, minutes: int, pointer: str) -> None:
        if not 0 <= minutes <= end:
            side = "before STARTEX" if minutes < 0 else "after ENDEX"
            msg = f"{what} at {m.dtime(minutes)}, {side} ({allowed})"
            ctx.add("time-outside-exercise", pointer, msg)

    for c in m.constraints:
        outside(f"constraint {c.id} starts", c.start, f"{c.pointer}/start")
        outside(f"constraint {c.id} ends", c.end, f"{c.pointer}/end")
    for i in m.injects:
        outside(f"inject {i.id} is", i.time, f"{i.pointer}/time")


def _nation(ctx: Ctx, owner: str, nation: str, pointer: str) -> None:
    if nation and nation not in nations() and not organisations.is_organisation(nation):
        msg = (f"{owner} has nation '{nation}', which is neither an ISO 3166-1 alpha-2 country code (XK for "
               f"Kosovo) nor an international organisation exgen knows (EU, NATO, UN, OSCE, EUFOR, KFOR ...)"
               f"{_nation_hint(nation)}")
        ctx.add("unknown-nation", pointer, msg)


def _nation_hint(nation: str) -> str:
    """A habitual code's meaning (UK → GB, OTAN → NATO), else the closest organisation code."""
    known = NATION_ALIASES.get(nation) or organisations.aliases().get(nation)
    if known:
        return hint(known)
    # Two letters are too short to guess from: every two-letter slip is close to some country.
    return hint(_organisation_index().closest(nation)) if len(nation) > 2 else ""


@functools.cache
def _organisation_index() -> Suggester:
    return Suggester(organisations.codes())


def check_nations(ctx: Ctx) -> None:
    """unknown-nation: unit, role player and evaluator nations are ISO 3166-1 alpha-2, XK or an organisation."""
    m = ctx.model
    for u in m.units:
        _nation(ctx, f"unit {u.id}", u.nation, f"{u.pointer}/nation")
    for r in m.role_players:
        _nation(ctx, f"role player {r.id}", r.nation, f"{r.pointer}/nation")
    for e in m.evaluators:
        _nation(ctx, f"evaluator {e.id}", e.nation, f"{e.pointer}/nation")


def _language(ctx: Ctx, owner: str, language: str | None, pointer: str, field: str = "language") -> None:
    if not language:
        return
    if language not in languages():
        ctx.add("unknown-language", pointer, f"{owner} has {field} '{language}', {_not_a_language(language)}")
    elif language in _country_codes():
        country = _country_codes()[language]
        meant = COUNTRY_LANGUAGES.get(language)
        fix = (f"for {language_name(meant)} write '{meant}'" if meant else
               f"for a language of {country} write its ISO 639-1 code")
        msg = (f"{owner} has {field} '{language}', the ISO 639-3 code of {language_name(language)}, which is also "
               f"the ISO 3166 country code of {country}: {fix}, or accept this if {language_name(language)} "
               f"is meant")
        ctx.add("language-country-code", pointer, msg)


def _not_a_language(value: str) -> str:
    """Why a code is refused, with what was probably meant."""
    alpha_2, name = _language_index()[1].get(value, ("", ""))
    if alpha_2:
        return f"the ISO 639-3 code of {name}; write its ISO 639-1 code{hint(alpha_2)}"
    if name:
        return f"the ISO 639-3 code of {name}, which is not a living language a unit or net works in"
    return (f"which is not an ISO 639-1 code, nor the ISO 639-3 code of a language without one (such as cnr)"
            f"{_alias_hint(value, LANGUAGE_ALIASES)}")


@functools.cache
def _country_codes() -> dict[str, str]:
    """Lower-case ISO 3166-1 alpha-3 code → country name, for the codes that are also accepted languages."""
    accepted = languages()
    return {e["alpha_3"].lower(): e.get("common_name") or e["name"] for e in _countries()
            if e.get("alpha_3", "").lower() in accepted}


def check_languages(ctx: Ctx) -> None:
    """unknown-language / language-country-code: every language is ISO 639-1, or ISO 639-3 where 639-1 has none."""
    m = ctx.model
    _language(ctx, "the exercise", m.info.working_language, "/exercise/working_language", "working language")
    for u in m.units:
        for j, lang in enumerate(u.languages):
            _language(ctx, f"unit {u.id}", lang, f"{u.pointer}/languages/{j}")
        for j, lang in enumerate(u.interprets):
            _language(ctx, f"unit {u.id}", lang, f"{u.pointer}/interprets/{j}", "interpreted language")
    for r in m.role_players:
        for j, lang in enumerate(r.languages):
            _language(ctx, f"role player {r.id}", lang, f"{r.pointer}/languages/{j}")
        for j, lang in enumerate(r.interprets):
            _language(ctx, f"role player {r.id}", lang, f"{r.pointer}/interprets/{j}", "interpreted language")
    for n in m.nets:
        _language(ctx, f"net {n.id}", n.language, f"{n.pointer}/language")


def _threat_hint(ident: str) -> str:
    """The same id in the other catalogue, else the closest id in its own."""
    catalogue, bare = catalogues.split(ident)
    for other in catalogues.catalogues():
        if other != catalogue and bare in catalogues.entries(other):
            return f" (did you mean '{other}:{bare}'?)"
    return hint(_catalogue_index(catalogue).closest(bare), prefix=f"{catalogue}:")


@functools.cache
def _catalogue_index(catalogue: str) -> Suggester:
    """The ids of one catalogue, indexed once for hints (ATT&CK holds ~1,400 ids)."""
    return Suggester(catalogues.entries(catalogue))


def check_threat_ids(ctx: Ctx) -> None:
    """unknown-threat-id / threat-id-mismatch: ids exist and fit the threat kind."""
    for i in ctx.model.injects:
        if i.threat is None:
            continue
        for j, ident in enumerate(i.threat.ids):
            pointer = f"{i.pointer}/threat/ids/{j}"
            entry = catalogues.lookup(ident)
            if entry is None:
                catalogue = catalogues.split(ident)[0]
                where = f"the {catalogue} catalogue" if catalogue in catalogues.FILES else "any known catalogue"
                msg = f"inject {i.id} uses threat id '{ident}', which is not in {where}{_threat_hint(ident)}"
                ctx.add("unknown-threat-id", pointer, msg)
                continue
            fits = CATALOGUE_KINDS.get(entry.catalogue, frozenset())
            if i.threat.kind not in fits:
                kinds = sorted(fits)
                meant = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
                msg = (f"inject {i.id} is a '{i.threat.kind}' threat but uses {ident} ({entry.name}), "
                       f"{TITLES.get(entry.catalogue, entry.catalogue)} id meant for {meant} threats")
                ctx.add("threat-id-mismatch", pointer, msg)


CHECKS = (check_window, check_banner, check_times, check_nations, check_languages, check_threat_ids)

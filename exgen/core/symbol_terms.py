"""What a unit's name says it does, in the words of the symbol tables (:mod:`exgen.core.symbol_tables`).

A small, hand-kept vocabulary: each :class:`Term` is a function a unit's name can state
("engineer", "EOD", "signal" …), the words and usual abbreviations that state it, and the
entity names of the symbol tables that are that function. The SIDC rule warns when a unit's
name states functions and its code's entity is none of them (nor a more general or a more
specific code of one of them): a clear contradiction only, never a guess from a single
ambiguous word. ``exgen symbols search`` uses the same abbreviations (``engr``, ``recce``).

>>> [t.label for t in stated("ENGR COY (BG)")], [t.label for t in stated("Explosive Ordnance Disposal Team")]
(['engineer'], ['explosive ordnance disposal'])
>>> stated("Multinational Brigade HQ")
[]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from exgen.core.symbol_tables import NO_ENTITY, Entity, SymbolSet


@dataclass(frozen=True)
class Term:
    """A function a unit's name can state."""

    label: str
    words: str  # a regular expression over normalised text (lower case, words split by single spaces)
    names: tuple[str, ...]  # entity names that are this function; the first names the usual code
    related: tuple[str, ...] = ()  # entity names that do not contradict it (more specialised work)

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\S)(?:{self.words})(?!\S)")


TERMS: tuple[Term, ...] = (
    Term("explosive ordnance disposal", r"eod|explosive ordnance( disposal)?|bomb disposal|c ied|counter ied",
         ("explosive ordnance disposal",)),
    Term("engineer", r"engineers?|engineering|engrs?|engs?|sappers?|pioneers?",
         ("engineer",), ("mine", "mine clearing", "mine laying", "mine launching", "field camp construction",
                         "drilling", "diving", "topographic", "combat support")),
    Term("signal", r"signals?|sigs?|comms?|communications?|cis|c4i?|radio relay|telecommunications?",
         ("signal", "radio", "radio relay", "tactical satellite", "radio teletype center",
          "broadcast transmitter antennae")),
    Term("CBRN defence", r"cbrn|cbrne|nbc|chemical|decontamination", ("CBRN defense",)),
    Term("military police", r"military police|mp|provost|gendarmerie|carabinieri|military gendarmerie",
         ("military police", "security police (air)", "shore patrol"), ("security", "law enforcement")),
    Term("police", r"police|border guard|border patrol|gendarmerie|carabinieri",
         ("police", "law enforcement", "military police", "Border Patrol"),
         ("security", "security police (air)", "shore patrol", "internal security force", "customs service")),
    Term("air defence", r"air defen[cs]e|ad|ada|gbad|shorad|anti aircraft|sam|air surveillance|control and reporting"
                        r"( cent(re|er))?|crc",
         ("air defense", "air and missile defense", "missile defense")),
    Term("artillery", r"artillery|arty|fa|field artillery|howitzers?|gunners?|rocket artillery|mlrs|fires",
         ("field artillery", "fires")),
    Term("mortar", r"mortars?|mor", ("mortar",), ("fires", "infantry")),
    Term("infantry", r"infantry|inf|rifles?|riflemen|light infantry|mountain infantry|alpini",
         ("infantry",), ("Ranger", "combined arms")),
    Term("armour", r"armou?r|armou?red|armd|tanks?", ("armor", "armored"), ("combined arms", "anti-tank")),
    Term("reconnaissance", r"reconnaissance|recon|recce|scouts?|cavalry|cav|surveillance|isr|istar",
         ("reconnaissance", "surveillance"), ("unmanned aerial systems", "sniper", "observer", "sensor")),
    Term("anti-tank", r"anti tank|antitank|anti armou?r|atgm", ("anti-tank",)),
    Term("aviation", r"aviation|helicopters?|rotary wing|air cavalry", ("army aviation", "aviation composite",
                                                                         "aviation fixed wing")),
    Term("special forces", r"special forces|special operations|sof|commandos?", ("special operations forces (SOF)",
                                                                                 "Special Forces", "Ranger", "SEAL")),
    Term("intelligence", r"intelligence|intel|mi|humint|sigint", ("military intelligence", "intelligence")),
    Term("electronic warfare", r"electronic warfare|ew", ("electronic warfare",), ("intelligence",)),
    Term("civil-military cooperation", r"cimic|civil military( co ?operation)?|civil affairs",
         ("civil-military cooperation", "civil affairs")),
    Term("psychological operations", r"psyops?|psychological operations|miso", ("PSYOP",)),
    Term("medical", r"medical|med|medics?|hospital|field hospital|ambulance|medevac|casevac|role [1-4]",
         ("medical", "medical treatment facility")),
    Term("logistics", r"logistics?|logs?|supply|supplies|sustainment|css|combat service support|quartermaster"
                      r"|transport|transportation",
         ("combat service support", "sustainment")),
    Term("maintenance", r"maintenance|repair|recovery|reme|workshops?", ("maintenance",), ("sustainment",)),
    Term("liaison", r"liaison|lno|liaison officers?", ("liaison",),
         ("civil-military cooperation", "air / land naval gunfire liaison")),
)

_PARENTHESES = re.compile(r"\([^()]*\)")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, words separated by single spaces; parenthesised parts (nation codes, HICON) dropped."""
    return " ".join(_NOT_WORD.sub(" ", _PARENTHESES.sub(" ", text).casefold()).split())


def stated(*texts: str) -> list[Term]:
    """The terms ``texts`` state, in order of their first mention.

    >>> [t.label for t in stated("Signal company", "SIG COY (HR)")]
    ['signal']
    """
    found: dict[str, tuple[int, int, Term]] = {}
    for rank, text in enumerate(texts):
        words = normalise(text)
        for term in TERMS:
            hit = term.pattern.search(words)
            if hit and term.label not in found:
                found[term.label] = (rank, hit.start(), term)
    return [term for _, _, term in sorted(found.values(), key=lambda f: (f[0], f[1]))]


@functools.lru_cache(maxsize=64)
def _spelled(symbols: SymbolSet) -> dict[str, tuple[str, ...]]:
    """Each entity's names, normalised and padded with spaces (`` explosive ordnance disposal ``)."""
    return {code: tuple(f" {normalise(n)} " for n in e.names) for code, e in symbols.entities.items()}


@functools.lru_cache(maxsize=256)
def codes(symbols: SymbolSet, term: Term) -> frozenset[str]:
    """The entity codes of ``symbols`` that are ``term`` or related to it, or whose own names state it
    (``fixed wing MISO (SOF)`` is psychological operations), with all their subtypes."""
    wanted = [f" {normalise(n)} " for n in term.names + term.related]
    roots = [c for c, names in _spelled(symbols).items()
             if any(w in n for w in wanted for n in names) or any(term.pattern.search(n) for n in names)]
    return frozenset(c for c in symbols.entities if any(_within(c, r) for r in roots))


def usual(symbols: SymbolSet, term: Term) -> Entity | None:
    """The code one writes for ``term``: the most general entity named exactly its first name that has one."""
    for name in term.names:
        wanted = normalise(name)
        exact = [e for e in symbols.entities.values() if any(normalise(n) == wanted for n in e.names)]
        if exact:
            return min(exact, key=lambda e: (e.level, e.code))
    return None


def fits(symbols: SymbolSet, term: Term, code: str) -> bool | None:
    """Whether the entity ``code`` fits ``term``: the same, a more general or a more specific code of
    one of its entities. None when the set has no entity for the term (no opinion)."""
    known = codes(symbols, term)
    if not known:
        return None
    return code == NO_ENTITY or any(_within(code, k) or _within(k, code) for k in known)


def _within(code: str, root: str) -> bool:
    """True when ``code`` is ``root`` or one of its types or subtypes."""
    if root[2:] == "0000":
        return code[:2] == root[:2]
    if root[4:] == "00":
        return code[:4] == root[:4]
    return code == root


def search(query: str, symbols: SymbolSet) -> list[Entity]:
    """The entities of ``symbols`` that every word of ``query`` names: first those named exactly so,
    then those whose names (or their parents') hold the words, then those a synonym finds; each
    group in table order.

    A word matches the start of a word in the entity's names or its parents' (``engin`` finds
    engineer, ``protection`` every protection entity); a word that is an abbreviation or synonym
    of a term (``engr``, ``recce``, ``eod``) also matches the term's entity names.

    >>> from exgen.core.symbol_tables import symbol_set
    >>> [e.code for e in search("engr", symbol_set("10"))]
    ['140700', '140701', '140702', '140703']
    >>> [e.code for e in search("mechanised infantry", symbol_set("10"))]
    ['121102', '121105']
    >>> [e.code for e in search("signal", symbol_set("10"))][:2]
    ['111000', '111001']
    """
    words = normalise(query).split()
    if not words:
        return []
    wanted = [(word, _phrases(word)) for word in words]
    exact = {f" {' '.join(words)} ", *(f" {normalise(term.names[0])} " for term in stated(query))}
    ranked = []
    for code, entity in symbols.entities.items():
        names = [f" {normalise(n)} " for e in symbols.path(code) for n in e.names]
        direct = all(any(f" {word}" in n for n in names) for word, _ in wanted)
        if direct or all(any(f" {word}" in n for n in names) or any(p in n for p in phrases for n in names)
                         for word, phrases in wanted):
            own = {f" {normalise(n)} " for n in entity.names}
            ranked.append((0 if own & exact else 1 if direct else 2, entity))
    return [entity for _, entity in sorted(ranked, key=lambda r: r[0])]


def _phrases(word: str) -> tuple[str, ...]:
    """The entity names (as `` padded phrases ``) a query word stands for: a term's, or a spelling's."""
    out = [f" {normalise(n)} " for term in stated(word) for n in term.names]
    for british, american in _SPELLINGS:
        if british in word:
            out.append(f" {word.replace(british, american)}")
    return tuple(out)


#: The tables spell American English; planners in NATO Europe write British.
_SPELLINGS = (("mechanis", "mechaniz"), ("motoris", "motoriz"), ("armour", "armor"), ("defence", "defense"),
              ("organis", "organiz"), ("centre", "center"), ("manoeuvre", "maneuver"), ("harbour", "harbor"))

""""Did you mean" hints: the known value closest to a mistyped one, without scanning every id.

A hint costs at most a bounded number of string comparisons, however many ids the definition
has: a bulk rename that leaves 200 of 10,000 references dangling must not compare each of them
with all 10,000 ids (that made validation quadratic on the error path). :class:`Suggester`
indexes the candidates once:

- every candidate under itself and each of its one-character deletions, so a value within one
  substitution, insertion, deletion or transposition of a candidate finds it by a few lookups;
- else the candidates sharing the most *rare* trigrams with the value (trigrams held by more
  than :data:`COMMON_TRIGRAM` candidates, like ``INJ`` in ``INJ-0001``, are passed over).

The candidates found are then ranked exactly as :func:`difflib.get_close_matches` ranks them
(similarity ratio at least :data:`CUTOFF`, the higher ratio first, ties to the larger string).
Lists of up to :data:`SMALL` candidates are compared in full, so small definitions get the same
hints as a full scan.
"""

from __future__ import annotations

import difflib
import heapq
import typing as t
from collections import Counter, defaultdict

#: Similarity a candidate needs to be suggested (difflib's ratio, 0-1).
CUTOFF = 0.6
#: Candidate lists up to this size are compared in full.
SMALL = 200
#: At most this many candidates are compared with the value on the trigram path.
MAX_COMPARED = 48
#: A trigram held by more candidates than this says nothing about which one was meant.
COMMON_TRIGRAM = 64
#: Values and candidates longer than this are never indexed by deletions (ids are short).
MAX_INDEXED_LENGTH = 64

#: Similarity ratios computed so far in this process (tests bound the work per hint with it).
comparisons = 0


def _ratio(value: str, candidate: str) -> float:
    global comparisons
    comparisons += 1
    matcher = difflib.SequenceMatcher(None, candidate, value)
    if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
        return 0.0
    return matcher.ratio()


def _best(value: str, candidates: t.Iterable[str]) -> str | None:
    """The candidate get_close_matches would name first, among ``candidates``."""
    scored = [(score, c) for c in candidates if (score := _ratio(value, c)) >= CUTOFF]
    return max(scored)[1] if scored else None


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))} if len(text) <= MAX_INDEXED_LENGTH else set()


def _trigrams(text: str) -> set[str]:
    padded = f"\x02{text}\x03"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


class Suggester:
    """An index over candidate strings that names the closest one to a value, in bounded work."""

    def __init__(self, candidates: t.Iterable[str]) -> None:
        self.candidates = sorted(set(candidates))
        self._variants: dict[str, list[str]] | None = None
        self._postings: dict[str, list[str]] | None = None

    def closest(self, value: str) -> str | None:
        """The candidate closest to ``value`` when one is close enough, else None."""
        value = str(value)
        if len(self.candidates) <= SMALL:
            return _best(value, self.candidates)
        near = self._near(value)
        found = _best(value, near) if near else None
        return found if found is not None else _best(value, self._sharing_trigrams(value))

    def _near(self, value: str) -> set[str]:
        """Candidates within one edit (and transpositions) of ``value``."""
        if self._variants is None:
            variants: dict[str, list[str]] = defaultdict(list)
            for c in self.candidates:
                for v in _deletions(c) | {c}:
                    variants[v].append(c)
            self._variants = dict(variants)
        return {c for v in _deletions(value) | {value} for c in self._variants.get(v, ())}

    def _sharing_trigrams(self, value: str) -> list[str]:
        """At most MAX_COMPARED candidates sharing the most rare trigrams with ``value``."""
        if self._postings is None:
            postings: dict[str, list[str]] = defaultdict(list)
            for c in self.candidates:
                for g in _trigrams(c):
                    postings[g].append(c)
            self._postings = dict(postings)
        shared: Counter[str] = Counter()
        for g in _trigrams(value):
            holders = self._postings.get(g, ())
            if len(holders) <= COMMON_TRIGRAM:
                shared.update(holders)
        return [c for _, c in heapq.nlargest(MAX_COMPARED, ((n, c) for c, n in shared.items()))]


def closest(value: str, candidates: t.Sequence[str]) -> str | None:
    """The candidate closest to ``value`` when one is close enough, else None. For one-off
    lookups; index a list asked about repeatedly once, with :class:`Suggester`.

    >>> closest("ME-1BX", ["ME-1BN", "MNB-HQ"]), closest("zzz", ["ME-1BN"])
    ('ME-1BN', None)
    """
    return Suggester(candidates).closest(value)


def hint(found: str | None, prefix: str = "") -> str:
    """``" (did you mean 'x'?)"`` for a found candidate (written after ``prefix``), or ``""``."""
    return f" (did you mean '{prefix}{found}'?)" if found is not None else ""


def did_you_mean(value: str, candidates: t.Sequence[str], prefix: str = "") -> str:
    """``" (did you mean 'x'?)"`` for the closest candidate (written after ``prefix``), or ``""``.

    >>> did_you_mean("ME-1BX", ["ME-1BN", "MNB-HQ"])
    " (did you mean 'ME-1BN'?)"
    """
    return hint(closest(value, candidates), prefix)

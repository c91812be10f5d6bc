"""Per objective: every evaluator's rating of each critical task, the consensus, strengths and improvements.

Ratings come from the record (an observation's rating counts for its objective and task; per
evaluator the last rated observation of a task is their rating) and from each workbook's task
table. The consensus is the most frequent rating, a tie going to the worse one; ``disagreement``
when two evaluators gave different ratings. Record observations rated P or S are strengths, M or
U areas for improvement; workbook observations say which they are. Unrated ones stay observations.
"""

from __future__ import annotations

import typing as t
from collections import Counter

if t.TYPE_CHECKING:
    from exgen.aar.record_types import Record
    from exgen.aar.workbook import Workbook

__all__ = ["RATINGS", "Evaluators", "consensus", "objectives", "worst"]

#: Best to worst.
RATINGS = ("P", "S", "M", "U")
_KIND = {"P": "strength", "S": "strength", "M": "improvement", "U": "improvement"}


class Evaluators:
    """Names an evaluator as the exercise does: an account (``ev-c2``) or a written name → the evaluator's id."""

    def __init__(self, exercise: t.Mapping[str, t.Any]) -> None:
        self.known: dict[str, str] = {}
        for item in exercise.get("evaluators") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.known[item["id"].casefold()] = item["id"]
                if isinstance(item.get("name"), str):
                    self.known.setdefault(item["name"].strip().casefold(), item["id"])

    def __call__(self, written: str | None, fallback: str) -> str:
        """The evaluator's id, else what was written, else ``fallback``."""
        text = " ".join((written or "").split())
        return self.known.get(text.casefold(), text) or fallback


def worst(ratings: t.Iterable[str | None]) -> str | None:
    """The worst of the ratings given (U worst); None when none is."""
    given = [r for r in ratings if r in RATINGS]
    return max(given, key=RATINGS.index) if given else None


def consensus(ratings: t.Sequence[str]) -> str | None:
    """The most frequent rating; a tie goes to the worse one.

    >>> consensus(["P", "S", "S"]), consensus(["P", "M"]), consensus([])
    ('S', 'M', None)
    """
    counts = Counter(r for r in ratings if r in RATINGS)
    if not counts:
        return None
    return max(counts, key=lambda r: (counts[r], RATINGS.index(r)))


def objectives(exercise: t.Mapping[str, t.Any], record: Record | None, workbooks: t.Sequence[tuple[str, Workbook]],
               dtime: t.Callable[[float | None], str]) -> list[dict[str, t.Any]]:
    """The ``objectives`` of the AAR context, in exercise.json's order."""
    who = Evaluators(exercise)
    result = []
    for objective in exercise.get("objectives") or []:
        if not isinstance(objective, dict) or not isinstance(objective.get("id"), str):
            continue
        oid, tasks = objective["id"], [str(x) for x in objective.get("critical_tasks") or []]
        ratings: dict[int, list[dict[str, str]]] = {n: [] for n in range(1, len(tasks) + 1)}
        notes: dict[str, list[dict[str, t.Any]]] = {"strength": [], "improvement": [], "": []}
        if record is not None:
            _from_record(record, oid, tasks, who, dtime, ratings, notes)
        for name, book in workbooks:
            _from_workbook(book, name, oid, who, dtime, ratings, notes)
        rows = []
        for number, text in enumerate(tasks, 1):
            given = sorted(ratings[number], key=lambda r: (r["source"], r["evaluator"], r["rating"]))
            # two evaluators with different ratings exist exactly when there are two ratings and two evaluators
            rows.append({"no": number, "text": text, "ratings": given,
                         "consensus": consensus([r["rating"] for r in given]),
                         "disagreement": len({r["rating"] for r in given}) > 1
                         and len({r["evaluator"] for r in given}) > 1})
        result.append({"id": oid, "title": str(objective.get("title") or ""),
                       "capability": str(objective.get("capability") or ""), "tasks": rows,
                       "overall": worst(t.cast(str | None, r["consensus"]) for r in rows),
                       "strengths": _sorted(notes["strength"]), "improvements": _sorted(notes["improvement"]),
                       "observations": _sorted(notes[""])})
    return result


def _sorted(items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Oldest first (undated last), then by task, evaluator and text."""
    return sorted(items, key=lambda n: (n["minutes"] is None, n["minutes"] or 0, n["task"] or 0, n["evaluator"],
                                        n["text"]))


def _note(text: str, evaluator: str, minutes: float | None, task: int | None,
          dtime: t.Callable[[float | None], str], source: str) -> dict[str, t.Any]:
    return {"text": text, "evaluator": evaluator, "dtime": dtime(minutes), "task": task, "minutes": minutes,
            "source": source}


def _from_record(record: Record, oid: str, tasks: list[str], who: Evaluators, dtime: t.Callable[[float | None], str],
                 ratings: dict[int, list[dict[str, str]]], notes: dict[str, list[dict[str, t.Any]]]) -> None:
    latest: dict[tuple[int, str], tuple[float, int, str]] = {}
    for n, seen in enumerate(record.observations):
        if seen.objective != oid:
            continue
        number = tasks.index(seen.task) + 1 if seen.task in tasks else None
        evaluator = who(seen.author, seen.author)
        notes[_KIND.get(seen.rating, "")].append(_note(seen.text, evaluator, seen.ex_time, number, dtime, "record"))
        if number is not None and seen.rating in RATINGS:
            key = (number, evaluator)
            when = (seen.ex_time if seen.ex_time is not None else float("-inf"), n, seen.rating)
            if key not in latest or when >= latest[key]:
                latest[key] = when
    for (number, evaluator), (_, _, rating) in latest.items():
        ratings[number].append({"rating": rating, "evaluator": evaluator, "source": "record"})


def _from_workbook(book: Workbook, name: str, oid: str, who: Evaluators, dtime: t.Callable[[float | None], str],
                   ratings: dict[int, list[dict[str, str]]], notes: dict[str, list[dict[str, t.Any]]]) -> None:
    for rating in book.ratings:
        if rating.objective == oid and rating.rating in RATINGS and rating.task_no in ratings:
            ratings[rating.task_no].append({"rating": rating.rating, "evaluator": who(rating.evaluator, name),
                                            "source": "workbook"})
    for seen in book.observations:
        if seen.objective == oid:
            minutes = float(seen.minutes) if seen.minutes is not None else None
            notes[seen.kind or ""].append(_note(seen.text, who(seen.evaluator, name), minutes, seen.task_no, dtime,
                                                "workbook"))

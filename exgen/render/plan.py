"""Planning a build's renderings: every (output line, item) pair, grouped into tasks.

A task is what one worker process renders at a time; the plan orders tasks so the slowest
(conversions to PDF and XLSX) start first and shares one rendering between output lines
that render the same template for the same items.
"""

from __future__ import annotations

import typing as t

from exgen.render import audience
from exgen.render.outputs import PER_KINDS, OutputSpec, TemplateSet

#: One rendering: an output line and the item it is rendered for (None for package-wide outputs).
Job = tuple[OutputSpec, "dict[str, t.Any] | None"]
#: Per-item renderings handed to a worker process at a time (cards are ~1 ms each).
CHUNK = 250


def plan(templates: TemplateSet, context: dict[str, t.Any]) -> list[list[Job]]:
    """Every rendering, grouped into tasks for worker processes, the slowest kinds first.

    Conversions (the PDF book, the XLSX workbook) cost the most, so they start first, then the
    other whole-package documents, and the chunks of outputs rendered once per item for more
    than :data:`CHUNK` items (the inject cards) fill the workers at the end. Output lines that render the
    same template for the same items (the book as HTML and as PDF) share a task, the
    converted one first, so the template is rendered once for both (a template sees the
    context of its audience and its item, never which output line it renders for). A per-item
    output for the training audience renders for the items of the player-safe context
    (:func:`~exgen.render.audience.view`): the units of the opposing force have none.
    """
    groups: dict[tuple[str, str, str], list[OutputSpec]] = {}
    for spec in templates.outputs:
        groups.setdefault((spec.template, spec.per, spec.audience), []).append(spec)
    tasks: list[tuple[int, list[Job]]] = []
    order = {"typst": 0, "xlsx": 1}
    for (_, per, who), specs in groups.items():
        specs.sort(key=lambda s: s.convert == "text")  # stable: conversions first, else declared order
        items = _items(context, per, who)
        # The chunks of an output split into several tasks (the inject cards) come last: many small
        # tasks fill both workers to the end, where a large one would leave one worker idle.
        rank = order.get(specs[0].convert, 3 if len(items) > CHUNK else 2)
        tasks += [(rank, [(spec, item) for item in items[i:i + CHUNK] for spec in specs])
                  for i in range(0, len(items), CHUNK)]
    return [task for _, task in sorted(tasks, key=lambda ranked: ranked[0])]


def count_renders(templates: TemplateSet, context: dict[str, t.Any]) -> int:
    """How many files a build of ``templates`` renders (for a progress bar)."""
    return sum(len(_items(context, s.per, s.audience)) for s in templates.outputs)


def _items(context: dict[str, t.Any], per: str, who: str) -> list[t.Any]:
    """What an output renders once for: the package (None), or each item of its audience's context."""
    if per == "package":
        return [None]
    return list(audience.view(context, who).get(PER_KINDS[per] or "", []))

"""A new definition around imported injects, for a team that has a spreadsheet and no definition yet.

The root names the exercise (its times taken from the injects), and every participant the sheet
names gets a stub the planner completes: recipients become units of the nation given with
``--nation``, senders that receive nothing become EXCON cells, controllers join an EXCON cell and
objectives get their id as a title. The result validates, so the planner starts from green.
"""

from __future__ import annotations

import datetime as dt
import re
import typing as t

import yaml

from exgen.core.diagnostics import Diagnostic, Location, error

HEADER = """\
# Exercise definition drafted by exgen import from {source}.
#
# The injects are in the included day files. Everything below was made up from the sheet so the
# definition validates: complete it (names, nations, echelons, objectives' wording, EXCON) and
# run `exgen validate --strict exercise.yaml` after each change.
"""


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the scenarios are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _slug(text: str) -> str:
    """An exercise id from a file name: ``msel 2027.xlsx`` → ``MSEL-2027``."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return ("-".join(words) or "IMPORTED").upper()[:60]


def _window(times: t.Sequence[dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    """STARTEX on the hour before the first inject, ENDEX on the hour after the last."""
    first, last = min(times), max(times)
    start = first.replace(minute=0, second=0, microsecond=0)
    end = last.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return start, end


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def root_text(source: str, stem: str, items: t.Sequence[dict[str, t.Any]], times: t.Sequence[dt.datetime],
              includes: t.Sequence[str], nation: str | None, startex: dt.datetime | None,
              where: Location) -> tuple[str | None, list[Diagnostic]]:
    """The root file's text, or None and why not."""
    if not times and startex is None:
        return None, [error("import-no-times", "the sheet has no inject with a time, so exgen cannot tell when the "
                            "exercise runs; add times or import --into your definition", where)]
    start, end = _window(times) if times else (startex, startex)
    assert start is not None and end is not None
    if startex is not None:
        start = min(start, startex)
        end = max(end, startex + dt.timedelta(hours=1))
    recipients = sorted({r for item in items for r in item.get("to", []) if isinstance(r, str)})
    senders = sorted({s for item in items if isinstance(s := item.get("from"), str)} - set(recipients))
    controllers = sorted({c for item in items if isinstance(c := item.get("controller"), str)})
    objectives = sorted({o for item in items for o in item.get("objectives", []) if isinstance(o, str)})
    if recipients and not nation:
        return None, [error("import-needs-nation", f"the sheet names {len(recipients)} recipient(s) and there is no "
                            "definition to find them in: pass --into your definition, or --nation CC (ISO 3166 "
                            "code) to create them as units of that nation", where)]
    root: dict[str, t.Any] = {"exgen": 1, "include": list(includes), "exercise": {
        "id": _slug(stem), "name": stem, "type": "CPX", "classification": "UNCLASSIFIED",
        "marking": "EXERCISE EXERCISE EXERCISE", "startex": _stamp(start), "endex": _stamp(end)}}
    if objectives:
        root["objectives"] = [{"id": o, "title": o} for o in objectives]
    if recipients:
        root["units"] = [{"id": u, "name": u, "nation": nation, "role": "training-audience"} for u in recipients]
    cells = [{"id": s, "title": s} for s in senders]
    if controllers:
        cells.append({"id": "EXCON", "title": "Exercise control"})
    excon: dict[str, t.Any] = {}
    if cells:
        excon["cells"] = cells
    if controllers:
        excon["controllers"] = [{"id": c, "cell": "EXCON"} for c in controllers]
    if excon:
        root["excon"] = excon
    body = yaml.dump(root, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return HEADER.format(source=source) + "\n" + body, []

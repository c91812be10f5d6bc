"""A small valid definition to plant edge values in, and validate through the CLI as JSON."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

from click.testing import CliRunner

from exgen.cli import cli

#: Valid: two located units, a net between them, one objective, an inject; everything an export draws.
BASE = """\
exgen: 1
exercise:
  id: EDGE-27
  name: Edge values
  type: CPX
  classification: UNCLASSIFIED
  startex: "2027-05-10T06:00:00Z"
  endex: "2027-05-12T18:00:00Z"
  area: {lat: 42.4, lon: 19.3, radius_km: 40}
objectives:
  - {id: TO-1, title: Report on time}
units:
  - {id: U1, name: First battalion, nation: HR, role: training-audience, location: {lat: 42.4, lon: 19.3}}
  - {id: U2, name: Higher command, nation: HR, role: response-cell, location: {lat: 42.5, lon: 19.2}}
nets:
  - {id: NET-1, kind: voice, band: courier, members: [U1, U2]}
excon:
  evaluators: [{id: EV-1, objectives: [TO-1]}]
injects:
  - {id: INJ-1, time: "D+0 08:00", from: U2, to: [U1], method: radio, title: Convoy ambushed, objectives: [TO-1]}
  - {id: INJ-2, time: "D+1 09:00", from: U2, to: [U1], method: email, title: Second report, objectives: [TO-1],
     requires: [{report: {from: U1, to: U2, within: 30m}}]}
"""


def write(folder: Path, replacements: t.Sequence[tuple[str, str]] = (), name: str = "exercise.yaml") -> Path:
    """BASE with each ``(old, new)`` replaced once (each ``old`` must occur), written to ``folder/name``."""
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def position(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``path``."""
    text = path.read_text("utf-8")
    pos = text.index(needle)
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def validate(path: Path, *options: str) -> tuple[int, list[dict[str, t.Any]]]:
    """Exit code and diagnostics of ``exgen validate --format json``; never a traceback."""
    result = CliRunner().invoke(cli, ["validate", "--format", "json", *options, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)["diagnostics"]


def errors(path: Path, *options: str) -> list[tuple[str, str, int, int]]:
    """``(code, pointer, line, col)`` of every error; asserts validate exited 1 when there are any."""
    code, found = validate(path, *options)
    out = [(d["code"], d["pointer"], d["line"], d["col"]) for d in found if d["severity"] == "error"]
    assert code == (1 if out else 0), found
    return out


def message(path: Path, code: str, pointer: str | None = None) -> str:
    """The message of the one diagnostic with ``code`` (at ``pointer``, when given)."""
    (found,) = [d["message"] for d in validate(path)[1]
                if d["code"] == code and (pointer is None or d["pointer"] == pointer)]
    return str(found)

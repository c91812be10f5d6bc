"""A copy of the flagship with distinctive words planted in every part the training audience must
never see (injects, constraints, evaluators, role players, controllers, cells, main events,
incidents, phase descriptions, an opposing-force unit) and in the parts it is given (aim, scope,
safety, logistics, artificialities, exercise roles), for the audience tests.

Each planted word is one token (``ZQ7…``), so it is found whole in HTML, CSV, XML and PDF text
alike. The definition files are rewritten as YAML data, so planting follows whatever the flagship
holds: a storyline (phases, main events, incidents) is added when it has none.
"""

from __future__ import annotations

import shutil
import typing as t
from pathlib import Path

import yaml

from tests.conftest import FLAGSHIP_DIR


class _Loader(yaml.SafeLoader):
    """YAML as exgen reads it for these files: dates and times stay text."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Planted:
    """What was planted: ``secrets`` (must reach no player document, and must reach an EXCON one)
    and ``released`` (must reach the player ExPlan), each token → where it was planted."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}
        self.released: dict[str, str] = {}
        self.phase_titles: list[str] = []
        self._n = 0

    def secret(self, where: str) -> str:
        self._n += 1
        token = f"ZQ7S{self._n:03d}X"
        self.secrets[token] = where
        return token

    def release(self, where: str) -> str:
        self._n += 1
        token = f"ZQ7R{self._n:03d}X"
        self.released[token] = where
        return token


def plant_flagship(dest: Path) -> tuple[Path, Planted]:
    """Copy the flagship to ``dest`` and plant it; returns the root file and what was planted."""
    shutil.copytree(FLAGSHIP_DIR, dest)
    p = Planted()
    files = {path: yaml.load(path.read_text("utf-8"), _Loader) for path in sorted(dest.rglob("*.yaml"))}
    events = incidents = 0
    first_inject: dict[str, t.Any] | None = None
    for data in files.values():
        if not isinstance(data, dict):
            continue
        for inj in data.get("injects") or []:
            first_inject = first_inject or inj
            inj["title"] = f"Planted {p.secret('inject title')}"
            inj["description"] = f"Planted {p.secret('inject description')}"
            inj["expected_action"] = f"Planted {p.secret('inject expected action')}"
        constraints = data.get("constraints") or []
        for c in constraints:
            c["description"] = f"Planted {p.secret('constraint description')}"
        if constraints:
            extra = {k: v for k, v in constraints[0].items() if k != "id"}
            constraints.append({"id": p.secret("constraint id"), **extra})
        for kind in ("evaluators", "role_players", "controllers"):
            for item in data.get(kind) or []:
                item["name"] = f"Planted {p.secret(kind[:-1] + ' name')}"
        for cell in data.get("cells") or []:
            cell["title"] = f"Planted {p.secret('cell title')}"
        for o in data.get("objectives") or []:
            o["measures"] = [f"Planted {p.secret('measure')}"]
        for e in data.get("main_events") or []:
            events += 1
            e["title"] = f"Planted {p.secret('main event title')}"
            e["outcome"] = f"Planted {p.secret('main event outcome')}"
        for c in data.get("main_incidents") or []:
            incidents += 1
            c["title"] = f"Planted {p.secret('incident title')}"
            c["description"] = f"Planted {p.secret('incident description')}"
        for ph in data.get("phases") or []:
            ph["description"] = f"Planted {p.secret('phase description')}"
            p.phase_titles.append(ph["title"])
        units = data.get("units") or []
        if units:
            opfor = {k: v for k, v in units[-1].items() if k not in ("id", "parent", "callsign", "location")}
            opfor["sidc"] = opfor["sidc"][:3] + "6" + opfor["sidc"][4:]  # hostile
            units.append({**opfor, "id": p.secret("opposing-force unit id"),
                          "name": f"Planted {p.secret('opposing-force unit name')}", "role": "opfor"})
        if "exercise" in data:
            ex = data["exercise"]
            ex["description"] = f"Planted {p.secret('exercise description')}"
            ex["aim"] = f"Planted {p.release('aim')}"
            ex["scope"] = f"Planted {p.release('scope')}"
            ex["safety"] = f"Planted {p.release('safety')}"
            ex["logistics"] = f"Planted {p.release('logistics')}"
            ex["artificialities"] = [f"Planted {p.release('artificiality')}"]
            ex["roles"] = {role: f"Planted {p.release(role)}" for role in ("ose", "oce", "ode", "otas")}
            ex["exercise_objectives"] = [{"id": "EO-Z1", "title": f"Planted {p.secret('exercise objective')}"}]
    root = dest / "exercise.yaml"
    storyline: dict[str, t.Any] = {}
    if not events and first_inject is not None:  # a storyline of its own, served by the first inject
        storyline["main_events"] = [{"id": "ME-Z1", "title": f"Planted {p.secret('main event title')}",
                                     "outcome": f"Planted {p.secret('main event outcome')}"}]
        storyline["main_incidents"] = [{"id": "MI-Z1", "event": "ME-Z1",
                                        "title": f"Planted {p.secret('incident title')}"}]
        first_inject["incident"] = "MI-Z1"
    if not p.phase_titles:  # one phase from STARTEX to ENDEX
        ex = files[root]["exercise"]
        storyline["phases"] = [{"id": "PH-Z1", "title": "Whole exercise", "start": ex["startex"], "end": ex["endex"],
                                "description": f"Planted {p.secret('phase description')}"}]
        p.phase_titles.append("Whole exercise")
    if storyline:
        (dest / "zq7-storyline.yaml").write_text(yaml.safe_dump(storyline, sort_keys=False), "utf-8")
        files[root].setdefault("include", []).append("zq7-storyline.yaml")
    assert incidents or not events, "the flagship has main events but no incidents: plant them too"
    for path, data in files.items():
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), "utf-8")
    return root, p

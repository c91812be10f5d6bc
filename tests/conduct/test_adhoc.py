"""Ad-hoc injects: checked with the schema and rules of a definition, with the diagnostics a definition gets."""

from __future__ import annotations

import copy
import json
import re
import typing as t
from pathlib import Path

import pytest

from exgen.check.run import check
from exgen.conduct import adhoc
from exgen.conduct.runtime import load_exercise
from tests.conduct.served import Served

GOOD = {"id": "ADHOC-1", "time": "D+1 07:45", "from": "MND-HICON", "to": ["MNB-HQ"], "method": "email",
        "title": "Request for an updated casualty return", "objectives": ["TO-2"]}
#: Wrong for the schema (no such method) and, once that is fixed, for the rules (no such sender or objective).
BAD_SCHEMA = dict(GOOD, method="carrier-pigeon", id="ADHOC-2")
BAD_RULES = dict(GOOD, **{"from": "NO-SUCH-UNIT", "objectives": ["TO-99"], "id": "ADHOC-3"})


@pytest.fixture(scope="module")
def definition(flagship_package: Path) -> dict[str, t.Any]:
    found = load_exercise(flagship_package)["definition"]
    assert isinstance(found, dict)
    return found


@pytest.fixture
def served(flagship_package: Path, tmp_path: Path) -> t.Iterator[Served]:
    found = Served(flagship_package, tmp_path / "conduct.sqlite")
    yield found
    found.close()


def errors(found: list[dict[str, t.Any]]) -> list[tuple[str, str]]:
    return [(d["code"], d["field"]) for d in found if d["severity"] == "error"]


def test_a_good_inject_has_no_error_and_the_definition_is_left_alone(definition: dict[str, t.Any]) -> None:
    before = copy.deepcopy(definition)
    assert errors(adhoc.validate(definition, GOOD)) == []
    assert definition == before


def test_a_bad_inject_is_told_where(definition: dict[str, t.Any]) -> None:
    assert errors(adhoc.validate(definition, BAD_SCHEMA)) == [("schema-enum", "method")]
    found = adhoc.validate(definition, BAD_RULES)
    fields = {field for _code, field in errors(found)}
    assert {"from", "objectives/0"} <= fields
    assert all("/injects/" not in d["message"] for d in found)
    duplicate = errors(adhoc.validate(definition, dict(GOOD, id="INJ-001")))
    assert ("duplicate-id", "id") in duplicate
    assert errors(adhoc.validate(definition, GOOD, added=[GOOD])) == [("duplicate-id", "id")]
    assert errors(adhoc.validate(definition, ["not", "an", "object"])) == [("invalid-inject", "")]
    assert "required" in " ".join(d["code"] for d in adhoc.validate(definition, {"id": "ADHOC-4"}))


def _as_definition_finds(flagship_copy: Path, inject: dict[str, t.Any]) -> list[tuple[str, str, str]]:
    """(code, field, message) of what `exgen validate` says about ``inject`` written into the definition."""
    day3 = flagship_copy.parent / "injects" / "day3.yaml"
    day3.write_text(day3.read_text("utf-8") + "\n  - " + json.dumps(inject) + "\n", "utf-8")
    checked = check(str(flagship_copy))
    assert checked.document is not None
    index = next(i for i, x in enumerate(checked.document.data["injects"]) if x.get("id") == inject["id"])
    prefix = f"/injects/{index}"
    found = []
    for d in checked.diagnostics:
        if d.is_error and (d.pointer == prefix or d.pointer.startswith(prefix + "/")):
            field = d.pointer[len(prefix) + 1:]
            message = re.sub(rf"{prefix}/?", "", d.message.replace(f" in {prefix}/", " in "))
            found.append((d.code, field, message))
    return sorted(found)


@pytest.mark.parametrize("inject", [BAD_SCHEMA, BAD_RULES], ids=["schema", "rules"])
def test_the_diagnostics_are_those_a_definition_gets(definition: dict[str, t.Any], flagship_copy: Path,
                                                     inject: dict[str, t.Any]) -> None:
    expected = _as_definition_finds(flagship_copy, inject)
    assert expected
    got = sorted((d["code"], d["field"], re.sub(r" \(first defined at [^)]*\)", "", d["message"]))
                 for d in adhoc.validate(definition, inject) if d["severity"] == "error")
    assert [(c, f) for c, f, _ in got] == [(c, f) for c, f, _ in expected]
    assert [m for _, _, m in got] == [m for _, _, m in expected]


def test_times_are_minutes_from_startex(definition: dict[str, t.Any]) -> None:
    assert adhoc.minutes(definition, "D+1 07:30") == 1530
    assert adhoc.minutes(definition, "2027-05-10T08:00:00Z") == 120
    assert adhoc.minutes(definition, 42.5) == 42.5
    for bad in ("tomorrow", "", True, None, float("nan"), "D+1 25:00", "x" * 100):
        with pytest.raises(ValueError):
            adhoc.minutes(definition, bad)


def test_an_ad_hoc_inject_over_http(served: Served) -> None:
    controller, observer = served.client("ctrl-white"), served.client("observer1")
    added = controller.post("/api/injects", json={"inject": GOOD, "key": "add-1"})
    assert added.status_code == 201, added.text
    inject = added.json()["inject"]
    assert (inject["id"], inject["adhoc"], inject["time"], inject["status"]) == ("ADHOC-1", True, 1545, "planned")
    assert inject["serial"] == max(i["serial"] for i in served.exercise["injects"]) + 1
    again = controller.post("/api/injects", json={"inject": GOOD, "key": "add-1"})
    assert again.status_code == 201 and again.json()["replay"] is True
    twice = controller.post("/api/injects", json={"inject": GOOD, "key": "add-2"})
    assert twice.status_code == 422 and errors(twice.json()["diagnostics"]) == [("duplicate-id", "id")]
    bad = controller.post("/api/injects", json={"inject": BAD_SCHEMA})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid"
    assert errors(bad.json()["diagnostics"]) == [("schema-enum", "method")]
    assert observer.post("/api/injects", json={"inject": dict(GOOD, id="ADHOC-9")}).status_code == 403
    assert [e["subject"] for e in served.events("inject.add")] == ["ADHOC-1"]
    ids = [i["id"] for i in controller.get("/api/state").json()["injects"]]
    assert "ADHOC-1" in ids and "ADHOC-1" not in {i["id"] for i in observer.get("/api/state").json()["injects"]}
    released = controller.post("/api/injects/ADHOC-1/actions", json={"action": "release", "version": 1})
    assert released.status_code == 200
    assert "ADHOC-1" in {i["id"] for i in observer.get("/api/state").json()["injects"]}

"""From a drill run through exgen serve to its After-Action Report: the run half feeds the learn half.

A controller releases and delivers injects over HTTP, another holds one, two evaluators rate the
same critical task differently; `exgen record export` writes the record; `exgen aar` reads it and
the report shows exactly that: the delivery, the hold, both ratings and the disagreement.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from tests.conduct.served import Served


@pytest.fixture
def served(flagship_package: Path, tmp_path: Path) -> t.Iterator[Served]:
    found = Served(flagship_package, tmp_path / "conduct.sqlite")
    yield found
    found.close()


def _act(client: t.Any, inject: str, action: str) -> None:
    answer = client.post(f"/api/injects/{inject}/actions", json={"action": action})
    assert answer.status_code == 200, answer.text


def test_a_run_through_the_server_becomes_its_after_action_report(served: Served, tmp_path: Path) -> None:
    chief, c2, battalion = served.client("chief"), served.client("ev-c2"), served.client("ev-bn")
    _act(chief, "INJ-001", "release")
    _act(chief, "INJ-001", "deliver")
    _act(chief, "INJ-002", "hold")
    task = served.exercise["objectives"][0]["critical_tasks"][1]
    for client, rating, text in ((c2, "S", "Moved to the alternate net within 12 minutes."),
                                 (battalion, "M", "AL-2BN waited for orders before moving to the alternate.")):
        added = client.post("/api/observations", json={"objective": "TO-1", "task": task, "text": text,
                                                       "rating": rating, "ex_time": "D+1 06:30"})
        assert added.status_code == 201, added.text
    served.close()

    record = tmp_path / "record"
    exported = CliRunner().invoke(cli, ["record", "export", str(served.db), "-o", str(record)])
    assert exported.exit_code == 0, exported.output
    kinds = [json.loads(line)["kind"] for line in (record / "events.jsonl").read_text("utf-8").splitlines()]
    assert kinds == ["inject.release", "inject.deliver", "inject.hold", "observation.add", "observation.add"]

    out = tmp_path / "aar"
    built = CliRunner().invoke(cli, ["aar", str(served.package), "--record", str(record / "events.jsonl"),
                                     "-o", str(out)])
    assert built.exit_code == 0, built.output
    report = (out / "aar" / "after-action-report.html").read_text("utf-8")
    assert "Moved to the alternate net within 12 minutes." in report
    assert "AL-2BN waited for orders before moving to the alternate." in report
    assert "Evaluators disagree" in report
    assert "INJ-002" in report  # the held inject is listed among those not delivered as planned

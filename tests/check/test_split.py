"""Checking on two cores (:mod:`exgen.check.split`) finds exactly what one process finds."""

from __future__ import annotations

import os
import threading
import typing as t
from pathlib import Path

import pytest

from exgen import load
from exgen.check import run, split
from tests.conftest import FLAGSHIP, ROOT, flagship_copy, plant

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
ROOTS = [FLAGSHIP, *sorted(p for p in (ROOT / "scenarios").glob("*/exercise.yaml") if p != FLAGSHIP)]
_ = flagship_copy  # the fixture, used by name below


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[run.Checked, run.Checked]:
    monkeypatch.setattr(split, "MIN_INJECTS", 1)
    one = run.check(str(path))
    loaded = load.load(str(path))
    assert loaded[0] is not None and split.worth_it(loaded[0])
    two = run.check(str(path), split=True)
    return one, two


@pytest.mark.parametrize("path", ROOTS, ids=lambda p: p.parent.name)
def test_two_halves_find_what_one_process_finds(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = _both(path, monkeypatch)
    assert two.diagnostics == one.diagnostics
    assert one.model is not None and two.model == one.model
    assert one.comms is not None and two.comms == one.comms


def test_a_definition_the_schema_refuses_gives_only_the_schema_findings(
        flagship_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A start time that is not a time: the model could not be built from it; the schema says why.
    plant(flagship_copy.parent / "injects" / "day1.yaml", "time: \"D+0 06:30\"", "time: [not, a, time]")
    one, two = _both(flagship_copy, monkeypatch)
    assert any(d.code.startswith("schema") for d in one.diagnostics)
    assert two.diagnostics == one.diagnostics
    assert two.model is None and one.model is None


def test_the_rules_shared_by_both_processes_give_the_one_process_findings(
        flagship_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An unknown reference (a family the helper runs) and an objective no inject exercises (one
    # this process runs after the comms analysis): both found, in the same order as in one process.
    plant(flagship_copy, "  - id: TO-1\n", "  - id: TO-9\n    title: Not exercised by any inject\n  - id: TO-1\n")
    plant(flagship_copy.parent / "injects" / "day1.yaml", "controller: ", "controller: CTRL-NOBODY\n    x-was: ")
    from exgen.check import rules

    assert 0 < run.HELPER_FAMILIES < len(rules.FAMILIES)
    one, two = _both(flagship_copy, monkeypatch)
    codes = {d.code for d in one.diagnostics}
    assert {"unknown-reference", "objective-not-exercised"} <= codes
    assert two.diagnostics == one.diagnostics


def test_no_helper_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "MIN_INJECTS", 1)
    document = load.load(str(FLAGSHIP))[0]
    assert document is not None and split.worth_it(document)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not split.worth_it(document)
    finally:
        stop.set()
        thread.join()


def test_a_small_definition_is_checked_in_one_process() -> None:
    document = load.load(str(FLAGSHIP))[0]
    assert document is not None
    injects = t.cast("list[t.Any]", document.data["injects"])
    assert len(injects) < split.MIN_INJECTS and not split.worth_it(document)

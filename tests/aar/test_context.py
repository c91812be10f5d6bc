"""The AAR context from the flagship's sample record and workbook: ratings, execution, comms, improvement plan."""

from __future__ import annotations

import json
import shutil
import typing as t
from pathlib import Path

import pytest

from exgen.aar.context import LATE_MINUTES, build_context
from exgen.aar.context_objectives import RATINGS, consensus
from exgen.aar.record import read_record
from exgen.aar.register import load_register
from exgen.aar.register_update import Changes
from exgen.aar.workbook import read_workbook
from tests.conftest import ROOT

SAMPLES = ROOT / "scenarios" / "adriatic-shield" / "aar"
REGISTER = ROOT / "scenarios" / "gaps" / "adriatic-series.yaml"
KEYS = ["exercise", "generated_from", "overview", "objectives", "injects", "execution", "comms", "improvement_plan",
        "register"]


@pytest.fixture(scope="module")
def exercise(flagship_package: Path) -> dict:
    return json.loads((flagship_package / "data" / "exercise.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def lines() -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in (SAMPLES / "events.jsonl").read_text("utf-8").splitlines()]


def _context(exercise: dict, record: Path = SAMPLES / "events.jsonl", register: t.Any = None) -> dict:
    read, found = read_record(str(record), exercise)
    book, more = read_workbook(str(SAMPLES / "evaluation-workbook.xlsx"), exercise)
    assert [d for d in found + more if d.is_error] == [] and book is not None
    return build_context(exercise, read, [("evaluation-workbook.xlsx", book)], register)


@pytest.fixture(scope="module")
def context(exercise: dict) -> dict:
    return _context(exercise)


def test_the_context_has_exactly_the_contracts_keys(context: dict, exercise: dict) -> None:
    assert list(context) == KEYS
    assert context["exercise"]["banner"] == exercise["exercise"]["banner"]
    assert context["generated_from"] == {"record": "events.jsonl", "events": context["generated_from"]["events"],
                                         "workbooks": ["evaluation-workbook.xlsx"], "register": None}
    assert [o["id"] for o in context["objectives"]] == [o["id"] for o in exercise["objectives"]]


def test_consensus_is_the_most_frequent_rating_and_a_tie_goes_to_the_worse() -> None:
    assert consensus(["P", "P", "S"]) == "P"
    assert consensus(["P", "S"]) == "S" and consensus(["S", "M", "M", "S"]) == "M" and consensus(["U", "P"]) == "U"
    assert consensus([]) is None


def test_ratings_from_record_and_workbook_give_consensus_and_one_disagreement(context: dict) -> None:
    disagreements = []
    for objective in context["objectives"]:
        for task in objective["tasks"]:
            given = task["ratings"]
            assert task["consensus"] == consensus([r["rating"] for r in given])
            evaluators = {r["evaluator"] for r in given}
            split = any(a["rating"] != b["rating"] and a["evaluator"] != b["evaluator"] for a in given for b in given)
            assert task["disagreement"] is split
            if split:
                disagreements.append((objective["id"], task["no"], sorted(evaluators)))
        rated = [task["consensus"] for task in objective["tasks"] if task["consensus"]]
        assert objective["overall"] == (max(rated, key=RATINGS.index) if rated else None)
    assert disagreements == [("TO-1", 2, ["EV-BN", "EV-C2"])]
    sources = {r["source"] for o in context["objectives"] for task in o["tasks"] for r in task["ratings"]}
    assert sources == {"record", "workbook"}


def test_strengths_and_improvements_come_from_both_sources(context: dict, lines: list) -> None:
    strengths = [s for o in context["objectives"] for s in o["strengths"]]
    improvements = [s for o in context["objectives"] for s in o["improvements"]]
    assert {s["source"] for s in strengths} == {s["source"] for s in improvements} == {"record", "workbook"}
    # record observations rated P or S are strengths, M or U improvements; the last edit's rating counts
    final = {e["subject"]: e["payload"] for e in lines if e["kind"].startswith("observation.")}
    for payload in final.values():
        where = "strengths" if payload["rating"] in "PS" and payload["rating"] else \
            "improvements" if payload["rating"] else "observations"
        assert any(n["text"] == payload["text"] for o in context["objectives"] for n in o[where])
    assert all(set(n) >= {"text", "evaluator", "dtime", "task"} for n in strengths + improvements)


def test_execution_counts_planned_injects_by_delay(context: dict, exercise: dict, lines: list) -> None:
    planned = {i["id"]: i["time"] for i in exercise["injects"]}
    delivered = {e["subject"]: e["ex_time"] for e in lines if e["kind"] == "inject.deliver" and e["subject"] in planned}
    late = sorted(i for i, when in delivered.items() if when - planned[i] >= LATE_MINUTES)
    execution = context["execution"]
    assert execution["late"] == len(late) > 0 and execution["on_time"] == len(delivered) - len(late)
    assert sorted(i["id"] for i in context["injects"] if not i["adhoc"] and (i["delay_minutes"] or 0) >= 15) == late
    assert execution["held"] == execution["cancelled"] == execution["adhoc"] == 1
    assert execution["on_time"] + execution["late"] + execution["held"] + execution["cancelled"] \
        + execution["not_delivered"] == len(planned)
    overview = context["overview"]
    assert overview["planned_injects"] == len(planned) and overview["adhoc"] == 1
    adhoc = next(i for i in context["injects"] if i["adhoc"])
    assert adhoc["delivered_dtime"] and adhoc["status"] == "delivered"


def test_comms_show_the_link_that_fell_further_and_the_accepted_gap(context: dict, exercise: dict) -> None:
    plans = {p["id"]: p for p in context["comms"]["plans"]}
    assert [p for p, v in plans.items() if v["fell_further"]] == ["PACE-ENG"]
    assert plans["PACE-AL"]["observed"]  # EMCON put AL-2BN on its emergency level as planned: not further
    accepted = exercise["definition"]["exercise"]["accept"]
    assert [(g["code"], g["ids"]) for g in context["comms"]["predicted_gaps"]] == [(a["code"], a["ids"])
                                                                                   for a in accepted]
    assert all(g["showed"] and "BG-ENGCOY" in g["evidence"] for g in context["comms"]["gaps_showed"])


def test_an_accepted_gap_without_evidence_did_not_show(exercise: dict, lines: list, tmp_path: Path) -> None:
    quiet = [e for e in lines if e["kind"] in ("clock.start", "inject.release", "inject.deliver")]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in quiet), encoding="utf-8")
    record, _ = read_record(str(path), exercise)
    context = build_context(exercise, record, [])
    assert [g["showed"] for g in context["comms"]["gaps_showed"]] == [False, False]
    assert not any(p["fell_further"] for p in context["comms"]["plans"])


def test_the_improvement_plan_has_one_row_per_area_for_improvement(context: dict) -> None:
    improvements = [(o["id"], n["text"]) for o in context["objectives"] for n in o["improvements"]]
    plan = context["improvement_plan"]
    assert [(r["objective"], r["area"]) for r in plan] == improvements and plan
    assert [r["no"] for r in plan] == list(range(1, len(plan) + 1))
    assert all(r["corrective_action"] == r["responsible"] == r["start"] == r["due"] == "" and r["gap"] is None
               for r in plan)


def test_a_register_gap_named_by_an_improvement_carries_its_corrective_action(exercise: dict, lines: list,
                                                                              tmp_path: Path) -> None:
    register, found = load_register(str(REGISTER))
    assert register is not None and not [d for d in found if d.is_error]
    gap = next(g for g in register.gaps if g.corrective_action)
    add = next(e for e in lines if e["kind"] == "observation.add")
    named = {**add, "seq": 1, "payload": {**add["payload"], "rating": "M", "text": f"Seen again: {gap.id}."}}
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(named) + "\n", encoding="utf-8")
    record, _ = read_record(str(path), exercise)
    changes = Changes(seen_again=(gap.id,), not_tested=("GAP-Z", "GAP-A"))
    context = build_context(exercise, record, [], (register, changes))
    row = next(r for r in context["improvement_plan"] if r["gap"] == gap.id)
    assert (row["responsible"], row["start"], row["due"], row["capability"]) == (
        gap.corrective_action.get("responsible", ""), gap.corrective_action.get("start", ""),
        gap.corrective_action.get("due", ""), gap.capability)
    assert context["register"] == {"series": register.series, "changes": {
        "new": [], "seen_again": [gap.id], "candidates_for_closure": [], "not_tested": ["GAP-A", "GAP-Z"]}}
    assert context["generated_from"]["register"] == register.series


def test_a_console_record_gives_the_same_shape(exercise: dict, tmp_path: Path) -> None:
    inject = exercise["injects"][0]
    path = tmp_path / "status.csv"
    header = "serial,id,dtg,dtime,title,to,status,status_label,status_set_at_dtime,status_set_at_utc"
    path.write_bytes(("\ufeff" + header + "\r\n" + f'"1","{inject["id"]}","","","","","delivered","Delivered",'
                      '"D+0 06:50",""\r\n').encode())
    record, found = read_record(str(path), exercise)
    assert found == [] and record is not None
    context = build_context(exercise, record, [])
    assert list(context) == KEYS and context["generated_from"]["record"] == "console"
    first = next(i for i in context["injects"] if i["id"] == inject["id"])
    assert first["delay_minutes"] == 50 - inject["time"] and context["execution"]["not_delivered"] == len(
        exercise["injects"]) - 1


def test_the_same_inputs_give_the_identical_context(exercise: dict, context: dict, tmp_path: Path) -> None:
    for name in ("events.jsonl", "evaluation-workbook.xlsx"):
        shutil.copyfile(SAMPLES / name, tmp_path / name)
    again = _context(exercise, tmp_path / "events.jsonl")
    assert again == context
    assert json.dumps(again, sort_keys=False) == json.dumps(context, sort_keys=False)

"""A draft a planner keeps (issue 22): ten seeds of each bundled brief, judged on the written files.

Each draft must pass ``validate --strict`` (``draft.generate`` refuses to write one that does not),
keep trigger-style injects under a quarter, repeat no title and no near-same text, leave its
recipients the brief's gap between injects, never contradict the time of day, never send a
pattern to a unit or a network it does not suit, and leave no placeholder. Its storylines refer
back, its contingencies say what they test. The checks read the written definition (reloaded with
the pipeline), not the generator's own bookkeeping, where they can.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen import pipeline
from exgen.cli.generate import generate as generate_cmd
from exgen.generate import brief as brief_mod
from exgen.generate import draft, library, quality
from exgen.generate.forces import Forces
from tests.conftest import ROOT

BRIEFS = {"cpx": ROOT / "scenarios" / "briefs" / "adriatic-shield" / "brief.yaml",
          "ttx": ROOT / "scenarios" / "briefs" / "coastal-resilience-ttx.yaml"}
SEEDS = (0, 1, 2, 3, 5, 7, 11, 42, 1234, 98765)
#: Two inject texts (title and description) at least this alike, word by word, read as the same inject.
NEAR_SAME = 0.5
PATTERN = re.compile(r"library pattern ([A-Z0-9][A-Z0-9_.-]*)")


class Draft(t.NamedTuple):
    result: draft.Result
    model: t.Any


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Draft]:
    out = {}
    for name, path in BRIEFS.items():
        for seed in SEEDS:
            target = tmp_path_factory.mktemp(f"{name}-{seed}") / "draft"
            result = draft.generate(str(path), str(target), seed=seed)
            assert result.ok, [d.as_text() for d in result.diagnostics if d.is_error]
            checked = pipeline.check(str(target / "exercise.yaml"), strict=True)
            assert checked.ok, [d.as_text() for d in checked.diagnostics if d.is_error or d.severity.value == "warning"]
            out[(name, seed)] = Draft(result, checked.model)
    return out


CASES = [(name, seed) for name in BRIEFS for seed in SEEDS]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_quality_figures(drafts: dict[tuple[str, int], Draft], name: str, seed: int) -> None:
    """The report's figures meet the bar, and agree with what the written draft shows."""
    d = drafts[(name, seed)]
    figures, model = d.result.quality, d.model
    assert figures["injects"] == len(model.injects)
    assert figures["trigger_share"] < 0.25, figures["triggers"]
    assert figures["duplicate_titles"] == 0
    assert len({i.title for i in model.injects}) == len(model.injects)
    assert figures["max_similarity"] < NEAR_SAME, figures["most_similar"]
    assert figures["time_words"] == []
    assert figures["unsuited"] == []
    assert figures["placeholders"] == []
    brief, _ = brief_mod.load_brief(BRIEFS[name])
    assert brief is not None
    assert figures["min_gap_minutes"] is None or figures["min_gap_minutes"] >= brief.min_gap
    assert all(c["ok"] for c in figures["coverage"].values()), figures["coverage"]


@pytest.mark.parametrize(("name", "seed"), CASES)
def test_written_draft_independently(drafts: dict[tuple[str, int], Draft], name: str, seed: int) -> None:
    """Re-derived from the written files: each inject's pattern (named in its notes) suits its
    recipients, no two texts are near the same, no brace is left, and each recipient keeps its gap."""
    model = drafts[(name, seed)].model
    lib, found = library.load_library()
    assert not found
    forces = Forces(model)
    texts = []
    for inj in model.injects:
        match = PATTERN.search(inj.notes)
        assert match, inj.id
        pattern = lib.patterns[match.group(1)]
        assert all(forces.fits(pattern, u) for u in inj.to), (inj.id, pattern.id, inj.to)
        body = "\n".join([inj.title, inj.description or "", inj.expected_action or "", inj.notes])
        assert not re.search(r"\{[A-Za-z0-9_]*\}", body), inj.id
        hour = ((inj.time + model.info.startex.hour * 60 + model.info.startex.minute) % 1440) // 60
        assert quality.time_words(body, hour) == [], (inj.id, model.dtime(inj.time))
        if pattern.triggers:
            nets = re.findall(r"(\S+) down, \S+ should carry", inj.notes)
            assert nets and all(forces.suits_net(pattern, n) for n in nets), (inj.id, nets)
        texts.append((inj.id, re.findall(r"\w+", f"{inj.title}\n{inj.description or ''}".lower())))
    worst = max((difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), x, y)
                for (x, a), (y, b) in itertools.combinations(texts, 2))
    assert worst[0] < NEAR_SAME, worst
    # A contingency speaks of the place of the inject it follows up.
    by_id = {i.id: i for i in model.injects}
    for inj in model.injects:
        child = by_id.get(inj.contingency or "")
        if child is not None and inj.location is not None and child.location is not None:
            assert child.location == inj.location, (inj.id, child.id)
    brief, _ = brief_mod.load_brief(BRIEFS[name])
    assert brief is not None
    times: dict[str, list[int]] = {}
    for inj in model.injects:
        for u in inj.to:
            times.setdefault(u, []).append(inj.time)
    for unit, ts in times.items():
        assert all(b - a >= brief.min_gap for a, b in itertools.pairwise(sorted(ts))), unit


@pytest.mark.parametrize("seed", SEEDS)
def test_storylines_carry_each_main_event_and_refer_back(drafts: dict[tuple[str, int], Draft], seed: int) -> None:
    """The CPX brief's four main events each get a storyline; later steps name what happened before."""
    d = drafts[("cpx", seed)]
    stories = d.result.quality["storylines"]
    assert {s["event"] for s in stories} >= {"ME-1", "ME-2", "ME-3", "ME-4"}
    by_id = {i.id: i for i in d.model.injects}
    referring = 0
    for s in stories:
        steps = [by_id[i] for i in s["injects"]]
        assert [i.time for i in steps] == sorted(i.time for i in steps)
        assert len(steps) >= 3, s
        later = " ".join(f"{i.description} {i.expected_action}" for i in steps[1:])
        referring += bool(re.search(r"\(\d{4}Z on \d{1,2} \w+\)", later))
    assert referring >= len(stories) - 2, stories  # the brief's library storylines may not use {earlier}


def test_ttx_storylines_and_contingencies(drafts: dict[tuple[str, int], Draft]) -> None:
    """The TTX brief (no main events) gets storylines for its heaviest threat kinds; every contingency
    note says which exchange it tests and by when."""
    for seed in SEEDS:
        d = drafts[("ttx", seed)]
        assert len(d.result.quality["storylines"]) >= 2
    for (_, _), d in drafts.items():
        for inj in d.model.injects:
            if "Contingency of" in inj.notes:
                pattern = r"if an? (report|order|request|acknowledge) from \S+ to \S+ by \d{4}Z on"
                assert re.search(pattern, inj.notes), \
                    inj.notes


def test_report_json_through_the_cli(tmp_path: Path) -> None:
    """--report writes the figures as JSON, in-process and as a subprocess alike."""
    runner = CliRunner()
    result = runner.invoke(generate_cmd, [str(BRIEFS["ttx"]), "-o", str(tmp_path / "a"), "--seed", "3",
                                          "--report", str(tmp_path / "a.json")])
    assert result.exit_code == 0, result.output
    figures = json.loads((tmp_path / "a.json").read_text())
    for key in ("trigger_share", "duplicate_titles", "max_similarity", "min_gap_minutes", "storylines", "coverage"):
        assert key in figures
    assert 0 <= figures["trigger_share"] < 1 and 0 <= figures["max_similarity"] <= 1
    assert "Quality of the draft" in result.output
    proc = subprocess.run([sys.executable, "-m", "exgen", "generate", str(BRIEFS["ttx"]), "-o", str(tmp_path / "b"),
                           "--seed", "3", "--report", str(tmp_path / "b.json")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "b.json").read_text()) == figures


def test_report_to_an_unwritable_path_is_a_located_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(generate_cmd, [str(BRIEFS["ttx"]), "-o", str(tmp_path / "a"),
                                               "--report", str(tmp_path / "no" / "such" / "r.json")])
    assert result.exit_code == 1
    assert "error[report-write]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "a").exists()  # checked before drafting: nothing written


@pytest.mark.parametrize(("text", "hour", "bad"), [
    ("Morning news of KTV-1: ...", 14, ["Morning news"]),
    ("Morning news of KTV-1: ...", 8, []),
    ("The evening bulletin leads with ...", 9, ["evening bulletin"]),
    ("Units moving tonight are likely to be seen.", 10, []),
    ("Last night the militia ...", 17, ["Last night"]),
    ("Good afternoon, this is the duty officer.", 10, ["Good afternoon"]),
])
def test_time_words_checker(text: str, hour: int, bad: list[str]) -> None:
    assert quality.time_words(text, hour) == bad


def test_similarity_and_gap_figures_catch_a_bad_draft(drafts: dict[tuple[str, int], Draft]) -> None:
    """The measures are not blind: a draft with a repeated inject and two injects 5 minutes apart to
    one unit shows both."""
    import dataclasses

    d = drafts[("ttx", 0)]
    model = d.model
    first = model.injects[0]
    twin = dataclasses.replace(first, id="INJ-999", time=first.time + 5, title=first.title + " (again)")
    bad = dataclasses.replace(model, injects=(*model.injects, twin))
    brief, _ = brief_mod.load_brief(BRIEFS["ttx"])
    assert brief is not None
    lib, _ = library.load_library()
    figures = quality.measure(bad, brief, lib, Forces(bad), {})
    assert figures["max_similarity"] > 0.9 and set(figures["most_similar"]) == {first.id, "INJ-999"}
    assert figures["min_gap_minutes"] == 5


def test_an_objective_the_library_cannot_serve_without_repeats_is_a_warning(tmp_path: Path) -> None:
    """Asking more injects of an objective than the library has distinct patterns for gives an
    objective-not-coverable warning at the objective, and a draft with no repeated pattern."""
    text = BRIEFS["ttx"].read_text("utf-8").replace("    min_injects: 1\n", "    min_injects: 40\n", 1)
    assert "min_injects: 40" in text
    brief = tmp_path / "brief.yaml"
    brief.write_text(text, "utf-8")
    result = draft.generate(str(brief), str(tmp_path / "out"), seed=1)
    assert result.ok
    warned = [d for d in result.diagnostics if d.code == "objective-not-coverable"]
    assert len(warned) == 1 and warned[0].severity.value == "warning" and "TO-6" in warned[0].message
    assert warned[0].location.file.endswith("brief.yaml") and warned[0].location.line > 1
    patterns = [PATTERN.search(i["notes"]).group(1) for f in sorted((tmp_path / "out" / "injects").glob("*.yaml"))  # type: ignore[union-attr]
                for i in __import__("yaml").safe_load(f.read_text("utf-8"))["injects"]]
    assert len(patterns) == len(set(patterns))


def test_wording_follows_the_time_of_day() -> None:
    """A pattern with a morning and an evening variant says 'morning' only in the morning."""
    from exgen.generate import compose

    lib, _ = library.load_library()
    pattern = lib.patterns["DIS-STATE-TV-CLAIM"]
    assert pattern.variants
    morning = compose.wording(pattern, 120, 7 * 60, 0, (0, 3))  # 0900Z
    noon = compose.wording(pattern, 300, 7 * 60, 1, (0, 3))  # 1200Z
    assert morning != noon
    assert quality.time_words(" ".join(morning.values()), 9) == []
    assert quality.time_words(" ".join(noon.values()), 12) == []
    assert "morning" in " ".join(morning.values()).lower() and "morning" not in " ".join(noon.values()).lower()


BAD_PATTERNS = """\
library: 1
patterns:
  - id: X-BUILD-UP-REFERS-BACK
    kind: c2
    stages: [build-up]
    title: "After {earlier}, {unit_short} is warned"
    capabilities: [c2]
    methods: [email]
    sender: higher
    recipients: {categories: [military]}
  - id: X-CELL-NAMES-ITS-SENDER
    kind: c2
    title: "{sender_name} calls {unit_short}"
    capabilities: [c2]
    methods: [phone]
    sender: cell:LOCON
    recipients: {categories: [military]}
  - id: X-TRIGGER-WITHOUT-BEARERS
    kind: c2
    triggers: [outage]
    title: "{net} is down at {unit_short}"
    capabilities: [comms-degraded]
    methods: [simulation]
    sender: cell:LOCON
    recipients: {categories: [military]}
  - id: X-VARIANT-WITHOUT-WHEN
    kind: c2
    title: "{unit_short} gets a plain message"
    variants:
      - title: "Morning message for {unit_short}"
    capabilities: [c2]
    methods: [email]
    sender: higher
    recipients: {categories: [military]}
"""


def test_library_refuses_wording_the_generator_cannot_fill_truthfully(tmp_path: Path) -> None:
    """{earlier} in a build-up, {sender_name} without a role player, a trigger that does not say which
    networks its wording assumes, a variant without a time: each is a located library error."""
    folder = tmp_path / "mylib"
    folder.mkdir()
    (folder / "bad.yaml").write_text(BAD_PATTERNS, "utf-8")
    _lib, found = library.load_library([str(folder)])
    errors = [d for d in found if d.is_error]
    assert all(d.location.file.endswith("bad.yaml") and d.location.line > 1 for d in errors)
    text = "\n".join(f"{d.code} {d.message}" for d in errors)
    assert "bearers" in text and "schema" in text  # the trigger (schema: triggers need bearers)
    assert any(d.code.startswith("schema") and d.location.line >= 29 for d in errors)  # the variant


def test_library_placeholder_rules(tmp_path: Path) -> None:
    """With the schema satisfied, the cross-checks refuse {earlier} in a build-up and {sender_name}
    for a cell, and a storyline that starts with a pattern referring back."""
    good = BAD_PATTERNS.split("  - id: X-TRIGGER-WITHOUT-BEARERS")[0] + """\
storylines:
  - id: X-STORY
    title: Starts with a reference to nothing
    steps:
      - {pattern: X-STARTS-BACKWARDS, day: 0}
      - {pattern: C2-LIAISON-REQUEST, day: 1}
"""
    good = good.replace("patterns:\n", """patterns:
  - id: X-STARTS-BACKWARDS
    kind: c2
    stages: [escalation]
    title: "Following {earlier}, {unit_short} reports"
    capabilities: [c2]
    methods: [email]
    sender: higher
    recipients: {categories: [military]}
""", 1)
    folder = tmp_path / "mylib"
    folder.mkdir()
    (folder / "lib.yaml").write_text(good, "utf-8")
    _lib, found = library.load_library([str(folder)])
    messages = [d.message for d in found if d.code == "library-placeholder"]
    assert any("X-BUILD-UP-REFERS-BACK" in m and "{earlier}" in m for m in messages), messages
    assert any("X-CELL-NAMES-ITS-SENDER" in m and "{sender_name}" in m for m in messages), messages
    assert any("X-STORY" in m and "X-STARTS-BACKWARDS" in m for m in messages), messages

"""``exgen gaps``: the capability-gap register across the series as a document, chart and banners included."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import typing as t
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from exgen.aar.gaps_doc import build_gaps
from exgen.cli import cli
from tests.conftest import ROOT

SAMPLE = ROOT / "scenarios" / "gaps" / "adriatic-series.yaml"
SVG = "{http://www.w3.org/2000/svg}"
CLOSING = ("closed", "verified-closed")


def _series(tmp_path: Path) -> Path:
    """The sample register two exercises on: ADRIATIC-SHIELD-27 closes the R-173 gap, sees the GNSS one again,
    does not reproduce the data-link one, does not test the TETRA one and opens a materiel gap of its own;
    ADRIATIC-SHIELD-28 verifies the R-173 closure and opens a training gap."""
    data = yaml.safe_load(SAMPLE.read_text("utf-8"))
    gaps = {g["id"]: g for g in data["gaps"]}
    entries = {"GAP-BG-R173": [("ADRIATIC-SHIELD-27", "2027-05-13", "closed"),
                               ("ADRIATIC-SHIELD-28", "2028-05-12", "verified-closed")],
               "GAP-HR-GNSS-TIMING": [("ADRIATIC-SHIELD-27", "2027-05-11", "observed")],
               "GAP-NATO-BN-DATALINK": [("ADRIATIC-SHIELD-27", "2027-05-13", "not-reproduced")],
               "GAP-AL-TETRA-ISI": [("ADRIATIC-SHIELD-27", "2027-05-13", "not-tested")]}
    for gap_id, rows in entries.items():
        gaps[gap_id]["history"] += [{"exercise": ex, "date": day, "result": result} for ex, day, result in rows]
    gaps["GAP-BG-R173"]["status"] = "verified-closed"
    for gap_id, title, capability, owner, ex, day in (
            ("GAP-ME-FUEL", "Fuel couplings of the Montenegrin tankers do not fit the brigade's", "materiel", "ME",
             "ADRIATIC-SHIELD-27", "2027-05-12"),
            ("GAP-XK-LIAISON", "Liaison officers not trained on the brigade's reporting formats", "training", "XK",
             "ADRIATIC-SHIELD-28", "2028-05-11")):
        data["gaps"].append({"id": gap_id, "title": title, "capability": capability, "owner": owner,
                             "first_seen": {"exercise": ex, "date": day}, "status": "open",
                             "history": [{"exercise": ex, "date": day, "result": "observed"}]})
    path = tmp_path / "series.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def _build(register: Path, out: Path, *args: str) -> t.Any:
    return CliRunner().invoke(cli, ["gaps", str(register), "-o", str(out), *args], catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _expected_trend(register: Path) -> list[tuple[str, int, int, dict[str, int], dict[str, int]]]:
    """Per exercise in date order: gaps first seen there, gaps whose first closing entry is there, each by element."""
    gaps = yaml.safe_load(register.read_text("utf-8"))["gaps"]
    first_day: dict[str, str] = {}
    for g in gaps:
        for entry in [g["first_seen"], *g["history"]]:
            first_day[entry["exercise"]] = min(first_day.get(entry["exercise"], entry["date"]), entry["date"])
    rows = []
    for ex in sorted(first_day, key=lambda e: (first_day[e], e)):
        opened = [g for g in gaps if g["first_seen"]["exercise"] == ex]
        closed = [g for g in gaps if next((h["exercise"] for h in g["history"] if h["result"] in CLOSING), None) == ex]
        rows.append((ex, len(opened), len(closed), _by_capability(opened), _by_capability(closed)))
    return rows


def _by_capability(gaps: list[dict[str, t.Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for g in gaps:
        found[g["capability"]] = found.get(g["capability"], 0) + 1
    return found


def _chart_groups(svg: Path) -> list[tuple[str, int, int, dict[str, int], dict[str, int]]]:
    root = ET.fromstring(svg.read_text("utf-8"))
    rows = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "exercise":
            continue
        stacks = {}
        for kind in ("opened", "closed"):
            bar = next(g for g in group.iter(f"{SVG}g") if g.get("class") == kind)
            stacks[kind] = {r.get("data-capability", ""): int(r.get("data-count", "0"))
                            for r in bar.iter(f"{SVG}rect") if r.get("class") == "segment"}
        rows.append((group.get("data-exercise", ""), int(group.get("data-opened", "-1")),
                     int(group.get("data-closed", "-1")), stacks["opened"], stacks["closed"]))
    return rows


def test_the_sample_register_lists_every_gap_with_its_status_and_history(tmp_path: Path) -> None:
    result = _build(SAMPLE, tmp_path / "doc")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "doc" / "index.html").read_text("utf-8")
    for gap in yaml.safe_load(SAMPLE.read_text("utf-8"))["gaps"]:
        row = re.search(rf'<tr id="{re.escape(gap["id"])}">(.*?)</tr>', page, re.S)
        assert row is not None, gap["id"]
        assert gap["title"] in html.unescape(row[1])
        assert f'status-{gap["status"]}' in row[1]
        for entry in gap["history"]:
            assert f'{entry["exercise"]}</span> <span class="nowrap">{entry["date"]}</span>' in row[1]
    assert "The register of the exercise series" in page
    assert "Albania" in page and "Bulgaria" in page and "NATO" in page


def test_the_chart_has_one_group_per_exercise_with_the_right_counts(tmp_path: Path) -> None:
    register = _series(tmp_path)
    result = _build(register, tmp_path / "doc")
    assert result.exit_code == 0, result.output
    expected = _expected_trend(register)
    assert [row[0] for row in expected] == ["SAVA-LINK-26", "ADRIATIC-SHIELD-27", "ADRIATIC-SHIELD-28"]
    assert _chart_groups(tmp_path / "doc" / "charts" / "gap-trend.svg") == expected
    page = (tmp_path / "doc" / "index.html").read_text("utf-8")
    embedded = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="exgen-chart gaps-trend".*?</svg>', page, re.S)
    assert embedded is not None
    (tmp_path / "embedded.svg").write_text(embedded[0], "utf-8")
    assert _chart_groups(tmp_path / "embedded.svg") == expected
    assert "Kosovo*" in page and "UNSCR 1244/1999" in page  # XK owns a gap: the footnote comes with it


def test_every_page_carries_the_banner_given_top_and_bottom(tmp_path: Path) -> None:
    result = _build(SAMPLE, tmp_path / "doc", "--classification", "NATO RESTRICTED", "--marking", "EXERCISE ONLY")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "doc" / "index.html").read_text("utf-8")
    top = re.search(r'<header class="banner banner-top">\s*<div class="banner-bar"[^>]*>([^<]*)</div>', page)
    bottom = re.search(r'<div class="banner-bar"[^>]*>([^<]*)</div>\s*</footer>', page)
    assert top is not None and bottom is not None
    assert top[1] == bottom[1] == "NATO RESTRICTED — EXERCISE ONLY"
    assert "cls-classified" in page
    texts = [e.text for e in ET.fromstring((tmp_path / "doc" / "charts" / "gap-trend.svg").read_text("utf-8"))
             .iter(f"{SVG}text")]
    assert texts[0] == texts[-1] == "NATO RESTRICTED — EXERCISE ONLY"
    default = _build(SAMPLE, tmp_path / "plain")
    assert default.exit_code == 0, default.output
    assert "UNCLASSIFIED — EXERCISE EXERCISE EXERCISE</div>" in (tmp_path / "plain" / "index.html").read_text("utf-8")


def test_the_same_register_gives_the_same_bytes(tmp_path: Path) -> None:
    register = _series(tmp_path)
    first = build_gaps(str(register), str(tmp_path / "a"))
    elsewhere = tmp_path / "moved"
    elsewhere.mkdir()
    second = build_gaps(str(shutil.copy(register, elsewhere / register.name)), str(tmp_path / "b"))
    assert first.ok and second.ok
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_a_bad_register_is_located_and_nothing_is_written(tmp_path: Path) -> None:
    text = SAMPLE.read_text("utf-8")
    lines = text.splitlines()
    owner_line = next(i for i, line in enumerate(lines) if line.strip() == "owner: HR")
    column = lines[owner_line].index("HR") + 1
    bad = tmp_path / "gaps.yaml"
    bad.write_text(text.replace("owner: HR", "owner: ZZ"), "utf-8")  # the right shape, but no country's code
    result = _build(bad, tmp_path / "doc")
    assert result.exit_code == 1
    assert f"gaps.yaml:{owner_line + 1}:{column}: error[gaps-unknown-owner]" in result.output, result.output
    assert "no document written" in result.output
    assert not (tmp_path / "doc").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["gaps.yaml"]  # no temporary folder left behind either


def test_a_bad_register_leaves_an_earlier_document_as_it_was(tmp_path: Path) -> None:
    assert _build(SAMPLE, tmp_path / "doc").exit_code == 0
    before = _files(tmp_path / "doc")
    bad = tmp_path / "gaps.yaml"
    bad.write_text(SAMPLE.read_text("utf-8").replace('date: "2026-10-16"', 'date: "2026-02-30"'), "utf-8")
    result = _build(bad, tmp_path / "doc")
    assert result.exit_code == 1 and "error[gaps-bad-date]" in result.output
    assert _files(tmp_path / "doc") == before


def test_hostile_text_in_the_register_is_printed_not_run(tmp_path: Path) -> None:
    planted = tmp_path / "gaps.yaml"
    title = "Engineer company's R-173 sets cannot join the SINCGARS logistic net"
    planted.write_text(SAMPLE.read_text("utf-8").replace(title, '"<script>alert(1)</script> & <b>net</b>"'), "utf-8")
    result = _build(planted, tmp_path / "doc")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "doc" / "index.html").read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;net&lt;/b&gt;" in page


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--classification", "", "cannot be empty"),
    ("--classification", "SECRET\nREL TO ALL", "control character"),
    ("--marking", "EXERCISE " * 20, "at most 150"),
])
def test_a_banner_no_page_can_carry_is_a_usage_error(tmp_path: Path, option: str, value: str, said: str) -> None:
    result = _build(SAMPLE, tmp_path / "doc", option, value)
    assert result.exit_code == 2 and said in result.output
    assert not (tmp_path / "doc").exists()


def test_the_document_is_not_written_over_its_register(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    register = Path(shutil.copy(SAMPLE, folder / "gaps.yaml"))
    result = _build(register, folder, "--force")
    assert result.exit_code == 1 and "register" in result.output
    assert register.read_bytes() == SAMPLE.read_bytes()


def test_an_override_replaces_a_template(tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "gaps"
    mine.mkdir(parents=True)
    (mine / "index.html.j2").write_text("Series {{ series.name }}: {{ gaps | length }} gaps\n", "utf-8")
    result = _build(SAMPLE, tmp_path / "doc", "--templates", str(tmp_path / "mine"))
    assert result.exit_code == 0, result.output
    gap_count = len(yaml.safe_load(SAMPLE.read_text("utf-8"))["gaps"])
    assert (tmp_path / "doc" / "index.html").read_text("utf-8") == \
        f"Series Adriatic Shield / Sava Link exercise series: {gap_count} gaps\n"


def test_exgen_gaps_runs_as_a_program(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "exgen", "gaps", str(SAMPLE), "-o", str(tmp_path / "doc")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"Built {tmp_path / 'doc'}: 3 files")
    assert sorted(_files(tmp_path / "doc")) == ["charts/gap-trend.svg", "index.html", "manifest.json"]

"""``exgen build --audience``: only the documents for those readers, through CliRunner and as a real
subprocess; a wrong audience is a usage error before anything is built."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from exgen import pipeline
from exgen.cli import cli
from tests.conftest import FLAGSHIP, ROOT


def _written(package: Path) -> list[str]:
    return sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())


def _expected(*audiences: str) -> list[str]:
    """The package files the built-in outputs for ``audiences`` (and ``all``) give (no per-item ones)."""
    tset, found = pipeline.load_template_set()
    assert not found
    wanted = {*audiences, "all"}
    return sorted([s.output for s in tset.outputs if s.audience in wanted and s.per == "package"] + ["manifest.json"])


def test_audience_players_builds_only_what_may_be_released(tmp_path: Path) -> None:
    out = tmp_path / "players"
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(out), "--audience", "players"])
    assert result.exit_code == 0, result.output
    assert _written(out) == _expected("players") == ["manifest.json", "players/exercise-plan.html"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["audience"] == ["players"] and "only" not in manifest


def test_audiences_combine_as_a_list_or_repeated_and_with_only(tmp_path: Path) -> None:
    out = tmp_path / "two"
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(out), "--audience", "players,evaluators"])
    assert result.exit_code == 0, result.output
    files = _written(out)
    assert "players/exercise-plan.html" in files and any(f.startswith("evaluation/") for f in files)
    assert not any(f.startswith(("injects/", "msel/", "role-players/", "book/")) for f in files)
    again = tmp_path / "again"
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(again), "--audience", "evaluators",
                                      "--audience", "players"])
    assert result.exit_code == 0 and _written(again) == files
    both = tmp_path / "both"
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(both), "--only", "index,explan",
                                      "--audience", "players"])
    assert result.exit_code == 0 and _written(both) == ["manifest.json", "players/exercise-plan.html"]


def test_a_full_package_is_not_up_to_date_for_a_players_build(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    assert CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(out), "--only", "explan"]).exit_code == 0
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(out), "--only", "explan",
                                      "--audience", "players"])
    assert result.exit_code == 0 and "up to date" not in result.output
    result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(out), "--only", "explan",
                                      "--audience", "players"])
    assert "up to date" in result.output


def test_a_wrong_audience_is_a_usage_error_naming_the_choices(tmp_path: Path) -> None:
    for args, said in ((["--audience", "player"], "unknown audience 'player'; choose from: players, excon, "
                                                   "evaluators, role-players, all"),
                       (["--audience", " , "], "give at least one name"),
                       (["--audience", "players", "--only", "msel"], "no output of msel is for players")):
        result = CliRunner().invoke(cli, ["build", str(FLAGSHIP), "-o", str(tmp_path / "p"), *args])
        assert result.exit_code == 2 and said in result.stderr, (args, result.stderr)
        assert not (tmp_path / "p").exists()


def test_build_help_documents_the_audiences() -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["build", "--help"]).output.split())
    assert "--audience AUDIENCES" in help_text
    for name in ("players", "excon", "evaluators", "role-players", "all"):
        assert re.search(rf"\b{name}\b", help_text), name
    assert "exgen build ex.yaml -o player-pkg --audience players" in help_text


def test_audience_players_as_a_real_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", "out", "--audience",
                           "players"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _written(tmp_path / "out") == _expected("players")
    assert "Built out: 2 files" in done.stdout

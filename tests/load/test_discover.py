"""Finding root definitions in directories, globs and changed fragments (pre-commit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from exgen.cli import cli
from exgen.load import discover
from tests.conftest import FLAGSHIP_DIR, ROOT


def repo(tmp_path: Path) -> Path:
    """A scenario repository: two copies of the flagship, a stray YAML file, a CI config."""
    shutil.copytree(FLAGSHIP_DIR, tmp_path / "drills" / "a")
    shutil.copytree(FLAGSHIP_DIR, tmp_path / "drills" / "b")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yaml").write_text("on: push\n", "utf-8")
    (tmp_path / "drills" / "notes.yaml").write_text("just: notes\n", "utf-8")
    return tmp_path


def test_directory_yields_only_roots(tmp_path: Path) -> None:
    found = discover.find([str(repo(tmp_path))])
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found.roots] == [
        "drills/a/exercise.yaml", "drills/b/exercise.yaml"]


def test_fragment_is_checked_through_its_root(tmp_path: Path) -> None:
    base = repo(tmp_path)
    found = discover.find([str(base / "drills" / "b" / "injects" / "day2.yaml")])
    assert [Path(p).resolve() for p in found.roots] == [(base / "drills" / "b" / "exercise.yaml").resolve()]


def test_glob_and_unmatched(tmp_path: Path) -> None:
    base = repo(tmp_path)
    found = discover.find([str(base / "drills" / "*" / "exercise.yaml"), str(base / "nothing*.yaml")])
    assert len(found.roots) == 2 and found.unmatched == [str(base / "nothing*.yaml")]


def test_validate_directory_in_parallel_sums_up(tmp_path: Path) -> None:
    base = repo(tmp_path)
    day1 = base / "drills" / "b" / "injects" / "day1.yaml"
    day1.write_text(day1.read_text("utf-8").replace("method: document", "method: fax", 1), "utf-8")
    result = CliRunner().invoke(cli, ["validate", "--jobs", "2", str(base)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "18 files, 1 error, 0 warnings"
    assert sum("error[schema-enum]" in row and "drills/b/injects/day1.yaml" in row for row in lines) == 1


def test_sarif_output_is_valid_sarif(tmp_path: Path) -> None:
    import jsonschema

    base = repo(tmp_path)
    day1 = base / "drills" / "a" / "injects" / "day1.yaml"
    day1.write_text(day1.read_text("utf-8").replace("to: [MNB-HQ]", "to: [MNB-HX]", 1), "utf-8")
    result = CliRunner().invoke(cli, ["validate", "--format", "sarif", str(base)])
    doc = json.loads(result.stdout)
    sarif_schema = json.loads((ROOT / "tests" / "data" / "specs" / "sarif-schema-2.1.0.json").read_text("utf-8"))
    jsonschema.Draft7Validator(sarif_schema).validate(doc)
    errors = [r for r in doc["runs"][0]["results"] if r["level"] == "error"]
    assert len(errors) == 1 and errors[0]["ruleId"] == "unknown-reference"
    region = errors[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] > 1 and region["startColumn"] > 1


def test_unrelated_yaml_is_skipped_only_with_the_hook_flag(tmp_path: Path) -> None:
    base = repo(tmp_path)
    ci = str(base / ".github" / "ci.yaml")
    result = CliRunner().invoke(cli, ["validate", "--skip-non-definitions", ci])
    assert result.exit_code == 0 and "skipped" in result.stderr
    result = CliRunner().invoke(cli, ["validate", "--skip-non-definitions", ci,
                                      str(base / "drills" / "a" / "forces.yaml")])
    assert result.exit_code == 0 and result.stdout.splitlines()[-1] == "9 files, 0 errors, 0 warnings"
    result = CliRunner().invoke(cli, ["validate", ci])  # named without the flag: an error, not a skip
    assert result.exit_code == 1 and f"{ci}:1:1: error[not-a-definition]:" in result.stdout


def test_schema_files_are_not_mistaken_for_definitions(tmp_path: Path) -> None:
    base = repo(tmp_path)
    result = CliRunner().invoke(cli, ["schema", "-o", str(base / "schemas")])
    assert result.exit_code == 0
    found = discover.find([str(base)])
    assert all("schemas" not in Path(p).parts for p in found.roots) and len(found.roots) == 2

"""``--format sarif``: valid for Microsoft's SARIF multitool and the OASIS schema; URIs are URIs;
rules carry the names and descriptions of docs/diagnostics.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import jsonschema
import pytest
from click.testing import CliRunner

from exgen.cli import cli, codes
from tests.conftest import FLAGSHIP_DIR, ROOT, plant

SCHEMA = ROOT / "tests" / "data" / "specs" / "sarif-schema-2.1.0.json"
#: Installed by the Makefile (npm, --prefix tests/.node/sarif); a self-contained binary on Linux.
MULTITOOL = (ROOT / "tests" / ".node" / "sarif" / "node_modules" / "@microsoft" / "sarif-multitool-linux"
             / "Sarif.Multitool")


def _sarif(*paths: str) -> dict[str, t.Any]:
    result = CliRunner().invoke(cli, ["validate", "--format", "sarif", *paths])
    assert result.exit_code == 1 and result.stdout.startswith("{"), result.output
    doc: dict[str, t.Any] = json.loads(result.stdout)
    return doc


@pytest.fixture
def broken_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A flagship copy with an error under the working directory, and a broken file outside it whose
    name needs percent-encoding (space, %, #, non-ASCII)."""
    work = tmp_path / "repo"
    shutil.copytree(FLAGSHIP_DIR, work / "sc")
    plant(work / "sc" / "injects" / "day1.yaml", "to: [MNB-HQ]", "to: [MNB-HX]")
    outside = tmp_path / "elsewhere" / "vježba #1 100%.yaml"
    outside.parent.mkdir()
    outside.write_text("exgen: 1\nexercise: {id: X}\n", "utf-8")
    monkeypatch.chdir(work)
    return work, outside


def _artifact_paths(doc: dict[str, t.Any]) -> list[tuple[dict[str, str], str]]:
    """Each artifact location with the file system path its URI resolves to."""
    run = doc["runs"][0]
    bases = {k: v["uri"] for k, v in run.get("originalUriBaseIds", {}).items()}
    found = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    found += [a["location"] for a in run["artifacts"]]
    out = []
    for loc in found:
        uri = urljoin(bases[loc["uriBaseId"]], loc["uri"]) if "uriBaseId" in loc else loc["uri"]
        parsed = urlparse(uri)
        assert parsed.scheme == "file" and parsed.netloc == "", uri
        out.append((loc, unquote(parsed.path)))
    return out


def test_uris_are_relative_to_srcroot_or_absolute_file_uris(broken_tree: tuple[Path, Path]) -> None:
    work, outside = broken_tree
    doc = _sarif("sc/exercise.yaml", str(outside))
    run = doc["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == work.as_uri() + "/"
    located = _artifact_paths(doc)
    assert {path for _, path in located} >= {str(work / "sc" / "injects" / "day1.yaml"), str(outside)}
    for loc, path in located:
        assert Path(path).is_file(), path
        if path.startswith(str(work) + "/"):
            assert loc["uriBaseId"] == "%SRCROOT%" and not loc["uri"].startswith(("/", "file:"))
        else:
            assert "uriBaseId" not in loc and loc["uri"].startswith("file:///")
            assert " " not in loc["uri"] and "#" not in loc["uri"] and "%25" in loc["uri"]
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text("utf-8"))).validate(doc)


def test_rules_carry_names_and_descriptions_from_the_reference(broken_tree: tuple[Path, Path]) -> None:
    doc = _sarif("sc/exercise.yaml")
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert "unknown-reference" in rules
    for code, rule in rules.items():
        assert rule["name"] == codes.pascal_name(code) != code
        assert rule["shortDescription"]["text"].endswith(".") and rule["fullDescription"]["text"]
    unknown = rules["unknown-reference"]
    assert unknown["name"] == "UnknownReference"
    assert unknown["shortDescription"]["text"] == (
        "A reference names an id that does not exist, or exists as something else (a net where a unit is expected).")
    assert unknown["fullDescription"]["text"].startswith(unknown["shortDescription"]["text"][:-1])
    assert "The message suggests the closest id of the right kind." in unknown["fullDescription"]["text"]
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleId"]] == doc["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]


def test_diagnostic_codes_data_file_is_current() -> None:
    """exgen/data/diagnostic_codes.json is generated from docs/diagnostics.md by `make docs`."""
    current = codes.dumps(codes.parse((ROOT / "docs" / "diagnostics.md").read_text("utf-8")))
    shipped = (ROOT / "exgen" / "data" / codes.DATA_FILE).read_text("utf-8")
    assert shipped == current, "exgen/data/diagnostic_codes.json is stale: run `make docs`"
    table = codes.load()
    assert table["file-not-found"]["severity"] == "error" and table["file-not-found"]["short"] == (
        "A file named on the command line or in include: does not exist.")
    assert table["draft-target"]["name"] == "DraftTarget"  # a row of the generator's table


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the multitool binary installed is Linux's")
def test_microsoft_sarif_multitool_reports_no_error_or_warning(broken_tree: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    if not os.access(MULTITOOL, os.X_OK):
        pytest.skip("SARIF multitool not installed: run `make install` (npm install --prefix tests/.node/sarif)")
    work, outside = broken_tree
    log = tmp_path / "exgen.sarif"
    log.write_text(json.dumps(_sarif("sc/exercise.yaml", str(outside))), "utf-8")
    verdict = tmp_path / "verdict.sarif"
    proc = subprocess.run([str(MULTITOOL), "validate", str(log), "-o", str(verdict), "--log", "ForceOverwrite",
                           "--level", "Error;Warning"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(verdict.read_text("utf-8-sig"))["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]) for r in results if r.get("level", "warning") != "note"] == []

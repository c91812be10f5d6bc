"""The command line through click's CliRunner, and once as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from exgen import __version__
from exgen.cli import cli
from tests.conftest import FLAGSHIP, ROOT, plant


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_version_names_format_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out and "definition format 1" in out


def test_validate_flagship_exits_0_with_summary() -> None:
    code, out, _ = run("validate", str(FLAGSHIP))
    assert code == 0
    assert "0 errors" in out.splitlines()[-1]


def test_validate_planted_reference_is_located(flagship_copy: Path) -> None:
    day1 = flagship_copy.parent / "injects" / "day1.yaml"
    line, col = plant(day1, "to: [MNB-HQ]", "to: [MNB-HX]")
    code, out, _ = run("validate", str(flagship_copy))
    assert code == 1
    shown = day1.relative_to(Path.cwd()) if day1.is_relative_to(Path.cwd()) else day1
    expected = f"{shown}:{line}:{col + 5}: error[unknown-reference]"
    assert any(row.startswith(expected) for row in out.splitlines()), out
    assert "did you mean 'MNB-HQ'" in out


def test_strict_turns_warnings_into_errors(flagship_copy: Path) -> None:
    code, out, _ = run("validate", "--strict", str(flagship_copy))
    warnings_present = "warning[" in run("validate", str(flagship_copy))[1]
    assert code == (1 if warnings_present else 0)
    assert "warning[" not in out


def test_json_format_is_versioned_and_complete(flagship_copy: Path) -> None:
    plant(flagship_copy.parent / "injects" / "day1.yaml", "method: document", "method: fax")
    code, out, _ = run("validate", "--format", "json", str(flagship_copy))
    doc = json.loads(out)
    assert code == 1 and doc["version"] == 1 and doc["summary"]["errors"] == 1
    (err,) = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert set(err) == {"file", "line", "col", "pointer", "code", "severity", "message"}
    assert err["code"] == "schema-enum" and err["pointer"].endswith("/method") and err["line"] > 0


def test_github_format_annotations(flagship_copy: Path) -> None:
    plant(flagship_copy.parent / "injects" / "day1.yaml", "method: document", "method: fax")
    code, out, _ = run("validate", "--format", "github", str(flagship_copy))
    lines = [row for row in out.splitlines() if row.startswith("::error ")]
    assert code == 1 and len(lines) == 1
    assert "title=schema-enum" in lines[0] and ",line=" in lines[0] and ",col=" in lines[0]


def test_usage_errors_exit_2() -> None:
    assert run("validate")[0] == 2
    assert run("validate", "--format", "xml", str(FLAGSHIP))[0] == 2
    assert run("nonsense")[0] == 2


def test_missing_and_binary_files_exit_1_without_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    code, out, err = run("validate", str(tmp_path / "missing.yaml"), str(binary))
    assert code == 1
    assert "file-not-found" in out and "binary-file" in out and "Traceback" not in out + err


def test_comms_text_fits_100_columns_and_at_time() -> None:
    code, out, _ = run("comms", str(FLAGSHIP), "--at", "D+1 08:00")
    assert code == 0
    assert max(len(row) for row in out.splitlines()) <= 100
    assert "PACE-AL" in out


def test_comms_json_and_bad_time() -> None:
    code, out, _ = run("comms", str(FLAGSHIP), "--format", "json")
    assert code == 0 and json.loads(out)
    assert run("comms", str(FLAGSHIP), "--at", "yesterday")[0] == 2


def test_build_prints_summary_and_writes_manifest(tmp_path: Path) -> None:
    out_dir = tmp_path / "pkg"
    code, out, _ = run("build", str(FLAGSHIP), "-o", str(out_dir), "--seed", "3")
    assert code == 0 and out.startswith(f"Built {out_dir}:")
    manifest = json.loads((out_dir / "manifest.json").read_text("utf-8"))
    assert manifest["seed"] == 3 and manifest["generator"] == "exgen"
    assert {f["path"] for f in manifest["files"]} >= {"index.html", "msel/msel.csv"}


def test_build_jobs_option_gives_the_same_package_and_refuses_zero(tmp_path: Path) -> None:
    trees = []
    for jobs in ("1", "2"):
        out_dir = tmp_path / f"pkg{jobs}"
        code, _, err = run("build", str(FLAGSHIP), "-o", str(out_dir), "--jobs", jobs, "--only", "msel,cards,index")
        assert code == 0, err
        trees.append(json.loads((out_dir / "manifest.json").read_text("utf-8"))["files"])
    assert trees[0] == trees[1] and len(trees[0]) > 40
    code, _, err = run("build", str(FLAGSHIP), "-o", str(tmp_path / "pkg0"), "--jobs", "0")
    assert code == 2 and "--jobs" in err and not (tmp_path / "pkg0").exists()


def test_build_refuses_invalid_definition_and_writes_nothing(flagship_copy: Path, tmp_path: Path) -> None:
    plant(flagship_copy.parent / "forces.yaml", "nation: ", "nation: ZZ", nth=0)
    plant(flagship_copy.parent / "forces.yaml", "nation: ZZ", "nation: ")
    plant(flagship_copy.parent / "exercise.yaml", "type: CPX", "type: WAR")
    code, _, err = run("build", str(flagship_copy), "-o", str(tmp_path / "pkg"))
    assert code == 1 and "schema-enum" in err and "no package written" in err
    assert not (tmp_path / "pkg").exists()


def test_build_refuses_foreign_directory_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    code, _, err = run("build", str(FLAGSHIP), "-o", str(target))
    assert code == 1 and "--force" in err and (target / "mine.txt").exists()
    assert run("build", str(FLAGSHIP), "-o", str(target), "--force")[0] == 0
    assert not (target / "mine.txt").exists()


def test_templates_list_and_eject(tmp_path: Path) -> None:
    code, out, _ = run("templates", "list")
    assert code == 0 and "inject_card.html.j2" in out and "one per inject" in out
    code, out, _ = run("templates", "eject", "inject_card.html.j2", "-o", str(tmp_path / "mine"))
    assert code == 0 and (tmp_path / "mine" / "inject_card.html.j2").is_file()
    code, out, _ = run("templates", "list", "--templates", str(tmp_path / "mine"))
    assert "override in" in [row for row in out.splitlines() if row.startswith("inject_card.html")][0]
    assert run("templates", "eject", "../pyproject.toml", "-o", str(tmp_path))[0] == 2


def test_real_subprocess_validate_and_build(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "exgen", "validate", str(FLAGSHIP)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("9 files, 0 errors")
    bad = tmp_path / "bad.yaml"
    bad.write_text("exgen: 1\nexercise: [unclosed\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "exgen", "validate", str(bad)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 1 and "yaml-syntax" in done.stdout and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "exgen", "build", str(FLAGSHIP), "-o", "out"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "index.html").is_file()


def test_json_report_validates_against_its_schema(flagship_copy: Path) -> None:
    import jsonschema

    from exgen.check import schema

    plant(flagship_copy.parent / "forces.yaml", "echelon: battalion", "echelon: batallion")
    code, out, _ = run("validate", "--format", "json", str(flagship_copy))
    doc = json.loads(out)
    jsonschema.Draft202012Validator(schema.load_schemas()["report.schema.json"]).validate(doc)
    assert code == 1 and doc["summary"]["errors"] >= 1

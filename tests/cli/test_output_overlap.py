"""Outputs never destroy inputs (issue 16, item 1): build, init, templates eject and schema -o refuse,
even with --force, an output directory that holds, is, or lies inside what the command reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.core import paths
from exgen.core.resources import data_dir


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its hash: proof that nothing was touched."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- build ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("out", "reason"), [
    ("sc", "it contains the definition file 'sc/exercise.yaml'"),
    (".", "it contains the definition file 'sc/exercise.yaml'"),
    ("sc/injects", "it contains the definition file 'sc/injects/day1.yaml'"),
    ("link-to-sc", "it contains the definition file 'sc/exercise.yaml'"),
], ids=["definition-folder", "parent", "folder-of-an-include", "symlink-to-it"])
def test_build_refuses_an_output_holding_the_definition(flagship_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                         out: str, reason: str) -> None:
    work = flagship_copy.parent.parent
    (flagship_copy.parent).rename(work / "sc")
    (work / "link-to-sc").symlink_to(work / "sc")
    monkeypatch.chdir(work)
    before = snapshot(work / "sc")
    code, _, err = run("build", "sc/exercise.yaml", "-o", out, "--force", "--only", "index")
    assert code == 1
    assert err.splitlines()[0] == (f"{out}: error[output-overlap]: refusing to write the package into "
                                   f"'{out}': {reason}")
    assert err.splitlines()[-1].startswith("exgen: no package written:")
    assert snapshot(work / "sc") == before and not list(work.glob(".*tmp-*"))


def test_build_refuses_a_template_directory_as_output(flagship_copy: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "tpl"
    overrides.mkdir()
    (overrides / "note.txt").write_text("mine", "utf-8")
    for out, reason in ((overrides, "it is the template directory"),
                        (overrides / "pkg", "it is inside the template directory"),
                        (tmp_path, "it contains the definition file")):
        code, _, err = run("build", str(flagship_copy), "-o", str(out), "--templates", str(overrides), "--force")
        assert code == 1 and reason in err, err
    assert (overrides / "note.txt").read_text("utf-8") == "mine" and not (overrides / "pkg").exists()


def test_build_refuses_the_builtin_templates(flagship_copy: Path) -> None:
    builtin = data_dir("templates")
    code, _, err = run("build", str(flagship_copy), "-o", str(builtin / "pkg"), "--force")
    assert code == 1 and f"it is inside the built-in template directory '{builtin}'" in err
    assert not (builtin / "pkg").exists()


def test_build_into_a_folder_beside_the_definition_still_works(flagship_copy: Path) -> None:
    out = flagship_copy.parent / "package"
    code, stdout, err = run("build", str(flagship_copy), "-o", str(out), "--only", "index", "-q")
    assert code == 0, err
    assert (out / "index.html").is_file()
    code, _, err = run("build", str(flagship_copy), "-o", str(out), "--only", "index", "-q")  # and again
    assert code == 0, err


# --- init, templates eject, schema -o ----------------------------------------------------------------


def test_init_refuses_exgens_own_scaffold_even_with_force() -> None:
    from exgen.cli import scaffold as init

    scaffold = init._scaffold_dir("CPX")
    before = snapshot(Path(str(scaffold)))
    code, _, err = run("init", str(scaffold), "--force")
    assert code == 1
    assert err == (f"exgen: refusing to write the exercise definition into '{scaffold}': it is inside the "
                   f"built-in scaffold directory '{scaffold}'\n")
    assert snapshot(Path(str(scaffold))) == before


def test_eject_refuses_the_builtin_template_directory() -> None:
    builtin = data_dir("templates")
    before = (builtin / "index.html.j2").read_bytes()
    code, _, err = run("templates", "eject", "index.html.j2", "-o", str(builtin), "--force")
    assert code == 1 and err.startswith(f"exgen: refusing to write the template into '{builtin}': it is inside")
    assert (builtin / "index.html.j2").read_bytes() == before


def test_eject_never_writes_through_a_link_to_the_builtin(tmp_path: Path) -> None:
    builtin = data_dir("templates")
    (tmp_path / "index.html.j2").symlink_to(builtin / "index.html.j2")
    code, _, err = run("templates", "eject", "index.html.j2", "-o", str(tmp_path), "--force")
    assert code == 1
    assert err == (f"exgen: refusing to write the template into '{tmp_path}': {tmp_path / 'index.html.j2'} is "
                   f"inside the built-in template directory '{builtin}'\n")
    assert (tmp_path / "index.html.j2").is_symlink()


def test_schema_refuses_the_builtin_schema_directory() -> None:
    folder = data_dir("schemas")
    code, _, err = run("schema", "-o", str(folder))
    assert code == 1 and err.startswith(f"exgen: refusing to write the schemas into '{folder}': it is inside")


# --- the path logic ------------------------------------------------------------------------------


def test_overlap_in_both_directions_and_through_symlinks(tmp_path: Path) -> None:
    (tmp_path / "defs" / "sub").mkdir(parents=True)
    definition = tmp_path / "defs" / "sub" / "ex.yaml"
    definition.write_text("exgen: 1\n", "utf-8")
    library = tmp_path / "lib"
    library.mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "defs")
    inputs = [paths.Input("definition file", "ex.yaml", definition),
              paths.Input("library directory", "lib", library, directory=True)]

    def verdict(out: Path) -> str | None:
        found = paths.check_output(str(out), inputs, "package")
        return None if found is None else found[1].split(": ", 1)[1]

    assert verdict(tmp_path / "defs") == "it contains the definition file 'ex.yaml'"
    assert verdict(tmp_path / "alias" / "sub") == "it contains the definition file 'ex.yaml'"
    assert verdict(tmp_path / "lib") == "it is the library directory 'lib'"
    assert verdict(tmp_path / "lib" / "new" / "deeper") == "it is inside the library directory 'lib'"
    assert verdict(tmp_path) == "it contains the definition file 'ex.yaml'"
    assert verdict(tmp_path / "defs" / "package") is None
    assert verdict(tmp_path / "elsewhere") is None
    # A command that writes named files may write beside the definition, never over it.
    assert paths.check_output(str(tmp_path / "defs"), inputs, "files", ["other.yaml"]) is None
    sub = tmp_path / "alias" / "sub"
    assert paths.check_output(str(sub), [paths.Input("x", "x", definition)], "files", ["ex.yaml"]) == (
        "output-overlap", f"refusing to write the files into '{sub}': {sub / 'ex.yaml'} is the x 'x'")


def test_same_folder_is_recognised_by_identity_not_spelling(tmp_path: Path) -> None:
    """Two spellings of one folder that no string comparison matches are the same folder."""
    folder = tmp_path / "defs"
    folder.mkdir()
    (tmp_path / "alias").symlink_to(folder)
    places = paths._Places()
    assert places.same(tmp_path / "alias", folder)  # compared unresolved: device and inode decide
    assert not places.same(tmp_path, folder)


def test_new_codes_are_documented() -> None:
    import re

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    sections = dict(re.findall(r"^### ([a-z0-9-]+)\n(.*?)(?=^##)", text + "\n##", re.M | re.S))
    for code in ("output-overlap", "output-path", "not-a-definition"):
        assert "Severity: **error**" in sections[code] and "Bad:" in sections[code] and "Fixed" in sections[code]

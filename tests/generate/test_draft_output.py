"""`exgen generate -o` never replaces the brief, a file it includes, or a library (issue 16, items 1 and 3)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exgen.cli import cli
from exgen.generate.library import builtin_dir
from tests.conftest import ROOT

BRIEFS = ROOT / "scenarios" / "briefs"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def briefs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled briefs in ``tmp_path/br``; the working directory is ``tmp_path``."""
    shutil.copytree(BRIEFS, tmp_path / "br")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "br"


@pytest.mark.parametrize(("out", "reason"), [
    ("br", "it contains the brief file 'br/coastal-resilience-ttx.yaml'"),
    (".", "it contains the brief file 'br/coastal-resilience-ttx.yaml'"),
])
def test_generate_refuses_an_output_holding_the_brief(briefs: Path, out: str, reason: str) -> None:
    before = sorted(p.relative_to(briefs) for p in briefs.rglob("*"))
    code, _, err = run("generate", "br/coastal-resilience-ttx.yaml", "-o", out, "--force")
    assert code == 1
    assert err.splitlines()[0] == f"{out}: error[output-overlap]: refusing to write the draft into '{out}': {reason}"
    assert sorted(p.relative_to(briefs) for p in briefs.rglob("*")) == before


def test_generate_refuses_an_output_holding_a_file_the_brief_includes(briefs: Path) -> None:
    brief = "br/adriatic-shield/brief.yaml"
    code, _, err = run("generate", brief, "-o", "br/adriatic-shield", "--force")
    assert code == 1 and "it contains the brief file 'br/adriatic-shield/brief.yaml'" in err
    (briefs / "adriatic-shield" / "drafts").mkdir()
    code, _, err = run("generate", brief, "-o", "br/adriatic-shield/drafts", "--force")
    assert code == 0, err  # a folder beside the brief is fine


def test_generate_refuses_library_directories(briefs: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "mine.yaml").write_text("library: 1\npatterns: []\n", "utf-8")
    for out, reason in ((lib, "it is the library directory"), (lib / "draft", "it is inside the library directory"),
                        (builtin_dir(), "it is the built-in library directory")):
        code, _, err = run("generate", "br/coastal-resilience-ttx.yaml", "-o", str(out), "--library", str(lib),
                           "--force")
        assert code == 1 and f"refusing to write the draft into '{out}': {reason}" in err, err
    assert (lib / "mine.yaml").read_text("utf-8") == "library: 1\npatterns: []\n" and not (lib / "draft").exists()


@pytest.mark.parametrize(("out", "reason"), [
    ("/dev/null", "it exists and is a character device, not a directory"),
    ("/dev/null/draft", "a part of the path is a file, not a directory"),
    ("x" * 300, "the name is too long for the file system"),
], ids=["device", "under-a-file", "name-too-long"])
def test_generate_into_an_unusable_path_is_located(briefs: Path, out: str, reason: str) -> None:
    if out.startswith("/dev/") and not os.path.exists("/dev/null"):
        pytest.skip("needs /dev/null")
    code, _, err = run("generate", "br/coastal-resilience-ttx.yaml", "-o", out)
    assert code == 1
    assert err.splitlines()[0] == f"{out}: error[output-path]: cannot write the draft into '{out}': {reason}"
